/* edit.h: editing a UTF-8 text answer with the keys of a text field. */
#ifndef ZK_EDIT_H
#define ZK_EDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "ui.h"

enum edit_result {
	EDIT_IGNORED, /* not an editing key */
	EDIT_CHANGED, /* the text changed */
	EDIT_MOVED,   /* only the cursor moved */
	EDIT_FULL,    /* refused: the text is at its longest */
	EDIT_BADKEY,  /* refused: a character that cannot be typed here */
	EDIT_DROPPED, /* an invisible character (see text_kind), left out */
	EDIT_ENTER,   /* Enter in a one-line text: the caller goes on */
};

/* Apply key k to *value (UTF-8, replaced on change; the old one is wiped
 * and freed) with the cursor at *cursor characters and at most max
 * characters. Enter adds a line break when multiline is set. */
enum edit_result edit_key(char **value, size_t *cursor, int max, bool multiline, const struct ui_key *k);

#endif
