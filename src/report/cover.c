/*
 * cover.c - the first sheet: the publication's title, its reference
 * period, and what matters in sentences. The headline figures of the
 * largest area (the nation before its states) in one reference year; the
 * areas that lead; where people moved; how unevenly the foreign-born
 * settle over a city's districts; the largest gaps in access to
 * services; and the conference's conclusions that fired, each counted once
 * per area and year, with the areas. Rules with no hit come last, muted.
 */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { LEAD_MAX = 5, LIST_MAX = 3 };

typedef struct pick {
    const cm_result *r;
    double key;
} pick;

static int by_key_desc(const void *a, const void *b)
{
    const pick *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? 1 : -1;
    return (x->r->area > y->r->area) - (x->r->area < y->r->area);
}

/* By area, then the latest year first, then the strongest first. */
static int by_area_latest(const void *a, const void *b)
{
    const pick *x = a, *y = b;
    if (x->r->area != y->r->area)
        return x->r->area < y->r->area ? -1 : 1;
    if (x->r->year != y->r->year)
        return x->r->year > y->r->year ? -1 : 1;
    return x->key < y->key ? 1 : x->key > y->key ? -1 : 0;
}

void rp_sentence(cm_report *r, rlist *l, cm_rstyle style, const char *text)
{
    cm_rcell *row = rp_row(r, l);
    if (row && text)
        rp_text(&row[0], style, rp_strdup(r, text));
}

void rp_blank(cm_report *r, rlist *l)
{
    rp_row(r, l);
}

/* The value of one indicator for an area, year, kind and service; NULL. */
static const cm_result *find(const rctx *x, uint32_t area, int32_t year, int ind, int kind,
                             uint32_t service)
{
    const cm_results *res = x->res;
    for (size_t i = 0; i < res->count; i++) {
        const cm_result *r = &res->items[i];
        if (r->indicator == ind && r->area == area && r->year == year && r->kind == kind &&
            r->service == service && r->base_year == 0 && rp_has_value(r))
            return r;
    }
    return NULL;
}

static const char *place(const rctx *x, uint32_t area, int32_t year, char *buf, size_t size)
{
    const char *name = rp_area_name(x, area);
    /* Names that take "the" in a sentence. */
    static const char *const the[] = {"United ",
                                      "Netherlands",
                                      "Philippines",
                                      "Bahamas",
                                      "Gambia",
                                      "Czech Republic",
                                      "Dominican Republic",
                                      "Central African Republic",
                                      "Russian Federation",
                                      "Republic of ",
                                      "Democratic Republic"};
    bool with_the = false;
    for (size_t i = 0; i < sizeof the / sizeof the[0]; i++)
        with_the |= strncmp(name, the[i], strlen(the[i])) == 0;
    if (rp_level(x, area, year) == CM_LEVEL_WORLD && !x->names[area])
        snprintf(buf, size, "the world");
    else if (rp_level(x, area, year) == CM_LEVEL_WORLD && strcasecmp(name, "world") == 0)
        snprintf(buf, size, "the world");
    else if (rp_level(x, area, year) == CM_LEVEL_WORLD || with_the)
        snprintf(buf, size, "the %s", name);
    else
        snprintf(buf, size, "%s", name);
    return buf;
}

static int64_t area_count(const rctx *x, uint32_t area, int32_t year, int col)
{
    size_t row = cm_areas_find(x->ds->areas, area, year);
    if (row == SIZE_MAX || !x->ds->areas->cols[col].present[row])
        return -1;
    return x->ds->areas->cols[col].v.count[row];
}

/* ", up from 13.1% in 2013": the same figure in another year. */
static void other_year(const rctx *x, const cm_result *ref, char *buf, size_t size)
{
    const cm_results *res = x->res;
    const cm_result *early = NULL, *late = NULL;
    for (size_t i = 0; i < res->count; i++) {
        const cm_result *r = &res->items[i];
        if (r->indicator != ref->indicator || r->area != ref->area || r->kind != ref->kind ||
            r->service != ref->service || r->base_year || !rp_has_value(r) || r->year == ref->year)
            continue;
        if (r->year > ref->year && (!late || r->year > late->year))
            late = r;
        if (r->year < ref->year && (!early || r->year < early->year))
            early = r;
    }
    char v[64];
    buf[0] = '\0';
    if (late && rp_def(ref)->unit == CM_UNIT_PP) {
        /* A gap says its side in words: "12.3 points below in 2018". */
        snprintf(buf, size, "; %.1f points %s in %d", fabs(late->value),
                 late->value < 0 ? "below" : "above", (int)late->year);
    } else if (late) {
        rp_fmt_value(late, v, sizeof v);
        snprintf(buf, size, "; %s in %d", v, (int)late->year);
    } else if (early) {
        rp_fmt_value(early, v, sizeof v);
        if (rp_def(ref)->unit == CM_UNIT_PP)
            snprintf(buf, size, ", against %.1f points %s in %d", fabs(early->value),
                     early->value < 0 ? "below" : "above", (int)early->year);
        else
            snprintf(buf, size, ", %s %s in %d",
                     ref->value >= early->value ? "up from" : "down from", v, (int)early->year);
    }
}

/*
 * The area of the headline: the world, else the largest area that holds
 * others (the parent of some area: the nation before its states), else
 * the largest area if it is at least as large as half of all the others
 * together (an aggregate given without parent links); else none, and the
 * cover speaks of the areas that lead. Its year: the manifest's
 * reference_year when the area has a headline figure in it, else the year
 * with the most headline figures (the latest of equals).
 */
static const int headline_ids_n = 5;
static const char *const headline_ids[] = {"one_in_n", "fb_share", "internal_per_international",
                                           "urban_share", "fb_female_share"};

static bool headline_area(cm_report *r, uint32_t *area, int32_t *year)
{
    const rctx *x = &r->priv->x;
    const cm_table *t = x->ds->areas;
    size_t npool = cm_strpool_count(x->ds->pool) + 1;
    bool *parent = calloc(npool, sizeof *parent);
    if (!parent) {
        rp_nomem(r);
        return false;
    }
    for (size_t row = 0; row < t->nrows; row++) {
        uint32_t p = t->cols[CM_AREAS_PARENT_ID].v.text[row];
        if (t->cols[CM_AREAS_PARENT_ID].present[row] && p < npool)
            parent[p] = true;
    }
    int64_t best[3] = {-1, -1, -1}; /* the world, a parent, any */
    uint32_t pick_of[3] = {0, 0, 0};
    int32_t year_of_any = 0;
    for (size_t row = 0; row < t->nrows; row++) {
        if (!t->cols[CM_AREAS_POPULATION].present[row])
            continue;
        int64_t pop = t->cols[CM_AREAS_POPULATION].v.count[row];
        uint32_t id = t->cols[CM_AREAS_AREA_ID].v.text[row];
        int kinds[3] = {t->cols[CM_AREAS_LEVEL].v.code[row] == CM_LEVEL_WORLD,
                        id < npool && parent[id], 1};
        for (int k = 0; k < 3; k++)
            if (kinds[k] && pop > best[k]) {
                best[k] = pop;
                pick_of[k] = id;
                if (k == 2)
                    year_of_any = t->cols[CM_AREAS_YEAR].v.year[row];
            }
    }
    free(parent);
    if (best[0] >= 0) {
        *area = pick_of[0];
    } else if (best[1] >= 0) {
        *area = pick_of[1];
    } else if (best[2] >= 0) {
        /* An aggregate without parent links holds at least half of the rest. */
        int64_t others = 0;
        for (size_t row = 0; row < t->nrows; row++)
            if (t->cols[CM_AREAS_POPULATION].present[row] &&
                t->cols[CM_AREAS_YEAR].v.year[row] == year_of_any &&
                t->cols[CM_AREAS_AREA_ID].v.text[row] != pick_of[2])
                others += t->cols[CM_AREAS_POPULATION].v.count[row];
        if (2 * best[2] < others)
            return false;
        *area = pick_of[2];
    } else {
        return false;
    }
    int ind[5];
    for (int h = 0; h < headline_ids_n; h++)
        ind[h] = cm_indicator_find(headline_ids[h]);
    int32_t best_year = 0;
    int best_n = 0;
    const cm_results *res = x->res;
    /* Results are sorted by area and year: one pass counts each year. */
    int32_t cur = 0;
    int n = 0;
    bool at_reference = false;
    for (size_t i = 0; i <= res->count; i++) {
        const cm_result *c = i < res->count ? &res->items[i] : NULL;
        if (!c || c->area != *area || c->year != cur) {
            if (n > best_n || (n == best_n && n > 0 && cur > best_year)) {
                best_n = n;
                best_year = cur;
            }
            at_reference |= n > 0 && cur == x->ds->reference_year;
            n = 0;
            cur = c ? c->year : 0;
        }
        if (!c || c->area != *area || !rp_has_value(c) || c->base_year || c->kind != CM_KIND_NONE)
            continue;
        for (int h = 0; h < headline_ids_n; h++)
            n += c->indicator == ind[h];
    }
    *year = at_reference ? x->ds->reference_year : best_year;
    return best_n > 0;
}

static void headline(cm_report *r, rlist *l, uint32_t area, int32_t year)
{
    const rctx *x = &r->priv->x;
    char where[256], buf[1024], v[64], more[128], a[64], b[64];
    place(x, area, year, where, sizeof where);
    bool world = strcmp(where, "the world") == 0;
    const cm_result *one = find(x, area, year, cm_indicator_find("one_in_n"), CM_KIND_NONE, 0);
    const cm_result *fb = find(x, area, year, cm_indicator_find("fb_share"), CM_KIND_NONE, 0);
    const cm_result *ipi =
        find(x, area, year, cm_indicator_find("internal_per_international"), CM_KIND_NONE, 0);
    const cm_result *urb = find(x, area, year, cm_indicator_find("urban_share"), CM_KIND_NONE, 0);
    const cm_result *fem =
        find(x, area, year, cm_indicator_find("fb_female_share"), CM_KIND_NONE, 0);
    int64_t nfb = area_count(x, area, year, CM_AREAS_FOREIGN_BORN);
    int64_t nin = area_count(x, area, year, CM_AREAS_INTERNAL_MIGRANTS);
    if (one) {
        long n = lround(one->value);
        if (nfb >= 0 && nin >= 0) {
            rp_fmt_people((double)nfb, a, sizeof a);
            rp_fmt_people((double)nin, b, sizeof b);
            snprintf(buf, sizeof buf,
                     "1 in %ld people%s%s is a migrant (%d): %s international and %s internal "
                     "migrants.",
                     n, world ? "" : " in ", world ? "" : where, (int)year, a, b);
        } else {
            snprintf(buf, sizeof buf, "1 in %ld people%s%s is a migrant (%d).", n,
                     world ? "" : " in ", world ? "" : where, (int)year);
        }
        rp_sentence(r, l, CM_RSTYLE_SENTENCE, buf);
    }
    if (fb) {
        rp_fmt_value(fb, v, sizeof v);
        other_year(x, fb, more, sizeof more);
        if (nfb >= 0) {
            rp_fmt_people((double)nfb, a, sizeof a);
            snprintf(buf, sizeof buf,
                     "%s of the residents of %s were born abroad (%d): %s people%s.", v, where,
                     (int)year, a, more);
        } else {
            snprintf(buf, sizeof buf, "%s of the residents of %s were born abroad (%d)%s.", v,
                     where, (int)year, more);
        }
        rp_sentence(r, l, CM_RSTYLE_SENTENCE, buf);
    }
    if (ipi && !one) {
        snprintf(buf, sizeof buf,
                 "There were %.1f internal migrants for every international migrant in %s (%d).",
                 ipi->value, where, (int)year);
        rp_sentence(r, l, CM_RSTYLE_SENTENCE, buf);
    }
    if (urb) {
        rp_fmt_value(urb, v, sizeof v);
        other_year(x, urb, more, sizeof more);
        snprintf(buf, sizeof buf, "%s of the residents of %s lived in urban areas (%d)%s.", v,
                 where, (int)year, more);
        rp_sentence(r, l, CM_RSTYLE_SENTENCE, buf);
    }
    if (fem) {
        rp_fmt_value(fem, v, sizeof v);
        snprintf(buf, sizeof buf, "Women were %s of the foreign-born in %s (%d).", v, where,
                 (int)year);
        rp_sentence(r, l, CM_RSTYLE_SENTENCE, buf);
    }
}

/* The areas with the largest foreign-born shares, below the headline area. */
static void leaders(cm_report *r, rlist *l, uint32_t top, int32_t year)
{
    const rctx *x = &r->priv->x;
    const cm_results *res = x->res;
    int fb = cm_indicator_find("fb_share");
    pick *p = malloc((res->count + 1) * sizeof *p);
    if (!p) {
        rp_nomem(r);
        return;
    }
    size_t n = 0;
    /* The latest share of each area (results are sorted by area, then year). */
    for (size_t i = 0; i < res->count; i++) {
        const cm_result *c = &res->items[i];
        if (c->indicator != fb || !rp_has_value(c) || c->area == top ||
            rp_level(x, c->area, c->year) <= CM_LEVEL_WORLD)
            continue;
        if (n && p[n - 1].r->area == c->area) {
            /* The reference year's share, else the latest. */
            if (p[n - 1].r->year != year && (c->year == year || c->year > p[n - 1].r->year))
                p[n - 1] = (pick){c, c->value};
            continue;
        }
        p[n++] = (pick){c, c->value};
    }
    qsort(p, n, sizeof *p, by_key_desc);
    if (n) {
        char buf[2048], v[64];
        size_t used = n > LEAD_MAX
                          ? (size_t)snprintf(buf, sizeof buf,
                                             "The largest foreign-born shares of %zu areas: ", n)
                          : (size_t)snprintf(buf, sizeof buf, "The largest foreign-born shares: ");
        for (size_t i = 0; i < n && i < LEAD_MAX && used < sizeof buf; i++) {
            rp_fmt_value(p[i].r, v, sizeof v);
            used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s %s (%d)", i ? ", " : "",
                                     rp_area_name(x, p[i].r->area), v, (int)p[i].r->year);
        }
        if (used < sizeof buf)
            snprintf(buf + used, sizeof buf - used, " (the Areas sheet has them all).");
        rp_sentence(r, l, CM_RSTYLE_SENTENCE, buf);
    }
    free(p);
}

/*
 * Where people moved: the net gains and losses of the year, or, for flows
 * that have only arrivals (asylum applications, say), the arrivals. The
 * year is the dataset's reference year when it has such figures, else the
 * latest that has.
 */
/* With the pairs kept (--pairs): the largest net exchange between two
   areas of a kind in year. Each pair has it twice, once either way: the
   gain is the one told. */
static void largest_exchange(cm_report *r, rlist *l, int kind, int32_t year, const char *how,
                             const char *when)
{
    const rctx *x = &r->priv->x;
    const cm_results *res = x->res;
    int ex = cm_indicator_find("net_exchange");
    const cm_result *best = NULL;
    for (size_t i = 0; i < res->count; i++) {
        const cm_result *c = &res->items[i];
        if (c->indicator == ex && c->year == year && c->kind == kind && c->area && c->origin &&
            rp_has_value(c) && c->value > 0 && (!best || c->value > best->value))
            best = c;
    }
    if (!best)
        return;
    char v[64], buf[512];
    rp_fmt_count(best->value, v, sizeof v);
    snprintf(buf, sizeof buf,
             "The largest net exchange between two areas: %s gained %s people from %s (%s "
             "migration, %s; the Partners sheet has every pair).",
             rp_area_name(x, best->area), v, rp_area_name(x, best->origin), how, when);
    rp_sentence(r, l, CM_RSTYLE_SENTENCE, buf);
}

static void flows(cm_report *r, rlist *l)
{
    const rctx *x = &r->priv->x;
    const cm_results *res = x->res;
    int net = cm_indicator_find("net"), moves = cm_indicator_find("system_moves");
    int measure = net;
    int32_t year = 0;
    bool at_reference = false;
    for (int pass = 0; pass < 2 && !year; pass++) {
        measure = pass == 0 ? net : cm_indicator_find("inflow");
        for (size_t i = 0; i < res->count; i++)
            if (res->items[i].indicator == measure && rp_has_value(&res->items[i])) {
                at_reference |= res->items[i].year == x->ds->reference_year;
                if (res->items[i].year > year)
                    year = res->items[i].year;
            }
    }
    if (!year)
        return;
    if (at_reference)
        year = x->ds->reference_year;
    bool arrivals = measure != net;
    pick *p = malloc((res->count + 1) * sizeof *p);
    if (!p) {
        rp_nomem(r);
        return;
    }
    size_t before = l->n;
    rp_sentence(r, l, CM_RSTYLE_HEADING, "Where people moved");
    char buf[2048], v[64], when[40];
    /* Census flows cover the years before the census: "2005 to 2010". */
    rp_flow_period(x, year, when, sizeof when);
    for (size_t i = 0; i < res->count && !arrivals; i++) {
        const cm_result *c = &res->items[i];
        /* No move between two zones: the flows are given against areas
           outside the system, and "0 moves" would mislead. */
        if (c->indicator == moves && c->year == year && rp_has_value(c) && c->value > 0) {
            rp_fmt_count(c->value, v, sizeof v);
            snprintf(buf, sizeof buf, "%s moves between the areas of the system in %s.", v, when);
            rp_sentence(r, l, CM_RSTYLE_SENTENCE, buf);
        }
    }
    static const int kinds[] = {0, 1}; /* CM_KIND_INTERNAL, CM_KIND_INTERNATIONAL */
    for (size_t k = 0; k < 2; k++) {
        size_t n = 0;
        for (size_t i = 0; i < res->count; i++) {
            const cm_result *c = &res->items[i];
            if (c->indicator == measure && c->year == year && c->kind == kinds[k] && c->area &&
                rp_has_value(c))
                p[n++] = (pick){c, c->value};
        }
        bool finer = false;
        for (size_t i = 0; i < n; i++)
            finer |= rp_finer(x, p[i].r);
        size_t kept = 0;
        for (size_t i = 0; i < n; i++)
            if (rp_ranked(x, p[i].r, finer))
                p[kept++] = p[i];
        n = kept;
        if (!n)
            continue;
        qsort(p, n, sizeof *p, by_key_desc);
        const char *how = kinds[k] == 0 ? "internal" : "international";
        if (arrivals) {
            rp_fmt_count(p[0].key, v, sizeof v);
            snprintf(buf, sizeof buf, "%s had the most %s arrivals: %s (%s).",
                     rp_area_name(x, p[0].r->area), how, v, when);
            rp_sentence(r, l, CM_RSTYLE_SENTENCE, buf);
            size_t used = (size_t)snprintf(buf, sizeof buf, "Most arrivals: ");
            for (size_t i = 0; i < n && i < LIST_MAX && used < sizeof buf; i++) {
                rp_fmt_count(p[i].key, v, sizeof v);
                used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s %s", i ? ", " : "",
                                         rp_area_name(x, p[i].r->area), v);
            }
            if (used < sizeof buf)
                snprintf(buf + used, sizeof buf - used,
                         " (%s arrivals, %s; the Flows sheet has every area).", how, when);
            if (n > 1)
                rp_sentence(r, l, CM_RSTYLE_SENTENCE, buf);
            continue;
        }
        if (p[0].key > 0) {
            rp_fmt_count(p[0].key, v, sizeof v);
            snprintf(buf, sizeof buf, "%s gained %s people by %s migration (%s), the largest gain.",
                     rp_area_name(x, p[0].r->area), v, how, when);
            rp_sentence(r, l, CM_RSTYLE_SENTENCE, buf);
        }
        if (p[n - 1].key < 0) {
            rp_fmt_count(-p[n - 1].key, v, sizeof v);
            snprintf(buf, sizeof buf, "%s lost %s people by %s migration (%s), the largest loss.",
                     rp_area_name(x, p[n - 1].r->area), v, how, when);
            rp_sentence(r, l, CM_RSTYLE_SENTENCE, buf);
        }
        size_t used = (size_t)snprintf(buf, sizeof buf, "Largest net gains: ");
        size_t shown = 0;
        for (size_t i = 0; i < n && shown < LIST_MAX && p[i].key > 0 && used < sizeof buf; i++) {
            rp_fmt_count(p[i].key, v, sizeof v);
            used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s %s", shown ? ", " : "",
                                     rp_area_name(x, p[i].r->area), v);
            shown++;
        }
        if (used < sizeof buf)
            used += (size_t)snprintf(buf + used, sizeof buf - used, "; largest net losses: ");
        size_t lost = 0;
        for (size_t i = n; i-- > 0 && lost < LIST_MAX && p[i].key < 0 && used < sizeof buf;) {
            rp_fmt_count(-p[i].key, v, sizeof v);
            used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s %s", lost ? ", " : "",
                                     rp_area_name(x, p[i].r->area), v);
            lost++;
        }
        if (used < sizeof buf)
            snprintf(buf + used, sizeof buf - used,
                     " (%s migration, %s; the Flows sheet has "
                     "every area).",
                     how, when);
        if (shown && lost)
            rp_sentence(r, l, CM_RSTYLE_SENTENCE, buf);
        largest_exchange(r, l, kinds[k], year, how, when);
    }
    free(p);
    if (l->n == before + 1)
        l->n = before; /* nothing to say: no heading */
    else
        rp_blank(r, l);
}

static void services(cm_report *r, rlist *l, uint32_t top, int32_t top_year)
{
    const rctx *x = &r->priv->x;
    const cm_results *res = x->res;
    int gap = cm_indicator_find("gap_pp");
    pick *p = malloc((res->count + 1) * sizeof *p);
    if (!p) {
        rp_nomem(r);
        return;
    }
    size_t n = 0;
    int32_t year = 0;
    for (size_t i = 0; i < res->count; i++)
        if (res->items[i].indicator == gap && rp_has_value(&res->items[i]) &&
            res->items[i].year > year)
            year = res->items[i].year;
    /* The headline area's gaps in its reference year, when it has them. */
    bool at_top = false;
    for (size_t i = 0; i < res->count; i++) {
        const cm_result *c = &res->items[i];
        if (c->indicator == gap && c->area == top && c->year == top_year && rp_has_value(c))
            at_top = true;
    }
    if (at_top)
        year = top_year;
    for (size_t i = 0; i < res->count; i++) {
        const cm_result *c = &res->items[i];
        if (c->indicator == gap && c->year == year && rp_has_value(c) &&
            (!at_top || c->area == top))
            p[n++] = (pick){c, -c->value};
    }
    if (n) {
        qsort(p, n, sizeof *p, by_key_desc);
        rp_sentence(r, l, CM_RSTYLE_HEADING, "Access to services");
        char buf[1024], where[256];
        for (size_t i = 0; i < n && i < LIST_MAX; i++) {
            const cm_result *c = p[i].r;
            place(x, c->area, c->year, where, sizeof where);
            char more[128];
            other_year(x, c, more, sizeof more);
            snprintf(buf, sizeof buf,
                     "%s: migrants' access was %.1f percentage points %s natives' in %s (%d)%s.",
                     rp_str(x, c->service), fabs(c->value), c->value < 0 ? "below" : "above", where,
                     (int)c->year, more);
            buf[0] = (char)(buf[0] >= 'a' && buf[0] <= 'z' ? buf[0] - 32 : buf[0]);
            rp_sentence(r, l, CM_RSTYLE_SENTENCE, buf);
        }
        if (n > LIST_MAX) {
            snprintf(buf, sizeof buf,
                     "The Services sheet has all %zu gaps of %d, and the other "
                     "years.",
                     n, (int)year);
            rp_sentence(r, l, CM_RSTYLE_SENTENCE, buf);
        }
        rp_blank(r, l);
    }
    free(p);
}

/* Where migrants settle: each city's dissimilarity over its districts in
   its latest year, the most uneven first. */
/* Keeps one pick per area, its latest year (and of that year the first by
   by_area_latest); returns how many are left, in area order. */
static size_t latest_per_area(pick *p, size_t n)
{
    qsort(p, n, sizeof *p, by_area_latest);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || p[m - 1].r->area != p[i].r->area)
            p[m++] = p[i];
    return m;
}

static void segregation(cm_report *r, rlist *l)
{
    const rctx *x = &r->priv->x;
    const cm_results *res = x->res;
    int dis = cm_indicator_find("seg_dissimilarity"), iso = cm_indicator_find("seg_isolation"),
        nd = cm_indicator_find("seg_districts");
    pick *p = malloc((res->count + 1) * sizeof *p);
    if (!p) {
        rp_nomem(r);
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < res->count; i++)
        if (res->items[i].indicator == dis && rp_has_value(&res->items[i]))
            p[n++] = (pick){&res->items[i], res->items[i].value};
    /* One per city: its latest year. */
    size_t m = latest_per_area(p, n);
    if (m) {
        qsort(p, m, sizeof *p, by_key_desc);
        rp_sentence(r, l, CM_RSTYLE_HEADING, "Where migrants settle");
        char buf[1024], where[256], more[256];
        for (size_t i = 0; i < m && i < LIST_MAX; i++) {
            const cm_result *c = p[i].r;
            place(x, c->area, c->year, where, sizeof where);
            const cm_result *k = find(x, c->area, c->year, nd, CM_KIND_NONE, 0);
            const cm_result *s = find(x, c->area, c->year, iso, CM_KIND_NONE, 0);
            more[0] = 0;
            if (s)
                snprintf(more, sizeof more,
                         " The average foreign-born resident lived in a district where %.0f%% "
                         "of residents were foreign-born.",
                         100 * s->value);
            snprintf(buf, sizeof buf,
                     "%s (%d): an index of dissimilarity of %.2f over %.0f districts: %.0f%% of "
                     "the foreign-born (or of natives) would have to move for the two to be "
                     "spread alike.%s",
                     where, (int)c->year, c->value, k ? k->value : 0, 100 * c->value, more);
            buf[0] = (char)(buf[0] >= 'a' && buf[0] <= 'z' ? buf[0] - 32 : buf[0]);
            rp_sentence(r, l, CM_RSTYLE_SENTENCE, buf);
        }
        if (m > LIST_MAX) {
            snprintf(buf, sizeof buf, "The Segregation sheet has all %zu cities, and every year.",
                     m);
            rp_sentence(r, l, CM_RSTYLE_SENTENCE, buf);
        }
        rp_blank(r, l);
    }
    free(p);
}

/* Where an area's foreign-born live: the share in its leading areas, for
   areas of more than five parts (below that, the top five are all). */
static void concentration(cm_report *r, rlist *l)
{
    const rctx *x = &r->priv->x;
    const cm_results *res = x->res;
    int t5 = cm_indicator_find("fb_share_top5"), t10 = cm_indicator_find("fb_share_top10"),
        t20 = cm_indicator_find("fb_share_top20"), np = cm_indicator_find("part_areas");
    pick *p = malloc((res->count + 1) * sizeof *p);
    if (!p) {
        rp_nomem(r);
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < res->count; i++) {
        const cm_result *c = &res->items[i];
        if (c->indicator != t5 || !rp_has_value(c))
            continue;
        const cm_result *k = find(x, c->area, c->year, np, CM_KIND_NONE, 0);
        if (k && k->value > 5)
            p[n++] = (pick){c, c->denominator};
    }
    /* One per area: its latest year; the most foreign-born first. */
    size_t m = latest_per_area(p, n);
    if (m) {
        qsort(p, m, sizeof *p, by_key_desc);
        rp_sentence(r, l, CM_RSTYLE_HEADING, "Where the foreign-born live");
        char buf[1024], where[256], more[256];
        for (size_t i = 0; i < m && i < LIST_MAX; i++) {
            const cm_result *c = p[i].r;
            place(x, c->area, c->year, where, sizeof where);
            const cm_result *k = find(x, c->area, c->year, np, CM_KIND_NONE, 0);
            const cm_result *a = find(x, c->area, c->year, t10, CM_KIND_NONE, 0);
            const cm_result *b = find(x, c->area, c->year, t20, CM_KIND_NONE, 0);
            more[0] = 0;
            if (k && k->value > 10 && a && rp_has_value(a) && b && rp_has_value(b))
                snprintf(more, sizeof more, ", %.0f%% in its top 10 and %.0f%% in its top 20",
                         a->value, b->value);
            snprintf(buf, sizeof buf,
                     "%s (%d): %.0f%% of its foreign-born lived in the 5 of its %.0f areas with "
                     "the most%s.",
                     where, (int)c->year, c->value, k ? k->value : 0, more);
            buf[0] = (char)(buf[0] >= 'a' && buf[0] <= 'z' ? buf[0] - 32 : buf[0]);
            rp_sentence(r, l, CM_RSTYLE_SENTENCE, buf);
        }
        if (m > LIST_MAX) {
            snprintf(buf, sizeof buf, "The Across areas sheet has all %zu areas, and every year.",
                     m);
            rp_sentence(r, l, CM_RSTYLE_SENTENCE, buf);
        }
        rp_blank(r, l);
    }
    free(p);
}

/* A rule's name from its id: "super-diversity" reads "Super-diversity". */
static void rule_name(const char *id, char *buf, size_t size)
{
    snprintf(buf, size, "%s", id);
    if (buf[0] >= 'a' && buf[0] <= 'z')
        buf[0] = (char)(buf[0] - 32);
    if (!strchr(id, '-') || strncmp(id, "super-", 6) == 0)
        return;
    for (char *c = buf; *c; c++)
        if (*c == '-')
            *c = ' ';
}

static void conclusions(cm_report *r, rlist *l)
{
    const rctx *x = &r->priv->x;
    if (!x->rules->count)
        return;
    rp_sentence(r, l, CM_RSTYLE_HEADING, "Conclusions of the Conference on Migrants and Cities");
    pick *p = malloc((x->nhits + 1) * sizeof *p);
    bool *fired = calloc(x->rules->count + 1, sizeof *fired);
    if (!p || !fired) {
        free(p);
        free(fired);
        rp_nomem(r);
        return;
    }
    char buf[4096], name[64], v[64];
    for (size_t k = 0; k < x->rules->count; k++) {
        const cm_rule *rule = &x->rules->items[k];
        bool low = rule->op == CM_OP_LT || rule->op == CM_OP_LE;
        size_t n = 0;
        int32_t lo = INT32_MAX, hi = INT32_MIN;
        for (size_t h = 0; h < x->nhits; h++) {
            if (x->hits[h].rule != k)
                continue;
            const cm_result *c = &x->res->items[x->hits[h].result];
            p[n++] = (pick){c, low ? -c->value : c->value};
            lo = c->year < lo ? c->year : lo;
            hi = c->year > hi ? c->year : hi;
        }
        /* Each area once: its latest year, and of that year's kinds the
           strongest (a surge of internal, international and all moves is
           one surge). */
        n = latest_per_area(p, n);
        if (!n)
            continue;
        fired[k] = true;
        qsort(p, n, sizeof *p, by_key_desc);
        rule_name(rule->id, name, sizeof name);
        char years[32];
        rp_years(lo, hi, years, sizeof years);
        const cm_indicator_def *d = rp_def(p[0].r);
        char what[256];
        snprintf(what, sizeof what, "%s", d->title);
        rp_lower_first(what);
        size_t used =
            (size_t)snprintf(buf, sizeof buf, "%s: %s %s%s in %zu %s (%s), %s in ", name, what,
                             rp_condition(r, rule), rule->and_indicator >= 0 ? "," : "", n,
                             n == 1 ? "area" : "areas", years, low ? "lowest" : "highest");
        for (size_t i = 0; i < n && i < LIST_MAX + 2 && used < sizeof buf; i++) {
            rp_fmt_value(p[i].r, v, sizeof v);
            used += (size_t)snprintf(
                buf + used, sizeof buf - used, "%s%s %s", i ? ", " : "",
                p[i].r->area ? rp_area_name(x, p[i].r->area) : "the system of zones", v);
        }
        if (n > LIST_MAX + 2 && used < sizeof buf)
            used +=
                (size_t)snprintf(buf + used, sizeof buf - used, " and %zu more", n - LIST_MAX - 2);
        if (used < sizeof buf)
            snprintf(buf + used, sizeof buf - used, ". %s", rule->conclusion);
        rp_sentence(r, l, CM_RSTYLE_SENTENCE, buf);
    }
    size_t quiet = 0;
    for (size_t k = 0; k < x->rules->count; k++)
        quiet += !fired[k];
    if (quiet) {
        size_t used = (size_t)snprintf(buf, sizeof buf, "No area met: ");
        size_t i = 0;
        for (size_t k = 0; k < x->rules->count && used < sizeof buf; k++) {
            if (fired[k])
                continue;
            const cm_rule *rule = &x->rules->items[k];
            size_t nd;
            rule_name(rule->id, name, sizeof name);
            char what[256];
            snprintf(what, sizeof what, "%s", cm_indicator_defs(&nd)[rule->indicator].title);
            rp_lower_first(what);
            used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s (%s, %s)",
                                     i++ ? "; " : "", name, what, rp_condition(r, rule));
        }
        if (used < sizeof buf)
            snprintf(buf + used, sizeof buf - used, ".");
        rp_sentence(r, l, CM_RSTYLE_MUTED, buf);
    }
    free(p);
    free(fired);
    rp_blank(r, l);
}

void rp_cover(cm_report *r)
{
    const rctx *x = &r->priv->x;
    cm_rsheet *s = rp_sheet(r, CM_RSHEET_TEXT, "Cover");
    rlist *l = s ? rp_list(r, s, 1) : NULL;
    cm_rcolumn *c = s ? rp_columns(r, s, 1) : NULL;
    if (!l || !c)
        return;
    c[0].width = 110;
    c[0].style = CM_RSTYLE_SENTENCE;
    s->title = r->title;
    s->contents = rp_strdup(r, "The headline figures and the conclusions, in sentences");
    /* The reference period: the years of the results. */
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    for (size_t i = 0; i < x->res->count; i++) {
        int32_t y = x->res->items[i].year;
        lo = y < lo ? y : lo;
        hi = y > hi ? y : hi;
    }
    uint32_t top = 0;
    int32_t year = 0;
    bool have_top = headline_area(r, &top, &year);
    char buf[2048];
    if (lo <= hi) {
        char years[32];
        rp_years(lo, hi, years, sizeof years);
        if (have_top && lo != hi)
            snprintf(buf, sizeof buf,
                     "Reference period: %s. Headline figures are for %d unless a sentence "
                     "gives its own year.",
                     years, (int)year);
        else
            snprintf(buf, sizeof buf, "Reference period: %s.", years);
        rp_sentence(r, l, CM_RSTYLE_SENTENCE, buf);
    }
    const cm_table_id all[] = {CM_TABLE_AREAS, CM_TABLE_STOCKS, CM_TABLE_FLOWS, CM_TABLE_SERVICES};
    rp_sentence(r, l, CM_RSTYLE_MUTED, rp_source_line(r, all, 4));
    rp_blank(r, l);
    size_t before = l->n;
    rp_sentence(r, l, CM_RSTYLE_HEADING, "Headline figures");
    size_t heading = l->n;
    if (have_top)
        headline(r, l, top, year);
    leaders(r, l, have_top ? top : 0, year);
    if (l->n == heading)
        l->n = before; /* no headline figure: no heading */
    else
        rp_blank(r, l);
    flows(r, l);
    rp_cover_who(r, l);
    segregation(r, l);
    concentration(r, l);
    services(r, l, top, year);
    conclusions(r, l);
    rp_sentence(r, l, CM_RSTYLE_HEADING, "About these figures");
    rp_sentence(r, l, CM_RSTYLE_SENTENCE,
                "Every figure is computed from the files on the Sources sheet, or is the "
                "publisher's own where the tables flag it p. An empty cell has no value: the flag "
                "beside it says why, and the Notes sheet explains the codes. Nothing empty is ever "
                "counted as zero.");
    rp_sentence(r, l, CM_RSTYLE_SENTENCE,
                "The Contents sheet lists every sheet; the Definitions sheet says how each figure "
                "is computed.");
    s->nrows = l->n;
}
