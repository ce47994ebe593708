"""The languages of Zoetermeer: the kiosk offers every language the site
enables (forms/languages.conf lists them, the site file's `languages`
enables them), each named in its own script; F2 opens the choice when there
are more than two; Arabic is laid out right to left by the kiosk itself, on
a terminal (pyte) that does no bidi of its own; a terminal that cannot show
a script does not offer that language; the language of contact offers what
staff speak. Languages are data: a language added only in the forms folder
works."""
import os
import re
import shutil
import unicodedata

import libcfg
import pytest

from rawpty import build_locale, raw, replay
from steps import fill_form, valid_answers, wait_form
from zkharness import DOWN, ENTER, REF_RE, SPACE, TAB, T, base_env, db_intake, run_cli, write_site

ALL = ['nl', 'en', 'tr', 'pl', 'uk', 'ar']
F2 = '\x1bOQ'
SHIFT_TAB = '\x1b[Z'
PGDN = '\x1b[6~'


def table(forms_dir):
    """forms/languages.conf: [(code, name, rtl)] in its order."""
    conf = libcfg.load(os.path.join(forms_dir, 'languages.conf'))
    return [(l['code'], l['name'], l.get('direction') == 'rtl') for l in conf['languages']]


def all_languages(kiosk, **kw):
    return kiosk(args=['--languages', ','.join(ALL)], **kw)


def rows(k):
    return [r.rstrip() for r in k.screen.display]


def choose(k, forms, code, offered=ALL):
    """On the welcome: the language's number; waits for its menu (an
    Arabic title as a reader of Arabic reads it, from the right)."""
    title = forms.menu_title(code)
    k.send(str(offered.index(code) + 1))
    if code == 'ar':
        k.wait_until(lambda: logical(k.screen.display[0]) == unicodedata.normalize('NFKC', title),
                     'the Arabic menu title', timeout=5)
    else:
        k.wait_for(title, timeout=5)
    k.quiet(0.05)


def logical(visual):
    """What a reader gets from a right-to-left line as shown: read from
    right to left (the focus marker left out), with Arabic's joined letter
    forms as plain letters. pyte keeps a combining mark with its letter,
    so a cell is reversed as a whole."""
    cells = visual.replace('\u25c0', '').strip()
    clusters = re.findall(r'.[\u064b-\u065f\u0670]*', cells)
    return unicodedata.normalize('NFKC', ''.join(reversed(clusters)))


def nfkc(s):
    return unicodedata.normalize('NFKC', s)


def wait_rtl(k, text, timeout=5):
    """Wait until a line of the screen, read from the right, holds text."""
    k.wait_until(lambda: any(nfkc(text) in logical(r) for r in k.screen.display),
                 'a right-to-left line with %r' % text, timeout=timeout)


def test_default_site_offers_only_checked_languages(kiosk, forms, forms_dir):
    """Without `languages` in the site file, only the languages a native
    speaker checked are on: Dutch and English, F2 switches between them."""
    checked = [c for c, _, _ in table(forms_dir) if c in ('nl', 'en')]
    k = kiosk()
    k.quiet(0.1)
    names = dict((c, n) for c, n, _ in table(forms_dir))
    assert k.contains('1  Nederlands') and k.contains('2  English')
    for code in ('tr', 'pl', 'uk', 'ar'):
        assert not k.contains(names[code]), '%s is offered though the site did not enable it:\n%s' % (
            code, k.dump())
    assert checked == ['nl', 'en']
    choose(k, forms, 'en', ['nl', 'en'])
    k.send(F2)
    k.wait_for(forms.menu_title('nl'))


def test_welcome_offers_each_language_in_its_own_script(kiosk, forms, forms_dir):
    k = all_languages(kiosk, rows=80)
    k.quiet(0.1)
    screen = '\n'.join(rows(k))
    for i, (code, name, rtl) in enumerate(table(forms_dir)):
        if rtl:
            # In the list, left to right: the number, then the name, whose
            # letters run from right to left.
            line = [r.strip() for r in rows(k) if r.strip().lstrip('\u25b6').startswith('%d  ' % (i + 1))]
            assert line and logical(line[0].lstrip('\u25b6')[3:]) == name, \
                'no button "%d  %s" with the name read right to left:\n%s' % (i + 1, name, screen)
        else:
            assert '%d  %s' % (i + 1, name) in screen, screen
    # Each language's own welcome, below the choice.
    seen = '\n'.join(k.text())
    for code in ('tr', 'pl', 'uk'):
        assert forms.welcome_title(code) in seen, code
    assert unicodedata.normalize('NFKC', forms.welcome_title('ar')) in \
        [logical(r) for r in seen.split('\n')], 'no Arabic welcome read from the right'


@pytest.mark.parametrize('code', ['tr', 'pl', 'uk', 'ar'])
def test_choosing_a_language_shows_its_texts(kiosk, forms, code):
    k = all_languages(kiosk)
    choose(k, forms, code)
    if code == 'ar':
        wait_rtl(k, forms.title('respite_light', code))
        wait_rtl(k, T('Help', code))
    else:
        k.wait_for(forms.title('respite_light', code), T('Help', code))


def test_f2_opens_the_choice_and_keeps_what_was_typed(kiosk, forms):
    k = all_languages(kiosk)
    choose(k, forms, 'pl')
    k.send(forms.menu_key('respite_light'))
    k.wait_for(forms.title('respite_light', 'pl'))
    k.choose(T('Ask us to get in touch about this', 'pl'))
    wait_form(k, forms, 'pl')
    k.type('Łukasz Nowak')
    k.wait_for('Łukasz Nowak')
    k.send(F2)
    k.wait_for(T('Choose your language', 'pl'))
    assert k.contains('3  Türkçe') and k.contains('5  Українська')
    k.send('3')
    wait_form(k, forms, 'tr')
    assert k.contains('Łukasz Nowak'), 'the typed name was lost by the change of language:\n' + k.dump()


def test_arabic_reads_right_to_left_on_a_terminal_without_bidi(kiosk, forms):
    k = all_languages(kiosk)
    choose(k, forms, 'ar')
    screen = rows(k)
    title = forms.menu_title('ar')
    # The title bar: against the right edge, in reading order from the right.
    assert len(screen[0]) >= k.cols - 2, 'the Arabic title is not against the right edge:\n' + k.dump()
    assert logical(screen[0]) == unicodedata.normalize('NFKC', title), (logical(screen[0]), title)
    # The menu: each item ends at the right with its number, which a reader
    # of Arabic meets first.
    first = forms.menu_items()[0]
    label = forms.title(first, 'ar')
    item = [r for r in screen if label and logical(r).endswith(unicodedata.normalize('NFKC', label))]
    assert item, 'no menu line reads "%s" from the right:\n%s' % (label, k.dump())
    assert logical(item[0]).startswith('1'), item[0]
    # The key bar: the way back is the first key from the right.
    bar = screen[-1]
    assert bar.strip().endswith('Esc/0') or bar.strip().endswith('Esc'), bar
    # A line that mixes Latin names with Arabic keeps the Latin in its own
    # order: the drop-in address as written.
    k.send(forms.menu_key('advice'))
    wait_rtl(k, forms.title('advice', 'ar'))
    sections = forms.pages['advice']['sections']
    at = [i for i, s in enumerate(sections) if 'Petuniatuin 7A' in s['text']['ar']]
    assert at, 'no section of the advice page names Petuniatuin 7A in Arabic'
    k.send(str(at[0] + 1))
    wait_rtl(k, sections[at[0]]['title']['ar'])
    for _ in range(8):
        if k.contains('Petuniatuin 7A'):
            break
        k.send(PGDN)
        k.quiet(0.05)
    assert k.contains('Petuniatuin 7A'), k.dump()


def test_arabic_form_to_a_sent_request(kiosk, forms):
    """From the Arabic welcome to a sent request, by keys alone: typed
    Arabic is stored as typed; Arabic is no language staff speak on this
    site, so the first they do is chosen for contact."""
    k = all_languages(kiosk)
    choose(k, forms, 'ar')
    k.send(forms.menu_key('respite_light'))
    wait_rtl(k, T('Back to the menu', 'ar'))
    k.send(forms.page_request_key('respite_light'))
    wait_rtl(k, forms.intake_title('ar'))
    k.quiet(0.1)
    # A phone number in an Arabic hint reads as it is dialled, left to
    # right as a whole: not its parts in the line's order.
    hint = forms.field('phone')['hint']['ar']
    number = re.search(r'\d[\d ]*\d', hint).group(0)
    k.send(TAB)
    k.wait_for(number)
    k.send(SHIFT_TAB)
    keys = []
    for i, f in enumerate(forms.fields):
        if i > 0:
            keys.append(TAB)
        if f['id'] == 'name':
            keys.append('ليلى حداد')
        elif f['id'] == 'phone':
            keys.append('06 12345678')
        elif f['type'] == 'consent' or f['id'] == 'contact_lang' or (
                f['type'] == 'choice' and f.get('required') and f.get('default') is None):
            keys.append(SPACE)
    for key in keys + [TAB, ENTER]:
        k.send(key)
        k.quiet(0.03)
    wait_rtl(k, T('Check your answers', 'ar'), timeout=10)
    for _ in range(15):
        k.send(DOWN)
        k.quiet(0.03)
    k.send('1')
    ref = k.wait_match(REF_RE.pattern, timeout=10).group(0)
    row, answers = db_intake(k.db_path, ref)
    assert row[2] == 'ar'
    assert answers['name'] == 'ليلى حداد'
    assert answers['contact_lang'] == 'nl'
    # The typed name, on the confirmation's way to the review, read from
    # the right as typed: it was shown in visual order, not stored so.
    assert '\u0644\u064a\u0644\u0649' in answers['name']


def test_contact_in_the_visitors_language_where_staff_speak_it(kiosk, forms):
    field = forms.field('contact_lang')
    label = forms.field_label('contact_lang', 'tr')
    # Staff speak Dutch and English (the default): a Turkish visitor reads
    # which, and Turkish is not offered.
    k = all_languages(kiosk)
    choose(k, forms, 'tr')
    k.send(forms.menu_key('respite_light'))
    k.wait_for(T('Back to the menu', 'tr'))
    k.choose(T('Ask us to get in touch about this', 'tr'))
    wait_form(k, forms, 'tr')
    note = T('Our staff speak these languages: %s. Choose the one you know best. If you like, ask '
             'someone who can help you with the language to be there when we get in touch.', 'tr')
    head = note.split('%s')[0].strip()
    k.focus_to(forms.choice_label('contact_lang', 'nl', 'tr'), tries=60, exact=False)
    k.quiet(0.1)
    text = '\n'.join(k.text())
    assert head in text.replace('\n', ' ') or head[:20] in text, 'no note on staff languages:\n' + k.dump()
    assert forms.choice_label('contact_lang', 'tr', 'tr') not in text.split(label)[-1], \
        'Turkish is offered as a language of contact, though staff do not speak it:\n' + k.dump()
    k.close()
    # A site whose staff speak Turkish: it is offered, and chosen already.
    k = kiosk(args=['--languages', ','.join(ALL), '--staff-languages', 'nl,en,tr'])
    choose(k, forms, 'tr')
    k.send(forms.menu_key('respite_light'))
    k.wait_for(T('Back to the menu', 'tr'))
    k.choose(T('Ask us to get in touch about this', 'tr'))
    wait_form(k, forms, 'tr')
    fill_form(k, forms, 'tr', valid_answers(forms, name='Ayşe Öztürk'))
    k.wait_for(T('Check your answers', 'tr'), timeout=10)
    for _ in range(15):
        if k.contains(T('Send', 'tr')):
            break
        k.send(DOWN)
        k.quiet(0.05)
    k.send('1')
    ref = k.wait_match(REF_RE.pattern, timeout=10).group(0)
    _, answers = db_intake(k.db_path, ref)
    assert answers['contact_lang'] == 'tr', answers
    assert [c['id'] for c in field['choices']][:2] == ['nl', 'en']


@pytest.fixture(scope='module')
def latin1_env(tmp_path_factory):
    locpath, why = build_locale(str(tmp_path_factory.mktemp('locale')))
    if locpath is None:
        pytest.skip('cannot build the ISO-8859-1 test locale: %s' % why)
    return lambda: base_env('nl_NL.ISO-8859-1', LOCPATH=locpath)


def test_latin1_terminal_offers_only_languages_it_can_show(kiosk, forms, latin1_env):
    """Latin-1 has Turkish's and Polish's names (and their letters, or a
    plain one for the few it lacks), no Cyrillic and no Arabic."""
    k = all_languages(kiosk, env=latin1_env())
    k.quiet(0.2)
    text = '\n'.join(l.rstrip() for l in replay(raw(k), k.cols, k.rows, encoding='latin-1'))
    assert '3  T\u00fcrk\u00e7e' in text and '4  Polski' in text, text
    assert not re.search(r'^\W*5  ', text, re.M), 'a language in a script Latin-1 lacks is offered:\n' + text


def test_line_mode_offers_what_the_terminal_shows(line_kiosk, forms):
    """An ASCII terminal (LANG=C): the Latin-script languages, Turkish
    transliterated; no Ukrainian or Arabic, which it cannot show. L opens
    the choice of the others."""
    s = line_kiosk(args=['--languages', ','.join(ALL)], env=base_env('C', TERM='dumb'))
    out = s.first_screen()
    assert 'Nederlands' in out and 'English' in out and 'Turkce' in out and 'Polski' in out, out
    assert '5' not in re.findall(r'^\s*(\d)\b', out, re.M), 'a fifth language on ASCII:\n' + out
    s.cmd('3')
    out = s.cmd('L')
    assert 'Polski' in out and 'Nederlands' in out and 'Ukr' not in out, out
    s.finish()


def test_check_forms_requires_every_text_of_every_enabled_language(tmp_path, forms_dir):
    d = tmp_path / 'forms'
    shutil.copytree(forms_dir, d)
    path = d / 'plan.conf'
    text = path.read_text()
    m = re.search(r'\n(\s*)tr = "[^\n]*";\n', text)
    assert m, 'plan.conf has no one-line Turkish text to remove'
    line = text[:m.start()].count('\n') + 1
    path.write_text(text[:m.start()] + '\n' + text[m.end():])
    site = tmp_path / 'site.conf'
    write_site(str(site), languages=ALL)
    r = run_cli(['--lang', 'en', 'check-forms', '--forms', str(d)], env=base_env(ZK_TEST_CONF=str(site)))
    assert r.returncode == 1, r.stdout + r.stderr
    assert 'has no text in Türkçe (tr)' in r.stdout + r.stderr, r.stdout + r.stderr
    assert 'plan.conf:' in r.stdout + r.stderr
    # Not enabled, not required.
    write_site(str(site), languages=['nl', 'en'])
    r = run_cli(['--lang', 'en', 'check-forms', '--forms', str(d)], env=base_env(ZK_TEST_CONF=str(site)))
    assert r.returncode == 0, r.stdout + r.stderr
    assert line > 0


def test_a_language_added_in_the_forms_alone(kiosk, tmp_path, forms_dir):
    """Frisian, added to a copy of the forms only (its texts here are the
    Dutch ones, marked): the welcome offers it by its own name and the
    kiosk shows its texts. No catalogue: the interface strings fall back
    to English, as gettext does."""
    d = tmp_path / 'forms'
    shutil.copytree(forms_dir, d)
    conf = d / 'languages.conf'
    conf.write_text(conf.read_text().replace(
        '  { code = "en";', '  { code = "fy"; name = "Frysk"; native_checked = false; },\n  { code = "en";', 1))
    for f in d.glob('*.conf'):
        if f.name == 'languages.conf':
            continue
        # After every Dutch entry, the same text for Frisian, marked.
        src = f.read_text()
        src = re.sub(r'(\n(\s*)nl = ("(?:[^"\\]|\\.)*"(?:\s*"(?:[^"\\]|\\.)*")*);)',
                     lambda m: m.group(1) + '\n' + m.group(2) + 'fy = "[fy] " ' + m.group(3) + ';', src)
        src = re.sub(r'(\n(\s*)nl = (\([^)]*\));)', lambda m: m.group(1) + '\n' + m.group(2) + 'fy = ' +
                     m.group(3) + ';', src)
        f.write_text(src)
    k = kiosk(forms=str(d), args=['--languages', 'nl,fy,en'], wait=False)
    k.wait_for('2  Frysk', timeout=20)
    k.send('2')
    menu = libcfg.load(str(d / 'guide.conf'))['menu']['title']['nl']
    k.wait_for('[fy] ' + menu)


def right_edges(k):
    """The column where each non-empty body line ends, the focus marker and
    the scroll marks left out (pyte keeps a combining mark in the cell of
    its letter: it takes no column)."""
    ends = set()
    for line in k.screen.display[1:-1]:
        text = re.sub(r'(\s[\u25c0])?(\s[\u25b2\u25bc])?\s*$', '', line)
        if text.strip():
            ends.add(sum(1 for ch in text if not unicodedata.combining(ch)))
    return ends


def words(visual):
    """The words of a line as a reader gets them, in any order: an Arabic
    word read from the right, a Latin one as it stands."""
    out = []
    for w in visual.replace('\u25c0', ' ').split():
        if re.search(r'[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]', w):
            w = logical(w)
        out.append(nfkc(w))
    return sorted(out)


def is_title(k, title):
    return words(k.screen.display[0]) == sorted(nfkc(w) for w in title.split())


def aligned_right(k):
    """Whether every body line stands against the right edge of the text
    column, an indent (mirrored: on the right) of a few columns aside. A
    left-aligned line of a short paragraph would end far from it."""
    ends = right_edges(k)
    return not ends or min(ends) >= max(ends) - 5


def test_every_arabic_page_and_section_reads_right_to_left(kiosk, forms):
    """Every page of the guide and every section of it, and the first
    question of every flow and of the care check, in Arabic, on a
    terminal without bidi (pyte): its title bar reads as its title from the
    right, and every line of its text stands against the right edge."""
    k = all_languages(kiosk)
    choose(k, forms, 'ar')
    problems = []
    for page_id in forms.menu_items():
        if page_id not in forms.pages:
            # A question flow or the care check: its first question.
            title = forms.title(page_id, 'ar')
            k.send(forms.menu_key(page_id))
            k.wait_until(lambda: is_title(k, title), 'the flow %s' % page_id)
            k.quiet(0.05)
            if not aligned_right(k):
                problems.append('%s: lines end at columns %s\n%s' % (
                    page_id, sorted(right_edges(k)), '\n'.join(k.screen.display)))
            k.send('\x1b')
            menu_title = forms.menu_title('ar')
            k.wait_until(lambda: is_title(k, menu_title), 'back on the menu')
            k.quiet(0.05)
            continue
        page = forms.pages[page_id]
        k.send(forms.menu_key(page_id))
        title = page['title']['ar']
        k.wait_until(lambda: is_title(k, title), 'the page %s' % page_id)
        k.quiet(0.05)
        if not aligned_right(k):
            problems.append('%s: lines end at columns %s' % (page_id, sorted(right_edges(k))))
        for i, sec in enumerate(page['sections']):
            if i >= 9:
                break
            k.send(str(i + 1))
            want = sec['title']['ar']
            k.wait_until(lambda: is_title(k, want), 'section %d of %s' % (i + 1, page_id))
            k.quiet(0.05)
            if not aligned_right(k):
                problems.append('%s, section %d: lines end at columns %s\n%s' % (
                    page_id, i + 1, sorted(right_edges(k)), '\n'.join(k.screen.display)))
            k.send('\x1b')
            k.wait_until(lambda: is_title(k, title), 'back on %s' % page_id)
            k.quiet(0.05)
        k.send('\x1b')
        choose_title = forms.menu_title('ar')
        k.wait_until(lambda: is_title(k, choose_title), 'back on the menu')
        k.quiet(0.05)
    assert not problems, '\n'.join(problems)
