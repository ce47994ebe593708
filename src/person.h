/* person.h: all that is stored about the person behind a reference, as a
 * page of lines in the user's language: for `zorgkiosk access` and the
 * staff terminal's page of the same (the right of access). */
#ifndef ZK_PERSON_H
#define ZK_PERSON_H

#include <stdbool.h>
#include <stdio.h>

#include "form.h"
#include "store.h"

struct person_line {
	char *text;   /* UTF-8, controls shown as U+FFFD; may hold line breaks */
	bool heading;
	int indent;
};

struct person_page {
	struct person_line *lines;
	size_t n;
};

/* The references of every request of the person behind ref (store_person,
 * with the form's phone and e-mail fields), into *refs (free with
 * store_refs_free). */
enum store_rc person_find(struct store *s, const struct forms *f, const char *ref, char ***refs, size_t *n);
/* The page about the person whose requests are refs (ref first). */
enum store_rc person_page_make(struct store *s, const struct forms *f, const char *ref, char *const *refs,
    size_t n, struct person_page *p);
/* The page as plain text: each line indented, its line breaks too. */
void person_page_write(const struct person_page *p, FILE *out);
void person_page_free(struct person_page *p);

#endif
