"""The command line: --help, --version, wrong options, and check-forms,
which reports every problem as file:line and keeps the kiosk from starting."""
import os
import re

import pytest

import libcfg
from zkharness import Kiosk, T, base_env, run_cli


def test_help_exits_0_and_names_the_site_configuration():
    r = run_cli(['--help'])
    assert r.returncode == 0, r.stderr
    assert 'zorgkiosk.conf' in r.stdout and '--forms' in r.stdout and 'check-forms' in r.stdout, r.stdout
    # Nothing on the command line says who is staff or where the data is.
    for gone in ('--db', '--staff-users', '--staff-group', '--group'):
        assert gone not in r.stdout, gone
    assert r.stderr == ''


def test_version_prints_the_version():
    r = run_cli(['--version'])
    assert r.returncode == 0, r.stderr
    assert re.fullmatch(r'zorgkiosk \d+\.\d+(\.\d+)?\S*\n', r.stdout), repr(r.stdout)


@pytest.mark.parametrize('args,mentions', [
    (['--bogus'], '--bogus'),
    (['--lang', 'fr'], 'fr'),
    (['--idle', '5'], '5'),
    (['--idle', 'soon'], 'soon'),
    (['--lang'], '--lang'),
    (['frobnicate'], 'frobnicate'),
], ids=['unknown_option', 'bad_lang', 'idle_too_short', 'idle_not_a_number', 'missing_value', 'unknown_command'])
def test_wrong_command_line_exits_2_with_a_message(args, mentions):
    r = run_cli(args)
    assert r.returncode == 2, 'exit status %s for %r\nstdout: %s\nstderr: %s' % (r.returncode, args, r.stdout, r.stderr)
    assert r.stderr.startswith('zorgkiosk: '), repr(r.stderr)
    assert mentions in r.stderr, r.stderr
    assert '--help' in r.stderr, 'no hint to --help: %r' % r.stderr
    assert r.stdout == ''


@pytest.mark.parametrize('env,lang', [
    ({'LANG': 'en_US.UTF-8'}, 'en'),
    ({'LANG': 'en_GB.UTF-8', 'LC_ALL': 'nl_NL.UTF-8'}, 'nl'),
    ({'LANG': 'nl_NL.UTF-8', 'LC_MESSAGES': 'en_IE.UTF-8'}, 'en'),
    ({'LANG': 'C.UTF-8', 'LANGUAGE': 'fr:en'}, 'en'),
    ({'LANG': 'C.UTF-8'}, 'nl'),
    ({'LANG': 'de_DE.UTF-8'}, 'nl'),
], ids=['LANG_en', 'LC_ALL_beats_LANG', 'LC_MESSAGES_beats_LANG', 'LANGUAGE_list', 'C_is_dutch', 'unknown_is_dutch'])
def test_command_line_messages_follow_the_language_asked_for(env, lang):
    """Whether or not this host generated the locale (Debian's images have
    only C.UTF-8): a missing en_US.UTF-8 must not turn the messages Dutch."""
    r = run_cli(['--bogus'], env=base_env(**env))
    assert r.returncode == 2, r.stderr
    want = T("unknown option '%s'", lang) % '--bogus'
    assert want in r.stderr, 'asked for %s with %r, got: %r' % (lang, env, r.stderr)


def test_lang_option_beats_the_environment():
    r = run_cli(['--lang', 'nl', '--bogus'], env=base_env(lang='en_US.UTF-8'))
    assert T("unknown option '%s'", 'nl') % '--bogus' in r.stderr, r.stderr


def test_check_forms_accepts_the_real_forms(forms_dir):
    r = run_cli(['check-forms', '--forms', forms_dir])
    assert r.returncode == 0, 'check-forms failed on %s:\n%s%s' % (forms_dir, r.stdout, r.stderr)
    assert 'guide.conf:' not in r.stdout + r.stderr


# ---------------------------------------------------------------------------
# Broken copies of guide.conf. Each breaker edits the lines and returns
# (expected line, a word the message must contain).

def _drop_english_page_title(g, lines):
    p = g['pages'][0]
    n = p['title'].lines['en'] - 1
    new = re.sub(r'\s*en\s*=\s*"(?:[^"\\]|\\.)*"\s*;', '', lines[n], count=1)
    assert new != lines[n], 'cannot find en = "..." on line %d' % (n + 1)
    lines[n] = new
    return p.lines['title'], '(en)'


def _unknown_setting(g, lines):
    p = g['pages'][0]
    n = p.lines['id']            # insert after the id line
    lines.insert(n, '    colour = "blue";')
    return n + 1, 'colour'


def _bad_next_id(g, lines):
    fl = g['flows'][0]
    q = next(q for q in fl['questions'] if any(a.get('next') for a in q.get('answers', [])))
    a = next(a for a in q['answers'] if a.get('next'))
    n = a.lines['next'] - 1
    new = re.sub(r'"%s"' % re.escape(a['next']), '"nowhere_at_all"', lines[n], count=1)
    assert new != lines[n]
    lines[n] = new
    return q.line, 'nowhere_at_all'


BREAKERS = {
    'missing_english_text': _drop_english_page_title,
    'unknown_setting': _unknown_setting,
    'bad_next_id': _bad_next_id,
}


def break_guide(folder, names):
    """Apply breakers in order; a breaker that inserts a line must come
    after those that edit lines below it (they use the original numbering).
    Returns [(line, word)] in the final file's numbering."""
    path = os.path.join(folder, 'guide.conf')
    g = libcfg.load(path)
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    results = []
    for name in names:
        before = len(lines)
        line, word = BREAKERS[name](g, lines)
        grew = len(lines) - before
        # An inserted line moves the problems found so far (all below it).
        results = [(l + grew if l >= line else l, w) for l, w in results]
        results.append((line, word))
    with open(path, 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines))
    return results


def problems(text):
    """{line: message} of the guide.conf:<line>: lines in text."""
    out = {}
    for m in re.finditer(r'^(?:.*/)?guide\.conf:(\d+): (.*)$', text, re.M):
        out.setdefault(int(m.group(1)), []).append(m.group(2))
    return out


@pytest.mark.parametrize('breaker', list(BREAKERS))
def test_check_forms_reports_file_and_line(forms_copy, breaker):
    [(line, word)] = break_guide(str(forms_copy), [breaker])
    r = run_cli(['check-forms', '--forms', str(forms_copy)])
    assert r.returncode == 1, 'check-forms exit %s on a broken form\n%s%s' % (r.returncode, r.stdout, r.stderr)
    found = problems(r.stdout)
    assert line in found and any(word in m for m in found[line]), \
        'expected guide.conf:%d: ... %s, got:\n%s%s' % (line, word, r.stdout, r.stderr)
    assert len(found) == 1, 'more problems than the one made:\n' + r.stdout


def test_check_forms_reports_every_problem_at_once(forms_copy):
    want = break_guide(str(forms_copy), ['bad_next_id', 'missing_english_text', 'unknown_setting'])
    r = run_cli(['check-forms', '--forms', str(forms_copy)])
    assert r.returncode == 1
    found = problems(r.stdout)
    for line, word in want:
        assert line in found and any(word in m for m in found[line]), \
            'missing guide.conf:%d: ... %s in:\n%s' % (line, word, r.stdout)


def kiosk_on(forms_copy, tmp_path):
    """Start the kiosk on the forms in forms_copy and wait for its end:
    (exit status, stderr, the Kiosk)."""
    k = Kiosk(['--db', str(tmp_path / 'zk.db'), '--forms', str(forms_copy)], env=base_env(),
              stderr_path=str(tmp_path / 'stderr.txt'))
    try:
        status = k.proc.wait(timeout=20)
    finally:
        k.close(check=False)
    return status, k.stderr(), k


@pytest.mark.parametrize('breaker', list(BREAKERS))
def test_kiosk_refuses_to_start_on_broken_forms(forms_copy, tmp_path, breaker):
    [(line, word)] = break_guide(str(forms_copy), [breaker])
    check = run_cli(['check-forms', '--forms', str(forms_copy)])
    status, err, k = kiosk_on(forms_copy, tmp_path)
    assert status == 1, 'the kiosk started (or ended with %s) on broken forms\n%s' % (status, err)
    found = problems(err)
    assert line in found and any(word in m for m in found[line]), \
        'expected guide.conf:%d: ... %s on stderr, got:\n%s' % (line, word, err)
    same = [l for l in check.stdout.splitlines() if 'guide.conf:' in l]
    assert same and all(l in err for l in same), \
        'the kiosk and check-forms report differently:\n%s\n---\n%s' % (check.stdout, err)
    # The welcome went out while the guide was read; the terminal is given
    # back before the message, with nothing of the kiosk left on it.
    assert k.raw.rfind(b'\x1b[?1049l') > k.raw.rfind(b'\x1b[?1049h'), 'the screen was not given back'
    assert not k.contains('Nederlands'), k.dump()
    assert k.sanitizer_report() is None, k.sanitizer_report()


def test_kiosk_refuses_a_broken_welcome_before_it_takes_the_screen(forms_copy, tmp_path):
    """The welcome is the one file read before the screen is taken: a
    problem there is reported like the others, on the terminal as found."""
    path = forms_copy / 'welcome.conf'
    lines = path.read_text(encoding='utf-8').split('\n')
    n = next(i for i, l in enumerate(lines) if l.startswith('title'))
    end = next(i for i in range(n, len(lines)) if lines[i].strip() == '};')
    lines[n:end + 1] = ['title = { nl = "Welkom"; };']
    path.write_text('\n'.join(lines), encoding='utf-8')
    check = run_cli(['check-forms', '--forms', str(forms_copy)])
    assert check.returncode == 1 and 'welcome.conf:%d: ' % (n + 1) in check.stdout, check.stdout
    status, err, k = kiosk_on(forms_copy, tmp_path)
    assert status == 1, err
    assert 'welcome.conf:%d: ' % (n + 1) in err and '(en)' in err, err
    assert b'\x1b[?1049h' not in k.raw, 'the screen was taken over for a welcome that has a problem'
    assert not os.path.exists(str(tmp_path / 'zk.db')), 'a database was made for a kiosk that did not start'
    assert k.sanitizer_report() is None, k.sanitizer_report()


def test_kiosk_needs_a_terminal(tmp_path, forms_dir):
    r = run_cli(['--db', str(tmp_path / 'zk.db'), '--forms', forms_dir])
    assert r.returncode == 1, r.stderr
    assert 'terminal' in r.stderr, r.stderr
    assert not os.path.exists(tmp_path / 'zk.db'), 'a database was made without a kiosk'
