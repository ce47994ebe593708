/* test_remote.c: what a staff login may ask over SSH (remote.c). Every
 * command that is not a read-only staff command with its filter options
 * is refused; nothing is ever handed to a shell. */
#include "unit.h"

#include "remote.h"

static const struct {
	const char *name, *cmd;
	const char *argv; /* the words after "zorgkiosk", joined by '|'; NULL: refused */
} cases[] = {
	{ "remote-1.1 no command", NULL, "staff" },
	{ "remote-1.2 empty command", "", "staff" },
	{ "remote-1.3 blanks only", "  \t ", "staff" },
	{ "remote-2.1 export", "zorgkiosk export --format csv", "export|--format|csv" },
	{ "remote-2.2 bare command", "stats --format=csv", "stats|--format=csv" },
	{ "remote-2.3 full path", "/usr/bin/zorgkiosk audit", "audit" },
	{ "remote-2.4 filters", "zorgkiosk export --excel --since 2026-01-01 --until 2026-12-31 --status new",
	  "export|--excel|--since|2026-01-01|--until|2026-12-31|--status|new" },
	{ "remote-3.1 a shell", "bash", NULL },
	{ "remote-3.2 sh -c", "sh -c id", NULL },
	{ "remote-3.3 purge", "zorgkiosk purge --older-than 1d", NULL },
	{ "remote-3.4 staff with options", "zorgkiosk staff --kiosk", NULL },
	{ "remote-3.5 output file", "zorgkiosk export -o .bashrc", NULL },
	{ "remote-3.6 output long", "zorgkiosk export --output=.bashrc", NULL },
	{ "remote-3.7 chained", "zorgkiosk export; id", NULL },
	{ "remote-3.8 substitution", "zorgkiosk export $(id)", NULL },
	{ "remote-3.9 backquote", "zorgkiosk export `id`", NULL },
	{ "remote-3.10 pipe", "zorgkiosk export | sh", NULL },
	{ "remote-3.11 redirect", "zorgkiosk export >.bashrc", NULL },
	{ "remote-3.12 value like a path", "zorgkiosk export --format ../../etc/passwd", NULL },
	{ "remote-3.13 value like an option", "zorgkiosk export --status --excel", NULL },
	{ "remote-3.14 missing value", "zorgkiosk export --since", NULL },
	{ "remote-3.15 sftp", "internal-sftp", NULL },
	{ "remote-3.16 scp", "scp -t .", NULL },
	{ "remote-3.17 newline", "zorgkiosk export\nid", NULL },
	{ "remote-3.18 twice zorgkiosk", "zorgkiosk zorgkiosk export", NULL },
	{ "remote-3.19 check-forms", "zorgkiosk check-forms --forms /tmp", NULL },
	{ "remote-3.20 ssh again", "zorgkiosk ssh", NULL },
	{ "remote-3.21 too many words",
	  "export --excel --excel --excel --excel --excel --excel --excel --excel --excel --excel --excel --excel --excel --excel --excel --excel",
	  NULL },
};

static void
test_case(void **state)
{
	const size_t i = (size_t)(uintptr_t)*state;
	char **argv = NULL, *why = NULL, *joined;
	int argc = remote_argv(cases[i].cmd, &argv, &why);

	if (cases[i].argv == NULL) {
		if (argc >= 0)
			fail_msg("%s: allowed, should be refused", cases[i].name);
		assert_non_null(why);
		assert_non_null(strstr(why, "may only run"));
		free(why);
		return;
	}
	if (argc < 0)
		fail_msg("%s: refused: %s", cases[i].name, why);
	assert_null(why);
	assert_string_equal(argv[0], "zorgkiosk");
	joined = xstrdup("");
	for (int k = 1; k < argc; k++) {
		char *next = xasprintf("%s%s%s", joined, k > 1 ? "|" : "", argv[k]);
		free(joined);
		joined = next;
	}
	assert_null(argv[argc]);
	assert_string_equal(joined, cases[i].argv);
	free(joined);
	remote_free(argv);
}

int
main(void)
{
	struct CMUnitTest tests[UNIT_LEN(cases)];

	for (size_t i = 0; i < UNIT_LEN(cases); i++)
		tests[i] = (struct CMUnitTest){ .name = cases[i].name, .test_func = test_case,
			.initial_state = (void *)(uintptr_t)i };
	return cmocka_run_group_tests_name("remote", tests, NULL, NULL);
}
