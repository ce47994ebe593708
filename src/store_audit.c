/* store_audit.c: the audit trail: what staff did, written only here and
 * read back oldest first. */
#include "store.h"

#include "store_int.h"

int
store_insert_audit(struct store *s, const char *staff, const char *action, const char *ref, const char *detail)
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
	return store_rc_of(store_insert_audit(s, staff, action, ref, detail));
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
