/* privsep.c: the data group of a set-group-ID zorgkiosk; see privsep.h. */
#include "privsep.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "site.h"
#include "staff.h"
#include "util.h"

static bool active;
static gid_t data_gid;

void
privsep_start(void)
{
	gid_t real = getgid();
	struct stat exe;

	/* Set-group-ID: the effective group differs from the caller's, or the
	 * program file says so (a caller whose own group is the data group,
	 * as 0.2 made the kiosk account, sees no difference otherwise). */
	active = getegid() != real || (stat("/proc/self/exe", &exe) == 0 && (exe.st_mode & S_ISGID) &&
	    exe.st_gid == getegid());
	if (!active)
		return;
	data_gid = getegid();
	if (setresgid(real, real, data_gid) != 0) {
		fputs("zorgkiosk: cannot put the data group aside; nothing was started.\n", stderr);
		_exit(1);
	}
}

bool
privsep_active(void)
{
	return active;
}

static bool
privsep_keep(void)
{
	/* The real group stays the caller's: it says who called, and a real
	 * group other than the effective one keeps ncurses from reading
	 * TERMINFO and the like from the caller's environment. */
	return !active || setresgid(getgid(), data_gid, data_gid) == 0;
}

static void
privsep_drop(void)
{
	gid_t real = getgid(), r, e, s;

	if (!active)
		return;
	if (setresgid(real, real, real) != 0 || getresgid(&r, &e, &s) != 0 || e != real || s != real) {
		fputs(_("zorgkiosk: cannot give up the data group; nothing was started.\n"), stderr);
		_exit(1);
	}
}

static bool
caller_has_group(void)
{
	gid_t groups[256];
	int n;

	if (!active)
		return false;
	if (getgid() == data_gid)
		return true;
	n = getgroups(256, groups);
	for (int i = 0; i < n; i++)
		if (groups[i] == data_gid)
			return true;
	return n < 0;
}

/* Whether the real user is the site's kiosk account (by uid, as staff.c). */
static bool
is_kiosk_account(void)
{
	struct passwd *pw = site.kiosk_user ? getpwnam(site.kiosk_user) : NULL;

	return pw != NULL && pw->pw_uid == getuid();
}

bool
privsep_choose(const char *command)
{
	char login[64];

	if (!active)
		return false;
	if (!str_eq(command, "check-forms") && staff_allowed(login, sizeof login)) {
		if (!privsep_keep()) {
			fputs(_("zorgkiosk: cannot take the data group; nothing was started.\n"), stderr);
			exit(1);
		}
		return false;
	}
	privsep_drop();
	if (!is_kiosk_account())
		return false;
	if (caller_has_group()) {
		fputs(_("zorgkiosk: refused: the kiosk account is in the data group, so it could read every request. Take it out of that group (see docs/deploy.md).\n"),
		    stderr);
		exit(1);
	}
	return command == NULL;
}

bool
privsep_may_write(void)
{
	return !active || (is_kiosk_account() && !caller_has_group() && privsep_keep());
}
