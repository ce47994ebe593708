"""The audit's hash chain: `zorgkiosk audit --verify` finds a record
changed, removed or moved in the file (the triggers that refuse updates and
deletes dropped first, as someone with write access to the file could), and
an untouched audit verifies. Records written before the chain are chained
when the file is upgraded."""
import re
import sqlite3

import staffutil as su
from staffutil import LOGIN


def audited_db(tmp_path, n=5):
    """A database with n audit records, each from an export."""
    db = tmp_path / 'zk.db'
    su.create_db(db)
    su.fill(db, 3)
    for _ in range(n):
        r = su.zk(['export', '--format', 'csv'], db=db)
        assert r.returncode == 0, su.err(r)
    assert su.sql(db, 'SELECT count(*) FROM audit')[0][0] == n
    return db


def tamper(db, *statements):
    con = sqlite3.connect(str(db))
    con.executescript('DROP TRIGGER audit_keep_update; DROP TRIGGER audit_keep_delete;' + ';'.join(statements))
    con.commit()
    con.close()


def verify(db):
    r = su.zk(['audit', '--verify', '--lang', 'en'], db=db)
    return r.returncode, su.out(r) + su.err(r)


def test_untouched_audit_verifies(tmp_path):
    db = audited_db(tmp_path)
    code, out = verify(db)
    assert code == 0, out
    head = su.sql(db, 'SELECT hash FROM audit ORDER BY id DESC LIMIT 1')[0][0]
    assert re.fullmatch(r'[0-9a-f]{64}', head)
    assert '5 records' in out and head in out, out
    # Each record says who, what, from where and with which result.
    rows = [l.split('\t') for l in su.out(su.zk(['audit'], db=db)).splitlines()]
    assert [(r[1], r[2], r[5], r[6]) for r in rows] == [(LOGIN, 'export', 'local', 'ok')] * 5


def test_changed_record_is_named(tmp_path):
    db = audited_db(tmp_path)
    tamper(db, "UPDATE audit SET detail = 'nothing to see' WHERE id = 3")
    code, out = verify(db)
    assert code == 1 and 'record 3 was changed' in out, out


def test_removed_record_is_named(tmp_path):
    db = audited_db(tmp_path)
    tamper(db, 'DELETE FROM audit WHERE id = 2')
    code, out = verify(db)
    assert code == 1 and 'record 2 was removed' in out, out
    # Also with the ids behind it moved up to close the gap.
    (tmp_path / 'b').mkdir()
    db2 = audited_db(tmp_path / 'b')
    tamper(db2, 'DELETE FROM audit WHERE id = 2', 'UPDATE audit SET id = id - 1 WHERE id > 2')
    code, out = verify(db2)
    assert code == 1 and 'record 2 was changed' in out, out


def test_swapped_records_are_named(tmp_path):
    db = audited_db(tmp_path)
    tamper(db, 'UPDATE audit SET id = 100 WHERE id = 2', 'UPDATE audit SET id = 2 WHERE id = 4',
           'UPDATE audit SET id = 4 WHERE id = 100')
    code, out = verify(db)
    assert code == 1 and 'record 2 was changed or moved' in out, out


def test_records_from_before_the_chain_are_chained(tmp_path):
    db = audited_db(tmp_path, 3)
    # The audit table as schema 9 had it: no origin, result or hash.
    con = sqlite3.connect(str(db))
    con.executescript(
        'DROP TRIGGER audit_keep_update; DROP TRIGGER audit_keep_delete;'
        'CREATE TABLE audit9 (id INTEGER PRIMARY KEY, at TEXT NOT NULL, staff TEXT NOT NULL,'
        ' action TEXT NOT NULL, ref TEXT, detail TEXT);'
        'INSERT INTO audit9 SELECT id, at, staff, action, ref, detail FROM audit;'
        'DROP TABLE audit; ALTER TABLE audit9 RENAME TO audit;'
        "CREATE TRIGGER audit_keep_update BEFORE UPDATE ON audit"
        "  BEGIN SELECT RAISE(ABORT, 'audit rows are never changed'); END;"
        "CREATE TRIGGER audit_keep_delete BEFORE DELETE ON audit"
        "  BEGIN SELECT RAISE(ABORT, 'audit rows are never deleted'); END;"
        'PRAGMA user_version = 9;')
    con.commit()
    con.close()
    code, out = verify(db)
    assert code == 0 and '3 records' in out, out
    assert su.sql(db, 'SELECT count(*) FROM audit WHERE hash IS NULL')[0][0] == 0
    # The triggers are back.
    con = sqlite3.connect(str(db))
    try:
        con.execute("UPDATE audit SET detail = 'x' WHERE id = 1")
        assert False, 'the audit could be changed'
    except sqlite3.DatabaseError as e:
        assert 'never changed' in str(e)
    con.close()
    # New records chain on.
    assert su.zk(['export', '--format', 'csv'], db=db).returncode == 0
    code, out = verify(db)
    assert code == 0 and '4 records' in out, out


def test_writers_at_once_keep_one_chain(tmp_path):
    """Several processes appending together: each reads the last record
    under its own write lock, so the chain never forks."""
    import threading
    db = audited_db(tmp_path, 1)
    results = []

    def export():
        results.append(su.zk(['export', '--format', 'csv'], db=db).returncode)
    threads = [threading.Thread(target=export) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [0] * 8
    code, out = verify(db)
    assert code == 0 and '9 records' in out, out


def test_origin_is_the_ssh_client(tmp_path):
    db = tmp_path / 'zk.db'
    su.create_db(db)
    r = su.zk(['export', '--format', 'csv'], db=db, extra_env={'SSH_CONNECTION': '192.0.2.7 50022 192.0.2.1 22'})
    assert r.returncode == 0, su.err(r)
    # Something else than an address in the variable is not written.
    r = su.zk(['export', '--format', 'csv'], db=db, extra_env={'SSH_CONNECTION': 'evil\tname 1 2 3'})
    assert r.returncode == 0, su.err(r)
    assert su.sql(db, 'SELECT origin FROM audit ORDER BY id') == [('ssh 192.0.2.7',), ('local',)]
