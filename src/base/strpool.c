/*
 * strpool.c - string interning with an open-addressing hash table.
 *
 * Strings live in large blocks (an arena), so interning allocates rarely and
 * pointers stay stable. The table holds ids; entry i-1 holds the pointer,
 * length and hash of id i, so growing the table never rehashes the bytes.
 */
#include "citymig/strpool.h"

#include <stdlib.h>
#include <string.h>

#include "citymig/hash.h"

enum { BLOCK_SIZE = 64 * 1024 };

typedef struct entry {
    const char *str;
    uint32_t len;
    uint32_t hash; /* low 32 bits of the full hash */
} entry;

typedef struct block {
    struct block *next;
    size_t used, size;
    char data[];
} block;

/* Ids interned lately, by the low bits of their hash: the same few
   strings interned again and again (the reason of a result, as the same
   sentence for many areas) are found without a probe of the whole table,
   which in a pool of a million ids misses the cache at every step. */
enum { RECENT = 64 };

struct cm_strpool {
    uint32_t recent[RECENT]; /* 0: none */
    entry *entries;          /* entries[id - 1] */
    uint32_t count, entries_cap;
    uint32_t *slots; /* 0: empty, else an id */
    uint32_t mask;   /* slot count - 1 (a power of two) */
    block *blocks;
};

cm_strpool *cm_strpool_new(void)
{
    cm_strpool *pool = calloc(1, sizeof *pool);
    if (!pool)
        return NULL;
    pool->mask = 255;
    pool->slots = calloc(pool->mask + 1, sizeof *pool->slots);
    if (!pool->slots) {
        free(pool);
        return NULL;
    }
    return pool;
}

void cm_strpool_free(cm_strpool *pool)
{
    if (!pool)
        return;
    for (block *b = pool->blocks, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(pool->entries);
    free(pool->slots);
    free(pool);
}

static uint32_t lookup(const cm_strpool *pool, const char *s, size_t len, uint64_t h,
                       uint32_t *slot)
{
    uint32_t i = (uint32_t)h & pool->mask;
    for (;;) {
        uint32_t id = pool->slots[i];
        if (id == 0) {
            *slot = i;
            return 0;
        }
        const entry *e = &pool->entries[id - 1];
        if (e->hash == (uint32_t)h && e->len == len && memcmp(e->str, s, len) == 0)
            return id;
        i = (i + 1) & pool->mask;
    }
}

uint32_t cm_strpool_find(const cm_strpool *pool, const char *s, size_t len)
{
    uint32_t slot;
    if (len > UINT32_MAX)
        return 0;
    return lookup(pool, s, len, cm_hash_bytes(s, len), &slot);
}

static int grow_slots(cm_strpool *pool)
{
    uint32_t new_mask = pool->mask * 2 + 1;
    uint32_t *slots = calloc((size_t)new_mask + 1, sizeof *slots);
    if (!slots)
        return -1;
    for (uint32_t id = 1; id <= pool->count; id++) {
        uint32_t i = pool->entries[id - 1].hash & new_mask;
        while (slots[i])
            i = (i + 1) & new_mask;
        slots[i] = id;
    }
    free(pool->slots);
    pool->slots = slots;
    pool->mask = new_mask;
    return 0;
}

static char *store(cm_strpool *pool, const char *s, size_t len)
{
    block *b = pool->blocks;
    if (!b || b->size - b->used < len + 1) {
        size_t size = len + 1 > BLOCK_SIZE / 4 ? len + 1 : BLOCK_SIZE;
        block *nb = malloc(sizeof *nb + size);
        if (!nb)
            return NULL;
        nb->used = 0;
        nb->size = size;
        if (b && size != BLOCK_SIZE) {
            /* A large string gets its own block behind the current one. */
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            pool->blocks = nb;
        }
        b = nb;
    }
    char *dst = b->data + b->used;
    memcpy(dst, s, len);
    dst[len] = '\0';
    b->used += len + 1;
    return dst;
}

uint32_t cm_strpool_intern(cm_strpool *pool, const char *s, size_t len)
{
    uint32_t slot;
    if (len > UINT32_MAX - 1 || pool->count == UINT32_MAX - 1)
        return 0;
    uint64_t h = cm_hash_bytes(s, len);
    uint32_t *recent = &pool->recent[(h >> 32) & (RECENT - 1)];
    if (*recent) {
        const entry *e = &pool->entries[*recent - 1];
        if (e->hash == (uint32_t)h && e->len == len && memcmp(e->str, s, len) == 0)
            return *recent;
    }
    uint32_t id = lookup(pool, s, len, h, &slot);
    if (id) {
        *recent = id;
        return id;
    }

    if (pool->count == pool->entries_cap) {
        uint32_t cap = pool->entries_cap ? pool->entries_cap * 2 : 64;
        entry *entries = realloc(pool->entries, (size_t)cap * sizeof *entries);
        if (!entries)
            return 0;
        pool->entries = entries;
        pool->entries_cap = cap;
    }
    char *copy = store(pool, s, len);
    if (!copy)
        return 0;
    pool->entries[pool->count] = (entry){copy, (uint32_t)len, (uint32_t)h};
    id = ++pool->count;
    pool->slots[slot] = id;
    /* Keep the load factor at or below one half. */
    if ((uint64_t)pool->count * 2 > pool->mask && grow_slots(pool) != 0) {
        /* The id is stored and findable; a failed grow only costs speed,
           but the table must never fill, so report the failure. */
        pool->slots[slot] = 0;
        pool->count--;
        return 0;
    }
    *recent = id;
    return id;
}

const char *cm_strpool_str(const cm_strpool *pool, uint32_t id)
{
    if (id == 0 || id > pool->count)
        return "";
    return pool->entries[id - 1].str;
}

size_t cm_strpool_len(const cm_strpool *pool, uint32_t id)
{
    if (id == 0 || id > pool->count)
        return 0;
    return pool->entries[id - 1].len;
}

size_t cm_strpool_count(const cm_strpool *pool)
{
    return pool->count;
}
