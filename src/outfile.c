/* outfile.c: creating export files; see outfile.h.
 *
 * Staff have no shell, but an export path that could name an existing file
 * would give them one (~/.bashrc), lock them out (~/.ssh/authorized_keys)
 * or destroy the database. So: O_CREAT|O_EXCL (which also refuses any
 * symlink, dangling or not), and never the database's own folder, where
 * SQLite's -wal and -shm live or will live. */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "util.h"

#define NEW_FILE (O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC)

bool
outfile_same_folder(const char *a, const char *b)
{
	char *da = xstrdup(a), *db = xstrdup(b);
	struct stat sa, sb;
	bool same = stat(dirname(da), &sa) == 0 && stat(dirname(db), &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;

	free(da);
	free(db);
	return same;
}

static FILE *
wrap(int fd, char **why, const char *path)
{
	FILE *f;

	if (fd < 0) {
		*why = errno == EEXIST || errno == ELOOP ?
		    xasprintf(_("%s already exists; an export never replaces a file. Choose a new name."), path) :
		    xasprintf(_("cannot create %s: %s"), path, strerror(errno));
		return NULL;
	}
	/* The mode passed to open is narrowed by the umask, never widened. */
	if (fchmod(fd, 0600) != 0 || (f = fdopen(fd, "w")) == NULL) {
		*why = xasprintf(_("cannot create %s: %s"), path, strerror(errno));
		close(fd);
		return NULL;
	}
	return f;
}

int
outfile_new(const char *path, const char *db, bool *db_folder)
{
	char *dir = xstrdup(path), *name = xstrdup(path), *db_dir = xstrdup(db);
	struct stat sd, sdb;
	int dfd, fd = -1, err;

	/* The folder is opened once and the file made in the very folder that
	 * was checked: a link swapped meanwhile cannot move it into the
	 * database's folder (which a set-group-ID zorgkiosk can write). */
	*db_folder = false;
	dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0 && fstat(dfd, &sd) == 0 && stat(dirname(db_dir), &sdb) == 0 && sd.st_dev == sdb.st_dev &&
	    sd.st_ino == sdb.st_ino)
		*db_folder = true;
	else if (dfd >= 0)
		fd = openat(dfd, basename(name), NEW_FILE, 0600);
	err = errno;
	if (dfd >= 0)
		close(dfd);
	free(dir);
	free(name);
	free(db_dir);
	errno = err;
	return fd;
}

FILE *
outfile_create(const char *path, const char *db, char **why)
{
	bool db_folder;
	int fd = outfile_new(path, db, &db_folder);

	*why = NULL;
	if (db_folder) {
		*why = xasprintf(_("%s is in the database's folder; write exports somewhere else."), path);
		return NULL;
	}
	return wrap(fd, why, path);
}

char *
outfile_folder_path(const char *home, const char *folder)
{
	return folder[0] == '/' ? xstrdup(folder) : xasprintf("%s/%s", home, folder);
}

/* Open (making it if missing, when make) the export folder; it must be
 * the caller's own and closed to others, so no one else can plant a link
 * in it. */
int
outfile_folder(const char *home, const char *folder, bool make, char **why)
{
	char *full = outfile_folder_path(home, folder);
	struct stat st;
	int fd;

	*why = NULL;
	if (make && mkdir(full, 0700) != 0 && errno != EEXIST) {
		*why = xasprintf(_("cannot make the export folder %s: %s"), full, strerror(errno));
		free(full);
		return -1;
	}
	fd = open(full, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		*why = xasprintf(_("cannot open the export folder %s: %s"), full, strerror(errno));
	} else if (st.st_uid != getuid() || (st.st_mode & 077) != 0) {
		*why = xasprintf(_("the export folder %s must be yours alone (mode 0700); nothing was written."), full);
	} else {
		free(full);
		return fd;
	}
	if (fd >= 0)
		close(fd);
	free(full);
	return -1;
}

/* "requests-YYYY-MM-DD-HHMMSS" and, for a second one in the same second,
 * "-N" (2 to 99); then ".csv", ".json" or ".xlsx": the names
 * outfile_in_folder gives, and nothing else. */
bool
outfile_is_export_name(const char *name)
{
	static const char shape[] = "requests-9999-99-99-999999";
	const char *p = name, *ext;
	size_t n;

	for (size_t i = 0; shape[i]; i++, p++)
		if (shape[i] == '9' ? *p < '0' || *p > '9' : *p != shape[i])
			return false;
	if (*p == '-') {
		n = strspn(p + 1, "0123456789");
		if (n < 1 || n > 2 || p[1] == '0')
			return false;
		p += 1 + n;
	}
	if (*p++ != '.')
		return false;
	ext = p;
	return str_eq(ext, "csv") || str_eq(ext, "json") || str_eq(ext, "xlsx") || str_eq(ext, "txt");
}

bool
outfile_is_export(const struct stat *st, const char *name, uid_t owner)
{
	return outfile_is_export_name(name) && S_ISREG(st->st_mode) && st->st_uid == owner &&
	    (st->st_mode & 07777) == 0600 && st->st_nlink == 1;
}

FILE *
outfile_in_folder(const char *home, const char *folder, const char *ext, char **path, char **why)
{
	char stamp[32], *name = NULL;
	time_t now = time(NULL);
	struct tm tm;
	int dir, fd = -1;
	FILE *f;

	*why = NULL;
	*path = NULL;
	if ((dir = outfile_folder(home, folder, true, why)) < 0)
		return NULL;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%d-%H%M%S", &tm);
	for (int n = 1; n < 100 && fd < 0; n++) {
		free(name);
		name = n == 1 ? xasprintf("requests-%s.%s", stamp, ext) : xasprintf("requests-%s-%d.%s", stamp, n, ext);
		fd = openat(dir, name, NEW_FILE, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	*path = folder[0] == '/' ? xasprintf("%s/%s", folder, name) : xasprintf("%s/%s/%s", home, folder, name);
	close(dir);
	free(name);
	if ((f = wrap(fd, why, *path)) == NULL) {
		free(*path);
		*path = NULL;
	}
	return f;
}
