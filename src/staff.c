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

char *
staff_name(const char *login)
{
	struct passwd *pw = getpwnam(login);
	size_t n = pw && pw->pw_gecos ? strcspn(pw->pw_gecos, ",") : 0;

	/* The GECOS field's first part is the full name; often empty. */
	return n > 0 ? xstrndup(pw->pw_gecos, n) : xstrdup(login);
}

static void
add_login(char ***logins, size_t *n, const char *login)
{
	/* The uid, not the entry: the next getpwnam overwrites that. */
	struct passwd *kiosk = site.kiosk_user ? getpwnam(site.kiosk_user) : NULL;
	bool has_kiosk = kiosk != NULL;
	uid_t kiosk_uid = has_kiosk ? kiosk->pw_uid : 0;
	struct passwd *pw = getpwnam(login);

	if (pw == NULL || (has_kiosk && kiosk_uid == pw->pw_uid))
		return;
	for (size_t i = 0; i < *n; i++)
		if (str_eq((*logins)[i], pw->pw_name))
			return;
	*logins = xreallocarray(*logins, *n + 1, sizeof **logins);
	(*logins)[(*n)++] = xstrdup(pw->pw_name);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t
staff_logins(char ***logins)
{
	struct group *gr = site.staff_group ? getgrnam(site.staff_group) : NULL;
	gid_t gid = gr ? gr->gr_gid : 0;
	struct passwd *pw;
	size_t n = 0;

	*logins = NULL;
	for (size_t i = 0; site.staff_users && site.staff_users[i]; i++)
		add_login(logins, &n, site.staff_users[i]);
	for (size_t i = 0; gr != NULL && gr->gr_mem[i] != NULL; i++)
		add_login(logins, &n, gr->gr_mem[i]);
	/* Those whose own group it is are members too (getgrouplist). */
	if (gr != NULL) {
		setpwent();
		while ((pw = getpwent()) != NULL)
			if (pw->pw_gid == gid)
				add_login(logins, &n, pw->pw_name);
		endpwent();
	}
	if (n > 0)
		qsort(*logins, n, sizeof **logins, by_name);
	return n;
}
