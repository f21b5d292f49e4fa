/*
 * summary.h - the human-readable load report of a dataset: per table, the
 * rows read and what they hold (areas, years, flows by kind, stayers, ...).
 *
 * cm_summary_build (src/load/summary.c) gathers the figures from a loaded
 * dataset; cm_summary_write (src/write/summary.c) prints them as validate
 * shows them.
 */
#ifndef CITYMIG_SUMMARY_H
#define CITYMIG_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "citymig/dataset.h"

/* What became of a table. */
typedef enum cm_summary_state {
    CM_SUMMARY_ABSENT,     /* no such file, or not in the manifest */
    CM_SUMMARY_SKIPPED,    /* not checked: the error limit was reached first */
    CM_SUMMARY_UNREADABLE, /* the file could not be read */
    CM_SUMMARY_READ,       /* read: the figures below */
} cm_summary_state;

typedef struct cm_summary_table {
    const char *label; /* its file, or under a manifest its name */
    cm_summary_state state;
    uint64_t rows, rejected, merged; /* data rows, rows rejected, exact duplicates merged */
    /* The distinct values of the rows kept, when counted: not when the table
       kept no rows (flows are counted even then), nor without the memory. */
    bool counted;
    size_t areas;  /* distinct areas; of flows, destinations */
    size_t others; /* distinct origins of stocks or of flows, services of services */
    size_t years;  /* distinct years, from year_min to year_max */
    int32_t year_min, year_max;
    size_t levels[CM_LEVEL_COUNT]; /* areas: rows by level */
} cm_summary_table;

typedef struct cm_summary {
    const char *dir;
    const char *title;    /* [dataset] title, or NULL */
    const char *manifest; /* or NULL for a plain directory */
    size_t ninputs;       /* files read through the manifest, lookup files aside */
    size_t nlookups;      /* lookup files (map.COLUMN = @FILE) */
    cm_summary_table tables[CM_TABLE_COUNT];
    const cm_flows_stats *flows; /* rows and moves by kind, stayers */
} cm_summary;

/*
 * Gathers the summary of ds. Distinct values are counted with one bit per
 * interned string and per possible year: memory in proportion to the
 * dataset's distinct values, never its rows. Strings are borrowed from ds.
 */
void cm_summary_build(const cm_dataset *ds, cm_summary *out);

/** Writes the summary of ds (through a cm_writer); returns 0, or -1 with
    errno set when a write failed. */
int cm_summary_write(const cm_dataset *ds, FILE *out);

#endif
