"""Content that stays true, and a welcome for both languages: review dates
and end dates in forms/ (check-forms, the kiosk, the staff terminal), the
registration dates said once, a way without a computer wherever a text sends
people to a website, and a bilingual welcome key bar and help."""
import datetime
import os
import re

import pytest

import libcfg
import staffutil
from steps import choose_language, open_menu_item
from zkharness import ENTER, F1, PGDN, T, flat

LANG_ARGS = {'nl': ['--lang', 'nl'], 'en': ['--lang', 'en']}


def edit(path, old, new):
    text = path.read_text(encoding='utf-8')
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding='utf-8')


def all_text(k, tries=12):
    """The whole screen's text, paging down to its end (text seen on two
    pages may appear twice)."""
    seen, before = [], None
    for _ in range(tries):
        now = k.text()
        if now == before:
            break
        seen.append(flat(' '.join(now[1:-1])))
        before = now
        k.press(PGDN)
    return ' '.join(seen)


def body(k):
    """The text between the title bar and the key bar."""
    return flat(' '.join(k.text()[1:-1]))


# --------------------------------------------------------------------------
# Review dates and end dates.

def age_forms(forms_copy):
    """A copy where one page was checked long ago, one section has ended
    with a replacement and one without, one ends far in the future, and a
    glossary word is used nowhere."""
    g = forms_copy / 'guide.conf'
    # Whatever day day_care was last checked: now long ago.
    text, n = re.subn(r'(    id = "day_care";\n    checked = )"\d{4}-\d\d-\d\d";',
                      r'\1"2000-01-01";', g.read_text(encoding='utf-8'))
    assert n == 1
    g.write_text(text, encoding='utf-8')
    text = g.read_text(encoding='utf-8')
    text, n = re.subn(r'(title = \{\s*nl = "Een maatje voor u";[^}]*\};)',
                      r'\1\n        until = "2000-01-01";\n'
                      r'        replacement = { nl = "Deze proef is voorbij."; en = "This pilot is over."; };',
                      text, count=1)
    assert n == 1, 'no section titled "Een maatje voor u"'
    start = text.index('id = "presence_care"')
    m = re.compile(r'title = \{\s*nl = "Zo regelt u het";[^}]*\};').search(text, start)
    assert m, 'no section "Zo regelt u het" after presence_care'
    text = text[:m.end()] + '\n        until = "2000-01-02";' + text[m.end():]
    g.write_text(text, encoding='utf-8')
    gl = forms_copy / 'glossary.conf'
    edit(gl, 'words = (\n', 'words = (\n  { id = "nowhere"; word = { nl = "nergenswoord"; en = "nowhereword"; };\n'
         '    text = { nl = "Niets."; en = "Nothing."; }; },\n')
    return forms_copy


def overdue_today(forms_dir, days=365):
    """Whether any page, flow or file of forms_dir is overdue for checking
    today (so the tests keep telling the truth as the forms age)."""
    today = datetime.date.today()
    dated = []
    guide = libcfg.load(os.path.join(forms_dir, 'guide.conf'))
    dated += [p.get('checked') for p in guide['pages']] + [f.get('checked') for f in guide.get('flows', [])]
    for name in ('intake.conf', 'glossary.conf'):
        if os.path.exists(os.path.join(forms_dir, name)):
            dated.append(libcfg.load(os.path.join(forms_dir, name)).get('checked'))
    return any(d is None or (today - datetime.date.fromisoformat(d)).days > days for d in dated)


def test_check_forms_lists_what_is_overdue_ended_or_unused(forms_copy, forms_dir):
    d = age_forms(forms_copy)
    r = staffutil.zk(['--lang', 'en', 'check-forms'], forms=d, staff=False)
    out = staffutil.out(r)
    assert r.returncode == 0, out + staffutil.err(r)
    guide = os.path.join(str(d), 'guide.conf')
    assert re.search(re.escape(guide) + r':\d+: warning: the facts of "day_care" were last checked on '
                     r'2000-01-01, more than 365 days ago; who checks them: inZet', out), out
    assert 'warning: section "A buddy for you" of page "presence_care" ended on 2000-01-01: its replacement is shown' in out
    assert 'warning: section "How to arrange it" of page "presence_care" ended on 2000-01-02: it is no longer shown' in out
    assert 'warning: the glossary word "nergenswoord" is used in no text in Nederlands (nl)' in out
    assert 'warning: the glossary word "nowhereword" is used in no text in English (en)' in out
    # In Dutch too.
    r = staffutil.zk(['--lang', 'nl', 'check-forms'], forms=d, staff=False)
    assert r.returncode == 0
    assert '"day_care"' in staffutil.out(r) and 'waarschuwing' in staffutil.out(r), staffutil.out(r)
    # The real forms: nothing ended, every word used, and overdue only once
    # their dates are more than a year old.
    r = staffutil.zk(['--lang', 'en', 'check-forms'], forms=forms_dir, staff=False)
    warnings = [l for l in staffutil.out(r).splitlines() if ': warning: ' in l]
    assert r.returncode == 0
    assert all('were last checked on' in l for l in warnings), warnings
    assert bool(warnings) == overdue_today(forms_dir), warnings


@pytest.mark.parametrize('lang', ['nl', 'en'])
def test_an_ended_section_shows_its_replacement_or_nothing(kiosk, forms, forms_copy, lang):
    d = age_forms(forms_copy)
    k = kiosk(forms=str(d))
    choose_language(k, forms, lang)
    open_menu_item(k, forms, 'presence_care', lang)
    secs = forms.pages['presence_care']['sections']
    titles = [s['title'][lang] for s in secs]
    buddy = titles.index('A buddy for you' if lang == 'en' else 'Een maatje voor u')
    ended = titles.index('How to arrange it' if lang == 'en' else 'Zo regelt u het')
    k.wait_for(titles[buddy])
    assert not k.contains(titles[ended]), k.dump()
    # The digits count the shown sections only.
    k.choose(titles[buddy])
    k.wait_for('This pilot is over.' if lang == 'en' else 'Deze proef is voorbij.')
    assert not k.contains(secs[buddy]['text'][lang][:30]), k.dump()
    # "Next" skips the ended section.
    nxt = titles[ended + 1]
    k.wait_for(T('Next: %s', lang) % nxt)


@pytest.mark.parametrize('lang', ['nl', 'en'])
def test_staff_terminal_warns_while_a_page_is_overdue(kiosk, tmp_path, forms_copy, forms_dir, lang):
    db = tmp_path / 'staff.db'
    staffutil.create_db(db)
    msg = T('Facts overdue for checking on %zu page(s) of the kiosk: run zorgkiosk check-forms.', lang)
    k = staffutil.staff_terminal(kiosk, db, lang=lang)
    k.wait_for(T('Requests for contact', lang))
    assert k.contains(msg.split('%zu')[0].strip()) == overdue_today(forms_dir), k.dump()
    d = age_forms(forms_copy)
    k = kiosk(db=str(db), forms=str(d), wait=False, LSAN_OPTIONS=staffutil.LSAN,
              args=['staff', '--staff-users', staffutil.LOGIN, '--lang', lang])
    k.wait_for(T('Requests for contact', lang), timeout=20)
    k.wait_for(msg.replace('%zu', '1'))


# --------------------------------------------------------------------------
# Registration dates.

def window(today):
    """The registration window's next or current (from, until), as the
    kiosk computes it (src/guide.c), and whether it is open today."""
    md = today.month * 100 + today.day
    open_ = 401 <= md <= 1110
    y = today.year + (1 if md > 1110 else 0)
    return datetime.date(y, 4, 1), datetime.date(y, 11, 10), open_


def written(d, lang):
    months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
              'September', 'October', 'November', 'December']
    return T('%d %s %d', lang) % (d.day, T(months[d.month - 1], lang), d.year)


def expand(text, frm, until, lang):
    return text.replace('{from}', written(frm, lang)).replace('{until}', written(until, lang))


@pytest.mark.parametrize('lang', ['nl', 'en'])
def test_the_appreciation_check_says_the_registration_dates_once(kiosk, forms, lang):
    frm, until, open_ = window(datetime.date.today())
    fl = forms.flows['appreciation_check']
    qs = {q['id']: q for q in fl['questions']}
    k = kiosk(rows=60)  # the whole result on one screen, to count the dates
    choose_language(k, forms, lang)
    open_menu_item(k, forms, 'appreciation', lang)
    k.choose(T('Is this right for me? (a few questions)', lang))
    k.wait_for(qs['age']['ask'][lang])
    k.send('2')                                    # not under 18
    k.wait_for(qs['intensive']['ask'][lang])
    k.send('1')                                    # intensive care
    k.wait_for(T('What we found for you', lang), T('Back to the previous question', lang))
    shown = body(k)
    said = qs['window']['open' if open_ else 'closed']['result'][lang]
    assert flat(expand(said, frm, until, lang)) in shown, shown
    date = written(until if open_ else frm, lang)
    assert shown.count(date) == 1, (date, shown)
    other = written(frm if open_ else until, lang)
    assert other not in shown, shown


@pytest.mark.parametrize('lang', ['nl', 'en'])
def test_help_me_choose_says_when_registration_opens(kiosk, forms, lang):
    frm, until, open_ = window(datetime.date.today())
    fl = forms.flows['choose']
    qs = {q['id']: q for q in fl['questions']}
    picks = {'need': len(qs['need']['answers']) - 1, 'alone': 0, 'parking': 1, 'weight': 0, 'registered': 1}
    k = kiosk(rows=60)
    choose_language(k, forms, lang)
    open_menu_item(k, forms, 'choose', lang)
    q = qs[fl['start']]
    while True:
        k.wait_for(q['ask'][lang])
        a = q['answers'][picks[q['id']]]
        k.send(str(picks[q['id']] + 1))
        if a.get('next') not in qs or 'date' in qs[a['next']]:
            break
        q = qs[a['next']]
    k.wait_for(T('What we found for you', lang), T('Back to the previous question', lang))
    shown = body(k)
    said = qs['registration']['open' if open_ else 'closed']['result'][lang]
    assert flat(expand(said, frm, until, lang)) in shown, shown
    assert shown.count(written(until if open_ else frm, lang)) == 1, shown


# --------------------------------------------------------------------------
# Without a computer.

PLACES = ('Mantelzorgcentraal', 'Zoetermeerwijzer', 'website', 'vereniging van mantelzorgmakelaars', 'professional association')
OFFLINE = ('mantelzorgspreekuur', 'drop-in session', 'contact aan', 'get in touch', '088 - 023 47 40')


def step_texts(guide):
    """Section texts, flow intros and results: the texts that send people somewhere."""
    for p in guide['pages']:
        for s in p['sections']:
            yield 'page %s, section %s' % (p['id'], s['title']['en']), s['text']
    for fl in guide['flows']:
        if 'intro' in fl:
            yield 'flow %s intro' % fl['id'], fl['intro']
        for q in fl['questions']:
            for a in q.get('answers', []) + [q[b] for b in ('open', 'closed') if b in q]:
                if 'result' in a:
                    yield 'flow %s, question %s' % (fl['id'], q['id']), a['result']


def test_every_place_without_an_address_has_a_way_without_a_computer(forms_dir):
    guide = libcfg.load(os.path.join(forms_dir, 'guide.conf'))
    missing = []
    for where, text in step_texts(guide):
        for lang in ('nl', 'en'):
            t = text[lang]
            places = [p for p in PLACES if p in t]
            # Naming Mantelzorgcentraal as the one you register with is not
            # sending you to look something up; a place to look is.
            if places and not any(o in t.lower() or o in t for o in OFFLINE):
                missing.append('%s (%s): names %s but no way without a computer' % (where, lang, places))
    assert not missing, '\n'.join(missing)


def test_the_ended_pilot_is_not_presented_as_current(forms_dir):
    """Stichting MEE's pilot ran 2023-2025: every text naming it says it ended."""
    guide = libcfg.load(os.path.join(forms_dir, 'guide.conf'))
    named = [(w, t) for w, t in step_texts(guide) if 'Stichting MEE' in t['nl']]
    assert named
    for where, t in named:
        assert 'voorbij' in t['nl'] and 'ended' in t['en'], where


# --------------------------------------------------------------------------
# The welcome speaks both languages.

@pytest.mark.parametrize('lang', ['nl', 'en'])
def test_the_welcome_key_bar_and_help_are_bilingual(kiosk, lang):
    other = 'en' if lang == 'nl' else 'nl'
    k = kiosk(args=LANG_ARGS[lang], wait=False)
    k.wait_for('1  Nederlands', timeout=20)
    bar = k.text()[-1]
    assert '%s/%s' % (T('Help', lang), T('Help', other)) in bar, bar
    k.send(F1)
    welcome_help = ('Choose your language with the arrow keys and Enter, or press its number. '
                    'You can change the language later on every screen with F2.')
    k.wait_for(T(welcome_help, lang)[:40])
    assert k.text()[0].strip() == '%s / %s' % (T('Help', lang), T('Help', other)), k.text()[0]
    shown = all_text(k)
    for l in (lang, other):
        assert flat(T(welcome_help, l))[:60] in shown, (l, shown)
        assert T('Keys that work everywhere:', l) in shown, (l, shown)
    # The language of the moment first.
    assert shown.index(flat(T(welcome_help, lang))[:40]) < shown.index(flat(T(welcome_help, other))[:40])
    # Its key bar too: the way back in both.
    bar = k.text()[-1]
    assert '%s/%s' % (T('Back', lang), T('Back', other)) in bar, bar
    # Past the welcome, the key bar speaks the chosen language only.
    k.send('0')
    k.wait_for('1  Nederlands')
    k.send('2')
    k.wait_for(T('Back to the choice of language', 'en'))
    assert T('Help', 'nl') not in k.text()[-1], k.text()[-1]


@pytest.mark.parametrize('lang', ['nl', 'en'])
def test_line_mode_welcome_says_what_to_type_in_both_languages(tmp_path, forms_dir, lang):
    from rawpty import LineSession
    from zkharness import base_env
    other = 'en' if lang == 'nl' else 'nl'
    prompt = 'Type a number and Enter. 0: back. ?: help.'
    s = LineSession(['--db', str(tmp_path / 'zk.db'), '--forms', forms_dir, '--plain', '--lang', lang],
                    env=base_env(), stderr_path=str(tmp_path / 'stderr.txt'))
    try:
        out = s.first_screen()
        first, second = T(prompt, lang).strip(), T(prompt, other).strip()
        assert first in out and second in out and out.index(first) < out.index(second), out
        out = s.cmd('2')
        assert T(prompt, 'en').strip() in out and T(prompt, 'nl').strip() not in out, out
    finally:
        s.finish()
