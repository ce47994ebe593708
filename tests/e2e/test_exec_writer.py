"""The kiosk's writer exec'd afresh, as the kiosk account's kiosk of the
set-group-ID program stores (src/privsep.h; the test build is asked for it
with ZK_TEST_EXEC_WRITER): the writer is a new program image (`zorgkiosk
writer`), not a fork of the kiosk's memory; the kiosk itself has no file of
the database open; a stopped writer is replaced by a new one and the
request is stored once. The whole suite can run this way:
ZK_TEST_EXEC_WRITER=1 make check."""
import os
import signal

import pytest

from rawpty import fill_and_review, to_form
from test_writer import LANG, NAME, WITHIN, send_once, state, writer_of
from zkharness import BIN

# The sanitizer build has every test hook; the release test build only its
# site file.
pytestmark = pytest.mark.skipif('asan' not in os.path.basename(BIN), reason='%s has no ZK_TEST_EXEC_WRITER' % BIN)


def cmdline(pid):
    with open('/proc/%d/cmdline' % pid, 'rb') as f:
        return f.read().split(b'\0')[:-1]


def open_files(pid):
    out = []
    for fd in os.listdir('/proc/%d/fd' % pid):
        try:
            out.append(os.readlink('/proc/%d/fd/%s' % (pid, fd)))
        except OSError:
            pass
    return out


def test_the_writer_is_exec_d_afresh_and_a_stopped_one_is_replaced(kiosk, forms, tmp_path):
    db = str(tmp_path / 'zk.db')
    k = kiosk(db=db, ZK_TEST_EXEC_WRITER='1')
    writer = writer_of(k)
    assert cmdline(writer) == [b'zorgkiosk', b'writer'], cmdline(writer)
    assert [p for p in open_files(k.proc.pid) if p.startswith(db)] == [], open_files(k.proc.pid)
    assert any(p == db for p in open_files(writer)), open_files(writer)
    to_form(k, forms, LANG)
    fill_and_review(k, forms, LANG, {'name': NAME, 'phone': '06 12345678'})
    os.kill(writer, signal.SIGSTOP)
    try:
        ref, took, _ = send_once(k, db)
    finally:
        if state(writer) not in (None, 'Z'):
            os.kill(writer, signal.SIGCONT)
    assert took < WITHIN, took
    assert state(writer) in (None, 'Z'), 'the stopped writer is still there (%s)' % state(writer)
    # Its successor is a writer exec'd afresh too, and the kiosk still
    # holds no file of the database.
    successor = writer_of(k)
    assert successor != writer and cmdline(successor) == [b'zorgkiosk', b'writer']
    assert [p for p in open_files(k.proc.pid) if p.startswith(db)] == [], open_files(k.proc.pid)
