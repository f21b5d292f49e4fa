/*
 * partners.c - who an area exchanges with, per year and kind, from the
 * flows by origin and destination (pairs.h, kept only when asked for):
 * its top origins and top destinations with their shares of its arrivals
 * and departures, and its net exchange with each partner. The partner is
 * the result's origin.
 *
 * Each direction reads its pairs as the area's cell is read (flowcells.c):
 * the T rows where any is given, else F + M where both sexes are, else
 * the direction is missing. So the partners of a direction add up to the
 * area's flow of that direction, and the net exchanges to its net.
 *
 * Disclosure control: a partner's count below --min-count is suppressed,
 * and what derives from it (its share, its net exchange). The partners of
 * a direction add up to the area's flow, which is shown: one suppressed
 * partner could be recovered by subtraction, so the partner with the
 * smallest shown non-zero count of that direction is suppressed with it.
 * Where the area's inflow (outflow) is suppressed, the shares of its
 * origins (destinations) are, and its net exchanges, which sum to net.
 */
#define _GNU_SOURCE /* qsort_r */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "citymig/pairs.h"
#include "engine.h"

enum { DIR_IN, DIR_OUT };

typedef struct partner {
    uint32_t id;
    int64_t count;
    bool small;      /* below --min-count */
    bool complement; /* suppressed with another partner's small count */
} partner;

typedef struct side {
    partner *list; /* by partner id */
    size_t n;
    bool known; /* the direction has pairs of the sexes that resolve it */
} side;

static const char complement_why[] =
    "suppressed with another partner's small count, so that neither can be recovered from the "
    "area's flow (complementary suppression)";

/* The pairs of one direction and sex, appended (merged by partner when
   the list already holds the other sex). */
static bool take(const cm_pairs *p, uint32_t area, int32_t year, int kind, cm_sex sex, int dir,
                 side *sd)
{
    size_t from, to;
    if (dir == DIR_IN)
        cm_pairs_into(p, year, (cm_kind)kind, sex, area, &from, &to);
    else
        cm_pairs_from(p, year, (cm_kind)kind, sex, area, &from, &to);
    if (from == to)
        return true;
    size_t old = sd->n, i = 0, j = from, w = 0;
    const partner *list = sd->list;
    /* Both runs are by partner id: merged into a new list. */
    partner *merged = malloc((old + (to - from)) * sizeof *merged);
    if (!merged)
        return false;
    while (i < old || j < to) {
        const cm_flow_pair *x = j < to ? &p->items[dir == DIR_IN ? j : p->by_origin[j]] : NULL;
        uint32_t xid = x ? (dir == DIR_IN ? x->origin : x->destination) : 0;
        if (x && (i == old || xid < list[i].id)) {
            merged[w++] = (partner){xid, x->count, false, false};
            j++;
        } else if (x && xid == list[i].id) {
            merged[w] = list[i++];
            merged[w++].count += x->count;
            j++;
        } else {
            merged[w++] = list[i++];
        }
    }
    free(sd->list);
    sd->list = merged;
    sd->n = w;
    return true;
}

/* The direction's partners: T, else F + M, else unknown. */
static bool read_side(const cm_pairs *p, uint32_t area, int32_t year, int kind, int dir, side *sd)
{
    size_t from, to;
    if (dir == DIR_IN)
        cm_pairs_into(p, year, (cm_kind)kind, CM_SEX_TOTAL, area, &from, &to);
    else
        cm_pairs_from(p, year, (cm_kind)kind, CM_SEX_TOTAL, area, &from, &to);
    if (from < to) {
        sd->known = true;
        return take(p, area, year, kind, CM_SEX_TOTAL, dir, sd);
    }
    size_t ff, ft, mf, mt;
    if (dir == DIR_IN) {
        cm_pairs_into(p, year, (cm_kind)kind, CM_SEX_FEMALE, area, &ff, &ft);
        cm_pairs_into(p, year, (cm_kind)kind, CM_SEX_MALE, area, &mf, &mt);
    } else {
        cm_pairs_from(p, year, (cm_kind)kind, CM_SEX_FEMALE, area, &ff, &ft);
        cm_pairs_from(p, year, (cm_kind)kind, CM_SEX_MALE, area, &mf, &mt);
    }
    if (ff == ft || mf == mt)
        return true;
    sd->known = true;
    return take(p, area, year, kind, CM_SEX_FEMALE, dir, sd) &&
           take(p, area, year, kind, CM_SEX_MALE, dir, sd);
}

/* Marks the small partners, and one more where a single one is small. */
static void protect(const engine *e, side *sd)
{
    size_t small = 0, best = SIZE_MAX;
    for (size_t i = 0; i < sd->n; i++) {
        partner *q = &sd->list[i];
        q->small = q->count > 0 && q->count < e->opts->min_count;
        if (q->small)
            small++;
        else if (q->count > 0 && (best == SIZE_MAX || q->count < sd->list[best].count))
            best = i;
    }
    if (small == 1 && best != SIZE_MAX)
        sd->list[best].complement = true;
}

static const partner *find(const side *sd, uint32_t id)
{
    size_t lo = 0, hi = sd->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sd->list[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < sd->n && sd->list[lo].id == id ? &sd->list[lo] : NULL;
}

/* A partner's count as an input: absent is 0 where the direction is
   known; the area's flow where that is not shown. */
static in_val count_of(const side *sd, const partner *q, in_val flow, const char *name)
{
    if (flow.st != IN_OK)
        return flow;
    if (!sd->known)
        return in_missing(name);
    in_val x = in_known(q ? (double)q->count : 0, name);
    if (q && q->small)
        x.st = IN_SUPPRESSED;
    else if (q && q->complement) {
        x.st = IN_SUPPRESSED;
        x.why = complement_why;
    }
    return x;
}

/* Orders partners by count, the most first, then by the rank of their id
   (qsort_r: the ranks as context). */
static int cmp_top(const void *a, const void *b, void *ctx)
{
    const uint32_t *rank = ctx;
    const partner *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return rank[x->id] < rank[y->id] ? -1 : rank[x->id] > rank[y->id];
}

static void put_top(engine *e, const subject *s0, const char *id, const side *sd, in_val flow,
                    const char *name)
{
    if (!sd->known || sd->n == 0)
        return;
    partner *top = malloc(sd->n * sizeof *top);
    if (!top) {
        e->status = CM_ERR_NOMEM;
        return;
    }
    for (size_t i = 0; i < sd->n; i++)
        top[i] = sd->list[i];
    qsort_r(top, sd->n, sizeof *top, cmp_top, (void *)e->rank);
    int limit = e->opts->partners > 0 ? e->opts->partners : CM_PARTNERS_DEFAULT;
    for (size_t i = 0; i < sd->n && i < (size_t)limit && top[i].count > 0; i++) {
        subject s = *s0;
        s.origin = top[i].id;
        cm_result *r = put_ratio(e, &s, id, count_of(sd, &top[i], flow, name), flow, 100);
        if (r)
            r->origin = top[i].id; /* the partner is the row's subject */
    }
    free(top);
}

void eval_partners(engine *e, uint32_t area, int32_t year, int kind)
{
    const cm_pairs *p = cm_flows_pairs(e->ds->flows);
    if (!p || !e->opts->exchange || kind == CM_KIND_ALL)
        return;
    side in = {0}, out = {0};
    if (!read_side(p, area, year, kind, DIR_IN, &in) ||
        !read_side(p, area, year, kind, DIR_OUT, &out)) {
        free(in.list);
        free(out.list);
        e->status = CM_ERR_NOMEM;
        return;
    }
    protect(e, &in);
    protect(e, &out);
    flow_view fv = flow_view_of(e, area, year, kind);
    /* The net exchanges sum to net: with the area's inflow or outflow
       hidden, they would give it. */
    in_val nin = fv.in, nout = fv.out;
    char why[200];
    if (fv.in.st == IN_SUPPRESSED || fv.out.st == IN_SUPPRESSED) {
        snprintf(why, sizeof why,
                 "the area's %s is suppressed, and its net exchanges would give it",
                 fv.in.st == IN_SUPPRESSED ? "inflow" : "outflow");
        in_val hidden = {0, IN_SUPPRESSED, "flow", why, 0};
        if (nin.st == IN_OK || nin.st == IN_SUPPRESSED)
            nin = hidden;
        if (nout.st == IN_OK || nout.st == IN_SUPPRESSED)
            nout = hidden;
    }
    subject s = {.area = area, .year = year, .kind = kind};
    put_top(e, &s, "origin_flow_share", &in, fv.in, "the count of arrivals from the origin");
    put_top(e, &s, "destination_flow_share", &out, fv.out,
            "the count of departures to the destination");

    /* Net exchange with every partner of either direction, by id. */
    size_t i = 0, j = 0;
    while ((i < in.n || j < out.n) && e->status == CM_OK) {
        uint32_t id;
        if (j == out.n || (i < in.n && in.list[i].id < out.list[j].id))
            id = in.list[i++].id;
        else if (i == in.n || out.list[j].id < in.list[i].id)
            id = out.list[j++].id;
        else
            id = in.list[i++].id, j++;
        in_val a = count_of(&in, find(&in, id), nin, "the count of arrivals from the partner");
        in_val b = count_of(&out, find(&out, id), nout, "the count of departures to the partner");
        s.origin = id;
        cm_result *r = emit(e, &s, "net_exchange");
        if (r) {
            in_val x = in_subtract(a, b, "net exchange");
            decide(e, r, x, x.v, NULL);
            r->origin = id;
        }
    }
    free(in.list);
    free(out.list);
}
