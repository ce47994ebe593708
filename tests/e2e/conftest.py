"""Fixtures for the end-to-end tests of zorgkiosk.

    ZK_BIN    the binary under test (default: <root>/build/zorgkiosk-asan)
    ZK_ROOT   the repository (default: two levels up from this folder)
    ZK_FORMS  optional: a forms folder to use instead of <root>/forms

`kiosk(...)` starts the real binary in a pseudo-terminal (see zkharness.Kiosk)
with its own database in the test's tmp dir; `db_rows` reads that database.
"""
import os
import shutil

import pytest

import zkharness
from zkharness import Forms, Kiosk, base_env, db_rows  # noqa: F401  (re-exported)


@pytest.fixture(scope='session')
def forms_dir():
    """The forms the kiosk runs on: forms/, or $ZK_FORMS."""
    return os.environ.get('ZK_FORMS') or os.path.join(zkharness.ROOT, 'forms')


@pytest.fixture(scope='session')
def forms(forms_dir):
    return Forms(forms_dir)


@pytest.fixture(scope='session', autouse=True)
def _binary_present():
    if not os.access(zkharness.BIN, os.X_OK):
        pytest.exit('no binary at %s: build it with `make all build/zorgkiosk-asan` '
                    '(or set ZK_BIN)' % zkharness.BIN, returncode=2)


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, 'rep_' + rep.when, rep)


@pytest.fixture
def kiosk(request, tmp_path, forms_dir):
    """A factory: kiosk(cols=80, rows=24, lang='C.UTF-8', idle=None,
    args=(), env=None, unset=(), wait=True) -> a started Kiosk.

    lang=None leaves LANG unset; unset names more variables to remove;
    env replaces the whole environment. The kiosk always gets
    --db <tmp>/zk.db --forms <forms>, and --idle N when idle is given.
    With wait, returns once the welcome is drawn (its line "1  Nederlands").
    binary runs another build than ZK_BIN (e.g. the release ./zorgkiosk)."""
    made = []

    def start(cols=80, rows=24, lang='C.UTF-8', idle=None, args=(), env=None, unset=(),
              wait=True, db=None, forms=None, binary=None, **env_extra):
        db = db or str(tmp_path / 'zk.db')
        argv = ['--db', db, '--forms', forms or forms_dir]
        if idle is not None:
            argv += ['--idle', str(idle)]
        argv += list(args)
        if env is None:
            env = base_env(lang, **env_extra)
            for k in unset:
                env.pop(k, None)
        k = Kiosk(argv, cols=cols, rows=rows, env=env, binary=binary,
                  stderr_path=str(tmp_path / ('stderr-%d.txt' % len(made))))
        k.db_path = db
        made.append(k)
        if wait:
            k.wait_for('1  Nederlands', timeout=20)
        return k

    yield start

    passed = getattr(request.node, 'rep_call', None) is not None and request.node.rep_call.passed
    errors = []
    for k in made:
        if k.closed:
            continue
        if passed:
            try:
                k.close()
            except AssertionError as e:
                errors.append(str(e))
        else:
            k.close(check=False)
            report = k.sanitizer_report()
            if report:
                request.node.add_report_section('teardown', 'sanitizer', report)
    if errors:
        pytest.fail('\n\n'.join(errors), pytrace=False)


@pytest.fixture
def forms_copy(tmp_path, forms_dir):
    """A writable copy of the forms folder, to break."""
    d = tmp_path / 'forms'
    shutil.copytree(forms_dir, d)
    return d


@pytest.fixture
def line_kiosk(tmp_path, forms_dir):
    """A factory for line mode through a pty: line_kiosk(args=(), idle=None,
    env=None, binary=None, db=None) -> a started rawpty.LineSession with
    --db <tmp>/zk.db --forms <forms> (env: TERM=dumb). Killed at the end
    if still running."""
    from rawpty import LineSession
    made = []

    def start(args=(), idle=None, env=None, binary=None, db=None):
        db = db or str(tmp_path / 'zk.db')
        argv = ['--db', db, '--forms', forms_dir]
        if idle is not None:
            argv += ['--idle', str(idle)]
        s = LineSession(argv + list(args), env=env or base_env(TERM='dumb'), binary=binary,
                        stderr_path=str(tmp_path / ('line-stderr-%d.txt' % len(made))))
        s.db = db
        made.append(s)
        return s

    yield start
    for s in made:
        if s.proc.poll() is None:
            s.kill()
