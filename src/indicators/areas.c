/*
 * areas.c - composition and urbanization per areas row, and growth between
 * consecutive years of an area.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine.h"

/* ---- composition, urbanization --------------------------------------- */

static void put_fb_share(engine *e, const subject *s, size_t row, in_val fb, in_val pop)
{
    const cm_table *t = e->ds->areas;
    in_val x = in_combine(fb, pop, 0);
    if (x.st == IN_MISSING && t->cols[CM_AREAS_FOREIGN_BORN_SHARE].present[row]) {
        cm_result *r = emit(e, s, "fb_share");
        if (r) {
            decide(e, r, in_known(0, ""), t->cols[CM_AREAS_FOREIGN_BORN_SHARE].v.percent[row],
                   NULL);
            mark_published(e, r, "foreign_born_share");
            if (fb.st == IN_OK) {
                r->numerator = fb.v;
                r->has_numerator = true;
            }
        }
        return;
    }
    put_ratio(e, s, "fb_share", fb, pop, 100);
}

static void put_location_quotient(engine *e, const subject *s, size_t row, size_t prow,
                                  const char *why_no_parent)
{
    cm_result *r = emit(e, s, "fb_location_quotient");
    if (!r)
        return;
    bool pub_a = false, pub_b = false;
    in_val a = area_fb_fraction(e, row, &pub_a);
    in_val b = prow == SIZE_MAX ? in_missing(why_no_parent) : area_fb_fraction(e, prow, &pub_b);
    in_val x = in_combine(a, b, 0);
    const char *why = !isfinite(a.v)   ? "population is 0"
                      : !isfinite(b.v) ? "the parent's population is 0"
                                       : "the parent's foreign-born share is 0";
    double v = x.st == IN_OK && isfinite(a.v) && isfinite(b.v) && b.v != 0 ? a.v / b.v : NAN;
    if (decide(e, r, x, v, why)) {
        r->numerator = 100 * a.v;
        r->denominator = 100 * b.v;
        r->has_numerator = r->has_denominator = true;
        if (pub_a || pub_b)
            mark_from_published(e, r, "foreign_born_share");
    }
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
    in_val migrants = in_add(fb, im, "foreign_born + internal_migrants");

    put_fb_share(e, &s, row, fb, pop);
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
    put_location_quotient(e, &s, row, prow, why_no_parent);
    in_val pfb =
        prow == SIZE_MAX ? in_missing(why_no_parent) : area_count(e, prow, CM_AREAS_FOREIGN_BORN);
    if (prow != SIZE_MAX && pfb.st == IN_MISSING)
        pfb.name = "the parent's foreign_born";
    put_ratio(e, &s, "fb_share_of_parent", fb, pfb, 100);

    put_ratio(e, &s, "urban_share", area_count(e, row, CM_AREAS_URBAN_POPULATION), pop, 100);
    in_val natural = in_subtract(area_count(e, row, CM_AREAS_BIRTHS),
                                 area_count(e, row, CM_AREAS_DEATHS), "births - deaths");
    put_ratio(e, &s, "natural_increase_rate", natural, pop, 1000);
    in_val dependents = in_add(area_count(e, row, CM_AREAS_POP_0_14),
                               area_count(e, row, CM_AREAS_POP_65_PLUS), "pop_0_14 + pop_65_plus");
    put_ratio(e, &s, "dependency_ratio", dependents, area_count(e, row, CM_AREAS_POP_15_64), 100);
    put_sex_ratios(e, &s, row);
}

/* ---- growth between consecutive years --------------------------------- */

/* Rows by the rank of their area, then year. */
static int cmp_rows_by_area_year(const void *a, const void *b, void *ctx)
{
    const engine *e = ctx;
    const cm_table *t = e->ds->areas;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    uint32_t ax = e->rank[t->cols[CM_AREAS_AREA_ID].v.text[x]],
             ay = e->rank[t->cols[CM_AREAS_AREA_ID].v.text[y]];
    if (ax != ay)
        return ax < ay ? -1 : 1;
    int32_t yx = t->cols[CM_AREAS_YEAR].v.year[x], yy = t->cols[CM_AREAS_YEAR].v.year[y];
    return yx < yy ? -1 : yx > yy;
}

/* A component of growth as a count, per 1,000 of P_t0 and as % of the
   change. The count of a published net migration is flagged published;
   what is computed from it stays ok and says where it came from. */
static void put_component(engine *e, const subject *s, const char *id, in_val x, in_val p0,
                          in_val change, bool is_published, const char *from_published)
{
    char rate_id[64], pct_id[64];
    snprintf(rate_id, sizeof rate_id, "%s_rate", id);
    snprintf(pct_id, sizeof pct_id, "%s_pct", id);
    size_t first = e->out->count;
    put_count(e, s, id, x);
    put_ratio(e, s, rate_id, x, p0, 1000);
    put_ratio(e, s, pct_id, x, change, 100);
    for (size_t i = first; from_published && i < e->out->count; i++) {
        if (i == first && is_published)
            mark_published(e, &e->out->items[i], from_published);
        else
            mark_from_published(e, &e->out->items[i], from_published);
    }
}

/* The net migration of year t as a component of one year's change: from
   flows that cover one year, else the published net. */
static in_val component_net(const engine *e, const subject *s, int kind, size_t row,
                            bool *published, char *why, size_t why_size)
{
    in_val net = net_of(e, s->area, s->year, kind, row, published);
    int interval = flow_interval(e, s->year, kind);
    if (!*published && net.st != IN_MISSING && interval != 1) {
        snprintf(why, why_size,
                 "the %s flows of %" PRId32 " cover %d years; a component covers one year",
                 kind == CM_KIND_INTERNAL ? "internal" : "international", s->year, interval);
        in_val x = in_missing("net migration");
        x.why = why;
        return x;
    }
    return net;
}

/* ---- change between consecutive years --------------------------------- */

/* b - a of two fractions, in percentage points. */
static void put_share_change(engine *e, const subject *s, const char *id, in_val a, in_val b,
                             bool published)
{
    cm_result *r = emit(e, s, id);
    if (!r)
        return;
    in_val x = in_combine(a, b, 0);
    const char *why = !isfinite(a.v) ? "the population of the first year is 0"
                                     : "the population of the second year is 0";
    if (decide(e, r, x, 100 * (b.v - a.v), why) && published)
        mark_from_published(e, r, "foreign_born_share");
}

/* urban_population / population of a row as a fraction (NAN when the
   population is 0). */
static in_val urban_fraction(in_val u, in_val pop)
{
    in_val x = in_combine(u, pop, 0);
    x.v = pop.v == 0 ? NAN : u.v / pop.v;
    return x;
}

/* How the foreign-born and the urban population changed from r0 to r1. */
static void eval_change(engine *e, const subject *s, size_t r0, size_t r1, in_val p0, in_val p1,
                        in_val change)
{
    int years = s->year - s->base_year;
    in_val fb0 = area_count(e, r0, CM_AREAS_FOREIGN_BORN);
    in_val fb1 = area_count(e, r1, CM_AREAS_FOREIGN_BORN);
    fb0.marks &= (uint8_t)~IN_MARK_BREAK;
    put_log_rate(e, s, "fb_growth_rate", fb0, fb1, years);
    bool pub0 = false, pub1 = false;
    in_val f0 = area_fb_fraction(e, r0, &pub0), f1 = area_fb_fraction(e, r1, &pub1);
    f0.marks &= (uint8_t)~IN_MARK_BREAK;
    put_share_change(e, s, "fb_share_change", f0, f1, pub0 || pub1);
    put_ratio(e, s, "fb_share_of_growth", in_subtract(fb1, fb0, "foreign-born change"), change,
              100);

    in_val u0 = area_count(e, r0, CM_AREAS_URBAN_POPULATION);
    in_val u1 = area_count(e, r1, CM_AREAS_URBAN_POPULATION);
    u0.marks &= (uint8_t)~IN_MARK_BREAK;
    put_share_change(e, s, "urban_share_change", urban_fraction(u0, p0), urban_fraction(u1, p1),
                     false);
    cm_result *r = emit(e, s, "urban_rural_growth_difference");
    if (r) {
        in_val ru0 = in_subtract(p0, u0, "rural population");
        in_val ru1 = in_subtract(p1, u1, "rural population");
        in_val x = in_combine(in_combine(u0, u1, 0), in_combine(ru0, ru1, 0), 0);
        double v = log_rate(u0.v, u1.v, years) - log_rate(ru0.v, ru1.v, years);
        decide(e, r, x, v,
               "the urban or the rural population is 0 in a year, so its growth "
               "rate is undefined");
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
    /* A break flagged on the earlier year lies before it, not between the
       two. */
    p0.marks &= (uint8_t)~IN_MARK_BREAK;
    u0.marks &= (uint8_t)~IN_MARK_BREAK;
    in_val change = in_subtract(p1, p0, "population change");

    put_count(e, &s, "population_change", change);
    put_log_rate(e, &s, "growth_rate", p0, p1, years);
    put_log_rate(e, &s, "urban_growth_rate", u0, u1, years);
    put_log_rate(e, &s, "rural_growth_rate", in_subtract(p0, u0, "rural population"),
                 in_subtract(p1, u1, "rural population"), years);

    /* Components of one year's change: the events of year t. */
    in_val natural, net_int, net_intl;
    bool pub_int = false, pub_intl = false;
    char why[128], why_int[128], why_intl[128];
    if (years != 1) {
        snprintf(why, sizeof why,
                 "a component for the %d years from %" PRId32 " (they cover one year)", years,
                 s.base_year);
        natural = net_int = net_intl = in_missing(why);
    } else {
        natural = in_subtract(area_count(e, r1, CM_AREAS_BIRTHS),
                              area_count(e, r1, CM_AREAS_DEATHS), "births - deaths");
        net_int = component_net(e, &s, CM_KIND_INTERNAL, r1, &pub_int, why_int, sizeof why_int);
        net_intl =
            component_net(e, &s, CM_KIND_INTERNATIONAL, r1, &pub_intl, why_intl, sizeof why_intl);
    }
    in_val residual = in_subtract(in_subtract(in_subtract(change, natural, "x"), net_int, "x"),
                                  net_intl, "residual");
    const char *pub_name_int = pub_int ? net_int.name : NULL;
    const char *pub_name_intl = pub_intl ? net_intl.name : NULL;
    put_component(e, &s, "growth_natural", natural, p0, change, false, NULL);
    put_component(e, &s, "growth_net_internal", net_int, p0, change, true, pub_name_int);
    put_component(e, &s, "growth_net_international", net_intl, p0, change, true, pub_name_intl);
    put_component(e, &s, "growth_residual", residual, p0, change, false,
                  pub_name_int ? pub_name_int : pub_name_intl);
    eval_change(e, &s, r0, r1, p0, p1, change);
}

/* ---- the walker: the rows of one area at a time ----------------------- */

/* The rows of the next area: each row, then growth between its
   consecutive years. */
static void areas_eval(engine *e, void *plan)
{
    row_order *p = plan;
    size_t from = p->at, to = row_order_area_end(p);
    for (size_t i = from; i < to && e->status == CM_OK; i++)
        eval_area(e, p->order[i]);
    for (size_t i = from + 1; i < to && e->status == CM_OK; i++)
        eval_growth(e, p->order[i - 1], p->order[i]);
    p->at = to;
}

cm_status areas_walker(engine *e, walker *w)
{
    row_order *p =
        row_order_new(e, e->ds->areas, CM_AREAS_AREA_ID, NULL, cmp_rows_by_area_year, NULL);
    if (!p)
        return CM_ERR_NOMEM;
    *w = (walker){p, row_order_next, areas_eval, row_order_free};
    return CM_OK;
}
