"""Switching between Nederlands and English: at once, on every screen, and
without losing what was typed."""
from steps import choose_language, open_menu_item, to_form
from zkharness import F2, TAB, T


def title_bar(k):
    return k.text()[0].strip()


def key_bar(k):
    return k.text()[-1].strip()


def test_f2_switches_the_welcome_at_once(kiosk, forms):
    k = kiosk()
    k.wait_for(forms.welcome_title('nl'))
    assert title_bar(k) == forms.welcome_title('nl')
    k.send(F2)
    k.wait_until(lambda: title_bar(k) == forms.welcome_title('en'), 'the welcome title did not become English')
    # The welcome speaks both languages, the chosen one first.
    lines = k.text()
    first_en = forms.welcome['text']['en'].split()[0:4]
    first_nl = forms.welcome['text']['nl'].split()[0:4]
    row_en = next(i for i, l in enumerate(lines) if ' '.join(first_en) in l)
    row_nl = next(i for i, l in enumerate(lines) if ' '.join(first_nl) in l)
    assert row_en < row_nl, 'after F2 the English welcome text should come first\n' + k.dump()
    assert 'Nederlands' in key_bar(k), 'the key bar should offer Nederlands now: %r' % key_bar(k)
    k.send(F2)
    k.wait_until(lambda: title_bar(k) == forms.welcome_title('nl'), 'F2 again did not switch back to Dutch')
    assert 'English' in key_bar(k)


def test_f2_switches_the_menu_at_once(kiosk, forms):
    k = kiosk()
    choose_language(k, forms, 'nl')
    k.send(F2)
    k.wait_for(forms.menu_title('en'), T('Back to the choice of language', 'en'))
    for item in forms.menu_items():
        k.wait_for(forms.title(item, 'en'))
    k.wait_gone(forms.menu_title('nl'))
    k.send(F2)
    k.wait_for(forms.menu_title('nl'), forms.title(forms.menu_items()[0], 'nl'))


def test_letter_l_in_a_menu_switches_language(kiosk, forms):
    k = kiosk()
    choose_language(k, forms, 'en')
    k.send('L')
    k.wait_for(forms.menu_title('nl'))
    k.send('l')
    k.wait_for(forms.menu_title('en'))
    # On a page (also a menu) too.
    open_menu_item(k, forms, 'day_care', 'en')
    k.send('l')
    k.wait_for(forms.title('day_care', 'nl'), T('Back to the menu', 'nl'))


def test_f2_in_the_form_keeps_typed_answers(kiosk, forms):
    k = kiosk()
    to_form(k, forms, 'respite_light', 'nl')
    k.press('Jan Lammers')
    k.press(TAB)
    k.press('06 12345678')
    k.wait_for('Jan Lammers', '06 12345678')

    k.send(F2)
    k.wait_for(forms.field_label('name', 'en'), forms.field_label('phone', 'en'), forms.intake_title('en'))
    k.wait_gone(forms.field_label('name', 'nl'))
    assert k.contains('Jan Lammers') and k.contains('06 12345678'), \
        'typed answers were lost when switching to English\n' + k.dump()

    # Typing goes on where it was (the phone field), after the switch.
    k.press('9')
    k.wait_for('06 123456789')

    k.send(F2)
    k.wait_for(forms.field_label('name', 'nl'), forms.field_label('phone', 'nl'), forms.intake_title('nl'))
    assert k.contains('Jan Lammers') and k.contains('06 123456789'), \
        'typed answers were lost when switching back to Dutch\n' + k.dump()


def test_letter_l_in_the_form_is_typed_not_a_switch(kiosk, forms):
    k = kiosk()
    to_form(k, forms, 'respite_light', 'en')
    k.press('Lola')
    k.wait_for('Lola')
    assert k.contains(forms.field_label('name', 'en')), 'typing L in a text field switched the language'
