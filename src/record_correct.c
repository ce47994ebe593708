/* record_correct.c: correcting on the record page; see record_correct.h. */
#include "record_correct.h"

#include <stdlib.h>

#include "correct.h"
#include "i18n.h"
#include "util.h"

void
correct_pick_build(const struct forms *f, struct doc *d, int first, int cancel)
{
	int key = '1';

	doc_text(d, _("Correct which?"), UI_HEADING, 0);
	doc_text(d, _("The old value is removed for good; the history says who corrected what, and when."), UI_NORMAL, 0);
	for (size_t i = 0; i < f->nfields; i++)
		if (correct_allowed(&f->fields[i]) && key <= '9')
			doc_button(d, first + (int)i, first + (int)i, (char)key++, field_staff_label(&f->fields[i]));
	doc_button(d, cancel, cancel, '0', _("Cancel"));
}

char *
correct_apply(struct app *a, const struct store_record *r, const struct field *fd, const char *text, bool *again)
{
	char *stored;
	enum verr e = correct_check(a->forms, r, fd, text, &stored);
	enum store_rc rc;
	bool wiped;
	char *msg;

	*again = e != VERR_NONE;
	if (e != VERR_NONE)
		/* L10N: the field as staff read it, then the kiosk's message. */
		return xasprintf(_("%s: %s"), field_staff_label(fd), intake_message(e));
	if (str_eq(stored, store_record_answer(r, fd->id))) {
		wipe_free(stored);
		return xstrdup(_("That is what was stored already; nothing was changed."));
	}
	rc = store_correct(a->store, r, fd->id, stored, a->staff, &wiped);
	wipe_free(stored);
	if (rc != STORE_OK)
		return xstrdup(store_message(rc));
	if (!wiped)
		return xstrdup(_("Corrected. Another program is using the database, so the old value is wiped from the file by the next clean-up (zorgkiosk purge)."));
	/* L10N: the field as staff read it (Name, Phone). */
	msg = xasprintf(_("%s corrected. The old value is gone; the history says who corrected it, and when."),
	    field_staff_label(fd));
	return msg;
}
