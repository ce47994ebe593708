/* privsep.h: the data group, when zorgkiosk is installed set-group-ID to
 * it (the crontab(1) model; see docs/security.md). No login is in that
 * group: the program alone opens the database, and it decides by the
 * caller's REAL user what it may do:
 *
 *   the kiosk account  the visitor's kiosk, holding no group; its
 *                      requests go to a writer exec'd afresh (the only
 *                      process of that account that holds the group)
 *   staff and root     the staff terminal and the staff commands
 *   anyone else        nothing that opens the data
 *
 * Not set-group-ID (the build tree, the tests), every process runs with
 * the caller's own rights, as before, and these calls change nothing. */
#ifndef ZK_PRIVSEP_H
#define ZK_PRIVSEP_H

#include <stdbool.h>

/* First thing in main: when started set-group-ID, put the group aside
 * (held only as the saved group), so that nothing runs with it until
 * privsep_keep says who the caller is. */
void privsep_start(void);
/* Whether this process was started set-group-ID. */
bool privsep_active(void);
/* Take the data group back for the rest of the process (staff, root, the
 * writer); false when it cannot be. */
bool privsep_keep(void);
/* Give the data group up for good: real, effective and saved. Ends the
 * process when the system refuses (never go on half dropped). */
void privsep_drop(void);
/* Whether the caller's own groups (real or supplementary) hold the data
 * group: then dropping it leaves the files open to the caller. */
bool privsep_caller_has_group(void);

#endif
