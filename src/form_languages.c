/* form_languages.c: forms/languages.conf, the table of the kiosk's
 * languages (i18n.h). A forms folder without it has Dutch and English. */
#include "form_int.h"

#include <stdlib.h>
#include <unistd.h>

#include "charset.h"
#include "util.h"

static void
read_language(struct loader *ld, const config_setting_t *g)
{
	static const char *const keys[] = { "code", "name", "direction", "native_checked", NULL };
	const char *code = NULL, *name = NULL, *dir = "ltr";
	int checked = 0;

	check_keys(ld, g, keys);
	config_setting_lookup_string(g, "code", &code);
	config_setting_lookup_string(g, "name", &name);
	config_setting_lookup_string(g, "direction", &dir);
	config_setting_lookup_bool(g, "native_checked", &checked);
	if (code == NULL || name == NULL || !charset_valid_utf8(name, false)) {
		form_err(ld, line_of(g), _("a language has a code = \"tr\"; and its own name = \"Türkçe\";"));
		return;
	}
	if (!str_eq(dir, "ltr") && !str_eq(dir, "rtl"))
		form_err(ld, line_of(g), _("direction is \"ltr\" (left to right) or \"rtl\" (right to left)"));
	else if (i18n_add(code, name, str_eq(dir, "rtl"), checked != 0) < 0)
		/* L10N: the code as written in languages.conf. */
		form_err(ld, line_of(g), _("\"%s\" is not a new two-letter ISO 639-1 code, or there are more than 16 languages"),
		    code);
}

/* The list of languages in cf: it replaces the built-in table. */
static void
read_table(struct loader *ld, config_t *cf)
{
	static const char *const keys[] = { "version", "languages", NULL };
	const config_setting_t *root = config_root_setting(cf), *list;

	check_keys(ld, root, keys);
	get_int(ld, root, "version", 1, 1000000, 1, true);
	list = config_setting_get_member(root, "languages");
	if (list == NULL || !config_setting_is_list(list) || config_setting_length(list) == 0) {
		form_err(ld, list ? line_of(list) : 1, _("\"languages\" is a list of languages ( { ... }, { ... } )"));
	} else {
		i18n_clear();
		for (int i = 0; i < config_setting_length(list); i++)
			read_language(ld, config_setting_get_elem(list, (unsigned)i));
		/* Messages in the language that is current now (the first when
		 * the one before is gone). */
		i18n_set(i18n_lang());
	}
}

void
form_load_languages(struct loader *ld, const char *dir)
{
	char *path = xasprintf("%s/languages.conf", dir);
	const char *unknown;
	config_t cf;

	ld->file = path;
	if (access(path, F_OK) == 0) {
		if (open_file(ld, &cf))
			read_table(ld, &cf);
		config_destroy(&cf);
	}
	if ((unknown = i18n_wanted_unknown()) != NULL)
		/* L10N: a language code from the site file. */
		form_err(ld, 1, _("the site file's languages name \"%s\", which this file does not list"), unknown);
	else if (i18n_noffered() == 0)
		form_err(ld, 1, _("no language is enabled: list them in the site file, e.g. languages = [\"nl\", \"en\"];"));
	ld->file = NULL;
	free(path);
}
