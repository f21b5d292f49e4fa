/*
 * report.c - the report model: its text, its sheets and rows, what its
 * parts share, and the building of the whole in the order of the workbook.
 */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citymig/value.h"

/* ---- text owned by the report --------------------------------------------- */

void rp_nomem(cm_report *r)
{
    if (r->priv->status == CM_OK)
        r->priv->status = CM_ERR_NOMEM;
}

static char *rp_alloc(cm_report *r, size_t n)
{
    rblock *b = r->priv->text;
    if (!b || b->size - b->used < n) {
        size_t size = n > 16384 ? n : 16384;
        rblock *nb = malloc(sizeof *nb + size);
        if (!nb) {
            rp_nomem(r);
            return NULL;
        }
        nb->next = b;
        nb->used = 0;
        nb->size = size;
        r->priv->text = b = nb;
    }
    char *p = b->data + b->used;
    b->used += n;
    return p;
}

char *rp_strdup(cm_report *r, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = rp_alloc(r, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

char *rp_printf(cm_report *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = rp_alloc(r, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

/* ---- sheets and rows ---------------------------------------------------------- */

cm_rsheet *rp_sheet(cm_report *r, cm_rsheet_kind kind, const char *name)
{
    cm_report_private *p = r->priv;
    if (r->nsheets == p->sheets_cap) {
        size_t cap = p->sheets_cap ? 2 * p->sheets_cap : 16;
        cm_rsheet *s = realloc(r->sheets, cap * sizeof *s);
        if (!s) {
            rp_nomem(r);
            return NULL;
        }
        r->sheets = s;
        p->sheets_cap = cap;
    }
    cm_rsheet *s = &r->sheets[r->nsheets++];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    snprintf(s->name, sizeof s->name, "%s", name);
    return s;
}

rlist *rp_list(cm_report *r, cm_rsheet *s, size_t ncols)
{
    rlist *l = (rlist *)rp_alloc(r, sizeof *l + 8);
    if (!l)
        return NULL;
    /* Aligned: the arena hands out bytes. */
    l = (rlist *)(((uintptr_t)l + 7) & ~(uintptr_t)7);
    memset(l, 0, sizeof *l);
    l->ncols = ncols;
    s->ncols = ncols;
    s->rows = rp_list_rows;
    s->cursor = l;
    return l;
}

/* Lists keep their cells in the heap; the report frees them with its sheets. */
cm_rcell *rp_row(cm_report *r, rlist *l)
{
    if (!l)
        return NULL;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        cm_rcell *c = realloc(l->cells, cap * l->ncols * sizeof *c);
        if (!c) {
            rp_nomem(r);
            return NULL;
        }
        l->cells = c;
        l->cap = cap;
    }
    cm_rcell *row = &l->cells[l->n++ * l->ncols];
    memset(row, 0, l->ncols * sizeof *row);
    for (size_t i = 0; i < l->ncols; i++)
        row[i].decimals = -1;
    return row;
}

bool rp_list_rows(cm_rsheet *sheet, void *cursor, cm_rcell *cells)
{
    rlist *l = cursor;
    if (l->next >= l->n)
        return false;
    memcpy(cells, &l->cells[l->next++ * l->ncols], sheet->ncols * sizeof *cells);
    return true;
}

cm_rcolumn *rp_columns(cm_report *r, cm_rsheet *s, size_t ncols)
{
    cm_rcolumn *c = (cm_rcolumn *)rp_alloc(r, (ncols + 1) * sizeof *c + 8);
    if (!c)
        return NULL;
    c = (cm_rcolumn *)(((uintptr_t)c + 7) & ~(uintptr_t)7);
    memset(c, 0, ncols * sizeof *c);
    s->cols = c;
    s->ncols = ncols;
    return c;
}

void rp_compact(cm_rsheet *s, rlist *l)
{
    size_t keep[256], nkeep = 0, keys = 0;
    for (size_t c = 0; c < l->ncols && c < 256; c++) {
        bool any = false;
        for (size_t i = 0; i < l->n && !any; i++)
            any = l->cells[i * l->ncols + c].kind != CM_RCELL_BLANK;
        if (any) {
            keys += c < s->nkeys;
            keep[nkeep++] = c;
        }
    }
    /* Moving forward in the array: each cell's new place is at or before
       its old one. */
    for (size_t i = 0; i < l->n; i++)
        for (size_t k = 0; k < nkeep; k++)
            l->cells[i * nkeep + k] = l->cells[i * l->ncols + keep[k]];
    if (s->cols)
        for (size_t k = 0; k < nkeep; k++)
            s->cols[k] = s->cols[keep[k]];
    l->ncols = nkeep;
    s->ncols = nkeep;
    s->nkeys = keys;
}

void rp_text(cm_rcell *c, cm_rstyle style, const char *text)
{
    if (!c)
        return;
    c->kind = text && *text ? CM_RCELL_TEXT : CM_RCELL_BLANK;
    c->style = (uint8_t)style;
    c->text = text;
}

void rp_num(cm_rcell *c, cm_unit unit, double v, int decimals)
{
    if (!c || !isfinite(v))
        return;
    c->kind = CM_RCELL_NUMBER;
    c->style = CM_RSTYLE_VALUE;
    c->unit = (uint8_t)unit;
    c->num = unit == CM_UNIT_PERCENT || unit == CM_UNIT_PERCENT_PER_YEAR ? v / 100 : v;
    c->decimals = (int8_t)decimals;
}

void rp_year(cm_rcell *c, int32_t year)
{
    if (!c)
        return;
    c->kind = CM_RCELL_NUMBER;
    c->style = CM_RSTYLE_YEAR;
    c->num = year;
}

void rp_value(cm_rcell *c, const cm_result *res)
{
    if (!rp_has_value(res))
        return;
    int decimals = res->flag == CM_FLAG_PUBLISHED ? rp_decimals_of(res->value) : -1;
    rp_num(c, rp_def(res)->unit, res->value, decimals);
}

/* ---- what the parts share --------------------------------------------------- */

const cm_indicator_def *rp_def(const cm_result *res)
{
    size_t n;
    return &cm_indicator_defs(&n)[res->indicator];
}

bool rp_has_value(const cm_result *res)
{
    return res->flag == CM_FLAG_OK || res->flag == CM_FLAG_PUBLISHED;
}

const char *rp_str(const rctx *x, uint32_t id)
{
    return cm_strpool_str(x->ds->pool, id);
}

const char *rp_area_name(const rctx *x, uint32_t area)
{
    uint32_t name = x->names[area];
    return name ? rp_str(x, name) : rp_str(x, area);
}

int rp_level(const rctx *x, uint32_t area, int32_t year)
{
    size_t row = cm_areas_find(x->ds->areas, area, year);
    if (row == SIZE_MAX)
        return -1;
    return x->ds->areas->cols[CM_AREAS_LEVEL].v.code[row];
}

bool rp_finer(const rctx *x, const cm_result *r)
{
    return rp_level(x, r->area, r->year) >= CM_LEVEL_COUNTRY;
}

bool rp_ranked(const rctx *x, const cm_result *r, bool finer)
{
    int level = rp_level(x, r->area, r->year);
    return !finer || level < 0 || level >= CM_LEVEL_COUNTRY;
}

int64_t rp_population(const rctx *x, uint32_t area, int32_t year)
{
    size_t row = cm_areas_find(x->ds->areas, area, year);
    if (row == SIZE_MAX || !x->ds->areas->cols[CM_AREAS_POPULATION].present[row])
        return -1;
    return x->ds->areas->cols[CM_AREAS_POPULATION].v.count[row];
}

bool same_subject(const cm_result *a, const cm_result *b)
{
    return a->area == b->area && a->year == b->year && a->base_year == b->base_year &&
           a->kind == b->kind && a->service == b->service;
}

size_t rp_group_end(const cm_results *res, size_t i)
{
    size_t j = i + 1;
    while (j < res->count && same_subject(&res->items[i], &res->items[j]))
        j++;
    return j;
}

bool rp_group_has(const cm_results *res, size_t from, size_t to, cm_scope scope)
{
    for (size_t i = from; i < to; i++)
        if (rp_def(&res->items[i])->scope == scope)
            return true;
    return false;
}

const char *rp_flag_code(cm_flag flag)
{
    switch (flag) {
    case CM_FLAG_MISSING:
        return "m";
    case CM_FLAG_DIV0:
        return "z";
    case CM_FLAG_SUPPRESSED:
        return "s";
    case CM_FLAG_PUBLISHED:
        return "p";
    case CM_FLAG_INCONSISTENT:
        return "i";
    default:
        return "";
    }
}

const char *rp_flag_meaning(cm_flag flag)
{
    switch (flag) {
    case CM_FLAG_MISSING:
        return "missing: an input the figure needs is not in the data; the cell is empty";
    case CM_FLAG_DIV0:
        return "cannot be computed: its denominator is zero (a division by zero); the cell is "
               "empty";
    case CM_FLAG_SUPPRESSED:
        return "suppressed: it counts fewer people than the disclosure threshold (--min-count), "
               "or would let such a count be worked out; the cell is empty";
    case CM_FLAG_PUBLISHED:
        return "published: the figure is the publisher's own, shown with the precision it was "
               "published with, not computed";
    case CM_FLAG_INCONSISTENT:
        return "inconsistent: an input failed a check across its columns and was kept on "
               "request (--keep-going); the cell is empty";
    default:
        return "computed from the inputs";
    }
}

char *rp_label(cm_report *r, const cm_indicator_def *d)
{
    const char *unit = "";
    switch (d->unit) {
    case CM_UNIT_PERCENT:
        unit = strchr(d->title, '%') ? "" : " (%)";
        break;
    case CM_UNIT_PERCENT_PER_YEAR:
        unit = strstr(d->title, "per year") ? " (%)" : " (% per year)";
        break;
    case CM_UNIT_PER_1000:
        unit = strstr(d->title, "per 1,000") ? "" : " (per 1,000 residents)";
        break;
    case CM_UNIT_PER_1000_PER_YEAR:
        unit = strstr(d->title, "per 1,000") ? "" : " (per 1,000 residents per year)";
        break;
    case CM_UNIT_COUNT:
        unit = strstr(d->title, "Countries") || strstr(d->title, "Moves") ||
                       strstr(d->title, "Services") || strstr(d->title, "Districts") ||
                       strstr(d->title, "Areas")
                   ? ""
                   : " (people)";
        break;
    case CM_UNIT_PP:
        unit = " (percentage points)";
        break;
    case CM_UNIT_INDEX:
        unit = " (index)";
        break;
    default:
        break;
    }
    return rp_printf(r, "%s%s", d->title, unit);
}

int rp_decimals_of(double v)
{
    char buf[40];
    cm_format_double(v, buf, sizeof buf);
    const char *dot = strchr(buf, '.');
    if (!dot || strchr(buf, 'e'))
        return 0;
    size_t n = strlen(dot + 1);
    return n > 6 ? 6 : (int)n;
}

void rp_fmt_count(double v, char *buf, size_t size)
{
    char digits[40];
    snprintf(digits, sizeof digits, "%.0f", fabs(v));
    size_t n = strlen(digits), k = 0;
    char out[64];
    if (v < 0 && llround(v) != 0) {
        memcpy(out, "\xe2\x88\x92", 3); /* U+2212 MINUS SIGN */
        k = 3;
    }
    for (size_t i = 0; i < n && k + 2 < sizeof out; i++) {
        if (i && (n - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = digits[i];
    }
    out[k] = '\0';
    snprintf(buf, size, "%s", out);
}

void rp_fmt_people(double v, char *buf, size_t size)
{
    double a = fabs(v);
    if (a >= 1e9)
        snprintf(buf, size, "%.3g billion", v / 1e9);
    else if (a >= 1e6)
        snprintf(buf, size, "%.3g million", v / 1e6);
    else
        rp_fmt_count(v, buf, size);
}

static void minus_sign(char *buf, size_t size)
{
    size_t n = strlen(buf);
    if (buf[0] != '-' || n + 3 > size)
        return;
    memmove(buf + 3, buf + 1, n);
    memcpy(buf, "\xe2\x88\x92", 3); /* U+2212 MINUS SIGN */
}

void rp_fmt_value(const cm_result *res, char *buf, size_t size)
{
    const cm_indicator_def *d = rp_def(res);
    int dec = res->flag == CM_FLAG_PUBLISHED ? rp_decimals_of(res->value) : 1;
    switch (d->unit) {
    case CM_UNIT_PERCENT:
        snprintf(buf, size, "%.*f%%", dec, res->value);
        break;
    case CM_UNIT_PERCENT_PER_YEAR:
        snprintf(buf, size, "%.2f%% a year", res->value);
        break;
    case CM_UNIT_PP:
        snprintf(buf, size, "%.1f points", res->value);
        break;
    case CM_UNIT_COUNT:
        rp_fmt_count(res->value, buf, size);
        break;
    case CM_UNIT_PER_1000:
    case CM_UNIT_PER_1000_PER_YEAR:
        snprintf(buf, size, "%.1f per 1,000", res->value);
        break;
    case CM_UNIT_INDEX:
        snprintf(buf, size, "%.3f", res->value);
        break;
    case CM_UNIT_YEARS:
        snprintf(buf, size, "%.0f years", res->value);
        break;
    default:
        snprintf(buf, size, "%.2f", res->value);
        break;
    }
    minus_sign(buf, size);
}

void rp_years(int32_t lo, int32_t hi, char *buf, size_t size)
{
    if (lo == hi)
        snprintf(buf, size, "%d", (int)lo);
    else
        snprintf(buf, size, "%d to %d", (int)lo, (int)hi);
}

void rp_lower_first(char *text)
{
    /* "Foreign-born share" reads "foreign-born share"; "GDP" stays. */
    if (text[0] >= 'A' && text[0] <= 'Z' && !(text[1] >= 'A' && text[1] <= 'Z'))
        text[0] = (char)(text[0] + 32);
}

void rp_flow_period(const rctx *x, int32_t year, char *buf, size_t size)
{
    int iv = x->ds->flows ? cm_flows_interval(x->ds->flows, year, CM_KIND_INTERNAL) : 1;
    rp_years(iv > 1 ? year - iv : year, year, buf, size);
}

static const char *cite_text(const cm_citation *c, char *buf, size_t size)
{
    if (c->citation)
        return c->citation;
    if (c->publisher && c->source)
        snprintf(buf, size, "%s, %s", c->publisher, c->source);
    else if (c->publisher || c->source)
        snprintf(buf, size, "%s", c->publisher ? c->publisher : c->source);
    else
        return NULL;
    return buf;
}

char *rp_source_line(cm_report *r, const cm_table_id *tables, size_t ntables)
{
    const cm_dataset *ds = r->priv->x.ds;
    char line[2048] = "";
    size_t used = 0;
    char dbuf[1024];
    const char *d = cite_text(&ds->cite, dbuf, sizeof dbuf);
    for (size_t i = 0; i < ntables; i++) {
        if (!ds->sources[tables[i]].present)
            continue;
        char buf[1024];
        const char *t = cite_text(&ds->table_cite[tables[i]], buf, sizeof buf);
        if (!t)
            t = d;
        if (!t || strstr(line, t))
            continue;
        int n = snprintf(line + used, sizeof line - used, "%s%s", used ? "; " : "", t);
        if (n > 0 && (size_t)n < sizeof line - used)
            used += (size_t)n;
    }
    if (!used && d)
        snprintf(line, sizeof line, "%s", d);
    if (!*line)
        snprintf(line, sizeof line, "the files listed on the Sources sheet");
    size_t n = strlen(line);
    return rp_printf(r, "Source: %s%s Computed with citymig %s.", line,
                     n && line[n - 1] == '.' ? "" : ".", CITYMIG_VERSION);
}

/* ---- the whole ------------------------------------------------------------------ */

static const char *base_name(const char *path, char *buf, size_t size)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    size_t s = n;
    while (s > 0 && path[s - 1] != '/')
        s--;
    snprintf(buf, size, "%.*s", (int)(n - s), path + s);
    return buf;
}

cm_status cm_report_build(const cm_dataset *ds, const cm_results *results, const cm_rules *rules,
                          const cm_hit *hits, size_t nhits, const cm_report_info *info,
                          cm_diag *diag, cm_report **out)
{
    *out = NULL;
    cm_report *r = calloc(1, sizeof *r);
    cm_report_private *p = r ? calloc(1, sizeof *p) : NULL;
    uint32_t *names = calloc(cm_strpool_count(ds->pool) + 1, sizeof *names);
    if (!r || !p || !names) {
        free(r);
        free(p);
        free(names);
        return CM_ERR_NOMEM;
    }
    r->priv = p;
    p->diag = diag;
    p->x = (rctx){ds, results, rules, hits, nhits, info, names};
    /* Display names of the areas: the first name given to each id. */
    const cm_table *t = ds->areas;
    for (size_t row = 0; row < t->nrows; row++)
        if (t->cols[CM_AREAS_NAME].present[row] && !names[t->cols[CM_AREAS_AREA_ID].v.text[row]])
            names[t->cols[CM_AREAS_AREA_ID].v.text[row]] = t->cols[CM_AREAS_NAME].v.text[row];

    /* libxlsxwriter reads a time of 0 as "now": the epoch itself
       (SOURCE_DATE_EPOCH=0) is written one second past it, alike in the
       document properties and on the sheets. */
    r->created = info->created ? info->created : 1;
    r->max_rows = info->max_rows;
    char base[256];
    const char *title = info->title ? info->title
                        : ds->title ? ds->title
                                    : base_name(info->dataset ? info->dataset : "citymig report",
                                                base, sizeof base);
    r->title = rp_strdup(r, title);
    r->footer = r->title;
    r->subject = rp_strdup(r, "Migration and urbanization indicators");

    rp_cover(r);
    size_t contents_at = r->nsheets;
    rp_sheet(r, CM_RSHEET_TEXT, "Contents");
    size_t notes_at = r->nsheets;
    rp_sheet(r, CM_RSHEET_TEXT, "Notes");
    rp_data_tables(r);
    rp_matrix(r);
    rp_flags(r);
    rp_charts(r);
    rp_definitions(r);
    rp_sources(r);
    /* Contents and Notes speak of the sheets made after them. */
    p->contents_at = contents_at;
    p->notes_at = notes_at;
    rp_contents(r);
    rp_notes(r);
    if (p->status != CM_OK) {
        cm_status st = p->status;
        cm_report_free(r);
        return st;
    }
    *out = r;
    return CM_OK;
}

cm_status cm_report_status(const cm_report *report)
{
    return report->priv->status;
}

void cm_report_free(cm_report *r)
{
    if (!r)
        return;
    rp_sources_free(r);
    for (size_t i = 0; i < r->nsheets; i++) {
        cm_rsheet *s = &r->sheets[i];
        if (s->cursor_free)
            s->cursor_free(s->cursor);
        else if (s->rows == rp_list_rows && s->cursor)
            free(((rlist *)s->cursor)->cells);
    }
    free(r->sheets);
    for (rblock *b = r->priv->text; b;) {
        rblock *next = b->next;
        free(b);
        b = next;
    }
    free((void *)r->priv->x.names);
    free(r->priv);
    free(r);
}
