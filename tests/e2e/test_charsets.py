"""Any terminal: the charset of the terminal comes from the locale. On a
Latin-1 terminal the kiosk writes Latin-1 (a real é) and reads Latin-1
keys; on an ASCII terminal it writes only ASCII (é -> e, € -> EUR); input
that is not valid in the terminal's charset is refused, with a message,
and never stored."""
import re
import time

import pytest

from rawpty import (LineSession, build_locale, field_num, fill_and_review, focus_rows, item_num, raw, replay,
                    send_and_ref, shows, to_form, wait_title)
from zkharness import ESC, ESC_DELAY, REF_RE, T, base_env, db_intake, db_rows

LATIN1 = 'nl_NL.ISO-8859-1'


@pytest.fixture(scope='module')
def latin1_env(tmp_path_factory):
    locpath, why = build_locale(str(tmp_path_factory.mktemp('locale')))
    if locpath is None:
        pytest.skip('cannot build the ISO-8859-1 test locale: %s' % why)

    def env(**extra):
        return base_env(LATIN1, LOCPATH=locpath, **extra)
    return env


def _advice_cafe(forms):
    """The page and section of the advice page whose Dutch text has
    "Mantelzorgcafé" (é), found in the forms."""
    page = forms.pages['advice']
    for i, sec in enumerate(page['sections']):
        if 'caf\u00e9' in sec['text']['nl']:
            word = re.search(r'\w*caf\u00e9', sec['text']['nl']).group(0)
            return str(i + 1), sec['title']['nl'], word
    pytest.fail('no section of the advice page has "café" any more: pick another text with é')


def _open_section(k, forms, key, title):
    k.send('1')
    k.wait_for(forms.menu_title('nl'))
    k.quiet(0.05)
    k.send(forms.menu_key('advice'))
    k.wait_for(forms.title('advice', 'nl'), T('Back to the menu', 'nl'))
    k.quiet(0.05)
    k.send(key)
    wait_title(k, title)
    k.quiet(0.1)


def test_latin1_terminal_gets_latin1_e_acute(kiosk, forms, latin1_env):
    key, title, word = _advice_cafe(forms)
    k = kiosk(env=latin1_env())
    _open_section(k, forms, key, title)
    data = raw(k)
    # The end of the word: curses may skip letters that are already on the
    # screen from the page before; the replayed screen below has the word.
    want = word[-4:].encode('latin-1')
    assert want in data, 'the Latin-1 bytes of %r (%r) were never written; around "caf": %r' % (
        word, want, data[data.find(b'caf') - 20:data.find(b'caf') + 20] if b'caf' in data else None)
    assert b'\xc3\xa9' not in data, 'the UTF-8 bytes of é (c3 a9) were written to a Latin-1 terminal'
    # No other UTF-8 sequence either (the focus marker and bullets are ASCII here).
    utf8 = re.findall(rb'[\xc2-\xf4][\x80-\xbf]+', data)
    assert not utf8, 'UTF-8 sequences written to a Latin-1 terminal: %r' % utf8[:10]
    screen = '\n'.join(replay(data, 80, 24, 'latin-1'))
    assert word in screen, 'decoded as Latin-1 the screen does not show %r:\n%s' % (word, screen)
    assert '\u00c3' not in screen, 'mojibake on a Latin-1 terminal:\n' + screen


def test_latin1_keys_are_stored_as_utf8(kiosk, forms, latin1_env):
    """Zoë Café typed on a Latin-1 keyboard (bytes eb and e9) is stored as
    UTF-8 "Zoë Café" after a complete request."""
    k = kiosk(env=latin1_env())
    to_form(k, forms, 'nl')
    name = 'Zo\u00eb Caf\u00e9'
    fill_and_review(k, forms, 'nl', {'name': name, 'phone': '06 12345678'}, typed=name.encode('latin-1'))
    review = '\n'.join(replay(raw(k), 80, 24, 'latin-1'))
    assert name in review, 'the review on the Latin-1 terminal does not show %r:\n%s' % (name, review)
    ref = send_and_ref(k, 'nl')
    k.close()
    row, ans = db_intake(k.db_path, ref)
    assert row is not None, 'reference %s shown but not stored' % ref
    assert ans.get('name') == name, 'stored name %r, typed %r' % (ans.get('name'), name)
    hexv = db_rows(k.db_path, "SELECT hex(value) FROM answer WHERE intake_id = ? AND field = 'name'", (row[0],))[0][0]
    assert hexv == name.encode('utf-8').hex().upper(), 'the name is not stored as UTF-8: %s' % hexv


def test_latin1_line_mode_reads_and_writes_latin1(tmp_path, forms_dir, forms, latin1_env):
    db = str(tmp_path / 'zk.db')
    s = LineSession(['--db', db, '--forms', forms_dir, '--plain'], env=latin1_env(TERM='dumb'),
                    stderr_path=str(tmp_path / 'err'))
    try:
        s.first_screen()
        s.cmd('1')
        s.cmd(forms.menu_key('respite_light'))
        form = s.cmd(forms.page_request_key('respite_light'))
        s.cmd(field_num(form, forms.field_label('name', 'nl')))
        name = 'Ren\u00e9e M\u00fcller'
        start = len(s.output())
        s.send(name.encode('latin-1'))
        form = s.wait_prompt(start)
        assert name.encode('latin-1') in form, 'line mode does not show the Latin-1 name back: %r' % form[-2000:]
        assert name.encode('utf-8') not in form, 'line mode wrote UTF-8 to a Latin-1 terminal'
    finally:
        s.finish()
    assert not any(b > 0x7f and b not in b'\xe9\xfc' for b in s.output()), \
        'bytes other than é/ü in Latin-1 were written: %r' % sorted({b for b in s.output() if b > 0x7f})


def test_ascii_terminal_gets_only_ascii(kiosk, forms):
    """LANG=C: through the welcome, the menu, a page with é, a page with ë,
    the form and back, not one byte above 127; é and ë read as e."""
    key, title, word = _advice_cafe(forms)
    k = kiosk(lang='C')
    _open_section(k, forms, key, title)
    plain = word.replace('\u00e9', 'e')
    k.wait_for(plain)
    assert not k.contains(word[:-1] + '?'), 'é became "?" instead of "e"\n' + k.dump()
    for _ in range(2):
        k.send(ESC)
        time.sleep(ESC_DELAY)
        k.quiet(0.05)
    k.wait_for(forms.menu_title('nl'))
    # Who can help you? on the first page has "cliëntondersteuners".
    k.send(forms.menu_key('respite_light'))
    k.wait_for(forms.title('respite_light', 'nl'))
    secs = forms.pages['respite_light']['sections']
    idx = [i for i, s in enumerate(secs) if 'cli\u00ebnt' in s['text']['nl']]
    if idx:
        k.quiet(0.05)
        k.send(str(idx[0] + 1))
        k.wait_for('clientondersteuner')
        k.send(ESC)
        time.sleep(ESC_DELAY)
        k.wait_for(T('Back to the menu', 'nl'))
    k.quiet(0.05)
    k.send(forms.page_request_key('respite_light'))
    k.wait_for(forms.intake_title('nl'))
    k.send('Zoe')
    k.wait_for('[Zoe')
    for _ in range(3):
        k.send(ESC)
        time.sleep(ESC_DELAY)
        k.quiet(0.05)
    k.wait_for('1  Nederlands')
    data = raw(k)
    high = sorted({b for b in data if b > 0x7f})
    assert not high, 'bytes above 127 written to an ASCII terminal: %r, e.g. %r' % (
        [hex(b) for b in high], data[[i for i, b in enumerate(data) if b > 0x7f][0] - 30:][:60])


def test_ascii_terminal_shows_euro_as_EUR(kiosk, forms_copy):
    """The forms have no € today; a copy whose welcome has one shows EUR."""
    welcome = forms_copy / 'welcome.conf'
    text = welcome.read_text(encoding='utf-8')
    old = 'U kiest zelf wat u wilt lezen.'
    assert old in text, 'the welcome text changed: update this test'
    welcome.write_text(text.replace(old, 'Een kopje koffie kost \u20ac 1,50.', 1), encoding='utf-8')
    k = kiosk(lang='C', forms=str(forms_copy))
    k.wait_for('kost EUR 1,50')
    k.quiet(0.1)
    assert not any(b > 0x7f for b in raw(k)), 'non-ASCII bytes on an ASCII terminal'
    k2 = kiosk(forms=str(forms_copy))
    k2.wait_for('kost \u20ac 1,50')


def test_invalid_utf8_typed_in_the_name_is_refused_with_a_message(kiosk, forms):
    """Bytes ff fe are no UTF-8: the kiosk says so, stores nothing of them,
    and the keyboard goes on working."""
    k = kiosk()
    to_form(k, forms, 'nl')
    k.send('Anna')
    k.wait_for('[Anna')
    k.quiet(0.1)
    k.send(b'\xff\xfe')
    msgs = [T('That key cannot be used here.', 'nl'),
            T('That text has characters that cannot be read. Please type it again.', 'nl')]
    if not any(shows(k, m[:40], timeout=2 if i == 0 else 0) for i, m in enumerate(msgs)):
        pytest.fail('after the bytes ff fe in the name field no message was shown (expected one of %r)\n%s'
                    % (msgs, k.dump()))
    k.send(' Bakker')
    k.wait_for('[Anna Bakker', timeout=3)
    k.send('\t')
    fill_and_review(k, forms, 'nl', {'phone': '06 12345678'}, start=1)
    ref = send_and_ref(k, 'nl')
    k.close()
    row, ans = db_intake(k.db_path, ref)
    assert ans.get('name') == 'Anna Bakker', 'stored name %r' % ans.get('name')
    bad = db_rows(k.db_path, "SELECT field, value FROM answer WHERE value GLOB '*[^ -~]*'")
    assert not bad, 'non-ASCII stored: %r' % bad


def test_keys_after_an_invalid_byte_are_not_lost(kiosk, forms):
    """One stray byte (ff) must not swallow the keys that follow it."""
    k = kiosk()
    to_form(k, forms, 'en')
    k.send(b'\xff')
    k.quiet(0.1)
    k.send('Anna')
    if not shows(k, '[Anna', timeout=2):
        before = focus_rows(k)
        k.send('\t')
        k.quiet(0.3)
        moved = focus_rows(k) != before
        pytest.fail('after one byte ff the letters "Anna" typed next were lost (the name field stayed '
                    'empty; Tab afterwards was %s)\n%s' % ('seen' if moved else 'lost too', k.dump()))


def test_invalid_utf8_in_line_mode_is_refused_and_never_stored(tmp_path, forms_dir, forms):
    db = str(tmp_path / 'zk.db')
    s = LineSession(['--db', db, '--forms', forms_dir, '--plain'], env=base_env(TERM='dumb'),
                    stderr_path=str(tmp_path / 'err'))
    try:
        s.first_screen()
        s.cmd('2')
        s.cmd(forms.menu_key('respite_light'))
        form = s.cmd(forms.page_request_key('respite_light'))
        n = field_num(form, forms.field_label('name', 'en'))
        s.cmd(n)
        out = s.cmd(b'Anna \xff\xfe Bakker')
        msg = T('That text has characters that cannot be read. Please type it again.', 'en')
        assert msg in out, 'no message after invalid UTF-8 in line mode:\n' + out
        assert '[[Anna' not in out and '[Anna' not in out, 'the invalid text was put in the field:\n' + out
        # Also as a menu choice: refused with the message, not read as a number.
        out = s.cmd(b'\xff1')
        assert msg in out, out
        s.cmd(n)
        s.cmd('Anna Bakker')
        s.cmd(field_num(form, forms.field_label('phone', 'en')))
        s.cmd('06 12345678')
        # After an answer only what changed is printed: the numbers are
        # those of the form as first printed.
        for f in forms.fields:
            if f['type'] == 'choice' and f.get('required') and f.get('default') is None:
                s.cmd(item_num(form, f['choices'][0]['label']['en'][:30]))
            elif f['type'] == 'consent':
                s.cmd(item_num(form, f['label']['en'][:30]))
        review = s.cmd(item_num(form, T('Check my answers', 'en')))
        done = s.cmd(item_num(review, T('Send', 'en')))
        ref = REF_RE.search(done).group(0)
    finally:
        s.finish()
    row, ans = db_intake(db, ref)
    assert ans.get('name') == 'Anna Bakker', ans
    bad = db_rows(db, "SELECT field, hex(value) FROM answer WHERE value GLOB '*[^ -~]*'")
    assert not bad, 'non-ASCII stored: %r' % bad


def test_ascii_terminal_refuses_bytes_above_127_in_line_mode(tmp_path, forms_dir, forms):
    """LANG=C: a typed é (e9) is no ASCII: refused with the message, the
    field stays empty."""
    db = str(tmp_path / 'zk.db')
    s = LineSession(['--db', db, '--forms', forms_dir, '--plain'], env=base_env('C', TERM='dumb'),
                    stderr_path=str(tmp_path / 'err'))
    try:
        s.first_screen()
        s.cmd('2')
        s.cmd(forms.menu_key('respite_light'))
        form = s.cmd(forms.page_request_key('respite_light'))
        s.cmd(field_num(form, forms.field_label('name', 'en')))
        out = s.cmd(b'Ren\xe9e')
        assert T('That text has characters that cannot be read. Please type it again.', 'en') in out, out
        assert 'Ren' not in out.replace('Ren\ufffde', ''), 'part of the refused text was put in the field:\n' + out
    finally:
        s.finish()
    assert not any(b > 0x7f for b in s.output().replace(b'Ren\xe9e', b'')), \
        'non-ASCII written to an ASCII terminal (besides the echo of what was typed)'
