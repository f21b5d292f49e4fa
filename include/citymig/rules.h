/*
 * rules.h - the conference's conclusions as checks on indicator values.
 *
 * A rule compares one indicator with a threshold and, where the comparison
 * holds, raises a hit with a severity and the conclusion it comes from
 * (SPEC 3). It may add a second condition, on another indicator of the
 * same area and year, that must hold too. Rules come from a CSV file with
 * the columns (in any order; docs/rules.md)
 *
 *   rule_id, indicator, op, threshold, severity, conclusion[, sdg]
 *   [, and_indicator, and_op, and_threshold[, and_if_missing]]
 *
 * op is one of < <= > >= == !=; severity one of info, warning, alert. The
 * default set (data/rules/conference.csv) is built into the binary. A rule
 * applies only to values flagged ok or published: an empty value never
 * raises a hit.
 */
#ifndef CITYMIG_RULES_H
#define CITYMIG_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "citymig/diag.h"
#include "citymig/indicators.h"
#include "citymig/status.h"

typedef enum cm_op { CM_OP_LT, CM_OP_LE, CM_OP_GT, CM_OP_GE, CM_OP_EQ, CM_OP_NE } cm_op;

typedef enum cm_rule_severity {
    CM_RULE_INFO,
    CM_RULE_WARNING,
    CM_RULE_ALERT,
    CM_RULE_SEVERITY_COUNT
} cm_rule_severity;

/* What a rule does when its second condition's value is not known. */
typedef enum cm_and_missing {
    CM_AND_NO_HIT,     /* "no-hit": the rule cannot be checked, so no hit */
    CM_AND_FIRST_ONLY, /* "first-only": the first condition decides alone */
    CM_AND_MISSING_COUNT
} cm_and_missing;

typedef struct cm_rule {
    char *id;
    int indicator; /* registry index */
    cm_op op;
    double threshold;
    int and_indicator; /* the second condition's registry index, or -1: none */
    cm_op and_op;
    double and_threshold;
    cm_and_missing and_missing;
    cm_rule_severity severity;
    char *conclusion;
    char *sdg; /* "" when none */
    uint64_t line;
} cm_rule;

typedef struct cm_rules {
    cm_rule *items;
    size_t count;
    char *source;    /* the file's path, or "built-in" */
    char sha256[65]; /* digest of the rules' CSV text */
} cm_rules;

/** One rule hit: a rule and the result it holds for. */
typedef struct cm_hit {
    size_t rule;   /* index in cm_rules */
    size_t result; /* index in cm_results */
    size_t also;   /* the second condition's result, or CM_HIT_NONE */
} cm_hit;

#define CM_HIT_NONE SIZE_MAX

/*
 * Parses rules from CSV text; name is used in messages. Every problem is
 * reported (file:line:col) and gives CM_ERR_DATA; *out is then empty.
 */
cm_status cm_rules_parse(const char *data, size_t len, const char *name, cm_diag *diag,
                         cm_rules *out);

/** Reads rules from a file (CM_ERR_NOINPUT when it cannot be read). */
cm_status cm_rules_load_file(const char *path, cm_diag *diag, cm_rules *out);

/** The built-in default set (the conference's conclusions). */
cm_status cm_rules_load_default(cm_diag *diag, cm_rules *out);

/** The built-in default set's CSV text. */
const char *cm_rules_default_text(size_t *len);

void cm_rules_free(cm_rules *rules);

/*
 * Applies every rule to every result; *hits (free with free()) lists the
 * hits in result order, then rule order. A second condition is looked for
 * among the results of the same area and year (and kind and service where
 * its indicator has them): results must be in the order
 * cm_indicators_compute gives, each area whole.
 */
cm_status cm_rules_apply(const cm_rules *rules, const cm_results *results, cm_hit **hits,
                         size_t *nhits);

const char *cm_op_str(cm_op op);
const char *cm_rule_severity_str(cm_rule_severity severity);
const char *cm_and_missing_str(cm_and_missing m);

#endif
