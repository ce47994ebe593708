#!/usr/bin/env python3
"""Staff benchmark: fills a database with 100,000 generated requests and
measures, on the real binary in a pseudo-terminal, the time to open the
staff list, to page down and to search, then the time of a CSV export, and
the peak memory of each. It reports; it never fails the build."""
import fcntl
import os
import pty
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BIN = os.environ.get("ZK_BIN", os.path.join(ROOT, "zorgkiosk"))
N = int(os.environ.get("ZK_BENCH_REQUESTS", "100000"))
USER = os.environ.get("USER") or __import__("pwd").getpwuid(os.getuid()).pw_name


def spawn(args, cols=80, rows=24):
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8")
        os.execve(BIN, [BIN] + args, env)
    return pid, fd


def read_until(fd, marker, timeout=30.0):
    """Read output until marker arrives; return (seconds, bytes)."""
    start, buf = time.monotonic(), b""
    while marker not in buf:
        left = timeout - (time.monotonic() - start)
        if left <= 0:
            raise TimeoutError(marker)
        r, _, _ = select.select([fd], [], [], left)
        if r:
            buf += os.read(fd, 65536)
    return time.monotonic() - start, buf


def settle(fd, quiet=0.3):
    """Drain output until the terminal has been quiet for a while; return
    the seconds from the call to the last byte (the screen is complete)."""
    start = last = time.monotonic()
    while select.select([fd], [], [], quiet)[0]:
        try:
            if not os.read(fd, 65536):
                break
        except OSError:
            break
        last = time.monotonic()
    return last - start


def vm_hwm_mib(pid):
    """Peak memory of a process since its exec (VmHWM); ru_maxrss would also
    count the Python process it was forked from."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_peak(argv):
    """Run argv to its end; return (seconds, peak MiB), sampling VmHWM."""
    t, peak = time.monotonic(), 0.0
    p = subprocess.Popen(argv)
    while p.poll() is None:
        peak = max(peak, vm_hwm_mib(p.pid))
        time.sleep(0.005)
    if p.returncode != 0:
        raise SystemExit("%s failed" % argv[1])
    return time.monotonic() - t, peak


def main():
    tmp = tempfile.mkdtemp(prefix="zk-bench-")
    db = os.path.join(tmp, "zk.db")
    staff = ["--db", db, "--staff-users", USER]
    try:
        subprocess.run([BIN, "audit"] + staff, check=True, stdout=subprocess.DEVNULL)
        t = time.monotonic()
        subprocess.run([sys.executable, os.path.join(HERE, "fill.py"), db, str(N)], check=True)
        print("filled %d requests in %.1f s (%.0f MB)" % (N, time.monotonic() - t, os.path.getsize(db) / 1e6))

        pid, fd = spawn(["staff", "--lang", "en"] + staff)
        open_s, _ = read_until(fd, b"Page Down")
        settle(fd)
        os.write(fd, b"\x1b[6~")  # Page Down
        page_s = settle(fd)
        os.write(fd, b"/")
        read_until(fd, b"OK")
        settle(fd)
        os.write(fd, b"Noor Kaya")
        settle(fd)
        os.write(fd, b"\r")
        search_s = settle(fd)
        staff_peak = vm_hwm_mib(pid)
        os.write(fd, b"q")
        os.waitpid(pid, 0)

        out = os.path.join(tmp, "export.csv")
        export_s, export_peak = run_peak([BIN, "export", "--format", "csv", "-o", out] + staff)

        print("%-28s %10s" % ("staff terminal, %d requests" % N, "time"))
        print("%-28s %8.1f ms" % ("open the list", open_s * 1000))
        print("%-28s %8.1f ms" % ("page down", page_s * 1000))
        print("%-28s %8.1f ms" % ("search a name", search_s * 1000))
        print("%-28s %8.1f ms  (%.1f MB of CSV)" % ("export CSV, all", export_s * 1000,
                                                     os.path.getsize(out) / 1e6))
        print("%-28s %8.1f MiB" % ("peak memory, staff terminal", staff_peak))
        print("%-28s %8.1f MiB" % ("peak memory, export", export_peak))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
