/*
 * internal.h - what the parts of the report model share: the context they
 * read, text owned by the report, lists of rows, and the sentences' number
 * formats. Private to src/report/.
 */
#ifndef CITYMIG_REPORT_INTERNAL_H
#define CITYMIG_REPORT_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "citymig/report.h"
#include "citymig/version.h"

/* A block of text owned by the report. */
typedef struct rblock {
    struct rblock *next;
    size_t used, size;
    char data[];
} rblock;

/* Rows held in memory (every sheet but the long tables): n rows of ncols. */
typedef struct rlist {
    size_t ncols;
    size_t n, cap;
    cm_rcell *cells;
    size_t next; /* the cursor */
} rlist;

typedef struct later_digests later_digests;

enum { WHY_MAX = 3 };

/* What the report's parts read. */
typedef struct rctx {
    const cm_dataset *ds;
    const cm_results *res;
    const cm_rules *rules;
    const cm_hit *hits;
    size_t nhits;
    const cm_report_info *info;
    const uint32_t *names; /* area id -> name id (0: none) */
} rctx;

typedef struct cm_report_private cm_report_private;
struct cm_report_private {
    rctx x;
    cm_diag *diag;
    rblock *text;
    cm_status status; /* the first failure (sticky) */
    size_t sheets_cap;
    /* Indicators shown on a data sheet: their sheet's name, else NULL. */
    const char *shown_on[128];
    /* Indicators with rows but no value in any: the first reason. */
    const char *empty_why[128];
    bool empty[128];
    later_digests *later;
    /* Why values are empty, per indicator: up to WHY_MAX distinct reasons
       with their flags, and how many more there were. */
    const char *why[128][WHY_MAX];
    uint8_t why_flag[128][WHY_MAX];
    size_t nwhy[128];
    uint64_t more_why[128];
    bool flagged[128];            /* shown with a flag column */
    size_t contents_at, notes_at; /* the sheets filled in last */
    int tables_numbered;          /* tables given a number so far */
};

/* ---- text and rows (report.c) ---- */
char *rp_strdup(cm_report *r, const char *s);
char *rp_printf(cm_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rp_nomem(cm_report *r);
cm_rsheet *rp_sheet(cm_report *r, cm_rsheet_kind kind, const char *name);
rlist *rp_list(cm_report *r, cm_rsheet *s, size_t ncols);
cm_rcell *rp_row(cm_report *r, rlist *l); /* a new blank row, or NULL */
bool rp_list_rows(cm_rsheet *sheet, void *cursor, cm_rcell *cells);
cm_rcolumn *rp_columns(cm_report *r, cm_rsheet *s, size_t ncols);
/* Leaves out the columns of a listed table that are blank in every row
   (cols and the list's rows alike); the sheet's nkeys shrinks with them. */
void rp_compact(cm_rsheet *s, rlist *l);

void rp_text(cm_rcell *c, cm_rstyle style, const char *text);
void rp_num(cm_rcell *c, cm_unit unit, double v, int decimals);
void rp_year(cm_rcell *c, int32_t year);
/* A result's value in a cell: a percent as a fraction, a published figure
   with the decimals it was published with. */
void rp_value(cm_rcell *c, const cm_result *res);

/* ---- what the parts share ---- */
const cm_indicator_def *rp_def(const cm_result *res);
bool rp_has_value(const cm_result *res);
const char *rp_str(const rctx *x, uint32_t id);
const char *rp_area_name(const rctx *x, uint32_t area);
int rp_level(const rctx *x, uint32_t area, int32_t year);
int64_t rp_population(const rctx *x, uint32_t area, int32_t year); /* -1: none */
/* Aggregates (the world, a region) beside countries and finer areas are
   not ranked with them: whether r's area is a country or finer, and
   whether it is ranked among results of which some are (finer). */
bool rp_finer(const rctx *x, const cm_result *r);
bool rp_ranked(const rctx *x, const cm_result *r, bool finer);
bool same_subject(const cm_result *a, const cm_result *b);
size_t rp_group_end(const cm_results *res, size_t i);
bool rp_group_has(const cm_results *res, size_t from, size_t to, cm_scope scope);
/* The one-letter code of a flag ("m"), or "" for ok. */
const char *rp_flag_code(cm_flag flag);
const char *rp_flag_meaning(cm_flag flag);
/* An indicator's title with its unit, as a column's label. */
char *rp_label(cm_report *r, const cm_indicator_def *d);
/* The decimals a number was written with (at most 6). */
int rp_decimals_of(double v);
/* Numbers as sentences write them: "744,798", "232 million", "13.1%". */
void rp_fmt_count(double v, char *buf, size_t size);
void rp_fmt_people(double v, char *buf, size_t size);
void rp_fmt_value(const cm_result *res, char *buf, size_t size);
/* A span of years: "2013", or "2011 to 2020". */
void rp_years(int32_t lo, int32_t hi, char *buf, size_t size);
/* A title inside a sentence: its first letter lower case, unless it begins
   an acronym. */
void rp_lower_first(char *text);
/* The period flows of a year cover: "2005 to 2010" for a census asking
   where people lived five years before, else the year. */
void rp_flow_period(const rctx *x, int32_t year, char *buf, size_t size);
/* The citation of a table (its section's, else the dataset's), as a
   source line: "Source: ..." */
char *rp_source_line(cm_report *r, const cm_table_id *tables, size_t ntables);

/* A rule's condition in words: "at least 30%". */
char *rp_condition(cm_report *r, const cm_rule *rule);
/* A hit's condition, with the value its second condition met (NULL: not known). */
char *rp_hit_condition(cm_report *r, const cm_rule *rule, const cm_result *also);

/* ---- the parts, in the order of the workbook ---- */
void rp_cover(cm_report *r);
/* A line of the cover (a sentence, a heading, ...), and a blank one. */
void rp_sentence(cm_report *r, rlist *l, cm_rstyle style, const char *text);
void rp_blank(cm_report *r, rlist *l);
/* The cover's block on who moved: the movers' age groups (cover_who.c). */
void rp_cover_who(cm_report *r, rlist *l);
void rp_contents(cm_report *r);
void rp_notes(cm_report *r);
void rp_data_tables(cm_report *r);
void rp_matrix(cm_report *r);
void rp_flags(cm_report *r);
void rp_charts(cm_report *r);
void rp_definitions(cm_report *r);
void rp_sources(cm_report *r);
void rp_sources_free(cm_report *r);

#endif
