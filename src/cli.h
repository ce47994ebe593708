/* cli.h: the staff commands that print instead of showing a screen:
 * export, stats, purge, audit, erase, access and correct. */
#ifndef ZK_CLI_H
#define ZK_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "form.h"
#include "store.h"

/* What the command line asked for these commands. */
struct cli_args {
	const char *format;      /* csv, json or xlsx (export); table or csv (stats) */
	const char *since, *until, *status, *output, *older_than;
	bool excel;              /* --excel, refused: the CSV for Excel is gone */
	bool daily;              /* alerts --daily: the list of requests still new */
	bool verify;             /* audit --verify: check the hash chain */
	const char *ref;         /* erase, access and correct: the person's reference */
	const char *field;       /* correct: the field to correct */
	bool yes;                /* erase --yes: no question (for scripts) */
};

/* Whether name is one of the commands cli_run knows. */
bool cli_is_command(const char *name);
/* Check args for command; prints a message and returns false if wrong. */
bool cli_check(const char *command, const struct cli_args *args);
/* Run command for staff login; returns the exit status. */
int cli_run(struct store *s, const struct forms *f, const char *login, const char *command,
    const struct cli_args *args);
/* Write the requests matching flt as CSV (export_csv.h) or JSON (the
 * workbook: export_xlsx.h) to out; *count gets how many. progress (may be
 * NULL) hears how far it is (store_each). */
enum store_rc cli_export(struct store *s, const struct forms *f, const struct store_filter *flt,
    const char *format, FILE *out, int *count, const struct store_progress *progress);

/* erase REF and access REF (cli_person.c): the rights of the person
 * whose data it is. */
int cli_erase(struct store *s, const struct forms *f, const char *login, const struct cli_args *a);
int cli_access(struct store *s, const struct forms *f, const char *login, const struct cli_args *a);
/* purge (cli_purge.c): requests past their state's retention (closed ones
 * created before closed_cut), old exports and old audit records; and
 * how many requests are overdue. */
int cli_purge(struct store *s, const char *login, const char *closed_cut);
/* correct REF FIELD (cli_correct.c): the new value from standard input. */
int cli_correct(struct store *s, const struct forms *f, const char *login, const struct cli_args *a);

#endif
