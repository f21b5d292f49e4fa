/*
 * report.h - the report model: a plain description of the publication,
 * built once from the dataset, the results and the rule hits, and then
 * rendered (the workbook is one renderer, src/write/xlsx_render.c).
 *
 * The model decides everything a reader sees: which sheets there are, in
 * which order, their titles, what each row and column holds and in which
 * unit, the cover's sentences, the notes, the charts and their series, the
 * sources and their citations. A renderer only lays it out: it reads no
 * input file, computes no figure and chooses no content.
 *
 * A sheet is a title (its first cell), an optional line on what it holds
 * and a source line, then rows of cells. A table sheet adds two header
 * rows (labels with units, then the column ids) and its data rows, which
 * come from a cursor: the long tables (Areas, Flows, ...) are walked from
 * the results as they are written, never copied, so memory does not grow
 * with the report. A chart sheet adds one chart, whose data is its rows.
 */
#ifndef CITYMIG_REPORT_H
#define CITYMIG_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "citymig/dataset.h"
#include "citymig/indicators.h"
#include "citymig/rules.h"
#include "citymig/status.h"

/** How a cell is shown: the renderer maps each to a format. */
typedef enum cm_rstyle {
    CM_RSTYLE_PLAIN,
    CM_RSTYLE_TITLE,    /* a sheet's title (A1) */
    CM_RSTYLE_HEADING,  /* a section heading */
    CM_RSTYLE_SENTENCE, /* a sentence of the cover, wrapped across the sheet */
    CM_RSTYLE_MUTED,    /* secondary text: rules with no hit, notes */
    CM_RSTYLE_LABEL,    /* a header row's label (wrapped) */
    CM_RSTYLE_ID,       /* a header row's column id */
    CM_RSTYLE_KEY,      /* the name of an item in a list of items */
    CM_RSTYLE_WRAP,     /* long text, wrapped in its column */
    CM_RSTYLE_FLAG,     /* a flag code and its reason */
    CM_RSTYLE_LINK,     /* a link to a sheet (text is the sheet's name) */
    CM_RSTYLE_YEAR,     /* a year: no separators */
    CM_RSTYLE_VALUE,    /* a number in the unit of its cell */
    CM_RSTYLE_SEV_INFO, /* a rule's severity */
    CM_RSTYLE_SEV_WARNING,
    CM_RSTYLE_SEV_ALERT,
    CM_RSTYLE_ASIDE,  /* a line under a title: grey, not wrapped */
    CM_RSTYLE_SOURCE, /* a source line across a chart's sheet: grey, wrapped */
    CM_RSTYLE_COUNT_
} cm_rstyle;

typedef enum cm_rcell_kind { CM_RCELL_BLANK, CM_RCELL_TEXT, CM_RCELL_NUMBER } cm_rcell_kind;

/*
 * One cell. A number in a percent unit is stored as a fraction (36.7 %
 * is 0.367), so that a spreadsheet's own percent tools work; decimals is
 * the number of decimals shown (-1: the unit's own), so that a published
 * figure shows the precision it was published with.
 */
typedef struct cm_rcell {
    uint8_t kind;  /* cm_rcell_kind */
    uint8_t style; /* cm_rstyle */
    uint8_t unit;  /* cm_unit, for CM_RSTYLE_VALUE */
    int8_t decimals;
    double num;
    const char *text; /* borrowed: valid until the next row is asked for */
} cm_rcell;

/** A column of a table sheet. */
typedef struct cm_rcolumn {
    const char *label; /* the human header, with its unit: "Foreign-born share (%)" */
    const char *id;    /* the machine header: "fb_share", "fb_share_flag" */
    double width;      /* in characters */
    cm_rstyle style;   /* of its data cells, for width and wrapping */
} cm_rcolumn;

typedef enum cm_rsheet_kind { CM_RSHEET_TEXT, CM_RSHEET_TABLE, CM_RSHEET_CHART } cm_rsheet_kind;

typedef enum cm_rchart_kind {
    CM_RCHART_BAR,       /* horizontal bars, largest on top */
    CM_RCHART_DIVERGING, /* horizontal bars either side of zero */
} cm_rchart_kind;

/*
 * A chart: its data are the data rows of its sheet (column 0 the
 * categories, columns 1..nseries the series; a blank cell is no bar).
 */
typedef struct cm_rchart {
    cm_rchart_kind kind;
    size_t nseries;
    size_t npoints;
    cm_unit unit;           /* of the value axis */
    const char *axis_title; /* the value axis: "Percent of residents" */
} cm_rchart;

typedef struct cm_report cm_report;
typedef struct cm_rsheet cm_rsheet;

/** A sheet's rows, one at a time: fills cells[0..ncols-1]; false at the end. */
typedef bool (*cm_rrows_fn)(cm_rsheet *sheet, void *cursor, cm_rcell *cells);

struct cm_rsheet {
    cm_rsheet_kind kind;
    char name[32];    /* the tab's name (parts add " (2)", ...) */
    char *title;      /* A1 */
    char *about;      /* A2: what a row is, what an empty cell means; NULL: none */
    char *source;     /* A3: "Source: ..."; NULL: none */
    char *contents;   /* its line on the Contents sheet */
    size_t ncols;     /* columns of its rows */
    cm_rcolumn *cols; /* table sheets: the two header rows; else widths only */
    size_t nkeys;     /* leading columns that identify a row: frozen, repeated in print */
    bool across;      /* a table of figures: too wide for a page, it prints on pages across
                         (its keys on each) rather than shrunk to one */
    uint64_t nrows;   /* data rows, known before they are written */
    cm_rrows_fn rows; /* the rows' cursor */
    void *cursor;     /* its state (owned by the model) */
    void (*cursor_free)(void *cursor);
    cm_rchart chart; /* CM_RSHEET_CHART */
};

/** What the report says about how it was made. */
typedef struct cm_report_info {
    const char *dataset; /* the DATASET argument */
    const char *title;   /* --title, or NULL */
    time_t created;      /* the document's time: SOURCE_DATE_EPOCH or now */
    int reproducible;    /* created came from SOURCE_DATE_EPOCH */
    int64_t min_count;   /* --min-count */
    int32_t year_from;   /* --year, 0: all */
    int32_t year_to;
    bool pairs;   /* --pairs */
    int partners; /* --partners, 0: the default (shown with --pairs) */
    bool matrix;  /* --matrix: the Matrix sheet (with the pairs kept) */
    const char *rules_sha256;
    const char *xlsx_version;    /* the workbook library's version, for Sources */
    const char *const *messages; /* problems met while loading (rows skipped, ...) */
    size_t nmessages;
    size_t max_rows; /* rows a sheet part may hold; 0: Excel's 1,048,576 (tests set less) */
} cm_report_info;

struct cm_report {
    char *title;    /* the publication's title */
    char *footer;   /* the dataset's title as a print footer shows it */
    char *subject;  /* the document properties' subject */
    time_t created; /* as written: never 0 */
    cm_rsheet *sheets;
    size_t nsheets;
    size_t max_rows; /* rows a sheet part may hold */
    /* Filled by the renderer, read by the Sources sheet's last rows: cells
       cut at the 32,767 characters a cell may hold. */
    size_t truncated;
    struct cm_report_private *priv;
};

/*
 * Builds the model. Everything it refers to (dataset, results, rules, hits,
 * info) must outlive it. Digests of inputs left for later are taken on a
 * thread of its own while the report is rendered; the Sources sheet's
 * cursor waits for them. Returns CM_OK, CM_ERR_NOMEM, or the status of a
 * digest that failed (reported through diag when the Sources sheet is
 * reached; see cm_report_status).
 */
cm_status cm_report_build(const cm_dataset *ds, const cm_results *results, const cm_rules *rules,
                          const cm_hit *hits, size_t nhits, const cm_report_info *info,
                          cm_diag *diag, cm_report **out);

/*
 * Starts what runs beside the rendering (the digests left for later, on a
 * thread of their own): called by the renderer, in the process that
 * renders, before the first sheet.
 */
void cm_report_begin(cm_report *report);

/** The first failure met by a cursor (a digest, memory); CM_OK if none. */
cm_status cm_report_status(const cm_report *report);

void cm_report_free(cm_report *report);

#endif
