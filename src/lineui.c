/* lineui.c: line mode. The same screens, printed as text with numbered
 * choices; the caregiver types a number or an answer and Enter. No cursor
 * movement at all: for screen readers, braille displays, TERM=dumb and the
 * slowest links. */
#include "screen.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "charset.h"
#include "util.h"

/* A longer line is cut here; the rest is read and dropped. */
#define LINE_MAX_BYTES 65536

/* What was read and not yet taken as a line. */
static char pending[LINE_MAX_BYTES];
static size_t have;

/* Standard output's buffer, ours so that a wipe can clear it. */
static char out_buf[8192];

/* Write n wide characters in the terminal's charset. */
static void
put_wide(const wchar_t *w, size_t n)
{
	char buf[MB_LEN_MAX];
	mbstate_t st;

	memset(&st, 0, sizeof st);
	for (size_t i = 0; i < n; i++) {
		size_t r = wcrtomb(buf, w[i], &st);

		if (r == (size_t)-1) {
			memset(&st, 0, sizeof st);
			buf[0] = '?';
			r = 1;
		}
		fwrite(buf, 1, r, stdout);
	}
}

static void
put_text(const char *utf8)
{
	size_t n;
	wchar_t *w = charset_display(utf8, &n);

	put_wide(w, n);
	wipe_free(w);
}

/* The number shown before item i: its own key 0 for Back, else counted. */
static int
item_number(const struct doc *d, size_t i)
{
	int n = 0;

	if (d->items[i].key == '0')
		return 0;
	for (size_t k = 0; k <= i; k++)
		if (d->items[k].key != '0')
			n++;
	return n;
}

static void
print_notice(struct app *a)
{
	if (a->notice[0]) {
		fputs("! ", stdout);
		put_text(a->notice);
		fputc('\n', stdout);
		a->notice[0] = '\0';
	}
}

/* A line of a text input, "[text      ]": its text without the padding
 * that fills the box on a screen, in *n characters from the returned one. */
static const wchar_t *
input_text(const struct doc_line *l, size_t *n)
{
	size_t from = l->len > 0 && l->text[0] == L'[' ? 1 : 0, to = l->len;

	if (to > from && l->text[to - 1] == L']')
		to--;
	while (to > from && l->text[to - 1] == L' ')
		to--;
	*n = to - from;
	return l->text + from;
}

/* Whether text input it holds nothing. */
static bool
input_empty(const struct doc *d, const struct doc_item *it)
{
	size_t n = 0;

	for (size_t i = it->first; i <= it->last && n == 0; i++)
		input_text(&d->lines[i], &n);
	return n == 0;
}

/* Line i of d, with its item's number where an item starts. A text
 * input shows what it holds, and an empty one says so in a word: a
 * screen reader would read out a box of spaces (and a text area's empty
 * rows are left out). */
static void
print_line(const struct doc *d, size_t i)
{
	const struct doc_line *l = &d->lines[i];
	const struct doc_item *it = l->item >= 0 ? &d->items[l->item] : NULL;
	size_t skip = 0, n;
	const wchar_t *w = NULL;

	if (it != NULL && it->kind == ITEM_INPUT) {
		w = input_text(l, &n);
		if (n == 0 && (it->first != i || !input_empty(d, it)))
			return;
	}
	if (it != NULL && it->first == i) {
		printf("%2d) ", item_number(d, (size_t)l->item));
		skip = it->kind == ITEM_BUTTON ? (size_t)it->label : 0;
		if (skip > l->len)
			skip = l->len;
	} else {
		printf("%*s", l->x + (it ? 4 : 0), "");
	}
	if (w != NULL) {
		if (n == 0) {
			/* L10N: line mode: a text field with nothing in it yet. */
			put_text(_("(empty)"));
		} else {
			fputc('[', stdout);
			put_wide(w, n);
			fputc(']', stdout);
		}
	} else {
		put_wide(l->text + skip, l->len - skip);
	}
	fputc('\n', stdout);
}

/* Build the top screen into d at the width of the terminal. */
static void
build(struct app *a, struct doc *d)
{
	const char *width = getenv("COLUMNS");
	int cols = width ? atoi(width) : 80;

	doc_reset(d, (cols >= 30 && cols <= 200 ? cols : 80) - 5);
	app_build(a, a->stack[a->depth - 1], d);
}

static void
print_prompt(struct app *a)
{
	print_notice(a);
	char *lang = app_language_label(false);

	/* L10N: line mode: what can be typed; the language key follows. */
	put_text(_("Type a number and Enter. 0: back. ?: help."));
	if (lang != NULL) {
		put_text(" L: ");
		put_text(lang);
	}
	if (a->depth <= 1 && a->staff == NULL && i18n_other() != i18n_lang()) {
		/* The welcome: nobody has chosen a language yet. */
		char *other = i18n_in(i18n_other(), N_("Type a number and Enter. 0: back. ?: help."));

		fputc('\n', stdout);
		put_text(other);
		if (lang != NULL) {
			put_text(" L: ");
			put_text(lang);
		}
		free(other);
	}
	free(lang);
	fputs("\n> ", stdout);
	fflush(stdout);
}

static void
print_screen(struct app *a)
{
	struct screen *s = a->stack[a->depth - 1];
	struct doc *d = &a->doc;

	build(a, d);
	fputs("\n== ", stdout);
	put_text(s->ops->title(s));
	fputs(" ==\n", stdout);
	for (size_t i = 0; i < d->nlines; i++)
		print_line(d, i);
	print_prompt(a);
}

static bool
same_line(const struct doc_line *a, const struct doc_line *b)
{
	return a->len == b->len && wmemcmp(a->text, b->text, a->len) == 0;
}

/* The top screen's lines that a->doc (what was printed last) lacks;
 * a->doc becomes the screen's. Returns whether any. */
static bool
print_new_lines(struct app *a)
{
	struct doc now = { 0 };
	bool any = false;

	build(a, &now);
	for (size_t i = 0; i < now.nlines; i++) {
		bool seen = false;

		for (size_t k = 0; k < a->doc.nlines && !seen; k++)
			seen = same_line(&now.lines[i], &a->doc.lines[k]);
		if (!seen) {
			print_line(&now, i);
			any = true;
		}
	}
	doc_free(&a->doc);
	a->doc = now;
	return any;
}

/* The screen changed (an answer, a tick) but is still the same page:
 * only its new lines are printed, not the whole page again, then the
 * prompt when anything was printed or always is set. */
static void
print_changes(struct app *a, bool always)
{
	if (print_new_lines(a) || always)
		print_prompt(a);
}

/* A long task's screen, while no line is read: what changed, without a
 * prompt, at most every LINE_SHOW_MS (a line each time, for a reader who
 * listens to every one). */
#define LINE_SHOW_MS 2000
static void
show_now(struct app *a)
{
	static long long last;
	long long now = now_ms();

	if (now - last < LINE_SHOW_MS)
		return;
	last = now;
	print_new_lines(a);
	fflush(stdout);
}

/* Read one line from standard input into buf (without the line break),
 * waiting at most timeout_ms (-1: forever). Returns 1 with a line, 0 on
 * timeout, -1 at the end of input. A too long line is cut. With
 * keep_on_eof, Ctrl-D on a terminal is no end: only a hang-up is. */
static int
read_line(char *buf, size_t size, size_t *len, int timeout_ms, bool keep_on_eof)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };

	for (;;) {
		char *nl = memchr(pending, '\n', have);

		if (nl != NULL || have == sizeof pending) {
			size_t n = nl ? (size_t)(nl - pending) : have;

			*len = n < size ? n : size - 1;
			memcpy(buf, pending, *len);
			buf[*len] = '\0';
			if (*len > 0 && buf[*len - 1] == '\r')
				buf[--*len] = '\0';
			n = nl ? n + 1 : n;
			memmove(pending, pending + n, have - n);
			have -= n;
			explicit_bzero(pending + have, n);
			return 1;
		}
		/* A signal may have come while printing: look before waiting,
		 * and never wait longer than a second without looking again. */
		if (app_quit_signal())
			return -1;
		int wait = timeout_ms < 0 || timeout_ms > 1000 ? 1000 : timeout_ms;
		if (poll(&p, 1, wait) == 0) {
			if (timeout_ms >= 0 && (timeout_ms -= wait) <= 0)
				return 0;
			continue;
		}
		if (app_quit_signal())
			return -1;
		ssize_t r = read(STDIN_FILENO, pending + have, sizeof pending - have);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0 && keep_on_eof && isatty(STDIN_FILENO) && !(p.revents & (POLLHUP | POLLERR)))
			continue;
		if (r <= 0)
			return -1;
		have += (size_t)r;
	}
}

/* The terminal no longer shows anything of the last visitor: their lines
 * are scrolled away (a dumb terminal can do no more), then the screen is
 * cleared where the terminal says how. */
static void
clear_terminal(void)
{
	struct winsize ws;
	int rows = 24;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
		rows = ws.ws_row;
	for (int i = 0; i < rows; i++)
		fputc('\n', stdout);
	ui_put_clear_codes();
}

/* After a wipe: nothing of the last visitor stays in our buffers, and in
 * kiosk mode neither in the terminal's input queue nor on its screen. */
static void
forget_terminal(struct app *a, char *line)
{
	explicit_bzero(line, LINE_MAX_BYTES + 1);
	if (a->kiosk_mode) {
		if (isatty(STDIN_FILENO))
			tcflush(STDIN_FILENO, TCIFLUSH);
		explicit_bzero(pending, sizeof pending);
		have = 0;
		clear_terminal();
	}
	fflush(stdout);
	explicit_bzero(out_buf, sizeof out_buf);
}

/* Ask for the exit PIN, without showing it as it is typed. */
static void
ask_pin(struct app *a, char *line)
{
	struct termios t = { 0 }, quiet;
	bool tty = tcgetattr(STDIN_FILENO, &t) == 0;
	size_t len;

	/* Echo goes off before the question: a PIN typed at once stays unseen. */
	quiet = t;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	put_text(_("PIN to end the kiosk:"));
	fputs(" ", stdout);
	fflush(stdout);
	if (read_line(line, LINE_MAX_BYTES + 1, &len, 60 * 1000, true) == 1)
		app_exit_pin(a, line);
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &t);
	fputc('\n', stdout);
	explicit_bzero(line, LINE_MAX_BYTES + 1);
}

/* Act on one typed line. *input is the text input that waits for its
 * answer, or -1. *answer is set when the line answered a question (a
 * text, a choice, a box): then only what changed is printed. */
static void
command(struct app *a, const char *line, int *input, bool *answer)
{
	struct screen *s = a->stack[a->depth - 1];
	struct doc *d = &a->doc;
	char *end;
	long n;

	if (*input >= 0) {
		if (s->ops->set_text != NULL)
			s->ops->set_text(s, *input, str_eq(line, "-") ? "" : line);
		*input = -1;
		*answer = true;
		return;
	}
	if (str_eq(line, "0") || str_eq(line, "b") || str_eq(line, "B")) {
		app_back(a);
		return;
	}
	if (str_eq(line, "?")) {
		app_help(a);
		return;
	}
	if (str_eq(line, "l") || str_eq(line, "L")) {
		app_change_language(a);
		return;
	}
	if (*line == '\0')
		return; /* Enter alone: the whole page again */
	n = strtol(line, &end, 10);
	for (size_t i = 0; *end == '\0' && i < d->nitems; i++) {
		if (item_number(d, i) != n)
			continue;
		s->focus = d->items[i].id;
		if (d->items[i].kind == ITEM_INPUT) {
			*input = d->items[i].id;
			app_notice(a, _("Type your answer and press Enter. A single - makes it empty."));
		} else {
			*answer = d->items[i].kind == ITEM_RADIO || d->items[i].kind == ITEM_CHECK;
			app_activate(a, s, d->items[i].id);
		}
		return;
	}
	if (a->depth <= 1 && a->staff == NULL) {
		/* The welcome: nobody has chosen a language yet. */
		char *both = i18n_both(N_("Please type one of the numbers in front of a line."), " ");

		app_notice(a, both);
		free(both);
		return;
	}
	app_notice(a, _("Please type one of the numbers in front of a line."));
}

int
lineui_run(struct app *a)
{
	char *line = xcalloc(LINE_MAX_BYTES + 1, 1);
	long long last = now_ms();
	int input = -1;
	unsigned wipes;
	bool shown = false; /* woken for a tick: the screen is out already */
	bool answer = false; /* the last line answered a question on the page */
	char *page = NULL;  /* the title of the page printed last */

	setvbuf(stdout, out_buf, _IOLBF, sizeof out_buf);
	app_signals(a);
	a->show = show_now;
	app_start(a);
	wipes = a->wipes;

	while (!app_quit_signal() && !a->quit) {
		bool busy = a->depth > 1 || a->has_intake || i18n_lang() != a->start_lang;
		long long left = last + (long long)a->idle_secs * 1000 - now_ms();
		int wait = busy ? (int)(left > 0 ? (left < INT_MAX ? left : INT_MAX) : 0) : -1;
		size_t len;
		int r;

		if (a->wipes != wipes) {
			wipes = a->wipes;
			wipe_stack();
			input = -1;
			forget_terminal(a, line);
			shown = false;
			answer = false;
		}
		if (!shown && input < 0) {
			struct screen *top = a->stack[a->depth - 1];
			const char *title = top->ops->title(top);

			/* The same page after an answer: what changed, as a screen
			 * reader would want it, not the whole form once more. */
			if (answer && page != NULL && str_eq(page, title))
				print_changes(a, true);
			else
				print_screen(a);
			free(page);
			page = xstrdup(title);
			answer = false;
		} else if (!shown) {
			print_notice(a); /* what to type, before it is typed */
			fputs("> ", stdout);
			fflush(stdout);
		}
		shown = false;
		app_drawn(a);
		if (wait != 0)
			wait = app_tick_wait(a, wait < 0 ? INT_MAX : wait);
		if (wait == INT_MAX)
			wait = -1;
		r = read_line(line, LINE_MAX_BYTES + 1, &len, wait, a->kiosk_mode);
		if (r < 0)
			break;
		if (r == 0) {
			if (busy && now_ms() - last >= (long long)a->idle_secs * 1000) {
				app_home(a);
				continue;
			}
			/* Only what a tick changed is printed (not while an
			 * answer is being typed). */
			if (app_tick(a) && input < 0)
				print_changes(a, false);
			shown = true;
			continue;
		}
		last = now_ms();
		/* Ctrl-] three times and Enter: staff end the kiosk with the PIN. */
		if (a->exit_pin != NULL && str_eq(line, "\x1d\x1d\x1d")) {
			ask_pin(a, line);
			continue;
		}
		char *utf8 = charset_from_term(line, len);
		if (utf8 == NULL) {
			app_notice(a, _("That text has characters that cannot be read. Please type it again."));
			input = -1;
			continue;
		}
		answer = false;
		command(a, utf8, &input, &answer);
		wipe_free(utf8);
		explicit_bzero(line, len);
	}
	app_close(a);
	forget_terminal(a, line);
	free(line);
	free(page);
	return 0;
}
