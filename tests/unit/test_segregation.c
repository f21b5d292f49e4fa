/*
 * test_segregation.c - the segregation indices of a city over its
 * districts against values worked out by hand (ok, missing, div0,
 * suppressed, from a published share), and their properties over random
 * cities: dissimilarity and Theil's H within [0, 1], 0 for districts of
 * one mix, 1 for districts that each hold one group; isolation + exposure
 * = 1; isolation at least the city's share; the indices unchanged when
 * every count is scaled.
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

static const char header[] = "area_id,name,level,parent_id,year,population,foreign_born,"
                             "foreign_born_share\n";

/* Alpha: 200 of 400 foreign-born; Beta: 100 of 600. FB = 300, NB = 700. */
static void test_hand_worked(void **state)
{
    (void)state;
    char csv[1024];
    snprintf(csv, sizeof csv,
             "%s"
             "C,City,city,,2015,1000,300,\n"
             "A,Alpha,district,C,2015,400,200,\n"
             "B,Beta,district,C,2015,600,100,\n",
             header);
    fixture fx;
    load(&fx, csv, NULL, NULL, NULL, 0, false);
    expect(get_area(&fx, "C", 2015, "seg_districts"), CM_FLAG_OK, 2);
    /* 0.5 * (|2/3 - 2/7| + |1/3 - 5/7|) = 8/21 */
    expect(get_area(&fx, "C", 2015, "seg_dissimilarity"), CM_FLAG_OK, 8.0 / 21);
    /* 2/3 * 1/2 + 1/3 * 1/6 = 7/18; exposure 2/3 * 1/2 + 1/3 * 5/6 = 11/18 */
    expect(get_area(&fx, "C", 2015, "seg_isolation"), CM_FLAG_OK, 7.0 / 18);
    expect(get_area(&fx, "C", 2015, "seg_exposure"), CM_FLAG_OK, 11.0 / 18);
    /* E = 0.6108643, E_A = ln 2, E_B = 0.4505612:
       (400 (E - E_A) + 600 (E - E_B)) / (1000 E) */
    expect(get_area(&fx, "C", 2015, "seg_theil_h"), CM_FLAG_OK, 0.10357243711623397);
    /* The districts' own rows have no segregation of their own. */
    assert_false(has(&fx, "A", 2015, CM_KIND_NONE, "seg_dissimilarity"));
    unload(&fx);
}

static void test_edges(void **state)
{
    (void)state;
    char csv[2048];
    snprintf(csv, sizeof csv,
             "%s"
             /* M: one district lacks its foreign-born: missing, not a sum of the other */
             "M1,,district,M,2015,400,,\n"
             "M2,,district,M,2015,600,100,\n"
             /* O: one district */
             "O1,,district,O,2015,400,100,\n"
             /* Z: no foreign-born; N: no natives */
             "Z1,,district,Z,2015,400,0,\n"
             "Z2,,district,Z,2015,600,0,\n"
             "N1,,district,N,2015,400,400,\n"
             "N2,,district,N,2015,600,600,\n"
             /* P: a published share (25% of 800) beside a count */
             "P1,,district,P,2015,800,,25\n"
             "P2,,district,P,2015,200,100,\n"
             /* K: cities of a country are not its districts */
             "K1,,city,K,2015,400,100,\n"
             "K2,,city,K,2015,600,300,\n"
             /* U: districts of one mix; S: each district holds one group */
             "U1,,district,U,2015,100,20,\n"
             "U2,,district,U,2015,300,60,\n"
             "S1,,district,S,2015,100,100,\n"
             "S2,,district,S,2015,300,0,\n"
             /* E: a district of population 0 adds nothing */
             "E1,,district,E,2015,400,200,\n"
             "E2,,district,E,2015,600,100,\n"
             "E3,,district,E,2015,0,0,\n",
             header);
    fixture fx;
    load(&fx, csv, NULL, NULL, NULL, 0, false);
    expect(get_area(&fx, "M", 2015, "seg_districts"), CM_FLAG_OK, 2);
    const cm_result *r = get_area(&fx, "M", 2015, "seg_dissimilarity");
    expect(r, CM_FLAG_MISSING, 0);
    assert_string_equal(why(&fx, r), "foreign_born of district M1 is missing");
    expect(get_area(&fx, "M", 2015, "seg_theil_h"), CM_FLAG_MISSING, 0);

    r = get_area(&fx, "O", 2015, "seg_isolation");
    expect(r, CM_FLAG_DIV0, 0);
    assert_string_equal(why(&fx, r), "fewer than two districts");
    expect(get_area(&fx, "O", 2015, "seg_districts"), CM_FLAG_OK, 1);
    r = get_area(&fx, "Z", 2015, "seg_dissimilarity");
    expect(r, CM_FLAG_DIV0, 0);
    assert_string_equal(why(&fx, r), "the districts have no foreign-born residents");
    r = get_area(&fx, "N", 2015, "seg_theil_h");
    expect(r, CM_FLAG_DIV0, 0);
    assert_string_equal(why(&fx, r), "the districts have no native residents");

    /* 200 of 800 from the share, 100 of 200: 0.5 (|2/3 - 6/7| + |1/3 - 1/7|) = 4/21 */
    r = get_area(&fx, "P", 2015, "seg_dissimilarity");
    expect(r, CM_FLAG_OK, 4.0 / 21);
    assert_non_null(strstr(why(&fx, r), "foreign_born_share"));

    assert_false(has(&fx, "K", 2015, CM_KIND_NONE, "seg_districts"));

    expect(get_area(&fx, "U", 2015, "seg_dissimilarity"), CM_FLAG_OK, 0);
    expect(get_area(&fx, "U", 2015, "seg_theil_h"), CM_FLAG_OK, 0);
    expect(get_area(&fx, "U", 2015, "seg_isolation"), CM_FLAG_OK, 0.2);
    expect(get_area(&fx, "S", 2015, "seg_dissimilarity"), CM_FLAG_OK, 1);
    expect(get_area(&fx, "S", 2015, "seg_theil_h"), CM_FLAG_OK, 1);
    expect(get_area(&fx, "S", 2015, "seg_isolation"), CM_FLAG_OK, 1);
    expect(get_area(&fx, "S", 2015, "seg_exposure"), CM_FLAG_OK, 0);

    expect(get_area(&fx, "E", 2015, "seg_districts"), CM_FLAG_OK, 3);
    expect(get_area(&fx, "E", 2015, "seg_dissimilarity"), CM_FLAG_OK, 8.0 / 21);
    expect(get_area(&fx, "E", 2015, "seg_isolation"), CM_FLAG_OK, 7.0 / 18);
    expect(get_area(&fx, "E", 2015, "seg_theil_h"), CM_FLAG_OK, 0.10357243711623397);
    unload(&fx);
}

/* A small district count suppresses every index of the city: with the
   other districts shown, the indices would give it back. */
static void test_suppressed(void **state)
{
    (void)state;
    char csv[1024];
    snprintf(csv, sizeof csv,
             "%s"
             "A,,district,C,2015,400,200,\n"
             "B,,district,C,2015,600,100,\n",
             header);
    fixture fx;
    load(&fx, csv, NULL, NULL, NULL, 150, false);
    const cm_result *r = get_area(&fx, "C", 2015, "seg_dissimilarity");
    expect(r, CM_FLAG_SUPPRESSED, 0);
    assert_string_equal(why(&fx, r), "foreign_born of district B is below --min-count 150");
    assert_false(r->has_numerator);
    expect(get_area(&fx, "C", 2015, "seg_exposure"), CM_FLAG_SUPPRESSED, 0);
    expect(get_area(&fx, "C", 2015, "seg_districts"), CM_FLAG_OK, 2);
    unload(&fx);
}

/* ---- properties over random cities ------------------------------------ */

enum { CITIES = 60, MAXD = 12 };

static unsigned long long rng = 0x2545f4914f6cdd1dull;

static unsigned next_rand(unsigned bound)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % bound);
}

static void test_properties(void **state)
{
    (void)state;
    size_t cap = 200000, len = 0;
    char *csv = malloc(cap);
    assert_non_null(csv);
    len += (size_t)snprintf(csv + len, cap - len, "%s", header);
    double share[CITIES];
    /* Each city twice: in 2015, and in 2016 with every count x 7. */
    for (int c = 0; c < CITIES; c++) {
        unsigned n = 2 + next_rand(MAXD - 1);
        unsigned t[MAXD], fb[MAXD];
        double fb_sum = 0, t_sum = 0;
        for (unsigned i = 0; i < n; i++) {
            t[i] = 1 + next_rand(100000);
            fb[i] = next_rand(t[i] + 1);
            fb_sum += fb[i];
            t_sum += t[i];
        }
        if (fb_sum == 0) /* a city with no foreign-born is div0: make one */
            fb[0] = t[0], fb_sum = t[0];
        if (fb_sum == t_sum)
            fb[0] = 0, fb_sum -= t[0];
        share[c] = fb_sum / t_sum;
        for (int y = 0; y < 2; y++)
            for (unsigned i = 0; i < n; i++)
                len += (size_t)snprintf(csv + len, cap - len,
                                        "C%02dD%02u,,district,C%02d,%d,%u,%u,\n", c, i, c, 2015 + y,
                                        t[i] * (y ? 7u : 1u), fb[i] * (y ? 7u : 1u));
    }
    assert_true(len < cap);
    fixture fx;
    load(&fx, csv, NULL, NULL, NULL, 0, false);
    for (int c = 0; c < CITIES; c++) {
        char id[16];
        snprintf(id, sizeof id, "C%02d", c);
        const cm_result *d = get_area(&fx, id, 2015, "seg_dissimilarity");
        const cm_result *iso = get_area(&fx, id, 2015, "seg_isolation");
        const cm_result *expo = get_area(&fx, id, 2015, "seg_exposure");
        const cm_result *h = get_area(&fx, id, 2015, "seg_theil_h");
        assert_int_equal(d->flag, CM_FLAG_OK);
        assert_int_equal(h->flag, CM_FLAG_OK);
        assert_true(d->value >= 0 && d->value <= 1);
        assert_true(h->value >= -1e-12 && h->value <= 1 + 1e-12);
        assert_true(fabs(iso->value + expo->value - 1) < 1e-12);
        assert_true(iso->value >= share[c] - 1e-12);
        /* Scaled by 7: the same indices. */
        expect(get_area(&fx, id, 2016, "seg_dissimilarity"), CM_FLAG_OK, d->value);
        expect(get_area(&fx, id, 2016, "seg_isolation"), CM_FLAG_OK, iso->value);
        assert_true(fabs(get_area(&fx, id, 2016, "seg_theil_h")->value - h->value) < 1e-12);
    }
    unload(&fx);
    free(csv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_worked),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_suppressed),
        cmocka_unit_test(test_properties),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
