/*
 * fuzz_loader.c - a table loader, then the indicators and the rules over
 * whatever it accepted. The first byte chooses the table; the rest is its
 * CSV text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "citymig/dataset.h"
#include "citymig/indicators.h"
#include "citymig/rules.h"

static cm_status fwd_field(void *ctx, size_t index, const char *s, size_t len,
                           const cm_csv_pos *pos)
{
    return cm_loader_field(ctx, index, s, len, pos);
}

static cm_status fwd_record(void *ctx, size_t nfields, const cm_csv_pos *start)
{
    return cm_loader_record(ctx, nfields, start);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const cm_table_def *const defs[] = {&cm_areas_def, &cm_stocks_def, &cm_flows_def,
                                               &cm_services_def};
    int t = data[0] % 4;
    bool keep_going = data[0] & 4;
    cm_diag diag;
    cm_diag_init(&diag, NULL, NULL, 0);
    cm_dataset *ds = calloc(1, sizeof *ds);
    if (!ds)
        return 0;
    ds->pool = cm_strpool_new();
    ds->areas = cm_table_new(&cm_areas_def, ds->pool);
    ds->stocks = cm_table_new(&cm_stocks_def, ds->pool);
    ds->services = cm_table_new(&cm_services_def, ds->pool);
    ds->flows = cm_flows_new();
    cm_table *tables[] = {ds->areas, ds->stocks, NULL, ds->services};
    cm_load_options lo = {0};
    lo.keep_going = keep_going;
    lo.csv.max_field = 4096;
    cm_loader *l = cm_loader_new(defs[t], "f", ds->pool, tables[t], t == 2 ? ds->flows : NULL, &lo,
                                 &diag, &ds->sources[t]);
    cm_csv_handler h = {fwd_field, fwd_record, NULL};
    cm_csv *csv = cm_csv_new(&lo.csv, &h, l, &diag, "f");
    cm_status st = cm_csv_feed(csv, data + 1, size - 1);
    if (st == CM_OK)
        st = cm_csv_finish(csv);
    cm_csv_free(csv);
    cm_loader_end(l, st);
    cm_loader_free(l);

    /* Whatever was accepted goes through the indicators and the rules. */
    cm_results res;
    cm_indicator_options io = {data[0] >> 4, 0, 0, 0, false};
    if (cm_indicators_compute(ds, &io, &res) == CM_OK) {
        for (size_t i = 0; i < res.count; i++) {
            double v = res.items[i].value;
            if (v != v || v - v != 0) /* a NaN or an infinity escaped */
                abort();
        }
        cm_rules rules;
        if (cm_rules_load_default(&diag, &rules) == CM_OK) {
            cm_hit *hits;
            size_t n;
            if (cm_rules_apply(&rules, &res, &hits, &n) == CM_OK)
                free(hits);
            cm_rules_free(&rules);
        }
        cm_results_free(&res);
    }
    cm_dataset_free(ds);
    return 0;
}
