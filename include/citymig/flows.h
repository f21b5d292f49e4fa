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
 *
 * Besides the sums, an aggregate keeps:
 *
 *   - where each cell's inflow and outflow were first added to: the line
 *     and input of the first row (in file order, and in the order of the
 *     inputs), for messages about the sums;
 *   - the interval of each year and kind: the years its counts cover, as
 *     an interval column states it (1 when none does);
 *   - the system of zones of each year, declared before any row is added
 *     (a manifest's list, or the areas of a level of areas.csv): for the
 *     internal flows of a year that has one, each cell also sums the part
 *     of its inflow that comes from outside the zones, and of its outflow
 *     that goes outside them.
 */
#ifndef CITYMIG_FLOWS_H
#define CITYMIG_FLOWS_H

#include <stdbool.h>
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
    /* Internal flows of a year with a declared system of zones: the part of
       inflow whose origin is not a zone of the year, and the part of
       outflow whose destination is not one. 0 for international flows and
       for years with no system. Never more than inflow and outflow. */
    int64_t in_outside;
    int64_t out_outside;
    /* The first row that added to inflow (outflow): its line and its input
       (an index for cm_flows_source_name). 0 when none did. */
    uint64_t in_line;
    uint64_t out_line;
    uint16_t in_source;
    uint16_t out_source;
} cm_flow_cell;

typedef struct cm_flows_stats {
    uint64_t rows; /* data rows read */
    uint64_t rows_by_kind[CM_KIND_COUNT];
    int64_t persons_by_kind[CM_KIND_COUNT]; /* moves counted, stayers excluded */
    uint64_t stayer_rows;
    int64_t stayer_persons;
} cm_flows_stats;

/** The years of the year range, as array indexes. */
#define CM_FLOWS_YEARS (CM_YEAR_MAX - CM_YEAR_MIN + 1)

struct cm_flows_more;
struct cm_pairs;

typedef struct cm_flows {
    cm_flow_cell *cells;
    size_t count, cap;
    uint32_t *slots; /* cell index + 1; 0 = empty */
    size_t mask;
    cm_flows_stats stats;
    /* The years the counts of each year and kind cover, as a row's interval
       states it: [year - CM_YEAR_MIN][kind]; 0 when no row stated one (read
       as 1: see cm_flows_interval). */
    uint8_t interval[CM_YEAR_MAX - CM_YEAR_MIN + 1][CM_KIND_COUNT];
    struct cm_flows_more *more; /* inputs, places and zones: through the functions below */
    /* The sums by age group (ages.h), where the flows have an age column;
       NULL otherwise. Owned. */
    struct cm_flow_ages *ages;
} cm_flows;

/** A new, empty aggregate (NULL when out of memory). */
cm_flows *cm_flows_new(void);

/** Frees it; NULL is a no-op. */
void cm_flows_free(cm_flows *flows);

/** Where a row was read: its line, and its input (cm_flows_source). */
typedef struct cm_flows_place {
    uint64_t line; /* 0: not known */
    uint16_t source;
} cm_flows_place;

/*
 * The index of the input named name (as shown in messages) among the
 * aggregate's inputs, added when new: the first is 0. -1 when out of memory
 * or past 65,536 inputs.
 */
int cm_flows_source(cm_flows *flows, const char *name);

/** The name of input source, or "" when there is no such input. */
const char *cm_flows_source_name(const cm_flows *flows, unsigned source);

/** Outcome of adding one row. */
typedef enum cm_flows_add_result {
    CM_FLOWS_ADDED,
    CM_FLOWS_STAYER,   /* origin == destination: counted, not added */
    CM_FLOWS_OVERFLOW, /* a sum would pass 2^53: nothing added */
    CM_FLOWS_NOMEM
} cm_flows_add_result;

/** Adds one flow row (of no known place). */
cm_flows_add_result cm_flows_add(cm_flows *flows, int32_t year, uint32_t origin,
                                 uint32_t destination, cm_kind kind, cm_sex sex, int64_t count);

/*
 * Adds one flow row read at place: a cell whose inflow (outflow) it is the
 * first to add to keeps place as in_line and in_source (out_line and
 * out_source). The outside sums follow the zones declared (below). Nothing
 * is added when a sum, the outside sums among them, would pass 2^53.
 */
cm_flows_add_result cm_flows_add_at(cm_flows *flows, int32_t year, uint32_t origin,
                                    uint32_t destination, cm_kind kind, cm_sex sex, int64_t count,
                                    cm_flows_place place);

/*
 * Adds sums read elsewhere (another thread's share of the file) to the cell
 * of an area, year, kind and sex, creating it. The caller has checked that
 * no sum passes 2^53. Returns CM_ERR_NOMEM or CM_OK.
 */
cm_status cm_flows_merge(cm_flows *flows, uint32_t area, int32_t year, cm_kind kind, cm_sex sex,
                         int64_t inflow, int64_t outflow, uint64_t in_rows, uint64_t out_rows);

/** Sums of one cell read elsewhere, with their first places. */
typedef struct cm_flow_sums {
    int64_t inflow, outflow;
    uint64_t in_rows, out_rows;
    int64_t in_outside, out_outside;
    /* The first rows of each direction; used when in_rows (out_rows) > 0. */
    uint64_t in_line, out_line;
    uint16_t in_source, out_source;
} cm_flow_sums;

/*
 * As cm_flows_merge, with the outside sums and the first places: merged in
 * file order, the cell keeps the place of the first sums that had rows in
 * each direction. The caller has checked that no sum passes 2^53.
 */
cm_status cm_flows_merge_sums(cm_flows *flows, uint32_t area, int32_t year, cm_kind kind,
                              cm_sex sex, const cm_flow_sums *sums);

/*
 * Puts the cells in their canonical order, by year, area (interned id),
 * kind and sex, whatever order the rows came in: readers that walk the
 * cells then see the same sequence however the file was read.
 */
void cm_flows_sort(cm_flows *flows);

/** The cell of an area, year, kind and sex, or NULL. */
const cm_flow_cell *cm_flows_find(const cm_flows *flows, uint32_t area, int32_t year, cm_kind kind,
                                  cm_sex sex);

/* ---- The interval ---- */

/** The years the counts of a year and kind cover: as stated, else 1. */
int cm_flows_interval(const cm_flows *flows, int32_t year, cm_kind kind);

/** Where the interval of a year and kind was first stated (line 0: nowhere). */
cm_flows_place cm_flows_interval_place(const cm_flows *flows, int32_t year, cm_kind kind);

/*
 * Records that a row read at place states that the counts of its year and
 * kind cover `years` years (CM_INTERVAL_MIN to CM_INTERVAL_MAX). The first
 * statement is kept with its place. Returns false, changing nothing, when
 * an earlier row stated another interval (cm_flows_interval_place names
 * it) or years is out of range.
 */
bool cm_flows_state_interval(cm_flows *flows, int32_t year, cm_kind kind, int years,
                             cm_flows_place place);

/* ---- Systems of zones ----
 *
 * The zones of a year are declared before any row is added, by one of:
 *   cm_flows_declare_zone_list   the same list of areas for every year
 *   cm_flows_declare_zone_level  the areas of areas.csv of each year at a
 *                                level, or at the finest level present
 *                                that year
 * A year with no zones has no system: its outside sums stay 0.
 */

/*
 * Declares the zones of every year: ids[0..n) (interned area ids, in any
 * order, repeats ignored). CM_ERR_NOMEM, or CM_OK.
 */
cm_status cm_flows_declare_zone_list(cm_flows *flows, const uint32_t *ids, size_t n);

/*
 * Declares the zones of each year that areas has rows of: its areas of
 * that year at level (a cm_level), or, with level -1, at the finest level
 * present among that year's rows (district, then city, metro, country,
 * region, world). A year with no area at that level has no system.
 * explicit_level only changes the rule's text: the manifest asked for the
 * level. CM_ERR_NOMEM, or CM_OK.
 */
cm_status cm_flows_declare_zone_level(cm_flows *flows, const cm_table *areas, int level,
                                      bool explicit_level);

/** True when a system of zones is declared for year. */
bool cm_flows_system_declared(const cm_flows *flows, int32_t year);

/*
 * The zones of year as interned ids, ascending (zones with no flow row
 * included), in *ids; returns how many (0, *ids NULL, with no system).
 */
size_t cm_flows_zones(const cm_flows *flows, int32_t year, const uint32_t **ids);

/** True when area is a zone of year. */
bool cm_flows_is_zone(const cm_flows *flows, uint32_t area, int32_t year);

/*
 * How the zones of year were declared, for messages and reports: "the
 * manifest's zones", "areas.csv, level city", "areas.csv, level city
 * (zone_level)", or "no zones declared".
 */
const char *cm_flows_zone_rule(const cm_flows *flows, int32_t year);

/*
 * For the zones of a list: true when a row added (a stayer's too) named
 * area as its origin or destination. False for any other area.
 */
bool cm_flows_zone_named(const cm_flows *flows, uint32_t area);

/* Marks a zone of the list as named by a row (as cm_flows_add_at does);
   for readers that add rows by other means. */
void cm_flows_note_named(cm_flows *flows, uint32_t area);

/* ---- Pairs of origin and destination (pairs.h) ----
 *
 * Kept only when asked for before any row is added: each row that is no
 * stayer then also adds to the sum of its (year, kind, sex, origin,
 * destination). cm_flows_sort puts them in order too.
 */

/** Keeps the pairs from now on. CM_ERR_NOMEM, or CM_OK. */
cm_status cm_flows_keep_pairs(cm_flows *flows);

/** The pairs, or NULL when they are not kept. */
const struct cm_pairs *cm_flows_pairs(const cm_flows *flows);

#endif
