/*
 * flows.h - flows summed while streaming: never stored row by row.
 *
 * Each flow row (year, origin, destination, kind, sex, count) adds its count
 * to two cells: the destination's inflow and the origin's outflow, for that
 * year, kind and sex. Rows with the same key simply add up, as in a pivot
 * table. Memory grows with the number of distinct (area, year, kind, sex),
 * not with the number of rows. Rows whose origin is their destination are
 * stayers: they are counted, not added.
 *
 * Sums are exact integers; a sum past 2^53 (where doubles stop being exact)
 * is refused by cm_flows_add.
 */
#ifndef CITYMIG_FLOWS_H
#define CITYMIG_FLOWS_H

#include <stddef.h>
#include <stdint.h>

#include "citymig/status.h"
#include "citymig/table.h"

/** The flows of one area in one year, kind and sex. */
typedef struct cm_flow_cell {
    uint32_t area; /* interned id */
    int32_t year;
    uint8_t kind; /* cm_kind */
    uint8_t sex;  /* cm_sex */
    int64_t inflow;
    int64_t outflow;
    uint64_t in_rows; /* rows with this area as destination */
    uint64_t out_rows;
} cm_flow_cell;

typedef struct cm_flows_stats {
    uint64_t rows; /* data rows read */
    uint64_t rows_by_kind[CM_KIND_COUNT];
    int64_t persons_by_kind[CM_KIND_COUNT]; /* moves counted, stayers excluded */
    uint64_t stayer_rows;
    int64_t stayer_persons;
} cm_flows_stats;

typedef struct cm_flows {
    cm_flow_cell *cells;
    size_t count, cap;
    uint32_t *slots; /* cell index + 1; 0 = empty */
    size_t mask;
    cm_flows_stats stats;
} cm_flows;

/** A new, empty aggregate (NULL when out of memory). */
cm_flows *cm_flows_new(void);

/** Frees it; NULL is a no-op. */
void cm_flows_free(cm_flows *flows);

/** Outcome of adding one row. */
typedef enum cm_flows_add_result {
    CM_FLOWS_ADDED,
    CM_FLOWS_STAYER,   /* origin == destination: counted, not added */
    CM_FLOWS_OVERFLOW, /* a sum would pass 2^53: nothing added */
    CM_FLOWS_NOMEM
} cm_flows_add_result;

/** Adds one flow row. */
cm_flows_add_result cm_flows_add(cm_flows *flows, int32_t year, uint32_t origin,
                                 uint32_t destination, cm_kind kind, cm_sex sex, int64_t count);

/*
 * Adds sums read elsewhere (another thread's share of the file) to the cell
 * of an area, year, kind and sex, creating it. The caller has checked that
 * no sum passes 2^53. Returns CM_ERR_NOMEM or CM_OK.
 */
cm_status cm_flows_merge(cm_flows *flows, uint32_t area, int32_t year, cm_kind kind, cm_sex sex,
                         int64_t inflow, int64_t outflow, uint64_t in_rows, uint64_t out_rows);

/*
 * Puts the cells in their canonical order, by year, area (interned id),
 * kind and sex, whatever order the rows came in: readers that walk the
 * cells then see the same sequence however the file was read.
 */
void cm_flows_sort(cm_flows *flows);

/** The cell of an area, year, kind and sex, or NULL. */
const cm_flow_cell *cm_flows_find(const cm_flows *flows, uint32_t area, int32_t year, cm_kind kind,
                                  cm_sex sex);

#endif
