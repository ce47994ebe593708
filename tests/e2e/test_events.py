"""Events in the system log: kiosk start, a refused staff start, a purge,
the audit check (its head when sound, the record when broken), each as one
RFC 3164 line tagged zorgkiosk[PID], and never the personal data of a
request. The test build sends to the socket ZK_TEST_SYSLOG names instead of
/dev/log; here a datagram socket of the test's own."""
import re
import socket
import sqlite3

import pytest

import staffutil as su
from test_backup import site as backup_site, zk as backup_zk

LINE = re.compile(r'<(\d+)>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d zorgkiosk\[\d+\]: (.*)$')


@pytest.fixture
def syslog(tmp_path, monkeypatch):
    path = str(tmp_path / 'log')
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.setblocking(False)
    real_env = su.env
    monkeypatch.setattr(su, 'env', lambda lang='C.UTF-8', **extra: real_env(lang, ZK_TEST_SYSLOG=path, **extra))

    def read():
        got = []
        while True:
            try:
                got.append(sock.recv(4096).decode('utf-8'))
            except BlockingIOError:
                return got
    yield read
    sock.close()


def messages(lines):
    out = []
    for l in lines:
        m = LINE.match(l)
        assert m, 'not an RFC 3164 line: %r' % l
        assert int(m.group(1)) >> 3 == 1, 'facility is not user: %r' % l
        out.append(m.group(2))
    return out


def test_events_reach_the_system_log_without_personal_data(tmp_path, forms, syslog):
    db = tmp_path / 'zk.db'
    su.create_db(db)
    name, phone = 'Jannetje Geheimhouder', '06 98765432'
    su.kiosk_request(db, forms, name, phone=phone, situation='mijn moeder valt vaak')
    # The kiosk account is never staff (here: this login, named so).
    r = backup_zk(['export'], backup_site(tmp_path, db, kiosk_user=su.LOGIN))
    assert r.returncode == 1 and 'is not staff' in r.stderr, r.stderr
    assert su.zk(['purge'], db=db).returncode == 0
    r = su.zk(['audit', '--verify', '--lang', 'en'], db=db)
    assert r.returncode == 0, su.err(r)
    head = su.sql(db, 'SELECT hash FROM audit ORDER BY id DESC LIMIT 1')[0][0]
    con = sqlite3.connect(str(db))
    con.executescript("DROP TRIGGER audit_keep_update; UPDATE audit SET detail = 'x' WHERE id = 1;")
    con.close()
    assert su.zk(['audit', '--verify'], db=db).returncode == 1

    lines = syslog()
    got = messages(lines)
    assert 'kiosk started (line mode)' in got, got
    assert 'staff command refused: the login is not staff' in got, got
    assert any(re.match(r'purge: 0 closed requests created before \d{4}-\d\d-\d\d removed$', m) for m in got), got
    assert any(m.startswith('audit chain sound: ') and m.endswith('last hash %s' % head) for m in got), got
    assert 'audit chain broken: record 1 was changed or moved' in got, got
    text = '\n'.join(lines)
    for secret in [name, 'Jannetje', 'Geheimhouder', phone, phone.replace(' ', ''), '98765432', 'moeder']:
        assert secret not in text, secret


def test_a_failed_submit_is_logged_without_the_request(kiosk, forms, syslog, tmp_path):
    """The curses kiosk: its start, and a submit that fails because another
    program holds the database past the busy timeout."""
    from rawpty import fill_and_review, to_form
    from zkharness import T
    k = kiosk(ZK_TEST_SYSLOG=str(tmp_path / 'log'))
    to_form(k, forms, 'nl')
    fill_and_review(k, forms, 'nl', {'name': 'Lock Geheimpje', 'phone': '06 55501234'})
    con = sqlite3.connect(k.db_path, isolation_level=None, timeout=1)
    try:
        con.execute('BEGIN EXCLUSIVE')
        k.send('1')
        k.wait_for('1  ' + T('Try sending again', 'nl'), timeout=20)
    finally:
        con.close()
    lines = syslog()
    got = messages(lines)
    assert 'kiosk started' in got, got
    assert any(re.match(r'submit failed \(store error \d+\); the request stays on screen$', m) for m in got), got
    text = '\n'.join(lines)
    for secret in ['Lock', 'Geheimpje', '55501234', '06 55501234']:
        assert secret not in text, secret
