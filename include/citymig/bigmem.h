/*
 * bigmem.h - large, growing arrays in mappings of their own.
 *
 * A page fault is paid the first time each page of new memory is written:
 * for an array of tens of megabytes that is thousands of faults, and on
 * some virtual machines each costs microseconds. An array made here lives
 * in its own mapping, which the system is asked to back with huge pages
 * (one fault per 2 MiB, where transparent huge pages are offered), and
 * grows by remapping: no copy, and no second set of faults for the pages
 * already written. Pages never written cost nothing, so a generous
 * capacity is free. The memory starts zeroed.
 *
 * The caller keeps the size in bytes it asked for and passes it back.
 */
#ifndef CITYMIG_BIGMEM_H
#define CITYMIG_BIGMEM_H

#include <stddef.h>

/* Blocks come in whole multiples of this (a huge page): a first capacity
   of this many bytes costs no more than a smaller one. */
#define CM_BIG_GRAIN ((size_t)2 << 20)

/** A zeroed block of at least bytes, or NULL (errno ENOMEM). */
void *cm_big_alloc(size_t bytes);

/*
 * Grows or shrinks the block p of old_bytes (NULL: a new block) to
 * new_bytes, keeping its contents; NULL (errno ENOMEM) leaves p as it was.
 */
void *cm_big_realloc(void *p, size_t old_bytes, size_t new_bytes);

/** Frees the block p of bytes; NULL is a no-op. */
void cm_big_free(void *p, size_t bytes);

#endif
