/*
 * segregation.c - residential segregation of the foreign-born and natives
 * across a city's districts, per city and year.
 *
 * A city's districts are the areas rows of level district whose parent_id
 * is the city, in the same year. The indices are computed over all of them
 * or not at all: one district without its counts makes every index of the
 * city and year missing (a sum over the districts that happen to be there
 * would describe another city), and one suppressed count suppresses them
 * (with the others shown, the indices would give it back).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine.h"

static const char *const ids[] = {"seg_dissimilarity", "seg_isolation", "seg_exposure",
                                  "seg_theil_h"};
enum { N_IDS = sizeof ids / sizeof ids[0] };

/* -(p ln p + (1 - p) ln(1 - p)), with 0 ln 0 = 0. */
static double entropy2(double p)
{
    double h = 0;
    if (p > 0)
        h -= p * log(p);
    if (p < 1)
        h -= (1 - p) * log(1 - p);
    return h;
}

/* The city and year of rows[from..to). */
static void eval_city(engine *e, const size_t *rows, size_t from, size_t to, area_part *d)
{
    const cm_table *t = e->ds->areas;
    subject s = {.area = t->cols[CM_AREAS_PARENT_ID].v.text[rows[from]],
                 .year = t->cols[CM_AREAS_YEAR].v.year[rows[from]],
                 .kind = CM_KIND_NONE};
    size_t n = to - from;
    put_count(e, &s, "seg_districts", in_known((double)n, "districts"));

    bool published = false;
    char why[256];
    in_val x = child_counts(e, rows + from, n, "district", d, &published, why, sizeof why);
    if (x.st == IN_OK)
        x.name = "the districts' population";
    double fb_sum = 0, t_sum = 0;
    for (size_t i = 0; x.st == IN_OK && i < n; i++) {
        fb_sum += d[i].fb;
        t_sum += d[i].t;
    }

    double nb_sum = t_sum - fb_sum;
    const char *div0 = n < 2         ? "fewer than two districts"
                       : fb_sum <= 0 ? "the districts have no foreign-born residents"
                       : nb_sum <= 0 ? "the districts have no native residents"
                                     : NULL;
    double v[N_IDS] = {NAN, NAN, NAN, NAN};
    if (x.st == IN_OK && !div0) {
        double p = fb_sum / t_sum, big_e = entropy2(p);
        double dis = 0, iso = 0, expo = 0, theil = 0;
        for (size_t i = 0; i < n; i++) {
            double nb = d[i].t - d[i].fb;
            dis += fabs(d[i].fb / fb_sum - nb / nb_sum);
            if (d[i].t > 0) {
                iso += d[i].fb / fb_sum * (d[i].fb / d[i].t);
                expo += d[i].fb / fb_sum * (nb / d[i].t);
                theil += d[i].t * (big_e - entropy2(d[i].fb / d[i].t));
            }
        }
        v[0] = dis / 2;
        v[1] = iso;
        v[2] = expo;
        v[3] = theil / (t_sum * big_e);
    }
    for (size_t k = 0; k < N_IDS; k++) {
        cm_result *r = emit(e, &s, ids[k]);
        if (r && decide(e, r, x, v[k], div0) && published)
            mark_from_published(e, r, "foreign_born_share");
    }
}

/* The walker: the districts of one city at a time, a group per year. */
static void seg_eval(engine *e, void *plan)
{
    row_order *p = plan;
    const int32_t *year = e->ds->areas->cols[CM_AREAS_YEAR].v.year;
    size_t to = row_order_area_end(p);
    area_part *d = malloc((to - p->at) * sizeof *d);
    if (!d) {
        e->status = CM_ERR_NOMEM;
        return;
    }
    for (size_t from = p->at, i = from + 1; i <= to && e->status == CM_OK; i++)
        if (i == to || year[p->order[i]] != year[p->order[from]]) {
            eval_city(e, p->order, from, i, d);
            from = i;
        }
    free(d);
    p->at = to;
}

/* A district that names its city. */
static bool is_district(const cm_table *t, size_t row)
{
    return t->cols[CM_AREAS_LEVEL].v.code[row] == CM_LEVEL_DISTRICT &&
           t->cols[CM_AREAS_PARENT_ID].present[row];
}

cm_status segregation_walker(engine *e, walker *w)
{
    row_order *p =
        row_order_new(e, e->ds->areas, CM_AREAS_PARENT_ID, is_district, rows_by_parent, NULL);
    if (!p)
        return CM_ERR_NOMEM;
    *w = (walker){p, row_order_next, seg_eval, row_order_free};
    return CM_OK;
}
