"""The set-group-ID model (src/privsep.h) without the package: the release
test build copied and made root:GROUP 2755, as the package makes
/usr/bin/zorgkiosk, with real logins (logins.py) none of which is in GROUP.
The kiosk account's kiosk stores a request that it cannot read back, its
visitor-facing process holds no group; staff read through the program
only; anyone else gets nothing, and an option naming a folder reads it
without the group. tests/pkg/test_deb.py does the same with the package.

Makes Unix logins: run with `flock /tmp/zk-logins.lock` (see PREAMBLE)."""
import grp
import os
import shutil
import socket
import subprocess
import tempfile

import pytest

import logins as logins_mod
import staffutil as su
from rawpty import fill_and_review, to_form
import zkharness
from zkharness import REF_RE, ROOT, Kiosk, T

RELEASE_TEST = os.path.join(ROOT, 'build', 'zorgkiosk-release-test')
GROUP = logins_mod.PREFIX + '-sgid'
OPENS = 'import sys\nfor p in sys.argv[1:]:\n    try:\n        open(p, "rb").close()\n        print(p)\n' \
        '    except OSError:\n        pass\n'


@pytest.fixture(scope='module')
def logins():
    l = logins_mod.make()
    yield l
    l.remove()


@pytest.fixture(scope='module')
def setgid(logins):
    """The program, set-group-ID to GROUP, which no login is in."""
    if subprocess.run(['getent', 'group', GROUP], capture_output=True).returncode != 0:
        subprocess.run(['groupadd', '--system', GROUP], check=True)
    gid = grp.getgrnam(GROUP).gr_gid
    d = tempfile.mkdtemp(prefix='bin-', dir=logins.top)
    os.chmod(d, 0o755)
    binary = os.path.join(d, 'zorgkiosk')
    shutil.copy(RELEASE_TEST, binary)
    os.chown(binary, 0, gid)
    os.chmod(binary, 0o2755)
    yield binary, gid
    subprocess.run(['groupdel', GROUP], stderr=subprocess.DEVNULL)


@pytest.fixture
def site(logins, setgid, forms_dir):
    """A database made by root through the program, in a folder root:GROUP
    2770, with one request in it."""
    binary, gid = setgid
    folder = tempfile.mkdtemp(prefix='db-', dir=logins.top)
    os.chown(folder, 0, gid)
    os.chmod(folder, 0o2770)
    db = os.path.join(folder, 'zk.db')
    conf = logins.site(db, forms_dir, database_group=GROUP)
    r = subprocess.run([binary, 'migrate'], capture_output=True, env=root_env(conf))
    assert r.returncode == 0, r.stderr
    su.insert_request(db, 'MZ-2026-0500', '2026-03-01T10:00:00Z', su.answers('Geheime Persoon'))
    return db, conf


def root_env(conf):
    return dict(zkharness.base_env(), ZK_TEST_CONF=conf)


def opened_by(logins, role, paths):
    r = logins.run(role, ['/usr/bin/python3', '-c', OPENS] + list(paths))
    assert r.returncode == 0, r.stderr
    return r.stdout.decode().split()


def files_of(db):
    d = os.path.dirname(db)
    return [os.path.join(d, f) for f in os.listdir(d)]


def group_holders(binary, gid):
    """For each process running binary: whether it holds gid (real,
    effective, saved, file system or supplementary)."""
    held = {}
    for pid in os.listdir('/proc'):
        try:
            if not pid.isdigit() or os.readlink('/proc/%s/exe' % pid) != binary:
                continue
            with open('/proc/%s/status' % pid) as f:
                status = dict(line.split(':', 1) for line in f.read().splitlines())
        except OSError:
            continue
        groups = status['Gid'].split() + status['Groups'].split()
        held[int(pid)] = str(gid) in groups
    return held


def test_the_kiosk_account_stores_and_can_read_nothing(logins, setgid, site, forms):
    binary, gid = setgid
    db, conf = site
    env = logins.env('kiosk', conf)
    k = Kiosk(['-u', logins.name('kiosk'), '--', binary, '--kiosk'], binary='/usr/sbin/runuser', env=env)
    try:
        k.wait_for('1  Nederlands', timeout=20)
        to_form(k, forms, 'nl')
        fill_and_review(k, forms, 'nl', {'name': 'Anna Kiosk', 'phone': '06 12345678'})
        k.send('1')
        ref = k.wait_match(REF_RE.pattern, timeout=20).group(0)
        assert su.sql(db, "SELECT value FROM answer JOIN intake ON intake.id = intake_id"
                          " WHERE ref = ? AND field = 'name'", (ref,)) == [('Anna Kiosk',)]
        # The visitor-facing process holds no group; its writer does.
        held = group_holders(binary, gid)
        assert sorted(held.values()) == [False, True], held
        # With the writer's -wal and -shm there: none of it opens for the
        # kiosk account, nor for staff or anyone else.
        assert os.path.exists(db + '-wal') and os.path.exists(db + '-shm')
        for role in ('kiosk', 'staff', 'outsider'):
            assert opened_by(logins, role, files_of(db)) == [], role
    finally:
        k.close(check=False)


def test_staff_read_through_the_program_only(logins, setgid, site):
    binary, _ = setgid
    db, conf = site
    r = logins.run('staff', [binary, 'export', '--format', 'csv'], conf)
    assert r.returncode == 0 and b'Geheime Persoon' in r.stdout, r.stderr
    assert opened_by(logins, 'staff', files_of(db)) == []
    for role in ('kiosk', 'outsider'):
        r = logins.run(role, [binary, 'export', '--format', 'csv'], conf)
        assert r.returncode == 1 and b'Geheime' not in r.stdout, r.stderr
        r = logins.run(role, [binary, 'migrate'], conf)
        assert r.returncode == 1 and b'schema' not in r.stdout, r.stdout


def test_a_folder_the_caller_names_is_read_without_the_group(logins, setgid, site, forms_dir):
    """check-forms --forms DIR, for a DIR only the group may read: the
    program reads it with the caller's rights, so for nobody but root."""
    binary, gid = setgid
    _, conf = site
    secret = os.path.join(tempfile.mkdtemp(prefix='forms-', dir=logins.top), 'forms')
    os.chmod(os.path.dirname(secret), 0o755)
    shutil.copytree(forms_dir, secret)
    os.chown(secret, 0, gid)
    os.chmod(secret, 0o750)
    r = subprocess.run([binary, 'check-forms', '--forms', secret], capture_output=True,
                       env=root_env(conf))
    assert r.returncode == 0, r.stdout + r.stderr
    unread = ': ' + T('cannot read this file', 'nl')
    for role in ('kiosk', 'staff', 'outsider'):
        r = logins.run(role, [binary, 'check-forms', '--forms', secret], conf)
        lines = r.stdout.decode().splitlines()
        # Not a line of it was read: every file is reported unreadable.
        assert r.returncode == 1 and lines and all(line.endswith(unread) for line in lines), (role, lines)


def test_the_writer_is_the_kiosk_accounts_alone(logins, setgid, site):
    """`zorgkiosk writer` with a socket as descriptor 3: refused to staff
    and anyone else; the kiosk account's answers that the file is usable."""
    binary, _ = setgid
    _, conf = site
    for role in ('staff', 'outsider', 'kiosk'):
        ours, theirs = socket.socketpair()
        fd, become = theirs.fileno(), logins.preexec(role)

        def pre():
            os.dup2(fd, 3)
            become()
        # close_fds would close the descriptor 3 made in pre; ours is not
        # inheritable.
        p = subprocess.Popen([binary, 'writer'], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, env=logins.env(role, conf), preexec_fn=pre, close_fds=False)
        theirs.close()
        ours.settimeout(20)
        hello = ours.recv(64)
        ours.close()
        status, err = p.wait(timeout=20), p.stderr.read().decode()
        p.stderr.close()
        if role == 'kiosk':
            # struct submit_result: rc first, 0 for STORE_OK.
            assert len(hello) >= 4 and int.from_bytes(hello[:4], 'little') == 0, (hello, err)
        else:
            assert hello == b'' and status == 1 and 'geweigerd' in err, (role, status, err)
