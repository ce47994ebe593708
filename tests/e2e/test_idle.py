"""After --idle seconds without a key the kiosk wipes what was typed and
returns to the welcome, for the next person."""
import time

from steps import field_value, open_form_from_page, open_menu_item, to_form
from zkharness import TAB

IDLE = 10  # the smallest --idle the kiosk accepts


def test_idle_wipes_the_form_and_returns_to_the_welcome(kiosk, forms):
    lang = 'en'
    k = kiosk(idle=IDLE)
    to_form(k, forms, 'respite_light', lang)
    # Every key starts the idle time again: wait a while before typing, so
    # a wipe counted from opening the form would come too early.
    time.sleep(IDLE * 0.3)
    name = 'Geheime Naam'
    k.press(name)
    k.press(TAB)
    k.press('06 11122233')
    k.wait_for(name, '06 11122233')
    typed_at = time.monotonic()

    # The welcome, in the start language (Dutch), within ~15 s.
    k.wait_until(lambda: k.text()[0].strip() == forms.welcome_title('nl') and k.contains('1  Nederlands'),
                 'the kiosk did not return to the welcome after %d s idle' % IDLE, timeout=IDLE + 5)
    waited = time.monotonic() - typed_at
    assert waited >= IDLE - 0.5, \
        'wiped %.1f s after the last key: keys do not restart the idle time of %d s' % (waited, IDLE)
    screen = '\n'.join(k.text())
    assert name not in screen and '11122233' not in screen, 'typed answers still on screen\n' + k.dump()

    # The form is empty when someone opens it again.
    k.send('2')
    open_menu_item(k, forms, 'respite_light', lang)
    open_form_from_page(k, forms, 'respite_light', lang)
    screen = '\n'.join(k.text())
    assert name not in screen and '11122233' not in screen, 'the form still holds the answers\n' + k.dump()
    assert field_value(k, forms, 'name', lang) == '', 'the name field is not empty\n' + k.dump()
    k.close()
