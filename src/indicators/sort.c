/*
 * sort.c - the results in their documented order: area_id, year,
 * base_year, kind, service, indicator in registry order, origin; strings in
 * byte order, an empty one first (but age groups, in the service field,
 * by their lowest age: their ranks are reordered by age_order_ranks). The results are computed area
 * by area in that order (compute.c), so what is sorted here is one area's results at a time: the
 * segment an area added to the end of a batch.
 */
#define _GNU_SOURCE /* qsort_r */
#include <stdlib.h>
#include <string.h>

#include "engine.h"

static int by_string(const void *a, const void *b, void *ctx)
{
    const cm_strpool *pool = ctx;
    return strcmp(cm_strpool_str(pool, *(const uint32_t *)a),
                  cm_strpool_str(pool, *(const uint32_t *)b));
}

/* The rank of every pooled string in byte order, from 1 (0, no string,
   ranks first): sorting then compares integers, not strings. */
uint32_t *string_ranks(const cm_strpool *pool)
{
    size_t n = cm_strpool_count(pool);
    uint32_t *ids = malloc((n ? n : 1) * sizeof *ids), *rank = calloc(n + 1, sizeof *rank);
    if (!ids || !rank) {
        free(ids);
        free(rank);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        ids[i] = (uint32_t)(i + 1);
    qsort_r(ids, n, sizeof *ids, by_string, (void *)pool);
    for (size_t i = 0; i < n; i++)
        rank[ids[i]] = (uint32_t)(i + 1);
    free(ids);
    return rank;
}

/* The order of the results (area_id, year, base_year, kind, service,
   indicator in registry order, origin; strings by their rank in byte
   order, an empty one first) packed into three words, the last ending with
   the result's index, so that no two keys are equal. */

static bool key_less(const sort_key *a, const sort_key *b)
{
    if (a->k[0] != b->k[0])
        return a->k[0] < b->k[0];
    if (a->k[1] != b->k[1])
        return a->k[1] < b->k[1];
    return a->k[2] < b->k[2];
}

static void swap_keys(sort_key *a, sort_key *b)
{
    sort_key t = *a;
    *a = *b;
    *b = t;
}

/* keys[i] into place below it, as a heap of n keys rooted at 0 wants. */
static void sift_down(sort_key *keys, size_t i, size_t n)
{
    for (size_t child; (child = 2 * i + 1) < n; i = child) {
        if (child + 1 < n && key_less(&keys[child], &keys[child + 1]))
            child++;
        if (!key_less(&keys[i], &keys[child]))
            return;
        swap_keys(&keys[i], &keys[child]);
    }
}

/*
 * Sorts keys[0..n) in place: quicksort on the median of three, insertion
 * sort for short ranges, heapsort past a depth of 2 log2 n (so never
 * quadratic). No two keys are equal, so any correct sort gives the same
 * order, and no memory beside the keys is needed.
 */
static void sort_keys(sort_key *keys, size_t n, unsigned depth)
{
    while (n > 16) {
        if (depth-- == 0) {
            for (size_t i = n / 2; i-- > 0;)
                sift_down(keys, i, n);
            for (size_t end = n - 1; end > 0; end--) {
                swap_keys(&keys[0], &keys[end]);
                sift_down(keys, 0, end);
            }
            return;
        }
        size_t mid = n / 2;
        if (key_less(&keys[mid], &keys[0]))
            swap_keys(&keys[mid], &keys[0]);
        if (key_less(&keys[n - 1], &keys[0]))
            swap_keys(&keys[n - 1], &keys[0]);
        if (key_less(&keys[n - 1], &keys[mid]))
            swap_keys(&keys[n - 1], &keys[mid]);
        sort_key pivot = keys[mid];
        size_t i = 0, j = n - 1;
        for (;;) {
            while (key_less(&keys[i], &pivot))
                i++;
            while (key_less(&pivot, &keys[j]))
                j--;
            if (i >= j)
                break;
            swap_keys(&keys[i++], &keys[j--]);
        }
        /* [0, j] and [j + 1, n): the shorter by recursion, the longer here. */
        size_t left = j + 1;
        if (left < n - left) {
            sort_keys(keys, left, depth);
            keys += left;
            n -= left;
        } else {
            sort_keys(keys + left, n - left, depth);
            n = left;
        }
    }
    for (size_t i = 1; i < n; i++) {
        sort_key k = keys[i];
        size_t j = i;
        for (; j > 0 && key_less(&k, &keys[j - 1]); j--)
            keys[j] = keys[j - 1];
        keys[j] = k;
    }
}

/* A year as 16 bits of a key: 0 stays 0 (no base year), the others keep
   their order. */
static uint64_t year_key(int32_t year)
{
    return year ? (uint64_t)(year - CM_YEAR_MIN + 1) : 0;
}

/*
 * Sorts the results [from, count): small keys are sorted in place, then the
 * results are moved into place along the cycles of the permutation (no
 * second copy of the results, no merge buffer). The keys live in the
 * sorter, grown as a segment needs. CM_ERR_NOMEM; CM_ERR_INTERNAL for a
 * year the inputs could not have given.
 */
cm_status sort_segment(sorter *so, cm_results *out, size_t from, const uint32_t *rank)
{
    size_t n = out->count - from;
    if (n < 2)
        return CM_OK;
    if (n > UINT32_MAX)
        return CM_ERR_NOMEM;
    if (n > so->cap) {
        size_t cap = so->cap ? so->cap : 256;
        while (cap < n)
            cap *= 2;
        sort_key *keys = realloc(so->keys, cap * sizeof *keys);
        if (!keys)
            return CM_ERR_NOMEM;
        so->keys = keys;
        so->cap = cap;
    }
    sort_key *keys = so->keys;
    cm_result *items = out->items + from;
    for (size_t i = 0; i < n; i++) {
        const cm_result *r = &items[i];
        if (r->year < CM_YEAR_MIN || r->year > CM_YEAR_MAX ||
            (r->base_year && (r->base_year < CM_YEAR_MIN || r->base_year > CM_YEAR_MAX)))
            return CM_ERR_INTERNAL;
        keys[i].k[0] =
            (uint64_t)rank[r->area] << 32 | year_key(r->year) << 16 | year_key(r->base_year);
        keys[i].k[1] = (uint64_t)(uint8_t)(r->kind + 128) << 56 | (uint64_t)rank[r->service] << 24 |
                       (uint64_t)r->indicator << 8;
        keys[i].k[2] = (uint64_t)rank[r->origin] << 32 | i;
    }
    unsigned depth = 0;
    for (size_t m = n; m; m >>= 1)
        depth += 2;
    sort_keys(keys, n, depth);
    /* Position i takes the result at the index in keys[i]; each cycle of
       that permutation is walked once, marking its positions done. */
    for (size_t i = 0; i < n; i++) {
        size_t from_i = (uint32_t)keys[i].k[2];
        if (from_i == i || keys[i].k[2] == UINT64_MAX)
            continue;
        cm_result held = items[i];
        size_t at = i;
        while (from_i != i) {
            items[at] = items[from_i];
            keys[at].k[2] = UINT64_MAX;
            at = from_i;
            from_i = (uint32_t)keys[at].k[2];
        }
        items[at] = held;
        keys[at].k[2] = UINT64_MAX;
    }
    return CM_OK;
}

void sorter_free(sorter *so)
{
    free(so->keys);
    so->keys = NULL;
    so->cap = 0;
}
