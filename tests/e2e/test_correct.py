"""correct REF FIELD: the right to rectification. Staff correct a name,
phone number or e-mail address (the new value on standard input, checked
as at the kiosk); the old value is gone from every byte of the database
files (as erase), the history and the exports say who corrected which
field and when, and the audit names the field, never a value."""
import json
import os
import sqlite3
import subprocess

import staffutil as su
import zkharness
from staffutil import LOGIN
from test_erase import raw_contains

OLD_NAME = 'Vergisnaam Foutenberg'
NEW_NAME = 'Juistnaam Goedenberg'
OLD_PHONES = ('06 1357 9246', '0613579246', '+31613579246')
NEW_PHONE = '0624681357'
OLD_EMAIL = 'vergis.fout@example.nl'
NEW_EMAIL = 'juist.goed@example.nl'
OTHER = 'Blijvende Bewaarnaam'


def correct(db, ref, field, text, lang='en'):
    """zorgkiosk correct REF FIELD with text on standard input."""
    argv, env = zkharness.site_args([zkharness.BIN, 'correct', ref, field, '--lang', lang, '--db', str(db),
                                     '--staff-users', LOGIN], su.env())
    r = subprocess.run(argv, input=None if text is None else text.encode(), capture_output=True, env=env,
                       timeout=60, stdin=subprocess.DEVNULL if text is None else None)
    assert not any(m in su.err(r) for m in zkharness.SANITIZER_MARKS), su.err(r)
    return r


def request_db(tmp_path, forms):
    """A request made at the kiosk with the old name and phone number, an
    e-mail address added, another person's request, and the staff search
    index filled. Returns db, the reference, the other's reference."""
    db = tmp_path / 'data' / 'zk.db'
    os.makedirs(db.parent)
    su.create_db(db)
    other = su.kiosk_request(db, forms, OTHER, phone='0655667788')
    ref = su.kiosk_request(db, forms, OLD_NAME, phone=OLD_PHONES[0])
    con = sqlite3.connect(str(db), timeout=10)
    with con:
        con.execute("INSERT INTO answer (intake_id, field, value) SELECT id, 'email', ? FROM intake WHERE ref = ?",
                    (OLD_EMAIL, ref))
    con.close()
    r = su.zk(['migrate'], db=db)
    assert r.returncode == 0, su.err(r)
    assert su.sql(db, "SELECT count(*) FROM search_text WHERE folded LIKE '%foutenberg%'")[0][0] > 0
    return db, ref, other


def answer(db, ref, field):
    rows = su.sql(db, 'SELECT a.value FROM answer a JOIN intake i ON i.id = a.intake_id WHERE i.ref = ? AND a.field = ?',
                  (ref, field))
    return rows[0][0] if rows else None


def test_correct_leaves_nothing_of_the_old_values(tmp_path, forms, request):
    db, ref, other = request_db(tmp_path, forms)
    for old in (OLD_NAME, OLD_PHONES[1], OLD_EMAIL):
        assert raw_contains(db, old), 'the test meant %r to be in the files' % old
    # A connection stays open, as a running kiosk's does.
    keeper = sqlite3.connect(str(db), timeout=10)
    request.addfinalizer(keeper.close)
    assert keeper.execute('SELECT count(*) FROM intake').fetchone() == (2,)

    for field, new in (('name', NEW_NAME), ('phone', '06 2468 1357'), ('email', NEW_EMAIL)):
        r = correct(db, ref, field, new + '\n')
        assert r.returncode == 0, su.err(r)
        assert '%s corrected' % ref in su.out(r), su.out(r)
    assert answer(db, ref, 'name') == NEW_NAME
    assert answer(db, ref, 'phone') == NEW_PHONE  # stored as the kiosk stores it
    assert answer(db, ref, 'email') == NEW_EMAIL
    for old in (OLD_NAME, 'Foutenberg', 'Vergisnaam', OLD_EMAIL) + OLD_PHONES:
        assert raw_contains(db, old) == [], '%r is still in %s' % (old, raw_contains(db, old))
    # The staff search finds the new values, not the old.
    assert su.sql(db, "SELECT count(*) FROM search WHERE search MATCH 'goedenberg'") != [(0,)]
    assert su.sql(db, "SELECT count(*) FROM search WHERE search MATCH 'foutenberg'") == [(0,)]
    # The other person is untouched.
    assert answer(db, other, 'name') == OTHER

    # History: who corrected which field, and when; the audit the same,
    # without any value; the chain holds.
    hist = su.sql(db, 'SELECT e.staff, e.corrected, e.at FROM event e JOIN intake i ON i.id = e.intake_id'
                      ' WHERE i.ref = ? ORDER BY e.id', (ref,))
    assert [(h[0], h[1]) for h in hist] == [(LOGIN, 'name'), (LOGIN, 'phone'), (LOGIN, 'email')]
    assert all(h[2] for h in hist)
    audit = su.sql(db, "SELECT staff, ref, detail FROM audit WHERE action = 'correct' ORDER BY id")
    assert audit == [(LOGIN, ref, 'name'), (LOGIN, ref, 'phone'), (LOGIN, ref, 'email')]
    assert su.zk(['audit', '--verify'], db=db).returncode == 0

    # The exports and the person's page say it too.
    data = json.loads(su.out(su.zk(['export', '--format', 'json'], db=db)))
    mine = next(o for o in data if o['ref'] == ref)
    assert [(h['what'], h.get('field'), h['staff']) for h in mine['history']] == \
        [('correct', 'name', LOGIN), ('correct', 'phone', LOGIN), ('correct', 'email', LOGIN)]
    page = su.out(su.zk(['access', ref, '--lang', 'en'], db=db))
    for label in ('Name', 'Phone', 'E-mail'):
        assert '%s: corrected %s' % (LOGIN, label) in page, page
    assert NEW_NAME in page and OLD_NAME not in page


def test_correct_checks_as_the_kiosk_does(tmp_path, forms):
    db, ref, other = request_db(tmp_path, forms)

    def unchanged():
        assert answer(db, ref, 'name') == OLD_NAME
        assert answer(db, ref, 'phone') in OLD_PHONES
        assert su.sql(db, "SELECT count(*) FROM audit WHERE action = 'correct'") == [(0,)]
        assert su.sql(db, 'SELECT count(*) FROM event WHERE corrected IS NOT NULL') == [(0,)]

    for field, text, words in (
            ('phone', '12345\n', 'Dutch phone number'),
            ('email', 'geen-adres\n', 'e-mail address like'),
            ('name', '\n', 'Please fill this in'),
            ('name', 'x' * 81 + '\n', 'too long'),
            ('name', 'Naam\u202eOmgekeerd\n', 'cannot be stored'),
            ('name', 'Naam\x00Verborgen\n', 'cannot be stored'),  # never cut at the NUL
    ):
        r = correct(db, ref, field, text)
        assert r.returncode == 1, (field, text)
        assert words in su.err(r) and 'Nothing was changed' in su.err(r), su.err(r)
        unchanged()
    # Only the phone number or only the e-mail address may go, not both.
    r = correct(db, ref, 'email', '\n')
    assert r.returncode == 0, su.err(r)
    assert answer(db, ref, 'email') is None
    r = correct(db, ref, 'phone', '\n')
    assert r.returncode == 1 and 'phone number or an e-mail address' in su.err(r), su.err(r)
    assert answer(db, ref, 'phone') in OLD_PHONES
    # Fields that are not the person's contact details, references that do
    # not exist, no value, a value on the command line: all refused.
    r = correct(db, ref, 'situation', 'anders\n')
    assert r.returncode == 1 and 'name, phone, email' in su.err(r)
    r = correct(db, 'MZ-1999-0001', 'name', NEW_NAME + '\n')
    assert r.returncode == 1 and 'MZ-1999-0001' in su.err(r)
    r = correct(db, ref, 'name', None)
    assert r.returncode == 1 and 'standard input' in su.err(r)
    r = su.zk(['correct', ref, 'name', NEW_NAME, '--lang', 'en'], db=db)
    assert r.returncode == 2 and 'standard input' in su.err(r)
    assert answer(db, ref, 'name') == OLD_NAME
    # In Dutch too.
    r = correct(db, ref, 'phone', '12345\n', lang='nl')
    assert r.returncode == 1 and 'Nederlands telefoonnummer' in su.err(r) and 'Er is niets veranderd' in su.err(r)


def test_staff_terminal_corrects_on_the_record_page(kiosk, tmp_path, forms):
    db, ref, other = request_db(tmp_path, forms)
    k = su.staff_terminal(kiosk, db, cols=100, rows=50)
    k.wait_for(ref)
    k.send(zkharness.ENTER)  # the newest: ours
    k.wait_for('Received', 'Correct name, phone or e-mail')
    k.send('c')
    k.wait_for('Correct which?')
    k.send(su.key_of(k, 'Phone'))
    k.wait_for('The correct Phone (empty: none):')
    old = answer(db, ref, 'phone')
    # A wrong number: the kiosk's message, and the prompt again with what
    # was typed.
    su.type_line(k, len(old), '06 999')
    k.wait_for('Dutch phone number')
    k.wait_for('The correct Phone (empty: none):')
    assert k.contains('06 999')
    su.type_line(k, len('06 999'), '06 2468 1357')
    k.wait_for('Phone corrected.')
    k.wait_for('%s: corrected Phone' % LOGIN)
    assert answer(db, ref, 'phone') == NEW_PHONE
    for old in OLD_PHONES:
        assert raw_contains(db, old) == [], '%r is still in %s' % (old, raw_contains(db, old))
    assert su.sql(db, "SELECT staff, ref, detail FROM audit WHERE action = 'correct'") == [(LOGIN, ref, 'phone')]
    k.send('q')
