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
#include <unistd.h>

#include "i18n.h"
#include "site.h"
#include "staff.h"
#include "store_backup.h"
#include "util.h"

/* A backup older than these many hours is a warning, or critical. */
#define WARN_HOURS (2 * 24)
#define CRIT_HOURS (7 * 24)

enum state { ST_OK, ST_WARNING, ST_CRITICAL, ST_UNKNOWN };

static const char *const state_word[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

struct report {
	enum state state;
	char *headline; /* after the state word */
	char *backups, *database, *requests; /* detail lines */
};

static void
worse(struct report *r, enum state st)
{
	/* UNKNOWN says less than CRITICAL: a known problem wins. */
	if (r->state == ST_UNKNOWN || (st != ST_UNKNOWN && st > r->state))
		r->state = st;
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
	printf("%s - %s\n%s\n%s\n", state_word[r.state], r.headline, r.backups, r.database);
	if (r.requests != NULL)
		printf("%s\n", r.requests);
	free(r.headline);
	free(r.backups);
	free(r.database);
	free(r.requests);
	return (int)r.state;
}
