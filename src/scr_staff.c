/* scr_staff.c: the staff list of requests, newest first, a page at a time
 * (keyset paging: only the rows shown are read), with filters, search and
 * export. */
#include "screen.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "charset.h"
#include "cli.h"
#include "export_xlsx.h"
#include "fetch.h"
#include "outfile.h"
#include "site.h"
#include "text.h"
#include "util.h"

enum { ID_ROW = 1, ID_OLDER = 1000, ID_NEWER };

/* The views of the work queue, in the order key a shows them. */
enum { QUEUE_ALL, QUEUE_MINE, QUEUE_FREE, QUEUE_OVERDUE, QUEUE_VIEWS };
static const char *const queue_names[QUEUE_VIEWS] = {
	N_("all"), N_("mine"), N_("not assigned"), N_("overdue"),
};

struct staff_list {
	char *status, *option, *since, *until, *search; /* filters; NULL: any */
	char *location; /* where requests were made (several kiosks); NULL: any */
	int queue; /* QUEUE_ALL, QUEUE_MINE, QUEUE_FREE or QUEUE_OVERDUE */
	char today[16]; /* for QUEUE_OVERDUE: YYYY-MM-DD, local */
	char open_before[16]; /* and requests still open that came in before it */
	const char *staff; /* the login using the list */
	const char *name_field, *options_field;
	const char *search_fields[8];
	size_t nsearch;
	struct store_row *rows;
	size_t nrows;
	bool more_older, more_newer;
	unsigned seen_changes;
	int page;
	char *fetch; /* the command that fetches the last export, or NULL */
};

static struct store_filter
list_filter(const struct staff_list *l)
{
	struct store_filter f = {
		.status = l->status, .option = l->option, .since = l->since, .until = l->until,
		.search = l->search, .location = l->location, .options_field = l->options_field,
		.search_fields = l->search_fields, .nsearch = l->nsearch,
		.assignee = l->queue == QUEUE_MINE ? l->staff : l->queue == QUEUE_FREE ? "" : NULL,
		.callback_before = l->queue == QUEUE_OVERDUE ? l->today : NULL,
		.open_before = l->queue == QUEUE_OVERDUE ? l->open_before : NULL,
	};

	return f;
}

/* Rows per page: what fits under the filters, above the way on (and the
 * two lines on fetching the last export). */
static int
page_size(const struct staff_list *l)
{
	int n = LINES - 8 - (l->fetch ? 2 : 0) - (l->queue != QUEUE_ALL);

	return n > 5 ? n : 5;
}

/* Read a page: from key in direction dir (see store_list), or the newest. */
static void
load(struct screen *s, const struct store_key *key, int dir)
{
	struct staff_list *l = s->data;
	struct store_filter f = list_filter(l);
	struct store_row *rows, *probe;
	size_t n, np;
	int page = page_size(l);
	enum store_rc rc;

	/* One row more than shown tells whether there is a next page. */
	rc = store_list(s->app->store, &f, l->name_field, key, dir, page + 1, &rows, &n);
	if (rc != STORE_OK) {
		store_rows_free(rows, n);
		app_notice(s->app, store_message(rc));
		return;
	}
	if (n == 0 && key != NULL && dir != 0) {
		store_rows_free(rows, n); /* nothing further that way: stay */
		return;
	}
	if (dir < 0 && n > (size_t)page) { /* newer rows come back newest first */
		free(rows[0].name);
		free(rows[0].options);
		memmove(rows, rows + 1, --n * sizeof *rows);
	}
	if (n > (size_t)page) {
		free(rows[page].name);
		free(rows[page].options);
		n = (size_t)page;
	}
	store_rows_free(l->rows, l->nrows);
	l->rows = rows;
	l->nrows = n;
	l->page = page;
	l->more_older = l->more_newer = false;
	if (n > 0) {
		store_list(s->app->store, &f, l->name_field, &rows[n - 1].key, 1, 1, &probe, &np);
		l->more_older = np > 0;
		store_rows_free(probe, np);
		store_list(s->app->store, &f, l->name_field, &rows[0].key, -1, 1, &probe, &np);
		l->more_newer = np > 0;
		store_rows_free(probe, np);
	}
	l->seen_changes = s->app->changes;
}

static const char *
list_title(struct screen *s)
{
	(void)s;
	return _("Requests for contact");
}

/* s cropped or padded to exactly cols columns, as the terminal shows it:
 * measured in what it shows (on a terminal of another charset a letter it
 * lacks is one "?", with its marks; a wide one too), so that the columns
 * after it stay in line. Caller frees. */
static char *
column(const char *s, int cols)
{
	size_t n;
	wchar_t *w = charset_display(s, &n);
	size_t fit = text_fit(w, n, cols);
	int pad = cols - text_width(w, fit);
	char *head = charset_utf8(w, fit), *out = xasprintf("%s%*s", head, pad > 0 ? pad : 0, "");

	free(head);
	free(w);
	return out;
}

/* The heading of the list's columns, padded by columns on screen, not
 * bytes (Cyrillic takes two bytes a letter). Caller frees. */
static char *
list_head(bool overdue)
{
	char *c[5], *head;

	c[0] = column(_("Reference"), 13);
	c[1] = column(_("Date"), 10);
	c[2] = column(_("Name"), 16);
	/* L10N: staff list column in the overdue view, at most 15 wide. */
	c[3] = column(overdue ? _("Why overdue") : _("Status"), 15);
	/* L10N: staff list column, at most 5 wide: the login a request is assigned to. */
	c[4] = column(_("Who"), 5);
	head = xasprintf("    %s %s %s %s %s %s", c[0], c[1], c[2], c[3], c[4], _("Options"));
	for (size_t i = 0; i < 5; i++)
		free(c[i]);
	return head;
}

/* The titles of the pages in an options answer, joined. Caller frees. */
static char *
option_titles(const struct forms *f, const char *list)
{
	char *out = xstrdup("");

	for (size_t p = 0; p < f->npages; p++)
		if (intake_has_id(list, f->pages[p].id)) {
			char *t = xasprintf("%s%s%s", out, *out ? ", " : "", tr(&f->pages[p].title));
			free(out);
			out = t;
		}
	return out;
}

/* Why r is overdue (the overdue view): the call back day passed, or open
 * too long. Caller frees. */
static char *
overdue_reason(const struct staff_list *l, const struct store_row *r)
{
	if (*r->callback && strcmp(r->callback, l->today) < 0)
		/* L10N: the overdue view's reason, at most 15 wide: the call back day passed. */
		return xstrdup(_("call back"));
	/* L10N: the overdue view's reason, at most 15 wide: the site's overdue_days. */
	return xasprintf(_("open > %d days"), site.overdue_days);
}

/* One row as one line of at most width columns; in the overdue view, the
 * reason in place of the status. Caller frees. */
static char *
row_label(const struct staff_list *l, const struct forms *f, const struct store_row *r, int width)
{
	char date[11], *name, *status, *ref, *opts = option_titles(f, r->options), *line, *out, *who;
	char *why = l->queue == QUEUE_OVERDUE ? overdue_reason(l, r) : xstrdup(store_status_label(r->status));

	snprintf(date, sizeof date, "%.10s", r->key.created);
	ref = column(r->ref, 13);
	name = column(r->name, 16);
	status = column(why, 15);
	free(why);
	who = column(r->assignee, 5); /* the login, short: the line fits 80 columns */
	line = xasprintf("%s %s %s %s %s %s", ref, date, name, status, who, opts);
	out = column(line, width - 4);
	free(who);
	free(ref);
	free(name);
	free(status);
	free(opts);
	free(line);
	return out;
}

/* One line while any page's facts are overdue for checking. */
static void
review_warning(const struct forms *f, struct doc *d)
{
	struct day t = guide_today();
	char *list = NULL, *line;
	size_t n = forms_review(f, form_date(t.year, t.month, t.day), site.review_days, &list);

	free(list);
	if (n == 0)
		return;
	/* L10N: staff list; %zu: how many pages, flows or files of forms/. */
	line = xasprintf(_("Facts overdue for checking on %zu page(s) of the kiosk: run zorgkiosk check-forms."), n);
	doc_text(d, line, UI_NOTICE, 0);
	free(line);
}

static void
list_build(struct screen *s, struct doc *d)
{
	struct staff_list *l = s->data;
	const struct forms *f = s->app->forms;
	const struct page *op = l->option ? forms_page(f, l->option) : NULL;
	char *line, *head;

	review_warning(f, d);

	/* Read again after a change in a request, or when the page size changed. */
	if (l->seen_changes != s->app->changes || l->page != page_size(l)) {
		struct store_key top = l->nrows ? l->rows[0].key : (struct store_key){ "", 0 };

		load(s, l->nrows ? &top : NULL, 0);
	}
	/* L10N: the filters of the staff list; "-" where none is set. */
	line = xasprintf(_("Status: %s | Option: %s | From: %s | Until: %s | Search: %s"),
	    l->status ? store_status_label(l->status) : _("all"), op ? tr(&op->title) : _("all"),
	    l->since ? l->since : "-", l->until ? l->until : "-", l->search ? l->search : "-");
	if (l->location != NULL) { /* only when set: the line fits 80 columns */
		char *where = xasprintf(_("Location: %s"), l->location), *both = xasprintf("%s | %s", line, where);

		free(line);
		free(where);
		line = both;
	}
	doc_text(d, line, UI_NORMAL, 0);
	free(line);
	/* A line of its own (page_size counts it): the filters fill the one above. */
	if (l->queue != QUEUE_ALL) {
		/* L10N: the work queue view of the staff list: mine, not assigned, overdue. */
		line = xasprintf(_("View: %s"), _(queue_names[l->queue]));
		doc_text(d, line, UI_HEADING, 0);
		free(line);
	}
	/* Above the list, where a notice never covers it. */
	if (l->fetch != NULL) {
		doc_text(d, _("To take the export home, type on your own computer:"), UI_NORMAL, 0);
		doc_text(d, l->fetch, UI_HEADING, 2);
	}
	head = list_head(l->queue == QUEUE_OVERDUE);
	doc_text(d, head, UI_HEADING, 0);
	free(head);
	if (l->nrows == 0)
		doc_text(d, _("No requests match."), UI_NORMAL, 4);
	for (size_t i = 0; i < l->nrows; i++) {
		line = row_label(l, f, &l->rows[i], d->width);
		doc_button(d, ID_ROW + (int)i, ID_ROW + (int)i, 0, line);
		free(line);
	}
	/* The way on: the rows are one line each, so these fit below. */
	if (l->more_newer)
		doc_button(d, ID_NEWER, ID_NEWER, 0, _("Newer requests (Page Up)"));
	if (l->more_older)
		doc_button(d, ID_OLDER, ID_OLDER, 0, _("Older requests (Page Down)"));
	doc_text(d, _("/ search  s o d p a filter  c clear  w Excel  e CSV  j JSON  q quit"),
	    UI_NORMAL, 0);
}

static void
page_older(struct screen *s)
{
	struct staff_list *l = s->data;

	if (l->nrows > 0 && l->more_older) {
		struct store_key k = l->rows[l->nrows - 1].key;

		load(s, &k, 1);
		s->focus = ID_ROW;
	}
}

static void
page_newer(struct screen *s)
{
	struct staff_list *l = s->data;

	if (l->nrows > 0 && l->more_newer) {
		struct store_key k = l->rows[0].key;

		load(s, &k, -1);
		s->focus = ID_ROW + (int)l->nrows - 1;
	}
}

static void
list_activate(struct screen *s, int id)
{
	struct staff_list *l = s->data;

	if (id == ID_OLDER)
		page_older(s);
	else if (id == ID_NEWER)
		page_newer(s);
	else if (id >= ID_ROW && (size_t)(id - ID_ROW) < l->nrows)
		app_push(s->app, scr_record_new(s->app, l->rows[id - ID_ROW].ref));
}

/* Set a filter string (empty: none) and read the first page again. */
static void
set_filter(struct screen *s, char **slot, const char *value)
{
	free(*slot);
	*slot = value && *value ? xstrdup(value) : NULL;
	load(s, NULL, 0);
	s->focus = ID_ROW;
	s->scroll = 0;
}

static struct screen *
list_of(struct app *a)
{
	return a->stack[0];
}

static void
search_done(struct app *a, void *ctx, const char *text)
{
	(void)ctx;
	set_filter(list_of(a), &((struct staff_list *)list_of(a)->data)->search, text);
}

/* An empty answer means "no limit". */
static bool
valid_day(const char *t)
{
	return *t == '\0' || date_valid(t);
}

static void
until_done(struct app *a, void *ctx, const char *text)
{
	(void)ctx;
	if (!valid_day(text)) {
		app_notice(a, _("Please write a date as YYYY-MM-DD, e.g. 2026-11-24."));
		return;
	}
	set_filter(list_of(a), &((struct staff_list *)list_of(a)->data)->until, text);
}

static void
since_done(struct app *a, void *ctx, const char *text)
{
	struct staff_list *l = list_of(a)->data;

	(void)ctx;
	if (!valid_day(text)) {
		app_notice(a, _("Please write a date as YYYY-MM-DD, e.g. 2026-11-24."));
		return;
	}
	set_filter(list_of(a), &l->since, text);
	app_push(a, scr_prompt_new(a, N_("Dates"), N_("Until which date (YYYY-MM-DD)? Empty: no end."),
	    l->until, 10, until_done, NULL));
}

/* Export the list to a new file in the staff export folder, named by the
 * program: staff are never asked for a path (see outfile.h). format is
 * "xlsx" (the workbook, the way into a spreadsheet), "csv" or "json". */
static void
export_list(struct app *a, const char *format)
{
	struct staff_list *l = list_of(a)->data;
	struct store_filter f = list_filter(l);
	struct passwd *pw = getpwuid(getuid());
	char *path = NULL, *why = NULL, *msg;
	FILE *out = pw ? outfile_in_folder(pw->pw_dir, site.export_folder,
	    format, &path, &why) : NULL;
	int count = 0;
	enum store_rc rc;
	struct screen *busy;
	struct store_progress progress;

	if (out == NULL) {
		msg = xasprintf(_("Nothing was exported: %s"), why ? why : strerror(ENOENT));
		app_notice(a, msg);
		free(msg);
		free(why);
		return;
	}
	/* Many requests take a while: a screen says how far it is meanwhile. */
	busy = scr_progress_new(a, N_("Export"),
	    N_("The requests in the list are written to a new file in your export folder."));
	progress = (struct store_progress){ scr_progress_step, busy };
	app_push(a, busy);
	if (str_eq(format, "xlsx"))
		rc = export_xlsx(a->store, a->forms, &f, out, &count, &progress);
	else
		rc = cli_export(a->store, a->forms, &f, format, out, &count, &progress);
	if (fclose(out) != 0 && rc == STORE_OK)
		rc = STORE_FULL;
	app_pop(a);
	if (rc != STORE_OK)
		unlink(path);
	msg = xasprintf("%s, %d requests, from the staff list", format, count);
	store_audit_result(a->store, a->staff, "export", NULL, rc == STORE_OK, msg);
	free(msg);
	/* L10N: after an export: how many requests, and the file. */
	msg = rc == STORE_OK ? xasprintf(ngettext("Exported %d request to %s.", "Exported %d requests to %s.",
	    (unsigned long)count), count, path)
	    : xstrdup(store_message(rc));
	if (rc == STORE_OK) {
		free(l->fetch);
		l->fetch = fetch_command(strrchr(path, '/') + 1);
	}
	app_notice(a, msg);
	free(msg);
	free(path);
}

/* The next value in a cycle through all, then each of the values. */
static const char *
cycle(const char *cur, const char *const *values, size_t n)
{
	if (cur == NULL)
		return n > 0 ? values[0] : NULL;
	for (size_t i = 0; i + 1 < n; i++)
		if (str_eq(cur, values[i]))
			return values[i + 1];
	return NULL;
}

/* The location filter: all, then each location requests were made at. */
static void
cycle_location(struct screen *s)
{
	struct staff_list *l = s->data;
	char **names;
	size_t n;
	enum store_rc rc = store_locations(s->app->store, &names, &n);

	if (rc != STORE_OK)
		app_notice(s->app, store_message(rc));
	else if (n == 0 && l->location == NULL)
		app_notice(s->app, _("No request has a location yet."));
	else
		set_filter(s, &l->location, cycle(l->location, (const char *const *)names, n));
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static bool
list_key(struct screen *s, const struct ui_key *k)
{
	struct staff_list *l = s->data;
	struct app *a = s->app;
	const struct forms *f = a->forms;

	if (k->code == KEY_NPAGE) {
		page_older(s);
		return true;
	}
	if (k->code == KEY_PPAGE) {
		page_newer(s);
		return true;
	}
	if (k->code == KEY_DOWN && s->focus == ID_ROW + (int)l->nrows - 1 && l->more_older) {
		page_older(s);
		return true;
	}
	if (k->code == KEY_UP && s->focus == ID_ROW && l->more_newer) {
		page_newer(s);
		s->focus = ID_ROW + (int)l->nrows - 1;
		return true;
	}
	if (k->code == KEY_HOME) {
		load(s, NULL, 0);
		s->focus = ID_ROW;
		return true;
	}
	switch (k->code == 0 ? k->ch : 0) {
	case L'/':
		app_push(a, scr_prompt_new(a, N_("Search"), N_("Search for a name, phone number, e-mail address or reference:"),
		    l->search, 100, search_done, NULL));
		return true;
	case L's': {
		const char *next = cycle(l->status, store_statuses, STORE_NSTATUS);
		set_filter(s, &l->status, next);
		return true;
	}
	case L'o': {
		const char *ids[16];
		size_t n = 0;

		for (size_t p = 0; p < f->npages && n < 16; p++)
			if (f->pages[p].request)
				ids[n++] = f->pages[p].id;
		set_filter(s, &l->option, cycle(l->option, ids, n));
		return true;
	}
	case L'p':
		cycle_location(s);
		return true;
	case L'a': {
		time_t now = time(NULL);
		struct tm tm;

		/* Overdue: a call back day before today (local), or open
		 * longer than the site's overdue_days. */
		localtime_r(&now, &tm);
		strftime(l->today, sizeof l->today, "%Y-%m-%d", &tm);
		site_overdue_day(l->open_before);
		l->queue = (l->queue + 1) % QUEUE_VIEWS;
		load(s, NULL, 0);
		s->focus = ID_ROW;
		s->scroll = 0;
		return true;
	}
	case L'd':
		app_push(a, scr_prompt_new(a, N_("Dates"), N_("From which date (YYYY-MM-DD)? Empty: no start."),
		    l->since, 10, since_done, NULL));
		return true;
	case L'c':
		free(l->status);
		free(l->option);
		free(l->since);
		free(l->until);
		free(l->location);
		l->status = l->option = l->since = l->until = l->location = NULL;
		l->queue = QUEUE_ALL;
		set_filter(s, &l->search, NULL);
		return true;
	case L'e':
		export_list(a, "csv");
		return true;
	case L'x': /* was the CSV for Excel */
		app_notice(a, _("For Excel or LibreOffice, press w: it writes a workbook that opens right in both."));
		return true;
	case L'w':
		export_list(a, "xlsx");
		return true;
	case L'j':
		export_list(a, "json");
		return true;
	case L'q':
		a->quit = true;
		return true;
	default:
		return false;
	}
}

static void
list_back(struct screen *s)
{
	(void)s; /* the first screen; q quits */
}

static const char *
list_help(struct screen *s)
{
	(void)s;
	return _("The requests left at the kiosk, newest first. Enter opens one. Page Down and Page Up show older and newer requests.\n"
	    "- / searches in names, phone numbers, e-mail addresses and references.\n"
	    "- s, o, d and p filter by status, option, dates and location (where the request was made); c clears the filters.\n"
	    "- a shows in turn the requests assigned to you, those assigned to nobody, and the overdue ones: their call back day has passed (not closed), or they are open longer than the site allows.\n"
	    "- w, e and j export the requests in the list to a new file in your export folder: w an Excel workbook with "
	    "statistics and a chart (for Excel or LibreOffice), e CSV and j JSON (for programs). The list then shows the command (scp -O ...) that copies it to"
	    " your own computer; old exports are removed after a few days.\n"
	    "- q quits. Every view, change and export is recorded with your name.");
}

static void
list_free(struct screen *s)
{
	struct staff_list *l = s->data;

	store_rows_free(l->rows, l->nrows);
	free(l->status);
	free(l->option);
	free(l->since);
	free(l->until);
	free(l->location);
	free(l->search);
	free(l->fetch);
	free(l);
}

static const struct screen_ops list_ops = {
	.title = list_title,
	.build = list_build,
	.activate = list_activate,
	.key = list_key,
	.back = list_back,
	.help = list_help,
	.free = list_free,
	.menu = true,
};

struct screen *
scr_staff_new(struct app *a)
{
	struct staff_list *l = xcalloc(1, sizeof *l);
	struct screen *s;

	/* The columns come from the form: the first text field is the name. */
	for (size_t i = 0; i < a->forms->nfields; i++) {
		const struct field *fd = &a->forms->fields[i];

		if (fd->type == FIELD_TEXT && l->name_field == NULL)
			l->name_field = fd->id;
		if (fd->type == FIELD_OPTIONS)
			l->options_field = fd->id;
	}
	l->nsearch = forms_search_fields(a->forms, l->search_fields, sizeof l->search_fields / sizeof l->search_fields[0]);
	l->staff = a->staff;
	s = screen_new(a, &list_ops, l, ID_ROW);
	load(s, NULL, 0);
	return s;
}
