/* store.c: SQLite storage of intakes; see store.h. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "charset.h"
#include "store_int.h"
#include "util.h"

/* "ZKIO": marks a database as ours, so another file is never changed. */
#define STORE_APP_ID 0x5A4B494F
#define STORE_BUSY_MS 5000

/* Forward migrations: migrations[v] takes user_version v to v + 1. Every
 * statement runs inside one transaction with the version bump. */
static const char *const migrations[STORE_SCHEMA] = {
	/* 0 -> 1: intakes and their answers. Answers are rows per field, so a
	 * form that gains a field needs no schema change. */
	"CREATE TABLE intake ("
	"  id INTEGER PRIMARY KEY,"
	"  ref TEXT NOT NULL UNIQUE,"
	"  year INTEGER NOT NULL,"
	"  seq INTEGER NOT NULL,"
	"  created_at TEXT NOT NULL,"   /* UTC, ISO 8601 */
	"  ui_lang TEXT NOT NULL,"
	"  form_version INTEGER NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'new',"
	"  UNIQUE (year, seq));"
	"CREATE TABLE answer ("
	"  intake_id INTEGER NOT NULL REFERENCES intake(id) ON DELETE CASCADE,"
	"  field TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  PRIMARY KEY (intake_id, field)) WITHOUT ROWID;"
	"CREATE INDEX intake_created ON intake(created_at);",
	/* 1 -> 2: staff follow-up. version counts changes, so that a second
	 * staff member's change to an old state is refused, not overwritten.
	 * The audit table only grows: triggers refuse updates and deletes. */
	"ALTER TABLE intake ADD COLUMN version INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX intake_list ON intake(created_at DESC, id DESC);"
	"CREATE INDEX intake_status ON intake(status, created_at DESC, id DESC);"
	"CREATE TABLE event ("
	"  id INTEGER PRIMARY KEY,"
	"  intake_id INTEGER NOT NULL REFERENCES intake(id) ON DELETE CASCADE,"
	"  at TEXT NOT NULL,"
	"  staff TEXT NOT NULL,"
	"  old_status TEXT,"
	"  new_status TEXT,"
	"  note TEXT);"
	"CREATE INDEX event_intake ON event(intake_id);"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  at TEXT NOT NULL,"
	"  staff TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  ref TEXT,"
	"  detail TEXT);"
	"CREATE TRIGGER audit_keep_update BEFORE UPDATE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'audit rows are never changed'); END;"
	"CREATE TRIGGER audit_keep_delete BEFORE DELETE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'audit rows are never deleted'); END;"
	/* Labels of every form version, so old requests keep their labels. */
	"CREATE TABLE label ("
	"  form_version INTEGER NOT NULL,"
	"  field TEXT NOT NULL,"
	"  choice TEXT NOT NULL,"   /* '' for the field's own label */
	"  lang TEXT NOT NULL,"
	"  text TEXT NOT NULL,"
	"  PRIMARY KEY (form_version, field, choice, lang)) WITHOUT ROWID;",
	/* 2 -> 3: drafts of remote sessions whose link dropped, for a day. */
	"CREATE TABLE draft ("
	"  login TEXT PRIMARY KEY,"
	"  saved_at INTEGER NOT NULL,"   /* seconds since 1970 */
	"  ui_lang TEXT NOT NULL);"
	"CREATE TABLE draft_answer ("
	"  login TEXT NOT NULL REFERENCES draft(login) ON DELETE CASCADE,"
	"  field TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  PRIMARY KEY (login, field)) WITHOUT ROWID;",
};

enum store_rc
store_rc_of(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return STORE_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_BUSY;
	case SQLITE_FULL:
		return STORE_FULL;
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return STORE_READONLY;
	case SQLITE_IOERR:
		/* A failed write on a full disk shows up as an I/O error. */
		return errno == ENOSPC ? STORE_FULL : STORE_ERROR;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return STORE_NOTOURS;
	default:
		return STORE_ERROR;
	}
}

static int
exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

static int
pragma_int(sqlite3 *db, const char *sql, int *out)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Create the file with mode, and the folder it is in, if missing. */
static int
create_file(const char *path, mode_t mode, gid_t gid)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int fd;

	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) == 0) {
			/* A new folder for a group database: the group may write in
			 * it (SQLite makes its -wal and -shm files there) and files
			 * made in it belong to the group (set-group-ID). */
			if (gid != (gid_t)-1 && (chown(dir, (uid_t)-1, gid) != 0 || chmod(dir, 02770) != 0)) {
				free(dir);
				return -1;
			}
		} else if (errno != EEXIST) {
			free(dir);
			return -1;
		}
	}
	free(dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return errno == EEXIST ? 0 : -1;
	/* The umask may have taken bits away; set exactly what was asked. */
	if ((gid != (gid_t)-1 && fchown(fd, (uid_t)-1, gid) != 0) || fchmod(fd, mode) != 0) {
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

/* Check that the file is ours, and bring its schema up to date: all in one
 * write transaction, so that two kiosks starting on a new file do not both
 * migrate it. */
static enum store_rc
migrate(sqlite3 *db, char **detail)
{
	int version = 0, app = 0, tables = 0, rc;
	enum store_rc out = STORE_OK;
	char *bump;

	if ((rc = exec(db, "BEGIN IMMEDIATE")) != SQLITE_OK)
		goto fail;
	if ((rc = pragma_int(db, "PRAGMA user_version", &version)) != SQLITE_OK ||
	    (rc = pragma_int(db, "PRAGMA application_id", &app)) != SQLITE_OK ||
	    (rc = pragma_int(db, "SELECT count(*) FROM sqlite_schema", &tables)) != SQLITE_OK)
		goto fail;
	if (app != STORE_APP_ID && (tables > 0 || version != 0))
		out = STORE_NOTOURS;
	else if (version > STORE_SCHEMA)
		out = STORE_NEWER;
	for (; out == STORE_OK && version < STORE_SCHEMA; version++) {
		if ((rc = exec(db, migrations[version])) != SQLITE_OK)
			goto fail;
	}
	if (out == STORE_OK) {
		bump = xasprintf("PRAGMA user_version = %d; PRAGMA application_id = %d;", STORE_SCHEMA, STORE_APP_ID);
		rc = exec(db, bump);
		free(bump);
		if (rc != SQLITE_OK)
			goto fail;
	}
	if ((rc = exec(db, out == STORE_OK ? "COMMIT" : "ROLLBACK")) != SQLITE_OK)
		goto fail;
	return out;
fail:
	/* The words first: ROLLBACK would replace them. */
	*detail = xstrdup(sqlite3_errmsg(db));
	exec(db, "ROLLBACK");
	return store_rc_of(rc);
}

/* fold(text): text in lower case for every alphabet, not only ASCII as
 * SQLite's lower() and LIKE do: "öztürk" finds "Öztürk". */
static void
sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *in = sqlite3_value_text(argv[0]);
	wchar_t *w;
	size_t n;
	char *out;

	(void)argc;
	if (in == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	w = charset_decode_utf8((const char *)in, &n);
	charset_fold(w, n);
	out = charset_utf8(w, n);
	free(w);
	sqlite3_result_text(ctx, out, -1, free);
}

struct store *
store_open(const char *path, mode_t mode, gid_t gid, enum store_rc *rc, char **detail)
{
	struct store *s;
	sqlite3 *db = NULL;
	int r;

	*detail = NULL;
	if (create_file(path, mode, gid) != 0) {
		*rc = errno == ENOSPC ? STORE_FULL : STORE_READONLY;
		*detail = xstrdup(strerror(errno));
		return NULL;
	}
	r = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL);
	if (r == SQLITE_OK) {
		sqlite3_extended_result_codes(db, 1);
		sqlite3_create_function(db, "fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
		    NULL, sql_fold, NULL, NULL);
		sqlite3_busy_timeout(db, STORE_BUSY_MS);
		/* SQLite opens a file it cannot write read-only without a word;
		 * the kiosk must know before a caregiver fills in the form. */
		if (sqlite3_db_readonly(db, "main") == 1) {
			*rc = STORE_READONLY;
			*detail = xstrdup(strerror(EACCES));
		} else {
			/* Check before any pragma can write to a file not ours. */
			*rc = migrate(db, detail);
		}
		if (*rc == STORE_OK) {
			r = exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
			    " PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;");
			if (r != SQLITE_OK) {
				*rc = store_rc_of(r);
				*detail = xstrdup(sqlite3_errmsg(db));
			}
		}
	} else {
		*rc = store_rc_of(r);
		*detail = xstrdup(db ? sqlite3_errmsg(db) : sqlite3_errstr(r));
	}
	if (*rc != STORE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	s = xcalloc(1, sizeof *s);
	s->db = db;
	return s;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	sqlite3_close(s->db);
	free(s);
}

void
store_now(char *buf)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

enum store_rc
store_submit(struct store *s, const struct intake *in, enum lang ui, int year, char *ref)
{
	const struct forms *f = in->forms;
	sqlite3_stmt *st = NULL;
	sqlite3_int64 id;
	char created[32], newref[32];
	int seq = 0, rc;

	store_now(created);
	/* IMMEDIATE takes the write lock now, so the sequence number read
	 * below cannot be taken by another kiosk before we insert. */
	if ((rc = exec(s->db, "BEGIN IMMEDIATE")) != SQLITE_OK)
		return store_rc_of(rc);
	rc = sqlite3_prepare_v2(s->db, "SELECT coalesce(max(seq), 0) + 1 FROM intake WHERE year = ?1", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int(st, 1, year);
		if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			seq = sqlite3_column_int(st, 0);
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	snprintf(newref, sizeof newref, "MZ-%04d-%04d", year, seq);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db, "INSERT INTO intake (ref, year, seq, created_at, ui_lang, form_version)"
		    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, newref, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, year);
		sqlite3_bind_int(st, 3, seq);
		sqlite3_bind_text(st, 4, created, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, i18n_code(ui), -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 6, f->intake_version);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(s->db);
		sqlite3_finalize(st);
		st = NULL;
	}
	id = sqlite3_last_insert_rowid(s->db);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db, "INSERT INTO answer (intake_id, field, value) VALUES (?1, ?2, ?3)",
		    -1, &st, NULL);
	for (size_t i = 0; rc == SQLITE_OK && i < f->nfields; i++) {
		const struct field *fd = &f->fields[i];
		char *value = fd->type == FIELD_PHONE ? intake_phone_normalize(in->values[i]) : NULL;
		const char *v = value ? value : in->values[i];

		if (*v != '\0') {
			sqlite3_reset(st);
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_text(st, 2, fd->id, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, v, -1, SQLITE_TRANSIENT);
			rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(s->db);
		}
		free(value);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_OK)
		rc = exec(s->db, "COMMIT");
	if (rc != SQLITE_OK) {
		int saved = errno;

		exec(s->db, "ROLLBACK");
		errno = saved;
		return store_rc_of(rc);
	}
	memcpy(ref, newref, strlen(newref) + 1);
	return STORE_OK;
}

enum store_rc
store_draft_save(struct store *s, const char *login, const struct intake *in, enum lang ui)
{
	sqlite3_stmt *st = NULL;
	int rc = exec(s->db, "BEGIN IMMEDIATE");

	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO draft (login, saved_at, ui_lang) VALUES (?, ?, ?)",
		    -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)time(NULL));
		sqlite3_bind_text(st, 3, i18n_code(ui), -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(s->db);
		sqlite3_finalize(st);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db, "INSERT INTO draft_answer (login, field, value) VALUES (?, ?, ?)",
		    -1, &st, NULL);
	for (size_t i = 0; rc == SQLITE_OK && i < in->forms->nfields; i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, in->forms->fields[i].id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, in->values[i], -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(s->db);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_OK)
		rc = exec(s->db, "COMMIT");
	if (rc != SQLITE_OK)
		exec(s->db, "ROLLBACK");
	return store_rc_of(rc);
}

bool
store_draft_take(struct store *s, const char *login, const struct forms *f, struct intake *in, enum lang *ui)
{
	sqlite3_stmt *st;
	bool found = false;
	sqlite3_int64 cutoff = (sqlite3_int64)time(NULL) - STORE_DRAFT_SECONDS;

	if (exec(s->db, "BEGIN IMMEDIATE") != SQLITE_OK)
		return false;
	if (sqlite3_prepare_v2(s->db, "DELETE FROM draft WHERE saved_at < ?", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, cutoff);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	if (sqlite3_prepare_v2(s->db, "SELECT ui_lang FROM draft WHERE login = ?", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			found = true;
			i18n_parse((const char *)sqlite3_column_text(st, 0), ui);
		}
		sqlite3_finalize(st);
	}
	if (found) {
		intake_init(in, f, NULL, *ui);
		if (sqlite3_prepare_v2(s->db, "SELECT field, value FROM draft_answer WHERE login = ?", -1, &st,
		    NULL) == SQLITE_OK) {
			sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
			while (sqlite3_step(st) == SQLITE_ROW) {
				const struct field *fd = forms_field(f, (const char *)sqlite3_column_text(st, 0));

				if (fd != NULL)
					intake_set(in, (size_t)(fd - f->fields), (const char *)sqlite3_column_text(st, 1));
			}
			sqlite3_finalize(st);
		}
		if (sqlite3_prepare_v2(s->db, "DELETE FROM draft WHERE login = ?", -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
			sqlite3_step(st);
			sqlite3_finalize(st);
		}
	}
	exec(s->db, "COMMIT");
	return found;
}

const char *
store_message(enum store_rc rc)
{
	switch (rc) {
	case STORE_OK:
		return "";
	case STORE_BUSY:
		return _("The system is busy right now. Your answers are still here: please try again in a moment.");
	case STORE_FULL:
		return _("The disk of this computer is full, so nothing was stored. Your answers are still here. Please tell a staff member.");
	case STORE_READONLY:
		return _("The database cannot be written to, so nothing was stored. Your answers are still here. Please tell a staff member.");
	case STORE_NOTOURS:
		return _("The database file is damaged or is not a zorgkiosk database. It has not been changed.");
	case STORE_NEWER:
		return _("The database was made by a newer version of zorgkiosk.");
	case STORE_CONFLICT:
		return _("Someone else changed this request meanwhile. You now see the new state; nothing was overwritten.");
	case STORE_NOTFOUND:
		return _("There is no such request.");
	case STORE_ERROR:
		break;
	}
	return _("Something went wrong while storing, so nothing was stored. Your answers are still here: please try again.");
}
