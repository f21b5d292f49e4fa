/*
 * outfile.h - writing an output file atomically.
 *
 * The data goes to a temporary file in the target's directory; only when
 * every write, the flush to disk and the close succeeded is it renamed over
 * the target. A failed run leaves any earlier file untouched and no
 * temporary file behind. A symbolic link at the target is replaced, never
 * written through.
 *
 * Streams are written directly: "-" (standard output), an existing
 * character device, FIFO or socket (/dev/null, a named pipe), and any path
 * under /dev/ or /proc/ (so /dev/stdout works and is never replaced).
 */
#ifndef CITYMIG_OUTFILE_H
#define CITYMIG_OUTFILE_H

#include <stdio.h>

#include "citymig/diag.h"
#include "citymig/status.h"

/* What an output path names. */
typedef enum cm_target {
    CM_TARGET_FILE,      /* a regular file, a symlink or nothing yet: replace it */
    CM_TARGET_STREAM,    /* standard output or a device, FIFO or socket */
    CM_TARGET_TERMINAL,  /* a stream that is a terminal */
    CM_TARGET_DIRECTORY, /* an existing directory: an error */
} cm_target;

/* Classifies path ("-" or NULL: standard output). */
cm_target cm_output_target(const char *path);

typedef struct cm_outfile {
    FILE *fp;   /* write here */
    char *path; /* the target, NULL for standard output */
    char *tmp;  /* the temporary file, NULL for a stream */
    int to_stdout;
    int cleanup; /* slot in the interruption cleanup registry */
    int err;     /* why a write failed, when the writer knew (errno); 0 */
} cm_outfile;

/*
 * Opens path ("-" or NULL: standard output) for writing. On failure
 * reports through diag and returns CM_ERR_CANTCREAT (or CM_ERR_NOMEM).
 */
cm_status cm_outfile_open(cm_outfile *out, const char *path, cm_diag *diag);

/*
 * Flushes, syncs, closes and renames into place. Reports a write failure
 * (CM_ERR_IO) and removes the temporary file; the target is then untouched.
 */
cm_status cm_outfile_commit(cm_outfile *out, cm_diag *diag);

/** Abandons the output: closes and removes the temporary file. */
void cm_outfile_abort(cm_outfile *out);

/*
 * Creates a temporary file beside path (path.tmp-XXXXXX, mode 0666 less the
 * umask), registers it for removal on interruption and returns its open
 * descriptor, its name in *tmp (malloc'd) and its cleanup slot in *slot.
 * Returns -1 with errno set on failure.
 */
int cm_tempfile_beside(const char *path, char **tmp, int *slot);

/*
 * Syncs the file at tmp to disk and renames it over path. Returns 0, or an
 * errno value.
 */
int cm_tempfile_install(const char *tmp, const char *path);

/*
 * Copies the file at from to the stream target path (a device or FIFO),
 * reporting any failure (CM_ERR_IO) through diag.
 */
cm_status cm_copy_to_stream(const char *from, const char *path, cm_diag *diag);

#endif
