/*
 * xlsx_process.c - the workbook written whole, or not at all: a temporary
 * file beside the target, a child process that renders the report model
 * into it (a crash inside libxlsxwriter cannot reach the target), the
 * child's messages passed on in citymig's form, the file read back
 * (xlsx_verify.c), and only then renamed into place.
 */
#define _GNU_SOURCE /* memfd_create */
#include "citymig/xlsx.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "citymig/cleanup.h"
#include "citymig/outfile.h"
#include "xlsx_internal.h"

cm_status cm_xlsx_fail_io(const char *path, cm_diag *diag, const char *what)
{
    cm_loc loc = {path, 0, 0};
    cm_diag_report(diag, CM_SEV_ERROR, &loc, "%s; the file was not changed", what);
    return CM_ERR_IO;
}

/* One line the writer child wrote to standard error: libxlsxwriter's
   "[ERROR][file:line]: text" becomes a note on the workbook ("PATH: note:
   libxlsxwriter: text"); anything else (citymig's own messages) is passed
   on as it is. */
static void relay_line(const char *line, size_t n, const char *path, cm_diag *diag)
{
    const char *text = NULL, *end = line + n;
    if ((n > 7 && strncmp(line, "[ERROR]", 7) == 0) ||
        (n > 9 && strncmp(line, "[WARNING]", 9) == 0)) {
        text = memchr(line, ']', n);
        if (text && text + 1 < end && text[1] == '[')
            text = memchr(text + 1, ']', (size_t)(end - text - 1));
        if (text)
            text += text + 1 < end && text[1] == ':' ? 2 : 1;
    }
    if (!text) {
        fwrite(line, 1, n, stderr);
        return;
    }
    while (text < end && *text == ' ')
        text++;
    while (end > text && (end[-1] == '\n' || end[-1] == '.' || end[-1] == ' '))
        end--;
    cm_loc loc = {path, 0, 0};
    if (end > text)
        cm_diag_report(diag, CM_SEV_NOTE, &loc, "libxlsxwriter: %.*s", (int)(end - text), text);
}

/* Passes on what the writer child wrote to standard error (kept in fd),
   line by line, without allocating. */
static void relay_child_stderr(int fd, const char *path, cm_diag *diag)
{
    if (lseek(fd, 0, SEEK_SET) != 0)
        return;
    char line[2048];
    size_t n = 0;
    for (;;) {
        char buf[4096];
        ssize_t got = read(fd, buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        for (ssize_t i = 0; i < got; i++) {
            line[n++] = buf[i];
            if (buf[i] == '\n' || n == sizeof line) {
                relay_line(line, n, path, diag);
                n = 0;
            }
        }
    }
    if (n)
        relay_line(line, n, path, diag);
    fflush(stderr);
}

/*
 * Renders the model into tmp and reads the result back (run in the writer
 * child). Returns the status; never renames or removes tmp.
 */
static cm_status write_book(const char *path, const char *tmp, const char *dir, cm_report *report,
                            cm_diag *diag)
{
    cm_loc loc = {path, 0, 0};
    uint64_t *cells = NULL;
    size_t ncells = 0;
    cm_status st = cm_xlsx_render(path, tmp, dir, report, diag, &cells, &ncells);
    if (st == CM_OK) {
        /* libxlsxwriter may report success over a short write to one of its
           temporary files: read the archive back before trusting it. */
        char why[320], what[480];
        int verified = cm_xlsx_verify_cells(tmp, cells, ncells, why, sizeof why);
        if (verified == -2) {
            /* Whole but malformed: an internal error, never renamed into place. */
            cm_diag_report(diag, CM_SEV_ERROR, &loc,
                           "internal error: the written workbook is malformed (%s); the file was "
                           "not changed",
                           why);
            st = CM_ERR_INTERNAL;
        } else if (verified != 0) {
            snprintf(what, sizeof what,
                     "the written workbook is damaged (%s; is the disk full, or a file size "
                     "limit reached?)",
                     why);
            st = cm_xlsx_fail_io(path, diag, what);
        }
    }
    free(cells);
    return st;
}

cm_status cm_xlsx_write(const char *path, cm_report *report, cm_diag *diag)
{
    cm_loc loc = {path, 0, 0};
    cm_target target = cm_output_target(path);
    if (target == CM_TARGET_DIRECTORY) {
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "cannot write: is a directory");
        return CM_ERR_CANTCREAT;
    }
    if (target == CM_TARGET_TERMINAL) {
        cm_diag_report(diag, CM_SEV_ERROR, &loc,
                       "will not write a workbook to a terminal: give -o FILE.xlsx");
        return CM_ERR_USAGE;
    }

    /* The temporary file: beside the target, so the rename stays on one
       file system; for a stream target (a device or FIFO, where nothing can
       be created beside it) in the temporary directory, copied out once
       whole. libxlsxwriter's own temporary files go to the same place. */
    const char *base = path;
    char *tmpbase = NULL;
    if (target == CM_TARGET_STREAM) {
        const char *tdir = getenv("TMPDIR");
        if (!tdir || !*tdir)
            tdir = "/tmp";
        size_t tn = strlen(tdir) + sizeof "/citymig-report";
        tmpbase = malloc(tn);
        if (!tmpbase)
            return CM_ERR_NOMEM;
        snprintf(tmpbase, tn, "%s/citymig-report", tdir);
        base = tmpbase;
    }
    size_t n = strlen(base);
    char *tmp = NULL, *dir = malloc(n + 2);
    if (!dir) {
        free(tmpbase);
        free(dir);
        return CM_ERR_NOMEM;
    }
    memcpy(dir, base, n + 1);
    char *slash = strrchr(dir, '/');
    if (slash)
        slash[1] = '\0';
    else
        snprintf(dir, n + 2, ".");
    int cleanup = -1;
    int fd = cm_tempfile_beside(base, &tmp, &cleanup);
    if (fd < 0) {
        int e = errno;
        free(tmpbase);
        free(dir);
        if (e == ENOMEM)
            return CM_ERR_NOMEM;
        cm_loc tloc = {base, 0, 0};
        cm_diag_report(diag, CM_SEV_ERROR, &tloc, "cannot create: %s", strerror(e));
        return CM_ERR_CANTCREAT;
    }
    close(fd);

    /* The workbook is written by a child process. libxlsxwriter does not
       survive every failed allocation (some crash it, some drop a cell
       without a word): a crash in the child is reported here as out of
       memory, a dropped cell is caught by the read-back, and in both cases
       the file is not renamed into place. */
    fflush(stdout);
    fflush(stderr);
    cm_status st;
    /* The child's standard error is kept in memory and passed on when it
       ends, so that libxlsxwriter's own lines ("[ERROR][file:line]: ...")
       come out in citymig's form. */
    int errfd = memfd_create("citymig-writer-stderr", MFD_CLOEXEC);
    pid_t parent = getpid();
    sigset_t saved;
    cm_signals_block(&saved); /* the child is registered before a signal is handled */
    pid_t pid = fork();
    if (pid == 0) {
        if (cm_signals_child(parent) != 0) {
            cm_cleanup_now();
            _exit(CM_ERR_INTERNAL);
        }
        if (errfd >= 0)
            dup2(errfd, STDERR_FILENO);
        cm_signals_restore(&saved);
        st = write_book(path, tmp, dir, report, diag);
        fflush(stderr);
        /* This process's copies: freed so that a leak checker following
           the fork sees nothing lost. */
        free(tmp);
        free(tmpbase);
        free(dir);
        cm_report_free(report);
        _exit((int)st);
    }
    if (pid > 0)
        cm_cleanup_child(pid);
    cm_signals_restore(&saved);
    if (pid < 0) {
        /* No process to spare: write it here. */
        st = write_book(path, tmp, dir, report, diag);
    } else {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        cm_cleanup_child(0);
        if (errfd >= 0)
            relay_child_stderr(errfd, path, diag);
        if (WIFEXITED(status) && WEXITSTATUS(status) < CM_STATUS_COUNT) {
            st = (cm_status)WEXITSTATUS(status);
        } else if (WIFEXITED(status) && WEXITSTATUS(status) > 128) {
            /* A signal stopped the writer (it removed its file): the run
               ends as if the signal had come here. */
            cm_signal_exit(WEXITSTATUS(status) - 128);
        } else if (WIFSIGNALED(status)) {
            cm_diag_report(diag, CM_SEV_ERROR, &loc,
                           "writing the workbook was stopped by signal %d (out of memory?); the "
                           "file was not changed",
                           WTERMSIG(status));
            st = CM_ERR_NOMEM;
        } else {
            st = CM_ERR_INTERNAL;
        }
    }
    if (errfd >= 0)
        close(errfd);
    if (st == CM_OK && target == CM_TARGET_STREAM) {
        st = cm_copy_to_stream(tmp, path, diag);
        unlink(tmp);
    } else if (st == CM_OK) {
        int err = cm_tempfile_install(tmp, path);
        if (err) {
            cm_diag_report(diag, CM_SEV_ERROR, &loc, "write failed: %s (the file was not changed)",
                           strerror(err));
            st = CM_ERR_IO;
        }
    }
    if (st != CM_OK)
        unlink(tmp);
    cm_cleanup_remove(cleanup);
    free(tmp);
    free(tmpbase);
    free(dir);
    return st;
}
