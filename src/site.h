/* site.h: the site configuration, one root-owned file
 * (/etc/zorgkiosk/zorgkiosk.conf when installed). Who is staff, where the
 * database lives and every other site setting come from here, never from
 * the caller: no option or environment variable changes them. */
#ifndef ZK_SITE_H
#define ZK_SITE_H

#include <stdbool.h>

/* How a site offers speech (site file: speech = "..."). */
enum speech_mode {
	SPEECH_OFF,       /* never: no key, no hint */
	SPEECH_AVAILABLE, /* a key turns it on; the welcome says which */
	SPEECH_ON,        /* on at the start of every visit (a headphone socket) */
};

struct site {
	const char *path;      /* the file read; NULL when it did not exist */
	char *database;        /* the database file */
	char *database_group;  /* group sharing the database (0660), or NULL (0600) */
	char *forms;           /* the forms folder */
	char *staff_group;     /* members are staff */
	char **staff_users;    /* these logins are staff too; NULL-terminated */
	char *kiosk_user;      /* the kiosk account: never staff */
	char *export_folder;   /* staff screen exports, under each staff login's home */
	int export_days;       /* purge removes those exports after this many days */
	char *printer;         /* CUPS queue for the take-home summary, or NULL */
	char *print_server;    /* CUPS server (host:port or socket), or NULL: the default */
	int retention_months;  /* purge removes closed requests older than this */
	int unreachable_months; /* and requests not reachable for this long */
	int overdue_days;      /* staff see requests open longer than this as overdue */
	int audit_months;      /* purge removes audit records older than this */
	int review_days;       /* forms pages must be checked this often */
	int idle_secs;         /* the kiosk wipes after this much idle time */
	char *backup_recipient; /* age public key backups are encrypted to, or NULL */
	char *backup_folder;   /* where `zorgkiosk backup` keeps its backups */
	int backup_keep;       /* how many of them it keeps */
	enum speech_mode speech; /* whether the kiosk speaks (speech.h) */
	char *location;        /* where the kiosk stands, stored with each
	                        * request; default: the host name */
	char *alert_to;        /* staff alerts go to this address (alerts.h), or NULL: none */
	const char *sendmail;  /* the system's sendmail interface */
	char **languages;      /* the kiosk's languages (ISO 639-1 codes), or
	                        * NULL: those a native speaker checked (i18n.h) */
	char **staff_languages; /* languages staff call back in (default nl,
	                        * en); the others are not offered for contact */
};

/* The audit is kept at least this long (BIO 5.28.01: 3 years). */
#define SITE_AUDIT_MIN_MONTHS 36

/* The settings in force: embedded defaults until site_load. */
extern struct site site;

/* Read the site file (the compiled-in path). A missing file leaves the
 * embedded defaults; a file that someone other than root (or the owner of
 * this program) could write, or that does not parse, is refused: returns
 * false with *error set to a message for the administrator (caller frees). */
bool site_load(char **error);

/* Whether name may be a location: 1 to 100 bytes of UTF-8, no control
 * or invisible characters. */
bool site_location_valid(const char *name);

/* The day (YYYY-MM-DD, local) months before today, into out (16 bytes):
 * where a retention period of that many months begins. */
void site_months_ago(int months, char *out);

/* The day (YYYY-MM-DD, local) overdue_days before today, into out (16
 * bytes): requests still open that came in before it are overdue. */
void site_overdue_day(char *out);

/* Free what site_load allocated. */
void site_free(void);

#endif
