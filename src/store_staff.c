/* store_staff.c: what staff do with stored requests: the list with keyset
 * paging, one request in full, status and notes with a check for changes
 * made meanwhile, audit, export, labels of old forms, and purge. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "charset.h"
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
	const char *text[64];
	long long num[64];
	bool is_num[64];
	int n;
};

static void
bind_text(struct query *q, const char *sql, const char *v)
{
	sqlite3_str_appendall(q->sql, sql);
	if (q->n == 64)
		die("too many values in one query");
	q->is_num[q->n] = false;
	q->text[q->n++] = v;
}

/* How a search is answered (filter_strings chooses). */
enum search_plan {
	SEARCH_NONE,  /* no search */
	SEARCH_SCAN,  /* read the answers of every request in turn */
	SEARCH_DENSE, /* very many hits: walk the list, check each in search_text */
	SEARCH_SET,   /* many: walk the list, look each up in temp.search_hit */
	SEARCH_HITS,  /* few: the requests in temp.search_hit, sorted */
};

/* The filter's helper strings and the search plan. */
struct filter_strings {
	enum search_plan plan;
	char *folded, *like;   /* the search folded, and as "%folded%" */
	char *folded_next;     /* one or two characters: the next text after them */
	char *phone;           /* a whole phone number, as search_text holds it, or NULL */
	char *phone_end;       /* the same with the separators search_text ends in */
	char *phone_intl;      /* the same as the kiosk may store it: +31... */
	char *digits, *digits_like; /* a phone number's digits, or NULL */
	char *digits_intl_like;     /* digits 0... as the start of a +31 number */
	char *match[3];        /* FTS5 queries of folded, phone, digits */
	bool ascii;            /* folded is plain ASCII */
	char until[16];
};

/* Up to SEARCH_FEW_HITS index hits, the hits are sorted; up to
 * SEARCH_MANY_HITS, the list is walked and each request looked up among
 * the hits; above, walking the list and checking each finds a page
 * sooner than collecting the hits would. */
#define SEARCH_FEW_HITS 500
#define SEARCH_MANY_HITS 5000

/* "col LIKE ?" for the folded search. search_text has no accents left
 * and LIKE ignores the case of ASCII: a search in ASCII needs no fold(),
 * which costs a conversion per row. */
static char *
like_folded(const struct filter_strings *fs, const char *col, bool accents)
{
	return xasprintf(fs->ascii && !accents ? "%s LIKE ? ESCAPE '\\'" : "fold(%s) LIKE ? ESCAPE '\\'", col);
}

/* The OR of what a searchable answer col may match (bound in order);
 * accents: col is an answer as typed, not search_text. */
static void
add_alternatives(struct query *q, const struct filter_strings *fs, const char *col, bool accents)
{
	char *like = like_folded(fs, col, accents), *sql = xasprintf("(%s", like);

	bind_text(q, sql, fs->like);
	free(sql);
	free(like);
	if (fs->phone != NULL) {
		sql = xasprintf(" OR %s = ?", col);
		bind_text(q, sql, accents ? fs->phone : fs->phone_end);
		/* An answer as stored holds either form (search_text: one). */
		if (accents)
			bind_text(q, sql, fs->phone_intl);
		free(sql);
	}
	if (fs->digits != NULL) {
		sql = xasprintf(" OR %s LIKE ? ESCAPE '\\'", col);
		bind_text(q, sql, fs->digits_like);
		if (accents && fs->digits_intl_like != NULL)
			bind_text(q, sql, fs->digits_intl_like);
		free(sql);
	}
	sqlite3_str_appendall(q->sql, ")");
}

/* " IN (?, ?, ...)" with the searchable fields. */
static void
add_fields_in(struct query *q, const struct store_filter *f)
{
	sqlite3_str_appendall(q->sql, " IN (");
	for (size_t k = 0; k < f->nsearch && k < 8; k++)
		bind_text(q, k ? ", ?" : "?", f->search_fields[k]);
	sqlite3_str_appendall(q->sql, ")");
}

/* The FROM clause: with few hits, the requests the index found. */
static void
add_from(struct query *q, const struct filter_strings *fs)
{
	if (fs->plan != SEARCH_HITS) {
		sqlite3_str_appendall(q->sql, " FROM intake i");
		return;
	}
	/* CROSS JOIN: from the hits to their requests, never the other way. */
	sqlite3_str_appendall(q->sql, " FROM temp.search_hit h CROSS JOIN intake i ON i.id = h.id");
}

/* Add the WHERE clause for f. */
static void
add_filter(struct query *q, const struct store_filter *f, const struct filter_strings *fs)
{
	const char *options_field = f->options_field;

	sqlite3_str_appendall(q->sql, " WHERE 1");
	if (f->status != NULL)
		bind_text(q, " AND i.status = ?", f->status);
	if (f->option != NULL && options_field != NULL) {
		bind_text(q, " AND EXISTS (SELECT 1 FROM answer o WHERE o.intake_id = i.id AND o.field = ?", options_field);
		bind_text(q, " AND ',' || o.value || ',' LIKE '%,' || ? || ',%')", f->option);
	}
	/* location (issue 21): "" is the requests stored before locations. */
	if (f->location != NULL && *f->location == '\0')
		sqlite3_str_appendall(q->sql, " AND i.location IS NULL");
	else if (f->location != NULL)
		bind_text(q, " AND i.location = ?", f->location);
	if (f->since != NULL)
		bind_text(q, " AND i.created_at >= ?", f->since);
	if (f->until != NULL)
		bind_text(q, " AND i.created_at < ?", fs->until);
	if (fs->plan == SEARCH_SET) {
		/* "+": not through the primary key, but the list's order */
		sqlite3_str_appendall(q->sql, " AND +i.id IN (SELECT id FROM temp.search_hit)");
	}
	if (fs->plan == SEARCH_SCAN || fs->plan == SEARCH_DENSE) {
		bool scan = fs->plan == SEARCH_SCAN;

		bind_text(q, " AND (i.ref = upper(?)", f->search);
		if (f->nsearch > 0) {
			sqlite3_str_appendall(q->sql, scan ? " OR EXISTS (SELECT 1 FROM answer t WHERE t.intake_id = i.id"
			    " AND t.field" : " OR EXISTS (SELECT 1 FROM search_text t WHERE t.intake_id = i.id AND t.field");
			add_fields_in(q, f);
			sqlite3_str_appendall(q->sql, " AND ");
			add_alternatives(q, fs, scan ? "t.value" : "t.folded", scan);
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

/* A read transaction, so that a pass over many rows sees one state while
 * kiosks write, and q prepared in it (q is consumed either way). */
static int
begin_and_prepare(struct store *s, struct query *q, sqlite3_stmt **st)
{
	int rc = sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL);

	if (rc == SQLITE_OK)
		return prepare(s, q, st);
	sqlite3_free(sqlite3_str_finish(q->sql));
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

/* Run q (consumed) to its end; *changes, if asked: the rows it wrote. */
static int
run_query(struct store *s, struct query *q, int *changes)
{
	sqlite3_stmt *st = NULL;
	int rc = prepare(s, q, &st);

	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
	if (changes != NULL)
		*changes = sqlite3_changes(s->db);
	sqlite3_finalize(st);
	return rc;
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

		bind_text(&q, "INSERT INTO temp.search_cand SELECT DISTINCT doc FROM temp.search_vocab"
		    " WHERE term >= ?", fs->folded);
		bind_text(&q, " AND term < ?", fs->folded_next);
		sqlite3_str_appendf(q.sql, " LIMIT %d", SEARCH_MANY_HITS);
		return run_query(s, &q, n);
	}
	/* Each phrase up to the limit: one that reaches it makes *n reach it. */
	for (int m = 0; rc == SQLITE_OK && m < 3 && *n < SEARCH_MANY_HITS; m++) {
		struct query q = { .sql = sqlite3_str_new(s->db) };

		if (fs->match[m] == NULL) {
			sqlite3_free(sqlite3_str_finish(q.sql));
			continue;
		}
		bind_text(&q, "INSERT OR IGNORE INTO temp.search_cand SELECT rowid FROM search WHERE search MATCH ?",
		    fs->match[m]);
		sqlite3_str_appendf(q.sql, " LIMIT %d", SEARCH_MANY_HITS);
		rc = run_query(s, &q, &changed);
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
	add_fields_in(&q, f);
	sqlite3_str_appendall(q.sql, " AND ");
	add_alternatives(&q, fs, "t.folded", false);
	rc = run_query(s, &q, NULL);
	if (rc == SQLITE_OK) {
		struct query r = { .sql = sqlite3_str_new(s->db) };

		bind_text(&r, "INSERT OR IGNORE INTO temp.search_hit SELECT id FROM intake WHERE ref = upper(?)", f->search);
		rc = run_query(s, &r, NULL);
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
static void
choose_plan(struct store *s, const struct store_filter *f, struct filter_strings *fs)
{
	size_t len = charset_utf8_len(fs->folded);
	int hits = SEARCH_MANY_HITS;

	fs->plan = SEARCH_SCAN;
	/* The separator in a search would also find the ends of texts. */
	if (strchr(fs->folded, STORE_SEARCH_END[0]) != NULL || !store_search_ready(s, f->search_fields, f->nsearch))
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
static void
stats_index(struct store *s, const char *field, bool replace)
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

static void
filter_strings(struct store *s, const struct store_filter *f, struct filter_strings *fs)
{
	memset(fs, 0, sizeof *fs);
	/* A staff list is where search starts: make the index ready before
	 * the first search (after the upgrade that made it, this takes once
	 * as long as the requests already stored need). */
	if (f->nsearch > 0)
		store_search_ready(s, f->search_fields, f->nsearch);
	if (f->search != NULL && *f->search) {
		fs->folded = store_fold(f->search);
		fs->ascii = true;
		for (const char *c = fs->folded; *c; c++)
			fs->ascii = fs->ascii && (unsigned char)*c < 0x80;
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
		choose_plan(s, f, fs);
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

static void
filter_strings_free(struct filter_strings *fs)
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
		stats_index(s, f->options_field, false);
	filter_strings(s, f, &fs);
	bind_text(&q, "SELECT i.id, i.created_at, i.ref, i.status,"
	    " (SELECT value FROM answer WHERE intake_id = i.id AND field = ?),", name_field ? name_field : "");
	bind_text(&q, " (SELECT value FROM answer WHERE intake_id = i.id AND field = ?)",
	    f->options_field ? f->options_field : "");
	add_from(&q, &fs);
	add_filter(&q, f, &fs);
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
		r->answers[r->nanswers].field = col_dup(st, 0);
		r->answers[r->nanswers++].value = col_dup(st, 1);
	}
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

#define ANSWERS_SQL "SELECT field, value FROM answer WHERE intake_id = ?"

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
 * form_version, version, location. */
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
	col_copy(st, 7, r->location, sizeof r->location);
}

#define HEAD_COLUMNS "i.id, i.created_at, i.ref, i.status, i.ui_lang, i.form_version, i.version, i.location"

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
change(struct store *s, const struct store_record *r, const char *status, const char *note, const char *staff,
    bool undo)
{
	bool conflict = false;
	char *detail;
	int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return store_rc_of(rc);
	rc = claim(s, r, status, &conflict);
	if (rc == SQLITE_OK && !conflict)
		rc = insert_event(s, r->id, staff, status ? r->status : NULL, status, note);
	detail = status ? xasprintf("%s -> %s%s", r->status, status, undo ? " (undo)" : "") : xstrdup("note");
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
	return change(s, r, status, NULL, staff, false);
}

enum store_rc
store_undo_status(struct store *s, const struct store_record *r, const char *status, const char *staff)
{
	return change(s, r, status, NULL, staff, true);
}

enum store_rc
store_add_note(struct store *s, const struct store_record *r, const char *note, const char *staff)
{
	return change(s, r, NULL, note, staff, false);
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

/* Whether every label of f is stored already: then a start needs no write
 * transaction (and no syncs). One read transaction for all the lookups,
 * not one (with its locks and stat calls) per label. */
static bool
labels_stored(struct store *s, const struct forms *f)
{
	sqlite3_stmt *st;
	bool all = true;

	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM label WHERE form_version = ? AND field = ? AND choice = ?"
	    " AND lang = ?", -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL);
	for (size_t i = 0; all && i < f->nfields; i++) {
		const struct field *fd = &f->fields[i];

		for (size_t c = 0; all && c <= fd->nchoices; c++)
			for (int l = 0; all && l < LANG_COUNT; l++) {
				sqlite3_reset(st);
				sqlite3_bind_int(st, 1, f->intake_version);
				sqlite3_bind_text(st, 2, fd->id, -1, SQLITE_STATIC);
				sqlite3_bind_text(st, 3, c == 0 ? "" : fd->choices[c - 1].id, -1, SQLITE_STATIC);
				sqlite3_bind_text(st, 4, i18n_code((enum lang)l), -1, SQLITE_STATIC);
				all = sqlite3_step(st) == SQLITE_ROW;
			}
	}
	sqlite3_finalize(st);
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	return all;
}

enum store_rc
store_save_labels(struct store *s, const struct forms *f)
{
	sqlite3_stmt *st;
	int rc;

	if (labels_stored(s, f))
		return STORE_OK;
	if ((rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) != SQLITE_OK)
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
	sqlite3_stmt *st = NULL, *answers = NULL;
	int rc;

	filter_strings(s, f, &fs);
	sqlite3_str_appendall(q.sql, "SELECT " HEAD_COLUMNS);
	add_from(&q, &fs);
	add_filter(&q, f, &fs);
	sqlite3_str_appendall(q.sql, " ORDER BY i.created_at, i.id");
	/* One read transaction: a consistent export while kiosks write. */
	rc = begin_and_prepare(s, &q, &st);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db, ANSWERS_SQL, -1, &answers, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_record r;

		read_head(st, &r);
		rc = read_answers(answers, &r);
		if (rc == SQLITE_OK)
			fn(ctx, &r);
		store_record_free(&r);
	}
	sqlite3_finalize(answers);
	sqlite3_finalize(st);
	sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	filter_strings_free(&fs);
	return rc == SQLITE_DONE ? STORE_OK : store_rc_of(rc);
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
		stats_index(s, options_field, true);
	filter_strings(s, f, &fs);
	/* Counted here rather than by GROUP BY: SQLite would sort a million
	 * rows first. The options are read in one pass over their index,
	 * beside the requests in the same order (by id): a million lookups
	 * would take longer than reading them all. */
	sqlite3_str_appendall(q.sql, "SELECT i.id, substr(i.created_at, 1, 7), i.status");
	add_from(&q, &fs);
	add_filter(&q, f, &fs);
	sqlite3_str_appendall(q.sql, " ORDER BY i.id");
	rc = begin_and_prepare(s, &q, &st);
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
	filter_strings_free(&fs);
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
	/* The index keeps a deleted entry's trigrams until its segments are
	 * merged: merge them all now, so no purged name stays in its pages. */
	if (rc == SQLITE_OK && *count > 0)
		rc = sqlite3_exec(s->db, "INSERT INTO search (search) VALUES ('optimize')", NULL, NULL, NULL);
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

/* ---- locations (issue 21): kiosks at several places on one database. */

enum store_rc
store_location_counts(struct store *s, const struct store_filter *f,
    void (*fn)(void *, const char *, const char *, long long), void *ctx)
{
	struct query q = { .sql = sqlite3_str_new(s->db) };
	struct filter_strings fs;
	sqlite3_stmt *st = NULL;
	int rc;

	filter_strings(s, f, &fs);
	sqlite3_str_appendall(q.sql, "SELECT substr(i.created_at, 1, 7), coalesce(i.location, ''), count(*)");
	add_from(&q, &fs);
	add_filter(&q, f, &fs);
	sqlite3_str_appendall(q.sql, " GROUP BY 1, 2 ORDER BY 1, 2");
	rc = begin_and_prepare(s, &q, &st);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		fn(ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
		    sqlite3_column_int64(st, 2));
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	filter_strings_free(&fs);
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
		(*names)[(*n)++] = col_dup(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : store_rc_of(rc);
}
