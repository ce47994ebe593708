/* test_export_csv.c: one CSV cell (export_csv.c). Wherever a spreadsheet
 * could begin a cell, whatever separator it splits on, a formula character
 * gets an apostrophe before it; the rest of the text is kept. */
#include "unit.h"

#include "export_csv.h"

/* The cell written for value, as the second cell of a row (after ","). */
static char *
cell_of(const char *value)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);

	assert_non_null(out);
	csv_cell(out, value, false);
	assert_int_equal(fclose(out), 0);
	return buf;
}

static const struct {
	const char *name, *value, *cell;
} cases[] = {
	{ "csv-1.1 plain text", "Zorg voor moeder", ",Zorg voor moeder" },
	{ "csv-1.2 empty", "", "," },
	{ "csv-1.3 mid-word signs", "06-12345678 jan@example.nl 1+1=2", ",06-12345678 jan@example.nl 1+1=2" },
	{ "csv-1.4 quotes twice", "zij zei \"ja\"", ",\"zij zei \"\"ja\"\"\"" },
	{ "csv-2.1 formula", "=1+1", ",'=1+1" },
	{ "csv-2.2 after semicolon", "a;=1+1;b", ",a;'=1+1;b" },
	{ "csv-2.3 after comma, quoted", "a,=1+1", ",\"a,'=1+1\"" },
	{ "csv-2.4 after tab", "a\t@SUM(A1)", ",a\t'@SUM(A1)" },
	{ "csv-2.5 after line break", "a\r\n+1", ",\"a\r\n'+1\"" },
	{ "csv-2.6 after a quote", "\"-1\"", ",\"\"\"'-1\"\"\"" },
	{ "csv-2.7 after blanks", "a; \xC2\xA0\xE3\x80\x80=1", ",a; \xC2\xA0\xE3\x80\x80'=1" },
	{ "csv-2.8 full-width", "\xEF\xBC\x9D" "1;\xEF\xBC\x8B" "1;\xEF\xBC\x8D" "1;\xEF\xBC\xA0" "A1",
	  ",'\xEF\xBC\x9D" "1;'\xEF\xBC\x8B" "1;'\xEF\xBC\x8D" "1;'\xEF\xBC\xA0" "A1" },
	{ "csv-2.9 each sign once", "==1", ",'==1" },
	{ "csv-2.10 phone number", "+31612345678", ",'+31612345678" },
	{ "csv-2.11 invisible first", "\xE2\x80\x8B=1", ",'=1" },
	{ "csv-3.1 cut short at the end", "a;\xEF\xBC", NULL },
	{ "csv-3.2 cut short blank", "a;\xE2\x80", NULL },
	{ "csv-3.3 lone lead byte", "\xC2", NULL },
};

static void
test_case(void **state)
{
	const size_t i = (size_t)(uintptr_t)*state;
	char *got = cell_of(cases[i].value);

	/* NULL: only that it ends and stays within the value (ASan). */
	if (cases[i].cell != NULL && strcmp(got, cases[i].cell) != 0)
		fail_msg("%s: got [%s], want [%s]", cases[i].name, got, cases[i].cell);
	free(got);
}

/* Every break, then every blank, then every formula character: the
 * apostrophe comes right before the formula character. */
static void
test_every_combination(void **state)
{
	static const char *const breaks[] = { ",", ";", "\t", "\r", "\n", "\"" };
	static const char *const blanks[] = { "", " ", "  ", "\xC2\xA0", "\xE2\x80\x83", "\xE3\x80\x80" };
	static const char *const signs[] = { "=", "+", "-", "@", "\xEF\xBC\x9D", "\xEF\xBC\x8B", "\xEF\xBC\x8D",
		"\xEF\xBC\xA0" };

	(void)state;
	for (size_t b = 0; b < UNIT_LEN(breaks); b++)
		for (size_t s = 0; s < UNIT_LEN(blanks); s++)
			for (size_t f = 0; f < UNIT_LEN(signs); f++) {
				char *value = xasprintf("x%s%s%s1", breaks[b], blanks[s], signs[f]);
				char *want = xasprintf("%s'%s1", blanks[s], signs[f]);
				char *got = cell_of(value);

				if (strstr(got, want) == NULL)
					fail_msg("[%s] became [%s]", value, got);
				free(value);
				free(want);
				free(got);
			}
}

int
main(void)
{
	struct CMUnitTest tests[UNIT_LEN(cases) + 1];

	for (size_t i = 0; i < UNIT_LEN(cases); i++)
		tests[i] = (struct CMUnitTest){ cases[i].name, test_case, NULL, NULL, (void *)(uintptr_t)i };
	tests[UNIT_LEN(cases)] = (struct CMUnitTest){ "csv-4.1 every combination", test_every_combination, NULL,
		NULL, NULL };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
