/*
 * faultio.c - an LD_PRELOAD shim that injects file-system faults at the
 * moment an output is put in place, for the end-to-end cases:
 *
 *   CITYMIG_FAULT_RMDIR=1    rename() first removes the directory of its
 *                            destination (and everything in it): the output
 *                            directory vanishes while the run is writing
 *   CITYMIG_FAULT_FSYNC=N    fsync() fails with errno N (5: EIO, 28: ENOSPC)
 *   CITYMIG_FAULT_READ=N     read() fails with EIO once N bytes were read:
 *                            a disk error in the middle of an input
 *
 * Only a process named citymig is affected: a launcher in between (such
 * as valgrind's) reads and renames as usual.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int is_citymig(void)
{
    return strcmp(program_invocation_short_name, "citymig") == 0;
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char path[PATH_MAX];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        int n = snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (n > 0 && (size_t)n < sizeof path)
            unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

int rename(const char *from, const char *to)
{
    static int (*real)(const char *, const char *);
    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "rename");
    const char *want = getenv("CITYMIG_FAULT_RMDIR");
    if (want && *want == '1' && is_citymig()) {
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%s", to);
        char *slash = strrchr(dir, '/');
        if (slash) {
            *slash = '\0';
            remove_dir(dir);
        }
    }
    return real(from, to);
}

int fsync(int fd)
{
    static int (*real)(int);
    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "fsync");
    const char *want = getenv("CITYMIG_FAULT_FSYNC");
    if (want && atoi(want) > 0 && is_citymig()) {
        errno = atoi(want);
        return -1;
    }
    return real(fd);
}

ssize_t read(int fd, void *buf, size_t count)
{
    static ssize_t (*real)(int, void *, size_t);
    static long long done;
    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "read");
    const char *want = getenv("CITYMIG_FAULT_READ");
    if (want && fd > 2 && is_citymig()) {
        long long limit = atoll(want);
        if (done >= limit) {
            errno = EIO;
            return -1;
        }
        if ((long long)count > limit - done)
            count = (size_t)(limit - done);
    }
    ssize_t n = real(fd, buf, count);
    if (n > 0)
        done += n;
    return n;
}
