/* ui.h: the terminal: the only initscr()/endwin(), colours, the frame
 * (title bar and key bar), drawing UTF-8 text, and reading keys. */
#ifndef ZK_UI_H
#define ZK_UI_H

#include <curses.h>
#include <stdbool.h>
#include <wchar.h>

/* Smallest usable terminal; smaller shows "please enlarge". */
#define UI_MIN_COLS 40
#define UI_MIN_LINES 15

/* Text styles; each degrades to bold/reverse/underline without colour. */
enum ui_style {
	UI_NORMAL, UI_TITLE, UI_HEADING, UI_FOCUS, UI_ERROR, UI_KEYBAR, UI_NOTICE,
};

/* A key read from the terminal. The mouse wheel reads as KEY_SR (up) and
 * KEY_SF (down). */
struct ui_key {
	int code;   /* KEY_* for function keys, else 0 */
	wint_t ch;  /* the character, when code is 0 */
	int mouse_y, mouse_x; /* for KEY_MOUSE: a tap (click), or -1 */
	bool invalid; /* bytes that are no character in the terminal's charset */
	bool pasted;  /* came in a bracketed paste: text, never a command */
};

/* Whether TERM names a terminal that can move the cursor; if not, the
 * kiosk runs in line mode. */
bool ui_term_usable(void);
/* Start curses; raw keeps Ctrl-C and Ctrl-Z as keys (kiosk mode). With
 * low_bandwidth, or on a line of 19200 baud or less, decoration that costs
 * bytes (colour, filled bars) is left out. */
void ui_init(bool raw_keys, bool low_bandwidth);
/* After ui_init: Ctrl-S (and Ctrl-Q) reach the program as keys, also
 * outside raw mode, where the terminal would take them as "stop output"
 * and "go on". Kept as curses' program mode, restored after Ctrl-Z. */
void ui_ctrl_s_is_a_key(void);
/* Restore the terminal; safe to call twice. */
void ui_end(void);
/* Give the terminal back as it was found, from a signal handler of a
 * fault: async-signal-safe (a write of the saved reset sequence and
 * tcsetattr), no curses. Does nothing when curses does not have it. */
void ui_give_back(void);
/* Line mode: write to stdout what clears the screen and its scrollback,
 * when TERM names a terminal that can (nothing for TERM=dumb). */
void ui_put_clear_codes(void);
/* Whether the terminal is at least UI_MIN_COLS x UI_MIN_LINES. */
bool ui_big_enough(void);
/* Draw the "please enlarge" message. */
void ui_draw_too_small(void);
/* Start drawing a new screen: blank. */
void ui_clear(void);
/* Send what changed to the terminal; the cursor rests at cy, cx (-1: where
 * the last change left it). */
void ui_show(int cy, int cx);
/* The next ui_show() clears the terminal and sends everything. */
void ui_repaint(void);
/* The attributes for a style. */
attr_t ui_attr(enum ui_style st);
/* Draw utf8 at y, x, at most cols columns, in style st. Returns columns used. */
int ui_put(int y, int x, int cols, const char *utf8, enum ui_style st);
/* The same for a wide string of n characters (right-to-left words in it
 * in visual order, bidi.h). */
int ui_putw(int y, int x, int cols, const wchar_t *s, size_t n, enum ui_style st);
/* s as a right-to-left line in the cols columns from x, in visual order
 * and against their right edge. Returns cols. */
int ui_putw_rtl(int y, int x, int cols, const wchar_t *s, size_t n, enum ui_style st);
/* The column (from x) where ui_putw (rtl false) or ui_putw_rtl (rtl, in
 * cols columns) draws logical character i of s; for i == n, where the
 * cursor goes after the last one. */
int ui_column(const wchar_t *s, size_t n, int cols, bool rtl, size_t i);
/* The screen's base direction, for the title bar: right to left or not. */
void ui_direction(bool rtl);
/* Title bar on the top line and, unless keys is NULL, key bar on the
 * bottom line. */
void ui_frame(const char *title, const char *keys);
/* Wait at most timeout_ms (-1: forever) for a key. False on timeout, and
 * when the terminal is gone (see ui_input_gone). What the terminal marks
 * as pasted (bracketed paste, which ui_init asks for) reads as keys with
 * pasted set, a line break as '\n'. */
bool ui_read_key(struct ui_key *k, int timeout_ms);
/* Whether the terminal hung up: no key will ever come. */
bool ui_input_gone(void);
/* A glyph that the terminal can show: the UTF-8 one, or the ASCII one. */
const char *ui_glyph(const char *utf8, const char *ascii);

#endif
