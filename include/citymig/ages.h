/*
 * ages.h - age groups as published ("0-14", "15-64", "65+", five-year
 * bands), and the flows summed by age group.
 *
 * An age group is written "A-B" (from A to B years, both included, A <= B)
 * or "A+" (A years and over), in whole years from 0 to CM_AGE_MAX. The
 * groups of a dataset may not overlap: each person is in one group. A
 * flows file with an age column gives an age group on every row; its rows
 * then also add, for their year, kind, sex and age group, to the
 * destination's inflow and the origin's outflow, kept beside the totals
 * (which are summed over the ages as before). Stayers are not added. A
 * stocks file with an age column gives an age group on every row of a
 * year or on none; its groups are kept with the table (cm_table_ages).
 */
#ifndef CITYMIG_AGES_H
#define CITYMIG_AGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "citymig/status.h"
#include "citymig/table.h"
#include "citymig/value.h"

/** The oldest age a group may name. */
#define CM_AGE_MAX 150
/** The upper end of an open group ("65+"). */
#define CM_AGE_OPEN (-1)
/** Age groups a dataset may have. */
#define CM_AGE_GROUPS_MAX 64

/*
 * Parses an age group: "A-B" (A <= B) or "A+", digits only, no spaces.
 * Sets *lo and *hi (CM_AGE_OPEN for "A+"); false when s is not one.
 */
bool cm_age_parse(const char *s, size_t len, int *lo, int *hi);

/* True when two groups share an age. */
bool cm_age_overlap(int lo_a, int hi_a, int lo_b, int hi_b);

/** One age group of a dataset. */
typedef struct cm_age_group {
    uint32_t label; /* interned, as written */
    int lo, hi;     /* hi CM_AGE_OPEN: lo and over */
    uint64_t line;  /* the first row that named it */
    uint16_t source;
} cm_age_group;

/** The age groups of a table, in the order they were first named. */
typedef struct cm_age_groups {
    cm_age_group groups[CM_AGE_GROUPS_MAX];
    size_t ngroups;
} cm_age_groups;

/** Outcome of naming an age group. */
typedef enum cm_age_group_result {
    CM_AGE_GROUP_OK,
    CM_AGE_GROUP_OVERLAP,  /* it shares ages with another group (*index names it) */
    CM_AGE_GROUP_TOO_MANY, /* past CM_AGE_GROUPS_MAX */
} cm_age_group_result;

/*
 * The index of the age group label (interned; lo and hi as cm_age_parse
 * gave them), added when new with its first line and source. A new group
 * that overlaps one named before is refused, *index naming that one.
 */
cm_age_group_result cm_age_groups_add(cm_age_groups *g, uint32_t label, int lo, int hi,
                                      uint64_t line, uint16_t source, int *index);

/** The index of the group labelled label (interned), or -1. */
int cm_age_groups_find(const cm_age_groups *g, uint32_t label);

/*
 * The age groups of a stocks table with an age column, and for each year
 * the first row that gave an age group and the first that gave none (line
 * 0: none yet): a year's rows give one on every row or on none.
 */
typedef struct cm_table_ages {
    cm_age_groups groups;
    struct cm_age_place {
        uint64_t line;
        uint16_t source;
    } with[CM_YEAR_MAX - CM_YEAR_MIN + 1], without[CM_YEAR_MAX - CM_YEAR_MIN + 1];
} cm_table_ages;

/** The flows of one area in one year, kind, sex and age group. */
typedef struct cm_age_cell {
    uint32_t area;
    int32_t year;
    uint8_t kind, sex, group;
    int64_t inflow, outflow;
    uint64_t in_rows, out_rows;
} cm_age_cell;

typedef struct cm_flow_ages cm_flow_ages;

/** A new, empty aggregate (NULL when out of memory). */
cm_flow_ages *cm_flow_ages_new(void);
void cm_flow_ages_free(cm_flow_ages *a);

/* The flows' age groups: as cm_age_groups_add. */
cm_age_group_result cm_flow_ages_group(cm_flow_ages *a, uint32_t label, int lo, int hi,
                                       uint64_t line, uint16_t source, int *index);

/** The groups, in the order they were first named; their count. */
size_t cm_flow_ages_groups(const cm_flow_ages *a, const cm_age_group **groups);

/*
 * Adds one row of an age group. A stayer (origin == destination) is not
 * added. The caller has added the row to the totals, so no sum passes
 * 2^53. CM_ERR_NOMEM or CM_OK.
 */
cm_status cm_flow_ages_add(cm_flow_ages *a, int32_t year, uint32_t origin, uint32_t destination,
                           cm_kind kind, cm_sex sex, int group, int64_t count);

/** The cell of an area, year, kind, sex and group, or NULL. */
const cm_age_cell *cm_flow_ages_find(const cm_flow_ages *a, uint32_t area, int32_t year,
                                     cm_kind kind, cm_sex sex, int group);

/*
 * The groups that rows of a year and kind name, as a mask of indexes
 * (bit i: group i); 0 when no row of them gave an age.
 */
uint64_t cm_flow_ages_mask(const cm_flow_ages *a, int32_t year, cm_kind kind);

#endif
