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
/* Whether the configured queue can be reached and takes jobs now (for
 * zorgkiosk status); PRINT_MISSING also without a printer. */
enum print_rc print_queue_check(void);
/* A job the print server took, followed until it ends. */
struct print_job;

/* How a followed job is doing. */
enum print_job_state {
	JOB_WAITING,    /* waiting for the printer, or printing */
	JOB_DONE,       /* printed */
	JOB_NO_PAPER,   /* the printer waits for paper */
	JOB_TROUBLE,    /* the printer stopped or reports an error, or the job is held */
	JOB_FAILED,     /* aborted or canceled: it will not be printed */
	JOB_LATE,       /* still not printed when following ends */
};

/* Send a PDF of len bytes as one job titled title. On PRINT_OK *job is
 * the job to follow (free with print_job_free), else NULL. */
enum print_rc print_pdf(const char *title, const char *pdf, size_t len, struct print_job **job);
/* Ask the print server once how job is doing; it answers at once, or
 * within a couple of seconds gives up until the next look. *ended is set
 * when following is over (the job ended, or about a minute passed). */
enum print_job_state print_job_check(struct print_job *job, bool *ended);
/* Stop following job (the job itself goes on); NULL is ignored. */
void print_job_free(struct print_job *job);
/* A sentence about st for the visitor: a msgid, to translate with _(). */
const char *print_job_message(enum print_job_state st);
/* The same about rc. */
const char *print_message(enum print_rc rc);

#endif
