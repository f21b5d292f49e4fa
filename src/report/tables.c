/*
 * tables.c - the data tables: Areas, Segregation, Across areas, Flows,
 * Ages, Diversity, Services and Partners.
 *
 * A table's rows are walked from the sorted results as they are written
 * (never copied): a row is one subject (an area and year; an area, year
 * and kind; ...). Each row is first filled in full, every column the
 * table could have; a first walk counts which columns hold anything, and
 * only those are shown: an indicator with no value in any row is left out
 * (and named on the Notes sheet with its reason), a flag column is shown
 * only where some value beside it is not plainly ok.
 */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citymig/table.h"
#include "citymig/utf8.h"

enum {
    T_AREAS,
    T_SEGREGATION,
    T_PARTS,
    T_FLOWS,
    T_AGES,
    T_DIVERSITY,
    T_SERVICES,
    T_PARTNERS,
    T_COUNT
};

enum { COL_KEY, COL_VALUE, COL_FLAG };

enum { KEY_WIDTH_MAX = 40 }; /* the widest a key column is laid out, in characters */

typedef enum key {
    K_AREA_ID,
    K_NAME,
    K_YEAR,
    K_LEVEL,
    K_PARENT,
    K_BASE_YEAR,
    K_POPULATION,
    K_KIND,
    K_ORIGIN,
    K_SERVICE,
    K_PARTNER,
    K_AGE
} key;

typedef struct fullcol {
    int what; /* COL_KEY, COL_VALUE, COL_FLAG */
    int key;  /* COL_KEY: which */
    int ind;  /* COL_VALUE, COL_FLAG: the registry index */
} fullcol;

typedef struct table_def {
    const char *name;
    cm_scope scopes[2];
    key keys[7];
    size_t nkeys;     /* key columns */
    size_t frozen;    /* of them, frozen and repeated in print */
    const char *what; /* the title's words */
    const char *row;  /* what a row is */
    cm_table_id tables[3];
    size_t ntables;
    const char *contents;
} table_def;

/* A table's words: its title's, what a row is, its line on Contents. */
typedef struct table_words {
    const char *what, *row, *contents;
} table_words;

/*
 * A table keyed by kind of move whose rows may have none (the ages of the
 * stocks beside those of the flows): its words when no row has a kind, and
 * when some have; otherwise its table_def's.
 */
static const struct {
    int which;
    table_words no_kind, some_kind;
} kind_words[] = {
    {T_AGES,
     {"The foreign-born by age group, by area and year",
      "One row per area, year and age group as the stocks give them; the shares of an area's age "
      "groups sum to 100. The foreign-born shares are over the residents of the same ages, where "
      "the areas give them.",
      "The foreign-born by age group: each group's share of them, and their share of its "
      "residents, one row per area, year and age group"},
     {"Migrants and the foreign-born by age group, by area, year and kind of move",
      "One row per area, year, kind of move and age group as the flows give them, and per area, "
      "year and age group as the stocks give them (the foreign-born, without a kind of move); "
      "the shares of an area's age groups sum to 100. The rates and the foreign-born shares are "
      "over the residents of the same ages, where the areas give them.",
      "Arrivals, departures and the foreign-born by age group: each group's share and rate, one "
      "row per area, year, kind of move and age group"}},
};

static const table_def tdefs[T_COUNT] = {
    {"Areas",
     {CM_SCOPE_AREA, CM_SCOPE_GROWTH},
     {K_AREA_ID, K_NAME, K_YEAR, K_LEVEL, K_PARENT, K_BASE_YEAR, K_POPULATION},
     7,
     3,
     "Population, migrants, urbanization and growth, by area and year",
     "One row per area and year; growth is measured from the year given as \"Growth since\".",
     {CM_TABLE_AREAS},
     1,
     "Population, foreign-born and internal migrants, urban share and growth, one row per area "
     "and year"},
    {"Segregation",
     {CM_SCOPE_SEGREGATION, CM_SCOPE_SEGREGATION},
     {K_AREA_ID, K_NAME, K_YEAR},
     3,
     3,
     "Residential segregation of the foreign-born and natives across each city's districts, by "
     "city and year",
     "One row per city and year, over the districts that name it as their parent. Dissimilarity "
     "and Theil's H run from 0 (both groups spread alike over the districts) to 1 (no district "
     "holds both).",
     {CM_TABLE_AREAS},
     1,
     "How unevenly the foreign-born and natives are spread over each city's districts"},
    {"Across areas",
     {CM_SCOPE_PARTS, CM_SCOPE_PARTS},
     {K_AREA_ID, K_NAME, K_YEAR},
     3,
     3,
     "Where the foreign-born live within each area, over the areas it contains, by area and year",
     "One row per area and year, over the areas that name it as their parent; its top 5 are "
     "the five with the most foreign-born. Above 100%, they hold more than it does.",
     {CM_TABLE_AREAS},
     1,
     "How much of each area's foreign-born live in its leading areas, and its counts against "
     "theirs"},
    {"Flows",
     {CM_SCOPE_FLOW, CM_SCOPE_SYSTEM},
     {K_AREA_ID, K_NAME, K_YEAR, K_KIND},
     4,
     4,
     "Migration flows, by area, year and kind of move",
     "One row per area, year and kind of move (internal, international, all); the rows without an "
     "area code are the system of zones as a whole.",
     {CM_TABLE_FLOWS, CM_TABLE_AREAS},
     2,
     "Arrivals, departures, net migration and rates, one row per area, year and kind of move"},
    {"Ages",
     {CM_SCOPE_AGE, CM_SCOPE_AGE},
     {K_AREA_ID, K_NAME, K_YEAR, K_KIND, K_AGE},
     5,
     5,
     "Migrants by age group, by area, year and kind of move",
     "One row per area, year, kind of move and age group as the flows give them; the shares of "
     "an area's age groups sum to 100. The rates are over the residents of the same ages, where "
     "the areas give them.",
     {CM_TABLE_FLOWS, CM_TABLE_STOCKS, CM_TABLE_AREAS},
     3,
     "Arrivals and departures by age group: each group's share and rate, one row per area, "
     "year, kind of move and age group"},
    {"Diversity",
     {CM_SCOPE_DIVERSITY, CM_SCOPE_DIVERSITY},
     {K_AREA_ID, K_NAME, K_YEAR, K_ORIGIN},
     4,
     3,
     "Diversity of the foreign-born by country of birth, by area and year",
     "One row per area and year. Fractionalisation and the effective number of groups count the "
     "natives as one group beside each country of birth; the other indices are over the "
     "foreign-born alone.",
     {CM_TABLE_STOCKS},
     1,
     "How many countries of birth, and how evenly spread, one row per area and year"},
    {"Services",
     {CM_SCOPE_SERVICE, CM_SCOPE_COVERAGE},
     {K_AREA_ID, K_NAME, K_YEAR, K_SERVICE},
     4,
     4,
     "Access to services, migrants and natives, by area, year and service",
     "One row per area, year and service; a negative gap means migrants have less access than "
     "natives.",
     {CM_TABLE_SERVICES},
     1,
     "Migrants' and natives' access to each service, the gap and its 95% interval"},
    {"Partners",
     {CM_SCOPE_PARTNER, CM_SCOPE_PARTNER},
     {K_AREA_ID, K_NAME, K_YEAR, K_KIND, K_PARTNER},
     5,
     5,
     "Who each area exchanges with: top origins and destinations and net exchange, by area, "
     "year, kind of move and partner",
     "One row per area, year, kind of move and partner: the shares of the area's arrivals from "
     "its top origins and of its departures to its top destinations, and its net exchange "
     "(arrivals "
     "from the partner less departures to it) with every partner.",
     {CM_TABLE_FLOWS},
     1,
     "Top origins and destinations with their shares, and net exchange with each partner"},
};

static const char *const key_label[] = {[K_AREA_ID] = "Area code",
                                        [K_NAME] = "Area",
                                        [K_YEAR] = "Year",
                                        [K_LEVEL] = "Level",
                                        [K_PARENT] = "Part of",
                                        [K_BASE_YEAR] = "Growth since",
                                        [K_POPULATION] = "Population",
                                        [K_KIND] = "Kind of move",
                                        [K_ORIGIN] = "Largest country of birth",
                                        [K_SERVICE] = "Service",
                                        [K_PARTNER] = "Partner",
                                        [K_AGE] = "Age group"};
static const char *const key_id[] = {
    [K_AREA_ID] = "area_id",       [K_NAME] = "name",        [K_YEAR] = "year",
    [K_LEVEL] = "level",           [K_PARENT] = "parent_id", [K_BASE_YEAR] = "base_year",
    [K_POPULATION] = "population", [K_KIND] = "kind",        [K_ORIGIN] = "top_origin",
    [K_SERVICE] = "service",       [K_PARTNER] = "partner",  [K_AGE] = "age"};

typedef struct dcursor {
    cm_report *r;
    const rctx *x;
    const table_def *t;
    int which;
    size_t i;
    size_t cov_from, cov_to; /* services: the coverage of the current area-year */
    /* partners: the runs of each indicator's partners in the current
       group (by partner), and where each has got to */
    size_t p_head[8], p_end[8];
    size_t p_runs;
    size_t nfull;
    fullcol *full;
    cm_rcell *row;      /* the full row */
    int value_col[128]; /* registry index -> full column of its value, -1 */
    size_t *vis;        /* shown columns -> full column */
    size_t nvis;
    bool planning; /* the first walk */
} dcursor;

static bool in_table(const table_def *t, cm_scope scope)
{
    return t->scopes[0] == scope || t->scopes[1] == scope;
}

static void dcursor_free(void *p)
{
    dcursor *d = p;
    if (!d)
        return;
    free(d->full);
    free(d->row);
    free(d->vis);
    free(d);
}

/* Keeps, while planning, up to WHY_MAX distinct reasons per indicator for
   the Notes sheet. */
static void note_reason(dcursor *d, int ind, const cm_result *r)
{
    cm_report_private *p = d->r->priv;
    const char *why = rp_str(d->x, r->reason);
    if (!*why || ind >= 128)
        return;
    for (size_t k = 0; k < p->nwhy[ind]; k++)
        if (p->why_flag[ind][k] == r->flag && strcmp(p->why[ind][k], why) == 0)
            return;
    if (p->nwhy[ind] == WHY_MAX) {
        p->more_why[ind]++;
        return;
    }
    p->why_flag[ind][p->nwhy[ind]] = r->flag;
    p->why[ind][p->nwhy[ind]++] = rp_strdup(d->r, why);
}

static void put_results(dcursor *d, size_t from, size_t to)
{
    const cm_results *res = d->x->res;
    for (size_t k = from; k < to; k++) {
        const cm_result *r = &res->items[k];
        if (r->indicator >= 128 || d->value_col[r->indicator] < 0)
            continue;
        size_t c = (size_t)d->value_col[r->indicator];
        rp_value(&d->row[c], r);
        const char *code = rp_flag_code((cm_flag)r->flag);
        if (!*code)
            continue;
        /* The code alone, as statistical tables mark cells; the reasons
           are on the Notes sheet (and in the long table, row by row). */
        rp_text(&d->row[c + 1], CM_RSTYLE_FLAG, code);
        if (d->planning && r->flag != CM_FLAG_PUBLISHED)
            note_reason(d, r->indicator, r);
    }
}

/* How many characters a key's value takes: its text's, or its number's
   with the thousands separators a count is shown with. */
static double cell_chars(const cm_rcell *cell)
{
    if (cell->kind == CM_RCELL_TEXT && cell->text)
        return (double)cm_utf8_length(cell->text, strlen(cell->text));
    if (cell->kind == CM_RCELL_NUMBER) {
        double digits = cell->num >= 1 ? floor(log10(fabs(cell->num))) + 1 : 1;
        return cell->style == CM_RSTYLE_YEAR ? digits : digits + floor((digits - 1) / 3);
    }
    return 0;
}

/* A key column's width: its widest value or its label, whichever is
   wider, with a margin, at most KEY_WIDTH_MAX characters. */
static double key_col_width(const cm_rcolumn *col, double widest)
{
    double label = col->label ? (double)cm_utf8_length(col->label, strlen(col->label)) : 0;
    double w = (widest > label ? widest : label) + 2;
    return w > KEY_WIDTH_MAX ? KEY_WIDTH_MAX : w;
}

static void put_keys(dcursor *d, const cm_result *first, size_t growth_from, size_t growth_to)
{
    const rctx *x = d->x;
    const cm_table *areas = x->ds->areas;
    size_t arow = first->area ? cm_areas_find(areas, first->area, first->year) : SIZE_MAX;
    for (size_t c = 0; c < d->t->nkeys; c++) {
        cm_rcell *cell = &d->row[c];
        switch (d->t->keys[c]) {
        case K_AREA_ID:
            rp_text(cell, CM_RSTYLE_PLAIN, first->area ? rp_str(x, first->area) : "");
            break;
        case K_NAME:
            rp_text(cell, CM_RSTYLE_PLAIN,
                    first->area ? rp_area_name(x, first->area) : "The system of zones");
            break;
        case K_YEAR:
            rp_year(cell, first->year);
            break;
        case K_LEVEL:
            if (arow != SIZE_MAX)
                rp_text(cell, CM_RSTYLE_PLAIN,
                        cm_enum_name(&cm_level_enum, areas->cols[CM_AREAS_LEVEL].v.code[arow]));
            break;
        case K_PARENT:
            if (arow != SIZE_MAX)
                rp_text(cell, CM_RSTYLE_PLAIN,
                        rp_str(x, areas->cols[CM_AREAS_PARENT_ID].v.text[arow]));
            break;
        case K_BASE_YEAR:
            if (growth_from < growth_to)
                rp_year(cell, x->res->items[growth_from].base_year);
            break;
        case K_POPULATION:
            if (arow != SIZE_MAX && areas->cols[CM_AREAS_POPULATION].present[arow])
                rp_num(cell, CM_UNIT_COUNT, (double)areas->cols[CM_AREAS_POPULATION].v.count[arow],
                       -1);
            break;
        case K_KIND:
            rp_text(cell, CM_RSTYLE_PLAIN, cm_kind_str(first->kind));
            break;
        case K_SERVICE:
        case K_AGE:
            rp_text(cell, CM_RSTYLE_PLAIN, rp_str(x, first->service));
            break;
        case K_ORIGIN:
            break; /* from the results: the origin of top_origin_share */
        case K_PARTNER:
            rp_text(cell, CM_RSTYLE_PLAIN, rp_str(x, first->origin));
            break;
        }
    }
}

/* The row of the next partner of the current group (the smallest id among
   the runs' heads, every indicator of it), or false when none is left. */
static bool partner_row(dcursor *d)
{
    const cm_results *res = d->x->res;
    size_t best = SIZE_MAX;
    for (size_t k = 0; k < d->p_runs; k++) {
        if (d->p_head[k] == d->p_end[k])
            continue;
        if (best == SIZE_MAX || strcmp(rp_str(d->x, res->items[d->p_head[k]].origin),
                                       rp_str(d->x, res->items[d->p_head[best]].origin)) < 0)
            best = k;
    }
    if (best == SIZE_MAX) {
        d->p_runs = 0;
        return false;
    }
    uint32_t who = res->items[d->p_head[best]].origin;
    put_keys(d, &res->items[d->p_head[best]], 0, 0);
    for (size_t k = 0; k < d->p_runs; k++) {
        if (d->p_head[k] < d->p_end[k] && res->items[d->p_head[k]].origin == who) {
            put_results(d, d->p_head[k], d->p_head[k] + 1);
            d->p_head[k]++;
        }
    }
    return true;
}

/* Fills the next full row; false at the end. */
static bool next_full(dcursor *d)
{
    const cm_results *res = d->x->res;
    for (size_t c = 0; c < d->nfull; c++) {
        memset(&d->row[c], 0, sizeof d->row[c]);
        d->row[c].decimals = -1;
    }
    if (d->p_runs && partner_row(d))
        return true;
    while (d->i < res->count) {
        size_t i = d->i, j = rp_group_end(res, i);
        const cm_result *first = &res->items[i];
        d->i = j;
        switch (d->which) {
        case T_AREAS: {
            if (!rp_group_has(res, i, j, CM_SCOPE_AREA))
                continue;
            /* The growth of an area-year sorts after its other groups. */
            size_t gf = 0, gt = 0;
            for (size_t k = j; k < res->count; k = rp_group_end(res, k)) {
                const cm_result *g = &res->items[k];
                if (g->area != first->area || g->year != first->year)
                    break;
                if (rp_group_has(res, k, rp_group_end(res, k), CM_SCOPE_GROWTH)) {
                    gf = k;
                    gt = rp_group_end(res, k);
                    break;
                }
            }
            put_keys(d, first, gf, gt);
            put_results(d, i, j);
            put_results(d, gf, gt);
            return true;
        }
        case T_SEGREGATION:
        case T_PARTS:
            if (!rp_group_has(res, i, j, d->t->scopes[0]))
                continue;
            put_keys(d, first, 0, 0);
            put_results(d, i, j);
            return true;
        case T_FLOWS:
            if (first->kind == CM_KIND_NONE || rp_group_has(res, i, j, CM_SCOPE_AGE))
                continue;
            put_keys(d, first, 0, 0);
            put_results(d, i, j);
            return true;
        case T_AGES:
            if (!rp_group_has(res, i, j, CM_SCOPE_AGE))
                continue;
            put_keys(d, first, 0, 0);
            put_results(d, i, j);
            return true;
        case T_DIVERSITY:
            if (!rp_group_has(res, i, j, CM_SCOPE_DIVERSITY))
                continue;
            put_keys(d, first, 0, 0);
            for (size_t k = i; k < j; k++)
                if (rp_def(&res->items[k])->scope == CM_SCOPE_DIVERSITY && res->items[k].origin)
                    rp_text(&d->row[3], CM_RSTYLE_PLAIN, rp_str(d->x, res->items[k].origin));
            put_results(d, i, j);
            return true;
        case T_PARTNERS:
            /* Each indicator's partners are a run of the group, by partner. */
            d->p_runs = 0;
            for (size_t k = i; k < j; k++) {
                const cm_result *r = &res->items[k];
                if (rp_def(r)->scope != CM_SCOPE_PARTNER)
                    continue;
                if (d->p_runs &&
                    res->items[d->p_end[d->p_runs - 1] - 1].indicator == r->indicator &&
                    d->p_end[d->p_runs - 1] == k) {
                    d->p_end[d->p_runs - 1]++;
                } else if (d->p_runs < sizeof d->p_head / sizeof d->p_head[0]) {
                    d->p_head[d->p_runs] = k;
                    d->p_end[d->p_runs++] = k + 1;
                }
            }
            if (partner_row(d))
                return true;
            continue;
        case T_SERVICES:
            if (rp_group_has(res, i, j, CM_SCOPE_COVERAGE)) {
                d->cov_from = i;
                d->cov_to = j;
            }
            /* An age group rides in the service field: not a service. */
            if (!first->service || !rp_group_has(res, i, j, CM_SCOPE_SERVICE))
                continue;
            put_keys(d, first, 0, 0);
            put_results(d, i, j);
            if (d->cov_from < d->cov_to && res->items[d->cov_from].area == first->area &&
                res->items[d->cov_from].year == first->year)
                put_results(d, d->cov_from, d->cov_to);
            return true;
        }
    }
    return false;
}

static bool dcursor_rows(cm_rsheet *sheet, void *cursor, cm_rcell *cells)
{
    dcursor *d = cursor;
    if (!next_full(d))
        return false;
    for (size_t c = 0; c < sheet->ncols; c++)
        cells[c] = d->row[d->vis[c]];
    return true;
}

static void data_table(cm_report *r, int which, int *number)
{
    const table_def *t = &tdefs[which];
    const rctx *x = &r->priv->x;
    size_t ndefs;
    const cm_indicator_def *defs = cm_indicator_defs(&ndefs);
    dcursor *d = calloc(1, sizeof *d);
    if (!d) {
        rp_nomem(r);
        return;
    }
    d->r = r;
    d->x = x;
    d->t = t;
    d->which = which;
    d->full = calloc(t->nkeys + 2 * ndefs, sizeof *d->full);
    d->row = calloc(t->nkeys + 2 * ndefs, sizeof *d->row);
    d->vis = calloc(t->nkeys + 2 * ndefs, sizeof *d->vis);
    uint64_t *filled = calloc(t->nkeys + 2 * ndefs, sizeof *filled);
    if (!d->full || !d->row || !d->vis || !filled) {
        free(filled);
        dcursor_free(d);
        rp_nomem(r);
        return;
    }
    for (size_t k = 0; k < t->nkeys; k++)
        d->full[d->nfull++] = (fullcol){COL_KEY, (int)t->keys[k], -1};
    for (size_t i = 0; i < 128; i++)
        d->value_col[i] = -1;
    for (size_t i = 0; i < ndefs && i < 128; i++) {
        if (!in_table(t, defs[i].scope))
            continue;
        d->value_col[i] = (int)d->nfull;
        d->full[d->nfull++] = (fullcol){COL_VALUE, -1, (int)i};
        d->full[d->nfull++] = (fullcol){COL_FLAG, -1, (int)i};
    }

    /* The first walk: which columns hold anything, the years, and how wide
       the key columns' values are (the workbook's rows stream: a column's
       width is known before its rows are written). */
    double key_width[16] = {0};
    uint64_t rows = 0;
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    const char *first_why[128] = {0};
    bool has_rows[128] = {false};
    d->planning = true;
    while (next_full(d)) {
        rows++;
        for (size_t c = 0; c < d->nfull; c++) {
            if (d->row[c].kind == CM_RCELL_BLANK)
                continue;
            filled[c]++;
            if (d->full[c].what == COL_KEY && c < sizeof key_width / sizeof key_width[0]) {
                double w = cell_chars(&d->row[c]);
                key_width[c] = w > key_width[c] ? w : key_width[c];
            }
            if (d->full[c].what == COL_FLAG) {
                int ind = d->full[c].ind;
                has_rows[ind] = true;
                if (!first_why[ind] && d->row[c - 1].kind == CM_RCELL_BLANK && r->priv->nwhy[ind])
                    first_why[ind] = r->priv->why[ind][0];
            } else if (d->full[c].what == COL_VALUE) {
                has_rows[d->full[c].ind] = true;
            }
        }
        int32_t y = (int32_t)d->row[2].num;
        if (d->row[2].kind == CM_RCELL_NUMBER) {
            lo = y < lo ? y : lo;
            hi = y > hi ? y : hi;
        }
    }
    d->planning = false;
    d->i = 0;
    d->cov_from = d->cov_to = 0;
    d->p_runs = 0;
    if (rows == 0) {
        free(filled);
        dcursor_free(d);
        return;
    }
    cm_rsheet *s = rp_sheet(r, CM_RSHEET_TABLE, t->name);
    if (!s) {
        free(filled);
        dcursor_free(d);
        return;
    }
    size_t frozen = 0;
    for (size_t c = 0; c < d->nfull; c++) {
        const fullcol *f = &d->full[c];
        if (f->what == COL_VALUE && !filled[c]) {
            if (has_rows[f->ind]) {
                r->priv->empty[f->ind] = true;
                r->priv->empty_why[f->ind] = first_why[f->ind];
            }
            continue;
        }
        if (f->what == COL_FLAG && (!filled[c] || !filled[c - 1]))
            continue;
        if (f->what == COL_KEY && !filled[c])
            continue;
        if (f->what == COL_KEY && c < t->frozen)
            frozen++;
        d->vis[d->nvis++] = c;
    }
    cm_rcolumn *cols = rp_columns(r, s, d->nvis);
    if (!cols) {
        free(filled);
        dcursor_free(d);
        return;
    }
    for (size_t v = 0; v < d->nvis; v++) {
        const fullcol *f = &d->full[d->vis[v]];
        cm_rcolumn *col = &cols[v];
        if (f->what == COL_KEY) {
            col->label = key_label[f->key];
            col->id = key_id[f->key];
            col->width = key_col_width(
                col, d->vis[v] < sizeof key_width / sizeof key_width[0] ? key_width[d->vis[v]] : 0);
            col->style = f->key == K_YEAR || f->key == K_BASE_YEAR ? CM_RSTYLE_YEAR
                         : f->key == K_POPULATION                  ? CM_RSTYLE_VALUE
                                                                   : CM_RSTYLE_PLAIN;
        } else if (f->what == COL_VALUE) {
            col->label = rp_label(r, &defs[f->ind]);
            col->id = defs[f->ind].id;
            col->style = CM_RSTYLE_VALUE;
            col->width = 11;
            r->priv->shown_on[f->ind] = rp_strdup(r, s->name);
        } else {
            col->label = "Flag";
            col->id = rp_printf(r, "%s_flag", defs[f->ind].id);
            col->style = CM_RSTYLE_FLAG;
            col->width = 4.5;
            r->priv->flagged[f->ind] = true;
        }
    }
    s->nkeys = frozen;
    s->across = true;
    s->nrows = rows;
    s->rows = dcursor_rows;
    s->cursor = d;
    s->cursor_free = dcursor_free;
    /* The words for the rows there are: with a kind of move, without, or
       both. */
    table_words words = {t->what, t->row, t->contents};
    for (size_t k = 0; k < t->nkeys; k++)
        for (size_t v = 0; v < sizeof kind_words / sizeof kind_words[0]; v++)
            if (t->keys[k] == K_KIND && kind_words[v].which == which && filled[k] < rows)
                words = filled[k] ? kind_words[v].some_kind : kind_words[v].no_kind;
    const char *what = words.what, *row = words.row, *contents = words.contents;
    char span[40];
    rp_years(lo, hi, span, sizeof span);
    s->title = rp_printf(r, "Table %d: %s, %s", ++*number, what, span);
    s->about = rp_printf(r,
                         "%s An empty cell has no value: the flag beside it says why (the codes "
                         "are on the Notes sheet).",
                         row);
    s->source = rp_source_line(r, t->tables, t->ntables);
    s->contents = rp_strdup(r, contents);
    free(filled);
}

void rp_data_tables(cm_report *r)
{
    int number = 0;
    for (int t = 0; t < T_COUNT && r->priv->status == CM_OK; t++)
        data_table(r, t, &number);
    r->priv->tables_numbered = number;
}
