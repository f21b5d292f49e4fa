/*
 * test_indicators.c - every indicator against values worked out by hand,
 * with its div0, missing, suppressed and published cases; and properties
 * of random closed flow systems (ANMR = CMI * MEI / 100, net sums to 0).
 *
 * Each test writes a small dataset to a scratch directory, loads it through
 * the real loaders and computes the catalogue.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "citymig/dataset.h"
#include "citymig/indicators.h"
#include "citymig/rules.h"

#include "indfixture.h"

/* ---- composition ------------------------------------------------------- */

static const char areas_csv[] =
    "area_id,level,parent_id,year,population,foreign_born,foreign_born_share,foreign_born_female,"
    "internal_migrants,urban_population,births,deaths,pop_0_14,pop_15_64,pop_65_plus\n"
    "P,country,,2015,10000,1000,,,,,,,,,\n"
    "A,city,P,2015,1000,250,,125,150,600,20,10,200,600,150\n"
    "Z,city,P,2015,0,0,,0,0,0,0,0,0,0,0\n"
    "M,city,P,2015,500,,,,,,,,,,\n"
    "S,city,P,2015,,,38,,,,,,,,\n"
    "Q,city,,2015,800,,40,,,,,,,,\n";

static void test_composition(void **state)
{
    (void)state;
    fixture fx;
    load(&fx, areas_csv, NULL, NULL, NULL, 0, false);
    expect(get_area(&fx, "A", 2015, "fb_share"), CM_FLAG_OK, 25);
    const cm_result *r = get_area(&fx, "A", 2015, "fb_share");
    assert_true(r->has_numerator && r->numerator == 250 && r->denominator == 1000);
    expect(get_area(&fx, "A", 2015, "fb_female_share"), CM_FLAG_OK, 50);
    expect(get_area(&fx, "A", 2015, "internal_share"), CM_FLAG_OK, 15);
    expect(get_area(&fx, "A", 2015, "migrant_share"), CM_FLAG_OK, 40);
    expect(get_area(&fx, "A", 2015, "one_in_n"), CM_FLAG_OK, 2.5);
    expect(get_area(&fx, "A", 2015, "internal_per_international"), CM_FLAG_OK, 0.6);
    expect(get_area(&fx, "A", 2015, "fb_location_quotient"), CM_FLAG_OK, 2.5); /* 25% / 10% */
    expect(get_area(&fx, "A", 2015, "fb_share_of_parent"), CM_FLAG_OK, 25);
    expect(get_area(&fx, "A", 2015, "urban_share"), CM_FLAG_OK, 60);
    expect(get_area(&fx, "A", 2015, "natural_increase_rate"), CM_FLAG_OK, 10);
    expect(get_area(&fx, "A", 2015, "dependency_ratio"), CM_FLAG_OK, 100.0 * 350 / 600);

    /* div0: a population of 0, no foreign-born, no migrants. */
    r = get_area(&fx, "Z", 2015, "fb_share");
    expect(r, CM_FLAG_DIV0, 0);
    assert_string_equal(why(&fx, r), "population is 0");
    expect(get_area(&fx, "Z", 2015, "fb_female_share"), CM_FLAG_DIV0, 0);
    expect(get_area(&fx, "Z", 2015, "one_in_n"), CM_FLAG_DIV0, 0);
    expect(get_area(&fx, "Z", 2015, "dependency_ratio"), CM_FLAG_DIV0, 0);
    expect(get_area(&fx, "Z", 2015, "fb_location_quotient"), CM_FLAG_DIV0, 0);

    /* missing: never computed as if the count were 0. */
    r = get_area(&fx, "M", 2015, "fb_share");
    expect(r, CM_FLAG_MISSING, 0);
    assert_string_equal(why(&fx, r), "foreign_born is missing");
    expect(get_area(&fx, "M", 2015, "migrant_share"), CM_FLAG_MISSING, 0);
    expect(get_area(&fx, "M", 2015, "natural_increase_rate"), CM_FLAG_MISSING, 0);
    r = get_area(&fx, "Q", 2015, "fb_share_of_parent");
    expect(r, CM_FLAG_MISSING, 0);
    assert_string_equal(why(&fx, r), "foreign_born is missing");
    r = get_area(&fx, "Q", 2015, "fb_location_quotient");
    expect(r, CM_FLAG_MISSING, 0);
    assert_string_equal(why(&fx, r), "parent_id is missing");

    /* published: a share without counts, and what derives from it. */
    r = get_area(&fx, "S", 2015, "fb_share");
    expect(r, CM_FLAG_PUBLISHED, 38);
    assert_false(r->has_numerator);
    expect(get_area(&fx, "S", 2015, "fb_location_quotient"), CM_FLAG_OK, 3.8);
    expect(get_area(&fx, "S", 2015, "one_in_n"), CM_FLAG_MISSING, 0);
    unload(&fx);
}

static void test_suppressed(void **state)
{
    (void)state;
    fixture fx;
    load(&fx, areas_csv, NULL, NULL, NULL, 130, false);
    /* foreign_born_female 125 < 130: suppressed, and its counts hidden. */
    const cm_result *r = get_area(&fx, "A", 2015, "fb_female_share");
    expect(r, CM_FLAG_SUPPRESSED, 0);
    assert_false(r->has_numerator);
    assert_false(r->has_denominator);
    assert_string_equal(why(&fx, r), "foreign_born_female is below --min-count 130");
    /* Derived from a suppressed count: suppressed too. */
    expect(get_area(&fx, "A", 2015, "dependency_ratio"), CM_FLAG_OK, 100.0 * 350 / 600);
    expect(get_area(&fx, "A", 2015, "natural_increase_rate"), CM_FLAG_SUPPRESSED, 0);
    expect(get_area(&fx, "A", 2015, "fb_share"), CM_FLAG_OK, 25);
    /* Zero is not a small count: Z's zeros are not suppressed. */
    expect(get_area(&fx, "Z", 2015, "fb_share"), CM_FLAG_DIV0, 0);
    unload(&fx);
}

static void test_inconsistent(void **state)
{
    (void)state;
    fixture fx;
    /* foreign_born > population: kept under --keep-going, and flagged. */
    load(&fx,
         "area_id,year,population,foreign_born,internal_migrants\n"
         "A,2015,100,150,10\n",
         NULL, NULL, NULL, 0, true);
    expect(get_area(&fx, "A", 2015, "fb_share"), CM_FLAG_INCONSISTENT, 0);
    expect(get_area(&fx, "A", 2015, "internal_share"), CM_FLAG_OK, 10);
    unload(&fx);
}

/* ---- growth ------------------------------------------------------------ */

static void test_growth(void **state)
{
    (void)state;
    fixture fx;
    load(&fx,
         "area_id,year,population,urban_population,births,deaths,net_internal_migration,"
         "net_international_migration\n"
         "G,2010,1000,500,,,,\n"
         "G,2011,1100,600,30,10,50,40\n"
         "G,2015,1100,600,,,,\n"
         "H,2010,0,0,,,,\n"
         "H,2011,10,0,,,,\n",
         NULL, NULL, NULL, 0, false);
    expect(get(&fx, "G", 2011, 2010, CM_KIND_NONE, "", "population_change"), CM_FLAG_OK, 100);
    expect(get(&fx, "G", 2011, 2010, CM_KIND_NONE, "", "growth_rate"), CM_FLAG_OK,
           9.5310179804324860); /* 100 ln 1.1 */
    expect(get(&fx, "G", 2011, 2010, CM_KIND_NONE, "", "urban_growth_rate"), CM_FLAG_OK,
           18.232155679395462); /* 100 ln 1.2 */
    expect(get(&fx, "G", 2011, 2010, CM_KIND_NONE, "", "rural_growth_rate"), CM_FLAG_OK,
           0.0); /* 500 -> 500 */
    expect(get(&fx, "G", 2011, 2010, CM_KIND_NONE, "", "growth_natural"), CM_FLAG_OK, 20);
    expect(get(&fx, "G", 2011, 2010, CM_KIND_NONE, "", "growth_natural_rate"), CM_FLAG_OK, 20);
    expect(get(&fx, "G", 2011, 2010, CM_KIND_NONE, "", "growth_natural_pct"), CM_FLAG_OK, 20);
    expect(get(&fx, "G", 2011, 2010, CM_KIND_NONE, "", "growth_net_internal"), CM_FLAG_PUBLISHED,
           50);
    expect(get(&fx, "G", 2011, 2010, CM_KIND_NONE, "", "growth_net_international_pct"), CM_FLAG_OK,
           40);
    expect(get(&fx, "G", 2011, 2010, CM_KIND_NONE, "", "growth_residual"), CM_FLAG_OK, -10);
    expect(get(&fx, "G", 2011, 2010, CM_KIND_NONE, "", "growth_residual_rate"), CM_FLAG_OK, -10);
    /* Four years apart: rate per year; components are missing. */
    expect(get(&fx, "G", 2015, 2011, CM_KIND_NONE, "", "growth_rate"), CM_FLAG_OK, 0);
    const cm_result *r = get(&fx, "G", 2015, 2011, CM_KIND_NONE, "", "growth_natural");
    expect(r, CM_FLAG_MISSING, 0);
    /* No change: % of the change is div0. */
    expect(get(&fx, "G", 2015, 2011, CM_KIND_NONE, "", "population_change"), CM_FLAG_OK, 0);
    /* ln 0: div0. */
    r = get(&fx, "H", 2011, 2010, CM_KIND_NONE, "", "growth_rate");
    expect(r, CM_FLAG_DIV0, 0);
    assert_string_equal(why(&fx, r), "population is 0 in 2010, so its logarithm is undefined");
    /* Natural increase rate of a single row is an area indicator. */
    expect(get_area(&fx, "G", 2011, "natural_increase_rate"), CM_FLAG_OK, 1000.0 * 20 / 1100);
    unload(&fx);
}

/* ---- change between consecutive years ----------------------------------- */

static void test_change(void **state)
{
    (void)state;
    fixture fx;
    load(&fx,
         "area_id,year,population,foreign_born,foreign_born_share,urban_population\n"
         /* The foreign-born grew by more than the population: the natives fell. */
         "L,2001,7172091,1940390,,\n"
         "L,2011,8173941,2998264,,\n"
         /* Published shares only: the change is computed from them. */
         "S,2010,,,10,\n"
         "S,2011,,,12.5,\n"
         /* No change of population; urban 300 of 1,000 -> 450 of 1,000 */
         "U,2010,1000,100,,300\n"
         "U,2011,1000,0,,450\n",
         NULL, NULL, NULL, 0, false);
    const cm_result *r = get(&fx, "L", 2011, 2001, CM_KIND_NONE, "", "fb_growth_rate");
    expect(r, CM_FLAG_OK, 4.35144470710207); /* 100 ln(2998264 / 1940390) / 10 */
    expect(get(&fx, "L", 2011, 2001, CM_KIND_NONE, "", "fb_share_of_growth"), CM_FLAG_OK,
           105.5920546988072); /* 100 * 1057874 / 1001850 */
    expect(get(&fx, "L", 2011, 2001, CM_KIND_NONE, "", "fb_share_change"), CM_FLAG_OK,
           9.626031889596682);
    expect(get(&fx, "L", 2011, 2001, CM_KIND_NONE, "", "urban_share_change"), CM_FLAG_MISSING, 0);

    r = get(&fx, "S", 2011, 2010, CM_KIND_NONE, "", "fb_share_change");
    expect(r, CM_FLAG_OK, 2.5);
    assert_non_null(strstr(why(&fx, r), "foreign_born_share"));
    r = get(&fx, "S", 2011, 2010, CM_KIND_NONE, "", "fb_growth_rate");
    expect(r, CM_FLAG_MISSING, 0);
    assert_string_equal(why(&fx, r), "foreign_born is missing");

    r = get(&fx, "U", 2011, 2010, CM_KIND_NONE, "", "fb_share_of_growth");
    expect(r, CM_FLAG_DIV0, 0);
    expect(get(&fx, "U", 2011, 2010, CM_KIND_NONE, "", "fb_growth_rate"), CM_FLAG_DIV0, 0);
    expect(get(&fx, "U", 2011, 2010, CM_KIND_NONE, "", "fb_share_change"), CM_FLAG_OK, -10);
    expect(get(&fx, "U", 2011, 2010, CM_KIND_NONE, "", "urban_share_change"), CM_FLAG_OK, 15);
    /* urban 100 ln(450 / 300), rural 100 ln(550 / 700) */
    expect(get(&fx, "U", 2011, 2010, CM_KIND_NONE, "", "urban_rural_growth_difference"), CM_FLAG_OK,
           40.546510810816436 + 24.11620568168881);
    unload(&fx);
}

/* ---- flows ------------------------------------------------------------- */

/* D, a metro, is no zone of the cities' system. */
static const char flow_areas[] = "area_id,level,year,population,net_international_migration\n"
                                 "A,city,2015,1000,\n"
                                 "B,city,2015,2000,\n"
                                 "C,city,2015,500,\n"
                                 "D,metro,2015,400,-25\n";

static const char flow_rows[] = "year,origin,destination,kind,count,sex\n"
                                "2015,A,B,internal,60,F\n"
                                "2015,A,B,internal,40,M\n"
                                "2015,B,A,internal,30,F\n"
                                "2015,A,C,internal,20,M\n"
                                "2015,C,A,internal,10,F\n"
                                "2015,X,A,international,50,F\n"
                                "2015,A,A,internal,999,F\n"
                                /* Both sexes given in each direction (one as 0). */
                                "2015,B,A,internal,0,M\n"
                                "2015,A,C,internal,0,F\n"
                                "2015,C,A,internal,0,M\n"
                                "2015,X,A,international,0,M\n";

static void test_flows(void **state)
{
    (void)state;
    fixture fx;
    load(&fx, flow_areas, NULL, flow_rows, NULL, 0, false);
    const int I = CM_KIND_INTERNAL, X = CM_KIND_INTERNATIONAL, ALL = CM_KIND_ALL;
    expect(get(&fx, "A", 2015, 0, I, "", "inflow"), CM_FLAG_OK, 40);
    expect(get(&fx, "A", 2015, 0, I, "", "outflow"), CM_FLAG_OK, 120);
    expect(get(&fx, "A", 2015, 0, I, "", "net"), CM_FLAG_OK, -80);
    expect(get(&fx, "A", 2015, 0, I, "", "gross"), CM_FLAG_OK, 160);
    expect(get(&fx, "A", 2015, 0, I, "", "in_rate"), CM_FLAG_OK, 40);
    expect(get(&fx, "A", 2015, 0, I, "", "out_rate"), CM_FLAG_OK, 120);
    expect(get(&fx, "A", 2015, 0, I, "", "net_rate"), CM_FLAG_OK, -80);
    expect(get(&fx, "A", 2015, 0, I, "", "effectiveness"), CM_FLAG_OK, -50);
    expect(get(&fx, "A", 2015, 0, I, "", "surge"), CM_FLAG_OK, 4);
    expect(get(&fx, "A", 2015, 0, I, "", "inflow_female_share"), CM_FLAG_OK, 100);
    expect(get(&fx, "B", 2015, 0, I, "", "inflow_female_share"), CM_FLAG_OK, 60);
    expect(get(&fx, "B", 2015, 0, I, "", "effectiveness"), CM_FLAG_OK, 100.0 * 70 / 130);
    expect(get(&fx, "C", 2015, 0, I, "", "net"), CM_FLAG_OK, 10);

    /* International: A is never an origin, so its outflow is missing, not 0. */
    expect(get(&fx, "A", 2015, 0, X, "", "inflow"), CM_FLAG_OK, 50);
    const cm_result *r = get(&fx, "A", 2015, 0, X, "", "outflow");
    expect(r, CM_FLAG_MISSING, 0);
    assert_string_equal(why(&fx, r), "international outflow is missing");
    expect(get(&fx, "A", 2015, 0, X, "", "net"), CM_FLAG_MISSING, 0);
    /* All kinds: A has both. */
    expect(get(&fx, "A", 2015, 0, ALL, "", "inflow"), CM_FLAG_OK, 90);
    expect(get(&fx, "A", 2015, 0, ALL, "", "international_share_of_inflow"), CM_FLAG_OK,
           100.0 * 50 / 90);
    expect(get(&fx, "A", 2015, 0, ALL, "", "outflow"), CM_FLAG_MISSING, 0);
    /* B has internal flows only: its international and all rows are there,
       missing (the year has both kinds). */
    r = get(&fx, "B", 2015, 0, ALL, "", "inflow");
    expect(r, CM_FLAG_MISSING, 0);
    assert_string_equal(why(&fx, r), "international inflow is missing");
    /* D: no flows, a published net: net published, net_rate computed from it. */
    expect(get(&fx, "D", 2015, 0, X, "", "net"), CM_FLAG_PUBLISHED, -25);
    r = get(&fx, "D", 2015, 0, X, "", "net_rate");
    expect(r, CM_FLAG_OK, -62.5);
    assert_string_equal(why(&fx, r), "computed from the published net_international_migration");
    expect(get(&fx, "D", 2015, 0, X, "", "inflow"), CM_FLAG_MISSING, 0);

    /* System level, internal: zones A, B, C (the stayer row is excluded). */
    expect(get(&fx, "", 2015, 0, I, "", "migration_intensity"), CM_FLAG_OK, 100.0 * 160 / 3500);
    expect(get(&fx, "", 2015, 0, I, "", "aggregate_effectiveness"), CM_FLAG_OK, 50);
    expect(get(&fx, "", 2015, 0, I, "", "aggregate_net_migration_rate"), CM_FLAG_OK,
           100.0 * 0.5 * 160 / 3500);
    expect(get(&fx, "", 2015, 0, I, "", "system_moves"), CM_FLAG_OK, 160);
    /* International flows have no system: the world is no closed set. */
    assert_false(has(&fx, "", 2015, X, "migration_intensity"));
    assert_false(has(&fx, "", 2015, ALL, "migration_intensity"));
    unload(&fx);
}

static void test_flows_div0_and_suppressed(void **state)
{
    (void)state;
    fixture fx;
    load(&fx, "area_id,year,population\nA,2015,0\nB,2015,100\n", NULL,
         "year,origin,destination,kind,count\n2015,A,B,internal,3\n2015,B,A,internal,3\n", NULL, 5,
         false);
    expect(get(&fx, "A", 2015, 0, CM_KIND_INTERNAL, "", "inflow"), CM_FLAG_SUPPRESSED, 0);
    expect(get(&fx, "A", 2015, 0, CM_KIND_INTERNAL, "", "surge"), CM_FLAG_SUPPRESSED, 0);
    unload(&fx);
    load(&fx, "area_id,year,population\nA,2015,0\nB,2015,100\n", NULL,
         "year,origin,destination,kind,count\n2015,A,B,internal,0\n2015,B,A,internal,0\n", NULL, 0,
         false);
    expect(get(&fx, "A", 2015, 0, CM_KIND_INTERNAL, "", "surge"), CM_FLAG_DIV0, 0);
    expect(get(&fx, "B", 2015, 0, CM_KIND_INTERNAL, "", "effectiveness"), CM_FLAG_DIV0, 0);
    expect(get(&fx, "B", 2015, 0, CM_KIND_INTERNAL, "", "surge"), CM_FLAG_OK, 0);
    expect(get(&fx, "B", 2015, 0, CM_KIND_INTERNAL, "", "inflow_female_share"), CM_FLAG_MISSING, 0);
    expect(get(&fx, "", 2015, 0, CM_KIND_INTERNAL, "", "aggregate_effectiveness"), CM_FLAG_DIV0, 0);
    unload(&fx);
}

/* A random closed system: every move leaves one zone and enters another. */
static void test_flow_properties(void **state)
{
    (void)state;
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    for (int round = 0; round < 20; round++) {
        char areas[8192] = "area_id,year,population\n";
        char flows[65536] = "year,origin,destination,kind,count\n";
        size_t ao = strlen(areas), fo = strlen(flows);
        int zones = 3 + round % 10;
        for (int z = 0; z < zones; z++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            ao += (size_t)snprintf(areas + ao, sizeof areas - ao, "Z%d,2020,%u\n", z,
                                   (unsigned)(seed >> 40) % 100000 + 1000);
        }
        for (int i = 0; i < 200; i++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            int o = (int)((seed >> 33) % (uint64_t)zones),
                d = (int)((seed >> 45) % (uint64_t)zones);
            /* Every zone is an origin and a destination at least once. */
            if (i < zones) {
                o = i;
                d = (i + 1) % zones;
            }
            fo += (size_t)snprintf(flows + fo, sizeof flows - fo, "2020,Z%d,Z%d,internal,%u\n", o,
                                   d, (unsigned)(seed >> 20) % 1000);
        }
        fixture fx;
        load(&fx, areas, NULL, flows, NULL, 0, false);
        const cm_result *cmi = get(&fx, "", 2020, 0, CM_KIND_INTERNAL, "", "migration_intensity");
        const cm_result *mei =
            get(&fx, "", 2020, 0, CM_KIND_INTERNAL, "", "aggregate_effectiveness");
        const cm_result *anmr =
            get(&fx, "", 2020, 0, CM_KIND_INTERNAL, "", "aggregate_net_migration_rate");
        assert_int_equal(cmi->flag, CM_FLAG_OK);
        assert_int_equal(mei->flag, CM_FLAG_OK);
        assert_int_equal(anmr->flag, CM_FLAG_OK);
        double product = cmi->value * mei->value / 100;
        assert_true(anmr->value - product < 1e-12 * anmr->value + 1e-15 &&
                    product - anmr->value < 1e-12 * anmr->value + 1e-15);
        const cm_result *total = get(&fx, "", 2020, 0, CM_KIND_INTERNAL, "", "net_total");
        assert_int_equal(total->flag, CM_FLAG_OK);
        assert_true(total->value == 0);
        /* Net over a closed system is exactly 0. */
        double net = 0;
        int ind = cm_indicator_find("net");
        for (size_t i = 0; i < fx.results.count; i++) {
            const cm_result *r = &fx.results.items[i];
            if (r->indicator == ind && r->kind == CM_KIND_INTERNAL) {
                assert_int_equal(r->flag, CM_FLAG_OK);
                net += r->value;
            }
        }
        assert_true(net == 0);
        unload(&fx);
    }
}

/* ---- diversity --------------------------------------------------------- */

static void test_diversity(void **state)
{
    (void)state;
    fixture fx;
    load(&fx, NULL,
         "area_id,year,origin,count,sex\n"
         "D,2015,IND,50,T\n"
         "D,2015,PAK,30,T\n"
         "D,2015,POL,20,T\n"
         "D,2015,POL,11,F\n" /* ignored: T rows exist for D */
         "D,2015,D,900,T\n"  /* natives: not foreign-born */
         "E,2015,IND,7,F\n"
         "E,2015,IND,5,M\n"
         "O,2015,IND,0,T\n",
         NULL, NULL, 0, false);
    expect(get_area(&fx, "D", 2015, "origin_count"), CM_FLAG_OK, 3);
    expect(get_area(&fx, "D", 2015, "hhi"), CM_FLAG_OK, 0.38);
    expect(get_area(&fx, "D", 2015, "simpson"), CM_FLAG_OK, 0.62);
    expect(get_area(&fx, "D", 2015, "shannon"), CM_FLAG_OK, 1.0296530140645737);
    expect(get_area(&fx, "D", 2015, "shannon_norm"), CM_FLAG_OK,
           1.0296530140645737 / 1.0986122886681098);
    expect(get_area(&fx, "D", 2015, "effective_origins"), CM_FLAG_OK, 1 / 0.38);
    int ind = cm_indicator_find("top_origin_share");
    const cm_result *top = NULL;
    for (size_t i = 0; i < fx.results.count; i++)
        if (fx.results.items[i].indicator == ind &&
            strcmp(cm_strpool_str(fx.ds->pool, fx.results.items[i].area), "D") == 0)
            top = &fx.results.items[i];
    assert_non_null(top);
    expect(top, CM_FLAG_OK, 50);
    assert_string_equal(cm_strpool_str(fx.ds->pool, top->origin), "IND");
    /* F + M when there are no T rows; one origin: shannon_norm is div0. */
    expect(get_area(&fx, "E", 2015, "origin_count"), CM_FLAG_OK, 1);
    expect(get_area(&fx, "E", 2015, "hhi"), CM_FLAG_OK, 1);
    expect(get_area(&fx, "E", 2015, "shannon_norm"), CM_FLAG_DIV0, 0);
    /* An empty stock. */
    expect(get_area(&fx, "O", 2015, "origin_count"), CM_FLAG_OK, 0);
    expect(get_area(&fx, "O", 2015, "hhi"), CM_FLAG_DIV0, 0);
    /* exp(shannon) over the origins; over the natives and each origin
       (D: 900, 50, 30, 20 of 1,000): 1 - (0.81 + 0.0025 + 0.0009 + 0.0004),
       exp(-sum g ln g). */
    expect(get_area(&fx, "D", 2015, "effective_origins_shannon"), CM_FLAG_OK, 2.8000940728538315);
    expect(get_area(&fx, "D", 2015, "fractionalisation"), CM_FLAG_OK, 0.1862);
    expect(get_area(&fx, "D", 2015, "effective_groups"), CM_FLAG_OK, 1.5342601452782934);
    /* No natives' row: the groups' indices are missing, the origins' are not. */
    const cm_result *fr = get_area(&fx, "E", 2015, "fractionalisation");
    expect(fr, CM_FLAG_MISSING, 0);
    assert_string_equal(
        why(&fx, fr),
        "the natives' count is missing: no stocks row with the area itself as origin");
    expect(get_area(&fx, "E", 2015, "effective_origins_shannon"), CM_FLAG_OK, 1);
    unload(&fx);

    /* Natives given for one sex only; natives without any foreign-born. */
    load(&fx, NULL,
         "area_id,year,origin,count,sex\n"
         "N,2015,IND,10,T\nN,2015,N,100,F\n"
         "H,2015,H,500,T\n",
         NULL, NULL, 0, false);
    fr = get_area(&fx, "N", 2015, "effective_groups");
    expect(fr, CM_FLAG_MISSING, 0);
    assert_string_equal(why(&fx, fr), "the natives' count is missing: only F rows give it");
    expect(get_area(&fx, "H", 2015, "fractionalisation"), CM_FLAG_OK, 0);
    expect(get_area(&fx, "H", 2015, "effective_groups"), CM_FLAG_OK, 1);
    expect(get_area(&fx, "H", 2015, "hhi"), CM_FLAG_DIV0, 0);
    unload(&fx);

    /* A small natives' count suppresses the groups' indices only. */
    load(&fx, NULL, "area_id,year,origin,count\nD,2015,IND,50\nD,2015,PAK,30\nD,2015,D,3\n", NULL,
         NULL, 5, false);
    expect(get_area(&fx, "D", 2015, "fractionalisation"), CM_FLAG_SUPPRESSED, 0);
    expect(get_area(&fx, "D", 2015, "effective_groups"), CM_FLAG_SUPPRESSED, 0);
    expect(get_area(&fx, "D", 2015, "hhi"), CM_FLAG_OK, (50.0 * 50 + 30 * 30) / (80.0 * 80));
    unload(&fx);

    /* Suppression: a small origin count hides every index. */
    load(&fx, NULL, "area_id,year,origin,count\nD,2015,IND,50\nD,2015,PAK,3\n", NULL, NULL, 5,
         false);
    expect(get_area(&fx, "D", 2015, "hhi"), CM_FLAG_SUPPRESSED, 0);
    expect(get_area(&fx, "D", 2015, "origin_count"), CM_FLAG_SUPPRESSED, 0);
    unload(&fx);
}

/* ---- services ---------------------------------------------------------- */

static void test_services(void **state)
{
    (void)state;
    fixture fx;
    load(&fx, NULL, NULL, NULL,
         "area_id,year,service,group,population,with_access,access_rate,standard_error\n"
         "S,2015,health,migrant,200,120,,2\n"
         "S,2015,health,native,800,640,,1.5\n"
         "S,2015,housing,migrant,100,50,,\n"
         "P,2015,health,foreign_born,,,67.9,\n"
         "P,2015,health,native_born,,,88.1,\n"
         "P,2015,housing,migrant,10,5,,\n"
         "P,2015,housing,native,0,0,,\n",
         0, false);
    const char *h = "health";
    expect(get(&fx, "S", 2015, 0, CM_KIND_NONE, h, "rate_migrant"), CM_FLAG_OK, 60);
    expect(get(&fx, "S", 2015, 0, CM_KIND_NONE, h, "rate_native"), CM_FLAG_OK, 80);
    expect(get(&fx, "S", 2015, 0, CM_KIND_NONE, h, "gap_pp"), CM_FLAG_OK, -20);
    expect(get(&fx, "S", 2015, 0, CM_KIND_NONE, h, "parity"), CM_FLAG_OK, 0.75);
    expect(get(&fx, "S", 2015, 0, CM_KIND_NONE, h, "relative_gap"), CM_FLAG_OK, -25);
    expect(get(&fx, "S", 2015, 0, CM_KIND_NONE, h, "gap_ci_low"), CM_FLAG_OK, -20 - 1.96 * 2.5);
    expect(get(&fx, "S", 2015, 0, CM_KIND_NONE, h, "gap_ci_high"), CM_FLAG_OK, -20 + 1.96 * 2.5);
    /* Housing: no native row. */
    const cm_result *r = get(&fx, "S", 2015, 0, CM_KIND_NONE, "housing", "gap_pp");
    expect(r, CM_FLAG_MISSING, 0);
    assert_string_equal(why(&fx, r), "the native row is missing");
    expect(get(&fx, "S", 2015, 0, CM_KIND_NONE, "housing", "gap_ci_low"), CM_FLAG_MISSING, 0);
    /* One of two services has both groups. */
    expect(get_area(&fx, "S", 2015, "service_data_coverage"), CM_FLAG_OK, 50);
    /* Published rates (aliases for the groups). */
    expect(get(&fx, "P", 2015, 0, CM_KIND_NONE, h, "rate_migrant"), CM_FLAG_PUBLISHED, 67.9);
    expect(get(&fx, "P", 2015, 0, CM_KIND_NONE, h, "gap_pp"), CM_FLAG_OK, 67.9 - 88.1);
    /* A native population of 0: its rate and parity are div0. */
    expect(get(&fx, "P", 2015, 0, CM_KIND_NONE, "housing", "rate_native"), CM_FLAG_DIV0, 0);
    const cm_result *pr = get(&fx, "P", 2015, 0, CM_KIND_NONE, "housing", "parity");
    expect(pr, CM_FLAG_DIV0, 0);
    assert_string_equal(why(&fx, pr), "the native population is 0");
    /* Both services have data for both groups, even if one rate is undefined. */
    expect(get_area(&fx, "P", 2015, "service_data_coverage"), CM_FLAG_OK, 100);
    unload(&fx);

    /* A native rate of 0: parity div0, the gap is still known. */
    load(&fx, NULL, NULL, NULL,
         "area_id,year,service,group,population,with_access\n"
         "S,2015,water,migrant,10,5\nS,2015,water,native,10,0\n",
         0, false);
    expect(get(&fx, "S", 2015, 0, CM_KIND_NONE, "water", "gap_pp"), CM_FLAG_OK, 50);
    expect(get(&fx, "S", 2015, 0, CM_KIND_NONE, "water", "parity"), CM_FLAG_DIV0, 0);
    expect(get(&fx, "S", 2015, 0, CM_KIND_NONE, "water", "relative_gap"), CM_FLAG_DIV0, 0);
    unload(&fx);
}

/* ---- registry and results ----------------------------------------------- */

static void test_registry(void **state)
{
    (void)state;
    size_t n;
    const cm_indicator_def *defs = cm_indicator_defs(&n);
    assert_true(n >= 50);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(cm_indicator_find(defs[i].id), (int)i);
        assert_true(strlen(defs[i].title) && strlen(defs[i].formula) && strlen(defs[i].inputs) &&
                    strlen(defs[i].edge_cases));
    }
    assert_int_equal(cm_indicator_find("no_such"), -1);
}

/* Results are sorted and never hold a NaN or an infinity. */
static void test_results_sorted_and_finite(void **state)
{
    (void)state;
    fixture fx;
    load(&fx, flow_areas, NULL, flow_rows, NULL, 0, false);
    for (size_t i = 0; i < fx.results.count; i++) {
        const cm_result *r = &fx.results.items[i];
        assert_true(r->value == r->value && r->value - r->value == 0);
        if (i == 0)
            continue;
        const cm_result *p = &fx.results.items[i - 1];
        int c = strcmp(cm_strpool_str(fx.ds->pool, p->area), cm_strpool_str(fx.ds->pool, r->area));
        assert_true(c < 0 || (c == 0 && (p->year < r->year ||
                                         (p->year == r->year &&
                                          (p->kind < r->kind ||
                                           (p->kind == r->kind && p->indicator < r->indicator))))));
    }
    unload(&fx);
}

/* ---- streamed in batches of whole areas ---------------------------------- */

typedef struct collected {
    cm_results all;
    size_t batches;
    bool split; /* an area's results in two batches */
    uint32_t last_area;
} collected;

static cm_status collect(void *ctx, const cm_results *batch)
{
    collected *c = ctx;
    assert_true(batch->count > 0);
    if (c->batches && batch->items[0].area == c->last_area)
        c->split = true;
    c->all.items = realloc(c->all.items, (c->all.count + batch->count) * sizeof *c->all.items);
    assert_non_null(c->all.items);
    memcpy(c->all.items + c->all.count, batch->items, batch->count * sizeof *batch->items);
    c->all.count += batch->count;
    c->last_area = batch->items[batch->count - 1].area;
    c->batches++;
    return CM_OK;
}

static cm_status stop_at_second(void *ctx, const cm_results *batch)
{
    (void)batch;
    return ++*(int *)ctx == 2 ? CM_ERR_IO : CM_OK;
}

/* Every scope over thousands of areas whose ids are not in byte order as
   written (A9 after A10): the batches are whole areas, in order, and
   together are the results cm_indicators_compute holds; a sink's error
   stops the computation. */
static void test_streamed_batches(void **state)
{
    (void)state;
    enum { AREAS = 3000 };
    size_t cap = 1 << 20;
    char *areas = malloc(cap), *flows = malloc(cap), *stocks = malloc(cap), *services = malloc(cap);
    assert_non_null(areas && flows && stocks && services);
    size_t a = (size_t)snprintf(areas, cap,
                                "area_id,level,year,population,foreign_born,urban_population,"
                                "net_international_migration\n");
    size_t f = (size_t)snprintf(flows, cap, "year,origin,destination,kind,count\n");
    size_t s = (size_t)snprintf(stocks, cap, "area_id,year,origin,count\n");
    size_t v =
        (size_t)snprintf(services, cap, "area_id,year,service,group,population,with_access\n");
    for (unsigned i = AREAS; i-- > 0;) {
        for (int y = 2014; y <= 2015; y++)
            a += (size_t)snprintf(areas + a, cap - a, "A%u,city,%d,%u,%u,%u,%d\n", i, y,
                                  1000 + i + (unsigned)(y - 2014) * 7, 100 + i % 50, 500 + i,
                                  (int)(i % 7) - 3);
        if (i % 3 == 0)
            f += (size_t)snprintf(flows + f, cap - f, "2015,A%u,A%u,internal,%u\n", i,
                                  (i * 7 + 1) % AREAS, 5 + i % 40);
        if (i % 5 == 0)
            s += (size_t)snprintf(stocks + s, cap - s, "A%u,2015,X,%u\nA%u,2015,Y,%u\n", i,
                                  10 + i % 9, i, 3 + i % 4);
        if (i % 11 == 0)
            v += (size_t)snprintf(services + v, cap - v,
                                  "A%u,2015,health,migrant,100,%u\nA%u,2015,health,native,200,%u\n",
                                  i, 40 + i % 50, i, 150 + i % 40);
        assert_true(a < cap - 256 && f < cap - 256 && s < cap - 256 && v < cap - 256);
    }
    fixture fx;
    load(&fx, areas, stocks, flows, services, 0, false);
    free(areas), free(flows), free(stocks), free(services);

    collected c = {0};
    cm_indicator_options io = {0, 0, 0, 0, false};
    assert_int_equal(cm_indicators_stream(fx.ds, &io, collect, &c), CM_OK);
    assert_true(c.batches >= 2);
    assert_false(c.split);
    assert_int_equal(c.all.count, fx.results.count);
    assert_memory_equal(c.all.items, fx.results.items, c.all.count * sizeof *c.all.items);
    for (size_t i = 1; i < c.all.count; i++) {
        const char *p = cm_strpool_str(fx.ds->pool, c.all.items[i - 1].area);
        const char *q = cm_strpool_str(fx.ds->pool, c.all.items[i].area);
        assert_true(strcmp(p, q) <= 0);
    }
    free(c.all.items);

    int calls = 0;
    assert_int_equal(cm_indicators_stream(fx.ds, &io, stop_at_second, &calls), CM_ERR_IO);
    assert_int_equal(calls, 2);
    unload(&fx);
}

int main(void)
{
    /* The library must not depend on the locale: the suite also runs under
       LC_ALL=de_DE.UTF-8 (decimal comma). */
    setlocale(LC_ALL, "");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_composition),
        cmocka_unit_test(test_suppressed),
        cmocka_unit_test(test_inconsistent),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_change),
        cmocka_unit_test(test_flows),
        cmocka_unit_test(test_flows_div0_and_suppressed),
        cmocka_unit_test(test_flow_properties),
        cmocka_unit_test(test_diversity),
        cmocka_unit_test(test_services),
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_results_sorted_and_finite),
        cmocka_unit_test(test_streamed_batches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
