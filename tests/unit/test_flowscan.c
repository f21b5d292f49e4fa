/*
 * test_flowscan.c - the fast flows reader against the checked reader.
 *
 * The fast reader's contract is "the same dataset as the checked reader, or
 * decline and change nothing". Each input here is read both ways, with 1 to
 * 7 threads and parts down to a few bytes (so that splits fall inside
 * quoted fields, on CRLFs and next to blank lines), and everything the
 * dataset keeps is compared: the string pool in order, the flow cells
 * with their outside sums and first lines, the intervals with their
 * places, the statistics, the counts and the messages. Inputs are hand-made
 * edge cases and seeded random files, clean and dirty, some of more columns
 * than the fast reader splits itself, some with an interval column. The
 * byte scan is checked against a plain byte-at-a-time model.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "citymig/bytescan.h"
#include "citymig/dataset.h"
#include "citymig/flowscan.h"
#include "citymig/sha256.h"

/* ---- A byte-at-a-time model of the byte scan. ---- */

typedef struct model {
    uint64_t line_ends;
    bool in_quotes, dirty;
    /* Marks, one per byte: 'd' a delimiter and 'e' a line end outside
       quotes, 'q' a quote, '.' anything else. */
    char marks[512];
} model;

static bool is_edge(unsigned char c)
{
    return c == ',' || c == '\n' || c == '\r';
}

static model scan_model(const unsigned char *p, size_t n, bool at_end)
{
    model m = {0};
    cm_utf8_state u8 = {0};
    bool inside = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c == '"')
            inside = !inside;
        m.marks[i] = c == '"'                              ? 'q'
                     : !inside && c == ','                 ? 'd'
                     : !inside && (c == '\n' || c == '\r') ? 'e'
                                                           : '.';
        if (c == 0 || !cm_utf8_step(&u8, c))
            m.dirty = true;
        if (c == '\n' && !(i > 0 && p[i - 1] == '\r'))
            m.line_ends++;
        if (c == '\r')
            m.line_ends++;
        if (!inside && (c == ' ' || c == '\t')) {
            /* The quote state of a neighbour: the same, as neither is a quote
               when it is an edge. */
            bool before = i == 0 || is_edge(p[i - 1]);
            bool after = i + 1 < n ? is_edge(p[i + 1]) : at_end;
            if (before || after)
                m.dirty = true;
        }
    }
    if (at_end && u8.need)
        m.dirty = true;
    m.in_quotes = inside;
    return m;
}

static unsigned rnd_state = 12345;

static unsigned rnd(unsigned n)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return (rnd_state >> 8) % n;
}

static void test_bytescan_matches_model(void **state)
{
    (void)state;
    static const unsigned char alphabet[] = {'a', 'b',  ',',  '"',  '\n', '\r', ' ',  '\t',
                                             '1', 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0x80, 0x00};
    unsigned char buf[300];
    for (int round = 0; round < 20000; round++) {
        size_t n = rnd(sizeof buf);
        /* Mostly plain bytes, so that clean inputs are common too. */
        unsigned rare = rnd(4);
        for (size_t i = 0; i < n; i++)
            buf[i] = rnd(8) < rare ? alphabet[rnd(sizeof alphabet)] : alphabet[rnd(2)];
        bool at_end = rnd(2);
        model m = scan_model(buf, n, at_end);

        /* Fed whole, and fed in two pieces split anywhere. */
        for (int pieces = 1; pieces <= 2; pieces++) {
            cm_bytescan s;
            cm_bytescan_init(&s, ',', '"');
            if (round % 2)
                s.wide = false; /* half the rounds on 16-byte compares */
            size_t cut = pieces == 1 ? n : rnd((unsigned)n + 1);
            /* The first piece is marked, the second only scanned. */
            uint64_t d[8], e[8], q[8];
            memset(d, 0xff, sizeof d), memset(e, 0xff, sizeof e), memset(q, 0xff, sizeof q);
            cm_bytemarks marks = {d, e, q};
            cm_bytescan_mark(&s, buf, cut, &marks);
            cm_bytescan_feed(&s, buf + cut, n - cut);
            for (size_t i = 0; i < (cut + 63) / 64 * 64; i++) {
                char want = i < cut ? m.marks[i] : '.';
                char got = (d[i / 64] >> (i % 64) & 1)   ? 'd'
                           : (e[i / 64] >> (i % 64) & 1) ? 'e'
                           : (q[i / 64] >> (i % 64) & 1) ? 'q'
                                                         : '.';
                if (got != want) {
                    print_error("round %d: byte %zu of %zu marked %c, model %c\n", round, i, cut,
                                got, want);
                    fail();
                }
            }
            if (at_end)
                cm_bytescan_finish(&s);
            else if (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t') && !m.in_quotes)
                continue; /* its verdict waits for the next byte */
            assert_int_equal(s.line_ends, m.line_ends);
            assert_int_equal(cm_bytescan_in_quotes(&s), m.in_quotes);
            if (s.dirty != m.dirty) {
                print_error("round %d: dirty %d, model %d, %zu bytes\n", round, s.dirty, m.dirty,
                            n);
                fail();
            }
        }
    }
}

/* ---- Reading a flows file both ways. ---- */

typedef struct messages {
    char text[64][512];
    size_t count;
} messages;

static void keep(void *ctx, const cm_diag_msg *msg)
{
    messages *m = ctx;
    if (m->count < 64)
        snprintf(m->text[m->count++], sizeof m->text[0], "%d %s:%llu:%u %s", (int)msg->severity,
                 msg->loc.file, (unsigned long long)msg->loc.line, msg->loc.col, msg->text);
}

typedef struct outcome {
    cm_strpool *pool;
    cm_flows *flows;
    cm_source src;
    messages msgs;
    cm_status status;
    bool taken;
    uint32_t pool_start; /* strings interned before reading */
} outcome;

/* Areas of areas.csv, when the zones are to come from them (id, year,
   level); NULL: the zone list {B}. */
typedef struct area_spec {
    const char *id;
    int32_t year;
    int level;
} area_spec;
static const area_spec *zone_areas;
static size_t nzone_areas;

static void outcome_init(outcome *o)
{
    memset(o, 0, sizeof *o);
    o->pool = cm_strpool_new();
    o->flows = cm_flows_new();
    assert_non_null(o->pool);
    assert_non_null(o->flows);
    /* As in a dataset: areas were read first, and the zones declared (one,
       B, for every year: moves from or to any other area cross the
       system's boundary). */
    uint32_t b = cm_strpool_intern(o->pool, "B", 1);
    assert_int_not_equal(b, 0);
    if (!zone_areas) {
        assert_int_equal(cm_flows_declare_zone_list(o->flows, &b, 1), CM_OK);
    } else {
        /* Or an areas table, whose finest level of each year gives the zones. */
        cm_table *areas = cm_table_new(&cm_areas_def, o->pool);
        assert_non_null(areas);
        for (size_t i = 0; i < nzone_areas; i++) {
            cm_cell cells[CM_TABLE_MAX_COLS] = {{0}};
            const char *id = zone_areas[i].id;
            cells[CM_AREAS_AREA_ID] =
                (cm_cell){.present = true, .v.text = cm_strpool_intern(o->pool, id, strlen(id))};
            cells[CM_AREAS_YEAR] = (cm_cell){.present = true, .v.year = zone_areas[i].year};
            cells[CM_AREAS_LEVEL] =
                (cm_cell){.present = true, .v.code = (uint8_t)zone_areas[i].level};
            size_t dup;
            assert_int_equal(cm_table_add(areas, cells, i + 2, &dup), CM_OK);
        }
        assert_int_equal(cm_flows_declare_zone_level(o->flows, areas, -1, false), CM_OK);
        cm_table_free(areas);
    }
    o->pool_start = cm_strpool_count(o->pool);
}

static void outcome_free(outcome *o)
{
    cm_strpool_free(o->pool);
    cm_flows_free(o->flows);
}

static void read_checked(const char *path, const cm_load_options *opts, outcome *o)
{
    cm_diag diag;
    cm_diag_init(&diag, keep, &o->msgs, 0);
    cm_loader *l =
        cm_loader_new(&cm_flows_def, "flows.csv", o->pool, NULL, o->flows, opts, &diag, &o->src);
    assert_non_null(l);
    cm_csv_handler h = cm_loader_csv_handler();
    cm_status st = cm_csv_read_file(path, "flows.csv", &opts->csv, &h, l, &diag, &o->src.csv, NULL);
    o->status = cm_loader_end(l, st);
    cm_loader_free(l);
    cm_flows_sort(o->flows);
}

static void read_fast(const char *path, const cm_load_options *opts, outcome *o)
{
    cm_diag diag;
    cm_diag_init(&diag, keep, &o->msgs, 0);
    o->taken = cm_flowscan_load(path, "flows.csv", o->pool, o->flows, opts, &diag, &o->src);
    o->status = o->src.status;
    cm_flows_sort(o->flows);
}

static void assert_same(const outcome *a, const outcome *b)
{
    assert_int_equal(a->status, b->status);
    assert_int_equal(a->src.rows, b->src.rows);
    assert_int_equal(a->src.unknown_columns, b->src.unknown_columns);
    assert_int_equal(a->src.csv.bytes, b->src.csv.bytes);
    assert_int_equal(a->src.csv.lines, b->src.csv.lines);
    assert_int_equal(a->src.csv.records, b->src.csv.records);
    assert_int_equal(a->src.csv.bom, b->src.csv.bom);
    assert_int_equal(a->msgs.count, b->msgs.count);
    for (size_t i = 0; i < a->msgs.count; i++)
        assert_string_equal(a->msgs.text[i], b->msgs.text[i]);
    assert_int_equal(cm_strpool_count(a->pool), cm_strpool_count(b->pool));
    for (uint32_t id = 1; id <= cm_strpool_count(a->pool); id++) {
        assert_int_equal(cm_strpool_len(a->pool, id), cm_strpool_len(b->pool, id));
        assert_memory_equal(cm_strpool_str(a->pool, id), cm_strpool_str(b->pool, id),
                            cm_strpool_len(a->pool, id));
    }
    assert_int_equal(a->flows->count, b->flows->count);
    for (size_t i = 0; i < a->flows->count; i++) {
        const cm_flow_cell *x = &a->flows->cells[i], *y = &b->flows->cells[i];
        assert_int_equal(x->area, y->area);
        assert_int_equal(x->year, y->year);
        assert_int_equal(x->kind, y->kind);
        assert_int_equal(x->sex, y->sex);
        assert_int_equal(x->inflow, y->inflow);
        assert_int_equal(x->outflow, y->outflow);
        assert_int_equal(x->in_rows, y->in_rows);
        assert_int_equal(x->out_rows, y->out_rows);
        assert_int_equal(x->in_outside, y->in_outside);
        assert_int_equal(x->out_outside, y->out_outside);
        assert_int_equal(x->in_line, y->in_line);
        assert_int_equal(x->out_line, y->out_line);
        assert_int_equal(x->in_source, y->in_source);
        assert_int_equal(x->out_source, y->out_source);
        /* The outside sums are parts of the sums; lines are set exactly
           where rows are. */
        assert_true(x->in_outside >= 0 && x->in_outside <= x->inflow);
        assert_true(x->out_outside >= 0 && x->out_outside <= x->outflow);
        assert_true((x->in_line != 0) == (x->in_rows != 0));
        assert_true((x->out_line != 0) == (x->out_rows != 0));
    }
    assert_memory_equal(&a->flows->stats, &b->flows->stats, sizeof a->flows->stats);
    assert_memory_equal(a->flows->interval, b->flows->interval, sizeof a->flows->interval);
    for (int32_t y = CM_YEAR_MIN; y <= CM_YEAR_MAX; y++)
        for (int k = 0; k < CM_KIND_COUNT; k++) {
            cm_flows_place p = cm_flows_interval_place(a->flows, y, (cm_kind)k);
            cm_flows_place q = cm_flows_interval_place(b->flows, y, (cm_kind)k);
            assert_int_equal(p.line, q.line);
            assert_int_equal(p.source, q.source);
        }
    assert_string_equal(cm_flows_source_name(a->flows, 0), cm_flows_source_name(b->flows, 0));
    assert_string_equal(cm_flows_source_name(a->flows, 1), "");
    assert_string_equal(cm_flows_source_name(b->flows, 1), "");
    for (uint32_t id = 1; id <= cm_strpool_count(a->pool); id++)
        assert_int_equal(cm_flows_zone_named(a->flows, id), cm_flows_zone_named(b->flows, id));
}

static void assert_untouched(const outcome *o)
{
    static const uint8_t no_interval[CM_FLOWS_YEARS][CM_KIND_COUNT];
    assert_int_equal(o->msgs.count, 0);
    assert_int_equal(cm_strpool_count(o->pool), o->pool_start);
    assert_int_equal(o->flows->count, 0);
    assert_int_equal(o->flows->stats.rows, 0);
    assert_int_equal(o->src.rows, 0);
    assert_memory_equal(o->flows->interval, no_interval, sizeof no_interval);
    assert_string_equal(cm_flows_source_name(o->flows, 0), "");
    assert_false(cm_flows_zone_named(o->flows, 1));
}

static char tmpdir[] = "/tmp/citymig-flowscan-XXXXXX";
static char path[sizeof tmpdir + 16];

static void write_file(const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/*
 * Reads the file both ways, with several thread counts and part sizes.
 * expect_taken: 1 taken, 0 declined, -1 either (then checked for
 * consistency: taken only when the checked reader saw no error).
 */
static void check_file(const char *text, size_t len, int expect_taken)
{
    static const unsigned threads[] = {1, 2, 3, 7};
    static const size_t parts[] = {0, 1, 13, 64};
    /* Chunks down to a byte: records cut by a chunk's end are common. */
    static const size_t chunks[] = {0, 1, 7, 64, 100};
    write_file(text, len);
    cm_load_options opts = {0};
    outcome ref;
    outcome_init(&ref);
    read_checked(path, &opts, &ref);
    for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++)
        for (size_t p = 0; p < sizeof parts / sizeof parts[0]; p++) {
            opts.threads = threads[t];
            opts.flows_min_part = parts[p];
            opts.flows_chunk = chunks[(t + p) % (sizeof chunks / sizeof chunks[0])];
            outcome fast;
            outcome_init(&fast);
            read_fast(path, &opts, &fast);
            if (expect_taken >= 0 && fast.taken != (expect_taken == 1)) {
                print_error("threads %u, part %zu, chunk %zu: taken %d, expected %d, for:\n%.*s\n",
                            threads[t], parts[p], opts.flows_chunk, fast.taken, expect_taken,
                            (int)(len < 400 ? len : 400), text);
                fail();
            }
            if (fast.taken) {
                assert_int_equal(ref.status, CM_OK);
                assert_same(&fast, &ref);
            } else {
                assert_untouched(&fast);
            }
            outcome_free(&fast);
        }
    outcome_free(&ref);
}

static void check(const char *text, int expect_taken)
{
    check_file(text, strlen(text), expect_taken);
}

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(path, sizeof path, "%s/flows.csv", tmpdir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    rmdir(tmpdir);
    return 0;
}

#define HEAD "year,origin,destination,kind,sex,count\n"

static void test_taken(void **state)
{
    (void)state;
    check(HEAD "2015,A,B,internal,F,10\n2015,B,A,international,M,5\n", 1);
    /* Ids of every length class: 1-3, 4-7, 8-16 bytes and longer. */
    check(HEAD "2015,x,yz,internal,F,1\n2015,abc,abcd,internal,F,2\n2015,abcdefg,abcdefgh,"
               "internal,T,3\n2015,abcdefghijklmnop,abcdefghijklmnopq,internal,M,4\n"
               "2015,abcdefghijklmnopq,abcdefghijklmnopqrstuvwxyz0123456789,internal,M,5\n",
          1);
    /* Ids alike in their first and last eight bytes. */
    check(HEAD "2015,AAAAAAAA-1-BBBBBBBB,AAAAAAAA-2-BBBBBBBB,internal,F,1\n"
               "2015,AAAAAAAA-2-BBBBBBBB,AAAAAAAA-1-BBBBBBBB,internal,F,2\n",
          1);
    /* Quotes, doubled quotes, quoted line breaks, UTF-8, inner spaces. */
    check(HEAD "2015,\"a, b\",\"c \"\"d\"\"\",internal,F,1\n2015,\"line\nbreak\",São Paulo,"
               "internal,F,2\n2015,\"x\r\ny\",\"q\",internal,F,3\n",
          1);
    /* CRLF, CR, blank lines, no final line end, a BOM. */
    check(HEAD "2015,A,B,internal,F,1\r\n\r\n2015,B,C,internal,F,2\r2015,C,A,internal,F,3", 1);
    check("\xef\xbb\xbf" HEAD "2015,A,B,internal,F,1\n", 1);
    check("year,origin,destination,kind,sex,count\r\n2015,A,B,internal,F,1\r\n", 1);
    /* Columns in another order, no sex, an unknown column, stayers, other years,
       spellings of a kind, empty sex, counts with leading zeros or large. */
    check("count,destination,note,origin,kind,year\n7,B,hello world,A,internal,2015\n"
          "8,A,,B,International,2016\n9,A,x,A,internal,2015\n",
          1);
    check(HEAD "2015,A,B,INTERNAL,,007\n2015,A,B,internal,t,9007199254740992\n"
               "1800,A,A,internal,F,0\n2200,B,A,internal,F,12345678901234567\n",
          -1);
    /* Many ids and rows: tables grow. */
    static char big[400000];
    size_t n = (size_t)snprintf(big, sizeof big, HEAD);
    for (int i = 0; i < 6000; i++)
        n += (size_t)snprintf(big + n, sizeof big - n, "%d,o%d,\"d,%d\",%s,%c,%d\n", 2000 + i % 3,
                              i % 4001, i % 97, i % 5 ? "internal" : "international", "FMT"[i % 3],
                              i);
    check_file(big, n, 1);
}

/* Reads a file the fast way with several threads and tiny parts; the
   checked reader must agree (check_file) and the fast reader must take it. */
static outcome read_taken(const char *text, unsigned threads)
{
    check(text, 1);
    cm_load_options opts = {0};
    opts.threads = threads;
    opts.flows_min_part = 1;
    opts.flows_chunk = 7;
    outcome o;
    outcome_init(&o);
    read_fast(path, &opts, &o);
    assert_true(o.taken);
    return o;
}

static const cm_flow_cell *cell_of(const outcome *o, const char *id, int32_t year, cm_kind kind,
                                   cm_sex sex)
{
    uint32_t area = cm_strpool_find(o->pool, id, strlen(id));
    assert_int_not_equal(area, 0);
    const cm_flow_cell *c = cm_flows_find(o->flows, area, year, kind, sex);
    assert_non_null(c);
    return c;
}

/* The first line of each cell's sums: counted as the checked reader counts
   lines (blank lines, CR, CRLF, line breaks inside quotes), in file order
   whatever the number of threads. */
static void test_first_lines(void **state)
{
    (void)state;
    const char *text = HEAD "2015,A,B,internal,F,1\n"                     /* line 2 */
                            "\n"                                          /* 3 */
                            "2015,\"x\ny\",B,internal,F,2\r\n"            /* 4-5 */
                            "2015,C,\"B\",internal,M,3\r"                 /* 6 */
                            "2015,A,B,internal,F,4\n"                     /* 7 */
                            "\r\n\r\n"                                    /* 8, 9 */
                            "2015,\"q\r\n\"\"r\"\"\r\",A,internal,T,5\n"; /* 10-12 */
    for (unsigned threads = 1; threads <= 3; threads++) {
        outcome o = read_taken(text, threads);
        const cm_flow_cell *bf = cell_of(&o, "B", 2015, CM_KIND_INTERNAL, CM_SEX_FEMALE);
        assert_int_equal(bf->in_line, 2);
        assert_int_equal(bf->in_rows, 3);
        assert_int_equal(bf->out_line, 0);
        assert_int_equal(cell_of(&o, "x\ny", 2015, CM_KIND_INTERNAL, CM_SEX_FEMALE)->out_line, 4);
        assert_int_equal(cell_of(&o, "C", 2015, CM_KIND_INTERNAL, CM_SEX_MALE)->out_line, 6);
        assert_int_equal(cell_of(&o, "A", 2015, CM_KIND_INTERNAL, CM_SEX_FEMALE)->out_line, 2);
        assert_int_equal(cell_of(&o, "A", 2015, CM_KIND_INTERNAL, CM_SEX_TOTAL)->in_line, 10);
        assert_int_equal(
            cell_of(&o, "q\r\n\"r\"\r", 2015, CM_KIND_INTERNAL, CM_SEX_TOTAL)->out_line, 10);
        assert_string_equal(cm_flows_source_name(o.flows, bf->in_source), "flows.csv");
        outcome_free(&o);
    }
}

/* A file of more columns than the fast reader splits itself: libcsv reads
   each record, and lines are still counted. */
static void test_wide(void **state)
{
    (void)state;
    const char *text = "year,origin,destination,kind,sex,count,c1,c2,c3,c4,c5,c6,c7,c8,c9,c10,c11\n"
                       "2015,A,B,internal,F,1,,,,,,,,,,,\n"
                       "\n"
                       "2015,\"x\ny\",B,internal,F,2,\"note\r\nnote\",,,,,,,,,,\r\n"
                       "2015,C,B,internal,M,3,,,,,,,,,,,last";
    for (unsigned threads = 1; threads <= 2; threads++) {
        outcome o = read_taken(text, threads);
        assert_int_equal(cell_of(&o, "x\ny", 2015, CM_KIND_INTERNAL, CM_SEX_FEMALE)->out_line, 4);
        assert_int_equal(cell_of(&o, "C", 2015, CM_KIND_INTERNAL, CM_SEX_MALE)->out_line, 7);
        assert_int_equal(cell_of(&o, "B", 2015, CM_KIND_INTERNAL, CM_SEX_FEMALE)->in_rows, 2);
        outcome_free(&o);
    }
}

/* The interval column: taken when each year and kind has one interval,
   declined (the checked reader names both rows) when two differ, also
   when they fall in different parts. */
static void test_intervals(void **state)
{
    (void)state;
    const char *text = "year,origin,destination,kind,count,interval\n"
                       "2010,A,B,internal,1,5\n"
                       "2010,B,A,internal,2,\n"
                       "2010,B,C,international,3,1\n"
                       "2011,C,C,internal,4,10\n" /* a stayer states one too */
                       "2010,C,A,internal,5,05\n";
    outcome o = read_taken(text, 2);
    assert_int_equal(cm_flows_interval(o.flows, 2010, CM_KIND_INTERNAL), 5);
    assert_int_equal(cm_flows_interval(o.flows, 2010, CM_KIND_INTERNATIONAL), 1);
    assert_int_equal(cm_flows_interval(o.flows, 2011, CM_KIND_INTERNAL), 10);
    assert_int_equal(cm_flows_interval(o.flows, 2011, CM_KIND_INTERNATIONAL), 1);
    assert_int_equal(o.flows->interval[2011 - CM_YEAR_MIN][CM_KIND_INTERNATIONAL], 0);
    assert_int_equal(cm_flows_interval_place(o.flows, 2010, CM_KIND_INTERNAL).line, 2);
    assert_int_equal(cm_flows_interval_place(o.flows, 2011, CM_KIND_INTERNAL).line, 5);
    outcome_free(&o);

    check("year,origin,destination,kind,count,interval\n2010,A,B,internal,1,5\n"
          "2010,B,A,internal,2,1\n",
          0);
    check("year,origin,destination,kind,count,interval\n2010,A,B,internal,1,0\n", 0);
    check("year,origin,destination,kind,count,interval\n2010,A,B,internal,1,51\n", 0);
    check("year,origin,destination,kind,count,interval\n2010,A,B,internal,1,2.5\n", 0);
    check("year,origin,destination,kind,count,interval\n2010,A,B,internal,1, 5\n", 0);
    /* The two intervals far apart: in different parts with tiny parts. */
    static char big[20000];
    size_t n = (size_t)snprintf(big, sizeof big, "year,origin,destination,kind,count,interval\n");
    for (int i = 0; i < 400; i++)
        n += (size_t)snprintf(big + n, sizeof big - n, "2010,o%d,d%d,internal,%d,%d\n", i, i % 7, i,
                              i < 399 ? 5 : 1);
    check_file(big, n, 0);

    /* The checked reader's message names both rows. */
    const char *two = "year,origin,destination,kind,count,interval\n2010,A,B,internal,1,5\n"
                      "2010,B,A,internal,2,1\n";
    write_file(two, strlen(two));
    cm_load_options opts = {0};
    outcome ref;
    outcome_init(&ref);
    read_checked(path, &opts, &ref);
    assert_int_equal(ref.status, CM_ERR_DATA);
    assert_int_equal(ref.msgs.count, 1);
    assert_string_equal(ref.msgs.text[0],
                        "2 flows.csv:3:21 column 'interval': rows of the internal flows of 2010 "
                        "give different intervals: 1 at flows.csv:3, 5 at flows.csv:2 (expected "
                        "one interval for every row of a year and kind)");
    assert_int_equal(cm_flows_interval(ref.flows, 2010, CM_KIND_INTERNAL), 5);
    outcome_free(&ref);
}

/* Zones from areas.csv, at the finest level of each year: the outside sums
   of internal flows, the same both ways. */
static void test_zones_from_areas(void **state)
{
    (void)state;
    static const area_spec areas[] = {
        {"A", 2015, CM_LEVEL_CITY},     {"B", 2015, CM_LEVEL_CITY},
        {"R", 2015, CM_LEVEL_REGION},   {"C", 2016, CM_LEVEL_DISTRICT},
        {"A", 2016, CM_LEVEL_CITY},     {"abcdefghijklmnopqrstuvwxyz", 2016, CM_LEVEL_DISTRICT},
        {"Z", 2016, CM_LEVEL_DISTRICT},
    };
    zone_areas = areas;
    nzone_areas = sizeof areas / sizeof areas[0];
    const char *text = HEAD "2015,A,B,internal,T,10\n" /* inside */
                            "2015,X,B,internal,T,3\n"  /* from outside */
                            "2015,A,R,internal,T,4\n"  /* to outside: R is a region */
                            "2015,A,B,international,T,100\n"
                            "2016,A,C,internal,T,7\n" /* A is a city in 2016: outside */
                            "2016,abcdefghijklmnopqrstuvwxyz,C,internal,T,2\n"
                            "2017,A,B,internal,T,1\n"; /* no areas: no system */
    outcome o = read_taken(text, 2);
    const cm_flow_cell *b = cell_of(&o, "B", 2015, CM_KIND_INTERNAL, CM_SEX_TOTAL);
    assert_int_equal(b->inflow, 13);
    assert_int_equal(b->in_outside, 3);
    const cm_flow_cell *a = cell_of(&o, "A", 2015, CM_KIND_INTERNAL, CM_SEX_TOTAL);
    assert_int_equal(a->outflow, 14);
    assert_int_equal(a->out_outside, 4);
    assert_int_equal(cell_of(&o, "B", 2015, CM_KIND_INTERNATIONAL, CM_SEX_TOTAL)->in_outside, 0);
    const cm_flow_cell *c = cell_of(&o, "C", 2016, CM_KIND_INTERNAL, CM_SEX_TOTAL);
    assert_int_equal(c->inflow, 9);
    assert_int_equal(c->in_outside, 7);
    assert_int_equal(cell_of(&o, "A", 2016, CM_KIND_INTERNAL, CM_SEX_TOTAL)->out_outside, 0);
    assert_int_equal(cell_of(&o, "B", 2017, CM_KIND_INTERNAL, CM_SEX_TOTAL)->in_outside, 0);
    assert_true(cm_flows_system_declared(o.flows, 2016));
    assert_false(cm_flows_system_declared(o.flows, 2017));
    assert_string_equal(cm_flows_zone_rule(o.flows, 2016), "areas.csv, level district");
    const uint32_t *ids;
    assert_int_equal(cm_flows_zones(o.flows, 2016, &ids), 3);
    assert_true(ids[0] < ids[1] && ids[1] < ids[2]);
    outcome_free(&o);
    zone_areas = NULL;
    nzone_areas = 0;
}

static void test_declined(void **state)
{
    (void)state;
    /* Each has something the checked reader reports, or an empty body. */
    check(HEAD, 0);
    check(HEAD "\n\n", 0);
    check(HEAD "2015,A,B,internal,F,1\n2015,A ,B,internal,F,1\n", 0);
    check(HEAD "2015,A,B,internal,F,1\n2015, A,B,internal,F,1\n", 0);
    check(HEAD "2015,A,B,internal,F,1\n2015,A,B,internal,F,1 \n", 0);
    check(HEAD "2015,A,B,internal,F,1\n2015,\" A\",B,internal,F,1\n", 0);
    check(HEAD "2015,A,B,internal,F,1\n2015,A,B,internal,F\n", 0);
    check(HEAD "2015,A,B,internal,F,1\n2015,A,B,internal,F,1,2\n", 0);
    check(HEAD "2015,A,B,internal,F,1\n2015,A,B,sideways,F,1\n", 0);
    check(HEAD "2015,A,B,internal,F,1\n2015,A,B,internal,X,1\n", 0);
    check(HEAD "2015,A,B,internal,F,1\n2015,A,B,internal,F,-1\n", 0);
    check(HEAD "2015,A,B,internal,F,1\n2015,A,B,internal,F,1.5\n", 0);
    check(HEAD "2015,A,B,internal,F,1\n1799,A,B,internal,F,1\n", 0);
    check(HEAD "2015,A,B,internal,F,1\n2015,,B,internal,F,1\n", 0);
    check(HEAD "2015,A,B,internal,F,1\n2015,A,B,,F,1\n", 0);
    check(HEAD "2015,A,B,internal,F,1\n2015,A\"x,B,internal,F,1\n", 0);
    check(HEAD "2015,A,B,internal,F,1\n2015,\"A\"x,B,internal,F,1\n", 0);
    check(HEAD "2015,A,B,internal,F,1\n2015,\"A,B,internal,F,1\n", 0);
    check(HEAD "2015,A,B,internal,F,1\n2015,A\xff,B,internal,F,1\n", 0);
    check(HEAD "2015,A,B,internal,F,1\n2015,A\xc3", 0);
    static const char nul[] = HEAD "2015,A,B,internal,F,1\n2015,A\0,B,internal,F,1\n";
    check_file(nul, sizeof nul - 1, 0);
    check(HEAD "2015,A,B,internal,F,9007199254740992\n2015,C,B,internal,F,1\n", 0);
    check(HEAD "2015,A,A,internal,F,9007199254740992\n2015,C,C,internal,F,1\n", 0);
    /* Headers the checked reader refuses. */
    check("year,origin,destination,kind,count,count\n2015,A,B,internal,1,1\n", 0);
    check("year,origin,kind,count\n2015,A,internal,1\n", 0);
    check("year,origin,destination,kind,sex,count", 0);
}

/* Random files: ids with every awkward character, random layouts. */
static void random_id(char *out, size_t size, bool dirty)
{
    static const char *const pieces[] = {"a",  "B",  "7",  "-",         "é", "€", " ", ",",
                                         "\"", "\n", "\r", "xyzxyzxyz", "Z", "q", "0"};
    size_t n = 0;
    unsigned len = 1 + rnd(rnd(3) ? 4 : 12);
    char raw[256];
    size_t r = 0;
    for (unsigned i = 0; i < len; i++) {
        const char *p = pieces[rnd(sizeof pieces / sizeof pieces[0])];
        size_t pl = strlen(p);
        if (r + pl < sizeof raw)
            memcpy(raw + r, p, pl), r += pl;
    }
    if (!dirty) {
        /* No outer spaces: trim them. */
        while (r && raw[0] == ' ')
            memmove(raw, raw + 1, --r);
        while (r && raw[r - 1] == ' ')
            r--;
        if (!r)
            raw[r++] = 'k';
    }
    bool quote = memchr(raw, ',', r) || memchr(raw, '"', r) || memchr(raw, '\n', r) ||
                 memchr(raw, '\r', r) || rnd(8) == 0;
    if (quote)
        out[n++] = '"';
    for (size_t i = 0; i < r && n + 3 < size; i++) {
        if (raw[i] == '"')
            out[n++] = '"';
        out[n++] = raw[i];
    }
    if (quote)
        out[n++] = '"';
    out[n] = '\0';
}

/* The digest left for later is the file's, and refused once the file
   changed after it was read. */
static void test_digest_later(void **state)
{
    (void)state;
    const char *text = "year,origin,destination,kind,count\n2015,A,B,internal,5\n"
                       "2015,B,C,internal,7\n";
    write_file(text, strlen(text));
    cm_load_options opts = {0};
    opts.digest = true;
    opts.threads = 2;
    opts.flows_min_part = 1;
    outcome o;
    outcome_init(&o);
    o.src.path = (char *)path;
    read_fast(path, &opts, &o);
    assert_true(o.taken);
    assert_true(o.src.sha256_later);
    assert_string_equal(o.src.sha256, "");

    char want[CM_SHA256_HEX_SIZE], got[65] = "", why[160] = "";
    cm_sha256_hex(text, strlen(text), want);
    assert_int_equal(cm_source_digest(&o.src, got, why, sizeof why), CM_OK);
    assert_string_equal(got, want);

    /* Same size, new contents and time: another file now. */
    struct timespec later[2] = {{0, UTIME_OMIT}, {(time_t)o.src.file_id.mtime_sec + 5, 0}};
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    assert_int_equal(fputc('3', f), '3');
    assert_int_equal(fclose(f), 0);
    assert_int_equal(utimensat(AT_FDCWD, path, later, 0), 0);
    assert_int_equal(cm_source_digest(&o.src, got, why, sizeof why), CM_ERR_NOINPUT);
    assert_non_null(strstr(why, "changed after it was read"));

    /* Gone. */
    assert_int_equal(unlink(path), 0);
    assert_int_equal(cm_source_digest(&o.src, got, why, sizeof why), CM_ERR_NOINPUT);
    assert_non_null(strstr(why, "cannot read it again"));
    outcome_free(&o);
}

static void test_random(void **state)
{
    (void)state;
    static char text[200000];
    char ids[40][128];
    for (int round = 0; round < 60; round++) {
        bool dirty = round % 3 == 2;
        for (int i = 0; i < 40; i++)
            random_id(ids[i], sizeof ids[i], dirty && rnd(10) == 0);
        const char *ends[] = {"\n", "\r\n", "\r"};
        const char *end = ends[rnd(3)];
        bool sex = rnd(4) != 0;
        bool interval = rnd(3) == 0; /* an interval column: one value per year and kind */
        bool wide = rnd(5) == 0;     /* more columns than the fast reader splits itself */
        unsigned iv[3][2];
        for (int y = 0; y < 3; y++)
            for (int k = 0; k < 2; k++)
                iv[y][k] = 1 + rnd(50);
        size_t n = (size_t)snprintf(
            text, sizeof text, "%sorigin,year,destination,count,kind%s%s%s%s",
            rnd(5) ? "" : "\xef\xbb\xbf", sex ? ",sex" : "", interval ? ",interval" : "",
            wide ? ",c1,c2,c3,c4,c5,c6,c7,c8,c9,c10,c11,c12" : "", end);
        int rows = 1 + (int)rnd(400);
        for (int r = 0; r < rows && n + 600 < sizeof text; r++) {
            const char *kinds[] = {"internal", "international", "Internal"};
            const char *sexes[] = {"F", "M", "T", "", "m"};
            int year = (int)rnd(3), kind = (int)rnd(3);
            n += (size_t)snprintf(text + n, sizeof text - n, "%s,%d,%s,%u,%s", ids[rnd(40)],
                                  2010 + year, ids[rnd(40)], rnd(1000), kinds[kind]);
            if (sex)
                n += (size_t)snprintf(text + n, sizeof text - n, ",%s", sexes[rnd(5)]);
            if (interval) {
                unsigned v = iv[year][kind == 1];
                if (dirty && rnd(40) == 0)
                    v = 1 + rnd(60); /* another interval, or one out of range */
                if (rnd(6) == 0)
                    n += (size_t)snprintf(text + n, sizeof text - n, ",");
                else
                    n += (size_t)snprintf(text + n, sizeof text - n, ",%u", v);
            }
            if (wide)
                n += (size_t)snprintf(text + n, sizeof text - n, ",%s,,,,,,,,,,,%s",
                                      rnd(4) ? "" : "\"a\nb\"", rnd(3) ? "x" : "\"\r\n\"");
            if (dirty && rnd(50) == 0)
                n += (size_t)snprintf(text + n, sizeof text - n, ",extra");
            if (r + 1 < rows || rnd(2))
                n += (size_t)snprintf(text + n, sizeof text - n, "%s", end);
            if (rnd(30) == 0)
                n += (size_t)snprintf(text + n, sizeof text - n, "%s", end);
        }
        check_file(text, n, dirty ? -1 : 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bytescan_matches_model),
        cmocka_unit_test(test_taken),
        cmocka_unit_test(test_first_lines),
        cmocka_unit_test(test_wide),
        cmocka_unit_test(test_intervals),
        cmocka_unit_test(test_zones_from_areas),
        cmocka_unit_test(test_declined),
        cmocka_unit_test(test_digest_later),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
