/*
 * compute.c - evaluates the indicator catalogue over a dataset, area by
 * area in the order of the results: the system level first, then each
 * area_id in byte order, every scope's work of that area together (see
 * engine.h). The results go to the caller's sink in batches of whole
 * areas, already in order, so no more than one batch is held.
 */
#include <stdlib.h>
#include <string.h>

#include "citymig/bigmem.h"
#include "engine.h"

enum {
    BATCH_RESULTS = 65536, /* a batch goes to the sink once it holds this many */
    SCOPES = 6
};

/* The areas' work done: the last area's results into order; the batch to
   the sink when full (or when last). */
static void end_area(engine *e, sorter *so, size_t from, bool last, cm_results_sink sink, void *ctx)
{
    if (e->status != CM_OK)
        return;
    e->status = sort_segment(so, e->out, from, e->rank);
    if (e->status == CM_OK && (last || e->out->count >= BATCH_RESULTS) && e->out->count) {
        e->status = sink(ctx, e->out);
        e->out->count = 0;
    }
}

static cm_status run(engine *e, cm_results_sink sink, void *ctx)
{
    walker w[SCOPES] = {{0}};
    cm_status (*const make[SCOPES])(engine *, walker *) = {areas_walker,  segregation_walker,
                                                           parts_walker,  flows_walker,
                                                           stocks_walker, services_walker};
    sorter so = {0};
    for (size_t i = 0; i < SCOPES && e->status == CM_OK; i++)
        e->status = make[i](e, &w[i]);
    /* The system level (area 0, ranked first). */
    if (e->status == CM_OK)
        eval_systems(e);
    end_area(e, &so, 0, false, sink, ctx);
    while (e->status == CM_OK) {
        uint32_t next = UINT32_MAX;
        for (size_t i = 0; i < SCOPES; i++) {
            uint32_t r = w[i].next(e, w[i].plan);
            next = r < next ? r : next;
        }
        if (next == UINT32_MAX)
            break;
        size_t from = e->out->count;
        for (size_t i = 0; i < SCOPES && e->status == CM_OK; i++)
            if (w[i].next(e, w[i].plan) == next)
                w[i].eval(e, w[i].plan);
        end_area(e, &so, from, false, sink, ctx);
    }
    end_area(e, &so, e->out->count, true, sink, ctx);
    for (size_t i = 0; i < SCOPES; i++)
        if (w[i].free)
            w[i].free(w[i].plan);
    sorter_free(&so);
    return e->status;
}

cm_status cm_indicators_stream(const cm_dataset *ds, const cm_indicator_options *opts,
                               cm_results_sink sink, void *ctx)
{
    cm_results batch = {0};
    batch.pool = ds->pool;
    engine *e = calloc(1, sizeof *e);
    uint32_t *rank = string_ranks(ds->pool);
    if (!e || !rank) {
        free(e);
        free(rank);
        return CM_ERR_NOMEM;
    }
    e->ds = ds;
    e->opts = opts;
    e->out = &batch;
    age_order_ranks(ds, rank);
    e->rank = rank;
    /* Growth reads the flows' nets, so the flows are resolved first. */
    e->status = flowcells_build(e);
    cm_status st = e->status == CM_OK ? run(e, sink, ctx) : e->status;
    flowcells_free(e->fc);
    free(e);
    free(rank);
    cm_results_free(&batch);
    return st;
}

/* The sink of cm_indicators_compute: every batch appended. */
static cm_status append(void *ctx, const cm_results *batch)
{
    cm_results *out = ctx;
    if (out->count + batch->count > out->cap) {
        size_t cap = out->cap ? out->cap : CM_BIG_GRAIN / sizeof *out->items;
        while (cap < out->count + batch->count)
            cap *= 2;
        cm_result *items =
            cap <= SIZE_MAX / 2 / sizeof *items
                ? cm_big_realloc(out->items, out->cap * sizeof *items, cap * sizeof *items)
                : NULL;
        if (!items)
            return CM_ERR_NOMEM;
        out->items = items;
        out->cap = cap;
    }
    memcpy(out->items + out->count, batch->items, batch->count * sizeof *batch->items);
    out->count += batch->count;
    return CM_OK;
}

cm_status cm_indicators_compute(const cm_dataset *ds, const cm_indicator_options *opts,
                                cm_results *out)
{
    memset(out, 0, sizeof *out);
    out->pool = ds->pool;
    cm_status st = cm_indicators_stream(ds, opts, append, out);
    if (st != CM_OK)
        cm_results_free(out);
    return st;
}

void cm_results_free(cm_results *results)
{
    cm_big_free(results->items, results->cap * sizeof *results->items);
    results->items = NULL;
    results->count = results->cap = 0;
}
