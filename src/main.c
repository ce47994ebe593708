/* main.c: command line, start-up checks, and the sub-commands. */
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup.h"
#include "charset.h"
#include "cli.h"
#include "fetch.h"
#include "form.h"
#include "i18n.h"
#include "paths.h"
#include "privsep.h"
#include "remote.h"
#include "screen.h"
#include "site.h"
#include "staff.h"
#include "events.h"
#include "ui.h"
#include "store.h"
#include "util.h"

/* Exit status for a wrong command line. */
#define EXIT_USAGE 2

struct options {
	const char *forms, *pin_file;
	const char *location; /* --location: this kiosk session's location */
	lang_id lang;
	bool lang_given; /* --lang, which beats the environment */
	int idle;
	bool kiosk, plain, low_bandwidth;
	struct cli_args cli;
	const char *identity, *backup_file; /* restore -i IDENTITY FILE */
};

static void
usage(FILE *out)
{
	fprintf(out, _("Usage: zorgkiosk [OPTION]...            start the kiosk\n"
	    "       zorgkiosk staff [OPTION]...      start the staff terminal\n"
	    "       zorgkiosk check-forms [--forms DIR]\n"
	    "       zorgkiosk export [--format csv|json|xlsx] [--since DATE] [--until DATE]\n"
	    "                        [--status STATUS] [-o NEW-FILE]\n"
	    "       zorgkiosk stats [--format table|csv] [--since DATE] [--until DATE]\n"
	    "       zorgkiosk purge [--older-than PERIOD]   (e.g. 12m, 30d, 8w, 2y)\n"
	    "       zorgkiosk audit [--verify]\n"
	    "       zorgkiosk migrate                create or upgrade the database\n"
	    "       zorgkiosk ssh                    the forced command for staff over SSH\n"
	    "\n"
	    "A calm, bilingual kiosk that guides people who care for someone through the\n"
	    "support on offer, and records their request for contact.\n"
	    "\n"
	    "The site configuration %s says where the database and the forms\n"
	    "are, who is staff and how long requests are kept.\n"
	    "\n"
	    "Options:\n"
	    "  --forms DIR          with check-forms: check this forms folder\n"
	    "  --lang nl|en         the language to start in (the kiosk: nl; staff and\n"
	    "                       commands: that of LANGUAGE, LC_ALL or LANG)\n"
	    "  --idle SECONDS       wipe the screen after this much idle time (default 120)\n"
	    "  --kiosk              public kiosk: Ctrl-C, Ctrl-Z and Ctrl-\\ do nothing\n"
	    "  --exit-pin-file FILE with --kiosk: Ctrl-] three times and the PIN in\n"
	    "                       FILE (mode 0600) end the kiosk\n"
	    "  --plain              line mode: numbered choices, one line at a time\n"
	    "                       (also when TERM is dumb or unknown)\n"
	    "  --low-bandwidth      leave out decoration that costs bytes (also on\n"
	    "                       lines of 19200 baud or less)\n"
	    "  --location NAME      the kiosk: where it stands, stored with each request\n"
	    "                       (default: the site setting location, or the host name)\n"
	    "  --help               show this help\n"
	    "  --version            show the version\n"
	    "\n"
	    "Staff commands (staff, export, stats, purge, audit) are for staff only.\n"
	    "export writes to standard output, or with -o to a new file (never over\n"
	    "an existing one). Dates are written YYYY-MM-DD; statuses are new,\n"
	    "contacted, referred, closed and unreachable.\n"),
	    zk_conf_path);
	fputs(_("\n"
	    "Backups (see docs/deploy.md):\n"
	    "       zorgkiosk backup [-o NEW-FILE]      an encrypted copy of the database,\n"
	    "                                           into the backup folder or NEW-FILE\n"
	    "       zorgkiosk restore -i KEY-FILE FILE  a backup in place of a missing database\n"
	    "       zorgkiosk status                    backups and database, for a monitor\n"), out);
	fputs(_("\n"
	    "Alerts by e-mail to the site's alert_to (see docs/deploy.md):\n"
	    "       zorgkiosk alerts            a short mail per new request (no personal data)\n"
	    "       zorgkiosk alerts --daily    the requests still new after two working days\n"), out);
	fputs(_("\n"
	    "The rights of the person whose data it is (staff only; see docs/security.md):\n"
	    "       zorgkiosk access REF [-o NEW-FILE]  all that is stored about the person\n"
	    "                                           behind the reference REF\n"
	    "       zorgkiosk erase REF [--yes]         erase all requests of that person\n"
	    "                                           for good (--yes: without asking)\n"), out);
	fputs(_("       zorgkiosk correct REF FIELD         correct the name, phone or email of\n"
	    "                                           request REF; the new value is read\n"
	    "                                           from standard input (empty: none)\n"), out);
}

static void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* The codes of the site's languages, "nl, en, tr", for a message. */
static const char *
language_codes(void)
{
	static char buf[LANG_MAX * 4];
	size_t len = 0;

	buf[0] = '\0';
	for (lang_id l = 0; l < i18n_count(); l++)
		if (i18n_enabled(l))
			len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", len ? ", " : "", i18n_code(l));
	return buf;
}

static void
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("zorgkiosk: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(_("Try 'zorgkiosk --help' for more information."), stderr);
	fputc('\n', stderr);
	exit(EXIT_USAGE);
}

static void
parse(int argc, char **argv, struct options *o, const char **command)
{
	enum {
		OPT_FORMS = 256, OPT_LANG, OPT_IDLE, OPT_KIOSK, OPT_HELP, OPT_VERSION,
		OPT_FORMAT, OPT_SINCE, OPT_UNTIL, OPT_STATUS, OPT_EXCEL,
		OPT_OLDER, OPT_PLAIN, OPT_LOW, OPT_PIN, OPT_LOCATION, OPT_DAILY, OPT_VERIFY, OPT_YES,
	};
	static const struct option longopts[] = {
		{ "forms", required_argument, NULL, OPT_FORMS },
		{ "lang", required_argument, NULL, OPT_LANG },
		{ "idle", required_argument, NULL, OPT_IDLE },
		{ "kiosk", no_argument, NULL, OPT_KIOSK },
		{ "plain", no_argument, NULL, OPT_PLAIN },
		{ "exit-pin-file", required_argument, NULL, OPT_PIN },
		{ "low-bandwidth", no_argument, NULL, OPT_LOW },
		{ "location", required_argument, NULL, OPT_LOCATION },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "status", required_argument, NULL, OPT_STATUS },
		{ "output", required_argument, NULL, 'o' },
		{ "excel", no_argument, NULL, OPT_EXCEL },
		{ "older-than", required_argument, NULL, OPT_OLDER },
		{ "daily", no_argument, NULL, OPT_DAILY },
		{ "verify", no_argument, NULL, OPT_VERIFY },
		{ "yes", no_argument, NULL, OPT_YES },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	char *end;
	long v;

	opterr = 0; /* our own messages, in the user's language */
	while ((c = getopt_long(argc, argv, ":o:i:", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_FORMS:
			o->forms = optarg;
			break;
		case OPT_KIOSK:
			o->kiosk = true;
			break;
		case OPT_PIN:
			o->pin_file = optarg;
			break;
		case OPT_PLAIN:
			o->plain = true;
			break;
		case OPT_LOW:
			o->low_bandwidth = true;
			break;
		case OPT_LOCATION:
			if (!site_location_valid(optarg))
				usage_error(_("--location takes a name of 1 to 100 bytes without control characters, not '%s'"),
				    optarg);
			o->location = optarg;
			break;
		case OPT_FORMAT:
			o->cli.format = optarg;
			break;
		case OPT_SINCE:
			o->cli.since = optarg;
			break;
		case OPT_UNTIL:
			o->cli.until = optarg;
			break;
		case OPT_STATUS:
			o->cli.status = optarg;
			break;
		case 'o':
			o->cli.output = optarg;
			break;
		case 'i':
			o->identity = optarg;
			break;
		case OPT_EXCEL:
			o->cli.excel = true;
			break;
		case OPT_OLDER:
			o->cli.older_than = optarg;
			break;
		case OPT_VERIFY:
			o->cli.verify = true;
			break;
		case OPT_DAILY:
			o->cli.daily = true;
			break;
		case OPT_YES:
			o->cli.yes = true;
			break;
		case OPT_LANG:
			if (!i18n_parse(optarg, &o->lang) || !i18n_enabled(o->lang))
				/* L10N: the codes of the site's languages ("nl, en"), then what was given. */
				usage_error(_("--lang takes one of %s, not '%s'"), language_codes(), optarg);
			o->lang_given = true;
			i18n_set(o->lang); /* for what parsing says next */
			break;
		case OPT_IDLE:
			v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || v < 10 || v > 86400)
				usage_error(_("--idle takes a number of seconds from 10 to 86400, not '%s'"), optarg);
			o->idle = (int)v;
			break;
		case OPT_HELP:
			usage(stdout);
			exit(0);
		case OPT_VERSION:
			printf("zorgkiosk %s\n", zk_version);
			exit(0);
		case ':':
			usage_error(_("option '%s' needs a value"), argv[optind - 1]);
		default:
			usage_error(_("unknown option '%s'"), argv[optind - 1]);
		}
	}
	*command = optind < argc ? argv[optind++] : NULL;
	if (str_eq(*command, "restore") && optind < argc)
		o->backup_file = argv[optind++];
	if ((str_eq(*command, "erase") || str_eq(*command, "access") || str_eq(*command, "correct")) && optind < argc)
		o->cli.ref = argv[optind++];
	if (str_eq(*command, "correct") && optind < argc)
		o->cli.field = argv[optind++];
	/* A value on the command line shows in the process list and the
	 * shell's history: correct reads it from standard input. */
	if (str_eq(*command, "correct") && optind < argc)
		usage_error(_("correct reads the new value from standard input, not from the command line (where others could see it): echo 'NEW VALUE' | zorgkiosk correct REF FIELD"));
	if (optind < argc)
		usage_error(_("unexpected argument '%s'"), argv[optind]);
	if (*command != NULL && !str_eq(*command, "check-forms") && !str_eq(*command, "staff") &&
	    !str_eq(*command, "ssh") && !str_eq(*command, "migrate") && !cli_is_command(*command) &&
	    !backup_is_command(*command))
		usage_error(_("unknown command '%s'"), *command);
	if (str_eq(*command, "restore") && (o->identity == NULL || o->backup_file == NULL))
		usage_error(_("restore takes -i KEY-FILE and the backup FILE"));
	if (o->identity != NULL && !str_eq(*command, "restore"))
		usage_error(_("-i goes with restore only"));
	if (*command != NULL && !str_eq(*command, "staff") && o->kiosk)
		usage_error(_("--kiosk goes with the kiosk only"));
	if (str_eq(*command, "staff") && o->kiosk)
		usage_error(_("the staff terminal cannot run in kiosk mode"));
	if (o->forms != NULL && !str_eq(*command, "check-forms"))
		usage_error(_("--forms goes with check-forms only: the site configuration names the forms"));
	if (o->pin_file != NULL && !o->kiosk)
		usage_error(_("--exit-pin-file goes with --kiosk"));
	if (o->location != NULL && *command != NULL)
		usage_error(_("--location goes with the kiosk only"));
}

/* The problems of the forms in dir on out, and on why that nothing starts. */
static void
forms_problems(const char *dir, const char *errors, FILE *out, FILE *why)
{
	fputs(errors, out);
	fprintf(why, _("zorgkiosk: the forms in %s have problems; nothing was started.\n"), dir);
}

/* The forms, or exit 1 with every problem printed to out. */
static struct forms *
load_forms(const char *dir, FILE *out)
{
	char *errors = NULL;
	struct forms *f = forms_load(dir, &errors);

	if (f == NULL) {
		forms_problems(dir, errors, out, stderr);
		free(errors);
		exit(1);
	}
	free(errors);
	return f;
}

/* The welcome alone, or exit 1 with its problems on stderr. */
static struct forms *
load_welcome(const char *dir)
{
	char *errors = NULL;
	struct forms *f = forms_load_welcome(dir, &errors);

	if (f == NULL) {
		forms_problems(dir, errors, stderr, stderr);
		free(errors);
		exit(1);
	}
	free(errors);
	return f;
}

/* What check-forms lists without failing: pages whose facts are overdue
 * for checking, sections past their end date, unused glossary words. */
static void
print_form_warnings(const struct forms *f)
{
	struct day d = guide_today();
	char *warnings = NULL;

	forms_review(f, form_date(d.year, d.month, d.day), site.review_days, &warnings);
	glossary_unused(f, &warnings);
	if (warnings != NULL)
		fputs(warnings, stdout);
	free(warnings);
}

/* Why the database could not be opened, for the administrator or staff
 * member who reads it at start (the visitor's messages are store_message's). */
const char *
open_reason(enum store_rc rc)
{
	switch (rc) {
	case STORE_BUSY:
		return _("it is locked by another program");
	case STORE_FULL:
		return _("the disk is full");
	case STORE_READONLY:
		return _("it cannot be written (file permissions, or a read-only disk)");
	case STORE_NOTOURS:
		return _("it is damaged or is not a zorgkiosk database; it was not changed");
	case STORE_NEWER:
		return _("it was made by a newer version of zorgkiosk");
	case STORE_DAMAGED:
		return _("it is damaged (it was not changed); restore it from a backup");
	case STORE_ROFS:
		return _("the disk that holds it is read-only");
	case STORE_IMMUTABLE:
		return _("it, its -wal or its -shm is immutable (chattr +i)");
	case STORE_IOERR:
		return _("the disk reported an error");
	default:
		return _("it cannot be opened");
	}
}

/* Whether the kiosk stores through a writer exec'd afresh, holding no
 * group itself (see privsep.h): the kiosk account of a set-group-ID
 * zorgkiosk. The test build may be asked for it with ZK_TEST_EXEC_WRITER. */
static bool kiosk_writer;

/* The database of the site, created for site.database_group when set.
 * The kiosk reads every page of a small file first, so that damage is
 * refused before a visitor types anything; a big one (seconds at a
 * million requests) is read by its writer while the visitor reads, and
 * damage refuses the first submit. Staff commands skip that read and meet
 * damage as an error of the rows they read. */
static struct store *
open_store_rc(enum store_check check, FILE *out, enum store_rc *rcp)
{
	gid_t gid = (gid_t)-1;
	enum store_rc rc;
	char *detail = NULL;
	struct store *s;

	if (kiosk_writer) {
		/* The writer says no more than why; its words stay with it. */
		if ((s = store_open_writer(site.database, &rc)) == NULL) {
			fprintf(out, _("zorgkiosk: cannot use the database %s: %s"), site.database, open_reason(rc));
			fputs(".\n", out);
		}
		*rcp = rc;
		return s;
	}
	if (site.database_group != NULL) {
		struct group *gr = getgrnam(site.database_group);

		if (gr == NULL) {
			fprintf(out, _("zorgkiosk: the site configuration names the group '%s' for the database, but there is no such group.\n"),
			    site.database_group);
			return NULL;
		}
		gid = gr->gr_gid;
	}
	/* Kiosks starting together on a new file take turns to create it; a
	 * lock SQLite does not wait for itself (switching to WAL, recovering
	 * another's WAL) is tried again for a few seconds. */
	for (int tries = 0;; tries++) {
		s = store_open(site.database, site.database_group ? 0660 : 0600, gid, check, &rc, &detail);
		if (s != NULL || rc != STORE_BUSY || tries == 30)
			break;
		free(detail);
		detail = NULL;
		usleep(100000);
	}
	if (s == NULL) {
		fprintf(out, _("zorgkiosk: cannot use the database %s: %s"), site.database, open_reason(rc));
		fprintf(out, detail ? " (%s).\n" : ".\n", detail);
		free(detail);
	}
	*rcp = s ? STORE_OK : rc;
	return s;
}

static struct store *
open_store(enum store_check check, FILE *out)
{
	enum store_rc rc;

	return open_store_rc(check, out, &rc);
}

/* Read the PIN (4 to 12 digits) from path into pin; the file must not be
 * readable by others. Prints why and returns false otherwise. */
static bool
read_pin(const char *path, char *pin, size_t size)
{
	struct stat st;
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL || fstat(fileno(f), &st) != 0) {
		fprintf(stderr, _("zorgkiosk: cannot read the PIN file %s.\n"), path);
		if (f)
			fclose(f);
		return false;
	}
	if (st.st_mode & 077) {
		fprintf(stderr, _("zorgkiosk: the PIN file %s may be readable by others; make it mode 0600.\n"), path);
		fclose(f);
		return false;
	}
	if (fgets(pin, (int)size, f) == NULL)
		pin[0] = '\0';
	fclose(f);
	pin[strcspn(pin, "\r\n")] = '\0';
	n = strlen(pin);
	if (n < 4 || n > 12 || strspn(pin, "0123456789") != n) {
		fprintf(stderr, _("zorgkiosk: the PIN in %s must be 4 to 12 digits.\n"), path);
		return false;
	}
	return true;
}

/* The login name of the real user, into buf; NULL if there is none. */
static const char *
login_name(char *buf, size_t size)
{
	struct passwd *pw = getpwuid(getuid());

	if (pw == NULL)
		return NULL;
	snprintf(buf, size, "%s", pw->pw_name);
	return buf;
}

/* Where this kiosk stands: --location, else the site setting. A session
 * option, not a site setting: it names a place and grants nothing, and
 * only whoever starts the kiosk (its unit or session script) can give it. */
static const char *kiosk_location;

/* The kiosk's start once its welcome is out (see struct app): the rest of
 * the forms, the database, and the form's labels stored for staff. */
static bool
finish_start(struct app *a, FILE *why)
{
	char *errors = NULL;
	bool ok = forms_load_rest((struct forms *)a->forms, site.forms, &errors);

	if (!ok)
		forms_problems(site.forms, errors, why, why);
	free(errors);
	if (!ok || (a->store = open_store(STORE_CHECK_BACKGROUND, why)) == NULL) {
		event_log(LOG_ERR, "kiosk start refused: %s cannot be used", ok ? "the database" : "the forms");
		return false;
	}
	store_set_location(a->store, kiosk_location);
	if (!kiosk_writer)
		store_save_labels(a->store, a->forms);
	return true;
}

static int
run(const struct options *o, const char *command)
{
	struct app a;
	char login[64], pin[16];
	int status = 1;
	bool staff = str_eq(command, "staff");

	memset(&a, 0, sizeof a);
	/* Every message from here on is in the language asked for. */
	i18n_set(o->lang);
	if (command != NULL) {
		/* Checked before anything is opened: no data for others. */
		if (!staff_allowed(login, sizeof login)) {
			fprintf(stderr, _("zorgkiosk: refused: %s is not staff. Only members of the group '%s' may use the staff terminal and the staff commands.\n"),
			    login, site.staff_group);
			event_log(LOG_WARNING, "%s refused: the login is not staff", staff ? "staff terminal" : "staff command");
			return 1;
		}
		if (!staff && !cli_check(command, &o->cli))
			return EXIT_USAGE;
	}
	bool plain = o->plain || !ui_term_usable();
	if ((command == NULL || staff) && !plain && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		fputs(_("zorgkiosk: this needs a terminal.\n"), stderr);
		return 1;
	}
	if (o->pin_file != NULL && !read_pin(o->pin_file, pin, sizeof pin))
		return 1;
	kiosk_location = o->location ? o->location : site.location;
	if (command == NULL && !plain) {
		/* The curses kiosk shows its welcome at once and reads the rest
		 * before it answers a key: a visitor sees no wait. */
		a.forms = load_welcome(site.forms);
		a.finish_start = finish_start;
	} else {
		a.forms = load_forms(site.forms, stderr);
		if ((a.store = open_store(command == NULL ? STORE_CHECK_BACKGROUND : STORE_CHECK_SKIP, stderr)) == NULL) {
			event_log(LOG_ERR, "%s refused: the database cannot be used", command == NULL ? "kiosk start" :
			    staff ? "staff terminal" : "staff command");
			forms_free((struct forms *)a.forms);
			return 1;
		}
		/* The kiosk stores requests made with this form version: remember
		 * its labels, for staff reading them after the form has changed. */
		if (command == NULL) {
			store_set_location(a.store, kiosk_location);
			if (!kiosk_writer)
				store_save_labels(a.store, a.forms);
		}
	}
	if (command != NULL && !staff) {
		status = cli_run(a.store, a.forms, login, command, &o->cli);
	} else {
		a.start_lang = o->lang;
		a.idle_secs = o->idle;
		a.kiosk_mode = o->kiosk;
		a.low_bandwidth = o->low_bandwidth;
		a.exit_pin = o->pin_file ? pin : NULL;
		a.staff = staff ? login : NULL;
		/* No drafts through a writer: they would be the shared kiosk
		 * account's, offered to the next person. */
		a.login = kiosk_writer ? NULL : login_name(login, sizeof login);
		event_log(LOG_INFO, "%s started%s", staff ? "staff terminal" : "kiosk", plain ? " (line mode)" : "");
		status = plain ? lineui_run(&a) : kiosk_run(&a);
	}
	store_close(a.store);
	forms_free((struct forms *)a.forms);
	explicit_bzero(pin, sizeof pin);
	return status;
}

/* The user's locale; when it names a UTF-8 locale this host lacks (an SSH
 * client's nl_NL.UTF-8, say), C.UTF-8 rather than ASCII, so é stays é. */
static void
set_locale(void)
{
	const char *want;

	/* Only what is used: characters, and the messages gettext finds. The
	 * rest stays "C" (dates and numbers are written the same everywhere),
	 * and loading each category from its own file costs at every start. */
	setlocale(LC_MESSAGES, "");
	if (setlocale(LC_CTYPE, "") != NULL)
		return;
	want = getenv("LC_ALL");
	if (want == NULL || *want == '\0')
		want = getenv("LC_CTYPE");
	if (want == NULL || *want == '\0')
		want = getenv("LANG");
	if (want != NULL && (strcasestr(want, "utf-8") || strcasestr(want, "utf8")))
		setlocale(LC_CTYPE, "C.UTF-8");
}

/* How far the search index is, on the line of "Preparing the staff
 * search...": every tenth, so that an upgrade of a million requests (a
 * minute) is seen to move, in a terminal and in a log alike. */
static void
index_progress(void *ctx, long long done, long long total)
{
	int *shown = ctx, tenth = total > 0 ? (int)(done * 10 / total) : 10;

	if (tenth > *shown && tenth < 10) {
		*shown = tenth;
		printf(" %d%%", tenth * 10);
		fflush(stdout);
	}
}

/* After an upgrade: fill the staff search index and the index of the
 * options field now, at upgrade time, rather than while the first member
 * of staff waits at an empty list. */
static void
index_for_staff(struct store *s)
{
	const char *fields[8];
	char *errors = NULL;
	struct forms *f = forms_load(site.forms, &errors);
	size_t n;
	int shown = 0;
	struct store_progress progress = { index_progress, &shown };

	free(errors);
	if (f == NULL) {
		/* check-forms says what is wrong; the list makes the index later. */
		fputs(_("zorgkiosk: the forms have problems: the search index is made when staff first open the list.\n"), stderr);
		return;
	}
	n = forms_search_fields(f, fields, sizeof fields / sizeof fields[0]);
	printf(_("Preparing the staff search..."));
	fflush(stdout);
	if (n > 0 && store_search_ready(s, fields, n, &progress))
		printf(_(" ready.\n"));
	else
		printf(_(" not possible now; it is made when staff first open the list.\n"));
	/* The last options field, as the staff list takes it. */
	for (size_t i = f->nfields; i-- > 0;)
		if (f->fields[i].type == FIELD_OPTIONS) {
			store_stats_ready(s, f->fields[i].id);
			break;
		}
	forms_free(f);
}

/* The visitor's kiosk starts in the first of its languages (Dutch),
 * whatever the host's locale: the visitor chooses on the welcome. Staff
 * and commands keep the language of their environment, and --lang beats
 * both. */
static void
start_lang(struct options *o, const char *command)
{
	if (command == NULL && !o->lang_given)
		o->lang = i18n_first();
}

/* The language the environment asks for, if the site has it; else the
 * first of the site's languages. */
static lang_id
env_lang(void)
{
	lang_id lang;

	if (!i18n_from_env(&lang) || !i18n_enabled(lang))
		lang = i18n_first();
	return lang;
}

/* The table of languages (forms/languages.conf) with the site's choice,
 * before any option is read: --lang and the environment may name any of
 * them. Its problems are told where the forms are loaded. */
static void
load_languages(void)
{
	size_t n = 0;
	char *errors = NULL;

	while (site.languages != NULL && site.languages[n] != NULL)
		n++;
	i18n_want(site.languages, n);
	forms_load_languages(site.forms, &errors);
	free(errors);
}

/* `scp -O host:NAME .` from a staff login: one of its own exports sent
 * over the scp protocol (see fetch.h), and recorded in the audit before a
 * byte leaves. Every message goes to the receiver, which prints it. */
static int
run_fetch(const char *cmd)
{
	char login[64], *why = NULL, *name = NULL, *detail;
	struct passwd *pw = getpwuid(getuid());
	struct store *s = NULL;
	off_t size = 0;
	int fd = -1;
	bool sent = false;

	if (!fetch_ready(STDIN_FILENO))
		return 1;
	if (!staff_allowed(login, sizeof login) || pw == NULL)
		why = xasprintf(_("refused: %s is not staff."), login);
	else if ((name = fetch_parse(cmd, &why)) != NULL &&
	    (fd = fetch_open(pw->pw_dir, site.export_folder, name, &size, &why)) >= 0) {
		if ((s = open_store(STORE_CHECK_SKIP, stderr)) == NULL)
			why = xstrdup(_("the database cannot be opened, so the fetch cannot be recorded; nothing was sent."));
		detail = xasprintf("%s, %lld bytes, with scp", name, (long long)size);
		if (s != NULL && store_audit(s, login, "fetch", NULL, detail) != STORE_OK)
			why = xstrdup(_("the fetch could not be recorded in the audit; nothing was sent."));
		free(detail);
		if (why == NULL) {
			sent = fetch_send(STDIN_FILENO, STDOUT_FILENO, fd, name, size, &why);
			fd = -1;
		}
	}
	if (fd >= 0)
		close(fd);
	if (why != NULL && !sent)
		fetch_refuse(STDOUT_FILENO, why);
	store_close(s);
	free(name);
	free(why);
	return sent ? 0 : 1;
}

/* The forced command of staff over SSH: run what SSH_ORIGINAL_COMMAND asks
 * if it is allowed (see remote.h), as if typed here. */
static int
run_remote(void)
{
	const char *command;
	/* The SSH client's language (sshd accepts LANG), Dutch otherwise. */
	struct options o = { .lang = env_lang() };
	char **argv, *why;
	int argc, status;

	i18n_set(o.lang);
	if (fetch_is_request(getenv("SSH_ORIGINAL_COMMAND")))
		return run_fetch(getenv("SSH_ORIGINAL_COMMAND"));
	if ((argc = remote_argv(getenv("SSH_ORIGINAL_COMMAND"), &argv, &why)) < 0) {
		fprintf(stderr, "zorgkiosk: %s\n", why);
		free(why);
		return 1;
	}
	optind = 0; /* a fresh parse */
	parse(argc, argv, &o, &command);
	start_lang(&o, command);
	if (o.idle == 0)
		o.idle = site.idle_secs;
	status = run(&o, command);
	remote_free(argv);
	return status;
}

/* `zorgkiosk writer`: the kiosk's writer, exec'd afresh (store_open_writer)
 * with its socket as descriptor 3. Set-group-ID, only for the kiosk
 * account: the one use of the group it is given. What it stores comes from
 * the socket; what it opens, from the site file alone. */
static int
run_writer(void)
{
	struct stat st;
	enum store_rc rc;
	struct store *s;
	struct forms *f;
	char *errors = NULL;
	FILE *quiet;

	if (fstat(3, &st) != 0 || !S_ISSOCK(st.st_mode))
		usage_error(_("unknown command '%s'"), "writer");
	if (!privsep_may_write()) {
		fputs(_("zorgkiosk: refused: only the kiosk account's kiosk stores requests this way.\n"), stderr);
		return 1;
	}
	/* The files are the group's, whatever the caller's umask. */
	umask(007);
	if ((quiet = fopen("/dev/null", "w")) == NULL)
		return 1;
	s = open_store_rc(STORE_CHECK_BACKGROUND, quiet, &rc);
	fclose(quiet);
	/* The labels of the form version this kiosk stores requests with. */
	if (s != NULL && (f = forms_load(site.forms, &errors)) != NULL) {
		store_save_labels(s, f);
		forms_free(f);
	}
	free(errors);
	store_serve(s, rc, 3);
}

int
main(int argc, char **argv)
{
	struct options o = { .lang = 0 };
	const char *command;
	char *error = NULL;
	struct forms *f;
	int status = 0;

	/* Before anything else: nothing runs with the data group until the
	 * caller is known (privsep_choose). */
	privsep_start();
	set_locale();
	charset_init();
	i18n_init(zk_locale_dir);
	/* Messages follow the language asked for, even where the host lacks
	 * that locale (gettext alone would then fall back to Dutch). */
	o.lang = env_lang();
	i18n_set(o.lang);
	if (!site_load(&error)) {
		fprintf(stderr, "zorgkiosk: %s\n", error);
		fputs(_("zorgkiosk: nothing was started; the administrator must mend this file.\n"), stderr);
		free(error);
		return 1;
	}
	load_languages();
	o.lang = env_lang();
	i18n_set(o.lang);
	if (argc == 2 && str_eq(argv[1], "writer"))
		return run_writer();
	parse(argc, argv, &o, &command);
	kiosk_writer = privsep_choose(command);
#ifdef ZK_TEST_HOOKS
	kiosk_writer = kiosk_writer || (command == NULL && getenv("ZK_TEST_EXEC_WRITER") != NULL);
#endif
	start_lang(&o, command);
	if (o.idle == 0)
		o.idle = site.idle_secs;
	if (str_eq(command, "check-forms")) {
		const char *dir = o.forms ? o.forms : site.forms;

		i18n_set(o.lang);
		f = load_forms(dir, stdout);
		print_form_warnings(f);
		printf(_("%s: the forms are fine: %zu pages, %zu question flows, %zu intake fields.\n"),
		    dir, f->npages, f->nflows, f->nfields);
		forms_free(f);
	} else if (str_eq(command, "migrate")) {
		/* Opening upgrades the schema. It shows no data, so it needs no
		 * staff: whoever may open the file may as well run it (the
		 * package does, as the kiosk account, after an upgrade). */
		struct store *s = open_store(STORE_CHECK_NOW, stderr);

		if (s != NULL) {
			printf(_("%s: the database is at schema version %d.\n"), site.database, STORE_SCHEMA);
			index_for_staff(s);
		}
		store_close(s);
		status = s != NULL ? 0 : 1;
	} else if (str_eq(command, "backup")) {
		status = backup_run(o.cli.output);
	} else if (str_eq(command, "restore")) {
		status = restore_run(o.identity, o.backup_file);
	} else if (str_eq(command, "status")) {
		status = status_run();
	} else {
		status = str_eq(command, "ssh") ? run_remote() : run(&o, command);
	}
	site_free();
	charset_done();
	return str_eq(command, "check-forms") ? 0 : status;
}
