/*
 * keyindex.c - the key index of a table: which row holds a key.
 *
 * The index is an open-addressing table of 64-bit slots, each the key's
 * hash tag (its high 32 bits, whose low bits are also the home slot) above
 * the row + 1 (0: an empty slot). The tag tells most keys apart without
 * reading the rows; a match is confirmed against the row's key cells.
 *
 * Runs. A table whose key has more than two columns (stocks: area, year,
 * origin, sex; services) is usually published sorted, or at least grouped,
 * by its first two: every row of an area and year together. While its rows
 * come so, each run of the same first two key values is checked against
 * the rows of that run only, in a small index that stays in cache, and the
 * ended runs are remembered by their first two values alone. A key seen
 * before can then only be in the current run. When an ended run's area and
 * year come back, the rows are not grouped: the whole index is built at
 * once from the rows read so far, and every later row is looked for in it.
 * cm_table_seal builds it too, for tables searched by key later; until
 * then cm_table_find scans the rows.
 */
#include "keyindex.h"

#include <stdlib.h>
#include <string.h>

#include "citymig/bigmem.h"
#include "citymig/hash.h"

/* The rows of the current run and the runs ended. */
struct cm_key_runs {
    bool open;        /* a run has started */
    size_t start;     /* the current run's first row */
    uint64_t key[2];  /* its first two key words */
    uint64_t *slots;  /* its rows: tag << 32 | row + 1; a row before start is an empty slot */
    size_t mask;      /* slots - 1 */
    uint64_t *ended;  /* the first two key words of each run ended, two words a run */
    size_t nended;    /* runs ended */
    size_t cap;       /* runs ended room */
    uint32_t *eslots; /* index + 1 into ended; 0: empty */
    size_t emask;
};

/* The key of staged cells, one 64-bit word per key column. */
static void key_words(const cm_table_def *def, const cm_cell *cells, uint64_t *w)
{
    for (size_t k = 0; k < def->nkey; k++) {
        const cm_cell *c = &cells[def->key[k]];
        uint64_t v = 0;
        if (c->present) {
            switch (def->cols[def->key[k]].type) {
            case CM_VALUE_TEXT:
                v = c->v.text;
                break;
            case CM_VALUE_YEAR:
                v = (uint64_t)(uint32_t)c->v.year;
                break;
            case CM_VALUE_ENUM:
                v = c->v.code;
                break;
            default:
                v = (uint64_t)c->v.count;
                break;
            }
            v |= (uint64_t)1 << 63;
        }
        w[k] = v;
    }
}

/* The key words of a stored row. */
static void row_words(const cm_table *t, size_t row, uint64_t *w)
{
    cm_cell stored[CM_TABLE_MAX_COLS];
    for (size_t k = 0; k < t->def->nkey; k++)
        cm_table_get(t, row, t->def->key[k], &stored[t->def->key[k]]);
    key_words(t->def, stored, w);
}

static uint64_t words_tag(const cm_table_def *def, const uint64_t *w)
{
    return cm_hash_bytes(w, def->nkey * sizeof w[0]) >> 32;
}

static bool row_has(const cm_table *t, size_t row, const uint64_t *w)
{
    uint64_t r[CM_TABLE_MAX_KEY];
    row_words(t, row, r);
    return memcmp(r, w, t->def->nkey * sizeof r[0]) == 0;
}

/* The slot of the row with key words w in the whole index, or of the empty
   slot to use. */
static size_t probe(const cm_table *t, const uint64_t *w, uint64_t tag)
{
    size_t i = (size_t)tag & t->mask;
    for (uint64_t s; (s = t->slots[i]) != 0; i = (i + 1) & t->mask)
        if (s >> 32 == tag && row_has(t, (size_t)(uint32_t)s - 1, w))
            break;
    return i;
}

/* The same in the current run's index: a slot naming a row before the
   run's start is empty. */
static size_t run_probe(const cm_table *t, const uint64_t *w, uint64_t tag)
{
    const struct cm_key_runs *r = t->runs;
    size_t i = (size_t)tag & r->mask;
    for (uint64_t s; (s = r->slots[i]) != 0 && (uint32_t)s > r->start; i = (i + 1) & r->mask)
        if (s >> 32 == tag && row_has(t, (size_t)(uint32_t)s - 1, w))
            break;
    return i;
}

static size_t slots_for(size_t rows)
{
    size_t n = 64;
    while (n / 2 < rows + 1)
        n *= 2;
    return n;
}

/* The whole index, of every row, built at once (the rows' keys are known to
   differ): hashed a batch at a time, and each batch's slots fetched
   together before they are filled. */
static cm_status build_all(cm_table *t)
{
    size_t n = slots_for(t->nrows);
    if (n - 1 > UINT32_MAX)
        return CM_ERR_NOMEM;
    uint64_t *slots = cm_big_alloc(n * sizeof *slots);
    if (!slots)
        return CM_ERR_NOMEM;
    size_t mask = n - 1;
    enum { BATCH = 16 };
    uint64_t tags[BATCH];
    for (size_t at = 0; at < t->nrows; at += BATCH) {
        size_t m = t->nrows - at < BATCH ? t->nrows - at : BATCH;
        for (size_t k = 0; k < m; k++) {
            uint64_t w[CM_TABLE_MAX_KEY];
            row_words(t, at + k, w);
            tags[k] = words_tag(t->def, w);
            __builtin_prefetch(&slots[tags[k] & mask], 1);
        }
        for (size_t k = 0; k < m; k++) {
            size_t i = (size_t)tags[k] & mask;
            while (slots[i])
                i = (i + 1) & mask;
            slots[i] = tags[k] << 32 | (uint32_t)(at + k + 1);
        }
    }
    cm_big_free(t->slots, (t->mask + 1) * sizeof *t->slots);
    t->slots = slots;
    t->mask = mask;
    return CM_OK;
}

/* The whole index, twice as large: its slots moved by their tags. */
static cm_status grow_all(cm_table *t)
{
    size_t mask = t->mask * 2 + 1;
    if (mask > UINT32_MAX)
        return CM_ERR_NOMEM;
    uint64_t *slots = cm_big_alloc((mask + 1) * sizeof *slots);
    if (!slots)
        return CM_ERR_NOMEM;
    for (size_t j = 0; j <= t->mask; j++) {
        uint64_t s = t->slots[j];
        if (!s)
            continue;
        size_t i = (size_t)(s >> 32) & mask;
        while (slots[i])
            i = (i + 1) & mask;
        slots[i] = s;
    }
    cm_big_free(t->slots, (t->mask + 1) * sizeof *t->slots);
    t->slots = slots;
    t->mask = mask;
    return CM_OK;
}

static void runs_free(struct cm_key_runs *r)
{
    if (!r)
        return;
    free(r->slots);
    free(r->ended);
    free(r->eslots);
    free(r);
}

/* Leaves runs: the whole index from now on. */
static cm_status end_runs(cm_table *t)
{
    cm_status st = build_all(t);
    if (st != CM_OK)
        return st;
    runs_free(t->runs);
    t->runs = NULL;
    return CM_OK;
}

static size_t ended_slot(const struct cm_key_runs *r, const uint64_t *key)
{
    uint64_t h = cm_hash_bytes(key, 2 * sizeof key[0]);
    size_t i = (size_t)h & r->emask;
    for (uint32_t e; (e = r->eslots[i]) != 0; i = (i + 1) & r->emask)
        if (r->ended[2 * (e - 1)] == key[0] && r->ended[2 * (e - 1) + 1] == key[1])
            break;
    return i;
}

/* Remembers the current run as ended. */
static cm_status end_run(struct cm_key_runs *r)
{
    if (r->nended == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        uint64_t *ended = realloc(r->ended, cap * 2 * sizeof *ended);
        if (!ended)
            return CM_ERR_NOMEM;
        r->ended = ended;
        r->cap = cap;
    }
    if ((r->nended + 1) * 2 > r->emask) {
        size_t emask = r->emask ? r->emask * 2 + 1 : 127;
        if (emask > UINT32_MAX)
            return CM_ERR_NOMEM;
        uint32_t *eslots = calloc(emask + 1, sizeof *eslots);
        if (!eslots)
            return CM_ERR_NOMEM;
        free(r->eslots);
        r->eslots = eslots;
        r->emask = emask;
        for (size_t k = 0; k < r->nended; k++)
            r->eslots[ended_slot(r, &r->ended[2 * k])] = (uint32_t)(k + 1);
    }
    r->ended[2 * r->nended] = r->key[0];
    r->ended[2 * r->nended + 1] = r->key[1];
    r->nended++;
    r->eslots[ended_slot(r, r->key)] = (uint32_t)r->nended;
    return CM_OK;
}

/* The current run's index, twice as large, with its rows. */
static cm_status grow_run(cm_table *t)
{
    struct cm_key_runs *r = t->runs;
    size_t mask = r->mask ? r->mask * 2 + 1 : 63;
    if (mask > UINT32_MAX)
        return CM_ERR_NOMEM;
    uint64_t *slots = calloc(mask + 1, sizeof *slots);
    if (!slots)
        return CM_ERR_NOMEM;
    free(r->slots);
    r->slots = slots;
    r->mask = mask;
    for (size_t row = r->start; row < t->nrows; row++) {
        uint64_t w[CM_TABLE_MAX_KEY];
        row_words(t, row, w);
        uint64_t tag = words_tag(t->def, w);
        r->slots[run_probe(t, w, tag)] = tag << 32 | (uint32_t)(row + 1);
    }
    return CM_OK;
}

cm_status cm_key_index_init(cm_table *t)
{
    t->mask = 63;
    t->slots = cm_big_alloc((t->mask + 1) * sizeof *t->slots);
    if (!t->slots)
        return CM_ERR_NOMEM;
    if (t->def->nkey > 2) {
        t->runs = calloc(1, sizeof *t->runs);
        if (!t->runs || grow_run(t) != CM_OK)
            return CM_ERR_NOMEM;
    }
    return CM_OK;
}

void cm_key_index_free(cm_table *t)
{
    runs_free(t->runs);
    t->runs = NULL;
    if (t->slots)
        cm_big_free(t->slots, (t->mask + 1) * sizeof *t->slots);
    t->slots = NULL;
}

cm_status cm_key_index_look(cm_table *t, const cm_cell *cells, size_t *dup, cm_key_place *place)
{
    uint64_t w[CM_TABLE_MAX_KEY];
    key_words(t->def, cells, w);
    place->tag = words_tag(t->def, w);
    struct cm_key_runs *r = t->runs;
    if (r && (!r->open || w[0] != r->key[0] || w[1] != r->key[1])) {
        /* A new run: a key of an ended one means the rows are not grouped. */
        if (r->open && end_run(r) != CM_OK)
            return CM_ERR_NOMEM;
        if (r->nended && r->eslots[ended_slot(r, w)]) {
            if (end_runs(t) != CM_OK)
                return CM_ERR_NOMEM;
            r = NULL;
        } else {
            r->open = true;
            r->start = t->nrows;
            r->key[0] = w[0];
            r->key[1] = w[1];
        }
    }
    place->slot = r ? run_probe(t, w, place->tag) : probe(t, w, place->tag);
    uint64_t s = r ? r->slots[place->slot] : t->slots[place->slot];
    *dup = s && (!r || (uint32_t)s > r->start) ? (size_t)(uint32_t)s - 1 : SIZE_MAX;
    return CM_OK;
}

cm_status cm_key_index_put(cm_table *t, const cm_key_place *place, size_t row)
{
    uint64_t s = place->tag << 32 | (uint32_t)(row + 1);
    struct cm_key_runs *r = t->runs;
    if (r) {
        r->slots[place->slot] = s;
        return (t->nrows - r->start) * 2 > r->mask ? grow_run(t) : CM_OK;
    }
    t->slots[place->slot] = s;
    return t->nrows * 2 > t->mask ? grow_all(t) : CM_OK;
}

cm_status cm_table_seal(cm_table *t)
{
    return t->runs ? end_runs(t) : CM_OK;
}

size_t cm_table_find(const cm_table *t, const cm_cell *key)
{
    cm_cell cells[CM_TABLE_MAX_COLS];
    memset(cells, 0, sizeof cells);
    for (size_t k = 0; k < t->def->nkey; k++)
        cells[t->def->key[k]] = key[k];
    uint64_t w[CM_TABLE_MAX_KEY];
    key_words(t->def, cells, w);
    if (t->runs) {
        /* Not sealed: the index holds the current run only. */
        for (size_t row = 0; row < t->nrows; row++)
            if (row_has(t, row, w))
                return row;
        return SIZE_MAX;
    }
    size_t slot = probe(t, w, words_tag(t->def, w));
    return t->slots[slot] ? (size_t)(uint32_t)t->slots[slot] - 1 : SIZE_MAX;
}
