"""A caregiver reads about an option, asks for contact, and the request is
stored: for each of the five options, in Dutch and in English."""
import os
import stat

import pytest

from steps import fill_form, open_form_from_page, open_menu_item, choose_language, valid_answers
from zkharness import REF_RE, T, db_intake, db_rows

OPTIONS = ['respite_light', 'presence_care', 'day_care', 'short_stay', 'parking_permit']


@pytest.mark.parametrize('lang', ['nl', 'en'])
@pytest.mark.parametrize('option', OPTIONS)
def test_request_contact_from_option_page_is_stored(kiosk, forms, option, lang):
    assert forms.pages[option].get('request'), '%s offers no "Request contact"' % option
    k = kiosk()
    choose_language(k, forms, lang)
    assert forms.menu_items().index(option) == OPTIONS.index(option), \
        'menu item %d should be %s' % (OPTIONS.index(option) + 1, option)
    open_menu_item(k, forms, option, lang)
    open_form_from_page(k, forms, option, lang)

    situation = 'Ik zorg voor mijn moeder; zij woont in Café Noord.'
    answers = valid_answers(forms, name='Anna de Vries', phone='06 12345678', situation=situation,
                            options='read')
    seen = fill_form(k, forms, lang, answers)
    assert seen.get(option) is True, \
        'the option the caregiver came from (%s) is not ticked in the form: %r' % (option, seen)
    assert [p for p, on in seen.items() if on] == [option], 'other options are ticked too: %r' % seen

    # The review shows every answer once more; nothing is stored yet.
    k.wait_for(T('Check your answers', lang), 'Anna de Vries')
    k.wait_for('0612345678', forms.pages[option]['title'][lang])
    assert db_rows(k.db_path, 'SELECT count(*) FROM intake')[0][0] == 0, 'stored before "Send"'

    k.choose(T('Send', lang))
    m = k.wait_match(REF_RE.pattern)
    ref = m.group(0)
    prefix = T('Your reference number: %s', lang).split('%s')[0].strip()
    k.wait_for(prefix)
    k.close()

    row, ans = db_intake(k.db_path, ref)
    assert row is not None, 'no intake row with ref %s in the database' % ref
    assert row[2] == lang, 'ui_lang is %r, expected %r' % (row[2], lang)
    assert ans.get('name') == 'Anna de Vries', ans
    assert ans.get('phone') == '0612345678', 'phone not normalized: %r' % ans.get('phone')
    assert option in ans.get('options', '').split(','), 'options answer %r lacks %s' % (ans.get('options'), option)
    assert ans.get('situation') == situation, ans.get('situation')
    assert ans.get('consent') == 'yes'
    if 'under18' in ans or any(f['id'] == 'under18' for f in forms.fields):
        assert ans.get('under18') == 'no'
    assert 'email' not in ans, 'an empty answer was stored: %r' % ans

    mode = stat.S_IMODE(os.stat(k.db_path).st_mode)
    assert mode == 0o600, 'database mode is %o, expected 600' % mode
    for extra in ('-wal', '-shm'):
        p = k.db_path + extra
        if os.path.exists(p):
            m2 = stat.S_IMODE(os.stat(p).st_mode)
            assert m2 & 0o077 == 0, '%s is readable by others: mode %o' % (p, m2)
