/* site.c: the site configuration file; see site.h.
 *
 * The file decides who is staff, so it is trusted only when the party that
 * installed the program wrote it: it must be owned by root or by the owner
 * of this program's executable, and neither it nor its folder may be
 * writable by anyone else. A caller cannot name another file (the path is
 * compiled in; the test build alone reads ZK_TEST_CONF, under the same
 * rule). */
#include "site.h"

#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "charset.h"
#include "i18n.h"
#include "paths.h"
#include "util.h"

/* Larger than any sensible site file; refuses a device or a huge file. */
#define SITE_MAX_BYTES (64 * 1024)

struct site site;

/* The host name: an unconfigured kiosk still says where it stands. */
static char *
default_location(void)
{
	char host[256] = "";

	if (gethostname(host, sizeof host - 1) != 0 || !site_location_valid(host))
		snprintf(host, sizeof host, "kiosk");
	return xstrdup(host);
}

bool
site_location_valid(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n <= 100 && charset_valid_utf8(name, false) && !charset_has_invisible(name);
}

static void
free_list(char **list)
{
	for (size_t i = 0; list != NULL && list[i] != NULL; i++)
		free(list[i]);
	free(list);
}

static void
set_defaults(void)
{
	site.path = NULL;
	site.database = xstrdup(zk_db_path);
	site.database_group = NULL;
	site.forms = xstrdup(zk_forms_dir);
	site.staff_group = xstrdup("zorgkiosk-staff");
	site.staff_users = xcalloc(1, sizeof *site.staff_users);
	site.kiosk_user = xstrdup("zorgkiosk");
	site.export_folder = xstrdup("zorgkiosk-exports");
	site.printer = NULL;
	site.print_server = NULL;
	site.retention_months = 12;
	site.unreachable_months = 3;
	site.overdue_days = 30;
	site.audit_months = 36;
	site.review_days = 365;
	site.export_days = 7;
	site.idle_secs = 120;
	site.backup_recipient = NULL;
	site.backup_folder = xstrdup("/var/backups/zorgkiosk");
	site.backup_keep = 14;
	site.speech = SPEECH_AVAILABLE;
	/* The languages staff call back in: inZet's, until a site says more. */
	site.staff_languages = xcalloc(3, sizeof *site.staff_languages);
	site.staff_languages[0] = xstrdup("nl");
	site.staff_languages[1] = xstrdup("en");
	site.location = default_location();
	site.alert_to = NULL;
	site.sendmail = "/usr/sbin/sendmail";
#ifdef ZK_TEST_HOOKS
	/* The tests' own MTA; the installed program always uses the system's. */
	if (getenv("ZK_TEST_SENDMAIL") != NULL && *getenv("ZK_TEST_SENDMAIL") != '\0')
		site.sendmail = getenv("ZK_TEST_SENDMAIL");
#endif
}

/* Whether uid may have written a file we trust: root, or the owner of the
 * running executable (the developer, for a build-tree binary). */
static bool
trusted_owner(uid_t uid)
{
	struct stat exe;

	if (uid == 0)
		return true;
	return stat("/proc/self/exe", &exe) == 0 && exe.st_uid == uid;
}

/* Why st (of what) may not be trusted, or NULL when it may. */
static char *
untrusted(const struct stat *st, const char *what)
{
	if (!trusted_owner(st->st_uid))
		return xasprintf(_("%s is not owned by root (owner uid %u); refusing it, because its owner could make anyone staff."),
		    what, (unsigned)st->st_uid);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return xasprintf(_("%s can be changed by others than its owner (mode %04o); refusing it. Make it writable by its owner only (chmod go-w)."),
		    what, (unsigned)(st->st_mode & 07777));
	return NULL;
}

/* Read the file at path into a NUL-terminated buffer, checking the trust
 * rule on the open file and its folder. Returns NULL with *error set, or
 * NULL with *error NULL when the file does not exist. */
static char *
read_trusted(const char *path, char **error)
{
	char *dir = xstrdup(path), *buf = NULL, *why;
	struct stat st;
	ssize_t n;
	size_t len = 0;
	int fd;

	*error = NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno != ENOENT)
			*error = xasprintf(_("cannot read the site configuration %s: %s"), path, strerror(errno));
		free(dir);
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > SITE_MAX_BYTES) {
		*error = xasprintf(_("the site configuration %s is not a regular file of at most 64 KB."), path);
		goto out;
	}
	if ((why = untrusted(&st, path)) != NULL) {
		*error = why;
		goto out;
	}
	if (stat(dirname(dir), &st) != 0 || (why = untrusted(&st, dir)) != NULL) {
		*error = why ? why : xasprintf(_("cannot read the site configuration %s: %s"), path, strerror(errno));
		goto out;
	}
	buf = xmalloc(SITE_MAX_BYTES + 1);
	while (len < SITE_MAX_BYTES && (n = read(fd, buf + len, SITE_MAX_BYTES - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	if (memchr(buf, '\0', len) != NULL) {
		*error = xasprintf(_("the site configuration %s holds a NUL byte."), path);
		free(buf);
		buf = NULL;
	}
out:
	close(fd);
	free(dir);
	return buf;
}

/* A string setting: replaces *out when present; "" means none (NULL). */
static bool
get_string(config_t *cf, const char *name, char **out, bool may_be_empty, char **error)
{
	config_setting_t *s = config_lookup(cf, name);
	const char *v;

	if (s == NULL)
		return true;
	if ((v = config_setting_get_string(s)) == NULL || (*v == '\0' && !may_be_empty)) {
		*error = xasprintf(_("line %d: %s must be a non-empty string in quotes."),
		    config_setting_source_line(s), name);
		return false;
	}
	free(*out);
	*out = *v ? xstrdup(v) : NULL;
	return true;
}

static bool
get_number(config_t *cf, const char *name, int *out, int min, int max, char **error)
{
	config_setting_t *s = config_lookup(cf, name);

	if (s == NULL)
		return true;
	if (config_setting_type(s) != CONFIG_TYPE_INT || config_setting_get_int(s) < min ||
	    config_setting_get_int(s) > max) {
		*error = xasprintf(_("line %d: %s must be a whole number from %d to %d."),
		    config_setting_source_line(s), name, min, max);
		return false;
	}
	*out = config_setting_get_int(s);
	return true;
}

/* A period such as retention = "12m": months, or "2y"; into *months. */
static bool
get_period(config_t *cf, const char *name, int *months, char **error)
{
	config_setting_t *s = config_lookup(cf, name);
	const char *v;
	char *end;
	long n;

	if (s == NULL)
		return true;
	v = config_setting_get_string(s);
	n = v ? strtol(v, &end, 10) : 0;
	if (v == NULL || end == v || n < 1 || n > 100 || (!str_eq(end, "m") && !str_eq(end, "y"))) {
		*error = xasprintf(_("line %d: %s is a period such as \"12m\" (months) or \"2y\" (years)."),
		    config_setting_source_line(s), name);
		return false;
	}
	*months = (int)(str_eq(end, "y") ? n * 12 : n);
	return true;
}

/* audit_retention: a period of at least SITE_AUDIT_MIN_MONTHS. */
static bool
get_audit_retention(config_t *cf, char **error)
{
	if (!get_period(cf, "audit_retention", &site.audit_months, error))
		return false;
	if (site.audit_months < SITE_AUDIT_MIN_MONTHS) {
		*error = xasprintf(_("line %d: audit_retention is at least \"3y\": the BIO (5.28.01) asks that the audit is kept for 3 years."),
		    config_setting_source_line(config_lookup(cf, "audit_retention")));
		return false;
	}
	return true;
}

/* The list name = ["a", "b"] into *out (NULL-terminated; stays NULL when
 * the setting is absent); words are what the list holds, for the message. */
static bool
get_list(config_t *cf, const char *name, char ***out, const char *example, char **error)
{
	config_setting_t *s = config_lookup(cf, name);
	int n;

	if (s == NULL)
		return true;
	n = config_setting_is_array(s) || config_setting_is_list(s) ? config_setting_length(s) : -1;
	for (int i = 0; i < n; i++) {
		const char *v = config_setting_get_string_elem(s, i);

		if (v == NULL || *v == '\0')
			n = -1;
	}
	if (n < 0) {
		/* L10N: the setting's name, then an example of its value. */
		*error = xasprintf(_("line %d: %s is a list such as %s."), config_setting_source_line(s), name,
		    example);
		return false;
	}
	if (*out != NULL)
		for (size_t i = 0; (*out)[i] != NULL; i++)
			free((*out)[i]);
	free(*out);
	*out = xcalloc((size_t)n + 1, sizeof **out);
	for (int i = 0; i < n; i++)
		(*out)[i] = xstrdup(config_setting_get_string_elem(s, i));
	return true;
}

/* languages and staff_languages: ISO 639-1 codes, each once. */
static bool
get_languages(config_t *cf, const char *name, char ***out, char **error)
{
	if (!get_list(cf, name, out, "[\"nl\", \"en\", \"tr\"]", error))
		return false;
	for (size_t i = 0; *out != NULL && (*out)[i] != NULL; i++) {
		const char *v = (*out)[i];
		bool twice = false;

		for (size_t j = 0; j < i; j++)
			twice |= str_eq((*out)[j], v);
		if (strlen(v) != 2 || strspn(v, "abcdefghijklmnopqrstuvwxyz") != 2 || twice) {
			/* L10N: the setting's name, then the code it holds. */
			*error = xasprintf(_("line %d: %s holds \"%s\": write each language once, as its "
			    "two-letter ISO 639-1 code such as \"tr\"."),
			    config_setting_source_line(config_lookup(cf, name)), name, v);
			return false;
		}
	}
	return true;
}

/* speech: "off", "available" (a key turns it on) or "on". */
static bool
get_speech(config_t *cf, char **error)
{
	static const char *const names[] = { "off", "available", "on" };
	config_setting_t *s = config_lookup(cf, "speech");
	const char *v;

	if (s == NULL)
		return true;
	v = config_setting_get_string(s);
	for (size_t i = 0; v != NULL && i < sizeof names / sizeof names[0]; i++)
		if (str_eq(v, names[i])) {
			site.speech = (enum speech_mode)i;
			return true;
		}
	*error = xasprintf(_("line %d: speech is \"off\", \"available\" or \"on\"."), config_setting_source_line(s));
	return false;
}

/* Whether v is an age X25519 public key: "age1" and 58 characters of
 * bech32 (BIP 173) with a sound checksum, so that a mistyped key is found
 * here, not by the first backup; other kinds (plugins) are not taken. */
static bool
age_recipient(const char *v)
{
	static const char set[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
	static const unsigned long gen[5] = { 0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3 };
	unsigned long chk = 1;
	/* The prefix "age" expanded, its separator, then the data. */
	int values[3 + 1 + 3 + 58];
	size_t n = 0;

	if (strlen(v) != 62 || strncmp(v, "age1", 4) != 0)
		return false;
	for (int i = 0; i < 3; i++)
		values[n++] = v[i] >> 5;
	values[n++] = 0;
	for (int i = 0; i < 3; i++)
		values[n++] = v[i] & 31;
	for (const char *p = v + 4; *p; p++) {
		const char *at = strchr(set, *p);

		if (at == NULL)
			return false;
		values[n++] = (int)(at - set);
	}
	for (size_t i = 0; i < n; i++) {
		unsigned long top = chk >> 25;

		chk = ((chk & 0x1ffffff) << 5) ^ (unsigned long)values[i];
		for (int k = 0; k < 5; k++)
			if ((top >> k) & 1)
				chk ^= gen[k];
	}
	return chk == 1;
}

static bool
get_recipient(config_t *cf, char **error)
{
	config_setting_t *s = config_lookup(cf, "backup_recipient");

	if (!get_string(cf, "backup_recipient", &site.backup_recipient, true, error))
		return false;
	if (site.backup_recipient != NULL && !age_recipient(site.backup_recipient)) {
		*error = xasprintf(_("line %d: backup_recipient is an age public key, \"age1\" and 58 more letters and digits as age-keygen prints it; this one is not (mistyped, or cut short)."),
		    config_setting_source_line(s));
		return false;
	}
	return true;
}

static bool
get_location(config_t *cf, char **error)
{
	config_setting_t *s = config_lookup(cf, "location");

	if (!get_string(cf, "location", &site.location, false, error))
		return false;
	if (s != NULL && !site_location_valid(site.location)) {
		*error = xasprintf(_("line %d: location is a name of 1 to 100 bytes, without control characters."),
		    config_setting_source_line(s));
		return false;
	}
	return true;
}

/* alert_to: one address, as sendmail takes it after "--"; no spaces,
 * quotes or line breaks, which would change the mail's headers. */
static bool
get_alert_to(config_t *cf, char **error)
{
	config_setting_t *s = config_lookup(cf, "alert_to");
	const char *v;

	if (!get_string(cf, "alert_to", &site.alert_to, true, error))
		return false;
	v = site.alert_to;
	if (v != NULL && (*v == '-' || *v == '@' || strspn(v, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~@-") != strlen(v))) {
		*error = xasprintf(_("line %d: alert_to is one e-mail address, such as \"zorg@example.nl\"."),
		    config_setting_source_line(s));
		return false;
	}
	return true;
}

static const char *const known[] = { "database", "database_group", "forms", "staff_group",
	"staff_users", "kiosk_user", "export_folder", "printer", "print_server", "retention",
	"review_days", "idle", "backup_recipient", "backup_folder", "backup_keep", "export_days", "speech",
	"location", "alert_to", "languages", "staff_languages", "retention_unreachable", "overdue_days",
	"audit_retention", NULL };

static bool
parse(config_t *cf, char **error)
{
	config_setting_t *root = config_root_setting(cf);

	for (int i = 0; i < config_setting_length(root); i++) {
		config_setting_t *m = config_setting_get_elem(root, (unsigned)i);
		bool ok = false;

		for (size_t k = 0; known[k] && !ok; k++)
			ok = str_eq(config_setting_name(m), known[k]);
		if (!ok) {
			*error = xasprintf(_("line %d: unknown setting \"%s\"."), config_setting_source_line(m),
			    config_setting_name(m));
			return false;
		}
	}
	return get_string(cf, "database", &site.database, false, error) &&
	    get_string(cf, "database_group", &site.database_group, true, error) &&
	    get_string(cf, "forms", &site.forms, false, error) &&
	    get_string(cf, "staff_group", &site.staff_group, false, error) &&
	    get_list(cf, "staff_users", &site.staff_users, "[\"alice\", \"bob\"]", error) &&
	    get_languages(cf, "languages", &site.languages, error) &&
	    get_languages(cf, "staff_languages", &site.staff_languages, error) &&
	    get_string(cf, "kiosk_user", &site.kiosk_user, false, error) &&
	    get_string(cf, "export_folder", &site.export_folder, false, error) &&
	    get_string(cf, "printer", &site.printer, true, error) &&
	    get_string(cf, "print_server", &site.print_server, true, error) &&
	    get_period(cf, "retention", &site.retention_months, error) &&
	    get_period(cf, "retention_unreachable", &site.unreachable_months, error) &&
	    get_number(cf, "overdue_days", &site.overdue_days, 1, 3650, error) && get_audit_retention(cf, error) &&
	    get_number(cf, "review_days", &site.review_days, 1, 3650, error) &&
	    get_number(cf, "idle", &site.idle_secs, 10, 86400, error) &&
	    get_recipient(cf, error) && get_string(cf, "backup_folder", &site.backup_folder, false, error) &&
	    get_number(cf, "backup_keep", &site.backup_keep, 1, 3650, error) &&
	    get_number(cf, "export_days", &site.export_days, 1, 3650, error) &&
	    get_speech(cf, error) && get_location(cf, error) && get_alert_to(cf, error);
}

/* Whether a line starts with libconfig's @include (its lexer takes it
 * only there). */
static bool
has_include(const char *text)
{
	for (const char *l = text; l != NULL; l = strchr(l, '\n')) {
		l += *l == '\n';
		l += strspn(l, " \t");
		if (strncmp(l, "@include", 8) == 0)
			return true;
	}
	return false;
}

/* The site file to read: compiled in; the test build may be pointed
 * elsewhere, and the trust rule still applies there. */
static const char *
site_path(void)
{
#ifdef ZK_TEST_HOOKS
	const char *p = getenv("ZK_TEST_CONF");

	if (p != NULL && *p != '\0')
		return p;
#endif
	return zk_conf_path;
}

bool
site_load(char **error)
{
	const char *path = site_path();
	char *text, *why = NULL;
	config_t cf;
	bool ok;

	set_defaults();
	if ((text = read_trusted(path, &why)) == NULL) {
		*error = why;
		return why == NULL;
	}
	config_init(&cf);
	if (has_include(text)) {
		why = xstrdup(_("@include is not allowed here: the trust rule covers this one file."));
		ok = false;
	} else if (config_read_string(&cf, text) != CONFIG_TRUE) {
		why = xasprintf(_("line %d: %s."), config_error_line(&cf), config_error_text(&cf));
		ok = false;
	} else {
		ok = parse(&cf, &why);
	}
	config_destroy(&cf);
	free(text);
	if (!ok) {
		*error = xasprintf(_("the site configuration %s: %s"), path, why);
		free(why);
		return false;
	}
	site.path = path;
	return true;
}

void
site_months_ago(int months, char *out)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	tm.tm_hour = 12; /* a day's length changes at DST; noon stays that day */
	tm.tm_mon -= months;
	mktime(&tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

void
site_overdue_day(char *out)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	tm.tm_hour = 12;
	tm.tm_mday -= site.overdue_days;
	mktime(&tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

void
site_free(void)
{
	free(site.database);
	free(site.database_group);
	free(site.forms);
	free(site.staff_group);
	free_list(site.staff_users);
	free_list(site.languages);
	free_list(site.staff_languages);
	free(site.kiosk_user);
	free(site.export_folder);
	free(site.printer);
	free(site.print_server);
	free(site.backup_recipient);
	free(site.backup_folder);
	free(site.location);
	free(site.alert_to);
	memset(&site, 0, sizeof site);
}
