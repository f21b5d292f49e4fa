/*
 * test_draft.c - citymig draft: each guess on a small download written to a
 * scratch directory (encoding, delimiter, header line, missing tokens,
 * thousands and decimal marks, year columns, Eurostat's layout, columns
 * with no header, periods, flows, several files), the bad forms (a file
 * that is not there, an empty one, a binary one), and the encoding
 * classifier that the CSV reader shares. Where a draft should be valid, it
 * is loaded as a manifest.
 */
#include <iconv.h>
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
#include "citymig/draft.h"
#include "citymig/encguess.h"

typedef struct scratch {
    char dir[256];
    char files[16][96];
    size_t nfiles;
    char messages[8192];
    size_t mlen;
    char *manifest; /* the draft */
    char *why;      /* what it said */
} scratch;

static void open_scratch(scratch *s)
{
    memset(s, 0, sizeof *s);
    const char *tmp = getenv("TMPDIR");
    snprintf(s->dir, sizeof s->dir, "%s/cm-draft-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(s->dir));
}

static void put(scratch *s, const char *name, const void *bytes, size_t len)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", s->dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    snprintf(s->files[s->nfiles++], sizeof s->files[0], "%s", name);
}

static void put_text(scratch *s, const char *name, const char *text)
{
    put(s, name, text, strlen(text));
}

/* text, converted from UTF-8 to an encoding with iconv, as a file. */
static void put_encoded(scratch *s, const char *name, const char *encoding, const char *text)
{
    iconv_t cd = iconv_open(encoding, "UTF-8");
    assert_true(cd != (iconv_t)-1);
    char out[4096];
    char *in = (char *)(uintptr_t)text, *o = out;
    size_t inleft = strlen(text), outleft = sizeof out;
    assert_true(iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1);
    iconv_close(cd);
    put(s, name, out, sizeof out - outleft);
}

static void on_diag(void *ctx, const cm_diag_msg *msg)
{
    scratch *s = ctx;
    const char *file = msg->loc.file ? strrchr(msg->loc.file, '/') : NULL;
    file = file ? file + 1 : msg->loc.file ? msg->loc.file : "";
    int n = snprintf(s->messages + s->mlen, sizeof s->messages - s->mlen, "%s: %s: %s\n", file,
                     cm_severity_str(msg->severity), msg->text);
    if (n > 0 && (size_t)n < sizeof s->messages - s->mlen)
        s->mlen += (size_t)n;
}

/* Drafts the named files of the scratch directory into s->manifest, the
   manifest going to the directory itself (or to sub/ below it). */
static cm_status draft_in(scratch *s, const char *sub, const char *const *names, size_t n)
{
    char paths[16][400];
    const char *files[16];
    for (size_t i = 0; i < n; i++) {
        snprintf(paths[i], sizeof paths[i], "%s/%s", s->dir, names[i]);
        files[i] = paths[i];
    }
    char dir[400];
    snprintf(dir, sizeof dir, "%s/%s", s->dir, sub ? sub : "");
    cm_draft_options opts = {files, n, dir};
    size_t mlen = 0, wlen = 0;
    free(s->manifest);
    free(s->why);
    FILE *out = open_memstream(&s->manifest, &mlen);
    FILE *why = open_memstream(&s->why, &wlen);
    assert_non_null(out);
    assert_non_null(why);
    cm_diag diag;
    cm_diag_init(&diag, on_diag, s, 0);
    cm_status st = cm_draft_write(&opts, out, why, &diag);
    assert_int_equal(fclose(out), 0);
    assert_int_equal(fclose(why), 0);
    return st;
}

static cm_status draft(scratch *s, const char *const *names, size_t n)
{
    return draft_in(s, NULL, names, n);
}

static cm_status draft_one(scratch *s, const char *name)
{
    const char *names[1] = {name};
    return draft(s, names, 1);
}

/* The draft holds a line that is exactly line. */
static void assert_line(const scratch *s, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = s->manifest; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len == n && memcmp(p, line, n) == 0)
            return;
        p += len + (nl ? 1 : 0);
    }
    fprintf(stderr, "no line \"%s\" in the draft:\n%s\nsaid:\n%s\n", line, s->manifest, s->why);
    fail();
}

static void assert_no_line_starting(const scratch *s, const char *start)
{
    size_t n = strlen(start);
    for (const char *p = s->manifest; p && *p;) {
        if (strncmp(p, start, n) == 0)
            fail_msg("a line starts with \"%s\" in the draft:\n%s", start, s->manifest);
        const char *nl = strchr(p, '\n');
        p = nl ? nl + 1 : p + strlen(p);
    }
}

static void assert_has(const char *text, const char *needle)
{
    if (!text || !strstr(text, needle)) {
        fprintf(stderr, "\"%s\" not found in:\n%s\n", needle, text ? text : "(nothing)");
        fail();
    }
}

/* Every line of the draft fits inih (at most 199 characters) and is UTF-8. */
static void assert_lines_fit(const scratch *s)
{
    for (const char *p = s->manifest; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len > 199)
            fail_msg("a line of %zu characters: %.*s", len, (int)len, p);
        p += len + (nl ? 1 : 0);
    }
}

/* The draft, written beside the files, loads as a manifest. */
static void assert_loads(scratch *s)
{
    char path[400];
    snprintf(path, sizeof path, "%s/dataset.ini", s->dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(s->manifest, f);
    assert_int_equal(fclose(f), 0);
    snprintf(s->files[s->nfiles++], sizeof s->files[0], "dataset.ini");
    cm_load_options lo = {0};
    cm_diag diag;
    cm_dataset *ds = NULL;
    s->mlen = 0;
    s->messages[0] = '\0';
    cm_diag_init(&diag, on_diag, s, 0);
    cm_status st = cm_dataset_load(path, &lo, &diag, &ds);
    if (st != CM_OK || diag.errors) {
        fprintf(stderr, "the draft does not load:\n%s\n%s\n", s->manifest, s->messages);
        fail();
    }
    cm_dataset_free(ds);
    unlink(path);
    s->nfiles--;
}

static void close_scratch(scratch *s)
{
    char path[400];
    for (size_t i = 0; i < s->nfiles; i++) {
        snprintf(path, sizeof path, "%s/%s", s->dir, s->files[i]);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/sub", s->dir);
    rmdir(path);
    rmdir(s->dir);
    free(s->manifest);
    free(s->why);
}

/* ---- the classifier ------------------------------------------------------------ */

static const char *guess_of(const char *bytes, size_t n, char *why, size_t size)
{
    return cm_encguess((const unsigned char *)bytes, n, why, size);
}

/* text converted from UTF-8 to an encoding, for the classifier. */
static size_t encode(const char *encoding, const char *text, char *out, size_t size)
{
    iconv_t cd = iconv_open(encoding, "UTF-8");
    assert_true(cd != (iconv_t)-1);
    char *in = (char *)(uintptr_t)text, *o = out;
    size_t inleft = strlen(text), outleft = size;
    assert_true(iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1);
    iconv_close(cd);
    return size - outleft;
}

static void test_encguess_bytes(void **state)
{
    (void)state;
    /* The rule of the CSV reader's hint. */
    assert_int_equal(cm_encguess_byte(0x92, -1), CM_ENC_LOOK_WINDOWS_1252);
    assert_int_equal(cm_encguess_byte(0x80, 0xA1), CM_ENC_LOOK_WINDOWS_1252);
    assert_int_equal(cm_encguess_byte(0xB0, 0xA1), CM_ENC_LOOK_EAST_ASIAN);
    assert_int_equal(cm_encguess_byte(0xFE, 0xFE), CM_ENC_LOOK_EAST_ASIAN);
    assert_int_equal(cm_encguess_byte(0xE9, -1), CM_ENC_LOOK_EITHER);
    assert_int_equal(cm_encguess_byte(0xE9, 'r'), CM_ENC_LOOK_LATIN);
    assert_int_equal(cm_encguess_byte(0xA0, 0xA1), CM_ENC_LOOK_LATIN);
    assert_int_equal(cm_encguess_byte(0xFF, -1), CM_ENC_LOOK_LATIN);
}

static void test_encguess_samples(void **state)
{
    (void)state;
    char why[600], buf[2048];
    /* UTF-8, ASCII and a cut-off last character are UTF-8 (NULL). */
    assert_null(guess_of("a,b\n1,2\n", 8, why, sizeof why));
    assert_has(why, "ASCII");
    assert_null(guess_of("S\xc3\xa3o Paulo\n", 11, why, sizeof why));
    assert_null(guess_of("S\xc3", 2, why, sizeof why));
    assert_null(guess_of("\xef\xbb\xbfyear\n", 8, why, sizeof why));
    assert_has(why, "byte order mark");
    assert_null(guess_of("", 0, why, sizeof why));
    /* UTF-16, marked or not; UTF-32. */
    assert_string_equal(guess_of("\xff\xfe"
                                 "a\0",
                                 4, why, sizeof why),
                        "utf-16");
    assert_string_equal(guess_of("\xfe\xff\0a", 4, why, sizeof why), "utf-16");
    assert_string_equal(guess_of("a\0,\0b\0\n\0", 8, why, sizeof why), "utf-16le");
    assert_string_equal(guess_of("\0a\0,\0b\0\n", 8, why, sizeof why), "utf-16be");
    assert_string_equal(guess_of("\xff\xfe\0\0a\0\0\0", 8, why, sizeof why), "utf-32");
    /* Windows-1252: its quotes and dashes, or Latin letters alone. */
    const char *quotes = "name\nO\x92"
                         "Brien \x96 Caf\xe9\nB\x92s\n";
    assert_string_equal(guess_of(quotes, strlen(quotes), why, sizeof why), "windows-1252");
    assert_has(why, "0x92 (2 times)");
    assert_has(why, "0xE9 (once)");
    assert_has(why, "Windows-1252's quotes");
    const char *letters = "Z\xfcrich,Gen\xe8ve,S\xe3o Paulo\n";
    assert_string_equal(guess_of(letters, strlen(letters), why, sizeof why), "windows-1252");
    assert_has(why, "Latin letters");
    /* A byte Windows-1252 has no character for is said. */
    assert_string_equal(guess_of("a\x81"
                                 "b\n",
                                 4, why, sizeof why),
                        "windows-1252");
    assert_has(why, "0x81 has no character");
    /* East Asian code pages, by the script they decode to. */
    size_t n =
        encode("CP949", "행정구역별,시점,총인구\n서울특별시,2019,9729107\n", buf, sizeof buf);
    assert_string_equal(guess_of(buf, n, why, sizeof why), "cp949");
    assert_has(why, "Hangul");
    n = encode("CP932", "都道府県,人口\n東京都,13515271\nさいたま市,1263979\n", buf, sizeof buf);
    assert_string_equal(guess_of(buf, n, why, sizeof why), "cp932");
    n = encode("GB18030", "地区,年份,总人口\n北京市,2015,21705000\n上海市,2015,24152700\n", buf,
               sizeof buf);
    assert_string_equal(guess_of(buf, n, why, sizeof why), "gb18030");
    n = encode("BIG5", "地區,年份,總人口\n臺北市,2015,2704810\n高雄市,2015,2778918\n", buf,
               sizeof buf);
    assert_string_equal(guess_of(buf, n, why, sizeof why), "big5");
    /* why may be NULL. */
    assert_string_equal(guess_of(quotes, strlen(quotes), NULL, 0), "windows-1252");
}

/* ---- encodings -------------------------------------------------------------------- */

static void test_draft_windows_1252(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "cities.csv",
             "City,Year,Population\nZ\xfcrich,2015,415367\nGen\xe8ve,2015,201818\n"
             "D\x92"
             "Arcy,2015,12000\n");
    assert_int_equal(draft_one(&s, "cities.csv"), CM_OK);
    assert_line(&s, "encoding = windows-1252");
    assert_line(&s, "column.area_id = City");
    assert_line(&s, "column.population = Population");
    assert_has(s.why, "draft: ");
    assert_has(s.why, "cities.csv: encoding windows-1252: ");
    assert_has(s.why, "0x92 (once)");
    assert_lines_fit(&s);
    assert_loads(&s);
    close_scratch(&s);
}

static void test_draft_cp949(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_encoded(
        &s, "kr.csv", "CP949",
        "\"행정구역별\",\"시점\",\"총인구(명)\"\n\"서울특별시\",\"2019. 1/4\",\"9729107\"\n"
        "\"서울특별시\",\"2019. 2/4\",\"9700000\"\n\"부산광역시\",\"2019. 1/4\",\"3413841\"\n"
        "\"부산광역시\",\"2019. 2/4\",\"3400000\"\n");
    assert_int_equal(draft_one(&s, "kr.csv"), CM_OK);
    assert_line(&s, "encoding = cp949");
    /* The headers in UTF-8, as the loader converts them. */
    assert_line(&s, "column.population = 총인구(명)");
    assert_line(&s, "year_from.시점 = YYYY. ?/4");
    assert_has(s.why, "Hangul syllables");
    assert_lines_fit(&s);
    close_scratch(&s);
}

static void test_draft_utf16_and_utf8(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_encoded(&s, "u16.csv", "UTF-16", "Country,Year,Population\nJapan,2015,127094745\n");
    assert_int_equal(draft_one(&s, "u16.csv"), CM_OK);
    assert_line(&s, "encoding = utf-16");
    assert_line(&s, "column.population = Population");
    put_text(&s, "u8.csv",
             "\xef\xbb\xbf"
             "Area,Year,Population\nS\xc3\xa3o Paulo,2015,11967825\n");
    assert_int_equal(draft_one(&s, "u8.csv"), CM_OK);
    assert_no_line_starting(&s, "encoding");
    assert_line(&s, "; encoding: UTF-8");
    assert_has(s.why, "UTF-8 with a byte order mark");
    close_scratch(&s);
}

/* ---- the layout -------------------------------------------------------------------- */

static void test_draft_delimiters(void **state)
{
    (void)state;
    static const struct {
        const char *text, *line;
    } cases[] = {
        {"Region;Year;Population\nNorth;2015;120000\nSouth;2015;98000\n", "delimiter = semicolon"},
        {"Region\tYear\tPopulation\nNorth\t2015\t120000\nSouth\t2015\t98000\n", "delimiter = tab"},
        {"Region|Year|Population\nNorth|2015|120000\nSouth|2015|98000\n", "delimiter = pipe"},
        /* Commas inside quotes do not count. */
        {"Region,Year,Population\n\"North; East\",2015,120000\n\"South; West\",2015,98000\n", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        scratch s;
        open_scratch(&s);
        put_text(&s, "d.csv", cases[i].text);
        assert_int_equal(draft_one(&s, "d.csv"), CM_OK);
        if (cases[i].line)
            assert_line(&s, cases[i].line);
        else
            assert_no_line_starting(&s, "delimiter");
        assert_line(&s, "column.population = Population");
        assert_loads(&s);
        close_scratch(&s);
    }
}

static void test_draft_header_past_titles(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "t.csv",
             "Population of the regions, 2015\nSource: the statistics office\n\n"
             "Region,Year,Population\nNorth,2015,120000\nSouth,2015,98000\nEast,2015,87000\n"
             "Note: provisional figures\n");
    assert_int_equal(draft_one(&s, "t.csv"), CM_OK);
    assert_line(&s, "header_line = 4");
    assert_line(&s, "title = Population of the regions, 2015");
    assert_has(s.manifest, "note line");
    assert_has(s.why, "header at line 4");
    close_scratch(&s);
}

static void test_draft_missing_tokens(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "m.csv",
             "Code,Name,Year,Population,Births\nA1,Alpha,2015,120000,..\nB2,Beta,2015,NaN,1200\n"
             "C3,Gamma,2015,98000,-\nD4,Delta,2015,87000,1100\n");
    assert_int_equal(draft_one(&s, "m.csv"), CM_OK);
    assert_line(&s, "missing = .., -, NaN");
    assert_has(s.why, "missing NaN: 1 cells");
    assert_loads(&s);
    close_scratch(&s);

    /* In a required count, the tokens drop the row instead. */
    open_scratch(&s);
    put_text(&s, "o.csv", "origin,destination,year,migrants\nA,B,2015,12\nB,A,2015,..\n");
    assert_int_equal(draft_one(&s, "o.csv"), CM_OK);
    assert_line(&s, "[flows]");
    assert_line(&s, "skip_if.migrants = ..");
    assert_no_line_starting(&s, "missing");
    close_scratch(&s);
}

static void test_draft_marks(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *lines[2];
    } cases[] = {
        {"Region,Year,Population\nNorth,2015,\"7,538\"\nSouth,2015,\"12,345,678\"\n",
         {"thousands = comma", NULL}},
        {"Region;Year;Population;Share foreign-born (%)\nNorth;2015;1.234.567;12,5\n"
         "South;2015;201.818;40,1\n",
         {"thousands = period", "decimal = comma"}},
        {"Region;Year;Population;Share foreign-born (%)\nNorth;2015;1234567;12,5\n"
         "South;2015;201818;40,1\n",
         {"decimal = comma", NULL}},
        {"Region;Year;Population\nNorth;2015;1 234 567\nSouth;2015;201 818\n",
         {"thousands = space", NULL}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        scratch s;
        open_scratch(&s);
        put_text(&s, "n.csv", cases[i].text);
        assert_int_equal(draft_one(&s, "n.csv"), CM_OK);
        for (size_t k = 0; k < 2 && cases[i].lines[k]; k++)
            assert_line(&s, cases[i].lines[k]);
        assert_line(&s, "column.population = Population");
        assert_loads(&s);
        close_scratch(&s);
    }
}

static void test_draft_year_columns(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    /* A World Bank download: every field quoted, a trailing comma. */
    put_text(&s, "API_SP.POP.TOTL.csv",
             "\"Country Name\",\"Country Code\",\"Indicator Name\",\"2000\",\"2001\",\"2002\",\n"
             "\"Aruba\",\"ABW\",\"Population, total\",\"90853\",\"92898\",\"94992\",\n"
             "\"World\",\"WLD\",\"Population, total\",\"6114332537.5\",\"6193671774\",\"\",\n");
    assert_int_equal(draft_one(&s, "API_SP.POP.TOTL.csv"), CM_OK);
    assert_line(&s, "unpivot = 2000-2002 -> year, population");
    assert_line(&s, "column.area_id = Country Code");
    assert_line(&s, "column.name = Country Name");
    assert_line(&s, "round.population = yes");
    assert_loads(&s);
    close_scratch(&s);

    /* Year headers with spaces after them; shares of the foreign-born. */
    open_scratch(&s);
    put_text(&s, "fb.csv",
             "Code,Indicator,2010 ,2015 \nAT,International migrant stock (% of population),15.2,"
             "17.5\nBE,International migrant stock (% of population),12.9,12.3\n");
    assert_int_equal(draft_one(&s, "fb.csv"), CM_OK);
    assert_line(&s, "unpivot = 2010-2015 -> year, foreign_born_share");
    assert_line(&s, "trim = yes");
    close_scratch(&s);
}

static void test_draft_eurostat(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "demo_pjan.tsv",
             "unit,sex,geo\\time\t2019 \t2018 \t2017 \nNR,F,AT\t4522292 e\t4491894 \t: \n"
             "NR,M,AT\t4336000 \t4330000 \t4320000 \nNR,T,AT\t8858775 \t8822267 \t8772865 \n"
             "NR,T,BE\t11455519 \t11398589 p\t11351727 \n");
    assert_int_equal(draft_one(&s, "demo_pjan.tsv"), CM_OK);
    assert_line(&s, "format = eurostat-tsv");
    assert_line(&s, "unpivot = 2017-2019 -> year, population");
    assert_line(&s, "column.area_id = geo");
    assert_line(&s, "keep_if.sex = T");
    assert_line(&s, "; keep_if.unit = NR (its only value)");
    assert_no_line_starting(&s, "delimiter");
    assert_no_line_starting(&s, "missing");
    assert_has(s.why, "format eurostat-tsv");
    close_scratch(&s);

    /* The new layout's TIME_PERIOD, and an indicator dimension. */
    open_scratch(&s);
    put_text(
        &s, "demo_gind.tsv",
        "indic_de,geo\\TIME_PERIOD\t2014 \t2015 \nDEATH,AT\t78252 \t83073 \n"
        "JAN,AT\t8506889 \t8584926 \nLBIRTH,AT\t81722 \t84381 \nJAN,BE\t11203992 \t11237274 \n");
    assert_int_equal(draft_one(&s, "demo_gind.tsv"), CM_OK);
    assert_line(&s, "format = eurostat-tsv");
    assert_line(&s, "keep_if.indic_de = JAN");
    assert_line(&s, "unpivot = 2014-2015 -> year, population");
    close_scratch(&s);
}

static void test_draft_empty_header(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    /* A UN yearbook table: a title line, a column with no header, series. */
    put_text(&s, "SYB_Population.csv",
             "T02,\"Population, density and surface area\",,,,,\n"
             "Region/Country/Area,,Year,Series,Value,Footnotes,Source\n"
             "4,Afghanistan,2010,Population mid-year estimates (millions),29.19,,UNPD\n"
             "4,Afghanistan,2010,Population density,44.7,,UNPD\n"
             "8,Albania,2010,Population mid-year estimates (millions),2.91,,UNPD\n"
             "8,Albania,2010,Population density,106.3,,UNPD\n");
    assert_int_equal(draft_one(&s, "SYB_Population.csv"), CM_OK);
    assert_line(&s, "header_line = 2");
    assert_line(&s, "title = Population, density and surface area");
    assert_line(&s, "column.name = #2");
    assert_line(&s, "column.area_id = Region/Country/Area");
    assert_line(&s, "keep_if.Series = Population mid-year estimates (millions)");
    assert_line(&s, "column.population = Value");
    assert_line(&s, "scale.population = 1000000");
    assert_loads(&s);
    close_scratch(&s);
}

static void test_draft_periods(void **state)
{
    (void)state;
    static const struct {
        const char *text, *line;
    } cases[] = {
        {"Period,Code,Population\n2015Q1,A,12000\n2015Q2,A,12100\n2016Q1,B,5000\n",
         "year_from.Period = YYYYQ?"},
        {"Time,Code,Population\n2017-2018,A,12000\n2018-2019,A,12100\n",
         "year_from.Time = YYYY-YYYY"},
        {"Time,Code,Population\n2019. 1/4,A,12000\n2019. 2/4,B,12100\n",
         "year_from.Time = YYYY. ?/4"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        scratch s;
        open_scratch(&s);
        put_text(&s, "p.csv", cases[i].text);
        assert_int_equal(draft_one(&s, "p.csv"), CM_OK);
        assert_line(&s, cases[i].line);
        close_scratch(&s);
    }
}

static void test_draft_flags_and_notes(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    /* Status letters after numbers, outside Eurostat's layout. */
    put_text(&s, "f.csv",
             "geo,year,population\nAT,2019,8858775 e\nBE,2019,11455519\n"
             "BG,2019,7000039 bp\n");
    assert_int_equal(draft_one(&s, "f.csv"), CM_OK);
    assert_line(&s, "flags = yes");
    assert_has(s.why, "flags = yes: 2 numbers of population");
    /* Notes at the end in the header's cells: dropped by a filter. */
    put_text(&s, "n.csv",
             "Code,Name,Year,Population\nAT,Austria,2015,8500000\n"
             "BE,Belgium,2015,11200000\nSource: the statistics office,,,\n"
             "Note: provisional figures,,,\n");
    assert_int_equal(draft_one(&s, "n.csv"), CM_OK);
    assert_line(&s, "skip_if.Code = Source: the statistics office, Note: provisional figures");
    assert_loads(&s);
    close_scratch(&s);
}

static void test_draft_other_languages(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "de.csv",
             "Gemeinde;Jahr;Einwohner\nZ\xfcrich;2015;415367\nBern;2015;133115\n"
             "Z\xfcrich;2016;420000\nBern;2016;134000\n");
    assert_int_equal(draft_one(&s, "de.csv"), CM_OK);
    assert_line(&s, "encoding = windows-1252");
    assert_line(&s, "column.year = Jahr");
    assert_line(&s, "column.population = Einwohner");
    assert_line(&s, "column.area_id = Gemeinde");
    assert_loads(&s);
    /* A column of repeated years with a name no rule knows. */
    put_text(&s, "y.csv",
             "Code,Census,Residents\nA1,2011,120000\nB2,2011,98000\n"
             "A1,2021,125000\nB2,2021,99000\n");
    assert_int_equal(draft_one(&s, "y.csv"), CM_OK);
    assert_line(&s, "column.year = Census");
    /* One column named after a year. */
    put_text(&s, "one.csv", "Code,Name,2015\nA1,Alpha,120000\nB2,Beta,98000\n");
    assert_int_equal(draft_one(&s, "one.csv"), CM_OK);
    assert_line(&s, "unpivot = 2015-2015 -> year, population");
    assert_loads(&s);
    close_scratch(&s);
}

/* ---- tables and columns ------------------------------------------------------------ */

static void test_draft_flows(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "census_2011_moves.csv",
             "orig,dest,sex,flow\nNorth,South,Males,120\nNorth,South,Females,130\n"
             "South,North,Males,80\nSouth,North,Females,75\n");
    assert_int_equal(draft_one(&s, "census_2011_moves.csv"), CM_OK);
    assert_line(&s, "[flows]");
    assert_line(&s, "column.origin = orig");
    assert_line(&s, "column.destination = dest");
    assert_line(&s, "column.count = flow");
    assert_line(&s, "map.sex = Males:M, Females:F");
    assert_line(&s, "kind = internal");
    assert_line(&s, "year = 2011");
    assert_line(&s, "zones = North, South");
    assert_has(s.why, "year = 2011: no column gives the year; the file's name names it");
    assert_loads(&s);
    close_scratch(&s);
}

static void test_draft_stocks_and_areas(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "stock.csv",
             "year,destination,origin,migrant_stock\n2019,Alpha,Beta,1200\n2019,Alpha,Gamma,..\n"
             "2019,Beta,Alpha,300\n");
    put_text(&s, "totals.csv",
             "alpha3,name,year,fb,pop\nAAA,Alpha,2019,1200,50000\nBBB,Beta,2019,300,40000\n"
             "NA,WORLD,2019,1500,90000\n");
    const char *names[2] = {"stock.csv", "totals.csv"};
    assert_int_equal(draft(&s, names, 2), CM_OK);
    assert_line(&s, "[stocks]");
    assert_line(&s, "column.area_id = destination");
    assert_line(&s, "column.count = migrant_stock");
    assert_line(&s, "skip_if.migrant_stock = ..");
    assert_line(&s, "[areas]");
    /* The areas' ids are the names the stocks use. */
    assert_line(&s, "column.area_id = name");
    assert_line(&s, "column.foreign_born = fb");
    assert_line(&s, "column.population = pop");
    assert_has(s.why, "column.area_id = name: it holds 2 of the 3 places");
    assert_loads(&s);
    close_scratch(&s);
}

static void test_draft_sections_and_joins(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    put_text(&s, "pop.csv", "Code,Year,Population\nA1,2015,120000\nB2,2015,98000\n");
    put_text(&s, "Urban Pop.csv", "Code,Year,Urban population\nA1,2015,80000\nB2,2015,50000\n");
    const char *names[2] = {"pop.csv", "Urban Pop.csv"};
    assert_int_equal(draft(&s, names, 2), CM_OK);
    assert_line(&s, "[areas]");
    assert_line(&s, "[areas.urban_pop]");
    assert_line(&s, "file = Urban Pop.csv");
    assert_line(&s, "join = areas");
    assert_line(&s, "column.urban_population = Urban population");
    assert_loads(&s);

    /* A manifest in a folder below the files: paths with .., said. */
    char sub[400];
    snprintf(sub, sizeof sub, "%s/sub", s.dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(draft_in(&s, "sub/", names, 2), CM_OK);
    assert_line(&s, "file = ../pop.csv");
    assert_has(s.manifest, "--allow-outside-files");
    close_scratch(&s);
}

static void test_draft_long_headers(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    char text[4096];
    char longname[260];
    memset(longname, 'x', 250);
    longname[250] = '\0';
    snprintf(text, sizeof text,
             "Code,Year,Population,%s,\"%s two\",\"a ; b\"\nA1,2015,120000,1,2,3\n"
             "B2,2015,98000,4,5,6\n",
             longname, longname);
    put_text(&s, "l.csv", text);
    assert_int_equal(draft_one(&s, "l.csv"), CM_OK);
    assert_lines_fit(&s);
    assert_loads(&s);
    close_scratch(&s);
}

/* ---- bad forms ---------------------------------------------------------------------- */

static void test_draft_bad_files(void **state)
{
    (void)state;
    scratch s;
    open_scratch(&s);
    /* Not there: the path in the message. */
    assert_int_equal(draft_one(&s, "absent.csv"), CM_ERR_NOINPUT);
    assert_has(s.messages, "absent.csv: error: cannot open");
    assert_has(s.manifest, "absent.csv: not read");
    /* Empty. */
    s.mlen = 0;
    put_text(&s, "empty.csv", "");
    assert_int_equal(draft_one(&s, "empty.csv"), CM_ERR_DATA);
    assert_has(s.messages, "empty.csv: error: the file is empty");
    /* Binary: a workbook, or NUL bytes. */
    s.mlen = 0;
    static const char zip[] = "PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0";
    put(&s, "book.xlsx", zip, sizeof zip - 1);
    assert_int_equal(draft_one(&s, "book.xlsx"), CM_ERR_DATA);
    assert_has(s.messages, "book.xlsx: error: not a text file");
    assert_has(s.messages, "workbook");
    s.mlen = 0;
    put(&s, "nul.csv", "a,b\n1,\0\n", 8);
    assert_int_equal(draft_one(&s, "nul.csv"), CM_ERR_DATA);
    assert_has(s.messages, "byte 0x00 at offset 6");
    /* One bad file among good ones: the others are drafted. */
    put_text(&s, "good.csv", "Code,Year,Population\nA1,2015,120000\n");
    const char *names[2] = {"absent.csv", "good.csv"};
    assert_int_equal(draft(&s, names, 2), CM_ERR_NOINPUT);
    assert_line(&s, "column.population = Population");
    /* Only blank lines. */
    s.mlen = 0;
    put_text(&s, "blank.csv", "\n\r\n\n");
    assert_int_equal(draft_one(&s, "blank.csv"), CM_ERR_DATA);
    assert_has(s.messages, "blank.csv: error: no line of text");
    close_scratch(&s);
}

static void test_draft_bad_arguments(void **state)
{
    (void)state;
    cm_diag diag;
    cm_diag_init(&diag, NULL, NULL, 0);
    assert_int_equal(cm_draft_write(NULL, stdout, NULL, &diag), CM_ERR_INTERNAL);
    cm_draft_options opts = {NULL, 1, ""};
    assert_int_equal(cm_draft_write(&opts, stdout, NULL, &diag), CM_ERR_INTERNAL);
}

int main(void)
{
    /* The library must not depend on the locale. */
    setlocale(LC_ALL, "");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encguess_bytes),
        cmocka_unit_test(test_encguess_samples),
        cmocka_unit_test(test_draft_windows_1252),
        cmocka_unit_test(test_draft_cp949),
        cmocka_unit_test(test_draft_utf16_and_utf8),
        cmocka_unit_test(test_draft_delimiters),
        cmocka_unit_test(test_draft_header_past_titles),
        cmocka_unit_test(test_draft_missing_tokens),
        cmocka_unit_test(test_draft_marks),
        cmocka_unit_test(test_draft_year_columns),
        cmocka_unit_test(test_draft_eurostat),
        cmocka_unit_test(test_draft_empty_header),
        cmocka_unit_test(test_draft_periods),
        cmocka_unit_test(test_draft_flags_and_notes),
        cmocka_unit_test(test_draft_other_languages),
        cmocka_unit_test(test_draft_flows),
        cmocka_unit_test(test_draft_stocks_and_areas),
        cmocka_unit_test(test_draft_sections_and_joins),
        cmocka_unit_test(test_draft_long_headers),
        cmocka_unit_test(test_draft_bad_files),
        cmocka_unit_test(test_draft_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
