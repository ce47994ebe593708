/* test_search.c: the staff search (store_list with a search) over the
 * search index: the same requests as reading every answer would find,
 * without regard to case or accents, by part of a name, phone number or
 * e-mail address or by reference; requests written by other programs;
 * an index built for requests stored before it; many hits and paging;
 * and a purge that leaves no trace of a name in the database file. */
#include "unit.h"

#include <sqlite3.h>

#include "i18n.h"
#include "intake.h"
#include "store.h"
#include "store_int.h"
#include "unit_db.h"

static struct forms *forms;
static const char *const search_fields[] = { "name", "phone", "email" };

static int
group_setup(void **state)
{
	(void)state;
	forms = unit_load_valid();
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	forms_free(forms);
	return 0;
}

/* ------------------------------------------------------------ helpers */

/* One request written straight into the tables by another program (as
 * SQLite's own tools or a script would), so the triggers must index it. */
static void
insert_raw(sqlite3 *db, const char *ref, const char *created, const char *status, const char *name,
    const char *phone, const char *email)
{
	sqlite3_stmt *st;
	sqlite3_int64 id;
	const char *fields[] = { "name", "phone", "email", "situation" };
	const char *values[] = { name, phone, email, "Ik zorg voor mijn moeder." };

	if (sqlite3_prepare_v2(db, "INSERT INTO intake (ref, year, seq, created_at, ui_lang, form_version, status)"
	    " VALUES (?1, substr(?1, 4, 4), substr(?1, 9), ?2, 'nl', 1, ?3)", -1, &st, NULL) != SQLITE_OK)
		fail_msg("insert: %s", sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, created, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		fail_msg("insert %s: %s", ref, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	id = sqlite3_last_insert_rowid(db);
	sqlite3_prepare_v2(db, "INSERT INTO answer (intake_id, field, value) VALUES (?, ?, ?)", -1, &st, NULL);
	for (size_t i = 0; i < UNIT_LEN(fields); i++) {
		if (values[i] == NULL)
			continue;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, fields[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, values[i], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			fail_msg("answer %s: %s", ref, sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
}

/* The references store_list finds for query (newest first, all of them,
 * limit at most), comma-separated. Caller frees. */
static char *
search_refs(struct store *s, const char *query, const char *status, int limit)
{
	struct store_filter f = { .search = query, .status = status, .search_fields = search_fields,
		.nsearch = UNIT_LEN(search_fields) };
	struct store_row *rows;
	size_t n;
	sqlite3_str *out = sqlite3_str_new(NULL);
	char *refs, *copy;

	assert_int_equal(store_list(s, &f, "name", NULL, 0, limit, &rows, &n), STORE_OK);
	for (size_t i = 0; i < n; i++)
		sqlite3_str_appendf(out, "%s%s", i ? "," : "", rows[i].ref);
	store_rows_free(rows, n);
	refs = sqlite3_str_finish(out);
	copy = xstrdup(refs ? refs : "");
	sqlite3_free(refs);
	return copy;
}

struct search_case {
	const char *name, *query, *want;
};

static void
check_cases(struct store *s, const struct search_case *c, size_t n)
{
	bool ok = true;

	for (size_t i = 0; i < n; i++) {
		char *got = search_refs(s, c[i].query, NULL, 100);

		if (!str_eq(got, c[i].want)) {
			print_error("%s: search \"%s\" found \"%s\", want \"%s\"\n", c[i].name, c[i].query, got, c[i].want);
			ok = false;
		}
		free(got);
	}
	if (!ok)
		fail();
}

/* Four people; the newest first in the list: D, C, B, A. */
static void
insert_people(sqlite3 *db)
{
	insert_raw(db, "MZ-2026-0001", "2026-01-05T10:00:00Z", "new", "Joke Öztürk", "0612345678", "joke@example.nl");
	insert_raw(db, "MZ-2026-0002", "2026-02-05T10:00:00Z", "new", "José Éclair", "+31201234567", NULL);
	insert_raw(db, "MZ-2026-0003", "2026-03-05T10:00:00Z", "closed", "ANNA de Vries", "0704567890",
	    "anna_vries@example.org");
	insert_raw(db, "MZ-2026-0004", "2026-04-05T10:00:00Z", "new", "Wilma Zoekbaar", NULL, "w.z@voorbeeld.nl");
}

#define A "MZ-2026-0001"
#define B "MZ-2026-0002"
#define C "MZ-2026-0003"
#define D "MZ-2026-0004"

static const struct search_case cases[] = {
	/* the queries of the staff terminal tests, as before */
	{ "search-1.1", "Zoekbaar", D },
	{ "search-1.2", "MZ-2026-0003", C },
	{ "search-1.3", "mz-2026-0003", C },
	{ "search-1.4", "MZ-2026-9999", "" },
	{ "search-1.5", "nobody@nowhere.example", "" },
	{ "search-1.6", "example", C "," A },
	{ "search-1.7", "de Vries", C },
	/* case */
	{ "search-2.1", "anna", C },
	{ "search-2.2", "ZOEKBAAR", D },
	{ "search-2.3", "wILMA zOEK", D },
	/* accents, both ways */
	{ "search-3.1", "ozturk", A },
	{ "search-3.2", "Öztürk", A },
	{ "search-3.3", "ÖZTÜRK", A },
	{ "search-3.4", "oztürk", A },
	{ "search-3.5", "jose", B },
	{ "search-3.6", "josé", B },
	{ "search-3.7", "eclair", B },
	{ "search-3.8", "ÉCLAIR", B },
	{ "search-3.9", "Joke Ozturk", A },
	/* phone numbers, whole and in part, however written */
	{ "search-4.1", "0612345678", A },
	{ "search-4.2", "06 12345678", A },
	{ "search-4.3", "06-1234 5678", A },
	{ "search-4.4", "12345678", A },
	{ "search-4.5", "1234 5678", A },
	{ "search-4.6", "70456", C },
	{ "search-4.7", "+31 20 1234567", B },
	{ "search-4.8", "567", C "," B "," A },
	/* Dutch numbers: +31 and 0031 are 0, both ways (A is stored 06...,
	 * B +3120...), whole and in part */
	{ "search-4.9", "+31 6 12345678", A },
	{ "search-4.10", "0031 6 1234 5678", A },
	{ "search-4.11", "+31 (0)6-1234.5678", A },
	{ "search-4.12", "020 123 4567", B },
	{ "search-4.13", "(020) 1234567", B },
	{ "search-4.14", "+31 6 1234", A },
	{ "search-4.15", "020 12", B },
	{ "search-4.16", "0031 20", B },
	{ "search-4.17", "06 1234 5679", "" },
	/* e-mail, and LIKE's wildcards taken as they are */
	{ "search-5.1", "anna_vries", C },
	{ "search-5.2", "anna%vries", "" },
	{ "search-5.3", "w.z@", D },
	{ "search-5.4", "a_n", "" },
	/* one or two characters (no trigram): still found */
	{ "search-6.1", "öz", A },
	{ "search-6.2", "OZ", A },
	{ "search-6.3", "éc", B },
	{ "search-6.4", "qx", "" },
	/* ... also at the end of an answer, where no trigram starts */
	{ "search-6.5", "rk", A },
	{ "search-6.6", "78", C "," A },
	{ "search-6.7", "8", C "," A },
	{ "search-6.8", "7", C "," B "," A },
	{ "search-6.9", "Ü", A },
	/* what is not a searchable field is not searched */
	{ "search-7.1", "moeder", "" },
};

/* ------------------------------------------------------------ tests */

/* Requests written by another program are found like the kiosk's own. */
static void
test_search_cases(void **state)
{
	struct fixture *fx = *state;
	sqlite3 *db = raw_open(fx->db);

	insert_people(db);
	sqlite3_close(db);
	check_cases(fx->s, cases, UNIT_LEN(cases));
}

/* The index is kept by the triggers: rows written after the index was
 * made are in it, in the same transaction. */
static void
test_search_index_kept(void **state)
{
	struct fixture *fx = *state;
	sqlite3 *db = raw_open(fx->db);
	char *got;

	insert_raw(db, "MZ-2025-0001", "2025-01-01T10:00:00Z", "new", "Eerste Persoon", "0611111111", NULL);
	got = search_refs(fx->s, "Eerste", NULL, 10); /* makes the index */
	assert_string_equal(got, "MZ-2025-0001");
	free(got);
	insert_people(db);
	/* The trigger cannot key what is not ASCII (SQL alone): such
	 * entries are in the index as typed, listed to be keyed. */
	assert_int_equal(raw_int(db, "SELECT count(*) FROM search WHERE search MATCH '\"Öztürk\"'", NULL), 1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM search_pending", NULL), 2);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM search_text", NULL), 2 + 4 * 3 - 2);
	/* a transaction rolled back leaves nothing in the index */
	raw_exec(db, "BEGIN");
	insert_raw(db, "MZ-2026-0099", "2026-05-05T10:00:00Z", "new", "Teruggedraaid Mens", NULL, NULL);
	raw_exec(db, "ROLLBACK");
	assert_int_equal(raw_int(db, "SELECT count(*) FROM search WHERE search MATCH '\"teruggedraaid\"'", NULL), 0);
	check_cases(fx->s, cases, UNIT_LEN(cases));
	/* the first search keyed them */
	assert_int_equal(raw_int(db, "SELECT count(*) FROM search WHERE search MATCH '\"ozturk\"'", NULL), 1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM search_pending", NULL), 0);
	raw_exec(db, "INSERT INTO search (search, rank) VALUES ('integrity-check', 1)");
	sqlite3_close(db);
}

/* A database from before the index: the upgrade makes it, and the first
 * search fills it with the requests stored before. */
static void
test_search_upgrade(void **state)
{
	struct fixture *fx = *state;
	sqlite3 *db = raw_open(fx->db);
	enum store_rc rc;
	char *detail = NULL;

	store_close(fx->s);
	insert_people(db);
	raw_exec(db, "DROP TRIGGER answer_search; DROP TRIGGER answer_unsearch; DROP TABLE search;"
	    " DROP TABLE search_text; DROP TABLE search_field; PRAGMA user_version = 4;");
	sqlite3_close(db);
	fx->s = store_open(fx->db, 0600, (gid_t)-1, STORE_CHECK_NOW, &rc, &detail);
	assert_int_equal(rc, STORE_OK);
	free(detail);
	db = raw_open(fx->db);
	assert_int_equal(raw_int(db, "PRAGMA user_version", NULL), STORE_SCHEMA);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM search_text", NULL), 0);
	sqlite3_close(db);
	check_cases(fx->s, cases, UNIT_LEN(cases));
}

/* The references found for query, limit at most, with status. */
static size_t
count_found(struct store *s, const char *query, const char *status)
{
	struct store_filter f = { .search = query, .status = status, .search_fields = search_fields,
		.nsearch = UNIT_LEN(search_fields) };
	struct store_row *rows;
	size_t n;

	assert_int_equal(store_list(s, &f, "name", NULL, 0, 30000, &rows, &n), STORE_OK);
	store_rows_free(rows, n);
	return n;
}

/* Many hits (hundreds: the list is walked and each request looked up
 * among the hits; tens of thousands: each is checked as the list is
 * walked): the same requests, in the same order, page after page, and
 * with a status filter. */
static void
test_search_many_hits(void **state)
{
	struct fixture *fx = *state;
	sqlite3 *db = raw_open(fx->db);
	struct store_filter f = { .search = "jansen", .search_fields = search_fields,
		.nsearch = UNIT_LEN(search_fields) };
	struct store_row *page1, *page2, *all;
	size_t n1, n2, nall;
	char ref[32], created[32];

	raw_exec(db, "BEGIN");
	for (int i = 1; i <= 5500; i++) {
		snprintf(ref, sizeof ref, "MZ-2024-%04d", i);
		snprintf(created, sizeof created, "2024-%02d-%02dT%02d:%02d:00Z", 1 + i % 12, 1 + i % 28, i % 24, i % 60);
		insert_raw(db, ref, created, i % 2 ? "new" : "closed",
		    i % 8 ? "Piet Klaassen" : i % 16 ? "Piet Jansen" : "Piet Jänsen", NULL, NULL);
	}
	raw_exec(db, "COMMIT");
	insert_people(db);
	sqlite3_close(db);
	assert_int_equal(store_list(fx->s, &f, "name", NULL, 0, 3000, &all, &nall), STORE_OK);
	assert_int_equal(nall, 687);
	assert_int_equal(store_list(fx->s, &f, "name", NULL, 0, 17, &page1, &n1), STORE_OK);
	assert_int_equal(store_list(fx->s, &f, "name", &page1[16].key, 1, 17, &page2, &n2), STORE_OK);
	assert_int_equal(n1 + n2, 34);
	for (size_t i = 0; i < 34; i++)
		assert_string_equal(i < 17 ? page1[i].ref : page2[i - 17].ref, all[i].ref);
	store_rows_free(page1, n1);
	store_rows_free(page2, n2);
	store_rows_free(all, nall);
	assert_int_equal(count_found(fx->s, "jansen", "closed"), 687);
	assert_int_equal(count_found(fx->s, "jansen", "new"), 0);
	assert_int_equal(count_found(fx->s, "piet", NULL), 5500);
	assert_int_equal(count_found(fx->s, "PIET KLAASSEN", "new"), 2750);
	assert_int_equal(count_found(fx->s, "ie", NULL), 5500 + 1);
	check_cases(fx->s, cases, UNIT_LEN(cases));
}

/* Pages of the database SQLite read for store_list(query). */
static int
pages_read(struct store *s, const char *query, char **refs)
{
	pages_read_since(s);
	*refs = search_refs(s, query, NULL, 17);
	return pages_read_since(s);
}

/* Many requests, so that reading all of search_text is many pages. */
static void
insert_many(sqlite3 *db, int n)
{
	char ref[32], created[32], name[200], phone[16];

	raw_exec(db, "BEGIN");
	for (int i = 1; i <= n; i++) {
		snprintf(ref, sizeof ref, "MZ-2024-%04d", i);
		snprintf(created, sizeof created, "2024-%02d-%02dT%02d:%02d:00Z", 1 + i % 12, 1 + i % 28, i % 24, i % 60);
		snprintf(name, sizeof name, "Piet Klaassen van de Molenwetering %d, mantelzorger van zijn vader"
		    " en moeder in Zoetermeer: Rokkeveen, Seghwaert, Meerzicht, Buytenwegh en Oosterheem", i);
		snprintf(phone, sizeof phone, "06%08d", i * 7919);
		insert_raw(db, ref, created, i % 2 ? "new" : "closed", name, phone, NULL);
	}
	raw_exec(db, "COMMIT");
}

/* One or two characters are found through the index (the trigrams they
 * start), not by reading every searchable answer; the same search again,
 * as the list asks for a page and then whether there are more, reads the
 * hits it kept; another program's new request is found all the same. */
static void
test_search_short_and_kept(void **state)
{
	struct fixture *fx = *state;
	sqlite3 *db = raw_open(fx->db);
	long long text_pages;
	char *got;
	int pages, again;

	insert_many(db, 3000);
	insert_people(db);
	got = search_refs(fx->s, "Zoekbaar", NULL, 10); /* fills the index */
	assert_string_equal(got, D);
	free(got);
	text_pages = raw_int(db, "SELECT count(*) FROM dbstat WHERE name = 'search_text'", NULL);
	assert_true(text_pages > 100);

	pages = pages_read(fx->s, "qx", &got);
	assert_string_equal(got, "");
	free(got);
	if (pages * 2 > text_pages)
		fail_msg("\"qx\" read %d pages; search_text has %lld", pages, text_pages);
	pages = pages_read(fx->s, "rk", &got);
	assert_string_equal(got, A);
	free(got);
	if (pages * 2 > text_pages)
		fail_msg("\"rk\" read %d pages; search_text has %lld", pages, text_pages);

	/* 3000 hits (by phone number, in part): the second time, a page of
	 * the list alone */
	pages = pages_read(fx->s, "Molenwetering 2", &got);
	free(got);
	again = pages_read(fx->s, "Molenwetering 2", &got);
	free(got);
	if (again * 3 > pages)
		fail_msg("the same search again read %d pages, the first time %d", again, pages);
	got = search_refs(fx->s, "Molenwetering 2999", NULL, 10);
	assert_string_equal(got, "MZ-2024-2999");
	free(got);
	insert_raw(db, "MZ-2026-0100", "2026-06-01T10:00:00Z", "new", "Nieuw Molenwetering 29999", NULL, NULL);
	got = search_refs(fx->s, "Molenwetering 2999", NULL, 10);
	assert_string_equal(got, "MZ-2026-0100,MZ-2024-2999");
	free(got);
	sqlite3_close(db);
}

/* A database of schema 5, whose index holds the answers without the
 * separators at their ends: the upgrade indexes them again. */
static void
test_search_upgrade_5_to_6(void **state)
{
	struct fixture *fx = *state;
	sqlite3 *db = raw_open(fx->db);
	enum store_rc rc;
	char *detail = NULL, *got;

	insert_people(db);
	got = search_refs(fx->s, "Zoekbaar", NULL, 10); /* fills the index */
	assert_string_equal(got, D);
	free(got);
	store_close(fx->s);
	/* What schema 5 held: the texts as they are, and its trigger. */
	raw_exec(db, "UPDATE search_text SET folded = rtrim(folded, char(31));"
	    " INSERT INTO search (search) VALUES ('rebuild');"
	    " DROP TRIGGER answer_search;"
	    " CREATE TRIGGER answer_search AFTER INSERT ON answer WHEN new.field IN (SELECT field FROM search_field)"
	    " BEGIN INSERT INTO search_text (intake_id, field, folded) VALUES (new.intake_id, new.field, new.value);"
	    " INSERT INTO search (rowid, folded) SELECT id, folded FROM search_text WHERE id = last_insert_rowid(); END;"
	    " PRAGMA user_version = 5;");
	sqlite3_close(db);
	fx->s = store_open(fx->db, 0600, (gid_t)-1, true, &rc, &detail);
	assert_int_equal(rc, STORE_OK);
	free(detail);
	db = raw_open(fx->db);
	assert_int_equal(raw_int(db, "PRAGMA user_version", NULL), STORE_SCHEMA);
	assert_true(raw_int(db, "SELECT min(todo) FROM search_field", NULL) > 0);
	check_cases(fx->s, cases, UNIT_LEN(cases));
	assert_int_equal(raw_int(db, "SELECT max(todo) FROM search_field", NULL), 0);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM search_text WHERE substr(folded, -2) <> char(31, 31)", NULL), 0);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM search_text", NULL), 4 * 3 - 2);
	raw_exec(db, "INSERT INTO search (search, rank) VALUES ('integrity-check', 1)");
	/* new answers, by another program too, end in the separators */
	insert_raw(db, "MZ-2026-0005", "2026-05-05T10:00:00Z", "new", "Eva Ek", NULL, NULL);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM search_text WHERE folded = 'Eva Ek' || char(31, 31)", NULL), 1);
	sqlite3_close(db);
	got = search_refs(fx->s, "ek", NULL, 10);
	assert_string_equal(got, "MZ-2026-0005," D);
	free(got);
}

/* A database of schema 6 (before 8), whose index holds phone numbers as stored
 * (+31201234567): the upgrade indexes them again as 0201234567, and a
 * number written either way finds them. */
static void
test_search_upgrade_to_8(void **state)
{
	struct fixture *fx = *state;
	sqlite3 *db = raw_open(fx->db);
	enum store_rc rc;
	char *detail = NULL, *got;

	insert_people(db);
	got = search_refs(fx->s, "Zoekbaar", NULL, 10); /* fills the index */
	assert_string_equal(got, D);
	free(got);
	store_close(fx->s);
	/* What schema 6 held: the phone number as stored, and its trigger. */
	raw_exec(db, "UPDATE search_text SET folded = '+31' || substr(folded, 2) WHERE folded GLOB '020*';"
	    " INSERT INTO search (search) VALUES ('rebuild');"
	    " DROP TRIGGER answer_search;"
	    " CREATE TRIGGER answer_search AFTER INSERT ON answer WHEN new.field IN (SELECT field FROM search_field)"
	    " BEGIN INSERT INTO search_text (intake_id, field, folded)"
	    " VALUES (new.intake_id, new.field, new.value || char(31, 31));"
	    " INSERT INTO search (rowid, folded) SELECT id, folded FROM search_text WHERE id = last_insert_rowid(); END;"
	    " PRAGMA user_version = 6;");
	assert_int_equal(raw_int(db, "SELECT count(*) FROM search_text WHERE folded GLOB '+31*'", NULL), 1);
	sqlite3_close(db);
	fx->s = store_open(fx->db, 0600, (gid_t)-1, true, &rc, &detail);
	assert_int_equal(rc, STORE_OK);
	free(detail);
	check_cases(fx->s, cases, UNIT_LEN(cases));
	db = raw_open(fx->db);
	assert_int_equal(raw_int(db, "PRAGMA user_version", NULL), STORE_SCHEMA);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM search_text WHERE folded GLOB '+31*'", NULL), 0);
	raw_exec(db, "INSERT INTO search (search, rank) VALUES ('integrity-check', 1)");
	/* a new answer, by another program too, is indexed the same way */
	insert_raw(db, "MZ-2026-0005", "2026-05-05T10:00:00Z", "new", "Eva Ek", "+31798765432", NULL);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM search_text WHERE folded = '0798765432' || char(31, 31)", NULL), 1);
	sqlite3_close(db);
	got = search_refs(fx->s, "079 876 5432", NULL, 10);
	assert_string_equal(got, "MZ-2026-0005");
	free(got);
	got = search_refs(fx->s, "+31 79 876", NULL, 10);
	assert_string_equal(got, "MZ-2026-0005");
	free(got);
}

/* Whether the bytes of path (and its WAL) hold needle, in any case. */
static bool
file_holds(const char *path, const char *needle)
{
	bool found = false;

	for (int w = 0; w < 2 && !found; w++) {
		char *p = xasprintf("%s%s", path, w ? "-wal" : "");
		size_t n = 0, k = strlen(needle);
		char *data = unit_exists(p) ? unit_read(p, &n) : NULL;

		for (size_t i = 0; data != NULL && i + k <= n && !found; i++)
			found = strncasecmp(data + i, needle, k) == 0;
		free(data);
		free(p);
	}
	return found;
}

/* Purge leaves nothing of a name in the file: not in the answers, not in
 * search_text, not in the pages of the FTS index. The index keeps a term
 * as bytes only when it shares no prefix with the term before it: "qvj"
 * is the one trigram of the name, and no other term starts with q. */
static void
test_search_purge(void **state)
{
	struct fixture *fx = *state;
	sqlite3 *db = raw_open(fx->db);
	static const char *const traces[] = { "qvj", "0698765432" };
	static const char *const in_index = "SELECT count(*) FROM search_data WHERE instr(block, CAST(?1 AS BLOB)) > 0";
	int count = 0, unreachable = -1;
	char *got;

	insert_raw(db, "MZ-2020-0001", "2020-01-01T10:00:00Z", "closed", "Qvj", "0698765432", NULL);
	insert_raw(db, "MZ-2026-0001", "2026-01-05T10:00:00Z", "new", "Joke Ohmann", "0612345678", NULL);
	sqlite3_close(db);
	got = search_refs(fx->s, "QVJ", NULL, 10);
	assert_string_equal(got, "MZ-2020-0001");
	free(got);
	db = raw_open(fx->db);
	assert_int_equal(raw_int(db, in_index, "qvj"), 1);
	sqlite3_close(db);

	assert_int_equal(store_purge(fx->s, "2025-01-01", "0000-01-01", "tester", &count, &unreachable), STORE_OK);
	assert_int_equal(count, 1);
	assert_int_equal(unreachable, 0);
	got = search_refs(fx->s, "qvj", NULL, 10);
	assert_string_equal(got, "");
	free(got);
	db = raw_open(fx->db);
	assert_int_equal(raw_int(db, in_index, "qvj"), 0);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM search_text", NULL), 2);
	sqlite3_close(db);
	for (size_t i = 0; i < UNIT_LEN(traces); i++)
		if (file_holds(fx->db, traces[i]))
			fail_msg("after the purge, the database file still holds \"%s\"", traces[i]);
	got = search_refs(fx->s, "Ohmann", NULL, 10);
	assert_string_equal(got, "MZ-2026-0001");
	free(got);
}

/* Names in the scripts of the kiosk's languages, by another program. */
static void
insert_scripts(sqlite3 *db)
{
	insert_raw(db, "MZ-2026-0011", "2026-06-01T10:00:00Z", "new", "Łukasz Wróbel", NULL, NULL);
	insert_raw(db, "MZ-2026-0012", "2026-06-02T10:00:00Z", "new", "Ayşe Şahin", NULL, NULL);
	insert_raw(db, "MZ-2026-0013", "2026-06-03T10:00:00Z", "new", "İSMAİL Işık Doğan", NULL, NULL);
	insert_raw(db, "MZ-2026-0014", "2026-06-04T10:00:00Z", "new", "Олена Йосипенко", NULL, NULL);
	insert_raw(db, "MZ-2026-0015", "2026-06-05T10:00:00Z", "new", "مُحَمَّد أحمد", NULL, NULL);
	insert_raw(db, "MZ-2026-0016", "2026-06-06T10:00:00Z", "new", "محـــمود", NULL, NULL);
	insert_raw(db, "MZ-2026-0017", "2026-06-07T10:00:00Z", "new", "Мирон Мар’яненко", NULL, NULL);
}

static const struct search_case script_cases[] = {
	/* Polish: Ł has no decomposition, yet is an L to search */
	{ "scripts-1.1", "lukasz", "MZ-2026-0011" },
	{ "scripts-1.2", "ŁUKASZ wrobel", "MZ-2026-0011" },
	{ "scripts-1.3", "łu", "MZ-2026-0011" },
	/* Turkish: Ş, Ğ, dotted İ and dotless ı */
	{ "scripts-2.1", "sahin", "MZ-2026-0012" },
	{ "scripts-2.2", "AYŞE", "MZ-2026-0012" },
	{ "scripts-2.3", "ismail", "MZ-2026-0013" },
	{ "scripts-2.4", "isik", "MZ-2026-0013" },
	{ "scripts-2.5", "IŞIK", "MZ-2026-0013" },
	{ "scripts-2.6", "dogan", "MZ-2026-0013" },
	{ "scripts-2.7", "Doğan", "MZ-2026-0013" },
	/* Ukrainian: its own letters in either case; й is not и */
	{ "scripts-3.1", "олена", "MZ-2026-0014" },
	{ "scripts-3.2", "ОЛЕНА", "MZ-2026-0014" },
	{ "scripts-3.3", "йосип", "MZ-2026-0014" },
	{ "scripts-3.4", "иосип", "" },
	{ "scripts-3.5", "мар'ян", "MZ-2026-0017" },
	{ "scripts-3.6", "ол", "MZ-2026-0014" },
	/* Arabic: without tashkeel, tatweel or the hamza on alef */
	{ "scripts-4.1", "محمد", "MZ-2026-0015" },
	{ "scripts-4.2", "مُحَمَّد", "MZ-2026-0015" },
	{ "scripts-4.3", "احمد", "MZ-2026-0015" },
	{ "scripts-4.4", "أحمد", "MZ-2026-0015" },
	{ "scripts-4.5", "محمود", "MZ-2026-0016" },
	{ "scripts-4.6", "مح", "MZ-2026-0016,MZ-2026-0015" },
	/* Latin does not find Cyrillic or Arabic */
	{ "scripts-5.1", "olena", "" },
};

static const char *const fold_pairs[][2] = {
	{ "Öztürk", "ozturk" }, { "ŁUKASZ", "lukasz" }, { "Şahin", "sahin" }, { "İSMAİL Işık", "ismail isik" },
	{ "Ğ ğ", "g g" }, { "ОЛЕНА Йосип Їжак", "олена йосип їжак" }, { "مُحَمَّد", "محمد" }, { "محـــمد", "محمد" },
	{ "إبراهيم آمنة", "ابراهيم امنة" }, { "Straße", "strasse" }, { "Jan de VRIES", "jan de vries" },
};

/* Names in Polish, Turkish, Ukrainian and Arabic are found by their
 * letters as a member of staff types them, through the index and by
 * reading the answers alike. */
static void
test_search_scripts(void **state)
{
	struct fixture *fx = *state;
	sqlite3 *db = raw_open(fx->db);

	insert_scripts(db);
	sqlite3_close(db);
	check_cases(fx->s, script_cases, UNIT_LEN(script_cases));
	/* Without the index, the answers as typed are compared through
	 * fold(), store_fold: the same key. */
	for (size_t i = 0; i < UNIT_LEN(fold_pairs); i++) {
		char *a = store_fold(fold_pairs[i][0]);

		assert_string_equal(a, fold_pairs[i][1]);
		free(a);
	}
}

/* A database of schema 11, whose index holds what SQL could fold (Latin
 * letters of Latin-1 and Extended-A only): the upgrade keys it again. */
static void
test_search_upgrade_to_script_keys(void **state)
{
	struct fixture *fx = *state;
	sqlite3 *db = raw_open(fx->db);
	enum store_rc rc;
	char *detail = NULL;

	insert_scripts(db);
	check_cases(fx->s, script_cases, UNIT_LEN(script_cases)); /* fills the index */
	store_close(fx->s);
	/* What schema 11 held: Arabic as typed, and its trigger. */
	raw_exec(db, "UPDATE search_text SET folded = (SELECT value FROM answer a WHERE a.intake_id = search_text.intake_id"
	    " AND a.field = search_text.field) || char(31, 31);"
	    " INSERT INTO search (search) VALUES ('rebuild');"
	    " DROP TRIGGER answer_search; DROP TABLE search_pending;"
	    " CREATE TRIGGER answer_search AFTER INSERT ON answer WHEN new.field IN (SELECT field FROM search_field)"
	    " BEGIN INSERT INTO search_text (intake_id, field, folded)"
	    " VALUES (new.intake_id, new.field, new.value || char(31, 31));"
	    " INSERT INTO search (rowid, folded) SELECT id, folded FROM search_text WHERE id = last_insert_rowid(); END;"
	    " PRAGMA user_version = 11;");
	sqlite3_close(db);
	fx->s = store_open(fx->db, 0600, (gid_t)-1, true, &rc, &detail);
	assert_int_equal(rc, STORE_OK);
	free(detail);
	db = raw_open(fx->db);
	check_cases(fx->s, script_cases, UNIT_LEN(script_cases));
	assert_int_equal(raw_int(db, "PRAGMA user_version", NULL), STORE_SCHEMA);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM search_text WHERE folded = 'محمد احمد' || char(31, 31)", NULL), 1);
	raw_exec(db, "INSERT INTO search (search, rank) VALUES ('integrity-check', 1)");
	sqlite3_close(db);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_search_cases),
		T(test_search_index_kept),
		T(test_search_upgrade),
		T(test_search_many_hits),
		T(test_search_purge),
		T(test_search_short_and_kept),
		T(test_search_upgrade_5_to_6),
		T(test_search_upgrade_to_8),
		T(test_search_scripts),
		T(test_search_upgrade_to_script_keys),
	};

	return cmocka_run_group_tests_name("search", tests, group_setup, group_teardown);
}
