#!/usr/bin/env python3
"""The host's capacity: N kiosk sessions at once (N = 10, 50, 200 by
default, ZK_BENCH_SESSIONS), each a visitor after another: a new session
(as a new SSH login) in a pseudo-terminal that walks the guide to a form,
fills it in and sends it, for ZK_BENCH_SECONDS (20) per N. Prints the
submits per second held, the errors (sessions that did not end with a
reference), the memory per session (proportional set size of the kiosk
and its writer process), and the p50/p99/max time from a key
(a line typed, with Enter) to the kiosk's next prompt. It reports; it
never fails the build."""
import os
import shutil
import tempfile
import threading
import time

import kioskload as kl

SESSIONS = [int(n) for n in os.environ.get("ZK_BENCH_SESSIONS", "10,50,200").split(",")]
SECONDS = float(os.environ.get("ZK_BENCH_SECONDS", "20"))


def visitor_loop(db, lines, send, until, stats, lock):
    """Visitors one after another until the time is up."""
    while time.monotonic() < until:
        lat = []
        s = kl.session(db)
        ok = False
        try:
            ref = kl.submit(s, lines, send, lat)
            ok = ref is not None
        except (AssertionError, TimeoutError, OSError) as e:  # a lost screen, a dead session
            with lock:
                stats["why"].append(str(e).splitlines()[0][:120] if str(e) else type(e).__name__)
        finally:
            rss = kl.session_kib(s.proc.pid)
            try:
                s.finish()
            except Exception:  # noqa: BLE001  (counted below)
                ok = False
        with lock:
            stats["latency"] += lat
            stats["rss"].append(rss)
            if ok:
                stats["submits"] += 1
            else:
                stats["errors"] += 1


def run(n, lines, send, tmp):
    db = os.path.join(tmp, "cap-%d.db" % n)
    kl.session(db).finish()  # create the database first
    stats = {"latency": [], "rss": [], "submits": 0, "errors": 0, "why": []}
    lock = threading.Lock()
    start = time.monotonic()
    until = start + SECONDS
    threads = [threading.Thread(target=visitor_loop, args=(db, lines, send, until, stats, lock), daemon=True)
               for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(SECONDS + 120)
    elapsed = time.monotonic() - start
    rss = [r for r in stats["rss"] if r > 0]
    return {
        "n": n, "seconds": elapsed, "submits": stats["submits"], "errors": stats["errors"],
        "per_s": stats["submits"] / elapsed, "rss_mib": (sum(rss) / len(rss) / 1024) if rss else 0.0,
        "p50": kl.percentile(stats["latency"], 50), "p99": kl.percentile(stats["latency"], 99),
        "max": max(stats["latency"]) if stats["latency"] else float("nan"), "keys": len(stats["latency"]),
        "why": stats["why"][:3],
    }


def main():
    tmp = tempfile.mkdtemp(prefix="zk-capacity-")
    try:
        lines, send = kl.script(os.path.join(tmp, "walk.db"))
        results = [run(n, lines, send, tmp) for n in SESSIONS]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("host load average at the end: %.1f %.1f %.1f (other programs share the CPUs)" % os.getloadavg())
    print("capacity: N kiosk sessions at once, visitors one after another, %.0f s each; %d lines"
          " typed per request; host with %d CPUs" % (SECONDS, len(lines) + 1, os.cpu_count()))
    print("  %5s %9s %9s %7s %11s %9s %9s %9s %8s" % ("N", "submits", "per s", "errors", "MiB/session",
                                                        "key p50", "key p99", "key max", "keys"))
    for r in results:
        print("  %5d %9d %9.1f %7d %11.1f %7.0f ms %7.0f ms %7.0f ms %8d" % (
            r["n"], r["submits"], r["per_s"], r["errors"], r["rss_mib"], r["p50"] * 1000, r["p99"] * 1000,
            r["max"] * 1000, r["keys"]))
        for why in r["why"]:
            print("        error: %s" % why)


if __name__ == "__main__":
    main()
