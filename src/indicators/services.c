/*
 * services.c - access to services per area, year and service, and the
 * coverage of service data per area and year.
 *
 * A group's access rate comes from its counts (100 * with_access /
 * population), else from the published access_rate. A published rate whose
 * polarity is `lack` measures the lack of the service (uninsured): the
 * access rate is then 100 - rate, computed from it. The 95% intervals use
 * the standard errors of both groups: for the gap, gap +- 1.96 sqrt(se_m^2 +
 * se_n^2); for parity, by the delta method on the log scale, parity *
 * exp(+-1.96 sqrt((se_m / r_m)^2 + (se_n / r_n)^2)).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine.h"

typedef struct group_rate {
    in_val rate, se;
    bool published; /* the published access_rate itself */
    bool derived;   /* computed from a published rate of lack */
    bool present;   /* the group has a row */
} group_rate;

/* The access rate (%) of a group's row. */
static group_rate access_rate(engine *e, size_t row, const char *group)
{
    const cm_table *t = e->ds->services;
    group_rate g = {.rate = in_missing(group), .se = in_missing("standard_error")};
    if (row == SIZE_MAX)
        return g;
    g.present = true;
    if (t->cols[CM_SERVICES_STANDARD_ERROR].present[row])
        g.se = in_known(t->cols[CM_SERVICES_STANDARD_ERROR].v.percent[row], "standard_error");
    bool has_pop = t->cols[CM_SERVICES_POPULATION].present[row];
    bool has_with = t->cols[CM_SERVICES_WITH_ACCESS].present[row];
    if ((!has_pop || !has_with) && t->cols[CM_SERVICES_ACCESS_RATE].present[row]) {
        double v = t->cols[CM_SERVICES_ACCESS_RATE].v.percent[row];
        bool lack = t->cols[CM_SERVICES_POLARITY].present[row] &&
                    t->cols[CM_SERVICES_POLARITY].v.code[row] == CM_POLARITY_LACK;
        g.rate = in_known(lack ? 100 - v : v, "access_rate");
        g.published = !lack;
        g.derived = lack;
        return g;
    }
    in_val pop = in_count(e, has_pop, t->cols[CM_SERVICES_POPULATION].v.count[row], "population");
    in_val with =
        in_count(e, has_with, t->cols[CM_SERVICES_WITH_ACCESS].v.count[row], "with_access");
    if (t->inconsistent && (t->inconsistent[row] >> CM_SERVICES_WITH_ACCESS & 1u) &&
        with.st == IN_OK)
        with.st = IN_INCONSISTENT;
    g.rate = in_combine(with, pop, 0);
    if (g.rate.st == IN_OK)
        g.rate.v = pop.v == 0 ? NAN : 100.0 * with.v / pop.v;
    return g;
}

/* Names a group's inputs for reasons: "migrant population". */
static void name_group(group_rate *g, const char *group, char *buf, size_t size)
{
    if (!g->present) {
        snprintf(buf, size, "the %s row", group);
    } else {
        snprintf(buf, size, "%s %s", group, g->rate.name);
    }
    g->rate.name = buf;
}

static void put_rate(engine *e, const subject *s, const char *id, const group_rate *g,
                     const char *group)
{
    cm_result *r = emit(e, s, id);
    if (!r)
        return;
    char why[64];
    snprintf(why, sizeof why, "%s population is 0", group);
    if (!decide(e, r, g->rate, g->rate.v, why))
        return;
    if (g->published)
        mark_published(e, r, "access_rate");
    else if (g->derived)
        note(e, r, "computed from the published access_rate, a rate of lack: 100 - rate");
}

/* Provenance of a value computed from both groups' rates. */
static void provenance(engine *e, cm_result *r, const group_rate *m, const group_rate *n)
{
    if (m->published || n->published || m->derived || n->derived)
        mark_from_published(e, r, "access_rate");
}

/* Returns true when both groups have data (for service_data_coverage). */
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
    group_rate m = access_rate(e, mrow, "migrant");
    group_rate n = access_rate(e, nrow, "native");
    char mname[96], nname[96];
    name_group(&m, "migrant", mname, sizeof mname);
    name_group(&n, "native", nname, sizeof nname);
    put_rate(e, &s, "rate_migrant", &m, "migrant");
    put_rate(e, &s, "rate_native", &n, "native");

    /* A rate over a population of 0 is undefined: so is all that uses it. */
    const char *undefined = !isfinite(m.rate.v)   ? "the migrant population is 0"
                            : !isfinite(n.rate.v) ? "the native population is 0"
                                                  : NULL;
    in_val both = in_combine(m.rate, n.rate, 0);
    double a = m.rate.v, b = n.rate.v;

    cm_result *r = emit(e, &s, "gap_pp");
    if (r && decide(e, r, both, undefined ? NAN : a - b, undefined)) {
        r->numerator = a;
        r->denominator = b;
        r->has_numerator = r->has_denominator = true;
        provenance(e, r, &m, &n);
    }
    const char *zero_native = undefined ? undefined : "rate_native is 0";
    double parity = undefined || b == 0 ? NAN : a / b;
    r = emit(e, &s, "parity");
    if (r && decide(e, r, both, parity, zero_native)) {
        r->numerator = a;
        r->denominator = b;
        r->has_numerator = r->has_denominator = true;
        provenance(e, r, &m, &n);
    }
    r = emit(e, &s, "relative_gap");
    if (r && decide(e, r, both, 100.0 * (parity - 1.0), zero_native))
        provenance(e, r, &m, &n);

    /* Intervals: both standard errors are inputs too. */
    in_val se = in_combine(in_combine(m.se, n.se, 0), both, 0);
    double half = 1.96 * sqrt(m.se.v * m.se.v + n.se.v * n.se.v);
    for (int side = 0; side < 2; side++) {
        r = emit(e, &s, side ? "gap_ci_high" : "gap_ci_low");
        double v = undefined ? NAN : side ? a - b + half : a - b - half;
        if (r && decide(e, r, se, v, undefined))
            provenance(e, r, &m, &n);
    }
    double log_se = sqrt(pow(m.se.v / a, 2) + pow(n.se.v / b, 2));
    const char *zero_rate = undefined          ? undefined
                            : b == 0 || a == 0 ? "a rate of 0 has no interval on the log scale"
                                               : "not finite";
    for (int side = 0; side < 2; side++) {
        r = emit(e, &s, side ? "parity_ci_high" : "parity_ci_low");
        double v =
            undefined || a == 0 || b == 0 ? NAN : parity * exp((side ? 1.96 : -1.96) * log_se);
        if (r && decide(e, r, se, v, zero_rate))
            provenance(e, r, &m, &n);
    }
    /* Data for both groups: present, whatever its flag. */
    return m.rate.st != IN_MISSING && n.rate.st != IN_MISSING;
}

typedef struct service_key {
    uint32_t rank; /* of the area */
    int32_t year;
    uint32_t area, service;
} service_key;

static int cmp_service_key(const void *a, const void *b)
{
    const service_key *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    if (x->year != y->year)
        return x->year < y->year ? -1 : 1;
    return x->service < y->service ? -1 : x->service > y->service;
}

/* The walker: the services rows of one area at a time. */
typedef struct services_plan {
    service_key *keys;
    size_t n, at;
} services_plan;

static uint32_t services_next(const engine *e, const void *plan)
{
    (void)e;
    const services_plan *p = plan;
    return p->at == p->n ? UINT32_MAX : p->keys[p->at].rank;
}

/* Each year of the next area: its services, then its coverage over them. */
static void services_eval(engine *e, void *plan)
{
    services_plan *p = plan;
    const service_key *keys = p->keys;
    size_t i = p->at;
    uint32_t rank = keys[i].rank;
    while (i < p->n && keys[i].rank == rank && e->status == CM_OK) {
        size_t j = i, services = 0, with_both = 0;
        for (; j < p->n && keys[j].year == keys[i].year && keys[j].area == keys[i].area; j++) {
            if (j > i && keys[j].service == keys[j - 1].service)
                continue;
            services++;
            if (eval_service(e, keys[j].area, keys[j].year, keys[j].service))
                with_both++;
        }
        subject s = {.area = keys[i].area, .year = keys[i].year, .kind = CM_KIND_NONE};
        put_ratio(e, &s, "service_data_coverage",
                  in_known((double)with_both, "services with data for both groups"),
                  in_known((double)services, "services of the area"), 100);
        i = j;
    }
    while (i < p->n && keys[i].rank == rank)
        i++;
    p->at = i;
}

static void services_free(void *plan)
{
    services_plan *p = plan;
    if (p)
        free(p->keys);
    free(p);
}

cm_status services_walker(engine *e, walker *w)
{
    const cm_table *t = e->ds->services;
    services_plan *p = calloc(1, sizeof *p);
    if (p)
        p->keys = malloc((t->nrows + 1) * sizeof *p->keys);
    if (!p || !p->keys) {
        services_free(p);
        return CM_ERR_NOMEM;
    }
    for (size_t r = 0; r < t->nrows; r++) {
        uint32_t area = t->cols[CM_SERVICES_AREA_ID].v.text[r];
        p->keys[r] = (service_key){e->rank[area], t->cols[CM_SERVICES_YEAR].v.year[r], area,
                                   t->cols[CM_SERVICES_SERVICE].v.text[r]};
    }
    qsort(p->keys, t->nrows, sizeof *p->keys, cmp_service_key);
    p->n = t->nrows;
    *w = (walker){p, services_next, services_eval, services_free};
    return CM_OK;
}
