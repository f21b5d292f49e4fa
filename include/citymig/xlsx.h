/*
 * xlsx.h - the workbook writer (built on libxlsxwriter, which only this
 * module includes).
 */
#ifndef CITYMIG_XLSX_H
#define CITYMIG_XLSX_H

/** The version of the libxlsxwriter linked in, such as "1.1.4". */
const char *cm_xlsx_library_version(void);

#endif
