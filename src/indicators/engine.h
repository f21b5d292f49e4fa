/*
 * engine.h - what the evaluators of the catalogue share (private to
 * src/indicators/).
 *
 * Inputs are read as in_val: a value and what is known of it (present,
 * missing, below --min-count, failed a cross-field check). Results are
 * emitted per subject and indicator, and one function, decide(), turns the
 * state of a result's inputs into its flag with one precedence everywhere:
 *
 *   missing > suppressed > inconsistent > div0 > ok
 *
 * Each scope has its own file: areas.c (composition and growth),
 * segregation.c (a city over its districts), parts.c (an area over the
 * areas it contains), flowcells.c
 * (flows resolved per cell, and their disclosure control), flowind.c (flow
 * indicators per area and per system), focusing.c (the spatial focusing of
 * a system), partners.c (who an area exchanges with), diversity.c,
 * services.c; sort.c
 * orders the results; compute.c runs them area by area.
 *
 * Results are computed one area at a time, in the order of the output
 * (area_id in byte order): each scope sorts its own work by the areas'
 * ranks once (a walker), and compute.c asks every walker in turn for the
 * work of the next area. The results of the system level (area 0) come
 * first. So the results are never held all at once: a batch of whole areas
 * goes to the caller's sink and is reused.
 */
#ifndef CITYMIG_INDICATORS_ENGINE_H
#define CITYMIG_INDICATORS_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "citymig/indicators.h"

/* IN_INEXACT: a sum of counts above 2^53, where doubles stop being exact. */
typedef enum in_state { IN_OK, IN_MISSING, IN_SUPPRESSED, IN_INCONSISTENT, IN_INEXACT } in_state;

/* One input value and what we know of it. */
typedef struct in_val {
    double v;
    in_state st;
    const char *name; /* for reasons: "foreign_born", "internal inflow" */
    const char *why;  /* when set, the whole reason (instead of one made from name) */
    uint8_t marks;    /* what the publisher flags of the values it comes from: IN_MARK_* */
} in_val;

/* Publishers' status flags on an input (manifest flags = yes): estimated or
   provisional, and the first value after a break in series. */
enum { IN_MARK_ESTIMATED = 1, IN_MARK_BREAK = 2 };

/* What a result is computed for. */
typedef struct subject {
    uint32_t area;
    int32_t year, base_year;
    int kind;
    uint32_t service, origin;
} subject;

typedef struct flowcells flowcells;

enum { ENGINE_FOUND = 64 };

typedef struct engine {
    const cm_dataset *ds;
    const cm_indicator_options *opts;
    cm_results *out; /* the batch: the areas computed since the last sink call */
    /* The rank of every string pooled before the results, in byte order
       (from 1; 0, no string, first): the order of areas, services and
       origins. */
    const uint32_t *rank;
    cm_status status;
    flowcells *fc; /* the flows resolved per cell (flowcells.c) */
    /* Whether areas.csv gives residents by sex in any row (sexes.c): 0 not
       yet known, 1 no, 2 yes. */
    int by_sex;
    /* emit's last lookups of an indicator id, by the id's address: the
       registry index of the id found there, checked again at each use (an
       id may be built in a buffer). */
    struct {
        const char *id;
        int index;
    } found[ENGINE_FOUND];
} engine;

/* ---- inputs (engine.c) ---- */

in_val in_missing(const char *name);
in_val in_known(double v, const char *name);
/* A sum of counts: known while exact, IN_INEXACT past 2^53. */
in_val in_sum(double v, const char *name);
/* A count that --min-count may suppress (0 < v < min_count). */
in_val in_count(const engine *e, bool present, int64_t v, const char *name);
/* A count column of an areas row (row SIZE_MAX: no row). */
in_val area_count(const engine *e, size_t row, size_t col);
/* The foreign-born share of an areas row as a fraction: computed, or the
   published share where the computed one lacks an input (foreign_born or
   the population); *published says which. NAN when the population is 0. */
in_val area_fb_fraction(const engine *e, size_t row, bool *published);
/* Areas rows that name a parent: by the parent's rank, year, own rank
   (a row_order's cmp). */
int rows_by_parent(const void *a, const void *b, void *ctx);
/* One area of those an area contains: its row, foreign-born and
   population (NAN when not known). */
typedef struct area_part {
    size_t row;
    double fb, t;
} area_part;
/*
 * The foreign-born and population of the areas rows[0..n), filled into d.
 * The state returned is the worst of their inputs, named after the first
 * area that has it ("foreign_born of district C1": word is "district"; the
 * text is written to why), or, all known, the sum of their population (as
 * in_sum: inexact past 2^53). *published: a published share was used.
 */
in_val child_counts(const engine *e, const size_t *rows, size_t n, const char *word, area_part *d,
                    bool *published, char *why, size_t why_size);
/* The rank of a state in the precedence: the higher, the more it says. */
int in_rank(in_state st);
/* The worse of two inputs by the precedence above, carrying value v. */
in_val in_combine(in_val a, in_val b, double v);
in_val in_add(in_val a, in_val b, const char *name);
in_val in_subtract(in_val a, in_val b, const char *name);

/* ---- results (engine.c) ---- */

/* A new result, or NULL (out of memory, or a year outside --year: the
   caller then skips it). */
cm_result *emit(engine *e, const subject *s, const char *id);

void note(engine *e, cm_result *r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * The one decision of a result's flag: from the combined state of its
 * inputs (missing, suppressed, inconsistent), then div0 when v is not
 * finite (div0_why says why), else ok with value v. Returns true when the
 * value was set.
 */
bool decide(engine *e, cm_result *r, in_val inputs, double v, const char *div0_why);

/* A value that is an input itself (a count). */
void put_count(engine *e, const subject *s, const char *id, in_val x);

/* scale * num / den, with the numerator and denominator shown where the
   result is not suppressed and each is known. */
cm_result *put_ratio(engine *e, const subject *s, const char *id, in_val num, in_val den,
                     double scale);

/* 100 * ln(b / a) / years, the UN World Urbanization Prospects rate; NAN
   unless both are above 0. */
double log_rate(double a, double b, int years);
void put_log_rate(engine *e, const subject *s, const char *id, in_val a, in_val b, int years);

/* A result taken from a published figure: flagged published. */
void mark_published(engine *e, cm_result *r, const char *what);

/* A result computed from a published figure: stays ok, with a note. */
void mark_from_published(engine *e, cm_result *r, const char *what);

/* ---- flows (flowcells.c, flowind.c) ---- */

cm_status flowcells_build(engine *e);
void flowcells_free(flowcells *fc);

/* The inflow and outflow of an area in a year and kind (0, 1 or
   CM_KIND_ALL), resolved per cell and after disclosure control. */
typedef struct flow_view {
    in_val in, out;
    in_val female, male; /* inflow by sex (both given), else missing */
} flow_view;
/* The outflow by sex of an area in a year and kind (both given, else
   missing), hidden where the outflow is. */
void flow_out_by_sex(const engine *e, uint32_t area, int32_t year, int kind, in_val *female,
                     in_val *male);
flow_view flow_view_of(const engine *e, uint32_t area, int32_t year, int kind);

/* Years the flows of a year and kind cover (1 unless stated); 0 for kind
   all when the two kinds differ. */
int flow_interval(const engine *e, int32_t year, int kind);

/* Net migration of an area, year and kind: flows, else the published
   net_*_migration of its areas row (row SIZE_MAX: none). */
in_val net_of(const engine *e, uint32_t area, int32_t year, int kind, size_t row, bool *published);

void eval_systems(engine *e);

/* The spatial focusing of the internal system of a year (focusing.c). */
void eval_focusing(engine *e, int32_t year);

/* Who an area exchanges with in a year and kind (partners.c): nothing
   unless the flows are kept by origin and destination. */
void eval_partners(engine *e, uint32_t area, int32_t year, int kind);

/* A count over the flows' interval as a yearly average (flowind.c): x / interval;
   missing, with why (of size bytes) saying so, when interval is 0 (kind all over
   kinds of different intervals). */
in_val per_year(in_val x, int interval, char *why, size_t size, int32_t year);
/* The note of a rate computed from flows of more than one year. */
void annual(engine *e, cm_result *r, int interval);

/* ---- migrants by age (ages.c) ---- */

/* The age indicators of an area, year and kind (0 or 1) whose flows give
   age groups (row: the areas row of the area and year, SIZE_MAX: none). */
void eval_ages(engine *e, uint32_t area, int32_t year, int kind, size_t row, int interval);
/* Reorders the ranks of the age groups' labels by their lowest age. */
void age_order_ranks(const cm_dataset *ds, uint32_t *rank);
/* The foreign-born by age of one area and year's stock rows order[from..to)
   (ages.c), from a stocks file with an age column. */
void eval_stock_ages(engine *e, const size_t *order, size_t from, size_t to);
/* One stock's count from its rows order[from..to) of one origin and age
   group: T, else F + M; false, with *only_sex the one sex given, else. */
bool stock_count(const cm_table *t, const size_t *order, size_t from, size_t to, double *count,
                 int *only_sex);

/* ---- residents and migrants by sex (sexes.c) ---- */

/* The sex ratios of an areas row. */
void put_sex_ratios(engine *e, const subject *s, size_t row);
/* The rates of arrivals and departures by sex, over the residents of that
   sex (row: the areas row of the area and year, SIZE_MAX: none); only
   where areas.csv gives residents by sex in some row. */
void put_sex_rates(engine *e, const subject *s, const flow_view *fv, size_t row, int interval);

/* The zones of the internal system of a year (flowcells.c). */
typedef struct zone_info {
    uint32_t area;
    in_val in, out;               /* all moves in and out (as the area's rows show) */
    in_val in_inside, out_inside; /* of which between zones */
} zone_info;
size_t system_zones(const engine *e, int32_t year, const zone_info **zones, bool *declared,
                    const char **rule, bool *protectable);

/* ---- the scopes of an area, walked in the order of areas ----
 *
 * A walker holds one scope's work sorted by the rank of its area. next
 * gives the rank of the area of its next work (UINT32_MAX when there is
 * none left); eval computes all the work of that area and moves past it.
 * Each *_walker function fills w (CM_ERR_NOMEM, or CM_OK).
 */
typedef struct walker {
    void *plan;
    uint32_t (*next)(const engine *e, const void *plan);
    void (*eval)(engine *e, void *plan);
    void (*free)(void *plan);
} walker;

/* The rows of a table by the rank of their area (and then as cmp orders
   them; qsort_r, the engine as its context), with a cursor: the plan of
   the walkers of areas and stocks (engine.c). cmp must order by the rank
   of area_col's value first; within, when given, gives each row a key
   that orders the rows of one area as cmp does. */
typedef struct row_order {
    const cm_table *t;
    size_t area_col;
    size_t *order;
    size_t n, at;
} row_order;

/* The rows that keep accepts (NULL: every row). NULL when out of memory. */
row_order *row_order_new(engine *e, const cm_table *t, size_t area_col,
                         bool (*keep)(const cm_table *t, size_t row),
                         int (*cmp)(const void *, const void *, void *),
                         uint64_t (*within)(const engine *e, size_t row));
/* A walker's next: the rank of the area of the row at the cursor. */
uint32_t row_order_next(const engine *e, const void *plan);
/* The end of the rows of the area at the cursor. */
size_t row_order_area_end(const row_order *p);
void row_order_free(void *plan);

cm_status areas_walker(engine *e, walker *w);
cm_status flows_walker(engine *e, walker *w);
cm_status stocks_walker(engine *e, walker *w);
cm_status services_walker(engine *e, walker *w);
cm_status segregation_walker(engine *e, walker *w);
cm_status parts_walker(engine *e, walker *w);

/* ---- order (sort.c) ---- */

/* The rank of every pooled string in byte order, from 1 (index 0, no
   string, ranks 0); free() it. NULL when out of memory. */
uint32_t *string_ranks(const cm_strpool *pool);

/* A result's place in the order, packed into three words (the last ending
   with its index in the segment, so that no two are equal). */
typedef struct sort_key {
    uint64_t k[3];
} sort_key;

/* The keys of the segment being sorted, kept between segments. */
typedef struct sorter {
    sort_key *keys;
    size_t cap;
} sorter;

/* Sorts out->items[from, count) into the order of the results.
   CM_ERR_NOMEM, CM_ERR_INTERNAL (a year out of range), or CM_OK. */
cm_status sort_segment(sorter *so, cm_results *out, size_t from, const uint32_t *rank);
void sorter_free(sorter *so);

#endif
