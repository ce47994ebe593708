"""Any terminal: line mode. With TERM=dumb, an unknown TERM or --plain the
kiosk prints numbered lines and reads one line at a time: no escape
sequence at all, and a complete request in Dutch and in English."""
import re

import pytest

from rawpty import LineSession, field_num, line_walk
from zkharness import T, base_env, db_intake, welcome_help_title

MODES = {
    'dumb': ({'TERM': 'dumb'}, []),
    'plain': ({'TERM': 'xterm-256color'}, ['--plain']),
    'unknown': ({'TERM': 'doesnotexist'}, []),
}


def H(title):
    """A screen's title line in line mode."""
    return '== %s ==' % title


def session(tmp_path, forms_dir, mode='dumb', lang_env='C.UTF-8', extra=()):
    env_extra, args = MODES[mode]
    db = str(tmp_path / 'zk.db')
    s = LineSession(['--db', db, '--forms', forms_dir] + args + list(extra),
                    env=base_env(lang_env, **env_extra), stderr_path=str(tmp_path / 'stderr.txt'))
    s.db = db
    return s


@pytest.mark.parametrize('lang', ['nl', 'en'])
@pytest.mark.parametrize('mode', list(MODES))
def test_line_mode_request_is_stored_without_any_escape(tmp_path, forms_dir, forms, mode, lang):
    s = session(tmp_path, forms_dir, mode)
    try:
        ref, typed, seen = line_walk(s, forms, lang, name='Anna de Vries', phone='06 12345678')
        assert T('Your reference number: %s', lang) % ref in seen[-1], seen[-1]
        # Finish: the screen is wiped and the welcome comes back.
        out = s.cmd('1')
        assert forms.welcome_title('nl') in out and ref not in out, out
    finally:
        status = s.finish()
    data = s.output()
    assert b'\x1b' not in data, 'line mode (%s) wrote ESC: %r' % (
        mode, data[max(0, data.find(b'\x1b') - 40):data.find(b'\x1b') + 40])
    assert status == 0, 'status %s; stderr:\n%s' % (status, s.stderr())
    row, ans = db_intake(s.db, ref)
    assert row is not None, 'reference %s was printed but is not in the database' % ref
    assert row[2] == lang, row
    assert ans.get('name') == 'Anna de Vries' and ans.get('phone') == '0612345678', ans
    assert ans.get('consent') == 'yes', ans
    # The instructions are in the caregiver's language.
    prompt = T('Type a number and Enter. 0: back. ?: help.', lang).strip()
    menu = seen[1]
    assert prompt in menu, 'the line-mode instructions are not in %s: want %r in\n%s' % (lang, prompt, menu)


def test_L_switches_language_and_0_goes_back(tmp_path, forms_dir, forms):
    s = session(tmp_path, forms_dir, 'dumb')
    try:
        s.first_screen()
        out = s.cmd('1')
        assert H(forms.menu_title('nl')) in out
        out = s.cmd('L')
        assert H(forms.menu_title('en')) in out and T('Back to the choice of language', 'en') in out, out
        out = s.cmd('l')
        assert H(forms.menu_title('nl')) in out, out
        out = s.cmd(forms.menu_key('day_care'))
        assert H(forms.title('day_care', 'nl')) in out, out
        out = s.cmd('0')
        assert H(forms.menu_title('nl')) in out, '0 on a page did not go back to the menu:\n' + out
        out = s.cmd(forms.menu_key('respite_light'))
        form = s.cmd(forms.page_request_key('respite_light'))
        assert H(forms.intake_title('nl')) in form
        # A typed answer survives a change of language and Back.
        s.cmd(field_num(form, forms.field_label('name', 'nl')))
        out = s.cmd('Zoe')
        out = s.cmd('L')
        assert H(forms.intake_title('en')) in out and 'Zoe' in out, out
        out = s.cmd('0')
        assert H(forms.title('respite_light', 'en')) in out, '0 in the form did not go back to the page:\n' + out
        out = s.cmd('0')
        assert H(forms.menu_title('en')) in out, out
        out = s.cmd('0')
        assert '1) Nederlands' in out and '2) English' in out, '0 on the menu did not go to the welcome:\n' + out
        # Back at the welcome, the next person starts in Dutch again.
        assert H(forms.welcome_title('nl')) in out, out
        # ? opens the help; 0 comes back.
        out = s.cmd('?')
        assert H(welcome_help_title('nl')) in out, '? did not open the help:\n' + out
        out = s.cmd('0')
        assert '1) Nederlands' in out and H(welcome_help_title('nl')) not in out, out
    finally:
        assert s.finish() == 0
    assert b'\x1b' not in s.output()


def test_dash_empties_a_field_and_a_wrong_number_is_explained(tmp_path, forms_dir, forms):
    s = session(tmp_path, forms_dir, 'plain')
    try:
        s.first_screen()
        # On the welcome nobody has chosen a language: the word comes in both.
        out = s.cmd('7')
        for lang in ('nl', 'en'):
            assert T('Please type one of the numbers in front of a line.', lang) in out, out
        s.cmd('2')
        out = s.cmd('99')
        assert T('Please type one of the numbers in front of a line.', 'en') in out, out
        s.cmd(forms.menu_key('respite_light'))
        form = s.cmd(forms.page_request_key('respite_light'))
        e = field_num(form, forms.field_label('email', 'en'))
        s.cmd(e)
        out = s.cmd('a@example.nl')
        assert 'a@example.nl' in out
        s.cmd(e)
        out = s.cmd('-')
        assert 'a@example.nl' not in out, '"-" did not empty the e-mail field:\n' + out
    finally:
        assert s.finish() == 0


def test_choosing_a_text_field_says_what_to_type(tmp_path, forms_dir, forms):
    """After the number of a text field, the kiosk says to type the answer
    before it waits for it, not on the screen after the answer."""
    s = session(tmp_path, forms_dir, 'dumb')
    hint = T('Type your answer and press Enter. A single - makes it empty.', 'en')
    try:
        s.first_screen()
        s.cmd('2')
        s.cmd(forms.menu_key('respite_light'))
        form = s.cmd(forms.page_request_key('respite_light'))
        asked = s.cmd(field_num(form, forms.field_label('name', 'en')))
        after = s.cmd('Anna')
    finally:
        s.finish()
    assert hint in asked, ('choosing the name field printed only %r: no word on what to type '
                           '(the hint %r came after the answer: %s)' % (asked, hint, hint in after))
    assert hint not in after, 'the hint to type an answer is shown again after the answer was typed'


def test_text_field_is_bracketed_once(tmp_path, forms_dir, forms):
    """A text field shows as [ ... ], not [[ ... ]] (a screen reader reads
    every bracket)."""
    s = session(tmp_path, forms_dir, 'dumb')
    try:
        s.first_screen()
        s.cmd('2')
        s.cmd(forms.menu_key('respite_light'))
        form = s.cmd(forms.page_request_key('respite_light'))
    finally:
        s.finish()
    doubled = [l.rstrip() for l in form.splitlines() if '[[' in l or ']]' in l]
    assert not doubled, 'text fields are drawn with double brackets in line mode:\n' + '\n'.join(doubled)


def test_an_answer_prints_what_changed_and_an_empty_field_is_a_word(tmp_path, forms_dir, forms):
    """A screen reader reads every line: after an answer the form is not
    printed again, only what changed; an empty field is a word, not a
    bracket and 70 spaces. An empty line prints the whole page again."""
    s = session(tmp_path, forms_dir, 'dumb')
    empty = T('(empty)', 'en')
    consent = next(f for f in forms.fields if f['type'] == 'consent')['label']['en']
    try:
        s.first_screen()
        s.cmd('2')
        s.cmd(forms.menu_key('respite_light'))
        form = s.cmd(forms.page_request_key('respite_light'))
        assert re.search(r'^\s*\d+\) ' + re.escape(empty) + r'\r?$', form, re.M), form
        assert not re.search(r'\[ {10,}\]', form), 'an empty field is a box of spaces:\n' + form
        s.cmd(field_num(form, forms.field_label('name', 'en')))
        after = s.cmd('Anna')
        again = s.cmd('')
    finally:
        s.finish()
    assert '[Anna]' in after, after
    assert H(forms.intake_title('en')) not in after and consent[:30] not in after, \
        'the whole form was printed again after one answer:\n' + after
    assert H(forms.intake_title('en')) in again and '[Anna]' in again and consent[:30] in again, again
