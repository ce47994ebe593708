/* scr_record.c: one request in full for staff: every answer with its label
 * in the staff member's language, the history, status changes and notes. */
#include "screen.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "answer_words.h"
#include "correct.h"
#include "site.h"
#include "record_correct.h"
#include "record_queue.h"
#include "staff.h"
#include "util.h"

enum { ID_STATUS = 1, ID_NOTE = 100, ID_UNDO, ID_CLOSE, ID_KEEP, ID_PERSON, ID_MINE, ID_ASSIGN, ID_UNASSIGN, ID_CALLBACK,
	ID_PICK_CANCEL, ID_CORRECT, ID_CORRECT_CANCEL, ID_PICK = 200, ID_FIELD = 300 };

/* The longest note. */
#define NOTE_MAX 2000

struct record_view {
	char ref[32];
	struct store_record r;
	bool loaded;
	/* The last status change made here, which "Undo" puts back while the
	 * request still has status undo_to; undo_from[0] == 0: none. */
	char undo_from[16], undo_to[16];
	/* Closing waits for a yes; closing_undo: the close is an undo. */
	bool closing, closing_undo;
	struct queue_pick pick; /* "Assign to...", while choosing */
	bool correcting;        /* "Correct...": choosing the field */
	size_t field;           /* the field being corrected (index in the form) */
	char question[200];     /* the question asked for it */
};

static void
reload(struct screen *s)
{
	struct record_view *v = s->data;
	enum store_rc rc;

	store_record_free(&v->r);
	rc = store_record(s->app->store, v->ref, &v->r);
	v->loaded = rc == STORE_OK;
	if (!v->loaded)
		app_notice(s->app, store_message(rc));
}

static const char *
record_title(struct screen *s)
{
	return ((struct record_view *)s->data)->ref;
}

static void
add_answer(struct screen *s, struct doc *d, const struct store_answer *an)
{
	struct record_view *v = s->data;
	const struct care_check *c = s->app->forms->care;
	char *label, *value;

	/* The band of "How are you doing?", which the caregiver chose to add:
	 * the check's title and the band's, as the caregiver saw them. */
	if (c != NULL && str_eq(an->field, INTAKE_CARE_FIELD)) {
		const struct care_band *b = care_band_find(c, an->value);

		doc_text(d, tr(&c->title), UI_HEADING, 0);
		doc_text(d, b != NULL ? tr(&b->title) : an->value, UI_NORMAL, 2);
		return;
	}
	label = answer_label(s->app->store, s->app->forms, v->r.form_version, an->field, "", true);
	value = answer_words(s->app->store, s->app->forms, v->r.form_version, an);

	doc_text(d, label, UI_HEADING, 0);
	doc_text(d, value, UI_NORMAL, 2);
	free(label);
	free(value);
}

/* The first day request r may be purged once closed: retention_months
 * after the day it came in (purge takes closed requests created before
 * today minus that period). */
static void
purge_day(const struct store_record *r, char *out, size_t size)
{
	struct tm tm = { .tm_hour = 12, .tm_isdst = -1 };

	if (sscanf(r->created, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3) {
		snprintf(out, size, "?");
		return;
	}
	tm.tm_year -= 1900;
	tm.tm_mon += site.retention_months - 1;
	tm.tm_mday += 1;
	mktime(&tm);
	strftime(out, size, "%Y-%m-%d", &tm);
}

/* Open longer than the site's overdue_days: it is kept, and said. */
static void
overdue_line(const struct store_record *r, struct doc *d)
{
	char cut[16], *line;

	site_overdue_day(cut);
	if (str_eq(r->status, "closed") || str_eq(r->status, "unreachable") || strcmp(r->created, cut) >= 0)
		return;
	/* L10N: the site's overdue_days. */
	line = xasprintf(_("Overdue: open for more than %d days. Close it, or mark it not reachable, when it is done."),
	    site.overdue_days);
	doc_text(d, line, UI_ERROR, 0);
	free(line);
}

/* Closing asks first, and says what follows from it. */
static void
confirm_close(struct screen *s, struct doc *d)
{
	struct record_view *v = s->data;
	char day[16], *line;

	purge_day(&v->r, day, sizeof day);
	doc_text(d, _("Close this request?"), UI_HEADING, 0);
	/* L10N: the retention period in months, then the first day it may go. */
	line = xasprintf(_("A closed request is deleted for good, with its answers, notes and history, once it is older than the retention period of %d months. For this request that is from %s on, at the next monthly clean-up. Until then you can change the status back."),
	    site.retention_months, day);
	doc_text(d, line, UI_NORMAL, 0);
	free(line);
	doc_blank(d);
	doc_button(d, ID_CLOSE, ID_CLOSE, 0, _("Yes, close the request"));
	line = xasprintf(_("No, keep the status %s"), store_status_label(v->r.status));
	doc_button(d, ID_KEEP, ID_KEEP, 0, line);
	free(line);
}

static void
record_build(struct screen *s, struct doc *d)
{
	struct record_view *v = s->data;
	const struct forms *f = s->app->forms;
	char *line;

	if (!v->loaded) {
		doc_text(d, _("This request cannot be read."), UI_ERROR, 0);
		doc_button(d, ID_BACK, ID_BACK, '0', _("Back"));
		return;
	}
	line = xasprintf(_("Received %.10s %.5s (UTC), in %s; form version %d"), v->r.created, v->r.created + 11,
	    i18n_language_name(v->r.ui_lang), v->r.form_version);
	doc_text(d, line, UI_NORMAL, 0);
	free(line);
	/* L10N: where the request was made; "-" for requests from before. */
	line = xasprintf(_("Location: %s"), *v->r.location ? v->r.location : "-");
	doc_text(d, line, UI_NORMAL, 0);
	free(line);
	line = xasprintf(_("Status: %s"), store_status_label(v->r.status));
	doc_text(d, line, UI_HEADING, 0);
	free(line);
	overdue_line(&v->r, d);
	queue_lines(&v->r, d);
	doc_blank(d);
	/* The answers in the order of the form; fields of older forms last. */
	for (size_t i = 0; i < f->nfields; i++)
		for (size_t k = 0; k < v->r.nanswers; k++)
			if (str_eq(v->r.answers[k].field, f->fields[i].id))
				add_answer(s, d, &v->r.answers[k]);
	for (size_t k = 0; k < v->r.nanswers; k++)
		if (forms_field(f, v->r.answers[k].field) == NULL)
			add_answer(s, d, &v->r.answers[k]);
	doc_blank(d);
	doc_text(d, _("History"), UI_HEADING, 0);
	if (v->r.nevents == 0)
		doc_text(d, _("No changes or notes yet."), UI_NORMAL, 2);
	for (size_t i = 0; i < v->r.nevents; i++) {
		const struct store_event *e = &v->r.events[i];

		if (e->note != NULL) {
			/* A note's first line beside who wrote it, the others below
			 * it, further in: a line of a note never looks like an event. */
			const char *nl = strchr(e->note, '\n');
			char *first = xstrndup(e->note, nl != NULL ? (size_t)(nl - e->note) : strlen(e->note));

			/* L10N: history: date, time, staff login, note. */
			line = xasprintf(_("%.10s %.5s %s: note: %s"), e->at, e->at + 11, e->staff, first);
			doc_text(d, line, UI_NORMAL, 2);
			if (nl != NULL)
				doc_text(d, nl + 1, UI_NORMAL, 4);
			free(first);
		} else if (e->assignee != NULL || e->callback != NULL) {
			line = queue_event(e);
			doc_text(d, line, UI_NORMAL, 2);
		} else if (e->corrected != NULL) {
			/* L10N: history: date, time, staff login, the field (Name, Phone). */
			line = xasprintf(_("%.10s %.5s %s: corrected %s"), e->at, e->at + 11, e->staff,
			    correct_label(f, e));
			doc_text(d, line, UI_NORMAL, 2);
		} else {
			/* L10N: history: date, time, staff login, old and new status. */
			line = xasprintf(_("%.10s %.5s %s: status %s -> %s"), e->at, e->at + 11, e->staff,
			    store_status_label(e->old_status), store_status_label(e->new_status));
			doc_text(d, line, UI_NORMAL, 2);
		}
		free(line);
	}
	doc_blank(d);
	if (v->closing) {
		confirm_close(s, d);
		return;
	}
	if (v->pick.on) {
		queue_pick_build(&v->pick, d, ID_PICK, ID_PICK_CANCEL);
		return;
	}
	if (v->correcting) {
		correct_pick_build(f, d, ID_FIELD, ID_CORRECT_CANCEL);
		return;
	}
	if (v->undo_from[0] != '\0' && str_eq(v->r.status, v->undo_to)) {
		line = xasprintf(_("Undo: back to status %s"), store_status_label(v->undo_from));
		doc_button(d, ID_UNDO, ID_UNDO, 'u', line);
		free(line);
	}
	for (int i = 0, key = '1'; i < STORE_NSTATUS; i++) {
		if (str_eq(v->r.status, store_statuses[i]))
			continue;
		line = xasprintf(_("Set status: %s"), store_status_label(store_statuses[i]));
		doc_button(d, ID_STATUS + i, ID_STATUS + i, (char)key++, line);
		free(line);
	}
	doc_button(d, ID_NOTE, ID_NOTE, 'n', _("Add a note"));
	doc_button(d, ID_PERSON, ID_PERSON, 'p', _("All data of this person"));
	doc_button(d, ID_CORRECT, ID_CORRECT, 'c', _("Correct name, phone or e-mail"));
	if (!str_eq(v->r.assignee, s->app->staff))
		doc_button(d, ID_MINE, ID_MINE, 'm', _("Assign to me"));
	doc_button(d, ID_ASSIGN, ID_ASSIGN, 'a', _("Assign to..."));
	if (*v->r.assignee)
		doc_button(d, ID_UNASSIGN, ID_UNASSIGN, 'r', _("Not assigned"));
	doc_button(d, ID_CALLBACK, ID_CALLBACK, 'b', _("Call back on..."));
	doc_button(d, ID_BACK, ID_BACK, '0', _("Back to the list"));
}

static void
note_done(struct app *a, void *ctx, const char *text)
{
	struct screen *s = ctx;
	struct record_view *v = s->data;
	enum store_rc rc;

	if (*text == '\0')
		return;
	rc = store_add_note(a->store, &v->r, text, a->staff);
	a->changes++;
	reload(s);
	app_notice(a, rc == STORE_OK ? _("The note has been saved.") : store_message(rc));
}

/* Store a new status (undo: the one before the last change here). */
static void
set_status(struct screen *s, const char *status, bool undo)
{
	struct record_view *v = s->data;
	struct app *a = s->app;
	char before[sizeof v->r.status], want[sizeof v->undo_from];
	enum store_rc rc;
	char *msg;

	/* status may be undo_from, which is cleared below. */
	snprintf(want, sizeof want, "%s", status);
	status = want;
	snprintf(before, sizeof before, "%s", v->r.status);
	rc = undo ? store_undo_status(a->store, &v->r, status, a->staff) :
	    store_set_status(a->store, &v->r, status, a->staff);
	a->changes++;
	/* Either way, show what is stored now. */
	reload(s);
	v->undo_from[0] = '\0';
	if (rc != STORE_OK) {
		app_notice(a, store_message(rc));
	} else if (undo) {
		msg = xasprintf(_("Undone: the status is %s again."), store_status_label(status));
		app_notice(a, msg);
		free(msg);
	} else {
		snprintf(v->undo_from, sizeof v->undo_from, "%s", before);
		snprintf(v->undo_to, sizeof v->undo_to, "%s", status);
		char *now = xasprintf(_("The status is now: %s"), store_status_label(status));

		/* L10N: after "The status is now: ...". */
		msg = xasprintf("%s. %s", now, _("You can undo this with \"Undo\"."));
		app_notice(a, msg);
		free(now);
		free(msg);
	}
	s->focus = ID_BACK;
}

/* Store an assignee ("": nobody) and say what is stored now. */
static void
assign(struct screen *s, const char *login)
{
	struct record_view *v = s->data;
	struct app *a = s->app;
	char who[STORE_LOGIN_MAX + 1], *name, *msg;
	enum store_rc rc;

	snprintf(who, sizeof who, "%s", login); /* login may be in v->pick */
	rc = store_set_assignee(a->store, &v->r, who, a->staff);
	a->changes++;
	reload(s);
	if (rc != STORE_OK) {
		app_notice(a, store_message(rc));
	} else if (*who == '\0') {
		app_notice(a, _("Nobody is assigned to this request now."));
	} else {
		name = staff_name(who);
		msg = xasprintf(_("Assigned to %s."), name);
		app_notice(a, msg);
		free(msg);
		free(name);
	}
	s->focus = ID_BACK;
}

static void
callback_done(struct app *a, void *ctx, const char *text)
{
	struct screen *s = ctx;
	struct record_view *v = s->data;
	enum store_rc rc;

	/* Empty: no call back day. */
	if (*text != '\0' && !date_valid(text)) {
		app_notice(a, _("Please write a date as YYYY-MM-DD, e.g. 2026-11-24."));
		return;
	}
	rc = store_set_callback(a->store, &v->r, text, a->staff);
	a->changes++;
	reload(s);
	app_notice(a, rc != STORE_OK ? store_message(rc) : *text ? _("The call back day has been saved.") :
	    _("There is no call back day now."));
}

static void correct_done(struct app *a, void *ctx, const char *text);

/* Ask for the new value of field v->field, starting from text. */
static void
correct_ask(struct screen *s, const char *text)
{
	struct record_view *v = s->data;
	const struct field *fd = &s->app->forms->fields[v->field];

	/* L10N: the field as staff read it (Name, Phone). */
	snprintf(v->question, sizeof v->question, _("The correct %s (empty: none):"), field_staff_label(fd));
	app_push(s->app, scr_prompt_new(s->app, N_("Correct"), v->question, text, fd->max, correct_done, s));
}

static void
correct_done(struct app *a, void *ctx, const char *text)
{
	struct screen *s = ctx;
	struct record_view *v = s->data;
	bool again;
	char *msg = correct_apply(a, &v->r, &a->forms->fields[v->field], text, &again);

	if (again) {
		correct_ask(s, text); /* nothing typed is lost */
	} else {
		a->changes++;
		reload(s);
		s->focus = ID_BACK;
	}
	app_notice(a, msg);
	free(msg);
}

static void
record_activate(struct screen *s, int id)
{
	struct record_view *v = s->data;
	struct app *a = s->app;

	if (id == ID_BACK) {
		app_pop(a);
	} else if (!v->loaded) {
		return;
	} else if (id == ID_NOTE) {
		app_push(a, scr_note_new(a, NOTE_MAX, note_done, s));
	} else if (id == ID_PERSON) {
		app_push(a, scr_person_new(a, v->ref));
	} else if (id == ID_MINE) {
		assign(s, a->staff);
	} else if (id == ID_UNASSIGN) {
		assign(s, "");
	} else if (id == ID_ASSIGN) {
		queue_pick_start(&v->pick);
		s->focus = v->pick.n ? ID_PICK : ID_PICK_CANCEL;
	} else if (id >= ID_PICK && v->pick.on && (size_t)(id - ID_PICK) < v->pick.n) {
		assign(s, v->pick.logins[id - ID_PICK]);
		queue_pick_end(&v->pick);
	} else if (id == ID_PICK_CANCEL) {
		queue_pick_end(&v->pick);
		s->focus = ID_BACK;
	} else if (id == ID_CORRECT) {
		v->correcting = true;
		s->focus = ID_CORRECT_CANCEL;
	} else if (id >= ID_FIELD && v->correcting && (size_t)(id - ID_FIELD) < a->forms->nfields) {
		const struct field *fd = &a->forms->fields[id - ID_FIELD];
		const char *text = "";

		v->correcting = false;
		v->field = (size_t)(id - ID_FIELD);
		for (size_t k = 0; k < v->r.nanswers; k++)
			if (str_eq(v->r.answers[k].field, fd->id))
				text = v->r.answers[k].value;
		correct_ask(s, text);
	} else if (id == ID_CORRECT_CANCEL) {
		v->correcting = false;
		s->focus = ID_BACK;
	} else if (id == ID_CALLBACK) {
		app_push(a, scr_prompt_new(a, N_("Call back"), N_("Call back on which day (YYYY-MM-DD)? Empty: none."),
		    v->r.callback, 10, callback_done, s));
	} else if (id == ID_UNDO || (id >= ID_STATUS && id < ID_STATUS + STORE_NSTATUS)) {
		bool undo = id == ID_UNDO;
		const char *status = undo ? v->undo_from : store_statuses[id - ID_STATUS];

		if (str_eq(status, "closed")) {
			v->closing = true;
			v->closing_undo = undo;
			s->focus = ID_KEEP;
		} else {
			set_status(s, status, undo);
		}
	} else if (id == ID_CLOSE && v->closing) {
		v->closing = false;
		set_status(s, "closed", v->closing_undo);
	} else if (id == ID_KEEP) {
		v->closing = false;
		app_notice(a, _("The status was not changed."));
		s->focus = ID_BACK;
	}
}

/* Esc: out of the question about closing, else back to the list. */
static void
record_back(struct screen *s)
{
	struct record_view *v = s->data;

	if (v->closing)
		record_activate(s, ID_KEEP);
	else if (v->pick.on)
		record_activate(s, ID_PICK_CANCEL);
	else if (v->correcting)
		record_activate(s, ID_CORRECT_CANCEL);
	else
		app_pop(s->app);
}

static const char *
record_help(struct screen *s)
{
	(void)s;
	return _("All answers of this request, and what staff did with it. Set a new status or add a note; both are kept with your name and the time. If someone else changed the request meanwhile, you are told and see the new state.\n"
	    "m assigns the request to you, a to another staff member, r to nobody; b sets the day to call back (YYYY-MM-DD).\n"
	    "c corrects the person's name, phone number or e-mail address: the old value is removed for good, and the history says who corrected what, and when.");
}

static void
record_free(struct screen *s)
{
	struct record_view *v = s->data;

	store_record_free(&v->r);
	queue_pick_end(&v->pick);
	free(v);
}

static const struct screen_ops record_ops = {
	.title = record_title,
	.build = record_build,
	.activate = record_activate,
	.back = record_back,
	.help = record_help,
	.free = record_free,
	.menu = true,
};

struct screen *
scr_record_new(struct app *a, const char *ref)
{
	struct record_view *v = xcalloc(1, sizeof *v);
	struct screen *s;

	snprintf(v->ref, sizeof v->ref, "%s", ref);
	s = screen_new(a, &record_ops, v, -1); /* read from the top */
	reload(s);
	if (v->loaded)
		store_audit(a->store, a->staff, "view", v->ref, NULL);
	return s;
}
