/* staff.c: staff membership; see staff.h. Only the site configuration
 * decides: no option or variable of the caller's enters here. */
#include "staff.h"

#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "site.h"
#include "util.h"

static bool
in_group(const struct passwd *pw, const char *group)
{
	struct group *gr = group ? getgrnam(group) : NULL;
	gid_t groups[256];
	int n = 256;

	if (gr == NULL || getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
		return false;
	for (int i = 0; i < n; i++)
		if (groups[i] == gr->gr_gid)
			return true;
	return false;
}

bool
staff_allowed(char *login, size_t size)
{
	/* The real uid: the login that SSH or getty started us for. */
	uid_t uid = getuid();
	struct passwd *pw = getpwuid(uid), *kiosk;

	snprintf(login, size, "%s", pw ? pw->pw_name : "?");
	if (pw == NULL)
		return false;
	/* By uid, so that another name for the same account counts too. */
	kiosk = site.kiosk_user ? getpwnam(site.kiosk_user) : NULL;
	if (kiosk != NULL && kiosk->pw_uid == uid)
		return false;
	if (uid == 0)
		return true;
	for (size_t i = 0; site.staff_users && site.staff_users[i]; i++)
		if (str_eq(site.staff_users[i], pw->pw_name))
			return true;
	return in_group(pw, site.staff_group);
}
