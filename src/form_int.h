/* form_int.h: what the parts of the forms loader share; nobody else. */
#ifndef ZK_FORM_INT_H
#define ZK_FORM_INT_H

#include <libconfig.h>
#include <stdbool.h>
#include <stddef.h>

#include "form.h"

/* Reading one file: its name, and the problems found so far. */
struct loader {
	const char *file;
	char *errors; /* "file:line: problem\n" lines */
	size_t len;
	int count;
};

/* Add "file:line: problem" to the loader's problems. */
void form_err(struct loader *ld, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Check what the guide's pages and flows refer to: ids that exist, flows
 * that always end, questions that are reached. */
void form_check_guide(struct loader *ld, const struct forms *f);

/* form_languages.c: read dir/languages.conf into the table of i18n.h (a
 * folder without it keeps Dutch and English); check the site's choice. */
void form_load_languages(struct loader *ld, const char *dir);

/* form_read.c: reading settings, each reporting what is wrong with it. */
/* The line of s in its file (at least 1). */
int line_of(const config_setting_t *s);
/* Report members of group not named in allowed (NULL-terminated). */
void check_keys(struct loader *ld, const config_setting_t *group, const char *const *allowed);
/* Report members of group that are no language of the table. */
void check_languages(struct loader *ld, const config_setting_t *group);
/* A checked copy of the text setting s, or NULL after reporting. */
char *string_value(struct loader *ld, const config_setting_t *s, const char *what, bool multiline);
/* The bilingual text group->name into *t; false when it is wrong or missing
 * (missing is fine when not required). */
bool get_text(struct loader *ld, const config_setting_t *group, const char *name, struct text *t, bool required);
/* The id group->name (caller frees), or NULL. */
char *get_id(struct loader *ld, const config_setting_t *group, const char *name, bool required);
bool get_bool(struct loader *ld, const config_setting_t *group, const char *name);
/* The whole number group->name in min..max, or dflt. */
int get_int(struct loader *ld, const config_setting_t *group, const char *name, int min, int max, int dflt, bool required);
/* The list group->name, or NULL. */
const config_setting_t *get_list(struct loader *ld, const config_setting_t *group, const char *name, bool required);
/* A question's list of answers (2 to 9), or NULL when it has none. */
const config_setting_t *get_answers(struct loader *ld, const config_setting_t *question);
/* The ids in list group->name; *n gets how many. Caller frees. */
char **get_ids(struct loader *ld, const config_setting_t *group, const char *name, size_t *n);
/* Entry i of list l when it is a group, or NULL after reporting. */
const config_setting_t *group_elem(struct loader *ld, const config_setting_t *l, int i, const char *what);
/* Open and parse ld->file into cf; reports read and syntax errors. */
bool open_file(struct loader *ld, config_t *cf);

/* form_extra.c: check.conf, plan.conf and takehome.conf, read when they
 * exist (before the guide, whose menu and links name them) ... */
void form_load_extras(struct loader *ld, struct forms *f, const char *dir);
/* ... and checked against the guide once it is read. */
void form_check_extras(struct loader *ld, const struct forms *f, const char *dir);
/* Free what form_load_extras read. */
void form_free_extras(struct forms *f);

/* form.c: guide.conf and intake.conf, parsed into cf, read into f. */
void form_load_guide(struct loader *ld, struct forms *f, config_t *cf);
void form_load_intake(struct loader *ld, struct forms *f, config_t *cf);

/* form_review.c: the dates that keep the content true. */
/* Read "checked" and "checked_by" of group g (both optional) and record
 * what (a page or flow id, or a file name) at line for forms_review. */
void form_read_checked(struct loader *ld, struct forms *f, const config_setting_t *g,
    const char *what, int line);
/* Read a section's optional "until" and "replacement". */
void form_read_until(struct loader *ld, const config_setting_t *g, struct section *s);

/* form_glossary.c: read dir/glossary.conf into f when it exists. */
void form_load_glossary(struct loader *ld, struct forms *f, const char *dir);

#endif
