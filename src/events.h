/* events.h: events for the system log (syslog, facility user, tag
 * zorgkiosk): starts, refusals, failures, backups, purges, audit checks.
 * Never personal data: callers pass only counts, codes and reasons. */
#ifndef ZK_EVENTS_H
#define ZK_EVENTS_H

#include <syslog.h>

/* Send one event at level (LOG_INFO, LOG_WARNING, LOG_ERR, ...). It never
 * blocks and never fails the caller: without a system log it is lost. */
void event_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
