"""No cell of the CSV export starts a formula, whichever separator a
spreadsheet splits it on.

A spreadsheet may split the file on ',', ';' or tab, and honours a quote
only where one begins its own cell: one that splits on ';' reads the
plain cell "a;=1+1;b" as three cells. The export is read back with
Python's csv module for each delimiter (quotes honoured, and ignored), and
opened with LibreOffice for each separator with its most trusting options
(formulas evaluated, spaces trimmed), converted to xlsx and read with
openpyxl: no cell is a formula and no cell starts with = + - @ or their
full-width forms. The CSV for Excel (--excel) is gone; asking for it says
what to use instead."""
import csv
import io
import os
import shutil
import subprocess

import openpyxl
import pytest

import staffutil as su

TRIGGERS = ('=', '+', '-', '@', '\uff1d', '\uff0b', '\uff0d', '\uff20')
# What a reader may skip before the first character of a cell: blanks,
# and the quote that opens a quoted cell.
SKIPPED = ' \t\r\n"\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000'

# (stored answer, the cell as a CSV reader with ',' reads it back)
HOSTILE = [
    ('a;=1+1;b', "a;'=1+1;b"),
    ("x;=cmd|' /C calc'!A0;y", "x;'=cmd|' /C calc'!A0;y"),
    ('a,=1+1,b', "a,'=1+1,b"),
    ('a\t=1+1\tb', "a\t'=1+1\tb"),
    ('a\t\t@SUM(A1)', "a\t\t'@SUM(A1)"),
    ('regel\n=1+1', "regel\n'=1+1"),
    ('regel\r\n+1+1', "regel\r\n'+1+1"),
    ('zei "=1+1" en', 'zei "\'=1+1" en'),
    ('a;"=1+1";b', 'a;"\'=1+1";b'),
    ('a,"b;=1+1"', 'a,"b;\'=1+1"'),
    ('a; =1+1', "a; '=1+1"),
    ('a;\u00a0\u3000-1+1', "a;\u00a0\u3000'-1+1"),
    ('a;\uff1d1+1;\uff0b1;\uff20A1;\uff0d1', "a;'\uff1d1+1;'\uff0b1;'\uff20A1;'\uff0d1"),
    ('=1+1', "'=1+1"),
    ('   =1+1', "   '=1+1"),
    ('\t=1+1', "\t'=1+1"),
    ('-', "'-"),
    ('Tel. 06-12345678, mail: jan@example.nl', 'Tel. 06-12345678, mail: jan@example.nl'),
    ('- geen -', "'- geen -"),
]


def stripped(cell):
    return cell.lstrip(SKIPPED)


def starts_formula(cell):
    return stripped(cell).startswith(TRIGGERS)


@pytest.fixture(scope='module')
def export(tmp_path_factory):
    """A database with the HOSTILE answers (as situation, and also as name
    where they fit on one line), exported as plain CSV to a file."""
    tmp = tmp_path_factory.mktemp('csv')
    db = tmp / 'zk.db'
    su.create_db(db)
    for i, (value, _) in enumerate(HOSTILE):
        su.insert_request(db, 'MZ-2026-%04d' % (i + 1), '2026-04-01T09:%02d:00Z' % i,
                          su.answers('Naam %d' % i, phone='+31612345678', situation=value,
                                     email=value if '\n' not in value else None))
    (tmp / 'out').mkdir()
    path = tmp / 'out' / 'requests.csv'
    r = su.zk(['export', '--format', 'csv', '-o', str(path)], db=db)
    assert r.returncode == 0, su.err(r)
    return path


def test_python_csv_reads_the_answers_back(export):
    """With ',' (what was written) every answer comes back with the
    apostrophe before each formula character that could begin a cell."""
    text = export.read_bytes().decode('utf-8')
    table = list(csv.reader(io.StringIO(text, newline='')))
    body = {row[0]: dict(zip(table[0], row)) for row in table[1:]}
    assert len(body) == len(HOSTILE)
    for i, (value, want) in enumerate(HOSTILE):
        row = body['MZ-2026-%04d' % (i + 1)]
        assert row['situation'] == want, '%r came out as %r' % (value, row['situation'])
        assert row['phone'] == "'+31612345678", row


@pytest.mark.parametrize('quoting', [csv.QUOTE_MINIMAL, csv.QUOTE_NONE], ids=['quotes', 'no-quotes'])
@pytest.mark.parametrize('delimiter', [',', ';', '\t'], ids=['comma', 'semicolon', 'tab'])
def test_no_cell_starts_a_formula_for_any_delimiter(export, delimiter, quoting):
    text = export.read_bytes().decode('utf-8')
    table = list(csv.reader(io.StringIO(text, newline=''), delimiter=delimiter, quoting=quoting))
    bad = [cell for row in table for cell in row if starts_formula(cell)]
    assert not bad, 'cells that start a formula when split on %r: %r' % (delimiter, bad)


# LibreOffice's CSV filter options: separators, quote (34), UTF-8 (76),
# first line, column formats, language, quoted field as text, detect
# special numbers, -, -, trim spaces, -, evaluate formulas.
SEPARATORS = {'comma': '44', 'semicolon': '59', 'tab': '9', 'all': '44/59/9'}


@pytest.fixture(scope='module')
def libreoffice(export, tmp_path_factory):
    """The export opened in LibreOffice with each separator, as xlsx
    files: one start of soffice per separator, one private profile."""
    if shutil.which('soffice') is None:
        pytest.skip('LibreOffice (libreoffice-calc-nogui) is not installed')
    tmp = tmp_path_factory.mktemp('lo')
    done = {}
    for name, sep in SEPARATORS.items():
        options = 'CSV:%s,34,76,1,,1033,false,true,false,false,true,-1,true' % sep
        r = subprocess.run(['soffice', '-env:UserInstallation=file://%s' % (tmp / 'profile'), '--headless',
                            '--infilter=' + options, '--convert-to', 'xlsx', '--outdir', str(tmp / name),
                            str(export)],
                           capture_output=True, timeout=120, env=dict(os.environ, HOME=str(tmp)))
        assert r.returncode == 0, r.stderr.decode(errors='replace')
        done[name] = tmp / name / 'requests.xlsx'
    return done


@pytest.mark.parametrize('sep', list(SEPARATORS))
def test_libreoffice_makes_no_formula_for_any_separator(libreoffice, sep):
    ws = openpyxl.load_workbook(libreoffice[sep]).worksheets[0]
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert ws.max_row > len(HOSTILE), 'LibreOffice read only %d rows' % ws.max_row
    if sep != 'comma':  # it did split inside the answers
        assert "'=1+1" in [c.value for c in cells], [c.value for c in cells]
    formulas = [(c.coordinate, c.value) for c in cells if c.data_type == 'f']
    assert not formulas, 'formula cells with separator %s: %r' % (sep, formulas)
    bad = [(c.coordinate, c.value) for c in cells if starts_formula(str(c.value))]
    assert not bad, 'cells that start with a formula character, separator %s: %r' % (sep, bad)


def test_libreoffice_reads_the_comma_separated_cells(libreoffice):
    """With ',' LibreOffice sees the columns that were written, and the
    answers with their apostrophes."""
    ws = openpyxl.load_workbook(libreoffice['comma']).worksheets[0]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    head = rows[0]
    body = {row[0]: dict(zip(head, row)) for row in rows[1:]}
    assert body['MZ-2026-0001']['situation'] == "a;'=1+1;b"
    assert body['MZ-2026-0002']['situation'] == "x;'=cmd|' /C calc'!A0;y"
    assert body['MZ-2026-0001']['phone'] == "'+31612345678"


def test_excel_flavour_is_refused_with_what_to_use(tmp_path):
    """An old script that asks for --excel gets a clear message and no
    file, not another format in its place."""
    db = tmp_path / 'zk.db'
    su.create_db(db)
    su.insert_request(db, 'MZ-2026-0001', '2026-01-05T09:00:00Z', su.answers('Anna Eén'))
    (tmp_path / 'out').mkdir()
    path = tmp_path / 'out' / 'excel.csv'
    for lang, words in ((['--lang', 'en'], 'no longer there'), ([], 'bestaat niet meer')):
        r = su.zk(['export', '--format', 'csv', '--excel', '-o', str(path)] + lang, db=db)
        assert r.returncode == 2, (r.returncode, su.err(r))
        assert words in su.err(r) and '--format xlsx' in su.err(r), su.err(r)
        assert r.stdout == b''
        assert not path.exists()
    r = su.zk(['export', '--excel'], db=db)
    assert r.returncode == 2 and r.stdout == b'', su.err(r)
    assert su.sql(db, "SELECT count(*) FROM audit WHERE action = 'export'")[0][0] == 0


def test_staff_terminal_x_points_to_the_workbook(kiosk, tmp_path):
    """x was the CSV for Excel: now it says to press w, and writes
    nothing; the key line offers w Excel first."""
    db = tmp_path / 'zk.db'
    su.create_db(db)
    su.insert_request(db, 'MZ-2026-0001', '2026-01-05T09:00:00Z', su.answers('Anna Eén'))
    k = su.staff_terminal(kiosk, db)
    k.wait_for('w Excel  e CSV  j JSON')
    k.send('x')
    k.wait_for('press w')
    folder = su.export_folder(k)
    assert not os.path.isdir(folder) or os.listdir(folder) == [], os.listdir(folder)
    k.send('q')
