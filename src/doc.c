/* doc.c: building, drawing and navigating a screen's lines; see doc.h. */
#include "doc.h"

#include <stdlib.h>
#include <string.h>

#include "bidi.h"
#include "charset.h"
#include "text.h"
#include "util.h"

void
doc_free(struct doc *d)
{
	for (size_t i = 0; i < d->nlines; i++)
		wipe_free(d->lines[i].text);
	for (size_t i = 0; i < d->nkeys; i++)
		free(d->keys[i].label);
	wipe_free(d->lines);
	wipe_free(d->items);
	free(d->keys);
	wipe_free(d->source);
	d->source = NULL;
	d->lines = NULL;
	d->items = NULL;
	d->keys = NULL;
	d->nlines = d->nitems = d->nkeys = 0;
}

void
doc_reset(struct doc *d, int width)
{
	doc_free(d);
	d->width = width < 10 ? 10 : width;
	d->keys_row = -1;
	d->rtl = false;
}

void
doc_direction(struct doc *d, bool rtl)
{
	d->rtl = rtl;
}

static void
add_line(struct doc *d, const wchar_t *s, size_t n, int x, enum ui_style st, int item)
{
	struct doc_line *l;

	d->lines = xreallocarray(d->lines, d->nlines + 1, sizeof *d->lines);
	l = &d->lines[d->nlines++];
	l->text = xcalloc(n + 1, sizeof *l->text);
	if (n > 0)
		wmemcpy(l->text, s, n);
	l->len = n;
	l->x = x;
	l->style = st;
	l->item = item;
	l->names = -1;
	l->cont = false;
	l->rtl = d->rtl;
}

/* Wrap s to the width left of indent, with a hanging prefix on the first line. */
static void
add_wrapped(struct doc *d, const wchar_t *prefix, const wchar_t *s, size_t n, int indent,
    enum ui_style st, int item)
{
	int pw = prefix ? text_width(prefix, wcslen(prefix)) : 0;
	struct span *sp;
	size_t count = text_wrap(s, n, d->width - indent - pw, &sp);

	for (size_t i = 0; i < count; i++) {
		if (i == 0 && prefix != NULL) {
			size_t plen = wcslen(prefix);
			wchar_t *line = xcalloc(plen + sp[i].len + 1, sizeof *line);

			wmemcpy(line, prefix, plen);
			wmemcpy(line + plen, s + sp[i].start, sp[i].len);
			add_line(d, line, plen + sp[i].len, indent, st, item);
			wipe_free(line);
		} else {
			add_line(d, s + sp[i].start, sp[i].len, indent + pw, st, item);
		}
		d->lines[d->nlines - 1].cont = i > 0;
	}
	wipe_free(sp);
}

/* Keep utf8 in d->source, so the screen's words can be looked up. */
static void
add_source(struct doc *d, const char *utf8)
{
	char *t = xasprintf("%s%s\n", d->source ? d->source : "", utf8);

	wipe_free(d->source);
	d->source = t;
}

/* Add text; its lines name item id (-1: none). */
static void
add_text(struct doc *d, const char *utf8, enum ui_style st, int indent, int id)
{
	size_t first = d->nlines, n;
	wchar_t *w = charset_display(utf8, &n);
	wchar_t bullet[4];

	add_source(d, utf8);
	swprintf(bullet, 4, L"%ls ", charset_is_utf8() ? L"\u2022" : L"-");
	for (size_t i = 0; i <= n;) {
		size_t end = i;

		while (end < n && w[end] != L'\n')
			end++;
		if (end - i >= 2 && w[i] == L'-' && w[i + 1] == L' ')
			add_wrapped(d, bullet, w + i + 2, end - i - 2, indent, st, -1);
		else
			add_wrapped(d, NULL, w + i, end - i, indent, st, -1);
		i = end + 1;
	}
	wipe_free(w);
	for (size_t i = first; i < d->nlines; i++)
		d->lines[i].names = id;
}

void
doc_text(struct doc *d, const char *utf8, enum ui_style st, int indent)
{
	add_text(d, utf8, st, indent, -1);
}

void
doc_label(struct doc *d, const char *utf8, enum ui_style st, int indent, int id)
{
	add_text(d, utf8, st, indent, id);
}

void
doc_blank(struct doc *d)
{
	add_line(d, L"", 0, 0, UI_NORMAL, -1);
}

static int
new_item(struct doc *d, int id, int group, char key, enum item_kind kind)
{
	struct doc_item *it;

	d->items = xreallocarray(d->items, d->nitems + 1, sizeof *d->items);
	it = &d->items[d->nitems];
	memset(it, 0, sizeof *it);
	it->id = id;
	it->group = group;
	it->key = key;
	it->kind = kind;
	it->first = d->nlines;
	return (int)d->nitems++;
}

static void
end_item(struct doc *d, int idx)
{
	d->items[idx].last = d->nlines > d->items[idx].first ? d->nlines - 1 : d->items[idx].first;
}

void
doc_button(struct doc *d, int id, int group, char key, const char *label)
{
	int idx = new_item(d, id, group, key, ITEM_BUTTON);
	size_t n;

	add_source(d, label);
	wchar_t *w = charset_display(label, &n), prefix[8];

	swprintf(prefix, 8, key ? L" %lc  " : L"    ", (wint_t)key);
	d->items[idx].label = (int)wcslen(prefix);
	add_wrapped(d, prefix, w, n, 0, UI_NORMAL, idx);
	end_item(d, idx);
	wipe_free(w);
}

void
doc_toggle(struct doc *d, enum item_kind kind, int id, int group, bool on, const char *label)
{
	int idx = new_item(d, id, group, 0, kind);
	size_t n;

	d->items[idx].on = on;
	add_source(d, label);
	wchar_t *w = charset_display(label, &n), prefix[8];

	if (kind == ITEM_RADIO)
		swprintf(prefix, 8, L" (%lc) ", on ? (charset_is_utf8() ? L'\u25cf' : L'*') : L' ');
	else
		swprintf(prefix, 8, L" [%lc] ", on ? L'x' : L' ');
	d->items[idx].label = 1;
	add_wrapped(d, prefix, w, n, 0, UI_NORMAL, idx);
	end_item(d, idx);
	wipe_free(w);
}

/* One line of a text input: the text between brackets, padded to cols, in
 * the normal style, so that a typed character costs one byte on the wire. */
static void
add_input_line(struct doc *d, const wchar_t *s, size_t n, int cols, int idx)
{
	wchar_t *line = xcalloc(n + (size_t)cols + 3, sizeof *line);
	int w = text_width(s, n);
	size_t k = 0;

	line[k++] = L'[';
	wmemcpy(line + k, s, n);
	k += n;
	for (; w < cols; w++)
		line[k++] = L' ';
	line[k++] = L']';
	add_line(d, line, k, 1, UI_NORMAL, idx);
	wipe_free(line);
}

/* How many characters the first chars characters of utf8 are when shown. */
static size_t
display_length(const char *utf8, size_t chars)
{
	size_t bytes = 0, n;
	char *head;
	wchar_t *w;

	if (charset_is_utf8())
		return chars; /* one for one (see charset_display) */
	for (size_t c = 0; utf8[bytes] && c < chars; c++)
		for (bytes++; ((unsigned char)utf8[bytes] & 0xC0) == 0x80; bytes++)
			;
	head = xstrndup(utf8, bytes);
	w = charset_display(head, &n);
	wipe_free(head);
	wipe_free(w);
	return n;
}

void
doc_input(struct doc *d, int id, int group, const char *utf8, size_t cursor, int rows)
{
	int idx = new_item(d, id, group, 0, ITEM_INPUT);
	struct doc_item *it;
	size_t n;
	wchar_t *w = charset_display(utf8, &n);
	int cols = d->width - 4; /* indent, brackets, and a cell for the cursor */

	/* cursor counts characters of utf8; on a terminal of another charset
	 * the text shown may have fewer ("?" for a letter with its marks) or
	 * more ("EUR" for the euro sign): the cursor is where the text before
	 * it ends when shown. */
	cursor = display_length(utf8, cursor);
	if (cursor > n)
		cursor = n;
	if (rows <= 1) {
		/* One line: slide the visible part so the cursor stays in view. */
		size_t start = 0;

		while (text_width(w + start, cursor - start) >= cols)
			start++;
		add_input_line(d, w + start, text_fit(w + start, n - start, cols), cols, idx);
		it = &d->items[idx];
		it->cur_line = 0;
		it->cur_col = 2 + text_width(w + start, cursor - start);
		it->cur_at = 1 + cursor - start;
	} else {
		struct span *sp;
		size_t count = text_wrap(w, n, cols - 1, &sp);
		int cl = 0, cc = 0;
		size_t at = 0;

		for (size_t i = 0; i < count; i++) {
			add_input_line(d, w + sp[i].start, sp[i].len, cols, idx);
			if (cursor >= sp[i].start) {
				cl = (int)i;
				at = cursor - sp[i].start < sp[i].len ? cursor - sp[i].start : sp[i].len;
				cc = text_width(w + sp[i].start, at);
			}
		}
		for (int i = (int)count; i < rows; i++)
			add_input_line(d, L"", 0, cols, idx);
		wipe_free(sp);
		it = &d->items[idx];
		it->cur_line = cl;
		it->cur_col = 2 + cc;
		it->cur_at = 1 + at;
	}
	end_item(d, idx);
	wipe_free(w);
}

void
doc_key(struct doc *d, const char *label, int code, wint_t ch)
{
	struct doc_key *k;

	d->keys = xreallocarray(d->keys, d->nkeys + 1, sizeof *d->keys);
	k = &d->keys[d->nkeys++];
	memset(k, 0, sizeof *k);
	k->label = xstrdup(label);
	k->code = code;
	k->ch = ch;
}

int
doc_find(const struct doc *d, int id)
{
	for (size_t i = 0; i < d->nitems; i++)
		if (d->items[i].id == id)
			return (int)i;
	return -1;
}

static int
max_scroll(const struct doc *d)
{
	int m = (int)d->nlines - d->height;

	return m > 0 ? m : 0;
}

/* Scroll so that item idx is in view, if possible entirely, and with it
 * the text that names it (its question, a message about it) when all of
 * that fits. */
static void
reveal(struct doc *d, int idx, int *scroll)
{
	const struct doc_item *it = &d->items[idx];
	int first = (int)it->first, last = (int)it->last, lo = first, hi = last;

	for (size_t i = 0; i < d->nlines; i++)
		if (d->lines[i].names == it->id) {
			lo = (int)i < lo ? (int)i : lo;
			hi = (int)i > hi ? (int)i : hi;
		}
	if (hi - lo + 1 <= d->height) {
		first = lo;
		last = hi;
	}
	if (it->kind == ITEM_INPUT && last - first + 1 > d->height)
		first = last = (int)it->first + it->cur_line; /* a tall area: its cursor line */
	if (last >= *scroll + d->height)
		*scroll = last - d->height + 1;
	if (first < *scroll)
		*scroll = first;
}

bool
doc_draw(struct doc *d, int top, int left, int height, int focus, int *scroll, bool follow,
    int *cy, int *cx)
{
	int fidx = doc_find(d, focus);
	bool shown = false;

	d->top = top;
	d->left = left;
	d->height = height;
	if (follow && fidx >= 0)
		reveal(d, fidx, scroll);
	if (*scroll > max_scroll(d))
		*scroll = max_scroll(d);
	if (*scroll < 0)
		*scroll = 0;
	d->scroll = *scroll;
	for (int row = 0; row < height && *scroll + row < (int)d->nlines; row++) {
		const struct doc_line *l = &d->lines[*scroll + row];
		const struct doc_item *it = l->item >= 0 ? &d->items[l->item] : NULL;
		bool focused = it != NULL && l->item == fidx;
		int y = top + row;

		int cols = d->width - l->x;

		/* A right-to-left line keeps its indent on the right. */
		if (l->rtl)
			ui_putw_rtl(y, left, cols, l->text, l->len, l->style);
		else
			ui_putw(y, left + l->x, cols, l->text, l->len, l->style);
		if (focused && (size_t)(*scroll + row) == it->first) {
			/* The focus: a marker and the key in reverse. Only these few
			 * cells change when the focus moves: few bytes on the wire.
			 * Right to left, the marker stands right of the text. */
			size_t x = 1;
			int at = l->rtl ? left : left + l->x;

			if (l->rtl)
				ui_put(y, left + d->width, 1, ui_glyph("\u25c0", "<"), UI_FOCUS);
			else
				ui_put(y, left, 1, ui_glyph("\u25b6", ">"), UI_FOCUS);
			if (it->kind == ITEM_BUTTON && it->label > 1)
				for (size_t i = 1; i < (size_t)it->label && i < l->len; i++)
					ui_putw(y, at + ui_column(l->text, l->len, cols, l->rtl, i), 1,
					    l->text + i, 1, UI_FOCUS);
			/* The cursor on its first character: its key, its box, or
			 * the first letter; a screen reader reads on from there. */
			while (x < l->len && x < (size_t)it->label && l->text[x] == L' ')
				x++;
			*cy = y;
			*cx = at + ui_column(l->text, l->len, cols, l->rtl, x);
			shown = true;
		}
		if (focused && it->kind == ITEM_INPUT &&
		    (int)(*scroll + row) == (int)it->first + it->cur_line) {
			*cy = y;
			*cx = l->rtl || bidi_has_rtl(l->text, l->len) ?
			    (l->rtl ? left : left + l->x) + ui_column(l->text, l->len, cols, l->rtl, it->cur_at) :
			    left + it->cur_col;
			shown = true;
		}
	}
	/* Show that there is more above or below, a space right of the text. */
	if (*scroll > 0)
		ui_put(top, left + d->width + 1, 1, ui_glyph("\u25b2", "^"), UI_NORMAL);
	if (*scroll < max_scroll(d))
		ui_put(top + height - 1, left + d->width + 1, 1, ui_glyph("\u25bc", "v"), UI_NORMAL);
	return shown;
}

void
doc_draw_keys(struct doc *d, int y, int cols)
{
	/* Reverse video on the text only: a bar filled to the edge costs a
	 * line of bytes on every screen. Two spaces part the items; right to
	 * left, the first item stands at the right. */
	int x = 0;

	d->keys_row = y;
	if (d->rtl) {
		x = cols;
		ui_put(y, --x, 1, " ", UI_KEYBAR);
	} else {
		x += ui_put(y, x, cols - x, " ", UI_KEYBAR);
	}
	for (size_t i = 0; i < d->nkeys; i++) {
		struct doc_key *k = &d->keys[i];
		size_t n;
		wchar_t *w = charset_display(k->label, &n);
		int kw = text_width(w, n);

		if (d->rtl) {
			if (i > 0 && x >= 2)
				ui_put(y, x -= 2, 2, "  ", UI_KEYBAR);
			kw = kw < x ? kw : x;
			x -= kw;
			k->x = x;
			k->width = kw;
			ui_putw_rtl(y, x, kw, w, n, UI_KEYBAR);
		} else {
			if (i > 0)
				x += ui_put(y, x, cols - x, "  ", UI_KEYBAR);
			k->x = x;
			k->width = ui_putw(y, x, cols - x, w, n, UI_KEYBAR);
			x += k->width;
		}
		wipe_free(w);
	}
	if (d->rtl) {
		if (x > 0)
			ui_put(y, x - 1, 1, " ", UI_KEYBAR);
	} else {
		ui_put(y, x, cols - x, " ", UI_KEYBAR);
	}
}

bool
doc_key_at(const struct doc *d, const struct ui_key *k, struct ui_key *key)
{
	if (k->code != KEY_MOUSE || d->keys_row < 0 || k->mouse_y != d->keys_row)
		return false;
	for (size_t i = 0; i < d->nkeys; i++) {
		const struct doc_key *dk = &d->keys[i];

		/* The item and a space either side: a finger is not a pointer. */
		if (dk->width > 0 && k->mouse_x >= dk->x - 1 && k->mouse_x <= dk->x + dk->width) {
			memset(key, 0, sizeof *key);
			key->code = dk->code;
			key->ch = dk->ch;
			key->mouse_y = key->mouse_x = -1;
			return true;
		}
	}
	return false;
}

/* The first (dir > 0) or last item whose lines are in view, or -1. */
static int
visible_item(const struct doc *d, int scroll, int dir)
{
	for (size_t k = 0; k < d->nitems; k++) {
		size_t i = dir > 0 ? k : d->nitems - 1 - k;
		const struct doc_item *it = &d->items[i];

		if ((int)it->first >= scroll && (int)it->last < scroll + d->height)
			return (int)i;
	}
	return -1;
}

/* Up and Down: to the next item when it is in view, else scroll a page. */
static enum nav
step(struct doc *d, int dir, int *focus, int *scroll)
{
	int cur = doc_find(d, *focus), next;

	if (cur < 0) {
		next = visible_item(d, *scroll, dir);
		if (next >= 0) {
			*focus = d->items[next].id;
			return NAV_MOVED;
		}
	} else {
		next = cur + dir;
		if (next >= 0 && next < (int)d->nitems) {
			const struct doc_item *it = &d->items[next];

			/* The next item in view, or the next choice of the same
			 * question (nothing to read lies between them). */
			if ((dir > 0 && (int)it->first < *scroll + d->height) ||
			    (dir < 0 && (int)it->last >= *scroll) || it->group == d->items[cur].group) {
				*focus = it->id;
				reveal(d, next, scroll);
				return NAV_MOVED;
			}
		}
	}
	/* Nothing in view that way: show more text. */
	if ((dir > 0 && *scroll < max_scroll(d)) || (dir < 0 && *scroll > 0)) {
		int page = d->height > 2 ? d->height - 2 : 1;

		*scroll += dir * page;
		if (*scroll > max_scroll(d))
			*scroll = max_scroll(d);
		if (*scroll < 0)
			*scroll = 0;
		if (cur >= 0 && ((int)d->items[cur].last < *scroll ||
		    (int)d->items[cur].first >= *scroll + d->height)) {
			next = visible_item(d, *scroll, dir);
			*focus = next >= 0 ? d->items[next].id : -1;
		}
		return NAV_MOVED;
	}
	return NAV_NONE;
}

/* Scroll by lines (> 0: down); a focus that leaves the view goes to an
 * item in view, or to none. With take, an item in view is focused also
 * when there was none (Page Down); the wheel only scrolls. */
static enum nav
scroll_by(struct doc *d, int lines, int *focus, int *scroll, bool take)
{
	int cur = doc_find(d, *focus);

	*scroll += lines;
	if (*scroll > max_scroll(d))
		*scroll = max_scroll(d);
	if (*scroll < 0)
		*scroll = 0;
	if ((cur < 0 && take) || (cur >= 0 && ((int)d->items[cur].last < *scroll ||
	    (int)d->items[cur].first >= *scroll + d->height))) {
		int v = visible_item(d, *scroll, lines > 0 ? 1 : -1);

		*focus = v >= 0 ? d->items[v].id : -1;
	}
	return NAV_MOVED;
}

/* A tap (or click) in the body: on an item chooses it, on the text that
 * names one moves the focus there, on a scroll mark turns a page. */
static enum nav
tap(struct doc *d, const struct ui_key *k, int *focus, int *scroll)
{
	int page = d->height > 2 ? d->height - 2 : 1, line, mark = d->left + d->width + 1, idx;

	if (k->mouse_y < d->top || k->mouse_y >= d->top + d->height)
		return NAV_NONE;
	if (k->mouse_x >= mark - 1 && k->mouse_x <= mark + 1) {
		if (k->mouse_y == d->top && *scroll > 0)
			return scroll_by(d, -page, focus, scroll, true);
		if (k->mouse_y == d->top + d->height - 1 && *scroll < max_scroll(d))
			return scroll_by(d, page, focus, scroll, true);
	}
	line = d->scroll + k->mouse_y - d->top;
	if (line >= (int)d->nlines)
		return NAV_NONE;
	if (d->lines[line].item >= 0) {
		*focus = d->items[d->lines[line].item].id;
		return NAV_ACTIVATE;
	}
	if (d->lines[line].names >= 0 && (idx = doc_find(d, d->lines[line].names)) >= 0) {
		*focus = d->lines[line].names;
		reveal(d, idx, scroll);
		return NAV_MOVED;
	}
	return NAV_NONE;
}

/* Tab and Shift-Tab: to the first item of the next or previous group. */
static enum nav
group_step(struct doc *d, int dir, int *focus, int *scroll)
{
	int cur = doc_find(d, *focus), i;

	if (d->nitems == 0)
		return NAV_NONE;
	if (cur < 0)
		i = dir > 0 ? 0 : (int)d->nitems - 1;
	else {
		int g = d->items[cur].group;

		i = cur;
		while (i >= 0 && i < (int)d->nitems && d->items[i].group == g)
			i += dir;
		if (i < 0 || i >= (int)d->nitems)
			i = dir > 0 ? 0 : (int)d->nitems - 1; /* wrap around */
	}
	/* Land on the first item of that group. */
	while (i > 0 && d->items[i - 1].group == d->items[i].group)
		i--;
	*focus = d->items[i].id;
	reveal(d, i, scroll);
	return NAV_MOVED;
}

enum nav
doc_nav(struct doc *d, const struct ui_key *k, int *focus, int *scroll)
{
	int cur = doc_find(d, *focus);
	bool input = cur >= 0 && d->items[cur].kind == ITEM_INPUT;
	int page = d->height > 2 ? d->height - 2 : 1;

	switch (k->code) {
	case KEY_DOWN:
		return step(d, 1, focus, scroll);
	case KEY_UP:
		return step(d, -1, focus, scroll);
	case KEY_BTAB:
		return group_step(d, -1, focus, scroll);
	case KEY_NPAGE:
	case KEY_PPAGE:
		return scroll_by(d, k->code == KEY_NPAGE ? page : -page, focus, scroll, true);
	case KEY_HOME: /* in a text field they move the cursor (edit.c) */
	case KEY_END:
		if (input)
			return NAV_NONE;
		return scroll_by(d, k->code == KEY_END ? (int)d->nlines : -(int)d->nlines, focus, scroll, true);
	case KEY_SF: /* the mouse wheel */
	case KEY_SR:
		return scroll_by(d, k->code == KEY_SF ? DOC_WHEEL_LINES : -DOC_WHEEL_LINES, focus, scroll,
		    false);
	case KEY_MOUSE:
		return tap(d, k, focus, scroll);
	case KEY_ENTER:
		if (cur < 0)
			return step(d, 1, focus, scroll);
		return !input ? NAV_ACTIVATE : NAV_NONE;
	case 0:
		break;
	default:
		return NAV_NONE;
	}
	if (k->ch == L'\t')
		return group_step(d, 1, focus, scroll);
	if (input)
		return NAV_NONE;
	if (k->ch == L'\r' || k->ch == L'\n' || k->ch == L' ')
		/* Nothing chosen yet: Enter reads on, like Down. */
		return cur >= 0 ? NAV_ACTIVATE : step(d, 1, focus, scroll);
	for (size_t i = 0; i < d->nitems; i++)
		if (d->items[i].key != 0 && (wint_t)d->items[i].key == k->ch) {
			*focus = d->items[i].id;
			return NAV_ACTIVATE;
		}
	return NAV_NONE;
}
