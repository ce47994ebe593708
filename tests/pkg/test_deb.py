"""The Debian package, for real on this machine: build it (once, and a
second time with a higher version), lint it, install it with dpkg, run the
installed kiosk as the kiosk account and the staff terminal as a staff
login, upgrade and keep the data and an edited form, remove (data kept,
nothing left running) and purge (data deleted, and said so).

It installs packages and adds accounts, so it runs only as root (CI runs
on a throwaway machine), and never where zorgkiosk is installed or has
data."""
import grp
import io
import os
import pwd
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import time

import pytest

ROOT = os.environ.get('ZK_ROOT') or os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'e2e'))
import zkharness  # noqa: E402
from zkharness import Kiosk, T, base_env  # noqa: E402

DATA = '/var/lib/zorgkiosk'
KIOSK_HOME = '/var/lib/zorgkiosk-kiosk'
DB = DATA + '/zorgkiosk.db'
CONF = '/etc/zorgkiosk/zorgkiosk.conf'
FORMS = '/etc/zorgkiosk/forms'
SESSION = '/usr/libexec/zorgkiosk/zorgkiosk-session'
SHARE = '/usr/share/zorgkiosk'
BACKUPS = '/var/backups/zorgkiosk'
STAFF = 'zkpkgstaff'
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
                                              ('group', 'zorgkiosk-staff'))}
    yield
    for pid in running_zorgkiosk():
        os.kill(pid, 15)
    if installed():
        subprocess.run(['dpkg', '--purge', 'zorgkiosk'], capture_output=True)
    subprocess.run(['userdel', '--remove', STAFF], capture_output=True)
    if not had['zorgkiosk']:
        subprocess.run(['userdel', 'zorgkiosk'], capture_output=True)
    for g in ('zorgkiosk', 'zorgkiosk-staff'):
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


def test_install_run_upgrade_remove_purge(debs, system, tmp_path):
    # ---- install
    r = run(['dpkg', '-i', debs['v1']])
    for kind, name in (('group', 'zorgkiosk'), ('group', 'zorgkiosk-staff'), ('passwd', 'zorgkiosk')):
        assert account_exists(kind, name), '%s %s was not created' % (kind, name)
    kiosk = pwd.getpwnam('zorgkiosk')
    assert kiosk.pw_uid < 1000 and kiosk.pw_shell == SESSION
    assert kiosk.pw_gid == grp.getgrnam('zorgkiosk').gr_gid
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

    # ---- the kiosk, as the kiosk account's login: it creates the database
    # shared with the group, and shows the forms from /etc.
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
    st = os.stat(DB)
    assert st.st_uid == kiosk.pw_uid and st.st_gid == grp.getgrnam('zorgkiosk').gr_gid
    assert stat.S_IMODE(st.st_mode) == 0o660

    insert_request('MZ-2026-0001', '2026-11-02T10:00:00Z', 'Pakket Persoon')
    insert_request('MZ-2024-0007', '2024-01-02T10:00:00Z', 'Oud Gesloten', status='closed')

    # ---- the staff terminal, as a staff login
    run(['useradd', '--create-home', '--shell', '/bin/sh', '--groups', 'zorgkiosk,zorgkiosk-staff', STAFF])
    s = Kiosk(['-u', STAFF, '--', '/usr/bin/zorgkiosk', 'staff', '--lang', 'en'], binary='/usr/sbin/runuser',
              env=base_env('C.UTF-8'), stderr_path=str(tmp_path / 'staff.txt'))
    try:
        s.wait_for(T('Requests for contact', 'en'), 'MZ-2026-0001', 'Pakket Persoon', timeout=20)
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

    # The kiosk account is not staff.
    r = run(['runuser', '-u', 'zorgkiosk', '--', '/usr/bin/zorgkiosk', 'audit'], check=False)
    assert r.returncode == 1 and r.stdout == '' and re.search(r'refused|geweigerd', r.stderr), r.stderr

    # ---- the retention purge, run as its unit says: the site's period
    # (12 months) removes the closed request of 2024 and keeps the new one.
    unit = open('/lib/systemd/system/zorgkiosk-purge.service', encoding='utf-8').read()
    user = re.search(r'(?m)^User=(.*)$', unit).group(1)
    group = re.search(r'(?m)^Group=(.*)$', unit).group(1)
    command = re.search(r'(?m)^ExecStart=(.*)$', unit).group(1).split()
    assert command == ['/usr/bin/zorgkiosk', 'purge'], 'the period must come from the site file'
    r = run(['runuser', '-u', user, '-g', group, '--'] + command)
    assert db_rows('SELECT ref FROM intake ORDER BY ref') == [('MZ-2026-0001',)], r.stdout
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
    assert con.execute('SELECT ref FROM intake').fetchall() == [('MZ-2026-0001',)]
    con.close()
    r = run(['/usr/bin/zorgkiosk', 'status'])
    assert r.stdout.startswith('OK - '), r.stdout

    # ---- upgrade: an editor's form is kept, the database kept and
    # migrated, the old kiosk ended (getty would start the new one).
    welcome = FORMS + '/welcome.conf'
    with open(welcome, encoding='utf-8') as f:
        text = f.read()
    edited = text.replace('title = { nl = "%s";' % forms.welcome_title('nl'), 'title = { nl = "Welkom, test";', 1)
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
    r = run(['dpkg', '-i', debs['v2']])
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
                   " AND name.field = 'name' WHERE ref = 'MZ-2026-0001'") == [('Pakket Persoon',)]
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
    assert db_rows("SELECT count(*) FROM intake WHERE ref = 'MZ-2026-0001'") == [(1,)]

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
