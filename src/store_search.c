/* store_search.c: the search index of requests. Staff search a name part,
 * a phone number, an e-mail address or a reference; on a million requests
 * a scan of every answer takes seconds, so the answers to the searchable
 * fields are copied, without accents, into search_text, and an FTS5 index
 * with the trigram tokenizer (case-insensitive) finds the rows holding a
 * piece of text. Triggers keep both inside the transaction that writes or
 * deletes the answers, whichever program writes them. */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "intake.h"
#include "store_int.h"
#include "util.h"

/* The letter without its accent for U+00C0 .. U+017F; NULL: keep it. */
static const char *const plain[0x180 - 0xC0] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", "d", "n", "o",
	"o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "ss", "a", "a", "a", "a", "a",
	"a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", NULL,
	"o", "u", "u", "u", "u", "y", "th", "y", "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c",
	"c", "c", "c", "d", "d", "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g",
	"g", "g", "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i", "i",
	"i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l", "l", "l", "l", "n",
	"n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o", "o", "o", "oe", "oe", "r", "r", "r",
	"r", "r", "r", "s", "s", "s", "s", "s", "s", "s", "s", "t", "t", "t", "t", "t", "t", "u", "u",
	"u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z",
	"z", "z", "s",
};

/* The replacement for the two bytes at p, or NULL. */
static const char *
plain_of(const unsigned char *p)
{
	unsigned cp;

	if (p[0] < 0xC3 || p[0] > 0xC5 || (p[1] & 0xC0) != 0x80)
		return NULL;
	cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
	return cp >= 0xC0 ? plain[cp - 0xC0] : NULL;
}

char *
store_unaccent(const char *s)
{
	/* Every replacement is at most as long as the two bytes it replaces. */
	char *out = xmalloc(strlen(s) + 1), *o = out;
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		const char *r = p[1] ? plain_of(p) : NULL;

		if (r != NULL) {
			size_t n = strlen(r);

			memcpy(o, r, n);
			o += n;
			p += 2;
		} else {
			*o++ = (char)*p++;
		}
	}
	*o = '\0';
	return out;
}

char *
store_fold(const char *s)
{
	size_t n;
	wchar_t *w = charset_decode_utf8(s, &n);
	char *lower, *out;

	charset_fold(w, n);
	lower = charset_utf8(w, n);
	free(w);
	out = store_unaccent(lower);
	free(lower);
	return out;
}

char *
store_search_phone(const char *s)
{
	char *n = intake_phone_normalize(s), *out;

	if (n == NULL || strncmp(n, "+31", 3) != 0)
		return n;
	out = xasprintf("0%s", n + 3);
	wipe_free(n);
	return out;
}

/* Replacements per SQL statement: SQLite's parser nests 30 calls at most. */
#define REPLACES_PER_STEP 20

int
store_search_schema(sqlite3 *db)
{
	/* The same replacements as store_unaccent, in SQL: the trigger also
	 * runs in programs that do not know our functions (sqlite3, Python).
	 * Values of plain ASCII skip them. Every text ends in
	 * STORE_SEARCH_END (see store_int.h). */
	sqlite3_str *sql = sqlite3_str_new(db);
	unsigned cp = 0xC0;
	char *text;
	int rc;

	sqlite3_str_appendall(sql, "CREATE TRIGGER answer_search AFTER INSERT ON answer"
	    " WHEN new.field IN (SELECT field FROM search_field) BEGIN"
	    " INSERT INTO search_text (intake_id, field, folded)"
	    " VALUES (new.intake_id, new.field, " STORE_SEARCH_VALUE_SQL("new.value") " || " STORE_SEARCH_END_SQL ");");
	while (cp < 0x180) {
		unsigned step[REPLACES_PER_STEP];
		int n = 0;

		for (; cp < 0x180 && n < REPLACES_PER_STEP; cp++)
			if (plain[cp - 0xC0] != NULL)
				step[n++] = cp;
		sqlite3_str_appendall(sql, " UPDATE search_text SET folded = ");
		for (int i = 0; i < n; i++)
			sqlite3_str_appendall(sql, "replace(");
		sqlite3_str_appendall(sql, "folded");
		for (int i = 0; i < n; i++) {
			char utf8[3] = { (char)(0xC0 | (step[i] >> 6)), (char)(0x80 | (step[i] & 0x3F)), '\0' };

			sqlite3_str_appendf(sql, ", '%s', '%s')", utf8, plain[step[i] - 0xC0]);
		}
		sqlite3_str_appendall(sql, " WHERE id = last_insert_rowid() AND new.value GLOB '*[^ -~]*';");
	}
	sqlite3_str_appendall(sql, " INSERT INTO search (rowid, folded)"
	    " SELECT id, folded FROM search_text WHERE id = last_insert_rowid(); END;");
	text = sqlite3_str_finish(sql);
	if (text == NULL)
		die("out of memory");
	rc = sqlite3_exec(db, text, NULL, NULL, NULL);
	sqlite3_free(text);
	return rc;
}

/* unaccent(text): store_unaccent in SQL, for filling the index. */
static void
sql_unaccent(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *in = sqlite3_value_text(argv[0]);

	(void)argc;
	if (in == NULL)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_text(ctx, store_unaccent((const char *)in), -1, free);
}

void
store_search_functions(sqlite3 *db)
{
	sqlite3_create_function(db, "unaccent", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
	    NULL, sql_unaccent, NULL, NULL);
}

/* How many of fields the index holds in full. */
static int
count_indexed(sqlite3 *db, const char *const *fields, size_t n, int *have)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "SELECT 1 FROM search_field WHERE field = ? AND todo = 0", -1, &st, NULL);

	*have = 0;
	for (size_t i = 0; rc == SQLITE_OK && i < n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, fields[i], -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			++*have;
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Run sql with field as ?1 and the numbers a and b as ?2 and ?3 (those
 * it has: binding one it lacks does nothing). */
static int
run(sqlite3 *db, const char *sql, const char *field, sqlite3_int64 a, sqlite3_int64 b)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_text(st, 1, field, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, a);
	sqlite3_bind_int64(st, 3, b);
	rc = sqlite3_step(st);
	rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : sqlite3_errcode(db);
	sqlite3_finalize(st);
	return rc;
}

/* Start indexing fields: from now on the trigger adds their new answers;
 * the ones stored before, up to the newest request now, are todo. */
static int
register_fields(sqlite3 *db, const char *const *fields, size_t n)
{
	int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	for (size_t i = 0; rc == SQLITE_OK && i < n; i++)
		rc = run(db, "INSERT OR IGNORE INTO search_field (field, todo)"
		    " SELECT ?1, coalesce(max(id), 0) FROM intake", fields[i], 0, 0);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* Requests whose answers are added to the index per transaction: few
 * enough that a kiosk submitting meanwhile hardly waits. */
#define FILL_BATCH 5000

/* Add the stored answers of the next FILL_BATCH requests still todo,
 * newest first, in one transaction, replacing what the index held of
 * them. *left: whether there were any. */
static int
fill_batch(sqlite3 *db, bool *left)
{
	sqlite3_stmt *st = NULL;
	sqlite3_int64 todo = 0, upto, first = 0;
	char *field = NULL;
	int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	*left = false;
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_prepare_v2(db, "SELECT field, todo, (SELECT coalesce(max(id), 0) FROM search_text)"
	    " FROM search_field WHERE todo > 0 ORDER BY todo DESC LIMIT 1", -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		field = xstrdup((const char *)sqlite3_column_text(st, 0));
		todo = sqlite3_column_int64(st, 1);
		first = sqlite3_column_int64(st, 2);
	}
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
	sqlite3_finalize(st);
	if (rc == SQLITE_OK && field != NULL) {
		upto = todo > FILL_BATCH ? todo - FILL_BATCH : 0;
		*left = true;
		/* Entries of these answers made before (by an older version:
		 * without STORE_SEARCH_END) go first. */
		rc = run(db, "DELETE FROM search_text WHERE intake_id > ?2 AND intake_id <= ?3 AND field = ?1",
		    field, upto, todo);
		if (rc == SQLITE_OK)
			rc = run(db, "INSERT INTO search_text (intake_id, field, folded)"
			    " SELECT intake_id, field, unaccent(" STORE_SEARCH_VALUE_SQL("value") ") || " STORE_SEARCH_END_SQL
			    " FROM answer WHERE intake_id > ?2 AND intake_id <= ?3 AND field = ?1", field, upto, todo);
		/* search_text ids only grow: the rows just added are above first. */
		if (rc == SQLITE_OK)
			rc = run(db, "INSERT INTO search (rowid, folded) SELECT id, folded FROM search_text"
			    " WHERE id > ?2", field, first, 0);
		if (rc == SQLITE_OK)
			rc = run(db, "UPDATE search_field SET todo = ?2 WHERE field = ?1", field, upto, 0);
	}
	free(field);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* The requests still to index, summed over the fields. */
static sqlite3_int64
todo_left(sqlite3 *db)
{
	sqlite3_stmt *st;
	sqlite3_int64 n = 0;

	if (sqlite3_prepare_v2(db, "SELECT coalesce(sum(todo), 0) FROM search_field", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return n;
}

bool
store_search_ready(struct store *s, const char *const *fields, size_t n, const struct store_progress *progress)
{
	bool left = true;
	int have = 0, rc;
	sqlite3_int64 total;

	if (n == 0)
		return false;
	if (s->search_ready)
		return true;
	if (count_indexed(s->db, fields, n, &have) != SQLITE_OK)
		return false;
	if ((size_t)have < n) {
		/* Fields the index does not hold yet (after the upgrade that
		 * made it, or a form with a new field): add them now, a batch
		 * of requests per transaction, so kiosks keep storing. */
		rc = register_fields(s->db, fields, n);
		total = todo_left(s->db);
		while (rc == SQLITE_OK && left) {
			rc = fill_batch(s->db, &left);
			if (progress != NULL)
				progress->fn(progress->ctx, total - todo_left(s->db), total);
		}
		if (rc != SQLITE_OK || count_indexed(s->db, fields, n, &have) != SQLITE_OK)
			return false;
	}
	return s->search_ready = (size_t)have == n;
}
