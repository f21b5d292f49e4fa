/*
 * flowind.c - flow indicators per area, year and kind, and the measures of
 * an internal system per year.
 *
 * The table is rectangular: in a year, every area that is an end of a flow
 * of the year, every zone of the year's system, and every area with a
 * published net migration of the year gets every flow indicator for each
 * kind the year has (a kind has flows or published nets that year), and for
 * kind all when the year has both; a value that cannot be computed is there
 * with its flag and reason.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine.h"

/* The published net migration of an areas row for a kind. */
static in_val published_net(const engine *e, size_t row, int kind)
{
    const cm_table *t = e->ds->areas;
    if (kind == CM_KIND_ALL) {
        in_val a = published_net(e, row, CM_KIND_INTERNAL);
        in_val b = published_net(e, row, CM_KIND_INTERNATIONAL);
        return in_add(a, b, "net migration");
    }
    size_t col = kind == CM_KIND_INTERNAL ? CM_AREAS_NET_INTERNAL_MIGRATION
                                          : CM_AREAS_NET_INTERNATIONAL_MIGRATION;
    if (row == SIZE_MAX || !t->cols[col].present[row])
        return in_missing(t->def->cols[col].name);
    return in_known((double)t->cols[col].v.count[row], t->def->cols[col].name);
}

in_val net_of(const engine *e, uint32_t area, int32_t year, int kind, size_t row, bool *published)
{
    flow_view fv = flow_view_of(e, area, year, kind);
    in_val net = in_subtract(fv.in, fv.out, "net");
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

/* Rates per year: the flows of the year cover `interval` years. */
in_val per_year(in_val x, int interval, char *why, size_t size, int32_t year)
{
    if (x.st != IN_OK)
        return x;
    if (interval == 0) {
        snprintf(why, size,
                 "the internal and international flows of %" PRId32
                 " cover different intervals, so their sum has no annual rate",
                 year);
        in_val m = in_missing("interval");
        m.why = why;
        return m;
    }
    x.v /= interval;
    return x;
}

/* A rate from flows of several years says so: its numerator is a year's. */
void annual(engine *e, cm_result *r, int interval)
{
    if (r && r->flag == CM_FLAG_OK && interval > 1)
        note(e, r, "annual: the flows cover %d years, the numerator is their yearly average",
             interval);
}

static void eval_flow(engine *e, uint32_t area, int32_t year, int kind)
{
    subject s = {.area = area, .year = year, .kind = kind};
    size_t row = cm_areas_find(e->ds->areas, area, year);
    in_val pop = area_count(e, row, CM_AREAS_POPULATION);
    flow_view fv = flow_view_of(e, area, year, kind);
    bool net_published;
    in_val net = net_of(e, area, year, kind, row, &net_published);
    in_val gross = in_add(fv.in, fv.out, "gross");
    int interval = flow_interval(e, year, kind);
    char why[3][160];

    put_count(e, &s, "inflow", fv.in);
    put_count(e, &s, "outflow", fv.out);
    cm_result *r = emit(e, &s, "net");
    if (r && decide(e, r, net, net.v, NULL) && net_published)
        mark_published(e, r, net.name);
    put_count(e, &s, "gross", gross);
    /* A published net is one year's; flows cover their interval. */
    int net_interval = net_published ? 1 : interval;
    cm_result *rate = put_ratio(e, &s, "in_rate",
                                per_year(fv.in, interval, why[0], sizeof why[0], year), pop, 1000);
    annual(e, rate, interval);
    rate = put_ratio(e, &s, "out_rate", per_year(fv.out, interval, why[1], sizeof why[1], year),
                     pop, 1000);
    annual(e, rate, interval);
    r = put_ratio(e, &s, "net_rate", per_year(net, net_interval, why[2], sizeof why[2], year), pop,
                  1000);
    if (net_published)
        mark_from_published(e, r, net.name);
    else
        annual(e, r, interval);
    put_ratio(e, &s, "effectiveness", in_subtract(fv.in, fv.out, "net"), gross, 100);
    rate =
        put_ratio(e, &s, "surge", per_year(fv.in, interval, why[0], sizeof why[0], year), pop, 100);
    annual(e, rate, interval);
    put_ratio(e, &s, "inflow_female_share", fv.female,
              in_add(fv.female, fv.male, "inflow of women and men"), 100);
    put_sex_rates(e, &s, &fv, row, interval);
    if (kind == CM_KIND_ALL) {
        flow_view intl = flow_view_of(e, area, year, CM_KIND_INTERNATIONAL);
        put_ratio(e, &s, "international_share_of_inflow", intl.in, fv.in, 100);
    }
    eval_ages(e, area, year, kind, row, interval);
}

typedef struct area_year {
    uint32_t rank; /* of the area */
    int32_t year;
    uint32_t area;
} area_year;

static int cmp_area_year(const void *a, const void *b)
{
    const area_year *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return x->year < y->year ? -1 : x->year > y->year;
}

enum { YEARS = CM_YEAR_MAX - CM_YEAR_MIN + 1 };

/* The walker: every (area, year) with flow indicators, by area rank. */
typedef struct flows_plan {
    uint8_t (*kinds)[CM_KIND_COUNT]; /* the kinds each year has: flows, or a published net */
    area_year *list;
    size_t n, at;
} flows_plan;

static uint32_t flows_next(const engine *e, const void *plan)
{
    (void)e;
    const flows_plan *p = plan;
    return p->at == p->n ? UINT32_MAX : p->list[p->at].rank;
}

/* Each year of the next area: every kind the year has, and kind all when
   it has both. */
static void flows_eval(engine *e, void *plan)
{
    flows_plan *p = plan;
    uint32_t rank = p->list[p->at].rank;
    for (; p->at < p->n && p->list[p->at].rank == rank && e->status == CM_OK; p->at++) {
        const area_year *ay = &p->list[p->at];
        if (p->at > 0 && cmp_area_year(ay, ay - 1) == 0)
            continue;
        const uint8_t *has = p->kinds[ay->year - CM_YEAR_MIN];
        for (int k = 0; k < CM_KIND_COUNT; k++)
            if (has[k]) {
                eval_flow(e, ay->area, ay->year, k);
                eval_partners(e, ay->area, ay->year, k);
            }
        if (has[CM_KIND_INTERNAL] && has[CM_KIND_INTERNATIONAL])
            eval_flow(e, ay->area, ay->year, CM_KIND_ALL);
    }
    while (p->at < p->n && p->list[p->at].rank == rank)
        p->at++;
}

static void flows_free(void *plan)
{
    flows_plan *p = plan;
    if (p) {
        free(p->list);
        free(p->kinds);
    }
    free(p);
}

cm_status flows_walker(engine *e, walker *w)
{
    const cm_flows *f = e->ds->flows;
    const cm_table *t = e->ds->areas;
    size_t n = 0, cap = f->count + t->nrows + 1;
    for (int32_t y = CM_YEAR_MIN; y <= CM_YEAR_MAX; y++)
        if (cm_flows_system_declared(f, y)) {
            const uint32_t *ids;
            cap += cm_flows_zones(f, y, &ids);
        }
    flows_plan *p = calloc(1, sizeof *p);
    if (p) {
        p->kinds = calloc(YEARS, sizeof *p->kinds);
        p->list = malloc(cap * sizeof *p->list);
    }
    if (!p || !p->kinds || !p->list) {
        flows_free(p);
        return CM_ERR_NOMEM;
    }
    area_year *list = p->list;
    for (size_t i = 0; i < f->count; i++) {
        const cm_flow_cell *c = &f->cells[i];
        if (i == 0 || c->area != f->cells[i - 1].area || c->year != f->cells[i - 1].year)
            list[n++] = (area_year){e->rank[c->area], c->year, c->area};
        p->kinds[c->year - CM_YEAR_MIN][c->kind] = 1;
    }
    for (size_t r = 0; r < t->nrows; r++) {
        int32_t y = t->cols[CM_AREAS_YEAR].v.year[r];
        bool has = false;
        for (int k = 0; k < CM_KIND_COUNT; k++)
            if (published_net(e, r, k).st == IN_OK)
                p->kinds[y - CM_YEAR_MIN][k] = 1, has = true;
        if (has) {
            uint32_t area = t->cols[CM_AREAS_AREA_ID].v.text[r];
            list[n++] = (area_year){e->rank[area], y, area};
        }
    }
    for (int32_t y = CM_YEAR_MIN; y <= CM_YEAR_MAX; y++) {
        if (!cm_flows_system_declared(f, y) || !p->kinds[y - CM_YEAR_MIN][CM_KIND_INTERNAL])
            continue;
        const uint32_t *ids;
        size_t nz = cm_flows_zones(f, y, &ids);
        for (size_t i = 0; i < nz; i++)
            list[n++] = (area_year){e->rank[ids[i]], y, ids[i]};
    }
    qsort(list, n, sizeof *list, cmp_area_year);
    p->n = n;
    *w = (walker){p, flows_next, flows_eval, flows_free};
    return CM_OK;
}

/* ---- system measures ---------------------------------------------------- */

/* A sum over the zones of a system, with the worst state of its terms. */
typedef struct tally {
    double sum;
    in_state st;
    size_t bad;            /* zones in that state */
    const char *first_bad; /* the first of them */
    const char *why;
    char name[192];
} tally;

/* Adds a zone's term. A suppressed term counts with its value when the
   system is protected (two or more zones suppressed together). */
static void tally_add(tally *t, in_val x, const char *zone, bool protected_)
{
    if (x.st == IN_OK || (x.st == IN_SUPPRESSED && protected_)) {
        t->sum += x.v;
        return;
    }
    if (in_rank(x.st) > in_rank(t->st)) {
        t->st = x.st;
        t->bad = 0;
        t->first_bad = zone;
        t->why = x.why;
    }
    if (x.st == t->st)
        t->bad++;
}

/* The tally as an input: its sum, or its worst state named by zone. */
static in_val tally_value(tally *t, const char *what, size_t zones)
{
    if (t->st == IN_OK)
        return in_sum(t->sum, what);

    if (t->st == IN_SUPPRESSED)
        snprintf(t->name, sizeof t->name,
                 "%s of one zone (%s) is below the minimum count, and no other zone could be "
                 "suppressed with it",
                 what, t->first_bad);
    else
        snprintf(t->name, sizeof t->name, "%s of %zu of %zu zones (first: %s)", what, t->bad, zones,
                 t->first_bad);
    in_val x = {0, t->st, t->name, t->st == IN_SUPPRESSED ? t->name : NULL, 0};
    return x;
}

/* A total of the system is a count that is shown: small, it is suppressed
   like any other. */
static in_val shown_total(const engine *e, in_val x, const char *name)
{
    if (x.st == IN_OK && x.v > 0 && x.v < (double)e->opts->min_count) {
        x.st = IN_SUPPRESSED;
        x.name = name;
    }
    return x;
}

static void eval_system(engine *e, int32_t year)
{
    const zone_info *zones;
    bool declared, protectable;
    const char *rule;
    size_t nz = system_zones(e, year, &zones, &declared, &rule, &protectable);
    if (nz == 0)
        return;
    const cm_table *t = e->ds->areas;
    subject s = {.area = 0, .year = year, .kind = CM_KIND_INTERNAL};
    tally moves = {0}, pop = {0}, abs_net = {0}, gross = {0}, net = {0}, from_out = {0},
          to_out = {0};
    for (size_t i = 0; i < nz; i++) {
        const zone_info *z = &zones[i];
        const char *zone = cm_strpool_str(e->ds->pool, z->area);
        /* Undeclared, the zones are the flows' ends: a zone that is only an
           origin has no arrivals to add. */
        if (declared || z->in.st != IN_MISSING)
            tally_add(&moves, z->in_inside, zone, protectable);
        tally_add(&pop, area_count(e, cm_areas_find(t, z->area, year), CM_AREAS_POPULATION), zone,
                  protectable);
        in_val zn = in_subtract(z->in_inside, z->out_inside, "net");
        if (zn.st == IN_OK || zn.st == IN_SUPPRESSED)
            zn.v = fabs(zn.v);
        tally_add(&abs_net, zn, zone, protectable);
        tally_add(&gross, in_add(z->in_inside, z->out_inside, "gross"), zone, protectable);
        tally_add(&net, in_subtract(z->in, z->out, "net"), zone, protectable);
        in_val zfrom = z->in, zto = z->out;
        zfrom.v = z->in.v - z->in_inside.v;
        zto.v = z->out.v - z->out_inside.v;
        tally_add(&from_out, zfrom, zone, protectable);
        tally_add(&to_out, zto, zone, protectable);
    }
    int interval = flow_interval(e, year, CM_KIND_INTERNAL);
    in_val m = shown_total(e, tally_value(&moves, "inflow", nz), "the system's moves");
    in_val p = tally_value(&pop, "population", nz);
    in_val an =
        shown_total(e, tally_value(&abs_net, "inflow or outflow", nz), "the system's net moves");
    in_val g = shown_total(e, tally_value(&gross, "inflow or outflow", nz), "the system's moves");
    in_val m_year = m, an_year = an;
    if (m_year.st == IN_OK)
        m_year.v /= interval;
    if (an_year.st == IN_OK)
        an_year.v /= interval;
    put_count(e, &s, "system_moves", m);
    annual(e, put_ratio(e, &s, "migration_intensity", m_year, p, 100), interval);
    put_ratio(e, &s, "aggregate_effectiveness", an, g, 100);
    annual(e, put_ratio(e, &s, "aggregate_net_migration_rate", an_year, p, 50), interval);

    /* Across the boundary: only a declared system has one that can be
       crossed; the ends of the flows themselves form a closed set. */
    char why[256];
    snprintf(why, sizeof why,
             "the zones of the %" PRId32
             " internal system are not declared (areas.csv or the manifest's zones), so "
             "nothing crosses its boundary and its net migration is 0 by construction",
             year);
    in_val undeclared = in_missing("zones");
    undeclared.why = why;
    in_val fo = shown_total(e, tally_value(&from_out, "inflow", nz), "the moves in from outside");
    in_val to = shown_total(e, tally_value(&to_out, "outflow", nz), "the moves out to outside");
    put_count(e, &s, "moves_in_from_outside", declared ? fo : undeclared);
    put_count(e, &s, "moves_out_to_outside", declared ? to : undeclared);
    cm_result *r = emit(e, &s, "net_total");
    if (r) {
        /* The zones' nets sum to the moves across the boundary, in - out:
           hidden when either is. */
        in_val x =
            declared
                ? in_combine(in_combine(tally_value(&net, "inflow or outflow", nz), fo, 0), to, 0)
                : undeclared;
        if (declared && x.st == IN_OK)
            x.v = tally_value(&net, "inflow or outflow", nz).v;
        if (decide(e, r, x, x.v, NULL))
            note(e, r, "zones: %s", rule);
    }
}

void eval_systems(engine *e)
{
    for (int32_t y = CM_YEAR_MIN; y <= CM_YEAR_MAX && e->status == CM_OK; y++) {
        eval_system(e, y);
        eval_focusing(e, y);
    }
}
