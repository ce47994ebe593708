/* pdf.h: a plain A4 PDF of text lines in a monospace font, every script
 * shaped and laid out by Pango (Arabic right to left), the fonts embedded
 * with their map back to Unicode so that pdftotext reads the page back.
 * No file I/O. */
#ifndef ZK_PDF_H
#define ZK_PDF_H

#include <stddef.h>

#include "takehome.h"

/* Characters on one line: the width of the page between the margins. */
#define PDF_COLS 80

/* The lines (UTF-8, at most PDF_COLS characters; a wider one wraps) as a
 * PDF, with as many pages as they need; bold lines in the bold face.
 * *len gets the size. Caller frees (and may wipe) it. NULL when cairo
 * could not make the PDF. */
char *pdf_make(const struct sheet_line *lines, size_t n, const char *title, size_t *len);

#endif
