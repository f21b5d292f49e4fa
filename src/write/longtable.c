/*
 * longtable.c - the long indicator table as CSV or JSON.
 *
 * The two formats are two implementations of one small writer interface
 * (begin, row, end), so the walk over the results is written once. Rows
 * are put together in this file's own buffer (a sink) and handed to a
 * cm_writer a buffer at a time: no call per field. The cm_writer keeps the
 * first failed write, and the rows stop there.
 */
#include "citymig/longtable.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "citymig/swar.h"
#include "citymig/value.h"
#include "citymig/writer.h"

/* Bytes on their way to a writer, or, with no writer, to memory. */
typedef struct sink {
    cm_writer *out;
    int err; /* the writer's error (ENOMEM in memory); 0 */
    char *mem;
    size_t mem_len, mem_cap;
    size_t len;
    char buf[32 * 1024];
} sink;

static void sink_init(sink *s, cm_writer *out)
{
    s->out = out;
    s->err = out ? cm_writer_error(out) : 0;
    s->mem = NULL;
    s->mem_len = s->mem_cap = 0;
    s->len = 0;
}

/* Once a buffer: out of line, so that put and put_c stay small enough to be
   inlined wherever a field is written. */
static void write_out(sink *s, const char *p, size_t n) __attribute__((noinline));

static void write_out(sink *s, const char *p, size_t n)
{
    if (!s->out) {
        if (s->err)
            return;
        if (n > s->mem_cap - s->mem_len) {
            size_t cap = s->mem_cap ? s->mem_cap : 1 << 20;
            while (cap - s->mem_len < n)
                cap *= 2;
            char *mem = realloc(s->mem, cap);
            if (!mem) {
                s->err = ENOMEM;
                return;
            }
            s->mem = mem;
            s->mem_cap = cap;
        }
        memcpy(s->mem + s->mem_len, p, n);
        s->mem_len += n;
        return;
    }
    cm_writer_write(s->out, p, n);
    s->err = cm_writer_error(s->out);
}

static void drain(sink *s)
{
    if (s->len)
        write_out(s, s->buf, s->len);
    s->len = 0;
}

static void put(sink *s, const char *p, size_t n)
{
    if (n > sizeof s->buf - s->len) {
        drain(s);
        if (n > sizeof s->buf) {
            write_out(s, p, n);
            return;
        }
    }
    memcpy(s->buf + s->len, p, n);
    s->len += n;
}

/* Drains s (on a writer): 0, or -1 with errno saying why a write failed. */
static int finish(sink *s)
{
    drain(s);
    return cm_writer_result(s->out);
}

static void put_s(sink *s, const char *text)
{
    put(s, text, strlen(text));
}

static void put_c(sink *s, char c)
{
    if (s->len == sizeof s->buf)
        drain(s);
    s->buf[s->len++] = c;
}

static void put_i32(sink *s, int32_t v)
{
    char buf[12], *p = buf + sizeof buf;
    uint32_t u = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--p = '-';
    put(s, p, (size_t)(buf + sizeof buf - p));
}

static void put_number(sink *s, double v)
{
    char buf[40];
    put_s(s, cm_format_double(v, buf, sizeof buf));
}

typedef struct writer writer;

struct writer {
    sink *out;
    const cm_results *results;
    const cm_rules *rules;
    bool first;
    bool raw_text; /* CSV text as it is, formula-like or not */
    void (*begin)(writer *w, const char *dataset);
    void (*row)(writer *w, const cm_result *r, const cm_hit *hits, size_t nhits);
    void (*end)(writer *w, const cm_hit *hits, size_t nhits);
};

/* ---- CSV (RFC 4180) ---------------------------------------------------- */

/*
 * Text a spreadsheet would take for a formula (CSV injection, as OWASP
 * describes it): a field that begins with '=', '+', '-', '@', TAB or CR.
 */
static bool formula_like(const char *s)
{
    return *s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r';
}

/* The bytes that make a CSV field need quotes. */
static const bool csv_special[256] = {[','] = true, ['"'] = true, ['\r'] = true, ['\n'] = true};

/* A text field: quoted when it must be (RFC 4180); formula-like text, unless
   raw, gets a leading "'" inside the quotes, so that a spreadsheet shows it
   as text. Numbers never come here. s[len] is its NUL. */
static void csv_text_n(sink *out, const char *s, size_t len, bool raw)
{
    bool guard = !raw && formula_like(s);
    if (!guard && cm_swar_run((const unsigned char *)s, 0, len, ',', '"', '\r', '\n', false,
                              csv_special) == len) {
        put(out, s, len);
        return;
    }
    put_c(out, '"');
    if (guard)
        put_c(out, '\'');
    for (; *s; s++) {
        if (*s == '"')
            put_c(out, '"');
        put_c(out, *s);
    }
    put_c(out, '"');
}

static void csv_text(sink *out, const char *s, bool raw)
{
    csv_text_n(out, s, strlen(s), raw);
}

static bool has_value(const cm_result *r)
{
    return r->flag == CM_FLAG_OK || r->flag == CM_FLAG_PUBLISHED;
}

static const char *str(const cm_results *res, uint32_t id)
{
    return cm_strpool_str(res->pool, id);
}

/* text between two separators: ",text," */
static void put_between(sink *out, const char *text)
{
    put_c(out, ',');
    put_s(out, text);
    put_c(out, ',');
}

static void csv_begin(writer *w, const char *dataset)
{
    (void)dataset;
    put_s(w->out, "area_id,year,base_year,kind,service,origin,indicator,value,unit,numerator,"
                  "denominator,flag,reason,rules\r\n");
}

/* A text field of the results' string pool (0: empty), by its stored
   length. */
static void csv_pooled(const writer *w, uint32_t id)
{
    if (id)
        csv_text_n(w->out, str(w->results, id), cm_strpool_len(w->results->pool, id), w->raw_text);
}

/* The lengths of a row's fixed words (indicator ids, kinds from -1,
   units, flags), measured once; UINT8_MAX: too long, measured when
   written. */
enum { ROW_IDS = 1024 };
static struct {
    uint8_t id[ROW_IDS], kind[4], unit[CM_UNIT_COUNT_], flag[CM_FLAG_COUNT];
} word_len;
static pthread_once_t word_len_once = PTHREAD_ONCE_INIT;

static uint8_t short_len(const char *s)
{
    size_t n = strlen(s);
    return n < UINT8_MAX ? (uint8_t)n : UINT8_MAX;
}

static void measure_words(void)
{
    size_t ndefs;
    const cm_indicator_def *defs = cm_indicator_defs(&ndefs);
    for (size_t i = 0; i < ndefs && i < ROW_IDS; i++)
        word_len.id[i] = short_len(defs[i].id);
    for (int k = 0; k < 4; k++)
        word_len.kind[k] = short_len(cm_kind_str(k - 1));
    for (int u = 0; u < CM_UNIT_COUNT_; u++)
        word_len.unit[u] = short_len(cm_unit_str((cm_unit)u));
    for (int f = 0; f < CM_FLAG_COUNT; f++)
        word_len.flag[f] = short_len(cm_flag_str((cm_flag)f));
}

/* The length of word s, entry i of a table of n lengths. */
static size_t word_length(const char *s, const uint8_t *lens, size_t n, long i)
{
    return i >= 0 && (size_t)i < n && lens[i] != UINT8_MAX ? lens[i] : strlen(s);
}

#define WORD_LEN(s, table, i) word_length(s, table, sizeof table, (long)(i))

static void csv_row(writer *w, const cm_result *r, const cm_hit *hits, size_t nhits)
{
    sink *out = w->out;
    pthread_once(&word_len_once, measure_words);
    size_t ndefs;
    const cm_indicator_def *def = &cm_indicator_defs(&ndefs)[r->indicator];
    const char *kind = cm_kind_str(r->kind), *unit = cm_unit_str(def->unit);
    const char *flag = cm_flag_str((cm_flag)r->flag);
    csv_pooled(w, r->area);
    put_c(out, ',');
    put_i32(out, r->year);
    put_c(out, ',');
    if (r->base_year)
        put_i32(out, r->base_year);
    put_c(out, ',');
    put(out, kind, WORD_LEN(kind, word_len.kind, r->kind + 1));
    put_c(out, ',');
    csv_pooled(w, r->service);
    put_c(out, ',');
    csv_pooled(w, r->origin);
    put_c(out, ',');
    put(out, def->id, WORD_LEN(def->id, word_len.id, r->indicator));
    put_c(out, ',');
    if (has_value(r))
        put_number(out, r->value);
    put_c(out, ',');
    csv_text_n(out, unit, WORD_LEN(unit, word_len.unit, def->unit), w->raw_text);
    put_c(out, ',');
    if (r->has_numerator)
        put_number(out, r->numerator);
    put_c(out, ',');
    if (r->has_denominator)
        put_number(out, r->denominator);
    put_c(out, ',');
    put(out, flag, WORD_LEN(flag, word_len.flag, r->flag));
    put_c(out, ',');
    csv_pooled(w, r->reason);
    put_c(out, ',');
    /* The rules hit, "a;b": one field, quoted and guarded as any text. */
    bool quote = nhits && !w->raw_text && formula_like(w->rules->items[hits[0].rule].id);
    bool guard = quote;
    for (size_t i = 0; i < nhits; i++)
        quote |= strpbrk(w->rules->items[hits[i].rule].id, ",\"\r\n") != NULL;
    if (quote)
        put_c(out, '"');
    if (guard)
        put_c(out, '\'');
    for (size_t i = 0; i < nhits; i++) {
        if (i)
            put_c(out, ';');
        for (const char *id = w->rules->items[hits[i].rule].id; *id; id++) {
            if (*id == '"' && quote)
                put_c(out, '"');
            put_c(out, *id);
        }
    }
    if (quote)
        put_c(out, '"');
    put(out, "\r\n", 2);
}

static void csv_end(writer *w, const cm_hit *hits, size_t nhits)
{
    (void)w, (void)hits, (void)nhits;
}

/* ---- JSON -------------------------------------------------------------- */

static void json_string(sink *out, const char *s)
{
    put_c(out, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            put(out, "\\\"", 2);
            break;
        case '\\':
            put(out, "\\\\", 2);
            break;
        case '\n':
            put(out, "\\n", 2);
            break;
        case '\r':
            put(out, "\\r", 2);
            break;
        case '\t':
            put(out, "\\t", 2);
            break;
        default:
            if (*p < 0x20) {
                static const char hex[] = "0123456789abcdef";
                char esc[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
                put(out, esc, sizeof esc);
            } else {
                put_c(out, (char)*p);
            }
        }
    }
    put_c(out, '"');
}

/* A string, or null when empty. */
static void json_opt(sink *out, const char *s)
{
    if (*s)
        json_string(out, s);
    else
        put_s(out, "null");
}

static void json_begin(writer *w, const char *dataset)
{
    put_s(w->out, "{\n  \"dataset\": ");
    json_string(w->out, dataset);
    put_s(w->out, ",\n  \"indicators\": [");
    w->first = true;
}

static void json_row(writer *w, const cm_result *r, const cm_hit *hits, size_t nhits)
{
    sink *out = w->out;
    size_t ndefs;
    const cm_indicator_def *def = &cm_indicator_defs(&ndefs)[r->indicator];
    put_s(out, w->first ? "\n    {" : ",\n    {");
    w->first = false;
    put_s(out, "\"area_id\": ");
    json_opt(out, str(w->results, r->area));
    put_s(out, ", \"year\": ");
    put_i32(out, r->year);
    put_s(out, ", \"base_year\": ");
    if (r->base_year)
        put_i32(out, r->base_year);
    else
        put_s(out, "null");
    put_s(out, ", \"kind\": ");
    json_opt(out, cm_kind_str(r->kind));
    put_s(out, ", \"service\": ");
    json_opt(out, str(w->results, r->service));
    put_s(out, ", \"origin\": ");
    json_opt(out, str(w->results, r->origin));
    put_s(out, ", \"indicator\": \"");
    put_s(out, def->id);
    put_s(out, "\", \"value\": ");
    if (has_value(r))
        put_number(out, r->value);
    else
        put_s(out, "null");
    put_s(out, ", \"unit\": ");
    json_string(out, cm_unit_str(def->unit));
    put_s(out, ", \"numerator\": ");
    if (r->has_numerator)
        put_number(out, r->numerator);
    else
        put_s(out, "null");
    put_s(out, ", \"denominator\": ");
    if (r->has_denominator)
        put_number(out, r->denominator);
    else
        put_s(out, "null");
    put_s(out, ", \"flag\": \"");
    put_s(out, cm_flag_str((cm_flag)r->flag));
    put_s(out, "\", \"reason\": ");
    json_opt(out, str(w->results, r->reason));
    put_s(out, ", \"rules\": [");
    for (size_t i = 0; i < nhits; i++) {
        if (i)
            put_s(out, ", ");
        json_string(out, w->rules->items[hits[i].rule].id);
    }
    put_s(out, "]}");
}

/* A rule's second condition, and the value it met (null: not known). */
static void json_second(sink *out, const cm_results *results, const cm_rule *rule, size_t also)
{
    put_s(out, ", \"and\": ");
    if (rule->and_indicator < 0) {
        put_s(out, "null");
        return;
    }
    size_t ndefs;
    put_s(out, "{\"indicator\": \"");
    put_s(out, cm_indicator_defs(&ndefs)[rule->and_indicator].id);
    put_s(out, "\", \"value\": ");
    if (also != CM_HIT_NONE)
        put_number(out, results->items[also].value);
    else
        put_s(out, "null");
    put_s(out, ", \"op\": \"");
    put_s(out, cm_op_str(rule->and_op));
    put_s(out, "\", \"threshold\": ");
    put_number(out, rule->and_threshold);
    put_s(out, "}");
}

static void json_end(writer *w, const cm_hit *hits, size_t nhits)
{
    sink *out = w->out;
    put_s(out, w->first ? "],\n  \"rule_hits\": [" : "\n  ],\n  \"rule_hits\": [");
    for (size_t i = 0; i < nhits; i++) {
        const cm_rule *rule = &w->rules->items[hits[i].rule];
        const cm_result *r = &w->results->items[hits[i].result];
        size_t ndefs;
        const cm_indicator_def *def = &cm_indicator_defs(&ndefs)[r->indicator];
        put_s(out, i ? ",\n    {" : "\n    {");
        put_s(out, "\"rule_id\": ");
        json_string(out, rule->id);
        put_s(out, ", \"severity\": \"");
        put_s(out, cm_rule_severity_str(rule->severity));
        put_s(out, "\", \"area_id\": ");
        json_opt(out, str(w->results, r->area));
        put_s(out, ", \"year\": ");
        put_i32(out, r->year);
        put_s(out, ", \"kind\": ");
        json_opt(out, cm_kind_str(r->kind));
        put_s(out, ", \"service\": ");
        json_opt(out, str(w->results, r->service));
        put_s(out, ", \"indicator\": \"");
        put_s(out, def->id);
        put_s(out, "\", \"value\": ");
        put_number(out, r->value);
        put_s(out, ", \"op\": \"");
        put_s(out, cm_op_str(rule->op));
        put_s(out, "\", \"threshold\": ");
        put_number(out, rule->threshold);
        put_s(out, ", \"conclusion\": ");
        json_string(out, rule->conclusion);
        put_s(out, ", \"sdg\": ");
        json_opt(out, rule->sdg);
        json_second(out, w->results, rule, hits[i].also);
        put_s(out, "}");
    }
    put_s(out, nhits ? "\n  ]\n}\n" : "]\n}\n");
}

/* The first hit of result i or later (hits are sorted by result). */
static size_t first_hit(const cm_hit *hits, size_t nhits, size_t i)
{
    size_t lo = 0, hi = nhits;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (hits[mid].result < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Rows [from, to) of the results through w. */
static void write_rows(writer *w, size_t from, size_t to, const cm_hit *hits, size_t nhits)
{
    size_t h = first_hit(hits, nhits, from);
    for (size_t i = from; i < to && !w->out->err; i++) {
        size_t first = h;
        while (h < nhits && hits[h].result == i)
            h++;
        w->row(w, &w->results->items[i], hits + first, h - first);
    }
}

/*
 * The rows in blocks of BLOCK_ROWS, the odd blocks formatted by a second
 * thread into memory while this thread formats the even ones straight to
 * the stream, then copies each odd block out in its turn. Two slots let
 * the second thread go on with its next block while one waits.
 */
enum { BLOCK_ROWS = 4096 };

typedef struct slot {
    sink s;
    bool ready; /* holds its block, not yet copied out */
} slot;

typedef struct formatter {
    writer w; /* the second thread's: its sink is the slot's */
    const cm_hit *hits;
    size_t nhits, nblocks;
    slot slots[2];
    bool stop;
    pthread_mutex_t lock;
    pthread_cond_t cond;
} formatter;

static size_t block_end(const formatter *f, size_t b)
{
    size_t end = (b + 1) * BLOCK_ROWS;
    return end < f->w.results->count ? end : f->w.results->count;
}

static void *format_odd_blocks(void *arg)
{
    formatter *f = arg;
    for (size_t b = 1; b < f->nblocks; b += 2) {
        slot *sl = &f->slots[b / 2 % 2];
        pthread_mutex_lock(&f->lock);
        while (sl->ready && !f->stop)
            pthread_cond_wait(&f->cond, &f->lock);
        bool stop = f->stop;
        pthread_mutex_unlock(&f->lock);
        if (stop)
            break;
        sl->s.len = 0;
        sl->s.mem_len = 0;
        writer w = f->w;
        w.out = &sl->s;
        w.first = false; /* block 0, with the first row, is never this thread's */
        write_rows(&w, b * BLOCK_ROWS, block_end(f, b), f->hits, f->nhits);
        drain(&sl->s);
        pthread_mutex_lock(&f->lock);
        sl->ready = true;
        pthread_cond_broadcast(&f->cond);
        pthread_mutex_unlock(&f->lock);
    }
    return NULL;
}

/* Writes the rows with a second thread; false (nothing written) when no
   thread could be started. */
static bool write_rows_parallel(writer *w, const cm_hit *hits, size_t nhits)
{
    formatter *f = calloc(1, sizeof *f);
    if (!f)
        return false;
    f->w = *w;
    f->hits = hits;
    f->nhits = nhits;
    f->nblocks = (w->results->count + BLOCK_ROWS - 1) / BLOCK_ROWS;
    sink_init(&f->slots[0].s, NULL);
    sink_init(&f->slots[1].s, NULL);
    pthread_t thread;
    if (pthread_mutex_init(&f->lock, NULL) != 0) {
        free(f);
        return false;
    }
    if (pthread_cond_init(&f->cond, NULL) != 0 ||
        pthread_create(&thread, NULL, format_odd_blocks, f) != 0) {
        pthread_cond_destroy(&f->cond);
        pthread_mutex_destroy(&f->lock);
        free(f);
        return false;
    }
    for (size_t b = 0; b < f->nblocks && !w->out->err; b++) {
        if (b % 2 == 0) {
            write_rows(w, b * BLOCK_ROWS, block_end(f, b), hits, nhits);
            continue;
        }
        slot *sl = &f->slots[b / 2 % 2];
        pthread_mutex_lock(&f->lock);
        while (!sl->ready)
            pthread_cond_wait(&f->cond, &f->lock);
        pthread_mutex_unlock(&f->lock);
        if (sl->s.err) /* out of memory there: formatted here instead */
            write_rows(w, b * BLOCK_ROWS, block_end(f, b), hits, nhits);
        else
            put(w->out, sl->s.mem, sl->s.mem_len);
        sl->s.err = 0;
        pthread_mutex_lock(&f->lock);
        sl->ready = false;
        pthread_cond_broadcast(&f->cond);
        pthread_mutex_unlock(&f->lock);
    }
    pthread_mutex_lock(&f->lock);
    f->stop = true;
    pthread_cond_broadcast(&f->cond);
    pthread_mutex_unlock(&f->lock);
    pthread_join(thread, NULL);
    pthread_cond_destroy(&f->cond);
    pthread_mutex_destroy(&f->lock);
    free(f->slots[0].s.mem);
    free(f->slots[1].s.mem);
    free(f);
    return true;
}

struct cm_longtable {
    cm_writer to;
    sink s;
    writer w;
    unsigned threads;
};

cm_longtable *cm_longtable_begin(FILE *out, cm_format format, const char *dataset,
                                 const cm_rules *rules, unsigned threads, bool raw_text)
{
    cm_longtable *lt = malloc(sizeof *lt);
    if (!lt)
        return NULL;
    cm_writer_init_file(&lt->to, out);
    sink_init(&lt->s, &lt->to);
    lt->w = (writer){&lt->s, NULL, rules, true, raw_text, csv_begin, csv_row, csv_end};
    if (format == CM_FORMAT_JSON) {
        lt->w.begin = json_begin;
        lt->w.row = json_row;
        lt->w.end = json_end;
    }
    lt->threads = threads;
    lt->w.begin(&lt->w, dataset);
    return lt;
}

int cm_longtable_rows(cm_longtable *lt, const cm_results *batch, const cm_hit *hits, size_t nhits)
{
    writer *w = &lt->w;
    w->results = batch;
    if (lt->threads < 2 || batch->count < 2 * BLOCK_ROWS || !write_rows_parallel(w, hits, nhits))
        write_rows(w, 0, batch->count, hits, nhits);
    w->results = NULL;
    if (!w->out->err)
        return 0;
    errno = w->out->err;
    return -1;
}

int cm_longtable_end(cm_longtable *lt, const cm_results *hit_results, const cm_hit *hits,
                     size_t nhits)
{
    lt->w.results = hit_results;
    lt->w.end(&lt->w, hits, nhits);
    int rc = finish(&lt->s);
    int saved = errno;
    free(lt);
    errno = saved;
    return rc;
}

void cm_longtable_abort(cm_longtable *lt)
{
    free(lt);
}

int cm_longtable_write(FILE *out, cm_format format, const char *dataset, const cm_results *results,
                       const cm_rules *rules, const cm_hit *hits, size_t nhits, unsigned threads,
                       bool raw_text)
{
    cm_longtable *lt = cm_longtable_begin(out, format, dataset, rules, threads, raw_text);
    if (!lt) {
        errno = ENOMEM;
        return -1;
    }
    if (cm_longtable_rows(lt, results, hits, nhits) != 0) {
        int saved = errno;
        cm_longtable_abort(lt);
        errno = saved;
        return -1;
    }
    return cm_longtable_end(lt, results, hits, nhits);
}

int cm_hits_write_csv(FILE *out, const cm_results *results, const cm_rules *rules,
                      const cm_hit *hits, size_t nhits, bool raw_text)
{
    cm_writer to;
    cm_writer_init_file(&to, out);
    sink buffer, *s = &buffer;
    sink_init(s, &to);
    put_s(s, "rule_id,severity,area_id,year,base_year,kind,service,origin,indicator,value,op,"
             "threshold,conclusion,sdg,and_indicator,and_value,and_op,and_threshold\r\n");
    for (size_t i = 0; i < nhits && !s->err; i++) {
        const cm_rule *rule = &rules->items[hits[i].rule];
        const cm_result *r = &results->items[hits[i].result];
        size_t ndefs;
        const cm_indicator_def *def = &cm_indicator_defs(&ndefs)[r->indicator];
        csv_text(s, rule->id, raw_text);
        put_between(s, cm_rule_severity_str(rule->severity));
        csv_text(s, str(results, r->area), raw_text);
        put_c(s, ',');
        put_i32(s, r->year);
        put_c(s, ',');
        if (r->base_year)
            put_i32(s, r->base_year);
        put_between(s, cm_kind_str(r->kind));
        csv_text(s, str(results, r->service), raw_text);
        put_c(s, ',');
        csv_text(s, str(results, r->origin), raw_text);
        put_between(s, def->id);
        put_number(s, r->value);
        put_between(s, cm_op_str(rule->op));
        put_number(s, rule->threshold);
        put_c(s, ',');
        csv_text(s, rule->conclusion, raw_text);
        put_c(s, ',');
        csv_text(s, rule->sdg, raw_text);
        if (rule->and_indicator >= 0) {
            put_between(s, cm_indicator_defs(&ndefs)[rule->and_indicator].id);
            if (hits[i].also != CM_HIT_NONE)
                put_number(s, results->items[hits[i].also].value);
            put_between(s, cm_op_str(rule->and_op));
            put_number(s, rule->and_threshold);
        } else {
            put_s(s, ",,,,");
        }
        put(s, "\r\n", 2);
    }
    return finish(s);
}
