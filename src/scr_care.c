/* scr_care.c: "How are you doing?": a few questions about the caregiver,
 * one at a time, and the band their points add up to, with the next steps.
 * The answers stay in this screen: only the band goes to the take-home
 * page, and to a request when the caregiver adds it there. */
#include "screen.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

enum { ID_ANSWER = 1, ID_SUGGEST = 100 };

struct care_view {
	const struct care_check *c;
	size_t asked;           /* questions answered so far */
	size_t answers[9];      /* the answer given to each */
	const struct page *sugg[VISIT_MAX];
	size_t nsugg;
};

static const char *
care_title(struct screen *s)
{
	return tr(&((struct care_view *)s->data)->c->title);
}

static const struct care_band *
result(const struct care_view *v)
{
	return care_result(v->c, v->answers, v->asked);
}

static void
build_question(struct screen *s, struct doc *d)
{
	struct care_view *v = s->data;
	const struct care_question *q = &v->c->questions[v->asked];
	char *t;

	if (v->asked == 0 && v->c->intro.s[0] != NULL) {
		doc_text(d, tr(&v->c->intro), UI_NORMAL, 0);
		doc_blank(d);
	}
	/* L10N: above each question of "How are you doing?". */
	t = xasprintf(_("Question %zu of %zu"), v->asked + 1, v->c->nquestions);
	doc_text(d, t, UI_NORMAL, 0);
	free(t);
	doc_text(d, tr(&q->ask), UI_HEADING, 0);
	if (q->help.s[0] != NULL)
		doc_text(d, tr(&q->help), UI_NORMAL, 0);
	doc_blank(d);
	for (size_t i = 0; i < q->nanswers; i++)
		doc_button(d, ID_ANSWER + (int)i, ID_ANSWER + (int)i, (char)('1' + i), tr(&q->answers[i].label));
	doc_blank(d);
	doc_button(d, ID_BACK, ID_BACK, '0', v->asked > 0 ? _("Back to the previous question") : _("Back"));
}

static void
talk_button(struct doc *d, char *key)
{
	doc_button(d, ID_REQUEST, ID_REQUEST, *key, _("Ask a carers' adviser to get in touch"));
	(*key)++;
}

static void
build_result(struct screen *s, struct doc *d)
{
	struct care_view *v = s->data;
	const struct care_band *b = result(v);
	char key = '1', *t;

	if (b == NULL) /* check-forms makes sure this cannot happen */
		return;
	/* L10N: the result of "How are you doing?"; %s is e.g. "Heavy". */
	t = xasprintf(_("Your result: %s"), tr(&b->title));
	doc_text(d, t, UI_HEADING, 0);
	free(t);
	doc_text(d, tr(&b->text), UI_NORMAL, 0);
	doc_blank(d);
	doc_text(d, _("What you can do now"), UI_HEADING, 0);
	doc_text(d, tr(&v->c->steps), UI_NORMAL, 0);
	doc_blank(d);
	if (b->talk_first)
		talk_button(d, &key);
	for (size_t i = 0; i < v->nsugg; i++, key++)
		doc_button(d, ID_SUGGEST + (int)i, ID_SUGGEST + (int)i, key <= '9' ? key : 0,
		    tr(&v->sugg[i]->title));
	if (!b->talk_first)
		talk_button(d, &key);
	doc_button(d, ID_TAKEHOME, ID_TAKEHOME, key <= '9' ? key : 0, _("Take this home with you"));
	doc_blank(d);
	doc_text(d, tr(&v->c->note), UI_NORMAL, 0);
	doc_blank(d);
	doc_button(d, ID_MENU, ID_MENU, 0, _("To the main menu"));
	doc_button(d, ID_BACK, ID_BACK, '0', _("Back to the previous question"));
}

static void
care_build(struct screen *s, struct doc *d)
{
	struct care_view *v = s->data;

	if (v->asked < v->c->nquestions)
		build_question(s, d);
	else
		build_result(s, d);
}

/* At the end: the pages that fit the answers, and the visit's result. */
static void
settle(struct screen *s)
{
	struct care_view *v = s->data;
	const struct forms *f = s->app->forms;

	v->nsugg = 0;
	s->scroll = 0;
	s->follow = true;
	s->focus = ID_ANSWER;
	if (v->asked < v->c->nquestions)
		return;
	for (size_t p = 0; p < f->npages; p++)
		for (size_t i = 0; i < v->asked; i++) {
			const struct care_answer *a = &v->c->questions[i].answers[v->answers[i]];
			bool fits = false;

			for (size_t k = 0; k < a->nsuggest; k++)
				fits = fits || str_eq(a->suggest[k], f->pages[p].id);
			for (size_t k = 0; fits && k < v->nsugg; k++)
				fits = v->sugg[k] != &f->pages[p];
			if (fits && v->nsugg < VISIT_MAX)
				v->sugg[v->nsugg++] = &f->pages[p];
		}
	visit_care(&s->app->visit, result(v), v->sugg, v->nsugg);
	/* A new result is added to a request only when ticked again. */
	if (s->app->has_intake)
		explicit_bzero(s->app->intake.care, sizeof s->app->intake.care);
	s->focus = result(v) != NULL && result(v)->talk_first ? ID_REQUEST : (v->nsugg > 0 ? ID_SUGGEST : ID_REQUEST);
	/* The result is read from its top. */
	s->top = true;
}

static void
care_back(struct screen *s)
{
	struct care_view *v = s->data;

	if (v->asked == 0) {
		app_pop(s->app);
		return;
	}
	v->asked--;
	settle(s);
}

static void
request(struct screen *s)
{
	struct care_view *v = s->data;
	char *list = xstrdup("");

	for (size_t i = 0; i < v->c->nrequest; i++) {
		char *t = xasprintf("%s%s%s", list, *list ? "," : "", v->c->request[i]);

		free(list);
		list = t;
	}
	app_request(s->app, list);
	free(list);
}

static void
care_activate(struct screen *s, int id)
{
	struct care_view *v = s->data;

	if (id == ID_BACK)
		care_back(s);
	else if (id == ID_MENU)
		app_to_menu(s->app);
	else if (v->asked >= v->c->nquestions && id == ID_REQUEST)
		request(s);
	else if (v->asked >= v->c->nquestions && id == ID_TAKEHOME)
		app_push(s->app, scr_takehome_new(s->app, false));
	else if (v->asked >= v->c->nquestions && id >= ID_SUGGEST && (size_t)(id - ID_SUGGEST) < v->nsugg)
		app_push(s->app, scr_page_new(s->app, v->sugg[id - ID_SUGGEST]));
	else if (v->asked < v->c->nquestions && id >= ID_ANSWER &&
	    (size_t)(id - ID_ANSWER) < v->c->questions[v->asked].nanswers) {
		v->answers[v->asked++] = (size_t)(id - ID_ANSWER);
		settle(s);
	}
}

static const char *
care_help(struct screen *s)
{
	(void)s;
	return _("Answer one question at a time about yourself: choose the answer that is closest. At the end you see a result and what you can do. Your answers are not stored.");
}

static void
care_free(struct screen *s)
{
	struct care_view *v = s->data;

	explicit_bzero(v, sizeof *v);
	free(v);
}

static const struct screen_ops care_ops = {
	.title = care_title,
	.build = care_build,
	.activate = care_activate,
	.back = care_back,
	.help = care_help,
	.free = care_free,
	.menu = true,
};

struct screen *
scr_care_new(struct app *a, const struct care_check *c)
{
	struct care_view *v = xcalloc(1, sizeof *v);
	struct screen *s;

	v->c = c;
	s = screen_new(a, &care_ops, v, ID_ANSWER);
	settle(s);
	return s;
}
