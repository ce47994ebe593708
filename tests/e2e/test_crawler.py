"""The crawler: walks every screen reachable from the welcome (the menu, every
page and section, every flow with every answer, the form, and the help of
each) in both languages at 80x24 and 40x15, as a visitor who only taps would
for the key bar. On every screen it checks what VIEW_CHECKS and
SCREEN_CHECKS list, and that every key-bar item answers a tap.

One kiosk runs per language and size, the four side by side.

To add a check, write `def check_x(k, visit)` returning a list of problems
(strings, empty when all is well) and append it to
- VIEW_CHECKS: run on every view of a screen (each page of a long text), or
- SCREEN_CHECKS: run once per screen, after its views were read; visit.text
  is then the whole screen's text, every view joined.
A check may press keys, but must leave the kiosk on the same screen, at its
top, as it found it.
"""
import datetime
import os
import re
import threading
import time

import glossary
from zkharness import PGDN, PGUP, ROOT, T, flat

SIZES = ((80, 24), (40, 15))
LANGS = ('nl', 'en')

FOCUS_MARKS = '\u25b6>'
SCROLL_MARKS = '\u25b2\u25bc'
TEXT_LEFT = {80: 2, 40: 0}   # where the text column starts


class Visit:
    """Where the crawler is: a screen, in a language and size."""

    def __init__(self, lang, size, where, kind):
        self.lang, self.size, self.where, self.kind = lang, size, where, kind
        self.text = ''        # the whole screen (SCREEN_CHECKS)
        self.view = []        # the body lines of the view (VIEW_CHECKS)

    def __str__(self):
        return '%s %dx%d %s' % (self.lang, self.size[0], self.size[1], self.where)


# --------------------------------------------------------------------------
# What is checked.

def body_lines(k):
    """The body of the screen as text: without the title bar, the key bar,
    the focus marker and the scroll marks."""
    out = []
    for line in k.text()[1:-1]:
        line = re.sub(r' [%s]$' % SCROLL_MARKS, '', line.rstrip()).rstrip()
        s = line.lstrip()
        if s[:1] in FOCUS_MARKS:
            s = s[1:]
        out.append(s.strip())
    return out


def check_cursor_on_focus(k, visit):
    """The terminal's cursor is shown and rests on the focused line, or,
    without a focus in view, at the top of the text."""
    y, x, hidden = k.cursor()
    if hidden:
        return ['the cursor is hidden']
    row = k.focus_row()
    if row is None:
        if y != 1:
            return ['no focus in view, and the cursor is on row %d, not at the top of the text' % y]
        return []
    if y != row:
        return ['the cursor is on row %d, the focus on row %d' % (y, row)]
    line = k.text()[y]
    if re.match(r'\s*[%s]\[' % FOCUS_MARKS, line):
        return []  # a text input: the insertion point may be blank
    if x >= len(line) or line[x] == ' ':
        return ['the cursor (column %d) is not on a character of the focused line %r' % (x, line)]
    return []


# A phone number, a time (with its range and "uur"), a street and number.
# A line break is allowed where a space is; a match that has one is split.
PHONE = r'(?<![\w.])(?:\+31|0)\d{1,3}(?:[ \n]?-?[ \n]?\d{2,8}){1,4}'
TIME = r'\d{1,2}[.:]\d{2}'
TIMES = r'(?<![\w.])%s(?:[ \n](?:tot|to|-|\u2013)[ \n]%s)?(?:[ \n]uur)?' % (TIME, TIME)
ADDRESS = r'\b[A-Z][a-z]+(?:tuin|straat|laan|weg|plein|kade|hof|dreef|singel|park)[ \n][1-9]\d{0,3}[A-Za-z]?\b'
# A line that starts a new item (a button, a choice, a bullet) is not the
# continuation of the line above.
NEW_ITEM = re.compile(r'^(?:\d  |\(.\) |\[.\] |\u2022 |- )')


def check_nothing_split(k, visit):
    """No phone number, time or address is broken over two lines."""
    problems = []
    lines = visit.view
    for a, b in zip(lines, lines[1:]):
        if not a or not b or NEW_ITEM.match(b):
            continue
        joined = a + '\n' + b
        for what, rx in (('phone number', PHONE), ('time', TIMES), ('address', ADDRESS)):
            for m in re.finditer(rx, joined):
                if '\n' in m.group(0):
                    problems.append('%s split over two lines: %r' % (what, m.group(0)))
    return problems


def check_marks_keep_a_space(k, visit):
    """A scroll mark has a blank column between it and the text."""
    lines = k.text()[1:-1]
    cols = {l.rstrip().rfind(m) for l in lines for m in SCROLL_MARKS if l.rstrip().endswith(m)}
    for col in cols:
        for l in lines:
            if len(l) > col - 1 >= 0 and l[col - 1] != ' ':
                return ['text runs up to the scroll mark in column %d: %r' % (col, l)]
    return []


_glossary = None


def check_words_listed(k, visit):
    """Every glossary word the screen uses is on its "Words on this page"
    item (the help lists them as headings, so it is not checked here)."""
    global _glossary
    if visit.kind == 'help':
        return []
    if _glossary is None:
        _glossary = glossary.Glossary(os.path.join(ROOT, 'forms'))
    text = flat(visit.text)
    head = T('Words on this page: %s', visit.lang).split('%s')[0].strip()
    # A long screen is read view by view: the item may be cut at the end of
    # one view and whole in the next, so the last one counts.
    listed = _glossary.listed(text[text.rfind(head):], visit.lang) or [] if head in text else []
    words = sorted((re.escape(_glossary.word(g, visit.lang)) for g in _glossary.ids()), key=len, reverse=True)
    text = re.sub(re.escape(head) + r'(?:,? ?(?:%s))*' % '|'.join(words), '', text)
    missing = [_glossary.word(g, visit.lang) for g in _glossary.words_in(text, visit.lang) if g not in listed]
    return ['glossary words on the screen but not listed: %s' % ', '.join(missing)] if missing else []


VIEW_CHECKS = [check_cursor_on_focus, check_nothing_split, check_marks_keep_a_space]
SCREEN_CHECKS = [check_words_listed]


# --------------------------------------------------------------------------
# Walking.

class TooManyProblems(Exception):
    pass


class Walk:
    # Enough to see what is wrong; a broken kiosk then fails fast.
    MAX_PROBLEMS = 20

    def __init__(self, k, forms, lang, size):
        self.k, self.forms, self.lang, self.size = k, forms, lang, size
        self.problems = []
        self.screens = 0
        self.help_seen = set()

    def problem(self, visit, msg):
        self.problems.append('%s: %s' % (visit, msg))
        if len(self.problems) >= self.MAX_PROBLEMS:
            raise TooManyProblems()

    # -- keys and taps ------------------------------------------------------
    def act(self, keys=None, tap=None, what='', timeout=3):
        """Press keys or tap a key-bar item; wait until the screen changed.
        Returns whether it did."""
        k = self.k
        before = k._snapshot()
        if tap is not None:
            k.tap_key(tap)
        else:
            k.send(keys)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if k._snapshot() != before:
                k.quiet(0.02, timeout=1)
                return True
            with k.cond:
                k.cond.wait(0.02)
        return False

    def title(self):
        return self.k.text()[0].strip()

    def wait_title(self, want, timeout=5):
        shown = lambda: want.startswith(self.title()) and len(self.title()) >= min(len(want), 20)
        self.k.wait_until(shown, 'the title never became %r' % want, timeout)
        self.k.quiet(0.02, timeout=1)

    def bar(self):
        return self.k.key_bar_items()

    def bar_item(self, *prefixes):
        for text in self.bar():
            if text.startswith(prefixes):
                return text
        return None

    # -- one screen ---------------------------------------------------------
    def visit(self, where, kind, keybar=True):
        """Read the screen view by view, run the checks, then tap its key
        bar's Help and language items (Back is the caller's way out)."""
        v = Visit(self.lang, self.size, where, kind)
        self.screens += 1
        seen, pages = [], 0
        while True:
            v.view = body_lines(self.k)
            seen += v.view
            for check in VIEW_CHECKS:
                for p in check(self.k, v):
                    self.problem(v, p)
            if not any(l.rstrip().endswith('\u25bc') for l in self.k.text()[1:-1]) or pages > 30:
                break
            if not self.act(PGDN):
                self.problem(v, 'Page Down did not show more, though a mark says there is')
                break
            pages += 1
        for _ in range(pages):  # back to the top for what follows
            self.act(PGUP)
        v.text = '\n'.join(seen)
        for check in SCREEN_CHECKS:
            for p in check(self.k, v):
                self.problem(v, p)
        if keybar:
            self.tap_help(v)
            self.tap_language(v)
        return v

    def tap_language(self, v):
        item = self.bar_item('L/F2', 'F2')
        if item is None:
            self.problem(v, 'no language item in the key bar %r' % list(self.bar()))
            return
        other = item.split(' ', 1)[1]
        if not self.act(tap=item) or other in ' '.join(self.bar()):
            self.problem(v, 'a tap on %r did not switch the language' % item)
            return
        back = self.bar_item('L/F2', 'F2')
        if back is None or not self.act(tap=back):
            self.problem(v, 'a second tap on the language item did not switch back')

    def tap_help(self, v):
        item = self.bar_item('?/F1', 'F1')
        if item is None:
            if v.kind != 'help':
                self.problem(v, 'no Help in the key bar %r' % list(self.bar()))
            return
        title = self.title()
        if not self.act(tap=item):
            self.problem(v, 'a tap on %r did not open the help' % item)
            return
        # The welcome speaks both languages ("Hulp / Help").
        if self.title().split(' / ')[0] not in (T('Help', 'nl'), T('Help', 'en')):
            self.problem(v, 'a tap on %r opened %r, not the help' % (item, self.title()))
            self.tap_back(v, title)
            return
        if v.kind not in self.help_seen:
            self.help_seen.add(v.kind)
            self.visit('%s > help' % v.where, 'help')
        if not self.tap_back(v, title):
            return

    def tap_back(self, v, title):
        """Tap the key bar's Back item; the screen titled title comes back."""
        item = self.bar_item('0/Esc', 'Esc')
        if item is None:
            self.problem(v, 'no Back in the key bar %r' % list(self.bar()))
            self.k.esc()
        elif not self.act(tap=item):
            self.problem(v, 'a tap on %r changed nothing' % item)
            self.k.esc()
        try:
            self.wait_title(title)
        except AssertionError:
            self.problem(v, 'Back did not lead back to %r' % title)
            raise
        return True

    # -- the guide ------------------------------------------------------------
    def walk(self):
        f, lang = self.forms, self.lang
        self.k.wait_for('1  Nederlands', timeout=20)
        self.visit('welcome', 'welcome')
        self.act({'nl': '1', 'en': '2'}[lang])
        self.wait_title(f.menu_title(lang))
        self.visit('menu', 'menu')
        form_done = False
        for item in f.menu_items():
            self.act(f.menu_key(item))
            self.wait_title(f.title(item, lang))
            if item in f.pages:
                form_done = self.walk_page(f.pages[item], form_done)
            elif item in f.flows:
                self.walk_flow(f.flows[item], 'menu > %s' % item)
            else:
                # "How are you doing?" (forms/check.conf): its first question.
                self.visit('menu > %s' % item, 'check')
            self.tap_back(Visit(lang, self.size, item, 'page'), f.menu_title(lang))

    def walk_page(self, p, form_done):
        lang, where = self.lang, 'menu > %s' % p['id']
        self.visit(where, 'page')
        title = p['title'][lang]
        key = 1
        for s in p['sections']:
            if key > 9:
                break
            self.act(str(key))
            self.wait_title(s['title'][lang])
            self.visit('%s > %s' % (where, flat(s['title'][lang])), 'section')
            self.tap_back(Visit(lang, self.size, where, 'section'), title)
            key += 1
        if p.get('check'):
            self.act(str(key))
            self.walk_flow(self.forms.flows[p['check']], '%s > check' % where)
            self.tap_back(Visit(lang, self.size, where, 'flow'), title)
            key += 1
        if p.get('request') and not form_done:
            self.act(str(key))
            self.wait_title(self.forms.intake_title(lang))
            self.visit('%s > form' % where, 'form')
            self.tap_back(Visit(lang, self.size, where, 'form'), title)
            form_done = True
        return form_done

    def resolve(self, qs, qid):
        """The question the kiosk shows for qid: date questions answer
        themselves from today's date."""
        today = datetime.date.today()
        q = qs.get(qid) if qid else None
        while q is not None and 'date' in q:
            md = today.month * 100 + today.day
            lo = int(q['date']['from'][:2]) * 100 + int(q['date']['from'][3:])
            hi = int(q['date']['until'][:2]) * 100 + int(q['date']['until'][3:])
            inside = lo <= md <= hi if lo <= hi else (md >= lo or md <= hi)
            a = q['open'] if inside else q['closed']
            q = qs.get(a.get('next')) if a.get('next') else None
        return q

    def walk_flow(self, fl, where):
        """Every answer of every question once (depth first; Back returns)."""
        lang = self.lang
        qs = {q['id']: q for q in fl['questions']}
        self.wait_title(fl['title'][lang])
        seen = set()

        def at(q, path):
            seen.add(q['id'])
            here = '%s > %s' % (where, path)
            self.visit(here, 'flow')
            shown = self.k.text()
            for i, a in enumerate(q['answers']):
                if i > 8:
                    break
                if not self.act(str(i + 1)):
                    self.problem(Visit(lang, self.size, here, 'flow'), 'answer %d changed nothing' % (i + 1))
                    continue
                nxt = self.resolve(qs, a.get('next'))
                if nxt is not None and nxt['id'] not in seen:
                    at(nxt, '%s %d > %s' % (path, i + 1, nxt['id']))
                else:
                    self.visit('%s %d > %s' % (here, i + 1, nxt['id'] if nxt else 'result'),
                               'flow' if nxt else 'result', keybar=nxt is None)
                v = Visit(lang, self.size, here, 'flow')
                item = self.bar_item('0/Esc', 'Esc')
                if item is None or not self.act(tap=item):
                    self.problem(v, 'a tap on Back (%r) did not go back to the question' % item)
                    self.k.esc()
                self.k.wait_until(lambda: self.k.text()[1:3] == shown[1:3],
                                  'Back did not return to question %s' % q['id'])
        at(self.resolve(qs, fl['start']), self.resolve(qs, fl['start'])['id'])


def walk_one(k, forms, lang, size, out):
    try:
        w = Walk(k, forms, lang, size)
        t0 = time.monotonic()
        w.walk()
        out[(lang, size)] = (w.problems, w.screens, time.monotonic() - t0, None)
    except TooManyProblems:
        out[(lang, size)] = (w.problems + ['... (the walk stopped here)'], w.screens, 0, None)
    except Exception as e:  # reported by the main thread
        out[(lang, size)] = (w.problems, w.screens, 0, '%s\n%s' % (e, k.dump()))


def test_crawl_every_screen_in_both_languages_at_both_sizes(kiosk, forms, tmp_path):
    out, threads = {}, []
    for lang in LANGS:
        for size in SIZES:
            k = kiosk(cols=size[0], rows=size[1], wait=False,
                      db=str(tmp_path / ('zk-%s-%d.db' % (lang, size[0]))))
            threads.append(threading.Thread(target=walk_one, args=(k, forms, lang, size, out), daemon=True))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    report, problems = [], []
    for key in sorted(out, key=str):
        probs, screens, took, error = out[key]
        report.append('%s %dx%d: %d screens in %.1f s' % (key[0], key[1][0], key[1][1], screens, took))
        if error:
            problems.append('%s %dx%d stopped: %s' % (key[0], key[1][0], key[1][1], error))
        problems += probs
    print('\n'.join(report))
    assert len(out) == len(LANGS) * len(SIZES), 'a walk did not finish: %r' % sorted(out, key=str)
    assert not problems, '%d problems:\n%s' % (len(problems), '\n'.join(problems[:60]))
