"""Kiosk sessions for the load benchmarks (writers.py, capacity.py): the
real binary in line mode, in a pseudo-terminal, typing the lines of one
complete request found by walking the guide once (tests/e2e/rawpty.py),
and timing each line from Enter to the kiosk's next prompt."""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
os.environ.setdefault("ZK_BIN", os.path.join(ROOT, "build", "zorgkiosk-release-test"))
os.environ.setdefault("ZK_ROOT", ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))

import rawpty  # noqa: E402
import zkharness  # noqa: E402
from zkharness import REF_RE, Forms, base_env  # noqa: E402

FORMS_DIR = os.path.join(ROOT, "forms")


def script(db):
    """The lines of one complete request without "Send", and "Send"."""
    return rawpty.submit_script(FORMS_DIR, Forms(FORMS_DIR), "nl", db, env=base_env(TERM="dumb"))


def session(db):
    """A line-mode kiosk in a pseudo-terminal."""
    return rawpty.LineSession(["--db", db, "--forms", FORMS_DIR, "--plain"], env=base_env(TERM="dumb"))


def _pss_kib(pid):
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def session_kib(pid):
    """A session's memory, KiB: the proportional set size (shared pages
    divided among the processes that share them) of the kiosk and its
    children (the writer process); 0 when it has gone."""
    total = _pss_kib(pid)
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            total += sum(_pss_kib(int(c)) for c in f.read().split())
    except OSError:
        pass
    return total


def timed(s, line, timeout=30):
    """Type line; returns (seconds from Enter to the next prompt, output)."""
    t = time.monotonic()
    out = s.cmd(line, timeout=timeout)
    return time.monotonic() - t, out


def submit(s, lines, send, latencies=None):
    """One request through session s: returns its reference, or None."""
    s.first_screen(timeout=30)
    for line in lines:
        t, _ = timed(s, line)
        if latencies is not None:
            latencies.append(t)
    t, out = timed(s, send)
    if latencies is not None:
        latencies.append(t)
    m = REF_RE.search(out)
    return m.group(0) if m else None


def percentile(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


__all__ = ["script", "session", "submit", "timed", "session_kib", "percentile", "zkharness", "REF_RE"]
