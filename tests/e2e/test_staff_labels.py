"""Requests made with an older version of the intake form keep their labels
in the staff terminal, after the form lost or changed a field."""
import shutil

import staffutil as su
from staffutil import LOGIN
from zkharness import ENTER, T


def test_old_request_keeps_the_labels_of_its_form_version(kiosk, tmp_path, forms, forms_dir):
    db = tmp_path / 'zk.db'
    # A request made with the form as it is (version 1), relation "partner"
    # or whatever the walk picks: the kiosk remembers that version's labels.
    ref = su.kiosk_request(db, forms, 'Oud Formulier')
    (relation,), = su.sql(db, "SELECT value FROM answer a JOIN intake i ON i.id = a.intake_id "
                              "WHERE i.ref = ? AND a.field = 'relation'", (ref,))
    label = forms.choice_label('relation', relation, 'en')

    # The content editor removes the question "Who do you care for?".
    new = tmp_path / 'forms-v2'
    shutil.copytree(forms_dir, new)
    text = (new / 'intake.conf').read_text(encoding='utf-8')
    at = text.index('    id = "relation";')
    start = text.rindex('\n  {\n', 0, at) + 1       # the field's own "{" line
    end = text.index('\n  {\n', at) + 1              # the next field's
    text = text[:start] + text[end:]
    text = text.replace('version = 1;', 'version = 2;', 1)
    (new / 'intake.conf').write_text(text, encoding='utf-8')
    assert 'relation' not in text

    k = kiosk(rows=50, db=str(db), forms=str(new), wait=False, LSAN_OPTIONS=su.LSAN,
              args=['staff', '--staff-users', LOGIN, '--lang', 'en'])
    k.wait_for(T('Requests for contact', 'en'), ref, timeout=20)
    k.send(ENTER)
    # The old question and its answer, in words, from the labels of version 1.
    k.wait_for(forms.staff_label('name', 'en'), 'Oud Formulier')
    k.wait_for(forms.staff_label('relation', 'en'), label)
    assert 'relation' not in '\n'.join(k.text()), 'a field id shows instead of its label:\n' + k.dump()
