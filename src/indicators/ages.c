/*
 * ages.c - who the migrants are by age: for each area, year and kind whose
 * flows give age groups, the share of each group among arrivals and
 * departures, the rates of each group over the residents of that age
 * (where areas.csv gives them: pop_0_14, pop_15_64, pop_65_plus), and the
 * age group of the median arrival and departure.
 *
 * The sums of a group are resolved as the totals are (flowcells.c): the T
 * rows where any is given, else F + M where both sexes are, else missing.
 * Disclosure control: a group's sum below --min-count is suppressed; the
 * groups sum to a total that is shown, so when exactly one group of a
 * direction is suppressed, the group with the smallest shown non-zero sum
 * is suppressed with it; when there is none, every group is.
 *
 * The stocks' age groups (a stocks file with an age column) give the
 * foreign-born's: per area and year, each group's share of the foreign-born
 * (its origins' counts, each T else F + M, the natives' rows left out), the
 * foreign-born share of the residents of that age (where areas.csv gives
 * them), and the group of the median foreign-born resident; suppressed as
 * the movers' are.
 *
 * The age results name their group in the service field (an interned
 * label), and age groups sort by their lowest age (age_order_ranks).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "citymig/ages.h"
#include "engine.h"

enum { DIR_IN, DIR_OUT };

static const char complement_why[] =
    "suppressed with another age group's small count, so that neither can be recovered from "
    "the total (complementary suppression)";

/* The groups of a year and kind, by their lowest age. */
static size_t groups_of(const cm_flow_ages *a, int32_t year, int kind, int order[])
{
    const cm_age_group *g;
    size_t n = cm_flow_ages_groups(a, &g), m = 0;
    uint64_t mask = cm_flow_ages_mask(a, year, (cm_kind)kind);
    for (size_t i = 0; i < n; i++) {
        if (!(mask >> i & 1u))
            continue;
        size_t j = m++;
        for (; j > 0 && g[order[j - 1]].lo > g[i].lo; j--)
            order[j] = order[j - 1];
        order[j] = (int)i;
    }
    return m;
}

static uint64_t rows_of(const cm_age_cell *c, int dir)
{
    return c ? (dir == DIR_IN ? c->in_rows : c->out_rows) : 0;
}

static int64_t sum_of(const cm_age_cell *c, int dir)
{
    return dir == DIR_IN ? c->inflow : c->outflow;
}

/* One direction of one group: T, else F + M, else missing. */
static in_val resolve(const engine *e, uint32_t area, int32_t year, int kind, int group, int dir,
                      char *why, size_t size, const char *label)
{
    const cm_flow_ages *a = e->ds->flows->ages;
    const char *name = dir == DIR_IN ? "inflow of the age group" : "outflow of the age group";
    const cm_age_cell *t = cm_flow_ages_find(a, area, year, (cm_kind)kind, CM_SEX_TOTAL, group);
    const cm_age_cell *f = cm_flow_ages_find(a, area, year, (cm_kind)kind, CM_SEX_FEMALE, group);
    const cm_age_cell *m = cm_flow_ages_find(a, area, year, (cm_kind)kind, CM_SEX_MALE, group);
    if (rows_of(t, dir))
        return in_count(e, true, sum_of(t, dir), name);
    if (rows_of(f, dir) && rows_of(m, dir))
        return in_count(e, true, sum_of(f, dir) + sum_of(m, dir), name);
    in_val x = in_missing(name);
    snprintf(why, size, "the %s %s of age group %s is missing%s",
             kind == CM_KIND_INTERNAL ? "internal" : "international",
             dir == DIR_IN ? "inflow" : "outflow", label,
             rows_of(f, dir) || rows_of(m, dir) ? ": only one sex gives it, and no T row" : "");
    x.why = why;
    return x;
}

/* When exactly one group is suppressed, the smallest shown non-zero one is
   suppressed with it; with none to take, every group is. */
static void complement(in_val *x, size_t n)
{
    size_t suppressed = 0, best = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        if (x[i].st == IN_SUPPRESSED)
            suppressed++;
        else if (x[i].st == IN_OK && x[i].v > 0 && (best == SIZE_MAX || x[i].v < x[best].v))
            best = i;
    }
    if (suppressed != 1)
        return;
    for (size_t i = 0; i < n; i++) {
        if (best == SIZE_MAX || i == best) {
            if (x[i].st == IN_OK) {
                x[i].st = IN_SUPPRESSED;
                x[i].why = complement_why;
            }
        }
    }
}

/* The residents of an age group, where areas.csv has a column for it. */
static in_val population_of(const engine *e, size_t row, const cm_age_group *g, char *why,
                            size_t size, const char *label)
{
    static const struct {
        int lo, hi;
        size_t col;
    } cols[] = {{0, 14, CM_AREAS_POP_0_14},
                {15, 64, CM_AREAS_POP_15_64},
                {65, CM_AGE_OPEN, CM_AREAS_POP_65_PLUS}};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        if (g->lo == cols[i].lo && g->hi == cols[i].hi)
            return area_count(e, row, cols[i].col);
    in_val x = in_missing("population by age");
    snprintf(why, size,
             "no population of age group %s: residents by age come from the areas' pop_0_14, "
             "pop_15_64 and pop_65_plus only",
             label);
    x.why = why;
    return x;
}

/* The group of the median mover: the first, by age, whose cumulative sum
   reaches half the total. Its value is the group's lowest age. */
static void put_median(engine *e, const subject *s, const char *id, const in_val *x,
                       const cm_age_group *g, const int *order, size_t n, in_val total)
{
    cm_result *r = emit(e, s, id);
    if (!r)
        return;
    in_val all = total;
    for (size_t i = 0; i < n; i++)
        all = in_combine(all, x[i], all.v);
    double half = total.v / 2, cum = 0, v = NAN;
    size_t at = 0;
    for (; all.st == IN_OK && total.v > 0 && at < n; at++) {
        cum += x[at].v;
        if (cum >= half) {
            v = g[order[at]].lo;
            break;
        }
    }
    bool stock = s->kind == CM_KIND_NONE;
    if (decide(e, r, all, v,
               stock ? "no foreign-born in any age group" : "no mover in any age group"))
        note(e, r, "the median %s is in age group %s", stock ? "foreign-born resident" : "mover",
             cm_strpool_str(e->ds->pool, g[order[at]].label));
}

void eval_ages(engine *e, uint32_t area, int32_t year, int kind, size_t row, int interval)
{
    const cm_flow_ages *a = e->ds->flows->ages;
    if (!a || kind == CM_KIND_ALL)
        return;
    int order[CM_AGE_GROUPS_MAX];
    size_t n = groups_of(a, year, kind, order);
    if (!n)
        return;
    const cm_age_group *g;
    cm_flow_ages_groups(a, &g);
    static const char *const share_id[2] = {"in_age_share", "out_age_share"};
    static const char *const rate_id[2] = {"in_rate_age", "out_rate_age"};
    static const char *const median_id[2] = {"in_median_age_group", "out_median_age_group"};
    in_val x[2][CM_AGE_GROUPS_MAX], total[2];
    char why[2][CM_AGE_GROUPS_MAX][200];
    for (int dir = 0; dir < 2; dir++) {
        /* The total is the sum over every group, a count shown as the
           inflow (outflow) is: a group that is missing leaves it missing,
           and it is suppressed only when it is small itself. */
        const char *name =
            dir == DIR_IN ? "inflow over the age groups" : "outflow over the age groups";
        int64_t sum = 0;
        total[dir] = in_known(0, name);
        for (size_t i = 0; i < n; i++) {
            const char *label = cm_strpool_str(e->ds->pool, g[order[i]].label);
            x[dir][i] =
                resolve(e, area, year, kind, order[i], dir, why[dir][i], sizeof why[dir][i], label);
            if (x[dir][i].st == IN_MISSING && total[dir].st != IN_MISSING)
                total[dir] = x[dir][i];
            sum += (int64_t)x[dir][i].v;
        }
        if (total[dir].st != IN_MISSING)
            total[dir] = in_count(e, true, sum, name);
        complement(x[dir], n);
    }
    for (size_t i = 0; i < n; i++) {
        const char *label = cm_strpool_str(e->ds->pool, g[order[i]].label);
        subject s = {.area = area, .year = year, .kind = kind, .service = g[order[i]].label};
        char pop_why[200], year_why[2][160];
        in_val pop = population_of(e, row, &g[order[i]], pop_why, sizeof pop_why, label);
        for (int dir = 0; dir < 2; dir++) {
            put_ratio(e, &s, share_id[dir], x[dir][i], total[dir], 100);
            cm_result *r =
                put_ratio(e, &s, rate_id[dir],
                          per_year(x[dir][i], interval, year_why[dir], sizeof year_why[dir], year),
                          pop, 1000);
            annual(e, r, interval);
        }
    }
    subject s = {.area = area, .year = year, .kind = kind};
    for (int dir = 0; dir < 2; dir++)
        put_median(e, &s, median_id[dir], x[dir], g, order, n, total[dir]);
}

/* The age groups of the stock rows order[from..to), by their lowest age. */
static size_t stock_groups_of(const cm_age_groups *groups, const bool *named, int order[])
{
    size_t m = 0;
    for (size_t i = 0; i < groups->ngroups; i++) {
        if (!named[i])
            continue;
        size_t j = m++;
        for (; j > 0 && groups->groups[order[j - 1]].lo > groups->groups[i].lo; j--)
            order[j] = order[j - 1];
        order[j] = (int)i;
    }
    return m;
}

void eval_stock_ages(engine *e, const size_t *order, size_t from, size_t to)
{
    const cm_table *t = e->ds->stocks;
    if (!t->ages || !t->ages->groups.ngroups || from == to)
        return;
    const cm_age_groups *groups = &t->ages->groups;
    const uint32_t *origin = t->cols[CM_STOCKS_ORIGIN].v.text;
    const uint32_t *age = t->cols[CM_STOCKS_AGE].v.text;
    uint32_t area = t->cols[CM_STOCKS_AREA_ID].v.text[order[from]];
    int32_t year = t->cols[CM_STOCKS_YEAR].v.year[order[from]];
    if (!cm_column_has(&t->cols[CM_STOCKS_AGE], order[from]))
        return; /* a year whose rows give no age group */
    bool named[CM_AGE_GROUPS_MAX] = {false};
    double sum[CM_AGE_GROUPS_MAX] = {0};
    uint32_t missing_origin[CM_AGE_GROUPS_MAX] = {0};
    int missing_sex[CM_AGE_GROUPS_MAX];
    /* Each origin's rows are together, and within them each age group's. */
    for (size_t i = from; i < to;) {
        size_t j = i + 1;
        while (j < to && origin[order[j]] == origin[order[i]] && age[order[j]] == age[order[i]])
            j++;
        int g = cm_age_groups_find(groups, age[order[i]]);
        if (g >= 0 && origin[order[i]] != area) { /* the natives are no foreign-born */
            named[g] = true;
            double c;
            int only;
            if (stock_count(t, order, i, j, &c, &only)) {
                sum[g] += c;
            } else if (!missing_origin[g]) {
                missing_origin[g] = origin[order[i]];
                missing_sex[g] = only;
            }
        }
        i = j;
    }
    int by_age[CM_AGE_GROUPS_MAX];
    size_t n = stock_groups_of(groups, named, by_age);
    if (!n)
        return;
    in_val x[CM_AGE_GROUPS_MAX], total = in_known(0, "foreign-born over the age groups");
    char why[CM_AGE_GROUPS_MAX][200];
    int64_t all = 0;
    for (size_t i = 0; i < n; i++) {
        int g = by_age[i];
        const char *label = cm_strpool_str(e->ds->pool, groups->groups[g].label);
        if (missing_origin[g]) {
            x[i] = in_missing("foreign-born of the age group");
            snprintf(why[i], sizeof why[i],
                     "the stock born in %s aged %s is missing: only %s rows give it, no T or %s "
                     "row",
                     cm_strpool_str(e->ds->pool, missing_origin[g]), label,
                     missing_sex[g] == CM_SEX_FEMALE ? "F" : "M",
                     missing_sex[g] == CM_SEX_FEMALE ? "M" : "F");
            x[i].why = why[i];
            if (total.st != IN_MISSING)
                total = x[i];
        } else {
            x[i] = in_count(e, true, (int64_t)sum[g], "foreign-born of the age group");
            all += (int64_t)sum[g];
        }
    }
    if (total.st != IN_MISSING)
        total = in_count(e, true, all, "foreign-born over the age groups");
    complement(x, n);
    size_t row = e->ds->areas ? cm_areas_find(e->ds->areas, area, year) : SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        const cm_age_group *g = &groups->groups[by_age[i]];
        const char *label = cm_strpool_str(e->ds->pool, g->label);
        subject s = {.area = area, .year = year, .kind = CM_KIND_NONE, .service = g->label};
        char pop_why[200];
        put_ratio(e, &s, "fb_age_share", x[i], total, 100);
        put_ratio(e, &s, "fb_share_of_age_group", x[i],
                  population_of(e, row, g, pop_why, sizeof pop_why, label), 100);
    }
    subject s = {.area = area, .year = year, .kind = CM_KIND_NONE};
    put_median(e, &s, "fb_median_age_group", x, groups->groups, by_age, n, total);
}

/* The ranks of the age groups' labels, handed out among themselves again
   in the order of their lowest ages: "5-9" before "10-14". Other strings
   keep their ranks. */
void age_order_ranks(const cm_dataset *ds, uint32_t *rank)
{
    const cm_flow_ages *a = ds->flows ? ds->flows->ages : NULL;
    const cm_age_group *flow;
    size_t nflow = cm_flow_ages_groups(a, &flow), n = 0;
    /* The flows' groups and the stocks' (a label both name, once). */
    cm_age_group g[2 * CM_AGE_GROUPS_MAX];
    for (size_t i = 0; i < nflow; i++)
        g[n++] = flow[i];
    const cm_age_groups *stock = ds->stocks && ds->stocks->ages ? &ds->stocks->ages->groups : NULL;
    for (size_t i = 0; stock && i < stock->ngroups; i++) {
        bool known = false;
        for (size_t k = 0; k < nflow && !known; k++)
            known = flow[k].label == stock->groups[i].label;
        if (!known)
            g[n++] = stock->groups[i];
    }
    uint32_t ranks[2 * CM_AGE_GROUPS_MAX];
    int order[2 * CM_AGE_GROUPS_MAX];
    for (size_t i = 0; i < n; i++) {
        /* The ranks in ascending order, and the groups by lowest age. */
        uint32_t rk = rank[g[i].label];
        size_t j = i;
        for (; j > 0 && ranks[j - 1] > rk; j--)
            ranks[j] = ranks[j - 1];
        ranks[j] = rk;
        size_t k = i;
        for (; k > 0 && g[order[k - 1]].lo > g[i].lo; k--)
            order[k] = order[k - 1];
        order[k] = (int)i;
    }
    for (size_t i = 0; i < n; i++)
        rank[g[order[i]].label] = ranks[i];
}
