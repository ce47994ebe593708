/* guide.h: walking a flow of questions: date questions answered from today,
 * Back, and what the answers add up to. Pure logic, no I/O. */
#ifndef ZK_GUIDE_H
#define ZK_GUIDE_H

#include <stdbool.h>
#include <stddef.h>

#include "form.h"

/* A calendar day. */
struct day {
	int year, month, day;
};

/* One step taken: which answer was given to which question. */
struct step {
	const struct question *q;
	size_t answer;
};

/* A walk through a flow. */
struct flow_run {
	const struct forms *forms;
	const struct flow *flow;
	struct day today;
	struct step *steps;
	size_t nsteps;
	const struct question *current; /* NULL when the flow has ended */
};

/* A page the flow suggests, with the reasons met on the way. */
struct suggestion {
	const struct page *page;
	const struct text *why[16];
	size_t nwhy;
};

/* Today's date from the clock (local time). */
struct day guide_today(void);
/* Whether day lies in the window of date question q (both ends included). */
bool guide_window_open(const struct question *q, struct day day);
/* The current window of q, or the next one when today is past it. */
void guide_window(const struct question *q, struct day today, struct day *from, struct day *until);

/* Start a walk through fl on today; date questions are answered at once. */
void flow_run_start(struct flow_run *r, const struct forms *f, const struct flow *fl, struct day today);
/* Answer the current question with answer i. */
void flow_run_answer(struct flow_run *r, size_t i);
/* Go back to the previous asked question; false when there is none. */
bool flow_run_back(struct flow_run *r);
/* How many questions were asked (date questions are not asked). */
size_t flow_run_asked(const struct flow_run *r);
/* Release the run's memory. */
void flow_run_free(struct flow_run *r);
/* The pages suggested so far, in menu order then file order, each once;
 * the fallback page when the flow ended without any. Caller frees *out. */
size_t flow_run_suggestions(const struct flow_run *r, struct suggestion **out);
/* t in the current language with {from} and {until} filled in from the last
 * date question met. Caller frees. */
char *flow_run_expand(const struct flow_run *r, const struct text *t);

#endif
