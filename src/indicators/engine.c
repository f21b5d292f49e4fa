/*
 * engine.c - inputs and results shared by the evaluators: states of
 * inputs, their precedence, and the one function that flags a result.
 */
#define _GNU_SOURCE /* qsort_r */
#include "engine.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citymig/bigmem.h"

/* ---- inputs ---------------------------------------------------------- */

in_val in_missing(const char *name)
{
    in_val x = {0, IN_MISSING, name, NULL, 0};
    return x;
}

in_val in_known(double v, const char *name)
{
    in_val x = {v, IN_OK, name, NULL, 0};
    return x;
}

in_val in_sum(double v, const char *name)
{
    in_val x = {v, fabs(v) > (double)CM_COUNT_MAX ? IN_INEXACT : IN_OK, name, NULL, 0};
    return x;
}

in_val in_count(const engine *e, bool present, int64_t v, const char *name)
{
    if (!present)
        return in_missing(name);
    in_val x = in_known((double)v, name);
    /* Small non-zero counts are what disclosure control hides; 0 is not. */
    if (v > 0 && v < e->opts->min_count)
        x.st = IN_SUPPRESSED;
    return x;
}

in_val area_count(const engine *e, size_t row, size_t col)
{
    const cm_table *t = e->ds->areas;
    const char *name = t->def->cols[col].name;
    if (row == SIZE_MAX)
        return in_missing(name);
    in_val x = in_count(e, t->cols[col].present[row], t->cols[col].v.count[row], name);
    if (x.st == IN_OK && t->inconsistent && (t->inconsistent[row] >> col & 1u))
        x.st = IN_INCONSISTENT;
    if (t->estimated && (t->estimated[row] >> col & 1u))
        x.marks |= IN_MARK_ESTIMATED;
    if (t->breaks && (t->breaks[row] >> col & 1u))
        x.marks |= IN_MARK_BREAK;
    return x;
}

/* The foreign-born share of an areas row as a fraction: computed, or the
   published share where the computed one lacks an input (foreign_born or
   the population). *published says which. */
in_val area_fb_fraction(const engine *e, size_t row, bool *published)
{
    const cm_table *t = e->ds->areas;
    *published = false;
    in_val fb = area_count(e, row, CM_AREAS_FOREIGN_BORN);
    in_val pop = area_count(e, row, CM_AREAS_POPULATION);
    in_val x = in_combine(fb, pop, 0);
    if (row != SIZE_MAX && x.st == IN_MISSING &&
        t->cols[CM_AREAS_FOREIGN_BORN_SHARE].present[row]) {
        *published = true;
        return in_known(t->cols[CM_AREAS_FOREIGN_BORN_SHARE].v.percent[row] / 100.0,
                        "foreign_born_share");
    }
    if (x.st == IN_OK)
        x.v = pop.v == 0 ? NAN : fb.v / pop.v;
    return x;
}

/* Areas rows that name a parent: by the parent's rank, year, own rank. */
int rows_by_parent(const void *a, const void *b, void *ctx)
{
    const engine *e = ctx;
    const cm_table *t = e->ds->areas;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    uint32_t px = e->rank[t->cols[CM_AREAS_PARENT_ID].v.text[x]],
             py = e->rank[t->cols[CM_AREAS_PARENT_ID].v.text[y]];
    if (px != py)
        return px < py ? -1 : 1;
    int32_t yx = t->cols[CM_AREAS_YEAR].v.year[x], yy = t->cols[CM_AREAS_YEAR].v.year[y];
    if (yx != yy)
        return yx < yy ? -1 : 1;
    uint32_t ax = e->rank[t->cols[CM_AREAS_AREA_ID].v.text[x]],
             ay = e->rank[t->cols[CM_AREAS_AREA_ID].v.text[y]];
    return ax < ay ? -1 : ax > ay;
}

in_val child_counts(const engine *e, const size_t *rows, size_t n, const char *word, area_part *d,
                    bool *published, char *why, size_t why_size)
{
    const cm_table *t = e->ds->areas;
    in_val x = in_known(0, "");
    double fb_sum = 0, t_sum = 0;
    *published = false;
    for (size_t i = 0; i < n; i++) {
        size_t row = rows[i];
        bool pub = false;
        in_val pop = area_count(e, row, CM_AREAS_POPULATION);
        in_val frac = area_fb_fraction(e, row, &pub);
        in_val both = in_combine(pop, frac, 0);
        d[i].row = row;
        d[i].fb = d[i].t = NAN;
        if (in_rank(both.st) > in_rank(x.st)) {
            snprintf(why, why_size, "%s of %s %s", both.name, word,
                     cm_strpool_str(e->ds->pool, t->cols[CM_AREAS_AREA_ID].v.text[row]));
            x = both;
            x.name = why;
        }
        x.marks |= both.marks;
        if (both.st != IN_OK)
            continue;
        *published |= pub;
        d[i].t = pop.v;
        d[i].fb = pub ? frac.v * pop.v : (double)t->cols[CM_AREAS_FOREIGN_BORN].v.count[row];
        fb_sum += d[i].fb;
        t_sum += d[i].t;
    }
    if (x.st == IN_OK) {
        uint8_t marks = x.marks;
        x = in_sum(t_sum, "the population of the areas");
        x.marks = marks;
        if (fabs(fb_sum) > (double)CM_COUNT_MAX)
            x.st = IN_INEXACT;
    }
    return x;
}

/* The rank of a state in the precedence: the higher, the more it says. An
   inexact sum cannot be used at all, like a missing one. */
int in_rank(in_state st)
{
    static const int rank[] = {[IN_OK] = 0,
                               [IN_INCONSISTENT] = 1,
                               [IN_SUPPRESSED] = 2,
                               [IN_INEXACT] = 3,
                               [IN_MISSING] = 4};
    return rank[st];
}

in_val in_combine(in_val a, in_val b, double v)
{
    in_val x = in_rank(b.st) > in_rank(a.st) ? b : a;
    x.v = v;
    x.marks = a.marks | b.marks;
    return x;
}

in_val in_add(in_val a, in_val b, const char *name)
{
    in_val x = in_combine(a, b, a.v + b.v);
    if (x.st == IN_OK) {
        uint8_t marks = x.marks;
        x = in_sum(x.v, name);
        x.marks = marks;
    }
    return x;
}

in_val in_subtract(in_val a, in_val b, const char *name)
{
    in_val x = in_combine(a, b, a.v - b.v);
    if (x.st == IN_OK) {
        uint8_t marks = x.marks;
        x = in_sum(x.v, name);
        x.marks = marks;
    }
    return x;
}

/* ---- results --------------------------------------------------------- */

static bool year_wanted(const engine *e, int32_t year)
{
    return e->opts->year_from == 0 || (year >= e->opts->year_from && year <= e->opts->year_to);
}

cm_result *emit(engine *e, const subject *s, const char *id)
{
    if (e->status != CM_OK || !year_wanted(e, s->year))
        return NULL;
    size_t ndefs;
    const cm_indicator_def *defs = cm_indicator_defs(&ndefs);
    size_t k = ((uintptr_t)id >> 3) % ENGINE_FOUND;
    int ind = e->found[k].index;
    if (e->found[k].id != id || strcmp(defs[ind].id, id) != 0) {
        ind = cm_indicator_find(id);
        e->found[k].id = ind >= 0 ? id : NULL;
        e->found[k].index = ind >= 0 ? ind : 0;
    }
    if (ind < 0) {
        e->status = CM_ERR_INTERNAL;
        return NULL;
    }
    cm_results *out = e->out;
    if (out->count == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : CM_BIG_GRAIN / sizeof *out->items;
        cm_result *items =
            cap <= SIZE_MAX / 2 / sizeof *items
                ? cm_big_realloc(out->items, out->cap * sizeof *items, cap * sizeof *items)
                : NULL;
        if (!items) {
            e->status = CM_ERR_NOMEM;
            return NULL;
        }
        out->items = items;
        out->cap = cap;
    }
    cm_result *r = &out->items[out->count++];
    memset(r, 0, sizeof *r);
    r->area = s->area;
    r->year = s->year;
    r->base_year = s->base_year;
    r->kind = (int8_t)s->kind;
    r->service = s->service;
    r->origin = s->origin;
    r->indicator = (uint16_t)ind;
    return r;
}

/* A reason holds at most NOTE_MAX - 1 bytes. */
enum { NOTE_MAX = 256 };

/* The reason of r: text[0..len), cut as note cuts it. */
static void note_text(engine *e, cm_result *r, const char *text, size_t len)
{
    if (len > NOTE_MAX - 1)
        len = NOTE_MAX - 1;
    r->reason = cm_strpool_intern(e->ds->pool, text, len);
    if (!r->reason)
        e->status = CM_ERR_NOMEM;
}

void note(engine *e, cm_result *r, const char *fmt, ...)
{
    char text[NOTE_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    note_text(e, r, text, (size_t)n);
}

/* note(e, r, "%s is missing", name) without printf: the reason of most of
   the results of many areas with no flows. */
static void note_missing(engine *e, cm_result *r, const char *name)
{
    static const char tail[] = " is missing";
    char text[NOTE_MAX + sizeof tail];
    size_t n = strlen(name);
    if (n > NOTE_MAX)
        n = NOTE_MAX;
    memcpy(text, name, n);
    memcpy(text + n, tail, sizeof tail - 1);
    note_text(e, r, text, n + sizeof tail - 1);
}

bool decide(engine *e, cm_result *r, in_val x, double v, const char *div0_why)
{
    r->value = 0;
    switch (x.st) {
    case IN_OK:
        break;
    case IN_MISSING:
        r->flag = CM_FLAG_MISSING;
        if (x.why)
            note_text(e, r, x.why, strlen(x.why));
        else
            note_missing(e, r, x.name);
        return false;
    case IN_SUPPRESSED:
        r->flag = CM_FLAG_SUPPRESSED;
        if (x.why)
            note_text(e, r, x.why, strlen(x.why));
        else
            note(e, r, "%s is below --min-count %" PRId64, x.name, e->opts->min_count);
        /* Nothing that would let it be recovered. */
        r->has_numerator = r->has_denominator = false;
        r->numerator = r->denominator = 0;
        r->origin = 0;
        return false;
    case IN_INCONSISTENT:
        r->flag = CM_FLAG_INCONSISTENT;
        note(e, r, "%s failed a cross-field check", x.name);
        return false;
    case IN_INEXACT:
        r->flag = CM_FLAG_MISSING;
        note(e, r, "%s is above 2^53, beyond exact arithmetic", x.name);
        return false;
    }
    if (!isfinite(v)) {
        r->flag = CM_FLAG_DIV0;
        const char *why = div0_why ? div0_why : "not finite";
        note_text(e, r, why, strlen(why));
        return false;
    }
    /* Between two years, a value its publisher flags as the first after a
       break in series is not comparable with the year before. */
    if ((x.marks & IN_MARK_BREAK) && r->base_year) {
        r->flag = CM_FLAG_MISSING;
        note(e, r,
             "a break in series between %" PRId32 " and %" PRId32
             " (its publisher's flag b): the years are not comparable",
             r->base_year, r->year);
        return false;
    }
    r->flag = CM_FLAG_OK;
    r->value = v == 0 ? 0 : v; /* no negative zero */
    if (x.marks & IN_MARK_ESTIMATED)
        note(e, r, "from a value its publisher flags estimated or provisional");
    return true;
}

void put_count(engine *e, const subject *s, const char *id, in_val x)
{
    cm_result *r = emit(e, s, id);
    if (r)
        decide(e, r, x, x.v, NULL);
}

cm_result *put_ratio(engine *e, const subject *s, const char *id, in_val num, in_val den,
                     double scale)
{
    cm_result *r = emit(e, s, id);
    if (!r)
        return NULL;
    in_val x = in_combine(num, den, 0);
    double v = NAN;
    char why[160] = "";
    if (x.st == IN_OK && den.v == 0)
        snprintf(why, sizeof why, "%s is 0", den.name);
    else if (x.st == IN_OK)
        v = scale * num.v / den.v;
    /* The numerator is shown when it is known, the denominator when both
       are; nothing when the result is suppressed. */
    if (x.st != IN_SUPPRESSED && num.st == IN_OK && isfinite(num.v)) {
        r->numerator = num.v;
        r->has_numerator = true;
        if (den.st == IN_OK && isfinite(den.v)) {
            r->denominator = den.v;
            r->has_denominator = true;
        }
    }
    decide(e, r, x, v, why[0] ? why : "not finite");
    return r;
}

double log_rate(double a, double b, int years)
{
    return a > 0 && b > 0 ? 100.0 * log(b / a) / years : NAN;
}

void put_log_rate(engine *e, const subject *s, const char *id, in_val a, in_val b, int years)
{
    cm_result *r = emit(e, s, id);
    if (!r)
        return;
    in_val x = in_combine(a, b, 0);
    char why[160] = "";
    double v = NAN;
    if (x.st == IN_OK && (a.v <= 0 || b.v <= 0))
        snprintf(why, sizeof why, "%s is 0 in %" PRId32 ", so its logarithm is undefined",
                 a.v <= 0 ? a.name : b.name, a.v <= 0 ? s->base_year : s->year);
    else if (x.st == IN_OK)
        v = log_rate(a.v, b.v, years);
    if (x.st == IN_OK) {
        r->numerator = b.v;
        r->denominator = a.v;
        r->has_numerator = r->has_denominator = true;
    }
    decide(e, r, x, v, why);
}

void mark_published(engine *e, cm_result *r, const char *what)
{
    if (r && r->flag == CM_FLAG_OK) {
        r->flag = CM_FLAG_PUBLISHED;
        note(e, r, "published %s", what);
    }
}

void mark_from_published(engine *e, cm_result *r, const char *what)
{
    if (r && r->flag == CM_FLAG_OK)
        note(e, r, "computed from the published %s", what);
}

/* ---- rows in the order of their areas --------------------------------- */

typedef struct keyed {
    uint64_t key;
    size_t row;
} keyed;

static int by_key(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* Sorts rows[0..n) of one area: by within's keys when given, else cmp. */
static bool sort_area(engine *e, size_t *rows, size_t n,
                      int (*cmp)(const void *, const void *, void *),
                      uint64_t (*within)(const engine *e, size_t row), keyed **buf, size_t *cap)
{
    if (!within) {
        size_t i = 1;
        while (i < n && cmp(&rows[i - 1], &rows[i], e) <= 0)
            i++;
        if (i < n)
            qsort_r(rows, n, sizeof *rows, cmp, e);
        return true;
    }
    if (n > *cap) {
        keyed *grown = realloc(*buf, n * sizeof *grown);
        if (!grown)
            return false;
        *buf = grown;
        *cap = n;
    }
    keyed *k = *buf;
    bool sorted = true;
    for (size_t i = 0; i < n; i++) {
        k[i] = (keyed){within(e, rows[i]), rows[i]};
        sorted = sorted && (i == 0 || k[i - 1].key <= k[i].key);
    }
    if (sorted)
        return true;
    qsort(k, n, sizeof *k, by_key);
    for (size_t i = 0; i < n; i++)
        rows[i] = k[i].row;
    return true;
}

/* A run of rows of one area, in file order. */
typedef struct area_run {
    uint32_t rank;
    size_t from, to;
} area_run;

static int by_rank(const void *a, const void *b)
{
    const area_run *x = a, *y = b;
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* The rows' runs of one area each, when every area's rows are together
   (files are most often grouped so); *n = SIZE_MAX when they are not, 0
   with NULL when out of memory. */
static area_run *area_runs(const engine *e, const size_t *order, size_t n, const uint32_t *area,
                           size_t *nruns)
{
    uint8_t *seen = calloc(cm_strpool_count(e->ds->pool) + 1, 1);
    area_run *runs = NULL;
    size_t count = 0, cap = 0;
    *nruns = 0;
    if (!seen)
        return NULL;
    for (size_t from = 0, to; from < n; from = to) {
        uint32_t a = area[order[from]];
        if (seen[a]) {
            free(seen);
            free(runs);
            *nruns = SIZE_MAX;
            return NULL;
        }
        seen[a] = 1;
        for (to = from + 1; to < n && area[order[to]] == a;)
            to++;
        if (count == cap) {
            cap = cap ? cap * 2 : 64;
            area_run *grown = realloc(runs, cap * sizeof *grown);
            if (!grown) {
                free(seen);
                free(runs);
                return NULL;
            }
            runs = grown;
        }
        runs[count++] = (area_run){e->rank[a], from, to};
    }
    free(seen);
    *nruns = count;
    return runs ? runs : malloc(1);
}

row_order *row_order_new(engine *e, const cm_table *t, size_t area_col,
                         bool (*keep)(const cm_table *t, size_t row),
                         int (*cmp)(const void *, const void *, void *),
                         uint64_t (*within)(const engine *e, size_t row))
{
    row_order *p = calloc(1, sizeof *p);
    if (p)
        p->order = malloc((t->nrows + 1) * sizeof *p->order);
    if (!p || !p->order) {
        row_order_free(p);
        return NULL;
    }
    for (size_t r = 0; r < t->nrows; r++)
        if (!keep || keep(t, r))
            p->order[p->n++] = r;
    /* cmp orders by the rank of area_col first. Files most often keep each
       area's rows together: then the runs are put in order, and each run
       is sorted on its own (in cache, by within's keys when there are,
       and not at all when in order already). */
    size_t nruns;
    area_run *runs = area_runs(e, p->order, p->n, t->cols[area_col].v.text, &nruns);
    if (!runs && nruns != SIZE_MAX) {
        row_order_free(p);
        return NULL;
    }
    if (!runs) {
        sort_area(e, p->order, p->n, cmp, NULL, NULL, NULL);
    } else {
        qsort(runs, nruns, sizeof *runs, by_rank);
        size_t *order = malloc((p->n + 1) * sizeof *order);
        keyed *buf = NULL;
        size_t cap = 0, at = 0;
        bool ok = order != NULL;
        for (size_t k = 0; k < nruns && ok; k++) {
            size_t len = runs[k].to - runs[k].from;
            memcpy(order + at, p->order + runs[k].from, len * sizeof *order);
            ok = sort_area(e, order + at, len, cmp, within, &buf, &cap);
            at += len;
        }
        free(buf);
        free(runs);
        if (!ok) {
            free(order);
            row_order_free(p);
            return NULL;
        }
        free(p->order);
        p->order = order;
    }
    p->t = t;
    p->area_col = area_col;
    return p;
}

uint32_t row_order_next(const engine *e, const void *plan)
{
    const row_order *p = plan;
    if (p->at == p->n)
        return UINT32_MAX;
    return e->rank[p->t->cols[p->area_col].v.text[p->order[p->at]]];
}

size_t row_order_area_end(const row_order *p)
{
    const uint32_t *area = p->t->cols[p->area_col].v.text;
    size_t end = p->at + 1;
    while (end < p->n && area[p->order[end]] == area[p->order[p->at]])
        end++;
    return end;
}

void row_order_free(void *plan)
{
    row_order *p = plan;
    if (p)
        free(p->order);
    free(p);
}
