/* export_xlsx.h: the requests as an Excel workbook (libxlsxwriter), in the
 * current interface language: a sheet of requests and a sheet of
 * statistics with a chart. */
#ifndef ZK_EXPORT_XLSX_H
#define ZK_EXPORT_XLSX_H

#include <stdio.h>

#include "form.h"
#include "store.h"

/* Write the requests matching flt as an .xlsx workbook to out (a file or a
 * pipe; nothing else is created but a private temporary file that is
 * removed again). *count gets how many requests. STORE_FULL when the
 * workbook could not be written. progress (may be NULL) hears how many
 * requests are read (store_each); the file is finished after the last. */
enum store_rc export_xlsx(struct store *s, const struct forms *f, const struct store_filter *flt,
    FILE *out, int *count, const struct store_progress *progress);

#endif
