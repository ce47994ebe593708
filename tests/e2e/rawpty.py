"""Helpers for the terminal, charset, line-mode and hardening tests: the
raw bytes the kiosk wrote, replayed in another charset; the focus as the
kiosk draws it (the marker in reverse video); line mode through a pty or through
pipes; a test locale; and the key strokes of a complete request.

The Kiosk class itself (zkharness) keeps every byte the kiosk wrote in
Kiosk.raw: these helpers only read it."""
import os
import re
import signal
import sqlite3
import subprocess
import threading
import time

import pyte

import zkharness
from zkharness import BIN, DOWN, ENTER, REF_RE, SANITIZER_MARKS, SPACE, TAB, KioskScreen, T, base_env

TEXT_TYPES = ('text', 'textarea', 'phone', 'email')


# --------------------------------------------------------------------------
# Raw output.

def raw(k):
    """Every byte the kiosk wrote so far."""
    with k.cond:
        return bytes(k.raw)


def wait_raw(k, pattern, timeout=5, start=0):
    """Wait until the raw output from `start` on matches the bytes regular
    expression; returns the match."""
    rx = re.compile(pattern)
    found = []

    def pred():
        m = rx.search(bytes(k.raw), start)
        if m:
            found.append(m)
        return bool(m)
    k.wait_until(pred, 'the raw output never matched %r' % pattern, timeout)
    return found[0]


class _TextStream(pyte.Stream):
    csi = dict(pyte.Stream.csi, b='repeat_last', S='scroll_up', T='scroll_down')


def replay(data, cols=80, rows=24, encoding='latin-1'):
    """The screen the bytes draw on a terminal that decodes them with
    `encoding` (pyte's own stream decodes UTF-8 only)."""
    screen = KioskScreen(cols, rows)
    stream = _TextStream(screen)
    stream.feed(data.decode(encoding))
    return [l.rstrip() for l in screen.display]


def sgr_params(data):
    """The parameter lists of every SGR (ESC [ ... m) in data."""
    out = []
    for m in re.finditer(rb'\x1b\[([0-9;:]*)m', data):
        p = m.group(1).decode()
        out.append([int(x) if x.isdigit() else 0 for x in re.split('[;:]', p)] if p else [0])
    return out


def colour_sgrs(data):
    """The SGRs in data that set a colour (30-37, 40-47, 90-97, 100-107,
    38/48 extended)."""
    bad = []
    for ps in sgr_params(data):
        for p in ps:
            if 30 <= p <= 38 or 40 <= p <= 48 or 90 <= p <= 97 or 100 <= p <= 107:
                bad.append(ps)
                break
    return bad


# --------------------------------------------------------------------------
# The screen.

def shows(k, *texts, timeout=2):
    """Whether the screen comes to show every one of texts within timeout
    (no exception: for tests that explain a failure themselves)."""
    deadline = time.monotonic() + timeout
    while True:
        if all(k.contains(t) for t in texts):
            return True
        if time.monotonic() >= deadline or k.eof:
            return all(k.contains(t) for t in texts)
        time.sleep(0.05)


def wait_title(k, title, timeout=5):
    """Wait until the title line (the first) is `title` (cut to the width):
    a title can also show as a line of the screen before."""
    want = title[:k.screen.columns - 2].strip()
    k.wait_until(lambda: k.text()[0].strip() == want, 'the title never became %r' % want, timeout)


def focus_rows(k):
    """Rows (between the title and the key bar) with the focus marker."""
    with k.cond:
        rows = []
        for y in range(1, k.screen.lines - 1):
            row = k.screen.buffer[y]
            if any(k.is_focus_cell(row[x]) for x in range(k.screen.columns)):
                rows.append(y)
        return rows


def focus_text(k):
    rows = focus_rows(k)
    lines = k.text()
    return lines[rows[0]].strip() if rows else None


def key_bar(k):
    return k.text()[-1].strip()


def alive(proc):
    """Running and not stopped (a Ctrl-Z that worked would leave it 'T')."""
    if proc.poll() is not None:
        return False
    try:
        with open('/proc/%d/stat' % proc.pid) as f:
            state = f.read().rsplit(')', 1)[1].split()[0]
    except OSError:
        return proc.poll() is None
    return state not in ('T', 't', 'Z', 'X')


def proc_state(proc):
    try:
        with open('/proc/%d/stat' % proc.pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0]
    except OSError:
        return '?'


def sanitizer(text):
    return any(m in text for m in SANITIZER_MARKS)


# --------------------------------------------------------------------------
# A locale with another charset, built without root.

_LOCALES = {}


def build_locale(base_dir, name='nl_NL.ISO-8859-1', source='nl_NL', charmap='ISO-8859-1'):
    """Build locale `name` in base_dir with localedef; returns (LOCPATH,
    None) or (None, why)."""
    if name in _LOCALES:
        return _LOCALES[name]
    out = os.path.join(base_dir, name)
    try:
        r = subprocess.run(['localedef', '-i', source, '-f', charmap, out],
                           capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        res = (None, 'localedef could not run: %s (Debian package `locales`)' % e)
    else:
        # localedef exits 1 for warnings but still writes the locale.
        if os.path.exists(os.path.join(out, 'LC_CTYPE')):
            chk = subprocess.run(['locale', 'charmap'], capture_output=True, text=True,
                                 env={'LOCPATH': base_dir, 'LANG': name, 'PATH': os.environ.get('PATH', '')})
            if chk.stdout.strip() == charmap:
                res = (base_dir, None)
            else:
                res = (None, 'the built locale reports charmap %r' % chk.stdout.strip())
        else:
            res = (None, 'localedef -i %s -f %s failed (status %d): %s (is the Debian package '
                   '`locales` with /usr/share/i18n installed?)' % (source, charmap, r.returncode,
                                                                  (r.stderr or r.stdout)[-500:]))
    _LOCALES[name] = res
    return res


# --------------------------------------------------------------------------
# A request in the full-screen kiosk.

def to_form(k, forms, lang, page='respite_light'):
    """From the welcome to the form of `page`, waiting for every screen
    (keys typed ahead of a screen change are not reliable: see
    test_terminals.py)."""
    k.send({'nl': '1', 'en': '2'}[lang])
    k.wait_for(forms.menu_title(lang), T('Back to the choice of language', lang))
    k.quiet(0.05)
    k.send(forms.menu_key(page))
    k.wait_for(forms.title(page, lang), T('Back to the menu', lang))
    k.quiet(0.05)
    k.send(forms.page_request_key(page))
    wait_form(k, forms, lang)


def wait_form(k, forms, lang, timeout=5):
    k.wait_for(forms.intake_title(lang), forms.field_label(forms.fields[0]['id'], lang), timeout=timeout)
    k.quiet(0.05)


def form_keys(forms, answers, start=0):
    """The keys that fill the form from field `start` (where the focus is)
    and press "Check my answers": text typed from `answers`, the first
    choice of a required choice without a default, consent ticked."""
    keys = []
    for i, f in enumerate(forms.fields):
        if i < start:
            continue
        if i > start:
            keys.append(TAB)
        t = f['type']
        if t in TEXT_TYPES:
            if answers.get(f['id']):
                keys.append(answers[f['id']])
        elif t == 'choice':
            if f.get('required') and f.get('default') is None:
                keys.append(SPACE)
        elif t == 'consent':
            keys.append(SPACE)
    keys += [TAB, ENTER]
    return keys


def fill_and_review(k, forms, lang, answers, start=0, typed=None):
    """Fill the form (one key at a time, all on this one screen) and wait
    for the review. `typed` (bytes) replaces the name when given."""
    for key in form_keys(forms, answers, start):
        if typed is not None and key == answers.get('name'):
            key = typed
        k.send(key)
    # The review opens at the top of the answers; reading on (Down) brings
    # "Send" into view.
    k.wait_for(T('Check your answers', lang), timeout=10)
    for _ in range(10):
        if k.contains('1  ' + T('Send', lang)):
            break
        k.send(DOWN)
        k.quiet(0.05)
    k.wait_for('1  ' + T('Send', lang))
    k.quiet(0.05)


def send_and_ref(k, lang, timeout=10):
    """On the review: "Send"; returns the reference shown."""
    k.send('1')
    m = k.wait_match(REF_RE.pattern, timeout=timeout)
    return m.group(0)


# --------------------------------------------------------------------------
# Line mode.

class LineSession:
    """The kiosk in line mode: through a pty (a real terminal, as on a
    serial line or TERM=dumb) or through pipes. Output is kept as bytes."""

    def __init__(self, args, env=None, use_pty=True, binary=None, stderr_path=None, cols=80, rows=24):
        args, env = zkharness.site_args(args, env if env is not None else base_env(TERM='dumb'))
        self.args = [binary or BIN] + list(args)
        self.out = bytearray()
        self.cond = threading.Condition()
        self.eof = False
        self.stderr_path = stderr_path or os.devnull
        self._stderr = open(self.stderr_path, 'wb')
        env = env if env is not None else base_env(TERM='dumb')
        if use_pty:
            self.master, slave = os.openpty()
            zkharness._set_winsize(slave, rows, cols)
            self.proc = subprocess.Popen(self.args, stdin=slave, stdout=slave, stderr=self._stderr, env=env,
                                         close_fds=True, start_new_session=True,
                                         preexec_fn=zkharness._make_controlling_tty)
            os.close(slave)
            self.rfd = self.wfd = self.master
        else:
            self.master = None
            self.proc = subprocess.Popen(self.args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=self._stderr, env=env, close_fds=True, bufsize=0)
            self.rfd = self.proc.stdout.fileno()
            self.wfd = self.proc.stdin.fileno()
        self.last_output = time.monotonic()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            try:
                data = os.read(self.rfd, 65536)
            except OSError:
                data = b''
            with self.cond:
                if not data:
                    self.eof = True
                    self.cond.notify_all()
                    return
                self.out += data
                self.last_output = time.monotonic()
                self.cond.notify_all()

    def quiet(self, quiet=0.1, timeout=1.0):
        """Wait until the kiosk has written nothing for `quiet` seconds."""
        zkharness.wait_quiet(self, quiet, timeout)

    def output(self):
        with self.cond:
            return bytes(self.out)

    def text(self, start=0):
        return self.output()[start:].decode('utf-8', 'replace')

    def stderr(self):
        try:
            with open(self.stderr_path, 'rb') as f:
                return f.read().decode('utf-8', 'replace')
        except OSError:
            return ''

    def wait(self, pred, what, timeout=5):
        deadline = time.monotonic() + timeout
        with self.cond:
            while not pred():
                left = deadline - time.monotonic()
                if left <= 0 or self.eof:
                    if pred():
                        return
                    raise AssertionError('%s (waited %.1f s); exited: %s\nlast output:\n%s\nstderr:\n%s' % (
                        what, timeout, self.proc.poll(), bytes(self.out[-3000:]).decode('utf-8', 'replace'),
                        self.stderr()[-3000:]))
                self.cond.wait(min(left, 0.1))

    def wait_prompt(self, start, timeout=5):
        """Wait until the output after `start` ends with the prompt '> '."""
        def pred():
            tail = bytes(self.out[start:])
            return tail.endswith(b"> ")
        self.wait(pred, 'no prompt after the last line', timeout)
        return bytes(self.out[start:])

    def wait_text(self, text, start=0, timeout=5):
        b = text.encode('utf-8') if isinstance(text, str) else text
        self.wait(lambda: b in bytes(self.out[start:]), 'the output never showed %r' % (text,), timeout)

    def send(self, line):
        if isinstance(line, str):
            line = line.encode('utf-8')
        os.write(self.wfd, line + b'\n')

    def cmd(self, line, timeout=5):
        """Type one line and Enter; returns what the kiosk wrote until its
        next prompt, decoded as UTF-8."""
        start = len(self.output())
        self.send(line)
        return self.wait_prompt(start, timeout).decode('utf-8', 'replace')

    def first_screen(self, timeout=20):
        return self.wait_prompt(0, timeout).decode('utf-8', 'replace')

    def close_input(self):
        if self.master is None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass

    def finish(self, timeout=10):
        """End the session: end of input (pipes) or SIGTERM (pty). The
        SIGTERM waits until the kiosk is quiet: one that arrives while it
        prints is lost (test_hardening.py has that bug's test)."""
        if self.proc.poll() is None:
            if self.master is None:
                self.close_input()
            else:
                self.quiet(0.1)
                self.proc.send_signal(signal.SIGTERM)
        try:
            status = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            status = self.proc.wait()
            raise AssertionError('line mode did not end within %d s' % timeout)
        finally:
            self.reader.join(timeout=2)
            self._cleanup()
        return status

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.reader.join(timeout=2)
        self._cleanup()

    def _cleanup(self):
        for fd in (self.master,):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        if self.master is None:
            for f in (self.proc.stdin, self.proc.stdout):
                try:
                    f.close()
                except (OSError, AttributeError):
                    pass
        try:
            self._stderr.close()
        except OSError:
            pass


def item_num(screen, label):
    """The number typed for the line showing label in a line-mode screen."""
    rx = re.compile(r'^\s*(\d+)\)\s+(?:\[[ x]\]\s+|\([^)]\)\s+)?' + re.escape(label))
    for l in screen.splitlines():
        m = rx.match(l)
        if m:
            return m.group(1)
    raise AssertionError('no numbered line %r in:\n%s' % (label, screen))


def field_num(screen, label):
    """The number of the text input under the heading `label`."""
    lines = screen.splitlines()
    for i, l in enumerate(lines):
        # A question that must be answered says so after its label.
        if l.strip() == label or re.fullmatch(re.escape(label) + r' \(\w+\)', l.strip()):
            for l2 in lines[i + 1:i + 4]:
                m = re.match(r'^\s*(\d+)\)', l2)
                if m:
                    return m.group(1)
    raise AssertionError('no text field under %r in:\n%s' % (label, screen))


def line_walk(s, forms, lang, name='Anna de Vries', phone='06 12345678', page='respite_light',
              before_send=None):
    """A complete request in line mode, checking each screen; returns
    (reference, the lines typed, the screens seen). before_send(s, review)
    runs on the review, before "Send"."""
    typed, seen = [], []

    def cmd(line, expect=None):
        typed.append(line)
        out = s.cmd(line)
        seen.append(out)
        if expect is not None:
            assert expect in out, 'after typing %r, no %r in:\n%s' % (line, expect, out)
        return out

    welcome = s.first_screen()
    seen.append(welcome)
    assert forms.welcome_title('nl') in welcome and 'English' in welcome, welcome
    cmd({'nl': '1', 'en': '2'}[lang], forms.menu_title(lang))
    cmd(forms.menu_key(page), forms.title(page, lang))
    # The form is printed whole once; after each answer only what changed
    # (the numbers stay), so the first print gives every number.
    form = cmd(forms.page_request_key(page), forms.intake_title(lang))
    cmd(field_num(form, forms.field_label('name', lang)))
    cmd(name, '[%s]' % name)
    cmd(field_num(form, forms.field_label('phone', lang)))
    cmd(phone, '[%s]' % phone)
    for f in forms.fields:
        if f['type'] == 'choice' and f.get('required') and f.get('default') is None:
            cmd(item_num(form, f['choices'][0]['label'][lang][:30]))
        elif f['type'] == 'consent':
            cmd(item_num(form, f['label'][lang][:30]))
    review = cmd(item_num(form, T('Check my answers', lang)), T('Check your answers', lang))
    if before_send is not None:
        before_send(s, review)
    done = cmd(item_num(review, T('Send', lang)))
    m = REF_RE.search(done)
    assert m, 'no reference after "Send":\n' + done
    return m.group(0), typed, seen


def submit_script(forms_dir, forms, lang, db, env=None):
    """The lines that make one complete request in line mode (found by
    walking it once, with a throw-away database), without the final "Send";
    and the line that sends."""
    s = LineSession(['--db', db, '--forms', forms_dir, '--plain'], env=env or base_env(), use_pty=False)
    try:
        ref, typed, seen = line_walk(s, forms, lang)
    finally:
        s.finish()
    return typed[:-1], typed[-1]


def integrity(db):
    con = sqlite3.connect(db, timeout=10)
    try:
        return con.execute('PRAGMA integrity_check').fetchall()
    finally:
        con.close()
