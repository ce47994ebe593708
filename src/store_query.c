/* store_query.c: the SQL a staff filter becomes: a query text with its
 * values bound in order, the WHERE clause of a filter (status, option,
 * dates, search), and the helper strings a search needs. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_int.h"
#include "util.h"

void
store_bind_text(struct query *q, const char *sql, const char *v)
{
	sqlite3_str_appendall(q->sql, sql);
	if (q->n == 64)
		die("too many values in one query");
	q->is_num[q->n] = false;
	q->text[q->n++] = v;
}

/* "col LIKE ?" for the folded search. search_text holds keys, folded
 * but for the case of ASCII, which LIKE ignores: only an answer as typed
 * needs fold(), which costs a conversion per row. */
static char *
like_folded(const char *col, bool accents)
{
	return xasprintf(!accents ? "%s LIKE ? ESCAPE '\\'" : "fold(%s) LIKE ? ESCAPE '\\'", col);
}

/* The OR of what a searchable answer col may match (bound in order);
 * accents: col is an answer as typed, not search_text. */
void
store_add_alternatives(struct query *q, const struct filter_strings *fs, const char *col, bool accents)
{
	char *like = like_folded(col, accents), *sql = xasprintf("(%s", like);

	store_bind_text(q, sql, fs->like);
	free(sql);
	free(like);
	if (fs->phone != NULL) {
		sql = xasprintf(" OR %s = ?", col);
		store_bind_text(q, sql, accents ? fs->phone : fs->phone_end);
		/* An answer as stored holds either form (search_text: one). */
		if (accents)
			store_bind_text(q, sql, fs->phone_intl);
		free(sql);
	}
	if (fs->digits != NULL) {
		sql = xasprintf(" OR %s LIKE ? ESCAPE '\\'", col);
		store_bind_text(q, sql, fs->digits_like);
		if (accents && fs->digits_intl_like != NULL)
			store_bind_text(q, sql, fs->digits_intl_like);
		free(sql);
	}
	sqlite3_str_appendall(q->sql, ")");
}

/* " IN (?, ?, ...)" with the searchable fields. */
void
store_add_fields_in(struct query *q, const struct store_filter *f)
{
	sqlite3_str_appendall(q->sql, " IN (");
	for (size_t k = 0; k < f->nsearch && k < 8; k++)
		store_bind_text(q, k ? ", ?" : "?", f->search_fields[k]);
	sqlite3_str_appendall(q->sql, ")");
}

/* The FROM clause: with few hits, the requests the index found. */
void
store_add_from(struct query *q, const struct filter_strings *fs)
{
	if (fs->plan != SEARCH_HITS) {
		sqlite3_str_appendall(q->sql, " FROM intake i");
		return;
	}
	/* CROSS JOIN: from the hits to their requests, never the other way. */
	sqlite3_str_appendall(q->sql, " FROM temp.search_hit h CROSS JOIN intake i ON i.id = h.id");
}

/* Add the WHERE clause for f. */
void
store_add_filter(struct query *q, const struct store_filter *f, const struct filter_strings *fs)
{
	const char *options_field = f->options_field;

	sqlite3_str_appendall(q->sql, " WHERE 1");
	if (f->status != NULL)
		store_bind_text(q, " AND i.status = ?", f->status);
	if (f->option != NULL && options_field != NULL) {
		store_bind_text(q, " AND EXISTS (SELECT 1 FROM answer o WHERE o.intake_id = i.id AND o.field = ?", options_field);
		store_bind_text(q, " AND ',' || o.value || ',' LIKE '%,' || ? || ',%')", f->option);
	}
	/* "" is the requests stored before kiosks had a location. */
	if (f->location != NULL && *f->location == '\0')
		sqlite3_str_appendall(q->sql, " AND i.location IS NULL");
	else if (f->location != NULL)
		store_bind_text(q, " AND i.location = ?", f->location);
	/* "" is the requests nobody is assigned to. */
	if (f->assignee != NULL && *f->assignee == '\0')
		sqlite3_str_appendall(q->sql, " AND i.assignee IS NULL");
	else if (f->assignee != NULL)
		store_bind_text(q, " AND i.assignee = ?", f->assignee);
	if (f->callback_before != NULL) {
		store_bind_text(q, " AND i.status <> 'closed' AND (i.callback < ?", f->callback_before);
		store_bind_text(q, " OR (i.status IN ('new', 'contacted', 'referred') AND i.created_at < ?))",
		    f->open_before ? f->open_before : "");
	}
	if (f->since != NULL)
		store_bind_text(q, " AND i.created_at >= ?", f->since);
	if (f->until != NULL)
		store_bind_text(q, " AND i.created_at < ?", fs->until);
	if (fs->plan == SEARCH_SET) {
		/* "+": not through the primary key, but the list's order */
		sqlite3_str_appendall(q->sql, " AND +i.id IN (SELECT id FROM temp.search_hit)");
	}
	if (fs->plan == SEARCH_SCAN || fs->plan == SEARCH_DENSE) {
		bool scan = fs->plan == SEARCH_SCAN;

		store_bind_text(q, " AND (i.ref = upper(?)", f->search);
		if (f->nsearch > 0) {
			sqlite3_str_appendall(q->sql, scan ? " OR EXISTS (SELECT 1 FROM answer t WHERE t.intake_id = i.id"
			    " AND t.field" : " OR EXISTS (SELECT 1 FROM search_text t WHERE t.intake_id = i.id AND t.field");
			store_add_fields_in(q, f);
			sqlite3_str_appendall(q->sql, " AND ");
			store_add_alternatives(q, fs, scan ? "t.value" : "t.folded", scan);
			sqlite3_str_appendall(q->sql, ")");
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

/* The digits of a phone number written with spaces, dashes, dots or
 * brackets ("12 34 56"), so that part of a number is found however it
 * was written; a start of +31 or 0031 (and a "(0)" after it) as 0, the
 * way search_text holds numbers ("+31 6 12" gives 0612). NULL when s is
 * not like that. Caller frees. */
static char *
phone_digits(const char *s)
{
	char *out = xmalloc(strlen(s) + 2), *p = out, *from;
	bool plus = false;

	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			*p++ = *s;
		else if (*s == '+' && p == out)
			plus = true;
		else if (!strchr(" -().", *s))
			break;
	}
	*p = '\0';
	from = plus && strncmp(out, "31", 2) == 0 ? out + 2 : !plus && strncmp(out, "0031", 4) == 0 ? out + 4 : NULL;
	if (from != NULL) {
		from += *from == '0';
		memmove(out + 1, from, strlen(from) + 1);
		out[0] = '0';
		p = out + strlen(out);
	}
	if (*s != '\0' || p - out < 3) {
		free(out);
		return NULL;
	}
	return out;
}

int
store_prepare(struct store *s, struct query *q, sqlite3_stmt **st)
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

/* A read transaction, so that a pass over many rows sees one state while
 * kiosks write, and q prepared in it (q is consumed either way). */
int
store_begin_and_prepare(struct store *s, struct query *q, sqlite3_stmt **st)
{
	int rc = sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL);

	if (rc == SQLITE_OK)
		return store_prepare(s, q, st);
	sqlite3_free(sqlite3_str_finish(q->sql));
	return rc;
}

char *
store_col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	return xstrdup(v ? (const char *)v : "");
}

void
store_col_copy(sqlite3_stmt *st, int i, char *buf, size_t size)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	snprintf(buf, size, "%s", v ? (const char *)v : "");
}

/* Run q (consumed) to its end; *changes, if asked: the rows it wrote. */
int
store_run_query(struct store *s, struct query *q, int *changes)
{
	sqlite3_stmt *st = NULL;
	int rc = store_prepare(s, q, &st);

	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
	if (changes != NULL)
		*changes = sqlite3_changes(s->db);
	sqlite3_finalize(st);
	return rc;
}

void
store_filter_strings(struct store *s, const struct store_filter *f, struct filter_strings *fs)
{
	memset(fs, 0, sizeof *fs);
	/* A staff list is where search starts: make the index ready before
	 * the first search (after the upgrade that made it, this takes once
	 * as long as the requests already stored need). */
	if (f->nsearch > 0)
		store_search_ready(s, f->search_fields, f->nsearch, NULL);
	if (f->search != NULL && *f->search) {
		fs->folded = store_fold(f->search);
		fs->like = like_pattern(fs->folded);
		fs->phone = store_search_phone(f->search);
		fs->phone_end = fs->phone ? xasprintf("%s" STORE_SEARCH_END, fs->phone) : NULL;
		fs->phone_intl = fs->phone ? xasprintf("+31%s", fs->phone + 1) : NULL;
		fs->digits = phone_digits(f->search);
		if (fs->digits != NULL && str_eq(fs->digits, fs->folded)) {
			free(fs->digits);
			fs->digits = NULL;
		}
		fs->digits_like = fs->digits ? like_pattern(fs->digits) : NULL;
		if (fs->digits != NULL && fs->digits[0] == '0' && fs->digits[1] != '0') {
			char *intl = xasprintf("+31%s", fs->digits + 1);

			fs->digits_intl_like = like_pattern(intl);
			free(intl);
		}
		store_choose_plan(s, f, fs);
	}
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

void
store_filter_strings_free(struct filter_strings *fs)
{
	free(fs->folded);
	free(fs->like);
	free(fs->phone);
	free(fs->phone_end);
	free(fs->folded_next);
	free(fs->phone_intl);
	free(fs->digits);
	free(fs->digits_like);
	free(fs->digits_intl_like);
	for (int m = 0; m < 3; m++)
		free(fs->match[m]);
}
