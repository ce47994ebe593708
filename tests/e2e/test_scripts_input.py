"""Names in Ukrainian and Arabic (and wide letters) typed into a text field of
the kiosk in the pseudo-terminal: shown as typed, the cursor where the
letters end, the arrow keys and Delete taking a letter with its combining
marks at once, Backspace taking an Arabic mark at a time and a Latin letter
with its accent whole; and on an ISO-8859-1 terminal, a kept draft in those
scripts neither shifts the screen nor changes when edited, and the staff
list keeps its columns."""
import re
import signal
import unicodedata

import pyte
import pytest

import staffutil as su

from rawpty import build_locale, raw, replay
from steps import field_value, fill_form, to_form, valid_answers
from zkharness import BACKSPACE, BTAB, LEFT, REF_RE, RIGHT, SPACE, T, base_env, db_intake, db_rows

DELETE = '\x1b[3~'
HOME = '\x01'  # Ctrl-A, as in a shell
END = '\x05'   # Ctrl-E
LATIN1 = 'nl_NL.ISO-8859-1'
ARABIC = '\u0645\u064f\u062d\u064e\u0645\u0651\u064e\u062f'  # مُحَمَّد: 4 letters, 4 marks


def shown(k, forms):
    """The name field as the screen shows it. pyte puts combining marks in
    canonical order (NFC), so what was typed is compared in that form."""
    return field_value(k, forms, 'name', 'en')


def nfc(s):
    return unicodedata.normalize('NFC', s)


def read_rtl(visual):
    """An Arabic name as a reader gets it from the screen: the kiosk lays
    it out right to left (GNU FriBidi) with its letters joined, so it is
    read from the right, a letter with its marks at a time, and the joined
    forms as plain letters."""
    clusters = re.findall(r'.[\u064b-\u065f\u0670]*', visual)
    return unicodedata.normalize('NFKC', ''.join(reversed(clusters)))


def at_rtl(k, x0, y, before, letters, what):
    """Wait until the cursor is on the letter after the first `before` of
    an Arabic name of `letters` letters, shown right to left from the first
    cell of the field: on cell letters-1-before; after the last letter, the
    cell past the name."""
    at(k, x0, y, letters - 1 - before if before < letters else letters, what)


def name_field(k):
    """(column of the first cell inside the brackets, row) of the name field."""
    for y, line in enumerate(k.text()):
        m = re.match(r'\s*[\u25b6>]\[', line)
        if m:
            return m.end(), y
    raise AssertionError('no focused text field:\n' + k.dump())


def at(k, x0, y, letters, what):
    """Wait until the cursor is letters cells into the field."""
    where = lambda: (k.screen.cursor.x, k.screen.cursor.y)  # noqa: E731
    k.wait_until(lambda: where() == (x0 + letters, y),
                 '%s: the cursor is not %d cells into the field at %r' % (what, letters, (x0, y)))


def hang_up(k):
    """The link drops: the kiosk keeps the draft (its box is ticked)."""
    k.quiet(0.3)
    k.proc.send_signal(signal.SIGHUP)
    k.proc.wait(timeout=10)
    k.close(check=False)


def start_form(kiosk, forms):
    k = kiosk()
    to_form(k, forms, forms.request_pages()[0]['id'], 'en')
    return k


def test_arabic_name_cursor_and_marks(kiosk, forms):
    k = start_form(kiosk, forms)
    k.press(ARABIC)
    assert read_rtl(shown(k, forms)) == nfc(ARABIC)
    x0, y = name_field(k)
    at_rtl(k, x0, y, 4, 4, 'after four letters with their marks')
    k.press(LEFT)
    at_rtl(k, x0, y, 3, 4, 'Left over the last letter')
    k.press(LEFT)  # over meem with shadda and fatha: one letter, three characters
    at_rtl(k, x0, y, 2, 4, 'Left over a letter with two marks')
    k.press(RIGHT)
    at_rtl(k, x0, y, 3, 4, 'Right over a letter with two marks')
    k.press(LEFT)
    k.press(DELETE)  # takes the letter with its marks
    assert read_rtl(shown(k, forms)) == nfc('\u0645\u064f\u062d\u064e\u062f')
    at_rtl(k, x0, y, 2, 3, 'after Delete')
    k.press(END)
    k.press(BACKSPACE)  # the last letter
    k.press(BACKSPACE)  # the fatha typed after hah: a mark at a time
    assert read_rtl(shown(k, forms)) == nfc('\u0645\u064f\u062d')
    at_rtl(k, x0, y, 2, 2, 'after Backspace over a mark')
    k.press(' \u0639\u0644\u064a')  # " علي"
    k.press(HOME)
    at_rtl(k, x0, y, 0, 6, 'Home')
    k.press(RIGHT)
    at_rtl(k, x0, y, 1, 6, 'Right over meem with damma')
    name = '\u0645\u064f\u062d \u0639\u0644\u064a'
    fill_form(k, forms, 'en', valid_answers(forms, name=None), start=0)
    k.wait_for(T('Check your answers', 'en'))
    k.choose(T('Send', 'en'))
    ref = k.wait_match(REF_RE.pattern).group(0)
    assert db_intake(k.db_path, ref)[1]['name'] == name


def test_ukrainian_wide_and_decomposed_letters(kiosk, forms):
    k = start_form(kiosk, forms)
    x0, y = name_field(k)
    k.press('Олена Коваленко')
    assert shown(k, forms) == 'Олена Коваленко'
    at(k, x0, y, 15, 'after a Ukrainian name')
    k.press(HOME + RIGHT * 5 + BACKSPACE)
    assert shown(k, forms) == 'Олен Коваленко'
    at(k, x0, y, 4, 'after Backspace in a Ukrainian name')
    k.press(END + BACKSPACE * 15)
    assert shown(k, forms) == ''
    # Wide letters take two cells each.
    k.press('王小明')
    at(k, x0, y, 6, 'after three wide letters')
    k.press(LEFT + BACKSPACE)
    assert shown(k, forms) == '王明'
    at(k, x0, y, 2, 'after Backspace over a wide letter')
    k.press(END + BACKSPACE * 2)
    # A Latin letter with a combining accent goes whole.
    k.press('Zoe\u0301')
    at(k, x0, y, 3, 'after e with a combining accent')
    k.press(BACKSPACE)
    assert shown(k, forms) == 'Zo'
    at(k, x0, y, 2, 'after Backspace over e with its accent')


def _screen_and_cursor(data, cols=80, rows=24):
    """What a Latin-1 terminal shows for data, and where its cursor is."""
    screen = pyte.Screen(cols, rows)
    pyte.Stream(screen).feed(data.decode('latin-1'))
    return [l.rstrip() for l in screen.display], (screen.cursor.x, screen.cursor.y)


def latin1_wait(k, row, col, text, what):
    """Wait until the Latin-1 screen shows text in the field on row and its
    cursor at col."""
    def state():
        lines, cur = _screen_and_cursor(raw(k))
        x0 = lines[row].index('[') + 1
        return lines[row][x0:].rstrip(' ]'), cur
    k.wait_until(lambda: state() == (text, (col, row)),
                 '%s: the field shows %r with the cursor at %r, not %r at %r' % (what, *state(), text, (col, row)))


def test_latin1_terminal_resumes_a_draft_in_other_scripts(kiosk, forms, tmp_path_factory):
    """Typed on a UTF-8 terminal and kept when the link dropped, the name is
    taken up on an ISO-8859-1 terminal, which cannot show it: each letter a
    "?" (with its marks), the field as wide as ever, the cursor after the
    letters it is after; edited there, the letters it could not show are
    stored as they were."""
    locpath, why = build_locale(str(tmp_path_factory.mktemp('locale')))
    if locpath is None:
        pytest.skip('cannot build the ISO-8859-1 test locale: %s' % why)
    typed = ARABIC + ' Олена'
    k = start_form(kiosk, forms)
    k.press(typed)
    k.press(BTAB)  # up to "Keep what you typed ...?"
    k.press(SPACE)
    hang_up(k)
    assert dict(db_rows(k.db_path, 'SELECT field, value FROM draft_answer'))['name'] == typed

    k = kiosk(env=base_env(LATIN1, LOCPATH=locpath), wait=False)
    k.wait_until(lambda: 'Verder met mijn antwoorden' in '\n'.join(replay(raw(k))), 'the offer of the draft',
                 timeout=20)
    k.send('1')
    k.wait_until(lambda: any('Your name' in l for l in replay(raw(k))), 'the form with the draft')
    k.wait_until(lambda: any(re.match(r'\s*>\[', l) for l in replay(raw(k))), 'the focus on the name')
    lines = replay(raw(k))
    row = next(i for i, l in enumerate(lines) if re.match(r'\s*>\[', l))
    x0 = lines[row].index('[') + 1
    # Each letter a "?", its marks with it; the cursor after the ten.
    latin1_wait(k, row, x0 + 10, '???? ?????', 'the draft')
    lines = replay(raw(k))
    assert lines[row].rindex(']') == lines[row + 4].rindex(']'), \
        'the field is not as wide as the others:\n' + '\n'.join(lines)
    # Left over Олена, the space, dal and meem with its two marks.
    for _ in range(8):
        k.press(LEFT)
    latin1_wait(k, row, x0 + 2, '???? ?????', 'the cursor after two letters')
    k.press('x')
    latin1_wait(k, row, x0 + 3, '??x?? ?????', 'x typed after two letters')
    k.press(END)
    k.press(BACKSPACE)  # the last Cyrillic letter, which this terminal cannot show
    latin1_wait(k, row, x0 + 10, '??x?? ????', 'Backspace at the end')
    assert not re.findall(rb'[\xc2-\xf4][\x80-\xbf]+', raw(k)), 'UTF-8 written to a Latin-1 terminal'
    hang_up(k)
    want = '\u0645\u064f\u062d\u064e' + 'x' + '\u0645\u0651\u064e\u062f Олен'
    assert dict(db_rows(k.db_path, 'SELECT field, value FROM draft_answer'))['name'] == want


def test_latin1_staff_list_keeps_its_columns(kiosk, tmp_path, tmp_path_factory):
    """The staff list on an ISO-8859-1 terminal: names it cannot show (Arabic
    with its marks, Cyrillic, wide letters) take the columns their "?"s
    take, so the status column stays in line."""
    locpath, why = build_locale(str(tmp_path_factory.mktemp('locale')))
    if locpath is None:
        pytest.skip('cannot build the ISO-8859-1 test locale: %s' % why)
    db = tmp_path / 'zk.db'
    su.create_db(db)
    names = ['Jan Jansen', ARABIC + ' \u0627\u0644\u0640\u0639\u0644\u064a', 'Олена Йосипенко', '王小明 Wang']
    for i, name in enumerate(names):
        su.insert_request(db, 'MZ-2026-%04d' % (i + 1), '2026-03-0%dT10:00:00Z' % (i + 1), su.answers(name))
    k = kiosk(db=str(db), wait=False, env=base_env(LATIN1, LOCPATH=locpath, LSAN_OPTIONS=su.LSAN),
              args=['staff', '--staff-users', su.LOGIN, '--lang', 'en'])
    k.wait_until(lambda: sum('MZ-2026-' in l for l in replay(raw(k))) == len(names), 'the list', timeout=20)
    k.quiet(0.2)
    lines = replay(raw(k))
    head = next(l for l in lines if 'Reference' in l and 'Status' in l)
    rows = [l for l in lines if 'MZ-2026-' in l]
    assert [r.index('new') for r in rows] == [head.index('Status')] * len(names), '\n'.join(lines)
    assert any('???? ??????' in r for r in rows), '\n'.join(rows)
