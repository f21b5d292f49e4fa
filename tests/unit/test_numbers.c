/*
 * test_numbers.c - the rules that decide numbers in every breakdown:
 * totals against sexes per cell, disclosure control that discloses
 * nothing, the one order of flags, published figures as a fallback and as
 * provenance, services' polarity and intervals.
 *
 * Each case is the smallest dataset that shows the rule, with the value an
 * analyst would work out by hand.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "indfixture.h"

static const int I = CM_KIND_INTERNAL, X = CM_KIND_INTERNATIONAL, ALL = CM_KIND_ALL;

static const cm_result *diversity(const fixture *fx, const char *indicator)
{
    return get_area(fx, "A", 2011, indicator);
}

/* ---- totals against sexes, per cell ------------------------------------- */

static void test_stock_natives_row_takes_no_part(void **state)
{
    (void)state;
    /* The natives' T row must not make the foreign-born by sex unread. */
    fixture fx;
    load(&fx, NULL,
         "area_id,year,origin,count,sex\n"
         "A,2011,A,900,T\nA,2011,IND,60,F\nA,2011,IND,40,M\nA,2011,PAK,50,F\nA,2011,PAK,50,M\n",
         NULL, NULL, 0, false);
    expect(diversity(&fx, "origin_count"), CM_FLAG_OK, 2);
    expect(diversity(&fx, "hhi"), CM_FLAG_OK, 0.5);
    expect(diversity(&fx, "top_origin_share"), CM_FLAG_OK, 50);
    unload(&fx);
}

static void test_stock_total_or_sexes_per_origin(void **state)
{
    (void)state;
    /* IND by sex, PAK as a total: each origin read on its own. */
    fixture fx;
    load(&fx, NULL,
         "area_id,year,origin,count,sex\nA,2011,IND,60,F\nA,2011,IND,40,M\nA,2011,PAK,50,T\n", NULL,
         NULL, 0, false);
    expect(diversity(&fx, "origin_count"), CM_FLAG_OK, 2);
    const cm_result *top = diversity(&fx, "top_origin_share");
    expect(top, CM_FLAG_OK, 100.0 * 100 / 150);
    assert_string_equal(cm_strpool_str(fx.ds->pool, top->origin), "IND");
    expect(diversity(&fx, "hhi"), CM_FLAG_OK, (4.0 + 1.0) / 9.0);
    unload(&fx);

    /* T given and F + M too: the T row is the total. */
    load(&fx, NULL,
         "area_id,year,origin,count,sex\nA,2011,IND,100,T\nA,2011,IND,60,F\nA,2011,IND,40,M\n"
         "A,2011,PAK,100,T\n",
         NULL, NULL, 0, false);
    expect(diversity(&fx, "hhi"), CM_FLAG_OK, 0.5);
    unload(&fx);
}

static void test_stock_one_sex_is_no_total(void **state)
{
    (void)state;
    fixture fx;
    load(&fx, NULL, "area_id,year,origin,count,sex\nA,2011,IND,60,F\nA,2011,PAK,50,T\n", NULL, NULL,
         0, false);
    const cm_result *r = diversity(&fx, "hhi");
    expect(r, CM_FLAG_MISSING, 0);
    assert_string_equal(why(&fx, r),
                        "the count of origin IND is missing: only F rows give it, no T or M row");
    expect(diversity(&fx, "origin_count"), CM_FLAG_MISSING, 0);
    unload(&fx);
}

static void test_flow_areas_read_on_their_own(void **state)
{
    (void)state;
    /* B's T rows do not make A's F and M rows vanish. */
    fixture fx;
    load(&fx, "area_id,year,population\nA,2011,1000\nB,2011,1000\n", NULL,
         "year,origin,destination,kind,count,sex\n"
         "2011,X,A,international,50,F\n2011,X,A,international,40,M\n"
         "2011,Y,B,international,10,T\n",
         NULL, 0, false);
    expect(get(&fx, "A", 2011, 0, X, "", "inflow"), CM_FLAG_OK, 90);
    expect(get(&fx, "A", 2011, 0, X, "", "inflow_female_share"), CM_FLAG_OK, 100.0 * 50 / 90);
    expect(get(&fx, "A", 2011, 0, X, "", "in_rate"), CM_FLAG_OK, 90);
    expect(get(&fx, "B", 2011, 0, X, "", "inflow"), CM_FLAG_OK, 10);
    /* International flows join cities to the world: no system measures. */
    assert_false(has(&fx, "", 2011, X, "migration_intensity"));
    assert_false(has(&fx, "", 2011, ALL, "migration_intensity"));
    unload(&fx);
}

static void test_flow_directions_read_on_their_own(void **state)
{
    (void)state;
    fixture fx;
    load(&fx, "area_id,year,population\nA,2011,1000\n", NULL,
         "year,origin,destination,kind,count,sex\n"
         "2011,X,A,international,50,F\n2011,A,Y,international,10,T\n",
         NULL, 0, false);
    /* Arrivals of women only: no total, and no female share of it. */
    const cm_result *r = get(&fx, "A", 2011, 0, X, "", "inflow");
    expect(r, CM_FLAG_MISSING, 0);
    assert_string_equal(why(&fx, r),
                        "international inflow is missing: only F rows give it, no T or M row");
    expect(get(&fx, "A", 2011, 0, X, "", "inflow_female_share"), CM_FLAG_MISSING, 0);
    expect(get(&fx, "A", 2011, 0, X, "", "outflow"), CM_FLAG_OK, 10);
    unload(&fx);
}

/* ---- disclosure control -------------------------------------------------- */

static void test_suppressed_shows_nothing(void **state)
{
    (void)state;
    fixture fx;
    load(&fx, "area_id,year,population\nA,2011,10000\nB,2011,10000\n", NULL,
         "year,origin,destination,kind,count,sex\n"
         "2011,B,A,internal,1000,F\n2011,B,A,internal,3,M\n"
         "2011,A,B,internal,500,F\n2011,A,B,internal,500,M\n",
         NULL, 25, false);
    /* The inflow (F + M) is the cell shown, and is not small. */
    expect(get(&fx, "A", 2011, 0, I, "", "inflow"), CM_FLAG_OK, 1003);
    const cm_result *r = get(&fx, "A", 2011, 0, I, "", "inflow_female_share");
    expect(r, CM_FLAG_SUPPRESSED, 0);
    assert_false(r->has_numerator);
    assert_false(r->has_denominator);
    unload(&fx);
}

static void test_threshold_on_the_cell_shown(void **state)
{
    (void)state;
    /* 14 F + 14 M = 28: the origin's count is not below 25. */
    fixture fx;
    load(&fx, NULL,
         "area_id,year,origin,count,sex\nA,2011,IND,14,F\nA,2011,IND,14,M\nA,2011,PAK,100,T\n"
         "A,2011,A,3,T\n",
         NULL, NULL, 25, false);
    expect(diversity(&fx, "origin_count"), CM_FLAG_OK, 2);
    expect(diversity(&fx, "top_origin_share"), CM_FLAG_OK, 100.0 * 100 / 128);
    unload(&fx);
    /* One small origin suppresses all, with no origin named. */
    load(&fx, NULL, "area_id,year,origin,count\nA,2011,IND,600\nA,2011,PAK,4\n", NULL, NULL, 25,
         false);
    const cm_result *r = diversity(&fx, "top_origin_share");
    expect(r, CM_FLAG_SUPPRESSED, 0);
    assert_int_equal(r->origin, 0);
    assert_false(r->has_numerator);
    unload(&fx);
}

static void test_kinds_of_all_protect_each_other(void **state)
{
    (void)state;
    fixture fx;
    load(&fx, "area_id,year,population\nA,2011,10000\nB,2011,10000\nC,2011,10000\n", NULL,
         "year,origin,destination,kind,count\n"
         "2011,B,A,internal,10\n2011,W,A,international,500\n2011,A,B,internal,300\n"
         "2011,A,W,international,200\n2011,C,B,internal,400\n2011,B,C,internal,50\n",
         NULL, 25, false);
    expect(get(&fx, "A", 2011, 0, I, "", "inflow"), CM_FLAG_SUPPRESSED, 0);
    expect(get(&fx, "A", 2011, 0, X, "", "inflow"), CM_FLAG_OK, 500);
    /* all = internal + international would give the internal 10 back. */
    expect(get(&fx, "A", 2011, 0, ALL, "", "inflow"), CM_FLAG_SUPPRESSED, 0);
    expect(get(&fx, "A", 2011, 0, ALL, "", "outflow"), CM_FLAG_OK, 500);
    unload(&fx);
}

static const char zone_areas[] = "area_id,level,year,population\n"
                                 "A,city,2011,1000\nB,city,2011,1000\nC,city,2011,1000\n"
                                 "D,city,2011,1000\n";

static void test_complementary_suppression_over_zones(void **state)
{
    (void)state;
    /* A's inflow (5) is small. Shown, the system's moves and the other
       zones' inflows would give it back: the smallest other inflow (C, 40)
       is suppressed with it, and the system's figures stay shown. */
    fixture fx;
    load(&fx, zone_areas, NULL,
         "year,origin,destination,kind,count\n"
         "2011,B,A,internal,5\n2011,A,B,internal,100\n2011,A,C,internal,40\n"
         "2011,B,D,internal,60\n2011,C,D,internal,70\n2011,D,B,internal,80\n",
         NULL, 25, false);
    expect(get(&fx, "A", 2011, 0, I, "", "inflow"), CM_FLAG_SUPPRESSED, 0);
    const cm_result *c = get(&fx, "C", 2011, 0, I, "", "inflow");
    expect(c, CM_FLAG_SUPPRESSED, 0);
    assert_non_null(strstr(why(&fx, c), "complementary suppression"));
    expect(get(&fx, "B", 2011, 0, I, "", "inflow"), CM_FLAG_OK, 180);
    expect(get(&fx, "D", 2011, 0, I, "", "inflow"), CM_FLAG_OK, 130);
    expect(get(&fx, "C", 2011, 0, I, "", "net"), CM_FLAG_SUPPRESSED, 0);
    /* One small zone does not suppress the whole system. */
    expect(get(&fx, "", 2011, 0, I, "", "system_moves"), CM_FLAG_OK, 355);
    expect(get(&fx, "", 2011, 0, I, "", "migration_intensity"), CM_FLAG_OK, 100.0 * 355 / 4000);
    unload(&fx);
}

static void test_system_with_no_complement_is_suppressed(void **state)
{
    (void)state;
    /* Two zones, and B's inflow is 0: no zone to suppress with A's. */
    fixture fx;
    load(&fx, "area_id,level,year,population\nA,city,2011,1000\nB,city,2011,1000\n", NULL,
         "year,origin,destination,kind,count\n2011,B,A,internal,5\n2011,A,B,internal,0\n", NULL, 25,
         false);
    expect(get(&fx, "A", 2011, 0, I, "", "inflow"), CM_FLAG_SUPPRESSED, 0);
    expect(get(&fx, "", 2011, 0, I, "", "system_moves"), CM_FLAG_SUPPRESSED, 0);
    unload(&fx);
}

/* ---- the order of flags --------------------------------------------------- */

static void test_missing_before_suppressed(void **state)
{
    (void)state;
    fixture fx;
    load(&fx, "area_id,year,population,foreign_born\nA,2011,,3\n", NULL, NULL, NULL, 25, false);
    const cm_result *r = get_area(&fx, "A", 2011, "fb_share");
    expect(r, CM_FLAG_MISSING, 0);
    assert_string_equal(why(&fx, r), "population is missing");
    assert_false(r->has_numerator); /* the small count is not shown either */
    unload(&fx);
}

static void test_missing_before_div0(void **state)
{
    (void)state;
    fixture fx;
    load(&fx, NULL, NULL, NULL,
         "area_id,year,service,group,population,with_access,standard_error\n"
         "A,2011,health,migrant,0,0,\nA,2011,health,native,100,90,\n",
         0, false);
    const cm_result *r = get(&fx, "A", 2011, 0, CM_KIND_NONE, "health", "gap_ci_low");
    expect(r, CM_FLAG_MISSING, 0);
    assert_string_equal(why(&fx, r), "standard_error is missing");
    expect(get(&fx, "A", 2011, 0, CM_KIND_NONE, "health", "gap_pp"), CM_FLAG_DIV0, 0);
    unload(&fx);
}

/* ---- rows for every area ------------------------------------------------- */

static void test_origin_only_area_has_rows(void **state)
{
    (void)state;
    fixture fx;
    load(&fx, "area_id,year,population\nB,2011,200\nC,2011,300\n", NULL,
         "year,origin,destination,kind,count\n2011,A,B,internal,10\n2011,B,C,internal,4\n", NULL, 0,
         false);
    expect(get(&fx, "A", 2011, 0, I, "", "outflow"), CM_FLAG_OK, 10);
    expect(get(&fx, "A", 2011, 0, I, "", "inflow"), CM_FLAG_MISSING, 0);
    /* C is never an origin: its outflow is missing, not 0. */
    expect(get(&fx, "C", 2011, 0, I, "", "outflow"), CM_FLAG_MISSING, 0);
    unload(&fx);
}

static void test_rectangular_kinds(void **state)
{
    (void)state;
    /* The year has both kinds: B, with internal flows only, still has its
       international and all rows, flagged missing. */
    fixture fx;
    load(&fx, "area_id,year,population\nA,2011,100\nB,2011,100\n", NULL,
         "year,origin,destination,kind,count\n2011,A,B,internal,10\n"
         "2011,W,A,international,4\n",
         NULL, 0, false);
    expect(get(&fx, "B", 2011, 0, X, "", "inflow"), CM_FLAG_MISSING, 0);
    expect(get(&fx, "B", 2011, 0, ALL, "", "inflow"), CM_FLAG_MISSING, 0);
    expect(get(&fx, "W", 2011, 0, X, "", "outflow"), CM_FLAG_OK, 4);
    expect(get(&fx, "W", 2011, 0, I, "", "outflow"), CM_FLAG_MISSING, 0);
    unload(&fx);
}

/* ---- published figures ---------------------------------------------------- */

static void test_published_share_as_fallback(void **state)
{
    (void)state;
    /* The count is there, the population is not: the published share. */
    fixture fx;
    load(&fx,
         "area_id,level,parent_id,year,population,foreign_born,foreign_born_share\n"
         "WORLD,world,,2019,,271642105,3.5\nC,country,WORLD,2019,1000,100,\n",
         NULL, NULL, NULL, 0, false);
    const cm_result *r = get_area(&fx, "WORLD", 2019, "fb_share");
    expect(r, CM_FLAG_PUBLISHED, 3.5);
    assert_string_equal(why(&fx, r), "published foreign_born_share");
    /* Computed from a published share: ok, and it says so. */
    r = get_area(&fx, "C", 2019, "fb_location_quotient");
    expect(r, CM_FLAG_OK, 10.0 / 3.5);
    assert_string_equal(why(&fx, r), "computed from the published foreign_born_share");
    unload(&fx);
}

static void test_residual_is_computed_not_published(void **state)
{
    (void)state;
    fixture fx;
    load(&fx,
         "area_id,year,population,births,deaths,net_internal_migration,"
         "net_international_migration\n"
         "G,2010,1000,,,,\nG,2011,1100,30,10,50,40\n",
         NULL, NULL, NULL, 0, false);
    expect(get(&fx, "G", 2011, 2010, CM_KIND_NONE, "", "growth_net_internal"), CM_FLAG_PUBLISHED,
           50);
    const cm_result *r = get(&fx, "G", 2011, 2010, CM_KIND_NONE, "", "growth_net_internal_rate");
    expect(r, CM_FLAG_OK, 50);
    assert_string_equal(why(&fx, r), "computed from the published net_internal_migration");
    r = get(&fx, "G", 2011, 2010, CM_KIND_NONE, "", "growth_residual");
    expect(r, CM_FLAG_OK, 100 - 20 - 50 - 40);
    assert_string_equal(why(&fx, r), "computed from the published net_internal_migration");
    unload(&fx);
}

/* ---- services ------------------------------------------------------------- */

static void test_parity_interval(void **state)
{
    (void)state;
    fixture fx;
    load(&fx, NULL, NULL, NULL,
         "area_id,year,service,group,population,with_access,access_rate,standard_error\n"
         "A,2011,health,migrant,,,60,3\nA,2011,health,native,,,80,2\n",
         0, false);
    double se = sqrt(pow(3.0 / 60, 2) + pow(2.0 / 80, 2));
    const char *h = "health";
    expect(get(&fx, "A", 2011, 0, CM_KIND_NONE, h, "parity"), CM_FLAG_OK, 0.75);
    expect(get(&fx, "A", 2011, 0, CM_KIND_NONE, h, "parity_ci_low"), CM_FLAG_OK,
           0.75 * exp(-1.96 * se));
    expect(get(&fx, "A", 2011, 0, CM_KIND_NONE, h, "parity_ci_high"), CM_FLAG_OK,
           0.75 * exp(1.96 * se));
    expect(get(&fx, "A", 2011, 0, CM_KIND_NONE, h, "gap_ci_low"), CM_FLAG_OK,
           -20 - 1.96 * sqrt(9.0 + 4.0));
    unload(&fx);
}

static void test_coverage_over_the_areas_services(void **state)
{
    (void)state;
    /* B reports an extra service: it does not count against A. */
    fixture fx;
    load(&fx, NULL, NULL, NULL,
         "area_id,year,service,group,population,with_access\n"
         "A,2011,health,migrant,100,50\nA,2011,health,native,100,80\n"
         "B,2011,health,migrant,100,50\nB,2011,health,native,100,80\n"
         "B,2011,housing,migrant,100,50\n",
         0, false);
    expect(get_area(&fx, "A", 2011, "service_data_coverage"), CM_FLAG_OK, 100);
    expect(get_area(&fx, "B", 2011, "service_data_coverage"), CM_FLAG_OK, 50);
    unload(&fx);
}

/* ---- intervals and declared systems ------------------------------------ */

static void test_interval_gives_annual_rates(void **state)
{
    (void)state;
    /* Five-year flows: counts stay counts, rates are per year. */
    fixture fx;
    load(&fx, "area_id,year,population\nA,2010,1000\nB,2010,2000\nA,2009,990\n", NULL,
         "year,origin,destination,kind,count,interval\n"
         "2010,A,B,internal,100,5\n2010,B,A,internal,50,5\n2010,W,A,international,20,1\n",
         NULL, 0, false);
    expect(get(&fx, "A", 2010, 0, I, "", "inflow"), CM_FLAG_OK, 50);
    const cm_result *r = get(&fx, "A", 2010, 0, I, "", "in_rate");
    expect(r, CM_FLAG_OK, 1000.0 * 50 / 5 / 1000);
    assert_non_null(strstr(why(&fx, r), "the flows cover 5 years"));
    expect(get(&fx, "A", 2010, 0, I, "", "surge"), CM_FLAG_OK, 100.0 * 10 / 1000);
    expect(get(&fx, "", 2010, 0, I, "", "system_moves"), CM_FLAG_OK, 150);
    expect(get(&fx, "", 2010, 0, I, "", "migration_intensity"), CM_FLAG_OK, 100.0 * 30 / 3000);
    /* The two kinds cover different years: their sum has no annual rate. */
    expect(get(&fx, "A", 2010, 0, ALL, "", "inflow"), CM_FLAG_OK, 70);
    expect(get(&fx, "A", 2010, 0, ALL, "", "in_rate"), CM_FLAG_MISSING, 0);
    /* A growth component covers one year; five-year flows give none. */
    r = get(&fx, "A", 2010, 2009, CM_KIND_NONE, "", "growth_net_internal");
    expect(r, CM_FLAG_MISSING, 0);
    assert_string_equal(why(&fx, r),
                        "the internal flows of 2010 cover 5 years; a component covers one year");
    unload(&fx);
}

static void test_declared_zones_and_boundary(void **state)
{
    (void)state;
    /* Zones A and B, declared; R is the rest of the country. */
    static const char *const files[] = {
        "dataset.ini",
        "[areas]\nfile = pop.csv\ncolumn.area_id = area_id\ncolumn.year = year\n"
        "column.population = population\n"
        "[flows]\nfile = moves.csv\ncolumn.year = year\ncolumn.origin = origin\n"
        "column.destination = destination\ncolumn.count = count\nkind = internal\n"
        "zones = A, B\n",
        "pop.csv",
        "area_id,year,population\nA,2011,1000\nB,2011,3000\n",
        "moves.csv",
        "year,origin,destination,count\n2011,A,B,40\n2011,B,A,10\n2011,R,A,25\n2011,B,R,5\n"
        "2011,R,R2,99\n",
        NULL};
    fixture fx;
    load_files(&fx, files, 0);
    expect(get(&fx, "", 2011, 0, I, "", "system_moves"), CM_FLAG_OK, 50);
    expect(get(&fx, "", 2011, 0, I, "", "moves_in_from_outside"), CM_FLAG_OK, 25);
    expect(get(&fx, "", 2011, 0, I, "", "moves_out_to_outside"), CM_FLAG_OK, 5);
    /* The zones' nets: A in 35, out 40; B in 40, out 15: 20 = 25 in - 5 out. */
    expect(get(&fx, "", 2011, 0, I, "", "net_total"), CM_FLAG_OK, 20);
    /* The system's intensity counts moves between its zones only. */
    expect(get(&fx, "", 2011, 0, I, "", "migration_intensity"), CM_FLAG_OK, 100.0 * 50 / 4000);
    expect(get(&fx, "", 2011, 0, I, "", "aggregate_effectiveness"), CM_FLAG_OK,
           100.0 * (30 + 30) / (50 + 50));
    /* A zone's own rows still count every move. */
    expect(get(&fx, "A", 2011, 0, I, "", "inflow"), CM_FLAG_OK, 35);
    /* R, outside, has its rows too. */
    expect(get(&fx, "R", 2011, 0, I, "", "outflow"), CM_FLAG_OK, 124);
    unload(&fx);
}

static void test_undeclared_system_has_no_boundary(void **state)
{
    (void)state;
    fixture fx;
    load(&fx, NULL, NULL, "year,origin,destination,kind,count\n2011,A,B,internal,40\n", NULL, 0,
         false);
    expect(get(&fx, "", 2011, 0, I, "", "system_moves"), CM_FLAG_OK, 40);
    const cm_result *r = get(&fx, "", 2011, 0, I, "", "net_total");
    expect(r, CM_FLAG_MISSING, 0);
    assert_non_null(strstr(why(&fx, r), "not declared"));
    unload(&fx);
}

static void test_polarity_of_lack(void **state)
{
    (void)state;
    /* A published rate of the uninsured: access is 100 - rate. */
    fixture fx;
    load(&fx, NULL, NULL, NULL,
         "area_id,year,service,group,access_rate,polarity\n"
         "A,2011,health insurance,migrant,32.5,lack\nA,2011,health insurance,native,8,lack\n",
         0, false);
    const char *h = "health insurance";
    const cm_result *r = get(&fx, "A", 2011, 0, CM_KIND_NONE, h, "rate_migrant");
    expect(r, CM_FLAG_OK, 67.5);
    assert_non_null(strstr(why(&fx, r), "a rate of lack"));
    expect(get(&fx, "A", 2011, 0, CM_KIND_NONE, h, "gap_pp"), CM_FLAG_OK, 67.5 - 92);
    unload(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stock_natives_row_takes_no_part),
        cmocka_unit_test(test_stock_total_or_sexes_per_origin),
        cmocka_unit_test(test_stock_one_sex_is_no_total),
        cmocka_unit_test(test_flow_areas_read_on_their_own),
        cmocka_unit_test(test_flow_directions_read_on_their_own),
        cmocka_unit_test(test_suppressed_shows_nothing),
        cmocka_unit_test(test_threshold_on_the_cell_shown),
        cmocka_unit_test(test_kinds_of_all_protect_each_other),
        cmocka_unit_test(test_complementary_suppression_over_zones),
        cmocka_unit_test(test_system_with_no_complement_is_suppressed),
        cmocka_unit_test(test_missing_before_suppressed),
        cmocka_unit_test(test_missing_before_div0),
        cmocka_unit_test(test_origin_only_area_has_rows),
        cmocka_unit_test(test_rectangular_kinds),
        cmocka_unit_test(test_published_share_as_fallback),
        cmocka_unit_test(test_residual_is_computed_not_published),
        cmocka_unit_test(test_parity_interval),
        cmocka_unit_test(test_coverage_over_the_areas_services),
        cmocka_unit_test(test_interval_gives_annual_rates),
        cmocka_unit_test(test_declared_zones_and_boundary),
        cmocka_unit_test(test_undeclared_system_has_no_boundary),
        cmocka_unit_test(test_polarity_of_lack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
