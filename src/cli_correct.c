/* cli_correct.c: the right to rectification as a staff command:
 * correct REF FIELD, the new value read from standard input, so that it
 * never shows in the process list or a shell's history. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "correct.h"
#include "i18n.h"
#include "util.h"

/* The longest line read: more than any field may hold. */
#define VALUE_MAX 4096

/* The new value, one line from standard input (a question first on a
 * terminal), at most VALUE_MAX + 1 bytes kept (more is too long for any
 * field); NULL when none came. A NUL byte becomes a control character, so
 * that the check refuses it rather than the value being cut there. Caller
 * frees with wipe_free. */
static char *
read_value(const struct field *fd, const char *ref)
{
	char *line = xcalloc(VALUE_MAX + 2, 1);
	size_t n = 0;
	int c = EOF;

	if (isatty(STDIN_FILENO)) {
		printf(_("New %s for %s (empty: none): "), field_staff_label(fd), ref);
		fflush(stdout);
	}
	while (n <= VALUE_MAX && (c = getchar()) != EOF && c != '\n')
		line[n++] = c == '\0' ? '\x01' : (char)c;
	if (n == 0 && c == EOF) {
		wipe_free(line);
		return NULL;
	}
	if (n > 0 && line[n - 1] == '\r')
		line[n - 1] = '\0';
	return line;
}

int
cli_correct(struct store *s, const struct forms *f, const char *login, const struct cli_args *a)
{
	const struct field *fd = correct_field(f, a->field);
	struct store_record r;
	char *value = NULL, *stored = NULL;
	enum store_rc rc;
	enum verr e;
	bool wiped = false;
	int status = 1;

	if (fd == NULL) {
		char *list = correct_field_list(f);

		fprintf(stderr, _("zorgkiosk: '%s' cannot be corrected; the fields that can: %s.\n"), a->field, list);
		free(list);
		return 1;
	}
	if ((rc = store_record(s, a->ref, &r)) != STORE_OK) {
		if (rc == STORE_NOTFOUND)
			fprintf(stderr, _("zorgkiosk: there is no request %s.\n"), a->ref);
		else
			fprintf(stderr, "zorgkiosk: %s\n", store_message(rc));
		return 1;
	}
	if ((value = read_value(fd, a->ref)) == NULL) {
		fprintf(stderr, _("zorgkiosk: correct reads the new value from standard input, and none came. Nothing was changed.\n"));
	} else if ((e = correct_check(f, &r, fd, value, &stored)) != VERR_NONE) {
		/* L10N: the field as staff read it, then the kiosk's message. */
		fprintf(stderr, _("zorgkiosk: %s: %s Nothing was changed.\n"), field_staff_label(fd), intake_message(e));
	} else if (str_eq(stored, store_record_answer(&r, fd->id))) {
		printf(_("%s of %s: that is what was stored already; nothing was changed.\n"), field_staff_label(fd), a->ref);
		status = 0;
	} else if ((rc = store_correct(s, &r, fd->id, stored, login, &wiped)) != STORE_OK) {
		fprintf(stderr, "zorgkiosk: %s\n", store_message(rc));
	} else {
		printf(_("%s of %s corrected. The history and the audit say who did it and when, without the old value.\n"),
		    field_staff_label(fd), a->ref);
		if (!wiped)
			fprintf(stderr, _("zorgkiosk: another program is using the database, so the old value could not yet be wiped from the file. Run 'zorgkiosk purge' when the kiosks are quiet: it wipes it.\n"));
		status = wiped ? 0 : 1;
	}
	wipe_free(value);
	wipe_free(stored);
	store_record_free(&r);
	return status;
}
