/* store_search_plan.c: how a staff search is answered: by the search
 * index (FTS5 trigrams) into temp tables of hits kept for the next pages,
 * or by walking the list when the hits are very many. */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "store_int.h"
#include "util.h"

/* Up to SEARCH_FEW_HITS index hits, the hits are sorted; up to
 * SEARCH_MANY_HITS, the list is walked and each request looked up among
 * the hits; above, walking the list and checking each finds a page
 * sooner than collecting the hits would. */
#define SEARCH_FEW_HITS 500
#define SEARCH_MANY_HITS 5000

/* n bytes of text as one FTS5 phrase to p: in double quotes, a quote
 * doubled. The end of what was written. */
static char *
put_phrase(char *p, const char *text, size_t n)
{
	*p++ = '"';
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '"')
			*p++ = '"';
		*p++ = text[i];
	}
	*p++ = '"';
	return p;
}

/* The byte offset of the character after the one at i. */
static size_t
next_char(const char *s, size_t i)
{
	for (i++; ((unsigned char)s[i] & 0xC0) == 0x80; i++)
		;
	return i;
}

/* An FTS5 query for the rows that hold every trigram of text (three
 * characters or more) at the characters 0, 3, 6 ... and the last three:
 * together they cover the text. All rows holding text are among them, and
 * the LIKE on the candidates keeps those only; the index reads three
 * times fewer terms, and no positions, than for the phrase of text. */
static char *
fts_trigrams(const char *text)
{
	size_t len = strlen(text), nchars = charset_utf8_len(text), k = 0, at = 0, last = 0;
	char *out = xmalloc(len * 8 + 32), *p = out;

	if (nchars < 3) {
		*put_phrase(p, text, len) = '\0';
		return out;
	}
	/* the start of the last three characters */
	for (size_t c = 0; c + 3 < nchars; c++)
		last = next_char(text, last);
	for (;;) {
		size_t end = at;

		for (int c = 0; c < 3; c++)
			end = next_char(text, end);
		if (k++ > 0)
			p = stpcpy(p, " AND ");
		p = put_phrase(p, text + at, end - at);
		if (at == last)
			break;
		at = end > last ? last : end;
	}
	*p = '\0';
	return out;
}

/* The connection's temp tables for search, made on its first search:
 * the search_text rows the index finds (candidates), the requests among
 * them that hold the search (hits), and the search and the state of the
 * file they belong to. Kept in memory, never in a file. */
static int
search_tables(sqlite3 *db)
{
	sqlite3_stmt *st;
	bool have = false;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM temp.sqlite_schema WHERE name = 'search_hit_of'", -1, &st,
	    NULL) == SQLITE_OK) {
		have = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	if (have)
		return SQLITE_OK;
	return sqlite3_exec(db, "PRAGMA temp_store = MEMORY;"
	    " CREATE TEMP TABLE search_cand (id INTEGER PRIMARY KEY);"
	    " CREATE TEMP TABLE search_hit (id INTEGER PRIMARY KEY);"
	    " CREATE TEMP TABLE search_hit_of (search TEXT NOT NULL, version INTEGER NOT NULL, hits INTEGER NOT NULL);"
	    " CREATE VIRTUAL TABLE temp.search_vocab USING fts5vocab(main, search, instance);", NULL, NULL, NULL);
}

/* Put into temp.search_cand the search_text rows the index finds, until
 * SEARCH_MANY_HITS; *n: how many (SEARCH_MANY_HITS or more: not all). */
static int
find_candidates(struct store *s, const struct filter_strings *fs, int *n)
{
	int rc = SQLITE_OK, changed = 0;

	*n = 0;
	if (fs->match[0] == NULL) {
		/* One or two characters: every text ends in STORE_SEARCH_END,
		 * so each place that holds them starts a trigram. */
		struct query q = { .sql = sqlite3_str_new(s->db) };

		store_bind_text(&q, "INSERT INTO temp.search_cand SELECT DISTINCT doc FROM temp.search_vocab"
		    " WHERE term >= ?", fs->folded);
		store_bind_text(&q, " AND term < ?", fs->folded_next);
		sqlite3_str_appendf(q.sql, " LIMIT %d", SEARCH_MANY_HITS);
		return store_run_query(s, &q, n);
	}
	/* Each phrase up to the limit: one that reaches it makes *n reach it. */
	for (int m = 0; rc == SQLITE_OK && m < 3 && *n < SEARCH_MANY_HITS; m++) {
		struct query q = { .sql = sqlite3_str_new(s->db) };

		if (fs->match[m] == NULL) {
			sqlite3_free(sqlite3_str_finish(q.sql));
			continue;
		}
		store_bind_text(&q, "INSERT OR IGNORE INTO temp.search_cand SELECT rowid FROM search WHERE search MATCH ?",
		    fs->match[m]);
		sqlite3_str_appendf(q.sql, " LIMIT %d", SEARCH_MANY_HITS);
		rc = store_run_query(s, &q, &changed);
		*n += changed;
	}
	return rc;
}

/* Put into temp.search_hit the requests of the candidates that hold the
 * search in a searchable field, and the one it is the reference of. */
static int
keep_hits(struct store *s, const struct store_filter *f, const struct filter_strings *fs)
{
	struct query q = { .sql = sqlite3_str_new(s->db) };
	int rc;

	sqlite3_str_appendall(q.sql, "INSERT OR IGNORE INTO temp.search_hit SELECT t.intake_id"
	    " FROM temp.search_cand c CROSS JOIN search_text t ON t.id = c.id WHERE t.field");
	store_add_fields_in(&q, f);
	sqlite3_str_appendall(q.sql, " AND ");
	store_add_alternatives(&q, fs, "t.folded", false);
	rc = store_run_query(s, &q, NULL);
	if (rc == SQLITE_OK) {
		struct query r = { .sql = sqlite3_str_new(s->db) };

		store_bind_text(&r, "INSERT OR IGNORE INTO temp.search_hit SELECT id FROM intake WHERE ref = upper(?)", f->search);
		rc = store_run_query(s, &r, NULL);
	}
	return rc;
}

/* What the hits kept belong to: the search and the fields searched. */
static char *
search_key(const struct store_filter *f)
{
	sqlite3_str *k = sqlite3_str_new(NULL);
	char *key, *out;

	sqlite3_str_appendall(k, f->search);
	for (size_t i = 0; i < f->nsearch; i++)
		sqlite3_str_appendf(k, "\x1e%s", f->search_fields[i]);
	key = sqlite3_str_finish(k);
	if (key == NULL)
		die("out of memory");
	out = xstrdup(key);
	sqlite3_free(key);
	return out;
}

/* Read one integer with sql, ?1 and ?2 bound to text a and number b. */
static int
query_int(sqlite3 *db, const char *sql, const char *a, sqlite3_int64 b, sqlite3_int64 *out, bool *found)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	if (a != NULL)
		sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, b);
	rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The hits of the search, in temp.search_hit; *hits: how many, or
 * SEARCH_MANY_HITS for that many or more (then they are not all there).
 * The list asks for a page, whether there is more either way, and the
 * next pages: the hits are kept for them until the search changes or
 * another connection writes to the file (data_version). */
static int
search_hits(struct store *s, const struct store_filter *f, const struct filter_strings *fs, int *hits)
{
	sqlite3_int64 version = 0, kept = 0;
	char *key = search_key(f);
	bool found = false;
	int rc = search_tables(s->db), n = 0;

	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		free(key);
		return rc;
	}
	rc = query_int(s->db, "PRAGMA data_version", NULL, 0, &version, &found);
	if (rc == SQLITE_OK)
		rc = query_int(s->db, "SELECT hits FROM temp.search_hit_of WHERE search = ?1 AND version = ?2",
		    key, version, &kept, &found);
	if (rc == SQLITE_OK && found) {
		*hits = (int)kept;
	} else if (rc == SQLITE_OK) {
		rc = sqlite3_exec(s->db, "DELETE FROM temp.search_cand; DELETE FROM temp.search_hit;"
		    " DELETE FROM temp.search_hit_of;", NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			rc = find_candidates(s, fs, &n);
		if (rc == SQLITE_OK && n < SEARCH_MANY_HITS)
			rc = keep_hits(s, f, fs);
		if (rc == SQLITE_OK && n < SEARCH_MANY_HITS)
			rc = query_int(s->db, "SELECT count(*) FROM temp.search_hit", NULL, 0, &kept, &found);
		*hits = n < SEARCH_MANY_HITS ? (int)kept : SEARCH_MANY_HITS;
		if (rc == SQLITE_OK) {
			char *sql = xasprintf("INSERT INTO temp.search_hit_of (search, version, hits)"
			    " VALUES (?1, ?2, %d) RETURNING hits", *hits);

			rc = query_int(s->db, sql, key, version, &kept, &found);
			free(sql);
		}
	}
	free(key);
	sqlite3_exec(s->db, rc == SQLITE_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* The part of s to look up in the index: all of it, but for a phone
 * number from its third digit on. Every number starts with 06 or +31, so
 * their trigrams are in nearly every entry and cost the most to read; the
 * LIKE on the rows found still compares the whole. */
static const char *
phrase_part(const char *s)
{
	size_t n = strlen(s);

	return n >= 8 && strspn(s, "+0123456789") == n ? s + 2 : s;
}

/* Choose how to search: from three characters on, by their trigrams;
 * one or two, by the trigrams they start (search_vocab). */
void
store_choose_plan(struct store *s, const struct store_filter *f, struct filter_strings *fs)
{
	size_t len = charset_utf8_len(fs->folded);
	int hits = SEARCH_MANY_HITS;

	fs->plan = SEARCH_SCAN;
	/* The separator in a search would also find the ends of texts. */
	if (strchr(fs->folded, STORE_SEARCH_END[0]) != NULL || !store_search_ready(s, f->search_fields, f->nsearch, NULL))
		return;
	if (len >= 3) {
		fs->match[0] = fts_trigrams(phrase_part(fs->folded));
		fs->match[1] = fs->phone ? fts_trigrams(phrase_part(fs->phone)) : NULL;
		fs->match[2] = fs->digits ? fts_trigrams(phrase_part(fs->digits)) : NULL;
	} else if (len > 0) {
		/* The first text after every one that starts with folded. */
		size_t n = strlen(fs->folded);

		fs->folded_next = xstrdup(fs->folded);
		fs->folded_next[n - 1]++;
	}
	if (len > 0 && search_hits(s, f, fs, &hits) != SQLITE_OK)
		hits = SEARCH_MANY_HITS; /* then walk the list */
	fs->plan = hits < SEARCH_FEW_HITS ? SEARCH_HITS : hits < SEARCH_MANY_HITS ? SEARCH_SET : SEARCH_DENSE;
}
