/* store_labels.c: the labels of each form version, so that requests made
 * on an old form are shown with that form's words. */
#include "store.h"

#include "store_int.h"
#include "util.h"

static int
insert_label(sqlite3_stmt *st, int version, const char *field, const char *choice, const struct text *t)
{
	int rc = SQLITE_OK;

	for (lang_id l = 0; l < i18n_count() && rc == SQLITE_OK; l++) {
		if (t->s[l] == NULL)
			continue;
		sqlite3_reset(st);
		sqlite3_bind_int(st, 1, version);
		sqlite3_bind_text(st, 2, field, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, choice, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, i18n_code(l), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, t->s[l], -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(sqlite3_db_handle(st));
	}
	return rc;
}

/* Whether every label of f is stored already: then a start needs no write
 * transaction (and no syncs). One read transaction for all the lookups,
 * not one (with its locks and stat calls) per label. */
static bool
labels_stored(struct store *s, const struct forms *f)
{
	sqlite3_stmt *st;
	bool all = true;

	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM label WHERE form_version = ? AND field = ? AND choice = ?"
	    " AND lang = ?", -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL);
	for (size_t i = 0; all && i < f->nfields; i++) {
		const struct field *fd = &f->fields[i];

		for (size_t c = 0; all && c <= fd->nchoices; c++)
			for (lang_id l = 0; all && l < i18n_count(); l++) {
				if ((c == 0 ? fd->label : fd->choices[c - 1].label).s[l] == NULL)
					continue;
				sqlite3_reset(st);
				sqlite3_bind_int(st, 1, f->intake_version);
				sqlite3_bind_text(st, 2, fd->id, -1, SQLITE_STATIC);
				sqlite3_bind_text(st, 3, c == 0 ? "" : fd->choices[c - 1].id, -1, SQLITE_STATIC);
				sqlite3_bind_text(st, 4, i18n_code(l), -1, SQLITE_STATIC);
				all = sqlite3_step(st) == SQLITE_ROW;
			}
	}
	sqlite3_finalize(st);
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	return all;
}

enum store_rc
store_save_labels(struct store *s, const struct forms *f)
{
	sqlite3_stmt *st;
	int rc;

	if (labels_stored(s, f))
		return STORE_OK;
	if ((rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) != SQLITE_OK)
		return store_rc_of(rc);
	/* OR IGNORE: the labels of a version are kept as first seen. */
	rc = sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO label (form_version, field, choice, lang, text)"
	    " VALUES (?, ?, ?, ?, ?)", -1, &st, NULL);
	for (size_t i = 0; rc == SQLITE_OK && i < f->nfields; i++) {
		const struct field *fd = &f->fields[i];

		rc = insert_label(st, f->intake_version, fd->id, "", fd->staff_label.s[0] ? &fd->staff_label : &fd->label);
		for (size_t c = 0; rc == SQLITE_OK && c < fd->nchoices; c++)
			rc = insert_label(st, f->intake_version, fd->id, fd->choices[c].id, &fd->choices[c].label);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return store_rc_of(rc);
}

char *
store_label(struct store *s, int form_version, const char *field, const char *choice, lang_id lang)
{
	sqlite3_stmt *st;
	char *out = NULL;

	if (sqlite3_prepare_v2(s->db, "SELECT text FROM label WHERE form_version = ? AND field = ?"
	    " AND choice = ? AND lang = ?", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int(st, 1, form_version);
	sqlite3_bind_text(st, 2, field, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, choice, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, i18n_code(lang), -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		out = store_col_dup(st, 0);
	sqlite3_finalize(st);
	return out;
}
