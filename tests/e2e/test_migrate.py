"""zorgkiosk migrate: opens the database, creating it or upgrading its
schema, and shows no data, so it needs no staff (the Debian package runs it
as the kiosk account after an upgrade)."""
import os
import re
import sqlite3

import staffutil as su
from zkharness import T


def test_migrate_creates_and_reports_the_schema(tmp_path):
    db = tmp_path / 'zk.db'
    r = su.zk(['migrate'], db=db, staff=False)
    assert r.returncode == 0, su.err(r)
    con = sqlite3.connect(str(db))
    try:
        version = con.execute('PRAGMA user_version').fetchone()[0]
    finally:
        con.close()
    assert version > 0
    assert su.out(r).startswith(T('%s: the database is at schema version %d.\n', 'nl') % (db, version)), su.out(r)
    # Again on the same file: nothing to do, the same answer.
    r = su.zk(['migrate'], db=db, staff=False)
    assert r.returncode == 0 and str(version) in su.out(r)


def test_migrate_leaves_a_foreign_file_alone(tmp_path):
    db = tmp_path / 'notes.db'
    db.write_bytes(b'not a database\n' * 100)
    r = su.zk(['migrate'], db=db, staff=False)
    assert r.returncode == 1
    assert su.out(r) == ''
    assert db.read_bytes() == b'not a database\n' * 100
    assert not os.path.exists(str(db) + '-wal')


def test_migrate_makes_the_staff_search_index_at_upgrade_time(tmp_path, forms):
    """Requests stored before the index existed (an upgrade): migrate, which
    the package runs after an upgrade, fills the index then, so the first
    member of staff does not wait at an empty list."""
    db = tmp_path / 'zk.db'
    su.create_db(db)
    for i in range(3):
        su.insert_request(db, 'MZ-2026-%04d' % (i + 1), '2026-04-0%d 10:00:00' % (i + 1),
                          su.answers('Öztürk Nummer%d' % i))
    fields = [f['id'] for f in forms.fields if f['type'] in ('text', 'phone', 'email')]
    assert su.sql(db, 'SELECT count(*) FROM search_field WHERE todo = 0')[0][0] == 0, 'indexed before migrate'
    r = su.zk(['migrate'], db=db, staff=False)
    assert r.returncode == 0, su.err(r)
    assert T(' ready.\n', 'nl') in su.out(r), su.out(r)
    done = {row[0] for row in su.sql(db, 'SELECT field FROM search_field WHERE todo = 0')}
    assert done == set(fields), (done, fields)
    folded = [row[0] for row in su.sql(db, "SELECT folded FROM search_text WHERE field = 'name'")]
    assert len(folded) == 3 and all(f.lower().startswith('ozturk nummer') for f in folded), folded


def test_migrate_says_how_far_it_is_and_makes_the_options_index(tmp_path, forms):
    """A big upgrade (many batches of the search index) says how far it is
    on the line of "Preparing the staff search...", and makes the index of
    the options answers as well: the first staff list then has nothing
    left to build."""
    db = tmp_path / 'zk.db'
    su.create_db(db)
    su.fill(db, 12000)
    assert not su.sql(db, "SELECT name FROM sqlite_schema WHERE name = 'answer_stats'")
    r = su.zk(['migrate'], db=db, staff=False)
    assert r.returncode == 0, su.err(r)
    line = next(l for l in su.out(r).splitlines() if l.startswith(T('Preparing the staff search...', 'nl')))
    tenths = [int(p) for p in re.findall(r' (\d+)%', line)]
    assert tenths and tenths == sorted(set(tenths)) and all(0 < t < 100 for t in tenths), line
    assert line.endswith(T(' ready.\n', 'nl').strip()), line
    options = [f['id'] for f in forms.fields if f['type'] == 'options'][-1]
    sql = su.sql(db, "SELECT sql FROM sqlite_schema WHERE name = 'answer_stats'")
    assert sql and "'%s'" % options in sql[0][0], sql
