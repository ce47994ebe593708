"""Staff notes and status changes that cannot happen by accident: a note of
several lines saved only on purpose, pasted text that is text (bracketed
paste) in the staff terminal and at the visitor's kiosk, closing a request
only after a question that names the retention period, and undo of a
status change. The database is read as the real SQLite file."""
import datetime
import os
import re
import time

import zkharness
from zkharness import ENTER, TAB, T, flat
import staffutil as su
from staffutil import LOGIN
import steps

PASTE_START, PASTE_END = '\x1b[200~', '\x1b[201~'
CTRL_S = '\x13'
# As a terminal pastes three lines from an e-mail: a CR for each line break.
NOTE_LINES = ['3 keer gebeld', 'export e x w j l n', '2e poging']


def paste(k, text, parts=3):
    """Paste text as a terminal does in bracketed paste mode, in several
    writes (one cut inside the end marker), as a slow link would deliver
    it."""
    data = (PASTE_START + text + PASTE_END).encode('utf-8')
    cuts = [len(PASTE_START) + 4, len(data) - 3]
    for a, b in zip([0] + cuts, cuts + [len(data)]):
        k.send(data[a:b])
        time.sleep(0.05)


def staff_on(kiosk, tmp_path, ref, retention=None):
    """A database with request ref (status new), and the staff terminal
    open on it; with retention, the site file sets that period."""
    db = tmp_path / 'zk.db'
    su.create_db(db)
    iid = su.insert_request(db, ref, '2026-04-02T10:00:00Z', su.answers('Notitie Persoon'))
    extra = {}
    if retention is not None:
        conf = str(tmp_path / 'site.conf')
        zkharness.write_site(conf, database=str(db), forms=os.path.join(zkharness.ROOT, 'forms'),
                             staff_users=[LOGIN], export_folder=str(tmp_path / 'site-exports'),
                             retention=retention)
        extra['ZK_TEST_CONF'] = conf
    k = kiosk(cols=80, rows=24, db=str(db), wait=False, LSAN_OPTIONS=su.LSAN,
              args=['staff', '--staff-users', LOGIN, '--lang', 'en'], **extra)
    k.wait_for(ref, timeout=20)
    k.send(ENTER)
    k.wait_for('Received')
    return k, db, iid


def audit_actions(db):
    return [r[0] for r in su.sql(db, 'SELECT action FROM audit ORDER BY id')]


def exports(k):
    folder = su.export_folder(k)
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def test_pasted_note_is_one_note_of_three_lines(kiosk, tmp_path):
    ref = 'MZ-2026-0011'
    k, db, iid = staff_on(kiosk, tmp_path, ref)

    # Pasted on the request page itself (no text field), even with an
    # arrow and an Esc in it: nothing happens.
    paste(k, '3 e\x1b[Bx\x1bj l n 0')
    k.wait_for(T('Pasted text can only go into a text field.', 'en'))
    assert k.contains(T('Status: %s', 'en') % 'new')
    assert audit_actions(db) == ['view']

    su.scroll_to(k, T('Add a note', 'en'))
    k.send(su.key_of(k, T('Add a note', 'en')))
    k.wait_for(T('Note (it is kept with your name):', 'en'), 'Ctrl-S ' + T('Save note', 'en'),
               'Esc ' + T('Cancel', 'en'))
    paste(k, '\r'.join(NOTE_LINES))
    k.wait_for(NOTE_LINES[2])
    # Still the editor: the paste neither saved nor left it.
    assert k.contains(T('Note (it is kept with your name):', 'en'))
    assert su.sql(db, 'SELECT count(*) FROM event') == [(0,)]
    k.send(CTRL_S)
    k.wait_for(T('The note has been saved.', 'en'))

    # Exactly one note, of three lines, and nothing else happened.
    assert su.sql(db, 'SELECT staff, old_status, new_status, note FROM event WHERE intake_id = ?', (iid,)) == \
        [(LOGIN, None, None, '\n'.join(NOTE_LINES))]
    assert su.sql(db, 'SELECT status FROM intake WHERE id = ?', (iid,)) == [('new',)]
    assert audit_actions(db) == ['view', 'note']
    assert exports(k) == []
    # The history shows it as one note, its lines under the first.
    su.scroll_to(k, NOTE_LINES[2])
    k.wait_match(re.escape(LOGIN) + r': note: ' + re.escape(NOTE_LINES[0]) + '$')
    lines = k.text()
    row = next(i for i, l in enumerate(lines) if l.strip() == NOTE_LINES[1])
    assert lines[row + 1].strip() == NOTE_LINES[2]
    # Still in English: the pasted l switched no language.
    assert 'L/F2 Nederlands' in k.text()[-1]
    # Bracketed paste was asked for, and turned off again at the end.
    k.close()
    modes = re.findall(rb'\x1b\[\?2004([hl])', bytes(k.raw))
    assert modes[:1] == [b'h'] and modes[-1:] == [b'l'], modes


def test_enter_in_a_note_is_a_new_line_and_cancel_saves_nothing(kiosk, tmp_path):
    ref = 'MZ-2026-0012'
    k, db, iid = staff_on(kiosk, tmp_path, ref)
    su.scroll_to(k, T('Add a note', 'en'))
    k.send(su.key_of(k, T('Add a note', 'en')))
    k.wait_for(T('Save note', 'en'), T('Cancel (the note is not saved)', 'en'))
    k.send('eerste regel\rtweede regel')
    k.wait_for('tweede regel')
    assert su.sql(db, 'SELECT count(*) FROM event') == [(0,)]
    k.esc()
    k.wait_for(T('The note was not saved.', 'en'))
    assert su.sql(db, 'SELECT count(*) FROM event') == [(0,)]

    # Saved with the button, after Tab: two lines.
    k.send(su.key_of(k, T('Add a note', 'en')))
    k.wait_for(T('Save note', 'en'))
    k.send('regel een\rregel twee')
    k.wait_for('regel twee')
    k.send(TAB)
    k.press(ENTER)
    k.wait_for(T('The note has been saved.', 'en'))
    assert su.sql(db, 'SELECT note FROM event WHERE intake_id = ?', (iid,)) == [('regel een\nregel twee',)]


def test_closing_asks_first_and_names_the_retention_period(kiosk, tmp_path):
    ref = 'MZ-2026-0013'
    k, db, iid = staff_on(kiosk, tmp_path, ref, retention='18m')
    su.scroll_to(k, T('Add a note', 'en'))
    k.send(su.key_of(k, 'Set status: closed'))
    k.wait_for(T('Close this request?', 'en'))
    text = flat(' '.join(l.strip() for l in k.text()))
    assert 'retention period of 18 months' in text, text
    # Came in 2026-04-02: purge takes it once created before today - 18 months.
    assert 'from 2027-10-03 on' in text, text
    assert su.sql(db, 'SELECT status FROM intake WHERE id = ?', (iid,)) == [('new',)]

    # No (the focus is on it): nothing changes.
    assert k.focused_label().startswith(T('No, keep the status %s', 'en') % 'new'), k.dump()
    k.send(ENTER)
    k.wait_for(T('The status was not changed.', 'en'))
    assert su.sql(db, 'SELECT status FROM intake WHERE id = ?', (iid,)) == [('new',)]
    # Esc leaves the question too.
    k.send(su.key_of(k, 'Set status: closed'))
    k.wait_for(T('Close this request?', 'en'))
    k.esc()
    k.wait_for(T('The status was not changed.', 'en'))
    assert su.sql(db, 'SELECT count(*) FROM event') == [(0,)]
    assert 'status' not in audit_actions(db)

    # Yes closes it.
    k.send(su.key_of(k, 'Set status: closed'))
    k.wait_for(T('Yes, close the request', 'en'))
    k.focus_to(T('Yes, close the request', 'en'), key=zkharness.UP)
    k.send(ENTER)
    k.wait_for(T('The status is now: %s', 'en') % 'closed')
    assert su.sql(db, 'SELECT status FROM intake WHERE id = ?', (iid,)) == [('closed',)]


def test_undo_of_a_status_change(kiosk, tmp_path):
    ref = 'MZ-2026-0014'
    k, db, iid = staff_on(kiosk, tmp_path, ref)
    su.scroll_to(k, T('Add a note', 'en'))
    k.send(su.key_of(k, 'Set status: contacted'))
    k.wait_for(T('The status is now: %s', 'en') % 'contacted', T('You can undo this with "Undo".', 'en'))
    assert su.sql(db, 'SELECT status FROM intake WHERE id = ?', (iid,)) == [('contacted',)]
    k.wait_for(T('Undo: back to status %s', 'en') % 'new')
    k.send('u')
    k.wait_for(T('Undone: the status is %s again.', 'en') % 'new')
    assert su.sql(db, 'SELECT status FROM intake WHERE id = ?', (iid,)) == [('new',)]
    assert su.sql(db, 'SELECT old_status, new_status FROM event WHERE intake_id = ? ORDER BY id', (iid,)) == \
        [('new', 'contacted'), ('contacted', 'new')]
    assert su.sql(db, "SELECT detail FROM audit WHERE action = 'status' ORDER BY id") == \
        [('new -> contacted',), ('contacted -> new (undo)',)]
    # Once undone, no undo is offered.
    k.wait_gone(T('Undo: back to status %s', 'en') % 'new')


def test_paste_at_the_visitor_kiosk_is_text(kiosk, forms):
    page = forms.request_pages()[0]['id']
    k = kiosk()
    # On the welcome a pasted "2" is no choice of English.
    paste(k, '2')
    k.wait_for(T('Pasted text can only go into a text field.', 'nl'),
               T('Pasted text can only go into a text field.', 'en'))
    assert k.contains('1  Nederlands')
    assert not k.contains(forms.menu_title('en'))
    steps.to_form(k, forms, page, 'en')
    # A one-line answer: the line break is a space, the focus stays.
    paste(k, 'Gerda\rJansen')
    k.wait_until(lambda: steps.field_value(k, forms, 'name', 'en') == 'Gerda Jansen',
                 'the pasted name is not "Gerda Jansen"')
    assert k.focused_label().strip('[] ').startswith('Gerda Jansen'), k.dump()
    # A text area keeps the line breaks.
    situation = [f['id'] for f in forms.fields].index('situation')
    for _ in range(situation):
        k.press(TAB)
    paste(k, 'Mijn moeder, 84\rwoont alleen')
    k.wait_for('woont alleen')
    lines = [steps.input_value(l) for l in k.text()]
    row = lines.index('Mijn moeder, 84')
    assert lines[row + 1] == 'woont alleen', k.dump()
    assert k.focused_label().strip('[] ').startswith('Mijn moeder, 84'), k.dump()
