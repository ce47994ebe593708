/* export_purge.c: removing old staff exports; see export_purge.h. */
#include "export_purge.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "i18n.h"
#include "outfile.h"
#include "site.h"
#include "util.h"

int
export_purge_own(const char *home, time_t cutoff, char **why)
{
	char *path = outfile_folder_path(home, site.export_folder);
	int dir, removed = 0;
	bool found, missing;
	struct dirent *e;
	struct stat st;
	DIR *d;

	*why = NULL;
	/* No folder: nothing was ever exported here. A folder of all staff
	 * (export_folder "/..."): its owner's only. */
	found = lstat(path, &st) == 0;
	missing = !found && errno == ENOENT;
	free(path);
	if (missing || (found && site.export_folder[0] == '/' && st.st_uid != getuid()))
		return 0;
	if ((dir = outfile_folder(home, site.export_folder, false, why)) < 0)
		return -1;
	if ((d = fdopendir(dir)) == NULL) {
		*why = xasprintf("%s", strerror(errno));
		close(dir);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		/* lstat's view: a symlink is a symlink, and is left alone. */
		if (fstatat(dir, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !outfile_is_export(&st, e->d_name, getuid()) || st.st_mtime >= cutoff)
			continue;
		if (unlinkat(dir, e->d_name, 0) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}

/* Purge pw's folder in a child that has become pw; its count comes back
 * through a pipe. -1 when the child could not. */
static int
purge_as(const struct passwd *pw, time_t cutoff, FILE *err)
{
	int fds[2], n = -1, status;
	pid_t pid;

	if (pipe(fds) != 0 || (pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		char *why = NULL;

		close(fds[0]);
		if (setgroups(0, NULL) != 0 || setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) != 0 ||
		    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0) {
			fprintf(err, _("zorgkiosk: cannot become %s to remove old exports: %s\n"), pw->pw_name,
			    strerror(errno));
			_exit(1);
		}
		n = export_purge_own(pw->pw_dir, cutoff, &why);
		if (why != NULL)
			fprintf(err, _("zorgkiosk: old exports of %s were not removed: %s\n"), pw->pw_name, why);
		fflush(err);
		(void)!write(fds[1], &n, sizeof n);
		_exit(n < 0);
	}
	close(fds[1]);
	if (read(fds[0], &n, sizeof n) != (ssize_t)sizeof n)
		n = -1;
	close(fds[0]);
	waitpid(pid, &status, 0);
	return n;
}

static bool
seen(const uid_t *uids, size_t n, uid_t uid)
{
	for (size_t i = 0; i < n; i++)
		if (uids[i] == uid)
			return true;
	return false;
}

int
export_purge(time_t cutoff, FILE *err)
{
	struct group *gr = site.staff_group ? getgrnam(site.staff_group) : NULL;
	struct passwd *kiosk = site.kiosk_user ? getpwnam(site.kiosk_user) : NULL, *pw;
	uid_t kiosk_uid = kiosk ? kiosk->pw_uid : (uid_t)-1; /* getpwent reuses its struct */
	uid_t *done = NULL;
	size_t ndone = 0;
	int total = 0, n;

	if (getuid() != 0) {
		char *why = NULL;

		pw = getpwuid(getuid());
		n = pw ? export_purge_own(pw->pw_dir, cutoff, &why) : 0;
		if (why != NULL)
			fprintf(err, _("zorgkiosk: old exports of %s were not removed: %s\n"), pw->pw_name, why);
		free(why);
		return n > 0 ? n : 0;
	}
	/* Every login on the host that is staff: root, the group's members
	 * (also by their first group) and the logins named; never the kiosk. */
	setpwent();
	while ((pw = getpwent()) != NULL) {
		bool staff = pw->pw_uid == 0 || (gr != NULL && pw->pw_gid == gr->gr_gid);

		for (size_t i = 0; !staff && gr != NULL && gr->gr_mem[i]; i++)
			staff = str_eq(gr->gr_mem[i], pw->pw_name);
		for (size_t i = 0; !staff && site.staff_users && site.staff_users[i]; i++)
			staff = str_eq(site.staff_users[i], pw->pw_name);
		if (!staff || pw->pw_uid == kiosk_uid || seen(done, ndone, pw->pw_uid))
			continue;
		done = xreallocarray(done, ndone + 1, sizeof *done);
		done[ndone++] = pw->pw_uid;
		n = purge_as(pw, cutoff, err);
		total += n > 0 ? n : 0;
	}
	endpwent();
	free(done);
	return total;
}
