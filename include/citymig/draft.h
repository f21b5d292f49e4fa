/*
 * draft.h - a manifest to start from, drafted from downloads as published.
 *
 * `citymig draft FILE...` reads the first part of each download and writes
 * a manifest (dataset.ini) that says what it could tell of it: the encoding,
 * the delimiter, the header line past title and note lines, the missing
 * tokens seen, the thousands and decimal marks, the year columns to unpivot,
 * and the columns whose names or values match canonical ones. What it could
 * not decide is left as a comment in the manifest. What it guessed, and why,
 * is printed to a second stream, one line a guess.
 *
 * Each file is read up to its first 8 MiB; what lies past them is not
 * seen. The files are then judged together: an areas file's ids are those
 * the flows and stocks name, and a file whose areas and years are an
 * earlier file's joins that one's section. Every guess is checked as the
 * loader will check it (a count column holds counts; no key twice; the
 * foreign-born at most the population), so that the draft validates where
 * the files allow it. docs/draft.md lists the rules.
 *
 * The why stream gets lines of the form "draft: FILE: GUESS: REASON".
 */
#ifndef CITYMIG_DRAFT_H
#define CITYMIG_DRAFT_H

#include <stddef.h>
#include <stdio.h>

#include "citymig/diag.h"
#include "citymig/status.h"

typedef struct cm_draft_options {
    const char *const *files; /* the downloads, as given on the command line */
    size_t nfiles;
    /* The folder the manifest is written to ("" for the current one): each
       file key is written relative to it. */
    const char *manifest_dir;
} cm_draft_options;

/*
 * Writes the drafted manifest to out and what was guessed, and why, to why
 * (NULL: not said). A file that cannot be read is reported through diag
 * (CM_ERR_NOINPUT); a write that fails gives CM_ERR_IO.
 *
 * An empty file, one with no line of text, or a binary one (a NUL or other
 * control bytes: a workbook, an archive) is reported too (CM_ERR_DATA).
 * The other files are still drafted, and the manifest is written with a
 * comment in place of the file that failed; the status returned is the
 * worst met. NULL opts, out or diag, or NULL files with nfiles > 0, give
 * CM_ERR_INTERNAL.
 */
cm_status cm_draft_write(const cm_draft_options *opts, FILE *out, FILE *why, cm_diag *diag);

#endif
