/*
 * manifest_internal.h - what the parts of the manifest reader share.
 *
 * A manifest is read in this order, one file a step:
 *
 *   manifest_keys.c    the manifest's lines, through inih, into sources
 *   manifest_cite.c    the citation and note keys
 *   manifest_header.c  each source's file located, its header read and
 *                      every name the manifest gives it resolved
 *   manifest_read.c    each source's records read (decode.c for another
 *                      encoding), built into canonical rows
 *   manifest_rows.c    a record's values: filters, mapping, joins
 *   manifest_values.c  one value: missing tokens, value maps, status flags,
 *                      numbers, periods
 *   manifest.c         the whole: tables loaded in order, zones declared
 *
 * Every message about the manifest names its line (mf_err).
 */
#ifndef CITYMIG_MANIFEST_INTERNAL_H
#define CITYMIG_MANIFEST_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "citymig/csvread.h"
#include "citymig/dataset.h"
#include "citymig/manifest.h"
#include "citymig/strpool.h"

enum { MAX_COLS = CM_TABLE_MAX_COLS, MAX_FILTERS = 16, MAX_SPLITS = 4 };

/* The keys that say how the data is cited, in a cm_citation's order;
   "license" is another spelling of "licence". */
enum { CITE_SOURCE, CITE_PUBLISHER, CITE_URL, CITE_LICENCE, CITE_CITATION, CITE_COUNT };

typedef enum map_kind {
    MAP_NONE,
    MAP_COLUMN,
    MAP_TEMPLATE,
    MAP_CONSTANT,
    MAP_SUM,
    MAP_PERIOD /* year_from.SOURCE = PATTERN: the year out of a period */
} map_kind;

typedef struct mapping {
    map_kind kind;
    char *text;    /* the source column, the template, or the constant */
    unsigned line; /* in the manifest */
    size_t src;    /* MAP_COLUMN: the source column's index */
    size_t nparts; /* MAP_TEMPLATE: literal and column parts */
    char **lit;    /* lit[i] precedes column part i; lit[nparts] ends */
    size_t *part;
    char *pattern;  /* MAP_PERIOD: the pattern (text is the source column) */
    bool automatic; /* MAP_COLUMN: a header named as the column, not mapped */
} mapping;

typedef struct pair {
    char *from, *to;
} pair;

enum { FILTER_SEEN = 5 }; /* values of a filter's column kept for its message */

typedef struct filter {
    char *column;
    char **values;
    size_t nvalues;
    bool keep;
    unsigned line;
    size_t src;
    /* What the filter met: rows that reached it and that it let through,
       and the first distinct values of its column, with their rows. */
    uint64_t reached, passed;
    char *seen[FILTER_SEEN];
    uint64_t seen_rows[FILTER_SEEN];
    size_t nseen;
    uint64_t seen_other; /* rows with a value past the first FILTER_SEEN */
} filter;

/* split.SOURCE = NAME, NAME: a compound column cut into new columns. */
typedef struct split {
    char *column; /* the source column, as the key names it */
    char sep;
    char **names;
    size_t nnames;
    unsigned line;
    size_t src;
} split;

/* What a value's status flags say, for the tables: estimated or
   provisional (e, p, f, s, u), the first after a break in series (b). */
enum { MF_MARK_ESTIMATED = 1, MF_MARK_BREAK = 2 };

/* A flagged value of an areas row, marked in the table once it is loaded. */
typedef struct pending_mark {
    char *area_id, *year;
    uint8_t col, marks;
} pending_mark;

typedef struct joined_row {
    char *key;
    char *values[MAX_COLS];
    uint8_t marks[MAX_COLS];
    cm_csv_pos pos[MAX_COLS];
    uint64_t line;
    bool used;
} joined_row;

typedef struct source source;

struct source {
    char *section;
    cm_table_id table;
    const cm_table_def *def;
    char *file;
    char *path; /* resolved against the manifest's directory, as shown */
    char *real; /* the same, every symbolic link resolved: what is opened */
    unsigned file_line;
    bool file_ok; /* located, inside the folder, a regular file: its header can be read */
    unsigned section_line;
    unsigned char delim, quote;
    unsigned delim_line; /* where delimiter is given; 0: not given */
    char *encoding;      /* NULL: UTF-8 */
    unsigned encoding_line;
    bool trim;            /* trim = yes: spaces and tabs around headers and values */
    bool eurostat;        /* format = eurostat-tsv */
    bool flags_all;       /* flags = yes: status letters after every number */
    bool flags[MAX_COLS]; /* flags.COLUMN = yes */
    int32_t year_offset;  /* year_offset = N */
    uint8_t last_marks;   /* the status flags of the value mf_transform last made */
    split splits[MAX_SPLITS];
    size_t nsplits;
    char thousands, decimal;
    char **missing;
    size_t nmissing;
    uint64_t header_line;
    bool dedupe;
    mapping map[MAX_COLS];
    pair *vmap[MAX_COLS];
    size_t nvmap[MAX_COLS];
    const char *vmap_default[MAX_COLS];
    unsigned vmap_line[MAX_COLS];
    char *vmap_file[MAX_COLS]; /* map.COLUMN = @FILE: a lookup file */
    char *scale[MAX_COLS];
    unsigned scale_line[MAX_COLS];
    bool round[MAX_COLS];
    filter filters[MAX_FILTERS];
    size_t nfilters;
    bool unpivot;
    int32_t unpivot_from, unpivot_to;
    size_t unpivot_value; /* canonical column of the values */
    unsigned unpivot_line;
    char *join;
    unsigned join_line;
    source *target; /* the source this one joins into */
    /* Joined rows, by key (joined sources only). */
    joined_row *rows;
    size_t nrows, rows_cap;
    uint32_t *slots;
    size_t mask;
    /* The source's header, once read: the file's columns, then those that
       split makes. */
    char **header;
    size_t nheader;
    size_t nfile; /* columns of the file itself */
    bool header_read;
    cm_input *input;
    cm_citation cite; /* this section's source, publisher, url, licence, citation */
};

typedef struct manifest {
    const char *path;
    char *dir;
    cm_diag *diag;
    const cm_load_options *opts;
    cm_dataset *ds;
    char *title;
    int32_t reference_year; /* [dataset] reference_year, 0: none */
    cm_citation cite;       /* [dataset]'s source, publisher, ... */
    cm_area_note *notes;    /* [dataset]'s note.AREA_ID keys */
    size_t nnotes;
    unsigned cite_line[CITE_COUNT]; /* where each of them is given */
    char **cite_open;               /* the citation key of the last line: an */
    char cite_open_key[160];        /* indented line continues it */
    source *sources;
    size_t nsources;
    size_t errors;
    unsigned line;         /* the line inih is on */
    unsigned section_line; /* the line of the last [section] */
    bool too_long;
    unsigned too_long_line;
    bool noinput;   /* a file it names cannot be read */
    bool bad_text;  /* a line is not UTF-8 text: reading stopped there */
    char *real_dir; /* the manifest's folder, every symbolic link resolved */
    /* Keys seen in the current section, to refuse repeats. */
    char **seen;
    size_t nseen;
    char *section;
    bool section_ok;
    bool indented; /* the line inih is on starts with a space: a value continued */
    /* The system of zones of the flows (zones = ..., zone_level = ...). */
    char **zones;
    size_t nzones;
    unsigned zones_line;
    bool zones_open;    /* the last key was zones: an indented line continues it */
    char list_key[160]; /* the last list key (keep_if., skip_if., missing, map.): */
    bool list_open;     /* an indented line continues its list */
    int zone_level;     /* a cm_level, or -1 */
    unsigned zone_level_line;
    bool zones_nomem;    /* a zone could not be kept: out of memory */
    bool nomem;          /* something else could not be kept: out of memory */
    pending_mark *marks; /* flagged values of areas rows, marked once loaded */
    size_t nmarks, marks_cap;
    cm_input *lookups; /* the lookup files read (map.COLUMN = @FILE), for Sources */
    size_t nlookups;
} manifest;

/* ---- text (manifest_text.c) ---- */
void mf_err(manifest *m, unsigned line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *mf_quoted(char *buf, const char *value);
char *mf_trimmed(const char *s, size_t len);
void mf_free_list(char **items, size_t n);
char **mf_split_list(const char *value, char sep, size_t *n);
char *mf_dup(manifest *m, const char *s);
char **mf_split(manifest *m, const char *value, char sep, size_t *n);
bool mf_unquote(char *item);
int mf_one_char(const char *value);
bool mf_yes_no(const char *value, bool *out);
int mf_column_of(const cm_table_def *def, const char *name);
extern const char *const mf_table_names[CM_TABLE_COUNT];
extern const cm_table_def *const mf_table_defs[CM_TABLE_COUNT];

/* ---- keys (manifest_keys.c, manifest_cite.c) ---- */
int mf_parse(manifest *m, FILE *f);
void mf_free_source(source *s);
void mf_forget_keys(manifest *m);
int mf_cite_key(const char *key);
void mf_cite_set(manifest *m, cm_citation *c, const char *key, int k, const char *value);
void mf_cite_more(manifest *m, const char *key, const char *value);
void mf_add_note(manifest *m, const char *key, const char *value);
void mf_free_citation(cm_citation *c);
bool mf_table_citations(manifest *m);

/* ---- files and headers (manifest_header.c) ---- */
void mf_check_sources(manifest *m);
bool mf_resolve(manifest *m, source *s);
void mf_check_required(manifest *m);
void mf_automatic(manifest *m, source *s);
bool mf_locate(manifest *m, const char *file, unsigned line, const char *key, char **path,
               char **real);

/* ---- one record (manifest_rows.c) ---- */
typedef struct row_buf {
    char *text; /* all fields, each NUL-terminated */
    size_t len, cap;
    size_t *start; /* offset of each field */
    cm_csv_pos *pos;
    size_t n, ncap;
    cm_csv_pos record;
} row_buf;

/* One canonical row being built. */
typedef struct canon {
    char *value[MAX_COLS];
    cm_csv_pos pos[MAX_COLS];
    const char *token[MAX_COLS]; /* the missing token that emptied a value */
    char *written[MAX_COLS];     /* a number as its file writes it, when changed */
    uint8_t marks[MAX_COLS];     /* its status flags: MF_MARK_* */
} canon;

bool mf_row_add(row_buf *r, const char *s, size_t len, const cm_csv_pos *pos);
const char *mf_row_field(const row_buf *r, size_t i);
bool mf_row_splits(const source *s, row_buf *r);
bool mf_offset_year(const char *v, int32_t offset, char *out, size_t size);
void mf_canon_clear(canon *cr);
bool mf_canon_set(canon *cr, size_t c, const char *v, cm_csv_pos pos);
bool mf_canon_written(canon *cr, size_t c, const char *raw, const char *v);
char *mf_canon_key(const source *s, const canon *cr);
bool mf_build(source *s, const row_buf *r, canon *cr);
bool mf_filtered_out(source *s, const row_buf *r);
bool mf_filters_report(manifest *m, const source *s);
joined_row *mf_join_find(const source *s, const char *key);
cm_status mf_join_store(manifest *m, source *s, canon *cr, const row_buf *r);

/* ---- one value (manifest_values.c) ---- */
const char *mf_transform(source *s, size_t c, const char *raw, char *buf, size_t size,
                         const char **token);
bool mf_period_check(const char *pattern, char *why, size_t why_size);
bool mf_period_year(const char *pattern, const char *text, int32_t *year, int32_t *start);

/* ---- reading (manifest_read.c) ---- */
cm_status mf_read_header(manifest *m, source *s);
cm_status mf_read_source(manifest *m, source *s, cm_loader *loader);

#endif
