/*
 * test_table.c - the string pool, typed tables with their key index (and its
 * runs: rows grouped by area and year) and
 * the inputs of their rows, and the flow aggregate: sums, first places,
 * intervals, zones and the outside sums.
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
    /* Interned again, in turns that share and evict the slots of the ids
       met lately: the same ids, and nothing added. */
    for (int round = 0; round < 3; round++)
        for (int i = round; i < 100000; i += 997) {
            int n = snprintf(buf, sizeof buf, "area-%d", i);
            assert_int_equal(cm_strpool_intern(p, buf, (size_t)n), (uint32_t)i + 3);
            assert_int_equal(cm_strpool_intern(p, "GB-LND", 6), a);
            /* A string one byte off, whose hash differs: a new id. */
            buf[n - 1] = buf[n - 1] == 'x' ? 'y' : 'x';
            assert_int_equal(cm_strpool_find(p, buf, (size_t)n), 0);
        }
    assert_int_equal(cm_strpool_count(p), 100002);
    /* A prefix of the one met last (its length apart, the same bytes): a
       new id, found again as itself. */
    uint32_t prefix = cm_strpool_intern(p, "area-1", 5);
    assert_int_equal(prefix, 100003);
    assert_int_equal(cm_strpool_intern(p, "area-", 5), prefix);
    assert_int_equal(cm_strpool_intern(p, "area-1", 6), 4);
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

static void stock_row(cm_cell *cells, cm_strpool *p, const char *area, int32_t year,
                      const char *origin, int sex, int64_t count)
{
    memset(cells, 0, sizeof(cm_cell) * CM_TABLE_MAX_COLS);
    cells[CM_STOCKS_AREA_ID] =
        (cm_cell){.present = true, .v.text = cm_strpool_intern(p, area, strlen(area))};
    cells[CM_STOCKS_YEAR] = (cm_cell){.present = true, .v.year = year};
    cells[CM_STOCKS_ORIGIN] =
        (cm_cell){.present = true, .v.text = cm_strpool_intern(p, origin, strlen(origin))};
    cells[CM_STOCKS_SEX] = (cm_cell){.present = true, .v.code = (uint8_t)sex};
    cells[CM_STOCKS_COUNT] = (cm_cell){.present = true, .v.count = count};
}

static size_t add_stock(cm_table *t, cm_strpool *p, const char *area, int32_t year,
                        const char *origin, int sex)
{
    cm_cell cells[CM_TABLE_MAX_COLS];
    stock_row(cells, p, area, year, origin, sex, 1);
    size_t dup;
    assert_int_equal(cm_table_add(t, cells, t->nrows + 2, &dup), CM_OK);
    return dup;
}

static size_t find_stock(const cm_table *t, cm_strpool *p, const char *area, int32_t year,
                         const char *origin, int sex)
{
    cm_cell cells[CM_TABLE_MAX_COLS];
    stock_row(cells, p, area, year, origin, sex, 1);
    cm_cell key[CM_TABLE_MAX_KEY];
    for (size_t k = 0; k < t->def->nkey; k++)
        key[k] = cells[t->def->key[k]];
    return cm_table_find(t, key);
}

/* The stocks' age column is lazy: no arrays until a row gives an age; then
   the rows before have none, the keys differ by age group, and a key with
   and one without an age group are two keys. */
static void test_table_lazy_column(void **state)
{
    (void)state;
    cm_strpool *p = cm_strpool_new();
    cm_table *t = cm_table_new(&cm_stocks_def, p);
    assert_non_null(t);
    for (int i = 0; i < 100; i++) {
        char origin[16];
        snprintf(origin, sizeof origin, "O%d", i);
        assert_int_equal(add_stock(t, p, "A", 2011, origin, CM_SEX_TOTAL), SIZE_MAX);
    }
    assert_null(t->cols[CM_STOCKS_AGE].present);
    assert_null(t->cols[CM_STOCKS_AGE].v.any);
    cm_cell cells[CM_TABLE_MAX_COLS];
    size_t dup;
    stock_row(cells, p, "A", 2011, "O1", CM_SEX_TOTAL, 5);
    cells[CM_STOCKS_AGE] = (cm_cell){.present = true, .v.text = cm_strpool_intern(p, "0-14", 4)};
    assert_int_equal(cm_table_add(t, cells, 200, &dup), CM_OK);
    assert_int_equal(dup, SIZE_MAX); /* O1 without an age group is another key */
    assert_non_null(t->cols[CM_STOCKS_AGE].present);
    cm_cell got;
    assert_false(cm_table_get(t, 1, CM_STOCKS_AGE, &got)); /* an earlier row: no age */
    assert_true(cm_table_get(t, 100, CM_STOCKS_AGE, &got));
    assert_int_equal(got.v.text, cells[CM_STOCKS_AGE].v.text);
    assert_false(cm_column_has(&t->cols[CM_STOCKS_AGE], 99));
    assert_true(cm_column_has(&t->cols[CM_STOCKS_AGE], 100));
    /* The same key again, with its age group: a duplicate of row 100. */
    assert_int_equal(cm_table_add(t, cells, 201, &dup), CM_OK);
    assert_int_equal(dup, 100);
    /* Rows added past the first capacity keep the column in step. */
    for (int i = 0; i < 200; i++) {
        char origin[16];
        snprintf(origin, sizeof origin, "P%d", i);
        assert_int_equal(add_stock(t, p, "A", 2011, origin, CM_SEX_TOTAL), SIZE_MAX);
    }
    assert_false(cm_column_has(&t->cols[CM_STOCKS_AGE], t->nrows - 1));
    assert_true(cm_column_has(&t->cols[CM_STOCKS_AGE], 100));
    cm_table_free(t);
    cm_strpool_free(p);
}

/* Stock rows grouped by area and year are checked run by run; a run that
   comes back makes the index whole; either way every duplicate is found,
   and every row is found by its key before and after cm_table_seal. */
static void test_table_runs(void **state)
{
    (void)state;
    cm_strpool *p = cm_strpool_new();
    cm_table *t = cm_table_new(&cm_stocks_def, p);
    assert_non_null(t);
    assert_int_equal(add_stock(t, p, "A", 2011, "X", CM_SEX_TOTAL), SIZE_MAX);
    assert_int_equal(add_stock(t, p, "A", 2011, "Y", CM_SEX_TOTAL), SIZE_MAX);
    assert_int_equal(add_stock(t, p, "A", 2011, "X", CM_SEX_TOTAL), 0); /* in its run */
    assert_int_equal(add_stock(t, p, "A", 2011, "X", CM_SEX_FEMALE), SIZE_MAX);
    assert_int_equal(add_stock(t, p, "A", 2012, "X", CM_SEX_TOTAL), SIZE_MAX);
    assert_int_equal(add_stock(t, p, "B", 2011, "X", CM_SEX_TOTAL), SIZE_MAX);
    assert_non_null(t->runs); /* grouped so far */
    /* Found before sealing (by reading the rows) and after. */
    assert_int_equal(find_stock(t, p, "A", 2012, "X", CM_SEX_TOTAL), 3);
    assert_int_equal(find_stock(t, p, "A", 2011, "Y", CM_SEX_MALE), SIZE_MAX);
    /* A run of A 2011 again: the rows are not grouped, and the row of the
       first run is still found as a duplicate. */
    assert_int_equal(add_stock(t, p, "A", 2011, "Y", CM_SEX_TOTAL), 1);
    assert_null(t->runs);
    assert_int_equal(add_stock(t, p, "A", 2011, "Z", CM_SEX_TOTAL), SIZE_MAX);
    assert_int_equal(add_stock(t, p, "B", 2011, "X", CM_SEX_TOTAL), 4);
    assert_int_equal(find_stock(t, p, "A", 2011, "Z", CM_SEX_TOTAL), 5);
    cm_table_free(t);

    /* Many runs, a run larger than its first index: against the rows
       themselves, before and after sealing. */
    t = cm_table_new(&cm_stocks_def, p);
    assert_non_null(t);
    char area[32], origin[32];
    size_t rows = 0;
    for (int a = 0; a < 40; a++)
        for (int o = 0; o < (a == 7 ? 500 : 20); o++)
            for (int sex = 0; sex < CM_SEX_COUNT; sex++) {
                snprintf(area, sizeof area, "area-%d", a);
                snprintf(origin, sizeof origin, "o-%d", o);
                assert_int_equal(add_stock(t, p, area, 2011, origin, sex), SIZE_MAX);
                /* A duplicate of the run's first row, each time. */
                snprintf(origin, sizeof origin, "o-%d", 0);
                assert_int_equal(add_stock(t, p, area, 2011, origin, CM_SEX_TOTAL),
                                 o == 0 && sex == 0 ? rows : rows - (size_t)(o * 3 + sex));
                rows++;
            }
    assert_int_equal(t->nrows, rows);
    assert_non_null(t->runs);
    for (int pass = 0; pass < 2; pass++) {
        assert_int_equal(find_stock(t, p, "area-7", 2011, "o-499", CM_SEX_MALE),
                         7 * 20 * 3 + 499 * 3 + 2);
        assert_int_equal(find_stock(t, p, "area-39", 2011, "o-0", CM_SEX_TOTAL), rows - 20 * 3);
        assert_int_equal(find_stock(t, p, "area-7", 2011, "o-500", CM_SEX_TOTAL), SIZE_MAX);
        assert_int_equal(cm_table_seal(t), CM_OK);
        assert_null(t->runs);
    }
    /* Sealed: rows still come in, into the whole index. */
    assert_int_equal(add_stock(t, p, "area-7", 2011, "o-3", CM_SEX_FEMALE), 7 * 20 * 3 + 3 * 3 + 1);
    assert_int_equal(add_stock(t, p, "area-40", 2011, "o-3", CM_SEX_FEMALE), SIZE_MAX);
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
    assert_int_equal(cm_enum_lookup(&cm_polarity_enum, "Lack", 4), CM_POLARITY_LACK);
    assert_int_equal(cm_enum_lookup(&cm_polarity_enum, "access", 6), CM_POLARITY_ACCESS);
    assert_int_equal(cm_enum_lookup(&cm_polarity_enum, "uninsured", 9), -1);
    assert_int_equal(cm_polarity_enum.default_code, CM_POLARITY_ACCESS);
}

/* The schemas' new columns: interval in flows, polarity in services. */
static void test_schema_columns(void **state)
{
    (void)state;
    assert_string_equal(cm_flows_def.cols[CM_FLOWS_INTERVAL].name, "interval");
    assert_int_equal(cm_flows_def.cols[CM_FLOWS_INTERVAL].type, CM_VALUE_COUNT);
    assert_int_equal(cm_flows_def.cols[CM_FLOWS_INTERVAL].flags & CM_COL_REQUIRED, 0);
    assert_int_equal(cm_flows_def.ncols, CM_FLOWS_NCOLS);
    assert_string_equal(cm_services_def.cols[CM_SERVICES_POLARITY].name, "polarity");
    assert_ptr_equal(cm_services_def.cols[CM_SERVICES_POLARITY].enumdef, &cm_polarity_enum);
    assert_int_equal(cm_services_def.ncols, CM_SERVICES_NCOLS);
}

/* Each row keeps the input it came from. */
static void test_table_sources(void **state)
{
    (void)state;
    cm_strpool *p = cm_strpool_new();
    cm_table *t = cm_table_new(&cm_areas_def, p);
    cm_cell cells[CM_TABLE_MAX_COLS];
    size_t dup;
    area_row(cells, p, "A", 2011, 1);
    assert_int_equal(cm_table_add_at(t, cells, "one.csv", 2, &dup), CM_OK);
    area_row(cells, p, "B", 2011, 1);
    assert_int_equal(cm_table_add_at(t, cells, "two.csv", 7, &dup), CM_OK);
    area_row(cells, p, "C", 2011, 1);
    assert_int_equal(cm_table_add_at(t, cells, "one.csv", 3, &dup), CM_OK);
    area_row(cells, p, "A", 2011, 1); /* a duplicate: not added, no input kept */
    assert_int_equal(cm_table_add_at(t, cells, "three.csv", 4, &dup), CM_OK);
    assert_int_equal(dup, 0);
    assert_string_equal(cm_table_source_name(t, 0), "one.csv");
    assert_string_equal(cm_table_source_name(t, 1), "two.csv");
    assert_string_equal(cm_table_source_name(t, 2), "one.csv");
    assert_int_equal(t->nsources, 2);
    assert_int_equal(t->line[1], 7);
    assert_null(cm_table_source_name(t, 3));
    cm_table_free(t);
    /* Rows of no named input. */
    t = cm_table_new(&cm_areas_def, p);
    area_row(cells, p, "A", 2011, 1);
    assert_int_equal(cm_table_add(t, cells, 2, &dup), CM_OK);
    assert_null(cm_table_source_name(t, 0));
    cm_table_free(t);
    cm_strpool_free(p);
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

/* The first row of each direction of a cell, by place; merged sums keep
   the first place that had rows. */
static void test_flows_places(void **state)
{
    (void)state;
    cm_flows *f = cm_flows_new();
    enum { A = 1, B = 2, C = 3 };
    assert_int_equal(cm_flows_source(f, "a.csv"), 0);
    assert_int_equal(cm_flows_source(f, "b.csv"), 1);
    assert_int_equal(cm_flows_source(f, "a.csv"), 0);
    assert_string_equal(cm_flows_source_name(f, 1), "b.csv");
    assert_string_equal(cm_flows_source_name(f, 2), "");
    cm_flows_place p1 = {5, 0}, p2 = {9, 1}, p3 = {2, 1};
    assert_int_equal(cm_flows_add_at(f, 2011, A, B, CM_KIND_INTERNAL, CM_SEX_FEMALE, 10, p1),
                     CM_FLOWS_ADDED);
    assert_int_equal(cm_flows_add_at(f, 2011, B, A, CM_KIND_INTERNAL, CM_SEX_FEMALE, 3, p2),
                     CM_FLOWS_ADDED);
    assert_int_equal(cm_flows_add_at(f, 2011, C, B, CM_KIND_INTERNAL, CM_SEX_FEMALE, 4, p3),
                     CM_FLOWS_ADDED);
    const cm_flow_cell *b = cm_flows_find(f, B, 2011, CM_KIND_INTERNAL, CM_SEX_FEMALE);
    assert_int_equal(b->in_line, 5); /* the first row, not the lowest line */
    assert_int_equal(b->in_source, 0);
    assert_int_equal(b->out_line, 9);
    assert_int_equal(b->out_source, 1);
    const cm_flow_cell *c = cm_flows_find(f, C, 2011, CM_KIND_INTERNAL, CM_SEX_FEMALE);
    assert_int_equal(c->in_line, 0); /* no inflow row */
    assert_int_equal(c->out_line, 2);

    /* Merging: the cell's place stays; a direction with no rows yet takes
       the first place of sums that have rows. */
    cm_flow_sums s = {1, 2, 1, 1, 0, 0, 40, 41, 1, 1};
    assert_int_equal(cm_flows_merge_sums(f, C, 2011, CM_KIND_INTERNAL, CM_SEX_FEMALE, &s), CM_OK);
    c = cm_flows_find(f, C, 2011, CM_KIND_INTERNAL, CM_SEX_FEMALE);
    assert_int_equal(c->in_line, 40);
    assert_int_equal(c->out_line, 2);
    assert_int_equal(c->inflow, 1);
    assert_int_equal(c->outflow, 6);
    cm_flow_sums none = {0, 0, 0, 0, 0, 0, 77, 78, 1, 1}; /* no rows: its places are not used */
    assert_int_equal(cm_flows_merge_sums(f, A, 2012, CM_KIND_INTERNAL, CM_SEX_TOTAL, &none), CM_OK);
    assert_int_equal(cm_flows_find(f, A, 2012, CM_KIND_INTERNAL, CM_SEX_TOTAL)->in_line, 0);
    /* Sorting keeps each cell's places with it. */
    cm_flows_sort(f);
    assert_int_equal(cm_flows_find(f, B, 2011, CM_KIND_INTERNAL, CM_SEX_FEMALE)->out_line, 9);
    /* cm_flows_add: no place. */
    assert_int_equal(cm_flows_add(f, 2013, A, B, CM_KIND_INTERNAL, CM_SEX_TOTAL, 1),
                     CM_FLOWS_ADDED);
    assert_int_equal(cm_flows_find(f, B, 2013, CM_KIND_INTERNAL, CM_SEX_TOTAL)->in_line, 0);
    cm_flows_free(f);
}

static void test_flows_interval(void **state)
{
    (void)state;
    cm_flows *f = cm_flows_new();
    cm_flows_place p = {3, 0}, q = {8, 0};
    assert_int_equal(cm_flows_interval(f, 2010, CM_KIND_INTERNAL), 1); /* unstated */
    assert_int_equal(cm_flows_interval_place(f, 2010, CM_KIND_INTERNAL).line, 0);
    assert_true(cm_flows_state_interval(f, 2010, CM_KIND_INTERNAL, 5, p));
    assert_true(cm_flows_state_interval(f, 2010, CM_KIND_INTERNAL, 5, q));
    assert_false(cm_flows_state_interval(f, 2010, CM_KIND_INTERNAL, 1, q));
    assert_int_equal(cm_flows_interval(f, 2010, CM_KIND_INTERNAL), 5);
    assert_int_equal(cm_flows_interval_place(f, 2010, CM_KIND_INTERNAL).line, 3);
    assert_int_equal(f->interval[2010 - CM_YEAR_MIN][CM_KIND_INTERNAL], 5);
    /* Per year and kind. */
    assert_int_equal(cm_flows_interval(f, 2010, CM_KIND_INTERNATIONAL), 1);
    assert_int_equal(f->interval[2010 - CM_YEAR_MIN][CM_KIND_INTERNATIONAL], 0);
    assert_int_equal(cm_flows_interval(f, 2011, CM_KIND_INTERNAL), 1);
    /* Out of range. */
    assert_false(cm_flows_state_interval(f, 2012, CM_KIND_INTERNAL, 0, p));
    assert_false(cm_flows_state_interval(f, 2012, CM_KIND_INTERNAL, 51, p));
    assert_true(cm_flows_state_interval(f, 2012, CM_KIND_INTERNAL, 50, p));
    assert_false(cm_flows_state_interval(f, 1799, CM_KIND_INTERNAL, 5, p));
    assert_int_equal(cm_flows_interval(f, 1799, CM_KIND_INTERNAL), 1);
    cm_flows_free(f);
}

/* Zones of a list: every year declared; the outside sums of internal rows;
   international rows and stayers add none. */
static void test_flows_zone_list(void **state)
{
    (void)state;
    cm_flows *f = cm_flows_new();
    enum { A = 1, B = 2, C = 3, D = 4, E = 5 };
    const uint32_t zones[] = {C, A, B, A}; /* any order, a repeat */
    assert_int_equal(cm_flows_declare_zone_list(f, zones, 4), CM_OK);
    assert_true(cm_flows_system_declared(f, 1800));
    assert_true(cm_flows_system_declared(f, 2200));
    assert_false(cm_flows_system_declared(f, 1799));
    const uint32_t *ids;
    assert_int_equal(cm_flows_zones(f, 2011, &ids), 3);
    assert_int_equal(ids[0], A);
    assert_int_equal(ids[1], B);
    assert_int_equal(ids[2], C);
    assert_true(cm_flows_is_zone(f, B, 1990));
    assert_false(cm_flows_is_zone(f, D, 1990));
    assert_string_equal(cm_flows_zone_rule(f, 2011), "the manifest's zones");

    cm_flows_place at = {2, 0};
    assert_int_equal(cm_flows_add_at(f, 2011, A, B, CM_KIND_INTERNAL, CM_SEX_TOTAL, 10, at),
                     CM_FLOWS_ADDED);
    assert_int_equal(cm_flows_add_at(f, 2011, D, B, CM_KIND_INTERNAL, CM_SEX_TOTAL, 3, at),
                     CM_FLOWS_ADDED);
    assert_int_equal(cm_flows_add_at(f, 2011, B, D, CM_KIND_INTERNAL, CM_SEX_TOTAL, 4, at),
                     CM_FLOWS_ADDED);
    assert_int_equal(cm_flows_add_at(f, 2011, D, B, CM_KIND_INTERNATIONAL, CM_SEX_TOTAL, 50, at),
                     CM_FLOWS_ADDED);
    assert_int_equal(cm_flows_add_at(f, 2011, E, E, CM_KIND_INTERNAL, CM_SEX_TOTAL, 9, at),
                     CM_FLOWS_STAYER);
    const cm_flow_cell *b = cm_flows_find(f, B, 2011, CM_KIND_INTERNAL, CM_SEX_TOTAL);
    assert_int_equal(b->inflow, 13);
    assert_int_equal(b->in_outside, 3);
    assert_int_equal(b->outflow, 4);
    assert_int_equal(b->out_outside, 4);
    const cm_flow_cell *d = cm_flows_find(f, D, 2011, CM_KIND_INTERNAL, CM_SEX_TOTAL);
    assert_int_equal(d->out_outside, 0); /* to B, a zone */
    assert_int_equal(d->in_outside, 0);  /* from B, a zone */
    assert_int_equal(cm_flows_find(f, A, 2011, CM_KIND_INTERNAL, CM_SEX_TOTAL)->out_outside, 0);
    assert_int_equal(cm_flows_find(f, B, 2011, CM_KIND_INTERNATIONAL, CM_SEX_TOTAL)->in_outside, 0);
    /* Named by rows: A, B (movers); not C. E is no zone. */
    assert_true(cm_flows_zone_named(f, A));
    assert_true(cm_flows_zone_named(f, B));
    assert_false(cm_flows_zone_named(f, C));
    assert_false(cm_flows_zone_named(f, E));
    assert_int_equal(cm_flows_add_at(f, 2011, C, C, CM_KIND_INTERNAL, CM_SEX_TOTAL, 1, at),
                     CM_FLOWS_STAYER);
    assert_true(cm_flows_zone_named(f, C)); /* a stayer names it too */

    cm_flows_free(f);

    /* The outside sums are parts of the sums: past 2^53, nothing is added. */
    f = cm_flows_new();
    assert_int_equal(cm_flows_declare_zone_list(f, zones, 4), CM_OK);
    int64_t max = INT64_C(9007199254740992);
    assert_int_equal(cm_flows_add_at(f, 2012, D, B, CM_KIND_INTERNAL, CM_SEX_TOTAL, max, at),
                     CM_FLOWS_ADDED);
    assert_int_equal(cm_flows_add_at(f, 2012, E, B, CM_KIND_INTERNAL, CM_SEX_TOTAL, 1, at),
                     CM_FLOWS_OVERFLOW);
    b = cm_flows_find(f, B, 2012, CM_KIND_INTERNAL, CM_SEX_TOTAL);
    assert_int_equal(b->in_outside, max);
    assert_int_equal(b->inflow, max);
    cm_flows_free(f);
}

static void level_row(cm_table *t, cm_strpool *p, const char *id, int32_t year, int level)
{
    cm_cell cells[CM_TABLE_MAX_COLS];
    size_t dup;
    area_row(cells, p, id, year, 1);
    cells[CM_AREAS_LEVEL].v.code = (uint8_t)level;
    if (level < 0)
        cells[CM_AREAS_LEVEL].present = false; /* read as the default, city */
    assert_int_equal(cm_table_add(t, cells, 2, &dup), CM_OK);
    assert_int_equal(dup, SIZE_MAX);
}

/* Zones from areas: a level, or each year's finest. */
static void test_flows_zone_level(void **state)
{
    (void)state;
    cm_strpool *p = cm_strpool_new();
    cm_table *areas = cm_table_new(&cm_areas_def, p);
    level_row(areas, p, "GB", 2011, CM_LEVEL_COUNTRY);
    level_row(areas, p, "LND", 2011, CM_LEVEL_CITY);
    level_row(areas, p, "MAN", 2011, -1);
    level_row(areas, p, "GB", 2012, CM_LEVEL_COUNTRY);
    level_row(areas, p, "CAM", 2012, CM_LEVEL_DISTRICT);
    level_row(areas, p, "LND", 2012, CM_LEVEL_CITY);
    level_row(areas, p, "EU", 2013, CM_LEVEL_REGION);
    uint32_t gb = cm_strpool_find(p, "GB", 2), lnd = cm_strpool_find(p, "LND", 3);
    uint32_t man = cm_strpool_find(p, "MAN", 3), cam = cm_strpool_find(p, "CAM", 3);
    const uint32_t *ids;

    /* The finest level of each year. */
    cm_flows *f = cm_flows_new();
    assert_int_equal(cm_flows_declare_zone_level(f, areas, -1, false), CM_OK);
    assert_int_equal(cm_flows_zones(f, 2011, &ids), 2);
    assert_int_equal(ids[0], lnd);
    assert_int_equal(ids[1], man);
    assert_string_equal(cm_flows_zone_rule(f, 2011), "areas.csv, level city");
    assert_int_equal(cm_flows_zones(f, 2012, &ids), 1);
    assert_int_equal(ids[0], cam);
    assert_string_equal(cm_flows_zone_rule(f, 2012), "areas.csv, level district");
    assert_true(cm_flows_is_zone(f, lnd, 2011));
    assert_false(cm_flows_is_zone(f, lnd, 2012));
    assert_false(cm_flows_is_zone(f, gb, 2011));
    assert_string_equal(cm_flows_zone_rule(f, 2013), "areas.csv, level region");
    assert_false(cm_flows_system_declared(f, 2014)); /* no areas that year */
    assert_int_equal(cm_flows_zones(f, 2014, &ids), 0);
    assert_null(ids);
    assert_string_equal(cm_flows_zone_rule(f, 2014), "no zones declared");
    /* Nothing is named for zones that are not a list. */
    assert_int_equal(cm_flows_add(f, 2011, lnd, man, CM_KIND_INTERNAL, CM_SEX_TOTAL, 1),
                     CM_FLOWS_ADDED);
    assert_false(cm_flows_zone_named(f, lnd));
    assert_int_equal(cm_flows_find(f, man, 2011, CM_KIND_INTERNAL, CM_SEX_TOTAL)->in_outside, 0);
    assert_int_equal(cm_flows_add(f, 2011, gb, man, CM_KIND_INTERNAL, CM_SEX_TOTAL, 2),
                     CM_FLOWS_ADDED);
    assert_int_equal(cm_flows_find(f, man, 2011, CM_KIND_INTERNAL, CM_SEX_TOTAL)->in_outside, 2);
    cm_flows_free(f);

    /* A level asked for: years with no area of it have no system. */
    f = cm_flows_new();
    assert_int_equal(cm_flows_declare_zone_level(f, areas, CM_LEVEL_COUNTRY, true), CM_OK);
    assert_int_equal(cm_flows_zones(f, 2011, &ids), 1);
    assert_int_equal(ids[0], gb);
    assert_true(cm_flows_is_zone(f, gb, 2012));
    assert_false(cm_flows_system_declared(f, 2013));
    assert_string_equal(cm_flows_zone_rule(f, 2012), "areas.csv, level country (zone_level)");
    cm_flows_free(f);

    /* No areas: no system at all. */
    f = cm_flows_new();
    cm_table *none = cm_table_new(&cm_areas_def, p);
    assert_int_equal(cm_flows_declare_zone_level(f, none, -1, false), CM_OK);
    assert_false(cm_flows_system_declared(f, 2011));
    assert_int_equal(cm_flows_add(f, 2011, gb, man, CM_KIND_INTERNAL, CM_SEX_TOTAL, 2),
                     CM_FLOWS_ADDED);
    assert_int_equal(cm_flows_find(f, man, 2011, CM_KIND_INTERNAL, CM_SEX_TOTAL)->in_outside, 0);
    cm_flows_free(f);
    cm_table_free(none);
    cm_table_free(areas);
    cm_strpool_free(p);
}

int main(void)
{
    /* The library must not depend on the locale: the suite also runs under
       LC_ALL=de_DE.UTF-8 (decimal comma). */
    setlocale(LC_ALL, "");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strpool),         cmocka_unit_test(test_table_keys),
        cmocka_unit_test(test_table_runs),      cmocka_unit_test(test_table_lazy_column),
        cmocka_unit_test(test_enums),           cmocka_unit_test(test_schema_columns),
        cmocka_unit_test(test_table_sources),   cmocka_unit_test(test_flows),
        cmocka_unit_test(test_flows_places),    cmocka_unit_test(test_flows_interval),
        cmocka_unit_test(test_flows_zone_list), cmocka_unit_test(test_flows_zone_level),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
