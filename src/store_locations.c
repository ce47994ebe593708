/* store_locations.c: where requests were made, for a site whose kiosks
 * stand at several places and store into one database. */
#include "store.h"

#include <stdlib.h>

#include "store_int.h"
#include "util.h"

enum store_rc
store_location_counts(struct store *s, const struct store_filter *f,
    void (*fn)(void *, const char *, const char *, long long), void *ctx)
{
	struct query q = { .sql = sqlite3_str_new(s->db) };
	struct filter_strings fs;
	sqlite3_stmt *st = NULL;
	int rc;

	store_filter_strings(s, f, &fs);
	sqlite3_str_appendall(q.sql, "SELECT substr(i.created_at, 1, 7), coalesce(i.location, ''), count(*)");
	store_add_from(&q, &fs);
	store_add_filter(&q, f, &fs);
	sqlite3_str_appendall(q.sql, " GROUP BY 1, 2 ORDER BY 1, 2");
	rc = store_begin_and_prepare(s, &q, &st);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		fn(ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
		    sqlite3_column_int64(st, 2));
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	store_filter_strings_free(&fs);
	return rc == SQLITE_DONE ? STORE_OK : store_rc_of(rc);
}

enum store_rc
store_locations(struct store *s, char ***names, size_t *n)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc = sqlite3_prepare_v2(s->db, "SELECT DISTINCT location FROM intake WHERE location IS NOT NULL"
	    " ORDER BY location", -1, &st, NULL);

	*names = NULL;
	*n = 0;
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*names = xreallocarray(*names, cap, sizeof **names);
		}
		(*names)[(*n)++] = store_col_dup(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : store_rc_of(rc);
}
