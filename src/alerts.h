/* alerts.h: `zorgkiosk alerts`, short e-mails to the office about new
 * requests, and with --daily a list of the requests still new after two
 * working days. Run by a timer as root (or by staff), never by the kiosk:
 * the kiosk account cannot read requests, and a visitor never waits for
 * mail. A mail names a request by its reference, topics, time and kiosk;
 * never a name, phone number, e-mail address or the visitor's own words. */
#ifndef ZK_ALERTS_H
#define ZK_ALERTS_H

#include <stdbool.h>

#include "form.h"
#include "store.h"

/* Send what is due to site.alert_to through sendmail, recording each mail
 * in the audit as login; returns the exit status. */
int alerts_run(struct store *s, const struct forms *f, const char *login, bool daily);

#endif
