/* answer_words.h: a stored answer in the words staff read, for the record
 * page and the person's page alike. */
#ifndef ZK_ANSWER_WORDS_H
#define ZK_ANSWER_WORDS_H

#include <stdbool.h>

#include "form.h"
#include "store.h"

/* The label of field (as staff read it, or with for_staff false as the
 * visitor did: for the person's own copy), or with a choice the choice's
 * label: from the current forms when they have it, else as stored for the
 * request's form version. Caller frees. */
char *answer_label(struct store *s, const struct forms *f, int form_version, const char *field,
    const char *choice, bool for_staff);
/* An answer in words: options by their titles, consent as "Yes", a choice
 * by its label, the band of "How are you doing?" by its title, anything
 * else as typed. Caller frees. */
char *answer_words(struct store *s, const struct forms *f, int form_version, const struct store_answer *an);

#endif
