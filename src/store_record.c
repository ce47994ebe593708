/* store_record.c: reading stored requests for staff: the list with
 * keyset paging, one request in full with its history, and every request
 * of a filter in turn (export). */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "util.h"

enum store_rc
store_list(struct store *s, const struct store_filter *f, const char *name_field,
    const struct store_key *key, int dir, int limit,
    struct store_row **rows, size_t *n)
{
	struct query q = { .sql = sqlite3_str_new(s->db) };
	struct filter_strings fs;
	sqlite3_stmt *st = NULL;
	size_t cap = (size_t)(limit > 0 ? limit : 1);
	int rc;

	*rows = xcalloc(cap, sizeof **rows);
	*n = 0;
	if (f->options_field != NULL && s->stats_field[0] == '\0')
		store_stats_index(s, f->options_field, false);
	store_filter_strings(s, f, &fs);
	store_bind_text(&q, "SELECT i.id, i.created_at, i.ref, i.status,"
	    " (SELECT value FROM answer WHERE intake_id = i.id AND field = ?),", name_field ? name_field : "");
	store_bind_text(&q, " (SELECT value FROM answer WHERE intake_id = i.id AND field = ?), i.assignee, i.callback",
	    f->options_field ? f->options_field : "");
	store_add_from(&q, &fs);
	store_add_filter(&q, f, &fs);
	if (key != NULL) {
		/* Keyset paging: the index on (created_at, id) finds the place. */
		store_bind_text(&q, dir > 0 ? " AND (i.created_at, i.id) < (?, " : dir == 0 ? " AND (i.created_at, i.id) <= (?, "
		    : " AND (i.created_at, i.id) > (?, ", key->created);
		sqlite3_str_appendall(q.sql, "?)");
		q.is_num[q.n] = true;
		q.num[q.n++] = key->id;
	}
	sqlite3_str_appendf(q.sql, dir >= 0 ? " ORDER BY i.created_at DESC, i.id DESC LIMIT %d"
	    : " ORDER BY i.created_at ASC, i.id ASC LIMIT %d", limit);
	rc = store_prepare(s, &q, &st);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_row *r = &(*rows)[(*n)++];

		r->key.id = sqlite3_column_int64(st, 0);
		store_col_copy(st, 1, r->key.created, sizeof r->key.created);
		store_col_copy(st, 2, r->ref, sizeof r->ref);
		store_col_copy(st, 3, r->status, sizeof r->status);
		r->name = store_col_dup(st, 4);
		r->options = store_col_dup(st, 5);
		store_col_copy(st, 6, r->assignee, sizeof r->assignee);
		store_col_copy(st, 7, r->callback, sizeof r->callback);
		rc = SQLITE_OK;
		if (*n == cap)
			break;
	}
	sqlite3_finalize(st);
	store_filter_strings_free(&fs);
	if (dir < 0) /* read oldest first; the list shows newest first */
		for (size_t i = 0; i < *n / 2; i++) {
			struct store_row t = (*rows)[i];
			(*rows)[i] = (*rows)[*n - 1 - i];
			(*rows)[*n - 1 - i] = t;
		}
	return rc == SQLITE_DONE || rc == SQLITE_OK ? STORE_OK : store_rc_of(rc);
}

void
store_rows_free(struct store_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].name);
		free(rows[i].options);
	}
	free(rows);
}

/* Read the answers of r (id set) with st, "SELECT field, value FROM answer
 * WHERE intake_id = ?", prepared once for many requests. */
static int
read_answers(sqlite3_stmt *st, struct store_record *r)
{
	size_t cap = 0;
	int rc;

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, r->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (r->nanswers == cap) {
			cap = cap ? cap * 2 : 16;
			r->answers = xreallocarray(r->answers, cap, sizeof *r->answers);
		}
		r->answers[r->nanswers].field = store_col_dup(st, 0);
		r->answers[r->nanswers++].value = store_col_dup(st, 1);
	}
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

#define ANSWERS_SQL "SELECT field, value FROM answer WHERE intake_id = ?"
#define EVENTS_SQL "SELECT at, staff, old_status, new_status, note, assignee, callback, corrected FROM event" \
	" WHERE intake_id = ? ORDER BY id"

/* Read the history of r (id set) with st, EVENTS_SQL, prepared once for
 * many requests. */
static int
read_events(sqlite3_stmt *st, struct store_record *r)
{
	int rc;

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, r->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_event *e;

		r->events = xreallocarray(r->events, r->nevents + 1, sizeof *r->events);
		e = &r->events[r->nevents++];
		store_col_copy(st, 0, e->at, sizeof e->at);
		e->staff = store_col_dup(st, 1);
		e->old_status = sqlite3_column_type(st, 2) == SQLITE_NULL ? NULL : store_col_dup(st, 2);
		e->new_status = sqlite3_column_type(st, 3) == SQLITE_NULL ? NULL : store_col_dup(st, 3);
		e->note = sqlite3_column_type(st, 4) == SQLITE_NULL ? NULL : store_col_dup(st, 4);
		e->assignee = sqlite3_column_type(st, 5) == SQLITE_NULL ? NULL : store_col_dup(st, 5);
		e->callback = sqlite3_column_type(st, 6) == SQLITE_NULL ? NULL : store_col_dup(st, 6);
		e->corrected = sqlite3_column_type(st, 7) == SQLITE_NULL ? NULL : store_col_dup(st, 7);
	}
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Read the answers and history of r (id set). */
static int
read_details(struct store *s, struct store_record *r, bool events)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, ANSWERS_SQL, -1, &st, NULL);

	if (rc == SQLITE_OK) {
		rc = read_answers(st, r);
		sqlite3_finalize(st);
	}
	if (rc != SQLITE_OK || !events)
		return rc;
	rc = sqlite3_prepare_v2(s->db, EVENTS_SQL, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = read_events(st, r);
		sqlite3_finalize(st);
	}
	return rc;
}

/* Fill the columns of r from a row id, created_at, ref, status, ui_lang,
 * form_version, version, location, assignee, callback. */
static void
read_head(sqlite3_stmt *st, struct store_record *r)
{
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	store_col_copy(st, 1, r->created, sizeof r->created);
	store_col_copy(st, 2, r->ref, sizeof r->ref);
	store_col_copy(st, 3, r->status, sizeof r->status);
	store_col_copy(st, 4, r->ui_lang, sizeof r->ui_lang);
	r->form_version = sqlite3_column_int(st, 5);
	r->version = sqlite3_column_int(st, 6);
	store_col_copy(st, 7, r->location, sizeof r->location);
	store_col_copy(st, 8, r->assignee, sizeof r->assignee);
	store_col_copy(st, 9, r->callback, sizeof r->callback);
}

#define HEAD_COLUMNS "i.id, i.created_at, i.ref, i.status, i.ui_lang, i.form_version, i.version, i.location,"\
	" i.assignee, i.callback"

enum store_rc
store_record(struct store *s, const char *ref, struct store_record *r)
{
	sqlite3_stmt *st;
	int rc;

	memset(r, 0, sizeof *r);
	/* One read transaction: the answers and history match the head. */
	if ((rc = sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL)) != SQLITE_OK)
		return store_rc_of(rc);
	rc = sqlite3_prepare_v2(s->db, "SELECT " HEAD_COLUMNS " FROM intake i WHERE i.ref = ?", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			read_head(st, r);
		sqlite3_finalize(st);
	}
	if (rc == SQLITE_ROW)
		rc = read_details(s, r, true);
	sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	return store_rc_of(rc);
}

const char *
store_record_answer(const struct store_record *r, const char *field)
{
	for (size_t i = 0; i < r->nanswers; i++)
		if (str_eq(r->answers[i].field, field))
			return r->answers[i].value;
	return "";
}

void
store_record_free(struct store_record *r)
{
	for (size_t i = 0; i < r->nanswers; i++) {
		free(r->answers[i].field);
		free(r->answers[i].value);
	}
	free(r->answers);
	for (size_t i = 0; i < r->nevents; i++) {
		free(r->events[i].staff);
		free(r->events[i].old_status);
		free(r->events[i].new_status);
		free(r->events[i].note);
		free(r->events[i].assignee);
		free(r->events[i].callback);
		free(r->events[i].corrected);
	}
	free(r->events);
	memset(r, 0, sizeof *r);
}

/* How many requests match f, in the read transaction begun. */
static int
count_matching(struct store *s, const struct store_filter *f, const struct filter_strings *fs, long long *n)
{
	struct query q = { .sql = sqlite3_str_new(s->db) };
	sqlite3_stmt *st = NULL;
	int rc;

	sqlite3_str_appendall(q.sql, "SELECT count(*)");
	store_add_from(&q, fs);
	store_add_filter(&q, f, fs);
	rc = store_prepare(s, &q, &st);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*n = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

enum store_rc
store_each(struct store *s, const struct store_filter *f, void (*fn)(void *, const struct store_record *), void *ctx,
    const struct store_progress *progress)
{
	struct query q = { .sql = sqlite3_str_new(s->db) };
	struct filter_strings fs;
	sqlite3_stmt *st = NULL, *answers = NULL, *events = NULL;
	long long done = 0, total = 0;
	int rc;

	store_filter_strings(s, f, &fs);
	sqlite3_str_appendall(q.sql, "SELECT " HEAD_COLUMNS);
	store_add_from(&q, &fs);
	store_add_filter(&q, f, &fs);
	sqlite3_str_appendall(q.sql, " ORDER BY i.created_at, i.id");
	/* One read transaction: a consistent export while kiosks write. */
	rc = store_begin_and_prepare(s, &q, &st);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db, ANSWERS_SQL, -1, &answers, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db, EVENTS_SQL, -1, &events, NULL);
	/* Counted in the same transaction: the total is what is read. */
	if (rc == SQLITE_OK && progress != NULL && (rc = count_matching(s, f, &fs, &total)) == SQLITE_OK)
		progress->fn(progress->ctx, 0, total);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_record r;

		read_head(st, &r);
		rc = read_answers(answers, &r);
		if (rc == SQLITE_OK)
			rc = read_events(events, &r);
		if (rc == SQLITE_OK)
			fn(ctx, &r);
		store_record_free(&r);
		if (progress != NULL && ++done % STORE_PROGRESS_STEP == 0)
			progress->fn(progress->ctx, done, total);
	}
	if (rc == SQLITE_DONE && progress != NULL)
		progress->fn(progress->ctx, done, total);
	sqlite3_finalize(answers);
	sqlite3_finalize(events);
	sqlite3_finalize(st);
	sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	store_filter_strings_free(&fs);
	return rc == SQLITE_DONE ? STORE_OK : store_rc_of(rc);
}
