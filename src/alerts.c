/* alerts.c: the staff alerts by e-mail; see alerts.h.
 *
 * Mail goes through the system's sendmail interface, which every Debian
 * MTA provides (exim4, postfix, msmtp-mta): executed by absolute path,
 * without a shell, with a clean environment, the address after "--". The
 * mails are in the office's language, whatever the caller's. */
#include "alerts.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "charset.h"
#include "i18n.h"
#include "intake.h"
#include "site.h"
#include "util.h"

/* The language the office reads its mail in: the first of the table
 * (forms/languages.conf). */
#define OFFICE_LANG 0

/* The kiosk's name in a mail: the host it runs on. */
static void
kiosk_name(char *out, size_t size)
{
	if (gethostname(out, size) != 0 || *out == '\0')
		snprintf(out, size, "-");
	out[size - 1] = '\0';
}

/* s with every byte that is not printable ASCII as '?': for headers, where
 * a line break would start a header of its own. */
static char *
header_safe(const char *s)
{
	char *out = xstrdup(s);

	for (char *p = out; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			*p = '?';
	return out;
}

/* A header value; UTF-8 text is encoded (RFC 2047). Caller frees. */
static char *
header_text(const char *s)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(s), o = 0;
	char *enc, *out;
	bool ascii = true;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		ascii = ascii && *p >= 0x20 && *p <= 0x7e;
	if (ascii)
		return xstrdup(s);
	enc = xmalloc(n / 3 * 4 + 5);
	for (size_t i = 0; i < n; i += 3) {
		unsigned long v = (unsigned long)(unsigned char)s[i] << 16;

		v |= i + 1 < n ? (unsigned long)(unsigned char)s[i + 1] << 8 : 0;
		v |= i + 2 < n ? (unsigned long)(unsigned char)s[i + 2] : 0;
		enc[o++] = b64[v >> 18 & 63];
		enc[o++] = b64[v >> 12 & 63];
		enc[o++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		enc[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	enc[o] = '\0';
	out = xasprintf("=?UTF-8?B?%s?=", enc);
	free(enc);
	return out;
}

/* The message: headers and body (UTF-8, lines ending in LF, as sendmail
 * takes them). Caller frees. */
static char *
message(const char *subject, const char *body)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
		"Sep", "Oct", "Nov", "Dec" };
	char host[256], date[64], zone[8], *to = header_safe(site.alert_to), *from, *subj = header_text(subject), *m;
	time_t now = time(NULL);
	struct tm tm;

	kiosk_name(host, sizeof host);
	from = header_safe(host);
	localtime_r(&now, &tm);
	strftime(zone, sizeof zone, "%z", &tm);
	snprintf(date, sizeof date, "%s, %d %s %d %02d:%02d:%02d %s", days[tm.tm_wday], tm.tm_mday,
	    months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, zone);
	m = xasprintf("From: zorgkiosk <zorgkiosk@%s>\nTo: %s\nSubject: %s\nDate: %s\n"
	    "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n"
	    "Auto-Submitted: auto-generated\n\n%s", from, to, subj, date, body);
	free(to);
	free(from);
	free(subj);
	return m;
}

/* Hand msg to sendmail for site.alert_to; true when it took it (exit 0). */
static bool
sendmail(const char *msg)
{
	static char path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin", lc[] = "LC_ALL=C.UTF-8";
	static char name[] = "sendmail", dot[] = "-i", end[] = "--";
	char *const env[] = { path, lc, NULL }, *const argv[] = { name, dot, end, site.alert_to, NULL };
	size_t len = strlen(msg), done = 0;
	void (*was)(int) = signal(SIGPIPE, SIG_IGN);
	int fd[2], status = 0;
	pid_t pid = 0; /* < 0: the pipe is made, the fork failed */

	if (access(site.sendmail, X_OK) != 0) {
		fprintf(stderr, _("zorgkiosk: there is no %s to send mail with: install an MTA, such as msmtp-mta or exim4 (see docs/deploy.md).\n"),
		    site.sendmail);
		signal(SIGPIPE, was);
		return false;
	}
	fflush(NULL);
	if (pipe2(fd, O_CLOEXEC) != 0 || (pid = fork()) < 0) {
		int err = errno;

		if (pid < 0) {
			close(fd[0]);
			close(fd[1]);
		}
		fprintf(stderr, _("zorgkiosk: cannot start %s: %s\n"), site.sendmail, strerror(err));
		signal(SIGPIPE, was);
		return false;
	}
	if (pid == 0) {
		int out = dup(STDERR_FILENO);

		/* Its output goes to ours for errors: the journal, under a timer. */
		if (dup2(fd[0], STDIN_FILENO) < 0 || out < 0 || dup2(out, STDOUT_FILENO) < 0)
			_exit(127);
		close_range(3, ~0U, 0); /* the database stays with us */
		execve(site.sendmail, argv, env);
		dprintf(STDERR_FILENO, _("zorgkiosk: cannot start %s: %s\n"), site.sendmail, strerror(errno));
		_exit(127);
	}
	close(fd[0]);
	while (done < len) {
		ssize_t n = write(fd[1], msg + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	close(fd[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	signal(SIGPIPE, was);
	if (done < len || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, _("zorgkiosk: %s did not take the mail to %s (exit status %d).\n"), site.sendmail,
		    site.alert_to, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return false;
	}
	return true;
}

/* The titles of the topics ticked in r, comma-separated; "-" for none.
 * Only titles from the forms: an id the forms do not know is left out, so
 * that nothing a visitor typed can reach a mail. Caller frees. */
static char *
topics(const struct forms *f, const struct store_record *r)
{
	const char *value = NULL;
	char *out = xstrdup("");

	for (size_t i = 0; i < f->nfields && value == NULL; i++)
		if (f->fields[i].type == FIELD_OPTIONS)
			for (size_t k = 0; k < r->nanswers; k++)
				if (str_eq(r->answers[k].field, f->fields[i].id))
					value = r->answers[k].value;
	for (size_t p = 0; value != NULL && p < f->npages; p++)
		if (intake_has_id(value, f->pages[p].id)) {
			char *t = xasprintf("%s%s%s", out, *out ? ", " : "", tr(&f->pages[p].title));

			free(out);
			out = t;
		}
	if (*out == '\0') {
		free(out);
		out = xstrdup("-");
	}
	return out;
}

/* When r was made, in local time: "3 december 2026, 14:05". Caller frees. */
static char *
made_at(const char *created)
{
	struct tm tm = { 0 };
	char *day, *out;
	time_t t;

	if (sscanf(created, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
	    &tm.tm_min, &tm.tm_sec) != 6)
		return header_safe(created);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	t = timegm(&tm);
	localtime_r(&t, &tm);
	day = i18n_date(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	out = xasprintf("%s, %02d:%02d", day, tm.tm_hour, tm.tm_min);
	free(day);
	return out;
}

/* The reference as stored, for a mail: printable ASCII only. */
static char *
ref_text(const struct store_record *r)
{
	return header_safe(r->ref);
}

static enum store_rc
alert_one(struct store *s, const struct forms *f, const char *login, const char *ref, bool *sent)
{
	struct store_record r;
	enum store_rc rc = store_record(s, ref, &r);
	char host[256], *what, *when, *safe, *subject, *body, *msg, *detail;
	lang_id was = i18n_lang();

	*sent = false;
	if (rc != STORE_OK)
		return rc == STORE_NOTFOUND ? STORE_OK : rc; /* purged meanwhile */
	/* Where the request was made; the host for one stored before kiosks
	 * had a location. */
	kiosk_name(host, sizeof host);
	i18n_set(OFFICE_LANG);
	what = topics(f, &r);
	when = made_at(r.created);
	safe = ref_text(&r);
	subject = xasprintf(_("New request %s"), safe);
	body = xasprintf(_("A new request came in at the kiosk.\n\nReference: %s\nTopics: %s\nTime: %s\nKiosk: %s\n\n"
	    "The request itself is in the staff terminal (zorgkiosk staff). This mail holds no personal data, on purpose.\n"),
	    safe, what, when, r.location[0] != '\0' ? r.location : host);
	msg = message(subject, body);
	i18n_set(was);
	if (sendmail(msg)) {
		*sent = true;
		detail = xasprintf("mailed to %s", site.alert_to);
		rc = store_audit(s, login, "alert", r.ref, detail);
		free(detail);
		printf(_("Alert sent for %s.\n"), safe);
	} else {
		rc = STORE_ERROR;
	}
	free(msg);
	free(body);
	free(subject);
	free(safe);
	free(when);
	free(what);
	store_record_free(&r);
	return rc;
}

/* One alert per request after the last one alerted. The first run only
 * marks where alerts start: older requests reach the daily list. */
static int
alert_new(struct store *s, const struct forms *f, const char *login)
{
	char **refs, newest[32];
	size_t n, i;
	bool started, sent;
	enum store_rc rc = store_alert_pending(s, &started, &refs, &n);
	int count = 0;

	if (rc == STORE_OK && !started) {
		if ((rc = store_newest_ref(s, newest)) == STORE_OK)
			rc = store_audit(s, login, "alert-start", *newest ? newest : NULL,
			    "alerts by mail start after this request");
		if (rc == STORE_OK)
			printf(_("Alerts start now: the requests made from now on are mailed; the daily list names older ones still new.\n"));
	}
	for (i = 0; rc == STORE_OK && i < n; i++) {
		rc = alert_one(s, f, login, refs[i], &sent);
		count += sent;
	}
	for (i = 0; i < n; i++)
		free(refs[i]);
	free(refs);
	if (rc == STORE_OK && started && count == 0)
		printf(_("No new requests to alert.\n"));
	if (rc != STORE_OK && rc != STORE_ERROR)
		fprintf(stderr, "zorgkiosk: %s\n", store_message(rc));
	return rc == STORE_OK ? 0 : 1;
}

/* The last day whose requests are overdue: they are still new after two
 * whole working days (Monday to Friday) after the day they were made. A
 * request of Monday is listed from Thursday; of Friday, from Wednesday. */
static void
overdue_until(char *out, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;
	int working = 0;

	localtime_r(&now, &tm);
	tm.tm_hour = 12;
	while (working < 2) {
		tm.tm_mday--;
		mktime(&tm);
		working += tm.tm_wday != 0 && tm.tm_wday != 6;
	}
	tm.tm_mday--;
	mktime(&tm);
	strftime(out, size, "%Y-%m-%d", &tm);
}

struct digest {
	const struct forms *f;
	char *lines;
	int count;
};

static void
digest_one(void *ctx, const struct store_record *r)
{
	struct digest *d = ctx;
	char *what = topics(d->f, r), *when = made_at(r->created), *safe = ref_text(r);
	char *lines = xasprintf("%s%s  %s  %s\n", d->lines, safe, when, what);

	free(d->lines);
	d->lines = lines;
	d->count++;
	free(safe);
	free(when);
	free(what);
}

static int
alert_daily(struct store *s, const struct forms *f, const char *login)
{
	char until[16], host[256], *subject, *body, *msg, *detail;
	struct digest d = { .f = f, .lines = xstrdup("") };
	struct store_filter flt = { .status = "new", .until = until };
	lang_id was = i18n_lang();
	enum store_rc rc;

	overdue_until(until, sizeof until);
	i18n_set(OFFICE_LANG);
	rc = store_each(s, &flt, digest_one, &d, NULL);
	i18n_set(was);
	if (rc == STORE_OK && d.count == 0)
		printf(_("No requests still new after two working days: nothing to send.\n"));
	if (rc == STORE_OK && d.count > 0) {
		kiosk_name(host, sizeof host);
		i18n_set(OFFICE_LANG);
		subject = xasprintf(ngettext("%d request still new after two working days",
		    "%d requests still new after two working days", (unsigned long)d.count), d.count);
		body = xasprintf(_("These requests have been new for more than two working days (kiosk %s):\n\n%s\n"
		    "They are in the staff terminal (zorgkiosk staff). This mail holds no personal data, on purpose.\n"),
		    host, d.lines);
		msg = message(subject, body);
		i18n_set(was);
		if (sendmail(msg)) {
			detail = xasprintf("%d requests made on %s or before, still new; mailed to %s", d.count, until, site.alert_to);
			rc = store_audit(s, login, "alert-daily", NULL, detail);
			free(detail);
			printf(ngettext("Sent the list of %d request still new after two working days.\n",
			    "Sent the list of %d requests still new after two working days.\n", (unsigned long)d.count), d.count);
		} else {
			rc = STORE_ERROR;
		}
		free(msg);
		free(body);
		free(subject);
	}
	free(d.lines);
	if (rc != STORE_OK && rc != STORE_ERROR)
		fprintf(stderr, "zorgkiosk: %s\n", store_message(rc));
	return rc == STORE_OK ? 0 : 1;
}

int
alerts_run(struct store *s, const struct forms *f, const char *login, bool daily)
{
	if (site.alert_to == NULL) {
		printf(_("No alert address (alert_to) in the site configuration: no mail sent.\n"));
		return 0;
	}
	return daily ? alert_daily(s, f, login) : alert_new(s, f, login);
}
