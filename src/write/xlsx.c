/*
 * xlsx.c - the workbook.
 *
 * libxlsxwriter runs in constant-memory mode: each sheet's rows are
 * streamed to a temporary file in row order, so memory does not grow with
 * the report. That fixes the shape of the code: a first pass over the
 * sorted results counts the rows of each sheet (to leave out empty sheets,
 * and to create the parts of a sheet longer than Excel allows in their
 * place in the sheet order) and gathers what the Summary and Charts need;
 * then each sheet is written top to bottom.
 */
#define _GNU_SOURCE /* memmem */
#include "citymig/xlsx.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <expat.h>
#include <unzip.h>
#include <xlsxwriter.h>

#include <csv.h>

#include "citymig/cleanup.h"
#include "citymig/outfile.h"
#include "citymig/cli.h"
#include "citymig/hash.h"
#include "citymig/utf8.h"
#include "citymig/value.h"

enum {
    CELL_MAX = 32767,      /* characters in one cell */
    TOP_CITIES = 10,       /* on the Summary */
    CHART_INFLOW_MAX = 20, /* destinations in the arrivals chart */
    CHART_GAP_MAX = 40,    /* services in the gap chart */
    MESSAGES_MAX = 10000,  /* loading problems listed in Sources */
    WIDTH_MAX = 60         /* widest fitted column, in characters */
};

const char *cm_xlsx_library_version(void)
{
    return lxw_version();
}

/* ---- the book and its sheets --------------------------------------------- */

typedef struct book book;

typedef struct sheet {
    book *b;
    size_t *index; /* each part's worksheet number, from 1 */
    char base[24];
    size_t parts;          /* planned parts; 0: the sheet is left out */
    size_t part;           /* the part being written, from 0 */
    lxw_worksheet **ws;    /* one per part */
    lxw_row_t row;         /* the next row of the current part */
    lxw_row_t header_rows; /* rows frozen at the top of every part */
    lxw_row_t max_rows;    /* rows a part may hold */
    size_t ncols;
    const char **headers; /* repeated at the top of every part; NULL: none */
    double *width;        /* widest content per column, in characters */
    bool table;           /* freeze the header and add an autofilter */
} sheet;

struct book {
    lxw_workbook *wb;
    const cm_dataset *ds;
    const cm_results *res;
    const cm_rules *rules;
    const cm_hit *hits;
    size_t nhits;
    const cm_report_info *info;
    lxw_error err;                     /* the first libxlsxwriter error */
    cm_status status;                  /* the first of our own */
    size_t truncated;                  /* cells cut at 32,767 characters */
    time_t created;                    /* the document's time, as written */
    const uint32_t *names;             /* area id -> name id */
    const struct later_digests *later; /* digests taken while writing */
    lxw_format *title, *header, *bold, *flag, *wrap, *year, *text;
    lxw_format *unit[CM_UNIT_COUNT_];
    lxw_format *severity[CM_RULE_SEVERITY_COUNT];
    /* Cells written to each worksheet, by creation order (sheetN.xml is
       number N): the read-back must find them all. */
    uint64_t *cells;
    size_t nworksheets, cells_cap;
};

static void check(book *b, lxw_error e)
{
    if (e != LXW_NO_ERROR && b->err == LXW_NO_ERROR)
        b->err = e;
}

static void widen(sheet *s, size_t col, size_t chars)
{
    if (col < s->ncols && (double)chars > s->width[col])
        s->width[col] = (double)chars;
}

static lxw_worksheet *ws_of(const sheet *s)
{
    return s->ws[s->part];
}

/* A cell was written to the current part. */
static void count_cell(sheet *s)
{
    size_t n = s->index[s->part];
    if (n < s->b->cells_cap)
        s->b->cells[n]++;
}

/*
 * Text as libxlsxwriter must be given it. libxlsxwriter escapes C0
 * controls in cells and shared strings but not in the text it copies into
 * a chart's caches, and nothing escapes U+FFFE, U+FFFF or a literal
 * "_x0041_": every string is escaped here (cm_ooxml_escape), so that cells,
 * shared strings and the charts' caches (filled from the cells) all get
 * the same well-formed text. Past Excel's limit of 32,767 characters,
 * counted as Excel counts them (UTF-16 units, so a character outside the
 * BMP is two), the text is cut on a character boundary (never inside a
 * surrogate pair or an escape) and ends with "..."; *cut says so. Returns
 * text itself, or a copy in *own to free; NULL when out of memory.
 */
static const char *xml_text(const char *text, bool *cut, char **own)
{
    size_t len = strlen(text);
    *cut = false;
    *own = NULL;
    if (!cm_ooxml_needs_escape(text, len) &&
        (len <= CELL_MAX || cm_utf16_length(text, len) <= CELL_MAX))
        return text;
    /* At most 4 bytes per 2 units, 3 per unit otherwise, 1 per unit of an escape. */
    size_t room = (size_t)CM_OOXML_ESCAPE_GROWTH * len + 1;
    if (room > 3 * (size_t)CELL_MAX + 8)
        room = 3 * (size_t)CELL_MAX + 8;
    char *buf = malloc(room);
    if (!buf)
        return NULL;
    size_t used, n = cm_ooxml_escape(text, len, buf, CELL_MAX, &used);
    if (used < len) {
        n = cm_ooxml_escape(text, len, buf, CELL_MAX - 3, &used);
        memcpy(buf + n, "...", 4);
        *cut = true;
    }
    *own = buf;
    return buf;
}

/* Writes a string cell, escaped and cut as XML and Excel need; counted in
   the column's width unless it is a label (which may run over the cells to
   its right). */
static void write_text(sheet *s, size_t col, const char *text, lxw_format *f, bool widens)
{
    book *b = s->b;
    if (!text || !*text)
        return;
    bool cut;
    char *own;
    const char *t = xml_text(text, &cut, &own);
    if (!t) {
        b->status = CM_ERR_NOMEM;
        return;
    }
    check(b, worksheet_write_string(ws_of(s), s->row, (lxw_col_t)col, t, f));
    count_cell(s);
    /* A cut is counted for the Sources sheet. */
    b->truncated += cut;
    if (widens)
        widen(s, col, cm_utf8_length(t, strlen(t)));
    free(own);
}

static void put_text(sheet *s, size_t col, const char *text, lxw_format *f)
{
    write_text(s, col, text, f, true);
}

/* A title or section heading: written, but not counted in column widths. */
static void put_label(sheet *s, size_t col, const char *text, lxw_format *f)
{
    write_text(s, col, text, f, false);
}

static void put_number(sheet *s, size_t col, double v, lxw_format *f)
{
    if (!isfinite(v))
        return; /* never: results are finite; an empty cell is the safe answer */
    check(s->b, worksheet_write_number(ws_of(s), s->row, (lxw_col_t)col, v, f));
    count_cell(s);
    char buf[40];
    size_t chars = strlen(cm_format_double(v, buf, sizeof buf));
    widen(s, col, chars + chars / 3 + 2); /* room for separators and a unit */
}

static void put_int(sheet *s, size_t col, int64_t v, lxw_format *f)
{
    put_number(s, col, (double)v, f);
}

/* Sizes columns, freezes the header and adds the autofilter of a part. */
static void finish_part(sheet *s)
{
    lxw_worksheet *ws = ws_of(s);
    for (size_t c = 0; c < s->ncols; c++) {
        double w = s->width[c] + 2;
        check(s->b, worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
                                         w > WIDTH_MAX ? WIDTH_MAX : w, NULL));
    }
    if (s->table && s->row > s->header_rows) {
        worksheet_freeze_panes(ws, s->header_rows, 0);
        check(s->b, worksheet_autofilter(ws, s->header_rows - 1, 0, s->row - 1,
                                         (lxw_col_t)(s->ncols - 1)));
    }
}

static void write_header(sheet *s)
{
    if (!s->headers)
        return;
    for (size_t c = 0; c < s->ncols; c++)
        put_text(s, c, s->headers[c], s->b->header);
    s->row++;
    s->header_rows = s->row;
}

/* Moves to a new row; past the last row a part may hold, on to the next. */
static void next_row(sheet *s)
{
    if (s->row < s->max_rows)
        return;
    finish_part(s);
    s->part++;
    s->row = 0;
    write_header(s);
}

static void end_row(sheet *s)
{
    s->row++;
}

/* Plans a sheet of rows data rows (0: left out) and its columns. */
static cm_status plan(book *b, sheet *s, const char *name, size_t rows, size_t ncols,
                      const char **headers, bool table)
{
    memset(s, 0, sizeof *s);
    s->b = b;
    snprintf(s->base, sizeof s->base, "%s", name);
    s->ncols = ncols;
    s->headers = headers;
    s->table = table;
    size_t max =
        b->info->max_rows && b->info->max_rows < LXW_ROW_MAX ? b->info->max_rows : LXW_ROW_MAX;
    s->max_rows = (lxw_row_t)max;
    if (rows == 0)
        return CM_OK;
    size_t per_part = max - (headers ? 1 : 0);
    s->parts = (rows + per_part - 1) / per_part;
    s->ws = calloc(s->parts, sizeof *s->ws);
    s->index = calloc(s->parts, sizeof *s->index);
    s->width = calloc(ncols ? ncols : 1, sizeof *s->width);
    return s->ws && s->index && s->width ? CM_OK : CM_ERR_NOMEM;
}

/* Creates the worksheets of a planned sheet, in workbook order. */
static void create(book *b, sheet *s)
{
    for (size_t p = 0; p < s->parts; p++) {
        /* Sheet names hold at most 31 characters: ours are short. */
        char name[64];
        int len = p == 0 ? snprintf(name, sizeof name, "%s", s->base)
                         : snprintf(name, sizeof name, "%s (%zu)", s->base, p + 1);
        if (len < 0 || len > 31) {
            check(b, LXW_ERROR_SHEETNAME_LENGTH_EXCEEDED);
            return;
        }
        bool cut;
        char *own;
        const char *xname = xml_text(name, &cut, &own);
        s->ws[p] = xname ? workbook_add_worksheet(b->wb, xname) : NULL;
        free(own);
        if (!s->ws[p])
            check(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        s->index[p] = ++b->nworksheets;
    }
}

static void begin(sheet *s)
{
    s->part = 0;
    s->row = 0;
    write_header(s);
}

static void finish(sheet *s)
{
    if (s->parts)
        finish_part(s);
}

static void drop(sheet *s)
{
    free(s->ws);
    free(s->index);
    free(s->width);
    s->ws = NULL;
    s->index = NULL;
    s->width = NULL;
}

/* ---- results, grouped by subject ------------------------------------------ */

static const cm_indicator_def *def_of(const cm_result *r)
{
    size_t n;
    return &cm_indicator_defs(&n)[r->indicator];
}

static bool same_subject(const cm_result *a, const cm_result *b)
{
    return a->area == b->area && a->year == b->year && a->base_year == b->base_year &&
           a->kind == b->kind && a->service == b->service;
}

static size_t group_end(const cm_results *res, size_t i)
{
    size_t j = i + 1;
    while (j < res->count && same_subject(&res->items[i], &res->items[j]))
        j++;
    return j;
}

static bool has_value(const cm_result *r)
{
    return r->flag == CM_FLAG_OK || r->flag == CM_FLAG_PUBLISHED;
}

static const char *str(const book *b, uint32_t id)
{
    return cm_strpool_str(b->ds->pool, id);
}

static const char *area_name(const book *b, uint32_t area)
{
    uint32_t name = b->names[area];
    return name ? str(b, name) : str(b, area);
}

/* The value and flag of a result in two cells. */
static void put_result(sheet *s, size_t col, const cm_result *r)
{
    book *b = s->b;
    if (!r)
        return;
    if (has_value(r))
        put_number(s, col, r->value, b->unit[def_of(r)->unit]);
    char flag[320];
    const char *why = str(b, r->reason);
    if (r->flag == CM_FLAG_OK || r->flag == CM_FLAG_PUBLISHED || !*why)
        snprintf(flag, sizeof flag, "%s", cm_flag_str((cm_flag)r->flag));
    else
        snprintf(flag, sizeof flag, "%s: %s", cm_flag_str((cm_flag)r->flag), why);
    put_text(s, col + 1, flag, b->flag);
}

/* The indicators of one scope, in registry order: their headers. */
typedef struct columns {
    size_t first;   /* the first indicator column */
    size_t count;   /* indicators */
    int index[128]; /* registry index -> position, -1: not of this scope */
} columns;

static size_t add_scope_headers(columns *c, cm_scope scope, const char **headers, size_t at,
                                char (*flag_headers)[48])
{
    size_t n;
    const cm_indicator_def *defs = cm_indicator_defs(&n);
    c->first = at;
    c->count = 0;
    for (size_t i = 0; i < n && i < 128; i++)
        c->index[i] = -1;
    for (size_t i = 0; i < n && i < 128; i++) {
        if (defs[i].scope != scope)
            continue;
        c->index[i] = (int)c->count;
        headers[at] = defs[i].id;
        snprintf(flag_headers[c->count], sizeof flag_headers[0], "%s flag", defs[i].id);
        headers[at + 1] = flag_headers[c->count];
        at += 2;
        c->count++;
    }
    return at;
}

static void put_group(sheet *s, const columns *c, const book *b, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        const cm_result *r = &b->res->items[i];
        if (r->indicator < 128 && c->index[r->indicator] >= 0)
            put_result(s, c->first + 2 * (size_t)c->index[r->indicator], r);
    }
}

static bool group_has_scope(const book *b, size_t from, size_t to, cm_scope scope)
{
    for (size_t i = from; i < to; i++)
        if (def_of(&b->res->items[i])->scope == scope)
            return true;
    return false;
}

/* ---- what the Summary and Charts need ------------------------------------- */

typedef struct labelled {
    uint32_t area;
    int32_t year;
    uint32_t service;
    const cm_result *r;
    double v2; /* a second value (international arrivals) */
    bool has_v2;
} labelled;

typedef struct gathered {
    labelled *cities; /* latest foreign-born share of each city */
    size_t ncities;
    labelled *inflows; /* latest arrivals of each area, internal and international */
    size_t ninflows;
    labelled *gaps; /* latest access gap per area and service */
    size_t ngaps;
    labelled *headline; /* latest value of each headline indicator per top area */
    size_t nheadline;
} gathered;

static int level_of(const book *b, uint32_t area, int32_t year)
{
    size_t row = cm_areas_find(b->ds->areas, area, year);
    if (row == SIZE_MAX)
        return -1;
    return b->ds->areas->cols[CM_AREAS_LEVEL].v.code[row];
}

/*
 * A list of labelled results with at most one entry per (area, service):
 * entries stay in the order their key was first met, and an index of the
 * keys (open addressing, at most half full) finds an entry in constant
 * time, so gathering is linear in the results.
 */
typedef struct latest {
    labelled *items;
    size_t n;
    uint32_t *slot; /* entry index + 1; 0: empty */
    size_t mask;
} latest;

/* A list for up to cap entries; its index starts small and grows. */
static bool latest_init(latest *l, size_t cap)
{
    l->items = calloc(cap, sizeof *l->items);
    l->slot = calloc(1024, sizeof *l->slot);
    l->n = 0;
    l->mask = 1023;
    return l->items && l->slot;
}

/* The slot of (area, service) in an index of mask + 1 slots: the one that
   names its entry, or the empty one where it would go. */
static size_t latest_slot(const uint32_t *slot, size_t mask, const labelled *items, uint32_t area,
                          uint32_t service)
{
    size_t i = cm_hash_mix((uint64_t)area << 32 | service) & mask;
    for (; slot[i]; i = (i + 1) & mask) {
        const labelled *x = &items[slot[i] - 1];
        if (x->area == area && x->service == service)
            break;
    }
    return i;
}

/* Doubles the index; false when out of memory (the index stays). */
static bool latest_grow(latest *l)
{
    size_t mask = l->mask * 2 + 1;
    uint32_t *slot = calloc(mask + 1, sizeof *slot);
    if (!slot)
        return false;
    for (size_t n = 0; n < l->n; n++)
        slot[latest_slot(slot, mask, l->items, l->items[n].area, l->items[n].service)] =
            (uint32_t)(n + 1);
    free(l->slot);
    l->slot = slot;
    l->mask = mask;
    return true;
}

/* The entry of (area, service), or NULL. */
static labelled *latest_find(const latest *l, uint32_t area, uint32_t service)
{
    uint32_t e = l->slot[latest_slot(l->slot, l->mask, l->items, area, service)];
    return e ? &l->items[e - 1] : NULL;
}

/* Keeps, per (area, service), the latest result; of one year, the last.
   False when out of memory. */
static bool keep_latest(latest *l, uint32_t area, uint32_t service, const cm_result *r)
{
    if (2 * (l->n + 1) > l->mask && !latest_grow(l))
        return false;
    size_t i = latest_slot(l->slot, l->mask, l->items, area, service);
    if (l->slot[i]) {
        labelled *x = &l->items[l->slot[i] - 1];
        if (r->year >= x->year) {
            x->year = r->year;
            x->r = r;
        }
        return true;
    }
    l->items[l->n] = (labelled){area, r->year, service, r, 0, false};
    l->slot[i] = (uint32_t)++l->n;
    return true;
}

static int by_value_desc(const void *a, const void *b)
{
    const labelled *x = a, *y = b;
    double vx = x->r->value + (x->has_v2 ? x->v2 : 0), vy = y->r->value + (y->has_v2 ? y->v2 : 0);
    return vx < vy ? 1 : vx > vy ? -1 : (x->area > y->area) - (x->area < y->area);
}

static int by_value_asc(const void *a, const void *b)
{
    const labelled *x = a, *y = b;
    if (x->r->value != y->r->value)
        return x->r->value < y->r->value ? -1 : 1;
    if (x->area != y->area)
        return x->area < y->area ? -1 : 1;
    return (x->service > y->service) - (x->service < y->service);
}

static cm_status gather(book *b, gathered *g)
{
    const cm_results *res = b->res;
    size_t cap = res->count + 1;
    latest cities, inflows, gaps, headline;
    bool ok_cities = latest_init(&cities, cap), ok_inflows = latest_init(&inflows, cap);
    bool ok_gaps = latest_init(&gaps, cap), ok_headline = latest_init(&headline, cap);
    bool ok = ok_cities && ok_inflows && ok_gaps && ok_headline;
    /* The lists are handed over whole; the indexes are not kept. */
    g->cities = cities.items;
    g->inflows = inflows.items;
    g->gaps = gaps.items;
    g->headline = headline.items;
    if (!ok || cap > UINT32_MAX) {
        free(cities.slot);
        free(inflows.slot);
        free(gaps.slot);
        free(headline.slot);
        return CM_ERR_NOMEM;
    }

    /* The top level present: world, else regions, else countries. */
    int top = -1;
    for (size_t r = 0; r < b->ds->areas->nrows; r++) {
        int level = b->ds->areas->cols[CM_AREAS_LEVEL].v.code[r];
        if (level <= CM_LEVEL_COUNTRY && (top < 0 || level < top))
            top = level;
    }
    int fb = cm_indicator_find("fb_share"), inflow = cm_indicator_find("inflow");
    int gap = cm_indicator_find("gap_pp");
    static const char *const headline_ids[] = {"one_in_n", "fb_share", "internal_per_international",
                                               "urban_share", "fb_female_share"};
    enum { NHEADLINE = sizeof headline_ids / sizeof headline_ids[0] };
    int headline_ind[NHEADLINE];
    for (size_t h = 0; h < NHEADLINE; h++)
        headline_ind[h] = cm_indicator_find(headline_ids[h]);
    for (size_t i = 0; i < res->count; i++) {
        const cm_result *r = &res->items[i];
        if (!has_value(r))
            continue;
        if (r->indicator == fb) {
            int level = level_of(b, r->area, r->year);
            if (level >= CM_LEVEL_METRO)
                ok = keep_latest(&cities, r->area, 0, r) && ok;
        }
        if (r->indicator == inflow && r->kind == CM_KIND_INTERNAL && r->area)
            ok = keep_latest(&inflows, r->area, 0, r) && ok;
        if (r->indicator == gap)
            ok = keep_latest(&gaps, r->area, r->service, r) && ok;
        if (top >= 0 && r->kind == CM_KIND_NONE && r->base_year == 0 && r->service == 0) {
            for (size_t h = 0; h < NHEADLINE; h++)
                if (r->indicator == headline_ind[h] && level_of(b, r->area, r->year) == top)
                    ok = keep_latest(&headline, r->area, (uint32_t)h + 1, r) && ok;
        }
    }
    if (!ok) {
        free(cities.slot);
        free(inflows.slot);
        free(gaps.slot);
        free(headline.slot);
        return CM_ERR_NOMEM;
    }
    /* International arrivals beside the internal ones, same area and year:
       the first such result. */
    for (size_t j = 0; j < res->count; j++) {
        const cm_result *r = &res->items[j];
        if (r->indicator == inflow && r->kind == CM_KIND_INTERNATIONAL && has_value(r)) {
            labelled *x = latest_find(&inflows, r->area, 0);
            if (x && x->year == r->year && !x->has_v2) {
                x->v2 = r->value;
                x->has_v2 = true;
            }
        }
    }
    g->ncities = cities.n;
    g->ninflows = inflows.n;
    g->ngaps = gaps.n;
    g->nheadline = headline.n;
    free(cities.slot);
    free(inflows.slot);
    free(gaps.slot);
    free(headline.slot);
    qsort(g->cities, g->ncities, sizeof *g->cities, by_value_desc);
    qsort(g->inflows, g->ninflows, sizeof *g->inflows, by_value_desc);
    qsort(g->gaps, g->ngaps, sizeof *g->gaps, by_value_asc);
    if (g->ninflows > CHART_INFLOW_MAX)
        g->ninflows = CHART_INFLOW_MAX;
    if (g->ngaps > CHART_GAP_MAX)
        g->ngaps = CHART_GAP_MAX;
    return CM_OK;
}

static void gathered_free(gathered *g)
{
    free(g->cities);
    free(g->inflows);
    free(g->gaps);
    free(g->headline);
}

/* ---- formats ------------------------------------------------------------ */

/* workbook_add_format returns NULL when memory runs out, and the format
   setters do not check: each format is made, then checked, in turn. */
static lxw_format *new_format(book *b)
{
    lxw_format *f = b->err == LXW_NO_ERROR ? workbook_add_format(b->wb) : NULL;
    if (!f)
        check(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
    return f;
}

static void make_formats(book *b)
{
    static const char *const unit_formats[CM_UNIT_COUNT_] = {
        [CM_UNIT_PERCENT] = "0.0\"%\"",
        [CM_UNIT_COUNT] = "#,##0",
        [CM_UNIT_RATIO] = "0.00",
        [CM_UNIT_PER_1000] = "0.0",
        [CM_UNIT_PER_1000_PER_YEAR] = "0.0",
        [CM_UNIT_PERCENT_PER_YEAR] = "0.00\"%\"",
        [CM_UNIT_INDEX] = "0.000",
        [CM_UNIT_PP] = "+0.0\" pp\";-0.0\" pp\";0.0\" pp\"",
    };
    static const uint32_t severity_fill[CM_RULE_SEVERITY_COUNT] = {0xDDEBF7, 0xFFEB9C, 0xFFC7CE};
    if ((b->title = new_format(b))) {
        format_set_bold(b->title);
        format_set_font_size(b->title, 16);
    }
    if ((b->header = new_format(b))) {
        format_set_bold(b->header);
        format_set_bg_color(b->header, 0xDDE6F0);
        format_set_bottom(b->header, LXW_BORDER_THIN);
    }
    if ((b->bold = new_format(b)))
        format_set_bold(b->bold);
    if ((b->flag = new_format(b)))
        format_set_font_color(b->flag, 0x595959);
    if ((b->wrap = new_format(b))) {
        format_set_text_wrap(b->wrap);
        format_set_align(b->wrap, LXW_ALIGN_VERTICAL_TOP);
    }
    if ((b->year = new_format(b)))
        format_set_num_format(b->year, "0");
    b->text = NULL;
    for (int u = 0; u < CM_UNIT_COUNT_; u++)
        if ((b->unit[u] = new_format(b)))
            format_set_num_format(b->unit[u], unit_formats[u]);
    for (int s = 0; s < CM_RULE_SEVERITY_COUNT; s++)
        if ((b->severity[s] = new_format(b)))
            format_set_bg_color(b->severity[s], severity_fill[s]);
}

/* ---- the sheets ----------------------------------------------------------- */

static void write_summary(book *b, sheet *s, const gathered *g)
{
    char buf[512];
    const cm_report_info *info = b->info;
    begin(s);
    put_label(s, 0, "citymig report: migrants and cities", b->title);
    end_row(s);
    put_text(s, 0, "Dataset", b->bold);
    put_text(s, 1, b->ds->title ? b->ds->title : info->dataset, NULL);
    end_row(s);
    if (b->ds->title) {
        put_text(s, 0, "Read from", b->bold);
        put_text(s, 1, info->dataset, NULL);
        end_row(s);
    }
    struct tm tm;
    gmtime_r(&b->created, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
    put_text(s, 0, "Generated", b->bold);
    put_text(s, 1, buf, NULL);
    end_row(s);
    put_text(s, 0, "Indicator values", b->bold);
    put_int(s, 1, (int64_t)b->res->count, b->unit[CM_UNIT_COUNT]);
    end_row(s);
    put_text(s, 0, "Rule hits", b->bold);
    put_int(s, 1, (int64_t)b->nhits, b->unit[CM_UNIT_COUNT]);
    end_row(s);
    end_row(s);

    if (g->nheadline) {
        put_label(s, 0, "Headline figures (latest year with a value)", b->bold);
        end_row(s);
        static const char *const h[] = {"Area", "Indicator", "Value", "Year", "Flag"};
        for (size_t c = 0; c < 5; c++)
            put_text(s, c, h[c], b->header);
        end_row(s);
        for (size_t i = 0; i < g->nheadline; i++) {
            const cm_result *r = g->headline[i].r;
            put_text(s, 0, area_name(b, r->area), NULL);
            put_text(s, 1, def_of(r)->title, NULL);
            put_number(s, 2, r->value, b->unit[def_of(r)->unit]);
            put_int(s, 3, r->year, b->year);
            put_text(s, 4, cm_flag_str((cm_flag)r->flag), b->flag);
            end_row(s);
        }
        end_row(s);
    }
    if (g->ncities) {
        put_label(s, 0, "Foreign-born share of residents, top cities", b->bold);
        end_row(s);
        static const char *const h[] = {"City", "", "Share", "Year", "Flag"};
        for (size_t c = 0; c < 5; c++)
            put_text(s, c, h[c], b->header);
        end_row(s);
        for (size_t i = 0; i < g->ncities && i < TOP_CITIES; i++) {
            const cm_result *r = g->cities[i].r;
            put_text(s, 0, area_name(b, r->area), NULL);
            put_number(s, 2, r->value, b->unit[CM_UNIT_PERCENT]);
            put_int(s, 3, r->year, b->year);
            put_text(s, 4, cm_flag_str((cm_flag)r->flag), b->flag);
            end_row(s);
        }
        end_row(s);
    }
    if (b->rules->count) {
        put_label(s, 0, "Rule hits, by rule", b->bold);
        end_row(s);
        static const char *const h[] = {"Rule", "Severity", "Hits", "", "Conclusion"};
        for (size_t c = 0; c < 5; c++)
            put_text(s, c, h[c], b->header);
        end_row(s);
        for (size_t i = 0; i < b->rules->count; i++) {
            const cm_rule *rule = &b->rules->items[i];
            size_t n = 0;
            for (size_t h2 = 0; h2 < b->nhits; h2++)
                n += b->hits[h2].rule == i;
            /* Wrapped conclusions need their rows' height set first (rows
               are streamed): about 50 characters a line. */
            size_t lines = strlen(rule->conclusion) / 50 + 1;
            check(b, worksheet_set_row(ws_of(s), s->row, 15.0 * (double)lines, NULL));
            put_text(s, 0, rule->id, NULL);
            put_text(s, 1, cm_rule_severity_str(rule->severity), b->severity[rule->severity]);
            put_int(s, 2, (int64_t)n, b->unit[CM_UNIT_COUNT]);
            put_text(s, 4, rule->conclusion, b->wrap);
            end_row(s);
        }
    }
    s->width[4] = s->width[4] > 50 ? 50 : s->width[4];
    finish(s);
}

static void write_area_row(book *b, sheet *s, const columns *ca, const columns *cg, size_t af,
                           size_t at, size_t gf, size_t gt)
{
    const cm_result *first = &b->res->items[af];
    size_t row = cm_areas_find(b->ds->areas, first->area, first->year);
    const cm_table *t = b->ds->areas;
    next_row(s);
    put_text(s, 0, str(b, first->area), NULL);
    put_text(s, 1, area_name(b, first->area), NULL);
    if (row != SIZE_MAX) {
        put_text(s, 2, cm_enum_name(&cm_level_enum, t->cols[CM_AREAS_LEVEL].v.code[row]), NULL);
        put_text(s, 3, str(b, t->cols[CM_AREAS_PARENT_ID].v.text[row]), NULL);
    }
    put_int(s, 4, first->year, b->year);
    if (gf < gt)
        put_int(s, 5, b->res->items[gf].base_year, b->year);
    if (row != SIZE_MAX && t->cols[CM_AREAS_POPULATION].present[row])
        put_int(s, 6, t->cols[CM_AREAS_POPULATION].v.count[row], b->unit[CM_UNIT_COUNT]);
    put_group(s, ca, b, af, at);
    put_group(s, cg, b, gf, gt);
    end_row(s);
}

/* Areas, Flows, Diversity and Services, in one pass over the results. */
static void write_tables(book *b, sheet *areas, sheet *flows, sheet *diversity, sheet *services,
                         const columns *ca, const columns *cg, const columns *cf, const columns *cs,
                         const columns *cd, const columns *csv, const columns *cc)
{
    const cm_results *res = b->res;
    if (areas->parts)
        begin(areas);
    if (flows->parts)
        begin(flows);
    if (diversity->parts)
        begin(diversity);
    if (services->parts)
        begin(services);
    size_t pending_from = SIZE_MAX, pending_to = 0; /* an area row awaiting its growth */
    size_t cov_from = SIZE_MAX, cov_to = 0;         /* coverage of the current area-year */

    for (size_t i = 0; i < res->count && b->err == LXW_NO_ERROR; i = group_end(res, i)) {
        size_t j = group_end(res, i);
        const cm_result *r = &res->items[i];
        bool growth = group_has_scope(b, i, j, CM_SCOPE_GROWTH);
        if (pending_from != SIZE_MAX) {
            /* The growth of an area-year sorts after its flows and services:
               the row stays open until the area or the year changes. */
            const cm_result *p = &res->items[pending_from];
            bool same = r->area == p->area && r->year == p->year;
            if (growth && same) {
                write_area_row(b, areas, ca, cg, pending_from, pending_to, i, j);
                pending_from = SIZE_MAX;
                continue;
            }
            if (!same) {
                write_area_row(b, areas, ca, cg, pending_from, pending_to, 0, 0);
                pending_from = SIZE_MAX;
            }
        }
        if (growth) /* growth without its area row: cannot happen, but keep it */
            continue;
        if (group_has_scope(b, i, j, CM_SCOPE_AREA)) {
            pending_from = i;
            pending_to = j;
        }
        if (group_has_scope(b, i, j, CM_SCOPE_DIVERSITY)) {
            next_row(diversity);
            put_text(diversity, 0, str(b, r->area), NULL);
            put_text(diversity, 1, area_name(b, r->area), NULL);
            put_int(diversity, 2, r->year, b->year);
            for (size_t k = i; k < j; k++)
                if (def_of(&res->items[k])->scope == CM_SCOPE_DIVERSITY && res->items[k].origin)
                    put_text(diversity, 3, str(b, res->items[k].origin), NULL);
            put_group(diversity, cd, b, i, j);
            end_row(diversity);
        }
        if (group_has_scope(b, i, j, CM_SCOPE_COVERAGE)) {
            cov_from = i;
            cov_to = j;
        }
        if (r->kind != CM_KIND_NONE) {
            next_row(flows);
            put_text(flows, 0, r->area ? str(b, r->area) : "", NULL);
            put_text(flows, 1, r->area ? area_name(b, r->area) : "All zones", NULL);
            put_int(flows, 2, r->year, b->year);
            put_text(flows, 3, cm_kind_str(r->kind), NULL);
            put_group(flows, cf, b, i, j);
            put_group(flows, cs, b, i, j);
            end_row(flows);
        }
        if (r->service) {
            next_row(services);
            put_text(services, 0, str(b, r->area), NULL);
            put_text(services, 1, area_name(b, r->area), NULL);
            put_int(services, 2, r->year, b->year);
            put_text(services, 3, str(b, r->service), NULL);
            put_group(services, csv, b, i, j);
            if (cov_from != SIZE_MAX && res->items[cov_from].area == r->area &&
                res->items[cov_from].year == r->year)
                put_group(services, cc, b, cov_from, cov_to);
            end_row(services);
        }
    }
    if (pending_from != SIZE_MAX)
        write_area_row(b, areas, ca, cg, pending_from, pending_to, 0, 0);
    finish(areas);
    finish(flows);
    finish(diversity);
    finish(services);
}

static void write_flags(book *b, sheet *s)
{
    begin(s);
    for (size_t i = 0; i < b->nhits && b->err == LXW_NO_ERROR; i++) {
        const cm_rule *rule = &b->rules->items[b->hits[i].rule];
        const cm_result *r = &b->res->items[b->hits[i].result];
        next_row(s);
        put_text(s, 0, rule->id, NULL);
        put_text(s, 1, cm_rule_severity_str(rule->severity), NULL);
        put_text(s, 2, str(b, r->area), NULL);
        put_text(s, 3, r->area ? area_name(b, r->area) : "All zones", NULL);
        put_int(s, 4, r->year, b->year);
        put_text(s, 5, cm_kind_str(r->kind), NULL);
        put_text(s, 6, str(b, r->service), NULL);
        put_text(s, 7, def_of(r)->id, NULL);
        put_number(s, 8, r->value, b->unit[def_of(r)->unit]);
        char cond[64], th[40];
        snprintf(cond, sizeof cond, "%s %s", cm_op_str(rule->op),
                 cm_format_double(rule->threshold, th, sizeof th));
        put_text(s, 9, cond, NULL);
        put_text(s, 10, rule->conclusion, NULL);
        put_text(s, 11, rule->sdg, NULL);
        end_row(s);
    }
    /* Rows coloured by severity: one conditional format per severity. */
    for (size_t p = 0; p < s->parts; p++) {
        lxw_row_t last = p + 1 < s->parts ? s->max_rows - 1 : s->row - 1;
        for (int sev = 0; sev < CM_RULE_SEVERITY_COUNT; sev++) {
            char formula[64];
            snprintf(formula, sizeof formula, "=$B2=\"%s\"",
                     cm_rule_severity_str((cm_rule_severity)sev));
            lxw_conditional_format cf = {0};
            cf.type = LXW_CONDITIONAL_TYPE_FORMULA;
            cf.value_string = formula;
            cf.format = b->severity[sev];
            check(b, worksheet_conditional_format_range(s->ws[p], 1, 0, last, 11, &cf));
        }
    }
    s->width[10] = 50;
    finish(s);
}

/* The Charts sheet: three tables, each the source of a chart beside it. */
static void write_charts(book *b, sheet *s, const gathered *g)
{
    const char *name = s->base;
    size_t rows = g->ncities;
    if (g->ninflows > rows)
        rows = g->ninflows;
    if (g->ngaps > rows)
        rows = g->ngaps;
    begin(s);
    put_label(s, 0, "Charts: the data of each chart is the table under its title", b->title);
    end_row(s);
    /* Row 1: the titles; row 2: the headers (series names come from them). */
    if (g->ncities)
        put_label(s, 0, "Foreign-born share of residents, by city (%)", b->bold);
    if (g->ninflows)
        put_label(s, 4, "Arrivals by kind, largest destinations", b->bold);
    if (g->ngaps)
        put_label(s, 8, "Access gap, migrants minus natives (percentage points)", b->bold);
    end_row(s);
    static const char *const heads[] = {"City",
                                        "Foreign-born share (%)",
                                        "Flag",
                                        NULL,
                                        "Area",
                                        "Internal arrivals",
                                        "International arrivals",
                                        NULL,
                                        "Area and service",
                                        "Gap (pp)"};
    for (size_t c = 0; c < sizeof heads / sizeof heads[0]; c++) {
        if (!heads[c])
            continue;
        if ((c < 3 && g->ncities) || (c >= 4 && c < 7 && g->ninflows) || (c >= 8 && g->ngaps))
            put_text(s, c, heads[c], b->header);
    }
    end_row(s);
    for (size_t i = 0; i < rows; i++) {
        if (i < g->ncities) {
            put_text(s, 0, area_name(b, g->cities[i].area), NULL);
            put_number(s, 1, g->cities[i].r->value, b->unit[CM_UNIT_PERCENT]);
            put_text(s, 2, cm_flag_str((cm_flag)g->cities[i].r->flag), b->flag);
        }
        if (i < g->ninflows) {
            put_text(s, 4, area_name(b, g->inflows[i].area), NULL);
            put_number(s, 5, g->inflows[i].r->value, b->unit[CM_UNIT_COUNT]);
            if (g->inflows[i].has_v2)
                put_number(s, 6, g->inflows[i].v2, b->unit[CM_UNIT_COUNT]);
        }
        if (i < g->ngaps) {
            char label[512];
            snprintf(label, sizeof label, "%s: %s", area_name(b, g->gaps[i].area),
                     str(b, g->gaps[i].service));
            put_text(s, 8, label, NULL);
            put_number(s, 9, g->gaps[i].r->value, b->unit[CM_UNIT_PP]);
        }
        end_row(s);
    }
    finish(s);

    /* Titles and series names are cell references: data never becomes a
       formula (a name starting with '=' would). */
    lxw_row_t first = 3;
    lxw_chart_options at = {.x_offset = 10, .y_offset = 10, .x_scale = 1.5, .y_scale = 1.5};
    lxw_row_t anchor = (lxw_row_t)rows + 5;
    if (g->ncities) {
        lxw_chart *c = workbook_add_chart(b->wb, LXW_CHART_BAR);
        lxw_chart_series *sr = chart_add_series(c, NULL, NULL);
        chart_series_set_categories(sr, name, first, 0, first + (lxw_row_t)g->ncities - 1, 0);
        chart_series_set_values(sr, name, first, 1, first + (lxw_row_t)g->ncities - 1, 1);
        chart_series_set_name_range(sr, name, 2, 1);
        chart_title_set_name_range(c, name, 1, 0);
        chart_axis_set_reverse(c->y_axis); /* the largest share on top */
        chart_legend_set_position(c, LXW_CHART_LEGEND_NONE);
        check(b, worksheet_insert_chart_opt(s->ws[0], anchor, 0, c, &at));
        anchor += 24; /* charts are stacked, about 22 rows tall at this scale */
    }
    if (g->ninflows) {
        lxw_chart *c = workbook_add_chart(b->wb, LXW_CHART_COLUMN);
        for (lxw_col_t col = 5; col <= 6; col++) {
            lxw_chart_series *sr = chart_add_series(c, NULL, NULL);
            chart_series_set_categories(sr, name, first, 4, first + (lxw_row_t)g->ninflows - 1, 4);
            chart_series_set_values(sr, name, first, col, first + (lxw_row_t)g->ninflows - 1, col);
            chart_series_set_name_range(sr, name, 2, col);
        }
        chart_title_set_name_range(c, name, 1, 4);
        chart_legend_set_position(c, LXW_CHART_LEGEND_BOTTOM);
        check(b, worksheet_insert_chart_opt(s->ws[0], anchor, 0, c, &at));
        anchor += 24;
    }
    if (g->ngaps) {
        lxw_chart *c = workbook_add_chart(b->wb, LXW_CHART_BAR);
        lxw_chart_series *sr = chart_add_series(c, NULL, NULL);
        chart_series_set_categories(sr, name, first, 8, first + (lxw_row_t)g->ngaps - 1, 8);
        chart_series_set_values(sr, name, first, 9, first + (lxw_row_t)g->ngaps - 1, 9);
        chart_series_set_name_range(sr, name, 2, 9);
        chart_title_set_name_range(c, name, 1, 8);
        chart_axis_set_reverse(c->y_axis);
        chart_legend_set_position(c, LXW_CHART_LEGEND_NONE);
        check(b, worksheet_insert_chart_opt(s->ws[0], anchor, 0, c, &at));
    }
}

static void write_definitions(book *b, sheet *s)
{
    size_t n;
    const cm_indicator_def *defs = cm_indicator_defs(&n);
    begin(s);
    for (size_t i = 0; i < n; i++) {
        next_row(s);
        put_text(s, 0, defs[i].id, NULL);
        put_text(s, 1, defs[i].title, NULL);
        put_text(s, 2, cm_unit_str(defs[i].unit), NULL);
        put_text(s, 3, cm_scope_str(defs[i].scope), NULL);
        put_text(s, 4, defs[i].formula, b->wrap);
        put_text(s, 5, defs[i].inputs, b->wrap);
        put_text(s, 6, defs[i].edge_cases, b->wrap);
        end_row(s);
    }
    finish(s);
}

/*
 * The digests left for later (cm_source::sha256_later), taken on a thread
 * of their own while the sheets are written: writing a workbook keeps one
 * processor busy, and reading an input again for its digest another.
 */
typedef struct later_digests {
    const cm_dataset *ds;
    char hex[CM_TABLE_COUNT][65];
    cm_status status[CM_TABLE_COUNT];
    char why[CM_TABLE_COUNT][160];
    pthread_t thread;
    bool started;
} later_digests;

static void *take_digests(void *arg)
{
    later_digests *d = arg;
    for (int t = 0; t < CM_TABLE_COUNT; t++) {
        const cm_source *src = &d->ds->sources[t];
        if (src->present && src->sha256_later)
            d->status[t] = cm_source_digest(src, d->hex[t], d->why[t], sizeof d->why[t]);
    }
    return NULL;
}

static void digests_start(later_digests *d, const cm_dataset *ds)
{
    memset(d, 0, sizeof *d);
    d->ds = ds;
    bool any = false;
    for (int t = 0; t < CM_TABLE_COUNT; t++)
        any |= ds->sources[t].present && ds->sources[t].sha256_later;
    if (any)
        d->started = pthread_create(&d->thread, NULL, take_digests, d) == 0;
    if (any && !d->started)
        take_digests(d); /* no thread to spare: here and now */
}

/* Waits for the digests; reports and returns the first failure. */
static cm_status digests_finish(later_digests *d, cm_diag *diag)
{
    if (d->started)
        pthread_join(d->thread, NULL);
    d->started = false;
    for (int t = 0; t < CM_TABLE_COUNT; t++) {
        if (d->status[t] == CM_OK)
            continue;
        cm_loc loc = {d->ds->sources[t].name, 0, 0};
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "%s", d->why[t]);
        return d->status[t];
    }
    return CM_OK;
}

/* A source's digest: taken while reading, or later. */
static const char *digest_of(const book *b, int t)
{
    const cm_source *src = &b->ds->sources[t];
    return src->sha256_later && b->later ? b->later->hex[t] : src->sha256;
}

static void write_sources(book *b, sheet *s)
{
    const cm_report_info *info = b->info;
    char buf[256];
    begin(s);
    put_label(s, 0, "Sources", b->title);
    end_row(s);
    end_row(s);
    static const char *const h[] = {
        "File", "Bytes",         "SHA-256",           "Lines",
        "Rows", "Rows rejected", "Duplicates merged", "Unknown columns"};
    for (size_t c = 0; c < sizeof h / sizeof h[0]; c++)
        put_text(s, c, h[c], b->header);
    end_row(s);
    for (int t = 0; t < CM_TABLE_COUNT; t++) {
        const cm_source *src = &b->ds->sources[t];
        put_text(s, 0, src->present ? src->name : cm_table_file((cm_table_id)t), NULL);
        if (!src->present) {
            put_text(s, 1, "absent", NULL);
            end_row(s);
            continue;
        }
        put_int(s, 1, (int64_t)src->csv.bytes, b->unit[CM_UNIT_COUNT]);
        put_text(s, 2, digest_of(b, t), NULL);
        put_int(s, 3, (int64_t)src->csv.lines, b->unit[CM_UNIT_COUNT]);
        put_int(s, 4, (int64_t)src->rows, b->unit[CM_UNIT_COUNT]);
        put_int(s, 5, (int64_t)src->rows_rejected, b->unit[CM_UNIT_COUNT]);
        put_int(s, 6, (int64_t)src->duplicates_merged, b->unit[CM_UNIT_COUNT]);
        put_int(s, 7, (int64_t)src->unknown_columns, b->unit[CM_UNIT_COUNT]);
        end_row(s);
    }
    end_row(s);
    if (b->ds->manifest) {
        /* The files behind the tables, as the manifest read them. */
        put_label(s, 0, "Files read through the manifest", b->bold);
        end_row(s);
        static const char *const mh[] = {"File",
                                         "Section",
                                         "Bytes",
                                         "SHA-256",
                                         "Records",
                                         "Filtered out",
                                         "Duplicates dropped",
                                         "Rounded values",
                                         "Rows given",
                                         "Joined rows unused"};
        for (size_t c = 0; c < sizeof mh / sizeof mh[0]; c++)
            put_text(s, c, mh[c], b->header);
        end_row(s);
        for (size_t i = 0; i < b->ds->ninputs; i++) {
            const cm_input *in = &b->ds->inputs[i];
            put_text(s, 0, in->path, NULL);
            put_text(s, 1, in->section, NULL);
            put_int(s, 2, (int64_t)in->bytes, b->unit[CM_UNIT_COUNT]);
            put_text(s, 3, in->sha256, NULL);
            put_int(s, 4, (int64_t)in->records, b->unit[CM_UNIT_COUNT]);
            put_int(s, 5, (int64_t)in->filtered, b->unit[CM_UNIT_COUNT]);
            put_int(s, 6, (int64_t)in->deduped, b->unit[CM_UNIT_COUNT]);
            put_int(s, 7, (int64_t)in->rounded, b->unit[CM_UNIT_COUNT]);
            put_int(s, 8, (int64_t)in->rows, b->unit[CM_UNIT_COUNT]);
            put_int(s, 9, (int64_t)in->unmatched, b->unit[CM_UNIT_COUNT]);
            end_row(s);
        }
        end_row(s);
    }
    put_label(s, 0, "Problems met while reading (rows rejected and why)", b->bold);
    end_row(s);
    if (info->nmessages == 0) {
        put_text(s, 0, "none", NULL);
        end_row(s);
    }
    for (size_t i = 0; i < info->nmessages && i < MESSAGES_MAX; i++) {
        put_text(s, 0, info->messages[i], NULL);
        end_row(s);
    }
    if (info->nmessages > MESSAGES_MAX) {
        snprintf(buf, sizeof buf, "... and %zu more", info->nmessages - MESSAGES_MAX);
        put_text(s, 0, buf, NULL);
        end_row(s);
    }
    end_row(s);

    struct tm tm;
    gmtime_r(&b->created, &tm);
    char when[64];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char rules_count[32], csv_version[32], min_count[32], years[32];
    snprintf(rules_count, sizeof rules_count, "%zu", b->rules->count);
    snprintf(csv_version, sizeof csv_version, "%d.%d.%d", CSV_MAJOR, CSV_MINOR, CSV_RELEASE);
    snprintf(min_count, sizeof min_count, "%" PRId64, info->min_count);
    if (info->year_from)
        snprintf(years, sizeof years, "%" PRId32 "-%" PRId32, info->year_from, info->year_to);
    else
        snprintf(years, sizeof years, "all");
    const char *const items[][2] = {
        {"Dataset", info->dataset},
        {"Title", b->ds->title ? b->ds->title : ""},
        {"Manifest", b->ds->manifest ? b->ds->manifest : "none (a directory of tables)"},
        {"Manifest, SHA-256", b->ds->manifest ? b->ds->manifest_sha256 : ""},
        {"Rules", b->rules->source},
        {"Rules, count", rules_count},
        {"Rules, SHA-256", info->rules_sha256},
        {"Option --min-count", min_count},
        {"Option --year", years},
        {"citymig", CITYMIG_VERSION},
        {"libcsv", csv_version},
        {"libxlsxwriter", lxw_version()},
        {"Generated", when},
        {"Time from SOURCE_DATE_EPOCH", info->reproducible ? "yes" : "no"},
    };
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        put_text(s, 0, items[i][0], b->bold);
        put_text(s, 1, items[i][1], NULL);
        end_row(s);
    }
    if (b->truncated) {
        snprintf(buf, sizeof buf, "%zu %s cut at Excel's limit of 32,767 characters", b->truncated,
                 b->truncated == 1 ? "cell was" : "cells were");
        put_text(s, 0, "Note", b->bold);
        put_text(s, 1, buf, NULL);
        end_row(s);
    }
    if (s->width[0] > 70)
        s->width[0] = 70;
    finish(s);
}

/* ---- verification and the whole file -------------------------------------- */

/* The root element's name of an XML part, from its first bytes. */
static bool xml_root(const char *head, size_t n, char *root, size_t size)
{
    const char *p = head, *end = head + n;
    for (;;) {
        p = memchr(p, '<', (size_t)(end - p));
        if (!p || p + 1 >= end)
            return false;
        if (p[1] != '?' && p[1] != '!')
            break;
        p++;
    }
    p++;
    size_t k = 0;
    while (p < end && *p != ' ' && *p != '>' && *p != '/' && *p != '\r' && *p != '\n' &&
           k + 1 < size)
        root[k++] = *p++;
    root[k] = '\0';
    return k > 0 && p < end;
}

/* Does an XML part end with the end tag of its root? */
static bool xml_whole(const char *root, const char *tail, size_t n)
{
    while (n > 0 && (tail[n - 1] == '\n' || tail[n - 1] == '\r' || tail[n - 1] == ' '))
        n--;
    char end_tag[80];
    int len = snprintf(end_tag, sizeof end_tag, "</%s>", root);
    return len > 0 && (size_t)len <= n && memcmp(tail + n - (size_t)len, end_tag, (size_t)len) == 0;
}

int cm_xlsx_verify(const char *path, char *why, size_t why_size)
{
    return cm_xlsx_verify_cells(path, NULL, 0, why, why_size);
}

/* One part of the archive to check, and what was found. */
typedef struct part_check {
    char name[256];
    uint64_t size; /* uncompressed, to share the work out */
    int worker;
    bool ok;
    bool malformed; /* read whole, but not well-formed XML */
    char why[320];
} part_check;

typedef struct verify_job {
    const char *path;
    const uint64_t *cells;
    size_t nsheets;
    part_check *parts;
    size_t nparts;
    int worker;
    pthread_t thread;
} verify_job;

/* Reads the current part of zf whole and checks it (see below). */
static bool check_part(unzFile zf, char *buf, part_check *pc, const uint64_t *cells, size_t nsheets)
{
    const char *name = pc->name;
    size_t len = strlen(name);
    bool is_xml = (len > 4 && strcmp(name + len - 4, ".xml") == 0) ||
                  (len > 5 && strcmp(name + len - 5, ".rels") == 0);
    /* Every XML part is parsed whole (expat): well-formed, and holding no
       character XML forbids, whatever wrote it. */
    XML_Parser xp = is_xml ? XML_ParserCreate(NULL) : NULL;
    if (is_xml && !xp) {
        snprintf(pc->why, sizeof pc->why, "out of memory");
        return false;
    }
    bool parsed = true;
    char xml_error[200] = "";
    if (unzOpenCurrentFile(zf) != UNZ_OK) {
        snprintf(pc->why, sizeof pc->why, "part %s cannot be read", name);
        if (xp)
            XML_ParserFree(xp);
        return false;
    }
    /* Read it all (the CRC is checked at the close), keeping its first and
       last bytes: a part cut short and zipped whole has a good CRC, so an
       XML part must also end with its root's end tag. */
    char head[512], tail[128];
    size_t head_n = 0, tail_n = 0;
    /* A worksheet's cells, counted across reads ("<c r=" may straddle). */
    size_t sheet_no = 0;
    if (sscanf(name, "xl/worksheets/sheet%zu.xml", &sheet_no) != 1)
        sheet_no = 0;
    uint64_t found = 0;
    char carry[8] = "";
    int n;
    while ((n = unzReadCurrentFile(zf, buf, 64 * 1024)) > 0) {
        size_t got = (size_t)n;
        if (xp && parsed && XML_Parse(xp, buf, n, 0) == XML_STATUS_ERROR)
            parsed = false;
        if (sheet_no) {
            char joint[16];
            size_t cl = strlen(carry), take = got < 4 ? got : 4;
            memcpy(joint, carry, cl);
            memcpy(joint + cl, buf, take);
            joint[cl + take] = '\0';
            for (const char *p = joint; (p = strstr(p, "<c r=")) != NULL; p++)
                found += (size_t)(p - joint) < cl; /* begins in the carry */
            for (const char *p = buf; (p = memmem(p, got - (size_t)(p - buf), "<c r=", 5)); p++)
                found++;
            size_t keep = got < 4 ? got : 4;
            memcpy(carry, buf + got - keep, keep);
            carry[keep] = '\0';
        }
        if (head_n < sizeof head) {
            size_t k = got < sizeof head - head_n ? got : sizeof head - head_n;
            memcpy(head + head_n, buf, k);
            head_n += k;
        }
        if (got >= sizeof tail) {
            memcpy(tail, buf + got - sizeof tail, sizeof tail);
            tail_n = sizeof tail;
        } else {
            size_t keep = tail_n + got > sizeof tail ? sizeof tail - got : tail_n;
            memmove(tail, tail + tail_n - keep, keep);
            memcpy(tail + keep, buf, got);
            tail_n = keep + got;
        }
    }
    int closed = unzCloseCurrentFile(zf);
    if (xp && parsed && XML_Parse(xp, buf, 0, 1) == XML_STATUS_ERROR)
        parsed = false;
    if (xp && !parsed)
        snprintf(xml_error, sizeof xml_error, "line %lu, column %lu: %s",
                 (unsigned long)XML_GetCurrentLineNumber(xp),
                 (unsigned long)XML_GetCurrentColumnNumber(xp) + 1,
                 XML_ErrorString(XML_GetErrorCode(xp)));
    bool no_memory = xp && !parsed && XML_GetErrorCode(xp) == XML_ERROR_NO_MEMORY;
    if (xp)
        XML_ParserFree(xp);
    if (n < 0 || closed != UNZ_OK) {
        snprintf(pc->why, sizeof pc->why, "part %s is damaged (%s)", name,
                 closed == UNZ_CRCERROR ? "CRC mismatch" : "truncated");
        return false;
    }
    char root[64];
    if (is_xml && (!xml_root(head, head_n, root, sizeof root) || !xml_whole(root, tail, tail_n))) {
        snprintf(pc->why, sizeof pc->why, "part %s is cut short", name);
        return false;
    }
    if (no_memory) {
        snprintf(pc->why, sizeof pc->why, "out of memory");
        return false;
    }
    if (!parsed) {
        /* Whole, but not XML: a fault of the writer, never of the disk. */
        snprintf(pc->why, sizeof pc->why, "part %.96s is not well-formed XML at %.150s", name,
                 xml_error);
        pc->malformed = true;
        return false;
    }
    if (cells && sheet_no && sheet_no < nsheets && found != cells[sheet_no]) {
        snprintf(pc->why, sizeof pc->why, "%s holds %" PRIu64 " cells of the %" PRIu64 " written",
                 name, found, cells[sheet_no]);
        return false;
    }
    return true;
}

/* Checks the parts given to one worker, through its own handle. */
static void *verify_parts(void *arg)
{
    verify_job *v = arg;
    unzFile zf = unzOpen(v->path);
    char *buf = malloc(64 * 1024);
    for (size_t i = 0; i < v->nparts; i++) {
        part_check *pc = &v->parts[i];
        if (pc->worker != v->worker)
            continue;
        if (!zf || !buf)
            snprintf(pc->why, sizeof pc->why, !buf ? "out of memory" : "the file cannot be read");
        else if (unzLocateFile(zf, pc->name, 1) != UNZ_OK)
            snprintf(pc->why, sizeof pc->why, "part %s cannot be found", pc->name);
        else
            pc->ok = check_part(zf, buf, pc, v->cells, v->nsheets);
    }
    free(buf);
    if (zf)
        unzClose(zf);
    return NULL;
}

/*
 * Every part is read back whole; the big ones are shared out over two
 * threads, each with its own handle on the archive, and the first problem
 * in archive order is the one told.
 */
int cm_xlsx_verify_cells(const char *path, const uint64_t *cells, size_t nsheets, char *why,
                         size_t why_size)
{
    unzFile zf = unzOpen(path);
    if (!zf) {
        snprintf(why, why_size, "the file is not a whole zip archive");
        return -1;
    }
    part_check *parts = NULL;
    size_t nparts = 0, cap = 0;
    bool workbook = false, types = false;
    int rc = unzGoToFirstFile(zf);
    for (; rc == UNZ_OK; rc = unzGoToNextFile(zf)) {
        if (nparts == cap) {
            cap = cap ? cap * 2 : 32;
            part_check *grown = realloc(parts, cap * sizeof *grown);
            if (!grown) {
                free(parts);
                unzClose(zf);
                snprintf(why, why_size, "out of memory");
                return -1;
            }
            parts = grown;
        }
        part_check *pc = &parts[nparts];
        memset(pc, 0, sizeof *pc);
        unz_file_info fi;
        if (unzGetCurrentFileInfo(zf, &fi, pc->name, sizeof pc->name, NULL, 0, NULL, 0) != UNZ_OK) {
            free(parts);
            unzClose(zf);
            snprintf(why, why_size, "part %zu cannot be read", nparts + 1);
            return -1;
        }
        pc->size = fi.uncompressed_size;
        workbook |= strcmp(pc->name, "xl/workbook.xml") == 0;
        types |= strcmp(pc->name, "[Content_Types].xml") == 0;
        nparts++;
    }
    unzClose(zf);
    if (rc != UNZ_END_OF_LIST_OF_FILE || !workbook || !types) {
        free(parts);
        snprintf(why, why_size, "the archive is incomplete");
        return -1;
    }
    /* Each part, in archive order, to the worker with less to read so far:
       the few large sheets end up on both. */
    uint64_t load[2] = {0, 0};
    for (size_t i = 0; i < nparts; i++) {
        parts[i].worker = load[1] < load[0];
        load[parts[i].worker] += parts[i].size;
    }
    verify_job jobs[2];
    for (int w = 0; w < 2; w++)
        jobs[w] = (verify_job){path, cells, nsheets, parts, nparts, w, 0};
    bool started = pthread_create(&jobs[1].thread, NULL, verify_parts, &jobs[1]) == 0;
    verify_parts(&jobs[0]);
    if (started)
        pthread_join(jobs[1].thread, NULL);
    else
        verify_parts(&jobs[1]);
    int result = 0;
    for (size_t i = 0; i < nparts; i++) {
        if (!parts[i].ok) {
            snprintf(why, why_size, "%s", parts[i].why);
            result = parts[i].malformed ? -2 : -1;
            break;
        }
    }
    free(parts);
    return result;
}

static cm_status fail_io(const char *path, cm_diag *diag, const char *what)
{
    cm_loc loc = {path, 0, 0};
    cm_diag_report(diag, CM_SEV_ERROR, &loc, "%s; the file was not changed", what);
    return CM_ERR_IO;
}

/*
 * Writes and checks the workbook in tmp (run in a child process: see
 * cm_xlsx_write). Returns the status; never renames or removes tmp.
 */
static cm_status write_book(const char *path, const char *tmp, char *dir, uint32_t *names,
                            const cm_dataset *ds, const cm_results *results, const cm_rules *rules,
                            const cm_hit *hits, size_t nhits, const cm_report_info *info,
                            cm_diag *diag)
{
    cm_loc loc = {path, 0, 0};
    book b = {0};
    b.ds = ds;
    b.res = results;
    b.rules = rules;
    b.hits = hits;
    b.nhits = nhits;
    b.info = info;
    b.names = names;
    /* libxlsxwriter reads a time of 0 as "now": the epoch itself
       (SOURCE_DATE_EPOCH=0) is written one second past it, in the document
       properties and on the Summary and Sources sheets alike. */
    b.created = info->created ? info->created : 1;
    cm_status st = CM_OK;
    gathered g = {0};
    sheet summary, areas, flows, diversity, services, flags, charts, definitions, sources;
    memset(&summary, 0, sizeof summary);
    areas = flows = diversity = services = flags = charts = definitions = sources = summary;
    sheet *all[] = {&summary, &areas,  &flows,       &diversity, &services,
                    &flags,   &charts, &definitions, &sources};

    later_digests later;
    digests_start(&later, ds);
    b.later = &later;

    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = dir, .use_zip64 = 0};
    b.wb = workbook_new_opt(tmp, &opt);
    if (!b.wb) {
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "cannot create the workbook");
        st = CM_ERR_CANTCREAT;
        goto done;
    }
    struct tm tm;
    gmtime_r(&info->created, &tm);
    /* The document properties' text is escaped as cells are (ours holds
       nothing to escape, but nothing reaches the XML unescaped). */
    static const char *const prop_text[] = {"citymig report",
                                            "Migration and urbanization indicators",
                                            ("Written by citymig " CITYMIG_VERSION)};
    char *prop_own[3] = {NULL, NULL, NULL};
    const char *prop[3];
    for (size_t k = 0; k < 3; k++) {
        bool cut;
        prop[k] = xml_text(prop_text[k], &cut, &prop_own[k]);
        if (!prop[k])
            check(&b, LXW_ERROR_MEMORY_MALLOC_FAILED);
    }
    /* libxlsxwriter copies these and never writes through them. */
    lxw_doc_properties props = {.title = (char *)prop[0],
                                .subject = (char *)prop[1],
                                .comments = (char *)prop[2],
                                .created = b.created};
    if (prop[0] && prop[1] && prop[2])
        check(&b, workbook_set_properties(b.wb, &props));
    for (size_t k = 0; k < 3; k++)
        free(prop_own[k]);
    make_formats(&b);

    st = gather(&b, &g);
    if (st != CM_OK)
        goto close;

    /* Count the rows of each sheet. */
    size_t n_areas = 0, n_flows = 0, n_div = 0, n_services = 0;
    for (size_t i = 0; i < results->count; i = group_end(results, i)) {
        size_t j = group_end(results, i);
        n_areas += group_has_scope(&b, i, j, CM_SCOPE_AREA);
        n_div += group_has_scope(&b, i, j, CM_SCOPE_DIVERSITY);
        n_flows += results->items[i].kind != CM_KIND_NONE;
        n_services += results->items[i].service != 0;
    }

    static const char *const area_fixed[] = {"area_id", "name",      "level",     "parent_id",
                                             "year",    "base_year", "population"};
    static const char *const flow_fixed[] = {"area_id", "name", "year", "kind"};
    static const char *const div_fixed[] = {"area_id", "name", "year", "top_origin"};
    static const char *const svc_fixed[] = {"area_id", "name", "year", "service"};
    static const char *const flag_cols[] = {"rule_id", "severity",  "area_id",    "name",
                                            "year",    "kind",      "service",    "indicator",
                                            "value",   "condition", "conclusion", "sdg"};
    static const char *const def_cols[] = {"indicator", "title",  "unit",      "computed per",
                                           "formula",   "inputs", "edge cases"};
    const char *ah[160], *fh[160], *dh[64], *sh[64];
    char af[128][48], gf[128][48], ff[128][48], sf[128][48], df[128][48], vf[128][48], cf[128][48];
    columns ca, cg, cfl, csy, cdv, csv, ccv;
    size_t na = 7, nf = 4, nd = 4, ns = 4;
    memcpy(ah, area_fixed, sizeof area_fixed);
    memcpy(fh, flow_fixed, sizeof flow_fixed);
    memcpy(dh, div_fixed, sizeof div_fixed);
    memcpy(sh, svc_fixed, sizeof svc_fixed);
    na = add_scope_headers(&ca, CM_SCOPE_AREA, ah, na, af);
    na = add_scope_headers(&cg, CM_SCOPE_GROWTH, ah, na, gf);
    nf = add_scope_headers(&cfl, CM_SCOPE_FLOW, fh, nf, ff);
    nf = add_scope_headers(&csy, CM_SCOPE_SYSTEM, fh, nf, sf);
    nd = add_scope_headers(&cdv, CM_SCOPE_DIVERSITY, dh, nd, df);
    ns = add_scope_headers(&csv, CM_SCOPE_SERVICE, sh, ns, vf);
    ns = add_scope_headers(&ccv, CM_SCOPE_COVERAGE, sh, ns, cf);

    bool any_chart = g.ncities || g.ninflows || g.ngaps;
    size_t n_defs;
    cm_indicator_defs(&n_defs);
    if ((st = plan(&b, &summary, "Summary", 1, 5, NULL, false)) != CM_OK ||
        (st = plan(&b, &areas, "Areas", n_areas, na, ah, true)) != CM_OK ||
        (st = plan(&b, &flows, "Flows", n_flows, nf, fh, true)) != CM_OK ||
        (st = plan(&b, &diversity, "Diversity", n_div, nd, dh, true)) != CM_OK ||
        (st = plan(&b, &services, "Services", n_services, ns, sh, true)) != CM_OK ||
        (st = plan(&b, &flags, "Flags", nhits, 12, (const char **)flag_cols, true)) != CM_OK ||
        (st = plan(&b, &charts, "Charts", any_chart, 10, NULL, false)) != CM_OK ||
        (st = plan(&b, &definitions, "Definitions", n_defs, 7, (const char **)def_cols, true)) !=
            CM_OK ||
        (st = plan(&b, &sources, "Sources", 1, 10, NULL, false)) != CM_OK)
        goto close;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        b.cells_cap += all[i]->parts;
    b.cells_cap++;
    b.cells = calloc(b.cells_cap, sizeof *b.cells);
    if (!b.cells) {
        st = CM_ERR_NOMEM;
        goto close;
    }
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        /* The Charts sheet is small and kept in memory, so libxlsxwriter can
           cache the text of the cells its charts refer to: readers that do
           not recompute references (LibreOffice) then show the titles and
           series names. Every other sheet streams (constant memory). The
           mode of a sheet is taken from the workbook's options when it is
           added. */
        if (all[i] == &charts)
            b.wb->options.constant_memory = LXW_FALSE;
        create(&b, all[i]);
        b.wb->options.constant_memory = LXW_TRUE;
    }
    for (size_t p = 0; p < summary.parts; p++) {
        worksheet_set_landscape(summary.ws[p]);
        worksheet_fit_to_pages(summary.ws[p], 1, 0);
    }
    for (size_t p = 0; p < charts.parts; p++) {
        worksheet_set_landscape(charts.ws[p]);
        worksheet_fit_to_pages(charts.ws[p], 1, 1);
    }
    if (b.err != LXW_NO_ERROR)
        goto close;

    write_summary(&b, &summary, &g);
    write_tables(&b, &areas, &flows, &diversity, &services, &ca, &cg, &cfl, &csy, &cdv, &csv, &ccv);
    if (flags.parts)
        write_flags(&b, &flags);
    if (charts.parts)
        write_charts(&b, &charts, &g);
    write_definitions(&b, &definitions);
    if ((st = digests_finish(&later, diag)) != CM_OK)
        goto close;
    write_sources(&b, &sources);
    worksheet_activate(summary.ws[0]);

close:;
    errno = 0;
    lxw_error closed = workbook_close(b.wb);
    int close_errno = errno;
    if (st == CM_OK && b.status != CM_OK)
        st = b.status;
    if (st == CM_OK && (b.err != LXW_NO_ERROR || closed != LXW_NO_ERROR)) {
        lxw_error e = b.err != LXW_NO_ERROR ? b.err : closed;
        /* libxlsxwriter's messages end with a period; the system's reason
           (a full disk, a file size limit) says more. */
        char what[320], reason[200];
        snprintf(reason, sizeof reason, "%s", lxw_strerror(e));
        size_t rl = strlen(reason);
        if (rl && reason[rl - 1] == '.')
            reason[rl - 1] = '\0';
        if (close_errno)
            snprintf(what, sizeof what, "writing the workbook failed: %s (%s)", reason,
                     strerror(close_errno));
        else
            snprintf(what, sizeof what, "writing the workbook failed: %s", reason);
        st = e == LXW_ERROR_MEMORY_MALLOC_FAILED ? CM_ERR_NOMEM
             : e == LXW_ERROR_CREATING_XLSX_FILE ? CM_ERR_CANTCREAT
                                                 : CM_ERR_IO;
        if (st == CM_ERR_NOMEM)
            cm_diag_report(diag, CM_SEV_ERROR, &loc, "out of memory");
        else if (st == CM_ERR_CANTCREAT)
            cm_diag_report(diag, CM_SEV_ERROR, &loc, "cannot create: %s",
                           close_errno ? strerror(close_errno) : lxw_strerror(e));
        else
            fail_io(path, diag, what);
    }
    if (st == CM_OK) {
        /* libxlsxwriter may report success over a short write to one of its
           temporary files: read the archive back before trusting it. */
        char why[320], what[480];
        int verified = cm_xlsx_verify_cells(tmp, b.cells, b.cells_cap, why, sizeof why);
        if (verified == -2) {
            /* Whole but malformed: an internal error, never renamed into place. */
            cm_diag_report(diag, CM_SEV_ERROR, &loc,
                           "internal error: the written workbook is malformed (%s); the file was "
                           "not changed",
                           why);
            st = CM_ERR_INTERNAL;
        } else if (verified != 0) {
            snprintf(what, sizeof what,
                     "the written workbook is damaged (%s; is the disk full, or a file size "
                     "limit reached?)",
                     why);
            st = fail_io(path, diag, what);
        }
    }
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        drop(all[i]);
done:
    if (later.started)
        pthread_join(later.thread, NULL);
    gathered_free(&g);
    free(b.cells);
    return st;
}

/* One line the writer child wrote to standard error: libxlsxwriter's
   "[ERROR][file:line]: text" becomes a note on the workbook ("PATH: note:
   libxlsxwriter: text"); anything else (citymig's own messages) is passed
   on as it is. */
static void relay_line(const char *line, size_t n, const char *path, cm_diag *diag)
{
    const char *text = NULL, *end = line + n;
    if ((n > 7 && strncmp(line, "[ERROR]", 7) == 0) ||
        (n > 9 && strncmp(line, "[WARNING]", 9) == 0)) {
        text = memchr(line, ']', n);
        if (text && text + 1 < end && text[1] == '[')
            text = memchr(text + 1, ']', (size_t)(end - text - 1));
        if (text)
            text += text + 1 < end && text[1] == ':' ? 2 : 1;
    }
    if (!text) {
        fwrite(line, 1, n, stderr);
        return;
    }
    while (text < end && *text == ' ')
        text++;
    while (end > text && (end[-1] == '\n' || end[-1] == '.' || end[-1] == ' '))
        end--;
    cm_loc loc = {path, 0, 0};
    if (end > text)
        cm_diag_report(diag, CM_SEV_NOTE, &loc, "libxlsxwriter: %.*s", (int)(end - text), text);
}

/* Passes on what the writer child wrote to standard error (kept in fd),
   line by line, without allocating. */
static void relay_child_stderr(int fd, const char *path, cm_diag *diag)
{
    if (lseek(fd, 0, SEEK_SET) != 0)
        return;
    char line[2048];
    size_t n = 0;
    for (;;) {
        char buf[4096];
        ssize_t got = read(fd, buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        for (ssize_t i = 0; i < got; i++) {
            line[n++] = buf[i];
            if (buf[i] == '\n' || n == sizeof line) {
                relay_line(line, n, path, diag);
                n = 0;
            }
        }
    }
    if (n)
        relay_line(line, n, path, diag);
    fflush(stderr);
}

cm_status cm_xlsx_write(const char *path, const cm_dataset *ds, const cm_results *results,
                        const cm_rules *rules, const cm_hit *hits, size_t nhits,
                        const cm_report_info *info, cm_diag *diag)
{
    cm_loc loc = {path, 0, 0};
    cm_target target = cm_output_target(path);
    if (target == CM_TARGET_DIRECTORY) {
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "cannot write: is a directory");
        return CM_ERR_CANTCREAT;
    }
    if (target == CM_TARGET_TERMINAL) {
        cm_diag_report(diag, CM_SEV_ERROR, &loc,
                       "will not write a workbook to a terminal: give -o FILE.xlsx");
        return CM_ERR_USAGE;
    }

    /* The temporary file: beside the target, so the rename stays on one
       file system; for a stream target (a device or FIFO, where nothing can
       be created beside it) in the temporary directory, copied out once
       whole. libxlsxwriter's own temporary files go to the same place. */
    const char *base = path;
    char *tmpbase = NULL;
    if (target == CM_TARGET_STREAM) {
        const char *tdir = getenv("TMPDIR");
        if (!tdir || !*tdir)
            tdir = "/tmp";
        size_t tn = strlen(tdir) + sizeof "/citymig-report";
        tmpbase = malloc(tn);
        if (!tmpbase)
            return CM_ERR_NOMEM;
        snprintf(tmpbase, tn, "%s/citymig-report", tdir);
        base = tmpbase;
    }
    size_t n = strlen(base);
    char *tmp = NULL, *dir = malloc(n + 2);
    uint32_t *names = calloc(cm_strpool_count(ds->pool) + 1, sizeof *names);
    if (!dir || !names) {
        free(tmpbase);
        free(dir);
        free(names);
        return CM_ERR_NOMEM;
    }
    memcpy(dir, base, n + 1);
    char *slash = strrchr(dir, '/');
    if (slash)
        slash[1] = '\0';
    else
        snprintf(dir, n + 2, ".");
    int cleanup = -1;
    int fd = cm_tempfile_beside(base, &tmp, &cleanup);
    if (fd < 0) {
        int e = errno;
        free(tmpbase);
        free(dir);
        free(names);
        if (e == ENOMEM)
            return CM_ERR_NOMEM;
        cm_loc tloc = {base, 0, 0};
        cm_diag_report(diag, CM_SEV_ERROR, &tloc, "cannot create: %s", strerror(e));
        return CM_ERR_CANTCREAT;
    }
    close(fd);

    /* Display names of the areas: the first name given to each id. */
    const cm_table *t = ds->areas;
    for (size_t r = 0; r < t->nrows; r++)
        if (t->cols[CM_AREAS_NAME].present[r] && !names[t->cols[CM_AREAS_AREA_ID].v.text[r]])
            names[t->cols[CM_AREAS_AREA_ID].v.text[r]] = t->cols[CM_AREAS_NAME].v.text[r];

    /* The workbook is written by a child process. libxlsxwriter does not
       survive every failed allocation (some crash it, some drop a cell
       without a word): a crash in the child is reported here as out of
       memory, a dropped cell is caught by the read-back, and in both cases
       the file is not renamed into place. */
    fflush(stdout);
    fflush(stderr);
    cm_status st;
    /* The child's standard error is kept in memory and passed on when it
       ends, so that libxlsxwriter's own lines ("[ERROR][file:line]: ...")
       come out in citymig's form. */
    int errfd = memfd_create("citymig-writer-stderr", MFD_CLOEXEC);
    pid_t parent = getpid();
    sigset_t saved;
    cm_signals_block(&saved); /* the child is registered before a signal is handled */
    pid_t pid = fork();
    if (pid == 0) {
        if (cm_signals_child(parent) != 0) {
            cm_cleanup_now();
            _exit(CM_ERR_INTERNAL);
        }
        if (errfd >= 0)
            dup2(errfd, STDERR_FILENO);
        cm_signals_restore(&saved);
        st = write_book(path, tmp, dir, names, ds, results, rules, hits, nhits, info, diag);
        fflush(stderr);
        /* This process's copies: freed so that a leak checker following
           the fork sees nothing lost. */
        free(tmp);
        free(tmpbase);
        free(dir);
        free(names);
        _exit((int)st);
    }
    if (pid > 0)
        cm_cleanup_child(pid);
    cm_signals_restore(&saved);
    if (pid < 0) {
        /* No process to spare: write it here. */
        st = write_book(path, tmp, dir, names, ds, results, rules, hits, nhits, info, diag);
    } else {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        cm_cleanup_child(0);
        if (errfd >= 0)
            relay_child_stderr(errfd, path, diag);
        if (WIFEXITED(status) && WEXITSTATUS(status) < CM_STATUS_COUNT) {
            st = (cm_status)WEXITSTATUS(status);
        } else if (WIFEXITED(status) && WEXITSTATUS(status) > 128) {
            /* A signal stopped the writer (it removed its file): the run
               ends as if the signal had come here. */
            cm_signal_exit(WEXITSTATUS(status) - 128);
        } else if (WIFSIGNALED(status)) {
            cm_diag_report(diag, CM_SEV_ERROR, &loc,
                           "writing the workbook was stopped by signal %d (out of memory?); the "
                           "file was not changed",
                           WTERMSIG(status));
            st = CM_ERR_NOMEM;
        } else {
            st = CM_ERR_INTERNAL;
        }
    }
    if (errfd >= 0)
        close(errfd);
    if (st == CM_OK && target == CM_TARGET_STREAM) {
        st = cm_copy_to_stream(tmp, path, diag);
        unlink(tmp);
    } else if (st == CM_OK) {
        int err = cm_tempfile_install(tmp, path);
        if (err) {
            cm_diag_report(diag, CM_SEV_ERROR, &loc, "write failed: %s (the file was not changed)",
                           strerror(err));
            st = CM_ERR_IO;
        }
    }
    if (st != CM_OK)
        unlink(tmp);
    cm_cleanup_remove(cleanup);
    free(tmp);
    free(tmpbase);
    free(dir);
    free(names);
    return st;
}
