/* form_load.c: loads a forms folder: the welcome first, then the rest
 * (the extras, the guide, the intake form, the glossary), each file by the
 * reader that knows it; see form.h. Nothing below calls back up here. */
#include "form_int.h"

#include <stdlib.h>

#include "util.h"

/* The first screen, before anyone has chosen a language. */
static void
load_welcome(struct loader *ld, struct forms *f, const char *dir)
{
	static const char *const keys[] = { "version", "title", "text", NULL };
	char *path = xasprintf("%s/welcome.conf", dir);
	config_t cf;

	/* The languages first: every text is read in each of them. */
	form_load_languages(ld, dir);
	ld->file = path;
	if (open_file(ld, &cf)) {
		const config_setting_t *root = config_root_setting(&cf);

		check_keys(ld, root, keys);
		get_int(ld, root, "version", 1, 1000000, 1, true);
		get_text(ld, root, "title", &f->welcome_title, true);
		get_text(ld, root, "text", &f->welcome_text, true);
	}
	config_destroy(&cf);
	ld->file = NULL;
	free(path);
}

/* Everything but the welcome. */
static void
load_rest(struct loader *ld, struct forms *f, const char *dir)
{
	char *guide = xasprintf("%s/guide.conf", dir), *intake = xasprintf("%s/intake.conf", dir);
	config_t cf;

	/* The extras first: the guide's menu and links name them. */
	form_load_extras(ld, f, dir);
	ld->file = guide;
	if (open_file(ld, &cf)) {
		form_load_guide(ld, f, &cf);
		form_check_guide(ld, f);
	}
	config_destroy(&cf);
	form_check_extras(ld, f, dir);
	ld->file = intake;
	if (open_file(ld, &cf))
		form_load_intake(ld, f, &cf);
	config_destroy(&cf);
	form_load_glossary(ld, f, dir);
	ld->file = NULL;
	free(guide);
	free(intake);
}

/* f, or NULL (f freed) when ld found problems; *errors gets them. */
static struct forms *
loaded(struct loader *ld, struct forms *f, char **errors)
{
	*errors = ld->errors;
	if (ld->count > 0) {
		forms_free(f);
		return NULL;
	}
	return f;
}

struct forms *
forms_load(const char *dir, char **errors)
{
	struct forms *f = xcalloc(1, sizeof *f);
	struct loader ld = { 0 };

	load_welcome(&ld, f, dir);
	load_rest(&ld, f, dir);
	return loaded(&ld, f, errors);
}

struct forms *
forms_load_welcome(const char *dir, char **errors)
{
	struct forms *f = xcalloc(1, sizeof *f);
	struct loader ld = { 0 };

	load_welcome(&ld, f, dir);
	return loaded(&ld, f, errors);
}

bool
forms_load_languages(const char *dir, char **errors)
{
	struct loader ld = { 0 };

	form_load_languages(&ld, dir);
	*errors = ld.errors;
	return ld.count == 0;
}

bool
forms_load_rest(struct forms *f, const char *dir, char **errors)
{
	struct loader ld = { 0 };

	load_rest(&ld, f, dir);
	*errors = ld.errors;
	return ld.count == 0;
}
