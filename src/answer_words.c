/* answer_words.c: a stored answer in the words staff read; see
 * answer_words.h. */
#include "answer_words.h"

#include <stdlib.h>

#include "intake.h"
#include "util.h"

char *
answer_label(struct store *s, const struct forms *f, int form_version, const char *field, const char *choice,
    bool for_staff)
{
	const struct field *fd = forms_field(f, field);
	char *l;

	if (f->care != NULL && str_eq(field, INTAKE_CARE_FIELD) && *choice == '\0')
		return xstrdup(tr(&f->care->title));
	if (fd != NULL && *choice == '\0')
		return xstrdup(for_staff ? field_staff_label(fd) : tr(&fd->label));
	for (size_t c = 0; fd != NULL && c < fd->nchoices; c++)
		if (str_eq(fd->choices[c].id, choice))
			return xstrdup(tr(&fd->choices[c].label));
	l = store_label(s, form_version, field, choice, i18n_lang());
	return l ? l : xstrdup(*choice ? choice : field);
}

char *
answer_words(struct store *s, const struct forms *f, int form_version, const struct store_answer *an)
{
	const struct field *fd = forms_field(f, an->field);

	if (fd != NULL && fd->type == FIELD_OPTIONS) {
		char *out = xstrdup("");

		for (size_t p = 0; p < f->npages; p++)
			if (intake_has_id(an->value, f->pages[p].id)) {
				char *t = xasprintf("%s%s%s", out, *out ? "; " : "", tr(&f->pages[p].title));

				free(out);
				out = t;
			}
		return out;
	}
	if (fd != NULL && fd->type == FIELD_CONSENT)
		return xstrdup(str_eq(an->value, "yes") ? _("Yes") : an->value);
	if (f->care != NULL && str_eq(an->field, INTAKE_CARE_FIELD)) {
		const struct care_band *b = care_band_find(f->care, an->value);

		return xstrdup(b != NULL ? tr(&b->title) : an->value);
	}
	/* A choice by its label; a value that is no choice comes back as it is. */
	if (fd == NULL || fd->type == FIELD_CHOICE)
		return answer_label(s, f, form_version, an->field, an->value, true);
	return xstrdup(an->value);
}
