/* test_guide.c: date windows and walking a flow (guide.c), on the flows of
 * tests/unit/data/valid/guide.conf, and every path of the real forms. */
#include "unit.h"

#include "guide.h"
#include "i18n.h"

/* Dutch and English: the first two languages of every table. */
enum { L_NL, L_EN };

static struct forms *forms;
static const struct flow *check, *winter;
static const struct question *window, *need, *more, *season, *ask;

static int
group_setup(void **state)
{
	(void)state;
	forms = unit_load_valid();
	check = forms_flow(forms, "check");
	winter = forms_flow(forms, "winter");
	if (check == NULL || winter == NULL)
		return -1;
	window = flow_question(check, "window");
	need = flow_question(check, "need");
	more = flow_question(check, "more");
	season = flow_question(winter, "season");
	ask = flow_question(winter, "ask");
	i18n_set(L_EN);
	return window && need && more && season && ask ? 0 : -1;
}

static int
group_teardown(void **state)
{
	(void)state;
	forms_free(forms);
	return 0;
}

static struct day
D(int y, int m, int d)
{
	return (struct day){ y, m, d };
}

/* ------------------------------------------------------------ date windows */

static void
test_window_open(void **state)
{
	static const struct {
		const char *name, *q;
		struct day day;
		bool open;
	} cases[] = {
		/* window: 04-01 .. 11-10, both included */
		{ "window-1.1", "window", { 2026, 4, 1 }, true },
		{ "window-1.2", "window", { 2026, 11, 10 }, true },
		{ "window-1.3", "window", { 2026, 3, 31 }, false },
		{ "window-1.4", "window", { 2026, 11, 11 }, false },
		{ "window-1.5", "window", { 2026, 7, 15 }, true },
		{ "window-1.6", "window", { 2026, 1, 1 }, false },
		{ "window-1.7", "window", { 2026, 12, 31 }, false },
		{ "window-1.8", "window", { 2026, 4, 30 }, true },
		{ "window-1.9", "window", { 2026, 10, 31 }, true },
		/* season: 12-01 .. 02-28, over New Year */
		{ "window-2.1", "season", { 2026, 12, 1 }, true },
		{ "window-2.2", "season", { 2026, 12, 31 }, true },
		{ "window-2.3", "season", { 2027, 1, 1 }, true },
		{ "window-2.4", "season", { 2027, 2, 28 }, true },
		{ "window-2.5", "season", { 2028, 2, 29 }, false },
		{ "window-2.6", "season", { 2027, 3, 1 }, false },
		{ "window-2.7", "season", { 2026, 11, 30 }, false },
		{ "window-2.8", "season", { 2026, 6, 15 }, false },
	};
	int bad = 0;

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(cases); i++) {
		const struct question *q = str_eq(cases[i].q, "window") ? window : season;
		bool got = guide_window_open(q, cases[i].day);

		if (got != cases[i].open) {
			print_error("%s: %s on %04d-%02d-%02d is %s, want %s\n", cases[i].name, cases[i].q,
			    cases[i].day.year, cases[i].day.month, cases[i].day.day,
			    got ? "open" : "closed", cases[i].open ? "open" : "closed");
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void
test_window_dates(void **state)
{
	static const struct {
		const char *name, *q;
		struct day today, from, until;
	} cases[] = {
		/* In the window: this year's. */
		{ "dates-1.1", "window", { 2026, 5, 1 }, { 2026, 4, 1 }, { 2026, 11, 10 } },
		{ "dates-1.2", "window", { 2026, 4, 1 }, { 2026, 4, 1 }, { 2026, 11, 10 } },
		{ "dates-1.3", "window", { 2026, 11, 10 }, { 2026, 4, 1 }, { 2026, 11, 10 } },
		/* Before it: this year's is the next one. */
		{ "dates-1.4", "window", { 2026, 1, 10 }, { 2026, 4, 1 }, { 2026, 11, 10 } },
		{ "dates-1.5", "window", { 2026, 3, 31 }, { 2026, 4, 1 }, { 2026, 11, 10 } },
		/* After 10 November: next year's. */
		{ "dates-1.6", "window", { 2026, 11, 11 }, { 2027, 4, 1 }, { 2027, 11, 10 } },
		{ "dates-1.7", "window", { 2026, 12, 31 }, { 2027, 4, 1 }, { 2027, 11, 10 } },
		/* Over New Year: the window that started last December... */
		{ "dates-2.1", "season", { 2027, 1, 15 }, { 2026, 12, 1 }, { 2027, 2, 28 } },
		{ "dates-2.2", "season", { 2027, 2, 28 }, { 2026, 12, 1 }, { 2027, 2, 28 } },
		/* ...or the one that started this December... */
		{ "dates-2.3", "season", { 2026, 12, 1 }, { 2026, 12, 1 }, { 2027, 2, 28 } },
		{ "dates-2.4", "season", { 2026, 12, 31 }, { 2026, 12, 1 }, { 2027, 2, 28 } },
		/* ...or, between windows, the next one. */
		{ "dates-2.5", "season", { 2027, 3, 1 }, { 2027, 12, 1 }, { 2028, 2, 28 } },
		{ "dates-2.6", "season", { 2026, 6, 1 }, { 2026, 12, 1 }, { 2027, 2, 28 } },
	};
	int bad = 0;

	(void)state;
	for (size_t i = 0; i < UNIT_LEN(cases); i++) {
		const struct question *q = str_eq(cases[i].q, "window") ? window : season;
		struct day from = { 0, 0, 0 }, until = { 0, 0, 0 };

		guide_window(q, cases[i].today, &from, &until);
		if (memcmp(&from, &cases[i].from, sizeof from) != 0 ||
		    memcmp(&until, &cases[i].until, sizeof until) != 0) {
			print_error("%s: %s on %04d-%02d-%02d gave %04d-%02d-%02d .. %04d-%02d-%02d, "
			    "want %04d-%02d-%02d .. %04d-%02d-%02d\n", cases[i].name, cases[i].q,
			    cases[i].today.year, cases[i].today.month, cases[i].today.day,
			    from.year, from.month, from.day, until.year, until.month, until.day,
			    cases[i].from.year, cases[i].from.month, cases[i].from.day,
			    cases[i].until.year, cases[i].until.month, cases[i].until.day);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void
test_today(void **state)
{
	struct day d = guide_today();

	(void)state;
	assert_in_range(d.year, 2024, 2200);
	assert_in_range(d.month, 1, 12);
	assert_in_range(d.day, 1, 31);
}

/* ------------------------------------------------------------ walking a flow */

static void
test_start_answers_date(void **state)
{
	struct flow_run r;

	(void)state;
	/* Open on 1 May: the date question is answered "open" and not asked. */
	flow_run_start(&r, forms, check, D(2026, 5, 1));
	assert_ptr_equal(r.forms, forms);
	assert_ptr_equal(r.flow, check);
	assert_ptr_equal(r.current, need);
	assert_int_equal(r.nsteps, 1);
	assert_ptr_equal(r.steps[0].q, window);
	assert_int_equal(r.steps[0].answer, 0);
	assert_int_equal(flow_run_asked(&r), 0);
	flow_run_free(&r);
	assert_null(r.steps);
	assert_int_equal(r.nsteps, 0);

	/* Closed on 11 November: the "closed" branch, same next question. */
	flow_run_start(&r, forms, check, D(2026, 11, 11));
	assert_ptr_equal(r.current, need);
	assert_int_equal(r.nsteps, 1);
	assert_int_equal(r.steps[0].answer, 1);
	flow_run_free(&r);

	/* winter in season: the date question ends the flow at once. */
	flow_run_start(&r, forms, winter, D(2026, 12, 24));
	assert_null(r.current);
	assert_int_equal(r.nsteps, 1);
	assert_int_equal(r.steps[0].answer, 0);
	assert_int_equal(flow_run_asked(&r), 0);
	flow_run_free(&r);

	/* winter out of season: on to the first real question. */
	flow_run_start(&r, forms, winter, D(2026, 6, 1));
	assert_ptr_equal(r.current, ask);
	assert_int_equal(r.steps[0].answer, 1);
	flow_run_free(&r);
}

static void
test_answer_back_asked(void **state)
{
	struct flow_run r;

	(void)state;
	flow_run_start(&r, forms, check, D(2026, 5, 1));

	/* An answer that does not exist changes nothing. */
	flow_run_answer(&r, 3);
	assert_ptr_equal(r.current, need);
	assert_int_equal(r.nsteps, 1);

	flow_run_answer(&r, 1);
	assert_ptr_equal(r.current, more);
	assert_int_equal(flow_run_asked(&r), 1);
	assert_int_equal(r.nsteps, 2);
	assert_ptr_equal(r.steps[1].q, need);
	assert_int_equal(r.steps[1].answer, 1);

	flow_run_answer(&r, 0); /* "more" answer 0 ends the flow */
	assert_null(r.current);
	assert_int_equal(flow_run_asked(&r), 2);

	/* Answering after the end changes nothing. */
	flow_run_answer(&r, 0);
	assert_null(r.current);
	assert_int_equal(flow_run_asked(&r), 2);

	/* Back from the end: to the last question asked. */
	assert_true(flow_run_back(&r));
	assert_ptr_equal(r.current, more);
	assert_int_equal(flow_run_asked(&r), 1);
	assert_true(flow_run_back(&r));
	assert_ptr_equal(r.current, need);
	assert_int_equal(flow_run_asked(&r), 0);
	/* The date step is kept while need is shown: {from} still works. */
	assert_int_equal(r.nsteps, 1);
	assert_ptr_equal(r.steps[0].q, window);

	/* A different way forward after Back. */
	flow_run_answer(&r, 2); /* "Nothing": ends at once */
	assert_null(r.current);
	assert_int_equal(flow_run_asked(&r), 1);
	assert_true(flow_run_back(&r));
	assert_ptr_equal(r.current, need);

	/* Nothing before the first question. */
	assert_false(flow_run_back(&r));
	assert_int_equal(flow_run_asked(&r), 0);
	flow_run_free(&r);
}

/* Back over a date question in the middle of a flow goes to the question
 * asked before it; Back to the first question asked keeps a leading date. */
static void
test_back_over_date(void **state)
{
	const struct flow *middle = forms_flow(forms, "middle");
	const struct question *first = flow_question(middle, "first"), *when = flow_question(middle, "when"),
	    *last = flow_question(middle, "last");
	struct flow_run r;

	(void)state;
	flow_run_start(&r, forms, middle, D(2026, 12, 1));
	assert_ptr_equal(r.current, first);
	assert_int_equal(r.nsteps, 0);
	flow_run_answer(&r, 1);
	/* "when" is answered on the way: closed in December. */
	assert_ptr_equal(r.current, last);
	assert_int_equal(r.nsteps, 2);
	assert_ptr_equal(r.steps[1].q, when);
	assert_int_equal(r.steps[1].answer, 1);
	assert_int_equal(flow_run_asked(&r), 1);
	assert_true(flow_run_back(&r));
	assert_ptr_equal(r.current, first);
	assert_int_equal(r.nsteps, 0);
	assert_int_equal(flow_run_asked(&r), 0);
	assert_false(flow_run_back(&r));
	flow_run_free(&r);

	flow_run_start(&r, forms, winter, D(2026, 6, 1));
	assert_ptr_equal(r.current, ask);
	flow_run_answer(&r, 1);
	assert_null(r.current);
	assert_int_equal(flow_run_asked(&r), 1);
	assert_int_equal(r.nsteps, 2);
	assert_true(flow_run_back(&r));
	assert_ptr_equal(r.current, ask);
	assert_int_equal(r.nsteps, 1);
	assert_ptr_equal(r.steps[0].q, season);
	assert_false(flow_run_back(&r));
	flow_run_free(&r);
}

/* ------------------------------------------------------------ suggestions */

static void
test_suggestions_order_and_dedup(void **state)
{
	const struct page *alpha = forms_page(forms, "alpha"), *beta = forms_page(forms, "beta"),
	    *gamma = forms_page(forms, "gamma");
	struct suggestion *s;
	struct flow_run r;
	size_t n;

	(void)state;
	flow_run_start(&r, forms, check, D(2026, 5, 1));
	flow_run_answer(&r, 0); /* suggests gamma, alpha, beta: why W1 */

	/* While the flow runs, what was suggested so far. */
	n = flow_run_suggestions(&r, &s);
	assert_int_equal(n, 3);
	free(s);

	flow_run_answer(&r, 0); /* suggests alpha again: why W2 */
	assert_null(r.current);
	n = flow_run_suggestions(&r, &s);
	/* Menu order (beta, check, alpha, help), then pages not in the menu
	 * in file order (gamma); each page once. */
	assert_int_equal(n, 3);
	assert_ptr_equal(s[0].page, beta);
	assert_ptr_equal(s[1].page, alpha);
	assert_ptr_equal(s[2].page, gamma);
	/* Each page keeps every distinct reason, in the order met. */
	assert_int_equal(s[0].nwhy, 1);
	assert_ptr_equal(s[0].why[0], &need->answers[0].why);
	assert_int_equal(s[1].nwhy, 2);
	assert_ptr_equal(s[1].why[0], &need->answers[0].why);
	assert_ptr_equal(s[1].why[1], &more->answers[0].why);
	assert_int_equal(s[2].nwhy, 1);
	free(s);
	flow_run_free(&r);
}

static void
test_suggestions_fallback(void **state)
{
	static struct suggestion dummy;
	const struct page *help = forms_page(forms, "help"), *beta = forms_page(forms, "beta");
	struct suggestion *s;
	struct flow_run r;
	size_t n;

	(void)state;
	/* Ended without a suggestion: the fallback page, without a reason. */
	flow_run_start(&r, forms, check, D(2026, 5, 1));
	flow_run_answer(&r, 1);
	flow_run_answer(&r, 1);
	assert_null(r.current);
	n = flow_run_suggestions(&r, &s);
	assert_int_equal(n, 1);
	assert_ptr_equal(s[0].page, help);
	assert_int_equal(s[0].nwhy, 0);
	free(s);
	flow_run_free(&r);

	/* Ended at the first question. */
	flow_run_start(&r, forms, check, D(2026, 5, 1));
	flow_run_answer(&r, 2);
	n = flow_run_suggestions(&r, &s);
	assert_int_equal(n, 1);
	assert_ptr_equal(s[0].page, help);
	free(s);
	flow_run_free(&r);

	/* Not ended yet and nothing suggested: nothing, not the fallback. */
	flow_run_start(&r, forms, check, D(2026, 5, 1));
	flow_run_answer(&r, 1);
	assert_non_null(r.current);
	s = &dummy; /* must be overwritten */
	n = flow_run_suggestions(&r, &s);
	assert_int_equal(n, 0);
	assert_null(s);
	flow_run_free(&r);

	/* Ended by the date question alone. */
	flow_run_start(&r, forms, winter, D(2027, 1, 1));
	n = flow_run_suggestions(&r, &s);
	assert_int_equal(n, 1);
	assert_ptr_equal(s[0].page, help);
	free(s);
	flow_run_free(&r);

	/* A suggestion without a why text has no reasons. */
	flow_run_start(&r, forms, winter, D(2026, 6, 1));
	flow_run_answer(&r, 0);
	n = flow_run_suggestions(&r, &s);
	assert_int_equal(n, 1);
	assert_ptr_equal(s[0].page, beta);
	assert_int_equal(s[0].nwhy, 0);
	free(s);
	flow_run_free(&r);
}

/* ------------------------------------------------------------ {from} and {until} */

static void
expect_expand(const struct flow_run *r, const struct text *t, const char *want)
{
	char *got = flow_run_expand(r, t);
	bool same = str_eq(got, want);

	if (!same)
		print_error("flow_run_expand(\"%s\") = \"%s\", want \"%s\"\n", tr(t), got, want);
	free(got);
	if (!same)
		fail();
}

static void
test_expand(void **state)
{
	struct text twice = { { (char *)"{from}|{from}|{until}", (char *)"{until} {from} {until}" } };
	struct text plain = { { (char *)"Geen datum.", (char *)"No date {here}." } };
	struct flow_run r;
	char *s;

	(void)state;
	i18n_set(L_EN);

	/* Open: this year's window. English month names are the msgids. */
	flow_run_start(&r, forms, check, D(2026, 5, 1));
	flow_run_answer(&r, 0);
	expect_expand(&r, &more->answers[0].result, "Open from 1 April 2026 to 10 November 2026.");
	expect_expand(&r, &twice, "10 November 2026 1 April 2026 10 November 2026");
	expect_expand(&r, &plain, "No date {here}.");
	/* The current language's text is used. */
	i18n_set(L_NL);
	s = flow_run_expand(&r, &more->answers[0].result);
	assert_non_null(strstr(s, "Open van 1 "));
	assert_non_null(strstr(s, " 2026 tot en met 10 "));
	assert_null(strstr(s, "{"));
	free(s);
	expect_expand(&r, &plain, "Geen datum.");
	i18n_set(L_EN);
	flow_run_free(&r);

	/* Closed after 10 November: next year's window. */
	flow_run_start(&r, forms, check, D(2026, 11, 11));
	expect_expand(&r, &window->answers[1].result, "Closed until 1 April 2027.");
	flow_run_free(&r);

	/* Closed before 1 April: this year's. */
	flow_run_start(&r, forms, check, D(2026, 2, 14));
	expect_expand(&r, &window->answers[1].result, "Closed until 1 April 2026.");
	flow_run_free(&r);

	/* Over New Year. */
	flow_run_start(&r, forms, winter, D(2027, 1, 15));
	expect_expand(&r, &season->answers[0].result, "From 1 December 2026 to 28 February 2027.");
	flow_run_free(&r);
	flow_run_start(&r, forms, winter, D(2026, 12, 1));
	expect_expand(&r, &season->answers[0].result, "From 1 December 2026 to 28 February 2027.");
	flow_run_free(&r);

	/* No date question met: the text is left as it is. */
	memset(&r, 0, sizeof r);
	r.forms = forms;
	r.flow = check;
	r.today = D(2026, 5, 1);
	expect_expand(&r, &twice, "{until} {from} {until}");
	/* An empty text gives an empty string. */
	{
		struct text empty = { { NULL, NULL } };

		expect_expand(&r, &empty, "");
	}
}

/* ------------------------------------------------------------ the real forms */

struct walk {
	size_t paths, max_asked;
	int bad;
};

static void
check_texts(struct walk *w, const struct flow_run *r, const struct text *t, const char *what)
{
	for (int l = 0; l < 2; l++) {
		char *s;

		if (t->s[l] == NULL)
			continue;
		i18n_set((lang_id)l);
		s = flow_run_expand(r, t);
		if (strstr(s, "{from}") != NULL || strstr(s, "{until}") != NULL) {
			print_error("flow \"%s\": %s (%s) keeps a placeholder: %s\n", r->flow->id, what,
			    i18n_code((lang_id)l), s);
			w->bad++;
		}
		free(s);
	}
	i18n_set(L_EN);
}

/* Try every answer of every question reachable from here. */
static void
walk(struct walk *w, struct flow_run *r, size_t depth)
{
	if (w->paths > 100000 || w->bad > 20)
		return;
	if (depth > r->flow->nquestions) {
		print_error("flow \"%s\": a path asks more questions than there are\n", r->flow->id);
		w->bad++;
		return;
	}
	if (r->current == NULL) {
		struct suggestion *s;
		size_t n = flow_run_suggestions(r, &s);

		w->paths++;
		if (flow_run_asked(r) > w->max_asked)
			w->max_asked = flow_run_asked(r);
		if (n == 0) {
			print_error("flow \"%s\": a path ends without any suggestion\n", r->flow->id);
			w->bad++;
		}
		for (size_t i = 0; i < n; i++)
			for (size_t k = 0; k < s[i].nwhy; k++)
				check_texts(w, r, s[i].why[k], "a why text");
		for (size_t i = 0; i < r->nsteps; i++)
			check_texts(w, r, &r->steps[i].q->answers[r->steps[i].answer].result, "a result text");
		free(s);
		return;
	}
	for (size_t a = 0; a < r->current->nanswers; a++) {
		const struct question *q = r->current;
		size_t nsteps = r->nsteps;

		flow_run_answer(r, a);
		walk(w, r, depth + 1);
		if (!flow_run_back(r) || r->current != q || r->nsteps != nsteps) {
			print_error("flow \"%s\": Back after question \"%s\" does not return to it\n",
			    r->flow->id, q->id);
			w->bad++;
			return;
		}
	}
}

static void
test_real_flows(void **state)
{
	static const struct day days[] = {
		{ 2026, 1, 15 }, { 2026, 4, 1 }, { 2026, 7, 1 }, { 2026, 11, 10 }, { 2026, 11, 11 },
		{ 2026, 12, 24 },
	};
	char *errors = NULL;
	struct forms *f = unit_load(unit_forms_dir(), &errors);
	struct walk w = { 0, 0, 0 };

	(void)state;
	if (f == NULL) {
		print_error("%s", errors ? errors : "");
		free(errors);
		fail_msg("the real forms do not load");
	}
	assert_true(f->nflows > 0);
	for (size_t i = 0; i < f->nflows; i++)
		for (size_t d = 0; d < UNIT_LEN(days); d++) {
			struct flow_run r;

			flow_run_start(&r, f, &f->flows[i], days[d]);
			walk(&w, &r, 0);
			flow_run_free(&r);
		}
	forms_free(f);
	assert_int_equal(w.bad, 0);
	assert_true(w.paths >= UNIT_LEN(days));
	assert_true(w.max_asked >= 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_open),
		cmocka_unit_test(test_window_dates),
		cmocka_unit_test(test_today),
		cmocka_unit_test(test_start_answers_date),
		cmocka_unit_test(test_answer_back_asked),
		cmocka_unit_test(test_back_over_date),
		cmocka_unit_test(test_suggestions_order_and_dedup),
		cmocka_unit_test(test_suggestions_fallback),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_real_flows),
	};

	return cmocka_run_group_tests_name("guide", tests, group_setup, group_teardown);
}
