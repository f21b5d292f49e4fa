/*
 * pairs.h - the flows by origin and destination, kept only when asked for.
 *
 * The flow aggregate (flows.h) sums each row into its destination's inflow
 * and its origin's outflow; the pairs themselves are gone. The measures of
 * who exchanges with whom (spatial focusing, partners, the matrix) need
 * them, so an aggregate may also keep, when asked before any row is added,
 * one sum per (year, kind, sex, origin, destination) that has rows. Memory
 * grows with the distinct pairs that exist (about 40 bytes each, with the
 * hash and the index by origin), never with rows. Stayers (origin = destination) are no pair.
 */
#ifndef CITYMIG_PAIRS_H
#define CITYMIG_PAIRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "citymig/table.h"

/** The flows of one origin to one destination in a year, kind and sex. */
typedef struct cm_flow_pair {
    uint32_t origin, destination; /* interned ids */
    int32_t year;
    uint8_t kind; /* cm_kind */
    uint8_t sex;  /* cm_sex */
    int64_t count;
} cm_flow_pair;

typedef struct cm_pairs {
    cm_flow_pair *items; /* in the order of cm_pairs_sort once sorted */
    size_t count, cap;
    uint32_t *slots; /* item index + 1; 0 = empty */
    size_t mask;
    /* Once sorted: the items' indexes by year, kind, sex, origin and
       destination (room for cap of them). */
    uint32_t *by_origin;
    bool sorted;
} cm_pairs;

/** A new, empty set of pairs (NULL when out of memory). */
cm_pairs *cm_pairs_new(void);

/** Frees it; NULL is a no-op. */
void cm_pairs_free(cm_pairs *p);

/*
 * Adds count to the pair of its year, kind, sex, origin and destination,
 * creating it. The caller has checked that the sum stays within 2^53 (a
 * pair's sum is a part of its destination's inflow). false when out of
 * memory, with nothing changed.
 */
bool cm_pairs_add(cm_pairs *p, int32_t year, uint32_t origin, uint32_t destination, cm_kind kind,
                  cm_sex sex, int64_t count);

/*
 * Puts the pairs in their canonical order, by year, kind, sex,
 * destination and origin (interned ids), whatever order the rows came in,
 * and makes the index by origin.
 */
void cm_pairs_sort(cm_pairs *p);

/*
 * The pairs of year, kind and sex once sorted: items[*from, *to).
 */
void cm_pairs_range(const cm_pairs *p, int32_t year, cm_kind kind, cm_sex sex, size_t *from,
                    size_t *to);

/*
 * Once sorted, the pairs of year, kind and sex with destination area:
 * items[*from, *to), by origin. Empty when there are none.
 */
void cm_pairs_into(const cm_pairs *p, int32_t year, cm_kind kind, cm_sex sex, uint32_t area,
                   size_t *from, size_t *to);

/*
 * Once sorted, the pairs of year, kind and sex with origin area:
 * items[by_origin[*from]] to items[by_origin[*to - 1]], by destination.
 */
void cm_pairs_from(const cm_pairs *p, int32_t year, cm_kind kind, cm_sex sex, uint32_t area,
                   size_t *from, size_t *to);

#endif
