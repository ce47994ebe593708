/* scr_form.c: the intake form, drawn from the fields in intake.conf, with
 * a message beside every answer that needs correcting. */
#include "screen.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "edit.h"
#include "util.h"

/* Item ids: field i is FIELD_ID(i); its choices follow it. */
#define FIELD_ID(i) ((int)(i) * 100)
#define FIELD_OF(id) ((size_t)((id) / 100))
#define PART_OF(id) ((id) % 100)
enum { ID_REVIEW = ID_BACK + 10, ID_KEEP_DRAFT, ID_CARE_SHARE };

struct form_view {
	size_t *cursor;   /* per text field, in characters */
	bool *touched;    /* left at least once: show a message on what was
	                   * typed (an empty answer waits for "reviewed") */
	bool reviewed;    /* "Check my answers" was pressed: show all */
	size_t focused;   /* the field the focus was in at the last draw */
	char *added;      /* topics ticked by opening the form (comma list),
	                   * not by the visitor: unticked when backing out */
};

static const char *
form_title(struct screen *s)
{
	return tr(&s->app->forms->intake_title);
}

static bool
is_text(const struct field *fd)
{
	return fd->type == FIELD_TEXT || fd->type == FIELD_TEXTAREA ||
	    fd->type == FIELD_PHONE || fd->type == FIELD_EMAIL;
}

/* After "How are you doing?": the caregiver may add its result (the band
 * only, never the answers) to the request. Not ticked by itself. */
static void
care_share(struct screen *s, struct doc *d)
{
	struct app *a = s->app;
	const struct care_check *c = a->forms->care;

	if (c == NULL || a->visit.band == NULL)
		return;
	doc_text(d, tr(&c->share), UI_HEADING, 0);
	doc_toggle(d, ITEM_CHECK, ID_CARE_SHARE, ID_CARE_SHARE, str_eq(a->intake.care, a->visit.band->id),
	    tr(&a->visit.band->title));
	doc_blank(d);
}

/* The item a field's question leads to: its text input or first choice. */
static int
field_item(const struct field *fd, size_t i)
{
	return FIELD_ID(i) + (is_text(fd) ? 0 : 1);
}

/* Whether the message for e shows now. That an answer is missing is said
 * when the caregiver tries to go on, not while they pass the question. */
static bool
shows_message(const struct form_view *v, size_t i, enum verr e)
{
	if (e == VERR_NONE)
		return false;
	if (e == VERR_REQUIRED || e == VERR_ONE_OF)
		return v->reviewed;
	return v->reviewed || v->touched[i];
}

/* When staff cannot call back in the language of the screen, the question
 * of the language of contact says which languages they speak. */
static void
staff_languages_note(struct doc *d, const struct field *fd)
{
	char *names = xstrdup(""), *t;

	for (size_t c = 0; c < fd->nchoices; c++) {
		if (!intake_choice_offered(fd, c))
			continue;
		if (str_eq(fd->choices[c].id, i18n_code(i18n_lang()))) {
			free(names);
			return;
		}
		t = xasprintf("%s%s%s", names, *names ? ", " : "", tr(&fd->choices[c].label));
		free(names);
		names = t;
	}
	/* L10N: %s lists the languages staff speak, e.g. "Nederlands, English". */
	t = xasprintf(_("Our staff speak these languages: %s. Choose the one you know best. If you like, ask someone who can help you with the language to be there when we get in touch."),
	    names);
	doc_text(d, t, UI_NORMAL, 0);
	free(t);
	free(names);
}

static void
form_build(struct screen *s, struct doc *d)
{
	struct app *a = s->app;
	struct form_view *v = s->data;
	const struct forms *f = a->forms;
	enum verr *errs = xcalloc(f->nfields, sizeof *errs);
	size_t nbad = intake_check(&a->intake, errs);
	size_t now = s->focus >= 0 && s->focus < ID_BACK ? FIELD_OF(s->focus) : SIZE_MAX;

	/* A question is left when the focus moved to another one, however it
	 * moved (keys, a click): from then on its message shows. */
	if (v->focused != SIZE_MAX && v->focused != now)
		v->touched[v->focused] = true;
	v->focused = now;
	if (f->intake_intro.s[0] != NULL) {
		doc_text(d, tr(&f->intake_intro), UI_NORMAL, 0);
		doc_blank(d);
	}
	/* A remote session keeps nothing after a dropped link unless asked:
	 * the question comes before the first answer, unticked. */
	if (app_may_keep_draft(a)) {
		doc_toggle(d, ITEM_CHECK, ID_KEEP_DRAFT, ID_KEEP_DRAFT, a->keep_draft,
		    _("Keep what you typed for one day if the connection drops?"));
		doc_blank(d);
	}
	if (v->reviewed && nbad > 0) {
		doc_text(d, _("! Some answers need a change. See the messages below."), UI_ERROR, 0);
		doc_blank(d);
	}
	for (size_t i = 0; i < f->nfields; i++) {
		const struct field *fd = &f->fields[i];
		const char *val = a->intake.values[i];
		int g = (int)i, item = field_item(fd, i);

		/* Marked from the start, not only once the form is sent. */
		char *label = fd->required ? xasprintf(_("%s (required)"), tr(&fd->label)) : xstrdup(tr(&fd->label));

		/* A tap on the question or its hint goes to the answer. */
		if (fd->type != FIELD_CONSENT)
			doc_label(d, label, UI_HEADING, 0, item);
		if (fd->hint.s[0] != NULL)
			doc_label(d, tr(&fd->hint), UI_NORMAL, 0, item);
		switch (fd->type) {
		case FIELD_TEXT:
		case FIELD_PHONE:
		case FIELD_EMAIL:
			doc_input(d, FIELD_ID(i), g, val, v->cursor[i], 1);
			break;
		case FIELD_TEXTAREA: {
			char *count;

			doc_input(d, FIELD_ID(i), g, val, v->cursor[i], 4);
			/* L10N: under the text area, e.g. "120 of 1000 characters". */
			count = xasprintf(_("%zu of %d characters"), charset_utf8_len(val), fd->max);
			doc_text(d, count, UI_NORMAL, 1);
			wipe_free(count);
			break;
		}
		case FIELD_CHOICE:
			if (intake_is_language(fd))
				staff_languages_note(d, fd);
			for (size_t c = 0; c < fd->nchoices; c++)
				if (intake_choice_offered(fd, c))
					doc_toggle(d, ITEM_RADIO, FIELD_ID(i) + 1 + (int)c, g,
					    str_eq(val, fd->choices[c].id), tr(&fd->choices[c].label));
			break;
		case FIELD_OPTIONS:
			for (size_t p = 0, k = 0; p < f->npages; p++)
				if (f->pages[p].request)
					doc_toggle(d, ITEM_CHECK, FIELD_ID(i) + 1 + (int)k++, g,
					    intake_has_id(val, f->pages[p].id), tr(&f->pages[p].title));
			break;
		case FIELD_CONSENT:
			doc_toggle(d, ITEM_CHECK, FIELD_ID(i) + 1, g, str_eq(val, "yes"), label);
			break;
		}
		free(label);
		if (shows_message(v, i, errs[i])) {
			char *msg = xasprintf("! %s", intake_message(errs[i]));

			doc_label(d, msg, UI_ERROR, 0, item);
			wipe_free(msg);
		}
		doc_blank(d);
	}
	care_share(s, d);
	doc_button(d, ID_REVIEW, ID_REVIEW, 0, _("Check my answers"));
	doc_button(d, ID_BACK, ID_BACK, 0, _("Back (your answers are kept)"));
	free(errs);
}

/* The page behind check box k of the options field. */
static const struct page *
option_page(const struct forms *f, int k)
{
	for (size_t p = 0; p < f->npages; p++)
		if (f->pages[p].request && k-- == 0)
			return &f->pages[p];
	return NULL;
}

/* Drop id from the comma list *list, if it is there. */
static void
list_drop(char **list, const char *id)
{
	char *out = xstrdup(""), *save = NULL;

	for (char *t = strtok_r(*list, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (!str_eq(t, id)) {
			char *more = xasprintf("%s%s%s", out, *out ? "," : "", t);

			free(out);
			out = more;
		}
	free(*list);
	*list = out;
}

/* Back out of the form: the answers stay, but a topic that only opening
 * the form ticked does not stay ticked for the rest of the visit. */
static void
form_back(struct screen *s)
{
	struct app *a = s->app;
	struct form_view *v = s->data;
	char *save = NULL;

	for (size_t i = 0; a->has_intake && i < a->forms->nfields; i++) {
		if (a->forms->fields[i].type != FIELD_OPTIONS)
			continue;
		for (char *id = strtok_r(v->added, ",", &save); id; id = strtok_r(NULL, ",", &save))
			if (intake_has_id(a->intake.values[i], id))
				intake_toggle(&a->intake, i, id);
		break;
	}
	app_pop(a);
}

static void
form_activate(struct screen *s, int id)
{
	struct app *a = s->app;
	struct form_view *v = s->data;
	const struct forms *f = a->forms;

	if (id == ID_BACK) {
		form_back(s);
		return;
	}
	if (id == ID_KEEP_DRAFT) {
		a->keep_draft = !a->keep_draft && app_may_keep_draft(a);
		return;
	}
	if (id == ID_CARE_SHARE && a->visit.band != NULL) {
		if (str_eq(a->intake.care, a->visit.band->id))
			explicit_bzero(a->intake.care, sizeof a->intake.care);
		else
			snprintf(a->intake.care, sizeof a->intake.care, "%s", a->visit.band->id);
		return;
	}
	if (id == ID_REVIEW) {
		enum verr *errs = xcalloc(f->nfields, sizeof *errs);

		v->reviewed = true;
		if (intake_check(&a->intake, errs) == 0) {
			app_push(a, scr_review_new(a));
		} else {
			/* Take the caregiver to the first answer to change; its
			 * question and message come into view with it. */
			for (size_t i = 0; i < f->nfields; i++)
				if (errs[i] != VERR_NONE) {
					s->focus = field_item(&f->fields[i], i);
					break;
				}
			app_notice(a, _("Some answers need a change. The messages marked ! say what to change."));
		}
		free(errs);
		return;
	}
	size_t i = FIELD_OF(id);
	int part = PART_OF(id) - 1;
	if (i >= f->nfields || part < 0)
		return;
	const struct field *fd = &f->fields[i];
	switch (fd->type) {
	case FIELD_CHOICE:
		if ((size_t)part < fd->nchoices)
			intake_choose(&a->intake, i, fd->choices[part].id);
		break;
	case FIELD_OPTIONS: {
		const struct page *p = option_page(f, part);

		if (p != NULL) {
			intake_toggle(&a->intake, i, p->id);
			list_drop(&v->added, p->id); /* the visitor's own choice now */
		}
		break;
	}
	case FIELD_CONSENT:
		intake_set(&a->intake, i, str_eq(a->intake.values[i], "yes") ? "" : "yes");
		break;
	default:
		break;
	}
	v->touched[i] = true;
}

static bool
form_key(struct screen *s, const struct ui_key *k)
{
	struct app *a = s->app;
	struct form_view *v = s->data;
	int fi = doc_find(&a->doc, s->focus);
	const struct field *fd;
	size_t i;

	if (fi < 0 || a->doc.items[fi].kind != ITEM_INPUT)
		return false;
	i = FIELD_OF(s->focus);
	fd = &a->forms->fields[i];
	s->follow = true;
	enum edit_result r = edit_key(&a->intake.values[i], &v->cursor[i], fd->max, fd->type == FIELD_TEXTAREA, k);

	switch (r) {
	case EDIT_IGNORED:
		return false;
	case EDIT_CHANGED:
	case EDIT_MOVED:
	case EDIT_DROPPED:
		return true;
	case EDIT_FULL:
	case EDIT_BADKEY:
		app_edit_notice(a, r == EDIT_FULL, fd->max);
		return true;
	case EDIT_ENTER:
		break;
	}
	/* Enter in a one-line answer goes on to the next question. */
	v->touched[i] = true;
	struct ui_key tab = { .ch = L'\t', .mouse_y = -1, .mouse_x = -1 };
	doc_nav(&a->doc, &tab, &s->focus, &s->scroll);
	return true;
}

static void
form_set_text(struct screen *s, int id, const char *text)
{
	struct app *a = s->app;
	struct form_view *v = s->data;
	size_t i = FIELD_OF(id);

	if (i >= a->forms->nfields || PART_OF(id) != 0 || !is_text(&a->forms->fields[i]))
		return;
	if (charset_utf8_len(text) > (size_t)a->forms->fields[i].max) {
		app_edit_notice(a, true, a->forms->fields[i].max);
		return;
	}
	intake_set(&a->intake, i, text);
	v->cursor[i] = charset_utf8_len(text);
	v->touched[i] = true;
}

static const char *
form_help(struct screen *s)
{
	(void)s;
	return _("Fill in the questions. Move with Tab or the arrow keys. Choices: press Enter or the space bar to tick. Then choose \"Check my answers\". Nothing is sent before you see all your answers.");
}

static void
form_free(struct screen *s)
{
	struct form_view *v = s->data;

	free(v->cursor);
	free(v->touched);
	free(v->added);
	free(v);
}

static const struct screen_ops form_ops = {
	.title = form_title,
	.build = form_build,
	.activate = form_activate,
	.key = form_key,
	.set_text = form_set_text,
	.back = form_back,
	.help = form_help,
	.free = form_free,
};

struct screen *
scr_form_new(struct app *a, const char *added)
{
	struct form_view *v = xcalloc(1, sizeof *v);
	size_t n = a->forms->nfields;

	v->added = xstrdup(added != NULL ? added : "");
	v->cursor = xcalloc(n, sizeof *v->cursor);
	v->touched = xcalloc(n, sizeof *v->touched);
	v->focused = SIZE_MAX;
	for (size_t i = 0; i < n; i++)
		v->cursor[i] = charset_utf8_len(a->intake.values[i]);
	return screen_new(a, &form_ops, v, field_item(&a->forms->fields[0], 0));
}
