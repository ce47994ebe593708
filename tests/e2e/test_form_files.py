"""Form files are single files: @include is refused, whatever it names,
before anything is read from it. An include of a FIFO would hang the start
for ever and a large include would pass the 1 MB limit; both must end at
once with file:line. Every run here is bounded by a timeout."""
import os
import subprocess
import time

import pytest

from zkharness import T, run_cli

# check-forms speaks Dutch unless told otherwise.
INCLUDE_MSG = T('@include is not allowed: write everything in this file', 'nl')


def add_include(forms_dir, target):
    """Put `@include "target"` on its own line after the first line of
    guide.conf; returns that line's number."""
    path = os.path.join(forms_dir, 'guide.conf')
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    lines.insert(1, '@include "%s"' % target)
    with open(path, 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines))
    return 2


def check_forms(forms_dir, timeout=10):
    start = time.monotonic()
    try:
        r = run_cli(['check-forms', '--forms', str(forms_dir)], timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail('check-forms still ran after %d s' % timeout)
    return r, time.monotonic() - start


def test_include_of_a_fifo_is_refused_at_once(forms_copy):
    fifo = os.path.join(str(forms_copy), 'more.conf')
    os.mkfifo(fifo)
    line = add_include(str(forms_copy), fifo)
    r, took = check_forms(forms_copy)
    assert r.returncode == 1, r.stdout + r.stderr
    want = '%s:%d: %s' % (os.path.join(str(forms_copy), 'guide.conf'), line, INCLUDE_MSG)
    assert want in r.stdout, r.stdout
    assert took < 5, 'check-forms took %.1f s' % took


def test_include_of_a_large_file_is_refused_at_once(forms_copy):
    big = os.path.join(str(forms_copy), 'big.conf')
    with open(big, 'w') as f:
        f.write('# padding padding padding padding padding padding padding padding\n' * (3 * 1024 * 1024 // 66))
    line = add_include(str(forms_copy), big)
    r, took = check_forms(forms_copy)
    assert r.returncode == 1, r.stdout + r.stderr
    assert '%s:%d: %s' % (os.path.join(str(forms_copy), 'guide.conf'), line, INCLUDE_MSG) in r.stdout, r.stdout
    assert took < 5, 'check-forms took %.1f s' % took


def test_kiosk_refuses_to_start_on_an_include(kiosk, forms_copy):
    fifo = os.path.join(str(forms_copy), 'more.conf')
    os.mkfifo(fifo)
    add_include(str(forms_copy), fifo)
    k = kiosk(forms=str(forms_copy), wait=False)
    try:
        status = k.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail('the kiosk hung on a form file that includes a FIFO')
    k.close(check=False)
    assert status == 1, status
    assert INCLUDE_MSG in k.stderr(), k.stderr()


def test_a_form_file_that_is_a_fifo_is_refused_at_once(forms_copy):
    path = os.path.join(str(forms_copy), 'intake.conf')
    os.unlink(path)
    os.mkfifo(path)
    r, took = check_forms(forms_copy)
    assert r.returncode == 1, r.stdout + r.stderr
    assert '%s:1: %s' % (path, T('not a form file, or larger than 1 MB', 'nl')) in r.stdout, r.stdout
