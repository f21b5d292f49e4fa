/*
 * test_catalogue.c - every indicator of the registry, in four datasets
 * worked out by hand (four more of districts for the segregation indices):
 *
 *   FULL   every input present: the expected value of each indicator
 *   ZERO   zero denominators: div0
 *   EMPTY  absent inputs: missing (never computed as 0)
 *   SMALL  FULL with --min-count 100000: suppressed, counts hidden
 *
 * The table has one line per indicator and the test fails when an
 * indicator of the registry has no line, so a new indicator cannot be
 * added without its cases. Where a case cannot arise (a count has no
 * denominator) the line says why.
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

#include <math.h>

#include <cmocka.h>

#include "citymig/dataset.h"
#include "citymig/indicators.h"

/* ---- the four datasets --------------------------------------------------- */

static const char full_areas[] =
    "area_id,level,parent_id,year,population,foreign_born,foreign_born_female,"
    "internal_migrants,urban_population,births,deaths,pop_0_14,pop_15_64,pop_65_plus,"
    "population_female,population_male\n"
    "P,country,,2011,10000,1000,,,,,,,,,,\n"
    "A,city,P,2010,1000,200,,,500,,,,,,,\n"
    "A,city,P,2011,1100,275,110,165,660,30,10,220,660,165,560,540\n"
    "B,city,P,2011,2000,,,,,,,,,,,\n"
    "C,city,P,2011,500,,,,,,,,,,,\n";
/* The internal rows give ages (the international ones none): A's arrivals are
   0-14 none, 15-64 30, 65+ 10; its departures 0-14 40, 15-64 60, 65+ 20. */
static const char full_flows[] = "year,origin,destination,kind,count,sex,age\n"
                                 "2011,A,B,internal,60,F,15-64\n"
                                 "2011,A,B,internal,40,M,0-14\n"
                                 "2011,B,A,internal,30,F,15-64\n"
                                 "2011,A,C,internal,20,M,65+\n"
                                 "2011,C,A,internal,10,F,65+\n"
                                 "2011,X,A,international,50,F,\n"
                                 "2011,A,X,international,5,M,\n"
                                 /* Both sexes given in every direction and age group. */
                                 "2011,B,A,internal,0,M,15-64\n"
                                 "2011,A,C,internal,0,F,65+\n"
                                 "2011,C,A,internal,0,M,65+\n"
                                 "2011,B,A,internal,0,F,0-14\n"
                                 "2011,B,A,internal,0,M,0-14\n"
                                 "2011,A,B,internal,0,F,0-14\n"
                                 "2011,A,B,internal,0,M,15-64\n"
                                 "2011,X,A,international,0,M,\n"
                                 "2011,A,X,international,0,F,\n";
/* A's foreign-born by age: IND 10, 30 and 10 (6 women and 4 men aged
   65+, no T row), PAK 30 aged 15-64, POL 15 and 5; 10, 75 and 15 of 100
   in all, as the origins' 50, 30 and 20. The natives' 900 take no part. */
static const char full_stocks[] = "area_id,year,origin,count,sex,age\n"
                                  "A,2011,IND,10,T,0-14\nA,2011,IND,30,T,15-64\n"
                                  "A,2011,IND,6,F,65+\nA,2011,IND,4,M,65+\n"
                                  "A,2011,PAK,30,T,15-64\n"
                                  "A,2011,POL,15,T,15-64\nA,2011,POL,5,T,65+\n"
                                  "A,2011,A,200,T,0-14\nA,2011,A,600,T,15-64\nA,2011,A,100,T,65+\n";
static const char full_services[] =
    "area_id,year,service,group,population,with_access,standard_error\n"
    "A,2011,health,migrant,200,120,2\n"
    "A,2011,health,native,800,640,1.5\n";

static const char zero_areas[] =
    "area_id,level,parent_id,year,population,foreign_born,foreign_born_female,"
    "internal_migrants,urban_population,births,deaths,pop_0_14,pop_15_64,pop_65_plus,"
    "population_female,population_male\n"
    "P,country,,2011,0,0,,,,,,,,,,\n"
    "A,city,P,2010,0,0,,,0,,,,,,,\n"
    "A,city,P,2011,0,0,0,0,0,0,0,0,0,0,0,0\n"
    "B,city,P,2011,0,,,,,,,,,,,\n";
static const char zero_flows[] = "year,origin,destination,kind,count,sex,age\n"
                                 "2011,A,B,internal,0,F,15-64\n"
                                 "2011,B,A,internal,0,F,15-64\n"
                                 "2011,X,A,international,0,F,\n"
                                 "2011,A,X,international,0,F,\n"
                                 "2011,A,B,internal,0,M,15-64\n"
                                 "2011,B,A,internal,0,M,15-64\n"
                                 "2011,X,A,international,0,M,\n"
                                 "2011,A,X,international,0,M,\n";
static const char zero_stocks[] = "area_id,year,origin,count,age\nA,2011,IND,0,15-64\n"
                                  "A,2011,A,0,15-64\n";
static const char zero_services[] =
    "area_id,year,service,group,population,with_access,standard_error\n"
    "A,2011,health,migrant,0,0,1\n"
    "A,2011,health,native,10,0,1\n"
    "A,2011,water,migrant,10,0,1\n"
    "A,2011,water,native,0,0,1\n";

static const char empty_areas[] = "area_id,level,parent_id,year,population,foreign_born_share\n"
                                  "A,city,,2010,1000,\n"
                                  "A,city,,2011,1100,\n"
                                  "E,city,,2010,,5\n"
                                  "E,city,,2011,,6\n";
static const char empty_flows[] = "year,origin,destination,kind,count,age\n"
                                  "2011,A,B,internal,10,15-64\n"
                                  "2011,A,X,international,5,\n";
static const char empty_services[] = "area_id,year,service,group,population,with_access\n"
                                     "A,2011,health,migrant,,\n";

/* The segregation of a city over its districts has its own four sets:
   districts in the sets above would become the finest level, and so the
   zones of their internal system. City A: A1 200 foreign-born of 400,
   A2 100 of 600; A itself 600 of 2,000. They are also the sets of an area
   over the areas it contains. */
static const char seg_header[] = "area_id,level,parent_id,year,population,foreign_born\n";
static const char seg_full[] = "A1,district,A,2011,400,200\nA2,district,A,2011,600,100\n"
                               "A,city,,2011,2000,600\n";
static const char seg_zero[] = "A1,district,A,2011,400,0\nA2,district,A,2011,600,0\n"
                               "A,city,,2011,0,0\n";
static const char seg_empty[] = "A1,district,A,2011,400,\nA2,district,A,2011,600,100\n"
                                "A,city,,2011,,\n";

enum { FULL, ZERO, EMPTY, SMALL, NSETS, SEG = NSETS };

typedef struct set {
    char dir[256];
    cm_dataset *ds;
    cm_results results;
} set;

static set sets[2 * NSETS];

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[sizeof sets[0].dir + 16];
    if (!text)
        return;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void make_set(set *s, const char *areas, const char *stocks, const char *flows,
                     const char *services, int64_t min_count)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(s->dir, sizeof s->dir, "%s/cm-cat-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(s->dir));
    write_file(s->dir, "areas.csv", areas);
    write_file(s->dir, "stocks.csv", stocks);
    write_file(s->dir, "flows.csv", flows);
    write_file(s->dir, "services.csv", services);
    cm_diag diag;
    cm_diag_init(&diag, NULL, NULL, 0);
    cm_load_options lo = {0};
    lo.pairs = true; /* for the spatial focusing of the systems */
    assert_int_equal(cm_dataset_load(s->dir, &lo, &diag, &s->ds), CM_OK);
    cm_indicator_options io = {min_count, 0, 0, 0, true};
    assert_int_equal(cm_indicators_compute(s->ds, &io, &s->results), CM_OK);
}

static int setup(void **state)
{
    (void)state;
    make_set(&sets[FULL], full_areas, full_stocks, full_flows, full_services, 0);
    make_set(&sets[ZERO], zero_areas, zero_stocks, zero_flows, zero_services, 0);
    make_set(&sets[EMPTY], empty_areas, NULL, empty_flows, empty_services, 0);
    make_set(&sets[SMALL], full_areas, full_stocks, full_flows, full_services, 100000);
    static char seg[4][256];
    const char *const seg_sets[] = {seg_full, seg_zero, seg_empty, seg_full};
    for (int i = 0; i < NSETS; i++) {
        snprintf(seg[i], sizeof seg[i], "%s%s", seg_header, seg_sets[i]);
        make_set(&sets[SEG + i], seg[i], NULL, NULL, NULL, i == SMALL ? 100000 : 0);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    static const char *const files[] = {"areas.csv", "stocks.csv", "flows.csv", "services.csv"};
    for (int i = 0; i < 2 * NSETS; i++) {
        char path[sizeof sets[i].dir + 16];
        for (size_t f = 0; f < 4; f++) {
            if (snprintf(path, sizeof path, "%s/%s", sets[i].dir, files[f]) < (int)sizeof path)
                unlink(path);
        }
        rmdir(sets[i].dir);
        cm_results_free(&sets[i].results);
        cm_dataset_free(sets[i].ds);
    }
    return 0;
}

/* ---- the table ---------------------------------------------------------- */

#define NA(why)  NULL, why
#define AT(area) area, NULL

typedef struct line {
    const char *id;
    double full;           /* the value in FULL */
    const char *zero_area; /* where ZERO gives div0, or NA(why) */
    const char *zero_na;
    const char *empty_area; /* where EMPTY gives missing, or NA(why) */
    const char *empty_na;
    bool suppressed;          /* SMALL gives suppressed */
    const char *zero_service; /* the service of the ZERO case, if not health */
} line;

static const line table[] = {
    /* composition (A 2011: 1,100 residents, 275 foreign-born, parent P 10,000 and 1,000) */
    {"fb_share", 25, AT("A"), AT("A"), true, NULL},
    {"fb_female_share", 40, AT("A"), AT("A"), true, NULL},
    {"internal_share", 15, AT("A"), AT("A"), true, NULL},
    {"migrant_share", 40, AT("A"), AT("A"), true, NULL},
    {"one_in_n", 2.5, AT("A"), AT("A"), true, NULL},
    {"internal_per_international", 0.6, AT("A"), AT("A"), true, NULL},
    {"fb_location_quotient", 2.5, AT("A"), AT("A"), true, NULL},
    {"fb_share_of_parent", 27.5, AT("A"), AT("A"), true, NULL},
    {"urban_share", 60, AT("A"), AT("A"), true, NULL},
    {"natural_increase_rate", 1000.0 * 20 / 1100, AT("A"), AT("A"), true, NULL},
    {"dependency_ratio", 100.0 * 385 / 660, AT("A"), AT("A"), true, NULL},
    /* growth, A 2010 -> 2011: 1,000 -> 1,100; urban 500 -> 660; flows net -80 and +45 */
    {"population_change", 100, NA("a difference has no denominator"), AT("E"), true, NULL},
    {"growth_rate", 9.5310179804324860, AT("A"), AT("E"), true, NULL},
    {"urban_growth_rate", 27.763173659827955, AT("A"), AT("A"), true, NULL},
    {"rural_growth_rate", -12.783337150988489, AT("A"), AT("A"), true, NULL},
    {"growth_natural", 20, NA("a difference has no denominator"), AT("A"), true, NULL},
    {"growth_natural_rate", 20, AT("A"), AT("A"), true, NULL},
    {"growth_natural_pct", 20, AT("A"), AT("A"), true, NULL},
    {"growth_net_internal", -80, NA("a difference has no denominator"), AT("A"), true, NULL},
    {"growth_net_internal_rate", -80, AT("A"), AT("A"), true, NULL},
    {"growth_net_internal_pct", -80, AT("A"), AT("A"), true, NULL},
    {"growth_net_international", 45, NA("a difference has no denominator"), AT("A"), true, NULL},
    {"growth_net_international_rate", 45, AT("A"), AT("A"), true, NULL},
    {"growth_net_international_pct", 45, AT("A"), AT("A"), true, NULL},
    {"growth_residual", 115, NA("a difference has no denominator"), AT("A"), true, NULL},
    {"growth_residual_rate", 115, AT("A"), AT("A"), true, NULL},
    {"growth_residual_pct", 115, AT("A"), AT("A"), true, NULL},
    /* change, A 2010 -> 2011: foreign-born 200 -> 275 (20% -> 25%), urban 50% -> 60% */
    {"fb_growth_rate", 31.84537311185346, AT("A"), AT("A"), true, NULL},
    {"fb_share_change", 5, AT("A"), AT("A"), true, NULL},
    {"fb_share_of_growth", 75, AT("A"), AT("A"), true, NULL},
    {"urban_share_change", 10, AT("A"), AT("A"), true, NULL},
    {"urban_rural_growth_difference", 27.763173659827955 + 12.783337150988489, AT("A"), AT("A"),
     true, NULL},
    /* segregation of A over its districts (sets of their own, above) */
    {"seg_districts", 2, NA("a count has no denominator"),
     NA("it counts the districts, whatever their values"), false, NULL},
    {"seg_dissimilarity", 8.0 / 21, AT("A"), AT("A"), true, NULL},
    {"seg_isolation", 7.0 / 18, AT("A"), AT("A"), true, NULL},
    {"seg_exposure", 11.0 / 18, AT("A"), AT("A"), true, NULL},
    {"seg_theil_h", 0.10357243711623397, AT("A"), AT("A"), true, NULL},
    /* A over the areas it contains, the same districts: 300 foreign-born of 1,000
       against A's 600 of 2,000 */
    {"part_areas", 2, NA("a count has no denominator"),
     NA("it counts the areas, whatever their values"), false, NULL},
    {"fb_share_top5", 50, AT("A"), AT("A"), true, NULL},
    {"fb_share_top10", 50, AT("A"), AT("A"), true, NULL},
    {"fb_share_top20", 50, AT("A"), AT("A"), true, NULL},
    {"parts_fb_share", 30,
     NA("no foreign-born over a population is 0%: div0 is in test_indicators"), AT("A"), true,
     NULL},
    {"parts_population_share", 50, AT("A"), AT("A"), true, NULL},
    {"parts_fb_share_of_parent", 50, AT("A"), AT("A"), true, NULL},
    /* flows of A, internal, 2011: in 40 (all women), out 120 */
    {"inflow", 40, NA("a sum has no denominator"), AT("A"), true, NULL},
    {"outflow", 120, NA("a sum has no denominator"), AT("B"), true, NULL},
    {"net", -80, NA("a difference has no denominator"), AT("A"), true, NULL},
    {"gross", 160, NA("a sum has no denominator"), AT("A"), true, NULL},
    {"in_rate", 1000.0 * 40 / 1100, AT("A"), AT("A"), true, NULL},
    {"out_rate", 1000.0 * 120 / 1100, AT("A"), AT("B"), true, NULL},
    {"net_rate", -1000.0 * 80 / 1100, AT("A"), AT("A"), true, NULL},
    {"effectiveness", -50, AT("A"), AT("A"), true, NULL},
    {"surge", 100.0 * 40 / 1100, AT("A"), AT("A"), true, NULL},
    {"inflow_female_share", 100, AT("A"), AT("A"), true, NULL},
    {"international_share_of_inflow", 100.0 * 50 / 90, AT("A"), AT("A"), true, NULL},
    /* system, internal, 2011: zones A, B, C (the cities); 3,600 residents, 160 moves,
       none across the boundary. Under SMALL every zone is suppressed, the moves too;
       the boundary's 0 moves and their difference disclose nothing. */
    {"system_moves", 160, NA("a sum has no denominator"), AT(""), true, NULL},
    {"moves_in_from_outside", 0, NA("a sum has no denominator"), AT(""), false, NULL},
    {"moves_out_to_outside", 0, NA("a sum has no denominator"), AT(""), false, NULL},
    {"migration_intensity", 100.0 * 160 / 3600, AT(""), AT(""), true, NULL},
    {"aggregate_effectiveness", 50, AT(""), AT(""), true, NULL},
    {"aggregate_net_migration_rate", 50.0 * 160 / 3600, AT(""), AT(""), true, NULL},
    {"net_total", 0, NA("a sum has no denominator"), AT(""), false, NULL},
    /* spatial focusing of that system: the moves between zones A to B 100,
       B to A 30, A to C 20, C to A 10, B to C and C to B 0 (F + M, no T).
       Six cells, sorted 0 0 10 20 30 100: sum |x_a - x_b| over ordered
       pairs 1200, so GCI = 1200 / (2 * 5 * 160). In-fields: A {30, 10} 40,
       B {100, 0} 200, C {20, 0} 40: 280 / (2 * 1 * 160). Out-fields: A
       {100, 20} 160, B {30, 0} 60, C {10, 0} 20: 240 / 320. CV: sum x^2 =
       11400, sqrt(6 * 11400 - 160^2) / 160. ZERO: no moves between the
       zones; EMPTY: zone E has no flows. */
    {"gini_connectivity", 0.75, AT(""), AT(""), true, NULL},
    {"gini_in_migration", 0.875, AT(""), AT(""), true, NULL},
    {"gini_out_migration", 0.75, AT(""), AT(""), true, NULL},
    {"flow_cv", 1.293010054098575, AT(""), AT(""), true, NULL},
    /* partners of A, internal, 2011 (F + M): from B 30 and C 10 of 40; to B
       100 and C 20 of 120. The first row of each is partner B: 75% of the
       arrivals, 100 / 120 of the departures, net exchange 30 - 100. Under
       SMALL A's inflow and outflow are suppressed, and its partners'. */
    {"origin_flow_share", 75,
     NA("a share is listed only for a partner with moves, so its flow is "
        "above 0"),
     NA("a direction without rows lists no partner (its flow is missing, as the inflow's is)"),
     true, NULL},
    {"destination_flow_share", 100.0 * 100 / 120,
     NA("a share is listed only for a partner with moves, so its flow is above 0"),
     NA("a direction without rows lists no partner (its flow is missing, as the outflow's is)"),
     true, NULL},
    {"net_exchange", -70, NA("a difference has no denominator"), AT("A"), true, NULL},
    /* diversity of A 2011: IND 50, PAK 30, POL 20 */
    {"origin_count", 3, NA("a count has no denominator"), NA("a stocks row always has its count"),
     true, NULL},
    {"hhi", 0.38, AT("A"), NA("a stocks row always has its count"), true, NULL},
    {"simpson", 0.62, AT("A"), NA("a stocks row always has its count"), true, NULL},
    {"shannon", 1.0296530140645737, AT("A"), NA("a stocks row always has its count"), true, NULL},
    {"shannon_norm", 1.0296530140645737 / 1.0986122886681098, AT("A"),
     NA("a stocks row always has its count"), true, NULL},
    {"effective_origins", 1 / 0.38, AT("A"), NA("a stocks row always has its count"), true, NULL},
    {"top_origin_share", 50, AT("A"), NA("a stocks row always has its count"), true, NULL},
    {"effective_origins_shannon", 2.8000940728538315, AT("A"),
     NA("a stocks row always has its count"), true, NULL},
    /* with the natives, 900: groups 0.9, 0.05, 0.03, 0.02 */
    {"fractionalisation", 0.1862, AT("A"),
     NA("the set has no stocks; a missing natives' row is tested in test_indicators"), true, NULL},
    {"effective_groups", 1.5342601452782934, AT("A"),
     NA("the set has no stocks; a missing natives' row is tested in test_indicators"), true, NULL},
    {"fb_median_age_group", 15, AT("A"),
     NA("the set has no stocks; a group given by one sex only is in the case "
        "indicators/stocks-ages"),
     true, NULL},
    /* health in A 2011: migrants 120 of 200 (se 2), natives 640 of 800 (se 1.5) */
    {"rate_migrant", 60, AT("A"), AT("A"), true, NULL},
    {"rate_native", 80, AT("A"), AT("A"), true, "water"},
    {"gap_pp", -20, AT("A"), AT("A"), true, NULL},
    {"parity", 0.75, AT("A"), AT("A"), true, NULL},
    {"relative_gap", -25, AT("A"), AT("A"), true, NULL},
    {"gap_ci_low", -20 - 1.96 * 2.5, AT("A"), AT("A"), true, NULL},
    {"gap_ci_high", -20 + 1.96 * 2.5, AT("A"), AT("A"), true, NULL},
    {"parity_ci_low", 0.75 * 0.9277805637361006, AT("A"), AT("A"), true, NULL},
    {"parity_ci_high", 0.75 * 1.0778410748044531, AT("A"), AT("A"), true, NULL},
    {"service_data_coverage", 100, NA("the denominator counts the area's services: at least one"),
     NA("it counts services, and is 0% rather than missing"), false, NULL},
    /* by sex, A 2011: 560 women and 540 men; 110 of the 275 foreign-born are women.
       Internal arrivals 40 women (B 30, C 10) and 0 men; departures 60 women (to B)
       and 60 men (40 to B, 20 to C). Under SMALL every sex is small but the men's 0
       arrivals, which are suppressed with the women's. */
    {"sex_ratio", 100.0 * 540 / 560, AT("A"), AT("A"), true, NULL},
    {"fb_sex_ratio", 150, AT("A"), AT("A"), true, NULL},
    {"in_rate_female", 1000.0 * 40 / 560, AT("A"),
     NA("the set gives no residents by sex, so no rates by sex: tested in test_agesex"), true,
     NULL},
    {"in_rate_male", 0, AT("A"),
     NA("the set gives no residents by sex, so no rates by sex: tested in test_agesex"), true,
     NULL},
    {"out_rate_female", 1000.0 * 60 / 560, AT("A"),
     NA("the set gives no residents by sex, so no rates by sex: tested in test_agesex"), true,
     NULL},
    {"out_rate_male", 1000.0 * 60 / 540, AT("A"),
     NA("the set gives no residents by sex, so no rates by sex: tested in test_agesex"), true,
     NULL},
    /* by age, A 2011, internal (checked on group 15-64): arrivals 0, 30 and 10 of 40,
       departures 40, 60 and 20 of 120; 660 residents aged 15-64. The median arrival
       (the 20th of 40) and the median departure (the 60th of 120) are aged 15-64. */
    {"in_median_age_group", 15, AT("A"), AT("A"), true, NULL},
    {"out_median_age_group", 15, AT("A"), AT("B"), true, NULL},
    {"in_age_share", 75, AT("A"), AT("A"), true, NULL},
    {"out_age_share", 50, AT("A"), AT("B"), true, NULL},
    {"in_rate_age", 1000.0 * 30 / 660, AT("A"), AT("A"), true, NULL},
    {"out_rate_age", 1000.0 * 60 / 660, AT("A"), AT("A"), true, NULL},
    /* the foreign-born by age, A 2011 (checked on group 15-64): 10, 75 and 15 of
       100; 660 residents aged 15-64; the median (the 50th) is aged 15-64. */
    {"fb_age_share", 75, AT("A"),
     NA("the set has no stocks; a group given by one sex only is in the case "
        "indicators/stocks-ages"),
     true, NULL},
    {"fb_share_of_age_group", 100.0 * 75 / 660, AT("A"),
     NA("the set has no stocks; a group without residents of its ages is in the case "
        "indicators/stocks-ages"),
     true, NULL},
};

/* The subject an indicator of this scope is checked on. */
static const cm_result *find(const set *s, const char *id, const char *area, const char *service)
{
    size_t n;
    int ind = cm_indicator_find(id);
    const cm_indicator_def *def = &cm_indicator_defs(&n)[ind];
    int kind = CM_KIND_NONE, base = 0;
    const char *svc = "";
    if (def->scope == CM_SCOPE_GROWTH)
        base = 2010;
    if (def->scope == CM_SCOPE_FLOW || def->scope == CM_SCOPE_SYSTEM ||
        def->scope == CM_SCOPE_PARTNER || (def->scope == CM_SCOPE_AGE && strncmp(id, "fb_", 3)))
        kind = strcmp(id, "international_share_of_inflow") == 0 ? CM_KIND_ALL : CM_KIND_INTERNAL;
    if (def->scope == CM_SCOPE_SERVICE)
        svc = service ? service : "health";
    if (def->scope == CM_SCOPE_AGE)
        svc = "15-64";
    for (size_t i = 0; i < s->results.count; i++) {
        const cm_result *r = &s->results.items[i];
        if (r->indicator == ind && r->year == 2011 && r->base_year == base && r->kind == kind &&
            strcmp(cm_strpool_str(s->ds->pool, r->area), area) == 0 &&
            strcmp(cm_strpool_str(s->ds->pool, r->service), svc) == 0)
            return r;
    }
    return NULL;
}

static void check(const line *l, int which, const char *area, cm_flag flag, double value,
                  const char *service)
{
    static const char *const names[] = {"FULL", "ZERO", "EMPTY", "SMALL"};
    size_t ndefs;
    cm_scope scope = cm_indicator_defs(&ndefs)[cm_indicator_find(l->id)].scope;
    bool seg = scope == CM_SCOPE_SEGREGATION || scope == CM_SCOPE_PARTS;
    const set *s = &sets[seg ? SEG + which : which];
    const cm_result *r = find(s, l->id, area, service);
    if (!r) {
        print_error("%s: no result for %s in %s\n", names[which], l->id, area);
        fail();
    }
    bool ok = r->flag == flag;
    if (ok && (flag == CM_FLAG_OK || flag == CM_FLAG_PUBLISHED))
        ok = fabs(r->value - value) <= 1e-12 * fabs(value) + 1e-12;
    if (ok && flag != CM_FLAG_OK && flag != CM_FLAG_PUBLISHED)
        ok = r->value == 0 && r->reason != 0; /* empty, and says why */
    if (ok && flag == CM_FLAG_SUPPRESSED)
        ok = !r->has_numerator && !r->has_denominator;
    if (!ok) {
        print_error("%s: %s in %s: got %s %.17g (%s), expected %s %.17g\n", names[which], l->id,
                    area, cm_flag_str((cm_flag)r->flag), r->value,
                    cm_strpool_str(s->ds->pool, r->reason), cm_flag_str(flag), value);
        fail();
    }
}

static void test_every_indicator(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const line *l = &table[i];
        size_t n;
        const cm_indicator_def *def = &cm_indicator_defs(&n)[cm_indicator_find(l->id)];
        const char *area = def->scope == CM_SCOPE_SYSTEM ? "" : "A";
        check(l, FULL, area, CM_FLAG_OK, l->full, NULL);
        if (l->zero_area)
            check(l, ZERO, l->zero_area, CM_FLAG_DIV0, 0, l->zero_service);
        if (l->empty_area)
            check(l, EMPTY, l->empty_area, CM_FLAG_MISSING, 0, NULL);
        if (l->suppressed)
            check(l, SMALL, area, CM_FLAG_SUPPRESSED, 0, NULL);
        else
            check(l, SMALL, area, CM_FLAG_OK, l->full, NULL);
    }
}

/* Every indicator of the registry has a line, and every line a reason
   for each case it skips. */
static void test_table_is_complete(void **state)
{
    (void)state;
    size_t n;
    const cm_indicator_def *defs = cm_indicator_defs(&n);
    assert_int_equal(sizeof table / sizeof table[0], n);
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < sizeof table / sizeof table[0] && strcmp(table[j].id, defs[i].id) != 0)
            j++;
        if (j == sizeof table / sizeof table[0])
            print_error("indicator %s has no line in the table\n", defs[i].id);
        assert_true(j < sizeof table / sizeof table[0]);
        assert_true(table[j].zero_area || (table[j].zero_na && *table[j].zero_na));
        assert_true(table[j].empty_area || (table[j].empty_na && *table[j].empty_na));
    }
}

int main(void)
{
    /* The library must not depend on the locale: the suite also runs under
       LC_ALL=de_DE.UTF-8 (decimal comma). */
    setlocale(LC_ALL, "");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_is_complete),
        cmocka_unit_test(test_every_indicator),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
