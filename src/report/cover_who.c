/*
 * cover_who.c - the cover's block on who moved, where the flows give the
 * movers' ages: in the latest year that has them (the reference year when
 * it does), for each kind of migration, the age group of the median
 * arrival across the areas, and the areas where the youngest and the
 * oldest groups are the largest shares of the arrivals. Every number is
 * one of the Ages sheet's; aggregates beside finer areas are left out, as
 * in the block on where people moved. Where the stocks give ages, a block
 * on who the foreign-born are says the same of them.
 */
#include "internal.h"

#include <inttypes.h>
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

/* Whose ages a sentence is about: the movers of a kind (in_*), or the
   foreign-born the stocks give (fb_*, no kind). */
typedef struct whose {
    const char *median, *share; /* the indicators */
    int kind;
    const char *who;     /* "person arriving by internal migration" */
    const char *in, *by; /* the same in one area: in, the area, by ("person arriving in ",
                            " by internal migration") */
    const char *them;    /* "arrivals", "the foreign-born" */
    const char *of;      /* "an area's arrivals" */
} whose;

/* The sentence on the median person's group, into buf, and the number of
   areas it counts (0: no sentence). */
static size_t median_sentence(const rctx *x, const cm_age_group *g, size_t ng, const whose *w,
                              int32_t year, bool fine, const char *when, char *buf, size_t size)
{
    const cm_results *res = x->res;
    int med = cm_indicator_find(w->median);
    int kind = w->kind;
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
        snprintf(buf, size, "The median %s%s%s was aged %s (%s).", w->in, rp_area_name(x, only),
                 w->by, first, when);
    } else if (nt == 1) {
        snprintf(buf, size, "In all %zu areas, the median %s was aged %s (%s).", areas, w->who,
                 first, when);
    } else {
        size_t used =
            (size_t)snprintf(buf, size, "The median %s was aged %s in %zu of the %zu areas", w->who,
                             first, t[0].areas, areas);
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

/* The area with the largest share of w's people in the age group
   labelled label; NULL when none. */
static const cm_result *largest_share(const rctx *x, uint32_t label, const whose *w, int32_t year,
                                      bool fine)
{
    const cm_results *res = x->res;
    int share = cm_indicator_find(w->share), kind = w->kind;
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

/* The latest year with a value of the indicator share (the reference year
   when it has one); 0: none. */
static int32_t year_of(const rctx *x, const char *share_id)
{
    int share = cm_indicator_find(share_id);
    int32_t year = 0;
    bool at_reference = false;
    for (size_t i = 0; i < x->res->count; i++) {
        const cm_result *c = &x->res->items[i];
        if (c->indicator != share || !rp_has_value(c))
            continue;
        at_reference |= c->year == x->ds->reference_year;
        year = c->year > year ? c->year : year;
    }
    return year && at_reference ? x->ds->reference_year : year;
}

/* The median group of w's people across the areas, and the areas where
   the youngest and the oldest groups are the largest shares of them. */
static void who_lines(cm_report *r, rlist *l, const cm_age_group *g, size_t ng, const whose *w,
                      int32_t year, const char *when, const char *how)
{
    const rctx *x = &r->priv->x;
    size_t young = 0, old = 0;
    for (size_t i = 1; i < ng; i++) {
        young = g[i].lo < g[young].lo ? i : young;
        old = g[i].lo > g[old].lo ? i : old;
    }
    int share = cm_indicator_find(w->share);
    bool fine = false;
    for (size_t i = 0; i < x->res->count && !fine; i++) {
        const cm_result *c = &x->res->items[i];
        fine = c->indicator == share && c->year == year && c->kind == w->kind && c->area &&
               rp_finer(x, c);
    }
    char buf[1024], a[64], b[64];
    size_t areas = median_sentence(x, g, ng, w, year, fine, when, buf, sizeof buf);
    if (areas)
        rp_sentence(r, l, CM_RSTYLE_SENTENCE, buf);
    const cm_result *y = largest_share(x, g[young].label, w, year, fine);
    const cm_result *o = largest_share(x, g[old].label, w, year, fine);
    if (areas < 2 || !y || !o)
        return;
    rp_fmt_value(o, a, sizeof a);
    rp_fmt_value(y, b, sizeof b);
    snprintf(buf, sizeof buf,
             "%s aged %s were the largest share of %s in %s (%s), and those aged %s in %s (%s) "
             "(%s; the Ages sheet has every area and group).",
             w->them, rp_str(x, g[old].label), w->of, rp_area_name(x, o->area), a,
             rp_str(x, g[young].label), rp_area_name(x, y->area), b, how);
    buf[0] = (char)(buf[0] >= 'a' && buf[0] <= 'z' ? buf[0] - 'a' + 'A' : buf[0]);
    rp_sentence(r, l, CM_RSTYLE_SENTENCE, buf);
}

void rp_cover_who(cm_report *r, rlist *l)
{
    const rctx *x = &r->priv->x;
    const cm_age_group *g;
    size_t ng = x->ds->flows ? cm_flow_ages_groups(x->ds->flows->ages, &g) : 0;
    int32_t year = ng >= 2 ? year_of(x, "in_age_share") : 0;
    char when[40], how[80];
    size_t before = l->n;
    if (year) {
        rp_flow_period(x, year, when, sizeof when);
        rp_sentence(r, l, CM_RSTYLE_HEADING, "Who moved");
        static const whose kinds[] = {
            {"in_median_age_group", "in_age_share", CM_KIND_INTERNAL,
             "person arriving by internal migration", "person arriving in ",
             " by internal migration", "arrivals", "an area's arrivals"},
            {"in_median_age_group", "in_age_share", CM_KIND_INTERNATIONAL,
             "person arriving by international migration", "person arriving in ",
             " by international migration", "arrivals", "an area's arrivals"}};
        for (size_t k = 0; k < 2; k++) {
            snprintf(how, sizeof how, "%s migration, %s",
                     kinds[k].kind == CM_KIND_INTERNAL ? "internal" : "international", when);
            who_lines(r, l, g, ng, &kinds[k], year, when, how);
        }
        if (l->n == before + 1)
            l->n = before; /* nothing to say: no heading */
        else
            rp_blank(r, l);
    }
    /* The foreign-born by age, where the stocks give ages. */
    const cm_table *st = x->ds->stocks;
    ng = st && st->ages ? st->ages->groups.ngroups : 0;
    year = ng >= 2 ? year_of(x, "fb_age_share") : 0;
    if (!year)
        return;
    before = l->n;
    snprintf(when, sizeof when, "%" PRId32, year);
    rp_sentence(r, l, CM_RSTYLE_HEADING, "Who the foreign-born are");
    static const whose fb = {"fb_median_age_group",
                             "fb_age_share",
                             CM_KIND_NONE,
                             "foreign-born resident",
                             "foreign-born resident of ",
                             "",
                             "the foreign-born",
                             "an area's foreign-born"};
    who_lines(r, l, st->ages->groups.groups, ng, &fb, year, when, when);
    if (l->n == before + 1)
        l->n = before;
    else
        rp_blank(r, l);
}
