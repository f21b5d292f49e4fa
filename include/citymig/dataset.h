/*
 * dataset.h - a dataset: the four input tables of one directory, loaded and
 * checked.
 *
 * A dataset directory holds any of areas.csv, stocks.csv, flows.csv and
 * services.csv (SPEC 1). Loading reads each file that is present, checks
 * every value, and reports every problem through the cm_diag, in file order
 * and line order, until the diag's error limit is reached. The dataset owns
 * its string pool, tables and flow aggregate; cm_dataset_free frees them.
 */
#ifndef CITYMIG_DATASET_H
#define CITYMIG_DATASET_H

#include <stdbool.h>
#include <stdint.h>

#include "citymig/csvread.h"
#include "citymig/diag.h"
#include "citymig/flows.h"
#include "citymig/status.h"
#include "citymig/strpool.h"
#include "citymig/table.h"

typedef enum cm_table_id {
    CM_TABLE_AREAS,
    CM_TABLE_STOCKS,
    CM_TABLE_FLOWS,
    CM_TABLE_SERVICES,
    CM_TABLE_COUNT
} cm_table_id;

/** Tolerance of the age-group check: the groups may exceed the population by
    at most this fraction of it (rounding in published estimates). */
#define CM_AGE_SUM_TOLERANCE 0.01

typedef struct cm_load_options {
    bool strict;     /* unknown columns are errors, not notes */
    bool keep_going; /* row problems are warnings: bad rows skipped, rows failing a
                        cross-field check kept and flagged inconsistent */
    bool digest;     /* compute each input's SHA-256 while reading it */
    /* Called after each chunk read: the file, bytes read and its size (0 if
       unknown), rows so far. Optional. */
    void (*progress)(void *ctx, const char *file, uint64_t done, uint64_t size, uint64_t rows);
    void *progress_ctx;
    cm_csv_options csv;    /* delimiter, quote, caps */
    unsigned threads;      /* threads reading flows.csv; 0 or 1: the calling thread alone */
    size_t flows_min_part; /* the smallest part of flows.csv given a thread; 0: 1 MiB */
    size_t flows_chunk;    /* bytes of flows.csv a thread reads at a time; 0: 256 KiB */
    /* A manifest may name files outside its own folder (an absolute path,
       ".." or a symbolic link leading out): --allow-outside-files. */
    bool allow_outside_files;
    /* Keep the flows by origin and destination (pairs.h), for the measures
       of who exchanges with whom: flows.csv is then read by the checked
       reader on one thread, and memory grows with the distinct pairs. */
    bool pairs;
} cm_load_options;

/** What loading one input file found. */
/** Which file was read, as the system names it. */
typedef struct cm_file_id {
    uint64_t dev, ino, size;
    int64_t mtime_sec, mtime_nsec;
} cm_file_id;

typedef struct cm_source {
    bool present;           /* the file exists in the dataset */
    bool skipped;           /* not read: the error limit was reached first */
    char *path;             /* as opened */
    char *name;             /* as shown in messages (dataset/areas.csv) */
    cm_status status;       /* CM_OK, or why reading stopped */
    cm_csv_stats csv;       /* bytes, lines, records */
    uint64_t rows;          /* data rows read (not the header) */
    uint64_t rows_rejected; /* rows with an error */
    uint64_t duplicates_merged;
    uint64_t errors; /* errors reported for this file */
    char sha256[65]; /* hex digest of the file, when asked for; else "" */
    uint64_t unknown_columns;
    /* Read in parts on several threads, the file's digest was left for
       later (cm_source_digest): sha256 is "" and file_id names the file. */
    bool sha256_later;
    cm_file_id file_id;
} cm_source;

/*
 * The SHA-256 of a source whose digest was left for later, read from the
 * file again: it must be the file that was read (same device, inode, size
 * and modification time, before and after). Writes the hex digest to hex.
 * Returns CM_OK; CM_ERR_NOINPUT with the reason in why (the file changed
 * or cannot be read); CM_ERR_NOMEM. Safe to call on a thread of its own.
 */
cm_status cm_source_digest(const cm_source *src, char hex[65], char *why, size_t why_size);

/** One file read through a manifest (a table may have several). */
typedef struct cm_input {
    char *path;    /* as shown in messages */
    char *section; /* the manifest's section */
    cm_table_id table;
    uint64_t bytes;
    uint64_t lines;
    uint64_t records;   /* data records read (after header_line) */
    uint64_t filtered;  /* dropped by keep_if / skip_if */
    uint64_t deduped;   /* dropped as identical to an earlier row */
    uint64_t rounded;   /* values rounded to whole numbers (round.COLUMN) */
    uint64_t rows;      /* rows handed to the table (unpivot makes several) */
    uint64_t unmatched; /* joined rows that matched no row */
    uint64_t flags[26]; /* values with each status flag, a to z (flags = yes) */
    bool lookup;        /* a lookup file (map.COLUMN = @FILE), not a source of rows */
    char sha256[65];
} cm_input;

/*
 * How a dataset, or one of its tables, is cited: the manifest's source,
 * publisher, url, licence and citation keys ([dataset] for the whole, a
 * table's section for its table). Each is NULL when not given.
 */
typedef struct cm_citation {
    char *source;    /* what the data is, as its publisher names it */
    char *publisher; /* who released it */
    char *url;       /* where it is published */
    char *licence;   /* the terms it is released under */
    char *citation;  /* the reference, as the publisher asks to be cited */
} cm_citation;

/** A note on an area's figures ([dataset] note.AREA_ID): a definition that
    differs from the others', as the publisher states it. */
typedef struct cm_area_note {
    char *area; /* the area_id */
    char *text;
} cm_area_note;

typedef struct cm_dataset {
    char *dir;
    char *manifest;         /* the manifest's path, or NULL for a plain directory */
    char *title;            /* [dataset] title, or NULL */
    int32_t reference_year; /* [dataset] reference_year: the year the report is about; 0: none */
    cm_citation cite;       /* [dataset] */
    cm_area_note *notes;    /* [dataset] note.AREA_ID, in the manifest's order */
    size_t nnotes;
    cm_citation table_cite[CM_TABLE_COUNT]; /* each table's section */
    char manifest_sha256[65];
    cm_input *inputs; /* files read through the manifest */
    size_t ninputs;
    cm_strpool *pool;
    cm_table *areas;
    cm_table *stocks;
    cm_table *services;
    cm_flows *flows;
    cm_source sources[CM_TABLE_COUNT];
} cm_dataset;

/** The file name of a table ("areas.csv"). */
const char *cm_table_file(cm_table_id id);

/*
 * Loads the dataset in directory dir. On return *out holds whatever was
 * loaded, even on error (for a summary), unless it is CM_ERR_NOMEM with
 * *out NULL; free it with cm_dataset_free. Returns CM_OK when every file
 * was read without error, CM_ERR_NOINPUT when dir is missing, is not UTF-8,
 * holds no table, or a file cannot be read or is not a regular file,
 * CM_ERR_DATA when a value or structure is invalid (the worst status wins:
 * NOMEM, then NOINPUT, then DATA).
 */
cm_status cm_dataset_load(const char *dir, const cm_load_options *opts, cm_diag *diag,
                          cm_dataset **out);

/** Frees a dataset; NULL is a no-op. */
void cm_dataset_free(cm_dataset *ds);

/*
 * Loads one table file into a table or, for flows, into a flow aggregate
 * (exactly one of table and flows is non-NULL). Used by cm_dataset_load and
 * the tests. src receives the counts.
 */
cm_status cm_load_file(const char *path, const char *name, const cm_table_def *def,
                       cm_strpool *pool, cm_table *table, cm_flows *flows,
                       const cm_load_options *opts, cm_diag *diag, cm_source *src);

/*
 * The checks of a loaded table across its rows, totals against sexes:
 * where a total (sex T) and both F and M are given, T must be F + M. For
 * stocks, per area, year and origin; for flows, per area, year, kind and
 * direction (inflow, outflow: the sums of their rows). Each difference is a
 * warning at the T row (for flows, the first row of the T sum) naming an F
 * row and the three numbers. Other tables have nothing to check. Returns
 * CM_ERR_NOMEM or CM_OK.
 */
cm_status cm_check_sex_totals(const cm_dataset *ds, cm_table_id table, cm_diag *diag);

/*
 * The loader itself, for inputs that are not one CSV file (manifests): it
 * takes a header record of canonical column names, then records of fields,
 * each with its place, exactly as the CSV reader would hand them over.
 */
typedef struct cm_loader cm_loader;

/** A loader for one table, as cm_load_file uses; name appears in messages. */
cm_loader *cm_loader_new(const cm_table_def *def, const char *name, cm_strpool *pool,
                         cm_table *table, cm_flows *flows, const cm_load_options *opts,
                         cm_diag *diag, cm_source *src);

/** One field of the current record (the first record is the header). */
cm_status cm_loader_field(cm_loader *loader, size_t index, const char *s, size_t len,
                          const cm_csv_pos *pos);

/*
 * As cm_loader_field, for a value the manifest changed (a scale, a
 * thousands separator, a decimal mark): a message about it quotes the value
 * as its file writes it (written) and says how it became s (how, such as
 * 'scale.population = 1000 makes it "0.5"'). Both are borrowed for the call.
 */
cm_status cm_loader_field_as_written(cm_loader *loader, size_t index, const char *s, size_t len,
                                     const char *written, const char *how, const cm_csv_pos *pos);

/** The end of a record of nfields fields. */
cm_status cm_loader_record(cm_loader *loader, size_t nfields, const cm_csv_pos *start);

/** The CSV reader's callbacks feeding a loader: pass the cm_loader as ctx. */
cm_csv_handler cm_loader_csv_handler(void);

/** True once the header record has been taken. */
bool cm_loader_has_header(const cm_loader *loader);

/*
 * Once the header is taken: for each of its ncols fields, the schema column
 * it feeds, or -1 for a column that is not used.
 */
const int *cm_loader_column_map(const cm_loader *loader, size_t *ncols);

/** Ends the input: the checks of an empty file; returns the table's status. */
cm_status cm_loader_end(cm_loader *loader, cm_status read_status);

/* Records of the input that a manifest's filters dropped before they
   reached the loader: a table left with no rows says so, not "header
   only". */
void cm_loader_filtered(cm_loader *loader, uint64_t records);

void cm_loader_free(cm_loader *loader);

#endif
