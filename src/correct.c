/* correct.c: which answers staff may correct, and the check of a new
 * value; see correct.h. */
#include "correct.h"

#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "util.h"

bool
correct_allowed(const struct field *fd)
{
	return fd->type == FIELD_TEXT || fd->type == FIELD_PHONE || fd->type == FIELD_EMAIL;
}

const struct field *
correct_field(const struct forms *f, const char *id)
{
	const struct field *fd = forms_field(f, id);

	return fd != NULL && correct_allowed(fd) ? fd : NULL;
}

char *
correct_field_list(const struct forms *f)
{
	char *out = xstrdup("");

	for (size_t i = 0; i < f->nfields; i++)
		if (correct_allowed(&f->fields[i])) {
			char *t = xasprintf("%s%s%s", out, *out ? ", " : "", f->fields[i].id);

			free(out);
			out = t;
		}
	return out;
}

const char *
correct_label(const struct forms *f, const struct store_event *e)
{
	const struct field *fd = forms_field(f, e->corrected);

	return fd != NULL ? field_staff_label(fd) : e->corrected;
}

/* Whether r has an answer to field other than fd (one_of). */
static bool
answered(const struct store_record *r, const struct field *other)
{
	for (size_t i = 0; i < r->nanswers; i++)
		if (str_eq(r->answers[i].field, other->id) && r->answers[i].value[0] != '\0')
			return true;
	return false;
}

/* An empty value where the form asks for one of a group: is another
 * field of the group answered? */
static bool
group_answered(const struct forms *f, const struct store_record *r, const struct field *fd)
{
	for (size_t g = 0; g < f->none_of; g++) {
		const struct one_of *o = &f->one_of[g];
		bool in = false, other = false;

		for (size_t k = 0; k < o->n; k++) {
			in = in || o->fields[k] == fd;
			other = other || (o->fields[k] != fd && answered(r, o->fields[k]));
		}
		if (in && !other)
			return false;
	}
	return true;
}

enum verr
correct_check(const struct forms *f, const struct store_record *r, const struct field *fd, const char *value,
    char **stored)
{
	size_t start = strspn(value, " \t"), end = strlen(value);
	char *v, *phone;
	enum verr e;

	*stored = NULL;
	while (end > start && (value[end - 1] == ' ' || value[end - 1] == '\t'))
		end--;
	v = xstrndup(value + start, end - start);
	/* The kiosk's own limits: a field's length, and characters that cannot
	 * be stored (a line break in a line of text among them). */
	if (!charset_valid_utf8(v, false) || charset_has_invisible(v))
		e = VERR_BAD_TEXT;
	else
		e = intake_check_value(fd, v);
	if (e == VERR_NONE && charset_utf8_len(v) > (size_t)fd->max)
		e = VERR_TOO_LONG;
	if (e == VERR_NONE && *v == '\0' && !group_answered(f, r, fd))
		e = VERR_ONE_OF;
	if (e == VERR_NONE && fd->type == FIELD_PHONE && *v != '\0' && (phone = intake_phone_normalize(v)) != NULL) {
		wipe_free(v);
		v = phone;
	}
	if (e != VERR_NONE)
		wipe_free(v);
	else
		*stored = v;
	return e;
}
