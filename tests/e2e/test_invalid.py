"""Answers that need a change: the message stands beside the answer, in the
caregiver's language, and correcting one answer keeps all the others.
Without consent nothing is stored."""
import re

import pytest

from steps import fill_form, to_form, valid_answers
from zkharness import BACKSPACE, CATALOG, DOWN, ENTER, REF_RE, SPACE, TAB, T, db_rows, flat

# A tall terminal: the whole form is in view, so "beside" can be checked
# by rows.
ROWS = 90

MSG_REQUIRED = 'Please fill this in.'
MSG_PHONE = 'Please type a Dutch phone number: 10 digits starting with 0, or +31.'
MSG_EMAIL = 'Please type an e-mail address like name@example.nl.'
MSG_ONE_OF = 'Please fill in a phone number or an e-mail address, so we can reach you.'
NOTICE = 'Some answers need a change. The messages marked ! say what to change.'

SITUATION = 'Mijn vader heeft dementie.'

# name: (answers changed from the valid set, the field the message is
# beside, the keys that correct it, the corrected value as the review shows)
CASES = {
    'bad_phone': (dict(phone='12345'), 'phone', BACKSPACE * 5 + '0612345678', '0612345678', MSG_PHONE),
    'bad_email': (dict(phone=None, email='jan@'), 'email', 'voorbeeld.nl', 'jan@voorbeeld.nl', MSG_EMAIL),
    'no_phone_no_email': (dict(phone=None), 'phone', '06-87654321', '0687654321', MSG_ONE_OF),
    'empty_name': (dict(name=None), 'name', 'Anna de Vries', 'Anna de Vries', MSG_REQUIRED),
}


def shown(msgid, lang):
    """The text the kiosk must show for msgid; in Dutch it must be Dutch."""
    if lang == 'nl':
        nl = CATALOG.dutch(msgid)
        assert nl, 'locale/nl.po has no Dutch text for %r' % msgid
        assert nl != msgid
        return nl
    return msgid


def row_of(k, text, after=-1):
    for y, l in enumerate(k.text()):
        if y > after and text in l:
            return y
    return None


def assert_beside(k, forms, fid, msg, lang):
    """msg is shown under field fid's answer, before the next question."""
    i = forms.field_index(fid)
    label = forms.field_label(fid, lang)
    nxt = forms.field_label(forms.fields[i + 1]['id'], lang)
    r_label = row_of(k, label)
    r_next = row_of(k, nxt, r_label if r_label is not None else -1)
    # A long message wraps: its first words start the line under the answer.
    r_msg = row_of(k, '! ' + ' '.join(msg.split()[:4]), r_label if r_label is not None else -1)
    assert r_label is not None and r_next is not None, 'field labels not found\n' + k.dump()
    assert r_msg is not None and r_msg < r_next, \
        'the message %r is not beside "%s" (rows %s..%s)\n%s' % (msg, label, r_label, r_next, k.dump())


@pytest.mark.parametrize('lang', ['nl', 'en'])
@pytest.mark.parametrize('case', list(CASES))
def test_invalid_answer_gets_a_message_beside_it_and_others_are_kept(kiosk, forms, case, lang):
    change, fid, fix_keys, fixed, msgid = CASES[case]
    k = kiosk(rows=ROWS)
    to_form(k, forms, 'day_care', lang)
    answers = valid_answers(forms, situation=SITUATION, **change)
    fill_form(k, forms, lang, answers)

    msg = shown(msgid, lang)
    k.wait_for('! ' + msg)
    k.wait_for(shown(NOTICE, lang))
    assert_beside(k, forms, fid, msg, lang)
    if lang == 'nl':
        assert not k.contains(msgid), 'the English message is shown in the Dutch form\n' + k.dump()
    # Only that answer has a message.
    msgs = [l.strip() for l in k.text() if l.strip().startswith('! ')]
    assert len(msgs) == 2, 'expected the summary and one message, got %r\n%s' % (msgs, k.dump())

    # The focus is on the answer to change; correct it.
    k.press(fix_keys)
    k.wait_gone('! ' + msg)
    kept = [v for f, v in answers.items()
            if f != fid and isinstance(v, str) and forms.field(f)['type'] in ('text', 'textarea', 'phone', 'email')]
    for v in kept:
        assert k.contains(v), 'the answer %r was lost while correcting %s\n%s' % (v, fid, k.dump())
    # The choices are still chosen: one filled radio per choice field.
    radios = sum(1 for l in k.text() if l.strip().startswith('(\u25cf)'))
    assert radios == sum(1 for f in forms.fields if f['type'] == 'choice'), k.dump()

    k.press(TAB)
    k.focus_to(T('Check my answers', lang))
    k.send(ENTER)
    k.wait_for(T('Check your answers', lang), fixed)
    for f, v in answers.items():
        if f == fid or not isinstance(v, str) or forms.field(f)['type'] not in ('text', 'textarea', 'phone', 'email'):
            continue
        # The review shows a phone number as it is stored.
        k.wait_for(re.sub(r'[ ()-]', '', v) if forms.field(f)['type'] == 'phone' else v)


def test_no_consent_stores_nothing_and_offers_permission(kiosk, forms):
    lang = 'nl'
    k = kiosk()
    to_form(k, forms, 'presence_care', lang)
    fill_form(k, forms, lang, valid_answers(forms, consent=None))
    k.wait_for(T('You did not give permission to store your details.', lang))
    first = forms.intake['no_consent'][lang].split('\n')[0]
    k.wait_for(first)
    k.wait_for(T('Give permission after all', lang), T('Stop and wipe my answers', lang))
    assert not any(l.strip().endswith('  ' + T('Send', lang)) for l in k.text()), \
        'a Send button without consent\n' + k.dump()
    assert db_rows(k.db_path, 'SELECT count(*) FROM intake')[0][0] == 0, 'stored without consent'
    k.choose(T('Stop and wipe my answers', lang))
    k.wait_for('1  Nederlands', '2  English')
    k.close()
    assert db_rows(k.db_path, 'SELECT count(*) FROM intake')[0][0] == 0
    assert db_rows(k.db_path, 'SELECT count(*) FROM answer')[0][0] == 0


def test_giving_permission_after_all_stores_the_request(kiosk, forms):
    lang = 'en'
    k = kiosk()
    to_form(k, forms, 'presence_care', lang)
    fill_form(k, forms, lang, valid_answers(forms, consent=None))
    k.wait_for(T('You did not give permission to store your details.', lang))
    assert db_rows(k.db_path, 'SELECT count(*) FROM intake')[0][0] == 0
    k.choose(T('Give permission after all', lang))
    # Back in the form, at the consent box.
    consent = forms.field_label('consent', lang)
    k.wait_until(lambda: consent[:30] in k.focused(), 'the focus is not on the consent box\n' + k.dump())
    k.press(SPACE)
    k.wait_until(lambda: k.focused().startswith('[x]'), 'the consent box was not ticked')
    k.press(TAB)
    k.focus_to(T('Check my answers', lang))
    k.send(ENTER)
    k.choose(T('Send', lang))
    ref = k.wait_match(REF_RE.pattern).group(0)
    k.close()
    assert db_rows(k.db_path, 'SELECT count(*) FROM intake WHERE ref = ?', (ref,))[0][0] == 1


def test_moving_between_the_choices_of_a_question_shows_no_message_yet(kiosk, forms):
    """Arrowing through the choices of one question is not leaving it: the
    "Please fill this in." message belongs after the caregiver tries to go on
    (scr_form.c: a missing answer is said when the caregiver goes on)."""
    lang = 'en'
    ck = next(f for f in forms.fields if f['type'] == 'choice' and f.get('required') and not f.get('default'))
    k = kiosk(rows=ROWS)
    to_form(k, forms, 'presence_care', lang)
    for _ in range(forms.field_index(ck['id'])):
        k.press(TAB)
    first, second = ck['choices'][0]['label'][lang], ck['choices'][1]['label'][lang]
    k.wait_until(lambda: k.focused_label() == first, 'the focus is not on %r' % first)
    k.press(DOWN)
    k.wait_until(lambda: k.focused_label() == second, 'Down did not move to %r' % second)
    assert_no_message_under(k, forms, ck['id'], lang)
    # Leaving the question does not show it either: that it is missing is
    # said when the caregiver tries to go on ("Check my answers").
    k.press(TAB)
    assert_no_message_under(k, forms, ck['id'], lang)
    k.focus_to(T('Check my answers', lang))
    k.send(ENTER)
    k.wait_for('! ' + T(MSG_REQUIRED, lang))


def assert_no_message_under(k, forms, fid, lang):
    i = forms.field_index(fid)
    r_label = row_of(k, forms.field_label(fid, lang))
    r_next = row_of(k, forms.field_label(forms.fields[i + 1]['id'], lang), r_label)
    between = k.text()[r_label:r_next]
    assert not any(l.strip().startswith('! ') for l in between), \
        'moving between the choices of "%s" already shows a message:\n%s' % (
            forms.field_label(fid, lang), k.dump())


@pytest.mark.parametrize('lang', ['nl', 'en'])
def test_required_questions_are_marked_before_anything_is_sent(kiosk, forms, lang):
    """Which questions must be answered shows when the form opens, not only
    in the messages after "Check my answers"."""
    k = kiosk(rows=ROWS)
    to_form(k, forms, 'day_care', lang)
    # Lines joined: a long label wraps, its mark on the next line.
    screen = flat(' '.join(l.strip(' \u25b6>') for l in k.text()))
    for f in forms.fields:
        marked = flat(T('%s (required)', lang) % f['label'][lang])
        if f.get('required'):
            assert marked in screen, '%s is not marked required:\n%s' % (f['id'], k.dump())
        else:
            assert marked not in screen, '%s is marked required but is not:\n%s' % (f['id'], k.dump())
