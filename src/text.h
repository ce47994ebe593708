/* text.h: widths and line wrapping of display strings, in terminal columns.
 * Works on wide strings; knows nothing of curses or charsets. */
#ifndef ZK_TEXT_H
#define ZK_TEXT_H

#include <stddef.h>
#include <wchar.h>

/* One wrapped line: len characters of the source starting at start. */
struct span {
	size_t start, len;
};

/* What a character is, for text that a visitor types and staff read. */
enum text_kind {
	TEXT_VISIBLE,   /* shown as itself */
	TEXT_CONTROL,   /* C0 and C1 controls and DEL: they move the cursor or
	                   change the terminal's state */
	TEXT_INVISIBLE, /* format characters (general category Cf), line and
	                   paragraph separators and the other default-ignorable
	                   characters: bidi controls that reorder the text
	                   around them, zero-width characters, the soft hyphen,
	                   tag characters, variation selectors, fillers */
};

/* The kind of c; see enum text_kind. */
enum text_kind text_kind(wchar_t c);
/* Columns taken by c; characters that cannot be shown count as 1 ('?'),
 * and so do controls and invisible characters (shown as a placeholder). */
int text_cwidth(wchar_t c);
/* Columns taken by the first n characters of s. */
int text_width(const wchar_t *s, size_t n);
/* How many characters of s (length n) fit in cols columns. */
size_t text_fit(const wchar_t *s, size_t n, int cols);
/* Wrap s (length n) to lines of at most cols columns, breaking at spaces,
 * and hard at '\n' and inside words longer than a line. Returns the number of
 * lines; *out is an array the caller frees. */
size_t text_wrap(const wchar_t *s, size_t n, int cols, struct span **out);

#endif
