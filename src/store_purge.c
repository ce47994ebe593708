/* store_purge.c: deleting requests for good when their state's retention
 * period is over, so that their data is gone from the file too: closed
 * ones by the day they came in, those no one could reach by the day they
 * were marked so. */
#include "store.h"

#include <stdlib.h>

#include "store_int.h"
#include "util.h"

/* Closed requests created before ?1; requests not reachable since before
 * ?2 (the last status change, which made them so; the day they came in
 * when the history has none). */
static const char *const purges[] = {
	"DELETE FROM intake WHERE status = 'closed' AND created_at < ?1",
	("DELETE FROM intake WHERE status = 'unreachable' AND coalesce((SELECT max(e.at) FROM event e"
	 " WHERE e.intake_id = intake.id AND e.new_status IS NOT NULL), created_at) < ?2"),
};

enum store_rc
store_purge(struct store *s, const char *closed_cut, const char *unreachable_cut, const char *staff, int *closed,
    int *unreachable)
{
	int *count[] = { closed, unreachable };
	char *detail;
	int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	*closed = *unreachable = 0;
	if (rc != SQLITE_OK)
		return store_rc_of(rc);
	for (size_t i = 0; i < sizeof purges / sizeof purges[0] && rc == SQLITE_OK; i++) {
		sqlite3_stmt *st;

		if ((rc = sqlite3_prepare_v2(s->db, purges[i], -1, &st, NULL)) != SQLITE_OK)
			break;
		sqlite3_bind_text(st, 1, closed_cut, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, unreachable_cut, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(s->db);
		*count[i] = sqlite3_changes(s->db);
		sqlite3_finalize(st);
	}
	/* The index keeps a deleted entry's trigrams until its segments are
	 * merged: merge them all now, so no purged name stays in its pages. */
	if (rc == SQLITE_OK && *closed + *unreachable > 0)
		rc = sqlite3_exec(s->db, "INSERT INTO search (search) VALUES ('optimize')", NULL, NULL, NULL);
	detail = xasprintf("%d closed requests created before %s, %d not reachable since before %s", *closed,
	    closed_cut, *unreachable, unreachable_cut);
	if (rc == SQLITE_OK)
		rc = store_insert_audit(s, staff, "purge", NULL, "ok", detail);
	free(detail);
	if ((rc = store_end(s, rc)) != SQLITE_OK)
		return store_rc_of(rc);
	/* secure_delete zeroed the freed pages; move them from the WAL into the
	 * file, rebuild the file without free pages, and empty the WAL. */
	rc = sqlite3_exec(s->db, "PRAGMA wal_checkpoint(TRUNCATE); VACUUM; PRAGMA wal_checkpoint(TRUNCATE);",
	    NULL, NULL, NULL);
	return store_rc_of(rc);
}

enum store_rc
store_count_open(struct store *s, const char *cut, long long *n)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, "SELECT count(*) FROM intake WHERE status IN ('new', 'contacted', 'referred')"
	    " AND created_at < ?", -1, &st, NULL);

	*n = 0;
	if (rc != SQLITE_OK)
		return store_rc_of(rc);
	sqlite3_bind_text(st, 1, cut, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return store_rc_of(rc);
}
