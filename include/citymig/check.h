/*
 * check.h - regression of published figures (SPEC 4.3).
 *
 * A figures file lists published figures to recompute:
 *
 *   area_id, year, indicator, expected, tolerance
 *   [, base_year][, kind][, service][, source]
 *
 * tolerance is absolute (0.5) or relative to the expected value (1%). A
 * figure passes when the indicator has a value (flag ok or published) within
 * the tolerance. It fails when the value drifted, or when there is no value
 * (no such result, or an empty one): a figure that cannot be computed is a
 * failure, never a pass.
 */
#ifndef CITYMIG_CHECK_H
#define CITYMIG_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "citymig/diag.h"
#include "citymig/indicators.h"
#include "citymig/status.h"

typedef enum cm_verdict { CM_VERDICT_PASS, CM_VERDICT_DRIFT, CM_VERDICT_NO_VALUE } cm_verdict;

typedef struct cm_figure {
    char *area_id; /* "" for the system level */
    int32_t year;
    int32_t base_year; /* 0: any */
    int kind;          /* CM_KIND_*, CM_KIND_NONE */
    char *service;     /* "" when none */
    int indicator;
    double expected;
    double tolerance;
    bool relative; /* tolerance is a fraction of |expected| */
    char *source;
    uint64_t line;
    /* Filled by cm_figures_check. */
    cm_verdict verdict;
    bool has_actual;
    double actual;
    int flag;           /* of the result, or -1 when there is none */
    const char *reason; /* why there is no value */
} cm_figure;

typedef struct cm_figures {
    cm_figure *items;
    size_t count;
} cm_figures;

/** Reads a figures file; every problem is reported with its line and column. */
cm_status cm_figures_load(const char *path, cm_diag *diag, cm_figures *out);

void cm_figures_free(cm_figures *figures);

/** Checks every figure against the results; returns the number that failed. */
size_t cm_figures_check(cm_figures *figures, const cm_results *results);

/** A figure's name for reports: "GB-LND 2011 fb_share" (with kind, service). */
void cm_figure_name(const cm_figure *f, char *buf, size_t size);

/** The same for a terminal: ids shown as cm_shown shows them. */
void cm_figure_name_shown(const cm_figure *f, char *buf, size_t size);

/** A figure's tolerance as the figures file states it: "0.5", "1%". */
void cm_figure_tolerance(const cm_figure *f, char *buf, size_t size);

/*
 * The renderers of the results of a check (src/write/checktable.c and
 * junit.c), written through a cm_writer: each returns 0, or -1 with errno
 * set when a write failed.
 */

/** The table of every figure, then a summary line. */
int cm_figures_write_table(FILE *out, const cm_figures *figures);

/** JUnit XML: one test case per figure. */
int cm_figures_write_junit(FILE *out, const cm_figures *figures, const char *dataset);

#endif
