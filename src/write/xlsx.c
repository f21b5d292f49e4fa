/*
 * xlsx.c - the workbook writer. For now it answers which libxlsxwriter is
 * linked, for --version.
 */
#include "citymig/xlsx.h"

#include <xlsxwriter.h>

const char *cm_xlsx_library_version(void)
{
    return lxw_version();
}
