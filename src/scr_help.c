/* scr_help.c: help for the screen below it (F1 or ?), drawn anew on every
 * draw so that F2 switches it too. */
#include "screen.h"

#include <stdio.h>
#include <stdlib.h>

#include "util.h"

/* Whether the help is for the welcome, where nobody has chosen a language
 * yet: then it speaks both, the language of the moment first. */
static bool
for_welcome(const struct screen *s)
{
	return s->data == s->app->stack[0] && s->app->staff == NULL;
}

static const char *
help_title(struct screen *s)
{
	static char both[64];
	char *t;

	if (!for_welcome(s))
		return _("Help");
	t = i18n_both(N_("Help"), " / ");
	snprintf(both, sizeof both, "%s", t);
	free(t);
	return both;
}

/* The help in the current language. */
static void
help_text(struct screen *s, struct doc *d)
{
	struct screen *below = s->data;

	if (below->ops->help != NULL) {
		doc_text(d, below->ops->help(below), UI_NORMAL, 0);
		doc_blank(d);
	}
	words_list(s->app, below, d, true);
	doc_text(d, _("Keys that work everywhere:"), UI_HEADING, 0);
	doc_text(d, _("- Arrow keys up and down: move. Enter: choose. Or press the number in front of a line, or click it.\n"
	    "- Esc or 0: go back one step. Nothing you typed is lost.\n"
	    "- F2 (or L in a menu): change the language.\n"
	    "- In the form: Tab and Shift-Tab go to the next and previous question.\n"
	    "- Ctrl-L: draw the screen again.\n"
	    "- When nobody uses the kiosk for a while, everything typed is wiped."), UI_NORMAL, 0);
	doc_blank(d);
}

static void
help_build(struct screen *s, struct doc *d)
{
	char *both;

	help_text(s, d);
	if (!for_welcome(s)) {
		doc_button(d, ID_BACK, ID_BACK, '0', _("Close the help"));
		return;
	}
	i18n_set(i18n_other());
	help_text(s, d);
	i18n_set(i18n_other());
	both = i18n_both(N_("Close the help"), " / ");
	doc_button(d, ID_BACK, ID_BACK, '0', both);
	free(both);
}

static void
help_activate(struct screen *s, int id)
{
	if (id == ID_BACK)
		app_pop(s->app);
}

static const struct screen_ops help_ops = {
	.title = help_title,
	.build = help_build,
	.activate = help_activate,
	.menu = true,
	.bilingual = for_welcome,
};

struct screen *
scr_help_new(struct app *a, struct screen *below)
{
	/* No focus: it opens at the top, where the help for this screen is. */
	return screen_new(a, &help_ops, below, -1);
}
