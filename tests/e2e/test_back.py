"""Esc goes back one step on every screen, and so does 0 where the screen
has a Back line; Esc on the welcome stays there."""
import time

import pytest

from steps import choose_language, fill_form, open_form_from_page, open_menu_item, valid_answers
from zkharness import ESC, ESC_DELAY, F1, F2, PGUP, T, walk_flow

LANG = 'en'


def title_is(k, title):
    k.wait_until(lambda: k.text()[0].strip() == title,
                 'the title bar never became %r' % title)


def at_welcome(k, forms):
    """The welcome where the next person starts: in the start language
    (Dutch), not in the language the last visitor chose."""
    title_is(k, forms.welcome_title('nl'))
    k.wait_for('1  Nederlands', '2  English')


def at_menu(k, forms):
    title_is(k, forms.menu_title(LANG))
    k.wait_for(T('Back to the choice of language', LANG))


def at_page(k, forms, pid):
    title_is(k, forms.title(pid, LANG))
    k.wait_for(T('Back to the menu', LANG))


def at_question(k, q):
    k.wait_for(q['ask'][LANG])


def at_form(k, forms):
    title_is(k, forms.intake_title(LANG))
    k.wait_for(T('Check my answers', LANG))


def form_shows(k, forms, text):
    """Scroll the form up to its first question; text must be there."""
    for _ in range(10):
        if k.contains(forms.field_label(forms.fields[0]['id'], LANG)):
            break
        k.press(PGUP)
    k.wait_for(text)


def go_back(k, how):
    if how == 'esc':
        k.send(ESC)
    else:
        k.send('0')


# Each case: how to get to the screen from the welcome, and what the screen
# one step back looks like. Returns a function that checks it.

def case_menu(k, forms):
    choose_language(k, forms, LANG)
    return lambda: at_welcome(k, forms)


def case_page(k, forms):
    choose_language(k, forms, LANG)
    open_menu_item(k, forms, 'day_care', LANG)
    return lambda: at_menu(k, forms)


def case_section(k, forms):
    choose_language(k, forms, LANG)
    open_menu_item(k, forms, 'day_care', LANG)
    sec = forms.pages['day_care']['sections'][0]
    k.send('1')
    title_is(k, sec['title'][LANG])
    k.wait_for('0  ' + T('Back', LANG))
    return lambda: at_page(k, forms, 'day_care')


def _flow_setup(k, forms, answered):
    choose_language(k, forms, LANG)
    open_menu_item(k, forms, 'choose', LANG)
    asked, _ = walk_flow(forms, 'choose', lambda q: 0)
    for q, i in asked[:answered]:
        at_question(k, q)
        k.choose(q['answers'][i]['label'][LANG])
    return asked


def case_first_question(k, forms):
    asked = _flow_setup(k, forms, 0)
    at_question(k, asked[0][0])
    return lambda: at_menu(k, forms)


def case_second_question(k, forms):
    asked = _flow_setup(k, forms, 1)
    at_question(k, asked[1][0])
    return lambda: at_question(k, asked[0][0])


def case_flow_result(k, forms):
    asked = _flow_setup(k, forms, 999)
    k.wait_for(T('What we found for you', LANG))
    return lambda: (at_question(k, asked[-1][0]), k.wait_gone(T('What we found for you', LANG)))


def case_page_check(k, forms):
    # The check "Is this right for me?" on a page leads back to the page.
    pid = next(p['id'] for p in forms.guide['pages'] if p.get('check'))
    choose_language(k, forms, LANG)
    open_menu_item(k, forms, pid, LANG)
    k.choose(T('Is this right for me? (a few questions)', LANG))
    title_is(k, forms.flows[forms.pages[pid]['check']]['title'][LANG])
    return lambda: at_page(k, forms, pid)


def case_help(k, forms):
    choose_language(k, forms, LANG)
    open_menu_item(k, forms, 'day_care', LANG)
    k.send(F1)
    title_is(k, T('Help', LANG))
    k.wait_for(T('Keys that work everywhere:', LANG))
    return lambda: at_page(k, forms, 'day_care')


def case_no_consent_review(k, forms):
    choose_language(k, forms, LANG)
    open_menu_item(k, forms, 'day_care', LANG)
    open_form_from_page(k, forms, 'day_care', LANG)
    fill_form(k, forms, LANG, valid_answers(forms, consent=None))
    k.wait_for(T('You did not give permission to store your details.', LANG))
    return lambda: (at_form(k, forms), form_shows(k, forms, 'Anna de Vries'))


CASES_ESC = [case_menu, case_page, case_section, case_first_question, case_second_question,
             case_flow_result, case_page_check, case_help, case_no_consent_review]
CASES_ZERO = [case_menu, case_page, case_section, case_first_question, case_second_question,
              case_flow_result, case_help, case_no_consent_review]


@pytest.mark.parametrize('case', CASES_ESC, ids=lambda c: c.__name__[5:])
def test_esc_goes_back_one_step(kiosk, forms, case):
    k = kiosk()
    check = case(k, forms)
    go_back(k, 'esc')
    check()


@pytest.mark.parametrize('case', CASES_ZERO, ids=lambda c: c.__name__[5:])
def test_zero_goes_back_one_step(kiosk, forms, case):
    k = kiosk()
    check = case(k, forms)
    go_back(k, 'zero')
    check()


def test_esc_from_form_goes_back_to_the_page_and_keeps_answers(kiosk, forms):
    k = kiosk()
    choose_language(k, forms, LANG)
    open_menu_item(k, forms, 'short_stay', LANG)
    open_form_from_page(k, forms, 'short_stay', LANG)
    k.press('Piet Paulusma')
    k.send(ESC)
    at_page(k, forms, 'short_stay')
    open_form_from_page(k, forms, 'short_stay', LANG)
    k.wait_for('Piet Paulusma')


def test_esc_from_review_goes_back_to_the_form(kiosk, forms):
    k = kiosk()
    choose_language(k, forms, LANG)
    open_menu_item(k, forms, 'short_stay', LANG)
    open_form_from_page(k, forms, 'short_stay', LANG)
    fill_form(k, forms, LANG, valid_answers(forms))
    title_is(k, T('Check your answers', LANG))
    k.send(ESC)
    at_form(k, forms)
    form_shows(k, forms, 'Anna de Vries')


def test_esc_from_confirmation_wipes_and_returns_to_the_welcome(kiosk, forms):
    k = kiosk()
    choose_language(k, forms, LANG)
    open_menu_item(k, forms, 'short_stay', LANG)
    open_form_from_page(k, forms, 'short_stay', LANG)
    fill_form(k, forms, LANG, valid_answers(forms))
    title_is(k, T('Check your answers', LANG))
    k.choose(T('Send', LANG))
    k.wait_match(r'MZ-\d{4}-\d{4}')
    k.send(ESC)
    # The kiosk started in Dutch: the welcome is Dutch again.
    title_is(k, forms.welcome_title('nl'))
    k.wait_gone('Anna de Vries')


def test_esc_on_the_welcome_stays_on_the_welcome(kiosk, forms):
    k = kiosk()
    k.send(ESC)
    time.sleep(ESC_DELAY * 2)
    assert k.proc.poll() is None, 'the kiosk ended on Esc'
    assert k.text()[0].strip() == forms.welcome_title('nl'), k.dump()
    # Still the welcome, and it still answers: F2 switches it.
    k.send(F2)
    title_is(k, forms.welcome_title('en'))
    k.wait_for('1  Nederlands', '2  English')
    k.send('2')
    at_menu(k, forms)
