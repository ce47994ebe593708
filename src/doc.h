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
};

struct doc_item {
	int id;             /* the screen's own number for it */
	int group;          /* Tab moves from group to group */
	char key;           /* a digit that picks it, or 0 */
	enum item_kind kind;
	size_t first, last; /* its lines */
	int cur_line, cur_col; /* inputs: where the cursor goes */
	int label;          /* characters before the label (the key, the box) */
};

struct doc {
	int width;          /* columns of the body */
	struct doc_line *lines;
	size_t nlines;
	struct doc_item *items;
	size_t nitems;
	char *source;       /* every text and label added, as given (UTF-8) */
	/* Where it was last drawn, for mouse clicks and paging. */
	int top, left, height, scroll;
};

/* What a key did to the doc. */
enum nav { NAV_NONE, NAV_MOVED, NAV_ACTIVATE };

/* Start an empty doc of width columns (frees what d held). */
void doc_reset(struct doc *d, int width);
/* Free the doc's lines and items. */
void doc_free(struct doc *d);
/* Add text: a new paragraph at each '\n', "- " paragraphs as bullets. */
void doc_text(struct doc *d, const char *utf8, enum ui_style st, int indent);
/* Add an empty line. */
void doc_blank(struct doc *d);
/* Add a button; key is a digit shown before it (0 for none). */
void doc_button(struct doc *d, int id, int group, char key, const char *label);
/* Add a radio button or a check box. */
void doc_toggle(struct doc *d, enum item_kind kind, int id, int group, bool on, const char *label);
/* Add a text input holding utf8 with the cursor at character cursor; rows
 * > 1 makes it a multi-line area of at least that many rows. */
void doc_input(struct doc *d, int id, int group, const char *utf8, size_t cursor, int rows);
/* The index of the item with id, or -1. */
int doc_find(const struct doc *d, int id);
/* Draw in rows top..top+height-1 from column left, with the item focus
 * highlighted and kept in view when follow is set. Returns true when the
 * focus is a text input; *cy, *cx get where the cursor goes: in the input,
 * or (hidden) just after the focus marker, where drawing it left it. */
bool doc_draw(struct doc *d, int top, int left, int height, int focus, int *scroll, bool follow,
    int *cy, int *cx);
/* Move the focus (an item id, -1 for none) for a navigation key. */
enum nav doc_nav(struct doc *d, const struct ui_key *k, int *focus, int *scroll);

#endif
