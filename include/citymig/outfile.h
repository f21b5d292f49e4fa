/*
 * outfile.h - writing an output file atomically.
 *
 * The data goes to a temporary file in the target's directory; only when
 * every write and the close succeeded is it renamed over the target. A
 * failed run leaves any earlier file untouched and no temporary file
 * behind. "-" means standard output (written directly).
 */
#ifndef CITYMIG_OUTFILE_H
#define CITYMIG_OUTFILE_H

#include <stdio.h>

#include "citymig/diag.h"
#include "citymig/status.h"

typedef struct cm_outfile {
    FILE *fp;   /* write here */
    char *path; /* the target */
    char *tmp;  /* the temporary file, NULL for standard output */
    int to_stdout;
    int cleanup; /* slot in the interruption cleanup registry */
} cm_outfile;

/*
 * Opens path ("-" or NULL: standard output) for writing. On failure
 * reports through diag and returns CM_ERR_CANTCREAT (or CM_ERR_NOMEM).
 */
cm_status cm_outfile_open(cm_outfile *out, const char *path, cm_diag *diag);

/*
 * Flushes, closes and renames into place. Reports a write failure
 * (CM_ERR_IO) and removes the temporary file; the target is then untouched.
 */
cm_status cm_outfile_commit(cm_outfile *out, cm_diag *diag);

/** Abandons the output: closes and removes the temporary file. */
void cm_outfile_abort(cm_outfile *out);

#endif
