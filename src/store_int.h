/* store_int.h: what store.c and store_staff.c share; nobody else. */
#ifndef ZK_STORE_INT_H
#define ZK_STORE_INT_H

#include <sqlite3.h>

#include "store.h"

struct store {
	sqlite3 *db;
	char *path;
};

/* The store_rc for a SQLite result code. */
enum store_rc store_rc_of(int rc);
/* Now, in UTC, as "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 32 bytes). */
void store_now(char *buf);

#endif
