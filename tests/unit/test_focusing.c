/*
 * test_focusing.c - the spatial focusing of an internal system (Gini index
 * of migration connectivity, the migration-weighted Ginis of in- and
 * out-migration fields, the coefficient of variation of the flows) against
 * values worked out by hand, with their missing, div0 and suppressed
 * cases; and against the definitions summed pair by pair over random
 * matrices.
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

#include "citymig/indicators.h"

#include "indfixture.h"

#define I CM_KIND_INTERNAL

static const cm_result *sys(const fixture *fx, int32_t year, const char *id)
{
    return get(fx, "", year, 0, I, "", id);
}

static const char areas3[] = "area_id,level,year,population\n"
                             "A,city,2015,1000\nB,city,2015,2000\nC,city,2015,3000\n";

/*
 * Zones A, B, C; M_AB = 10, M_AC = 30, M_BA = 20, M_CB = 40, M_BC = M_CA = 0
 * (no row); X, not a zone, sends 5 to A. N = 6 cells, M = 100.
 *   Sorted cells 0 0 10 20 30 40: sum |x_a - x_b| over ordered pairs = 600;
 *   GCI = 600 / (2 * 5 * 100) = 0.6.
 *   In-fields: A {20, 0}: 40; B {10, 40}: 60; C {30, 0}: 60;
 *   (40 + 60 + 60) / (2 * (3 - 2) * 100) = 0.8 (= 0.2 * 1 + 0.5 * 0.6 + 0.3 * 1).
 *   Out-fields: A {10, 30}: 40; B {20, 0}: 40; C {0, 40}: 80; 160 / 200 = 0.8.
 *   CV: sum x^2 = 3000; sqrt(6 * 3000 - 100^2) / 100 = sqrt(8000) / 100.
 */
static const char flows3[] = "year,origin,destination,kind,count\n"
                             "2015,A,B,internal,10\n2015,A,C,internal,30\n"
                             "2015,B,A,internal,20\n2015,C,B,internal,40\n"
                             "2015,X,A,internal,5\n";

static void test_by_hand(void **state)
{
    (void)state;
    fixture fx;
    fixture_pairs = true;
    load(&fx, areas3, NULL, flows3, NULL, 0, false);
    expect(sys(&fx, 2015, "gini_connectivity"), CM_FLAG_OK, 0.6);
    expect(sys(&fx, 2015, "gini_in_migration"), CM_FLAG_OK, 0.8);
    expect(sys(&fx, 2015, "gini_out_migration"), CM_FLAG_OK, 0.8);
    expect(sys(&fx, 2015, "flow_cv"), CM_FLAG_OK, sqrt(8000.0) / 100);
    /* Only between zones: international flows have no system. */
    assert_false(has(&fx, "", 2015, CM_KIND_INTERNATIONAL, "gini_connectivity"));
    unload(&fx);

    /* The same moves given by sex only (F + M) give the same measures. */
    load(&fx, areas3, NULL,
         "year,origin,destination,kind,sex,count\n"
         "2015,A,B,internal,F,4\n2015,A,B,internal,M,6\n2015,A,C,internal,F,30\n"
         "2015,A,C,internal,M,0\n2015,B,A,internal,F,20\n2015,B,A,internal,M,0\n"
         "2015,C,B,internal,M,40\n2015,C,B,internal,F,0\n",
         NULL, 0, false);
    expect(sys(&fx, 2015, "gini_connectivity"), CM_FLAG_OK, 0.6);
    expect(sys(&fx, 2015, "gini_in_migration"), CM_FLAG_OK, 0.8);
    expect(sys(&fx, 2015, "gini_out_migration"), CM_FLAG_OK, 0.8);
    expect(sys(&fx, 2015, "flow_cv"), CM_FLAG_OK, sqrt(8000.0) / 100);
    unload(&fx);

    /* Two zones: M_AB = 10, M_BA = 30. GCI = 2 * 20 / (2 * 1 * 40) = 0.5;
       CV = sqrt(2 * 1000 - 40^2) / 40 = 0.5; each zone has one partner. */
    load(&fx, "area_id,year,population\nA,2015,10\nB,2015,10\n", NULL,
         "year,origin,destination,kind,count\n2015,A,B,internal,10\n2015,B,A,internal,30\n", NULL,
         0, false);
    expect(sys(&fx, 2015, "gini_connectivity"), CM_FLAG_OK, 0.5);
    expect(sys(&fx, 2015, "flow_cv"), CM_FLAG_OK, 0.5);
    const cm_result *r = sys(&fx, 2015, "gini_in_migration");
    expect(r, CM_FLAG_DIV0, 0);
    assert_string_equal(why(&fx, r), "with two zones each zone has one partner: there is no "
                                     "spread over partners to measure");
    expect(sys(&fx, 2015, "gini_out_migration"), CM_FLAG_DIV0, 0);
    unload(&fx);

    /* Every move in one pair: GCI 1, CV sqrt(N - 1) = sqrt(5); the fields:
       A sends all to B (out-field 1, weight 1), B receives from A alone
       (in-field 1, weight 1). C's outflow and A's inflow are known (from
       and to X, outside). */
    load(&fx, areas3, NULL,
         "year,origin,destination,kind,count\n2015,A,B,internal,7\n2015,X,A,internal,1\n"
         "2015,C,X,internal,1\n2015,B,X,internal,1\n2015,X,C,internal,1\n",
         NULL, 0, false);
    expect(sys(&fx, 2015, "gini_connectivity"), CM_FLAG_OK, 1);
    expect(sys(&fx, 2015, "gini_in_migration"), CM_FLAG_OK, 1);
    expect(sys(&fx, 2015, "gini_out_migration"), CM_FLAG_OK, 1);
    expect(sys(&fx, 2015, "flow_cv"), CM_FLAG_OK, sqrt(5.0));
    unload(&fx);
    fixture_pairs = false;
}

static void test_edges(void **state)
{
    (void)state;
    fixture fx;
    /* Not kept: missing, saying how to keep them. */
    fixture_pairs = false;
    load(&fx, areas3, NULL, flows3, NULL, 0, false);
    const cm_result *r = sys(&fx, 2015, "gini_connectivity");
    expect(r, CM_FLAG_MISSING, 0);
    assert_string_equal(why(&fx, r),
                        "the flows by origin and destination were not kept: run with --pairs");
    expect(sys(&fx, 2015, "flow_cv"), CM_FLAG_MISSING, 0);
    unload(&fx);

    fixture_pairs = true;
    /* A zone with no rows: its flows are missing, never 0. */
    load(&fx, "area_id,year,population\nA,2015,10\nB,2015,10\nC,2015,10\n", NULL,
         "year,origin,destination,kind,count\n2015,A,B,internal,10\n2015,B,A,internal,30\n", NULL,
         0, false);
    r = sys(&fx, 2015, "gini_connectivity");
    expect(r, CM_FLAG_MISSING, 0);
    assert_string_equal(why(&fx, r), "internal inflow is missing (zone C)");
    unload(&fx);

    /* No moves between the zones, only across the boundary: div0. */
    load(&fx, "area_id,year,population\nA,2015,10\nB,2015,10\n", NULL,
         "year,origin,destination,kind,count\n2015,A,X,internal,5\n2015,X,A,internal,3\n"
         "2015,B,X,internal,2\n2015,X,B,internal,4\n",
         NULL, 0, false);
    r = sys(&fx, 2015, "gini_connectivity");
    expect(r, CM_FLAG_DIV0, 0);
    assert_string_equal(why(&fx, r), "there are no moves between the zones");
    expect(sys(&fx, 2015, "flow_cv"), CM_FLAG_DIV0, 0);
    unload(&fx);

    /* One zone. */
    load(&fx, "area_id,year,population\nA,2015,10\n", NULL,
         "year,origin,destination,kind,count\n2015,A,X,internal,5\n2015,X,A,internal,3\n", NULL, 0,
         false);
    r = sys(&fx, 2015, "gini_connectivity");
    expect(r, CM_FLAG_DIV0, 0);
    assert_string_equal(why(&fx, r), "the system has one zone: no pairs of zones");
    unload(&fx);

    /* --min-count 15: every zone's flow is 15 or more, but the pair A to B
       holds 10: the measures stand on it, so they are suppressed. */
    load(&fx, areas3, NULL, flows3, NULL, 15, false);
    r = sys(&fx, 2015, "gini_connectivity");
    expect(r, CM_FLAG_SUPPRESSED, 0);
    assert_string_equal(why(&fx, r), "the flow from A to B is below --min-count 15");
    expect(sys(&fx, 2015, "gini_in_migration"), CM_FLAG_SUPPRESSED, 0);
    expect(sys(&fx, 2015, "flow_cv"), CM_FLAG_SUPPRESSED, 0);
    unload(&fx);
    /* --min-count 10: no cell is below it, and the measures are shown. */
    load(&fx, areas3, NULL, flows3, NULL, 10, false);
    expect(sys(&fx, 2015, "gini_connectivity"), CM_FLAG_OK, 0.6);
    unload(&fx);

    /* T for some pairs, F and M only for B to A: the T pairs do not add
       up to A's inflow from the zones (20, from F + M): missing. */
    load(&fx, areas3, NULL,
         "year,origin,destination,kind,sex,count\n2015,A,B,internal,T,10\n"
         "2015,A,C,internal,T,30\n2015,C,B,internal,T,40\n2015,B,A,internal,F,12\n"
         "2015,B,A,internal,M,8\n",
         NULL, 0, false);
    r = sys(&fx, 2015, "gini_connectivity");
    expect(r, CM_FLAG_MISSING, 0);
    assert_string_equal(why(&fx, r),
                        "the flows by origin and destination of 2015 do not add up to the inflow "
                        "of A from the other zones: some pairs give totals (T) where others give "
                        "only F and M");
    unload(&fx);
    fixture_pairs = false;
}

/* Random matrices: the measures against their definitions, summed pair by
   pair (Bell et al. 2002), never through the sorted form the code uses. */
static void test_random(void **state)
{
    (void)state;
    uint64_t seed = 0x2545f4914f6cdd1dULL;
    fixture_pairs = true;
    for (int round = 0; round < 30; round++) {
        int n = 2 + round % 7;
        long m[9][9] = {{0}};
        char areas[4096] = "area_id,year,population\n";
        char flows[65536] = "year,origin,destination,kind,count\n";
        size_t ao = strlen(areas), fo = strlen(flows);
        for (int z = 0; z < n; z++)
            ao += (size_t)snprintf(areas + ao, sizeof areas - ao, "Z%d,2020,100\n", z);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                if (i == j)
                    continue;
                seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
                unsigned r = (unsigned)(seed >> 33);
                m[i][j] = r % 3 == 0 ? 0 : (long)(r >> 4) % 500;
                /* A row (of 0 too) to the next zone, so every zone has
                   flows both ways; other zero cells have no row. */
                if (m[i][j] || j == (i + 1) % n)
                    fo += (size_t)snprintf(flows + fo, sizeof flows - fo,
                                           "2020,Z%d,Z%d,internal,%ld\n", i, j, m[i][j]);
            }
        double cells = (double)n * (n - 1), total = 0, sq = 0, all = 0, fin = 0, fout = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                if (i == j)
                    continue;
                total += (double)m[i][j];
                sq += (double)m[i][j] * (double)m[i][j];
                for (int k = 0; k < n; k++)
                    for (int l = 0; l < n; l++)
                        if (k != l)
                            all += fabs((double)(m[i][j] - m[k][l]));
                for (int k = 0; k < n; k++)
                    if (k != j && k != i)
                        fin += fabs((double)(m[i][j] - m[k][j]));
                for (int l = 0; l < n; l++)
                    if (l != i && l != j)
                        fout += fabs((double)(m[i][j] - m[i][l]));
            }
        fixture fx;
        load(&fx, areas, NULL, flows, NULL, 0, false);
        if (total == 0) {
            expect(sys(&fx, 2020, "gini_connectivity"), CM_FLAG_DIV0, 0);
            unload(&fx);
            continue;
        }
        expect(sys(&fx, 2020, "gini_connectivity"), CM_FLAG_OK, all / (2 * (cells - 1) * total));
        double mean = total / cells;
        expect(sys(&fx, 2020, "flow_cv"), CM_FLAG_OK, sqrt(sq / cells - mean * mean) / mean);
        if (n >= 3) {
            /* sum_j (in_j / M) G_j with G_j = fin_j / (2 (n - 2) in_j). */
            expect(sys(&fx, 2020, "gini_in_migration"), CM_FLAG_OK, fin / (2 * (n - 2) * total));
            expect(sys(&fx, 2020, "gini_out_migration"), CM_FLAG_OK, fout / (2 * (n - 2) * total));
            const cm_result *g = sys(&fx, 2020, "gini_connectivity");
            assert_true(g->value >= 0 && g->value <= 1);
        }
        unload(&fx);
    }
    fixture_pairs = false;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_by_hand),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
