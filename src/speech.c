/* speech.c: the kiosk speaks; see speech.h.
 *
 * libspeechd is loaded when speech is first needed (lazy.h), and it never
 * starts a speech service of its own: the address is the one every
 * speech-dispatcher client uses (SPEECHD_ADDRESS, else the user's
 * socket). What is said comes from the doc alone, never from the screen's
 * cells, so it reads the same whatever the terminal's size or charset. */
#include "speech.h"

#include <libspeechd.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "i18n.h"
#include "lazy.h"
#include "util.h"

#define SPEECH_FUNCTIONS(X) X(spd_open2) X(spd_close) X(spd_say) X(spd_cancel) X(spd_set_language)

static LAZY_TABLE(SPEECH_FUNCTIONS) spd;
LAZY_LOADER(speech_load, "libspeechd.so.2", spd, SPEECH_FUNCTIONS)

static struct {
	enum speech_mode mode;
	bool on;
	SPDConnection *conn;
	bool tried;           /* a connection was tried and failed: no more */
	const void *screen;   /* what was said last: its screen, title, focus */
	char *title;
	int focus;
	char *input;          /* the focused input's text */
	bool chosen;          /* the focused choice or box: chosen */
	char *notice;
	char *status;         /* the page's status lines (see status_text) */
	char lang[8];         /* the voice's language now */
} sp;

/* The connection, made once; NULL when no service answers. */
static SPDConnection *
conn(void)
{
	char *error = NULL;

	if (sp.conn != NULL || sp.tried)
		return sp.conn;
	sp.tried = true;
	if (!speech_load())
		return NULL;
	sp.conn = spd.spd_open2("zorgkiosk", "kiosk", NULL, SPD_MODE_SINGLE, NULL, 0, &error);
	free(error);
	return sp.conn;
}

/* Say text in language lang, after what is being said. */
static void
say(const char *lang, const char *text)
{
	SPDConnection *c = conn();

	if (c == NULL || text == NULL || *text == '\0')
		return;
	if (!str_eq(sp.lang, lang)) {
		spd.spd_set_language(c, lang);
		snprintf(sp.lang, sizeof sp.lang, "%s", lang);
	}
	spd.spd_say(c, SPD_MESSAGE, text);
}

void
speech_interrupt(void)
{
	if (sp.conn != NULL)
		spd.spd_cancel(sp.conn);
}

/* Forget what was said: the next draw is a new page. */
static void
forget(void)
{
	sp.screen = NULL;
	free(sp.title);
	wipe_free(sp.input);
	free(sp.notice);
	free(sp.status);
	sp.title = sp.input = sp.notice = sp.status = NULL;
	sp.focus = -1;
}

void
speech_visit(enum speech_mode mode)
{
	sp.mode = mode;
	sp.on = mode == SPEECH_ON;
	forget();
}

bool
speech_on(void)
{
	return sp.on;
}

bool
speech_toggle(void)
{
	if (sp.mode == SPEECH_OFF || conn() == NULL)
		return false;
	speech_interrupt();
	sp.on = !sp.on;
	say(i18n_code(i18n_lang()), sp.on ? _("Speech on.") : _("Speech off."));
	/* On again: the page is read as if it had just opened. */
	forget();
	return true;
}

/* What goes between the text so far and the next line: a space inside a
 * paragraph, and between paragraphs a full stop where the text so far
 * ends without one, so that the voice pauses ("Your name. Anna"). */
static const char *
joint(const char *so_far, const char *next, bool cont)
{
	size_t n = strlen(so_far);

	if (n == 0 || *next == '\0')
		return "";
	if (cont || strchr(".?!:;,", so_far[n - 1]) != NULL)
		return " ";
	return ". ";
}

/* The text of doc lines first..last, from column skip of the first, as
 * sentences (see joint). Caller frees. */
static char *
lines_text(const struct doc *d, size_t first, size_t last, size_t skip)
{
	char *out = xstrdup("");

	for (size_t i = first; i <= last && i < d->nlines; i++) {
		const struct doc_line *l = &d->lines[i];
		size_t from = i == first && skip < l->len ? skip : (i == first ? l->len : 0);
		char *u = charset_utf8(l->text + from, l->len - from);
		char *t = xasprintf("%s%s%s", out, joint(out, u, l->cont), u);

		free(u);
		free(out);
		out = t;
	}
	return out;
}

/* A text input's text, from its lines "[text   ]". Caller frees. */
static char *
input_text(const struct doc *d, const struct doc_item *it)
{
	char *out = xstrdup("");

	for (size_t i = it->first; i <= it->last && i < d->nlines; i++) {
		const struct doc_line *l = &d->lines[i];
		size_t from = l->len > 0 && l->text[0] == L'[' ? 1 : 0, to = l->len;
		char *u, *t;

		if (to > from && l->text[to - 1] == L']')
			to--;
		while (to > from && l->text[to - 1] == L' ')
			to--;
		u = charset_utf8(l->text + from, to - from);
		t = xasprintf("%s%s%s", out, *out && *u ? " " : "", u);
		wipe_free(u);
		wipe_free(out);
		out = t;
	}
	return out;
}

/* The question that item it answers (a line naming it), or NULL. */
static char *
question_of(const struct doc *d, const struct doc_item *it)
{
	for (size_t i = 0; i < d->nlines; i++)
		if (d->lines[i].names == it->id && d->lines[i].item < 0) {
			size_t last = i;

			while (last + 1 < d->nlines && d->lines[last + 1].names == it->id && d->lines[last + 1].item < 0)
				last++;
			return lines_text(d, i, last, 0);
		}
	return NULL;
}

/* What the focused item is: the question it answers, its label or text,
 * whether it is chosen, and where it is (3 of 9). Caller frees. */
static char *
item_text(const struct doc *d, int index)
{
	const struct doc_item *it = &d->items[index];
	char *question = question_of(d, it), *what, *t;
	const char *state = "";

	switch (it->kind) {
	case ITEM_INPUT:
		what = input_text(d, it);
		if (*what == '\0') {
			free(what);
			/* L10N: spoken for a text field with nothing in it. */
			what = xstrdup(_("empty"));
		}
		break;
	case ITEM_RADIO:
	case ITEM_CHECK:
		what = lines_text(d, it->first, it->last, 5); /* " (x) ", " [x] " */
		/* L10N: spoken after a choice or a box that is chosen / is not. */
		state = it->on ? _("chosen") : _("not chosen");
		break;
	default:
		what = lines_text(d, it->first, it->last, (size_t)it->label);
		break;
	}
	/* L10N: spoken for the focused item: the question it answers (or
	 * nothing), the item, whether it is chosen (or nothing), and where it
	 * is: "Your name: empty, 3 of 9". */
	t = xasprintf(_("%s%s%s%s%s, %d of %zu"), question ? question : "", question ? ": " : "", what,
	    *state ? ", " : "", state, index + 1, d->nitems);
	free(question);
	wipe_free(what);
	return t;
}

/* Where the text a page opens with ends: before its first item. */
static size_t
lead_end(const struct doc *d)
{
	size_t end = 0;

	while (end < d->nlines && d->lines[end].item < 0 && d->lines[end].names < 0)
		end++;
	return end;
}

/* The text before the first item (what a page opens with). Caller frees. */
static char *
lead_text(const struct doc *d)
{
	size_t end = lead_end(d);

	return end > 0 ? lines_text(d, 0, end - 1, 0) : xstrdup("");
}

/* The page's status: its text lines in the notice style after the lead,
 * which tell of something under way (the take-home page: what the
 * printer does with the page). Said whenever it changes, as a screen
 * reader says a live region. "" when none. Caller frees. */
static char *
status_text(const struct doc *d)
{
	char *out = xstrdup("");

	for (size_t i = lead_end(d); i < d->nlines; i++) {
		size_t last = i;
		char *part, *t;

		if (d->lines[i].style != UI_NOTICE || d->lines[i].item >= 0)
			continue;
		while (last + 1 < d->nlines && d->lines[last + 1].style == UI_NOTICE && d->lines[last + 1].item < 0)
			last++;
		part = lines_text(d, i, last, 0);
		t = xasprintf("%s%s%s", out, joint(out, part, false), part);
		free(part);
		free(out);
		out = t;
		i = last;
	}
	return out;
}

/* The focused input's text now, or NULL. Caller frees. */
static char *
focused_input(const struct doc *d, int index)
{
	return index >= 0 && d->items[index].kind == ITEM_INPUT ? input_text(d, &d->items[index]) : NULL;
}

/* What was typed between was and now: the characters added at the end,
 * or the whole text when it changed otherwise. */
static void
say_typed(const char *lang, const char *was, const char *now)
{
	size_t n = strlen(was);

	if (strlen(now) > n && strncmp(was, now, n) == 0)
		say(lang, now + n);
	else if (*now == '\0')
		/* L10N: spoken when a text field was emptied. */
		say(lang, _("empty"));
	else
		say(lang, now);
}

void
speech_drawn(const void *screen, const char *lang, const char *title, const struct doc *d, int focus,
    const char *notice, const struct speech_text *hints, size_t nhints)
{
	int index = doc_find(d, focus);
	bool page = screen != sp.screen || sp.title == NULL || !str_eq(sp.title, title);
	char *input = focused_input(d, index), *status = status_text(d);

	if (page)
		for (size_t i = 0; i < nhints && !sp.on; i++)
			say(hints[i].lang, hints[i].text);
	if (sp.on && page) {
		char *lead = lead_text(d);

		speech_interrupt();
		say(lang, title);
		say(lang, lead);
		free(lead);
		if (index >= 0) {
			char *t = item_text(d, index);

			say(lang, t);
			wipe_free(t);
		}
	} else if (sp.on && focus != sp.focus && index >= 0) {
		char *t = item_text(d, index);

		speech_interrupt();
		say(lang, t);
		wipe_free(t);
	} else if (sp.on && input != NULL && sp.input != NULL && !str_eq(input, sp.input)) {
		say_typed(lang, sp.input, input);
	} else if (sp.on && index >= 0 && (d->items[index].kind == ITEM_RADIO || d->items[index].kind == ITEM_CHECK) &&
	    d->items[index].on != sp.chosen) {
		say(lang, d->items[index].on ? _("chosen") : _("not chosen"));
	}
	if (sp.on && *status && (sp.status == NULL || !str_eq(sp.status, status)))
		say(lang, status);
	if (sp.on && *notice && (sp.notice == NULL || !str_eq(sp.notice, notice)))
		say(lang, notice);
	sp.screen = screen;
	free(sp.title);
	sp.title = xstrdup(title);
	sp.focus = focus;
	sp.chosen = index >= 0 && d->items[index].on;
	wipe_free(sp.input);
	sp.input = input;
	free(sp.notice);
	sp.notice = xstrdup(notice);
	free(sp.status);
	sp.status = status;
}

void
speech_read_all(const char *lang, const char *title, const struct doc *d)
{
	if (!sp.on)
		return;
	speech_interrupt();
	say(lang, title);
	for (size_t i = 0; i < d->nlines;) {
		size_t last = i;
		char *t;

		if (d->lines[i].item >= 0) {
			const struct doc_item *it = &d->items[d->lines[i].item];

			t = item_text(d, d->lines[i].item);
			last = it->last;
		} else {
			while (last + 1 < d->nlines && d->lines[last + 1].item < 0 && d->lines[last + 1].len > 0)
				last++;
			t = lines_text(d, i, last, 0);
		}
		say(lang, t);
		wipe_free(t);
		i = last + 1;
	}
}

void
speech_end(void)
{
	if (sp.conn != NULL)
		spd.spd_close(sp.conn);
	sp.conn = NULL;
	sp.tried = false;
	forget();
}
