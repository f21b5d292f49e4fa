/*
 * xlsx.h - the workbook (SPEC 4.1), written with libxlsxwriter, which only
 * this module includes.
 *
 * The sheets are the report model's (report.h): Cover, Contents, Notes,
 * the tables, the charts, Definitions and Sources. A sheet longer than
 * Excel's 1,048,576 rows goes on in numbered parts ("Flows (2)").
 *
 * The file is written to a temporary file in the target's directory, and
 * libxlsxwriter's own temporary files go there too. It is renamed into
 * place only after libxlsxwriter reported success and the zip was read
 * back whole (every part's CRC checked): libxlsxwriter does not check its
 * writes to its temporary files, so a full disk could otherwise pass for a
 * finished report. A failed run leaves an earlier report untouched and no
 * temporary file behind.
 */
#ifndef CITYMIG_XLSX_H
#define CITYMIG_XLSX_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "citymig/dataset.h"
#include "citymig/diag.h"
#include "citymig/indicators.h"
#include "citymig/report.h"
#include "citymig/rules.h"
#include "citymig/status.h"

/** The version of the libxlsxwriter linked in, such as "1.1.4". */
const char *cm_xlsx_library_version(void);

/*
 * Writes the report model to path as a workbook. Returns CM_OK,
 * CM_ERR_CANTCREAT when the file cannot be created (73), CM_ERR_IO when
 * writing failed part way (74), CM_ERR_NOMEM, or the model's own failure
 * (a digest of an input that changed); failures are reported through diag.
 * The model's cursors are used up: render it once.
 */
cm_status cm_xlsx_write(const char *path, cm_report *report, cm_diag *diag);

/*
 * Reads an xlsx (zip) file back, checks every part's CRC, and parses every
 * XML part (expat): well-formed, and no character XML 1.0 forbids. Returns
 * 0 when whole, -1 when damaged (cut short, a bad CRC, unreadable, out of
 * memory), -2 when whole but an XML part is malformed; a reason in why
 * (for -2 the part, line and column).
 */
int cm_xlsx_verify(const char *path, char *why, size_t why_size);

/*
 * As cm_xlsx_verify, and each worksheet part xl/worksheets/sheetN.xml must
 * hold exactly cells[N] cells (N from 1 to nsheets - 1).
 */
int cm_xlsx_verify_cells(const char *path, const uint64_t *cells, size_t nsheets, char *why,
                         size_t why_size);

#endif
