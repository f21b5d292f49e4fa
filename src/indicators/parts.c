/*
 * parts.c - an area over the areas it contains, per area and year: how
 * much of its foreign-born live in its leading areas, the foreign-born
 * share over its parts, and the check of its counts against theirs.
 *
 * The parts of an area are the areas rows whose parent_id is the area, in
 * the same year, whatever their level. As for segregation, the figures are
 * over all of them or none: one part without its counts makes them
 * missing (a ranking of the parts that happen to be there would be
 * another), one small count suppresses them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine.h"

#include "citymig/table.h"

static int by_fb_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x > y ? -1 : x < y;
}

/* A sum over the parts against the area's own count: above 100, the note
   says by how much the parts exceed it (and, where one was used, that a
   published share was). */
static void put_against_whole(engine *e, const subject *s, const char *id, in_val parts,
                              in_val whole, const char *what, bool published)
{
    cm_result *r = put_ratio(e, s, id, parts, whole, 100);
    if (!r || r->flag != CM_FLAG_OK)
        return;
    if (parts.v > whole.v)
        note(e, r,
             "%sthe areas it contains hold %.0f more %s than it does (%.0f against %.0f): do "
             "they overlap, or come from another source or date?",
             published ? "computed from the published foreign_born_share; " : "", parts.v - whole.v,
             what, parts.v, whole.v);
    else if (published)
        mark_from_published(e, r, "foreign_born_share");
}

/* The area and year of rows[from..to), which name it as their parent. */
static void eval_whole(engine *e, const size_t *rows, size_t from, size_t to, area_part *d,
                       double *fb)
{
    const cm_table *t = e->ds->areas;
    subject s = {.area = t->cols[CM_AREAS_PARENT_ID].v.text[rows[from]],
                 .year = t->cols[CM_AREAS_YEAR].v.year[rows[from]],
                 .kind = CM_KIND_NONE};
    size_t n = to - from;
    put_count(e, &s, "part_areas", in_known((double)n, "areas"));

    /* The area's own counts. */
    size_t row = cm_areas_find(t, s.area, s.year);
    const char *no_row = "the area's own row for the year";
    bool whole_pub = false;
    in_val pop = row == SIZE_MAX ? in_missing(no_row) : area_count(e, row, CM_AREAS_POPULATION);
    in_val whole_fb =
        row == SIZE_MAX ? in_missing(no_row) : area_count(e, row, CM_AREAS_FOREIGN_BORN);
    if (whole_fb.st == IN_MISSING && row != SIZE_MAX) {
        in_val frac = area_fb_fraction(e, row, &whole_pub);
        if (whole_pub && frac.st == IN_OK && pop.st == IN_OK) {
            whole_fb = in_known(frac.v * pop.v, "its foreign_born");
            whole_fb.marks = frac.marks | pop.marks;
        } else {
            whole_pub = false;
        }
    }
    if (whole_fb.st == IN_OK)
        whole_fb.name = "its foreign_born";

    /* Its parts'. */
    bool pub = false;
    char why[256];
    in_val x = child_counts(e, rows + from, n, "area", d, &pub, why, sizeof why);
    in_val fb_sum = x, t_sum = x;
    if (x.st == IN_OK) {
        fb_sum.v = t_sum.v = 0;
        for (size_t i = 0; i < n; i++) {
            fb[i] = d[i].fb;
            fb_sum.v += d[i].fb;
            t_sum.v += d[i].t;
        }
        fb_sum.name = "the foreign-born of the areas it contains";
        t_sum.name = "the population of the areas it contains";
        qsort(fb, n, sizeof *fb, by_fb_desc);
    }
    bool published = pub || whole_pub;
    /* Their population alone, for the check against the area's. */
    in_val pop_sum = in_known(0, "");
    char pop_why[256];
    for (size_t i = 0; i < n; i++) {
        size_t part = rows[from + i];
        in_val p = area_count(e, part, CM_AREAS_POPULATION);
        if (in_rank(p.st) > in_rank(pop_sum.st)) {
            snprintf(pop_why, sizeof pop_why, "population of area %s",
                     cm_strpool_str(e->ds->pool, t->cols[CM_AREAS_AREA_ID].v.text[part]));
            pop_sum = p;
            pop_sum.name = pop_why;
        }
        pop_sum.marks |= p.marks;
        if (pop_sum.st == IN_OK)
            pop_sum.v += p.v;
    }
    if (pop_sum.st == IN_OK) {
        uint8_t marks = pop_sum.marks;
        pop_sum = in_sum(pop_sum.v, "the population of the areas it contains");
        pop_sum.marks = marks;
    }

    static const struct {
        const char *id;
        size_t top;
    } tops[] = {{"fb_share_top5", 5}, {"fb_share_top10", 10}, {"fb_share_top20", 20}};
    for (size_t k = 0; k < sizeof tops / sizeof tops[0]; k++) {
        in_val top = x;
        if (x.st == IN_OK) {
            top.v = 0;
            for (size_t i = 0; i < n && i < tops[k].top; i++)
                top.v += fb[i];
            top.name = "the foreign-born of its leading areas";
        }
        cm_result *r = put_ratio(e, &s, tops[k].id, top, whole_fb, 100);
        if (published)
            mark_from_published(e, r, "foreign_born_share");
        else if (r && r->flag == CM_FLAG_OK && n == 1)
            note(e, r, "over the one area it contains: fewer than %zu", tops[k].top);
        else if (r && r->flag == CM_FLAG_OK && n < tops[k].top)
            note(e, r, "over all the %zu areas it contains: fewer than %zu", n, tops[k].top);
    }
    cm_result *r = put_ratio(e, &s, "parts_fb_share", fb_sum, t_sum, 100);
    if (pub)
        mark_from_published(e, r, "foreign_born_share");
    put_against_whole(e, &s, "parts_population_share", pop_sum, pop, "residents", false);
    put_against_whole(e, &s, "parts_fb_share_of_parent", fb_sum, whole_fb, "foreign-born",
                      published);
}

/* The walker: the parts of one area at a time, a group per year. */
static void parts_eval(engine *e, void *plan)
{
    row_order *p = plan;
    const int32_t *year = e->ds->areas->cols[CM_AREAS_YEAR].v.year;
    size_t to = row_order_area_end(p);
    area_part *d = malloc((to - p->at) * sizeof *d);
    double *fb = malloc((to - p->at) * sizeof *fb);
    if (!d || !fb) {
        free(d);
        free(fb);
        e->status = CM_ERR_NOMEM;
        return;
    }
    for (size_t from = p->at, i = from + 1; i <= to && e->status == CM_OK; i++)
        if (i == to || year[p->order[i]] != year[p->order[from]]) {
            eval_whole(e, p->order, from, i, d, fb);
            from = i;
        }
    free(d);
    free(fb);
    p->at = to;
}

static bool names_parent(const cm_table *t, size_t row)
{
    return t->cols[CM_AREAS_PARENT_ID].present[row];
}

cm_status parts_walker(engine *e, walker *w)
{
    row_order *p =
        row_order_new(e, e->ds->areas, CM_AREAS_PARENT_ID, names_parent, rows_by_parent, NULL);
    if (!p)
        return CM_ERR_NOMEM;
    *w = (walker){p, row_order_next, parts_eval, row_order_free};
    return CM_OK;
}
