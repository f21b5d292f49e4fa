/*
 * summary.c - what validate prints about each table it read.
 *
 * Distinct areas and origins are counted with one bit per interned string,
 * years with one bit per possible year: memory in proportion to the
 * dataset's distinct values, never its rows.
 */
#include "citymig/summary.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* "1 row", "2 rows". */
static const char *plural(uint64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

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

static void years_print(const years *y, FILE *out)
{
    if (y->count == 0)
        fprintf(out, "no years");
    else if (y->count == 1)
        fprintf(out, "1 year (%" PRId32 ")", y->min);
    else
        fprintf(out, "%zu years (%" PRId32 "-%" PRId32 ")", y->count, y->min, y->max);
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

static void table_line(const cm_dataset *ds, const cm_table *t, cm_table_id id, FILE *out)
{
    const cm_source *src = &ds->sources[id];
    size_t area_col = 0, extra_col = SIZE_MAX;
    const char *extra_name = NULL;
    idset areas, extra = {0};
    years y;

    fprintf(out, "  %-13s %" PRIu64 " %s", label(ds, id), src->rows,
            plural(src->rows, "row", "rows"));
    if (src->rows_rejected)
        fprintf(out, " (%" PRIu64 " rejected)", src->rows_rejected);
    if (src->duplicates_merged)
        fprintf(out, " (%" PRIu64 " exact %s merged)", src->duplicates_merged,
                plural(src->duplicates_merged, "duplicate", "duplicates"));
    if (t->nrows == 0) {
        fputc('\n', out);
        return;
    }
    memset(&y, 0, sizeof y);
    if (idset_init(&areas, ds) != 0 || idset_init(&extra, ds) != 0) {
        free(areas.bits);
        fputc('\n', out);
        return;
    }
    size_t year_col = id == CM_TABLE_AREAS ? CM_AREAS_YEAR : 1;
    if (id == CM_TABLE_STOCKS) {
        extra_col = CM_STOCKS_ORIGIN;
        extra_name = "origins";
    } else if (id == CM_TABLE_SERVICES) {
        extra_col = CM_SERVICES_SERVICE;
        extra_name = "services";
    }
    size_t levels[CM_LEVEL_COUNT] = {0};
    for (size_t r = 0; r < t->nrows; r++) {
        idset_add(&areas, t->cols[area_col].v.text[r]);
        years_add(&y, t->cols[year_col].v.year[r]);
        if (extra_col != SIZE_MAX)
            idset_add(&extra, t->cols[extra_col].v.text[r]);
        if (id == CM_TABLE_AREAS)
            levels[t->cols[CM_AREAS_LEVEL].v.code[r]]++;
    }
    fprintf(out, ": %zu %s, ", areas.count, plural(areas.count, "area", "areas"));
    years_print(&y, out);
    if (extra_name)
        fprintf(out, ", %zu %s", extra.count,
                extra.count == 1 ? (id == CM_TABLE_STOCKS ? "origin" : "service") : extra_name);
    if (id == CM_TABLE_AREAS) {
        fprintf(out, "; rows by level:");
        for (int l = 0; l < CM_LEVEL_COUNT; l++)
            if (levels[l])
                fprintf(out, " %s %zu", cm_enum_name(&cm_level_enum, l), levels[l]);
    }
    fputc('\n', out);
    free(areas.bits);
    free(extra.bits);
}

static void flows_line(const cm_dataset *ds, FILE *out)
{
    const cm_source *src = &ds->sources[CM_TABLE_FLOWS];
    const cm_flows *f = ds->flows;
    idset dest, orig;
    years y;

    fprintf(out, "  %-13s %" PRIu64 " %s", label(ds, CM_TABLE_FLOWS), src->rows,
            plural(src->rows, "row", "rows"));
    if (src->rows_rejected)
        fprintf(out, " (%" PRIu64 " rejected)", src->rows_rejected);
    memset(&y, 0, sizeof y);
    if (idset_init(&dest, ds) != 0) {
        fputc('\n', out);
        return;
    }
    if (idset_init(&orig, ds) != 0) {
        free(dest.bits);
        fputc('\n', out);
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
    fprintf(out, ": %zu %s, %zu %s, ", dest.count,
            plural(dest.count, "destination", "destinations"), orig.count,
            plural(orig.count, "origin", "origins"));
    years_print(&y, out);
    fputc('\n', out);
    for (int k = 0; k < CM_KIND_COUNT; k++)
        fprintf(out, "  %-13s   %-13s %" PRIu64 " %s, %" PRId64 " %s\n", "",
                cm_enum_name(&cm_kind_enum, k), f->stats.rows_by_kind[k],
                plural(f->stats.rows_by_kind[k], "row", "rows"), f->stats.persons_by_kind[k],
                plural((uint64_t)f->stats.persons_by_kind[k], "move", "moves"));
    fprintf(out, "  %-13s   %-13s %" PRIu64 " %s, %" PRId64 " %s (origin = destination)\n", "",
            "stayers excl.", f->stats.stayer_rows, plural(f->stats.stayer_rows, "row", "rows"),
            f->stats.stayer_persons,
            plural((uint64_t)f->stats.stayer_persons, "person", "persons"));
    free(dest.bits);
    free(orig.bits);
}

int cm_summary_write(const cm_dataset *ds, FILE *out)
{
    const cm_table *tables[CM_TABLE_COUNT] = {ds->areas, ds->stocks, NULL, ds->services};

    fprintf(out, "dataset %s\n", ds->dir);
    if (ds->title)
        fprintf(out, "  %s\n", ds->title);
    if (ds->manifest)
        fprintf(out, "  read through %s: %zu %s\n", ds->manifest, ds->ninputs,
                ds->ninputs == 1 ? "source" : "sources");
    for (int t = 0; t < CM_TABLE_COUNT; t++) {
        const cm_source *src = &ds->sources[t];
        if (!src->present) {
            fprintf(out, "  %-13s %s\n", label(ds, (cm_table_id)t),
                    ds->manifest ? "not in the manifest" : "absent");
            continue;
        }
        if (src->skipped) {
            fprintf(out, "  %-13s not checked (the error limit was reached first)\n",
                    label(ds, (cm_table_id)t));
            continue;
        }
        if (src->status == CM_ERR_NOINPUT) {
            fprintf(out, "  %-13s unreadable\n", label(ds, (cm_table_id)t));
            continue;
        }
        if (t == CM_TABLE_FLOWS)
            flows_line(ds, out);
        else
            table_line(ds, tables[t], (cm_table_id)t, out);
    }
    return ferror(out) ? -1 : 0;
}
