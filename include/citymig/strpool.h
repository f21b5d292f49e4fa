/*
 * strpool.h - interned strings: each distinct string is stored once and
 * named by a small integer id.
 *
 * Ids start at 1; 0 means "no string" (a missing optional text field, or an
 * allocation failure where a function says so). Strings are NUL-terminated
 * copies owned by the pool; their pointers stay valid until cm_strpool_free.
 * Memory grows with the number and length of distinct strings only.
 */
#ifndef CITYMIG_STRPOOL_H
#define CITYMIG_STRPOOL_H

#include <stddef.h>
#include <stdint.h>

typedef struct cm_strpool cm_strpool;

/** A new, empty pool, or NULL when out of memory. Free with cm_strpool_free. */
cm_strpool *cm_strpool_new(void);

/** Frees the pool and every string in it; NULL is a no-op. */
void cm_strpool_free(cm_strpool *pool);

/** The id of s[0..len), adding a copy if new; 0 when out of memory. */
uint32_t cm_strpool_intern(cm_strpool *pool, const char *s, size_t len);

/** The id of s[0..len) if present, else 0. Never adds. */
uint32_t cm_strpool_find(const cm_strpool *pool, const char *s, size_t len);

/** The string of an id (NUL-terminated), or "" for 0 or an unknown id. */
const char *cm_strpool_str(const cm_strpool *pool, uint32_t id);

/** The length in bytes of the string of an id. */
size_t cm_strpool_len(const cm_strpool *pool, uint32_t id);

/** The number of distinct strings. */
size_t cm_strpool_count(const cm_strpool *pool);

#endif
