/*
 * test_table.c - the string pool, typed tables with their key index, and
 * the flow aggregate.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "citymig/flows.h"
#include "citymig/strpool.h"
#include "citymig/table.h"

static void test_strpool(void **state)
{
    (void)state;
    cm_strpool *p = cm_strpool_new();
    assert_non_null(p);
    uint32_t a = cm_strpool_intern(p, "GB-LND", 6);
    uint32_t b = cm_strpool_intern(p, "US-NYC", 6);
    assert_int_not_equal(a, 0);
    assert_int_not_equal(a, b);
    assert_int_equal(cm_strpool_intern(p, "GB-LNDX", 6), a); /* length-bounded */
    assert_int_equal(cm_strpool_find(p, "US-NYC", 6), b);
    assert_int_equal(cm_strpool_find(p, "absent", 6), 0);
    assert_string_equal(cm_strpool_str(p, a), "GB-LND");
    assert_string_equal(cm_strpool_str(p, 0), "");
    assert_int_equal(cm_strpool_len(p, b), 6);
    /* Many strings: ids stay stable and strings intact across growth. */
    char buf[32];
    for (int i = 0; i < 100000; i++) {
        int n = snprintf(buf, sizeof buf, "area-%d", i);
        assert_int_equal(cm_strpool_intern(p, buf, (size_t)n), (uint32_t)i + 3);
    }
    assert_int_equal(cm_strpool_count(p), 100002);
    assert_string_equal(cm_strpool_str(p, 3 + 77777), "area-77777");
    assert_string_equal(cm_strpool_str(p, a), "GB-LND");
    /* A long string and an empty one. */
    static char big[100000];
    memset(big, 'x', sizeof big);
    uint32_t id = cm_strpool_intern(p, big, sizeof big);
    assert_int_equal(cm_strpool_len(p, id), sizeof big);
    assert_int_not_equal(cm_strpool_intern(p, "", 0), 0);
    cm_strpool_free(p);
    cm_strpool_free(NULL);
}

static void area_row(cm_cell *cells, cm_strpool *p, const char *id, int32_t year, int64_t pop)
{
    memset(cells, 0, sizeof(cm_cell) * CM_TABLE_MAX_COLS);
    cells[CM_AREAS_AREA_ID] =
        (cm_cell){.present = true, .v.text = cm_strpool_intern(p, id, strlen(id))};
    cells[CM_AREAS_YEAR] = (cm_cell){.present = true, .v.year = year};
    cells[CM_AREAS_POPULATION] = (cm_cell){.present = true, .v.count = pop};
    cells[CM_AREAS_LEVEL] = (cm_cell){.present = true, .v.code = CM_LEVEL_CITY};
}

static void test_table_keys(void **state)
{
    (void)state;
    cm_strpool *p = cm_strpool_new();
    cm_table *t = cm_table_new(&cm_areas_def, p);
    cm_cell cells[CM_TABLE_MAX_COLS];
    size_t dup;

    area_row(cells, p, "GB-LND", 2011, 8173941);
    assert_int_equal(cm_table_add(t, cells, 2, &dup), CM_OK);
    assert_int_equal(dup, SIZE_MAX);
    area_row(cells, p, "GB-LND", 2015, 8663300);
    assert_int_equal(cm_table_add(t, cells, 3, &dup), CM_OK);
    assert_int_equal(dup, SIZE_MAX);

    /* Same key, same values: found as a duplicate with no difference. */
    area_row(cells, p, "GB-LND", 2011, 8173941);
    assert_int_equal(cm_table_add(t, cells, 4, &dup), CM_OK);
    assert_int_equal(dup, 0);
    assert_int_equal(cm_table_row_diff(t, dup, cells), SIZE_MAX);
    /* Same key, another population: the differing column is named. */
    cells[CM_AREAS_POPULATION].v.count = 1;
    assert_int_equal(cm_table_add(t, cells, 5, &dup), CM_OK);
    assert_int_equal(dup, 0);
    assert_int_equal(cm_table_row_diff(t, dup, cells), CM_AREAS_POPULATION);
    assert_int_equal(t->nrows, 2);
    assert_int_equal(t->line[1], 3);

    uint32_t lnd = cm_strpool_find(p, "GB-LND", 6);
    assert_int_equal(cm_areas_find(t, lnd, 2015), 1);
    assert_int_equal(cm_areas_find(t, lnd, 2012), SIZE_MAX);

    /* Missing is not zero: an absent value reads back absent. */
    cm_cell out;
    assert_false(cm_table_get(t, 0, CM_AREAS_FOREIGN_BORN, &out));
    assert_true(cm_table_get(t, 0, CM_AREAS_POPULATION, &out));
    assert_int_equal(out.v.count, 8173941);

    /* Growth of rows and index keeps every row findable. */
    char id[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(id, sizeof id, "A%d", i);
        area_row(cells, p, id, 2000 + i % 50, i);
        assert_int_equal(cm_table_add(t, cells, (uint64_t)i + 10, &dup), CM_OK);
        assert_int_equal(dup, SIZE_MAX);
    }
    for (int i = 0; i < 5000; i++) {
        snprintf(id, sizeof id, "A%d", i);
        size_t row = cm_areas_find(t, cm_strpool_find(p, id, strlen(id)), 2000 + i % 50);
        assert_int_equal(row, (size_t)i + 2);
    }
    cm_table_free(t);
    cm_strpool_free(p);
}

static void test_enums(void **state)
{
    (void)state;
    char buf[128];
    assert_int_equal(cm_enum_lookup(&cm_level_enum, "City", 4), CM_LEVEL_CITY);
    assert_int_equal(cm_enum_lookup(&cm_level_enum, "town", 4), -1);
    assert_int_equal(cm_enum_lookup(&cm_group_enum, "foreign_born", 12), CM_GROUP_MIGRANT);
    assert_int_equal(cm_enum_lookup(&cm_group_enum, "NATIVE_BORN", 11), CM_GROUP_NATIVE);
    assert_int_equal(cm_enum_lookup(&cm_kind_enum, "international", 13), CM_KIND_INTERNATIONAL);
    assert_int_equal(cm_enum_lookup(&cm_sex_enum, "f", 1), CM_SEX_FEMALE);
    assert_string_equal(cm_enum_list(&cm_group_enum, buf, sizeof buf),
                        "migrant, native, foreign_born, native_born");
}

static void test_flows(void **state)
{
    (void)state;
    cm_flows *f = cm_flows_new();
    enum { A = 1, B = 2, C = 3 };
    assert_int_equal(cm_flows_add(f, 2010, A, B, CM_KIND_INTERNAL, CM_SEX_TOTAL, 100),
                     CM_FLOWS_ADDED);
    /* Same key again: added, as in a pivot table. */
    assert_int_equal(cm_flows_add(f, 2010, A, B, CM_KIND_INTERNAL, CM_SEX_TOTAL, 50),
                     CM_FLOWS_ADDED);
    assert_int_equal(cm_flows_add(f, 2010, B, A, CM_KIND_INTERNAL, CM_SEX_TOTAL, 30),
                     CM_FLOWS_ADDED);
    assert_int_equal(cm_flows_add(f, 2010, C, B, CM_KIND_INTERNATIONAL, CM_SEX_TOTAL, 7),
                     CM_FLOWS_ADDED);
    assert_int_equal(cm_flows_add(f, 2010, C, C, CM_KIND_INTERNAL, CM_SEX_TOTAL, 9),
                     CM_FLOWS_STAYER);

    const cm_flow_cell *b = cm_flows_find(f, B, 2010, CM_KIND_INTERNAL, CM_SEX_TOTAL);
    assert_non_null(b);
    assert_int_equal(b->inflow, 150);
    assert_int_equal(b->outflow, 30);
    assert_int_equal(b->in_rows, 2);
    const cm_flow_cell *a = cm_flows_find(f, A, 2010, CM_KIND_INTERNAL, CM_SEX_TOTAL);
    assert_int_equal(a->inflow, 30);
    assert_int_equal(a->outflow, 150);
    assert_null(cm_flows_find(f, C, 2010, CM_KIND_INTERNAL, CM_SEX_TOTAL));
    assert_null(cm_flows_find(f, B, 2011, CM_KIND_INTERNAL, CM_SEX_TOTAL));
    assert_int_equal(cm_flows_find(f, B, 2010, CM_KIND_INTERNATIONAL, CM_SEX_TOTAL)->inflow, 7);

    assert_int_equal(f->stats.rows, 5);
    assert_int_equal(f->stats.rows_by_kind[CM_KIND_INTERNAL], 3);
    assert_int_equal(f->stats.persons_by_kind[CM_KIND_INTERNAL], 180);
    assert_int_equal(f->stats.stayer_rows, 1);
    assert_int_equal(f->stats.stayer_persons, 9);

    /* A closed system nets to zero. */
    int64_t net = 0;
    for (size_t i = 0; i < f->count; i++)
        net += f->cells[i].inflow - f->cells[i].outflow;
    assert_int_equal(net, 0);

    /* Sums stop at 2^53, where doubles stop being exact. */
    cm_flows *big = cm_flows_new();
    int64_t max = INT64_C(9007199254740992);
    assert_int_equal(cm_flows_add(big, 2020, A, B, CM_KIND_INTERNAL, CM_SEX_TOTAL, max),
                     CM_FLOWS_ADDED);
    assert_int_equal(cm_flows_add(big, 2020, C, B, CM_KIND_INTERNAL, CM_SEX_TOTAL, 1),
                     CM_FLOWS_OVERFLOW);
    assert_int_equal(cm_flows_find(big, B, 2020, CM_KIND_INTERNAL, CM_SEX_TOTAL)->inflow, max);
    assert_int_equal(big->stats.rows, 1);
    cm_flows_free(big);

    /* Many places: memory in cells, not rows; lookups survive growth. */
    for (uint32_t d = 10; d < 20010; d++)
        for (int r = 0; r < 3; r++)
            assert_int_equal(cm_flows_add(f, 2015, d + 1, d, CM_KIND_INTERNAL, CM_SEX_FEMALE, 2),
                             CM_FLOWS_ADDED);
    assert_int_equal(cm_flows_find(f, 15000, 2015, CM_KIND_INTERNAL, CM_SEX_FEMALE)->inflow, 6);
    assert_int_equal(cm_flows_find(f, 15000, 2015, CM_KIND_INTERNAL, CM_SEX_FEMALE)->outflow, 6);
    cm_flows_free(f);
    cm_flows_free(NULL);
}

int main(void)
{
    /* The library must not depend on the locale: the suite also runs under
       LC_ALL=de_DE.UTF-8 (decimal comma). */
    setlocale(LC_ALL, "");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strpool),
        cmocka_unit_test(test_table_keys),
        cmocka_unit_test(test_enums),
        cmocka_unit_test(test_flows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
