"""The Debian package, for real on this machine: build it (once, and a
second time with a higher version), lint it, install it with dpkg, run the
installed kiosk as the kiosk account and the staff terminal as a staff
login, upgrade and keep the data and an edited form, remove (data kept,
nothing left running) and purge (data deleted, and said so). Throughout,
neither the kiosk account nor a staff login can open a file of the data
folder: only the set-group-ID program can (docs/security.md).

It installs packages and adds accounts, so it runs only as root (CI runs
on a throwaway machine), and never where zorgkiosk is installed or has
data."""
import grp
import io
import os
import pwd
import re
import shutil
import socket
import sqlite3
import stat
import struct
import subprocess
import sys
import tempfile
import time

import pytest

ROOT = os.environ.get('ZK_ROOT') or os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'e2e'))
import zkharness  # noqa: E402
from zkharness import Kiosk, T, base_env, REF_RE  # noqa: E402
from steps import to_form, fill_form, valid_answers  # noqa: E402

DATA = '/var/lib/zorgkiosk'
KIOSK_HOME = '/var/lib/zorgkiosk-kiosk'
DB = DATA + '/zorgkiosk.db'
CONF = '/etc/zorgkiosk/zorgkiosk.conf'
FORMS = '/etc/zorgkiosk/forms'
SESSION = '/usr/libexec/zorgkiosk/zorgkiosk-session'
SHARE = '/usr/share/zorgkiosk'
BACKUPS = '/var/backups/zorgkiosk'
STAFF = 'zkpkgstaff'
OUTSIDER = 'zkpkgother'
V2 = '+pkgtest1'


def installed():
    r = subprocess.run(['dpkg-query', '-W', '-f=${Status}', 'zorgkiosk'], capture_output=True, text=True)
    return 'installed' in r.stdout or 'config-files' in r.stdout


def why_skip():
    if os.geteuid() != 0:
        return 'installing a package needs root'
    for tool in ('dpkg-buildpackage', 'dh', 'lintian', 'runuser'):
        if shutil.which(tool) is None:
            return '%s is not installed' % tool
    if installed() or os.path.exists(DATA) or os.path.exists(BACKUPS):
        return 'zorgkiosk is installed or has data on this machine: not touching it'
    return None


pytestmark = pytest.mark.skipif(why_skip() is not None, reason=str(why_skip()))


def run(argv, check=True, **kw):
    r = subprocess.run(argv, capture_output=True, text=True, **kw)
    if check:
        assert r.returncode == 0, '%s: status %d\n%s\n%s' % (' '.join(argv), r.returncode, r.stdout[-4000:],
                                                              r.stderr[-4000:])
    return r


def account_exists(kind, name):
    return subprocess.run(['getent', kind, name], capture_output=True).returncode == 0


@pytest.fixture(scope='module')
def debs(tmp_path_factory):
    """The package built by `make deb`, and the same with a higher version."""
    r = run(['make', '-C', ROOT, '--no-print-directory', 'deb'])
    v1 = sorted(p for p in os.listdir(os.path.join(ROOT, 'build')) if re.match(r'zorgkiosk_[^_]+_amd64\.deb$', p))
    assert v1, r.stdout[-2000:]
    version = re.match(r'zorgkiosk_([^_]+)_', v1[-1]).group(1)
    v1_deb = os.path.join(ROOT, 'build', 'zorgkiosk_%s_amd64.deb' % version)
    assert os.path.exists(v1_deb), 'make deb did not copy the package to build/'
    changes = os.path.join(ROOT, 'build', 'deb', 'zorgkiosk_%s_amd64.changes' % version)
    # Lint meanwhile: it is the slowest step.
    lint = subprocess.Popen(['lintian', '--fail-on', 'error,warning',
                             changes], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    # The upgrade: the same package again with a higher version. Repacked,
    # not compiled again: what an upgrade does to the files, the accounts
    # and the data is the same, and it saves a build.
    up = tmp_path_factory.mktemp('v2')
    raw = up / 'raw'
    run(['dpkg-deb', '-R', v1_deb, str(raw)])
    control = (raw / 'DEBIAN' / 'control').read_text()
    (raw / 'DEBIAN' / 'control').write_text(re.sub(r'(?m)^Version: .*$', 'Version: %s%s' % (version, V2), control))
    v2_deb = str(up / ('zorgkiosk_%s%s_amd64.deb' % (version, V2)))
    run(['dpkg-deb', '--root-owner-group', '-b', str(raw), v2_deb])
    assert os.path.exists(v2_deb)
    yield {'v1': v1_deb, 'v2': v2_deb, 'version': version, 'lint': lint}
    if lint.poll() is None:
        lint.kill()
        lint.wait()


@pytest.fixture(scope='module')
def system(debs):
    """Undo what the test added to the machine, whatever happened."""
    had = {n: account_exists(k, n) for k, n in (('passwd', 'zorgkiosk'), ('group', 'zorgkiosk'),
                                              ('group', 'zorgkiosk-staff'), ('group', 'zorgkiosk-kiosk'))}
    yield
    for pid in running_zorgkiosk():
        os.kill(pid, 15)
    if installed():
        subprocess.run(['dpkg', '--purge', 'zorgkiosk'], capture_output=True)
    for login in (STAFF, OUTSIDER):
        subprocess.run(['userdel', '--remove', login], capture_output=True)
    if not had['zorgkiosk']:
        subprocess.run(['userdel', 'zorgkiosk'], capture_output=True)
    for g in ('zorgkiosk', 'zorgkiosk-staff', 'zorgkiosk-kiosk'):
        if not had[g] and account_exists('group', g):
            subprocess.run(['groupdel', g], capture_output=True)
    shutil.rmtree(BACKUPS, ignore_errors=True)
    for link in ('/etc/ssh/sshd_config.d/zorgkiosk-staff.conf',
                 '/etc/systemd/system/getty@tty1.service.d/zorgkiosk.conf'):
        if os.path.islink(link):
            os.unlink(link)


def running_zorgkiosk():
    """Processes running an installed zorgkiosk (or one since deleted)."""
    pids = []
    for d in os.listdir('/proc'):
        if d.isdigit():
            try:
                exe = os.readlink('/proc/%s/exe' % d)
            except OSError:
                continue
            if exe.startswith('/usr/bin/zorgkiosk'):
                pids.append(int(d))
    return pids


def kiosk_login(tmp_path, name):
    """The kiosk account logging in, as getty's autologin does: its login
    shell (zorgkiosk-session) starts the kiosk."""
    env = base_env('C.UTF-8')
    return Kiosk(['-l', 'zorgkiosk'], env=env, binary='/bin/su', stderr_path=str(tmp_path / name))


def db_rows(query, params=()):
    con = sqlite3.connect('file:%s?mode=ro' % DB, uri=True, timeout=10)
    try:
        return con.execute(query, params).fetchall()
    finally:
        con.close()


def insert_request(ref, created, name, status='new'):
    """A request as the kiosk stores it (see tests/e2e/staffutil.py)."""
    m = re.match(r'MZ-(\d{4})-(\d{4})$', ref)
    con = sqlite3.connect(DB, timeout=10)
    try:
        with con:
            iid = con.execute('INSERT INTO intake (ref, year, seq, created_at, ui_lang, form_version, status)'
                              ' VALUES (?, ?, ?, ?, ?, ?, ?)',
                              (ref, int(m.group(1)), int(m.group(2)), created, 'nl', 1, status)).lastrowid
            con.executemany('INSERT INTO answer (intake_id, field, value) VALUES (?, ?, ?)',
                            [(iid, 'name', name), (iid, 'phone', '0612345678'), (iid, 'options', 'respite_light')])
    finally:
        con.close()


def become(login, fd3=None):
    """For subprocess: become login with its own groups (as a login would
    have them), with fd3 as descriptor 3."""
    pw = pwd.getpwnam(login)

    def go():
        if fd3 is not None:
            os.dup2(fd3, 3)
        os.initgroups(pw.pw_name, pw.pw_gid)
        os.setgid(pw.pw_gid)
        os.setuid(pw.pw_uid)
    return go


def as_login(login, argv, env=None, fd3=None, **kw):
    return subprocess.run(argv, capture_output=True, text=True, preexec_fn=become(login, fd3), cwd='/',
                          env=env or base_env('C.UTF-8', HOME='/'), pass_fds=(fd3,) if fd3 is not None else (),
                          **kw)


def data_files():
    """Every file in the data folder, and the backups (as root sees them)."""
    found = []
    for top in (DATA, BACKUPS):
        for d, _, files in os.walk(top):
            found += [os.path.join(d, f) for f in files]
    return sorted(found)


OPENS = 'import sys\nfor p in sys.argv[1:]:\n    try:\n        open(p, "rb").close()\n        print(p)\n' \
        '    except OSError:\n        pass\n'


def opened_by(login, paths):
    """The paths that login can open for reading."""
    r = as_login(login, ['/usr/bin/python3', '-c', OPENS] + list(paths))
    assert r.returncode == 0, r.stderr
    return r.stdout.split()


def assert_files_closed_to(logins, more=()):
    files = data_files() + list(more)
    assert DB in files, files
    for login in logins:
        assert opened_by(login, files) == [], '%s can open files of the data' % login


# The writer's messages (src/store_submit.c): struct request, then
# "field\0value\0" pairs; the answers are struct submit_result.
REQUEST = struct.Struct('=iiiI40s101s3x')
RESULT = struct.Struct('=i?32s3x')


def writer_request(year, ui, answers):
    body = b''.join(f.encode() + b'\0' + v.encode() + b'\0' for f, v in answers)
    req = REQUEST.pack(year, ui, 1, len(answers), os.urandom(16).hex().encode(), b'') + body
    return struct.pack('=I', len(req)) + req


def writer_as(login, requests):
    """`zorgkiosk writer` run by login with its socket as descriptor 3
    (dup2'd in the child, so close_fds would close it again; the other end
    is not inheritable): (exit status, stderr, the answers: hello first)."""
    ours, theirs = socket.socketpair()
    p = subprocess.Popen(['/usr/bin/zorgkiosk', 'writer'], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, preexec_fn=become(login, theirs.fileno()),
                         close_fds=False, cwd='/', env=base_env('C.UTF-8', HOME='/'))
    theirs.close()
    ours.settimeout(20)
    answers = []

    def answer():
        data = b''
        while len(data) < RESULT.size:
            chunk = ours.recv(RESULT.size - len(data))
            if not chunk:
                return None
            data += chunk
        rc, fresh, ref = RESULT.unpack(data)
        return rc, ref.split(b'\0')[0].decode()
    a = answer()
    if a is not None:
        answers.append(a)
        for req in requests:
            try:
                ours.sendall(req)
                a = answer()
            except OSError:
                break
            if a is None:
                break
            answers.append(a)
    ours.close()
    return p.wait(timeout=20), p.stderr.read(), answers


def test_install_run_upgrade_remove_purge(debs, system, tmp_path):
    # ---- install
    r = run(['dpkg', '-i', debs['v1']])
    for kind, name in (('group', 'zorgkiosk'), ('group', 'zorgkiosk-staff'), ('passwd', 'zorgkiosk')):
        assert account_exists(kind, name), '%s %s was not created' % (kind, name)
    kiosk = pwd.getpwnam('zorgkiosk')
    assert kiosk.pw_uid < 1000 and kiosk.pw_shell == SESSION
    # The data group is the program's: no login is in it, the kiosk
    # account has a group of its own, and zorgkiosk is set-group-ID to it.
    data_gid = grp.getgrnam('zorgkiosk').gr_gid
    assert kiosk.pw_gid == grp.getgrnam('zorgkiosk-kiosk').gr_gid
    assert grp.getgrnam('zorgkiosk').gr_mem == []
    st = os.stat('/usr/bin/zorgkiosk')
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (0, data_gid, 0o2755)
    # A home of its own, not the database folder (a PDF printer writes the
    # visitors' pages to the home), that the kiosk account cannot fill.
    assert kiosk.pw_dir == KIOSK_HOME, kiosk.pw_dir
    st = os.stat(KIOSK_HOME)
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (0, 0, 0o755)
    st = os.stat(DATA)
    assert (st.st_uid, st.st_gid) == (0, grp.getgrnam('zorgkiosk').gr_gid)
    assert stat.S_IMODE(st.st_mode) == 0o2770
    st = os.stat(CONF)
    assert st.st_uid == 0 and stat.S_IMODE(st.st_mode) == 0o644
    conffiles = run(['dpkg-query', '-W', '-f=${Conffiles}', 'zorgkiosk']).stdout
    for f in (CONF, FORMS + '/welcome.conf', FORMS + '/guide.conf', FORMS + '/intake.conf'):
        assert f in conffiles, '%s is not a conffile:\n%s' % (f, conffiles)
    for f in ('/usr/share/man/man1/zorgkiosk.1.gz', '/usr/share/locale/nl/LC_MESSAGES/zorgkiosk.mo',
              '/usr/share/doc/zorgkiosk/deploy.md', SESSION):
        assert os.path.exists(f), f
    # Shipped, not enabled.
    assert not os.path.exists('/etc/ssh/sshd_config.d/zorgkiosk-staff.conf')
    assert not os.path.exists('/etc/systemd/system/getty@tty1.service.d/zorgkiosk.conf')
    assert not os.path.exists('/etc/systemd/system/timers.target.wants/zorgkiosk-purge.timer')
    assert not os.path.exists('/etc/systemd/system/timers.target.wants/zorgkiosk-backup.timer')
    for timer in ('zorgkiosk-alerts.timer', 'zorgkiosk-alerts-daily.timer'):
        assert os.path.exists('/lib/systemd/system/' + timer), timer
        assert not os.path.exists('/etc/systemd/system/timers.target.wants/' + timer), timer
    assert run(['/usr/bin/zorgkiosk', 'check-forms']).returncode == 0

    # ---- the units, verified as docs/deploy.md enables them
    r = run(['systemd-analyze', 'verify', '/lib/systemd/system/zorgkiosk-purge.service',
             '/lib/systemd/system/zorgkiosk-purge.timer', '/lib/systemd/system/zorgkiosk-backup.service',
             '/lib/systemd/system/zorgkiosk-backup.timer', '/lib/systemd/system/zorgkiosk-alerts.service',
             '/lib/systemd/system/zorgkiosk-alerts.timer', '/lib/systemd/system/zorgkiosk-alerts-daily.service',
             '/lib/systemd/system/zorgkiosk-alerts-daily.timer'], check=False)
    assert r.returncode == 0 and 'zorgkiosk' not in r.stderr, r.stderr
    os.makedirs('/etc/systemd/system/getty@tty1.service.d', exist_ok=True)
    os.symlink(SHARE + '/systemd/getty@tty1.service.d/zorgkiosk.conf',
               '/etc/systemd/system/getty@tty1.service.d/zorgkiosk.conf')
    r = run(['systemd-analyze', 'verify', 'getty@tty1.service'], check=False)
    assert r.returncode == 0, r.stderr
    if os.path.isdir('/etc/ssh/sshd_config.d') and shutil.which('sshd'):
        os.symlink(SHARE + '/sshd_config.d/zorgkiosk-staff.conf', '/etc/ssh/sshd_config.d/zorgkiosk-staff.conf')
        r = run(['sshd', '-t'], check=False)
        assert r.returncode == 0, r.stderr

    # The account as 0.2.0 made it: the database folder as its home (the
    # upgrade below moves it).
    run(['usermod', '--home', DATA, 'zorgkiosk'])

    # ---- the database, made by the package: root's, open to the data
    # group alone.
    st = os.stat(DB)
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (0, data_gid, 0o660)

    # ---- the kiosk, as the kiosk account's login: it shows the forms from
    # /etc, and a request sent there is stored.
    forms = zkharness.Forms(FORMS)
    k = kiosk_login(tmp_path, 'kiosk-1.txt')
    try:
        k.wait_for('1  Nederlands', forms.welcome_title('nl'), timeout=20)
        # The database is opened while the welcome is out: a key answered
        # (English) says it is there.
        k.send(zkharness.F2)
        k.wait_until(lambda: k.text()[0].strip() == forms.welcome_title('en'), 'F2 was not answered', 20)
    except AssertionError:
        raise AssertionError('the installed kiosk did not start:\n%s\n%s' % (k.dump(), k.stderr()))
    to_form(k, forms, forms.request_pages()[0]['id'], 'en')
    fill_form(k, forms, 'en', valid_answers(forms, name='Kiosk Verzonden', phone='06 12345678'))
    k.wait_for(T('Check your answers', 'en'), 'Kiosk Verzonden')
    k.choose(T('Send', 'en'))
    kiosk_ref = k.wait_match(REF_RE.pattern, timeout=20).group(0)
    assert db_rows("SELECT value FROM answer JOIN intake ON intake.id = intake_id WHERE ref = ? AND field = 'name'",
                   (kiosk_ref,)) == [('Kiosk Verzonden',)]
    # The kiosk's own process holds no group; its writer, exec'd afresh,
    # holds the data group.
    groups = {}
    for pid in running_zorgkiosk():
        with open('/proc/%d/status' % pid) as f:
            status = dict(line.split(':', 1) for line in f.read().splitlines())
        groups[pid] = [int(g) for g in status['Gid'].split()] + [int(g) for g in status['Groups'].split()]
    assert len(groups) == 2, groups
    assert sorted(data_gid in g for g in groups.values()) == [False, True], groups

    insert_request('MZ-2026-0500', '2026-11-02T10:00:00Z', 'Pakket Persoon')
    insert_request('MZ-2024-0007', '2024-01-02T10:00:00Z', 'Oud Gesloten', status='closed')

    # ---- the staff terminal, as a staff login: in the staff group, not
    # in the data group.
    run(['useradd', '--create-home', '--shell', '/bin/sh', '--groups', 'zorgkiosk-staff', STAFF])
    run(['useradd', '--create-home', '--shell', '/bin/sh', OUTSIDER])
    s = Kiosk(['-u', STAFF, '--', '/usr/bin/zorgkiosk', 'staff', '--lang', 'en'], binary='/usr/sbin/runuser',
              env=base_env('C.UTF-8'), stderr_path=str(tmp_path / 'staff.txt'))
    try:
        s.wait_for(T('Requests for contact', 'en'), 'MZ-2026-0500', 'Pakket Persoon', timeout=20)
    except AssertionError:
        raise AssertionError('the staff terminal did not show the request:\n%s\n%s' % (s.dump(), s.stderr()))
    # An export in the staff member's home, which remove and purge name.
    s.send('e')
    s.wait_for('scp -O', timeout=20)
    folder = os.path.join(pwd.getpwnam(STAFF).pw_dir, 'zorgkiosk-exports')
    export = os.path.join(folder, os.listdir(folder)[0])
    s.send('q')
    s.proc.wait(timeout=20)
    s.close(check=False)
    r = subprocess.run(['runuser', '-u', STAFF, '--', '/usr/bin/zorgkiosk', 'export', '--format', 'xlsx'],
                       capture_output=True)
    assert r.returncode == 0 and r.stdout.startswith(b'PK'), r.stderr.decode(errors='replace')
    openpyxl = pytest.importorskip('openpyxl')
    ws = openpyxl.load_workbook(io.BytesIO(r.stdout)).worksheets[0]
    assert 'Pakket Persoon' in [c.value for c in ws[2]] + [c.value for c in ws[3]]
    # And as sshd runs it: the forced command with the staff member's
    # command; a plain login gets nothing that way.
    r = as_login(STAFF, ['/usr/bin/zorgkiosk', 'ssh'],
                 env=base_env('C.UTF-8', HOME='/', SSH_ORIGINAL_COMMAND='zorgkiosk export --format csv'))
    assert r.returncode == 0 and 'Pakket Persoon' in r.stdout, r.stderr
    r = as_login(OUTSIDER, ['/usr/bin/zorgkiosk', 'ssh'],
                 env=base_env('C.UTF-8', HOME='/', SSH_ORIGINAL_COMMAND='zorgkiosk export --format csv'))
    assert r.returncode == 1 and 'Pakket Persoon' not in r.stdout, r.stderr

    # The kiosk account is not staff.
    r = run(['runuser', '-u', 'zorgkiosk', '--', '/usr/bin/zorgkiosk', 'audit'], check=False)
    assert r.returncode == 1 and r.stdout == '' and re.search(r'refused|geweigerd', r.stderr), r.stderr

    # ---- the files: while the kiosk runs (its writer has the -wal and
    # -shm open), neither the kiosk account nor staff nor anyone else can
    # open one; nor the staff export, for the kiosk account.
    assert os.path.exists(DB + '-wal') and os.path.exists(DB + '-shm'), data_files()
    assert_files_closed_to(['zorgkiosk', STAFF, OUTSIDER])
    assert opened_by('zorgkiosk', [export]) == []

    # ---- no option or variable widens what the program does for them.
    # A site file of root's that would make the kiosk account staff: the
    # installed program reads /etc/zorgkiosk only.
    # (In a folder every login may enter, so that only the program's
    # rights decide.)
    outside = tempfile.mkdtemp(dir='/var/tmp', prefix='zk-pkg-')
    os.chmod(outside, 0o755)
    conf_dir = os.path.join(outside, 'conf')
    os.mkdir(conf_dir)
    zkharness.write_site(os.path.join(conf_dir, 'zorgkiosk.conf'), database=DB, forms=FORMS,
                         staff_users=['zorgkiosk', OUTSIDER], kiosk_user='nobody')
    for login in ('zorgkiosk', OUTSIDER):
        env = base_env('C.UTF-8', HOME='/', ZK_TEST_CONF=os.path.join(conf_dir, 'zorgkiosk.conf'))
        for argv in (['export'], ['staff'], ['migrate'], ['audit', '--verify']):
            r = as_login(login, ['/usr/bin/zorgkiosk'] + argv, env=env)
            assert r.returncode != 0 and 'Pakket Persoon' not in r.stdout, (login, argv, r.stdout, r.stderr)
    # A folder only the data group may read, named where a caller names a
    # folder (check-forms --forms): read without the group, so not at all.
    secret = os.path.join(outside, 'forms-of-the-group')
    shutil.copytree(FORMS, str(secret))
    os.chown(str(secret), 0, data_gid)
    os.chmod(str(secret), 0o750)
    assert run(['/usr/bin/zorgkiosk', 'check-forms', '--forms', str(secret)]).returncode == 0
    for login in ('zorgkiosk', STAFF, OUTSIDER):
        r = as_login(login, ['/usr/bin/zorgkiosk', 'check-forms', '--forms', str(secret)])
        assert r.returncode != 0 and 'are fine' not in r.stdout, (login, r.stdout, r.stderr)
    # A file the kiosk reads by name (--exit-pin-file) is read without
    # the group: the database cannot be its PIN file.
    r = as_login('zorgkiosk', ['/usr/bin/zorgkiosk', '--kiosk', '--plain', '--exit-pin-file', DB])
    assert r.returncode == 1 and re.search(r'cannot read the PIN file|pincodebestand \S+ niet lezen', r.stderr), r.stderr
    # The writer: for the kiosk account alone, which may store a request
    # through it (nothing more), and only a sound one.
    for login in (STAFF, OUTSIDER):
        status, err, answers = writer_as(login, [writer_request(2026, 0, [('name', 'Niet Bewaard')])])
        assert status == 1 and answers == [] and re.search(r'refused|geweigerd', err), (login, status, err)
    status, err, answers = writer_as('zorgkiosk', [writer_request(2026, 7, [('name', 'Verkeerde Taal')]),
                                                   writer_request(2026, 0, [('name', 'Via De Schrijver')])])
    assert answers[0] == (0, ''), (answers, err)
    assert answers[1][0] != 0 and len(answers) == 2, answers
    status, err, answers = writer_as('zorgkiosk', [writer_request(2026, 0, [('name', 'Via De Schrijver')])])
    assert answers[0] == (0, '') and answers[1][0] == 0 and REF_RE.fullmatch(answers[1][1]), (answers, err)
    assert db_rows("SELECT count(*) FROM answer WHERE value IN ('Niet Bewaard', 'Verkeerde Taal')") == [(0,)]
    assert db_rows("SELECT count(*) FROM answer WHERE value = 'Via De Schrijver'") == [(1,)]
    assert_files_closed_to(['zorgkiosk', STAFF, OUTSIDER])
    shutil.rmtree(outside)

    # ---- the retention purge, run as its unit says: the site's period
    # (12 months) removes the closed request of 2024 and keeps the new one.
    unit = open('/lib/systemd/system/zorgkiosk-purge.service', encoding='utf-8').read()
    user = re.search(r'(?m)^User=(.*)$', unit).group(1)
    group = re.search(r'(?m)^Group=(.*)$', unit).group(1)
    command = re.search(r'(?m)^ExecStart=(.*)$', unit).group(1).split()
    assert command == ['/usr/bin/zorgkiosk', 'purge'], 'the period must come from the site file'
    r = run(['runuser', '-u', user, '-g', group, '--'] + command)
    refs = [ref for ref, in db_rows('SELECT ref FROM intake')]
    assert 'MZ-2024-0007' not in refs and 'MZ-2026-0500' in refs and kiosk_ref in refs, (refs, r.stdout)
    assert db_rows("SELECT staff FROM audit WHERE action = 'purge'") == [(user,)]

    # ---- the alerts, run as their units say: the shipped site file names
    # no alert_to, so nothing is sent and nothing is marked.
    for name, want in (('zorgkiosk-alerts', ['alerts']), ('zorgkiosk-alerts-daily', ['alerts', '--daily'])):
        unit = open('/lib/systemd/system/%s.service' % name, encoding='utf-8').read()
        command = re.search(r'(?m)^ExecStart=(.*)$', unit).group(1).split()
        assert command == ['/usr/bin/zorgkiosk'] + want, command
        r = run(['runuser', '-u', re.search(r'(?m)^User=(.*)$', unit).group(1), '-g',
                 re.search(r'(?m)^Group=(.*)$', unit).group(1), '--'] + command)
        assert 'alert_to' in r.stdout, r.stdout
    assert db_rows("SELECT count(*) FROM audit WHERE action LIKE 'alert%'") == [(0,)]

    # ---- the nightly backup, run as its unit says once the site file
    # names the backup key; the standard age tool reads it back.
    key = str(tmp_path / 'backup-key.txt')
    run(['age-keygen', '-o', key])
    pub = run(['age-keygen', '-y', key]).stdout.strip()
    with open(CONF, encoding='utf-8') as f:
        text = f.read()
    assert text.count('backup_recipient = "";') == 1, 'the site file names no backup_recipient to set'
    with open(CONF, 'w', encoding='utf-8') as f:
        f.write(text.replace('backup_recipient = "";', 'backup_recipient = "%s";' % pub))
    unit = open('/lib/systemd/system/zorgkiosk-backup.service', encoding='utf-8').read()
    user = re.search(r'(?m)^User=(.*)$', unit).group(1)
    group = re.search(r'(?m)^Group=(.*)$', unit).group(1)
    command = re.search(r'(?m)^ExecStart=(.*)$', unit).group(1).split()
    assert command == ['/usr/bin/zorgkiosk', 'backup']
    run(['runuser', '-u', user, '-g', group, '--'] + command)
    st = os.stat(BACKUPS)
    assert (st.st_uid, stat.S_IMODE(st.st_mode)) == (0, 0o700)
    [made] = os.listdir(BACKUPS)
    plain = str(tmp_path / 'plain.db')
    run(['age', '-d', '-i', key, '-o', plain, os.path.join(BACKUPS, made)])
    con = sqlite3.connect(plain)
    assert sorted(con.execute('SELECT ref FROM intake').fetchall()) == sorted((ref,) for ref in refs)
    con.close()
    r = run(['/usr/bin/zorgkiosk', 'status'])
    assert r.stdout.startswith('OK - '), r.stdout

    # ---- upgrade: an editor's form is kept, the database kept and
    # migrated, the old kiosk ended (getty would start the new one).
    welcome = FORMS + '/welcome.conf'
    with open(welcome, encoding='utf-8') as f:
        text = f.read()
    edited = re.sub(r'(title = \{\s*nl = )"%s";' % re.escape(forms.welcome_title('nl')), r'\1"Welkom, test";', text,
                    count=1)
    assert edited != text
    with open(welcome, 'w', encoding='utf-8') as f:
        f.write(edited)
    # An edited guide.conf kept from 0.1, which had the welcome in it: the
    # upgrade says what to mend.
    guide = FORMS + '/guide.conf'
    with open(guide, encoding='utf-8') as f:
        guide_text = f.read()
    with open(guide, 'w', encoding='utf-8') as f:
        f.write(guide_text.replace('menu = {', 'welcome = { title = { nl = "Welkom"; en = "Welcome"; }; };\nmenu = {', 1))
    # What a PDF printer (cups-pdf) wrote into that old home.
    os.mkdir(DATA + '/PDF')
    # The data group as 0.2 shared it: the kiosk account's own group, staff
    # in it, and the database the kiosk account's.
    run(['usermod', '-g', 'zorgkiosk', 'zorgkiosk'])
    run(['gpasswd', '-a', STAFF, 'zorgkiosk'])
    os.chown(DB, kiosk.pw_uid, data_gid)
    assert opened_by(STAFF, [DB]) == [DB], 'the 0.2 set-up was not made'
    # The kiosk account in the data group could read the files itself:
    # the kiosk says so rather than start.
    r = as_login('zorgkiosk', ['/usr/bin/zorgkiosk', '--kiosk'])
    assert r.returncode == 1 and ('data group' in r.stderr or 'datagroep' in r.stderr), r.stderr
    r = run(['dpkg', '-i', debs['v2']])
    assert pwd.getpwnam('zorgkiosk').pw_gid == grp.getgrnam('zorgkiosk-kiosk').gr_gid, r.stderr
    assert grp.getgrnam('zorgkiosk').gr_mem == [] and STAFF in r.stderr, r.stderr
    assert (os.stat(DB).st_uid, os.stat(DB).st_gid) == (0, data_gid)
    assert_files_closed_to(['zorgkiosk', STAFF, OUTSIDER])
    assert pwd.getpwnam('zorgkiosk').pw_dir == KIOSK_HOME, r.stdout + r.stderr
    assert DATA + '/PDF holds pages' in r.stderr, r.stderr
    os.rmdir(DATA + '/PDF')
    assert re.search(r'the database is at schema version|de database heeft schemaversie', r.stdout + r.stderr), \
        r.stdout + r.stderr
    assert re.search(r'guide\.conf:\d+: .*welcome\.conf', r.stderr) and 'will not start' in r.stderr, r.stderr
    with open(guide, 'w', encoding='utf-8') as f:
        f.write(guide_text)
    assert run(['dpkg-query', '-W', '-f=${Version}', 'zorgkiosk']).stdout == debs['version'] + V2
    with open(welcome, encoding='utf-8') as f:
        assert 'Welkom, test' in f.read(), 'the upgrade overwrote an edited form'
    assert db_rows("SELECT name.value FROM intake JOIN answer name ON name.intake_id = intake.id"
                   " AND name.field = 'name' WHERE ref = 'MZ-2026-0500'") == [('Pakket Persoon',)]
    k.proc.wait(timeout=10)  # ended by the upgrade
    k.close(check=False)
    k = kiosk_login(tmp_path, 'kiosk-2.txt')
    k.wait_for('Welkom, test', timeout=20)
    cwd = {os.readlink('/proc/%d/cwd' % pid) for pid in running_zorgkiosk()}
    assert cwd == {KIOSK_HOME}, 'the kiosk session does not run in its home: %r' % cwd
    # Configured again (the same version): the home stays, nothing said.
    r = run(['/var/lib/dpkg/info/zorgkiosk.postinst', 'configure', debs['version'] + V2])
    assert pwd.getpwnam('zorgkiosk').pw_dir == KIOSK_HOME and 'home' not in r.stderr, r.stderr

    # ---- remove: the data stays, nothing of zorgkiosk runs, the links
    # that enabled its files are gone (a dangling one would stop sshd).
    r = run(['dpkg', '-r', 'zorgkiosk'])
    assert 'kept' in r.stdout + r.stderr
    assert export in r.stderr, r.stderr
    k.proc.wait(timeout=10)  # ended by the removal
    k.close(check=False)
    deadline = time.monotonic() + 5
    while running_zorgkiosk() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert running_zorgkiosk() == [], 'zorgkiosk still runs after removal'
    assert not os.path.exists('/usr/bin/zorgkiosk')
    assert os.path.exists(DB) and os.path.exists(CONF)
    assert not os.path.lexists('/etc/ssh/sshd_config.d/zorgkiosk-staff.conf')
    assert not os.path.lexists('/etc/systemd/system/getty@tty1.service.d/zorgkiosk.conf')
    assert db_rows("SELECT count(*) FROM intake WHERE ref = 'MZ-2026-0500'") == [(1,)]
    # No program left, and still no file in reach of a login.
    assert_files_closed_to(['zorgkiosk', STAFF, OUTSIDER])
    assert opened_by('zorgkiosk', [export]) == [] and opened_by(STAFF, [export]) == [export]

    # ---- purge: says so, then deletes the data and the configuration.
    r = run(['dpkg', '--purge', 'zorgkiosk'])
    assert 'deleting the database' in r.stdout + r.stderr
    assert export in r.stderr and os.path.exists(export), r.stderr
    assert not os.path.exists(DATA) and not os.path.exists('/etc/zorgkiosk')
    assert not os.path.exists(KIOSK_HOME)
    # The backups are what is left to restore from after a purge by mistake.
    assert os.listdir(BACKUPS) == [made] and BACKUPS in r.stdout + r.stderr


def test_lintian_is_clean(debs):
    out, _ = debs['lint'].communicate(timeout=240)
    assert debs['lint'].returncode == 0, 'lintian:\n' + out
    assert not re.search(r'^[EW]: ', out, re.M), out


def test_the_deploy_guide_names_the_package_that_make_deb_builds(debs):
    """docs/deploy.md is followed to the letter: every package file it
    names is the one `make deb` wrote, and where it wrote it."""
    with open(os.path.join(ROOT, 'docs', 'deploy.md')) as f:
        guide = f.read()
    named = re.findall(r'(\S*)zorgkiosk_([^_\s]+)_amd64\.deb', guide)
    assert named, 'docs/deploy.md names no package file'
    for where, version in named:
        if version in ('NEW', 'VERSION'):
            continue
        assert version == debs['version'], 'docs/deploy.md names %s, make deb builds %s' % (version, debs['version'])
        if where.startswith('./') or where.startswith('build/'):
            assert os.path.exists(os.path.join(ROOT, where, 'zorgkiosk_%s_amd64.deb' % version)), where
