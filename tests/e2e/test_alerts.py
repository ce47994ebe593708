"""`zorgkiosk alerts`: a short mail to the office per new request, and
with --daily the requests still new after two working days. The mails go
through a real sendmail interface (msmtp) to a real SMTP server on
loopback (aiosmtpd); they name a request by reference, topics, time and
kiosk, never by anything the visitor typed."""
import datetime
import email
import email.policy
import os
import socket
import threading
import time

import pytest

import staffutil as su
from zkharness import BIN, T, write_site

aiosmtpd_controller = pytest.importorskip('aiosmtpd.controller')

MSMTP = '/usr/bin/msmtp'
OFFICE = 'zorgteam@example.nl'
# What a visitor typed: none of it may reach a mail.
SECRETS = {'name': 'Geheimnaam Vlietstra', 'phone': '0687654321', 'email': 'geheim.adres@example.org',
           'situation': 'Mijn eigen verhaal over thuis'}


class Sink:
    """An SMTP server on loopback that keeps every message it is given."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return '250 OK'

    def take(self):
        with self.lock:
            got, self.messages = self.messages, []
        return got


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.fixture
def sink():
    s = Sink()
    c = aiosmtpd_controller.Controller(s, hostname='127.0.0.1', port=free_port())
    c.start()
    try:
        yield s, c.port
    finally:
        c.stop()


@pytest.fixture
def site(tmp_path, forms_dir, sink):
    """A site with alert_to set and msmtp as its sendmail, delivering to the
    sink. Returns a function that runs zorgkiosk with it."""
    if not os.access(MSMTP, os.X_OK):
        pytest.skip('msmtp is not installed (scripts/install-deps.sh check)')
    _, port = sink
    conf = tmp_path / 'msmtprc'
    conf.write_text('account default\nhost 127.0.0.1\nport %d\nfrom zorgkiosk@kiosk.example.nl\n'
                    'auth off\ntls off\n' % port)
    conf.chmod(0o600)
    wrapper = tmp_path / 'sendmail'
    wrapper.write_text('#!/bin/sh\nexec %s -C %s "$@"\n' % (MSMTP, conf))
    wrapper.chmod(0o755)
    db = tmp_path / 'zk.db'

    def run(args, alert_to=OFFICE, sendmail=str(wrapper)):
        path = write_site(str(tmp_path / 'site.conf'), database=str(db), forms=forms_dir,
                          staff_users=[su.LOGIN], alert_to=alert_to)
        r = su.zk(args, staff=False, extra_env={'ZK_TEST_CONF': path, 'ZK_TEST_SENDMAIL': sendmail})
        return r
    run.db = db
    assert run(['audit']).returncode == 0
    return run


def request(db, ref, created, status='new', options='respite_light,day_care'):
    return su.insert_request(db, ref, created, su.answers(SECRETS['name'], phone=SECRETS['phone'],
                             email=SECRETS['email'], situation=SECRETS['situation'], options=options),
                             status=status)


def utc(dt):
    return dt.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def dutch_time(dt):
    """As the mail writes a time: "6 december 2026, 14:05", local time."""
    t = time.localtime(dt.timestamp())
    month = T(time.strftime('%B', time.struct_time((2000, t.tm_mon, 1, 0, 0, 0, 0, 1, 0))), 'nl')
    return '%d %s %d, %02d:%02d' % (t.tm_mday, month, t.tm_year, t.tm_hour, t.tm_min)


def assert_no_personal_data(raw):
    for v in SECRETS.values():
        assert v.encode() not in raw, '%r is in the mail:\n%s' % (v, raw.decode('utf-8', 'replace'))
    assert b'612345678' not in raw and b'87654321' not in raw


def parse(raw):
    return email.message_from_bytes(raw, policy=email.policy.default)


def audit(db, like):
    return su.sql(db, "SELECT staff, action, ref, detail FROM audit WHERE action LIKE ? ORDER BY id", (like,))


def test_one_mail_per_new_request_and_no_personal_data(site, sink, forms):
    smtp, _ = sink
    db = site.db
    before = request(db, 'MZ-2026-0001', utc(datetime.datetime.now().astimezone() - datetime.timedelta(hours=1)))
    assert before
    # The first run marks where alerts start: no mail for what was there.
    r = site(['alerts'])
    assert r.returncode == 0, su.err(r)
    assert smtp.take() == []
    assert [a[1:3] for a in audit(db, 'alert%')] == [('alert-start', 'MZ-2026-0001')]

    made = datetime.datetime.now().astimezone().replace(microsecond=0) - datetime.timedelta(minutes=3)
    request(db, 'MZ-2026-0002', utc(made))
    request(db, 'MZ-2026-0003', utc(made + datetime.timedelta(minutes=1)), options='parking_permit')
    r = site(['alerts'])
    assert r.returncode == 0, su.err(r)
    got = smtp.take()
    assert len(got) == 2, got
    want = {'MZ-2026-0002': (['respite_light', 'day_care'], made),
            'MZ-2026-0003': (['parking_permit'], made + datetime.timedelta(minutes=1))}
    for (rcpt, raw), ref in zip(got, sorted(want)):
        assert rcpt == [OFFICE]
        assert_no_personal_data(raw)
        m = parse(raw)
        assert m['To'] == OFFICE and ref in m['Subject'] and m['Date'] and m['From']
        assert m.get_content_type() == 'text/plain' and m.get_content_charset() == 'utf-8'
        assert m['MIME-Version'] == '1.0'
        body = m.get_content()
        topics, at = want[ref]
        assert ref in body
        assert ', '.join(forms.title(t, 'nl') for t in topics) in body, body
        assert dutch_time(at) in body, body
        assert socket.gethostname() in body, body
    rows = audit(db, 'alert')
    assert [(a[0], a[2]) for a in rows] == [(su.LOGIN, 'MZ-2026-0002'), (su.LOGIN, 'MZ-2026-0003')]
    assert all(OFFICE in a[3] for a in rows)

    # A second run sends nothing new; a later request gets its own mail.
    r = site(['alerts'])
    assert r.returncode == 0, su.err(r)
    assert smtp.take() == []
    request(db, 'MZ-2026-0004', utc(made + datetime.timedelta(minutes=2)))
    assert site(['alerts']).returncode == 0
    got = smtp.take()
    assert len(got) == 1 and 'MZ-2026-0004' in parse(got[0][1])['Subject']
    assert len(audit(db, 'alert')) == 3


def test_a_mail_the_mta_refuses_is_sent_again_next_time(site, sink, tmp_path):
    smtp, _ = sink
    db = site.db
    assert site(['alerts']).returncode == 0
    request(db, 'MZ-2026-0001', utc(datetime.datetime.now().astimezone()))
    broken = tmp_path / 'broken-sendmail'
    broken.write_text('#!/bin/sh\ncat >/dev/null\nexit 75\n')
    broken.chmod(0o755)
    r = site(['alerts'], sendmail=str(broken))
    assert r.returncode == 1
    assert 'MZ-2026-0001' not in su.out(r) and '75' in su.err(r), su.err(r)
    assert audit(db, 'alert') == []
    # No MTA installed: said so, and nothing marked as sent either.
    r = site(['alerts'], sendmail=str(tmp_path / 'no-such-sendmail'))
    assert r.returncode == 1 and 'MTA' in su.err(r), su.err(r)
    assert audit(db, 'alert') == []
    r = site(['alerts'])
    assert r.returncode == 0, su.err(r)
    got = smtp.take()
    assert len(got) == 1 and 'MZ-2026-0001' in parse(got[0][1])['Subject']


def working_days_between(day, today):
    """Mondays to Fridays strictly after day and before today."""
    n, d = 0, day + datetime.timedelta(days=1)
    while d < today:
        n += d.weekday() < 5
        d += datetime.timedelta(days=1)
    return n


def test_daily_list_names_only_requests_still_new_after_two_working_days(site, sink):
    smtp, _ = sink
    db = site.db
    today = datetime.date.today()
    expect, other = [], []
    for back in range(0, 12):
        day = today - datetime.timedelta(days=back)
        for k, status in enumerate(('new', 'contacted')):
            ref = 'MZ-2025-%04d' % (back * 2 + k + 1)
            request(db, ref, '%sT12:00:00Z' % day.isoformat(), status=status)
            (expect if status == 'new' and working_days_between(day, today) >= 2 else other).append(ref)
    assert expect and other
    r = site(['alerts', '--daily'])
    assert r.returncode == 0, su.err(r)
    got = smtp.take()
    assert len(got) == 1, got
    rcpt, raw = got[0]
    assert rcpt == [OFFICE]
    assert_no_personal_data(raw)
    m = parse(raw)
    body = m.get_content()
    assert str(len(expect)) in m['Subject'], m['Subject']
    for ref in expect:
        assert ref in body, (ref, body)
    for ref in other:
        assert ref not in body, (ref, body)
    rows = audit(db, 'alert-daily')
    assert len(rows) == 1 and str(len(expect)) in rows[0][3] and OFFICE in rows[0][3]
    # The daily list is not the alerts of new requests: those are untouched.
    assert audit(db, 'alert') == []


def test_no_alert_address_sends_nothing(site, sink):
    smtp, _ = sink
    db = site.db
    request(db, 'MZ-2025-0001', '2025-01-06T12:00:00Z')
    for args in (['alerts'], ['alerts', '--daily']):
        r = site(args, alert_to='')
        assert r.returncode == 0, su.err(r)
        assert 'alert_to' in su.out(r)
    request(db, 'MZ-2025-0002', utc(datetime.datetime.now().astimezone()))
    assert site(['alerts'], alert_to='').returncode == 0
    assert smtp.take() == []
    assert audit(db, 'alert%') == []


@pytest.mark.parametrize('address', ['-oQ/tmp/x@example.nl', 'two words@example.nl', 'a@b.nl,c@d.nl', '<a@b.nl>'])
def test_an_alert_address_that_is_not_one_address_is_refused(site, sink, address):
    r = site(['alerts'], alert_to=address)
    assert r.returncode != 0
    assert 'alert_to' in su.err(r), su.err(r)
    assert sink[0].take() == []


def test_daily_is_only_for_alerts(site):
    r = site(['audit', '--daily'])
    assert r.returncode == 1 or r.returncode == 2
    assert '--daily' in su.err(r)
