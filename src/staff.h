/* staff.h: who may use the staff terminal and the staff commands. */
#ifndef ZK_STAFF_H
#define ZK_STAFF_H

#include <stdbool.h>
#include <stddef.h>

/* Whether the login running us (the real uid) is staff by the site
 * configuration: root (the administrator), a member of site.staff_group or
 * named in site.staff_users; never the kiosk account. Puts the login name
 * in login. */
bool staff_allowed(char *login, size_t size);
/* The full name of login (its GECOS field), else the login. Caller frees. */
char *staff_name(const char *login);
/* The logins that are staff by the site configuration (staff_users and the
 * members of staff_group; never the kiosk account), sorted, into *logins
 * (caller frees each and the array); returns how many. */
size_t staff_logins(char ***logins);

#endif
