/* bidi.h: lines in visual order, for the terminal, through GNU FriBidi.
 * Most terminals do no bidi of their own (and those that can are told not
 * to, see ui.c): the kiosk lays out every line of right-to-left text
 * itself, after wrapping, as the Unicode Bidirectional Algorithm says. The
 * line mode does not: a screen reader wants logical order. */
#ifndef ZK_BIDI_H
#define ZK_BIDI_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

/* Whether s holds a right-to-left letter (Hebrew, Arabic, ...). */
bool bidi_has_rtl(const wchar_t *s, size_t n);
/* The n characters of s as shown, left to right, in a paragraph of base
 * direction rtl (else left to right): reordered, brackets mirrored, Arabic
 * letters joined and shaped. out has room for n characters; returns how
 * many it got (a ligature takes two in one). When pos is not NULL, pos[i]
 * gets the index in out of logical character i. */
size_t bidi_visual(const wchar_t *s, size_t n, bool rtl, wchar_t *out, size_t *pos);

#endif
