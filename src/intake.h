/* intake.h: the answers a caregiver types into the intake form, their
 * checks, and what they mean. Pure logic, no I/O. */
#ifndef ZK_INTAKE_H
#define ZK_INTAKE_H

#include <stdbool.h>
#include <stddef.h>

#include "form.h"

/* What is wrong with an answer. */
enum verr {
	VERR_NONE,
	VERR_REQUIRED,  /* must be filled in or chosen */
	VERR_PHONE,     /* not a Dutch phone number */
	VERR_EMAIL,     /* not an e-mail address */
	VERR_TOO_LONG,  /* more characters than the field allows */
	VERR_BAD_TEXT,  /* invalid UTF-8, control or invisible characters */
	VERR_ONE_OF,    /* none of a one_of group was filled in */
};

/* The answers to one intake form, one UTF-8 string per field, never NULL.
 * Choice: the choice id or ""; options: page ids joined by ','; consent:
 * "yes" or "". */
struct intake {
	const struct forms *forms;
	char **values;
	/* The band of "How are you doing?" the caregiver chose to add, or "":
	 * stored as the answer INTAKE_CARE_FIELD, never the answers. */
	char care[48];
	bool *chosen; /* per field: picked by the caregiver, so a default that
	               * follows the language no longer does */
};

/* The answer field that holds the band of the care check. */
#define INTAKE_CARE_FIELD "care_check"


/* A fresh form: defaults ticked, pages in preticked (ids joined by ',', may
 * be NULL) ticked, contact language ui. */
void intake_init(struct intake *in, const struct forms *f, const char *preticked, lang_id ui);
/* Wipe every answer from memory and free it. */
void intake_clear(struct intake *in);
/* Replace the value of field i (a copy is taken; the old one is wiped). */
void intake_set(struct intake *in, size_t i, const char *value);
/* Whether options or a comma list of ids contains id. */
bool intake_has_id(const char *list, const char *id);
/* The caregiver picks value for field i (a choice): it stays, whatever
 * language they switch to. */
void intake_choose(struct intake *in, size_t i, const char *value);
/* The language of the screen became ui: answers that default to it and
 * were not picked (the contact language) follow. */
void intake_follow_language(struct intake *in, lang_id ui);
/* Tick or untick id in the comma list value of field i. */
void intake_toggle(struct intake *in, size_t i, const char *id);

/* Check one answer on its own. */
enum verr intake_check_value(const struct field *fd, const char *value);
/* Whether fd asks for the language of contact (its default follows the
 * language of the screen). */
bool intake_is_language(const struct field *fd);
/* Whether choice c of fd is offered: of the language of contact, only
 * the languages staff speak (the site's staff_languages). */
bool intake_choice_offered(const struct field *fd, size_t c);
/* Check every answer; errs has one entry per field. Returns the number of
 * fields in error. Consent is not checked here (see intake_has_consent). */
size_t intake_check(const struct intake *in, enum verr *errs);
/* The message for e in the current language. */
const char *intake_message(enum verr e);
/* Whether the consent box is ticked. */
bool intake_has_consent(const struct intake *in);
/* The answer as a caregiver reads it (choice labels, page titles, phone
 * numbers normalised), in the current language. Caller frees. */
char *intake_display(const struct intake *in, size_t i);
/* A phone number in the form stored: "0612345678" or "+31612345678";
 * NULL when it is not a Dutch number. Caller frees. */
char *intake_phone_normalize(const char *s);
/* Whether s has the shape of an e-mail address. */
bool intake_email_ok(const char *s);

#endif
