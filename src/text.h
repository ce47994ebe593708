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

/* Letters as a reader sees them: a letter with its combining marks (an
 * Arabic letter with its tashkeel, "e" with U+0301) is one grapheme
 * cluster, by Unicode's rules (ICU's character break iterator). The
 * boundary before character i of s (length n; 0 at the start), and the
 * one after it (n at the end). */
size_t text_cluster_before(const wchar_t *s, size_t n, size_t i);
size_t text_cluster_after(const wchar_t *s, size_t n, size_t i);
/* What Backspace at i (a boundary) takes: the start of what it removes.
 * The whole cluster before i where its letter is Latin, Greek or
 * Cyrillic, whose marks are typed with the letter; elsewhere (Arabic,
 * Hebrew, the scripts of India) marks are typed one by one after the
 * letter, and Backspace takes the last one, as Pango and the common
 * keyboards do. */
size_t text_backspace_from(const wchar_t *s, size_t n, size_t i);

#endif
