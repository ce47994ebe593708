"""A refused start changes nothing, so mending the cause is enough: the
kiosk account (a real login, see logins.py) is refused a database at mode
0440 without a file made or changed in its folder; after chmod 660 it
starts and a request sent through the real terminal is in the real file.
SQLite's -wal and -shm that a staff command made belong to the data group,
so the kiosk account can write them.

Makes Unix logins: run with `flock /tmp/zk-logins.lock` (see PREAMBLE)."""
import grp
import os
import stat

import pytest

import logins as logins_mod
import staffutil as su
from rawpty import fill_and_review, to_form
from zkharness import BIN, REF_RE, Kiosk, T, db_intake

LANG = 'nl'
NAME = 'Beheerder Test'
RUNUSER = '/usr/sbin/runuser'
CANNOT_WRITE = 'it cannot be written (file permissions, or a read-only disk)'


@pytest.fixture(scope='module')
def logins():
    l = logins_mod.make()
    yield l
    l.remove()


def listing(folder):
    """Every file in folder: name -> (mode, owner, group, size, mtime in ns)."""
    out = {}
    for name in os.listdir(folder):
        st = os.lstat(os.path.join(folder, name))
        out[name] = (oct(st.st_mode), st.st_uid, st.st_gid, st.st_size, st.st_mtime_ns)
    return out


def as_login(logins, role, conf, tmp_path, argv=()):
    """The kiosk (or argv) as the login, in a real terminal."""
    env = logins.env(role, conf, LSAN_OPTIONS=su.LSAN, ASAN_OPTIONS='abort_on_error=0')
    n = len(list(tmp_path.glob('stderr-*')))
    return Kiosk(['-u', logins.name(role), '--', BIN] + list(argv), binary=RUNUSER, env=env,
                 stderr_path=str(tmp_path / ('stderr-%d.txt' % n)))


def send_as_kiosk(logins, conf, tmp_path, forms, db):
    """The kiosk account's kiosk, a request filled in and sent: its reference,
    read back from the real file."""
    k = as_login(logins, 'kiosk', conf, tmp_path)
    try:
        k.wait_for('1  Nederlands', timeout=20)
        to_form(k, forms, LANG)
        fill_and_review(k, forms, LANG, {'name': NAME, 'phone': '06 12345678'})
        k.send('1')
        k.wait_until(lambda: REF_RE.search('\n'.join(k.text())) or k.contains(T('Try sending again', LANG)),
                     'neither a reference nor a failure', timeout=20)
        screen = k.dump()
        m = REF_RE.search('\n'.join(k.text()))
        assert m, 'the request was not stored:\n%s\nstderr:\n%s' % (screen, k.stderr()[-2000:])
    finally:
        k.close(check=False)
    row, answers = db_intake(db, m.group(0))
    assert row is not None and answers.get('name') == NAME, (row, answers)
    return m.group(0)


def test_database_at_0440_is_refused_without_a_file_changed_and_chmod_660_mends_it(logins, forms_dir, forms,
                                                                                    tmp_path):
    folder = logins.folder('db')
    db = os.path.join(folder, 'zk.db')
    conf = logins.site(db, forms_dir)
    r = logins.run('kiosk', [BIN, 'migrate'], conf)
    assert r.returncode == 0, r.stderr
    os.chmod(db, 0o440)
    before = listing(folder)
    assert sorted(before) == ['zk.db'], before

    k = as_login(logins, 'kiosk', conf, tmp_path)
    try:
        status = k.proc.wait(timeout=20)
    finally:
        k.close(check=False)
    err = k.stderr()
    assert status == 1, 'status %s; stderr:\n%s' % (status, err)
    assert T(CANNOT_WRITE, 'nl') in err or T(CANNOT_WRITE, 'en') in err, err
    # The file is named: the database itself, not its -wal or -shm.
    assert '(zk.db: ' in err, err
    assert listing(folder) == before, 'the refused start changed the folder:\n%r\n->\n%r' % (before, listing(folder))

    # The administrator mends the mode; nothing else.
    os.chmod(db, 0o660)
    send_as_kiosk(logins, conf, tmp_path, forms, db)


def test_side_files_a_staff_command_made_are_the_data_groups(logins, forms_dir, forms, tmp_path):
    """A folder without the set-group-ID bit: SQLite gives the -wal and -shm
    the staff member's own group. While the staff terminal has them open,
    the kiosk account must still be able to write them."""
    folder = logins.folder('plain')
    os.chmod(folder, 0o770)
    db = os.path.join(folder, 'zk.db')
    conf = logins.site(db, forms_dir)
    data_gid = grp.getgrnam(logins_mod.DATA_GROUP).gr_gid
    r = logins.run('staff', [BIN, 'audit'], conf)
    assert r.returncode == 0, r.stderr
    staff = as_login(logins, 'staff', conf, tmp_path, ['staff', '--lang', 'en'])
    try:
        staff.wait_until(lambda: os.path.exists(db + '-shm'), 'the staff terminal made no -shm', timeout=20)
        staff.quiet(0.3)
        for ext in ('-wal', '-shm'):
            st = os.stat(db + ext)
            assert st.st_gid == data_gid, '%s has group %s, not %s' % (ext, grp.getgrgid(st.st_gid).gr_name,
                                                                     logins_mod.DATA_GROUP)
            assert stat.S_IMODE(st.st_mode) == 0o660, oct(st.st_mode)
        send_as_kiosk(logins, conf, tmp_path, forms, db)
    finally:
        staff.close(check=False)
