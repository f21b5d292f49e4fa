/*
 * indfixture.h - a small dataset written to a scratch directory, loaded
 * through the real loaders, and its catalogue computed; lookups of results.
 * Shared by the indicator tests.
 */
#ifndef CITYMIG_TESTS_INDFIXTURE_H
#define CITYMIG_TESTS_INDFIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "citymig/dataset.h"
#include "citymig/indicators.h"

typedef struct fixture {
    char dir[256];
    cm_dataset *ds;
    cm_results results;
    char names[8][64]; /* files written by load_files, removed by unload */
    size_t nnames;
} fixture;

/* Set before load: keep the flows by origin and destination (--pairs). */
extern bool fixture_pairs;
/* Set before load: the partners listed (--partners; 0: the default). */
extern int fixture_partners;

/* Loads the tables given (NULL: absent) and computes with min_count. */
void load(fixture *fx, const char *areas, const char *stocks, const char *flows,
          const char *services, int64_t min_count, bool keep_going);

/* Writes files[] (name, text pairs ending with NULL; the first is the
   manifest) and loads the dataset through the manifest. */
void load_files(fixture *fx, const char *const *files, int64_t min_count);

void unload(fixture *fx);

/* The result for a subject; fails the test when there is none. */
const cm_result *get(const fixture *fx, const char *area, int32_t year, int32_t base, int kind,
                     const char *service, const char *indicator);
const cm_result *get_area(const fixture *fx, const char *area, int32_t year, const char *indicator);
bool has(const fixture *fx, const char *area, int32_t year, int kind, const char *indicator);

/* The flag is flag and, for ok and published, the value is value. */
void expect(const cm_result *r, cm_flag flag, double value);

/* The reason of a result ("" for none). */
const char *why(const fixture *fx, const cm_result *r);

#endif
