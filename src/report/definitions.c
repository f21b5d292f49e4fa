/*
 * definitions.c - the definitions of the indicators this workbook shows,
 * each with the sheet it is on.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

/* The catalogue's text, with its one piece of jargon said in words. */
static const char *plain(cm_report *r, const char *text)
{
    const char *at = strstr(text, "div0");
    if (!at)
        return text;
    char buf[4096];
    size_t used = 0;
    for (const char *p = text; *p && used + 32 < sizeof buf;) {
        if (strncmp(p, "div0", 4) == 0) {
            used += (size_t)snprintf(buf + used, sizeof buf - used, "z (division by zero)");
            p += 4;
        } else {
            buf[used++] = *p++;
        }
    }
    buf[used] = '\0';
    return rp_strdup(r, buf);
}

void rp_definitions(cm_report *r)
{
    size_t n;
    const cm_indicator_def *defs = cm_indicator_defs(&n);
    size_t shown = 0;
    for (size_t i = 0; i < n && i < 128; i++)
        shown += r->priv->shown_on[i] != NULL;
    if (!shown)
        return;
    cm_rsheet *s = rp_sheet(r, CM_RSHEET_TABLE, "Definitions");
    rlist *l = s ? rp_list(r, s, 8) : NULL;
    cm_rcolumn *c = s ? rp_columns(r, s, 8) : NULL;
    if (!l || !c)
        return;
    static const char *const labels[] = {"Indicator",    "Title",   "Unit",   "Shown on sheet",
                                         "Computed per", "Formula", "Inputs", "When it is empty"};
    static const char *const ids[] = {"indicator",    "title",   "unit",   "sheet",
                                      "computed_per", "formula", "inputs", "edge_cases"};
    static const double widths[] = {22, 30, 10, 10, 16, 40, 26, 50};
    for (size_t k = 0; k < 8; k++) {
        c[k].label = labels[k];
        c[k].id = ids[k];
        c[k].width = widths[k];
        c[k].style = k == 1 || k >= 4 ? CM_RSTYLE_WRAP : CM_RSTYLE_PLAIN;
    }
    s->nkeys = 1;
    for (size_t i = 0; i < n && i < 128; i++) {
        if (!r->priv->shown_on[i])
            continue;
        cm_rcell *row = rp_row(r, l);
        if (!row)
            return;
        rp_text(&row[0], CM_RSTYLE_PLAIN, defs[i].id);
        rp_text(&row[1], CM_RSTYLE_WRAP, defs[i].title);
        rp_text(&row[2], CM_RSTYLE_PLAIN, cm_unit_str(defs[i].unit));
        rp_text(&row[3], CM_RSTYLE_PLAIN, r->priv->shown_on[i]);
        rp_text(&row[4], CM_RSTYLE_WRAP, cm_scope_str(defs[i].scope));
        rp_text(&row[5], CM_RSTYLE_WRAP, plain(r, defs[i].formula));
        rp_text(&row[6], CM_RSTYLE_WRAP, plain(r, defs[i].inputs));
        rp_text(&row[7], CM_RSTYLE_WRAP, plain(r, defs[i].edge_cases));
    }
    rp_compact(s, l);
    s->nrows = l->n;
    s->title = rp_strdup(r, "Definitions of the indicators in this workbook");
    s->about = rp_strdup(r, "One row per indicator shown on a table of this workbook. The whole "
                            "catalogue: citymig catalogue, or docs/indicators.md in citymig's "
                            "documentation.");
    s->source = rp_printf(r, "Source: citymig %s, its catalogue of indicators.", CITYMIG_VERSION);
    s->contents =
        rp_strdup(r, "What each indicator is, its unit, its formula and when it is left empty");
}
