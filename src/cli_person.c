/* cli_person.c: the rights of the person whose data it is, as staff
 * commands: access REF (all that is stored about them, in plain words) and
 * erase REF (all of it gone, but that it happened). */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "outfile.h"
#include "person.h"
#include "site.h"
#include "util.h"

/* The requests of the person behind a->ref, or NULL with a message. */
static char **
find_person(struct store *s, const struct forms *f, const char *ref, size_t *n)
{
	char **refs;
	enum store_rc rc = person_find(s, f, ref, &refs, n);

	if (rc == STORE_NOTFOUND)
		fprintf(stderr, _("zorgkiosk: there is no request %s.\n"), ref);
	else if (rc != STORE_OK)
		fprintf(stderr, "zorgkiosk: %s\n", store_message(rc));
	return rc == STORE_OK ? refs : NULL;
}

/* Whether the user typed the reference again, on a terminal. */
static bool
confirmed(const char *ref)
{
	char line[64];

	printf(_("Type the reference %s to erase all of this for good, or press Enter to stop: "), ref);
	fflush(stdout);
	if (fgets(line, sizeof line, stdin) == NULL)
		return false;
	line[strcspn(line, "\r\n")] = '\0';
	return str_eq(line, ref);
}

int
cli_erase(struct store *s, const struct forms *f, const char *login, const struct cli_args *a)
{
	size_t n;
	char **refs = find_person(s, f, a->ref, &n);
	enum store_rc rc;
	bool wiped;

	if (refs == NULL)
		return 1;
	if (!a->yes && !isatty(STDIN_FILENO)) {
		fprintf(stderr, _("zorgkiosk: erase asks for a yes on a terminal; in a script, add --yes. Nothing was erased.\n"));
		store_refs_free(refs, n);
		return 1;
	}
	/* Only references: the question shows no one's data. */
	printf(ngettext("The person behind %s has %zu request:\n", "The person behind %s has %zu requests:\n",
	    (unsigned long)n), a->ref, n);
	for (size_t i = 0; i < n; i++)
		printf("  %s\n", refs[i]);
	if (!a->yes && !confirmed(a->ref)) {
		printf(_("Nothing was erased.\n"));
		store_refs_free(refs, n);
		return 1;
	}
	rc = store_erase(s, refs, n, login, &wiped);
	if (rc == STORE_OK)
		printf(ngettext("Erased %zu request with its answers, notes and history; the audit keeps that it happened.\n",
		    "Erased %zu requests with their answers, notes and history; the audit keeps that it happened.\n",
		    (unsigned long)n), n);
	else
		fprintf(stderr, "zorgkiosk: %s\n", store_message(rc));
	if (rc == STORE_OK && !wiped)
		fprintf(stderr, _("zorgkiosk: another program is using the database, so the erased data could not yet be wiped from the file. Run 'zorgkiosk purge' when the kiosks are quiet: it wipes it.\n"));
	store_refs_free(refs, n);
	return rc == STORE_OK && wiped ? 0 : 1;
}

int
cli_access(struct store *s, const struct forms *f, const char *login, const struct cli_args *a)
{
	bool to_file = a->output != NULL && !str_eq(a->output, "-");
	char *why = NULL, **refs;
	struct person_page p;
	size_t n;
	FILE *out;
	enum store_rc rc;

	if ((refs = find_person(s, f, a->ref, &n)) == NULL)
		return 1;
	if ((out = to_file ? outfile_create(a->output, site.database, &why) : stdout) == NULL) {
		fprintf(stderr, "zorgkiosk: %s\n", why);
		free(why);
		store_refs_free(refs, n);
		return 1;
	}
	/* Recorded before it is shown: the page lists itself. */
	rc = store_audit(s, login, "access", a->ref, to_file ? "to a file" : NULL);
	if (rc == STORE_OK && (rc = person_page_make(s, f, a->ref, refs, n, &p)) == STORE_OK) {
		person_page_write(&p, out);
		person_page_free(&p);
	}
	if (fflush(out) != 0 || (to_file && fclose(out) != 0))
		rc = rc == STORE_OK ? STORE_FULL : rc;
	if (rc != STORE_OK && to_file)
		unlink(a->output);
	if (rc != STORE_OK)
		fprintf(stderr, "zorgkiosk: %s\n", store_message(rc));
	store_refs_free(refs, n);
	return rc == STORE_OK ? 0 : 1;
}
