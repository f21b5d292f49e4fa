/*
 * manifest.h - real downloads, unchanged, mapped onto the canonical tables
 * by a manifest (dataset.ini; SPEC 5).
 *
 * A manifest is an INI file, read with inih. [dataset] holds the title.
 * Every other section is a source of rows for one table: [areas], or
 * [areas.NAME] for another source of the same table. A source names its
 * file and says how to read it and how its columns become the table's:
 *
 *   file = download.csv            relative to the manifest, inside its folder
 *                                  (no absolute path, no ".." or symbolic link
 *                                  leading out, unless allow_outside_files);
 *                                  a regular file
 *   encoding = utf-8 | windows-1252 | iso-8859-1 | latin1 | iso-8859-15
 *                                  converted to UTF-8 with iconv as it is read
 *   delimiter = comma | semicolon | tab | pipe | "C"
 *   quote = "C"                    default "
 *   line_ends = any | LF | CRLF | CR   (all are read; documentation only)
 *   header_line = N                the header's line; lines before it are skipped
 *   missing = NaN, null, .., -     tokens that mean missing
 *   thousands = , | . | space | '  a thousands separator in numbers
 *   decimal = , | .                the decimal mark of numbers
 *   COLUMN = VALUE                 a constant column (year = 2015)
 *   column.COLUMN = Source name    or a template: {State Code}-{City}
 *   map.COLUMN = from:to, ..., *:default
 *   scale.COLUMN = 1000            tables published in thousands
 *   round.COLUMN = yes             fractional estimates of counts rounded
 *   keep_if.SOURCE = v1, v2        keep rows whose SOURCE column is v1 or v2
 *   skip_if.SOURCE = v1, v2        drop them (an empty list: empty values)
 *   dedupe = yes                   drop rows identical to an earlier one
 *   unpivot = 1960-2016 -> year, population
 *   join = SECTION                 add this source's columns to the rows of
 *                                  SECTION with the same key (a left join)
 *
 * The manifest is UTF-8 text with LF, CRLF or CR line ends; a byte that is
 * not UTF-8, or a character XML 1.0 forbids, is an error at its line and
 * column. Every manifest error names the manifest's line and key.
 */
#ifndef CITYMIG_MANIFEST_H
#define CITYMIG_MANIFEST_H

#include "citymig/dataset.h"
#include "citymig/diag.h"
#include "citymig/status.h"

/*
 * Loads the dataset a manifest describes into ds (created by
 * cm_dataset_load). Returns as cm_dataset_load does.
 */
cm_status cm_manifest_load(const char *path, const cm_load_options *opts, cm_diag *diag,
                           cm_dataset *ds);

#endif
