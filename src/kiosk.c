/* kiosk.c: the main loop: draw the top screen, read a key, handle the keys
 * that work everywhere (F1, F2, Esc, Ctrl-L), and wipe on idle. */
#include "screen.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "charset.h"
#include "site.h"
#include "speech.h"
#include "text.h"
#include "ui.h"
#include "util.h"

/* The longest wait for a key before the loop looks at signals again. */
#define SIGNAL_CHECK_MS 1000

/* How long before the idle wipe the kiosk asks whether someone is there. */
#define IDLE_WARNING_MS (20 * 1000)

/* The longest a burst of keys is handled without drawing. */
#define BURST_DRAW_MS 100

/* Widest text column: long lines are tiring to read. */
#define TEXT_MAX_COLS 76

static volatile sig_atomic_t quit_signal, resumed;

/* Signals whose default action ends the process, besides SIGINT and
 * SIGQUIT (keys, see app_signals) and the faults below: each one ends the
 * loop, which gives the terminal back as it was found. */
static const int quit_signals[] = {
	SIGTERM, SIGHUP, SIGPIPE, SIGALRM, SIGUSR1, SIGUSR2, SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ,
#ifdef SIGPOLL
	SIGPOLL,
#endif
#ifdef SIGSTKFLT
	SIGSTKFLT,
#endif
#ifdef SIGPWR
	SIGPWR,
#endif
#ifdef SIGEMT
	SIGEMT,
#endif
#ifdef SIGLOST
	SIGLOST,
#endif
};

/* Faults: the loop is never reached again. The handler gives the terminal
 * back, then the signal does what it did before (the default action, or
 * a sanitizer's report). */
static const int fatal_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS };
static struct sigaction fatal_before[sizeof fatal_signals / sizeof fatal_signals[0]];

static void
on_quit(int sig)
{
	quit_signal = sig;
}

static void
on_fatal(int sig)
{
	ui_give_back();
	for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++)
		if (fatal_signals[i] == sig)
			sigaction(sig, &fatal_before[i], NULL);
	/* Blocked until this handler returns; a fault that came from an
	 * instruction also comes again when it runs once more. */
	raise(sig);
}

/* After Ctrl-Z and fg curses has cleared the screen: draw it all again. */
static void
on_resume(int sig)
{
	(void)sig;
	resumed = 1;
}

struct screen *
screen_new(struct app *a, const struct screen_ops *ops, void *data, int focus)
{
	struct screen *s = xcalloc(1, sizeof *s);

	s->ops = ops;
	s->app = a;
	s->data = data;
	s->focus = focus;
	s->follow = true;
	return s;
}

static void
screen_free(struct screen *s)
{
	if (s->ops->free != NULL)
		s->ops->free(s);
	free(s);
}

void
app_push(struct app *a, struct screen *s)
{
	if (a->depth == (int)(sizeof a->stack / sizeof a->stack[0])) {
		screen_free(s); /* cannot happen with the screens we have */
		return;
	}
	a->stack[a->depth++] = s;
}

/* The welcome tells the speech key in every language it offers, each in
 * its own voice; returns how many (at most LANG_MAX). Caller frees the
 * texts. */
static size_t
speech_hints(struct speech_text *out)
{
	size_t n = 0;

	for (lang_id l = 0; l < i18n_count(); l++) {
		if (!i18n_offered(l))
			continue;
		out[n].lang = i18n_code(l);
		out[n++].text = i18n_in(l, SPEECH_HINT);
	}
	return n;
}

void
app_pop(struct app *a)
{
	if (a->depth <= 1)
		return;
	screen_free(a->stack[--a->depth]);
	/* The welcome is where the next person starts: leaving for it wipes
	 * everything typed at once, not only at the idle time. */
	if (a->depth == 1 && a->staff == NULL) {
		app_forget(a);
		/* The next person starts where everyone does, in the start
		 * language and with speech as the site set it. */
		i18n_set(a->start_lang);
		speech_visit(site.speech);
	}
}

void
app_forget(struct app *a)
{
	if (a->has_intake)
		intake_clear(&a->intake);
	a->has_intake = false;
	a->keep_draft = false;
	a->notice[0] = '\0';
	a->wipes++;
}

/* The offer to go on with a draft kept when a remote link dropped. */
static void
offer_draft(struct app *a)
{
	lang_id lang;

	/* Drafts are for remote sessions only: a public kiosk keeps nothing. */
	if (!a->kiosk_mode && a->login != NULL &&
	    store_draft_take(a->store, a->login, a->forms, &a->intake, &lang)) {
		a->has_intake = true;
		app_push(a, scr_resume_new(a, lang));
	}
}

void
app_start(struct app *a)
{
	if (a->staff != NULL) {
		app_push(a, scr_staff_new(a));
		return;
	}
	app_push(a, scr_welcome_new(a));
	speech_visit(site.speech);
	if (a->finish_start == NULL)
		offer_draft(a);
}

/* The rest of the start, once (see struct app): false when the kiosk must
 * end, with *why (caller frees) to print once the terminal is given back. */
static bool
finish_start(struct app *a, char **why)
{
	bool (*finish)(struct app *, FILE *) = a->finish_start;
	size_t len;
	FILE *out = open_memstream(why, &len);
	bool ok;

	if (out == NULL)
		die("out of memory");
	a->finish_start = NULL;
	ok = finish(a, out);
	fclose(out);
	if (ok)
		offer_draft(a);
	return ok;
}

void
app_drawn(struct app *a)
{
	if (a->drawn)
		return;
	a->drawn = true;
	/* Forked now, its copy of our memory holds no visitor's answers (a
	 * remote session may hold its own login's draft). */
	if (a->staff == NULL)
		store_writer_start(a->store);
}

void
app_close(struct app *a)
{
	/* Only with the caregiver's consent (asked in the form). */
	if (quit_signal == SIGHUP && app_may_keep_draft(a) && a->keep_draft && a->has_intake)
		store_draft_save(a->store, a->login, &a->intake, i18n_lang());
	while (a->depth > 0)
		screen_free(a->stack[--a->depth]);
	if (a->has_intake)
		intake_clear(&a->intake);
	a->has_intake = false;
	visit_wipe(&a->visit);
	doc_free(&a->doc);
	speech_end();
}

bool
app_may_keep_draft(const struct app *a)
{
	/* A public kiosk keeps nothing; staff type no answers. */
	return !a->kiosk_mode && a->staff == NULL && a->login != NULL;
}

void
app_to_menu(struct app *a)
{
	while (a->depth > 2)
		app_pop(a);
}

void
app_home(struct app *a)
{
	while (a->depth > 1)
		app_pop(a);
	app_forget(a);
	visit_wipe(&a->visit);
	i18n_set(a->start_lang);
	speech_visit(site.speech);
	if (a->staff == NULL) {
		a->stack[0]->focus = 1;
		a->stack[0]->scroll = 0;
	}
	/* Repaint every cell: nothing of the last caregiver may remain. */
	ui_repaint();
}

void
app_request(struct app *a, const char *preticked)
{
	char *added = xstrdup("");

	if (!a->has_intake) {
		intake_init(&a->intake, a->forms, NULL, i18n_lang());
		a->has_intake = true;
	}
	/* Keep what was typed; tick the new topics, and remember which were
	 * ticked here, so that backing out unticks them again. */
	for (size_t i = 0; preticked != NULL && i < a->forms->nfields; i++) {
		char *list, *save = NULL;

		if (a->forms->fields[i].type != FIELD_OPTIONS)
			continue;
		list = xstrdup(preticked);
		for (char *id = strtok_r(list, ",", &save); id; id = strtok_r(NULL, ",", &save)) {
			const struct page *p = forms_page(a->forms, id);

			if (p != NULL && p->request && !intake_has_id(a->intake.values[i], id)) {
				char *more = xasprintf("%s%s%s", added, *added ? "," : "", id);

				intake_toggle(&a->intake, i, id);
				free(added);
				added = more;
			}
		}
		free(list);
	}
	app_push(a, scr_form_new(a, added));
	free(added);
}

void
app_edit_notice(struct app *a, bool full, int max)
{
	char *msg;

	if (!full) {
		app_notice(a, _("That key cannot be used here."));
		return;
	}
	msg = xasprintf(_("This answer can have at most %d characters."), max);
	app_notice(a, msg);
	free(msg);
}

void
app_notice(struct app *a, const char *msg)
{
	snprintf(a->notice, sizeof a->notice, "%s", msg);
}

static struct screen *
top(struct app *a)
{
	return a->stack[a->depth - 1];
}

/* Whether a line of d is picked with 0 (Back, on menus). */
static bool
has_zero(const struct doc *d)
{
	for (size_t i = 0; i < d->nitems; i++)
		if (d->items[i].key == '0')
			return true;
	return false;
}

/* Add a key bar item: the keys that do it, and what it does. */
static void
add_key(struct doc *d, const char *keys, const char *what, int code, wint_t ch)
{
	char *label = xasprintf("%s %s", keys, what);

	doc_key(d, label, code, ch);
	free(label);
}

/* The key bar: the way back, help and the other language, each only where
 * it does something, and each a place to tap. Where letters are typed
 * only the function keys are named. */
/* A key of the key bar; where nobody has chosen a language yet (both),
 * its label in both, the language of the moment first. */
static void
add_key_in(struct doc *d, bool both, const char *keys, const char *msgid, int code, wint_t ch)
{
	char *label;

	if (!both) {
		add_key(d, keys, _(msgid), code, ch);
		return;
	}
	label = i18n_both(msgid, "/");
	add_key(d, keys, label, code, ch);
	free(label);
}

char *
app_language_label(bool narrow)
{
	char *label;

	/* Two languages: the key names the other one and switches. */
	if (i18n_noffered() <= 2)
		return i18n_noffered() == 2 ? xstrdup(i18n_name(i18n_other())) : NULL;
	/* More: it opens the choice. "Language" in the current language,
	 * then in each of the welcome's pair ("Dil/Taal/Language"), for a
	 * visitor who cannot read the one on screen. */
	label = xstrdup(_("Language"));
	for (lang_id l = 0; !narrow && l < i18n_count(); l++) {
		char *t, *both;

		if (l == i18n_lang() || !i18n_in_pair(l))
			continue;
		t = i18n_in(l, N_("Language"));
		both = xasprintf("%s/%s", label, t);
		free(t);
		free(label);
		label = both;
	}
	return label;
}

static void
keybar(const struct screen *s, struct doc *d)
{
	bool menu = s->ops->menu;
	/* The welcome and its help: nobody has chosen a language yet. */
	bool both = s->app->staff == NULL &&
	    (s->app->depth <= 1 || (s->ops->bilingual != NULL && s->ops->bilingual(s)));

	if (s->ops->busy)
		return;
	if (s->app->depth > 1) /* the welcome: no way back, nothing before */
		add_key_in(d, both, menu && has_zero(d) ? "0/Esc" : "Esc",
		    s->ops->back_label != NULL ? s->ops->back_label : N_("Back"), 0, 27);
	if (s->ops->help != NULL)
		add_key_in(d, both, menu ? "?/F1" : "F1", N_("Help"), KEY_F(1), 0);
	/* A narrow key bar has room for the current language's word only. */
	char *label = app_language_label(d->width < 60);

	if (label != NULL)
		add_key(d, menu ? "L/F2" : "F2", label, KEY_F(2), 0);
	free(label);
}

/* The width of the text column and its left edge. */
static void
text_column(int *width, int *left)
{
	*width = COLS - 2 > TEXT_MAX_COLS ? TEXT_MAX_COLS : COLS - 2;
	*left = (COLS - *width) / 2;
	/* On a small screen (a phone) every column counts: no left margin,
	 * fewer lines to scroll, and one byte less per line on the wire. */
	if (COLS < 60) {
		*width = COLS - 1;
		*left = 0;
	}
}

/* Build the top screen's doc for the current size and language, so that
 * the next key is read against what that screen shows now. */
static void
layout(struct app *a)
{
	struct screen *s = top(a);
	int width, left;

	text_column(&width, &left);
	/* The scroll marks go after a space, in the column right of the text
	 * column (never past the screen's last column). */
	doc_reset(&a->doc, width - 1);
	doc_direction(&a->doc, i18n_rtl(i18n_lang()));
	app_build(a, s, &a->doc);
	keybar(s, &a->doc);
}

/* Speech says what this draw changed (speech.h); the welcome of the
 * visitor's kiosk tells its key, whether speech is on or not. */
static void
said(struct app *a, struct screen *s)
{
	struct speech_text hints[LANG_MAX];
	size_t n = a->depth == 1 && a->staff == NULL && site.speech == SPEECH_AVAILABLE ? speech_hints(hints) : 0;

	speech_drawn(s, i18n_code(i18n_lang()), s->ops->title(s), &a->doc, s->focus, a->notice, hints, n);
	for (size_t i = 0; i < n; i++)
		free((char *)hints[i].text);
}

static void
draw(struct app *a)
{
	struct screen *s = top(a);
	int width, left, cy, cx, body, notice_lines = 0;
	bool in_view;

	if (!ui_big_enough()) {
		curs_set(0);
		ui_draw_too_small();
		return;
	}
	ui_clear();
	text_column(&width, &left);
	/* A notice takes the lines above the key bar that it needs (at most 3). */
	if (a->notice[0]) {
		size_t n;
		wchar_t *w = charset_display(a->notice, &n);
		struct span *sp;

		notice_lines = (int)text_wrap(w, n, COLS - 2, &sp);
		if (notice_lines > 3)
			notice_lines = 3;
		for (int i = 0; i < notice_lines; i++)
			(i18n_rtl(i18n_lang()) ? ui_putw_rtl : ui_putw)(LINES - 1 - notice_lines + i, 1, COLS - 2,
			    w + sp[i].start, sp[i].len, UI_NOTICE);
		free(sp);
		wipe_free(w);
	}
	body = LINES - 2 - notice_lines;
	layout(a);
	if (s->focus < 0 && (int)a->doc.nlines <= body && a->doc.nitems > 0)
		s->focus = a->doc.items[0].id; /* all in view: nothing to read past */
	if (s->top)
		s->scroll = 0;
	/* Without a focus the cursor rests where reading starts. */
	cy = 1;
	cx = left;
	/* The focus is kept in view (a notice may have taken lines from the
	 * body), except where the screen opens at its top. */
	in_view = doc_draw(&a->doc, 1, left, body, s->focus, &s->scroll, !s->top && (s->follow ||
	    s->focus >= 0), &cy, &cx);
	if (s->top && !in_view)
		s->focus = -1; /* Down and Enter read on until an item is in view */
	s->follow = s->top = false;
	ui_direction(i18n_rtl(i18n_lang()));
	ui_frame(s->ops->title(s), NULL);
	doc_draw_keys(&a->doc, LINES - 1, COLS);
	said(a, s);
	/* The cursor is shown, on the focus: screen readers, braille
	 * displays and magnifiers follow it, not the reverse video. */
	curs_set(1);
	ui_show(cy, cx);
}

void
app_show(struct app *a)
{
	if (a->show != NULL)
		a->show(a);
}

bool
app_tick(struct app *a)
{
	bool changed = false;
	long long now = now_ms();

	/* A tick changes its own screen only: it opens or closes none. */
	for (int i = 0; i < a->depth; i++) {
		struct screen *s = a->stack[i];

		if (s->wake != 0 && s->wake <= now && s->ops->tick != NULL)
			changed = s->ops->tick(s) || changed;
	}
	return changed;
}

int
app_tick_wait(const struct app *a, int limit)
{
	long long now = now_ms();

	for (int i = 0; i < a->depth; i++) {
		long long w = a->stack[i]->wake;

		if (w != 0 && w - now < limit)
			limit = w <= now ? 0 : (int)(w - now);
	}
	return limit;
}

void
app_set_language(struct app *a, lang_id lang)
{
	i18n_set(lang);
	if (a->has_intake)
		intake_follow_language(&a->intake, i18n_lang());
	top(a)->follow = true;
}

void
app_change_language(struct app *a)
{
	if (i18n_noffered() == 2)
		app_set_language(a, i18n_other());
	else if (i18n_noffered() > 2 && !top(a)->ops->language_choice)
		app_push(a, scr_language_new(a));
}

void
app_back(struct app *a)
{
	struct screen *s = top(a);

	if (s->ops->back != NULL)
		s->ops->back(s);
	else
		app_pop(a);
}

void
app_help(struct app *a)
{
	struct screen *s = top(a);

	if (s->ops->help != NULL) /* not on the help itself */
		app_push(a, scr_help_new(a, s));
}

/* Whether a equals b, in time that does not depend on where they differ. */
static bool
same_secret(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	unsigned char diff = na != nb;

	for (size_t i = 0; i < na; i++)
		diff |= (unsigned char)(a[i] ^ b[i % (nb ? nb : 1)]);
	return diff == 0;
}

void
app_exit_pin(struct app *a, const char *pin)
{
	static int wrong;
	static long long locked_until;

	if (now_ms() < locked_until) {
		app_notice(a, _("Too many wrong tries. Wait a minute."));
	} else if (same_secret(pin, a->exit_pin)) {
		a->quit = true;
	} else if (++wrong >= 3) {
		wrong = 0;
		locked_until = now_ms() + 60 * 1000;
		app_notice(a, _("Too many wrong tries. Wait a minute."));
	} else {
		app_notice(a, _("That is not the right PIN."));
	}
}

static void
pin_done(struct app *a, void *ctx, const char *pin)
{
	(void)ctx;
	app_exit_pin(a, pin);
}

/* Staff end a kiosk by pressing Ctrl-] three times within three seconds
 * and typing the PIN; only when a PIN was configured. */
static bool
exit_sequence(struct app *a, const struct ui_key *k)
{
	static int presses;
	static long long first;

	if (a->exit_pin == NULL || k->code != 0 || k->ch != 0x1d)
		return false;
	if (presses == 0 || now_ms() - first > 3000) {
		presses = 0;
		first = now_ms();
	}
	if (++presses == 3) {
		presses = 0;
		app_push(a, scr_prompt_secret_new(a, N_("Staff"), N_("PIN to end the kiosk:"), 12, pin_done, NULL));
	}
	return true;
}

/* Keys that mean the same on every screen. True when k was one of them. */
static bool
global_key(struct app *a, const struct ui_key *k)
{
	struct screen *s = top(a);
	int fi = doc_find(&a->doc, s->focus);
	bool typing = fi >= 0 && a->doc.items[fi].kind == ITEM_INPUT;

	if (k->code == KEY_RESIZE) {
		s->follow = true;
		return true;
	}
	if (exit_sequence(a, k))
		return true;
	if (k->code == KEY_F(2) || (s->ops->menu && (k->ch == L'l' || k->ch == L'L'))) {
		app_change_language(a);
		return true;
	}
	if (k->code == KEY_F(4) && site.speech != SPEECH_OFF) {
		if (!speech_toggle())
			app_notice(a, _("Speech is not available on this kiosk."));
		return true;
	}
	if (k->code == KEY_F(3) && speech_on()) {
		speech_read_all(i18n_code(i18n_lang()), s->ops->title(s), &a->doc);
		return true;
	}
	if (k->code == KEY_F(1) || (!typing && k->ch == L'?')) {
		app_help(a);
		return true;
	}
	if (k->ch == 12) { /* Ctrl-L */
		ui_repaint();
		return true;
	}
	if (k->ch == 27) { /* Esc */
		app_back(a);
		return true;
	}
	return false;
}

/* A pasted key is text, never a command: a character or line break goes
 * to the text input in focus, as if typed; anything else, and a paste
 * outside a text input, is left out. */
static bool
paste_key(struct app *a, const struct ui_key *k)
{
	struct screen *s = top(a);
	int fi = doc_find(&a->doc, s->focus);
	bool text = k->code == 0 && !k->invalid && (k->ch >= 32 ? k->ch != 127 : k->ch == L'\n' || k->ch == L'\t');

	if (fi < 0 || a->doc.items[fi].kind != ITEM_INPUT || s->ops->key == NULL) {
		/* On the welcome nobody has chosen a language yet. */
		char *msg = a->depth <= 1 && a->staff == NULL ?
		    i18n_both(N_("Pasted text can only go into a text field."), " ") :
		    xstrdup(_("Pasted text can only go into a text field."));

		app_notice(a, msg);
		free(msg);
		return false;
	}
	if (text)
		s->ops->key(s, k);
	/* A new line may move what follows the input. */
	return text && k->ch < 32;
}

/* Handle one key. Returns whether what the screen shows may have changed
 * beyond the text of the focused input (so the doc must be built again
 * before the next key of a burst is read against it). */
static bool
handle_key(struct app *a, const struct ui_key *k)
{
	struct screen *s = top(a);
	int fi = doc_find(&a->doc, s->focus);
	bool typing;
	struct ui_key tapped;

	if (k->pasted)
		return paste_key(a, k);
	if (k->code == KEY_MOUSE && k->mouse_y < 0)
		return false; /* a button let go, not a tap: changes nothing */
	speech_interrupt(); /* a new key: what is being said stops */
	/* A tap on the key bar presses the key it names. */
	if (doc_key_at(&a->doc, k, &tapped))
		k = &tapped;
	typing = fi >= 0 && a->doc.items[fi].kind == ITEM_INPUT && k->code == 0 && !k->invalid &&
	    k->ch >= 32 && k->ch != 127;
	a->notice[0] = '\0';
	if (k->invalid) {
		app_notice(a, _("That text has characters that cannot be read. Please type it again."));
		return false;
	}
	if (global_key(a, k) || !ui_big_enough())
		return true;
	if (s->ops->key != NULL && s->ops->key(s, k))
		return !typing;
	switch (doc_nav(&a->doc, k, &s->focus, &s->scroll)) {
	case NAV_ACTIVATE:
		s->follow = true;
		app_activate(a, s, s->focus);
		break;
	case NAV_MOVED:
	case NAV_NONE:
		break;
	}
	return true;
}

int
app_quit_signal(void)
{
	return quit_signal;
}

void
app_signals(struct app *a)
{
	struct sigaction sa;

	/* Handlers only set a flag; the loop ends cleanly (ncurses installs
	 * its own only where ours are not). */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_quit;
	for (size_t i = 0; i < sizeof quit_signals / sizeof quit_signals[0]; i++)
		sigaction(quit_signals[i], &sa, NULL);
	/* Real-time signals end a process too; none is used here. */
	for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		sigaction(sig, &sa, NULL);
	if (!a->kiosk_mode) {
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGQUIT, &sa, NULL);
		sa.sa_handler = on_resume;
		sigaction(SIGCONT, &sa, NULL);
	} else {
		sa.sa_handler = SIG_IGN;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGQUIT, &sa, NULL);
		sigaction(SIGTSTP, &sa, NULL);
	}
	/* Once: a second time would save our own handler as the one before. */
	static bool fatal_set;

	sa.sa_handler = on_fatal;
	for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0] && !fatal_set; i++)
		sigaction(fatal_signals[i], &sa, &fatal_before[i]);
	fatal_set = true;
}

int
kiosk_run(struct app *a)
{
	long long last = now_ms(), idle = (long long)a->idle_secs * 1000;
	/* A word before the wipe, when the idle time leaves room for one. */
	long long warn = idle >= 60 * 1000 ? IDLE_WARNING_MS : 0;
	bool warned = false;
	unsigned wipes;
	char *why = NULL;
	int status = 0;

	app_signals(a);
	ui_init(a->kiosk_mode, a->low_bandwidth);
	a->show = draw;
	if (a->staff != NULL)
		ui_ctrl_s_is_a_key(); /* it saves a note */
	app_start(a);
	wipes = a->wipes;
	while (!quit_signal && !a->quit) {
		struct ui_key k;
		int wait;
		/* Idle counts only once someone has started. */
		bool busy = a->depth > 1 || a->has_intake || i18n_lang() != a->start_lang;
		long long left = last + idle - now_ms();

		if (busy && !warned && warn > 0 && left <= warn) {
			app_notice(a, _("Are you still there? Press any key to carry on. Otherwise the screen will be wiped in 20 seconds."));
			warned = true;
		}
		if (resumed) {
			resumed = 0;
			ui_repaint();
		}
		/* What was typed is wiped: its copies in old stack frames too. */
		if (a->wipes != wipes) {
			wipes = a->wipes;
			wipe_stack();
		}
		app_tick(a);
		draw(a);
		if (a->finish_start != NULL) {
			if (!finish_start(a, &why)) {
				status = 1;
				break;
			}
			/* Drawn again with all the forms: the draft's offer, the
			 * glossary's words; only what changed is sent. */
			continue;
		}
		app_drawn(a);
		/* A signal that came while drawing: the read would not see it. */
		if (quit_signal)
			break;
		/* Never wait forever: a signal landing just before the read is
		 * noticed at the latest after this; a wake-up sends no bytes. */
		wait = SIGNAL_CHECK_MS;
		if (busy) {
			left = last + idle - now_ms() - (warned ? 0 : warn);
			if (left < wait)
				wait = left > 0 ? (int)left : 0;
		}
		wait = app_tick_wait(a, wait);
		if (!ui_read_key(&k, wait)) {
			/* A hang-up without its SIGHUP (the session's leader, a
			 * shell or make, took the signal and stayed): the same
			 * end, not a loop on a terminal that is gone. */
			if (ui_input_gone()) {
				quit_signal = SIGHUP;
				break;
			}
			if (busy && now_ms() - last >= idle) {
				app_home(a);
				warned = false;
			}
			continue;
		}
		last = now_ms();
		warned = false;
		/* Handle a paste or a burst of keys before drawing again, each key
		 * against the screen as it is by then (built again only when a key
		 * follows and the last one may have changed it). A long burst is
		 * drawn every BURST_DRAW_MS, so the screen never lags far behind. */
		long long burst = now_ms();
		bool changed = handle_key(a, &k);
		while (!quit_signal && !a->quit && now_ms() - burst < BURST_DRAW_MS && ui_read_key(&k, 0)) {
			if (changed && ui_big_enough())
				layout(a);
			changed = handle_key(a, &k);
		}
	}
	app_close(a);
	ui_clear();
	ui_show(-1, -1);
	ui_end();
	if (status != 0)
		fputs(why, stderr);
	free(why);
	return status;
}
