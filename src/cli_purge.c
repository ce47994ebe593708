/* cli_purge.c: the purge (the daily timer runs it): requests whose
 * state's retention period is over, staff exports older than export_days,
 * audit records older than audit_retention (at least 3 years); and, never
 * removed but said, the requests open longer than overdue_days. */
#include "cli.h"

#include <stdlib.h>
#include <time.h>

#include "events.h"
#include "export_purge.h"
#include "i18n.h"
#include "site.h"
#include "util.h"

/* The staff exports older than site.export_days (export_purge.h), for the
 * audit and on the screen. */
static enum store_rc
purge_exports(struct store *s, const char *login)
{
	int n = export_purge(time(NULL) - (time_t)site.export_days * 86400, stderr);
	char *detail = xasprintf("%d staff exports older than %d days", n, site.export_days);
	enum store_rc rc = store_audit(s, login, "purge-exports", NULL, detail);

	free(detail);
	printf(ngettext("Removed %d staff export older than %d days.\n", "Removed %d staff exports older than %d days.\n",
	    (unsigned long)n), n, site.export_days);
	return rc;
}

/* Audit records older than the site's period, never younger than 3 years. */
static enum store_rc
purge_audit(struct store *s, const char *login)
{
	char cut[16];
	int n;
	enum store_rc rc;

	site_months_ago(site.audit_months > SITE_AUDIT_MIN_MONTHS ? site.audit_months : SITE_AUDIT_MIN_MONTHS, cut);
	if ((rc = store_audit_purge(s, cut, login, &n)) != STORE_OK)
		return rc;
	event_log(LOG_INFO, "purge: %d audit records from before %s removed", n, cut);
	printf(ngettext("Removed %d audit record from before %s; the chain goes on from the oldest one kept.\n",
	    "Removed %d audit records from before %s; the chain goes on from the oldest one kept.\n",
	    (unsigned long)n), n, cut);
	return STORE_OK;
}

/* Open requests are never removed: say how many are overdue. */
static enum store_rc
report_overdue(struct store *s)
{
	char cut[16];
	long long n;
	enum store_rc rc;

	site_overdue_day(cut);
	if ((rc = store_count_open(s, cut, &n)) != STORE_OK || n == 0)
		return rc;
	event_log(LOG_WARNING, "purge: %lld requests open for more than %d days (overdue)", n, site.overdue_days);
	printf(ngettext("%lld request is open for more than %d days; it is kept, and staff see it as overdue (a in the staff list).\n",
	    "%lld requests are open for more than %d days; they are kept, and staff see them as overdue (a in the staff list).\n",
	    (unsigned long)n), n, site.overdue_days);
	return STORE_OK;
}

int
cli_purge(struct store *s, const char *login, const char *closed_cut)
{
	char unreachable_cut[16];
	int closed, unreachable;
	enum store_rc rc;

	site_months_ago(site.unreachable_months, unreachable_cut);
	rc = store_purge(s, closed_cut, unreachable_cut, login, &closed, &unreachable);
	if (rc == STORE_OK) {
		event_log(LOG_INFO, "purge: %d closed requests created before %s removed", closed, closed_cut);
		event_log(LOG_INFO, "purge: %d requests not reachable since before %s removed", unreachable, unreachable_cut);
		printf(ngettext("Removed %d closed request created before %s.\n",
		    "Removed %d closed requests created before %s.\n", (unsigned long)closed), closed, closed_cut);
		printf(ngettext("Removed %d request not reachable since before %s.\n",
		    "Removed %d requests not reachable since before %s.\n", (unsigned long)unreachable), unreachable,
		    unreachable_cut);
	} else {
		event_log(LOG_ERR, "purge failed (store error %d)", (int)rc);
	}
	if (rc == STORE_OK)
		rc = purge_exports(s, login);
	if (rc == STORE_OK)
		rc = purge_audit(s, login);
	if (rc == STORE_OK)
		rc = report_overdue(s);
	if (rc != STORE_OK) {
		fprintf(stderr, "zorgkiosk: %s\n", store_message(rc));
		return 1;
	}
	return 0;
}
