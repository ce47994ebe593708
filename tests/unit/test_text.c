/* test_text.c: column widths and wrapping (text.c) and the UTF-8 helpers
 * (charset.c), with Dutch, Greek and CJK text. */
#include "unit.h"

#include <locale.h>
#include <wchar.h>

#include "charset.h"
#include "text.h"

static int
group_setup(void **state)
{
	(void)state;
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return -1;
	charset_init();
	return charset_is_utf8() ? 0 : -1;
}

static int
group_teardown(void **state)
{
	(void)state;
	charset_done();
	return 0;
}

/* ------------------------------------------------------------ widths */

static void
test_width(void **state)
{
	static const struct {
		const wchar_t *s;
		int width;
	} cases[] = {
		{ L"", 0 },
		{ L"Zoetermeer", 10 },
		{ L"Zoë", 3 },
		{ L"één", 3 },
		{ L"ruïne", 5 },
		{ L"€ 12,50", 7 },
		{ L"Καλημέρα", 8 },
		{ L"日本語", 6 },
		{ L"日本 ok", 7 },
		{ L"e\u0301", 1 },          /* e + combining acute: one column */
		{ L"\u00e9\u0301", 1 },
		{ L"\x01", 1 },            /* not printable: shown as one '?' */
	};

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(cases); i++) {
		int w = text_width(cases[i].s, wcslen(cases[i].s));

		if (w != cases[i].width)
			fail_msg("width-1.%zu: text_width(\"%ls\") = %d, want %d", i + 1, cases[i].s, w,
			    cases[i].width);
	}
	assert_int_equal(text_cwidth(L'a'), 1);
	assert_int_equal(text_cwidth(L'ë'), 1);
	assert_int_equal(text_cwidth(L'€'), 1);
	assert_int_equal(text_cwidth(L'語'), 2);
	assert_int_equal(text_cwidth(L'\u0301'), 0);
	assert_int_equal(text_cwidth(L'\x1b'), 1);
	/* Only the first n characters count. */
	assert_int_equal(text_width(L"日本語", 2), 4);
	assert_int_equal(text_width(L"Zoë", 0), 0);
}

static void
test_fit(void **state)
{
	(void)state;
	assert_int_equal(text_fit(L"Zoë de Wit", 10, 3), 3);
	assert_int_equal(text_fit(L"Zoë de Wit", 10, 40), 10);
	assert_int_equal(text_fit(L"Zoë de Wit", 10, 0), 0);
	assert_int_equal(text_fit(L"€€€", 3, 2), 2);
	assert_int_equal(text_fit(L"Καλημέρα", 8, 5), 5);
	/* A wide character fits only whole. */
	assert_int_equal(text_fit(L"日本語", 3, 6), 3);
	assert_int_equal(text_fit(L"日本語", 3, 5), 2);
	assert_int_equal(text_fit(L"日本語", 3, 4), 2);
	assert_int_equal(text_fit(L"日本語", 3, 1), 0);
	assert_int_equal(text_fit(L"a日b", 3, 2), 1);
	assert_int_equal(text_fit(L"a日b", 3, 3), 2);
	/* A combining accent goes along with its letter. */
	assert_int_equal(text_fit(L"e\u0301x", 3, 1), 2);
	assert_int_equal(text_fit(L"", 0, 5), 0);
}

/* ------------------------------------------------------------ wrapping */

struct wcase {
	const char *name;
	const wchar_t *s;
	int cols;
	const char *lines[8]; /* UTF-8, up to the first NULL */
};

static const struct wcase wrap_cases[] = {
	{ "wrap-1.1", L"Dit is een test", 7, { "Dit is", "een", "test" } },
	{ "wrap-1.2", L"Dit is een test", 15, { "Dit is een test" } },
	{ "wrap-1.3", L"Dit is een test", 40, { "Dit is een test" } },
	{ "wrap-1.4", L"abc def", 3, { "abc", "def" } },
	{ "wrap-1.5", L"aaa   bbb", 4, { "aaa", "bbb" } },          /* spaces at a break go */
	{ "wrap-1.6", L"Kosten: € 12,50 per dag", 10, { "Kosten:", "€ 12,50", "per dag" } },
	{ "wrap-1.7", L"Zoë en Anaïs gaan één keer", 12, { "Zoë en Anaïs", "gaan één", "keer" } },
	{ "wrap-1.8", L"Καλημέρα κόσμε", 8, { "Καλημέρα", "κόσμε" } },
	{ "wrap-1.9", L"Καλημέρα κόσμε", 14, { "Καλημέρα κόσμε" } },
	/* A word that ends exactly at the last column stays on the line. */
	{ "wrap-1.10", L"Dit is een test", 10, { "Dit is een", "test" } },
	/* Long words are broken hard. */
	{ "wrap-2.1", L"Mantelzorgconsulent", 8, { "Mantelzo", "rgconsul", "ent" } },
	{ "wrap-2.2", L"een Mantelzorgconsulent", 8, { "een", "Mantelzo", "rgconsul", "ent" } },
	/* CJK: two columns each, never split. */
	{ "wrap-3.1", L"日本語日本語", 5, { "日本", "語日", "本語" } },
	{ "wrap-3.2", L"日本語日本語", 6, { "日本語", "日本語" } },
	{ "wrap-3.3", L"日本 語", 4, { "日本", "語" } },
	{ "wrap-3.4", L"日本", 1, { "日", "本" } },              /* wider than the line */
	/* Hard breaks. */
	{ "wrap-4.1", L"één\ntwee", 20, { "één", "twee" } },
	{ "wrap-4.2", L"a\n\nb", 20, { "a", "", "b" } },
	{ "wrap-4.3", L"a\n", 20, { "a", "" } },
	{ "wrap-4.4", L"\n", 20, { "", "" } },
	{ "wrap-4.5", L"lange regel hier\nkort", 6, { "lange", "regel", "hier", "kort" } },
	{ "wrap-4.6", L"- een\n- twee", 40, { "- een", "- twee" } },
	/* Leading spaces of a paragraph are kept. */
	{ "wrap-4.7", L"a\n  b", 20, { "a", "  b" } },
	/* Phone numbers, times and addresses stay on one line. */
	{ "wrap-6.1", L"Bel het Zorgpension op 088 - 023 47 40.", 30,
	    { "Bel het Zorgpension op", "088 - 023 47 40." } },
	{ "wrap-6.2", L"Bijvoorbeeld 06 12345678", 15, { "Bijvoorbeeld", "06 12345678" } },
	{ "wrap-6.3", L"Kom donderdag van 15.00 tot 16.00 uur naar ons toe.", 30,
	    { "Kom donderdag", "van 15.00 tot 16.00 uur naar", "ons toe." } },
	{ "wrap-6.4", L"Thursday from 15:00 to 16:00, Petuniatuin 7A, Zoetermeer", 20,
	    { "Thursday from", "15:00 to 16:00,", "Petuniatuin 7A,", "Zoetermeer" } },
	{ "wrap-6.5", L"Waar: inlooplocatie Petuniatuin 7A, Zoetermeer", 31,
	    { "Waar: inlooplocatie", "Petuniatuin 7A, Zoetermeer" } },
	{ "wrap-6.6", L"aa bb\u00a0cc", 6, { "aa", "bb\u00a0cc" } },  /* a no-break space */
	/* After a comma or a full stop a run ends; numbered steps break. */
	{ "wrap-6.7", L"Bel 088 - 023 47 40, of kijk", 22, { "Bel 088 - 023 47 40,", "of kijk" } },
	{ "wrap-6.8", L"stap 1. Doe de melding.", 8, { "stap 1.", "Doe de", "melding." } },
	/* Longer than a line: broken at a space inside it, not in a word. */
	{ "wrap-6.9", L"088 - 023 47 40", 9, { "088 - 023", "47 40" } },
	{ "wrap-6.10", L"tel 088 - 023 47 40", 12, { "tel", "088 - 023 47", "40" } },
	/* Amounts and dates: the number stays with its unit, month or year. */
	{ "wrap-6.11", L"U krijgt 200 euro.", 12, { "U krijgt", "200 euro." } },
	{ "wrap-6.12", L"tot en met 1 april 2026.", 12, { "tot en met", "1 april", "2026." } },
	{ "wrap-6.13", L"until 10 November 2026", 17, { "until", "10 November 2026" } },
	{ "wrap-6.14", L"de waardering van € 200", 20, { "de waardering van", "€ 200" } },
	/* Not every number: a phone number's 06 and a closed step still break. */
	{ "wrap-6.15", L"stap 2. Bel", 7, { "stap 2.", "Bel" } },
	/* Empty: one empty line. */
	{ "wrap-5.1", L"", 10, { "" } },
	{ "wrap-5.2", L"abc", 0, { "a", "b", "c" } },           /* cols < 1 acts as 1 */
};

static void
test_wrap(void **state)
{
	const struct wcase *c = *state;
	struct span *sp = NULL;
	size_t n = text_wrap(c->s, wcslen(c->s), c->cols, &sp), want = 0;
	char *got = xstrdup(""), *exp = xstrdup("");
	bool ok;

	while (want < UNIT_LEN(c->lines) && c->lines[want] != NULL)
		want++;
	/* Render both as "line|line|line" for one readable comparison. */
	for (size_t i = 0; i < n; i++) {
		char *line = charset_utf8(c->s + sp[i].start, sp[i].len);
		char *t = xasprintf("%s%s%s", got, i ? "|" : "", line);

		assert_true(sp[i].start + sp[i].len <= wcslen(c->s));
		assert_true(text_width(c->s + sp[i].start, sp[i].len) <= (c->cols < 1 ? 1 : c->cols) ||
		    sp[i].len == 1);
		free(line);
		free(got);
		got = t;
	}
	for (size_t i = 0; i < want; i++) {
		char *t = xasprintf("%s%s%s", exp, i ? "|" : "", c->lines[i]);

		free(exp);
		exp = t;
	}
	ok = n == want && strcmp(got, exp) == 0;
	if (!ok)
		print_error("%s: wrap(\"%ls\", %d) gave %zu lines \"%s\", want %zu lines \"%s\"\n",
		    c->name, c->s, c->cols, n, got, want, exp);
	free(got);
	free(exp);
	free(sp);
	if (!ok)
		fail();
}

/* ------------------------------------------------------------ UTF-8 */

static void
test_valid_utf8(void **state)
{
	static const struct {
		const char *s;
		bool nl_ok, valid;
	} cases[] = {
		{ "", false, true },
		{ "Zoetermeer", false, true },
		{ "Zoë, één, ruïne, € 5", false, true },
		{ "Καλημέρα κόσμε", false, true },
		{ "日本語", false, true },
		{ "😀", false, true },                    /* 4 bytes */
		{ "\xf4\x8f\xbf\xbf", false, true },     /* U+10FFFF, the last one */
		{ "a\nb", true, true },
		{ "a\nb", false, false },
		{ "a\tb", true, false },
		{ "a\rb", true, false },
		{ "\x1b[31m", true, false },
		{ "a\x7f", false, false },
		{ "\xff", false, false },
		{ "\xe9t\xe9", false, false },           /* Latin-1 */
		{ "\xc3", false, false },                /* cut off */
		{ "\xc3" "a", false, false },            /* cut off by ASCII */
		{ "\xe2\x82", false, false },
		{ "\xc0\xaf", false, false },            /* overlong */
		{ "\xe0\x80\xaf", false, false },
		{ "\xed\xa0\x80", false, false },        /* surrogate */
		{ "\x80", false, false },                /* lone continuation byte */
		{ "\xc2\x85", true, false },             /* C1 control NEL */
		{ "\xc2\x9b", true, false },             /* C1 control CSI */
		{ "\xf4\x90\x80\x80", false, false },    /* past U+10FFFF */
		{ "\xf8\x88\x80\x80\x80", false, false }, /* 5-byte form */
	};
	int bad = 0;

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(cases); i++) {
		bool got = charset_valid_utf8(cases[i].s, cases[i].nl_ok);

		if (got != cases[i].valid) {
			char *shown = unit_escape(cases[i].s);

			print_error("utf8-1.%zu: charset_valid_utf8(\"%s\", %s) = %s, want %s\n", i + 1, shown,
			    cases[i].nl_ok ? "true" : "false", got ? "true" : "false",
			    cases[i].valid ? "true" : "false");
			free(shown);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void
test_utf8_len(void **state)
{
	(void)state;
	assert_int_equal(charset_utf8_len(""), 0);
	assert_int_equal(charset_utf8_len("Zoetermeer"), 10);
	assert_int_equal(charset_utf8_len("Zoë"), 3);
	assert_int_equal(charset_utf8_len("één"), 3);
	assert_int_equal(charset_utf8_len("€"), 1);
	assert_int_equal(charset_utf8_len("Καλημέρα"), 8);
	assert_int_equal(charset_utf8_len("日本語"), 3);
	assert_int_equal(charset_utf8_len("😀"), 1);
	assert_int_equal(charset_utf8_len("a\nb"), 3);
}

static void
test_round_trip(void **state)
{
	static const char *const texts[] = {
		"", "Zoetermeer", "Zoë, één, ruïne, € 12,50", "Καλημέρα κόσμε", "日本語のテキスト",
		"😀 emoji", "regel 1\nregel 2",
	};

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(texts); i++) {
		size_t len = 99;
		wchar_t *w = charset_decode_utf8(texts[i], &len);
		char *back = charset_utf8(w, len);

		assert_int_equal(len, charset_utf8_len(texts[i]));
		assert_int_equal(w[len], L'\0');
		assert_string_equal(back, texts[i]);
		free(w);
		free(back);
	}
	/* Known code points. */
	{
		size_t len;
		wchar_t *w = charset_decode_utf8("é€語", &len);

		assert_int_equal(len, 3);
		assert_int_equal(w[0], 0xE9);
		assert_int_equal(w[1], 0x20AC);
		assert_int_equal(w[2], 0x8A9E);
		free(w);
	}
	/* Invalid bytes decode to U+FFFD, one per byte. */
	{
		size_t len;
		wchar_t *w = charset_decode_utf8("a\xff" "b\xc3", &len);
		char *back;

		assert_int_equal(len, 4);
		assert_int_equal(w[0], L'a');
		assert_int_equal(w[1], 0xFFFD);
		assert_int_equal(w[2], L'b');
		assert_int_equal(w[3], 0xFFFD);
		back = charset_utf8(w, len);
		assert_string_equal(back, "a\xef\xbf\xbd" "b\xef\xbf\xbd");
		free(back);
		free(w);
	}
	/* Only n characters are encoded. */
	{
		char *s = charset_utf8(L"Zoë de Wit", 3);

		assert_string_equal(s, "Zoë");
		free(s);
	}
}

static void
test_display(void **state)
{
	size_t len;
	wchar_t *w;

	(void)state;
	/* On a UTF-8 terminal text comes through; control characters become '?'. */
	assert_true(charset_is_utf8());
	assert_string_equal(charset_name(), "UTF-8");
	w = charset_display("Zoë €\x1b[2J\n", &len);
	assert_int_equal(len, 10);
	assert_true(wcscmp(w, L"Zoë €?[2J\n") == 0);
	free(w);

	/* On an ASCII terminal: transliterated, or '?'. */
	setlocale(LC_ALL, "C");
	charset_done();
	charset_init();
	assert_false(charset_is_utf8());
	w = charset_display("Zoë kost € 5", &len);
	if (wcscmp(w, L"Zoe kost EUR 5") != 0)
		print_error("ASCII display: \"%ls\"\n", w);
	assert_true(wcscmp(w, L"Zoe kost EUR 5") == 0);
	free(w);
	w = charset_display("日本", &len);
	assert_true(wcscmp(w, L"??") == 0);
	free(w);

	setlocale(LC_ALL, "C.UTF-8");
	charset_done();
	charset_init();
	assert_true(charset_is_utf8());
}

/* ------------------------------------------------------------ hostile text */

static void
test_kind(void **state)
{
	/* Every range of the table, at both ends and just outside. */
	static const struct {
		unsigned long c;
		enum text_kind kind;
	} cases[] = {
		{ 'a', TEXT_VISIBLE }, { ' ', TEXT_VISIBLE }, { 0xE9, TEXT_VISIBLE },
		{ 0x00, TEXT_CONTROL }, { 0x09, TEXT_CONTROL }, { 0x0A, TEXT_CONTROL },
		{ 0x1B, TEXT_CONTROL }, { 0x1F, TEXT_CONTROL }, { 0x7E, TEXT_VISIBLE },
		{ 0x7F, TEXT_CONTROL }, { 0x85, TEXT_CONTROL }, { 0x9B, TEXT_CONTROL },
		{ 0x9F, TEXT_CONTROL }, { 0xA0, TEXT_VISIBLE },
		{ 0xAC, TEXT_VISIBLE }, { 0xAD, TEXT_INVISIBLE }, { 0xAE, TEXT_VISIBLE },
		{ 0x034F, TEXT_INVISIBLE }, { 0x0301, TEXT_VISIBLE }, /* combining acute stays */
		{ 0x05FF, TEXT_VISIBLE }, { 0x0600, TEXT_INVISIBLE }, { 0x0605, TEXT_INVISIBLE },
		{ 0x0606, TEXT_VISIBLE }, { 0x061C, TEXT_INVISIBLE }, { 0x0627, TEXT_VISIBLE },
		{ 0x06DD, TEXT_INVISIBLE }, { 0x070F, TEXT_INVISIBLE }, { 0x0890, TEXT_INVISIBLE },
		{ 0x0891, TEXT_INVISIBLE }, { 0x08E2, TEXT_INVISIBLE }, { 0x115F, TEXT_INVISIBLE },
		{ 0x1160, TEXT_INVISIBLE }, { 0x1161, TEXT_VISIBLE }, { 0x17B4, TEXT_INVISIBLE },
		{ 0x17B5, TEXT_INVISIBLE }, { 0x180B, TEXT_INVISIBLE }, { 0x180E, TEXT_INVISIBLE },
		{ 0x180F, TEXT_INVISIBLE }, { 0x1810, TEXT_VISIBLE },
		{ 0x200A, TEXT_VISIBLE }, { 0x200B, TEXT_INVISIBLE }, { 0x200D, TEXT_INVISIBLE },
		{ 0x200E, TEXT_INVISIBLE }, { 0x200F, TEXT_INVISIBLE }, { 0x2010, TEXT_VISIBLE },
		{ 0x2027, TEXT_VISIBLE }, { 0x2028, TEXT_INVISIBLE }, { 0x2029, TEXT_INVISIBLE },
		{ 0x202A, TEXT_INVISIBLE }, { 0x202E, TEXT_INVISIBLE }, { 0x202F, TEXT_VISIBLE },
		{ 0x205F, TEXT_VISIBLE }, { 0x2060, TEXT_INVISIBLE }, { 0x2064, TEXT_INVISIBLE },
		{ 0x2066, TEXT_INVISIBLE }, { 0x2069, TEXT_INVISIBLE }, { 0x206F, TEXT_INVISIBLE },
		{ 0x2070, TEXT_VISIBLE }, { 0x3164, TEXT_INVISIBLE }, { 0x3000, TEXT_VISIBLE },
		{ 0xFDFF, TEXT_VISIBLE }, { 0xFE00, TEXT_INVISIBLE }, { 0xFE0F, TEXT_INVISIBLE },
		{ 0xFE10, TEXT_VISIBLE }, { 0xFEFE, TEXT_VISIBLE }, { 0xFEFF, TEXT_INVISIBLE },
		{ 0xFF00, TEXT_VISIBLE }, { 0xFF1D, TEXT_VISIBLE }, { 0xFFA0, TEXT_INVISIBLE },
		{ 0xFFEF, TEXT_VISIBLE }, { 0xFFF9, TEXT_INVISIBLE }, { 0xFFFB, TEXT_INVISIBLE },
		{ 0xFFFC, TEXT_VISIBLE }, { 0xFFFD, TEXT_VISIBLE },
		{ 0x110BD, TEXT_INVISIBLE }, { 0x110CD, TEXT_INVISIBLE }, { 0x110CE, TEXT_VISIBLE },
		{ 0x13430, TEXT_INVISIBLE }, { 0x1343F, TEXT_INVISIBLE }, { 0x13440, TEXT_VISIBLE },
		{ 0x1BCA0, TEXT_INVISIBLE }, { 0x1BCA3, TEXT_INVISIBLE }, { 0x1D173, TEXT_INVISIBLE },
		{ 0x1D17A, TEXT_INVISIBLE }, { 0x1D17B, TEXT_VISIBLE }, { 0x1F600, TEXT_VISIBLE },
		{ 0xDFFFF, TEXT_VISIBLE }, { 0xE0000, TEXT_INVISIBLE }, { 0xE0001, TEXT_INVISIBLE },
		{ 0xE0041, TEXT_INVISIBLE }, { 0xE007F, TEXT_INVISIBLE }, { 0xE0100, TEXT_INVISIBLE },
		{ 0xE0FFF, TEXT_INVISIBLE }, { 0xE1000, TEXT_VISIBLE }, { 0x10FFFD, TEXT_VISIBLE },
	};
	int bad = 0;

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(cases); i++) {
		enum text_kind got = text_kind((wchar_t)cases[i].c);

		if (got != cases[i].kind) {
			print_error("kind-1.%zu: text_kind(U+%04lX) = %d, want %d\n", i + 1, cases[i].c, (int)got,
			    (int)cases[i].kind);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	/* Shown as one placeholder column, not zero. */
	assert_int_equal(text_cwidth(0x202E), 1);
	assert_int_equal(text_width(L"a\u200Bb", 3), 3);
}

static void
test_drop_invisible(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "", "" },
		{ "Zoë de Wit", "Zoë de Wit" },
		{ "Jan\u202Eneppilihp\u202C", "Janneppilihp" },
		{ "\u200B\u200C\u200D\u2060\uFEFF", "" },
		{ "in\u00ADvoer", "invoer" },
		{ "a\u2066b\u2069c\u200Ed\u200Fe\u061Cf", "abcdef" },
		{ "tag\U000E0041\U000E007F", "tag" },
		{ "\u2764\uFE0F", "\u2764" },
		{ "06\u200B12345678", "0612345678" },
		{ "a\nb", "a\nb" },          /* controls stay: they are refused later */
		{ "a\xff\u200Bb", "a\xff" "b" }, /* so do invalid bytes */
		{ "e\u0301", "e\u0301" },      /* combining marks are visible */
	};

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(cases); i++) {
		char *s = xstrdup(cases[i].in);

		charset_drop_invisible(s);
		if (strcmp(s, cases[i].out) != 0) {
			char *shown = unit_escape(s);

			fail_msg("drop-1.%zu: got \"%s\"", i + 1, shown);
		}
		assert_int_equal(charset_has_invisible(cases[i].in), strcmp(cases[i].in, cases[i].out) != 0);
		assert_false(charset_has_invisible(s));
		free(s);
	}
	/* Typed text goes through charset_from_term: a paste keeps the rest. */
	{
		const char *typed = "Jan\u202E de\u200B Wit";
		char *s = charset_from_term(typed, strlen(typed));

		assert_non_null(s);
		assert_string_equal(s, "Jan de Wit");
		free(s);
	}
}

static void
test_filter(void **state)
{
	static const struct {
		const char *in;
		bool mark, lines;
		const char *out;
	} cases[] = {
		{ "Zoë", false, true, "Zoë" },
		{ "a\u202Eb\u200Bc", false, true, "abc" },
		{ "a\u202Eb\u200Bc", true, true, "a\uFFFDb\uFFFDc" },
		{ "\x1b[2Jx", false, true, "[2Jx" },
		{ "\x1b[2Jx", true, true, "\uFFFD[2Jx" },
		{ "r1\r\nr2\tx\x0b", false, true, "r1\r\nr2\tx" },
		{ "r1\r\nr2\tx", true, false, "r1\uFFFD\uFFFDr2\uFFFDx" },
		{ "r1\nr2", true, false, "r1\uFFFDr2" },
		{ "\xc2\x9b" "1m", false, true, "1m" },         /* C1 CSI */
		{ "a\xff" "b", false, true, "a\uFFFDb" },           /* invalid: always marked */
		{ "\xed\xa0\x80", false, true, "\uFFFD\uFFFD\uFFFD" }, /* surrogate */
		{ "\U000E0001\U000E0068\U000E0069", false, true, "" },
		{ " ~Plain ASCII, 100%!", true, false, " ~Plain ASCII, 100%!" },
		{ "a\x7f" "b\x1f", false, true, "ab" },                /* DEL and US */
		{ "a\x7f" "b", true, true, "a\uFFFDb" },
	};

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(cases); i++) {
		char *s = charset_filter(cases[i].in, cases[i].mark, cases[i].lines);

		if (strcmp(s, cases[i].out) != 0) {
			char *shown = unit_escape(s);

			fail_msg("filter-1.%zu: got \"%s\"", i + 1, shown);
		}
		free(s);
	}
}

static void
test_json_visible(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "{\"a\":\"Zoë\"}", "{\"a\":\"Zoë\"}" },
		{ "[\"x\u202Ey\"]", "[\"x\\u202ey\"]" },
		{ "[\"\u200B\u00AD\uFEFF\"]", "[\"\\u200b\\u00ad\\ufeff\"]" },
		{ "[\"\U000E0041\"]", "[\"\\udb40\\udc41\"]" },     /* a surrogate pair */
		{ "[\"\x7f\xc2\x9b\"]", "[\"\\u007f\\u009b\"]" },   /* DEL and C1 */
		{ "[\"\\u001b\"]", "[\"\\u001b\"]" },                  /* already escaped */
	};

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(cases); i++) {
		char *s = charset_json_visible(cases[i].in);

		if (strcmp(s, cases[i].out) != 0)
			fail_msg("json-1.%zu: got %s", i + 1, s);
		free(s);
	}
}

static void
test_display_invisible(void **state)
{
	size_t len;
	wchar_t *w;

	(void)state;
	/* Stored text shows every invisible character as U+FFFD. */
	w = charset_display("Jan\u202Ex\u200By\u2066z\u00AD", &len);
	assert_true(wcscmp(w, L"Jan\uFFFDx\uFFFDy\uFFFDz\uFFFD") == 0);
	free(w);
	/* Editing decodes text as it is. */
	w = charset_decode_utf8("a\u200Bb", &len);
	assert_int_equal(len, 3);
	assert_int_equal(w[1], 0x200B);
	free(w);

	/* On an ISO-8859-1 terminal: '?', also for the soft hyphen it has. */
	if (setlocale(LC_ALL, "en_US.ISO-8859-1") != NULL || setlocale(LC_ALL, "nl_NL.ISO-8859-1") != NULL) {
		charset_done();
		charset_init();
		w = charset_display("Zo\u00EB\u202E\u00AD\u200B.", &len);
		if (wcscmp(w, L"Zo\u00EB???.") != 0)
			print_error("Latin-1 display: \"%ls\"\n", w);
		assert_true(wcscmp(w, L"Zo\u00EB???.") == 0);
		free(w);
	}
	setlocale(LC_ALL, "C");
	charset_done();
	charset_init();
	w = charset_display("a\u202Eb\u200Bc", &len);
	assert_true(wcscmp(w, L"a?b?c") == 0);
	free(w);

	setlocale(LC_ALL, "C.UTF-8");
	charset_done();
	charset_init();
	assert_true(charset_is_utf8());
}

/* Letters with their combining marks move and go as one; Backspace takes
 * an Arabic mark at a time, a Latin letter with its accent whole. */
static void
test_clusters(void **state)
{
	/* meem damma hah fatha meem shadda fatha dal */
	const wchar_t *ar = L"\x645\x64f\x62d\x64e\x645\x651\x64e\x62f";
	const wchar_t *la = L"Zoe\x301 \x41f\x308";
	const wchar_t *wide = L"\x738b\x5c0f";

	(void)state;
	assert_int_equal(text_cluster_before(ar, 8, 8), 7);
	assert_int_equal(text_cluster_before(ar, 8, 7), 4);
	assert_int_equal(text_cluster_before(ar, 8, 4), 2);
	assert_int_equal(text_cluster_before(ar, 8, 0), 0);
	assert_int_equal(text_cluster_after(ar, 8, 0), 2);
	assert_int_equal(text_cluster_after(ar, 8, 4), 7);
	assert_int_equal(text_cluster_after(ar, 8, 8), 8);
	assert_int_equal(text_backspace_from(ar, 8, 7), 6);
	assert_int_equal(text_backspace_from(ar, 8, 8), 7);
	assert_int_equal(text_backspace_from(la, 7, 4), 2);
	assert_int_equal(text_backspace_from(la, 7, 7), 5);
	assert_int_equal(text_cluster_before(la, 7, 4), 2);
	assert_int_equal(text_cluster_after(wide, 2, 0), 1);
	assert_int_equal(text_backspace_from(wide, 2, 2), 1);
	assert_int_equal(text_backspace_from(L"", 0, 0), 0);
}

int
main(void)
{
	struct CMUnitTest tests[12 + UNIT_LEN(wrap_cases)] = {
		cmocka_unit_test(test_clusters),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_valid_utf8),
		cmocka_unit_test(test_utf8_len),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_display),
		cmocka_unit_test(test_kind),
		cmocka_unit_test(test_drop_invisible),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_json_visible),
		cmocka_unit_test(test_display_invisible),
	};
	size_t k = 12;

	/* setlocale must come before anything that looks at characters. */
	if (setlocale(LC_ALL, "C.UTF-8") == NULL) {
		fprintf(stderr, "test_text: the C.UTF-8 locale is missing\n");
		return 1;
	}
	for (size_t i = 0; i < UNIT_LEN(wrap_cases); i++)
		tests[k++] = (struct CMUnitTest){
			.name = wrap_cases[i].name, .test_func = test_wrap,
			.initial_state = (void *)&wrap_cases[i],
		};
	return cmocka_run_group_tests_name("text", tests, group_setup, group_teardown);
}
