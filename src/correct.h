/* correct.h: which answers staff may correct (the right to
 * rectification: the person's name, phone number and e-mail address), and
 * the check of a new value, the same as at the kiosk. */
#ifndef ZK_CORRECT_H
#define ZK_CORRECT_H

#include <stdbool.h>

#include "form.h"
#include "intake.h"
#include "store.h"

/* Whether field fd may be corrected: a line of text (the name), a phone
 * number or an e-mail address. */
bool correct_allowed(const struct field *fd);
/* The field with this id, if it may be corrected; else NULL. */
const struct field *correct_field(const struct forms *f, const char *id);
/* The ids of the fields that may be corrected, joined by ", ". Caller
 * frees. */
char *correct_field_list(const struct forms *f);
/* Check value for field fd of request r as the kiosk checks it (with the
 * form's rule that one of the phone number and e-mail address is given);
 * on VERR_NONE *stored is the value as it is to be stored (a phone number
 * normalised, spaces around trimmed; caller frees with wipe_free). */
/* The field a history line e (e->corrected set) names, as staff read it
 * (its id when the form no longer has it). */
const char *correct_label(const struct forms *f, const struct store_event *e);
enum verr correct_check(const struct forms *f, const struct store_record *r, const struct field *fd,
    const char *value, char **stored);

#endif
