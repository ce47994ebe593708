/* pdf.h: a plain A4 PDF of text lines, in the standard Courier fonts with
 * WinAnsiEncoding: no font files, and text that every PDF reader (and
 * pdftotext) reads back, é and € included. No I/O. */
#ifndef ZK_PDF_H
#define ZK_PDF_H

#include <stddef.h>

#include "takehome.h"

/* Characters on one line: the width of the page between the margins. */
#define PDF_COLS 80

/* The lines (UTF-8, at most PDF_COLS characters) as a PDF, with as many
 * pages as they need. Characters outside Windows-1252 become '?'.
 * *len gets the size. Caller frees. */
char *pdf_make(const struct sheet_line *lines, size_t n, const char *title, size_t *len);

#endif
