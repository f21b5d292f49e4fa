/*
 * test_agesex.c - who the migrants are: the indicators by sex, against
 * values worked out by hand, with their missing, div0, suppressed and
 * inconsistent cases.
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

    /* div0: no women live in Z, though women arrive. */
    load(&fx, "area_id,year,population,population_female,population_male\nZ,2015,10,0,10\n", NULL,
         "year,origin,destination,kind,count,sex\n2015,B,Z,internal,4,F\n2015,B,Z,internal,6,M\n",
         NULL, 0, false);
    expect(get(&fx, "Z", 2015, 0, I, "", "in_rate_female"), CM_FLAG_DIV0, 0);
    expect(get(&fx, "Z", 2015, 0, I, "", "in_rate_male"), CM_FLAG_OK, 600);
    unload(&fx);
}

int main(void)
{
    setlocale(LC_ALL, "");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sex_ratios),
        cmocka_unit_test(test_sex_rates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
