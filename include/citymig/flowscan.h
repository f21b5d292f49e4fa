/*
 * flowscan.h - the fast reader of flows.csv: the file split into parts at
 * record boundaries, each part parsed by its own libcsv parser on its own
 * thread, the per-thread sums merged.
 *
 * It is exact or it declines. It takes a file only when every byte is one
 * the checked reader (loader.c over csvread.c) would accept without a word:
 * clean bytes (bytescan.h), a header the loader accepts, every row whole and
 * every value valid, no sum past 2^53, at least one data row. Anything else,
 * down to a single stray space, and it declines without having reported or
 * changed anything; the caller then reads the file with the checked reader,
 * which finds and reports the problem with its line and column. Either way
 * the dataset ends up the same, byte for byte: the same strings interned in
 * the same order, the same flow cells and statistics, the same messages.
 *
 * Splitting: part k starts just after the first LF past k/N of the file.
 * Whether that LF really ends a record (it may sit inside a quoted field) is
 * known only once part k-1 has been scanned; if it did not, part k is read
 * again, sequentially, by the parser of part k-1.
 */
#ifndef CITYMIG_FLOWSCAN_H
#define CITYMIG_FLOWSCAN_H

#include <stdbool.h>

#include "citymig/dataset.h"

/*
 * Reads flows file path (shown as name) into flows and src, interning area
 * ids in pool, with up to opts->threads threads. Returns true when it took
 * the file (src->status then says how it went), false when it declined and
 * the checked reader must read it.
 */
bool cm_flowscan_load(const char *path, const char *name, cm_strpool *pool, cm_flows *flows,
                      const cm_load_options *opts, cm_diag *diag, cm_source *src);

/** The number of threads to use by default: the processors this process may run on. */
unsigned cm_flowscan_default_threads(void);

#endif
