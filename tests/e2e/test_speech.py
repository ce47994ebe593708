"""The kiosk speaks: a real speech-dispatcher, started by this module on a
private socket with its dummy output module, receives what the kiosk says;
its log (level 5) gives the texts, in order.

The walks from the welcome to a sent request, its take-home page and that
page printed (on a private CUPS server with a PDF queue, see
test_takehome.py) are compared with golden transcripts in golden/ (ZK_UPDATE_GOLDEN=1 writes them anew: read the diff
before committing it). Reference numbers and the year are masked."""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unicodedata

import pytest

from steps import valid_answers, wait_form
from test_takehome import ON_ITS_WAY, PRINTED, Cups, printer_args
from zkharness import ENTER, SPACE, TAB, T, flat

SPEECHD = shutil.which('speech-dispatcher') or '/usr/bin/speech-dispatcher'
GOLDEN = os.path.join(os.path.dirname(__file__), 'golden')
F3, F4 = '\x1bOR', '\x1bOS'
DOWN = '\x1b[B'


class Speechd:
    """A private speech-dispatcher: its own config, socket and log."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='zk-speechd-')
        conf = os.path.join(self.dir, 'conf')
        os.makedirs(conf)
        with open(os.path.join(conf, 'speechd.conf'), 'w') as f:
            # The dummy module synthesises nothing; libao's null driver
            # (~/.libao) plays nothing: the log is what counts.
            f.write('LogLevel 5\nAudioOutputMethod "libao"\nAddModule "dummy" "sd_dummy" ""\n'
                    'DefaultModule dummy\nDefaultLanguage "nl"\n')
        with open(os.path.join(self.dir, '.libao'), 'w') as f:
            f.write('default_driver=null\n')
        self.sock = os.path.join(self.dir, 'sock')
        self.log = os.path.join(self.dir, 'log', 'speech-dispatcher.log')
        os.makedirs(os.path.dirname(self.log))
        env = dict(os.environ, HOME=self.dir)
        env.pop('SPEECHD_ADDRESS', None)
        self.proc = subprocess.Popen([SPEECHD, '-s', '-l', '5', '-L', os.path.dirname(self.log), '-C', conf,
                                      '-c', 'unix_socket', '-S', self.sock, '-t', '0'],
                                     env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not os.path.exists(self.sock):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError('speech-dispatcher did not start: %s' % self.tail())
            time.sleep(0.05)
        self.address = 'unix_socket:' + self.sock

    def tail(self):
        try:
            with open(self.log, errors='replace') as f:
                return f.read()[-3000:]
        except OSError:
            return ''

    def said(self):
        """Every text queued so far, in order."""
        try:
            with open(self.log, errors='replace') as f:
                return re.findall(r'Queueing message \|(.*)\| with priority', f.read())
        except OSError:
            return []

    def mark(self):
        return len(self.said())

    def since(self, mark, quiet=0.4, timeout=5):
        """The texts after mark, once nothing new came for quiet seconds."""
        deadline, last, seen = time.monotonic() + timeout, time.monotonic(), len(self.said())
        while time.monotonic() < deadline and time.monotonic() - last < quiet:
            time.sleep(0.05)
            n = len(self.said())
            if n != seen:
                seen, last = n, time.monotonic()
        return self.said()[mark:]

    def close(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope='module')
def speechd():
    if not os.access(SPEECHD, os.X_OK):
        pytest.fail('speech-dispatcher is not installed (scripts/install-deps.sh check installs it)')
    s = Speechd()
    yield s
    s.close()


@pytest.fixture(scope='module')
def cups():
    c = Cups()
    yield c
    c.close()


def speaking_kiosk(kiosk, speechd, mode='available', args=(), **kw):
    return kiosk(args=['--speech', mode] + list(args), SPEECHD_ADDRESS=speechd.address, **kw)


def type_slowly(k, text):
    """One character at a time, each drawn (and said) before the next."""
    for ch in text:
        k.press(ch)


LANGS = ['nl', 'en', 'tr', 'pl', 'uk', 'ar']


def wait_said(speechd, mark, text, timeout=15):
    """Wait until the kiosk said text (as a whole, or in a longer text)
    since mark; returns the mark after it. The walk goes by what is said,
    not by the screen: as a blind visitor does, and the same for every
    language, Arabic laid out right to left included."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        said = speechd.said()
        for i in range(mark, len(said)):
            if text in said[i]:
                return i + 1
        time.sleep(0.05)
    raise AssertionError('the kiosk never said %r; it said:\n%s' % (text, '\n'.join(speechd.said()[mark:])))


def walk_to_sent_request(k, forms, lang, speechd, mark):
    """Welcome, speech on, a page, the form, the review, Send: by keys
    alone (digits, Tab, arrows, Space), each step once it was said."""
    k.press(F4)
    k.press(str(LANGS.index(lang) + 1))
    mark = wait_said(speechd, mark, forms.menu_title(lang))
    k.press(forms.menu_key('day_care'))
    mark = wait_said(speechd, mark, forms.title('day_care', lang))
    k.press(forms.page_request_key('day_care'))
    mark = wait_said(speechd, mark, forms.intake_title(lang))
    answers = valid_answers(forms, name='Anna de Vries', phone='06 12345678')
    for i, f in enumerate(forms.fields):
        if i > 0:
            k.press(TAB)
        v = answers.get(f['id'])
        if f['id'] == 'contact_lang' and lang not in ('nl', 'en'):
            v = 'nl'  # staff speak Dutch and English here: none is chosen yet
        if v is None:
            continue
        if f['type'] in ('text', 'textarea', 'phone', 'email'):
            type_slowly(k, v)
        elif f['type'] == 'choice':
            for _ in range([ch['id'] for ch in f['choices']].index(v)):
                k.press(DOWN)
            k.press(SPACE)
        elif f['type'] == 'consent' and v:
            k.press(SPACE)
    k.press(TAB)
    mark = wait_said(speechd, mark, T('Check my answers', lang))
    k.press(ENTER)
    mark = wait_said(speechd, mark, T('Check your answers', lang))
    k.press('1')
    return wait_said(speechd, mark, T('Your request has been received', lang))


def take_home_and_print(k, cups, out, lang, speechd, mark):
    """From the sent request: its take-home page, read whole (F3), printed.
    Returns the text of the printed page."""
    k.press('2')
    mark = wait_said(speechd, mark, T('Print this page', lang))
    k.press(F3)
    k.press('1')
    wait_said(speechd, mark, T(PRINTED, lang), timeout=30)
    return cups.read_pdf(out)


def masked(texts):
    """Reference numbers, years and the day ("6 December 2026", "6 Aralık
    2026", "6 грудня 2026", "6 ديسمبر 2026") masked."""
    texts = [re.sub(r'\b20\d\d\b', 'YYYY', re.sub(r'MZ-\d{4}-\d{4}', 'MZ-YYYY-NNNN', t)) for t in texts]
    return [re.sub(r'\b\d{1,2} [^\W\d_]+ YYYY\b', 'D MONTH YYYY', t) for t in texts]


def plain_words(text):
    """The words of text as a reader compares them: compatibility forms
    (Arabic's joined letters) as plain letters, without Arabic's marks, the
    direction marks pdftotext adds, and punctuation."""
    text = unicodedata.normalize('NFKC', re.sub('[\u202a-\u202e\u2066-\u2069]', ' ', text))
    text = re.sub('[\u064b-\u065f\u0670]', '', text)
    return re.findall(r'[A-Za-z0-9]+|[^\W\dA-Za-z_]+', text)


def golden(name, got):
    path = os.path.join(GOLDEN, name)
    if os.environ.get('ZK_UPDATE_GOLDEN'):
        os.makedirs(GOLDEN, exist_ok=True)
        with open(path, 'w') as f:
            f.write('\n'.join(got) + '\n')
    with open(path) as f:
        want = f.read().splitlines()
    assert got == want, 'the kiosk said (%s differs):\n%s' % (name, '\n'.join(got))


@pytest.mark.parametrize('lang', LANGS)
def test_a_walk_to_a_sent_request_and_its_printed_page_is_spoken(kiosk, forms, speechd, cups, lang):
    out = cups.queue('speech_' + lang)
    mark = speechd.mark()
    k = speaking_kiosk(kiosk, speechd, rows=40,
                       args=printer_args(cups, 'speech_' + lang) + ['--languages', ','.join(LANGS)])
    done = walk_to_sent_request(k, forms, lang, speechd, mark)
    printed = take_home_and_print(k, cups, out, lang, speechd, done)
    said = speechd.since(mark)
    got = masked(said)
    # The welcome says the key in every language, in its own voice; the
    # confirmation says the reference number.
    hint = 'Speech: press F4 to turn it on or off. F3 reads the whole page.'
    assert got[:len(LANGS)] == [T(hint, l) for l in LANGS], got[:len(LANGS) + 1]
    assert any('MZ-YYYY-NNNN' in t for t in got), got[-10:]
    # The take-home page, then what the printer does with it, as the page
    # shows it: on its way, then printed.
    page = next(i for i, t in enumerate(got) if t.startswith(T('Print this page', lang)))
    assert got.index(T(ON_ITS_WAY, lang), page) < got.index(T(PRINTED, lang), page), got[page:]
    # What was printed was said (F3 on the page): every line of it. A
    # reader of PDF gives Arabic in its own pieces and order (it splits a
    # word at a mark): there, every word and piece of a word of it.
    spoken = ' '.join(' '.join(got[page:]).split())
    said_words = ' '.join(plain_words(' '.join(said)))
    for raw, line in zip(printed.splitlines(), masked(printed.splitlines())):
        line = ' '.join(line.split())
        if lang == 'ar':
            # A piece of a word split at a mark is found within the word.
            missing = [w for w in plain_words(raw) if w not in said_words and len(w) > 1]
            assert not missing, 'printed but not said: %r (%s)' % (raw, missing)
        else:
            assert line in spoken, 'printed but not said: %r' % line
    golden('speech-walk-%s.txt' % lang, got)
    # Nothing is said while nothing changes.
    mark = speechd.mark()
    time.sleep(1.0)
    assert speechd.since(mark) == []


def test_speech_off_says_only_the_key_on_the_welcome(kiosk, forms, speechd):
    mark = speechd.mark()
    k = speaking_kiosk(kiosk, speechd)
    k.press('1')
    k.wait_for(forms.menu_title('nl'))
    k.press(DOWN)
    k.press(DOWN)
    got = speechd.since(mark)
    assert got == [T('Speech: press F4 to turn it on or off. F3 reads the whole page.', l) for l in ('nl', 'en')], got


def test_a_site_with_speech_on_speaks_from_the_welcome_and_f4_turns_it_off(kiosk, forms, speechd):
    mark = speechd.mark()
    k = speaking_kiosk(kiosk, speechd, mode='on')
    got = speechd.since(mark)
    assert got[0] == forms.welcome_title('nl') and 'Nederlands, 1 van 2' in got, got
    mark = speechd.mark()
    k.press(F4)
    k.press(DOWN)
    assert speechd.since(mark) == [T('Speech off.', 'nl')]
    # F3 reads nothing while speech is off; on again, it reads the page.
    k.press(F4)
    mark = speechd.mark()
    k.press(F3)
    got = speechd.since(mark)
    assert got[0] == forms.welcome_title('nl') and 'English, 2 van 2' in got, got


def test_a_field_says_its_label_its_text_and_what_is_typed(kiosk, forms, speechd):
    k = speaking_kiosk(kiosk, speechd, mode='on', rows=40)
    k.press('2')
    k.wait_for(forms.menu_title('en'))
    k.press(forms.menu_key('day_care'))
    k.wait_for(T('Back to the menu', 'en'))
    k.choose(T('Ask us to get in touch about this', 'en'))
    wait_form(k, forms, 'en')
    label = flat(forms.field_label(forms.fields[0]['id'], 'en'))
    said = ' '.join(speechd.since(0)[-3:])
    assert label in said and T('empty', 'en') in said, said
    mark = speechd.mark()
    type_slowly(k, 'Jo')
    assert speechd.since(mark) == ['J', 'o']
    # Deleting says what is left, and an emptied field says so.
    mark = speechd.mark()
    k.press('\x7f')
    k.press('\x7f')
    assert speechd.since(mark)[-1] == T('empty', 'en')


def test_site_speech_off_has_no_key_and_no_hint(kiosk, forms, speechd):
    mark = speechd.mark()
    k = speaking_kiosk(kiosk, speechd, mode='off')
    assert T('Speech: press F4 to turn it on or off. F3 reads the whole page.', 'en') not in flat(' '.join(k.text()))
    k.press(F4)
    k.press('1')
    k.wait_for(forms.menu_title('nl'))
    assert speechd.since(mark) == []


def test_no_speech_service_says_so_on_screen(kiosk, forms, tmp_path):
    k = kiosk(args=['--speech', 'available'], SPEECHD_ADDRESS='unix_socket:%s' % (tmp_path / 'none'))
    k.press(F4)
    k.wait_for(T('Speech is not available on this kiosk.', 'nl'))
