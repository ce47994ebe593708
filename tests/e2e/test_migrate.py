"""zorgkiosk migrate: opens the database, creating it or upgrading its
schema, and shows no data, so it needs no staff (the Debian package runs it
as the kiosk account after an upgrade)."""
import os
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
    assert su.out(r) == T('%s: the database is at schema version %d.\n', 'nl') % (db, version)
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
