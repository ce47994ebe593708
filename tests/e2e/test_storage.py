"""Stored data stays whole: a damaged database or a file that is not ours
is refused before the kiosk answers a key, without a byte changed; a read-only or
immutable database and a failing disk each get their own message while the
answers stay on screen; a truncated -shm does not kill the kiosk.

The disk faults are real: a tmpfs remounted read-only, and a small ext4
image on a loop device that the kernel makes read-only (trigger_fs_error),
marks immutable (chattr +i) or shuts down (every I/O then fails with EIO).
Those need root (CI runs as root) and are skipped with the reason otherwise."""
import fcntl
import hashlib
import os
import random
import re
import shutil
import sqlite3
import struct
import subprocess

import pytest

from rawpty import alive, fill_and_review, to_form
from zkharness import REF_RE, T

LANG = 'nl'
NAME = 'Opslag Test'

# Why the database was refused at start, for the administrator (stderr).
REASON = {
    'notours': 'it is damaged or is not a zorgkiosk database; it was not changed',
    'newer': 'it was made by a newer version of zorgkiosk',
    'damaged': 'it is damaged (it was not changed); restore it from a backup',
    'rofs': 'the disk that holds it is read-only',
    'full': 'the disk is full',
}
# What the caregiver is told when sending fails.
MSG = {
    'rofs': 'The disk that holds the database is read-only, so nothing was stored. Your answers are '
            'still here. Please tell a staff member.',
    'immutable': 'The database is locked against every change (immutable), so nothing was stored. '
                 'Your answers are still here. Please tell a staff member.',
    'ioerr': 'The disk reported an error while storing, so nothing was stored. Your answers are still '
             'here. Please tell a staff member.',
}
SIDE = ('', '-wal', '-shm')


def need_root():
    if os.geteuid() != 0:
        pytest.skip('needs root: mounting file systems and chattr (CI runs the tests as root)')


def sums(db):
    """sha256 of the database, its -wal and its -shm (None when missing)."""
    out = {}
    for ext in SIDE:
        p = str(db) + ext
        out[ext or 'db'] = hashlib.sha256(open(p, 'rb').read()).hexdigest() if os.path.exists(p) else None
    return out


# Text of the main menu: sent only if a key was answered.
MENU_TEXT = re.compile(rb'Activiteit|Iemand blijft')


def refused(kiosk, db, msgid):
    """Start the kiosk on db and choose Nederlands at once: it must end with
    status 1 and msgid on stderr without answering that key (the database is
    checked while the welcome is out, before the first key is read), and
    give the terminal back. Returns a problem, or None."""
    k = kiosk(db=str(db), wait=False)
    os.write(k.master, b'1')
    try:
        status = k.proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        status = None
    k.reader.join(timeout=2)
    screen = k.dump()
    shown = k.contains('Nederlands')
    raw = re.sub(rb'\x1b\[[0-9;?]*[A-Za-z]', b'', bytes(k.raw))
    k.close(check=False)
    err = k.stderr()
    if status != 1:
        return 'status %s, not 1; stderr:\n%s\nscreen:\n%s' % (status, err[-2000:], screen)
    if MENU_TEXT.search(raw):
        return 'a key was answered before the refusal:\n' + raw.decode(errors='replace')[-2000:]
    if shown or k.raw.rfind(b'\x1b[?1049l') < k.raw.rfind(b'\x1b[?1049h'):
        return 'the terminal was not given back:\n' + screen
    if T(msgid, 'nl') not in err and T(msgid, 'en') not in err:
        return 'no %r on stderr:\n%s' % (msgid, err[-2000:])
    return None


def make_zorgkiosk_db(kiosk, db):
    """A zorgkiosk database made by the kiosk itself, closed again."""
    k = kiosk(db=str(db))
    k.close()


def leave_wal(db, sql):
    """Run sql on db in WAL mode in a process that then dies without closing,
    as a program that crashed: its -wal and -shm stay, not checkpointed."""
    code = ('import os, sqlite3, sys\n'
            'con = sqlite3.connect(sys.argv[1], isolation_level=None)\n'
            'con.execute("PRAGMA journal_mode = WAL")\n'
            'con.executescript(sys.argv[2])\n'
            'os._exit(0)\n')
    subprocess.run(['/usr/bin/python3', '-c', code, str(db), sql], check=True, timeout=20)
    assert os.path.getsize(str(db) + '-wal') > 0


# --------------------------------------------------------------------------
# Refused at start, before a visitor types anything.

def test_damaged_database_is_refused_before_a_key_is_answered(kiosk, tmp_path):
    db = tmp_path / 'zk.db'
    make_zorgkiosk_db(kiosk, db)
    con = sqlite3.connect(str(db))
    with con:
        for i in range(200):
            cur = con.execute("INSERT INTO intake (ref, year, seq, created_at, ui_lang, form_version)"
                              " VALUES (?, 2026, ?, '2026-01-05T10:00:00Z', 'nl', 1)", ('MZ-2026-%04d' % (i + 1), i + 1))
            con.execute("INSERT INTO answer VALUES (?, 'name', ?)", (cur.lastrowid, 'Naam %d' % i))
    root = con.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'answer'").fetchone()[0]
    con.close()
    assert not os.path.exists(str(db) + '-wal')
    data = bytearray(db.read_bytes())
    page = 4096
    assert len(data) > root * page
    # A page of answers overwritten, as a failing disk would: the header and
    # the schema are intact, so only a check of the pages finds it.
    data[(root - 1) * page + 8:(root - 1) * page + 200] = random.Random(4).randbytes(192)
    db.write_bytes(bytes(data))
    before = sums(db)
    problem = refused(kiosk, db, REASON['damaged'])
    assert problem is None, problem
    assert sums(db) == before, 'the damaged database was changed'


def test_files_not_ours_are_not_changed_in_any_byte(kiosk, tmp_path):
    """sha256 of the file, its -wal and its -shm before and after, for: another
    program's database with its last transactions still in the -wal, random
    bytes, a text, an empty file beside another program's -wal, and a
    zorgkiosk database of a newer schema with a -wal not yet checkpointed."""
    cases = []

    d = tmp_path / 'foreign'
    d.mkdir()
    leave_wal(d / 'zk.db', "CREATE TABLE recipe (name TEXT, minutes INTEGER);"
                           "INSERT INTO recipe VALUES ('stamppot', 45); INSERT INTO recipe VALUES ('hutspot', 40);")
    cases.append(('another program with a pending -wal', d / 'zk.db', REASON['notours']))

    d = tmp_path / 'random'
    d.mkdir()
    (d / 'zk.db').write_bytes(random.Random(7).randbytes(20000))
    cases.append(('random bytes', d / 'zk.db', REASON['notours']))

    d = tmp_path / 'text'
    d.mkdir()
    (d / 'zk.db').write_text('Boodschappen:\n- brood\n- melk\n- kaas\n' * 200)
    cases.append(('a text', d / 'zk.db', REASON['notours']))

    d = tmp_path / 'empty'
    d.mkdir()
    leave_wal(d / 'other.db', "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine');")
    (d / 'zk.db').write_bytes(b'')
    shutil.copy(str(d / 'other.db-wal'), str(d / 'zk.db-wal'))
    cases.append(('an empty file beside another program\'s -wal', d / 'zk.db', REASON['notours']))

    d = tmp_path / 'foreign-wal'
    d.mkdir()
    make_zorgkiosk_db(kiosk, d / 'zk.db')
    leave_wal(d / 'other.db', "CREATE TABLE recipe (name TEXT); INSERT INTO recipe VALUES ('boerenkool');")
    shutil.copy(str(d / 'other.db-wal'), str(d / 'zk.db-wal'))
    for ext in ('', '-wal', '-shm'):
        os.unlink(str(d / 'other.db') + ext)
    cases.append(('our database beside another program\'s -wal', d / 'zk.db', REASON['notours']))

    d = tmp_path / 'newer'
    d.mkdir()
    make_zorgkiosk_db(kiosk, d / 'zk.db')
    leave_wal(d / 'zk.db', "PRAGMA user_version = 99; PRAGMA wal_checkpoint(TRUNCATE);"
                           "INSERT INTO audit (at, staff, action) VALUES ('2030-01-01T00:00:00Z', 'x', 'newer');")
    cases.append(('a newer zorgkiosk database with a pending -wal', d / 'zk.db', REASON['newer']))

    problems = []
    for what, db, msgid in cases:
        before = sums(db)
        names = sorted(os.listdir(db.parent))
        problem = refused(kiosk, db, msgid)
        if problem:
            problems.append('%s: %s' % (what, problem))
        after = sums(db)
        for name in before:
            if before[name] != after[name]:
                problems.append('%s: %s changed (sha256 %s -> %s)' % (what, name, before[name], after[name]))
        if sorted(os.listdir(db.parent)) != names:
            problems.append('%s: files appeared or went: %r -> %r' % (what, names, sorted(os.listdir(db.parent))))
    assert not problems, '\n'.join(problems)


@pytest.fixture
def tmpfs(tmp_path):
    """A small tmpfs (root only)."""
    need_root()
    mnt = tmp_path / 'tmpfs'
    mnt.mkdir()
    subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'zk-test', str(mnt)], check=True)
    yield mnt
    subprocess.run(['umount', '-l', str(mnt)], check=False)


def test_read_only_file_system_is_refused_at_start_with_its_own_message(kiosk, tmpfs):
    db = tmpfs / 'zk.db'
    make_zorgkiosk_db(kiosk, db)
    subprocess.run(['mount', '-o', 'remount,ro', str(tmpfs)], check=True)
    problem = refused(kiosk, db, REASON['rofs'])
    assert problem is None, problem


def listing(folder):
    """Every file in folder: name -> (mode, size, mtime in ns)."""
    return {n: (os.lstat(folder / n).st_mode, os.lstat(folder / n).st_size, os.lstat(folder / n).st_mtime_ns)
            for n in os.listdir(folder)}


def test_full_disk_at_start_is_refused_and_leaves_no_new_file(kiosk, tmpfs):
    """The database without its -wal and -shm (the last kiosk ended) on a
    full disk: refused with its own message, before SQLite makes a -shm
    there. With room again, the kiosk starts and stores."""
    db = tmpfs / 'zk.db'
    make_zorgkiosk_db(kiosk, db)
    filler = tmpfs / 'filler'
    # Unbuffered: a buffered file would try its last part again at close.
    with open(filler, 'wb', buffering=0) as f:
        try:
            while True:
                f.write(b'\0' * 65536)
        except OSError:
            pass
    before = listing(tmpfs)
    assert sorted(before) == ['filler', 'zk.db'], before
    problem = refused(kiosk, db, REASON['full'])
    assert problem is None, problem
    assert listing(tmpfs) == before, 'the refused start changed the folder:\n%r\n->\n%r' % (before, listing(tmpfs))
    os.unlink(filler)
    k = on_review(kiosk, db)
    k.send('1')
    ref = k.wait_match(REF_RE.pattern, timeout=20).group(0)
    assert sqlite3.connect(str(db)).execute('SELECT count(*) FROM intake WHERE ref = ?', (ref,)).fetchone()[0] == 1


# --------------------------------------------------------------------------
# The disk goes wrong while a caregiver fills in the form.

@pytest.fixture
def ext4(tmp_path):
    """An ext4 file system of 16 MB on a loop device (root only), mounted
    with errors=remount-ro; yields (folder, loop device name)."""
    need_root()
    for tool in ('mkfs.ext4', 'losetup', 'chattr'):
        if shutil.which(tool) is None:
            pytest.skip('%s is missing (e2fsprogs, mount)' % tool)
    img, mnt = tmp_path / 'ext4.img', tmp_path / 'ext4'
    mnt.mkdir()
    with open(img, 'wb') as f:
        f.truncate(16 << 20)
    subprocess.run(['mkfs.ext4', '-q', '-F', str(img)], check=True, stdout=subprocess.DEVNULL)
    p = subprocess.run(['mount', '-o', 'loop,errors=remount-ro', str(img), str(mnt)], capture_output=True, text=True)
    if p.returncode != 0:
        pytest.skip('cannot mount a loop device here: ' + p.stderr.strip())
    dev = subprocess.run(['findmnt', '-n', '-o', 'SOURCE', str(mnt)], capture_output=True, text=True).stdout.strip()
    yield mnt, os.path.basename(dev)
    for name in os.listdir(mnt) if os.path.isdir(mnt) else []:
        subprocess.run(['chattr', '-i', str(mnt / name)], check=False, capture_output=True)
    subprocess.run(['umount', str(mnt)], check=False, capture_output=True)
    if os.path.ismount(mnt):
        subprocess.run(['umount', '-l', str(mnt)], check=False)


def on_review(kiosk, db):
    """A kiosk on db, with the form filled in and the review in view."""
    k = kiosk(db=str(db))
    to_form(k, FORMS, LANG)
    fill_and_review(k, FORMS, LANG, {'name': NAME, 'phone': '06 12345678'})
    return k


def send_fails_with(k, msgid):
    """Send: msgid is shown, no reference, the answers are still on screen
    and the kiosk lives."""
    k.send('1')
    k.wait_for('1  ' + T('Try sending again', LANG), timeout=20)
    k.quiet(0.1)
    screen = k.dump()
    assert alive(k.proc), 'the kiosk died (status %s)\n%s\n%s' % (k.proc.poll(), k.stderr()[-3000:], screen)
    assert k.contains(T(msgid, LANG)), 'not the message %r:\n%s' % (T(msgid, LANG), screen)
    assert not REF_RE.search('\n'.join(k.text())), 'a reference is shown while nothing was stored:\n' + screen
    assert k.contains(NAME), 'the answers are gone from the screen:\n' + screen


FORMS = None


@pytest.fixture(autouse=True)
def _forms(forms):
    global FORMS
    FORMS = forms


def test_disk_turns_read_only_while_the_form_is_filled_in(kiosk, ext4):
    mnt, dev = ext4
    trigger = '/sys/fs/ext4/%s/trigger_fs_error' % dev
    if not os.path.exists(trigger):
        pytest.skip('this kernel has no %s' % trigger)
    k = on_review(kiosk, mnt / 'zk.db')
    with open(trigger, 'w') as f:
        f.write('test: the disk turns read-only\n')
    send_fails_with(k, MSG['rofs'])


def test_immutable_shm_while_the_form_is_filled_in(kiosk, ext4):
    mnt, _ = ext4
    db = mnt / 'zk.db'
    k = on_review(kiosk, db)
    shm = str(db) + '-shm'
    assert os.path.exists(shm), 'no -shm while the kiosk runs'
    subprocess.run(['chattr', '+i', shm], check=True)
    send_fails_with(k, MSG['immutable'])
    # Once the flag is gone, the same answers are sent.
    subprocess.run(['chattr', '-i', shm], check=True)
    k.send('1')
    ref = k.wait_match(REF_RE.pattern, timeout=20).group(0)
    names = sqlite3.connect(str(db)).execute(
        "SELECT a.value FROM answer a JOIN intake i ON i.id = a.intake_id WHERE i.ref = ? AND a.field = 'name'",
        (ref,)).fetchall()
    assert names == [(NAME,)], names


def test_immutable_database_while_the_form_is_filled_in(kiosk, ext4):
    mnt, _ = ext4
    db = mnt / 'zk.db'
    k = on_review(kiosk, db)
    subprocess.run(['chattr', '+i', str(db)], check=True)
    send_fails_with(k, MSG['immutable'])


def test_disk_fails_while_the_form_is_filled_in(kiosk, ext4):
    """Every read and write of the file system fails with EIO (ext4's
    shutdown, as a disk that went away): the write that hits the mapped
    -shm is a SIGBUS, which must not take the kiosk and the answers."""
    mnt, _ = ext4
    k = on_review(kiosk, mnt / 'zk.db')
    fd = os.open(str(mnt), os.O_RDONLY)
    try:
        # EXT4_IOC_SHUTDOWN with EXT4_GOING_FLAGS_NOLOGFLUSH.
        fcntl.ioctl(fd, 0x8004587D, struct.pack('I', 2))
    finally:
        os.close(fd)
    send_fails_with(k, MSG['ioerr'])
    # The kiosk still answers keys; it ends cleanly.
    k.send('2')
    k.wait_for(FORMS.intake_title(LANG), timeout=10)
    k.close(check=False)
    assert k.proc.returncode is not None and k.proc.returncode >= 0, \
        'the kiosk died of signal %d at the end' % -k.proc.returncode


def test_truncated_shm_under_a_reader_does_not_kill_the_kiosk(kiosk, tmp_path):
    """Staff read the database (holding its -shm) while someone truncates
    the -shm that the kiosk has mapped: the next access to it would be a
    SIGBUS. Sending still works."""
    db = tmp_path / 'zk.db'
    k = on_review(kiosk, db)
    # The staff member: another process, which keeps the -shm in use.
    staff = subprocess.Popen(['/usr/bin/python3', '-c',
                              'import sqlite3, sys\n'
                              'con = sqlite3.connect(sys.argv[1], isolation_level=None)\n'
                              'con.execute("SELECT count(*) FROM intake").fetchall()\n'
                              'print("reading", flush=True)\n'
                              'sys.stdin.readline()\n', str(db)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert staff.stdout.readline().strip() == 'reading'
        os.truncate(str(db) + '-shm', 0)
        k.send('1')
        ref = k.wait_match(REF_RE.pattern, timeout=20).group(0)
    finally:
        staff.communicate('\n', timeout=10)
    assert alive(k.proc), 'the kiosk died: status %s\n%s' % (k.proc.poll(), k.stderr()[-3000:])
    con = sqlite3.connect('file:%s?mode=ro' % db, uri=True)
    assert con.execute('SELECT count(*) FROM intake WHERE ref = ?', (ref,)).fetchone()[0] == 1
    con.close()
