"""'Help me choose': a few questions, suggestions at the end, and "Request
contact" there ticks the suggested options in the form."""
import pytest

from steps import choose_language, fill_form, open_menu_item, wait_form
from zkharness import T, walk_flow


def answer_flow(k, forms, flow_id, lang, pick):
    """Answer the flow's questions on screen; returns the expected
    suggestions (page ids)."""
    asked, sugg = walk_flow(forms, flow_id, pick)
    for q, i in asked:
        k.wait_for(q['ask'][lang])
        k.choose(q['answers'][i]['label'][lang])
    return sugg


@pytest.mark.parametrize('lang,pick', [('en', 'first'), ('nl', 'first'), ('en', 'last')])
def test_help_me_choose_suggests_and_ticks_them_in_the_form(kiosk, forms, lang, pick):
    flow_id = 'choose'
    assert flow_id in forms.menu_items(), 'the menu has no "Help me choose" flow'
    assert forms.menu_items().index(flow_id) == 7, '"Help me choose" is not menu item 8'
    k = kiosk()
    choose_language(k, forms, lang)
    open_menu_item(k, forms, flow_id, lang)
    choose = (lambda q: 0) if pick == 'first' else (lambda q: len(q['answers']) - 1)
    sugg = answer_flow(k, forms, flow_id, lang, choose)

    k.wait_for(T('What we found for you', lang))
    for pid in sugg:
        k.wait_for(forms.pages[pid]['title'][lang])
    heading = T('This may help you:' if len(sugg) == 1 else 'These may help you:', lang)
    k.wait_for(heading)

    k.choose(T('Ask us to get in touch', lang))
    wait_form(k, forms, lang)
    seen = fill_form(k, forms, lang, {'options': 'read'}, submit=False)
    want = {p['id']: p['id'] in sugg for p in forms.request_pages()}
    assert seen == want, 'ticked options %r, expected the suggestions %r' % (
        sorted(p for p, on in seen.items() if on), sorted(p for p, on in want.items() if on))
