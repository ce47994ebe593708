/* store_search.c: the search index of requests. Staff search a name part,
 * a phone number, an e-mail address or a reference; on a million requests
 * a scan of every answer takes seconds, so the answers to the searchable
 * fields are copied as search keys (store_search_key: lower case, without
 * accents, in every script) into search_text, and an FTS5 index
 * with the trigram tokenizer (case-insensitive) finds the rows holding a
 * piece of text. Triggers keep both inside the transaction that writes or
 * deletes the answers, whichever program writes them. */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include "charset.h"
#include "intake.h"
#include "store_int.h"
#include "util.h"

/* The search key: the text as a person would search it, whatever the
 * script. ICU's transliterator (well kept, and documented in its user
 * guide) does it in steps: compose; decompose Latin and Arabic letters
 * (compatibility forms too: ligatures, Arabic presentation forms); drop
 * the combining marks that belong to no script of their own (accents,
 * Arabic tashkeel and the hamza on an alef); drop the Arabic tatweel,
 * which stretches a word but is a letter (Lm) to Unicode, so no class
 * drops it; Latin letters that have no decomposition to ASCII ("Ł" to
 * "L", dotless "ı" to "i", "ø" to "o"); lower case; compose again.
 * Cyrillic keeps its own letters: "й" and "ї" are letters of their own
 * in Ukrainian, not "и" and "і" with a mark. */
static const char key_rules[] =
	":: NFC ;"
	":: [[:Latin:][:Arabic:]] NFKD ;"
	":: [[:Mn:]&[:Inherited:]] Remove ;"
	"\\u0640 > ;"
	":: Latin-ASCII ;"
	":: Any-Lower ;"
	":: NFC ;";

static UTransliterator *key_trans;
static bool key_failed;

/* The transliterator, made on first use; NULL if ICU cannot make it. */
static UTransliterator *
transliterator(void)
{
	UChar rules[sizeof key_rules];
	UErrorCode err = U_ZERO_ERROR;
	UParseError where;

	if (key_trans != NULL || key_failed)
		return key_trans;
	u_uastrcpy(rules, key_rules);
	key_trans = utrans_openU(u"zorgkiosk-search", -1, UTRANS_FORWARD, rules, -1, &where, &err);
	if (U_FAILURE(err)) {
		key_trans = NULL;
		key_failed = true;
	}
	return key_trans;
}

/* Whether s is ASCII only. */
static bool
is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* s through the transliterator, or NULL. The copies of s are wiped: s
 * may be a name. */
static char *
transliterate(const char *s)
{
	UTransliterator *t = transliterator();
	UErrorCode err = U_ZERO_ERROR;
	int32_t n = 0, limit, cap, out_len = 0;
	UChar *text = NULL;
	char *out = NULL;

	if (t == NULL)
		return NULL;
	/* A character may become up to 18 (NFKD of U+FDFA): try room for
	 * 4 each first, then for 20. */
	for (int factor = 4; factor <= 20; factor *= 5) {
		err = U_ZERO_ERROR;
		u_strFromUTF8WithSub(NULL, 0, &n, s, -1, 0xFFFD, NULL, &err);
		err = U_ZERO_ERROR;
		cap = n * factor + 16;
		text = xmalloc((size_t)cap * sizeof *text);
		u_strFromUTF8WithSub(text, cap, &n, s, -1, 0xFFFD, NULL, &err);
		limit = n;
		if (U_SUCCESS(err))
			utrans_transUChars(t, text, &n, cap, 0, &limit, &err);
		if (U_SUCCESS(err))
			break;
		explicit_bzero(text, (size_t)cap * sizeof *text);
		free(text);
		text = NULL;
	}
	if (text == NULL)
		return NULL;
	u_strToUTF8WithSub(NULL, 0, &out_len, text, n, 0xFFFD, NULL, &err);
	err = U_ZERO_ERROR;
	out = xmalloc((size_t)out_len + 1);
	u_strToUTF8WithSub(out, out_len + 1, &out_len, text, n, 0xFFFD, NULL, &err);
	explicit_bzero(text, (size_t)cap * sizeof *text);
	free(text);
	if (U_FAILURE(err)) {
		wipe_free(out);
		return NULL;
	}
	return out;
}

char *
store_fold(const char *s)
{
	char *out;

	if (!is_ascii(s) && (out = transliterate(s)) != NULL)
		return out;
	/* ASCII (or no ICU): lower case is all there is to do. */
	out = xstrdup(s);
	for (char *c = out; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	return out;
}

char *
store_search_key(const char *s)
{
	return is_ascii(s) ? xstrdup(s) : store_fold(s);
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

int
store_search_schema(sqlite3 *db)
{
	/* SQL alone, so that the trigger also runs in programs that do not
	 * know our functions (sqlite3, Python): a value of printable ASCII
	 * is its own key (the index and LIKE ignore ASCII case); any other
	 * is indexed as it is and listed in search_pending, and
	 * catch_up gives it its key before the next search.
	 * last_insert_rowid() is the search_text row's id throughout: the
	 * row of search_pending, if any, has the same. Every text ends in
	 * STORE_SEARCH_END (see store_int.h). */
	return sqlite3_exec(db, "CREATE TABLE IF NOT EXISTS search_pending (id INTEGER PRIMARY KEY);"
	    " CREATE TRIGGER answer_search AFTER INSERT ON answer"
	    " WHEN new.field IN (SELECT field FROM search_field) BEGIN"
	    " INSERT INTO search_text (intake_id, field, folded)"
	    " VALUES (new.intake_id, new.field, " STORE_SEARCH_VALUE_SQL("new.value") " || " STORE_SEARCH_END_SQL ");"
	    " INSERT INTO search_pending (id) SELECT last_insert_rowid() WHERE new.value GLOB '*[^ -~]*';"
	    " INSERT INTO search (rowid, folded)"
	    " SELECT id, folded FROM search_text WHERE id = last_insert_rowid(); END;", NULL, NULL, NULL);
}

/* search_key(text): store_search_key in SQL, for filling the index. */
static void
sql_search_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *in = sqlite3_value_text(argv[0]);

	(void)argc;
	if (in == NULL)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_text(ctx, store_search_key((const char *)in), -1, wipe_free);
}

void
store_search_functions(sqlite3 *db)
{
	sqlite3_create_function(db, "search_key", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
	    NULL, sql_search_key, NULL, NULL);
}

/* Give the entries search_pending lists their keys, in one transaction:
 * out of the index with the text it holds, the key, back in. */
static int
catch_up(sqlite3 *db)
{
	sqlite3_stmt *st;
	bool pending = false;
	int rc = sqlite3_prepare_v2(db, "SELECT 1 FROM search_pending LIMIT 1", -1, &st, NULL);

	if (rc == SQLITE_OK) {
		pending = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	if (rc != SQLITE_OK || !pending)
		return rc;
	rc = sqlite3_exec(db, "BEGIN IMMEDIATE;"
	    " INSERT INTO search (search, rowid, folded)"
	    "  SELECT 'delete', t.id, t.folded FROM search_pending p JOIN search_text t ON t.id = p.id;"
	    " UPDATE search_text SET folded = search_key(substr(folded, 1, length(folded) - 2)) || " STORE_SEARCH_END_SQL
	    "  WHERE id IN (SELECT id FROM search_pending) AND substr(folded, -2) = " STORE_SEARCH_END_SQL ";"
	    " INSERT INTO search (rowid, folded)"
	    "  SELECT t.id, t.folded FROM search_pending p JOIN search_text t ON t.id = p.id;"
	    " DELETE FROM search_pending;"
	    " COMMIT;", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
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
	rc = sqlite3_prepare_v2(db, "SELECT field, todo FROM search_field WHERE todo > 0 ORDER BY todo DESC LIMIT 1",
	    -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		field = xstrdup((const char *)sqlite3_column_text(st, 0));
		todo = sqlite3_column_int64(st, 1);
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
		/* The rows added get ids above the highest left (which the
		 * delete may have lowered): above first. */
		if (rc == SQLITE_OK && (rc = sqlite3_prepare_v2(db, "SELECT coalesce(max(id), 0) FROM search_text", -1, &st,
		    NULL)) == SQLITE_OK) {
			first = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
			rc = sqlite3_finalize(st);
		}
		if (rc == SQLITE_OK)
			rc = run(db, "INSERT INTO search_text (intake_id, field, folded)"
			    " SELECT intake_id, field, search_key(" STORE_SEARCH_VALUE_SQL("value") ") || " STORE_SEARCH_END_SQL
			    " FROM answer WHERE intake_id > ?2 AND intake_id <= ?3 AND field = ?1", field, upto, todo);
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
	/* What other programs stored since: keyed now, or the search reads
	 * the answers. */
	if (catch_up(s->db) != SQLITE_OK)
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
