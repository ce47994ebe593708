/* ui.c: curses set-up and drawing primitives; see ui.h. */
#include "ui.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

#include "bidi.h"
#include "charset.h"
#include "i18n.h"
#include "render.h"
#include "text.h"
#include "util.h"

static bool active;
static bool colour;
static bool lean; /* low bandwidth: no colour, a longer ESCDELAY */

/* For ui_give_back(), which may run in a signal handler: the terminal's
 * settings as found, and the bytes that undo what curses turned on. */
static struct {
	volatile sig_atomic_t taken; /* curses has the terminal */
	int fd;
	bool have_tio;
	struct termios tio;
	char reset[512];
	size_t len;
} saved;

enum { PAIR_ERROR = 1, PAIR_NOTICE };

/* The rest of a character whose first byte came: a slow link may split it,
 * a wrong one never completes it. */
#define UI_CHAR_WAIT_MS 300

/* What getch returns for the start of an X10 mouse report: far above the
 * codes ncurses gives the terminal's own keys (KEY_MAX and a few hundred
 * after it). */
#define UI_KEY_X10_MOUSE 0x7e00

/* Bracketed paste (xterm's mode 2004): the terminal sends pasted text
 * between these two markers, so that it can be read as text and never as
 * keys that do something. */
#define UI_KEY_PASTE_START 0x7e01
#define UI_KEY_PASTE_END 0x7e02
/* A paste whose end marker was lost ends after this much silence, or at
 * a function key, arrow or click after a shorter one: a person pressed
 * it. Within the stream of a paste such a key is left out. */
#define UI_PASTE_GAP_MS 1000
#define UI_PASTE_KEY_GAP_MS 200

static struct {
	bool on;        /* between the markers */
	bool cr;        /* the last pasted character was a CR (of a CR LF) */
	long long last; /* when the last pasted byte came */
} paste;

bool
ui_term_usable(void)
{
	const char *term = getenv("TERM");
	int err = 0;
	bool ok;
	char *cup;

	if (term == NULL || *term == '\0' || setupterm(NULL, STDOUT_FILENO, &err) != OK)
		return false;
	cup = tigetstr("cup");
	ok = cup != NULL && cup != (char *)-1;
	del_curterm(cur_term);
	return ok;
}

/* Keys in both cursor modes: some terminals and SSH clients ignore the
 * request for application mode, and an unknown sequence would read as Esc
 * (Back) followed by letters. */
static void
define_keys(void)
{
	static const struct {
		const char *seq;
		int key;
	} keys[] = {
		{ "\033[A", KEY_UP }, { "\033[B", KEY_DOWN }, { "\033[C", KEY_RIGHT }, { "\033[D", KEY_LEFT },
		{ "\033OA", KEY_UP }, { "\033OB", KEY_DOWN }, { "\033OC", KEY_RIGHT }, { "\033OD", KEY_LEFT },
		{ "\033[H", KEY_HOME }, { "\033[F", KEY_END }, { "\033OH", KEY_HOME }, { "\033OF", KEY_END },
		{ "\033[1~", KEY_HOME }, { "\033[4~", KEY_END }, { "\033[3~", KEY_DC },
		{ "\033[5~", KEY_PPAGE }, { "\033[6~", KEY_NPAGE }, { "\033[Z", KEY_BTAB },
		{ "\033OP", KEY_F(1) }, { "\033OQ", KEY_F(2) }, { "\033[11~", KEY_F(1) }, { "\033[12~", KEY_F(2) },
		{ "\033[[A", KEY_F(1) }, { "\033[[B", KEY_F(2) },
	};

	const char *kmous = tigetstr("kmous");

	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		define_key(keys[i].seq, keys[i].key);
	/* ncurses reads mouse reports in the one format of the terminal's
	 * description (SGR, "\e[<", for xterm). A terminal that sends the older
	 * X10 format ("\e[M" and three bytes) would otherwise press Esc (Back)
	 * with every tap: those are read here. */
	if (kmous != NULL && kmous != (char *)-1 && strcmp(kmous, "\033[M") != 0)
		define_key("\033[M", UI_KEY_X10_MOUSE);
	define_key("\033[200~", UI_KEY_PASTE_START);
	define_key("\033[201~", UI_KEY_PASTE_END);
}

/* Bracketed paste on and off, and with it the terminal's own bidi off
 * (ECMA-48 BDSM reset: the kiosk orders right-to-left lines itself, see
 * bidi.h; a terminal that reordered them again would undo it). Asked of
 * ANSI terminals only (those that do not know a mode ignore it); undone
 * wherever the terminal is given back: ui_end, ui_give_back, and around
 * Ctrl-Z. */
#define PASTE_ON "\033[?2004h\033[8l"
#define PASTE_OFF "\033[?2004l\033[8h"
static bool paste_asked;
static struct sigaction tstp_curses; /* curses' own Ctrl-Z handler */
static bool tstp_wrapped;

static void
send_raw(const char *bytes, size_t len)
{
	ssize_t w = write(saved.fd, bytes, len);

	(void)w; /* a terminal that is gone has no mode to set */
}

/* Ctrl-Z outside kiosk mode: curses gives the terminal back, stops, and
 * takes it again when continued; the paste mode goes with it. */
static void
on_tstp(int sig)
{
	int keep = errno;

	send_raw(PASTE_OFF, sizeof PASTE_OFF - 1);
	if (tstp_curses.sa_flags & SA_SIGINFO)
		tstp_curses.sa_sigaction(sig, NULL, NULL);
	else
		tstp_curses.sa_handler(sig);
	send_raw(PASTE_ON, sizeof PASTE_ON - 1);
	errno = keep;
}

static void
ask_bracketed_paste(void)
{
	struct sigaction sa;

	if (cursor_address == NULL || strncmp(cursor_address, "\033[", 2) != 0)
		return;
	paste_asked = true;
	send_raw(PASTE_ON, sizeof PASTE_ON - 1);
	/* curses handles Ctrl-Z where it found the default action (not in
	 * kiosk mode, which ignores it). */
	if (sigaction(SIGTSTP, NULL, &tstp_curses) != 0 || tstp_curses.sa_handler == SIG_DFL ||
	    tstp_curses.sa_handler == SIG_IGN)
		return;
	sa = tstp_curses;
	sa.sa_flags &= ~SA_SIGINFO;
	sa.sa_handler = on_tstp;
	tstp_wrapped = sigaction(SIGTSTP, &sa, NULL) == 0;
}

static int
reset_putc(int c)
{
	if (saved.len < sizeof saved.reset)
		saved.reset[saved.len++] = (char)c;
	return c;
}

/* Append capability str, as tputs sends it, to saved.reset. */
static void
reset_add(const char *str)
{
	if (str != NULL && str != (char *)-1)
		tputs(str, 1, reset_putc);
}

/* What endwin() would send, worked out now: in a signal handler nothing
 * may allocate or look up. Mouse reports off, cursor keys back to normal,
 * plain attributes and colours, a visible cursor at the bottom left, the
 * normal screen. */
static void
prepare_give_back(void)
{
	char *xm = tigetstr("XM");

	saved.len = 0;
	if (xm != NULL && xm != (char *)-1)
		reset_add(tiparm(xm, 0));
	else if (key_mouse != NULL)
		reset_add("\033[?1000l");
	reset_add(keypad_local);
	if (paste_asked)
		reset_add(PASTE_OFF);
	reset_add(exit_attribute_mode);
	reset_add(orig_pair);
	reset_add(cursor_normal);
	if (cursor_address != NULL)
		reset_add(tiparm(cursor_address, LINES - 1, 0));
	reset_add(exit_ca_mode);
	saved.taken = 1;
}

void
ui_give_back(void)
{
	ssize_t w;

	if (!saved.taken)
		return;
	saved.taken = 0;
	w = write(saved.fd, saved.reset, saved.len);
	(void)w;
	if (saved.have_tio)
		tcsetattr(saved.fd, TCSANOW, &saved.tio);
}

void
ui_ctrl_s_is_a_key(void)
{
	struct termios t;

	if (tcgetattr(fileno(stdout), &t) != 0)
		return;
	t.c_iflag &= ~(tcflag_t)IXON;
	if (tcsetattr(fileno(stdout), TCSANOW, &t) == 0)
		def_prog_mode();
}

void
ui_init(bool raw_keys, bool low_bandwidth)
{
	/* A slow link may split an escape sequence; 200 ms keeps a lone Esc
	 * quick while still reading arrows as one key. */
	set_escdelay(200);
	saved.fd = fileno(stdout);
	saved.have_tio = tcgetattr(saved.fd, &saved.tio) == 0;
	if (initscr() == NULL)
		die("cannot start the terminal screen (is TERM set?)");
	active = true;
	die_hook = ui_end;
	if (raw_keys)
		raw();
	else
		cbreak();
	noecho();
	nonl();
	ask_bracketed_paste();
	keypad(stdscr, TRUE);
	define_keys();
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON4_PRESSED |
	    BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	lean = low_bandwidth || baudrate() <= 19200;
	if (lean)
		set_escdelay(500); /* a slow link splits sequences further apart */
	/* curses clears the screen and sets up the terminal once; from here
	 * render.c sends the screen, and stdscr stays blank, only read from. */
	refresh();
	render_init(fileno(stdout), LINES, COLS);
	if (!lean && has_colors()) {
		colour = true;
		render_pair(PAIR_ERROR, COLOR_RED, -1);
		render_pair(PAIR_NOTICE, COLOR_BLACK, COLOR_YELLOW);
	}
	prepare_give_back();
}

void
ui_end(void)
{
	if (!active)
		return;
	active = false;
	saved.taken = 0;
	if (tstp_wrapped)
		sigaction(SIGTSTP, &tstp_curses, NULL);
	tstp_wrapped = false;
	render_end();
	if (paste_asked)
		send_raw(PASTE_OFF, sizeof PASTE_OFF - 1);
	paste_asked = false;
	curs_set(1);
	endwin();
}

void
ui_put_clear_codes(void)
{
	static int known = -1;
	int err;

	if (known < 0)
		known = setupterm(NULL, STDOUT_FILENO, &err) == OK;
	if (known) {
		const char *clear = tigetstr("clear"), *e3 = tigetstr("E3");

		if (clear != NULL && clear != (char *)-1)
			putp(clear);
		if (e3 != NULL && e3 != (char *)-1)
			putp(e3);
	}
}

bool
ui_big_enough(void)
{
	return COLS >= UI_MIN_COLS && LINES >= UI_MIN_LINES;
}

void
ui_draw_too_small(void)
{
	/* Both languages: the caregiver may not have chosen one yet. */
	static const char *const msg[] = { "Maak het venster groter.", "Please enlarge", "the window." };

	ui_clear();
	for (int i = 0; i < 3 && i < LINES; i++)
		ui_put(i, 0, COLS, msg[i], UI_NORMAL);
	ui_show(-1, -1);
}

void
ui_clear(void)
{
	/* Only curses itself changes stdscr, after a resize or a stop: the
	 * terminal is then refreshed by it, and everything sent again. */
	if (is_wintouched(stdscr)) {
		refresh();
		render_repaint();
	}
	render_resize(LINES, COLS);
	render_clear();
}

void
ui_show(int cy, int cx)
{
	render_cursor(cy, cx);
	render_show();
}

void
ui_repaint(void)
{
	render_repaint();
}

attr_t
ui_attr(enum ui_style st)
{
	/* Readable in monochrome: colour only adds to bold and reverse. */
	switch (st) {
	case UI_TITLE:
	case UI_KEYBAR:
		return A_REVERSE;
	case UI_HEADING:
		return A_BOLD;
	case UI_FOCUS:
		/* Reverse only, beside the marker: fewer bytes per arrow key. */
		return A_REVERSE;
	case UI_ERROR:
		return A_BOLD | (colour ? COLOR_PAIR(PAIR_ERROR) : 0);
	case UI_NOTICE:
		return colour ? COLOR_PAIR(PAIR_NOTICE) | A_BOLD : A_REVERSE;
	case UI_NORMAL:
		break;
	}
	return A_NORMAL;
}

/* The base direction of the screen: its title and key bar. */
static bool screen_rtl;

void
ui_direction(bool rtl)
{
	screen_rtl = rtl;
}

int
ui_putw(int y, int x, int cols, const wchar_t *s, size_t n, enum ui_style st)
{
	wchar_t *vis;
	int used;

	/* A right-to-left word in a left-to-right line: in visual order. */
	if (!bidi_has_rtl(s, n))
		return render_put(y, x, cols, s, n, ui_attr(st));
	vis = xcalloc(n + 1, sizeof *vis);
	used = render_put(y, x, cols, vis, bidi_visual(s, n, false, vis, NULL), ui_attr(st));
	wipe_free(vis);
	return used;
}

/* s in visual order for a right-to-left line in cols columns, against its
 * right edge: *start gets the column of the first character drawn
 * (negative when the line is wider: its left end is cut). pos as in
 * bidi_visual. Caller frees. */
static wchar_t *
rtl_layout(const wchar_t *s, size_t n, int cols, size_t *vn, int *start, size_t *pos)
{
	wchar_t *vis = xcalloc(n + 1, sizeof *vis);

	*vn = bidi_visual(s, n, true, vis, pos);
	*start = cols - text_width(vis, *vn);
	return vis;
}

int
ui_putw_rtl(int y, int x, int cols, const wchar_t *s, size_t n, enum ui_style st)
{
	size_t vn, skip = 0;
	int start;
	wchar_t *vis = rtl_layout(s, n, cols, &vn, &start, NULL);

	/* Too wide: the logical end, on the left, is what gives way. */
	while (start < 0 && skip < vn)
		start += text_width(vis + skip++, 1);
	render_put(y, x + start, cols - start, vis + skip, vn - skip, ui_attr(st));
	wipe_free(vis);
	return cols;
}

int
ui_column(const wchar_t *s, size_t n, int cols, bool rtl, size_t i)
{
	size_t *pos, vn;
	wchar_t *vis;
	int start = 0, col;

	if (!rtl && !bidi_has_rtl(s, n))
		return text_width(s, i < n ? i : n);
	if (n == 0)
		return rtl ? cols - 1 : 0;
	pos = xcalloc(n, sizeof *pos);
	if (rtl) {
		vis = rtl_layout(s, n, cols, &vn, &start, pos);
	} else {
		vis = xcalloc(n + 1, sizeof *vis);
		vn = bidi_visual(s, n, false, vis, pos);
	}
	/* After the last character: left of it in a right-to-left line. */
	if (i >= n)
		col = rtl ? start - 1 : text_width(vis, vn);
	else
		col = start + text_width(vis, pos[i]);
	free(pos);
	wipe_free(vis);
	return col;
}

int
ui_put(int y, int x, int cols, const char *utf8, enum ui_style st)
{
	size_t n;
	wchar_t *w = charset_display(utf8, &n);
	int used = ui_putw(y, x, cols, w, n, st);

	wipe_free(w);
	return used;
}

void
ui_frame(const char *title, const char *keys)
{
	/* Reverse video on the text only: a bar filled to the edge costs a
	 * line of bytes on every screen. */
	char *t = xasprintf(" %s ", title);

	if (screen_rtl) {
		size_t n;
		wchar_t *w = charset_display(t, &n);

		ui_putw_rtl(0, 0, COLS, w, n, UI_TITLE);
		wipe_free(w);
	} else {
		ui_put(0, 0, COLS, t, UI_TITLE);
	}
	wipe_free(t);
	if (keys != NULL) {
		char *k = xasprintf(" %s ", keys);

		ui_put(LINES - 1, 0, COLS, k, UI_KEYBAR);
		wipe_free(k);
	}
}

/* The mouse event of a report: a tap (button 1 pressed) at y, x, or the
 * wheel as the keys that scroll. Anything else (a release) is no tap. */
static void
mouse_event(struct ui_key *k, bool press1, bool wheel_up, bool wheel_down, int y, int x)
{
	k->code = KEY_MOUSE;
	if (wheel_up || wheel_down) {
		k->code = wheel_up ? KEY_SR : KEY_SF;
	} else if (press1) {
		k->mouse_y = y;
		k->mouse_x = x;
	}
}

/* An X10 mouse report after its "\e[M": button, column and row, each a
 * byte from 32 on. */
static void
read_x10_mouse(struct ui_key *k)
{
	int b[3];

	timeout(UI_CHAR_WAIT_MS);
	for (int i = 0; i < 3; i++)
		if ((b[i] = getch()) == ERR || b[i] < 32 || b[i] > 255) {
			/* Cut short: no tap, and the key that came instead counts. */
			if (b[i] != ERR)
				ungetch(b[i]);
			k->code = KEY_MOUSE;
			return;
		}
	b[0] -= 32;
	mouse_event(k, (b[0] & 0x43) == 0, (b[0] & 0x43) == 0x40, (b[0] & 0x43) == 0x41, b[2] - 33,
	    b[1] - 33);
}

/* The next byte or key within timeout_ms (-1: no limit), or ERR. The
 * paste markers are taken out here: they only start and end a paste, so a
 * paste split over several reads stays one. */
static int
next_key(int timeout_ms)
{
	long long end = now_ms() + timeout_ms, quiet;
	int c;

	for (;;) {
		timeout(timeout_ms);
		if ((c = getch()) == ERR)
			return ERR;
		quiet = now_ms() - paste.last;
		if (paste.on && (quiet > UI_PASTE_GAP_MS || (quiet > UI_PASTE_KEY_GAP_MS && c >= KEY_MIN &&
		    c != KEY_RESIZE && c != UI_KEY_PASTE_START && c != UI_KEY_PASTE_END)))
			paste.on = false;
		if (c != UI_KEY_PASTE_START && c != UI_KEY_PASTE_END)
			break;
		paste.on = c == UI_KEY_PASTE_START;
		paste.cr = false;
		paste.last = now_ms();
		if (timeout_ms > 0)
			timeout_ms = end > now_ms() ? (int)(end - now_ms()) : 0;
	}
	if (paste.on)
		paste.last = now_ms();
	return c;
}

/* A key of a paste: text. Its line breaks, CR (as terminals send them),
 * LF or CR LF, each read as one '\n'. False for the LF of a CR LF. */
static bool
pasted_key(struct ui_key *k)
{
	bool after_cr = paste.cr;

	k->pasted = true;
	paste.cr = k->code == 0 && k->ch == L'\r';
	if (k->code == 0 && k->ch == L'\n' && after_cr)
		return false;
	if (k->code == 0 && k->ch == L'\r')
		k->ch = L'\n';
	return true;
}

static bool
read_key(struct ui_key *k, int timeout_ms)
{
	mbstate_t st;
	char byte;
	int c;

	memset(k, 0, sizeof *k);
	k->mouse_y = k->mouse_x = -1;
	/* Bytes are read one at a time and decoded here, in the terminal's
	 * charset: ncurses' get_wch stalls on a byte that is not valid, and
	 * every key after it would be lost. */
	if ((c = next_key(timeout_ms)) == ERR)
		return false;
	k->pasted = paste.on && c != KEY_RESIZE;
	if (c == UI_KEY_X10_MOUSE) {
		read_x10_mouse(k);
		return true;
	}
	if (c >= KEY_MIN) {
		k->code = c;
		if (c == KEY_MOUSE) {
			MEVENT ev;

			if (getmouse(&ev) == OK)
				mouse_event(k, ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED),
				    ev.bstate & BUTTON4_PRESSED, ev.bstate & BUTTON5_PRESSED, ev.y, ev.x);
		}
		return true;
	}
	memset(&st, 0, sizeof st);
	for (;;) {
		wchar_t wc;
		size_t r;

		byte = (char)c;
		r = mbrtowc(&wc, &byte, 1, &st);
		if (r != (size_t)-2) {
			if (r == (size_t)-1)
				k->invalid = true;
			else
				k->ch = (wint_t)wc;
			return true;
		}
		timeout(UI_CHAR_WAIT_MS);
		if ((c = getch()) == ERR || c >= KEY_MIN || (c & 0xC0) != 0x80) {
			/* An unfinished character; what came after it is kept. */
			if (c != ERR)
				ungetch(c);
			k->invalid = true;
			return true;
		}
	}
}

bool
ui_read_key(struct ui_key *k, int timeout_ms)
{
	if (!read_key(k, timeout_ms))
		return false;
	if (!k->pasted || pasted_key(k))
		return true;
	/* The LF of a CR LF: the key after it, if it is there already. */
	return read_key(k, 0) && (!k->pasted || pasted_key(k));
}

bool
ui_input_gone(void)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };

	/* In raw and cbreak mode a terminal has no end-of-file key: its input
	 * ends only when the line hangs up (getch then returns ERR at once,
	 * as on a timeout). */
	return poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLNVAL));
}

const char *
ui_glyph(const char *utf8, const char *ascii)
{
	return charset_is_utf8() ? utf8 : ascii;
}
