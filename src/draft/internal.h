/*
 * internal.h - what the parts of citymig draft share.
 *
 * The parts, one concept a file, in the order the data flows through them:
 * a file calls only into those above it in the list.
 *
 *   text.c     a growing text, ASCII letters, years inside a text, a file's
 *              why lines and questions, values as a manifest's lists write
 *              them
 *   grid.c     text split into records of cells, as the loader reads CSV
 *   sniff.c    the sample: its encoding, the text as UTF-8, the delimiter,
 *              the header past title and note lines, a Eurostat bulk TSV
 *   cells.c    what each column's cells are: numbers and their marks,
 *              missing tokens, years, periods, codes, names, distinct values
 *   names.c    the canonical column a header's words name, and the
 *              canonical value of an enumeration's value
 *   mapping.c  the records as the mapping drafted so far makes them: the
 *              value of a canonical column, the key, keys that repeat
 *   filters.c  keep_if and skip_if: dimensions, periods, repeated ids,
 *              required columns, notes at the end
 *   columns.c  one file's guesses: its table, and the source of each
 *              canonical column
 *   across.c   the files judged together: ids, sections, joins, the
 *              population, counts above it, zones
 *   paths.c    a file's path as the manifest writes it
 *   write.c    the manifest's text
 *   draft.c    cm_draft_write: each file, then all of them, then the text
 *
 * Every guess is said on the file's why stream (dr_why_line); what the
 * draft cannot tell is asked in a comment of its section (dr_ask).
 */
#ifndef CITYMIG_DRAFT_INTERNAL_H
#define CITYMIG_DRAFT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "citymig/dataset.h"
#include "citymig/diag.h"
#include "citymig/draft.h"
#include "citymig/status.h"
#include "citymig/strpool.h"
#include "citymig/table.h"

enum {
    LIST_SHOWN = 6, /* values named in a comment */
    NTOKENS = 13    /* the missing tokens the draft knows (dr_missing_tokens) */
};

/* ---- text (text.c) ---- */

/* A growing text; a failed allocation is sticky. Its small functions, and
   those of the records' cells, are inline: every record and cell of a
   sample goes through them. */
typedef struct text {
    char *s;
    size_t len, cap;
    bool nomem;
} text;

/* ASCII only: a byte past ASCII is no letter or digit here. */
static inline int dr_lower_ascii(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static inline bool dr_is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static inline bool dr_is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool dr_is_upper(int c)
{
    return c >= 'A' && c <= 'Z';
}

static inline void dr_text_add(text *t, const char *s, size_t n)
{
    if (t->nomem)
        return;
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *grown = realloc(t->s, cap);
        if (!grown) {
            t->nomem = true;
            return;
        }
        t->s = grown;
        t->cap = cap;
    }
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
}

static inline const char *dr_text_str(const text *t)
{
    return t->s ? t->s : "";
}

static inline void dr_text_clear(text *t)
{
    t->len = 0;
    if (t->s)
        t->s[0] = '\0';
}

/* A download, and what is guessed of it (defined below). */
typedef struct dfile dfile;

void dr_text_printf(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool dr_ieq(const char *a, const char *b);
int32_t dr_year_of(const char *s, size_t len);
int32_t dr_year_inside(const char *s);
const char *dr_base_name(const char *path);
void dr_why_line(dfile *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dr_ask(dfile *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *dr_dupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool dr_needs_quotes(const char *v);
bool dr_writable(const char *v);
void dr_add_item(text *t, const char *v);

/* ---- the records (grid.c) ---- */

/* The cells of a file's records, as UTF-8 text. */
typedef struct cell {
    uint32_t off; /* in the grid's buffer, NUL-terminated */
    uint32_t len;
    bool quoted;
} cell;

typedef struct record {
    size_t first; /* its first cell */
    size_t n;     /* cells */
    uint64_t line;
} record;

typedef struct grid {
    char *buf;
    size_t len, cap;
    cell *cells;
    size_t ncells, cells_cap;
    record *recs;
    size_t nrecs, recs_cap;
    bool nomem;
} grid;

void dr_grid_free(grid *g);
void dr_grid_cell(grid *g, const char *s, size_t n, bool quoted);
void dr_grid_record(grid *g, size_t first, uint64_t line);
void dr_parse_grid(grid *g, const char *p, size_t n, char delim, bool complete, size_t max_records);

/* The text of cell i of record rec, "" past its last. */
static inline const char *dr_cell_text(const grid *g, size_t rec, size_t i)
{
    const record *r = &g->recs[rec];
    return i < r->n ? g->buf + g->cells[r->first + i].off : "";
}

static inline size_t dr_cell_len(const grid *g, size_t rec, size_t i)
{
    const record *r = &g->recs[rec];
    return i < r->n ? g->cells[r->first + i].len : 0;
}

/* ---- the sample (sniff.c) ---- */

const char *dr_delim_name(char c);
cm_status dr_sniff(dfile *f, cm_diag *diag);

/* ---- the cells (cells.c) ---- */

/* How a cell writes a number, before any convention is chosen. */
typedef enum shape {
    SHAPE_NONE,         /* not a number */
    SHAPE_INT,          /* 1234, -5 */
    SHAPE_DEC_PERIOD,   /* 12.5 (not three digits after the point) */
    SHAPE_DEC_COMMA,    /* 12,5 */
    SHAPE_AMBIG_PERIOD, /* 1.234: a decimal, or a thousand */
    SHAPE_AMBIG_COMMA,  /* 7,538 */
    SHAPE_GROUP_PERIOD, /* 1.234.567, 1.234,5 */
    SHAPE_GROUP_COMMA,  /* 1,234,567, 1,234.5 */
    SHAPE_GROUP_SPACE,  /* 1 234 */
    SHAPE_GROUP_APOS,   /* 1'234 */
    SHAPE_COUNT
} shape;

/* What a column's cells are. */
typedef struct column {
    size_t index;     /* from 0 */
    const char *name; /* the header's text */
    int32_t header_year;
    size_t nonempty, empty, spaced;
    size_t tokens[NTOKENS];
    size_t shapes[SHAPE_COUNT];
    size_t flagged; /* numbers followed by status letters ("2894476 e") */
    /* Under the file's thousands separator and decimal mark. */
    size_t numbers, whole, negative, fraction, percents;
    double min, max;
    size_t years, periods;
    /* Kinds of text. */
    size_t iso3, iso2, numeric, codes, worded;
    /* Distinct values (up to DISTINCT_CAP, cells.c), with their counts. */
    cm_strpool *values;
    size_t *counts;
    size_t counts_cap;
    bool many;
} column;

size_t dr_without_flags(const char *s, size_t n);
bool dr_number_of(const char *s, size_t n, char thousands, char decimal, double *out, bool *whole);
extern const char *const dr_missing_tokens[NTOKENS];
const char *dr_value_at(const dfile *f, size_t r, size_t c, size_t *len);
const char *dr_source_text(const dfile *f, size_t r, size_t col, size_t *len);
bool dr_row_kept(const dfile *f, size_t r);
int32_t dr_period_year(const char *s);
cm_status dr_make_columns(dfile *f);
cm_status dr_reprofile(dfile *f, bool say);
bool dr_is_numeric(const column *col);
bool dr_holds_counts(const column *col);
bool dr_holds_percents(const column *col);
bool dr_holds_years(const column *col);
bool dr_holds_periods(const column *col);
size_t dr_ndistinct(const column *col);
const char *dr_distinct_value(const column *col, uint32_t id, size_t *count);
void dr_guess_missing(dfile *f);

/* ---- names (names.c) ---- */

enum { MAX_WORDS = 24, WORD_SIZE = 40 };

typedef struct words {
    char w[MAX_WORDS][WORD_SIZE];
    size_t n;
    bool percent; /* a '%' in the text */
    const char *raw;
} words;

typedef struct alias {
    const char *from; /* lowercase */
    const char *to;
} alias;

void dr_split_words(const char *s, words *out);
bool dr_has_word(const words *w, const char *word);
bool dr_has_any(const words *w, const char *const *list);
extern const char *const dr_share_words[]; /* words of a share or a rate */
int dr_name_score(const char *header, const char *canon, const char **matched);
const alias *dr_aliases_of(const char *canon);
const char *dr_alias_of(const alias *list, const char *s);
bool dr_enum_values(const column *col, const alias *list);

/* ---- the mapping (mapping.c) ---- */

/* How a canonical column is given. */
typedef enum given {
    GIVEN_NONE,
    GIVEN_COLUMN,   /* column.X = SRC */
    GIVEN_IMPLICIT, /* a header named like the canonical column: no key */
    GIVEN_CONSTANT, /* X = VALUE */
    GIVEN_UNPIVOT,  /* by unpivot */
    GIVEN_PERIOD,   /* year_from.SRC = PATTERN */
    GIVEN_DROPPED   /* a join's column its target gives: written as a comment */
} given;

typedef struct mapping {
    given how;
    size_t col;        /* GIVEN_COLUMN, _IMPLICIT, _PERIOD, _DROPPED */
    char *constant;    /* GIVEN_CONSTANT; GIVEN_PERIOD: the pattern */
    char *map;         /* map.X's value */
    const char *scale; /* scale.X's value */
    bool round;
    char *note; /* a comment written above the key */
} mapping;

int dr_canon_of(const dfile *f, const char *name);
const char *dr_canon_name(const dfile *f, int c);
bool dr_taken(const dfile *f, size_t col);
void dr_set_note(mapping *m, char *note);
void dr_give(dfile *f, int c, given how, size_t col);
void dr_give_constant(dfile *f, int c, const char *value);
const char *dr_row_value(const dfile *f, size_t r, int c, char *buf, size_t size);
bool dr_row_key(const dfile *f, size_t r, text *out);
size_t dr_repeated_keys(const dfile *f, size_t *first, cm_strpool *repeated, size_t idcol);
size_t dr_duplicate_keys(const dfile *f, size_t *first);

/* ---- filters (filters.c) ---- */

enum { MAX_FILTERS = 8 };

/* Why a filter is there: a filter for an id the draft gives up is undone. */
typedef enum purpose { FOR_DIMENSION, FOR_REPEATED_ID, FOR_OTHER } purpose;

typedef struct filter {
    size_t col;
    bool keep;
    purpose why;
    bool off;     /* left out, for a while */
    char *values; /* as the manifest writes them */
    char **items; /* the raw values compared */
    size_t nitems;
    char *note;
} filter;

filter *dr_add_filter(dfile *f, size_t col, bool keep, const char *const *items, size_t n);
void dr_drop_filter(dfile *f);
void dr_drop_filters_off(dfile *f);
void dr_filter_dimensions(dfile *f);
void dr_one_period_per_year(dfile *f);
void dr_drop_repeated_ids(dfile *f);
void dr_filter_required(dfile *f);
void dr_guess_notes(dfile *f);

/* ---- a file ---- */

/* A download, and what is guessed of it. */
struct dfile {
    const char *path; /* as given */
    char *rel;        /* as the manifest writes it */
    bool outside;
    char section[80];
    bool failed; /* not read: a comment only */
    /* The sample. */
    unsigned char *raw;
    size_t nraw;
    bool complete;
    const char *encoding; /* NULL: UTF-8 */
    char *utf8;
    size_t nutf8;
    size_t bad_bytes; /* that had no character in the encoding */
    char delim;
    grid g;
    size_t header;             /* the header's record */
    size_t data_from, data_to; /* data records */
    size_t notes;              /* note records at the end */
    bool eurostat;
    size_t ndims;
    /* The columns. */
    column *cols;
    size_t ncols;
    char thousands, decimal; /* 0: none */
    bool trim;
    bool flags;
    bool token_seen[NTOKENS];
    /* The guesses. */
    cm_table_id table;
    const cm_table_def *def;
    mapping map[CM_TABLE_MAX_COLS];
    filter filters[MAX_FILTERS];
    size_t nfilters;
    bool unpivot;
    int32_t unpivot_from, unpivot_to;
    size_t unpivot_col; /* canonical */
    struct dfile *join;
    const char *series_target; /* the canonical column a series filter keeps */
    const char *series_scale;
    size_t repeated_col, repeated; /* ids that repeat in a year, not dropped */
    char **zones;
    size_t nzones;
    char *title;
    text asks; /* comments: what the draft could not decide */
    text why;  /* what it guessed, one line each */
};

/* ---- one file's guesses (columns.c) ---- */

void dr_guess_table(dfile *f);
bool dr_name_values(const column *col);
cm_status dr_guess_columns(dfile *f);
void dr_guess_kind(dfile *f);
void dr_guess_trim(dfile *f);

/* ---- across files (across.c) ---- */

cm_status dr_collect_places(dfile *files, size_t n, cm_strpool *places);
void dr_ids_from_places(dfile *f, const cm_strpool *places);
void dr_name_sections(dfile *files, size_t n);
cm_status dr_join_overlaps(dfile *files, size_t n);
void dr_population_fallback(dfile *files, size_t n, dfile *f);
cm_status dr_check_parts(dfile *files, size_t nfiles, dfile *base);
void dr_guess_zones(dfile *f);

/* ---- paths (paths.c) ---- */

char *dr_relative_to(const char *dir, const char *file, bool *outside);

/* ---- the manifest (write.c) ---- */

void dr_write_manifest(const dfile *files, size_t n, text *out);

#endif
