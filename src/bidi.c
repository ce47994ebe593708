/* bidi.c: see bidi.h. */
#include "bidi.h"

#include <fribidi.h>
#include <stdlib.h>

#include "util.h"

/* The isolates the Unicode Bidirectional Algorithm knows (UAX #9, 6.3). */
#define LRI 0x2066
#define PDI 0x2069

bool
bidi_has_rtl(const wchar_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		FriBidiCharType t = fribidi_get_bidi_type((FriBidiChar)s[i]);

		if (FRIBIDI_IS_LETTER(t) && FRIBIDI_IS_RTL(t))
			return true;
	}
	return false;
}

static bool
is_digit(wchar_t c)
{
	return c >= L'0' && c <= L'9';
}

/* Characters that join the parts of one number as people write it: a
 * phone number "06 12345678", a time "15.00-16.00", a date "1/4". */
static bool
joins_digits(wchar_t c)
{
	return c == L' ' || c == L'.' || c == L':' || c == L'/' || c == L'-' || c == L'\u2013';
}

/* The end of the number of several parts that starts at s[i] (a digit), or
 * i when it has one part: such a number is read left to right as a whole,
 * also in a right-to-left line, where the algorithm alone would put its
 * parts in the line's order. */
static size_t
number_end(const wchar_t *s, size_t n, size_t i)
{
	size_t end = i, k = i;
	bool parts = false;

	while (k < n && is_digit(s[k]))
		k++;
	end = k;
	while (k < n && joins_digits(s[k])) {
		size_t j = k;

		while (j < n && joins_digits(s[j]) && j - k < 3)
			j++;
		if (j >= n || !is_digit(s[j]))
			break;
		while (j < n && is_digit(s[j]))
			j++;
		end = k = j;
		parts = true;
	}
	return parts ? end : i;
}

size_t
bidi_visual(const wchar_t *s, size_t n, bool rtl, wchar_t *out, size_t *pos)
{
	FriBidiParType base = rtl ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
	FriBidiChar *in, *vis;
	FriBidiStrIndex *l2v;
	size_t *at, *kept, m = 0, k = 0;

	if (n == 0)
		return 0;
	/* Room for an isolate before and after every character. */
	in = xcalloc(3 * n, sizeof *in);
	vis = xcalloc(3 * n + 1, sizeof *vis);
	l2v = xcalloc(3 * n, sizeof *l2v);
	kept = xcalloc(3 * n, sizeof *kept);
	at = xcalloc(n, sizeof *at);
	for (size_t i = 0; i < n;) {
		/* A number that goes on from a word ("MZ-2026-0042") already
		 * runs left to right with it. */
		bool starts = rtl && is_digit(s[i]) &&
		    (i == 0 || !(joins_digits(s[i - 1]) || is_digit(s[i - 1]) ||
		    FRIBIDI_IS_LETTER(fribidi_get_bidi_type((FriBidiChar)s[i - 1]))) || s[i - 1] == L' ');
		size_t end = starts ? number_end(s, n, i) : i;

		if (end > i) {
			in[m++] = LRI;
			for (; i < end; i++) {
				at[i] = m;
				in[m++] = (FriBidiChar)s[i];
			}
			in[m++] = PDI;
		} else {
			at[i] = m;
			in[m++] = (FriBidiChar)s[i++];
		}
	}
	/* log2vis applies the default flags and Arabic shaping; a ligature
	 * leaves FRIBIDI_CHAR_FILL where its second letter was. */
	if (fribidi_log2vis(in, (FriBidiStrIndex)m, &base, vis, l2v, NULL, NULL) == 0)
		for (size_t i = 0; i < m; i++) {
			vis[i] = in[i];
			l2v[i] = (FriBidiStrIndex)i;
		}
	/* A mark (a vowel sign, the shadda) stays the combining character it
	 * is, for the terminal to put on its letter: shaped, it would become
	 * a presentation form that takes a cell of its own. */
	for (size_t i = 0; i < m; i++)
		if (fribidi_get_bidi_type(in[i]) == FRIBIDI_TYPE_NSM && (size_t)l2v[i] < m)
			vis[l2v[i]] = in[i];
	/* The isolates and the fill characters take no cell: left out. */
	for (size_t v = 0; v < m; v++) {
		kept[v] = k;
		if (vis[v] != LRI && vis[v] != PDI && vis[v] != FRIBIDI_CHAR_FILL)
			out[k++] = (wchar_t)vis[v];
	}
	if (pos != NULL)
		for (size_t i = 0; i < n; i++) {
			size_t v = (size_t)l2v[at[i]] < m ? (size_t)l2v[at[i]] : m - 1;

			pos[i] = kept[v] < k ? kept[v] : (k > 0 ? k - 1 : 0);
		}
	/* The text may hold what a visitor typed. */
	wipe_free(in);
	wipe_free(vis);
	free(l2v);
	free(kept);
	free(at);
	return k;
}
