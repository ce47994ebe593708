/* staff.c: staff membership; see staff.h. */
#include "staff.h"

#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static bool
in_list(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && strncmp(p, name, n) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

bool
staff_allowed(const char *group, const char *users, char *login, size_t size)
{
	/* The real uid: the login that SSH or getty started us for. */
	struct passwd *pw = getpwuid(getuid());
	struct group *gr;
	gid_t groups[256];
	int n = 256;

	snprintf(login, size, "%s", pw ? pw->pw_name : "?");
	if (pw == NULL)
		return false;
	if (users != NULL && in_list(users, pw->pw_name))
		return true;
	if (group == NULL || (gr = getgrnam(group)) == NULL)
		return false;
	if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
		return false;
	for (int i = 0; i < n; i++)
		if (groups[i] == gr->gr_gid)
			return true;
	return false;
}
