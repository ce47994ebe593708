/* doc.h: what a screen shows, as a list of wrapped lines with focusable
 * items (buttons, radio buttons, check boxes, text inputs). Screens build a
 * doc for the current width and language on every draw; doc.c draws it,
 * scrolls it and moves the focus, the same way on every screen. */
#ifndef ZK_DOC_H
#define ZK_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include "ui.h"

enum item_kind { ITEM_BUTTON, ITEM_RADIO, ITEM_CHECK, ITEM_INPUT };

struct doc_line {
	wchar_t *text;
	size_t len;
	int x;              /* indent within the body */
	enum ui_style style;
	int item;           /* index into items, or -1 */
	int names;          /* text naming an item (a question): its id, or -1 */
	bool cont;          /* continues the paragraph of the line before */
	bool rtl;           /* reads right to left: drawn against the right edge */
};

struct doc_item {
	int id;             /* the screen's own number for it */
	int group;          /* Tab moves from group to group */
	char key;           /* a digit that picks it, or 0 */
	enum item_kind kind;
	size_t first, last; /* its lines */
	int cur_line, cur_col; /* inputs: where the cursor goes */
	size_t cur_at;      /* inputs: the character of that line it is on */
	int label;          /* characters before the label (the key, the box) */
	bool on;            /* radio buttons and check boxes: chosen */
};

/* An item of the key bar: what it says, and the key a tap on it presses. */
struct doc_key {
	char *label;        /* UTF-8 */
	int code;           /* KEY_* */
	wint_t ch;          /* the character, when code is 0 */
	int x, width;       /* where it was last drawn */
};

struct doc {
	int width;          /* columns of the body */
	struct doc_line *lines;
	size_t nlines;
	struct doc_item *items;
	size_t nitems;
	struct doc_key *keys; /* the key bar */
	size_t nkeys;
	char *source;       /* every text and label added, as given (UTF-8) */
	bool rtl;           /* lines added now read right to left; so does
	                     * the key bar when the doc is drawn */
	/* Where it was last drawn, for mouse clicks and paging. */
	int top, left, height, scroll;
	int keys_row;       /* the key bar's row, or -1 */
};

/* What a key did to the doc. */
enum nav { NAV_NONE, NAV_MOVED, NAV_ACTIVATE };

/* Lines scrolled by one notch of the mouse wheel. */
#define DOC_WHEEL_LINES 3

/* Start an empty doc of width columns (frees what d held). */
void doc_reset(struct doc *d, int width);
/* Free the doc's lines and items. */
void doc_free(struct doc *d);
/* Lines added from now on read right to left (rtl) or left to right. */
void doc_direction(struct doc *d, bool rtl);
/* Add text: a new paragraph at each '\n', "- " paragraphs as bullets. */
void doc_text(struct doc *d, const char *utf8, enum ui_style st, int indent);
/* Add text that names item id (a question above its answer): a tap on it
 * moves the focus to that item, and the item comes into view with it. */
void doc_label(struct doc *d, const char *utf8, enum ui_style st, int indent, int id);
/* Add an empty line. */
void doc_blank(struct doc *d);
/* Add a button; key is a digit shown before it (0 for none). */
void doc_button(struct doc *d, int id, int group, char key, const char *label);
/* Add a radio button or a check box. */
void doc_toggle(struct doc *d, enum item_kind kind, int id, int group, bool on, const char *label);
/* Add a text input holding utf8 with the cursor at character cursor; rows
 * > 1 makes it a multi-line area of at least that many rows. */
void doc_input(struct doc *d, int id, int group, const char *utf8, size_t cursor, int rows);
/* Add an item to the key bar: label (UTF-8), and the key a tap on it
 * presses: a KEY_* code, or with code 0 the character ch. */
void doc_key(struct doc *d, const char *label, int code, wint_t ch);
/* The index of the item with id, or -1. */
int doc_find(const struct doc *d, int id);
/* Draw in rows top..top+height-1 from column left, with the item focus
 * highlighted and kept in view when follow is set; the scroll marks go one
 * column right of the text, after a space. Returns whether the focus is in
 * view; then *cy, *cx get where the terminal's cursor goes (screen readers
 * and braille displays follow it): in a text input at the insertion point,
 * else on the item's first character. */
bool doc_draw(struct doc *d, int top, int left, int height, int focus, int *scroll, bool follow,
    int *cy, int *cx);
/* Draw the key bar on row y, in at most cols columns. */
void doc_draw_keys(struct doc *d, int y, int cols);
/* When k is a tap on an item of the key bar as last drawn, set *key to
 * the key it presses and return true. */
bool doc_key_at(const struct doc *d, const struct ui_key *k, struct ui_key *key);
/* Move the focus (an item id, -1 for none) for a navigation key: also a
 * tap on a line, on a scroll mark, or the mouse wheel. */
enum nav doc_nav(struct doc *d, const struct ui_key *k, int *focus, int *scroll);

#endif
