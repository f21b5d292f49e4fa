/*
 * table.h - typed, column-oriented tables with a key index.
 *
 * A table follows a schema (cm_table_def): named columns of a value type,
 * some required, some forming the key. Rows are added whole from a staging
 * array of cells; each column is one typed array plus a presence array, so
 * a missing value is never confused with zero. Text is interned in a
 * cm_strpool shared by every table of a dataset. The key index finds a row
 * by its key in constant time and exposes duplicates to the loader.
 *
 * The schemas of areas, stocks and services (SPEC 1.1, 1.2, 1.4) live here;
 * flows are never stored row by row (see flows.h).
 */
#ifndef CITYMIG_TABLE_H
#define CITYMIG_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "citymig/status.h"
#include "citymig/strpool.h"
#include "citymig/value.h"

/** The most columns a schema may have (staging arrays are this long). */
#define CM_TABLE_MAX_COLS 24
/** Key columns a table may have. */
#define CM_TABLE_MAX_KEY 5

/* Column flags. */
#define CM_COL_REQUIRED 1u /* the column must be in the header and the value present */
#define CM_COL_KEY      2u /* part of the table's key */
#define CM_COL_ID       4u /* an identifier: no spaces around it */
/* Stored only once a row gives it a value: until then its arrays are NULL
   (cm_column_has), and a table whose rows never give it costs nothing. */
#define CM_COL_LAZY     16u
#define CM_COL_OPTIONAL 8u /* the column may be absent and the value empty */

/** An enumeration: canonical names, with aliases mapping to the same code. */
typedef struct cm_enum_def {
    const char *const *names; /* canonical names, by code */
    size_t count;
    const char *const *aliases; /* alias, canonical, alias, canonical, ..., NULL */
    int default_code;           /* for an empty field; -1: none */
} cm_enum_def;

typedef struct cm_column_def {
    const char *name;
    cm_value_type type;
    unsigned flags;
    const cm_enum_def *enumdef; /* for CM_VALUE_ENUM */
} cm_column_def;

typedef struct cm_table_def {
    const char *name; /* "areas" */
    const char *file; /* "areas.csv" */
    const cm_column_def *cols;
    size_t ncols;
    size_t key[CM_TABLE_MAX_KEY]; /* column indexes of the key */
    size_t nkey;
} cm_table_def;

/** One value being staged for a row. */
typedef struct cm_cell {
    bool present;
    union {
        uint32_t text; /* interned id */
        int64_t count; /* count, signed count */
        double percent;
        int32_t year;
        uint8_t code; /* enum */
    } v;
} cm_cell;

typedef struct cm_column {
    union {
        uint32_t *text;
        int64_t *count;
        double *percent;
        int32_t *year;
        uint8_t *code;
        void *any;
    } v;
    uint8_t *present;
} cm_column;

/** Whether row has a value in column c (a lazy column may have no arrays). */
static inline bool cm_column_has(const cm_column *c, size_t row)
{
    return c->present && c->present[row];
}

typedef struct cm_table {
    const cm_table_def *def;
    cm_strpool *pool; /* shared, not owned */
    size_t nrows, cap;
    cm_column *cols;  /* def->ncols columns */
    uint64_t *line;   /* source line of each row */
    uint16_t *source; /* the input of each row: an index of sources */
    char **sources;   /* the names of the inputs rows came from, as in messages */
    size_t nsources;
    uint32_t *inconsistent; /* per row, a bit per column that failed a cross-field
                               check (kept under --keep-going); NULL: none did */
    uint32_t *estimated;    /* per row, a bit per column whose value its publisher
                               flags estimated or provisional (e, p, f, s, u); NULL: none */
    uint32_t *breaks;       /* per row, a bit per column whose value its publisher
                               flags as the first after a break in series (b); NULL: none */
    uint64_t *slots;        /* key index: hash tag << 32 | row + 1, 0 = empty */
    size_t mask;
    /* While rows come grouped by their first two key columns: the current
       run's index and the runs ended (keyindex.c); slots holds nothing
       until cm_table_seal. NULL: slots holds every row. */
    struct cm_key_runs *runs;
    /* A stocks table with an age column: its age groups (ages.h); NULL:
       no row gave one. */
    struct cm_table_ages *ages;
} cm_table;

/* The schemas. Column indexes are given by the enums below. */
extern const cm_table_def cm_areas_def;
extern const cm_table_def cm_stocks_def;
extern const cm_table_def cm_services_def;
extern const cm_table_def cm_flows_def;

enum cm_areas_col {
    CM_AREAS_AREA_ID,
    CM_AREAS_NAME,
    CM_AREAS_LEVEL,
    CM_AREAS_PARENT_ID,
    CM_AREAS_YEAR,
    CM_AREAS_POPULATION,
    CM_AREAS_FOREIGN_BORN,
    CM_AREAS_FOREIGN_BORN_SHARE,
    CM_AREAS_FOREIGN_BORN_FEMALE,
    CM_AREAS_INTERNAL_MIGRANTS,
    CM_AREAS_URBAN_POPULATION,
    CM_AREAS_BIRTHS,
    CM_AREAS_DEATHS,
    CM_AREAS_NET_INTERNAL_MIGRATION,
    CM_AREAS_NET_INTERNATIONAL_MIGRATION,
    CM_AREAS_POP_0_14,
    CM_AREAS_POP_15_64,
    CM_AREAS_POP_65_PLUS,
    CM_AREAS_POPULATION_FEMALE,
    CM_AREAS_POPULATION_MALE,
    CM_AREAS_NCOLS
};

enum cm_stocks_col {
    CM_STOCKS_AREA_ID,
    CM_STOCKS_YEAR,
    CM_STOCKS_ORIGIN,
    CM_STOCKS_COUNT,
    CM_STOCKS_SEX,
    CM_STOCKS_AGE,
    CM_STOCKS_NCOLS
};

enum cm_services_col {
    CM_SERVICES_AREA_ID,
    CM_SERVICES_YEAR,
    CM_SERVICES_SERVICE,
    CM_SERVICES_GROUP,
    CM_SERVICES_POPULATION,
    CM_SERVICES_WITH_ACCESS,
    CM_SERVICES_ACCESS_RATE,
    CM_SERVICES_STANDARD_ERROR,
    CM_SERVICES_POLARITY,
    CM_SERVICES_NCOLS
};

enum cm_flows_col {
    CM_FLOWS_YEAR,
    CM_FLOWS_ORIGIN,
    CM_FLOWS_DESTINATION,
    CM_FLOWS_KIND,
    CM_FLOWS_COUNT,
    CM_FLOWS_SEX,
    CM_FLOWS_INTERVAL,
    CM_FLOWS_AGE,
    CM_FLOWS_NCOLS
};

/** The years a flows table's counts may cover (its interval column). */
#define CM_INTERVAL_MIN 1
#define CM_INTERVAL_MAX 50

/* Enumerations. */
typedef enum cm_level {
    CM_LEVEL_WORLD,
    CM_LEVEL_REGION,
    CM_LEVEL_COUNTRY,
    CM_LEVEL_METRO,
    CM_LEVEL_CITY,
    CM_LEVEL_DISTRICT,
    CM_LEVEL_COUNT
} cm_level;
typedef enum cm_kind { CM_KIND_INTERNAL, CM_KIND_INTERNATIONAL, CM_KIND_COUNT } cm_kind;
typedef enum cm_sex { CM_SEX_TOTAL, CM_SEX_FEMALE, CM_SEX_MALE, CM_SEX_COUNT } cm_sex;
typedef enum cm_group { CM_GROUP_MIGRANT, CM_GROUP_NATIVE, CM_GROUP_COUNT } cm_group;
/* What a services row's access_rate measures: access to the service, or
   its lack (a published rate of the uninsured, say). */
typedef enum cm_polarity { CM_POLARITY_ACCESS, CM_POLARITY_LACK, CM_POLARITY_COUNT } cm_polarity;

extern const cm_enum_def cm_level_enum;
extern const cm_enum_def cm_kind_enum;
extern const cm_enum_def cm_sex_enum;
extern const cm_enum_def cm_group_enum;
extern const cm_enum_def cm_polarity_enum;

/** The code of s[0..len) in an enumeration (case-insensitive), or -1. */
int cm_enum_lookup(const cm_enum_def *def, const char *s, size_t len);

/** The canonical name of a code. */
const char *cm_enum_name(const cm_enum_def *def, int code);

/** "world, region, country, ..." for messages. */
const char *cm_enum_list(const cm_enum_def *def, char *buf, size_t size);

/** A new empty table (NULL when out of memory). pool is shared, not owned. */
cm_table *cm_table_new(const cm_table_def *def, cm_strpool *pool);

/** Frees the table; NULL is a no-op. */
void cm_table_free(cm_table *table);

/*
 * Adds a row of def->ncols cells from source line `line`. When a row with
 * the same key exists, nothing is added, *dup is set to its index and CM_OK
 * is returned; otherwise *dup is set to SIZE_MAX. CM_ERR_NOMEM on failure.
 */
cm_status cm_table_add(cm_table *table, const cm_cell *cells, uint64_t line, size_t *dup);

/*
 * As cm_table_add, for a row read from the input named source (as shown in
 * messages; NULL: the table's first input). The row keeps which input it
 * came from (cm_table_source_name). CM_ERR_NOMEM also past 65,535 inputs.
 */
cm_status cm_table_add_at(cm_table *table, const cm_cell *cells, const char *source, uint64_t line,
                          size_t *dup);

/** The name of the input a row came from, or NULL when none was given. */
const char *cm_table_source_name(const cm_table *table, size_t row);

/** Marks column col of row as flagged by its publisher: a break in series
    (brk), else estimated or provisional. */
cm_status cm_table_mark_status(cm_table *table, size_t row, size_t col, bool brk);

/** Marks column col of row as inconsistent (failed a cross-field check). */
cm_status cm_table_mark_inconsistent(cm_table *table, size_t row, size_t col);

/** The first column where row differs from cells, or SIZE_MAX if none. */
size_t cm_table_row_diff(const cm_table *table, size_t row, const cm_cell *cells);

/** Reads one cell back; returns its presence. */
bool cm_table_get(const cm_table *table, size_t row, size_t col, cm_cell *out);

/*
 * The row whose key cells equal key[] (in key order), or SIZE_MAX. In
 * constant time once the table is sealed (or its rows did not come grouped
 * by their first two key columns); before, by reading every row.
 */
size_t cm_table_find(const cm_table *table, const cm_cell *key);

/*
 * Builds the whole key index of a table whose rows came grouped by their
 * first two key columns, for cm_table_find; rows may still be added.
 * CM_ERR_NOMEM leaves the table as it was.
 */
cm_status cm_table_seal(cm_table *table);

/** The row of an area and year in an areas table, or SIZE_MAX. */
size_t cm_areas_find(const cm_table *areas, uint32_t area_id, int32_t year);

/** Formats a cell's value for messages ("8173941", "36.7", "city"). */
const char *cm_cell_format(const cm_table_def *def, size_t col, const cm_cell *cell,
                           const cm_strpool *pool, char *buf, size_t size);

#endif
