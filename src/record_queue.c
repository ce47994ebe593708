/* record_queue.c: the work queue on the record page; see record_queue.h. */
#include "record_queue.h"

#include <stdlib.h>

#include "i18n.h"
#include "staff.h"
#include "util.h"

void
queue_lines(const struct store_record *r, struct doc *d)
{
	char *name = *r->assignee ? staff_name(r->assignee) : xstrdup(_("nobody"));
	/* L10N: the staff member's full name, or "nobody". */
	char *line = xasprintf(_("Assigned to: %s"), name);

	doc_text(d, line, UI_NORMAL, 0);
	free(line);
	free(name);
	/* L10N: a date YYYY-MM-DD, or "-". */
	line = xasprintf(_("Call back on: %s"), *r->callback ? r->callback : "-");
	doc_text(d, line, UI_NORMAL, 0);
	free(line);
}

char *
queue_event(const struct store_event *e)
{
	char *name, *line;

	if (e->callback != NULL)
		/* L10N: history: date, time, staff login, the day to call back or "-". */
		return xasprintf(_("%.10s %.5s %s: call back on %s"), e->at, e->at + 11, e->staff,
		    *e->callback ? e->callback : "-");
	if (e->assignee == NULL || *e->assignee == '\0')
		/* L10N: history: date, time, staff login. */
		return xasprintf(_("%.10s %.5s %s: not assigned any more"), e->at, e->at + 11, e->staff);
	name = staff_name(e->assignee);
	/* L10N: history: date, time, staff login, the full name assigned. */
	line = xasprintf(_("%.10s %.5s %s: assigned to %s"), e->at, e->at + 11, e->staff, name);
	free(name);
	return line;
}

void
queue_pick_start(struct queue_pick *p)
{
	queue_pick_end(p);
	p->n = staff_logins(&p->logins);
	p->on = true;
}

void
queue_pick_build(const struct queue_pick *p, struct doc *d, int first, int cancel)
{
	doc_text(d, _("Assign to whom?"), UI_HEADING, 0);
	if (p->n == 0)
		doc_text(d, _("No staff logins were found."), UI_NORMAL, 2);
	/* Keys 1 to 9 for the first nine; the arrows reach the others. */
	for (size_t i = 0; i < p->n && i < 90; i++) {
		char *name = staff_name(p->logins[i]);
		char *line = str_eq(name, p->logins[i]) ? xstrdup(name) : xasprintf("%s (%s)", name, p->logins[i]);

		doc_button(d, first + (int)i, first + (int)i, i < 9 ? (char)('1' + i) : 0, line);
		free(line);
		free(name);
	}
	doc_button(d, cancel, cancel, '0', _("Cancel"));
}

void
queue_pick_end(struct queue_pick *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->logins[i]);
	free(p->logins);
	p->logins = NULL;
	p->n = 0;
	p->on = false;
}
