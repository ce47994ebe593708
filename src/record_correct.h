/* record_correct.h: correcting the person's name, phone number or e-mail
 * address on the record page (scr_record.c): the right to rectification. */
#ifndef ZK_RECORD_CORRECT_H
#define ZK_RECORD_CORRECT_H

#include <stdbool.h>

#include "doc.h"
#include "form.h"
#include "screen.h"
#include "store.h"

/* "Correct which?": a button per field that may be corrected, with id
 * first + the field's index in f, then Cancel with id cancel. */
void correct_pick_build(const struct forms *f, struct doc *d, int first, int cancel);
/* Store text as the new answer to fd of r for the staff member of a: the
 * notice to show (caller frees). *again when the text was refused: ask
 * again, with what was typed. */
char *correct_apply(struct app *a, const struct store_record *r, const struct field *fd, const char *text,
    bool *again);

#endif
