/*
 * xlsx_internal.h - what the parts of the workbook writer share: the
 * renderer (xlsx_render.c) and the process that runs it and installs its
 * file (xlsx_process.c). Private to src/write/.
 */
#ifndef CITYMIG_XLSX_INTERNAL_H
#define CITYMIG_XLSX_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "citymig/diag.h"
#include "citymig/report.h"
#include "citymig/status.h"

/*
 * Renders the report model into the workbook tmp (libxlsxwriter's own
 * temporary files in dir); path names the target in messages. On CM_OK,
 * *cells (free with free()) holds the cells written to each worksheet by
 * its number (sheetN.xml is N), *ncells its length, for the read-back.
 */
cm_status cm_xlsx_render(const char *path, const char *tmp, const char *dir, cm_report *report,
                         cm_diag *diag, uint64_t **cells, size_t *ncells);

/* Reports a failed write of path ("...; the file was not changed"). */
cm_status cm_xlsx_fail_io(const char *path, cm_diag *diag, const char *what);

#endif
