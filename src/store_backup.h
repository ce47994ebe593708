/* store_backup.h: the database as one image in memory, for backup and
 * restore (backup.c, restore.c) and the figures status shows. The image
 * never touches a disk unencrypted: it lives in memory, is handed out in
 * pieces, and SQLite's allocator wipes it when it is freed (store.c). */
#ifndef ZK_STORE_BACKUP_H
#define ZK_STORE_BACKUP_H

#include <stddef.h>

#include "store.h"

/* What a database holds, in a few words. */
struct store_summary {
	long long requests;
	char newest_ref[32], newest_at[32]; /* "" when there are no requests */
};

/* Copy the database of s as it is at one moment (SQLite's online backup
 * API, in one step: kiosks keep writing meanwhile) into memory, then call
 * put with the image in pieces, in order; put returns false to stop.
 * *summary gets what the copy holds. The copy is wiped before return. */
enum store_rc store_backup(struct store *s, bool (*put)(void *ctx, const void *buf, size_t n), void *ctx,
    struct store_summary *summary, char **detail);

/* Check an image (a decrypted backup; its bytes 18 and 19 may be set to
 * 1, the rollback journal, since an image in memory cannot use a WAL):
 * a SQLite file that passes PRAGMA integrity_check, with zorgkiosk's
 * application_id and a schema this version reads or migrates. STORE_OK
 * with *summary filled, or why not with *detail (caller frees). */
enum store_rc store_image_check(unsigned char *image, size_t size, struct store_summary *summary,
    char **detail);

/* The requests of s, and the newest. */
enum store_rc store_summary(struct store *s, struct store_summary *summary);

#endif
