/* scr_prompt.c: asks for one line of text (a search, a date, a PIN) with
 * OK and Cancel. */
#include "screen.h"

#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "edit.h"
#include "util.h"

enum { ID_INPUT = 1, ID_OK, ID_CANCEL };

struct prompt {
	const char *title, *question; /* msgids: translated at each draw */
	char *value;
	size_t cursor;
	int max;
	bool secret; /* show * for each character (a PIN) */
	void (*done)(struct app *a, void *ctx, const char *text);
	void *ctx;
};

static const char *
prompt_title(struct screen *s)
{
	return _(((struct prompt *)s->data)->title);
}

static void
prompt_build(struct screen *s, struct doc *d)
{
	struct prompt *p = s->data;

	doc_blank(d);
	doc_text(d, _(p->question), UI_HEADING, 0);
	if (p->secret) {
		size_t n = charset_utf8_len(p->value);
		char *stars = xcalloc(n + 1, 1);

		memset(stars, '*', n);
		doc_input(d, ID_INPUT, ID_INPUT, stars, p->cursor, 1);
		free(stars);
	} else {
		doc_input(d, ID_INPUT, ID_INPUT, p->value, p->cursor, 1);
	}
	doc_blank(d);
	doc_button(d, ID_OK, ID_OK, 0, _("OK"));
	doc_button(d, ID_CANCEL, ID_CANCEL, 0, _("Cancel"));
}

static void
finish(struct screen *s)
{
	struct prompt *p = s->data;
	struct app *a = s->app;
	void (*done)(struct app *, void *, const char *) = p->done;
	void *ctx = p->ctx;
	char *text = xstrdup(p->value);

	/* Close first: done may push a screen of its own. */
	app_pop(a);
	done(a, ctx, text);
	explicit_bzero(text, strlen(text));
	free(text);
}

static void
prompt_activate(struct screen *s, int id)
{
	if (id == ID_OK)
		finish(s);
	else if (id == ID_CANCEL)
		app_pop(s->app);
}

static bool
prompt_key(struct screen *s, const struct ui_key *k)
{
	struct prompt *p = s->data;

	if (s->focus != ID_INPUT)
		return false;
	enum edit_result r = edit_key(&p->value, &p->cursor, p->max, false, k);

	switch (r) {
	case EDIT_IGNORED:
		return false;
	case EDIT_ENTER:
		finish(s);
		return true;
	case EDIT_FULL:
	case EDIT_BADKEY:
		app_edit_notice(s->app, r == EDIT_FULL, p->max);
		return true;
	case EDIT_CHANGED:
	case EDIT_MOVED:
	case EDIT_DROPPED:
		break;
	}
	return true;
}

static void
prompt_set_text(struct screen *s, int id, const char *text)
{
	struct prompt *p = s->data;

	if (id != ID_INPUT || charset_utf8_len(text) > (size_t)p->max)
		return;
	free(p->value);
	p->value = xstrdup(text);
	p->cursor = charset_utf8_len(text);
}

static const char *
prompt_help(struct screen *s)
{
	(void)s;
	return _("Type the text and press Enter. Esc cancels.");
}

static void
prompt_free(struct screen *s)
{
	struct prompt *p = s->data;

	explicit_bzero(p->value, strlen(p->value));
	free(p->value);
	free(p);
}

static const struct screen_ops prompt_ops = {
	.title = prompt_title,
	.build = prompt_build,
	.activate = prompt_activate,
	.key = prompt_key,
	.set_text = prompt_set_text,
	.help = prompt_help,
	.free = prompt_free,
};

struct screen *
scr_prompt_new(struct app *a, const char *title, const char *question, const char *value, int max,
    void (*done)(struct app *a, void *ctx, const char *text), void *ctx)
{
	struct prompt *p = xcalloc(1, sizeof *p);

	p->title = title;
	p->question = question;
	p->value = xstrdup(value ? value : "");
	p->cursor = charset_utf8_len(p->value);
	p->max = max;
	p->done = done;
	p->ctx = ctx;
	return screen_new(a, &prompt_ops, p, ID_INPUT);
}

struct screen *
scr_prompt_secret_new(struct app *a, const char *title, const char *question, int max,
    void (*done)(struct app *a, void *ctx, const char *text), void *ctx)
{
	struct screen *s = scr_prompt_new(a, title, question, "", max, done, ctx);

	((struct prompt *)s->data)->secret = true;
	return s;
}
