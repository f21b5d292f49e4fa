/*
 * compute.c - evaluates the indicator catalogue over a dataset: each scope
 * in turn (see engine.h), then the results in their order.
 */
#include <stdlib.h>
#include <string.h>

#include "citymig/bigmem.h"
#include "engine.h"

cm_status cm_indicators_compute(const cm_dataset *ds, const cm_indicator_options *opts,
                                cm_results *out)
{
    memset(out, 0, sizeof *out);
    out->pool = ds->pool;
    engine *e = calloc(1, sizeof *e);
    if (!e)
        return CM_ERR_NOMEM;
    e->ds = ds;
    e->opts = opts;
    e->out = out;
    e->status = flowcells_build(e);
    /* Growth reads the flows' nets, so the flows are resolved first. */
    if (e->status == CM_OK)
        eval_areas(e);
    if (e->status == CM_OK)
        eval_flows(e);
    if (e->status == CM_OK)
        eval_systems(e);
    if (e->status == CM_OK)
        eval_stocks(e);
    if (e->status == CM_OK)
        eval_services(e);
    cm_status st = e->status;
    flowcells_free(e->fc);
    free(e);
    if (st == CM_OK)
        st = sort_results(out, ds->pool);
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
