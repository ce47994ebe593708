/* print.c: one PDF job on the site's CUPS queue, after asking the queue
 * whether it can print at all; see print.h. libcups is loaded when a page
 * is printed (lazy.h). */
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

/* The functions of libcups used here. */
#define CUPS_FUNCTIONS(X) \
	X(cupsGetOption) X(cupsSetServer) X(cupsServer) X(ippPort) X(cupsEncryption) X(httpConnect2) \
	X(httpClose) X(cupsGetNamedDest) X(cupsFreeDests) X(cupsCreateJob) X(cupsStartDocument) \
	X(cupsWriteRequestData) X(cupsFinishDocument) X(cupsCancelJob2)

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

enum print_rc
print_pdf(const char *title, const char *pdf, size_t len)
{
	const char *name = queue();
	http_t *http;
	cups_dest_t *dest;
	enum print_rc rc;
	int job;

	if (name == NULL || !cups_load())
		return PRINT_MISSING;
	if (server() != NULL)
		cups.cupsSetServer(server());
	http = cups.httpConnect2(cups.cupsServer(), cups.ippPort(), NULL, AF_UNSPEC, cups.cupsEncryption(), 1, CONNECT_MS, NULL);
	if (http == NULL)
		return PRINT_MISSING;
	if ((dest = cups.cupsGetNamedDest(http, name, NULL)) == NULL) {
		cups.httpClose(http);
		return PRINT_MISSING;
	}
	rc = queue_state(dest);
	cups.cupsFreeDests(1, dest);
	if (rc != PRINT_OK) {
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
	cups.httpClose(http);
	return rc;
}

const char *
print_message(enum print_rc rc)
{
	switch (rc) {
	case PRINT_OK:
		return _("The page is being printed. Take it from the printer.");
	case PRINT_MISSING:
		return _("The printer cannot be found. The page stays on the screen: you can copy it or take a photo of it.");
	case PRINT_STOPPED:
		return _("The printer is switched off or stopped. The page stays on the screen: you can copy it or take a photo of it.");
	case PRINT_OFFLINE:
		return _("The printer is offline. The page stays on the screen: you can copy it or take a photo of it.");
	case PRINT_NO_PAPER:
		return _("The printer is out of paper. The page stays on the screen: you can copy it or take a photo of it, or ask someone at the desk.");
	case PRINT_FAILED:
		break;
	}
	return _("The page could not be printed. It stays on the screen: you can copy it or take a photo of it.");
}
