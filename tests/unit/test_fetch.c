/* test_fetch.c: which SSH commands fetch an export (fetch.c), and which
 * names are an export's (outfile.c): only "scp ... -f NAME" with NAME in
 * the shape zorgkiosk gives its exports; no path, pattern or option. */
#include "unit.h"

#include "fetch.h"
#include "outfile.h"

static const struct {
	const char *name, *cmd;
	bool request;     /* fetch_is_request */
	const char *want; /* fetch_parse; NULL: refused */
} cases[] = {
	{ "fetch-1.1 plain", "scp -f requests-2026-11-24-141500.xlsx", true, "requests-2026-11-24-141500.xlsx" },
	{ "fetch-1.2 flags", "scp -v -p -d -f -- requests-2026-11-24-141500.csv", true,
	  "requests-2026-11-24-141500.csv" },
	{ "fetch-1.3 second of a second", "scp -f requests-2026-11-24-141500-2.json", true,
	  "requests-2026-11-24-141500-2.json" },
	{ "fetch-2.1 upload", "scp -t .", false, NULL },
	{ "fetch-2.2 not scp", "zorgkiosk export", false, NULL },
	{ "fetch-2.3 no command", NULL, false, NULL },
	{ "fetch-3.1 folder", "scp -r -f zorgkiosk-exports", true, NULL },
	{ "fetch-3.2 traversal", "scp -f ../../etc/passwd", true, NULL },
	{ "fetch-3.3 path", "scp -f zorgkiosk-exports/requests-2026-11-24-141500.csv", true, NULL },
	{ "fetch-3.4 absolute", "scp -f /home/bob/zorgkiosk-exports/requests-2026-11-24-141500.csv", true, NULL },
	{ "fetch-3.5 pattern", "scp -f requests-*.csv", true, NULL },
	{ "fetch-3.6 two files", "scp -f requests-2026-11-24-141500.csv requests-2026-11-24-141501.csv", true, NULL },
	{ "fetch-3.7 another extension", "scp -f requests-2026-11-24-141500.csv.bak", true, NULL },
	{ "fetch-3.8 hidden", "scp -f .bashrc", true, NULL },
	{ "fetch-3.9 no name", "scp -f", true, NULL },
	{ "fetch-3.10 both ways", "scp -t -f requests-2026-11-24-141500.csv", true, NULL },
	{ "fetch-3.11 short time", "scp -f requests-2026-11-24-1415.csv", true, NULL },
	{ "fetch-3.12 count 0", "scp -f requests-2026-11-24-141500-0.csv", true, NULL },
	{ "fetch-3.13 count 100", "scp -f requests-2026-11-24-141500-100.csv", true, NULL },
	{ "fetch-3.14 a newline", "scp -f requests-2026-11-24-141500.csv\n", true, NULL },
};

static void
test_case(void **state)
{
	size_t i = (size_t)(uintptr_t)*state;
	char *why = NULL, *name;

	if (fetch_is_request(cases[i].cmd) != cases[i].request)
		fail_msg("%s: fetch_is_request is not %d", cases[i].name, cases[i].request);
	if (cases[i].cmd == NULL)
		return;
	name = fetch_parse(cases[i].cmd, &why);
	if (cases[i].want == NULL) {
		if (name != NULL)
			fail_msg("%s: not refused: %s", cases[i].name, name);
		assert_non_null(why);
		free(why);
		return;
	}
	if (name == NULL)
		fail_msg("%s: refused: %s", cases[i].name, why);
	assert_null(why);
	assert_string_equal(name, cases[i].want);
	free(name);
}

int
main(void)
{
	struct CMUnitTest tests[UNIT_LEN(cases)];

	for (size_t i = 0; i < UNIT_LEN(cases); i++)
		tests[i] = (struct CMUnitTest){ .name = cases[i].name, .test_func = test_case,
			.initial_state = (void *)(uintptr_t)i };
	return cmocka_run_group_tests_name("fetch", tests, NULL, NULL);
}
