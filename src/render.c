/* render.c: the screen, sent with few bytes; see render.h. */
#include "render.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

#include "util.h"

enum { CELL_CHARS = 3 }; /* a character and up to two combining marks */

struct cell {
	wchar_t ch[CELL_CHARS]; /* unused places are 0 */
	attr_t attr;
	signed char width; /* 1 or 2; 0 for the right half of a wide character */
};

static const struct cell blank_cell = { { L' ' }, 0, 1 };
/* Differs from every cell: what a terminal that cannot clear shows. */
static const struct cell unknown_cell = { { 0 }, 0, -1 };

/* A short run of bytes, to compare ways of moving the cursor. */
struct seq {
	char b[96];
	size_t n;
	bool bad; /* impossible, or too long */
};

static struct {
	int fd, rows, ncols;
	struct cell *want, *shown;
	int y, x;           /* the terminal's cursor; -1 when not known */
	int rest_y, rest_x; /* where it rests after a show; -1: anywhere */
	attr_t attr;        /* what the terminal writes with */
	bool attr_known, repaint, colour;
	bool lf_down;       /* a line feed moves straight down */
	char *sgr0;         /* exit_attribute_mode without its charset part */
	size_t el_cost;     /* bytes of clr_eol; 0 when there is none */
	short fg[RENDER_PAIRS], bg[RENDER_PAIRS];
	char *out;
	size_t len, cap;
} r;

static struct seq *seq_target; /* where seq_putc writes, for tputs */

static const char *
cap(const char *s)
{
	return s != NULL && s != (const char *)-1 && *s != '\0' ? s : NULL;
}

static int
seq_putc(int c)
{
	if (seq_target->n < sizeof seq_target->b)
		seq_target->b[seq_target->n++] = (char)c;
	else
		seq_target->bad = true;
	return c;
}

/* Append a capability as tputs sends it (padding applied). */
static void
seq_cap(struct seq *s, const char *str)
{
	if (str == NULL) {
		s->bad = true;
		return;
	}
	seq_target = s;
	tputs(str, 1, seq_putc);
}

static void
seq_keep_best(struct seq *best, const struct seq *t)
{
	if (!t->bad && (best->bad || t->n < best->n))
		*best = *t;
}

static void
out_bytes(const char *b, size_t n)
{
	if (r.len + n > r.cap) {
		/* Not realloc: the old block holds what was sent, which may be
		 * what a visitor typed, and is wiped before it is freed. */
		char *bigger = xmalloc((r.len + n) * 2);

		if (r.len > 0)
			memcpy(bigger, r.out, r.len);
		wipe_free(r.out);
		r.out = bigger;
		r.cap = (r.len + n) * 2;
	}
	memcpy(r.out + r.len, b, n);
	r.len += n;
}

static int
out_putc(int c)
{
	char b = (char)c;

	out_bytes(&b, 1);
	return c;
}

/* Send a capability; unlike seq_cap, of any length (padding included). */
static void
out_cap(const char *str)
{
	if (str != NULL)
		tputs(str, 1, out_putc);
}

static void
out_flush(void)
{
	size_t done = 0;

	while (done < r.len) {
		ssize_t n = write(r.fd, r.out + done, r.len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* A terminal left non-blocking: wait until it takes more. */
			struct pollfd p = { .fd = r.fd, .events = POLLOUT };

			if (poll(&p, 1, 1000) > 0)
				continue;
		}
		if (n <= 0)
			break; /* the terminal is gone; nothing to keep it for */
		done += (size_t)n;
	}
	/* What was sent holds typed answers: keep no copy once it is out,
	 * also of a way tried and dropped (past r.len). */
	explicit_bzero(r.out, r.cap);
	r.len = 0;
}

/* The bytes of a cell in the terminal's charset. */
static size_t
cell_bytes(const struct cell *c, char *buf)
{
	mbstate_t st;
	size_t n = 0;

	memset(&st, 0, sizeof st);
	for (int i = 0; i < CELL_CHARS && c->ch[i] != 0; i++) {
		size_t k = wcrtomb(buf + n, c->ch[i], &st);

		if (k == (size_t)-1) {
			memset(&st, 0, sizeof st);
			if (i > 0)
				continue;
			buf[n] = '?';
			k = 1;
		}
		n += k;
	}
	return n;
}

static bool
same(const struct cell *a, const struct cell *b)
{
	return a->attr == b->attr && a->width == b->width && memcmp(a->ch, b->ch, sizeof a->ch) == 0;
}

static bool
blank(const struct cell *c)
{
	return same(c, &blank_cell);
}

static void
set_attr(attr_t a)
{
	attr_t on;
	short pair = (short)PAIR_NUMBER(a);

	if (r.attr_known && a == r.attr)
		return;
	if (!r.attr_known || (r.attr & ~a) != 0) {
		/* The full reset once, then without the character set. */
		out_cap(r.attr_known ? r.sgr0 : exit_attribute_mode);
		if (r.colour && (!r.attr_known || PAIR_NUMBER(r.attr) != 0))
			out_cap(orig_pair);
		r.attr = 0;
		r.attr_known = true;
	}
	on = a & ~r.attr;
	if (on & A_BOLD)
		out_cap(enter_bold_mode);
	if (on & A_UNDERLINE)
		out_cap(enter_underline_mode);
	if (on & A_REVERSE)
		out_cap(enter_reverse_mode);
	if (pair > 0 && pair < RENDER_PAIRS && pair != (short)PAIR_NUMBER(r.attr)) {
		if (r.fg[pair] >= 0 && cap(set_a_foreground))
			out_cap(tiparm(set_a_foreground, r.fg[pair]));
		if (r.bg[pair] >= 0 && cap(set_a_background))
			out_cap(tiparm(set_a_background, r.bg[pair]));
	}
	r.attr = a;
}

/* Along row y from column `from` to `to` by writing again what the terminal
 * shows there: the cheapest way over a few columns. */
static bool
seq_overwrite(struct seq *s, int y, int from, int to)
{
	const struct cell *c = r.shown + (size_t)y * (size_t)r.ncols;
	char buf[CELL_CHARS * MB_LEN_MAX];

	if (!r.attr_known || to - from > 8)
		return false;
	for (int x = from; x < to; x++) {
		size_t n;

		if (c[x].width != 1 || c[x].attr != r.attr)
			return false;
		n = cell_bytes(&c[x], buf);
		if (s->n + n > sizeof s->b)
			return false;
		memcpy(s->b + s->n, buf, n);
		s->n += n;
	}
	return true;
}

/* Repeat a one-step capability n times (for short ways only). */
static void
seq_repeat(struct seq *s, const char *str, int n)
{
	if (str == NULL || n > 4)
		s->bad = true;
	while (!s->bad && n-- > 0)
		seq_cap(s, str);
}

static void
seq_horizontal(struct seq *s, int y, int from, int to)
{
	struct seq best = { .bad = true }, t;
	int n = to > from ? to - from : from - to;

	if (from == to)
		return;
	t = *s;
	seq_cap(&t, cap(column_address) ? tiparm(column_address, to) : NULL);
	seq_keep_best(&best, &t);
	if (to > from) {
		t = *s;
		if (seq_overwrite(&t, y, from, to))
			seq_keep_best(&best, &t);
		t = *s;
		seq_cap(&t, cap(parm_right_cursor) ? tiparm(parm_right_cursor, n) : NULL);
		seq_keep_best(&best, &t);
		t = *s;
		seq_repeat(&t, cap(cursor_right), n);
		seq_keep_best(&best, &t);
	} else {
		t = *s;
		seq_cap(&t, cap(parm_left_cursor) ? tiparm(parm_left_cursor, n) : NULL);
		seq_keep_best(&best, &t);
		t = *s;
		seq_repeat(&t, cap(cursor_left), n);
		seq_keep_best(&best, &t);
	}
	*s = best;
}

/* From row `from` to row `to`, in the same column. */
static void
seq_vertical(struct seq *s, int from, int to)
{
	struct seq best = { .bad = true }, t;
	int n = to > from ? to - from : from - to;
	const char *down = cap(cursor_down);

	if (from == to)
		return;
	/* A line feed is the terminal's own cud1, but ncurses never uses it;
	 * it is only kept out where the tty would add a carriage return. */
	if (down != NULL && strcmp(down, "\n") == 0 && !r.lf_down)
		down = NULL;
	t = *s;
	seq_cap(&t, cap(row_address) ? tiparm(row_address, to) : NULL);
	seq_keep_best(&best, &t);
	t = *s;
	if (to > from) {
		seq_repeat(&t, down, n);
		seq_keep_best(&best, &t);
		t = *s;
		seq_cap(&t, cap(parm_down_cursor) ? tiparm(parm_down_cursor, n) : NULL);
	} else {
		seq_repeat(&t, cap(cursor_up), n);
		seq_keep_best(&best, &t);
		t = *s;
		seq_cap(&t, cap(parm_up_cursor) ? tiparm(parm_up_cursor, n) : NULL);
	}
	seq_keep_best(&best, &t);
	*s = best;
}

static void
move_to(int y, int x)
{
	struct seq best = { .bad = true }, t = { .n = 0 };

	if (r.y == y && r.x == x)
		return;
	if ((!r.attr_known || r.attr != 0) && !move_standout_mode)
		set_attr(0);
	seq_cap(&t, tiparm(cursor_address, y, x));
	seq_keep_best(&best, &t);
	if (r.y >= 0) {
		t = (struct seq){ .n = 0 };
		seq_vertical(&t, r.y, y);
		seq_horizontal(&t, y, r.x, x);
		seq_keep_best(&best, &t);
		t = (struct seq){ .n = 0 };
		seq_cap(&t, cap(carriage_return));
		seq_vertical(&t, r.y, y);
		seq_horizontal(&t, y, 0, x);
		seq_keep_best(&best, &t);
	}
	if (best.bad)
		out_cap(tiparm(cursor_address, y, x)); /* long with padding */
	else
		out_bytes(best.b, best.n);
	r.y = y;
	r.x = x;
}

static void
put_cell(int y, int x)
{
	size_t at = (size_t)y * (size_t)r.ncols + (size_t)x;
	const struct cell *w = &r.want[at];
	char buf[CELL_CHARS * MB_LEN_MAX];

	/* Attributes off before the move: the move may then write over
	 * plain text on the way. */
	if (w->attr == 0)
		set_attr(0);
	move_to(y, x);
	set_attr(w->attr);
	out_bytes(buf, cell_bytes(w, buf));
	r.shown[at] = *w;
	if (w->width == 2)
		r.shown[at + 1] = w[1];
	r.x += w->width;
	/* At the right edge terminals differ in where the cursor is. */
	if (r.x >= r.ncols)
		r.y = r.x = -1;
}

static bool
erase_blanks(int y, int from, int to)
{
	struct cell *s = r.shown + (size_t)y * (size_t)r.ncols;

	if (!cap(erase_chars))
		return false;
	move_to(y, from);
	set_attr(0);
	out_cap(tiparm(erase_chars, to - from));
	for (int x = from; x < to; x++)
		s[x] = blank_cell;
	return true;
}

/* What the terminal shows at x after characters are inserted (k > 0) or
 * deleted (k < 0) at `at`. */
static const struct cell *
shifted(const struct cell *s, int at, int k, int x)
{
	int from = x - k;

	if (x < at)
		return &s[x];
	if (k > 0 && from < at)
		return &blank_cell;
	return from < r.ncols ? &s[from] : &blank_cell;
}

/* The same text moved sideways, as a key bar that gained or lost a key:
 * insert or delete characters rather than write it all again. Returns
 * whether it did. */
static bool
shift_line(int y, int first)
{
	struct cell *w = r.want + (size_t)y * (size_t)r.ncols, *s = r.shown + (size_t)y * (size_t)r.ncols;
	int best = 0, gain = 0, before = 0;
	struct cell *moved;

	if (s[first].width == 0)
		return false;
	/* Only text counts: blanks at the end of a line cost one clr_eol. */
	for (int x = first; x < r.ncols; x++)
		before += !blank(&w[x]) && same(&w[x], &s[x]);
	for (int k = -16; k <= 16; k++) {
		int now = 0;
		const char *str = k > 0 ? cap(parm_ich) : cap(parm_dch);

		if (k == 0 || str == NULL || first + (k < 0 ? -k : k) >= r.ncols)
			continue;
		if (k < 0 && s[first - k].width == 0)
			continue; /* would cut a wide character */
		/* Nothing may reach the last cell of the screen. */
		if (y == r.rows - 1 && k > 0 && !blank(&s[r.ncols - 1 - k]))
			continue;
		for (int x = first; x < r.ncols; x++)
			now += !blank(&w[x]) && same(&w[x], shifted(s, first, k, x));
		if (now - before > gain) {
			gain = now - before;
			best = k;
		}
	}
	if (gain < 8)
		return false;
	move_to(y, first);
	set_attr(0);
	out_cap(tiparm(best > 0 ? parm_ich : parm_dch, best > 0 ? best : -best));
	moved = xcalloc((size_t)r.ncols, sizeof *moved);
	for (int x = 0; x < r.ncols; x++)
		moved[x] = *shifted(s, first, best, x);
	memcpy(s, moved, (size_t)r.ncols * sizeof *moved);
	wipe_free(moved);
	return true;
}

/* The columns first..last of row y that differ, widened to whole wide
 * characters. False when the row is as shown. */
static bool
changed_span(int y, int *first, int *last)
{
	const struct cell *w = r.want + (size_t)y * (size_t)r.ncols, *s = r.shown + (size_t)y * (size_t)r.ncols;
	int f = 0, l = r.ncols - 1;

	while (f < r.ncols && same(&w[f], &s[f]))
		f++;
	if (f == r.ncols)
		return false;
	while (same(&w[l], &s[l]))
		l--;
	while (f > 0 && (w[f].width == 0 || s[f].width == 0))
		f--;
	while (l + 1 < r.ncols && (w[l + 1].width == 0 || s[l + 1].width == 0))
		l++;
	*first = f;
	*last = l;
	return true;
}

static void
update_line(int y)
{
	struct cell *w = r.want + (size_t)y * (size_t)r.ncols, *s = r.shown + (size_t)y * (size_t)r.ncols;
	int first, last, tail = r.ncols, stop;
	bool clear;

	if (!changed_span(y, &first, &last))
		return;
	if (last - first >= 16 && shift_line(y, first) && !changed_span(y, &first, &last))
		return;
	while (tail > first && blank(&w[tail - 1]))
		tail--;
	/* Clear the end of the line when that is shorter than spaces. */
	clear = tail <= last && r.el_cost > 0 && r.el_cost < (size_t)(last - tail + 1);
	stop = clear ? tail : last + 1;
	for (int x = first; x < stop;) {
		int end = x;

		if (same(&w[x], &s[x])) {
			x++;
			continue;
		}
		/* A run of blanks between texts: erase it where that is shorter. */
		while (end < stop && blank(&w[end]))
			end++;
		if (end - x > 8 && erase_blanks(y, x, end)) {
			x = end;
			continue;
		}
		if (w[x].width == 0 && x > 0)
			x--; /* the left half says what goes here */
		put_cell(y, x);
		x += w[x].width > 0 ? w[x].width : 1;
	}
	if (clear) {
		move_to(y, tail);
		set_attr(0);
		out_cap(clr_eol);
		for (int x = tail; x < r.ncols; x++)
			s[x] = blank_cell;
	}
}

/* Every changed line; then the cursor to its rest, attributes off. The
 * line where the cursor rests goes last: the cursor is then near. */
static void
send_changes(void)
{
	for (int y = 0; y < r.rows; y++)
		if (y != r.rest_y)
			update_line(y);
	if (r.rest_y >= 0) {
		update_line(r.rest_y);
		move_to(r.rest_y, r.rest_x);
	}
	set_attr(0);
}

static char *
sgr0_without_charset(void)
{
	const char *sgr0 = cap(exit_attribute_mode), *acs = cap(exit_alt_charset_mode);
	char *s, *hit;
	size_t n;

	if (sgr0 == NULL)
		return NULL;
	s = xstrdup(sgr0);
	if (acs == NULL)
		return s;
	n = strcspn(acs, "$"); /* without padding, as in "\E(B$<4>" */
	hit = n > 0 ? memmem(s, strlen(s), acs, n) : NULL;
	if (hit != NULL && (hit != s || hit[n] != '\0'))
		memmove(hit, hit + n, strlen(hit + n) + 1);
	return s;
}

void
render_init(int fd, int nrows, int ncols)
{
	struct termios t;
	struct seq el = { .n = 0 };

	render_end();
	r.fd = fd;
	r.sgr0 = sgr0_without_charset();
	/* initscr turns ONLCR off; a line feed is then a plain cursor-down. */
	r.lf_down = !(tcgetattr(fd, &t) == 0 && (t.c_oflag & OPOST) && (t.c_oflag & ONLCR));
	seq_cap(&el, cap(clr_eol));
	r.el_cost = el.bad ? 0 : el.n;
	for (int i = 0; i < RENDER_PAIRS; i++)
		r.fg[i] = r.bg[i] = -1;
	r.rest_y = r.rest_x = -1;
	render_resize(nrows, ncols);
	r.repaint = false; /* curses has just cleared it */
}

void
render_end(void)
{
	wipe_free(r.want);
	wipe_free(r.shown);
	free(r.sgr0);
	wipe_free(r.out);
	memset(&r, 0, sizeof r);
}

void
render_resize(int nrows, int ncols)
{
	size_t n;

	nrows = nrows > 0 ? nrows : 1;
	ncols = ncols > 0 ? ncols : 1;
	if (r.want != NULL && nrows == r.rows && ncols == r.ncols)
		return;
	n = (size_t)nrows * (size_t)ncols;
	wipe_free(r.want);
	wipe_free(r.shown);
	r.rows = nrows;
	r.ncols = ncols;
	r.want = xcalloc(n, sizeof *r.want);
	r.shown = xcalloc(n, sizeof *r.shown);
	for (size_t i = 0; i < n; i++)
		r.want[i] = r.shown[i] = blank_cell;
	r.y = r.x = -1;
	r.attr_known = false;
	r.repaint = true;
}

void
render_pair(short n, short fg, short bg)
{
	if (n > 0 && n < RENDER_PAIRS) {
		r.fg[n] = fg;
		r.bg[n] = bg;
		r.colour = true;
	}
}

void
render_clear(void)
{
	for (size_t i = 0; i < (size_t)r.rows * (size_t)r.ncols; i++)
		r.want[i] = blank_cell;
}

/* Before a cell is written over, the other half of a wide character it
 * belonged to becomes blank. */
static void
unhalve(struct cell *row, int x, int ncols)
{
	if (row[x].width == 0 && x > 0)
		row[x - 1] = blank_cell;
	else if (row[x].width == 2 && x + 1 < ncols)
		row[x + 1] = blank_cell;
}

int
render_put(int y, int x, int width, const wchar_t *s, size_t n, attr_t a)
{
	struct cell *row;
	int col = x, end;

	if (y < 0 || y >= r.rows || x < 0 || x >= r.ncols || width <= 0)
		return 0;
	end = width > r.ncols - x ? r.ncols : x + width;
	/* The last cell of the screen is never written: some terminals
	 * scroll when it is. */
	if (y == r.rows - 1 && end == r.ncols)
		end--;
	row = r.want + (size_t)y * (size_t)r.ncols;
	for (size_t i = 0; i < n; i++) {
		wchar_t c = s[i];
		int w = wcwidth(c);

		if (w == 0) {
			/* A combining mark joins the character before it; not in the
			 * last column, where it comes while the cursor waits to wrap
			 * and some terminals (libvterm) put it on the next line. */
			if (col > x && col < r.ncols) {
				struct cell *p = &row[col - 1];

				if (p->width == 0)
					p--;
				for (int k = 1; k < CELL_CHARS; k++)
					if (p->ch[k] == 0) {
						p->ch[k] = c;
						break;
					}
			}
			continue;
		}
		if (w < 0) {
			c = L'?';
			w = 1;
		}
		if (col + w > end)
			break;
		unhalve(row, col, r.ncols);
		if (w == 2)
			unhalve(row, col + 1, r.ncols);
		row[col] = (struct cell){ { c }, a, (signed char)w };
		if (w == 2)
			row[col + 1] = (struct cell){ { 0 }, a, 0 };
		col += w;
	}
	return col - x;
}

void
render_cursor(int y, int x)
{
	bool inside = y >= 0 && y < r.rows && x >= 0 && x < r.ncols;

	r.rest_y = inside ? y : -1;
	r.rest_x = inside ? x : -1;
}

void
render_repaint(void)
{
	r.repaint = true;
}

/* What the terminal shows and how it writes: to try a way and take it back. */
struct state {
	struct cell *shown;
	int y, x;
	attr_t attr;
	bool attr_known;
	size_t len;
};

static void
state_save(struct state *st)
{
	size_t n = (size_t)r.rows * (size_t)r.ncols;

	if (st->shown == NULL)
		st->shown = xcalloc(n, sizeof *st->shown);
	memcpy(st->shown, r.shown, n * sizeof *st->shown);
	st->y = r.y;
	st->x = r.x;
	st->attr = r.attr;
	st->attr_known = r.attr_known;
	st->len = r.len;
}

static void
state_restore(const struct state *st)
{
	memcpy(r.shown, st->shown, (size_t)r.rows * (size_t)r.ncols * sizeof *r.shown);
	r.y = st->y;
	r.x = st->x;
	r.attr = st->attr;
	r.attr_known = st->attr_known;
	r.len = st->len;
}

/* Clear the terminal and send every cell that is not blank. */
static void
send_all(void)
{
	size_t n = (size_t)r.rows * (size_t)r.ncols;
	const struct cell *now = &blank_cell;

	set_attr(0);
	if (cap(clear_screen)) {
		struct seq clear = { .n = 0 }, home_ed = { .n = 0 };

		/* xterm's "\e[H\e[2J" or the shorter home and erase below. */
		seq_cap(&clear, clear_screen);
		seq_cap(&home_ed, cap(cursor_home));
		seq_cap(&home_ed, cap(clr_eos));
		seq_keep_best(&clear, &home_ed);
		if (clear.bad)
			out_cap(clear_screen); /* long with padding */
		else
			out_bytes(clear.b, clear.n);
		r.y = r.x = 0;
	} else {
		now = &unknown_cell; /* every cell is written */
		r.y = r.x = -1;
	}
	for (size_t i = 0; i < n; i++)
		r.shown[i] = *now;
	send_changes();
}

void
render_show(void)
{
	if (r.repaint) {
		send_all();
		r.repaint = false;
	} else {
		struct state before = { 0 }, changes = { 0 };
		char *bytes;

		state_save(&before);
		send_changes();
		/* When most of the screen changed, a clear screen and the new
		 * text may cost less than the changes one by one. */
		if (r.len - before.len > (size_t)(r.rows * r.ncols) / 8) {
			state_save(&changes);
			bytes = xmalloc(changes.len - before.len);
			memcpy(bytes, r.out + before.len, changes.len - before.len);
			state_restore(&before);
			send_all();
			if (r.len >= changes.len) {
				state_restore(&changes);
				memcpy(r.out + before.len, bytes, changes.len - before.len);
			}
			wipe_free(bytes);
			wipe_free(changes.shown);
		}
		wipe_free(before.shown);
	}
	out_flush();
}
