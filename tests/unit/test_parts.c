/*
 * test_parts.c - an area over the areas it contains, against values worked
 * out by hand: the share of its foreign-born in its top 5, 10 and 20
 * areas, the foreign-born share over its parts, and its counts against
 * theirs (ok, with a note where the parts exceed the whole; missing,
 * div0, suppressed; from a published share); and, over random countries,
 * that the top shares never fall as N grows and reach the parts' share.
 */
#include <math.h>
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

static const char header[] = "area_id,level,parent_id,year,population,foreign_born,"
                             "foreign_born_share\n";

/* C: 1,000 foreign-born of 10,000; its six cities 700 of 4,300. */
static void test_hand_worked(void **state)
{
    (void)state;
    char csv[2048];
    snprintf(csv, sizeof csv,
             "%s"
             "C,country,,2015,10000,1000,\n"
             "C1,city,C,2015,2000,300,\n"
             "C2,city,C,2015,1000,200,\n"
             "C3,city,C,2015,500,100,\n"
             "C4,city,C,2015,400,50,\n"
             "C5,city,C,2015,300,40,\n"
             "C6,city,C,2015,100,10,\n",
             header);
    fixture fx;
    load(&fx, csv, NULL, NULL, NULL, 0, false);
    expect(get_area(&fx, "C", 2015, "part_areas"), CM_FLAG_OK, 6);
    /* 300 + 200 + 100 + 50 + 40 = 690 of 1,000 */
    const cm_result *r = get_area(&fx, "C", 2015, "fb_share_top5");
    expect(r, CM_FLAG_OK, 69);
    assert_true(r->has_numerator && r->numerator == 690);
    assert_true(r->has_denominator && r->denominator == 1000);
    assert_int_equal(r->reason, 0);
    /* Fewer than 10: over all six, and it says so. */
    r = get_area(&fx, "C", 2015, "fb_share_top10");
    expect(r, CM_FLAG_OK, 70);
    assert_string_equal(why(&fx, r), "over all the 6 areas it contains: fewer than 10");
    expect(get_area(&fx, "C", 2015, "fb_share_top20"), CM_FLAG_OK, 70);
    /* The mean of the cities' shares weighted by population: 700 / 4,300 */
    expect(get_area(&fx, "C", 2015, "parts_fb_share"), CM_FLAG_OK, 100.0 * 700 / 4300);
    expect(get_area(&fx, "C", 2015, "parts_population_share"), CM_FLAG_OK, 43);
    expect(get_area(&fx, "C", 2015, "parts_fb_share_of_parent"), CM_FLAG_OK, 70);
    /* The cities contain nothing: no rows of their own. */
    assert_false(has(&fx, "C1", 2015, CM_KIND_NONE, "fb_share_top5"));
    unload(&fx);
}

static void test_edges(void **state)
{
    (void)state;
    char csv[2048];
    snprintf(csv, sizeof csv,
             "%s"
             /* D: no one at all */
             "D,country,,2015,0,0,\n"
             "D1,city,D,2015,0,0,\n"
             /* M: one city without its foreign-born */
             "M,country,,2015,1000,100,\n"
             "M1,city,M,2015,500,50,\n"
             "M2,city,M,2015,500,,\n"
             /* N has no row of its own */
             "N1,city,N,2015,100,10,\n"
             /* O: its cities hold more than it does */
             "O,country,,2015,1000,100,\n"
             "O1,city,O,2015,600,80,\n"
             "O2,city,O,2015,500,40,\n"
             /* Q: one city has only its published share, 20% of 500 */
             "Q,country,,2015,1000,200,\n"
             "Q1,city,Q,2015,500,,20\n"
             "Q2,city,Q,2015,500,50,\n",
             header);
    fixture fx;
    load(&fx, csv, NULL, NULL, NULL, 0, false);
    const cm_result *r = get_area(&fx, "D", 2015, "fb_share_top5");
    expect(r, CM_FLAG_DIV0, 0);
    assert_string_equal(why(&fx, r), "its foreign_born is 0");
    expect(get_area(&fx, "D", 2015, "parts_fb_share"), CM_FLAG_DIV0, 0);
    expect(get_area(&fx, "D", 2015, "parts_population_share"), CM_FLAG_DIV0, 0);

    /* Never a ranking of the cities that happen to be there. */
    r = get_area(&fx, "M", 2015, "fb_share_top5");
    expect(r, CM_FLAG_MISSING, 0);
    assert_string_equal(why(&fx, r), "foreign_born of area M2 is missing");
    expect(get_area(&fx, "M", 2015, "parts_fb_share"), CM_FLAG_MISSING, 0);
    expect(get_area(&fx, "M", 2015, "parts_fb_share_of_parent"), CM_FLAG_MISSING, 0);
    /* The population check needs only the populations. */
    expect(get_area(&fx, "M", 2015, "parts_population_share"), CM_FLAG_OK, 100);

    expect(get_area(&fx, "N", 2015, "part_areas"), CM_FLAG_OK, 1);
    r = get_area(&fx, "N", 2015, "fb_share_top5");
    expect(r, CM_FLAG_MISSING, 0);
    assert_string_equal(why(&fx, r), "the area's own row for the year is missing");
    expect(get_area(&fx, "N", 2015, "parts_fb_share"), CM_FLAG_OK, 10);

    /* 1,100 residents in cities of a country of 1,000; 120 of its 100 foreign-born */
    r = get_area(&fx, "O", 2015, "parts_population_share");
    expect(r, CM_FLAG_OK, 110);
    assert_string_equal(why(&fx, r),
                        "the areas it contains hold 100 more residents than it does (1100 "
                        "against 1000): do they overlap, or come from another source or date?");
    r = get_area(&fx, "O", 2015, "parts_fb_share_of_parent");
    expect(r, CM_FLAG_OK, 120);
    assert_non_null(strstr(why(&fx, r), "hold 20 more foreign-born than it does"));
    /* Within the whole: no note. */
    assert_int_equal(get_area(&fx, "M", 2015, "parts_population_share")->reason, 0);

    /* Q1: 20% of 500 = 100, with Q2's 50: 150 of 200 */
    r = get_area(&fx, "Q", 2015, "fb_share_top5");
    expect(r, CM_FLAG_OK, 75);
    assert_string_equal(why(&fx, r), "computed from the published foreign_born_share");
    expect(get_area(&fx, "Q", 2015, "parts_fb_share"), CM_FLAG_OK, 15);
    unload(&fx);

    /* A city's count below --min-count suppresses every figure of its country
       that ranks or sums the cities, and shows no numerator. */
    snprintf(csv, sizeof csv,
             "%s"
             "S,country,,2015,100000,20000,\n"
             "S1,city,S,2015,60000,15000,\n"
             "S2,city,S,2015,1000,4,\n",
             header);
    load(&fx, csv, NULL, NULL, NULL, 5, false);
    r = get_area(&fx, "S", 2015, "fb_share_top5");
    expect(r, CM_FLAG_SUPPRESSED, 0);
    assert_false(r->has_numerator);
    expect(get_area(&fx, "S", 2015, "parts_fb_share"), CM_FLAG_SUPPRESSED, 0);
    expect(get_area(&fx, "S", 2015, "parts_fb_share_of_parent"), CM_FLAG_SUPPRESSED, 0);
    expect(get_area(&fx, "S", 2015, "parts_population_share"), CM_FLAG_OK, 61);
    expect(get_area(&fx, "S", 2015, "part_areas"), CM_FLAG_OK, 2);
    unload(&fx);
}

/* Random countries: top 5 <= top 10 <= top 20 <= the parts' share of the
   whole, each the sum of the largest counts. */
static void test_properties(void **state)
{
    (void)state;
    srand(19);
    for (int round = 0; round < 30; round++) {
        int n = 1 + rand() % 30;
        char *csv = malloc(64 * (size_t)(n + 2) + sizeof header);
        assert_non_null(csv);
        int64_t fb[32], sum = 0;
        size_t used = (size_t)sprintf(csv, "%s", header);
        for (int i = 0; i < n; i++) {
            fb[i] = rand() % 1000;
            sum += fb[i];
            used += (size_t)sprintf(csv + used, "P%02d,city,P,2015,%d,%lld,\n", i,
                                    1000 + rand() % 5000, (long long)fb[i]);
        }
        int64_t whole = sum + rand() % 1000 + 1;
        sprintf(csv + used, "P,country,,2015,1000000,%lld,\n", (long long)whole);
        fixture fx;
        load(&fx, csv, NULL, NULL, NULL, 0, false);
        /* the largest k by selection */
        double top[3] = {0, 0, 0};
        static const int ks[] = {5, 10, 20};
        for (int k = 0; k < 3; k++) {
            bool used_i[32] = {false};
            for (int j = 0; j < ks[k] && j < n; j++) {
                int best = -1;
                for (int i = 0; i < n; i++)
                    if (!used_i[i] && (best < 0 || fb[i] > fb[best]))
                        best = i;
                used_i[best] = true;
                top[k] += (double)fb[best];
            }
        }
        static const char *const ids[] = {"fb_share_top5", "fb_share_top10", "fb_share_top20"};
        double prev = 0;
        for (int k = 0; k < 3; k++) {
            const cm_result *r = get_area(&fx, "P", 2015, ids[k]);
            expect(r, CM_FLAG_OK, 100.0 * top[k] / (double)whole);
            assert_true(r->value >= prev);
            prev = r->value;
        }
        const cm_result *all = get_area(&fx, "P", 2015, "parts_fb_share_of_parent");
        expect(all, CM_FLAG_OK, 100.0 * (double)sum / (double)whole);
        assert_true(prev <= all->value * (1 + 1e-12));
        unload(&fx);
        free(csv);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_worked),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_properties),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
