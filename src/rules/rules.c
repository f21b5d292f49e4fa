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

enum col {
    C_RULE_ID,
    C_INDICATOR,
    C_OP,
    C_THRESHOLD,
    C_SEVERITY,
    C_CONCLUSION,
    /* optional from here */
    C_SDG,
    C_AND_INDICATOR,
    C_AND_OP,
    C_AND_THRESHOLD,
    C_AND_IF_MISSING,
    C_COUNT
};

static const char *const col_names[C_COUNT] = {
    "rule_id", "indicator",     "op",     "threshold",     "severity",      "conclusion",
    "sdg",     "and_indicator", "and_op", "and_threshold", "and_if_missing"};

static const char *const op_names[] = {"<", "<=", ">", ">=", "==", "!="};
static const char *const severity_names[] = {"info", "warning", "alert"};
static const char *const and_missing_names[] = {"no-hit", "first-only"};
_Static_assert(sizeof and_missing_names / sizeof and_missing_names[0] == CM_AND_MISSING_COUNT,
               "and_if_missing names");
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

const char *cm_and_missing_str(cm_and_missing m)
{
    return (unsigned)m < CM_AND_MISSING_COUNT ? and_missing_names[m] : "?";
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
                 "conclusion, sdg, and_indicator, and_op, and_threshold, and_if_missing)",
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

static bool given(const parser *p, int c)
{
    return p->field[c] && *p->field[c];
}

static const char *field_or_empty(const parser *p, int c)
{
    return p->field[c] ? p->field[c] : "";
}

static bool read_indicator(parser *p, int c, int *out)
{
    char q[CM_QUOTE_SIZE];
    const char *ind = field_or_empty(p, c);
    *out = cm_indicator_find(ind);
    if (*out >= 0)
        return true;
    error_at(p, p->pos[c], "column '%s': unknown indicator %s (see docs/indicators.md for the ids)",
             col_names[c], cm_quote(q, sizeof q, ind, strlen(ind)));
    return false;
}

static bool read_op(parser *p, int c, cm_op *out)
{
    char q[CM_QUOTE_SIZE];
    const char *op = field_or_empty(p, c);
    size_t o = 0;
    while (o < sizeof op_names / sizeof op_names[0] && strcmp(op_names[o], op) != 0)
        o++;
    *out = (cm_op)o;
    if (o < sizeof op_names / sizeof op_names[0])
        return true;
    error_at(p, p->pos[c], "column '%s': unknown operator %s (expected <, <=, >, >=, ==, !=)",
             col_names[c], cm_quote(q, sizeof q, op, strlen(op)));
    return false;
}

static bool read_threshold(parser *p, int c, double *out)
{
    char q[CM_QUOTE_SIZE];
    const char *th = field_or_empty(p, c);
    cm_parse_error pe = cm_parse_number(th, strlen(th), out);
    if (pe == CM_PARSE_OK)
        return true;
    error_at(p, p->pos[c],
             "column '%s': %s is not a number (%s; expected a decimal number such as -10 or 5.5)",
             col_names[c], cm_quote(q, sizeof q, th, strlen(th)), cm_parse_error_str(pe));
    return false;
}

/*
 * The detail a result of a scope has beyond its area and year: a kind of
 * move, a service, a partner, an age group, or the system level (area 0).
 */
enum { D_KIND = 1, D_SERVICE = 2, D_SYSTEM = 4, D_PARTNER = 8, D_AGE = 16 };

static unsigned scope_detail(cm_scope scope)
{
    switch (scope) {
    case CM_SCOPE_FLOW:
        return D_KIND;
    case CM_SCOPE_SYSTEM:
        return D_KIND | D_SYSTEM;
    case CM_SCOPE_SERVICE:
        return D_SERVICE;
    case CM_SCOPE_PARTNER:
        return D_KIND | D_PARTNER;
    case CM_SCOPE_AGE:
        return D_KIND | D_AGE;
    default:
        return 0;
    }
}

/*
 * The second condition: all three of its columns, or none. Its indicator
 * must name one value for each value of the first: no detail the first
 * lacks (the in_rate of each kind of move for one fb_share would be three).
 */
static bool read_second(parser *p, cm_rule *rule)
{
    char q[CM_QUOTE_SIZE];
    rule->and_indicator = -1;
    rule->and_missing = CM_AND_NO_HIT;
    bool any = given(p, C_AND_INDICATOR) || given(p, C_AND_OP) || given(p, C_AND_THRESHOLD);
    if (!any) {
        if (!given(p, C_AND_IF_MISSING))
            return true;
        error_at(p, p->pos[C_AND_IF_MISSING],
                 "column 'and_if_missing': given without a second condition (expected "
                 "and_indicator, and_op and and_threshold, or no and_if_missing)");
        return false;
    }
    bool ok = true;
    static const int cols[] = {C_AND_INDICATOR, C_AND_OP, C_AND_THRESHOLD};
    for (size_t i = 0; i < 3; i++) {
        if (given(p, cols[i]))
            continue;
        cm_csv_pos at = p->field[cols[i]] ? p->pos[cols[i]] : p->pos[C_RULE_ID];
        error_at(p, at,
                 "column '%s': a second condition needs and_indicator, and_op and "
                 "and_threshold together",
                 col_names[cols[i]]);
        ok = false;
    }
    if (!ok)
        return false;
    ok &= read_indicator(p, C_AND_INDICATOR, &rule->and_indicator);
    ok &= read_op(p, C_AND_OP, &rule->and_op);
    ok &= read_threshold(p, C_AND_THRESHOLD, &rule->and_threshold);
    if (given(p, C_AND_IF_MISSING)) {
        const char *m = p->field[C_AND_IF_MISSING];
        size_t v = 0;
        while (v < CM_AND_MISSING_COUNT && strcmp(and_missing_names[v], m) != 0)
            v++;
        if (v == CM_AND_MISSING_COUNT) {
            error_at(p, p->pos[C_AND_IF_MISSING],
                     "column 'and_if_missing': unknown value %s (expected no-hit or first-only)",
                     cm_quote(q, sizeof q, m, strlen(m)));
            ok = false;
        }
        rule->and_missing = (cm_and_missing)v;
    }
    if (!ok || rule->indicator < 0)
        return false;
    size_t n;
    const cm_indicator_def *defs = cm_indicator_defs(&n);
    const cm_indicator_def *a = &defs[rule->indicator], *b = &defs[rule->and_indicator];
    unsigned da = scope_detail(a->scope), db = scope_detail(b->scope);
    if ((da & D_SYSTEM) != (db & D_SYSTEM)) {
        error_at(p, p->pos[C_AND_INDICATOR],
                 "column 'and_indicator': '%s' is given by %s, but '%s' by %s: the two never "
                 "have a value for the same subject (expected two indicators of areas, or two of "
                 "the system of zones)",
                 b->id, cm_scope_str(b->scope), a->id, cm_scope_str(a->scope));
        return false;
    }
    if (db & ~da) {
        error_at(p, p->pos[C_AND_INDICATOR],
                 "column 'and_indicator': '%s' is given by %s, but '%s' by %s: the second "
                 "condition must have one value for each value of the first (expected the one "
                 "given in more detail in column 'indicator')",
                 b->id, cm_scope_str(b->scope), a->id, cm_scope_str(a->scope));
        return false;
    }
    return true;
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
    ok &= read_indicator(p, C_INDICATOR, &rule.indicator);
    ok &= read_op(p, C_OP, &rule.op);
    ok &= read_threshold(p, C_THRESHOLD, &rule.threshold);
    ok &= read_second(p, &rule);
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

/* Does b hold the same subject as a, in the detail b has? */
static bool same_subject(const cm_result *a, const cm_result *b)
{
    return a->area == b->area && a->year == b->year &&
           (b->kind == CM_KIND_NONE || b->kind == a->kind) &&
           (b->service == 0 || b->service == a->service) &&
           (b->base_year == 0 || b->base_year == a->base_year) &&
           (b->origin == 0 || a->origin == 0 || b->origin == a->origin);
}

/*
 * The result the second condition of rule reads for results[r], looked
 * for in [lo, hi), the results of its area and year; CM_HIT_NONE when the
 * indicator has no value there.
 */
static size_t second_of(const cm_rule *rule, const cm_results *results, size_t r, size_t lo,
                        size_t hi)
{
    for (size_t i = lo; i < hi; i++) {
        const cm_result *b = &results->items[i];
        if (b->indicator == rule->and_indicator && same_subject(&results->items[r], b))
            return i;
    }
    return CM_HIT_NONE;
}

static bool known(const cm_result *r)
{
    return r->flag == CM_FLAG_OK || r->flag == CM_FLAG_PUBLISHED;
}

cm_status cm_rules_apply(const cm_rules *rules, const cm_results *results, cm_hit **hits,
                         size_t *nhits)
{
    size_t n = 0, cap = 0;
    cm_hit *list = NULL;
    size_t lo = 0, hi = 0; /* the results of r's area and year */
    for (size_t r = 0; r < results->count; r++) {
        const cm_result *res = &results->items[r];
        if (r >= hi) {
            lo = r;
            hi = r + 1;
            while (hi < results->count && results->items[hi].area == res->area &&
                   results->items[hi].year == res->year)
                hi++;
        }
        if (!known(res))
            continue;
        for (size_t i = 0; i < rules->count; i++) {
            const cm_rule *rule = &rules->items[i];
            if (rule->indicator != res->indicator || !holds(rule->op, res->value, rule->threshold))
                continue;
            size_t also = CM_HIT_NONE;
            if (rule->and_indicator >= 0) {
                also = second_of(rule, results, r, lo, hi);
                if (also != CM_HIT_NONE && !known(&results->items[also]))
                    also = CM_HIT_NONE;
                if (also == CM_HIT_NONE
                        ? rule->and_missing == CM_AND_NO_HIT
                        : !holds(rule->and_op, results->items[also].value, rule->and_threshold))
                    continue;
            }
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                cm_hit *grown = realloc(list, cap * sizeof *grown);
                if (!grown) {
                    free(list);
                    return CM_ERR_NOMEM;
                }
                list = grown;
            }
            list[n++] = (cm_hit){i, r, also};
        }
    }
    *hits = list;
    *nhits = n;
    return CM_OK;
}
