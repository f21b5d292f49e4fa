/*
 * catalogue.h - the indicator catalogue as a document, generated from the
 * registry: docs/indicators.md is this output (a test checks that they
 * are the same), and the workbook's Definitions sheet uses the same text.
 */
#ifndef CITYMIG_CATALOGUE_H
#define CITYMIG_CATALOGUE_H

#include <stdio.h>

/** Writes the catalogue as Markdown (through a cm_writer). Returns 0, or -1
    with errno set when a write failed. */
int cm_catalogue_write_markdown(FILE *out);

#endif
