"""Trust boundaries, attacked with real logins made for the test (see
logins.py): who is staff comes from the root-owned site file only, the
kiosk account is never staff, a site file others can write is refused, and
an export never overwrites or follows a link."""
import csv
import io
import os
import stat

import pytest

import logins as logins_mod
import staffutil as su
from zkharness import BIN, ROOT, Kiosk

RELEASE = os.path.join(ROOT, 'zorgkiosk')
COMMANDS = [['export'], ['stats'], ['audit'], ['purge', '--older-than', '1d'], ['alerts'], ['staff']]


@pytest.fixture(scope='module')
def logins():
    l = logins_mod.make()
    yield l
    l.remove()


@pytest.fixture
def site(logins, forms_dir):
    """A shared database with one request, made by a staff login, and the
    root-owned site file for it."""
    folder = logins.folder('db')
    db = os.path.join(folder, 'zk.db')
    conf = logins.site(db, forms_dir)
    r = logins.run('staff', [BIN, 'audit'], conf)
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o660
    su.insert_request(db, 'MZ-2026-0001', '2026-03-01T10:00:00Z', su.answers('Geheime Persoon'), status='closed')
    return db, conf


def refused(r, login):
    err = r.stderr.decode()
    assert r.returncode == 1, err
    assert 'geweigerd' in err and login in err and 'geen medewerker' in err, err
    assert b'Geheime' not in r.stdout + r.stderr
    # The kiosk's words for a visitor are not a refusal's.
    assert 'antwoorden staan er nog' not in err
    assert err.count('zk.db') <= 1, err


@pytest.mark.parametrize('command', COMMANDS, ids=lambda c: c[0])
def test_outsider_cannot_name_themselves_staff(logins, site, command):
    db, conf = site
    me = logins.name('outsider')
    attempts = [
        [],
        ['--staff-users', me],
        ['--staff-group', logins_mod.DATA_GROUP],
        ['--db', db],
    ]
    for extra in attempts:
        r = logins.run('outsider', [BIN] + command + extra, conf)
        if extra:
            # Those options are gone: a usage error, before anything opens.
            assert r.returncode == 2 and b'onbekende optie' in r.stderr, r.stderr
        else:
            refused(r, me)
    # Nor through the environment, in either build.
    for binary in (BIN, RELEASE):
        env = logins.env('outsider', conf, ZK_STAFF_USERS=me, ZK_STAFF_GROUP=logins_mod.DATA_GROUP,
                         ZK_DB=db, ZORGKIOSK_STAFF=me)
        r = logins.run('outsider', [binary] + command, env=env)
        assert r.returncode == 1 and b'Geheime' not in r.stdout + r.stderr, r.stderr
    assert su.sql(db, 'SELECT count(*) FROM intake') == [(1,)]


def test_outsider_cannot_bring_their_own_site_file(logins, site, forms_dir):
    """A site file the caller wrote is never trusted, even where the test
    build lets the path be chosen."""
    db, _ = site
    me = logins.name('outsider')
    mine = os.path.join(logins.home('outsider'), 'my.conf')
    with open(mine, 'w') as f:
        f.write('database = "%s";\nforms = "%s";\nstaff_users = ["%s"];\n' % (db, forms_dir, me))
    os.chown(mine, *[os.stat(logins.home('outsider')).st_uid, os.stat(logins.home('outsider')).st_gid])
    r = logins.run('outsider', [BIN, 'export'], mine)
    err = r.stderr.decode()
    assert r.returncode == 1 and 'niet van root' in err and 'niets gestart' in err, err
    assert b'Geheime' not in r.stdout


@pytest.mark.parametrize('mode,what', [(0o666, 'file'), (0o664, 'file'), (0o777, 'folder')])
def test_site_file_others_can_write_is_refused(logins, site, mode, what):
    db, conf = site
    target = conf if what == 'file' else os.path.dirname(conf)
    old = stat.S_IMODE(os.stat(target).st_mode)
    os.chmod(target, mode)
    try:
        for role, argv in (('staff', [BIN, 'export']), ('kiosk', [BIN, '--plain'])):
            r = logins.run(role, argv, conf)
            err = r.stderr.decode()
            assert r.returncode == 1, err
            assert 'door anderen dan de eigenaar' in err and 'chmod go-w' in err, err
            assert b'Geheime' not in r.stdout
    finally:
        os.chmod(target, old)


def test_kiosk_account_is_never_staff(logins, site):
    """The kiosk account is in the staff group by mistake: still refused,
    for every staff command."""
    db, conf = site
    for command in COMMANDS:
        r = logins.run('kiosk', [BIN] + command, conf)
        refused(r, logins.name('kiosk'))
    assert su.sql(db, 'SELECT count(*) FROM audit') == [(0,)]
    assert su.sql(db, 'SELECT count(*) FROM intake') == [(1,)]


def test_staff_member_exports_to_standard_output(logins, site):
    db, conf = site
    r = logins.run('staff', [BIN, 'export', '--format', 'csv'], conf)
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout.decode())))
    assert [row['ref'] for row in rows] == ['MZ-2026-0001']
    assert su.sql(db, "SELECT staff, action FROM audit") == [(logins.name('staff'), 'export')]


def test_export_never_overwrites_or_follows_a_link(logins, site):
    db, conf = site
    home = logins.home('staff')
    uid, gid = os.stat(home).st_uid, os.stat(home).st_gid
    bashrc = os.path.join(home, '.bashrc')
    keys = os.path.join(home, '.ssh', 'authorized_keys')
    os.makedirs(os.path.dirname(keys), exist_ok=True)
    with open(keys, 'w') as f:
        f.write('ssh-ed25519 AAAA test\n')
    os.chown(keys, uid, gid)
    link = os.path.join(home, 'link.csv')
    dangling = os.path.join(home, 'dangling.csv')
    os.symlink(bashrc, link)
    os.symlink(os.path.join(home, 'made-through-link'), dangling)
    before = {p: open(p, 'rb').read() for p in (bashrc, keys, db)}
    for target in (bashrc, keys, link, dangling, db, db + '-wal', db + '-shm', db + '-journal'):
        r = logins.run('staff', [BIN, 'export', '-o', target], conf)
        err = r.stderr.decode()
        assert r.returncode == 1, (target, err)
        assert ('bestaat al' in err or 'map van de database' in err), err
    assert not os.path.exists(os.path.join(home, 'made-through-link'))
    assert not os.path.exists(db + '-journal')
    for p, data in before.items():
        if p != db:
            assert open(p, 'rb').read() == data, p
    assert su.sql(db, 'SELECT count(*) FROM intake') == [(1,)]

    # A new file is made, for its owner only, whatever the umask.
    new = os.path.join(home, 'requests.csv')
    r = logins.run('staff', [BIN, 'export', '-o', new], conf, umask=0)
    assert r.returncode == 0, r.stderr
    st = os.stat(new)
    assert stat.S_IMODE(st.st_mode) == 0o600 and st.st_uid == uid
    assert b'MZ-2026-0001' in open(new, 'rb').read()


def test_staff_screen_exports_to_its_folder_without_asking(logins, site):
    """e in the staff terminal writes a new file in ~/zorgkiosk-exports under
    a name the program makes; a folder that is a link is refused."""
    db, conf = site
    home = logins.home('staff')
    folder = os.path.join(home, 'zorgkiosk-exports')

    # The staff terminal as the staff login, through runuser.
    env = logins.env('staff', conf, LSAN_OPTIONS=su.LSAN)
    k = Kiosk(['-u', logins.name('staff'), '--', BIN, 'staff', '--lang', 'en'], binary='/usr/sbin/runuser', env=env)
    try:
        k.wait_for('MZ-2026-0001', timeout=20)
        k.send('e')
        k.wait_for('Exported 1 request to', timeout=10)
        assert 'which file' not in k.text(), 'it asked for a path'
        files = os.listdir(folder)
        assert len(files) == 1 and files[0].startswith('requests-') and files[0].endswith('.csv'), files
        st = os.stat(folder)
        assert stat.S_IMODE(st.st_mode) == 0o700 and st.st_uid == os.stat(home).st_uid
        assert stat.S_IMODE(os.stat(os.path.join(folder, files[0])).st_mode) == 0o600
        # A second export makes a second file.
        k.send('j')
        k.wait_until(lambda: len(os.listdir(folder)) == 2, 'no second export file')
        k.send('q')
        k.proc.wait(timeout=10)
    finally:
        k.close(check=False)

    # The folder replaced by a link to somewhere else: nothing is written.
    elsewhere = logins.folder('elsewhere')
    os.rename(folder, folder + '.old')
    os.symlink(elsewhere, folder)
    k = Kiosk(['-u', logins.name('staff'), '--', BIN, 'staff', '--lang', 'en'], binary='/usr/sbin/runuser', env=env)
    try:
        k.wait_for('MZ-2026-0001', timeout=20)
        k.send('e')
        k.wait_for('Nothing was exported', timeout=10)
        assert os.listdir(elsewhere) == []
        k.send('q')
        k.proc.wait(timeout=10)
    finally:
        k.close(check=False)


def test_refused_login_gets_no_screen(logins, site):
    """The staff terminal, asked for by a login that is not staff, in a
    real terminal: a plain refusal, and no screen is taken over."""
    db, conf = site
    env = logins.env('outsider', conf)
    k = Kiosk(['-u', logins.name('outsider'), '--', BIN, 'staff'], binary='/usr/sbin/runuser', env=env)
    try:
        assert k.proc.wait(timeout=20) == 1
    finally:
        k.close(check=False)
    raw = bytes(k.raw)
    assert b'Geheime' not in raw and b'MZ-2026-0001' not in raw, raw
    assert b'\x1b[?1049h' not in raw, 'the refused login got a screen: %r' % raw[:300]
    assert su.sql(db, 'SELECT count(*) FROM audit') == [(0,)]
