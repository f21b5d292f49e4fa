/*
 * longtable.h - the indicators as a long table (SPEC 4.2), in CSV or JSON.
 *
 * One row per area, year, base year, kind, service, origin and indicator:
 * value, unit, numerator, denominator, flag, reason, and the rules the value
 * hits. Numbers are written in the shortest form that reads back exactly.
 * An empty value (any flag but ok and published) is an empty CSV field or
 * JSON null, never 0, NaN or Inf. The rule hits can also be written as a
 * table of their own.
 *
 * In CSV, a text field that begins with '=', '+', '-', '@', TAB or CR (a
 * spreadsheet would take it for a formula: CSV injection) is written with
 * a leading "'" inside a quoted field, as OWASP recommends, unless
 * raw_text; numbers are never changed. JSON is always the text as it is.
 */
#ifndef CITYMIG_LONGTABLE_H
#define CITYMIG_LONGTABLE_H

#include <stdbool.h>
#include <stdio.h>

#include "citymig/indicators.h"
#include "citymig/rules.h"

typedef enum cm_format { CM_FORMAT_CSV, CM_FORMAT_JSON } cm_format;

/*
 * Writes the results with their rule hits (hits sorted by result, as
 * cm_rules_apply gives them). dataset names the input in the JSON form.
 * threads: 2 or more lets a second thread format half of a long table
 * (the bytes are the same). raw_text: CSV text fields as they are (see
 * above). Returns 0, or -1 when a write failed, with errno saying why.
 */
int cm_longtable_write(FILE *out, cm_format format, const char *dataset, const cm_results *results,
                       const cm_rules *rules, const cm_hit *hits, size_t nhits, unsigned threads,
                       bool raw_text);

/*
 * The same table written as it is computed, batch by batch (see
 * cm_indicators_stream): begin, rows for each batch in order, then end.
 * The bytes are those of cm_longtable_write over the batches together.
 */
typedef struct cm_longtable cm_longtable;

/* Begins a table on out (its header, or the JSON form's opening); NULL
   when out of memory. */
cm_longtable *cm_longtable_begin(FILE *out, cm_format format, const char *dataset,
                                 const cm_rules *rules, unsigned threads, bool raw_text);

/* The rows of one batch, with its hits (hits[i].result an index in batch,
   sorted). Returns 0, or -1 with errno set: the table stops at the first
   failed write. */
int cm_longtable_rows(cm_longtable *lt, const cm_results *batch, const cm_hit *hits, size_t nhits);

/* Ends the table and frees lt: the JSON form's rule hits are hits, their
   results in hit_results. Returns 0, or -1 with errno set. */
int cm_longtable_end(cm_longtable *lt, const cm_results *hit_results, const cm_hit *hits,
                     size_t nhits);

/* Frees a table that will not be ended (its output is being abandoned). */
void cm_longtable_abort(cm_longtable *lt);

/* Writes the rule hits alone as CSV (raw_text as above). Returns 0, or -1
   with errno set. */
int cm_hits_write_csv(FILE *out, const cm_results *results, const cm_rules *rules,
                      const cm_hit *hits, size_t nhits, bool raw_text);

#endif
