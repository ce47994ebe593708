/* form_review.c: the dates that keep the content true. Every page and flow
 * (and the intake and glossary files) says when its facts were last checked
 * and by whom; a section may end on a date, after which the kiosk shows its
 * replacement or nothing. check-forms and the staff terminal list what is
 * overdue; see form.h. */
#include "form_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int
form_date(int year, int month, int day)
{
	char s[16];

	snprintf(s, sizeof s, "%04d-%02d-%02d", year, month, day);
	return date_valid(s) ? year * 10000 + month * 100 + day : 0;
}

/* The date setting g->name ("YYYY-MM-DD") as yyyymmdd; 0 when absent or
 * after reporting a bad one. */
static int
read_date(struct loader *ld, const config_setting_t *g, const char *name)
{
	const config_setting_t *s = config_setting_get_member(g, name);
	const char *v;
	int y, m, d;

	if (s == NULL)
		return 0;
	v = config_setting_type(s) == CONFIG_TYPE_STRING ? config_setting_get_string(s) : NULL;
	if (v == NULL || !date_valid(v) || sscanf(v, "%4d-%2d-%2d", &y, &m, &d) != 3) {
		form_err(ld, line_of(s), _("\"%s\" must be a date written YYYY-MM-DD, e.g. \"2026-11-30\""), name);
		return 0;
	}
	return y * 10000 + m * 100 + d;
}

void
form_read_checked(struct loader *ld, struct forms *f, const config_setting_t *g, const char *what,
    int line)
{
	const config_setting_t *by = config_setting_get_member(g, "checked_by");
	struct review *r;

	f->reviews = xreallocarray(f->reviews, f->nreviews + 1, sizeof *f->reviews);
	r = &f->reviews[f->nreviews++];
	r->file = xstrdup(ld->file);
	r->line = line;
	r->what = xstrdup(what != NULL ? what : "?");
	r->checked = read_date(ld, g, "checked");
	r->checked_by = by != NULL ? string_value(ld, by, "checked_by", false) : NULL;
}

void
form_read_until(struct loader *ld, const config_setting_t *g, struct section *s)
{
	s->until = read_date(ld, g, "until");
	get_text(ld, g, "replacement", &s->replacement, false);
	if (s->replacement.s[0] != NULL && config_setting_get_member(g, "until") == NULL)
		form_err(ld, line_of(g), _("\"replacement\" goes with \"until\": the date after which it is shown"));
}

const struct text *
section_shown(const struct section *s, int today)
{
	if (s->until == 0 || today <= s->until)
		return &s->body;
	return s->replacement.s[0] != NULL ? &s->replacement : NULL;
}

const struct section *
page_section(const struct page *p, const char *id)
{
	for (size_t i = 0; i < p->nsections; i++)
		if (p->sections[i].id != NULL && str_eq(p->sections[i].id, id))
			return &p->sections[i];
	return NULL;
}

/* Days from 1 March of year 0 to date yyyymmdd (a proleptic Gregorian day
 * count), for differences between dates. */
static long
day_number(int date)
{
	long y = date / 10000, m = date / 100 % 100, d = date % 100;

	if (m < 3) {
		y--;
		m += 12;
	}
	return 365 * y + y / 4 - y / 100 + y / 400 + (153 * (m - 3) + 2) / 5 + d - 1;
}

static void
append(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
append(char **out, const char *fmt, ...)
{
	va_list ap;
	char *line, *t;

	va_start(ap, fmt);
	line = xvasprintf(fmt, ap);
	va_end(ap);
	t = xasprintf("%s%s", *out ? *out : "", line);
	free(*out);
	free(line);
	*out = t;
}

size_t
forms_review(const struct forms *f, int today, int days, char **out)
{
	size_t overdue = 0;

	for (size_t i = 0; i < f->nreviews; i++) {
		const struct review *r = &f->reviews[i];

		if (r->checked == 0) {
			append(out, _("%s:%d: warning: \"%s\" does not say when its facts were checked (checked = \"YYYY-MM-DD\"; checked_by = \"...\";)\n"),
			    r->file, r->line, r->what);
			overdue++;
		} else if (day_number(today) - day_number(r->checked) > days) {
			append(out, _("%s:%d: warning: the facts of \"%s\" were last checked on %04d-%02d-%02d, more than %d days ago; who checks them: %s\n"),
			    r->file, r->line, r->what, r->checked / 10000, r->checked / 100 % 100,
			    r->checked % 100, days, r->checked_by ? r->checked_by : _("nobody is named"));
			overdue++;
		}
	}
	for (size_t i = 0; i < f->npages; i++)
		for (size_t k = 0; k < f->pages[i].nsections; k++) {
			const struct section *s = &f->pages[i].sections[k];
			const char *file = "guide.conf";

			if (s->until == 0 || today <= s->until)
				continue;
			for (size_t r = 0; r < f->nreviews; r++)
				if (str_eq(f->reviews[r].what, f->pages[i].id))
					file = f->reviews[r].file;
			append(out, s->replacement.s[0] != NULL ?
			    _("%s:%d: warning: section \"%s\" of page \"%s\" ended on %04d-%02d-%02d: its replacement is shown\n") :
			    _("%s:%d: warning: section \"%s\" of page \"%s\" ended on %04d-%02d-%02d: it is no longer shown\n"),
			    file, s->line,
			    tr(&s->title)[0] != '\0' ? tr(&s->title) : "?", f->pages[i].id,
			    s->until / 10000, s->until / 100 % 100, s->until % 100);
		}
	return overdue;
}
