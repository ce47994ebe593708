/* form.c: reads guide.conf (pages, question flows, the menu) and
 * intake.conf (the request form) with the readers of form_read.c; see
 * form.h. */
#include "form_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static bool
parse_md(const char *s, int *md)
{
	int m, d;
	char extra;

	if (sscanf(s, "%2d-%2d%c", &m, &d, &extra) != 2 || strlen(s) != 5)
		return false;
	static const int days[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return false;
	*md = m * 100 + d;
	return true;
}

static void
read_answer(struct loader *ld, const config_setting_t *g, struct answer *a, bool with_label)
{
	static const char *const keys[] = { "label", "next", "result", "suggest", "why", NULL };

	check_keys(ld, g, with_label ? keys : keys + 1);
	if (with_label)
		get_text(ld, g, "label", &a->label, true);
	a->next = get_id(ld, g, "next", false);
	get_text(ld, g, "result", &a->result, false);
	get_text(ld, g, "why", &a->why, false);
	a->suggest = get_ids(ld, g, "suggest", &a->nsuggest);
}

static void
read_question(struct loader *ld, const config_setting_t *g, struct question *q)
{
	static const char *const keys[] = { "id", "ask", "help", "answers", "date", "open", "closed", NULL };
	const config_setting_t *date = config_setting_get_member(g, "date");

	check_keys(ld, g, keys);
	q->line = line_of(g);
	q->id = get_id(ld, g, "id", true);
	if (date != NULL) {
		static const char *const dkeys[] = { "from", "until", NULL };
		static const char *const branch[2] = { "open", "closed" };
		const char *from = NULL, *until = NULL;

		q->is_date = true;
		if (!config_setting_is_group(date)) {
			form_err(ld, line_of(date), _("\"date\" must be a group { from = \"MM-DD\"; until = \"MM-DD\"; }"));
		} else {
			check_keys(ld, date, dkeys);
			config_setting_lookup_string(date, "from", &from);
			config_setting_lookup_string(date, "until", &until);
			if (from == NULL || !parse_md(from, &q->from_md))
				form_err(ld, line_of(date), _("\"from\" must be a date written MM-DD, e.g. \"04-01\""));
			if (until == NULL || !parse_md(until, &q->until_md))
				form_err(ld, line_of(date), _("\"until\" must be a date written MM-DD, e.g. \"11-10\""));
		}
		q->answers = xcalloc(2, sizeof *q->answers);
		q->nanswers = 2;
		for (int i = 0; i < 2; i++) {
			const config_setting_t *b = config_setting_get_member(g, branch[i]);

			if (b == NULL || !config_setting_is_group(b))
				form_err(ld, line_of(g), _("a date question needs a group \"%s\""), branch[i]);
			else
				read_answer(ld, b, &q->answers[i], false);
		}
		return;
	}
	get_text(ld, g, "ask", &q->ask, true);
	get_text(ld, g, "help", &q->help, false);
	const config_setting_t *l = get_answers(ld, g);
	if (l == NULL)
		return;
	q->answers = xcalloc((size_t)config_setting_length(l), sizeof *q->answers);
	for (int i = 0; i < config_setting_length(l) && i < 9; i++) {
		const config_setting_t *e = group_elem(ld, l, i, "answers");

		if (e != NULL)
			read_answer(ld, e, &q->answers[q->nanswers++], true);
	}
}

static void
read_flow(struct loader *ld, const config_setting_t *g, struct flow *fl)
{
	static const char *const keys[] = { "id", "title", "intro", "start", "fallback", "questions",
		"checked", "checked_by", "offer", NULL };
	const config_setting_t *l;

	check_keys(ld, g, keys);
	fl->line = line_of(g);
	fl->id = get_id(ld, g, "id", true);
	get_text(ld, g, "title", &fl->title, true);
	get_text(ld, g, "intro", &fl->intro, false);
	fl->start = get_id(ld, g, "start", true);
	fl->fallback = get_id(ld, g, "fallback", true);
	fl->offer = get_id(ld, g, "offer", false);
	if ((l = get_list(ld, g, "questions", true)) == NULL || config_setting_length(l) == 0)
		return;
	fl->questions = xcalloc((size_t)config_setting_length(l), sizeof *fl->questions);
	for (int i = 0; i < config_setting_length(l); i++) {
		const config_setting_t *e = group_elem(ld, l, i, "questions");

		if (e != NULL)
			read_question(ld, e, &fl->questions[fl->nquestions++]);
	}
}

static void
read_page(struct loader *ld, const config_setting_t *g, struct page *p)
{
	static const char *const keys[] = { "id", "title", "summary", "sections", "check", "request",
		"checked", "checked_by", "plan", NULL };
	static const char *const skeys[] = { "id", "title", "text", "until", "replacement", NULL };
	const config_setting_t *l;

	check_keys(ld, g, keys);
	p->line = line_of(g);
	p->id = get_id(ld, g, "id", true);
	get_text(ld, g, "title", &p->title, true);
	get_text(ld, g, "summary", &p->summary, true);
	p->check = get_id(ld, g, "check", false);
	p->request = get_bool(ld, g, "request");
	p->plan = get_id(ld, g, "plan", false);
	if ((l = get_list(ld, g, "sections", true)) == NULL || config_setting_length(l) == 0)
		return;
	p->sections = xcalloc((size_t)config_setting_length(l), sizeof *p->sections);
	for (int i = 0; i < config_setting_length(l); i++) {
		const config_setting_t *e = group_elem(ld, l, i, "sections");

		if (e == NULL)
			continue;
		check_keys(ld, e, skeys);
		struct section *s = &p->sections[p->nsections++];
		s->line = line_of(e);
		s->id = get_id(ld, e, "id", false);
		for (size_t j = 0; s->id != NULL && j + 1 < p->nsections; j++)
			if (p->sections[j].id != NULL && str_eq(p->sections[j].id, s->id))
				form_err(ld, s->line, _("two sections of this page have the id \"%s\""), s->id);
		get_text(ld, e, "title", &s->title, true);
		get_text(ld, e, "text", &s->body, true);
		form_read_until(ld, e, s);
	}
}

static const struct {
	const char *name;
	enum field_type type;
} field_types[] = {
	{ "text", FIELD_TEXT }, { "textarea", FIELD_TEXTAREA }, { "phone", FIELD_PHONE },
	{ "email", FIELD_EMAIL }, { "choice", FIELD_CHOICE }, { "options", FIELD_OPTIONS },
	{ "consent", FIELD_CONSENT },
};

const char *
field_type_name(enum field_type t)
{
	for (size_t i = 0; i < sizeof field_types / sizeof field_types[0]; i++)
		if (field_types[i].type == t)
			return field_types[i].name;
	return "?";
}

const char *
field_staff_label(const struct field *fd)
{
	return *tr(&fd->staff_label) ? tr(&fd->staff_label) : tr(&fd->label);
}

static void
read_field(struct loader *ld, const config_setting_t *g, struct field *f)
{
	static const char *const keys[] = { "id", "type", "label", "staff_label", "hint", "required", "max",
		"choices", "default", NULL };
	static const char *const ckeys[] = { "id", "label", NULL };
	const char *type = NULL;
	const config_setting_t *l;
	bool known = false;

	check_keys(ld, g, keys);
	f->id = get_id(ld, g, "id", true);
	get_text(ld, g, "label", &f->label, true);
	get_text(ld, g, "hint", &f->hint, false);
	get_text(ld, g, "staff_label", &f->staff_label, false);
	f->required = get_bool(ld, g, "required");
	config_setting_lookup_string(g, "type", &type);
	for (size_t i = 0; type != NULL && i < sizeof field_types / sizeof field_types[0]; i++)
		if (str_eq(type, field_types[i].name)) {
			f->type = field_types[i].type;
			known = true;
		}
	if (!known) {
		const config_setting_t *t = config_setting_get_member(g, "type");

		form_err(ld, line_of(t ? t : g), _("\"type\" must be one of: text, textarea, phone, email, choice, options, consent"));
		return;
	}
	f->max = get_int(ld, g, "max", 1, 10000, f->type == FIELD_TEXTAREA ? 1000 : 200, false);
	f->def = get_id(ld, g, "default", false);
	l = get_list(ld, g, "choices", f->type == FIELD_CHOICE);
	if (f->type != FIELD_CHOICE) {
		if (l != NULL)
			form_err(ld, line_of(l), _("only a field of type choice has \"choices\""));
		return;
	}
	if (l == NULL)
		return;
	if (config_setting_length(l) < 2) {
		form_err(ld, line_of(l), _("a choice field needs at least 2 choices"));
		return;
	}
	f->choices = xcalloc((size_t)config_setting_length(l), sizeof *f->choices);
	for (int i = 0; i < config_setting_length(l); i++) {
		const config_setting_t *e = group_elem(ld, l, i, "choices");

		if (e == NULL)
			continue;
		check_keys(ld, e, ckeys);
		struct choice *c = &f->choices[f->nchoices++];
		c->id = get_id(ld, e, "id", true);
		get_text(ld, e, "label", &c->label, true);
	}
	if (f->def != NULL && !str_eq(f->def, "ui-language")) {
		bool found = false;

		for (size_t i = 0; i < f->nchoices; i++)
			found = found || str_eq(f->choices[i].id, f->def);
		if (!found)
			form_err(ld, line_of(g), _("\"default\" names no choice of this field: \"%s\""), f->def);
	}
}

void
form_load_guide(struct loader *ld, struct forms *f, config_t *cf)
{
	static const char *const keys[] = { "version", "welcome", "menu", "pages", "flows", NULL };
	static const char *const mkeys[] = { "title", "intro", "items", NULL };
	const config_setting_t *root = config_root_setting(cf), *s, *l;

	check_keys(ld, root, keys);
	f->guide_version = get_int(ld, root, "version", 1, 1000000, 1, true);
	/* Forms written for 0.1 had the welcome here. */
	if ((s = config_setting_get_member(root, "welcome")) != NULL)
		form_err(ld, line_of(s), _("the welcome has a file of its own now: move its title and text to welcome.conf"));
	if ((l = get_list(ld, root, "pages", true)) != NULL && config_setting_length(l) > 0) {
		f->pages = xcalloc((size_t)config_setting_length(l), sizeof *f->pages);
		for (int i = 0; i < config_setting_length(l); i++)
			if ((s = group_elem(ld, l, i, "pages")) != NULL) {
				read_page(ld, s, &f->pages[f->npages++]);
				form_read_checked(ld, f, s, f->pages[f->npages - 1].id, line_of(s));
			}
	}
	if ((l = get_list(ld, root, "flows", false)) != NULL && config_setting_length(l) > 0) {
		f->flows = xcalloc((size_t)config_setting_length(l), sizeof *f->flows);
		for (int i = 0; i < config_setting_length(l); i++)
			if ((s = group_elem(ld, l, i, "flows")) != NULL) {
				read_flow(ld, s, &f->flows[f->nflows++]);
				form_read_checked(ld, f, s, f->flows[f->nflows - 1].id, line_of(s));
			}
	}
	if ((s = config_setting_get_member(root, "menu")) == NULL || !config_setting_is_group(s)) {
		form_err(ld, 1, _("a group \"menu\" is missing"));
		return;
	}
	check_keys(ld, s, mkeys);
	get_text(ld, s, "title", &f->menu_title, true);
	get_text(ld, s, "intro", &f->menu_intro, false);
	if ((l = get_list(ld, s, "items", true)) == NULL)
		return;
	if (config_setting_length(l) < 1 || config_setting_length(l) > 9)
		form_err(ld, line_of(l), _("the menu needs 1 to 9 items"));
	f->menu = xcalloc((size_t)config_setting_length(l) + 1, sizeof *f->menu);
	for (int i = 0; i < config_setting_length(l) && i < 9; i++) {
		const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
		const char *id = config_setting_get_string(e);
		struct menu_item *m = &f->menu[f->nmenu];

		if (id == NULL) {
			form_err(ld, line_of(e), _("menu items are page or flow ids in double quotes"));
			continue;
		}
		m->page = forms_page(f, id);
		m->flow = forms_flow(f, id);
		m->care = forms_care(f, id);
		if (m->page == NULL && m->flow == NULL && m->care == NULL)
			form_err(ld, line_of(e), _("the menu names \"%s\", but there is no page or flow with that id"), id);
		else
			f->nmenu++;
	}
}

void
form_load_intake(struct loader *ld, struct forms *f, config_t *cf)
{
	static const char *const keys[] = { "version", "title", "intro", "fields", "one_of",
		"no_consent", "done", "checked", "checked_by", NULL };
	const config_setting_t *root = config_root_setting(cf), *l, *s;
	size_t nconsent = 0;

	check_keys(ld, root, keys);
	f->intake_version = get_int(ld, root, "version", 1, 1000000, 1, true);
	form_read_checked(ld, f, root, "intake.conf", 1);
	get_text(ld, root, "title", &f->intake_title, true);
	get_text(ld, root, "intro", &f->intake_intro, false);
	get_text(ld, root, "no_consent", &f->no_consent, true);
	get_text(ld, root, "done", &f->done, true);
	if ((l = get_list(ld, root, "fields", true)) == NULL || config_setting_length(l) == 0) {
		if (l != NULL)
			form_err(ld, line_of(l), _("the intake form needs fields"));
		return;
	}
	f->fields = xcalloc((size_t)config_setting_length(l), sizeof *f->fields);
	for (int i = 0; i < config_setting_length(l); i++) {
		if ((s = group_elem(ld, l, i, "fields")) == NULL)
			continue;
		struct field *fd = &f->fields[f->nfields++];
		read_field(ld, s, fd);
		for (size_t j = 0; j + 1 < f->nfields; j++)
			if (fd->id && str_eq(fd->id, f->fields[j].id))
				form_err(ld, line_of(s), _("two fields have the id \"%s\""), fd->id);
		if (fd->type == FIELD_CONSENT)
			nconsent++;
	}
	if (nconsent != 1)
		form_err(ld, line_of(l), _("the intake form needs exactly one field of type consent"));
	if ((l = get_list(ld, root, "one_of", false)) == NULL || config_setting_length(l) == 0)
		return;
	f->one_of = xcalloc((size_t)config_setting_length(l), sizeof *f->one_of);
	for (int i = 0; i < config_setting_length(l); i++) {
		const config_setting_t *g = config_setting_get_elem(l, (unsigned)i);
		struct one_of *o = &f->one_of[f->none_of];

		if (!config_setting_is_aggregate(g) || config_setting_length(g) < 2) {
			form_err(ld, line_of(g), _("each entry of \"one_of\" is a list of at least 2 field ids"));
			continue;
		}
		o->fields = xcalloc((size_t)config_setting_length(g), sizeof *o->fields);
		for (int k = 0; k < config_setting_length(g); k++) {
			const char *id = config_setting_get_string_elem(g, k);
			const struct field *fd = id ? forms_field(f, id) : NULL;

			if (fd == NULL)
				form_err(ld, line_of(g), _("\"one_of\" names a field that does not exist: \"%s\""),
				    id ? id : "?");
			else
				o->fields[o->n++] = fd;
		}
		f->none_of++;
	}
}
