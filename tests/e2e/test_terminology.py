"""One word for one thing, in each language: every text in forms/ uses the
preferred word, never the banned one. Add a row when editors agree on a word."""
import os
import re

import pytest

import libcfg

# language -> (banned pattern, preferred word)
TERMS = {
    'en': [
        # British English, as a native editor writes it.
        (r'\bcaregiv(er|ers|ing)\b', 'carer, caring'),
        (r'\bconsultation hours?\b', 'drop-in session'),
        (r'\brequest(ing)? contact\b', 'ask us to get in touch'),
        (r'\bheav(y|ier)\b', 'hard going, too much'),
        (r'\?\s+Then\b', 'no "Then" after a question: "If ..., ..."'),
        (r'\bemail\b', 'e-mail'),
        (r'\bWmo workers?\b', 'Wmo consultant'),
        (r'\bclient supporters?\b', 'client support worker'),
        (r'\binformal[- ]care consultants?\b', "carers' adviser"),
        (r'\binformal[- ]care brokers?\b', 'care broker'),
        (r'\baccess test\b', 'admission check'),
        (r'\bpresence care\b', 'sitting service'),
        (r'\bcustomi[sz]ed provisions?\b', 'tailored support'),
        (r'\bcare home\b', 'mantelzorgwoning (a separate small home)'),
        (r'\bdrop-in location\b', 'drop-in centre'),
        (r'\bThursday from\b', 'Thursdays from'),
        # Word for word from Dutch, not English.
        (r'\bevery year again\b', 'again every year'),
        (r'\bgo through the same\b', 'in the same situation'),
        (r'\bhow heavy\b', 'how are you coping'),
        (r'\bcare a lot for\b', 'look after'),
        (r'\bthinks? along\b', 'help you think things through'),
        (r'\bYes, it does not\b', "Yes, but it won't"),
    ],
    'nl': [
        (r'\bWmo-medewerkers?\b', 'Wmo-consulent'),
        (r'\bWmo consulent', 'Wmo-consulent'),
        (r'\bemail', 'e-mail'),
        (r'(?<!mantelzorg)spreekuur', 'mantelzorgspreekuur'),
        (r'\bmantelzorgconsulente\b', 'mantelzorgconsulent'),
        (r'\bparkeerkaart', 'parkeervergunning'),
    ],
}


def texts(node, where=''):
    """(place, language, text) for every bilingual text under node."""
    if isinstance(node, dict):
        if set(node) >= {'nl', 'en'} and all(isinstance(node[l], str) for l in ('nl', 'en')):
            for lang in ('nl', 'en'):
                yield where, lang, node[lang]
            return
        for k, v in node.items():
            yield from texts(v, '%s.%s' % (where, k) if where else k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            name = v.get('id') if isinstance(v, dict) and isinstance(v.get('id'), str) else i
            yield from texts(v, '%s[%s]' % (where, name))


def form_files(forms_dir):
    return sorted(f for f in os.listdir(forms_dir) if f.endswith('.conf'))


@pytest.mark.parametrize('lang', ['nl', 'en'])
def test_one_word_for_one_thing(forms_dir, lang):
    wrong = []
    for name in form_files(forms_dir):
        for where, l, text in texts(libcfg.load(os.path.join(forms_dir, name))):
            if l != lang:
                continue
            for banned, preferred in TERMS[lang]:
                for m in re.finditer(banned, text, re.I):
                    wrong.append('%s %s (%s): "%s" -> use "%s"' % (name, where, lang, m.group(0), preferred))
    assert not wrong, 'words to replace:\n' + '\n'.join(wrong)


def test_the_check_reads_the_forms(forms_dir):
    """The test above sees the texts it should (it would pass on nothing)."""
    found = list(texts(libcfg.load(os.path.join(forms_dir, 'guide.conf'))))
    assert len(found) > 100
    assert any('Zoetermeer' in t for _, _, t in found)
