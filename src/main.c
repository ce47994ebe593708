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

#include "charset.h"
#include "cli.h"
#include "form.h"
#include "i18n.h"
#include "paths.h"
#include "screen.h"
#include "staff.h"
#include "ui.h"
#include "store.h"
#include "util.h"

/* Exit status for a wrong command line. */
#define EXIT_USAGE 2

struct options {
	const char *db, *forms, *group, *staff_group, *staff_users, *pin_file;
	enum lang lang;
	int idle;
	bool kiosk, plain, low_bandwidth;
	struct cli_args cli;
};

static void
usage(FILE *out)
{
	fprintf(out, _("Usage: zorgkiosk [OPTION]...            start the kiosk\n"
	    "       zorgkiosk staff [OPTION]...      start the staff terminal\n"
	    "       zorgkiosk check-forms [--forms DIR]\n"
	    "       zorgkiosk export --format csv|json [--excel] [--since DATE] [--until DATE]\n"
	    "                        [--status STATUS] [-o FILE]\n"
	    "       zorgkiosk stats [--format table|csv] [--since DATE] [--until DATE]\n"
	    "       zorgkiosk purge --older-than PERIOD   (e.g. 12m, 30d, 8w, 2y)\n"
	    "       zorgkiosk audit\n"
	    "\n"
	    "A calm, bilingual kiosk that guides people who care for someone through the\n"
	    "support on offer, and records their request for contact.\n"
	    "\n"
	    "Options:\n"
	    "  --db FILE            the database (default %s)\n"
	    "  --forms DIR          the forms folder (default %s)\n"
	    "  --lang nl|en         the language to start in (default nl)\n"
	    "  --idle SECONDS       wipe the screen after this much idle time (default 120)\n"
	    "  --group NAME         create the database for this group too (mode 0660)\n"
	    "  --kiosk              public kiosk: Ctrl-C, Ctrl-Z and Ctrl-\\ do nothing\n"
	    "  --exit-pin-file FILE with --kiosk: Ctrl-] three times and the PIN in\n"
	    "                       FILE (mode 0600) end the kiosk\n"
	    "  --plain              line mode: numbered choices, one line at a time\n"
	    "                       (also when TERM is dumb or unknown)\n"
	    "  --low-bandwidth      leave out decoration that costs bytes (also on\n"
	    "                       lines of 19200 baud or less)\n"
	    "  --staff-group NAME   members of this group are staff (default %s)\n"
	    "  --staff-users LIST   these logins (comma-separated) are staff too\n"
	    "  --help               show this help\n"
	    "  --version            show the version\n"
	    "\n"
	    "Staff commands (staff, export, stats, purge, audit) are for staff only.\n"
	    "Dates are written YYYY-MM-DD; statuses are new, contacted, referred,\n"
	    "closed and unreachable.\n"),
	    zk_db_path, zk_forms_dir, STAFF_GROUP);
}

static void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

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
		OPT_DB = 256, OPT_FORMS, OPT_LANG, OPT_IDLE, OPT_GROUP, OPT_KIOSK, OPT_HELP, OPT_VERSION,
		OPT_STAFF_GROUP, OPT_STAFF_USERS, OPT_FORMAT, OPT_SINCE, OPT_UNTIL, OPT_STATUS, OPT_EXCEL,
		OPT_OLDER, OPT_PLAIN, OPT_LOW, OPT_PIN,
	};
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, OPT_DB },
		{ "forms", required_argument, NULL, OPT_FORMS },
		{ "lang", required_argument, NULL, OPT_LANG },
		{ "idle", required_argument, NULL, OPT_IDLE },
		{ "group", required_argument, NULL, OPT_GROUP },
		{ "kiosk", no_argument, NULL, OPT_KIOSK },
		{ "plain", no_argument, NULL, OPT_PLAIN },
		{ "exit-pin-file", required_argument, NULL, OPT_PIN },
		{ "low-bandwidth", no_argument, NULL, OPT_LOW },
		{ "staff-group", required_argument, NULL, OPT_STAFF_GROUP },
		{ "staff-users", required_argument, NULL, OPT_STAFF_USERS },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "status", required_argument, NULL, OPT_STATUS },
		{ "output", required_argument, NULL, 'o' },
		{ "excel", no_argument, NULL, OPT_EXCEL },
		{ "older-than", required_argument, NULL, OPT_OLDER },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	char *end;
	long v;

	opterr = 0; /* our own messages, in the user's language */
	while ((c = getopt_long(argc, argv, ":o:", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DB:
			o->db = optarg;
			break;
		case OPT_FORMS:
			o->forms = optarg;
			break;
		case OPT_GROUP:
			o->group = optarg;
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
		case OPT_STAFF_GROUP:
			o->staff_group = optarg;
			break;
		case OPT_STAFF_USERS:
			o->staff_users = optarg;
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
		case OPT_EXCEL:
			o->cli.excel = true;
			break;
		case OPT_OLDER:
			o->cli.older_than = optarg;
			break;
		case OPT_LANG:
			if (!i18n_parse(optarg, &o->lang))
				usage_error(_("--lang takes nl or en, not '%s'"), optarg);
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
	if (optind < argc)
		usage_error(_("unexpected argument '%s'"), argv[optind]);
	if (*command != NULL && !str_eq(*command, "check-forms") && !str_eq(*command, "staff") &&
	    !cli_is_command(*command))
		usage_error(_("unknown command '%s'"), *command);
	if (*command != NULL && !str_eq(*command, "staff") && o->kiosk)
		usage_error(_("--kiosk goes with the kiosk only"));
	if (str_eq(*command, "staff") && o->kiosk)
		usage_error(_("the staff terminal cannot run in kiosk mode"));
	if (o->pin_file != NULL && !o->kiosk)
		usage_error(_("--exit-pin-file goes with --kiosk"));
}

/* The forms, or exit 1 with every problem printed to out. */
static struct forms *
load_forms(const char *dir, FILE *out)
{
	char *errors = NULL;
	struct forms *f = forms_load(dir, &errors);

	if (f == NULL) {
		fputs(errors, out);
		fprintf(stderr, _("zorgkiosk: the forms in %s have problems; nothing was started.\n"), dir);
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

	/* TODO(site): site.review_days once the site settings are loaded. */
	forms_review(f, form_date(d.year, d.month, d.day), REVIEW_DAYS_DEFAULT, &warnings);
	glossary_unused(f, &warnings);
	if (warnings != NULL)
		fputs(warnings, stdout);
	free(warnings);
}

static struct store *
open_store(const struct options *o)
{
	gid_t gid = (gid_t)-1;
	enum store_rc rc;
	char *detail = NULL;
	struct store *s;

	if (o->group != NULL) {
		struct group *gr = getgrnam(o->group);

		if (gr == NULL) {
			fprintf(stderr, _("zorgkiosk: there is no group '%s'.\n"), o->group);
			return NULL;
		}
		gid = gr->gr_gid;
	}
	s = store_open(o->db, o->group ? 0660 : 0600, gid, &rc, &detail);
	if (s == NULL) {
		fprintf(stderr, "zorgkiosk: %s\n", store_message(rc));
		if (detail != NULL)
			fprintf(stderr, "zorgkiosk: %s: %s\n", o->db, detail);
		free(detail);
	}
	return s;
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

static int
run(const struct options *o, const char *command)
{
	struct app a;
	char login[64], pin[16];
	int status = 1;
	bool staff = str_eq(command, "staff");

	memset(&a, 0, sizeof a);
	if (command != NULL) {
		/* Checked before anything is opened: no data for others. */
		if (!staff_allowed(o->staff_group, o->staff_users, login, sizeof login)) {
			fprintf(stderr, _("zorgkiosk: %s is not staff: only members of the group '%s' may use this.\n"),
			    login, o->staff_group);
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
	a.forms = load_forms(o->forms, stderr);
	if ((a.store = open_store(o)) == NULL) {
		forms_free((struct forms *)a.forms);
		return 1;
	}
	/* The kiosk stores requests made with this form version: remember its
	 * labels, for staff reading them after the form has changed. */
	if (command == NULL)
		store_save_labels(a.store, a.forms);
	if (command != NULL && !staff) {
		i18n_set(o->lang);
		status = cli_run(a.store, a.forms, login, command, &o->cli);
	} else {
		a.start_lang = o->lang;
		a.idle_secs = o->idle;
		a.kiosk_mode = o->kiosk;
		a.low_bandwidth = o->low_bandwidth;
		a.exit_pin = o->pin_file ? pin : NULL;
		a.staff = staff ? login : NULL;
		a.login = login_name(login, sizeof login);
		i18n_set(o->lang);
		status = plain ? lineui_run(&a) : kiosk_run(&a);
	}
	store_close(a.store);
	forms_free((struct forms *)a.forms);
	explicit_bzero(pin, sizeof pin);
	return status;
}

int
main(int argc, char **argv)
{
	struct options o = { .db = zk_db_path, .forms = zk_forms_dir, .lang = LANG_NL, .idle = 120,
		.staff_group = STAFF_GROUP };
	const char *command;
	struct forms *f;
	int status;

	setlocale(LC_ALL, "");
	charset_init();
	i18n_init(zk_locale_dir);
	parse(argc, argv, &o, &command);
	if (str_eq(command, "check-forms")) {
		f = load_forms(o.forms, stdout);
		print_form_warnings(f);
		printf(_("%s: the forms are fine: %zu pages, %zu question flows, %zu intake fields.\n"),
		    o.forms, f->npages, f->nflows, f->nfields);
		forms_free(f);
		charset_done();
		return 0;
	}
	status = run(&o, command);
	charset_done();
	return status;
}
