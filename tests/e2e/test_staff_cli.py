"""The staff commands without a terminal: export (CSV, JSON; the
workbook: test_export_xlsx.py), stats, purge and audit, their checks of the command line, and who
may run them."""
import collections
import csv
import datetime
import io
import json
import os
import re
import sqlite3
import stat

import pytest

import staffutil as su
from staffutil import LOGIN

# A situation text that CSV has to quote: separators, quotes, line breaks,
# and characters outside ASCII.
TRICKY = 'Zij zei: "ik kan niet meer", echt;\nnieuwe regel, €15 per dag\r\nen café é'


def field_ids(forms):
    return forms.export_ids()


def tricky_db(tmp_path):
    db = tmp_path / 'zk.db'
    su.create_db(db)
    su.insert_request(db, 'MZ-2026-0001', '2026-01-05T09:00:00Z', su.answers('Anna Eén', situation=TRICKY))
    su.insert_request(db, 'MZ-2026-0002', '2026-02-06T10:00:00Z',
                      su.answers('Bert Plus', phone='+31612345678', situation='=SUM(A1:A3)'),
                      status='contacted', lang='en')
    su.insert_request(db, 'MZ-2026-0003', '2026-03-07T11:00:00Z', su.answers('Chris Komma, Jr.', phone='0791234567'),
                      status='closed')
    return db


def test_export_csv_round_trip(tmp_path, forms):
    db = tricky_db(tmp_path)
    r = su.zk(['export', '--format', 'csv'], db=db)
    assert r.returncode == 0, su.err(r)
    raw = r.stdout
    assert not raw.startswith(b'\xef\xbb\xbf'), 'a BOM in CSV for programs'
    text = raw.decode('utf-8')  # strict: the UTF-8 is intact
    table = list(csv.reader(io.StringIO(text, newline='')))
    assert table[0] == ['ref', 'created_at', 'status', 'language'] + field_ids(forms)
    body = [dict(zip(table[0], row)) for row in table[1:]]
    assert [b['ref'] for b in body] == ['MZ-2026-0001', 'MZ-2026-0002', 'MZ-2026-0003']
    assert all(len(row) == len(table[0]) for row in table), table
    want = su.sql(db, 'SELECT count(*) FROM intake')[0][0]
    assert len(body) == want

    first = body[0]
    assert first['situation'] == TRICKY
    assert first['name'] == 'Anna Eén'
    assert first['created_at'] == '2026-01-05T09:00:00Z' and first['status'] == 'new'
    assert first['language'] == 'nl' and first['options'] == 'respite_light'
    # A cell that starts with + gets an apostrophe, a phone number too;
    # so does a formula (test_hostile.py and test_export_csv.py have more).
    assert body[1]['phone'] == "'+31612345678"
    assert body[1]['situation'] == "'=SUM(A1:A3)"
    assert body[2]['name'] == 'Chris Komma, Jr.'
    assert 'email' in first and first['email'] == ''

    # Records end in CRLF (RFC 4180): strip the quoted cells, then every
    # line break left is a CRLF, one per record.
    outside = re.sub(rb'"(?:[^"]|"")*"', b'""', raw)
    assert outside.count(b'\r\n') == len(table)
    assert outside.count(b'\n') == len(table)
    assert raw.endswith(b'\r\n')
    assert '€15'.encode() in raw and 'café é'.encode() in raw


def test_export_json_and_filters(tmp_path, forms):
    db = tmp_path / 'zk.db'
    su.create_db(db)
    su.fill(db, 120)
    r = su.zk(['export', '--format', 'json'], db=db)
    assert r.returncode == 0, su.err(r)
    data = json.loads(r.stdout.decode('utf-8'))
    assert isinstance(data, list) and len(data) == 120
    refs = [d['ref'] for d in data]
    assert refs == [x[0] for x in su.sql(db, 'SELECT ref FROM intake ORDER BY created_at, id')]
    one = data[0]
    assert {'ref', 'created_at', 'status', 'answers'} <= set(one)
    row = su.sql(db, 'SELECT created_at, status, id FROM intake WHERE ref = ?', (one['ref'],))[0]
    assert (one['created_at'], one['status']) == row[:2]
    stored = dict(su.sql(db, 'SELECT field, value FROM answer WHERE intake_id = ?', (row[2],)))
    assert isinstance(one['answers']['options'], list)
    assert one['answers']['options'] == stored['options'].split(',')
    assert {k: v for k, v in one['answers'].items() if k != 'options'} == \
        {k: v for k, v in stored.items() if k != 'options'}
    assert all(isinstance(d['answers']['options'], list) and d['answers']['options'] for d in data)

    def count(args):
        r = su.zk(['export', '--format', 'json'] + args, db=db)
        assert r.returncode == 0, su.err(r)
        got = json.loads(r.stdout.decode('utf-8'))
        return len(got), got

    n, got = count(['--since', '2025-01-01'])
    assert n == su.sql(db, "SELECT count(*) FROM intake WHERE substr(created_at, 1, 10) >= '2025-01-01'")[0][0]
    assert all(d['created_at'] >= '2025-01-01' for d in got) and 0 < n < 120
    # --until includes that whole day.
    until = su.sql(db, 'SELECT substr(created_at, 1, 10) FROM intake ORDER BY created_at LIMIT 1 OFFSET 40')[0][0]
    n, got = count(['--until', until])
    assert n == su.sql(db, 'SELECT count(*) FROM intake WHERE substr(created_at, 1, 10) <= ?', (until,))[0][0]
    assert any(d['created_at'].startswith(until) for d in got)
    n, got = count(['--status', 'closed'])
    assert n == su.sql(db, "SELECT count(*) FROM intake WHERE status = 'closed'")[0][0] > 0
    assert {d['status'] for d in got} == {'closed'}
    n, got = count(['--since', '2024-06-01', '--until', '2025-05-31', '--status', 'new'])
    assert n == su.sql(db, "SELECT count(*) FROM intake WHERE status = 'new' AND"
                       " substr(created_at, 1, 10) BETWEEN '2024-06-01' AND '2025-05-31'")[0][0] > 0
    n, got = count(['--status', 'contacted', '--since', '2099-01-01'])
    assert n == 0 and got == []

    # Each export is in the audit.
    audit = [l.split('\t') for l in su.out(su.zk(['audit'], db=db)).splitlines()]
    assert [a[2] for a in audit].count('export') == 6
    assert all(a[1] == LOGIN for a in audit)


def test_stats(tmp_path, forms):
    db = tmp_path / 'zk.db'
    su.create_db(db)
    su.fill(db, 150)
    by_status = collections.Counter(su.sql(db, 'SELECT substr(created_at, 1, 7), status FROM intake'))
    by_option = collections.Counter()
    for month, opts in su.sql(db, "SELECT substr(i.created_at, 1, 7), a.value FROM intake i"
                              " JOIN answer a ON a.intake_id = i.id AND a.field = 'options'"):
        for o in opts.split(','):
            by_option[(month, o)] += 1

    r = su.zk(['stats', '--lang', 'en'], db=db)
    assert r.returncode == 0, su.err(r)
    table = su.out(r)
    head, _, tail = table.partition('Requests per status per month')
    tail, _, places = tail.partition('Requests per location per month')
    assert 'Requests per option per month' in head and tail and places, table
    labels = {'unreachable': 'not reachable'}
    for (month, status), n in by_status.items():
        assert re.search(r'^%s\s+%s\s+%d$' % (month, re.escape(labels.get(status, status)), n), tail, re.M), \
            'no line "%s %s %d" in:\n%s' % (month, status, n, tail)
    lines = [l for l in tail.splitlines() if re.match(r'\d{4}-\d\d ', l)]
    assert len(lines) == len(by_status)
    titles = {p['id']: p['title']['en'] for p in forms.request_pages()}
    for (month, opt), n in by_option.items():
        assert re.search(r'^%s\s+%s\s+%d$' % (month, re.escape(titles[opt]), n), head, re.M), \
            'no line "%s %s %d" in:\n%s' % (month, titles[opt], n, head)

    r = su.zk(['stats', '--format', 'csv'], db=db)
    assert r.returncode == 0, su.err(r)
    rows = list(csv.reader(io.StringIO(su.out(r), newline='')))
    assert rows[0] == ['month', 'kind', 'key', 'requests']
    got = collections.defaultdict(dict)
    for month, kind, key, n in rows[1:]:
        got[kind][(month, key)] = int(n)
    assert got['status'] == dict(by_status)
    assert got['option'] == dict(by_option)
    # Requests from before locations (fill.py stores none) count as "".
    assert got['location'] == {(m, ''): n for m, n in collections.Counter(m for m, _ in by_status.elements()).items()}
    assert set(got) == {'status', 'option', 'location'}


def test_purge_removes_old_closed_requests_for_good(tmp_path, forms, request):
    db = tmp_path / 'zk.db'
    su.create_db(db)
    now = datetime.datetime.now(datetime.timezone.utc)
    old = (now - datetime.timedelta(days=500)).strftime('%Y-%m-%dT10:00:00Z')
    older = (now - datetime.timedelta(days=900)).strftime('%Y-%m-%dT10:00:00Z')
    recent = (now - datetime.timedelta(days=30)).strftime('%Y-%m-%dT10:00:00Z')
    secret = 'Zeldzaamnaam Purgeerbaar'
    note = 'Notitie over Purgeerbaar'
    su.insert_request(db, 'MZ-2024-0002', old, su.answers('Oud Maar Open'), status='contacted')
    # Not reachable, within its own period (retention_unreachable: test_retention.py).
    su.insert_request(db, 'MZ-2024-0003', recent, su.answers('Recent Niet Bereikt'), status='unreachable')
    su.insert_request(db, 'MZ-2025-0001', recent, su.answers('Nieuw Gesloten'), status='closed')
    su.insert_request(db, 'MZ-2023-0001', older, su.answers('Heel Oud Gesloten'), status='closed')
    su.insert_request(db, 'MZ-2025-0002', recent, su.answers('Nieuw Open'))
    # The person to purge is written by a connection that stays open (as a
    # running kiosk's does), so the rows are still in the write-ahead log
    # when the purge runs.
    keeper = sqlite3.connect(str(db), timeout=10)
    request.addfinalizer(keeper.close)
    with keeper:
        cur = keeper.execute(
            'INSERT INTO intake (ref, year, seq, created_at, ui_lang, form_version, status)'
            " VALUES ('MZ-2024-0001', 2024, 1, ?, 'nl', 1, 'closed')", (old,))
        gone = cur.lastrowid
        keeper.executemany('INSERT INTO answer (intake_id, field, value) VALUES (?, ?, ?)',
                           [(gone, f, v) for f, v in su.answers(
                               secret, phone='0611223344', email='purgeerbaar@example.nl',
                               situation='Geheim verhaal van Purgeerbaar').items()])
        keeper.execute('INSERT INTO event (intake_id, at, staff, old_status, new_status, note)'
                       ' VALUES (?, ?, ?, NULL, NULL, ?)', (gone, old, LOGIN, note))
    wal = str(db) + '-wal'
    assert secret.encode() in open(wal, 'rb').read(), 'the test meant the name to be in the WAL'
    cutoff = su.sql(db, "SELECT date('now', '-12 months')")[0][0]
    should_go = su.sql(db, "SELECT ref FROM intake WHERE status = 'closed' AND created_at < ?", (cutoff,))
    keep = su.sql(db, "SELECT ref FROM intake WHERE NOT (status = 'closed' AND created_at < ?)", (cutoff,))
    assert sorted(should_go) == [('MZ-2023-0001',), ('MZ-2024-0001',)]

    r = su.zk(['purge', '--older-than', '12m'], db=db)
    assert r.returncode == 0, su.err(r)
    assert re.search(r'\b%d\b' % len(should_go), su.out(r)), su.out(r)

    assert su.sql(db, "SELECT ref FROM intake WHERE NOT (status = 'closed' AND created_at < ?)",
                  (cutoff,)) == keep
    assert su.sql(db, "SELECT count(*) FROM intake WHERE status = 'closed' AND created_at < ?", (cutoff,)) == [(0,)]
    for ref in ('MZ-2024-0002', 'MZ-2024-0003', 'MZ-2025-0001', 'MZ-2025-0002'):
        assert su.sql(db, 'SELECT count(*) FROM intake WHERE ref = ?', (ref,)) == [(1,)]
    assert su.sql(db, 'SELECT count(*) FROM answer WHERE intake_id = ?', (gone,)) == [(0,)]
    assert su.sql(db, 'SELECT count(*) FROM event WHERE intake_id = ?', (gone,)) == [(0,)]
    audit = su.sql(db, "SELECT staff, detail FROM audit WHERE action = 'purge'")
    assert len(audit) == 1 and audit[0][0] == LOGIN and str(len(should_go)) in audit[0][1], audit

    # Gone from the bytes of the file and its write-ahead log, not just unlinked.
    for path in (str(db), str(db) + '-wal', str(db) + '-journal'):
        if not os.path.exists(path):
            continue
        raw = open(path, 'rb').read()
        for s in (secret, 'Purgeerbaar', 'purgeerbaar@example', '0611223344', note):
            assert s.encode() not in raw, '%r is still in %s' % (s, path)


@pytest.mark.parametrize('args,words', [
    (['export', '--since', '2026-13-01'], ['2026-13-01', 'YYYY-MM-DD']),
    (['export', '--until', '2026-1-5'], ['2026-1-5', 'YYYY-MM-DD']),
    (['stats', '--since', 'yesterday'], ['yesterday']),
    (['export', '--status', 'bogus'], ['bogus', 'status']),
    (['export', '--format', 'xml'], ['csv', 'json']),
    (['stats', '--format', 'json'], ['table', 'csv']),
    (['purge', '--older-than', '12'], ['--older-than']),
    (['purge', '--older-than', 'twelve months'], ['--older-than']),
    (['frobnicate'], ['frobnicate']),
    (['export', '--bogus-option'], ['--bogus-option']),
])
def test_wrong_command_line_exits_2(tmp_path, args, words):
    db = tmp_path / 'zk.db'
    su.create_db(db)
    su.insert_request(db, 'MZ-2026-0001', '2026-01-05T09:00:00Z', su.answers('Anna Eén'))
    r = su.zk(args, db=db)
    assert r.returncode == 2, (r.returncode, su.err(r))
    assert r.stdout == b'', 'nothing may be exported or printed: %r' % r.stdout[:200]
    for w in words:
        assert w in su.err(r), su.err(r)
    assert su.sql(db, 'SELECT count(*) FROM intake') == [(1,)]
    assert su.sql(db, 'SELECT action FROM audit') == [], 'a refused command was audited as done'


@pytest.mark.parametrize('date', ['2026-02-30', '2026-04-31', '2025-02-29'])
def test_impossible_date_exits_2(tmp_path, date):
    """A date that does not exist is as wrong as month 13 (and --until
    2026-02-30 would silently mean "until 3 March")."""
    db = tmp_path / 'zk.db'
    su.create_db(db)
    for opt in ('--since', '--until'):
        r = su.zk(['export', opt, date], db=db)
        assert r.returncode == 2, '%s %s: exit %s, stdout %r' % (opt, date, r.returncode, r.stdout[:120])
        assert date in su.err(r)


def test_purge_without_a_period_keeps_the_site_retention(tmp_path):
    """purge with no --older-than removes closed requests older than the
    site's retention period (12 months by default), and keeps the rest."""
    db = tmp_path / 'zk.db'
    su.create_db(db)
    su.insert_request(db, 'MZ-2024-0001', '2024-01-05T09:00:00Z', su.answers('Oud Gesloten'), status='closed')
    su.insert_request(db, 'MZ-2026-0002', '2026-10-05T09:00:00Z', su.answers('Recent Gesloten'), status='closed')
    r = su.zk(['purge'], db=db)
    assert r.returncode == 0, su.err(r)
    assert su.sql(db, 'SELECT ref FROM intake') == [('MZ-2026-0002',)]


@pytest.mark.parametrize('umask', [0o022, 0o000])
@pytest.mark.parametrize('fmt', [['--format', 'csv'], ['--format', 'json']])
def test_export_file_mode_0600(tmp_path, umask, fmt):
    db = tmp_path / 'zk.db'
    su.create_db(db)
    su.insert_request(db, 'MZ-2026-0001', '2026-01-05T09:00:00Z', su.answers('Anna Eén'))
    (tmp_path / 'out').mkdir()
    path = tmp_path / 'out' / 'out.file'
    r = su.zk(['export', '-o', str(path)] + fmt, db=db, umask=umask)
    assert r.returncode == 0, su.err(r)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, oct(os.stat(path).st_mode)
    assert b'MZ-2026-0001' in path.read_bytes()


def test_export_never_replaces_a_file(tmp_path):
    """-o only creates: an existing file keeps its bytes and its mode."""
    db = tmp_path / 'zk.db'
    su.create_db(db)
    su.insert_request(db, 'MZ-2026-0001', '2026-01-05T09:00:00Z', su.answers('Anna Eén'))
    (tmp_path / 'out').mkdir()
    path = tmp_path / 'out' / 'requests.csv'
    path.write_text('old\n')
    os.chmod(path, 0o644)
    r = su.zk(['export', '-o', str(path)], db=db)
    assert r.returncode == 1 and 'bestaat al' in su.err(r), su.err(r)
    assert path.read_bytes() == b'old\n'
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    assert su.sql(db, 'SELECT action FROM audit') == []
