"""Retention per state, under faketime: requests made at the kiosk today,
then `zorgkiosk purge` run as the days pass. Closed requests go after
`retention`, requests no one could reach after `retention_unreachable`
(counted from the day they were marked so), open ones are never removed
but shown to staff as overdue after `overdue_days`; audit records go after
`audit_retention` (at least 3 years) with the chain still sound. Each
removal is checked down to the bytes of every file in the data folder."""
import datetime
import os
import shutil
import sqlite3
import subprocess

import pytest

import staffutil as su
import zkharness
from staffutil import LOGIN
from test_erase import raw_contains

FAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1'
# ASan must be told that it does not come first when libfaketime does.
ASAN = 'detect_leaks=0:abort_on_error=0:halt_on_error=1:verify_asan_link_order=0'

PEOPLE = {  # status: (name, phone, e-mail)
    'closed': ('Afgeslotene Sluitmans', '0611110001', 'sluitmans@example.nl'),
    'unreachable': ('Onbereikbare Nergensveld', '0611110002', 'nergensveld@example.nl'),
    'new': ('Nieuwe Wachtersma', '0611110003', 'wachtersma@example.nl'),
    'contacted': ('Gebelde Bezigheid', '0611110004', 'bezigheid@example.nl'),
}


@pytest.fixture(autouse=True)
def _faketime():
    if not os.path.exists(FAKETIME) or shutil.which('faketime') is None:
        pytest.skip('needs faketime (scripts/install-deps.sh check)')


def site(tmp_path, db, forms, **more):
    settings = dict(database=str(db), forms=forms.dir, staff_users=[LOGIN], retention='12m',
                    retention_unreachable='3m', overdue_days=30, audit_retention='3y')
    settings.update(more)
    return zkharness.write_site(str(tmp_path / 'site.conf'), **settings)


def zk_at(offset, conf, args, lang='en'):
    """zorgkiosk args as staff, offset days from now (faketime)."""
    env = su.env(ZK_TEST_CONF=conf, ASAN_OPTIONS=ASAN)
    argv = ['faketime', '-f', '%+dd' % offset, zkharness.BIN] + list(args) + ['--lang', lang]
    r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, env=env, timeout=120)
    assert not any(m in su.err(r) for m in zkharness.SANITIZER_MARKS), su.err(r)
    return r


def people_db(tmp_path, forms):
    """One request per status, each made at the kiosk today; staff set the
    status today (history row and status as store_status writes them)."""
    db = tmp_path / 'data' / 'zk.db'
    os.makedirs(db.parent)
    su.create_db(db)
    refs = {}
    now = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
    for status, (name, phone, email) in PEOPLE.items():
        ref = su.kiosk_request(db, forms, name, phone=phone)
        refs[status] = ref
        con = sqlite3.connect(str(db), timeout=10)
        with con:
            iid = con.execute('SELECT id FROM intake WHERE ref = ?', (ref,)).fetchone()[0]
            con.execute("INSERT INTO answer (intake_id, field, value) VALUES (?, 'email', ?)", (iid, email))
            if status != 'new':
                con.execute('UPDATE intake SET status = ?, version = version + 1 WHERE id = ?', (status, iid))
                con.execute('INSERT INTO event (intake_id, at, staff, old_status, new_status) VALUES (?, ?, ?, ?, ?)',
                            (iid, now, LOGIN, 'new', status))
        con.close()
    r = su.zk(['migrate'], db=db)  # the staff search index holds the names too
    assert r.returncode == 0, su.err(r)
    return db, refs


def stored(db):
    return {row[0]: row[1] for row in su.sql(db, 'SELECT status, ref FROM intake')}


def gone_from_files(db, status):
    name, phone, email = PEOPLE[status]
    for secret in (name, name.split()[1], phone, phone[1:], email):
        assert raw_contains(db, secret) == [], '%r is still in %s' % (secret, raw_contains(db, secret))


def test_each_state_goes_after_its_own_period(tmp_path, forms):
    db, refs = people_db(tmp_path, forms)
    conf = site(tmp_path, db, forms)
    for status in PEOPLE:
        assert raw_contains(db, PEOPLE[status][0]), 'the test meant the names to be in the files'

    # Two months on: nothing is due; the two open requests are overdue.
    r = zk_at(60, conf, ['purge'])
    assert r.returncode == 0, su.err(r)
    assert set(stored(db)) == set(PEOPLE)
    assert '2 requests are open for more than 30 days' in su.out(r), su.out(r)

    # Three months and a few days after it was marked not reachable: gone,
    # from every byte of the data folder; the others stay.
    r = zk_at(96, conf, ['purge'])
    assert r.returncode == 0, su.err(r)
    assert 'Removed 1 request not reachable since before' in su.out(r), su.out(r)
    assert set(stored(db)) == {'closed', 'new', 'contacted'}
    gone_from_files(db, 'unreachable')
    for status in ('closed', 'new', 'contacted'):
        assert raw_contains(db, PEOPLE[status][0])

    # A year and a few days on: the closed request goes too. The open ones
    # are never removed unseen: kept, and counted as overdue.
    r = zk_at(370, conf, ['purge'])
    assert r.returncode == 0, su.err(r)
    assert 'Removed 1 closed request created before' in su.out(r), su.out(r)
    assert set(stored(db)) == {'new', 'contacted'}
    gone_from_files(db, 'closed')
    assert '2 requests are open for more than 30 days' in su.out(r), su.out(r)
    for status in ('new', 'contacted'):
        assert raw_contains(db, PEOPLE[status][0])
    # The audit holds the purges, without personal data.
    audit = repr(su.sql(db, 'SELECT * FROM audit')).lower()
    for status in PEOPLE:
        for secret in PEOPLE[status]:
            assert secret.lower() not in audit


def test_unreachable_counts_from_the_day_it_was_marked(tmp_path, forms):
    """A request that came in long ago and was marked not reachable only
    now stays for the whole period from now."""
    db, refs = people_db(tmp_path, forms)
    conf = site(tmp_path, db, forms)
    con = sqlite3.connect(str(db), timeout=10)
    with con:
        con.execute("UPDATE intake SET created_at = '2020-01-01T10:00:00Z' WHERE ref = ?", (refs['unreachable'],))
    con.close()
    r = zk_at(80, conf, ['purge'])
    assert r.returncode == 0, su.err(r)
    assert 'unreachable' in stored(db)
    r = zk_at(96, conf, ['purge'])
    assert 'unreachable' not in stored(db)
    gone_from_files(db, 'unreachable')


def test_audit_goes_after_three_years_and_the_chain_still_holds(tmp_path, forms):
    db, refs = people_db(tmp_path, forms)
    conf = site(tmp_path, db, forms)
    # Records of today, then of a year on (the purge's own).
    for args in (['access', refs['new']], ['access', refs['closed']], ['export', '--format', 'json']):
        assert zk_at(0, conf, args).returncode == 0
    assert zk_at(370, conf, ['purge']).returncode == 0
    today = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d')
    before = su.sql(db, 'SELECT id, at FROM audit ORDER BY id')
    of_today = [row for row in before if row[1].startswith(today)]
    assert len(of_today) >= 3 and len(before) > len(of_today)

    # Two years on: the audit stays whole.
    r = zk_at(2 * 365 + 10, conf, ['purge'])
    assert r.returncode == 0, su.err(r)
    assert su.sql(db, 'SELECT min(id) FROM audit') == [(1,)]

    # Three years and a few days on: the records of today go, but the
    # newest of them, which anchors the chain; those of a year on stay.
    r = zk_at(3 * 365 + 10, conf, ['purge'])
    assert r.returncode == 0, su.err(r)
    after = su.sql(db, 'SELECT id, at FROM audit ORDER BY id')
    first = after[0][0]
    assert after[0] == of_today[-1], (after[0], of_today)
    assert [row for row in after if row[1].startswith(today)] == [of_today[-1]]
    assert su.sql(db, 'SELECT first FROM audit_anchor') == [(first,)]
    ids = [row[0] for row in after]
    assert ids == list(range(first, first + len(ids)))
    assert 'Removed %d audit records' % (len(of_today) - 1) in su.out(r), su.out(r)
    r = zk_at(3 * 365 + 10, conf, ['audit', '--verify'])
    assert r.returncode == 0, su.out(r) + su.err(r)
    assert 'Audit chain sound: %d records' % len(after) in su.out(r)

    # Removing more, though the anchor and its hash are set to match, is
    # seen: the new anchor is younger than 3 years.
    con = sqlite3.connect(str(db), timeout=10)
    with con:
        con.execute('DROP TRIGGER audit_keep_delete')
        cut = after[3][0]
        con.execute('UPDATE audit_anchor SET first = ?, prev = (SELECT hash FROM audit WHERE id = ?)', (cut, cut - 1))
        con.execute('DELETE FROM audit WHERE id < ?', (cut,))
    con.close()
    r = zk_at(3 * 365 + 10, conf, ['audit', '--verify'])
    assert r.returncode == 1, su.out(r)
    assert 'record %d was removed' % (cut - 1) in su.out(r), su.out(r)


def test_audit_retention_under_three_years_is_refused(tmp_path, forms):
    db = tmp_path / 'zk.db'
    conf = site(tmp_path, db, forms, audit_retention='30m')
    r = zk_at(0, conf, ['audit'])
    assert r.returncode == 1
    assert 'audit_retention' in su.err(r) and '3y' in su.err(r) and '5.28.01' in su.err(r), su.err(r)
    assert not os.path.exists(db)


def test_overdue_view_shows_open_requests_with_the_reason(kiosk, tmp_path, forms):
    db, refs = people_db(tmp_path, forms)
    conf = site(tmp_path, db, forms)
    # One more with a call back day that has passed.
    con = sqlite3.connect(str(db), timeout=10)
    with con:
        con.execute("UPDATE intake SET callback = '2020-02-02' WHERE ref = ?", (refs['unreachable'],))
    con.close()
    k = kiosk(cols=100, rows=30, db=str(db), wait=False, ZK_TEST_CONF=conf, ASAN_OPTIONS=ASAN,
              LD_PRELOAD=FAKETIME, FAKETIME='+40d', LSAN_OPTIONS=su.LSAN,
              args=['staff', '--lang', 'en'])
    k.wait_for('Requests for contact', timeout=20)
    for _ in range(3):  # all, mine, not assigned, overdue
        k.send('a')
    k.wait_for('View: overdue')
    k.wait_for('Why overdue')
    lines = k.text()
    shown = {ref: next((l for l in lines if ref in l), None) for ref in refs.values()}
    assert 'open > 30 days' in shown[refs['new']], lines
    assert 'open > 30 days' in shown[refs['contacted']], lines
    assert 'call back' in shown[refs['unreachable']], lines
    assert shown[refs['closed']] is None, lines
    # The record page says it too.
    k.send(zkharness.ENTER)
    k.wait_for('Overdue: open for more than 30 days')
    k.send('q')
