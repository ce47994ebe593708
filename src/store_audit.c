/* store_audit.c: the audit trail: what staff did, written only here and
 * read back oldest first. The rows form a hash chain: each row's hash is
 * SHA-256 over the hash of the row before it and its own fields, so a row
 * changed, removed or moved in the file breaks the chain from there on
 * (store_audit_verify). */
#include "store.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_int.h"
#include "util.h"

/* Feed one field: its length first, so that moving text from one field to
 * the next gives another hash; NULL differs from "". */
static void
feed(EVP_MD_CTX *md, const unsigned char *text, int len)
{
	unsigned char head[9] = { text != NULL };

	for (int i = 0; i < 8; i++)
		head[1 + i] = (unsigned char)((unsigned long long)(len < 0 ? 0 : len) >> (8 * i));
	EVP_DigestUpdate(md, head, sizeof head);
	if (text != NULL && len > 0)
		EVP_DigestUpdate(md, text, (size_t)len);
}

/* audit_hash(previous hash, id, at, staff, action, ref, detail, origin,
 * result): the row's hash, 64 hex digits. A SQL function, so that the
 * INSERT computes it from the last row it reads under its own write lock. */
static void
sql_audit_hash(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char sum[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1];

	if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(md);
		sqlite3_result_error_nomem(ctx);
		return;
	}
	EVP_DigestUpdate(md, "zorgkiosk-audit-1", 17);
	for (int i = 0; i < argc; i++) {
		const unsigned char *text = sqlite3_value_text(argv[i]);

		feed(md, sqlite3_value_type(argv[i]) == SQLITE_NULL ? NULL : text, sqlite3_value_bytes(argv[i]));
	}
	EVP_DigestFinal_ex(md, sum, &n);
	EVP_MD_CTX_free(md);
	for (unsigned int i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", sum[i]);
	sqlite3_result_text(ctx, hex, (int)(2 * n), SQLITE_TRANSIENT);
}

void
store_audit_functions(sqlite3 *db)
{
	sqlite3_create_function(db, "audit_hash", 9, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
	    NULL, sql_audit_hash, NULL, NULL);
}

#define AUDIT_HASH_OF(prev) "audit_hash(" prev ", id, at, staff, action, ref, detail, origin, result)"

/* Add audit.origin, audit.result and audit.hash where missing, and chain
 * the rows that have no hash yet, oldest first. Running it again changes
 * nothing. The update trigger steps aside only inside this transaction. */
int
store_audit_chain_schema(sqlite3 *db)
{
	static const char *const cols[] = { "origin", "result", "hash" };
	sqlite3_stmt *list = NULL, *set = NULL;
	int rc = SQLITE_OK;

	for (size_t i = 0; rc == SQLITE_OK && i < sizeof cols / sizeof *cols; i++) {
		char *sql = xasprintf("SELECT count(*) FROM pragma_table_info('audit') WHERE name = '%s'", cols[i]);
		sqlite3_stmt *st;

		rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
		free(sql);
		if (rc != SQLITE_OK)
			return rc;
		rc = sqlite3_step(st) == SQLITE_ROW ? SQLITE_OK : sqlite3_errcode(db);
		bool has = sqlite3_column_int(st, 0) > 0;

		sqlite3_finalize(st);
		if (rc == SQLITE_OK && !has) {
			sql = xasprintf("ALTER TABLE audit ADD COLUMN %s TEXT", cols[i]);
			rc = store_exec(db, sql);
			free(sql);
		}
	}
	if (rc == SQLITE_OK)
		rc = store_exec(db, "DROP TRIGGER IF EXISTS audit_keep_update");
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "SELECT id FROM audit WHERE hash IS NULL ORDER BY id", -1, &list, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "UPDATE audit SET hash = " AUDIT_HASH_OF(
		    "(SELECT p.hash FROM audit p WHERE p.id < audit.id ORDER BY p.id DESC LIMIT 1)")
		    " WHERE id = ?", -1, &set, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(list)) == SQLITE_ROW) {
		sqlite3_bind_int64(set, 1, sqlite3_column_int64(list, 0));
		rc = sqlite3_step(set) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
		sqlite3_reset(set);
	}
	if (rc == SQLITE_DONE)
		rc = SQLITE_OK;
	sqlite3_finalize(list);
	sqlite3_finalize(set);
	if (rc == SQLITE_OK)
		rc = store_exec(db, "CREATE TRIGGER audit_keep_update BEFORE UPDATE ON audit"
		    "  BEGIN SELECT RAISE(ABORT, 'audit rows are never changed'); END;");
	return rc;
}

/* Where the command came from: the SSH client's address, else the
 * terminal, else "local". */
static void
audit_origin(char *out, size_t size)
{
	const char *conn = getenv("SSH_CONNECTION");
	const char *tty = ttyname(STDIN_FILENO);
	char host[64] = "";

	if (conn != NULL && sscanf(conn, "%63s", host) == 1 &&
	    strspn(host, "0123456789abcdefABCDEF.:") == strlen(host))
		snprintf(out, size, "ssh %s", host);
	else
		snprintf(out, size, "%s", tty != NULL ? tty : "local");
}

int
store_insert_audit(struct store *s, const char *staff, const char *action, const char *ref, const char *result,
    const char *detail)
{
	sqlite3_stmt *st;
	char at[32], origin[96];
	/* One statement: it takes the write lock before it reads the last
	 * row, so two writers never chain onto the same row. The id is given,
	 * so the ids run without gaps and a removed row shows. */
	int rc = sqlite3_prepare_v2(s->db, "INSERT INTO audit (id, at, staff, action, ref, detail, origin, result, hash)"
	    " SELECT n, ?1, ?2, ?3, ?4, ?5, ?6, ?7, audit_hash(prev, n, ?1, ?2, ?3, ?4, ?5, ?6, ?7) FROM"
	    " (SELECT coalesce(max(id), 0) + 1 AS n,"
	    "  (SELECT hash FROM audit ORDER BY id DESC LIMIT 1) AS prev FROM audit)", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	store_now(at);
	audit_origin(origin, sizeof origin);
	sqlite3_bind_text(st, 1, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, staff, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, detail, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, origin, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, result, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(s->db);
	sqlite3_finalize(st);
	return rc;
}

enum store_rc
store_audit_result(struct store *s, const char *staff, const char *action, const char *ref, bool ok,
    const char *detail)
{
	int rc = store_exec(s->db, "BEGIN IMMEDIATE");

	if (rc == SQLITE_OK)
		rc = store_insert_audit(s, staff, action, ref, ok ? "ok" : "failed", detail);
	if (rc == SQLITE_OK)
		rc = store_exec(s->db, "COMMIT");
	if (rc != SQLITE_OK)
		store_exec(s->db, "ROLLBACK");
	return store_rc_of(rc);
}

enum store_rc
store_audit(struct store *s, const char *staff, const char *action, const char *ref, const char *detail)
{
	return store_audit_result(s, staff, action, ref, true, detail);
}

enum store_rc
store_audit_each(struct store *s, void (*fn)(void *, const char *const *), void *ctx)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, "SELECT at, staff, action, coalesce(ref, ''), coalesce(detail, ''),"
	    " coalesce(origin, ''), coalesce(result, '') FROM audit ORDER BY id", -1, &st, NULL);

	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *cols[STORE_AUDIT_COLS];

		for (int i = 0; i < STORE_AUDIT_COLS; i++)
			cols[i] = (const char *)sqlite3_column_text(st, i);
		fn(ctx, cols);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : store_rc_of(rc);
}

/* Where the chain starts: after a purge of old records, the anchor (the
 * first record kept) and the hash before it; else record 1. */
static int
audit_start(struct store *s, long long *first, bool *young, const char *min_cut)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, "SELECT a.first, coalesce((SELECT at >= ?1 FROM audit WHERE id = a.first), 0)"
	    " FROM audit_anchor a", -1, &st, NULL);

	*first = 1;
	*young = false;
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_text(st, 1, min_cut, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*first = sqlite3_column_int64(st, 0);
		*young = sqlite3_column_int(st, 1) != 0;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

enum store_rc
store_audit_verify(struct store *s, const char *min_cut, struct store_audit_check *out)
{
	sqlite3_stmt *st = NULL;
	long long first;
	bool young;
	/* Each row's hash again, from the row before it as it is now (the
	 * first from the hash the anchor keeps). */
	int rc = audit_start(s, &first, &young, min_cut);

	memset(out, 0, sizeof *out);
	if (rc == SQLITE_OK && young) {
		/* Records were removed before they were old enough. */
		out->bad_id = first - 1;
		out->missing = true;
		return STORE_OK;
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db, "SELECT id, hash IS " AUDIT_HASH_OF(
		    "coalesce(lag(hash) OVER (ORDER BY id), (SELECT prev FROM audit_anchor WHERE first = audit.id))")
		    ", hash FROM audit ORDER BY id", -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);

		rc = SQLITE_OK;
		if (id != first + out->count) {
			/* A gap: the row after the last good one is gone. */
			out->bad_id = first + out->count;
			out->missing = true;
			break;
		}
		if (!sqlite3_column_int(st, 1)) {
			out->bad_id = id;
			break;
		}
		out->count++;
		snprintf(out->head, sizeof out->head, "%s", (const char *)sqlite3_column_text(st, 2));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_OK ? STORE_OK : store_rc_of(rc);
}
