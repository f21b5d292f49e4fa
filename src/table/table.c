/*
 * table.c - column storage, row staging and the key index.
 */
#include "citymig/table.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citymig/bigmem.h"
#include "citymig/hash.h"

static size_t cell_size(cm_value_type type)
{
    switch (type) {
    case CM_VALUE_TEXT:
        return sizeof(uint32_t);
    case CM_VALUE_COUNT:
    case CM_VALUE_SIGNED_COUNT:
        return sizeof(int64_t);
    case CM_VALUE_PERCENT:
        return sizeof(double);
    case CM_VALUE_YEAR:
        return sizeof(int32_t);
    case CM_VALUE_ENUM:
        return sizeof(uint8_t);
    }
    return sizeof(int64_t);
}

cm_table *cm_table_new(const cm_table_def *def, cm_strpool *pool)
{
    cm_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->def = def;
    t->pool = pool;
    t->cols = calloc(def->ncols, sizeof *t->cols);
    t->mask = 63;
    t->slots = cm_big_alloc((t->mask + 1) * sizeof *t->slots);
    if (!t->cols || !t->slots) {
        cm_table_free(t);
        return NULL;
    }
    return t;
}

void cm_table_free(cm_table *t)
{
    if (!t)
        return;
    if (t->cols) {
        for (size_t c = 0; c < t->def->ncols; c++) {
            free(t->cols[c].v.any);
            free(t->cols[c].present);
        }
    }
    free(t->cols);
    free(t->line);
    free(t->source);
    for (size_t i = 0; i < t->nsources; i++)
        free(t->sources[i]);
    free(t->sources);
    free(t->inconsistent);
    free(t->estimated);
    free(t->breaks);
    if (t->slots)
        cm_big_free(t->slots, (t->mask + 1) * sizeof *t->slots);
    free(t);
}

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

static uint64_t key_hash(const cm_table_def *def, const cm_cell *cells)
{
    uint64_t w[4];
    key_words(def, cells, w);
    return cm_hash_bytes(w, def->nkey * sizeof w[0]);
}

static bool key_equal(const cm_table *t, size_t row, const cm_cell *cells)
{
    uint64_t a[4], b[4];
    cm_cell stored[CM_TABLE_MAX_COLS];
    for (size_t k = 0; k < t->def->nkey; k++)
        cm_table_get(t, row, t->def->key[k], &stored[t->def->key[k]]);
    key_words(t->def, stored, a);
    key_words(t->def, cells, b);
    return memcmp(a, b, t->def->nkey * sizeof a[0]) == 0;
}

/* A slot of the key index: the key's hash tag (its high 32 bits) above the
   row + 1 (0: an empty slot). The tag places the key (its low bits are the
   home slot) and tells most keys apart without reading the rows. */
static inline uint64_t slot_tag(uint64_t hash)
{
    return hash >> 32;
}

/* The slot of the row with these key cells, or of the empty slot to use. */
static size_t probe(const cm_table *t, const cm_cell *cells, uint64_t *tag_out)
{
    uint64_t tag = slot_tag(key_hash(t->def, cells));
    *tag_out = tag;
    size_t i = (size_t)tag & t->mask;
    for (uint64_t s; (s = t->slots[i]) != 0; i = (i + 1) & t->mask)
        if (s >> 32 == tag && key_equal(t, (size_t)(uint32_t)s - 1, cells))
            break;
    return i;
}

static cm_status grow_index(cm_table *t)
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

static cm_status grow_rows(cm_table *t)
{
    size_t cap = t->cap ? t->cap * 2 : 64;
    if (cap > UINT32_MAX - 1)
        return CM_ERR_NOMEM;
    for (size_t c = 0; c < t->def->ncols; c++) {
        size_t sz = cell_size(t->def->cols[c].type);
        void *v = realloc(t->cols[c].v.any, cap * sz);
        if (!v)
            return CM_ERR_NOMEM;
        t->cols[c].v.any = v;
        uint8_t *p = realloc(t->cols[c].present, cap);
        if (!p)
            return CM_ERR_NOMEM;
        t->cols[c].present = p;
    }
    uint64_t *line = realloc(t->line, cap * sizeof *line);
    if (!line)
        return CM_ERR_NOMEM;
    t->line = line;
    uint16_t *source = realloc(t->source, cap * sizeof *source);
    if (!source)
        return CM_ERR_NOMEM;
    t->source = source;
    uint32_t **bits[] = {&t->inconsistent, &t->estimated, &t->breaks};
    for (size_t k = 0; k < sizeof bits / sizeof bits[0]; k++) {
        if (!*bits[k])
            continue;
        uint32_t *grown = realloc(*bits[k], cap * sizeof *grown);
        if (!grown)
            return CM_ERR_NOMEM;
        memset(grown + t->cap, 0, (cap - t->cap) * sizeof *grown);
        *bits[k] = grown;
    }
    t->cap = cap;
    return CM_OK;
}

/* The index of an input's name among the table's, added when new; -1 when
   out of memory or past 65,535 inputs. NULL: input 0. */
static int source_index(cm_table *t, const char *name)
{
    if (!name)
        return 0;
    /* Rows come input by input: the last one first. */
    for (size_t i = t->nsources; i-- > 0;)
        if (strcmp(t->sources[i], name) == 0)
            return (int)i;
    if (t->nsources > UINT16_MAX)
        return -1;
    char **sources = realloc(t->sources, (t->nsources + 1) * sizeof *sources);
    if (!sources)
        return -1;
    t->sources = sources;
    if (!(t->sources[t->nsources] = strdup(name)))
        return -1;
    return (int)t->nsources++;
}

const char *cm_table_source_name(const cm_table *t, size_t row)
{
    if (row >= t->nrows || t->source[row] >= t->nsources)
        return NULL;
    return t->sources[t->source[row]];
}

cm_status cm_table_add(cm_table *t, const cm_cell *cells, uint64_t line, size_t *dup)
{
    return cm_table_add_at(t, cells, NULL, line, dup);
}

cm_status cm_table_add_at(cm_table *t, const cm_cell *cells, const char *source_name, uint64_t line,
                          size_t *dup)
{
    *dup = SIZE_MAX;
    uint64_t tag;
    size_t slot = probe(t, cells, &tag);
    if (t->slots[slot]) {
        *dup = (size_t)(uint32_t)t->slots[slot] - 1;
        return CM_OK;
    }
    if (t->nrows == t->cap && grow_rows(t) != CM_OK)
        return CM_ERR_NOMEM;

    size_t row = t->nrows;
    for (size_t c = 0; c < t->def->ncols; c++) {
        cm_column *col = &t->cols[c];
        const cm_cell *cell = &cells[c];
        col->present[row] = cell->present;
        switch (t->def->cols[c].type) {
        case CM_VALUE_TEXT:
            col->v.text[row] = cell->present ? cell->v.text : 0;
            break;
        case CM_VALUE_COUNT:
        case CM_VALUE_SIGNED_COUNT:
            col->v.count[row] = cell->present ? cell->v.count : 0;
            break;
        case CM_VALUE_PERCENT:
            col->v.percent[row] = cell->present ? cell->v.percent : 0;
            break;
        case CM_VALUE_YEAR:
            col->v.year[row] = cell->present ? cell->v.year : 0;
            break;
        case CM_VALUE_ENUM:
            col->v.code[row] = cell->present ? cell->v.code : 0;
            break;
        }
    }
    int source = source_index(t, source_name);
    if (source < 0)
        return CM_ERR_NOMEM;
    t->line[row] = line;
    t->source[row] = (uint16_t)source;
    t->nrows++;
    t->slots[slot] = tag << 32 | (uint32_t)(row + 1);
    if (t->nrows * 2 > t->mask)
        return grow_index(t);
    return CM_OK;
}

cm_status cm_table_mark_status(cm_table *t, size_t row, size_t col, bool brk)
{
    uint32_t **bits = brk ? &t->breaks : &t->estimated;
    if (!*bits) {
        *bits = calloc(t->cap ? t->cap : 1, sizeof **bits);
        if (!*bits)
            return CM_ERR_NOMEM;
    }
    (*bits)[row] |= 1u << col;
    return CM_OK;
}

cm_status cm_table_mark_inconsistent(cm_table *t, size_t row, size_t col)
{
    if (!t->inconsistent) {
        t->inconsistent = calloc(t->cap ? t->cap : 1, sizeof *t->inconsistent);
        if (!t->inconsistent)
            return CM_ERR_NOMEM;
    }
    t->inconsistent[row] |= 1u << col;
    return CM_OK;
}

bool cm_table_get(const cm_table *t, size_t row, size_t col, cm_cell *out)
{
    const cm_column *c = &t->cols[col];
    memset(out, 0, sizeof *out);
    out->present = c->present[row];
    switch (t->def->cols[col].type) {
    case CM_VALUE_TEXT:
        out->v.text = c->v.text[row];
        break;
    case CM_VALUE_COUNT:
    case CM_VALUE_SIGNED_COUNT:
        out->v.count = c->v.count[row];
        break;
    case CM_VALUE_PERCENT:
        out->v.percent = c->v.percent[row];
        break;
    case CM_VALUE_YEAR:
        out->v.year = c->v.year[row];
        break;
    case CM_VALUE_ENUM:
        out->v.code = c->v.code[row];
        break;
    }
    return out->present;
}

static bool cell_equal(cm_value_type type, const cm_cell *a, const cm_cell *b)
{
    if (a->present != b->present)
        return false;
    if (!a->present)
        return true;
    switch (type) {
    case CM_VALUE_TEXT:
        return a->v.text == b->v.text;
    case CM_VALUE_COUNT:
    case CM_VALUE_SIGNED_COUNT:
        return a->v.count == b->v.count;
    case CM_VALUE_PERCENT:
        return a->v.percent == b->v.percent;
    case CM_VALUE_YEAR:
        return a->v.year == b->v.year;
    case CM_VALUE_ENUM:
        return a->v.code == b->v.code;
    }
    return false;
}

size_t cm_table_row_diff(const cm_table *t, size_t row, const cm_cell *cells)
{
    for (size_t c = 0; c < t->def->ncols; c++) {
        cm_cell stored;
        cm_table_get(t, row, c, &stored);
        if (!cell_equal(t->def->cols[c].type, &stored, &cells[c]))
            return c;
    }
    return SIZE_MAX;
}

size_t cm_table_find(const cm_table *t, const cm_cell *key)
{
    cm_cell cells[CM_TABLE_MAX_COLS];
    memset(cells, 0, sizeof cells);
    for (size_t k = 0; k < t->def->nkey; k++)
        cells[t->def->key[k]] = key[k];
    uint64_t tag;
    size_t slot = probe(t, cells, &tag);
    return t->slots[slot] ? (size_t)(uint32_t)t->slots[slot] - 1 : SIZE_MAX;
}

size_t cm_areas_find(const cm_table *areas, uint32_t area_id, int32_t year)
{
    cm_cell key[2] = {{.present = true, .v.text = area_id}, {.present = true, .v.year = year}};
    return cm_table_find(areas, key);
}

const char *cm_cell_format(const cm_table_def *def, size_t col, const cm_cell *cell,
                           const cm_strpool *pool, char *buf, size_t size)
{
    if (!cell->present) {
        snprintf(buf, size, "(empty)");
        return buf;
    }
    switch (def->cols[col].type) {
    case CM_VALUE_TEXT:
        snprintf(buf, size, "'%s'", cm_strpool_str(pool, cell->v.text));
        break;
    case CM_VALUE_COUNT:
    case CM_VALUE_SIGNED_COUNT:
        snprintf(buf, size, "%" PRId64, cell->v.count);
        break;
    case CM_VALUE_PERCENT:
        cm_format_double(cell->v.percent, buf, size);
        break;
    case CM_VALUE_YEAR:
        snprintf(buf, size, "%" PRId32, cell->v.year);
        break;
    case CM_VALUE_ENUM:
        snprintf(buf, size, "%s", cm_enum_name(def->cols[col].enumdef, cell->v.code));
        break;
    }
    return buf;
}
