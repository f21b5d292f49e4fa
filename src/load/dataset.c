/*
 * dataset.c - loading the tables of a dataset directory.
 */
#include "citymig/dataset.h"
#include "citymig/manifest.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const table_files[CM_TABLE_COUNT] = {"areas.csv", "stocks.csv", "flows.csv",
                                                        "services.csv"};

const char *cm_table_file(cm_table_id id)
{
    return (unsigned)id < CM_TABLE_COUNT ? table_files[id] : "?";
}

static void free_citation(cm_citation *c)
{
    free(c->source);
    free(c->publisher);
    free(c->url);
    free(c->licence);
    free(c->citation);
}

void cm_dataset_free(cm_dataset *ds)
{
    if (!ds)
        return;
    free_citation(&ds->cite);
    for (size_t i = 0; i < ds->nnotes; i++) {
        free(ds->notes[i].area);
        free(ds->notes[i].text);
    }
    free(ds->notes);
    for (int t = 0; t < CM_TABLE_COUNT; t++)
        free_citation(&ds->table_cite[t]);
    cm_table_free(ds->areas);
    cm_table_free(ds->stocks);
    cm_table_free(ds->services);
    cm_flows_free(ds->flows);
    cm_strpool_free(ds->pool);
    for (int i = 0; i < CM_TABLE_COUNT; i++) {
        free(ds->sources[i].path);
        free(ds->sources[i].name);
    }
    for (size_t i = 0; i < ds->ninputs; i++) {
        free(ds->inputs[i].path);
        free(ds->inputs[i].section);
    }
    free(ds->inputs);
    free(ds->manifest);
    free(ds->title);
    free(ds->dir);
    free(ds);
}

static char *join(const char *dir, const char *file)
{
    size_t n = strlen(dir);
    bool slash = n > 0 && dir[n - 1] == '/';
    size_t size = n + 1 + strlen(file) + 1;
    char *p = malloc(size);
    if (p)
        snprintf(p, size, "%s%s%s", dir, slash ? "" : "/", file);
    return p;
}

/*
 * Notes the parent_ids that are no area_id of areas.csv, in one message:
 * indicators set against a parent (location quotient, share of the parent)
 * will be missing for their children, and a typo would go unseen.
 */
static cm_status check_parents(const cm_dataset *ds, cm_diag *diag)
{
    enum { SHOWN = 5 };
    const cm_table *t = ds->areas;
    size_t nids = cm_strpool_count(ds->pool) + 1, missing = 0;
    uint8_t *is_area = calloc(nids, 1);
    uint8_t *seen = calloc(nids, 1);
    char list[SHOWN * 96] = "";
    size_t o = 0;
    uint64_t first_line = 0;

    if (!is_area || !seen) {
        free(is_area);
        free(seen);
        return CM_ERR_NOMEM;
    }
    for (size_t r = 0; r < t->nrows; r++)
        is_area[t->cols[CM_AREAS_AREA_ID].v.text[r]] = 1;
    for (size_t r = 0; r < t->nrows; r++) {
        if (!t->cols[CM_AREAS_PARENT_ID].present[r])
            continue;
        uint32_t parent = t->cols[CM_AREAS_PARENT_ID].v.text[r];
        if (is_area[parent] || seen[parent])
            continue;
        seen[parent] = 1;
        if (missing++ == 0)
            first_line = t->line[r];
        if (missing <= SHOWN && o < sizeof list) {
            char q[CM_QUOTE_SIZE];
            const char *id = cm_strpool_str(ds->pool, parent);
            /* Through a manifest a table's rows come from several files:
               a line alone would not say which. */
            if (ds->manifest)
                o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", missing > 1 ? ", " : "",
                                      cm_quote(q, sizeof q, id, strlen(id)));
            else
                o += (size_t)snprintf(list + o, sizeof list - o, "%s%s (line %" PRIu64 ")",
                                      missing > 1 ? ", " : "",
                                      cm_quote(q, sizeof q, id, strlen(id)), t->line[r]);
        }
    }
    if (missing) {
        cm_loc loc = {ds->manifest ? ds->manifest : ds->sources[CM_TABLE_AREAS].name,
                      ds->manifest ? 0 : first_line, 0};
        cm_diag_report(
            diag, CM_SEV_NOTE, &loc,
            "%zu %s of %s: %s%s; indicators set against a parent will be "
            "missing for %s",
            missing, missing == 1 ? "parent_id is not an area_id" : "parent_ids are not area_ids",
            ds->manifest ? "the areas table" : "areas.csv", list, missing > SHOWN ? ", ..." : "",
            missing == 1 ? "its children" : "their children");
    }
    free(is_area);
    free(seen);
    return CM_OK;
}

/* ---- totals against sexes ---- */

static const char *quoted_id(const cm_strpool *pool, uint32_t id, char *buf, size_t size)
{
    const char *s = cm_strpool_str(pool, id);
    return cm_quote(buf, size, s, strlen(s));
}

/* The row of a stock's other sex into *row (SIZE_MAX: none): a row next
   to the T row r when it is there (files list T, F and M together), else
   looked up by key. CM_ERR_NOMEM when the lookup's index cannot be built. */
static cm_status sibling(cm_table *t, size_t r, const cm_cell *key, int sex, size_t *row)
{
    const uint32_t *area = t->cols[CM_STOCKS_AREA_ID].v.text;
    const uint32_t *origin = t->cols[CM_STOCKS_ORIGIN].v.text;
    const int32_t *year = t->cols[CM_STOCKS_YEAR].v.year;
    const uint8_t *code = t->cols[CM_STOCKS_SEX].v.code;
    const uint8_t *has = t->cols[CM_STOCKS_SEX].present;
    const cm_column *age = &t->cols[CM_STOCKS_AGE];
    for (size_t d = 1; d <= 2; d++)
        for (int side = 0; side < 2; side++) {
            size_t n = side ? r + d : r - d;
            if ((side ? n >= t->nrows : d > r) || !has[n] || code[n] != sex || area[n] != area[r] ||
                origin[n] != origin[r] || year[n] != year[r] ||
                cm_column_has(age, n) != cm_column_has(age, r) ||
                (cm_column_has(age, r) && age->v.text[n] != age->v.text[r]))
                continue;
            *row = n;
            return CM_OK;
        }
    /* Not beside it: the whole index (kept for later lookups too). */
    if (cm_table_seal(t) != CM_OK)
        return CM_ERR_NOMEM;
    cm_cell k[5] = {key[0], key[1], key[2], {.present = true, .v.code = (uint8_t)sex}, key[4]};
    *row = cm_table_find(t, k);
    return CM_OK;
}

/* Stocks: per area, year, origin and age group, T against F + M, in the
   order of the T rows. */
static cm_status check_stock_sexes(const cm_dataset *ds, cm_diag *diag)
{
    cm_table *t = ds->stocks;
    const uint8_t *sex = t->cols[CM_STOCKS_SEX].v.code;
    const int64_t *count = t->cols[CM_STOCKS_COUNT].v.count;
    for (size_t r = 0; r < t->nrows; r++) {
        if (!t->cols[CM_STOCKS_SEX].present[r] || sex[r] != CM_SEX_TOTAL)
            continue;
        cm_cell key[5];
        for (int k = 0; k < 5; k++)
            cm_table_get(t, r, t->def->key[k], &key[k]);
        size_t f, m;
        if (sibling(t, r, key, CM_SEX_FEMALE, &f) != CM_OK ||
            sibling(t, r, key, CM_SEX_MALE, &m) != CM_OK)
            return CM_ERR_NOMEM;
        if (f == SIZE_MAX || m == SIZE_MAX || count[r] == count[f] + count[m])
            continue;
        char area[CM_QUOTE_SIZE], origin[CM_QUOTE_SIZE];
        const char *file = cm_table_source_name(t, r);
        cm_loc loc = {file ? file : ds->sources[CM_TABLE_STOCKS].name, t->line[r], 0};
        const char *ffile = cm_table_source_name(t, f);
        cm_diag_report(
            diag, CM_SEV_WARNING, &loc,
            "stock of %s in %" PRId32 " born in %s%s%s: T is %" PRId64 " but F + M is %" PRId64
            " + %" PRId64 " = %" PRId64 " (F row at %s:%" PRIu64 "); expected T = F + M",
            quoted_id(ds->pool, key[0].v.text, area, sizeof area), key[1].v.year,
            quoted_id(ds->pool, key[2].v.text, origin, sizeof origin),
            key[4].present ? ", aged " : "",
            key[4].present ? cm_strpool_str(ds->pool, key[4].v.text) : "", count[r], count[f],
            count[m], count[f] + count[m], ffile ? ffile : loc.file, t->line[f]);
    }
    return CM_OK;
}

/* A flows cell whose T differs from F + M in one direction. */
typedef struct sex_gap {
    const cm_flow_cell *t, *f, *m;
    int dir; /* 0 inflow, 1 outflow */
} sex_gap;

static uint64_t gap_line(const sex_gap *g)
{
    return g->dir ? g->t->out_line : g->t->in_line;
}

static uint16_t gap_source(const sex_gap *g)
{
    return g->dir ? g->t->out_source : g->t->in_source;
}

/* In the order of the T rows' places, then of the cells' keys: the same
   however the cells were read. */
static int cmp_gaps(const void *a, const void *b)
{
    const sex_gap *x = a, *y = b;
    if (gap_source(x) != gap_source(y))
        return gap_source(x) < gap_source(y) ? -1 : 1;
    if (gap_line(x) != gap_line(y))
        return gap_line(x) < gap_line(y) ? -1 : 1;
    if (x->t->year != y->t->year)
        return x->t->year < y->t->year ? -1 : 1;
    if (x->t->area != y->t->area)
        return x->t->area < y->t->area ? -1 : 1;
    if (x->t->kind != y->t->kind)
        return x->t->kind < y->t->kind ? -1 : 1;
    return x->dir - y->dir;
}

/* Flows: per area, year, kind and direction, T against F + M. */
static cm_status check_flow_sexes(const cm_dataset *ds, cm_diag *diag)
{
    const cm_flows *fl = ds->flows;
    sex_gap *gaps = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < fl->count; i++) {
        const cm_flow_cell *t = &fl->cells[i];
        if (t->sex != CM_SEX_TOTAL)
            continue;
        const cm_flow_cell *f =
            cm_flows_find(fl, t->area, t->year, (cm_kind)t->kind, CM_SEX_FEMALE);
        const cm_flow_cell *m = cm_flows_find(fl, t->area, t->year, (cm_kind)t->kind, CM_SEX_MALE);
        if (!f || !m)
            continue;
        for (int dir = 0; dir < 2; dir++) {
            bool all = dir ? t->out_rows && f->out_rows && m->out_rows
                           : t->in_rows && f->in_rows && m->in_rows;
            if (!all ||
                (dir ? t->outflow == f->outflow + m->outflow : t->inflow == f->inflow + m->inflow))
                continue;
            if (n == cap) {
                size_t grown = cap ? cap * 2 : 16;
                sex_gap *g = realloc(gaps, grown * sizeof *g);
                if (!g) {
                    free(gaps);
                    return CM_ERR_NOMEM;
                }
                gaps = g;
                cap = grown;
            }
            gaps[n++] = (sex_gap){t, f, m, dir};
        }
    }
    if (n)
        qsort(gaps, n, sizeof *gaps, cmp_gaps);
    for (size_t i = 0; i < n; i++) {
        const sex_gap *g = &gaps[i];
        char area[CM_QUOTE_SIZE];
        int64_t tv = g->dir ? g->t->outflow : g->t->inflow;
        int64_t fv = g->dir ? g->f->outflow : g->f->inflow;
        int64_t mv = g->dir ? g->m->outflow : g->m->inflow;
        cm_loc loc = {cm_flows_source_name(fl, gap_source(g)), gap_line(g), 0};
        cm_diag_report(
            diag, CM_SEV_WARNING, &loc,
            "%s of %s in %" PRId32 " (%s): T is %" PRId64 " but F + M is %" PRId64 " + %" PRId64
            " = %" PRId64 " (first F row at %s:%" PRIu64 "); expected T = F + M",
            g->dir ? "outflow" : "inflow", quoted_id(ds->pool, g->t->area, area, sizeof area),
            g->t->year, cm_enum_name(&cm_kind_enum, g->t->kind), tv, fv, mv, fv + mv,
            cm_flows_source_name(fl, g->dir ? g->f->out_source : g->f->in_source),
            g->dir ? g->f->out_line : g->f->in_line);
    }
    free(gaps);
    return CM_OK;
}

cm_status cm_check_sex_totals(const cm_dataset *ds, cm_table_id table, cm_diag *diag)
{
    if (table == CM_TABLE_STOCKS && ds->stocks)
        return check_stock_sexes(ds, diag);
    else if (table == CM_TABLE_FLOWS && ds->flows)
        return check_flow_sexes(ds, diag);
    return CM_OK;
}

static cm_status load(const char *dir, const cm_load_options *opts, cm_diag *diag, cm_dataset **out)
{
    static const cm_table_def *const defs[CM_TABLE_COUNT] = {&cm_areas_def, &cm_stocks_def,
                                                             &cm_flows_def, &cm_services_def};
    cm_loc loc = {dir, 0, 0};
    struct stat sb;
    cm_status st = CM_OK;

    *out = NULL;
    /* The path is written into reports and messages: it must be text. */
    if (!cm_input_path_ok(dir, "dataset", "rename it, or give a link to it with a UTF-8 name",
                          diag))
        return CM_ERR_NOINPUT;
    if (stat(dir, &sb) != 0) {
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "cannot open dataset: %s", strerror(errno));
        return CM_ERR_NOINPUT;
    }
    size_t dlen = strlen(dir);
    if (S_ISREG(sb.st_mode) && dlen > 4 && strcmp(dir + dlen - 4, ".csv") == 0) {
        cm_diag_report(diag, CM_SEV_ERROR, &loc,
                       "a CSV file, not a dataset: give the directory that holds it (a dataset "
                       "is a directory of areas.csv, stocks.csv, flows.csv, services.csv, or a "
                       "manifest such as dataset.ini)");
        return CM_ERR_NOINPUT;
    }
    if (!S_ISDIR(sb.st_mode) && !S_ISREG(sb.st_mode)) {
        cm_diag_report(diag, CM_SEV_ERROR, &loc,
                       "cannot read the dataset: it is %s; expected a directory holding "
                       "areas.csv, stocks.csv, flows.csv or services.csv, or a manifest",
                       cm_file_kind(sb.st_mode));
        return CM_ERR_NOINPUT;
    }

    cm_dataset *ds = calloc(1, sizeof *ds);
    if (!ds)
        return CM_ERR_NOMEM;
    *out = ds;
    ds->dir = strdup(dir);
    ds->pool = cm_strpool_new();
    ds->areas = cm_table_new(&cm_areas_def, ds->pool);
    ds->stocks = cm_table_new(&cm_stocks_def, ds->pool);
    ds->services = cm_table_new(&cm_services_def, ds->pool);
    ds->flows = cm_flows_new();
    if (!ds->dir || !ds->pool || !ds->areas || !ds->stocks || !ds->services || !ds->flows)
        return CM_ERR_NOMEM;
    if (opts->pairs && cm_flows_keep_pairs(ds->flows) != CM_OK)
        return CM_ERR_NOMEM;

    /* A manifest: the path itself, or dataset.ini in the directory. */
    char *manifest = NULL;
    if (S_ISREG(sb.st_mode)) {
        if (!(manifest = strdup(dir)))
            return CM_ERR_NOMEM;
    } else {
        /* Out of memory here must not pass for a directory without one. */
        char *ini = join(dir, "dataset.ini");
        if (!ini)
            return CM_ERR_NOMEM;
        if (stat(ini, &sb) == 0)
            manifest = ini;
        else
            free(ini);
    }
    if (manifest) {
        ds->manifest = manifest;
        cm_status loaded = cm_manifest_load(manifest, opts, diag, ds);
        /* The parents are checked whatever the tables came from. */
        if (loaded != CM_ERR_NOMEM && ds->sources[CM_TABLE_AREAS].present &&
            check_parents(ds, diag) != CM_OK)
            loaded = CM_ERR_NOMEM;
        return loaded;
    }

    int found = 0;
    for (int t = 0; t < CM_TABLE_COUNT; t++) {
        cm_source *src = &ds->sources[t];
        src->path = join(dir, table_files[t]);
        if (!src->path)
            return CM_ERR_NOMEM;
        /* lstat-free: a symbolic link to a table is followed, as a user expects. */
        if (stat(src->path, &sb) != 0) {
            int err = errno;
            /* A symbolic link to a missing file is a broken input, not an
               absent table. */
            if (err == ENOENT && lstat(src->path, &sb) != 0)
                continue;
            cm_loc floc = {src->path, 0, 0};
            bool dangling = err == ENOENT;
            if (dangling)
                cm_diag_report(diag, CM_SEV_ERROR, &floc,
                               "cannot open: No such file or directory (a symbolic link to a "
                               "missing file)");
            else
                cm_diag_report(diag, CM_SEV_ERROR, &floc, "cannot open: %s", strerror(err));
            src->present = true;
            src->status = CM_ERR_NOINPUT;
            st = cm_status_worse(st, CM_ERR_NOINPUT);
            found++;
            continue;
        }
        src->present = true;
        src->name = strdup(src->path);
        if (!src->name)
            return CM_ERR_NOMEM;
        found++;
        if (cm_diag_full(diag)) {
            src->skipped = true;
            continue;
        }
        cm_table *table = t == CM_TABLE_AREAS    ? ds->areas
                          : t == CM_TABLE_STOCKS ? ds->stocks
                          : t == CM_TABLE_FLOWS  ? NULL
                                                 : ds->services;
        /* The zones of each year: the areas read just before, at the finest
           level of the year. */
        if (t == CM_TABLE_FLOWS &&
            cm_flows_declare_zone_level(ds->flows, ds->areas, -1, false) != CM_OK)
            return CM_ERR_NOMEM;
        cm_status fst = cm_load_file(src->path, src->name, defs[t], ds->pool, table,
                                     t == CM_TABLE_FLOWS ? ds->flows : NULL, opts, diag, src);
        if (fst == CM_ERR_NOMEM)
            return CM_ERR_NOMEM;
        if (t == CM_TABLE_AREAS && check_parents(ds, diag) != CM_OK)
            return CM_ERR_NOMEM;
        if (cm_check_sex_totals(ds, (cm_table_id)t, diag) != CM_OK)
            return CM_ERR_NOMEM;
        st = cm_status_worse(st, fst);
    }
    if (found == 0) {
        cm_diag_report(diag, CM_SEV_ERROR, &loc,
                       "no tables: a dataset holds at least one of areas.csv, stocks.csv, "
                       "flows.csv, services.csv");
        return CM_ERR_NOINPUT;
    }
    return st;
}

cm_status cm_dataset_load(const char *dir, const cm_load_options *opts, cm_diag *diag,
                          cm_dataset **out)
{
    cm_status st = load(dir, opts, diag, out);
    /* Services are looked up by key while the indicators are computed. */
    if (*out && (*out)->services && cm_table_seal((*out)->services) != CM_OK)
        st = CM_ERR_NOMEM;
    /* However the flows were read, their cells in one order. */
    if (*out && (*out)->flows)
        cm_flows_sort((*out)->flows);
    return st;
}
