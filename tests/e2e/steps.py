"""Steps a caregiver takes, shared by the tests. Every step waits for the
screen it leads to, so the next key always meets the screen it is meant for."""
import re

from zkharness import ENTER, SPACE, TAB, T, flat

LANG_KEY = {'nl': '1', 'en': '2'}
TEXT_TYPES = ('text', 'textarea', 'phone', 'email')


def choose_language(k, forms, lang):
    """On the welcome: pick lang; waits for the main menu."""
    k.send(LANG_KEY[lang])
    k.wait_for(forms.menu_title(lang), T('Back to the choice of language', lang))


def open_menu_item(k, forms, item_id, lang):
    """On the menu: open a page or flow by its digit; waits for it."""
    k.send(forms.menu_key(item_id))
    if item_id in forms.pages:
        k.wait_for(T('Back to the menu', lang))
    k.wait_for(forms.title(item_id, lang))


def wait_form(k, forms, lang):
    k.wait_for(forms.intake_title(lang), forms.field_label(forms.fields[0]['id'], lang))


def open_form_from_page(k, forms, page_id, lang):
    """On a page: "Ask us to get in touch about this"; waits for the form."""
    k.choose(T('Ask us to get in touch about this', lang))
    wait_form(k, forms, lang)


def to_form(k, forms, page_id, lang):
    """From the welcome to the form of page_id."""
    choose_language(k, forms, lang)
    open_menu_item(k, forms, page_id, lang)
    open_form_from_page(k, forms, page_id, lang)


def fill_form(k, forms, lang, answers, submit=True, start=0):
    """Fill the form field by field with Tab, from field `start` (where the
    focus is). answers maps field ids to: text (typed), a choice id
    (chosen), True (consent ticked), or for options 'read' (only read) or a
    dict page id -> wanted state. Unnamed fields are left as they are.
    Returns the options as seen: page id -> ticked. With submit, goes on to
    "Check my answers" and presses Enter."""
    seen = {}
    for i, f in enumerate(forms.fields):
        if i < start:
            continue
        if i > start:
            k.press(TAB)
        v = answers.get(f['id'])
        if v is None:
            continue
        t = f['type']
        if t in TEXT_TYPES:
            k.press(v)
        elif t == 'choice':
            k.focus_to(forms.choice_label(f['id'], v, lang))
            k.press(SPACE)
        elif t == 'consent':
            if v:
                k.press(SPACE)
        elif t == 'options':
            for p in forms.request_pages():
                label = p['title'][lang]
                k.focus_to(label)
                ticked = k.focused().startswith('[x]')
                if isinstance(v, dict) and p['id'] in v and v[p['id']] != ticked:
                    k.press(SPACE)
                    ticked = k.focused().startswith('[x]')
                seen[p['id']] = ticked
    if submit:
        k.press(TAB)
        k.focus_to(T('Check my answers', lang))
        k.send(ENTER)
    return seen


def valid_answers(forms, name='Anna de Vries', phone='06 12345678', **more):
    """A complete, valid set of answers (the second choice of each choice
    field, "no" for under18 when the form has it)."""
    a = {'name': name, 'phone': phone, 'consent': True}
    for f in forms.fields:
        if f['type'] == 'choice' and f['id'] not in a and f.get('default') is None:
            ids = [c['id'] for c in f['choices']]
            a[f['id']] = 'no' if 'no' in ids else ids[min(1, len(ids) - 1)]
    a.update(more)
    return {k: v for k, v in a.items() if v is not None}


def message(msgid, lang):
    """A message as the kiosk shows it beside an answer."""
    return '! ' + T(msgid, lang)


def screen_flat(k):
    return flat(' '.join(l.strip() for l in k.text()))


def input_value(line):
    """The text in a drawn one-line answer: without the focus marker and
    the brackets the kiosk draws around it."""
    t = line.strip()
    if t[:1] in '\u25b6>':
        t = t[1:].strip()
    if t.startswith('[') and t.endswith(']') and not re.match(r'^\[.\] ', t):
        t = t[1:-1]
    return t.strip()


def field_value(k, forms, fid, lang):
    """What the answer of text field fid shows (the line under its label,
    or under its hint)."""
    f = forms.field(fid)
    lines = k.text()
    heads = (f['label'][lang], T('%s (required)', lang) % f['label'][lang])
    r = next((i for i, l in enumerate(lines) if l.strip() in heads), None)
    assert r is not None, 'no label %r on screen\n%s' % (f['label'][lang], k.dump())
    r += 1
    if 'hint' in f and lines[r].strip() == f['hint'][lang]:
        r += 1
    return input_value(lines[r])
