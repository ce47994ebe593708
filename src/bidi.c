/* bidi.c: see bidi.h. */
#include "bidi.h"

#include <fribidi.h>
#include <stdlib.h>

#include "util.h"

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

size_t
bidi_visual(const wchar_t *s, size_t n, bool rtl, wchar_t *out, size_t *pos)
{
	FriBidiParType base = rtl ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
	FriBidiChar *in, *vis;
	FriBidiStrIndex *l2v;
	size_t *gone, k = 0;

	if (n == 0)
		return 0;
	in = xcalloc(n, sizeof *in);
	vis = xcalloc(n + 1, sizeof *vis);
	l2v = xcalloc(n, sizeof *l2v);
	gone = xcalloc(n + 1, sizeof *gone);
	for (size_t i = 0; i < n; i++)
		in[i] = (FriBidiChar)s[i];
	/* log2vis applies the default flags and Arabic shaping; a ligature
	 * leaves FRIBIDI_CHAR_FILL where its second letter was. */
	if (fribidi_log2vis(in, (FriBidiStrIndex)n, &base, vis, l2v, NULL, NULL) == 0) {
		for (size_t i = 0; i < n; i++) {
			vis[i] = in[i];
			l2v[i] = (FriBidiStrIndex)i;
		}
	}
	/* A mark (a vowel sign, the shadda) stays the combining character it
	 * is, for the terminal to put on its letter: shaped, it would become
	 * a presentation form that takes a cell of its own. */
	for (size_t i = 0; i < n; i++)
		if (fribidi_get_bidi_type(in[i]) == FRIBIDI_TYPE_NSM && (size_t)l2v[i] < n)
			vis[l2v[i]] = in[i];
	for (size_t i = 0; i < n; i++) {
		gone[i] = i - k; /* fill characters before visual index i */
		if (vis[i] != FRIBIDI_CHAR_FILL)
			out[k++] = (wchar_t)vis[i];
	}
	if (pos != NULL)
		for (size_t i = 0; i < n; i++) {
			size_t v = (size_t)l2v[i] < n ? (size_t)l2v[i] : n - 1;

			pos[i] = v - gone[v];
		}
	free(in);
	free(vis);
	free(l2v);
	free(gone);
	return k;
}
