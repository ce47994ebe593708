/* charset.h: the one boundary between UTF-8 inside the program and the
 * terminal's charset. Only this file calls iconv. */
#ifndef ZK_CHARSET_H
#define ZK_CHARSET_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

/* Read the terminal charset from the locale (after setlocale). */
void charset_init(void);
/* Release the converters. */
void charset_done(void);
/* True when the terminal takes UTF-8. */
bool charset_is_utf8(void);
/* The terminal's codeset name, e.g. "UTF-8" or "ISO-8859-1". */
const char *charset_name(void);
/* utf8 as a wide string the terminal can show: on other charsets, characters
 * it lacks are transliterated (é -> e, € -> EUR) or become '?'. Invalid UTF-8
 * becomes U+FFFD (or '?'). *len gets the length. Caller frees. */
wchar_t *charset_display(const char *utf8, size_t *len);
/* Bytes typed on the terminal (its charset) as UTF-8; NULL when they are not
 * valid in that charset or hold control characters. Caller frees. */
char *charset_from_term(const char *bytes, size_t n);
/* utf8 decoded to Unicode characters, for editing; invalid bytes become
 * U+FFFD. *len gets the length. Caller frees. */
wchar_t *charset_decode_utf8(const char *utf8, size_t *len);
/* Lower-case n characters in place, for every alphabet, whatever the
 * locale (for searching). */
void charset_fold(wchar_t *w, size_t n);
/* UTF-8 encoding of n wide characters. Caller frees. */
char *charset_utf8(const wchar_t *ws, size_t n);
/* True when s is valid UTF-8 without control characters other than '\n'. */
bool charset_valid_utf8(const char *s, bool allow_newline);
/* Number of characters (code points) in valid UTF-8 s. */
size_t charset_utf8_len(const char *s);

#endif
