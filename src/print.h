/* print.h: printing the take-home page through CUPS, on the queue the site
 * configuration names (site.printer, on site.print_server). */
#ifndef ZK_PRINT_H
#define ZK_PRINT_H

#include <stdbool.h>
#include <stddef.h>

/* How a print ended; the screen turns these into messages. */
enum print_rc {
	PRINT_OK,
	PRINT_MISSING,  /* no such queue, or the print server cannot be reached */
	PRINT_STOPPED,  /* the queue is stopped or refuses jobs */
	PRINT_OFFLINE,  /* the printer reports it is offline */
	PRINT_NO_PAPER, /* the printer reports it is out of paper */
	PRINT_FAILED,   /* the job could not be sent */
};

/* Whether a printer is configured at all: without one the kiosk only
 * shows the page and never offers to print. */
bool print_available(void);
/* Send a PDF of len bytes as one job titled title. */
enum print_rc print_pdf(const char *title, const char *pdf, size_t len);
/* A sentence about rc for the visitor, in the current language. */
const char *print_message(enum print_rc rc);

#endif
