/* export_csv.h: one cell of the CSV export (RFC 4180, ',' between cells),
 * written so that no spreadsheet runs any part of it as a formula,
 * whichever separator the spreadsheet splits on. */
#ifndef ZK_EXPORT_CSV_H
#define ZK_EXPORT_CSV_H

#include <stdbool.h>
#include <stdio.h>

/* Write value as a cell to out, after a ',' unless it is the first of its
 * row. Invisible and control characters (but tab and line breaks) are left
 * out; a formula character gets an apostrophe before it (see the .c). */
void csv_cell(FILE *out, const char *value, bool first);

#endif
