"""Without a UTF-8 locale (LANG unset, or LANG=C) the kiosk still speaks
Dutch and English, and sends the terminal plain ASCII only."""
import re

import pytest

from steps import choose_language, fill_form, open_form_from_page
from zkharness import F2, T, key_bar_text, welcome_key_bar

LOCALE_VARS = ('LC_ALL', 'LC_CTYPE', 'LC_MESSAGES', 'LANGUAGE')


def non_ascii_section(forms):
    """(page id, section index, text) of a section whose Dutch text has
    letters outside ASCII, e.g. "cliëntondersteuners"."""
    for pid in forms.menu_items():
        p = forms.pages.get(pid)
        for i, sec in enumerate((p or {}).get('sections', [])[:8]):
            if re.search(r'[^\x00-\x7f]', sec['text']['nl']):
                return pid, i, sec['text']['nl']
    return None


def non_ascii_bytes(raw):
    bad = [(i, b) for i, b in enumerate(raw) if b > 127]
    if not bad:
        return None
    i = bad[0][0]
    return '%d bytes above 127, the first at %d: %r' % (len(bad), i, bytes(raw[max(0, i - 40):i + 20]))


@pytest.mark.parametrize('lang_env', [None, 'C'], ids=['LANG_unset', 'LANG_C'])
def test_no_utf8_locale_still_bilingual_and_ascii_only(kiosk, forms, lang_env):
    k = kiosk(lang=lang_env, unset=LOCALE_VARS)
    k.wait_until(lambda: k.text()[0].strip() == forms.welcome_title('nl'), 'no Dutch welcome')
    nl_keys = welcome_key_bar('nl')
    k.wait_for(nl_keys)

    k.send(F2)
    k.wait_until(lambda: k.text()[0].strip() == forms.welcome_title('en'), 'F2 did not switch to English')
    k.wait_for(welcome_key_bar('en'))
    k.send(F2)
    k.wait_until(lambda: k.text()[0].strip() == forms.welcome_title('nl'), 'F2 did not switch back to Dutch')
    k.wait_for(nl_keys)

    choose_language(k, forms, 'nl')
    k.wait_for(key_bar_text('nl'))
    # A text with letters outside ASCII is shown transliterated.
    found = non_ascii_section(forms)
    if found:
        pid, i, text = found
        k.send(forms.menu_key(pid))
        k.wait_for(T('Back to the menu', 'nl'))
        k.send(str(i + 1))
        # The word with the foreign letters, each letter replaced by up to
        # two ASCII characters (iconv's transliteration, or '?').
        word = next(w for w in text.split() if re.search(r'[^\x00-\x7f]', w)).strip('.,;:()"')
        rx = '[ -~]{0,2}'.join(re.escape(p) for p in re.split(r'[^\x00-\x7f]', word))
        k.wait_match(rx)
        k.send('0')
        k.wait_for(T('Back to the menu', 'nl'))
        k.send('0')
        k.wait_for(forms.menu_title('nl'))
    # The form: radio buttons and the scroll mark in ASCII too.
    k.send(forms.menu_key('day_care'))
    k.wait_for(T('Back to the menu', 'nl'))
    open_form_from_page(k, forms, 'day_care', 'nl')
    fill_form(k, forms, 'nl', {'name': 'Zoe Angstrom'}, submit=False)
    k.wait_for('(*)')
    k.close()
    problem = non_ascii_bytes(k.raw)
    assert problem is None, 'the kiosk sent non-ASCII bytes to a %s terminal: %s' % (lang_env or 'C', problem)
