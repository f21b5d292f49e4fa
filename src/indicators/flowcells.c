/*
 * flowcells.c - the flows resolved per cell, and their disclosure control.
 *
 * One rule for totals and breakdowns, decided per cell: for each area,
 * year, kind and direction (in, out), the total is the T rows' sum where
 * any T row is given, else F + M where both sexes are given; where only one
 * sex is given the total is missing (the absent sex is never taken as 0).
 * So one area's rows never change how another's are read.
 *
 * Disclosure control (--min-count N): a total is suppressed when it is
 * small (0 < total < N); it is the cell that is shown. The sexes of an
 * inflow are shown only through the female share, suppressed when either
 * sex is small. Within the zones of an internal system, whose totals are
 * shown, one suppressed zone could be recovered by subtraction: the zone
 * with the smallest shown non-zero value of the same direction is then
 * suppressed with it (complementary suppression), and the system totals
 * stay shown. With no such zone, the system totals are suppressed.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

typedef struct fc_entry {
    uint32_t area;
    int32_t year;
    uint8_t kind;
    in_val in, out;
    in_val female, male;
    int64_t in_outside, out_outside; /* of the chosen cells: moves with a partner outside */
} fc_entry;

typedef struct fc_system {
    int32_t year;
    zone_info *zones;
    size_t nzones;
    bool declared;
    bool protectable; /* complementary suppression was possible (or not needed) */
    const char *rule;
} fc_system;

struct flowcells {
    fc_entry *items;
    size_t count;
    fc_system *systems;
    size_t nsystems;
};

enum { DIR_IN, DIR_OUT };

/* Names of a side, and why a side read from one sex only is missing. */
static const char *const side_names[CM_KIND_COUNT][2] = {
    {"internal inflow", "internal outflow"}, {"international inflow", "international outflow"}};
static const char *const one_sex_why[CM_KIND_COUNT][2][2] = {
    {{"internal inflow is missing: only F rows give it, no T or M row",
      "internal inflow is missing: only M rows give it, no T or F row"},
     {"internal outflow is missing: only F rows give it, no T or M row",
      "internal outflow is missing: only M rows give it, no T or F row"}},
    {{"international inflow is missing: only F rows give it, no T or M row",
      "international inflow is missing: only M rows give it, no T or F row"},
     {"international outflow is missing: only F rows give it, no T or M row",
      "international outflow is missing: only M rows give it, no T or F row"}}};

static const char complement_why[] =
    "suppressed with another zone's small count, so that neither can be recovered from the "
    "system's totals (complementary suppression)";

static uint64_t rows_of(const cm_flow_cell *c, int dir)
{
    return c ? (dir == DIR_IN ? c->in_rows : c->out_rows) : 0;
}

static int64_t sum_of(const cm_flow_cell *c, int dir)
{
    return dir == DIR_IN ? c->inflow : c->outflow;
}

static int64_t outside_of(const cm_flow_cell *c, int dir)
{
    return dir == DIR_IN ? c->in_outside : c->out_outside;
}

/* A total as a count: exact, or inexact past 2^53. */
static in_val total_of(const engine *e, int64_t v, const char *name)
{
    return v > CM_COUNT_MAX ? in_sum((double)v, name) : in_count(e, true, v, name);
}

/* One direction of a cell: T, else F + M, else missing. */
static in_val resolve(const engine *e, const cm_flow_cell *const sex[CM_SEX_COUNT], int kind,
                      int dir, int64_t *outside)
{
    const char *name = side_names[kind][dir];
    const cm_flow_cell *t = sex[CM_SEX_TOTAL], *f = sex[CM_SEX_FEMALE], *m = sex[CM_SEX_MALE];
    *outside = 0;
    if (rows_of(t, dir)) {
        *outside = outside_of(t, dir);
        return total_of(e, sum_of(t, dir), name);
    }
    bool hf = rows_of(f, dir) != 0, hm = rows_of(m, dir) != 0;
    if (hf && hm) {
        *outside = outside_of(f, dir) + outside_of(m, dir);
        return total_of(e, sum_of(f, dir) + sum_of(m, dir), name);
    }
    in_val x = in_missing(name);
    if (hf || hm)
        x.why = one_sex_why[kind][dir][hf ? 0 : 1];
    return x;
}

static fc_entry resolve_entry(const engine *e, const cm_flow_cell *const sex[CM_SEX_COUNT],
                              uint32_t area, int32_t year, int kind)
{
    fc_entry en = {.area = area, .year = year, .kind = (uint8_t)kind};
    en.in = resolve(e, sex, kind, DIR_IN, &en.in_outside);
    en.out = resolve(e, sex, kind, DIR_OUT, &en.out_outside);
    const cm_flow_cell *f = sex[CM_SEX_FEMALE], *m = sex[CM_SEX_MALE];
    if (rows_of(f, DIR_IN) && rows_of(m, DIR_IN)) {
        en.female = in_count(e, true, f->inflow, "female inflow");
        en.male = in_count(e, true, m->inflow, "male inflow");
    } else {
        en.female = en.male = in_missing("inflow by sex");
    }
    /* The sexes sum to the inflow: hidden with it. */
    if (en.in.st == IN_SUPPRESSED && en.female.st != IN_MISSING)
        en.female = en.male = en.in;
    return en;
}

static int cmp_entry_key(int32_t year, uint32_t area, int kind, const fc_entry *b)
{
    if (year != b->year)
        return year < b->year ? -1 : 1;
    if (area != b->area)
        return area < b->area ? -1 : 1;
    return kind < b->kind ? -1 : kind > b->kind;
}

static fc_entry *find_entry(const flowcells *fc, uint32_t area, int32_t year, int kind)
{
    size_t lo = 0, hi = fc->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_entry_key(year, area, kind, &fc->items[mid]);
        if (c == 0)
            return &fc->items[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The zones of a year's internal system: declared, else every area that is
   an end of an internal flow of the year. */
static uint32_t *zones_of_year(const engine *e, int32_t year, size_t *n, bool *declared,
                               const char **rule)
{
    const cm_flows *f = e->ds->flows;
    *declared = cm_flows_system_declared(f, year);
    if (*declared) {
        const uint32_t *ids;
        *n = cm_flows_zones(f, year, &ids);
        *rule = cm_flows_zone_rule(f, year);
        uint32_t *copy = malloc((*n ? *n : 1) * sizeof *copy);
        if (copy && *n)
            memcpy(copy, ids, *n * sizeof *copy);
        return copy;
    }
    *rule = "every area that is an end of an internal flow";
    const flowcells *fc = e->fc;
    size_t cap = 0;
    for (size_t i = 0; i < fc->count; i++)
        if (fc->items[i].year == year && fc->items[i].kind == CM_KIND_INTERNAL)
            cap++;
    uint32_t *ids = malloc((cap ? cap : 1) * sizeof *ids);
    if (!ids)
        return NULL;
    *n = 0;
    for (size_t i = 0; i < fc->count; i++)
        if (fc->items[i].year == year && fc->items[i].kind == CM_KIND_INTERNAL)
            ids[(*n)++] = fc->items[i].area;
    qsort(ids, *n, sizeof *ids, cmp_u32);
    return ids;
}

/* Complementary suppression of one direction over the zones: returns false
   when one zone is suppressed and no other can be suppressed with it. */
static bool protect(engine *e, fc_system *sys, int dir)
{
    size_t suppressed = 0, best = SIZE_MAX;
    for (size_t i = 0; i < sys->nzones; i++) {
        in_val *x = dir == DIR_IN ? &sys->zones[i].in : &sys->zones[i].out;
        if (x->st == IN_SUPPRESSED)
            suppressed++;
        else if (x->st == IN_OK && x->v > 0 &&
                 (best == SIZE_MAX ||
                  x->v < (dir == DIR_IN ? sys->zones[best].in : sys->zones[best].out).v))
            best = i;
    }
    if (suppressed != 1)
        return true;
    if (best == SIZE_MAX)
        return false;
    zone_info *z = &sys->zones[best];
    in_val *x = dir == DIR_IN ? &z->in : &z->out;
    x->st = IN_SUPPRESSED;
    x->why = complement_why;
    fc_entry *en = find_entry(e->fc, z->area, sys->year, CM_KIND_INTERNAL);
    if (en) {
        *(dir == DIR_IN ? &en->in : &en->out) = *x;
        if (dir == DIR_IN && en->female.st != IN_MISSING)
            en->female = en->male = *x;
    }
    return true;
}

static cm_status build_system(engine *e, fc_system *sys)
{
    size_t n = 0;
    uint32_t *ids = zones_of_year(e, sys->year, &n, &sys->declared, &sys->rule);
    if (!ids)
        return CM_ERR_NOMEM;
    sys->zones = calloc(n ? n : 1, sizeof *sys->zones);
    if (!sys->zones) {
        free(ids);
        return CM_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        zone_info *z = &sys->zones[sys->nzones++];
        z->area = ids[i];
        const fc_entry *en = find_entry(e->fc, ids[i], sys->year, CM_KIND_INTERNAL);
        z->in = en ? en->in : in_missing(side_names[CM_KIND_INTERNAL][DIR_IN]);
        z->out = en ? en->out : in_missing(side_names[CM_KIND_INTERNAL][DIR_OUT]);
    }
    free(ids);
    sys->protectable = protect(e, sys, DIR_IN);
    sys->protectable = protect(e, sys, DIR_OUT) && sys->protectable;
    for (size_t i = 0; i < sys->nzones; i++) {
        zone_info *z = &sys->zones[i];
        const fc_entry *en = find_entry(e->fc, z->area, sys->year, CM_KIND_INTERNAL);
        int64_t in_out = en ? en->in_outside : 0, out_out = en ? en->out_outside : 0;
        z->in_inside = z->in;
        z->in_inside.v -= (double)in_out;
        z->out_inside = z->out;
        z->out_inside.v -= (double)out_out;
    }
    return CM_OK;
}

cm_status flowcells_build(engine *e)
{
    const cm_flows *f = e->ds->flows;
    flowcells *fc = calloc(1, sizeof *fc);
    if (!fc)
        return CM_ERR_NOMEM;
    e->fc = fc;
    fc->items = malloc((f->count ? f->count : 1) * sizeof *fc->items);
    if (!fc->items)
        return CM_ERR_NOMEM;
    /* Cells are sorted by year, area, kind and sex: one entry per group. */
    for (size_t i = 0; i < f->count;) {
        const cm_flow_cell *c = &f->cells[i];
        const cm_flow_cell *sex[CM_SEX_COUNT] = {NULL, NULL, NULL};
        size_t j = i;
        for (; j < f->count && f->cells[j].year == c->year && f->cells[j].area == c->area &&
               f->cells[j].kind == c->kind;
             j++)
            sex[f->cells[j].sex] = &f->cells[j];
        fc->items[fc->count++] = resolve_entry(e, sex, c->area, c->year, c->kind);
        i = j;
    }
    /* One internal system per year with internal flows. */
    size_t nyears = 0;
    for (size_t i = 0, y = 0; i < fc->count; i++)
        if (fc->items[i].kind == CM_KIND_INTERNAL && (size_t)fc->items[i].year != y) {
            y = (size_t)fc->items[i].year;
            nyears++;
        }
    fc->systems = calloc(nyears ? nyears : 1, sizeof *fc->systems);
    if (!fc->systems)
        return CM_ERR_NOMEM;
    int32_t last = 0;
    for (size_t i = 0; i < fc->count; i++) {
        if (fc->items[i].kind != CM_KIND_INTERNAL || fc->items[i].year == last)
            continue;
        last = fc->items[i].year;
        fc_system *sys = &fc->systems[fc->nsystems++];
        sys->year = last;
        cm_status st = build_system(e, sys);
        if (st != CM_OK)
            return st;
    }
    return CM_OK;
}

void flowcells_free(flowcells *fc)
{
    if (!fc)
        return;
    for (size_t i = 0; i < fc->nsystems; i++)
        free(fc->systems[i].zones);
    free(fc->systems);
    free(fc->items);
    free(fc);
}

flow_view flow_view_of(const engine *e, uint32_t area, int32_t year, int kind)
{
    flow_view fv;
    if (kind == CM_KIND_ALL) {
        flow_view a = flow_view_of(e, area, year, CM_KIND_INTERNAL);
        flow_view b = flow_view_of(e, area, year, CM_KIND_INTERNATIONAL);
        fv.in = in_add(a.in, b.in, "inflow");
        fv.out = in_add(a.out, b.out, "outflow");
        fv.female = in_add(a.female, b.female, "female inflow");
        fv.male = in_add(a.male, b.male, "male inflow");
        return fv;
    }
    const fc_entry *en = find_entry(e->fc, area, year, kind);
    if (!en) {
        fv.in = in_missing(side_names[kind][DIR_IN]);
        fv.out = in_missing(side_names[kind][DIR_OUT]);
        fv.female = fv.male = in_missing("inflow by sex");
        return fv;
    }
    fv.in = en->in;
    fv.out = en->out;
    fv.female = en->female;
    fv.male = en->male;
    return fv;
}

int flow_interval(const engine *e, int32_t year, int kind)
{
    if (kind == CM_KIND_ALL) {
        int a = cm_flows_interval(e->ds->flows, year, CM_KIND_INTERNAL);
        int b = cm_flows_interval(e->ds->flows, year, CM_KIND_INTERNATIONAL);
        return a == b ? a : 0;
    }
    return cm_flows_interval(e->ds->flows, year, (cm_kind)kind);
}

size_t system_zones(const engine *e, int32_t year, const zone_info **zones, bool *declared,
                    const char **rule, bool *protectable)
{
    const flowcells *fc = e->fc;
    for (size_t i = 0; i < fc->nsystems; i++) {
        if (fc->systems[i].year == year) {
            *zones = fc->systems[i].zones;
            *declared = fc->systems[i].declared;
            *rule = fc->systems[i].rule;
            *protectable = fc->systems[i].protectable;
            return fc->systems[i].nzones;
        }
    }
    *zones = NULL;
    return 0;
}

void flow_out_by_sex(const engine *e, uint32_t area, int32_t year, int kind, in_val *female,
                     in_val *male)
{
    if (kind == CM_KIND_ALL) {
        in_val fa, ma, fb, mb;
        flow_out_by_sex(e, area, year, CM_KIND_INTERNAL, &fa, &ma);
        flow_out_by_sex(e, area, year, CM_KIND_INTERNATIONAL, &fb, &mb);
        *female = in_add(fa, fb, "female outflow");
        *male = in_add(ma, mb, "male outflow");
        return;
    }
    const cm_flow_cell *f = cm_flows_find(e->ds->flows, area, year, (cm_kind)kind, CM_SEX_FEMALE);
    const cm_flow_cell *m = cm_flows_find(e->ds->flows, area, year, (cm_kind)kind, CM_SEX_MALE);
    if (!rows_of(f, DIR_OUT) || !rows_of(m, DIR_OUT)) {
        *female = *male = in_missing("outflow by sex");
        return;
    }
    *female = in_count(e, true, f->outflow, "female outflow");
    *male = in_count(e, true, m->outflow, "male outflow");
    /* The sexes sum to the outflow: hidden with it (complementary
       suppression among the zones included). */
    const fc_entry *en = find_entry(e->fc, area, year, kind);
    if (en && en->out.st == IN_SUPPRESSED)
        *female = *male = en->out;
}
