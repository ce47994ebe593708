/* store_staff.c: what staff do with stored requests: the list with keyset
 * paging, one request in full, status and notes with a check for changes
 * made meanwhile, audit, export, labels of old forms, and purge. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_int.h"
#include "util.h"

const char *const store_statuses[STORE_NSTATUS] = {
	"new", "contacted", "referred", "closed", "unreachable",
};

const char *
store_status_label(const char *status)
{
	static const char *const labels[STORE_NSTATUS] = {
		N_("new"), N_("contacted"), N_("referred"), N_("closed"), N_("not reachable"),
	};

	for (int i = 0; i < STORE_NSTATUS; i++)
		if (str_eq(status, store_statuses[i]))
			return _(labels[i]);
	return status;
}

/* A growing SQL text with the values bound later, in order. */
struct query {
	sqlite3_str *sql;
	const char *text[16];
	long long num[16];
	bool is_num[16];
	int n;
};

static void
bind_text(struct query *q, const char *sql, const char *v)
{
	sqlite3_str_appendall(q->sql, sql);
	q->is_num[q->n] = false;
	q->text[q->n++] = v;
}

/* Add the WHERE clause for f. */
static void
add_filter(struct query *q, const struct store_filter *f, char *like, char *phone, char *until)
{
	const char *options_field = f->options_field;

	sqlite3_str_appendall(q->sql, " WHERE 1");
	if (f->status != NULL)
		bind_text(q, " AND i.status = ?", f->status);
	if (f->option != NULL && options_field != NULL) {
		bind_text(q, " AND EXISTS (SELECT 1 FROM answer o WHERE o.intake_id = i.id AND o.field = ?", options_field);
		bind_text(q, " AND ',' || o.value || ',' LIKE '%,' || ? || ',%')", f->option);
	}
	if (f->since != NULL)
		bind_text(q, " AND i.created_at >= ?", f->since);
	if (f->until != NULL)
		bind_text(q, " AND i.created_at < ?", until);
	if (f->search != NULL && *f->search) {
		bind_text(q, " AND (i.ref = upper(?)", f->search);
		if (f->nsearch > 0) {
			sqlite3_str_appendall(q->sql, " OR EXISTS (SELECT 1 FROM answer q WHERE q.intake_id = i.id AND q.field IN (");
			for (size_t k = 0; k < f->nsearch && q->n < 12; k++)
				bind_text(q, k ? ", ?" : "?", f->search_fields[k]);
			bind_text(q, ") AND (fold(q.value) LIKE fold(?) ESCAPE '\\'", like);
			if (phone != NULL)
				bind_text(q, " OR q.value = ?", phone);
			sqlite3_str_appendall(q->sql, "))");
		}
		sqlite3_str_appendall(q->sql, ")");
	}
}

/* "%text%" for LIKE, with % _ and \ escaped. Caller frees. */
static char *
like_pattern(const char *s)
{
	char *out = xmalloc(strlen(s) * 2 + 3), *p = out;

	*p++ = '%';
	for (; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			*p++ = '\\';
		*p++ = *s;
	}
	*p++ = '%';
	*p = '\0';
	return out;
}

static int
prepare(struct store *s, struct query *q, sqlite3_stmt **st)
{
	char *sql = sqlite3_str_finish(q->sql);
	int rc;

	q->sql = NULL;
	if (sql == NULL)
		die("out of memory");
	rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
	sqlite3_free(sql);
	for (int i = 0; rc == SQLITE_OK && i < q->n; i++)
		rc = q->is_num[i] ? sqlite3_bind_int64(*st, i + 1, q->num[i])
		    : sqlite3_bind_text(*st, i + 1, q->text[i], -1, SQLITE_TRANSIENT);
	return rc;
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	return xstrdup(v ? (const char *)v : "");
}

static void
col_copy(sqlite3_stmt *st, int i, char *buf, size_t size)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	snprintf(buf, size, "%s", v ? (const char *)v : "");
}

/* The filter's helper strings (search pattern, phone, day after until). */
struct filter_strings {
	char *like, *phone, until[16];
};

static void
filter_strings(const struct store_filter *f, struct filter_strings *fs)
{
	fs->like = f->search ? like_pattern(f->search) : NULL;
	fs->phone = f->search ? intake_phone_normalize(f->search) : NULL;
	fs->until[0] = '\0';
	if (f->until != NULL) {
		int y, m, d;

		/* "until" includes that day: compare with the next day. */
		if (sscanf(f->until, "%4d-%2d-%2d", &y, &m, &d) == 3) {
			struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d + 1, .tm_hour = 12 };

			timegm(&tm);
			strftime(fs->until, sizeof fs->until, "%Y-%m-%d", &tm);
		}
	}
}

static void
filter_strings_free(struct filter_strings *fs)
{
	free(fs->like);
	free(fs->phone);
}

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
	filter_strings(f, &fs);
	bind_text(&q, "SELECT i.id, i.created_at, i.ref, i.status,"
	    " (SELECT value FROM answer WHERE intake_id = i.id AND field = ?),", name_field ? name_field : "");
	bind_text(&q, " (SELECT value FROM answer WHERE intake_id = i.id AND field = ?) FROM intake i",
	    f->options_field ? f->options_field : "");
	add_filter(&q, f, fs.like, fs.phone, fs.until);
	if (key != NULL) {
		/* Keyset paging: the index on (created_at, id) finds the place. */
		bind_text(&q, dir > 0 ? " AND (i.created_at, i.id) < (?, " : dir == 0 ? " AND (i.created_at, i.id) <= (?, "
		    : " AND (i.created_at, i.id) > (?, ", key->created);
		sqlite3_str_appendall(q.sql, "?)");
		q.is_num[q.n] = true;
		q.num[q.n++] = key->id;
	}
	sqlite3_str_appendf(q.sql, dir >= 0 ? " ORDER BY i.created_at DESC, i.id DESC LIMIT %d"
	    : " ORDER BY i.created_at ASC, i.id ASC LIMIT %d", limit);
	rc = prepare(s, &q, &st);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_row *r = &(*rows)[(*n)++];

		r->key.id = sqlite3_column_int64(st, 0);
		col_copy(st, 1, r->key.created, sizeof r->key.created);
		col_copy(st, 2, r->ref, sizeof r->ref);
		col_copy(st, 3, r->status, sizeof r->status);
		r->name = col_dup(st, 4);
		r->options = col_dup(st, 5);
		rc = SQLITE_OK;
		if (*n == cap)
			break;
	}
	sqlite3_finalize(st);
	filter_strings_free(&fs);
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

/* Read the answers and history of r (id set). */
static int
read_details(struct store *s, struct store_record *r, bool events)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, "SELECT field, value FROM answer WHERE intake_id = ?", -1, &st, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, r->id);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			r->answers = xreallocarray(r->answers, r->nanswers + 1, sizeof *r->answers);
			r->answers[r->nanswers].field = col_dup(st, 0);
			r->answers[r->nanswers++].value = col_dup(st, 1);
		}
		sqlite3_finalize(st);
	}
	if (rc != SQLITE_DONE || !events)
		return rc == SQLITE_DONE ? SQLITE_OK : rc;
	rc = sqlite3_prepare_v2(s->db, "SELECT at, staff, old_status, new_status, note FROM event"
	    " WHERE intake_id = ? ORDER BY id", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, r->id);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			struct store_event *e;

			r->events = xreallocarray(r->events, r->nevents + 1, sizeof *r->events);
			e = &r->events[r->nevents++];
			col_copy(st, 0, e->at, sizeof e->at);
			e->staff = col_dup(st, 1);
			e->old_status = sqlite3_column_type(st, 2) == SQLITE_NULL ? NULL : col_dup(st, 2);
			e->new_status = sqlite3_column_type(st, 3) == SQLITE_NULL ? NULL : col_dup(st, 3);
			e->note = sqlite3_column_type(st, 4) == SQLITE_NULL ? NULL : col_dup(st, 4);
		}
		sqlite3_finalize(st);
	}
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Fill the columns of r from a row id, created_at, ref, status, ui_lang,
 * form_version, version. */
static void
read_head(sqlite3_stmt *st, struct store_record *r)
{
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	col_copy(st, 1, r->created, sizeof r->created);
	col_copy(st, 2, r->ref, sizeof r->ref);
	col_copy(st, 3, r->status, sizeof r->status);
	col_copy(st, 4, r->ui_lang, sizeof r->ui_lang);
	r->form_version = sqlite3_column_int(st, 5);
	r->version = sqlite3_column_int(st, 6);
}

#define HEAD_COLUMNS "i.id, i.created_at, i.ref, i.status, i.ui_lang, i.form_version, i.version"

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
	}
	free(r->events);
	memset(r, 0, sizeof *r);
}

static int
insert_audit(struct store *s, const char *staff, const char *action, const char *ref, const char *detail)
{
	sqlite3_stmt *st;
	char at[32];
	int rc = sqlite3_prepare_v2(s->db, "INSERT INTO audit (at, staff, action, ref, detail)"
	    " VALUES (?, ?, ?, ?, ?)", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	store_now(at);
	sqlite3_bind_text(st, 1, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, staff, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, detail, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(s->db);
	sqlite3_finalize(st);
	return rc;
}

enum store_rc
store_audit(struct store *s, const char *staff, const char *action, const char *ref, const char *detail)
{
	return store_rc_of(insert_audit(s, staff, action, ref, detail));
}

static int
insert_event(struct store *s, long long id, const char *staff, const char *old_status,
    const char *new_status, const char *note)
{
	sqlite3_stmt *st;
	char at[32];
	int rc = sqlite3_prepare_v2(s->db, "INSERT INTO event (intake_id, at, staff, old_status, new_status, note)"
	    " VALUES (?, ?, ?, ?, ?, ?)", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	store_now(at);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, staff, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, old_status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, new_status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, note, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(s->db);
	sqlite3_finalize(st);
	return rc;
}

/* Bump the version of r. A new status only if nobody changed r since it
 * was read; a note (status NULL) overwrites nothing, so it always goes in. */
static int
claim(struct store *s, const struct store_record *r, const char *status, bool *conflict)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, "UPDATE intake SET version = version + 1, status = coalesce(?1, status)"
	    " WHERE id = ?2 AND (?1 IS NULL OR version = ?3)", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->id);
	sqlite3_bind_int(st, 3, r->version);
	rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(s->db);
	sqlite3_finalize(st);
	*conflict = rc == SQLITE_OK && sqlite3_changes(s->db) == 0;
	return rc;
}

static enum store_rc
change(struct store *s, const struct store_record *r, const char *status, const char *note, const char *staff)
{
	bool conflict = false;
	char *detail;
	int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return store_rc_of(rc);
	rc = claim(s, r, status, &conflict);
	if (rc == SQLITE_OK && !conflict)
		rc = insert_event(s, r->id, staff, status ? r->status : NULL, status, note);
	detail = status ? xasprintf("%s -> %s", r->status, status) : xstrdup("note");
	if (rc == SQLITE_OK && !conflict)
		rc = insert_audit(s, staff, status ? "status" : "note", r->ref, detail);
	free(detail);
	if (rc == SQLITE_OK && !conflict)
		rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK || conflict) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return conflict ? STORE_CONFLICT : store_rc_of(rc);
	}
	return STORE_OK;
}

enum store_rc
store_set_status(struct store *s, const struct store_record *r, const char *status, const char *staff)
{
	return change(s, r, status, NULL, staff);
}

enum store_rc
store_add_note(struct store *s, const struct store_record *r, const char *note, const char *staff)
{
	return change(s, r, NULL, note, staff);
}

enum store_rc
store_audit_each(struct store *s, void (*fn)(void *, const char *, const char *, const char *,
    const char *, const char *), void *ctx)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, "SELECT at, staff, action, coalesce(ref, ''), coalesce(detail, '')"
	    " FROM audit ORDER BY id", -1, &st, NULL);

	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		fn(ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
		    (const char *)sqlite3_column_text(st, 4));
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : store_rc_of(rc);
}

static int
insert_label(sqlite3_stmt *st, int version, const char *field, const char *choice, const struct text *t)
{
	int rc = SQLITE_OK;

	for (int l = 0; l < LANG_COUNT && rc == SQLITE_OK; l++) {
		sqlite3_reset(st);
		sqlite3_bind_int(st, 1, version);
		sqlite3_bind_text(st, 2, field, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, choice, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, i18n_code((enum lang)l), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, t->s[l], -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(sqlite3_db_handle(st));
	}
	return rc;
}

enum store_rc
store_save_labels(struct store *s, const struct forms *f)
{
	sqlite3_stmt *st;
	int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return store_rc_of(rc);
	/* OR IGNORE: the labels of a version are kept as first seen. */
	rc = sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO label (form_version, field, choice, lang, text)"
	    " VALUES (?, ?, ?, ?, ?)", -1, &st, NULL);
	for (size_t i = 0; rc == SQLITE_OK && i < f->nfields; i++) {
		const struct field *fd = &f->fields[i];

		rc = insert_label(st, f->intake_version, fd->id, "", &fd->label);
		for (size_t c = 0; rc == SQLITE_OK && c < fd->nchoices; c++)
			rc = insert_label(st, f->intake_version, fd->id, fd->choices[c].id, &fd->choices[c].label);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return store_rc_of(rc);
}

char *
store_label(struct store *s, int form_version, const char *field, const char *choice, enum lang lang)
{
	sqlite3_stmt *st;
	char *out = NULL;

	if (sqlite3_prepare_v2(s->db, "SELECT text FROM label WHERE form_version = ? AND field = ?"
	    " AND choice = ? AND lang = ?", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int(st, 1, form_version);
	sqlite3_bind_text(st, 2, field, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, choice, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, i18n_code(lang), -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		out = col_dup(st, 0);
	sqlite3_finalize(st);
	return out;
}

enum store_rc
store_each(struct store *s, const struct store_filter *f, void (*fn)(void *, const struct store_record *), void *ctx)
{
	struct query q = { .sql = sqlite3_str_new(s->db) };
	struct filter_strings fs;
	sqlite3_stmt *st = NULL;
	int rc;

	filter_strings(f, &fs);
	sqlite3_str_appendall(q.sql, "SELECT " HEAD_COLUMNS " FROM intake i");
	add_filter(&q, f, fs.like, fs.phone, fs.until);
	sqlite3_str_appendall(q.sql, " ORDER BY i.created_at, i.id");
	/* One read transaction: a consistent export while kiosks write. */
	rc = sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = prepare(s, &q, &st);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_record r;

		read_head(st, &r);
		rc = read_details(s, &r, false);
		if (rc == SQLITE_OK)
			fn(ctx, &r);
		store_record_free(&r);
	}
	sqlite3_finalize(st);
	sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	filter_strings_free(&fs);
	return rc == SQLITE_DONE ? STORE_OK : store_rc_of(rc);
}

enum store_rc
store_purge(struct store *s, const char *cutoff, const char *staff, int *count)
{
	sqlite3_stmt *st;
	char *detail;
	int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	*count = 0;
	if (rc != SQLITE_OK)
		return store_rc_of(rc);
	rc = sqlite3_prepare_v2(s->db, "DELETE FROM intake WHERE status = 'closed' AND created_at < ?", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, cutoff, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(s->db);
		*count = sqlite3_changes(s->db);
		sqlite3_finalize(st);
	}
	detail = xasprintf("%d closed requests created before %s", *count, cutoff);
	if (rc == SQLITE_OK)
		rc = insert_audit(s, staff, "purge", NULL, detail);
	free(detail);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return store_rc_of(rc);
	}
	/* secure_delete zeroed the freed pages; move them from the WAL into the
	 * file, rebuild the file without free pages, and empty the WAL. */
	rc = sqlite3_exec(s->db, "PRAGMA wal_checkpoint(TRUNCATE); VACUUM; PRAGMA wal_checkpoint(TRUNCATE);",
	    NULL, NULL, NULL);
	return store_rc_of(rc);
}
