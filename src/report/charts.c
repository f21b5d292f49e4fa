/*
 * charts.c - the chart sheets, each one chart with its data beside it: a
 * title with the unit and year, a note ("Note: ..."), a source line, and
 * the data as a small table whose rows are the bars.
 *
 * - the foreign-born share by city (by district when every bar shown is
 *   one; by area when there are no cities),
 *   published and computed figures as two series, so they look different;
 * - net migration by area for flows, internal and international as two
 *   series either side of zero, largest gain first;
 * - the access gaps, labels at the low end, one bar per area and service;
 * - the urban share of countries, when there are no cities.
 * A chart shows at most BARS_MAX bars; the note says how many more there
 * are and where they are.
 */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BARS_MAX = 30 };

typedef struct bar {
    const cm_result *r;  /* the first value */
    const cm_result *r2; /* the second series' value (international net), or NULL */
    double key;
} bar;

static int by_key_desc(const void *a, const void *b)
{
    const bar *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? 1 : -1;
    if (x->r->area != y->r->area)
        return x->r->area < y->r->area ? -1 : 1;
    return (x->r->service > y->r->service) - (x->r->service < y->r->service);
}

/* The latest value of ind for each area (and service), by a test. */
static size_t latest(const rctx *x, int ind, bool (*keep)(const rctx *, const cm_result *),
                     bar *out)
{
    const cm_results *res = x->res;
    size_t n = 0;
    for (size_t i = 0; i < res->count; i++) {
        const cm_result *c = &res->items[i];
        if (c->indicator != ind || !rp_has_value(c) || c->base_year || !keep(x, c))
            continue;
        if (n && out[n - 1].r->area == c->area && out[n - 1].r->service == c->service) {
            if (c->year >= out[n - 1].r->year)
                out[n - 1] = (bar){c, NULL, c->value};
            continue;
        }
        size_t j = n;
        /* Services of one area come in year order within each service. */
        for (size_t k = n; k-- > 0 && out[k].r->area == c->area;)
            if (out[k].r->service == c->service) {
                j = k;
                break;
            }
        if (j < n) {
            if (c->year >= out[j].r->year)
                out[j] = (bar){c, NULL, c->value};
            continue;
        }
        out[n++] = (bar){c, NULL, c->value};
    }
    return n;
}

static bool is_city(const rctx *x, const cm_result *c)
{
    return c->area && rp_level(x, c->area, c->year) >= CM_LEVEL_METRO;
}

static bool below_top(const rctx *x, const cm_result *c)
{
    return c->area && rp_level(x, c->area, c->year) > CM_LEVEL_WORLD &&
           rp_level(x, c->area, c->year) != -1;
}

static bool is_country(const rctx *x, const cm_result *c)
{
    return c->area && rp_level(x, c->area, c->year) == CM_LEVEL_COUNTRY;
}

static bool any(const rctx *x, const cm_result *c)
{
    (void)x;
    return c->area != 0;
}

static void span(const bar *b, size_t n, char *buf, size_t size, bool *mixed)
{
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    for (size_t i = 0; i < n; i++) {
        lo = b[i].r->year < lo ? b[i].r->year : lo;
        hi = b[i].r->year > hi ? b[i].r->year : hi;
    }
    *mixed = lo != hi;
    rp_years(lo, hi, buf, size);
}

static cm_rsheet *chart_sheet(cm_report *r, size_t ncols, int *number)
{
    char name[32];
    snprintf(name, sizeof name, "Chart %d", *number + 1);
    cm_rsheet *s = rp_sheet(r, CM_RSHEET_CHART, name);
    if (!s)
        return NULL;
    if (!rp_list(r, s, ncols) || !rp_columns(r, s, ncols))
        return NULL;
    ++*number;
    return s;
}

/* Foreign-born share by city (or area), or the urban share of countries. */
static void shares(cm_report *r, bar *b, int *number, const char *id, bool urban)
{
    const rctx *x = &r->priv->x;
    int ind = cm_indicator_find(id);
    size_t n = latest(x, ind, urban ? is_country : is_city, b);
    bool cities = !urban && n > 0;
    if (!n && !urban)
        n = latest(x, ind, below_top, b);
    if (!n)
        return;
    qsort(b, n, sizeof *b, by_key_desc);
    size_t shown = n > BARS_MAX ? BARS_MAX : n;
    bool published = false, computed = false;
    for (size_t i = 0; i < shown; i++) {
        published |= b[i].r->flag == CM_FLAG_PUBLISHED;
        computed |= b[i].r->flag != CM_FLAG_PUBLISHED;
    }
    /* Cities, or the districts of a city when every bar shown is one. */
    bool districts = cities;
    for (size_t i = 0; i < shown; i++)
        districts &= rp_level(x, b[i].r->area, b[i].r->year) == CM_LEVEL_DISTRICT;
    size_t nseries = (size_t)published + (size_t)computed;
    cm_rsheet *s = chart_sheet(r, 1 + nseries, number);
    if (!s)
        return;
    rlist *l = s->cursor;
    char years[40];
    bool mixed;
    span(b, shown, years, sizeof years, &mixed);
    const char *what = urban       ? "Urban share of residents, by country"
                       : districts ? "Foreign-born share of residents, by district"
                       : cities    ? "Foreign-born share of residents, by city"
                                   : "Foreign-born share of residents, by area";
    s->title = rp_printf(r, "%s (%%), %s", what, years);
    s->cols[0].label = urban ? "Country" : districts ? "District" : cities ? "City" : "Area";
    s->cols[0].id = "name";
    s->cols[0].width = 28;
    size_t col = 1;
    if (published) {
        s->cols[col].label = "Published figure (%)";
        s->cols[col].id = rp_printf(r, "%s_published", id);
        s->cols[col].style = CM_RSTYLE_VALUE;
        col++;
    }
    if (computed) {
        s->cols[col].label = "Computed from the data (%)";
        s->cols[col].id = id;
        s->cols[col].style = CM_RSTYLE_VALUE;
    }
    for (size_t i = 0; i < shown; i++) {
        cm_rcell *row = rp_row(r, l);
        if (!row)
            return;
        const char *name = rp_area_name(x, b[i].r->area);
        rp_text(&row[0], CM_RSTYLE_PLAIN,
                mixed ? rp_printf(r, "%s (%d)", name, (int)b[i].r->year) : name);
        size_t c = published && b[i].r->flag != CM_FLAG_PUBLISHED ? 2 : 1;
        rp_value(&row[c], b[i].r);
    }
    char more[320] = "";
    if (n > shown)
        snprintf(more, sizeof more, " The %zu largest of %zu are shown; the Areas sheet has all.",
                 shown, n);
    bool differs = false;
    for (size_t k = 0; k < x->ds->nnotes && !differs; k++) {
        const char *a = x->ds->notes[k].area;
        uint32_t note_area = cm_strpool_find(x->ds->pool, a, strlen(a));
        for (size_t i = 0; i < shown && note_area; i++)
            differs |= b[i].r->area == note_area;
    }
    if (differs)
        strncat(more, " For some, the definition differs: see the Notes sheet.",
                sizeof more - strlen(more) - 1);
    s->about = rp_printf(r, "Note: the latest year with a value for each %s%s.%s%s",
                         urban    ? "country"
                         : cities ? "city"
                                  : "area",
                         mixed ? ", given beside its name" : "", more,
                         published && computed
                             ? " Published figures and figures computed from the data are "
                               "shown in two colours."
                         : published ? " Every figure is the publisher's own."
                                     : "");
    const cm_table_id t[] = {CM_TABLE_AREAS};
    s->source = rp_source_line(r, t, 1);
    s->contents = rp_printf(r, "Chart: %s", what);
    s->nkeys = 1;
    s->nrows = l->n;
    s->chart = (cm_rchart){CM_RCHART_BAR, nseries, l->n, CM_UNIT_PERCENT,
                           urban ? "Percent of residents in urban areas"
                                 : "Percent of residents born abroad"};
}

/* Net migration by area, internal and international either side of zero. */
static void net_migration(cm_report *r, bar *b, int *number)
{
    const rctx *x = &r->priv->x;
    const cm_results *res = x->res;
    int net = cm_indicator_find("net");
    int32_t year = 0;
    for (size_t i = 0; i < res->count; i++)
        if (res->items[i].indicator == net && rp_has_value(&res->items[i]) && res->items[i].area &&
            res->items[i].year > year)
            year = res->items[i].year;
    if (!year)
        return;
    size_t n = 0;
    bool internal = false, international = false;
    for (size_t i = 0; i < res->count; i++) {
        const cm_result *c = &res->items[i];
        if (c->indicator != net || c->year != year || !c->area || !rp_has_value(c) ||
            (c->kind != CM_KIND_INTERNAL && c->kind != CM_KIND_INTERNATIONAL))
            continue;
        if (n && b[n - 1].r->area == c->area) {
            b[n - 1].r2 = c->kind == CM_KIND_INTERNATIONAL ? c : b[n - 1].r2;
            if (c->kind == CM_KIND_INTERNAL)
                b[n - 1].r = c;
        } else {
            b[n++] = (bar){c, c->kind == CM_KIND_INTERNATIONAL ? c : NULL, 0};
        }
        internal |= c->kind == CM_KIND_INTERNAL;
        international |= c->kind == CM_KIND_INTERNATIONAL;
    }
    if (!n)
        return;
    /* Rank by the size of the whole change, show the largest, then order
       from the largest gain to the largest loss. */
    for (size_t i = 0; i < n; i++) {
        double v = b[i].r->kind == CM_KIND_INTERNAL ? b[i].r->value : 0;
        v += b[i].r2 ? b[i].r2->value : 0;
        b[i].key = fabs(v);
    }
    qsort(b, n, sizeof *b, by_key_desc);
    size_t shown = n > BARS_MAX ? BARS_MAX : n;
    for (size_t i = 0; i < shown; i++) {
        double v = b[i].r->kind == CM_KIND_INTERNAL ? b[i].r->value : 0;
        b[i].key = v + (b[i].r2 ? b[i].r2->value : 0);
    }
    qsort(b, shown, sizeof *b, by_key_desc);
    size_t nseries = (size_t)internal + (size_t)international;
    cm_rsheet *s = chart_sheet(r, 1 + nseries, number);
    if (!s)
        return;
    rlist *l = s->cursor;
    char when[40];
    rp_flow_period(x, year, when, sizeof when);
    s->title = rp_printf(r, "Net migration, by area (people), %s", when);
    s->cols[0].label = "Area";
    s->cols[0].id = "name";
    s->cols[0].width = 28;
    size_t col = 1;
    if (internal) {
        s->cols[col].label = "Net internal migration (people)";
        s->cols[col].id = "net_internal";
        s->cols[col++].style = CM_RSTYLE_VALUE;
    }
    if (international) {
        s->cols[col].label = "Net international migration (people)";
        s->cols[col].id = "net_international";
        s->cols[col].style = CM_RSTYLE_VALUE;
    }
    for (size_t i = 0; i < shown; i++) {
        cm_rcell *row = rp_row(r, l);
        if (!row)
            return;
        rp_text(&row[0], CM_RSTYLE_PLAIN, rp_area_name(x, b[i].r->area));
        if (b[i].r->kind == CM_KIND_INTERNAL)
            rp_value(&row[1], b[i].r);
        if (b[i].r2)
            rp_value(&row[internal ? 2 : 1], b[i].r2);
    }
    char more[200] = "";
    if (n > shown)
        snprintf(more, sizeof more,
                 " The %zu areas with the largest change are shown, and %zu more are on the "
                 "Flows sheet.",
                 shown, n - shown);
    s->about = rp_printf(r,
                         "Note: arrivals minus departures, %s; a bar to the right is a gain, "
                         "to the left a loss.%s",
                         when, more);
    const cm_table_id t[] = {CM_TABLE_FLOWS};
    s->source = rp_source_line(r, t, 1);
    s->contents = rp_strdup(r, "Chart: net migration by area, gains and losses");
    s->nkeys = 1;
    s->nrows = l->n;
    s->chart =
        (cm_rchart){CM_RCHART_DIVERGING, nseries, l->n, CM_UNIT_COUNT, "Net migration (people)"};
}

/* The access gaps, largest shortfall first. */
static void gaps(cm_report *r, bar *b, int *number)
{
    const rctx *x = &r->priv->x;
    int gap = cm_indicator_find("gap_pp");
    size_t n = latest(x, gap, any, b);
    if (!n)
        return;
    for (size_t i = 0; i < n; i++)
        b[i].key = -b[i].r->value;
    qsort(b, n, sizeof *b, by_key_desc);
    size_t shown = n > BARS_MAX ? BARS_MAX : n;
    cm_rsheet *s = chart_sheet(r, 2, number);
    if (!s)
        return;
    rlist *l = s->cursor;
    char years[40];
    bool mixed;
    span(b, shown, years, sizeof years, &mixed);
    s->title = rp_printf(r, "Access gap, migrants minus natives (percentage points), %s", years);
    s->cols[0].label = "Area and service";
    s->cols[0].id = "name";
    s->cols[0].width = 40;
    s->cols[1].label = "Gap (percentage points)";
    s->cols[1].id = "gap_pp";
    s->cols[1].style = CM_RSTYLE_VALUE;
    for (size_t i = 0; i < shown; i++) {
        cm_rcell *row = rp_row(r, l);
        if (!row)
            return;
        const char *name = rp_area_name(x, b[i].r->area);
        const char *service = rp_str(x, b[i].r->service);
        rp_text(&row[0], CM_RSTYLE_PLAIN,
                mixed ? rp_printf(r, "%s: %s (%d)", name, service, (int)b[i].r->year)
                      : rp_printf(r, "%s: %s", name, service));
        rp_value(&row[1], b[i].r);
    }
    char more[200] = "";
    if (n > shown)
        snprintf(more, sizeof more,
                 " The %zu largest shortfalls are shown; %zu more are on the Services sheet.",
                 shown, n - shown);
    s->about = rp_printf(r,
                         "Note: the latest year for each area and service; a bar to the left "
                         "means migrants have less access than natives.%s",
                         more);
    const cm_table_id t[] = {CM_TABLE_SERVICES};
    s->source = rp_source_line(r, t, 1);
    s->contents = rp_strdup(r, "Chart: the gaps in access to services, largest shortfall first");
    s->nkeys = 1;
    s->nrows = l->n;
    s->chart = (cm_rchart){CM_RCHART_DIVERGING, 1, l->n, CM_UNIT_PP, "Percentage points"};
}

void rp_charts(cm_report *r)
{
    const cm_results *res = r->priv->x.res;
    bar *b = malloc((res->count + 1) * sizeof *b);
    if (!b) {
        rp_nomem(r);
        return;
    }
    int number = 0;
    shares(r, b, &number, "fb_share", false);
    int fb_charts = number;
    net_migration(r, b, &number);
    gaps(r, b, &number);
    /* Countries' urban share, when no chart of cities or areas was made. */
    if (!fb_charts)
        shares(r, b, &number, "urban_share", true);
    free(b);
}
