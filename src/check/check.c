/*
 * check.c - published figures against computed ones.
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

/* Does text hold what cm_quote escapes for a terminal (control bytes,
   DEL, bytes that are not UTF-8)? */
static bool needs_quote(const char *text)
{
    size_t len = strlen(text);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x20 || c == 0x7f)
            return true;
    }
    return !cm_utf8_valid(text, len);
}

/* text as the terminal may be shown it: as it is, or, when it holds
   anything cm_quote escapes, quoted and escaped as messages are. */
static const char *shown(const char *text, char *q, size_t size)
{
    return needs_quote(text) ? cm_quote(q, size, text, strlen(text)) : text;
}

/* A figure's name; for a terminal (shown), ids escaped as in messages. */
static void figure_name(const cm_figure *f, char *buf, size_t size, bool terminal)
{
    size_t n;
    const cm_indicator_def *def = &cm_indicator_defs(&n)[f->indicator];
    char qa[CM_QUOTE_SIZE], qs[CM_QUOTE_SIZE];
    const char *area = terminal ? shown(f->area_id, qa, sizeof qa) : f->area_id;
    const char *service = terminal ? shown(f->service, qs, sizeof qs) : f->service;
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

static void tolerance_text(const cm_figure *f, char *buf, size_t size)
{
    char v[40];
    if (f->relative)
        snprintf(buf, size, "%s%%", cm_format_double(f->tolerance * 100, v, sizeof v));
    else
        snprintf(buf, size, "%s", cm_format_double(f->tolerance, v, sizeof v));
}

int cm_figures_write_table(FILE *out, const cm_figures *figures)
{
    size_t width = 6, failed = 0;
    char name[512];
    for (size_t i = 0; i < figures->count; i++) {
        figure_name(&figures->items[i], name, sizeof name, true);
        if (strlen(name) > width)
            width = strlen(name);
    }
    fprintf(out, "%-*s  %12s  %20s  %12s  %9s  %s\n", (int)width, "figure", "expected", "actual",
            "difference", "tolerance", "result");
    /* The table's numbers use '.', whatever the locale, as everything else. */
    for (size_t i = 0; i < figures->count; i++) {
        const cm_figure *f = &figures->items[i];
        char e[40], a[40] = "", d[40] = "", t[40], qr[CM_QUOTE_SIZE];
        figure_name(f, name, sizeof name, true);
        cm_format_double(f->expected, e, sizeof e);
        tolerance_text(f, t, sizeof t);
        if (f->has_actual) {
            /* The actual value exactly; its difference, readably. */
            cm_format_double(f->actual, a, sizeof a);
            snprintf(d, sizeof d, "%+.6g", f->actual - f->expected);
        }
        const char *result = f->verdict == CM_VERDICT_PASS    ? "pass"
                             : f->verdict == CM_VERDICT_DRIFT ? "FAIL (drifted)"
                                                              : "FAIL (no value)";
        fprintf(out, "%-*s  %12s  %20s  %12s  %9s  %s", (int)width, name, e, a, d, t, result);
        if (f->verdict == CM_VERDICT_NO_VALUE)
            fprintf(out, ": %s%s%s", f->flag >= 0 ? cm_flag_str((cm_flag)f->flag) : "",
                    f->flag >= 0 && *f->reason ? ", " : "", shown(f->reason, qr, sizeof qr));
        fputc('\n', out);
        failed += f->verdict != CM_VERDICT_PASS;
    }
    if (failed == 0)
        fprintf(out, "check: all %zu figures within tolerance\n", figures->count);
    else
        fprintf(out, "check: %zu of %zu figures failed\n", failed, figures->count);
    return ferror(out) ? -1 : 0;
}

/*
 * Text for JUnit XML. JUnit has no escape for what XML 1.0 forbids: each
 * C0 control other than TAB, LF and CR, each U+FFFE and U+FFFF, and each
 * byte that is not UTF-8 is replaced by U+FFFD, the replacement character.
 * CR is written as a character reference (a parser would turn CR LF into
 * LF), and so are TAB and LF in an attribute (a parser would turn them into
 * spaces).
 */
static void xml_text(FILE *out, const char *s, bool attribute)
{
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = cm_utf8_decode(s + i, len - i, &cp);
        if (n == 0 || !cm_xml_char_ok(cp)) {
            fputs("\xEF\xBF\xBD", out);
            i += n ? n : 1;
            continue;
        }
        switch (cp) {
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '&':
            fputs("&amp;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\r':
            fputs("&#13;", out);
            break;
        case '\n':
        case '\t':
            if (attribute)
                fprintf(out, "&#%u;", (unsigned)cp);
            else
                fputc((int)cp, out);
            break;
        default:
            fwrite(s + i, 1, n, out);
        }
        i += n;
    }
}

int cm_figures_write_junit(FILE *out, const cm_figures *figures, const char *dataset)
{
    size_t failed = 0;
    for (size_t i = 0; i < figures->count; i++)
        failed += figures->items[i].verdict != CM_VERDICT_PASS;
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(out, "<testsuites tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n", figures->count,
            failed);
    fputs("  <testsuite name=\"citymig check ", out);
    xml_text(out, dataset, true);
    fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\">\n", figures->count,
            failed);
    for (size_t i = 0; i < figures->count; i++) {
        const cm_figure *f = &figures->items[i];
        char name[512], e[40], a[40], t[40], d[40], message[512];
        cm_figure_name(f, name, sizeof name);
        fputs("    <testcase classname=\"citymig.check\" name=\"", out);
        xml_text(out, name, true);
        if (f->verdict == CM_VERDICT_PASS) {
            fputs("\"/>\n", out);
            continue;
        }
        cm_format_double(f->expected, e, sizeof e);
        tolerance_text(f, t, sizeof t);
        if (f->verdict == CM_VERDICT_DRIFT)
            snprintf(message, sizeof message,
                     "expected %s (tolerance %s), actual %s, difference %s", e, t,
                     cm_format_double(f->actual, a, sizeof a),
                     cm_format_double(f->actual - f->expected, d, sizeof d));
        else
            snprintf(message, sizeof message, "expected %s, but there is no value: %s%s%s", e,
                     f->flag >= 0 ? cm_flag_str((cm_flag)f->flag) : "",
                     f->flag >= 0 && *f->reason ? ", " : "", f->reason);
        fputs("\">\n      <failure message=\"", out);
        xml_text(out, message, true);
        fputs("\">", out);
        xml_text(out, message, false);
        if (*f->source) {
            fputs("\nsource: ", out);
            xml_text(out, f->source, false);
        }
        fputs("</failure>\n    </testcase>\n", out);
    }
    fputs("  </testsuite>\n</testsuites>\n", out);
    return ferror(out) ? -1 : 0;
}
