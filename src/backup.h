/* backup.h: the administrator's commands around the database: backup
 * (an encrypted copy, made while kiosks write), restore (a backup in place
 * of a missing database) and status (for a monitor). Backups are age files
 * (https://age-encryption.org/v1) made by the age tool: see the section
 * "Backups" in docs/security.md for why. */
#ifndef ZK_BACKUP_H
#define ZK_BACKUP_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "store.h"

/* The age tool, run by its absolute path with an empty environment. */
#define BACKUP_AGE "/usr/bin/age"

/* Whether name is backup, restore or status. */
bool backup_is_command(const char *name);

/* zorgkiosk backup [-o NEW-FILE]: root and staff, never the kiosk account.
 * Without output, into the site's backup folder (root's), keeping the
 * newest site.backup_keep there. Returns the exit status. */
int backup_run(const char *output);
/* zorgkiosk restore -i IDENTITY FILE: root only. */
int restore_run(const char *identity, const char *file);
/* zorgkiosk status: one line for a monitor, then details; exits 0 (OK),
 * 1 (WARNING), 2 (CRITICAL) or 3 (UNKNOWN), as monitoring plugins do. */
int status_run(void);

/* When a backup named name (as backup_run names them in the backup
 * folder, "zorgkiosk-20261206T023000Z.db.age") was made; false when name
 * is not such a name. */
bool backup_name_time(const char *name, time_t *when);

/* The newest backup in the open folder dir: a regular file of ours (the
 * effective uid's) named as backup_name_time takes, not followed if it is
 * a link. Sets *name (caller frees) and *when; *count gets how many there
 * are. False when there is none. */
bool backup_newest(int dir, char **name, time_t *when, int *count);

/* The database's group by the site configuration (-1: none), or false
 * with a message printed when the group named does not exist. */
bool backup_db_gid(gid_t *gid);

/* Start argv[0] (an absolute path: no search) with an empty environment
 * and no shell, its standard input, output and error on in, out and err.
 * The child's pid, or -1 with errno set. */
pid_t backup_spawn(char *const argv[], int in, int out, int err);

/* Why the database could not be opened, for an administrator (main.c). */
const char *open_reason(enum store_rc rc);

#endif
