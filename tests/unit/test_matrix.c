/*
 * test_matrix.c - the Matrix sheet of the report model (--matrix): the
 * moves between zones, origin by destination, worked out by hand; its
 * "other zones" line past the cap; and its disclosure control over random
 * matrices: no row or column keeps one suppressed cell alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "citymig/report.h"
#include "citymig/rules.h"

#include "indfixture.h"

typedef struct grid {
    size_t rows, cols;
    char cell[128][128][24]; /* as text: "", "s", "m" or the number */
    char origin[128][24];
    char to[128][64];
} grid;

/* The Matrix sheet of the report of fx, as text; false when there is none. */
static bool matrix_of(fixture *fx, int64_t min_count, grid *g)
{
    cm_diag diag;
    cm_diag_init(&diag, NULL, NULL, 0);
    cm_rules rules;
    assert_int_equal(cm_rules_load_default(&diag, &rules), CM_OK);
    cm_report_info info = {.dataset = "m", .created = 1700000000, .reproducible = 1};
    info.min_count = min_count;
    info.matrix = true;
    cm_report *model;
    assert_int_equal(cm_report_build(fx->ds, &fx->results, &rules, NULL, 0, &info, &diag, &model),
                     CM_OK);
    bool found = false;
    for (size_t i = 0; i < model->nsheets; i++) {
        cm_rsheet *s = &model->sheets[i];
        if (strcmp(s->name, "Matrix") != 0)
            continue;
        found = true;
        assert_true(s->ncols <= 130);
        memset(g, 0, sizeof *g);
        g->cols = s->ncols - 2;
        for (size_t c = 0; c < g->cols; c++)
            snprintf(g->to[c], sizeof g->to[c], "%s", s->cols[c + 2].label);
        cm_rcell cells[130];
        while (s->rows(s, s->cursor, cells)) {
            assert_true(g->rows < 128);
            snprintf(g->origin[g->rows], sizeof g->origin[0], "%s", cells[0].text);
            for (size_t c = 0; c < g->cols; c++) {
                const cm_rcell *x = &cells[c + 2];
                if (x->kind == CM_RCELL_NUMBER)
                    snprintf(g->cell[g->rows][c], sizeof g->cell[0][0], "%.0f", x->num);
                else if (x->kind == CM_RCELL_TEXT)
                    snprintf(g->cell[g->rows][c], sizeof g->cell[0][0], "%s", x->text);
            }
            g->rows++;
        }
    }
    cm_report_free(model);
    cm_rules_free(&rules);
    return found;
}

static const char areas3[] = "area_id,level,year,population\n"
                             "A,city,2015,1000\nB,city,2015,2000\nC,city,2015,3000\n";
static const char flows3[] = "year,origin,destination,kind,count\n"
                             "2015,A,B,internal,10\n2015,A,C,internal,30\n"
                             "2015,B,A,internal,20\n2015,C,B,internal,40\n"
                             "2015,X,A,internal,5\n";

static void test_by_hand(void **state)
{
    (void)state;
    fixture fx;
    grid *g = calloc(1, sizeof *g);
    assert_non_null(g);
    fixture_pairs = true;
    load(&fx, areas3, NULL, flows3, NULL, 0, false);
    /* Moves between zones, in and out: A 40 + 20, B 50 + 20, C 30 + 40;
       so B, C (ties in the order of the ids), then A. X is not a zone. */
    assert_true(matrix_of(&fx, 0, g));
    assert_int_equal(g->rows, 3);
    assert_int_equal(g->cols, 3);
    assert_string_equal(g->origin[0], "B");
    assert_string_equal(g->origin[1], "C");
    assert_string_equal(g->origin[2], "A");
    assert_string_equal(g->to[0], "To B (people)");
    static const char *const want[3][3] = {{"", "0", "20"}, {"40", "", "0"}, {"10", "30", ""}};
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++)
            assert_string_equal(g->cell[r][c], want[r][c]);

    /* --min-count 15: A to B (10) is small. Row A then has it alone, and
       A to C goes with it; column B, C to B; column C has a 0 beside it,
       which goes too (30 - 0 would give A to C), and so on: with three
       zones, every cell is suppressed. */
    assert_true(matrix_of(&fx, 15, g));
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++)
            assert_string_equal(g->cell[r][c], r == c ? "" : "s");
    unload(&fx);

    /* A zone with no flows one way: its column (row) is missing, not 0. */
    load(&fx, areas3, NULL,
         "year,origin,destination,kind,count\n2015,A,B,internal,10\n2015,B,A,internal,30\n"
         "2015,C,A,internal,5\n",
         NULL, 0, false);
    assert_true(matrix_of(&fx, 0, g));
    /* A: 40 + 5, B: 40, C: 5. Rows A, B, C; C receives nothing. */
    assert_string_equal(g->origin[0], "A");
    assert_string_equal(g->cell[0][1], "10");
    assert_string_equal(g->cell[0][2], "m");
    assert_string_equal(g->cell[2][0], "5");
    assert_string_equal(g->cell[2][2], "");
    unload(&fx);

    /* Without --matrix's pairs: no sheet. */
    fixture_pairs = false;
    load(&fx, areas3, NULL, flows3, NULL, 0, false);
    assert_false(matrix_of(&fx, 0, g));
    unload(&fx);
    free(g);
}

/* 103 zones, zone i sending i + 1 to zone i + 1 (the last to the first):
   zone i moves i + (i + 1) (Z000: 1 + 103), so the 100 with the most moves
   have their lines and the other 3 (Z001, Z002, Z003: 3, 5, 7) are one
   line; every move is in some cell. */
static void test_other(void **state)
{
    (void)state;
    grid *g = calloc(1, sizeof *g);
    assert_non_null(g);
    char *areas = malloc(8192), *flows = malloc(8192);
    assert_true(areas && flows);
    size_t ao = (size_t)snprintf(areas, 8192, "area_id,year,population\n");
    size_t fo = (size_t)snprintf(flows, 8192, "year,origin,destination,kind,count\n");
    long total = 0;
    for (int i = 0; i < 103; i++) {
        ao += (size_t)snprintf(areas + ao, 8192 - ao, "Z%03d,2015,100\n", i);
        fo += (size_t)snprintf(flows + fo, 8192 - fo, "2015,Z%03d,Z%03d,internal,%d\n", i,
                               (i + 1) % 103, i + 1);
        total += i + 1;
    }
    fixture fx;
    fixture_pairs = true;
    load(&fx, areas, NULL, flows, NULL, 0, false);
    assert_true(matrix_of(&fx, 0, g));
    assert_int_equal(g->rows, 101);
    assert_int_equal(g->cols, 101);
    assert_string_equal(g->origin[100], "other");
    assert_string_equal(g->to[100], "To other zones (people)");
    /* Z102 sends 103 to Z000 and receives 102 from Z101: the largest. */
    assert_string_equal(g->origin[0], "Z102");
    long sum = 0;
    for (size_t r = 0; r < g->rows; r++)
        for (size_t c = 0; c < g->cols; c++)
            sum += strtol(g->cell[r][c], NULL, 10);
    assert_int_equal(sum, total);
    /* Among the others, Z001 to Z002 (2) and Z002 to Z003 (3): 5; Z000
       sends 1 to them, and Z003 4 to Z004. */
    assert_string_equal(g->cell[100][100], "5");
    unload(&fx);
    fixture_pairs = false;
    free(areas);
    free(flows);
    free(g);
}

/* Random matrices under --min-count: no row or column has exactly one
   suppressed cell while it shows another cell (a number) to hide it with;
   and nothing the Flows and Partners figures hide is shown. */
static void test_protected(void **state)
{
    (void)state;
    grid *g = calloc(1, sizeof *g);
    assert_non_null(g);
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    fixture_pairs = true;
    for (int round = 0; round < 20; round++) {
        int n = 3 + round % 8;
        char areas[2048], flows[16384];
        size_t ao = (size_t)snprintf(areas, sizeof areas, "area_id,year,population\n");
        size_t fo = (size_t)snprintf(flows, sizeof flows, "year,origin,destination,kind,count\n");
        for (int i = 0; i < n; i++) {
            ao += (size_t)snprintf(areas + ao, sizeof areas - ao, "Z%d,2015,100\n", i);
            for (int j = 0; j < n; j++) {
                if (i == j)
                    continue;
                seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
                fo += (size_t)snprintf(flows + fo, sizeof flows - fo, "2015,Z%d,Z%d,internal,%u\n",
                                       i, j, (unsigned)(seed >> 40) % 60);
            }
        }
        fixture fx;
        load(&fx, areas, NULL, flows, NULL, 20, false);
        assert_true(matrix_of(&fx, 20, g));
        /* What the other sheets hide stays hidden: the column (row) of a
           zone whose inflow (outflow) is suppressed, and a pair whose net
           exchange is. */
        for (size_t a = 0; a < g->rows; a++) {
            const char *zone = g->origin[a];
            if (get(&fx, zone, 2015, 0, CM_KIND_INTERNAL, "", "outflow")->flag ==
                CM_FLAG_SUPPRESSED)
                for (size_t b = 0; b < g->cols; b++)
                    assert_false(*g->cell[a][b] >= '0' && *g->cell[a][b] <= '9');
            if (get(&fx, zone, 2015, 0, CM_KIND_INTERNAL, "", "inflow")->flag == CM_FLAG_SUPPRESSED)
                for (size_t b = 0; b < g->rows; b++)
                    assert_false(*g->cell[b][a] >= '0' && *g->cell[b][a] <= '9');
        }
        int ne = cm_indicator_find("net_exchange");
        size_t hidden = 0;
        for (size_t i = 0; i < fx.results.count; i++) {
            const cm_result *q = &fx.results.items[i];
            if (q->indicator != ne || q->flag != CM_FLAG_SUPPRESSED)
                continue;
            const char *area = cm_strpool_str(fx.ds->pool, q->area);
            const char *who = cm_strpool_str(fx.ds->pool, q->origin);
            size_t ra = SIZE_MAX, rw = SIZE_MAX;
            for (size_t a = 0; a < g->rows; a++) {
                ra = strcmp(g->origin[a], area) == 0 ? a : ra;
                rw = strcmp(g->origin[a], who) == 0 ? a : rw;
            }
            assert_true(ra != SIZE_MAX && rw != SIZE_MAX);
            /* Rows and columns are in the same order: the zones by moves. */
            assert_false(*g->cell[rw][ra] >= '0' && *g->cell[rw][ra] <= '9');
            assert_false(*g->cell[ra][rw] >= '0' && *g->cell[ra][rw] <= '9');
            hidden++;
        }
        assert_true(hidden > 0);
        for (int line = 0; line < 2; line++)
            for (size_t a = 0; a < g->rows; a++) {
                size_t sup = 0, shown = 0;
                for (size_t b = 0; b < g->cols; b++) {
                    const char *t = line ? g->cell[b][a] : g->cell[a][b];
                    sup += strcmp(t, "s") == 0;
                    shown += *t >= '0' && *t <= '9';
                }
                if (sup == 1)
                    assert_int_equal(shown, 0);
            }
        unload(&fx);
    }
    fixture_pairs = false;
    free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_by_hand),
        cmocka_unit_test(test_other),
        cmocka_unit_test(test_protected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
