/*
 * table.c - column storage and row staging; the key index is keyindex.c.
 */
#include "citymig/table.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyindex.h"

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
    if (!t->cols || cm_key_index_init(t) != CM_OK) {
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
    free(t->ages);
    free(t->line);
    free(t->source);
    for (size_t i = 0; i < t->nsources; i++)
        free(t->sources[i]);
    free(t->sources);
    free(t->inconsistent);
    free(t->estimated);
    free(t->breaks);
    cm_key_index_free(t);
    free(t);
}

static cm_status grow_rows(cm_table *t)
{
    size_t cap = t->cap ? t->cap * 2 : 64;
    if (cap > UINT32_MAX - 1)
        return CM_ERR_NOMEM;
    for (size_t c = 0; c < t->def->ncols; c++) {
        if ((t->def->cols[c].flags & CM_COL_LAZY) && !t->cols[c].present)
            continue; /* not stored yet */
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

/* A lazy column's arrays, at the table's capacity, the rows before empty. */
static cm_status store_lazy(cm_table *t, size_t c)
{
    size_t cap = t->cap ? t->cap : 1;
    void *v = calloc(cap, cell_size(t->def->cols[c].type));
    uint8_t *p = calloc(cap, 1);
    if (!v || !p) {
        free(v);
        free(p);
        return CM_ERR_NOMEM;
    }
    t->cols[c].v.any = v;
    t->cols[c].present = p;
    return CM_OK;
}

cm_status cm_table_add_at(cm_table *t, const cm_cell *cells, const char *source_name, uint64_t line,
                          size_t *dup)
{
    cm_key_place place;
    if (cm_key_index_look(t, cells, dup, &place) != CM_OK)
        return CM_ERR_NOMEM;
    if (*dup != SIZE_MAX)
        return CM_OK;
    if (t->nrows == t->cap && grow_rows(t) != CM_OK)
        return CM_ERR_NOMEM;

    size_t row = t->nrows;
    for (size_t c = 0; c < t->def->ncols; c++) {
        cm_column *col = &t->cols[c];
        const cm_cell *cell = &cells[c];
        if (!col->present && !cell->present)
            continue; /* a lazy column no row has given yet */
        if (!col->present && store_lazy(t, c) != CM_OK)
            return CM_ERR_NOMEM;
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
    return cm_key_index_put(t, &place, row);
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
    if (!c->present)
        return false; /* a lazy column no row has given */
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
