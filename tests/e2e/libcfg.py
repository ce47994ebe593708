"""A small reader for the libconfig files in forms/, so the tests take their
labels from the forms instead of copying them.

It covers what forms/README.md allows: settings `name = value;`, groups
`{ }`, lists `( )`, arrays `[ ]`, strings (adjacent strings are joined),
integers, floats, booleans and the three comment styles. Each group records
the line of every setting in `group.lines[name]`.
"""
import re

_TOKEN = re.compile(r'''
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*|//[^\n]*|/\*.*?\*/)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<bool>(?i:true|false)\b)
  | (?P<number>[-+]?(?:0[xX][0-9a-fA-F]+|\d+\.\d*(?:[eE][-+]?\d+)?|\d+(?:[eE][-+]?\d+)?)L{0,2})
  | (?P<name>[A-Za-z*][-A-Za-z0-9_*]*)
  | (?P<punct>[=:;,{}()\[\]])
''', re.X | re.S)

_ESC = {'\\': '\\', '"': '"', 'n': '\n', 't': '\t', 'r': '\r', 'f': '\f', 'a': '\a', 'b': '\b'}


class Group(dict):
    """A libconfig group: a dict that also knows the line of each setting."""

    def __init__(self, line):
        super().__init__()
        self.line = line
        self.lines = {}


class ConfigError(Exception):
    pass


def _unquote(tok):
    body, out, i = tok[1:-1], [], 0
    while i < len(body):
        c = body[i]
        if c == '\\' and i + 1 < len(body):
            n = body[i + 1]
            if n == 'x' and i + 3 < len(body):
                out.append(chr(int(body[i + 2:i + 4], 16)))
                i += 4
                continue
            out.append(_ESC.get(n, n))
            i += 2
            continue
        out.append(c)
        i += 1
    return ''.join(out)


def _tokens(text):
    pos, line = 0, 1
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise ConfigError('line %d: cannot read %r' % (line, text[pos:pos + 20]))
        kind, val = m.lastgroup, m.group()
        if kind not in ('ws', 'comment'):
            yield kind, val, line
        line += val.count('\n')
        pos = m.end()
    yield 'end', '', line


class _Parser:
    def __init__(self, text):
        self.toks = list(_tokens(text))
        self.i = 0

    def peek(self):
        return self.toks[self.i]

    def take(self, want=None):
        t = self.toks[self.i]
        if want is not None and t[1] != want:
            raise ConfigError('line %d: expected %r, found %r' % (t[2], want, t[1]))
        self.i += 1
        return t

    def settings(self, group, close):
        while self.peek()[1] != close and self.peek()[0] != 'end':
            kind, name, line = self.take()
            if kind != 'name':
                raise ConfigError('line %d: expected a setting name, found %r' % (line, name))
            if self.peek()[1] not in ('=', ':'):
                raise ConfigError('line %d: expected = after %s' % (line, name))
            self.take()
            group[name] = self.value()
            group.lines[name] = line
            if self.peek()[1] in (';', ','):
                self.take()
        return group

    def value(self):
        kind, val, line = self.take()
        if kind == 'string':
            parts = [_unquote(val)]
            while self.peek()[0] == 'string':
                parts.append(_unquote(self.take()[1]))
            return ''.join(parts)
        if kind == 'bool':
            return val.lower() == 'true'
        if kind == 'number':
            v = val.rstrip('L')
            if v.lower().startswith(('0x', '+0x', '-0x')):
                return int(v, 16)
            return float(v) if ('.' in v or 'e' in v.lower()) else int(v)
        if val == '{':
            g = self.settings(Group(line), '}')
            self.take('}')
            return g
        if val in ('(', '['):
            close = ')' if val == '(' else ']'
            items = []
            while self.peek()[1] != close:
                items.append(self.value())
                if self.peek()[1] == ',':
                    self.take()
            self.take(close)
            return items
        raise ConfigError('line %d: unexpected %r' % (line, val))


def loads(text):
    p = _Parser(text)
    g = p.settings(Group(1), None)
    if p.peek()[0] != 'end':
        raise ConfigError('line %d: unexpected %r' % (p.peek()[2], p.peek()[1]))
    return g


def load(path):
    with open(path, encoding='utf-8') as f:
        return loads(f.read())
