/*
 * indicators.h - the indicator catalogue (SPEC 2) and its results.
 *
 * One descriptor per indicator, all in one registry (registry.c): id,
 * title, unit, scope, formula, inputs and edge cases. The documentation
 * (docs/indicators.md) and the workbook's Definitions sheet are generated
 * from the same descriptors.
 *
 * cm_indicators_compute() evaluates the whole catalogue over a loaded
 * dataset into a cm_results list: one row per subject (area and year; area,
 * year and kind; ...) and indicator. Every row has a flag. A value is
 * meaningful only when the flag is CM_FLAG_OK or CM_FLAG_PUBLISHED; any
 * other row has an empty value and says why in `reason`. No value is ever
 * NaN or infinite.
 */
#ifndef CITYMIG_INDICATORS_H
#define CITYMIG_INDICATORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "citymig/dataset.h"
#include "citymig/status.h"

typedef enum cm_flag {
    CM_FLAG_OK,           /* computed from the inputs */
    CM_FLAG_MISSING,      /* an input is absent */
    CM_FLAG_DIV0,         /* a zero denominator (or the log of zero) */
    CM_FLAG_SUPPRESSED,   /* a count below --min-count, or derived from one */
    CM_FLAG_PUBLISHED,    /* taken from a published figure, not computed */
    CM_FLAG_INCONSISTENT, /* an input failed a cross-field check (--keep-going) */
    CM_FLAG_COUNT
} cm_flag;

typedef enum cm_unit {
    CM_UNIT_PERCENT,           /* % */
    CM_UNIT_COUNT,             /* persons */
    CM_UNIT_RATIO,             /* a plain ratio */
    CM_UNIT_PER_1000,          /* per 1,000 residents */
    CM_UNIT_PERCENT_PER_YEAR,  /* % per year */
    CM_UNIT_INDEX,             /* a unitless index (hhi, shannon) */
    CM_UNIT_PP,                /* percentage points */
    CM_UNIT_PER_1000_PER_YEAR, /* per 1,000 residents per year */
    CM_UNIT_YEARS,             /* an age, in years */
    CM_UNIT_COUNT_
} cm_unit;

/* What an indicator is computed for. */
typedef enum cm_scope {
    CM_SCOPE_AREA,        /* an area in a year (areas.csv) */
    CM_SCOPE_GROWTH,      /* an area between two consecutive years */
    CM_SCOPE_SEGREGATION, /* a city over its districts, in a year */
    CM_SCOPE_PARTS,       /* an area over the areas it contains, in a year */
    CM_SCOPE_FLOW,        /* a destination area, a year and a kind */
    CM_SCOPE_SYSTEM,      /* the zones of an internal system, a year */
    CM_SCOPE_DIVERSITY,   /* an area in a year (stocks.csv) */
    CM_SCOPE_SERVICE,     /* an area, a year and a service */
    CM_SCOPE_COVERAGE,    /* an area in a year (services.csv) */
    CM_SCOPE_PARTNER,     /* an area, a year, a kind and a partner (the result's origin) */
    CM_SCOPE_AGE,         /* an area, a year, a kind and an age group (flows with ages) */
    CM_SCOPE_COUNT_
} cm_scope;

/** Flow kinds as reported: the two of cm_kind, and both together. */
#define CM_KIND_ALL  2
#define CM_KIND_NONE (-1)

typedef struct cm_indicator_def {
    const char *id;
    const char *title;
    cm_unit unit;
    cm_scope scope;
    const char *formula;    /* plain text, as documented */
    const char *inputs;     /* the columns it reads */
    const char *edge_cases; /* when it is empty, and why */
} cm_indicator_def;

/** The registry: every indicator, in output order. */
const cm_indicator_def *cm_indicator_defs(size_t *count);

/** The index of an indicator by id, or -1. */
int cm_indicator_find(const char *id);

const char *cm_flag_str(cm_flag flag);
const char *cm_unit_str(cm_unit unit);
const char *cm_scope_str(cm_scope scope);

/** One computed value. */
/* The fields are in an order that leaves no padding: 56 bytes a result
   (every result of a report is held). */
typedef struct cm_result {
    double value; /* meaningful for CM_FLAG_OK and CM_FLAG_PUBLISHED only */
    double numerator;
    double denominator;
    uint32_t area; /* interned area_id; 0 for the system level */
    int32_t year;
    int32_t base_year;  /* the earlier year of a growth indicator, else 0 */
    uint32_t service;   /* interned service, or the age group (CM_SCOPE_AGE), or 0 */
    uint32_t origin;    /* interned origin (top_origin_share) or partner, or 0 */
    uint32_t reason;    /* interned text: why the value is empty, or a note; 0: none */
    uint16_t indicator; /* index in the registry */
    int8_t kind;        /* CM_KIND_INTERNAL, _INTERNATIONAL, CM_KIND_ALL, CM_KIND_NONE */
    uint8_t flag;       /* cm_flag */
    bool has_numerator;
    bool has_denominator;
} cm_result;
_Static_assert(sizeof(cm_result) == 56, "cm_result without padding");

typedef struct cm_results {
    cm_result *items;
    size_t count, cap;
    cm_strpool *pool; /* the dataset's: ids above refer to it (not owned) */
} cm_results;

typedef struct cm_indicator_options {
    int64_t min_count; /* counts below it are suppressed; 0: off */
    int32_t year_from; /* keep results of these years only; 0: all */
    int32_t year_to;
    /* With the flows kept by origin and destination: the origins and the
       destinations listed per area, year and kind (the most moves first);
       0: CM_PARTNERS_DEFAULT. */
    int partners;
    /* The rows of each area's partners (origin_flow_share, ...): one per
       partner, so as many as the pairs; only when asked for (--pairs). */
    bool exchange;
} cm_indicator_options;

#define CM_PARTNERS_DEFAULT 5
#define CM_PARTNERS_MAX     1000

/*
 * Computes the whole catalogue over ds into *out (initialised here; free
 * with cm_results_free). Results are sorted: area_id, year, base_year,
 * kind, service (age groups by their lowest age), registry order, origin.
 * CM_ERR_NOMEM on failure.
 */
cm_status cm_indicators_compute(const cm_dataset *ds, const cm_indicator_options *opts,
                                cm_results *out);

/*
 * Takes a batch of results: whole areas, in the order of the results, each
 * batch after the one before. The batch is reused once the sink returns;
 * the sink copies what it keeps. A status other than CM_OK stops the
 * computation and is returned by cm_indicators_stream.
 */
typedef cm_status (*cm_results_sink)(void *ctx, const cm_results *batch);

/*
 * Computes the catalogue as cm_indicators_compute does, giving the results
 * to sink in batches instead of holding them: in memory, a batch of about
 * 65,536 results besides what the dataset holds. The concatenation of the
 * batches is what cm_indicators_compute returns.
 */
cm_status cm_indicators_stream(const cm_dataset *ds, const cm_indicator_options *opts,
                               cm_results_sink sink, void *ctx);

/** Frees the results' storage (not the pool). */
void cm_results_free(cm_results *results);

/** Name of a kind as printed ("internal", "international", "all", ""). */
const char *cm_kind_str(int kind);

#endif
