/*
 * outfile.c - atomic output: a temporary file beside the target, renamed
 * into place once whole.
 */
#include "citymig/outfile.h"

#include "citymig/cleanup.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

cm_status cm_outfile_open(cm_outfile *out, const char *path, cm_diag *diag)
{
    memset(out, 0, sizeof *out);
    if (!path || strcmp(path, "-") == 0) {
        out->fp = stdout;
        out->to_stdout = 1;
        return CM_OK;
    }
    cm_loc loc = {path, 0, 0};
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "cannot write: is a directory");
        return CM_ERR_CANTCREAT;
    }
    size_t n = strlen(path);
    out->path = malloc(n + 1);
    out->tmp = malloc(n + 16);
    if (!out->path || !out->tmp) {
        free(out->path);
        free(out->tmp);
        out->path = out->tmp = NULL;
        return CM_ERR_NOMEM;
    }
    memcpy(out->path, path, n + 1);
    /* Beside the target, so the rename stays within one file system. */
    snprintf(out->tmp, n + 16, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(out->tmp);
    out->cleanup = fd >= 0 ? cm_cleanup_add(out->tmp) : -1;
    if (fd < 0) {
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "cannot create: %s", strerror(errno));
        free(out->path);
        free(out->tmp);
        out->path = out->tmp = NULL;
        return CM_ERR_CANTCREAT;
    }
    /* mkstemp makes the file 0600; give it the usual mode for new files. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    out->fp = fdopen(fd, "w");
    if (!out->fp) {
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "cannot create: %s", strerror(errno));
        close(fd);
        unlink(out->tmp);
        cm_cleanup_remove(out->cleanup);
        free(out->path);
        free(out->tmp);
        out->path = out->tmp = NULL;
        return CM_ERR_CANTCREAT;
    }
    return CM_OK;
}

void cm_outfile_abort(cm_outfile *out)
{
    if (!out->to_stdout && out->fp) {
        fclose(out->fp);
        unlink(out->tmp);
    }
    if (!out->to_stdout)
        cm_cleanup_remove(out->cleanup);
    free(out->path);
    free(out->tmp);
    memset(out, 0, sizeof *out);
}

cm_status cm_outfile_commit(cm_outfile *out, cm_diag *diag)
{
    cm_loc loc = {out->to_stdout ? "standard output" : out->path, 0, 0};
    if (out->to_stdout) {
        int failed = fflush(out->fp) != 0 || ferror(out->fp);
        memset(out, 0, sizeof *out);
        if (failed) {
            cm_diag_report(diag, CM_SEV_ERROR, &loc, "write failed: %s", strerror(errno));
            return CM_ERR_IO;
        }
        return CM_OK;
    }
    int err = 0;
    if (fflush(out->fp) != 0 || ferror(out->fp))
        err = errno ? errno : EIO;
    if (fclose(out->fp) != 0 && !err)
        err = errno;
    out->fp = NULL;
    if (!err && rename(out->tmp, out->path) != 0)
        err = errno;
    if (err) {
        unlink(out->tmp);
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "write failed: %s (the file was not changed)",
                       strerror(err));
        cm_outfile_abort(out);
        return CM_ERR_IO;
    }
    cm_cleanup_remove(out->cleanup);
    free(out->path);
    free(out->tmp);
    memset(out, 0, sizeof *out);
    return CM_OK;
}
