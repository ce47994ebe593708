"""The screen: small terminals, resizing, help, redraw and the mouse."""
from steps import choose_language
from zkharness import CTRL_L, DOWN, ESC, F1, F2, T, key_bar_text

LANG = 'en'


def key_bar(k):
    return k.text()[-1].strip()


def test_40x15_welcome_shows_both_language_choices(kiosk, forms):
    """The smallest supported size still shows the two ways in."""
    k = kiosk(cols=40, rows=15)
    k.wait_until(lambda: k.text()[0].strip() == forms.welcome_title('nl'), 'no welcome title')
    k.wait_until(lambda: key_bar(k).startswith('?/F1'), 'no key bar on the welcome\n' + k.dump())
    k.quiet()
    assert k.contains('1  Nederlands') and k.contains('2  English'), \
        'at 40x15 the welcome does not show both language choices\n' + k.dump()


def test_40x15_menu_is_usable_with_the_back_key_bar(kiosk, forms):
    k = kiosk(cols=40, rows=15)
    k.send('2')
    k.wait_until(lambda: k.text()[0].strip() == forms.menu_title(LANG)[:38].strip(), 'no menu at 40x15')
    back = key_bar_text(LANG)
    k.wait_until(lambda: key_bar(k) == back[:38].strip(),
                 'the key bar with Back is not on the last line at 40x15: %r' % key_bar(k))
    # The last menu line opens with its digit, and Esc comes back.
    last = forms.menu_items()[-1]
    k.send(forms.menu_key(last))
    k.wait_until(lambda: k.text()[0].strip() == forms.title(last, LANG)[:38].strip(),
                 'menu item %s did not open at 40x15' % forms.menu_key(last))
    k.send(ESC)
    k.wait_until(lambda: k.text()[0].strip() == forms.menu_title(LANG)[:38].strip(), 'Esc did not go back')
    # Down reads on to the Back line, which is below the fold.
    for _ in range(15):
        if k.contains('0  ' + T('Back to the choice of language', LANG)[:20]):
            break
        k.press(DOWN)
    k.wait_for('0  ' + T('Back to the choice of language', LANG)[:20])
    # Dutch, too: the key bar fits.
    k.send(F2)
    back_nl = key_bar_text('nl')
    k.wait_until(lambda: key_bar(k) == back_nl[:38].strip(), 'Dutch key bar at 40x15: %r' % key_bar(k))


def test_too_small_asks_to_enlarge_and_recovers(kiosk, forms):
    k = kiosk()
    choose_language(k, forms, LANG)
    k.resize(30, 10)
    k.wait_for('Please enlarge')
    k.wait_gone(forms.menu_title(LANG))
    k.resize(80, 24)
    k.wait_for(forms.menu_title(LANG), T('Back to the choice of language', LANG))
    k.wait_gone('enlarge')
    assert key_bar(k).startswith('0/Esc'), key_bar(k)
    # And it still works.
    k.send(forms.menu_key('day_care'))
    k.wait_for(T('Back to the menu', LANG))


def test_start_in_a_too_small_terminal_then_enlarge(kiosk, forms):
    k = kiosk(cols=30, rows=10, wait=False)
    k.wait_for('Please enlarge', timeout=20)
    k.resize(80, 24)
    k.wait_for('1  Nederlands', '2  English')


def test_f1_opens_help_and_esc_closes_it(kiosk, forms):
    k = kiosk()
    choose_language(k, forms, LANG)
    k.send(F1)
    k.wait_for(T('Keys that work everywhere:', LANG), T('Close the help', LANG))
    assert k.text()[0].strip() == T('Help', LANG)
    # The help of the menu says what the menu is for.
    k.wait_for(T('This menu shows the kinds of support for people who look after someone.', LANG)[:40])
    k.send(ESC)
    k.wait_for(forms.menu_title(LANG))
    k.wait_gone(T('Keys that work everywhere:', LANG))
    # '?' opens it too.
    k.send('?')
    k.wait_for(T('Keys that work everywhere:', LANG))


def test_ctrl_l_redraws_the_whole_screen(kiosk, forms):
    k = kiosk()
    choose_language(k, forms, LANG)
    before = k.text()
    # Wipe the emulated terminal, as line noise would: only a full redraw
    # brings the menu back.
    with k.cond:
        k.screen.reset()
    assert not k.contains(forms.menu_title(LANG))
    k.send(CTRL_L)
    k.wait_for(forms.menu_title(LANG), T('Back to the choice of language', LANG))
    k.quiet()
    assert k.text() == before, 'after Ctrl-L the screen differs:\n' + k.dump()


def test_mouse_click_on_a_menu_line_opens_it(kiosk, forms):
    k = kiosk()
    choose_language(k, forms, LANG)
    target = 'short_stay'
    pos = k.find(forms.title(target, LANG))
    assert pos is not None, k.dump()
    k.click(pos[0], pos[1] + 2)
    k.wait_until(lambda: k.text()[0].strip() == forms.title(target, LANG),
                 'clicking "%s" did not open it' % forms.title(target, LANG))
    k.wait_for(T('Back to the menu', LANG))
    # A click on the Back line goes back.
    pos = k.find(T('Back to the menu', LANG))
    k.click(pos[0], pos[1])
    k.wait_for(forms.menu_title(LANG))


def test_mouse_click_on_the_welcome_chooses_the_language(kiosk, forms):
    k = kiosk()
    pos = k.find('English')
    pos = next((y, l.find('English')) for y, l in enumerate(k.text()) if l.strip() == '2  English')
    k.click(*pos)
    k.wait_for(forms.menu_title('en'))


def test_home_and_end_go_to_the_top_and_the_bottom_of_a_page(kiosk, forms):
    """As in dialog and whiptail: End shows the end of a long text, with
    its way back, and Home its beginning."""
    k = kiosk(cols=40, rows=15)
    k.send('2')
    k.wait_until(lambda: k.text()[0].strip() == forms.menu_title(LANG)[:38].strip(), 'no menu at 40x15')
    k.send(forms.menu_key('short_stay'))
    k.wait_until(lambda: k.text()[0].strip() == forms.title('short_stay', LANG)[:38].strip(), 'no page')
    k.send('1')  # its first section, longer than 13 lines
    section = forms.pages['short_stay']['sections'][0]['title'][LANG]
    k.wait_until(lambda: k.text()[0].strip() == section[:38].strip(), 'the section did not open')
    k.quiet(0.05)
    assert '\u25bc' in k.text()[-2], 'the section is not longer than the screen\n' + k.dump()
    first = k.text()[1]
    k.press('\x1b[F')  # End
    k.wait_until(lambda: k.contains('0  ' + T('Back', LANG)) and '\u25bc' not in ''.join(k.text()[1:-1]),
                 'End did not show the end of the page\n' + k.dump())
    k.press('\x1b[H')  # Home
    k.wait_until(lambda: k.text()[1] == first, 'Home did not go back to the top\n' + k.dump())


def test_40x15_next_part_opens_at_its_top(kiosk, forms):
    """"Next: ..." opens the next part where reading starts, not scrolled
    to its own "Next" at the bottom."""
    k = kiosk(cols=40, rows=15)
    k.send('2')
    k.wait_until(lambda: k.text()[0].strip() == forms.menu_title(LANG)[:38].strip(), 'no menu at 40x15')
    page = forms.pages['day_care']
    k.send(forms.menu_key('day_care'))
    k.wait_until(lambda: k.text()[0].strip() == page['title'][LANG][:38].strip(), 'no page')
    k.send('1')
    first, second = page['sections'][0], page['sections'][1]
    k.wait_until(lambda: k.text()[0].strip() == first['title'][LANG][:38].strip(), 'no first part')
    k.send('1')  # "Next: <the second part>"
    k.wait_until(lambda: k.text()[0].strip() == second['title'][LANG][:38].strip(), 'Next did not open the second part')
    k.quiet()
    opening = second['text'][LANG].split()[:2]
    assert ' '.join(opening) in ' '.join(k.text()[1:5]), \
        'the second part did not open at its top:\n' + k.dump()
