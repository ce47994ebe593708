/* store_submit.c: storing a request, in a process of its own (see
 * store_submit in store.h).
 *
 * SQLite maps the -shm file: when it is truncated, made immutable or its
 * disk fails, writing it is a SIGBUS, not an error code. So the write runs
 * in another process, and the kiosk keeps the answers whatever happens to
 * it. A kiosk starts one writer once its first screen is out, before
 * any visitor typed (store_writer_start): a submit is then one message
 * each way, with no fork, no new connection and no schema to read. When
 * the writer is gone, each submit has a child of its own. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "charset.h"
#include "intake.h"
#include "store_int.h"
#include "util.h"

/* How long a submit may take before the disk is taken for dead. */
#define SUBMIT_WAIT_MS (6 * STORE_BUSY_MS)
/* How long the writer may take to answer before a child of its own takes
 * the request over: a submit takes milliseconds, so a writer that has
 * not answered after seconds was stopped or hangs. */
#define WRITER_WAIT_MS 3000
/* The largest request a writer accepts (a form has a few kB). */
#define REQUEST_MAX (16u << 20)

/* A request as it is stored: year, language, form version and location, then the
 * answers that are not empty, each "field\0value\0". It is what travels
 * to the writer, so it holds what a visitor typed: wipe_free it. id is
 * the kiosk's name for this one sending (table submit): a second process
 * sending it again finds it stored, and stores nothing twice. */
struct request {
	int32_t year, ui, form_version;
	uint32_t n;
	char id[40];
	char location[STORE_LOCATION_MAX + 1]; /* "" when none was set */
};

/* What the writer tells the kiosk. */
struct submit_result {
	enum store_rc rc;
	bool fresh;    /* failed before COMMIT: a new connection may try again */
	char ref[32];
};

static void
put(char **buf, size_t *len, const void *p, size_t n)
{
	*buf = xreallocarray(*buf, *len + n, 1);
	memcpy(*buf + *len, p, n);
	*len += n;
}

static void
put_answer(char **buf, size_t *len, uint32_t *n, const char *field, const char *value)
{
	if (*value == '\0')
		return;
	put(buf, len, field, strlen(field) + 1);
	put(buf, len, value, strlen(value) + 1);
	(*n)++;
}

/* A new id into id (33 bytes): 128 random bits in hex; without
 * getrandom, the clock, the process and a count, which are unique too. */
static void
submit_id(char *id)
{
	static unsigned count;
	unsigned char b[16];
	struct timespec t;

	if (getrandom(b, sizeof b, GRND_NONBLOCK) != (ssize_t)sizeof b) {
		clock_gettime(CLOCK_REALTIME, &t);
		snprintf(id, 33, "%016llx%08x%08x",
		    (unsigned long long)t.tv_sec * 1000000000ULL + (unsigned long long)t.tv_nsec, (unsigned)getpid(),
		    ++count);
		return;
	}
	for (size_t i = 0; i < sizeof b; i++)
		snprintf(id + 2 * i, 3, "%02x", b[i]);
}

/* The request for in; phone numbers in their normalised form. */
static char *
request_encode(const struct intake *in, lang_id ui, int year, const char *location, size_t *len)
{
	const struct forms *f = in->forms;
	struct request r = { .year = year, .ui = (int32_t)ui, .form_version = f->intake_version };
	char *buf = NULL;

	submit_id(r.id);
	snprintf(r.location, sizeof r.location, "%s", location);
	*len = 0;
	put(&buf, len, &r, sizeof r);
	for (size_t i = 0; i < f->nfields; i++) {
		const struct field *fd = &f->fields[i];
		char *phone = fd->type == FIELD_PHONE ? intake_phone_normalize(in->values[i]) : NULL;

		put_answer(&buf, len, &r.n, fd->id, phone ? phone : in->values[i]);
		wipe_free(phone);
	}
	/* The care check's band, only when the caregiver chose to add it. */
	put_answer(&buf, len, &r.n, INTAKE_CARE_FIELD, in->care);
	memcpy(buf, &r, sizeof r);
	return buf;
}

/* The next string of a request at *p before end, or NULL when the request
 * is cut short. */
static const char *
next_string(const char **p, const char *end)
{
	const char *s = *p, *nul = memchr(s, '\0', (size_t)(end - s));

	if (nul == NULL)
		return NULL;
	*p = nul + 1;
	return s;
}

/* The next reference number of year, counted in refseq (so a purged
 * number is not given out again) and never below what intake holds. Runs
 * inside the submit's transaction. */
static int
next_seq(sqlite3 *db, int year, int *seq)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "INSERT INTO refseq (year, last)"
	    " VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM intake WHERE year = ?1))"
	    " ON CONFLICT (year) DO UPDATE"
	    " SET last = max(last, (SELECT coalesce(max(seq), 0) FROM intake WHERE year = ?1)) + 1"
	    " RETURNING last", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int(st, 1, year);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*seq = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	} else {
		rc = sqlite3_errcode(db);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Whether a writer may take r as it came: the kiosk that sent it may be
 * in hostile hands (privsep.h), so what decides a lookup (the language)
 * or lands in front of staff is checked again here. */
static bool
request_sound(const struct request *r)
{
	return i18n_enabled((lang_id)r->ui) && r->year >= 2000 && r->year <= 9999 &&
	    charset_valid_utf8(r->id, false) && charset_valid_utf8(r->location, false) &&
	    !charset_has_invisible(r->location);
}

/* Whether the request sent as id is stored already; its reference into
 * ref then. Runs inside the submit's transaction. */
static bool
stored_ref(sqlite3 *db, const char *id, char *ref)
{
	sqlite3_stmt *st;
	bool found = false;

	if (sqlite3_prepare_v2(db, "SELECT i.ref FROM submit s JOIN intake i ON i.id = s.intake_id WHERE s.id = ?1",
	    -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(ref, 32, "%s", (const char *)sqlite3_column_text(st, 0));
		found = true;
	}
	sqlite3_finalize(st);
	return found;
}

/* Store the request req (len bytes) through db, in this process, and put
 * its reference in ref. On failure *err is the errno the system gave
 * SQLite (for store_diagnose), and *fresh tells whether it came before
 * the COMMIT: nothing of it can then be in the database. */
static enum store_rc
submit_here(sqlite3 *db, const char *req, size_t len, char *ref, int *err, bool *fresh)
{
	struct request r;
	const char *p = req + sizeof r, *end = req + len;
	sqlite3_stmt *st = NULL;
	sqlite3_int64 id;
	char created[32], newref[32];
	int seq = 0, rc;

	*fresh = true;
	if (len < sizeof r)
		return STORE_ERROR;
	memcpy(&r, req, sizeof r);
	store_now(created);
	/* IMMEDIATE takes the write lock now, so the sequence number taken
	 * below cannot be taken by another kiosk before we insert. */
	if ((rc = store_exec(db, "BEGIN IMMEDIATE")) != SQLITE_OK) {
		*err = sqlite3_system_errno(db);
		return store_rc_of(rc);
	}
	r.id[sizeof r.id - 1] = '\0';
	r.location[sizeof r.location - 1] = '\0';
	if (!request_sound(&r)) {
		store_exec(db, "ROLLBACK");
		return STORE_ERROR;
	}
	if (stored_ref(db, r.id, ref)) {
		store_exec(db, "ROLLBACK");
		return STORE_OK;
	}
	rc = next_seq(db, r.year, &seq);
	/* At least four digits: after MZ-2026-9999 comes MZ-2026-10000. */
	snprintf(newref, sizeof newref, "MZ-%04d-%04d", (int)r.year, seq);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "INSERT INTO intake (ref, year, seq, created_at, ui_lang, form_version,"
		    " location) VALUES (?1, ?2, ?3, ?4, ?5, ?6, nullif(?7, ''))", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, newref, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, r.year);
		sqlite3_bind_int(st, 3, seq);
		sqlite3_bind_text(st, 4, created, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, i18n_code((lang_id)r.ui), -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 6, r.form_version);
		sqlite3_bind_text(st, 7, r.location, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
		sqlite3_finalize(st);
		st = NULL;
	}
	id = sqlite3_last_insert_rowid(db);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "INSERT INTO submit (intake_id, id) VALUES (?1, ?2)", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, r.id, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
		sqlite3_finalize(st);
		st = NULL;
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "INSERT INTO answer (intake_id, field, value) VALUES (?1, ?2, ?3)",
		    -1, &st, NULL);
	for (uint32_t i = 0; rc == SQLITE_OK && i < r.n; i++) {
		const char *field = next_string(&p, end), *value = field ? next_string(&p, end) : NULL;

		if (value == NULL || !charset_valid_utf8(field, false) || !charset_valid_utf8(value, true)) {
			rc = SQLITE_MISUSE;
			break;
		}
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, field, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, value, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
	}
	sqlite3_finalize(st);
	*fresh = rc != SQLITE_OK;
	if (rc == SQLITE_OK)
		rc = store_exec(db, "COMMIT");
	if (rc != SQLITE_OK) {
		*err = sqlite3_system_errno(db);
		store_exec(db, "ROLLBACK");
		store_forget_pages(db);
		return store_rc_of(rc);
	}
	store_forget_pages(db);
	memcpy(ref, newref, strlen(newref) + 1);
	return STORE_OK;
}

static bool
read_all(int fd, void *p, size_t n)
{
	for (size_t got = 0; got < n;) {
		ssize_t k = read(fd, (char *)p + got, n - got);

		if (k > 0)
			got += (size_t)k;
		else if (k == 0 || errno != EINTR)
			return false;
	}
	return true;
}

static bool
send_all(int fd, const void *p, size_t n)
{
	for (size_t sent = 0; sent < n;) {
		ssize_t k = send(fd, (const char *)p + sent, n - sent, MSG_NOSIGNAL);

		if (k > 0)
			sent += (size_t)k;
		else if (k == 0 || errno != EINTR)
			return false;
	}
	return true;
}

/* The start of every child that writes: not the kiosk's signal handlers,
 * nor the keys of its terminal (a fault such as SIGBUS is delivered all
 * the same). */
static void
child_init(void)
{
	sigset_t all;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	setpgid(0, 0);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		close(null);
	}
}

/* Closing a writer's connection: the kiosk is waiting, so leave
 * checkpoints to the commits (every 1000 pages) and to the last
 * store_close. */
static void
child_close(sqlite3 *db)
{
	if (db == NULL)
		return;
	sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	sqlite3_close(db);
}

#ifdef ZK_TEST_HOOKS
/* Tests: the writer stops itself between its COMMIT and its answer when
 * ZK_TEST_WRITER_STOP is set (writer_main). */
static bool stop_after_commit;
#endif

/* Store one request through db, answer on fd. On failure the connection
 * is closed (so that store_diagnose may look at the files) and false is
 * returned: the caller ends. */
static bool
child_submit(const char *path, sqlite3 *db, int open_rc, int fd, const char *req, size_t len)
{
	struct submit_result res = { .rc = STORE_ERROR };
	int err = 0;

	res.fresh = true;
	if (db != NULL && open_rc == SQLITE_OK)
		res.rc = submit_here(db, req, len, res.ref, &err, &res.fresh);
	else if (db != NULL)
		res.rc = store_rc_of(open_rc), err = sqlite3_system_errno(db);
	if (res.rc == STORE_OK) {
#ifdef ZK_TEST_HOOKS
		if (stop_after_commit)
			raise(SIGSTOP);
#endif
		return send_all(fd, &res, sizeof res);
	}
	child_close(db);
	res.rc = store_diagnose(path, res.rc, err);
	send_all(fd, &res, sizeof res);
	return false;
}

/* Whether the -shm beside path is still the one a connection mapped: as
 * *seen, at its largest since the connection was made. Another program
 * may have removed, replaced or truncated it (also just after our last
 * look), and touching the mapped pages past its end now is a SIGBUS. A
 * connection never maps less than it did, so *seen keeps the largest
 * size; when it was not the same, *seen starts again from now. */
static bool
shm_same(const char *shm, struct stat *seen)
{
	struct stat now;
	bool same = lstat(shm, &now) == 0 && now.st_ino == seen->st_ino && now.st_dev == seen->st_dev &&
	    now.st_size >= seen->st_size;

	if (!same || now.st_size > seen->st_size)
		*seen = now;
	return same;
}

/* Whether the files beside path may still be written as the writer's
 * connection found them: made immutable or remounted read-only since, the
 * write could still land in the -wal it holds open, and then nothing
 * could ever be checkpointed. Looks without opening them (see
 * store_diagnose). */
static bool
still_writable(const char *path)
{
	static const char *const ext[] = { "", "-wal", "-shm" };
	struct statvfs vfs;
	bool ok = statvfs(path, &vfs) != 0 || !(vfs.f_flag & ST_RDONLY);

	for (size_t i = 0; ok && i < sizeof ext / sizeof ext[0]; i++) {
		char *p = xasprintf("%s%s", path, ext[i]);
		struct statx sx;

		ok = statx(AT_FDCWD, p, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) != 0 ||
		    !(sx.stx_attributes_mask & sx.stx_attributes & STATX_ATTR_IMMUTABLE);
		free(p);
	}
	return ok;
}

/* The writer's first answer when store_open left the pages to it: what
 * reading them all found. False when they are not sound (it then ends). */
static bool
writer_check(sqlite3 *db, int open_rc, int fd)
{
	struct submit_result res = { .rc = store_rc_of(open_rc) };
	char *detail = NULL;
	int err = 0;

	if (db != NULL && open_rc == SQLITE_OK) {
		res.rc = store_quick_check(db, &detail, &err);
		store_forget_pages(db);
	}
	free(detail);
	return send_all(fd, &res, sizeof res) && res.rc == STORE_OK;
}

/* Under steady load some connection is always reading, so SQLite's own
 * checkpoints after a commit (passive: they wait for no one) never get to
 * start the -wal again from its beginning, and it grows: 44 MB in 15 s
 * with 50 kiosk sessions starting and sending without pause (bench/
 * capacity.py), and every kiosk start reads all of it (store_wal_page1).
 * So a writer, after answering its kiosk, restarts a log that has passed
 * SQLite's own checkpoint size (1000 pages of 4 KiB), waiting at most
 * LOG_RESTART_MS for the readers of the moment (kiosks starting, a staff
 * list page: milliseconds). A long reader (an export) makes it give up;
 * a later submit tries again. */
#define LOG_RESTART_BYTES (4L << 20)
#define LOG_RESTART_MS 100
static void
keep_log_small(sqlite3 *db, const char *path)
{
	char *wal = xasprintf("%s-wal", path);
	struct stat st;
	bool big = lstat(wal, &st) == 0 && st.st_size > LOG_RESTART_BYTES;

	free(wal);
	if (big)
		store_log_restart(db, LOG_RESTART_MS);
}

/* The writer: one request after another from fd, until the kiosk closes
 * it or a request fails; first, when check is set, every page read. With
 * last, its connection is the last one of the kiosk, and closing it at the
 * end checkpoints (a forked writer leaves that to the kiosk's own). */
static void __attribute__((noreturn))
writer_main(const char *path, int fd, bool check, bool last)
{
	char *shm = xasprintf("%s-shm", path);
	struct stat seen = { 0 };
	bool stale = false; /* the -shm changed under this connection */
	int rc;
	sqlite3 *db = store_connect(path, &rc);

#ifdef ZK_TEST_HOOKS
	stop_after_commit = getenv("ZK_TEST_WRITER_STOP") != NULL;
#endif
	if (check && !writer_check(db, rc, fd)) {
		child_close(db);
		_exit(0);
	}
	shm_same(shm, &seen);
	for (;;) {
		uint32_t len;
		char *req;
		bool ok;

		if (!read_all(fd, &len, sizeof len) || len < sizeof(struct request) || len > REQUEST_MAX)
			break;
		/* A new connection maps the -shm as it is now (a one-shot child
		 * would as well). */
		if (!shm_same(shm, &seen) || stale) {
			child_close(db);
			db = store_connect(path, &rc);
			stale = false;
			lstat(shm, &seen);
		}
		if (rc == SQLITE_OK && !still_writable(path))
			rc = SQLITE_READONLY;
		req = xmalloc(len);
		ok = read_all(fd, req, len) && child_submit(path, db, rc, fd, req, len);
		wipe_free(req);
		wipe_stack();
		if (!ok)
			_exit(0);
		keep_log_small(db, path);
		/* What the transaction mapped, or a change since. */
		stale = !shm_same(shm, &seen);
	}
	if (last)
		sqlite3_close(db);
	else
		child_close(db);
	_exit(0);
}

void
store_serve(struct store *s, enum store_rc open_rc, int fd)
{
	struct submit_result hello = { .rc = open_rc };
	char *path;

	if (s == NULL) {
		send_all(fd, &hello, sizeof hello);
		_exit(1);
	}
	/* A big file's pages are read here, and said after the hello. */
	hello.fresh = s->check_due;
	s->check_due = false;
	path = xstrdup(s->path);
	store_close(s);
	if (!send_all(fd, &hello, sizeof hello))
		_exit(1);
	writer_main(path, fd, hello.fresh, true);
}

static enum store_rc writer_exec(struct store *s);

void
store_writer_start(struct store *s)
{
	int fds[2];
	pid_t pid;

	if (s->exec_writer) {
		if (s->writer <= 0)
			writer_exec(s);
		return;
	}
	if (s->writer > 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
		return;
	/* A connection must not cross fork(), and SQLite shares open files
	 * within a process: ours is closed first, without a checkpoint. */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	if (sqlite3_close(s->db) != SQLITE_OK) {
		sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, NULL);
		close(fds[0]);
		close(fds[1]);
		return;
	}
	pid = fork();
	if (pid == 0) {
		child_init();
		close(fds[0]);
		writer_main(s->path, fds[1], s->check_due, false);
	}
	close(fds[1]);
	if (pid > 0) {
		s->writer = pid;
		s->writer_fd = fds[0];
		s->check_unread = s->check_due;
		s->check_due = false;
	} else {
		close(fds[0]);
	}
	s->db = store_connect(s->path, &(int){ 0 });
}

/* Wait for the writer pid to end; after ms, end it. */
static void
reap(pid_t pid, int ms)
{
	long long until = now_ms() + ms;

	while (waitpid(pid, NULL, WNOHANG) == 0) {
		if (now_ms() >= until) {
			kill(pid, SIGKILL);
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
			return;
		}
		usleep(1000);
	}
}

void
store_writer_stop(struct store *s)
{
	if (s->writer <= 0)
		return;
	close(s->writer_fd);
	/* Reading every page of a big file can take seconds: not at exit. */
	if (s->check_unread)
		kill(s->writer, SIGKILL);
	reap(s->writer, 2000);
	s->writer = 0;
	s->writer_fd = -1;
}

/* Read the result from fd into res, waiting at most ms; false when none
 * came (the process is gone, stopped, or the disk does not answer). */
static bool
await_result(int fd, struct submit_result *res, int ms)
{
	size_t got = 0;

	while (got < sizeof *res) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int n = poll(&pfd, 1, ms);
		ssize_t k;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		k = read(fd, (char *)res + got, sizeof *res - got);
		if (k > 0)
			got += (size_t)k;
		else if (k == 0 || errno != EINTR)
			return false;
	}
	return true;
}

/* The writer died or hung with a request: ask the files why, with our own
 * connection closed (see store_diagnose). Without a connection (and
 * without the right to look at the files), only the writer could say. */
static enum store_rc
writer_lost(struct store *s)
{
	enum store_rc rc;

	kill(s->writer, SIGKILL);
	store_writer_stop(s);
	if (s->exec_writer)
		return STORE_IOERR;
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	if (sqlite3_close(s->db) != SQLITE_OK)
		return STORE_IOERR;
	rc = store_diagnose(s->path, STORE_IOERR, 0);
	s->db = store_connect(s->path, &(int){ 0 });
	return rc;
}

/* Through the writer; false when there is none to take the request. */
static bool
submit_by_writer(struct store *s, const char *req, size_t len, struct submit_result *res)
{
	uint32_t n = (uint32_t)len;

	if (s->writer <= 0)
		return false;
	/* It ended between two requests (killed, or out of memory). */
	if (waitpid(s->writer, NULL, WNOHANG) != 0) {
		close(s->writer_fd);
		s->writer = 0;
		s->writer_fd = -1;
		return false;
	}
	if (s->check_unread) {
		struct submit_result check;

		s->check_unread = false;
		if (!await_result(s->writer_fd, &check, SUBMIT_WAIT_MS)) {
			res->rc = writer_lost(s);
			return true;
		}
		if (check.rc != STORE_OK) {
			s->refused = res->rc = check.rc;
			store_writer_stop(s);
			return true;
		}
	}
	if (!send_all(s->writer_fd, &n, sizeof n) || !send_all(s->writer_fd, req, len)) {
		/* It ended before this request (nothing of it was stored). */
		store_writer_stop(s);
		return false;
	}
	/* No answer: the writer ended, was stopped or hangs, maybe after its
	 * COMMIT. It goes (a stopped process too), and a child of its own
	 * sends the same request, which it finds stored if it was. */
	if (!await_result(s->writer_fd, res, WRITER_WAIT_MS)) {
		kill(s->writer, SIGKILL);
		store_writer_stop(s);
		return false;
	}
	if (res->rc == STORE_OK)
		return true;
	/* It ends after a failure. One before the COMMIT stored nothing: a
	 * child with a new connection tries again and finds the cause (a
	 * disk gone bad mid-way reads as a damaged file through a connection
	 * opened before). Waiting for a lock twice would not help. */
	store_writer_stop(s);
	return !res->fresh || res->rc == STORE_BUSY;
}

/* This program exec'd afresh as `zorgkiosk writer`, its socket as
 * descriptor 3 (see store_open_writer): it holds nothing of this process,
 * and a set-group-ID bit gives it the group that this process lacks. Its
 * first answer says whether the database may be used. */
static enum store_rc
writer_exec(struct store *s)
{
	char arg0[] = "zorgkiosk", arg1[] = "writer";
	char *const argv[] = { arg0, arg1, NULL };
	struct submit_result hello = { .rc = STORE_IOERR };
	int fds[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
		return STORE_ERROR;
	pid = fork();
	if (pid == 0) {
		child_init();
		if (fds[1] == 3 ? fcntl(3, F_SETFD, 0) == 0 : dup2(fds[1], 3) == 3) {
			close_range(4, ~0U, 0);
			execv("/proc/self/exe", argv);
		}
		_exit(127);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return STORE_ERROR;
	}
#ifdef ZK_TEST_HOOKS
	/* Only the first writer stops itself: the next takes over. */
	unsetenv("ZK_TEST_WRITER_STOP");
#endif
	s->writer = pid;
	s->writer_fd = fds[0];
	if (!await_result(fds[0], &hello, SUBMIT_WAIT_MS)) {
		kill(pid, SIGKILL);
		hello.rc = STORE_IOERR;
	}
	if (hello.rc != STORE_OK)
		store_writer_stop(s);
	else
		s->check_unread = hello.fresh;
	return hello.rc;
}

struct store *
store_open_writer(const char *path, enum store_rc *rc)
{
	struct store *s = xcalloc(1, sizeof *s);

	s->path = xstrdup(path);
	s->exec_writer = true;
	s->writer_fd = -1;
	if ((*rc = writer_exec(s)) != STORE_OK) {
		free(s->path);
		free(s);
		return NULL;
	}
	return s;
}

/* In a child of its own, with our connection closed meanwhile; without
 * a connection, in a writer exec'd afresh. */
static void
submit_by_child(struct store *s, const char *req, size_t len, struct submit_result *res)
{
	int fds[2], rc;
	pid_t pid;

	if (s->exec_writer) {
		if ((res->rc = writer_exec(s)) == STORE_OK && !submit_by_writer(s, req, len, res))
			res->rc = STORE_IOERR;
		return;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
		res->rc = submit_here(s->db, req, len, res->ref, &rc, &res->fresh);
		return;
	}
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	if (sqlite3_close(s->db) != SQLITE_OK) {
		/* A statement is still open: no child then, rather than one that
		 * shares SQLite's view of the file with us. */
		sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, NULL);
		close(fds[0]);
		close(fds[1]);
		res->rc = submit_here(s->db, req, len, res->ref, &rc, &res->fresh);
		return;
	}
	s->db = NULL;
	pid = fork();
	if (pid == 0) {
		int open_rc;
		sqlite3 *db;

		child_init();
		close(fds[0]);
		db = store_connect(s->path, &open_rc);
		child_submit(s->path, db, open_rc, fds[1], req, len);
		_exit(0);
	}
	close(fds[1]);
	if (pid > 0 && !await_result(fds[0], res, SUBMIT_WAIT_MS)) {
		kill(pid, SIGKILL);
		res->rc = STORE_IOERR;
	}
	close(fds[0]);
	while (pid > 0 && waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	/* The child died: ask the files why (before we open them again). */
	if (pid > 0 && res->rc == STORE_IOERR)
		res->rc = store_diagnose(s->path, STORE_IOERR, 0);
	s->db = store_connect(s->path, &rc);
	if (pid < 0)
		res->rc = submit_here(s->db, req, len, res->ref, &rc, &res->fresh);
}

enum store_rc
store_submit(struct store *s, const struct intake *in, lang_id ui, int year, char *ref)
{
	struct submit_result res = { .rc = STORE_ERROR };
	size_t len;
	char *req;

	/* The pages were never read (no writer took it on): now, then. */
	if (s->check_due) {
		char *detail = NULL;
		int err = 0;

		s->check_due = false;
		if ((res.rc = store_quick_check(s->db, &detail, &err)) != STORE_OK)
			s->refused = res.rc;
		free(detail);
	}
	if (s->refused != STORE_OK)
		return s->refused;
	req = request_encode(in, ui, year, s->location, &len);
	if (!submit_by_writer(s, req, len, &res))
		submit_by_child(s, req, len, &res);
	wipe_free(req);
	if (res.rc == STORE_OK)
		memcpy(ref, res.ref, strlen(res.ref) + 1);
	return res.rc;
}

void
store_set_location(struct store *s, const char *location)
{
	size_t n = strlen(location);

	/* Cut before a UTF-8 continuation byte, never inside a character. */
	if (n > STORE_LOCATION_MAX)
		for (n = STORE_LOCATION_MAX; n > 0 && ((unsigned char)location[n] & 0xC0) == 0x80; n--)
			;
	memcpy(s->location, location, n);
	s->location[n] = '\0';
}
