/* test_stats.c: store_stats, the counts per month, status and options
 * ticked: the same counts as SQL's GROUP BY over the same rows, with and
 * without filters, and read from the index of the options field (made on
 * demand) rather than from every answer. */
#include "unit.h"

#include <sqlite3.h>

#include "store.h"
#include "store_int.h"
#include "unit_db.h"

/* Requests of several months and statuses, most with options ticked,
 * each with a long answer beside them (as the situation field is). */
static void
insert_requests(sqlite3 *db, int n)
{
	static const char *const statuses[] = { "new", "contacted", "closed" };
	static const char *const options[] = { "advice", "day_care,advice", "respite_light", NULL };
	sqlite3_stmt *in, *ans;

	raw_exec(db, "BEGIN");
	sqlite3_prepare_v2(db, "INSERT INTO intake (ref, year, seq, created_at, ui_lang, form_version, status)"
	    " VALUES (printf('MZ-2025-%04d', ?1), 2025, ?1, printf('2025-%02d-10T10:00:00Z', 1 + ?1 % 5), 'nl', 1, ?2)",
	    -1, &in, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO answer (intake_id, field, value) VALUES (?1, ?2, ?3)", -1, &ans, NULL);
	for (int i = 1; i <= n; i++) {
		sqlite3_int64 id;
		const char *opt = options[i % 4];

		sqlite3_reset(in);
		sqlite3_bind_int(in, 1, i);
		sqlite3_bind_text(in, 2, statuses[i % 3], -1, SQLITE_STATIC);
		if (sqlite3_step(in) != SQLITE_DONE)
			fail_msg("insert: %s", sqlite3_errmsg(db));
		id = sqlite3_last_insert_rowid(db);
		for (int k = 0; k < 2; k++) {
			if (k == 0 && opt == NULL)
				continue;
			sqlite3_reset(ans);
			sqlite3_bind_int64(ans, 1, id);
			sqlite3_bind_text(ans, 2, k == 0 ? "options" : "situation", -1, SQLITE_STATIC);
			sqlite3_bind_text(ans, 3, k == 0 ? opt : "Ik zorg al jaren voor mijn moeder, die in Zoetermeer"
			    " woont en steeds meer hulp nodig heeft bij het huishouden, de boodschappen en de zorg"
			    " voor zichzelf; ik werk daarnaast drie dagen per week.", -1, SQLITE_STATIC);
			if (sqlite3_step(ans) != SQLITE_DONE)
				fail_msg("answer: %s", sqlite3_errmsg(db));
		}
	}
	sqlite3_finalize(in);
	sqlite3_finalize(ans);
	raw_exec(db, "COMMIT");
}

/* The groups store_stats gives, as sorted "month|status|options|n" lines. */
static void
add_group(void *ctx, const char *month, const char *status, const char *options, long long n)
{
	sqlite3_str_appendf(ctx, "%s|%s|%s|%lld\n", month, status, options, n);
}

static int
by_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *
stats_of(struct store *s, const struct store_filter *f, const char *options_field)
{
	sqlite3_str *out = sqlite3_str_new(NULL);
	char *text, *lines[4096], *sorted;
	size_t n = 0, len;

	assert_int_equal(store_stats(s, f, options_field, add_group, out), STORE_OK);
	text = sqlite3_str_finish(out);
	for (char *p = text ? strtok(text, "\n") : NULL; p != NULL && n < UNIT_LEN(lines); p = strtok(NULL, "\n"))
		lines[n++] = p;
	qsort(lines, n, sizeof *lines, by_line);
	len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(lines[i]) + 1;
	sorted = xcalloc(1, len);
	for (size_t i = 0; i < n; i++) {
		strcat(sorted, lines[i]);
		strcat(sorted, "\n");
	}
	sqlite3_free(text);
	return sorted;
}

/* The same counts by SQL's GROUP BY, with where as the filter. */
static char *
group_by(const char *path, const char *where)
{
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *st;
	char *sql = xasprintf("SELECT g || '|' || count(*) FROM (SELECT substr(i.created_at, 1, 7) || '|' || i.status"
	    " || '|' || coalesce((SELECT value FROM answer WHERE intake_id = i.id AND field = 'options'), '') AS g"
	    " FROM intake i WHERE %s) GROUP BY g ORDER BY 1", where);
	sqlite3_str *out = sqlite3_str_new(NULL);
	char *text, *copy;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW)
		sqlite3_str_appendf(out, "%s\n", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(sql);
	text = sqlite3_str_finish(out);
	copy = xstrdup(text ? text : "");
	sqlite3_free(text);
	return copy;
}

/* Pages of the database SQLite read for store_stats. */
static int
pages_read(struct store *s, const struct store_filter *f, char **got)
{
	pages_read_since(s);
	*got = stats_of(s, f, "options");
	return pages_read_since(s);
}

/* One page of the staff list, as its screen asks with options_field. */
static void
list_page(struct store *s, const char *options_field)
{
	struct store_filter f = { .options_field = options_field };
	struct store_row *rows;
	size_t n;

	assert_int_equal(store_list(s, &f, "name", NULL, 0, 17, &rows, &n), STORE_OK);
	store_rows_free(rows, n);
}

/* raw_int on the file at path, through a connection of its own. */
static long long
file_int(const char *path, const char *sql)
{
	sqlite3 *db = raw_open(path);
	long long v = raw_int(db, sql, NULL);

	sqlite3_close(db);
	return v;
}

static void
test_stats_counts(void **state)
{
	struct fixture *fx = *state;
	struct store_filter none = { 0 }, closed = { .status = "closed" }, since = { .since = "2025-03-01" };
	sqlite3 *db = raw_open(fx->db);
	char *got, *want;

	insert_requests(db, 600);
	sqlite3_close(db);
	got = stats_of(fx->s, &none, "options");
	want = group_by(fx->db, "1");
	assert_string_equal(got, want);
	assert_true(strstr(got, "2025-02|contacted|day_care,advice|") != NULL);
	assert_true(strstr(got, "2025-01|new||") != NULL);
	free(got);
	free(want);
	got = stats_of(fx->s, &closed, "options");
	want = group_by(fx->db, "i.status = 'closed'");
	assert_string_equal(got, want);
	free(got);
	free(want);
	got = stats_of(fx->s, &since, "options");
	want = group_by(fx->db, "i.created_at >= '2025-03-01'");
	assert_string_equal(got, want);
	free(got);
	free(want);
}

/* The options come from their own index, made by the first stats: the
 * counts read a fraction of the pages that all the answers fill. */
static void
test_stats_reads_the_index(void **state)
{
	struct fixture *fx = *state;
	struct store_filter none = { 0 };
	sqlite3 *db = raw_open(fx->db);
	long long answer_pages;
	char *got, *want;
	int pages;

	insert_requests(db, 3000);
	sqlite3_close(db);
	free(stats_of(fx->s, &none, "options"));
	assert_int_equal(file_int(fx->db, "SELECT count(*) FROM sqlite_schema WHERE name = 'answer_stats'"
	    " AND sql LIKE '%WHERE field = ''options'''"), 1);
	answer_pages = file_int(fx->db, "SELECT count(*) FROM dbstat WHERE name = 'answer'");
	assert_true(answer_pages > 100);
	pages = pages_read(fx->s, &none, &got);
	want = group_by(fx->db, "1");
	assert_string_equal(got, want);
	free(got);
	free(want);
	if (pages * 2 > answer_pages)
		fail_msg("stats read %d pages; the answers fill %lld", pages, answer_pages);
	/* Another options field: its own index replaces the one there. */
	got = stats_of(fx->s, &none, "situation");
	assert_true(strstr(got, "Ik zorg al jaren") != NULL);
	free(got);
	assert_int_equal(file_int(fx->db, "SELECT count(*) FROM sqlite_schema WHERE type = 'index'"
	    " AND name = 'answer_stats' AND sql LIKE '%WHERE field = ''situation'''"), 1);
	/* The staff list makes a missing index, but leaves one that stats
	 * made for another field, so that the two never take turns. */
	list_page(fx->s, "options");
	assert_int_equal(file_int(fx->db, "SELECT count(*) FROM sqlite_schema WHERE type = 'index'"
	    " AND name = 'answer_stats' AND sql LIKE '%WHERE field = ''situation'''"), 1);
}

/* The first staff list makes the index, so the first stats need not. */
static void
test_stats_index_by_list(void **state)
{
	struct fixture *fx = *state;
	sqlite3 *db = raw_open(fx->db);

	insert_requests(db, 50);
	sqlite3_close(db);
	assert_int_equal(file_int(fx->db, "SELECT count(*) FROM sqlite_schema WHERE name = 'answer_stats'"), 0);
	list_page(fx->s, "options");
	assert_int_equal(file_int(fx->db, "SELECT count(*) FROM sqlite_schema WHERE name = 'answer_stats'"
	    " AND sql LIKE '%WHERE field = ''options'''"), 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_stats_counts),
		T(test_stats_reads_the_index),
		T(test_stats_index_by_list),
	};

	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
