/* store.c: SQLite storage of intakes; see store.h. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <unicode/uclean.h>

#include "store_int.h"
#include "util.h"

/* "ZKIO": marks a database as ours, so another file is never changed. */
#define STORE_APP_ID 0x5A4B494F
/* While another program writes, try again after 0.5 ms, 1 ms, ... up to
 * STORE_BUSY_STEPS half-milliseconds: SQLite's own wait grows to 100 ms
 * steps, so one visitor could wait long after the lock was free again. */
#define STORE_BUSY_STEP_US 500
#define STORE_BUSY_STEPS 16

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
	/* 3 -> 4: the last reference number given out per year, so that a
	 * number is never given out again after its request was purged. Filled
	 * from the requests still stored and from the references the audit
	 * trail names (it outlives purges). */
	"CREATE TABLE refseq ("
	"  year INTEGER PRIMARY KEY,"
	"  last INTEGER NOT NULL);"
	"INSERT INTO refseq (year, last)"
	"  SELECT year, max(seq) FROM ("
	"    SELECT year, seq FROM intake"
	"    UNION ALL"
	"    SELECT CAST(substr(ref, 4, 4) AS INTEGER), CAST(substr(ref, 9) AS INTEGER) FROM audit"
	"    WHERE ref GLOB 'MZ-[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]*')"
	"  GROUP BY year;",
	/* 4 -> 5: the search index (store_search.c). search_field lists the
	 * fields indexed, and down to which request the answers stored before
	 * are still to be added (todo; 0 when complete); search_text holds
	 * their answers without accents;
	 * search is an FTS5 trigram index over it. The trigger filling
	 * both from answer is made by store_search_schema(). */
	"CREATE TABLE search_field (field TEXT PRIMARY KEY, todo INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE search_text ("
	"  id INTEGER PRIMARY KEY,"
	"  intake_id INTEGER NOT NULL,"
	"  field TEXT NOT NULL,"
	"  folded TEXT NOT NULL);"
	"CREATE INDEX search_text_intake ON search_text(intake_id, field);"
	"CREATE VIRTUAL TABLE search USING fts5(folded, content = 'search_text', content_rowid = 'id',"
	"  tokenize = 'trigram');"
	"CREATE TRIGGER search_text_remove AFTER DELETE ON search_text BEGIN"
	"  INSERT INTO search (search, rowid, folded) VALUES ('delete', old.id, old.folded); END;"
	/* Answers go with their request (purge), never one by one. */
	"CREATE TRIGGER answer_unsearch AFTER DELETE ON answer BEGIN"
	"  DELETE FROM search_text WHERE intake_id = old.intake_id AND field = old.field; END;",
	/* 5 -> 6: every text in search_text ends in two separators (char 31),
	 * so that each place of one or two characters starts a trigram and
	 * the index finds them too (store_search.c). The trigger is made
	 * again with them; the answers indexed before are indexed again by
	 * the next staff list, in batches, as after the upgrade to 5. */
	"DROP TRIGGER IF EXISTS answer_search;"
	"  UPDATE search_field"
	"  SET todo = (SELECT coalesce(max(id), 0) FROM intake);",
	/* 6 -> 7: the id the kiosk gave each request it sent, so that sending
	 * it again (by a new writer, after the first stopped answering) finds
	 * it stored (store_submit.c). A table of its own: no index to build
	 * over every request stored before. */
	"CREATE TABLE IF NOT EXISTS submit ("
	"  intake_id INTEGER PRIMARY KEY REFERENCES intake(id) ON DELETE CASCADE,"
	"  id TEXT NOT NULL UNIQUE);",
	/* 7 -> 8: a Dutch phone number stored as +31612345678 is indexed as
	 * 0612345678, so that either way of writing finds both (see
	 * STORE_SEARCH_VALUE_SQL). The trigger is made again, and the answers
	 * indexed before are indexed again, as after the upgrade to 6. */
	"DROP TRIGGER IF EXISTS answer_search;"
	"  UPDATE search_field"
	"  SET todo = (SELECT coalesce(max(id), 0) FROM intake);",
	/* 8 -> 9: where each request was made (the kiosk's location), for
	 * sites with several kiosks on one database; NULL for the requests
	 * stored before. The column is added by add_location (ALTER TABLE
	 * has no IF NOT EXISTS). The index serves the staff list's filter and
	 * the list of locations to choose from. */
	"CREATE INDEX IF NOT EXISTS intake_location ON intake(location, created_at DESC, id DESC);",
	/* 9 -> 10: the audit's origin, result and hash chain, added and the
	 * rows stored before chained by store_audit_chain_schema (guarded: a
	 * file that has them is left as it is). */
	"SELECT 1;",
	/* 10 -> 11: the work queue (store_queue.c): who of staff handles a
	 * request (intake.assignee, a login) and when to call back
	 * (intake.callback, YYYY-MM-DD); in the history, event.assignee and
	 * event.callback say what a change set ('' for none). The columns are
	 * added by add_queue (ALTER TABLE has no IF NOT EXISTS). */
	"CREATE INDEX IF NOT EXISTS intake_assignee"
	"  ON intake(assignee, created_at DESC, id DESC);"
	"CREATE INDEX IF NOT EXISTS intake_callback ON intake(callback) WHERE callback IS NOT NULL;",
	/* 11 -> 12: rectification (store_correct.c): event.corrected names the
	 * field staff corrected, never a value. Added by add_column (guarded,
	 * so the step may be renumbered). */
	"SELECT 1;",
	/* 12 -> 13: after audit records older than the site's period are
	 * removed (store_audit_purge.c), the chain goes on from the first one
	 * kept (first) and the hash of the one before it (prev). */
	"CREATE TABLE IF NOT EXISTS audit_anchor ("
	"  one INTEGER PRIMARY KEY CHECK (one = 1),"
	"  first INTEGER NOT NULL,"
	"  prev TEXT NOT NULL);",
	/* 13 -> 14: search keys in every script (store_search_key: "ozturk"
	 * finds "Öztürk", "lukasz" "Łukasz", Arabic without its diacritics).
	 * The trigger is made again (it lists the answers it cannot key in
	 * search_pending), and the answers indexed before are indexed again,
	 * as after the upgrade to 6. Safe to run twice. */
	"DROP TRIGGER IF EXISTS answer_search;"
	"  UPDATE search_field"
	"  SET todo = (SELECT coalesce(max(id), 0) FROM intake);",
};

/* Indexes into migrations of the steps that also need store_search_schema. */
#define MIGRATION_SEARCH 4
#define MIGRATION_SEARCH_ENDS 5
#define MIGRATION_SEARCH_PHONES 7
#define MIGRATION_SEARCH_KEYS 13
/* The step that first adds intake.location (add_location). */
#define MIGRATION_LOCATION 8
/* The step that chains the audit (store_audit_chain_schema). */
#define MIGRATION_AUDIT_CHAIN 9
/* The step that adds the work queue's columns (add_queue). */
#define MIGRATION_QUEUE 10
/* The step that adds event.corrected. */
#define MIGRATION_CORRECT 11

int
store_end(struct store *s, int rc)
{
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

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
		return errno == ENOSPC ? STORE_FULL : STORE_IOERR;
	case SQLITE_NOTADB:
		return STORE_NOTOURS;
	case SQLITE_CORRUPT:
		return STORE_DAMAGED;
	default:
		return STORE_ERROR;
	}
}

int
store_exec(sqlite3 *db, const char *sql)
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
/* Add intake.location unless it is there: like the other steps, running it
 * again on a file that has it changes nothing. */
static int
add_location(sqlite3 *db)
{
	int has = 0, rc = pragma_int(db, "SELECT count(*) FROM pragma_table_info('intake') WHERE name = 'location'",
	    &has);

	return rc != SQLITE_OK || has ? rc : store_exec(db, "ALTER TABLE intake ADD COLUMN location TEXT");
}

/* Add column (with its type) to table unless it is there. */
static int
add_column(sqlite3 *db, const char *table, const char *column, const char *type)
{
	char *sql = sqlite3_mprintf("SELECT count(*) FROM pragma_table_info(%Q) WHERE name = %Q", table, column);
	int has = 0, rc = pragma_int(db, sql, &has);

	sqlite3_free(sql);
	if (rc != SQLITE_OK || has)
		return rc;
	sql = sqlite3_mprintf("ALTER TABLE \"%w\" ADD COLUMN \"%w\" %s", table, column, type);
	rc = store_exec(db, sql);
	sqlite3_free(sql);
	return rc;
}

/* The columns of the work queue, each unless it is there. */
static int
add_queue(sqlite3 *db)
{
	int rc = add_column(db, "intake", "assignee", "TEXT");

	if (rc == SQLITE_OK)
		rc = add_column(db, "intake", "callback", "TEXT");
	if (rc == SQLITE_OK)
		rc = add_column(db, "event", "assignee", "TEXT");
	if (rc == SQLITE_OK)
		rc = add_column(db, "event", "callback", "TEXT");
	return rc;
}

static enum store_rc
migrate(sqlite3 *db, char **detail)
{
	int version = 0, app = 0, tables = 0, rc;
	enum store_rc out = STORE_OK;
	char *bump;

	/* Most starts find the file up to date: a read says so, without a
	 * write transaction and its syncs. */
	if (pragma_int(db, "PRAGMA user_version", &version) == SQLITE_OK &&
	    pragma_int(db, "PRAGMA application_id", &app) == SQLITE_OK &&
	    version == STORE_SCHEMA && app == STORE_APP_ID)
		return STORE_OK;
	version = app = 0;
	if ((rc = store_exec(db, "BEGIN IMMEDIATE")) != SQLITE_OK)
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
		if (version == MIGRATION_LOCATION && (rc = add_location(db)) != SQLITE_OK)
			goto fail;
		if (version == MIGRATION_QUEUE && (rc = add_queue(db)) != SQLITE_OK)
			goto fail;
		if (version == MIGRATION_CORRECT && (rc = add_column(db, "event", "corrected", "TEXT")) != SQLITE_OK)
			goto fail;
		if ((rc = store_exec(db, migrations[version])) != SQLITE_OK)
			goto fail;
		if (version == MIGRATION_AUDIT_CHAIN && (rc = store_audit_chain_schema(db)) != SQLITE_OK)
			goto fail;
		if ((version == MIGRATION_SEARCH || version == MIGRATION_SEARCH_ENDS ||
		    version == MIGRATION_SEARCH_PHONES || version == MIGRATION_SEARCH_KEYS) &&
		    (rc = store_search_schema(db)) != SQLITE_OK)
			goto fail;
	}
	if (out == STORE_OK) {
		bump = xasprintf("PRAGMA user_version = %d; PRAGMA application_id = %d;", STORE_SCHEMA, STORE_APP_ID);
		rc = store_exec(db, bump);
		free(bump);
		if (rc != SQLITE_OK)
			goto fail;
	}
	if ((rc = store_exec(db, out == STORE_OK ? "COMMIT" : "ROLLBACK")) != SQLITE_OK)
		goto fail;
	return out;
fail:
	/* The words first: ROLLBACK would replace them. */
	*detail = xstrdup(sqlite3_errmsg(db));
	store_exec(db, "ROLLBACK");
	return store_rc_of(rc);
}

/* fold(text): store_fold, text as search compares it in every script,
 * not only ASCII as SQLite's lower() and LIKE do: "ozturk" finds
 * "Öztürk". */
static void
sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *in = sqlite3_value_text(argv[0]);

	(void)argc;
	if (in == NULL)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_text(ctx, store_fold((const char *)in), -1, wipe_free);
}

/* The wait before the count-th retry: short steps first, so a submit goes
 * ahead soon after the other writer's commit, then longer ones, so that
 * waiting writers leave the lock free now and then for a program whose
 * own waits are long (SQLite's: up to 100 ms a step). */
static long
busy_step_us(int count)
{
	return STORE_BUSY_STEP_US * (count < STORE_BUSY_STEPS ? count + 1 : STORE_BUSY_STEPS);
}

/* Busy handler: waits busy_step_us steps, up to STORE_BUSY_MS in all. */
static int
busy_wait(void *arg, int count)
{
	long long waited = 0;
	struct timespec step = { 0, busy_step_us(count) * 1000L };

	(void)arg;
	for (int k = 0; k < count && waited < STORE_BUSY_MS * 1000LL; k++)
		waited += busy_step_us(k);
	if (waited >= STORE_BUSY_MS * 1000LL)
		return 0;
	nanosleep(&step, NULL);
	return 1;
}

/* Busy handler for store_log_restart: 1 ms steps until *arg (now_ms()). */
static int
busy_until(void *arg, int count)
{
	const long long *until = arg;
	struct timespec step = { 0, 1000000L };

	(void)count;
	if (now_ms() >= *until)
		return 0;
	nanosleep(&step, NULL);
	return 1;
}

int
store_log_restart(sqlite3 *db, int ms)
{
	long long until = now_ms() + ms;
	int rc;

	sqlite3_busy_handler(db, busy_until, &until);
	rc = sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	sqlite3_busy_handler(db, busy_wait, NULL);
	return rc;
}

/* exec, waiting while another program holds a lock that SQLite does not
 * wait for itself: switching to WAL needs the file alone for a moment,
 * which kiosks starting together on a new file each want. */
static int
exec_waiting(sqlite3 *db, const char *sql)
{
	int rc;

	for (int n = 0; ((rc = store_exec(db, sql)) & 0xff) == SQLITE_BUSY && busy_wait(NULL, n); n++)
		;
	return rc;
}

/* Whether beside path there is a non-empty file path+ext. */
static bool
side_file_used(const char *path, const char *ext)
{
	char *p = xasprintf("%s%s", path, ext);
	struct stat st;
	bool used = lstat(p, &st) == 0 && (!S_ISREG(st.st_mode) || st.st_size > 0);

	free(p);
	return used;
}

static bool
side_file_exists(const char *path, const char *ext)
{
	char *p = xasprintf("%s%s", path, ext);
	struct stat st;
	bool exists = lstat(p, &st) == 0;

	free(p);
	return exists;
}

static unsigned long
be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

/* Read the header of an existing file ourselves, before SQLite opens it:
 * SQLite would recover another program's -wal or -journal into it on the
 * first read, and checkpoint it on close. Ours is a SQLite file with our
 * application_id; new is an empty file, or an empty SQLite database that
 * never had a table, with no -wal beside it. */
static enum store_rc
check_header(const char *path, unsigned long *version, off_t *size, char **detail)
{
	unsigned char h[100];
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		return STORE_OK;
	if (fd < 0) {
		*detail = xstrdup(strerror(errno));
		return errno == ELOOP ? STORE_NOTOURS : STORE_READONLY;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		*detail = xstrdup(_("not a regular file"));
		return STORE_NOTOURS;
	}
	*size = st.st_size;
	n = st.st_size == 0 ? 0 : pread(fd, h, sizeof h, 0);
	close(fd);
	if (st.st_size == 0 && !side_file_used(path, "-wal"))
		return STORE_OK;
	if (n != (ssize_t)sizeof h || memcmp(h, "SQLite format 3", 16) != 0) {
		*detail = xstrdup(_("not a SQLite database"));
		return STORE_NOTOURS;
	}
	/* Offsets 68, 60 and 40: application_id, user_version, schema cookie.
	 * Ours, the file and a page 1 in its -wal both: SQLite reads the
	 * latter, so another program's -wal beside our file is refused
	 * before SQLite makes a -shm for it. */
	*version = be32(h + 60);
	if (be32(h + 68) == STORE_APP_ID && store_wal_page1(path, h)) {
		*version = be32(h + 60);
		if (be32(h + 68) != STORE_APP_ID) {
			*detail = xstrdup(_("another program's database"));
			return STORE_NOTOURS;
		}
	}
	if (be32(h + 68) == STORE_APP_ID)
		return *version > STORE_SCHEMA ? STORE_NEWER : STORE_OK;
	if (be32(h + 68) == 0 && be32(h + 60) == 0 && be32(h + 40) == 0 &&
	    !side_file_used(path, "-wal") && !side_file_used(path, "-journal"))
		return STORE_OK;
	*detail = xstrdup(_("another program's database"));
	return STORE_NOTOURS;
}

/* The errno of opening path, its -wal or its -shm for writing (nothing
 * is written): EROFS, EPERM (immutable), EACCES, or 0; *which (may be
 * NULL) is the file's ending. access() does not see a file system that
 * the kernel made read-only after an error; open() does. Only with no
 * SQLite connection to path open in this process: a close() drops every
 * lock the process holds on the file. */
static int
write_errno(const char *path, const char **which)
{
	static const char *const ext[] = { "", "-wal", "-shm" };
	struct statvfs vfs;
	int err = 0, fd;

	for (size_t i = 0; err == 0 && i < sizeof ext / sizeof ext[0]; i++) {
		char *p = xasprintf("%s%s", path, ext[i]);

		if (i == 0 && statvfs(p, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
			err = EROFS;
		else if ((fd = open(p, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) >= 0)
			close(fd);
		else if (errno != ENOENT)
			err = errno;
		if (err != 0 && which != NULL)
			*which = ext[i];
		free(p);
	}
	return err;
}

/* rc made precise: why path cannot be written, from err (the errno the
 * system gave SQLite, or 0) and from the files themselves (see
 * write_errno for when this may be called). */
enum store_rc
store_diagnose(const char *path, enum store_rc rc, int err)
{
	int now;

	if (rc != STORE_READONLY && rc != STORE_IOERR && rc != STORE_FULL && rc != STORE_ERROR)
		return rc;
	now = write_errno(path, NULL);
	if (err == EROFS || now == EROFS)
		return STORE_ROFS;
	if (err == EPERM || now == EPERM)
		return STORE_IMMUTABLE;
	if (err == ENOSPC || err == EDQUOT)
		return STORE_FULL;
	if (err == EIO)
		return STORE_IOERR;
	return rc;
}

/* Open a connection to path for reading and writing, with the settings
 * every connection has; none of them writes to the file. NULL only when
 * SQLite has no memory; *rc is SQLite's result. */
sqlite3 *
store_connect(const char *path, int *rc)
{
	sqlite3 *db = NULL;

	*rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL);
	if (db == NULL)
		return NULL;
	sqlite3_extended_result_codes(db, 1);
	sqlite3_create_function(db, "fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
	    NULL, sql_fold, NULL, NULL);
	store_search_functions(db);
	store_audit_functions(db);
	sqlite3_busy_handler(db, busy_wait, NULL);
	/* No memory map of the database file: a disk error there would be a
	 * SIGBUS instead of an error code. */
	if (*rc == SQLITE_OK)
		*rc = store_exec(db, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
		    " PRAGMA secure_delete = ON; PRAGMA mmap_size = 0;");
	return db;
}

/* PRAGMA quick_check: every page readable and every b-tree sound (without
 * comparing indexes to tables, which would read the file many times). */
enum store_rc
store_quick_check(sqlite3 *db, char **detail, int *err)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &st, NULL);
	const char *result;

	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		result = (const char *)sqlite3_column_text(st, 0);
		if (!str_eq(result, "ok")) {
			*detail = xasprintf("quick_check: %s", result ? result : "?");
			sqlite3_finalize(st);
			return STORE_DAMAGED;
		}
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_OK)
		*detail = xstrdup(sqlite3_errmsg(db));
	sqlite3_finalize(st);
	/* The header said ours, so a file SQLite cannot read is damaged. */
	if ((rc & 0xff) == SQLITE_NOTADB)
		return STORE_DAMAGED;
	*err = sqlite3_system_errno(db);
	return store_rc_of(rc);
}

/*
** SQLite's memory, wiped when it is given back: its page cache, records
** and bound values hold answers. Each block starts with its size.
*/
#define MEM_HEAD 16 /* keeps the 16-byte alignment of malloc */

static void *
mem_malloc(int n)
{
	size_t *p = malloc((size_t)n + MEM_HEAD);

	if (p == NULL)
		return NULL;
	*p = (size_t)n;
	return (char *)p + MEM_HEAD;
}

static int
mem_size(void *p)
{
	return p == NULL ? 0 : (int)*(size_t *)(void *)((char *)p - MEM_HEAD);
}

static void
mem_free(void *p)
{
	if (p != NULL) {
		char *head = (char *)p - MEM_HEAD;

		explicit_bzero(head, (size_t)mem_size(p) + MEM_HEAD);
		free(head);
	}
}

static void *
mem_realloc(void *p, int n)
{
	void *q = mem_malloc(n);

	if (q != NULL && p != NULL) {
		memcpy(q, p, (size_t)(mem_size(p) < n ? mem_size(p) : n));
		mem_free(p);
	}
	return q;
}

static int
mem_roundup(int n)
{
	return (n + 7) & ~7;
}

static int
mem_init(void *ignored)
{
	(void)ignored;
	return SQLITE_OK;
}

static void
mem_shutdown(void *ignored)
{
	(void)ignored;
}

/* ICU's memory too: the search keys (store_search.c) pass names through
 * it. Plain malloc blocks, wiped as wipe_free does, so that blocks ICU
 * took before these were set are given back right. */
static void *U_CALLCONV
icu_malloc(const void *ctx, size_t n)
{
	(void)ctx;
	return malloc(n);
}

static void *U_CALLCONV
icu_realloc(const void *ctx, void *p, size_t n)
{
	void *q = malloc(n);

	(void)ctx;
	if (q != NULL && p != NULL) {
		size_t had = malloc_usable_size(p);

		memcpy(q, p, had < n ? had : n);
		wipe_free(p);
	}
	return q;
}

static void U_CALLCONV
icu_free(const void *ctx, void *p)
{
	(void)ctx;
	wipe_free(p);
}

/* Before SQLite's first use: the wiping allocator, and no memory that
 * SQLite keeps for reuse without freeing it (lookaside slots, the bulk of
 * page-cache pages), so that releasing memory wipes every copy. */
void
store_memory_setup(void)
{
	static const sqlite3_mem_methods wiping = {
		mem_malloc, mem_free, mem_realloc, mem_size, mem_roundup, mem_init, mem_shutdown, NULL,
	};
	static bool done;
	UErrorCode icu_err = U_ZERO_ERROR;

	if (done)
		return;
	done = true;
	sqlite3_config(SQLITE_CONFIG_MALLOC, &wiping);
	sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0);
	sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
	u_setMemoryFunctions(NULL, icu_malloc, icu_realloc, icu_free, &icu_err);
}

/* Give back (and so wipe) the cached pages that held answers. */
void
store_forget_pages(sqlite3 *db)
{
	sqlite3_db_release_memory(db);
}

struct store *
store_open(const char *path, mode_t mode, gid_t gid, enum store_check check, enum store_rc *rc, char **detail)
{
	struct store *s;
	sqlite3 *db = NULL;
	unsigned long version = 0;
	bool fresh, check_now, check_later;
	off_t size = 0;
	int r, err = 0;
	const char *which = "";

	*detail = NULL;
	if ((*rc = check_header(path, &version, &size, detail)) != STORE_OK)
		return NULL;
	check_later = check == STORE_CHECK_BACKGROUND && size > STORE_CHECK_INLINE_BYTES && version == STORE_SCHEMA;
	check_now = version != STORE_SCHEMA || (check != STORE_CHECK_SKIP && !check_later);
	fresh = !side_file_exists(path, "-wal") && !side_file_exists(path, "-shm");
	/* A file that cannot be written (its mode, chattr +i, a read-only
	 * disk), a folder SQLite cannot make its -wal and -shm in, a full
	 * disk: refused before any connection (see write_errno), which would
	 * make a -wal and -shm, and would open a file it cannot write for
	 * reading without a word. */
	if ((err = write_errno(path, &which)) != 0) {
		*rc = store_diagnose(path, STORE_READONLY, err);
		*detail = xasprintf("%s%s: %s", strrchr(path, '/') ? strrchr(path, '/') + 1 : path, which,
		    strerror(err));
		return NULL;
	}
	if ((*rc = store_files_check(path, detail)) != STORE_OK)
		return NULL;
	store_memory_setup();
	if (create_file(path, mode, gid) != 0) {
		err = errno;
		*rc = store_diagnose(path, err == ENOSPC ? STORE_FULL : STORE_READONLY, err);
		*detail = xstrdup(strerror(err));
		return NULL;
	}
	err = 0;
	db = store_connect(path, &r);
	if (db == NULL) {
		*rc = STORE_ERROR;
		*detail = xstrdup(sqlite3_errstr(r));
		return NULL;
	}
	/* Until the file is known to be ours and sound, closing must not
	 * checkpoint a WAL into it. */
	sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	if (r != SQLITE_OK) {
		*rc = store_rc_of(r);
		err = sqlite3_system_errno(db);
		*detail = xstrdup(sqlite3_errmsg(db));
	} else if (sqlite3_db_readonly(db, "main") == 1) {
		/* SQLite opens a file it cannot write read-only without a word;
		 * the kiosk must know before a caregiver fills in the form. */
		*rc = STORE_READONLY;
		*detail = xstrdup(_("it can be opened for reading only"));
	} else if (!check_now || (*rc = store_quick_check(db, detail, &err)) == STORE_OK) {
		*rc = migrate(db, detail);
		err = sqlite3_system_errno(db);
	}
	if (*rc == STORE_OK) {
		r = exec_waiting(db, "PRAGMA journal_mode = WAL");
		/* After a migration, bring the new user_version from the WAL into
		 * the file's header: an older zorgkiosk reads it there, and then
		 * refuses the file without opening it. */
		if (r == SQLITE_OK && version < STORE_SCHEMA)
			store_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
		if (r != SQLITE_OK) {
			*rc = store_rc_of(r);
			err = sqlite3_system_errno(db);
			*detail = xstrdup(sqlite3_errmsg(db));
		}
	}
	if (*rc != STORE_OK) {
		/* The -wal and -shm SQLite made for reading go again (an empty
		 * WAL checkpoints nothing); ones that were there stay as found. */
		if (fresh)
			sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, NULL);
		sqlite3_close(db);
		/* Closed first: see write_errno. */
		*rc = store_diagnose(path, *rc, err);
		return NULL;
	}
	sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, NULL);
	store_files_own(path, gid);
	s = xcalloc(1, sizeof *s);
	s->db = db;
	s->path = xstrdup(path);
	s->writer_fd = -1;
	s->check_due = check_later;
	return s;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	/* The writer first: closing the last connection checkpoints. */
	store_writer_stop(s);
	sqlite3_close(s->db);
	free(s->path);
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
store_draft_save(struct store *s, const char *login, const struct intake *in, lang_id ui)
{
	sqlite3_stmt *st = NULL;
	int rc = store_exec(s->db, "BEGIN IMMEDIATE");

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
		rc = store_exec(s->db, "COMMIT");
	if (rc != SQLITE_OK)
		store_exec(s->db, "ROLLBACK");
	store_forget_pages(s->db);
	return store_rc_of(rc);
}

bool
store_draft_take(struct store *s, const char *login, const struct forms *f, struct intake *in, lang_id *ui)
{
	sqlite3_stmt *st;
	bool found = false;
	sqlite3_int64 cutoff = (sqlite3_int64)time(NULL) - STORE_DRAFT_SECONDS;

	if (store_exec(s->db, "BEGIN IMMEDIATE") != SQLITE_OK)
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
	store_exec(s->db, "COMMIT");
	store_forget_pages(s->db);
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
	case STORE_DAMAGED:
		return _("The database is damaged, so nothing can be stored. It has not been changed. Please tell a staff member: it must be restored from a backup.");
	case STORE_ROFS:
		return _("The disk that holds the database is read-only, so nothing was stored. Your answers are still here. Please tell a staff member.");
	case STORE_IMMUTABLE:
		return _("The database is locked against every change (immutable), so nothing was stored. Your answers are still here. Please tell a staff member.");
	case STORE_IOERR:
		return _("The disk reported an error while storing, so nothing was stored. Your answers are still here. Please tell a staff member.");
	case STORE_ERROR:
		break;
	}
	return _("Something went wrong while storing, so nothing was stored. Your answers are still here: please try again.");
}
