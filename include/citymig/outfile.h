/*
 * outfile.h - writing an output file atomically.
 *
 * A regular file, wherever it lives, is replaced: the data goes to a
 * temporary file in the target's directory, and only when every write, the
 * flush to disk and the close succeeded is it renamed over the target. A
 * failed run leaves any earlier file untouched and no temporary file
 * behind. The new file keeps the mode of the file it replaces (and, for
 * root, its owner). A symbolic link at the target is replaced, never
 * written through.
 *
 * Streams are written directly: a character or block device, a FIFO or a
 * socket (/dev/null, a named pipe), decided by what is there. Standard
 * output ("-") and the names of a descriptor (/dev/stdout, /dev/fd/N,
 * /proc/self/fd/N) are judged by what the descriptor is; when it is a
 * regular file it is written at its offset and cut at the end of what was
 * written, so no tail of an older, longer file remains.
 *
 * Temporary files are named NAME.tmp-PID-XXXXXX (PID: the process that
 * made it; NAME shortened when the whole would pass NAME_MAX). Creating
 * one removes the temporary files of that pattern in the same directory
 * whose process no longer exists (a run killed by SIGKILL).
 */
#ifndef CITYMIG_OUTFILE_H
#define CITYMIG_OUTFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "citymig/diag.h"
#include "citymig/status.h"

/* What an output path names. */
typedef enum cm_target {
    CM_TARGET_FILE,      /* a regular file, a symlink or nothing yet: replace it */
    CM_TARGET_STREAM,    /* standard output, a descriptor, a device, FIFO or socket */
    CM_TARGET_TERMINAL,  /* a stream that is a terminal */
    CM_TARGET_DIRECTORY, /* an existing directory: an error */
} cm_target;

/* Classifies path ("-" or NULL: standard output). */
cm_target cm_output_target(const char *path);

/*
 * The descriptor a path names (0 for /dev/stdin, 1 for "-" or /dev/stdout,
 * N for /dev/fd/N or /proc/self/fd/N, also through links), or -1.
 */
int cm_output_descriptor(const char *path);

typedef struct cm_outfile {
    FILE *fp;   /* write here */
    char *path; /* the target, NULL for standard output */
    char *tmp;  /* the temporary file, NULL for a stream */
    int to_stdout;
    int cleanup; /* slot in the interruption cleanup registry */
    int err;     /* why a write failed, when the writer knew (errno); 0 */
    int cut;     /* a descriptor on a regular file: cut it where writing ended */
    int held;    /* finished, waiting to be renamed with the next installed file */
    int renamed; /* renamed into place with that file */
    int rename_err;
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

/*
 * Commits n outputs together: all are flushed and synced first, then
 * renamed one after the other with signals held, so that an interruption
 * leaves either every earlier file or every new one. On a failure before
 * the renames, none is changed.
 */
cm_status cm_outfile_commit_all(cm_outfile *const *outs, size_t n, cm_diag *diag);

/*
 * Finishes out (flushed, synced, closed) and holds it, so that the next
 * cm_tempfile_install renames it right after its own file, with signals
 * held throughout (the workbook and its hits). cm_outfile_commit then only
 * reports (or, if nothing was installed, renames it itself);
 * cm_outfile_abort removes it. Returns CM_ERR_IO (reported, out aborted)
 * when the finish failed.
 */
cm_status cm_outfile_hold(cm_outfile *out, cm_diag *diag);

/** Abandons the output: closes and removes the temporary file. */
void cm_outfile_abort(cm_outfile *out);

/*
 * Creates a temporary file beside path (see above; mode that of the file
 * it will replace, or 0666 less the umask), registers it for removal on
 * interruption and returns its open descriptor, its name in *tmp (malloc'd)
 * and its cleanup slot in *slot. Returns -1 with errno set on failure.
 */
int cm_tempfile_beside(const char *path, char **tmp, int *slot);

/*
 * Syncs the file at tmp to disk, gives it the mode (and for root the
 * owner) of the regular file at path, and renames it over path, with
 * signals held. Returns 0, or an errno value.
 */
int cm_tempfile_install(const char *tmp, const char *path);

/*
 * Copies the file at from to the stream target path (a device, FIFO or
 * descriptor), reporting any failure (CM_ERR_IO) through diag.
 */
cm_status cm_copy_to_stream(const char *from, const char *path, cm_diag *diag);

/*
 * The identity of a file a run reads or writes, to refuse an output that
 * would replace an input or another output.
 */
typedef struct cm_file_key {
    const char *path; /* as given, for messages */
    bool exists;      /* the file (followed) exists */
    uint64_t dev, ino;
    bool link;           /* the path is a symbolic link: its own identity too */
    uint64_t ldev, lino; /* the link itself */
    bool entry;          /* the directory entry is known */
    uint64_t ddev, dino; /* its directory */
    char name[256];      /* its last component */
} cm_file_key;

/** Fills key for path ("-": standard output's descriptor); false if unknown. */
bool cm_file_key_of(const char *path, cm_file_key *key);

/** Whether two keys name the same file or the same directory entry. */
bool cm_file_key_same(const cm_file_key *a, const cm_file_key *b);

#endif
