/*
 * test_partners.c - who an area exchanges with: the shares of its top
 * origins and destinations and its net exchange with each partner,
 * against values worked out by hand, with the missing and suppressed
 * cases (complementary suppression among the partners of a direction);
 * and over random flows, that the net exchanges sum to net and the shares
 * of every partner to 100.
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

/* The row of a partner; fails the test when there is none. */
static const cm_result *partner(const fixture *fx, const char *area, int32_t year, int kind,
                                const char *indicator, const char *who)
{
    int ind = cm_indicator_find(indicator);
    assert_true(ind >= 0);
    for (size_t i = 0; i < fx->results.count; i++) {
        const cm_result *r = &fx->results.items[i];
        if (r->indicator == ind && r->year == year && r->kind == kind &&
            strcmp(cm_strpool_str(fx->ds->pool, r->area), area) == 0 &&
            strcmp(cm_strpool_str(fx->ds->pool, r->origin), who) == 0)
            return r;
    }
    print_error("no %s of %s %d with %s\n", indicator, area, year, who);
    fail();
    return NULL;
}

/* How many rows of an indicator an area has in a year and kind. */
static size_t rows_of(const fixture *fx, const char *area, int32_t year, int kind,
                      const char *indicator)
{
    int ind = cm_indicator_find(indicator);
    size_t n = 0;
    for (size_t i = 0; i < fx->results.count; i++) {
        const cm_result *r = &fx->results.items[i];
        n += r->indicator == ind && r->year == year && r->kind == kind &&
             strcmp(cm_strpool_str(fx->ds->pool, r->area), area) == 0;
    }
    return n;
}

static void expect_counts(const cm_result *r, double num, double den)
{
    assert_true(r->has_numerator && r->has_denominator);
    assert_true(r->numerator == num && r->denominator == den);
}

static const char areas3[] = "area_id,level,year,population\n"
                             "A,city,2015,1000\nB,city,2015,2000\nC,city,2015,3000\n";

/* A: from B 20, from X 5 (inflow 25); to B 10 (and a row of 0), to C 30
   (outflow 40); net -15. Shares of arrivals: B 80, X 20; of departures:
   B 25, C 75. Net exchange: B 20 - 10 = 10, C 0 - 30 = -30, X 5 - 0 = 5;
   10 - 30 + 5 = -15. */
static const char flows3[] = "year,origin,destination,kind,count\n"
                             "2015,A,B,internal,10\n2015,A,C,internal,30\n"
                             "2015,B,A,internal,20\n2015,C,B,internal,40\n"
                             "2015,X,A,internal,5\n2015,A,B,internal,0\n";

static void test_by_hand(void **state)
{
    (void)state;
    fixture fx;
    fixture_pairs = true;
    load(&fx, areas3, NULL, flows3, NULL, 0, false);
    const cm_result *r = partner(&fx, "A", 2015, I, "origin_flow_share", "B");
    expect(r, CM_FLAG_OK, 80);
    expect_counts(r, 20, 25);
    expect(partner(&fx, "A", 2015, I, "origin_flow_share", "X"), CM_FLAG_OK, 20);
    assert_int_equal(rows_of(&fx, "A", 2015, I, "origin_flow_share"), 2);
    r = partner(&fx, "A", 2015, I, "destination_flow_share", "C");
    expect(r, CM_FLAG_OK, 75);
    expect_counts(r, 30, 40);
    expect(partner(&fx, "A", 2015, I, "destination_flow_share", "B"), CM_FLAG_OK, 25);
    expect(partner(&fx, "A", 2015, I, "net_exchange", "B"), CM_FLAG_OK, 10);
    expect(partner(&fx, "A", 2015, I, "net_exchange", "C"), CM_FLAG_OK, -30);
    expect(partner(&fx, "A", 2015, I, "net_exchange", "X"), CM_FLAG_OK, 5);
    assert_int_equal(rows_of(&fx, "A", 2015, I, "net_exchange"), 3);
    expect(get(&fx, "A", 2015, 0, I, "", "net"), CM_FLAG_OK, -15);
    /* X is never a destination: its inflow, so its net exchanges, are
       missing; its departures are known (to A, all of them). */
    r = partner(&fx, "X", 2015, I, "net_exchange", "A");
    expect(r, CM_FLAG_MISSING, 0);
    assert_string_equal(why(&fx, r), "internal inflow is missing");
    expect(partner(&fx, "X", 2015, I, "destination_flow_share", "A"), CM_FLAG_OK, 100);
    assert_int_equal(rows_of(&fx, "X", 2015, I, "origin_flow_share"), 0);
    /* No partner rows for kind all, nor without --pairs. */
    assert_int_equal(rows_of(&fx, "A", 2015, CM_KIND_ALL, "net_exchange"), 0);
    unload(&fx);

    fixture_pairs = false;
    load(&fx, areas3, NULL, flows3, NULL, 0, false);
    assert_int_equal(rows_of(&fx, "A", 2015, I, "net_exchange"), 0);
    assert_int_equal(rows_of(&fx, "A", 2015, I, "origin_flow_share"), 0);
    unload(&fx);

    /* --partners 1: the largest origin only; a tie goes to the first id
       (D receives 10 from P and 10 from Q). */
    fixture_pairs = true;
    fixture_partners = 1;
    load(&fx, areas3, NULL,
         "year,origin,destination,kind,count\n2015,X,A,internal,5\n2015,B,A,internal,20\n"
         "2015,Q,D,internal,10\n2015,P,D,internal,10\n",
         NULL, 0, false);
    assert_int_equal(rows_of(&fx, "A", 2015, I, "origin_flow_share"), 1);
    expect(partner(&fx, "A", 2015, I, "origin_flow_share", "B"), CM_FLAG_OK, 80);
    assert_int_equal(rows_of(&fx, "D", 2015, I, "origin_flow_share"), 1);
    expect(partner(&fx, "D", 2015, I, "origin_flow_share", "P"), CM_FLAG_OK, 50);
    /* Net exchanges are with every partner, whatever --partners says; D is
       never an origin, so its outflow and its net exchanges are missing. */
    assert_int_equal(rows_of(&fx, "D", 2015, I, "net_exchange"), 2);
    expect(partner(&fx, "D", 2015, I, "net_exchange", "Q"), CM_FLAG_MISSING, 0);
    assert_int_equal(rows_of(&fx, "A", 2015, I, "net_exchange"), 2);
    unload(&fx);
    fixture_partners = 0;

    /* By sex: F + M where no T is given, as the inflow is read; a direction
       given for one sex only is missing. */
    load(&fx, areas3, NULL,
         "year,origin,destination,kind,sex,count\n2015,B,A,internal,F,12\n"
         "2015,B,A,internal,M,8\n2015,X,A,internal,F,5\n2015,X,A,internal,M,0\n"
         "2015,A,B,internal,F,10\n",
         NULL, 0, false);
    expect(partner(&fx, "A", 2015, I, "origin_flow_share", "B"), CM_FLAG_OK, 80);
    expect(partner(&fx, "A", 2015, I, "origin_flow_share", "X"), CM_FLAG_OK, 20);
    assert_int_equal(rows_of(&fx, "A", 2015, I, "destination_flow_share"), 0);
    r = partner(&fx, "A", 2015, I, "net_exchange", "B");
    expect(r, CM_FLAG_MISSING, 0);
    assert_string_equal(why(&fx, r),
                        "internal outflow is missing: only F rows give it, no T or M row");
    unload(&fx);
    fixture_pairs = false;
}

static void test_suppressed(void **state)
{
    (void)state;
    fixture fx;
    fixture_pairs = true;
    /* --min-count 6: X's 5 into A is small. A's inflow, 25, is shown, so X
       could be recovered from B's 20: B, the smallest other origin, is
       suppressed with it, in the shares and the net exchanges. A's
       departures (10 and 30) are shown, and C's net exchange. */
    load(&fx, areas3, NULL, flows3, NULL, 6, false);
    expect(get(&fx, "A", 2015, 0, I, "", "inflow"), CM_FLAG_OK, 25);
    const cm_result *r = partner(&fx, "A", 2015, I, "origin_flow_share", "X");
    expect(r, CM_FLAG_SUPPRESSED, 0);
    assert_false(r->has_numerator || r->has_denominator);
    assert_string_equal(why(&fx, r),
                        "the count of arrivals from the origin is below --min-count 6");
    r = partner(&fx, "A", 2015, I, "origin_flow_share", "B");
    expect(r, CM_FLAG_SUPPRESSED, 0);
    assert_string_equal(why(&fx, r),
                        "suppressed with another partner's small count, so that neither can be "
                        "recovered from the area's flow (complementary suppression)");
    expect(partner(&fx, "A", 2015, I, "net_exchange", "X"), CM_FLAG_SUPPRESSED, 0);
    expect(partner(&fx, "A", 2015, I, "net_exchange", "B"), CM_FLAG_SUPPRESSED, 0);
    expect(partner(&fx, "A", 2015, I, "net_exchange", "C"), CM_FLAG_OK, -30);
    expect(partner(&fx, "A", 2015, I, "destination_flow_share", "B"), CM_FLAG_OK, 25);
    /* B's partners: from A 10, from C 40, to A 20: none small. */
    expect(partner(&fx, "B", 2015, I, "origin_flow_share", "C"), CM_FLAG_OK, 80);
    expect(partner(&fx, "B", 2015, I, "net_exchange", "A"), CM_FLAG_OK, -10);
    unload(&fx);

    /* --min-count 30: A's inflow (25) is suppressed, and so the shares of
       its origins and its net exchanges (they sum to net). Among the zones,
       C's inflow (30) is suppressed with A's, and A's outflow (40) with
       B's (20): A's destinations' shares are suppressed too. B's inflow,
       50, is shown: its origin A (10) is small, and C (40) is suppressed
       with it; its outflow is not shown, nor its net exchanges. */
    load(&fx, areas3, NULL, flows3, NULL, 30, false);
    r = partner(&fx, "A", 2015, I, "origin_flow_share", "B");
    expect(r, CM_FLAG_SUPPRESSED, 0);
    assert_string_equal(why(&fx, r), "internal inflow is below --min-count 30");
    r = partner(&fx, "A", 2015, I, "net_exchange", "C");
    expect(r, CM_FLAG_SUPPRESSED, 0);
    assert_string_equal(why(&fx, r),
                        "the area's inflow is suppressed, and its net exchanges would give it");
    expect(get(&fx, "A", 2015, 0, I, "", "outflow"), CM_FLAG_SUPPRESSED, 0);
    expect(partner(&fx, "A", 2015, I, "destination_flow_share", "C"), CM_FLAG_SUPPRESSED, 0);
    expect(get(&fx, "B", 2015, 0, I, "", "inflow"), CM_FLAG_OK, 50);
    r = partner(&fx, "B", 2015, I, "origin_flow_share", "A");
    expect(r, CM_FLAG_SUPPRESSED, 0);
    assert_string_equal(why(&fx, r),
                        "the count of arrivals from the origin is below --min-count 30");
    expect(partner(&fx, "B", 2015, I, "origin_flow_share", "C"), CM_FLAG_SUPPRESSED, 0);
    r = partner(&fx, "B", 2015, I, "net_exchange", "C");
    expect(r, CM_FLAG_SUPPRESSED, 0);
    assert_string_equal(why(&fx, r),
                        "the area's outflow is suppressed, and its net exchanges would give it");
    unload(&fx);
    fixture_pairs = false;
}

/* Random flows: per area, kind and year, the net exchanges sum to net and
   the numerators of the shares of every partner to the flow. */
static void test_sums(void **state)
{
    (void)state;
    uint64_t seed = 0x853c49e6748fea9bULL;
    fixture_pairs = true;
    fixture_partners = 1000;
    for (int round = 0; round < 10; round++) {
        char flows[65536] = "year,origin,destination,kind,sex,count\n";
        size_t fo = strlen(flows);
        int areas = 3 + round % 6;
        for (int i = 0; i < 150; i++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            int o = (int)((seed >> 33) % (uint64_t)areas),
                d = (int)((seed >> 45) % (uint64_t)areas);
            const char *kind = (seed >> 20) % 3 ? "internal" : "international";
            const char *sex = (seed >> 24) % 4 ? "T" : (seed >> 26) % 2 ? "F" : "M";
            fo += (size_t)snprintf(flows + fo, sizeof flows - fo, "2020,Z%d,Z%d,%s,%s,%u\n", o, d,
                                   kind, sex, (unsigned)(seed >> 40) % 300);
        }
        fixture fx;
        load(&fx, NULL, NULL, flows, NULL, 0, false);
        size_t checked = 0;
        for (int a = 0; a < areas; a++) {
            char area[16];
            snprintf(area, sizeof area, "Z%d", a);
            for (int kind = 0; kind < CM_KIND_COUNT; kind++) {
                if (!has(&fx, area, 2020, kind, "net"))
                    continue;
                const cm_result *net = get(&fx, area, 2020, 0, kind, "", "net");
                const cm_result *in = get(&fx, area, 2020, 0, kind, "", "inflow");
                double sum = 0, shares = 0, counts = 0;
                size_t n = 0, nshares = 0;
                int ni = cm_indicator_find("net_exchange"),
                    si = cm_indicator_find("origin_flow_share");
                for (size_t i = 0; i < fx.results.count; i++) {
                    const cm_result *r = &fx.results.items[i];
                    if (r->year != 2020 || r->kind != kind ||
                        strcmp(cm_strpool_str(fx.ds->pool, r->area), area) != 0)
                        continue;
                    if (r->indicator == ni) {
                        assert_int_equal(r->flag,
                                         net->flag == CM_FLAG_OK ? CM_FLAG_OK : CM_FLAG_MISSING);
                        sum += r->value;
                        n++;
                    } else if (r->indicator == si) {
                        assert_int_equal(r->flag, CM_FLAG_OK);
                        shares += r->value;
                        counts += r->numerator;
                        nshares++;
                    }
                }
                if (net->flag == CM_FLAG_OK && n > 0) {
                    assert_true(sum == net->value);
                    checked++;
                }
                if (nshares > 0) {
                    assert_true(counts == in->value);
                    assert_true(fabs(shares - 100) < 1e-9);
                }
            }
        }
        assert_true(checked > 0);
        unload(&fx);
    }
    fixture_partners = 0;
    fixture_pairs = false;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_by_hand),
        cmocka_unit_test(test_suppressed),
        cmocka_unit_test(test_sums),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
