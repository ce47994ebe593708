/* scr_menu.c: the welcome (choose a language) and the main menu. */
#include "screen.h"

#include <stdlib.h>

#include "site.h"
#include "speech.h"
#include "util.h"

/* The welcome's items: each offered language is its id minus ID_LANG. */
enum { ID_LANG = 100 };

static const char *
welcome_title(struct screen *s)
{
	return tr(&s->app->forms->welcome_title);
}

/* One button per offered language, each named in itself, so anyone finds
 * their own; keys 1, 2, ... in the order of forms/languages.conf. */
void
language_buttons(struct doc *d, int first_id)
{
	char key = '1';

	for (lang_id l = 0; l < i18n_count(); l++)
		if (i18n_offered(l)) {
			doc_button(d, first_id + l, first_id + l, key <= '9' ? key : 0, i18n_name(l));
			key++;
		}
}

/* Nobody has chosen a language yet: the welcome speaks in each, the
 * language of the moment first. */
static void
welcome_build(struct screen *s, struct doc *d)
{
	const struct forms *f = s->app->forms;
	lang_id first = i18n_lang();

	doc_blank(d);
	doc_text(d, f->welcome_text.s[first], UI_NORMAL, 0);
	doc_blank(d);
	/* The choice comes before the other texts, so it is in view on
	 * small screens. */
	language_buttons(d, ID_LANG);
	for (lang_id l = 0; l < i18n_count(); l++) {
		if (l == first || !i18n_offered(l))
			continue;
		doc_direction(d, i18n_rtl(l));
		doc_blank(d);
		doc_text(d, f->welcome_title.s[l], UI_HEADING, 0);
		doc_text(d, f->welcome_text.s[l], UI_NORMAL, 0);
	}
	doc_direction(d, i18n_rtl(first));
	/* The speech key, in every language (speech also says it). */
	if (site.speech != SPEECH_OFF) {
		doc_blank(d);
		for (lang_id l = 0; l < i18n_count(); l++) {
			char *t;

			if (!i18n_offered(l))
				continue;
			t = i18n_in(l, SPEECH_HINT);
			doc_direction(d, i18n_rtl(l));
			doc_text(d, t, UI_NORMAL, 0);
			free(t);
		}
		doc_direction(d, i18n_rtl(first));
	}
}

static void
welcome_activate(struct screen *s, int id)
{
	if (!i18n_offered(id - ID_LANG))
		return;
	i18n_set(id - ID_LANG);
	app_push(s->app, scr_menu_new(s->app));
}

static void
welcome_back(struct screen *s)
{
	(void)s; /* the first screen: there is nothing before it */
}

static const char *
welcome_help(struct screen *s)
{
	(void)s;
	return _("Choose your language with the arrow keys and Enter, or press its number. You can change the language later on every screen with F2.");
}

static const struct screen_ops welcome_ops = {
	.title = welcome_title,
	.build = welcome_build,
	.activate = welcome_activate,
	.back = welcome_back,
	.help = welcome_help,
	.menu = true,
};

struct screen *
scr_welcome_new(struct app *a)
{
	return screen_new(a, &welcome_ops, NULL, ID_LANG + i18n_first());
}

static const char *
menu_title(struct screen *s)
{
	return tr(&s->app->forms->menu_title);
}

static const char *
item_title(const struct menu_item *m)
{
	if (m->care != NULL)
		return tr(&m->care->title);
	return m->page ? tr(&m->page->title) : tr(&m->flow->title);
}

static void
menu_build(struct screen *s, struct doc *d)
{
	const struct forms *f = s->app->forms;

	doc_text(d, tr(&f->menu_intro), UI_NORMAL, 0);
	doc_blank(d);
	for (size_t i = 0; i < f->nmenu; i++)
		doc_button(d, (int)i + 1, (int)i + 1, (char)('1' + i), item_title(&f->menu[i]));
	doc_blank(d);
	doc_button(d, ID_BACK, ID_BACK, '0', _("Back to the choice of language"));
}

static void
menu_activate(struct screen *s, int id)
{
	const struct forms *f = s->app->forms;

	if (id == ID_BACK) {
		app_pop(s->app);
	} else if (id >= 1 && (size_t)id <= f->nmenu) {
		const struct menu_item *m = &f->menu[id - 1];

		if (m->page != NULL)
			app_push(s->app, scr_page_new(s->app, m->page));
		else if (m->care != NULL)
			app_push(s->app, scr_care_new(s->app, m->care));
		else
			app_push(s->app, scr_flow_new(s->app, m->flow, NULL));
	}
}

static const char *
menu_help(struct screen *s)
{
	(void)s;
	return _("This menu shows the kinds of support for people who look after someone. Choose one to read what it is, and to ask for contact. Not sure? Choose \"Help me choose\".");
}

static const struct screen_ops menu_ops = {
	.title = menu_title,
	.build = menu_build,
	.activate = menu_activate,
	.help = menu_help,
	.menu = true,
};

struct screen *
scr_menu_new(struct app *a)
{
	return screen_new(a, &menu_ops, NULL, 1);
}

enum { ID_CONTINUE = 1, ID_RESTART };

static const char *
resume_title(struct screen *s)
{
	(void)s;
	return _("Welcome back");
}

static void
resume_build(struct screen *s, struct doc *d)
{
	(void)s;
	doc_blank(d);
	doc_text(d, _("The connection was broken while you were filling in a request. We kept your answers for you (for one day)."), UI_NORMAL, 0);
	doc_blank(d);
	doc_button(d, ID_CONTINUE, ID_CONTINUE, '1', _("Continue with my answers"));
	doc_button(d, ID_RESTART, ID_RESTART, '2', _("Start again (wipe my answers)"));
}

static void
resume_activate(struct screen *s, int id)
{
	struct app *a = s->app;
	lang_id lang = *(lang_id *)s->data;

	if (id == ID_CONTINUE) {
		/* Back on the welcome for a moment, which wipes what was typed:
		 * the kept answers are taken along. They were kept with consent,
		 * which holds until the caregiver unticks it. */
		struct intake kept = a->intake;

		a->has_intake = false;
		app_pop(a);
		a->intake = kept;
		a->has_intake = true;
		a->keep_draft = true;
		i18n_set(lang);
		app_push(a, scr_menu_new(a));
		app_request(a, NULL);
	} else if (id == ID_RESTART) {
		app_home(a);
	}
}

static void
resume_back(struct screen *s)
{
	app_home(s->app);
}

static void
resume_free(struct screen *s)
{
	free(s->data);
}

static const struct screen_ops resume_ops = {
	.title = resume_title,
	.build = resume_build,
	.activate = resume_activate,
	.back = resume_back,
	/* L10N: in the key bar of "Welcome back": Esc wipes the answers kept. */
	.back_label = N_("Start again"),
	.help = welcome_help,
	.free = resume_free,
	.menu = true,
};

struct screen *
scr_resume_new(struct app *a, lang_id lang)
{
	lang_id *l = xmalloc(sizeof *l);

	*l = lang;
	return screen_new(a, &resume_ops, l, ID_CONTINUE);
}
