/*
 * test_xlsx.c - the workbook writer's limits and checks: sheets split into
 * numbered parts past the row limit (set low here; Excel's is 1,048,576),
 * and the read-back check that refuses a damaged file.
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
#include <unzip.h>

#include <cmocka.h>

#include "citymig/xlsx.h"

#ifndef CITYMIG_SOURCE_DIR
#error "CITYMIG_SOURCE_DIR must name the project's root"
#endif

/* The text of one part of a zip file (free it), or NULL. */
static char *read_part(const char *zip, const char *part)
{
    unzFile zf = unzOpen(zip);
    if (!zf)
        return NULL;
    char *text = NULL;
    if (unzLocateFile(zf, part, 1) == UNZ_OK && unzOpenCurrentFile(zf) == UNZ_OK) {
        size_t cap = 1 << 20, len = 0;
        text = malloc(cap);
        int n;
        while (text && (n = unzReadCurrentFile(zf, text + len, (unsigned)(cap - len - 1))) > 0)
            len += (size_t)n;
        if (text)
            text[len] = '\0';
        unzCloseCurrentFile(zf);
    }
    unzClose(zf);
    return text;
}

static void count_of(const char *text, const char *needle, size_t *n)
{
    *n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p++)
        (*n)++;
}

static void test_parts(void **state)
{
    (void)state;
    cm_diag diag;
    cm_diag_init(&diag, NULL, NULL, 0);
    cm_load_options lo = {0};
    cm_dataset *ds = NULL;
    assert_int_equal(cm_dataset_load(CITYMIG_SOURCE_DIR "/tests/data/small", &lo, &diag, &ds),
                     CM_OK);
    cm_results res;
    cm_indicator_options io = {0};
    assert_int_equal(cm_indicators_compute(ds, &io, &res), CM_OK);
    cm_rules rules;
    assert_int_equal(cm_rules_load_default(&diag, &rules), CM_OK);
    cm_hit *hits;
    size_t nhits;
    assert_int_equal(cm_rules_apply(&rules, &res, &hits, &nhits), CM_OK);

    char dir[] = "/tmp/cm-xlsx-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/parts.xlsx", dir);
    /* Three rows a part: a header and two data rows. */
    cm_report_info info = {
        .dataset = "small", .created = 1700000000, .reproducible = 1, .max_rows = 3};
    assert_int_equal(cm_xlsx_write(path, ds, &res, &rules, hits, nhits, &info, &diag), CM_OK);
    char why[160];
    assert_int_equal(cm_xlsx_verify(path, why, sizeof why), 0);

    /* Areas has 5 rows: parts "Areas", "Areas (2)", "Areas (3)", in order,
       before Flows. */
    char *wb = read_part(path, "xl/workbook.xml");
    assert_non_null(wb);
    const char *a1 = strstr(wb, "name=\"Areas\""), *a2 = strstr(wb, "name=\"Areas (2)\"");
    const char *a3 = strstr(wb, "name=\"Areas (3)\""), *f1 = strstr(wb, "name=\"Flows\"");
    assert_non_null(a1);
    assert_non_null(a2);
    assert_non_null(a3);
    assert_null(strstr(wb, "name=\"Areas (4)\""));
    assert_non_null(f1);
    assert_true(a1 < a2 && a2 < a3 && a3 < f1);
    free(wb);
    /* Every part starts with the header and holds at most three rows. */
    char *sheet3 = read_part(path, "xl/worksheets/sheet3.xml"); /* Areas (2) */
    assert_non_null(sheet3);
    assert_non_null(strstr(sheet3, "<t>area_id</t>"));
    size_t rows;
    count_of(sheet3, "<row ", &rows);
    assert_int_equal(rows, 3);
    assert_non_null(strstr(sheet3, "<pane ySplit=\"1\""));
    assert_non_null(strstr(sheet3, "<autoFilter ref=\"A1:"));
    free(sheet3);

    /* The cells of every sheet are counted back (the sheets are shared out
       over two threads): one cell short in any sheet is caught and named,
       the first in archive order when several are. */
    uint64_t want[32] = {0};
    size_t nsheets = 1;
    for (; nsheets < 32; nsheets++) {
        char part[64];
        snprintf(part, sizeof part, "xl/worksheets/sheet%zu.xml", nsheets);
        char *xml = read_part(path, part);
        if (!xml)
            break;
        size_t c;
        count_of(xml, "<c r=", &c);
        want[nsheets] = c;
        free(xml);
    }
    assert_true(nsheets > 4);
    assert_int_equal(cm_xlsx_verify_cells(path, want, nsheets, why, sizeof why), 0);
    for (size_t k = 1; k < nsheets; k++) {
        want[k]++;
        assert_int_equal(cm_xlsx_verify_cells(path, want, nsheets, why, sizeof why), -1);
        char named[64];
        snprintf(named, sizeof named, "sheet%zu.xml holds", k);
        assert_non_null(strstr(why, named));
        want[k]--;
    }
    want[2]++;
    want[nsheets - 1]++;
    assert_int_equal(cm_xlsx_verify_cells(path, want, nsheets, why, sizeof why), -1);
    assert_non_null(strstr(why, "sheet2.xml holds"));
    want[2]--;
    want[nsheets - 1]--;

    /* A damaged file is refused: cut it short. */
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    fclose(f);
    assert_int_equal(truncate(path, size / 2), 0);
    assert_int_equal(cm_xlsx_verify(path, why, sizeof why), -1);
    unlink(path);
    rmdir(dir);

    free(hits);
    cm_rules_free(&rules);
    cm_results_free(&res);
    cm_dataset_free(ds);
}

int main(void)
{
    /* The library must not depend on the locale: the suite also runs under
       LC_ALL=de_DE.UTF-8 (decimal comma). */
    setlocale(LC_ALL, "");
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_parts)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
