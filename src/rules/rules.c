/*
 * rules.c - reading rules files and applying them to results.
 *
 * A rules file goes through the same CSV layer as the data, so its errors
 * carry a line and column. The header must name the required columns;
 * every value is checked: a known indicator, an operator, a number, a
 * severity, a unique rule id.
 */
#include "citymig/rules.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "citymig/csvread.h"
#include "citymig/sha256.h"
#include "citymig/value.h"

enum col { C_RULE_ID, C_INDICATOR, C_OP, C_THRESHOLD, C_SEVERITY, C_CONCLUSION, C_SDG, C_COUNT };

static const char *const col_names[C_COUNT] = {"rule_id",  "indicator",  "op", "threshold",
                                               "severity", "conclusion", "sdg"};

static const char *const op_names[] = {"<", "<=", ">", ">=", "==", "!="};
static const char *const severity_names[] = {"info", "warning", "alert"};
_Static_assert(sizeof severity_names / sizeof severity_names[0] == CM_RULE_SEVERITY_COUNT,
               "severity names");

const char *cm_op_str(cm_op op)
{
    return (unsigned)op < sizeof op_names / sizeof op_names[0] ? op_names[op] : "?";
}

const char *cm_rule_severity_str(cm_rule_severity severity)
{
    return (unsigned)severity < CM_RULE_SEVERITY_COUNT ? severity_names[severity] : "?";
}

typedef struct parser {
    const char *name;
    cm_diag *diag;
    cm_rules *rules;
    size_t errors;
    bool have_header;
    int map[64]; /* header field -> col, -1 ignored */
    size_t nheader;
    bool mapped[C_COUNT];
    /* the current record's fields */
    char *field[C_COUNT];
    cm_csv_pos pos[C_COUNT];
    cm_status status;
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

static cm_status on_field(void *ctx, size_t index, const char *s, size_t len, const cm_csv_pos *pos)
{
    parser *p = ctx;
    if (!p->have_header) {
        if (index >= sizeof p->map / sizeof p->map[0]) {
            error_at(p, *pos, "too many columns in the header (at most %zu)",
                     sizeof p->map / sizeof p->map[0]);
            return CM_ERR_DATA;
        }
        p->map[index] = -1;
        p->nheader = index + 1;
        for (int c = 0; c < C_COUNT; c++) {
            if (strlen(col_names[c]) == len && strncmp(col_names[c], s, len) == 0) {
                if (p->mapped[c]) {
                    error_at(p, *pos, "column '%s' appears twice", col_names[c]);
                    return CM_OK;
                }
                p->mapped[c] = true;
                p->map[index] = c;
                return CM_OK;
            }
        }
        char q[CM_QUOTE_SIZE];
        error_at(p, *pos,
                 "unknown column %s (expected rule_id, indicator, op, threshold, severity, "
                 "conclusion, sdg)",
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

static void clear_fields(parser *p)
{
    for (int c = 0; c < C_COUNT; c++) {
        free(p->field[c]);
        p->field[c] = NULL;
    }
}

static cm_status header_end(parser *p, const cm_csv_pos *start)
{
    p->have_header = true;
    for (int c = 0; c < C_SDG; c++) {
        if (!p->mapped[c]) {
            cm_csv_pos at = {start->line, 0, NULL};
            error_at(p, at, "missing required column '%s'", col_names[c]);
        }
    }
    return p->errors ? CM_ERR_DATA : CM_OK;
}

static cm_status on_record(void *ctx, size_t nfields, const cm_csv_pos *start)
{
    parser *p = ctx;
    char q[CM_QUOTE_SIZE];
    if (!p->have_header)
        return header_end(p, start);
    if (nfields != p->nheader) {
        cm_csv_pos at = {start->line, 0, NULL};
        error_at(p, at, "%zu fields, but the header has %zu", nfields, p->nheader);
        clear_fields(p);
        return CM_OK;
    }

    cm_rule rule = {0};
    bool ok = true;
    rule.line = start->line;
    const char *id = p->field[C_RULE_ID];
    size_t at;
    char why[64];
    if (!id || !*id) {
        error_at(p, p->pos[C_RULE_ID], "column 'rule_id': a rule needs an id");
        ok = false;
    } else if (!cm_text_check(id, strlen(id), false, &at, why, sizeof why)) {
        /* An id with a control character: a damaged file, as in a table. */
        error_at(p, p->pos[C_RULE_ID],
                 "column 'rule_id': %s has %s at character %zu; expected an identifier of text: "
                 "XML 1.0, in which reports are written, forbids it (is the file damaged?)",
                 cm_quote(q, sizeof q, id, strlen(id)), why, at);
        ok = false;
    }
    for (size_t i = 0; ok && i < p->rules->count; i++) {
        if (strcmp(p->rules->items[i].id, id) == 0) {
            /* A short id as it is (it is text), a long one cut short. */
            char shown[CM_QUOTE_SIZE];
            if (strlen(id) <= 60)
                snprintf(shown, sizeof shown, "'%s'", id);
            else
                cm_quote(shown, sizeof shown, id, strlen(id));
            error_at(p, p->pos[C_RULE_ID],
                     "column 'rule_id': %s is already the id of the rule at line %" PRIu64, shown,
                     p->rules->items[i].line);
            ok = false;
        }
    }
    const char *ind = p->field[C_INDICATOR];
    rule.indicator = cm_indicator_find(ind ? ind : "");
    if (rule.indicator < 0) {
        error_at(p, p->pos[C_INDICATOR],
                 "column 'indicator': unknown indicator %s (see docs/indicators.md for the ids)",
                 cm_quote(q, sizeof q, ind ? ind : "", ind ? strlen(ind) : 0));
        ok = false;
    }
    const char *op = p->field[C_OP] ? p->field[C_OP] : "";
    size_t o = 0;
    while (o < sizeof op_names / sizeof op_names[0] && strcmp(op_names[o], op) != 0)
        o++;
    if (o == sizeof op_names / sizeof op_names[0]) {
        error_at(p, p->pos[C_OP],
                 "column 'op': unknown operator %s (expected <, <=, >, >=, ==, !=)",
                 cm_quote(q, sizeof q, op, strlen(op)));
        ok = false;
    }
    rule.op = (cm_op)o;
    const char *th = p->field[C_THRESHOLD] ? p->field[C_THRESHOLD] : "";
    cm_parse_error pe = cm_parse_number(th, strlen(th), &rule.threshold);
    if (pe != CM_PARSE_OK) {
        error_at(p, p->pos[C_THRESHOLD],
                 "column 'threshold': %s is not a number (%s; expected a decimal number such as "
                 "-10 or 5.5)",
                 cm_quote(q, sizeof q, th, strlen(th)), cm_parse_error_str(pe));
        ok = false;
    }
    const char *sev = p->field[C_SEVERITY] ? p->field[C_SEVERITY] : "";
    size_t v = 0;
    while (v < CM_RULE_SEVERITY_COUNT && strcmp(severity_names[v], sev) != 0)
        v++;
    if (v == CM_RULE_SEVERITY_COUNT) {
        error_at(p, p->pos[C_SEVERITY],
                 "column 'severity': unknown severity %s (expected info, warning or alert)",
                 cm_quote(q, sizeof q, sev, strlen(sev)));
        ok = false;
    }
    rule.severity = (cm_rule_severity)v;
    if (!p->field[C_CONCLUSION] || !*p->field[C_CONCLUSION]) {
        error_at(p, p->pos[C_CONCLUSION],
                 "column 'conclusion': a rule needs the conclusion it comes from");
        ok = false;
    }
    if (!ok) {
        clear_fields(p);
        return CM_OK;
    }
    cm_rule *items = realloc(p->rules->items, (p->rules->count + 1) * sizeof *items);
    if (!items)
        return CM_ERR_NOMEM;
    p->rules->items = items;
    rule.id = p->field[C_RULE_ID];
    rule.conclusion = p->field[C_CONCLUSION];
    rule.sdg = p->field[C_SDG] ? p->field[C_SDG] : strdup("");
    p->field[C_RULE_ID] = p->field[C_CONCLUSION] = p->field[C_SDG] = NULL;
    clear_fields(p);
    if (!rule.sdg) {
        free(rule.id);
        free(rule.conclusion);
        return CM_ERR_NOMEM;
    }
    items[p->rules->count++] = rule;
    return CM_OK;
}

void cm_rules_free(cm_rules *rules)
{
    for (size_t i = 0; i < rules->count; i++) {
        free(rules->items[i].id);
        free(rules->items[i].conclusion);
        free(rules->items[i].sdg);
    }
    free(rules->items);
    free(rules->source);
    memset(rules, 0, sizeof *rules);
}

cm_status cm_rules_parse(const char *data, size_t len, const char *name, cm_diag *diag,
                         cm_rules *out)
{
    parser p = {0};
    cm_csv_handler h = {on_field, on_record, NULL};
    memset(out, 0, sizeof *out);
    p.name = name;
    p.diag = diag;
    p.rules = out;
    cm_csv *csv = cm_csv_new(NULL, &h, &p, diag, name);
    if (!csv)
        return CM_ERR_NOMEM;
    cm_status st = cm_csv_feed(csv, data, len);
    if (st == CM_OK)
        st = cm_csv_finish(csv);
    cm_csv_free(csv);
    clear_fields(&p);
    if (st == CM_OK && !p.have_header) {
        cm_loc loc = {name, 0, 0};
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "empty rules file: expected a header row");
        st = CM_ERR_DATA;
    }
    if (st == CM_OK && p.errors)
        st = CM_ERR_DATA;
    if (st == CM_OK) {
        out->source = strdup(name);
        cm_sha256_hex(data, len, out->sha256);
    }
    if (st == CM_OK && !out->source)
        st = CM_ERR_NOMEM;
    if (st != CM_OK)
        cm_rules_free(out);
    return st;
}

cm_status cm_rules_load_file(const char *path, cm_diag *diag, cm_rules *out)
{
    cm_loc loc = {path, 0, 0};
    memset(out, 0, sizeof *out);
    /* The path is written into the report: it must be text. */
    if (!cm_input_path_ok(path, "rules file", "rename it", diag))
        return CM_ERR_NOINPUT;
    int fd = cm_input_open(path, path, "rules", diag);
    if (fd < 0)
        return CM_ERR_NOINPUT;
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "cannot open rules: %s", strerror(errno));
        close(fd);
        return CM_ERR_NOINPUT;
    }
    /* Rules files are small: read whole, up to a sane cap. */
    enum { MAX_RULES_BYTES = 4 << 20 };
    char *buf = malloc(MAX_RULES_BYTES + 1);
    if (!buf) {
        fclose(f);
        return CM_ERR_NOMEM;
    }
    size_t n = fread(buf, 1, MAX_RULES_BYTES + 1, f);
    int read_error = ferror(f);
    fclose(f);
    if (read_error) {
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "cannot read rules");
        free(buf);
        return CM_ERR_NOINPUT;
    }
    if (n > MAX_RULES_BYTES) {
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "rules file is larger than %d bytes",
                       MAX_RULES_BYTES);
        free(buf);
        return CM_ERR_DATA;
    }
    cm_status st = cm_rules_parse(buf, n, path, diag, out);
    free(buf);
    return st;
}

cm_status cm_rules_load_default(cm_diag *diag, cm_rules *out)
{
    size_t len;
    const char *text = cm_rules_default_text(&len);
    cm_status st = cm_rules_parse(text, len, "built-in rules", diag, out);
    if (st == CM_OK) {
        free(out->source);
        out->source = strdup("built-in");
        if (!out->source) {
            cm_rules_free(out);
            return CM_ERR_NOMEM;
        }
    }
    return st;
}

static bool holds(cm_op op, double v, double t)
{
    switch (op) {
    case CM_OP_LT:
        return v < t;
    case CM_OP_LE:
        return v <= t;
    case CM_OP_GT:
        return v > t;
    case CM_OP_GE:
        return v >= t;
    case CM_OP_EQ:
        return v == t;
    case CM_OP_NE:
        return v != t;
    }
    return false;
}

cm_status cm_rules_apply(const cm_rules *rules, const cm_results *results, cm_hit **hits,
                         size_t *nhits)
{
    size_t n = 0, cap = 0;
    cm_hit *list = NULL;
    for (size_t r = 0; r < results->count; r++) {
        const cm_result *res = &results->items[r];
        if (res->flag != CM_FLAG_OK && res->flag != CM_FLAG_PUBLISHED)
            continue;
        for (size_t i = 0; i < rules->count; i++) {
            const cm_rule *rule = &rules->items[i];
            if (rule->indicator != res->indicator || !holds(rule->op, res->value, rule->threshold))
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                cm_hit *grown = realloc(list, cap * sizeof *grown);
                if (!grown) {
                    free(list);
                    return CM_ERR_NOMEM;
                }
                list = grown;
            }
            list[n++] = (cm_hit){i, r};
        }
    }
    *hits = list;
    *nhits = n;
    return CM_OK;
}
