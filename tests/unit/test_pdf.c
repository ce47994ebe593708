/* test_pdf.c: the printed page (pdf.c) in every script the kiosk speaks,
 * read back with poppler's pdftotext, pdfinfo and pdffonts: the letters,
 * a right-to-left line at the right margin, bold headings, pages. */
#include "unit.h"

#include <locale.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "pdf.h"

/* The right margin of pdf.c's A4 page: 595 pt less 57 pt. */
#define RIGHT_MARGIN 538.0

/* What a poppler tool prints for the PDF of lines. Caller frees. */
static char *
read_back(const struct sheet_line *lines, size_t n, const char *tool)
{
	char *dir = unit_tmpdir(), *path = xasprintf("%s/page.pdf", dir), *cmd, *out = NULL;
	size_t len, cap = 0, got = 0;
	char *pdf = pdf_make(lines, n, "Om mee te nemen", &len);
	FILE *f;

	assert_non_null(pdf);
	assert_memory_equal(pdf, "%PDF-", 5);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(pdf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	free(pdf);
	cmd = xasprintf("%s '%s' %s 2>&1", tool, path, strncmp(tool, "pdftotext", 9) == 0 ? "-" : "");
	f = popen(cmd, "r");
	assert_non_null(f);
	for (;;) {
		if (got + 4096 + 1 > cap) {
			cap = (got + 4096 + 1) * 2;
			out = xreallocarray(out, cap, 1);
		}
		size_t k = fread(out + got, 1, 4096, f);

		if (k == 0)
			break;
		got += k;
	}
	out[got] = '\0';
	assert_int_equal(pclose(f), 0);
	unlink(path);
	unit_rmtree(dir);
	free(cmd);
	free(path);
	free(dir);
	return out;
}

/* text in NFKC: Arabic's joined forms, as the font names them, become
 * its letters. Frees text; caller frees the result. */
static char *
nfkc(char *text)
{
	UErrorCode err = U_ZERO_ERROR;
	const UNormalizer2 *norm = unorm2_getNFKCInstance(&err);
	int32_t n = 0, m;
	UChar *u, *v;
	char *out;

	u_strFromUTF8(NULL, 0, &n, text, -1, &err);
	err = U_ZERO_ERROR;
	u = xcalloc((size_t)n + 1, sizeof *u);
	u_strFromUTF8(u, n + 1, NULL, text, -1, &err);
	v = xcalloc((size_t)n * 4 + 1, sizeof *v);
	m = unorm2_normalize(norm, u, n, v, n * 4 + 1, &err);
	assert_true(U_SUCCESS(err));
	out = xcalloc((size_t)m * 3 + 1, 1);
	u_strToUTF8(out, m * 3 + 1, NULL, v, m, &err);
	assert_true(U_SUCCESS(err));
	free(u);
	free(v);
	free(text);
	return out;
}

/* Each script's letters come back exactly, é and € too. */
static void
test_every_script_reads_back(void **state)
{
	static const char *const want[] = {
		"Om mee te nemen: mantelzorgcafé, € 200",
		"Eve götürün: ılık, şeker, ağabey, İstanbul",
		"Zabierz do domu: łąka, gęś, żółć",
		"Візьміть із собою: Ґанок, їжак, є",
	};
	struct sheet_line lines[UNIT_LEN(want)];
	char *text;

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(want); i++)
		lines[i] = (struct sheet_line){ (char *)want[i], i == 0 };
	text = read_back(lines, UNIT_LEN(want), "pdftotext -enc UTF-8");
	for (size_t i = 0; i < UNIT_LEN(want); i++)
		if (strstr(text, want[i]) == NULL)
			fail_msg("%s is not on the page:\n%s", want[i], text);
	assert_null(strchr(text, '?'));
	free(text);
}

/* Arabic comes back in its letters (after NFKC), word by word (pdftotext
 * puts the runs of a mixed line in its own order), and its line ends at
 * the right margin while a Dutch line starts at the left. */
static void
test_arabic_is_right_to_left(void **state)
{
	/* الآن and للأطفال: lam-alef ligatures, their letters in order. */
	static const char *const words[] = { "ساعة", "مفتوحة", "تعالوا", "أسئلة", "الآن", "للأطفال" };
	struct sheet_line lines[] = {
		{ (char *)"Open spreekuur", false },
		{ (char *)"عندكم أسئلة؟ تعالوا الآن إلى ساعة مفتوحة للأطفال", false },
	};
	char *text = nfkc(read_back(lines, UNIT_LEN(lines), "pdftotext -enc UTF-8"));
	char *box, *line;
	double x_min, x_max;

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(words); i++)
		if (strstr(text, words[i]) == NULL)
			fail_msg("%s is not on the page:\n%s", words[i], text);
	free(text);
	box = read_back(lines, UNIT_LEN(lines), "pdftotext -enc UTF-8 -bbox-layout");
	line = strstr(box, "<line ");
	assert_non_null(line);
	assert_int_equal(sscanf(line, "<line xMin=\"%lf\" yMin=\"%*f\" xMax=\"%lf\"", &x_min, &x_max), 2);
	assert_true(x_min < 58);
	line = strstr(line + 1, "<line ");
	assert_non_null(line);
	assert_int_equal(sscanf(line, "<line xMin=\"%lf\" yMin=\"%*f\" xMax=\"%lf\"", &x_min, &x_max), 2);
	if (x_max < RIGHT_MARGIN - 1 || x_max > RIGHT_MARGIN + 1 || x_min < 200)
		fail_msg("the Arabic line is at %.1f..%.1f, not at the right margin:\n%s", x_min, x_max, box);
	free(box);
}

/* Headings in the bold face; every font embedded with its map back to
 * Unicode; 60 lines to a page. */
static void
test_fonts_and_pages(void **state)
{
	struct sheet_line lines[130];
	char *fonts, *info, *text;
	char num[130][16];

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(lines); i++) {
		snprintf(num[i], sizeof num[i], "line %zu", i + 1);
		lines[i] = (struct sheet_line){ num[i], i == 0 };
	}
	fonts = read_back(lines, UNIT_LEN(lines), "pdffonts");
	assert_non_null(strstr(fonts, "DejaVuSansMono-Bold"));
	assert_non_null(strstr(fonts, "DejaVuSansMono "));
	for (char *l = strchr(strchr(fonts, '\n') + 1, '\n') + 1; *l != '\0'; l = strchr(l, '\n') + 1) {
		char emb[4], sub[4], uni[4];

		/* name type... encoding emb sub uni object ID */
		char *end = strchr(l, '\n');

		assert_non_null(end);
		*end = '\0';
		assert_int_equal(sscanf(end - 25, "%3s %3s %3s", emb, sub, uni), 3);
		assert_string_equal(emb, "yes");
		assert_string_equal(uni, "yes");
		*end = '\n';
	}
	free(fonts);
	info = read_back(lines, UNIT_LEN(lines), "pdfinfo");
	assert_non_null(strstr(info, "Pages:           3\n"));
	assert_non_null(strstr(info, "Title:           Om mee te nemen\n"));
	free(info);
	text = read_back(lines, UNIT_LEN(lines), "pdftotext -f 2 -l 2");
	assert_non_null(strstr(text, "line 61\n"));
	assert_non_null(strstr(text, "line 120\n"));
	assert_null(strstr(text, "line 121\n"));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_script_reads_back),
		cmocka_unit_test(test_arabic_is_right_to_left),
		cmocka_unit_test(test_fonts_and_pages),
	};

	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return 1;
	return cmocka_run_group_tests_name("pdf", tests, NULL, NULL);
}
