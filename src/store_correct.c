/* store_correct.c: the right to rectification: a request's answer
 * replaced so that the old value is gone from the file, its search index
 * and its -wal, with a history line and an audit row that name the field,
 * never a value. */
#include "store.h"

#include <stdlib.h>

#include "store_int.h"
#include "util.h"

/* The statements of a correction, in order: ?1 the request's id, ?2 the
 * field, ?3 the new value, ?4 the version staff read, ?5 the staff login,
 * ?6 the time. The first claims the request (no row: changed meanwhile);
 * the old answer goes with its search text (trigger answer_unsearch); an
 * empty value leaves no answer, as at the kiosk. */
static const char *const steps[] = {
	"UPDATE intake SET version = version + 1 WHERE id = ?1 AND version = ?4",
	"DELETE FROM answer WHERE intake_id = ?1 AND field = ?2",
	"INSERT INTO answer (intake_id, field, value) SELECT ?1, ?2, ?3 WHERE ?3 <> ''",
	"INSERT INTO event (intake_id, at, staff, corrected) VALUES (?1, ?6, ?5, ?2)",
};

enum store_rc
store_correct(struct store *s, const struct store_record *r, const char *field, const char *value,
    const char *staff, bool *wiped)
{
	char at[32];
	bool conflict = false;
	enum store_rc out;
	int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	*wiped = false;
	if (rc != SQLITE_OK)
		return store_rc_of(rc);
	store_now(at);
	for (size_t i = 0; i < sizeof steps / sizeof steps[0] && rc == SQLITE_OK && !conflict; i++) {
		sqlite3_stmt *st;

		if ((rc = sqlite3_prepare_v2(s->db, steps[i], -1, &st, NULL)) != SQLITE_OK)
			break;
		sqlite3_bind_int64(st, 1, r->id);
		sqlite3_bind_text(st, 2, field, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, value, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, r->version);
		sqlite3_bind_text(st, 5, staff, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, at, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(s->db);
		conflict = i == 0 && rc == SQLITE_OK && sqlite3_changes(s->db) == 0;
		sqlite3_finalize(st);
	}
	if (rc == SQLITE_OK && !conflict)
		rc = store_insert_audit(s, staff, "correct", r->ref, "ok", field);
	/* Merge the index's segments: the old value's trigrams stay in them
	 * until then (as in store_erase). */
	if (rc == SQLITE_OK && !conflict)
		rc = sqlite3_exec(s->db, "INSERT INTO search (search) VALUES ('optimize')", NULL, NULL, NULL);
	out = store_end_change(s, rc, conflict);
	/* secure_delete zeroed the old value where it was; the -wal, which
	 * still holds the pages as they were, is folded in and emptied. No
	 * VACUUM, unlike erase: a correction in the staff terminal should not
	 * wait seconds while a large file is rewritten. */
	if (out == STORE_OK)
		*wiped = store_wipe(s, false);
	return out;
}
