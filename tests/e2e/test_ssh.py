"""Staff over SSH, through a real OpenSSH server that this module starts on
a loopback port with its own configuration: the contrib/ snippet, with the
test's group and binary put in. A staff login gets the staff terminal, or
the output of a read-only command; anything else asked is refused."""
import csv
import hashlib
import io
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

import logins as logins_mod
import staffutil as su
from zkharness import BIN, ROOT, Kiosk

SNIPPET = os.path.join(ROOT, 'contrib', 'sshd_config.d', 'zorgkiosk-staff.conf')
SSHD = '/usr/sbin/sshd'


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.fixture(scope='module')
def server(forms_dir):
    if not os.path.exists(SSHD) or not shutil.which('ssh'):
        pytest.skip('needs openssh-server and openssh-client')
    logins = logins_mod.make()
    top = tempfile.mkdtemp(prefix='zk-sshd-')
    os.chmod(top, 0o755)
    folder = logins.folder('db')
    db = os.path.join(folder, 'zk.db')
    conf = logins.site(db, forms_dir)
    r = logins.run('staff', [BIN, 'audit'], conf)
    assert r.returncode == 0, r.stderr
    su.insert_request(db, 'MZ-2026-0001', '2026-03-01T10:00:00Z', su.answers('José Müller'))

    # Keys: the host's, and one for each login.
    subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', os.path.join(top, 'host')], check=True)
    client = os.path.join(top, 'client')
    subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', client], check=True)
    keys = os.path.join(top, 'keys')
    os.mkdir(keys, 0o755)
    for role in ('staff', 'outsider'):
        path = os.path.join(keys, logins.name(role))
        shutil.copy(client + '.pub', path)
        os.chmod(path, 0o644)

    snippet = open(SNIPPET).read()
    assert 'ForceCommand /usr/bin/zorgkiosk ssh' in snippet
    snippet = snippet.replace('Match Group zorgkiosk-staff', 'Match Group ' + logins_mod.STAFF_GROUP)
    snippet = snippet.replace('/usr/bin/zorgkiosk', BIN)
    port = _free_port()
    cfg = os.path.join(top, 'sshd_config')
    with open(cfg, 'w') as f:
        f.write('\n'.join([
            'Port %d' % port, 'ListenAddress 127.0.0.1', 'HostKey %s/host' % top,
            'PidFile %s/sshd.pid' % top, 'AuthorizedKeysFile %s/%%u' % keys,
            'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'UsePAM no',
            'StrictModes no', 'Subsystem sftp internal-sftp',
            # The test build's site file, and quiet sanitizers.
            'SetEnv ZK_TEST_CONF=%s ASAN_OPTIONS=detect_leaks=0' % conf,
            'AcceptEnv LANG LC_*', '']) + snippet)
    os.makedirs('/run/sshd', exist_ok=True)
    subprocess.run([SSHD, '-t', '-f', cfg], check=True)
    proc = subprocess.Popen([SSHD, '-D', '-e', '-f', cfg], stderr=open(os.path.join(top, 'sshd.log'), 'wb'))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(('127.0.0.1', port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    srv = {'port': port, 'key': client, 'logins': logins, 'db': db, 'top': top}
    yield srv
    proc.terminate()
    proc.wait(timeout=10)
    logins.remove()
    shutil.rmtree(top, ignore_errors=True)


def ssh_argv(srv, role, *command, tty=False):
    return (['ssh', '-tt' if tty else '-T', '-p', str(srv['port']), '-i', srv['key'],
             '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes',
             '-o', 'LogLevel=ERROR', '%s@127.0.0.1' % srv['logins'].name(role)] + list(command))


def ssh(srv, role, *command, env=None):
    return subprocess.run(ssh_argv(srv, role, *command), stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=60, env=env)


def test_staff_takes_an_export_home(server):
    r = ssh(server, 'staff', 'zorgkiosk', 'export', '--format', 'csv')
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout.decode('utf-8'))))
    assert [(row['ref'], row['name']) for row in rows] == [('MZ-2026-0001', 'José Müller')]
    r = ssh(server, 'staff', 'zorgkiosk', 'stats', '--format=csv')
    assert r.returncode == 0 and r.stdout.startswith(b'month,kind,key,requests'), r.stderr
    r = ssh(server, 'staff', 'zorgkiosk', 'audit')
    assert r.returncode == 0 and b'export' in r.stdout, r.stderr


@pytest.mark.parametrize('command', [
    ['bash'], ['sh', '-c', 'id'], ['zorgkiosk', 'purge', '--older-than', '1d'],
    ['zorgkiosk', 'export', '-o', '.bashrc'], ['zorgkiosk', 'export', '--output=.bashrc'],
    ['zorgkiosk', 'export;', 'id'], ['zorgkiosk', 'export', '$(id)'], ['zorgkiosk', 'staff', '--kiosk'],
    ['zorgkiosk', 'export', '--format', '../../etc/passwd'], ['scp', '-t', '.'], ['internal-sftp'],
], ids=lambda c: '_'.join(c)[:30])
def test_anything_else_is_refused(server, command):
    home = server['logins'].home('staff')
    before = sorted(os.listdir(home))
    r = ssh(server, 'staff', *command)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert 'mogen medewerkers alleen' in r.stderr.decode(), r.stderr
    assert b'MZ-2026' not in r.stdout
    assert sorted(os.listdir(home)) == before
    assert su.sql(server['db'], 'SELECT count(*) FROM intake') == [(1,)]


def test_sftp_is_refused(server):
    r = subprocess.run(['sftp', '-b', '-', '-P', str(server['port']), '-i', server['key'],
                        '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
                        '-o', 'BatchMode=yes', '%s@127.0.0.1' % server['logins'].name('staff')],
                       input=b'ls\n', capture_output=True, timeout=60)
    assert r.returncode != 0
    assert b'zk.db' not in r.stdout


def test_plain_login_gets_the_staff_terminal_in_its_language(server):
    """ssh -t with no command: the staff terminal, with the client's locale
    (nl_NL.UTF-8, which this host may lack) still showing é."""
    env = dict(os.environ, LANG='nl_NL.UTF-8', TERM='xterm-256color')
    env.pop('LC_ALL', None)
    k = Kiosk(ssh_argv(server, 'staff', tty=True)[1:], binary='/usr/bin/ssh', env=env)
    try:
        k.wait_for('MZ-2026-0001', timeout=30)
        assert k.contains('José Müller'), k.dump()
        k.send('q')
        k.proc.wait(timeout=20)
    finally:
        k.close(check=False)


def test_outsider_with_a_key_gets_no_data(server):
    """A login outside the staff group, whatever it asks, never reaches
    zorgkiosk's data through the forced command (it has none) nor through
    zorgkiosk itself."""
    r = ssh(server, 'outsider', BIN, 'export')
    assert r.returncode == 1 and 'geen medewerker' in r.stderr.decode(), r.stderr
    assert b'MZ-2026' not in r.stdout


# Taking an export home: `scp -O host:NAME .` (see src/fetch.h).

def scp_argv(srv, role, remote, dest, *flags):
    return (['scp', '-O'] + list(flags) + ['-P', str(srv['port']), '-i', srv['key'],
            '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes',
            '-o', 'LogLevel=ERROR', '%s@127.0.0.1:%s' % (srv['logins'].name(role), remote), dest])


def scp(argv, cwd):
    return subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=60, cwd=cwd,
                          env=dict(os.environ, LANG='en_US.UTF-8'))


def sha256(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def export_dir(srv, role='staff'):
    """The login's export folder, made as the staff terminal makes it."""
    pw = pwd.getpwnam(srv['logins'].name(role))
    d = os.path.join(pw.pw_dir, 'zorgkiosk-exports')
    if not os.path.isdir(d):
        os.mkdir(d, 0o700)
        os.chown(d, pw.pw_uid, pw.pw_gid)
    return d


def fake_export(folder, name, owner, data=b'ref,name\r\n'):
    path = os.path.join(folder, name)
    with open(path, 'wb') as f:
        f.write(data)
    os.chmod(path, 0o600)
    os.chown(path, owner.pw_uid, owner.pw_gid)
    return path


def fetches(srv):
    return su.sql(srv['db'], "SELECT staff, detail FROM audit WHERE action = 'fetch' ORDER BY id")


def test_the_staff_terminal_says_how_to_fetch_and_scp_fetches_it_byte_for_byte(server, tmp_path):
    env = dict(os.environ, LANG='en_US.UTF-8', TERM='xterm-256color')
    env.pop('LC_ALL', None)
    k = Kiosk(ssh_argv(server, 'staff', tty=True)[1:], binary='/usr/bin/ssh', env=env)
    try:
        k.wait_for('MZ-2026-0001', timeout=30)
        k.send('w')
        k.wait_until(lambda: 'scp -O' in ' '.join(l.strip() for l in k.text()) and
                     ' .' in ' '.join(l.strip() for l in k.text()).split('scp -O', 1)[1],
                     'the command that fetches the export', timeout=20)
        text = ' '.join(l.strip() for l in k.text())
        k.send('q')
        k.proc.wait(timeout=20)
    finally:
        k.close(check=False)
    m = re.search(r'scp -O -P (\d+) (\S+)@127\.0\.0\.1:(requests-[0-9-]+\.xlsx) \.', text)
    assert m, text
    assert (int(m.group(1)), m.group(2)) == (server['port'], server['logins'].name('staff'))
    name = m.group(3)
    original = os.path.join(export_dir(server), name)

    before = len(fetches(server))
    r = scp(scp_argv(server, 'staff', name, '.'), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    got = tmp_path / name
    assert sha256(got) == sha256(original)
    assert got.read_bytes()[:2] == b'PK'
    assert os.stat(got).st_mode & 0o077 == 0
    rows = fetches(server)
    assert len(rows) == before + 1
    assert rows[-1] == (server['logins'].name('staff'), '%s, %d bytes, with scp' % (name, os.path.getsize(original)))


@pytest.fixture
def other_staff(server):
    """A second consultant, with an export of their own."""
    name = logins_mod.PREFIX + '-staff2'
    subprocess.run(['userdel', '--remove', name], stderr=subprocess.DEVNULL)
    subprocess.run(['useradd', '--create-home', '--groups', logins_mod.STAFF_GROUP, name], check=True)
    pw = pwd.getpwnam(name)
    d = os.path.join(pw.pw_dir, 'zorgkiosk-exports')
    os.mkdir(d, 0o700)
    os.chown(d, pw.pw_uid, pw.pw_gid)
    yield fake_export(d, 'requests-2026-01-02-030405.csv', pw, b'ref,name\r\nMZ-2026-0009,Other\r\n')
    subprocess.run(['userdel', '--remove', name], stderr=subprocess.DEVNULL)


@pytest.mark.parametrize('ask', [
    'others', 'traversal', 'absolute', 'path', 'pattern', 'symlink', 'foreign', 'hardlink', 'bashrc', 'folder',
    'no-folder',
])
def test_fetch_gives_only_the_logins_own_exports(server, other_staff, tmp_path, ask):
    staff = pwd.getpwnam(server['logins'].name('staff'))
    mine = export_dir(server)
    fake_export(mine, 'requests-2026-01-01-000000.csv', staff)
    other = os.path.basename(other_staff)
    flags = []
    if ask == 'others':
        remote = other                                    # not in this login's folder
    elif ask == 'traversal':
        remote = '../../%s/zorgkiosk-exports/%s' % (os.path.basename(os.path.dirname(os.path.dirname(other_staff))), other)
    elif ask == 'absolute':
        remote = other_staff
    elif ask == 'path':
        remote = 'zorgkiosk-exports/requests-2026-01-01-000000.csv'
    elif ask == 'pattern':
        remote = 'requests-*.csv'
    elif ask == 'symlink':
        remote = 'requests-2026-01-01-000001.csv'
        os.symlink('/etc/shadow', os.path.join(mine, remote))
        os.lchown(os.path.join(mine, remote), staff.pw_uid, staff.pw_gid)
    elif ask == 'foreign':                                # a file zorgkiosk did not make for this login
        remote = 'requests-2026-01-01-000002.csv'
        fake_export(mine, remote, pwd.getpwnam('root'), b'secret')
    elif ask == 'hardlink':                               # another name of someone's file
        remote = 'requests-2026-01-01-000003.csv'
        os.link(fake_export(mine, 'requests-2026-01-01-000004.csv', staff), os.path.join(mine, remote))
    elif ask == 'bashrc':
        remote = '.bashrc'
    elif ask == 'folder':
        remote, flags = 'zorgkiosk-exports', ['-r']
    else:                                                 # no export made yet
        remote = 'requests-2026-01-01-000000.csv'
        os.rename(mine, mine + '.away')
    before = fetches(server)
    r = scp(scp_argv(server, 'staff', remote, '.', *flags), cwd=tmp_path)
    if ask == 'no-folder':
        os.rename(mine + '.away', mine)
    assert r.returncode != 0, r.stderr
    assert os.listdir(tmp_path) == []
    err = r.stderr.decode()
    assert ('There is no export' if ask in ('others', 'no-folder') else 'Only your own exports') in err, err
    assert fetches(server) == before
    # the login's own export still comes, and nothing of the other's
    r = scp(scp_argv(server, 'staff', 'requests-2026-01-01-000000.csv', '.'), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert os.listdir(tmp_path) == ['requests-2026-01-01-000000.csv']
