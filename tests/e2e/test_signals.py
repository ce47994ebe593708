"""Stopping the kiosk: SIGTERM and a hang-up end it cleanly (status 0),
whatever it is doing at that moment."""
import os
import shlex
import signal
import time

import pyte

from steps import choose_language
import zkharness
from zkharness import BIN, Kiosk, base_env

XOFF, XON = '\x13', '\x11'


def test_sigterm_while_the_kiosk_draws_still_ends_it(kiosk, forms):
    """A service manager may send SIGTERM at any moment, also while the
    kiosk is drawing. Here the terminal holds the kiosk's output (XOFF, as a
    slow or stopped terminal does), so the SIGTERM surely arrives during a
    draw; the kiosk must still end at once, not at the next key or after the
    idle time (120 s; on the welcome: never)."""
    k = kiosk()
    k.send(XOFF)                     # the terminal stops taking output
    k.quiet(0.1)
    n = len(k.raw)
    k.send('2')                      # the kiosk draws the menu and blocks
    time.sleep(0.3)
    assert len(k.raw) == n, 'XOFF did not hold the output; the test cannot work'
    k.proc.send_signal(signal.SIGTERM)
    time.sleep(0.1)
    k.send(XON)                      # the terminal takes output again
    try:
        status = k.proc.wait(timeout=3)
    except Exception:
        status = None
    if status is None:
        k.wait_for(forms.menu_title('en'))   # the draw was finished
        screen = k.dump()
        k.send('x')                  # any key: only then the kiosk looks
        t = time.monotonic()
        try:
            k.proc.wait(timeout=3)
            after = 'it ended %.1f s after the next key' % (time.monotonic() - t)
        except Exception:
            after = 'it did not end after a key either'
        raise AssertionError('the kiosk ignored a SIGTERM that came while it was drawing: '
                             'still running 3 s later (%s)\n%s' % (after, screen))
    assert status == 0, 'exit status %s after SIGTERM' % status
    k.closed = True
    assert k.sanitizer_report() is None, k.sanitizer_report()


def test_sigterm_in_the_form_exits_0(kiosk, forms):
    k = kiosk()
    choose_language(k, forms, 'en')
    k.send(forms.menu_key('day_care'))
    k.wait_for(forms.title('day_care', 'en'))
    assert k.close() == 0


def test_hangup_ends_the_kiosk(kiosk, forms):
    """The terminal goes away (the master side closes): SIGHUP."""
    k = kiosk()
    choose_language(k, forms, 'en')
    k.quiet()
    k.hangup()
    try:
        status = k.proc.wait(timeout=5)
    except Exception:
        status = None
    k.closed = True
    assert status is not None, 'the kiosk kept running after its terminal hung up'
    assert status == 0, 'exit status %s after a hang-up' % status
    assert k.sanitizer_report() is None, k.sanitizer_report()


def test_hangup_without_its_signal_ends_the_kiosk(tmp_path, forms_dir, forms):
    """The terminal goes away, but the SIGHUP goes to the session's leader
    only, which stays (`make run`, a wrapper script that ignores it). The
    kiosk must see that its input is gone and end as on SIGHUP, not poll a
    dead terminal at full speed for ever."""
    _, env = zkharness.site_args(['--db', tmp_path / 'zk.db', '--forms', forms_dir], base_env())
    sh = Kiosk(['-c', 'trap "" HUP; %s; echo "kiosk status $?" >&2' % shlex.quote(BIN)],
               binary='/bin/sh', env=env, stderr_path=str(tmp_path / 'stderr'))
    try:
        sh.wait_for(forms.welcome_title('nl'))
        sh.send('2')
        sh.wait_for(forms.menu_title('en'))
        sh.quiet()
        sh.hangup()
        try:
            sh.proc.wait(timeout=5)
        except Exception:
            pass
        assert sh.proc.poll() is not None, \
            'the kiosk kept running for 5 s after its terminal hung up (no SIGHUP reached it)'
        assert 'kiosk status 0' in sh.stderr(), sh.stderr()[-2000:]
        assert sh.sanitizer_report() is None, sh.sanitizer_report()
    finally:
        sh.closed = True
        if sh.proc.poll() is None:
            os.killpg(sh.proc.pid, signal.SIGKILL)
            sh.proc.wait()


def test_ctrl_z_and_fg_bring_the_screen_back(tmp_path, forms_dir, forms):
    """Outside kiosk mode Ctrl-Z stops zorgkiosk as any program, from a
    shell with job control. After fg the screen it showed comes back at
    once, not a blank terminal until the next key: what is written after
    fg alone shows the menu again."""
    _, env = zkharness.site_args(['--db', tmp_path / 'zk.db', '--forms', forms_dir], base_env(PS1='$ '))
    sh = Kiosk(['--norc', '--noprofile', '-i'], binary='/bin/bash',
               env=env, stderr_path=str(tmp_path / 'shell-stderr'))
    try:
        sh.send('%s\r' % BIN)
        sh.wait_for(forms.welcome_title('nl'))
        sh.send('2')
        sh.wait_for(forms.menu_title('en'))
        sh.send('\x1a')
        sh.wait_until(lambda: 'Stopped' in sh.stderr(), 'Ctrl-Z did not stop it')
        start = len(sh.raw)
        sh.send('fg\r')

        def shown_after_fg():
            screen = pyte.Screen(sh.cols, sh.rows)
            pyte.ByteStream(screen).feed(bytes(sh.raw[start:]))
            return any(forms.menu_title('en') in line for line in screen.display)
        sh.wait_until(shown_after_fg, 'the menu was not drawn again after fg', timeout=3)
        sh.send('\x03')                 # Ctrl-C ends it, then the shell
        sh.wait_until(lambda: sh.stderr().rstrip().endswith('$'), 'no prompt after Ctrl-C')
        sh.send('exit\r')
        assert sh.proc.wait(timeout=5) == 0
    finally:
        sh.closed = True
        if sh.proc.poll() is None:
            sh.proc.kill()
    assert sh.sanitizer_report() is None, sh.sanitizer_report()
