/* form_extra.c: the files beside the guide: check.conf ("How are you
 * doing?"), plan.conf (the personal plan for a Wmo report) and
 * takehome.conf (the contacts and next steps of the take-home summary).
 * Each is optional; a file that exists must be right. */
#include "form_int.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* Highest points an answer may carry: keeps every total small. */
#define CARE_POINTS_MAX 20

static void
free_ids(char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

static void
free_text(struct text *t)
{
	for (int l = 0; l < LANG_MAX; l++)
		free(t->s[l]);
}

static void
read_care_question(struct loader *ld, const config_setting_t *g, struct care_question *q)
{
	static const char *const keys[] = { "id", "ask", "help", "answers", NULL };
	static const char *const akeys[] = { "label", "points", "suggest", "at_least", NULL };
	const config_setting_t *l;

	check_keys(ld, g, keys);
	q->line = line_of(g);
	q->id = get_id(ld, g, "id", true);
	get_text(ld, g, "ask", &q->ask, true);
	get_text(ld, g, "help", &q->help, false);
	if ((l = get_answers(ld, g)) == NULL)
		return;
	q->answers = xcalloc((size_t)config_setting_length(l), sizeof *q->answers);
	for (int i = 0; i < config_setting_length(l) && i < 9; i++) {
		const config_setting_t *e = group_elem(ld, l, i, "answers");
		struct care_answer *a;

		if (e == NULL)
			continue;
		a = &q->answers[q->nanswers++];
		check_keys(ld, e, akeys);
		get_text(ld, e, "label", &a->label, true);
		a->points = get_int(ld, e, "points", 0, CARE_POINTS_MAX, 0, true);
		a->suggest = get_ids(ld, e, "suggest", &a->nsuggest);
		a->at_least = get_id(ld, e, "at_least", false);
	}
}

static void
read_band(struct loader *ld, const config_setting_t *g, struct care_band *b)
{
	static const char *const keys[] = { "id", "from", "to", "title", "text", "talk_first", NULL };

	check_keys(ld, g, keys);
	b->line = line_of(g);
	b->id = get_id(ld, g, "id", true);
	b->from = get_int(ld, g, "from", 0, 9 * CARE_POINTS_MAX * 100, 0, true);
	b->to = get_int(ld, g, "to", 0, 9 * CARE_POINTS_MAX * 100, 0, true);
	get_text(ld, g, "title", &b->title, true);
	get_text(ld, g, "text", &b->text, true);
	b->talk_first = get_bool(ld, g, "talk_first");
	if (b->to < b->from)
		form_err(ld, b->line, _("band \"%s\": \"to\" is below \"from\""), b->id ? b->id : "?");
}

/* Every total that some set of answers adds up to: reach[t] is true. */
static bool *
care_totals(const struct care_check *c, int *max)
{
	bool *reach;

	*max = 0;
	for (size_t i = 0; i < c->nquestions; i++) {
		int top = 0;

		for (size_t a = 0; a < c->questions[i].nanswers; a++)
			if (c->questions[i].answers[a].points > top)
				top = c->questions[i].answers[a].points;
		*max += top;
	}
	reach = xcalloc((size_t)*max + 1, sizeof *reach);
	reach[0] = true;
	for (size_t i = 0; i < c->nquestions; i++) {
		bool *next = xcalloc((size_t)*max + 1, sizeof *next);

		for (int t = 0; t <= *max; t++)
			for (size_t a = 0; reach[t] && a < c->questions[i].nanswers; a++)
				next[t + c->questions[i].answers[a].points] = true;
		free(reach);
		reach = next;
	}
	return reach;
}

/* Each answer's at_least names a band: remember which. */
static void
resolve_floors(struct loader *ld, struct care_check *c)
{
	for (size_t i = 0; i < c->nquestions; i++)
		for (size_t a = 0; a < c->questions[i].nanswers; a++) {
			struct care_answer *an = &c->questions[i].answers[a];
			const struct care_band *b;

			if (an->at_least == NULL)
				continue;
			if ((b = care_band_find(c, an->at_least)) == NULL)
				form_err(ld, c->questions[i].line, _("question \"%s\", answer %zu: at_least names no band: \"%s\""),
				    c->questions[i].id ? c->questions[i].id : "?", a + 1, an->at_least);
			else
				an->floor = (size_t)(b - c->bands) + 1;
		}
}

/* The index of the band total falls in (the bands are checked to cover
 * every total), raised to floor - 1 when an answer asks for more. */
static size_t
band_index(const struct care_check *c, int total, size_t floor)
{
	const struct care_band *b = care_band_of(c, total);
	size_t i = b != NULL ? (size_t)(b - c->bands) : 0;

	return floor > i + 1 ? floor - 1 : i;
}

/* Whether some answers give band i as the result, floors included: every
 * reachable pair of total and highest floor, question by question. */
static bool *
care_results(const struct care_check *c, int max)
{
	size_t nf = c->nbands + 1, cells = ((size_t)max + 1) * nf;
	bool *reach = xcalloc(cells, sizeof *reach), *bands = xcalloc(c->nbands, sizeof *bands);

	reach[0] = true;
	for (size_t i = 0; i < c->nquestions; i++) {
		bool *next = xcalloc(cells, sizeof *next);

		for (size_t cell = 0; cell < cells; cell++)
			for (size_t a = 0; reach[cell] && a < c->questions[i].nanswers; a++) {
				const struct care_answer *an = &c->questions[i].answers[a];
				size_t f = cell % nf > an->floor ? cell % nf : an->floor;

				next[(cell / nf + (size_t)an->points) * nf + f] = true;
			}
		free(reach);
		reach = next;
	}
	for (size_t cell = 0; cell < cells; cell++)
		if (reach[cell])
			bands[band_index(c, (int)(cell / nf), cell % nf)] = true;
	free(reach);
	return bands;
}

/* The bands cover every possible total once, in order, and each band
 * is the result of some answers. */
static void
check_bands(struct loader *ld, const struct care_check *c)
{
	int max, min = -1;
	bool *reach, *results;

	if (c->nquestions == 0 || c->nbands == 0)
		return;
	reach = care_totals(c, &max);
	for (int t = 0; t <= max && min < 0; t++)
		if (reach[t])
			min = t;
	if (c->bands[0].from != min)
		form_err(ld, c->bands[0].line, _("band \"%s\" must start at %d, the lowest total the answers give"),
		    c->bands[0].id ? c->bands[0].id : "?", min);
	for (size_t i = 0; i + 1 < c->nbands; i++) {
		const struct care_band *b = &c->bands[i], *n = &c->bands[i + 1];

		if (n->from > b->to + 1)
			form_err(ld, n->line, _("no band holds the totals %d to %d (a gap between \"%s\" and \"%s\")"),
			    b->to + 1, n->from - 1, b->id ? b->id : "?", n->id ? n->id : "?");
		else if (n->from <= b->to)
			form_err(ld, n->line, _("bands \"%s\" and \"%s\" overlap: both hold %d"),
			    b->id ? b->id : "?", n->id ? n->id : "?", n->from);
	}
	if (c->bands[c->nbands - 1].to != max)
		form_err(ld, c->bands[c->nbands - 1].line, _("band \"%s\" must end at %d, the highest total the answers give"),
		    c->bands[c->nbands - 1].id ? c->bands[c->nbands - 1].id : "?", max);
	if (ld->count > 0) {
		free(reach);
		return;
	}
	results = care_results(c, max);
	for (size_t i = 0; i < c->nbands; i++) {
		const struct care_band *b = &c->bands[i];
		bool any = false;

		for (int t = b->from; t <= b->to && t <= max; t++)
			any = any || (t >= 0 && reach[t]);
		if (!any)
			form_err(ld, b->line, _("band \"%s\" can never be reached: no answers add up to %d to %d"),
			    b->id ? b->id : "?", b->from, b->to);
		else if (!results[i])
			form_err(ld, b->line, _("band \"%s\" can never be reached: every set of answers that adds up to %d to %d has an answer with a higher at_least"),
			    b->id ? b->id : "?", b->from, b->to);
		for (size_t j = i + 1; j < c->nbands; j++)
			if (b->id && c->bands[j].id && str_eq(b->id, c->bands[j].id))
				form_err(ld, c->bands[j].line, _("two bands have the id \"%s\""), b->id);
	}
	free(results);
	free(reach);
}

static void
load_care(struct loader *ld, struct forms *f, config_t *cf)
{
	static const char *const keys[] = { "version", "id", "title", "intro", "questions", "bands",
		"note", "steps", "share", "request", "contacts", "checked", "checked_by", NULL };
	const config_setting_t *root = config_root_setting(cf), *l, *e;
	struct care_check *c = xcalloc(1, sizeof *c);

	f->care = c;
	check_keys(ld, root, keys);
	form_read_checked(ld, f, root, "check.conf", 1);
	get_int(ld, root, "version", 1, 1000000, 1, true);
	c->line = 1;
	c->id = get_id(ld, root, "id", true);
	get_text(ld, root, "title", &c->title, true);
	get_text(ld, root, "intro", &c->intro, false);
	get_text(ld, root, "note", &c->note, true);
	get_text(ld, root, "steps", &c->steps, true);
	get_text(ld, root, "share", &c->share, true);
	c->request = get_ids(ld, root, "request", &c->nrequest);
	c->contacts = get_ids(ld, root, "contacts", &c->ncontacts);
	if ((l = get_list(ld, root, "questions", true)) != NULL && config_setting_length(l) > 0) {
		c->questions = xcalloc((size_t)config_setting_length(l), sizeof *c->questions);
		for (int i = 0; i < config_setting_length(l); i++)
			if ((e = group_elem(ld, l, i, "questions")) != NULL)
				read_care_question(ld, e, &c->questions[c->nquestions++]);
		if (c->nquestions > 9)
			form_err(ld, line_of(l), _("the check has at most 9 questions"));
	}
	if ((l = get_list(ld, root, "bands", true)) != NULL) {
		if (config_setting_length(l) < 2)
			form_err(ld, line_of(l), _("the check needs at least 2 bands"));
		if (config_setting_length(l) > 0)
			c->bands = xcalloc((size_t)config_setting_length(l), sizeof *c->bands);
		for (int i = 0; i < config_setting_length(l); i++)
			if ((e = group_elem(ld, l, i, "bands")) != NULL)
				read_band(ld, e, &c->bands[c->nbands++]);
	}
	if (ld->count == 0)
		resolve_floors(ld, c);
	if (ld->count == 0)
		check_bands(ld, c);
}

static void
load_plan(struct loader *ld, struct forms *f, config_t *cf)
{
	static const char *const keys[] = { "version", "id", "title", "intro", "purpose", "next",
		"questions", "contacts", "checked", "checked_by", NULL };
	static const char *const qkeys[] = { "id", "ask", "example", "max", NULL };
	const config_setting_t *root = config_root_setting(cf), *l, *e;
	struct plan *p = xcalloc(1, sizeof *p);

	f->plan = p;
	check_keys(ld, root, keys);
	form_read_checked(ld, f, root, "plan.conf", 1);
	get_int(ld, root, "version", 1, 1000000, 1, true);
	p->line = 1;
	p->id = get_id(ld, root, "id", true);
	get_text(ld, root, "title", &p->title, true);
	get_text(ld, root, "intro", &p->intro, true);
	get_text(ld, root, "purpose", &p->purpose, true);
	get_text(ld, root, "next", &p->next, true);
	p->contacts = get_ids(ld, root, "contacts", &p->ncontacts);
	if ((l = get_list(ld, root, "questions", true)) == NULL || config_setting_length(l) == 0)
		return;
	p->questions = xcalloc((size_t)config_setting_length(l), sizeof *p->questions);
	for (int i = 0; i < config_setting_length(l); i++) {
		struct plan_question *q;

		if ((e = group_elem(ld, l, i, "questions")) == NULL)
			continue;
		q = &p->questions[p->nquestions++];
		check_keys(ld, e, qkeys);
		q->id = get_id(ld, e, "id", true);
		get_text(ld, e, "ask", &q->ask, true);
		get_text(ld, e, "example", &q->example, true);
		q->max = get_int(ld, e, "max", 1, 2000, 500, false);
	}
}

static void
load_takehome(struct loader *ld, struct forms *f, config_t *cf)
{
	static const char *const keys[] = { "version", "title", "intro", "footer", "contacts", "topics",
		"always", "checked", "checked_by", NULL };
	static const char *const ckeys[] = { "id", "name", "phone", "place", "time", NULL };
	static const char *const tkeys[] = { "page", "steps", "sections", "contacts", NULL };
	const config_setting_t *root = config_root_setting(cf), *l, *e, *s;
	struct takehome *t = xcalloc(1, sizeof *t);

	f->takehome = t;
	check_keys(ld, root, keys);
	form_read_checked(ld, f, root, "takehome.conf", 1);
	get_int(ld, root, "version", 1, 1000000, 1, true);
	get_text(ld, root, "title", &t->title, true);
	get_text(ld, root, "intro", &t->intro, true);
	get_text(ld, root, "footer", &t->footer, false);
	t->always = get_ids(ld, root, "always", &t->nalways);
	if ((l = get_list(ld, root, "contacts", true)) != NULL && config_setting_length(l) > 0) {
		t->contacts = xcalloc((size_t)config_setting_length(l), sizeof *t->contacts);
		for (int i = 0; i < config_setting_length(l); i++) {
			struct contact *c;

			if ((e = group_elem(ld, l, i, "contacts")) == NULL)
				continue;
			c = &t->contacts[t->ncontacts++];
			check_keys(ld, e, ckeys);
			c->id = get_id(ld, e, "id", true);
			get_text(ld, e, "name", &c->name, true);
			get_text(ld, e, "place", &c->place, false);
			get_text(ld, e, "time", &c->time, false);
			if ((s = config_setting_get_member(e, "phone")) != NULL)
				c->phone = string_value(ld, s, "phone", false);
		}
	}
	if ((l = get_list(ld, root, "topics", false)) != NULL && config_setting_length(l) > 0) {
		t->topics = xcalloc((size_t)config_setting_length(l), sizeof *t->topics);
		for (int i = 0; i < config_setting_length(l); i++) {
			struct topic *tp;

			if ((e = group_elem(ld, l, i, "topics")) == NULL)
				continue;
			tp = &t->topics[t->ntopics++];
			check_keys(ld, e, tkeys);
			tp->page = get_id(ld, e, "page", true);
			tp->sections = get_ids(ld, e, "sections", &tp->nsections);
			/* Steps of its own, or the page's sections, or both. */
			get_text(ld, e, "steps", &tp->steps, tp->nsections == 0);
			tp->contacts = get_ids(ld, e, "contacts", &tp->ncontacts);
		}
	}
}

static const struct {
	const char *name;
	void (*load)(struct loader *ld, struct forms *f, config_t *cf);
} extras[] = {
	{ "check.conf", load_care },
	{ "plan.conf", load_plan },
	{ "takehome.conf", load_takehome },
};

void
form_load_extras(struct loader *ld, struct forms *f, const char *dir)
{
	for (size_t i = 0; i < sizeof extras / sizeof extras[0]; i++) {
		char *path = xasprintf("%s/%s", dir, extras[i].name);
		config_t cf;

		ld->file = path;
		if (access(path, F_OK) == 0) {
			if (open_file(ld, &cf))
				extras[i].load(ld, f, &cf);
			config_destroy(&cf);
		}
		ld->file = NULL;
		free(path);
	}
}

/* Every id in ids names a contact of the take-home file. */
static void
check_contacts(struct loader *ld, const struct forms *f, char *const *ids, size_t n, int line)
{
	for (size_t i = 0; i < n; i++)
		if (forms_contact(f, ids[i]) == NULL)
			form_err(ld, line, _("there is no contact \"%s\" in takehome.conf"), ids[i]);
}

void
form_check_extras(struct loader *ld, const struct forms *f, const char *dir)
{
	char *guide = xasprintf("%s/guide.conf", dir), *path;

	ld->file = guide;
	for (size_t i = 0; i < f->npages; i++)
		if (f->pages[i].plan != NULL && forms_plan(f, f->pages[i].plan) == NULL)
			form_err(ld, f->pages[i].line, _("page \"%s\": plan \"%s\" does not exist (plan.conf)"),
			    f->pages[i].id, f->pages[i].plan);
	for (size_t i = 0; i < f->nflows; i++)
		if (f->flows[i].offer != NULL && forms_care(f, f->flows[i].offer) == NULL)
			form_err(ld, f->flows[i].line, _("flow \"%s\": check \"%s\" does not exist (check.conf)"),
			    f->flows[i].id, f->flows[i].offer);
	if (f->care != NULL) {
		path = xasprintf("%s/check.conf", dir);
		ld->file = path;
		for (size_t i = 0; i < f->care->nquestions; i++)
			for (size_t a = 0; a < f->care->questions[i].nanswers; a++)
				for (size_t k = 0; k < f->care->questions[i].answers[a].nsuggest; k++)
					if (forms_page(f, f->care->questions[i].answers[a].suggest[k]) == NULL)
						form_err(ld, f->care->questions[i].line, _("question \"%s\": suggested page \"%s\" does not exist"),
						    f->care->questions[i].id, f->care->questions[i].answers[a].suggest[k]);
		for (size_t k = 0; k < f->care->nrequest; k++)
			if (forms_page(f, f->care->request[k]) == NULL || !forms_page(f, f->care->request[k])->request)
				form_err(ld, 1, _("\"request\" names \"%s\", which is not a page with request = true"),
				    f->care->request[k]);
		if (f->care->id != NULL && (forms_page(f, f->care->id) || forms_flow(f, f->care->id)))
			form_err(ld, 1, _("the check's id \"%s\" is also a page or flow id"), f->care->id);
		if (f->takehome != NULL)
			check_contacts(ld, f, f->care->contacts, f->care->ncontacts, 1);
		free(path);
	}
	if (f->plan != NULL && f->takehome != NULL) {
		path = xasprintf("%s/plan.conf", dir);
		ld->file = path;
		check_contacts(ld, f, f->plan->contacts, f->plan->ncontacts, 1);
		free(path);
	}
	if (f->takehome != NULL) {
		path = xasprintf("%s/takehome.conf", dir);
		ld->file = path;
		check_contacts(ld, f, f->takehome->always, f->takehome->nalways, 1);
		for (size_t i = 0; i < f->takehome->ntopics; i++) {
			const struct topic *t = &f->takehome->topics[i];

			const struct page *pg = t->page != NULL ? forms_page(f, t->page) : NULL;

			if (t->page != NULL && pg == NULL)
				form_err(ld, 1, _("topic: page \"%s\" does not exist"), t->page);
			for (size_t k = 0; pg != NULL && k < t->nsections; k++)
				if (page_section(pg, t->sections[k]) == NULL)
					form_err(ld, 1, _("topic \"%s\": the page has no section with the id \"%s\""),
					    t->page, t->sections[k]);
			check_contacts(ld, f, t->contacts, t->ncontacts, 1);
		}
		for (size_t i = 0; i < f->takehome->ncontacts; i++)
			for (size_t j = i + 1; j < f->takehome->ncontacts; j++)
				if (f->takehome->contacts[i].id && str_eq(f->takehome->contacts[i].id, f->takehome->contacts[j].id))
					form_err(ld, 1, _("two contacts have the id \"%s\""), f->takehome->contacts[i].id);
		free(path);
	}
	ld->file = NULL;
	free(guide);
}

void
form_free_extras(struct forms *f)
{
	struct care_check *c = f->care;
	struct plan *p = f->plan;
	struct takehome *t = f->takehome;

	if (c != NULL) {
		free(c->id);
		free_text(&c->title);
		free_text(&c->intro);
		free_text(&c->note);
		free_text(&c->steps);
		free_text(&c->share);
		free_ids(c->request, c->nrequest);
		free_ids(c->contacts, c->ncontacts);
		for (size_t i = 0; i < c->nquestions; i++) {
			struct care_question *q = &c->questions[i];

			free(q->id);
			free_text(&q->ask);
			free_text(&q->help);
			for (size_t a = 0; a < q->nanswers; a++) {
				free_text(&q->answers[a].label);
				free_ids(q->answers[a].suggest, q->answers[a].nsuggest);
				free(q->answers[a].at_least);
			}
			free(q->answers);
		}
		free(c->questions);
		for (size_t i = 0; i < c->nbands; i++) {
			free(c->bands[i].id);
			free_text(&c->bands[i].title);
			free_text(&c->bands[i].text);
		}
		free(c->bands);
		free(c);
	}
	if (p != NULL) {
		free(p->id);
		free_text(&p->title);
		free_text(&p->intro);
		free_text(&p->purpose);
		free_text(&p->next);
		free_ids(p->contacts, p->ncontacts);
		for (size_t i = 0; i < p->nquestions; i++) {
			free(p->questions[i].id);
			free_text(&p->questions[i].ask);
			free_text(&p->questions[i].example);
		}
		free(p->questions);
		free(p);
	}
	if (t != NULL) {
		free_text(&t->title);
		free_text(&t->intro);
		free_text(&t->footer);
		free_ids(t->always, t->nalways);
		for (size_t i = 0; i < t->ncontacts; i++) {
			free(t->contacts[i].id);
			free(t->contacts[i].phone);
			free_text(&t->contacts[i].name);
			free_text(&t->contacts[i].place);
			free_text(&t->contacts[i].time);
		}
		free(t->contacts);
		for (size_t i = 0; i < t->ntopics; i++) {
			free(t->topics[i].page);
			free_text(&t->topics[i].steps);
			free_ids(t->topics[i].sections, t->topics[i].nsections);
			free_ids(t->topics[i].contacts, t->topics[i].ncontacts);
		}
		free(t->topics);
		free(t);
	}
}

const struct care_check *
forms_care(const struct forms *f, const char *id)
{
	return f->care != NULL && str_eq(f->care->id, id) ? f->care : NULL;
}

const struct plan *
forms_plan(const struct forms *f, const char *id)
{
	return f->plan != NULL && str_eq(f->plan->id, id) ? f->plan : NULL;
}

const struct contact *
forms_contact(const struct forms *f, const char *id)
{
	for (size_t i = 0; f->takehome != NULL && i < f->takehome->ncontacts; i++)
		if (str_eq(f->takehome->contacts[i].id, id))
			return &f->takehome->contacts[i];
	return NULL;
}

const struct topic *
forms_topic(const struct forms *f, const char *page)
{
	for (size_t i = 0; f->takehome != NULL && i < f->takehome->ntopics; i++)
		if (str_eq(f->takehome->topics[i].page, page))
			return &f->takehome->topics[i];
	return NULL;
}

const struct care_band *
care_band_of(const struct care_check *c, int total)
{
	for (size_t i = 0; i < c->nbands; i++)
		if (total >= c->bands[i].from && total <= c->bands[i].to)
			return &c->bands[i];
	return NULL;
}

const struct care_band *
care_result(const struct care_check *c, const size_t *answers, size_t n)
{
	int total = 0;
	size_t floor = 0;

	for (size_t i = 0; i < n && i < c->nquestions; i++) {
		const struct care_answer *an = &c->questions[i].answers[answers[i]];

		total += an->points;
		if (an->floor > floor)
			floor = an->floor;
	}
	if (care_band_of(c, total) == NULL)
		return NULL;
	return &c->bands[band_index(c, total, floor)];
}

const struct care_band *
care_band_find(const struct care_check *c, const char *id)
{
	for (size_t i = 0; c != NULL && i < c->nbands; i++)
		if (str_eq(c->bands[i].id, id))
			return &c->bands[i];
	return NULL;
}
