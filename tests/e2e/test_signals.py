"""Stopping the kiosk: SIGTERM and a hang-up end it cleanly (status 0),
whatever it is doing at that moment."""
import signal
import time

from steps import choose_language

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
