"""`zorgkiosk purge` also removes the staff exports older than the site's
export_days (7 by default), in the real home folders of real logins: only
files zorgkiosk made there, never a symlink, never anything else."""
import os
import pwd
import subprocess
import time

import logins as logins_mod
import staffutil as su
from zkharness import BIN, base_env

DAY = 86400


def make_file(folder, name, owner, days_old, mode=0o600, data=b'ref,name\r\n'):
    path = os.path.join(folder, name)
    with open(path, 'wb') as f:
        f.write(data)
    os.chmod(path, mode)
    os.chown(path, owner.pw_uid, owner.pw_gid)
    t = time.time() - days_old * DAY
    os.utime(path, (t, t))
    return path


def export_folder(logins, role):
    pw = pwd.getpwnam(logins.name(role))
    d = os.path.join(pw.pw_dir, 'zorgkiosk-exports')
    os.mkdir(d, 0o700)
    os.chown(d, pw.pw_uid, pw.pw_gid)
    return d, pw


def test_purge_removes_old_exports_and_nothing_else(forms_dir, tmp_path):
    logins = logins_mod.make()
    try:
        db = os.path.join(logins.folder('db'), 'zk.db')
        conf = logins.site(db, forms_dir)
        assert logins.run('staff', [BIN, 'audit'], conf).returncode == 0
        mine, staff = export_folder(logins, 'staff')
        root = pwd.getpwnam('root')
        old = make_file(mine, 'requests-2026-01-01-090000.csv', staff, 8)
        old2 = make_file(mine, 'requests-2026-01-01-090000-2.xlsx', staff, 30)
        young = make_file(mine, 'requests-2026-01-05-090000.json', staff, 6)
        # What zorgkiosk did not make, however old and however named:
        target = make_file(str(tmp_path), 'target.csv', root, 30)
        link = os.path.join(mine, 'requests-2026-01-01-090001.csv')
        os.symlink(target, link)
        os.lchown(link, staff.pw_uid, staff.pw_gid)
        os.utime(link, (time.time() - 30 * DAY,) * 2, follow_symlinks=False)
        foreign = make_file(mine, 'requests-2026-01-01-090002.csv', root, 30)
        shared = make_file(mine, 'requests-2026-01-01-090003.csv', staff, 30, mode=0o644)
        notes = make_file(mine, 'notes.txt', staff, 30)
        linked = make_file(mine, 'requests-2026-01-01-090004.csv', staff, 30)
        os.link(linked, os.path.join(mine, 'requests-2026-01-01-090005.csv'))
        # The kiosk account is in the staff group by mistake: never staff.
        kiosk_dir, kiosk = export_folder(logins, 'kiosk')
        kiosk_file = make_file(kiosk_dir, 'requests-2026-01-01-090000.csv', kiosk, 30)

        # The purge timer's way: root, for every staff login.
        r = subprocess.run([BIN, '--lang', 'en', 'purge'], capture_output=True, timeout=60,
                           env=base_env(ZK_TEST_CONF=conf))
        assert r.returncode == 0, r.stderr
        assert b'Removed 2 staff exports older than 7 days.' in r.stdout, r.stdout
        for gone in (old, old2):
            assert not os.path.lexists(gone)
        for kept in (young, target, link, foreign, shared, notes, linked, kiosk_file):
            assert os.path.lexists(kept), kept
        assert os.path.islink(link) and open(target, 'rb').read() == b'ref,name\r\n'
        assert ('purge-exports', '2 staff exports older than 7 days') in \
            su.sql(db, "SELECT action, detail FROM audit WHERE action = 'purge-exports'")

        # A staff member's own purge: their own exports only.
        mine_old = make_file(mine, 'requests-2026-01-02-090000.csv', staff, 9)
        r = logins.run('staff', [BIN, '--lang', 'en', 'purge'], conf)
        assert r.returncode == 0, r.stderr
        assert b'Removed 1 staff export older than 7 days.' in r.stdout, r.stdout
        assert not os.path.lexists(mine_old) and os.path.lexists(young) and os.path.lexists(kiosk_file)
    finally:
        logins.remove()
