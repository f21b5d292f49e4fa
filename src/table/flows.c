/*
 * flows.c - the flow aggregate: an open-addressing hash of cells keyed by
 * (area, year, kind, sex).
 */
#include "citymig/flows.h"

#include <stdlib.h>
#include <string.h>

#include "citymig/bigmem.h"
#include "citymig/hash.h"
#include "citymig/value.h"

cm_flows *cm_flows_new(void)
{
    cm_flows *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->mask = 1023;
    f->slots = calloc(f->mask + 1, sizeof *f->slots);
    if (!f->slots) {
        free(f);
        return NULL;
    }
    return f;
}

void cm_flows_free(cm_flows *f)
{
    if (!f)
        return;
    cm_big_free(f->cells, f->cap * sizeof *f->cells);
    free(f->slots);
    free(f);
}

static uint64_t cell_key(uint32_t area, int32_t year, cm_kind kind, cm_sex sex)
{
    return (uint64_t)area << 32 | (uint64_t)(uint16_t)year << 16 | (uint64_t)kind << 8 |
           (uint64_t)sex;
}

static uint64_t key_of(const cm_flow_cell *c)
{
    return cell_key(c->area, c->year, (cm_kind)c->kind, (cm_sex)c->sex);
}

static int grow(cm_flows *f)
{
    size_t mask = f->mask * 2 + 1;
    uint32_t *slots = calloc(mask + 1, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t n = 0; n < f->count; n++) {
        size_t i = (size_t)cm_hash_mix(key_of(&f->cells[n])) & mask;
        while (slots[i])
            i = (i + 1) & mask;
        slots[i] = (uint32_t)(n + 1);
    }
    free(f->slots);
    f->slots = slots;
    f->mask = mask;
    return 0;
}

/* The cell for a key, created empty when new; NULL when out of memory. */
static cm_flow_cell *cell_for(cm_flows *f, uint32_t area, int32_t year, cm_kind kind, cm_sex sex)
{
    uint64_t key = cell_key(area, year, kind, sex);
    size_t i = (size_t)cm_hash_mix(key) & f->mask;
    while (f->slots[i]) {
        cm_flow_cell *c = &f->cells[f->slots[i] - 1];
        if (key_of(c) == key)
            return c;
        i = (i + 1) & f->mask;
    }
    if (f->count == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : CM_BIG_GRAIN / sizeof(cm_flow_cell);
        if (cap > UINT32_MAX - 1)
            return NULL;
        cm_flow_cell *cells = cm_big_realloc(f->cells, f->cap * sizeof *cells, cap * sizeof *cells);
        if (!cells)
            return NULL;
        f->cells = cells;
        f->cap = cap;
    }
    cm_flow_cell *c = &f->cells[f->count];
    memset(c, 0, sizeof *c);
    c->area = area;
    c->year = year;
    c->kind = (uint8_t)kind;
    c->sex = (uint8_t)sex;
    f->slots[i] = (uint32_t)++f->count;
    if (f->count * 2 > f->mask && grow(f) != 0) {
        /* Undo: the table must keep empty slots to stay searchable. */
        f->slots[i] = 0;
        f->count--;
        return NULL;
    }
    return &f->cells[f->count - 1];
}

cm_flows_add_result cm_flows_add(cm_flows *f, int32_t year, uint32_t origin, uint32_t destination,
                                 cm_kind kind, cm_sex sex, int64_t count)
{
    if (origin == destination) {
        if (f->stats.stayer_persons > CM_COUNT_MAX - count)
            return CM_FLOWS_OVERFLOW;
        f->stats.rows++;
        f->stats.stayer_rows++;
        f->stats.stayer_persons += count;
        return CM_FLOWS_STAYER;
    }
    cm_flow_cell *in = cell_for(f, destination, year, kind, sex);
    if (!in)
        return CM_FLOWS_NOMEM;
    if (in->inflow > CM_COUNT_MAX - count || f->stats.persons_by_kind[kind] > CM_COUNT_MAX - count)
        return CM_FLOWS_OVERFLOW;
    /* Look the origin up after the destination: a grow may move cells. */
    size_t in_index = (size_t)(in - f->cells);
    cm_flow_cell *out = cell_for(f, origin, year, kind, sex);
    if (!out)
        return CM_FLOWS_NOMEM;
    in = &f->cells[in_index];
    if (out->outflow > CM_COUNT_MAX - count)
        return CM_FLOWS_OVERFLOW;
    in->inflow += count;
    in->in_rows++;
    out->outflow += count;
    out->out_rows++;
    f->stats.rows++;
    f->stats.rows_by_kind[kind]++;
    f->stats.persons_by_kind[kind] += count;
    return CM_FLOWS_ADDED;
}

cm_status cm_flows_merge(cm_flows *f, uint32_t area, int32_t year, cm_kind kind, cm_sex sex,
                         int64_t inflow, int64_t outflow, uint64_t in_rows, uint64_t out_rows)
{
    cm_flow_cell *c = cell_for(f, area, year, kind, sex);
    if (!c)
        return CM_ERR_NOMEM;
    c->inflow += inflow;
    c->outflow += outflow;
    c->in_rows += in_rows;
    c->out_rows += out_rows;
    return CM_OK;
}

static int cmp_cells(const void *a, const void *b)
{
    const cm_flow_cell *x = a, *y = b;
    if (x->year != y->year)
        return x->year < y->year ? -1 : 1;
    uint64_t kx = key_of(x), ky = key_of(y);
    return kx < ky ? -1 : kx > ky;
}

void cm_flows_sort(cm_flows *f)
{
    if (f->count < 2)
        return;
    qsort(f->cells, f->count, sizeof *f->cells, cmp_cells);
    memset(f->slots, 0, (f->mask + 1) * sizeof *f->slots);
    for (size_t n = 0; n < f->count; n++) {
        size_t i = (size_t)cm_hash_mix(key_of(&f->cells[n])) & f->mask;
        while (f->slots[i])
            i = (i + 1) & f->mask;
        f->slots[i] = (uint32_t)(n + 1);
    }
}

const cm_flow_cell *cm_flows_find(const cm_flows *f, uint32_t area, int32_t year, cm_kind kind,
                                  cm_sex sex)
{
    uint64_t key = cell_key(area, year, kind, sex);
    size_t i = (size_t)cm_hash_mix(key) & f->mask;
    while (f->slots[i]) {
        const cm_flow_cell *c = &f->cells[f->slots[i] - 1];
        if (key_of(c) == key)
            return c;
        i = (i + 1) & f->mask;
    }
    return NULL;
}
