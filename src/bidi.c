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

/* A letter or digit that reads left to right: Latin (a Dutch name, an
 * address) or a European digit. */
static bool
ltr_char(wchar_t c)
{
	FriBidiCharType t = fribidi_get_bidi_type((FriBidiChar)c);

	return t == FRIBIDI_TYPE_LTR || t == FRIBIDI_TYPE_EN;
}

/* Characters that join the words and numbers of one left-to-right phrase
 * as people write it: "Petuniatuin 7A", "06 12345678", "15.00-16.00",
 * "Noordhove & Seghwaert", 'light'. */
static bool
joins(wchar_t c)
{
	return c == L' ' || c == L'.' || c == L':' || c == L'/' || c == L'-' || c == L'\u2013' || c == L'&' ||
	    c == L'\'';
}

/* The end of the left-to-right phrase that starts at s[i], in brackets or
 * not ("(Wmo-melding)"), or i when none starts there. In a right-to-left
 * line the algorithm alone would put the parts of such a phrase (the
 * words of a name, the groups of a phone number, a closing quote) in the
 * line's order; an isolate keeps it as written. */
static size_t
phrase_end(const wchar_t *s, size_t n, size_t i)
{
	bool bracket = s[i] == L'(';
	size_t k = i + bracket, end;

	if (k >= n || !(ltr_char(s[k]) || s[k] == L'\''))
		return i;
	for (;;) {
		while (k < n && (ltr_char(s[k]) || s[k] == L'\''))
			k++;
		end = k;
		/* A few joining characters, then more of the phrase. */
		while (k < n && joins(s[k]) && s[k] != L'\'' && k - end < 3)
			k++;
		if (k == end || k >= n || !(ltr_char(s[k]) || s[k] == L'\'')) {
			k = end;
			break;
		}
	}
	if (bracket)
		return k < n && s[k] == L')' ? k + 1 : i;
	return end;
}

/* Whether a phrase may start at s[i]: at the start of a word, not in the
 * middle of one. */
static bool
word_start(const wchar_t *s, size_t i)
{
	return i == 0 || !(ltr_char(s[i - 1]) || fribidi_get_bidi_type((FriBidiChar)s[i - 1]) == FRIBIDI_TYPE_AL ||
	    fribidi_get_bidi_type((FriBidiChar)s[i - 1]) == FRIBIDI_TYPE_RTL || (joins(s[i - 1]) && s[i - 1] != L' '));
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
		size_t end = rtl && word_start(s, i) ? phrase_end(s, n, i) : i;

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
