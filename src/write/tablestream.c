/*
 * tablestream.c - the long table and its rule hits, written batch by batch
 * as the results are computed (see tablestream.h).
 */
#include "citymig/tablestream.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

cm_status cm_tablestream_open(cm_tablestream *ts, const char *table_path, const char *hits_path,
                              cm_format format, const char *dataset, const cm_rules *rules,
                              cm_strpool *pool, unsigned threads, bool raw_text, cm_diag *diag)
{
    memset(ts, 0, sizeof *ts);
    ts->rules = rules;
    ts->raw_text = raw_text;
    ts->kept.pool = pool;
    cm_status st = cm_outfile_open(&ts->table, table_path, diag);
    if (st != CM_OK)
        return st;
    if (hits_path) {
        st = cm_outfile_open(&ts->hits_file, hits_path, diag);
        if (st != CM_OK) {
            cm_outfile_abort(&ts->table);
            return st;
        }
        ts->with_hits = true;
    }
    ts->lt = cm_longtable_begin(ts->table.fp, format, dataset, rules, threads, raw_text);
    if (!ts->lt) {
        cm_outfile_abort(&ts->table);
        if (ts->with_hits)
            cm_outfile_abort(&ts->hits_file);
        return CM_ERR_NOMEM;
    }
    return CM_OK;
}

/* Keeps a copy of a result that hit a rule; its index in kept. */
static bool keep(cm_tablestream *ts, const cm_result *r, size_t *at)
{
    cm_results *k = &ts->kept;
    if (k->count == k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 64;
        cm_result *items = realloc(k->items, cap * sizeof *items);
        if (!items)
            return false;
        k->items = items;
        k->cap = cap;
    }
    k->items[k->count] = *r;
    *at = k->count++;
    return true;
}

cm_status cm_tablestream_sink(void *ctx, const cm_results *batch)
{
    cm_tablestream *ts = ctx;
    cm_hit *hits = NULL;
    size_t nhits = 0;
    cm_status st = cm_rules_apply(ts->rules, batch, &hits, &nhits);
    if (st != CM_OK)
        return st;
    if (cm_longtable_rows(ts->lt, batch, hits, nhits) != 0) {
        ts->table.err = errno;
        free(hits);
        return CM_ERR_IO;
    }
    if (ts->nhits + nhits > ts->cap) {
        size_t cap = ts->cap ? ts->cap : 64;
        while (cap < ts->nhits + nhits)
            cap *= 2;
        cm_hit *grown = realloc(ts->hits, cap * sizeof *grown);
        if (!grown) {
            free(hits);
            return CM_ERR_NOMEM;
        }
        ts->hits = grown;
        ts->cap = cap;
    }
    /* Hits come in result order: a result that hits two rules is kept once;
       a second condition's result is kept with the hit. */
    size_t at = 0;
    for (size_t i = 0; i < nhits; i++) {
        size_t also = CM_HIT_NONE;
        if (((i == 0 || hits[i].result != hits[i - 1].result) &&
             !keep(ts, &batch->items[hits[i].result], &at)) ||
            (hits[i].also != CM_HIT_NONE && !keep(ts, &batch->items[hits[i].also], &also))) {
            free(hits);
            return CM_ERR_NOMEM;
        }
        ts->hits[ts->nhits++] = (cm_hit){hits[i].rule, at, also};
    }
    free(hits);
    return CM_OK;
}

static void release(cm_tablestream *ts)
{
    free(ts->kept.items);
    free(ts->hits);
    ts->kept.items = NULL;
    ts->hits = NULL;
}

cm_status cm_tablestream_commit(cm_tablestream *ts, cm_status st, cm_diag *diag)
{
    if (st == CM_OK || st == CM_ERR_IO) {
        if (cm_longtable_end(ts->lt, &ts->kept, ts->hits, ts->nhits) != 0 && !ts->table.err)
            ts->table.err = errno;
        if (ts->with_hits && cm_hits_write_csv(ts->hits_file.fp, &ts->kept, ts->rules, ts->hits,
                                               ts->nhits, ts->raw_text) != 0)
            ts->hits_file.err = errno;
        release(ts);
        /* Both synced first, then renamed together: a failure or a signal
           leaves both earlier files, or (once renamed) both new ones. */
        cm_outfile *both[2] = {&ts->table, &ts->hits_file};
        return cm_outfile_commit_all(both, ts->with_hits ? 2 : 1, diag);
    }
    cm_longtable_abort(ts->lt);
    cm_outfile_abort(&ts->table);
    if (ts->with_hits)
        cm_outfile_abort(&ts->hits_file);
    release(ts);
    return st;
}
