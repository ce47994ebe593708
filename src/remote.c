/* remote.c: what a staff login may ask over SSH; see remote.h. */
#include "remote.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "util.h"

/* At most this many words: a long list is never a real request. */
#define MAX_WORDS 16

static const char *const commands[] = { "export", "stats", "audit", "access", "erase", "correct", NULL };
/* The words each command takes besides options (a reference, a field):
 * the person's rights; the new value of correct comes on standard input. */
static const char *const positional[][2] = { { "access", "1" }, { "erase", "1" }, { "correct", "2" } };
/* Options that take a value, and options that do not. -o is not here:
 * over SSH the output is the connection itself. */
static const char *const with_value[] = { "--format", "--since", "--until", "--status", "--lang", NULL };
/* --excel is gone; it still gets through, so that the command itself says
 * what to use instead. */
static const char *const flags[] = { "--excel", "--yes", "--verify", NULL };

static bool
listed(const char *const *list, const char *w, size_t n)
{
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == n && strncmp(list[i], w, n) == 0)
			return true;
	return false;
}

/* A value: letters, digits, '-' and '_' only, so nothing can look like
 * another option or a path. */
static bool
plain_value(const char *v)
{
	return *v != '\0' && *v != '-' && strspn(v, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == strlen(v);
}

/* How many words command w takes besides options. */
static int
words_of(const char *w)
{
	for (size_t i = 0; i < sizeof positional / sizeof positional[0]; i++)
		if (str_eq(w, positional[i][0]))
			return positional[i][1][0] - '0';
	return 0;
}

static bool
allowed(char **w, int n)
{
	int i = 0, words;

	if (n == 0 || !listed(commands, w[i], strlen(w[i])))
		return false;
	words = words_of(w[0]);
	for (i++; i < n; i++) {
		const char *eq = strchr(w[i], '=');

		if (words > 0 && *w[i] != '-' && plain_value(w[i])) {
			words--;
			continue;
		}

		if (eq != NULL && listed(with_value, w[i], (size_t)(eq - w[i])) && plain_value(eq + 1))
			continue;
		if (eq == NULL && listed(flags, w[i], strlen(w[i])))
			continue;
		if (eq == NULL && listed(with_value, w[i], strlen(w[i])) && i + 1 < n && plain_value(w[i + 1])) {
			i++;
			continue;
		}
		return false;
	}
	return true;
}

int
remote_argv(const char *cmd, char ***argv, char **why)
{
	char **w = xcalloc(MAX_WORDS + 3, sizeof *w), *copy, *tok, *save = NULL;
	int n = 0, words = 0;

	*why = NULL;
	w[n++] = xstrdup("zorgkiosk");
	copy = xstrdup(cmd ? cmd : "");
	for (tok = strtok_r(copy, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (n > MAX_WORDS || strpbrk(tok, "\n\r;|&$`<>\\'\"*?()") != NULL) {
			n = -1;
			break;
		}
		/* "zorgkiosk export", or just "export". */
		if (words++ == 0 && (str_eq(tok, "zorgkiosk") || str_eq(tok, "/usr/bin/zorgkiosk")))
			continue;
		w[n++] = xstrdup(tok);
	}
	free(copy);
	if (n == 1) {
		w[n++] = xstrdup("staff");
	} else if (n < 0 || !allowed(w + 1, n - 1)) {
		*why = xstrdup(_("Over SSH, staff may only run: zorgkiosk export, zorgkiosk stats or zorgkiosk audit,"
		    " with --format, --since, --until, --status or --lang. The output comes back over"
		    " the connection; -o is not needed. Log in without a command for the staff terminal."
		    " An export from the staff terminal is fetched with: scp -O host:NAME ."));
		/* The person's rights, in a message of its own (msgids stay). */
		char *more = xasprintf("%s %s", *why, _("For the rights of the person: zorgkiosk access REF,"
		    " zorgkiosk erase REF --yes, and zorgkiosk correct REF FIELD with the new value on"
		    " standard input."));

		free(*why);
		*why = more;
		remote_free(w);
		return -1;
	}
	*argv = w;
	return n;
}

void
remote_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}
