/*
 * compute.c - evaluates the indicator catalogue over a dataset.
 *
 * Each scope has an evaluator that walks its subjects (areas rows, pairs of
 * consecutive years, flow destinations, ...) and fills one result per
 * indicator. Inputs are read through small accessors that know whether a
 * value is present, suppressed (below --min-count) or inconsistent (failed a
 * cross-field check under --keep-going), and the helpers below turn those
 * states into flags with one precedence everywhere:
 *
 *   missing > suppressed > inconsistent > div0 > ok
 *
 * A result that is not ok or published keeps value 0 and says why in its
 * reason; writers leave its value empty. Suppressed results never show
 * their numerator or denominator.
 */
#define _GNU_SOURCE /* qsort_r */
#include "citymig/indicators.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citymig/bigmem.h"

/* ---- inputs ---------------------------------------------------------- */

/* IN_INEXACT: a sum of counts above 2^53, where doubles stop being exact. */
typedef enum in_state { IN_OK, IN_MISSING, IN_SUPPRESSED, IN_INCONSISTENT, IN_INEXACT } in_state;

/* One input value and what we know of it. */
typedef struct in_val {
    double v;
    in_state st;
    const char *name; /* for reasons: "foreign_born", "population of GBR 2011" */
} in_val;

typedef struct engine {
    const cm_dataset *ds;
    const cm_indicator_options *opts;
    cm_results *out;
    cm_status status;
    /* Flows: per year and kind, whether totals (sex T) exist, or only F/M. */
    uint8_t flows_total[CM_YEAR_MAX - CM_YEAR_MIN + 1][CM_KIND_COUNT];
    uint8_t flows_any[CM_YEAR_MAX - CM_YEAR_MIN + 1][CM_KIND_COUNT];
} engine;

static in_val missing(const char *name)
{
    in_val x = {0, IN_MISSING, name};
    return x;
}

static in_val known(double v, const char *name)
{
    in_val x = {v, IN_OK, name};
    return x;
}

/* A sum of counts: known while exact, IN_INEXACT past 2^53. */
static in_val exact_sum(double v, const char *name)
{
    in_val x = {v, fabs(v) > (double)CM_COUNT_MAX ? IN_INEXACT : IN_OK, name};
    return x;
}

/* A count that may be suppressed by --min-count. */
static in_val count_in(const engine *e, bool present, int64_t v, const char *name)
{
    if (!present)
        return missing(name);
    in_val x = {(double)v, IN_OK, name};
    /* Small non-zero counts are what disclosure control hides; 0 is not. */
    if (v > 0 && v < e->opts->min_count)
        x.st = IN_SUPPRESSED;
    return x;
}

/* A count column of an areas row (row SIZE_MAX: no row). */
static in_val area_count(const engine *e, size_t row, size_t col)
{
    const cm_table *t = e->ds->areas;
    const char *name = t->def->cols[col].name;
    if (row == SIZE_MAX)
        return missing(name);
    in_val x = count_in(e, t->cols[col].present[row], t->cols[col].v.count[row], name);
    if (x.st == IN_OK && t->inconsistent && (t->inconsistent[row] >> col & 1u))
        x.st = IN_INCONSISTENT;
    return x;
}

/* The worse of two input states, and the name that caused it. */
static in_val combine(in_val a, in_val b, double v)
{
    in_val x = a.st >= b.st ? a : b;
    if (a.st == IN_MISSING || b.st == IN_MISSING)
        x = a.st == IN_MISSING ? a : b;
    else if (a.st == IN_SUPPRESSED || b.st == IN_SUPPRESSED)
        x = a.st == IN_SUPPRESSED ? a : b;
    else if (a.st == IN_INCONSISTENT || b.st == IN_INCONSISTENT)
        x = a.st == IN_INCONSISTENT ? a : b;
    x.v = v;
    return x;
}

static in_val add(in_val a, in_val b, const char *name)
{
    in_val x = combine(a, b, a.v + b.v);
    if (x.st == IN_OK)
        x = exact_sum(x.v, name);
    return x;
}

static in_val subtract(in_val a, in_val b, const char *name)
{
    in_val x = combine(a, b, a.v - b.v);
    if (x.st == IN_OK)
        x = exact_sum(x.v, name);
    return x;
}

/* ---- results --------------------------------------------------------- */

typedef struct subject {
    uint32_t area;
    int32_t year, base_year;
    int kind;
    uint32_t service, origin;
} subject;

static bool year_wanted(const engine *e, int32_t year)
{
    return e->opts->year_from == 0 || (year >= e->opts->year_from && year <= e->opts->year_to);
}

/* A new result for a subject and indicator, or NULL (out of memory or a
   year outside --year: the caller then skips the computation). */
static cm_result *emit(engine *e, const subject *s, const char *id)
{
    if (e->status != CM_OK || !year_wanted(e, s->year))
        return NULL;
    int ind = cm_indicator_find(id);
    if (ind < 0) {
        e->status = CM_ERR_INTERNAL;
        return NULL;
    }
    cm_results *out = e->out;
    if (out->count == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : CM_BIG_GRAIN / sizeof *out->items;
        cm_result *items =
            cap <= SIZE_MAX / 2 / sizeof *items
                ? cm_big_realloc(out->items, out->cap * sizeof *items, cap * sizeof *items)
                : NULL;
        if (!items) {
            e->status = CM_ERR_NOMEM;
            return NULL;
        }
        out->items = items;
        out->cap = cap;
    }
    cm_result *r = &out->items[out->count++];
    memset(r, 0, sizeof *r);
    r->area = s->area;
    r->year = s->year;
    r->base_year = s->base_year;
    r->kind = (int8_t)s->kind;
    r->service = s->service;
    r->origin = s->origin;
    r->indicator = (uint16_t)ind;
    return r;
}

static void reason(engine *e, cm_result *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void reason(engine *e, cm_result *r, const char *fmt, ...)
{
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t len = (size_t)n < sizeof text ? (size_t)n : sizeof text - 1;
    r->reason = cm_strpool_intern(e->ds->pool, text, len);
    if (!r->reason)
        e->status = CM_ERR_NOMEM;
}

/* Flags r from an input state; returns true when the value can be set. */
static bool usable(engine *e, cm_result *r, in_val x)
{
    switch (x.st) {
    case IN_OK:
        return true;
    case IN_MISSING:
        r->flag = CM_FLAG_MISSING;
        reason(e, r, "%s is missing", x.name);
        return false;
    case IN_SUPPRESSED:
        r->flag = CM_FLAG_SUPPRESSED;
        reason(e, r, "%s is below --min-count %" PRId64, x.name, e->opts->min_count);
        return false;
    case IN_INCONSISTENT:
        r->flag = CM_FLAG_INCONSISTENT;
        reason(e, r, "%s failed a cross-field check", x.name);
        return false;
    case IN_INEXACT:
        r->flag = CM_FLAG_MISSING;
        reason(e, r, "%s is above 2^53, beyond exact arithmetic", x.name);
        return false;
    }
    return false;
}

/* Sets a finite value, or flags div0 for anything else. */
static void set_value(engine *e, cm_result *r, double v, const char *div0_why)
{
    if (isfinite(v)) {
        r->flag = CM_FLAG_OK;
        r->value = v == 0 ? 0 : v; /* no negative zero */
    } else {
        r->flag = CM_FLAG_DIV0;
        r->value = 0;
        reason(e, r, "%s", div0_why);
    }
}

/* A value that is an input itself (a count). */
static void put_count(engine *e, const subject *s, const char *id, in_val x)
{
    cm_result *r = emit(e, s, id);
    if (!r || !usable(e, r, x))
        return;
    set_value(e, r, x.v, "not finite");
}

/* scale * num / den, with the numerator and denominator recorded. */
static cm_result *put_ratio(engine *e, const subject *s, const char *id, in_val num, in_val den,
                            double scale)
{
    cm_result *r = emit(e, s, id);
    if (!r)
        return NULL;
    bool ok_num = usable(e, r, num);
    bool ok_den = ok_num && usable(e, r, den);
    if (ok_num) {
        r->numerator = num.v;
        r->has_numerator = true;
    }
    if (ok_den) {
        r->denominator = den.v;
        r->has_denominator = true;
    }
    if (!ok_num || !ok_den)
        return r;
    if (den.v == 0) {
        r->flag = CM_FLAG_DIV0;
        reason(e, r, "%s is 0", den.name);
        return r;
    }
    set_value(e, r, scale * num.v / den.v, "not finite");
    return r;
}

/* 100 * ln(b / a) / years, the UN World Urbanization Prospects rate. */
static void put_log_rate(engine *e, const subject *s, const char *id, in_val a, in_val b, int years)
{
    cm_result *r = emit(e, s, id);
    if (!r || !usable(e, r, a) || !usable(e, r, b))
        return;
    r->numerator = b.v;
    r->has_numerator = true;
    r->denominator = a.v;
    r->has_denominator = true;
    if (a.v <= 0 || b.v <= 0) {
        r->flag = CM_FLAG_DIV0;
        reason(e, r, "%s is 0 in %" PRId32 ", so its logarithm is undefined",
               a.v <= 0 ? a.name : b.name, a.v <= 0 ? s->base_year : s->year);
        return;
    }
    set_value(e, r, 100.0 * log(b.v / a.v) / years, "not finite");
}

/* ---- composition, urbanization (areas rows) --------------------------- */

static double share_of(in_val fb, in_val pop)
{
    return fb.v / pop.v;
}

/* The foreign-born share of an areas row as a fraction: computed, or the
   published share. *published says which. */
static in_val fb_fraction(const engine *e, size_t row, bool *published)
{
    const cm_table *t = e->ds->areas;
    *published = false;
    in_val fb = area_count(e, row, CM_AREAS_FOREIGN_BORN);
    if (row != SIZE_MAX && fb.st == IN_MISSING &&
        t->cols[CM_AREAS_FOREIGN_BORN_SHARE].present[row]) {
        *published = true;
        return known(t->cols[CM_AREAS_FOREIGN_BORN_SHARE].v.percent[row] / 100.0,
                     "foreign_born_share");
    }
    in_val pop = area_count(e, row, CM_AREAS_POPULATION);
    in_val x = combine(fb, pop, 0);
    if (x.st == IN_OK)
        x.v = pop.v == 0 ? NAN : share_of(fb, pop);
    return x;
}

static void eval_area(engine *e, size_t row)
{
    const cm_table *t = e->ds->areas;
    subject s = {.area = t->cols[CM_AREAS_AREA_ID].v.text[row],
                 .year = t->cols[CM_AREAS_YEAR].v.year[row],
                 .kind = CM_KIND_NONE};
    in_val pop = area_count(e, row, CM_AREAS_POPULATION);
    in_val fb = area_count(e, row, CM_AREAS_FOREIGN_BORN);
    in_val fbf = area_count(e, row, CM_AREAS_FOREIGN_BORN_FEMALE);
    in_val im = area_count(e, row, CM_AREAS_INTERNAL_MIGRANTS);
    in_val migrants = add(fb, im, "foreign_born + internal_migrants");

    /* fb_share: computed, else published. */
    if (fb.st == IN_MISSING && t->cols[CM_AREAS_FOREIGN_BORN_SHARE].present[row]) {
        cm_result *r = emit(e, &s, "fb_share");
        if (r) {
            r->flag = CM_FLAG_PUBLISHED;
            r->value = t->cols[CM_AREAS_FOREIGN_BORN_SHARE].v.percent[row];
            reason(e, r, "published foreign_born_share");
        }
    } else {
        put_ratio(e, &s, "fb_share", fb, pop, 100);
    }
    put_ratio(e, &s, "fb_female_share", fbf, fb, 100);
    put_ratio(e, &s, "internal_share", im, pop, 100);
    put_ratio(e, &s, "migrant_share", migrants, pop, 100);
    put_ratio(e, &s, "one_in_n", pop, migrants, 1);
    put_ratio(e, &s, "internal_per_international", im, fb, 1);

    /* Against the parent, in the same year. */
    size_t prow = SIZE_MAX;
    const char *why_no_parent = "parent_id";
    if (t->cols[CM_AREAS_PARENT_ID].present[row]) {
        prow = cm_areas_find(t, t->cols[CM_AREAS_PARENT_ID].v.text[row], s.year);
        why_no_parent = "the parent's row for the same year";
    }
    cm_result *r = emit(e, &s, "fb_location_quotient");
    if (r) {
        bool pub_a = false, pub_b = false;
        in_val a = fb_fraction(e, row, &pub_a);
        in_val b = prow == SIZE_MAX ? missing(why_no_parent) : fb_fraction(e, prow, &pub_b);
        if (usable(e, r, a) && usable(e, r, b)) {
            if (!isfinite(a.v) || !isfinite(b.v) || b.v == 0) {
                r->flag = CM_FLAG_DIV0;
                reason(e, r, "%s",
                       !isfinite(a.v)   ? "population is 0"
                       : !isfinite(b.v) ? "the parent's population is 0"
                                        : "the parent's foreign-born share is 0");
            } else {
                set_value(e, r, a.v / b.v, "not finite");
                r->numerator = 100 * a.v;
                r->denominator = 100 * b.v;
                r->has_numerator = r->has_denominator = true;
                if (pub_a || pub_b) {
                    r->flag = CM_FLAG_PUBLISHED;
                    reason(e, r, "from a published foreign_born_share");
                }
            }
        }
    }
    in_val pfb =
        prow == SIZE_MAX ? missing(why_no_parent) : area_count(e, prow, CM_AREAS_FOREIGN_BORN);
    if (prow != SIZE_MAX && pfb.st == IN_MISSING)
        pfb.name = "the parent's foreign_born";
    put_ratio(e, &s, "fb_share_of_parent", fb, pfb, 100);

    put_ratio(e, &s, "urban_share", area_count(e, row, CM_AREAS_URBAN_POPULATION), pop, 100);
    in_val natural = subtract(area_count(e, row, CM_AREAS_BIRTHS),
                              area_count(e, row, CM_AREAS_DEATHS), "births - deaths");
    put_ratio(e, &s, "natural_increase_rate", natural, pop, 1000);
    in_val dependents = add(area_count(e, row, CM_AREAS_POP_0_14),
                            area_count(e, row, CM_AREAS_POP_65_PLUS), "pop_0_14 + pop_65_plus");
    put_ratio(e, &s, "dependency_ratio", dependents, area_count(e, row, CM_AREAS_POP_15_64), 100);
}

/* ---- flows ------------------------------------------------------------ */

typedef struct flow_view {
    in_val in, out;
} flow_view;

/* The inflow and outflow of an area for a year and kind (0 or 1): from the
   T cells where the year and kind have totals, else F + M. A side with no
   rows at all is missing, never zero. */
static flow_view flow_of(const engine *e, uint32_t area, int32_t year, int kind)
{
    flow_view fv = {missing("inflow"), missing("outflow")};
    const cm_flows *f = e->ds->flows;
    int y = year - CM_YEAR_MIN;
    if (!e->flows_any[y][kind])
        return fv;
    static const char *const in_names[] = {"internal inflow", "international inflow"};
    static const char *const out_names[] = {"internal outflow", "international outflow"};
    fv.in.name = in_names[kind];
    fv.out.name = out_names[kind];
    int64_t in = 0, out = 0;
    uint64_t in_rows = 0, out_rows = 0;
    for (int sex = 0; sex < CM_SEX_COUNT; sex++) {
        if ((sex == CM_SEX_TOTAL) != (e->flows_total[y][kind] != 0))
            continue;
        const cm_flow_cell *c = cm_flows_find(f, area, year, (cm_kind)kind, (cm_sex)sex);
        if (!c)
            continue;
        in += c->inflow;
        out += c->outflow;
        in_rows += c->in_rows;
        out_rows += c->out_rows;
    }
    if (in_rows)
        fv.in = in > CM_COUNT_MAX ? exact_sum((double)in, fv.in.name)
                                  : count_in(e, true, in, fv.in.name);
    if (out_rows)
        fv.out = out > CM_COUNT_MAX ? exact_sum((double)out, fv.out.name)
                                    : count_in(e, true, out, fv.out.name);
    return fv;
}

static flow_view flow_all(const engine *e, uint32_t area, int32_t year)
{
    flow_view a = flow_of(e, area, year, CM_KIND_INTERNAL);
    flow_view b = flow_of(e, area, year, CM_KIND_INTERNATIONAL);
    flow_view fv = {add(a.in, b.in, "inflow"), add(a.out, b.out, "outflow")};
    return fv;
}

/* The published net migration of an areas row for a kind. */
static in_val published_net(const engine *e, size_t row, int kind)
{
    const cm_table *t = e->ds->areas;
    if (kind == CM_KIND_ALL) {
        in_val a = published_net(e, row, CM_KIND_INTERNAL);
        in_val b = published_net(e, row, CM_KIND_INTERNATIONAL);
        return add(a, b, "net migration");
    }
    size_t col = kind == CM_KIND_INTERNAL ? CM_AREAS_NET_INTERNAL_MIGRATION
                                          : CM_AREAS_NET_INTERNATIONAL_MIGRATION;
    if (row == SIZE_MAX || !t->cols[col].present[row])
        return missing(t->def->cols[col].name);
    return known((double)t->cols[col].v.count[row], t->def->cols[col].name);
}

/* Net migration for an area, year and kind: flows, else published. */
static in_val net_of(const engine *e, uint32_t area, int32_t year, int kind, size_t row,
                     bool *published)
{
    flow_view fv = kind == CM_KIND_ALL ? flow_all(e, area, year) : flow_of(e, area, year, kind);
    in_val net = subtract(fv.in, fv.out, "net");
    *published = false;
    if (net.st == IN_MISSING) {
        in_val p = published_net(e, row, kind);
        if (p.st == IN_OK) {
            *published = true;
            return p;
        }
    }
    return net;
}

static void eval_flow(engine *e, uint32_t area, int32_t year, int kind)
{
    subject s = {.area = area, .year = year, .kind = kind};
    size_t row = cm_areas_find(e->ds->areas, area, year);
    in_val pop = area_count(e, row, CM_AREAS_POPULATION);
    flow_view fv = kind == CM_KIND_ALL ? flow_all(e, area, year) : flow_of(e, area, year, kind);
    bool net_published;
    in_val net = net_of(e, area, year, kind, row, &net_published);
    in_val gross = add(fv.in, fv.out, "gross");

    put_count(e, &s, "inflow", fv.in);
    put_count(e, &s, "outflow", fv.out);
    cm_result *r = emit(e, &s, "net");
    if (r && usable(e, r, net)) {
        set_value(e, r, net.v, "not finite");
        if (net_published) {
            r->flag = CM_FLAG_PUBLISHED;
            reason(e, r, "published %s", net.name);
        }
    }
    put_count(e, &s, "gross", gross);
    put_ratio(e, &s, "in_rate", fv.in, pop, 1000);
    put_ratio(e, &s, "out_rate", fv.out, pop, 1000);
    r = put_ratio(e, &s, "net_rate", net, pop, 1000);
    if (r && net_published && r->flag == CM_FLAG_OK) {
        r->flag = CM_FLAG_PUBLISHED;
        reason(e, r, "from the published %s", net.name);
    }
    put_ratio(e, &s, "effectiveness", subtract(fv.in, fv.out, "net"), gross, 100);
    put_ratio(e, &s, "surge", fv.in, pop, 100);

    /* Women among arrivals: needs F and M cells (of both kinds for all). */
    in_val fem = missing("inflow by sex"), both = missing("inflow by sex");
    bool first = true;
    for (int k = 0; k < CM_KIND_COUNT; k++) {
        if (kind != CM_KIND_ALL && kind != k)
            continue;
        const cm_flow_cell *f = cm_flows_find(e->ds->flows, area, year, (cm_kind)k, CM_SEX_FEMALE);
        const cm_flow_cell *m = cm_flows_find(e->ds->flows, area, year, (cm_kind)k, CM_SEX_MALE);
        bool have = (f && f->in_rows) || (m && m->in_rows);
        in_val kf =
            have ? count_in(e, true, f ? f->inflow : 0, "female inflow") : missing("inflow by sex");
        in_val km =
            have ? count_in(e, true, m ? m->inflow : 0, "male inflow") : missing("inflow by sex");
        in_val kb = add(kf, km, "inflow of women and men");
        fem = first ? kf : add(fem, kf, "female inflow");
        both = first ? kb : add(both, kb, "inflow of women and men");
        first = false;
    }
    put_ratio(e, &s, "inflow_female_share", fem, both, 100);
    if (kind == CM_KIND_ALL) {
        flow_view intl = flow_of(e, area, year, CM_KIND_INTERNATIONAL);
        put_ratio(e, &s, "international_share_of_inflow", intl.in, fv.in, 100);
    }
}

/* Sets the flows' per-year, per-kind facts: any rows, and totals or F/M. */
static void scan_flows(engine *e)
{
    const cm_flows *f = e->ds->flows;
    for (size_t i = 0; i < f->count; i++) {
        const cm_flow_cell *c = &f->cells[i];
        int y = c->year - CM_YEAR_MIN;
        e->flows_any[y][c->kind] = 1;
        if (c->sex == CM_SEX_TOTAL)
            e->flows_total[y][c->kind] = 1;
    }
}

typedef struct area_year {
    uint32_t area;
    int32_t year;
} area_year;

static int cmp_area_year(const void *a, const void *b)
{
    const area_year *x = a, *y = b;
    if (x->year != y->year)
        return x->year < y->year ? -1 : 1;
    return x->area < y->area ? -1 : x->area > y->area;
}

/* Flow subjects: destinations, and areas of areas.csv that are origins or
   have a published net. */
static void eval_flows(engine *e)
{
    const cm_flows *f = e->ds->flows;
    const cm_table *t = e->ds->areas;
    size_t n = 0, cap = f->count + t->nrows + 1;
    area_year *list = malloc(cap * sizeof *list);
    if (!list) {
        e->status = CM_ERR_NOMEM;
        return;
    }
    for (size_t i = 0; i < f->count; i++) {
        const cm_flow_cell *c = &f->cells[i];
        if (c->in_rows || (c->out_rows && cm_areas_find(t, c->area, c->year) != SIZE_MAX))
            list[n++] = (area_year){c->area, c->year};
    }
    for (size_t r = 0; r < t->nrows; r++)
        if (t->cols[CM_AREAS_NET_INTERNAL_MIGRATION].present[r] ||
            t->cols[CM_AREAS_NET_INTERNATIONAL_MIGRATION].present[r])
            list[n++] =
                (area_year){t->cols[CM_AREAS_AREA_ID].v.text[r], t->cols[CM_AREAS_YEAR].v.year[r]};
    qsort(list, n, sizeof *list, cmp_area_year);
    for (size_t i = 0; i < n && e->status == CM_OK; i++) {
        if (i > 0 && cmp_area_year(&list[i], &list[i - 1]) == 0)
            continue;
        size_t row = cm_areas_find(t, list[i].area, list[i].year);
        int kinds = 0;
        for (int k = 0; k < CM_KIND_COUNT; k++) {
            flow_view fv = flow_of(e, list[i].area, list[i].year, k);
            bool has = fv.in.st != IN_MISSING || fv.out.st != IN_MISSING ||
                       published_net(e, row, k).st == IN_OK;
            if (has) {
                eval_flow(e, list[i].area, list[i].year, k);
                kinds++;
            }
        }
        /* "all" only where both kinds are known: one alone is not all. */
        if (kinds == CM_KIND_COUNT)
            eval_flow(e, list[i].area, list[i].year, CM_KIND_ALL);
    }
    free(list);
}

/* A sum over the zones of a system, with the worst state of its terms. */
typedef struct tally {
    double sum;
    in_state st;
    size_t bad;            /* zones in that state */
    const char *first_bad; /* the first of them */
    char name[160];
} tally;

static int state_rank(in_state st)
{
    static const int rank[] = {[IN_OK] = 0,
                               [IN_INCONSISTENT] = 1,
                               [IN_SUPPRESSED] = 2,
                               [IN_MISSING] = 3,
                               [IN_INEXACT] = 4};
    return rank[st];
}

static void tally_add(tally *t, in_val x, const char *zone)
{
    if (x.st == IN_OK) {
        t->sum += x.v;
        return;
    }
    if (state_rank(x.st) > state_rank(t->st)) {
        t->st = x.st;
        t->bad = 0;
        t->first_bad = zone;
    }
    if (x.st == t->st)
        t->bad++;
}

/* The tally as an input: its sum, or its worst state named by zone. */
static in_val tally_value(tally *t, const char *what, size_t zones)
{
    if (t->st == IN_OK)
        return exact_sum(t->sum, what);
    snprintf(t->name, sizeof t->name, "%s of %zu of %zu zones (first: %s)", what, t->bad, zones,
             t->first_bad);
    in_val x = {0, t->st, t->name};
    return x;
}

/* System level: all zones with flow rows of a year and kind. */
static void eval_system(engine *e, int32_t year, int kind)
{
    const cm_flows *f = e->ds->flows;
    const cm_table *t = e->ds->areas;
    subject s = {.area = 0, .year = year, .kind = kind};
    tally moves = {0}, pop = {0}, abs_net = {0}, gross = {0}, net = {0};
    size_t zones = 0;

    /* Each zone once. */
    uint8_t *seen = calloc(cm_strpool_count(e->ds->pool) + 1, 1);
    if (!seen) {
        e->status = CM_ERR_NOMEM;
        return;
    }
    for (size_t i = 0; i < f->count; i++) {
        const cm_flow_cell *c = &f->cells[i];
        if (c->year != year || (kind != CM_KIND_ALL && c->kind != kind) || seen[c->area])
            continue;
        seen[c->area] = 1;
        zones++;
        const char *zone = cm_strpool_str(e->ds->pool, c->area);
        flow_view fv =
            kind == CM_KIND_ALL ? flow_all(e, c->area, year) : flow_of(e, c->area, year, kind);
        /* Moves: every arrival once; a zone that is only an origin adds none. */
        if (fv.in.st != IN_MISSING)
            tally_add(&moves, fv.in, zone);
        tally_add(&pop, area_count(e, cm_areas_find(t, c->area, year), CM_AREAS_POPULATION), zone);
        in_val zn = subtract(fv.in, fv.out, "net");
        tally_add(&abs_net, zn.st == IN_OK ? known(fabs(zn.v), "net") : zn, zone);
        tally_add(&net, zn, zone);
        tally_add(&gross, add(fv.in, fv.out, "gross"), zone);
    }
    free(seen);
    if (zones == 0)
        return;

    in_val m = tally_value(&moves, "inflow", zones);
    in_val p = tally_value(&pop, "population", zones);
    in_val n = tally_value(&abs_net, "inflow or outflow", zones);
    in_val g = tally_value(&gross, "inflow or outflow", zones);
    put_ratio(e, &s, "migration_intensity", m, p, 100);
    put_ratio(e, &s, "aggregate_effectiveness", n, g, 100);
    put_count(e, &s, "net_total", tally_value(&net, "inflow or outflow", zones));
    put_ratio(e, &s, "aggregate_net_migration_rate", n, p, 50);
}

/* ---- growth between consecutive years --------------------------------- */

static int cmp_rows_by_area_year(const void *a, const void *b, void *ctx)
{
    const cm_table *t = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    uint32_t ax = t->cols[CM_AREAS_AREA_ID].v.text[x], ay = t->cols[CM_AREAS_AREA_ID].v.text[y];
    if (ax != ay)
        return ax < ay ? -1 : 1;
    int32_t yx = t->cols[CM_AREAS_YEAR].v.year[x], yy = t->cols[CM_AREAS_YEAR].v.year[y];
    return yx < yy ? -1 : yx > yy;
}

/* A component of growth as a count, per 1,000 of P_t0 and as % of the
   change; flagged published when it is a published net migration. */
static void put_component(engine *e, const subject *s, const char *id, in_val x, in_val p0,
                          in_val change, bool published)
{
    char rate_id[64], pct_id[64];
    snprintf(rate_id, sizeof rate_id, "%s_rate", id);
    snprintf(pct_id, sizeof pct_id, "%s_pct", id);
    size_t first = e->out->count;
    put_count(e, s, id, x);
    put_ratio(e, s, rate_id, x, p0, 1000);
    put_ratio(e, s, pct_id, x, change, 100);
    for (size_t i = first; published && i < e->out->count; i++) {
        if (e->out->items[i].flag == CM_FLAG_OK) {
            e->out->items[i].flag = CM_FLAG_PUBLISHED;
            reason(e, &e->out->items[i], "from the published %s", x.name);
        }
    }
}

static void eval_growth(engine *e, size_t r0, size_t r1)
{
    const cm_table *t = e->ds->areas;
    subject s = {.area = t->cols[CM_AREAS_AREA_ID].v.text[r1],
                 .year = t->cols[CM_AREAS_YEAR].v.year[r1],
                 .base_year = t->cols[CM_AREAS_YEAR].v.year[r0],
                 .kind = CM_KIND_NONE};
    int years = s.year - s.base_year;
    in_val p0 = area_count(e, r0, CM_AREAS_POPULATION);
    in_val p1 = area_count(e, r1, CM_AREAS_POPULATION);
    in_val u0 = area_count(e, r0, CM_AREAS_URBAN_POPULATION);
    in_val u1 = area_count(e, r1, CM_AREAS_URBAN_POPULATION);
    in_val change = subtract(p1, p0, "population change");

    put_count(e, &s, "population_change", change);
    put_log_rate(e, &s, "growth_rate", p0, p1, years);
    put_log_rate(e, &s, "urban_growth_rate", u0, u1, years);
    put_log_rate(e, &s, "rural_growth_rate", subtract(p0, u0, "rural population"),
                 subtract(p1, u1, "rural population"), years);

    /* Components of one year's change: the events of year t. */
    in_val natural, net_int, net_intl;
    bool pub_int = false, pub_intl = false;
    char why[128];
    if (years != 1) {
        /* The components are one year's events; the rows are further apart. */
        snprintf(why, sizeof why,
                 "a component for the %d years from %" PRId32 " (they cover one year)", years,
                 s.base_year);
        natural = net_int = net_intl = missing(why);
    } else {
        natural = subtract(area_count(e, r1, CM_AREAS_BIRTHS), area_count(e, r1, CM_AREAS_DEATHS),
                           "births - deaths");
        net_int = net_of(e, s.area, s.year, CM_KIND_INTERNAL, r1, &pub_int);
        net_intl = net_of(e, s.area, s.year, CM_KIND_INTERNATIONAL, r1, &pub_intl);
    }
    in_val residual =
        subtract(subtract(subtract(change, natural, "x"), net_int, "x"), net_intl, "residual");
    put_component(e, &s, "growth_natural", natural, p0, change, false);
    put_component(e, &s, "growth_net_internal", net_int, p0, change, pub_int);
    put_component(e, &s, "growth_net_international", net_intl, p0, change, pub_intl);
    put_component(e, &s, "growth_residual", residual, p0, change, pub_int || pub_intl);
}

static void eval_areas(engine *e)
{
    const cm_table *t = e->ds->areas;
    for (size_t r = 0; r < t->nrows && e->status == CM_OK; r++)
        eval_area(e, r);
    size_t *order = malloc((t->nrows + 1) * sizeof *order);
    if (!order) {
        e->status = CM_ERR_NOMEM;
        return;
    }
    for (size_t r = 0; r < t->nrows; r++)
        order[r] = r;
    qsort_r(order, t->nrows, sizeof *order, cmp_rows_by_area_year, (void *)t);
    for (size_t i = 1; i < t->nrows && e->status == CM_OK; i++)
        if (t->cols[CM_AREAS_AREA_ID].v.text[order[i]] ==
            t->cols[CM_AREAS_AREA_ID].v.text[order[i - 1]])
            eval_growth(e, order[i - 1], order[i]);
    free(order);
}

/* ---- diversity of origins (stocks) ------------------------------------ */

static int cmp_stock_rows(const void *a, const void *b, void *ctx)
{
    const cm_table *t = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    static const size_t keys[] = {CM_STOCKS_AREA_ID, CM_STOCKS_YEAR};
    for (size_t k = 0; k < 2; k++) {
        int64_t vx = keys[k] == CM_STOCKS_YEAR ? t->cols[keys[k]].v.year[x]
                                               : (int64_t)t->cols[keys[k]].v.text[x];
        int64_t vy = keys[k] == CM_STOCKS_YEAR ? t->cols[keys[k]].v.year[y]
                                               : (int64_t)t->cols[keys[k]].v.text[y];
        if (vx != vy)
            return vx < vy ? -1 : 1;
    }
    /* Then origin by its text, so ties of the top origin go to byte order. */
    const cm_strpool *pool = t->pool;
    int c = strcmp(cm_strpool_str(pool, t->cols[CM_STOCKS_ORIGIN].v.text[x]),
                   cm_strpool_str(pool, t->cols[CM_STOCKS_ORIGIN].v.text[y]));
    if (c)
        return c;
    return t->cols[CM_STOCKS_SEX].v.code[x] - t->cols[CM_STOCKS_SEX].v.code[y];
}

/* One area-year group of stock rows: order[from..to). */
static void eval_diversity(engine *e, const size_t *order, size_t from, size_t to)
{
    const cm_table *t = e->ds->stocks;
    size_t first = order[from];
    subject s = {.area = t->cols[CM_STOCKS_AREA_ID].v.text[first],
                 .year = t->cols[CM_STOCKS_YEAR].v.year[first],
                 .kind = CM_KIND_NONE};
    bool totals = false, suppressed = false;
    for (size_t i = from; i < to; i++)
        if (t->cols[CM_STOCKS_SEX].v.code[order[i]] == CM_SEX_TOTAL)
            totals = true;

    /* Counts per origin (rows are sorted by origin): T rows, else F + M. */
    double sum = 0, top = 0, hhi = 0, shannon = 0;
    uint32_t top_origin = 0;
    size_t k = 0;
    for (size_t pass = 0; pass < 2; pass++) {
        for (size_t i = from; i < to;) {
            uint32_t origin = t->cols[CM_STOCKS_ORIGIN].v.text[order[i]];
            double c = 0;
            for (; i < to && t->cols[CM_STOCKS_ORIGIN].v.text[order[i]] == origin; i++) {
                size_t r = order[i];
                bool is_total = t->cols[CM_STOCKS_SEX].v.code[r] == CM_SEX_TOTAL;
                if (is_total != totals)
                    continue;
                int64_t v = t->cols[CM_STOCKS_COUNT].v.count[r];
                if (v > 0 && v < e->opts->min_count)
                    suppressed = true;
                c += (double)v;
            }
            if (origin == s.area || c <= 0)
                continue;
            if (pass == 0) {
                sum += c;
                k++;
                if (c > top) {
                    top = c;
                    top_origin = origin;
                }
            } else {
                double share = c / sum;
                hhi += share * share;
                shannon -= share * log(share);
            }
        }
        if (sum == 0)
            break;
    }

    in_val st = known(sum, "foreign-born stock");
    if (suppressed)
        st.st = IN_SUPPRESSED, st.name = "an origin's count";
    /* The number of origins stands even when their sum is not exact. */
    in_val origins = suppressed ? st : known((double)k, "origins");
    if (!suppressed && sum > (double)CM_COUNT_MAX)
        st = exact_sum(sum, "the foreign-born stock total"), suppressed = true;
    put_count(e, &s, "origin_count", origins);
    in_val one = suppressed ? st : known(1, "");
    in_val h = suppressed ? st : known(hhi, "hhi");
    in_val total = st;
    if (sum == 0) {
        /* Nothing to share out: every share is 0/0. */
        static const char *const ids[] = {"hhi",          "simpson",           "shannon",
                                          "shannon_norm", "effective_origins", "top_origin_share"};
        for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
            cm_result *r = emit(e, &s, ids[i]);
            if (r && usable(e, r, total)) {
                r->flag = CM_FLAG_DIV0;
                reason(e, r, "the foreign-born stock is 0");
            }
        }
        return;
    }
    put_count(e, &s, "hhi", h);
    put_count(e, &s, "simpson", suppressed ? st : known(1 - hhi, "1 - hhi"));
    put_count(e, &s, "shannon", suppressed ? st : known(shannon, "shannon"));
    put_ratio(e, &s, "shannon_norm", suppressed ? st : known(shannon, "shannon"),
              suppressed ? st : known(log((double)k), "ln K (one origin)"), 1);
    put_ratio(e, &s, "effective_origins", one, h, 1);
    subject so = s;
    so.origin = top_origin;
    put_ratio(e, &so, "top_origin_share", suppressed ? st : known(top, "top origin's count"), total,
              100);
}

static void eval_stocks(engine *e)
{
    const cm_table *t = e->ds->stocks;
    if (t->nrows == 0)
        return;
    size_t *order = malloc(t->nrows * sizeof *order);
    if (!order) {
        e->status = CM_ERR_NOMEM;
        return;
    }
    for (size_t r = 0; r < t->nrows; r++)
        order[r] = r;
    qsort_r(order, t->nrows, sizeof *order, cmp_stock_rows, (void *)t);
    size_t from = 0;
    for (size_t i = 1; i <= t->nrows && e->status == CM_OK; i++) {
        if (i == t->nrows ||
            t->cols[CM_STOCKS_AREA_ID].v.text[order[i]] !=
                t->cols[CM_STOCKS_AREA_ID].v.text[order[from]] ||
            t->cols[CM_STOCKS_YEAR].v.year[order[i]] !=
                t->cols[CM_STOCKS_YEAR].v.year[order[from]]) {
            eval_diversity(e, order, from, i);
            from = i;
        }
    }
    free(order);
}

/* ---- service access ---------------------------------------------------- */

/* The access rate (%) of a group's row: from the counts, else published. */
static in_val access_rate(engine *e, size_t row, bool *published, in_val *se)
{
    const cm_table *t = e->ds->services;
    *published = false;
    *se = missing("standard_error");
    if (row == SIZE_MAX)
        return missing("the group's row");
    if (t->cols[CM_SERVICES_STANDARD_ERROR].present[row])
        *se = known(t->cols[CM_SERVICES_STANDARD_ERROR].v.percent[row], "standard_error");
    bool has_pop = t->cols[CM_SERVICES_POPULATION].present[row];
    bool has_with = t->cols[CM_SERVICES_WITH_ACCESS].present[row];
    if ((!has_pop || !has_with) && t->cols[CM_SERVICES_ACCESS_RATE].present[row]) {
        *published = true;
        return known(t->cols[CM_SERVICES_ACCESS_RATE].v.percent[row], "access_rate");
    }
    in_val pop = count_in(e, has_pop, t->cols[CM_SERVICES_POPULATION].v.count[row], "population");
    in_val with =
        count_in(e, has_with, t->cols[CM_SERVICES_WITH_ACCESS].v.count[row], "with_access");
    if (t->inconsistent && (t->inconsistent[row] >> CM_SERVICES_WITH_ACCESS & 1u) &&
        with.st == IN_OK)
        with.st = IN_INCONSISTENT;
    in_val x = combine(with, pop, 0);
    if (x.st == IN_OK)
        x.v = pop.v == 0 ? NAN : 100.0 * with.v / pop.v;
    return x;
}

static void put_rate(engine *e, const subject *s, const char *id, in_val rate, bool published,
                     const char *group)
{
    cm_result *r = emit(e, s, id);
    if (!r)
        return;
    char name[64];
    snprintf(name, sizeof name, "%s %s", group, rate.name);
    rate.name = name;
    if (!usable(e, r, rate))
        return;
    if (!isfinite(rate.v)) {
        r->flag = CM_FLAG_DIV0;
        reason(e, r, "%s population is 0", group);
        return;
    }
    set_value(e, r, rate.v, "not finite");
    if (published) {
        r->flag = CM_FLAG_PUBLISHED;
        reason(e, r, "published access_rate");
    }
}

/* Flags a result derived from published rates as published. */
static void mark_published(engine *e, cm_result *r, bool published)
{
    if (r && published && r->flag == CM_FLAG_OK) {
        r->flag = CM_FLAG_PUBLISHED;
        reason(e, r, "from a published access_rate");
    }
}

/* Returns true when both rates are known (for service_data_coverage). */
static bool eval_service(engine *e, uint32_t area, int32_t year, uint32_t service)
{
    const cm_table *t = e->ds->services;
    subject s = {.area = area, .year = year, .kind = CM_KIND_NONE, .service = service};
    cm_cell key[4] = {{.present = true, .v.text = area},
                      {.present = true, .v.year = year},
                      {.present = true, .v.text = service},
                      {.present = true, .v.code = CM_GROUP_MIGRANT}};
    size_t mrow = cm_table_find(t, key);
    key[3].v.code = CM_GROUP_NATIVE;
    size_t nrow = cm_table_find(t, key);
    bool pub_m, pub_n;
    in_val se_m, se_n;
    in_val rm = access_rate(e, mrow, &pub_m, &se_m);
    in_val rn = access_rate(e, nrow, &pub_n, &se_n);
    if (mrow == SIZE_MAX)
        rm.name = "row";
    if (nrow == SIZE_MAX)
        rn.name = "row";
    put_rate(e, &s, "rate_migrant", rm, pub_m, "migrant");
    put_rate(e, &s, "rate_native", rn, pub_n, "native");

    /* A rate over a population of 0 is undefined: so is all that uses it. */
    const char *undefined = NULL;
    if (rm.st == IN_OK && !isfinite(rm.v))
        undefined = "the migrant population is 0";
    else if (rn.st == IN_OK && !isfinite(rn.v))
        undefined = "the native population is 0";
    in_val a = rm, b = rn;
    if (a.st == IN_MISSING && mrow == SIZE_MAX)
        a.name = "the migrant row";
    if (b.st == IN_MISSING && nrow == SIZE_MAX)
        b.name = "the native row";
    bool published = pub_m || pub_n;
    static const char *const derived[] = {"gap_pp", "parity", "relative_gap", "gap_ci_low",
                                          "gap_ci_high"};
    if (undefined && a.st == IN_OK && b.st == IN_OK) {
        for (size_t i = 0; i < sizeof derived / sizeof derived[0]; i++) {
            cm_result *r = emit(e, &s, derived[i]);
            if (r) {
                r->flag = CM_FLAG_DIV0;
                reason(e, r, "%s", undefined);
            }
        }
        return true;
    }
    in_val gap = subtract(a, b, "gap");
    cm_result *r = emit(e, &s, "gap_pp");
    if (r && usable(e, r, gap)) {
        set_value(e, r, gap.v, "not finite");
        r->numerator = a.v;
        r->denominator = b.v;
        r->has_numerator = r->has_denominator = true;
    }
    mark_published(e, r, published);
    b.name = "rate_native";
    mark_published(e, put_ratio(e, &s, "parity", a, b, 1), published);
    r = emit(e, &s, "relative_gap");
    if (r && usable(e, r, a) && usable(e, r, b)) {
        if (b.v == 0) {
            r->flag = CM_FLAG_DIV0;
            reason(e, r, "rate_native is 0");
        } else {
            set_value(e, r, 100.0 * (a.v / b.v - 1.0), "not finite");
        }
    }
    mark_published(e, r, published);
    in_val se = combine(se_m, se_n, sqrt(se_m.v * se_m.v + se_n.v * se_n.v));
    in_val half = combine(gap, se, 1.96 * se.v);
    for (int side = 0; side < 2; side++) {
        r = emit(e, &s, side ? "gap_ci_high" : "gap_ci_low");
        if (r && usable(e, r, half))
            set_value(e, r, side ? gap.v + half.v : gap.v - half.v, "not finite");
        mark_published(e, r, published);
    }
    /* Data for both groups: present, whatever its flag. */
    return a.st != IN_MISSING && b.st != IN_MISSING;
}

typedef struct service_key {
    int32_t year;
    uint32_t area, service;
} service_key;

static int cmp_service_key(const void *a, const void *b)
{
    const service_key *x = a, *y = b;
    if (x->year != y->year)
        return x->year < y->year ? -1 : 1;
    if (x->area != y->area)
        return x->area < y->area ? -1 : 1;
    return x->service < y->service ? -1 : x->service > y->service;
}

static void eval_services(engine *e)
{
    const cm_table *t = e->ds->services;
    if (t->nrows == 0)
        return;
    service_key *keys = malloc(t->nrows * sizeof *keys);
    service_key *per_year = malloc(t->nrows * sizeof *per_year);
    if (!keys || !per_year) {
        free(keys);
        free(per_year);
        e->status = CM_ERR_NOMEM;
        return;
    }
    for (size_t r = 0; r < t->nrows; r++) {
        keys[r] = (service_key){t->cols[CM_SERVICES_YEAR].v.year[r],
                                t->cols[CM_SERVICES_AREA_ID].v.text[r],
                                t->cols[CM_SERVICES_SERVICE].v.text[r]};
        per_year[r] = (service_key){keys[r].year, 0, keys[r].service};
    }
    qsort(keys, t->nrows, sizeof *keys, cmp_service_key);
    qsort(per_year, t->nrows, sizeof *per_year, cmp_service_key);

    /* Distinct services of each year, from the sorted (year, service) list. */
    static const size_t years = CM_YEAR_MAX - CM_YEAR_MIN + 1;
    size_t *services_in_year = calloc(years, sizeof *services_in_year);
    if (!services_in_year) {
        free(keys);
        free(per_year);
        e->status = CM_ERR_NOMEM;
        return;
    }
    for (size_t k = 0; k < t->nrows; k++)
        if (k == 0 || per_year[k].year != per_year[k - 1].year ||
            per_year[k].service != per_year[k - 1].service)
            services_in_year[per_year[k].year - CM_YEAR_MIN]++;

    size_t i = 0;
    while (i < t->nrows && e->status == CM_OK) {
        /* One area and year: its services, then its coverage. */
        size_t j = i, with_both = 0;
        for (; j < t->nrows && keys[j].year == keys[i].year && keys[j].area == keys[i].area; j++) {
            if (j > i && keys[j].service == keys[j - 1].service)
                continue;
            if (eval_service(e, keys[j].area, keys[j].year, keys[j].service))
                with_both++;
        }
        size_t services = services_in_year[keys[i].year - CM_YEAR_MIN];
        subject s = {.area = keys[i].area, .year = keys[i].year, .kind = CM_KIND_NONE};
        put_ratio(e, &s, "service_data_coverage",
                  known((double)with_both, "services with both rates"),
                  known((double)services, "services that year"), 100);
        i = j;
    }
    free(services_in_year);
    free(keys);
    free(per_year);
}

/* ---- the whole catalogue ------------------------------------------------ */

static int by_string(const void *a, const void *b, void *ctx)
{
    const cm_strpool *pool = ctx;
    return strcmp(cm_strpool_str(pool, *(const uint32_t *)a),
                  cm_strpool_str(pool, *(const uint32_t *)b));
}

/* The rank of every pooled string in byte order, from 1 (0, no string,
   ranks first): sorting then compares integers, not strings. */
static uint32_t *string_ranks(const cm_strpool *pool)
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
typedef struct sort_key {
    uint64_t k[3];
} sort_key;

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
 * Sorts the results: small keys are sorted in place, then the results are
 * moved into place along the cycles of the permutation (no second copy of
 * the results, no merge buffer). CM_ERR_NOMEM; CM_ERR_INTERNAL for a year
 * the inputs could not have given.
 */
static cm_status sort_results(cm_results *out, const uint32_t *rank)
{
    size_t n = out->count;
    if (n < 2)
        return CM_OK;
    sort_key *keys = n <= UINT32_MAX ? cm_big_alloc(n * sizeof *keys) : NULL;
    if (!keys)
        return CM_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const cm_result *r = &out->items[i];
        if (r->year < CM_YEAR_MIN || r->year > CM_YEAR_MAX ||
            (r->base_year && (r->base_year < CM_YEAR_MIN || r->base_year > CM_YEAR_MAX))) {
            cm_big_free(keys, n * sizeof *keys);
            return CM_ERR_INTERNAL;
        }
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
        size_t from = (uint32_t)keys[i].k[2];
        if (from == i || keys[i].k[2] == UINT64_MAX)
            continue;
        cm_result held = out->items[i];
        size_t at = i;
        while (from != i) {
            out->items[at] = out->items[from];
            keys[at].k[2] = UINT64_MAX;
            at = from;
            from = (uint32_t)keys[at].k[2];
        }
        out->items[at] = held;
        keys[at].k[2] = UINT64_MAX;
    }
    cm_big_free(keys, n * sizeof *keys);
    return CM_OK;
}

cm_status cm_indicators_compute(const cm_dataset *ds, const cm_indicator_options *opts,
                                cm_results *out)
{
    engine *e = calloc(1, sizeof *e);
    memset(out, 0, sizeof *out);
    out->pool = ds->pool;
    if (!e)
        return CM_ERR_NOMEM;
    e->ds = ds;
    e->opts = opts;
    e->out = out;
    scan_flows(e);

    eval_areas(e);
    eval_flows(e);
    for (int32_t y = CM_YEAR_MIN; y <= CM_YEAR_MAX && e->status == CM_OK; y++) {
        int kinds = 0;
        for (int k = 0; k < CM_KIND_COUNT; k++) {
            if (e->flows_any[y - CM_YEAR_MIN][k]) {
                eval_system(e, y, k);
                kinds++;
            }
        }
        if (kinds == CM_KIND_COUNT)
            eval_system(e, y, CM_KIND_ALL);
    }
    eval_stocks(e);
    eval_services(e);

    cm_status st = e->status;
    free(e);
    uint32_t *rank = st == CM_OK ? string_ranks(ds->pool) : NULL;
    if (st == CM_OK && !rank)
        st = CM_ERR_NOMEM;
    if (st != CM_OK) {
        cm_results_free(out);
        return st;
    }
    st = sort_results(out, rank);
    free(rank);
    if (st != CM_OK)
        cm_results_free(out);
    return st;
}

void cm_results_free(cm_results *results)
{
    cm_big_free(results->items, results->cap * sizeof *results->items);
    results->items = NULL;
    results->count = results->cap = 0;
}
