"""A long export in the staff terminal says how far it has come: w (the
workbook) and e (CSV) on a list of many requests show the export's own
screen, with the requests read so far of how many, and then the list
again with the file."""
import os
import re
import shutil
import time

import pytest

import staffutil as su

N = 20000
PROGRESS = re.compile(r'(\d+) of %d requests \((\d+)%%\)' % N)


@pytest.fixture(scope='module')
def big_db(tmp_path_factory):
    """A database of N generated requests, made once (copied per test)."""
    folder = tmp_path_factory.mktemp('big')
    db = folder / 'zk.db'
    su.create_db(db)
    su.fill(db, N)
    return db


def copy_db(src, tmp_path):
    (tmp_path / 'data').mkdir()
    db = tmp_path / 'data' / 'zk.db'
    shutil.copyfile(src, db)
    os.chmod(db, os.stat(src).st_mode & 0o777)
    return db


@pytest.mark.parametrize('key,ext', [('w', 'xlsx'), ('e', 'csv')])
def test_long_export_shows_progress(kiosk, tmp_path, big_db, key, ext):
    db = copy_db(big_db, tmp_path)
    k = su.staff_terminal(kiosk, db)
    k.wait_for('Older requests', timeout=60)
    k.send(key)
    seen = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not k.contains('Exported'):
        lines = k.text()
        screen = '\n'.join(lines)
        m = PROGRESS.search(screen)
        if m:
            # The export's own screen, by its title, without a key bar:
            # keys wait until it is done.
            assert 'Export' in lines[0] and 'Please wait' in screen, screen
            assert 'Esc' not in lines[-1], screen
            seen.append(int(m.group(1)))
        elif 'All %d requests read' % N in screen:
            seen.append(N)
        time.sleep(0.02)
    path = su.wait_export(k, ext, timeout=5)
    assert k.contains('Exported %d requests' % N)
    # Counted as it went: some requests read, not all, and never backwards.
    assert any(0 < n < N for n in seen), seen
    assert seen == sorted(seen), seen
    # The list is back.
    k.wait_for('Requests for contact')
    assert not k.contains('Please wait')
    lines = open(path, encoding='utf-8').read().count('\n') if ext == 'csv' else None
    if lines is not None:
        assert lines >= N + 1


def test_a_short_export_shows_no_progress(kiosk, tmp_path):
    (tmp_path / 'data').mkdir()
    db = tmp_path / 'data' / 'zk.db'
    su.create_db(db)
    su.fill(db, 3)
    k = su.staff_terminal(kiosk, db)
    k.wait_for('MZ-')
    shown = []
    k.send('e')
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not k.contains('Exported'):
        shown.append(k.contains('Please wait'))
        time.sleep(0.01)
    su.wait_export(k, 'csv')
    assert not any(shown)
