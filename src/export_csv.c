/* export_csv.c: CSV cells that stay text in a spreadsheet; see export_csv.h.
 *
 * A spreadsheet may split the file on ',', ';' or tab, and honours a quote
 * only where one begins its own cell: one that splits on ';' reads the
 * plain cell "a;=1+1;b" as three cells, the middle one a formula. So a cell
 * can begin after any ',', ';', tab, line break or quote in the text, not
 * only where ours begins. Wherever one could begin, and the first thing
 * after it but blanks (which spreadsheets may trim) is = + - @ or a
 * full-width form of one, an apostrophe goes right before that character:
 * "a;'=1+1;b". Spreadsheets show the apostrophe and keep the cell text. */
#include "export_csv.h"

#include <stdlib.h>
#include <string.h>

#include "charset.h"

/* Where a spreadsheet may begin a cell. */
static bool
cell_break(char c)
{
	return c == ',' || c == ';' || c == '\t' || c == '\r' || c == '\n' || c == '"';
}

/* Length of the formula character at p (= + - @ and U+FF1D, U+FF0B,
 * U+FF0D, U+FF20), or 0. */
static size_t
formula_char(const char *p)
{
	static const char *const wide[] = { "\xEF\xBC\x9D", "\xEF\xBC\x8B", "\xEF\xBC\x8D", "\xEF\xBC\xA0" };

	if (*p == '=' || *p == '+' || *p == '-' || *p == '@')
		return 1;
	for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
		if (strncmp(p, wide[i], 3) == 0)
			return 3;
	return 0;
}

/* Length of the blank at p that a spreadsheet could trim (space, no-break
 * space, the Unicode spaces U+1680, U+2000 to U+200A, U+202F, U+205F and
 * U+3000), or 0. Tab and line breaks are cell breaks. */
static size_t
blank(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	if (u[0] == ' ')
		return 1;
	if (u[0] == 0xC2 && u[1] == 0xA0)
		return 2;
	if (u[0] == 0xE1 && u[1] == 0x9A && u[2] == 0x80)
		return 3;
	if (u[0] == 0xE2 && u[1] == 0x80 && ((u[2] >= 0x80 && u[2] <= 0x8A) || u[2] == 0xAF))
		return 3;
	if (u[0] == 0xE2 && u[1] == 0x81 && u[2] == 0x9F)
		return 3;
	if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80)
		return 3;
	return 0;
}

void
csv_cell(FILE *out, const char *value, bool first)
{
	char *clean = charset_filter(value, false, true);
	const char *p = clean, *run = clean;
	/* Quoted when it holds a comma, a quote or a line break (RFC 4180). */
	bool quote = clean[strcspn(clean, ",\"\r\n")] != '\0';
	bool at_break = true;
	size_t n;

	if (!first)
		fputc(',', out);
	if (quote)
		fputc('"', out);
	/* The text goes out in runs, between the characters added. */
	while (*p != '\0') {
		if (at_break && (n = formula_char(p)) > 0) {
			fwrite(run, 1, (size_t)(p - run), out);
			fputc('\'', out);
			run = p;
			p += n;
			at_break = false;
		} else if (*p == '"') {
			fwrite(run, 1, (size_t)(p - run) + 1, out);
			fputc('"', out); /* each quote twice */
			run = ++p;
			at_break = true;
		} else if (cell_break(*p)) {
			p++;
			at_break = true;
		} else if ((n = blank(p)) > 0) {
			p += n;
		} else {
			p++;
			at_break = false;
		}
	}
	fwrite(run, 1, (size_t)(p - run), out);
	if (quote)
		fputc('"', out);
	free(clean);
}
