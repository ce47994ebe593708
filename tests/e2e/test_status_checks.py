"""zorgkiosk status beyond backups: the audit chain, the free space where
the database is, and the print queue when a printer is set; the worst
finding is the first line, with the exit status to match."""
import os
import re
import sqlite3
import subprocess

import pytest

import staffutil as su
from test_backup import keypair, site, stamp, zk


def prepared(tmp_path, db=None, **settings):
    """A database with two audit records and a fresh backup; the site's
    environment."""
    key, pub = keypair(tmp_path)
    db = db or tmp_path / 'zk.db'
    su.create_db(db)
    for _ in range(2):
        assert su.zk(['export', '--format', 'csv'], db=db).returncode == 0
    folder = tmp_path / 'backups'
    folder.mkdir(mode=0o700)
    (folder / stamp(0)).write_bytes(b'age-encryption.org/v1\n')
    return db, site(tmp_path, db, backup_recipient=pub, backup_folder=str(folder), **settings)


def test_status_names_a_broken_audit_chain(tmp_path):
    db, env = prepared(tmp_path)
    r = zk(['status'], env)
    assert any(l.startswith('audit: 2 records chained, last hash ') for l in r.stdout.splitlines()), r.stdout
    con = sqlite3.connect(str(db))
    con.executescript("DROP TRIGGER audit_keep_update; UPDATE audit SET staff = 'someone' WHERE id = 2;")
    con.close()
    r = zk(['status'], env)
    assert r.returncode == 2, r.stdout + r.stderr
    assert r.stdout.startswith('CRITICAL - the audit chain is broken at record 2\n'), r.stdout
    assert 'audit: chain broken, record 2 was changed or moved' in r.stdout


def test_status_reports_free_disk_space(tmp_path):
    if os.geteuid() != 0:
        pytest.skip('needs root: mounting a small file system')
    mnt = tmp_path / 'tmpfs'
    mnt.mkdir()
    subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=8m,mode=0700', 'zk-test', str(mnt)], check=True)
    try:
        db, env = prepared(tmp_path, db=mnt / 'zk.db')
        # 8 MiB is less than 1 GiB: a warning, though most of it is free.
        r = zk(['status'], env)
        assert r.returncode == 1, r.stdout + r.stderr
        assert r.stdout.startswith('WARNING - little disk space: '), r.stdout
        assert any(l.startswith('disk: ') and 'MiB free' in l for l in r.stdout.splitlines()), r.stdout
        # Filled up to about 100 KiB (1%): critical (zorgkiosk itself
        # then refuses to open the database, keeping room for a submit).
        st = os.statvfs(str(mnt))
        with open(mnt / 'filler', 'wb') as f:
            f.write(b'\1' * (st.f_bavail * st.f_frsize - 100 * 1024))
        r = zk(['status'], env)
        assert r.returncode == 2, r.stdout + r.stderr
        assert r.stdout.startswith('CRITICAL - '), r.stdout
        assert re.search(r'^disk: 0 MiB free \([01]%\) where the database is$', r.stdout, re.M), r.stdout
    finally:
        subprocess.run(['umount', '-l', str(mnt)], check=False)


def test_status_on_a_roomy_disk_without_printer_is_ok(tmp_path):
    db, env = prepared(tmp_path)
    st = os.statvfs(str(tmp_path))
    if st.f_bavail * st.f_frsize < 2 << 30 or st.f_bavail * 100 // st.f_blocks < 12:
        pytest.skip('the test folder is on a nearly full disk')
    r = zk(['status'], env)
    assert r.returncode == 0 and r.stdout.startswith('OK - '), r.stdout
    assert 'printer' not in r.stdout


def test_status_says_when_the_printer_cannot_be_reached(tmp_path):
    # Port 9 (discard) on this host: nothing listens, the connection is refused.
    db, env = prepared(tmp_path, printer='zk-nowhere', print_server='127.0.0.1:9')
    r = zk(['status'], env)
    assert r.returncode == 2, r.stdout + r.stderr
    assert r.stdout.startswith('CRITICAL - the printer zk-nowhere cannot be reached\n'), r.stdout
    assert 'printer: zk-nowhere cannot be reached' in r.stdout
