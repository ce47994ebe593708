"""Several kiosks, one list (issue 21): each kiosk stores where it stands
(site setting location, or --location for one kiosk session) with every
request; staff see it on the record page, filter the list by it, find it
in every export and count it in stats; requests stored before locations
(schema 8) show "-"."""
import collections
import csv
import io
import json
import re
import socket
import sqlite3

import openpyxl

import staffutil as su
from zkharness import DOWN, ENTER, T

PLACES = ('Petuniatuin', 'Bibliotheek Forum')


def two_kiosks(tmp_path, forms):
    """One database, two kiosks: one located by its site file, one by
    --location. Returns (db, {ref: location})."""
    db = tmp_path / 'zk.db'
    refs = {}
    refs[su.kiosk_request(db, forms, 'Anna Tuin', args=['--site-location', PLACES[0]])] = PLACES[0]
    refs[su.kiosk_request(db, forms, 'Bert Boek', args=['--site-location', PLACES[0],
                                                        '--location', PLACES[1]])] = PLACES[1]
    refs[su.kiosk_request(db, forms, 'Cor Tuin', args=['--site-location', PLACES[0]])] = PLACES[0]
    return db, refs


def test_each_request_stores_its_kiosks_location(tmp_path, forms):
    db, refs = two_kiosks(tmp_path, forms)
    stored = dict(su.sql(db, 'SELECT ref, location FROM intake'))
    assert stored == refs


def test_unconfigured_kiosk_says_its_host_name(tmp_path, forms):
    db = tmp_path / 'zk.db'
    ref = su.kiosk_request(db, forms, 'Dirk Host')
    assert su.sql(db, 'SELECT location FROM intake WHERE ref = ?', (ref,)) == [(socket.gethostname(),)]


def test_bad_location_option_is_refused(tmp_path):
    r = su.zk(['--location', 'a\tb', '--lang', 'en'], staff=False)
    assert r.returncode == 2 and '--location' in su.err(r), su.err(r)
    r = su.zk(['export', '--location', 'X', '--lang', 'en'], db=tmp_path / 'zk.db')
    assert r.returncode == 2 and T('--location goes with the kiosk only', 'en') in su.err(r), su.err(r)


def test_exports_carry_the_location(tmp_path, forms):
    db, refs = two_kiosks(tmp_path, forms)
    r = su.zk(['export', '--format', 'csv'], db=db)
    assert r.returncode == 0, su.err(r)
    rows = list(csv.reader(io.StringIO(su.out(r), newline='')))
    assert rows[0][-1] == 'location'
    assert {row[0]: row[-1] for row in rows[1:]} == refs

    r = su.zk(['export', '--format', 'json'], db=db)
    assert r.returncode == 0, su.err(r)
    assert {o['ref']: o['location'] for o in json.loads(su.out(r))} == refs

    (tmp_path / 'out').mkdir()
    out = tmp_path / 'out' / 'requests.xlsx'
    r = su.zk(['export', '--format', 'xlsx', '-o', str(out), '--lang', 'en'], db=db)
    assert r.returncode == 0, su.err(r)
    ws = openpyxl.load_workbook(str(out)).worksheets[0]
    head = [c.value for c in ws[1]]
    where = head.index('Location')
    got = {row[0]: row[where] for row in ws.iter_rows(min_row=2, values_only=True) if row[0]}
    assert got == refs


def test_stats_count_per_location(tmp_path, forms):
    db, refs = two_kiosks(tmp_path, forms)
    month = su.sql(db, 'SELECT substr(min(created_at), 1, 7) FROM intake')[0][0]
    want = collections.Counter(refs.values())
    r = su.zk(['stats', '--lang', 'en'], db=db)
    assert r.returncode == 0, su.err(r)
    _, _, tail = su.out(r).partition('Requests per location per month')
    for place, n in want.items():
        assert re.search(r'^%s\s+%s\s+%d$' % (month, re.escape(place), n), tail, re.M), su.out(r)
    r = su.zk(['stats', '--format', 'csv'], db=db)
    rows = list(csv.reader(io.StringIO(su.out(r), newline='')))
    assert {(m, k): int(n) for m, kind, k, n in rows[1:] if kind == 'location'} == \
        {(month, p): n for p, n in want.items()}


def test_staff_list_filters_by_location_and_record_shows_it(tmp_path, forms, kiosk):
    db, refs = two_kiosks(tmp_path, forms)
    k = su.staff_terminal(kiosk, db)
    k.wait_until(lambda: len(su.list_rows(k)) == 3, 'three requests in the list')
    # p: the first location (sorted), then the next, then all again.
    for place in sorted(PLACES):
        k.press('p')
        k.wait_for('Location: %s' % place)
        want = sorted(r for r, p in refs.items() if p == place)
        k.wait_until(lambda: sorted(r[0] for r in su.list_rows(k)) == want, 'only the requests of %s' % place)
    k.press('p')
    k.wait_gone('Location: ')
    k.wait_until(lambda: len(su.list_rows(k)) == 3, 'all requests again')
    assert all(len(l) <= 80 for l in k.text())
    # The record page says where the request was made.
    first = su.list_rows(k)[0][0]
    k.send(ENTER)
    k.wait_for('Received', 'Location: %s' % refs[first])


def test_location_filter_keeps_the_list_on_screen_at_80x24(tmp_path, kiosk):
    """A full page of requests with a long location filtered: the filter
    line may wrap, and the way on and the keys still show."""
    db = tmp_path / 'zk.db'
    su.create_db(db)
    place = 'Huisartsenpraktijk De Lange Voorhout'
    for i in range(40):
        su.insert_request(db, 'MZ-2026-%04d' % (i + 1), '2026-03-01T10:%02d:00Z' % i, su.answers('Persoon %d' % i))
    con = sqlite3.connect(str(db))
    with con:
        con.execute('UPDATE intake SET location = ?', (place,))
    con.close()
    k = su.staff_terminal(kiosk, db)
    k.wait_for('MZ-2026-0040')
    k.press('p')
    k.wait_for('Location: %s' % place[:10])
    k.wait_for(T('Older requests (Page Down)', 'en'), 'q quit')
    assert all(len(l) <= 80 for l in k.text())
    assert len(su.list_rows(k)) >= 10, k.dump()


def test_requests_from_schema_8_show_a_dash(tmp_path, forms, kiosk):
    """A database of schema 8 (no location column) migrates; its requests
    show "-" and a new one stores its location beside them."""
    db = tmp_path / 'zk.db'
    su.create_db(db)
    su.insert_request(db, 'MZ-2026-0001', '2026-03-01T10:00:00Z', su.answers('Oud Verzoek'))
    con = sqlite3.connect(str(db))
    con.executescript('DROP INDEX intake_location; ALTER TABLE intake DROP COLUMN location;'
                      ' PRAGMA user_version = 8;')
    con.close()
    r = su.zk(['migrate'], db=db, staff=False)
    assert r.returncode == 0, su.err(r)
    assert su.sql(db, 'PRAGMA user_version')[0][0] >= 9  # later steps too
    assert su.sql(db, "SELECT location FROM intake WHERE ref = 'MZ-2026-0001'") == [(None,)]
    new = su.kiosk_request(db, forms, 'Nieuw Verzoek', args=['--location', PLACES[0]])
    r = su.zk(['export', '--format', 'json'], db=db)
    assert {o['ref']: o['location'] for o in json.loads(su.out(r))} == {'MZ-2026-0001': None, new: PLACES[0]}
    r = su.zk(['stats', '--lang', 'en'], db=db)
    tail = su.out(r).partition('Requests per location per month')[2]
    assert re.search(r'^2026-03\s+-\s+1$', tail, re.M), su.out(r)
    k = su.staff_terminal(kiosk, db)
    k.wait_for('MZ-2026-0001')
    rows = [r[0] for r in su.list_rows(k)]
    for _ in range(rows.index('MZ-2026-0001')):
        k.press(DOWN)
    k.send(ENTER)
    k.wait_for('Oud Verzoek', 'Location: -')


def test_curses_kiosk_stores_its_location(kiosk, forms, tmp_path):
    """The curses kiosk opens the database after its welcome (another
    path than line mode): --location reaches the request there too."""
    from steps import choose_language, fill_form, open_form_from_page, open_menu_item, valid_answers
    from zkharness import REF_RE
    option = forms.request_pages()[0]['id']
    k = kiosk(args=['--site-location', PLACES[0], '--location', PLACES[1]])
    choose_language(k, forms, 'en')
    open_menu_item(k, forms, option, 'en')
    open_form_from_page(k, forms, option, 'en')
    fill_form(k, forms, 'en', valid_answers(forms))
    k.wait_for(T('Check your answers', 'en'))
    k.choose(T('Send', 'en'))
    ref = k.wait_match(REF_RE.pattern).group(0)
    k.close()
    assert su.sql(k.db_path, 'SELECT location FROM intake WHERE ref = ?', (ref,)) == [(PLACES[1],)]
