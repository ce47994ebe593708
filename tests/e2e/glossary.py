"""The glossary of forms/glossary.conf, matched the way the kiosk matches
it (src/form_glossary.c), so that tests, the crawler among them, can say
which words a screen must explain.

    g = Glossary(forms_dir)
    g.words_in(text, 'en')          -> ids of the words text uses
    g.expected(screen_text, 'nl')   -> those ids plus the words their
                                       explanations use (what the list shows)
    g.listed(screen_text, 'nl')     -> ids named by the screen's item
                                       "Words on this page: Wmo, pgb" (None
                                       when the screen has no such item)

A crawler checks a screen with: set(g.words_in(text, lang)) <=
set(g.listed(text, lang) or []), where text is the whole screen (scrolled
to its end: the item is the last line but the key bar) and its title.
The list itself (titled "Words on this page") and F1's help have no such
item: they show each word as a heading above its explanation, and they
also list the words their explanations use (see expected()).

Rules: a word or one of its variants, as a whole word; upper and lower case
(A-Z) alike; any letter, digit or non-ASCII character continues a word, so
a hyphen or a space ends one ("Wmo" is found in "Wmo-melding"); any run of
white space in the text matches a space in the word.
"""
import os
import re

import libcfg
from zkharness import T, flat


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

    def label(self, ids, lang):
        """The item that lists ids, as the kiosk writes it."""
        return T('Words on this page: %s', lang) % ', '.join(self.word(g, lang) for g in ids)

    def listed(self, text, lang):
        """The ids named by the item "Words on this page: ..." in text (the
        screen's text, wrapped lines and all), or None without the item."""
        head = T('Words on this page: %s', lang).split('%s')[0].strip()
        text = flat(text)
        at = text.find(head)
        if at < 0:
            return None
        rest = text[at + len(head):]
        ids = []
        # The words follow in glossary order, separated by ", ".
        for gid in self.ids():
            w = self.word(gid, lang)
            if rest.startswith(' ' + w) or rest.startswith(', ' + w):
                ids.append(gid)
                rest = rest[rest.index(w) + len(w):]
        return ids
