/*
 * test_xlsx.c - the workbook writer's limits and checks: sheets split into
 * numbered parts past the row limit (set low here; Excel's is 1,048,576),
 * the read-back check that refuses a damaged file or a malformed XML part,
 * and the text escaping and cutting every string goes through.
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
#include <zip.h>

#include <cmocka.h>
#include <expat.h>

#include "citymig/check.h"
#include "citymig/utf8.h"
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
    /* Seven rows a part: the five of its head and two data rows. */
    cm_report_info info = {
        .dataset = "small", .created = 1700000000, .reproducible = 1, .max_rows = 7};
    cm_report *model;
    assert_int_equal(cm_report_build(ds, &res, &rules, hits, nhits, &info, &diag, &model), CM_OK);
    assert_int_equal(cm_xlsx_write(path, model, &diag), CM_OK);
    cm_report_free(model);
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
    /* Every part starts with its head (title, about, source, labels, ids)
       and holds at most two data rows; the panes are frozen below the ids
       and right of the key columns, the filter is on the ids row. Sheets
       1 to 3 are the Cover, Contents and Notes: sheet 5 is Areas (2). */
    char *sheet5 = read_part(path, "xl/worksheets/sheet5.xml");
    assert_non_null(sheet5);
    assert_non_null(strstr(sheet5, "<t>area_id</t>"));
    assert_non_null(strstr(sheet5, "(continued, part 2)</t>"));
    size_t rows;
    count_of(sheet5, "<row ", &rows);
    assert_int_equal(rows, 7);
    assert_non_null(strstr(sheet5, "<pane xSplit=\"3\" ySplit=\"5\""));
    assert_non_null(strstr(sheet5, "<autoFilter ref=\"A5:"));
    assert_non_null(strstr(sheet5, "orientation=\"landscape\""));
    assert_non_null(strstr(sheet5, "<oddFooter>"));
    free(sheet5);

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

/* cm_ooxml_escape of s, whole (max units unlimited), into a static buffer. */
static const char *escaped(const char *s)
{
    static char out[1024];
    size_t used;
    cm_ooxml_escape(s, strlen(s), out, (size_t)-1, &used);
    assert_int_equal(used, strlen(s));
    return out;
}

static void test_ooxml_escape(void **state)
{
    (void)state;
    /* Nothing to do for ordinary text, TAB and LF included. */
    const char *plain = "Costa, la \t\n_x_ \xc3\xa9";
    assert_false(cm_ooxml_needs_escape(plain, strlen(plain)));
    assert_string_equal(escaped("Costa, la"), "Costa, la");
    /* C0 controls (and CR) as _xHHHH_, as Excel writes them. */
    assert_true(cm_ooxml_needs_escape("a\x01", 2));
    assert_string_equal(escaped("a\x01\x0b\x1f\rb"), "a_x0001__x000B__x001F__x000D_b");
    assert_string_equal(escaped("\t\n"), "\t\n");
    /* U+FFFE and U+FFFF: valid UTF-8, forbidden in XML. */
    assert_true(cm_ooxml_needs_escape("\xef\xbf\xbe", 3));
    assert_string_equal(escaped("x\xef\xbf\xbey\xef\xbf\xbf"), "x_xFFFE_y_xFFFF_");
    assert_string_equal(escaped("\xef\xbf\xbd"), "\xef\xbf\xbd"); /* U+FFFD is allowed */
    /* A literal escape keeps its text: its underscore is escaped. */
    assert_true(cm_ooxml_needs_escape("_x0041_", 7));
    assert_string_equal(escaped("_x0041_"), "_x005F_x0041_");
    /* Each underscore that could begin an escape, as a reader decodes from
       the left: "a_x00FF_x0041_" reads back as written. */
    assert_string_equal(escaped("a_x00FF_x0041_"), "a_x005F_x00FF_x005F_x0041_");
    assert_string_equal(escaped("_x004_ _xZZZZ_ _X0041_"), "_x004_ _xZZZZ_ _X0041_");
    /* Bytes that are not UTF-8: U+FFFD each. */
    assert_true(cm_ooxml_needs_escape("\xff", 1));
    assert_string_equal(escaped("a\xff"
                                "b"),
                        "a\xef\xbf\xbd"
                        "b");
    assert_string_equal(escaped("\xe2\x82"), "\xef\xbf\xbd\xef\xbf\xbd");
    assert_string_equal(escaped("\xed\xa0\x80"),
                        "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* a surrogate */

    /* Cut in UTF-16 units, never inside a surrogate pair or an escape. */
    assert_int_equal(cm_utf16_length("\xf0\x9f\x98\x80"
                                     "a\xc3\xa9",
                                     7),
                     4);
    size_t n = 40000, len = 4 * n;
    char *emoji = malloc(len + 1), *out = malloc(CM_OOXML_ESCAPE_GROWTH * len + 1);
    assert_non_null(emoji);
    assert_non_null(out);
    for (size_t i = 0; i < n; i++)
        memcpy(emoji + 4 * i, "\xf0\x9f\x98\x80", 4);
    emoji[len] = '\0';
    size_t used, olen = cm_ooxml_escape(emoji, len, out, 32767, &used);
    assert_int_equal(used, 4 * 16383);
    assert_int_equal(olen, used);
    assert_int_equal(cm_utf16_length(out, olen), 32766); /* the last pair would not fit */
    assert_true(cm_utf8_valid(out, olen));
    free(emoji);
    free(out);
    char small[64];
    olen = cm_ooxml_escape("ab\x01", 3, small, 8, &used);
    assert_string_equal(small, "ab");
    assert_int_equal(used, 2);
    olen = cm_ooxml_escape("ab\x01", 3, small, 9, &used);
    assert_string_equal(small, "ab_x0001_");
    assert_int_equal(used, 3);
    (void)olen;
}

/* A zip of the given parts (name, text pairs, NULL-ended) at path. */
static void make_zip(const char *path, const char *const *parts)
{
    zipFile z = zipOpen(path, APPEND_STATUS_CREATE);
    assert_non_null(z);
    for (size_t i = 0; parts[i]; i += 2) {
        assert_int_equal(zipOpenNewFileInZip(z, parts[i], NULL, NULL, 0, NULL, 0, NULL, Z_DEFLATED,
                                             Z_DEFAULT_COMPRESSION),
                         ZIP_OK);
        assert_int_equal(zipWriteInFileInZip(z, parts[i + 1], (unsigned)strlen(parts[i + 1])),
                         ZIP_OK);
        assert_int_equal(zipCloseFileInZip(z), ZIP_OK);
    }
    assert_int_equal(zipClose(z, NULL), ZIP_OK);
}

static void test_verify_parses_xml(void **state)
{
    (void)state;
    char dir[] = "/tmp/cm-xlsx-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64], why[320];
    snprintf(path, sizeof path, "%s/x.xlsx", dir);
    static const char head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    /* Each bad text of a shared string, and where expat stops. */
    static const char *const bad[][2] = {
        {"<sst><si><t>a\x01b</t></si></sst>", "line 2, column 14"},
        {"<sst><si><t>a\xef\xbf\xbe</t></si></sst>", "line 2, column 14"},
        {"<sst><si><t>a&#1;</t></si></sst>", "line 2, column 14"},
        {"<sst><si><t>a\xff</t></si></sst>", "line 2, column 14"},
        {"<sst><si><t>a</si></sst>", "line 2, column 16: mismatched tag"},
    };
    char text[256];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, "%s%s", head, bad[i][0]);
        const char *const parts[] = {"[Content_Types].xml",
                                     "<Types></Types>",
                                     "xl/workbook.xml",
                                     "<workbook></workbook>",
                                     "xl/sharedStrings.xml",
                                     text,
                                     NULL};
        make_zip(path, parts);
        int got = cm_xlsx_verify(path, why, sizeof why);
        if (got != -2)
            fail_msg("case %zu: %d, %s", i, got, why);
        assert_non_null(strstr(why, "part xl/sharedStrings.xml is not well-formed XML at"));
        if (!strstr(why, bad[i][1]))
            fail_msg("case %zu: %s", i, why);
        unlink(path);
    }
    /* The same text escaped is well-formed. */
    snprintf(text, sizeof text, "%s<sst><si><t>a_x0001_b _xFFFE_ \xef\xbf\xbd</t></si></sst>",
             head);
    const char *const good[] = {"[Content_Types].xml",
                                "<Types></Types>",
                                "xl/workbook.xml",
                                "<workbook></workbook>",
                                "xl/sharedStrings.xml",
                                text,
                                NULL};
    make_zip(path, good);
    assert_int_equal(cm_xlsx_verify(path, why, sizeof why), 0);
    /* Cut short stays a damaged file (-1), not a malformed one. */
    snprintf(text, sizeof text, "%s<sst><si><t>a</t></si>", head);
    make_zip(path, good);
    assert_int_equal(cm_xlsx_verify(path, why, sizeof why), -1);
    assert_non_null(strstr(why, "is cut short"));
    unlink(path);
    rmdir(dir);
}

/* expat's verdict on a buffer: NULL when well-formed, else the error. */
static const char *xml_error(const char *text, size_t len)
{
    XML_Parser p = XML_ParserCreate(NULL);
    assert_non_null(p);
    const char *why = XML_Parse(p, text, (int)len, 1) == XML_STATUS_ERROR
                          ? XML_ErrorString(XML_GetErrorCode(p))
                          : NULL;
    XML_ParserFree(p);
    return why;
}

/* Areas rows given straight to the loader: text the CSV reader would
   refuse (characters XML forbids, a byte that is not UTF-8) still reaches
   the writers, which must escape it. */
static cm_dataset *hostile_dataset(void)
{
    cm_diag diag;
    cm_diag_init(&diag, NULL, NULL, 0);
    cm_dataset *ds = calloc(1, sizeof *ds);
    assert_non_null(ds);
    ds->pool = cm_strpool_new();
    ds->areas = cm_table_new(&cm_areas_def, ds->pool);
    ds->stocks = cm_table_new(&cm_stocks_def, ds->pool);
    ds->services = cm_table_new(&cm_services_def, ds->pool);
    ds->flows = cm_flows_new();
    cm_load_options lo = {0};
    cm_loader *l = cm_loader_new(&cm_areas_def, "areas.csv", ds->pool, ds->areas, NULL, &lo, &diag,
                                 &ds->sources[CM_TABLE_AREAS]);
    static const char *const rows[][7] = {
        {"area_id", "name", "level", "parent_id", "year", "population", "foreign_born"},
        {"P", "Patria", "country", "", "2011", "10000", "1000"},
        {"A", "bad\x01\x0bname", "city", "P", "2011", "1000", "400"},
        {"B", "nc\xef\xbf\xbex\xef\xbf\xbf", "city", "P", "2011", "1000", "300"},
        {"C",
         "lat\xff"
         "1",
         "city", "P", "2011", "1000", "200"},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        cm_csv_pos pos = {r + 1, 1, NULL};
        for (size_t k = 0; k < 7; k++)
            assert_int_equal(cm_loader_field(l, k, rows[r][k], strlen(rows[r][k]), &pos), CM_OK);
        assert_int_equal(cm_loader_record(l, 7, &pos), CM_OK);
    }
    assert_int_equal(cm_loader_end(l, CM_OK), CM_OK);
    cm_loader_free(l);
    assert_int_equal(diag.errors, 0);
    return ds;
}

static void test_workbook_escapes(void **state)
{
    (void)state;
    cm_diag diag;
    cm_diag_init(&diag, NULL, NULL, 0);
    cm_dataset *ds = hostile_dataset();
    /* A table read from no file (rows given to the loader): present, with
       no path or name. The Sources sheet names it by its table. */
    ds->sources[CM_TABLE_AREAS].present = true;
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
    char path[64], why[320];
    snprintf(path, sizeof path, "%s/hostile.xlsx", dir);
    /* The dataset's name, as given, holds a control and a byte not UTF-8. */
    cm_report_info info = {.dataset = "in\x01\xff", .created = 1700000000, .reproducible = 1};
    cm_report *model;
    assert_int_equal(cm_report_build(ds, &res, &rules, hits, nhits, &info, &diag, &model), CM_OK);
    assert_int_equal(cm_xlsx_write(path, model, &diag), CM_OK);
    cm_report_free(model);
    /* Every part parses (the writer's read-back checked it too). */
    assert_int_equal(cm_xlsx_verify(path, why, sizeof why), 0);
    static const char *const parts[] = {"xl/sharedStrings.xml", "xl/charts/chart1.xml",
                                        "docProps/core.xml", "xl/workbook.xml"};
    char *text[4];
    for (size_t i = 0; i < 4; i++) {
        text[i] = read_part(path, parts[i]);
        assert_non_null(text[i]);
        const char *e = xml_error(text[i], strlen(text[i]));
        if (e)
            fail_msg("%s: %s", parts[i], e);
    }
    /* The worksheets, whole: the tables' names are inline strings (they
       stream), the Cover's and the charts' text is shared. */
    char *sheets = NULL;
    size_t sheets_len = 0;
    FILE *all = open_memstream(&sheets, &sheets_len);
    assert_non_null(all);
    for (size_t k = 1; k < 64; k++) {
        char part[64];
        snprintf(part, sizeof part, "xl/worksheets/sheet%zu.xml", k);
        char *xml = read_part(path, part);
        if (!xml)
            break;
        const char *e = xml_error(xml, strlen(xml));
        if (e)
            fail_msg("%s: %s", part, e);
        fputs(xml, all);
        free(xml);
    }
    fclose(all);
    /* The title (the dataset's name, as given), in the Cover's A1 and in the
       document's properties; names in the tables and the shared strings;
       the chart's categories. */
    assert_non_null(strstr(text[0], "<t>in_x0001_\xef\xbf\xbd</t>"));
    assert_non_null(strstr(sheets, "<t>bad_x0001__x000B_name</t>"));
    assert_non_null(strstr(sheets, "<t>nc_xFFFE_x_xFFFF_</t>"));
    assert_non_null(strstr(sheets, "<t>lat\xef\xbf\xbd"
                                   "1</t>"));
    assert_non_null(strstr(text[0], "<t>bad_x0001__x000B_name</t>"));
    assert_non_null(strstr(text[1], "<c:v>bad_x0001__x000B_name</c:v>"));
    assert_non_null(strstr(text[1], "<c:v>nc_xFFFE_x_xFFFF_</c:v>"));
    assert_non_null(strstr(text[2], "<dc:title>in_x0001_\xef\xbf\xbd</dc:title>"));
    assert_non_null(strstr(text[3], "<sheet name=\"Cover\""));
    for (size_t i = 0; i < 4; i++)
        free(text[i]);
    free(sheets);
    unlink(path);
    rmdir(dir);

    /* JUnit: no escape exists, so each forbidden character becomes U+FFFD;
       CR is a character reference; TAB and LF are in attributes too. The
       check table shows an id with controls quoted and escaped. */
    cm_figure items[2] = {{0}, {0}};
    const char *ids[2] = {"X\x1b]0;t\x07\x1b[2J", "nc\xef\xbf\xbe\x01\xff"};
    for (size_t i = 0; i < 2; i++) {
        items[i].area_id = strdup(ids[i]);
        items[i].service = strdup("");
        items[i].source = strdup(i ? "p.\r\n\t4 \x02" : "");
        items[i].indicator = cm_indicator_find("fb_share");
        items[i].year = 2011;
        items[i].kind = CM_KIND_NONE;
        items[i].expected = 10;
        items[i].tolerance = 0.5;
    }
    cm_figures figures = {items, 2};
    cm_figures_check(&figures, &res);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(cm_figures_write_junit(f, &figures, "ds\x1b\xfe"), 0);
    fclose(f);
    const char *e = xml_error(buf, len);
    if (e)
        fail_msg("JUnit: %s\n%s", e, buf);
    assert_non_null(strstr(buf, "name=\"citymig check ds\xef\xbf\xbd\xef\xbf\xbd\""));
    assert_non_null(
        strstr(buf, "name=\"X\xef\xbf\xbd]0;t\xef\xbf\xbd\xef\xbf\xbd[2J 2011 fb_share\""));
    assert_non_null(strstr(buf, "name=\"nc\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd 2011 fb_share\""));
    assert_non_null(strstr(buf, "source: p.&#13;\n\t4 \xef\xbf\xbd</failure>"));
    free(buf);
    f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(cm_figures_write_table(f, &figures), 0);
    fclose(f);
    assert_non_null(strstr(buf, "\n\"X\\x1b]0;t\\x07\\x1b[2J\" 2011 fb_share "));
    assert_non_null(strstr(buf, "\n\"nc\xef\xbf\xbe\\x01\\xff\" 2011 fb_share "));
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)buf[i] < 0x20 && buf[i] != '\n')
            fail_msg("a control byte %#x in the table", (unsigned char)buf[i]);
    free(buf);
    for (size_t i = 0; i < 2; i++) {
        free(items[i].area_id);
        free(items[i].service);
        free(items[i].source);
    }

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
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parts), cmocka_unit_test(test_ooxml_escape),
        cmocka_unit_test(test_verify_parses_xml), cmocka_unit_test(test_workbook_escapes)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
