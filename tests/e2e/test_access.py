"""Every visitor gets through: the cursor for screen readers and braille
displays, line mode, touch only (taps on the key bar, the scroll marks and
questions; the wheel), small screens, and a form that does not surprise."""
import re

import pytest

from rawpty import LineSession
from steps import fill_form, screen_flat, valid_answers
from zkharness import BTAB, DOWN, ENTER, F2, SPACE, TAB, UP, T, base_env, db_intake, flat

SCROLL_MARKS = '\u25b2\u25bc'


def key_bar(k):
    return k.text()[-1].strip()


def title(k):
    return k.text()[0].strip()


def choose_language(k, forms, lang):
    """On the welcome: pick lang; waits for the menu's title (at 40x15 its
    Back line is below the fold)."""
    k.send({'nl': '1', 'en': '2'}[lang])
    k.wait_until(lambda: title(k) == forms.menu_title(lang)[:k.cols - 2].strip(), 'the menu did not open')
    k.quiet(0.05)


def open_item(k, forms, item_id, lang):
    """On the menu: open a page or flow by its digit; waits for its title
    (at 40x15 its Back line is below the fold)."""
    k.send(forms.menu_key(item_id))
    want = forms.title(item_id, lang)[:k.cols - 2].strip()
    k.wait_until(lambda: title(k) == want, '%s did not open' % item_id)
    k.quiet(0.05)


def open_form(k, forms, lang):
    """On a page: "Ask us to get in touch about this"; waits for the form."""
    k.choose(T('Ask us to get in touch about this', lang))
    k.wait_until(lambda: title(k) == forms.intake_title(lang), 'the form did not open')
    k.quiet(0.05)


def to_form(k, forms, page_id, lang):
    """From the welcome to the form of page_id, at any size."""
    choose_language(k, forms, lang)
    open_item(k, forms, page_id, lang)
    open_form(k, forms, lang)


def assert_cursor_on_focus(k, what):
    """The cursor is shown and rests on the focused line."""
    k.quiet(0.03)
    y, x, hidden = k.cursor()
    row = k.focus_row()
    assert not hidden, '%s: the cursor is hidden; screen readers cannot follow the focus\n%s' % (what, k.dump())
    assert row is not None, '%s: no focus on the screen\n%s' % (what, k.dump())
    assert y == row, '%s: the cursor is on row %d, the focus on row %d\n%s' % (what, y, row, k.dump())
    return y, x


# --------------------------------------------------------------------------
# Screen readers and braille: the cursor is on the focus after every key.

def test_cursor_follows_the_focus_after_every_key(kiosk, forms):
    k = kiosk()
    y, x = assert_cursor_on_focus(k, 'the welcome')
    assert k.text()[y][x:].startswith('1  Nederlands'), 'the cursor is not on the first character of ' \
        'the focused line: row %d column %d\n%s' % (y, x, k.dump())
    k.press(DOWN)
    assert_cursor_on_focus(k, 'Down on the welcome')
    k.press(UP)
    choose_language(k, forms, 'en')
    for key, what in ((DOWN, 'Down'), (DOWN, 'Down'), (UP, 'Up'), (TAB, 'Tab'), (BTAB, 'Shift-Tab')):
        k.press(key)
        assert_cursor_on_focus(k, '%s in the menu' % what)
    open_item(k, forms, forms.menu_items()[0], 'en')
    assert_cursor_on_focus(k, 'a page')
    k.press(DOWN)
    assert_cursor_on_focus(k, 'Down on a page')
    # In the form: on the text input, at the insertion point.
    open_form(k, forms, 'en')
    for i, ch in enumerate('Anna'):
        k.press(ch)
        y, x = assert_cursor_on_focus(k, 'typing %r' % ch)
        assert k.text()[y][:x].endswith('[' + 'Anna'[:i + 1]), \
            'the cursor is not at the insertion point: column %d of %r' % (x, k.text()[y])
    k.press(TAB)
    y, x = assert_cursor_on_focus(k, 'Tab in the form')
    k.press('06')
    y, x = assert_cursor_on_focus(k, 'typing a phone number')
    assert k.text()[y][:x].endswith('[06'), k.text()[y]
    for _ in range(3):
        k.press(TAB)
        assert_cursor_on_focus(k, 'Tab to a choice')
    k.press(DOWN)
    assert_cursor_on_focus(k, 'Down in a choice')


def test_without_a_focus_the_cursor_rests_at_the_top_of_the_text(kiosk, forms):
    """A long text without focus (a section at 40x15): the cursor is shown
    where reading starts, not on the key bar."""
    k = kiosk(cols=40, rows=15)
    choose_language(k, forms, 'nl')
    open_item(k, forms, 'short_stay', 'nl')
    k.press('1')
    k.quiet(0.05)
    assert k.focus_row() is None, k.dump()
    y, x, hidden = k.cursor()
    assert not hidden and y == 1, 'cursor at row %d (hidden %s), want the first line of the text\n%s' % (
        y, hidden, k.dump())


def test_line_mode_appends_every_change_as_new_lines(tmp_path, forms_dir, forms):
    """Line mode never moves the cursor or rewrites a line: each change
    (a screen, a language switch, a notice, a typed answer) comes as new
    lines after what was there."""
    db = str(tmp_path / 'zk.db')
    s = LineSession(['--db', db, '--forms', forms_dir], env=base_env('C.UTF-8', TERM='dumb'),
                    stderr_path=str(tmp_path / 'stderr.txt'))
    try:
        seen = [s.first_screen()]
        typed = ('2', 'L', 'L', forms.menu_key('day_care'), '99', '?', '0', '1', '0')
        for line in typed:
            before = s.output()
            out = s.cmd(line)
            assert s.output().startswith(before), 'line mode changed what it had written'
            seen.append(out)
        out = '\n'.join(seen)
        assert T('Please type one of the numbers in front of a line.', 'nl') in out or \
            T('Please type one of the numbers in front of a line.', 'en') in out, out[-2000:]
    finally:
        s.finish()
    data = s.output()
    for bad, name in ((b'\x1b', 'ESC'), (b'\x08', 'backspace'), (b'\x7f', 'DEL')):
        assert bad not in data, 'line mode wrote %s: %r' % (name, data[max(0, data.find(bad) - 40):][:80])
    # A carriage return only ever ends a line (the terminal's \r\n).
    assert re.search(rb'\r(?!\n)', data) is None, 'line mode wrote a bare carriage return'
    # Every change starts on a line of its own: on the prompt's line comes
    # only the echo of what was typed.
    for line, chunk in zip(typed, seen[1:]):
        assert chunk.split('\n', 1)[0].strip() in ('', line), \
            'output did not start on a new line: %r' % chunk[:80]


# --------------------------------------------------------------------------
# Touch only.

@pytest.mark.parametrize('encoding', ['sgr', 'x10'])
def test_every_key_bar_item_answers_a_tap(kiosk, forms, encoding):
    k = kiosk()
    # The welcome: language and help.
    k.tap_key('L/F2', encoding)
    k.wait_until(lambda: title(k) == forms.welcome_title('en'), 'a tap on L/F2 did not switch to English')
    k.tap_key('L/F2', encoding)
    k.wait_until(lambda: title(k) == forms.welcome_title('nl'), 'a tap on L/F2 did not switch back')
    choose_language(k, forms, 'nl')
    open_item(k, forms, 'day_care', 'nl')
    # On an inner screen a touch user switches the language...
    k.tap_key('L/F2', encoding)
    k.wait_until(lambda: title(k) == forms.title('day_care', 'en'),
                 'a tap on L/F2 on a page did not switch to English\n' + k.dump())
    # ... opens the help and closes it ...
    k.tap_key('?/F1', encoding)
    k.wait_for(T('Keys that work everywhere:', 'en'))
    assert not any(t.startswith(('?/F1', 'F1')) for t in k.key_bar_items()), \
        'the help offers help it does not have: %r' % key_bar(k)
    k.tap_key('0/Esc', encoding)
    k.wait_until(lambda: title(k) == forms.title('day_care', 'en'), 'a tap on Back did not close the help')
    # ... and goes back.
    k.tap_key('0/Esc', encoding)
    k.wait_until(lambda: title(k) == forms.menu_title('en'), 'a tap on Back did not go back to the menu')
    # Where letters are typed (the form) the items answer too.
    open_item(k, forms, 'day_care', 'en')
    open_form(k, forms, 'en')
    k.tap_key('F2', encoding)
    k.wait_until(lambda: title(k) == forms.intake_title('nl'), 'a tap on F2 in the form did nothing')
    k.tap_key('Esc', encoding)
    k.wait_until(lambda: title(k) == forms.title('day_care', 'nl'), 'a tap on Esc in the form did nothing')


def first_body_line(k):
    return k.text()[1]


@pytest.mark.parametrize('encoding', ['sgr', 'x10'])
def test_scroll_marks_and_the_wheel_scroll(kiosk, forms, encoding):
    k = kiosk(cols=40, rows=15)
    choose_language(k, forms, 'nl')
    open_item(k, forms, 'short_stay', 'nl')
    k.press('3')  # a long section
    k.quiet(0.05)
    down = next(((y, l.index('\u25bc')) for y, l in enumerate(k.text()) if '\u25bc' in l), None)
    assert down is not None, 'no "more below" mark at 40x15\n' + k.dump()
    top = first_body_line(k)
    k.click(*down, encoding=encoding)
    k.wait_until(lambda: first_body_line(k) != top, 'a tap on the "more below" mark did not scroll')
    up = next(((y, l.index('\u25b2')) for y, l in enumerate(k.text()) if '\u25b2' in l), None)
    assert up is not None, 'no "more above" mark after scrolling\n' + k.dump()
    k.click(*up, encoding=encoding)
    k.wait_until(lambda: first_body_line(k) == top, 'a tap on the "more above" mark did not scroll back')
    k.wheel(True, encoding=encoding)
    k.wait_until(lambda: first_body_line(k) != top, 'the mouse wheel did not scroll down')
    k.wheel(False, encoding=encoding)
    k.wait_until(lambda: first_body_line(k) == top, 'the mouse wheel did not scroll up')
    # Still on the same screen: neither the wheel nor a tap pressed Esc.
    assert k.contains(T('Back', 'nl')) or title(k).startswith(k.text()[0].strip()), k.dump()


def test_scroll_marks_keep_a_space_from_the_text(kiosk, forms):
    k = kiosk(cols=40, rows=15)
    choose_language(k, forms, 'en')
    open_item(k, forms, 'short_stay', 'en')
    for key in ('3', DOWN, DOWN):
        k.press(key)
        k.quiet(0.05)
        lines = k.text()
        cols = [l.index(m) for l in lines[1:-1] for m in SCROLL_MARKS if m in l]
        assert cols, 'no scroll mark at 40x15\n' + k.dump()
        for y, l in enumerate(lines[1:-1], 1):
            if len(l) >= cols[0]:
                assert l[cols[0] - 1] == ' ', 'row %d has text right against the scroll mark column\n%s' % (
                    y, k.dump())


def test_a_tap_on_a_question_focuses_its_answer(kiosk, forms):
    k = kiosk()
    to_form(k, forms, 'day_care', 'en')
    label = forms.field_label('phone', 'en')
    pos = k.find(label)
    assert pos is not None, k.dump()
    k.click(pos[0], pos[1] + 2)
    k.wait_until(lambda: k.focus_row() == pos[0] + 2 or k.focus_row() == pos[0] + 1,
                 'a tap on %r did not move the focus to its answer' % label)
    k.press('0612')
    k.wait_until(lambda: any('[0612' in l for l in k.text()), 'typing after the tap did not fill the phone')


# --------------------------------------------------------------------------
# Small screens and forms that do not surprise.

def test_flow_questions_and_results_open_at_their_top_at_40x15(kiosk, forms):
    k = kiosk(cols=40, rows=15)
    choose_language(k, forms, 'nl')
    open_item(k, forms, 'short_stay', 'nl')
    k.send(str(len(forms.pages['short_stay']['sections']) + 1))  # "Does this fit my situation?"
    fl = forms.flows['short_stay_check']
    intro = flat(fl['intro']['nl']) if 'intro' in fl else None
    k.wait_until(lambda: k.text()[0].strip() == fl['title']['nl'][:38].strip(), 'the check did not open')
    k.quiet(0.05)
    if intro:
        assert flat(k.text()[1]) and intro.startswith(flat(k.text()[1])), \
            'the first question does not open at its top\n' + k.dump()
    # Answer until a result: each question opens with its question first.
    qs = {q['id']: q for q in fl['questions']}
    q = qs[fl['start']]
    while q is not None:
        i = 0
        if q['id'] == 'insurer':
            i = 2  # "the insurer does not pay": on to the Zorgpension
        a = q['answers'][i]
        k.press(str(i + 1))
        q = qs.get(a.get('next')) if a.get('next') else None
        k.quiet(0.05)
        if q is not None:
            assert flat(q['ask']['nl']).startswith(flat(k.text()[1])), \
                'question %s does not open at its top\n%s' % (q['id'], k.dump())
    assert flat(k.text()[1]) == T('What we found for you', 'nl'), \
        'the result does not open at its top (its heading)\n' + k.dump()


def test_contact_language_follows_f2_until_chosen(kiosk, forms):
    k = kiosk()
    to_form(k, forms, 'day_care', 'nl')
    k.send(F2)
    k.wait_for(forms.intake_title('en'))
    answers = valid_answers(forms, name='Anna de Vries', phone='06 12345678')
    fill_form(k, forms, 'en', answers)
    k.wait_for(T('Check your answers', 'en'))
    for _ in range(12):
        if k.contains('1  ' + T('Send', 'en')):
            break
        k.press(DOWN)
    k.send('1')
    ref = k.wait_match(r'MZ-\d{4}-\d{4}').group(0)
    row, ans = db_intake(k.db_path, ref)
    assert ans.get('contact_lang') == 'en', 'the form was filled in English but stored contact_lang=%r' % (
        ans.get('contact_lang'),)


def test_a_chosen_contact_language_stays_when_switching(kiosk, forms):
    k = kiosk()
    to_form(k, forms, 'day_care', 'en')
    answers = valid_answers(forms, name='Anna de Vries', phone='06 12345678', contact_lang='nl')
    fill_form(k, forms, 'en', answers, submit=False)
    k.send(F2)
    k.wait_for(forms.intake_title('nl'))
    k.send(F2)
    k.wait_for(forms.intake_title('en'))
    k.quiet(0.05)
    assert '(\u25cf) Nederlands' in screen_flat(k) or '(*) Nederlands' in screen_flat(k), \
        'the contact language chosen changed with F2\n' + k.dump()


def test_down_in_a_group_of_choices_moves_to_the_next_choice(kiosk, forms):
    k = kiosk(cols=40, rows=15)
    to_form(k, forms, 'day_care', 'en')
    fid = next(f['id'] for f in forms.fields if f['type'] == 'choice' and not f.get('default'))
    for _ in range(forms.field_index(fid)):
        k.press(TAB)
    choices = forms.field(fid)['choices']
    assert k.focused_label() == choices[0]['label']['en'], k.dump()
    for c in choices[1:]:
        k.press(DOWN)
        assert k.focused_label() == c['label']['en'], 'Down did not move to the next choice %r\n%s' % (
            c['label']['en'], k.dump())
    k.press(SPACE)
    assert k.focused().startswith(('(\u25cf)', '(*)')), 'Space did not pick the focused choice\n' + k.dump()


def test_please_fill_this_in_waits_until_the_visitor_goes_on(kiosk, forms):
    k = kiosk(cols=40, rows=15)
    to_form(k, forms, 'day_care', 'en')
    required = '! ' + T('Please fill this in.', 'en')
    # Tab past every question without answering.
    for _ in range(len(forms.fields)):
        k.press(TAB)
        assert not k.contains(required), 'the message shows while Tabbing past a question\n' + k.dump()
    k.focus_to(T('Check my answers', 'en'))
    k.send(ENTER)
    k.wait_for(T('Some answers need a change. The messages marked ! say what to change.', 'en')[:30])
    k.quiet(0.05)
    first = forms.fields[0]
    assert k.contains(first['label']['en']), \
        'after the check the first problem\'s question is not in view\n' + k.dump()
    assert k.contains(required), 'the message of the first problem is not in view\n' + k.dump()
    assert_cursor_on_focus(k, 'after the check')
    k.press('A')
    k.wait_until(lambda: any('[A' in l for l in k.text()), 'the focus is not on the first problem (name)')


def test_the_confirmation_key_bar_says_what_esc_does(kiosk, forms):
    k = kiosk()
    to_form(k, forms, 'day_care', 'en')
    fill_form(k, forms, 'en', valid_answers(forms))
    k.wait_for(T('Check your answers', 'en'))
    for _ in range(12):
        if k.contains('1  ' + T('Send', 'en')):
            break
        k.press(DOWN)
    k.send('1')
    k.wait_match(r'MZ-\d{4}-\d{4}')
    k.wait_until(lambda: key_bar(k).startswith('Esc ' + T('Finish', 'en')),
                 'the confirmation\'s key bar does not say that Esc finishes: %r' % key_bar(k))
    k.tap_key('Esc')
    k.wait_for('1  Nederlands', '2  English')
