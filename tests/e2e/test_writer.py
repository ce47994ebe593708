"""The kiosk's writer (the process that stores requests) stops answering:
stopped with SIGSTOP before a request, or after its COMMIT and before its
answer (the test build's hook ZK_TEST_WRITER_STOP). Within seconds a child
of its own sends the request again: the visitor gets the reference, and the
real SQLite file holds the request once."""
import os
import signal
import sqlite3
import time

import pytest

from rawpty import alive, fill_and_review, to_form
from zkharness import BIN, REF_RE, db_intake, db_rows

LANG = 'nl'
NAME = 'Schrijver Test'
# The writer is given up after 3 s; the child stores in milliseconds (more
# under the sanitizers and a busy host).
WITHIN = 10


def children(pid):
    """The processes pid started and that still run."""
    out = []
    for tid in os.listdir('/proc/%d/task' % pid):
        try:
            with open('/proc/%d/task/%s/children' % (pid, tid)) as f:
                out += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return out


def state(pid):
    """The state letter of pid in /proc (T: stopped), or None when gone."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0]
    except OSError:
        return None


def writer_of(k):
    """The kiosk's writer: its one child once the welcome is out."""
    found = []
    k.wait_until(lambda: found.extend(children(k.proc.pid)) or found, 'the kiosk started no writer', timeout=10)
    assert len(found) == 1, 'more than one child: %r' % found
    return found[0]


def send_once(k, db, watch=None):
    """Send, and wait for the reference: returns (ref, seconds taken, the
    states watch(pid) was seen in meanwhile)."""
    seen = set()
    t0 = time.monotonic()
    k.send('1')

    def shown():
        if watch is not None:
            seen.add(state(watch))
        return REF_RE.search('\n'.join(k.text()))
    k.wait_until(shown, 'no reference within %d s' % WITHIN, timeout=WITHIN)
    took = time.monotonic() - t0
    ref = REF_RE.search('\n'.join(k.text())).group(0)
    assert alive(k.proc), 'the kiosk died: %s' % k.stderr()[-2000:]
    rows = db_rows(db, 'SELECT ref FROM intake')
    assert rows == [(ref,)], 'stored: %r, want %s once' % (rows, ref)
    _, answers = db_intake(db, ref)
    assert answers.get('name') == NAME, answers
    return ref, took, seen


def test_stopped_writer_costs_seconds_and_the_request_is_stored_once(kiosk, forms, tmp_path):
    db = str(tmp_path / 'zk.db')
    k = kiosk(db=db)
    writer = writer_of(k)
    to_form(k, forms, LANG)
    fill_and_review(k, forms, LANG, {'name': NAME, 'phone': '06 12345678'})
    os.kill(writer, signal.SIGSTOP)
    try:
        ref, took, _ = send_once(k, db)
    finally:
        if state(writer) not in (None, 'Z'):
            os.kill(writer, signal.SIGCONT)
    assert took < WITHIN, took
    # The stopped writer is gone: nobody can store it a second time later.
    assert state(writer) in (None, 'Z'), 'the stopped writer is still there (%s)' % state(writer)
    # The next visitor's request goes by a child of its own, at once.
    k.send('1')
    k.wait_for('1  Nederlands')
    k.quiet(0.1)
    to_form(k, forms, LANG)
    fill_and_review(k, forms, LANG, {'name': 'Volgende Bezoeker', 'phone': '06 12345678'})
    t0 = time.monotonic()
    k.send('1')
    nxt = k.wait_match(r'MZ-\d{4}-\d{4,}', timeout=WITHIN).group(0)
    assert time.monotonic() - t0 < 2, 'the next request waited %.1f s' % (time.monotonic() - t0)
    assert nxt != ref
    assert sorted(db_rows(db, 'SELECT ref FROM intake')) == sorted([(ref,), (nxt,)])
    print('reference %s after %.1f s' % (ref, took))


def test_writer_stopped_after_its_commit_stores_nothing_twice(kiosk, forms, tmp_path):
    # Every file of the sanitizer build has the test hooks; the release
    # test build only its site file.
    if 'asan' not in os.path.basename(BIN):
        pytest.skip('%s has no ZK_TEST_WRITER_STOP hook' % BIN)
    db = str(tmp_path / 'zk.db')
    k = kiosk(db=db, ZK_TEST_WRITER_STOP='1')
    writer = writer_of(k)
    to_form(k, forms, LANG)
    fill_and_review(k, forms, LANG, {'name': NAME, 'phone': '06 12345678'})
    ref, took, seen = send_once(k, db, watch=writer)
    assert 'T' in seen, 'the writer never stopped after its COMMIT (states seen: %r)' % seen
    assert took < WITHIN, took
    assert state(writer) in (None, 'Z'), 'the stopped writer is still there'


def test_writer_starts_a_grown_log_again(kiosk, forms, tmp_path):
    """A reader that was always there (many kiosks starting at once) kept
    SQLite's own checkpoints from starting the -wal again, and it grew
    without end; every kiosk start reads all of it. Once the readers let
    it, the writer that stores the next request truncates the log."""
    db = str(tmp_path / 'zk.db')
    k = kiosk(db=db)
    writer_of(k)  # the kiosk and its writer keep the database open
    reader = sqlite3.connect(db)
    reader.execute('BEGIN')
    reader.execute('SELECT count(*) FROM intake').fetchone()  # a read transaction, held
    other = sqlite3.connect(db)
    for i in range(300):  # some MB of log, one transaction each, that no checkpoint can empty meanwhile
        with other:
            iid = other.execute("INSERT INTO intake (ref, year, seq, created_at, ui_lang, form_version, status)"
                                " VALUES (?, 2025, ?, '2025-01-01T10:00:00Z', 'nl', 1, 'new')",
                                ('MZ-2025-%04d' % (i + 1), i + 1)).lastrowid
            other.executemany("INSERT INTO answer (intake_id, field, value) VALUES (?, ?, ?)",
                              [(iid, 'name', 'Opvul %d' % i), (iid, 'situation', os.urandom(2000).hex())])
    other.close()
    reader.rollback()
    reader.close()
    assert os.path.getsize(db + '-wal') > 4 << 20
    to_form(k, forms, LANG)
    fill_and_review(k, forms, LANG, {'name': NAME, 'phone': '06 12345678'})
    k.send('1')
    ref = k.wait_match(r'MZ-\d{4}-\d{4,}', timeout=WITHIN).group(0)
    assert (ref,) in db_rows(db, 'SELECT ref FROM intake')
    k.wait_until(lambda: os.path.getsize(db + '-wal') < 1 << 20,
                 'the -wal stayed at %d bytes' % os.path.getsize(db + '-wal'), timeout=5)
