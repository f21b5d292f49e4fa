/*
 * diversity.c - diversity of origins per area and year, from stocks.
 *
 * The count of each origin follows the rule of totals and breakdowns: its
 * T row where given, else F + M where both are given; an origin given for
 * one sex only has no count, and the indices are then missing. The natives'
 * row (origin = the area itself) is no foreign-born stock: it takes no part
 * in the indices of origins or in their suppression. Its count follows the
 * same rule, and it is one group beside the origins in fractionalisation
 * and effective_groups, which it alone can make missing (no natives' row)
 * or suppressed (a natives' count below --min-count). Suppression tests each
 * origin's count (its sexes together): the indices disclose the origins'
 * counts (with two origins, the top share and its denominator give the
 * other), so one small origin suppresses them all. With an age column, an
 * origin's count is the sum over its age groups, each resolved on its own
 * (T, else F + M), and the foreign-born by age are ages.c's.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citymig/ages.h"
#include "engine.h"

/* A stock row's age group as a small number: its index among the stocks'
   groups + 1, 0 without one. */
static uint64_t age_slot(const cm_table *t, size_t row)
{
    if (!t->ages || !cm_column_has(&t->cols[CM_STOCKS_AGE], row))
        return 0;
    return (uint64_t)(cm_age_groups_find(&t->ages->groups, t->cols[CM_STOCKS_AGE].v.text[row]) + 1);
}

/* Rows by the rank of their area, year, origin in byte order (so that ties
   of the top origin go to byte order), age group, sex. */
static int cmp_stock_rows(const void *a, const void *b, void *ctx)
{
    const engine *e = ctx;
    const cm_table *t = e->ds->stocks;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    uint32_t ax = e->rank[t->cols[CM_STOCKS_AREA_ID].v.text[x]],
             ay = e->rank[t->cols[CM_STOCKS_AREA_ID].v.text[y]];
    if (ax != ay)
        return ax < ay ? -1 : 1;
    int32_t yx = t->cols[CM_STOCKS_YEAR].v.year[x], yy = t->cols[CM_STOCKS_YEAR].v.year[y];
    if (yx != yy)
        return yx < yy ? -1 : 1;
    uint32_t ox = e->rank[t->cols[CM_STOCKS_ORIGIN].v.text[x]],
             oy = e->rank[t->cols[CM_STOCKS_ORIGIN].v.text[y]];
    if (ox != oy)
        return ox < oy ? -1 : 1;
    uint64_t gx = age_slot(t, x), gy = age_slot(t, y);
    if (gx != gy)
        return gx < gy ? -1 : 1;
    return t->cols[CM_STOCKS_SEX].v.code[x] - t->cols[CM_STOCKS_SEX].v.code[y];
}

/* The order of cmp_stock_rows within an area: year (9 bits), origin (32),
   age group (7), sex (2). */
static uint64_t stock_key(const engine *e, size_t row)
{
    const cm_table *t = e->ds->stocks;
    uint64_t year = (uint64_t)(t->cols[CM_STOCKS_YEAR].v.year[row] - CM_YEAR_MIN);
    uint64_t origin = e->rank[t->cols[CM_STOCKS_ORIGIN].v.text[row]];
    return year << 41 | origin << 9 | age_slot(t, row) << 2 | t->cols[CM_STOCKS_SEX].v.code[row];
}

bool stock_count(const cm_table *t, const size_t *order, size_t from, size_t to, double *count,
                 int *only_sex)
{
    bool has[CM_SEX_COUNT] = {false, false, false};
    double v[CM_SEX_COUNT] = {0, 0, 0};
    for (size_t i = from; i < to; i++) {
        size_t r = order[i];
        int sex = t->cols[CM_STOCKS_SEX].v.code[r];
        has[sex] = true;
        v[sex] += (double)t->cols[CM_STOCKS_COUNT].v.count[r];
    }
    *only_sex = -1;
    if (has[CM_SEX_TOTAL]) {
        *count = v[CM_SEX_TOTAL];
        return true;
    }
    if (has[CM_SEX_FEMALE] && has[CM_SEX_MALE]) {
        *count = v[CM_SEX_FEMALE] + v[CM_SEX_MALE];
        return true;
    }
    *only_sex = has[CM_SEX_FEMALE] ? CM_SEX_FEMALE : CM_SEX_MALE;
    return false;
}

/* One origin's count from its rows order[from..to): the sum over its age
   groups (one group, without an age column) of each group's T, else F + M;
   false when a group has neither. */
static bool origin_count(const cm_table *t, const size_t *order, size_t from, size_t to,
                         double *count, int *only_sex)
{
    *count = 0;
    for (size_t i = from; i < to;) {
        uint64_t g = age_slot(t, order[i]);
        size_t j = i + 1;
        while (j < to && age_slot(t, order[j]) == g)
            j++;
        double c;
        if (!stock_count(t, order, i, j, &c, only_sex))
            return false;
        *count += c;
        i = j;
    }
    return true;
}

static const char *const ids[] = {"hhi",
                                  "simpson",
                                  "shannon",
                                  "shannon_norm",
                                  "effective_origins",
                                  "top_origin_share",
                                  "effective_origins_shannon"};

/* The indices over the natives and each origin. */
static const char *const group_ids[] = {"fractionalisation", "effective_groups"};

/* Every index of the area and year flagged from one input state. */
static void put_all(engine *e, const subject *s, in_val x)
{
    put_count(e, s, "origin_count", x);
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        put_count(e, s, ids[i], x);
    for (size_t i = 0; i < sizeof group_ids / sizeof group_ids[0]; i++)
        put_count(e, s, group_ids[i], x);
}

/*
 * The natives and each origin as groups: 1 - sum of squared shares, and
 * exp of their Shannon entropy, from the origins' stock, hhi and shannon
 * and the natives' count. With q = stock / (stock + natives) the entropy
 * of the groups is q * shannon - q ln q - (1 - q) ln(1 - q).
 */
static void put_groups(engine *e, const subject *s, double stock, double hhi, double shannon,
                       in_val natives)
{
    double g = stock + natives.v;
    in_val x = in_combine(natives, in_sum(g, "the stock with the natives"), 0);
    double frac = NAN, eff = NAN;
    if (x.st == IN_OK && g > 0) {
        double q = stock / g, h = 0;
        frac = 1 - (hhi * stock * stock + natives.v * natives.v) / (g * g);
        if (q > 0)
            h += q * shannon - q * log(q);
        if (q < 1)
            h -= (1 - q) * log(1 - q);
        eff = exp(h);
    }
    const char *empty = "the stock and the natives are 0";
    cm_result *r = emit(e, s, "fractionalisation");
    if (r)
        decide(e, r, x, frac, empty);
    r = emit(e, s, "effective_groups");
    if (r)
        decide(e, r, x, eff, empty);
}

/* One area-year group of stock rows: order[from..to). */
static void eval_diversity(engine *e, const size_t *order, size_t from, size_t to)
{
    const cm_table *t = e->ds->stocks;
    size_t first = order[from];
    subject s = {.area = t->cols[CM_STOCKS_AREA_ID].v.text[first],
                 .year = t->cols[CM_STOCKS_YEAR].v.year[first],
                 .kind = CM_KIND_NONE};
    double sum = 0, top = 0, hhi = 0, shannon = 0;
    uint32_t top_origin = 0;
    size_t k = 0;
    bool suppressed = false;
    char why[256], natives_why[96];
    in_val natives = in_missing("natives");
    natives.why = "the natives' count is missing: no stocks row with the area itself as origin";
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = from; i < to;) {
            uint32_t origin = t->cols[CM_STOCKS_ORIGIN].v.text[order[i]];
            size_t j = i;
            while (j < to && t->cols[CM_STOCKS_ORIGIN].v.text[order[j]] == origin)
                j++;
            size_t at = i;
            i = j;
            double c;
            int only;
            if (origin == s.area) { /* the natives: a group, no origin */
                if (pass == 0 && origin_count(t, order, at, j, &c, &only)) {
                    natives = in_count(e, true, (int64_t)c, "the natives' count");
                } else if (pass == 0) {
                    snprintf(natives_why, sizeof natives_why,
                             "the natives' count is missing: only %s rows give it",
                             only == CM_SEX_FEMALE ? "F" : "M");
                    natives.why = natives_why;
                }
                continue;
            }
            if (!origin_count(t, order, at, j, &c, &only)) {
                snprintf(why, sizeof why,
                         "the count of origin %s is missing: only %s rows give it, no T or %s row",
                         cm_strpool_str(e->ds->pool, origin), only == CM_SEX_FEMALE ? "F" : "M",
                         only == CM_SEX_FEMALE ? "M" : "F");
                in_val x = in_missing("origin");
                x.why = why;
                put_all(e, &s, x);
                return;
            }
            if (c <= 0)
                continue;
            if (pass == 0) {
                if (c < (double)e->opts->min_count)
                    suppressed = true;
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
    if (suppressed) {
        in_val x = in_known(0, "an origin's count");
        x.st = IN_SUPPRESSED;
        put_all(e, &s, x);
        return;
    }
    if (sum > (double)CM_COUNT_MAX) {
        put_count(e, &s, "origin_count", in_known((double)k, "origins"));
        in_val x = in_sum(sum, "the foreign-born stock total");
        for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
            put_count(e, &s, ids[i], x);
        for (size_t i = 0; i < sizeof group_ids / sizeof group_ids[0]; i++)
            put_count(e, &s, group_ids[i], x);
        return;
    }
    put_count(e, &s, "origin_count", in_known((double)k, "origins"));
    in_val total = in_known(sum, "the foreign-born stock");
    in_val h = in_known(sum == 0 ? NAN : hhi, "hhi");
    const char *empty = "the foreign-born stock is 0";
    for (int i = 0; i < 3; i++) {
        cm_result *r = emit(e, &s, ids[i]);
        double v = sum == 0 ? NAN : i == 0 ? hhi : i == 1 ? 1 - hhi : shannon;
        if (r)
            decide(e, r, total, v, empty);
    }
    cm_result *r = emit(e, &s, "shannon_norm");
    if (r) {
        double v = sum == 0 ? NAN : k < 2 ? NAN : shannon / log((double)k);
        if (decide(e, r, total, v, sum == 0 ? empty : "ln K (one origin) is 0")) {
            r->numerator = shannon;
            r->denominator = log((double)k);
            r->has_numerator = r->has_denominator = true;
        }
    }
    r = emit(e, &s, "effective_origins");
    if (r && decide(e, r, h, sum == 0 ? NAN : 1 / hhi, empty)) {
        r->numerator = 1;
        r->denominator = hhi;
        r->has_numerator = r->has_denominator = true;
    }
    r = emit(e, &s, "effective_origins_shannon");
    if (r)
        decide(e, r, total, sum == 0 ? NAN : exp(shannon), empty);
    put_groups(e, &s, sum, hhi, shannon, natives);
    subject so = s;
    so.origin = top_origin;
    if (sum == 0) {
        r = emit(e, &s, "top_origin_share");
        if (r)
            decide(e, r, total, NAN, empty);
        return;
    }
    put_ratio(e, &so, "top_origin_share", in_known(top, "top origin's count"), total, 100);
}

/* The walker: the stock rows of one area at a time, a group per year. */
static void stocks_eval(engine *e, void *plan)
{
    row_order *p = plan;
    const int32_t *year = e->ds->stocks->cols[CM_STOCKS_YEAR].v.year;
    size_t to = row_order_area_end(p);
    for (size_t from = p->at, i = from + 1; i <= to && e->status == CM_OK; i++)
        if (i == to || year[p->order[i]] != year[p->order[from]]) {
            eval_diversity(e, p->order, from, i);
            eval_stock_ages(e, p->order, from, i);
            from = i;
        }
    p->at = to;
}

cm_status stocks_walker(engine *e, walker *w)
{
    row_order *p =
        row_order_new(e, e->ds->stocks, CM_STOCKS_AREA_ID, NULL, cmp_stock_rows, stock_key);
    if (!p)
        return CM_ERR_NOMEM;
    *w = (walker){p, row_order_next, stocks_eval, row_order_free};
    return CM_OK;
}
