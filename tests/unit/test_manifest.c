/*
 * test_manifest.c - every manifest feature, each on a small download
 * written to a scratch directory: what reaches the tables, and the errors
 * of bad manifests with the manifest's line.
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

typedef struct scratch {
    char dir[256];
    char files[8][64];
    size_t nfiles;
    char messages[4096];
    size_t mlen;
    cm_dataset *ds;
} scratch;

static void put(scratch *s, const char *name, const char *text, size_t len)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", s->dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    snprintf(s->files[s->nfiles++], sizeof s->files[0], "%s", name);
}

static void put_text(scratch *s, const char *name, const char *text)
{
    put(s, name, text, strlen(text));
}

static void on_diag(void *ctx, const cm_diag_msg *msg)
{
    scratch *s = ctx;
    const char *file = msg->loc.file ? strrchr(msg->loc.file, '/') : NULL;
    file = file ? file + 1 : msg->loc.file ? msg->loc.file : "";
    int n = snprintf(s->messages + s->mlen, sizeof s->messages - s->mlen, "%s:%llu: %s: %s\n", file,
                     (unsigned long long)msg->loc.line, cm_severity_str(msg->severity), msg->text);
    if (n > 0 && (size_t)n < sizeof s->messages - s->mlen)
        s->mlen += (size_t)n;
}

static void open_scratch(scratch *s)
{
    memset(s, 0, sizeof *s);
    const char *tmp = getenv("TMPDIR");
    snprintf(s->dir, sizeof s->dir, "%s/cm-man-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(s->dir));
}

static cm_status load(scratch *s)
{
    char path[400];
    snprintf(path, sizeof path, "%s/dataset.ini", s->dir);
    cm_diag diag;
    cm_diag_init(&diag, on_diag, s, 0);
    cm_load_options lo = {0};
    return cm_dataset_load(path, &lo, &diag, &s->ds);
}

static void close_scratch(scratch *s)
{
    char path[400];
    for (size_t i = 0; i < s->nfiles; i++) {
        snprintf(path, sizeof path, "%s/%s", s->dir, s->files[i]);
        unlink(path);
    }
    rmdir(s->dir);
    cm_dataset_free(s->ds);
}

/* An areas value, as text ("" when missing). */
static const char *area_value(scratch *s, const char *id, int32_t year, size_t col, char *buf,
                              size_t size)
{
    uint32_t area = cm_strpool_find(s->ds->pool, id, strlen(id));
    size_t row = cm_areas_find(s->ds->areas, area, year);
    if (row == SIZE_MAX)
        return "(no row)";
    cm_cell cell;
    if (!cm_table_get(s->ds->areas, row, col, &cell))
        return "";
    return cm_cell_format(&cm_areas_def, col, &cell, s->ds->pool, buf, size);
}

#define EXPECT_AREA(s, id, year, col, text)                                                        \
    do {                                                                                           \
        char buf_[64];                                                                             \
        assert_string_equal(area_value(s, id, year, col, buf_, sizeof buf_), text);                \
    } while (0)

static void test_mapping_constants_templates(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "d.csv",
             "State,City,Pop,Share\nCA,Los Angeles,3971896,39\nNY,New York,8550405,37\n");
    put_text(&s, "dataset.ini",
             "[dataset]\ntitle = Cities\n\n[areas]\nfile = d.csv\n"
             "year = 2015\nlevel = city\n"
             "column.area_id = {State}-{City}\ncolumn.name = City\n"
             "column.population = Pop\ncolumn.foreign_born_share = Share\n");
    assert_int_equal(load(&s), CM_OK);
    EXPECT_AREA(&s, "CA-Los Angeles", 2015, CM_AREAS_POPULATION, "3971896");
    EXPECT_AREA(&s, "NY-New York", 2015, CM_AREAS_NAME, "'New York'");
    EXPECT_AREA(&s, "NY-New York", 2015, CM_AREAS_FOREIGN_BORN_SHARE, "37");
    assert_string_equal(s.ds->title, "Cities");
    assert_int_equal(s.ds->ninputs, 1);
    assert_int_equal(strlen(s.ds->inputs[0].sha256), 64);
    close_scratch(&s);
}

static void test_delimiter_quote_line_ends_bom(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    /* Semicolons, a quote character of its own, CR line ends and a BOM. */
    put_text(&s, "d.csv",
             "\xef\xbb\xbf"
             "id;pop;name\r"
             "A;100;'x;y'\r"
             "B;200;'z'\r");
    put_text(&s, "dataset.ini",
             "[areas]\nfile = d.csv\ndelimiter = semicolon\nquote = \"'\"\n"
             "line_ends = CR\nyear = 2011\ncolumn.area_id = id\n"
             "column.population = pop\ncolumn.name = name\n");
    assert_int_equal(load(&s), CM_OK);
    EXPECT_AREA(&s, "A", 2011, CM_AREAS_NAME, "'x;y'");
    EXPECT_AREA(&s, "B", 2011, CM_AREAS_POPULATION, "200");
    close_scratch(&s);
}

static void test_numbers(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    /* Missing tokens, thousands separators, decimal commas, scale, round. */
    put_text(&s, "d.csv",
             "id,pop,fb,share\n"
             "A,\"7.538,5\",\"1.234\",\"36,7\"\n"
             "B,..,NaN,NaN\n"
             "C,\"12,3456\",0,\"4,25\"\n");
    put_text(&s, "dataset.ini",
             "[areas]\nfile = d.csv\nyear = 2020\nmissing = NaN, ..\n"
             "thousands = period\ndecimal = comma\n"
             "column.area_id = id\ncolumn.population = pop\n"
             "column.foreign_born = fb\ncolumn.foreign_born_share = share\n"
             "scale.population = 1000\nround.population = yes\n");
    assert_int_equal(load(&s), CM_OK);
    EXPECT_AREA(&s, "A", 2020, CM_AREAS_POPULATION, "7538500"); /* 7.538,5 thousand */
    EXPECT_AREA(&s, "A", 2020, CM_AREAS_FOREIGN_BORN, "1234");
    EXPECT_AREA(&s, "A", 2020, CM_AREAS_FOREIGN_BORN_SHARE, "36.7");
    EXPECT_AREA(&s, "B", 2020, CM_AREAS_POPULATION, ""); /* missing, not 0 */
    EXPECT_AREA(&s, "B", 2020, CM_AREAS_FOREIGN_BORN_SHARE, "");
    EXPECT_AREA(&s, "C", 2020, CM_AREAS_POPULATION, "12346"); /* 12345.6, rounded */
    EXPECT_AREA(&s, "C", 2020, CM_AREAS_FOREIGN_BORN_SHARE, "4.25");
    assert_int_equal(s.ds->inputs[0].rounded, 1);
    close_scratch(&s);
}

static void test_filters_maps_dedupe(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "f.csv",
             "yr,from,to,type,sex,n,note\n"
             "2011,A,B,1,Males,10,x\n"
             "2011,A,B,1,Males,10,x\n" /* an identical repeat: dropped */
             "2011,A,B,1,Females,5,x\n"
             "2011,B,A,98000,Males,7,x\n"
             "2011,B,A,1,Total,999,x\n" /* totals: skipped */
             ",,,,,,\n");               /* an empty row: skipped */
    put_text(&s, "dataset.ini",
             "[flows]\nfile = f.csv\ndedupe = yes\n"
             "skip_if.sex = Total\nskip_if.yr =\n"
             "column.year = yr\ncolumn.origin = from\ncolumn.destination = to\n"
             "column.kind = type\nmap.kind = 98000:international, *:internal\n"
             "column.sex = sex\nmap.sex = Males:M, Females:F\n"
             "column.count = n\n");
    assert_int_equal(load(&s), CM_OK);
    uint32_t b = cm_strpool_find(s.ds->pool, "B", 1), a = cm_strpool_find(s.ds->pool, "A", 1);
    const cm_flow_cell *bm = cm_flows_find(s.ds->flows, b, 2011, CM_KIND_INTERNAL, CM_SEX_MALE);
    const cm_flow_cell *bf = cm_flows_find(s.ds->flows, b, 2011, CM_KIND_INTERNAL, CM_SEX_FEMALE);
    const cm_flow_cell *ai =
        cm_flows_find(s.ds->flows, a, 2011, CM_KIND_INTERNATIONAL, CM_SEX_MALE);
    assert_non_null(bm);
    assert_int_equal(bm->inflow, 10); /* not 20: the repeat was dropped */
    assert_int_equal(bf->inflow, 5);
    assert_int_equal(ai->inflow, 7);
    assert_int_equal(s.ds->inputs[0].deduped, 1);
    assert_int_equal(s.ds->inputs[0].filtered, 2);
    close_scratch(&s);
}

static void test_keep_if(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "d.csv", "id,kind,pop\nA,country,100\nB,aggregate,200\nC,country,300\n");
    put_text(&s, "dataset.ini",
             "[areas]\nfile = d.csv\nyear = 2000\nkeep_if.kind = country\n"
             "column.area_id = id\ncolumn.population = pop\n");
    assert_int_equal(load(&s), CM_OK);
    assert_int_equal(s.ds->areas->nrows, 2);
    EXPECT_AREA(&s, "B", 2000, CM_AREAS_POPULATION, "(no row)");
    close_scratch(&s);
}

static void test_unpivot_and_join(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "pop.csv",
             "Name,Code,1999,2000,2001,note\nWorld,WLD,100.4,200,,x\n"
             "Aland,ALA,10,11,12,y\n");
    put_text(&s, "urb.csv", "Code,2000,2001\nWLD,50,\nALA,5,6\nZZZ,1,1\n");
    put_text(&s, "dataset.ini",
             "[dataset]\ntitle = t\n\n[areas]\nfile = pop.csv\n"
             "unpivot = 2000-2001 -> year, population\n"
             "column.area_id = Code\ncolumn.name = Name\n\n"
             "[areas.urban]\nfile = urb.csv\njoin = areas\n"
             "unpivot = 2000-2001 -> year, urban_population\n"
             "column.area_id = Code\n");
    assert_int_equal(load(&s), CM_OK);
    /* 1999 is outside the range; the empty 2001 value of WLD makes no row. */
    EXPECT_AREA(&s, "WLD", 1999, CM_AREAS_POPULATION, "(no row)");
    EXPECT_AREA(&s, "WLD", 2000, CM_AREAS_POPULATION, "200");
    EXPECT_AREA(&s, "WLD", 2000, CM_AREAS_URBAN_POPULATION, "50");
    EXPECT_AREA(&s, "WLD", 2001, CM_AREAS_POPULATION, "(no row)");
    EXPECT_AREA(&s, "ALA", 2001, CM_AREAS_URBAN_POPULATION, "6");
    EXPECT_AREA(&s, "ALA", 2000, CM_AREAS_NAME, "'Aland'");
    assert_int_equal(s.ds->areas->nrows, 3);
    /* ZZZ's two rows and WLD 2001 (no population row) match nothing: said. */
    assert_non_null(strstr(s.messages, "match no row of [areas]"));
    close_scratch(&s);
}

static void test_sum(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "d.csv", "id,pop,a,b\nA,10000,\"1,200\",34\nB,100,5,NaN\n");
    put_text(&s, "dataset.ini",
             "[areas]\nfile = d.csv\nyear = 2013\nmissing = NaN\n"
             "thousands = comma\ncolumn.area_id = id\ncolumn.population = pop\n"
             "sum.foreign_born = a, b\n");
    assert_int_equal(load(&s), CM_OK);
    EXPECT_AREA(&s, "A", 2013, CM_AREAS_FOREIGN_BORN, "1234");
    EXPECT_AREA(&s, "B", 2013, CM_AREAS_FOREIGN_BORN, ""); /* a missing term: missing */
    close_scratch(&s);
}

static void test_missing_token_in_required_column(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "d.csv", "year,dest,orig,n\n1990,Somalia,Yemen,..\n1990,Somalia,Kenya,5\n");
    put_text(&s, "dataset.ini",
             "[stocks]\nfile = d.csv\nmissing = ..\ncolumn.year = year\n"
             "column.area_id = dest\ncolumn.origin = orig\ncolumn.count = n\n");
    assert_int_equal(load(&s), CM_ERR_DATA);
    assert_non_null(strstr(s.messages, "d.csv:2: error: column 'count': \"..\" is declared "
                                       "missing by the manifest"));
    close_scratch(&s);
}

static void test_header_line(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "d.csv",
             "\"Data Source\",\"Somewhere\"\n\n\"Last Updated\",\"2020\"\n"
             "id,pop\nA,5\n");
    put_text(&s, "dataset.ini",
             "[areas]\nfile = d.csv\nheader_line = 4\nyear = 2020\n"
             "column.area_id = id\ncolumn.population = pop\n");
    assert_int_equal(load(&s), CM_OK);
    EXPECT_AREA(&s, "A", 2020, CM_AREAS_POPULATION, "5");
    close_scratch(&s);
}

/* A value error points at the download's own line and column. */
static void test_errors_point_at_the_download(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "d.csv", "id,pop\nA,5\nB,five\n");
    put_text(&s, "dataset.ini",
             "[areas]\nfile = d.csv\nyear = 2020\n"
             "column.area_id = id\ncolumn.population = pop\n");
    assert_int_equal(load(&s), CM_ERR_DATA);
    assert_non_null(
        strstr(s.messages, "d.csv:3: error: column 'population': \"five\" is not a count"));
    close_scratch(&s);
}

typedef struct bad_case {
    const char *manifest;
    const char *message; /* the start of the expected message */
} bad_case;

static const bad_case bad[] = {
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\ncolumn.population = pop\n"
     "colour = blue\n",
     "dataset.ini:6: error: unknown key 'colour' in [areas]"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\ncolumn.population = Pop\n",
     "dataset.ini:5: error: key 'column.population': d.csv has no column 'Pop' (its columns: "
     "'id', 'pop')"},
    {"[areas]\nfile = d.csv\ncolumn.area_id = id\nunpivot = 2020-1990 -> year, population\n",
     "dataset.ini:4: error: key 'unpivot': '2020-1990' is not a range of years"},
    {"[areas]\nfile = d.csv\ncolumn.area_id = id\nunpivot = 2020-2021 -> population\n",
     "dataset.ini:4: error: key 'unpivot': expected '-> year, COLUMN' after the range"},
    {"[areas]\nfile = nowhere.csv\nyear = 2020\ncolumn.area_id = id\ncolumn.population = pop\n",
     "dataset.ini:2: error: key 'file': cannot open 'nowhere.csv': No such file or directory"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = {id}-{State}\n"
     "column.population = pop\n",
     "dataset.ini:4: error: key 'column.area_id': d.csv has no column 'State'"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_ids = id\n",
     "dataset.ini:4: error: key 'column.area_ids': areas.csv has no column 'area_ids'"},
    {"[area]\nfile = d.csv\n", "dataset.ini:1: error: unknown section [area]"},
    {"[areas]\nfile = d.csv\nyear = 2020\nyear = 2021\ncolumn.area_id = id\n",
     "dataset.ini:4: error: key 'year' is given twice in [areas]"},
    {"[areas]\nfile = d.csv\ncolumn.population = pop\nyear = 2020\n",
     "dataset.ini:1: error: [areas] gives no 'area_id', which areas.csv requires"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\njoin = elsewhere\n",
     "dataset.ini:5: error: key 'join': there is no section [elsewhere] to join into"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\ndelimiter = ab\n",
     "dataset.ini:5: error: key 'delimiter': 'ab' is not one character"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\ndelimiter = ;\n",
     "dataset.ini:5: error: key 'delimiter': empty (in a manifest a ';' after a space starts a "
     "comment"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\nscale.population = -5\n",
     "dataset.ini:5: error: key 'scale.population': '-5' is not a positive number"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\nround.name = yes\n",
     "dataset.ini:5: error: key 'round.name': only counts are rounded"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\nthis line has no equals sign\n",
     "dataset.ini:5: error: not a [section] nor a 'key = value' line"},
    {"[areas]\nfile = d.csv\narea_id = A\ncolumn.area_id = id\nyear = 2020\n",
     "dataset.ini:4: error: key 'column.area_id': column 'area_id' is already given (line 3)"},
    {"[flows]\nfile = d.csv\njoin = flows\n",
     "dataset.ini:3: error: key 'join': there is no section [flows] to join into"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\nkeep_if.Kind = x\n",
     "dataset.ini:5: error: key 'keep_if.Kind': d.csv has no column 'Kind'"},
};

static void test_bad_manifests(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        scratch s;
        open_scratch(&s);
        put_text(&s, "d.csv", "id,pop\nA,5\n");
        put_text(&s, "dataset.ini", bad[i].manifest);
        cm_status st = load(&s);
        if (strncmp(s.messages, bad[i].message, strlen(bad[i].message)) != 0)
            print_error("case %zu:\n got: %s want: %s\n", i, s.messages, bad[i].message);
        assert_int_not_equal(st, CM_OK);
        assert_int_equal(strncmp(s.messages, bad[i].message, strlen(bad[i].message)), 0);
        close_scratch(&s);
    }
}

int main(void)
{
    /* The library must not depend on the locale: the suite also runs under
       LC_ALL=de_DE.UTF-8 (decimal comma). */
    setlocale(LC_ALL, "");
    setlocale(LC_MESSAGES, "C"); /* the expected messages quote strerror() in English */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mapping_constants_templates),
        cmocka_unit_test(test_delimiter_quote_line_ends_bom),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_filters_maps_dedupe),
        cmocka_unit_test(test_keep_if),
        cmocka_unit_test(test_unpivot_and_join),
        cmocka_unit_test(test_header_line),
        cmocka_unit_test(test_sum),
        cmocka_unit_test(test_missing_token_in_required_column),
        cmocka_unit_test(test_errors_point_at_the_download),
        cmocka_unit_test(test_bad_manifests),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
