/* cli_person.c: the rights of the person whose data it is, as staff
 * commands: access REF (all that is stored about them, in plain words) and
 * erase REF (all of it gone, but that it happened). */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "charset.h"
#include "i18n.h"
#include "outfile.h"
#include "site.h"
#include "util.h"

/* The fields that say who someone is: phone numbers and e-mail addresses. */
struct person_fields {
	const char **phone, **email;
	struct store_person_fields pf;
};

static void
fields_of(const struct forms *f, struct person_fields *p)
{
	p->phone = xcalloc(f->nfields + 1, sizeof *p->phone);
	p->email = xcalloc(f->nfields + 1, sizeof *p->email);
	p->pf = (struct store_person_fields){ .phone = p->phone, .email = p->email };
	for (size_t i = 0; i < f->nfields; i++)
		if (f->fields[i].type == FIELD_PHONE)
			p->phone[p->pf.nphone++] = f->fields[i].id;
		else if (f->fields[i].type == FIELD_EMAIL)
			p->email[p->pf.nemail++] = f->fields[i].id;
}

/* The requests of the person behind a->ref, or NULL with a message. */
static char **
find_person(struct store *s, const struct forms *f, const char *ref, size_t *n)
{
	struct person_fields p;
	char **refs;
	enum store_rc rc;

	fields_of(f, &p);
	rc = store_person(s, ref, &p.pf, &refs, n);
	free(p.phone);
	free(p.email);
	if (rc == STORE_NOTFOUND)
		fprintf(stderr, _("zorgkiosk: there is no request %s.\n"), ref);
	else if (rc != STORE_OK)
		fprintf(stderr, "zorgkiosk: %s\n", store_message(rc));
	return rc == STORE_OK ? refs : NULL;
}

/* Whether the user typed the reference again, on a terminal. */
static bool
confirmed(const char *ref)
{
	char line[64];

	printf(_("Type the reference %s to erase all of this for good, or press Enter to stop: "), ref);
	fflush(stdout);
	if (fgets(line, sizeof line, stdin) == NULL)
		return false;
	line[strcspn(line, "\r\n")] = '\0';
	return str_eq(line, ref);
}

int
cli_erase(struct store *s, const struct forms *f, const char *login, const struct cli_args *a)
{
	size_t n;
	char **refs = find_person(s, f, a->ref, &n);
	enum store_rc rc;

	if (refs == NULL)
		return 1;
	if (!a->yes && !isatty(STDIN_FILENO)) {
		fprintf(stderr, _("zorgkiosk: erase asks for a yes on a terminal; in a script, add --yes. Nothing was erased.\n"));
		store_refs_free(refs, n);
		return 1;
	}
	/* Only references: the question shows no one's data. */
	printf(ngettext("The person behind %s has %zu request:\n", "The person behind %s has %zu requests:\n",
	    (unsigned long)n), a->ref, n);
	for (size_t i = 0; i < n; i++)
		printf("  %s\n", refs[i]);
	if (!a->yes && !confirmed(a->ref)) {
		printf(_("Nothing was erased.\n"));
		store_refs_free(refs, n);
		return 1;
	}
	rc = store_erase(s, refs, n, login);
	if (rc == STORE_OK)
		printf(ngettext("Erased %zu request with its answers, notes and history; the audit keeps that it happened.\n",
		    "Erased %zu requests with their answers, notes and history; the audit keeps that it happened.\n",
		    (unsigned long)n), n);
	else
		fprintf(stderr, "zorgkiosk: %s\n", store_message(rc));
	store_refs_free(refs, n);
	return rc == STORE_OK ? 0 : 1;
}

/* Stored text as it may reach a terminal: controls shown as U+FFFD, line
 * breaks kept and indented under the line they continue. */
static void
put_text(FILE *out, const char *v, const char *indent)
{
	char *shown = charset_filter(v ? v : "", true, true);

	for (char *p = shown; *p; p++) {
		fputc(*p, out);
		if (*p == '\n')
			fputs(indent, out);
	}
	fputc('\n', out);
	free(shown);
}

/* The label staff read for a field or choice (choice "" for the field):
 * the current form's, else the one remembered for form_version. */
static char *
label_of(struct store *s, const struct forms *f, int form_version, const char *field, const char *choice)
{
	const struct field *fd = forms_field(f, field);
	char *l;

	if (f->care != NULL && str_eq(field, INTAKE_CARE_FIELD) && *choice == '\0')
		return xstrdup(tr(&f->care->title));
	if (fd != NULL && *choice == '\0')
		return xstrdup(tr(&fd->label));
	for (size_t c = 0; fd != NULL && c < fd->nchoices; c++)
		if (str_eq(fd->choices[c].id, choice))
			return xstrdup(tr(&fd->choices[c].label));
	l = store_label(s, form_version, field, choice, i18n_lang());
	return l ? l : xstrdup(*choice ? choice : field);
}

/* An answer in words: options by their titles, a choice by its label. */
static char *
value_of(struct store *s, const struct forms *f, int form_version, const struct store_answer *an)
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
	/* The band of "How are you doing?", by its title. */
	if (f->care != NULL && str_eq(an->field, INTAKE_CARE_FIELD)) {
		const struct care_band *b = care_band_find(f->care, an->value);

		return xstrdup(b != NULL ? tr(&b->title) : an->value);
	}
	if (fd == NULL || fd->type == FIELD_CHOICE)
		return label_of(s, f, form_version, an->field, an->value);
	return xstrdup(an->value);
}

static void
put_answer(FILE *out, struct store *s, const struct forms *f, const struct store_record *r,
    const struct store_answer *an)
{
	char *label = label_of(s, f, r->form_version, an->field, "");
	char *value = value_of(s, f, r->form_version, an);
	char *shown = charset_filter(label, true, false);

	fprintf(out, "    %s: ", shown);
	put_text(out, value, "      ");
	free(shown);
	free(label);
	free(value);
}

static void
put_record(FILE *out, struct store *s, const struct forms *f, const struct store_record *r)
{
	fprintf(out, _("Request %s\n"), r->ref);
	fprintf(out, _("  Made on %s, in language %s; status: %s\n"), r->created, r->ui_lang,
	    store_status_label(r->status));
	if (*r->location) {
		fputs(_("  Made at: "), out);
		put_text(out, r->location, "    ");
	}
	fputs(_("  Answers:\n"), out);
	/* In the order of the form; answers to fields it no longer has last. */
	for (size_t k = 0; k <= f->nfields; k++)
		for (size_t i = 0; i < r->nanswers; i++) {
			const char *field = r->answers[i].field;

			if (k < f->nfields ? str_eq(field, f->fields[k].id) : forms_field(f, field) == NULL)
				put_answer(out, s, f, r, &r->answers[i]);
		}
	fputs(r->nevents ? _("  Notes and status changes by staff:\n") : _("  No notes or status changes.\n"), out);
	for (size_t i = 0; i < r->nevents; i++) {
		const struct store_event *e = &r->events[i];
		char *who = charset_filter(e->staff, true, false);

		if (e->new_status != NULL)
			fprintf(out, _("    %s, %s: status %s -> %s\n"), e->at, who,
			    e->old_status ? store_status_label(e->old_status) : "-", store_status_label(e->new_status));
		if (e->note != NULL) {
			fprintf(out, _("    %s, %s: note: "), e->at, who);
			put_text(out, e->note, "      ");
		}
		free(who);
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
	FILE *out;
	char **refs;
	size_t n;
	int lines;
};

/* One audit row about one of the person's requests. */
static void
put_audit(void *ctx, const char *at, const char *staff, const char *action, const char *ref, const char *detail)
{
	struct audit_ctx *c = ctx;
	bool ours = false;
	char *cols[4];

	for (size_t i = 0; i < c->n && ref != NULL && !ours; i++)
		ours = str_eq(ref, c->refs[i]);
	if (!ours)
		return;
	cols[0] = charset_filter(staff, true, false);
	cols[1] = charset_filter(action_word(action), true, false);
	cols[2] = charset_filter(detail ? detail : "", true, false);
	cols[3] = NULL;
	fprintf(c->out, "    %s  %s  %s  %s%s%s\n", at, ref, cols[0], cols[1], *cols[2] ? ": " : "", cols[2]);
	for (size_t i = 0; i < 3; i++)
		free(cols[i]);
	c->lines++;
}

/* Everything stored about the person whose requests are refs. */
static enum store_rc
put_person(FILE *out, struct store *s, const struct forms *f, const char *ref, char **refs, size_t n)
{
	struct audit_ctx c = { .out = out, .refs = refs, .n = n };
	enum store_rc rc = STORE_OK;

	fprintf(out, _("All that is stored about the person behind %s\n"), ref);
	fprintf(out, ngettext("%zu request, found by its reference, phone number and e-mail address.\n\n",
	    "%zu requests, found by the reference, phone number and e-mail address.\n\n", (unsigned long)n), n);
	for (size_t i = 0; i < n && rc == STORE_OK; i++) {
		struct store_record r;

		if ((rc = store_record(s, refs[i], &r)) != STORE_OK)
			break;
		put_record(out, s, f, &r);
		fputc('\n', out);
		store_record_free(&r);
	}
	if (rc != STORE_OK)
		return rc;
	fputs(_("Who read or changed these requests, and when (the audit):\n"), out);
	rc = store_audit_each(s, put_audit, &c);
	if (rc == STORE_OK && c.lines == 0)
		fputs(_("    nobody yet\n"), out);
	return rc;
}

int
cli_access(struct store *s, const struct forms *f, const char *login, const struct cli_args *a)
{
	bool to_file = a->output != NULL && !str_eq(a->output, "-");
	char *why = NULL, **refs;
	size_t n;
	FILE *out;
	enum store_rc rc;

	if ((refs = find_person(s, f, a->ref, &n)) == NULL)
		return 1;
	if ((out = to_file ? outfile_create(a->output, site.database, &why) : stdout) == NULL) {
		fprintf(stderr, "zorgkiosk: %s\n", why);
		free(why);
		store_refs_free(refs, n);
		return 1;
	}
	/* Recorded before it is shown: the page lists itself. */
	rc = store_audit(s, login, "access", a->ref, to_file ? "to a file" : NULL);
	if (rc == STORE_OK)
		rc = put_person(out, s, f, a->ref, refs, n);
	if (fflush(out) != 0 || (to_file && fclose(out) != 0))
		rc = rc == STORE_OK ? STORE_FULL : rc;
	if (rc != STORE_OK && to_file)
		unlink(a->output);
	if (rc != STORE_OK)
		fprintf(stderr, "zorgkiosk: %s\n", store_message(rc));
	store_refs_free(refs, n);
	return rc == STORE_OK ? 0 : 1;
}
