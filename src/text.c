/* text.c: column widths and wrapping; see text.h. */
#include "text.h"

#include "util.h"

/* The invisible characters (see enum text_kind), from Unicode 15: general
 * category Cf, Zl and Zp, and the rest of Default_Ignorable_Code_Point,
 * which includes code points reserved for more of them. Sorted, for a
 * binary search. */
static const struct {
	wchar_t first, last;
} invisible[] = {
	{ 0x00AD, 0x00AD },   /* soft hyphen */
	{ 0x034F, 0x034F },   /* combining grapheme joiner */
	{ 0x0600, 0x0605 },   /* Arabic number signs */
	{ 0x061C, 0x061C },   /* Arabic letter mark */
	{ 0x06DD, 0x06DD },   /* Arabic end of ayah */
	{ 0x070F, 0x070F },   /* Syriac abbreviation mark */
	{ 0x0890, 0x0891 },   /* Arabic pound and piastre marks above */
	{ 0x08E2, 0x08E2 },   /* Arabic disputed end of ayah */
	{ 0x115F, 0x1160 },   /* Hangul fillers */
	{ 0x17B4, 0x17B5 },   /* Khmer inherent vowels */
	{ 0x180B, 0x180F },   /* Mongolian variation selectors, vowel separator */
	{ 0x200B, 0x200F },   /* zero width space, (non-)joiner, LRM, RLM */
	{ 0x2028, 0x202E },   /* line and paragraph separator, LRE..RLO */
	{ 0x2060, 0x206F },   /* word joiner, invisible operators, LRI..PDI */
	{ 0x3164, 0x3164 },   /* Hangul filler */
	{ 0xFE00, 0xFE0F },   /* variation selectors */
	{ 0xFEFF, 0xFEFF },   /* zero width no-break space (byte-order mark) */
	{ 0xFFA0, 0xFFA0 },   /* halfwidth Hangul filler */
	{ 0xFFF0, 0xFFFB },   /* reserved; interlinear annotation */
	{ 0x110BD, 0x110BD }, /* Kaithi number signs */
	{ 0x110CD, 0x110CD },
	{ 0x13430, 0x1343F }, /* Egyptian hieroglyph format controls */
	{ 0x1BCA0, 0x1BCA3 }, /* shorthand format controls */
	{ 0x1D173, 0x1D17A }, /* musical symbol format controls */
	{ 0xE0000, 0xE0FFF }, /* tags, variation selectors supplement */
};

enum text_kind
text_kind(wchar_t c)
{
	size_t lo = 0, hi = sizeof invisible / sizeof invisible[0];

	if (c < 0x20 || (c >= 0x7F && c < 0xA0))
		return TEXT_CONTROL;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (c < invisible[mid].first)
			hi = mid;
		else if (c > invisible[mid].last)
			lo = mid + 1;
		else
			return TEXT_INVISIBLE;
	}
	return TEXT_VISIBLE;
}

int
text_cwidth(wchar_t c)
{
	int w;

	if (text_kind(c) != TEXT_VISIBLE)
		return 1;
	w = wcwidth(c);
	return w < 0 ? 1 : w;
}

int
text_width(const wchar_t *s, size_t n)
{
	int w = 0;

	for (size_t i = 0; i < n; i++)
		w += text_cwidth(s[i]);
	return w;
}

size_t
text_fit(const wchar_t *s, size_t n, int cols)
{
	size_t i;
	int w = 0;

	for (i = 0; i < n; i++) {
		int cw = text_cwidth(s[i]);

		if (w + cw > cols)
			break;
		w += cw;
	}
	return i;
}

static void
push(struct span **out, size_t *count, size_t *cap, size_t start, size_t len)
{
	if (*count == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		*out = xreallocarray(*out, *cap, sizeof **out);
	}
	(*out)[*count].start = start;
	(*out)[*count].len = len;
	(*count)++;
}

size_t
text_wrap(const wchar_t *s, size_t n, int cols, struct span **out)
{
	size_t count = 0, cap = 0, i = 0;

	*out = NULL;
	if (cols < 1)
		cols = 1;
	while (i <= n) {
		size_t start = i, end = i, brk = 0;
		int w = 0;

		/* Extend the line while it fits; remember the last space. */
		while (end < n && s[end] != L'\n') {
			int cw = text_cwidth(s[end]);

			if (w + cw > cols)
				break;
			if (s[end] == L' ')
				brk = end;
			w += cw;
			end++;
		}
		if (end < n && s[end] == L' ') {
			/* The line is full up to a space: break right there. */
			size_t len = end - start;

			while (len > 0 && s[start + len - 1] == L' ')
				len--;
			push(out, &count, &cap, start, len);
			i = end + 1;
		} else if (end < n && s[end] != L'\n' && brk > start) {
			/* Break at the last space; the space itself is dropped. */
			push(out, &count, &cap, start, brk - start);
			i = brk + 1;
		} else {
			if (end == start && end < n && s[end] != L'\n')
				end++; /* a character wider than the line */
			push(out, &count, &cap, start, end - start);
			i = end;
			if (i < n && s[i] == L'\n')
				i++;
			else if (i >= n)
				break;
		}
		while (i < n && s[i] == L' ' && i > start && s[i - 1] != L'\n')
			i++; /* spaces at a soft break do not start the next line */
	}
	return count;
}
