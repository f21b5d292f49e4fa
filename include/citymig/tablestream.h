/*
 * tablestream.h - the indicators command's outputs written as the results
 * are computed: the long table, and with --hits the rule hits, each into
 * its temporary file, committed together at the end (cm_outfile).
 *
 * cm_tablestream_sink is a cm_results_sink: each batch's rules are applied
 * and its rows written, so only the results that hit a rule are kept (for
 * the hits table and the JSON form's rule_hits). Memory grows with the
 * hits, never with the results.
 */
#ifndef CITYMIG_TABLESTREAM_H
#define CITYMIG_TABLESTREAM_H

#include <stdbool.h>

#include "citymig/diag.h"
#include "citymig/indicators.h"
#include "citymig/longtable.h"
#include "citymig/outfile.h"
#include "citymig/rules.h"

typedef struct cm_tablestream {
    const cm_rules *rules;
    cm_outfile table, hits_file;
    bool with_hits;
    cm_longtable *lt;
    bool raw_text;
    cm_results kept; /* copies of the results that hit a rule */
    cm_hit *hits;    /* hits[i].result: an index in kept */
    size_t nhits, cap;
} cm_tablestream;

/*
 * Opens the table at table_path and, unless hits_path is NULL, the hits at
 * hits_path; pool is the dataset's. On failure reports through diag and
 * returns its status (nothing is left behind).
 */
cm_status cm_tablestream_open(cm_tablestream *ts, const char *table_path, const char *hits_path,
                              cm_format format, const char *dataset, const cm_rules *rules,
                              cm_strpool *pool, unsigned threads, bool raw_text, cm_diag *diag);

/* The sink (ctx: a cm_tablestream): CM_ERR_NOMEM, CM_ERR_IO (a write
   failed: the computation stops, and commit reports it), or CM_OK. */
cm_status cm_tablestream_sink(void *ctx, const cm_results *batch);

/*
 * Ends the outputs. With st CM_OK: the tables finished and committed
 * together (CM_ERR_IO reported when a write failed). Otherwise both are
 * abandoned and st returned. Frees what ts holds either way.
 */
cm_status cm_tablestream_commit(cm_tablestream *ts, cm_status st, cm_diag *diag);

#endif
