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
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "citymig/dataset.h"
#include "citymig/sha256.h"

#include "mfscratch.h"

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

/* Filters combine with "and"; one that keeps no row warns at its line with
   the values its column holds; a tab delimiter may be written \t. */
static void test_filter_keeps_nothing(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "d.tsv", "id\tkind\tpop\nA\tcountry\t100\nB\taggregate\t200\nC\tcountry\t300\n");
    put_text(&s, "dataset.ini",
             "[areas]\nfile = d.tsv\ndelimiter = \\t\nyear = 2000\nkeep_if.kind = country\n"
             "skip_if.id = A\ncolumn.area_id = id\ncolumn.population = pop\n");
    assert_int_equal(load(&s), CM_OK);
    assert_int_equal(s.ds->areas->nrows, 1);
    EXPECT_AREA(&s, "C", 2000, CM_AREAS_POPULATION, "300");
    assert_string_equal(s.messages, "");
    close_scratch(&s);

    open_scratch(&s);
    put_text(&s, "d.csv", "id,kind,pop\nA,country,100\nB,aggregate,200\nC,country,300\n");
    put_text(&s, "dataset.ini",
             "[areas]\nfile = d.csv\nyear = 2000\nkeep_if.kind = Country\n"
             "column.area_id = id\ncolumn.population = pop\n");
    assert_int_equal(load(&s), CM_OK);
    assert_int_equal(s.ds->areas->nrows, 0);
    assert_non_null(strstr(s.messages, "dataset.ini:4: warning: keep_if.kind keeps no row of "));
    assert_non_null(strstr(s.messages, "none of its 3 rows has \"Country\" in column kind, which "
                                       "holds \"country\" (2 rows), \"aggregate\" (1 row)"));
    assert_non_null(strstr(s.messages, "no rows: the manifest's keep_if and skip_if dropped all 3 "
                                       "records"));
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

    /* The columns go on over indented lines, with or without a comma at the
       end of a line; the next key ends them. */
    open_scratch(&s);
    put_text(&s, "d.csv", "id,pop,Europe: Ireland,Africa: Total,Other,x\nA,100,1,2,4,8\n");
    put_text(&s, "dataset.ini",
             "[areas]\nfile = d.csv\nyear = 2011\ncolumn.area_id = id\n"
             "sum.foreign_born = Europe: Ireland,\n    Africa: Total\n    Other\n"
             "column.population = pop\n");
    assert_int_equal(load(&s), CM_OK);
    EXPECT_AREA(&s, "A", 2011, CM_AREAS_FOREIGN_BORN, "7");
    EXPECT_AREA(&s, "A", 2011, CM_AREAS_POPULATION, "100");
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

static const cm_flow_cell *flow_cell(scratch *s, const char *id, int32_t year, cm_kind kind,
                                     cm_sex sex)
{
    uint32_t area = cm_strpool_find(s->ds->pool, id, strlen(id));
    assert_int_not_equal(area, 0);
    const cm_flow_cell *c = cm_flows_find(s->ds->flows, area, year, kind, sex);
    assert_non_null(c);
    return c;
}

/* zones = ...: the zones of every year, a list continued on indented
   lines; moves from or to other areas are outside; a zone no row names is
   said. */
static void test_zones_list(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "a.csv", "id,pop\nC,10\n");
    put_text(&s, "f.csv", "from,to,n\nA,B,10\nX,B,3\nB,Y,4\nB,A,1\nS,S,2\n");
    put_text(&s, "dataset.ini",
             "[areas]\nfile = a.csv\nyear = 2011\ncolumn.area_id = id\n"
             "column.population = pop\n\n"
             "[flows]\nfile = f.csv\nyear = 2011\nkind = internal\n"
             "column.origin = from\ncolumn.destination = to\ncolumn.count = n\n"
             "zones = A, B,\n"
             "   C, Q, S\n"
             "   Q2\n");
    assert_int_equal(load(&s), CM_OK);
    const cm_flows *f = s.ds->flows;
    const uint32_t *ids;
    assert_int_equal(cm_flows_zones(f, 2011, &ids), 6);
    assert_int_equal(cm_flows_zones(f, 1999, &ids), 6);
    assert_string_equal(cm_flows_zone_rule(f, 2011), "the manifest's zones");
    const cm_flow_cell *b = flow_cell(&s, "B", 2011, CM_KIND_INTERNAL, CM_SEX_TOTAL);
    assert_int_equal(b->inflow, 13);
    assert_int_equal(b->in_outside, 3);
    assert_int_equal(b->outflow, 5);
    assert_int_equal(b->out_outside, 4);
    assert_int_equal(flow_cell(&s, "A", 2011, CM_KIND_INTERNAL, CM_SEX_TOTAL)->out_outside, 0);
    /* C is named by areas, S by a stayer row; Q and Q2 by none. */
    assert_null(strstr(s.messages, "'C'"));
    assert_null(strstr(s.messages, "\"S\""));
    assert_non_null(strstr(s.messages, "dataset.ini:14: warning: key 'zones': no row of any "
                                       "table names the zone \"Q\" (a typo, or an area with no "
                                       "data?)\n"));
    assert_non_null(strstr(s.messages, "the zone \"Q2\""));
    close_scratch(&s);
}

/* zone_level = LEVEL: the areas of that level, year by year; a year of
   internal flows with none is said. Without it, the finest level. */
static void test_zone_level(void **state)
{
    (void)state;
    for (int asked = 0; asked < 2; asked++) {
        scratch s;
        open_scratch(&s);
        put_text(&s, "a.csv",
                 "id,level,year,pop\nGB,country,2011,60\nLND,city,2011,8\nMAN,city,2011,1\n"
                 "GB,country,2012,61\nLND,district,2012,8\n");
        put_text(&s, "f.csv", "y,from,to,n\n2011,LND,MAN,5\n2011,GB,MAN,2\n2012,GB,LND,1\n");
        char ini[1024];
        snprintf(ini, sizeof ini,
                 "[areas]\nfile = a.csv\ncolumn.year = year\ncolumn.area_id = id\n"
                 "column.level = level\ncolumn.population = pop\n\n"
                 "[flows]\nfile = f.csv\ncolumn.year = y\nkind = internal\n"
                 "column.origin = from\ncolumn.destination = to\ncolumn.count = n\n%s",
                 asked ? "zone_level = City\n" : "");
        put_text(&s, "dataset.ini", ini);
        assert_int_equal(load(&s), CM_OK);
        const cm_flows *f = s.ds->flows;
        const uint32_t *ids;
        uint32_t lnd = cm_strpool_find(s.ds->pool, "LND", 3);
        assert_int_equal(cm_flows_zones(f, 2011, &ids), 2);
        assert_int_equal(flow_cell(&s, "MAN", 2011, CM_KIND_INTERNAL, CM_SEX_TOTAL)->in_outside, 2);
        if (asked) {
            assert_string_equal(cm_flows_zone_rule(f, 2011), "areas.csv, level city (zone_level)");
            assert_false(cm_flows_system_declared(f, 2012));
            assert_non_null(strstr(s.messages,
                                   "dataset.ini:15: warning: key 'zone_level': areas has no "
                                   "area of level city in 2012, a year of internal flows: no "
                                   "system of zones is declared for it\n"));
        } else {
            assert_string_equal(cm_flows_zone_rule(f, 2011), "areas.csv, level city");
            assert_string_equal(cm_flows_zone_rule(f, 2012), "areas.csv, level district");
            assert_int_equal(cm_flows_zones(f, 2012, &ids), 1);
            assert_int_equal(ids[0], lnd);
            assert_true(cm_flows_is_zone(f, lnd, 2012));
            assert_null(strstr(s.messages, "warning"));
        }
        close_scratch(&s);
    }
}

/* A directory: areas.csv is read before flows.csv, and its finest level of
   each year gives the zones, whichever reader takes flows.csv. */
static void test_directory_zones(void **state)
{
    (void)state;
    for (unsigned threads = 1; threads <= 2; threads++) {
        scratch s;
        open_scratch(&s);
        put_text(&s, "areas.csv",
                 "area_id,level,year,population\nGB,country,2011,60\nLND,city,2011,8\n"
                 "MAN,city,2011,1\n");
        put_text(&s, "flows.csv",
                 "year,origin,destination,kind,count\n2011,LND,MAN,internal,5\n"
                 "2011,GB,MAN,internal,2\n2011,PAR,MAN,international,9\n2012,GB,LND,internal,1\n");
        cm_diag diag;
        cm_diag_init(&diag, on_diag, &s, 0);
        cm_load_options lo = {0};
        lo.threads = threads;
        lo.flows_min_part = 1;
        assert_int_equal(cm_dataset_load(s.dir, &lo, &diag, &s.ds), CM_OK);
        const cm_flow_cell *man = flow_cell(&s, "MAN", 2011, CM_KIND_INTERNAL, CM_SEX_TOTAL);
        assert_int_equal(man->inflow, 7);
        assert_int_equal(man->in_outside, 2);
        assert_int_equal(man->in_line, 2);
        assert_int_equal(flow_cell(&s, "GB", 2011, CM_KIND_INTERNAL, CM_SEX_TOTAL)->out_outside, 0);
        assert_int_equal(
            flow_cell(&s, "MAN", 2011, CM_KIND_INTERNATIONAL, CM_SEX_TOTAL)->in_outside, 0);
        assert_int_equal(flow_cell(&s, "LND", 2012, CM_KIND_INTERNAL, CM_SEX_TOTAL)->in_outside, 0);
        assert_string_equal(cm_flows_zone_rule(s.ds->flows, 2011), "areas.csv, level city");
        assert_false(cm_flows_system_declared(s.ds->flows, 2012));
        close_scratch(&s);
    }
}

/* interval = N: a constant column; two sources of one year and kind with
   different intervals are an error naming both rows. */
static void test_interval_constant(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "f.csv", "from,to,n\nA,B,10\nB,A,4\n");
    put_text(&s, "g.csv", "from,to,n\nA,C,1\n");
    put_text(&s, "dataset.ini",
             "[flows]\nfile = f.csv\nyear = 2010\nkind = internal\ninterval = 5\n"
             "column.origin = from\ncolumn.destination = to\ncolumn.count = n\n");
    assert_int_equal(load(&s), CM_OK);
    assert_int_equal(cm_flows_interval(s.ds->flows, 2010, CM_KIND_INTERNAL), 5);
    assert_int_equal(cm_flows_interval(s.ds->flows, 2010, CM_KIND_INTERNATIONAL), 1);
    cm_flows_place at = cm_flows_interval_place(s.ds->flows, 2010, CM_KIND_INTERNAL);
    assert_int_equal(at.line, 2);
    assert_non_null(strstr(cm_flows_source_name(s.ds->flows, at.source), "f.csv"));
    cm_dataset_free(s.ds);
    s.ds = NULL;

    put_text(&s, "dataset.ini",
             "[flows]\nfile = f.csv\nyear = 2010\nkind = internal\ninterval = 5\n"
             "column.origin = from\ncolumn.destination = to\ncolumn.count = n\n\n"
             "[flows.more]\nfile = g.csv\nyear = 2010\nkind = internal\ninterval = 1\n"
             "column.origin = from\ncolumn.destination = to\ncolumn.count = n\n");
    s.mlen = 0;
    s.messages[0] = '\0';
    assert_int_equal(load(&s), CM_ERR_DATA);
    char want[1024];
    snprintf(want, sizeof want,
             "g.csv:2: error: column 'interval': rows of the internal flows of 2010 give "
             "different intervals: 1 at %s/g.csv:2, 5 at %s/f.csv:2 (expected one interval for "
             "every row of a year and kind)\n",
             s.dir, s.dir);
    assert_string_equal(s.messages, want);
    /* An interval out of range: each row, as for any constant. */
    cm_dataset_free(s.ds);
    s.ds = NULL;
    put_text(&s, "dataset.ini",
             "[flows]\nfile = f.csv\nyear = 2010\nkind = internal\ninterval = 60\n"
             "column.origin = from\ncolumn.destination = to\ncolumn.count = n\n");
    s.mlen = 0;
    s.messages[0] = '\0';
    assert_int_equal(load(&s), CM_ERR_DATA);
    assert_string_equal(s.messages, "f.csv:2: error: column 'interval': \"60\" is not an interval "
                                    "(out of range; expected the years the counts cover, a whole "
                                    "number from 1 to 50)\n"
                                    "f.csv:3: error: column 'interval': \"60\" is not an interval "
                                    "(out of range; expected the years the counts cover, a whole "
                                    "number from 1 to 50)\n");
    close_scratch(&s);
}

/* Totals against sexes, across sources: a warning at the T row naming an F
   row in its own file, with the three numbers. */
static void test_sex_totals(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "t.csv", "from,to,n\nA,B,100\nC,B,5\n");
    put_text(&s, "fm.csv", "from,to,sex,n\nA,B,F,40\nA,B,M,50\nC,B,F,2\nC,B,M,3\n");
    put_text(&s, "st.csv", "area,origin,sex,n\nB,P,T,10\nB,P,F,4\nB,Q,T,7\n");
    put_text(&s, "st2.csv", "area,origin,sex,n\nB,P,M,5\nB,Q,F,3\nB,Q,M,4\n");
    put_text(&s, "dataset.ini",
             "[stocks]\nfile = st.csv\nyear = 2011\ncolumn.area_id = area\n"
             "column.origin = origin\ncolumn.sex = sex\ncolumn.count = n\n\n"
             "[stocks.more]\nfile = st2.csv\nyear = 2011\ncolumn.area_id = area\n"
             "column.origin = origin\ncolumn.sex = sex\ncolumn.count = n\n\n"
             "[flows]\nfile = t.csv\nyear = 2011\nkind = internal\n"
             "column.origin = from\ncolumn.destination = to\ncolumn.count = n\n\n"
             "[flows.sexes]\nfile = fm.csv\nyear = 2011\nkind = internal\n"
             "column.origin = from\ncolumn.destination = to\ncolumn.sex = sex\n"
             "column.count = n\n");
    assert_int_equal(load(&s), CM_OK);
    char want[2048];
    snprintf(want, sizeof want,
             "st.csv:2: warning: stock of \"B\" in 2011 born in \"P\": T is 10 but F + M is 4 + "
             "5 = 9 (F row at %s/st.csv:3); expected T = F + M\n"
             "t.csv:2: warning: inflow of \"B\" in 2011 (internal): T is 105 but F + M is 42 + "
             "53 = 95 (first F row at %s/fm.csv:2); expected T = F + M\n"
             "t.csv:2: warning: outflow of \"A\" in 2011 (internal): T is 100 but F + M is 40 + "
             "50 = 90 (first F row at %s/fm.csv:2); expected T = F + M\n",
             s.dir, s.dir, s.dir);
    assert_string_equal(s.messages, want);
    close_scratch(&s);
}

/* polarity: a constant column of services. */
static void test_polarity(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "s.csv", "id,rate\nA,12.5\n");
    put_text(&s, "dataset.ini",
             "[services]\nfile = s.csv\nyear = 2018\nservice = health_insurance\n"
             "group = migrant\npolarity = lack\ncolumn.area_id = id\ncolumn.access_rate = rate\n");
    assert_int_equal(load(&s), CM_OK);
    assert_int_equal(s.ds->services->nrows, 1);
    cm_cell cell;
    assert_true(cm_table_get(s.ds->services, 0, CM_SERVICES_POLARITY, &cell));
    assert_int_equal(cell.v.code, CM_POLARITY_LACK);
    cm_dataset_free(s.ds);
    s.ds = NULL;
    put_text(&s, "dataset.ini",
             "[services]\nfile = s.csv\nyear = 2018\nservice = health_insurance\n"
             "group = migrant\npolarity = uninsured\ncolumn.area_id = id\n"
             "column.access_rate = rate\n");
    s.mlen = 0;
    s.messages[0] = '\0';
    assert_int_equal(load(&s), CM_ERR_DATA);
    assert_string_equal(s.messages, "s.csv:2: error: column 'polarity': unknown value "
                                    "\"uninsured\" (expected one of access, lack)\n");
    close_scratch(&s);
}

/* ---- encoding = ... ----------------------------------------------------------- */

static void put_areas_ini(scratch *s, const char *encoding)
{
    char ini[256];
    snprintf(ini, sizeof ini,
             "[areas]\nfile = d.csv\nencoding = %s\nyear = 2000\n"
             "column.area_id = id\ncolumn.population = pop\n",
             encoding);
    put_text(s, "dataset.ini", ini);
}

static void test_encoding_windows_1252(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    /* e3 is ã in both Windows-1252 and Latin-1; 8a (Š), 9c (œ) and 80 (€)
       are letters only in Windows-1252. */
    static const char file[] = "id,pop\n"
                               "S\xe3o Paulo,38103773\n"
                               "\x8a"
                               "ibenik,46332\n"
                               "\"C\x9cur\",7\n"
                               "\x80,1\n";
    put(&s, "d.csv", file, sizeof file - 1);
    put_areas_ini(&s, "windows-1252");
    assert_int_equal(load(&s), CM_OK);
    EXPECT_AREA(&s, "S\xc3\xa3o Paulo", 2000, CM_AREAS_POPULATION, "38103773");
    EXPECT_AREA(&s, "\xc5\xa0ibenik", 2000, CM_AREAS_POPULATION, "46332");
    EXPECT_AREA(&s, "C\xc5\x93ur", 2000, CM_AREAS_POPULATION, "7");
    EXPECT_AREA(&s, "\xe2\x82\xac", 2000, CM_AREAS_POPULATION, "1");
    assert_int_equal(s.ds->areas->nrows, 4);
    /* The size and the digest are the file's, not those of its UTF-8 text. */
    char hex[CM_SHA256_HEX_SIZE];
    cm_sha256_hex(file, sizeof file - 1, hex);
    assert_string_equal(s.ds->inputs[0].sha256, hex);
    assert_int_equal(s.ds->inputs[0].bytes, sizeof file - 1);
    assert_int_equal(s.ds->inputs[0].lines, 5);
    close_scratch(&s);
}

static void test_encoding_iso_8859(void **state)
{
    (void)state;
    /* a4 is the currency sign in ISO-8859-1 and the euro in ISO-8859-15. */
    static const char file[] = "id,pop\nS\xe3o Paulo,10\nRond\xf4nia,20\n\xa4,30\n";
    static const struct {
        const char *encoding, *a4;
    } cases[] = {{"iso-8859-1", "\xc2\xa4"},
                 {"latin1", "\xc2\xa4"},
                 {"ISO-8859-1", "\xc2\xa4"},
                 {"iso-8859-15", "\xe2\x82\xac"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        scratch s;
        open_scratch(&s);
        put(&s, "d.csv", file, sizeof file - 1);
        put_areas_ini(&s, cases[i].encoding);
        assert_int_equal(load(&s), CM_OK);
        EXPECT_AREA(&s, "S\xc3\xa3o Paulo", 2000, CM_AREAS_POPULATION, "10");
        EXPECT_AREA(&s, "Rond\xc3\xb4nia", 2000, CM_AREAS_POPULATION, "20");
        EXPECT_AREA(&s, cases[i].a4, 2000, CM_AREAS_POPULATION, "30");
        close_scratch(&s);
    }
    /* Read as UTF-8 (said, or by default), the same bytes are refused. */
    scratch s;
    open_scratch(&s);
    s.columns = true;
    put(&s, "d.csv", file, sizeof file - 1);
    put_areas_ini(&s, "UTF-8");
    assert_int_equal(load(&s), CM_ERR_DATA);
    assert_string_equal(s.messages,
                        "d.csv:2:2: error: invalid UTF-8 (byte 0xE3); the bytes look like a "
                        "Latin code page (Windows-1252, which holds ISO-8859-1's letters); "
                        "expected UTF-8, as [areas] of the manifest reads it: if the file is in "
                        "another encoding, say which there (encoding = windows-1252, cp949, or "
                        "another name iconv knows)\n");
    close_scratch(&s);
}

/* A byte with no character: named with its place in the source, which
   counts characters (one a byte) and line ends as the CSV reader does. */
static void test_encoding_undefined_byte(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    s.columns = true;
    /* A quoted field over two lines, CR LF line ends; then 0x81 in "B\xe3\x81". */
    static const char file[] = "id,pop,name\r\n"
                               "A,1,\"two\r\nlines\"\r\n"
                               "B\xe3\x81,2,x\r\n"
                               "C,3,x\r\n";
    put(&s, "d.csv", file, sizeof file - 1);
    put_areas_ini(&s, "windows-1252");
    assert_int_equal(load(&s), CM_ERR_DATA);
    assert_string_equal(s.messages,
                        "d.csv:4:3: error: byte 0x81 has no character in windows-1252, the "
                        "encoding the manifest declares (key 'encoding' at dataset.ini:3); "
                        "expected a byte of windows-1252 text (0x81, 0x8D, 0x8F, 0x90 and 0x9D "
                        "are unassigned in it): is the file in another encoding?\n");
    /* The rows before it are read; the one it is in, and those after, are not. */
    EXPECT_AREA(&s, "A", 2000, CM_AREAS_POPULATION, "1");
    EXPECT_AREA(&s, "C", 2000, CM_AREAS_POPULATION, "(no row)");
    close_scratch(&s);

    /* Past the first chunk read, and in ISO-8859-1, where 0x80 to 0x9F are
       control codes: the rows before it are read, and a bad value among them
       is named first, at its place in the source. */
    open_scratch(&s);
    s.columns = true;
    size_t rows = 30000, n = 0;
    char *big = malloc(rows * 24 + 64);
    assert_non_null(big);
    n += (size_t)sprintf(big + n, "id,pop\n");
    for (size_t i = 0; i < rows; i++)
        n += (size_t)sprintf(big + n, "\xc1rea %zu,%zu\n", i, i);
    n += (size_t)sprintf(big + n, "S\xe3o Paulo,five\n\xe9\x8a,1\n");
    assert_true(n > 256 * 1024);
    put(&s, "d.csv", big, n);
    free(big);
    put_areas_ini(&s, "iso-8859-1");
    assert_int_equal(load(&s), CM_ERR_DATA);
    const char *value = strstr(s.messages, "d.csv:30002:11: error: column 'population': \"five\" "
                                           "is not a count");
    const char *byte =
        strstr(s.messages, "d.csv:30003:2: error: byte 0x8A has no character in iso-8859-1, the "
                           "encoding the manifest declares (key 'encoding' at dataset.ini:3); "
                           "expected a byte of iso-8859-1 text (0x80 to 0x9F are control codes "
                           "in it, not text; windows-1252 has characters there: is the file "
                           "windows-1252?)\n");
    assert_non_null(value);
    assert_non_null(byte);
    assert_true(value < byte);
    EXPECT_AREA(&s, "\xc3\x81rea 29999", 2000, CM_AREAS_POPULATION, "29999");
    close_scratch(&s);
}

/* A UTF-8 byte order mark under another encoding: the file is UTF-8. */
static void test_encoding_bom(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    s.columns = true;
    put_text(&s, "d.csv", "\xef\xbb\xbfid,pop\nS\xc3\xa3o Paulo,1\n");
    put_areas_ini(&s, "windows-1252");
    assert_int_equal(load(&s), CM_ERR_DATA);
    assert_string_equal(s.messages,
                        "d.csv:1:1: error: the file starts with a UTF-8 byte order mark: it is "
                        "UTF-8, not windows-1252 as the manifest declares (key 'encoding' at "
                        "dataset.ini:3); expected no byte order mark in a windows-1252 file "
                        "(if the file is UTF-8, write encoding = utf-8 or leave the key out)\n");
    close_scratch(&s);
    /* The same file as UTF-8 is read, its BOM skipped. */
    open_scratch(&s);
    put_text(&s, "d.csv", "\xef\xbb\xbfid,pop\nS\xc3\xa3o Paulo,1\n");
    put_areas_ini(&s, "utf-8");
    assert_int_equal(load(&s), CM_OK);
    EXPECT_AREA(&s, "S\xc3\xa3o Paulo", 2000, CM_AREAS_POPULATION, "1");
    close_scratch(&s);
    /* Files shorter than a BOM are read too: what is wrong with them is said. */
    static const char *const tiny[] = {"", "i\n", "id"};
    static const char *const said[] = {"no header row", "has no column \"id\"",
                                       "has no column \"pop\""};
    for (size_t i = 0; i < 3; i++) {
        open_scratch(&s);
        put_text(&s, "d.csv", tiny[i]);
        put_areas_ini(&s, "windows-1252");
        assert_int_not_equal(load(&s), CM_OK);
        assert_null(strstr(s.messages, "byte order mark"));
        assert_non_null(strstr(s.messages, said[i]));
        close_scratch(&s);
    }
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
     "dataset.ini:5: error: key 'column.population': d.csv has no column \"Pop\" (its columns: "
     "\"id\", \"pop\")"},
    {"[areas]\nfile = d.csv\ncolumn.area_id = id\nunpivot = 2020-1990 -> year, population\n",
     "dataset.ini:4: error: key 'unpivot': \"2020-1990\" is not a range of years"},
    {"[areas]\nfile = d.csv\ncolumn.area_id = id\nunpivot = 2020-2021 -> population\n",
     "dataset.ini:4: error: key 'unpivot': expected '-> year, COLUMN' after the range"},
    {"[areas]\nfile = nowhere.csv\nyear = 2020\ncolumn.area_id = id\ncolumn.population = pop\n",
     "dataset.ini:2: error: key 'file': cannot open \"nowhere.csv\": No such file or directory"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = {id}-{State}\n"
     "column.population = pop\n",
     "dataset.ini:4: error: key 'column.area_id': d.csv has no column \"State\""},
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
     "dataset.ini:5: error: key 'delimiter': \"ab\" is not one character"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\ndelimiter =\n",
     "dataset.ini:5: error: key 'delimiter': empty (in a manifest a ';' after a space starts a "
     "comment"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\nscale.population = -5\n",
     "dataset.ini:5: error: key 'scale.population': \"-5\" is not a positive number"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\nround.name = yes\n",
     "dataset.ini:5: error: key 'round.name': only counts are rounded"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\nthis line has no equals sign\n",
     "dataset.ini:5: error: not a [section] nor a 'key = value' line"},
    {"[areas]\nfile = d.csv\narea_id = A\ncolumn.area_id = id\nyear = 2020\n",
     "dataset.ini:4: error: key 'column.area_id': column 'area_id' is already given (line 3)"},
    {"[flows]\nfile = d.csv\njoin = flows\n",
     "dataset.ini:3: error: key 'join': [flows] names itself; expected another section of flows, "
     "whose rows this one's columns join (such as join = flows in [flows.extra])\n"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\njoin = areas\n",
     "dataset.ini:5: error: key 'join': [areas] names itself; expected another section of areas"},
    /* Files stay in the manifest's folder. */
    {"[areas]\nfile = /etc/passwd\nyear = 2020\ncolumn.area_id = id\n",
     "dataset.ini:2: error: key 'file': \"/etc/passwd\" is an absolute path; expected a path "
     "relative to the manifest, to a file in its folder (or give --allow-outside-files to read "
     "files elsewhere)\n"},
    {"[areas]\nfile = ../../../../../../etc/passwd\nyear = 2020\ncolumn.area_id = id\n",
     "dataset.ini:2: error: key 'file': \"../../../../../../etc/passwd\" leads out of the "
     "manifest's folder with '..'; expected a file in that folder or below it (or give "
     "--allow-outside-files to read files elsewhere)\n"},
    {"[areas]\nfile = sub/../../d.csv\nyear = 2020\ncolumn.area_id = id\n",
     "dataset.ini:2: error: key 'file': \"sub/../../d.csv\" leads out of the manifest's folder "
     "with '..'"},
    {"[areas]\nfile =\nyear = 2020\ncolumn.area_id = id\n",
     "dataset.ini:2: error: key 'file': empty; expected the name of a file beside the manifest\n"},
    /* A value from a file is quoted escaped and cut short. */
    {"[areas]\nfile = "
     "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
     "year = 2020\ncolumn.area_id = id\n",
     "dataset.ini:2: error: key 'file': "
     "\"/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" "
     "is an absolute path"},
    /* The manifest is UTF-8 text, every value of it. */
    {"[dataset]\ntitle = Z\xfcrich\n[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\n",
     "dataset.ini:2: error: invalid UTF-8 (byte 0xFC); expected a manifest in UTF-8 (if it was "
     "saved as Latin-1 or Windows-1252, convert it first, for example with iconv -f "
     "WINDOWS-1252 -t UTF-8)\n"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\nmap.area_id = A:Z\xfcrich\n",
     "dataset.ini:5: error: invalid UTF-8 (byte 0xFC)"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\nmap.area_id = A:B\x01\n",
     "dataset.ini:5: error: control character U+0001; expected text: XML 1.0, in which reports "
     "are written, forbids it (remove it from the manifest)\n"},
    {"[areas]\nfile = d.csv\nyear = 2020\narea_id = \xef\xbf\xbe\n",
     "dataset.ini:4: error: the noncharacter U+FFFE; expected text"},
    {"[are\x1b"
     "as]\nfile = d.csv\n",
     "dataset.ini:1: error: control character U+001B"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\nkeep_if.Kind = x\n",
     "dataset.ini:5: error: key 'keep_if.Kind': d.csv has no column \"Kind\""},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\nzones = A, B\n",
     "dataset.ini:5: error: key 'zones' in [areas]: zones are declared in a flows section "
     "([flows] or [flows.NAME])"},
    {"[flows]\nfile = d.csv\nzone_level = town\n",
     "dataset.ini:3: error: key 'zone_level': \"town\" is not a level (expected one of world, "
     "region, country, metro, city, district)"},
    {"[flows]\nfile = d.csv\nzones = A\nzone_level = city\n",
     "dataset.ini:4: error: key 'zone_level': 'zones' is given at line 3; give zones or "
     "zone_level, not both"},
    {"[flows]\nfile = d.csv\nzones = A\n\n[flows.b]\nfile = d.csv\nzones = B\n",
     "dataset.ini:7: error: key 'zones': already given at line 3 (the flows have one system of "
     "zones)"},
    {"[flows]\nfile = d.csv\nzones = ,\n",
     "dataset.ini:3: error: key 'zones': no zone given (expected area ids separated by commas)"},
    {"[flows]\nfile = d.csv\nzone = A\n",
     "dataset.ini:3: error: unknown key 'zone' in [flows] (expected file, encoding, format, "
     "delimiter, quote, line_ends, header_line, missing, thousands, decimal, trim, flags, dedupe, "
     "unpivot, year_offset, join, zones, zone_level, source, publisher, url, licence, license, "
     "citation, a column of flows.csv"},
    /* How the data is cited. */
    {"[dataset]\ntitle = T\ncolour = blue\n[areas]\nfile = d.csv\nyear = 2020\n"
     "column.area_id = id\n",
     "dataset.ini:3: error: unknown key 'colour' in [dataset] (expected title, reference_year, "
     "source, publisher, url, licence (or license), citation, or note. followed by an area_id)\n"},
    {"[dataset]\nnote.A = one\nnote.A = two\n[areas]\nfile = d.csv\nyear = 2020\n"
     "column.area_id = id\n",
     "dataset.ini:3: error: key 'note.A' is given twice in [dataset]\n"},
    {"[dataset]\nnote. = x\n[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\n",
     "dataset.ini:2: error: key 'note.': no area_id after the dot (expected note.AREA_ID)\n"},
    {"[dataset]\nreference_year = 13\n[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\n",
     "dataset.ini:2: error: key 'reference_year': \"13\" is not a year (expected four digits, such "
     "as 2013)\n"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\ncite = x\n",
     "dataset.ini:5: error: unknown key 'cite' in [areas] (expected file, encoding, format, "
     "delimiter, quote, line_ends, header_line, missing, thousands, decimal, trim, flags, dedupe, "
     "unpivot, year_offset, join, source, publisher, url, licence, license, citation, a column of "
     "areas.csv, or column., map., sum., scale., round., flags., split., split_at., year_from., "
     "keep_if., skip_if. followed by a name)\n"},
    {"[dataset]\nurl = ftp://example.org/d.csv\n[areas]\nfile = d.csv\nyear = 2020\n"
     "column.area_id = id\n",
     "dataset.ini:2: error: key 'url': \"ftp://example.org/d.csv\" does not start with https:// "
     "or http://; expected the address where the data is published, such as "
     "https://data.london.gov.uk/\n"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\nurl = example.org\n",
     "dataset.ini:5: error: key 'url': \"example.org\" does not start with https:// or http://"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\n"
     "url = https://example.org/my data.csv\n",
     "dataset.ini:5: error: key 'url': \"https://example.org/my data.csv\" holds a space; expected "
     "an address without spaces (a space in an address is written %20)\n"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\nurl = http://\n",
     "dataset.ini:5: error: key 'url': \"http://\" names no host after http://"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\nurl = https://example.org/\n"
     "    d.csv\n",
     "dataset.ini:6: error: key 'url': goes on over an indented line; expected the address on one "
     "line, without spaces\n"},
    {"[dataset]\nsource =\n[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\n",
     "dataset.ini:2: error: key 'source': empty; expected the name of the data, as its publisher "
     "gives it\n"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\ncitation =\n",
     "dataset.ini:5: error: key 'citation': empty; expected the reference to the data, as its "
     "publisher asks to be cited\n"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\npublisher =\n",
     "dataset.ini:5: error: key 'publisher': empty; expected who publishes the data\n"},
    {"[dataset]\nlicence = CC BY 4.0\nlicense = OGL\n[areas]\nfile = d.csv\nyear = 2020\n"
     "column.area_id = id\n",
     "dataset.ini:3: error: key 'license' is given twice in [dataset] (licence and license are "
     "the same key)\n"},
    {"[dataset]\nsource = A\n[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\n"
     "[dataset]\nsource = B\n",
     "dataset.ini:8: error: key 'source' is given twice in [dataset] (first at line 2)\n"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\npublisher = A\tB\n",
     "dataset.ini:5: error: key 'publisher': control character U+0009 (character 2 of the "
     "value); expected one line of text (write a space for the tab)\n"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\nsource = A\xc2\x9b"
     "B\n",
     "dataset.ini:5: error: key 'source': control character U+009B (character 2 of the value); "
     "expected one line of text\n"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\nsource = A\x01\n",
     "dataset.ini:5: error: control character U+0001; expected text"},
    {"[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\nencoding = klingon-8\n",
     "dataset.ini:5: error: key 'encoding': \"klingon-8\" is not an encoding this system converts "
     "(iconv has no encoding of that name); expected a name iconv knows, such as utf-8, "
     "windows-1252, iso-8859-1, cp949, shift_jis, gb18030, big5 or utf-16 (iconv -l lists "
     "them)\n"},
};

/* A NUL byte in a manifest is refused at its place, not read as the end of
   its line. */
static void test_manifest_nul(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    s.columns = true;
    put_text(&s, "d.csv", "id,pop\nA,5\n");
    static const char ini[] = "[areas]\nfile = d.csv\0.x\nyear = 2020\ncolumn.area_id = id\n";
    put(&s, "dataset.ini", ini, sizeof ini - 1);
    assert_int_equal(load(&s), CM_ERR_DATA);
    assert_string_equal(s.messages, "dataset.ini:2:13: error: control character U+0000; "
                                    "expected text: XML 1.0, in which reports are written, "
                                    "forbids it (remove it from the manifest)\n");
    close_scratch(&s);
}

/* CR line ends (an old Mac export) and CRLF are read as LF: the same
   dataset, and the same lines in messages. */
static void test_manifest_line_ends(void **state)
{
    (void)state;
    static const char *const ends[] = {"\r", "\r\n", "\n"};
    for (size_t i = 0; i < 3; i++) {
        scratch s;
        open_scratch(&s);
        put_text(&s, "d.csv", "id,pop\nA,5\n");
        char ini[256];
        snprintf(ini, sizeof ini,
                 "[dataset]%stitle = T%s[areas]%sfile = d.csv%syear = 2020%s"
                 "column.area_id = id%scolumn.population = pop%s",
                 ends[i], ends[i], ends[i], ends[i], ends[i], ends[i], ends[i]);
        put_text(&s, "dataset.ini", ini);
        assert_int_equal(load(&s), CM_OK);
        assert_string_equal(s.ds->title, "T");
        EXPECT_AREA(&s, "A", 2020, CM_AREAS_POPULATION, "5");
        close_scratch(&s);
        /* An error names its line. */
        open_scratch(&s);
        put_text(&s, "d.csv", "id,pop\nA,5\n");
        snprintf(ini, sizeof ini, "[areas]%sfile = d.csv%syear = 2020%scolour = blue%s", ends[i],
                 ends[i], ends[i], ends[i]);
        put_text(&s, "dataset.ini", ini);
        assert_int_equal(load(&s), CM_ERR_DATA);
        assert_non_null(strstr(s.messages, "dataset.ini:4: error: unknown key 'colour'"));
        close_scratch(&s);
    }
}

/* A value the manifest changed (scale, marks) is quoted as its file writes
   it, with what it became. */
static void test_value_quoted_as_written(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "d.csv", "id,pop\nA,0.0005\nB,12.25\n");
    put_text(&s, "dataset.ini",
             "[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\n"
             "column.population = pop\nscale.population = 1000\n");
    assert_int_equal(load(&s), CM_ERR_DATA);
    assert_non_null(strstr(s.messages, "d.csv:2: error: column 'population': \"0.0005\" is not a "
                                       "count (scale.population = 1000 makes it \"0.5\": has a "
                                       "decimal point; expected"));
    assert_null(strstr(s.messages, "d.csv:3:")); /* 12.25 thousand is 12250 */
    close_scratch(&s);
    open_scratch(&s);
    put_text(&s, "d.csv", "id;pop\nA;\"1.234,5\"\n");
    put_text(&s, "dataset.ini",
             "[areas]\nfile = d.csv\ndelimiter = semicolon\nyear = 2020\ncolumn.area_id = id\n"
             "column.population = pop\nthousands = period\ndecimal = comma\n");
    assert_int_equal(load(&s), CM_ERR_DATA);
    assert_non_null(strstr(s.messages, "d.csv:2: error: column 'population': \"1.234,5\" is not "
                                       "a count (read with the manifest's thousands separator "
                                       "and decimal mark as \"1234.5\": has a decimal point"));
    close_scratch(&s);
}

/* The download's column names, listed in a message, are quoted escaped:
   a name cannot write to the terminal. */
static void test_download_names_quoted(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "d.csv", "i\x1b[2Jd,pop\nA,5\n");
    put_text(&s, "dataset.ini",
             "[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\ncolumn.population = pop\n");
    assert_int_equal(load(&s), CM_ERR_DATA);
    assert_string_equal(s.messages, "dataset.ini:4: error: key 'column.area_id': d.csv has no "
                                    "column \"id\" (its columns: \"i\\x1b[2Jd\", \"pop\")\n");
    close_scratch(&s);
}

/* A source that is not a regular file is refused at the manifest's line,
   before it is opened: a named pipe would block for ever. So is a manifest
   that is a pipe. */
static void test_source_not_regular(void **state)
{
    (void)state;
    scratch s;
    char path[400];
    open_scratch(&s);
    assert_int_equal(mkfifo(scratch_name(&s, "pipe.csv", path, sizeof path), 0600), 0);
    assert_int_equal(mkdir(scratch_name(&s, "sub", path, sizeof path), 0700), 0);
    put_text(&s, "dataset.ini",
             "[areas]\nfile = pipe.csv\nyear = 2020\ncolumn.area_id = id\n"
             "[stocks]\nfile = sub\nyear = 2020\narea_id = A\norigin = B\ncount = 1\n");
    assert_int_equal(load(&s), CM_ERR_NOINPUT);
    assert_string_equal(s.messages,
                        "dataset.ini:2: error: key 'file': \"pipe.csv\" is a named pipe (FIFO); "
                        "expected a regular file\n"
                        "dataset.ini:6: error: key 'file': \"sub\" is a directory; expected a "
                        "regular file\n");
    close_scratch(&s);

    /* The manifest a pipe: named itself, or found in its directory. */
    open_scratch(&s);
    assert_int_equal(mkfifo(scratch_name(&s, "dataset.ini", path, sizeof path), 0600), 0);
    assert_int_equal(load(&s), CM_ERR_NOINPUT);
    assert_string_equal(s.messages, "dataset.ini:0: error: cannot read the dataset: it is a named "
                                    "pipe (FIFO); expected a directory holding areas.csv, "
                                    "stocks.csv, flows.csv or services.csv, or a manifest\n");
    s.mlen = 0;
    cm_dataset_free(s.ds);
    s.ds = NULL;
    cm_diag diag;
    cm_diag_init(&diag, on_diag, &s, 0);
    cm_load_options lo = {0};
    assert_int_equal(cm_dataset_load(s.dir, &lo, &diag, &s.ds), CM_ERR_NOINPUT);
    assert_string_equal(s.messages, "dataset.ini:0: error: cannot read the manifest: it is a "
                                    "named pipe (FIFO); expected a regular file (save what it "
                                    "gives to a file, and name that file)\n");
    close_scratch(&s);
}

/* A symbolic link leading out of the manifest's folder is refused, one
   inside it followed; --allow-outside-files lets a manifest read anywhere. */
static void test_files_stay_in_the_folder(void **state)
{
    (void)state;
    scratch out, s;
    char path[400], target[400];
    open_scratch(&out);
    put_text(&out, "secret.csv", "id,pop\nS,1\n");
    snprintf(target, sizeof target, "%s/secret.csv", out.dir);
    open_scratch(&s);
    put_text(&s, "d.csv", "id,pop\nA,5\n");
    assert_int_equal(symlink(target, scratch_name(&s, "out.csv", path, sizeof path)), 0);
    assert_int_equal(symlink("d.csv", scratch_name(&s, "in.csv", path, sizeof path)), 0);
    assert_int_equal(symlink(out.dir, scratch_name(&s, "outdir", path, sizeof path)), 0);
    put_text(&s, "dataset.ini",
             "[areas]\nfile = in.csv\nyear = 2020\ncolumn.area_id = id\ncolumn.population = pop\n"
             "[areas.b]\nfile = out.csv\nyear = 2021\ncolumn.area_id = id\n"
             "column.population = pop\n"
             "[areas.c]\nfile = outdir/secret.csv\nyear = 2022\ncolumn.area_id = id\n"
             "column.population = pop\n");
    assert_int_equal(load(&s), CM_ERR_DATA);
    assert_string_equal(s.messages,
                        "dataset.ini:7: error: key 'file': \"out.csv\" leads out of the "
                        "manifest's folder through a symbolic link; expected a file in that "
                        "folder or below it (or give --allow-outside-files to read files "
                        "elsewhere)\n"
                        "dataset.ini:12: error: key 'file': \"outdir/secret.csv\" leads out of "
                        "the manifest's folder through a symbolic link; expected a file in that "
                        "folder or below it (or give --allow-outside-files to read files "
                        "elsewhere)\n");
    cm_dataset_free(s.ds);
    s.ds = NULL;
    s.mlen = 0;
    s.messages[0] = '\0';
    cm_load_options lo = {.allow_outside_files = true};
    assert_int_equal(load_with(&s, &lo), CM_OK);
    EXPECT_AREA(&s, "A", 2020, CM_AREAS_POPULATION, "5");
    EXPECT_AREA(&s, "S", 2021, CM_AREAS_POPULATION, "1");
    EXPECT_AREA(&s, "S", 2022, CM_AREAS_POPULATION, "1");
    close_scratch(&s);

    /* '..' and an absolute path, allowed. */
    open_scratch(&s);
    const char *base = strrchr(out.dir, '/') + 1;
    char ini[1024];
    snprintf(ini, sizeof ini,
             "[areas]\nfile = ../%s/secret.csv\nyear = 2020\ncolumn.area_id = id\n"
             "column.population = pop\n[areas.b]\nfile = %s\nyear = 2021\n"
             "column.area_id = id\ncolumn.population = pop\n",
             base, target);
    put_text(&s, "dataset.ini", ini);
    assert_int_equal(load(&s), CM_ERR_DATA);
    assert_non_null(strstr(s.messages, "dataset.ini:2: error: key 'file': \"../"));
    assert_non_null(strstr(s.messages, "dataset.ini:7: error: key 'file': \"/"));
    cm_dataset_free(s.ds);
    s.ds = NULL;
    assert_int_equal(load_with(&s, &lo), CM_OK);
    EXPECT_AREA(&s, "S", 2020, CM_AREAS_POPULATION, "1");
    EXPECT_AREA(&s, "S", 2021, CM_AREAS_POPULATION, "1");
    close_scratch(&s);
    close_scratch(&out);
}

/* source, publisher, url, licence (or license) and citation: the dataset's
   from [dataset], each table's from its sections, the distinct values of
   several sections joined with "; " in their order. */
static void test_citations(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "d.csv", "id,pop\nA,5\n");
    put_text(&s, "o.csv", "id,origin,n\nA,B,2\n");
    put_text(&s, "dataset.ini",
             "[dataset]\ntitle = T\nreference_year = 2021\nsource = Census 2020\n"
             "publisher = Statistics Office\nnote.A = A counts residents of foreign origin\n"
             "url = https://stats.example.org/census\nlicense = CC BY 4.0\n"
             "citation = Statistics Office (2020), Census 2020,\n"
             "    https://stats.example.org/census\n"
             "[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\ncolumn.population = pop\n"
             "source = Population estimates\npublisher = Statistics Office\n"
             "[stocks]\nfile = o.csv\nyear = 2020\ncolumn.area_id = id\n"
             "column.origin = origin\ncolumn.count = n\nlicence = OGL\n"
             "[areas.later]\nfile = d.csv\nyear = 2021\ncolumn.area_id = id\n"
             "column.population = pop\nsource = Mid-year estimates\npublisher = Statistics Office\n"
             "url = http://old.example.org/\n"
             "[areas.again]\nfile = d.csv\nyear = 2022\ncolumn.area_id = id\n"
             "column.population = pop\nsource = Population estimates\n"
             "citation = A reference\n  going on\n");
    assert_int_equal(load(&s), CM_OK);
    assert_string_equal(s.messages, "");
    assert_int_equal(s.ds->reference_year, 2021);
    assert_int_equal(s.ds->nnotes, 1);
    assert_string_equal(s.ds->notes[0].area, "A");
    assert_string_equal(s.ds->notes[0].text, "A counts residents of foreign origin");
    const cm_citation *d = &s.ds->cite;
    assert_string_equal(d->source, "Census 2020");
    assert_string_equal(d->publisher, "Statistics Office");
    assert_string_equal(d->url, "https://stats.example.org/census");
    assert_string_equal(d->licence, "CC BY 4.0");
    assert_string_equal(d->citation,
                        "Statistics Office (2020), Census 2020, https://stats.example.org/census");
    const cm_citation *a = &s.ds->table_cite[CM_TABLE_AREAS];
    assert_string_equal(a->source, "Population estimates; Mid-year estimates");
    assert_string_equal(a->publisher, "Statistics Office");
    assert_string_equal(a->url, "http://old.example.org/");
    assert_null(a->licence);
    assert_string_equal(a->citation, "A reference going on");
    const cm_citation *o = &s.ds->table_cite[CM_TABLE_STOCKS];
    assert_string_equal(o->licence, "OGL");
    assert_null(o->source);
    assert_null(o->publisher);
    assert_null(o->url);
    assert_null(o->citation);
    for (int t = CM_TABLE_FLOWS; t < CM_TABLE_COUNT; t++) {
        const cm_citation *n = &s.ds->table_cite[t];
        assert_true(!n->source && !n->publisher && !n->url && !n->licence && !n->citation);
    }
    close_scratch(&s);
    /* Without the keys, nothing is cited. */
    open_scratch(&s);
    put_text(&s, "d.csv", "id,pop\nA,5\n");
    put_text(&s, "dataset.ini", "[areas]\nfile = d.csv\nyear = 2020\ncolumn.area_id = id\n");
    assert_int_equal(load(&s), CM_OK);
    assert_null(s.ds->cite.source);
    assert_null(s.ds->cite.citation);
    assert_null(s.ds->table_cite[CM_TABLE_AREAS].source);
    close_scratch(&s);
}

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
        cmocka_unit_test(test_filter_keeps_nothing),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_filters_maps_dedupe),
        cmocka_unit_test(test_keep_if),
        cmocka_unit_test(test_unpivot_and_join),
        cmocka_unit_test(test_header_line),
        cmocka_unit_test(test_sum),
        cmocka_unit_test(test_missing_token_in_required_column),
        cmocka_unit_test(test_errors_point_at_the_download),
        cmocka_unit_test(test_zones_list),
        cmocka_unit_test(test_directory_zones),
        cmocka_unit_test(test_zone_level),
        cmocka_unit_test(test_interval_constant),
        cmocka_unit_test(test_sex_totals),
        cmocka_unit_test(test_polarity),
        cmocka_unit_test(test_encoding_windows_1252),
        cmocka_unit_test(test_encoding_iso_8859),
        cmocka_unit_test(test_encoding_undefined_byte),
        cmocka_unit_test(test_encoding_bom),
        cmocka_unit_test(test_bad_manifests),
        cmocka_unit_test(test_citations),
        cmocka_unit_test(test_manifest_nul),
        cmocka_unit_test(test_manifest_line_ends),
        cmocka_unit_test(test_value_quoted_as_written),
        cmocka_unit_test(test_source_not_regular),
        cmocka_unit_test(test_download_names_quoted),
        cmocka_unit_test(test_files_stay_in_the_folder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
