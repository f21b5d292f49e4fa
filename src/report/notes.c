/*
 * notes.c - the Contents sheet (every sheet, with a link and a line on
 * what it holds) and the Notes sheet (the flag codes, what an empty cell
 * means, and the indicators that could not be computed for any row).
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

void rp_contents(cm_report *r)
{
    cm_rsheet *s = &r->sheets[r->priv->contents_at];
    rlist *l = rp_list(r, s, 2);
    cm_rcolumn *c = rp_columns(r, s, 2);
    if (!l || !c)
        return;
    c[0].width = 16;
    c[0].style = CM_RSTYLE_LINK;
    c[1].width = 100;
    c[1].style = CM_RSTYLE_WRAP;
    s->title = rp_strdup(r, "Contents");
    s->about = rp_strdup(r, "Each sheet's name is a link to it.");
    cm_rcell *head = rp_row(r, l);
    if (!head)
        return;
    rp_text(&head[0], CM_RSTYLE_HEADING, "Sheet");
    rp_text(&head[1], CM_RSTYLE_HEADING, "What it holds");
    for (size_t i = 0; i < r->nsheets; i++) {
        cm_rsheet *t = &r->sheets[i];
        if (t == s)
            continue;
        const char *what = t == &r->sheets[r->priv->notes_at]
                               ? "The flag codes beside the values, what an empty cell means, "
                                 "and the indicators this dataset cannot give"
                               : t->contents;
        cm_rcell *row = rp_row(r, l);
        if (!row)
            return;
        rp_text(&row[0], CM_RSTYLE_LINK, t->name);
        if (t->kind == CM_RSHEET_TABLE && t->nrows)
            rp_text(&row[1], CM_RSTYLE_WRAP,
                    rp_printf(r, "%s (%llu rows)", what ? what : "", (unsigned long long)t->nrows));
        else
            rp_text(&row[1], CM_RSTYLE_WRAP, what);
    }
    s->nrows = l->n;
}

void rp_notes(cm_report *r)
{
    cm_rsheet *s = &r->sheets[r->priv->notes_at];
    rlist *l = rp_list(r, s, 2);
    cm_rcolumn *c = rp_columns(r, s, 2);
    if (!l || !c)
        return;
    c[0].width = 30;
    c[0].style = CM_RSTYLE_KEY;
    c[1].width = 100;
    c[1].style = CM_RSTYLE_WRAP;
    s->title = rp_strdup(r, "Notes");
    s->about = rp_strdup(r, "How to read the tables of this workbook.");
    cm_rcell *row = rp_row(r, l);
    if (!row)
        return;
    rp_text(&row[0], CM_RSTYLE_HEADING, "Flag codes");
    rp_text(&row[1], CM_RSTYLE_HEADING, "Meaning");
    static const cm_flag order[] = {CM_FLAG_PUBLISHED, CM_FLAG_MISSING, CM_FLAG_DIV0,
                                    CM_FLAG_SUPPRESSED, CM_FLAG_INCONSISTENT};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        if (!(row = rp_row(r, l)))
            return;
        rp_text(&row[0], CM_RSTYLE_KEY, rp_flag_code(order[i]));
        rp_text(&row[1], CM_RSTYLE_WRAP, rp_flag_meaning(order[i]));
    }
    if (!(row = rp_row(r, l)))
        return;
    rp_text(&row[0], CM_RSTYLE_KEY, "(no flag)");
    rp_text(&row[1], CM_RSTYLE_WRAP, "computed by citymig from the inputs");
    rp_row(r, l);
    if (!(row = rp_row(r, l)))
        return;
    rp_text(&row[0], CM_RSTYLE_HEADING, "Reading the tables");
    static const char *const reading[][2] = {
        {"An empty cell",
         "has no value. In an indicator's column, the flag column beside it gives its code; "
         "the reasons, such as \"m: foreign_born is missing\", are listed below for each "
         "indicator, and given row by row in citymig's long table. Missing is never shown as "
         "zero."},
        {"Flag columns",
         "appear only beside indicators with some value that is not simply computed; an "
         "indicator with no value in any row is left out and listed below."},
        {"Percentages",
         "are stored as fractions with a percent format (36.7% is 0.367), so a spreadsheet's "
         "own percent tools work. Percentage points (pp) are differences of two percentages."},
        {"Header rows",
         "Each table has two header rows: the labels with their units, then the column ids, "
         "which stay the same from one release to the next for re-use by programs."},
        {"Published figures", "are shown with the number of decimals they were published with."},
    };
    for (size_t i = 0; i < sizeof reading / sizeof reading[0]; i++) {
        if (!(row = rp_row(r, l)))
            return;
        rp_text(&row[0], CM_RSTYLE_KEY, reading[i][0]);
        rp_text(&row[1], CM_RSTYLE_WRAP, reading[i][1]);
    }
    const rctx *x = &r->priv->x;
    if (x->ds->nnotes) {
        rp_row(r, l);
        if (!(row = rp_row(r, l)))
            return;
        rp_text(&row[0], CM_RSTYLE_HEADING, "Definitions that differ");
        rp_text(&row[1], CM_RSTYLE_HEADING, "As the publisher states them");
        for (size_t i = 0; i < x->ds->nnotes; i++) {
            const cm_area_note *note = &x->ds->notes[i];
            uint32_t id = cm_strpool_find(x->ds->pool, note->area, strlen(note->area));
            if (!(row = rp_row(r, l)))
                return;
            rp_text(&row[0], CM_RSTYLE_KEY, id ? rp_area_name(x, id) : note->area);
            rp_text(&row[1], CM_RSTYLE_WRAP, note->text);
        }
    }
    size_t n;
    const cm_indicator_def *defs = cm_indicator_defs(&n);
    cm_report_private *p = r->priv;
    bool any = false;
    for (size_t i = 0; i < n && i < 128; i++) {
        if (!p->flagged[i] || !p->nwhy[i])
            continue;
        if (!any) {
            rp_row(r, l);
            if (!(row = rp_row(r, l)))
                return;
            rp_text(&row[0], CM_RSTYLE_HEADING, "Why values are empty");
            rp_text(&row[1], CM_RSTYLE_HEADING, "The flag code, then the reason");
            any = true;
        }
        char buf[2048];
        size_t used = 0;
        for (size_t k = 0; k < p->nwhy[i] && used < sizeof buf; k++)
            used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s: %s", k ? "; " : "",
                                     rp_flag_code((cm_flag)p->why_flag[i][k]), p->why[i][k]);
        if (p->more_why[i] && used < sizeof buf)
            snprintf(buf + used, sizeof buf - used,
                     "; and %llu other reasons (the long table "
                     "gives each row's)",
                     (unsigned long long)p->more_why[i]);
        if (!(row = rp_row(r, l)))
            return;
        rp_text(&row[0], CM_RSTYLE_KEY, defs[i].id);
        rp_text(&row[1], CM_RSTYLE_WRAP, rp_strdup(r, buf));
    }
    any = false;
    for (size_t i = 0; i < n && i < 128; i++) {
        if (!r->priv->empty[i])
            continue;
        if (!any) {
            rp_row(r, l);
            if (!(row = rp_row(r, l)))
                return;
            rp_text(&row[0], CM_RSTYLE_HEADING, "Not computed for any row");
            rp_text(&row[1], CM_RSTYLE_HEADING, "Why (the first reason met)");
            any = true;
        }
        if (!(row = rp_row(r, l)))
            return;
        rp_text(&row[0], CM_RSTYLE_KEY, defs[i].id);
        const char *why = r->priv->empty_why[i];
        rp_text(&row[1], CM_RSTYLE_WRAP,
                rp_printf(r, "%s: %s", defs[i].title, why ? why : "no value in this dataset"));
    }
    const cm_citation *cite = &r->priv->x.ds->cite;
    if (cite->licence || cite->url) {
        rp_row(r, l);
        if (!(row = rp_row(r, l)))
            return;
        rp_text(&row[0], CM_RSTYLE_HEADING, "Re-use");
        if (cite->licence && (row = rp_row(r, l))) {
            rp_text(&row[0], CM_RSTYLE_KEY, "Licence of the data");
            rp_text(&row[1], CM_RSTYLE_WRAP, cite->licence);
        }
        if (cite->url && (row = rp_row(r, l))) {
            rp_text(&row[0], CM_RSTYLE_KEY, "Published at");
            rp_text(&row[1], CM_RSTYLE_WRAP, cite->url);
        }
    }
    s->nrows = l->n;
}
