/* scr_words.c: "Words on this page": the glossary words a screen uses, each
 * with its plain explanation. The kiosk finds them in what the screen shows,
 * so every screen offers them without knowing about them: app_build adds
 * the item, app_activate opens the list, and F1's help lists them too. */
#include "screen.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* FNV-1a of s: the cache below keeps this, never the text, which can
 * hold a visitor's answers. */
static unsigned long long
text_hash(const char *s)
{
	unsigned long long h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The glossary entries used by what s shows (its title and the text of d),
 * and those their explanations use. NULL when there are none; caller frees.
 * The screen is built again for every key of a burst, mostly unchanged:
 * the last answer is kept for the same text. */
static bool *
words_of(struct app *a, struct screen *s, const struct doc *d)
{
	static unsigned long long last_hash;
	static bool *last_found;
	static size_t last_n;
	const struct forms *f = a->forms;
	unsigned long long h;
	char *text;
	bool *found;

	if (f->nglossary == 0)
		return NULL;
	text = xasprintf("%s\n%s\n%s", i18n_code(i18n_lang()), s->ops->title(s),
	    d->source ? d->source : "");
	h = text_hash(text);
	if (last_found == NULL || last_n != f->nglossary || h != last_hash) {
		free(last_found);
		last_hash = h;
		last_n = f->nglossary;
		last_found = xcalloc(f->nglossary, sizeof *last_found);
		if (glossary_find(f, text + 3, i18n_lang(), last_found) > 0)
			glossary_close(f, i18n_lang(), last_found);
	}
	wipe_free(text);
	found = xcalloc(f->nglossary, sizeof *found);
	memcpy(found, last_found, f->nglossary * sizeof *found);
	for (size_t i = 0; i < f->nglossary; i++)
		if (found[i])
			return found;
	free(found);
	return NULL;
}

/* The words of found[], in glossary order, as "Wmo, pgb". Caller frees. */
static char *
word_names(const struct forms *f, const bool *found)
{
	char *list = xstrdup("");

	for (size_t i = 0; i < f->nglossary; i++) {
		char *t;

		if (!found[i])
			continue;
		t = xasprintf("%s%s%s", list, *list ? ", " : "", tr(&f->glossary[i].word));
		free(list);
		list = t;
	}
	return list;
}

/* Whether s offers the list: the caregiver's screens, not the help, the
 * list itself or the staff terminal. */
static bool
offers_words(const struct app *a, const struct screen *s)
{
	return a->staff == NULL && s->ops->help != NULL && a->forms->nglossary > 0;
}

void
app_build(struct app *a, struct screen *s, struct doc *d)
{
	bool *found;
	char *names, *label;

	s->ops->build(s, d);
	if (!offers_words(a, s) || (found = words_of(a, s, d)) == NULL)
		return;
	names = word_names(a->forms, found);
	/* L10N: the item that explains the difficult words of a screen; %s
	 * lists them, e.g. "Wmo, pgb". */
	label = xasprintf(_("Words on this page: %s"), names);
	doc_blank(d);
	doc_button(d, ID_WORDS, ID_WORDS, 0, label);
	free(label);
	free(names);
	free(found);
}

void
app_activate(struct app *a, struct screen *s, int id)
{
	if (id == ID_WORDS && offers_words(a, s))
		app_push(a, scr_words_new(a, s));
	else
		s->ops->activate(s, id);
}

void
words_list(struct app *a, struct screen *below, struct doc *d, bool heading)
{
	const struct forms *f = a->forms;
	struct doc shown;
	bool *found;

	if (!offers_words(a, below))
		return;
	/* What the screen below shows now, in the language of the moment. */
	memset(&shown, 0, sizeof shown);
	doc_reset(&shown, d->width);
	below->ops->build(below, &shown);
	found = words_of(a, below, &shown);
	doc_free(&shown);
	if (found == NULL)
		return;
	if (heading)
		doc_text(d, _("Words on this page"), UI_HEADING, 0);
	for (size_t i = 0; i < f->nglossary; i++) {
		if (!found[i])
			continue;
		doc_text(d, tr(&f->glossary[i].word), UI_HEADING, 2);
		doc_text(d, tr(&f->glossary[i].text), UI_NORMAL, 4);
	}
	doc_blank(d);
	free(found);
}

static const char *
words_title(struct screen *s)
{
	(void)s;
	return _("Words on this page");
}

static void
words_build(struct screen *s, struct doc *d)
{
	/* The title says what this is; the first word comes first. */
	words_list(s->app, s->data, d, false);
	doc_button(d, ID_BACK, ID_BACK, '0', _("Back"));
}

static void
words_activate(struct screen *s, int id)
{
	if (id == ID_BACK)
		app_pop(s->app);
}

static const struct screen_ops words_ops = {
	.title = words_title,
	.build = words_build,
	.activate = words_activate,
	.menu = true,
};

struct screen *
scr_words_new(struct app *a, struct screen *below)
{
	/* No focus: it opens at the top, at the first word. */
	return screen_new(a, &words_ops, below, -1);
}
