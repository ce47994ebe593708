"""The staff terminal (`zorgkiosk staff`) in a pseudo-terminal: the list,
one request in full, status changes and notes, concurrent changes, paging,
search and filters, export, the audit trail, language and help."""
import csv
import json
import os
import re
import sqlite3
import stat

import pytest

from zkharness import ENTER, F1, F2, PGDN, PGUP, T, flat
import staffutil as su
from staffutil import LOGIN

CTRL_S = '\x13'  # saves a note


def set_status(k, label):
    """On a request: press the key of "Set status: label"."""
    su.scroll_to(k, T('Add a note', 'en'))
    k.send(su.key_of(k, 'Set status: ' + label))


# --------------------------------------------------------------------------

def test_request_from_kiosk_reviewed_changed_noted_exported(kiosk, tmp_path, forms):
    db = tmp_path / 'zk.db'
    situation = 'Mijn moeder, 84; zij "wil" niet naar de dagbesteding'
    ref = su.kiosk_request(db, forms, 'Gerda Kioskvrouw', phone='06 98765432', situation=situation)
    (iid, version0), = su.sql(db, 'SELECT id, version FROM intake WHERE ref = ?', (ref,))

    # A terminal tall enough to show the whole request at once.
    k = su.staff_terminal(kiosk, db, rows=50)
    # The list: the request with its reference, name and status.
    k.wait_for(ref, 'Gerda Kioskvrouw')
    rows = su.list_rows(k)
    assert rows and rows[0][0] == ref and rows[0][2] == 'Gerda Kioskvrouw' and rows[0][3] == 'new', k.dump()

    # Enter opens it: every answer under its label.
    k.send(ENTER)
    k.wait_for('Received', T('History', 'en'), T('Back to the list', 'en'))
    k.wait_match(r'^\s*' + re.escape(ref) + r'\s*$')
    seen = flat(' '.join(l.strip() for l in k.text()))
    stored = dict(su.sql(db, 'SELECT field, value FROM answer WHERE intake_id = ?', (iid,)))
    assert stored['name'] == 'Gerda Kioskvrouw' and stored['situation'] == situation
    for f in forms.fields:
        if f['id'] not in stored:
            continue
        label = f.get('staff_label', f['label'])['en']  # staff read the staff label
        value = stored[f['id']]
        if f['type'] == 'choice':
            value = forms.choice_label(f['id'], value, 'en')
        elif f['type'] == 'options':
            value = '; '.join(p['title']['en'] for p in forms.request_pages() if p['id'] in value.split(','))
        elif f['type'] == 'consent':
            value = 'Yes'
        assert flat(label) in seen, 'label %r of %s not shown:\n%s' % (label, f['id'], k.dump())
        assert flat(label + ' ' + value) in seen, \
            'answer %r not shown under %r:\n%s' % (value, label, k.dump())
    assert T('No changes or notes yet.', 'en') in seen

    # Set status: contacted.
    set_status(k, 'contacted')
    k.wait_for(T('The status is now: %s', 'en') % 'contacted')
    su.scroll_to(k, T('Status: %s', 'en') % 'contacted', key=PGUP)
    assert su.sql(db, 'SELECT status, version FROM intake WHERE id = ?', (iid,)) == [('contacted', version0 + 1)]
    ev = su.sql(db, 'SELECT staff, old_status, new_status, note FROM event WHERE intake_id = ?', (iid,))
    assert ev == [(LOGIN, 'new', 'contacted', None)]

    # Add a note: it is in the history and in the database.
    note = 'Gebeld, terugbellen donderdag ' + ref
    su.scroll_to(k, T('Add a note', 'en'))
    k.send(su.key_of(k, T('Add a note', 'en')))
    k.wait_for(T('Note (it is kept with your name):', 'en'))
    k.send(note)
    k.wait_for(note)
    k.send(CTRL_S)  # Enter would start a new line
    k.wait_for(T('The note has been saved.', 'en'))
    su.scroll_to(k, note)
    k.wait_match(re.escape(LOGIN) + r': note: ' + re.escape(note))
    k.wait_match(re.escape(LOGIN) + r': status new -> contacted')
    ev = su.sql(db, 'SELECT staff, old_status, new_status, note FROM event WHERE intake_id = ? ORDER BY id', (iid,))
    assert ev == [(LOGIN, 'new', 'contacted', None), (LOGIN, None, None, note)]

    # Back to the list: it shows the new status.
    k.send('0')  # Back to the list
    k.wait_for(T('Requests for contact', 'en'))
    k.wait_until(lambda: su.list_rows(k) and su.list_rows(k)[0][3] == 'contacted',
                 'the list does not show the new status')

    # e: export, without being asked for a path, to a new file in the
    # export folder; the file parses as CSV.
    k.send('e')
    path = su.wait_export(k, 'csv')
    assert re.match(r'requests-\d{4}-\d\d-\d\d-\d{6}\.csv$', os.path.basename(path)), path
    assert k.contains('Exported 1 request')
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path, newline='', encoding='utf-8') as fh:
        table = list(csv.reader(fh))
    assert table[0][:4] == ['ref', 'created_at', 'status', 'language']
    assert table[0][4:] == forms.export_ids()
    assert len(table) == 2, table
    row = dict(zip(table[0], table[1]))
    assert row['ref'] == ref and row['status'] == 'contacted' and row['name'] == 'Gerda Kioskvrouw'
    assert row['situation'] == situation
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600

    k.send('q')
    assert k.proc.wait(timeout=10) == 0


def test_concurrent_change_is_not_overwritten(kiosk, tmp_path, forms):
    db = tmp_path / 'zk.db'
    su.create_db(db)
    ref = 'MZ-2026-0001'
    iid = su.insert_request(db, ref, '2026-03-01T10:00:00Z', su.answers('Karel Tweemaal'))

    a = su.staff_terminal(kiosk, db)
    b = su.staff_terminal(kiosk, db)
    for k in (a, b):
        k.wait_for(ref)
        k.send(ENTER)
        k.wait_for('Received', T('Status: %s', 'en') % 'new')

    set_status(a, 'contacted')
    a.wait_for(T('The status is now: %s', 'en') % 'contacted')

    # b still shows "new" and tries another status.
    set_status(b, 'referred')
    b.wait_any('changed', 'gewijzigd')
    su.scroll_to(b, T('Status: %s', 'en') % 'contacted', key=PGUP)
    assert not b.contains(T('The status is now: %s', 'en') % 'referred')

    assert su.sql(db, 'SELECT status, version FROM intake WHERE id = ?', (iid,)) == [('contacted', 1)]
    assert su.sql(db, 'SELECT old_status, new_status FROM event WHERE intake_id = ?', (iid,)) == \
        [('new', 'contacted')]
    assert su.sql(db, "SELECT detail FROM audit WHERE action = 'status'") == [('new -> contacted',)]


def test_paging_search_and_status_filter(kiosk, tmp_path, forms):
    db = tmp_path / 'zk.db'
    su.create_db(db)
    su.fill(db, 200)
    # One person far down the list, to be found by searching.
    su.insert_request(db, 'MZ-2023-0001', '2023-02-01T09:00:00Z', su.answers('Wilma Zoekbaar'))
    order = [r[0] for r in su.sql(db, 'SELECT ref FROM intake ORDER BY created_at DESC, id DESC')]
    page = 24 - 8

    k = su.staff_terminal(kiosk, db)
    k.wait_for(order[0], T('Older requests (Page Down)', 'en'))
    assert [r[0] for r in su.list_rows(k)] == order[:page], k.dump()

    k.press(PGDN)
    k.wait_for(order[page])
    assert [r[0] for r in su.list_rows(k)] == order[page:2 * page], k.dump()
    k.wait_for(T('Newer requests (Page Up)', 'en'))
    k.press(PGDN)
    k.wait_for(order[2 * page])
    assert [r[0] for r in su.list_rows(k)] == order[2 * page:3 * page], k.dump()

    k.press(PGUP)
    k.wait_for(order[page])
    k.press(PGUP)
    k.wait_for(order[0])
    assert [r[0] for r in su.list_rows(k)] == order[:page], k.dump()
    assert not k.contains(T('Newer requests (Page Up)', 'en'))

    # / finds a name that is on no page near the top.
    k.press('/')
    k.wait_for(T('Search for a name, phone number, e-mail address or reference:', 'en'))
    k.send('Zoekbaar\r')
    k.wait_for('Wilma Zoekbaar')
    assert [r[0] for r in su.list_rows(k)] == ['MZ-2023-0001'], k.dump()
    k.press('c')
    k.wait_for(order[0])

    # s cycles the status filter: new, contacted, ..., then all again.
    labels = {'new': 'new', 'contacted': 'contacted', 'referred': 'referred', 'closed': 'closed',
              'unreachable': 'not reachable'}
    for status in ('new', 'contacted', 'referred', 'closed', 'unreachable'):
        k.press('s')
        k.wait_for('Status: %s |' % labels[status])
        want = [r[0] for r in su.sql(db, 'SELECT ref FROM intake WHERE status = ?'
                                     ' ORDER BY created_at DESC, id DESC LIMIT ?', (status, page))]
        k.wait_until(lambda: [r[0] for r in su.list_rows(k)] == want,
                     'status filter %s: the list is not %r' % (status, want))
        assert {r[3] for r in su.list_rows(k)} == {labels[status]}
    k.press('s')
    k.wait_for('Status: %s |' % T('all', 'en'))
    assert [r[0] for r in su.list_rows(k)] == order[:page]


def test_audit_records_view_status_note_export(kiosk, tmp_path, forms):
    db = tmp_path / 'zk.db'
    su.create_db(db)
    ref = 'MZ-2026-0003'
    su.insert_request(db, ref, '2026-04-02T10:00:00Z', su.answers('Audit Persoon'))

    k = su.staff_terminal(kiosk, db)
    k.wait_for(ref)
    k.send(ENTER)
    k.wait_for('Received')
    set_status(k, 'referred')
    k.wait_for(T('The status is now: %s', 'en') % 'referred')
    k.send(su.key_of(k, T('Add a note', 'en')))
    k.wait_for(T('Note (it is kept with your name):', 'en'))
    k.send('Doorverwezen naar Wmo')
    k.wait_for('Doorverwezen naar Wmo')
    k.send(CTRL_S)
    k.wait_for(T('The note has been saved.', 'en'))
    k.send('0')  # Back to the list
    k.wait_for(T('Requests for contact', 'en'))
    k.send('j')
    path = su.wait_export(k, 'json')
    assert k.contains('Exported 1 request')
    with open(path, encoding='utf-8') as fh:
        exported = json.load(fh)
    assert [(e['ref'], e['status']) for e in exported] == [(ref, 'referred')]
    k.send('q')
    assert k.proc.wait(timeout=10) == 0

    r = su.zk(['audit'], db=db)
    assert r.returncode == 0, su.err(r)
    lines = [l.split('\t') for l in su.out(r).splitlines()]
    assert all(len(l) == 7 for l in lines), su.out(r)
    actions = [(l[1], l[2], l[3]) for l in lines]
    for want in [(LOGIN, 'view', ref), (LOGIN, 'status', ref), (LOGIN, 'note', ref), (LOGIN, 'export', '')]:
        assert want in actions, 'no audit row %r in:\n%s' % (want, su.out(r))
    assert [a[1] for a in actions] == ['view', 'status', 'note', 'export'], su.out(r)
    assert re.match(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$', lines[0][0])
    assert 'referred' in lines[1][4]

    # Nothing changes or removes audit rows, not even straight SQL.
    con = sqlite3.connect(str(db), timeout=5)
    try:
        with pytest.raises(sqlite3.DatabaseError, match='never changed'):
            con.execute("UPDATE audit SET staff = 'someone-else'")
        with pytest.raises(sqlite3.DatabaseError, match='never deleted'):
            con.execute('DELETE FROM audit')
        con.rollback()
    finally:
        con.close()
    assert len(su.sql(db, 'SELECT * FROM audit WHERE staff = ?', (LOGIN,))) == len(lines)


def test_language_help_and_80x24(kiosk, tmp_path, forms):
    db = tmp_path / 'zk.db'
    su.create_db(db)
    for i in range(30):
        su.insert_request(db, 'MZ-2026-%04d' % (i + 1), '2026-05-%02dT10:00:00Z' % (i % 28 + 1),
                          su.answers('Persoon Nummer%02d' % i))
    k = su.staff_terminal(kiosk, db, lang='en', cols=80, rows=24)

    # 80x24: a full page of rows, the way on, the keys and the key bar.
    k.wait_for(T('Older requests (Page Down)', 'en'), 'q quit', '?/F1 %s  L/F2 Nederlands' % T('Help', 'en'))
    rows = su.list_rows(k)
    assert len(rows) == 16, k.dump()
    assert all(re.match(r'\d{4}-\d\d-\d\d$', r[1]) and r[2].startswith('Persoon') and r[3] == 'new'
               for r in rows), k.dump()
    lines = k.text()
    assert all(len(l) <= 80 for l in lines)
    assert [l for l in lines if '\u25b6' in l][0].split()[1] == rows[0][0], k.dump()

    # F1: the help of the list; Esc closes it.
    k.press(F1)
    k.wait_for(T('Help', 'en'), 'newest first')
    k.esc()
    k.wait_for(T('Requests for contact', 'en'), rows[0][0])
    k.wait_gone('newest first')

    # F2: Dutch. Every fixed text of the list has to switch, not just the
    # key bar and the option titles from the forms.
    english = {
        'title': T('Requests for contact', 'en'),
        'column header': 'Reference',
        'filter line': 'Status: all | Option: all',
        'status "new"': ' new ',
        'way on': T('Older requests (Page Down)', 'en'),
        'keys': '/ search',
    }
    k.press(F2)
    k.wait_for('?/F1 %s  L/F2 English' % T('Help', 'nl'))
    still = [what for what, text in english.items() if k.contains(text)]
    assert not still, ('after F2 the staff list is still in English here: %s\n%s'
                       % (', '.join(still), k.dump()))
    k.press(F2)
    k.wait_for('?/F1 %s  L/F2 Nederlands' % T('Help', 'en'), *english.values())

    # Still usable at 80x24: Enter opens the focused request.
    k.send(ENTER)
    k.wait_for('Received')
    k.wait_match(r'^\s*' + re.escape(rows[0][0]) + r'\s*$')


def test_search_finds_a_dutch_number_however_written(kiosk, tmp_path):
    """06 1234 5678 finds the number stored as +31612345678, and
    +31 20 123 4567 the one stored as 0201234567."""
    db = tmp_path / 'zk.db'
    su.create_db(db)
    su.insert_request(db, 'MZ-2026-0001', '2026-03-01T10:00:00Z', su.answers('Intl Nummer', phone='+31612345678'))
    su.insert_request(db, 'MZ-2026-0002', '2026-03-02T10:00:00Z', su.answers('Nationaal Nummer', phone='0201234567'))
    su.insert_request(db, 'MZ-2026-0003', '2026-03-03T10:00:00Z', su.answers('Ander Nummer', phone='0687654321'))
    k = su.staff_terminal(kiosk, db)
    k.wait_for('MZ-2026-0003')
    last = ''
    for query, want in (('06 1234 5678', 'MZ-2026-0001'), ('+31 20 123 4567', 'MZ-2026-0002'),
                        ('0031 6 1234', 'MZ-2026-0001'), ('(020) 123', 'MZ-2026-0002')):
        k.press('/')
        k.wait_for(T('Search for a name, phone number, e-mail address or reference:', 'en'))
        su.type_line(k, len(last), query)
        last = query
        k.wait_for('Search: %s' % query)
        k.wait_until(lambda: [r[0] for r in su.list_rows(k)] == [want], '%s finds only %s' % (query, want))
