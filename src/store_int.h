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
/* s without accents: "Öztürk" becomes "Ozturk" (Latin letters; the case is
 * kept). Caller frees. */
char *store_unaccent(const char *s);
/* s in lower case without accents, as search compares. Caller frees. */
char *store_fold(const char *s);
/* Create the trigger that indexes new answers (part of a migration). */
int store_search_schema(sqlite3 *db);
/* Register unaccent() on db. */
void store_search_functions(sqlite3 *db);

#endif
