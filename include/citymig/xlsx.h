/*
 * xlsx.h - the workbook (SPEC 4.1), written with libxlsxwriter, which only
 * this module includes.
 *
 * Sheets: Summary, Areas, Flows, Diversity, Services, Flags, Charts,
 * Definitions, Sources; a sheet with no data is left out. A sheet longer
 * than Excel's 1,048,576 rows goes on in numbered parts ("Flows (2)").
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
#include "citymig/rules.h"
#include "citymig/status.h"

/** What the report says about how it was made (Summary and Sources). */
typedef struct cm_report_info {
    const char *dataset; /* the DATASET argument */
    time_t created;      /* the document's time: SOURCE_DATE_EPOCH or now */
    int reproducible;    /* created came from SOURCE_DATE_EPOCH */
    int64_t min_count;   /* --min-count */
    int32_t year_from;   /* --year, 0: all */
    int32_t year_to;
    const char *rules_sha256;
    const char *const *messages; /* problems met while loading (rows skipped, ...) */
    size_t nmessages;
    size_t max_rows; /* rows a sheet part may hold; 0: Excel's 1,048,576 (tests set less) */
} cm_report_info;

/** The version of the libxlsxwriter linked in, such as "1.1.4". */
const char *cm_xlsx_library_version(void);

/*
 * Writes the workbook to path. Returns CM_OK, CM_ERR_CANTCREAT when the
 * file cannot be created (73), CM_ERR_IO when writing failed part way (74),
 * or CM_ERR_NOMEM; failures are reported through diag.
 */
cm_status cm_xlsx_write(const char *path, const cm_dataset *ds, const cm_results *results,
                        const cm_rules *rules, const cm_hit *hits, size_t nhits,
                        const cm_report_info *info, cm_diag *diag);

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
