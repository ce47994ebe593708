/* store_erase.c: the rights of the person whose data it is: finding every
 * request of the person behind a reference, and erasing them so that
 * nothing of them is left in the file, its index or its -wal. */
#include "store.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "util.h"

/* A phone number or e-mail address as compared: a Dutch number in its
 * national digits (as the search index holds it), any other number as its
 * digits and '+'; an address in lower case without spaces. NULL: nothing
 * to compare. Caller frees. */
static char *
contact_key(const char *value, bool phone)
{
	char *k = phone ? store_search_phone(value) : NULL, *out;
	size_t n = 0;

	if (k != NULL)
		return k;
	out = xmalloc(strlen(value) + 1);
	for (const char *p = value; *p; p++)
		if (phone ? (isdigit((unsigned char)*p) || *p == '+') : !isspace((unsigned char)*p))
			out[n++] = phone ? *p : (char)tolower((unsigned char)*p);
	out[n] = '\0';
	if (n == 0 || (phone && n < 6)) {
		free(out);
		return NULL;
	}
	return out;
}

struct keys {
	char **v;
	bool *phone;
	size_t n;
};

static bool
keys_has(const struct keys *k, const char *key, bool phone)
{
	for (size_t i = 0; i < k->n; i++)
		if (k->phone[i] == phone && str_eq(k->v[i], key))
			return true;
	return false;
}

static void
add_ref(char ***refs, size_t *n, const char *ref)
{
	for (size_t i = 0; i < *n; i++)
		if (str_eq((*refs)[i], ref))
			return;
	*refs = xreallocarray(*refs, *n + 1, sizeof **refs);
	(*refs)[(*n)++] = xstrdup(ref);
}

static bool
listed(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (str_eq(v[i], s))
			return true;
	return false;
}

/* Every answer to a contact field, with its request's reference, oldest
 * request first. */
static int
contact_answers(struct store *s, const struct store_person_fields *pf, sqlite3_stmt **st)
{
	sqlite3_str *q = sqlite3_str_new(s->db);
	size_t n = pf->nphone + pf->nemail;
	char *sql;
	int rc, k = 1;

	sqlite3_str_appendall(q, "SELECT i.ref, a.field, a.value FROM answer a JOIN intake i ON i.id = a.intake_id"
	    " WHERE a.field IN (NULL");
	for (size_t i = 0; i < n; i++)
		sqlite3_str_appendall(q, ", ?");
	sqlite3_str_appendall(q, ") ORDER BY i.id");
	sql = sqlite3_str_finish(q);
	if (sql == NULL)
		return SQLITE_NOMEM;
	rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
	sqlite3_free(sql);
	if (rc != SQLITE_OK)
		return rc;
	for (size_t i = 0; i < pf->nphone; i++)
		sqlite3_bind_text(*st, k++, pf->phone[i], -1, SQLITE_STATIC);
	for (size_t i = 0; i < pf->nemail; i++)
		sqlite3_bind_text(*st, k++, pf->email[i], -1, SQLITE_STATIC);
	return SQLITE_OK;
}

/* One contact answer: the request's reference, the value compared. */
struct contact_answer {
	char *ref, *key;
	bool phone;
};

static bool
has_ref(char **refs, size_t n, const char *ref)
{
	for (size_t i = 0; i < n; i++)
		if (str_eq(refs[i], ref))
			return true;
	return false;
}

/* From the contact answers c: every request linked to ref by a phone
 * number or address, also through another request of the person (one
 * request gave the phone number and the address, the next only the
 * address). */
static void
link_requests(const struct contact_answer *c, size_t nc, char ***refs, size_t *n)
{
	struct keys k = { 0 };
	bool grew = true;

	while (grew) {
		grew = false;
		for (size_t i = 0; i < nc; i++) {
			bool known = keys_has(&k, c[i].key, c[i].phone), ours = has_ref(*refs, *n, c[i].ref);

			if (ours && !known) {
				k.v = xreallocarray(k.v, k.n + 1, sizeof *k.v);
				k.phone = xreallocarray(k.phone, k.n + 1, sizeof *k.phone);
				k.phone[k.n] = c[i].phone;
				k.v[k.n++] = c[i].key;
				grew = true;
			} else if (known && !ours) {
				add_ref(refs, n, c[i].ref);
				grew = true;
			}
		}
	}
	free(k.v);
	free(k.phone);
}

enum store_rc
store_person(struct store *s, const char *ref, const struct store_person_fields *pf, char ***refs, size_t *n)
{
	struct contact_answer *c = NULL;
	size_t nc = 0;
	sqlite3_stmt *st;
	int rc;

	*refs = NULL;
	*n = 0;
	rc = sqlite3_prepare_v2(s->db, "SELECT ref FROM intake WHERE ref = ?", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_rc_of(rc);
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		add_ref(refs, n, (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? STORE_NOTFOUND : store_rc_of(rc);
	if ((rc = contact_answers(s, pf, &st)) == SQLITE_OK) {
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			bool phone = listed(pf->phone, pf->nphone, (const char *)sqlite3_column_text(st, 1));
			char *key = contact_key((const char *)sqlite3_column_text(st, 2), phone);

			if (key == NULL)
				continue;
			c = xreallocarray(c, nc + 1, sizeof *c);
			c[nc++] = (struct contact_answer){ xstrdup((const char *)sqlite3_column_text(st, 0)), key, phone };
		}
		sqlite3_finalize(st);
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	if (rc == SQLITE_OK)
		link_requests(c, nc, refs, n);
	for (size_t i = 0; i < nc; i++) {
		free(c[i].ref);
		free(c[i].key);
	}
	free(c);
	if (rc != SQLITE_OK) {
		store_refs_free(*refs, *n);
		*refs = NULL;
		*n = 0;
	}
	return store_rc_of(rc);
}

void
store_refs_free(char **refs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(refs[i]);
	free(refs);
}

/* Delete request ref with all that hangs on it (answers, history, the
 * kiosk's submit id: ON DELETE CASCADE), and its search text. */
static int
erase_one(struct store *s, const char *ref)
{
	static const char *const sql[] = {
		/* The number stays given out, also when it was the year's last
		 * and refseq did not count it (a request stored by other means). */
		("INSERT INTO refseq (year, last) SELECT year, seq FROM intake WHERE ref = ?1"
		 " ON CONFLICT (year) DO UPDATE SET last = max(last, excluded.last)"),
		"DELETE FROM search_text WHERE intake_id = (SELECT id FROM intake WHERE ref = ?1)",
		"DELETE FROM intake WHERE ref = ?1",
	};
	int rc = SQLITE_OK;

	for (size_t i = 0; i < sizeof sql / sizeof sql[0] && rc == SQLITE_OK; i++) {
		sqlite3_stmt *st;

		if ((rc = sqlite3_prepare_v2(s->db, sql[i], -1, &st, NULL)) != SQLITE_OK)
			break;
		sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(s->db);
		sqlite3_finalize(st);
	}
	return rc;
}

enum store_rc
store_erase(struct store *s, char *const *refs, size_t n, const char *staff, bool *wiped)
{
	int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	*wiped = false;
	if (rc != SQLITE_OK)
		return store_rc_of(rc);
	/* The audit says that, who and when; the references name no one. */
	for (size_t i = 0; i < n && rc == SQLITE_OK; i++)
		if ((rc = erase_one(s, refs[i])) == SQLITE_OK)
			rc = store_insert_audit(s, staff, "erase", refs[i], "ok", "erased at the person's request");
	/* Merge the index's segments: a deleted entry's trigrams stay in them
	 * until then (as in store_purge). */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, "INSERT INTO search (search) VALUES ('optimize')", NULL, NULL, NULL);
	if ((rc = store_end(s, rc)) != SQLITE_OK)
		return store_rc_of(rc);
	*wiped = store_wipe(s, true);
	return STORE_OK;
}

bool
store_wipe(struct store *s, bool rebuild)
{
	/* secure_delete zeroed the freed pages; then as after a purge: the
	 * WAL into the file, the file without free pages, the WAL emptied.
	 * The C call, not the pragma: it says SQLITE_BUSY when a reader kept
	 * the WAL from being emptied. */
	int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);

	if (rc == SQLITE_OK && rebuild)
		rc = sqlite3_exec(s->db, "VACUUM", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	return rc == SQLITE_OK;
}
