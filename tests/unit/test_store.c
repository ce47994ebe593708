/* test_store.c: the intake database (store.c): creating it, what it looks
 * like to SQLite, storing intakes with their references (never one twice),
 * and refusing files that are not ours, newer, damaged, or cannot be
 * written, without changing a byte of them; disk faults on sending. */
#include "unit.h"

#include <linux/fs.h>
#include <sqlite3.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "i18n.h"
#include "intake.h"
#include "store.h"
#include "store_int.h"

/* Dutch and English: the first two languages of every table. */
enum { L_NL, L_EN };

/* The fields of data/valid/intake.conf, by index. */
enum {
	F_NAME, F_PHONE, F_EMAIL, F_MOMENT, F_SITUATION, F_OPTIONS,
	F_CONTACT_LANG, F_LETTER, F_CONSENT, F_COUNT
};

#define STORE_APP_ID 0x5A4B494F /* "ZKIO", as in store.c */

static struct forms *forms;

struct fixture {
	char *dir, *db; /* a fresh folder, and dir/zk.db (not created) */
};

static int
group_setup(void **state)
{
	(void)state;
	forms = unit_load_valid();
	return forms->nfields == F_COUNT ? 0 : -1;
}

static int
group_teardown(void **state)
{
	(void)state;
	forms_free(forms);
	return 0;
}

static int
setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof *fx);

	fx->dir = unit_tmpdir();
	fx->db = xasprintf("%s/zk.db", fx->dir);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	unit_rmtree(fx->dir);
	free(fx->dir);
	free(fx->db);
	free(fx);
	return 0;
}

/* ------------------------------------------------------------ helpers */

/* Open path with SQLite itself, as another program would. */
static sqlite3 *
raw_open(const char *path, bool create)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0),
	    NULL) != SQLITE_OK) {
		print_error("sqlite3_open_v2(%s): %s\n", path, db ? sqlite3_errmsg(db) : "?");
		sqlite3_close(db);
		fail();
	}
	return db;
}

/* Run sql on path; create: make the file when it does not exist. */
static void
raw_exec(const char *path, const char *sql, bool create)
{
	sqlite3 *db = raw_open(path, create);
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		print_error("%s: %s\n", sql, err);
		sqlite3_free(err);
		sqlite3_close(db);
		fail();
	}
	sqlite3_close(db);
}

/* The first column of the first row of sql as text ("" when there is no
 * row, "NULL" for NULL). ?1 is bound to arg when arg is not NULL. Caller frees. */
static char *
raw_text(const char *path, const char *sql, const char *arg)
{
	sqlite3 *db = raw_open(path, false);
	sqlite3_stmt *st = NULL;
	char *out;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		print_error("%s: %s\n", sql, sqlite3_errmsg(db));
		sqlite3_close(db);
		fail();
	}
	if (arg != NULL)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		out = xstrdup(sqlite3_column_type(st, 0) == SQLITE_NULL ? "NULL"
		    : (const char *)sqlite3_column_text(st, 0));
	else
		out = xstrdup("");
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

static long long
raw_int(const char *path, const char *sql, const char *arg)
{
	char *s = raw_text(path, sql, arg);
	long long v = strtoll(s, NULL, 10);

	free(s);
	return v;
}

/* The answer to field of the intake with reference ref ("" when none). */
static char *
answer_of(const char *path, const char *ref, const char *fieldid)
{
	char *sql = xasprintf("SELECT a.value FROM answer a JOIN intake i ON i.id = a.intake_id"
	    " WHERE i.ref = ?1 AND a.field = '%s'", fieldid);
	char *v = raw_text(path, sql, ref);

	free(sql);
	return v;
}

static void
expect_answer(const char *path, const char *ref, const char *fieldid, const char *want)
{
	char *got = answer_of(path, ref, fieldid);
	bool same = str_eq(got, want);

	if (!same)
		print_error("%s, field %s: stored \"%s\", want \"%s\"\n", ref, fieldid, got, want);
	free(got);
	if (!same)
		fail();
}

static struct store *
open_ok(const char *path, mode_t mode, gid_t gid)
{
	enum store_rc rc = STORE_ERROR;
	char *detail = NULL;
	struct store *s = store_open(path, mode, gid, STORE_CHECK_NOW, &rc, &detail);

	if (s == NULL || rc != STORE_OK) {
		print_error("store_open(%s): rc %d, %s\n", path, (int)rc, detail ? detail : "(no detail)");
		free(detail);
		store_close(s);
		fail();
	}
	assert_null(detail);
	return s;
}

/* How store_open(path) ends (STORE_OK when it opened; the store is closed
 * again). Frees everything, so a failing assertion after it leaks nothing. */
static enum store_rc
open_rc(const char *path)
{
	enum store_rc rc = STORE_ERROR;
	char *detail = NULL;
	struct store *s = store_open(path, 0600, (gid_t)-1, STORE_CHECK_NOW, &rc, &detail);

	if (s != NULL && rc != STORE_OK)
		print_error("store_open(%s) returned a store with rc %d\n", path, (int)rc);
	if (s == NULL && rc == STORE_OK)
		print_error("store_open(%s) returned NULL with STORE_OK\n", path);
	if (s == NULL && rc == STORE_OK)
		rc = STORE_ERROR;
	store_close(s);
	free(detail);
	return rc;
}

static const char *
rc_name(enum store_rc rc)
{
	static const char *const names[] = {
		"STORE_OK", "STORE_BUSY", "STORE_FULL", "STORE_READONLY", "STORE_NOTOURS",
		"STORE_NEWER", "STORE_CONFLICT", "STORE_NOTFOUND", "STORE_DAMAGED", "STORE_ROFS",
		"STORE_IMMUTABLE", "STORE_IOERR", "STORE_ERROR",
	};

	return (size_t)rc < UNIT_LEN(names) ? names[rc] : "?";
}

#define assert_rc(got, want) do { \
	enum store_rc got_ = (got), want_ = (want); \
	if (got_ != want_) \
		fail_msg("store_open: %s, want %s", rc_name(got_), rc_name(want_)); \
} while (0)

/* A filled-in form that passes the checks. */
static void
fill(struct intake *in, const char *name, const char *phone)
{
	intake_init(in, forms, "alpha,help", L_NL);
	intake_set(in, F_NAME, name);
	intake_set(in, F_PHONE, phone);
	intake_set(in, F_MOMENT, "evening");
	intake_set(in, F_CONSENT, "yes");
}

static void
submit_ok(struct store *s, const char *name, const char *phone, lang_id ui, int year, const char *want)
{
	struct intake in;
	enum verr errs[F_COUNT];
	char ref[32] = "unset";
	enum store_rc rc;

	fill(&in, name, phone);
	assert_int_equal(intake_check(&in, errs), 0);
	rc = store_submit(s, &in, ui, year, ref);
	intake_clear(&in);
	assert_int_equal(rc, STORE_OK);
	assert_string_equal(ref, want);
}

/* Whether SQLite left a journal or WAL beside path. */
static bool
has_side_files(const char *path)
{
	static const char *const ext[] = { "-wal", "-shm", "-journal" };
	bool any = false;

	for (size_t i = 0; i < UNIT_LEN(ext); i++) {
		char *p = xasprintf("%s%s", path, ext[i]);

		any = any || unit_exists(p);
		free(p);
	}
	return any;
}

/* ------------------------------------------------------------ creating */

static void
test_create_mode(void **state)
{
	struct fixture *fx = *state;
	char *sub = xasprintf("%s/sub", fx->dir), *path = xasprintf("%s/sub/zk.db", fx->dir);
	mode_t old = umask(022);
	struct stat st;
	struct store *s;

	/* The folder does not exist yet: it is made, private. */
	s = open_ok(path, 0600, (gid_t)-1);
	umask(old);
	store_close(s);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(sub, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0077, 0); /* nobody else gets in */
	free(sub);
	free(path);
}

/* The umask does not take bits away from the mode asked for. */
static void
test_create_mode_umask(void **state)
{
	struct fixture *fx = *state;
	mode_t old = umask(077);
	struct stat st;
	struct store *s = open_ok(fx->db, 0640, (gid_t)-1);

	umask(old);
	store_close(s);
	assert_int_equal(stat(fx->db, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
}

/* With a group (--group), the folder made for the database must let the
 * group reach the file: group r-x, and the folder belongs to the group. */
static void
test_create_group_folder(void **state)
{
	struct fixture *fx = *state;
	char *sub = xasprintf("%s/shared", fx->dir), *path = xasprintf("%s/shared/zk.db", fx->dir);
	gid_t gid = geteuid() == 0 ? (gid_t)65534 : getegid();
	mode_t old = umask(077);
	struct stat st, dst;
	struct store *s = open_ok(path, 0660, gid);

	umask(old);
	store_close(s);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0660);
	assert_int_equal(st.st_gid, gid);
	assert_int_equal(stat(sub, &dst), 0);
	free(sub);
	free(path);
	if ((dst.st_mode & 0050) != 0050 || dst.st_gid != gid)
		fail_msg("folder made for a group database: mode %04o group %u, want group r-x "
		    "(e.g. 0750) and group %u", (unsigned)(dst.st_mode & 07777), (unsigned)dst.st_gid,
		    (unsigned)gid);
}

static void
test_pragmas(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_ok(fx->db, 0600, (gid_t)-1);
	char *jm, *tables;

	store_close(s);
	assert_int_equal(raw_int(fx->db, "PRAGMA user_version", NULL), STORE_SCHEMA);
	assert_int_equal(raw_int(fx->db, "PRAGMA application_id", NULL), STORE_APP_ID);
	jm = raw_text(fx->db, "PRAGMA journal_mode", NULL);
	assert_string_equal(jm, "wal");
	free(jm);
	tables = raw_text(fx->db, "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema"
	    " WHERE type = 'table' AND name IN ('intake', 'answer') ORDER BY name)", NULL);
	assert_string_equal(tables, "answer,intake");
	free(tables);
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM intake", NULL), 0);
}

/* ------------------------------------------------------------ storing */

static void
test_submit(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_ok(fx->db, 0600, (gid_t)-1);
	char *created, *v;

	submit_ok(s, "Zoë de Wit", "06-12 34 56 78", L_NL, 2026, "MZ-2026-0001");
	submit_ok(s, "Jan Jansen", "+31 (0)6 12345678", L_EN, 2026, "MZ-2026-0002");
	submit_ok(s, "Anaïs", "070 1234567", L_NL, 2027, "MZ-2027-0001"); /* a new year */
	submit_ok(s, "Piet", "0031612345678", L_NL, 2026, "MZ-2026-0003");
	store_close(s);

	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM intake", NULL), 4);

	/* The answers, with the phone number normalised. */
	expect_answer(fx->db, "MZ-2026-0001", "name", "Zoë de Wit");
	expect_answer(fx->db, "MZ-2026-0001", "phone", "0612345678");
	expect_answer(fx->db, "MZ-2026-0001", "moment", "evening");
	expect_answer(fx->db, "MZ-2026-0001", "options", "alpha,help");
	expect_answer(fx->db, "MZ-2026-0001", "contact_lang", "nl");
	expect_answer(fx->db, "MZ-2026-0001", "letter", "no");
	expect_answer(fx->db, "MZ-2026-0001", "consent", "yes");
	expect_answer(fx->db, "MZ-2026-0002", "phone", "+31612345678");
	expect_answer(fx->db, "MZ-2026-0002", "name", "Jan Jansen");
	expect_answer(fx->db, "MZ-2027-0001", "phone", "0701234567");
	expect_answer(fx->db, "MZ-2026-0003", "phone", "+31612345678");

	/* Empty answers (email, situation) are not stored at all. */
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM answer a JOIN intake i ON i.id = a.intake_id"
	    " WHERE i.ref = ?1", "MZ-2026-0001"), 7);
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM answer WHERE field IN ('email', 'situation')"
	    " OR value = ''", NULL), 0);

	/* The intake row itself. */
	assert_int_equal(raw_int(fx->db, "SELECT year FROM intake WHERE ref = ?1", "MZ-2027-0001"), 2027);
	assert_int_equal(raw_int(fx->db, "SELECT seq FROM intake WHERE ref = ?1", "MZ-2026-0003"), 3);
	assert_int_equal(raw_int(fx->db, "SELECT form_version FROM intake WHERE ref = ?1", "MZ-2026-0001"), 3);
	v = raw_text(fx->db, "SELECT ui_lang FROM intake WHERE ref = ?1", "MZ-2026-0001");
	assert_string_equal(v, "nl");
	free(v);
	v = raw_text(fx->db, "SELECT ui_lang FROM intake WHERE ref = ?1", "MZ-2026-0002");
	assert_string_equal(v, "en");
	free(v);
	v = raw_text(fx->db, "SELECT status FROM intake WHERE ref = ?1", "MZ-2026-0002");
	assert_string_equal(v, "new");
	free(v);
	created = raw_text(fx->db, "SELECT created_at FROM intake WHERE ref = ?1", "MZ-2026-0001");
	assert_int_equal(strlen(created), 20); /* YYYY-MM-DDTHH:MM:SSZ */
	assert_int_equal(created[4], '-');
	assert_int_equal(created[10], 'T');
	assert_int_equal(created[19], 'Z');
	free(created);
}

static void
test_reopen(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_ok(fx->db, 0600, (gid_t)-1);
	char *schema, *schema2;

	submit_ok(s, "Zoë", "0612345678", L_NL, 2026, "MZ-2026-0001");
	submit_ok(s, "Jan", "0612345678", L_NL, 2026, "MZ-2026-0002");
	store_close(s);
	schema = raw_text(fx->db, "SELECT group_concat(sql, ';') FROM sqlite_schema", NULL);

	s = open_ok(fx->db, 0600, (gid_t)-1);
	/* Nothing migrated again, nothing lost. */
	schema2 = raw_text(fx->db, "SELECT group_concat(sql, ';') FROM sqlite_schema", NULL);
	assert_string_equal(schema, schema2);
	assert_int_equal(raw_int(fx->db, "PRAGMA user_version", NULL), STORE_SCHEMA);
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM intake", NULL), 2);
	submit_ok(s, "Piet", "0612345678", L_NL, 2026, "MZ-2026-0003");
	store_close(s);
	expect_answer(fx->db, "MZ-2026-0001", "name", "Zoë");
	expect_answer(fx->db, "MZ-2026-0003", "name", "Piet");
	free(schema);
	free(schema2);
}

/* ------------------------------------------------------------ refusing */

/* Whether path still holds exactly before (len bytes), with no journal or
 * WAL left beside it. */
static bool
untouched(const char *path, const char *before, size_t len)
{
	size_t n = 0;
	char *after = unit_read(path, &n);
	bool same = after != NULL && n == len && memcmp(after, before, len) == 0;

	if (!same)
		print_error("%s was changed (%zu bytes before, %zu after)\n", path, len, n);
	if (has_side_files(path)) {
		print_error("%s has a journal or WAL file beside it now\n", path);
		same = false;
	}
	free(after);
	return same;
}

static void
test_not_a_database(void **state)
{
	struct fixture *fx = *state;
	static const char *const texts[] = {
		"hello\n",
		"This is a shopping list, not a database.\n"
		"- bread\n- milk\n- cheese\n",
	};

	enum store_rc rc;
	bool same;

	for (size_t i = 0; i < UNIT_LEN(texts); i++) {
		/* Also a longer text: SQLite reads the whole first page. */
		size_t len = i == 0 ? strlen(texts[i]) : 8192;
		char *text = xmalloc(len + 1);

		for (size_t k = 0; k < len; k += strlen(texts[i]))
			memcpy(text + k, texts[i], len - k < strlen(texts[i]) ? len - k : strlen(texts[i]));
		unit_write(fx->db, text, len);
		rc = open_rc(fx->db);
		same = untouched(fx->db, text, len);
		free(text);
		assert_rc(rc, STORE_NOTOURS);
		assert_true(same);
	}
}

static void
test_foreign_database(void **state)
{
	struct fixture *fx = *state;
	enum store_rc rc;
	size_t len;
	char *before;
	bool same;

	/* Another program's database, with its own table. */
	raw_exec(fx->db, "CREATE TABLE recipe (name TEXT, minutes INTEGER);"
	    "INSERT INTO recipe VALUES ('stamppot', 45);", true);
	before = unit_read(fx->db, &len);
	rc = open_rc(fx->db);
	same = untouched(fx->db, before, len);
	free(before);
	assert_rc(rc, STORE_NOTOURS);
	assert_true(same);
	assert_int_equal(raw_int(fx->db, "SELECT minutes FROM recipe", NULL), 45);
	assert_int_equal(raw_int(fx->db, "PRAGMA user_version", NULL), 0);

	/* One with only a user_version of its own. */
	unlink(fx->db);
	raw_exec(fx->db, "PRAGMA user_version = 1; CREATE TABLE t (x); DROP TABLE t;", true);
	before = unit_read(fx->db, &len);
	rc = open_rc(fx->db);
	same = untouched(fx->db, before, len);
	free(before);
	assert_rc(rc, STORE_NOTOURS);
	assert_true(same);
}

static void
test_newer(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_ok(fx->db, 0600, (gid_t)-1);
	char sql[64], *before;
	enum store_rc rc;
	size_t len;
	bool same;

	submit_ok(s, "Zoë", "0612345678", L_NL, 2026, "MZ-2026-0001");
	store_close(s);
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", STORE_SCHEMA + 1);
	raw_exec(fx->db, sql, false);
	before = unit_read(fx->db, &len);
	rc = open_rc(fx->db);
	same = untouched(fx->db, before, len);
	free(before);
	assert_rc(rc, STORE_NEWER);
	assert_true(same);
	assert_int_equal(raw_int(fx->db, "PRAGMA user_version", NULL), STORE_SCHEMA + 1);
}

/* ------------------------------------------------------------ failing writes */

/* Run store_submit in a child process, so that a crash cannot take the
 * other tests with it. Returns its store_rc, or -1 when the child died
 * (the sanitizer report is on stderr). The child also checks that ref is
 * left alone when the submit fails. */
static int
submit_in_child(const char *path)
{
	int status = 0;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		enum store_rc rc;
		char *detail = NULL, ref[32] = "unset";
		struct store *s = store_open(path, 0600, (gid_t)-1, STORE_CHECK_NOW, &rc, &detail);
		struct intake in;

		if (s == NULL)
			_exit(90);
		fill(&in, "Zoë", "0612345678");
		rc = store_submit(s, &in, L_NL, 2026, ref);
		intake_clear(&in);
		store_close(s);
		free(detail);
		_exit(rc != STORE_OK && strcmp(ref, "unset") != 0 ? 91 : 100 + (int)rc);
	}
	if (waitpid(pid, &status, 0) != pid)
		fail_msg("waitpid: %s", strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) >= 100)
		return WEXITSTATUS(status) - 100;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 90)
		fail_msg("store_open failed in the child");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 91)
		fail_msg("store_submit failed but wrote a reference");
	print_error("store_submit crashed: %s %d (see the report above)\n",
	    WIFSIGNALED(status) ? "signal" : "exit status",
	    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	return -1;
}

/* The intake row cannot be written (as when the disk is full or the file
 * read-only; here a trigger refuses it): STORE_ERROR, nothing stored, no
 * crash, and the database works again afterwards. */
static void
test_submit_fails_on_intake(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_ok(fx->db, 0600, (gid_t)-1);
	int rc;

	store_close(s);
	raw_exec(fx->db, "CREATE TRIGGER refuse BEFORE INSERT ON intake"
	    " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;", false);
	rc = submit_in_child(fx->db);
	if (rc != STORE_ERROR)
		fail_msg("store_submit: %s, want STORE_ERROR", rc < 0 ? "crashed" : rc_name((enum store_rc)rc));
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM intake", NULL), 0);
	raw_exec(fx->db, "DROP TRIGGER refuse", false);
	s = open_ok(fx->db, 0600, (gid_t)-1);
	submit_ok(s, "Zoë", "0612345678", L_NL, 2026, "MZ-2026-0001");
	store_close(s);
}

/* One answer cannot be written: the whole intake is rolled back. */
static void
test_submit_fails_on_answer(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_ok(fx->db, 0600, (gid_t)-1);
	int rc;

	submit_ok(s, "Jan", "0612345678", L_NL, 2026, "MZ-2026-0001");
	store_close(s);
	raw_exec(fx->db, "CREATE TRIGGER refuse BEFORE INSERT ON answer WHEN NEW.field = 'moment'"
	    " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;", false);
	rc = submit_in_child(fx->db);
	if (rc != STORE_ERROR)
		fail_msg("store_submit: %s, want STORE_ERROR", rc < 0 ? "crashed" : rc_name((enum store_rc)rc));
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM intake", NULL), 1);
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM answer a JOIN intake i ON i.id = a.intake_id"
	    " WHERE i.ref <> 'MZ-2026-0001'", NULL), 0);
}

/* chmod does not stop root: these cases cannot be shown as root. */
static bool
skip_as_root(void)
{
	if (geteuid() != 0)
		return false;
	print_message("skipped: running as root, where chmod does not stop writes\n");
	return true;
}

/* A folder that cannot be written: the file cannot be made. */
static void
test_readonly_folder_new(void **state)
{
	struct fixture *fx = *state;
	char path[4096];
	enum store_rc rc;

	if (skip_as_root())
		skip();
	snprintf(path, sizeof path, "%s/ro", fx->dir);
	assert_int_equal(mkdir(path, 0500), 0);
	snprintf(path, sizeof path, "%s/ro/zk.db", fx->dir);
	rc = open_rc(path);
	assert_rc(rc, STORE_READONLY);
	assert_false(unit_exists(path));
}

/* A database of ours that cannot be written: refused at once, not at the
 * first store_submit after a caregiver filled in the whole form. */
static void
test_readonly_file(void **state)
{
	struct fixture *fx = *state;
	struct store *s;
	enum store_rc rc;
	char *before;
	size_t len;
	bool same;

	if (skip_as_root())
		skip();
	s = open_ok(fx->db, 0600, (gid_t)-1);
	submit_ok(s, "Zoë", "0612345678", L_NL, 2026, "MZ-2026-0001");
	store_close(s);
	assert_int_equal(chmod(fx->db, 0400), 0);
	before = unit_read(fx->db, &len);
	rc = open_rc(fx->db);
	same = untouched(fx->db, before, len);
	free(before);
	assert_rc(rc, STORE_READONLY);
	assert_true(same);
}

/* A writable database in a folder that cannot be written: there is no
 * room for the WAL file. */
static void
test_readonly_folder_existing(void **state)
{
	struct fixture *fx = *state;
	struct store *s;
	enum store_rc rc;

	if (skip_as_root())
		skip();
	s = open_ok(fx->db, 0600, (gid_t)-1);
	store_close(s);
	assert_int_equal(chmod(fx->dir, 0500), 0);
	rc = open_rc(fx->db);
	chmod(fx->dir, 0700);
	assert_rc(rc, STORE_READONLY);
}

/* ------------------------------------------------------------ reference numbers */

/* Close every request and purge them all. */
static void
purge_all(struct store *s, const char *path)
{
	int count = -1, unreachable = -1;
	char *err = NULL;
	sqlite3 *db = raw_open(path, false);

	if (sqlite3_exec(db, "UPDATE intake SET status = 'closed'", NULL, NULL, &err) != SQLITE_OK)
		fail_msg("close: %s", err);
	sqlite3_close(db);
	assert_int_equal(store_purge(s, "2999-01-01", "0000-01-01", "tester", &count, &unreachable), STORE_OK);
	assert_true(count > 0);
}

/* A caregiver quoting an old number must never reach someone else's
 * request: after a purge, numbering goes on. */
static void
test_ref_not_reused_after_purge(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_ok(fx->db, 0600, (gid_t)-1);

	submit_ok(s, "Zoë", "0612345678", L_NL, 2026, "MZ-2026-0001");
	submit_ok(s, "Jan", "0612345678", L_NL, 2026, "MZ-2026-0002");
	submit_ok(s, "Piet", "0612345678", L_NL, 2027, "MZ-2027-0001");
	assert_int_equal(raw_int(fx->db, "SELECT count(DISTINCT id) FROM submit", NULL), 3);
	purge_all(s, fx->db);
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM intake", NULL), 0);
	/* The ids they were sent with go with them. */
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM submit", NULL), 0);
	submit_ok(s, "Anaïs", "0612345678", L_NL, 2026, "MZ-2026-0003");
	submit_ok(s, "Kees", "0612345678", L_NL, 2027, "MZ-2027-0002");
	store_close(s);
	/* Also across a restart. */
	s = open_ok(fx->db, 0600, (gid_t)-1);
	submit_ok(s, "Mila", "0612345678", L_NL, 2026, "MZ-2026-0004");
	store_close(s);
}

/* After MZ-2026-9999 the number grows a digit; none is given twice, also
 * when the newest request is purged. */
static void
test_ref_widens_past_9999(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_ok(fx->db, 0600, (gid_t)-1);

	store_close(s);
	raw_exec(fx->db, "INSERT INTO intake (ref, year, seq, created_at, ui_lang, form_version)"
	    " VALUES ('MZ-2026-9998', 2026, 9998, '2026-01-02T10:00:00Z', 'nl', 3)", false);
	s = open_ok(fx->db, 0600, (gid_t)-1);
	submit_ok(s, "Zoë", "0612345678", L_NL, 2026, "MZ-2026-9999");
	submit_ok(s, "Jan", "0612345678", L_NL, 2026, "MZ-2026-10000");
	purge_all(s, fx->db);
	submit_ok(s, "Piet", "0612345678", L_NL, 2026, "MZ-2026-10001");
	store_close(s);
	assert_int_equal(raw_int(fx->db, "SELECT seq FROM intake WHERE ref = ?1", "MZ-2026-10001"), 10001);
}

/* Schema 3 -> 4: numbering goes on from the highest number still stored,
 * or named in the audit trail (a request purged before the upgrade). */
static void
test_migrate_3_to_4(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_ok(fx->db, 0600, (gid_t)-1);

	store_close(s);
	/* What zorgkiosk with schema 3 left behind. */
	raw_exec(fx->db, "DROP TABLE IF EXISTS refseq; DROP TRIGGER IF EXISTS answer_search;"
	    " DROP TRIGGER IF EXISTS answer_unsearch; DROP TABLE IF EXISTS search;"
	    " DROP TABLE IF EXISTS search_text; DROP TABLE IF EXISTS search_field; PRAGMA user_version = 3;"
	    "INSERT INTO intake (ref, year, seq, created_at, ui_lang, form_version) VALUES"
	    " ('MZ-2025-0012', 2025, 12, '2025-05-01T10:00:00Z', 'nl', 3),"
	    " ('MZ-2026-0005', 2026, 5, '2026-01-02T10:00:00Z', 'nl', 3);"
	    "INSERT INTO audit (at, staff, action, ref) VALUES"
	    " ('2026-02-01T10:00:00Z', 'tester', 'view', 'MZ-2026-0009'),"
	    " ('2026-02-01T10:00:00Z', 'tester', 'view', 'not a reference');", false);
	s = open_ok(fx->db, 0600, (gid_t)-1);
	assert_int_equal(raw_int(fx->db, "PRAGMA user_version", NULL), STORE_SCHEMA);
	submit_ok(s, "Zoë", "0612345678", L_NL, 2026, "MZ-2026-0010");
	submit_ok(s, "Jan", "0612345678", L_NL, 2025, "MZ-2025-0013");
	submit_ok(s, "Piet", "0612345678", L_NL, 2027, "MZ-2027-0001");
	store_close(s);
	/* The file's own header has the new version (not only the WAL). */
	{
		size_t n;
		unsigned char *h = (unsigned char *)unit_read(fx->db, &n);

		assert_true(n >= 100);
		assert_int_equal(h[60] << 24 | h[61] << 16 | h[62] << 8 | h[63], STORE_SCHEMA);
		free(h);
	}
}

/* ------------------------------------------------------------ foreign files, byte for byte */

/* The database and its -wal and -shm, as bytes (NULL when missing). */
struct files {
	char *data[3];
	size_t len[3];
};

static const char *const side_ext[3] = { "", "-wal", "-shm" };

static void
files_read(const char *path, struct files *f)
{
	for (int i = 0; i < 3; i++) {
		char *p = xasprintf("%s%s", path, side_ext[i]);

		f->len[i] = 0;
		f->data[i] = unit_read(p, &f->len[i]);
		free(p);
	}
}

static void
files_free(struct files *f)
{
	for (int i = 0; i < 3; i++)
		free(f->data[i]);
}

/* Whether path, its -wal and its -shm are exactly as in before. */
static bool
files_same(const char *path, const struct files *before)
{
	struct files now;
	bool same = true;

	files_read(path, &now);
	for (int i = 0; i < 3; i++) {
		bool ok = (before->data[i] == NULL) == (now.data[i] == NULL) &&
		    before->len[i] == now.len[i] &&
		    (before->data[i] == NULL || memcmp(before->data[i], now.data[i], now.len[i]) == 0);

		if (!ok)
			print_error("%s%s was changed (%s, %zu bytes before; %s, %zu after)\n", path, side_ext[i],
			    before->data[i] ? "present" : "missing", before->len[i],
			    now.data[i] ? "present" : "missing", now.len[i]);
		same = same && ok;
	}
	files_free(&now);
	return same;
}

/* Run sql on path in WAL mode in another process that then dies without
 * closing, as a program that crashed: its -wal and -shm stay, not yet
 * checkpointed. */
static void
raw_leave_wal(const char *path, const char *sql)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		sqlite3 *db = NULL;

		if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
		    sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
			_exit(1);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void
expect_refused_unchanged(const char *path, enum store_rc want)
{
	struct files before;
	enum store_rc rc;
	bool same;

	files_read(path, &before);
	rc = open_rc(path);
	same = files_same(path, &before);
	files_free(&before);
	assert_rc(rc, want);
	assert_true(same);
}

/* Another program's database whose last transactions are still in its
 * -wal: SQLite would recover and checkpoint them into it. */
static void
test_foreign_with_pending_wal(void **state)
{
	struct fixture *fx = *state;
	char *wal = xasprintf("%s-wal", fx->db);

	raw_leave_wal(fx->db, "CREATE TABLE recipe (name TEXT); INSERT INTO recipe VALUES ('stamppot');"
	    "INSERT INTO recipe VALUES ('hutspot');");
	assert_true(unit_exists(wal));
	expect_refused_unchanged(fx->db, STORE_NOTOURS);
	free(wal);
}

/* Random bytes, a text, and a SQLite header without our application_id. */
static void
test_foreign_bytes(void **state)
{
	struct fixture *fx = *state;
	unsigned char buf[8192];
	unsigned seed = 7;

	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (unsigned char)((seed = seed * 1103515245 + 12345) >> 16);
	unit_write(fx->db, buf, sizeof buf);
	expect_refused_unchanged(fx->db, STORE_NOTOURS);
	memcpy(buf, "SQLite format 3", 16);
	unit_write(fx->db, buf, sizeof buf);
	expect_refused_unchanged(fx->db, STORE_NOTOURS);
	unit_write_str(fx->db, "SQLite format 3");
	expect_refused_unchanged(fx->db, STORE_NOTOURS);
}

/* An empty file is a new database (an administrator may make it first, to
 * set its owner and mode), unless another program's -wal lies beside it. */
static void
test_empty_file(void **state)
{
	struct fixture *fx = *state;
	char *other = xasprintf("%s/other.db", fx->dir), *other_wal = xasprintf("%s/other.db-wal", fx->dir);
	char *wal = xasprintf("%s-wal", fx->db);
	struct store *s;

	raw_leave_wal(other, "CREATE TABLE recipe (name TEXT); INSERT INTO recipe VALUES ('stamppot');");
	unit_write(fx->db, "", 0);
	unit_copy(other_wal, wal);
	expect_refused_unchanged(fx->db, STORE_NOTOURS);

	unlink(wal);
	unit_write(fx->db, "", 0);
	s = open_ok(fx->db, 0600, (gid_t)-1);
	submit_ok(s, "Zoë", "0612345678", L_NL, 2026, "MZ-2026-0001");
	store_close(s);
	assert_int_equal(raw_int(fx->db, "PRAGMA application_id", NULL), STORE_APP_ID);
	free(other);
	free(other_wal);
	free(wal);
}

/* A database of a newer zorgkiosk with transactions still in its -wal. */
static void
test_newer_with_pending_wal(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_ok(fx->db, 0600, (gid_t)-1);
	char sql[160];

	submit_ok(s, "Zoë", "0612345678", L_NL, 2026, "MZ-2026-0001");
	store_close(s);
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d; PRAGMA wal_checkpoint(TRUNCATE);"
	    " UPDATE intake SET status = 'contacted';", STORE_SCHEMA + 1);
	raw_leave_wal(fx->db, sql);
	expect_refused_unchanged(fx->db, STORE_NEWER);
}

/* ------------------------------------------------------------ damaged */

/* A page in the middle of the file overwritten: refused at open, before a
 * caregiver fills in the form, and left as it is. */
static void
test_damaged_refused_at_open(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_ok(fx->db, 0600, (gid_t)-1);
	char name[16], *data;
	long long pages, page;
	size_t len;
	char want[32];

	for (int i = 1; i <= 60; i++) {
		snprintf(name, sizeof name, "Zoë %c%c", 'A' + i % 26, 'a' + i / 26);
		snprintf(want, sizeof want, "MZ-2026-%04d", i);
		submit_ok(s, name, "0612345678", L_NL, 2026, want);
	}
	store_close(s);
	pages = raw_int(fx->db, "PRAGMA page_count", NULL);
	page = raw_int(fx->db, "SELECT rootpage FROM sqlite_schema WHERE name = 'answer'", NULL);
	assert_true(pages > 4 && page > 1);
	data = unit_read(fx->db, &len);
	assert_true(len == (size_t)pages * 4096);
	memset(data + (page - 1) * 4096 + 8, 0x5a, 64);
	unit_write(fx->db, data, len);
	free(data);
	expect_refused_unchanged(fx->db, STORE_DAMAGED);
}

/* ------------------------------------------------------------ disk faults */

/* A VFS over the default one whose writes and syncs fail, as a disk does,
 * while fault_errno is set: SQLite then sees that errno. */
static sqlite3_vfs *real_vfs;
static int fault_errno;

struct fault_file {
	sqlite3_file base;
	sqlite3_file *real;
};

static int
fault_close(sqlite3_file *f)
{
	struct fault_file *ff = (struct fault_file *)f;
	int rc = ff->real->pMethods ? ff->real->pMethods->xClose(ff->real) : SQLITE_OK;

	return rc;
}
#define REAL(f) (((struct fault_file *)(f))->real)
static int fault_read(sqlite3_file *f, void *b, int n, sqlite3_int64 o) { return REAL(f)->pMethods->xRead(REAL(f), b, n, o); }
static int
fault_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o)
{
	if (fault_errno != 0)
		return fault_errno == ENOSPC ? SQLITE_FULL : SQLITE_IOERR_WRITE;
	return REAL(f)->pMethods->xWrite(REAL(f), b, n, o);
}
static int fault_truncate(sqlite3_file *f, sqlite3_int64 n) { return REAL(f)->pMethods->xTruncate(REAL(f), n); }
static int
fault_sync(sqlite3_file *f, int flags)
{
	if (fault_errno != 0)
		return SQLITE_IOERR_FSYNC;
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int fault_size(sqlite3_file *f, sqlite3_int64 *n) { return REAL(f)->pMethods->xFileSize(REAL(f), n); }
static int fault_lock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xLock(REAL(f), l); }
static int fault_unlock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xUnlock(REAL(f), l); }
static int fault_check(sqlite3_file *f, int *r) { return REAL(f)->pMethods->xCheckReservedLock(REAL(f), r); }
static int fault_control(sqlite3_file *f, int op, void *a) { return REAL(f)->pMethods->xFileControl(REAL(f), op, a); }
static int fault_sector(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int fault_chars(sqlite3_file *f) { return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)); }
static int fault_shm_map(sqlite3_file *f, int pg, int sz, int ext, void volatile **pp) { return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, ext, pp); }
static int fault_shm_lock(sqlite3_file *f, int o, int n, int fl) { return REAL(f)->pMethods->xShmLock(REAL(f), o, n, fl); }
static void fault_shm_barrier(sqlite3_file *f) { REAL(f)->pMethods->xShmBarrier(REAL(f)); }
static int fault_shm_unmap(sqlite3_file *f, int del) { return REAL(f)->pMethods->xShmUnmap(REAL(f), del); }
static int fault_fetch(sqlite3_file *f, sqlite3_int64 o, int n, void **pp) { return REAL(f)->pMethods->xFetch(REAL(f), o, n, pp); }
static int fault_unfetch(sqlite3_file *f, sqlite3_int64 o, void *p) { return REAL(f)->pMethods->xUnfetch(REAL(f), o, p); }
#undef REAL

static const sqlite3_io_methods fault_methods = {
	3, fault_close, fault_read, fault_write, fault_truncate, fault_sync, fault_size, fault_lock,
	fault_unlock, fault_check, fault_control, fault_sector, fault_chars, fault_shm_map,
	fault_shm_lock, fault_shm_barrier, fault_shm_unmap, fault_fetch, fault_unfetch,
};

static int
fault_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
	struct fault_file *ff = (struct fault_file *)f;
	int rc;

	(void)vfs;
	ff->real = (sqlite3_file *)(ff + 1);
	rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out);
	ff->base.pMethods = ff->real->pMethods ? &fault_methods : NULL;
	return rc;
}

static int
fault_last_error(sqlite3_vfs *vfs, int n, char *buf)
{
	(void)vfs;
	(void)n;
	(void)buf;
	return fault_errno != 0 ? fault_errno : real_vfs->xGetLastError(real_vfs, n, buf);
}

static sqlite3_vfs fault_vfs;

/* Make the fault VFS SQLite's default (once). */
static void
fault_install(void)
{
	if (real_vfs != NULL)
		return;
	real_vfs = sqlite3_vfs_find(NULL);
	fault_vfs = *real_vfs;
	fault_vfs.zName = "fault";
	fault_vfs.szOsFile = (int)sizeof(struct fault_file) + real_vfs->szOsFile;
	fault_vfs.xOpen = fault_open;
	fault_vfs.xGetLastError = fault_last_error;
	assert_int_equal(sqlite3_vfs_register(&fault_vfs, 1), SQLITE_OK);
}

/* The disk fails while the caregiver sends: its own message, no reference,
 * nothing stored; it works again once the disk does. */
static void
test_submit_io_error(void **state)
{
	struct fixture *fx = *state;
	static const struct { int err; enum store_rc want; } cases[] = {
		{ EIO, STORE_IOERR }, { ENOSPC, STORE_FULL },
	};
	struct store *s;

	fault_install();
	s = open_ok(fx->db, 0600, (gid_t)-1);
	for (size_t i = 0; i < UNIT_LEN(cases); i++) {
		struct intake in;
		char ref[32] = "unset";
		enum store_rc rc;

		fill(&in, "Zoë", "0612345678");
		fault_errno = cases[i].err;
		rc = store_submit(s, &in, L_NL, 2026, ref);
		fault_errno = 0;
		intake_clear(&in);
		if (rc != cases[i].want)
			fail_msg("errno %d: %s, want %s", cases[i].err, rc_name(rc), rc_name(cases[i].want));
		assert_string_equal(ref, "unset");
	}
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM intake", NULL), 0);
	submit_ok(s, "Zoë", "0612345678", L_NL, 2026, "MZ-2026-0001");
	store_close(s);
}

/* Someone truncates the -shm that SQLite has mapped while another program
 * keeps the database open: the next access to the mapped -shm is a SIGBUS.
 * A kiosk that has stored before (so its connection mapped the -shm)
 * stores again after it: that works, and nothing dies. */
static void
shm_truncated(struct fixture *fx, bool writer)
{
	char *shm = xasprintf("%s-shm", fx->db);
	int go[2], ready[2], status = 0;
	char c = 0;
	pid_t reader, kiosk;
	struct store *s;

	s = open_ok(fx->db, 0600, (gid_t)-1);
	store_close(s);
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(ready), 0);
	/* The other program, and the kiosk: each opens its own connection. */
	if ((reader = fork()) == 0) {
		sqlite3 *db = NULL;

		if (sqlite3_open_v2(fx->db, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
		    sqlite3_exec(db, "SELECT count(*) FROM intake", NULL, NULL, NULL) != SQLITE_OK)
			_exit(1);
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(1);
		_exit(0);
	}
	assert_int_equal(read(ready[0], &c, 1), 1);
	if ((kiosk = fork()) == 0) {
		s = open_ok(fx->db, 0600, (gid_t)-1);
		if (writer)
			store_writer_start(s);
		submit_ok(s, "Jan", "0612345678", L_NL, 2026, "MZ-2026-0001");
		if (write(ready[1], "k", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(1);
		submit_ok(s, "Zoë", "0612345678", L_NL, 2026, "MZ-2026-0002");
		store_close(s);
		_exit(0);
	}
	assert_int_equal(read(ready[0], &c, 1), 1);
	assert_int_equal(truncate(shm, 0), 0);
	assert_int_equal(write(go[1], "gg", 2), 2);
	assert_int_equal(waitpid(kiosk, &status, 0), kiosk);
	waitpid(reader, NULL, 0);
	close(go[0]), close(go[1]), close(ready[0]), close(ready[1]);
	free(shm);
	if (WIFSIGNALED(status))
		fail_msg("the kiosk died of signal %d (%s) when storing after the -shm was truncated",
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM intake", NULL), 2);
}

static void
test_submit_after_shm_truncated(void **state)
{
	shm_truncated(*state, false);
}

/* The same for a kiosk whose writer mapped the -shm: it maps it anew. */
static void
test_writer_after_shm_truncated(void **state)
{
	shm_truncated(*state, true);
}

/* ------------------------------------------------------------ the writer */

/* A database over STORE_CHECK_INLINE_BYTES with one leaf page of answers
 * overwritten, as a failing disk would: the header, the schema and the
 * pages a submit writes are intact, so only reading every page finds it.
 * The file stays in WAL mode, as zorgkiosk keeps it, with nothing beside it. */
static void
big_damaged(const char *path)
{
	struct store *s = open_ok(path, 0600, (gid_t)-1);
	long long page, size;
	FILE *f;
	char junk[192];

	store_close(s);
	raw_exec(path, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000)"
	    " INSERT INTO intake (ref, year, seq, created_at, ui_lang, form_version)"
	    " SELECT printf('MZ-2025-%04d', i), 2025, i, '2025-01-05T10:00:00Z', 'nl', 1 FROM n;"
	    "INSERT INTO answer (intake_id, field, value) SELECT id, 'situation', printf('%.*c', 700, 'x') FROM intake;"
	    "PRAGMA wal_checkpoint(TRUNCATE);", false);
	size = raw_int(path, "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size", NULL);
	assert_true(size > STORE_CHECK_INLINE_BYTES);
	page = raw_int(path, "SELECT pageno FROM dbstat WHERE name = 'answer' AND pagetype = 'leaf'"
	    " ORDER BY pageno LIMIT 1 OFFSET 10", NULL);
	memset(junk, 0xA5, sizeof junk);
	assert_non_null(f = fopen(path, "r+b"));
	assert_int_equal(fseek(f, (page - 1) * 4096 + 8, SEEK_SET), 0);
	assert_int_equal(fwrite(junk, 1, sizeof junk, f), sizeof junk);
	assert_int_equal(fclose(f), 0);
}

/* A big damaged file: a kiosk (STORE_CHECK_BACKGROUND) starts at once,
 * its writer reads every page meanwhile, and the damage refuses the first
 * submit and every one after it; the file is not changed. Checked now,
 * the same file is refused at open. */
static void
test_big_damaged_checked_by_writer(void **state)
{
	struct fixture *fx = *state;
	enum store_rc rc = STORE_OK;
	char *detail = NULL, *before;
	size_t len;
	struct store *s;

	big_damaged(fx->db);
	before = unit_read(fx->db, &len);
	assert_rc(open_rc(fx->db), STORE_DAMAGED);
	s = store_open(fx->db, 0600, (gid_t)-1, STORE_CHECK_BACKGROUND, &rc, &detail);
	assert_non_null(s);
	assert_rc(rc, STORE_OK);
	store_writer_start(s);
	for (int i = 0; i < 2; i++) {
		struct intake in;
		char ref[32] = "unset";

		fill(&in, "Zoë", "0612345678");
		rc = store_submit(s, &in, L_NL, 2026, ref);
		intake_clear(&in);
		assert_rc(rc, STORE_DAMAGED);
		assert_string_equal(ref, "unset");
	}
	assert_int_equal(s->writer, 0);
	store_close(s);
	assert_true(untouched(fx->db, before, len));
	free(before);
}

/* A big sound file checked by the writer: requests are stored. */
static void
test_big_sound_checked_by_writer(void **state)
{
	struct fixture *fx = *state;
	enum store_rc rc = STORE_OK;
	char *detail = NULL;
	struct store *s = open_ok(fx->db, 0600, (gid_t)-1);

	store_close(s);
	raw_exec(fx->db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000)"
	    " INSERT INTO intake (ref, year, seq, created_at, ui_lang, form_version)"
	    " SELECT printf('MZ-2025-%04d', i), 2025, i, '2025-01-05T10:00:00Z', 'nl', 1 FROM n;"
	    "INSERT INTO answer (intake_id, field, value) SELECT id, 'situation', printf('%.*c', 700, 'x') FROM intake;",
	    false);
	s = store_open(fx->db, 0600, (gid_t)-1, STORE_CHECK_BACKGROUND, &rc, &detail);
	assert_non_null(s);
	assert_true(s->check_due);
	store_writer_start(s);
	submit_ok(s, "Jan", "0612345678", L_NL, 2026, "MZ-2026-0001");
	submit_ok(s, "Zoë", "0612345678", L_NL, 2026, "MZ-2026-0002");
	assert_true(s->writer > 0);
	store_close(s);
}

static bool
zombie(pid_t pid)
{
	char *path = xasprintf("/proc/%d/stat", (int)pid), line[256] = "", *p;
	FILE *f = fopen(path, "r");

	free(path);
	if (f == NULL)
		return false;
	if (fgets(line, sizeof line, f) == NULL)
		line[0] = '\0';
	fclose(f);
	p = strrchr(line, ')');
	return p != NULL && p[1] == ' ' && p[2] == 'Z';
}

static bool
alive(pid_t pid)
{
	return waitpid(pid, NULL, WNOHANG) == 0;
}

/* A kiosk's writer stores one request after another, and ends with the
 * store. */
static void
test_writer_keeps_storing(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_ok(fx->db, 0600, (gid_t)-1);
	pid_t writer;

	store_writer_start(s);
	writer = s->writer;
	assert_true(writer > 0);
	submit_ok(s, "Jan", "0612345678", L_NL, 2026, "MZ-2026-0001");
	submit_ok(s, "Zoë", "06 1234 5679", L_EN, 2026, "MZ-2026-0002");
	submit_ok(s, "Öztürk", "0612345670", L_NL, 2027, "MZ-2027-0001");
	assert_int_equal(s->writer, writer);
	assert_true(alive(writer));
	store_close(s);
	assert_int_equal(kill(writer, 0), -1);
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM intake", NULL), 3);
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM answer a JOIN intake i ON i.id = a.intake_id"
	    " WHERE i.ref = 'MZ-2026-0002' AND a.field = 'phone' AND a.value = '0612345679'", NULL), 1);
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM intake WHERE ref = 'MZ-2026-0002' AND ui_lang = 'en'",
	    NULL), 1);
}

/* The writer was killed between two visitors: the next request is stored
 * all the same (by a child of its own). */
static void
test_writer_gone(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_ok(fx->db, 0600, (gid_t)-1);

	store_writer_start(s);
	submit_ok(s, "Jan", "0612345678", L_NL, 2026, "MZ-2026-0001");
	assert_int_equal(kill(s->writer, SIGKILL), 0);
	/* Gone before the next visitor: a zombie until the store sees it. */
	while (!zombie(s->writer))
		usleep(1000);
	submit_ok(s, "Zoë", "0612345678", L_NL, 2026, "MZ-2026-0002");
	assert_int_equal(s->writer, 0);
	submit_ok(s, "Piet", "0612345678", L_NL, 2026, "MZ-2026-0003");
	store_close(s);
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM intake", NULL), 3);
}

/* A request the writer cannot store: its error, no reference, and the
 * next request is stored once the cause is gone. */
static void
test_writer_failure(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_ok(fx->db, 0600, (gid_t)-1);
	struct intake in;
	char ref[32] = "unset";
	enum store_rc rc;

	store_writer_start(s);
	raw_exec(fx->db, "CREATE TRIGGER refuse BEFORE INSERT ON intake"
	    " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;", false);
	fill(&in, "Zoë", "0612345678");
	rc = store_submit(s, &in, L_NL, 2026, ref);
	intake_clear(&in);
	assert_rc(rc, STORE_ERROR);
	assert_string_equal(ref, "unset");
	raw_exec(fx->db, "DROP TRIGGER refuse", false);
	submit_ok(s, "Zoë", "0612345678", L_NL, 2026, "MZ-2026-0001");
	store_close(s);
	assert_int_equal(raw_int(fx->db, "SELECT count(*) FROM intake", NULL), 1);
}

/* ------------------------------------------------------------ read-only and immutable */

/* A tmpfs of 1 MB mounted on dir/mnt (root only); NULL when that cannot be. */
static char *
mount_tmpfs(const char *dir)
{
	char *mnt = xasprintf("%s/mnt", dir), *cmd;
	int rc;

	if (geteuid() != 0) {
		free(mnt);
		return NULL;
	}
	assert_int_equal(mkdir(mnt, 0700), 0);
	cmd = xasprintf("mount -t tmpfs -o size=1m zk-test '%s' 2>/dev/null", mnt);
	rc = system(cmd);
	free(cmd);
	if (rc != 0) {
		free(mnt);
		return NULL;
	}
	return mnt;
}

static void
umount_tmpfs(char *mnt)
{
	char *cmd = xasprintf("umount '%s'", mnt);

	if (system(cmd) != 0)
		print_error("cannot unmount %s\n", mnt);
	free(cmd);
	free(mnt);
}

/* The file system holding the database is read-only: its own message. */
static void
test_read_only_file_system(void **state)
{
	struct fixture *fx = *state;
	char *mnt = mount_tmpfs(fx->dir), *db, *cmd;
	struct store *s;
	enum store_rc rc;

	if (mnt == NULL) {
		print_message("skipped: cannot mount a tmpfs here (needs root, as in CI)\n");
		skip();
	}
	db = xasprintf("%s/zk.db", mnt);
	s = open_ok(db, 0600, (gid_t)-1);
	submit_ok(s, "Zoë", "0612345678", L_NL, 2026, "MZ-2026-0001");
	store_close(s);
	cmd = xasprintf("mount -o remount,ro '%s'", mnt);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	rc = open_rc(db);
	free(db);
	umount_tmpfs(mnt);
	assert_rc(rc, STORE_ROFS);
}

/* Set or clear the immutable flag of path; false when the file system
 * does not have it (tmpfs) or we may not (not root). */
static bool
set_immutable(const char *path, bool on)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK), flags = 0;
	bool ok;

	if (fd < 0)
		return false;
	ok = ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
	flags = on ? flags | FS_IMMUTABLE_FL : flags & ~FS_IMMUTABLE_FL;
	ok = ok && ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
	close(fd);
	return ok;
}

/* An immutable database, or -shm: refused at open with their own message. */
static void
test_immutable(void **state)
{
	struct fixture *fx = *state;
	char *shm = xasprintf("%s-shm", fx->db);
	struct store *s = open_ok(fx->db, 0600, (gid_t)-1);
	enum store_rc rc;

	store_close(s);
	if (!set_immutable(fx->db, true)) {
		free(shm);
		print_message("skipped: no immutable flag here (needs root and e.g. ext4 for TMPDIR)\n");
		skip();
	}
	rc = open_rc(fx->db);
	set_immutable(fx->db, false);
	assert_rc(rc, STORE_IMMUTABLE);

	unit_write(shm, "", 0);
	assert_true(set_immutable(shm, true));
	rc = open_rc(fx->db);
	set_immutable(shm, false);
	free(shm);
	assert_rc(rc, STORE_IMMUTABLE);
}

static void
test_messages(void **state)
{
	(void)state;
	i18n_set(L_EN);
	assert_string_equal(store_message(STORE_OK), "");
	for (int a = STORE_BUSY; a <= STORE_ERROR; a++) {
		assert_true(strlen(store_message((enum store_rc)a)) > 10);
		for (int b = STORE_BUSY; b < a; b++)
			assert_string_not_equal(store_message((enum store_rc)a), store_message((enum store_rc)b));
	}
}

/* Schema 8 -> 9: the requests stored before keep no location (NULL, read
 * as ""); the ones sent after carry the kiosk's, cut at a character. */
static void
test_migrate_8_to_9_location(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_ok(fx->db, 0600, (gid_t)-1);
	struct store_record r;
	char *v, longname[STORE_LOCATION_MAX + 8];

	submit_ok(s, "Oud", "0612345678", L_NL, 2026, "MZ-2026-0001");
	store_close(s);
	/* What zorgkiosk with schema 8 left behind. */
	raw_exec(fx->db, "DROP INDEX intake_location; ALTER TABLE intake DROP COLUMN location;"
	    " PRAGMA user_version = 8;", false);
	s = open_ok(fx->db, 0600, (gid_t)-1);
	assert_int_equal(raw_int(fx->db, "PRAGMA user_version", NULL), STORE_SCHEMA);
	v = raw_text(fx->db, "SELECT location FROM intake WHERE ref = ?1", "MZ-2026-0001");
	assert_string_equal(v, "NULL");
	free(v);
	assert_int_equal(store_record(s, "MZ-2026-0001", &r), STORE_OK);
	assert_string_equal(r.location, "");
	store_record_free(&r);

	store_set_location(s, "Petuniatuin");
	submit_ok(s, "Nieuw", "0612345678", L_NL, 2026, "MZ-2026-0002");
	assert_int_equal(store_record(s, "MZ-2026-0002", &r), STORE_OK);
	assert_string_equal(r.location, "Petuniatuin");
	store_record_free(&r);
	/* 99 bytes and a two-byte é: cut before the é, never inside it. */
	memset(longname, 'a', STORE_LOCATION_MAX - 1);
	strcpy(longname + STORE_LOCATION_MAX - 1, "\xc3\xa9x");
	store_set_location(s, longname);
	submit_ok(s, "Lang", "0612345678", L_NL, 2026, "MZ-2026-0003");
	assert_int_equal(raw_int(fx->db, "SELECT length(CAST(location AS BLOB)) FROM intake WHERE ref = ?1",
	    "MZ-2026-0003"), STORE_LOCATION_MAX - 1);
	store_close(s);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_create_mode),
		T(test_create_mode_umask),
		T(test_create_group_folder),
		T(test_pragmas),
		T(test_submit),
		T(test_reopen),
		T(test_submit_fails_on_intake),
		T(test_submit_fails_on_answer),
		T(test_not_a_database),
		T(test_foreign_database),
		T(test_newer),
		T(test_readonly_folder_new),
		T(test_readonly_file),
		T(test_readonly_folder_existing),
		T(test_ref_not_reused_after_purge),
		T(test_ref_widens_past_9999),
		T(test_migrate_3_to_4),
		T(test_migrate_8_to_9_location),
		T(test_foreign_with_pending_wal),
		T(test_foreign_bytes),
		T(test_empty_file),
		T(test_newer_with_pending_wal),
		T(test_damaged_refused_at_open),
		T(test_submit_after_shm_truncated),
		T(test_writer_after_shm_truncated),
		T(test_writer_keeps_storing),
		T(test_writer_gone),
		T(test_writer_failure),
		T(test_big_damaged_checked_by_writer),
		T(test_big_sound_checked_by_writer),
		T(test_read_only_file_system),
		T(test_immutable),
		/* Last: it makes a fault-injecting VFS SQLite's default. */
		T(test_submit_io_error),
		cmocka_unit_test(test_messages),
	};

	return cmocka_run_group_tests_name("store", tests, group_setup, group_teardown);
}
