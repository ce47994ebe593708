/* test_form.c: loading forms/ (form.c): the real forms load cleanly, the
 * small test forms load and their ids resolve, and every broken form is
 * refused with exactly one "file:line: problem" naming the right line. */
#include "unit.h"

#include "form.h"
#include "util.h"

/* Dutch and English: the first two languages of every table. */
enum { L_NL, L_EN };

/* ---------------------------------------------------------------- real forms */

static void
test_real_forms_load(void **state)
{
	const char *dir = unit_forms_dir();
	char *guide = xasprintf("%s/guide.conf", dir), *intake = xasprintf("%s/intake.conf", dir);
	bool have = unit_exists(guide) && unit_exists(intake);
	struct forms *f;
	size_t nconsent = 0, nrequest = 0;

	(void)state;
	free(guide);
	free(intake);
	if (!have)
		fail_msg("%s has no guide.conf and intake.conf", dir);
	f = unit_load_ok(dir);

	assert_true(f->guide_version >= 1);
	assert_true(f->intake_version >= 1);
	assert_in_range(f->nmenu, 1, 9);
	for (size_t i = 0; i < f->nmenu; i++)
		assert_int_equal((f->menu[i].page != NULL) + (f->menu[i].flow != NULL) + (f->menu[i].care != NULL), 1);
	assert_true(f->npages > 0);
	for (size_t i = 0; i < f->npages; i++) {
		const struct page *p = &f->pages[i];

		assert_ptr_equal(forms_page(f, p->id), p);
		assert_non_null(p->title.s[L_NL]);
		assert_non_null(p->title.s[L_EN]);
		assert_true(p->nsections > 0);
		if (p->check != NULL)
			assert_non_null(forms_flow(f, p->check));
		nrequest += p->request;
	}
	assert_true(nrequest > 0);
	for (size_t i = 0; i < f->nflows; i++) {
		const struct flow *fl = &f->flows[i];

		assert_ptr_equal(forms_flow(f, fl->id), fl);
		assert_non_null(flow_question(fl, fl->start));
		assert_non_null(forms_page(f, fl->fallback));
		for (size_t q = 0; q < fl->nquestions; q++)
			assert_ptr_equal(flow_question(fl, fl->questions[q].id), &fl->questions[q]);
	}
	for (size_t i = 0; i < f->nfields; i++) {
		assert_ptr_equal(forms_field(f, f->fields[i].id), &f->fields[i]);
		nconsent += f->fields[i].type == FIELD_CONSENT;
	}
	assert_int_equal(nconsent, 1);
	forms_free(f);
}

/* ---------------------------------------------------------------- test forms */

static int
setup_valid(void **state)
{
	*state = unit_load_valid();
	return 0;
}

static int
teardown_valid(void **state)
{
	forms_free(*state);
	return 0;
}

static void
test_valid_forms(void **state)
{
	const struct forms *f = *state;
	char *guide = unit_data("valid/guide.conf");
	int alpha_line = unit_line_of(guide, "id = \"alpha\"") - 1;
	int check_line = unit_line_of(guide, "id = \"check\"") - 1;

	free(guide);
	assert_int_equal(f->guide_version, 2);
	assert_int_equal(f->intake_version, 3);
	assert_string_equal(f->welcome_title.s[L_NL], "Welkom");
	assert_string_equal(f->welcome_title.s[L_EN], "Welcome");
	assert_null(f->menu_intro.s[L_NL]); /* optional and absent */
	assert_int_equal(f->npages, 4);
	assert_int_equal(f->nflows, 3);
	assert_int_equal(f->nfields, 9);
	assert_int_equal(f->none_of, 1);

	/* The menu keeps the file's order and mixes pages and flows. */
	assert_int_equal(f->nmenu, 4);
	assert_ptr_equal(f->menu[0].page, forms_page(f, "beta"));
	assert_null(f->menu[0].flow);
	assert_ptr_equal(f->menu[1].flow, forms_flow(f, "check"));
	assert_null(f->menu[1].page);
	assert_ptr_equal(f->menu[2].page, forms_page(f, "alpha"));
	assert_ptr_equal(f->menu[3].page, forms_page(f, "help"));

	/* Lines are those of the opening brace, for messages. */
	assert_int_equal(forms_page(f, "alpha")->line, alpha_line);
	assert_int_equal(forms_flow(f, "check")->line, check_line);

	/* UTF-8 texts come through unchanged. */
	assert_string_equal(forms_page(f, "beta")->title.s[L_NL], "Bèta");
}

static void
test_ids_resolve(void **state)
{
	const struct forms *f = *state;
	const struct page *alpha = forms_page(f, "alpha"), *gamma = forms_page(f, "gamma");
	const struct flow *check = forms_flow(f, "check"), *winter = forms_flow(f, "winter");
	const struct question *window, *need, *season;
	const struct field *fd;

	/* Pages */
	assert_non_null(alpha);
	assert_string_equal(alpha->id, "alpha");
	assert_true(alpha->request);
	assert_string_equal(alpha->check, "check");
	assert_int_equal(alpha->nsections, 1);
	assert_string_equal(alpha->sections[0].title.s[L_EN], "What");
	assert_non_null(gamma);
	assert_false(gamma->request); /* request defaults to false */
	assert_null(gamma->check);
	assert_null(forms_page(f, "nosuch"));
	assert_null(forms_page(f, "check")); /* a flow, not a page */
	assert_null(forms_page(f, ""));
	assert_null(forms_page(f, "Alpha")); /* ids are case-sensitive */

	/* Flows and questions */
	assert_non_null(check);
	assert_string_equal(check->id, "check");
	assert_string_equal(check->start, "window");
	assert_string_equal(check->fallback, "help");
	assert_int_equal(check->nquestions, 3);
	assert_null(forms_flow(f, "alpha"));
	assert_null(forms_flow(f, "nosuch"));

	window = flow_question(check, "window");
	assert_non_null(window);
	assert_ptr_equal(window, &check->questions[0]);
	assert_true(window->is_date);
	assert_int_equal(window->from_md, 401);
	assert_int_equal(window->until_md, 1110);
	assert_int_equal(window->nanswers, 2);
	assert_string_equal(window->answers[0].next, "need");
	assert_string_equal(window->answers[1].next, "need");
	assert_string_equal(window->answers[1].result.s[L_EN], "Closed until {from}.");
	assert_null(window->answers[0].result.s[L_EN]);

	need = flow_question(check, "need");
	assert_non_null(need);
	assert_false(need->is_date);
	assert_string_equal(need->ask.s[L_NL], "Wat zoekt u?");
	assert_int_equal(need->nanswers, 3);
	assert_int_equal(need->answers[0].nsuggest, 3);
	assert_string_equal(need->answers[0].suggest[0], "gamma");
	assert_string_equal(need->answers[0].suggest[2], "beta");
	assert_string_equal(need->answers[0].next, "more");
	assert_null(need->answers[2].next); /* ends the flow */
	assert_int_equal(need->answers[2].nsuggest, 0);

	assert_null(flow_question(check, "nosuch"));
	assert_null(flow_question(check, "season")); /* in another flow */
	season = flow_question(winter, "season");
	assert_non_null(season);
	assert_int_equal(season->from_md, 1201);
	assert_int_equal(season->until_md, 228);

	/* Fields */
	fd = forms_field(f, "phone");
	assert_non_null(fd);
	assert_int_equal(fd->type, FIELD_PHONE);
	assert_string_equal(field_type_name(fd->type), "phone");
	fd = forms_field(f, "name");
	assert_true(fd->required);
	assert_int_equal(fd->max, 10);
	fd = forms_field(f, "situation");
	assert_int_equal(fd->type, FIELD_TEXTAREA);
	assert_int_equal(fd->max, 1000); /* the textarea default */
	assert_false(fd->required);
	fd = forms_field(f, "contact_lang");
	assert_int_equal(fd->nchoices, 2);
	assert_string_equal(fd->def, "ui-language");
	assert_string_equal(forms_field(f, "letter")->def, "no");
	assert_null(forms_field(f, "moment")->def);
	assert_null(forms_field(f, "nosuch"));
	assert_int_equal(f->one_of[0].n, 2);
	assert_ptr_equal(f->one_of[0].fields[0], forms_field(f, "phone"));
	assert_ptr_equal(f->one_of[0].fields[1], forms_field(f, "email"));
	assert_string_equal(field_type_name(FIELD_CONSENT), "consent");
	assert_string_equal(field_type_name(FIELD_TEXTAREA), "textarea");
}

/* ---------------------------------------------------------------- broken forms */

struct broken {
	const char *name;   /* test name */
	const char *target; /* guide.conf or intake.conf */
	const char *file;   /* in data/broken/, replaces target; NULL: see make */
	const char *expect; /* part of the message */
	void (*make)(const char *path); /* writes target itself, when file is NULL */
};

/* A guide.conf just over 1 MB: the valid guide padded with comments. */
static void
make_too_big(const char *path)
{
	char *valid = unit_data("valid/guide.conf");
	size_t n, cap = 1024 * 1024 + 4096;
	char *text = unit_read(valid, &n), *big = xmalloc(cap);
	static const char pad[] = "# padding padding padding padding padding padding padding\n";

	memcpy(big, text, n);
	while (n + sizeof pad - 1 <= 1024 * 1024)
		memcpy(big + n, pad, sizeof pad - 1), n += sizeof pad - 1;
	memcpy(big + n, pad, sizeof pad - 1), n += sizeof pad - 1; /* now over 1 MB */
	unit_write(path, big, n);
	free(big);
	free(text);
	free(valid);
}

/* guide.conf is a FIFO that no one writes: reading it would wait for ever. */
static void
make_fifo(const char *path)
{
	unlink(path);
	if (mkfifo(path, 0600) != 0)
		fail_msg("mkfifo %s: %s", path, strerror(errno));
}

/* No intake.conf at all. */
static void
make_missing(const char *path)
{
	unlink(path);
}

static const struct broken cases[] = {
	{ "form-1.1 no English text in the welcome", "welcome.conf", "welcome-no-english.conf",
	  "\"title\" has no text in English (en)", NULL },
	{ "form-1.2 an unknown setting in the welcome", "welcome.conf", "welcome-unknown-setting.conf",
	  "unknown setting \"menu\"", NULL },
	{ "form-1.3 welcome.conf missing", "welcome.conf", NULL, "cannot read this file", make_missing },
	{ "form-2.1 syntax error", "guide.conf", "guide-syntax.conf", "syntax error", NULL },
	{ "form-2.2 no English text", "guide.conf", "guide-no-english.conf",
	  "\"summary\" has no text in English (en)", NULL },
	{ "form-2.3 unknown setting", "guide.conf", "guide-unknown-setting.conf",
	  "unknown setting \"colour\"", NULL },
	{ "form-2.4 next names a missing question", "guide.conf", "guide-next-missing.conf",
	  "flow \"quiz\", question \"q1\": next question \"nowhere\" does not exist", NULL },
	{ "form-2.5 flow loops", "guide.conf", "guide-loop.conf",
	  "flow \"quiz\": question \"q2\" can lead back to \"q1\"", NULL },
	{ "form-2.6 unreachable question", "guide.conf", "guide-unreachable.conf",
	  "flow \"quiz\": question \"orphan\" is never reached", NULL },
	{ "form-2.7 menu names a missing page", "guide.conf", "guide-menu-missing.conf",
	  "the menu names \"nosuch\", but there is no page or flow with that id", NULL },
	{ "form-2.8 fallback names a missing page", "guide.conf", "guide-fallback-missing.conf",
	  "flow \"quiz\": fallback page \"nosuch\" does not exist", NULL },
	{ "form-2.9 invalid UTF-8 in a text", "guide.conf", "guide-bad-utf8.conf",
	  "title is not valid UTF-8 text", NULL },
	{ "form-2.10 file over 1 MB", "guide.conf", NULL, "not a form file, or larger than 1 MB",
	  make_too_big },
	{ "form-2.11 impossible date in a window", "guide.conf", "guide-impossible-date.conf",
	  "\"until\" must be a date written MM-DD", NULL },
	{ "form-2.12 @include is refused", "guide.conf", "guide-include.conf",
	  "@include is not allowed: write everything in this file", NULL },
	{ "form-2.13 a zero byte in a text", "guide.conf", "guide-nul-byte.conf",
	  "this file holds a zero byte (NUL)", NULL },
	{ "form-2.14 \\x00 in a text", "guide.conf", "guide-nul-escape.conf",
	  "a text holds \\x00 (a zero byte)", NULL },
	{ "form-2.15 guide.conf is a FIFO", "guide.conf", NULL, "not a form file, or larger than 1 MB",
	  make_fifo },
	{ "form-2.16 the welcome where 0.1 had it", "guide.conf", "guide-welcome-here.conf",
	  "the welcome has a file of its own now: move its title and text to welcome.conf", NULL },
	{ "form-3.1 unknown field type", "intake.conf", "intake-field-type.conf",
	  "\"type\" must be one of: text, textarea, phone, email, choice, options, consent", NULL },
	{ "form-3.2 required is not true/false", "intake.conf", "intake-required-not-bool.conf",
	  "\"required\" must be true or false", NULL },
	{ "form-3.3 max is not a number", "intake.conf", "intake-max-not-number.conf",
	  "\"max\" must be a whole number", NULL },
	{ "form-3.4 no consent field", "intake.conf", "intake-no-consent.conf",
	  "the intake form needs exactly one field of type consent", NULL },
	{ "form-3.5 no English label", "intake.conf", "intake-no-english.conf",
	  "\"label\" has no text in English (en)", NULL },
	{ "form-3.6 one_of names a missing field", "intake.conf", "intake-one-of-missing.conf",
	  "\"one_of\" names a field that does not exist: \"fax\"", NULL },
	{ "form-3.7 intake.conf missing", "intake.conf", NULL, "cannot read this file", make_missing },
	{ "form-4.1 a gap between bands", "check.conf", "check-gap.conf",
	  "no band holds the totals 1 to 1 (a gap between \"low\" and \"high\")", NULL },
	{ "form-4.2 bands overlap", "check.conf", "check-overlap.conf",
	  "bands \"low\" and \"high\" overlap: both hold 1", NULL },
	{ "form-4.3 the bands stop short of the highest total", "check.conf", "check-short.conf",
	  "band \"high\" must end at 2, the highest total the answers give", NULL },
	{ "form-4.4 a band no answers reach", "check.conf", "check-unreachable.conf",
	  "band \"mid\" can never be reached: no answers add up to 1 to 1", NULL },
	{ "form-4.5 a band without English", "check.conf", "check-no-english.conf",
	  "\"title\" has no text in English (en)", NULL },
	{ "form-4.6 at_least names no band", "check.conf", "check-at-least-unknown.conf",
	  "question \"q1\", answer 2: at_least names no band: \"highest\"", NULL },
	{ "form-4.7 a band every reaching answer raises", "check.conf", "check-at-least-hides.conf",
	  "band \"mid\" can never be reached: every set of answers that adds up to 1 to 1 has an answer with a higher at_least", NULL },
};

static void
test_broken(void **state)
{
	const struct broken *c = *state;
	char *dir = unit_tmpdir();
	char *valid_guide = unit_data("valid/guide.conf"), *valid_intake = unit_data("valid/intake.conf");
	char *guide = xasprintf("%s/guide.conf", dir), *intake = xasprintf("%s/intake.conf", dir);
	char *target = xasprintf("%s/%s", dir, c->target);
	char *src = c->file ? xasprintf("broken/%s", c->file) : NULL;
	char *srcpath = src ? unit_data(src) : NULL;
	char *errors = NULL, *want = NULL, *problem = NULL;
	struct forms *f;
	int line = 1;

	unit_copy_welcome(dir);
	unit_copy(valid_guide, guide);
	unit_copy(valid_intake, intake);
	if (srcpath != NULL) {
		unit_copy(srcpath, target);
		if ((line = unit_line_of(srcpath, "# ERROR")) == 0)
			line = 1;
	} else {
		c->make(target);
	}
	f = unit_load(dir, &errors);
	want = xasprintf("%s:%d: %s", target, line, c->expect);

	if (f != NULL)
		problem = xasprintf("the broken form loaded without error (expected \"%s\")", want);
	else if (errors == NULL)
		problem = xasprintf("no message (expected \"%s\")", want);
	else if (strncmp(errors, want, strlen(want)) != 0 || unit_count_lines(errors) != 1)
		problem = xasprintf("expected exactly one message\n  %s\ngot:\n%s", want, errors);

	forms_free(f);
	unit_rmtree(dir);
	free(dir);
	free(valid_guide);
	free(valid_intake);
	free(guide);
	free(intake);
	free(target);
	free(src);
	free(srcpath);
	free(errors);
	free(want);
	if (problem != NULL) {
		print_error("%s: %s\n", c->name, problem);
		free(problem);
		fail();
	}
}

/* A check.conf beside the guide: its bands cover the totals, in order. */
static void
test_valid_check(void **state)
{
	const struct forms *f = *state;
	const struct care_check *c = f->care;

	assert_non_null(c);
	assert_ptr_equal(forms_care(f, "howareyou"), c);
	assert_null(forms_care(f, "alpha"));
	assert_int_equal(c->nquestions, 2);
	assert_int_equal(c->questions[0].nanswers, 3);
	assert_int_equal(c->nbands, 3);
	assert_string_equal(care_band_of(c, 0)->id, "low");
	assert_string_equal(care_band_of(c, 1)->id, "mid");
	assert_true(care_band_of(c, 1)->talk_first);
	assert_string_equal(care_band_of(c, 2)->id, "high");
	assert_null(care_band_of(c, 3));
	assert_ptr_equal(care_band_find(c, "high"), care_band_of(c, 2));
	assert_string_equal(c->share.s[L_EN], "Add it?");
}

/* An answer's at_least raises a low total's band, never a higher one's. */
static void
test_check_at_least(void **state)
{
	const struct care_check *c = ((const struct forms *)*state)->care;
	static const struct {
		size_t answers[2];
		const char *band;
	} walks[] = {
		{ { 0, 0 }, "low" },  /* total 0, no floor */
		{ { 0, 1 }, "mid" },  /* total 0, but "Yes" asks for mid */
		{ { 1, 1 }, "mid" },
		{ { 2, 1 }, "high" }, /* the total is higher than the floor */
		{ { 1, 0 }, "mid" },
	};

	for (size_t i = 0; i < sizeof walks / sizeof walks[0]; i++)
		assert_string_equal(care_result(c, walks[i].answers, 2)->id, walks[i].band);
	/* Only the answers given so far count. */
	assert_string_equal(care_result(c, walks[1].answers, 1)->id, "low");
}

/* Every problem is reported, not only the first, each on its own line,
 * guide.conf before intake.conf. */
static void
test_all_problems_reported(void **state)
{
	char *dir = unit_tmpdir();
	char *guide = xasprintf("%s/guide.conf", dir), *intake = xasprintf("%s/intake.conf", dir);
	char *g = unit_data("broken/guide-loop.conf"), *i = unit_data("broken/intake-no-consent.conf");
	char *errors = NULL, *in_guide, *in_intake;
	struct forms *f;
	size_t lines;
	bool order, loaded;

	(void)state;
	unit_copy_welcome(dir);
	unit_copy(g, guide);
	unit_copy(i, intake);
	f = unit_load(dir, &errors);
	loaded = f != NULL;
	forms_free(f);
	unit_rmtree(dir);
	free(dir);
	free(guide);
	free(intake);
	free(g);
	free(i);
	lines = unit_count_lines(errors);
	in_guide = errors ? strstr(errors, "/guide.conf:") : NULL;
	in_intake = errors ? strstr(errors, "/intake.conf:") : NULL;
	order = in_guide != NULL && in_intake != NULL && in_guide < in_intake;
	if (loaded || lines != 2 || !order)
		print_error("got:\n%s", errors ? errors : "(nothing)\n");
	free(errors);
	assert_false(loaded);
	assert_int_equal(lines, 2);
	assert_true(order);
}

/* The kiosk's start: the welcome alone, then the rest into the same forms,
 * gives what forms_load gives; a broken rest says why, and what was read
 * is freed (the sanitizers see a leak or a double free). */
static void
test_two_steps(void **state)
{
	char *dir = unit_data("valid"), *errors = NULL, *g, *i, *path;
	struct forms *whole = unit_load_ok(dir), *f = forms_load_welcome(dir, &errors);

	(void)state;
	assert_non_null(f);
	assert_null(errors);
	assert_string_equal(f->welcome_title.s[L_EN], "Welcome");
	assert_string_equal(f->welcome_text.s[L_NL], "Tekst");
	assert_int_equal(f->npages, 0);
	assert_int_equal(f->nfields, 0);
	assert_true(forms_load_rest(f, dir, &errors));
	assert_null(errors);
	assert_int_equal(f->npages, whole->npages);
	assert_int_equal(f->nflows, whole->nflows);
	assert_int_equal(f->nmenu, whole->nmenu);
	assert_int_equal(f->nfields, whole->nfields);
	assert_non_null(f->care);
	assert_string_equal(f->welcome_title.s[L_EN], "Welcome");
	forms_free(f);
	forms_free(whole);
	free(dir);

	dir = unit_tmpdir();
	g = unit_data("broken/guide-loop.conf");
	i = unit_data("valid/intake.conf");
	unit_copy_welcome(dir);
	path = xasprintf("%s/guide.conf", dir);
	unit_copy(g, path);
	free(path);
	path = xasprintf("%s/intake.conf", dir);
	unit_copy(i, path);
	free(path);
	f = forms_load_welcome(dir, &errors);
	assert_non_null(f);
	assert_false(forms_load_rest(f, dir, &errors));
	assert_non_null(errors);
	assert_non_null(strstr(errors, "/guide.conf:"));
	assert_int_equal(unit_count_lines(errors), 1);
	forms_free(f);
	free(errors);
	unit_rmtree(dir);
	free(dir);
	free(g);
	free(i);
}

/* ---------------------------------------------------------------- glossary */

/* A glossary for the valid test forms: editors list a word once, with the
 * other forms it takes; explanations may use other glossary words. */
static const char test_glossary[] =
    "version = 1;\n"
    "checked = \"2026-11-01\";\n"
    "checked_by = \"Team\";\n"
    "words = (\n"
    "  { id = \"wmo\"; word = { nl = \"Wmo\"; en = \"Wmo\"; };\n"
    "    text = { nl = \"De wet.\"; en = \"The law.\"; }; },\n"
    "  { id = \"pgb\"; word = { nl = \"pgb\"; en = \"pgb\"; };\n"
    "    variants = { en = ( \"personal budget\" ); };\n"
    "    text = { nl = \"Geld via de Wmo.\"; en = \"Money through the Wmo.\"; }; },\n"
    "  { id = \"natura\"; word = { nl = \"zorg in natura\"; en = \"care in kind\"; };\n"
    "    variants = { en = ( \"zorg in natura\" ); };\n"
    "    text = { nl = \"Hulp, geen geld.\"; en = \"Help, not money.\"; }; },\n"
    "  { id = \"maatwerk\"; word = { nl = \"maatwerkvoorziening\"; en = \"tailored support\"; };\n"
    "    variants = { nl = ( \"maatwerkvoorzieningen\" ); };\n"
    "    text = { nl = \"Hulp die past.\"; en = \"Help that fits.\"; }; },\n"
    "  { id = \"client\"; word = { nl = \"cliëntondersteuner\"; en = \"client support worker\"; };\n"
    "    variants = { nl = ( \"cliëntondersteuners\" ); };\n"
    "    text = { nl = \"Helpt u.\"; en = \"Helps you.\"; }; },\n"
    "  { id = \"blue\"; word = { nl = \"blauwe zone\"; en = \"blue zone\"; };\n"
    "    variants = { en = ( \"blue zones\" ); };\n"
    "    text = { nl = \"Met een schijf.\"; en = \"With a disc.\"; }; }\n"
    ");\n";

/* The valid forms with glossary (a glossary.conf text, or NULL) in a new
 * folder; *dir gets the folder (caller removes and frees). */
static struct forms *
load_with(char **dir, const char *glossary, const char *guide_from, const char *guide_to, char **errors)
{
	char *valid_guide = unit_data("valid/guide.conf"), *valid_intake = unit_data("valid/intake.conf");
	char *text = unit_read(valid_guide, NULL), *path;
	struct forms *f;

	*dir = unit_tmpdir();
	if (guide_from != NULL) {
		char *at = strstr(text, guide_from), *t;

		if (at == NULL)
			fail_msg("valid/guide.conf has no \"%s\"", guide_from);
		t = xasprintf("%.*s%s%s", (int)(at - text), text, guide_to, at + strlen(guide_from));
		free(text);
		text = t;
	}
	unit_copy_welcome(*dir);
	path = xasprintf("%s/guide.conf", *dir);
	unit_write_str(path, text);
	free(path);
	path = xasprintf("%s/intake.conf", *dir);
	unit_copy(valid_intake, path);
	free(path);
	if (glossary != NULL) {
		path = xasprintf("%s/glossary.conf", *dir);
		unit_write_str(path, glossary);
		free(path);
	}
	f = unit_load(*dir, errors);
	free(text);
	free(valid_guide);
	free(valid_intake);
	return f;
}

/* The ids found in text, in glossary order, as "a b"; caller frees. */
static char *
found_ids(const struct forms *f, const char *text, lang_id l, bool close)
{
	bool *found = xcalloc(f->nglossary + 1, sizeof *found);
	char *out = xstrdup("");

	glossary_find(f, text, l, found);
	if (close)
		glossary_close(f, l, found);
	for (size_t i = 0; i < f->nglossary; i++) {
		char *t;

		if (!found[i])
			continue;
		t = xasprintf("%s%s%s", out, *out ? " " : "", f->glossary[i].id);
		free(out);
		out = t;
	}
	free(found);
	return out;
}

static const struct {
	const char *name, *text;
	lang_id lang;
	const char *want; /* ids found, in glossary order */
} gloss_cases[] = {
	{ "form-4.1 a word on its own", "Vraag een pgb aan.", L_NL, "pgb" },
	{ "form-4.2 upper or lower case alike", "Het PGB en de wmo.", L_NL, "wmo pgb" },
	{ "form-4.3 a hyphen ends a word", "Het is geen pgb-plan. Doe een Wmo-melding.", L_NL, "wmo pgb" },
	{ "form-4.4 not inside a longer word", "pgbx xpgb wmoo Wmo2", L_NL, "" },
	{ "form-4.5 an accented letter is part of a word", "éwmo wmoë", L_NL, "" },
	{ "form-4.6 several words across a line break", "hulp (zorg\nin   natura)", L_NL, "natura" },
	{ "form-4.7 not half of a phrase", "zorg in naturalis", L_NL, "" },
	{ "form-4.8 a listed variant", "Wmo-maatwerkvoorzieningen", L_NL, "wmo maatwerk" },
	{ "form-4.9 a variant in UTF-8", "Twee cliëntondersteuners.", L_NL, "client" },
	{ "form-4.10 English words in English", "Two blue zones and a Blue Zone.", L_EN, "blue" },
	{ "form-4.11 the Dutch word in an English text", "care in kind (zorg in natura)", L_EN, "natura" },
	{ "form-4.12 Dutch variants do not count in English", "maatwerkvoorzieningen", L_EN, "" },
	{ "form-4.13 a multi-word variant", "a personal budget", L_EN, "pgb" },
	{ "form-4.14 at the very start and end", "blauwe zone", L_NL, "blue" },
};

static void
test_glossary_find(void **state)
{
	char *dir, *errors = NULL;
	struct forms *f = load_with(&dir, test_glossary, NULL, NULL, &errors);
	bool bad = false;

	(void)state;
	if (f == NULL)
		fail_msg("the test glossary does not load:\n%s", errors ? errors : "");
	assert_int_equal(f->nglossary, 6);
	for (size_t i = 0; i < UNIT_LEN(gloss_cases); i++) {
		char *got = found_ids(f, gloss_cases[i].text, gloss_cases[i].lang, false);

		if (!str_eq(got, gloss_cases[i].want)) {
			print_error("%s: \"%s\": want \"%s\", got \"%s\"\n", gloss_cases[i].name,
			    gloss_cases[i].text, gloss_cases[i].want, got);
			bad = true;
		}
		free(got);
	}
	forms_free(f);
	unit_rmtree(dir);
	free(dir);
	free(errors);
	assert_false(bad);
}

/* form-4.20 The list also explains the words its explanations use. */
static void
test_glossary_close(void **state)
{
	char *dir, *errors = NULL, *got;
	struct forms *f = load_with(&dir, test_glossary, NULL, NULL, &errors);

	(void)state;
	assert_non_null(f);
	got = found_ids(f, "Een pgb.", L_NL, true);
	assert_string_equal(got, "wmo pgb"); /* "Geld via de Wmo." */
	free(got);
	got = found_ids(f, "No words here.", L_EN, true);
	assert_string_equal(got, "");
	free(got);
	forms_free(f);
	unit_rmtree(dir);
	free(dir);
	free(errors);
}

/* form-4.21 check-forms warns, per language, about words no text uses:
 * the valid forms use none of the test glossary's words. */
static void
test_glossary_unused(void **state)
{
	char *dir, *errors = NULL, *out = NULL;
	struct forms *f = load_with(&dir, test_glossary, "text = { nl = \"Zo.\"; en = \"So.\"; }; } );\n    check",
	    "text = { nl = \"Zo, met een pgb.\"; en = \"So, with a pgb.\"; }; } );\n    check", &errors);
	size_t n;

	(void)state;
	assert_non_null(f);
	n = glossary_unused(f, &out);
	assert_non_null(out);
	/* pgb is used in both languages; the other five are not, twice each. */
	assert_int_equal(n, 10);
	assert_null(strstr(out, "\"pgb\""));
	assert_non_null(strstr(out, "/glossary.conf:5: warning: the glossary word \"Wmo\" is used in no text in Nederlands (nl)"));
	assert_non_null(strstr(out, "the glossary word \"blue zone\" is used in no text in English (en)"));
	free(out);
	forms_free(f);
	unit_rmtree(dir);
	free(dir);
	free(errors);
}

/* form-4.22 A glossary entry without an English text is refused. */
static void
test_glossary_broken(void **state)
{
	static const char broken[] =
	    "version = 1;\n"
	    "words = (\n"
	    "  { id = \"wmo\"; word = { nl = \"Wmo\"; };\n"
	    "    text = { nl = \"De wet.\"; en = \"The law.\"; }; }\n"
	    ");\n";
	char *dir, *errors = NULL, *want;
	struct forms *f = load_with(&dir, broken, NULL, NULL, &errors);

	(void)state;
	want = xasprintf("%s/glossary.conf:3: \"word\" has no text in English (en)\n", dir);
	assert_null(f);
	assert_non_null(errors);
	assert_string_equal(errors, want);
	free(want);
	unit_rmtree(dir);
	free(dir);
	free(errors);
}

/* ---------------------------------------------------------------- review dates */

/* form-5.1 Pages and flows say when their facts were checked; forms_review
 * lists those older than the review period, and those without a date. */
static void
test_review_dates(void **state)
{
	char *dir, *errors = NULL, *out = NULL;
	struct forms *f = load_with(&dir, test_glossary, "    id = \"alpha\";\n",
	    "    id = \"alpha\";\n    checked = \"2025-11-30\";\n    checked_by = \"Anna\";\n", &errors);
	size_t n;

	(void)state;
	if (f == NULL)
		fail_msg("%s", errors ? errors : "");
	/* 4 pages, 3 flows, intake.conf and glossary.conf. */
	assert_int_equal(f->nreviews, 9);
	/* On 2026-11-30 alpha was checked 365 days ago: in time. The other six
	 * pages and flows and intake.conf have no date; the glossary is recent. */
	n = forms_review(f, 20261130, 365, &out);
	assert_int_equal(n, 7);
	assert_null(strstr(out, "\"alpha\""));
	assert_non_null(strstr(out, "\"beta\" does not say when its facts were checked"));
	assert_non_null(strstr(out, "\"intake.conf\" does not say"));
	assert_null(strstr(out, "glossary.conf"));
	free(out);
	out = NULL;
	/* One day later it is overdue, and the message names who checks it. */
	n = forms_review(f, 20261201, 365, &out);
	assert_int_equal(n, 8);
	assert_non_null(strstr(out, "warning: the facts of \"alpha\" were last checked on 2025-11-30, more than 365 days ago; who checks them: Anna"));
	free(out);
	out = NULL;
	/* A shorter review period from the site settings. */
	n = forms_review(f, 20261130, 20, &out);
	assert_int_equal(n, 9);
	free(out);
	forms_free(f);
	unit_rmtree(dir);
	free(dir);
	free(errors);
}

/* form-5.2 A section with an end date is shown up to and including that
 * day; then its replacement, or nothing. */
static void
test_section_until(void **state)
{
	char *dir, *errors = NULL, *out = NULL;
	struct forms *f = load_with(&dir, NULL,
	    "sections = ( { title = { nl = \"Wat\"; en = \"What\"; }; text = { nl = \"Zo.\"; en = \"So.\"; }; } );\n    check",
	    "sections = (\n"
	    "      { title = { nl = \"Wat\"; en = \"What\"; }; text = { nl = \"Zo.\"; en = \"So.\"; };\n"
	    "        until = \"2025-12-31\"; replacement = { nl = \"Voorbij.\"; en = \"Over.\"; }; },\n"
	    "      { title = { nl = \"Proef\"; en = \"Pilot\"; }; text = { nl = \"Nu.\"; en = \"Now.\"; };\n"
	    "        until = \"2026-06-30\"; }\n"
	    "    );\n    check", &errors);
	const struct page *p;

	(void)state;
	if (f == NULL)
		fail_msg("%s", errors ? errors : "");
	p = forms_page(f, "alpha");
	assert_int_equal(p->nsections, 2);
	assert_int_equal(p->sections[0].until, 20251231);
	assert_ptr_equal(section_shown(&p->sections[0], 20251231), &p->sections[0].body);
	assert_ptr_equal(section_shown(&p->sections[0], 20260101), &p->sections[0].replacement);
	assert_string_equal(section_shown(&p->sections[0], 20260101)->s[L_EN], "Over.");
	assert_ptr_equal(section_shown(&p->sections[1], 20260630), &p->sections[1].body);
	assert_null(section_shown(&p->sections[1], 20260701));
	/* A section without an end date is always shown. */
	assert_ptr_equal(section_shown(&forms_page(f, "beta")->sections[0], 29991231),
	    &forms_page(f, "beta")->sections[0].body);
	/* check-forms lists both ended sections on 2026-07-01, each by its
	 * title in the language of the messages. */
	i18n_set(L_EN);
	forms_review(f, 20260701, 365, &out);
	i18n_set(L_NL);
	assert_non_null(strstr(out, "warning: section \"What\" of page \"alpha\" ended on 2025-12-31: its replacement is shown"));
	assert_non_null(strstr(out, "warning: section \"Pilot\" of page \"alpha\" ended on 2026-06-30: it is no longer shown"));
	free(out);
	forms_free(f);
	unit_rmtree(dir);
	free(dir);
	free(errors);
}

/* form-5.3 Dates are real days written YYYY-MM-DD. */
static void
test_bad_dates(void **state)
{
	static const struct {
		const char *from, *to, *want;
	} dates[] = {
		{ "    id = \"alpha\";\n", "    id = \"alpha\";\n    checked = \"2026-02-30\";\n",
		  "\"checked\" must be a date written YYYY-MM-DD" },
		{ "    id = \"alpha\";\n", "    id = \"alpha\";\n    checked = \"30-11-2026\";\n",
		  "\"checked\" must be a date written YYYY-MM-DD" },
		{ "text = { nl = \"Zo.\"; en = \"So.\"; }; } );\n    check",
		  "text = { nl = \"Zo.\"; en = \"So.\"; }; until = \"2025-13-01\"; } );\n    check",
		  "\"until\" must be a date written YYYY-MM-DD" },
		{ "text = { nl = \"Zo.\"; en = \"So.\"; }; } );\n    check",
		  "text = { nl = \"Zo.\"; en = \"So.\"; }; replacement = { nl = \"A\"; en = \"B\"; }; } );\n    check",
		  "\"replacement\" goes with \"until\"" },
	};

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(dates); i++) {
		char *dir, *errors = NULL;
		struct forms *f = load_with(&dir, NULL, dates[i].from, dates[i].to, &errors);

		if (f != NULL || errors == NULL || strstr(errors, dates[i].want) == NULL ||
		    unit_count_lines(errors) != 1)
			fail_msg("case %zu: want one message \"%s\", got:\n%s", i, dates[i].want,
			    errors ? errors : "(none)");
		forms_free(f);
		unit_rmtree(dir);
		free(dir);
		free(errors);
	}
}

/* form-5.4 Every page and flow of the real forms, and each file, says when
 * its facts were checked and who checks them. */
static void
test_real_forms_dated(void **state)
{
	struct forms *f = unit_load_ok(unit_forms_dir());

	(void)state;
	assert_int_equal(f->nreviews, f->npages + f->nflows + 1 + (f->nglossary > 0) + (f->care != NULL) +
	    (f->plan != NULL) + (f->takehome != NULL));
	for (size_t i = 0; i < f->nreviews; i++) {
		if (f->reviews[i].checked == 0 || f->reviews[i].checked_by == NULL)
			fail_msg("%s:%d: \"%s\" has no checked date or no checked_by", f->reviews[i].file,
			    f->reviews[i].line, f->reviews[i].what);
	}
	assert_true(f->nglossary >= 12);
	forms_free(f);
}

int
main(void)
{
	/* The named tests, then one per broken form: counted, not numbered by
	 * hand (a hand count once let the broken forms overwrite a test). */
	static const struct CMUnitTest named[] = {
		cmocka_unit_test(test_glossary_find),
		cmocka_unit_test(test_glossary_close),
		cmocka_unit_test(test_glossary_unused),
		cmocka_unit_test(test_glossary_broken),
		cmocka_unit_test(test_review_dates),
		cmocka_unit_test(test_section_until),
		cmocka_unit_test(test_bad_dates),
		cmocka_unit_test(test_real_forms_dated),
		cmocka_unit_test(test_real_forms_load),
		cmocka_unit_test_setup_teardown(test_valid_forms, setup_valid, teardown_valid),
		cmocka_unit_test_setup_teardown(test_ids_resolve, setup_valid, teardown_valid),
		cmocka_unit_test(test_all_problems_reported),
		cmocka_unit_test(test_two_steps),
		cmocka_unit_test_setup_teardown(test_valid_check, setup_valid, teardown_valid),
		cmocka_unit_test_setup_teardown(test_check_at_least, setup_valid, teardown_valid),
	};

	struct CMUnitTest tests[UNIT_LEN(named) + UNIT_LEN(cases)];

	memcpy(tests, named, sizeof named);
	for (size_t i = 0; i < UNIT_LEN(cases); i++)
		tests[UNIT_LEN(named) + i] = (struct CMUnitTest){
			.name = cases[i].name, .test_func = test_broken,
			.initial_state = (void *)&cases[i],
		};
	return cmocka_run_group_tests_name("form", tests, NULL, NULL);
}
