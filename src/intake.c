/* intake.c: intake answers and their checks; see intake.h. */
#include "intake.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "site.h"
#include "util.h"

/* Whether fd's answer is the language of the screen until one is picked. */
static bool
follows_language(const struct field *fd)
{
	return fd->type == FIELD_CHOICE && str_eq(fd->def, "ui-language");
}

bool
intake_is_language(const struct field *fd)
{
	return follows_language(fd);
}

bool
intake_choice_offered(const struct field *fd, size_t c)
{
	if (!follows_language(fd) || site.staff_languages == NULL)
		return true;
	for (size_t i = 0; site.staff_languages[i] != NULL; i++)
		if (str_eq(site.staff_languages[i], fd->choices[c].id))
			return true;
	return false;
}

/* The default answer of fd when the screen is in language ui. */
static const char *
default_value(const struct field *fd, lang_id ui)
{
	if (fd->type != FIELD_CHOICE || fd->def == NULL)
		return "";
	if (!follows_language(fd))
		return fd->def;
	for (size_t c = 0; c < fd->nchoices; c++)
		if (str_eq(fd->choices[c].id, i18n_code(ui)) && intake_choice_offered(fd, c))
			return i18n_code(ui);
	return "";
}

void
intake_init(struct intake *in, const struct forms *f, const char *preticked, lang_id ui)
{
	in->forms = f;
	in->care[0] = '\0';
	in->values = xcalloc(f->nfields, sizeof *in->values);
	in->chosen = xcalloc(f->nfields, sizeof *in->chosen);
	for (size_t i = 0; i < f->nfields; i++) {
		const struct field *fd = &f->fields[i];

		in->values[i] = xstrdup(default_value(fd, ui));
		if (fd->type == FIELD_OPTIONS && preticked != NULL) {
			/* Keep only ids of pages that can be asked about. */
			char *list = xstrdup(preticked), *save = NULL;

			for (char *id = strtok_r(list, ",", &save); id; id = strtok_r(NULL, ",", &save)) {
				const struct page *p = forms_page(f, id);

				if (p != NULL && p->request && !intake_has_id(in->values[i], id))
					intake_toggle(in, i, id);
			}
			wipe_free(list);
		}
	}
}

void
intake_clear(struct intake *in)
{
	explicit_bzero(in->care, sizeof in->care);
	if (in->values == NULL)
		return;
	for (size_t i = 0; i < in->forms->nfields; i++)
		wipe_free(in->values[i]);
	wipe_free(in->values);
	free(in->chosen);
	in->values = NULL;
	in->chosen = NULL;
}

void
intake_set(struct intake *in, size_t i, const char *value)
{
	char *old = in->values[i];

	/* What comes from line mode or a kept draft: invisible characters
	 * are left out here too, as when typed (see edit.c). */
	in->values[i] = xstrdup(value);
	charset_drop_invisible(in->values[i]);
	wipe_free(old);
}

void
intake_choose(struct intake *in, size_t i, const char *value)
{
	intake_set(in, i, value);
	in->chosen[i] = true;
}

void
intake_follow_language(struct intake *in, lang_id ui)
{
	for (size_t i = 0; i < in->forms->nfields; i++)
		if (follows_language(&in->forms->fields[i]) && !in->chosen[i])
			intake_set(in, i, default_value(&in->forms->fields[i], ui));
}

bool
intake_has_id(const char *list, const char *id)
{
	size_t n = strlen(id);

	for (const char *p = list; *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && strncmp(p, id, n) == 0)
			return true;
		if (end == NULL)
			break;
		p = end + 1;
	}
	return false;
}

void
intake_toggle(struct intake *in, size_t i, const char *id)
{
	const struct forms *f = in->forms;
	const char *cur = in->values[i];
	char *out = xstrdup("");
	bool had = intake_has_id(cur, id);

	/* Rebuild in page order so stored lists are stable. */
	for (size_t p = 0; p < f->npages; p++) {
		const char *pid = f->pages[p].id;
		bool on = str_eq(pid, id) ? !had : intake_has_id(cur, pid);

		if (on) {
			char *t = xasprintf("%s%s%s", out, *out ? "," : "", pid);
			wipe_free(out);
			out = t;
		}
	}
	intake_set(in, i, out);
	wipe_free(out);
}

char *
intake_phone_normalize(const char *s)
{
	char digits[32], *out = NULL;
	size_t n = 0;
	bool plus = false;

	for (const char *p = s; *p; p++) {
		if (*p == ' ' || *p == '-' || *p == '(' || *p == ')' || *p == '.')
			continue;
		if (*p == '+' && n == 0 && !plus) {
			plus = true;
			continue;
		}
		if (!isdigit((unsigned char)*p) || n + 1 >= sizeof digits) {
			explicit_bzero(digits, sizeof digits);
			return NULL;
		}
		digits[n++] = *p;
	}
	digits[n] = '\0';
	if (!plus && n == 10 && digits[0] == '0' && digits[1] != '0')
		out = xstrdup(digits);
	/* +31 6 12345678, also written +31 (0)6 12345678 or 0031 6 12345678 */
	else if (plus && n == 11 && strncmp(digits, "31", 2) == 0 && digits[2] != '0')
		out = xasprintf("+%s", digits);
	else if (plus && n == 12 && strncmp(digits, "310", 3) == 0 && digits[3] != '0')
		out = xasprintf("+31%s", digits + 3);
	else if (!plus && n == 13 && strncmp(digits, "0031", 4) == 0 && digits[4] != '0')
		out = xasprintf("+%s", digits + 2);
	explicit_bzero(digits, sizeof digits);
	return out;
}

bool
intake_email_ok(const char *s)
{
	const char *at = strchr(s, '@'), *dot;

	if (at == NULL || at == s || strchr(at + 1, '@') != NULL || strlen(s) > 254)
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || strchr("(),:;<>[]\\\"", *p) != NULL)
			return false;
	if (strstr(s, "..") != NULL || s[0] == '.' || at[-1] == '.' || at[1] == '.')
		return false;
	/* The domain needs a dot with at least two letters after the last one. */
	dot = strrchr(at, '.');
	if (dot == NULL || strlen(dot + 1) < 2)
		return false;
	for (const char *p = dot + 1; *p; p++)
		if (!isalpha((unsigned char)*p))
			return false;
	return true;
}

/* Whether s holds anything but spaces and newlines. */
static bool
filled(const char *s)
{
	return s[strspn(s, " \t\n")] != '\0';
}

enum verr
intake_check_value(const struct field *fd, const char *v)
{
	char *norm;

	if (!charset_valid_utf8(v, fd->type == FIELD_TEXTAREA) || charset_has_invisible(v))
		return VERR_BAD_TEXT;
	if (!filled(v))
		return fd->required && fd->type != FIELD_CONSENT ? VERR_REQUIRED : VERR_NONE;
	switch (fd->type) {
	case FIELD_TEXT:
	case FIELD_TEXTAREA:
		return charset_utf8_len(v) > (size_t)fd->max ? VERR_TOO_LONG : VERR_NONE;
	case FIELD_PHONE:
		if ((norm = intake_phone_normalize(v)) == NULL)
			return VERR_PHONE;
		wipe_free(norm);
		return VERR_NONE;
	case FIELD_EMAIL:
		return intake_email_ok(v) ? VERR_NONE : VERR_EMAIL;
	case FIELD_CHOICE:
		for (size_t c = 0; c < fd->nchoices; c++)
			if (str_eq(fd->choices[c].id, v) && intake_choice_offered(fd, c))
				return VERR_NONE;
		return VERR_REQUIRED;
	case FIELD_OPTIONS:
	case FIELD_CONSENT:
		break;
	}
	return VERR_NONE;
}

size_t
intake_check(const struct intake *in, enum verr *errs)
{
	const struct forms *f = in->forms;
	size_t bad = 0;

	for (size_t i = 0; i < f->nfields; i++)
		if ((errs[i] = intake_check_value(&f->fields[i], in->values[i])) != VERR_NONE)
			bad++;
	for (size_t g = 0; g < f->none_of; g++) {
		const struct one_of *o = &f->one_of[g];
		bool any = false;

		for (size_t k = 0; k < o->n; k++)
			any = any || filled(in->values[o->fields[k] - f->fields]);
		if (!any && o->n > 0) {
			size_t first = (size_t)(o->fields[0] - f->fields);

			if (errs[first] == VERR_NONE)
				bad++;
			errs[first] = VERR_ONE_OF;
		}
	}
	return bad;
}

const char *
intake_message(enum verr e)
{
	switch (e) {
	case VERR_NONE:
		return "";
	case VERR_REQUIRED:
		return _("Please fill this in.");
	case VERR_PHONE:
		return _("Please type a Dutch phone number: 10 digits starting with 0, or +31.");
	case VERR_EMAIL:
		return _("Please type an e-mail address like name@example.nl.");
	case VERR_TOO_LONG:
		return _("This is too long. Please make it shorter.");
	case VERR_BAD_TEXT:
		return _("This contains characters that cannot be stored. Please type it again.");
	case VERR_ONE_OF:
		return _("Please fill in a phone number or an e-mail address, so we can reach you.");
	}
	return "";
}

bool
intake_has_consent(const struct intake *in)
{
	for (size_t i = 0; i < in->forms->nfields; i++)
		if (in->forms->fields[i].type == FIELD_CONSENT)
			return str_eq(in->values[i], "yes");
	return false;
}

char *
intake_display(const struct intake *in, size_t i)
{
	const struct field *fd = &in->forms->fields[i];
	const char *v = in->values[i];
	char *out, *norm;

	switch (fd->type) {
	case FIELD_CHOICE:
		for (size_t c = 0; c < fd->nchoices; c++)
			if (str_eq(fd->choices[c].id, v))
				return xstrdup(tr(&fd->choices[c].label));
		return xstrdup("-");
	case FIELD_OPTIONS:
		out = xstrdup("");
		for (size_t p = 0; p < in->forms->npages; p++) {
			const struct page *pg = &in->forms->pages[p];

			if (intake_has_id(v, pg->id)) {
				char *t = xasprintf("%s%s%s", out, *out ? "; " : "", tr(&pg->title));
				wipe_free(out);
				out = t;
			}
		}
		if (*out == '\0') {
			wipe_free(out);
			out = xstrdup("-");
		}
		return out;
	case FIELD_CONSENT:
		return xstrdup(str_eq(v, "yes") ? _("Yes") : _("No"));
	case FIELD_PHONE:
		if ((norm = intake_phone_normalize(v)) != NULL)
			return norm;
		break;
	default:
		break;
	}
	return xstrdup(filled(v) ? v : "-");
}
