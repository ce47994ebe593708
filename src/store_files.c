/* store_files.c: the database's files, looked at before SQLite opens
 * them. SQLite makes a -wal and a -shm beside the database as soon as it
 * reads it, so a start that is to be refused is refused here, with the
 * files as they were (see store_open). */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "store_int.h"
#include "util.h"

#define WAL_HEADER 32
#define WAL_FRAME_HEADER 24
#define WAL_VERSION 3007000

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* SQLite's WAL checksum over n bytes (a multiple of 8) at p, going on from
 * s; the words are big-endian when big, else little-endian. */
static void
wal_sum(const unsigned char *p, size_t n, bool big, uint32_t s[2])
{
	for (size_t i = 0; i < n; i += 8) {
		uint32_t x0 = big ? get32(p + i) : (uint32_t)p[i + 3] << 24 | (uint32_t)p[i + 2] << 16 |
		    (uint32_t)p[i + 1] << 8 | p[i];
		uint32_t x1 = big ? get32(p + i + 4) : (uint32_t)p[i + 7] << 24 | (uint32_t)p[i + 6] << 16 |
		    (uint32_t)p[i + 5] << 8 | p[i + 4];

		s[0] += x0 + s[1];
		s[1] += x1 + s[0];
	}
}

/* Whether the -wal beside path holds page 1 in a committed transaction, as
 * SQLite's recovery would read it: frames count while their salts and
 * checksums hold, and a transaction counts once its commit frame does. The
 * first 100 bytes of the newest such page 1 go to h. */
bool
store_wal_page1(const char *path, unsigned char h[100])
{
	char *wal = xasprintf("%s-wal", path);
	int fd = open(wal, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	unsigned char head[WAL_HEADER], *frame = NULL, seen[100];
	uint32_t sum[2] = { 0, 0 }, size;
	bool big, found = false, pending = false;
	struct stat st;

	free(wal);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || pread(fd, head, sizeof head, 0) != (ssize_t)sizeof head)
		goto out;
	size = get32(head + 8);
	big = head[3] & 1;
	if ((get32(head) & ~1u) != 0x377f0682 || get32(head + 4) != WAL_VERSION || size < 512 || size > 65536 ||
	    (size & (size - 1)) != 0)
		goto out;
	wal_sum(head, 24, big, sum);
	if (sum[0] != get32(head + 24) || sum[1] != get32(head + 28))
		goto out;
	frame = xmalloc(WAL_FRAME_HEADER + size);
	for (off_t at = WAL_HEADER; pread(fd, frame, WAL_FRAME_HEADER + size, at) == (ssize_t)(WAL_FRAME_HEADER + size);
	    at += WAL_FRAME_HEADER + size) {
		if (get32(frame) == 0 || memcmp(frame + 8, head + 16, 8) != 0)
			break;
		wal_sum(frame, 8, big, sum);
		wal_sum(frame + WAL_FRAME_HEADER, size, big, sum);
		if (sum[0] != get32(frame + 16) || sum[1] != get32(frame + 20))
			break;
		if (get32(frame) == 1) {
			memcpy(seen, frame + WAL_FRAME_HEADER, sizeof seen);
			pending = true;
		}
		/* A commit frame: the transaction's page 1, if any, counts. */
		if (get32(frame + 4) != 0 && pending) {
			memcpy(h, seen, sizeof seen);
			found = true;
			pending = false;
		}
	}
out:
	free(frame);
	close(fd);
	return found;
}

/* Room for what SQLite makes at a start that finds no -wal and -shm: the
 * -shm (32 KiB), the first pages of the -wal and, for a new database, its
 * schema. */
#define ROOM_BYTES (256L << 10)

static bool
exists(const char *path, const char *ext)
{
	char *p = xasprintf("%s%s", path, ext);
	struct stat st;
	bool yes = lstat(p, &st) == 0;

	free(p);
	return yes;
}

enum store_rc
store_files_check(const char *path, char **detail)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	struct statvfs vfs;
	enum store_rc rc = STORE_OK;

	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	/* SQLite makes what is missing of the three files in the folder: it
	 * must be writable, with room on its disk. A folder still to be made
	 * is create_file's. */
	if (!exists(path, "") || !exists(path, "-wal") || !exists(path, "-shm")) {
		if (statvfs(dir, &vfs) == 0 && !(vfs.f_flag & ST_RDONLY) &&
		    (unsigned long long)(geteuid() == 0 ? vfs.f_bfree : vfs.f_bavail) * vfs.f_frsize < ROOM_BYTES) {
			rc = STORE_FULL;
			*detail = xstrdup(strerror(ENOSPC));
		} else if (exists(dir, "") && faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) != 0 &&
		    errno != EROFS) {
			rc = STORE_READONLY;
			*detail = xasprintf("%s: %s", dir, strerror(errno));
		}
	}
	free(dir);
	return rc;
}

void
store_files_own(const char *path, gid_t gid)
{
	static const char *const ext[] = { "-wal", "-shm" };

	if (gid == (gid_t)-1)
		return;
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		char *p = xasprintf("%s%s", path, ext[i]);
		int fd = open(p, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		struct stat st;

		free(p);
		if (fd < 0)
			continue;
		/* Only ours: SQLite made it for this process. */
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() && st.st_gid != gid) {
			int r = fchown(fd, (uid_t)-1, gid);

			(void)r; /* on failure the other account's start names the file */
		}
		close(fd);
	}
}
