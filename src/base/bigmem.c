/*
 * bigmem.c - large arrays in mappings of their own (see bigmem.h). On
 * systems without mremap the C allocator stands in.
 */
#define _GNU_SOURCE /* mremap */
#include "citymig/bigmem.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#if defined(MREMAP_MAYMOVE)

/* bytes rounded up to the grain; 0 when that overflows. */
static size_t mapped_size(size_t bytes)
{
    if (bytes > SIZE_MAX - CM_BIG_GRAIN)
        return 0;
    return bytes ? (bytes + CM_BIG_GRAIN - 1) / CM_BIG_GRAIN * CM_BIG_GRAIN : CM_BIG_GRAIN;
}

static void advise(void *p, size_t len)
{
#if defined(MADV_HUGEPAGE)
    (void)madvise(p, len, MADV_HUGEPAGE); /* advice: refused, nothing changes */
#else
    (void)p, (void)len;
#endif
}

void *cm_big_alloc(size_t bytes)
{
    size_t len = mapped_size(bytes);
    void *p = len ? mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                  : MAP_FAILED;
    if (p == MAP_FAILED) {
        errno = ENOMEM;
        return NULL;
    }
    advise(p, len);
    return p;
}

void *cm_big_realloc(void *p, size_t old_bytes, size_t new_bytes)
{
    if (!p)
        return cm_big_alloc(new_bytes);
    size_t old_len = mapped_size(old_bytes), new_len = mapped_size(new_bytes);
    if (!new_len) {
        errno = ENOMEM;
        return NULL;
    }
    if (new_len == old_len)
        return p;
    void *q = mremap(p, old_len, new_len, MREMAP_MAYMOVE);
    if (q == MAP_FAILED) {
        errno = ENOMEM;
        return NULL;
    }
    advise(q, new_len);
    return q;
}

void cm_big_free(void *p, size_t bytes)
{
    if (p)
        munmap(p, mapped_size(bytes));
}

#else

void *cm_big_alloc(size_t bytes)
{
    return calloc(1, bytes ? bytes : 1);
}

void *cm_big_realloc(void *p, size_t old_bytes, size_t new_bytes)
{
    unsigned char *q = realloc(p, new_bytes ? new_bytes : 1);
    if (q && new_bytes > old_bytes)
        memset(q + old_bytes, 0, new_bytes - old_bytes);
    return q;
}

void cm_big_free(void *p, size_t bytes)
{
    (void)bytes;
    free(p);
}

#endif
