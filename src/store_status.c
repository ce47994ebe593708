/* store_status.c: the statuses of a request, and how staff change them
 * or add a note: history and audit, with a check for changes made
 * meanwhile by someone else. */
#include "store.h"

#include <stdlib.h>

#include "store_int.h"
#include "util.h"

const char *const store_statuses[STORE_NSTATUS] = {
	"new", "contacted", "referred", "closed", "unreachable",
};

const char *
store_status_label(const char *status)
{
	static const char *const labels[STORE_NSTATUS] = {
		N_("new"), N_("contacted"), N_("referred"), N_("closed"), N_("not reachable"),
	};

	for (int i = 0; i < STORE_NSTATUS; i++)
		if (str_eq(status, store_statuses[i]))
			return _(labels[i]);
	return status;
}

static int
insert_event(struct store *s, long long id, const char *staff, const char *old_status,
    const char *new_status, const char *note)
{
	sqlite3_stmt *st;
	char at[32];
	int rc = sqlite3_prepare_v2(s->db, "INSERT INTO event (intake_id, at, staff, old_status, new_status, note)"
	    " VALUES (?, ?, ?, ?, ?, ?)", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	store_now(at);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, staff, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, old_status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, new_status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, note, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(s->db);
	sqlite3_finalize(st);
	return rc;
}

/* Bump the version of r. A new status only if nobody changed r since it
 * was read; a note (status NULL) overwrites nothing, so it always goes in. */
static int
claim(struct store *s, const struct store_record *r, const char *status, bool *conflict)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, "UPDATE intake SET version = version + 1, status = coalesce(?1, status)"
	    " WHERE id = ?2 AND (?1 IS NULL OR version = ?3)", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->id);
	sqlite3_bind_int(st, 3, r->version);
	rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(s->db);
	sqlite3_finalize(st);
	*conflict = rc == SQLITE_OK && sqlite3_changes(s->db) == 0;
	return rc;
}

enum store_rc
store_end_change(struct store *s, int rc, bool conflict)
{
	if (rc == SQLITE_OK && !conflict)
		rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK || conflict) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return conflict ? STORE_CONFLICT : store_rc_of(rc);
	}
	return STORE_OK;
}

static enum store_rc
change(struct store *s, const struct store_record *r, const char *status, const char *note, const char *staff,
    bool undo)
{
	bool conflict = false;
	char *detail;
	int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return store_rc_of(rc);
	rc = claim(s, r, status, &conflict);
	if (rc == SQLITE_OK && !conflict)
		rc = insert_event(s, r->id, staff, status ? r->status : NULL, status, note);
	detail = status ? xasprintf("%s -> %s%s", r->status, status, undo ? " (undo)" : "") : xstrdup("note");
	if (rc == SQLITE_OK && !conflict)
		rc = store_insert_audit(s, staff, status ? "status" : "note", r->ref, "ok", detail);
	free(detail);
	return store_end_change(s, rc, conflict);
}

enum store_rc
store_set_status(struct store *s, const struct store_record *r, const char *status, const char *staff)
{
	return change(s, r, status, NULL, staff, false);
}

enum store_rc
store_undo_status(struct store *s, const struct store_record *r, const char *status, const char *staff)
{
	return change(s, r, status, NULL, staff, true);
}

enum store_rc
store_add_note(struct store *s, const struct store_record *r, const char *note, const char *staff)
{
	return change(s, r, NULL, note, staff, false);
}
