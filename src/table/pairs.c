/*
 * pairs.c - the flows by origin and destination: an open-addressing hash
 * of sums keyed by (year, kind, sex, origin, destination), in a growing
 * array of their own (bigmem.h).
 */
#define _GNU_SOURCE /* qsort_r */
#include "citymig/pairs.h"

#include <stdlib.h>
#include <string.h>

#include "citymig/bigmem.h"
#include "citymig/hash.h"

cm_pairs *cm_pairs_new(void)
{
    cm_pairs *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->mask = 1023;
    p->slots = calloc(p->mask + 1, sizeof *p->slots);
    if (!p->slots) {
        free(p);
        return NULL;
    }
    return p;
}

void cm_pairs_free(cm_pairs *p)
{
    if (!p)
        return;
    cm_big_free(p->items, p->cap * sizeof *p->items);
    free(p->slots);
    cm_big_free(p->by_origin, p->cap * sizeof *p->by_origin);
    free(p);
}

static uint64_t hash_of(int32_t year, uint32_t origin, uint32_t destination, cm_kind kind,
                        cm_sex sex)
{
    uint64_t a = (uint64_t)origin << 32 | destination;
    uint64_t b = (uint64_t)(uint32_t)year << 16 | (uint64_t)kind << 8 | (uint64_t)sex;
    return cm_hash_mix(a ^ cm_hash_mix(b + 0x9e3779b97f4a7c15ULL));
}

static uint64_t hash_item(const cm_flow_pair *x)
{
    return hash_of(x->year, x->origin, x->destination, (cm_kind)x->kind, (cm_sex)x->sex);
}

static bool same(const cm_flow_pair *x, int32_t year, uint32_t origin, uint32_t destination,
                 cm_kind kind, cm_sex sex)
{
    return x->origin == origin && x->destination == destination && x->year == year &&
           x->kind == kind && x->sex == sex;
}

static void rehash(cm_pairs *p, uint32_t *slots, size_t mask)
{
    for (size_t n = 0; n < p->count; n++) {
        size_t i = (size_t)hash_item(&p->items[n]) & mask;
        while (slots[i])
            i = (i + 1) & mask;
        slots[i] = (uint32_t)(n + 1);
    }
}

bool cm_pairs_add(cm_pairs *p, int32_t year, uint32_t origin, uint32_t destination, cm_kind kind,
                  cm_sex sex, int64_t count)
{
    size_t i = (size_t)hash_of(year, origin, destination, kind, sex) & p->mask;
    for (; p->slots[i]; i = (i + 1) & p->mask) {
        cm_flow_pair *x = &p->items[p->slots[i] - 1];
        if (same(x, year, origin, destination, kind, sex)) {
            x->count += count;
            return true;
        }
    }
    if (p->count == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : CM_BIG_GRAIN / sizeof(cm_flow_pair);
        if (cap > UINT32_MAX - 1)
            return false;
        cm_flow_pair *items = cm_big_realloc(p->items, p->cap * sizeof *items, cap * sizeof *items);
        if (!items)
            return false;
        p->items = items;
        /* The index by origin is made when sorted, in room kept beside. */
        uint32_t *index = cm_big_realloc(p->by_origin, p->cap * sizeof *index, cap * sizeof *index);
        if (!index) {
            p->items = cm_big_realloc(items, cap * sizeof *items, p->cap * sizeof *items);
            return false;
        }
        p->by_origin = index;
        p->cap = cap;
    }
    if ((p->count + 1) * 2 > p->mask) {
        size_t mask = p->mask * 2 + 1;
        uint32_t *slots = calloc(mask + 1, sizeof *slots);
        if (!slots)
            return false;
        rehash(p, slots, mask);
        free(p->slots);
        p->slots = slots;
        p->mask = mask;
        i = (size_t)hash_of(year, origin, destination, kind, sex) & p->mask;
        while (p->slots[i])
            i = (i + 1) & p->mask;
    }
    p->items[p->count] =
        (cm_flow_pair){origin, destination, year, (uint8_t)kind, (uint8_t)sex, count};
    p->slots[i] = (uint32_t)++p->count;
    p->sorted = false;
    return true;
}

static int cmp_pairs(const void *a, const void *b)
{
    const cm_flow_pair *x = a, *y = b;
    if (x->year != y->year)
        return x->year < y->year ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    if (x->sex != y->sex)
        return x->sex < y->sex ? -1 : 1;
    if (x->destination != y->destination)
        return x->destination < y->destination ? -1 : 1;
    return x->origin < y->origin ? -1 : x->origin > y->origin;
}

/* The order of the index by origin (qsort_r: the items as context). */
static int cmp_by_origin(const void *a, const void *b, void *ctx)
{
    const cm_flow_pair *items = ctx;
    const cm_flow_pair *x = &items[*(const uint32_t *)a], *y = &items[*(const uint32_t *)b];
    if (x->year != y->year)
        return x->year < y->year ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    if (x->sex != y->sex)
        return x->sex < y->sex ? -1 : 1;
    if (x->origin != y->origin)
        return x->origin < y->origin ? -1 : 1;
    return x->destination < y->destination ? -1 : x->destination > y->destination;
}

void cm_pairs_sort(cm_pairs *p)
{
    if (p->count >= 2) {
        qsort(p->items, p->count, sizeof *p->items, cmp_pairs);
        memset(p->slots, 0, (p->mask + 1) * sizeof *p->slots);
        rehash(p, p->slots, p->mask);
    }
    for (size_t i = 0; i < p->count; i++)
        p->by_origin[i] = (uint32_t)i;
    if (p->count >= 2)
        qsort_r(p->by_origin, p->count, sizeof *p->by_origin, cmp_by_origin, p->items);
    p->sorted = true;
}

/* The first pair not before (year, kind, sex). */
static size_t lower(const cm_pairs *p, int32_t year, int kind, int sex)
{
    size_t lo = 0, hi = p->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const cm_flow_pair *x = &p->items[mid];
        bool before = x->year != year   ? x->year < year
                      : x->kind != kind ? x->kind < kind
                                        : x->sex < sex;
        if (before)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void cm_pairs_range(const cm_pairs *p, int32_t year, cm_kind kind, cm_sex sex, size_t *from,
                    size_t *to)
{
    *from = lower(p, year, (int)kind, (int)sex);
    *to = lower(p, year, (int)kind, (int)sex + 1);
}

/* Where (year, kind, sex, area) starts in items (by destination), or in
   the index by origin: the first entry not before it. */
static size_t lower_area(const cm_pairs *p, int32_t year, int kind, int sex, uint32_t area,
                         bool by_origin)
{
    size_t lo = 0, hi = p->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const cm_flow_pair *x = &p->items[by_origin ? p->by_origin[mid] : mid];
        uint32_t a = by_origin ? x->origin : x->destination;
        bool before = x->year != year   ? x->year < year
                      : x->kind != kind ? x->kind < kind
                      : x->sex != sex   ? x->sex < sex
                                        : a < area;
        if (before)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void area_range(const cm_pairs *p, int32_t year, cm_kind kind, cm_sex sex, uint32_t area,
                       bool by_origin, size_t *from, size_t *to)
{
    *from = *to = lower_area(p, year, (int)kind, (int)sex, area, by_origin);
    while (*to < p->count) {
        const cm_flow_pair *x = &p->items[by_origin ? p->by_origin[*to] : *to];
        if (x->year != year || x->kind != kind || x->sex != sex ||
            (by_origin ? x->origin : x->destination) != area)
            break;
        ++*to;
    }
}

void cm_pairs_into(const cm_pairs *p, int32_t year, cm_kind kind, cm_sex sex, uint32_t area,
                   size_t *from, size_t *to)
{
    area_range(p, year, kind, sex, area, false, from, to);
}

void cm_pairs_from(const cm_pairs *p, int32_t year, cm_kind kind, cm_sex sex, uint32_t area,
                   size_t *from, size_t *to)
{
    if (!p->sorted) {
        *from = *to = 0;
        return;
    }
    area_range(p, year, kind, sex, area, true, from, to);
}
