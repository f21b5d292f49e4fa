/*
 * outfile.c - atomic output: a temporary file beside the target, synced and
 * renamed into place once whole; streams written directly.
 */
#define _GNU_SOURCE /* realpath, F_DUPFD_CLOEXEC */
#include "citymig/outfile.h"

#include "citymig/cleanup.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef NAME_MAX
#define NAME_MAX 255
#endif

/* The descriptor named by text, a path as written: /dev/stdin, /dev/stdout,
   /dev/stderr, /dev/fd/N, /proc/self/fd/N, /proc/thread-self/fd/N,
   /proc/PID/fd/N for this process. -1 otherwise. */
static int descriptor_named(const char *text)
{
    if (strcmp(text, "/dev/stdin") == 0)
        return 0;
    if (strcmp(text, "/dev/stdout") == 0)
        return 1;
    if (strcmp(text, "/dev/stderr") == 0)
        return 2;
    const char *rest = NULL;
    char self[40];
    snprintf(self, sizeof self, "/proc/%ld/fd/", (long)getpid());
    static const char *const prefixes[] = {"/dev/fd/", "/proc/self/fd/", "/proc/thread-self/fd/"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0] && !rest; i++)
        if (strncmp(text, prefixes[i], strlen(prefixes[i])) == 0)
            rest = text + strlen(prefixes[i]);
    if (!rest && strncmp(text, self, strlen(self)) == 0)
        rest = text + strlen(self);
    if (!rest || !isdigit((unsigned char)*rest))
        return -1;
    char *end;
    errno = 0;
    long fd = strtol(rest, &end, 10);
    if (*end || errno || fd > INT_MAX)
        return -1;
    return (int)fd;
}

/* The directory part of path ("." when there is none), malloc'd. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

static const char *base_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

int cm_output_descriptor(const char *path)
{
    if (!path || strcmp(path, "-") == 0)
        return STDOUT_FILENO;
    int fd = descriptor_named(path);
    if (fd >= 0)
        return fd;
    /* Spelled another way (/dev/./stdout), or a link to one of those. */
    char *dir = dir_of(path);
    char *real = dir ? realpath(dir, NULL) : NULL;
    free(dir);
    if (!real)
        return -1;
    const char *base = base_of(path);
    size_t n = strlen(real) + strlen(base) + 2;
    char *whole = malloc(n);
    if (whole) {
        snprintf(whole, n, "%s/%s", strcmp(real, "/") == 0 ? "" : real, base);
        fd = descriptor_named(whole);
        char link[PATH_MAX];
        ssize_t len = fd < 0 ? readlink(whole, link, sizeof link - 1) : -1;
        if (len > 0) {
            link[len] = '\0';
            if (link[0] == '/') {
                fd = descriptor_named(link);
            } else {
                size_t m = strlen(real) + (size_t)len + 2;
                char *joined = malloc(m);
                if (joined) {
                    snprintf(joined, m, "%s/%s", real, link);
                    fd = descriptor_named(joined);
                    free(joined);
                }
            }
        }
        free(whole);
    }
    free(real);
    return fd;
}

static cm_target target_of_mode(mode_t mode, int fd)
{
    if (S_ISDIR(mode))
        return CM_TARGET_DIRECTORY;
    if (S_ISCHR(mode) && fd >= 0 && isatty(fd))
        return CM_TARGET_TERMINAL;
    return CM_TARGET_STREAM;
}

cm_target cm_output_target(const char *path)
{
    int dfd = cm_output_descriptor(path);
    struct stat sb;
    if (dfd >= 0) {
        /* Judged by what the descriptor is; a closed one fails when opened. */
        if (fstat(dfd, &sb) != 0)
            return CM_TARGET_STREAM;
        return target_of_mode(sb.st_mode, dfd);
    }
    if (stat(path, &sb) != 0 || S_ISREG(sb.st_mode))
        return CM_TARGET_FILE;
    if (S_ISDIR(sb.st_mode))
        return CM_TARGET_DIRECTORY;
    /* Opening a FIFO to look would signal its end to the reader. */
    if (S_ISFIFO(sb.st_mode) || S_ISSOCK(sb.st_mode))
        return CM_TARGET_STREAM;
    int fd = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK);
    cm_target t = target_of_mode(sb.st_mode, fd);
    if (fd >= 0)
        close(fd);
    return t;
}

/* Whether name is a temporary file of this pattern, and its process. */
static bool temp_pid(const char *name, long *pid)
{
    size_t n = strlen(name);
    if (n < 7 + 1 + 1 + 5)
        return false;
    const char *rand = name + n - 6;
    for (int i = 0; i < 6; i++)
        if (!isalnum((unsigned char)rand[i]))
            return false;
    if (rand[-1] != '-')
        return false;
    const char *end = rand - 1, *p = end;
    while (p > name && isdigit((unsigned char)p[-1]))
        p--;
    if (p == end || end - p > 9 || p - name < 5 || strncmp(p - 5, ".tmp-", 5) != 0)
        return false;
    *pid = strtol(p, NULL, 10);
    return *pid > 0;
}

/* Removes, in dir, this user's temporary files whose process is gone. */
static void remove_stale(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    int dfd = dirfd(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        long pid;
        if (!temp_pid(e->d_name, &pid) || pid == (long)getpid())
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        struct stat sb;
        if (fstatat(dfd, e->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(sb.st_mode) ||
            sb.st_uid != geteuid())
            continue;
        unlinkat(dfd, e->d_name, 0);
    }
    closedir(d);
}

int cm_tempfile_beside(const char *path, char **tmp, int *slot)
{
    char *dir = dir_of(path);
    if (!dir) {
        errno = ENOMEM;
        return -1;
    }
    remove_stale(dir);
    char suffix[40];
    int sn = snprintf(suffix, sizeof suffix, ".tmp-%ld-XXXXXX", (long)getpid());
    const char *base = base_of(path);
    size_t keep = strlen(base);
    long name_max = pathconf(dir, _PC_NAME_MAX);
    if (keep > (size_t)(name_max > 0 ? name_max : NAME_MAX)) {
        /* The target itself could not be made: say so before the work. */
        free(dir);
        errno = ENAMETOOLONG;
        return -1;
    }
    /* The name must fit NAME_MAX: shorten the stem, at a character's
       start, and keep the unique suffix. */
    if (keep + (size_t)sn > NAME_MAX) {
        keep = NAME_MAX - (size_t)sn;
        while (keep > 0 && ((unsigned char)base[keep] & 0xC0) == 0x80)
            keep--;
    }
    size_t dn = (size_t)(base - path);
    size_t n = dn + keep + (size_t)sn + 1;
    free(dir);
    *tmp = malloc(n);
    if (!*tmp) {
        errno = ENOMEM;
        return -1;
    }
    memcpy(*tmp, path, dn);
    memcpy(*tmp + dn, base, keep);
    memcpy(*tmp + dn + keep, suffix, (size_t)sn + 1);
    /* Created and registered with signals held: a signal cannot leave it. */
    sigset_t saved;
    cm_signals_block(&saved);
    int fd = mkstemp(*tmp);
    int e = errno;
    if (fd >= 0)
        *slot = cm_cleanup_add(*tmp);
    cm_signals_restore(&saved);
    if (fd < 0) {
        free(*tmp);
        *tmp = NULL;
        errno = e;
        return -1;
    }
    /* mkstemp makes the file 0600. The file it replaces keeps its owner
       and mode (readable by its owner while written); a new one gets the
       usual mode for new files. */
    struct stat sb;
    mode_t mode;
    if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
        if (geteuid() == 0 && fchown(fd, sb.st_uid, sb.st_gid) != 0) {
            /* Not fatal: the file then belongs to root. */
        }
        mode = (sb.st_mode & 07777) | 0600;
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    if (fchmod(fd, mode) != 0) {
        /* Not fatal: the file stays private to its owner. */
    }
    return fd;
}

/* Outputs held to be renamed with the next installed file. */
enum { MAX_HELD = 4 };
static cm_outfile *held[MAX_HELD];
static size_t nheld;

static void unhold(cm_outfile *out)
{
    for (size_t i = 0; i < nheld; i++) {
        if (held[i] == out) {
            held[i] = held[--nheld];
            break;
        }
    }
    out->held = 0;
}

/* Gives tmp the mode of the regular file at path, if there is one. */
static void keep_mode(const char *tmp, const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) && chmod(tmp, sb.st_mode & 07777) != 0) {
        /* Not fatal: the file keeps the owner's read and write bits. */
    }
}

/* Renames the held outputs into place (signals held by the caller). */
static void rename_held(void)
{
    for (size_t i = 0; i < nheld; i++) {
        cm_outfile *out = held[i];
        keep_mode(out->tmp, out->path);
        if (rename(out->tmp, out->path) == 0) {
            out->renamed = 1;
            cm_cleanup_remove(out->cleanup);
        } else {
            out->rename_err = errno;
        }
        out->held = 0;
    }
    nheld = 0;
}

int cm_tempfile_install(const char *tmp, const char *path)
{
    int fd = open(tmp, O_RDONLY);
    if (fd < 0)
        return errno;
    int err = fsync(fd) != 0 && errno != EINVAL ? errno : 0;
    struct stat sb;
    if (!err && lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) && fchmod(fd, sb.st_mode & 07777)) {
        /* Not fatal: the file keeps the owner's read and write bits. */
    }
    close(fd);
    if (!err) {
        sigset_t saved;
        cm_signals_block(&saved);
        if (rename(tmp, path) != 0) {
            err = errno;
        } else {
            cm_cleanup_committed();
            rename_held();
        }
        cm_signals_restore(&saved);
    }
    return err;
}

/* A descriptor on a regular file, not in append mode: cut it where the
   writing ended. Returns 0 or an errno value. */
static int cut_here(int fd)
{
    struct stat sb;
    int flags = fcntl(fd, F_GETFL);
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || flags < 0 || (flags & O_APPEND))
        return 0;
    off_t at = lseek(fd, 0, SEEK_CUR);
    if (at < 0)
        return errno;
    return ftruncate(fd, at) != 0 ? errno : 0;
}

/* A descriptor to write the stream target path to; -1 with errno. */
static int open_stream_fd(const char *path)
{
    int dfd = cm_output_descriptor(path);
    if (dfd >= 0)
        return fcntl(dfd, F_DUPFD_CLOEXEC, 3);
    return open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
}

static cm_status open_stream(cm_outfile *out, const char *path, cm_diag *diag)
{
    if (!path || strcmp(path, "-") == 0) {
        out->fp = stdout;
        out->to_stdout = 1;
        out->cut = 1;
        return CM_OK;
    }
    out->path = strdup(path);
    if (!out->path)
        return CM_ERR_NOMEM;
    int fd = open_stream_fd(path);
    out->fp = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!out->fp) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        cm_loc loc = {path, 0, 0};
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "cannot open: %s", strerror(e));
        free(out->path);
        out->path = NULL;
        return CM_ERR_CANTCREAT;
    }
    out->cut = 1;
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
    if (out->held)
        unhold(out);
    if (out->renamed) {
        /* Already in place beside the file it went with. */
        free(out->path);
        free(out->tmp);
        memset(out, 0, sizeof *out);
        out->cleanup = -1;
        return;
    }
    if (out->fp && !out->to_stdout)
        fclose(out->fp);
    if (out->tmp) {
        sigset_t saved;
        cm_signals_block(&saved);
        unlink(out->tmp);
        cm_cleanup_remove(out->cleanup);
        cm_signals_restore(&saved);
    }
    free(out->path);
    free(out->tmp);
    memset(out, 0, sizeof *out);
    out->cleanup = -1;
}

/* Flushes, cuts (a descriptor on a regular file), closes and syncs. */
static int finish(cm_outfile *out)
{
    int err = 0;
    errno = 0;
    if (fflush(out->fp) != 0 || ferror(out->fp))
        err = errno ? errno : out->err ? out->err : EIO;
    if (!err && out->cut)
        err = cut_here(fileno(out->fp));
    if (!out->to_stdout && fclose(out->fp) != 0 && !err)
        err = errno;
    out->fp = NULL;
    if (!err && out->tmp) {
        int fd = open(out->tmp, O_RDONLY);
        if (fd < 0)
            err = errno;
        else {
            if (fsync(fd) != 0 && errno != EINVAL)
                err = errno;
            close(fd);
        }
    }
    return err;
}

static void report_failure(cm_outfile *out, int err, cm_diag *diag)
{
    cm_loc loc = {out->path ? out->path : "standard output", 0, 0};
    cm_diag_report(diag, CM_SEV_ERROR, &loc,
                   out->tmp ? "write failed: %s (the file was not changed)" : "write failed: %s",
                   strerror(err));
}

static void release(cm_outfile *out)
{
    free(out->path);
    free(out->tmp);
    memset(out, 0, sizeof *out);
    out->cleanup = -1;
}

cm_status cm_outfile_commit_all(cm_outfile *const *outs, size_t n, cm_diag *diag)
{
    cm_status st = CM_OK;
    for (size_t i = 0; i < n; i++) {
        int err = finish(outs[i]);
        if (err && st == CM_OK) {
            report_failure(outs[i], err, diag);
            st = CM_ERR_IO;
        }
    }
    if (st != CM_OK) {
        for (size_t i = 0; i < n; i++)
            cm_outfile_abort(outs[i]);
        return st;
    }
    sigset_t saved;
    cm_signals_block(&saved);
    for (size_t i = 0; i < n; i++) {
        cm_outfile *out = outs[i];
        if (!out->tmp)
            continue;
        keep_mode(out->tmp, out->path);
        if (st == CM_OK && rename(out->tmp, out->path) == 0) {
            cm_cleanup_committed();
            cm_cleanup_remove(out->cleanup);
            continue;
        }
        if (st == CM_OK) {
            report_failure(out, errno, diag);
            st = CM_ERR_IO;
        }
        unlink(out->tmp);
        cm_cleanup_remove(out->cleanup);
    }
    cm_signals_restore(&saved);
    for (size_t i = 0; i < n; i++)
        release(outs[i]);
    return st;
}

cm_status cm_outfile_hold(cm_outfile *out, cm_diag *diag)
{
    int err = finish(out);
    if (err) {
        report_failure(out, err, diag);
        cm_outfile_abort(out);
        return CM_ERR_IO;
    }
    if (out->tmp && nheld < MAX_HELD) {
        sigset_t saved;
        cm_signals_block(&saved);
        held[nheld++] = out;
        out->held = 1;
        cm_signals_restore(&saved);
    }
    return CM_OK;
}

cm_status cm_outfile_commit(cm_outfile *out, cm_diag *diag)
{
    if (out->held)
        unhold(out);
    if (out->renamed || (!out->fp && !out->rename_err && !out->tmp)) {
        release(out); /* renamed with the file it was held for, or a stream */
        return CM_OK;
    }
    if (out->rename_err) {
        report_failure(out, out->rename_err, diag);
        cm_outfile_abort(out);
        return CM_ERR_IO;
    }
    if (!out->fp) {
        /* Held, but nothing was installed: rename it now. */
        sigset_t saved;
        cm_signals_block(&saved);
        keep_mode(out->tmp, out->path);
        int err = rename(out->tmp, out->path) == 0 ? 0 : errno;
        if (!err) {
            cm_cleanup_committed();
            cm_cleanup_remove(out->cleanup);
        }
        cm_signals_restore(&saved);
        if (err) {
            report_failure(out, err, diag);
            cm_outfile_abort(out);
            return CM_ERR_IO;
        }
        release(out);
        return CM_OK;
    }
    cm_outfile *outs[1] = {out};
    return cm_outfile_commit_all(outs, 1, diag);
}

cm_status cm_copy_to_stream(const char *from, const char *path, cm_diag *diag)
{
    cm_loc loc = {path, 0, 0};
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "cannot read the finished workbook: %s",
                       strerror(errno));
        return CM_ERR_IO;
    }
    int out = open_stream_fd(path);
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
    if (!err)
        err = cut_here(out);
    if (close(out) != 0 && !err)
        err = errno;
    if (err) {
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "write failed: %s", strerror(err));
        return CM_ERR_IO;
    }
    return CM_OK;
}

bool cm_file_key_of(const char *path, cm_file_key *key)
{
    memset(key, 0, sizeof *key);
    key->path = path;
    struct stat sb;
    int dfd = path && *path ? cm_output_descriptor(path) : -1;
    if (dfd >= 0) {
        if (fstat(dfd, &sb) != 0)
            return false;
        key->exists = true;
        key->dev = (uint64_t)sb.st_dev;
        key->ino = (uint64_t)sb.st_ino;
        return true;
    }
    if (!path || !*path)
        return false;
    if (stat(path, &sb) == 0) {
        key->exists = true;
        key->dev = (uint64_t)sb.st_dev;
        key->ino = (uint64_t)sb.st_ino;
    }
    if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode)) {
        key->link = true;
        key->ldev = (uint64_t)sb.st_dev;
        key->lino = (uint64_t)sb.st_ino;
    }
    const char *base = base_of(path);
    char *dir = dir_of(path);
    if (dir && *base && strlen(base) < sizeof key->name && stat(dir, &sb) == 0) {
        key->entry = true;
        key->ddev = (uint64_t)sb.st_dev;
        key->dino = (uint64_t)sb.st_ino;
        memcpy(key->name, base, strlen(base) + 1);
    }
    free(dir);
    return key->exists || key->link || key->entry;
}

bool cm_file_key_same(const cm_file_key *a, const cm_file_key *b)
{
    if (a->exists && b->exists && a->dev == b->dev && a->ino == b->ino)
        return true;
    if (a->link && b->link && a->ldev == b->ldev && a->lino == b->lino)
        return true;
    return a->entry && b->entry && a->ddev == b->ddev && a->dino == b->dino &&
           strcmp(a->name, b->name) == 0;
}
