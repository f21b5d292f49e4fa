/*
 * check.c - published figures against computed ones: the figures file read,
 * each figure compared with the results, and named. The table and the JUnit
 * XML are written in src/write/ (checktable.c, junit.c).
 */
#include "citymig/check.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "citymig/csvread.h"
#include "citymig/utf8.h"
#include "citymig/value.h"

enum col {
    C_AREA_ID,
    C_YEAR,
    C_INDICATOR,
    C_EXPECTED,
    C_TOLERANCE,
    C_BASE_YEAR,
    C_KIND,
    C_SERVICE,
    C_SOURCE,
    C_COUNT
};
static const char *const col_names[C_COUNT] = {"area_id",  "year",      "indicator",
                                               "expected", "tolerance", "base_year",
                                               "kind",     "service",   "source"};
enum { C_REQUIRED = C_BASE_YEAR }; /* the first optional column */

typedef struct parser {
    const char *name;
    cm_diag *diag;
    cm_figures *out;
    size_t errors;
    bool have_header;
    int map[64];
    size_t nheader;
    bool mapped[C_COUNT];
    char *field[C_COUNT];
    cm_csv_pos pos[C_COUNT];
} parser;

static void error_at(parser *p, cm_csv_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void error_at(parser *p, cm_csv_pos pos, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    cm_loc loc = {p->name, pos.line, pos.col};
    cm_diag_report(p->diag, CM_SEV_ERROR, &loc, "%s", text);
    p->errors++;
}

static void clear(parser *p)
{
    for (int c = 0; c < C_COUNT; c++) {
        free(p->field[c]);
        p->field[c] = NULL;
    }
}

static cm_status on_field(void *ctx, size_t index, const char *s, size_t len, const cm_csv_pos *pos)
{
    parser *p = ctx;
    if (!p->have_header) {
        if (index >= sizeof p->map / sizeof p->map[0]) {
            error_at(p, *pos, "too many columns in the header");
            return CM_ERR_DATA;
        }
        p->map[index] = -1;
        p->nheader = index + 1;
        for (int c = 0; c < C_COUNT; c++) {
            if (strlen(col_names[c]) == len && strncmp(col_names[c], s, len) == 0) {
                if (p->mapped[c])
                    error_at(p, *pos, "column '%s' appears twice", col_names[c]);
                p->mapped[c] = true;
                p->map[index] = c;
                return CM_OK;
            }
        }
        char q[CM_QUOTE_SIZE];
        error_at(p, *pos,
                 "unknown column %s (expected area_id, year, indicator, expected, tolerance, "
                 "and optionally base_year, kind, service, source)",
                 cm_quote(q, sizeof q, s, len));
        return CM_OK;
    }
    if (index >= p->nheader || p->map[index] < 0)
        return CM_OK;
    int c = p->map[index];
    free(p->field[c]);
    p->field[c] = strndup(s, len);
    p->pos[c] = *pos;
    return p->field[c] ? CM_OK : CM_ERR_NOMEM;
}

static const char *field(const parser *p, int c)
{
    return p->field[c] ? p->field[c] : "";
}

static cm_status on_record(void *ctx, size_t nfields, const cm_csv_pos *start)
{
    parser *p = ctx;
    char q[CM_QUOTE_SIZE];
    if (!p->have_header) {
        p->have_header = true;
        bool complete = true;
        for (int c = 0; c < C_REQUIRED; c++) {
            if (!p->mapped[c]) {
                cm_csv_pos at = {start->line, 0, NULL};
                error_at(p, at, "missing required column '%s'", col_names[c]);
                complete = false;
            }
        }
        /* An unknown column is an error, but the rows can still be read and
           their problems listed too. */
        return complete ? CM_OK : CM_ERR_DATA;
    }
    if (nfields != p->nheader) {
        cm_csv_pos at = {start->line, 0, NULL};
        error_at(p, at, "%zu fields, but the header has %zu", nfields, p->nheader);
        clear(p);
        return CM_OK;
    }
    cm_figure f = {0};
    bool ok = true;
    f.line = start->line;
    const char *v = field(p, C_YEAR);
    if (cm_parse_year(v, strlen(v), &f.year) != CM_PARSE_OK) {
        error_at(p, p->pos[C_YEAR], "column 'year': %s is not a year (1800 to 2200)",
                 cm_quote(q, sizeof q, v, strlen(v)));
        ok = false;
    }
    v = field(p, C_BASE_YEAR);
    if (*v && cm_parse_year(v, strlen(v), &f.base_year) != CM_PARSE_OK) {
        error_at(p, p->pos[C_BASE_YEAR], "column 'base_year': %s is not a year",
                 cm_quote(q, sizeof q, v, strlen(v)));
        ok = false;
    }
    v = field(p, C_INDICATOR);
    f.indicator = cm_indicator_find(v);
    if (f.indicator < 0) {
        error_at(p, p->pos[C_INDICATOR],
                 "column 'indicator': unknown indicator %s (see docs/indicators.md for the ids)",
                 cm_quote(q, sizeof q, v, strlen(v)));
        ok = false;
    }
    v = field(p, C_EXPECTED);
    cm_parse_error pe = cm_parse_number(v, strlen(v), &f.expected);
    if (pe != CM_PARSE_OK) {
        error_at(p, p->pos[C_EXPECTED],
                 "column 'expected': %s is not a number (%s; expected a decimal number such as "
                 "13.1)",
                 cm_quote(q, sizeof q, v, strlen(v)), cm_parse_error_str(pe));
        ok = false;
    }
    v = field(p, C_TOLERANCE);
    size_t len = strlen(v);
    f.relative = len > 0 && v[len - 1] == '%';
    pe = cm_parse_number(v, f.relative ? len - 1 : len, &f.tolerance);
    if (pe != CM_PARSE_OK || f.tolerance < 0) {
        error_at(p, p->pos[C_TOLERANCE],
                 "column 'tolerance': %s is not a tolerance (expected an absolute one such as "
                 "0.05, or a relative one such as 1%%)",
                 cm_quote(q, sizeof q, v, len));
        ok = false;
    }
    if (f.relative)
        f.tolerance /= 100.0;
    v = field(p, C_KIND);
    f.kind = CM_KIND_NONE;
    if (*v) {
        static const char *const kinds[] = {"internal", "international", "all"};
        for (int k = 0; k < 3; k++)
            if (strcmp(v, kinds[k]) == 0)
                f.kind = k;
        if (f.kind == CM_KIND_NONE) {
            error_at(p, p->pos[C_KIND],
                     "column 'kind': unknown kind %s (expected internal, international or all)",
                     cm_quote(q, sizeof q, v, strlen(v)));
            ok = false;
        }
    }
    /* Ids with a control character: a damaged file, as in a table. */
    static const int ids[] = {C_AREA_ID, C_SERVICE};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        size_t at;
        char why[64];
        v = field(p, ids[i]);
        if (!cm_text_check(v, strlen(v), false, &at, why, sizeof why)) {
            error_at(p, p->pos[ids[i]],
                     "column '%s': %s has %s at character %zu; expected an identifier of text: "
                     "XML 1.0, in which reports are written, forbids it (is the file damaged?)",
                     col_names[ids[i]], cm_quote(q, sizeof q, v, strlen(v)), why, at);
            ok = false;
        }
    }
    if (!ok) {
        clear(p);
        return CM_OK;
    }
    f.area_id = p->field[C_AREA_ID] ? p->field[C_AREA_ID] : strdup("");
    f.service = p->field[C_SERVICE] ? p->field[C_SERVICE] : strdup("");
    f.source = p->field[C_SOURCE] ? p->field[C_SOURCE] : strdup("");
    p->field[C_AREA_ID] = p->field[C_SERVICE] = p->field[C_SOURCE] = NULL;
    clear(p);
    cm_figure *items = realloc(p->out->items, (p->out->count + 1) * sizeof *items);
    if (!items || !f.area_id || !f.service || !f.source) {
        free(f.area_id);
        free(f.service);
        free(f.source);
        if (items)
            p->out->items = items;
        return CM_ERR_NOMEM;
    }
    p->out->items = items;
    items[p->out->count++] = f;
    return CM_OK;
}

void cm_figures_free(cm_figures *figures)
{
    for (size_t i = 0; i < figures->count; i++) {
        free(figures->items[i].area_id);
        free(figures->items[i].service);
        free(figures->items[i].source);
    }
    free(figures->items);
    figures->items = NULL;
    figures->count = 0;
}

cm_status cm_figures_load(const char *path, cm_diag *diag, cm_figures *out)
{
    parser p = {0};
    cm_csv_handler h = {on_field, on_record, NULL};
    memset(out, 0, sizeof *out);
    p.name = path;
    p.diag = diag;
    p.out = out;
    cm_status st = cm_csv_read_file(path, path, NULL, &h, &p, diag, NULL, NULL);
    clear(&p);
    if (st == CM_OK && !p.have_header) {
        cm_loc loc = {path, 0, 0};
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "empty figures file: expected a header row");
        st = CM_ERR_DATA;
    }
    if (st == CM_OK && p.errors)
        st = CM_ERR_DATA;
    if (st != CM_OK)
        cm_figures_free(out);
    return st;
}

size_t cm_figures_check(cm_figures *figures, const cm_results *results)
{
    size_t failed = 0;
    for (size_t i = 0; i < figures->count; i++) {
        cm_figure *f = &figures->items[i];
        uint32_t area =
            *f->area_id ? cm_strpool_find(results->pool, f->area_id, strlen(f->area_id)) : 0;
        uint32_t service =
            *f->service ? cm_strpool_find(results->pool, f->service, strlen(f->service)) : 0;
        const cm_result *found = NULL;
        bool known_ids = (!*f->area_id || area) && (!*f->service || service);
        for (size_t r = 0; known_ids && r < results->count && !found; r++) {
            const cm_result *x = &results->items[r];
            if (x->indicator == f->indicator && x->area == area && x->year == f->year &&
                x->kind == f->kind && x->service == service &&
                (f->base_year == 0 || x->base_year == f->base_year))
                found = x;
        }
        f->flag = found ? found->flag : -1;
        f->has_actual = found && (found->flag == CM_FLAG_OK || found->flag == CM_FLAG_PUBLISHED);
        f->reason = !found          ? "no such value in the dataset"
                    : f->has_actual ? ""
                                    : cm_strpool_str(results->pool, found->reason);
        if (!f->has_actual) {
            f->verdict = CM_VERDICT_NO_VALUE;
            failed++;
            continue;
        }
        f->actual = found->value;
        double diff = fabs(f->actual - f->expected);
        double allowed = f->relative ? f->tolerance * fabs(f->expected) : f->tolerance;
        /* A hair of slack for the decimal representation of the bounds. */
        f->verdict = diff <= allowed * (1 + 1e-12) + 1e-12 ? CM_VERDICT_PASS : CM_VERDICT_DRIFT;
        failed += f->verdict != CM_VERDICT_PASS;
    }
    return failed;
}

/* A figure's name; for a terminal (shown), ids shown as in messages. */
static void figure_name(const cm_figure *f, char *buf, size_t size, bool terminal)
{
    size_t n;
    const cm_indicator_def *def = &cm_indicator_defs(&n)[f->indicator];
    char qa[CM_QUOTE_SIZE], qs[CM_QUOTE_SIZE];
    const char *area = terminal ? cm_shown(qa, sizeof qa, f->area_id) : f->area_id;
    const char *service = terminal ? cm_shown(qs, sizeof qs, f->service) : f->service;
    int o = snprintf(buf, size, "%s %" PRId32, *area ? area : "(system)", f->year);
    if (o < 0 || (size_t)o >= size)
        return;
    if (f->base_year)
        o += snprintf(buf + o, size - (size_t)o, " from %" PRId32, f->base_year);
    if (f->kind != CM_KIND_NONE && (size_t)o < size)
        o += snprintf(buf + o, size - (size_t)o, " %s", cm_kind_str(f->kind));
    if (*service && (size_t)o < size)
        o += snprintf(buf + o, size - (size_t)o, " %s", service);
    if ((size_t)o < size)
        snprintf(buf + o, size - (size_t)o, " %s", def->id);
}

void cm_figure_name(const cm_figure *f, char *buf, size_t size)
{
    figure_name(f, buf, size, false);
}

void cm_figure_name_shown(const cm_figure *f, char *buf, size_t size)
{
    figure_name(f, buf, size, true);
}

void cm_figure_tolerance(const cm_figure *f, char *buf, size_t size)
{
    char v[40];
    if (f->relative)
        snprintf(buf, size, "%s%%", cm_format_double(f->tolerance * 100, v, sizeof v));
    else
        snprintf(buf, size, "%s", cm_format_double(f->tolerance, v, sizeof v));
}
