"""Take it home: "How are you doing?" (every band, both languages, full
screen and line mode), the personal plan for a Wmo report, and the
take-home page printed on a real CUPS server that this module starts on a
private port, read back with pdftotext.

The printer comes from the site configuration (printer, print_server),
which the harness writes for `--printer` and `--print-server`."""
import itertools
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unicodedata

import pytest

import ipp
import libcfg
from rawpty import LineSession
from steps import choose_language, fill_form, valid_answers
from zkharness import ENTER, REF_RE, SPACE, TAB, T, base_env, db_rows, flat

CUPSD = shutil.which('cupsd') or '/usr/sbin/cupsd'
LPADMIN = shutil.which('lpadmin') or '/usr/sbin/lpadmin'
PDF_PPD = '/usr/share/ppd/cupsfilters/Generic-PDF_Printer-PDF.ppd'
SERVER_BIN = '/usr/lib/cups'
# Backends of printers in trouble: the reason each reports (as a real
# printer's backend does, with a STATE: line), and what it does then: give
# up on the job, or (offline) keep waiting for the printer.
TROUBLE = {'zknopaper': ('media-empty-error', 'exit 1'), 'zkoffline': ('offline-report', 'exec sleep 60')}
# Backends of printers that take a job and then get into trouble with it:
# fail it, run out of paper and wait for some, or wait until the test lets
# it through (creates the file its device URI names, at most 60 s).
JOB_TROUBLE = {
    'zkfail': 'cat >/dev/null\nexit 1',
    'zkpaperout': 'cat >/dev/null\necho "STATE: +media-empty-error" >&2\nexec sleep 60',
    'zkgate': 'cat >/dev/null\ni=0\nwhile [ ! -e "${DEVICE_URI#zkgate:}" ] && [ $i -lt 600 ]; do '
              'sleep 0.1; i=$((i + 1)); done',
}
# What the take-home page says about a job on its way and a printed one.
ON_ITS_WAY = 'The page is on its way to the printer. Please wait a moment.'
PRINTED = 'The page is printed. Take it from the printer.'


# --------------------------------------------------------------------------
# The forms this feature reads.

@pytest.fixture(scope='module')
def extra(forms_dir):
    return {name: libcfg.load(os.path.join(forms_dir, name + '.conf'))
            for name in ('check', 'plan', 'takehome')}


def band_of(check, combo):
    """The result of answers combo as forms/README.md defines it: the band
    of their total, or the highest band an answer names in at_least."""
    qs, bands = check['questions'], check['bands']
    total = sum(q['answers'][i]['points'] for q, i in zip(qs, combo))
    at = next(n for n, b in enumerate(bands) if b['from'] <= total <= b['to'])
    for q, i in zip(qs, combo):
        if 'at_least' in q['answers'][i]:
            at = max(at, next(n for n, b in enumerate(bands) if b['id'] == q['answers'][i]['at_least']))
    return bands[at]


def band_walk(check, band):
    """Answer indexes, one per question, whose result is band: the first
    such combination in order."""
    qs = check['questions']
    for combo in itertools.product(*[range(len(q['answers'])) for q in qs]):
        if band_of(check, combo)['id'] == band['id']:
            return combo
    raise AssertionError('band %s cannot be reached' % band['id'])


def question_line(lang, n, of):
    return T('Question %zu of %zu', lang).replace('%zu', str(n), 1).replace('%zu', str(of), 1)


def fits(check, combo):
    """Page ids the answers of combo suggest."""
    out = []
    for q, i in zip(check['questions'], combo):
        for p in q['answers'][i].get('suggest', []):
            if p not in out:
                out.append(p)
    return out


# --------------------------------------------------------------------------
# A real CUPS server for this module: its own cupsd, its own folder, a
# private loopback port, queues that write PDF files.

class Cups:
    def __init__(self):
        # cupsd runs its filters as the user lp: the folder must be open to it.
        self.dir = tempfile.mkdtemp(prefix='zk-cups-', dir='/tmp')
        os.chmod(self.dir, 0o755)
        for sub in ('spool', 'spool/tmp', 'cache', 'state', 'log', 'out', 'ppd'):
            os.makedirs(os.path.join(self.dir, sub), exist_ok=True)
            os.chmod(os.path.join(self.dir, sub), 0o777)
        # The system's filters and backends, and two printers that report
        # trouble the way a backend does: out of paper, and offline.
        self.serverbin = os.path.join(self.dir, 'serverbin')
        os.makedirs(os.path.join(self.serverbin, 'backend'))
        for name in os.listdir(SERVER_BIN):
            if name != 'backend':
                os.symlink(os.path.join(SERVER_BIN, name), os.path.join(self.serverbin, name))
        for name in os.listdir(os.path.join(SERVER_BIN, 'backend')):
            os.symlink(os.path.join(SERVER_BIN, 'backend', name), os.path.join(self.serverbin, 'backend', name))
        scripts = {scheme: 'echo "STATE: +%s" >&2\n%s' % t for scheme, t in TROUBLE.items()}
        scripts.update(JOB_TROUBLE)
        for scheme, script in scripts.items():
            path = os.path.join(self.serverbin, 'backend', scheme)
            with open(path, 'w') as f:
                f.write('#!/bin/sh\n[ $# -eq 0 ] && { echo "direct %s \\"Unknown\\" \\"%s\\""; exit 0; }\n%s\n'
                        % (scheme, scheme, script))
            os.chmod(path, 0o755)
        with socket.socket() as s:
            s.bind(('127.0.0.1', 0))
            self.port = s.getsockname()[1]
        self.server = '127.0.0.1:%d' % self.port
        d = self.dir
        with open(os.path.join(d, 'cupsd.conf'), 'w') as f:
            # As on the kiosk: no copy of a printed page is kept in the spool.
            f.write('Listen 127.0.0.1:%d\nLogLevel warn\nWebInterface No\nBrowsing No\n'
                    'PreserveJobFiles No\n'
                    'DefaultAuthType None\n<Location />\n  Order allow,deny\n  Allow all\n</Location>\n'
                    '<Location /admin>\n  Order allow,deny\n  Allow all\n</Location>\n'
                    '<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n'
                    % self.port)
        # Every directive as cups-files.conf(5) documents it: the printcap
        # file is a real file in this folder (an empty value is not valid).
        with open(os.path.join(d, 'cups-files.conf'), 'w') as f:
            f.write('FileDevice Yes\nServerRoot {d}\nRequestRoot {d}/spool\nCacheDir {d}/cache\n'
                    'StateDir {d}/state\nTempDir {d}/spool/tmp\nAccessLog {d}/log/access_log\n'
                    'ErrorLog {d}/log/error_log\nPageLog {d}/log/page_log\nServerBin {d}/serverbin\n'
                    'DataDir /usr/share/cups\nPrintcap {d}/state/printcap\n'.format(d=d))
        self.proc = subprocess.Popen([CUPSD, '-f', '-c', os.path.join(d, 'cupsd.conf'),
                                      '-s', os.path.join(d, 'cups-files.conf')],
                                     stdout=subprocess.DEVNULL, stderr=open(os.path.join(d, 'log', 'stderr'), 'wb'))
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError('cupsd ended: %s' % self.log())
            try:
                socket.create_connection(('127.0.0.1', self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError('cupsd did not listen on %s: %s' % (self.server, self.log()))

    def log(self):
        out = ''
        for name in ('stderr', 'error_log'):
            try:
                with open(os.path.join(self.dir, 'log', name), errors='replace') as f:
                    out += f.read()[-3000:]
            except OSError:
                pass
        return out

    def queue(self, name):
        """A new queue that turns each job into the PDF file out/<name>.pdf."""
        subprocess.run([LPADMIN, '-h', self.server, '-p', name, '-E', '-v',
                        'file://%s/out/%s.pdf' % (self.dir, name), '-P', PDF_PPD],
                       check=True, capture_output=True, timeout=20)
        return os.path.join(self.dir, 'out', name + '.pdf')

    def trouble_queue(self, name, scheme):
        """A queue on a printer in trouble: a first job makes its backend
        report the trouble, which the queue then shows."""
        subprocess.run([LPADMIN, '-h', self.server, '-p', name, '-E', '-v', scheme + ':/x', '-P', PDF_PPD],
                       check=True, capture_output=True, timeout=20)
        probe = os.path.join(self.dir, 'probe.txt')
        with open(probe, 'w') as f:
            f.write('probe\n')
        r = subprocess.run(['lp', '-h', self.server, '-d', name, probe], capture_output=True, timeout=20)
        assert r.returncode == 0, r.stderr
        reason = TROUBLE[scheme][0]
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            state, reasons = ipp.printer(self.server, name)
            if reason in reasons:
                return
            time.sleep(0.2)
        raise AssertionError('the queue never showed %s: %s %s\n%s' % (reason, state, reasons, self.log()))

    def job_trouble_queue(self, name, scheme, policy=None):
        """A queue that looks fine until a job reaches its printer."""
        uri = scheme + ':' + (os.path.join(self.dir, 'gate-' + name) if scheme == 'zkgate' else '/x')
        opts = ['-o', 'printer-error-policy=' + policy] if policy else []
        subprocess.run([LPADMIN, '-h', self.server, '-p', name, '-E', '-v', uri, '-P', PDF_PPD] + opts,
                       check=True, capture_output=True, timeout=20)

    def open_gate(self, name):
        open(os.path.join(self.dir, 'gate-' + name), 'w').close()

    def wait_job(self, name, states, timeout=20):
        """Wait until the queue's only job is in one of states (IPP job-state)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            jobs = ipp.jobs(self.server, name)
            if len(jobs) == 1 and list(jobs.values())[0] in states:
                return
            time.sleep(0.1)
        raise AssertionError('the job on %s is not in %r: %r\n%s' % (name, states, jobs, self.log()))

    def stop_queue(self, name):
        subprocess.run(['cupsdisable', '-h', self.server, name], check=True, capture_output=True, timeout=20)

    def read_pdf(self, path, timeout=20):
        """The text of the PDF the queue wrote, once the job is complete."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if os.path.exists(path) and os.path.getsize(path) > 0:
                r = subprocess.run(['pdftotext', '-enc', 'UTF-8', path, '-'], capture_output=True, timeout=20)
                if r.returncode == 0 and r.stdout.strip():
                    return r.stdout.decode('utf-8')
            time.sleep(0.1)
        raise AssertionError('no PDF arrived at %s; cups log:\n%s' % (path, self.log()))

    def spooled(self, before=(), timeout=10):
        """The job documents still in the spool, once they should be gone,
        other than those in before (jobs of other tests still waiting)."""
        spool = os.path.join(self.dir, 'spool')
        deadline = time.monotonic() + timeout
        while True:
            left = [n for n in os.listdir(spool) if n.startswith('d') and n not in before]
            if not left or time.monotonic() > deadline:
                return left
            time.sleep(0.1)

    def close(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope='module')
def cups():
    c = Cups()
    yield c
    c.close()


def printer_args(cups, queue):
    return ['--printer', queue, '--print-server', cups.server]


# --------------------------------------------------------------------------
# "How are you doing?" in the full-screen kiosk.

def walk_check(k, forms, check, lang, combo):
    k.send(forms.menu_key(check['id']))
    k.wait_for(check['title'][lang], question_line(lang, 1, len(check['questions'])))
    for n, (q, i) in enumerate(zip(check['questions'], combo), 1):
        k.wait_for(question_line(lang, n, len(check['questions'])), q['ask'][lang])
        k.send(str(i + 1))


@pytest.mark.parametrize('lang', ['nl', 'en'])
def test_every_band_of_the_check_is_reached_by_a_walk(kiosk, forms, extra, lang):
    check = extra['check']
    assert check['id'] in forms.menu_items(), 'the check is not in the main menu'
    k = kiosk(rows=50)
    choose_language(k, forms, lang)
    for band in check['bands']:
        combo = band_walk(check, band)
        walk_check(k, forms, check, lang, combo)
        k.wait_for(T('Your result: %s', lang) % band['title'][lang])
        k.wait_for(band['text'][lang].split('\n')[0])
        k.wait_for(T('What you can do now', lang), 'Petuniatuin 7A', check['note'][lang])
        talk = T("Ask a carers' adviser to get in touch", lang)
        k.wait_for(talk, T('Take this home with you', lang))
        rows = k.text()
        at = {name: next(i for i, l in enumerate(rows) if name in l)
              for name in [talk] + [forms.pages[p]['title'][lang] for p in fits(check, combo)]}
        pages = [at[forms.pages[p]['title'][lang]] for p in fits(check, combo)]
        if band.get('talk_first'):
            assert pages and all(at[talk] < r for r in pages), \
                '"%s" does not put talking to someone first:\n%s' % (band['id'], k.dump())
        else:
            assert all(at[talk] > r for r in pages), k.dump()
        k.choose(T('To the main menu', lang))
        k.wait_for(forms.menu_title(lang))


@pytest.mark.parametrize('lang', ['nl', 'en'])
def test_caring_often_too_much_leads_to_talking_first_whatever_the_total(kiosk, forms, extra, lang):
    """Every other answer the lightest, and "often too much": not "Manageable
    ... Good!", but the result that puts talking to someone first."""
    check = extra['check']
    qs = check['questions']
    heavy = [(n, i) for n, q in enumerate(qs) for i, a in enumerate(q['answers'])
             if a.get('at_least') and next(b for b in check['bands'] if b['id'] == a['at_least']).get('talk_first')]
    assert heavy, 'no answer in check.conf leads to talking first by itself'
    n, i = heavy[0]
    combo = tuple(i if m == n else min(range(len(q['answers'])), key=lambda j: q['answers'][j]['points'])
                  for m, q in enumerate(qs))
    total = sum(q['answers'][j]['points'] for q, j in zip(qs, combo))
    lowest = check['bands'][0]
    assert lowest['from'] <= total <= lowest['to'], 'the walk is not a low total (%d)' % total
    k = kiosk(rows=50)
    choose_language(k, forms, lang)
    walk_check(k, forms, check, lang, combo)
    want = band_of(check, combo)
    assert want.get('talk_first'), want['id']
    k.wait_for(T('Your result: %s', lang) % want['title'][lang])
    assert lowest['title'][lang] not in flat(k.text()[1]), k.dump()
    rows = k.text()
    talk = T("Ask a carers' adviser to get in touch", lang)
    assert any(talk in r for r in rows), k.dump()


@pytest.mark.parametrize('lang', ['nl', 'en'])
def test_the_result_of_the_check_opens_at_its_top_at_40x15(kiosk, forms, extra, lang):
    """On a small screen the result is read from its heading, not from the
    first button further down (which hid what the result is)."""
    check = extra['check']
    band = check['bands'][-1]
    k = kiosk(cols=40, rows=15)
    k.send({'nl': '1', 'en': '2'}[lang])
    k.wait_for(forms.menu_title(lang))
    walk_check(k, forms, check, lang, band_walk(check, band))
    heading = T('Your result: %s', lang) % band['title'][lang]
    k.wait_until(lambda: heading.startswith(flat(k.text()[1])) and flat(k.text()[1]),
                 'the result does not open at its heading %r' % heading)


def test_the_plan_page_opens_at_its_top(kiosk, forms, extra):
    """The finished plan is read from its title, not scrolled down to its
    first button (80x24: the page is longer than the screen)."""
    plan, lang = extra['plan'], 'en'
    k = kiosk()
    choose_language(k, forms, lang)
    k.send(forms.menu_key('short_stay'))
    k.choose(T('Prepare your personal plan for the municipality', lang))
    for n, q in enumerate(plan['questions'], 1):
        k.wait_for(question_line(lang, n, len(plan['questions'])))
        k.choose(T('Skip this question', lang))
    k.wait_for(plan['purpose'][lang].split(' ')[0])
    k.quiet(0.05)
    assert k.text()[1].strip() == plan['title'][lang], \
        'the plan page does not open at its title\n' + k.dump()


def line_num(out, label):
    """The number line mode shows before the line with label."""
    m = re.search(r'^\s*(\d+)\)\s+(?:\[.\]\s+|\(.\)\s+)?' + re.escape(label), out, re.M)
    assert m, 'no numbered line %r in:\n%s' % (label, out)
    return m.group(1)


def line_session(tmp_path, forms_dir, env_extra=None):
    db = str(tmp_path / 'zk.db')
    env = base_env('C.UTF-8', TERM='dumb', COLUMNS='100', **(env_extra or {}))
    s = LineSession(['--db', db, '--forms', forms_dir], env=env, stderr_path=str(tmp_path / 'stderr.txt'))
    s.db = db
    return s


@pytest.mark.parametrize('lang', ['nl', 'en'])
def test_every_band_in_line_mode(tmp_path, forms_dir, forms, extra, lang):
    check = extra['check']
    s = line_session(tmp_path, forms_dir)
    try:
        s.first_screen()
        s.cmd({'nl': '1', 'en': '2'}[lang])
        for band in check['bands']:
            out = s.cmd(forms.menu_key(check['id']))
            for q, i in zip(check['questions'], band_walk(check, band)):
                assert q['ask'][lang] in out, out
                out = s.cmd(str(i + 1))
            assert T('Your result: %s', lang) % band['title'][lang] in out, out
            assert 'Petuniatuin 7A' in out and check['note'][lang].split('.')[0] in out, out
            out = s.cmd(line_num(out, T('To the main menu', lang)))
            assert '== %s ==' % forms.menu_title(lang) in out, out
    finally:
        status = s.finish()
    assert status == 0, s.stderr()


# --------------------------------------------------------------------------
# The personal plan.

PLAN_TEXT = ['Ik zorg elke dag voor mijn vader, café-eigenaar; dat kost € 40 per week.',
             None, 'Mijn broer komt op zondag.', None, 'Weer naar het koor.']


def check_plan_page(text, plan, lang):
    assert plan['purpose'][lang].split('.')[0] in text, 'the plan does not say what it is for'
    assert T('What happens next', lang) in text
    for part in ('keukentafelgesprek', 'Adviespunt Zorgbelang'):
        assert part in text, 'the plan does not say what happens next (%s)' % part
    for q, a in zip(plan['questions'], PLAN_TEXT):
        assert q['ask'][lang] in text
        if a:
            assert a in text, 'answer %r missing from the plan' % a
    skipped = T('(skipped: you can write your answer here)', 'en' if lang == 'en' else 'nl')
    assert text.count(skipped) == PLAN_TEXT.count(None), text


def test_plan_with_skipped_and_filled_questions(kiosk, forms, extra):
    plan, lang = extra['plan'], 'nl'
    assert forms.pages['short_stay'].get('plan') == plan['id'], 'short stay does not lead to the plan'
    k = kiosk(rows=60)
    choose_language(k, forms, lang)
    k.send(forms.menu_key('short_stay'))
    k.choose(T('Prepare your personal plan for the municipality', lang))
    for n, (q, a) in enumerate(zip(plan['questions'], PLAN_TEXT), 1):
        k.wait_for(question_line(lang, n, len(plan['questions'])), q['ask'][lang])
        k.wait_for(T('For example: %s', lang) % q['example'][lang][:30])
        if a is None:
            k.choose(T('Skip this question', lang))
        else:
            k.press(a)
            k.press(TAB)
            k.send(ENTER)
    k.wait_for(T('This plan is not stored. It is wiped when you finish.', lang))
    check_plan_page(' '.join(l.strip() for l in k.text()), plan, lang)
    # Back into the questions: a filled answer is still there to change.
    k.choose(T('Change my answers', lang))
    k.wait_for(PLAN_TEXT[0][:40])


def test_plan_in_line_mode_in_english(tmp_path, forms_dir, forms, extra):
    plan, lang = extra['plan'], 'en'
    s = line_session(tmp_path, forms_dir)
    try:
        s.first_screen()
        s.cmd('2')
        out = s.cmd(forms.menu_key('advice'))
        out = s.cmd(line_num(out, T('Prepare your personal plan for the municipality', lang)))
        for q, a in zip(plan['questions'], PLAN_TEXT):
            assert q['ask'][lang] in out and q['example'][lang] in re.sub(r'\s+', ' ', out), out
            if a is None:
                out = s.cmd(line_num(out, T('Skip this question', lang)))
            else:
                s.cmd(line_num(out, T('(empty)', lang)))
                s.cmd(a)
                out = s.cmd(line_num(out, T('Next question', lang) if q is not plan['questions'][-1]
                                     else T('Show my plan', lang)))
        check_plan_page(re.sub(r'\s+', ' ', out), plan, lang)
        # The printed page offers no printer when there is none.
        out = s.cmd(line_num(out, T('Take this home with you', lang)))
        assert T('Read this page, copy it or take a photo of it.', lang) in out, out
        assert T('Print this page', lang) not in out
        assert PLAN_TEXT[0] in re.sub(r'\s+', ' ', out)
    finally:
        status = s.finish()
    assert status == 0, s.stderr()


# --------------------------------------------------------------------------
# Printing.

def take_home(k, lang):
    k.choose(T('Take this home with you', lang))


def test_print_in_english_arrives_with_the_facts(kiosk, forms, extra, cups):
    lang = 'en'
    th = extra['takehome']
    hour = next(c for c in th['contacts'] if c['id'] == 'consultation_hour')
    out = cups.queue('en_page')
    k = kiosk(rows=50, args=printer_args(cups, 'en_page'))
    choose_language(k, forms, lang)
    k.send(forms.menu_key('appreciation'))
    k.wait_for(T('Back to the menu', lang))
    k.esc()
    k.wait_for(forms.menu_title(lang))
    k.send(forms.menu_key('advice'))
    k.wait_for(T('Back to the menu', lang))
    take_home(k, lang)
    k.wait_for(T('Print this page', lang), 'Petuniatuin 7A')
    k.choose(T('Print this page', lang))
    k.wait_for(T(PRINTED, lang), timeout=20)
    text = re.sub(r'\s+', ' ', cups.read_pdf(out))
    for want in (th['title'][lang], forms.pages['appreciation']['title'][lang], forms.pages['advice']['title'][lang],
                 hour['time'][lang], 'Petuniatuin 7A', '€ 200', 'mantelzorgcafé', 'cliëntondersteuning'):
        assert want in text, '%r is not in the printed page:\n%s' % (want, text)
    assert 'Om mee te nemen' not in text and 'Donderdag' not in text, 'Dutch on an English page'


def test_stopped_printer_gives_a_message_and_the_page_stays(kiosk, forms, cups):
    lang = 'nl'
    cups.queue('stopped')
    cups.stop_queue('stopped')
    k = kiosk(rows=50, args=printer_args(cups, 'stopped'))
    choose_language(k, forms, lang)
    k.send(forms.menu_key('short_stay'))
    k.wait_for(T('Back to the menu', lang))
    take_home(k, lang)
    k.choose(T('Print this page', lang))
    k.wait_for(T('The printer is switched off or stopped. The page stays on the screen: you can copy it '
                 'or take a photo of it.', lang)[:60], timeout=20)
    k.wait_for('088 - 023 47 40', 'Petuniatuin 7A')


@pytest.mark.parametrize('scheme,msgid', [
    ('zknopaper', 'The printer is out of paper. The page stays on the screen: you can copy it or take a '
                  'photo of it, or ask someone at the desk.'),
    ('zkoffline', 'The printer is offline. The page stays on the screen: you can copy it or take a photo of it.'),
])
def test_printer_in_trouble_gives_its_message(kiosk, forms, cups, scheme, msgid):
    lang = 'en'
    cups.trouble_queue(scheme, scheme)
    k = kiosk(rows=50, args=printer_args(cups, scheme))
    choose_language(k, forms, lang)
    k.send(forms.menu_key('day_care'))
    k.wait_for(T('Back to the menu', lang))
    take_home(k, lang)
    k.choose(T('Print this page', lang))
    k.wait_for(T(msgid, lang)[:60], timeout=20)
    k.wait_for(forms.pages['day_care']['title'][lang], 'Petuniatuin 7A')


def print_take_home(k, forms, lang, page='day_care'):
    """A visitor opens a page, its take-home page, and prints it: the
    print server takes the job."""
    choose_language(k, forms, lang)
    k.send(forms.menu_key(page))
    k.wait_for(T('Back to the menu', lang))
    take_home(k, lang)
    k.choose(T('Print this page', lang))


def says_not_printed(k, lang, msgid):
    """The page says msgid (it wraps), nothing that claims the page is
    printed or coming, and stays on the screen."""
    words = T(msgid, lang)
    k.wait_until(lambda: k.contains(words), 'the screen does not say %r' % words, timeout=20)
    for claim in (T(PRINTED, lang), T(ON_ITS_WAY, lang), 'being printed', 'wordt afgedrukt'):
        assert not k.contains(claim), 'the screen still says %r:\n%s' % (claim, k.dump())
    k.wait_for('Petuniatuin 7A')


@pytest.mark.parametrize('lang', ['nl', 'en'])
def test_a_queue_stopped_after_it_took_the_job_is_told(kiosk, forms, cups, lang):
    """The queue takes the job and is stopped (cupsdisable) while its
    printer works on it: the page says so, in the visitor's language."""
    queue = 'gate_' + lang
    cups.job_trouble_queue(queue, 'zkgate')
    k = kiosk(rows=50, args=printer_args(cups, queue))
    print_take_home(k, forms, lang)
    k.wait_for(T(ON_ITS_WAY, lang), timeout=20)
    cups.wait_job(queue, [ipp.JOB_PROCESSING])
    cups.stop_queue(queue)
    says_not_printed(k, lang, 'The printer has a problem: your page has not been printed. Please ask a staff '
                              'member for help. The page stays on the screen: you can read it or write it down.')
    cups.open_gate(queue)


@pytest.mark.parametrize('policy,msgid', [
    ('abort-job', 'Your page could not be printed. Please ask a staff member for help. The page stays on the '
                  'screen: you can read it or write it down.'),
    ('stop-printer', 'The printer has a problem: your page has not been printed. Please ask a staff member for '
                     'help. The page stays on the screen: you can read it or write it down.'),
])
def test_a_printer_that_fails_the_job_is_told(kiosk, forms, cups, policy, msgid):
    """The backend fails the job: the queue aborts it, or stops (either
    way the page is not printed)."""
    queue = 'fail_' + policy.replace('-', '_')
    cups.job_trouble_queue(queue, 'zkfail', policy)
    k = kiosk(rows=50, args=printer_args(cups, queue))
    print_take_home(k, forms, 'en')
    says_not_printed(k, 'en', msgid)


def test_a_printer_out_of_paper_during_the_job_is_told(kiosk, forms, cups):
    cups.job_trouble_queue('paperout', 'zkpaperout')
    k = kiosk(rows=50, args=printer_args(cups, 'paperout'))
    print_take_home(k, forms, 'nl')
    says_not_printed(k, 'nl', 'The printer is out of paper: your page has not been printed. Please ask a staff '
                              'member for help. The page stays on the screen: you can read it or write it down.')


def test_the_screen_answers_keys_while_a_job_is_on_its_way(kiosk, forms, cups):
    """Following the job holds up no key: Print again answers at once
    (without a second job), and so does Back."""
    lang = 'en'
    cups.job_trouble_queue('slow', 'zkgate')
    k = kiosk(rows=50, args=printer_args(cups, 'slow'))
    print_take_home(k, forms, lang)
    k.wait_for(T(ON_ITS_WAY, lang), timeout=20)
    cups.wait_job('slow', [ipp.JOB_PROCESSING])
    # Printing again sends no second copy while the first is on its way.
    k.send('1')
    k.wait_for(T('This page was already sent to the printer.', lang))
    assert len(ipp.jobs(cups.server, 'slow')) == 1
    k.esc()
    k.wait_for(forms.pages['day_care']['title'][lang], T('Back to the menu', lang), timeout=1.5)
    assert not k.contains(T(ON_ITS_WAY, lang))
    cups.open_gate('slow')
    cups.wait_job('slow', [ipp.JOB_COMPLETED])


def test_line_mode_is_told_when_the_page_is_printed(tmp_path, forms_dir, forms, cups):
    """Line mode prints the news by itself, without a key: only the new
    line, not the whole page again."""
    lang = 'en'
    cups.job_trouble_queue('line', 'zkgate')
    db = str(tmp_path / 'zk.db')
    env = base_env('C.UTF-8', TERM='dumb', COLUMNS='100')
    s = LineSession(['--db', db, '--forms', forms_dir] + printer_args(cups, 'line'), env=env,
                    stderr_path=str(tmp_path / 'stderr.txt'))
    try:
        s.first_screen()
        s.cmd('2')
        out = s.cmd(forms.menu_key('day_care'))
        out = s.cmd(line_num(out, T('Take this home with you', lang)))
        out = s.cmd(line_num(out, T('Print this page', lang)))
        assert T(ON_ITS_WAY, lang) in out and T(PRINTED, lang) not in out, out
        start = len(s.output())
        cups.open_gate('line')
        s.wait(lambda: T(PRINTED, lang) in s.text(start), 'line mode was not told the page is printed',
               timeout=20)
        s.quiet(0.3)
        news = s.text(start)
        assert 'Petuniatuin 7A' not in news and T(ON_ITS_WAY, lang) not in news, news
    finally:
        status = s.finish()
    assert status == 0, s.stderr()


def test_no_printer_configured_shows_the_page_without_promising_one(kiosk, forms):
    lang = 'en'
    k = kiosk(rows=50)
    choose_language(k, forms, lang)
    k.send(forms.menu_key('short_stay'))
    k.wait_for(T('Back to the menu', lang))
    take_home(k, lang)
    k.wait_for(T('Read this page, copy it or take a photo of it.', lang), '088 - 023 47 40')
    assert not k.contains(T('Print this page', lang))


def test_privacy_after_print_and_wipe(kiosk, forms, extra, cups):
    """A visitor does the check, adds its band to a request, writes a plan
    and prints; after Finish nothing of it is on screen, in the database
    beyond the band, or on the next visitor's printout."""
    lang = 'nl'
    check, plan = extra['check'], extra['plan']
    out = cups.queue('privacy')
    k = kiosk(rows=60, args=printer_args(cups, 'privacy'))
    choose_language(k, forms, lang)
    # The plan, with a secret answer.
    secret = 'Geheim: mijn vader Jansen valt vaak.'
    k.send(forms.menu_key('short_stay'))
    k.choose(T('Prepare your personal plan for the municipality', lang))
    k.wait_for(plan['questions'][0]['ask'][lang])
    k.press(secret)
    k.press(TAB)
    k.send(ENTER)
    for q in plan['questions'][1:]:
        k.wait_for(q['ask'][lang])
        k.choose(T('Skip this question', lang))
    k.wait_for(T('This plan is not stored. It is wiped when you finish.', lang))
    k.choose(T('To the main menu', lang))
    # The check, too heavy; then request contact and add the band.
    band = check['bands'][-1]
    walk_check(k, forms, check, lang, band_walk(check, band))
    k.wait_for(T('Your result: %s', lang) % band['title'][lang])
    k.choose(T("Ask a carers' adviser to get in touch", lang))
    k.wait_for(forms.intake_title(lang))
    seen = fill_form(k, forms, lang, valid_answers(forms, name='Bea Visser', options='read'), submit=False)
    assert seen.get('advice') is True, 'advice is not ticked: %r' % seen
    k.focus_to(band['title'][lang])
    k.press(SPACE)
    assert k.focused().startswith('[x]'), k.dump()
    k.focus_to(T('Check my answers', lang))
    k.send(ENTER)
    k.wait_for(T('Check your answers', lang))
    k.choose(T('Send', lang))
    ref = k.wait_match(REF_RE.pattern).group(0)
    # The confirmation: take it home, printed.
    k.choose(T('Take this home with you', lang))
    waiting = cups.spooled(timeout=0)
    k.choose(T('Print this page', lang))
    k.wait_for(T(PRINTED, lang), timeout=20)
    text = re.sub(r'\s+', ' ', cups.read_pdf(out))
    for want in (ref, 'Om mee te nemen', band['title'][lang], secret, 'Donderdag van 15.00 tot 16.00 uur',
                 'Petuniatuin 7A', '088 - 023 47 40'):
        assert want in text, '%r is not in the printed page:\n%s' % (want, text)
    os.unlink(out)
    assert cups.spooled(waiting) == [], 'the print server kept a copy of the page'
    # Finish: wiped.
    k.esc()
    k.choose(T('Finish (the screen is wiped)', lang))
    k.wait_for('1  Nederlands')
    screen = ' '.join(k.text())
    for gone in (ref, secret, 'Bea Visser', band['title'][lang]):
        assert gone not in screen, '%r is still on the screen' % gone
    # The database holds the request with the band, never the plan or the answers.
    rows = db_rows(k.db_path, 'SELECT a.field, a.value FROM answer a JOIN intake i ON i.id = a.intake_id '
                              'WHERE i.ref = ?', (ref,))
    answers = dict(rows)
    assert answers.get('care_check') == band['id'], answers
    every = ' '.join(str(v) for r in db_rows(k.db_path, "SELECT * FROM answer") for v in r)
    assert 'Jansen' not in every and 'Geheim' not in every, 'the plan reached the database'
    # The next visitor prints: nothing of the last one.
    choose_language(k, forms, lang)
    k.send(forms.menu_key('day_care'))
    k.wait_for(T('Back to the menu', lang))
    take_home(k, lang)
    k.choose(T('Print this page', lang))
    k.wait_for(T(PRINTED, lang), timeout=20)
    text = re.sub(r'\s+', ' ', cups.read_pdf(out))
    assert forms.pages['day_care']['title'][lang] in text, text
    for gone in (ref, secret, band['title'][lang], forms.pages['short_stay']['title'][lang], 'Bea Visser'):
        assert gone not in text, '%r of the last visitor is on the next printout:\n%s' % (gone, text)


def test_staff_see_the_band_only(kiosk, tmp_path, forms, extra):
    """A request with the check's result: staff read the band by its
    name, under the check's title."""
    import staffutil as su
    from zkharness import ENTER
    check = extra['check']
    band = check['bands'][1]
    db = tmp_path / 'staff.db'
    su.create_db(db)
    su.insert_request(db, 'MZ-2026-0007', '2026-11-30 10:00:00', su.answers('Cor Bandstra', care_check=band['id']))
    k = su.staff_terminal(kiosk, db, rows=50)
    k.wait_for('MZ-2026-0007')
    k.send(ENTER)
    k.wait_for(T('History', 'en'))
    seen = ' '.join(l.strip() for l in k.text())
    assert re.sub(r'\s+', ' ', '%s %s' % (check['title']['en'], band['title']['en'])) in re.sub(r'\s+', ' ', seen), k.dump()
    assert 'care_check' not in seen


def test_exports_carry_the_band(tmp_path, extra):
    """CSV has a care_check column with the band's id (python's csv reads
    it); the workbook a column under the check's title with the band's
    title (openpyxl reads it). A request without the band leaves it empty."""
    import csv
    import io
    import staffutil as su
    openpyxl = pytest.importorskip('openpyxl')
    check = extra['check']
    band = check['bands'][1]
    db = tmp_path / 'staff.db'
    su.create_db(db)
    su.insert_request(db, 'MZ-2026-0007', '2026-11-30 10:00:00', su.answers('Cor Bandstra', care_check=band['id']))
    su.insert_request(db, 'MZ-2026-0008', '2026-11-30 11:00:00', su.answers('Ans Zonder'))
    r = su.zk(['export', '--format', 'csv'], db=db)
    assert r.returncode == 0, su.err(r)
    rows = {row['ref']: row for row in csv.DictReader(io.StringIO(r.stdout.decode('utf-8')))}
    assert rows['MZ-2026-0007']['care_check'] == band['id'], rows
    assert rows['MZ-2026-0008']['care_check'] == '', rows
    path = tmp_path / 'out' / 'requests.xlsx'
    path.parent.mkdir()
    r = su.zk(['export', '--format', 'xlsx', '--lang', 'en', '-o', str(path)], db=db)
    assert r.returncode == 0, su.err(r)
    ws = openpyxl.load_workbook(path).worksheets[0]
    head = [c.value for c in ws[1]]
    col = head.index(check['title']['en'])
    by_ref = {row[0].value: row[col].value for row in ws.iter_rows(min_row=2)}
    assert by_ref == {'MZ-2026-0007': band['title']['en'], 'MZ-2026-0008': None}, by_ref


@pytest.mark.parametrize('pick,plan', [('first', False), ('last', True)])
def test_help_me_choose_offers_the_check_the_plan_and_the_take_home_page(kiosk, forms, extra, pick, plan):
    """The end of "Help me choose" offers "How are you doing?" and "Take this
    with you" always, and the personal plan when a suggested page leads to a
    Wmo report."""
    from zkharness import walk_flow
    lang = 'en'
    k = kiosk(rows=60)
    choose_language(k, forms, lang)
    k.send(forms.menu_key('choose'))
    choose = (lambda q: 0) if pick == 'first' else (lambda q: len(q['answers']) - 1)
    asked, sugg = walk_flow(forms, 'choose', choose)
    for q, i in asked:
        k.wait_for(q['ask'][lang])
        k.choose(q['answers'][i]['label'][lang])
    k.wait_for(T('What we found for you', lang))
    offer = T('%s (a few questions about you)', lang) % extra['check']['title'][lang]
    k.wait_for(offer, T('Take this home with you', lang))
    wants_plan = any(forms.pages[p].get('plan') for p in sugg)
    assert wants_plan == plan, 'the forms changed: pick %s suggests %r' % (pick, sugg)
    assert k.contains(T('Prepare your personal plan for the municipality', lang)) == plan, k.dump()
    # The take-home page names what was suggested.
    k.choose(T('Take this home with you', lang))
    k.wait_for(T('What you looked at, and what fits you', lang))
    text = ' '.join(l.strip() for l in k.text())
    for p in sugg:
        assert forms.pages[p]['title'][lang] in text, '%s is not on the take-home page:\n%s' % (p, k.dump())
    # And on to the check from there.
    k.esc()
    k.choose(offer)
    k.wait_for(question_line(lang, 1, len(extra['check']['questions'])))


@pytest.mark.parametrize('lang', ['nl', 'en'])
def test_the_printout_says_what_the_page_says(kiosk, forms, cups, lang):
    """A topic that names its page's sections prints them as the page shows
    them: one source, so the paper never offers what the page says has
    ended (the buddy pilot of Stichting MEE)."""
    topics = libcfg.load(os.path.join(forms.dir, 'takehome.conf'))['topics']
    topic = next(t for t in topics if t['page'] == 'presence_care')
    page = forms.pages['presence_care']
    named = [s for s in page['sections'] if s.get('id') in topic.get('sections', [])]
    assert named and len(named) == len(topic['sections']), 'the topic names no section of its page'
    queue = 'same_' + lang
    out = cups.queue(queue)
    k = kiosk(rows=50, args=printer_args(cups, queue))
    choose_language(k, forms, lang)
    k.send(forms.menu_key('presence_care'))
    k.wait_for(T('Back to the menu', lang))
    take_home(k, lang)
    k.wait_for(T('Print this page', lang))
    k.choose(T('Print this page', lang))
    text = re.sub(r'\s+', ' ', cups.read_pdf(out))
    for s in named:
        for line in [s['title'][lang]] + [l.lstrip('- ').strip() for l in s['text'][lang].split('\n')]:
            assert re.sub(r'\s+', ' ', line) in text, '%r is on the page but not on paper:\n%s' % (line, text)
    assert 'MEE' not in text, 'the paper offers the ended MEE pilot:\n' + text


def test_the_printout_of_a_page_without_named_sections_keeps_its_steps(kiosk, forms, cups):
    """A page whose topic has steps of its own still prints them (the
    guard against a sheet that silently lost its next steps)."""
    lang = 'en'
    topics = libcfg.load(os.path.join(forms.dir, 'takehome.conf'))['topics']
    topic = next(t for t in topics if t['page'] == 'short_stay')
    out = cups.queue('steps_en')
    k = kiosk(rows=50, args=printer_args(cups, 'steps_en'))
    choose_language(k, forms, lang)
    k.send(forms.menu_key('short_stay'))
    k.wait_for(T('Back to the menu', lang))
    take_home(k, lang)
    k.wait_for(T('Print this page', lang))
    k.choose(T('Print this page', lang))
    text = re.sub(r'\s+', ' ', cups.read_pdf(out))
    first = re.sub(r'\s+', ' ', topic['steps'][lang].split('\n')[0].lstrip('- 0123456789.').strip())
    assert first in text, '%r is not on paper:\n%s' % (first, text)


# --------------------------------------------------------------------------
# The printed page in every script.

ALL_LANGS = ['nl', 'en', 'tr', 'pl', 'uk', 'ar']
# Letters that the standard PDF fonts printed as '?': the checked texts
# must hold them, so that the test shows they print.
SCRIPT_LETTERS = {'tr': 'ışğ', 'pl': 'ąłż', 'uk': 'іьющ', 'ar': 'ةعأ'}
BIDI_MARKS = re.compile('[\u200e\u200f\u202a-\u202e\u2066-\u2069]')
PUNCT = '.,:;!?()،؟؛'


def nfkc(s):
    return unicodedata.normalize('NFKC', s)


def takehome_key(forms, page_id):
    """The digit of "Take this home with you" on a page: after its
    sections, its check, its request and its plan (src/scr_page.c)."""
    p = forms.pages[page_id]
    n = len(p['sections']) + sum(1 for k in ('check', 'request', 'plan') if p.get(k)) + 1
    assert n <= 9, 'the take-home line of %s has no digit' % page_id
    return str(n)


def words(text):
    return [w.strip(PUNCT) for w in BIDI_MARKS.sub(' ', nfkc(text)).split() if w.strip(PUNCT)]


def mark_pieces(word):
    """pdftotext (poppler 22) keeps an Arabic mark (shadda, tanwin) as a
    character of its own and may break the word there, the piece after it
    even on a line of its own: the pieces, each mark with what follows."""
    return re.split('(?=[\u064b-\u0652\u0670])', word)


@pytest.mark.parametrize('lang', ['tr', 'pl', 'uk', 'ar'])
def test_the_printout_has_every_scripts_letters(kiosk, forms, extra, cups, lang):
    """A visitor who chose Turkish, Polish, Ukrainian or Arabic prints the
    take-home page of a page: the paper has its title, its introduction and
    the page's next steps in that language's own letters, as pdftotext
    reads them back. The Arabic screen is laid out right to left, so that
    walk goes by the digits alone and waits for the printed file."""
    th = extra['takehome']
    topic = next(t for t in th['topics'] if t['page'] == 'day_care')
    queue = 'script_' + lang
    out = cups.queue(queue)
    k = kiosk(rows=50, args=printer_args(cups, queue) + ['--languages', ','.join(ALL_LANGS)])
    k.press(str(ALL_LANGS.index(lang) + 1))
    if lang != 'ar':
        k.wait_for(forms.menu_title(lang))
    k.press(forms.menu_key('day_care'))
    if lang != 'ar':
        k.wait_for(forms.pages['day_care']['title'][lang], T('Take this home with you', lang))
    k.press(takehome_key(forms, 'day_care'))
    if lang != 'ar':
        k.wait_for(th['title'][lang], T('Print this page', lang))
    k.press('1')
    printed = nfkc(cups.read_pdf(out))
    steps = [l.lstrip('- ') for l in topic['steps'][lang].split('\n')]
    wanted = [th['title'][lang], th['intro'][lang], forms.pages['day_care']['title'][lang]] + steps
    assert set(SCRIPT_LETTERS[lang]) <= set(''.join(wanted)), 'the checked texts lack letters'
    if lang != 'ar':
        text = ' '.join(printed.split())
        for want in wanted:
            assert ' '.join(nfkc(want).split()) in text, '%r is not on paper:\n%s' % (want, printed)
        return
    # A line of Arabic with Latin names in it comes back with its runs in
    # the order they stand on the line: compare word by word.
    got = set(words(printed))
    for want in wanted:
        for w in words(want):
            assert w in got or all(p in got for p in mark_pieces(w)), \
                '%r (of %r) is not on paper:\n%s' % (w, want, printed)
