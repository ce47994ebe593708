"""Names in the scripts of the kiosk's languages (Turkish, Polish,
Ukrainian, Arabic), typed at the kiosk in the pseudo-terminal (UTF-8): stored
as typed, found by the staff terminal's search as a member of staff types
them ("ozturk" finds "Öztürk", "lukasz" "Łukasz", Arabic without its
diacritics), and exported byte for byte in CSV, JSON and the workbook."""
import csv
import json
import re
import subprocess
import unicodedata

import pytest

import staffutil as su
from steps import fill_form, to_form, valid_answers
from zkharness import REF_RE, T, db_intake

openpyxl = pytest.importorskip('openpyxl')

NAMES = [
    'Ayşe Şahin Öztürk',
    'Łukasz Wróbel',
    'İsmail Işık Doğan',
    'Олена Йосипенко',
    'مُحَمَّد الـعلي',
]

# What staff type, and whom it finds (indexes in NAMES).
SEARCHES = [
    ('ozturk', [0]),
    ('AYSE', [0]),
    ('lukasz', [1]),
    ('wrobel', [1]),
    ('sahin', [0]),
    ('ŞAHİN', [0]),
    ('kowalski', []),
    ('isik', [2]),
    ('ismail', [2]),
    ('dogan', [2]),
    ('олена', [3]),
    ('ЙОСИП', [3]),
    ('иосип', []),
    ('محمد', [4]),
    ('العلي', [4]),
]


def kiosk_send(k, forms, name):
    """From the welcome, a request with this name; back at the welcome.
    Returns its reference."""
    to_form(k, forms, forms.request_pages()[0]['id'], 'en')
    fill_form(k, forms, 'en', valid_answers(forms, name=name))
    k.wait_for(T('Check your answers', 'en'))
    k.choose(T('Send', 'en'))
    ref = k.wait_match(REF_RE.pattern).group(0)
    k.choose(T('Finish (the screen is wiped)', 'en'))
    k.wait_for('1  Nederlands', timeout=10)
    return ref


def as_read(visual):
    """A line part as a reader gets it: right-to-left runs (Arabic, laid out
    by the kiosk for a terminal without bidi) read from the right, joined
    letter forms as plain letters."""
    return unicodedata.normalize('NFKC', re.sub(
        r'[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff][\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff ]*'
        r'[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]|[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]',
        lambda m: ''.join(reversed(re.findall(r'.[\u064b-\u065f\u0670]*', m.group(0)))), visual))


def search(k, query, last):
    k.press('/')
    k.wait_for(T('Search for a name, phone number, e-mail address or reference:', 'en'))
    su.type_line(k, len(last), query)
    k.wait_until(lambda: any('Search: %s' % query in as_read(l) for l in k.text()),
                 'the list never showed "Search: %s"' % query)


def test_names_in_every_script_stored_found_and_exported(kiosk, tmp_path, forms):
    db = tmp_path / 'zk.db'
    k = kiosk(db=str(db))
    refs = [kiosk_send(k, forms, name) for name in NAMES]
    k.close()
    for ref, name in zip(refs, NAMES):
        row, answers = db_intake(str(db), ref)
        assert answers['name'] == name, (ref, answers['name'], name)
    # The index holds keys, not raw Arabic marks or capitals.
    keys = [r[0] for r in su.sql(db, "SELECT folded FROM search_text WHERE field = 'name'")]
    assert not any('\u064f' in f or '\u0640' in f for f in keys), keys

    s = su.staff_terminal(kiosk, db)
    s.wait_for(refs[-1])
    last = ''
    for query, want in SEARCHES:
        search(s, query, last)
        last = query
        want_refs = sorted(refs[i] for i in want)
        s.wait_until(lambda: sorted(r[0] for r in su.list_rows(s)) == want_refs,
                     '%r finds %r' % (query, want_refs))
        if not want:
            s.wait_for(T('No requests match.', 'en'))
    # Exports of the whole list: the names as typed, byte for byte.
    s.press('c')
    s.wait_until(lambda: len(su.list_rows(s)) == len(NAMES), 'all requests listed')
    s.send('e')
    csv_path = su.wait_export(s, 'csv')
    s.send('j')
    json_path = su.wait_export(s, 'json')
    s.send('w')
    xlsx_path = su.wait_export(s, 'xlsx')
    s.send('q')
    assert s.proc.wait(timeout=10) == 0

    with open(csv_path, newline='', encoding='utf-8-sig') as fh:
        table = list(csv.DictReader(fh))
    assert {r['ref']: r['name'] for r in table} == dict(zip(refs, NAMES))
    with open(json_path, encoding='utf-8') as fh:
        assert {e['ref']: e['answers']['name'] for e in json.load(fh)} == dict(zip(refs, NAMES))
    jq = subprocess.run(['jq', '-r', '.[] | .ref + "\\t" + .answers.name', json_path], capture_output=True, check=True)
    assert sorted(jq.stdout.decode('utf-8').splitlines()) == sorted('%s\t%s' % p for p in zip(refs, NAMES))
    wb = openpyxl.load_workbook(xlsx_path)
    cells = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert set(NAMES) <= cells, [n for n in NAMES if n not in cells]
