"""Backups that restore: `zorgkiosk backup` while eight kiosks submit,
`zorgkiosk restore` of it, the standard age tool on the same file, the
refusals (an existing file or database, a wrong key, no or a wrong
backup_recipient, the kiosk account), the backups kept (backup_keep) and
`zorgkiosk status` for a monitor. Real SQLite files, the real age and
age-keygen binaries (Debian package age)."""
import datetime
import grp
import hashlib
import os
import pwd
import sqlite3
import subprocess
import threading
import time

import pytest

import rawpty
import staffutil as su
import zkharness
from zkharness import BIN, ROOT, write_site

AGE, AGE_KEYGEN = '/usr/bin/age', '/usr/bin/age-keygen'
# The eight kiosks run the release build (the sanitizer build of eight
# line-mode kiosks at once would take the test past a minute); backup and
# restore run ZK_BIN.
KIOSK_BIN = os.path.join(ROOT, 'build', 'zorgkiosk-release-test')
WRITERS = 8

pytestmark = pytest.mark.skipif(not (os.access(AGE, os.X_OK) and os.access(AGE_KEYGEN, os.X_OK)),
                                reason='needs the age tool (Debian package age)')


def keypair(folder):
    """A new age key file in folder; returns (its path, its public key)."""
    key = os.path.join(str(folder), 'backup-key.txt')
    subprocess.run([AGE_KEYGEN, '-o', key], check=True, capture_output=True)
    pub = subprocess.run([AGE_KEYGEN, '-y', key], check=True, capture_output=True, text=True).stdout.strip()
    return key, pub


def existing(names, lookup):
    for n in names:
        try:
            return lookup(n)
        except KeyError:
            pass
    return None


def site(folder, db, **settings):
    """A site file in its own folder (closed to others, as the trust rule
    wants); returns the environment that points the test build at it."""
    d = os.path.join(str(folder), 'site-%d' % len(os.listdir(str(folder))))
    os.makedirs(d, mode=0o755)
    conf = write_site(os.path.join(d, 'zorgkiosk.conf'), database=str(db),
                      forms=os.path.join(ROOT, 'forms'), **settings)
    return su.env('en_US.UTF-8', ZK_TEST_CONF=conf)


def zk(args, env, binary=None, timeout=60):
    r = subprocess.run([binary or BIN] + list(args), stdin=subprocess.DEVNULL, capture_output=True,
                       env=env, timeout=timeout, text=True, errors='replace')
    assert not any(m in r.stderr for m in zkharness.SANITIZER_MARKS), r.stderr[-4000:]
    return r


def refs(db):
    return {r[0] for r in zkharness.db_rows(str(db), 'SELECT ref FROM intake')}


def digest(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


class Writers:
    """WRITERS kiosks in line mode, each submitting one request after the
    other (a new session each time) until stopped. seen holds (reference,
    the moment the visitor saw it on screen, the name typed)."""

    def __init__(self, env, forms, tmp):
        self.env, self.forms, self.tmp = env, forms, tmp
        self.seen, self.errors = [], []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(i,), daemon=True) for i in range(WRITERS)]

    def run(self, i):
        n = 0
        while not self.stop.is_set():
            n += 1
            # A name that appears nowhere else: its bytes are looked for
            # in the backup.
            name = 'Wisselbackup%dx%d Tesselschade' % (i, n)
            s = rawpty.LineSession(['--plain'], env=dict(self.env, TERM='dumb'), binary=KIOSK_BIN,
                                   stderr_path=os.path.join(self.tmp, 'kiosk-%d-%d.txt' % (i, n)))
            try:
                ref, _, _ = rawpty.line_walk(s, self.forms, 'nl', name=name)
                with self.lock:
                    self.seen.append((ref, time.monotonic(), name))
            except Exception as e:  # noqa: BLE001  (reported by the test)
                with self.lock:
                    self.errors.append('%s: %s' % (name, e))
                return
            finally:
                s.kill()

    def start(self):
        for t in self.threads:
            t.start()

    def wait_for(self, n, timeout=60):
        deadline = time.monotonic() + timeout
        while len(self.seen) < n and not self.errors and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not self.errors, self.errors
        assert len(self.seen) >= n, 'only %d requests in %d s' % (len(self.seen), timeout)

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=60)
        assert not self.errors, self.errors


def test_backup_while_kiosks_write_restores_every_request_seen(tmp_path, forms):
    key, pub = keypair(tmp_path)
    (tmp_path / 'data').mkdir()
    (tmp_path / 'backups').mkdir(mode=0o700)
    db = tmp_path / 'data' / 'zk.db'
    env = site(tmp_path, db, backup_recipient=pub, backup_folder=str(tmp_path / 'backups'))
    r = zk(['migrate'], env)
    assert r.returncode == 0, r.stderr

    w = Writers(env, forms, str(tmp_path))
    w.start()
    try:
        w.wait_for(WRITERS)
        # Several backups while the kiosks go on submitting; what a visitor
        # saw before a backup began must be in it.
        made = []
        for k in range(4):
            before = time.monotonic()
            with w.lock:
                shown = {ref for ref, at, _ in w.seen if at < before}
            out = tmp_path / ('backup-%d.age' % k)
            r = zk(['backup', '-o', str(out)], env)
            assert r.returncode == 0, r.stderr
            made.append((out, shown, before, time.monotonic()))
            w.wait_for(len(w.seen) + 2)
    finally:
        w.finish()
    during = [ref for ref, at, _ in w.seen if any(b <= at <= e for _, _, b, e in made)]
    names = [name for _, _, name in w.seen]

    for k, (out, shown, _, _) in enumerate(made):
        raw = out.read_bytes()
        assert raw.startswith(b'age-encryption.org/v1\n'), raw[:40]
        assert oct(os.stat(out).st_mode & 0o777) == '0o600'
        for name in names + ['Tesselschade', 'SQLite format 3', 'MZ-20']:
            assert name.encode() not in raw, '%r readable in backup %d' % (name, k)

        # Restored where there is no database: every reference seen.
        target = tmp_path / ('restored-%d' % k)
        target.mkdir()
        renv = site(tmp_path, target / 'zk.db', backup_recipient=pub)
        r = zk(['restore', '-i', key, str(out)], renv)
        assert r.returncode == 0, r.stderr
        got = refs(target / 'zk.db')
        assert shown <= got, 'missing from backup %d: %s' % (k, sorted(shown - got))
        assert rawpty.integrity(str(target / 'zk.db')) == [('ok',)]
        assert '%d' % len(got) in r.stdout and max(got) in r.stdout, r.stdout

        # The standard tool alone gives a database sqlite3 opens.
        plain = tmp_path / ('plain-%d.db' % k)
        subprocess.run([AGE, '-d', '-i', key, '-o', str(plain), str(out)], check=True)
        q = subprocess.run(['sqlite3', str(plain), 'PRAGMA integrity_check; SELECT count(*) FROM intake;'],
                           capture_output=True, text=True, check=True)
        assert q.stdout.split() == ['ok', str(len(got))], q.stdout + q.stderr
    # Refused a moment ago: the drill wrote while backups ran.
    assert during, 'no request was sent while a backup ran; the drill proves little'
    assert refs(db) >= {ref for ref, _, _ in w.seen}


def test_restore_gives_the_database_the_site_owner_group_and_mode(tmp_path):
    group = existing(['zorgkiosk', 'users', 'daemon'], grp.getgrnam)
    kiosk = existing(['zorgkiosk', 'daemon', 'nobody'], pwd.getpwnam)
    if group is None or kiosk is None:
        pytest.skip('no group or account to give the database to')
    key, pub = keypair(tmp_path)
    (tmp_path / 'data').mkdir()
    src = tmp_path / 'data' / 'src.db'
    su.create_db(src)
    su.insert_request(src, 'MZ-2026-0007', '2026-03-01T10:00:00Z', su.answers('Griet Hoefnagel'))
    env = site(tmp_path, src, backup_recipient=pub)
    out = tmp_path / 'one.age'
    assert zk(['backup', '-o', str(out)], env).returncode == 0
    (tmp_path / 'new').mkdir()
    db = tmp_path / 'new' / 'zk.db'
    renv = site(tmp_path, db, backup_recipient=pub, database_group=group.gr_name, kiosk_user=kiosk.pw_name)
    r = zk(['restore', '-i', key, str(out)], renv)
    assert r.returncode == 0, r.stderr
    st = os.stat(db)
    assert (st.st_uid, st.st_gid, st.st_mode & 0o7777) == (kiosk.pw_uid, group.gr_gid, 0o660)
    assert 'MZ-2026-0007' in r.stdout and '2026-03-01T10:00:00Z' in r.stdout, r.stdout
    assert not [f for f in os.listdir(tmp_path / 'new') if 'restore-' in f], 'a temporary file was left'


def test_restore_refuses_an_existing_database_and_a_wrong_key(tmp_path):
    key, pub = keypair(tmp_path)
    (tmp_path / 'other').mkdir()
    wrong, _ = keypair(tmp_path / 'other')
    (tmp_path / 'data').mkdir()
    db = tmp_path / 'data' / 'zk.db'
    su.create_db(db)
    su.insert_request(db, 'MZ-2026-0001', '2026-01-05T09:00:00Z', su.answers('Anna Eén'))
    env = site(tmp_path, db, backup_recipient=pub)
    out = tmp_path / 'b.age'
    assert zk(['backup', '-o', str(out)], env).returncode == 0

    before = digest(db)
    r = zk(['restore', '-i', key, str(out)], env)
    assert r.returncode == 1
    assert 'already exists; restore never replaces a database' in r.stderr, r.stderr
    assert digest(db) == before

    (tmp_path / 'empty').mkdir()
    missing = tmp_path / 'empty' / 'zk.db'
    menv = site(tmp_path, missing, backup_recipient=pub)
    r = zk(['restore', '-i', wrong, str(out)], menv)
    assert r.returncode == 1
    assert 'cannot decrypt' in r.stderr and 'no identity matched' in r.stderr, r.stderr
    assert os.listdir(tmp_path / 'empty') == []

    # A -wal left where the database was would be replayed into it.
    (tmp_path / 'empty' / 'zk.db-wal').write_bytes(b'x' * 32)
    r = zk(['restore', '-i', key, str(out)], menv)
    assert r.returncode == 1 and 'zk.db-wal' in r.stderr, r.stderr
    assert not missing.exists()


def test_backup_refusals(tmp_path):
    key, pub = keypair(tmp_path)
    (tmp_path / 'data').mkdir()
    db = tmp_path / 'data' / 'zk.db'
    su.create_db(db)
    (tmp_path / 'out').mkdir()

    # An existing file, or a link (here to one that does not exist yet).
    taken = tmp_path / 'out' / 'taken.age'
    taken.write_text('mine\n')
    link = tmp_path / 'out' / 'link.age'
    os.symlink(tmp_path / 'out' / 'target', link)
    env = site(tmp_path, db, backup_recipient=pub)
    for path in (taken, link):
        r = zk(['backup', '-o', str(path)], env)
        assert r.returncode == 1
        assert 'already exists; a backup never replaces a file' in r.stderr, r.stderr
    assert taken.read_text() == 'mine\n' and not (tmp_path / 'out' / 'target').exists()

    # No backup_recipient: says what to do; nothing written.
    r = zk(['backup', '-o', str(tmp_path / 'out' / 'new.age')], site(tmp_path, db))
    assert r.returncode == 1 and 'names no backup_recipient' in r.stderr and 'age-keygen' in r.stderr, r.stderr
    # A mistyped key: the site file is refused, with its line.
    typo = pub[:-1] + ('q' if pub[-1] != 'q' else 'p')
    r = zk(['backup', '-o', str(tmp_path / 'out' / 'new.age')], site(tmp_path, db, backup_recipient=typo))
    assert r.returncode == 1 and 'backup_recipient is an age public key' in r.stderr, r.stderr
    assert not (tmp_path / 'out' / 'new.age').exists()

    # Never the kiosk account (here: this login, named so).
    me = pwd.getpwuid(os.getuid()).pw_name
    r = zk(['backup', '-o', str(tmp_path / 'out' / 'new.age')],
           site(tmp_path, db, backup_recipient=pub, kiosk_user=me))
    assert r.returncode == 1 and 'is not staff' in r.stderr, r.stderr
    assert not (tmp_path / 'out' / 'new.age').exists()


def stamp(days_ago):
    t = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=days_ago)
    return 'zorgkiosk-%s.db.age' % t.strftime('%Y%m%dT%H%M%SZ')


def test_backup_keeps_the_newest_and_touches_nothing_else(tmp_path):
    key, pub = keypair(tmp_path)
    db = tmp_path / 'zk.db'
    su.create_db(db)
    folder = tmp_path / 'backups'
    folder.mkdir(mode=0o700)
    old = [stamp(d) for d in (1, 2, 3, 4, 5)]
    for name in old:
        (folder / name).write_bytes(b'old backup\n')
    # Not ours to delete: other names, a link (and what it points to), a
    # folder, though named like backups and older than all.
    (folder / 'notes.txt').write_text('keep\n')
    outside = tmp_path / 'outside.txt'
    outside.write_text('keep\n')
    os.symlink(outside, folder / stamp(30))
    os.mkdir(folder / stamp(31))
    (folder / (stamp(32) + '.partial')).write_text('keep\n')

    env = site(tmp_path, db, backup_recipient=pub, backup_folder=str(folder), backup_keep=3)
    r = zk(['backup'], env)
    assert r.returncode == 0, r.stderr
    left = sorted(os.listdir(folder))
    new = [n for n in left if n not in old and os.path.isfile(folder / n) and not os.path.islink(folder / n)
           and n.endswith('.db.age')]
    assert len(new) == 1, left
    assert (folder / new[0]).read_bytes().startswith(b'age-encryption.org/v1\n')
    assert oct(os.stat(folder / new[0]).st_mode & 0o777) == '0o600'
    kept = [n for n in old if (folder / n).exists()]
    assert kept == old[:2], 'kept %s of %s' % (kept, old)
    for n in ('notes.txt', stamp(30), stamp(31), stamp(32) + '.partial'):
        assert os.path.lexists(folder / n), n
    assert outside.read_text() == 'keep\n'
    for n in old[2:]:
        assert 'Removed the old backup %s/%s' % (folder, n) in r.stdout, r.stdout

    # A backup folder others can read is refused, and nothing is written.
    os.chmod(folder, 0o755)
    before = sorted(os.listdir(folder))
    r = zk(['backup'], env)
    assert r.returncode == 1 and 'must be yours alone' in r.stderr, r.stderr
    assert sorted(os.listdir(folder)) == before


@pytest.mark.parametrize('days,word,code', [
    (None, 'OK', 0), (3, 'WARNING', 1), (8, 'CRITICAL', 2), ('none', 'CRITICAL', 2)])
def test_status_for_a_monitor(tmp_path, days, word, code):
    key, pub = keypair(tmp_path)
    db = tmp_path / 'zk.db'
    su.create_db(db)
    su.insert_request(db, 'MZ-2026-0003', '2026-02-01T08:30:00Z', su.answers('Bep Koster'))
    folder = tmp_path / 'backups'
    folder.mkdir(mode=0o700)
    env = site(tmp_path, db, backup_recipient=pub, backup_folder=str(folder))
    if days is None:
        assert zk(['backup'], env).returncode == 0
    elif days != 'none':
        (folder / stamp(days)).write_bytes(b'age-encryption.org/v1\n')
    r = zk(['status'], env)
    lines = r.stdout.splitlines()
    assert r.returncode == code, r.stdout + r.stderr
    assert lines[0].startswith(word + ' - '), lines
    assert any('writable, quick_check ok' in l for l in lines), lines
    assert any('2026-02-01T08:30:00Z' in l for l in lines), lines


def test_status_says_critical_without_a_database(tmp_path):
    key, pub = keypair(tmp_path)
    folder = tmp_path / 'backups'
    folder.mkdir(mode=0o700)
    env = site(tmp_path, tmp_path / 'gone.db', backup_recipient=pub, backup_folder=str(folder))
    (folder / stamp(0)).write_bytes(b'age-encryption.org/v1\n')
    r = zk(['status'], env)
    assert r.returncode == 2 and r.stdout.startswith('CRITICAL - '), r.stdout
    assert 'does not exist' in r.stdout
    assert not (tmp_path / 'gone.db').exists(), 'status made a database'


@pytest.mark.parametrize('version', [5, 99])
def test_restore_migrates_an_older_schema_and_refuses_a_newer(tmp_path, version):
    """A backup of an older zorgkiosk (here: the file as it was at schema
    5) is brought up to date as opening does; a newer one is refused."""
    key, pub = keypair(tmp_path)
    (tmp_path / 'data').mkdir()
    src = tmp_path / 'data' / 'zk.db'
    su.create_db(src)
    su.insert_request(src, 'MZ-2026-0005', '2026-05-01T10:00:00Z', su.answers('Oud Schema'))
    con = sqlite3.connect(str(src))
    current = con.execute('PRAGMA user_version').fetchone()[0]
    con.execute('PRAGMA user_version = %d' % version)
    con.execute('PRAGMA wal_checkpoint(TRUNCATE)')
    con.close()
    out = tmp_path / 'old.age'
    subprocess.run([AGE, '-r', pub, '-o', str(out), str(src)], check=True)
    (tmp_path / 'new').mkdir()
    db = tmp_path / 'new' / 'zk.db'
    r = zk(['restore', '-i', key, str(out)], site(tmp_path, db, backup_recipient=pub))
    if version > current:
        assert r.returncode == 1 and 'made by a newer version of zorgkiosk' in r.stderr, r.stderr
        assert os.listdir(tmp_path / 'new') == []
        return
    assert r.returncode == 0, r.stderr
    assert 'schema version %d' % version in r.stdout and 'MZ-2026-0005' in r.stdout, r.stdout
    con = sqlite3.connect(str(db))
    assert con.execute('PRAGMA user_version').fetchone()[0] == current
    con.close()
    assert refs(db) == {'MZ-2026-0005'}
