/* test_intake.c: the intake answers (intake.c): checks of single answers
 * (table-driven, named cases), the whole-form check with one_of, defaults,
 * ticking pages, and how answers read back. Uses tests/unit/data/valid. */
#include "unit.h"

#include "i18n.h"
#include "intake.h"

/* Dutch and English: the first two languages of every table. */
enum { L_NL, L_EN };

/* The fields of data/valid/intake.conf, by index. */
enum {
	F_NAME, F_PHONE, F_EMAIL, F_MOMENT, F_SITUATION, F_OPTIONS,
	F_CONTACT_LANG, F_LETTER, F_CONSENT, F_COUNT
};

static struct forms *forms;

static int
group_setup(void **state)
{
	(void)state;
	forms = unit_load_valid();
	return forms->nfields == F_COUNT ? 0 : -1;
}

static int
group_teardown(void **state)
{
	(void)state;
	forms_free(forms);
	return 0;
}

static const struct field *
field(const char *id)
{
	const struct field *fd = forms_field(forms, id);

	if (fd == NULL)
		fail_msg("no field \"%s\" in data/valid/intake.conf", id);
	return fd;
}

static const char *
verr_name(enum verr e)
{
	static const char *const names[] = {
		"VERR_NONE", "VERR_REQUIRED", "VERR_PHONE", "VERR_EMAIL",
		"VERR_TOO_LONG", "VERR_BAD_TEXT", "VERR_ONE_OF",
	};

	return (size_t)e < UNIT_LEN(names) ? names[e] : "?";
}

/* ------------------------------------------------------------ single answers */

struct vcase {
	const char *name;  /* e.g. "phone-1.1" */
	const char *field; /* field id in data/valid/intake.conf */
	const char *value;
	enum verr expect;
	const char *norm;  /* phone only: intake_phone_normalize(), NULL = refused */
};

static const struct vcase value_cases[] = {
	/* Dutch phone numbers that are accepted, and their stored form. */
	{ "phone-1.1", "phone", "0612345678", VERR_NONE, "0612345678" },
	{ "phone-1.2", "phone", "06-12 34 56 78", VERR_NONE, "0612345678" },
	{ "phone-1.3", "phone", "+31 6 12345678", VERR_NONE, "+31612345678" },
	{ "phone-1.4", "phone", "+31 (0)6 12345678", VERR_NONE, "+31612345678" },
	{ "phone-1.5", "phone", "0031612345678", VERR_NONE, "+31612345678" },
	{ "phone-1.6", "phone", "070 1234567", VERR_NONE, "0701234567" },
	{ "phone-1.7", "phone", "0031 6 1234 5678", VERR_NONE, "+31612345678" },
	{ "phone-1.8", "phone", "(070) 123.45.67", VERR_NONE, "0701234567" },
	{ "phone-1.9", "phone", "+31701234567", VERR_NONE, "+31701234567" },
	{ "phone-1.10", "phone", "+310612345678", VERR_NONE, "+31612345678" },
	{ "phone-1.11", "phone", " 0612345678 ", VERR_NONE, "0612345678" },
	/* Refused: too short, too long, not Dutch, letters, stray signs. */
	{ "phone-2.1", "phone", "12345", VERR_PHONE, NULL },
	{ "phone-2.2", "phone", "061234567", VERR_PHONE, NULL },
	{ "phone-2.3", "phone", "06123456789", VERR_PHONE, NULL },
	{ "phone-2.4", "phone", "+32 612345678", VERR_PHONE, NULL },
	{ "phone-2.5", "phone", "06-ABCD-5678", VERR_PHONE, NULL },
	{ "phone-2.6", "phone", "zes twaalf", VERR_PHONE, NULL },
	{ "phone-2.7", "phone", "0012345678", VERR_PHONE, NULL },
	{ "phone-2.8", "phone", "+31 06 1234567", VERR_PHONE, NULL },
	{ "phone-2.9", "phone", "++31612345678", VERR_PHONE, NULL },
	{ "phone-2.10", "phone", "0612345678+", VERR_PHONE, NULL },
	{ "phone-2.11", "phone", "+31", VERR_PHONE, NULL },
	{ "phone-2.12", "phone", "+31 6 1234567", VERR_PHONE, NULL },
	{ "phone-2.13", "phone", "\xef\xbc\x90\xef\xbc\x96\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93"
	  "\xef\xbc\x94\xef\xbc\x95\xef\xbc\x96\xef\xbc\x97\xef\xbc\x98", VERR_PHONE, NULL }, /* full-width */
	{ "phone-2.14", "phone", "06123456781234567890123456789012345", VERR_PHONE, NULL },
	/* Not required: empty is fine. */
	{ "phone-3.1", "phone", "", VERR_NONE, NULL },
	{ "phone-3.2", "phone", "   ", VERR_NONE, NULL },

	/* E-mail shapes. */
	{ "email-1.1", "email", "name@example.nl", VERR_NONE, NULL },
	{ "email-1.2", "email", "jan.de.vries@zoetermeer.nl", VERR_NONE, NULL },
	{ "email-1.3", "email", "a.b-c+d@sub.example.com", VERR_NONE, NULL },
	{ "email-1.4", "email", "x@y.museum", VERR_NONE, NULL },
	{ "email-1.5", "email", "o'brien@example.ie", VERR_NONE, NULL },
	{ "email-2.1", "email", "name", VERR_EMAIL, NULL },
	{ "email-2.2", "email", "@example.nl", VERR_EMAIL, NULL },
	{ "email-2.3", "email", "name@", VERR_EMAIL, NULL },
	{ "email-2.4", "email", "name@example", VERR_EMAIL, NULL },
	{ "email-2.5", "email", "name@example.n", VERR_EMAIL, NULL },
	{ "email-2.6", "email", "name@@example.nl", VERR_EMAIL, NULL },
	{ "email-2.7", "email", "a@b@example.nl", VERR_EMAIL, NULL },
	{ "email-2.8", "email", "na me@example.nl", VERR_EMAIL, NULL },
	{ "email-2.9", "email", "name@example..nl", VERR_EMAIL, NULL },
	{ "email-2.10", "email", ".name@example.nl", VERR_EMAIL, NULL },
	{ "email-2.11", "email", "name.@example.nl", VERR_EMAIL, NULL },
	{ "email-2.12", "email", "name@.example.nl", VERR_EMAIL, NULL },
	{ "email-2.13", "email", "name@example.nl.", VERR_EMAIL, NULL },
	{ "email-2.14", "email", "name@example.n1", VERR_EMAIL, NULL },
	{ "email-2.15", "email", "name@exa(mple).nl", VERR_EMAIL, NULL },
	{ "email-2.16", "email", "name@example.nl ", VERR_EMAIL, NULL },
	{ "email-2.17", "email", "<name@example.nl>", VERR_EMAIL, NULL },
	{ "email-3.1", "email", "", VERR_NONE, NULL },

	/* Required fields and choices. */
	{ "required-1.1", "name", "", VERR_REQUIRED, NULL },
	{ "required-1.2", "name", "   ", VERR_REQUIRED, NULL },
	{ "required-1.3", "name", "Jan", VERR_NONE, NULL },
	{ "required-1.4", "moment", "", VERR_REQUIRED, NULL },
	{ "required-1.5", "moment", "night", VERR_REQUIRED, NULL },
	{ "required-1.6", "moment", "morning", VERR_NONE, NULL },
	{ "required-1.7", "contact_lang", "", VERR_REQUIRED, NULL },
	{ "required-1.8", "contact_lang", "en", VERR_NONE, NULL },
	{ "required-1.9", "letter", "", VERR_NONE, NULL },      /* optional choice */
	{ "required-1.10", "letter", "maybe", VERR_REQUIRED, NULL }, /* not one of its choices */
	{ "required-1.11", "situation", "", VERR_NONE, NULL },
	{ "required-1.12", "consent", "", VERR_NONE, NULL },   /* see intake_has_consent */
	{ "required-1.13", "options", "", VERR_NONE, NULL },

	/* max counts characters, not bytes: name has max = 10. */
	{ "length-1.1", "name", "0123456789", VERR_NONE, NULL },
	{ "length-1.2", "name", "01234567890", VERR_TOO_LONG, NULL },
	{ "length-1.3", "name", "Zoë Müller", VERR_NONE, NULL },   /* 10 chars, 12 bytes */
	{ "length-1.4", "name", "Zoë Müllerr", VERR_TOO_LONG, NULL },
	{ "length-1.5", "name", "éééééééééé", VERR_NONE, NULL },   /* 10 chars, 20 bytes */
	{ "length-1.6", "name", "ééééééééééé", VERR_TOO_LONG, NULL },
	{ "length-1.7", "name", "€€€€€€€€€€", VERR_NONE, NULL },   /* 10 chars, 30 bytes */
	{ "length-1.8", "name", "日本語日本語日本語日", VERR_NONE, NULL },
	{ "length-1.9", "name", "Ἀθῆναι ἐστίν", VERR_TOO_LONG, NULL }, /* 12 chars */

	/* Text that cannot be stored. */
	{ "utf8-1.1", "name", "\xff", VERR_BAD_TEXT, NULL },
	{ "utf8-1.2", "name", "Zo\xc3", VERR_BAD_TEXT, NULL },           /* cut off */
	{ "utf8-1.3", "name", "Caf\xe9", VERR_BAD_TEXT, NULL },          /* Latin-1 */
	{ "utf8-1.4", "name", "\xc0\xaf", VERR_BAD_TEXT, NULL },         /* overlong "/" */
	{ "utf8-1.5", "name", "\xed\xa0\x80", VERR_BAD_TEXT, NULL },     /* surrogate */
	{ "utf8-1.6", "name", "a\nb", VERR_BAD_TEXT, NULL },             /* one-line field */
	{ "utf8-1.7", "name", "a\tb", VERR_BAD_TEXT, NULL },
	{ "utf8-1.8", "name", "a\x1b[2J", VERR_BAD_TEXT, NULL },         /* terminal escape */
	{ "utf8-1.9", "name", "a\x7f", VERR_BAD_TEXT, NULL },
	{ "utf8-1.10", "situation", "regel 1\nregel 2", VERR_NONE, NULL },
	{ "utf8-1.11", "situation", "a\xff", VERR_BAD_TEXT, NULL },
	{ "utf8-1.12", "email", "n\xe9@example.nl", VERR_BAD_TEXT, NULL },
	{ "utf8-1.13", "phone", "06\xff""12345678", VERR_BAD_TEXT, NULL },
	{ "utf8-1.14", "name", "a\xc2\x9b""2J", VERR_BAD_TEXT, NULL },   /* C1 control CSI */
	{ "utf8-1.15", "name", "\xf4\x90\x80\x80", VERR_BAD_TEXT, NULL }, /* past U+10FFFF */
};

static void
test_value(void **state)
{
	const struct vcase *c = *state;
	const struct field *fd = field(c->field);
	enum verr got = intake_check_value(fd, c->value);

	if (got != c->expect) {
		char *shown = unit_escape(c->value);

		print_error("%s: %s \"%s\": got %s, want %s\n", c->name, c->field, shown,
		    verr_name(got), verr_name(c->expect));
		free(shown);
		fail();
	}
	if (fd->type == FIELD_PHONE && c->expect != VERR_BAD_TEXT && *c->value != '\0' &&
	    c->value[strspn(c->value, " ")] != '\0') {
		char *norm = intake_phone_normalize(c->value);
		bool same = str_eq(norm, c->norm);

		if (!same) {
			print_error("%s: intake_phone_normalize(\"%s\") = %s%s%s, want %s%s%s\n",
			    c->name, c->value, norm ? "\"" : "", norm ? norm : "NULL", norm ? "\"" : "",
			    c->norm ? "\"" : "", c->norm ? c->norm : "NULL", c->norm ? "\"" : "");
			free(norm);
			fail();
		}
		free(norm);
	}
	if (fd->type == FIELD_EMAIL && c->expect != VERR_BAD_TEXT && *c->value != '\0')
		assert_int_equal(intake_email_ok(c->value), c->expect == VERR_NONE);
}

/* Lengths that are too long to write out in the table. */
static void
test_lengths(void **state)
{
	const struct field *ta = field("situation"), *em = field("email");
	char *s = xmalloc(3 * 1001 + 2);

	(void)state;
	/* textarea: 1000 characters by default */
	memset(s, 'a', 1000);
	s[1000] = '\0';
	assert_int_equal(intake_check_value(ta, s), VERR_NONE);
	strcat(s, "a");
	assert_int_equal(intake_check_value(ta, s), VERR_TOO_LONG);
	/* 1000 é is 2000 bytes but 1000 characters */
	s[0] = '\0';
	for (int i = 0; i < 1000; i++)
		strcat(s, "é");
	assert_int_equal(strlen(s), 2000);
	assert_int_equal(intake_check_value(ta, s), VERR_NONE);
	strcat(s, "€");
	assert_int_equal(intake_check_value(ta, s), VERR_TOO_LONG);
	/* newlines count as characters */
	memset(s, '\n', 999);
	strcpy(s + 999, "x");
	assert_int_equal(intake_check_value(ta, s), VERR_NONE);
	strcat(s, "\n");
	assert_int_equal(intake_check_value(ta, s), VERR_TOO_LONG);
	/* an e-mail address is at most 254 characters */
	memset(s, 'a', 243);
	strcpy(s + 243, "@example.nl"); /* 254 */
	assert_true(intake_email_ok(s));
	assert_int_equal(intake_check_value(em, s), VERR_NONE);
	memset(s, 'a', 244);
	strcpy(s + 244, "@example.nl"); /* 255 */
	assert_false(intake_email_ok(s));
	free(s);
}

/* ------------------------------------------------------------ the whole form */

/* Fill in a form that passes every check. */
static void
fill_ok(struct intake *in)
{
	intake_set(in, F_NAME, "Zoë de Wit");
	intake_set(in, F_PHONE, "06 12345678");
	intake_set(in, F_EMAIL, "");
	intake_set(in, F_MOMENT, "evening");
	intake_set(in, F_SITUATION, "Ik zorg voor mijn moeder.\nZe woont bij ons.");
	intake_set(in, F_OPTIONS, "alpha,help");
	intake_set(in, F_CONSENT, "yes");
}

static void
test_check_form(void **state)
{
	struct intake in;
	enum verr errs[F_COUNT];

	(void)state;
	intake_init(&in, forms, NULL, L_NL);
	fill_ok(&in);
	assert_int_equal(intake_check(&in, errs), 0);
	for (size_t i = 0; i < F_COUNT; i++)
		assert_int_equal(errs[i], VERR_NONE);

	/* Two fields wrong: both are counted and marked. */
	intake_set(&in, F_NAME, "");
	intake_set(&in, F_MOMENT, "noon");
	assert_int_equal(intake_check(&in, errs), 2);
	assert_int_equal(errs[F_NAME], VERR_REQUIRED);
	assert_int_equal(errs[F_MOMENT], VERR_REQUIRED);
	assert_int_equal(errs[F_PHONE], VERR_NONE);
	intake_clear(&in);
	assert_null(in.values);
	intake_clear(&in); /* twice is fine */
}

static void
test_one_of(void **state)
{
	struct intake in;
	enum verr errs[F_COUNT];

	(void)state;
	intake_init(&in, forms, NULL, L_NL);
	fill_ok(&in);

	/* Neither phone nor e-mail: the error sits on the first field only. */
	intake_set(&in, F_PHONE, "");
	intake_set(&in, F_EMAIL, "");
	assert_int_equal(intake_check(&in, errs), 1);
	assert_int_equal(errs[F_PHONE], VERR_ONE_OF);
	assert_int_equal(errs[F_EMAIL], VERR_NONE);

	/* Spaces are not an answer. */
	intake_set(&in, F_PHONE, "   ");
	assert_int_equal(intake_check(&in, errs), 1);
	assert_int_equal(errs[F_PHONE], VERR_ONE_OF);

	/* The e-mail alone is enough. */
	intake_set(&in, F_PHONE, "");
	intake_set(&in, F_EMAIL, "name@example.nl");
	assert_int_equal(intake_check(&in, errs), 0);
	assert_int_equal(errs[F_PHONE], VERR_NONE);

	/* A wrong phone number is its own error, not a one_of error. */
	intake_set(&in, F_PHONE, "12345");
	intake_set(&in, F_EMAIL, "");
	assert_int_equal(intake_check(&in, errs), 1);
	assert_int_equal(errs[F_PHONE], VERR_PHONE);
	assert_int_equal(errs[F_EMAIL], VERR_NONE);

	/* Both wrong: two errors. */
	intake_set(&in, F_EMAIL, "name@");
	assert_int_equal(intake_check(&in, errs), 2);
	assert_int_equal(errs[F_PHONE], VERR_PHONE);
	assert_int_equal(errs[F_EMAIL], VERR_EMAIL);
	intake_clear(&in);
}

/* A fresh form: name, moment and one_of are open; defaults are not errors. */
static void
test_check_fresh_form(void **state)
{
	struct intake in;
	enum verr errs[F_COUNT];

	(void)state;
	intake_init(&in, forms, NULL, L_EN);
	assert_int_equal(intake_check(&in, errs), 3);
	assert_int_equal(errs[F_NAME], VERR_REQUIRED);
	assert_int_equal(errs[F_PHONE], VERR_ONE_OF);
	assert_int_equal(errs[F_EMAIL], VERR_NONE);
	assert_int_equal(errs[F_MOMENT], VERR_REQUIRED);
	assert_int_equal(errs[F_CONTACT_LANG], VERR_NONE);
	assert_int_equal(errs[F_LETTER], VERR_NONE);
	assert_int_equal(errs[F_CONSENT], VERR_NONE);
	assert_false(intake_has_consent(&in));
	intake_clear(&in);
}

static void
test_messages(void **state)
{
	(void)state;
	i18n_set(L_EN);
	assert_string_equal(intake_message(VERR_NONE), "");
	for (enum verr e = VERR_REQUIRED; e <= VERR_ONE_OF; e++) {
		assert_true(strlen(intake_message(e)) > 10);
		for (enum verr k = VERR_REQUIRED; k < e; k++)
			assert_string_not_equal(intake_message(e), intake_message(k));
	}
	assert_non_null(strstr(intake_message(VERR_PHONE), "+31"));
}

static void
test_consent(void **state)
{
	struct intake in;

	(void)state;
	intake_init(&in, forms, NULL, L_NL);
	assert_false(intake_has_consent(&in));
	intake_set(&in, F_CONSENT, "yes");
	assert_true(intake_has_consent(&in));
	intake_set(&in, F_CONSENT, "YES");
	assert_false(intake_has_consent(&in));
	intake_set(&in, F_CONSENT, "no");
	assert_false(intake_has_consent(&in));
	intake_clear(&in);
}

/* ------------------------------------------------------------ init and ticking */

static void
test_init_defaults(void **state)
{
	struct intake in;

	(void)state;
	intake_init(&in, forms, NULL, L_EN);
	assert_ptr_equal(in.forms, forms);
	for (size_t i = 0; i < F_COUNT; i++)
		assert_non_null(in.values[i]);
	assert_string_equal(in.values[F_NAME], "");
	assert_string_equal(in.values[F_MOMENT], "");        /* no default */
	assert_string_equal(in.values[F_CONTACT_LANG], "en"); /* "ui-language" */
	assert_string_equal(in.values[F_LETTER], "no");       /* a plain default */
	assert_string_equal(in.values[F_OPTIONS], "");
	assert_string_equal(in.values[F_CONSENT], "");
	intake_clear(&in);

	intake_init(&in, forms, NULL, L_NL);
	assert_string_equal(in.values[F_CONTACT_LANG], "nl");
	assert_string_equal(in.values[F_LETTER], "no");
	intake_clear(&in);
}

/* The contact language follows the screen's language (F2) until the
 * caregiver picks one; then it stays. */
static void
test_contact_language_follows_until_chosen(void **state)
{
	struct intake in;

	(void)state;
	intake_init(&in, forms, NULL, L_NL);
	intake_follow_language(&in, L_EN);
	assert_string_equal(in.values[F_CONTACT_LANG], "en");
	assert_string_equal(in.values[F_LETTER], "no");       /* a plain default stays */
	intake_follow_language(&in, L_NL);
	assert_string_equal(in.values[F_CONTACT_LANG], "nl");
	intake_choose(&in, F_CONTACT_LANG, "nl");
	intake_follow_language(&in, L_EN);
	assert_string_equal(in.values[F_CONTACT_LANG], "nl");
	intake_clear(&in);

	intake_init(&in, forms, NULL, L_EN);
	intake_choose(&in, F_CONTACT_LANG, "en");
	intake_follow_language(&in, L_NL);
	assert_string_equal(in.values[F_CONTACT_LANG], "en");
	intake_clear(&in);
}

static void
test_init_preticks_request_pages(void **state)
{
	static const struct {
		const char *name, *preticked, *want;
	} cases[] = {
		{ "pretick-1.1", "alpha", "alpha" },
		{ "pretick-1.2", "beta,alpha", "alpha,beta" },         /* page order */
		{ "pretick-1.3", "gamma", "" },                        /* no request = true */
		{ "pretick-1.4", "gamma,alpha,nosuch,beta", "alpha,beta" },
		{ "pretick-1.5", "alpha,alpha", "alpha" },
		{ "pretick-1.6", "", "" },
		{ "pretick-1.7", "check", "" },                        /* a flow, not a page */
		{ "pretick-1.8", "help,beta,alpha", "alpha,beta,help" },
		{ "pretick-1.9", ",,alpha,", "alpha" },
	};
	struct intake in;
	int bad = 0;

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(cases); i++) {
		intake_init(&in, forms, cases[i].preticked, L_NL);
		if (!str_eq(in.values[F_OPTIONS], cases[i].want)) {
			print_error("%s: preticked \"%s\" gave \"%s\", want \"%s\"\n", cases[i].name,
			    cases[i].preticked, in.values[F_OPTIONS], cases[i].want);
			bad++;
		}
		/* Only the options field is touched. */
		if (in.values[F_NAME][0] != '\0' || !str_eq(in.values[F_LETTER], "no"))
			bad++;
		intake_clear(&in);
	}
	assert_int_equal(bad, 0);
}

static void
test_toggle_keeps_page_order(void **state)
{
	static const struct {
		const char *id, *want;
	} steps[] = {
		{ "help", "help" },
		{ "beta", "beta,help" },
		{ "alpha", "alpha,beta,help" },
		{ "beta", "alpha,help" },       /* untick */
		{ "nosuch", "alpha,help" },     /* not a page: nothing changes */
		{ "help", "alpha" },
		{ "beta", "alpha,beta" },
		{ "alpha", "beta" },
		{ "beta", "" },
	};
	struct intake in;

	(void)state;
	intake_init(&in, forms, NULL, L_NL);
	for (size_t i = 0; i < UNIT_LEN(steps); i++) {
		intake_toggle(&in, F_OPTIONS, steps[i].id);
		if (!str_eq(in.values[F_OPTIONS], steps[i].want)) {
			print_error("toggle-1.%zu: toggling \"%s\" gave \"%s\", want \"%s\"\n", i + 1,
			    steps[i].id, in.values[F_OPTIONS], steps[i].want);
			intake_clear(&in);
			fail();
		}
	}
	intake_clear(&in);
}

static void
test_has_id(void **state)
{
	(void)state;
	assert_true(intake_has_id("alpha", "alpha"));
	assert_true(intake_has_id("alpha,beta", "alpha"));
	assert_true(intake_has_id("alpha,beta", "beta"));
	assert_true(intake_has_id("alpha,beta,help", "beta"));
	assert_false(intake_has_id("alpha,beta", "alp"));
	assert_false(intake_has_id("alpha,beta", "lpha"));
	assert_false(intake_has_id("alpha,beta", "alpha,beta"));
	assert_false(intake_has_id("alphabet", "alpha"));
	assert_false(intake_has_id("", "alpha"));
	assert_false(intake_has_id("alpha", "gamma"));
}

static void
test_set_copies(void **state)
{
	struct intake in;
	char buf[] = "Jan";

	(void)state;
	intake_init(&in, forms, NULL, L_NL);
	intake_set(&in, F_NAME, buf);
	buf[0] = 'X';
	assert_string_equal(in.values[F_NAME], "Jan");
	intake_set(&in, F_NAME, in.values[F_NAME]); /* its own value */
	assert_string_equal(in.values[F_NAME], "Jan");
	intake_clear(&in);
}

/* ------------------------------------------------------------ display */

static void
expect_display(struct intake *in, size_t i, const char *value, const char *want)
{
	char *got;

	intake_set(in, i, value);
	got = intake_display(in, i);
	if (!str_eq(got, want)) {
		print_error("intake_display(%s = \"%s\") in %s = \"%s\", want \"%s\"\n",
		    forms->fields[i].id, value, i18n_code(i18n_lang()), got, want);
		free(got);
		intake_clear(in);
		fail();
	}
	free(got);
}

static void
test_display(void **state)
{
	struct intake in;

	(void)state;
	intake_init(&in, forms, NULL, L_NL);

	i18n_set(L_NL);
	expect_display(&in, F_NAME, "Zoë de Wit", "Zoë de Wit");
	expect_display(&in, F_NAME, "", "-");
	expect_display(&in, F_NAME, "   ", "-");
	expect_display(&in, F_PHONE, "06-12 34 56 78", "0612345678");
	expect_display(&in, F_PHONE, "+31 (0)6 12345678", "+31612345678");
	expect_display(&in, F_PHONE, "12345", "12345"); /* shown as typed */
	expect_display(&in, F_PHONE, "", "-");
	expect_display(&in, F_EMAIL, "name@example.nl", "name@example.nl");
	expect_display(&in, F_MOMENT, "morning", "'s Ochtends");
	expect_display(&in, F_MOMENT, "", "-");
	expect_display(&in, F_MOMENT, "noon", "-");
	expect_display(&in, F_OPTIONS, "beta,alpha", "Alfa; Bèta"); /* page order */
	expect_display(&in, F_OPTIONS, "help", "Hulp");
	expect_display(&in, F_OPTIONS, "", "-");
	expect_display(&in, F_OPTIONS, "nosuch", "-");
	expect_display(&in, F_SITUATION, "regel 1\nregel 2", "regel 1\nregel 2");
	expect_display(&in, F_CONTACT_LANG, "en", "English");

	i18n_set(L_EN);
	expect_display(&in, F_MOMENT, "evening", "In the evening");
	expect_display(&in, F_OPTIONS, "alpha,beta,help", "Alpha; Beta; Help");
	expect_display(&in, F_CONTACT_LANG, "nl", "Nederlands");
	expect_display(&in, F_LETTER, "no", "No");
	/* English is the msgid language of the interface strings. */
	expect_display(&in, F_CONSENT, "yes", "Yes");
	expect_display(&in, F_CONSENT, "", "No");
	i18n_set(L_NL);
	intake_clear(&in);
}

int
main(void)
{
	struct CMUnitTest tests[12 + UNIT_LEN(value_cases)] = {
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_check_form),
		cmocka_unit_test(test_one_of),
		cmocka_unit_test(test_check_fresh_form),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_consent),
		cmocka_unit_test(test_init_defaults),
		cmocka_unit_test(test_contact_language_follows_until_chosen),
		cmocka_unit_test(test_init_preticks_request_pages),
		cmocka_unit_test(test_toggle_keeps_page_order),
		cmocka_unit_test(test_has_id),
		cmocka_unit_test(test_set_copies),
		cmocka_unit_test(test_display),
	};

	for (size_t i = 0; i < UNIT_LEN(value_cases); i++)
		tests[12 + i] = (struct CMUnitTest){
			.name = value_cases[i].name, .test_func = test_value,
			.initial_state = (void *)&value_cases[i],
		};
	return cmocka_run_group_tests_name("intake", tests, group_setup, group_teardown);
}
