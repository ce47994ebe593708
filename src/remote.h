/* remote.h: the forced command of staff logins over SSH. A login with no
 * command gets the staff terminal; a command must be one of the read-only
 * staff commands (export, stats, audit) with their filter options only:
 * it is split on blanks and checked word by word, never given to a shell. */
#ifndef ZK_REMOTE_H
#define ZK_REMOTE_H

/* Turn SSH_ORIGINAL_COMMAND (cmd, may be NULL) into an argument vector for
 * zorgkiosk: {"zorgkiosk", "staff"} when cmd is empty. Returns the count,
 * with *argv set (free with remote_free), or -1 with *why set (caller
 * frees) when the command is not allowed. */
int remote_argv(const char *cmd, char ***argv, char **why);

/* Free an argument vector from remote_argv. */
void remote_free(char **argv);

#endif
