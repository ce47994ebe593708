/* guide.c: flow walking; see guide.h. */
#include "guide.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

struct day
guide_today(void)
{
	time_t now = time(NULL);
	struct tm tm;
	struct day d;

	localtime_r(&now, &tm);
	d.year = tm.tm_year + 1900;
	d.month = tm.tm_mon + 1;
	d.day = tm.tm_mday;
	return d;
}

static int
md(struct day d)
{
	return d.month * 100 + d.day;
}

bool
guide_window_open(const struct question *q, struct day day)
{
	int t = md(day);

	if (q->from_md <= q->until_md)
		return t >= q->from_md && t <= q->until_md;
	return t >= q->from_md || t <= q->until_md; /* a window over New Year */
}

void
guide_window(const struct question *q, struct day today, struct day *from, struct day *until)
{
	int y = today.year;
	bool wraps = q->from_md > q->until_md;

	if (wraps && md(today) <= q->until_md)
		y--; /* inside a window that started last year */
	else if (!wraps && md(today) > q->until_md)
		y++; /* this year's window has passed: the next one */
	from->year = y;
	from->month = q->from_md / 100;
	from->day = q->from_md % 100;
	until->year = wraps ? y + 1 : y;
	until->month = q->until_md / 100;
	until->day = q->until_md % 100;
}

static void
push(struct flow_run *r, const struct question *q, size_t answer)
{
	r->steps = xreallocarray(r->steps, r->nsteps + 1, sizeof *r->steps);
	r->steps[r->nsteps].q = q;
	r->steps[r->nsteps].answer = answer;
	r->nsteps++;
}

/* Move to question id (NULL ends the flow), answering date questions. */
static void
go(struct flow_run *r, const char *id)
{
	const struct question *q = id ? flow_question(r->flow, id) : NULL;

	/* The loader guarantees flows never loop, so this ends. */
	while (q != NULL && q->is_date) {
		size_t a = guide_window_open(q, r->today) ? 0 : 1;

		push(r, q, a);
		q = q->answers[a].next ? flow_question(r->flow, q->answers[a].next) : NULL;
	}
	r->current = q;
}

void
flow_run_start(struct flow_run *r, const struct forms *f, const struct flow *fl, struct day today)
{
	memset(r, 0, sizeof *r);
	r->forms = f;
	r->flow = fl;
	r->today = today;
	go(r, fl->start);
}

void
flow_run_answer(struct flow_run *r, size_t i)
{
	if (r->current == NULL || i >= r->current->nanswers)
		return;
	push(r, r->current, i);
	go(r, r->current->answers[i].next);
}

bool
flow_run_back(struct flow_run *r)
{
	/* Drop the automatic date steps, then the last asked question. */
	while (r->nsteps > 0) {
		const struct question *q = r->steps[--r->nsteps].q;

		if (!q->is_date) {
			r->current = q;
			return true;
		}
	}
	return false;
}

size_t
flow_run_asked(const struct flow_run *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nsteps; i++)
		n += !r->steps[i].q->is_date;
	return n;
}

void
flow_run_free(struct flow_run *r)
{
	free(r->steps);
	r->steps = NULL;
	r->nsteps = 0;
}

static void
suggest(struct suggestion **out, size_t *n, const struct page *p, const struct text *why)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*out)[i].page == p)
			break;
	if (i == *n) {
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		memset(&(*out)[i], 0, sizeof **out);
		(*out)[i].page = p;
		(*n)++;
	}
	if (why != NULL && why->s[0] != NULL && (*out)[i].nwhy < 16) {
		for (size_t k = 0; k < (*out)[i].nwhy; k++)
			if ((*out)[i].why[k] == why)
				return;
		(*out)[i].why[(*out)[i].nwhy++] = why;
	}
}

/* Position of p in the main menu, or past the end. */
static size_t
menu_rank(const struct forms *f, const struct page *p)
{
	for (size_t i = 0; i < f->nmenu; i++)
		if (f->menu[i].page == p)
			return i;
	return f->nmenu + (size_t)(p - f->pages);
}

size_t
flow_run_suggestions(const struct flow_run *r, struct suggestion **out)
{
	size_t n = 0;

	*out = NULL;
	for (size_t s = 0; s < r->nsteps; s++) {
		const struct answer *a = &r->steps[s].q->answers[r->steps[s].answer];

		for (size_t k = 0; k < a->nsuggest; k++) {
			const struct page *p = forms_page(r->forms, a->suggest[k]);

			if (p != NULL)
				suggest(out, &n, p, &a->why);
		}
	}
	if (n == 0 && r->current == NULL) {
		const struct page *p = forms_page(r->forms, r->flow->fallback);

		if (p != NULL)
			suggest(out, &n, p, NULL);
	}
	/* Insertion sort by menu position: a handful of items. */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && menu_rank(r->forms, (*out)[j].page) <
		    menu_rank(r->forms, (*out)[j - 1].page); j--) {
			struct suggestion t = (*out)[j];
			(*out)[j] = (*out)[j - 1];
			(*out)[j - 1] = t;
		}
	return n;
}

/* Replace every "{name}" in s by value. Frees s; caller frees the result. */
static char *
replace(char *s, const char *name, const char *value)
{
	char *at;

	while ((at = strstr(s, name)) != NULL) {
		char *t = xasprintf("%.*s%s%s", (int)(at - s), s, value, at + strlen(name));
		free(s);
		s = t;
	}
	return s;
}

char *
flow_run_expand(const struct flow_run *r, const struct text *t)
{
	char *s = xstrdup(tr(t));

	for (size_t i = r->nsteps; i-- > 0;) {
		if (r->steps[i].q->is_date) {
			struct day from, until;
			char *a, *b;

			guide_window(r->steps[i].q, r->today, &from, &until);
			a = i18n_date(from.year, from.month, from.day);
			b = i18n_date(until.year, until.month, until.day);
			s = replace(replace(s, "{from}", a), "{until}", b);
			free(a);
			free(b);
			break;
		}
	}
	return s;
}
