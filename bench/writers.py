#!/usr/bin/env python3
"""Submits under load: 8 kiosks (line mode, pseudo-terminals) fill in a
request each and press Send at the same moment, round after round; prints
the time from Send to the reference shown (median, p99, max) and the
requests that failed. A visitor should never wait more than 100 ms. It
reports; it never fails the build."""
import os
import shutil
import subprocess
import tempfile
import time

import kioskload as kl

WRITERS = int(os.environ.get("ZK_BENCH_WRITERS", "8"))
ROUNDS = int(os.environ.get("ZK_BENCH_ROUNDS", "25"))


def main():
    tmp = tempfile.mkdtemp(prefix="zk-writers-")
    db = os.path.join(tmp, "zk.db")
    waits, failed = [], 0
    try:
        lines, send = kl.script(os.path.join(tmp, "walk.db"))
        for _ in range(ROUNDS):
            sessions = [kl.session(db) for _ in range(WRITERS)]
            try:
                for s in sessions:
                    s.first_screen(timeout=30)
                    for line in lines:
                        s.cmd(line, timeout=30)
                starts = [len(s.output()) for s in sessions]
                sent = []
                for s in sessions:
                    sent.append(time.monotonic())
                    s.send(send)
                done = [None] * WRITERS
                deadline = time.monotonic() + 30
                while None in done and time.monotonic() < deadline:
                    for i, s in enumerate(sessions):
                        if done[i] is None and kl.REF_RE.search(s.output()[starts[i]:].decode("utf-8", "replace")):
                            done[i] = time.monotonic() - sent[i]
                    time.sleep(0.0005)
                waits += [d for d in done if d is not None]
                failed += done.count(None)
            finally:
                for s in sessions:
                    s.finish()
        n = subprocess.run(["sqlite3", db, "SELECT count(*) FROM intake"], capture_output=True, text=True)
        print("host load average at the end: %.1f %.1f %.1f (other programs share the CPUs)" % os.getloadavg())
        print("submits under load: %d writers at once, %d rounds" % (WRITERS, ROUNDS))
        print("  %-34s %d (in the database: %s)" % ("requests stored", len(waits), n.stdout.strip() or "?"))
        print("  %-34s %d" % ("requests failed or lost", failed))
        print("  %-34s %.1f ms" % ("Send to reference, median", kl.percentile(waits, 50) * 1000))
        print("  %-34s %.1f ms" % ("Send to reference, p99", kl.percentile(waits, 99) * 1000))
        print("  %-34s %.1f ms" % ("Send to reference, max", max(waits) * 1000 if waits else float("nan")))
        print("  target: max <= 100 ms")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
