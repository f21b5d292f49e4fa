/*
 * longtable.c - the long indicator table as CSV or JSON.
 *
 * The two formats are two implementations of one small writer interface
 * (begin, row, end) with a sticky error flag, so the walk over the results
 * is written once.
 */
#include "citymig/longtable.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "citymig/value.h"

typedef struct writer writer;

struct writer {
    FILE *out;
    const cm_results *results;
    const cm_rules *rules;
    bool first;
    void (*begin)(writer *w, const char *dataset);
    void (*row)(writer *w, const cm_result *r, const cm_hit *hits, size_t nhits);
    void (*end)(writer *w, const cm_hit *hits, size_t nhits);
};

/* ---- CSV (RFC 4180) ---------------------------------------------------- */

static void csv_text(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void put_number(FILE *out, double v)
{
    char buf[40];
    fputs(cm_format_double(v, buf, sizeof buf), out);
}

static bool has_value(const cm_result *r)
{
    return r->flag == CM_FLAG_OK || r->flag == CM_FLAG_PUBLISHED;
}

static const char *str(const cm_results *res, uint32_t id)
{
    return cm_strpool_str(res->pool, id);
}

static void csv_begin(writer *w, const char *dataset)
{
    (void)dataset;
    fputs("area_id,year,base_year,kind,service,origin,indicator,value,unit,numerator,"
          "denominator,flag,reason,rules\r\n",
          w->out);
}

static void csv_row(writer *w, const cm_result *r, const cm_hit *hits, size_t nhits)
{
    FILE *out = w->out;
    size_t ndefs;
    const cm_indicator_def *def = &cm_indicator_defs(&ndefs)[r->indicator];
    csv_text(out, str(w->results, r->area));
    fprintf(out, ",%" PRId32 ",", r->year);
    if (r->base_year)
        fprintf(out, "%" PRId32, r->base_year);
    fputc(',', out);
    fputs(cm_kind_str(r->kind), out);
    fputc(',', out);
    csv_text(out, str(w->results, r->service));
    fputc(',', out);
    csv_text(out, str(w->results, r->origin));
    fprintf(out, ",%s,", def->id);
    if (has_value(r))
        put_number(out, r->value);
    fputc(',', out);
    csv_text(out, cm_unit_str(def->unit));
    fputc(',', out);
    if (r->has_numerator)
        put_number(out, r->numerator);
    fputc(',', out);
    if (r->has_denominator)
        put_number(out, r->denominator);
    fprintf(out, ",%s,", cm_flag_str((cm_flag)r->flag));
    csv_text(out, str(w->results, r->reason));
    fputc(',', out);
    for (size_t i = 0; i < nhits; i++) {
        if (i)
            fputc(';', out);
        fputs(w->rules->items[hits[i].rule].id, out);
    }
    fputs("\r\n", out);
}

static void csv_end(writer *w, const cm_hit *hits, size_t nhits)
{
    (void)w, (void)hits, (void)nhits;
}

/* ---- JSON -------------------------------------------------------------- */

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        default:
            if (*p < 0x20)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

/* A string, or null when empty. */
static void json_opt(FILE *out, const char *s)
{
    if (*s)
        json_string(out, s);
    else
        fputs("null", out);
}

static void json_begin(writer *w, const char *dataset)
{
    fputs("{\n  \"dataset\": ", w->out);
    json_string(w->out, dataset);
    fputs(",\n  \"indicators\": [", w->out);
    w->first = true;
}

static void json_row(writer *w, const cm_result *r, const cm_hit *hits, size_t nhits)
{
    FILE *out = w->out;
    size_t ndefs;
    const cm_indicator_def *def = &cm_indicator_defs(&ndefs)[r->indicator];
    fputs(w->first ? "\n    {" : ",\n    {", out);
    w->first = false;
    fputs("\"area_id\": ", out);
    json_opt(out, str(w->results, r->area));
    fprintf(out, ", \"year\": %" PRId32 ", \"base_year\": ", r->year);
    if (r->base_year)
        fprintf(out, "%" PRId32, r->base_year);
    else
        fputs("null", out);
    fputs(", \"kind\": ", out);
    json_opt(out, cm_kind_str(r->kind));
    fputs(", \"service\": ", out);
    json_opt(out, str(w->results, r->service));
    fputs(", \"origin\": ", out);
    json_opt(out, str(w->results, r->origin));
    fprintf(out, ", \"indicator\": \"%s\", \"value\": ", def->id);
    if (has_value(r))
        put_number(out, r->value);
    else
        fputs("null", out);
    fputs(", \"unit\": ", out);
    json_string(out, cm_unit_str(def->unit));
    fputs(", \"numerator\": ", out);
    if (r->has_numerator)
        put_number(out, r->numerator);
    else
        fputs("null", out);
    fputs(", \"denominator\": ", out);
    if (r->has_denominator)
        put_number(out, r->denominator);
    else
        fputs("null", out);
    fprintf(out, ", \"flag\": \"%s\", \"reason\": ", cm_flag_str((cm_flag)r->flag));
    json_opt(out, str(w->results, r->reason));
    fputs(", \"rules\": [", out);
    for (size_t i = 0; i < nhits; i++) {
        if (i)
            fputs(", ", out);
        json_string(out, w->rules->items[hits[i].rule].id);
    }
    fputs("]}", out);
}

static void json_end(writer *w, const cm_hit *hits, size_t nhits)
{
    FILE *out = w->out;
    fputs(w->first ? "],\n  \"rule_hits\": [" : "\n  ],\n  \"rule_hits\": [", out);
    for (size_t i = 0; i < nhits; i++) {
        const cm_rule *rule = &w->rules->items[hits[i].rule];
        const cm_result *r = &w->results->items[hits[i].result];
        size_t ndefs;
        const cm_indicator_def *def = &cm_indicator_defs(&ndefs)[r->indicator];
        fputs(i ? ",\n    {" : "\n    {", out);
        fputs("\"rule_id\": ", out);
        json_string(out, rule->id);
        fprintf(out, ", \"severity\": \"%s\", \"area_id\": ", cm_rule_severity_str(rule->severity));
        json_opt(out, str(w->results, r->area));
        fprintf(out, ", \"year\": %" PRId32 ", \"kind\": ", r->year);
        json_opt(out, cm_kind_str(r->kind));
        fputs(", \"service\": ", out);
        json_opt(out, str(w->results, r->service));
        fprintf(out, ", \"indicator\": \"%s\", \"value\": ", def->id);
        put_number(out, r->value);
        fprintf(out, ", \"op\": \"%s\", \"threshold\": ", cm_op_str(rule->op));
        put_number(out, rule->threshold);
        fputs(", \"conclusion\": ", out);
        json_string(out, rule->conclusion);
        fputs(", \"sdg\": ", out);
        json_opt(out, rule->sdg);
        fputs("}", out);
    }
    fputs(nhits ? "\n  ]\n}\n" : "]\n}\n", out);
}

int cm_longtable_write(FILE *out, cm_format format, const char *dataset, const cm_results *results,
                       const cm_rules *rules, const cm_hit *hits, size_t nhits)
{
    writer w = {out, results, rules, true, csv_begin, csv_row, csv_end};
    if (format == CM_FORMAT_JSON) {
        w.begin = json_begin;
        w.row = json_row;
        w.end = json_end;
    }
    w.begin(&w, dataset);
    size_t h = 0;
    for (size_t i = 0; i < results->count && !ferror(out); i++) {
        size_t from = h;
        while (h < nhits && hits[h].result == i)
            h++;
        w.row(&w, &results->items[i], hits + from, h - from);
    }
    w.end(&w, hits, nhits);
    return ferror(out) ? -1 : 0;
}

int cm_hits_write_csv(FILE *out, const cm_results *results, const cm_rules *rules,
                      const cm_hit *hits, size_t nhits)
{
    fputs("rule_id,severity,area_id,year,base_year,kind,service,origin,indicator,value,op,"
          "threshold,conclusion,sdg\r\n",
          out);
    for (size_t i = 0; i < nhits && !ferror(out); i++) {
        const cm_rule *rule = &rules->items[hits[i].rule];
        const cm_result *r = &results->items[hits[i].result];
        size_t ndefs;
        const cm_indicator_def *def = &cm_indicator_defs(&ndefs)[r->indicator];
        csv_text(out, rule->id);
        fprintf(out, ",%s,", cm_rule_severity_str(rule->severity));
        csv_text(out, str(results, r->area));
        fprintf(out, ",%" PRId32 ",", r->year);
        if (r->base_year)
            fprintf(out, "%" PRId32, r->base_year);
        fprintf(out, ",%s,", cm_kind_str(r->kind));
        csv_text(out, str(results, r->service));
        fputc(',', out);
        csv_text(out, str(results, r->origin));
        fprintf(out, ",%s,", def->id);
        put_number(out, r->value);
        fprintf(out, ",%s,", cm_op_str(rule->op));
        put_number(out, rule->threshold);
        fputc(',', out);
        csv_text(out, rule->conclusion);
        fputc(',', out);
        csv_text(out, rule->sdg);
        fputs("\r\n", out);
    }
    return ferror(out) ? -1 : 0;
}
