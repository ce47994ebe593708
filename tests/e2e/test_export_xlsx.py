"""The Excel workbook export (export --format xlsx, and w in the staff
list), read back with openpyxl and converted by LibreOffice: typed cells,
nothing that runs as a formula, a frozen filtered header in the staff
member's language, and the statistics with their chart."""
import datetime
import io
import os
import re
import shutil
import stat
import subprocess
import zipfile

import pytest

import staffutil as su
from zkharness import T

openpyxl = pytest.importorskip('openpyxl')

TWO_LINES = 'Mijn moeder woont alleen.\nZij valt vaak.'


def office_db(tmp_path):
    # Exports may not go to the database's folder.
    (tmp_path / 'data').mkdir()
    db = tmp_path / 'data' / 'zk.db'
    su.create_db(db)
    # 23:30 UTC on 31 March is 1 April 01:30 in Zoetermeer (summer time).
    su.insert_request(db, 'MZ-2026-0001', '2026-03-31T23:30:00Z',
                      su.answers('=HYPERLINK("http://voorbeeld.nl","klik")', situation=TWO_LINES,
                                 options='respite_light,day_care'))
    su.insert_request(db, 'MZ-2026-0002', '2026-04-02T10:00:00Z',
                      su.answers('+Bert', phone='+31612345678', situation='=SUM(A1:A3)', options='day_care'),
                      status='contacted', lang='en')
    su.insert_request(db, 'MZ-2026-0003', '2026-05-07T11:00:00Z',
                      su.answers('@Chris', phone='0791234567', options='respite_light'), status='closed')
    return db


def export(tmp_path, db, *extra, name='out.xlsx'):
    path = tmp_path / name
    r = su.zk(['export', '--format', 'xlsx', '-o', str(path)] + list(extra), db=db,
              extra_env={'TZ': 'Europe/Amsterdam'})
    assert r.returncode == 0, su.err(r)
    return path


def column(ws, header):
    for c in ws[1]:
        if c.value == header:
            return c.column_letter
    raise AssertionError('no column %r in %r' % (header, [c.value for c in ws[1]]))


def test_requests_sheet_typed_cells(tmp_path, forms):
    db = office_db(tmp_path)
    path = export(tmp_path, db)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [T('Requests', 'nl'), T('History', 'nl'), T('Statistics', 'nl')]
    ws = wb.worksheets[0]

    # The header, in Dutch (the default language), frozen and filtered.
    heads = [c.value for c in ws[1]]
    assert heads[:4] == [T('Reference', 'nl'), T('Date', 'nl'), T('Status', 'nl'), T('Language', 'nl')]
    assert heads[4:] == forms.export_labels('nl')
    assert ws.freeze_panes == 'A2'
    assert ws.auto_filter.ref == 'A1:%s4' % ws.cell(1, len(heads)).column_letter

    refs = [ws['A%d' % r].value for r in (2, 3, 4)]
    assert refs == ['MZ-2026-0001', 'MZ-2026-0002', 'MZ-2026-0003']
    assert all(ws['A%d' % r].data_type == 's' for r in (2, 3, 4))

    phone = column(ws, forms.staff_label('phone', 'nl'))
    assert ws[phone + '2'].value == '0612345678' and ws[phone + '2'].data_type == 's'
    assert ws[phone + '3'].value == '+31612345678' and ws[phone + '3'].data_type == 's'
    assert ws[phone + '4'].value == '0791234567'

    # A real date, in local time, shown the Dutch way.
    date = ws['B2']
    assert date.is_date and date.value == datetime.datetime(2026, 4, 1, 1, 30)
    assert date.number_format.startswith('dd-mm-yyyy')
    assert ws['C2'].value == 'nieuw' and ws['C3'].value == T('contacted', 'nl')
    # The language a request was made in, by its name, not its code.
    assert ws['D2'].value == 'Nederlands' and ws['D3'].value == 'English'

    # Several lines: wrapped. Choices and options by their labels.
    situation = column(ws, forms.staff_label('situation', 'nl'))
    assert ws[situation + '2'].value == TWO_LINES and ws[situation + '2'].alignment.wrap_text
    opts = column(ws, forms.staff_label('options', 'nl'))
    assert ws[opts + '2'].value == forms.title('respite_light', 'nl') + '\n' + forms.title('day_care', 'nl')
    moment = column(ws, forms.staff_label('moment', 'nl'))
    assert ws[moment + '2'].value == forms.choice_label('moment', 'morning', 'nl')

    # Nothing runs as a formula: what looks like one is text, in the text
    # format, so Excel keeps it text even when the cell is edited.
    name = column(ws, forms.staff_label('name', 'nl'))
    for cell, want in ((name + '2', '=HYPERLINK("http://voorbeeld.nl","klik")'), (situation + '3', '=SUM(A1:A3)'),
                       (name + '3', '+Bert'), (name + '4', '@Chris')):
        assert ws[cell].value == want and ws[cell].data_type == 's', cell
        assert ws[cell].number_format == '@', cell
    with zipfile.ZipFile(path) as z:
        for n in z.namelist():
            if n.startswith('xl/worksheets/'):
                assert b'<f>' not in z.read(n) and b'<f ' not in z.read(n), n

    # The export is in the audit trail.
    assert su.sql(db, "SELECT count(*) FROM audit WHERE action = 'export' AND detail LIKE 'xlsx%'")[0][0] == 1


def test_statistics_sheet_and_chart(tmp_path, forms):
    db = office_db(tmp_path)
    wb = openpyxl.load_workbook(export(tmp_path, db, '--lang', 'en'))
    assert wb.sheetnames == ['Requests', 'History', 'Statistics']
    assert wb.worksheets[0]['A1'].value == 'Reference'
    ws = wb['Statistics']
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0][0] == 'Requests per option per month'
    pages = forms.request_pages()
    assert rows[1][:1 + len(pages)] == ['Month'] + [p['title']['en'] for p in pages]

    def table(first):
        """Month (a date cell shown yyyy-mm) -> the counts."""
        out = {}
        for r, cells in zip(rows[first:], list(ws.iter_rows())[first:]):
            if r[0] is None:
                break
            assert isinstance(r[0], datetime.datetime) and r[0].day == 1, r[0]
            assert cells[0].number_format == 'yyyy-mm', cells[0].number_format
            out[r[0].strftime('%Y-%m')] = r[1:]
        return out
    by_option = table(2)
    col = {p['id']: i for i, p in enumerate(pages)}
    # Local months, as the dates: 31 March 23:30 UTC is 1 April here.
    assert sorted(by_option) == ['2026-04', '2026-05']
    assert by_option['2026-04'][col['respite_light']] == 1 and by_option['2026-04'][col['day_care']] == 2
    assert by_option['2026-05'][col['respite_light']] == 1 and by_option['2026-05'][col['day_care']] == 0
    status_top = next(i for i, r in enumerate(rows) if r[0] == 'Requests per status per month')
    assert rows[status_top + 1][:6] == ['Month', 'new', 'contacted', 'referred', 'closed', 'not reachable']
    by_status = table(status_top + 2)
    assert list(by_status['2026-04'][:5]) == [1, 1, 0, 0, 0]
    assert list(by_status['2026-05'][:5]) == [0, 0, 0, 1, 0]

    # A native column chart: one series per option, over the months.
    charts = ws._charts
    assert len(charts) == 1
    chart = charts[0]
    assert chart.tagname == 'barChart' and chart.type == 'col'
    assert len(chart.series) == len(pages)
    ref = chart.series[0].val.numRef.f
    assert re.fullmatch(r"'?Statistics'?!\$B\$3:\$B\$4", ref), ref
    assert chart.series[0].cat.numRef.f.endswith('$A$3:$A$4')


def test_to_stdout_when_piped(tmp_path):
    db = office_db(tmp_path)
    scratch = tmp_path / 'scratch'
    scratch.mkdir()
    r = su.zk(['export', '--format', 'xlsx'], db=db, extra_env={'TMPDIR': str(scratch)})
    assert r.returncode == 0, su.err(r)
    assert r.stdout.startswith(b'PK\x03\x04')
    wb = openpyxl.load_workbook(io.BytesIO(r.stdout))
    assert wb.worksheets[0].max_row == 4
    assert os.listdir(scratch) == [], 'the workbook left a scratch file with personal data'


def test_refused_on_a_terminal(kiosk, tmp_path):
    db = office_db(tmp_path)
    k = kiosk(db=str(db), wait=False, args=['export', '--format', 'xlsx', '--lang', 'en', '--staff-users', su.LOGIN])
    status = k.proc.wait(timeout=10)
    k.close(check=False)
    assert status == 2
    assert 'write it to a file with -o or redirect' in k.stderr()
    assert 'PK' not in '\n'.join(k.text())


def test_staff_list_w_exports_a_workbook(kiosk, tmp_path, forms):
    db = office_db(tmp_path)
    k = su.staff_terminal(kiosk, db)
    k.wait_for('MZ-2026-0003')
    k.send('w')
    path = su.wait_export(k, 'xlsx')
    assert k.contains('Exported 3 requests')
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    ws = openpyxl.load_workbook(path).worksheets[0]
    # The staff member works in English: so is the header.
    assert [c.value for c in ws[1]][:4] == ['Reference', 'Date', 'Status', 'Language']
    assert sorted(ws['A%d' % r].value for r in (2, 3, 4)) == ['MZ-2026-0001', 'MZ-2026-0002', 'MZ-2026-0003']


@pytest.mark.skipif(shutil.which('soffice') is None, reason='LibreOffice (libreoffice-calc-nogui) is not installed')
def test_libreoffice_converts_it(tmp_path, forms):
    db = office_db(tmp_path)
    path = export(tmp_path, db)
    outdir = tmp_path / 'lo'
    r = subprocess.run(['soffice', '-env:UserInstallation=file://%s' % (tmp_path / 'lo-profile'),
                        '--headless', '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1',
                        '--outdir', str(outdir), str(path)],
                       capture_output=True, timeout=120, env=dict(os.environ, HOME=str(tmp_path)))
    assert r.returncode == 0, r.stderr.decode(errors='replace')
    text = (outdir / 'out.csv').read_text(encoding='utf-8')
    # The phone number keeps its 0, the formula stays text, the date is Dutch.
    assert '0612345678' in text and ',612345678' not in text
    assert '=SUM(A1:A3)' in text
    assert re.search(r'01-04-2026 01:30', text), text[:500]
