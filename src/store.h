/* store.h: the intake database (SQLite). The only file that includes
 * sqlite3.h. Kiosk mode only ever writes: nothing here reads a record back
 * for display in the kiosk. */
#ifndef ZK_STORE_H
#define ZK_STORE_H

#include <stdbool.h>
#include <sys/types.h>

#include "intake.h"

struct store;

/* How a store operation ended; the UI turns these into messages. */
enum store_rc {
	STORE_OK,
	STORE_BUSY,     /* locked by another program for longer than the timeout */
	STORE_FULL,     /* the disk is full */
	STORE_READONLY, /* the file or folder cannot be written */
	STORE_NOTOURS,  /* the file is not a zorgkiosk database, or is damaged */
	STORE_NEWER,    /* made by a newer zorgkiosk */
	STORE_ERROR,    /* anything else */
};

/* The schema version this program writes (PRAGMA user_version). */
#define STORE_SCHEMA 1

/* Open the database at path, creating it (and its folder) with mode, e.g.
 * 0600, when it does not exist, and migrate it. gid >= 0 gives the file to
 * that group. On failure returns NULL, *rc says why and *detail holds
 * SQLite's words (caller frees). */
struct store *store_open(const char *path, mode_t mode, gid_t gid, enum store_rc *rc, char **detail);
/* Close the database. */
void store_close(struct store *s);
/* Store the intake in one transaction and put its reference, e.g.
 * "MZ-2026-0042", in ref (at least 32 bytes). The reference is written only
 * after the commit has finished. */
enum store_rc store_submit(struct store *s, const struct intake *in, enum lang ui, int year, char *ref);
/* A sentence about rc in the current language. */
const char *store_message(enum store_rc rc);

#endif
