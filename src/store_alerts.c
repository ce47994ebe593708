/* store_alerts.c: which requests the staff alerts (alerts.c) have not
 * mailed yet. The mark is the reference of the last request alerted, kept
 * in the audit trail (rows 'alert' and 'alert-start'), which outlives
 * purges; references are never given out twice (refseq), unlike intake
 * ids, which SQLite reuses when the newest request is purged. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "util.h"

enum store_rc
store_alert_pending(struct store *s, bool *started, char ***refs, size_t *n)
{
	sqlite3_stmt *st;
	int year = 0, seq = 0, rc;

	*started = false;
	*refs = NULL;
	*n = 0;
	rc = sqlite3_prepare_v2(s->db, "SELECT coalesce(ref, '') FROM audit"
	    " WHERE action IN ('alert', 'alert-start') ORDER BY id DESC LIMIT 1", -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*started = true;
		/* "" (started on an empty database): every request is after it. */
		if (sscanf((const char *)sqlite3_column_text(st, 0), "MZ-%d-%d", &year, &seq) != 2)
			year = seq = 0;
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE || !*started)
		return rc == SQLITE_DONE ? STORE_OK : store_rc_of(rc);
	rc = sqlite3_prepare_v2(s->db, "SELECT ref FROM intake WHERE year > ?1 OR (year = ?1 AND seq > ?2)"
	    " ORDER BY year, seq", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int(st, 1, year);
		sqlite3_bind_int(st, 2, seq);
	}
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*refs = xreallocarray(*refs, *n + 1, sizeof **refs);
		(*refs)[(*n)++] = xstrdup((const char *)sqlite3_column_text(st, 0));
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : store_rc_of(rc);
}

enum store_rc
store_newest_ref(struct store *s, char *ref)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, "SELECT ref FROM intake ORDER BY year DESC, seq DESC LIMIT 1", -1, &st, NULL);

	*ref = '\0';
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(ref, 32, "%s", (const char *)sqlite3_column_text(st, 0));
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : store_rc_of(rc);
}
