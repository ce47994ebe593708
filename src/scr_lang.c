/* scr_lang.c: the choice of language (F2, when the kiosk offers more than
 * two): each language by its own name, in its own direction. */
#include "screen.h"

/* Item ids: the language's id plus this. */
enum { ID_LANG = 100 };

static const char *
lang_title(struct screen *s)
{
	(void)s;
	return _("Choose your language");
}

static void
lang_build(struct screen *s, struct doc *d)
{
	(void)s;
	doc_text(d, _("The kiosk speaks these languages. Choose one; what you filled in stays."), UI_NORMAL, 0);
	doc_blank(d);
	language_buttons(d, ID_LANG);
}

static void
lang_activate(struct screen *s, int id)
{
	struct app *a = s->app;

	if (!i18n_offered(id - ID_LANG))
		return;
	app_pop(a); /* back where F2 was pressed, in the new language */
	app_set_language(a, id - ID_LANG);
}

static const char *
lang_help(struct screen *s)
{
	(void)s;
	return _("Choose a language with the arrow keys and Enter, or press its number. Esc keeps the language you had.");
}

static const struct screen_ops lang_ops = {
	.title = lang_title,
	.build = lang_build,
	.activate = lang_activate,
	.help = lang_help,
	.menu = true,
	.language_choice = true,
};

struct screen *
scr_language_new(struct app *a)
{
	return screen_new(a, &lang_ops, NULL, ID_LANG + i18n_lang());
}
