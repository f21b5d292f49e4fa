/*
 * longtable.c - the long indicator table as CSV or JSON.
 *
 * The two formats are two implementations of one small writer interface
 * (begin, row, end), so the walk over the results is written once. Rows
 * are put together in the writer's own buffer and handed to stdio a buffer
 * at a time: no stdio call per field.
 */
#include "citymig/longtable.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "citymig/value.h"

/* Bytes on their way to a stream. */
typedef struct sink {
    FILE *out;
    int err; /* errno of the first failed write; 0 */
    size_t len;
    char buf[32 * 1024];
} sink;

static void write_out(sink *s, const char *p, size_t n)
{
    errno = 0;
    if (fwrite(p, 1, n, s->out) != n && !s->err)
        s->err = errno ? errno : EIO;
}

static void drain(sink *s)
{
    if (s->len)
        write_out(s, s->buf, s->len);
    s->len = 0;
}

static void put(sink *s, const char *p, size_t n)
{
    if (n > sizeof s->buf - s->len) {
        drain(s);
        if (n > sizeof s->buf) {
            write_out(s, p, n);
            return;
        }
    }
    memcpy(s->buf + s->len, p, n);
    s->len += n;
}

/* Drains s: 0, or -1 with errno saying why a write failed. */
static int finish(sink *s)
{
    drain(s);
    if (!s->err && !ferror(s->out))
        return 0;
    errno = s->err ? s->err : EIO;
    return -1;
}

static void put_s(sink *s, const char *text)
{
    put(s, text, strlen(text));
}

static void put_c(sink *s, char c)
{
    if (s->len == sizeof s->buf)
        drain(s);
    s->buf[s->len++] = c;
}

static void put_i32(sink *s, int32_t v)
{
    char buf[12], *p = buf + sizeof buf;
    uint32_t u = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--p = '-';
    put(s, p, (size_t)(buf + sizeof buf - p));
}

static void put_number(sink *s, double v)
{
    char buf[40];
    put_s(s, cm_format_double(v, buf, sizeof buf));
}

typedef struct writer writer;

struct writer {
    sink *out;
    const cm_results *results;
    const cm_rules *rules;
    bool first;
    void (*begin)(writer *w, const char *dataset);
    void (*row)(writer *w, const cm_result *r, const cm_hit *hits, size_t nhits);
    void (*end)(writer *w, const cm_hit *hits, size_t nhits);
};

/* ---- CSV (RFC 4180) ---------------------------------------------------- */

static void csv_text(sink *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        put_s(out, s);
        return;
    }
    put_c(out, '"');
    for (; *s; s++) {
        if (*s == '"')
            put_c(out, '"');
        put_c(out, *s);
    }
    put_c(out, '"');
}

static bool has_value(const cm_result *r)
{
    return r->flag == CM_FLAG_OK || r->flag == CM_FLAG_PUBLISHED;
}

static const char *str(const cm_results *res, uint32_t id)
{
    return cm_strpool_str(res->pool, id);
}

/* text between two separators: ",text," */
static void put_between(sink *out, const char *text)
{
    put_c(out, ',');
    put_s(out, text);
    put_c(out, ',');
}

static void csv_begin(writer *w, const char *dataset)
{
    (void)dataset;
    put_s(w->out, "area_id,year,base_year,kind,service,origin,indicator,value,unit,numerator,"
                  "denominator,flag,reason,rules\r\n");
}

static void csv_row(writer *w, const cm_result *r, const cm_hit *hits, size_t nhits)
{
    sink *out = w->out;
    size_t ndefs;
    const cm_indicator_def *def = &cm_indicator_defs(&ndefs)[r->indicator];
    csv_text(out, str(w->results, r->area));
    put_c(out, ',');
    put_i32(out, r->year);
    put_c(out, ',');
    if (r->base_year)
        put_i32(out, r->base_year);
    put_c(out, ',');
    put_s(out, cm_kind_str(r->kind));
    put_c(out, ',');
    csv_text(out, str(w->results, r->service));
    put_c(out, ',');
    csv_text(out, str(w->results, r->origin));
    put_between(out, def->id);
    if (has_value(r))
        put_number(out, r->value);
    put_c(out, ',');
    csv_text(out, cm_unit_str(def->unit));
    put_c(out, ',');
    if (r->has_numerator)
        put_number(out, r->numerator);
    put_c(out, ',');
    if (r->has_denominator)
        put_number(out, r->denominator);
    put_between(out, cm_flag_str((cm_flag)r->flag));
    csv_text(out, str(w->results, r->reason));
    put_c(out, ',');
    for (size_t i = 0; i < nhits; i++) {
        if (i)
            put_c(out, ';');
        put_s(out, w->rules->items[hits[i].rule].id);
    }
    put(out, "\r\n", 2);
}

static void csv_end(writer *w, const cm_hit *hits, size_t nhits)
{
    (void)w, (void)hits, (void)nhits;
}

/* ---- JSON -------------------------------------------------------------- */

static void json_string(sink *out, const char *s)
{
    put_c(out, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            put(out, "\\\"", 2);
            break;
        case '\\':
            put(out, "\\\\", 2);
            break;
        case '\n':
            put(out, "\\n", 2);
            break;
        case '\r':
            put(out, "\\r", 2);
            break;
        case '\t':
            put(out, "\\t", 2);
            break;
        default:
            if (*p < 0x20) {
                static const char hex[] = "0123456789abcdef";
                char esc[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
                put(out, esc, sizeof esc);
            } else {
                put_c(out, (char)*p);
            }
        }
    }
    put_c(out, '"');
}

/* A string, or null when empty. */
static void json_opt(sink *out, const char *s)
{
    if (*s)
        json_string(out, s);
    else
        put_s(out, "null");
}

static void json_begin(writer *w, const char *dataset)
{
    put_s(w->out, "{\n  \"dataset\": ");
    json_string(w->out, dataset);
    put_s(w->out, ",\n  \"indicators\": [");
    w->first = true;
}

static void json_row(writer *w, const cm_result *r, const cm_hit *hits, size_t nhits)
{
    sink *out = w->out;
    size_t ndefs;
    const cm_indicator_def *def = &cm_indicator_defs(&ndefs)[r->indicator];
    put_s(out, w->first ? "\n    {" : ",\n    {");
    w->first = false;
    put_s(out, "\"area_id\": ");
    json_opt(out, str(w->results, r->area));
    put_s(out, ", \"year\": ");
    put_i32(out, r->year);
    put_s(out, ", \"base_year\": ");
    if (r->base_year)
        put_i32(out, r->base_year);
    else
        put_s(out, "null");
    put_s(out, ", \"kind\": ");
    json_opt(out, cm_kind_str(r->kind));
    put_s(out, ", \"service\": ");
    json_opt(out, str(w->results, r->service));
    put_s(out, ", \"origin\": ");
    json_opt(out, str(w->results, r->origin));
    put_s(out, ", \"indicator\": \"");
    put_s(out, def->id);
    put_s(out, "\", \"value\": ");
    if (has_value(r))
        put_number(out, r->value);
    else
        put_s(out, "null");
    put_s(out, ", \"unit\": ");
    json_string(out, cm_unit_str(def->unit));
    put_s(out, ", \"numerator\": ");
    if (r->has_numerator)
        put_number(out, r->numerator);
    else
        put_s(out, "null");
    put_s(out, ", \"denominator\": ");
    if (r->has_denominator)
        put_number(out, r->denominator);
    else
        put_s(out, "null");
    put_s(out, ", \"flag\": \"");
    put_s(out, cm_flag_str((cm_flag)r->flag));
    put_s(out, "\", \"reason\": ");
    json_opt(out, str(w->results, r->reason));
    put_s(out, ", \"rules\": [");
    for (size_t i = 0; i < nhits; i++) {
        if (i)
            put_s(out, ", ");
        json_string(out, w->rules->items[hits[i].rule].id);
    }
    put_s(out, "]}");
}

static void json_end(writer *w, const cm_hit *hits, size_t nhits)
{
    sink *out = w->out;
    put_s(out, w->first ? "],\n  \"rule_hits\": [" : "\n  ],\n  \"rule_hits\": [");
    for (size_t i = 0; i < nhits; i++) {
        const cm_rule *rule = &w->rules->items[hits[i].rule];
        const cm_result *r = &w->results->items[hits[i].result];
        size_t ndefs;
        const cm_indicator_def *def = &cm_indicator_defs(&ndefs)[r->indicator];
        put_s(out, i ? ",\n    {" : "\n    {");
        put_s(out, "\"rule_id\": ");
        json_string(out, rule->id);
        put_s(out, ", \"severity\": \"");
        put_s(out, cm_rule_severity_str(rule->severity));
        put_s(out, "\", \"area_id\": ");
        json_opt(out, str(w->results, r->area));
        put_s(out, ", \"year\": ");
        put_i32(out, r->year);
        put_s(out, ", \"kind\": ");
        json_opt(out, cm_kind_str(r->kind));
        put_s(out, ", \"service\": ");
        json_opt(out, str(w->results, r->service));
        put_s(out, ", \"indicator\": \"");
        put_s(out, def->id);
        put_s(out, "\", \"value\": ");
        put_number(out, r->value);
        put_s(out, ", \"op\": \"");
        put_s(out, cm_op_str(rule->op));
        put_s(out, "\", \"threshold\": ");
        put_number(out, rule->threshold);
        put_s(out, ", \"conclusion\": ");
        json_string(out, rule->conclusion);
        put_s(out, ", \"sdg\": ");
        json_opt(out, rule->sdg);
        put_s(out, "}");
    }
    put_s(out, nhits ? "\n  ]\n}\n" : "]\n}\n");
}

int cm_longtable_write(FILE *out, cm_format format, const char *dataset, const cm_results *results,
                       const cm_rules *rules, const cm_hit *hits, size_t nhits)
{
    sink buffer, *s = &buffer;
    s->out = out;
    s->err = 0;
    s->len = 0;
    writer w = {s, results, rules, true, csv_begin, csv_row, csv_end};
    if (format == CM_FORMAT_JSON) {
        w.begin = json_begin;
        w.row = json_row;
        w.end = json_end;
    }
    w.begin(&w, dataset);
    size_t h = 0;
    for (size_t i = 0; i < results->count && !s->err; i++) {
        size_t from = h;
        while (h < nhits && hits[h].result == i)
            h++;
        w.row(&w, &results->items[i], hits + from, h - from);
    }
    w.end(&w, hits, nhits);
    return finish(s);
}

int cm_hits_write_csv(FILE *out, const cm_results *results, const cm_rules *rules,
                      const cm_hit *hits, size_t nhits)
{
    sink buffer, *s = &buffer;
    s->out = out;
    s->err = 0;
    s->len = 0;
    put_s(s, "rule_id,severity,area_id,year,base_year,kind,service,origin,indicator,value,op,"
             "threshold,conclusion,sdg\r\n");
    for (size_t i = 0; i < nhits && !s->err; i++) {
        const cm_rule *rule = &rules->items[hits[i].rule];
        const cm_result *r = &results->items[hits[i].result];
        size_t ndefs;
        const cm_indicator_def *def = &cm_indicator_defs(&ndefs)[r->indicator];
        csv_text(s, rule->id);
        put_between(s, cm_rule_severity_str(rule->severity));
        csv_text(s, str(results, r->area));
        put_c(s, ',');
        put_i32(s, r->year);
        put_c(s, ',');
        if (r->base_year)
            put_i32(s, r->base_year);
        put_between(s, cm_kind_str(r->kind));
        csv_text(s, str(results, r->service));
        put_c(s, ',');
        csv_text(s, str(results, r->origin));
        put_between(s, def->id);
        put_number(s, r->value);
        put_between(s, cm_op_str(rule->op));
        put_number(s, rule->threshold);
        put_c(s, ',');
        csv_text(s, rule->conclusion);
        put_c(s, ',');
        csv_text(s, rule->sdg);
        put(s, "\r\n", 2);
    }
    return finish(s);
}
