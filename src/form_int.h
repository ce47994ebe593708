/* form_int.h: what the parts of the forms loader share; nobody else. */
#ifndef ZK_FORM_INT_H
#define ZK_FORM_INT_H

#include <stddef.h>

#include "form.h"

/* Reading one file: its name, and the problems found so far. */
struct loader {
	const char *file;
	char *errors; /* "file:line: problem\n" lines */
	size_t len;
	int count;
};

/* Add "file:line: problem" to the loader's problems. */
void form_err(struct loader *ld, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Check what the guide's pages and flows refer to: ids that exist, flows
 * that always end, questions that are reached. */
void form_check_guide(struct loader *ld, const struct forms *f);

#endif
