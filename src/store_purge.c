/* store_purge.c: deleting closed requests for good, so that their data
 * is gone from the file too. */
#include "store.h"

#include <stdlib.h>

#include "store_int.h"
#include "util.h"

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
		rc = store_insert_audit(s, staff, "purge", NULL, "ok", detail);
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
