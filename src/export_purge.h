/* export_purge.h: staff exports hold personal data, so `zorgkiosk purge`
 * removes those older than site.export_days. Only files this program made
 * go (outfile_is_export: the name it gives, a regular file of the folder's
 * owner with mode 0600 and one link), never through a symlink, and always
 * as the login that owns the folder: root, purging for every staff login,
 * becomes each one in turn, so no one's folder can steer root. */
#ifndef ZK_EXPORT_PURGE_H
#define ZK_EXPORT_PURGE_H

#include <stdio.h>
#include <time.h>

/* Remove the exports last changed before cutoff from the export folder
 * (site.export_folder under home) of the real user, who must own it.
 * Returns how many, or -1 with *why set (caller frees); a missing folder
 * has none. */
int export_purge_own(const char *home, time_t cutoff, char **why);

/* The same for the caller alone or, for root, for every staff login (the
 * staff group's members, site.staff_users and root), each in a child
 * process that has become that login. Problems go to err, one line each.
 * Returns how many were removed in all. */
int export_purge(time_t cutoff, FILE *err);

#endif
