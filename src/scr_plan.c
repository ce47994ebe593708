/* scr_plan.c: the personal plan for a Wmo report: one guided question at a
 * time, each with an example and a way to skip it, then the plan as one
 * page. Nothing of it is stored: the answers live in memory until the
 * wipe, like every other answer. */
#include "screen.h"

#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "edit.h"
#include "util.h"

enum { ID_INPUT = 1, ID_NEXT, ID_SKIP, ID_CHANGE };

struct plan_view {
	const struct plan *p;
	size_t q;         /* the question shown; nquestions: the plan's page */
	char **answers;   /* one per question, never NULL */
	size_t cursor;
};

static const char *
plan_title(struct screen *s)
{
	return tr(&((struct plan_view *)s->data)->p->title);
}

static void
build_question(struct screen *s, struct doc *d)
{
	struct plan_view *v = s->data;
	const struct plan_question *q = &v->p->questions[v->q];
	char *t;

	if (v->q == 0) {
		doc_text(d, tr(&v->p->intro), UI_NORMAL, 0);
		doc_blank(d);
	}
	/* L10N: above each question of the personal plan. */
	t = xasprintf(_("Question %zu of %zu"), v->q + 1, v->p->nquestions);
	doc_text(d, t, UI_NORMAL, 0);
	free(t);
	doc_text(d, tr(&q->ask), UI_HEADING, 0);
	/* L10N: before the example answer of a plan question. */
	t = xasprintf(_("For example: %s"), tr(&q->example));
	doc_text(d, t, UI_NORMAL, 2);
	free(t);
	doc_input(d, ID_INPUT, ID_INPUT, v->answers[v->q], v->cursor, 3);
	doc_blank(d);
	doc_button(d, ID_NEXT, ID_NEXT, 0, v->q + 1 < v->p->nquestions ? _("Next question") : _("Show my plan"));
	doc_button(d, ID_SKIP, ID_SKIP, 0, _("Skip this question"));
	doc_button(d, ID_BACK, ID_BACK, 0, v->q > 0 ? _("Back to the previous question") : _("Back"));
}

static void
build_page(struct screen *s, struct doc *d)
{
	struct plan_view *v = s->data;
	struct sheet sh = { 0 };

	takehome_plan(v->p, v->answers, &sh);
	doc_sheet(d, &sh);
	sheet_free(&sh);
	doc_blank(d);
	doc_text(d, _("This plan is not stored. It is wiped when you finish."), UI_NORMAL, 0);
	doc_blank(d);
	doc_button(d, ID_TAKEHOME, ID_TAKEHOME, '1', _("Take this home with you"));
	doc_button(d, ID_CHANGE, ID_CHANGE, '2', _("Change my answers"));
	doc_button(d, ID_MENU, ID_MENU, '3', _("To the main menu"));
	doc_button(d, ID_BACK, ID_BACK, '0', _("Back"));
}

static void
plan_build(struct screen *s, struct doc *d)
{
	struct plan_view *v = s->data;

	if (v->q < v->p->nquestions)
		build_question(s, d);
	else
		build_page(s, d);
}

static void
go_to(struct screen *s, size_t q)
{
	struct plan_view *v = s->data;

	v->q = q;
	v->cursor = q < v->p->nquestions ? charset_utf8_len(v->answers[q]) : 0;
	s->scroll = 0;
	s->follow = true;
	s->focus = q < v->p->nquestions ? ID_INPUT : ID_TAKEHOME;
	if (q >= v->p->nquestions) {
		visit_plan(&s->app->visit, v->answers, v->p->nquestions);
		s->top = true; /* the page is read from its top */
	}
}

static void
plan_back(struct screen *s)
{
	struct plan_view *v = s->data;

	if (v->q == 0)
		app_pop(s->app);
	else
		go_to(s, v->q - 1);
}

static void
plan_activate(struct screen *s, int id)
{
	struct plan_view *v = s->data;

	switch (id) {
	case ID_BACK:
		plan_back(s);
		break;
	case ID_NEXT:
		go_to(s, v->q + 1);
		break;
	case ID_SKIP:
		/* Skipped: whatever was typed here goes. */
		explicit_bzero(v->answers[v->q], strlen(v->answers[v->q]));
		free(v->answers[v->q]);
		v->answers[v->q] = xstrdup("");
		go_to(s, v->q + 1);
		break;
	case ID_CHANGE:
		go_to(s, 0);
		break;
	case ID_MENU:
		app_to_menu(s->app);
		break;
	case ID_TAKEHOME:
		app_push(s->app, scr_takehome_new(s->app, true));
		break;
	}
}

static bool
plan_key(struct screen *s, const struct ui_key *k)
{
	struct plan_view *v = s->data;

	if (v->q >= v->p->nquestions || s->focus != ID_INPUT)
		return false;
	s->follow = true;
	enum edit_result r = edit_key(&v->answers[v->q], &v->cursor, v->p->questions[v->q].max, true, k);

	switch (r) {
	case EDIT_IGNORED:
		return false;
	case EDIT_FULL:
	case EDIT_BADKEY:
		app_edit_notice(s->app, r == EDIT_FULL, v->p->questions[v->q].max);
		return true;
	case EDIT_CHANGED:
	case EDIT_MOVED:
	case EDIT_DROPPED:
	case EDIT_ENTER:
		break;
	}
	return true;
}

static void
plan_set_text(struct screen *s, int id, const char *text)
{
	struct plan_view *v = s->data;

	if (id != ID_INPUT || v->q >= v->p->nquestions)
		return;
	if (charset_utf8_len(text) > (size_t)v->p->questions[v->q].max) {
		app_edit_notice(s->app, true, v->p->questions[v->q].max);
		return;
	}
	explicit_bzero(v->answers[v->q], strlen(v->answers[v->q]));
	free(v->answers[v->q]);
	v->answers[v->q] = xstrdup(text);
	v->cursor = charset_utf8_len(text);
	s->focus = ID_NEXT;
}

static const char *
plan_help(struct screen *s)
{
	(void)s;
	return _("Type your answer in your own words, or choose \"Skip this question\". At the end you see your plan as one page. It is not stored.");
}

static void
plan_free(struct screen *s)
{
	struct plan_view *v = s->data;

	for (size_t i = 0; i < v->p->nquestions; i++) {
		explicit_bzero(v->answers[i], strlen(v->answers[i]));
		free(v->answers[i]);
	}
	free(v->answers);
	free(v);
}

static const struct screen_ops plan_ops = {
	.title = plan_title,
	.build = plan_build,
	.activate = plan_activate,
	.key = plan_key,
	.set_text = plan_set_text,
	.back = plan_back,
	.help = plan_help,
	.free = plan_free,
};

struct screen *
scr_plan_new(struct app *a, const struct plan *p)
{
	struct plan_view *v = xcalloc(1, sizeof *v);

	v->p = p;
	v->answers = xcalloc(p->nquestions ? p->nquestions : 1, sizeof *v->answers);
	/* Answers made earlier in this visit come back, to change them. */
	for (size_t i = 0; i < p->nquestions; i++)
		v->answers[i] = xstrdup(a->visit.plan != NULL && i < a->visit.nplan ? a->visit.plan[i] : "");
	v->cursor = charset_utf8_len(v->answers[0] ? v->answers[0] : "");
	return screen_new(a, &plan_ops, v, p->nquestions > 0 ? ID_INPUT : ID_TAKEHOME);
}
