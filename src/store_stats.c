/* store_stats.c: counts of requests per month, status and options
 * ticked, and the partial index of the options' answers they read. */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "util.h"

/* The SQL of the index of the answers to field: stats reads it (40 MB at
 * a million requests) rather than every answer (350 MB). Partial, as it
 * holds one field; the field is the form's, so it is made on demand. */
static char *
stats_index_sql(const char *field)
{
	char *sql = sqlite3_mprintf("CREATE INDEX answer_stats ON answer(intake_id, value) WHERE field = %Q", field);
	char *out;

	if (sql == NULL)
		die("out of memory");
	out = xstrdup(sql);
	sqlite3_free(sql);
	return out;
}

/* Make the index for field, unless it is there: on the first staff list
 * or stats (a million requests take 1.4 s, once). replace: also when it
 * indexes another field (stats does; the list only makes a missing one,
 * so that the two never take turns). A failure leaves stats to read every
 * answer, as slow as before but right. */
void
store_stats_ready(struct store *s, const char *options_field)
{
	store_stats_index(s, options_field, false);
}

void
store_stats_index(struct store *s, const char *field, bool replace)
{
	char *want;
	sqlite3_stmt *st;
	bool have = false, same = false;

	if (str_eq(s->stats_field, field))
		return;
	want = stats_index_sql(field);
	if (sqlite3_prepare_v2(s->db, "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = 'answer_stats'",
	    -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW) {
			same = str_eq((const char *)sqlite3_column_text(st, 0), want);
			have = same || !replace;
		}
		sqlite3_finalize(st);
	}
	if (!have && sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK) {
		if (sqlite3_exec(s->db, "DROP INDEX IF EXISTS answer_stats", NULL, NULL, NULL) == SQLITE_OK &&
		    sqlite3_exec(s->db, want, NULL, NULL, NULL) == SQLITE_OK &&
		    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
			same = true;
		else
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	}
	if (same && strlen(field) < sizeof s->stats_field)
		memcpy(s->stats_field, field, strlen(field) + 1);
	free(want);
}

/* Counts per group for store_stats: a hash table of "month\x1fstatus\x1f
 * options" keys; a few thousand groups for a million requests. */
struct groups {
	char **keys;
	long long *counts;
	size_t *slots; /* index + 1 into keys; 0: empty */
	size_t n, cap, nslots;
};

static size_t
hash_of(const char *s)
{
	size_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void
groups_grow(struct groups *g)
{
	size_t nslots = g->nslots ? g->nslots * 2 : 1024;

	free(g->slots);
	g->slots = xcalloc(nslots, sizeof *g->slots);
	g->nslots = nslots;
	for (size_t i = 0; i < g->n; i++) {
		size_t h = hash_of(g->keys[i]) & (nslots - 1);

		while (g->slots[h])
			h = (h + 1) & (nslots - 1);
		g->slots[h] = i + 1;
	}
}

/* Count key once more; its index in g->keys. */
static size_t
groups_add(struct groups *g, const char *key)
{
	size_t h;

	if (2 * (g->n + 1) > g->nslots)
		groups_grow(g);
	for (h = hash_of(key) & (g->nslots - 1); g->slots[h]; h = (h + 1) & (g->nslots - 1))
		if (strcmp(g->keys[g->slots[h] - 1], key) == 0) {
			g->counts[g->slots[h] - 1]++;
			return g->slots[h] - 1;
		}
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 256;
		g->keys = xreallocarray(g->keys, g->cap, sizeof *g->keys);
		g->counts = xreallocarray(g->counts, g->cap, sizeof *g->counts);
	}
	g->keys[g->n] = xstrdup(key);
	g->counts[g->n] = 1;
	g->slots[h] = ++g->n;
	return g->n - 1;
}

static void
groups_free(struct groups *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->keys[i]);
	free(g->keys);
	free(g->counts);
	free(g->slots);
}

enum store_rc
store_stats(struct store *s, const struct store_filter *f, const char *options_field,
    void (*fn)(void *, const char *, const char *, const char *, long long), void *ctx)
{
	struct query q = { .sql = sqlite3_str_new(s->db) };
	struct filter_strings fs;
	struct groups g = { 0 };
	sqlite3_stmt *st = NULL, *opt = NULL;
	char key[512], *opt_sql;
	int rc, opt_rc = SQLITE_DONE;

	if (options_field != NULL)
		store_stats_index(s, options_field, true);
	store_filter_strings(s, f, &fs);
	/* Counted here rather than by GROUP BY: SQLite sorts every row first.
	 * Measured with the options joined from their index: `zorgkiosk
	 * stats` at 100,000 requests took 218 ms by GROUP BY, 98 ms counted
	 * here (the same output). The options are read in one pass over their index,
	 * beside the requests in the same order (by id): a million lookups
	 * would take longer than reading them all. */
	sqlite3_str_appendall(q.sql, "SELECT i.id, substr(i.created_at, 1, 7), i.status");
	store_add_from(&q, &fs);
	store_add_filter(&q, f, &fs);
	sqlite3_str_appendall(q.sql, " ORDER BY i.id");
	rc = store_begin_and_prepare(s, &q, &st);
	/* The field as text in the SQL, not bound: SQLite uses a partial
	 * index only for a query whose WHERE names the same value. */
	opt_sql = sqlite3_mprintf("SELECT intake_id, value FROM answer WHERE field = %Q ORDER BY intake_id",
	    options_field ? options_field : "");
	if (opt_sql == NULL)
		die("out of memory");
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db, opt_sql, -1, &opt, NULL);
	sqlite3_free(opt_sql);
	if (rc == SQLITE_OK)
		opt_rc = sqlite3_step(opt);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(st, 0);
		const char *options = "";

		while (opt_rc == SQLITE_ROW && sqlite3_column_int64(opt, 0) < id)
			opt_rc = sqlite3_step(opt);
		if (opt_rc == SQLITE_ROW && sqlite3_column_int64(opt, 0) == id)
			options = (const char *)sqlite3_column_text(opt, 1);
		const char *month = (const char *)sqlite3_column_text(st, 1), *status = (const char *)sqlite3_column_text(st, 2);
		size_t nm = strlen(month), ns = strlen(status), no = strlen(options);

		if (nm + ns + no + 3 > sizeof key)
			no = sizeof key - 3 - nm - ns; /* months and statuses are short */
		memcpy(key, month, nm);
		key[nm] = '\x1f';
		memcpy(key + nm + 1, status, ns);
		key[nm + 1 + ns] = '\x1f';
		memcpy(key + nm + ns + 2, options, no);
		key[nm + ns + 2 + no] = '\0';
		groups_add(&g, key);
		rc = SQLITE_OK;
	}
	if (rc == SQLITE_DONE && opt_rc != SQLITE_ROW && opt_rc != SQLITE_DONE)
		rc = opt_rc;
	sqlite3_finalize(opt);
	sqlite3_finalize(st);
	sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	store_filter_strings_free(&fs);
	for (size_t i = 0; rc == SQLITE_DONE && i < g.n; i++) {
		char *month = g.keys[i], *status = strchr(month, '\x1f'), *options;

		*status++ = '\0';
		options = strchr(status, '\x1f');
		*options++ = '\0';
		fn(ctx, month, status, options, g.counts[i]);
	}
	groups_free(&g);
	return rc == SQLITE_DONE ? STORE_OK : store_rc_of(rc);
}
