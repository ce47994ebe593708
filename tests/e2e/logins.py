"""Real Unix logins for the trust-boundary tests, made by the tests
themselves (useradd; CI runs as root) and removed at the end of the run:

    outsider   another login on the host, in no zorgkiosk group
    staff      a consultant: in the staff group and the data group
    kiosk      the kiosk account: in the data group, and by mistake in the
               staff group too (it must still never be staff)

`site(...)` writes a root-owned site configuration naming these groups,
and a folder that all three may enter, for databases they share."""
import grp
import os
import pwd
import subprocess
import tempfile

import pytest

import zkharness

PREFIX = 'zkt'
STAFF_GROUP = PREFIX + '-staff'
DATA_GROUP = PREFIX + '-data'
NAMES = {'outsider': PREFIX + '-outsider', 'staff': PREFIX + '-staff1', 'kiosk': PREFIX + '-kiosk'}


def _exists(kind, name):
    try:
        (pwd.getpwnam if kind == 'user' else grp.getgrnam)(name)
        return True
    except KeyError:
        return False


class Logins:
    def __init__(self):
        self.top = tempfile.mkdtemp(prefix='zk-logins-')
        os.chmod(self.top, 0o755)
        for g in (STAFF_GROUP, DATA_GROUP):
            if not _exists('group', g):
                subprocess.run(['groupadd', '--system', g], check=True)
        groups = {'outsider': [], 'staff': [STAFF_GROUP, DATA_GROUP], 'kiosk': [DATA_GROUP, STAFF_GROUP]}
        for role, name in NAMES.items():
            if _exists('user', name):
                subprocess.run(['userdel', '--remove', name], stderr=subprocess.DEVNULL)
            argv = ['useradd', '--create-home', '--shell', '/bin/bash', name]
            if groups[role]:
                argv[1:1] = ['--groups', ','.join(groups[role])]
            subprocess.run(argv, check=True)
            # No password, but not locked: sshd refuses a locked account even a key.
            subprocess.run(['usermod', '-p', '*', name], check=True)
        self.data_gid = grp.getgrnam(DATA_GROUP).gr_gid

    def name(self, role):
        return NAMES[role]

    def home(self, role):
        return pwd.getpwnam(NAMES[role]).pw_dir

    def folder(self, label):
        """A folder shared through the data group, as /var/lib/zorgkiosk is
        set up (root:data, 2770)."""
        d = tempfile.mkdtemp(prefix=label + '-', dir=self.top)
        os.chown(d, 0, self.data_gid)
        os.chmod(d, 0o2770)
        return d

    def site(self, db, forms, **more):
        """A site file owned by root, mode 0644, in a folder only root writes."""
        d = tempfile.mkdtemp(prefix='site-', dir=self.top)
        os.chmod(d, 0o755)
        settings = dict(database=str(db), forms=str(forms), staff_group=STAFF_GROUP,
                        database_group=DATA_GROUP, kiosk_user=NAMES['kiosk'])
        settings.update(more)
        return zkharness.write_site(os.path.join(d, 'zorgkiosk.conf'), **settings)

    def env(self, role, conf=None, **extra):
        """A login's environment, as su - would make it."""
        pw = pwd.getpwnam(NAMES[role])
        env = zkharness.base_env(HOME=pw.pw_dir, USER=pw.pw_name, LOGNAME=pw.pw_name, **extra)
        if conf is not None:
            env['ZK_TEST_CONF'] = conf
        return env

    def preexec(self, role, umask=0o022):
        """For subprocess: become the login (its groups too)."""
        pw = pwd.getpwnam(NAMES[role])

        def become():
            os.initgroups(pw.pw_name, pw.pw_gid)
            os.setgid(pw.pw_gid)
            os.setuid(pw.pw_uid)
            os.umask(umask)
        return become

    def run(self, role, argv, conf=None, env=None, umask=0o022, timeout=30):
        """Run argv as the login, without a terminal; bytes out."""
        return subprocess.run([str(a) for a in argv], stdin=subprocess.DEVNULL, capture_output=True,
                              env=env or self.env(role, conf), preexec_fn=self.preexec(role, umask),
                              timeout=timeout, cwd='/')

    def remove(self):
        for name in NAMES.values():
            subprocess.run(['pkill', '-KILL', '-u', name], stderr=subprocess.DEVNULL)
            subprocess.run(['userdel', '--remove', name], stderr=subprocess.DEVNULL)
        for g in (STAFF_GROUP, DATA_GROUP):
            subprocess.run(['groupdel', g], stderr=subprocess.DEVNULL)
        subprocess.run(['rm', '-rf', self.top])


def make():
    if os.geteuid() != 0:
        pytest.skip('making test logins needs root (CI runs as root)')
    return Logins()
