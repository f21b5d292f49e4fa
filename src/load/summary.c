/*
 * summary.c - what validate says about each table it read, gathered from
 * the loaded dataset (printed by src/write/summary.c).
 *
 * Distinct areas and origins are counted with one bit per interned string,
 * years with one bit per possible year: memory in proportion to the
 * dataset's distinct values, never its rows.
 */
#include "citymig/summary.h"

#include <stdlib.h>
#include <string.h>

typedef struct years {
    uint8_t seen[CM_YEAR_MAX - CM_YEAR_MIN + 1];
    size_t count;
    int32_t min, max;
} years;

static void years_add(years *y, int32_t year)
{
    if (year < CM_YEAR_MIN || year > CM_YEAR_MAX || y->seen[year - CM_YEAR_MIN])
        return;
    y->seen[year - CM_YEAR_MIN] = 1;
    if (y->count == 0 || year < y->min)
        y->min = year;
    if (y->count == 0 || year > y->max)
        y->max = year;
    y->count++;
}

static void years_keep(const years *y, cm_summary_table *st)
{
    st->years = y->count;
    st->year_min = y->min;
    st->year_max = y->max;
}

/* One bit per string id of the pool. */
typedef struct idset {
    uint8_t *bits;
    size_t count;
} idset;

static int idset_init(idset *s, const cm_dataset *ds)
{
    s->count = 0;
    s->bits = calloc(cm_strpool_count(ds->pool) / 8 + 1, 1);
    return s->bits ? 0 : -1;
}

static void idset_add(idset *s, uint32_t id)
{
    if (id == 0 || (s->bits[id / 8] & (1u << (id % 8))))
        return;
    s->bits[id / 8] |= (uint8_t)(1u << (id % 8));
    s->count++;
}

/* A table's label: its file, or under a manifest its name. */
static const char *label(const cm_dataset *ds, cm_table_id id)
{
    static const char *const names[CM_TABLE_COUNT] = {"areas", "stocks", "flows", "services"};
    return ds->manifest ? names[id] : cm_table_file(id);
}

static void count_table(const cm_dataset *ds, const cm_table *t, cm_table_id id,
                        cm_summary_table *st)
{
    size_t area_col = 0, extra_col = SIZE_MAX;
    idset areas, extra = {0};
    years y;

    if (t->nrows == 0)
        return;
    memset(&y, 0, sizeof y);
    if (idset_init(&areas, ds) != 0 || idset_init(&extra, ds) != 0) {
        free(areas.bits);
        return;
    }
    size_t year_col = id == CM_TABLE_AREAS ? CM_AREAS_YEAR : 1;
    if (id == CM_TABLE_STOCKS)
        extra_col = CM_STOCKS_ORIGIN;
    else if (id == CM_TABLE_SERVICES)
        extra_col = CM_SERVICES_SERVICE;
    for (size_t r = 0; r < t->nrows; r++) {
        idset_add(&areas, t->cols[area_col].v.text[r]);
        years_add(&y, t->cols[year_col].v.year[r]);
        if (extra_col != SIZE_MAX)
            idset_add(&extra, t->cols[extra_col].v.text[r]);
        if (id == CM_TABLE_AREAS)
            st->levels[t->cols[CM_AREAS_LEVEL].v.code[r]]++;
    }
    st->counted = true;
    st->areas = areas.count;
    st->others = extra.count;
    years_keep(&y, st);
    free(areas.bits);
    free(extra.bits);
}

static void count_flows(const cm_dataset *ds, cm_summary_table *st)
{
    const cm_flows *f = ds->flows;
    idset dest, orig;
    years y;

    memset(&y, 0, sizeof y);
    if (idset_init(&dest, ds) != 0)
        return;
    if (idset_init(&orig, ds) != 0) {
        free(dest.bits);
        return;
    }
    for (size_t i = 0; i < f->count; i++) {
        const cm_flow_cell *c = &f->cells[i];
        if (c->in_rows)
            idset_add(&dest, c->area);
        if (c->out_rows)
            idset_add(&orig, c->area);
        years_add(&y, c->year);
    }
    st->counted = true;
    st->areas = dest.count;
    st->others = orig.count;
    years_keep(&y, st);
    free(dest.bits);
    free(orig.bits);
}

void cm_summary_build(const cm_dataset *ds, cm_summary *out)
{
    const cm_table *tables[CM_TABLE_COUNT] = {ds->areas, ds->stocks, NULL, ds->services};

    memset(out, 0, sizeof *out);
    out->dir = ds->dir;
    out->title = ds->title;
    out->manifest = ds->manifest;
    for (size_t i = 0; i < ds->ninputs; i++) {
        if (ds->inputs[i].lookup)
            out->nlookups++;
        else
            out->ninputs++;
    }
    out->flows = ds->flows ? &ds->flows->stats : NULL;
    for (int t = 0; t < CM_TABLE_COUNT; t++) {
        const cm_source *src = &ds->sources[t];
        cm_summary_table *st = &out->tables[t];
        st->label = label(ds, (cm_table_id)t);
        if (!src->present)
            st->state = CM_SUMMARY_ABSENT;
        else if (src->skipped)
            st->state = CM_SUMMARY_SKIPPED;
        else if (src->status == CM_ERR_NOINPUT)
            st->state = CM_SUMMARY_UNREADABLE;
        else
            st->state = CM_SUMMARY_READ;
        if (st->state != CM_SUMMARY_READ)
            continue;
        st->rows = src->rows;
        st->rejected = src->rows_rejected;
        st->merged = src->duplicates_merged;
        if (t == CM_TABLE_FLOWS)
            count_flows(ds, st);
        else
            count_table(ds, tables[t], (cm_table_id)t, st);
    }
}
