"""The end-to-end harness: the real zorgkiosk binary in a pseudo-terminal,
its output read through the pyte terminal emulator.

Tests never sleep for a fixed time to let the kiosk catch up: they wait for
what the screen should show (Kiosk.wait_for), or for the output to settle
after a key that changes only the focus (Kiosk.press).
"""
import fcntl
import os
import re
import select
import signal
import sqlite3
import struct
import subprocess
import termios
import threading
import time

import pyte

import libcfg

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get('ZK_ROOT') or os.path.abspath(os.path.join(HERE, '..', '..'))
BIN = os.environ.get('ZK_BIN') or os.path.join(ROOT, 'build', 'zorgkiosk-asan')

# Keys as an xterm sends them.
UP = '\x1b[A'
DOWN = '\x1b[B'
RIGHT = '\x1b[C'
LEFT = '\x1b[D'
ENTER = '\r'
TAB = '\t'
BTAB = '\x1b[Z'
ESC = '\x1b'
F1 = '\x1bOP'
F2 = '\x1bOQ'
CTRL_L = '\x0c'
BACKSPACE = '\x7f'
PGDN = '\x1b[6~'
PGUP = '\x1b[5~'
SPACE = ' '

# The kiosk reads a lone Esc after ESCDELAY (200 ms).
ESC_DELAY = 0.3

SANITIZER_MARKS = ('ERROR: AddressSanitizer', 'ERROR: LeakSanitizer', 'runtime error:',
                   'SUMMARY: AddressSanitizer', 'SUMMARY: UndefinedBehaviorSanitizer')

REF_RE = re.compile(r'MZ-\d{4}-\d{4,}')  # after 9999 a fifth digit


class KioskError(AssertionError):
    pass


def flat(s):
    """Whitespace folded to single spaces: text matches across wrapped lines."""
    return re.sub(r'\s+', ' ', s).strip()


# --------------------------------------------------------------------------
# The terminal emulator: pyte, taught the few xterm sequences ncurses uses
# with TERM=xterm-256color that pyte 0.8 does not know.

class KioskScreen(pyte.Screen):
    def __init__(self, columns, lines):
        super().__init__(columns, lines)
        self.last_char = ' '

    def draw(self, data):
        if data:
            self.last_char = data[-1]
        super().draw(data)

    def repeat_last(self, count=1, *args, **kwargs):
        """REP (CSI n b): repeat the last drawn character n times."""
        self.draw(self.last_char * max(1, count or 1))

    def insert_characters(self, count=None):
        """ICH: pyte 0.8 keeps the character pushed to the column just past
        the right edge, and a later DCH pulls it back; a terminal drops it."""
        super().insert_characters(count)
        line = self.buffer[self.cursor.y]
        for x in [x for x in line if x >= self.columns]:
            del line[x]

    def scroll_up(self, count=1, *args, **kwargs):
        """SU (CSI n S), ncurses' indn."""
        top, bottom = self.margins or pyte.screens.Margins(0, self.lines - 1)
        saved = (self.cursor.x, self.cursor.y)
        self.cursor.y = bottom
        for _ in range(max(1, count or 1)):
            self.index()
        self.cursor.x, self.cursor.y = saved

    def scroll_down(self, count=1, *args, **kwargs):
        """SD (CSI n T), ncurses' rin."""
        top, bottom = self.margins or pyte.screens.Margins(0, self.lines - 1)
        saved = (self.cursor.x, self.cursor.y)
        self.cursor.y = top
        for _ in range(max(1, count or 1)):
            self.reverse_index()
        self.cursor.x, self.cursor.y = saved


class KioskStream(pyte.ByteStream):
    csi = dict(pyte.ByteStream.csi, b='repeat_last', S='scroll_up', T='scroll_down')


# --------------------------------------------------------------------------
# Translations: the English text is the msgid, the Dutch one is in nl.po.

class Catalog:
    def __init__(self, path):
        self.msgs = {}
        if not os.path.exists(path):
            return
        with open(path, encoding='utf-8') as f:
            text = f.read()
        for block in re.split(r'\n\s*\n', text):
            if re.search(r'^#,.*\bfuzzy\b', block, re.M):
                continue
            mid = re.search(r'^msgid ((?:".*"\s*\n?)+)', block, re.M)
            mstr = re.search(r'^msgstr ((?:".*"\s*\n?)+)', block, re.M)
            if not mid or not mstr:
                continue
            k, v = self._join(mid.group(1)), self._join(mstr.group(1))
            if k:
                self.msgs[k] = v

    @staticmethod
    def _join(s):
        return ''.join(libcfg._unquote('"%s"' % p) for p in re.findall(r'"((?:[^"\\]|\\.)*)"', s))

    def dutch(self, msgid):
        """The translation, or None when the catalogue has none (the name
        is from when Dutch was the only one)."""
        return self.msgs.get(msgid) or None

    def t(self, msgid, lang=None):
        """What the kiosk shows for msgid (gettext falls back to it)."""
        return self.dutch(msgid) or msgid


CATALOG = Catalog(os.path.join(ROOT, 'locale', 'nl.po'))
_CATALOGS = {'nl': CATALOG}


def T(msgid, lang):
    """msgid as the kiosk shows it in lang: English is the msgid language;
    every other language has its catalogue, locale/LANG.po."""
    if lang == 'en':
        return msgid
    if lang not in _CATALOGS:
        _CATALOGS[lang] = Catalog(os.path.join(ROOT, 'locale', lang + '.po'))
    return _CATALOGS[lang].t(msgid)


# --------------------------------------------------------------------------
# The forms, read with libcfg.

class Forms:
    def __init__(self, path):
        self.dir = path
        self.welcome = libcfg.load(os.path.join(path, 'welcome.conf'))
        self.guide = libcfg.load(os.path.join(path, 'guide.conf'))
        self.intake = libcfg.load(os.path.join(path, 'intake.conf'))
        self.pages = {p['id']: p for p in self.guide.get('pages', [])}
        self.flows = {f['id']: f for f in self.guide.get('flows', [])}
        self.fields = list(self.intake['fields'])
        # "How are you doing?" (check.conf), when the folder has one: the
        # menu may name it like a page or a flow.
        check = os.path.join(path, 'check.conf')
        self.checks = {}
        if os.path.isfile(check):
            c = libcfg.load(check)
            self.checks[c['id']] = c

    @staticmethod
    def tr(text, lang):
        return text[lang]

    def export_ids(self):
        """The answer columns of a CSV export: the fields, then the care
        check's band when the forms have the check, then where the request
        was made."""
        return [f['id'] for f in self.fields] + (['care_check'] if self.checks else []) + ['location']

    def export_labels(self, lang):
        """The answer columns of a workbook, by their headings, then where
        the request was made."""
        return ([self.staff_label(f['id'], lang) for f in self.fields]
                + [c['title'][lang] for c in self.checks.values()] + [T('Location', lang)])

    def welcome_title(self, lang):
        return self.welcome['title'][lang]

    def menu_title(self, lang):
        return self.guide['menu']['title'][lang]

    def menu_items(self):
        return list(self.guide['menu']['items'])

    def menu_key(self, item_id):
        return str(self.menu_items().index(item_id) + 1)

    def title(self, item_id, lang):
        it = self.pages.get(item_id) or self.flows.get(item_id) or self.checks[item_id]
        return it['title'][lang]

    def request_pages(self):
        """Pages that can be ticked in the form, in file order."""
        return [p for p in self.guide['pages'] if p.get('request')]

    def page_request_key(self, page_id):
        """The digit of "Ask us to get in touch about this" on a page."""
        p = self.pages[page_id]
        n = len(p['sections']) + (1 if p.get('check') else 0) + 1
        return str(n) if n <= 9 else None

    def field(self, fid):
        for f in self.fields:
            if f['id'] == fid:
                return f
        raise KeyError(fid)

    def field_index(self, fid):
        return [f['id'] for f in self.fields].index(fid)

    def field_label(self, fid, lang):
        return self.field(fid)['label'][lang]

    def staff_label(self, fid, lang):
        """The label staff read: staff_label when the field has one."""
        f = self.field(fid)
        return f.get('staff_label', f['label'])[lang]

    def choice_label(self, fid, cid, lang):
        for c in self.field(fid)['choices']:
            if c['id'] == cid:
                return c['label'][lang]
        raise KeyError((fid, cid))

    def intake_title(self, lang):
        return self.intake['title'][lang]


def walk_flow(forms, flow_id, pick, today=None):
    """Walk a flow as the kiosk does, answering question q with pick(q)
    (an answer index). Returns (asked, suggested page ids): asked is a list
    of (question, answer index) for the questions shown; date questions are
    answered from today's date."""
    import datetime
    today = today or datetime.date.today()
    fl = forms.flows[flow_id]
    qs = {q['id']: q for q in fl['questions']}
    q = qs[fl['start']]
    asked, met = [], []
    while q is not None:
        if 'date' in q:
            md = today.month * 100 + today.day
            f = int(q['date']['from'][:2]) * 100 + int(q['date']['from'][3:])
            u = int(q['date']['until'][:2]) * 100 + int(q['date']['until'][3:])
            inside = f <= md <= u if f <= u else (md >= f or md <= u)
            a = q['open'] if inside else q['closed']
        else:
            i = pick(q)
            a = q['answers'][i]
            asked.append((q, i))
        met.append(a)
        q = qs.get(a['next']) if a.get('next') else None
    sugg = []
    for a in met:
        for pid in a.get('suggest', []):
            if pid not in sugg:
                sugg.append(pid)
    order = [i for i in forms.menu_items() if i in forms.pages] + \
        [p['id'] for p in forms.guide['pages'] if p['id'] not in forms.menu_items()]
    sugg.sort(key=order.index)
    if not sugg:
        sugg = [fl['fallback']]
    return asked, sugg


# --------------------------------------------------------------------------
# The database.

def db_rows(db_path, sql, params=()):
    """Rows of sql on the real SQLite file, read-only."""
    con = sqlite3.connect('file:%s?mode=ro' % db_path, uri=True, timeout=5)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def db_intake(db_path, ref):
    """The intake row with ref and its answers as a dict, or (None, {})."""
    rows = db_rows(db_path, 'SELECT id, ref, ui_lang FROM intake WHERE ref = ?', (ref,))
    if not rows:
        return None, {}
    answers = dict(db_rows(db_path, 'SELECT field, value FROM answer WHERE intake_id = ?', (rows[0][0],)))
    return rows[0], answers


# --------------------------------------------------------------------------
# The kiosk in a pseudo-terminal.

def wait_quiet(reader, quiet, timeout):
    """Wait until reader (with cond, eof and last_output, fed by a reader
    thread) has had no output for `quiet` seconds, at most `timeout`."""
    deadline = time.monotonic() + timeout
    with reader.cond:
        while not reader.eof and time.monotonic() < deadline:
            idle = time.monotonic() - reader.last_output
            if idle >= quiet:
                break
            reader.cond.wait(quiet - idle)


def _set_winsize(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))


def _make_controlling_tty():
    # Runs in the child after setsid(): the pty becomes its terminal, as in
    # a real login, so the kernel also sends it SIGWINCH.
    try:
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    except OSError:
        pass


def base_env(lang='C.UTF-8', **extra):
    """A clean environment: TERM=xterm-256color, LANG=lang (None: unset)."""
    env = {'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'HOME': os.environ.get('HOME', '/tmp'),
           'TERM': 'xterm-256color',
           # Leak checking needs ptrace, which containers often forbid.
           'ASAN_OPTIONS': 'detect_leaks=0:abort_on_error=0:halt_on_error=1',
           'UBSAN_OPTIONS': 'print_stacktrace=1:halt_on_error=1'}
    if lang is not None:
        env['LANG'] = lang
    # Any test may be run with the kiosk's writer exec'd afresh, as the
    # kiosk account's set-group-ID kiosk stores (src/privsep.h).
    if os.environ.get('ZK_TEST_EXEC_WRITER'):
        env['ZK_TEST_EXEC_WRITER'] = '1'
    for k, v in extra.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def write_site(path, **settings):
    """Write a site configuration (libconfig) to path: strings, numbers, and
    lists of strings (staff_users)."""
    lines = ['# written by the zorgkiosk tests']
    for k, v in settings.items():
        if v is None:
            continue
        if isinstance(v, (list, tuple)):
            lines.append('%s = [%s];' % (k, ', '.join('"%s"' % x for x in v)))
        elif isinstance(v, int):
            lines.append('%s = %d;' % (k, v))
        else:
            lines.append('%s = "%s";' % (k, v))
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    os.chmod(path, 0o644)
    return path


_site_dir = None


def site_args(args, env):
    """The tests name the database, the forms and staff logins on the
    command line (`--db FILE`, `--forms DIR`, `--staff-users LOGIN`,
    `--staff-group NAME`, `--printer QUEUE`, `--print-server HOST:PORT`, `--speech MODE`,
    `--site-location NAME`, `--languages nl,en,tr`, `--staff-languages nl,en`),
    as a short way of saying which site a run is
    for. zorgkiosk takes them only from its site configuration, so this
    takes them out of args, writes a site file for them in a private folder
    and points the test build at it (ZK_TEST_CONF, which only the test
    build reads). Returns (args, env). check-forms keeps its --forms."""
    global _site_dir
    args = list(args)
    if 'check-forms' in args:
        return args, env
    settings, rest, i = {}, [], 0
    keys = {'--db': 'database', '--forms': 'forms', '--staff-users': 'staff_users',
            '--staff-group': 'staff_group', '--group': 'database_group',
            '--printer': 'printer', '--print-server': 'print_server', '--speech': 'speech',
            '--site-location': 'location', '--languages': 'languages',
            '--staff-languages': 'staff_languages'}
    while i < len(args):
        if args[i] in keys and i + 1 < len(args):
            v = str(args[i + 1])
            lists = ('--staff-users', '--languages', '--staff-languages')
            settings[keys[args[i]]] = v.split(',') if args[i] in lists else v
            i += 2
        else:
            rest.append(args[i])
            i += 1
    if not settings:
        return rest, env
    if _site_dir is None:
        import tempfile
        _site_dir = tempfile.mkdtemp(prefix='zk-site-')
        # Readable by the unprivileged logins some tests run as.
        os.chmod(_site_dir, 0o755)
    env = dict(env if env is not None else base_env())
    if 'ZK_TEST_CONF' not in env:
        fd, path = __import__('tempfile').mkstemp(suffix='.conf', dir=_site_dir)
        os.close(fd)
        # Staff terminal exports of this run: see export_folder().
        settings.setdefault('export_folder', path[:-len('.conf')] + '-exports')
        env['ZK_TEST_CONF'] = write_site(path, **settings)
    return rest, env


class Kiosk:
    """One run of the kiosk in a pseudo-terminal of cols x rows."""

    def __init__(self, args, cols=80, rows=24, env=None, stderr_path=None, binary=None):
        args, env = site_args(args, env)
        self.site_conf = (env or {}).get('ZK_TEST_CONF')
        self.args = [binary or BIN] + list(args)
        self.cols, self.rows = cols, rows
        self.screen = KioskScreen(cols, rows)
        self.stream = KioskStream(self.screen)
        self.raw = bytearray()
        self.cond = threading.Condition()
        self.last_output = time.monotonic()
        self.closed = False
        self.stderr_path = stderr_path or '/dev/null'
        self.master, slave = os.openpty()
        _set_winsize(slave, rows, cols)
        self._stderr = open(self.stderr_path, 'wb')
        try:
            self.proc = subprocess.Popen(
                self.args, stdin=slave, stdout=slave, stderr=self._stderr,
                env=env if env is not None else base_env(), close_fds=True,
                start_new_session=True, preexec_fn=_make_controlling_tty)
        finally:
            os.close(slave)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    # -- output ------------------------------------------------------------
    _stop = False

    def _read(self):
        # Never block in read(): a thread blocked on the master keeps the
        # pty open even after close(), so hangup() could not work.
        while True:
            try:
                ready = select.select([self.master], [], [], 0.05)[0]
            except (OSError, ValueError):
                ready, self._stop = [], True
            if self._stop:
                data = b''
            elif not ready:
                continue
            else:
                try:
                    data = os.read(self.master, 65536)
                except OSError:
                    data = b''
            with self.cond:
                if not data:
                    self.eof = True
                    self.cond.notify_all()
                    return
                self.raw += data
                self.stream.feed(data)
                self.last_output = time.monotonic()
                self.cond.notify_all()

    eof = False

    def text(self):
        """The screen as a list of lines (trailing spaces removed)."""
        with self.cond:
            return [l.rstrip() for l in self.screen.display]

    def dump(self):
        lines = self.text()
        w = max([len(l) for l in lines] + [self.screen.columns])
        out = ['    +' + '-' * w + '+']
        out += ['%3d |%s|' % (i, l.ljust(w)) for i, l in enumerate(lines)]
        out.append('    +' + '-' * w + '+')
        return '\n'.join(out)

    def stderr(self):
        try:
            with open(self.stderr_path, 'rb') as f:
                return f.read().decode('utf-8', 'replace')
        except OSError:
            return ''

    def contains(self, s):
        """Whether the screen shows s, also when the kiosk wrapped it over a
        few lines (a wrap replaces one space by a line break and indent)."""
        s = s.replace('\n', ' ')
        lines = self.text()
        if any(s in l for l in lines):
            return True
        if ' ' not in s:
            return False
        for i in range(len(lines) - 1):
            if s in ' '.join(l.strip() for l in lines[i:i + 6]):
                return True
        return False

    def _fail(self, what, timeout):
        status = self.proc.poll()
        msg = ['%s (waited %.1f s)' % (what, timeout), 'screen:', self.dump()]
        if status is not None:
            msg.append('the kiosk has exited with status %s' % status)
        err = self.stderr().strip()
        if err:
            msg.append('stderr:\n' + err[-4000:])
        raise KioskError('\n'.join(msg))

    def wait_until(self, pred, what, timeout=5):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                if pred():
                    return
                left = deadline - time.monotonic()
                if left <= 0 or (self.eof and not pred()):
                    break
                self.cond.wait(min(left, 0.1))
        self._fail(what, timeout)

    def wait_for(self, *texts, timeout=5):
        """Wait until the screen shows every one of texts."""
        self.wait_until(lambda: all(self.contains(t) for t in texts),
                        'the screen never showed %s' % ' and '.join(repr(t) for t in texts), timeout)

    def wait_any(self, *texts, timeout=5):
        """Wait until the screen shows one of texts; returns it."""
        found = []

        def pred():
            for t in texts:
                if self.contains(t):
                    found.append(t)
                    return True
            return False
        self.wait_until(pred, 'the screen never showed any of %r' % (texts,), timeout)
        return found[0]

    def wait_gone(self, *texts, timeout=5):
        """Wait until the screen shows none of texts."""
        self.wait_until(lambda: not any(self.contains(t) for t in texts),
                        'the screen kept showing %s' % ' or '.join(repr(t) for t in texts), timeout)

    def wait_match(self, pattern, timeout=5):
        """Wait until a line matches the regular expression; returns the match."""
        rx = re.compile(pattern)
        found = []

        def pred():
            for l in self.text():
                m = rx.search(l)
                if m:
                    found.append(m)
                    return True
            return False
        self.wait_until(pred, 'no line of the screen matched /%s/' % pattern, timeout)
        return found[0]

    def _snapshot(self):
        with self.cond:
            return [(tuple(c.data for c in row.values()), tuple(c.bg for c in row.values()))
                    for row in (self.screen.buffer[y] for y in range(self.screen.lines))]

    def settle(self, before, quiet=0.015, timeout=0.6):
        """After a key: wait until the screen differs from snapshot before,
        then until the output pauses (a key that changes nothing waits the
        whole timeout)."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while time.monotonic() < deadline and not self.eof:
                if self._snapshot() != before:
                    break
                self.cond.wait(0.02)
            else:
                if os.environ.get('ZK_DEBUG_SETTLE'):
                    import sys
                    import traceback
                    print('settle: the screen did not change', file=sys.stderr)
                    traceback.print_stack(limit=5)
        self.quiet(quiet, timeout=1.0)

    def quiet(self, quiet=0.05, timeout=1.0):
        """Wait until the kiosk has written nothing for `quiet` seconds."""
        wait_quiet(self, quiet, timeout)

    # -- input -------------------------------------------------------------
    def app_cursor_keys(self):
        """Whether the kiosk switched the terminal to application cursor
        keys (DECCKM, part of ncurses' keypad mode): xterm then sends the
        arrows as ESC O A instead of ESC [ A."""
        with self.cond:
            on = None
            for m in re.finditer(rb'\x1b\[\?([0-9;]*)([hl])', bytes(self.raw)):
                if b'1' in m.group(1).split(b';'):
                    on = m.group(2) == b'h'
            return bool(on)

    def send(self, keys):
        """Send keys as xterm would: the arrow keys follow the cursor key
        mode the kiosk chose."""
        if isinstance(keys, str):
            keys = keys.encode('utf-8')
        if self.app_cursor_keys():
            keys = re.sub(rb'\x1b\[([ABCD])', lambda m: b'\x1bO' + m.group(1), keys)
        os.write(self.master, keys)

    def press(self, keys, wait=True):
        """Send keys and wait until the kiosk has drawn the result."""
        before = self._snapshot()
        self.send(keys)
        if wait:
            self.settle(before)

    def esc(self):
        """Esc, then the pause the kiosk needs to tell it from a sequence."""
        self.send(ESC)
        time.sleep(ESC_DELAY)

    def type(self, text):
        self.send(text)

    # -- the focus ----------------------------------------------------------
    # The kiosk marks the focused item with a marker cell ("\u25b6" or ">")
    # in reverse video at the left of its first line (older builds: the
    # whole item black on cyan). Both are recognised; the title bar, the key
    # bar and a notice (reverse, without the marker) are not.
    FOCUS_MARKS = '\u25b6>'
    # "More above" and "more below", in the column right of the text.
    SCROLL_MARKS = '\u25b2\u25bc^v'

    def is_focus_cell(self, c):
        return c.bg == 'cyan' or (c.reverse and c.data in self.FOCUS_MARKS)

    def focus_lines(self):
        """The focused lines, without the focus marker."""
        with self.cond:
            out = []
            last = self.screen.lines - 1
            for y in range(1, last):
                row = self.screen.buffer[y]
                if any(self.is_focus_cell(row[x]) for x in range(self.screen.columns)):
                    cells = [row[x].data for x in range(self.screen.columns)]
                    # A scroll mark right of the text is not part of the item.
                    for x in range(self.screen.columns - 3, self.screen.columns):
                        if cells[x] in self.SCROLL_MARKS and cells[x - 1] == ' ':
                            cells[x] = ' '
                    text = ''.join(cells).strip()
                    if text[:1] in self.FOCUS_MARKS:
                        text = text[1:].strip()
                    out.append(text)
            return out

    def focused(self):
        """The text of the focused item (its marked lines joined)."""
        return flat(' '.join(self.focus_lines()))

    def focused_label(self):
        """The focused item without its key digit, radio or check box."""
        return re.sub(r'^(?:\(.\)|\[.\]|[0-9])\s+', '', self.focused())

    def focus_to(self, label, key=DOWN, tries=40, exact=True):
        """Press key until the focused item is label (or contains it)."""
        want = flat(label)
        stuck = 0
        for _ in range(tries):
            have = self.focused_label() if exact else self.focused()
            # Only the first line of a wrapped item may be marked.
            if exact:
                ok = have == want or (len(have) >= 20 and want.startswith(have + ' '))
            else:
                ok = want in have or (len(have) >= 20 and want.startswith(have))
            if ok:
                return
            before = self._snapshot()
            self.press(key)
            stuck = stuck + 1 if self._snapshot() == before else 0
            if stuck >= 2:
                break
        self._fail('the focus never reached %r (pressing %r); focused now: %r'
                   % (label, key, self.focused()), 0)

    def choose(self, label, timeout=5):
        """Choose the line showing label: its digit when it has one, else
        move the focus to it and press Enter."""
        self.wait_for(label, timeout=timeout)
        rx = re.compile(r'(?:^|\s)([0-9])  ' + re.escape(label[:20]))
        for l in self.text():
            m = rx.search(l)
            if m:
                self.send(m.group(1))
                return
        self.focus_to(label, exact=False)
        self.send(ENTER)

    def find(self, text):
        """(row, col) of the first line showing text, or None."""
        for y, l in enumerate(self.text()):
            x = l.find(text)
            if x >= 0:
                return y, x
        return None

    # -- the terminal ------------------------------------------------------
    def resize(self, cols, rows):
        with self.cond:
            self.screen.resize(rows, cols)
            self.cols, self.rows = cols, rows
        _set_winsize(self.master, rows, cols)
        try:
            os.kill(self.proc.pid, signal.SIGWINCH)
        except ProcessLookupError:
            pass

    def mouse_sgr(self):
        """Whether the kiosk asked for SGR (1006) mouse reports."""
        with self.cond:
            return re.search(rb'\x1b\[\?[0-9;]*1006[0-9;]*h', bytes(self.raw)) is not None

    def click(self, row, col, encoding=None):
        """A left click at screen row, col (0-based): press, then release.
        encoding 'x10' sends ESC [ M Cb Cx Cy (release: button 3); 'sgr'
        sends ESC [ < 0;x;y M/m. By default the one the kiosk asked the
        terminal for, as xterm does: ncurses with TERM=xterm-256color turns
        on SGR reports (?1006h) and then reads ESC [ M as Esc (Back)."""
        if encoding is None:
            encoding = 'sgr' if self.mouse_sgr() else 'x10'
        if encoding == 'sgr':
            self.send('\x1b[<0;%d;%dM\x1b[<0;%d;%dm' % (col + 1, row + 1, col + 1, row + 1))
        else:
            self.send('\x1b[M' + chr(32 + 0) + chr(33 + col) + chr(33 + row) +
                      '\x1b[M' + chr(32 + 3) + chr(33 + col) + chr(33 + row))

    def wheel(self, down, row=None, col=None, encoding='sgr'):
        """One notch of the mouse wheel (button 4 up, 5 down) over row, col
        (default: the middle of the screen), in SGR or X10 format."""
        row = self.rows // 2 if row is None else row
        col = self.cols // 2 if col is None else col
        b = 65 if down else 64
        if encoding == 'sgr':
            self.send('\x1b[<%d;%d;%dM' % (b, col + 1, row + 1))
        else:
            self.send('\x1b[M' + chr(32 + b) + chr(33 + col) + chr(33 + row))

    def key_bar_items(self):
        """The key bar's items as {text: (row, first column)}: parted by two
        spaces, as the kiosk draws them."""
        row = self.rows - 1
        line = self.text()[row]
        return {m.group(0): (row, m.start()) for m in re.finditer(r'\S+(?: \S+)*', line)}

    def tap_key(self, prefix, encoding=None):
        """Tap (click) the middle of the key bar item that starts with prefix."""
        for text, (row, col) in self.key_bar_items().items():
            if text.startswith(prefix):
                self.click(row, col + len(text) // 2, encoding)
                return text
        raise KioskError('no key bar item starts with %r: %r' % (prefix, self.text()[-1]))

    # -- the terminal's cursor (screen readers follow it) ---------------------
    def cursor(self):
        """(row, column, hidden) of the terminal's cursor."""
        with self.cond:
            c = self.screen.cursor
            return c.y, c.x, bool(c.hidden)

    def focus_row(self):
        """The first row showing the focus marker, or None."""
        with self.cond:
            for y in range(1, self.screen.lines - 1):
                row = self.screen.buffer[y]
                if any(self.is_focus_cell(row[x]) for x in range(self.screen.columns)):
                    return y
            return None

    def hangup(self):
        """The terminal goes away: the master side of the pty is closed."""
        self._stop = True
        self.reader.join(timeout=2)
        os.close(self.master)
        self.master = -1

    # -- the end -----------------------------------------------------------
    def sanitizer_report(self):
        err = self.stderr()
        if any(m in err for m in SANITIZER_MARKS):
            return err
        return None

    def close(self, check=True):
        """SIGTERM; the kiosk must end with status 0 and no sanitizer report."""
        if self.closed:
            return self.proc.returncode
        self.closed = True
        if self.proc.poll() is None:
            # Let the kiosk finish drawing first: a SIGTERM that arrives
            # while it draws is only seen at the next key (see
            # test_signals.py); that bug has its own test.
            self.quiet(0.05, timeout=1.0)
            try:
                self.proc.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass
        try:
            status = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            status = self.proc.wait()
            if check:
                self._cleanup()
                raise KioskError('the kiosk did not end within 5 s of SIGTERM\nscreen:\n' + self.dump())
        self.reader.join(timeout=2)
        self._cleanup()
        if check:
            report = self.sanitizer_report()
            if report:
                raise KioskError('sanitizer report on stderr:\n' + report[-6000:])
            if status != 0:
                raise KioskError('the kiosk ended with status %s after SIGTERM, not 0\nstderr:\n%s\nscreen:\n%s'
                                 % (status, self.stderr()[-3000:], self.dump()))
        return status

    def _cleanup(self):
        if self.master >= 0:
            self._stop = True
            self.reader.join(timeout=2)
            try:
                os.close(self.master)
            except OSError:
                pass
            self.master = -1
        try:
            self._stderr.close()
        except OSError:
            pass


def run_cli(args, env=None, timeout=20, binary=None):
    """Run the binary without a terminal; returns CompletedProcess (text)."""
    args, env = site_args(args, env if env is not None else base_env())
    return subprocess.run([binary or BIN] + list(args), stdin=subprocess.DEVNULL,
                          capture_output=True, env=env, timeout=timeout, text=True, errors='replace')


def key_bar_text(lang, menu=True, zero=True):
    """The key bar of an inner screen as kiosk.c builds it: Back, Help and
    the other language; in menus with the 0, ? and L keys (0 only where a
    line is numbered 0)."""
    back = ('0/Esc' if zero else 'Esc') if menu else 'Esc'
    return '%s %s  %s %s  %s %s' % (back, T('Back', lang), '?/F1' if menu else 'F1', T('Help', lang),
                                    'L/F2' if menu else 'F2', 'English' if lang == 'nl' else 'Nederlands')


def welcome_key_bar(lang):
    """The key bar of the welcome, which speaks both languages, lang first."""
    other = 'en' if lang == 'nl' else 'nl'
    return '?/F1 %s/%s  L/F2 %s' % (T('Help', lang), T('Help', other),
                                    'English' if lang == 'nl' else 'Nederlands')


def welcome_help_title(lang):
    """The title of the welcome's help, in both languages, lang first."""
    other = 'en' if lang == 'nl' else 'nl'
    return '%s / %s' % (T('Help', lang), T('Help', other))
