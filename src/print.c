/* print.c: one PDF job on the site's CUPS queue, after asking the queue
 * whether it can print at all, and then followed until it is printed or
 * fails; see print.h. libcups is loaded when a page is printed (lazy.h). */
#include "print.h"

#include <cups/cups.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "lazy.h"
#include "site.h"
#include "util.h"


/* How long to wait for the print server before giving up. */
#define CONNECT_MS 5000

/* How long a job is followed: about as long as a visitor waits at the
 * printer. */
#define FOLLOW_MS (60 * 1000)

/* The longest one look at a followed job may hold up the screen. */
#define LOOK_SECS 2.0

/* The functions of libcups used here. */
#define CUPS_FUNCTIONS(X) \
	X(cupsGetOption) X(cupsSetServer) X(cupsServer) X(ippPort) X(cupsEncryption) X(httpConnect2) \
	X(httpClose) X(cupsGetNamedDest) X(cupsFreeDests) X(cupsCreateJob) X(cupsStartDocument) \
	X(cupsWriteRequestData) X(cupsFinishDocument) X(cupsCancelJob2) X(httpSetTimeout) \
	X(httpAssembleURIf) X(ippNewRequest) X(ippAddString) X(ippAddInteger) X(ippAddStrings) \
	X(cupsDoRequest) X(ippFindAttribute) X(ippGetInteger) X(ippDelete)

static LAZY_TABLE(CUPS_FUNCTIONS) cups;
LAZY_LOADER(cups_load, "libcups.so.2", cups, CUPS_FUNCTIONS)

static const char *
queue(void)
{
	return site.printer != NULL && *site.printer != '\0' ? site.printer : NULL;
}

static const char *
server(void)
{
	return site.print_server != NULL && *site.print_server != '\0' ? site.print_server : NULL;
}

bool
print_available(void)
{
	return queue() != NULL;
}

/* Whether the comma list reasons holds a reason starting with word. */
static bool
has_reason(const char *reasons, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = reasons; p != NULL && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, word, n) == 0)
			return true;
	return false;
}

/* What the queue's state says about printing now. */
static enum print_rc
queue_state(const cups_dest_t *d)
{
	const char *state = cups.cupsGetOption("printer-state", d->num_options, d->options);
	const char *reasons = cups.cupsGetOption("printer-state-reasons", d->num_options, d->options);
	const char *accepting = cups.cupsGetOption("printer-is-accepting-jobs", d->num_options, d->options);

	if (has_reason(reasons, "media-empty") || has_reason(reasons, "media-needed"))
		return PRINT_NO_PAPER;
	if (has_reason(reasons, "offline"))
		return PRINT_OFFLINE;
	if (str_eq(state, "5") || str_eq(accepting, "false") || has_reason(reasons, "paused"))
		return PRINT_STOPPED;
	return PRINT_OK;
}

/* Whether the comma list reasons holds one that ends in -error: the
 * printer cannot go on with a job until someone helps it. */
static bool
has_error(const char *reasons)
{
	for (const char *p = reasons; p != NULL && (p = strstr(p, "-error")) != NULL; p += 6)
		if (p[6] == '\0' || p[6] == ',')
			return true;
	return false;
}

struct print_job {
	http_t *http;       /* kept open while the job is followed */
	char *queue;
	int id;
	long long until;    /* now_ms() when following ends */
};

static int
give_up(http_t *http, void *data)
{
	(void)http;
	(void)data;
	return 0;
}

/* A connection to the site's print server and the state of queue name
 * (PRINT_OK: it takes jobs). *http is the connection, for the caller to
 * close, or NULL when none was made or the queue does not exist. */
static enum print_rc
connect_queue(const char *name, http_t **http)
{
	cups_dest_t *dest;
	enum print_rc rc;

	*http = NULL;
	if (name == NULL || !cups_load())
		return PRINT_MISSING;
	if (server() != NULL)
		cups.cupsSetServer(server());
	*http = cups.httpConnect2(cups.cupsServer(), cups.ippPort(), NULL, AF_UNSPEC, cups.cupsEncryption(), 1,
	    CONNECT_MS, NULL);
	if (*http == NULL)
		return PRINT_MISSING;
	if ((dest = cups.cupsGetNamedDest(*http, name, NULL)) == NULL) {
		cups.httpClose(*http);
		*http = NULL;
		return PRINT_MISSING;
	}
	rc = queue_state(dest);
	cups.cupsFreeDests(1, dest);
	return rc;
}

enum print_rc
print_queue_check(void)
{
	http_t *http;
	enum print_rc rc = connect_queue(queue(), &http);

	if (http != NULL)
		cups.httpClose(http);
	return rc;
}

enum print_rc
print_pdf(const char *title, const char *pdf, size_t len, struct print_job **out)
{
	const char *name = queue();
	http_t *http;
	enum print_rc rc;
	int job;

	*out = NULL;
	rc = connect_queue(name, &http);
	if (rc != PRINT_OK) {
		if (http != NULL)
			cups.httpClose(http);
		return rc;
	}
	rc = PRINT_FAILED;
	if ((job = cups.cupsCreateJob(http, name, title, 0, NULL)) > 0) {
		if (cups.cupsStartDocument(http, name, job, "take-home.pdf", CUPS_FORMAT_PDF, 1) == HTTP_STATUS_CONTINUE &&
		    cups.cupsWriteRequestData(http, pdf, len) == HTTP_STATUS_CONTINUE &&
		    cups.cupsFinishDocument(http, name) == IPP_STATUS_OK)
			rc = PRINT_OK;
		else
			cups.cupsCancelJob2(http, name, job, 0);
	}
	if (rc != PRINT_OK) {
		cups.httpClose(http);
		return rc;
	}
	/* Accepted is not printed: the job is followed on this connection,
	 * and a server that stops answering holds the screen up briefly. */
	cups.httpSetTimeout(http, LOOK_SECS, give_up, NULL);
	*out = xcalloc(1, sizeof **out);
	(*out)->http = http;
	(*out)->queue = xstrdup(name);
	(*out)->id = job;
	(*out)->until = now_ms() + FOLLOW_MS;
	return rc;
}

/* What the printer's state means for a job that waits on it (a queue
 * that takes no new jobs still prints those it has). */
static enum print_job_state
printer_trouble(const cups_dest_t *d)
{
	const char *state = cups.cupsGetOption("printer-state", d->num_options, d->options);
	const char *reasons = cups.cupsGetOption("printer-state-reasons", d->num_options, d->options);

	if (has_reason(reasons, "media-empty") || has_reason(reasons, "media-needed"))
		return JOB_NO_PAPER;
	if (str_eq(state, "5") || has_reason(reasons, "offline") || has_error(reasons))
		return JOB_TROUBLE;
	return JOB_WAITING;
}

/* The job's job-state, or 0 when the server did not say. */
static int
job_state(struct print_job *j)
{
	static const char *const want[] = { "job-state" };
	char uri[1024];
	ipp_t *req = cups.ippNewRequest(IPP_OP_GET_JOB_ATTRIBUTES), *resp;
	ipp_attribute_t *a;
	int state = 0;

	cups.httpAssembleURIf(HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", NULL, "localhost", cups.ippPort(), "/printers/%s",
	    j->queue);
	cups.ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
	cups.ippAddInteger(req, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", j->id);
	cups.ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", 1, NULL, want);
	if ((resp = cups.cupsDoRequest(j->http, req, "/")) == NULL)
		return 0;
	if ((a = cups.ippFindAttribute(resp, "job-state", IPP_TAG_ENUM)) != NULL)
		state = cups.ippGetInteger(a, 0);
	cups.ippDelete(resp);
	return state;
}

enum print_job_state
print_job_check(struct print_job *j, bool *ended)
{
	int state = job_state(j);
	enum print_job_state st = JOB_WAITING;
	bool late = now_ms() >= j->until;
	cups_dest_t *dest;

	*ended = true;
	switch (state) {
	case IPP_JSTATE_COMPLETED:
		return JOB_DONE;
	case IPP_JSTATE_CANCELED:
	case IPP_JSTATE_ABORTED:
		return JOB_FAILED;
	case IPP_JSTATE_HELD: /* never asked for: it waits for someone */
	case IPP_JSTATE_STOPPED:
		st = JOB_TROUBLE;
		break;
	case 0: /* no answer this time: the server is not asked twice */
		break;
	default: /* waiting or printing */
		if ((dest = cups.cupsGetNamedDest(j->http, j->queue, NULL)) != NULL) {
			st = printer_trouble(dest);
			cups.cupsFreeDests(1, dest);
		}
	}
	/* Trouble may be mended while the visitor waits: followed on. */
	*ended = late;
	return late && st == JOB_WAITING ? JOB_LATE : st;
}

void
print_job_free(struct print_job *j)
{
	if (j == NULL)
		return;
	cups.httpClose(j->http);
	free(j->queue);
	free(j);
}

const char *
print_job_message(enum print_job_state st)
{
	switch (st) {
	case JOB_WAITING:
		return N_("The page is on its way to the printer. Please wait a moment.");
	case JOB_DONE:
		return N_("The page is printed. Take it from the printer.");
	case JOB_NO_PAPER:
		return N_("The printer is out of paper: your page has not been printed. Please ask a staff member for help. The page stays on the screen: you can read it or write it down.");
	case JOB_TROUBLE:
		return N_("The printer has a problem: your page has not been printed. Please ask a staff member for help. The page stays on the screen: you can read it or write it down.");
	case JOB_FAILED:
		return N_("Your page could not be printed. Please ask a staff member for help. The page stays on the screen: you can read it or write it down.");
	case JOB_LATE:
		break;
	}
	return N_("The page has not come out of the printer yet. If it does not come, please ask a staff member for help. The page stays on the screen: you can read it or write it down.");
}

const char *
print_message(enum print_rc rc)
{
	switch (rc) {
	case PRINT_OK:
		return print_job_message(JOB_WAITING);
	case PRINT_MISSING:
		return N_("The printer cannot be found. The page stays on the screen: you can copy it or take a photo of it.");
	case PRINT_STOPPED:
		return N_("The printer is switched off or stopped. The page stays on the screen: you can copy it or take a photo of it.");
	case PRINT_OFFLINE:
		return N_("The printer is offline. The page stays on the screen: you can copy it or take a photo of it.");
	case PRINT_NO_PAPER:
		return N_("The printer is out of paper. The page stays on the screen: you can copy it or take a photo of it, or ask someone at the desk.");
	case PRINT_FAILED:
		break;
	}
	return N_("The page could not be printed. It stays on the screen: you can copy it or take a photo of it.");
}
