/* store_int.h: what store.c and store_staff.c share; nobody else. */
#ifndef ZK_STORE_INT_H
#define ZK_STORE_INT_H

#include <sqlite3.h>

#include "store.h"

struct store {
	sqlite3 *db;
	char *path;
	bool search_ready; /* the search index holds the fields asked for */
	char stats_field[64]; /* the field answer_stats is known to index */
};

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
/* s without accents: "Öztürk" becomes "Ozturk" (Latin letters; the case is
 * kept). Caller frees. */
char *store_unaccent(const char *s);
/* s in lower case without accents, as search compares. Caller frees. */
char *store_fold(const char *s);
/* Create the trigger that indexes new answers (part of a migration). */
int store_search_schema(sqlite3 *db);
/* Register unaccent() on db. */
void store_search_functions(sqlite3 *db);
/* True when the search index holds the answers to all n fields; adds the
 * ones missing (with the answers stored so far) first. */
bool store_search_ready(struct store *s, const char *const *fields, size_t n);

#endif
