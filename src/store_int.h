/* store_int.h: what the store's files share; nobody else. */
#ifndef ZK_STORE_INT_H
#define ZK_STORE_INT_H

#include <sqlite3.h>
#include <sys/types.h>

#include "store.h"

struct store {
	sqlite3 *db;
	char *path;
	bool search_ready; /* the search index holds the fields asked for */
	pid_t writer;      /* the process that stores requests, or 0 */
	bool exec_writer;  /* no connection of its own (db NULL): every
	                    * writer is this program exec'd afresh
	                    * (store_open_writer) */
	int writer_fd;     /* its socket, or -1 */
	bool check_due;    /* every page is still to be read (see store_check) */
	bool check_unread; /* the writer reads them; its answer comes first */
	enum store_rc refused; /* what the check found: no submit from now on */
	char stats_field[64]; /* the field answer_stats is known to index */
	char location[STORE_LOCATION_MAX + 1]; /* stored with each request */
};

/* How long a write waits for another program's lock in all. */
#define STORE_BUSY_MS 5000

/* Open a connection to path for reading and writing, with the settings
 * every connection has; none of them writes to the file. NULL only when
 * SQLite has no memory; *rc is SQLite's result. */
sqlite3 *store_connect(const char *path, int *rc);
/* sqlite3_exec without callback or message. */
int store_exec(sqlite3 *db, const char *sql);
/* Checkpoint the -wal into the database and start it again from nothing
 * (TRUNCATE), waiting at most ms for the readers of the moment; other
 * writers wait meanwhile. SQLITE_BUSY when they did not finish in time. */
int store_log_restart(sqlite3 *db, int ms);
/* rc made precise: why path cannot be written, from err (the errno the
 * system gave SQLite, or 0) and from the files themselves. Only with no
 * SQLite connection to path open in this process: looking closes files,
 * and a close() drops every lock the process holds on the file. */
enum store_rc store_diagnose(const char *path, enum store_rc rc, int err);
/* PRAGMA quick_check: STORE_OK, or STORE_DAMAGED with *detail saying
 * where (caller frees), or why the pages could not be read (*err: errno). */
enum store_rc store_quick_check(sqlite3 *db, char **detail, int *err);
/* Give back (and so wipe) the cached pages that held answers. */
void store_forget_pages(sqlite3 *db);
/* Before SQLite's first use: an allocator that wipes what it frees (store.c);
 * store_open calls it. */
void store_memory_setup(void);

/* store_files.c: before SQLite opens path. Whether the -wal beside it
 * holds a committed page 1, SQLite's view of it: then its first 100 bytes
 * are put in h. */
bool store_wal_page1(const char *path, unsigned char h[100]);
/* STORE_OK, or why SQLite could not make the -wal or -shm it needs beside
 * path (the folder cannot be written, or its disk is full; *detail says
 * so, caller frees). */
enum store_rc store_files_check(const char *path, char **detail);
/* Give the -wal and -shm beside path that this process owns to gid (when
 * not -1), so that the other accounts of the group can write them. */
void store_files_own(const char *path, gid_t gid);

/* The store_rc for a SQLite result code. */
enum store_rc store_rc_of(int rc);
/* Now, in UTC, as "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 32 bytes). */
void store_now(char *buf);


/* store_search.c: the search index. Every text in search_text ends in
 * STORE_SEARCH_END, so that each place of one or two characters starts a
 * trigram (the index finds them by the trigrams' prefix); a search that
 * holds the separator itself reads the answers instead. */
#define STORE_SEARCH_END "\x1f\x1f"
#define STORE_SEARCH_END_SQL "char(31, 31)"
/* A value as search_text holds it, in SQL: a Dutch phone number in the
 * international form the kiosk stores ("+31612345678", see
 * intake_phone_normalize) in the national one ("0612345678"), as searches
 * are (store_search_phone); any other value as it is. SQL, so that the
 * trigger does the same in programs that do not know our functions. */
#define STORE_PHONE_INTL_GLOB "'+31[1-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'"
#define STORE_SEARCH_VALUE_SQL(v) \
	"(CASE WHEN " v " GLOB " STORE_PHONE_INTL_GLOB " THEN '0' || substr(" v ", 4) ELSE " v " END)"
/* A Dutch phone number written any way ("+31 (0)6-1234 5678", "0031 6
 * ...", "06 12 34 56 78") in the national form search_text holds
 * ("0612345678"); NULL when s is not a whole Dutch number. Caller frees. */
char *store_search_phone(const char *s);
/* s as search compares it, in every script: lower case, without accents,
 * Arabic diacritics or tatweel ("Öztürk" and "ozturk", "Łukasz" and
 * "lukasz", "مُحَمَّد" and "محمد", "Олена" and "олена"). Caller frees. */
char *store_fold(const char *s);
/* The key search_text holds for the value s: s itself when it is ASCII
 * (the index and LIKE ignore ASCII case), else store_fold(s). Caller
 * frees. */
char *store_search_key(const char *s);
/* Create the trigger that indexes new answers (part of a migration). */
int store_search_schema(sqlite3 *db);
/* Register search_key() on db. */
void store_search_functions(sqlite3 *db);

/* The staff's queries (store_query.c, store_search_plan.c), shared by the
 * list, export and stats. */

/* A growing SQL text with the values bound later, in order. */
struct query {
	sqlite3_str *sql;
	const char *text[64];
	long long num[64];
	bool is_num[64];
	int n;
};

/* How a search is answered (store_filter_strings chooses). */
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
	char until[16];
};

/* Append sql to q, with v bound to its "?". */
void store_bind_text(struct query *q, const char *sql, const char *v);
/* The OR of what a searchable answer col may match (bound in order);
 * accents: col is an answer as typed, not search_text. */
void store_add_alternatives(struct query *q, const struct filter_strings *fs, const char *col, bool accents);
/* " IN (?, ?, ...)" with the searchable fields. */
void store_add_fields_in(struct query *q, const struct store_filter *f);
/* The FROM clause: with few hits, the requests the index found. */
void store_add_from(struct query *q, const struct filter_strings *fs);
/* Add the WHERE clause for f. */
void store_add_filter(struct query *q, const struct store_filter *f, const struct filter_strings *fs);
/* Prepare q (consumed) on s with its values bound. */
int store_prepare(struct store *s, struct query *q, sqlite3_stmt **st);
/* A read transaction, so that a pass over many rows sees one state while
 * kiosks write, and q prepared in it (q is consumed either way). */
int store_begin_and_prepare(struct store *s, struct query *q, sqlite3_stmt **st);
/* Run q (consumed) to its end; *changes, if asked: the rows it wrote. */
int store_run_query(struct store *s, struct query *q, int *changes);
/* Column i as a new string ("" for NULL), or copied into buf. */
char *store_col_dup(sqlite3_stmt *st, int i);
void store_col_copy(sqlite3_stmt *st, int i, char *buf, size_t size);
/* The helper strings of f and its search plan; free with
 * store_filter_strings_free. */
void store_filter_strings(struct store *s, const struct store_filter *f, struct filter_strings *fs);
void store_filter_strings_free(struct filter_strings *fs);
/* store_search_plan.c: choose how to search (fs->plan), collecting the
 * hits the index finds when they are few enough. */
void store_choose_plan(struct store *s, const struct store_filter *f, struct filter_strings *fs);

/* store_stats.c: make the partial index of the answers to field, unless
 * it is there; replace: also when it indexes another field. */
void store_stats_index(struct store *s, const char *field, bool replace);

/* store_status.c: end a change's write transaction: COMMIT when rc is
 * SQLITE_OK and nobody changed the request meanwhile (conflict), else
 * ROLLBACK; the result for the caller. */
enum store_rc store_end_change(struct store *s, int rc, bool conflict);
/* End the transaction begun by the caller: COMMIT when rc is SQLITE_OK,
 * else (or when the commit fails) ROLLBACK. Returns the SQLite code. */
int store_end(struct store *s, int rc);

/* store_erase.c: fold the -wal into the file and empty it, so that deleted
 * data (zeroed in its pages by secure_delete) is gone from every byte;
 * rebuild: also rewrite the file without its free pages (VACUUM: seconds
 * at a million requests). False when another program kept that from
 * happening now. */
bool store_wipe(struct store *s, bool rebuild);

/* store_audit.c: insert an audit row, in the caller's transaction. */
int store_insert_audit(struct store *s, const char *staff, const char *action, const char *ref, const char *result,
    const char *detail);
/* The SQL function audit_hash, on every connection. */
void store_audit_functions(sqlite3 *db);
/* Schema step: the audit's origin, result and hash chain (see there). */
int store_audit_chain_schema(sqlite3 *db);

#endif
