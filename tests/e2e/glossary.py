"""The glossary of forms/glossary.conf, matched the way the kiosk matches
it (src/form_glossary.c), so that tests, the crawler among them, can say
which words a screen must explain.

    g = Glossary(forms_dir)
    g.words_in(text, 'en')          -> ids of the words text uses
    g.expected(screen_text, 'nl')   -> those ids plus the words their
                                       explanations use (what the list shows)

Rules: a word or one of its variants, as a whole word; upper and lower case
(A-Z) alike; any letter, digit or non-ASCII character continues a word, so
a hyphen or a space ends one ("Wmo" is found in "Wmo-melding"); any run of
white space in the text matches a space in the word.
"""
import os
import re

import libcfg


def _is_word_char(c):
    return c.isascii() and c.isalnum() or ord(c) >= 0x80


def _lower(s):
    return ''.join(c.lower() if c.isascii() else c for c in s)


def _pattern(word):
    parts = [re.escape(_lower(p)) for p in word.split()]
    body = r'\s+'.join(parts)
    # A boundary only where the word itself starts or ends with a word character.
    pre = r'(?<![0-9a-z\u0080-\U0010ffff])' if _is_word_char(word[0]) else ''
    post = r'(?![0-9a-z\u0080-\U0010ffff])' if _is_word_char(word[-1]) else ''
    return re.compile(pre + body + post)


class Glossary:
    def __init__(self, forms_dir):
        path = os.path.join(forms_dir, 'glossary.conf')
        self.entries = []
        if os.path.exists(path):
            self.entries = list(libcfg.load(path).get('words', []))
        self._patterns = {}
        for e in self.entries:
            for lang in ('nl', 'en'):
                forms = [e['word'][lang]] + list(e.get('variants', {}).get(lang, []))
                self._patterns[(e['id'], lang)] = [_pattern(w) for w in forms if w.strip()]

    def ids(self):
        return [e['id'] for e in self.entries]

    def entry(self, gid):
        return next(e for e in self.entries if e['id'] == gid)

    def word(self, gid, lang):
        return self.entry(gid)['word'][lang]

    def text(self, gid, lang):
        return self.entry(gid)['text'][lang]

    def words_in(self, text, lang):
        """The ids of the words text uses, in glossary order."""
        low = _lower(text)
        return [e['id'] for e in self.entries
                if any(p.search(low) for p in self._patterns[(e['id'], lang)])]

    def expected(self, text, lang):
        """What "Words on this page" lists for a screen showing text: the
        words it uses and, in turn, those their explanations use."""
        found = set(self.words_in(text, lang))
        while True:
            more = set(found)
            for gid in found:
                more.update(self.words_in(self.text(gid, lang), lang))
            if more == found:
                break
            found = more
        return [gid for gid in self.ids() if gid in found]
