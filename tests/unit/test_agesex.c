/*
 * test_agesex.c - who the migrants are: the indicators by sex and by age
 * group, against values worked out by hand, with their missing, div0,
 * suppressed and inconsistent cases; age labels; and identities (the
 * shares of the age groups sum to 100, their counts to the inflow).
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "citymig/ages.h"
#include "citymig/dataset.h"
#include "citymig/indicators.h"

#include "indfixture.h"

/* ---- by sex ------------------------------------------------------------ */

/* A: 520 women and 480 men; 200 foreign-born, 80 of them women (120 men).
   B: no residents by sex. Z: no women. */
static const char sex_areas[] =
    "area_id,year,population,population_female,population_male,foreign_born,"
    "foreign_born_female\n"
    "A,2015,1000,520,480,200,80\n"
    "B,2015,700,,,50,\n"
    "Z,2015,10,0,10,10,0\n";

/* Five-year flows: A receives 100 women and 50 men from B and sends B 30
   women and 20 men; B sends Z 10 men only (no F row). */
static const char sex_flows[] = "year,origin,destination,kind,count,sex,interval\n"
                                "2015,B,A,internal,100,F,5\n"
                                "2015,B,A,internal,50,M,5\n"
                                "2015,A,B,internal,30,F,5\n"
                                "2015,A,B,internal,20,M,5\n"
                                "2015,B,Z,internal,10,M,5\n";

static void test_sex_ratios(void **state)
{
    (void)state;
    fixture fx;
    load(&fx, sex_areas, NULL, NULL, NULL, 0, false);
    const cm_result *r = get_area(&fx, "A", 2015, "sex_ratio");
    expect(r, CM_FLAG_OK, 100.0 * 480 / 520);
    assert_true(r->has_numerator && r->numerator == 480 && r->denominator == 520);
    r = get_area(&fx, "A", 2015, "fb_sex_ratio");
    expect(r, CM_FLAG_OK, 150); /* 120 men per 80 women */
    assert_true(r->numerator == 120 && r->denominator == 80);

    r = get_area(&fx, "B", 2015, "sex_ratio");
    expect(r, CM_FLAG_MISSING, 0);
    assert_string_equal(why(&fx, r), "population_male is missing");
    r = get_area(&fx, "B", 2015, "fb_sex_ratio");
    expect(r, CM_FLAG_MISSING, 0);
    assert_string_equal(why(&fx, r), "foreign_born_female is missing");

    expect(get_area(&fx, "Z", 2015, "sex_ratio"), CM_FLAG_DIV0, 0);
    expect(get_area(&fx, "Z", 2015, "fb_sex_ratio"), CM_FLAG_DIV0, 0);
    unload(&fx);

    /* --min-count 100: the 80 foreign-born women are small, and so, in
       another area, 90 men of 300 would be. */
    load(&fx,
         "area_id,year,population,population_female,population_male,foreign_born,"
         "foreign_born_female\n"
         "A,2015,1000,520,480,200,80\n"
         "C,2015,1000,500,500,300,210\n",
         NULL, NULL, NULL, 100, false);
    r = get_area(&fx, "A", 2015, "fb_sex_ratio");
    expect(r, CM_FLAG_SUPPRESSED, 0);
    assert_false(r->has_numerator || r->has_denominator);
    r = get_area(&fx, "C", 2015, "fb_sex_ratio");
    expect(r, CM_FLAG_SUPPRESSED, 0);
    assert_false(r->has_numerator || r->has_denominator);
    assert_string_equal(why(&fx, r), "foreign_born - foreign_born_female is below --min-count 100");
    expect(get_area(&fx, "C", 2015, "sex_ratio"), CM_FLAG_OK, 100);
    unload(&fx);

    /* The sexes do not sum to the population: kept under --keep-going,
       flagged inconsistent; what does not read them stays ok. */
    load(&fx,
         "area_id,year,population,population_female,population_male,foreign_born\n"
         "A,2015,1000,520,470,100\n",
         NULL, NULL, NULL, 0, true);
    expect(get_area(&fx, "A", 2015, "sex_ratio"), CM_FLAG_INCONSISTENT, 0);
    expect(get_area(&fx, "A", 2015, "fb_share"), CM_FLAG_OK, 10);
    unload(&fx);
}

static void test_sex_rates(void **state)
{
    (void)state;
    fixture fx;
    const int I = CM_KIND_INTERNAL;
    load(&fx, sex_areas, NULL, sex_flows, NULL, 0, false);
    /* Annual: the counts cover five years. */
    const cm_result *r = get(&fx, "A", 2015, 0, I, "", "in_rate_female");
    expect(r, CM_FLAG_OK, 1000.0 * (100.0 / 5) / 520);
    assert_true(r->numerator == 20 && r->denominator == 520);
    assert_string_equal(why(&fx, r),
                        "annual: the flows cover 5 years, the numerator is their yearly average");
    expect(get(&fx, "A", 2015, 0, I, "", "in_rate_male"), CM_FLAG_OK, 1000.0 * 10 / 480);
    expect(get(&fx, "A", 2015, 0, I, "", "out_rate_female"), CM_FLAG_OK, 1000.0 * 6 / 520);
    expect(get(&fx, "A", 2015, 0, I, "", "out_rate_male"), CM_FLAG_OK, 1000.0 * 4 / 480);
    /* The sexes' rates add up, weighted by the residents, to the rate of all. */
    double all = get(&fx, "A", 2015, 0, I, "", "in_rate")->value;
    double f = get(&fx, "A", 2015, 0, I, "", "in_rate_female")->value;
    double m = get(&fx, "A", 2015, 0, I, "", "in_rate_male")->value;
    assert_float_equal(all, (f * 520 + m * 480) / 1000, 1e-12);

    /* B: no residents by sex. */
    r = get(&fx, "B", 2015, 0, I, "", "in_rate_female");
    expect(r, CM_FLAG_MISSING, 0);
    assert_string_equal(why(&fx, r), "population_female is missing");
    /* Z: arrivals of men only; the women's are missing, never 0. */
    r = get(&fx, "Z", 2015, 0, I, "", "in_rate_male");
    expect(r, CM_FLAG_MISSING, 0);
    assert_string_equal(why(&fx, r), "inflow by sex is missing");
    unload(&fx);

    /* --min-count 25: A's 20 men leaving are small, so the 30 women leaving
       are hidden with them (the total less the women would give the men). */
    load(&fx, sex_areas, NULL, sex_flows, NULL, 25, false);
    r = get(&fx, "A", 2015, 0, I, "", "out_rate_female");
    expect(r, CM_FLAG_SUPPRESSED, 0);
    assert_false(r->has_numerator || r->has_denominator);
    expect(get(&fx, "A", 2015, 0, I, "", "out_rate_male"), CM_FLAG_SUPPRESSED, 0);
    expect(get(&fx, "A", 2015, 0, I, "", "in_rate_female"), CM_FLAG_OK, 1000.0 * 20 / 520);
    unload(&fx);

    /* No area gives residents by sex: no rates by sex at all (rows of
       missing values in every flows dataset would say nothing). */
    load(&fx, "area_id,year,population\nA,2015,1000\n", NULL, sex_flows, NULL, 0, false);
    assert_false(has(&fx, "A", 2015, I, "in_rate_female"));
    assert_false(has(&fx, "A", 2015, I, "out_rate_male"));
    assert_true(has(&fx, "A", 2015, I, "inflow_female_share"));
    unload(&fx);

    /* div0: no women live in Z, though women arrive. */
    load(&fx, "area_id,year,population,population_female,population_male\nZ,2015,10,0,10\n", NULL,
         "year,origin,destination,kind,count,sex\n2015,B,Z,internal,4,F\n2015,B,Z,internal,6,M\n",
         NULL, 0, false);
    expect(get(&fx, "Z", 2015, 0, I, "", "in_rate_female"), CM_FLAG_DIV0, 0);
    expect(get(&fx, "Z", 2015, 0, I, "", "in_rate_male"), CM_FLAG_OK, 600);
    unload(&fx);
}

/* ---- by age ------------------------------------------------------------ */

static void test_age_labels(void **state)
{
    (void)state;
    int lo, hi;
    assert_true(cm_age_parse("0-14", 4, &lo, &hi));
    assert_true(lo == 0 && hi == 14);
    assert_true(cm_age_parse("65+", 3, &lo, &hi));
    assert_true(lo == 65 && hi == CM_AGE_OPEN);
    assert_true(cm_age_parse("1-15", 4, &lo, &hi));
    assert_true(lo == 1 && hi == 15);
    assert_true(cm_age_parse("7-7", 3, &lo, &hi));
    static const char *const bad[] = {"",        "+",      "-",   "14-0", "1-2-3", " 5-9",
                                      "5-9 ",    "151+",   "-5",  "5-",   "5",     "5+9",
                                      "0014-20", "15-64+", "a-b", "15–64"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(cm_age_parse(bad[i], strlen(bad[i]), &lo, &hi));
    assert_true(cm_age_overlap(0, 14, 14, 20));
    assert_false(cm_age_overlap(0, 14, 15, 64));
    assert_true(cm_age_overlap(65, CM_AGE_OPEN, 70, 74));
    assert_false(cm_age_overlap(15, 64, 65, CM_AGE_OPEN));
}

/* Five-year flows by broad age group, by sex: A receives 15 children (10
   girls, 5 boys), 60 of working age and 25 elderly from B, and sends B 8
   children; every group has rows both ways, 0 where none moved. */
static const char age_areas[] = "area_id,year,population,pop_0_14,pop_15_64,pop_65_plus\n"
                                "A,2011,1000,200,600,200\n"
                                "B,2011,2000,0,1500,500\n";
static const char age_flows[] = "year,origin,destination,kind,count,sex,age,interval\n"
                                "2011,B,A,internal,10,F,0-14,5\n"
                                "2011,B,A,internal,5,M,0-14,5\n"
                                "2011,B,A,internal,30,F,15-64,5\n"
                                "2011,B,A,internal,30,M,15-64,5\n"
                                "2011,B,A,internal,15,F,65+,5\n"
                                "2011,B,A,internal,10,M,65+,5\n"
                                "2011,A,B,internal,5,F,0-14,5\n"
                                "2011,A,B,internal,3,M,0-14,5\n"
                                "2011,A,B,internal,0,F,15-64,5\n"
                                "2011,A,B,internal,0,M,15-64,5\n"
                                "2011,A,B,internal,0,F,65+,5\n"
                                "2011,A,B,internal,0,M,65+,5\n"
                                /* a stayer names its group but moves nobody */
                                "2011,A,A,internal,7,F,65+,5\n";

static void test_age_structure(void **state)
{
    (void)state;
    fixture fx;
    const int I = CM_KIND_INTERNAL;
    load(&fx, age_areas, NULL, age_flows, NULL, 0, false);
    /* A's 100 arrivals: 15 children, 60 of working age, 25 elderly. */
    expect(get(&fx, "A", 2011, 0, I, "0-14", "in_age_share"), CM_FLAG_OK, 15);
    expect(get(&fx, "A", 2011, 0, I, "15-64", "in_age_share"), CM_FLAG_OK, 60);
    const cm_result *r = get(&fx, "A", 2011, 0, I, "65+", "in_age_share");
    expect(r, CM_FLAG_OK, 25);
    assert_true(r->numerator == 25 && r->denominator == 100);
    /* Annual rates over the residents of the same ages: 15 / 5 = 3 a year
       over 200 children. */
    r = get(&fx, "A", 2011, 0, I, "0-14", "in_rate_age");
    expect(r, CM_FLAG_OK, 1000.0 * 3 / 200);
    assert_string_equal(why(&fx, r),
                        "annual: the flows cover 5 years, the numerator is their yearly average");
    expect(get(&fx, "A", 2011, 0, I, "15-64", "in_rate_age"), CM_FLAG_OK, 1000.0 * 12 / 600);
    expect(get(&fx, "A", 2011, 0, I, "65+", "out_rate_age"), CM_FLAG_OK, 0);
    /* The median arrival, the 50th of 100: 15 are younger than 15, 75 younger than 65. */
    r = get(&fx, "A", 2011, 0, I, "", "in_median_age_group");
    expect(r, CM_FLAG_OK, 15);
    assert_string_equal(why(&fx, r), "the median mover is in age group 15-64");
    /* A's 8 departures are all children. */
    expect(get(&fx, "A", 2011, 0, I, "0-14", "out_age_share"), CM_FLAG_OK, 100);
    expect(get(&fx, "A", 2011, 0, I, "15-64", "out_age_share"), CM_FLAG_OK, 0);
    expect(get(&fx, "A", 2011, 0, I, "", "out_median_age_group"), CM_FLAG_OK, 0);
    /* B has no children: the children leaving it are div0 as a rate. */
    expect(get(&fx, "B", 2011, 0, I, "0-14", "out_rate_age"), CM_FLAG_DIV0, 0);
    expect(get(&fx, "B", 2011, 0, I, "0-14", "in_rate_age"), CM_FLAG_DIV0, 0);
    /* The stayer is not a move: A's 65+ arrivals are B's 25 only. */
    expect(get(&fx, "A", 2011, 0, I, "65+", "in_rate_age"), CM_FLAG_OK, 1000.0 * 5 / 200);

    /* Each area's shares sum to 100, and its groups to its inflow. */
    static const char *const groups[] = {"0-14", "15-64", "65+"};
    for (int a = 0; a < 2; a++) {
        const char *area = a ? "B" : "A";
        double sum = 0, count = 0;
        for (int g = 0; g < 3; g++) {
            const cm_result *x = get(&fx, area, 2011, 0, I, groups[g], "in_age_share");
            sum += x->value;
            count += x->numerator;
        }
        assert_float_equal(sum, 100, 1e-9);
        assert_float_equal(count, get(&fx, area, 2011, 0, I, "", "inflow")->value, 0);
    }
    unload(&fx);
}

static void test_age_missing_and_suppressed(void **state)
{
    (void)state;
    fixture fx;
    const int I = CM_KIND_INTERNAL;
    /* Groups that areas.csv has no column for; C's 65+ arrivals have an F
       row only. */
    load(&fx, "area_id,year,population\nA,2011,100\n", NULL,
         "year,origin,destination,kind,count,age,sex\n"
         "2011,B,A,internal,30,16-49,T\n"
         "2011,B,A,internal,20,50-64,T\n"
         "2011,B,A,internal,10,65+,T\n"
         "2011,B,C,internal,30,16-49,T\n"
         "2011,B,C,internal,20,50-64,T\n"
         "2011,B,C,internal,4,65+,F\n",
         NULL, 0, false);
    const cm_result *r = get(&fx, "A", 2011, 0, I, "16-49", "in_rate_age");
    expect(r, CM_FLAG_MISSING, 0);
    assert_string_equal(why(&fx, r),
                        "no population of age group 16-49: residents by age come from the "
                        "areas' pop_0_14, pop_15_64 and pop_65_plus only");
    expect(get(&fx, "A", 2011, 0, I, "16-49", "in_age_share"), CM_FLAG_OK, 50);
    r = get(&fx, "C", 2011, 0, I, "16-49", "in_age_share");
    expect(r, CM_FLAG_MISSING, 0);
    assert_string_equal(why(&fx, r), "the internal inflow of age group 65+ is missing: only one "
                                     "sex gives it, and no T row");
    expect(get(&fx, "C", 2011, 0, I, "", "in_median_age_group"), CM_FLAG_MISSING, 0);
    /* B is never a destination: its arrivals of every group are missing, not 0. */
    r = get(&fx, "B", 2011, 0, I, "65+", "in_age_share");
    expect(r, CM_FLAG_MISSING, 0);
    /* B's departures aged 65+: the T row to A (10) is their total; the F row
       to C is not added to it (T rows where any, as for every total). */
    expect(get(&fx, "B", 2011, 0, I, "65+", "out_age_share"), CM_FLAG_OK, 100.0 * 10 / 110);
    unload(&fx);

    /* --min-count 15: A's 10 elderly arrivals are small. The groups sum to
       the inflow shown, so the next smallest, 20 aged 50-64, is hidden with
       them; the 30 aged 16-49 stay shown. */
    load(&fx, "area_id,year,population\nA,2011,100\n", NULL,
         "year,origin,destination,kind,count,age\n"
         "2011,B,A,internal,30,16-49\n"
         "2011,B,A,internal,20,50-64\n"
         "2011,B,A,internal,10,65+\n",
         NULL, 15, false);
    r = get(&fx, "A", 2011, 0, I, "65+", "in_age_share");
    expect(r, CM_FLAG_SUPPRESSED, 0);
    assert_false(r->has_numerator || r->has_denominator);
    r = get(&fx, "A", 2011, 0, I, "50-64", "in_age_share");
    expect(r, CM_FLAG_SUPPRESSED, 0);
    assert_false(r->has_numerator);
    assert_string_equal(why(&fx, r),
                        "suppressed with another age group's small count, so that neither can be "
                        "recovered from the total (complementary suppression)");
    expect(get(&fx, "A", 2011, 0, I, "16-49", "in_age_share"), CM_FLAG_OK, 50);
    expect(get(&fx, "A", 2011, 0, I, "", "in_median_age_group"), CM_FLAG_SUPPRESSED, 0);
    expect(get(&fx, "A", 2011, 0, I, "", "inflow"), CM_FLAG_OK, 60);
    unload(&fx);
}

/* Five-year bands come in the order of their ages, not of their labels'
   bytes ("10-14" < "5-9"). */
static void test_age_order(void **state)
{
    (void)state;
    fixture fx;
    load(&fx, NULL, NULL,
         "year,origin,destination,kind,count,age\n"
         "2011,B,A,internal,1,10-14\n"
         "2011,B,A,internal,2,5-9\n"
         "2011,B,A,internal,3,0-4\n"
         "2011,B,A,internal,4,15+\n",
         NULL, 0, false);
    const char *order[4];
    size_t n = 0;
    int ind = cm_indicator_find("in_age_share");
    for (size_t i = 0; i < fx.results.count && n < 4; i++) {
        const cm_result *r = &fx.results.items[i];
        if (r->indicator == ind && strcmp(cm_strpool_str(fx.ds->pool, r->area), "A") == 0)
            order[n++] = cm_strpool_str(fx.ds->pool, r->service);
    }
    assert_int_equal(n, 4);
    assert_string_equal(order[0], "0-4");
    assert_string_equal(order[1], "5-9");
    assert_string_equal(order[2], "10-14");
    assert_string_equal(order[3], "15+");
    /* The median arrival, the 5th of 10: 3 are under 5, 5 under 10. */
    expect(get(&fx, "A", 2011, 0, CM_KIND_INTERNAL, "", "in_median_age_group"), CM_FLAG_OK, 5);
    unload(&fx);
}

/* Random flows by age group and sex: for every area and kind, the shares
   of the age groups sum to 100 and their numerators to the inflow
   (outflow) when each group is given the same way; the weighted sum of the
   rates by sex is the rate of all. */
static void test_age_sex_identities(void **state)
{
    (void)state;
    static const char *const groups[] = {"0-14", "15-64", "65+"};
    static const char *const areas[] = {"A", "B", "C", "D"};
    unsigned seed = 12345;
    for (int round = 0; round < 20; round++) {
        char flows[8192], pop[1024];
        int o = snprintf(flows, sizeof flows, "year,origin,destination,kind,count,sex,age\n");
        int p = snprintf(pop, sizeof pop,
                         "area_id,year,population,population_female,population_male,pop_0_14,"
                         "pop_15_64,pop_65_plus\n");
        for (int a = 0; a < 4; a++) {
            seed = seed * 1103515245u + 12345u;
            int f = 500 + (int)(seed >> 16) % 500, m = 500 + (int)(seed >> 8) % 500;
            p += snprintf(pop + p, sizeof pop - (size_t)p, "%s,2011,%d,%d,%d,%d,%d,%d\n", areas[a],
                          f + m, f, m, (f + m) / 4, (f + m) / 2, (f + m) / 8);
        }
        for (int a = 0; a < 4; a++)
            for (int b = 0; b < 4; b++)
                for (int g = 0; g < 3; g++)
                    for (int x = 0; x < 2; x++) {
                        if (a == b)
                            continue;
                        seed = seed * 1103515245u + 12345u;
                        o += snprintf(flows + o, sizeof flows - (size_t)o,
                                      "2011,%s,%s,internal,%u,%s,%s\n", areas[a], areas[b],
                                      (seed >> 16) % 50, x ? "M" : "F", groups[g]);
                    }
        fixture fx;
        load(&fx, pop, NULL, flows, NULL, 0, false);
        for (int a = 0; a < 4; a++) {
            for (int dir = 0; dir < 2; dir++) {
                double share = 0, count = 0;
                for (int g = 0; g < 3; g++) {
                    const cm_result *r = get(&fx, areas[a], 2011, 0, CM_KIND_INTERNAL, groups[g],
                                             dir ? "out_age_share" : "in_age_share");
                    if (r->flag == CM_FLAG_OK) {
                        share += r->value;
                        count += r->numerator;
                    }
                }
                const cm_result *t =
                    get(&fx, areas[a], 2011, 0, CM_KIND_INTERNAL, "", dir ? "outflow" : "inflow");
                if (t->value > 0)
                    assert_float_equal(share, 100, 1e-9);
                assert_float_equal(count, t->value, 0);
                /* Rates by sex, weighted by the residents of each sex. */
                const char *rate = dir ? "out_rate" : "in_rate";
                char f_id[32], m_id[32];
                snprintf(f_id, sizeof f_id, "%s_female", rate);
                snprintf(m_id, sizeof m_id, "%s_male", rate);
                const cm_result *all = get(&fx, areas[a], 2011, 0, CM_KIND_INTERNAL, "", rate);
                const cm_result *rf = get(&fx, areas[a], 2011, 0, CM_KIND_INTERNAL, "", f_id);
                const cm_result *rm = get(&fx, areas[a], 2011, 0, CM_KIND_INTERNAL, "", m_id);
                assert_float_equal(all->value * all->denominator,
                                   rf->value * rf->denominator + rm->value * rm->denominator, 1e-6);
            }
        }
        unload(&fx);
    }
}

int main(void)
{
    setlocale(LC_ALL, "");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sex_ratios),
        cmocka_unit_test(test_sex_rates),
        cmocka_unit_test(test_age_labels),
        cmocka_unit_test(test_age_structure),
        cmocka_unit_test(test_age_missing_and_suppressed),
        cmocka_unit_test(test_age_order),
        cmocka_unit_test(test_age_sex_identities),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
