/* cli.c: export (CSV per RFC 4180, or JSON through jansson), stats, purge
 * and audit; see cli.h. */
#include "cli.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alerts.h"
#include "charset.h"
#include "export_csv.h"
#include "export_purge.h"
#include "export_xlsx.h"
#include "guide.h"
#include "intake.h"
#include "outfile.h"
#include "site.h"
#include "events.h"
#include "util.h"

static const char *const commands[] = { "export", "stats", "purge", "audit", "alerts", "erase", "access", "correct", NULL };

bool
cli_is_command(const char *name)
{
	for (size_t i = 0; commands[i]; i++)
		if (str_eq(name, commands[i]))
			return true;
	return false;
}

static bool
valid_status(const char *s)
{
	for (int i = 0; i < STORE_NSTATUS; i++)
		if (str_eq(s, store_statuses[i]))
			return true;
	return false;
}

/* Parse "12m", "30d", "8w" or "2y" into a cutoff date. */
static bool
cutoff_date(const char *period, char *out, size_t size)
{
	char unit, *end;
	long n = strtol(period, &end, 10);
	time_t now = time(NULL);
	struct tm tm;

	if (end == period || n < 1 || n > 1200 || strlen(end) != 1)
		return false;
	unit = *end;
	localtime_r(&now, &tm);
	tm.tm_hour = 12;
	if (unit == 'd')
		tm.tm_mday -= (int)n;
	else if (unit == 'w')
		tm.tm_mday -= (int)n * 7;
	else if (unit == 'm')
		tm.tm_mon -= (int)n;
	else if (unit == 'y')
		tm.tm_year -= (int)n;
	else
		return false;
	mktime(&tm);
	strftime(out, size, "%Y-%m-%d", &tm);
	return true;
}

bool
cli_check(const char *command, const struct cli_args *a)
{
	const char *bad = NULL;
	char cut[16];

	if (a->since && !date_valid(a->since))
		bad = a->since;
	else if (a->until && !date_valid(a->until))
		bad = a->until;
	if (bad != NULL) {
		fprintf(stderr, _("zorgkiosk: '%s' is not a date; write it as YYYY-MM-DD.\n"), bad);
		return false;
	}
	if (a->status && !valid_status(a->status)) {
		fprintf(stderr, _("zorgkiosk: '%s' is not a status; use new, contacted, referred, closed or unreachable.\n"),
		    a->status);
		return false;
	}
	/* The CSV for Excel is gone (a spreadsheet guesses at any CSV): an old
	 * script that asks for it is told, not given another format. */
	if (str_eq(command, "export") && a->excel) {
		fprintf(stderr, _("zorgkiosk: export --excel is no longer there. For Excel or LibreOffice use --format xlsx, a workbook that opens right in both; --format csv is plain CSV for programs.\n"));
		return false;
	}
	if (str_eq(command, "export") && a->format && !str_eq(a->format, "csv") && !str_eq(a->format, "json") &&
	    !str_eq(a->format, "xlsx")) {
		fprintf(stderr, _("zorgkiosk: export --format takes csv, json or xlsx.\n"));
		return false;
	}
	/* A workbook is binary: on a terminal it would only garble the screen. */
	if (str_eq(command, "export") && str_eq(a->format, "xlsx") && (a->output == NULL || str_eq(a->output, "-")) &&
	    isatty(STDOUT_FILENO)) {
		fprintf(stderr, _("zorgkiosk: an Excel workbook cannot be shown on the terminal; write it to a file with -o or redirect the output.\n"));
		return false;
	}
	if (a->verify && !str_eq(command, "audit")) {
		fprintf(stderr, _("zorgkiosk: --verify is for the audit command.\n"));
		return false;
	}
	if (a->daily && !str_eq(command, "alerts")) {
		fprintf(stderr, _("zorgkiosk: --daily is for the alerts command.\n"));
		return false;
	}
	if (str_eq(command, "stats") && a->format && !str_eq(a->format, "table") && !str_eq(a->format, "csv")) {
		fprintf(stderr, _("zorgkiosk: stats --format takes table or csv.\n"));
		return false;
	}
	if (str_eq(command, "correct") && (a->ref == NULL || a->field == NULL)) {
		fprintf(stderr, _("zorgkiosk: correct takes the reference of a request and the field to correct, such as: correct MZ-2026-0042 phone. It reads the new value from standard input.\n"));
		return false;
	}
	if ((str_eq(command, "erase") || str_eq(command, "access")) && (a->ref == NULL || *a->ref == '\0')) {
		fprintf(stderr, _("zorgkiosk: %s takes the reference of a request, such as MZ-2026-0042.\n"), command);
		return false;
	}
	if (a->yes && !str_eq(command, "erase")) {
		fprintf(stderr, _("zorgkiosk: --yes is for the erase command.\n"));
		return false;
	}
	if (str_eq(command, "purge") && a->older_than != NULL && !cutoff_date(a->older_than, cut, sizeof cut)) {
		fprintf(stderr, _("zorgkiosk: purge --older-than takes a period such as 12m, 30d, 8w or 2y.\n"));
		return false;
	}
	return true;
}

/* A JSON string of a stored value; text that is not valid UTF-8 (written
 * into the database by something else) gets U+FFFD for the bad bytes. */
static json_t *
json_text(const char *v)
{
	json_t *j = json_string(v);
	char *fixed;

	if (j != NULL)
		return j;
	fixed = charset_filter(v, true, true);
	j = json_string(fixed);
	free(fixed);
	return j;
}

struct export_ctx {
	const struct forms *f;
	FILE *out;
	bool json;
	int count;
};

/* v as JSON: null for NULL or, when empty_null, "". */
static json_t *
json_or_null(const char *v, bool empty_null)
{
	return v == NULL || (empty_null && *v == '\0') ? json_null() : json_text(v);
}

/* The history of r, oldest first: one object per status change, note,
 * assignment or call back day, with "what" saying which. */
static json_t *
json_history(const struct store_record *r)
{
	json_t *h = json_array();

	for (size_t i = 0; i < r->nevents; i++) {
		const struct store_event *e = &r->events[i];
		json_t *o = json_object();

		json_object_set_new(o, "at", json_text(e->at));
		json_object_set_new(o, "staff", json_text(e->staff));
		if (e->note != NULL) {
			json_object_set_new(o, "what", json_string("note"));
			json_object_set_new(o, "note", json_text(e->note));
		} else if (e->assignee != NULL) {
			json_object_set_new(o, "what", json_string("assign"));
			json_object_set_new(o, "assignee", json_or_null(e->assignee, true));
		} else if (e->callback != NULL) {
			json_object_set_new(o, "what", json_string("callback"));
			json_object_set_new(o, "callback", json_or_null(e->callback, true));
		} else if (e->corrected != NULL) {
			json_object_set_new(o, "what", json_string("correct"));
			json_object_set_new(o, "field", json_text(e->corrected));
		} else {
			json_object_set_new(o, "what", json_string("status"));
			json_object_set_new(o, "old_status", json_or_null(e->old_status, false));
			json_object_set_new(o, "new_status", json_or_null(e->new_status, false));
		}
		json_array_append_new(h, o);
	}
	return h;
}

static void
export_one(void *ctx, const struct store_record *r)
{
	struct export_ctx *x = ctx;
	const struct forms *f = x->f;

	if (x->json) {
		json_t *o = json_object(), *answers = json_object();

		json_object_set_new(o, "ref", json_text(r->ref));
		json_object_set_new(o, "created_at", json_text(r->created));
		json_object_set_new(o, "status", json_text(r->status));
		json_object_set_new(o, "language", json_text(r->ui_lang));
		json_object_set_new(o, "form_version", json_integer(r->form_version));
		/* Where it was made; null for requests stored before locations. */
		json_object_set_new(o, "location", *r->location ? json_text(r->location) : json_null());
		for (size_t i = 0; i < r->nanswers; i++) {
			const struct field *fd = forms_field(f, r->answers[i].field);
			json_t *v;

			if (fd != NULL && fd->type == FIELD_OPTIONS) {
				char *list = xstrdup(r->answers[i].value), *save = NULL;

				v = json_array();
				for (char *id = strtok_r(list, ",", &save); id; id = strtok_r(NULL, ",", &save))
					json_array_append_new(v, json_text(id));
				free(list);
			} else {
				v = json_text(r->answers[i].value);
			}
			json_object_set_new(answers, r->answers[i].field, v ? v : json_null());
		}
		json_object_set_new(o, "answers", answers);
		/* The team's work: who handles it, when to call back, and what
		 * staff did (null and [] when nothing). */
		json_object_set_new(o, "assignee", json_or_null(r->assignee, true));
		json_object_set_new(o, "callback", json_or_null(r->callback, true));
		json_object_set_new(o, "history", json_history(r));
		fputs(x->count ? ",\n  " : "\n  ", x->out);
		/* Invisible characters stay in the data, escaped: a JSON reader
		 * gets the value as stored, a person reading the file sees
		 * \u202e where a bidi control would have turned the line. */
		char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		char *shown = text ? charset_json_visible(text) : NULL;

		if (shown != NULL)
			fputs(shown, x->out);
		free(shown);
		free(text);
		json_decref(o);
	} else {
		csv_cell(x->out, r->ref, true);
		csv_cell(x->out, r->created, false);
		csv_cell(x->out, r->status, false);
		csv_cell(x->out, r->ui_lang, false);
		for (size_t i = 0; i < f->nfields; i++)
			csv_cell(x->out, store_record_answer(r, f->fields[i].id), false);
		if (f->care != NULL)
			csv_cell(x->out, store_record_answer(r, INTAKE_CARE_FIELD), false);
		csv_cell(x->out, r->location, false); /* last: old readers keep their columns */
		fputs("\r\n", x->out);
	}
	x->count++;
}

enum store_rc
cli_export(struct store *s, const struct forms *f, const struct store_filter *flt,
    const char *format, FILE *out, int *count, const struct store_progress *progress)
{
	struct export_ctx x = { .f = f, .out = out, .json = str_eq(format, "json") };
	enum store_rc rc;

	if (x.json) {
		fputc('[', out);
	} else {
		static const char *const head[] = { "ref", "created_at", "status", "language" };

		for (size_t i = 0; i < 4; i++)
			csv_cell(out, head[i], i == 0);
		for (size_t i = 0; i < f->nfields; i++)
			csv_cell(out, f->fields[i].id, false);
		/* The band of "How are you doing?", when the caregiver added it. */
		if (f->care != NULL)
			csv_cell(out, INTAKE_CARE_FIELD, false);
		csv_cell(out, "location", false);
		fputs("\r\n", out);
	}
	rc = store_each(s, flt, export_one, &x, progress);
	if (x.json)
		fputs(x.count ? "\n]\n" : "]\n", out);
	*count = x.count;
	return rc;
}

/* Counts per month and key (option or status). */
struct tally_row {
	char month[8];
	char key[48];
	long long n;
};

struct tally {
	struct tally_row *rows;
	size_t n;
};

static void
tally_add(struct tally *t, const char *month, const char *key, long long n)
{
	for (size_t i = 0; i < t->n; i++)
		if (str_eq(t->rows[i].month, month) && str_eq(t->rows[i].key, key)) {
			t->rows[i].n += n;
			return;
		}
	t->rows = xreallocarray(t->rows, t->n + 1, sizeof *t->rows);
	snprintf(t->rows[t->n].month, sizeof t->rows[t->n].month, "%s", month);
	snprintf(t->rows[t->n].key, sizeof t->rows[t->n].key, "%s", key);
	t->rows[t->n++].n = n;
}

struct stats_ctx {
	struct tally options, statuses;
};

/* One group counted by store_stats: n requests of month with status and
 * these options ticked. */
static void
stats_group(void *ctx, const char *month, const char *status, const char *options, long long n)
{
	struct stats_ctx *c = ctx;
	char *list = xstrdup(options), *save = NULL;

	tally_add(&c->statuses, month, status, n);
	for (char *id = strtok_r(list, ",", &save); id; id = strtok_r(NULL, ",", &save))
		tally_add(&c->options, month, id, n);
	free(list);
}

static int
month_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static long long
tally_count(const struct tally *t, const char *month, const char *key)
{
	for (size_t i = 0; i < t->n; i++)
		if (str_eq(t->rows[i].month, month) && str_eq(t->rows[i].key, key))
			return t->rows[i].n;
	return 0;
}

/* Print t month by month, the keys in the order given (the menu's order of
 * options, the order of the work for statuses). */
static void
print_tally(struct tally *t, const char *kind, const char *const *keys, size_t nkeys,
    const struct forms *f, bool csv)
{
	char (*months)[8] = xcalloc(t->n + 1, sizeof *months);
	size_t nm = 0;

	for (size_t i = 0; i < t->n; i++) {
		bool seen = false;

		for (size_t k = 0; k < nm && !seen; k++)
			seen = str_eq(months[k], t->rows[i].month);
		if (!seen)
			memcpy(months[nm++], t->rows[i].month, sizeof months[0]);
	}
	qsort(months, nm, sizeof months[0], month_cmp);
	for (size_t m = 0; m < nm; m++)
		for (size_t k = 0; k < nkeys; k++) {
			long long n = tally_count(t, months[m], keys[k]);
			const struct page *p = str_eq(kind, "option") ? forms_page(f, keys[k]) : NULL;

			if (n == 0)
				continue;
			if (csv)
				printf("%s,%s,%s,%lld\r\n", months[m], kind, keys[k], n);
			else
				printf("%-8s  %-40s  %6lld\n", months[m],
				    p ? tr(&p->title) : str_eq(kind, "status") ? store_status_label(keys[k]) : keys[k], n);
		}
	free(months);
	free(t->rows);
}

/* One line of the counts per month and location. */
static void
print_location(void *ctx, const char *month, const char *location, long long n)
{
	bool csv = *(bool *)ctx;

	if (csv) {
		csv_cell(stdout, month, true);
		csv_cell(stdout, "location", false);
		csv_cell(stdout, location, false);
		printf(",%lld\r\n", n);
	} else {
		/* Stored text reaches a terminal: controls shown as U+FFFD. */
		char *shown = charset_filter(*location ? location : "-", true, false);

		printf("%-8s  %-40s  %6lld\n", month, shown, n);
		free(shown);
	}
}

static int
run_stats(struct store *s, const struct forms *f, const struct cli_args *a)
{
	struct stats_ctx c = { 0 };
	struct store_filter flt = { .since = a->since, .until = a->until, .status = a->status };
	bool csv = str_eq(a->format, "csv");
	const char *options_field = NULL;
	enum store_rc rc;

	for (size_t i = 0; i < f->nfields; i++)
		if (f->fields[i].type == FIELD_OPTIONS && options_field == NULL)
			options_field = f->fields[i].id;
	rc = store_stats(s, &flt, options_field, stats_group, &c);

	if (rc != STORE_OK) {
		fprintf(stderr, "zorgkiosk: %s\n", store_message(rc));
		free(c.options.rows);
		free(c.statuses.rows);
		return 1;
	}
	if (csv) {
		printf("month,kind,key,requests\r\n");
	} else {
		printf("%s\n%-8s  %-40s  %6s\n", _("Requests per option per month"), _("Month"), _("Option"), _("Count"));
	}
	const char **ids = xcalloc(f->npages + 1, sizeof *ids);
	for (size_t i = 0; i < f->npages; i++)
		ids[i] = f->pages[i].id;
	print_tally(&c.options, "option", ids, f->npages, f, csv);
	free(ids);
	if (!csv)
		printf("\n%s\n%-8s  %-40s  %6s\n", _("Requests per status per month"), _("Month"), _("Status"), _("Count"));
	print_tally(&c.statuses, "status", store_statuses, STORE_NSTATUS, f, csv);
	/* Where the requests were made: several kiosks on one database. */
	if (!csv)
		printf("\n%s\n%-8s  %-40s  %6s\n", _("Requests per location per month"), _("Month"), _("Location"),
		    _("Count"));
	if ((rc = store_location_counts(s, &flt, print_location, &csv)) != STORE_OK) {
		fprintf(stderr, "zorgkiosk: %s\n", store_message(rc));
		return 1;
	}
	return 0;
}

static void
print_audit(void *ctx, const char *const *cols)
{
	/* Stored text reaches a terminal here: controls (also tab and line
	 * feed, which separate the columns and lines) and invisible characters
	 * are shown as U+FFFD. */
	(void)ctx;
	for (int i = 0; i < STORE_AUDIT_COLS; i++) {
		char *shown = charset_filter(cols[i] ? cols[i] : "", true, false);

		printf("%s%s", shown, i < STORE_AUDIT_COLS - 1 ? "\t" : "\n");
		free(shown);
	}
}

/* audit --verify: 0 when the chain holds, 1 with the first bad record. */
static int
verify_audit(struct store *s)
{
	struct store_audit_check c;
	char min_cut[16];
	enum store_rc rc;

	site_months_ago(SITE_AUDIT_MIN_MONTHS, min_cut);
	rc = store_audit_verify(s, min_cut, &c);

	if (rc != STORE_OK) {
		fprintf(stderr, "zorgkiosk: %s\n", store_message(rc));
		return 3;
	}
	if (c.bad_id != 0) {
		event_log(LOG_CRIT, "audit chain broken: record %lld was %s", c.bad_id,
		    c.missing ? "removed" : "changed or moved");
		printf(c.missing ? _("Audit chain broken: record %lld was removed.\n") :
		    _("Audit chain broken: record %lld was changed or moved.\n"), c.bad_id);
		return 1;
	}
	/* The head in the system log: a later rewrite of the whole chain
	 * does not continue from it. */
	event_log(LOG_INFO, "audit chain sound: %lld records, last hash %s", c.count, c.count ? c.head : "-");
	printf(ngettext("Audit chain sound: %lld record, last hash %s.\n",
	    "Audit chain sound: %lld records, last hash %s.\n", (unsigned long)c.count), c.count,
	    c.count ? c.head : "-");
	return 0;
}

int
cli_run(struct store *s, const struct forms *f, const char *login, const char *command,
    const struct cli_args *a)
{
	struct store_filter flt = { .status = a->status, .since = a->since, .until = a->until,
		.options_field = NULL };
	enum store_rc rc;
	int count = 0;

	for (size_t i = 0; i < f->nfields; i++)
		if (f->fields[i].type == FIELD_OPTIONS)
			flt.options_field = f->fields[i].id;
	if (str_eq(command, "export")) {
		bool to_file = a->output != NULL && !str_eq(a->output, "-");
		char *detail, *why = NULL;
		FILE *out = to_file ? outfile_create(a->output, site.database, &why) : stdout;

		if (out == NULL) {
			fprintf(stderr, "zorgkiosk: %s\n", why);
			free(why);
			return 1;
		}
		if (str_eq(a->format, "xlsx"))
			rc = export_xlsx(s, f, &flt, out, &count, NULL);
		else
			rc = cli_export(s, f, &flt, a->format ? a->format : "csv", out, &count, NULL);
		if (fflush(out) != 0 || (to_file && fclose(out) != 0))
			rc = rc == STORE_OK ? STORE_FULL : rc;
		/* A half-written export is worse than none: it looks complete. */
		if (rc != STORE_OK && to_file)
			unlink(a->output);
		detail = xasprintf("%s, %d requests%s%s%s%s%s%s", a->format ? a->format : "csv",
		    count, a->since ? ", since " : "", a->since ? a->since : "",
		    a->until ? ", until " : "", a->until ? a->until : "", a->status ? ", status " : "",
		    a->status ? a->status : "");
		store_audit(s, login, "export", NULL, detail);
		free(detail);
	} else if (str_eq(command, "stats")) {
		return run_stats(s, f, a);
	} else if (str_eq(command, "erase")) {
		return cli_erase(s, f, login, a);
	} else if (str_eq(command, "access")) {
		return cli_access(s, f, login, a);
	} else if (str_eq(command, "correct")) {
		return cli_correct(s, f, login, a);
	} else if (str_eq(command, "alerts")) {
		return alerts_run(s, f, login, a->daily);
	} else if (str_eq(command, "purge")) {
		char cut[16], *period = a->older_than ? xstrdup(a->older_than) : xasprintf("%dm", site.retention_months);

		cutoff_date(period, cut, sizeof cut);
		free(period);
		return cli_purge(s, login, cut);
	} else if (a->verify) {
		return verify_audit(s);
	} else {
		rc = store_audit_each(s, print_audit, NULL);
	}
	if (rc != STORE_OK) {
		fprintf(stderr, "zorgkiosk: %s\n", store_message(rc));
		return 1;
	}
	return 0;
}
