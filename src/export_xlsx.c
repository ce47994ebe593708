/* export_xlsx.c: the requests as an Excel workbook; see export_xlsx.h.
 *
 * Why a workbook next to the CSV: Excel opens a CSV by guessing, so a
 * phone number 0612345678 loses its 0 and a name starting with '=' runs as
 * a formula. Here every cell has a type. Answers are strings (never
 * formulas: nothing in this file writes one) in the text number format "@",
 * so Excel shows "=1+1" as typed and keeps it text even when someone edits
 * the cell and presses Enter. Dates are real dates shown the Dutch way.
 *
 * libxlsxwriter writes to a named file only, so the workbook is made in a
 * private scratch file and copied to the output. It writes in its
 * constant-memory mode: each row goes to an unlinked temporary file as soon
 * as the next begins, and texts are stored in their cells rather than in a
 * table of shared strings, so memory stays flat at any number of requests
 * (the rows arrive in order, which that mode needs). */
#include "export_xlsx.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "correct.h"
#include "i18n.h"
#include "intake.h"
#include "lazy.h"
#include "staff.h"
#include "util.h"

/* The functions of libxlsxwriter used here; it is loaded when a
 * workbook is written (lazy.h). */
#define XLSX_FUNCTIONS(X) \
	X(chart_add_series) X(chart_axis_set_name) X(chart_legend_set_position) \
	X(chart_series_set_categories) X(chart_series_set_name_range) X(chart_series_set_values) \
	X(chart_title_set_name) X(format_set_align) X(format_set_bg_color) X(format_set_bold) \
	X(format_set_bottom) X(format_set_num_format) X(format_set_text_wrap) X(workbook_add_chart) \
	X(workbook_add_format) X(workbook_add_worksheet) X(workbook_close) X(workbook_new_opt) \
	X(worksheet_autofilter) X(worksheet_freeze_panes) X(worksheet_insert_chart) \
	X(worksheet_set_column) X(worksheet_write_datetime) X(worksheet_write_number) \
	X(worksheet_write_string)

static LAZY_TABLE(XLSX_FUNCTIONS) xlsx;
LAZY_LOADER(xlsx_load, "libxlsxwriter.so.4", xlsx, XLSX_FUNCTIONS)

/* Excel's limit for the text of one cell, in bytes here. */
#define CELL_MAX 32767

/* The statistics sheet: how many requests per month for each key. */
struct count {
	char month[8];  /* YYYY-MM */
	size_t key;
	int n;
};

struct counts {
	struct count *rows;
	size_t n;
};

struct xlsx {
	const struct forms *f;
	lxw_worksheet *ws, *history; /* history: what staff did, a row each */
	lxw_format *text, *wrap, *date, *month;
	lxw_row_t row, history_row;
	char **options;       /* option ids: the forms' request pages, then any older ones */
	size_t noptions;
	struct counts by_option, by_status;
	int count;
	/* The answers of the row being written, by field (the forms' order),
	 * and for each place in a record's answers the field found there last:
	 * the store gives every record's answers in the same order, so each
	 * is found with one comparison. */
	const char **values;
	size_t *slot, nslots;
};

/* Rows come oldest first, so the month's counts are at the end: look there
 * first. */
static void
count_add(struct counts *c, const char *month, size_t key)
{
	for (size_t i = c->n; i-- > 0;)
		if (c->rows[i].key == key && str_eq(c->rows[i].month, month)) {
			c->rows[i].n++;
			return;
		}
	c->rows = xreallocarray(c->rows, c->n + 1, sizeof *c->rows);
	snprintf(c->rows[c->n].month, sizeof c->rows[c->n].month, "%s", month);
	c->rows[c->n].key = key;
	c->rows[c->n++].n = 1;
}

static int
count_of(const struct counts *c, const char *month, size_t key)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->rows[i].key == key && str_eq(c->rows[i].month, month))
			return c->rows[i].n;
	return 0;
}

/* The index of option id, added when the forms no longer have it. */
static size_t
option_index(struct xlsx *x, const char *id)
{
	for (size_t i = 0; i < x->noptions; i++)
		if (str_eq(x->options[i], id))
			return i;
	x->options = xreallocarray(x->options, x->noptions + 1, sizeof *x->options);
	x->options[x->noptions] = xstrdup(id);
	return x->noptions++;
}

/* A text cell. Longer than Excel allows is cut at a character boundary
 * rather than leaving the cell empty. */
static void
put_text(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *v, lxw_format *fmt)
{
	size_t len = strlen(v);
	char *cut;

	if (len <= CELL_MAX) {
		xlsx.worksheet_write_string(ws, row, col, v, fmt);
		return;
	}
	len = CELL_MAX;
	while (len > 0 && ((unsigned char)v[len] & 0xC0) == 0x80)
		len--;
	cut = xstrndup(v, len);
	xlsx.worksheet_write_string(ws, row, col, cut, fmt);
	free(cut);
}

/* created (UTC, "2026-11-24T15:03:12Z") as a local date and time. */
static bool
local_time(const char *created, lxw_datetime *dt)
{
	struct tm tm = { 0 };
	time_t t;

	if (sscanf(created, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	    &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	t = timegm(&tm);
	if (localtime_r(&t, &tm) == NULL)
		return false;
	*dt = (lxw_datetime){ .year = tm.tm_year + 1900, .month = tm.tm_mon + 1, .day = tm.tm_mday,
		.hour = tm.tm_hour, .min = tm.tm_min, .sec = tm.tm_sec };
	return true;
}

/* An answer as staff read it: choices by their label, options one title
 * per line. Caller frees. */
static char *
answer_text(const struct forms *f, const struct field *fd, const char *value)
{
	char *out;

	if (fd->type == FIELD_OPTIONS) {
		out = xstrdup("");
		for (size_t p = 0; p < f->npages; p++)
			if (intake_has_id(value, f->pages[p].id)) {
				char *t = xasprintf("%s%s%s", out, *out ? "\n" : "", tr(&f->pages[p].title));

				free(out);
				out = t;
			}
		if (*out != '\0')
			return out;
		free(out); /* ids the forms no longer have */
		return xstrdup(value);
	}
	if (fd->type == FIELD_CONSENT)
		return xstrdup(str_eq(value, "yes") ? _("Yes") : value);
	for (size_t c = 0; fd->type == FIELD_CHOICE && c < fd->nchoices; c++)
		if (str_eq(fd->choices[c].id, value))
			return xstrdup(tr(&fd->choices[c].label));
	return xstrdup(value);
}

/* Fill x->values with r's answers by field (NULL: none). */
static void
sort_answers(struct xlsx *x, const struct store_record *r)
{
	const struct forms *f = x->f;

	memset(x->values, 0, (f->nfields + 1) * sizeof *x->values);
	if (r->nanswers > x->nslots) {
		x->slot = xreallocarray(x->slot, r->nanswers, sizeof *x->slot);
		for (size_t i = x->nslots; i < r->nanswers; i++)
			x->slot[i] = 0;
		x->nslots = r->nanswers;
	}
	for (size_t i = 0; i < r->nanswers; i++) {
		const char *field = r->answers[i].field;
		size_t k = x->slot[i];

		/* Index nfields stands for the care check's band. */
		if (!(k < f->nfields ? str_eq(f->fields[k].id, field) : str_eq(INTAKE_CARE_FIELD, field))) {
			for (k = 0; k < f->nfields && !str_eq(f->fields[k].id, field); k++)
				;
			if (k == f->nfields && !str_eq(INTAKE_CARE_FIELD, field))
				continue; /* a field the forms no longer have */
			x->slot[i] = k;
		}
		x->values[k] = r->answers[i].value;
	}
}

/* Months are local, as the dates on the requests sheet: a request made at
 * 00:30 on 1 April counts for April. */
static void
tally(struct xlsx *x, const struct store_record *r, const lxw_datetime *local)
{
	char month[8];

	if (local != NULL)
		snprintf(month, sizeof month, "%04u-%02u", (unsigned)local->year % 10000u, (unsigned)local->month % 100u);
	else
		snprintf(month, sizeof month, "%.7s", r->created);
	for (size_t i = 0; i < STORE_NSTATUS; i++)
		if (str_eq(r->status, store_statuses[i]))
			count_add(&x->by_status, month, i);
	for (size_t i = 0; i < x->f->nfields; i++) {
		const char *v = x->values[i];
		char *list, *save = NULL;

		if (x->f->fields[i].type != FIELD_OPTIONS || v == NULL)
			continue;
		list = xstrdup(v);
		for (char *id = strtok_r(list, ",", &save); id; id = strtok_r(NULL, ",", &save))
			count_add(&x->by_option, month, option_index(x, id));
		free(list);
	}
}

/* One row per status change, note, assignment or call back day of r, on
 * the history sheet (written in the same pass: each sheet gets its rows
 * in order, as constant-memory mode needs). */
static void
history_rows(struct xlsx *x, const struct store_record *r)
{
	for (size_t i = 0; i < r->nevents; i++) {
		const struct store_event *e = &r->events[i];
		lxw_row_t row = ++x->history_row;
		const char *what;
		char *detail;
		lxw_datetime dt;

		put_text(x->history, row, 0, r->ref, x->text);
		if (local_time(e->at, &dt))
			xlsx.worksheet_write_datetime(x->history, row, 1, &dt, x->date);
		else
			put_text(x->history, row, 1, e->at, x->text);
		put_text(x->history, row, 2, e->staff, x->text);
		if (e->note != NULL) {
			what = _("Note");
			detail = xstrdup(e->note);
		} else if (e->assignee != NULL) {
			what = _("Assigned to");
			detail = *e->assignee ? staff_name(e->assignee) : xstrdup(_("nobody"));
		} else if (e->callback != NULL) {
			what = _("Call back");
			detail = xstrdup(*e->callback ? e->callback : "-");
		} else if (e->corrected != NULL) {
			what = _("Corrected");
			detail = xstrdup(correct_label(x->f, e));
		} else {
			what = _("Status");
			detail = xasprintf("%s -> %s", e->old_status ? store_status_label(e->old_status) : "-",
			    e->new_status ? store_status_label(e->new_status) : "-");
		}
		put_text(x->history, row, 3, what, x->text);
		put_text(x->history, row, 4, detail, strchr(detail, '\n') ? x->wrap : x->text);
		free(detail);
	}
}

/* The history sheet's header. */
static void
history_head(struct xlsx *x, lxw_format *head)
{
	static const char *const titles[] = { N_("Reference"), N_("Date"), N_("Staff"), N_("What"), N_("Details") };
	static const double widths[] = { 14, 17, 14, 14, 60 };

	for (lxw_col_t c = 0; c < 5; c++) {
		xlsx.worksheet_write_string(x->history, 0, c, _(titles[c]), head);
		xlsx.worksheet_set_column(x->history, c, c, widths[c], NULL);
	}
}

static void
request_row(void *ctx, const struct store_record *r)
{
	struct xlsx *x = ctx;
	lxw_datetime dt;
	lxw_col_t col = 4;
	bool dated = local_time(r->created, &dt);

	x->row++;
	sort_answers(x, r);
	put_text(x->ws, x->row, 0, r->ref, x->text);
	if (dated)
		xlsx.worksheet_write_datetime(x->ws, x->row, 1, &dt, x->date);
	else
		put_text(x->ws, x->row, 1, r->created, x->text);
	put_text(x->ws, x->row, 2, store_status_label(r->status), x->text);
	put_text(x->ws, x->row, 3, i18n_language_name(r->ui_lang), x->text);
	for (size_t i = 0; i < x->f->nfields; i++, col++) {
		const struct field *fd = &x->f->fields[i];
		const char *v = x->values[i];
		char *shown;

		if (v == NULL || *v == '\0')
			continue;
		shown = answer_text(x->f, fd, v);
		put_text(x->ws, x->row, col, shown,
		    fd->type == FIELD_TEXTAREA || strchr(shown, '\n') ? x->wrap : x->text);
		free(shown);
	}
	/* The band of "How are you doing?" by its title, as staff read it. */
	if (x->f->care != NULL) {
		const char *v = x->values[x->f->nfields];
		const struct care_band *b = v != NULL ? care_band_find(x->f->care, v) : NULL;

		if (v != NULL && *v != '\0')
			put_text(x->ws, x->row, col, b != NULL ? tr(&b->title) : v, x->text);
		col++;
	}
	put_text(x->ws, x->row, col, *r->location ? r->location : "-", x->text);
	history_rows(x, r);
	tally(x, r, dated ? &dt : NULL);
	x->count++;
}

static double
column_width(enum field_type t)
{
	switch (t) {
	case FIELD_TEXTAREA:
		return 50;
	case FIELD_OPTIONS:
		return 36;
	case FIELD_CHOICE:
	case FIELD_EMAIL:
		return 26;
	default:
		return 18;
	}
}

static int
month_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Sorted months of c and of d together; returns how many. Caller frees *out. */
static size_t
months_of(const struct counts *c, const struct counts *d, char (**out)[8])
{
	char (*m)[8] = xcalloc(c->n + d->n + 1, sizeof *m);
	size_t n = 0;

	for (size_t pass = 0; pass < 2; pass++) {
		const struct counts *src = pass ? d : c;

		for (size_t i = 0; i < src->n; i++) {
			size_t k = 0;

			while (k < n && !str_eq(m[k], src->rows[i].month))
				k++;
			if (k == n)
				memcpy(m[n++], src->rows[i].month, sizeof m[0]);
		}
	}
	qsort(m, n, sizeof m[0], month_cmp);
	*out = m;
	return n;
}

/* One table of the statistics sheet from row top: a title, a header of
 * keys, a line per month. Returns the row after it. */
static lxw_row_t
stats_table(lxw_worksheet *ws, lxw_row_t top, const char *title, const char *const *labels,
    size_t nkeys, const struct counts *c, char (*months)[8], size_t nmonths, lxw_format *head,
    lxw_format *month)
{
	xlsx.worksheet_write_string(ws, top, 0, title, head);
	xlsx.worksheet_write_string(ws, top + 1, 0, _("Month"), head);
	for (size_t k = 0; k < nkeys; k++)
		put_text(ws, top + 1, (lxw_col_t)(k + 1), labels[k], head);
	for (size_t m = 0; m < nmonths; m++) {
		lxw_row_t row = top + 2 + (lxw_row_t)m;

		/* A month is a date (its first day), so that the chart's axis
		 * and a sort see months, not text. */
		lxw_datetime first = { .year = atoi(months[m]), .month = atoi(months[m] + 5), .day = 1 };

		xlsx.worksheet_write_datetime(ws, row, 0, &first, month);
		for (size_t k = 0; k < nkeys; k++)
			xlsx.worksheet_write_number(ws, row, (lxw_col_t)(k + 1), count_of(c, months[m], k), NULL);
	}
	return top + 3 + (lxw_row_t)nmonths;
}

/* The statistics sheet: requests per option per month, per status per
 * month, and a column chart of the first table. */
static void
stats_sheet(lxw_workbook *wb, struct xlsx *x, lxw_format *head)
{
	const char *name = _("Statistics");
	lxw_worksheet *ws = xlsx.workbook_add_worksheet(wb, name);
	const char **labels = xcalloc(x->noptions + STORE_NSTATUS + 1, sizeof *labels);
	char (*months)[8];
	size_t nmonths = months_of(&x->by_option, &x->by_status, &months);
	lxw_row_t next;

	for (size_t k = 0; k < x->noptions; k++) {
		const struct page *p = forms_page(x->f, x->options[k]);

		labels[k] = p ? tr(&p->title) : x->options[k];
	}
	xlsx.worksheet_set_column(ws, 0, 0, 12, NULL);
	xlsx.worksheet_set_column(ws, 1, (lxw_col_t)(x->noptions > STORE_NSTATUS ? x->noptions : STORE_NSTATUS),
	    16, NULL);
	next = stats_table(ws, 0, _("Requests per option per month"), labels, x->noptions,
	    &x->by_option, months, nmonths, head, x->month);
	for (size_t k = 0; k < STORE_NSTATUS; k++)
		labels[k] = store_status_label(store_statuses[k]);
	stats_table(ws, next, _("Requests per status per month"), labels, STORE_NSTATUS,
	    &x->by_status, months, nmonths, head, x->month);
	if (nmonths > 0 && x->noptions > 0) {
		lxw_chart *chart = xlsx.workbook_add_chart(wb, LXW_CHART_COLUMN);

		xlsx.chart_title_set_name(chart, _("Requests per option per month"));
		xlsx.chart_axis_set_name(chart->x_axis, _("Month"));
		xlsx.chart_axis_set_name(chart->y_axis, _("Requests"));
		xlsx.chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
		for (size_t k = 0; k < x->noptions; k++) {
			lxw_chart_series *s = xlsx.chart_add_series(chart, NULL, NULL);
			lxw_col_t col = (lxw_col_t)(k + 1);

			xlsx.chart_series_set_name_range(s, name, 1, col);
			xlsx.chart_series_set_categories(s, name, 2, 0, 1 + (lxw_row_t)nmonths, 0);
			xlsx.chart_series_set_values(s, name, 2, col, 1 + (lxw_row_t)nmonths, col);
		}
		xlsx.worksheet_insert_chart(ws, next + 4 + (lxw_row_t)nmonths, 0, chart);
	}
	free(months);
	free(labels);
}

/* A file for the workbook that no one else can read. Where the system
 * allows it, the file has no name at all (O_TMPFILE) and libxlsxwriter
 * reaches it through /proc, so a crash leaves no personal data behind;
 * otherwise a private temporary name, removed again by the caller. Sets
 * *path (caller frees) and *named; returns the descriptor, or -1. */
static int
scratch_file(char **path, bool *named)
{
	/* Not from a caller of a set-group-ID program (privsep.h). */
	const char *dir = secure_getenv("TMPDIR");
	int fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0) {
		*path = xasprintf("/proc/self/fd/%d", fd);
		if (access(*path, W_OK) == 0) {
			*named = false;
			return fd;
		}
		free(*path);
		close(fd);
	}
	*path = xasprintf("%s/zorgkiosk-XXXXXX.xlsx", dir);
	*named = true;
	fd = mkstemps(*path, 5);
	if (fd < 0) {
		free(*path);
		*path = NULL;
	}
	return fd;
}

/* Copy what fd holds, from its start, to out; false on failure. */
static bool
copy_to(int fd, FILE *out)
{
	char buf[65536];
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) != 0)
		return false;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		if (fwrite(buf, 1, (size_t)n, out) != (size_t)n)
			return false;
	return n == 0 && fflush(out) == 0;
}

enum store_rc
export_xlsx(struct store *s, const struct forms *f, const struct store_filter *flt, FILE *out, int *count,
    const struct store_progress *progress)
{
	struct xlsx x = { .f = f, .values = xcalloc(f->nfields + 1, sizeof *x.values) };
	lxw_workbook *wb;
	lxw_format *head;
	enum store_rc rc = STORE_ERROR;
	char *path;
	bool named;
	int fd;

	*count = 0;
	if (!xlsx_load())
		return STORE_ERROR;
	if ((fd = scratch_file(&path, &named)) < 0)
		return STORE_FULL;
	if ((wb = xlsx.workbook_new_opt(path, &(lxw_workbook_options){ .constant_memory = LXW_TRUE })) == NULL)
		goto done;
	head = xlsx.workbook_add_format(wb);
	xlsx.format_set_bold(head);
	xlsx.format_set_text_wrap(head);
	xlsx.format_set_align(head, LXW_ALIGN_VERTICAL_TOP);
	xlsx.format_set_bg_color(head, 0xDDEBF7);
	xlsx.format_set_bottom(head, LXW_BORDER_THIN);
	x.text = xlsx.workbook_add_format(wb);
	xlsx.format_set_num_format(x.text, "@");
	xlsx.format_set_align(x.text, LXW_ALIGN_VERTICAL_TOP);
	x.wrap = xlsx.workbook_add_format(wb);
	xlsx.format_set_num_format(x.wrap, "@");
	xlsx.format_set_text_wrap(x.wrap);
	xlsx.format_set_align(x.wrap, LXW_ALIGN_VERTICAL_TOP);
	x.date = xlsx.workbook_add_format(wb);
	xlsx.format_set_num_format(x.date, "dd-mm-yyyy hh:mm");
	xlsx.format_set_align(x.date, LXW_ALIGN_LEFT);
	xlsx.format_set_align(x.date, LXW_ALIGN_VERTICAL_TOP);
	x.month = xlsx.workbook_add_format(wb);
	xlsx.format_set_num_format(x.month, "yyyy-mm");
	xlsx.format_set_align(x.month, LXW_ALIGN_LEFT);

	x.ws = xlsx.workbook_add_worksheet(wb, _("Requests"));
	xlsx.worksheet_write_string(x.ws, 0, 0, _("Reference"), head);
	xlsx.worksheet_write_string(x.ws, 0, 1, _("Date"), head);
	xlsx.worksheet_write_string(x.ws, 0, 2, _("Status"), head);
	xlsx.worksheet_write_string(x.ws, 0, 3, _("Language"), head);
	xlsx.worksheet_set_column(x.ws, 0, 0, 14, NULL);
	xlsx.worksheet_set_column(x.ws, 1, 1, 17, NULL);
	xlsx.worksheet_set_column(x.ws, 2, 2, 14, NULL);
	xlsx.worksheet_set_column(x.ws, 3, 3, 9, NULL);
	for (size_t i = 0; i < f->nfields; i++) {
		put_text(x.ws, 0, (lxw_col_t)(4 + i), field_staff_label(&f->fields[i]), head);
		xlsx.worksheet_set_column(x.ws, (lxw_col_t)(4 + i), (lxw_col_t)(4 + i), column_width(f->fields[i].type), NULL);
	}
	if (f->care != NULL) {
		put_text(x.ws, 0, (lxw_col_t)(4 + f->nfields), tr(&f->care->title), head);
		xlsx.worksheet_set_column(x.ws, (lxw_col_t)(4 + f->nfields), (lxw_col_t)(4 + f->nfields), 24, NULL);
	}
	/* Where each request was made, last (as in the CSV). */
	lxw_col_t where = (lxw_col_t)(4 + f->nfields + (f->care != NULL));
	put_text(x.ws, 0, where, _("Location"), head);
	xlsx.worksheet_set_column(x.ws, where, where, 18, NULL);
	for (size_t p = 0; p < f->npages; p++)
		if (f->pages[p].request)
			option_index(&x, f->pages[p].id);
	/* What staff did: the second sheet, before the statistics. */
	x.history = xlsx.workbook_add_worksheet(wb, _("History"));
	history_head(&x, head);
	rc = store_each(s, flt, request_row, &x, progress);
	xlsx.worksheet_freeze_panes(x.ws, 1, 0);
	xlsx.worksheet_autofilter(x.ws, 0, 0, x.row, where);
	xlsx.worksheet_freeze_panes(x.history, 1, 0);
	xlsx.worksheet_autofilter(x.history, 0, 0, x.history_row, 4);
	stats_sheet(wb, &x, head);
	if (xlsx.workbook_close(wb) != LXW_NO_ERROR && rc == STORE_OK)
		rc = STORE_FULL;
	if (named)
		unlink(path);
	named = false;
	if (rc == STORE_OK && !copy_to(fd, out))
		rc = STORE_FULL;
	*count = x.count;
done:
	if (named)
		unlink(path);
	close(fd);
	free(path);
	for (size_t i = 0; i < x.noptions; i++)
		free(x.options[i]);
	free(x.options);
	free(x.by_option.rows);
	free(x.by_status.rows);
	free(x.values);
	free(x.slot);
	return rc;
}
