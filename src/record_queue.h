/* record_queue.h: the work queue on the record page (scr_record.c): who
 * handles a request, the day to call back, and choosing a staff member. */
#ifndef ZK_RECORD_QUEUE_H
#define ZK_RECORD_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

#include "doc.h"
#include "store.h"

/* "Assign to...": the staff logins to choose from, while on. */
struct queue_pick {
	char **logins;
	size_t n;
	bool on;
};

/* The lines "Assigned to: full name" and "Call back on: day" of r. */
void queue_lines(const struct store_record *r, struct doc *d);
/* The history line of an assignment or a call back day. Caller frees. */
char *queue_event(const struct store_event *e);
/* Read the staff logins and start choosing. */
void queue_pick_start(struct queue_pick *p);
/* A button per login, by full name, with ids first, first + 1, ...; then
 * Cancel with id cancel. */
void queue_pick_build(const struct queue_pick *p, struct doc *d, int first, int cancel);
/* Stop choosing and free the logins. */
void queue_pick_end(struct queue_pick *p);

#endif
