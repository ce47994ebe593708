/* store_queue.c: the work queue of a team: which staff member handles a
 * request, and the day to call back, with history and audit, and the same
 * check as status changes for changes made meanwhile by someone else. */
#include "store.h"

#include <stdlib.h>

#include "store_int.h"
#include "util.h"

/* The change: column is "assignee" or "callback", value "" for none. */
static enum store_rc
set_queue(struct store *s, const struct store_record *r, const char *column, const char *value,
    const char *old, const char *staff)
{
	sqlite3_stmt *st = NULL;
	char at[32], *sql, *detail;
	bool conflict = false;
	int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return store_rc_of(rc);
	/* column is one of two names above, never input. */
	sql = sqlite3_mprintf("UPDATE intake SET version = version + 1, \"%w\" = nullif(?1, '')"
	    " WHERE id = ?2 AND version = ?3", column);
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	sqlite3_free(sql);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, r->id);
		sqlite3_bind_int(st, 3, r->version);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(s->db);
		conflict = rc == SQLITE_OK && sqlite3_changes(s->db) == 0;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc == SQLITE_OK && !conflict) {
		sql = sqlite3_mprintf("INSERT INTO event (intake_id, at, staff, \"%w\") VALUES (?, ?, ?, ?)", column);
		rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
		sqlite3_free(sql);
	}
	if (rc == SQLITE_OK && !conflict) {
		store_now(at);
		sqlite3_bind_int64(st, 1, r->id);
		sqlite3_bind_text(st, 2, at, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, staff, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, value, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(s->db);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_OK && !conflict) {
		detail = xasprintf("%s -> %s", *old ? old : "-", *value ? value : "-");
		rc = store_insert_audit(s, staff, str_eq(column, "assignee") ? "assign" : "callback", r->ref, "ok", detail);
		free(detail);
	}
	return store_end_change(s, rc, conflict);
}

enum store_rc
store_set_assignee(struct store *s, const struct store_record *r, const char *assignee, const char *staff)
{
	return set_queue(s, r, "assignee", assignee ? assignee : "", r->assignee, staff);
}

enum store_rc
store_set_callback(struct store *s, const struct store_record *r, const char *day, const char *staff)
{
	return set_queue(s, r, "callback", day ? day : "", r->callback, staff);
}
