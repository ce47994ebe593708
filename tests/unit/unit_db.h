/* unit_db.h: a store in a fresh folder per test, and plain SQLite
 * access beside it (as another program would write the tables), for the
 * tests of the staff side (test_search.c, test_stats.c). Static inline,
 * as in unit.h. */
#ifndef ZK_UNIT_DB_H
#define ZK_UNIT_DB_H

#include <sqlite3.h>

#include "store.h"
#include "store_int.h"
#include "unit.h"

struct fixture {
	char *dir, *db;
	struct store *s;
};

static inline int
setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof *fx);
	enum store_rc rc;
	char *detail = NULL;

	fx->dir = unit_tmpdir();
	fx->db = xasprintf("%s/zk.db", fx->dir);
	fx->s = store_open(fx->db, 0600, (gid_t)-1, STORE_CHECK_NOW, &rc, &detail);
	free(detail);
	*state = fx;
	return fx->s == NULL ? -1 : 0;
}

static inline int
teardown(void **state)
{
	struct fixture *fx = *state;

	store_close(fx->s);
	unit_rmtree(fx->dir);
	free(fx->dir);
	free(fx->db);
	free(fx);
	return 0;
}

static inline sqlite3 *
raw_open(const char *path)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		fail_msg("sqlite3_open_v2(%s)", path);
	sqlite3_busy_timeout(db, 5000);
	/* Durability is not what these tests are about: no syncs. */
	sqlite3_exec(db, "PRAGMA synchronous = OFF", NULL, NULL, NULL);
	return db;
}

static inline void
raw_exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		print_error("%s: %s\n", sql, err);
		sqlite3_free(err);
		fail();
	}
}

/* The first column of the first row of sql (arg bound to ?1 if not NULL),
 * or -1 when there is no row. */
static inline long long
raw_int(sqlite3 *db, const char *sql, const char *arg)
{
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (arg != NULL)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Pages of the database SQLite read for s (from its cache or the file)
 * since the last call: what a query costs, whatever the machine. */
static inline int
pages_read_since(struct store *s)
{
	int hit = 0, miss = 0, high;

	sqlite3_db_status(s->db, SQLITE_DBSTATUS_CACHE_HIT, &hit, &high, 1);
	sqlite3_db_status(s->db, SQLITE_DBSTATUS_CACHE_MISS, &miss, &high, 1);
	return hit + miss;
}

#endif
