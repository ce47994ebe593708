/* form_check.c: the checks across a loaded guide: every id a page or a
 * flow names exists, every flow ends, every question is reached. */
#include "form_int.h"

#include <stdlib.h>

#include "util.h"

/* Check that a flow's questions exist, are all reachable and never loop. */
static void
check_flow(struct loader *ld, const struct forms *f, const struct flow *fl)
{
	size_t n = fl->nquestions;
	int *state;

	if (fl->start != NULL && flow_question(fl, fl->start) == NULL)
		form_err(ld, fl->line, _("flow \"%s\": start question \"%s\" does not exist"), fl->id, fl->start);
	if (fl->fallback != NULL && forms_page(f, fl->fallback) == NULL)
		form_err(ld, fl->line, _("flow \"%s\": fallback page \"%s\" does not exist"), fl->id, fl->fallback);
	for (size_t i = 0; i < n; i++) {
		const struct question *q = &fl->questions[i];

		for (size_t j = i + 1; j < n; j++)
			if (q->id && str_eq(q->id, fl->questions[j].id))
				form_err(ld, fl->questions[j].line, _("flow \"%s\": two questions have the id \"%s\""), fl->id, q->id);
		for (size_t a = 0; a < q->nanswers; a++) {
			const struct answer *an = &q->answers[a];

			if (an->next != NULL && flow_question(fl, an->next) == NULL)
				form_err(ld, q->line, _("flow \"%s\", question \"%s\": next question \"%s\" does not exist"),
				    fl->id, q->id, an->next);
			for (size_t k = 0; k < an->nsuggest; k++)
				if (forms_page(f, an->suggest[k]) == NULL)
					form_err(ld, q->line, _("flow \"%s\", question \"%s\": suggested page \"%s\" does not exist"),
					    fl->id, q->id, an->suggest[k]);
		}
	}
	if (n == 0 || fl->start == NULL || flow_question(fl, fl->start) == NULL)
		return;
	/* Walk from the start: 1 = on the current path, 2 = done. A question met
	 * again on the current path is a loop; one never met is unreachable. */
	state = xcalloc(n, sizeof *state);
	size_t *stack = xcalloc(n + 1, sizeof *stack), *pos = xcalloc(n + 1, sizeof *pos), depth = 0;
	stack[0] = (size_t)(flow_question(fl, fl->start) - fl->questions);
	state[stack[0]] = 1;
	depth = 1;
	while (depth > 0) {
		const struct question *q = &fl->questions[stack[depth - 1]];
		size_t a = pos[depth - 1]++;

		if (a >= q->nanswers) {
			state[stack[depth - 1]] = 2;
			depth--;
			continue;
		}
		const struct question *nq = q->answers[a].next ? flow_question(fl, q->answers[a].next) : NULL;
		if (nq == NULL)
			continue;
		size_t k = (size_t)(nq - fl->questions);
		if (state[k] == 1) {
			form_err(ld, q->line, _("flow \"%s\": question \"%s\" can lead back to \"%s\"; a flow must always end"),
			    fl->id, q->id, nq->id);
		} else if (state[k] == 0 && depth < n) {
			state[k] = 1;
			stack[depth] = k;
			pos[depth] = 0;
			depth++;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (state[i] == 0 && fl->questions[i].id != NULL)
			form_err(ld, fl->questions[i].line, _("flow \"%s\": question \"%s\" is never reached"), fl->id, fl->questions[i].id);
	free(state);
	free(stack);
	free(pos);
}

void
form_check_guide(struct loader *ld, const struct forms *f)
{
	for (size_t i = 0; i < f->npages; i++) {
		const struct page *p = &f->pages[i];

		for (size_t j = i + 1; j < f->npages; j++)
			if (p->id && str_eq(p->id, f->pages[j].id))
				form_err(ld, f->pages[j].line, _("two pages have the id \"%s\""), p->id);
		if (p->id && forms_flow(f, p->id) != NULL)
			form_err(ld, p->line, _("a page and a flow have the same id \"%s\""), p->id);
		if (p->check != NULL && forms_flow(f, p->check) == NULL)
			form_err(ld, p->line, _("page \"%s\": check flow \"%s\" does not exist"), p->id, p->check);
	}
	for (size_t i = 0; i < f->nflows; i++) {
		for (size_t j = i + 1; j < f->nflows; j++)
			if (f->flows[i].id && str_eq(f->flows[i].id, f->flows[j].id))
				form_err(ld, f->flows[j].line, _("two flows have the id \"%s\""), f->flows[i].id);
		check_flow(ld, f, &f->flows[i]);
	}
}
