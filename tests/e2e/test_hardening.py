"""Hardening: what a curious visitor, a dropped link, a crash, a locked or
foreign database and many kiosks at once do to the kiosk and its data."""
import concurrent.futures
import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import termios
import threading
import time

import pytest

from rawpty import (LineSession, alive, fill_and_review, focus_rows, integrity, key_bar, proc_state, raw,
                    sanitizer, send_and_ref, shows, submit_script, to_form, wait_form)
import zkharness
from zkharness import BIN, BTAB, ESC, ESC_DELAY, F2, REF_RE, TAB, T, base_env, db_intake, db_rows

STORE_MSGIDS = [
    'The system is busy right now. Your answers are still here: please try again in a moment.',
    'The disk of this computer is full, so nothing was stored. Your answers are still here. Please tell a staff member.',
    'The database cannot be written to, so nothing was stored. Your answers are still here. Please tell a staff member.',
    'The database file is damaged or is not a zorgkiosk database. It has not been changed.',
    'The database was made by a newer version of zorgkiosk.',
    'Something went wrong while storing, so nothing was stored. Your answers are still here: please try again.',
    'The database is damaged, so nothing can be stored. It has not been changed. Please tell a staff member: '
    'it must be restored from a backup.',
]


def store_messages():
    out = []
    for m in STORE_MSGIDS:
        for lang in ('nl', 'en'):
            out.append(T(m, lang))
    return out


def _end(k, status_want=0, timeout=5, last=None):
    """The kiosk ended by itself: its status, no sanitizer report; marks it
    closed for the fixture. last(k) runs before the pty is closed."""
    status = _wait(k.proc, timeout)
    if status is None:
        pytest.fail('the kiosk did not end within %d s\n%s' % (timeout, k.dump()))
    k.reader.join(timeout=2)
    if last is not None:
        last(k)
    k.closed = True
    k._cleanup()
    assert not k.sanitizer_report(), k.stderr()
    if status_want is not None:
        assert status == status_want, 'status %s, expected %s; stderr:\n%s' % (status, status_want, k.stderr())
    return status


# --------------------------------------------------------------------------
# Kiosk mode: no key ends or suspends it.

CTRL = [('\x03', 'Ctrl-C'), ('\x1a', 'Ctrl-Z'), ('\x1c', 'Ctrl-\\'), ('\x04', 'Ctrl-D')]


def test_kiosk_mode_survives_ctrl_c_z_backslash_d_and_every_control_char(kiosk, forms):
    k = kiosk(args=['--kiosk'])
    k.send('1')
    k.wait_for(forms.menu_title('nl'), T('Back to the choice of language', 'nl'))
    for key, name in CTRL:
        k.send(key)
        time.sleep(0.3)
        assert alive(k.proc), '%s ended or stopped the kiosk (state %s, status %s)' % (
            name, proc_state(k.proc), k.proc.poll())
        assert k.contains(forms.menu_title('nl')), '%s changed the screen:\n%s' % (name, k.dump())
    # The same as signals sent from elsewhere.
    for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP):
        os.kill(k.proc.pid, sig)
        time.sleep(0.2)
        assert alive(k.proc), '%s ended or stopped the kiosk (state %s)' % (sig.name, proc_state(k.proc))
    # In the form too, where keys are typed.
    k.send(forms.menu_key('respite_light'))
    k.wait_for(T('Back to the menu', 'nl'))
    k.quiet(0.05)
    k.send(forms.page_request_key('respite_light'))
    wait_form(k, forms, 'nl')
    for key, name in CTRL:
        k.send(key)
        time.sleep(0.2)
        assert alive(k.proc), '%s in the form ended or stopped the kiosk' % name
    # Every control character at once.
    k.send(bytes(range(0, 32)) + b'\x7f' + bytes(range(0, 32)))
    time.sleep(1)
    k.quiet(0.3, timeout=3)
    assert alive(k.proc), 'a burst of control characters ended or stopped the kiosk (state %s, status %s)' % (
        proc_state(k.proc), k.proc.poll())
    bar = key_bar(k)
    assert bar.endswith('English') or bar.endswith('Nederlands'), 'no kiosk screen after the burst:\n' + k.dump()
    k.send(F2)
    k.wait_until(lambda: key_bar(k) != bar, 'F2 did nothing after the burst of control characters')
    assert not k.sanitizer_report(), k.stderr()


def test_without_kiosk_mode_ctrl_c_does_end_it(kiosk):
    """The control for the test above: the same key ends a kiosk started
    without --kiosk (cleanly, status 0)."""
    k = kiosk()
    k.quiet(0.1)
    k.send('\x03')
    _end(k, 0)


def test_exit_pin_wrong_stays_right_ends(kiosk, tmp_path):
    pin = tmp_path / 'pin'
    pin.write_text('4321\n')
    os.chmod(pin, 0o600)
    k = kiosk(args=['--kiosk', '--exit-pin-file', str(pin)])
    k.quiet(0.1)
    k.send('\x1d\x1d')
    time.sleep(0.3)
    assert not k.contains(T('PIN to end the kiosk:', 'nl')), 'two Ctrl-] already ask for the PIN'
    k.send('\x1d')
    k.wait_for(T('PIN to end the kiosk:', 'nl'))
    k.quiet(0.1)
    k.send('1111')
    k.wait_for('[****')
    assert not k.contains('1111'), 'the PIN is shown as typed:\n' + k.dump()
    k.send('\r')
    k.wait_for(T('That is not the right PIN.', 'nl'))
    time.sleep(0.3)
    assert alive(k.proc), 'a wrong PIN ended the kiosk'
    k.quiet(0.1)
    k.send('\x1d\x1d\x1d')
    k.wait_for(T('PIN to end the kiosk:', 'nl'))
    k.quiet(0.1)
    k.send('4321')
    k.wait_for('[****')
    k.send('\r')
    _end(k, 0)
    data = raw(k)
    assert data.rfind(b'\x1b[?1049l') > data.rfind(b'\x1b[?1049h'), 'the alternate screen was not left'


def test_pin_file_readable_by_others_is_refused(kiosk, tmp_path):
    pin = tmp_path / 'pin'
    pin.write_text('4321\n')
    os.chmod(pin, 0o644)
    k = kiosk(args=['--kiosk', '--exit-pin-file', str(pin)], wait=False)
    _end(k, 1)
    assert '0600' in k.stderr(), k.stderr()


# --------------------------------------------------------------------------
# Signals from elsewhere end it cleanly and give the terminal back.

@pytest.mark.parametrize('kiosk_mode', [False, True], ids=['normal', 'kiosk'])
@pytest.mark.parametrize('sig', [signal.SIGTERM, signal.SIGHUP], ids=['SIGTERM', 'SIGHUP'])
def test_signal_restores_the_terminal(kiosk, forms, sig, kiosk_mode):
    k = kiosk(args=['--kiosk'] if kiosk_mode else [])
    to_form(k, forms, 'en')
    k.send('Anna Secret')
    k.wait_for('[Anna Secret')
    k.quiet(0.3)
    running = termios.tcgetattr(k.master)[3]
    assert not running & termios.ICANON and not running & termios.ECHO, 'the kiosk did not set up the terminal'
    k.proc.send_signal(sig)
    modes = []
    _end(k, 0, last=lambda k_: modes.append(termios.tcgetattr(k_.master)[3]))
    data = raw(k)
    tail = data[data.rfind(b'[Anna Secret') if b'[Anna Secret' in data else 0:]
    rmcup = data.rfind(b'\x1b[?1049l')
    assert rmcup >= 0 and rmcup > data.rfind(b'\x1b[?1049h'), 'the alternate screen was not left: %r' % data[-200:]
    show = max(data.rfind(b'\x1b[?25h'), data.rfind(b'\x1b[?12l\x1b[?25h'))
    assert show > data.rfind(b'\x1b[?25l'), 'the cursor was left hidden: %r' % data[-200:]
    mouse_on, mouse_off = data.rfind(b'1000h'), data.rfind(b'1000l')
    assert mouse_on < 0 or mouse_off > mouse_on, 'mouse reports were left on: %r' % data[-200:]
    assert b'\x1b[H\x1b[J' in tail or b'\x1b[2J' in tail, 'the screen with the answers was not wiped before the end'
    assert not any('Anna Secret' in l for l in k.text()), 'the answers are still on the screen:\n' + k.dump()
    lflag = modes[0]
    assert lflag & termios.ICANON and lflag & termios.ECHO, 'the terminal modes were not restored'


def _wait(proc, timeout):
    """The exit status, or None when still running after timeout."""
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return None


def test_sigterm_while_line_mode_prints_ends_it(tmp_path, forms_dir):
    """A SIGTERM (or the SIGHUP of a dropped link) that arrives while line
    mode prints a screen still ends it: it must not wait for the next line
    of input. Tried up to 20 times; a clean end takes milliseconds."""
    db = str(tmp_path / 'zk.db')
    for trial in range(20):
        s = LineSession(['--db', db, '--forms', forms_dir], env=base_env(TERM='dumb'),
                        stderr_path=str(tmp_path / 'err'))
        try:
            s.first_screen()
            pos = len(s.output())
            s.send('2')
            s.wait(lambda: b'== ' in bytes(s.out[pos:]), 'no menu after "2"')
            s.proc.send_signal(signal.SIGTERM)
            status = _wait(s.proc, 1.5)
            if status is None:
                printed = s.output()[pos:].endswith(b'> ')
                s.send('')
                after_line = _wait(s.proc, 1.5)
                pytest.fail('try %d: SIGTERM sent while line mode printed the menu was ignored: still running '
                            '1.5 s later (%s); %s' % (
                                trial + 1, 'the menu and prompt were printed completely' if printed else
                                'output stopped', 'it ended only when a line was typed next' if after_line
                                is not None else 'a line typed next did not end it either'))
            assert status == 0, 'status %s after SIGTERM: %s' % (status, s.stderr())
        finally:
            s.kill()


# --------------------------------------------------------------------------
# Random keys.

def _random_stream(seed, n=3000):
    r = random.Random(seed)
    seqs = ['\x1b[A', '\x1b[B', '\x1b[C', '\x1b[D', '\x1bOA', '\x1bOB', '\x1bOC', '\x1bOD', '\x1b[H', '\x1b[F',
            '\x1b[1~', '\x1b[2~', '\x1b[3~', '\x1b[4~', '\x1b[5~', '\x1b[6~', '\x1b[Z', '\x1bOP', '\x1bOQ',
            '\x1bOR', '\x1bOS', '\x1b[15~', '\x1b[17~', '\x1b[18~', '\x1b[19~', '\x1b[20~', '\x1b[21~',
            '\x1b[23~', '\x1b[24~', '\x1b[11~', '\x1b[12~', '\x1b[[A', '\x1b[[B', '\x1b[1;5A', '\x1b[1;2B',
            '\x1b[200~', '\x1b[201~', '\x1b[', '\x1bO', '\x1b[1;', '\x1bx', '\x1b\x1b', '\x1b[999999999~',
            '\x1b[?1049h', '\x1b]0;title\x07']
    utf8 = ['\u00e9', '\u4e2d', '\U0001F600', 'e\u0301', '\u200b', '\u202e', '\ufeff', '\u00a0', '\uffff']
    bad = [b'\xff', b'\xfe', b'\xc3', b'\xed\xa0\x80', b'\xf4\x90\x80\x80', b'\xc0\xaf', b'\x80', b'\xe2\x82']
    out = []
    for _ in range(n):
        c = r.random()
        if c < 0.30:
            out.append(bytes([r.randint(32, 126)]))
        elif c < 0.40:
            out.append(bytes([r.choice(list(range(0, 32)) + [127])]))
        elif c < 0.62:
            out.append(r.choice(seqs).encode())
        elif c < 0.70:
            out.append(r.choice(utf8).encode())
        elif c < 0.78:
            out.append(r.choice(bad))
        elif c < 0.88:
            out.append(b'\x1b[M' + bytes([32 + r.choice([0, 1, 2, 3, 32, 64, 65]), 33 + r.randint(0, 222),
                                          33 + r.randint(0, 222)]))
        else:
            out.append(('\x1b[<%d;%d;%d%s' % (r.choice([0, 1, 2, 3, 32, 35, 64, 65]), r.randint(0, 300),
                                              r.randint(0, 300), r.choice('Mm'))).encode())
    return out


@pytest.mark.parametrize('seed', [1, 2, 3])
def test_random_key_stream_does_no_harm(kiosk, forms, seed):
    k = kiosk(args=['--kiosk'])
    r = random.Random(seed * 1000)
    stream = _random_stream(seed)
    i = 0
    while i < len(stream):
        n = r.randint(1, 80)
        k.send(b''.join(stream[i:i + n]))
        i += n
        time.sleep(r.choice([0, 0, 0.002, 0.01, 0.03]))
        if k.proc.poll() is not None:
            break
    time.sleep(0.5)
    k.quiet(0.3, timeout=5)
    assert alive(k.proc), 'the kiosk ended or stopped during random keys (status %s, state %s)\n%s' % (
        k.proc.poll(), proc_state(k.proc), k.stderr()[-4000:])
    assert not k.sanitizer_report(), k.sanitizer_report()[-6000:]
    # Still responsive: F2 changes the language of the key bar.
    bar = key_bar(k)
    k.send(F2)
    k.wait_until(lambda: key_bar(k) != bar, 'F2 changed nothing after the random keys (seed %d)' % seed, timeout=3)
    # And Esc leads back to the welcome, where English can be chosen.
    for _ in range(10):
        if k.contains('1  Nederlands') and k.contains('2  English'):
            break
        k.send(ESC)
        time.sleep(ESC_DELAY)
        k.quiet(0.05)
    k.wait_for('1  Nederlands', '2  English', timeout=2)
    k.quiet(0.1)
    k.send('2')
    k.wait_for(forms.menu_title('en'), timeout=3)


# --------------------------------------------------------------------------
# A pasted megabyte.

def test_paste_a_megabyte_into_the_name_stops_at_the_limit(kiosk, forms):
    k = kiosk()
    to_form(k, forms, 'nl')
    limit = forms.field('name')['max']
    blob = (b'0123456789' * 104858)[:1 << 20]
    done = threading.Event()
    err = []

    def paste():
        try:
            view = memoryview(blob)
            while view:
                view = view[os.write(k.master, view):]
        except OSError as e:
            err.append(e)
        done.set()
    t0 = time.monotonic()
    threading.Thread(target=paste, daemon=True).start()
    assert done.wait(60), 'the kiosk had not read a 1 MB paste after 60 s'
    took = time.monotonic() - t0
    assert not err, err
    t1 = time.monotonic()
    notice = T('This answer can have at most %d characters.', 'nl') % limit
    k.wait_for(notice, timeout=5)
    before = focus_rows(k)
    k.send(TAB)
    k.wait_until(lambda: focus_rows(k) != before, 'Tab did nothing after the paste', timeout=5)
    react = time.monotonic() - t1
    assert react < 5, 'the kiosk took %.1f s to react after the paste' % react
    line = [l for l in k.text() if '[0123' in l]
    assert line, k.dump()
    shown = line[0].split('[', 1)[1].split(']', 1)[0].strip()
    assert len(shown) <= limit, 'the field shows %d characters, more than its %d' % (len(shown), limit)
    fill_and_review(k, forms, 'nl', {'phone': '06 12345678'}, start=1)
    ref = send_and_ref(k, 'nl')
    row, ans = db_intake(k.db_path, ref)
    assert ans.get('name') == blob[:limit].decode(), 'stored name has %d characters: %r' % (
        len(ans.get('name', '')), ans.get('name', '')[:100])
    print('1 MB paste read in %.1f s; reacted %.2f s later' % (took, react))


# --------------------------------------------------------------------------
# SIGKILL at any moment: a shown reference is always stored.

RUNS = 300


def test_sigkill_after_send_never_loses_a_shown_reference(tmp_path, forms_dir, forms):
    db = str(tmp_path / 'zk.db')
    env = base_env(TERM='dumb', ASAN_OPTIONS='detect_leaks=0:abort_on_error=0')
    script, send = submit_script(forms_dir, forms, 'en', str(tmp_path / 'script.db'), env=env)
    _zorgkiosk_db(db, forms_dir)  # created once: see test_kiosks_starting_together_on_a_new_database
    review_marker = T('Change my answers', 'en').encode()
    rng = random.Random(20240601)
    # Sending runs in a child process (store_submit): allow for it under load.
    delays = [rng.uniform(0, 0.6) if i % 2 else rng.uniform(0, 0.012) for i in range(RUNS)]
    shown, failures = [], []
    lock = threading.Lock()

    def one(i):
        s = LineSession(['--db', db, '--forms', forms_dir, '--plain'], env=env, use_pty=False,
                        stderr_path=str(tmp_path / ('err-%d' % (i % 8))))
        try:
            os.write(s.wfd, ('\n'.join(script) + '\n').encode())
            s.wait(lambda: review_marker in bytes(s.out) and bytes(s.out).endswith(b'> '),
                   'no review in run %d' % i, timeout=20)
            s.send(send)
            time.sleep(delays[i])
        except AssertionError as e:
            with lock:
                failures.append(str(e)[-1500:])
        finally:
            s.kill()
        refs = REF_RE.findall(s.text())
        with lock:
            shown.extend(refs)
        err = s.stderr()
        if sanitizer(err) or 'zorgkiosk:' in err:
            with lock:
                failures.append('run %d stderr:\n%s' % (i, err[-2000:]))
    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as ex:
        list(ex.map(one, range(RUNS)))
    took = time.monotonic() - t0
    assert not failures, '\n\n'.join(failures[:5])
    assert integrity(db) == [('ok',)], integrity(db)
    assert len(shown) == len(set(shown)), 'a reference was shown twice: %r' % [
        r for r in set(shown) if shown.count(r) > 1]
    stored = {r for (r,) in db_rows(db, 'SELECT ref FROM intake')}
    missing = sorted(set(shown) - stored)
    assert not missing, '%d of %d shown references are not in the database: %r' % (len(missing), len(shown), missing[:10])
    # One transaction per request: no intake without its answers.
    half = db_rows(db, "SELECT ref FROM intake WHERE id NOT IN (SELECT intake_id FROM answer WHERE field = 'name')")
    assert not half, 'intakes stored without their answers: %r' % half
    assert shown, 'no run got as far as showing a reference: the kill timing is off'
    # The database still opens and takes the next request.
    s = LineSession(['--db', db, '--forms', forms_dir, '--plain'], env=env, use_pty=False)
    try:
        os.write(s.wfd, ('\n'.join(script + [send]) + '\n').encode())
        s.wait(lambda: REF_RE.search(s.text()), 'no reference after the kills', timeout=20)
    finally:
        s.finish()
    last = REF_RE.search(s.text()).group(0)
    assert last not in shown, 'the next request got a reference already shown: %s' % last
    print('%d runs in %.1f s; %d references shown, %d stored' % (RUNS, took, len(shown), len(stored)))


def test_kiosks_starting_together_on_a_new_database_all_start(tmp_path, forms_dir):
    """Six kiosks started at the same moment on a database that does not
    exist yet (a fresh install: tty1 and an SSH session): all start."""
    failures = []
    for trial in range(4):
        db = str(tmp_path / ('new-%d' % trial) / 'zk.db')
        argv, env = zkharness.site_args([BIN, '--db', db, '--forms', forms_dir, '--plain'], base_env(TERM='dumb'))
        procs = [subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  env=env)
                 for _ in range(6)]
        for p in procs:
            err = p.communicate(timeout=30)[1].decode('utf-8', 'replace')
            if p.returncode != 0:
                failures.append('trial %d: status %d: %s' % (trial, p.returncode, err.strip()))
        assert integrity(db) == [('ok',)]
    assert not failures, '%d of 24 kiosks did not start on a new database:\n%s' % (len(failures),
                                                                                 '\n'.join(failures[:4]))


# --------------------------------------------------------------------------
# A dropped link: a draft outside kiosk mode, nothing in kiosk mode.

def test_sighup_in_the_form_keeps_a_draft_offered_at_the_next_start(kiosk, forms):
    k = kiosk()
    to_form(k, forms, 'nl')
    k.send('Draft Tester')
    k.wait_for('[Draft Tester')
    # Kept only with consent, ticked above the first question.
    keep = T('Keep what you typed for one day if the connection drops?', 'nl')
    k.quiet(0.1)
    k.send(BTAB)
    k.wait_for('[ ] ' + keep)
    k.quiet(0.1)
    k.send(' ')
    k.wait_for('[x] ' + keep)
    k.quiet(0.3)
    k.proc.send_signal(signal.SIGHUP)
    _end(k, 0)
    drafts = db_rows(k.db_path, 'SELECT login, ui_lang FROM draft')
    assert len(drafts) == 1, 'no draft kept after SIGHUP: %r' % drafts
    ans = dict(db_rows(k.db_path, 'SELECT field, value FROM draft_answer'))
    assert ans.get('name') == 'Draft Tester', ans
    k2 = kiosk(wait=False)
    k2.wait_for(T('Welcome back', 'nl'), '1  ' + T('Continue with my answers', 'nl'), timeout=20)
    k2.quiet(0.1)
    k2.send('1')
    wait_form(k2, forms, 'nl')
    k2.wait_for('[Draft Tester')
    assert db_rows(k2.db_path, 'SELECT count(*) FROM draft')[0][0] == 0, 'the draft was offered but kept'


def test_sighup_in_kiosk_mode_keeps_nothing(kiosk, forms):
    k = kiosk(args=['--kiosk'])
    to_form(k, forms, 'nl')
    k.send('Draft Tester')
    k.wait_for('[Draft Tester')
    k.quiet(0.3)
    k.proc.send_signal(signal.SIGHUP)
    _end(k, 0)
    assert db_rows(k.db_path, 'SELECT count(*) FROM draft')[0][0] == 0, 'kiosk mode kept a draft'
    assert db_rows(k.db_path, 'SELECT count(*) FROM draft_answer')[0][0] == 0, 'kiosk mode kept draft answers'
    k2 = kiosk()
    k2.quiet(0.2)
    assert not k2.contains(T('Welcome back', 'nl')), k2.dump()


# --------------------------------------------------------------------------
# A locked database.

def test_locked_database_keeps_the_answers_and_send_again_stores_once(kiosk, forms):
    """Another program holds the database longer than the busy timeout
    while the caregiver sends: the kiosk says so (in view, without
    scrolling), keeps the answers on screen, shows no reference; "Send"
    again after the lock is gone stores the request once."""
    k = kiosk()
    to_form(k, forms, 'nl')
    fill_and_review(k, forms, 'nl', {'name': 'Lock Tester', 'phone': '06 12345678'})
    busy = T(STORE_MSGIDS[0], 'nl')
    problems = []
    con = sqlite3.connect(k.db_path, isolation_level=None, timeout=1)
    try:
        con.execute('BEGIN EXCLUSIVE')
        t0 = time.monotonic()
        k.send('1')
        k.wait_for('1  ' + T('Try sending again', 'nl'), timeout=15)
        waited = time.monotonic() - t0
        assert waited >= 4, 'the kiosk gave up after %.1f s, before the 5 s busy timeout' % waited
        k.quiet(0.1)
        screen = '\n'.join(k.text())
        assert not REF_RE.search(screen), 'a reference is shown while nothing could be stored:\n' + screen
        assert k.contains('Lock Tester'), 'the answers are gone from the screen:\n' + k.dump()
        assert db_rows(k.db_path, 'SELECT count(*) FROM intake')[0][0] == 0
        if not k.contains(busy[:45]):
            shown = k.dump()
            for _ in range(3):
                k.send('\x1b[5~')  # Page Up
                time.sleep(0.2)
            above = shows(k, busy[:45], timeout=1)
            problems.append('after the failed "Send" the message %r is not in view at 80x24 (%s); the screen '
                            'only offers "%s":\n%s' % (busy, 'it is above, scrolled out of view' if above else
                                                       'not even above', T('Try sending again', 'nl'), shown))
            k.send('\x1b[6~\x1b[6~\x1b[6~')
            k.wait_for('1  ' + T('Try sending again', 'nl'))
            k.quiet(0.1)
    finally:
        con.execute('ROLLBACK')
        con.close()
    k.send('1')
    ref = k.wait_match(REF_RE.pattern, timeout=10).group(0)
    rows = db_rows(k.db_path, 'SELECT ref FROM intake')
    assert rows == [(ref,)], 'after "Send" again: %r (want exactly %s)' % (rows, ref)
    row, ans = db_intake(k.db_path, ref)
    assert ans.get('name') == 'Lock Tester'
    assert not problems, problems[0]


# --------------------------------------------------------------------------
# A file that is not ours, or damaged.

def _zorgkiosk_db(path, forms_dir):
    s = LineSession(['--db', path, '--forms', forms_dir, '--plain'], env=base_env(TERM='dumb'), use_pty=False)
    s.first_screen()
    s.finish()


@pytest.mark.parametrize('kind', ['random', 'foreign', 'damaged', 'newer'])
def test_foreign_or_damaged_database_is_refused_and_unchanged(kiosk, tmp_path, forms_dir, kind):
    db = tmp_path / 'data' / 'zk.db'
    db.parent.mkdir()
    if kind == 'random':
        db.write_bytes(random.Random(7).randbytes(16384))
    elif kind == 'foreign':
        con = sqlite3.connect(str(db))
        con.execute('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)')
        con.executemany('INSERT INTO notes (text) VALUES (?)', [('note %d' % i,) for i in range(50)])
        con.commit()
        con.close()
    elif kind == 'damaged':
        _zorgkiosk_db(str(db), forms_dir)
        con = sqlite3.connect(str(db))
        con.execute('PRAGMA wal_checkpoint(TRUNCATE)')
        con.execute('PRAGMA journal_mode = DELETE')
        con.close()
        data = bytearray(db.read_bytes())
        data[100:4096] = random.Random(3).randbytes(3996)
        db.write_bytes(bytes(data))
    else:
        _zorgkiosk_db(str(db), forms_dir)
        con = sqlite3.connect(str(db))
        con.execute('PRAGMA user_version = 99')
        con.execute('PRAGMA wal_checkpoint(TRUNCATE)')
        con.execute('PRAGMA journal_mode = DELETE')
        con.close()
    before = db.read_bytes()
    files = sorted(os.listdir(db.parent))
    k = kiosk(db=str(db), wait=False)
    _end(k, 1, timeout=20)
    # At start the message is for the administrator (main.c open_reason).
    msg = {'newer': 'it was made by a newer version of zorgkiosk',
           'damaged': 'it is damaged (it was not changed); restore it from a backup'}.get(
        kind, 'it is damaged or is not a zorgkiosk database; it was not changed')
    err = k.stderr()
    assert T(msg, 'nl') in err or T(msg, 'en') in err, 'no clear message; stderr:\n' + err
    assert hashlib.sha256(db.read_bytes()).hexdigest() == hashlib.sha256(before).hexdigest(), \
        'the %s database file was changed' % kind
    assert sorted(os.listdir(db.parent)) == files, 'files appeared next to it: %r' % sorted(os.listdir(db.parent))


# --------------------------------------------------------------------------
# Eight kiosks at once, with staff at work.

SESSIONS = 8
SECONDS = 20


def begin_write(con, seconds=10):
    """BEGIN IMMEDIATE, tried again in the short steps of zorgkiosk's store
    (0.5 ms growing to 8 ms). SQLite's own wait, as Python's sqlite3 sets
    it, sleeps up to 100 ms at a time and can miss every moment the lock is
    free while eight kiosks take turns; the staff terminal waits like them."""
    waited, step = 0.0, 0.0005
    con.execute('PRAGMA busy_timeout = 0')
    try:
        while True:
            try:
                con.execute('BEGIN IMMEDIATE')
                return
            except sqlite3.OperationalError as e:
                if 'locked' not in str(e) or waited >= seconds:
                    raise
            time.sleep(step)
            waited += step
            step = min(step + 0.0005, 0.008)
    finally:
        con.execute('PRAGMA busy_timeout = 10000')


def test_eight_sessions_and_staff_at_once(tmp_path, forms_dir, forms):
    db = str(tmp_path / 'zk.db')
    env = base_env(TERM='dumb', ASAN_OPTIONS='detect_leaks=0:abort_on_error=0')
    scripts = {lang: submit_script(forms_dir, forms, lang, str(tmp_path / ('s-%s.db' % lang)), env=env)
               for lang in ('nl', 'en')}
    # Create the database first, as the kiosk account would.
    _zorgkiosk_db(db, forms_dir)
    deadline = time.monotonic() + SECONDS
    results = [[] for _ in range(SESSIONS)]
    outputs = [b''] * SESSIONS
    failures = []
    staff_stats = {'updates': 0, 'exports': 0}
    stop = threading.Event()

    def session(i):
        lang = 'nl' if i % 2 else 'en'
        script, send = scripts[lang]
        s = LineSession(['--db', db, '--forms', forms_dir, '--plain'], env=env, use_pty=False,
                        stderr_path=str(tmp_path / ('err-%d' % i)))
        try:
            while time.monotonic() < deadline:
                pos = len(s.output())
                os.write(s.wfd, ('\n'.join(script + [send]) + '\n').encode())
                s.wait(lambda: REF_RE.search(bytes(s.out[pos:]).decode('utf-8', 'replace')) is not None
                       and bytes(s.out).endswith(b'> '), 'session %d: no reference' % i, timeout=30)
                results[i].append(REF_RE.search(s.text(pos)).group(0))
                s.cmd('1')  # Finish: back to the welcome
        except AssertionError as e:
            failures.append(str(e)[-2000:])
        finally:
            status = s.finish()
            outputs[i] = s.output()
            if status != 0 or sanitizer(s.stderr()):
                failures.append('session %d ended with %s:\n%s' % (i, status, s.stderr()[-2000:]))

    def staff():
        r = random.Random(5)
        con = sqlite3.connect(db, timeout=10, isolation_level=None)
        last_export = 0
        try:
            while not stop.is_set():
                ids = [x for (x,) in con.execute('SELECT id FROM intake ORDER BY random() LIMIT 3')]
                for iid in ids:
                    new = r.choice(['contacted', 'referred', 'closed', 'unreachable', 'new'])
                    begin_write(con)
                    old = con.execute('SELECT status FROM intake WHERE id = ?', (iid,)).fetchone()[0]
                    con.execute('UPDATE intake SET status = ?, version = version + 1 WHERE id = ?', (new, iid))
                    con.execute("INSERT INTO event (intake_id, at, staff, old_status, new_status) "
                                "VALUES (?, strftime('%Y-%m-%dT%H:%M:%SZ','now'), 'tester', ?, ?)", (iid, old, new))
                    con.execute('COMMIT')
                    staff_stats['updates'] += 1
                if time.monotonic() - last_export > 1:
                    last_export = time.monotonic()
                    argv, export_env = zkharness.site_args(
                        [BIN, 'export', '--db', db, '--format', 'csv', '--staff-users', _login()], env)
                    p = subprocess.run(argv, env=export_env, capture_output=True, timeout=30)
                    if p.returncode != 0:
                        failures.append('export failed (%d): %s' % (p.returncode, p.stderr[-1000:]))
                    staff_stats['exports'] += 1
                time.sleep(0.01)
        except Exception as e:  # noqa: BLE001 - reported as a failure
            failures.append('staff: %r' % e)
        finally:
            con.close()

    st = threading.Thread(target=staff, daemon=True)
    st.start()
    with concurrent.futures.ThreadPoolExecutor(max_workers=SESSIONS) as ex:
        list(ex.map(session, range(SESSIONS)))
    stop.set()
    st.join(timeout=30)
    assert not failures, '\n\n'.join(failures[:5])
    msgs = store_messages()
    hints = {T('Type your answer and press Enter. A single - makes it empty.', l) for l in ('nl', 'en')}
    for i, out in enumerate(outputs):
        text = out.decode('utf-8', 'replace')
        seen = [m for m in msgs if m in text]
        assert not seen, 'session %d showed: %r' % (i, seen)
        notices = {l[2:] for l in text.splitlines() if l.startswith('! ')} - hints
        assert not notices, 'session %d showed messages: %r' % (i, sorted(notices)[:5])
    shown = [r for rs in results for r in rs]
    assert len(shown) >= SESSIONS, 'hardly any requests were made: %d' % len(shown)
    assert len(shown) == len(set(shown)), 'two sessions were shown the same reference: %r' % sorted(
        r for r in set(shown) if shown.count(r) > 1)[:10]
    stored = {r for (r,) in db_rows(db, 'SELECT ref FROM intake')}
    missing = sorted(set(shown) - stored)
    assert not missing, 'shown but not stored: %r' % missing[:10]
    assert len(stored) == len(shown), '%d stored, %d shown' % (len(stored), len(shown))
    assert integrity(db) == [('ok',)]
    assert staff_stats['updates'] > 0 and staff_stats['exports'] > 0, staff_stats
    print('%d requests by %d sessions in %d s; %d status changes, %d exports'
          % (len(shown), SESSIONS, SECONDS, staff_stats['updates'], staff_stats['exports']))


def _login():
    import pwd
    return pwd.getpwuid(os.getuid()).pw_name
