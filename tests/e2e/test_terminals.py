"""Any terminal, any link: the kiosk on the terminal types it will meet
(xterm, screen, tmux, the Linux console, a VT100 or VT220, ANSI), in
monochrome, at its smallest size, through a storm of resizes, and over a
slow link that splits escape sequences or delivers keys typed ahead."""
import time

import pytest

from rawpty import colour_sgrs, focus_rows, key_bar, raw, to_form
from zkharness import CTRL_L, ENTER, ESC, ESC_DELAY, TAB, T, key_bar_text

TERMS = ['xterm-256color', 'screen', 'tmux-256color', 'linux', 'vt100', 'vt220', 'ansi']


def _menu(k, forms, lang):
    k.wait_for(forms.menu_title(lang), T('Back to the choice of language', lang))
    for item in forms.menu_items():
        k.wait_for('%s  %s' % (forms.menu_key(item), forms.title(item, lang)[:30]))


@pytest.mark.parametrize('term', TERMS)
def test_welcome_menu_and_form_render_on_this_terminal(kiosk, forms, term):
    """The welcome, the menu and the form are drawn right at 80x24 with the
    terminal description of `term` (pyte shows what those bytes draw)."""
    k = kiosk(TERM=term)
    k.wait_for(forms.welcome_title('nl'), forms.welcome_title('en'), '1  Nederlands', '2  English')
    assert key_bar(k).startswith('?/F1'), 'no key bar on the welcome with TERM=%s\n%s' % (term, k.dump())
    k.send('1')
    _menu(k, forms, 'nl')
    k.quiet(0.05)
    k.send(forms.menu_key('respite_light'))
    k.wait_for(forms.title('respite_light', 'nl'), T('Back to the menu', 'nl'))
    k.quiet(0.05)
    k.send(forms.page_request_key('respite_light'))
    k.wait_for(forms.intake_title('nl'))
    for f in forms.fields[:3]:
        k.wait_for(forms.field_label(f['id'], 'nl'))
    k.wait_until(lambda: key_bar(k).startswith(key_bar_text('nl', menu=False).split('  F2')[0]),
                 'no key bar on the form with TERM=%s' % term)
    # Typed text shows in the field.
    k.send('Anna')
    k.wait_for('[Anna')
    # A full repaint draws the same screen: nothing was drawn wrongly.
    k.quiet(0.1)
    before = k.text()
    k.send(CTRL_L)
    time.sleep(0.2)
    k.quiet(0.1)
    assert k.text() == before, 'with TERM=%s the screen differed from a full repaint:\nbefore:\n%s\nafter:\n%s' % (
        term, '\n'.join(before), k.dump())


@pytest.mark.parametrize('term,colour', [('vt100', False), ('xterm-256color', True)])
def test_monochrome_terminal_gets_no_colour(kiosk, forms, term, colour):
    """A VT100 has no colour: not one colour SGR is written, and the
    messages (red on a colour terminal) and the notice are still there.
    xterm is the control: the same steps there do use colour."""
    k = kiosk(TERM=term)
    to_form(k, forms, 'nl')
    # An unusable key in a text field: a notice.
    k.send('\x07')
    k.wait_for(T('That key cannot be used here.', 'nl'))
    # "Check my answers" on the empty form: messages in red and a notice.
    for _ in forms.fields:
        k.send(TAB)
    k.send(ENTER)
    k.wait_for(T('Some answers need a change. The messages marked ! say what to change.', 'nl'))
    k.quiet(0.1)
    sgr = colour_sgrs(raw(k))
    if colour:
        assert sgr, 'the control failed: xterm-256color got no colour at all, so the check below means nothing'
    else:
        assert not sgr, 'TERM=vt100 has no colour, yet the kiosk wrote colour SGRs: %r' % sgr[:10]


def test_40x15_menu_and_form_with_key_bar(kiosk, forms):
    k = kiosk(cols=40, rows=15)
    k.send('2')
    k.wait_until(lambda: k.text()[0].strip() == forms.menu_title('en')[:38].strip(), 'no menu at 40x15')
    bar = key_bar_text('en')[:38].strip()
    k.wait_until(lambda: key_bar(k) == bar, 'the key bar is not on the last line of the menu at 40x15')
    k.wait_for('1  ' + forms.title('respite_light', 'en')[:30])
    k.quiet(0.05)
    k.send(forms.menu_key('respite_light'))
    k.wait_for(T('Back to the menu', 'en')[:30])
    k.quiet(0.05)
    k.send(forms.page_request_key('respite_light'))
    k.wait_until(lambda: k.text()[0].strip() == forms.intake_title('en')[:38].strip(), 'no form at 40x15')
    k.wait_for(forms.field_label('name', 'en'))
    bar = key_bar_text('en', menu=False)[:38].strip()
    k.wait_until(lambda: key_bar(k) == bar, 'the key bar is not on the last line of the form at 40x15')
    k.send('Zoe')
    k.wait_for('[Zoe')
    assert focus_rows(k), 'no focus drawn on the form at 40x15\n' + k.dump()


STORM = [(40, 15), (100, 30), (30, 10), (80, 24), (45, 16), (20, 5), (120, 40), (60, 20), (39, 14), (90, 28)]


def _storm(k):
    t0 = time.monotonic()
    for cols, rows in STORM:
        k.resize(cols, rows)
        time.sleep(0.08)
    k.resize(80, 24)
    assert time.monotonic() - t0 < 1.5
    time.sleep(0.3)
    k.quiet(0.2, timeout=3)


def test_resize_storm_menu_is_redrawn_exactly(kiosk, forms):
    """Ten resizes within a second (one of them too small), then 80x24:
    the menu is drawn exactly as a kiosk started at 80x24 draws it."""
    ref = kiosk()
    ref.send('1')
    _menu(ref, forms, 'nl')
    ref.quiet(0.2)
    want = ref.text()

    k = kiosk()
    k.send('1')
    _menu(k, forms, 'nl')
    k.quiet(0.1)
    _storm(k)
    assert k.proc.poll() is None, 'the kiosk ended during the resizes: status %s\n%s' % (k.proc.poll(), k.stderr())
    k.wait_until(lambda: k.text() == want, 'after the resizes the menu is not drawn as at the start:\nwant:\n%s'
                 % '\n'.join(want), timeout=3)
    assert not k.sanitizer_report(), k.stderr()
    # And it still works.
    k.send(forms.menu_key('day_care'))
    k.wait_for(forms.title('day_care', 'nl'), T('Back to the menu', 'nl'))


def test_resize_storm_form_keeps_text_and_draws_cleanly(kiosk, forms):
    k = kiosk()
    to_form(k, forms, 'en')
    k.send('Anna de Vries')
    k.wait_for('[Anna de Vries')
    _storm(k)
    assert k.proc.poll() is None, 'the kiosk ended during the resizes: status %s\n%s' % (k.proc.poll(), k.stderr())
    k.wait_for(forms.intake_title('en'), forms.field_label('name', 'en'), '[Anna de Vries', timeout=3)
    k.wait_until(lambda: 'Please enlarge' not in '\n'.join(k.text()), 'still asks to enlarge at 80x24')
    before = k.text()
    k.send(CTRL_L)
    time.sleep(0.2)
    k.quiet(0.1)
    assert k.text() == before, 'after the resizes the screen differed from a full repaint:\nbefore:\n%s\nafter:\n%s' % (
        '\n'.join(before), k.dump())
    assert not k.sanitizer_report(), k.stderr()
    k.send(' Bakker')
    k.wait_for('[Anna de Vries Bakker')


@pytest.mark.parametrize('first,rest', [('\x1b', '[B'), ('\x1b', 'OB'), ('\x1b[', 'B'), ('\x1bO', 'B')],
                         ids=['esc|[B', 'esc|OB', 'esc[|B', 'escO|B'])
def test_escape_sequence_split_by_a_slow_link_is_one_key(kiosk, forms, first, rest):
    """Down arrives as Esc, then 50 ms later the rest: it is Down (the
    focus moves), not Esc (Back) and letters."""
    k = kiosk()
    k.send('1')
    _menu(k, forms, 'nl')
    k.quiet(0.1)
    start = focus_rows(k)
    assert start, 'no focus on the menu\n' + k.dump()
    k.send(first)
    time.sleep(0.05)
    k.send(rest)
    k.wait_until(lambda: k.contains(forms.menu_title('nl')) and focus_rows(k) and focus_rows(k)[0] == start[0] + 1,
                 'the split Down did not move the focus one line down on the menu (from row %d)' % start[0],
                 timeout=2)
    assert k.contains(forms.menu_title('nl')), 'the split Down left the menu:\n' + k.dump()
    assert k.contains(T('Back to the choice of language', 'nl')), k.dump()
    # A lone Esc is still Back.
    k.send(ESC)
    time.sleep(ESC_DELAY)
    k.wait_for('1  Nederlands', '2  English')
    k.wait_gone(forms.menu_title('nl'))


@pytest.mark.parametrize('depth', [2, 3])
def test_keys_typed_ahead_reach_the_screen_they_were_typed_for(kiosk, forms, depth):
    """On a slow link, keys typed while the next screen was on its way
    arrive together: "1" (Nederlands), the menu digit of "Advies" (and the
    digit of its second part) in one read must open that page (and part),
    as they do when typed one by one."""
    page = forms.pages['advice']
    keys = '1' + forms.menu_key('advice') + ('2' if depth == 3 else '')
    want = forms.title('advice', 'nl') if depth == 2 else page['sections'][1]['title']['nl']
    k = kiosk()
    k.send(keys)
    deadline = time.monotonic() + 3
    while k.text()[0].strip() != want and time.monotonic() < deadline:
        time.sleep(0.05)
    if k.text()[0].strip() != want:
        pytest.fail('the keys %r sent in one read did not lead to %r (in the title line); the kiosk shows %r instead:\n%s'
                    % (keys, want, k.text()[0].strip(), k.dump()))
