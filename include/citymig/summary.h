/*
 * summary.h - the human-readable load report of a dataset: per table, the
 * rows read and what they hold (areas, years, flows by kind, stayers, ...).
 */
#ifndef CITYMIG_SUMMARY_H
#define CITYMIG_SUMMARY_H

#include <stdio.h>

#include "citymig/dataset.h"

/** Writes the summary; returns 0, or -1 when writing failed. */
int cm_summary_write(const cm_dataset *ds, FILE *out);

#endif
