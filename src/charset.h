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
 * and invisible characters (see text_kind) become U+FFFD (or '?'), control
 * characters other than '\n' '?': stored text can never reorder, hide or
 * restyle what is shown. *len gets the length. Caller frees. */
wchar_t *charset_display(const char *utf8, size_t *len);
/* Whether the terminal shows every character of utf8, if need be
 * transliterated (ş as s): no letter of it becomes '?'. */
bool charset_shows(const char *utf8);
/* Bytes typed on the terminal (its charset) as UTF-8, without invisible
 * characters (see charset_drop_invisible); NULL when they are not valid in
 * that charset or hold control characters. Caller frees. */
char *charset_from_term(const char *bytes, size_t n);
/* utf8 decoded to Unicode characters, for editing; invalid bytes become
 * U+FFFD, control characters other than '\n' '?'. *len gets the length.
 * Caller frees. */
wchar_t *charset_decode_utf8(const char *utf8, size_t *len);
/* Lower-case n characters in place, for every alphabet, whatever the
 * locale (for searching). */
void charset_fold(wchar_t *w, size_t n);
/* Whether c is a letter or digit of any alphabet (or a mark on one), in
 * any locale: what words are made of. */
bool charset_is_word(wchar_t c);
/* UTF-8 encoding of n wide characters. Caller frees. */
char *charset_utf8(const wchar_t *ws, size_t n);
/* True when s is valid UTF-8 without control characters other than '\n'. */
bool charset_valid_utf8(const char *s, bool allow_newline);
/* Remove the invisible characters (see text_kind) from utf8, in place.
 * Typed or pasted text loses them silently and keeps the rest. */
void charset_drop_invisible(char *utf8);
/* Whether utf8 holds an invisible character. */
bool charset_has_invisible(const char *utf8);
/* A copy of utf8 without invisible and control characters (but tab, CR
 * and LF when keep_layout): left out, or each replaced by U+FFFD when mark.
 * Invalid bytes become U+FFFD. Caller frees. */
char *charset_filter(const char *utf8, bool mark, bool keep_layout);
/* JSON text (UTF-8) with every invisible and control character written as
 * a \uXXXX escape, so that a person reading the file sees it; the value a
 * JSON reader gets is unchanged. Caller frees. */
char *charset_json_visible(const char *json);
/* Number of characters (code points) in valid UTF-8 s. */
size_t charset_utf8_len(const char *s);

#endif
