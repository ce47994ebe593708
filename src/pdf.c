/* pdf.c: text lines as a PDF; see pdf.h. Why our own few lines of PDF
 * rather than text/plain through CUPS' texttopdf: texttopdf embeds font
 * subsets without a map back to Unicode, so the printed file cannot be
 * read back (or searched), and its result depends on the fonts the print
 * server has. The standard fonts need nothing on any server or printer. */
#include "pdf.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "util.h"

/* A4 in points; Courier 10 pt is 6 pt wide, so 80 columns take 480 pt. */
#define PAGE_W 595
#define PAGE_H 842
#define MARGIN_X 57
#define MARGIN_TOP 60
#define FONT_SIZE 10
#define LEADING 12
#define LINES_PER_PAGE ((PAGE_H - 2 * MARGIN_TOP) / LEADING)

struct buf {
	char *p;
	size_t len, cap;
};

static void
put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void putf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
putf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	put(b, s, strlen(s));
	free(s);
}

/* The Windows-1252 byte for Unicode c, or '?' when it has none. */
static unsigned char
cp1252(wchar_t c)
{
	static const wchar_t high[32] = {
		0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
		0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
		0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
		0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
	};

	if ((c >= 0x20 && c < 0x7f) || (c >= 0xa0 && c <= 0xff))
		return (unsigned char)c;
	for (int i = 0; i < 32; i++)
		if (high[i] != 0 && high[i] == c)
			return (unsigned char)(0x80 + i);
	return '?';
}

/* A PDF string of utf8: parentheses and backslashes escaped, bytes above
 * 127 written in octal so that the file stays plain ASCII. */
static void
put_string(struct buf *b, const char *utf8)
{
	size_t n;
	wchar_t *w = charset_decode_utf8(utf8, &n);

	put(b, "(", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = cp1252(w[i]);

		if (c == '(' || c == ')' || c == '\\')
			putf(b, "\\%c", c);
		else if (c >= 0x80)
			putf(b, "\\%03o", c);
		else
			put(b, (const char *)&c, 1);
	}
	put(b, ")", 1);
	explicit_bzero(w, n * sizeof *w);
	free(w);
}

char *
pdf_make(const struct sheet_line *lines, size_t n, const char *title, size_t *len)
{
	struct buf b = { 0 };
	size_t npages = n == 0 ? 1 : (n + LINES_PER_PAGE - 1) / LINES_PER_PAGE;
	/* Objects: 1 catalog, 2 pages, 3 and 4 fonts, 5 info, then a page
	 * and its content for each page. */
	size_t nobj = 5 + 2 * npages;
	size_t *offset = xcalloc(nobj + 1, sizeof *offset);
	struct buf content = { 0 };

	put(&b, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", 15);
	offset[1] = b.len;
	putf(&b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	offset[2] = b.len;
	putf(&b, "2 0 obj\n<< /Type /Pages /Count %zu /Kids [", npages);
	for (size_t p = 0; p < npages; p++)
		putf(&b, " %zu 0 R", 6 + 2 * p);
	putf(&b, " ] >>\nendobj\n");
	offset[3] = b.len;
	putf(&b, "3 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>\nendobj\n");
	offset[4] = b.len;
	putf(&b, "4 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Courier-Bold /Encoding /WinAnsiEncoding >>\nendobj\n");
	offset[5] = b.len;
	putf(&b, "5 0 obj\n<< /Title ");
	put_string(&b, title);
	putf(&b, " /Producer (zorgkiosk) >>\nendobj\n");
	for (size_t p = 0; p < npages; p++) {
		size_t first = p * LINES_PER_PAGE, last = first + LINES_PER_PAGE;
		bool bold = false;

		content.len = 0;
		putf(&content, "BT\n/F1 %d Tf\n%d TL\n%d %d Td\n", FONT_SIZE, LEADING, MARGIN_X,
		    PAGE_H - MARGIN_TOP);
		for (size_t i = first; i < last && i < n; i++) {
			if (lines[i].bold != bold) {
				bold = lines[i].bold;
				putf(&content, "/F%d %d Tf\n", bold ? 2 : 1, FONT_SIZE);
			}
			put_string(&content, lines[i].text);
			putf(&content, " Tj T*\n");
		}
		putf(&content, "ET\n");
		offset[6 + 2 * p] = b.len;
		putf(&b, "%zu 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "
		    "/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %zu 0 R >>\nendobj\n",
		    6 + 2 * p, PAGE_W, PAGE_H, 7 + 2 * p);
		offset[7 + 2 * p] = b.len;
		putf(&b, "%zu 0 obj\n<< /Length %zu >>\nstream\n", 7 + 2 * p, content.len);
		put(&b, content.p, content.len);
		putf(&b, "endstream\nendobj\n");
	}
	size_t xref = b.len;
	putf(&b, "xref\n0 %zu\n0000000000 65535 f \n", nobj + 1);
	for (size_t i = 1; i <= nobj; i++)
		putf(&b, "%010zu 00000 n \n", offset[i]);
	putf(&b, "trailer\n<< /Size %zu /Root 1 0 R /Info 5 0 R >>\nstartxref\n%zu\n%%%%EOF\n", nobj + 1, xref);
	if (content.p != NULL) {
		explicit_bzero(content.p, content.cap);
		free(content.p);
	}
	free(offset);
	*len = b.len;
	return b.p;
}
