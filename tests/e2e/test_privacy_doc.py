"""docs/privacy.md (the register entry and the DPIA answers) says what the
program does: its retention periods and other defaults as the code sets
them and the shipped site file writes them, and the personal data the
shipped form asks. Read from the program's own behaviour (what purge
removes, with no site setting and with the shipped file), from site.c
and from the files, never copied into this test."""
import datetime
import os
import re
import sqlite3

import staffutil as su
import zkharness
from staffutil import LOGIN
from zkharness import ROOT

PRIVACY = os.path.join(ROOT, 'docs', 'privacy.md')
CONTRIB = os.path.join(ROOT, 'contrib', 'zorgkiosk.conf')
SITE_C = os.path.join(ROOT, 'src', 'site.c')


def shipped():
    """The settings the shipped site file sets (uncommented lines)."""
    out = {}
    for line in open(CONTRIB, encoding='utf-8'):
        m = re.match(r'\s*(\w+)\s*=\s*(.*?);\s*$', line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def months(period):
    """ "12m" or "2y" in months."""
    m = re.fullmatch(r'"(\d+)([my])"', period)
    assert m, period
    return int(m.group(1)) * (12 if m.group(2) == 'y' else 1)


def code_defaults():
    """site.<member> = <number>; in set_defaults (site.c)."""
    text = open(SITE_C, encoding='utf-8').read()
    body = text[text.index('set_defaults(void)'):]
    body = body[:body.index('\n}\n')]
    return {m.group(1): int(m.group(2)) for m in re.finditer(r'site\.(\w+) = (\d+);', body)}


def months_before(day):
    d = datetime.date.fromisoformat(day)
    return round((datetime.date.today() - d).days / 30.44)


def purge_says(tmp_path, name, **settings):
    """What purge does on a database with one request open since 2000:
    (closed months, unreachable months, audit months, export days,
    overdue days), read from its output."""
    db = tmp_path / name / 'zk.db'
    os.makedirs(db.parent)
    conf = zkharness.write_site(str(tmp_path / (name + '.conf')), database=str(db), forms=os.path.join(ROOT, 'forms'),
                                staff_users=[LOGIN], **settings)
    env = {'ZK_TEST_CONF': conf}
    assert su.zk(['audit'], staff=False, extra_env=env).returncode == 0
    su.insert_request(db, 'MZ-2000-0001', '2000-01-01T10:00:00Z', su.answers('Oud Open'))
    r = su.zk(['purge', '--lang', 'en'], staff=False, extra_env=env)
    assert r.returncode == 0, su.err(r)
    out = su.out(r)
    closed = re.search(r'closed requests? created before (\S+)\.', out).group(1)
    unreachable = re.search(r'not reachable since before (\S+)\.', out).group(1)
    audit = re.search(r'audit records? from before (\S+);', out).group(1)
    exports = re.search(r'exports? older than (\d+) days', out).group(1)
    overdue = re.search(r'1 request is open for more than (\d+) days', out).group(1)
    return (months_before(closed), months_before(unreachable), months_before(audit), int(exports), int(overdue))


def test_the_periods_are_the_same_in_the_code_the_site_file_and_the_page(tmp_path):
    conf = shipped()
    # The shipped file writes the defaults the program has without it.
    defaults = purge_says(tmp_path, 'defaults')
    # The shipped file itself (its paths aside) gives the same.
    settings = {k: int(v) if v.isdigit() else v.strip('"') for k, v in conf.items()
                if k in ('retention', 'retention_unreachable', 'audit_retention', 'export_days', 'overdue_days')}
    assert purge_says(tmp_path, 'shipped', **settings) == defaults
    assert defaults == (months(conf['retention']), months(conf['retention_unreachable']),
                        months(conf['audit_retention']), int(conf['export_days']), int(conf['overdue_days']))
    code = code_defaults()
    assert (code['retention_months'], code['unreachable_months'], code['audit_months'], code['export_days'],
            code['overdue_days']) == defaults
    assert int(conf['backup_keep']) == code['backup_keep'] and int(conf['idle']) == code['idle_secs']

    page = open(PRIVACY, encoding='utf-8').read()
    rows = {}
    for line in page.splitlines():
        m = re.search(r'`(\w+) = ([^`]+);?`', line)
        if m and line.startswith('|'):
            rows[m.group(1)] = (m.group(2).rstrip(';'), line)
    words = {
        'retention': '%d months' % months(conf['retention']),
        'retention_unreachable': '%d months' % months(conf['retention_unreachable']),
        'audit_retention': '%d years' % (months(conf['audit_retention']) // 12),
        'overdue_days': '%s days' % conf['overdue_days'],
        'export_days': '%s days' % conf['export_days'],
        'backup_keep': 'newest %s' % conf['backup_keep'],
        'idle': '%s seconds' % conf['idle'],
    }
    for name, said in words.items():
        assert name in rows, 'docs/privacy.md has no row with `%s = ...`' % name
        value, line = rows[name]
        assert value == conf[name], 'docs/privacy.md says %s = %s; the site file %s' % (name, value, conf[name])
        assert said in line, 'docs/privacy.md: the row of %s does not say "%s":\n%s' % (name, said, line)
    # The audit's minimum, as the program refuses less.
    assert months(conf['audit_retention']) >= 36 and 'BIO 5.28.01' in rows['audit_retention'][1]
    # A draft is kept one day (STORE_DRAFT_SECONDS).
    store_h = open(os.path.join(ROOT, 'src', 'store.h'), encoding='utf-8').read()
    assert '#define STORE_DRAFT_SECONDS (24 * 60 * 60)' in store_h
    assert re.search(r'\| A draft .*\| one day \|', page)


def test_the_page_lists_the_fields_the_form_asks(forms):
    page = open(PRIVACY, encoding='utf-8').read()
    listed = re.findall(r'^\| `(\w+)` \|', page, re.M)
    asked = [f['id'] for f in forms.fields]
    assert listed == asked, 'docs/privacy.md lists %s; forms/intake.conf asks %s' % (listed, asked)
    assert '`care_check`' in page
