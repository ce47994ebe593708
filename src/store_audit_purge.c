/* store_audit_purge.c: audit records are kept for the site's period (at
 * least 3 years, BIO 5.28.01), then removed but one: the newest of those
 * old enough stays as the anchor, and the hash before it is kept in
 * audit_anchor, so that `audit --verify` checks the chain from there. */
#include "store.h"

#include <stdlib.h>

#include "store_int.h"
#include "util.h"

/* ?1 the cutoff. The anchor: the record just before the first that is
 * not older than the cutoff (or the last one, if all are). */
#define ANCHOR_SQL "coalesce((SELECT min(id) FROM audit WHERE at >= ?1) - 1, (SELECT max(id) FROM audit))"

static const char *const steps[] = {
	("INSERT INTO audit_anchor (one, first, prev) SELECT 1, a.id, p.hash FROM audit a JOIN audit p ON p.id = a.id - 1"
	 " WHERE a.id = " ANCHOR_SQL " ON CONFLICT (one) DO UPDATE SET first = excluded.first, prev = excluded.prev"),
	/* The delete trigger steps aside only inside this transaction. */
	"DROP TRIGGER IF EXISTS audit_keep_delete",
	"DELETE FROM audit WHERE id < (SELECT first FROM audit_anchor)",
	("CREATE TRIGGER audit_keep_delete BEFORE DELETE ON audit"
	 "  BEGIN SELECT RAISE(ABORT, 'audit rows are never deleted'); END"),
};

enum store_rc
store_audit_purge(struct store *s, const char *cutoff, const char *staff, int *count)
{
	char *detail;
	int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	*count = 0;
	if (rc != SQLITE_OK)
		return store_rc_of(rc);
	for (size_t i = 0; i < sizeof steps / sizeof steps[0] && rc == SQLITE_OK; i++) {
		sqlite3_stmt *st;

		if ((rc = sqlite3_prepare_v2(s->db, steps[i], -1, &st, NULL)) != SQLITE_OK)
			break;
		if (sqlite3_bind_parameter_count(st) > 0)
			sqlite3_bind_text(st, 1, cutoff, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(s->db);
		if (i == 2)
			*count = sqlite3_changes(s->db);
		sqlite3_finalize(st);
	}
	detail = xasprintf("%d audit records before %s", *count, cutoff);
	if (rc == SQLITE_OK)
		rc = store_insert_audit(s, staff, "purge-audit", NULL, "ok", detail);
	free(detail);
	if ((rc = store_end(s, rc)) != SQLITE_OK)
		return store_rc_of(rc);
	return STORE_OK;
}
