/* edit.c: text field editing; see edit.h. */
#include "edit.h"

#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "charset.h"
#include "text.h"
#include "util.h"

/* Whether c may be stored in an answer. */
static bool
typable(wint_t c)
{
	return text_kind((wchar_t)c) == TEXT_VISIBLE && c <= 0x10FFFF && !(c >= 0xD800 && c <= 0xDFFF) &&
	    iswprint(c);
}

/* Insert c at the cursor (c != 0) or delete before/at it: a letter
 * with its combining marks at a time (see text_backspace_from). */
static enum edit_result
change(char **value, size_t *cur, int max, wchar_t c, bool back)
{
	size_t n, k;
	wchar_t *w = charset_decode_utf8(*value, &n);
	char *out;

	if (*cur > n)
		*cur = n;
	if (c != 0 && (int)n >= max) {
		free(w);
		return EDIT_FULL;
	}
	if (c != 0) {
		w = xreallocarray(w, n + 2, sizeof *w);
		wmemmove(w + *cur + 1, w + *cur, n - *cur + 1);
		w[(*cur)++] = c;
		n++;
	} else if (back && *cur > 0) {
		k = *cur - text_backspace_from(w, n, *cur);
		wmemmove(w + *cur - k, w + *cur, n - *cur + 1);
		*cur -= k;
		n -= k;
	} else if (!back && *cur < n) {
		k = text_cluster_after(w, n, *cur) - *cur;
		wmemmove(w + *cur, w + *cur + k, n - *cur - k + 1);
		n -= k;
	}
	out = charset_utf8(w, n);
	explicit_bzero(w, n * sizeof *w);
	free(w);
	explicit_bzero(*value, strlen(*value));
	free(*value);
	*value = out;
	return EDIT_CHANGED;
}

/* The cursor one letter (grapheme cluster) to the left or right. */
static enum edit_result
cursor_step(const char *value, size_t *cursor, bool right)
{
	size_t n;
	wchar_t *w = charset_decode_utf8(value, &n);

	*cursor = right ? text_cluster_after(w, n, *cursor) : text_cluster_before(w, n, *cursor);
	explicit_bzero(w, n * sizeof *w);
	free(w);
	return EDIT_MOVED;
}

enum edit_result
edit_key(char **value, size_t *cursor, int max, bool multiline, const struct ui_key *k)
{
	size_t n = charset_utf8_len(*value);

	switch (k->code) {
	case KEY_LEFT:
		return cursor_step(*value, cursor, false);
	case KEY_RIGHT:
		return cursor_step(*value, cursor, true);
	case KEY_HOME:
		*cursor = 0;
		return EDIT_MOVED;
	case KEY_END:
		*cursor = n;
		return EDIT_MOVED;
	case KEY_BACKSPACE:
		return change(value, cursor, max, 0, true);
	case KEY_DC:
		return change(value, cursor, max, 0, false);
	case KEY_ENTER:
		return multiline ? change(value, cursor, max, L'\n', false) : EDIT_ENTER;
	case 0:
		break;
	default:
		return EDIT_IGNORED;
	}
	/* Pasted text is text: a tab, or a line break in a one-line text,
	 * is a space there, never the key that moves on. */
	if (k->pasted && (k->ch == L'\t' || (k->ch == L'\n' && !multiline))) {
		struct ui_key space = *k;

		space.ch = L' ';
		return edit_key(value, cursor, max, multiline, &space);
	}
	if (k->ch == L'\t')
		return EDIT_IGNORED; /* Tab moves to the next question */
	if (k->ch == 127 || k->ch == 8)
		return change(value, cursor, max, 0, true);
	if (k->ch == L'\r' || k->ch == L'\n')
		return multiline ? change(value, cursor, max, L'\n', false) : EDIT_ENTER;
	if (k->ch == 1) { /* Ctrl-A and Ctrl-E, as in a shell */
		*cursor = 0;
		return EDIT_MOVED;
	}
	if (k->ch == 5) {
		*cursor = n;
		return EDIT_MOVED;
	}
	/* Invisible characters are left out without a word, so that a pasted
	 * text keeps the rest: refusing the key would lose nothing visible, but
	 * a message per zero-width space in a paste helps no one. */
	if (text_kind((wchar_t)k->ch) == TEXT_INVISIBLE)
		return EDIT_DROPPED;
	if (!typable(k->ch))
		return EDIT_BADKEY;
	if ((int)n >= max) /* checked first: a long paste stays cheap */
		return EDIT_FULL;
	return change(value, cursor, max, (wchar_t)k->ch, false);
}
