/*
 * cover_who.c - the cover's block on who moved, where the flows give the
 * movers' ages: in the latest year that has them (the reference year when
 * it does), for each kind of migration, the age group of the median
 * arrival across the areas, and the areas where the youngest and the
 * oldest groups are the largest shares of the arrivals. Every number is
 * one of the Ages sheet's; aggregates beside finer areas are left out, as
 * in the block on where people moved.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citymig/ages.h"
#include "citymig/flows.h"

enum { GROUPS_MAX = 3 }; /* median groups a sentence names */

/* The label of the age group whose lowest age is lo; NULL when none. */
static const char *group_label(const rctx *x, const cm_age_group *g, size_t n, double lo)
{
    for (size_t i = 0; i < n; i++)
        if ((double)g[i].lo == lo)
            return rp_str(x, g[i].label);
    return NULL;
}

typedef struct tally {
    double lo;
    size_t areas;
} tally;

static int by_areas_desc(const void *a, const void *b)
{
    const tally *x = a, *y = b;
    if (x->areas != y->areas)
        return x->areas < y->areas ? 1 : -1;
    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* The sentence on the median arrival's group, into buf, and the number
   of areas it counts (0: no sentence). */
static size_t median_sentence(const rctx *x, const cm_age_group *g, size_t ng, int kind,
                              int32_t year, bool fine, const char *how, const char *when, char *buf,
                              size_t size)
{
    const cm_results *res = x->res;
    int med = cm_indicator_find("in_median_age_group");
    tally *t = calloc(ng, sizeof *t);
    size_t nt = 0, areas = 0;
    uint32_t only = 0;
    for (size_t i = 0; t && i < res->count; i++) {
        const cm_result *c = &res->items[i];
        if (c->indicator != med || c->year != year || c->kind != kind || !c->area ||
            !rp_has_value(c) || !rp_ranked(x, c, fine) || !group_label(x, g, ng, c->value))
            continue;
        size_t k = 0;
        while (k < nt && t[k].lo != c->value)
            k++;
        if (k == nt)
            t[nt++] = (tally){c->value, 0}; /* one per group at most: nt <= ng */
        t[k].areas++;
        areas++;
        only = c->area;
    }
    if (!areas) {
        free(t);
        return 0;
    }
    qsort(t, nt, sizeof *t, by_areas_desc);
    const char *first = group_label(x, g, ng, t[0].lo);
    if (areas == 1) {
        snprintf(buf, size, "The median person arriving in %s by %s migration was aged %s (%s).",
                 rp_area_name(x, only), how, first, when);
    } else if (nt == 1) {
        snprintf(buf, size,
                 "In all %zu areas, the median person arriving by %s migration was aged %s (%s).",
                 areas, how, first, when);
    } else {
        size_t used = (size_t)snprintf(buf, size,
                                       "The median person arriving by %s migration was aged %s "
                                       "in %zu of the %zu areas",
                                       how, first, t[0].areas, areas);
        size_t shown = nt < GROUPS_MAX ? nt : GROUPS_MAX, rest = areas - t[0].areas;
        for (size_t k = 1; k < shown && used < size; k++) {
            used += (size_t)snprintf(buf + used, size - used, "%s%s in %zu",
                                     k + 1 == shown && nt == shown ? " and " : ", ",
                                     group_label(x, g, ng, t[k].lo), t[k].areas);
            rest -= t[k].areas;
        }
        if (used < size && rest)
            used += (size_t)snprintf(buf + used, size - used, " and other groups in %zu", rest);
        if (used < size)
            snprintf(buf + used, size - used, " (%s).", when);
    }
    free(t);
    return areas;
}

/* The area with the largest share of arrivals in the age group labelled
   label; NULL when none. */
static const cm_result *largest_share(const rctx *x, uint32_t label, int kind, int32_t year,
                                      bool fine)
{
    const cm_results *res = x->res;
    int share = cm_indicator_find("in_age_share");
    const cm_result *best = NULL;
    for (size_t i = 0; i < res->count; i++) {
        const cm_result *c = &res->items[i];
        if (c->indicator == share && c->service == label && c->year == year && c->kind == kind &&
            c->area && rp_has_value(c) && rp_ranked(x, c, fine) &&
            (!best || c->value > best->value))
            best = c;
    }
    return best;
}

void rp_cover_who(cm_report *r, rlist *l)
{
    const rctx *x = &r->priv->x;
    const cm_results *res = x->res;
    if (!x->ds->flows || !x->ds->flows->ages)
        return;
    const cm_age_group *g;
    size_t ng = cm_flow_ages_groups(x->ds->flows->ages, &g);
    if (ng < 2)
        return;
    size_t young = 0, old = 0;
    for (size_t i = 1; i < ng; i++) {
        young = g[i].lo < g[young].lo ? i : young;
        old = g[i].lo > g[old].lo ? i : old;
    }
    int share = cm_indicator_find("in_age_share");
    int32_t year = 0;
    bool at_reference = false;
    for (size_t i = 0; i < res->count; i++) {
        const cm_result *c = &res->items[i];
        if (c->indicator != share || !rp_has_value(c))
            continue;
        at_reference |= c->year == x->ds->reference_year;
        year = c->year > year ? c->year : year;
    }
    if (!year)
        return;
    if (at_reference)
        year = x->ds->reference_year;
    char when[40], buf[1024], a[64], b[64];
    rp_flow_period(x, year, when, sizeof when);
    size_t before = l->n;
    rp_sentence(r, l, CM_RSTYLE_HEADING, "Who moved");
    static const int kinds[] = {CM_KIND_INTERNAL, CM_KIND_INTERNATIONAL};
    for (size_t k = 0; k < 2; k++) {
        const char *how = kinds[k] == CM_KIND_INTERNAL ? "internal" : "international";
        bool fine = false;
        for (size_t i = 0; i < res->count && !fine; i++) {
            const cm_result *c = &res->items[i];
            fine = c->indicator == share && c->year == year && c->kind == kinds[k] && c->area &&
                   rp_finer(x, c);
        }
        size_t areas = median_sentence(x, g, ng, kinds[k], year, fine, how, when, buf, sizeof buf);
        if (areas)
            rp_sentence(r, l, CM_RSTYLE_SENTENCE, buf);
        const cm_result *y = largest_share(x, g[young].label, kinds[k], year, fine);
        const cm_result *o = largest_share(x, g[old].label, kinds[k], year, fine);
        if (areas < 2 || !y || !o)
            continue;
        rp_fmt_value(o, a, sizeof a);
        rp_fmt_value(y, b, sizeof b);
        snprintf(buf, sizeof buf,
                 "Arrivals aged %s were the largest share of an area's arrivals in %s (%s), and "
                 "arrivals aged %s in %s (%s) (%s migration, %s; the Ages sheet has every area "
                 "and group).",
                 rp_str(x, g[old].label), rp_area_name(x, o->area), a, rp_str(x, g[young].label),
                 rp_area_name(x, y->area), b, how, when);
        rp_sentence(r, l, CM_RSTYLE_SENTENCE, buf);
    }
    if (l->n == before + 1)
        l->n = before; /* nothing to say: no heading */
    else
        rp_blank(r, l);
}
