/*
 * flags.c - the table of rule hits: every value that fired one of the
 * conference's conclusions, with the rule, the condition and the
 * conclusion it stands for.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

#include "citymig/value.h"

/* A condition as a reader says it: "at least 30%". */
static char *condition(cm_report *r, int indicator, cm_op op, double threshold)
{
    size_t n;
    const cm_indicator_def *d = &cm_indicator_defs(&n)[indicator];
    static const char *const words[] = {
        [CM_OP_LT] = "below",    [CM_OP_LE] = "at most", [CM_OP_GT] = "above",
        [CM_OP_GE] = "at least", [CM_OP_EQ] = "exactly", [CM_OP_NE] = "other than"};
    char num[40], th[48];
    cm_format_double(threshold, num, sizeof num);
    if (num[0] == '-')
        snprintf(th, sizeof th, "\xe2\x88\x92%s", num + 1); /* U+2212 MINUS SIGN */
    else
        snprintf(th, sizeof th, "%s", num);
    const char *unit = d->unit == CM_UNIT_PERCENT            ? "%"
                       : d->unit == CM_UNIT_PERCENT_PER_YEAR ? "% a year"
                       : d->unit == CM_UNIT_PP               ? " points"
                       : d->unit == CM_UNIT_PER_1000 || d->unit == CM_UNIT_PER_1000_PER_YEAR
                           ? " per 1,000"
                           : "";
    return rp_printf(r, "%s %s%s", words[op], th, unit);
}

/* The second condition's indicator, as words in a sentence. */
static const char *second_title(cm_report *r, const cm_rule *rule)
{
    size_t n;
    char *t = rp_strdup(r, cm_indicator_defs(&n)[rule->and_indicator].title);
    if (t)
        rp_lower_first(t);
    return t ? t : "";
}

char *rp_condition(cm_report *r, const cm_rule *rule)
{
    char *first = condition(r, rule->indicator, rule->op, rule->threshold);
    if (rule->and_indicator < 0)
        return first;
    return rp_printf(r, "%s, with %s %s%s", first, second_title(r, rule),
                     condition(r, rule->and_indicator, rule->and_op, rule->and_threshold),
                     rule->and_missing == CM_AND_FIRST_ONLY ? " where it is known" : "");
}

char *rp_hit_condition(cm_report *r, const cm_rule *rule, const cm_result *also)
{
    char *first = condition(r, rule->indicator, rule->op, rule->threshold);
    if (rule->and_indicator < 0)
        return first;
    if (!also)
        return rp_printf(r, "%s (%s not known)", first, second_title(r, rule));
    char v[64];
    rp_fmt_value(also, v, sizeof v);
    return rp_printf(r, "%s, with %s %s (%s)", first, second_title(r, rule),
                     condition(r, rule->and_indicator, rule->and_op, rule->and_threshold), v);
}

void rp_flags(cm_report *r)
{
    const rctx *x = &r->priv->x;
    if (!x->nhits)
        return;
    cm_rsheet *s = rp_sheet(r, CM_RSHEET_TABLE, "Flags");
    rlist *l = s ? rp_list(r, s, 12) : NULL;
    cm_rcolumn *c = s ? rp_columns(r, s, 12) : NULL;
    if (!l || !c)
        return;
    static const char *const labels[] = {"Rule",
                                         "Severity",
                                         "Area code",
                                         "Area",
                                         "Year",
                                         "Kind of move",
                                         "Service",
                                         "Indicator",
                                         "Value",
                                         "Condition met",
                                         "Conclusion of the conference",
                                         "Sustainable Development Goal"};
    static const char *const ids[] = {"rule_id", "severity",  "area_id",    "name",
                                      "year",    "kind",      "service",    "indicator",
                                      "value",   "condition", "conclusion", "sdg"};
    for (size_t k = 0; k < 12; k++) {
        c[k].label = labels[k];
        c[k].id = ids[k];
        c[k].style = k == 9 || k == 10 ? CM_RSTYLE_WRAP : CM_RSTYLE_PLAIN;
        c[k].width = k == 10 ? 60 : k == 9 ? 36 : 0;
    }
    s->nkeys = 4;
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    for (size_t i = 0; i < x->nhits; i++) {
        const cm_rule *rule = &x->rules->items[x->hits[i].rule];
        const cm_result *res = &x->res->items[x->hits[i].result];
        cm_rcell *row = rp_row(r, l);
        if (!row)
            return;
        rp_text(&row[0], CM_RSTYLE_PLAIN, rule->id);
        rp_text(&row[1], (cm_rstyle)(CM_RSTYLE_SEV_INFO + rule->severity),
                cm_rule_severity_str(rule->severity));
        rp_text(&row[2], CM_RSTYLE_PLAIN, res->area ? rp_str(x, res->area) : "");
        rp_text(&row[3], CM_RSTYLE_PLAIN,
                res->area ? rp_area_name(x, res->area) : "The system of zones");
        rp_year(&row[4], res->year);
        if (res->kind != CM_KIND_NONE)
            rp_text(&row[5], CM_RSTYLE_PLAIN, cm_kind_str(res->kind));
        rp_text(&row[6], CM_RSTYLE_PLAIN, rp_str(x, res->service));
        rp_text(&row[7], CM_RSTYLE_PLAIN, rp_def(res)->id);
        rp_value(&row[8], res);
        size_t also = x->hits[i].also;
        rp_text(&row[9], CM_RSTYLE_WRAP,
                rp_hit_condition(r, rule, also == CM_HIT_NONE ? NULL : &x->res->items[also]));
        rp_text(&row[10], CM_RSTYLE_WRAP, rule->conclusion);
        rp_text(&row[11], CM_RSTYLE_PLAIN, rule->sdg);
        lo = res->year < lo ? res->year : lo;
        hi = res->year > hi ? res->year : hi;
    }
    rp_compact(s, l);
    s->nrows = l->n;
    char years[32];
    rp_years(lo, hi, years, sizeof years);
    s->title = rp_printf(r, "Table %d: Values that meet a conclusion of the conference, %s",
                         ++r->priv->tables_numbered, years);
    s->about = rp_strdup(r, "One row per value that meets a rule's condition (rules on the "
                            "Sources sheet). A rule can fire for each kind of move: the cover "
                            "counts each area and year once.");
    s->source = rp_printf(r,
                          "Source: rules of the Conference on Migrants and Cities (2015), "
                          "applied by citymig %s to the tables of this workbook.",
                          CITYMIG_VERSION);
    s->contents = rp_strdup(r, "Every value that meets a rule drawn from the conference's "
                               "conclusions: the rule, the area, the value and the conclusion");
}
