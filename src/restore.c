/* restore.c: zorgkiosk restore; see backup.h.
 *
 * A backup goes only where there is no database, and nothing beside it
 * (a -wal left there would be replayed into it). age decrypts it into
 * memory through a pipe; it is checked there, written as a new file next
 * to the database's place and then linked to that name, which fails if
 * anything appeared there meanwhile: nothing is ever replaced. */
#include "backup.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "i18n.h"
#include "privsep.h"
#include "site.h"
#include "store_backup.h"
#include "util.h"

/* Read fd to its end into *buf (wiped when it grows); false on an error. */
static bool
read_all(int fd, unsigned char **buf, size_t *len)
{
	size_t cap = 0;

	*buf = NULL;
	*len = 0;
	for (;;) {
		ssize_t n;

		if (*len == cap) {
			cap = cap ? cap * 2 : (size_t)1 << 20;
			*buf = xreallocarray(*buf, cap, 1);
		}
		n = read(fd, *buf + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0;
		*len += (size_t)n;
	}
}

/* The first line age wrote to its standard error, into msg. */
static void
first_line(int fd, char *msg, size_t size)
{
	size_t len = 0;
	ssize_t n;
	char rest[512];

	while (len + 1 < size && (n = read(fd, msg + len, size - 1 - len)) > 0)
		len += (size_t)n;
	msg[len] = '\0';
	msg[strcspn(msg, "\n")] = '\0';
	while (read(fd, rest, sizeof rest) > 0)
		;
}

/* The backup in file, decrypted with the key in identity, or NULL with
 * a message printed. */
static unsigned char *
decrypt(const char *identity, const char *file, size_t *len)
{
	char age[] = BACKUP_AGE, d[] = "-d", i[] = "-i", *key = xstrdup(identity), msg[512];
	char *argv[] = { age, d, i, key, NULL };
	unsigned char *image = NULL;
	int in, out[2], err[2], status = 0;
	bool read_ok;
	pid_t pid;

	if (access(identity, R_OK) != 0) {
		fprintf(stderr, _("zorgkiosk: cannot read the key file %s: %s\n"), identity, strerror(errno));
		free(key);
		return NULL;
	}
	if ((in = open(file, O_RDONLY | O_CLOEXEC)) < 0) {
		fprintf(stderr, _("zorgkiosk: cannot read the backup %s: %s\n"), file, strerror(errno));
		free(key);
		return NULL;
	}
	if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0 ||
	    (pid = backup_spawn(argv, in, out[1], err[1])) < 0) {
		fprintf(stderr, _("zorgkiosk: cannot run %s (%s): install the Debian package age.\n"), BACKUP_AGE,
		    strerror(errno));
		exit(1);
	}
	close(in);
	close(out[1]);
	close(err[1]);
	free(key);
	read_ok = read_all(out[0], &image, len);
	first_line(err[0], msg, sizeof msg);
	close(out[0]);
	close(err[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (read_ok && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return image;
	wipe_free(image);
	fprintf(stderr, _("zorgkiosk: cannot decrypt %s with the key in %s (%s). Is it the key that belongs to the backup_recipient the backup was made for, and is the file a zorgkiosk backup?\n"),
	    file, identity, msg[0] ? msg : "?");
	return NULL;
}

/* Whether the database's place is free: no database and nothing beside
 * it. Says why not. */
static bool
place_is_free(void)
{
	static const char *const side[] = { "-wal", "-shm", "-journal" };
	char *dir = xstrdup(site.database);
	struct stat st;
	bool ok = false;

	if (lstat(site.database, &st) == 0 || errno != ENOENT) {
		fprintf(stderr, _("zorgkiosk: %s already exists; restore never replaces a database. If it is damaged, stop the kiosks and move it (with its -wal and -shm) away first.\n"),
		    site.database);
	} else if (stat(dirname(dir), &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, _("zorgkiosk: the database's folder %s does not exist; make it as the package does (see docs/deploy.md), then restore.\n"),
		    dir);
	} else {
		ok = true;
		for (size_t i = 0; ok && i < sizeof side / sizeof side[0]; i++) {
			char *p = xasprintf("%s%s", site.database, side[i]);

			if (lstat(p, &st) == 0) {
				fprintf(stderr, _("zorgkiosk: %s lies where the database was; it may belong to another copy of it. Stop the kiosks and move it away first.\n"),
				    p);
				ok = false;
			}
			free(p);
		}
	}
	free(dir);
	return ok;
}

/* Write image as the database, owned by uid:gid with mode. */
static bool
put_in_place(const unsigned char *image, size_t len, uid_t uid, gid_t gid, mode_t mode)
{
	char *tmp = xasprintf("%s.restore-XXXXXX", site.database), *dir;
	int fd = mkostemp(tmp, O_CLOEXEC), e = 0;
	bool ok;

	if (fd < 0) {
		fprintf(stderr, _("zorgkiosk: cannot create %s: %s\n"), tmp, strerror(errno));
		free(tmp);
		return false;
	}
	ok = fchown(fd, uid, gid) == 0 && fchmod(fd, mode) == 0 && write_all(fd, image, len) && fsync(fd) == 0;
	e = errno;
	close(fd);
	if (ok && link(tmp, site.database) != 0) {
		e = errno;
		ok = false;
	}
	unlink(tmp);
	if (!ok) {
		fprintf(stderr, e == EEXIST ?
		    _("zorgkiosk: %s appeared while the backup was restored; it was left as it is.\n") :
		    _("zorgkiosk: cannot write %s: %s\n"), site.database, strerror(e));
	} else {
		/* The new name, too, must survive a power cut. */
		dir = xstrdup(site.database);
		if ((fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
			fsync(fd);
			close(fd);
		}
		free(dir);
	}
	free(tmp);
	return ok;
}

/* Open the restored database (which migrates an older schema) and say
 * what it holds. */
static int
report(const char *file, mode_t mode, gid_t gid, unsigned long schema)
{
	struct store_summary sum;
	enum store_rc rc;
	char *detail = NULL, *what;
	struct store *s = store_open(site.database, mode, gid, STORE_CHECK_NOW, &rc, &detail);

	if (s == NULL || (rc = store_summary(s, &sum)) != STORE_OK) {
		fprintf(stderr, _("zorgkiosk: the backup was restored to %s, but it cannot be opened: %s"), site.database,
		    open_reason(rc));
		fprintf(stderr, detail ? " (%s).\n" : ".\n", detail);
		free(detail);
		store_close(s);
		return 1;
	}
	what = xasprintf("from %s: %lld requests", file, sum.requests);
	store_audit(s, "root", "restore", NULL, what);
	free(what);
	store_close(s);
	printf(ngettext("Restored %s from %s: %lld request, the newest %s of %s.\n",
	    "Restored %s from %s: %lld requests, the newest %s of %s.\n", (unsigned long)sum.requests),
	    site.database, file, sum.requests, sum.newest_ref[0] ? sum.newest_ref : "-",
	    sum.newest_at[0] ? sum.newest_at : "-");
	if (schema < STORE_SCHEMA)
		printf(_("The backup had schema version %lu; the database now has version %d.\n"), schema, STORE_SCHEMA);
	return 0;
}

int
restore_run(const char *identity, const char *file)
{
	struct store_summary sum;
	struct passwd *kiosk;
	unsigned char *image;
	enum store_rc rc;
	unsigned long schema;
	char *detail = NULL;
	size_t len = 0;
	mode_t mode = site.database_group ? 0660 : 0600;
	uid_t uid;
	gid_t gid;
	int status = 1;

	if (getuid() != 0 || geteuid() != 0) {
		fputs(_("zorgkiosk: refused: only root may restore a backup (it creates the database).\n"), stderr);
		return 1;
	}
	if (!place_is_free() || !backup_db_gid(&gid) || (image = decrypt(identity, file, &len)) == NULL)
		return 1;
	schema = len >= 64 ? (unsigned long)image[60] << 24 | image[61] << 16 | image[62] << 8 | image[63] : 0;
	rc = store_image_check(image, len, &sum, &detail);
	if (rc != STORE_OK) {
		fprintf(stderr, rc == STORE_NEWER ?
		    _("zorgkiosk: %s was made by a newer version of zorgkiosk; install that version to restore it.\n") :
		    rc == STORE_DAMAGED ? _("zorgkiosk: %s is damaged; nothing was restored") :
		    _("zorgkiosk: %s is not a zorgkiosk backup; nothing was restored"), file);
		if (rc != STORE_NEWER)
			fprintf(stderr, detail ? " (%s).\n" : ".\n", detail);
		free(detail);
		wipe_free(image);
		return 1;
	}
	/* As the kiosk would have made it at its first start: the kiosk
	 * account's, shared with the site's group; root's when zorgkiosk is
	 * set-group-ID (privsep.h), where the group alone opens it. */
	kiosk = site.kiosk_user ? getpwnam(site.kiosk_user) : NULL;
	uid = kiosk && !privsep_active() ? kiosk->pw_uid : getuid();
	if (gid == (gid_t)-1)
		gid = kiosk ? kiosk->pw_gid : getgid();
	if (put_in_place(image, len, uid, gid, mode))
		status = report(file, mode, gid, schema);
	wipe_free(image);
	return status;
}
