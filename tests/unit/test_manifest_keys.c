/*
 * test_manifest_keys.c - the keys that read downloads as their publishers
 * release them: any encoding iconv knows, Eurostat's layout (trim, status
 * flags, split columns), columns by position and by quoted name, quoted
 * list items, lookup files, years out of periods and year offsets, and a
 * manifest's every error said at once.
 */
#include "mfscratch.h"

#include "citymig/flows.h"
#include "citymig/indicators.h"

static void put_bytes(scratch *s, const char *name, const char *bytes, size_t n)
{
    put(s, name, bytes, n);
}

#define PUT_BYTES(s, name, lit) put_bytes(s, name, lit, sizeof lit - 1)

static bool has(const scratch *s, const char *text)
{
    return strstr(s->messages, text) != NULL;
}

#define EXPECT_MESSAGE(s, text)                                                                    \
    do {                                                                                           \
        if (!has(s, text))                                                                         \
            fail_msg("no message %s in:\n%s", text, (s)->messages);                                \
    } while (0)

/* ---- encodings ------------------------------------------------------------ */

/* CP949: Korean names and a header in Hangul; a bad value is named at its
   line and its column in characters, not bytes. */
static void test_encoding_cp949(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    s.columns = true;
    /* id,이동자[명] / 서울,9 / 부산,x */
    PUT_BYTES(&s, "d.csv",
              "id,\xc0\xcc\xb5\xbf\xc0\xda\x5b\xb8\xed\x5d\n"
              "\xbc\xad\xbf\xef,9\n"
              "\xba\xce\xbb\xea,12\n");
    put_text(&s, "dataset.ini",
             "[areas]\nfile = d.csv\nencoding = cp949\nyear = 2016\ncolumn.area_id = id\n"
             "column.population = \"\xec\x9d\xb4\xeb\x8f\x99\xec\x9e\x90[\xeb\xaa\x85]\"\n");
    assert_int_equal(load(&s), CM_OK);
    EXPECT_AREA(&s, "\xec\x84\x9c\xec\x9a\xb8", 2016, CM_AREAS_POPULATION, "9");
    EXPECT_AREA(&s, "\xeb\xb6\x80\xec\x82\xb0", 2016, CM_AREAS_POPULATION, "12");
    assert_int_equal(s.ds->inputs[0].bytes, 29);
    close_scratch(&s);

    open_scratch(&s);
    s.columns = true;
    /* 부산,부 : the value starts at character 4 of line 3 (byte 6). */
    PUT_BYTES(&s, "d.csv", "id,pop\n\xbc\xad\xbf\xef,9\n\xba\xce\xbb\xea,\xba\xce\n");
    put_text(&s, "dataset.ini",
             "[areas]\nfile = d.csv\nencoding = CP949\nyear = 2016\ncolumn.area_id = id\n"
             "column.population = pop\n");
    assert_int_equal(load(&s), CM_ERR_DATA);
    EXPECT_MESSAGE(&s, "d.csv:3:4: error: column 'population'");
    close_scratch(&s);
}

/* Bytes that are no character of the declared encoding, and a character
   cut off by the end of the file, at their places. */
static void test_encoding_bad_bytes(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    s.columns = true;
    /* 0xC9 0x20 is no CP949 character: line 2, character 4. */
    PUT_BYTES(&s, "d.csv", "id,pop\n\xbc\xad,\xc9 9\n");
    put_text(&s, "dataset.ini",
             "[areas]\nfile = d.csv\nencoding = cp949\nyear = 2016\ncolumn.area_id = id\n"
             "column.population = pop\n");
    assert_int_equal(load(&s), CM_ERR_DATA);
    EXPECT_MESSAGE(&s, "d.csv:2:3: error: the bytes 0xC9 0x20 are no character of cp949, the "
                       "encoding the manifest declares (key 'encoding' at dataset.ini:3)");
    close_scratch(&s);

    open_scratch(&s);
    s.columns = true;
    PUT_BYTES(&s, "d.csv", "id,pop\n\xbc\xad,9\n\xbc");
    put_text(&s, "dataset.ini",
             "[areas]\nfile = d.csv\nencoding = cp949\nyear = 2016\ncolumn.area_id = id\n"
             "column.population = pop\n");
    assert_int_equal(load(&s), CM_ERR_DATA);
    EXPECT_MESSAGE(&s, "d.csv:3:1: error: the file ends inside a character (0xBC) of cp949");
    close_scratch(&s);
}

/* UTF-16 with its byte order mark: read, places in characters. */
static void test_encoding_utf16(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    PUT_BYTES(&s, "d.csv",
              "\xff\xfe\x69\x00\x64\x00\x2c\x00\x70\x00\x6f\x00\x70\x00\x0a\x00\x1c\xc1\xb8\xc6"
              "\x2c\x00\x39\x00\x0a\x00");
    put_text(&s, "dataset.ini",
             "[areas]\nfile = d.csv\nencoding = utf-16\nyear = 2016\ncolumn.area_id = id\n"
             "column.population = pop\n");
    assert_int_equal(load(&s), CM_OK);
    EXPECT_AREA(&s, "\xec\x84\x9c\xec\x9a\xb8", 2016, CM_AREAS_POPULATION, "9");
    close_scratch(&s);
}

/* ---- Eurostat's layout ---------------------------------------------------- */

static const char eurostat_tsv[] = "indic_de,geo\\time\t2015 \t2014 \t2013 \n"
                                   "JAN,AT\t8584926 \t8506889 \t8451860 \n"
                                   "JAN,DE\t81174000 e\t80767463 \t: \n"
                                   "JAN,FR\t66352469 bp\t: c\t65600350 \n"
                                   "DEATH,AT\t: \t78252 \t79526 \n";

static void test_eurostat_tsv(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "demo_gind.tsv", eurostat_tsv);
    put_text(&s, "dataset.ini",
             "[areas]\nfile = demo_gind.tsv\nformat = eurostat-tsv\nkeep_if.indic_de = JAN\n"
             "unpivot = 2013-2015 -> year, population\ncolumn.area_id = geo\nlevel = country\n");
    assert_int_equal(load(&s), CM_OK);
    EXPECT_AREA(&s, "AT", 2015, CM_AREAS_POPULATION, "8584926");
    EXPECT_AREA(&s, "AT", 2013, CM_AREAS_POPULATION, "8451860");
    EXPECT_AREA(&s, "DE", 2015, CM_AREAS_POPULATION, "81174000"); /* e: estimated */
    EXPECT_AREA(&s, "FR", 2015, CM_AREAS_POPULATION, "66352469"); /* b, p */
    EXPECT_AREA(&s, "DE", 2013, CM_AREAS_POPULATION, "(no row)"); /* ":": missing */
    EXPECT_AREA(&s, "FR", 2014, CM_AREAS_POPULATION, "(no row)"); /* c: confidential */
    const cm_input *in = &s.ds->inputs[0];
    assert_int_equal(in->flags['e' - 'a'], 1);
    assert_int_equal(in->flags['b' - 'a'], 1);
    assert_int_equal(in->flags['p' - 'a'], 1);
    assert_int_equal(in->flags['c' - 'a'], 1);
    assert_int_equal(in->filtered, 1);
    close_scratch(&s);
}

/* The result of an indicator for an area and year, or NULL. */
static const cm_result *result_of(const cm_results *res, const cm_dataset *ds, const char *area,
                                  int32_t year, const char *indicator)
{
    uint32_t id = cm_strpool_find(ds->pool, area, strlen(area));
    int ind = cm_indicator_find(indicator);
    for (size_t i = 0; i < res->count; i++) {
        const cm_result *r = &res->items[i];
        if (r->area == id && r->year == year && r->indicator == ind)
            return r;
    }
    return NULL;
}

/* The flags travel: a change across a break in series (b) is missing and
   says why; a figure from an estimated value (e) stays, with a note. */
static void test_flags_travel(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "d.tsv",
             "indic_de,geo\\time\t2015 \t2014 \t2013 \n"
             "JAN,DE\t81174000 e\t80767463 \t80523746 \n"
             "JAN,FR\t66352469 bp\t65835579 \t65560721 \n");
    put_text(&s, "dataset.ini",
             "[areas]\nfile = d.tsv\nformat = eurostat-tsv\nkeep_if.indic_de = JAN\n"
             "unpivot = 2013-2015 -> year, population\nyear_offset = -1\ncolumn.area_id = geo\n");
    assert_int_equal(load(&s), CM_OK);
    cm_indicator_options io = {0};
    cm_results res;
    assert_int_equal(cm_indicators_compute(s.ds, &io, &res), CM_OK);
    const cm_result *fr = result_of(&res, s.ds, "FR", 2014, "population_change");
    const cm_result *fr0 = result_of(&res, s.ds, "FR", 2013, "population_change");
    const cm_result *de = result_of(&res, s.ds, "DE", 2014, "population_change");
    assert_non_null(fr);
    assert_non_null(fr0);
    assert_non_null(de);
    assert_int_equal(fr->flag, CM_FLAG_MISSING);
    assert_string_equal(cm_strpool_str(s.ds->pool, fr->reason),
                        "a break in series between 2013 and 2014 (its publisher's flag b): the "
                        "years are not comparable");
    assert_int_equal(fr0->flag, CM_FLAG_OK); /* the break is after 2013 */
    assert_true(fr0->value == 274858);
    assert_int_equal(de->flag, CM_FLAG_OK);
    assert_true(de->value == 406537);
    assert_string_equal(cm_strpool_str(s.ds->pool, de->reason),
                        "from a value its publisher flags estimated or provisional");
    cm_results_free(&res);
    close_scratch(&s);
}

/* The same file without the preset: the keys it stands for, one by one. */
static void test_trim_flags_split(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "demo_gind.tsv", eurostat_tsv);
    put_text(&s, "dataset.ini",
             "[areas]\nfile = demo_gind.tsv\ndelimiter = tab\ntrim = yes\nflags = yes\n"
             "missing = :\nsplit.#1 = what, where\nkeep_if.what = JAN\n"
             "unpivot = 2014-2015 -> year, population\ncolumn.area_id = where\n");
    assert_int_equal(load(&s), CM_OK);
    EXPECT_AREA(&s, "DE", 2015, CM_AREAS_POPULATION, "81174000");
    EXPECT_AREA(&s, "AT", 2014, CM_AREAS_POPULATION, "8506889");
    close_scratch(&s);

    /* Without trim, "2015 " is no year: the message says why. */
    open_scratch(&s);
    put_text(&s, "demo_gind.tsv", eurostat_tsv);
    put_text(&s, "dataset.ini",
             "[areas]\nfile = demo_gind.tsv\ndelimiter = tab\n"
             "unpivot = 2014-2015 -> year, population\ncolumn.area_id = #1\n");
    assert_int_equal(load(&s), CM_ERR_DATA);
    EXPECT_MESSAGE(
        &s, "dataset.ini:4: error: key 'unpivot': no column of demo_gind.tsv is a "
            "year from 2014 to 2015 (its years have spaces around them: trim = yes removes them)");
    close_scratch(&s);
}

/* ---- naming columns ---------------------------------------------------------- */

/* A UN Statistical Yearbook header: the names' column has no name. */
static void test_columns_by_position_and_quotes(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "d.csv",
             "T03,International migrants,,,\n"
             "Region/Country/Area,,Year,Series,Value\n"
             "1,\"Total, all countries or areas\",2020,\"Asylum seekers, including pending cases "
             "(number)\",\"4,177,842\"\n"
             "1,\"Total, all countries or areas\",2020,International migrant stock: Both sexes "
             "(number),\"280,598,105\"\n");
    put_text(&s, "dataset.ini",
             "[stocks]\nfile = d.csv\nheader_line = 2\nthousands = comma\n"
             "column.area_id = #1\ncolumn.year = \"Year\"\ncolumn.count = Value\n"
             "column.origin = Series\n"
             "keep_if.Series = \"Asylum seekers, including pending cases (number)\"\n"
             "map.origin = \"Asylum seekers, including pending cases (number)\":asylum\n"
             "[areas]\nfile = d.csv\nheader_line = 2\ncolumn.area_id = #1\ncolumn.name = \"\"\n"
             "column.year = Year\npopulation = 8000000000\ndedupe = yes\n");
    assert_int_equal(load(&s), CM_OK);
    EXPECT_AREA(&s, "1", 2020, CM_AREAS_NAME, "'Total, all countries or areas'");
    assert_int_equal(s.ds->stocks->nrows, 1);
    close_scratch(&s);
}

static void test_column_reference_errors(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "d.csv", "id,,\nA,x,y\n");
    put_text(&s, "dataset.ini",
             "[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = #4\ncolumn.name = \"\"\n"
             "column.population = #0\n");
    assert_int_equal(load(&s), CM_ERR_DATA);
    /* Every error of the header, not only the first. */
    EXPECT_MESSAGE(&s, "dataset.ini:4: error: key 'column.area_id': #4 is past the last column: "
                       "d.csv has 3 columns (#1 to #3)");
    EXPECT_MESSAGE(&s, "dataset.ini:5: error: key 'column.name': 2 columns of d.csv have an empty "
                       "name; name one by its position, such as #2");
    EXPECT_MESSAGE(&s, "dataset.ini:6: error: key 'column.population': \"#0\" is not a column's "
                       "position");
    close_scratch(&s);
}

/* Several sources with a wrong column each: each is said. */
static void test_every_error_said(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "a.csv", "id,pop\nA,1\n");
    put_text(&s, "b.csv", "id,pop\nB,2\n");
    put_text(&s, "dataset.ini",
             "[areas]\nfile = a.csv\nyear = 2020\ncolumn.area_id = id\n"
             "unpivot = 1990-1991 -> year, population\n"
             "[areas.more]\nfile = b.csv\nyear = 2020\ncolumn.area_id = ID\n"
             "column.population = pop\n");
    assert_int_equal(load(&s), CM_ERR_DATA);
    EXPECT_MESSAGE(&s, "dataset.ini:5: error: key 'unpivot': no column of a.csv is a year");
    EXPECT_MESSAGE(&s, "dataset.ini:9: error: key 'column.area_id': b.csv has no column \"ID\"");
    close_scratch(&s);
}

/* A header named as a canonical column gives it, unmapped. */
static void test_canonical_names_unmapped(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "d.csv", "Code;year;population\nA;2019;10\n");
    put_text(&s, "dataset.ini", "[areas]\nfile = d.csv\ndelimiter = ;\ncolumn.area_id = Code\n");
    assert_int_equal(load(&s), CM_OK);
    EXPECT_AREA(&s, "A", 2019, CM_AREAS_POPULATION, "10");
    close_scratch(&s);
}

/* ---- lookup files -------------------------------------------------------------- */

static void test_lookup_file(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "d.csv", "region,pop\n11,9\n21,3\n");
    put_text(&s, "regions.csv", "code,area\n11,\"Seoul, capital\"\n21,Busan\n");
    put_text(&s, "dataset.ini",
             "[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = region\n"
             "map.area_id = @regions.csv\ncolumn.population = pop\n");
    assert_int_equal(load(&s), CM_OK);
    EXPECT_AREA(&s, "Seoul, capital", 2020, CM_AREAS_POPULATION, "9");
    EXPECT_AREA(&s, "Busan", 2020, CM_AREAS_POPULATION, "3");
    close_scratch(&s);

    open_scratch(&s);
    put_text(&s, "d.csv", "region,pop\n11,9\n");
    put_text(&s, "regions.csv", "code,area\n11,Seoul\n21\n11,Again\n");
    put_text(&s, "dataset.ini",
             "[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = region\n"
             "map.area_id = @regions.csv\nmap.name = @absent.csv\n");
    assert_int_equal(load(&s), CM_ERR_NOINPUT);
    EXPECT_MESSAGE(&s, "regions.csv:3: error: 1 field, expected two: FROM,TO");
    EXPECT_MESSAGE(&s, "regions.csv:4: error: \"11\" is given twice (first at line 2)");
    EXPECT_MESSAGE(&s, "dataset.ini:6: error: key 'map.name': cannot open \"absent.csv\"");
    close_scratch(&s);
}

/* ---- periods and offsets ------------------------------------------------------- */

static void test_year_from_periods(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    /* Quarters of flows add up to their year. */
    put_text(&s, "f.csv", "from,to,period,n\nA,B,2015Q1,3\nA,B,2015Q2,4\nA,B,2016Q1,5\n");
    put_text(&s, "dataset.ini",
             "[flows]\nfile = f.csv\nkind = internal\ncolumn.origin = from\n"
             "column.destination = to\nyear_from.period = YYYYQ?\ncolumn.count = n\n");
    assert_int_equal(load(&s), CM_OK);
    uint32_t b = cm_strpool_find(s.ds->pool, "B", 1);
    const cm_flow_cell *c15 = cm_flows_find(s.ds->flows, b, 2015, CM_KIND_INTERNAL, CM_SEX_TOTAL);
    const cm_flow_cell *c16 = cm_flows_find(s.ds->flows, b, 2016, CM_KIND_INTERNAL, CM_SEX_TOTAL);
    assert_non_null(c15);
    assert_int_equal(c15->inflow, 7);
    assert_int_equal(c16->inflow, 5);
    close_scratch(&s);

    /* "2019. 1/4" and a period of two years: the end year. */
    open_scratch(&s);
    put_text(&s, "d.csv", "id,when,pop\nA,2019. 1/4,10\nB,2017-2018,20\n");
    put_text(&s, "dataset.ini",
             "[areas]\nfile = d.csv\ncolumn.area_id = id\nyear_from.when = YYYY*\n"
             "column.population = pop\n"
             "[areas.b]\nfile = d.csv\ncolumn.area_id = id\nyear_from.when = YYYY-YYYY\n"
             "column.population = pop\n");
    assert_int_equal(load(&s), CM_ERR_DATA);
    /* The first section reads "2017-2018" as 2017; the second finds no
       pair of years in "2019. 1/4": said with the pattern. */
    EXPECT_MESSAGE(&s, "year_from.when = YYYY-YYYY finds no year in it");
    close_scratch(&s);

    open_scratch(&s);
    put_text(&s, "d.csv", "id,when,pop\nA,2019. 1/4,10\n");
    put_text(&s, "dataset.ini",
             "[areas]\nfile = d.csv\ncolumn.area_id = id\nyear_from.when = Q?\n"
             "column.population = pop\n");
    assert_int_equal(load(&s), CM_ERR_DATA);
    EXPECT_MESSAGE(&s, "dataset.ini:4: error: key 'year_from.when': \"Q?\" has no YYYY to say "
                       "where the year is");
    close_scratch(&s);
}

/* A flow over two years: the interval is their difference. */
static void test_period_interval(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "f.csv", "from,to,years,n\nA,B,2010-2015,30\n");
    put_text(&s, "dataset.ini",
             "[flows]\nfile = f.csv\nkind = internal\ncolumn.origin = from\n"
             "column.destination = to\nyear_from.years = YYYY-YYYY\ncolumn.count = n\n");
    assert_int_equal(load(&s), CM_OK);
    uint32_t b = cm_strpool_find(s.ds->pool, "B", 1);
    const cm_flow_cell *c = cm_flows_find(s.ds->flows, b, 2015, CM_KIND_INTERNAL, CM_SEX_TOTAL);
    assert_non_null(c);
    assert_int_equal(c->inflow, 30);
    assert_int_equal(cm_flows_interval(s.ds->flows, 2015, CM_KIND_INTERNAL), 5);
    close_scratch(&s);
}

/* A population on 1 January set against the year before. */
static void test_year_offset(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "d.csv", "id,year,pop\nA,2016,10\n");
    put_text(&s, "dataset.ini",
             "[areas]\nfile = d.csv\ncolumn.area_id = id\nyear_offset = -1\n"
             "column.population = pop\n");
    assert_int_equal(load(&s), CM_OK);
    EXPECT_AREA(&s, "A", 2015, CM_AREAS_POPULATION, "10");
    close_scratch(&s);
}

/* The new keys' bad forms, each an error at its line, naming the key. */
static void test_bad_forms(void **state)
{
    (void)state;
    static const struct {
        const char *keys, *want;
    } cases[] = {
        {"format = eurostat\n", "dataset.ini:5: error: key 'format': \"eurostat\" is not a layout"},
        {"trim = maybe\n", "dataset.ini:5: error: key 'trim': \"maybe\" is not yes or no"},
        {"year_offset = 51\n", "dataset.ini:5: error: key 'year_offset': \"51\" is not a number"},
        {"year_offset = -1.5\n", "dataset.ini:5: error: key 'year_offset': \"-1.5\" is not"},
        {"flags.area_id = yes\n",
         "dataset.ini:5: error: key 'flags.area_id': status flags follow numbers"},
        {"split.id = one\n", "dataset.ini:5: error: key 'split.id': expected split.COLUMN = NAME"},
        {"split_at.id = /\n", "dataset.ini:5: error: key 'split_at.id': no split.id is given"},
        {"year_from.id = YYYYYYYYYYYY\n", "has 3 YYYY; at most two"},
        {"keep_if.id = \"open\n", "key 'keep_if.id': the item \"\\\"open\" opens a quote"},
        {"map.name = @empty.csv\n", "empty.csv holds no FROM,TO row after its header"},
        {"map.name = @d.csv\nmap.level = @\n", "dataset.ini:6: error: key 'map.level': empty"},
        {"column.name = \"#9\"\n", "key 'column.name': d.csv has no column \"#9\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        scratch s;
        open_scratch(&s);
        put_text(&s, "d.csv", "id,pop\nA,1\n");
        put_text(&s, "empty.csv", "from,to\n");
        char ini[512];
        snprintf(ini, sizeof ini,
                 "[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\n%s"
                 "column.population = pop\n",
                 cases[i].keys);
        put_text(&s, "dataset.ini", ini);
        cm_status st = load(&s);
        if (st == CM_OK || !has(&s, cases[i].want))
            fail_msg("case %zu (%s): status %d, want %s in:\n%s", i, cases[i].keys, (int)st,
                     cases[i].want, s.messages);
        close_scratch(&s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encoding_cp949),
        cmocka_unit_test(test_encoding_bad_bytes),
        cmocka_unit_test(test_encoding_utf16),
        cmocka_unit_test(test_eurostat_tsv),
        cmocka_unit_test(test_flags_travel),
        cmocka_unit_test(test_trim_flags_split),
        cmocka_unit_test(test_columns_by_position_and_quotes),
        cmocka_unit_test(test_column_reference_errors),
        cmocka_unit_test(test_every_error_said),
        cmocka_unit_test(test_canonical_names_unmapped),
        cmocka_unit_test(test_lookup_file),
        cmocka_unit_test(test_year_from_periods),
        cmocka_unit_test(test_period_interval),
        cmocka_unit_test(test_year_offset),
        cmocka_unit_test(test_bad_forms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
