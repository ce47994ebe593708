/* store_backup.c: the database as an image in memory; see store_backup.h. */
#include "store_backup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "util.h"

/* "ZKIO", as store.c writes it. */
#define APP_ID 0x5A4B494F
/* The image goes to the encryption in pieces of this size. */
#define PIECE (64 * 1024)

static sqlite3_int64
one_int(sqlite3 *db, const char *sql, int *rc)
{
	sqlite3_stmt *st;
	sqlite3_int64 v = 0;

	if ((*rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL)) != SQLITE_OK)
		return 0;
	if ((*rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = sqlite3_column_int64(st, 0);
		*rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return v;
}

static int
summarize(sqlite3 *db, struct store_summary *sum)
{
	sqlite3_stmt *st;
	int rc;

	memset(sum, 0, sizeof *sum);
	sum->requests = one_int(db, "SELECT count(*) FROM intake", &rc);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_prepare_v2(db, "SELECT ref, created_at FROM intake ORDER BY created_at DESC, id DESC LIMIT 1",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(sum->newest_ref, sizeof sum->newest_ref, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(sum->newest_at, sizeof sum->newest_at, "%s", (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

enum store_rc
store_summary(struct store *s, struct store_summary *summary)
{
	int rc = summarize(s->db, summary);

	store_forget_pages(s->db);
	return store_rc_of(rc);
}

/* An empty database in memory, its buffer made big enough for size bytes
 * up front: growing it would hold two copies of the image at once. */
static sqlite3 *
memory_db(sqlite3_int64 size, int *rc)
{
	sqlite3 *mem = NULL;
	unsigned char *buf;

	if ((*rc = sqlite3_open_v2(":memory:", &mem, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)) != SQLITE_OK)
		return mem;
	if ((buf = sqlite3_malloc64((sqlite3_uint64)size)) == NULL) {
		*rc = SQLITE_NOMEM;
		return mem;
	}
	*rc = sqlite3_deserialize(mem, "main", buf, 0, size,
	    SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE);
	return mem;
}

enum store_rc
store_backup(struct store *s, bool (*put)(void *ctx, const void *buf, size_t n), void *ctx,
    struct store_summary *summary, char **detail)
{
	sqlite3 *mem = NULL;
	sqlite3_backup *b;
	sqlite3_int64 pages, page_size, size = 0;
	unsigned char *image;
	char *sql;
	int rc, done;

	*detail = NULL;
	/* One read transaction for the summary and the copy: both see the
	 * same moment. In WAL mode it holds up no kiosk. */
	if ((rc = store_exec(s->db, "BEGIN")) != SQLITE_OK || (rc = summarize(s->db, summary)) != SQLITE_OK)
		goto out;
	pages = one_int(s->db, "PRAGMA page_count", &rc);
	if (rc == SQLITE_OK)
		page_size = one_int(s->db, "PRAGMA page_size", &rc);
	if (rc != SQLITE_OK)
		goto out;
	mem = memory_db(pages * page_size + page_size, &rc);
	if (rc != SQLITE_OK)
		goto out;
	/* A database in memory takes only its source's page size. */
	sql = xasprintf("PRAGMA page_size = %lld", (long long)page_size);
	rc = store_exec(mem, sql);
	free(sql);
	if (rc != SQLITE_OK)
		goto out;
	if ((b = sqlite3_backup_init(mem, "main", s->db, "main")) == NULL) {
		rc = sqlite3_errcode(mem);
		goto out;
	}
	rc = sqlite3_backup_step(b, -1);
	done = rc == SQLITE_DONE;
	rc = sqlite3_backup_finish(b);
	if (rc == SQLITE_OK && !done)
		rc = SQLITE_ERROR;
	if (rc != SQLITE_OK)
		goto out;
	store_exec(s->db, "COMMIT");
	/* The database's own buffer, not a copy of it. */
	image = sqlite3_serialize(mem, "main", &size, SQLITE_SERIALIZE_NOCOPY);
	if (image == NULL) {
		rc = SQLITE_NOMEM;
		goto out;
	}
	for (sqlite3_int64 at = 0; at < size; at += PIECE)
		if (!put(ctx, image + at, (size_t)(size - at < PIECE ? size - at : PIECE))) {
			*detail = xstrdup(_("the encryption stopped"));
			sqlite3_close(mem);
			store_forget_pages(s->db);
			return STORE_ERROR;
		}
out:
	if (rc != SQLITE_OK) {
		*detail = xstrdup(mem != NULL && sqlite3_errcode(mem) != SQLITE_OK ? sqlite3_errmsg(mem) :
		    sqlite3_errmsg(s->db));
		store_exec(s->db, "ROLLBACK");
	}
	/* Frees (and so wipes, store.c) the image. */
	sqlite3_close(mem);
	store_forget_pages(s->db);
	return store_rc_of(rc);
}

static unsigned long
be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

enum store_rc
store_image_check(unsigned char *image, size_t size, struct store_summary *summary, char **detail)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st;
	enum store_rc out = STORE_OK;
	int rc;

	*detail = NULL;
	if (size < 512 || memcmp(image, "SQLite format 3", 16) != 0) {
		*detail = xstrdup(_("not a SQLite database"));
		return STORE_NOTOURS;
	}
	if (be32(image + 68) != APP_ID) {
		*detail = xstrdup(_("another program's database"));
		return STORE_NOTOURS;
	}
	if (be32(image + 60) > STORE_SCHEMA)
		return STORE_NEWER;
	/* A WAL needs files beside the database; in memory there are none. */
	if (image[18] == 2 && image[19] == 2)
		image[18] = image[19] = 1;
	store_memory_setup();
	rc = sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_deserialize(db, "main", image, (sqlite3_int64)size, (sqlite3_int64)size,
		    SQLITE_DESERIALIZE_READONLY);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check(1)", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *result = (const char *)sqlite3_column_text(st, 0);

			rc = SQLITE_OK;
			if (!str_eq(result, "ok")) {
				*detail = xasprintf("integrity_check: %s", result ? result : "?");
				out = STORE_DAMAGED;
			}
		}
		sqlite3_finalize(st);
	}
	if (rc == SQLITE_OK && out == STORE_OK && (rc = summarize(db, summary)) != SQLITE_OK)
		out = STORE_NOTOURS;
	if (rc != SQLITE_OK && *detail == NULL)
		*detail = xstrdup(db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	if (rc != SQLITE_OK && out == STORE_OK)
		out = (rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT ? STORE_DAMAGED : store_rc_of(rc);
	sqlite3_close(db);
	return out;
}
