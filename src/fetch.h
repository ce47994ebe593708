/* fetch.h: staff take an export home with `scp -O host:NAME .`. Over SSH
 * the forced command then sees "scp -f NAME"; instead of a real scp (which
 * could read any file) zorgkiosk serves the sending side of the classic
 * scp protocol itself, for one file only: an export it made in the staff
 * member's own export folder (see outfile.h), sent byte for byte. The
 * protocol is scp's own, so the file never passes through a shell's
 * redirection (Windows PowerShell 5.1 re-encodes `>` output, which breaks
 * a workbook), and the scp that ships with Linux, macOS and Windows 11
 * fetches it. */
#ifndef ZK_FETCH_H
#define ZK_FETCH_H

#include <stdbool.h>
#include <sys/types.h>

/* Whether the SSH command cmd (may be NULL) asks to fetch with scp
 * ("scp ... -f ..."); sending to the host (scp -t) is not fetching. */
bool fetch_is_request(const char *cmd);

/* The export name that cmd ("scp [-v] [-p] [-d] -f [--] NAME") asks for.
 * NULL with *why set (caller frees) when it asks anything else: sending
 * to the host (-t), folders (-r), several files or a name that is not an
 * export's (a path, "..", a pattern). Caller frees. */
char *fetch_parse(const char *cmd, char **why);

/* Wait for the receiver's go-ahead (one zero byte) on fd. */
bool fetch_ready(int fd);

/* Open name in the export folder (see outfile_folder) of home, for
 * reading: only an export this program made for the real user, never
 * through a symlink. -1 with *why set (caller frees); *size its size. */
int fetch_open(const char *home, const char *folder, const char *name, off_t *size, char **why);

/* Send the open export fd of size bytes as name over in (answers) and out
 * (the protocol); closes fd. False with *why set when the receiver
 * refused, the connection broke or the file shrank (caller frees; and
 * sends it with fetch_refuse, which the receiver then prints). */
bool fetch_send(int in, int out, int fd, const char *name, off_t size, char **why);

/* The command that fetches the export name from this host, for the staff
 * member logged in: "scp -O [-P port] login@host:name ." with the address
 * and port this SSH session came in on (SSH_CONNECTION), or the host's
 * name outside SSH. Caller frees. */
char *fetch_command(const char *name);

/* Tell the receiver why nothing is sent (it prints the message). */
void fetch_refuse(int out, const char *why);

#endif
