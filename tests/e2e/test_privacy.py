"""Nothing of one visitor reaches the next: leaving for the welcome wipes
what was typed, a topic ticked by opening the form does not stay ticked,
line mode in kiosk mode holds like the full-screen kiosk, no copy of the
answers stays in the process's memory (read through /proc/PID/mem), and a
dropped remote link keeps a draft only with consent."""
import os
import secrets
import signal
import time

import pyte

import zkharness
from rawpty import alive, field_num, fill_and_review, item_num, line_walk, send_and_ref, to_form
from steps import choose_language, field_value, fill_form, open_form_from_page, open_menu_item
from zkharness import BTAB, SPACE, TAB, UP, T, db_rows

IDLE = 10  # the smallest --idle the kiosk accepts

# The builds whose memory is read: the one under test (with ASan, whose
# quarantine keeps freed blocks) and, when it is there, the release build
# compiled with the test hook only (glibc's allocator, which hands freed
# blocks out again; `make e2e` builds it).
RELEASE = os.path.join(zkharness.ROOT, 'build', 'zorgkiosk-release-test')
BUILDS = [None] + ([RELEASE] if os.access(RELEASE, os.X_OK) else [])


def build_name(binary):
    return os.path.basename(binary or zkharness.BIN)

ASAN_SHADOW = (0x7fff7000, 0x10007fff8000)


def marker():
    """A name no program holds by chance."""
    return 'Zq' + secrets.token_hex(10)


def memory_copies(pid, text):
    """Where the process holds text, as UTF-8 or as wide characters
    (UTF-32LE, as ncurses and wchar_t keep them): a list of (address,
    mapping, encoding). The first characters are left out of the search:
    a freed block may have them overwritten by the allocator's bookkeeping,
    while the rest of the copy is still there."""
    tail = text[4:]
    pats = [('utf-8', tail.encode('utf-8')), ('utf-32', tail.encode('utf-32-le'))]
    found = []
    with open('/proc/%d/maps' % pid) as f:
        maps = f.read().splitlines()
    with open('/proc/%d/mem' % pid, 'rb', buffering=0) as mem:
        for line in maps:
            parts = line.split(None, 5)
            lo, hi = (int(x, 16) for x in parts[0].split('-'))
            name = parts[5] if len(parts) > 5 else ''
            # Unreadable, the kernel's own pages, and ASan's shadow memory
            # (x86-64: from 0x7fff7000 to 0x10007fff8000), which holds only
            # shadow bytes, never data.
            if parts[1][0] != 'r' or name.startswith('[v') or hi - lo > (1 << 32) or \
                    (not name and lo >= ASAN_SHADOW[0] and hi <= ASAN_SHADOW[1]):
                continue
            data = read_memory(mem, lo, hi)
            for enc, p in pats:
                i = data.find(p)
                while i >= 0:
                    found.append((hex(lo + i), name, enc))
                    i = data.find(p, i + 1)
    return found


def read_memory(mem, lo, hi, chunk=1 << 20):
    """The bytes from lo to hi of /proc/PID/mem; a page that cannot be read
    reads as zeros (so one bad page does not hide the rest)."""
    out = bytearray()
    at = lo
    while at < hi:
        n = min(chunk, hi - at)
        try:
            mem.seek(at)
            data = mem.read(n)
        except OSError:
            data = b''
        if len(data) < n and n > 4096:
            chunk = 4096  # find the page that failed
            continue
        out += data + bytes(n - len(data))
        at += n
    return bytes(out)


def with_children(pid):
    """pid and its child processes (the kiosk's writer, which stores the
    requests and so held the answers too)."""
    try:
        with open('/proc/%d/task/%d/children' % (pid, pid)) as f:
            return [pid] + [int(c) for c in f.read().split()]
    except OSError:
        return [pid]


def assert_no_copies(pid, text, when):
    found = [('kiosk' if p == pid else 'writer',) + f for p in with_children(pid) for f in memory_copies(p, text)]
    assert not found, '%d copies of the typed answer %r remain in the kiosk or its writer %s:\n%s' % (
        len(found), text, when, '\n'.join('  %s: %s %s %s' % f for f in found[:20]))


def options_ticked(k, forms, lang):
    """Page id -> ticked, for the topics in the form (focus on field 0)."""
    opt = [f['id'] for f in forms.fields if f['type'] == 'options'][0]
    return fill_form(k, forms, lang, {opt: 'read'}, submit=False)


def back_to(k, text):
    k.esc()
    k.wait_for(text)
    k.quiet(0.05)


# --------------------------------------------------------------------------
# Leaving for the welcome wipes at once.

def test_esc_to_the_welcome_wipes_the_form_at_once(kiosk, forms):
    lang = 'en'
    k = kiosk()
    to_form(k, forms, lang)
    name = marker()
    k.press(name)
    k.wait_for('[' + name)
    back_to(k, T('Back to the menu', lang))
    back_to(k, T('Back to the choice of language', lang))
    back_to(k, '1  Nederlands')
    # The next person, at once (the idle time is two minutes).
    choose_language(k, forms, lang)
    open_menu_item(k, forms, 'respite_light', lang)
    open_form_from_page(k, forms, 'respite_light', lang)
    assert field_value(k, forms, 'name', lang) == '', \
        'the next visitor sees the name typed before Esc to the welcome:\n' + k.dump()
    assert name not in '\n'.join(k.text())


# --------------------------------------------------------------------------
# A topic ticked by opening the form does not stay ticked.

def test_backing_out_of_request_contact_unticks_its_topic(kiosk, forms):
    lang = 'en'
    pages = [p['id'] for p in forms.request_pages()]
    first, other = 'respite_light', [p for p in pages if p != 'respite_light'][0]
    k = kiosk()
    to_form(k, forms, lang)
    assert options_ticked(k, forms, lang)[first], 'opening the form from the page did not tick it'
    # Back out of the form, to the page and the menu; open another page's form.
    back_to(k, T('Back to the menu', lang))
    back_to(k, T('Back to the choice of language', lang))
    open_menu_item(k, forms, other, lang)
    open_form_from_page(k, forms, other, lang)
    ticked = options_ticked(k, forms, lang)
    assert ticked[other], 'the form opened from %s does not tick it: %r' % (other, ticked)
    assert not ticked[first], ('%s stays ticked after backing out of the form it was ticked by: %r'
                               % (first, ticked))
    # What the visitor ticks themselves stays: tick the first again, back out.
    k.focus_to(forms.pages[first]['title'][lang], key=UP)
    k.press(SPACE)
    assert k.focused().startswith('[x]'), k.focused()
    back_to(k, T('Back to the menu', lang))
    back_to(k, T('Back to the choice of language', lang))
    open_menu_item(k, forms, first, lang)
    open_form_from_page(k, forms, first, lang)
    ticked = options_ticked(k, forms, lang)
    assert ticked[first], ticked
    assert not ticked[other], 'a topic only the form ticked stayed: %r' % ticked


# --------------------------------------------------------------------------
# Line mode in kiosk mode holds like the full-screen kiosk.

def test_line_mode_kiosk_ignores_ctrl_d_and_ends_only_with_the_pin(line_kiosk, forms, tmp_path):
    pin = tmp_path / 'pin'
    pin.write_text('4321\n')
    os.chmod(pin, 0o600)
    s = line_kiosk(args=['--kiosk', '--exit-pin-file', str(pin)])
    s.first_screen()
    for ctrl in (b'\x04', b'\x04\x04', b'\x03', b'\x1a', b'\x1c'):
        os.write(s.wfd, ctrl)
        time.sleep(0.3)
        assert alive(s.proc), '%r ended line mode in kiosk mode (status %s)' % (ctrl, s.proc.poll())
    out = s.cmd('2')
    assert forms.menu_title('en') in out, out
    # A wrong PIN does nothing; the right one ends it, and is never shown.
    ask = T('PIN to end the kiosk:', 'en')
    start = len(s.output())
    s.send('\x1d\x1d\x1d')
    s.wait_text(ask, start)
    start = len(s.output())
    s.send('1111')
    s.wait_text(T('That is not the right PIN.', 'en'), start)
    assert alive(s.proc)
    start = len(s.output())
    s.send('\x1d\x1d\x1d')
    s.wait_text(ask, start)
    s.send('4321')
    deadline = time.monotonic() + 5
    while s.proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert s.proc.poll() == 0, 'the right PIN did not end line mode: %s' % s.proc.poll()
    assert b'4321' not in s.output() and b'1111' not in s.output(), 'the PIN was echoed'


def line_screen(s):
    """What a 80x24 terminal shows after the line-mode output so far."""
    screen = pyte.Screen(80, 24)
    stream = pyte.ByteStream(screen)
    stream.feed(s.output().replace(b'\n', b'\r\n'))
    return '\n'.join(screen.display)


def to_line_form(s, forms, lang='en'):
    s.first_screen()
    s.cmd({'nl': '1', 'en': '2'}[lang])
    s.cmd(forms.menu_key('respite_light'))
    return s.cmd(forms.page_request_key('respite_light'))


def test_line_mode_kiosk_idle_wipe_leaves_nothing(line_kiosk, forms):
    """Typed and sent, typed and not sent: after the idle wipe neither is in
    memory, in the terminal's input queue, or on its screen. Both builds
    run side by side, so the idle time is waited for once."""
    runs = []
    for binary in BUILDS:
        s = line_kiosk(args=['--kiosk'], idle=IDLE, binary=binary)
        sent, unsent = marker(), marker()
        form = to_line_form(s, forms)
        s.cmd(field_num(form, forms.field_label('name', 'en')))
        out = s.cmd(sent)
        assert sent in out, out
        assert memory_copies(s.proc.pid, sent), '%s: the scan does not find the name in the form' % (
            build_name(binary))
        s.cmd(field_num(form, forms.field_label('phone', 'en')))
        start = len(s.output())
        os.write(s.wfd, unsent.encode())  # no Enter: it waits in the terminal
        runs.append((binary, s, sent, unsent, start))
    for binary, s, sent, unsent, start in runs:
        s.wait_text(forms.welcome_title('nl'), start, timeout=IDLE + 10)
        s.wait_prompt(start)
        s.quiet(0.3)
        assert_no_copies(s.proc.pid, sent, '%s: after the idle wipe' % build_name(binary))
        shown = line_screen(s)
        assert sent not in shown and unsent not in shown, \
            'the last visitor\'s lines are still on the terminal after the wipe:\n' + shown
        # The next visitor's first key arrives alone, not after the last one's.
        out = s.cmd('2')
        assert forms.menu_title('en') in out, 'after the wipe "2" did not open the menu:\n' + out
        assert unsent not in out


def test_line_mode_kiosk_submit_leaves_no_copy(line_kiosk, forms):
    for binary in BUILDS:
        s = line_kiosk(args=['--kiosk'], binary=binary)
        name = marker()
        seen = {}

        def check_scan(sess, review):
            seen['before'] = memory_copies(sess.proc.pid, name)
        ref, typed, screens = line_walk(s, forms, 'en', name=name, before_send=check_scan)
        assert seen['before'], 'the scan does not find the name on the review'
        out = s.cmd(item_num(screens[-1], T('Finish (the screen is wiped)', 'en')))
        assert forms.welcome_title('nl') in out, out
        s.quiet(0.3)
        assert len(with_children(s.proc.pid)) == 2, '%s: no writer process to scan' % build_name(binary)
        assert_no_copies(s.proc.pid, name, '%s: after sending and back at the welcome' % build_name(binary))
        assert name not in line_screen(s), line_screen(s)
        assert s.finish() == 0, s.stderr()


# --------------------------------------------------------------------------
# The full-screen kiosk: no copy after a confirmation or a wipe.

def test_full_screen_submit_leaves_no_copy(kiosk, forms):
    lang = 'en'
    for binary in BUILDS:
        k = kiosk(args=['--kiosk'], binary=binary)
        name, build = marker(), build_name(binary)
        to_form(k, forms, lang)
        fill_and_review(k, forms, lang, {'name': name, 'phone': '0612345678'})
        assert memory_copies(k.proc.pid, name), '%s: the scan does not find the name on the review' % build
        ref = send_and_ref(k, lang)
        k.quiet(0.3)
        assert len(with_children(k.proc.pid)) == 2, '%s: no writer process to scan' % build
        assert_no_copies(k.proc.pid, name, '%s: on the confirmation (%s)' % (build, ref))
        k.send('1')
        k.wait_for('1  Nederlands')
        k.quiet(0.3)
        assert_no_copies(k.proc.pid, name, '%s: after the confirmation, back at the welcome' % build)
        k.close()


def test_full_screen_idle_wipe_leaves_no_copy(kiosk, forms):
    lang = 'en'
    runs = []
    for binary in BUILDS:
        k = kiosk(args=['--kiosk'], idle=IDLE, binary=binary)
        name = marker()
        to_form(k, forms, lang)
        k.press(name)
        k.press(TAB)
        k.press('06 11122233')
        k.wait_for('[' + name)
        assert memory_copies(k.proc.pid, name), '%s: the scan does not find the name in the form' % (
            build_name(binary))
        runs.append((binary, k, name))
    for binary, k, name in runs:
        k.wait_for('1  Nederlands', timeout=IDLE + 10)
        k.quiet(0.3)
        assert_no_copies(k.proc.pid, name, '%s: after the idle wipe' % build_name(binary))


# --------------------------------------------------------------------------
# A dropped remote link keeps a draft only with consent.

KEEP = 'Keep what you typed for one day if the connection drops?'


def _hang_up(k):
    k.quiet(0.3)
    k.proc.send_signal(signal.SIGHUP)
    k.proc.wait(timeout=10)
    k.close(check=False)


def test_a_dropped_link_keeps_nothing_without_consent(kiosk, forms):
    lang = 'en'
    k = kiosk()
    to_form(k, forms, lang)
    k.wait_for('[ ] ' + T(KEEP, lang))
    k.press('Nobody Agreed')
    k.wait_for('[Nobody Agreed')
    _hang_up(k)
    assert db_rows(k.db_path, 'SELECT count(*) FROM draft_answer')[0][0] == 0, \
        'a draft was kept though nobody agreed to it'
    assert db_rows(k.db_path, 'SELECT count(*) FROM draft')[0][0] == 0


def test_a_dropped_link_keeps_the_draft_after_consent(kiosk, forms):
    lang = 'en'
    k = kiosk()
    to_form(k, forms, lang)
    k.press('Agreed Person')
    k.press(BTAB)  # from the first question up to the consent
    assert k.focused() == '[ ] ' + T(KEEP, lang), k.focused()
    k.press(SPACE)
    k.wait_for('[x] ' + T(KEEP, lang))
    _hang_up(k)
    ans = dict(db_rows(k.db_path, 'SELECT field, value FROM draft_answer'))
    assert ans.get('name') == 'Agreed Person', ans

    # A public kiosk keeps nothing, so it does not ask.
    k = kiosk(args=['--kiosk'])
    to_form(k, forms, lang)
    assert not k.contains(T(KEEP, lang)), 'a public kiosk offers to keep answers:\n' + k.dump()
