/* person.c: all that is stored about the person behind a reference; see
 * person.h. */
#include "person.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "answer_words.h"
#include "charset.h"
#include "correct.h"
#include "i18n.h"
#include "util.h"

enum store_rc
person_find(struct store *s, const struct forms *f, const char *ref, char ***refs, size_t *n)
{
	const char **phone = xcalloc(f->nfields + 1, sizeof *phone), **email = xcalloc(f->nfields + 1, sizeof *email);
	struct store_person_fields pf = { .phone = phone, .email = email };
	enum store_rc rc;

	for (size_t i = 0; i < f->nfields; i++)
		if (f->fields[i].type == FIELD_PHONE)
			phone[pf.nphone++] = f->fields[i].id;
		else if (f->fields[i].type == FIELD_EMAIL)
			email[pf.nemail++] = f->fields[i].id;
	rc = store_person(s, ref, &pf, refs, n);
	free(phone);
	free(email);
	return rc;
}

/* Add a line; stored text in it is shown with its controls as U+FFFD
 * (a lone CR would let text overwrite its line), line breaks kept. */
static void add(struct person_page *p, bool heading, int indent, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
add(struct person_page *p, bool heading, int indent, const char *fmt, ...)
{
	va_list ap;
	char *text, *shown, *w;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		abort();
	va_end(ap);
	shown = charset_filter(text, true, true);
	free(text);
	for (w = shown; *w; w++)
		if (*w == '\r' || *w == '\t')
			*w = ' ';
	p->lines = xreallocarray(p->lines, p->n + 1, sizeof *p->lines);
	p->lines[p->n++] = (struct person_line){ shown, heading, indent };
}

static void
add_answer(struct person_page *p, struct store *s, const struct forms *f, const struct store_record *r,
    const struct store_answer *an)
{
	char *label = answer_label(s, f, r->form_version, an->field, "", false);
	char *value = answer_words(s, f, r->form_version, an);

	add(p, false, 4, "%s: %s", label, value);
	free(label);
	free(value);
}

static void
add_record(struct person_page *p, struct store *s, const struct forms *f, const struct store_record *r)
{
	add(p, true, 0, _("Request %s"), r->ref);
	add(p, false, 2, _("Made on %s, in language %s; status: %s"), r->created, r->ui_lang,
	    store_status_label(r->status));
	if (*r->location)
		add(p, false, 2, _("Made at: %s"), r->location);
	add(p, false, 2, "%s", _("Answers:"));
	/* In the order of the form; answers to fields it no longer has last. */
	for (size_t k = 0; k <= f->nfields; k++)
		for (size_t i = 0; i < r->nanswers; i++) {
			const char *field = r->answers[i].field;

			if (k < f->nfields ? str_eq(field, f->fields[k].id) : forms_field(f, field) == NULL)
				add_answer(p, s, f, r, &r->answers[i]);
		}
	add(p, false, 2, "%s", r->nevents ? _("Notes and status changes by staff:") : _("No notes or status changes."));
	for (size_t i = 0; i < r->nevents; i++) {
		const struct store_event *e = &r->events[i];

		if (e->new_status != NULL)
			add(p, false, 4, _("%s, %s: status %s -> %s"), e->at, e->staff,
			    e->old_status ? store_status_label(e->old_status) : "-", store_status_label(e->new_status));
		if (e->note != NULL)
			add(p, false, 4, _("%s, %s: note: %s"), e->at, e->staff, e->note);
		if (e->corrected != NULL)
			add(p, false, 4, _("%s, %s: corrected %s"), e->at, e->staff, correct_label(f, e));
	}
}

/* What the audit's actions about one request mean, in words. */
static const char *const action_words[][2] = {
	{ "view", N_("read the request") },
	{ "status", N_("changed the status") },
	{ "note", N_("added a note") },
	{ "access", N_("made this overview of the person's data") },
	{ "alert", N_("sent an alert without personal data") },
	{ "alert-start", N_("started the alerts") },
	{ "erase", N_("erased the request") },
	{ "correct", N_("corrected") },
};

static const char *
action_word(const char *action)
{
	for (size_t i = 0; i < sizeof action_words / sizeof action_words[0]; i++)
		if (str_eq(action, action_words[i][0]))
			return _(action_words[i][1]);
	return action;
}

struct audit_ctx {
	struct person_page *p;
	char *const *refs;
	size_t n;
	int lines;
};

/* One audit row about one of the person's requests. */
static void
add_audit(void *ctx, const char *const *cols)
{
	struct audit_ctx *c = ctx;
	const char *at = cols[0], *staff = cols[1], *action = cols[2], *ref = cols[3], *detail = cols[4];
	bool ours = false;

	for (size_t i = 0; i < c->n && ref != NULL && !ours; i++)
		ours = str_eq(ref, c->refs[i]);
	if (!ours)
		return;
	add(c->p, false, 4, "%s  %s  %s  %s%s%s", at, ref, staff, action_word(action), detail && *detail ? ": " : "",
	    detail ? detail : "");
	c->lines++;
}

enum store_rc
person_page_make(struct store *s, const struct forms *f, const char *ref, char *const *refs, size_t n,
    struct person_page *p)
{
	struct audit_ctx c = { .p = p, .refs = refs, .n = n };
	enum store_rc rc = STORE_OK;

	*p = (struct person_page){ 0 };
	add(p, true, 0, _("All that is stored about the person behind %s"), ref);
	add(p, false, 0, ngettext("%zu request, found by its reference, phone number and e-mail address.",
	    "%zu requests, found by the reference, phone number and e-mail address.", (unsigned long)n), n);
	for (size_t i = 0; i < n && rc == STORE_OK; i++) {
		struct store_record r;

		if ((rc = store_record(s, refs[i], &r)) != STORE_OK)
			break;
		add(p, false, 0, "%s", "");
		add_record(p, s, f, &r);
		store_record_free(&r);
	}
	if (rc == STORE_OK) {
		add(p, false, 0, "%s", "");
		add(p, true, 0, "%s", _("Who read or changed these requests, and when (the audit):"));
		rc = store_audit_each(s, add_audit, &c);
	}
	if (rc == STORE_OK && c.lines == 0)
		add(p, false, 4, "%s", _("nobody yet"));
	if (rc != STORE_OK)
		person_page_free(p);
	return rc;
}

void
person_page_write(const struct person_page *p, FILE *out)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct person_line *l = &p->lines[i];

		fprintf(out, "%*s", l->indent, "");
		for (const char *c = l->text; *c; c++) {
			fputc(*c, out);
			if (*c == '\n')
				fprintf(out, "%*s", l->indent + 2, "");
		}
		fputc('\n', out);
	}
}

void
person_page_free(struct person_page *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->lines[i].text);
	free(p->lines);
	*p = (struct person_page){ 0 };
}
