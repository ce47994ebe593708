/* form.h: the guide and the intake form, loaded from forms/ (libconfig).
 * The program knows kinds of things (a page, a question, a field); the
 * Zoetermeer facts live in the files. No curses here. */
#ifndef ZK_FORM_H
#define ZK_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "i18n.h"

struct section {
	char *id;                /* optional: for takehome.conf to name it */
	struct text title, body;
	int line;
	int until;               /* last day shown, yyyymmdd; 0: no end */
	struct text replacement; /* shown after until instead; empty: hidden */
};

struct page {
	char *id;
	int line; /* in guide.conf, for messages */
	struct text title, summary;
	struct section *sections;
	size_t nsections;
	char *check;  /* flow id, or NULL */
	bool request; /* offers "Request contact"; tickable in the intake */
	char *plan;   /* personal plan id (plan.conf), or NULL */
};

/* An answer to a question, or the open/closed branch of a date question. */
struct answer {
	struct text label;
	char *next;   /* question id, or NULL: the flow ends */
	struct text result, why;
	char **suggest; /* page ids */
	size_t nsuggest;
};

struct question {
	char *id;
	int line;
	struct text ask, help;
	struct answer *answers;
	size_t nanswers;
	bool is_date;         /* answered from today's date, never asked */
	int from_md, until_md; /* month * 100 + day; answers[0] open, [1] closed */
};

struct flow {
	char *id;
	int line;
	struct text title, intro;
	char *start, *fallback;
	struct question *questions;
	size_t nquestions;
	char *offer;  /* care check id offered at the end (check.conf), or NULL */
};

/* "How are you doing?" (check.conf): questions about the caregiver, each
 * answer worth points; the total falls in exactly one band. An answer
 * that alone says caring is too much names a band it leads to at least. */
struct care_answer {
	struct text label;
	int points;
	char *at_least; /* id of the lowest band this answer allows, or NULL */
	size_t floor;   /* that band's index + 1 (0: none), set once bands are read */
	char **suggest; /* page ids that fit this answer */
	size_t nsuggest;
};

struct care_question {
	char *id;
	int line;
	struct text ask, help;
	struct care_answer *answers;
	size_t nanswers;
};

struct care_band {
	char *id;
	int line;
	int from, to;      /* totals in this band, both included */
	struct text title, text;
	bool talk_first;   /* the result offers talking to someone first */
};

struct care_check {
	char *id;
	int line;
	struct text title, intro, note, steps;
	struct text share;       /* intake: "add my result to the request" */
	char **request;          /* page ids ticked when requesting contact */
	size_t nrequest;
	struct care_question *questions;
	size_t nquestions;
	struct care_band *bands; /* in order of their totals */
	size_t nbands;
	char **contacts;         /* contact ids for the take-home page */
	size_t ncontacts;
};

/* The personal plan for a Wmo report (plan.conf): guided questions, each
 * with an example; the answers are never stored. */
struct plan_question {
	char *id;
	struct text ask, example;
	int max; /* characters */
};

struct plan {
	char *id;
	int line;
	struct text title, intro, purpose, next;
	struct plan_question *questions;
	size_t nquestions;
	char **contacts;
	size_t ncontacts;
};

/* The take-home summary (takehome.conf): the contacts with their facts,
 * and what to do next after each page. */
struct contact {
	char *id;
	struct text name, place, time; /* place and time may be empty */
	char *phone;                   /* or NULL */
};

struct topic {
	char *page;
	struct text steps;       /* may be empty when sections are named */
	char **sections;         /* ids of the page's sections to print too */
	size_t nsections;
	char **contacts;
	size_t ncontacts;
};

struct takehome {
	struct text title, intro, footer;
	struct contact *contacts;
	size_t ncontacts;
	struct topic *topics;
	size_t ntopics;
	char **always; /* contacts on every summary */
	size_t nalways;
};

/* One line of the main menu: a page, a flow or the care check. */
struct menu_item {
	const struct page *page;
	const struct flow *flow;
	const struct care_check *care;
};

enum field_type {
	FIELD_TEXT, FIELD_TEXTAREA, FIELD_PHONE, FIELD_EMAIL,
	FIELD_CHOICE, FIELD_OPTIONS, FIELD_CONSENT,
};

struct choice {
	char *id;
	struct text label;
};

struct field;
/* The label of fd as staff read it ("Name", not "Your name"): staff_label
 * when the form gives one, else label; in the current language. */
const char *field_staff_label(const struct field *fd);

struct field {
	char *id;
	enum field_type type;
	struct text label, hint;
	struct text staff_label; /* optional: the label as staff read it */
	bool required;
	int max; /* characters, for text fields */
	struct choice *choices;
	size_t nchoices;
	char *def; /* choice id, "ui-language", or NULL */
};

/* A set of fields of which at least one must be filled in. */
struct one_of {
	const struct field **fields;
	size_t n;
};

/* A word from glossary.conf, with its explanation. */
struct gloss_entry {
	char *id;
	int line;
	struct text word;                /* as shown in the list */
	char **variants[LANG_MAX];     /* other forms found in the texts */
	size_t nvariants[LANG_MAX];
	struct text text;                /* one or two plain sentences */
};

/* Something in forms/ whose facts are checked now and then: a page, a flow,
 * or a whole file. */
struct review {
	char *file;
	int line;
	char *what;       /* the page or flow id, or the file's name */
	int checked;      /* yyyymmdd; 0: no date given */
	char *checked_by; /* or NULL */
};

struct forms {
	int guide_version, intake_version;
	struct text welcome_title, welcome_text, menu_title, menu_intro;
	struct menu_item *menu;
	size_t nmenu;
	struct page *pages;
	size_t npages;
	struct flow *flows;
	size_t nflows;
	struct text intake_title, intake_intro, no_consent, done;
	struct field *fields;
	size_t nfields;
	struct one_of *one_of;
	size_t none_of;
	struct care_check *care;   /* NULL without check.conf */
	struct plan *plan;         /* NULL without plan.conf */
	struct takehome *takehome; /* NULL without takehome.conf */
	struct gloss_entry *glossary; /* from glossary.conf, if there is one */
	size_t nglossary;
	char *glossary_file;
	struct review *reviews;       /* every page, flow and file with a date */
	size_t nreviews;
};

/* Largest text a form may hold, in bytes; longer is a form error. */
#define FORM_TEXT_MAX 8192

/* Load dir/welcome.conf, dir/guide.conf, dir/intake.conf, and
 * dir/glossary.conf, check.conf, plan.conf and takehome.conf when they exist.
 * On success returns the forms; otherwise NULL and *errors holds
 * "file:line: problem" lines (caller frees). */
struct forms *forms_load(const char *dir, char **errors);
/* The same in two steps, so that the kiosk can show its welcome while the
 * rest is read: first dir/welcome.conf alone (as forms_load), then the rest
 * into f; false then, with *errors as above, and f is for forms_free only. */
struct forms *forms_load_welcome(const char *dir, char **errors);
/* Only the table of languages of dir (i18n.h), with the site's choice
 * (i18n_want) applied; false with *errors set when it has problems. */
bool forms_load_languages(const char *dir, char **errors);
bool forms_load_rest(struct forms *f, const char *dir, char **errors);
/* Free forms loaded by forms_load (NULL is fine). */
void forms_free(struct forms *f);

const struct page *forms_page(const struct forms *f, const char *id);
const struct flow *forms_flow(const struct forms *f, const char *id);
const struct field *forms_field(const struct forms *f, const char *id);
/* The fields staff search (text, phone, e-mail), at most max of them, in
 * out; returns how many. */
size_t forms_search_fields(const struct forms *f, const char **out, size_t max);
const struct question *flow_question(const struct flow *fl, const char *id);
/* The care check, plan, contact or topic with id; NULL when there is none. */
const struct care_check *forms_care(const struct forms *f, const char *id);
const struct plan *forms_plan(const struct forms *f, const char *id);
const struct contact *forms_contact(const struct forms *f, const char *id);
const struct topic *forms_topic(const struct forms *f, const char *page);
/* The band of care check c that total falls in (NULL: none, a form error). */
const struct care_band *care_band_of(const struct care_check *c, int total);
/* The band with id, or NULL. */
const struct care_band *care_band_find(const struct care_check *c, const char *id);
/* The result of answers[0..n-1] (answer indexes, one per question): the
 * band of their total, or the band an answer asks at least, if higher. */
const struct care_band *care_result(const struct care_check *c, const size_t *answers, size_t n);
/* The name of a field type as written in the files ("phone"). */
const char *field_type_name(enum field_type t);

/* A date yyyymmdd as a number (20261130); 0 if it is not a real date. */
int form_date(int year, int month, int day);
/* The text section s shows on day today (yyyymmdd): its body, its
 * replacement after its end date, or NULL when it is no longer shown. */
const struct text *section_shown(const struct section *s, int today);
/* The section of page p with id, or NULL. */
const struct section *page_section(const struct page *p, const char *id);
/* Mark in found[] (f->nglossary entries, not cleared) every glossary entry
 * whose word or a variant occurs in utf8, in language l: whole words,
 * case-insensitive (A-Z), a hyphen or a space ends a word, any run of white
 * space matches a space. Returns how many entries are marked now. */
size_t glossary_find(const struct forms *f, const char *utf8, lang_id l, bool *found);
/* Add to found[] the entries whose words occur in the explanations of
 * entries already found, until nothing more is added. */
size_t glossary_close(const struct forms *f, lang_id l, bool *found);
/* Append to *out (caller frees) a "file:line: warning: ..." line for every
 * page, flow or file not checked within days before today, and for every
 * section past its end date. Returns how many pages, flows and files are
 * overdue (ended sections are listed, not counted). */
size_t forms_review(const struct forms *f, int today, int days, char **out);
/* Append to *out a "file:line: warning: ..." line for every glossary word
 * that no text of f uses, per language. Returns how many. */
size_t glossary_unused(const struct forms *f, char **out);

#endif
