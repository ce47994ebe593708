/* fetch.c: the sending side of the classic scp protocol, for one export;
 * see fetch.h. The exchange, after the receiver's first zero byte:
 *
 *   -> "C0600 <size> <name>\n"   <- 0
 *   -> <size> bytes, then 0      <- 0
 *
 * and a refusal is "\1message\n", which the receiver prints. */
#include "fetch.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "outfile.h"
#include "site.h"
#include "util.h"

/* More words than this is never a request of scp's. */
#define MAX_WORDS 8

bool
fetch_is_request(const char *cmd)
{
	const char *f;

	if (cmd == NULL || strncmp(cmd, "scp ", 4) != 0)
		return false;
	/* " -f" as a word of its own: scp sends with it, receives with -t. */
	for (f = cmd; (f = strstr(f, " -f")) != NULL; f += 3)
		if (f[3] == ' ' || f[3] == '\t' || f[3] == '\0')
			return true;
	return false;
}

static char *
not_export(void)
{
	return xstrdup(_("Only your own exports can be fetched, one at a time, by the name the staff terminal shows"
	    " (such as requests-2026-11-24-141500.xlsx): scp -O host:NAME ."));
}

char *
fetch_parse(const char *cmd, char **why)
{
	char *copy = xstrdup(cmd), *save = NULL, *name = NULL;
	bool from = false, ok = true, options = true;
	int words = 0;

	*why = NULL;
	for (char *w = strtok_r(copy, " \t", &save); w && ok; w = strtok_r(NULL, " \t", &save)) {
		if (++words == 1)
			ok = str_eq(w, "scp");
		else if (options && str_eq(w, "-f"))
			from = true;
		else if (options && str_eq(w, "--"))
			options = false;
		/* verbose, keep times, "the target is a folder": nothing to do */
		else if (options && (str_eq(w, "-v") || str_eq(w, "-p") || str_eq(w, "-d")))
			;
		else if (name == NULL && (!options || w[0] != '-') && words <= MAX_WORDS)
			name = xstrdup(w);
		else
			ok = false;
	}
	free(copy);
	if (!ok || !from || name == NULL || !outfile_is_export_name(name)) {
		free(name);
		*why = not_export();
		return NULL;
	}
	return name;
}

bool
fetch_ready(int fd)
{
	char c;

	return read(fd, &c, 1) == 1 && c == '\0';
}

static char *
no_such_export(const char *name)
{
	return xasprintf(_("There is no export %s in your export folder; it may have been removed after %d days."),
	    name, site.export_days);
}

int
fetch_open(const char *home, const char *folder, const char *name, off_t *size, char **why)
{
	char *path = outfile_folder_path(home, folder);
	struct stat st;
	int dir = -1, fd, err = lstat(path, &st) != 0 ? errno : 0;

	free(path);
	*why = NULL;
	/* No folder yet: no export made, or all of them purged. */
	if (err == ENOENT)
		*why = no_such_export(name);
	else
		dir = outfile_folder(home, folder, false, why);
	if (dir < 0)
		return -1;
	/* O_NOFOLLOW: a symlink is refused; O_NONBLOCK: a FIFO cannot hold us. */
	fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	err = errno;
	close(dir);
	if (fd < 0 || fstat(fd, &st) != 0 || !outfile_is_export(&st, name, getuid())) {
		*why = fd < 0 && err == ENOENT ? no_such_export(name) : not_export();
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*size = st.st_size;
	return fd;
}

static bool
put(int out, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(out, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* The receiver's answer: 0 to go on; 1 or 2 and a line when it cannot. */
static bool
answer(int in, char **why)
{
	char c = 1, line[256];
	size_t n = 0;

	if (read(in, &c, 1) == 1 && c == '\0')
		return true;
	while (n + 1 < sizeof line && (c == 1 || c == 2) && read(in, &line[n], 1) == 1 && line[n] != '\n')
		n++;
	line[n] = '\0';
	*why = n > 0 ? xasprintf(_("the receiver refused the file: %s"), line)
	    : xstrdup(_("the connection was closed before the file was sent"));
	return false;
}

bool
fetch_send(int in, int out, int fd, const char *name, off_t size, char **why)
{
	char *head = xasprintf("C0600 %lld %s\n", (long long)size, name), buf[65536];
	off_t left = size;
	bool ok;

	*why = NULL;
	ok = put(out, head, strlen(head)) && answer(in, why);
	free(head);
	while (ok && left > 0) {
		ssize_t n = read(fd, buf, left < (off_t)sizeof buf ? (size_t)left : sizeof buf);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* Shorter than it was: the receiver waits for size
			 * bytes, so they are made up, and the refusal the
			 * caller sends instead of the final 0 marks the file
			 * bad (as scp does). */
			memset(buf, 0, sizeof buf);
			while (left > 0 && put(out, buf, left < (off_t)sizeof buf ? (size_t)left : sizeof buf))
				left -= left < (off_t)sizeof buf ? left : (off_t)sizeof buf;
			*why = xstrdup(_("the export changed while it was sent; fetch it again"));
			close(fd);
			return false;
		}
		ok = put(out, buf, (size_t)n);
		left -= n;
	}
	close(fd);
	ok = ok && put(out, "", 1) && answer(in, why);
	if (!ok && *why == NULL)
		*why = xstrdup(_("the connection was closed before the file was sent"));
	return ok;
}

void
fetch_refuse(int out, const char *why)
{
	char *line = xasprintf("\1zorgkiosk: %s\n", why);

	/* A line break inside would end the message early. */
	for (char *p = line + 1; p[1] != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	put(out, line, strlen(line));
	free(line);
}

char *
fetch_command(const char *name)
{
	const char *conn = getenv("SSH_CONNECTION");
	struct passwd *pw = getpwuid(getuid());
	char host[256] = "", port[8] = "", *out;

	/* "client-address client-port server-address server-port" */
	if (conn == NULL || sscanf(conn, "%*s %*s %255s %7s", host, port) != 2 ||
	    strspn(host, "0123456789abcdefABCDEF.:") != strlen(host) || strspn(port, "0123456789") != strlen(port)) {
		port[0] = '\0';
		if (gethostname(host, sizeof host) != 0 || strspn(host, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != strlen(host))
			snprintf(host, sizeof host, "HOST");
	}
	bool v6 = strchr(host, ':') != NULL;
	char *flag = port[0] != '\0' && !str_eq(port, "22") ? xasprintf("-P %s ", port) : xstrdup("");

	out = xasprintf("scp -O %s%s@%s%s%s:%s .", flag, pw ? pw->pw_name : "USER", v6 ? "[" : "", host,
	    v6 ? "]" : "", name);
	free(flag);
	return out;
}
