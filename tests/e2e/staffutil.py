"""Helpers shared by the staff tests (test_staff_terminal.py and
test_staff_cli.py): the staff login, running the staff commands, making a
database with requests (through the kiosk's own line mode, with
bench/fill.py, or row by row in SQL), and reading the staff list."""
import os
import pwd
import re
import select
import sqlite3
import subprocess
import sys
import time

import zkharness
from zkharness import BIN, ROOT, T, base_env

LOGIN = pwd.getpwuid(os.getuid()).pw_name
LSAN = 'suppressions=' + os.path.join(ROOT, 'tests', 'lsan.supp')
FILL = os.path.join(ROOT, 'bench', 'fill.py')


def env(lang='C.UTF-8', **extra):
    """The clean environment of zkharness, with the LeakSanitizer
    suppressions (libconfig leaks on syntax errors)."""
    return base_env(lang, LSAN_OPTIONS=LSAN, **extra)


def zk(args, db=None, forms=None, staff=True, umask=None, timeout=30, extra_env=None):
    """Run the binary without a terminal; returns CompletedProcess with
    stdout and stderr as bytes. db and forms add --db and --forms; staff
    adds --staff-users <this login>; extra_env adds to the environment."""
    argv = [BIN] + list(args)
    if db is not None:
        argv += ['--db', str(db)]
    if forms is not None:
        argv += ['--forms', str(forms)]
    if staff:
        argv += ['--staff-users', LOGIN]
    pre = (lambda: os.umask(umask)) if umask is not None else None
    argv, run_env = zkharness.site_args(argv, env(**(extra_env or {})))
    r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, env=run_env,
                       timeout=timeout, preexec_fn=pre)
    err = r.stderr.decode('utf-8', 'replace')
    assert not any(m in err for m in zkharness.SANITIZER_MARKS), \
        'sanitizer report from %s:\n%s' % (' '.join(argv), err[-6000:])
    return r


def out(r):
    return r.stdout.decode('utf-8')


def err(r):
    return r.stderr.decode('utf-8', 'replace')


def create_db(db, forms=None):
    """An empty zorgkiosk database, made by zorgkiosk itself."""
    r = zk(['audit'], db=db, forms=forms)
    assert r.returncode == 0, err(r)
    assert os.path.exists(db)


def fill(db, n):
    """n generated requests (bench/fill.py)."""
    subprocess.run([sys.executable, FILL, str(db), str(n)], check=True, timeout=60)


def insert_request(db, ref, created, answers, status='new', lang='nl', form_version=1):
    """One request written straight into the tables of a zorgkiosk
    database, as the kiosk would store it. Returns its intake id."""
    m = re.match(r'MZ-(\d{4})-(\d{4})$', ref)
    con = sqlite3.connect(str(db), timeout=10)
    try:
        with con:
            cur = con.execute(
                'INSERT INTO intake (ref, year, seq, created_at, ui_lang, form_version, status)'
                ' VALUES (?, ?, ?, ?, ?, ?, ?)',
                (ref, int(m.group(1)), int(m.group(2)), created, lang, form_version, status))
            iid = cur.lastrowid
            con.executemany('INSERT INTO answer (intake_id, field, value) VALUES (?, ?, ?)',
                            [(iid, f, v) for f, v in answers.items()])
        return iid
    finally:
        con.close()


def answers(name, phone='0612345678', **more):
    a = {'name': name, 'phone': phone, 'moment': 'morning', 'relation': 'partner',
         'under18': 'no', 'options': 'respite_light', 'contact_lang': 'nl', 'consent': 'yes'}
    a.update(more)
    return {k: v for k, v in a.items() if v is not None}


def sql(db, query, params=()):
    return zkharness.db_rows(str(db), query, params)


# --------------------------------------------------------------------------
# A request made at the kiosk, in its line mode (--plain): the same screens
# as in the terminal, one numbered line per item.

class LineKiosk:
    def __init__(self, db, forms, lang='en', args=()):
        argv, run_env = zkharness.site_args(
            [BIN, '--plain', '--db', str(db), '--forms', str(forms), '--lang', lang] + list(args),
            env(COLUMNS='200'))
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=run_env)
        self.buf = b''
        self.screen = ''

    def read_prompt(self, timeout=15):
        """Read until the kiosk waits for a line ("> "); returns the last
        screen printed."""
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while not self.buf.endswith(b'> '):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError('line mode never asked for input; output:\n'
                                     + self.buf.decode('utf-8', 'replace')[-3000:])
            r, _, _ = select.select([fd], [], [], left)
            if r:
                data = os.read(fd, 65536)
                if not data:
                    raise AssertionError('line mode ended; output:\n'
                                         + self.buf.decode('utf-8', 'replace')[-3000:]
                                         + '\nstderr:\n' + self.proc.stderr.read().decode('utf-8', 'replace'))
                self.buf += data
        text = self.buf.decode('utf-8', 'replace')
        self.buf = b''
        if '\n== ' in text:
            self.screen = text[text.rindex('\n== '):]
        return self.screen

    def send(self, line):
        self.proc.stdin.write(line.encode('utf-8') + b'\n')
        self.proc.stdin.flush()

    def number(self, label, after=None):
        """The number of the item whose line shows label (the first one
        after the line showing `after`, when given)."""
        lines = self.screen.split('\n')
        start = 0
        if after is not None:
            start = next(i for i, l in enumerate(lines) if after in l)
        for l in lines[start:]:
            m = re.match(r'\s*(\d+)\)', l)
            if m and (label is None or label in l):
                return m.group(1)
        raise AssertionError('no numbered line %r (after %r) on the screen:\n%s' % (label, after, self.screen))

    def choose(self, label, after=None):
        self.send(self.number(label, after))
        return self.read_prompt()

    def answer(self, field_label, text):
        """A text field: its number, then the answer."""
        self.send(self.number(None, after=field_label))
        self.read_prompt()
        self.send(text)
        return self.read_prompt()

    def close(self):
        self.proc.stdin.close()
        try:
            rc = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError('line mode did not end at the end of its input')
        err = self.proc.stderr.read().decode('utf-8', 'replace')
        self.proc.stdout.close()
        self.proc.stderr.close()
        assert not any(m in err for m in zkharness.SANITIZER_MARKS), err[-6000:]
        assert rc == 0, 'line mode ended with status %s\n%s' % (rc, err)


def kiosk_request(db, forms, name, phone='06 12345678', situation=None, page_id=None, shown=None, args=()):
    """Walk the kiosk (line mode, English) from the welcome to a stored
    request; returns its reference number as the kiosk showed it. shown is
    the name as the check screen shows it (default: name as typed); args
    go to the kiosk (e.g. --location NAME, --site-location NAME)."""
    lang = 'en'
    page_id = page_id or forms.request_pages()[0]['id']
    k = LineKiosk(db, forms.dir, lang, args)
    try:
        k.read_prompt()
        k.choose('English')
        k.choose(forms.title(page_id, lang))
        s = k.choose(T('Ask us to get in touch about this', lang))
        assert forms.intake_title(lang) in s, s
        k.answer(forms.field_label('name', lang), name)
        k.answer(forms.field_label('phone', lang), phone)
        if situation is not None:
            k.answer(forms.field_label('situation', lang), situation)
        for f in forms.fields:
            if f['type'] == 'choice' and f.get('default') is None:
                ids = [c['id'] for c in f['choices']]
                cid = 'no' if 'no' in ids else ids[0]
                k.choose(forms.choice_label(f['id'], cid, lang), after=forms.field_label(f['id'], lang))
            elif f['type'] == 'consent':
                k.choose(f['label'][lang][:30])
        s = k.choose(T('Check my answers', lang))
        assert (shown or name) in s, 'the check screen does not show the name:\n' + s
        s = k.choose(T('Send', lang))
        m = zkharness.REF_RE.search(s)
        assert m, 'no reference number after Send:\n' + s
        k.choose(T('Finish (the screen is wiped)', lang)[:6])
    finally:
        k.close()
    return m.group(0)


# --------------------------------------------------------------------------
# The staff terminal in the pseudo-terminal.

def staff_terminal(kiosk, db, lang='en', cols=80, rows=24, args=(), wait=True):
    """The staff terminal for this login on db (the conftest kiosk
    factory); waits for the list."""
    k = kiosk(cols=cols, rows=rows, db=str(db), wait=False, LSAN_OPTIONS=LSAN,
              args=['staff', '--staff-users', LOGIN, '--lang', lang] + list(args))
    if wait:
        k.wait_for(T('Requests for contact', lang), timeout=20)
    return k


def list_rows(k, assigned=False):
    """The rows of the staff list on screen (English): (ref, date, name,
    status, or in the overdue view why), and the assignee's login if
    assigned, cut at the columns of the header line."""
    lines = k.text()
    rx = re.compile(r'Reference\s+Date\s+Name\s+(Status|Why overdue)\s+Who\s+Options')
    head = next((l for l in lines if rx.search(l)), None)
    if head is None:
        return []
    cols = [head.index(w) for w in ('Reference', 'Date', 'Name', rx.search(head).group(1), 'Who', 'Options')]
    rows = []
    for l in lines:
        m = zkharness.REF_RE.match(l[cols[0]:])
        if not m:
            continue
        rows.append(tuple(l[cols[i]:cols[i + 1]].strip() for i in range(5 if assigned else 4)))
    return rows


def export_folder(k):
    """The staff export folder of a run started through the harness."""
    return k.site_conf[:-len('.conf')] + '-exports'


def wait_export(k, ext, timeout=10):
    """After e, x or j in the list: the notice names a new file of the
    export folder with this extension; returns its path."""
    folder = export_folder(k)

    def made():
        names = [n for n in os.listdir(folder) if n.endswith('.' + ext)] if os.path.isdir(folder) else []
        text = ''.join(l.strip() for l in k.text())
        hit = [n for n in names if n in text[text.find('Exported'):]] if 'Exported' in text else []
        return os.path.join(folder, hit[0]) if hit else None
    k.wait_until(lambda: made() is not None, 'no notice "Exported ... .%s" with its file' % ext, timeout)
    return made()


def key_of(k, label):
    """The key shown in front of a button ("1  Set status: ...")."""
    rx = re.compile(r'([0-9a-z])  ' + re.escape(label))
    for l in k.text():
        m = rx.search(l)
        if m:
            return m.group(1)
    k._fail('no button %r on the screen' % label, 0)


def scroll_to(k, text, key=zkharness.PGDN, tries=8):
    """Page down until text is on the screen."""
    for _ in range(tries):
        if k.contains(text):
            return
        k.press(key)
    k.wait_for(text, timeout=1)


def type_line(k, old_len, text):
    """In a prompt: erase what is there, type text and Enter."""
    k.send(zkharness.BACKSPACE * (old_len + 5) + text + '\r')
