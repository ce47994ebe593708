"""The rights of the person through `zorgkiosk ssh` (the forced command of
staff over SSH), with real logins and a real OpenSSH server (the one of
test_ssh.py): access, correct (the new value on standard input) and erase,
each in the audit under the staff login and its SSH client address; the
old values gone from every file of the data folder; a login that is not
staff gets nothing."""
import os
import subprocess

import staffutil as su
from test_erase import raw_contains
from test_ssh import server, ssh_argv  # noqa: F401 (the fixture)
from zkharness import BIN

ENGLISH = dict(os.environ, LANG='en_US.UTF-8')


def ssh(srv, role, *command, stdin=None):
    return subprocess.run(ssh_argv(srv, role, *command), input=stdin, capture_output=True, timeout=60,
                          env=ENGLISH, stdin=None if stdin is not None else subprocess.DEVNULL)


def request(srv, ref, name, phone, email):
    su.insert_request(srv['db'], ref, '2026-05-01T10:00:00Z', su.answers(name, phone=phone, email=email))
    return ref


def audit_of(srv, action, ref):
    return su.sql(srv['db'], 'SELECT staff, origin, result FROM audit WHERE action = ? AND ref = ? ORDER BY id',
                  (action, ref))


def test_access_over_ssh(server):
    ref = request(server, 'MZ-2026-0101', 'Inzage Vragersma', '0622220101', 'vragersma@example.nl')
    staff = server['logins'].name('staff')
    r = ssh(server, 'staff', 'zorgkiosk', 'access', ref)
    assert r.returncode == 0, r.stderr
    text = r.stdout.decode()
    for word in (ref, 'Inzage Vragersma', 'vragersma@example.nl', 'All that is stored about the person'):
        assert word in text, text
    assert audit_of(server, 'access', ref) == [(staff, 'ssh 127.0.0.1', 'ok')]
    # Over SSH the page comes back over the connection: no -o.
    r = ssh(server, 'staff', 'zorgkiosk', 'access', ref, '-o', 'inzage.txt')
    assert r.returncode == 1
    assert not os.path.exists(os.path.join(server['logins'].home('staff'), 'inzage.txt'))


def test_correct_over_ssh_reads_the_value_from_the_connection(server):
    ref = request(server, 'MZ-2026-0102', 'Verkeerde Schrijfwijze', '0622220102', 'schrijfwijze@example.nl')
    staff = server['logins'].name('staff')
    assert raw_contains(server['db'], 'Verkeerde Schrijfwijze')
    r = ssh(server, 'staff', 'zorgkiosk', 'correct', ref, 'name', stdin='Goede Schrijfwijze\n'.encode())
    assert r.returncode == 0, r.stderr
    assert '%s corrected' % ref in r.stdout.decode(), r.stdout
    r = ssh(server, 'staff', 'zorgkiosk', 'correct', ref, 'phone', stdin=b'06 3333 0102\n')
    assert r.returncode == 0, r.stderr
    rows = su.sql(server['db'], 'SELECT a.field, a.value FROM answer a JOIN intake i ON i.id = a.intake_id'
                                " WHERE i.ref = ? AND a.field IN ('name', 'phone') ORDER BY 1", (ref,))
    assert rows == [('name', 'Goede Schrijfwijze'), ('phone', '0633330102')]
    for old in ('Verkeerde', '0622220102', '622220102'):
        assert raw_contains(server['db'], old) == [], '%r is still in %s' % (old, raw_contains(server['db'], old))
    assert audit_of(server, 'correct', ref) == [(staff, 'ssh 127.0.0.1', 'ok')] * 2
    assert su.sql(server['db'], "SELECT detail FROM audit WHERE action = 'correct' AND ref = ? ORDER BY id",
                  (ref,)) == [('name',), ('phone',)]
    hist = su.sql(server['db'], 'SELECT e.staff, e.corrected FROM event e JOIN intake i ON i.id = e.intake_id'
                                ' WHERE i.ref = ? ORDER BY e.id', (ref,))
    assert hist == [(staff, 'name'), (staff, 'phone')]
    # A wrong number: the kiosk's message, nothing changed.
    r = ssh(server, 'staff', 'zorgkiosk', 'correct', ref, 'phone', stdin=b'12345\n')
    assert r.returncode == 1 and 'Dutch phone number' in r.stderr.decode(), r.stderr
    # The value as an argument would show in the process list: refused.
    r = ssh(server, 'staff', 'zorgkiosk', 'correct', ref, 'name', 'Andere')
    assert r.returncode == 1 and 'correct REF FIELD' in r.stderr.decode(), r.stderr
    assert audit_of(server, 'correct', ref) == [(staff, 'ssh 127.0.0.1', 'ok')] * 2


def test_erase_over_ssh(server):
    ref = request(server, 'MZ-2026-0103', 'Wisbare Vergeetmans', '0622220103', 'vergeetmans@example.nl')
    staff = server['logins'].name('staff')
    # Without a terminal, erase wants --yes; nothing goes.
    r = ssh(server, 'staff', 'zorgkiosk', 'erase', ref)
    assert r.returncode == 1 and '--yes' in r.stderr.decode(), r.stderr
    assert su.sql(server['db'], 'SELECT count(*) FROM intake WHERE ref = ?', (ref,)) == [(1,)]
    r = ssh(server, 'staff', 'zorgkiosk', 'erase', ref, '--yes')
    assert r.returncode == 0, r.stderr
    assert ref in r.stdout.decode()
    assert su.sql(server['db'], 'SELECT count(*) FROM intake WHERE ref = ?', (ref,)) == [(0,)]
    for old in ('Wisbare Vergeetmans', 'Vergeetmans', '0622220103', 'vergeetmans@example.nl'):
        assert raw_contains(server['db'], old) == [], '%r is still in %s' % (old, raw_contains(server['db'], old))
    assert audit_of(server, 'erase', ref) == [(staff, 'ssh 127.0.0.1', 'ok')]
    # The other requests are there.
    assert su.sql(server['db'], "SELECT count(*) FROM intake WHERE ref = 'MZ-2026-0001'") == [(1,)]
    r = ssh(server, 'staff', 'zorgkiosk', 'audit', '--verify')
    assert r.returncode == 0, r.stdout


def test_not_staff_gets_none_of_it(server):
    ref = request(server, 'MZ-2026-0104', 'Beschermde Persoonsma', '0622220104', 'persoonsma@example.nl')
    for command in (['access', ref], ['erase', ref, '--yes'], ['correct', ref, 'name']):
        r = ssh(server, 'outsider', BIN, *command, stdin=b'Kaper\n' if command[0] == 'correct' else None)
        assert r.returncode == 1, command
        assert 'not staff' in r.stderr.decode(), r.stderr
        assert b'Persoonsma' not in r.stdout
    rows = su.sql(server['db'], 'SELECT a.value FROM answer a JOIN intake i ON i.id = a.intake_id'
                                " WHERE i.ref = ? AND a.field = 'name'", (ref,))
    assert rows == [('Beschermde Persoonsma',)]
    assert su.sql(server['db'], "SELECT count(*) FROM audit WHERE ref = ? AND action IN ('access', 'erase', 'correct')",
                  (ref,)) == [(0,)]
