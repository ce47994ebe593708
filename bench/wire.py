#!/usr/bin/env python3
"""Bytes on the wire: runs zorgkiosk and, in the same run, the reference
programs dialog and whiptail through the same scripted steps in a
pseudo-terminal, at 80x24 and 40x15 with TERM=xterm-256color and vt100, and
prints for each: bytes of the first screen (and per visible character),
bytes per arrow-key move in a menu, per typed character in a text field,
per transition to the next screen (for zorgkiosk the average over a walk
through the guide, and the worst), time to the first screen and to the
answer of a key pressed at once, peak memory,
and zorgkiosk's ratios to them. It reports; it never fails the build."""
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

import pyte

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# The release build, but reading its site file from ZK_TEST_CONF (make bench
# builds it), so each run gets a database of its own.
ZK = os.environ.get("ZK_BIN", os.path.join(ROOT, "build", "zorgkiosk-release-test"))
QUIET = 0.25  # the screen is complete after this long without output

# The same 8-item Dutch menu for every program.
MENU = ["Activiteit voor uw naaste", "Iemand blijft bij uw naaste", "Dagbesteding voor uw naaste",
        "Uw naaste logeert even", "Parkeren bij uw naaste", "Aanmelden en jaarlijkse waardering",
        "Advies en iemand om mee te praten", "Help mij kiezen"]


class Run:
    """One program in a pseudo-terminal, with a byte counter and a screen."""

    def __init__(self, argv, cols, rows, term, env=None):
        self.cols, self.rows = cols, rows
        self.app_cursor = False
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.start = time.monotonic()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            e = dict(os.environ, TERM=term, LANG="C.UTF-8", **(env or {}))
            e.pop("LC_ALL", None)
            os.execvpe(argv[0], argv, e)

    def settle(self):
        """Read until quiet; return (bytes read, seconds to the last byte)."""
        n, t0, last = 0, time.monotonic(), time.monotonic()
        while select.select([self.fd], [], [], QUIET)[0]:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                break
            if not data:
                break
            n += len(data)
            last = time.monotonic()
            self.stream.feed(data)
            # pyte does not track DECCKM (application cursor keys): do it here.
            on, off = data.rfind(b"\x1b[?1h"), data.rfind(b"\x1b[?1l")
            if on != off:
                self.app_cursor = on > off
        return n, last - t0

    def key(self, data):
        # A real terminal sends the cursor keys in application mode once
        # the program asked for it (DECCKM), as curses programs do.
        if data.startswith(b"\x1b[") and data[2:3] in b"ABCD" and self.app_cursor:
            data = b"\x1bO" + data[2:]
        os.write(self.fd, data)
        return self.settle()[0]

    def visible(self):
        """Characters of text on the screen, spaces between words included."""
        return sum(len(line.strip()) for line in self.screen.display)

    def peak_mib(self):
        """Peak memory of the program since its exec (VmHWM)."""
        try:
            with open("/proc/%d/status" % self.pid) as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return float("nan")

    def finish(self):
        peak = self.peak_mib()
        try:
            os.kill(self.pid, 15)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        os.close(self.fd)
        return peak


def menu_args(prog, rows):
    items = []
    for i, m in enumerate(MENU, 1):
        items += [str(i), m]
    h = min(rows - 2, 16)
    return [prog, "--title", "Waar wilt u meer over weten?", "--menu", "Kies een onderwerp.",
            str(h), "0", str(min(8, h - 7))] + items


def measure_reference(prog, cols, rows, term):
    r = {}
    run = Run(menu_args(prog, rows), cols, rows, term)
    first, t = run.settle()
    r["first"], r["first_time"], r["visible"] = first, t + (time.monotonic() - run.start - t) * 0, run.visible()
    r["first_time"] = t
    moves = [run.key(b"\x1b[B") for _ in range(5)]
    r["arrow"] = sum(moves) / len(moves)
    r["memory"] = run.finish()

    run = Run([prog, "--inputbox", "Uw naam", "8", str(min(cols - 4, 60))], cols, rows, term)
    run.settle()
    typed = [run.key(c.encode()) for c in "Jansen"]
    r["typed"] = sum(typed) / len(typed)
    run.finish()

    # A transition: the menu, Enter, and the next menu in the same terminal.
    script = "%s; %s" % (" ".join(map(quote, menu_args(prog, rows))),
                         " ".join(map(quote, menu_args(prog, rows))))
    run = Run(["sh", "-c", script], cols, rows, term)
    run.settle()
    r["transition"] = run.key(b"\r")
    r["transition_visible"] = run.visible()
    run.finish()
    return r


def site_file(db):
    """A site configuration for a benchmark database (see README)."""
    path = db + ".conf"
    with open(path, "w") as f:
        f.write('database = "%s";\nforms = "%s";\n' % (db, os.path.join(ROOT, "forms")))
    os.chmod(path, 0o644)
    return path


def quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


def measure_zorgkiosk(cols, rows, term, tmp):
    r = {}
    db = os.path.join(tmp, "wire-%d-%s.db" % (cols, term))
    run = Run([ZK], cols, rows, term, env={"ZK_TEST_CONF": site_file(db)})
    r["first"], r["first_time"] = run.settle()
    r["visible"] = run.visible()
    # Transitions: a walk through the guide and back to the welcome.
    walk = []
    for key in WALK:
        n = run.key(key)
        walk.append((n, run.visible()))
    r["transition"] = sum(n for n, _ in walk) // len(walk)
    r["transition_visible"] = sum(v for _, v in walk) // len(walk)
    r["transition_worst"] = max(walk, key=lambda nv: nv[0] / max(1, nv[1]))
    run.key(b"1")                            # the main menu again
    moves = [run.key(b"\x1b[B") for _ in range(5)]
    r["arrow"] = sum(moves) / len(moves)
    run.key(b"1")                            # an option page
    run.key(str(page_request_key()).encode())  # Request contact: the form, at the name
    typed = [run.key(c.encode()) for c in "Jansen"]
    r["typed"] = sum(typed) / len(typed)
    r["memory"] = run.finish()
    return r


# welcome -> menu -> option page -> its first section, back, back; the
# second option page, back; "Help me choose", back; back to the welcome.
WALK = [b"1", b"1", b"1", b"\x1b", b"\x1b", b"2", b"\x1b", b"8", b"\x1b", b"\x1b"]


def page_request_key():
    # The first option page lists its sections, then "Request contact".
    return 5


STARTS = 15


def first_screen_ms(argv, env=None):
    """Milliseconds from the start to the first screen's last byte."""
    run = Run(argv, 80, 24, "xterm-256color", env)
    _, t = run.settle()
    run.finish()
    return t * 1000


def first_answer_ms(argv, key, env=None):
    """Milliseconds from the start to the answer to a key pressed as soon as
    the program sends its first byte: when it really listens."""
    run = Run(argv, 80, 24, "xterm-256color", env)
    t0 = time.monotonic()
    select.select([run.fd], [], [], 5)
    os.write(run.fd, key)
    t1 = time.monotonic()
    _, t = run.settle()
    run.finish()
    return (t1 - t0 + t) * 1000


def median(values):
    v = sorted(values)
    return v[len(v) // 2]


def measure_startup(tmp):
    """Start-up at 80x24, STARTS times each, taking turns with whiptail
    (so both meet the same load): zorgkiosk on a database it made before
    (the usual start), on one with 10,000 requests (its pages are checked
    at every start), and whiptail's 8-item menu."""
    small = os.path.join(tmp, "start-small.db")
    big = os.path.join(tmp, "start-10k.db")
    for db in (small, big):
        first_screen_ms([ZK], {"ZK_TEST_CONF": site_file(db)})
    subprocess.run([sys.executable, os.path.join(HERE, "fill.py"), big, "10000"], check=True,
                   stdout=subprocess.DEVNULL)
    times = {"small": [], "big": [], "whiptail": [], "small_key": [], "whiptail_key": []}
    for _ in range(STARTS):
        times["small"].append(first_screen_ms([ZK], {"ZK_TEST_CONF": site_file(small)}))
        if shutil.which("whiptail"):
            times["whiptail"].append(first_screen_ms(menu_args("whiptail", 24)))
        times["big"].append(first_screen_ms([ZK], {"ZK_TEST_CONF": site_file(big)}))
        # 1 chooses Nederlands (the menu is drawn); Down moves whiptail's bar.
        times["small_key"].append(first_answer_ms([ZK], b"1", {"ZK_TEST_CONF": site_file(small)}))
        if shutil.which("whiptail"):
            times["whiptail_key"].append(first_answer_ms(menu_args("whiptail", 24), b"\x1b[B"))
    return times


def print_startup(times):
    print("\nstart-up: ms from the start to the first screen's last byte, 80x24, median of %d"
          " (fastest)" % STARTS)
    rows = [("zorgkiosk, a database of its own", times["small"]),
            ("zorgkiosk, 10,000 requests", times["big"]),
            ("whiptail, an 8-item menu", times["whiptail"])]
    for name, v in rows:
        if v:
            print("  %-34s %7.1f (%.1f)" % (name, median(v), min(v)))
    if times["whiptail"]:
        w = median(times["whiptail"])
        print("  ratio to whiptail: %.2f (own database), %.2f (10,000 requests); target <= 1"
              % (median(times["small"]) / w, median(times["big"]) / w))
    print("first key answered: ms from the start to the answer to a key pressed at the first byte"
          " (zorgkiosk reads its other forms and checks its database while the welcome is out)")
    rows = [("zorgkiosk, 1 on the welcome: the menu", times["small_key"]),
            ("whiptail, Down in its menu", times["whiptail_key"])]
    for name, v in rows:
        if v:
            print("  %-34s %7.1f (%.1f)" % (name, median(v), min(v)))


def main():
    tmp = tempfile.mkdtemp(prefix="zk-wire-")
    rows_out = []
    try:
        startup = measure_startup(tmp)
        for cols, rows in ((80, 24), (40, 15)):
            for term in ("xterm-256color", "vt100"):
                res = {"zorgkiosk": measure_zorgkiosk(cols, rows, term, tmp)}
                for prog in ("dialog", "whiptail"):
                    if shutil.which(prog):
                        res[prog] = measure_reference(prog, cols, rows, term)
                rows_out.append(((cols, rows, term), res))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print("bytes on the wire (lower is better); ratio = zorgkiosk / reference")
    for (cols, rows, term), res in rows_out:
        print("\n%dx%d TERM=%s" % (cols, rows, term))
        print("  %-10s %11s %9s %8s %8s %12s %10s %9s" % ("program", "1st screen", "per char", "arrow",
                                                          "typed", "transition", "1st (ms)", "mem MiB"))
        for prog, r in res.items():
            print("  %-10s %11d %9.2f %8.1f %8.1f %7d/%-4d %10.1f %9.1f" % (
                prog, r["first"], r["first"] / max(1, r["visible"]), r["arrow"], r["typed"],
                r["transition"], r["transition_visible"], r["first_time"] * 1000, r["memory"]))
        zk = res["zorgkiosk"]
        for prog in ("dialog", "whiptail"):
            if prog in res:
                ref = res[prog]
                print("  ratio to %-8s first %.2f, arrow %.2f, typed %.2f, transition %.2f, memory %.2f" % (
                    prog, zk["first"] / max(1, ref["first"]), zk["arrow"] / max(1, ref["arrow"]),
                    zk["typed"] / max(1, ref["typed"]), zk["transition"] / max(1, ref["transition"]),
                    zk["memory"] / max(1, ref["memory"])))
        print("  targets: typed 1 byte; arrow <= %.1f (half of whiptail); first screen <= 2 bytes per"
              " visible char (zorgkiosk %.2f); transition <= 1.25 x visible (zorgkiosk %.2f on average"
              " over %d screens; the worst %d bytes for %d visible, %.3f); first screen <= 50 ms;"
              " memory <= 8 MiB" % (
                  res.get("whiptail", zk)["arrow"] / 2, zk["first"] / max(1, zk["visible"]),
                  zk["transition"] / max(1, zk["transition_visible"]), len(WALK),
                  zk["transition_worst"][0], zk["transition_worst"][1],
                  zk["transition_worst"][0] / max(1, zk["transition_worst"][1])))
    print_startup(startup)


if __name__ == "__main__":
    main()
