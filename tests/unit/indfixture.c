/*
 * indfixture.c - see indfixture.h.
 */
#include "indfixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

bool fixture_pairs = false;
int fixture_partners = 0;

static void make_dir(fixture *fx);
static void compute(fixture *fx, const char *path, int64_t min_count, bool keep_going);

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[300];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* Loads the tables given (NULL: absent) and computes with min_count. */
void load(fixture *fx, const char *areas, const char *stocks, const char *flows,
          const char *services, int64_t min_count, bool keep_going)
{
    memset(fx, 0, sizeof *fx);
    make_dir(fx);
    if (areas)
        write_file(fx->dir, "areas.csv", areas);
    if (stocks)
        write_file(fx->dir, "stocks.csv", stocks);
    if (flows)
        write_file(fx->dir, "flows.csv", flows);
    if (services)
        write_file(fx->dir, "services.csv", services);
    compute(fx, fx->dir, min_count, keep_going);
}

static void make_dir(fixture *fx)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(fx->dir, sizeof fx->dir, "%s/cm-ind-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(fx->dir));
}

static void compute(fixture *fx, const char *path, int64_t min_count, bool keep_going)
{
    cm_diag diag;
    cm_diag_init(&diag, NULL, NULL, 0);
    cm_load_options lo = {0};
    lo.keep_going = keep_going;
    lo.pairs = fixture_pairs;
    assert_int_equal(cm_dataset_load(path, &lo, &diag, &fx->ds), CM_OK);
    cm_indicator_options io = {min_count, 0, 0, fixture_partners, fixture_pairs};
    assert_int_equal(cm_indicators_compute(fx->ds, &io, &fx->results), CM_OK);
}

void load_files(fixture *fx, const char *const *files, int64_t min_count)
{
    memset(fx, 0, sizeof *fx);
    make_dir(fx);
    for (size_t i = 0; files[i]; i += 2) {
        assert_true(fx->nnames < sizeof fx->names / sizeof fx->names[0]);
        snprintf(fx->names[fx->nnames++], sizeof fx->names[0], "%s", files[i]);
        write_file(fx->dir, files[i], files[i + 1]);
    }
    char path[320];
    snprintf(path, sizeof path, "%s/%s", fx->dir, files[0]);
    compute(fx, path, min_count, false);
}

void unload(fixture *fx)
{
    for (size_t i = 0; i < fx->nnames; i++) {
        char p[330];
        snprintf(p, sizeof p, "%s/%s", fx->dir, fx->names[i]);
        unlink(p);
    }
    static const char *const files[] = {"areas.csv", "stocks.csv", "flows.csv", "services.csv"};
    char path[300];
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", fx->dir, files[i]);
        unlink(path);
    }
    rmdir(fx->dir);
    cm_results_free(&fx->results);
    cm_dataset_free(fx->ds);
}

/* The result for a subject; fails the test when there is none. */
const cm_result *get(const fixture *fx, const char *area, int32_t year, int32_t base, int kind,
                     const char *service, const char *indicator)
{
    int ind = cm_indicator_find(indicator);
    assert_true(ind >= 0);
    for (size_t i = 0; i < fx->results.count; i++) {
        const cm_result *r = &fx->results.items[i];
        if (r->indicator == ind && strcmp(cm_strpool_str(fx->ds->pool, r->area), area) == 0 &&
            r->year == year && r->base_year == base && r->kind == kind &&
            strcmp(cm_strpool_str(fx->ds->pool, r->service), service) == 0)
            return r;
    }
    print_error("no result for %s %d %s\n", area, year, indicator);
    fail();
    return NULL;
}

const cm_result *get_area(const fixture *fx, const char *area, int32_t year, const char *indicator)
{
    return get(fx, area, year, 0, CM_KIND_NONE, "", indicator);
}

bool has(const fixture *fx, const char *area, int32_t year, int kind, const char *indicator)
{
    int ind = cm_indicator_find(indicator);
    for (size_t i = 0; i < fx->results.count; i++) {
        const cm_result *r = &fx->results.items[i];
        if (r->indicator == ind && strcmp(cm_strpool_str(fx->ds->pool, r->area), area) == 0 &&
            r->year == year && r->kind == kind)
            return true;
    }
    return false;
}

void expect(const cm_result *r, cm_flag flag, double value)
{
    if (r->flag != flag)
        print_error("flag %s, expected %s\n", cm_flag_str((cm_flag)r->flag), cm_flag_str(flag));
    assert_int_equal(r->flag, flag);
    if (flag == CM_FLAG_OK || flag == CM_FLAG_PUBLISHED) {
        double tol = 1e-12 * (value < 0 ? -value : value) + 1e-12;
        if (r->value - value > tol || value - r->value > tol)
            print_error("value %.17g, expected %.17g\n", r->value, value);
        assert_true(r->value - value <= tol && value - r->value <= tol);
    } else {
        assert_true(r->value == 0); /* empty, never a stale number */
    }
}

const char *why(const fixture *fx, const cm_result *r)
{
    return cm_strpool_str(fx->ds->pool, r->reason);
}
