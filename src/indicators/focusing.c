/*
 * focusing.c - spatial focusing of an internal system over its zones, per
 * year: how unevenly its moves spread over the pairs of zones (Bell et al.
 * 2002, "Cross-national comparison of internal migration: issues and
 * measures", JRSS A 165(3), 435-464; Plane and Mulligan 1997; Rogers and
 * Raymer 1998).
 *
 * The matrix M is that of moves between the zones of the year, from the
 * flows by origin and destination (pairs.h), which are kept only when
 * asked for; a pair of zones with no row is 0 where both zones' flows are
 * known (their sums include every row). Its n (n - 1) cells off the
 * diagonal are compared with each other: a sum of |x_a - x_b| over ordered
 * pairs of cells is 2 sum_k (2k - m - 1) x_(k) over the m cells sorted, so
 * that only the cells with rows are visited.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "citymig/pairs.h"
#include "engine.h"

typedef struct cell {
    uint32_t o, d; /* zone indexes */
    int64_t v;
} cell;

static int cmp_by_d(const void *a, const void *b)
{
    const cell *x = a, *y = b;
    if (x->d != y->d)
        return x->d < y->d ? -1 : 1;
    return x->o < y->o ? -1 : x->o > y->o;
}

static int cmp_by_o_v(const void *a, const void *b)
{
    const cell *x = a, *y = b;
    if (x->o != y->o)
        return x->o < y->o ? -1 : 1;
    return x->v < y->v ? -1 : x->v > y->v;
}

static int cmp_by_d_v(const void *a, const void *b)
{
    const cell *x = a, *y = b;
    if (x->d != y->d)
        return x->d < y->d ? -1 : 1;
    return x->v < y->v ? -1 : x->v > y->v;
}

static int cmp_v(const void *a, const void *b)
{
    const cell *x = a, *y = b;
    return x->v < y->v ? -1 : x->v > y->v;
}

/* The index of area among the zones (ascending by id), or SIZE_MAX. */
static size_t zone_index(const zone_info *zones, size_t nz, uint32_t area)
{
    size_t lo = 0, hi = nz;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (zones[mid].area < area)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < nz && zones[lo].area == area ? lo : SIZE_MAX;
}

/* The sum of |x_a - x_b| over the ordered pairs of a group of m cells, of
   which c[0..k) are the non-zero ones sorted ascending, the rest 0. */
static long double spread(const cell *c, size_t k, size_t m)
{
    long double s = 0;
    size_t zeros = m - k;
    for (size_t i = 0; i < k; i++)
        s += (long double)(2.0 * (double)(zeros + i + 1) - (double)m - 1.0) * (long double)c[i].v;
    return 2 * s;
}

/* The sum over groups (zone of `key`) of the spread of each group of m. */
static long double spread_groups(const cell *c, size_t k, size_t m, bool by_d)
{
    long double s = 0;
    for (size_t i = 0; i < k;) {
        size_t j = i;
        uint32_t g = by_d ? c[i].d : c[i].o;
        while (j < k && (by_d ? c[j].d : c[j].o) == g)
            j++;
        s += spread(c + i, j - i, m);
        i = j;
    }
    return s;
}

/* The cells between zones of a year from the pairs of one sex, appended
   to *c (grown as needed). false when out of memory. */
static bool gather(const cm_pairs *p, int32_t year, cm_sex sex, const zone_info *zones, size_t nz,
                   cell **c, size_t *k, size_t *cap)
{
    size_t from, to;
    cm_pairs_range(p, year, CM_KIND_INTERNAL, sex, &from, &to);
    for (size_t i = from; i < to; i++) {
        const cm_flow_pair *x = &p->items[i];
        size_t o = zone_index(zones, nz, x->origin), d = zone_index(zones, nz, x->destination);
        if (o == SIZE_MAX || d == SIZE_MAX || x->count == 0)
            continue;
        if (*k == *cap) {
            size_t ncap = *cap ? *cap * 2 : 1024;
            cell *g = realloc(*c, ncap * sizeof *g);
            if (!g)
                return false;
            *c = g;
            *cap = ncap;
        }
        (*c)[(*k)++] = (cell){(uint32_t)o, (uint32_t)d, x->count};
    }
    return true;
}

static const char *zone_name(const engine *e, const zone_info *zones, uint32_t i)
{
    return cm_strpool_str(e->ds->pool, zones[i].area);
}

static void put_all(engine *e, const subject *s, in_val x, const double v[4], const char *why[4])
{
    static const char *const ids[4] = {"gini_connectivity", "gini_in_migration",
                                       "gini_out_migration", "flow_cv"};
    for (int i = 0; i < 4; i++) {
        cm_result *r = emit(e, s, ids[i]);
        if (r)
            decide(e, r, x, v[i], why[i]);
    }
}

void eval_focusing(engine *e, int32_t year)
{
    const zone_info *zones;
    bool declared, protectable;
    const char *rule;
    size_t nz = system_zones(e, year, &zones, &declared, &rule, &protectable);
    if (nz == 0)
        return;
    subject s = {.area = 0, .year = year, .kind = CM_KIND_INTERNAL};
    double v[4] = {NAN, NAN, NAN, NAN};
    const char *why[4] = {NULL, NULL, NULL, NULL};
    const cm_pairs *p = cm_flows_pairs(e->ds->flows);
    if (!p) {
        in_val x = in_missing("pairs");
        x.why = "the flows by origin and destination were not kept: run with --pairs";
        put_all(e, &s, x, v, why);
        return;
    }

    /* The zones' flows as the area rows show them: the matrix stands for
       them only where they are known. */
    in_val x = in_known(0, "flows");
    size_t worst = 0;
    for (size_t i = 0; i < nz; i++) {
        in_val before = x;
        if (declared || zones[i].in.st != IN_MISSING)
            x = in_combine(x, zones[i].in_inside, 0);
        if (declared || zones[i].out.st != IN_MISSING)
            x = in_combine(x, zones[i].out_inside, 0);
        if (in_rank(x.st) > in_rank(before.st))
            worst = i;
    }
    char why_zone[320];
    if (x.st != IN_OK) {
        if (x.st == IN_SUPPRESSED)
            snprintf(why_zone, sizeof why_zone, "a flow of zone %s is below --min-count %" PRId64,
                     zone_name(e, zones, (uint32_t)worst), e->opts->min_count);
        else if (x.st == IN_MISSING || x.st == IN_INEXACT)
            snprintf(why_zone, sizeof why_zone, "%s%s (zone %s)", x.why ? x.why : x.name,
                     x.why ? "" : (x.st == IN_MISSING ? " is missing" : " is above 2^53"),
                     zone_name(e, zones, (uint32_t)worst));
        if (x.st != IN_INCONSISTENT) {
            x.why = why_zone;
            if (x.st == IN_INEXACT)
                x.st = IN_MISSING;
        }
    }

    /* T pairs where any is given, else F + M. */
    cell *c = NULL;
    size_t k = 0, cap = 0, from, to;
    cm_pairs_range(p, year, CM_KIND_INTERNAL, CM_SEX_TOTAL, &from, &to);
    bool ok = true;
    if (from < to)
        ok = gather(p, year, CM_SEX_TOTAL, zones, nz, &c, &k, &cap);
    else
        ok = gather(p, year, CM_SEX_FEMALE, zones, nz, &c, &k, &cap) &&
             gather(p, year, CM_SEX_MALE, zones, nz, &c, &k, &cap);
    if (!ok) {
        free(c);
        e->status = CM_ERR_NOMEM;
        return;
    }
    if (k)
        qsort(c, k, sizeof *c, cmp_by_d);
    size_t w = 0;
    for (size_t i = 0; i < k; i++) {
        if (w > 0 && c[w - 1].o == c[i].o && c[w - 1].d == c[i].d)
            c[w - 1].v += c[i].v;
        else
            c[w++] = c[i];
    }
    k = w;

    /* The matrix's row and column sums against the zones' flows. */
    char why_sum[320], why_small[320];
    if (x.st == IN_OK || x.st == IN_SUPPRESSED) {
        int64_t *in = calloc(nz, sizeof *in), *out = calloc(nz, sizeof *out);
        if (!in || !out) {
            free(in);
            free(out);
            free(c);
            e->status = CM_ERR_NOMEM;
            return;
        }
        for (size_t i = 0; i < k; i++) {
            in[c[i].d] += c[i].v;
            out[c[i].o] += c[i].v;
        }
        for (size_t i = 0; i < nz; i++) {
            const zone_info *z = &zones[i];
            bool in_bad = z->in_inside.st == IN_OK && (double)in[i] != z->in_inside.v;
            bool out_bad = z->out_inside.st == IN_OK && (double)out[i] != z->out_inside.v;
            if (in_bad || out_bad) {
                snprintf(why_sum, sizeof why_sum,
                         "the flows by origin and destination of %" PRId32
                         " do not add up to the %s of %s from the other zones: some pairs give "
                         "totals (T) where others give only F and M",
                         year, in_bad ? "inflow" : "outflow", cm_strpool_str(e->ds->pool, z->area));
                x = in_missing("pairs");
                x.why = why_sum;
                break;
            }
        }
        free(in);
        free(out);
    }
    /* A small cell of the matrix is a count that these measures stand on. */
    if (x.st == IN_OK && e->opts->min_count > 0) {
        for (size_t i = 0; i < k; i++) {
            if (c[i].v > 0 && c[i].v < e->opts->min_count) {
                snprintf(why_small, sizeof why_small,
                         "the flow from %s to %s is below --min-count %" PRId64,
                         zone_name(e, zones, c[i].o), zone_name(e, zones, c[i].d),
                         e->opts->min_count);
                x.st = IN_SUPPRESSED;
                x.why = why_small;
                break;
            }
        }
    }

    long double total = 0, squares = 0;
    for (size_t i = 0; i < k; i++) {
        total += (long double)c[i].v;
        squares += (long double)c[i].v * (long double)c[i].v;
    }
    double n = (double)nz, cells = n * (n - 1);
    if (x.st == IN_OK) {
        if (nz < 2) {
            why[0] = why[1] = why[2] = why[3] = "the system has one zone: no pairs of zones";
        } else if (total == 0) {
            why[0] = why[1] = why[2] = why[3] = "there are no moves between the zones";
        } else {
            qsort(c, k, sizeof *c, cmp_by_d_v);
            long double in_spread = spread_groups(c, k, (size_t)(n - 1), true);
            qsort(c, k, sizeof *c, cmp_by_o_v);
            long double out_spread = spread_groups(c, k, (size_t)(n - 1), false);
            qsort(c, k, sizeof *c, cmp_v);
            long double all = spread(c, k, (size_t)cells);
            v[0] = (double)(all / (2 * (long double)(cells - 1) * total));
            if (nz < 3) {
                why[1] = why[2] = "with two zones each zone has one partner: there is no spread "
                                  "over partners to measure";
            } else {
                v[1] = (double)(in_spread / (2 * (long double)(n - 2) * total));
                v[2] = (double)(out_spread / (2 * (long double)(n - 2) * total));
            }
            long double var = (long double)cells * squares - total * total;
            v[3] = (double)(sqrtl(var > 0 ? var : 0) / total);
        }
    }
    free(c);
    put_all(e, &s, x, v, why);
}
