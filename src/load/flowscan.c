/*
 * flowscan.c - flows.csv on every core: see flowscan.h for the contract
 * (exact, or decline without a trace).
 *
 * The work of one part is a worker: a libcsv parser with the default space
 * handling (no per-byte callback), the clean-bytes scan of the same chunk
 * just before it, and callbacks that do as little as possible per field.
 * An area id is not copied or interned per row: it is kept as two machine
 * words (its first and last eight bytes, which with its length determine an
 * id of up to 16 bytes) and looked up, with the row's year, in the worker's
 * own open-addressing table. Each entry of that table names the sums of its
 * (id, year) for each kind, sex and direction that has rows: a half (the
 * inflow's, or the outflow's) of 32 bytes, made when its first row comes,
 * so that an origin that is never a destination holds no inflow. One row
 * touches two entries and two halves, and nothing else. Years, counts and codes are parsed by hand
 * in the common forms and by value.c otherwise.
 *
 * After the parts are read and verified, the workers' entries are merged in
 * file order: ids are interned in the order the checked reader would have
 * met them, so the string pool comes out the same.
 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "citymig/flowscan.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "citymig/bigmem.h"
#include "citymig/bytescan.h"
#include "citymig/hash.h"
#include "citymig/sha256.h"
#include "citymig/value.h"

enum {
    CHUNK = 256 * 1024,  /* bytes read and parsed at a time */
    MIN_PART = 1 << 20,  /* no part smaller than this */
    MAX_PARTS = 64,      /* threads at most */
    SHORT_ID = 16,       /* ids up to this many bytes live in two words */
    ENUM_CACHE = 16,     /* slots for spellings of a kind or sex met */
    BATCH = 32,          /* rows looked up together */
    HEADER_MAX = CHUNK,  /* a header longer than this: the checked reader */
    PROGRESS_MS = 200,   /* between progress calls while threads work */
    PLAIN_COLS_MAX = 16, /* records of more columns go field by field */
};

/* What a header column feeds. */
typedef enum role {
    R_SKIP,
    R_YEAR,
    R_ID0,
    R_ID1,
    R_KIND,
    R_SEX,
    R_COUNT,
    R_INTERVAL,
    R_ROLES
} role;

/* The sums of one direction of one (area, year, kind, sex): half a cache
   line. */
typedef struct half {
    int64_t sum;
    uint64_t rows;
    int64_t outside; /* internal flows with a partner outside the zones */
    uint64_t line;   /* the first row, as the worker counts lines (from 1 at
                        the start of its part) */
} half;

enum { IN, OUT };

/* One (id, year) a worker has met, with its halves. */
typedef struct entry {
    uint64_t w0, w1; /* the id's key words */
    uint64_t hash;
    size_t name; /* offset of the id in the worker's arena, when longer than SHORT_ID */
    uint32_t len;
    int32_t year;
    /* All ones when the year has a system of zones and the id is not one of
       them: a partner outside. 0 otherwise. Decided when the entry is made. */
    int64_t outside;
    /* The index + 1 of each half in the worker's halves; 0: no row yet. */
    uint32_t half[2][CM_KIND_COUNT][CM_SEX_COUNT];
} entry;

/* An id of a row. */
typedef struct row_id {
    uint64_t w0, w1;
    uint64_t hash; /* with the row's year */
    uint32_t len;
    uint32_t hint; /* entry index + 1 its slot named when prefetched; 0: none */
    size_t off;    /* of a copy in the worker's batch bytes, when longer than SHORT_ID */
} row_id;

/* A row waiting for its lookups. */
typedef struct queued {
    row_id id[2]; /* the two id columns, in header order */
    int32_t year;
    uint8_t kind, sex;
    uint8_t interval; /* 0: the row states none */
    int64_t count;
    uint64_t line; /* of the record's start, counted from 1 at the start of the part */
} queued;

typedef struct spelling {
    uint64_t w0, w1;
    uint32_t len; /* + 1; 0: an empty slot */
    int code;
} spelling;

struct job;

typedef struct worker {
    struct job *job;
    struct csv_parser parser;
    bool parser_ready;
    cm_bytescan scan;
    unsigned char *buf;
    cm_bytemarks marks;      /* of the chunk in buf */
    bool in_csv;             /* libcsv holds a record begun in an earlier chunk */
    unsigned char *unquoted; /* quoted fields with their doubled quotes undoubled */
    size_t unquoted_len, unquoted_cap;
    bool failed;

    /* The current row, and the rows before it not yet looked up: their
       table entries are fetched from memory all at once. */
    size_t field;
    queued *row; /* batch[nbatch]: filled in place */
    queued batch[BATCH + 1];
    size_t nbatch;
    char *bytes; /* the long ids of the batch and the current row */
    size_t bytes_len, bytes_cap;

    /* (id, year) entries, and the halves they name. */
    entry *entries;
    size_t nentries, cap;
    half *halves;
    size_t nhalves, halves_cap;
    uint64_t *slots; /* hash << 32 | entry index + 1; 0: empty */
    size_t mask;
    char *arena; /* bytes of long ids */
    size_t arena_len, arena_cap;

    spelling spell[2][ENUM_CACHE]; /* kind, sex */

    /* Lines: the line ends before the current record, since the part began
       (so the record's line, counted from 1 there, is one more). */
    uint64_t lines;
    /* The intervals its rows state, [year][kind], and the line of the first
       row stating each. */
    uint8_t interval[CM_FLOWS_YEARS][CM_KIND_COUNT];
    uint64_t interval_line[CM_FLOWS_YEARS][CM_KIND_COUNT];

    /* Counts. */
    uint64_t records, rows, stayer_rows;
    int64_t stayer_persons;
    uint64_t rows_by_kind[CM_KIND_COUNT];
    int64_t persons_by_kind[CM_KIND_COUNT];

    /* The part: bytes [begin, end) of the file. */
    uint64_t begin, end;
    bool last;
    pthread_t thread;
    bool started;
} worker;

typedef struct job {
    int fd;
    uint64_t size;
    unsigned char delim, quote;
    size_t max_field;
    size_t chunk; /* bytes read at a time */
    size_t ncols;
    role *roles;
    int col_of[R_ROLES]; /* the column of each role; -1: none */
    int id_col[2];       /* the schema columns of R_ID0 and R_ID1 */
    int default_sex;     /* when the header has no sex column */
    /* Progress: called from worker_read when there is one part, else from
       the waiting thread. */
    const cm_load_options *opts;
    const char *name;
    /* Zones: the years with a system, and what tells which ids are zones
       (read only while the threads run). */
    bool declared[CM_FLOWS_YEARS];
    const cm_strpool *pool;
    const cm_flows *flows;
    bool inline_progress;
    _Atomic uint64_t done_bytes, done_rows;
    _Atomic unsigned running;
    pthread_mutex_t lock;
    pthread_cond_t cond;
} job;

unsigned cm_flowscan_default_threads(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0)
            return (unsigned)n;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

/* ---- Per-row work: the libcsv callbacks. ---- */

/* The key words of s: with len they determine s when len <= SHORT_ID. */
static inline void key_words(const unsigned char *s, size_t len, uint64_t *w0, uint64_t *w1)
{
    if (len >= 8) {
        memcpy(w0, s, 8);
        memcpy(w1, s + len - 8, 8);
    } else if (len >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + len - 4, 4);
        *w0 = a | (uint64_t)b << 32;
        *w1 = 0;
    } else {
        *w0 = len ? (uint64_t)s[0] | (uint64_t)s[len / 2] << 8 | (uint64_t)s[len - 1] << 16 : 0;
        *w1 = 0;
    }
}

/* Rebuilds the bytes of a short id from its key words. */
static void key_bytes(uint64_t w0, uint64_t w1, size_t len, unsigned char *out)
{
    if (len >= 8) {
        memcpy(out + len - 8, &w1, 8);
        memcpy(out, &w0, 8);
    } else if (len >= 4) {
        uint32_t a = (uint32_t)w0, b = (uint32_t)(w0 >> 32);
        memcpy(out + len - 4, &b, 4);
        memcpy(out, &a, 4);
    } else if (len) {
        out[len - 1] = (unsigned char)(w0 >> 16);
        out[len / 2] = (unsigned char)(w0 >> 8);
        out[0] = (unsigned char)w0;
    }
}

static inline uint64_t key_hash(const row_id *id, const char *bytes, int32_t year)
{
    uint64_t h;
    if (id->len <= SHORT_ID) {
        h = id->w0 ^ (id->w1 << 29 | id->w1 >> 35) ^ (uint64_t)id->len << 56;
        h = (h ^ (uint64_t)(uint32_t)year * 0x9e3779b97f4a7c15ULL) * 0xd6e8feb86659fd93ULL;
        return h ^ h >> 29;
    }
    return cm_hash_bytes(bytes + id->off, id->len) ^
           (uint64_t)(uint32_t)year * 0x9e3779b97f4a7c15ULL;
}

static void fail(worker *w)
{
    w->failed = true;
}

static int grow_slots(worker *w)
{
    size_t mask = w->mask ? w->mask * 2 + 1 : 4095;
    uint64_t *slots = calloc(mask + 1, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t n = 0; n < w->nentries; n++) {
        size_t i = (size_t)(w->entries[n].hash >> 20) & mask;
        while (slots[i])
            i = (i + 1) & mask;
        slots[i] = (w->entries[n].hash >> 32) << 32 | (uint64_t)(n + 1);
    }
    free(w->slots);
    w->slots = slots;
    w->mask = mask;
    return 0;
}

static inline size_t home_of(const worker *w, uint64_t h)
{
    return (size_t)(h >> 20) & w->mask;
}

/* The index of the entry of (id, year), created when new; SIZE_MAX when out
   of memory. id->hash is set. */
static size_t entry_of(worker *w, const row_id *id, int32_t year)
{
    uint64_t h = id->hash;
    /* Only a long id is read from the bytes (which may not exist, for a
       short one: no pointer is formed then). */
    const char *bytes = id->len > SHORT_ID ? w->bytes + id->off : NULL;
    if (id->hint) { /* most often the entry its home slot named */
        const entry *e = &w->entries[id->hint - 1];
        if (e->w0 == id->w0 && e->w1 == id->w1 && e->len == id->len && e->year == year &&
            (id->len <= SHORT_ID || memcmp(w->arena + e->name, bytes, id->len) == 0))
            return id->hint - 1;
    }
    uint64_t tag = h >> 32 << 32;
    size_t i = home_of(w, h);
    for (uint64_t s; (s = w->slots[i]) != 0; i = (i + 1) & w->mask) {
        if ((s & ~(uint64_t)UINT32_MAX) != tag)
            continue;
        size_t n = (size_t)(uint32_t)s - 1;
        const entry *e = &w->entries[n];
        if (e->w0 == id->w0 && e->w1 == id->w1 && e->len == id->len && e->year == year &&
            (id->len <= SHORT_ID || memcmp(w->arena + e->name, bytes, id->len) == 0))
            return n;
    }
    if (w->nentries == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : CM_BIG_GRAIN / sizeof(entry);
        entry *entries = cap < UINT32_MAX ? cm_big_realloc(w->entries, w->cap * sizeof *entries,
                                                           cap * sizeof *entries)
                                          : NULL;
        if (!entries)
            return SIZE_MAX;
        w->entries = entries;
        w->cap = cap;
    }
    entry *e = &w->entries[w->nentries];
    memset(e, 0, sizeof *e);
    e->w0 = id->w0;
    e->w1 = id->w1;
    e->len = id->len;
    e->year = year;
    e->hash = h;
    /* A zone of its year? Asked once per (id, year): a zone is an interned
       id (an area, or the manifest's list), so an id the pool lacks is none. */
    if (w->job->declared[year - CM_YEAR_MIN]) {
        unsigned char key[SHORT_ID];
        const char *s = bytes;
        if (id->len <= SHORT_ID) {
            key_bytes(id->w0, id->w1, id->len, key);
            s = (const char *)key;
        }
        uint32_t area = cm_strpool_find(w->job->pool, s, id->len);
        e->outside = area && cm_flows_is_zone(w->job->flows, area, year) ? 0 : -1;
    }
    if (id->len > SHORT_ID) {
        if (w->arena_len + id->len > w->arena_cap) {
            size_t cap = w->arena_cap ? w->arena_cap * 2 : 64 * 1024;
            while (cap < w->arena_len + id->len)
                cap *= 2;
            char *arena = realloc(w->arena, cap);
            if (!arena)
                return SIZE_MAX;
            w->arena = arena;
            w->arena_cap = cap;
        }
        memcpy(w->arena + w->arena_len, bytes, id->len);
        e->name = w->arena_len;
        w->arena_len += id->len;
    }
    w->slots[i] = tag | (uint64_t)(w->nentries + 1);
    w->nentries++;
    if (w->nentries * 2 > w->mask && grow_slots(w) != 0)
        return SIZE_MAX; /* the worker fails: its table no longer matters */
    return w->nentries - 1;
}

static inline bool is_digits(const unsigned char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned)(s[i] - '0') > 9)
            return false;
    return true;
}

static void take_year(worker *w, const unsigned char *s, size_t len)
{
    if (len == 4 && is_digits(s, 4)) {
        int32_t y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        if (y >= CM_YEAR_MIN && y <= CM_YEAR_MAX) {
            w->row->year = y;
            return;
        }
    }
    if (cm_parse_year((const char *)s, len, &w->row->year) != CM_PARSE_OK)
        fail(w);
}

static void take_count(worker *w, const unsigned char *s, size_t len)
{
    /* Fifteen digits stay below 2^53. */
    if (len >= 1 && len <= 15 && (s[0] != '0' || len == 1) && is_digits(s, len)) {
        int64_t v = 0;
        for (size_t i = 0; i < len; i++)
            v = v * 10 + (s[i] - '0');
        w->row->count = v;
        return;
    }
    if (cm_parse_count((const char *)s, len, &w->row->count) != CM_PARSE_OK)
        fail(w);
}

/* An interval: years from 1 to 50; an empty field states none. */
static void take_interval(worker *w, const unsigned char *s, size_t len)
{
    int64_t v = 0;
    if (len == 1 && s[0] >= '1' && s[0] <= '9')
        v = s[0] - '0';
    else if (len == 2 && s[0] >= '1' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9')
        v = (s[0] - '0') * 10 + (s[1] - '0');
    else if (len && cm_parse_count((const char *)s, len, &v) != CM_PARSE_OK)
        v = -1;
    if (len && (v < CM_INTERVAL_MIN || v > CM_INTERVAL_MAX)) {
        fail(w);
        return;
    }
    w->row->interval = (uint8_t)v;
}

static void take_id(worker *w, row_id *id, const unsigned char *s, size_t len)
{
    /* Empty, or with an outer space: the checked reader has words for it. */
    if (len == 0 || s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t' ||
        len > UINT32_MAX) {
        fail(w);
        return;
    }
    key_words(s, len, &id->w0, &id->w1);
    id->len = (uint32_t)len;
    if (len > SHORT_ID) {
        if (w->bytes_len + len > w->bytes_cap) {
            size_t cap = w->bytes_cap ? w->bytes_cap * 2 : 4096;
            while (cap < w->bytes_len + len)
                cap *= 2;
            char *b = realloc(w->bytes, cap);
            if (!b) {
                fail(w);
                return;
            }
            w->bytes = b;
            w->bytes_cap = cap;
        }
        memcpy(w->bytes + w->bytes_len, s, len);
        id->off = w->bytes_len;
        w->bytes_len += len;
    }
}

/* which: 0 kind, 1 sex. Spellings met are remembered in a small table
   indexed by their length and outer bytes: one compare per field, with no
   loop whose exit the processor must guess when F and M alternate. */
static inline void take_code(worker *w, int which, const unsigned char *s, size_t len)
{
    uint64_t w0, w1;
    key_words(s, len, &w0, &w1);
    spelling *sp = NULL;
    if (len <= SHORT_ID) {
        size_t slot = len ? (len * 5 + s[0] + s[len - 1] * 3u) % ENUM_CACHE : 0;
        sp = &w->spell[which][slot];
        if (sp->len == len + 1 && sp->w0 == w0 && sp->w1 == w1) {
            *(which ? &w->row->sex : &w->row->kind) = (uint8_t)sp->code;
            return;
        }
    }
    const cm_enum_def *def = which ? &cm_sex_enum : &cm_kind_enum;
    int code = len ? cm_enum_lookup(def, (const char *)s, len) : def->default_code;
    if (code < 0 && len == 0 && which == 1)
        code = CM_SEX_TOTAL; /* an optional column left empty */
    if (code < 0) {
        fail(w);
        return;
    }
    *(which ? &w->row->sex : &w->row->kind) = (uint8_t)code;
    if (sp)
        *sp = (spelling){w0, w1, (uint32_t)len + 1, code};
}

static void on_field(void *data, size_t len, void *ctx)
{
    worker *w = ctx;
    size_t i = w->field++;
    const unsigned char *s = data;
    if (i >= w->job->ncols || w->failed)
        return;
    if (len > w->job->max_field) {
        fail(w);
        return;
    }
    switch (w->job->roles[i]) {
    case R_SKIP:
        return;
    case R_YEAR:
        take_year(w, s, len);
        return;
    case R_ID0:
        take_id(w, &w->row->id[0], s, len);
        return;
    case R_ID1:
        take_id(w, &w->row->id[1], s, len);
        return;
    case R_KIND:
        take_code(w, 0, s, len);
        return;
    case R_SEX:
        take_code(w, 1, s, len);
        return;
    case R_COUNT:
        take_count(w, s, len);
        return;
    case R_INTERVAL:
        take_interval(w, s, len);
        return;
    case R_ROLES:
        return;
    }
}

/* The half of an entry for a direction, kind and sex, made when new. The
   room is made before (half_room), so that making the second half of a row
   never moves the first; NULL only when there is none. */
static half *half_of(worker *w, entry *e, int dir, int kind, int sex)
{
    uint32_t *at = &e->half[dir][kind][sex];
    if (*at)
        return &w->halves[*at - 1];
    if (w->nhalves == w->halves_cap)
        return NULL; /* half_room made room for two */
    w->nhalves++;
    *at = (uint32_t)w->nhalves;
    return &w->halves[*at - 1];
}

/* Room for the two halves a row may make, before any is held. */
static bool half_room(worker *w)
{
    if (w->halves_cap - w->nhalves >= 2)
        return true;
    size_t cap = w->halves_cap ? w->halves_cap * 2 : CM_BIG_GRAIN / sizeof(half);
    half *halves = cap < UINT32_MAX ? cm_big_realloc(w->halves, w->halves_cap * sizeof *halves,
                                                     cap * sizeof *halves)
                                    : NULL;
    if (!halves)
        return false;
    w->halves = halves;
    w->halves_cap = cap;
    return true;
}

/* Adds one row, its entries found. */
static void add_row(worker *w, const queued *r)
{
    /* Looked up in header order, as the checked reader interns them. */
    size_t e0 = entry_of(w, &r->id[0], r->year);
    size_t e1 = e0 == SIZE_MAX ? SIZE_MAX : entry_of(w, &r->id[1], r->year);
    if (e1 == SIZE_MAX) {
        fail(w);
        return;
    }
    int64_t count = r->count;
    w->rows++;
    if (r->interval) {
        /* One interval for a year and kind: another one is the checked
           reader's to report. */
        uint8_t *have = &w->interval[r->year - CM_YEAR_MIN][r->kind];
        if (!*have) {
            *have = r->interval;
            w->interval_line[r->year - CM_YEAR_MIN][r->kind] = r->line;
        } else if (*have != r->interval) {
            fail(w);
            return;
        }
    }
    if (e0 != e1 && !half_room(w)) {
        fail(w);
        return;
    }
    if (e0 == e1) {
        if (w->stayer_persons > CM_COUNT_MAX - count) {
            fail(w);
            return;
        }
        w->stayer_rows++;
        w->stayer_persons += count;
        return;
    }
    bool origin_first = w->job->id_col[0] == CM_FLOWS_ORIGIN;
    entry *dest = &w->entries[origin_first ? e1 : e0];
    entry *orig = &w->entries[origin_first ? e0 : e1];
    /* Every sum is at most its kind's total: checking that one suffices. */
    if (w->persons_by_kind[r->kind] > CM_COUNT_MAX - count) {
        fail(w);
        return;
    }
    half *in = half_of(w, dest, IN, r->kind, r->sex);
    half *out = in ? half_of(w, orig, OUT, r->kind, r->sex) : NULL;
    if (!out) {
        fail(w);
        return;
    }
    /* The part with a partner outside the zones, for internal flows: masks,
       no branch. */
    int64_t internal = -(int64_t)(r->kind == CM_KIND_INTERNAL);
    in->outside += count & internal & orig->outside;
    out->outside += count & internal & dest->outside;
    if (!in->rows)
        in->line = r->line;
    if (!out->rows)
        out->line = r->line;
    in->sum += count;
    in->rows++;
    out->sum += count;
    out->rows++;
    w->rows_by_kind[r->kind]++;
    w->persons_by_kind[r->kind] += count;
}

/*
 * Adds the batch. Each lookup would wait for memory (the table does not fit
 * in a core's cache), so the batch first asks for every slot it will read,
 * then for every entry those slots name, and only then looks up and adds,
 * row by row in file order, with the lines already on their way.
 */
static void flush(worker *w)
{
    size_t n = w->nbatch;
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 2; k++) {
            row_id *id = &w->batch[i].id[k];
            id->hash = key_hash(id, w->bytes, w->batch[i].year);
            __builtin_prefetch(&w->slots[home_of(w, id->hash)]);
        }
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 2; k++) {
            row_id *id = &w->batch[i].id[k];
            uint64_t s = w->slots[home_of(w, id->hash)];
            id->hint = 0;
            if (s && s >> 32 == id->hash >> 32) {
                id->hint = (uint32_t)s;
                __builtin_prefetch(&w->entries[(uint32_t)s - 1]);
            }
        }
    /* The halves the entries name, by then on their way. */
    bool origin_first = w->job->id_col[0] == CM_FLOWS_ORIGIN;
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 2; k++) {
            const row_id *id = &w->batch[i].id[k];
            if (!id->hint)
                continue;
            int dir = (k == 0) == origin_first ? OUT : IN;
            uint32_t h = w->entries[id->hint - 1].half[dir][w->batch[i].kind][w->batch[i].sex];
            if (h)
                __builtin_prefetch(&w->halves[h - 1], 1);
        }
    for (size_t i = 0; i < n && !w->failed; i++)
        add_row(w, &w->batch[i]);
    /* The current row moves to the front. It may be half read (a part
       ends inside a quoted field, and the part after it is read on): its
       ids stay. */
    if (n) {
        w->batch[0] = *w->row;
        w->row = &w->batch[0];
    }
    w->nbatch = 0;
    if (w->field == 0)
        w->bytes_len = 0;
}

/* The current row is whole: into the batch, and on to a fresh one. */
static inline void queue_row(worker *w)
{
    w->row = &w->batch[++w->nbatch];
    if (w->job->col_of[R_SEX] < 0)
        w->row->sex = (uint8_t)w->job->default_sex;
    if (w->nbatch == BATCH)
        flush(w);
}

static void on_record(int c, void *ctx)
{
    worker *w = ctx;
    size_t n = w->field;
    (void)c;
    w->field = 0;
    w->records++;
    if (w->failed)
        return;
    if (n != w->job->ncols) {
        fail(w);
        return;
    }
    queue_row(w);
}

/* ---- Reading a part. ---- */

static ssize_t pread_full(int fd, unsigned char *buf, size_t len, uint64_t off)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = pread(fd, buf + got, len - got, (off_t)(off + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? -1 : (ssize_t)got;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

static int worker_setup(worker *w, job *j)
{
    w->job = j;
    w->row = &w->batch[0];
    w->row->sex = (uint8_t)j->default_sex;
    size_t words = (j->chunk + 63) / 64;
    w->buf = malloc(j->chunk);
    uint64_t *marks = calloc(3 * words, sizeof *marks);
    w->marks =
        (cm_bytemarks){marks, marks ? marks + words : NULL, marks ? marks + 2 * words : NULL};
    if (!w->buf || !marks || grow_slots(w) != 0)
        return -1;
    if (csv_init(&w->parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return -1;
    w->parser_ready = true;
    csv_set_delim(&w->parser, j->delim);
    csv_set_quote(&w->parser, j->quote);
    csv_set_blk_size(&w->parser, 4096);
    cm_bytescan_init(&w->scan, j->delim, j->quote);
    return 0;
}

static void worker_free(worker *w)
{
    if (w->parser_ready)
        csv_free(&w->parser);
    free(w->buf);
    free(w->marks.delims);
    free(w->unquoted);
    cm_big_free(w->entries, w->cap * sizeof *w->entries);
    cm_big_free(w->halves, w->halves_cap * sizeof *w->halves);
    free(w->slots);
    free(w->arena);
    free(w->bytes);
}

/* The first set bit at or after pos in the marks of n bytes, or n. */
static inline size_t next_mark(const uint64_t *words, size_t pos, size_t n)
{
    if (pos >= n)
        return n;
    size_t k = pos / 64, nwords = (n + 63) / 64;
    uint64_t x = words[k] & (~(uint64_t)0 << (pos % 64));
    while (!x) {
        if (++k == nwords)
            return n;
        x = words[k];
    }
    size_t i = k * 64 + (size_t)__builtin_ctzll(x);
    return i < n ? i : n;
}

static bool csv_take(worker *w, const unsigned char *p, size_t len)
{
    return csv_parse(&w->parser, p, len, on_field, on_record, w) == len;
}

/*
 * The field buf[from, to) of a record holding a quote, as libcsv in strict
 * mode passes it: unquoted with no quote in it, or quoted whole, its
 * doubled quotes undoubled into w->unquoted (reserved by the caller, room
 * for the record). False when it is neither, which libcsv in strict mode
 * refuses: a quote in an unquoted field, or anything but a delimiter or a
 * line end after a closing quote.
 */
static bool quoted_field(worker *w, const unsigned char *buf, size_t from, size_t to,
                         const unsigned char **text, size_t *len)
{
    const uint64_t *quotes = w->marks.quotes;
    unsigned char quote = w->job->quote;
    size_t q = next_mark(quotes, from, to);
    if (q == to) {
        *text = buf + from;
        *len = to - from;
        return true;
    }
    if (q != from || to - from < 2 || buf[to - 1] != quote)
        return false;
    size_t inner = next_mark(quotes, from + 1, to - 1);
    if (inner == to - 1) {
        *text = buf + from + 1;
        *len = to - from - 2;
        return true;
    }
    /* Doubled quotes inside: each quote must be followed by another. */
    unsigned char *out = w->unquoted + w->unquoted_len;
    size_t n = 0;
    for (size_t i = from + 1; i < to - 1;) {
        size_t next = next_mark(quotes, i, to - 1);
        memcpy(out + n, buf + i, next - i);
        n += next - i;
        if (next == to - 1)
            break;
        if (next + 1 >= to - 1 || buf[next + 1] != quote)
            return false;
        out[n++] = quote;
        i = next + 2;
    }
    w->unquoted_len += n;
    *text = out;
    *len = n;
    return true;
}

/*
 * Line ends in p[0..len): LF, CR and CRLF each once, as the checked reader
 * counts lines; prev_cr: the byte before p was a CR.
 */
static uint64_t line_ends_in(const unsigned char *p, size_t len, bool prev_cr)
{
    uint64_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '\r')
            n++;
        else if (p[i] == '\n' && !(i ? p[i - 1] == '\r' : prev_cr))
            n++;
    }
    return n;
}

/*
 * One record, whole in the chunk: buf[pos, stop[nf - 1]), its fields
 * ending at stop[0..nf) (each delimiter, then the line end); nf above
 * PLAIN_COLS_MAX says only "too many". quoted: a quote lies in it. Does
 * what on_field and on_record would do with it, column by column, without
 * a call and a switch per field, and counts its lines.
 */
static void take_record(worker *w, const unsigned char *buf, size_t pos, const size_t *stop,
                        size_t nf, bool quoted)
{
    const job *j = w->job;
    const unsigned char *text[PLAIN_COLS_MAX];
    size_t len[PLAIN_COLS_MAX];
    w->records++;
    w->row->line = w->lines + 1;
    w->lines++; /* its line end */
    if (nf != j->ncols) {
        fail(w);
        return;
    }
    if (quoted) {
        size_t need = stop[nf - 1] - pos;
        if (need > w->unquoted_cap) {
            unsigned char *u = realloc(w->unquoted, need);
            if (!u) {
                fail(w);
                return;
            }
            w->unquoted = u;
            w->unquoted_cap = need;
        }
        w->unquoted_len = 0;
    }
    for (size_t f = 0, from = pos; f < nf; from = stop[f] + 1, f++) {
        if (!quoted) {
            text[f] = buf + from;
            len[f] = stop[f] - from;
        } else if (!quoted_field(w, buf, from, stop[f], &text[f], &len[f])) {
            fail(w); /* libcsv in strict mode refuses it too */
            return;
        } else if (buf[from] == j->quote) {
            /* Line breaks inside quotes are lines too. */
            w->lines += line_ends_in(buf + from + 1, stop[f] - from - 2, false);
        }
        if (len[f] > j->max_field) {
            fail(w);
            return;
        }
    }
#define FIELD(r) text[j->col_of[r]], len[j->col_of[r]]
    if (j->col_of[R_YEAR] >= 0)
        take_year(w, FIELD(R_YEAR));
    take_id(w, &w->row->id[0], FIELD(R_ID0));
    take_id(w, &w->row->id[1], FIELD(R_ID1));
    if (j->col_of[R_KIND] >= 0)
        take_code(w, 0, FIELD(R_KIND));
    if (j->col_of[R_SEX] >= 0)
        take_code(w, 1, FIELD(R_SEX));
    if (j->col_of[R_COUNT] >= 0)
        take_count(w, FIELD(R_COUNT));
    if (j->col_of[R_INTERVAL] >= 0)
        take_interval(w, FIELD(R_INTERVAL));
#undef FIELD
    if (!w->failed)
        queue_row(w);
}

/* A blank line, or the LF of a CRLF, at buf[i]: counted as the checked
   reader counts lines. */
static inline void blank_line(worker *w, const unsigned char *buf, size_t i, bool prev_cr)
{
    if (!(buf[i] == '\n' && (i ? buf[i - 1] == '\r' : prev_cr)))
        w->lines++;
}

/*
 * The end of a record libcsv holds, begun in an earlier chunk: libcsv reads
 * on to the first line end outside quotes. Returns where the next record
 * starts, or n when the record goes on past the chunk. Then the line count
 * is set again from the byte scan's (base, prev_cr: its count and last byte
 * before this chunk), as the record's lines went by unseen.
 */
static size_t finish_held(worker *w, const unsigned char *buf, size_t n, uint64_t base,
                          bool prev_cr)
{
    size_t e = next_mark(w->marks.ends, 0, n);
    size_t upto = e < n ? e + 1 : n;
    if (!csv_take(w, buf, upto)) {
        fail(w);
        return n;
    }
    if (e == n)
        return n;
    w->in_csv = false;
    w->lines = base + line_ends_in(buf, upto, prev_cr);
    return upto;
}

/* Hands libcsv the rest of a chunk, from a record's start: a record cut by
   the end of the chunk. */
static void hold_rest(worker *w, const unsigned char *buf, size_t pos, size_t n)
{
    if (pos >= n)
        return;
    w->row->line = w->lines + 1;
    w->in_csv = true;
    if (!csv_take(w, buf + pos, n - pos))
        fail(w);
}

/*
 * A chunk of a file of more than PLAIN_COLS_MAX columns: every record goes
 * to libcsv, one at a time, split at the line ends outside quotes, so that
 * each knows its line.
 */
static void read_wide(worker *w, const unsigned char *buf, size_t n, uint64_t base, bool prev_cr)
{
    size_t pos = w->in_csv ? finish_held(w, buf, n, base, prev_cr) : 0;
    while (pos < n && !w->failed) {
        size_t e = next_mark(w->marks.ends, pos, n);
        if (e == n) {
            hold_rest(w, buf, pos, n);
            return;
        }
        if (e == pos) {
            blank_line(w, buf, e, prev_cr);
            pos = e + 1;
            continue;
        }
        w->row->line = w->lines + 1;
        if (!csv_take(w, buf + pos, e + 1 - pos)) {
            fail(w);
            return;
        }
        /* Its line end, and those inside its quotes. */
        w->lines += 1 + line_ends_in(buf + pos, e - pos, false);
        pos = e + 1;
    }
}

/*
 * Reads the records of the chunk buf[0..n), its marks made; base and
 * prev_cr: the byte scan's line count and last byte before it. The marks
 * of delimiters and line ends outside quotes are walked once, in order:
 * they split the chunk into records and fields, which go straight to the
 * work of a row as libcsv in strict mode would pass them (no space can sit
 * at a field's edge outside quotes: the byte scan saw to that, so libcsv
 * would trim none). A field libcsv would refuse fails the part, and the
 * checked reader reads the file. libcsv reads only what the marks do not
 * settle: a record cut by the end of the chunk, which it then holds until
 * its line end comes, and every record of a file of more than
 * PLAIN_COLS_MAX columns. Blank lines are skipped, as libcsv skips them.
 * Lines are counted on the way: each record's line end, the line breaks
 * inside its quoted fields, blank lines.
 */
static void read_chunk(worker *w, const unsigned char *buf, size_t n, uint64_t base, bool prev_cr)
{
    const uint64_t *ends = w->marks.ends, *delims = w->marks.delims;
    if (w->job->ncols > PLAIN_COLS_MAX) {
        read_wide(w, buf, n, base, prev_cr);
        return;
    }
    size_t pos = w->in_csv ? finish_held(w, buf, n, base, prev_cr) : 0;
    if (pos >= n || w->failed)
        return;
    size_t nwords = (n + 63) / 64, k = pos / 64;
    uint64_t x = (delims[k] | ends[k]) & (~(uint64_t)0 << (pos % 64));
    size_t quote = next_mark(w->marks.quotes, pos, n); /* the first quote at or past pos */
    size_t stop[PLAIN_COLS_MAX + 1], nf = 0;
    for (;;) {
        while (!x) {
            if (++k >= nwords) {
                /* The rest is a record cut by the end of the chunk. */
                hold_rest(w, buf, pos, n);
                return;
            }
            x = delims[k] | ends[k];
        }
        size_t i = k * 64 + (size_t)__builtin_ctzll(x);
        x &= x - 1;
        bool end = buf[i] == '\n' || buf[i] == '\r';
        if (end && i == pos && nf == 0) {
            blank_line(w, buf, i, prev_cr);
            pos = i + 1; /* a blank line, or the LF of a CRLF */
            continue;
        }
        stop[nf < PLAIN_COLS_MAX ? nf : PLAIN_COLS_MAX] = i;
        nf++;
        if (!end)
            continue;
        bool quoted = quote < i;
        take_record(w, buf, pos, stop, nf > PLAIN_COLS_MAX ? PLAIN_COLS_MAX + 1 : nf, quoted);
        if (w->failed)
            return;
        if (quoted)
            quote = next_mark(w->marks.quotes, i + 1, n);
        pos = i + 1;
        nf = 0;
    }
}

/* Reads bytes [begin, end) of the file into w; at the end of the file too
   when last. */
static void worker_read(worker *w, uint64_t begin, uint64_t end, bool last)
{
    job *j = w->job;
    uint64_t rows_before = w->rows;
    for (uint64_t off = begin; off < end && !w->failed;) {
        size_t want = end - off < j->chunk ? (size_t)(end - off) : j->chunk;
        ssize_t n = pread_full(j->fd, w->buf, want, off);
        if (n != (ssize_t)want) {
            fail(w); /* a read error or a shorter file: the checked reader says which */
            break;
        }
        uint64_t base = w->scan.line_ends;
        bool prev_cr = w->scan.prev_cr != 0;
        cm_bytescan_mark(&w->scan, w->buf, want, &w->marks);
        if (w->scan.dirty)
            fail(w);
        else
            read_chunk(w, w->buf, want, base, prev_cr);
        off += want;
        atomic_fetch_add(&j->done_bytes, want);
        atomic_fetch_add(&j->done_rows, w->rows - rows_before);
        rows_before = w->rows;
        if (j->inline_progress)
            j->opts->progress(j->opts->progress_ctx, j->name, atomic_load(&j->done_bytes), j->size,
                              atomic_load(&j->done_rows));
    }
    if (last && !w->failed) {
        if (!cm_bytescan_finish(&w->scan) || csv_fini(&w->parser, on_field, on_record, w) != 0)
            fail(w);
    }
    if (!w->failed)
        flush(w);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    job *j = w->job;
    worker_read(w, w->begin, w->end, w->last);
    pthread_mutex_lock(&j->lock);
    atomic_fetch_sub(&j->running, 1);
    pthread_cond_signal(&j->cond);
    pthread_mutex_unlock(&j->lock);
    return NULL;
}

/* ---- The header. ---- */

/* Collects the header's messages, to pass them on only if the file is taken. */
typedef struct held {
    cm_severity sev;
    cm_loc loc;
    char *text;
} held;

typedef struct holder {
    held *items;
    size_t count;
    bool nomem;
} holder;

static void hold(void *ctx, const cm_diag_msg *msg)
{
    holder *h = ctx;
    held *items = realloc(h->items, (h->count + 1) * sizeof *items);
    char *text = strdup(msg->text);
    if (!items || !text) {
        free(text);
        if (items)
            h->items = items;
        h->nomem = true;
        return;
    }
    h->items = items;
    h->items[h->count++] = (held){msg->severity, msg->loc, text};
}

static void holder_free(holder *h)
{
    for (size_t i = 0; i < h->count; i++)
        free(h->items[i].text);
    free(h->items);
}

/*
 * Where the header record ends in buf[0..len): just past its line end
 * (past CRLF as a whole), or 0 when it does not end there.
 */
static size_t header_end(const unsigned char *buf, size_t len, unsigned char quote)
{
    size_t i = len >= 3 && buf[0] == 0xef && buf[1] == 0xbb && buf[2] == 0xbf ? 3 : 0;
    bool inside = false;
    for (; i < len; i++) {
        if (buf[i] == quote)
            inside = !inside;
        else if (!inside && (buf[i] == '\n' || buf[i] == '\r'))
            break;
    }
    if (i >= len)
        return 0;
    if (buf[i] == '\r') {
        if (i + 1 >= len)
            return 0; /* an LF may follow: not known */
        if (buf[i + 1] == '\n')
            i++;
    }
    return i + 1;
}

/*
 * Reads the header with the checked reader, its messages held. Fills the
 * job's roles. Returns the header's size in bytes, or 0 to decline.
 */
static size_t read_header(job *j, const unsigned char *buf, size_t len, const char *name,
                          const cm_load_options *opts, holder *h, cm_source *hsrc)
{
    size_t end = header_end(buf, len, j->quote);
    if (end < 4)
        return 0;
    cm_diag quiet;
    cm_diag_init(&quiet, hold, h, 0);
    cm_loader *l = cm_loader_new(&cm_flows_def, name, NULL, NULL, NULL, opts, &quiet, hsrc);
    cm_csv_handler handler = cm_loader_csv_handler();
    cm_csv *csv = l ? cm_csv_new(&opts->csv, &handler, l, &quiet, name) : NULL;
    size_t taken = 0;
    if (csv && cm_csv_feed(csv, buf, end) == CM_OK && cm_loader_has_header(l) &&
        quiet.errors == 0 && !h->nomem) {
        size_t ncols;
        const int *map = cm_loader_column_map(l, &ncols);
        j->roles = calloc(ncols ? ncols : 1, sizeof *j->roles);
        if (j->roles) {
            bool seen_sex = false, seen_age = false;
            int ids = 0;
            j->ncols = ncols;
            for (int r = 0; r < R_ROLES; r++)
                j->col_of[r] = -1;
            for (size_t c = 0; c < ncols; c++) {
                switch (map[c]) {
                case CM_FLOWS_YEAR:
                    j->roles[c] = R_YEAR;
                    break;
                case CM_FLOWS_ORIGIN:
                case CM_FLOWS_DESTINATION:
                    j->id_col[ids] = map[c];
                    j->roles[c] = ids++ ? R_ID1 : R_ID0;
                    break;
                case CM_FLOWS_KIND:
                    j->roles[c] = R_KIND;
                    break;
                case CM_FLOWS_SEX:
                    j->roles[c] = R_SEX;
                    seen_sex = true;
                    break;
                case CM_FLOWS_COUNT:
                    j->roles[c] = R_COUNT;
                    break;
                case CM_FLOWS_INTERVAL:
                    j->roles[c] = R_INTERVAL;
                    break;
                case CM_FLOWS_AGE:
                    /* Sums by age group: the checked reader's. */
                    j->roles[c] = R_SKIP;
                    seen_age = true;
                    break;
                default:
                    j->roles[c] = R_SKIP;
                    break;
                }
                if (j->roles[c] != R_SKIP && c <= INT32_MAX)
                    j->col_of[j->roles[c]] = (int)c;
            }
            int sex_default = cm_sex_enum.default_code;
            j->default_sex = !seen_sex && sex_default >= 0 ? sex_default : CM_SEX_TOTAL;
            if (ids == 2 && !seen_age)
                taken = end;
        }
    }
    cm_csv_free(csv);
    cm_loader_free(l);
    return taken;
}

/* ---- The whole file. ---- */

/* Splits [begin, size) into up to n parts at LFs; returns the number of parts. */
static size_t split(job *j, uint64_t begin, size_t n, uint64_t *cuts, unsigned char *buf)
{
    uint64_t data = j->size - begin;
    size_t min_part = j->opts->flows_min_part ? j->opts->flows_min_part : MIN_PART;
    if (n > data / min_part)
        n = (size_t)(data / min_part);
    if (n < 1)
        n = 1;
    if (n > MAX_PARTS)
        n = MAX_PARTS;
    size_t parts = 0;
    cuts[parts++] = begin;
    for (size_t k = 1; k < n; k++) {
        uint64_t at = begin + data / n * k;
        if (at <= cuts[parts - 1])
            continue;
        uint64_t cut = 0;
        while (at < j->size && !cut) {
            size_t want = j->size - at < 64 * 1024 ? (size_t)(j->size - at) : 64 * 1024;
            ssize_t got = pread_full(j->fd, buf, want, at);
            if (got <= 0)
                break;
            unsigned char *lf = memchr(buf, '\n', (size_t)got);
            if (lf)
                cut = at + (uint64_t)(lf - buf) + 1;
            at += (uint64_t)got;
        }
        if (!cut || cut >= j->size)
            break;
        cuts[parts++] = cut;
    }
    cuts[parts] = j->size;
    return parts;
}

cm_status cm_source_digest(const cm_source *src, char hex[65], char *why, size_t why_size)
{
    const cm_file_id *id = &src->file_id;
    unsigned char *buf = malloc(CHUNK);
    cm_sha256 *sha = cm_sha256_new();
    int fd = open(src->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    cm_status st = CM_OK;
    struct stat sb;
    if (!buf || !sha) {
        st = CM_ERR_NOMEM;
        snprintf(why, why_size, "out of memory");
    } else if (fd < 0 || fstat(fd, &sb) != 0) {
        st = CM_ERR_NOINPUT;
        snprintf(why, why_size, "cannot read it again for its SHA-256: %s", strerror(errno));
    }
    /* The same file, unchanged: before reading, and after. */
    for (int pass = 0; pass < 2 && st == CM_OK; pass++) {
        if ((uint64_t)sb.st_dev != id->dev || (uint64_t)sb.st_ino != id->ino ||
            (uint64_t)sb.st_size != id->size || sb.st_mtim.tv_sec != id->mtime_sec ||
            sb.st_mtim.tv_nsec != id->mtime_nsec) {
            st = CM_ERR_NOINPUT;
            snprintf(why, why_size, "changed after it was read; read it again");
            break;
        }
        if (pass == 1)
            break;
        for (uint64_t off = 0; off < id->size && st == CM_OK;) {
            size_t want = id->size - off < CHUNK ? (size_t)(id->size - off) : CHUNK;
            errno = 0;
            if (pread_full(fd, buf, want, off) != (ssize_t)want) {
                st = CM_ERR_NOINPUT;
                snprintf(why, why_size, "cannot read it again for its SHA-256: %s",
                         errno ? strerror(errno) : "the file is shorter");
            }
            cm_sha256_update(sha, buf, want);
            off += want;
        }
        if (st == CM_OK && fstat(fd, &sb) != 0) {
            st = CM_ERR_NOINPUT;
            snprintf(why, why_size, "cannot read it again for its SHA-256: %s", strerror(errno));
        }
    }
    if (sha) {
        char text[CM_SHA256_HEX_SIZE];
        cm_sha256_finish(sha, text);
        if (st == CM_OK)
            memcpy(hex, text, sizeof text);
    }
    if (fd >= 0)
        close(fd);
    free(buf);
    return st;
}

/* Waits for the threads, calling progress now and then. */
static void wait_threads(job *j)
{
    const cm_load_options *opts = j->opts;
    pthread_mutex_lock(&j->lock);
    while (atomic_load(&j->running) > 0) {
        if (opts->progress) {
            pthread_mutex_unlock(&j->lock);
            opts->progress(opts->progress_ctx, j->name, atomic_load(&j->done_bytes), j->size,
                           atomic_load(&j->done_rows));
            pthread_mutex_lock(&j->lock);
            if (atomic_load(&j->running) == 0)
                break;
        }
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        t.tv_nsec += PROGRESS_MS * 1000000L;
        if (t.tv_nsec >= 1000000000L) {
            t.tv_sec++;
            t.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&j->cond, &j->lock, &t);
    }
    pthread_mutex_unlock(&j->lock);
}

/*
 * Merges the workers that read the file, in file order, into flows: base[k]
 * is the line ends before owner k's part, which turns its line counts into
 * the file's lines.
 */
static cm_status merge(worker **owners, size_t n, const uint64_t *base, const char *name,
                       cm_strpool *pool, cm_flows *flows)
{
    unsigned char key[SHORT_ID];
    int source = cm_flows_source(flows, name);
    if (source < 0)
        return CM_ERR_NOMEM;
    for (size_t k = 0; k < n; k++) {
        const worker *w = owners[k];
        for (size_t i = 0; i < w->nentries; i++) {
            const entry *e = &w->entries[i];
            const char *s = (const char *)key;
            if (e->len > SHORT_ID)
                s = w->arena + e->name;
            else
                key_bytes(e->w0, e->w1, e->len, key);
            uint32_t area = cm_strpool_intern(pool, s, e->len);
            if (!area)
                return CM_ERR_NOMEM;
            cm_flows_note_named(flows, area);
            for (int kind = 0; kind < CM_KIND_COUNT; kind++)
                for (int sex = 0; sex < CM_SEX_COUNT; sex++) {
                    uint32_t hi = e->half[IN][kind][sex], ho = e->half[OUT][kind][sex];
                    if (!hi && !ho)
                        continue;
                    static const half none;
                    const half *in = hi ? &w->halves[hi - 1] : &none;
                    const half *out = ho ? &w->halves[ho - 1] : &none;
                    cm_flow_sums add = {in->sum,
                                        out->sum,
                                        in->rows,
                                        out->rows,
                                        in->outside,
                                        out->outside,
                                        in->rows ? base[k] + in->line : 0,
                                        out->rows ? base[k] + out->line : 0,
                                        (uint16_t)source,
                                        (uint16_t)source};
                    if (cm_flows_merge_sums(flows, area, e->year, (cm_kind)kind, (cm_sex)sex,
                                            &add) != CM_OK)
                        return CM_ERR_NOMEM;
                }
        }
        flows->stats.rows += w->rows;
        flows->stats.stayer_rows += w->stayer_rows;
        flows->stats.stayer_persons += w->stayer_persons;
        for (int kind = 0; kind < CM_KIND_COUNT; kind++) {
            flows->stats.rows_by_kind[kind] += w->rows_by_kind[kind];
            flows->stats.persons_by_kind[kind] += w->persons_by_kind[kind];
        }
    }
    /* The intervals, checked to agree before: the first statement's place. */
    for (size_t k = 0; k < n; k++)
        for (size_t y = 0; y < CM_FLOWS_YEARS; y++)
            for (int kind = 0; kind < CM_KIND_COUNT; kind++)
                if (owners[k]->interval[y][kind] && !flows->interval[y][kind]) {
                    cm_flows_place at = {base[k] + owners[k]->interval_line[y][kind],
                                         (uint16_t)source};
                    cm_flows_state_interval(flows, (int32_t)y + CM_YEAR_MIN, (cm_kind)kind,
                                            owners[k]->interval[y][kind], at);
                }
    return CM_OK;
}

/* True when the owners' intervals agree: one for each year and kind. */
static bool intervals_agree(worker **owners, size_t n)
{
    for (size_t y = 0; y < CM_FLOWS_YEARS; y++)
        for (int kind = 0; kind < CM_KIND_COUNT; kind++) {
            uint8_t first = 0;
            for (size_t k = 0; k < n; k++) {
                uint8_t v = owners[k]->interval[y][kind];
                if (v && first && v != first)
                    return false;
                if (v)
                    first = v;
            }
        }
    return true;
}

bool cm_flowscan_load(const char *path, const char *name, cm_strpool *pool, cm_flows *flows,
                      const cm_load_options *opts, cm_diag *diag, cm_source *src)
{
    unsigned char delim = opts->csv.delimiter ? opts->csv.delimiter : ',';
    unsigned char quote = opts->csv.quote ? opts->csv.quote : '"';
    const unsigned char awkward[] = {' ', '\t', '\r', '\n', 0};
    if (memchr(awkward, delim, sizeof awkward) || memchr(awkward, quote, sizeof awkward) ||
        delim == quote || delim >= 0x80 || quote >= 0x80)
        return false;
    /* Flows already read (a second file): the checked reader adds to them. */
    if (flows->count || flows->stats.rows)
        return false;

    job j = {.fd = -1, .delim = delim, .quote = quote, .opts = opts, .name = name};
    j.pool = pool;
    j.flows = flows;
    for (size_t y = 0; y < CM_FLOWS_YEARS; y++)
        j.declared[y] = cm_flows_system_declared(flows, (int32_t)y + CM_YEAR_MIN);
    j.max_field = opts->csv.max_field ? opts->csv.max_field : CM_CSV_DEFAULT_MAX_FIELD;
    j.chunk = opts->flows_chunk ? opts->flows_chunk : CHUNK;
    worker workers[MAX_PARTS];
    worker *owners[MAX_PARTS];
    uint64_t cuts[MAX_PARTS + 1];
    size_t parts = 0, nowners = 0;
    bool taken = false, sync_ready = false;
    holder h = {0};
    cm_source hsrc = {0};
    unsigned char *buf = malloc(CHUNK);
    struct stat sb, sb_after;

    memset(workers, 0, sizeof workers);
    /* O_NONBLOCK: a named pipe must not hold open() up (it is declined, and
       the checked reader refuses it). */
    j.fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (!buf || j.fd < 0 || fstat(j.fd, &sb) != 0 || !S_ISREG(sb.st_mode))
        goto out;
    j.size = (uint64_t)sb.st_size;

    /* The header, read by the checked reader. */
    size_t head = j.size < HEADER_MAX ? (size_t)j.size : HEADER_MAX;
    if (pread_full(j.fd, buf, head, 0) != (ssize_t)head)
        goto out;
    size_t header = read_header(&j, buf, head, name, opts, &h, &hsrc);
    if (!header || header >= j.size)
        goto out;
    int bom = buf[0] == 0xef && buf[1] == 0xbb && buf[2] == 0xbf;
    cm_bytescan hscan;
    cm_bytescan_init(&hscan, delim, quote);
    cm_bytescan_feed(&hscan, buf, header);

    /* The parts. */
    unsigned threads = opts->threads ? opts->threads : 1;
    parts = split(&j, header, threads, cuts, buf);
    for (size_t k = 0; k < parts; k++) {
        if (worker_setup(&workers[k], &j) != 0) {
            parts = k + 1;
            goto out;
        }
        workers[k].begin = cuts[k];
        workers[k].end = cuts[k + 1];
        workers[k].last = k + 1 == parts;
    }
    if (parts == 1) {
        j.inline_progress = opts->progress != NULL;
        worker_read(&workers[0], workers[0].begin, workers[0].end, true);
    } else {
        if (pthread_mutex_init(&j.lock, NULL) != 0)
            goto out;
        if (pthread_cond_init(&j.cond, NULL) != 0) {
            pthread_mutex_destroy(&j.lock);
            goto out;
        }
        sync_ready = true;
        for (size_t k = 0; k < parts; k++) {
            atomic_fetch_add(&j.running, 1);
            if (pthread_create(&workers[k].thread, NULL, worker_main, &workers[k]) == 0) {
                workers[k].started = true;
            } else {
                atomic_fetch_sub(&j.running, 1);
            }
        }
        wait_threads(&j);
        for (size_t k = 0; k < parts; k++) {
            if (workers[k].started) {
                pthread_join(workers[k].thread, NULL);
                workers[k].started = false;
            } else {
                worker_read(&workers[k], workers[k].begin, workers[k].end, workers[k].last);
            }
        }
    }

    /* Verify the splits: a part whose start was inside a quoted field is
       read again by the parser that reached it. */
    worker *owner = &workers[0];
    owners[nowners++] = owner;
    for (size_t k = 1; k < parts && !owner->failed; k++) {
        if (cm_bytescan_in_quotes(&owner->scan)) {
            worker_read(owner, workers[k].begin, workers[k].end, workers[k].last);
        } else {
            owner = &workers[k];
            owners[nowners++] = owner;
        }
    }

    /* Taken only when every part read clean and every sum stays exact. */
    uint64_t rows = 0, records = 1, line_ends = hscan.line_ends;
    uint64_t base[MAX_PARTS];
    int64_t persons[CM_KIND_COUNT] = {0}, stayers = 0;
    bool last_was_end = false;
    for (size_t k = 0; k < nowners; k++) {
        const worker *w = owners[k];
        if (w->failed)
            goto out;
        base[k] = line_ends;
        rows += w->rows;
        records += w->records;
        line_ends += w->scan.line_ends;
        last_was_end = w->scan.last_was_end;
        stayers += w->stayer_persons;
        for (int kind = 0; kind < CM_KIND_COUNT; kind++)
            persons[kind] += w->persons_by_kind[kind];
    }
    if (rows == 0 || stayers > CM_COUNT_MAX)
        goto out;
    for (int kind = 0; kind < CM_KIND_COUNT; kind++)
        if (persons[kind] > CM_COUNT_MAX)
            goto out;
    if (j.col_of[R_INTERVAL] >= 0 && !intervals_agree(owners, nowners))
        goto out;
    /* The file must be what was measured at the start. */
    if (fstat(j.fd, &sb_after) != 0 || sb_after.st_size != sb.st_size ||
        sb_after.st_mtim.tv_sec != sb.st_mtim.tv_sec ||
        sb_after.st_mtim.tv_nsec != sb.st_mtim.tv_nsec)
        goto out;

    /* Taken: from here on, the dataset changes. */
    taken = true;
    for (size_t i = 0; i < h.count; i++)
        cm_diag_report(diag, h.items[i].sev, &h.items[i].loc, "%s", h.items[i].text);
    src->unknown_columns = hsrc.unknown_columns;
    src->rows = rows;
    src->csv.bytes = j.size;
    src->csv.lines = 1 + line_ends - (last_was_end ? 1 : 0);
    src->csv.records = records;
    src->csv.bom = bom;
    src->status = merge(owners, nowners, base, name, pool, flows);
    if (src->status == CM_ERR_NOMEM) {
        cm_loc loc = {name, 0, 0};
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "out of memory");
    }
    if (opts->progress)
        opts->progress(opts->progress_ctx, name, j.size, j.size, rows);

    /* The digest is one sequential pass over the whole file, which would
       hold up the threads here: it is taken later (cm_source_digest), when
       a processor is free, and checked to be of this same file. */
    if (opts->digest) {
        src->sha256_later = true;
        src->file_id = (cm_file_id){(uint64_t)sb.st_dev, (uint64_t)sb.st_ino, (uint64_t)sb.st_size,
                                    sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec};
    }

out:
    for (size_t k = 0; k < parts; k++)
        worker_free(&workers[k]);
    if (sync_ready) {
        pthread_cond_destroy(&j.cond);
        pthread_mutex_destroy(&j.lock);
    }
    free(j.roles);
    holder_free(&h);
    free(buf);
    if (j.fd >= 0)
        close(j.fd);
    return taken;
}
