/*
 * sexes.c - residents and migrants by sex: the sex ratios of an area (men
 * per 100 women, the UN DESA convention), of its residents and of its
 * foreign-born, and the rates of arrivals and departures of each sex over
 * the residents of that sex.
 *
 * Disclosure control: the sexes of a flow are shown only where neither is
 * small, so that neither can be recovered from the total; the men among
 * the foreign-born (foreign_born - foreign_born_female) are a count as
 * small as any other.
 */
#include <stdio.h>

#include "engine.h"

/* x, suppressed with other: one sex's rate is hidden when the other sex is
   small, since the total less the one shown would give it. */
static in_val with_other_sex(in_val x, in_val other)
{
    if (x.st == IN_OK && other.st == IN_SUPPRESSED) {
        x.st = IN_SUPPRESSED;
        x.name = other.name;
    }
    return x;
}

void put_sex_ratios(engine *e, const subject *s, size_t row)
{
    put_ratio(e, s, "sex_ratio", area_count(e, row, CM_AREAS_POPULATION_MALE),
              area_count(e, row, CM_AREAS_POPULATION_FEMALE), 100);

    in_val fb = area_count(e, row, CM_AREAS_FOREIGN_BORN);
    in_val fbf = area_count(e, row, CM_AREAS_FOREIGN_BORN_FEMALE);
    in_val men = in_subtract(fb, fbf, "foreign_born - foreign_born_female");
    if (men.st == IN_OK && men.v > 0 && men.v < (double)e->opts->min_count) {
        /* The men are a count of their own, suppressed when small. */
        men.st = IN_SUPPRESSED;
        men.name = "foreign_born - foreign_born_female";
    }
    put_ratio(e, s, "fb_sex_ratio", men, fbf, 100);
}

/* Does any areas row give residents by sex? Asked once. */
static bool areas_give_sexes(engine *e)
{
    if (!e->by_sex) {
        const cm_table *t = e->ds->areas;
        e->by_sex = 1;
        for (size_t r = 0; t && r < t->nrows && e->by_sex == 1; r++)
            if (t->cols[CM_AREAS_POPULATION_FEMALE].present[r] ||
                t->cols[CM_AREAS_POPULATION_MALE].present[r])
                e->by_sex = 2;
    }
    return e->by_sex == 2;
}

void put_sex_rates(engine *e, const subject *s, const flow_view *fv, size_t row, int interval)
{
    /* A dataset that gives no residents by sex has no rates by sex: rows
       for none of its areas, as for ages where flows give none. */
    if (!areas_give_sexes(e))
        return;
    static const char *const ids[2][2] = {{"in_rate_female", "in_rate_male"},
                                          {"out_rate_female", "out_rate_male"}};
    in_val pop[2] = {area_count(e, row, CM_AREAS_POPULATION_FEMALE),
                     area_count(e, row, CM_AREAS_POPULATION_MALE)};
    in_val out_f, out_m;
    flow_out_by_sex(e, s->area, s->year, s->kind, &out_f, &out_m);
    const in_val by_sex[2][2] = {{fv->female, fv->male}, {out_f, out_m}};
    char why[160];
    for (int dir = 0; dir < 2; dir++)
        for (int sex = 0; sex < 2; sex++) {
            in_val x = with_other_sex(by_sex[dir][sex], by_sex[dir][1 - sex]);
            cm_result *r =
                put_ratio(e, s, ids[dir][sex], per_year(x, interval, why, sizeof why, s->year),
                          pop[sex], 1000);
            annual(e, r, interval);
        }
}
