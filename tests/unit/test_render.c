/* test_render.c: what render.c sends, read back through a real terminal
 * emulator (libvterm), for several terminal descriptions. A model of the
 * wanted screen (the plain semantics of render_put) is the oracle; the
 * emulator's screen must equal it after every render_show, whatever the
 * diff and the cursor moves chose to send. */
#include "unit.h"

/* vterm.h first: term.h defines capability names (bell) as macros. */
#include <vterm.h>

#include <curses.h>
#include <locale.h>
#include <term.h>

#include "render.h"

static const char *const terms[] = { "xterm-256color", "vt100", "vt220", "linux", "screen", "tmux-256color", "ansi" };

/* The model: one cell per column, as render_put describes it. */
struct mcell {
	wchar_t ch, mark; /* mark: a combining character, or 0 */
	attr_t attr;
	int width;        /* 0 for the right half of a wide character */
};

struct rig {
	int rows, cols, fd;
	off_t read_at;
	VTerm *vt;
	VTermScreen *vs;
	struct mcell *m;
	int cur_y, cur_x;
	bool colours; /* the terminal can set colours */
};

static const struct mcell mblank = { L' ', 0, 0, 1 };

static void
rig_open(struct rig *g, const char *term, int rows, int cols)
{
	char path[] = "/tmp/zk-render-XXXXXX";
	int err = 0;

	memset(g, 0, sizeof *g);
	g->rows = rows;
	g->cols = cols;
	g->fd = mkstemp(path);
	assert_true(g->fd >= 0);
	unlink(path);
	assert_int_equal(setupterm(term, g->fd, &err), OK);
	g->colours = tigetstr("setaf") != NULL && tigetstr("setaf") != (char *)-1;
	g->vt = vterm_new(rows, cols);
	vterm_set_utf8(g->vt, 1);
	g->vs = vterm_obtain_screen(g->vt);
	vterm_screen_reset(g->vs, 1);
	g->m = calloc((size_t)rows * (size_t)cols, sizeof *g->m);
	for (int i = 0; i < rows * cols; i++)
		g->m[i] = mblank;
	g->cur_y = g->cur_x = -1;
	render_init(g->fd, rows, cols);
}

static void
rig_close(struct rig *g)
{
	render_end();
	vterm_free(g->vt);
	free(g->m);
	close(g->fd);
	del_curterm(cur_term);
}

/* Show, feed what was sent to the emulator; returns the bytes sent. */
static size_t
rig_show(struct rig *g)
{
	char buf[65536];
	size_t total = 0;
	ssize_t n;

	render_show();
	while ((n = pread(g->fd, buf, sizeof buf, g->read_at)) > 0) {
		vterm_input_write(g->vt, buf, (size_t)n);
		g->read_at += n;
		total += (size_t)n;
	}
	return total;
}

static void
model_unhalve(struct mcell *row, int x, int cols)
{
	if (row[x].width == 0 && x > 0)
		row[x - 1] = mblank;
	else if (row[x].width == 2 && x + 1 < cols)
		row[x + 1] = mblank;
}

static void
put(struct rig *g, int y, int x, int width, const wchar_t *s, attr_t a)
{
	size_t n = wcslen(s);
	struct mcell *row = g->m + (size_t)y * (size_t)g->cols;
	int col = x, end = x + width > g->cols ? g->cols : x + width;

	render_put(y, x, width, s, n, a);
	if (y == g->rows - 1 && end == g->cols)
		end--;
	for (size_t i = 0; i < n; i++) {
		int w = wcwidth(s[i]);

		if (w == 0) {
			if (col > x && col < g->cols) {
				struct mcell *p = &row[col - 1];

				if (p->width == 0)
					p--;
				if (p->mark == 0)
					p->mark = s[i];
			}
			continue;
		}
		if (col + w > end)
			break;
		model_unhalve(row, col, g->cols);
		if (w == 2)
			model_unhalve(row, col + 1, g->cols);
		row[col] = (struct mcell){ s[i], 0, a, w };
		if (w == 2)
			row[col + 1] = (struct mcell){ 0, 0, a, 0 };
		col += w;
	}
}

static void
blank_all(struct rig *g)
{
	render_clear();
	for (int i = 0; i < g->rows * g->cols; i++)
		g->m[i] = mblank;
}

static void
cursor(struct rig *g, int y, int x)
{
	render_cursor(y, x);
	g->cur_y = y;
	g->cur_x = x;
}

/* The emulator's screen equals the model, cell by cell. */
static void
expect_screen(struct rig *g, const char *term, int step)
{
	VTermColor dfg, dbg;

	vterm_state_get_default_colors(vterm_obtain_state(g->vt), &dfg, &dbg);
	for (int y = 0; y < g->rows; y++)
		for (int x = 0; x < g->cols; x++) {
			const struct mcell *m = &g->m[y * g->cols + x];
			VTermScreenCell c;
			uint32_t ch, mark;

			vterm_screen_get_cell(g->vs, (VTermPos){ .row = y, .col = x }, &c);
			if (m->width == 0)
				continue; /* covered by the left half */
			/* A cell never written to holds no character at all. */
			ch = c.chars[0] == 0 ? ' ' : c.chars[0];
			mark = c.chars[0] == 0 ? 0 : c.chars[1];
			if (ch != (uint32_t)m->ch || c.width != m->width || mark != (uint32_t)m->mark ||
			    !!c.attrs.bold != !!(m->attr & A_BOLD) || !!c.attrs.reverse != !!(m->attr & A_REVERSE) ||
			    !!c.attrs.underline != !!(m->attr & A_UNDERLINE) ||
			    vterm_color_is_equal(&c.fg, &dfg) == (PAIR_NUMBER(m->attr) != 0 && g->colours))
				fail_msg("%s, step %d: at %d,%d the terminal shows U+%04X+U+%04X (width %d, bold %d, "
					 "reverse %d, underline %d, own colour %d) where U+%04X+U+%04X (width %d, "
					 "attr %#lx) was wanted",
					 term, step, y, x, ch, mark, c.width, c.attrs.bold, c.attrs.reverse,
					 c.attrs.underline, !vterm_color_is_equal(&c.fg, &dfg), (unsigned)m->ch,
					 (unsigned)m->mark, m->width, (unsigned long)m->attr);
		}
	if (g->cur_y >= 0) {
		VTermPos p;

		vterm_state_get_cursorpos(vterm_obtain_state(g->vt), &p);
		if (p.row != g->cur_y || p.col != g->cur_x)
			fail_msg("%s, step %d: the cursor is at %d,%d, not %d,%d", term, step, p.row, p.col,
				 g->cur_y, g->cur_x);
	}
}

/* Bold, reverse, underline and colour pairs, including none. */
static attr_t
random_attr(unsigned *seed)
{
	static const attr_t pool[] = {
		A_NORMAL, A_NORMAL, A_NORMAL, A_BOLD, A_REVERSE, A_BOLD | A_REVERSE, A_UNDERLINE, 0, 0,
	};
	unsigned i = (unsigned)rand_r(seed) % UNIT_LEN(pool);

	if (i == UNIT_LEN(pool) - 2)
		return COLOR_PAIR(1) | A_BOLD;
	if (i == UNIT_LEN(pool) - 1)
		return COLOR_PAIR(2);
	return pool[i];
}

static void
random_text(unsigned *seed, wchar_t *out, size_t max)
{
	/* Letters and spaces, accented and multi-byte characters, wide ones,
	 * and a combining accent. */
	static const wchar_t pool[] = L"aaaaeeeeiinnorsst     ..,:MZ?éë€▶→漢字\u0301";
	size_t n = 1 + (size_t)rand_r(seed) % (max - 1);

	for (size_t i = 0; i < n; i++)
		out[i] = pool[(size_t)rand_r(seed) % (UNIT_LEN(pool) - 1)];
	out[n] = 0;
}

/* Row y drawn again with text inserted or deleted somewhere in it, as a
 * key bar that gains or loses a key, in one style. */
static void
edit_row(struct rig *g, unsigned *seed, int y)
{
	wchar_t row[512], text[16], spaces[256];
	size_t n = 0, at, cut;
	attr_t a = g->m[y * g->cols].attr;

	for (int x = 0; x < g->cols; x++) {
		const struct mcell *c = &g->m[y * g->cols + x];

		if (c->width == 0)
			continue;
		row[n++] = c->ch;
		if (c->mark)
			row[n++] = c->mark;
	}
	row[n] = 0;
	at = (size_t)rand_r(seed) % (n + 1);
	if (rand_r(seed) % 2) {
		random_text(seed, text, UNIT_LEN(text));
		memmove(row + at + wcslen(text), row + at, (n - at + 1) * sizeof *row);
		memcpy(row + at, text, wcslen(text) * sizeof *text);
	} else {
		cut = 1 + (size_t)rand_r(seed) % 14;
		if (at + cut > n)
			cut = n - at;
		memmove(row + at, row + at + cut, (n - at - cut + 1) * sizeof *row);
	}
	for (int i = 0; i < g->cols; i++)
		spaces[i] = L' ';
	spaces[g->cols] = 0;
	put(g, y, 0, g->cols, spaces, A_NORMAL);
	put(g, y, 0, g->cols, row, a);
}

/* Random screens one after another: some drawn from blank, some changing a
 * few places, some with lines shifted sideways, some repainted, with the
 * cursor anywhere. */
static void
random_screens(const char *term, int rows, int cols, unsigned seed)
{
	struct rig g;

	rig_open(&g, term, rows, cols);
	render_pair(1, COLOR_RED, -1);
	render_pair(2, COLOR_BLACK, COLOR_YELLOW);
	for (int step = 0; step < 150; step++) {
		int puts = 1 + rand_r(&seed) % 30;

		if (rand_r(&seed) % 3 == 0)
			blank_all(&g);
		if (rand_r(&seed) % 20 == 0)
			render_repaint();
		if (rand_r(&seed) % 3 == 0) {
			for (int i = 0; i < 1 + rand_r(&seed) % 6; i++)
				edit_row(&g, &seed, rand_r(&seed) % rows);
			puts = 0;
		}
		for (int i = 0; i < puts; i++) {
			wchar_t text[64];
			int y = rand_r(&seed) % rows, x = rand_r(&seed) % cols;

			random_text(&seed, text, UNIT_LEN(text));
			put(&g, y, x, 1 + rand_r(&seed) % cols, text, random_attr(&seed));
		}
		if (rand_r(&seed) % 4 == 0)
			cursor(&g, -1, -1);
		else
			cursor(&g, rand_r(&seed) % rows, rand_r(&seed) % cols);
		rig_show(&g);
		expect_screen(&g, term, step);
	}
	rig_close(&g);
}

static void
test_random_screens_every_terminal(void **state)
{
	(void)state;
	for (size_t t = 0; t < UNIT_LEN(terms); t++) {
		random_screens(terms[t], 24, 80, 1000u + (unsigned)t);
		random_screens(terms[t], 15, 40, 2000u + (unsigned)t);
	}
}

static void
test_unchanged_screen_sends_nothing(void **state)
{
	struct rig g;

	(void)state;
	rig_open(&g, "xterm-256color", 24, 80);
	put(&g, 0, 1, 78, L"Waar wilt u meer over weten?", A_REVERSE);
	put(&g, 3, 2, 76, L"▶1  Activiteit voor uw naaste", A_NORMAL);
	cursor(&g, 3, 3);
	assert_true(rig_show(&g) > 0);
	/* Drawn again the same, as the kiosk does on every wake-up. */
	blank_all(&g);
	put(&g, 0, 1, 78, L"Waar wilt u meer over weten?", A_REVERSE);
	put(&g, 3, 2, 76, L"▶1  Activiteit voor uw naaste", A_NORMAL);
	assert_int_equal(rig_show(&g), 0);
	expect_screen(&g, "xterm-256color", 1);
	rig_close(&g);
}

static void
test_typed_character_is_one_byte(void **state)
{
	struct rig g;

	(void)state;
	rig_open(&g, "xterm-256color", 24, 80);
	put(&g, 5, 2, 20, L"[Jan       ]", A_NORMAL);
	cursor(&g, 5, 6);
	rig_show(&g);
	put(&g, 5, 2, 20, L"[Jans      ]", A_NORMAL);
	cursor(&g, 5, 7);
	assert_int_equal(rig_show(&g), 1);
	expect_screen(&g, "xterm-256color", 1);
	rig_close(&g);
}

static void
test_next_line_is_a_line_feed(void **state)
{
	struct rig g;
	char sent[256];
	ssize_t n;

	(void)state;
	rig_open(&g, "xterm-256color", 24, 80);
	put(&g, 2, 0, 80, L"een", A_NORMAL);
	put(&g, 3, 0, 80, L"twee", A_NORMAL);
	cursor(&g, -1, -1);
	rig_show(&g);
	n = pread(g.fd, sent, sizeof sent - 1, 0);
	assert_true(n > 0);
	sent[n] = '\0';
	/* ncurses would send "\r\e[4d" between the two lines. */
	assert_non_null(strstr(sent, "een\r\ntwee"));
	expect_screen(&g, "xterm-256color", 1);
	rig_close(&g);
}

static void
test_key_bar_that_gains_a_key_is_shifted(void **state)
{
	struct rig g;
	size_t whole, shifted_bytes;

	(void)state;
	rig_open(&g, "xterm-256color", 24, 80);
	put(&g, 23, 0, 80, L" ?/F1 Hulp  L/F2 English ", A_REVERSE);
	rig_show(&g);
	put(&g, 23, 0, 80, L" 0/Esc Terug  ?/F1 Hulp  L/F2 English ", A_REVERSE);
	shifted_bytes = rig_show(&g);
	expect_screen(&g, "xterm-256color", 1);
	put(&g, 23, 0, 80, L" ?/F1 Hulp  L/F2 English             ", A_REVERSE);
	rig_show(&g);
	expect_screen(&g, "xterm-256color", 2);
	/* Without the shift: the whole new bar, its attribute, a move. */
	whole = wcslen(L" 0/Esc Terug  ?/F1 Hulp  L/F2 English ");
	assert_true(shifted_bytes < whole);
	rig_close(&g);
}

static void
test_repaint_clears_everything(void **state)
{
	struct rig g;
	VTermScreenCell c;

	(void)state;
	rig_open(&g, "vt100", 15, 40);
	put(&g, 7, 3, 30, L"Jansen, 06 12345678", A_NORMAL);
	rig_show(&g);
	/* Something the renderer did not send (another program, line noise). */
	vterm_input_write(g.vt, "\033[2;2Hvreemd", 12);
	blank_all(&g);
	render_repaint();
	rig_show(&g);
	expect_screen(&g, "vt100", 1);
	vterm_screen_get_cell(g.vs, (VTermPos){ .row = 1, .col = 1 }, &c);
	assert_true(c.chars[0] == 0 || c.chars[0] == ' ');
	rig_close(&g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_screens_every_terminal),
		cmocka_unit_test(test_unchanged_screen_sends_nothing),
		cmocka_unit_test(test_typed_character_is_one_byte),
		cmocka_unit_test(test_next_line_is_a_line_feed),
		cmocka_unit_test(test_key_bar_that_gains_a_key_is_shifted),
		cmocka_unit_test(test_repaint_clears_everything),
	};

	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return 1;
	return cmocka_run_group_tests_name("render", tests, NULL, NULL);
}
