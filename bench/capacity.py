#!/usr/bin/env python3
"""The host's capacity: N kiosk sessions at once (N = 10, 50, 200 by
default, ZK_BENCH_SESSIONS), each a visitor after another: a new kiosk
session in line mode in its own pseudo-terminal and session (as an SSH
login gets), which walks the guide to the form, fills it in and sends it
(the submit path of every kiosk: the kiosk's writer process and its
transaction), for ZK_BENCH_SECONDS (20) per N.

The driver must not be the limit. It runs as ZK_BENCH_DRIVERS processes
(2), each serving its share of the sessions from one event loop: a kiosk
is started with posix_spawn, a line is written when the kiosk's prompt
has come, and nothing else is done with the output but looking for the
prompt and the reference. Each driver process measures its own CPU time
(getrusage), and the kiosks' CPU time is taken as they end (wait4), so
the report shows how much of the host the driver used beside the kiosks.

Prints the submits per second held, the errors (sessions that ended or
stopped answering without a reference), the CPU of the driver and of the
kiosks, the memory per session (proportional set size of a kiosk and its
writer process, sampled), and the p50/p99/max time from a line typed
(with Enter) to the kiosk's next prompt. It reports; it never fails the
build."""
import multiprocessing
import os
import re
import resource
import selectors
import shutil
import tempfile
import time

import kioskload as kl

SESSIONS = [int(n) for n in os.environ.get("ZK_BENCH_SESSIONS", "10,50,200").split(",")]
SECONDS = float(os.environ.get("ZK_BENCH_SECONDS", "20"))
DRIVERS = int(os.environ.get("ZK_BENCH_DRIVERS", "2"))
STEP_TIMEOUT = 30.0  # a kiosk that does not answer a line within this is an error
PROMPT = b"> "
REF = re.compile(kl.REF_RE.pattern.encode())
MEMORY_EVERY = 25  # sample one session's memory in this many


class Session:
    """One visitor: a kiosk in a pseudo-terminal and how far the walk is."""

    def __init__(self, argv, env):
        self.master, slave = os.openpty()
        kl.zkharness._set_winsize(slave, 24, 80)
        # A session of its own with the terminal as its controlling
        # terminal (opened after setsid), as sshd gives a login.
        self.pid = os.posix_spawn(argv[0], argv, env, setsid=True, file_actions=[
            (os.POSIX_SPAWN_OPEN, 0, os.ttyname(slave), os.O_RDWR, 0),
            (os.POSIX_SPAWN_DUP2, 0, 1),
            (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)])
        os.close(slave)
        os.set_blocking(self.master, False)
        self.out = b""
        self.step = -1  # -1: waiting for the first screen
        self.sent = time.monotonic()

    def close(self):
        try:
            os.close(self.master)  # the kiosk sees the hang-up and ends
        except OSError:
            pass


def drive(n, seconds, argv, env, lines, send, results):
    """One driver process: n sessions at once, a new one as each ends,
    until the time is up; then the sessions running are let finish."""
    sel = selectors.DefaultSelector()
    start = time.monotonic()
    until = start + seconds
    stats = {"submits": 0, "errors": 0, "latency": [], "pss": [], "why": [], "started": 0}
    ending = []  # pids of kiosks told to end, to reap
    script = [line.encode() + b"\n" for line in lines] + [send.encode() + b"\n"]

    def begin():
        s = Session(argv, env)
        stats["started"] += 1
        sel.register(s.master, selectors.EVENT_READ, s)

    def end(s, ok, why=None):
        sel.unregister(s.master)
        s.close()
        ending.append(s.pid)
        if ok:
            stats["submits"] += 1
        else:
            stats["errors"] += 1
            if why and len(stats["why"]) < 3:
                stats["why"].append(why)
        if time.monotonic() < until:
            begin()

    for _ in range(n):
        begin()
    kiosk_cpu = 0.0
    while sel.get_map():
        now = time.monotonic()
        if now > until + 60:  # the sessions still running after the grace time
            for key in list(sel.get_map().values()):
                end(key.data, False, "still running at the end")
            break
        for key, _ in sel.select(timeout=0.5):
            s = key.data
            try:
                data = os.read(s.master, 65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                end(s, False, "the kiosk ended at line %d" % s.step)
                continue
            s.out += data
            if not s.out.endswith(PROMPT):
                continue
            now = time.monotonic()
            if s.step >= 0:
                stats["latency"].append(now - s.sent)
            s.step += 1
            if s.step == len(script):
                ok = REF.search(s.out) is not None
                end(s, ok, None if ok else "no reference after Send: %r" % s.out[-200:])
                continue
            if s.step == len(script) - 1 and stats["started"] % MEMORY_EVERY == 0:
                stats["pss"].append(kl.session_kib(s.pid))
            s.out = b""
            s.sent = now
            os.write(s.master, script[s.step])
        now = time.monotonic()
        for key in list(sel.get_map().values()):
            if now - key.data.sent > STEP_TIMEOUT:
                end(key.data, False, "no answer within %.0f s at line %d" % (STEP_TIMEOUT, key.data.step))
        ending = reap(ending)
    elapsed = time.monotonic() - start
    deadline = time.monotonic() + 10
    while ending and time.monotonic() < deadline:
        ending = reap(ending)
        time.sleep(0.05)
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    kiosk_cpu = kids.ru_utime + kids.ru_stime
    stats.update(driver_cpu=me.ru_utime + me.ru_stime, kiosk_cpu=kiosk_cpu, elapsed=elapsed)
    results.put(stats)


def reap(pids):
    left = []
    for pid in pids:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            continue
        if done == 0:
            left.append(pid)
    return left


def cpu_busy():
    """The host's busy and total CPU time (all CPUs), in clock ticks."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    return sum(v) - idle, sum(v)


def run(n, argv, env, lines, send):
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    shares = [n // DRIVERS + (1 if i < n % DRIVERS else 0) for i in range(DRIVERS)]
    b0, t0 = cpu_busy()
    start = time.monotonic()
    procs = [ctx.Process(target=drive, args=(k, SECONDS, argv, env, lines, send, results))
             for k in shares if k > 0]
    for p in procs:
        p.start()
    parts = [results.get() for _ in procs]
    for p in procs:
        p.join()
    wall = time.monotonic() - start
    b1, t1 = cpu_busy()
    lat = [x for p in parts for x in p["latency"]]
    pss = [x for p in parts for x in p["pss"] if x > 0]
    elapsed = max(p["elapsed"] for p in parts)
    submits = sum(p["submits"] for p in parts)
    return {
        "n": n, "submits": submits, "errors": sum(p["errors"] for p in parts),
        "per_s": submits / elapsed,
        "driver_cpu": sum(p["driver_cpu"] for p in parts) / wall,
        "kiosk_cpu": sum(p["kiosk_cpu"] for p in parts) / wall,
        "kiosk_ms": 1000 * sum(p["kiosk_cpu"] for p in parts) / max(1, submits),
        "host_busy": (b1 - b0) / max(1, t1 - t0),
        "pss_mib": (sum(pss) / len(pss) / 1024) if pss else 0.0,
        "p50": kl.percentile(lat, 50), "p99": kl.percentile(lat, 99),
        "max": max(lat) if lat else float("nan"), "keys": len(lat),
        "why": [w for p in parts for w in p["why"]][:3],
    }


def main():
    tmp = tempfile.mkdtemp(prefix="zk-capacity-")
    try:
        lines, send = kl.script(os.path.join(tmp, "walk.db"))
        results = []
        for n in SESSIONS:
            db = os.path.join(tmp, "cap-%d.db" % n)
            kl.session(db).finish()  # create the database first
            args, env = kl.zkharness.site_args(["--db", db, "--forms", kl.FORMS_DIR, "--plain"],
                                               kl.zkharness.base_env(TERM="dumb"))
            results.append(run(n, [kl.zkharness.BIN] + args, env, lines, send))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("host load average at the end: %.1f %.1f %.1f (other programs share the CPUs)" % os.getloadavg())
    print("capacity: N kiosk sessions at once, visitors one after another, %.0f s each; %d lines typed per"
          " request; host with %d CPUs; driver: %d processes, one event loop each" % (
              SECONDS, len(lines) + 1, os.cpu_count(), DRIVERS))
    print("  CPU columns: share of one CPU over the run (driver, kiosks) and of all CPUs (host, everything)")
    print("  %5s %8s %7s %6s %10s %10s %9s %9s %8s %8s %8s %8s" % (
        "N", "submits", "per s", "errors", "driver CPU", "kiosks CPU", "host busy", "ms/submit", "MiB/sess",
        "key p50", "key p99", "key max"))
    for r in results:
        print("  %5d %8d %7.1f %6d %9.0f%% %9.0f%% %8.0f%% %9.1f %8.1f %5.0f ms %5.0f ms %5.0f ms" % (
            r["n"], r["submits"], r["per_s"], r["errors"], 100 * r["driver_cpu"], 100 * r["kiosk_cpu"],
            100 * r["host_busy"], r["kiosk_ms"], r["pss_mib"], r["p50"] * 1000, r["p99"] * 1000,
            r["max"] * 1000))
        for why in r["why"]:
            print("        error: %s" % why)


if __name__ == "__main__":
    main()
