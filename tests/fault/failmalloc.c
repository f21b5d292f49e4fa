/*
 * failmalloc.c - an LD_PRELOAD shim for allocation-failure tests: the
 * CITYMIG_FAIL_ALLOC-th allocation (malloc, calloc, realloc, and the mmap and
 * mremap calls of the program and its libraries, counted from 1) fails, as
 * it would when memory runs out. At exit it prints to standard
 * error how many allocations were made and how many blocks are still live,
 * so a sweep can find leaks on error paths.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

static long calls, fail_at = -2, live;

static int abort_instead; /* CITYMIG_FAIL_ABORT: abort where it would fail (for gdb) */

static int failing(void)
{
    if (fail_at == -2) {
        const char *v = getenv("CITYMIG_FAIL_ALLOC");
        fail_at = v ? atol(v) : -1;
        abort_instead = getenv("CITYMIG_FAIL_ABORT") != NULL;
    }
    if (++calls == fail_at && abort_instead)
        abort();
    return calls == fail_at;
}

void *malloc(size_t n)
{
    if (failing()) {
        errno = ENOMEM; /* as the real allocator does */
        return NULL;
    }
    void *p = __libc_malloc(n);
    live += p != NULL;
    return p;
}

void *calloc(size_t n, size_t size)
{
    if (failing()) {
        errno = ENOMEM; /* as the real allocator does */
        return NULL;
    }
    void *p = __libc_calloc(n, size);
    live += p != NULL;
    return p;
}

void *realloc(void *old, size_t n)
{
    if (failing()) {
        errno = ENOMEM; /* as the real allocator does */
        return NULL;
    }
    void *p = __libc_realloc(old, n);
    if (!old && p)
        live++;
    else if (old && !p && n == 0)
        live--;
    return p;
}

void free(void *p)
{
    live -= p != NULL;
    __libc_free(p);
}

/* The C library's own mappings (its allocator's, thread stacks) do not
   come through here: it calls the system directly. */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    if (failing()) {
        errno = ENOMEM;
        return MAP_FAILED;
    }
    long p = syscall(SYS_mmap, addr, len, prot, flags, fd, off);
    if (p == -1)
        return MAP_FAILED;
    live++;
    return (void *)p;
}

void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...)
{
    if (failing()) {
        errno = ENOMEM;
        return MAP_FAILED;
    }
    long p = syscall(SYS_mremap, old, old_len, new_len, flags, NULL);
    return p == -1 ? MAP_FAILED : (void *)p;
}

int munmap(void *addr, size_t len)
{
    long r = syscall(SYS_munmap, addr, len);
    live -= r == 0;
    return (int)r;
}

static void put_number(long v)
{
    char buf[24];
    int i = sizeof buf;
    int neg = v < 0;
    unsigned long u = neg ? (unsigned long)(-v) : (unsigned long)v;
    do
        buf[--i] = (char)('0' + u % 10);
    while ((u /= 10) && i > 1);
    if (neg)
        buf[--i] = '-';
    ssize_t w = write(2, buf + i, sizeof buf - (size_t)i);
    (void)w;
}

static void report(void);

/* A child leaves with _exit, without destructors: report there too. Its
   count goes on from the fork, so the largest count reported is the run's. */
void _exit(int status)
{
    report();
    syscall(SYS_exit_group, status);
    for (;;)
        ;
}

__attribute__((destructor)) static void report(void)
{
    static const char a[] = "failmalloc: allocations ", b[] = " live ", c[] = "\n";
    ssize_t w = write(2, a, sizeof a - 1);
    put_number(calls);
    w = write(2, b, sizeof b - 1);
    put_number(live);
    w = write(2, c, sizeof c - 1);
    (void)w;
}
