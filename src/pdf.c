/* pdf.c: text lines as a PDF; see pdf.h. Why cairo and Pango rather than
 * the standard PDF fonts (which need no font files) or CUPS' texttopdf:
 * the standard fonts know Windows-1252 only, so Turkish, Polish, Cyrillic
 * and Arabic printed as '?'; texttopdf embeds fonts without a map back to
 * Unicode, so the paper cannot be read back or searched. Pango shapes
 * every script (Arabic joined, right to left), falls back through
 * fontconfig to a font that has a letter, and cairo embeds only the glyphs
 * used, each with its Unicode text (ToUnicode), so pdftotext reads the page
 * back. The PDF is written to memory: no file on the kiosk holds it. */
#include "pdf.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* A4 in points. The monospace font at 10 pt is 6 pt wide, so PDF_COLS
 * columns take the 481 pt between the margins. */
#define PAGE_W 595.0
#define PAGE_H 842.0
#define MARGIN_X 57.0
#define MARGIN_TOP 60.0
#define LEADING 12.0
#define LINES_PER_PAGE ((int)((PAGE_H - 2 * MARGIN_TOP) / LEADING))
/* Debian's fonts-dejavu-core: Latin, Cyrillic and Arabic in one
 * monospace family; fontconfig finds another font for anything else. */
#define FONT "DejaVu Sans Mono, monospace 10"

struct buf {
	unsigned char *p;
	size_t len, cap;
};

/* cairo's writer: append to the buffer. A bigger buffer is a new one and
 * the old is wiped, so no stale copy of the page stays in freed memory. */
static cairo_status_t
put(void *closure, const unsigned char *data, unsigned int n)
{
	struct buf *b = closure;

	if (b->len + n > b->cap) {
		size_t cap = (b->len + n) * 2;
		unsigned char *p = xmalloc(cap);

		if (b->len > 0)
			memcpy(p, b->p, b->len);
		if (b->p != NULL) {
			explicit_bzero(b->p, b->cap);
			free(b->p);
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	return CAIRO_STATUS_SUCCESS;
}

/* The runs of a line, left to right as they stand on it, from x on
 * baseline y. A left-to-right run goes with its text, so that each glyph
 * maps back to the letters it stands for. A right-to-left run goes as
 * glyphs alone: cairo then writes them in the order they are seen and
 * names each glyph's letter through the font (Arabic in its joined forms
 * and ligatures, which NFKC turns back into letters), which pdftotext
 * reads back in order; with the text, cairo writes them in reading order
 * against the line, and pdftotext turns lam-alef around. */
static void
show_runs(cairo_t *cr, PangoLayoutLine *line, double x, double y)
{
	const char *text = pango_layout_get_text(line->layout);

	for (GSList *r = line->runs; r != NULL; r = r->next) {
		PangoGlyphItem *run = r->data;

		cairo_move_to(cr, x, y);
		if (run->item->analysis.level % 2 == 1)
			pango_cairo_show_glyph_string(cr, run->item->analysis.font, run->glyphs);
		else
			pango_cairo_show_glyph_item(cr, text, run);
		x += (double)pango_glyph_string_get_width(run->glyphs) / PANGO_SCALE;
	}
}

/* Draw one sheet line from visual line *row on: a line wider than the
 * page wraps rather than runs off it. A right-to-left line (the direction
 * of its first strong letter) is aligned to the right margin. */
static void
draw_line(cairo_t *cr, PangoLayout *layout, const struct sheet_line *l, int *row)
{
	PangoLayoutIter *it;

	pango_layout_set_text(layout, l->text, -1);
	it = pango_layout_get_iter(layout);
	do {
		PangoRectangle ext;

		if (*row == LINES_PER_PAGE) {
			cairo_show_page(cr);
			*row = 0;
		}
		pango_layout_iter_get_line_extents(it, NULL, &ext);
		show_runs(cr, pango_layout_iter_get_line_readonly(it), MARGIN_X + (double)ext.x / PANGO_SCALE,
		    MARGIN_TOP + *row * LEADING);
		(*row)++;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
}

char *
pdf_make(const struct sheet_line *lines, size_t n, const char *title, size_t *len)
{
	struct buf b = { 0 };
	cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(put, &b, PAGE_W, PAGE_H);
	cairo_t *cr = cairo_create(surface);
	PangoContext *ctx = pango_cairo_create_context(cr);
	PangoLayout *layout;
	PangoFontDescription *regular = pango_font_description_from_string(FONT);
	PangoFontDescription *bold = pango_font_description_copy(regular);
	cairo_status_t st;
	int row = 0;

	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "zorgkiosk");
	/* Points are the PDF's units: 10 pt is 10 units, not 10/72 inch at
	 * a screen's 96 dpi. */
	pango_cairo_context_set_resolution(ctx, 72);
	layout = pango_layout_new(ctx);
	pango_font_description_set_weight(bold, PANGO_WEIGHT_BOLD);
	pango_layout_set_width(layout, (int)((PAGE_W - 2 * MARGIN_X) * PANGO_SCALE));
	pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_auto_dir(layout, TRUE);
	/* With auto_dir, "left" means the start of the line: the right
	 * margin for a right-to-left line. */
	pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (size_t i = 0; i < n; i++) {
		pango_layout_set_font_description(layout, lines[i].bold ? bold : regular);
		draw_line(cr, layout, &lines[i], &row);
	}
	/* The text is not kept in the layout once drawn. */
	pango_layout_set_text(layout, "", 0);
	pango_font_description_free(bold);
	pango_font_description_free(regular);
	g_object_unref(layout);
	g_object_unref(ctx);
	cairo_destroy(cr);
	cairo_surface_finish(surface);
	st = cairo_surface_status(surface);
	cairo_surface_destroy(surface);
	if (st != CAIRO_STATUS_SUCCESS || b.p == NULL) {
		if (b.p != NULL) {
			explicit_bzero(b.p, b.cap);
			free(b.p);
		}
		return NULL;
	}
	*len = b.len;
	return (char *)b.p;
}
