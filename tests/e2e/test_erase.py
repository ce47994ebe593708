"""erase REF: the person behind a reference (all their requests, found by
phone number and e-mail address) erased from every byte of the database
files, the audit keeping that it happened, the number never given again;
and access REF: all that is stored about them, in plain words."""
import datetime
import os
import pty
import select
import sqlite3
import subprocess
import time

import staffutil as su
import zkharness
from staffutil import LOGIN

NAME = 'Zeldzaam Wisbaar'
NOTE = 'Belde terug over Wisbaar zijn dochter'
EMAIL = 'wisbaar.zeldzaam@example.nl'
OTHER = 'Blijvende Bewaarnaam'


def files_of(db):
    folder = os.path.dirname(str(db))
    return [os.path.join(folder, n) for n in os.listdir(folder)]


def raw_contains(db, text):
    """The database files (db, -wal, -shm, ...) that hold text, in any case."""
    hits = []
    for path in files_of(db):
        raw = open(path, 'rb').read().lower()
        if text.lower().encode() in raw:
            hits.append(path)
    return hits


def person_db(tmp_path, forms):
    """Requests through the kiosk: another person's, then two of one
    person (their phone number written two ways); then one stored by other
    means with that number written a third way and an e-mail address, and
    one that shares only that address. Returns db and the references."""
    db = tmp_path / 'data' / 'zk.db'
    os.makedirs(db.parent)
    su.create_db(db)
    other = su.kiosk_request(db, forms, OTHER, phone='0655667788', situation='Verhaal van Bewaarnaam')
    first = su.kiosk_request(db, forms, NAME, phone='06 1122 3344', situation='Geheim verhaal van Wisbaar')
    second = su.kiosk_request(db, forms, NAME, phone='+31 6 11 22 33 44')
    year = int(first[3:7])
    now = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
    third = 'MZ-%d-%04d' % (year, int(second[8:]) + 1)
    fourth = 'MZ-%d-%04d' % (year, int(second[8:]) + 2)
    iid = su.insert_request(db, third, now, su.answers(NAME, phone='06-11223344', email=EMAIL))
    su.insert_request(db, fourth, now, su.answers('Z. Wisbaar', phone='0799999999', email=EMAIL.upper()))
    con = sqlite3.connect(str(db), timeout=10)
    with con:
        con.execute('INSERT INTO event (intake_id, at, staff, old_status, new_status, note)'
                    ' VALUES (?, ?, ?, NULL, NULL, ?)', (iid, now, LOGIN, NOTE))
        con.execute("INSERT INTO event (intake_id, at, staff, old_status, new_status, note)"
                    " VALUES ((SELECT id FROM intake WHERE ref = ?), ?, ?, NULL, NULL, ?)",
                    (other, now, LOGIN, 'Notitie over Bewaarnaam'))
    con.close()
    # The staff search index, as after an upgrade: it holds the names too.
    r = su.zk(['migrate'], db=db)
    assert r.returncode == 0, su.err(r)
    assert su.sql(db, "SELECT count(*) FROM search_text WHERE folded LIKE '%wisbaar%'")[0][0] > 0
    return db, other, [first, second, third, fourth]


def test_erase_leaves_nothing_of_the_person(tmp_path, forms, request):
    db, other, mine = person_db(tmp_path, forms)
    assert raw_contains(db, NAME), 'the test meant the name to be in the files'
    # A connection stays open (as a running kiosk's does): closing the
    # erase's own does not fold the -wal into the file for it.
    keeper = sqlite3.connect(str(db), timeout=10)
    request.addfinalizer(keeper.close)
    assert keeper.execute('SELECT count(*) FROM intake').fetchone() == (5,)

    r = su.zk(['erase', mine[0], '--yes'], db=db)
    assert r.returncode == 0, su.err(r)
    for ref in mine:
        assert ref in su.out(r)
    assert OTHER not in su.out(r) and other not in su.out(r)

    refs = [row[0] for row in su.sql(db, 'SELECT ref FROM intake')]
    assert refs == [other]
    for secret in (NAME, 'Wisbaar', NOTE, EMAIL, '06 1122 3344', '+31 6 11 22 33 44', '+31611223344',
                   '0611223344', '06-11223344', 'Geheim verhaal'):
        assert raw_contains(db, secret) == [], '%r is still in %s' % (secret, raw_contains(db, secret))
    # The other person is all there, and still found by the search.
    assert raw_contains(db, OTHER)
    assert su.sql(db, "SELECT count(*) FROM answer a JOIN intake i ON i.id = a.intake_id"
                  " WHERE i.ref = ? AND a.value = ?", (other, OTHER)) == [(1,)]
    assert su.sql(db, "SELECT count(*) FROM search WHERE search MATCH 'bewaarnaam'") != [(0,)]
    assert su.sql(db, "SELECT count(*) FROM event WHERE note = 'Notitie over Bewaarnaam'") == [(1,)]
    # The audit: that, who and when, by reference only.
    audit = su.sql(db, "SELECT at, staff, ref, detail FROM audit WHERE action = 'erase'")
    assert sorted(a[2] for a in audit) == sorted(mine)
    assert all(a[1] == LOGIN and a[0] for a in audit)
    assert 'wisbaar' not in repr(su.sql(db, 'SELECT * FROM audit')).lower()

    # The next request gets a number never given before.
    new = su.kiosk_request(db, forms, 'Nieuwe Persoon', phone='0612121212')
    assert new not in mine
    assert int(new[8:]) > max(int(ref[8:]) for ref in mine)


def test_erase_without_terminal_or_yes_refuses(tmp_path, forms):
    db, other, mine = person_db(tmp_path, forms)
    before = su.sql(db, 'SELECT ref, field, value FROM intake JOIN answer ON intake_id = intake.id ORDER BY 1, 2')
    r = su.zk(['erase', mine[0]], db=db)
    assert r.returncode != 0
    assert '--yes' in su.err(r)
    after = su.sql(db, 'SELECT ref, field, value FROM intake JOIN answer ON intake_id = intake.id ORDER BY 1, 2')
    assert after == before
    assert su.sql(db, "SELECT count(*) FROM audit WHERE action = 'erase'") == [(0,)]


def test_erase_unknown_reference(tmp_path, forms):
    db, other, mine = person_db(tmp_path, forms)
    r = su.zk(['erase', 'MZ-1999-0001', '--yes'], db=db)
    assert r.returncode == 1 and 'MZ-1999-0001' in su.err(r)
    assert len(su.sql(db, 'SELECT ref FROM intake')) == 5


def test_access_shows_all_of_the_person_and_nothing_else(tmp_path, forms):
    db, other, mine = person_db(tmp_path, forms)
    # Staff read one of them: the access lists that too.
    con = sqlite3.connect(str(db), timeout=10)
    with con:
        con.execute("INSERT INTO audit (at, staff, action, ref, detail) VALUES ('2026-01-02T03:04:05Z', 'lezer', 'view', ?, NULL)",
                    (mine[1],))
        con.execute("INSERT INTO audit (at, staff, action, ref, detail) VALUES ('2026-01-02T03:04:06Z', 'ander', 'view', ?, NULL)",
                    (other,))
    con.close()
    r = su.zk(['access', mine[0], '--lang', 'en'], db=db)
    assert r.returncode == 0, su.err(r)
    text = su.out(r)
    print(text)
    for ref in mine:
        assert ref in text
    for word in (NAME, 'Geheim verhaal van Wisbaar', NOTE, EMAIL, 'Z. Wisbaar', 'lezer',
                 forms.field_label('name', 'en'), forms.field_label('phone', 'en')):
        assert word in text, word
    for word in (OTHER, other, 'Bewaarnaam', 'ander'):
        assert word not in text, word
    # In the user's language, and recorded in the audit.
    assert su.sql(db, "SELECT staff, ref FROM audit WHERE action = 'access'") == [(LOGIN, mine[0])]
    nl = su.out(su.zk(['access', mine[0], '--lang', 'nl'], db=db))
    assert forms.field_label('name', 'nl') in nl and NAME in nl

    out = tmp_path / 'inzage.txt'
    r = su.zk(['access', mine[0], '-o', str(out)], db=db)
    assert r.returncode == 0, su.err(r)
    assert NAME in out.read_text() and su.out(r) == ''
    assert os.stat(out).st_mode & 0o777 == 0o600
    # Never over an existing file.
    r = su.zk(['access', mine[0], '-o', str(out)], db=db)
    assert r.returncode == 1


def erase_on_terminal(db, ref, typed):
    """erase REF on a pseudo-terminal, typing typed at the question;
    returns the exit status and what the terminal showed."""
    argv, run_env = zkharness.site_args([zkharness.BIN, 'erase', ref, '--lang', 'en', '--db', str(db), '--staff-users', LOGIN],
                                        su.env())
    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=run_env, close_fds=True)
    os.close(slave)
    shown, sent = b'', False
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        r, _, _ = select.select([master], [], [], 0.2)
        if r:
            try:
                data = os.read(master, 65536)
            except OSError:
                data = b''
            if not data:
                break
            shown += data
        if not sent and b'Enter' in shown:
            os.write(master, typed.encode() + b'\r')
            sent = True
    proc.wait(timeout=30)
    os.close(master)
    return proc.returncode, shown.decode('utf-8', 'replace')


def test_erase_asks_on_a_terminal(tmp_path, forms):
    db, other, mine = person_db(tmp_path, forms)
    # The question lists the references only, never anyone's data.
    rc, shown = erase_on_terminal(db, mine[0], 'no')
    assert rc == 1 and 'Nothing was erased' in shown, shown
    for ref in mine:
        assert ref in shown
    for word in (NAME, 'Wisbaar', OTHER, other, '0611223344'):
        assert word not in shown, word
    assert len(su.sql(db, 'SELECT ref FROM intake')) == 5
    # Typing the reference again erases.
    rc, shown = erase_on_terminal(db, mine[0], mine[0])
    assert rc == 0, shown
    assert [r[0] for r in su.sql(db, 'SELECT ref FROM intake')] == [other]


def test_staff_terminal_shows_and_saves_the_person_page(kiosk, tmp_path, forms):
    db, other, mine = person_db(tmp_path, forms)
    k = su.staff_terminal(kiosk, db, cols=120, rows=120)
    k.wait_for(mine[3])
    k.send(zkharness.ENTER)  # the newest: the one that shares only the address
    k.wait_for('Received', 'All data of this person')
    k.send(su.key_of(k, 'All data of this person'))
    k.wait_for('All that is stored about the person behind %s' % mine[3], timeout=10)
    su.scroll_to(k, 'Save as a file')
    seen = '\n'.join(k.text())
    for ref in mine:
        k.wait_for(ref)
    for word in (OTHER, other):
        assert word not in seen, word
    assert su.sql(db, "SELECT staff, ref FROM audit WHERE action = 'access'") == [(LOGIN, mine[3])]

    k.send(su.key_of(k, 'Save as a file (to print or send)'))
    k.wait_for('Saved to')
    folder = su.export_folder(k)
    names = [n for n in os.listdir(folder) if n.endswith('.txt')]
    assert len(names) == 1
    text = open(os.path.join(folder, names[0]), encoding='utf-8').read()
    for word in (NAME, NOTE, EMAIL) + tuple(mine):
        assert word in text, word
    assert OTHER not in text and other not in text
    assert os.stat(os.path.join(folder, names[0])).st_mode & 0o777 == 0o600


def test_erase_while_a_reader_holds_the_file_says_so_and_purge_wipes_later(tmp_path, forms, request):
    db, other, mine = person_db(tmp_path, forms)
    # A program in the middle of reading: the -wal cannot be emptied.
    reader = sqlite3.connect(str(db), timeout=10, isolation_level=None)
    request.addfinalizer(reader.close)
    reader.execute('BEGIN')
    assert reader.execute('SELECT count(*) FROM intake').fetchone() == (5,)
    r = su.zk(['erase', mine[0], '--yes', '--lang', 'en'], db=db, timeout=60)
    assert r.returncode == 1, su.err(r)
    assert 'purge' in su.err(r) and 'wiped' in su.err(r)
    assert [row[0] for row in su.sql(db, 'SELECT ref FROM intake')] == [other]
    reader.execute('COMMIT')
    # Once the reader is done, purge (of nothing else) wipes the file.
    r = su.zk(['purge'], db=db)
    assert r.returncode == 0, su.err(r)
    for secret in (NAME, EMAIL, '0611223344'):
        assert raw_contains(db, secret) == [], '%r is still in %s' % (secret, raw_contains(db, secret))
