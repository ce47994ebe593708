/* takehome.c: the visit, and the take-home summary built from it; see
 * takehome.h. */
#include "takehome.h"

#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "guide.h"
#include "text.h"
#include "util.h"

static void
add_page(const struct page **list, size_t *n, const struct page *p)
{
	for (size_t i = 0; i < *n; i++)
		if (list[i] == p)
			return;
	if (*n < VISIT_MAX)
		list[(*n)++] = p;
}

void
visit_page(struct visit *v, const struct page *p)
{
	add_page(v->pages, &v->npages, p);
}

void
visit_flow(struct visit *v, const struct flow *fl, const struct page *const *sugg, size_t n)
{
	v->flow = fl;
	v->nsugg = 0;
	for (size_t i = 0; i < n; i++)
		add_page(v->sugg, &v->nsugg, sugg[i]);
}

void
visit_care(struct visit *v, const struct care_band *b, const struct page *const *sugg, size_t n)
{
	v->band = b;
	v->ncare_sugg = 0;
	for (size_t i = 0; i < n; i++)
		add_page(v->care_sugg, &v->ncare_sugg, sugg[i]);
}

static void
wipe_answers(char **a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		explicit_bzero(a[i], strlen(a[i]));
		free(a[i]);
	}
	free(a);
}

void
visit_plan(struct visit *v, char *const *answers, size_t n)
{
	wipe_answers(v->plan, v->nplan);
	v->plan = xcalloc(n ? n : 1, sizeof *v->plan);
	v->nplan = n;
	for (size_t i = 0; i < n; i++)
		v->plan[i] = xstrdup(answers[i] ? answers[i] : "");
}

void
visit_wipe(struct visit *v)
{
	wipe_answers(v->plan, v->nplan);
	explicit_bzero(v, sizeof *v);
}

void
sheet_add(struct sheet *s, enum sheet_style style, int indent, const char *text)
{
	struct sheet_par *p;

	s->pars = xreallocarray(s->pars, s->n + 1, sizeof *s->pars);
	p = &s->pars[s->n++];
	p->style = style;
	p->indent = indent;
	p->text = xstrdup(text);
}

void
sheet_free(struct sheet *s)
{
	for (size_t i = 0; i < s->n; i++) {
		explicit_bzero(s->pars[i].text, strlen(s->pars[i].text));
		free(s->pars[i].text);
	}
	free(s->pars);
	s->pars = NULL;
	s->n = 0;
}

/* One line per contact: name, phone, place and time, as far as known. */
static void
add_contact(struct sheet *s, const struct contact *c)
{
	char *line = xasprintf("- %s", tr(&c->name)), *t;

	if (c->phone != NULL) {
		/* L10N: after a contact's name on the take-home page. */
		t = xasprintf(_("%s, phone %s"), line, c->phone);
		free(line);
		line = t;
	}
	if (c->place.s[0] != NULL) {
		t = xasprintf("%s. %s", line, tr(&c->place));
		free(line);
		line = t;
	}
	if (c->time.s[0] != NULL) {
		t = xasprintf("%s. %s", line, tr(&c->time));
		free(line);
		line = t;
	}
	sheet_add(s, SHEET_TEXT, 0, line);
	free(line);
}

/* Mark the contacts in ids as wanted (want has one flag per contact). */
static void
want_contacts(const struct forms *f, bool *want, char *const *ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t c = 0; c < f->takehome->ncontacts; c++)
			if (str_eq(f->takehome->contacts[c].id, ids[i]))
				want[c] = true;
}

static void
add_contacts(const struct forms *f, const bool *want, struct sheet *out)
{
	sheet_add(out, SHEET_HEADING, 0, _("Who can help you"));
	for (size_t c = 0; c < f->takehome->ncontacts; c++)
		if (want[c])
			add_contact(out, &f->takehome->contacts[c]);
}

void
takehome_plan(const struct plan *p, char *const *answers, struct sheet *out)
{
	sheet_add(out, SHEET_HEADING, 0, tr(&p->title));
	sheet_add(out, SHEET_TEXT, 0, tr(&p->purpose));
	sheet_add(out, SHEET_HEADING, 0, _("What happens next"));
	sheet_add(out, SHEET_TEXT, 0, tr(&p->next));
	sheet_add(out, SHEET_HEADING, 0, _("My answers"));
	for (size_t i = 0; i < p->nquestions; i++) {
		const char *a = answers != NULL && answers[i] != NULL ? answers[i] : "";

		sheet_add(out, SHEET_TEXT, 0, tr(&p->questions[i].ask));
		/* An empty line to write on, for a question that was skipped. */
		sheet_add(out, SHEET_TEXT, 4, *a ? a : _("(skipped: you can write your answer here)"));
	}
}

/* The pages to say something about: opened, then suggested, each once. */
static size_t
topics_of(const struct visit *v, const struct page **list)
{
	size_t n = 0;

	for (size_t i = 0; i < v->npages; i++)
		add_page(list, &n, v->pages[i]);
	for (size_t i = 0; i < v->nsugg; i++)
		add_page(list, &n, v->sugg[i]);
	for (size_t i = 0; i < v->ncare_sugg; i++)
		add_page(list, &n, v->care_sugg[i]);
	return n;
}

/* The sections of page p that topic tp names, as the page shows them
 * today: what the screen says and what the paper says are one text. */
static void
add_sections(const struct page *p, const struct topic *tp, struct day today, struct sheet *out)
{
	int date = today.year * 10000 + today.month * 100 + today.day;

	for (size_t i = 0; i < tp->nsections; i++) {
		const struct section *s = page_section(p, tp->sections[i]);
		const struct text *shown = s != NULL ? section_shown(s, date) : NULL;

		if (shown == NULL)
			continue;
		sheet_add(out, SHEET_TEXT, 0, tr(&s->title));
		sheet_add(out, SHEET_TEXT, 2, tr(shown));
	}
}

void
takehome_build(const struct forms *f, const struct visit *v, bool plan_only, struct sheet *out)
{
	const struct page *topics[3 * VISIT_MAX];
	size_t ntopics = plan_only ? 0 : topics_of(v, topics);
	bool *want = NULL;
	struct day today = guide_today();
	char *t, *date = i18n_date(today.year, today.month, today.day);

	if (f->takehome != NULL) {
		want = xcalloc(f->takehome->ncontacts + 1, sizeof *want);
		want_contacts(f, want, f->takehome->always, f->takehome->nalways);
		t = xasprintf("%s - %s", tr(&f->takehome->title), date);
		sheet_add(out, SHEET_TITLE, 0, t);
		free(t);
		sheet_add(out, SHEET_TEXT, 0, tr(&f->takehome->intro));
	} else {
		sheet_add(out, SHEET_TITLE, 0, date);
	}
	free(date);
	if (!plan_only && v->ref[0] != '\0') {
		sheet_add(out, SHEET_HEADING, 0, _("Your request"));
		/* L10N: %s is the reference number, e.g. MZ-2026-0042. */
		t = xasprintf(_("Your reference number: %s"), v->ref);
		sheet_add(out, SHEET_TEXT, 0, t);
		free(t);
		sheet_add(out, SHEET_TEXT, 0, tr(&f->done));
	}
	if (ntopics > 0 || (!plan_only && (v->band != NULL || v->plan != NULL))) {
		sheet_add(out, SHEET_HEADING, 0, _("What you looked at, and what fits you"));
		for (size_t i = 0; i < ntopics; i++) {
			t = xasprintf("- %s", tr(&topics[i]->title));
			sheet_add(out, SHEET_TEXT, 0, t);
			free(t);
		}
		if (!plan_only && v->band != NULL && f->care != NULL) {
			t = xasprintf("- %s", tr(&f->care->title));
			sheet_add(out, SHEET_TEXT, 0, t);
			free(t);
		}
		if (!plan_only && v->plan != NULL && f->plan != NULL) {
			t = xasprintf("- %s", tr(&f->plan->title));
			sheet_add(out, SHEET_TEXT, 0, t);
			free(t);
		}
	}
	for (size_t i = 0; i < ntopics; i++) {
		const struct topic *tp = forms_topic(f, topics[i]->id);

		if (tp == NULL)
			continue;
		/* L10N: a heading on the take-home page; %s is a page title. */
		t = xasprintf(_("Next steps: %s"), tr(&topics[i]->title));
		sheet_add(out, SHEET_HEADING, 0, t);
		free(t);
		if (tp->steps.s[0] != NULL)
			sheet_add(out, SHEET_TEXT, 0, tr(&tp->steps));
		add_sections(topics[i], tp, today, out);
		if (want != NULL)
			want_contacts(f, want, tp->contacts, tp->ncontacts);
	}
	if (!plan_only && v->band != NULL && f->care != NULL) {
		t = xasprintf("%s: %s", tr(&f->care->title), tr(&v->band->title));
		sheet_add(out, SHEET_HEADING, 0, t);
		free(t);
		sheet_add(out, SHEET_TEXT, 0, tr(&f->care->steps));
		sheet_add(out, SHEET_TEXT, 0, tr(&f->care->note));
		if (want != NULL)
			want_contacts(f, want, f->care->contacts, f->care->ncontacts);
	}
	if ((plan_only || v->plan != NULL) && f->plan != NULL) {
		takehome_plan(f->plan, v->plan, out);
		if (want != NULL)
			want_contacts(f, want, f->plan->contacts, f->plan->ncontacts);
	}
	if (want != NULL) {
		add_contacts(f, want, out);
		if (f->takehome->footer.s[0] != NULL)
			sheet_add(out, SHEET_TEXT, 0, tr(&f->takehome->footer));
	}
	free(want);
}

static void
add_out(struct sheet_line **out, size_t *n, const wchar_t *w, size_t len, int indent, bool bold)
{
	wchar_t *line = xcalloc(len + (size_t)indent + 1, sizeof *line);

	for (int i = 0; i < indent; i++)
		line[i] = L' ';
	wmemcpy(line + indent, w, len);
	*out = xreallocarray(*out, *n + 1, sizeof **out);
	(*out)[*n].text = charset_utf8(line, len + (size_t)indent);
	(*out)[*n].bold = bold;
	(*n)++;
	free(line);
}

size_t
sheet_lines(const struct sheet *s, int cols, struct sheet_line **out)
{
	size_t n = 0;

	*out = NULL;
	for (size_t p = 0; p < s->n; p++) {
		const struct sheet_par *par = &s->pars[p];
		bool bold = par->style != SHEET_TEXT;
		size_t len;
		wchar_t *w = charset_decode_utf8(par->text, &len);

		if (par->style != SHEET_TEXT && p > 0)
			add_out(out, &n, L"", 0, 0, false);
		for (size_t i = 0; i <= len;) {
			size_t end = i, count;
			struct span *sp;
			int indent = par->indent, hang = 0;

			while (end < len && w[end] != L'\n')
				end++;
			if (end - i >= 2 && w[i] == L'-' && w[i + 1] == L' ') {
				w[i] = L'\u2022'; /* a bullet, and a hanging indent */
				hang = 2;
			}
			count = text_wrap(w + i, end - i, cols - indent - hang, &sp);
			for (size_t k = 0; k < count; k++)
				add_out(out, &n, w + i + sp[k].start, sp[k].len,
				    indent + (k > 0 ? hang : 0), bold);
			if (count == 0)
				add_out(out, &n, L"", 0, 0, false);
			free(sp);
			i = end + 1;
		}
		explicit_bzero(w, len * sizeof *w);
		free(w);
	}
	return n;
}

void
sheet_lines_free(struct sheet_line *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		explicit_bzero(l[i].text, strlen(l[i].text));
		free(l[i].text);
	}
	free(l);
}
