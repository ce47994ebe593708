/* text.c: column widths and wrapping; see text.h. */
#include "text.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

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
	if (c < 0x7F)
		return TEXT_VISIBLE;
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

/* ------------------------------------------------------------------
 * Runs that stay on one line. A phone number ("088 - 023 47 40"), a time
 * ("15.00 tot 16.00 uur", "15:00 to 16:00"), an address ("Petuniatuin
 * 7A"), an amount ("€ 200", "200 euro") or a date ("1 april 2026") read
 * wrongly when a line break splits them, so the spaces inside
 * them are no place to break. They are found by their shape, so the texts
 * in forms/ need no special spaces (a no-break space, U+00A0, also works:
 * only U+0020 is ever a break).
 */

/* A word: s[a..b), without the punctuation that closes a phrase. */
struct word {
	const wchar_t *s;
	size_t len;
	bool closed; /* ended with , ; . : ! ? or ) */
};

/* The word that ends just before s[i] (spaces skipped), or an empty one. */
static struct word
word_before(const wchar_t *s, size_t i)
{
	size_t b = i, a;
	struct word w = { 0 };

	while (b > 0 && s[b - 1] == L' ')
		b--;
	for (a = b; a > 0 && s[a - 1] != L' ' && s[a - 1] != L'\n'; a--)
		;
	w.s = s + a;
	w.len = b - a;
	while (w.len > 0 && wcschr(L",;.:!?)", w.s[w.len - 1]) != NULL) {
		w.len--;
		w.closed = true;
	}
	return w;
}

/* The word that starts just after s[i] (spaces skipped), or an empty one. */
static struct word
word_after(const wchar_t *s, size_t n, size_t i)
{
	size_t a = i, b;
	struct word w = { 0 };

	while (a < n && s[a] == L' ')
		a++;
	for (b = a; b < n && s[b] != L' ' && s[b] != L'\n'; b++)
		;
	w.s = s + a;
	w.len = b - a;
	while (w.len > 0 && wcschr(L",;.:!?)", w.s[w.len - 1]) != NULL) {
		w.len--;
		w.closed = true;
	}
	return w;
}

static bool
is_digit(wchar_t c)
{
	return c >= L'0' && c <= L'9';
}

static bool
is_dash(const struct word *w)
{
	return w->len == 1 && (w->s[0] == L'-' || w->s[0] == L'\u2013');
}

/* Digits with the punctuation of phone numbers and times: "088", "(0)6",
 * "+31", "15.00", "15:00". */
static bool
is_number(const struct word *w)
{
	bool digit = false;

	for (size_t i = 0; i < w->len; i++) {
		if (is_digit(w->s[i]))
			digit = true;
		else if (wcschr(L"()+-./:", w->s[i]) == NULL)
			return false;
	}
	return digit;
}

/* "15.00", "9:30". */
static bool
is_time(const struct word *w)
{
	size_t sep = w->len >= 4 ? w->len - 3 : 0;

	if (w->len < 4 || w->len > 5 || (w->s[sep] != L'.' && w->s[sep] != L':'))
		return false;
	for (size_t i = 0; i < w->len; i++)
		if (i != sep && !is_digit(w->s[i]))
			return false;
	return true;
}

/* Letters only: "april", "euro", "uur". */
static bool
is_letters(const struct word *w)
{
	if (w->len == 0)
		return false;
	for (size_t i = 0; i < w->len; i++)
		if (!iswalpha((wint_t)w->s[i]))
			return false;
	return true;
}

/* A short word that joins times: "tot", "to", "uur", "om". */
static bool
is_small_word(const struct word *w)
{
	return w->len <= 3 && is_letters(w);
}

/* A house number: "7", "7A", "112"; not "06" (a phone number starts so). */
static bool
is_house_number(const struct word *w)
{
	size_t d = 0;

	while (d < w->len && is_digit(w->s[d]))
		d++;
	if (d == 0 || d > 4 || w->len - d > 1 || w->s[0] == L'0')
		return false;
	return d == w->len || iswalpha((wint_t)w->s[d]);
}

/* A name as streets have: "Petuniatuin". */
static bool
is_name(const struct word *w)
{
	if (w->len < 2 || !iswupper((wint_t)w->s[0]))
		return false;
	for (size_t i = 1; i < w->len; i++)
		if (!iswalpha((wint_t)w->s[i]))
			return false;
	return true;
}

/* A count: 1 to 3 digits, no leading 0 ("1", "200"; not "06"). */
static bool
is_count(const struct word *w)
{
	if (w->len == 0 || w->len > 3 || w->s[0] == L'0')
		return false;
	for (size_t i = 0; i < w->len; i++)
		if (!is_digit(w->s[i]))
			return false;
	return true;
}

/* A year: "2026". */
static bool
is_year(const struct word *w)
{
	if (w->len != 4 || !((w->s[0] == L'1' && w->s[1] == L'9') || (w->s[0] == L'2' && w->s[1] == L'0')))
		return false;
	return is_digit(w->s[2]) && is_digit(w->s[3]);
}

/* A currency before its amount: "€", "EUR". */
static bool
is_currency(const struct word *w)
{
	return (w->len == 1 && (w->s[0] == L'\u20ac' || w->s[0] == L'$' || w->s[0] == L'\u00a3')) ||
	    (w->len == 3 && wcsncmp(w->s, L"EUR", 3) == 0);
}

/* Whether the space at s[i] may become a line break. */
static bool
breakable(const wchar_t *s, size_t n, size_t i)
{
	struct word a = word_before(s, i), b = word_after(s, n, i);

	if (a.len == 0 || b.len == 0 || a.closed)
		return true;
	/* Phone numbers: "088 - 023 47 40", "06 12345678". */
	if ((is_number(&a) || is_dash(&a)) && (is_number(&b) || is_dash(&b)) &&
	    (is_number(&a) || is_number(&b)))
		return false;
	/* Times: "15.00 tot 16.00 uur", "van 15.00", "15:00 to 16:00". */
	if ((is_time(&a) && (is_small_word(&b) || is_dash(&b))) ||
	    ((is_small_word(&a) || is_dash(&a)) && is_time(&b)))
		return false;
	/* Amounts and dates: "€ 200", "200 euro", "1 april", "april 2026":
	 * a number alone at the start of a line reads as something else. */
	if ((is_currency(&a) && b.len > 0 && is_digit(b.s[0])) || (is_count(&a) && is_letters(&b)) ||
	    (is_letters(&a) && is_year(&b)))
		return false;
	/* Addresses: "Petuniatuin 7A". */
	return !(is_name(&a) && is_house_number(&b));
}

size_t
text_wrap(const wchar_t *s, size_t n, int cols, struct span **out)
{
	size_t count = 0, cap = 0, i = 0;

	*out = NULL;
	if (cols < 1)
		cols = 1;
	while (i <= n) {
		size_t start = i, end = i, brk = 0, any = 0;
		int w = 0;

		/* Extend the line while it fits; remember the last space where a
		 * break may come, and the last space of all. */
		while (end < n && s[end] != L'\n') {
			int cw = text_cwidth(s[end]);

			if (w + cw > cols)
				break;
			if (s[end] == L' ' && end > start) {
				any = end;
				if (breakable(s, n, end))
					brk = end;
			}
			w += cw;
			end++;
		}
		/* A run longer than the line is broken at a space in it rather
		 * than inside a word. */
		if (end < n && s[end] == L' ' && (brk <= start || breakable(s, n, end))) {
			/* The line is full up to a space: break right there. */
			size_t len = end - start;

			while (len > 0 && s[start + len - 1] == L' ')
				len--;
			push(out, &count, &cap, start, len);
			i = end + 1;
		} else if (end < n && s[end] != L'\n' && (brk > start || any > start)) {
			/* Break at the last space; the space itself is dropped. */
			if (brk <= start)
				brk = any;
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

/* ------------------------------------------------------------------
 * Grapheme clusters. ICU works in UTF-16: s is copied, with at[k] the
 * UTF-16 offset of character k (at[n] the end). */

static UChar *
to_utf16(const wchar_t *s, size_t n, size_t *at, int32_t *len)
{
	UChar *u = xcalloc(2 * n + 1, sizeof *u);
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		UChar32 c = (UChar32)s[i];

		at[i] = k;
		if (c < 0 || c > 0x10FFFF || U_IS_SURROGATE(c))
			c = 0xFFFD;
		if (c > 0xFFFF) {
			u[k++] = U16_LEAD(c);
			u[k++] = U16_TRAIL(c);
		} else {
			u[k++] = (UChar)c;
		}
	}
	at[n] = k;
	*len = (int32_t)k;
	return u;
}

/* The boundary before (after = false) or after character i. */
static size_t
cluster_edge(const wchar_t *s, size_t n, size_t i, bool after)
{
	size_t *at, k = after ? n : 0;
	int32_t len, b;
	UChar *u;
	UBreakIterator *bi;
	UErrorCode err = U_ZERO_ERROR;

	if (i > n)
		i = n;
	if (after ? i >= n : i == 0)
		return i;
	at = xcalloc(n + 1, sizeof *at);
	u = to_utf16(s, n, at, &len);
	bi = ubrk_open(UBRK_CHARACTER, "", u, len, &err);
	if (U_FAILURE(err)) {
		/* No ICU data: a character at a time. */
		k = after ? i + 1 : i - 1;
	} else {
		b = after ? ubrk_following(bi, (int32_t)at[i]) : ubrk_preceding(bi, (int32_t)at[i]);
		if (b != UBRK_DONE)
			for (k = 0; k < n && at[k] < (size_t)b; k++)
				;
	}
	ubrk_close(bi);
	explicit_bzero(u, (2 * n + 1) * sizeof *u);
	free(u);
	free(at);
	return k;
}

size_t
text_cluster_before(const wchar_t *s, size_t n, size_t i)
{
	return cluster_edge(s, n, i, false);
}

size_t
text_cluster_after(const wchar_t *s, size_t n, size_t i)
{
	return cluster_edge(s, n, i, true);
}

size_t
text_backspace_from(const wchar_t *s, size_t n, size_t i)
{
	size_t start;
	UErrorCode err = U_ZERO_ERROR;
	UScriptCode script;

	if (i == 0)
		return 0;
	start = text_cluster_before(s, n, i);
	script = uscript_getScript((UChar32)s[start], &err);
	if (U_SUCCESS(err) && script != USCRIPT_LATIN && script != USCRIPT_GREEK && script != USCRIPT_CYRILLIC)
		return i - 1;
	return start;
}
