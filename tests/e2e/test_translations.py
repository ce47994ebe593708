"""The translations keep the facts: every text of the forms in Turkish,
Polish, Ukrainian and Arabic holds the numbers of its Dutch text (times,
phone numbers, amounts, dates), the names the Dutch and the English share
(inZet, Petuniatuin, Mantelzorgcentraal, ...), its paragraphs and bullets,
and is of a length that fits it (a title in the place of a text, or the
text of another answer, shows there)."""
import collections
import os
import re

import libcfg
import pytest

from zkharness import ROOT

FORMS = os.path.join(ROOT, 'forms')
TRANSLATED = ['tr', 'pl', 'uk', 'ar']
# Capitalised at the start of a sentence in both Dutch and English: no names.
COMMON = {'In', 'Help', 'Later', 'Is', 'Do', 'Or', 'If', 'No', 'Yes', 'Then', 'Are', 'Can'}
NAME = re.compile(r"\b[A-Z][A-Za-z0-9]+\b|\b[a-z]+[A-Z][A-Za-z]*\b")


def texts():
    """(file, where, group) for every text group of the forms."""
    def walk(x, where):
        if isinstance(x, dict):
            if isinstance(x.get('nl'), str) and 'en' in x:
                yield where, x
            for k, v in x.items():
                yield from walk(v, '%s.%s' % (where, k))
        elif isinstance(x, list):
            for i, v in enumerate(x):
                yield from walk(v, '%s[%d]' % (where, i))
    for name in sorted(os.listdir(FORMS)):
        if name.endswith('.conf') and name != 'languages.conf':
            for where, g in walk(libcfg.load(os.path.join(FORMS, name)), ''):
                yield name, where, g


ALL = list(texts())


@pytest.mark.parametrize('lang', TRANSLATED)
def test_every_text_keeps_the_numbers_and_names_of_the_dutch(lang):
    problems = []
    for name, where, g in ALL:
        t = g.get(lang)
        if t is None:
            problems.append('%s%s: no %s text' % (name, where, lang))
            continue
        want = collections.Counter(re.findall(r'\d+', g['nl']))
        got = collections.Counter(re.findall(r'\d+', t))
        if want != got:
            problems.append('%s%s: numbers %s in Dutch, %s in %s' % (name, where, dict(want), dict(got), lang))
        names = (set(NAME.findall(g['nl'])) & set(NAME.findall(g['en']))) - COMMON
        missing = sorted(n for n in names if n not in t)
        if missing:
            problems.append('%s%s: %s lacks %s' % (name, where, lang, ', '.join(missing)))
    assert not problems, '\n'.join(problems)


@pytest.mark.parametrize('lang', TRANSLATED)
def test_every_text_has_the_shape_of_the_dutch(lang):
    problems = []
    for name, where, g in ALL:
        nl, t = g['nl'], g.get(lang, '')
        paras = lambda s: [p.startswith('- ') for p in s.split('\n')]  # noqa: E731
        if paras(nl) != paras(t):
            problems.append('%s%s: paragraphs and bullets differ from the Dutch' % (name, where))
        if len(nl) > 25 and not 0.3 <= len(t) / len(nl) <= 3.0:
            problems.append('%s%s: %d characters for %d in Dutch: another text?' % (name, where, len(t), len(nl)))
    assert not problems, '\n'.join(problems)
