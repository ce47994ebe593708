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
/* After the command line is read: who keeps the data group. Staff and
 * root keep it for what they run, but check-forms (it reads a folder the
 * caller names); everyone else gives it up for good. Returns whether the
 * caller is the kiosk account starting the kiosk, which then stores
 * through a writer (store_open_writer). Ends the process, with a message,
 * when the kiosk account is in the data group itself. */
bool privsep_choose(const char *command);
/* For `zorgkiosk writer`: whether this process may store requests, and
 * then holds the data group (the kiosk account, when set-group-ID). */
bool privsep_may_write(void);

#endif
