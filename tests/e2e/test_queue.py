"""The work queue of a team in the staff terminal: a request assigned to
a staff member (to me, to another staff login, to nobody), a day to call
back (a wrong date refused), history and audit in the real SQLite file,
and the staff list's views mine, not assigned and overdue (key a)."""
import datetime
import json
import pwd
import sqlite3

import pytest

from zkharness import ENTER, PGDN, T, flat
import staffutil as su
from staffutil import LOGIN

# A second staff login that exists on every host; a staff group that does
# not, so that the choice holds exactly these two.
OTHER = 'nobody'
STAFF_ARGS = ['--staff-users', LOGIN + ',' + OTHER, '--staff-group', 'zk-test-no-such-group']


def full_name(login):
    return pwd.getpwnam(login).pw_gecos.split(',')[0] or login


def open_first(kiosk, db, lang='en'):
    k = su.staff_terminal(kiosk, db, lang=lang, rows=50, args=STAFF_ARGS)
    k.send(ENTER)
    k.wait_for(T('History', lang))
    return k


def history(msgid, lang, *values):
    """A history line after its date, time and login, e.g. ": assigned to X"."""
    return flat(T(msgid, lang).split('%s', 1)[1] % values)


def on_screen(k):
    return flat(' '.join(l.strip() for l in k.text()))


def test_assign_to_me_to_another_and_to_nobody(kiosk, tmp_path):
    db = tmp_path / 'zk.db'
    su.create_db(db)
    iid = su.insert_request(db, 'MZ-2026-0001', '2026-04-02T10:00:00Z', su.answers('Wachtrij Persoon'))
    k = open_first(kiosk, db)
    k.wait_for(T('Assigned to: %s', 'en') % T('nobody', 'en'))

    k.send(su.key_of(k, T('Assign to me', 'en')))
    k.wait_for(T('Assigned to %s.', 'en') % full_name(LOGIN))
    k.wait_for(T('Assigned to: %s', 'en') % full_name(LOGIN))
    assert su.sql(db, 'SELECT assignee FROM intake WHERE id = ?', (iid,)) == [(LOGIN,)]

    # Assign to...: the staff logins by name, never the kiosk account.
    k.send(su.key_of(k, T('Assign to...', 'en')))
    k.wait_for(T('Assign to whom?', 'en'))
    seen = on_screen(k)
    assert full_name(OTHER) in seen and full_name(LOGIN) in seen, k.dump()
    assert 'zorgkiosk' not in seen.replace('MZ-', ''), k.dump()
    k.send(su.key_of(k, full_name(OTHER)))
    k.wait_for(T('Assigned to %s.', 'en') % full_name(OTHER))
    assert su.sql(db, 'SELECT assignee FROM intake WHERE id = ?', (iid,)) == [(OTHER,)]

    k.send(su.key_of(k, T('Not assigned', 'en')))
    k.wait_for(T('Nobody is assigned to this request now.', 'en'))
    assert su.sql(db, 'SELECT assignee FROM intake WHERE id = ?', (iid,)) == [(None,)]

    # The history says each change, by whom; so does the audit.
    ev = su.sql(db, 'SELECT staff, assignee FROM event WHERE intake_id = ? ORDER BY id', (iid,))
    assert ev == [(LOGIN, LOGIN), (LOGIN, OTHER), (LOGIN, '')]
    audit = su.sql(db, "SELECT staff, ref, detail FROM audit WHERE action = 'assign' ORDER BY id")
    assert audit == [(LOGIN, 'MZ-2026-0001', '- -> ' + LOGIN),
                     (LOGIN, 'MZ-2026-0001', LOGIN + ' -> ' + OTHER),
                     (LOGIN, 'MZ-2026-0001', OTHER + ' -> -')]
    seen = on_screen(k)
    for who in (LOGIN, OTHER):
        assert LOGIN + history('%.10s %.5s %s: assigned to %s', 'en', full_name(who)) in seen, k.dump()
    assert LOGIN + history('%.10s %.5s %s: not assigned any more', 'en') in seen, k.dump()

    # The JSON export carries the assignee and the history, oldest first.
    k.send(su.key_of(k, T('Assign to me', 'en')))
    k.wait_for(T('Assigned to %s.', 'en') % full_name(LOGIN))
    r = su.zk(['export', '--format', 'json'], db=db)
    assert r.returncode == 0, su.err(r)
    o, = json.loads(su.out(r))
    assert o['assignee'] == LOGIN and o['callback'] is None
    assert [(h['what'], h['staff'], h.get('assignee')) for h in o['history']] == [
        ('assign', LOGIN, LOGIN), ('assign', LOGIN, OTHER), ('assign', LOGIN, None), ('assign', LOGIN, LOGIN)]


def test_call_back_day_wrong_date_refused_then_saved(kiosk, tmp_path):
    db = tmp_path / 'zk.db'
    su.create_db(db)
    iid = su.insert_request(db, 'MZ-2026-0002', '2026-04-02T10:00:00Z', su.answers('Terugbel Persoon'))
    k = open_first(kiosk, db, lang='nl')
    key = su.key_of(k, T('Call back on...', 'nl'))
    k.send(key)
    k.wait_for(T('Call back on which day (YYYY-MM-DD)? Empty: none.', 'nl')[:30])
    su.type_line(k, 0, '2026-02-30')
    k.wait_for(T('Please write a date as YYYY-MM-DD, e.g. 2026-11-24.', 'nl')[:40])
    assert su.sql(db, 'SELECT callback FROM intake WHERE id = ?', (iid,)) == [(None,)]
    assert su.sql(db, "SELECT count(*) FROM audit WHERE action = 'callback'") == [(0,)]

    k.send(key)
    k.wait_for(T('Call back on which day (YYYY-MM-DD)? Empty: none.', 'nl')[:30])
    su.type_line(k, 0, '2026-05-04')
    k.wait_for(T('The call back day has been saved.', 'nl'))
    k.wait_for(T('Call back on: %s', 'nl') % '2026-05-04')
    assert su.sql(db, 'SELECT callback FROM intake WHERE id = ?', (iid,)) == [('2026-05-04',)]
    assert su.sql(db, 'SELECT staff, callback FROM event WHERE intake_id = ?', (iid,)) == [(LOGIN, '2026-05-04')]
    assert su.sql(db, "SELECT staff, detail FROM audit WHERE action = 'callback'") == [(LOGIN, '- -> 2026-05-04')]
    assert LOGIN + history('%.10s %.5s %s: call back on %s', 'nl', '2026-05-04') in on_screen(k), k.dump()

    # A note and a status change beside it, in the JSON history.
    con = sqlite3.connect(str(db))
    with con:
        con.execute("INSERT INTO event (intake_id, at, staff, note) VALUES (?, '2026-05-05T09:00:00Z', ?, 'Gebeld')",
                    (iid, LOGIN))
        con.execute("INSERT INTO event (intake_id, at, staff, old_status, new_status)"
                    " VALUES (?, '2026-05-05T09:01:00Z', ?, 'new', 'contacted')", (iid, LOGIN))
    con.close()
    r = su.zk(['export', '--format', 'json'], db=db)
    o, = json.loads(su.out(r))
    assert o['callback'] == '2026-05-04'
    assert [{k: v for k, v in h.items() if k not in ('at', 'staff')} for h in o['history']] == [
        {'what': 'callback', 'callback': '2026-05-04'}, {'what': 'note', 'note': 'Gebeld'},
        {'what': 'status', 'old_status': 'new', 'new_status': 'contacted'}]


def test_views_mine_not_assigned_overdue(kiosk, tmp_path):
    db = tmp_path / 'zk.db'
    su.create_db(db)
    refs = {}
    for n, (name, assignee, callback, status) in enumerate([
            ('Mijn Aanvraag', LOGIN, '2999-01-01', 'new'),
            ('Andermans Vraag', OTHER, '2020-01-01', 'new'),
            ('Vrije Aanvraag', None, None, 'new'),
            ('Late Aanvraag', None, '2020-01-01', 'contacted'),
            ('Dichte Aanvraag', None, '2020-01-01', 'closed')], 1):
        ref = 'MZ-2026-%04d' % n
        # Made within the last days: none is open longer than overdue_days.
        made = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=10 - n)
        iid = su.insert_request(db, ref, made.strftime('%Y-%m-%dT%H:%M:%SZ'), su.answers(name), status=status)
        con = sqlite3.connect(str(db))
        with con:
            con.execute('UPDATE intake SET assignee = ?, callback = ? WHERE id = ?', (assignee, callback, iid))
        con.close()
        refs[name] = ref
    k = su.staff_terminal(kiosk, db, args=STAFF_ARGS)
    k.wait_for(refs['Mijn Aanvraag'])
    rows = {r[2]: r for r in su.list_rows(k, assigned=True)}
    assert len(rows) == 5, k.dump()
    # The assignee's login, short, in its column at 80 columns.
    assert rows['Mijn Aanvraag'][4] == LOGIN[:5] and rows['Andermans Vraag'][4] == OTHER[:5], k.dump()
    assert rows['Vrije Aanvraag'][4] == '', k.dump()

    def view(label, names):
        k.press('a')
        k.wait_for(T('View: %s', 'en') % T(label, 'en'))
        k.wait_until(lambda: sorted(r[2] for r in su.list_rows(k)) == sorted(names),
                     'view %s shows %s' % (label, names))

    view('mine', ['Mijn Aanvraag'])
    view('not assigned', ['Vrije Aanvraag', 'Late Aanvraag', 'Dichte Aanvraag'])
    # A call back day before today; not the closed request, not a day to come.
    view('overdue', ['Andermans Vraag', 'Late Aanvraag'])
    k.press('a')
    k.wait_until(lambda: len(su.list_rows(k)) == 5 and not k.contains(T('View: %s', 'en') % ''),
                 'all requests again')


def test_record_page_shows_the_staff_labels(kiosk, tmp_path, forms):
    """Staff read "Naam" and "Telefoon", not the visitor's "Uw naam": the
    form's staff_label of each field that has one."""
    db = tmp_path / 'zk.db'
    su.create_db(db)
    su.insert_request(db, 'MZ-2026-0003', '2026-04-02T10:00:00Z', su.answers('Label Persoon'))
    k = open_first(kiosk, db, lang='nl')
    k.wait_for('Label Persoon')
    seen = [l.strip() for l in k.text()]
    with_staff = [f for f in forms.fields if 'staff_label' in f]
    assert {f['id'] for f in with_staff} >= {'name', 'phone'}
    for f in with_staff:
        if f['id'] in su.answers('x'):
            assert f['staff_label']['nl'] in seen, k.dump()
            assert f['label']['nl'] not in seen, k.dump()


def test_schema_9_migrates_and_the_step_can_run_again(tmp_path):
    """A file of schema 9 gains the queue's columns; a file that has them
    already (a step run again) keeps its assignments."""
    db = tmp_path / 'zk.db'
    su.create_db(db)
    su.insert_request(db, 'MZ-2026-0004', '2026-04-02T10:00:00Z', su.answers('Oude Aanvraag'))
    con = sqlite3.connect(str(db))
    con.executescript('DROP INDEX intake_assignee; DROP INDEX intake_callback;'
                      ' ALTER TABLE intake DROP COLUMN assignee; ALTER TABLE intake DROP COLUMN callback;'
                      ' ALTER TABLE event DROP COLUMN assignee; ALTER TABLE event DROP COLUMN callback;'
                      ' PRAGMA user_version = 9;')
    con.close()
    r = su.zk(['migrate'], db=db, staff=False)
    assert r.returncode == 0, su.err(r)
    assert su.sql(db, 'PRAGMA user_version')[0][0] >= 10
    assert su.sql(db, 'SELECT assignee, callback FROM intake') == [(None, None)]
    con = sqlite3.connect(str(db))
    con.executescript("UPDATE intake SET assignee = 'nobody', callback = '2026-05-01'; PRAGMA user_version = 9;")
    con.close()
    r = su.zk(['migrate'], db=db, staff=False)
    assert r.returncode == 0, su.err(r)
    assert su.sql(db, 'SELECT assignee, callback FROM intake') == [('nobody', '2026-05-01')]


def test_workbook_has_a_history_sheet_in_words(tmp_path):
    """The workbook's second sheet: what staff did, a row each, in words
    (status names, the assignee's full name), in the export's language."""
    openpyxl = pytest.importorskip('openpyxl')
    (tmp_path / 'data').mkdir()
    db = tmp_path / 'data' / 'zk.db'
    su.create_db(db)
    iid = su.insert_request(db, 'MZ-2026-0005', '2026-04-02T10:00:00Z', su.answers('Blad Persoon'))
    con = sqlite3.connect(str(db))
    with con:
        for at, cols, vals in [('2026-04-03T09:00:00Z', 'old_status, new_status', ('new', 'unreachable')),
                               ('2026-04-03T09:01:00Z', 'note', ('Twee\nregels',)),
                               ('2026-04-03T09:02:00Z', 'assignee', (OTHER,)),
                               ('2026-04-03T09:03:00Z', 'callback', ('2026-04-10',))]:
            con.execute('INSERT INTO event (intake_id, at, staff, %s) VALUES (?, ?, ?%s)'
                        % (cols, ', ?' * len(vals)), (iid, at, LOGIN) + vals)
    con.close()
    path = tmp_path / 'out.xlsx'
    r = su.zk(['export', '--format', 'xlsx', '--lang', 'nl', '-o', str(path)], db=db)
    assert r.returncode == 0, su.err(r)
    ws = openpyxl.load_workbook(path)[T('History', 'nl')]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == [T(t, 'nl') for t in ('Reference', 'Date', 'Staff', 'What', 'Details')]
    assert [(r[0], r[2], r[3], r[4]) for r in rows[1:]] == [
        ('MZ-2026-0005', LOGIN, T('Status', 'nl'), '%s -> %s' % (T('new', 'nl'), T('not reachable', 'nl'))),
        ('MZ-2026-0005', LOGIN, T('Note', 'nl'), 'Twee\nregels'),
        ('MZ-2026-0005', LOGIN, T('Assigned to', 'nl'), full_name(OTHER)),
        ('MZ-2026-0005', LOGIN, T('Call back', 'nl'), '2026-04-10')]


def test_a_view_keeps_the_list_on_screen_at_80x24(kiosk, tmp_path):
    """In Dutch, with a long location filtered too and a page in the
    middle: the view has a line of its own, and the way on both ways and
    the keys still show, every line within 80 columns."""
    db = tmp_path / 'zk.db'
    su.create_db(db)
    place = 'Huisartsenpraktijk De Lange Voorhout'
    for i in range(60):
        su.insert_request(db, 'MZ-2026-%04d' % (i + 1), '2026-03-01T10:%02d:00Z' % i, su.answers('Persoon %d' % i))
    con = sqlite3.connect(str(db))
    with con:
        con.execute('UPDATE intake SET location = ?', (place,))
    con.close()
    k = su.staff_terminal(kiosk, db, lang='nl', args=STAFF_ARGS)
    k.wait_for('MZ-2026-0060')
    k.press('p')
    k.press('a')
    k.press('a')
    k.wait_for(T('View: %s', 'nl') % T('not assigned', 'nl'))
    k.press(PGDN)
    k.wait_for(T('Newer requests (Page Up)', 'nl'), T('Older requests (Page Down)', 'nl'), 'q stop')
    assert all(len(l) <= 80 for l in k.text())
    assert sum(1 for l in k.text() if 'MZ-2026-' in l) >= 10, k.dump()


def test_the_kiosk_account_is_never_offered(kiosk, tmp_path):
    """Named among the staff logins or not, the site's kiosk account is
    never someone a request can be assigned to."""
    import os
    import zkharness
    db = tmp_path / 'zk.db'
    su.create_db(db)
    su.insert_request(db, 'MZ-2026-0006', '2026-04-02T10:00:00Z', su.answers('Kiosk Persoon'))
    conf = zkharness.write_site(str(tmp_path / 'site.conf'), database=str(db),
                                forms=os.path.join(zkharness.ROOT, 'forms'),
                                staff_users=[LOGIN, OTHER, 'daemon'], staff_group='zk-test-no-such-group',
                                kiosk_user='daemon', export_folder=str(tmp_path / 'site-exports'))
    k = kiosk(cols=80, rows=50, db=str(db), wait=False, LSAN_OPTIONS=su.LSAN,
              args=['staff', '--lang', 'en'], ZK_TEST_CONF=conf)
    k.wait_for('MZ-2026-0006', timeout=20)
    k.send(ENTER)
    k.wait_for(T('History', 'en'))
    k.send(su.key_of(k, T('Assign to...', 'en')))
    k.wait_for(T('Assign to whom?', 'en'))
    names = [l.strip() for l in k.text()]
    start = names.index(T('Assign to whom?', 'en'))
    offered = [l for l in names[start + 1:] if l and T('Cancel', 'en') not in l]
    assert any(full_name(OTHER) in l for l in offered), k.dump()
    assert not any(full_name('daemon') in l or 'daemon' in l for l in offered), k.dump()
