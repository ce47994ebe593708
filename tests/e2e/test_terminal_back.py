"""The terminal always comes back: whatever signal ends zorgkiosk, the
terminal is left as it was found (echo and line editing on, the normal
screen, a visible cursor, no mouse reports), in the full-screen kiosk and
in line mode.

Signals whose default action ends a process end the loop (status 0); on a
fault (SIGSEGV, SIGBUS, ...) the handler gives the terminal back and the
signal then ends the process as before. The terminal's settings are read
through the pseudo-terminal's slave side."""
import os
import resource
import signal
import termios

import pytest

from steps import choose_language
from zkharness import T

ENDING = [signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGPIPE, signal.SIGUSR1,
          signal.SIGUSR2, signal.SIGALRM, signal.SIGVTALRM, signal.SIGPROF, signal.SIGXCPU, signal.SIGXFSZ,
          signal.SIGPOLL, signal.SIGSTKFLT, signal.SIGPWR, signal.SIGRTMIN, signal.SIGRTMIN + 7,
          signal.SIGRTMAX]
FATAL = [signal.SIGSEGV, signal.SIGBUS, signal.SIGFPE, signal.SIGILL, signal.SIGABRT, signal.SIGTRAP,
         signal.SIGSYS]


def name(sig):
    try:
        return signal.Signals(sig).name
    except ValueError:
        return 'SIGRTMIN+%d' % (sig - signal.SIGRTMIN)


@pytest.fixture(autouse=True)
def _no_core_files():
    """The faults would write core files: none for these tests."""
    old = resource.getrlimit(resource.RLIMIT_CORE)
    resource.setrlimit(resource.RLIMIT_CORE, (0, old[1]))
    yield
    resource.setrlimit(resource.RLIMIT_CORE, old)


def found_settings():
    """The settings of a new pseudo-terminal: what the kiosk found."""
    master, slave = os.openpty()
    try:
        return termios.tcgetattr(slave)
    finally:
        os.close(master)
        os.close(slave)


def open_slave(k):
    """The slave side of the kiosk's pseudo-terminal, opened once more."""
    return os.open(os.readlink('/proc/%d/fd/0' % k.proc.pid), os.O_RDWR | os.O_NOCTTY)


def same_settings(have, want):
    """iflag, oflag, cflag, lflag and the control characters."""
    return have[:4] == want[:4] and have[6] == want[6]


def signal_and_wait(k, sig):
    """Send sig once the kiosk is quiet; returns (exit status, the settings
    of the terminal after it ended, the settings while it ran)."""
    fd = open_slave(k)
    try:
        during = termios.tcgetattr(fd)
        k.quiet(0.05)
        os.kill(k.proc.pid, sig)
        try:
            status = k.proc.wait(timeout=5)
        except Exception:
            status = None
        after = termios.tcgetattr(fd)
    finally:
        os.close(fd)
    return status, after, during


def turned_off(raw, on, off):
    """Whether the last `on` sequence in raw is followed by an `off`."""
    i = raw.rfind(on)
    return i < 0 or raw.find(off, i) > i


def check_screen_back(k):
    raw = bytes(k.raw)
    assert b'\x1b[?1049h' in raw, 'the kiosk never switched to the alternate screen'
    for what, on, off in (('the alternate screen', b'\x1b[?1049h', b'\x1b[?1049l'),
                          ('the cursor', b'\x1b[?25l', b'\x1b[?25h'),
                          ('mouse reports', b'1000h', b'1000l'),
                          ('application cursor keys', b'\x1b[?1h', b'\x1b[?1l')):
        assert turned_off(raw, on, off), '%s was not given back; the last bytes: %r' % (what, raw[-200:])


@pytest.mark.parametrize('sig', ENDING + FATAL, ids=name)
def test_full_screen_gives_the_terminal_back(kiosk, forms, sig):
    k = kiosk()
    choose_language(k, forms, 'en')
    status, after, during = signal_and_wait(k, sig)
    k.close(check=False)
    assert not during[3] & termios.ECHO, 'the kiosk did not set the terminal up; the test cannot work'
    assert status is not None, '%s did not end the kiosk' % name(sig)
    if sig in ENDING:
        assert status == 0, 'exit status %s after %s:\n%s' % (status, name(sig), k.stderr()[-3000:])
        assert k.sanitizer_report() is None, k.sanitizer_report()
    else:
        # The signal ends it, or the sanitizer's report for it does.
        assert status == -sig or (status > 0 and 'AddressSanitizer' in k.stderr()), \
            'exit status %s after %s' % (status, name(sig))
    assert after[3] & termios.ECHO and after[3] & termios.ICANON, \
        'after %s the terminal was left without echo or line editing' % name(sig)
    assert same_settings(after, found_settings()), 'after %s the terminal settings differ' % name(sig)
    k.quiet(0.1)
    check_screen_back(k)


def test_kiosk_mode_ignores_ctrl_backslash_and_ends_on_other_signals(kiosk, forms):
    """In kiosk mode SIGINT and SIGQUIT (Ctrl-C, Ctrl-\\) are ignored, as
    before; SIGUSR1 from another terminal ends it cleanly."""
    k = kiosk(args=['--kiosk'])
    for sig in (signal.SIGINT, signal.SIGQUIT):
        os.kill(k.proc.pid, sig)
    k.send('2')
    k.wait_for(forms.menu_title('en'), T('Back to the choice of language', 'en'))
    assert k.proc.poll() is None
    status, after, _ = signal_and_wait(k, signal.SIGUSR1)
    k.close(check=False)
    assert status == 0, status
    assert same_settings(after, found_settings())
    k.quiet(0.1)
    check_screen_back(k)


@pytest.mark.parametrize('sig', ENDING, ids=name)
def test_line_mode_ends_cleanly(kiosk, sig):
    k = kiosk(args=['--plain'], wait=False)
    k.wait_for('Nederlands', timeout=20)
    k.wait_until(lambda: bytes(k.raw).endswith(b'> '), 'line mode never asked for input')
    status, after, _ = signal_and_wait(k, sig)
    k.close(check=False)
    assert status == 0, 'exit status %s after %s:\n%s' % (status, name(sig), k.stderr()[-3000:])
    assert k.sanitizer_report() is None, k.sanitizer_report()
    assert same_settings(after, found_settings()), 'after %s the terminal settings differ' % name(sig)
