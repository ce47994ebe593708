/* staff.h: who may use the staff terminal and the staff commands. */
#ifndef ZK_STAFF_H
#define ZK_STAFF_H

#include <stdbool.h>
#include <stddef.h>

/* Default group whose members are staff. */
#define STAFF_GROUP "zorgkiosk-staff"

/* Whether the Unix user running us is staff: a member of group, or named
 * in users (comma list, may be NULL). Puts the login name in login. */
bool staff_allowed(const char *group, const char *users, char *login, size_t size);

#endif
