/*
 * fuzz_flowscan.c - the fast flows reader against the checked reader. Each
 * input is a flows file read both ways; the fast reader must either give
 * exactly what the checked reader gives (status, counts, messages in order,
 * the string pool in id order, every flow cell, the statistics) or decline
 * and leave its pool, flows and source as they were. When the checked
 * reader reports an error, the fast reader must decline. The cells are
 * compared with their outside sums (the zones: the seed B, for every year)
 * and first lines, and the intervals with their places.
 *
 * The first two bytes choose the options, the rest makes the file:
 *   byte 0: bits 0-1 threads - 1; bits 2-3 the smallest part (default,
 *           1, 7 or 64 bytes); bits 4-6 the chunk read at a time (default,
 *           1, 2, 3, 7, 64, 100 or 4096 bytes); bit 7 strict.
 *   byte 1: bits 0-2 the header (below); bit 3 keep going; bit 4 ';' and
 *           '\'' for delimiter and quote; bit 5 a small field cap; bit 6
 *           more strings in the pool beforehand; bit 7 rows made from the
 *           rest (below) rather than the rest as it is.
 * Headers 0 to 6 are column layouts put before the rest, among them one
 * without sex, one with an interval and one of more columns than the fast
 * reader takes column by column. Header 7 is one more layout for made rows, and none at all for
 * the rest as it is: the rest is then the whole file.
 *
 * Raw bytes rarely make a row the fast reader takes, so made rows take one
 * byte of the rest a field: below 0xe0 a valid value of its column's kind
 * (ids quoted, with line breaks, long, alike at both ends; years, kinds,
 * sexes and counts in several forms), from 0xe0 a value at or past a limit
 * or of another column (a year before 1800, a count past 2^53, an empty
 * field), from 0xf0 a stray piece (outer spaces, a lone quote, a NUL, bad
 * UTF-8, a delimiter). After each row's fields one byte chooses its line
 * end; a last row cut short is completed.
 *
 * The file goes to a scratch directory of this process.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "citymig/dataset.h"
#include "citymig/flowscan.h"

static char dir[] = "/tmp/cm-fuzz-flowscan-XXXXXX";
static char path[sizeof dir + 16];

/* Strings interned before reading, as areas would be. */
static const char *const seeds[] = {"B", "A", "x", "AAAAAAAA-1-BBBBBBBB"};

static const char *const headers[] = {
    "year,origin,destination,kind,sex,count\n",
    "year,origin,destination,kind,sex,count,interval\n",
    "year,origin,destination,kind,count\n",
    "count,destination,note,origin,kind,year\n",
    "origin,year,destination,count,kind,sex\r\n",
    "\xef\xbb\xbfyear,origin,destination,kind,sex,count\r\n",
    "\"destination\",origin,sex,kind,year,count,c1,c2,c3,c4,c5,c6,c7,c8,c9,c10,c11\n",
    "Sex,Count,Kind,Destination,Origin,YEAR\r",
};

/* The columns of each header, for made rows: y year, i an area id, k kind,
   s sex, c count, v interval, n a column not used. */
static const char *const columns[] = {
    "yiiksc", "yiikscv", "yiikc", "ciniky", "iyicks", "yiiksc", "iiskycnnnnnnnnnnn", "sckiiy",
};
_Static_assert(sizeof headers / sizeof headers[0] == 8, "a header for each of bits 0-2");
_Static_assert(sizeof columns / sizeof columns[0] == 8, "the columns of each header");

/* Values of made fields, written with ',' and '"' (the dialect's
   delimiter and quote replace them). */
static const char *const years[] = {"2015", "2016", "2017",  "1800",
                                    "2200", "2015", "02015", "2016"};
static const char *const ids[] = {"A",
                                  "B",
                                  "x",
                                  "GB-MAN",
                                  "GB-LND",
                                  "\"A\"",
                                  "\"a, b\"",
                                  "\"c \"\"d\"\"\"",
                                  "\"line\nbreak\"",
                                  "\"x\r\ny\"",
                                  "S\xc3\xa3o Paulo",
                                  "AAAAAAAA-1-BBBBBBBB",
                                  "AAAAAAAA-2-BBBBBBBB",
                                  "abcdefghijklmnop",
                                  "abcdefghijklmnopq",
                                  "\"B\""};
static const char *const kinds[] = {"internal", "international", "Internal", "INTERNATIONAL",
                                    "\"internal\""};
static const char *const sexes[] = {"F", "M", "T", "", "m", "\"F\"", "f"};
static const char *const counts[] = {
    "0",  "1",     "10", "007", "123456789012345", "1234567890123456",
    "42", "\"3\"", "5",  "2",   "99999",           "300"};
static const char *const notes[] = {"", "hello world", "\"a,b\"", "x"};
/* Mostly 5, so that rows of a year and kind often agree. */
static const char *const intervals[] = {"5", "5", "5", "", "1", "05", "50", "\"5\""};
static const char *const edges[] = {"1799",
                                    "sideways",
                                    "X",
                                    "-1",
                                    "1.5",
                                    "",
                                    "9007199254740993",
                                    "9007199254740991",
                                    "4503599627370496",
                                    "9007199254740992",
                                    "+5",
                                    "1e3",
                                    "\"\"",
                                    "2201",
                                    "0",
                                    "abcdefghijklmnopqrstuvwxyz"};
static const char *const strays[] = {" A", "A ", "", "\"A", "A\"x", "\xff", "\xc3", "A,B"};
static const char stray_bytes[] = {'\0', '\t', ' ', '"', ',', '\n', '\r', '\x80'};
static const char *const line_ends[] = {"\n", "\n", "\r\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\n"};

static const size_t parts[] = {0, 1, 7, 64};
static const size_t chunks[] = {0, 1, 2, 3, 7, 64, 100, 4096};

/* Bytes that grow: the file being made, the messages read. */
typedef struct text {
    char *bytes;
    size_t len, cap;
} text;

static void add(text *t, const void *s, size_t n)
{
    if (t->len + n > t->cap) {
        size_t cap = (t->len + n) * 2 + 256;
        char *b = realloc(t->bytes, cap);
        if (!b)
            abort();
        t->bytes = b;
        t->cap = cap;
    }
    if (n)
        memcpy(t->bytes + t->len, s, n);
    t->len += n;
}

typedef struct outcome {
    cm_strpool *pool;
    cm_flows *flows;
    cm_source src;
    cm_diag diag;
    text msgs; /* every message, one a line */
    size_t nmsgs;
    cm_status status;
    bool taken;
} outcome;

static void keep(void *ctx, const cm_diag_msg *msg)
{
    outcome *o = ctx;
    char head[256];
    int n = snprintf(head, sizeof head, "%d %s:%llu:%u ", (int)msg->severity,
                     msg->loc.file ? msg->loc.file : "-", (unsigned long long)msg->loc.line,
                     msg->loc.col);
    if (n < 0)
        abort();
    add(&o->msgs, head, (size_t)n < sizeof head ? (size_t)n : sizeof head - 1);
    add(&o->msgs, msg->text, strlen(msg->text));
    add(&o->msgs, "\n", 1);
    o->nmsgs++;
}

static void outcome_init(outcome *o, size_t nseeds)
{
    memset(o, 0, sizeof *o);
    o->pool = cm_strpool_new();
    o->flows = cm_flows_new();
    if (!o->pool || !o->flows)
        abort();
    for (size_t i = 0; i < nseeds; i++)
        if (cm_strpool_intern(o->pool, seeds[i], strlen(seeds[i])) == 0)
            abort();
    /* The zones of every year: B (the first seed). */
    uint32_t zone = 1;
    if (cm_flows_declare_zone_list(o->flows, &zone, 1) != CM_OK)
        abort();
    cm_diag_init(&o->diag, keep, o, 0);
}

static void outcome_free(outcome *o)
{
    cm_strpool_free(o->pool);
    cm_flows_free(o->flows);
    free(o->msgs.bytes);
}

static void read_checked(const cm_load_options *opts, outcome *o)
{
    cm_loader *l =
        cm_loader_new(&cm_flows_def, "flows.csv", o->pool, NULL, o->flows, opts, &o->diag, &o->src);
    if (!l)
        abort();
    cm_csv_handler h = cm_loader_csv_handler();
    cm_status st =
        cm_csv_read_file(path, "flows.csv", &opts->csv, &h, l, &o->diag, &o->src.csv, NULL);
    o->status = cm_loader_end(l, st);
    cm_loader_free(l);
    cm_flows_sort(o->flows);
}

static void read_fast(const cm_load_options *opts, outcome *o)
{
    o->taken = cm_flowscan_load(path, "flows.csv", o->pool, o->flows, opts, &o->diag, &o->src);
    o->status = o->src.status;
    cm_flows_sort(o->flows);
}

/* What differs between the two readings, or NULL. */
static const char *differ(const outcome *a, const outcome *b)
{
    if (a->status != b->status)
        return "status";
    if (a->src.rows != b->src.rows)
        return "rows";
    if (a->src.unknown_columns != b->src.unknown_columns)
        return "unknown columns";
    if (a->src.csv.bytes != b->src.csv.bytes)
        return "csv bytes";
    if (a->src.csv.lines != b->src.csv.lines)
        return "csv lines";
    if (a->src.csv.records != b->src.csv.records)
        return "csv records";
    if (a->src.csv.bom != b->src.csv.bom)
        return "csv bom";
    if (a->nmsgs != b->nmsgs)
        return "message count";
    if (a->msgs.len != b->msgs.len ||
        (a->msgs.len && memcmp(a->msgs.bytes, b->msgs.bytes, a->msgs.len)))
        return "messages";
    if (a->diag.errors != b->diag.errors || a->diag.warnings != b->diag.warnings ||
        a->diag.notes != b->diag.notes)
        return "message counts by severity";
    size_t n = cm_strpool_count(a->pool);
    if (n != cm_strpool_count(b->pool))
        return "pool count";
    for (uint32_t id = 1; id <= n; id++) {
        size_t len = cm_strpool_len(a->pool, id);
        if (len != cm_strpool_len(b->pool, id) ||
            memcmp(cm_strpool_str(a->pool, id), cm_strpool_str(b->pool, id), len) != 0)
            return "pool string";
    }
    if (a->flows->count != b->flows->count)
        return "flow cell count";
    for (size_t i = 0; i < a->flows->count; i++) {
        const cm_flow_cell *x = &a->flows->cells[i], *y = &b->flows->cells[i];
        if (x->area != y->area || x->year != y->year || x->kind != y->kind || x->sex != y->sex)
            return "flow cell key";
        if (x->inflow != y->inflow || x->outflow != y->outflow || x->in_rows != y->in_rows ||
            x->out_rows != y->out_rows)
            return "flow cell sums";
        if (x->in_outside != y->in_outside || x->out_outside != y->out_outside)
            return "flow cell outside sums";
        if (x->in_line != y->in_line || x->out_line != y->out_line ||
            x->in_source != y->in_source || x->out_source != y->out_source)
            return "flow cell first lines";
    }
    if (memcmp(&a->flows->stats, &b->flows->stats, sizeof a->flows->stats) != 0)
        return "flow statistics";
    if (memcmp(a->flows->interval, b->flows->interval, sizeof a->flows->interval) != 0)
        return "intervals";
    for (int32_t y = CM_YEAR_MIN; y <= CM_YEAR_MAX; y++)
        for (int k = 0; k < CM_KIND_COUNT; k++) {
            cm_flows_place p = cm_flows_interval_place(a->flows, y, (cm_kind)k);
            cm_flows_place q = cm_flows_interval_place(b->flows, y, (cm_kind)k);
            if (p.line != q.line || p.source != q.source)
                return "interval places";
        }
    if (strcmp(cm_flows_source_name(a->flows, 0), cm_flows_source_name(b->flows, 0)) != 0)
        return "inputs";
    for (uint32_t id = 1; id <= n; id++)
        if (cm_flows_zone_named(a->flows, id) != cm_flows_zone_named(b->flows, id))
            return "zones named";
    return NULL;
}

/* What a declining reading changed, or NULL. */
static const char *touched(const outcome *o, size_t nseeds)
{
    static const cm_flows_stats no_stats;
    static const uint8_t no_interval[CM_FLOWS_YEARS][CM_KIND_COUNT];
    const cm_source *s = &o->src;
    if (o->nmsgs || o->diag.errors || o->diag.warnings || o->diag.notes)
        return "messages";
    if (cm_strpool_count(o->pool) != nseeds)
        return "pool";
    if (o->flows->count || memcmp(&o->flows->stats, &no_stats, sizeof no_stats) != 0)
        return "flows";
    if (memcmp(o->flows->interval, no_interval, sizeof no_interval) != 0 ||
        cm_flows_source_name(o->flows, 0)[0] || cm_flows_zone_named(o->flows, 1))
        return "flows' intervals, inputs or zones";
    if (s->present || s->skipped || s->path || s->name || s->status != CM_OK || s->csv.bytes ||
        s->csv.lines || s->csv.records || s->csv.bom || s->rows || s->rows_rejected ||
        s->duplicates_merged || s->errors || s->sha256[0] || s->unknown_columns ||
        s->sha256_later || s->file_id.dev || s->file_id.ino || s->file_id.size ||
        s->file_id.mtime_sec || s->file_id.mtime_nsec)
        return "source";
    return NULL;
}

static void cleanup(void)
{
    unlink(path);
    rmdir(dir);
}

/* Adds s with ',' and '"' turned into the dialect's delimiter and quote. */
static void add_in(text *t, const char *s, bool dialect)
{
    size_t from = t->len, n = strlen(s);
    add(t, s, n);
    for (size_t i = from; dialect && i < t->len; i++)
        t->bytes[i] = t->bytes[i] == ',' ? ';' : t->bytes[i] == '"' ? '\'' : t->bytes[i];
}

#define PICK(list, v) list[(v) % (sizeof list / sizeof list[0])]

/* Rows of the given columns, one field a byte of p, then a line end. A
   last row cut short is completed with the first value of each column. */
static void make_rows(text *t, const char *cols, const uint8_t *p, size_t n, bool dialect)
{
    size_t ncols = strlen(cols), col = 0;
    for (size_t i = 0;; i++) {
        /* Enough to cross chunks and parts; not so much as to slow the runs. */
        bool more = i < n && t->len < 64 * 1024;
        if (!more && (col == 0 || col == ncols))
            break;
        uint8_t v = more ? p[i] : 0;
        if (col == ncols) {
            add_in(t, PICK(line_ends, v), dialect);
            col = 0;
            continue;
        }
        if (col > 0)
            add_in(t, ",", dialect);
        if (v >= 0xf0) {
            if (v & 8)
                add(t, &stray_bytes[v & 7], 1);
            else
                add_in(t, strays[v & 7], dialect);
        } else if (v >= 0xe0) {
            add_in(t, edges[v & 15], dialect);
        } else {
            switch (cols[col]) {
            case 'y':
                add_in(t, PICK(years, v), dialect);
                break;
            case 'i':
                add_in(t, PICK(ids, v), dialect);
                break;
            case 'k':
                add_in(t, PICK(kinds, v), dialect);
                break;
            case 's':
                add_in(t, PICK(sexes, v), dialect);
                break;
            case 'c':
                add_in(t, PICK(counts, v), dialect);
                break;
            case 'v':
                add_in(t, PICK(intervals, v), dialect);
                break;
            default:
                add_in(t, PICK(notes, v), dialect);
                break;
            }
        }
        col++;
    }
}

static void put(const text *t)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (t->len && fwrite(t->bytes, 1, t->len, f) != t->len)
        abort();
    if (fclose(f) != 0)
        abort();
}

static void mismatch(const char *what, const cm_load_options *opts, int layout, bool made)
{
    fprintf(stderr,
            "fuzz_flowscan: %s (threads %u, part %zu, chunk %zu, header %d, strict %d, "
            "keep going %d, delimiter %c, field cap %zu, made rows %d)\n",
            what, opts->threads, opts->flows_min_part, opts->flows_chunk, layout, opts->strict,
            opts->keep_going, opts->csv.delimiter ? opts->csv.delimiter : ',', opts->csv.max_field,
            made);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    if (!path[0]) {
        if (!mkdtemp(dir))
            abort();
        snprintf(path, sizeof path, "%s/flows.csv", dir);
        atexit(cleanup);
    }
    uint8_t a = data[0], b = data[1];
    cm_load_options opts = {0};
    opts.threads = 1 + (a & 3u);
    opts.flows_min_part = parts[a >> 2 & 3u];
    opts.flows_chunk = chunks[a >> 4 & 7u];
    opts.strict = a >> 7 & 1u;
    opts.keep_going = b >> 3 & 1u;
    bool dialect = b >> 4 & 1u;
    if (dialect) {
        opts.csv.delimiter = ';';
        opts.csv.quote = '\'';
    }
    if (b >> 5 & 1u)
        opts.csv.max_field = 12;
    bool made = b >> 7 & 1u;
    size_t nseeds = b >> 6 & 1u ? sizeof seeds / sizeof seeds[0] : 1;

    /* The header, in the chosen dialect, then the rest. */
    int layout = b & 7;
    text file = {0};
    if (made || layout < 7)
        add_in(&file, headers[layout], dialect);
    if (made)
        make_rows(&file, columns[layout], data + 2, size - 2, dialect);
    else
        add(&file, data + 2, size - 2);
    put(&file);
    free(file.bytes);

    outcome ref, fast;
    outcome_init(&ref, nseeds);
    outcome_init(&fast, nseeds);
    read_checked(&opts, &ref);
    read_fast(&opts, &fast);
    if (fast.taken) {
        if (ref.status != CM_OK || ref.diag.errors)
            mismatch("taken although the checked reader reported an error", &opts, layout, made);
        const char *what = differ(&fast, &ref);
        if (what) {
            char why[96];
            snprintf(why, sizeof why, "taken, but differs in %s", what);
            mismatch(why, &opts, layout, made);
        }
    } else {
        const char *what = touched(&fast, nseeds);
        if (what) {
            char why[96];
            snprintf(why, sizeof why, "declined, but changed %s", what);
            mismatch(why, &opts, layout, made);
        }
    }
    outcome_free(&ref);
    outcome_free(&fast);
    return 0;
}
