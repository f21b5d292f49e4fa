/*
 * outfile.c - atomic output: a temporary file beside the target, synced and
 * renamed into place once whole; streams written directly.
 */
#include "citymig/outfile.h"

#include "citymig/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

cm_target cm_output_target(const char *path)
{
    if (!path || strcmp(path, "-") == 0)
        return isatty(STDOUT_FILENO) ? CM_TARGET_TERMINAL : CM_TARGET_STREAM;
    struct stat sb;
    int exists = stat(path, &sb) == 0;
    if (exists && S_ISDIR(sb.st_mode))
        return CM_TARGET_DIRECTORY;
    /* /dev/stdout and friends are links into /proc: write through them,
       never replace them. */
    int special = strncmp(path, "/dev/", 5) == 0 || strncmp(path, "/proc/", 6) == 0;
    if (exists && (S_ISFIFO(sb.st_mode) || S_ISSOCK(sb.st_mode)))
        return CM_TARGET_STREAM; /* opening a FIFO to look would signal its end */
    if ((exists && !S_ISREG(sb.st_mode)) || special) {
        int fd = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK);
        int tty = fd >= 0 && isatty(fd);
        if (fd >= 0)
            close(fd);
        return tty ? CM_TARGET_TERMINAL : CM_TARGET_STREAM;
    }
    return CM_TARGET_FILE;
}

int cm_tempfile_beside(const char *path, char **tmp, int *slot)
{
    size_t n = strlen(path);
    *tmp = malloc(n + 16);
    if (!*tmp) {
        errno = ENOMEM;
        return -1;
    }
    snprintf(*tmp, n + 16, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(*tmp);
    if (fd < 0) {
        int e = errno;
        free(*tmp);
        *tmp = NULL;
        errno = e;
        return -1;
    }
    *slot = cm_cleanup_add(*tmp);
    /* mkstemp makes the file 0600; give it the usual mode for new files. */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0) {
        /* Not fatal: the file stays private to its owner. */
    }
    return fd;
}

int cm_tempfile_install(const char *tmp, const char *path)
{
    int fd = open(tmp, O_RDONLY);
    if (fd < 0)
        return errno;
    int err = fsync(fd) != 0 && errno != EINVAL ? errno : 0;
    close(fd);
    if (!err && rename(tmp, path) != 0)
        err = errno;
    return err;
}

static cm_status open_stream(cm_outfile *out, const char *path, cm_diag *diag)
{
    if (!path || strcmp(path, "-") == 0) {
        out->fp = stdout;
        out->to_stdout = 1;
        return CM_OK;
    }
    out->path = strdup(path);
    if (!out->path)
        return CM_ERR_NOMEM;
    out->fp = fopen(path, "w");
    if (!out->fp) {
        cm_loc loc = {path, 0, 0};
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "cannot open: %s", strerror(errno));
        free(out->path);
        out->path = NULL;
        return CM_ERR_CANTCREAT;
    }
    return CM_OK;
}

cm_status cm_outfile_open(cm_outfile *out, const char *path, cm_diag *diag)
{
    memset(out, 0, sizeof *out);
    out->cleanup = -1;
    cm_loc loc = {path, 0, 0};
    switch (cm_output_target(path)) {
    case CM_TARGET_DIRECTORY:
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "cannot write: is a directory");
        return CM_ERR_CANTCREAT;
    case CM_TARGET_STREAM:
    case CM_TARGET_TERMINAL:
        return open_stream(out, path, diag);
    case CM_TARGET_FILE:
        break;
    }
    out->path = strdup(path);
    if (!out->path)
        return CM_ERR_NOMEM;
    /* Beside the target, so the rename stays within one file system. */
    int fd = cm_tempfile_beside(path, &out->tmp, &out->cleanup);
    if (fd < 0) {
        int e = errno;
        free(out->path);
        out->path = NULL;
        if (e == ENOMEM)
            return CM_ERR_NOMEM;
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "cannot create: %s", strerror(e));
        return CM_ERR_CANTCREAT;
    }
    out->fp = fdopen(fd, "w");
    if (!out->fp) {
        int e = errno;
        close(fd);
        cm_outfile_abort(out);
        if (e == ENOMEM)
            return CM_ERR_NOMEM;
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "cannot create: %s", strerror(e));
        return CM_ERR_CANTCREAT;
    }
    return CM_OK;
}

void cm_outfile_abort(cm_outfile *out)
{
    if (out->fp && !out->to_stdout)
        fclose(out->fp);
    if (out->tmp) {
        unlink(out->tmp);
        cm_cleanup_remove(out->cleanup);
    }
    free(out->path);
    free(out->tmp);
    memset(out, 0, sizeof *out);
}

cm_status cm_outfile_commit(cm_outfile *out, cm_diag *diag)
{
    cm_loc loc = {out->path ? out->path : "standard output", 0, 0};
    int err = 0;
    errno = 0;
    if (fflush(out->fp) != 0 || ferror(out->fp))
        err = errno ? errno : out->err ? out->err : EIO;
    if (!out->to_stdout && fclose(out->fp) != 0 && !err)
        err = errno;
    out->fp = NULL;
    if (!err && out->tmp)
        err = cm_tempfile_install(out->tmp, out->path);
    if (err) {
        cm_diag_report(diag, CM_SEV_ERROR, &loc,
                       out->tmp ? "write failed: %s (the file was not changed)"
                                : "write failed: %s",
                       strerror(err));
        cm_outfile_abort(out);
        return CM_ERR_IO;
    }
    if (out->tmp)
        cm_cleanup_remove(out->cleanup);
    free(out->path);
    free(out->tmp);
    memset(out, 0, sizeof *out);
    return CM_OK;
}

cm_status cm_copy_to_stream(const char *from, const char *path, cm_diag *diag)
{
    cm_loc loc = {path, 0, 0};
    int in = open(from, O_RDONLY);
    if (in < 0) {
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "cannot read the finished workbook: %s",
                       strerror(errno));
        return CM_ERR_IO;
    }
    int out = open(path, O_WRONLY | O_NOCTTY);
    if (out < 0) {
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "cannot open: %s", strerror(errno));
        close(in);
        return CM_ERR_CANTCREAT;
    }
    char buf[65536];
    int err = 0;
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            err = n < 0 ? errno : 0;
            break;
        }
        for (ssize_t off = 0; off < n && !err;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0 && errno != EINTR)
                err = errno;
            else if (w > 0)
                off += w;
        }
        if (err)
            break;
    }
    close(in);
    if (close(out) != 0 && !err)
        err = errno;
    if (err) {
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "write failed: %s", strerror(err));
        return CM_ERR_IO;
    }
    return CM_OK;
}
