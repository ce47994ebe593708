/* scr_flow.c: a flow of questions, one at a time, and what the answers add
 * up to: "Help me choose" and the checks on option pages. */
#include "screen.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

enum { ID_ANSWER = 1, ID_SUGGEST = 100 };

struct flow_view {
	struct flow_run run;
	const struct page *from; /* the page the check belongs to, or NULL */
	struct suggestion *sugg; /* at the end: the pages suggested */
	size_t nsugg;
};

static const char *
flow_title(struct screen *s)
{
	struct flow_view *v = s->data;

	return tr(&v->run.flow->title);
}

static void
build_question(struct screen *s, struct doc *d)
{
	struct flow_view *v = s->data;
	const struct question *q = v->run.current;

	if (flow_run_asked(&v->run) == 0 && v->run.flow->intro.s[0] != NULL) {
		doc_text(d, tr(&v->run.flow->intro), UI_NORMAL, 0);
		doc_blank(d);
	}
	doc_text(d, tr(&q->ask), UI_HEADING, 0);
	if (q->help.s[0] != NULL)
		doc_text(d, tr(&q->help), UI_NORMAL, 0);
	doc_blank(d);
	for (size_t i = 0; i < q->nanswers; i++)
		doc_button(d, ID_ANSWER + (int)i, ID_ANSWER + (int)i, (char)('1' + i), tr(&q->answers[i].label));
	doc_blank(d);
	doc_button(d, ID_BACK, ID_BACK, '0', flow_run_asked(&v->run) > 0 ? _("Back to the previous question") : _("Back"));
}

/* The personal plan the result leads to: a Wmo report is among the next
 * steps of a suggested page, or of the page the check belongs to. */
static const struct plan *
plan_of(struct screen *s)
{
	struct flow_view *v = s->data;
	const struct forms *f = s->app->forms;

	if (v->from != NULL && v->from->plan != NULL)
		return forms_plan(f, v->from->plan);
	for (size_t i = 0; i < v->nsugg; i++)
		if (v->sugg[i].page->plan != NULL)
			return forms_plan(f, v->sugg[i].page->plan);
	return NULL;
}

static void
build_result(struct screen *s, struct doc *d)
{
	struct flow_view *v = s->data;
	char key = '1';

	doc_text(d, _("What we found for you"), UI_HEADING, 0);
	doc_blank(d);
	for (size_t i = 0; i < v->run.nsteps; i++) {
		const struct answer *a = &v->run.steps[i].q->answers[v->run.steps[i].answer];
		char *t;

		if (a->result.s[0] == NULL)
			continue;
		t = flow_run_expand(&v->run, &a->result);
		doc_text(d, t, UI_NORMAL, 0);
		doc_blank(d);
		free(t);
	}
	doc_text(d, v->nsugg == 1 ? _("This may help you:") : _("These may help you:"), UI_HEADING, 0);
	for (size_t i = 0; i < v->nsugg; i++, key++) {
		doc_button(d, ID_SUGGEST + (int)i, ID_SUGGEST + (int)i, key <= '9' ? key : 0,
		    tr(&v->sugg[i].page->title));
		for (size_t w = 0; w < v->sugg[i].nwhy; w++) {
			char *t = flow_run_expand(&v->run, v->sugg[i].why[w]);

			doc_text(d, t, UI_NORMAL, 4);
			free(t);
		}
	}
	doc_blank(d);
	doc_button(d, ID_REQUEST, ID_REQUEST, key <= '9' ? key : 0, _("Ask us to get in touch"));
	key++;
	if (plan_of(s) != NULL) {
		doc_button(d, ID_PLAN, ID_PLAN, key <= '9' ? key : 0, _("Prepare your personal plan for the municipality"));
		key++;
	}
	if (v->run.flow->offer != NULL && forms_care(s->app->forms, v->run.flow->offer) != NULL) {
		/* L10N: at the end of "Help me choose"; %s is the check's title. */
		char *t = xasprintf(_("%s (a few questions about you)"),
		    tr(&forms_care(s->app->forms, v->run.flow->offer)->title));

		doc_button(d, ID_CARE, ID_CARE, key <= '9' ? key : 0, t);
		free(t);
		key++;
	}
	doc_button(d, ID_TAKEHOME, ID_TAKEHOME, key <= '9' ? key : 0, _("Take this home with you"));
	doc_button(d, ID_MENU, ID_MENU, 0, _("To the main menu"));
	doc_button(d, ID_BACK, ID_BACK, '0', _("Back to the previous question"));
}

static void
flow_build(struct screen *s, struct doc *d)
{
	struct flow_view *v = s->data;

	if (v->run.current != NULL)
		build_question(s, d);
	else
		build_result(s, d);
}

/* Recompute the suggestions after the flow ended. */
static void
settle(struct screen *s)
{
	struct flow_view *v = s->data;

	free(v->sugg);
	v->sugg = NULL;
	v->nsugg = 0;
	if (v->run.current == NULL) {
		const struct page *pages[VISIT_MAX];
		size_t n = 0;

		v->nsugg = flow_run_suggestions(&v->run, &v->sugg);
		for (size_t i = 0; i < v->nsugg && n < VISIT_MAX; i++)
			pages[n++] = v->sugg[i].page;
		visit_flow(&s->app->visit, v->run.flow, pages, n);
	}
	/* A question or the result opens at its top, where it starts. */
	s->scroll = 0;
	s->top = true;
	s->focus = v->run.current != NULL ? ID_ANSWER : (v->nsugg > 0 ? ID_SUGGEST : ID_REQUEST);
}

/* Page ids to tick in the intake form: the page of the check, and the
 * suggested pages. Caller frees. */
static char *
preticked(const struct flow_view *v)
{
	char *list = xstrdup(v->from ? v->from->id : "");

	for (size_t i = 0; i < v->nsugg; i++) {
		char *t = xasprintf("%s%s%s", list, *list ? "," : "", v->sugg[i].page->id);
		free(list);
		list = t;
	}
	return list;
}

static void
flow_back(struct screen *s)
{
	struct flow_view *v = s->data;

	if (!flow_run_back(&v->run)) {
		app_pop(s->app);
		return;
	}
	settle(s);
}

static void
flow_activate(struct screen *s, int id)
{
	struct flow_view *v = s->data;
	char *list;

	if (id == ID_BACK) {
		flow_back(s);
	} else if (id == ID_MENU) {
		app_to_menu(s->app);
	} else if (v->run.current == NULL && id == ID_TAKEHOME) {
		app_push(s->app, scr_takehome_new(s->app, false));
	} else if (v->run.current == NULL && id == ID_PLAN && plan_of(s) != NULL) {
		app_push(s->app, scr_plan_new(s->app, plan_of(s)));
	} else if (v->run.current == NULL && id == ID_CARE && v->run.flow->offer != NULL &&
	    forms_care(s->app->forms, v->run.flow->offer) != NULL) {
		app_push(s->app, scr_care_new(s->app, forms_care(s->app->forms, v->run.flow->offer)));
	} else if (id == ID_REQUEST) {
		list = preticked(v);
		app_request(s->app, list);
		free(list);
	} else if (v->run.current != NULL && id >= ID_ANSWER && (size_t)(id - ID_ANSWER) < v->run.current->nanswers) {
		flow_run_answer(&v->run, (size_t)(id - ID_ANSWER));
		settle(s);
	} else if (v->run.current == NULL && id >= ID_SUGGEST && (size_t)(id - ID_SUGGEST) < v->nsugg) {
		app_push(s->app, scr_page_new(s->app, v->sugg[id - ID_SUGGEST].page));
	}
}

static const char *
flow_help(struct screen *s)
{
	(void)s;
	return _("Answer one question at a time: choose the answer that comes closest. \"I don't know\" is fine too. At the end you see what may help you, and you can ask us to get in touch.");
}

static void
flow_free(struct screen *s)
{
	struct flow_view *v = s->data;

	flow_run_free(&v->run);
	free(v->sugg);
	free(v);
}

static const struct screen_ops flow_ops = {
	.title = flow_title,
	.build = flow_build,
	.activate = flow_activate,
	.back = flow_back,
	.help = flow_help,
	.free = flow_free,
	.menu = true,
};

struct screen *
scr_flow_new(struct app *a, const struct flow *fl, const struct page *from)
{
	struct flow_view *v = xcalloc(1, sizeof *v);
	struct screen *s;

	v->from = from;
	flow_run_start(&v->run, a->forms, fl, guide_today());
	s = screen_new(a, &flow_ops, v, ID_ANSWER);
	settle(s);
	return s;
}
