/* scr_note.c: writing a staff note: several lines, where Enter starts a
 * new line and only a deliberate Save (the button, or Ctrl-S, both shown)
 * stores it; Cancel and Esc leave without saving. */
#include "screen.h"

#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "edit.h"
#include "util.h"

enum { ID_TEXT = 1, ID_SAVE, ID_CANCEL };

/* Ctrl-S: the terminal's own use of it (stop output) is off, see ui_init. */
#define KEY_CTRL_S 0x13

struct note_edit {
	char *value;
	size_t cursor;
	int max;
	void (*done)(struct app *a, void *ctx, const char *text);
	void *ctx;
};

static const char *
note_title(struct screen *s)
{
	(void)s;
	return _("Add a note");
}

static void
note_build(struct screen *s, struct doc *d)
{
	struct note_edit *n = s->data;
	char *line;

	doc_blank(d);
	doc_label(d, _("Note (it is kept with your name):"), UI_HEADING, 0, ID_TEXT);
	doc_label(d, _("Enter starts a new line. Save the note with Ctrl-S or \"Save note\"."), UI_NORMAL, 0,
	    ID_TEXT);
	doc_input(d, ID_TEXT, ID_TEXT, n->value, n->cursor, 5);
	/* L10N: under the text area, e.g. "120 of 1000 characters". */
	line = xasprintf(_("%zu of %d characters"), charset_utf8_len(n->value), n->max);
	doc_text(d, line, UI_NORMAL, 1);
	free(line);
	doc_blank(d);
	doc_button(d, ID_SAVE, ID_SAVE, 0, _("Save note"));
	doc_button(d, ID_CANCEL, ID_CANCEL, 0, _("Cancel (the note is not saved)"));
	line = xasprintf("Ctrl-S %s", _("Save note"));
	doc_key(d, line, 0, KEY_CTRL_S);
	free(line);
}

/* The note as stored: without the blank lines and spaces at its end. */
static char *
trimmed(const char *text)
{
	size_t len = strlen(text);

	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\n'))
		len--;
	return xstrndup(text, len);
}

static void
save(struct screen *s)
{
	struct note_edit *n = s->data;
	struct app *a = s->app;
	void (*done)(struct app *, void *, const char *) = n->done;
	void *ctx = n->ctx;
	char *text = trimmed(n->value);

	if (text[strspn(text, " \n")] == '\0') {
		app_notice(a, _("The note is empty. Type a note, or choose Cancel."));
		s->focus = ID_TEXT;
		free(text);
		return;
	}
	/* Close first: done may show a screen or a notice of its own. */
	app_pop(a);
	done(a, ctx, text);
	free(text);
}

static void
cancel(struct screen *s)
{
	struct app *a = s->app;

	app_pop(a);
	app_notice(a, _("The note was not saved."));
}

static void
note_activate(struct screen *s, int id)
{
	if (id == ID_SAVE)
		save(s);
	else if (id == ID_CANCEL)
		cancel(s);
}

static bool
note_key(struct screen *s, const struct ui_key *k)
{
	struct note_edit *n = s->data;
	enum edit_result r;

	/* Typed, or a tap on the key bar; a paste never saves. */
	if (k->code == 0 && k->ch == KEY_CTRL_S && !k->pasted) {
		save(s);
		return true;
	}
	if (s->focus != ID_TEXT)
		return false;
	s->follow = true;
	r = edit_key(&n->value, &n->cursor, n->max, true, k);
	switch (r) {
	case EDIT_IGNORED:
		return false;
	case EDIT_FULL:
	case EDIT_BADKEY:
		app_edit_notice(s->app, r == EDIT_FULL, n->max);
		return true;
	case EDIT_CHANGED:
	case EDIT_MOVED:
	case EDIT_DROPPED:
	case EDIT_ENTER:
		break;
	}
	return true;
}

/* Line mode: the typed line is the note's text. */
static void
note_set_text(struct screen *s, int id, const char *text)
{
	struct note_edit *n = s->data;

	if (id != ID_TEXT)
		return;
	if (charset_utf8_len(text) > (size_t)n->max) {
		app_edit_notice(s->app, true, n->max);
		return;
	}
	free(n->value);
	n->value = xstrdup(text);
	n->cursor = charset_utf8_len(text);
}

static const char *
note_help(struct screen *s)
{
	(void)s;
	return _("Type the note; Enter starts a new line, and pasted text lands in the note as it is. Nothing is saved until you choose \"Save note\" or press Ctrl-S. Esc or \"Cancel\" leaves without saving.");
}

static void
note_free(struct screen *s)
{
	struct note_edit *n = s->data;

	free(n->value);
	free(n);
}

static const struct screen_ops note_ops = {
	.title = note_title,
	.build = note_build,
	.activate = note_activate,
	.key = note_key,
	.set_text = note_set_text,
	.back = cancel,
	.back_label = N_("Cancel"),
	.help = note_help,
	.free = note_free,
};

struct screen *
scr_note_new(struct app *a, int max, void (*done)(struct app *a, void *ctx, const char *text), void *ctx)
{
	struct note_edit *n = xcalloc(1, sizeof *n);

	n->value = xstrdup("");
	n->max = max;
	n->done = done;
	n->ctx = ctx;
	return screen_new(a, &note_ops, n, ID_TEXT);
}
