/* backup.c: zorgkiosk backup, and the backup folder's names; see backup.h.
 *
 * The copy is made in memory (store_backup.c) and goes through a pipe into
 * the age tool, whose output is a file we create new: the unencrypted
 * database never reaches a disk. */
#include "backup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "i18n.h"
#include "outfile.h"
#include "paths.h"
#include "site.h"
#include "staff.h"
#include "store_backup.h"
#include "events.h"
#include "util.h"

#define NAME_PREFIX "zorgkiosk-"
#define NAME_STAMP "%Y%m%dT%H%M%SZ" /* UTC: the names sort by time */
#define NAME_SUFFIX ".db.age"
#define NAME_LEN (sizeof NAME_PREFIX - 1 + 16 + sizeof NAME_SUFFIX - 1)

bool
backup_is_command(const char *name)
{
	return str_eq(name, "backup") || str_eq(name, "restore") || str_eq(name, "status");
}

bool
backup_name_time(const char *name, time_t *when)
{
	const char *stamp = name + sizeof NAME_PREFIX - 1;
	struct tm tm;

	if (strlen(name) != NAME_LEN || strncmp(name, NAME_PREFIX, sizeof NAME_PREFIX - 1) != 0 ||
	    !str_eq(stamp + 16, NAME_SUFFIX))
		return false;
	for (int i = 0; i < 16; i++)
		if (i == 8 ? stamp[i] != 'T' : i == 15 ? stamp[i] != 'Z' : (stamp[i] < '0' || stamp[i] > '9'))
			return false;
	memset(&tm, 0, sizeof tm);
	if (strptime(stamp, NAME_STAMP, &tm) != stamp + 16)
		return false;
	*when = timegm(&tm);
	return true;
}

static int
newest_first(const void *a, const void *b)
{
	return strcmp(*(char *const *)b, *(char *const *)a);
}

/* The names of our backups in dir (see backup_newest), newest first. */
static size_t
list_backups(int dir, char ***names)
{
	int fd = dup(dir);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	size_t n = 0;

	*names = NULL;
	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	rewinddir(d);
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		time_t t;

		if (!backup_name_time(e->d_name, &t) || fstatat(dir, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode) || st.st_uid != geteuid())
			continue;
		*names = xreallocarray(*names, n + 1, sizeof **names);
		(*names)[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(*names, n, sizeof **names, newest_first);
	return n;
}

static void
free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

bool
backup_newest(int dir, char **name, time_t *when, int *count)
{
	char **names;
	size_t n = list_backups(dir, &names);

	*count = (int)n;
	*name = NULL;
	if (n > 0) {
		*name = xstrdup(names[0]);
		backup_name_time(names[0], when);
	}
	free_names(names, n);
	return n > 0;
}

/* Remove all but the newest keep of our backups in dir (folder names it). */
static void
prune(int dir, const char *folder, int keep)
{
	char **names;
	size_t n = list_backups(dir, &names);

	for (size_t i = (size_t)keep; i < n; i++) {
		if (unlinkat(dir, names[i], 0) == 0)
			printf(_("Removed the old backup %s/%s.\n"), folder, names[i]);
		else
			fprintf(stderr, _("zorgkiosk: cannot remove the old backup %s/%s: %s\n"), folder, names[i],
			    strerror(errno));
	}
	free_names(names, n);
}

bool
backup_db_gid(gid_t *gid)
{
	struct group *gr;

	*gid = (gid_t)-1;
	if (site.database_group == NULL)
		return true;
	if ((gr = getgrnam(site.database_group)) == NULL) {
		fprintf(stderr, _("zorgkiosk: the site configuration names the group '%s' for the database, but there is no such group.\n"),
		    site.database_group);
		return false;
	}
	*gid = gr->gr_gid;
	return true;
}

/* The site's backup folder, made 0700 when missing; it must be ours and
 * closed to others, so no one else can plant or read a file in it. */
static int
open_folder(void)
{
	const char *folder = site.backup_folder;
	struct stat st;
	int fd;

	if (mkdir(folder, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, _("zorgkiosk: cannot make the backup folder %s: %s\n"), folder, strerror(errno));
		return -1;
	}
	fd = open(folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, _("zorgkiosk: cannot open the backup folder %s: %s\n"), folder, strerror(errno));
	} else if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
		fprintf(stderr, _("zorgkiosk: the backup folder %s must be yours alone (mode 0700); nothing was written.\n"),
		    folder);
	} else {
		return fd;
	}
	if (fd >= 0)
		close(fd);
	return -1;
}

/* A new file for the backup: path itself (-o), or a new name in the open
 * folder dir. Mode 0600, never through a link, never over a file. */
static int
create_output(const char *output, int dir, char **path, char **name)
{
	int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, fd;

	*name = NULL;
	if (output != NULL) {
		bool db_folder;

		*path = xstrdup(output);
		if ((fd = outfile_new(output, site.database, &db_folder)) < 0 && db_folder) {
			fprintf(stderr, _("zorgkiosk: %s is in the database's folder; write backups somewhere else.\n"), output);
			return -1;
		}
	} else {
		char stamp[32];
		time_t now;
		struct tm tm;

		/* Two backups in one second: the second waits for the next. */
		for (int tries = 0;; tries++) {
			now = time(NULL);
			gmtime_r(&now, &tm);
			strftime(stamp, sizeof stamp, NAME_STAMP, &tm);
			free(*name);
			*name = xasprintf("%s%s%s", NAME_PREFIX, stamp, NAME_SUFFIX);
			fd = openat(dir, *name, flags, 0600);
			if (fd >= 0 || errno != EEXIST || tries == 2)
				break;
			sleep(1);
		}
		*path = xasprintf("%s/%s", site.backup_folder, *name);
	}
	if (fd < 0) {
		if (errno == EEXIST || errno == ELOOP)
			fprintf(stderr, _("zorgkiosk: %s already exists; a backup never replaces a file. Choose a new name.\n"),
			    *path);
		else
			fprintf(stderr, _("zorgkiosk: cannot create %s: %s\n"), *path, strerror(errno));
		return -1;
	}
	/* The umask narrows the mode given to open, never widens it. */
	fchmod(fd, 0600);
	return fd;
}

pid_t
backup_spawn(char *const argv[], int in, int out, int err)
{
	static char *const empty[] = { NULL };
	posix_spawn_file_actions_t fa;
	const int fds[3] = { in, out, err };
	pid_t pid;
	int rc;

	posix_spawn_file_actions_init(&fa);
	/* dup2 leaves the copy open across exec; ours are all close-on-exec. */
	for (int i = 0; i < 3; i++)
		if (fds[i] != i)
			posix_spawn_file_actions_adddup2(&fa, fds[i], i);
	rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, empty);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	return pid;
}

/* Write all n bytes of buf to the pipe (ctx points to its descriptor). */
static bool
put(void *ctx, const void *buf, size_t n)
{
	return write_all(*(int *)ctx, buf, n);
}

/* Whether the checks before anything is written pass; says why not. */
static bool
may_back_up(const char *output, char *login, size_t size)
{
	struct stat st;

	if (!staff_allowed(login, size)) {
		fprintf(stderr, _("zorgkiosk: refused: %s is not staff. Only members of the group '%s' may use the staff terminal and the staff commands.\n"),
		    login, site.staff_group);
		return false;
	}
	if (site.backup_recipient == NULL) {
		fprintf(stderr, _("zorgkiosk: the site configuration %s names no backup_recipient. Make a key pair with age-keygen, keep the key file away from this computer, and put its public key (age1...) in the site configuration; see docs/deploy.md (Backups).\n"),
		    site.path ? site.path : zk_conf_path);
		return false;
	}
	if (output == NULL && getuid() != 0) {
		fprintf(stderr, _("zorgkiosk: the backup folder %s is root's; as staff, write a backup to a new file with -o NEW-FILE.\n"),
		    site.backup_folder);
		return false;
	}
	if (access(BACKUP_AGE, X_OK) != 0) {
		fprintf(stderr, _("zorgkiosk: cannot run %s (%s): install the Debian package age.\n"), BACKUP_AGE,
		    strerror(errno));
		return false;
	}
	if (lstat(site.database, &st) != 0) {
		fprintf(stderr, _("zorgkiosk: there is no database at %s: nothing to back up.\n"), site.database);
		return false;
	}
	return true;
}

/* Encrypt the database of s into out with age; *sum gets what it holds. */
static bool
encrypt_into(struct store *s, int out, struct store_summary *sum)
{
	char age[] = BACKUP_AGE, flag[] = "-r", *detail = NULL;
	char *argv[] = { age, flag, site.backup_recipient, NULL };
	int in[2], status = 0;
	enum store_rc rc;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) != 0) {
		fprintf(stderr, _("zorgkiosk: cannot run %s (%s): install the Debian package age.\n"), BACKUP_AGE,
		    strerror(errno));
		return false;
	}
	pid = backup_spawn(argv, in[0], out, STDERR_FILENO);
	close(in[0]);
	if (pid < 0) {
		close(in[1]);
		fprintf(stderr, _("zorgkiosk: cannot run %s (%s): install the Debian package age.\n"), BACKUP_AGE,
		    strerror(errno));
		return false;
	}
	/* When age ends early, the write says so; the signal would end us. */
	signal(SIGPIPE, SIG_IGN);
	rc = store_backup(s, put, &in[1], sum, &detail);
	close(in[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc != STORE_OK) {
		fprintf(stderr, _("zorgkiosk: cannot read the database %s: %s"), site.database, open_reason(rc));
		fprintf(stderr, detail ? " (%s).\n" : ".\n", detail);
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, _("zorgkiosk: %s could not encrypt the backup (exit status %d).\n"), BACKUP_AGE,
		    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		rc = STORE_ERROR;
	} else if (fsync(out) != 0) {
		fprintf(stderr, _("zorgkiosk: cannot write the backup: %s\n"), strerror(errno));
		rc = STORE_ERROR;
	}
	free(detail);
	return rc == STORE_OK;
}

int
backup_run(const char *output)
{
	struct store_summary sum;
	struct store *s;
	enum store_rc rc;
	char login[64], *detail = NULL, *path = NULL, *name = NULL;
	int dir = -1, out = -1;
	bool ok = false;
	gid_t gid;

	if (!may_back_up(output, login, sizeof login) || !backup_db_gid(&gid))
		return 1;
	s = store_open(site.database, site.database_group ? 0660 : 0600, gid, STORE_CHECK_SKIP, &rc, &detail);
	if (s == NULL) {
		fprintf(stderr, _("zorgkiosk: cannot use the database %s: %s"), site.database, open_reason(rc));
		fprintf(stderr, detail ? " (%s).\n" : ".\n", detail);
		free(detail);
		return 1;
	}
	if ((output != NULL || (dir = open_folder()) >= 0) && (out = create_output(output, dir, &path, &name)) >= 0) {
		ok = encrypt_into(s, out, &sum);
		close(out);
		/* A half-written backup is worse than none: it looks complete. */
		if (!ok) {
			if (name != NULL)
				unlinkat(dir, name, 0);
			else
				unlink(path);
			fprintf(stderr, _("zorgkiosk: no backup was made; %s was removed.\n"), path);
		}
	}
	if (ok) {
		char *what = xasprintf("%lld requests to %s", sum.requests, path);

		store_audit(s, login, "backup", NULL, what);
		event_log(LOG_INFO, "backup: %lld requests written to %s", sum.requests, path);
		free(what);
		printf(ngettext("Backup of %s written to %s: %lld request, the newest %s, encrypted to %s.\n",
		    "Backup of %s written to %s: %lld requests, the newest %s, encrypted to %s.\n",
		    (unsigned long)sum.requests), site.database, path, sum.requests,
		    sum.newest_ref[0] ? sum.newest_ref : "-", site.backup_recipient);
		if (dir >= 0)
			prune(dir, site.backup_folder, site.backup_keep);
	}
	if (dir >= 0)
		close(dir);
	store_close(s);
	free(path);
	free(name);
	return ok ? 0 : 1;
}
