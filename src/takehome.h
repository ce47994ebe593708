/* takehome.h: what one visitor looked at, and the take-home summary made
 * from it: a list of paragraphs that the summary screen shows and the
 * printer gets. Pure logic, no I/O, no curses. */
#ifndef ZK_TAKEHOME_H
#define ZK_TAKEHOME_H

#include <stdbool.h>
#include <stddef.h>

#include "form.h"

#define VISIT_MAX 16

/* This visitor's way through the kiosk, in memory only; wiped with
 * everything else. Nothing of it is ever stored. */
struct visit {
	const struct page *pages[VISIT_MAX]; /* pages opened, each once */
	size_t npages;
	const struct flow *flow;             /* the last flow with a result */
	const struct page *sugg[VISIT_MAX];  /* what it suggested */
	size_t nsugg;
	const struct care_band *band;        /* the care check's result */
	const struct page *care_sugg[VISIT_MAX];
	size_t ncare_sugg;
	char **plan;                         /* plan answers ("" skipped), or NULL */
	size_t nplan;
	char ref[32];                        /* the request's reference, or "" */
};

/* Remember that page p was opened. */
void visit_page(struct visit *v, const struct page *p);
/* Remember the result of flow fl: its suggested pages. */
void visit_flow(struct visit *v, const struct flow *fl, const struct page *const *sugg, size_t n);
/* Remember the care check's band and the pages that fit the answers. */
void visit_care(struct visit *v, const struct care_band *b, const struct page *const *sugg, size_t n);
/* Remember the plan's answers (copies; n = its number of questions). */
void visit_plan(struct visit *v, char *const *answers, size_t n);
/* Wipe everything the visit holds. */
void visit_wipe(struct visit *v);

enum sheet_style { SHEET_TITLE, SHEET_HEADING, SHEET_TEXT };

/* One paragraph: UTF-8, '\n' starts a new one, "- " makes a bullet. */
struct sheet_par {
	enum sheet_style style;
	int indent;
	char *text;
};

struct sheet {
	struct sheet_par *pars;
	size_t n;
};

/* Add a paragraph (a copy of text). */
void sheet_add(struct sheet *s, enum sheet_style style, int indent, const char *text);
/* Free the paragraphs. Their text is wiped first: it may hold answers. */
void sheet_free(struct sheet *s);
/* The take-home summary of v in the current language: what was looked at,
 * next steps, the contacts, the reference. plan_only: the personal plan's
 * page (its purpose, what happens next, the answers) and its contacts. */
void takehome_build(const struct forms *f, const struct visit *v, bool plan_only, struct sheet *out);
/* The plan's page: what it is for, what happens next, and the answers. */
void takehome_plan(const struct plan *p, char *const *answers, struct sheet *out);

/* One printed line: UTF-8, bold for titles and headings. */
struct sheet_line {
	char *text;
	bool bold;
};

/* The sheet wrapped to lines of at most cols characters. Caller frees with
 * sheet_lines_free. */
size_t sheet_lines(const struct sheet *s, int cols, struct sheet_line **out);
void sheet_lines_free(struct sheet_line *l, size_t n);

#endif
