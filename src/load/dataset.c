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

void cm_dataset_free(cm_dataset *ds)
{
    if (!ds)
        return;
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

/* The worse of two statuses, for the dataset's overall result. */
static cm_status worse(cm_status a, cm_status b)
{
    static const int rank[CM_STATUS_COUNT] = {
        [CM_OK] = 0,        [CM_ERR_DATA] = 1,      [CM_ERR_NOINPUT] = 2,
        [CM_ERR_IO] = 3,    [CM_ERR_INTERNAL] = 4,  [CM_ERR_NOMEM] = 5,
        [CM_ERR_USAGE] = 1, [CM_ERR_CANTCREAT] = 3, [CM_ERR_CHECK] = 1,
    };
    return rank[b] > rank[a] ? b : a;
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
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%s (line %" PRIu64 ")",
                                  missing > 1 ? ", " : "", cm_quote(q, sizeof q, id, strlen(id)),
                                  t->line[r]);
        }
    }
    if (missing) {
        cm_loc loc = {ds->sources[CM_TABLE_AREAS].name, first_line, 0};
        cm_diag_report(
            diag, CM_SEV_NOTE, &loc,
            "%zu %s of areas.csv: %s%s; indicators set against a parent will be "
            "missing for %s",
            missing, missing == 1 ? "parent_id is not an area_id" : "parent_ids are not area_ids",
            list, missing > SHOWN ? ", ..." : "", missing == 1 ? "its children" : "their children");
    }
    free(is_area);
    free(seen);
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
                       "not a directory nor a manifest: a dataset is a directory holding "
                       "areas.csv, stocks.csv, flows.csv or services.csv, or a manifest");
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

    /* A manifest: the path itself, or dataset.ini in the directory. */
    char *manifest = NULL;
    if (S_ISREG(sb.st_mode)) {
        manifest = strdup(dir);
    } else {
        char *ini = join(dir, "dataset.ini");
        if (ini && stat(ini, &sb) == 0)
            manifest = ini;
        else
            free(ini);
    }
    if (manifest) {
        ds->manifest = manifest;
        return cm_manifest_load(manifest, opts, diag, ds);
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
            st = worse(st, CM_ERR_NOINPUT);
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
        cm_status fst = cm_load_file(src->path, src->name, defs[t], ds->pool, table,
                                     t == CM_TABLE_FLOWS ? ds->flows : NULL, opts, diag, src);
        if (fst == CM_ERR_NOMEM)
            return CM_ERR_NOMEM;
        if (t == CM_TABLE_AREAS && check_parents(ds, diag) != CM_OK)
            return CM_ERR_NOMEM;
        st = worse(st, fst);
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
    /* However the flows were read, their cells in one order. */
    if (*out && (*out)->flows)
        cm_flows_sort((*out)->flows);
    return st;
}
