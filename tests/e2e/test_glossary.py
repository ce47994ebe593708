"""Words explained: every screen that uses a word of forms/glossary.conf
offers "Words on this page", listing just those words (and the words their
explanations use) with their explanations; F1 lists them too; line mode
offers them as a numbered line. glossary.py says which words a screen uses."""
import pytest

from glossary import Glossary
from rawpty import LineSession
from steps import choose_language, open_menu_item
from zkharness import ENTER, ESC_DELAY, F1, F2, PGDN, T, base_env, flat

PAGE = 'short_stay'
SECTION = 3  # "Melding bij de gemeente": Wmo, pgb, zorg in natura, eigen bijdrage, ...


@pytest.fixture(scope='module')
def gloss(forms_dir):
    g = Glossary(forms_dir)
    assert len(g.ids()) >= 12, 'forms/glossary.conf has too few words'
    return g


def section_screen_text(forms, lang, page_id, i):
    """Everything the section screen shows: title bar, heading, body, buttons."""
    p = forms.pages[page_id]
    s = p['sections']
    parts = [s[i]['title'][lang], p['title'][lang], s[i]['text'][lang]]
    if i + 1 < len(s):
        parts.append(T('Next: %s', lang) % s[i + 1]['title'][lang])
    if p.get('request'):
        parts.append(T('Ask us to get in touch about this', lang))
    parts.append(T('Back', lang))
    return '\n'.join(parts)


def words_label(gloss, ids, lang):
    return T('Words on this page: %s', lang) % ', '.join(gloss.word(g, lang) for g in ids)


def open_section(k, forms, lang, page_id, i):
    choose_language(k, forms, lang)
    open_menu_item(k, forms, page_id, lang)
    k.send(str(i + 1))
    k.wait_for(forms.pages[page_id]['sections'][i]['text'][lang][:30])


def all_text(k, tries=12):
    """The whole screen's text, paging down to its end."""
    seen, before = [], None
    for _ in range(tries):
        now = k.text()
        seen.append(flat(' '.join(now[1:-1])))
        if now == before:
            break
        before = now
        k.press(PGDN)
    return ' '.join(seen)


@pytest.mark.parametrize('lang', ['nl', 'en'])
def test_the_words_of_a_screen_are_offered_and_explained(kiosk, forms, gloss, lang):
    ids = gloss.expected(section_screen_text(forms, lang, PAGE, SECTION), lang)
    for must in ('wmo', 'pgb', 'zorg_in_natura', 'eigen_bijdrage', 'keukentafelgesprek'):
        assert must in ids, (must, ids)
    k = kiosk()
    open_section(k, forms, lang, PAGE, SECTION)
    label = words_label(gloss, ids, lang)
    k.focus_to(label, exact=False)
    # What a crawler checks: every word on the screen is listed there.
    screen = ' '.join(k.text())
    assert set(gloss.words_in(screen, lang)) <= set(gloss.listed(screen, lang)), screen
    k.send(ENTER)
    k.wait_for(T('Words on this page', lang), gloss.word(ids[0], lang), gloss.text(ids[0], lang))
    shown = all_text(k)
    for gid in ids:
        assert flat(gloss.text(gid, lang)) in shown, (gid, shown)
    # Just those words: nothing from elsewhere in the glossary.
    for gid in set(gloss.ids()) - set(ids):
        assert flat(gloss.text(gid, lang)) not in shown, gid
    # F2 explains the same screen's words in the other language.
    other = 'en' if lang == 'nl' else 'nl'
    k.press(F2)
    k.wait_for(T('Words on this page', other))
    # Back returns to the section.
    k.send('0')
    k.wait_for(forms.pages[PAGE]['sections'][SECTION]['title'][other])


@pytest.mark.parametrize('lang', ['nl', 'en'])
def test_f1_lists_the_words_of_the_screen(kiosk, forms, gloss, lang):
    ids = gloss.expected(section_screen_text(forms, lang, PAGE, SECTION), lang)
    k = kiosk()
    open_section(k, forms, lang, PAGE, SECTION)
    k.send(F1)
    k.wait_for(T('Words on this page', lang), gloss.word(ids[0], lang), gloss.text(ids[0], lang)[:40])
    shown = all_text(k)
    for gid in ids:
        assert flat(gloss.text(gid, lang)) in shown, (gid, shown)
    assert flat(T('Keys that work everywhere:', lang)) in shown


@pytest.mark.parametrize('lang', ['nl', 'en'])
def test_screens_without_glossary_words_offer_none(kiosk, forms, gloss, lang):
    """The main menu uses no glossary word: no item. A page that does has one."""
    menu = '\n'.join([forms.menu_title(lang), forms.guide['menu']['intro'][lang]] +
                     [forms.title(i, lang) for i in forms.menu_items()] +
                     [T('Back to the choice of language', lang)])
    assert gloss.expected(menu, lang) == []
    k = kiosk()
    choose_language(k, forms, lang)
    prefix = T('Words on this page: %s', lang).split('%s')[0].strip()
    assert prefix not in flat(' '.join(k.text())), k.dump()
    open_menu_item(k, forms, 'parking_permit', lang)
    p = forms.pages['parking_permit']
    page_text = '\n'.join([p['title'][lang], p['summary'][lang]] + [s['title'][lang] for s in p['sections']] +
                          [T('Is this right for me? (a few questions)', lang),
                           T('Ask us to get in touch about this', lang), T('Back to the menu', lang)])
    ids = gloss.expected(page_text, lang)
    assert 'blauwe_zone' in ids
    k.wait_for(words_label(gloss, ids, lang))


@pytest.mark.parametrize('lang', ['nl', 'en'])
def test_line_mode_offers_the_words_as_a_numbered_line(tmp_path, forms_dir, forms, gloss, lang):
    ids = gloss.expected(section_screen_text(forms, lang, PAGE, SECTION), lang)
    s = LineSession(['--db', str(tmp_path / 'zk.db'), '--forms', forms_dir, '--plain'],
                    env=base_env(), stderr_path=str(tmp_path / 'stderr.txt'))
    try:
        s.first_screen()
        s.cmd('1' if lang == 'nl' else '2')
        s.cmd(forms.menu_key(PAGE))
        out = s.cmd(str(SECTION + 1))
        label = words_label(gloss, ids, lang)
        lines = out.splitlines()
        num = None
        for i, l in enumerate(lines):
            if l[4:].startswith(label[:30]):
                num = l[:3].strip(' )')
                assert label in flat(' '.join(x.strip() for x in lines[i:i + 6])), out
        assert num is not None, out
        out = s.cmd(num)
        assert '== %s ==' % T('Words on this page', lang) in out, out
        for gid in ids:
            assert flat(gloss.text(gid, lang)) in flat(out), (gid, out)
    finally:
        s.finish()


def page_screen_text(forms, lang, page_id):
    p = forms.pages[page_id]
    parts = [p['title'][lang], p['summary'][lang]] + [s['title'][lang] for s in p['sections']]
    if p.get('check'):
        parts.append(T('Is this right for me? (a few questions)', lang))
    if p.get('request'):
        parts.append(T('Ask us to get in touch about this', lang))
    parts.append(T('Back to the menu', lang))
    return '\n'.join(parts)


def listed_in_line_mode(out, gloss, lang):
    """The ids of the numbered line "Words on this page: ..." of a line-mode
    screen (its wrapped lines joined), or None."""
    lines = out.splitlines()
    head = T('Words on this page: %s', lang).split('%s')[0].strip()
    for i, l in enumerate(lines):
        if l[4:].startswith(head):
            return gloss.listed(' '.join(x.strip() for x in lines[i:i + 8]), lang)
    return None


@pytest.mark.parametrize('lang', ['nl', 'en'])
def test_every_page_and_section_lists_exactly_its_words(tmp_path, forms_dir, forms, gloss, lang):
    """Line mode through every page and section: the kiosk's list is the one
    glossary.py expects (the two implementations agree on the real texts)."""
    s = LineSession(['--db', str(tmp_path / 'zk.db'), '--forms', forms_dir, '--plain'],
                    env=base_env(), stderr_path=str(tmp_path / 'stderr.txt'))
    wrong = []
    try:
        s.first_screen()
        s.cmd('1' if lang == 'nl' else '2')
        for pid in [i for i in forms.menu_items() if i in forms.pages]:
            out = s.cmd(forms.menu_key(pid))
            want = gloss.expected(page_screen_text(forms, lang, pid), lang) or None
            if listed_in_line_mode(out, gloss, lang) != want:
                wrong.append('%s: want %s, got %s' % (pid, want, listed_in_line_mode(out, gloss, lang)))
            for i in range(len(forms.pages[pid]['sections'])):
                out = s.cmd(str(i + 1))
                want = gloss.expected(section_screen_text(forms, lang, pid, i), lang) or None
                got = listed_in_line_mode(out, gloss, lang)
                if got != want:
                    wrong.append('%s section %d: want %s, got %s' % (pid, i + 1, want, got))
                s.cmd('0')
            s.cmd('0')
    finally:
        s.finish()
    assert not wrong, '\n'.join(wrong)
