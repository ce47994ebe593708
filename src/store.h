/* store.h: the intake database (SQLite); store.c and the other store_*.c are the
 * only files that include sqlite3.h. The kiosk screens only ever write
 * requests: reading them back is for the staff screens and commands. */
#ifndef ZK_STORE_H
#define ZK_STORE_H

#include <stdbool.h>
#include <sys/types.h>

#include "form.h"
#include "intake.h"

struct store;

/* How a store operation ended; the UI turns these into messages. */
enum store_rc {
	STORE_OK,
	STORE_BUSY,     /* locked by another program for longer than the timeout */
	STORE_FULL,     /* the disk is full */
	STORE_READONLY, /* the file or folder cannot be written */
	STORE_NOTOURS,  /* the file is not a zorgkiosk database */
	STORE_NEWER,    /* made by a newer zorgkiosk */
	STORE_CONFLICT, /* someone else changed the request meanwhile */
	STORE_NOTFOUND, /* no such request */
	STORE_DAMAGED,  /* a zorgkiosk database that fails SQLite's checks */
	STORE_ROFS,     /* the file system holding it is read-only */
	STORE_IMMUTABLE, /* the database, -wal or -shm is immutable (chattr +i) */
	STORE_IOERR,    /* the disk reported an error */
	STORE_ERROR,    /* anything else */
};

/* The schema version this program writes (PRAGMA user_version). */
#define STORE_SCHEMA 14

/* When store_open reads every page (PRAGMA quick_check) to find damage. */
enum store_check {
	STORE_CHECK_SKIP,       /* only when a migration is due (staff) */
	STORE_CHECK_NOW,        /* before store_open returns */
	STORE_CHECK_BACKGROUND, /* a kiosk: now when the file is small (a few
	                         * milliseconds); a big one is read by the
	                         * writer meanwhile, and damage found there
	                         * refuses the first submit and all after it */
};

/* Bigger files are checked in the background (about 15 ms of reading). */
#define STORE_CHECK_INLINE_BYTES (4L << 20)

/* Open the database at path, creating it (and its folder) with mode, e.g.
 * 0600, when it does not exist, check it and migrate it. gid >= 0 gives the
 * file to that group. A file that is not ours or newer is refused without a
 * byte of it, its -wal or its -shm changed; so is a damaged one, found by
 * reading every page as check says, or when a migration is due. On failure
 * returns NULL, *rc says why and *detail holds the technical words (caller
 * frees). */
struct store *store_open(const char *path, mode_t mode, gid_t gid, enum store_check check, enum store_rc *rc,
    char **detail);
/* Close the database. */
void store_close(struct store *s);
/* Start the process that stores this program's requests from now on; a
 * kiosk calls it once, before anyone typed, so that the writer holds no
 * visitor's answers but the ones it stores. */
void store_writer_start(struct store *s);
/* The kiosk's store when it may not open the database itself (a set-group-ID
 * zorgkiosk, privsep.h): no connection, only a writer, this program exec'd
 * afresh as `zorgkiosk writer` with its socket as descriptor 3, which
 * holds the data group, opens the file and answers whether it may be
 * used. Returns NULL with *rc saying why not. Another such writer takes
 * over when one is lost. Drafts are never kept through it. */
struct store *store_open_writer(const char *path, enum store_rc *rc);
/* That writer's side, on fd: open_rc is how opening s went (s NULL when
 * it failed); it is said first, then requests are stored until the kiosk
 * closes fd. Closes s. */
void store_serve(struct store *s, enum store_rc open_rc, int fd) __attribute__((noreturn));
/* End the writer, if there is one (store_close does). */
void store_writer_stop(struct store *s);
/* Store the intake in one transaction and put its reference, e.g.
 * "MZ-2026-0042", in ref (at least 32 bytes). The reference is written only
 * after the commit has finished; a number is never given out twice, and
 * grows past 9999 to five digits. The write runs in another process (the
 * writer, or a child of its own), so that a disk fault (a SIGBUS from the
 * mapped -shm) cannot end the caller. */
enum store_rc store_submit(struct store *s, const struct intake *in, lang_id ui, int year, char *ref);
/* The longest location name, in bytes. */
#define STORE_LOCATION_MAX 100
/* Where this kiosk stands (site setting location, or --location): every
 * request store_submit stores from now on carries it. A name longer than
 * STORE_LOCATION_MAX bytes is cut at a character boundary. */
void store_set_location(struct store *s, const char *location);
/* A sentence about rc in the current language. */
const char *store_message(enum store_rc rc);

/* How long a draft is offered again. */
#define STORE_DRAFT_SECONDS (24 * 60 * 60)
/* Keep the answers typed so far by login, whose link dropped (never in
 * kiosk mode). Replaces an older draft of that login. */
enum store_rc store_draft_save(struct store *s, const char *login, const struct intake *in, lang_id ui);
/* Take the draft of login, if one younger than a day exists: fills *in
 * (for f; answers to fields f no longer has are dropped) and *ui, removes
 * it from the file, and returns true. Drafts older than a day are removed
 * whoever they belong to. */
bool store_draft_take(struct store *s, const char *login, const struct forms *f, struct intake *in, lang_id *ui);

/* Staff follow-up (store_record.c, store_status.c, store_audit.c,
 * store_labels.c, store_stats.c, store_purge.c). */

/* The statuses a request can have, in the order of the work. */
extern const char *const store_statuses[];
#define STORE_NSTATUS 5
/* The status name in the current language. */
const char *store_status_label(const char *status);

/* Which requests: every member may be NULL for "any". Dates are YYYY-MM-DD
 * (local), until included. search matches the reference, or part of an
 * answer to one of search_fields. */
struct store_filter {
	const char *status, *option, *since, *until, *search;
	const char *location; /* "" for requests stored before locations */
	const char *assignee; /* a staff login; "" for the ones not assigned */
	const char *callback_before; /* YYYY-MM-DD: a call back due before that
	                              * day, and not closed (overdue) */
	const char *open_before;     /* with callback_before: or still open
	                              * (new, contacted, referred) and came in
	                              * before that day (overdue too) */
	const char *options_field; /* the field holding ticked options */
	const char *const *search_fields;
	size_t nsearch;
};

/* A place in the list: requests are ordered by (created_at, id). */
struct store_key {
	char created[32];
	long long id;
};

/* The longest staff login stored as assignee, in bytes. */
#define STORE_LOGIN_MAX 64

/* One line of the staff list. */
struct store_row {
	struct store_key key;
	char ref[32], status[16];
	char assignee[STORE_LOGIN_MAX + 1]; /* "" when not assigned */
	char callback[16]; /* the day to call back, YYYY-MM-DD; "" when none */
	char *name, *options; /* answers of name_field and f->options_field */
};

/* Up to limit rows, newest first, with the answer of name_field: older
 * than key (dir > 0), from key on (dir == 0), or the ones just newer than
 * key (dir < 0). key NULL: from the newest. Uses the indexes
 * and never reads more than it returns. Caller frees with store_rows_free. */
enum store_rc store_list(struct store *s, const struct store_filter *f, const char *name_field,
    const struct store_key *key, int dir, int limit,
    struct store_row **rows, size_t *n);
void store_rows_free(struct store_row *rows, size_t n);

struct store_answer {
	char *field, *value;
};

struct store_event {
	char at[32];
	char *staff, *old_status, *new_status, *note; /* note or status change */
	char *assignee, *callback; /* or a new assignee / call back day ("": none) */
	char *corrected; /* or the field staff corrected (never its values) */
};

struct store_record {
	long long id;
	char ref[32], created[32], status[16], ui_lang[4];
	char location[STORE_LOCATION_MAX + 1]; /* "" when not known */
	char assignee[STORE_LOGIN_MAX + 1]; /* staff login; "" when not assigned */
	char callback[16]; /* YYYY-MM-DD to call back; "" when none */
	int form_version, version;
	struct store_answer *answers;
	size_t nanswers;
	struct store_event *events;
	size_t nevents;
};

/* Read request ref in full. Caller frees with store_record_free. */
enum store_rc store_record(struct store *s, const char *ref, struct store_record *r);
void store_record_free(struct store_record *r);
/* The answer of r to field, "" when it has none. */
const char *store_record_answer(const struct store_record *r, const char *field);
/* Change the status of r, which staff read at r->version. STORE_CONFLICT
 * when it changed since; then nothing is written. Writes history and audit. */
enum store_rc store_set_status(struct store *s, const struct store_record *r, const char *status, const char *staff);
/* The same, putting back the status r had before a change on the same
 * screen: the audit says it was an undo. */
enum store_rc store_undo_status(struct store *s, const struct store_record *r, const char *status,
    const char *staff);
/* Add a note to request r, with history and audit. */
enum store_rc store_add_note(struct store *s, const struct store_record *r, const char *note, const char *staff);
/* Assign r to staff login assignee ("" or NULL: to nobody), or set the
 * day to call back (YYYY-MM-DD; "" or NULL: none), as staff read it at
 * r->version (STORE_CONFLICT when it changed since). Writes history and
 * audit (store_queue.c). */
enum store_rc store_set_assignee(struct store *s, const struct store_record *r, const char *assignee,
    const char *staff);
enum store_rc store_set_callback(struct store *s, const struct store_record *r, const char *day,
    const char *staff);
/* Append an audit row (the only way audit rows are written). */
enum store_rc store_audit(struct store *s, const char *staff, const char *action, const char *ref, const char *detail);
/* The same, saying whether what was done succeeded (result "ok" or
 * "failed"); store_audit records "ok". */
enum store_rc store_audit_result(struct store *s, const char *staff, const char *action, const char *ref, bool ok,
    const char *detail);
/* Call fn for each audit row, oldest first, with its columns: at, staff,
 * action, ref, detail, origin (SSH client or terminal), result. */
#define STORE_AUDIT_COLS 7
enum store_rc store_audit_each(struct store *s, void (*fn)(void *ctx, const char *const *cols), void *ctx);
/* What store_audit_verify found: count rows chained soundly, head the hash
 * of the last of them; bad_id the first row changed or moved (0: none), or
 * with missing, the first row removed. */
struct store_audit_check {
	long long count, bad_id;
	bool missing;
	char head[65];
};
/* Check the audit's hash chain from its first row (after a purge of old
 * records: from the anchor, which must be older than min_cut, YYYY-MM-DD;
 * a younger one counts as the record before it removed). */
enum store_rc store_audit_verify(struct store *s, const char *min_cut, struct store_audit_check *out);

/* Remember the labels of this form version (once per version). */
enum store_rc store_save_labels(struct store *s, const struct forms *f);
/* The label of field (choice "" for the field itself) in form_version, in
 * lang, from the labels remembered; NULL if unknown. Caller frees. */
char *store_label(struct store *s, int form_version, const char *field, const char *choice, lang_id lang);

/* How far a long read has come, for a screen that shows it: fn gets how
 * many requests were handed on so far and how many match in all. */
struct store_progress {
	void (*fn)(void *ctx, long long done, long long total);
	void *ctx;
};
/* Call fn for each request matching f, oldest first, with its answers and
 * history. With progress (may be NULL): its fn before the first request,
 * every STORE_PROGRESS_STEP requests and after the last. */
#define STORE_PROGRESS_STEP 250
enum store_rc store_each(struct store *s, const struct store_filter *f,
    void (*fn)(void *ctx, const struct store_record *r), void *ctx, const struct store_progress *progress);
/* Count the requests matching f by month ("YYYY-MM"), status and answer
 * to options_field (the options ticked, "" if none), one call of fn per
 * group, in no particular order. Counts in the database: no request is
 * read in full. */
enum store_rc store_stats(struct store *s, const struct store_filter *f, const char *options_field,
    void (*fn)(void *ctx, const char *month, const char *status, const char *options, long long n), void *ctx);
/* Count the requests matching f by month ("YYYY-MM") and location (""
 * for those stored before locations), one call of fn per group, by month
 * and then location. */
enum store_rc store_location_counts(struct store *s, const struct store_filter *f,
    void (*fn)(void *ctx, const char *month, const char *location, long long n), void *ctx);
/* The locations requests were made at, sorted, "" not included: into
 * *names (caller frees each and the array), their number into *n. */
enum store_rc store_locations(struct store *s, char ***names, size_t *n);
/* True when the search index holds the answers to all n fields; adds the
 * ones missing (with the answers stored so far) first: once after the
 * upgrade that made the index, as long as the stored requests need.
 * progress (may be NULL) hears after each batch how many answers of the
 * fields are indexed, of how many. */
bool store_search_ready(struct store *s, const char *const *fields, size_t n, const struct store_progress *progress);
/* The index that stats and the staff list's option filter read, for
 * options_field, made now when missing (a million requests take 1.4 s):
 * migrate makes it at upgrade time, before staff open the list. */
void store_stats_ready(struct store *s, const char *options_field);
/* Delete closed requests created before closed_cut (YYYY-MM-DD), and
 * requests not reachable since before unreachable_cut (by their last
 * status change), so that their data is gone from the file too; *closed
 * and *unreachable get how many. Writes audit. */
enum store_rc store_purge(struct store *s, const char *closed_cut, const char *unreachable_cut, const char *staff,
    int *closed, int *unreachable);
/* How many requests are still open (new, contacted, referred) and came in
 * before cut: the overdue ones, which purge never removes. */
enum store_rc store_count_open(struct store *s, const char *cut, long long *n);
/* Delete the audit records older than cutoff (YYYY-MM-DD) but the newest
 * of them, which stays as the anchor the chain goes on from (its hash
 * before it is kept in audit_anchor); *count gets how many. The caller
 * keeps cutoff at least 3 years back (SITE_AUDIT_MIN_MONTHS):
 * store_audit_verify reports an anchor younger than min_cut. Writes audit
 * (store_audit_purge.c). */
enum store_rc store_audit_purge(struct store *s, const char *cutoff, const char *staff, int *count);

/* The rights of the person whose data it is (store_erase.c). The fields
 * that hold a phone number and an e-mail address: a person is known by
 * them. */
struct store_person_fields {
	const char *const *phone, *const *email;
	size_t nphone, nemail;
};
/* The references of every request of the person behind ref: ref itself,
 * and the requests that gave one of its phone numbers (compared as the
 * search does) or e-mail addresses (case and spaces aside), and so on
 * through those requests' numbers and addresses: ref first, then the
 * others oldest first.
 * STORE_NOTFOUND when ref is not stored. Free with store_refs_free. */
enum store_rc store_person(struct store *s, const char *ref, const struct store_person_fields *pf, char ***refs,
    size_t *n);
void store_refs_free(char **refs, size_t n);
/* Erase the requests refs with their answers, history and index entries,
 * so that nothing of them stays in the file or its -wal. The audit keeps
 * one 'erase' row per reference, and no number is given out again.
 * STORE_OK once erased; *wiped tells whether the file could also be
 * cleaned of their bytes now (not while another program holds it; the
 * next erase or purge does it then). */
enum store_rc store_erase(struct store *s, char *const *refs, size_t n, const char *staff, bool *wiped);

/* The right to rectification (store_correct.c): the answer to field of r
 * (read at r->version; STORE_CONFLICT when it changed since) becomes value
 * ("": no answer), the old value wiped from the file as by store_erase
 * (*wiped). The history and the audit name the field, never a value. */
enum store_rc store_correct(struct store *s, const struct store_record *r, const char *field, const char *value,
    const char *staff, bool *wiped);

/* Staff alerts (store_alerts.c). *started tells whether alerts were ever
 * sent (the audit holds a row 'alert' or 'alert-start'); if so, refs gets
 * the references of the requests after the last one alerted, oldest first
 * (caller frees each and the array). */
enum store_rc store_alert_pending(struct store *s, bool *started, char ***refs, size_t *n);
/* The reference of the newest request into ref (32 bytes), "" if none. */
enum store_rc store_newest_ref(struct store *s, char *ref);

#endif
