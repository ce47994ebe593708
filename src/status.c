/* status.c: zorgkiosk status, for a monitor (Nagios, Icinga, a cron
 * mail): a first line OK, WARNING, CRITICAL or UNKNOWN with the age of the
 * newest backup, the exit status to match (0, 1, 2, 3), then details. The
 * first word stays English: monitors read it. */
#include "backup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "events.h"
#include "i18n.h"
#include "print.h"
#include "site.h"
#include "staff.h"
#include "store_backup.h"
#include "util.h"

/* A backup older than these many hours is a warning, or critical. */
#define WARN_HOURS (2 * 24)
#define CRIT_HOURS (7 * 24)
/* Free space on the database's file system below these is a warning
 * (either), or critical. */
#define WARN_FREE_PERCENT 10
#define WARN_FREE_BYTES (1024LL * 1024 * 1024)
#define CRIT_FREE_PERCENT 2

enum state { ST_OK, ST_WARNING, ST_CRITICAL, ST_UNKNOWN };

static const char *const state_word[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

struct report {
	enum state state;
	char *headline; /* after the state word */
	char *backups, *database, *requests, *audit, *disk, *printer; /* detail lines */
};

static void
worse(struct report *r, enum state st)
{
	/* UNKNOWN says less than CRITICAL: a known problem wins. */
	if (r->state == ST_UNKNOWN || (st != ST_UNKNOWN && st > r->state))
		r->state = st;
}

/* How bad a state is, for choosing the headline: UNKNOWN is worse than
 * OK, but a known problem is worse than UNKNOWN. */
static int
rank(enum state st)
{
	static const int ranks[] = { 0, 2, 3, 1 };

	return ranks[st];
}

/* A check found st because of why: the headline becomes why when st is
 * worse than all found before. Takes why. */
static void
reason(struct report *r, enum state st, char *why)
{
	if (rank(st) > rank(r->state)) {
		r->state = st;
		free(r->headline);
		r->headline = why;
	} else {
		free(why);
	}
}

/* "5 hours" or "3 days". Caller frees. */
static char *
age_words(long long hours)
{
	if (hours < 48)
		return xasprintf(ngettext("%lld hour", "%lld hours", (unsigned long)hours), hours);
	return xasprintf(ngettext("%lld day", "%lld days", (unsigned long)(hours / 24)), hours / 24);
}

static void
check_backups(struct report *r)
{
	int dir = open(site.backup_folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC), count = 0;
	char *name = NULL, *age;
	time_t when = 0, now = time(NULL);
	long long hours;

	if (dir < 0) {
		r->state = errno == ENOENT ? ST_CRITICAL : ST_UNKNOWN;
		r->headline = errno == ENOENT ? xasprintf(_("no backup: the folder %s does not exist"), site.backup_folder) :
		    xasprintf(_("cannot read the backup folder %s (%s); run status as root"), site.backup_folder,
		    strerror(errno));
		r->backups = xasprintf(_("backups: none found in %s"), site.backup_folder);
		return;
	}
	if (!backup_newest(dir, &name, &when, &count)) {
		r->state = ST_CRITICAL;
		r->headline = xasprintf(_("no backup in %s"), site.backup_folder);
		r->backups = xasprintf(_("backups: none found in %s"), site.backup_folder);
		close(dir);
		return;
	}
	close(dir);
	hours = when < now ? (long long)(now - when) / 3600 : 0;
	r->state = hours > CRIT_HOURS ? ST_CRITICAL : hours > WARN_HOURS ? ST_WARNING : ST_OK;
	age = age_words(hours);
	r->headline = xasprintf(_("newest backup %s old"), age);
	r->backups = xasprintf(_("backups: %d in %s, the newest %s (%s old)"), count, site.backup_folder, name, age);
	free(age);
	free(name);
}

static void
check_audit(struct report *r, struct store *s)
{
	struct store_audit_check c;
	char min_cut[16];

	site_months_ago(SITE_AUDIT_MIN_MONTHS, min_cut);
	if (store_audit_verify(s, min_cut, &c) != STORE_OK) {
		r->audit = xstrdup(_("audit: the chain could not be read"));
		reason(r, ST_UNKNOWN, xstrdup(_("the audit chain could not be read")));
	} else if (c.bad_id != 0) {
		r->audit = xasprintf(c.missing ? _("audit: chain broken, record %lld was removed") :
		    _("audit: chain broken, record %lld was changed or moved"), c.bad_id);
		reason(r, ST_CRITICAL, xasprintf(_("the audit chain is broken at record %lld"), c.bad_id));
		event_log(LOG_CRIT, "status: the audit chain is broken at record %lld", c.bad_id);
	} else {
		r->audit = xasprintf(_("audit: %lld records chained, last hash %s"), c.count, c.count ? c.head : "-");
	}
}

/* Free space of the file system the database is on. */
static void
check_disk(struct report *r)
{
	char *dir = xstrdup(site.database), *slash = strrchr(dir, '/');
	struct statvfs fs;

	if (slash != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	if (statvfs(slash != NULL ? dir : ".", &fs) != 0 || fs.f_blocks == 0) {
		r->disk = xasprintf(_("disk: cannot see the free space of %s (%s)"), dir, strerror(errno));
		reason(r, ST_UNKNOWN, xstrdup(_("the free disk space cannot be seen")));
		free(dir);
		return;
	}
	long long avail = (long long)fs.f_bavail * (long long)fs.f_frsize;
	int percent = (int)((unsigned long long)fs.f_bavail * 100 / fs.f_blocks);

	r->disk = xasprintf(_("disk: %lld MiB free (%d%%) where the database is"), avail / (1024 * 1024), percent);
	if (percent < CRIT_FREE_PERCENT)
		reason(r, ST_CRITICAL, xasprintf(_("the disk is almost full: %d%% free"), percent));
	else if (percent < WARN_FREE_PERCENT || avail < WARN_FREE_BYTES)
		reason(r, ST_WARNING, xasprintf(_("little disk space: %lld MiB free (%d%%)"), avail / (1024 * 1024),
		    percent));
	free(dir);
}

/* The print queue, when the site has a printer. */
static void
check_printer(struct report *r)
{
	if (!print_available())
		return;
	switch (print_queue_check()) {
	case PRINT_OK:
		r->printer = xasprintf(_("printer: %s reachable, accepting jobs"), site.printer);
		return;
	case PRINT_OFFLINE:
	case PRINT_NO_PAPER:
		r->printer = xasprintf(_("printer: %s is offline or out of paper"), site.printer);
		reason(r, ST_WARNING, xasprintf(_("the printer %s is offline or out of paper"), site.printer));
		return;
	case PRINT_STOPPED:
		r->printer = xasprintf(_("printer: %s is stopped or refuses jobs"), site.printer);
		reason(r, ST_CRITICAL, xasprintf(_("the printer %s is stopped or refuses jobs"), site.printer));
		return;
	default:
		r->printer = xasprintf(_("printer: %s cannot be reached"), site.printer);
		reason(r, ST_CRITICAL, xasprintf(_("the printer %s cannot be reached"), site.printer));
		return;
	}
}

static void
check_database(struct report *r)
{
	struct store_summary sum;
	struct store *s;
	struct stat st;
	enum store_rc rc;
	char *detail = NULL, *head;

	if (lstat(site.database, &st) != 0) {
		r->database = xasprintf(_("database: %s does not exist"), site.database);
		rc = STORE_NOTFOUND;
	} else if ((s = store_open(site.database, 0600, (gid_t)-1, STORE_CHECK_NOW, &rc, &detail)) == NULL) {
		r->database = detail ? xasprintf(_("database: %s: %s (%s)"), site.database, open_reason(rc), detail) :
		    xasprintf(_("database: %s: %s"), site.database, open_reason(rc));
	} else {
		/* store_open refuses a file it cannot write, and read every
		 * page (quick_check) before it returned. */
		r->database = xasprintf(_("database: %s: writable, quick_check ok"), site.database);
		rc = store_summary(s, &sum);
		if (rc == STORE_OK)
			r->requests = sum.requests > 0 ?
			    xasprintf(_("newest request: %s (%s); %lld in all"), sum.newest_at, sum.newest_ref, sum.requests) :
			    xstrdup(_("newest request: none yet"));
		check_audit(r, s);
		store_close(s);
	}
	free(detail);
	if (rc != STORE_OK) {
		worse(r, ST_CRITICAL);
		head = xasprintf(_("the database cannot be used; %s"), r->headline);
		free(r->headline);
		r->headline = head;
	}
}

int
status_run(void)
{
	struct report r = { .state = ST_OK };
	char login[64];

	if (!staff_allowed(login, sizeof login)) {
		printf("UNKNOWN - ");
		printf(_("refused: %s is not staff.\n"), login);
		return ST_UNKNOWN;
	}
	check_backups(&r);
	check_database(&r);
	check_disk(&r);
	check_printer(&r);
	printf("%s - %s\n%s\n%s\n", state_word[r.state], r.headline, r.backups, r.database);
	char *more[] = { r.requests, r.audit, r.disk, r.printer };

	for (size_t i = 0; i < sizeof more / sizeof *more; i++) {
		if (more[i] != NULL)
			printf("%s\n", more[i]);
		free(more[i]);
	}
	free(r.headline);
	free(r.backups);
	free(r.database);
	return (int)r.state;
}
