/*
 * test_rules.c - rules files: the built-in set, every kind of bad file
 * with its line and column, and applying rules to results.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "citymig/rules.h"

typedef struct capture {
    char text[4096];
    size_t len;
} capture;

static void on_diag(void *ctx, const cm_diag_msg *msg)
{
    capture *c = ctx;
    int n = snprintf(c->text + c->len, sizeof c->text - c->len, "%llu:%u %s\n",
                     (unsigned long long)msg->loc.line, msg->loc.col, msg->text);
    if (n > 0 && (size_t)n < sizeof c->text - c->len)
        c->len += (size_t)n;
}

static cm_status parse(const char *text, capture *out, cm_rules *rules)
{
    cm_diag diag;
    memset(out, 0, sizeof *out);
    cm_diag_init(&diag, on_diag, out, 0);
    return cm_rules_parse(text, strlen(text), "r.csv", &diag, rules);
}

static void test_default_set(void **state)
{
    (void)state;
    cm_rules rules;
    cm_diag diag;
    cm_diag_init(&diag, NULL, NULL, 0);
    assert_int_equal(cm_rules_load_default(&diag, &rules), CM_OK);
    assert_int_equal(rules.count, 8);
    assert_string_equal(rules.source, "built-in");
    static const char *const ids[] = {"service-gap",        "inflow-surge", "depopulation",
                                      "rural-depopulation", "left-behind",  "rapid-urban-growth",
                                      "super-diversity",    "data-gap"};
    for (size_t i = 0; i < 8; i++)
        assert_string_equal(rules.items[i].id, ids[i]);
    /* The service gap fires only where its interval lies below zero, when
       there is one. */
    assert_int_equal(rules.items[0].indicator, cm_indicator_find("gap_pp"));
    assert_int_equal(rules.items[0].op, CM_OP_LE);
    assert_true(rules.items[0].threshold == -10);
    assert_int_equal(rules.items[0].and_indicator, cm_indicator_find("gap_ci_high"));
    assert_int_equal(rules.items[0].and_op, CM_OP_LT);
    assert_true(rules.items[0].and_threshold == 0);
    assert_int_equal(rules.items[0].and_missing, CM_AND_FIRST_ONLY);
    assert_int_equal(rules.items[1].severity, CM_RULE_ALERT);
    assert_int_equal(rules.items[1].and_indicator, -1);
    assert_int_equal(rules.items[3].indicator, cm_indicator_find("rural_growth_rate"));
    /* Left behind: a shrinking population and a dependency ratio of 60 or more. */
    assert_int_equal(rules.items[4].indicator, cm_indicator_find("growth_rate"));
    assert_int_equal(rules.items[4].op, CM_OP_LT);
    assert_int_equal(rules.items[4].and_indicator, cm_indicator_find("dependency_ratio"));
    assert_int_equal(rules.items[4].and_op, CM_OP_GE);
    assert_true(rules.items[4].and_threshold == 60);
    assert_int_equal(rules.items[4].and_missing, CM_AND_NO_HIT);
    assert_int_equal(rules.items[5].indicator, cm_indicator_find("urban_growth_rate"));
    assert_true(rules.items[5].threshold == 3);
    assert_string_equal(rules.items[6].sdg, "SDG 10");
    assert_string_equal(rules.items[2].sdg, "");
    /* Each conclusion quotes the conference or the report, and says where. */
    for (size_t i = 0; i < 8; i++) {
        assert_non_null(strstr(rules.items[i].conclusion, "\xe2\x80\x9c"));
        assert_non_null(strstr(rules.items[i].conclusion, "\xe2\x80\x9d ("));
    }
    cm_rules_free(&rules);
}

typedef struct bad_case {
    const char *input;
    const char *message;
} bad_case;

static const bad_case bad[] = {
    {"rule_id,indicator,op,threshold,severity,conclusion\nr1,fb_shar,>=,30,info,c\n",
     "2:4 column 'indicator': unknown indicator \"fb_shar\" (see docs/indicators.md for the "
     "ids)\n"},
    {"rule_id,indicator,op,threshold,severity,conclusion\nr1,fb_share,=>,30,info,c\n",
     "2:13 column 'op': unknown operator \"=>\" (expected <, <=, >, >=, ==, !=)\n"},
    {"rule_id,indicator,op,threshold,severity,conclusion\nr1,fb_share,>=,thirty,info,c\n",
     "2:16 column 'threshold': \"thirty\" is not a number (not a number; expected a decimal "
     "number such as -10 or 5.5)\n"},
    {"rule_id,indicator,op,threshold,severity,conclusion\nr1,fb_share,>=,30,severe,c\n",
     "2:19 column 'severity': unknown severity \"severe\" (expected info, warning or alert)\n"},
    {"rule_id,indicator,op,threshold,severity,conclusion\nr1,fb_share,>=,30,info,\n",
     "2:24 column 'conclusion': a rule needs the conclusion it comes from\n"},
    {"rule_id,indicator,op,threshold,severity,conclusion\nr1,fb_share,>=,30,info,c\n"
     "r1,fb_share,>=,40,info,c\n",
     "3:1 column 'rule_id': 'r1' is already the id of the rule at line 2\n"},
    {"rule_id,indicator,op,threshold,severity\nr1,fb_share,>=,30,info\n",
     "1:0 missing required column 'conclusion'\n"},
    {"rule_id,indicator,op,threshold,severity,conclusion,note\n",
     "1:52 unknown column \"note\" (expected rule_id, indicator, op, threshold, severity, "
     "conclusion, sdg, and_indicator, and_op, and_threshold, and_if_missing)\n"},
    /* The second condition: all three columns or none, each checked. */
    {"rule_id,indicator,op,threshold,and_indicator,and_op,and_threshold,severity,conclusion\n"
     "r1,growth_rate,<,0,dependency_ratio,,60,info,c\n",
     "2:37 column 'and_op': a second condition needs and_indicator, and_op and and_threshold "
     "together\n"},
    {"rule_id,indicator,op,threshold,and_indicator,severity,conclusion\n"
     "r1,growth_rate,<,0,dependency_ratio,info,c\n",
     "2:1 column 'and_op': a second condition needs and_indicator, and_op and and_threshold "
     "together\n"
     "2:1 column 'and_threshold': a second condition needs and_indicator, and_op and "
     "and_threshold together\n"},
    {"rule_id,indicator,op,threshold,and_indicator,and_op,and_threshold,severity,conclusion\n"
     "r1,growth_rate,<,0,dependency_rate,>=,60,info,c\n",
     "2:20 column 'and_indicator': unknown indicator \"dependency_rate\" (see "
     "docs/indicators.md for the ids)\n"},
    {"rule_id,indicator,op,threshold,and_indicator,and_op,and_threshold,severity,conclusion\n"
     "r1,growth_rate,<,0,dependency_ratio,=>,sixty,info,c\n",
     "2:37 column 'and_op': unknown operator \"=>\" (expected <, <=, >, >=, ==, !=)\n"
     "2:40 column 'and_threshold': \"sixty\" is not a number (not a number; expected a decimal "
     "number such as -10 or 5.5)\n"},
    {"rule_id,indicator,op,threshold,and_if_missing,severity,conclusion\n"
     "r1,growth_rate,<,0,first-only,info,c\n",
     "2:20 column 'and_if_missing': given without a second condition (expected and_indicator, "
     "and_op and and_threshold, or no and_if_missing)\n"},
    {"rule_id,indicator,op,threshold,and_indicator,and_op,and_threshold,and_if_missing,severity,"
     "conclusion\n"
     "r1,gap_pp,<,0,gap_ci_high,<,0,skip,info,c\n",
     "2:31 column 'and_if_missing': unknown value \"skip\" (expected no-hit or first-only)\n"},
    /* One fb_share, but an in_rate for each kind of move: which one? */
    {"rule_id,indicator,op,threshold,and_indicator,and_op,and_threshold,severity,conclusion\n"
     "r1,fb_share,>=,30,in_rate,>,10,info,c\n",
     "2:19 column 'and_indicator': 'in_rate' is given by area, year and kind, but 'fb_share' by "
     "area and year: the second condition must have one value for each value of the first "
     "(expected the one given in more detail in column 'indicator')\n"},
    {"rule_id,indicator,op,threshold,and_indicator,and_op,and_threshold,severity,conclusion\n"
     "r1,migration_intensity,>=,1,in_rate,>,10,info,c\n",
     "2:29 column 'and_indicator': 'in_rate' is given by area, year and kind, but "
     "'migration_intensity' by the zones of an internal system, and a year: the two never have "
     "a value for the same subject (expected two indicators of areas, or two of the system of "
     "zones)\n"},
    {"rule_id,indicator,op,threshold,severity,conclusion\nr1,fb_share,>=\n",
     "2:0 3 fields, but the header has 6\n"},
    {"", "0:0 empty rules file: expected a header row\n"},
    {"rule_id,indicator,op,threshold,severity,conclusion\nr1,fb_share,>=,1e3,info,c\n",
     "2:16 column 'threshold': \"1e3\" is not a number (exponent notation is not allowed; "
     "expected a decimal number such as -10 or 5.5)\n"},
};

static void test_bad_files(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        capture out;
        cm_rules rules;
        cm_status st = parse(bad[i].input, &out, &rules);
        if (strcmp(out.text, bad[i].message) != 0)
            print_error("case %zu:\n got: %s want: %s", i, out.text, bad[i].message);
        assert_int_equal(st, CM_ERR_DATA);
        assert_string_equal(out.text, bad[i].message);
        assert_int_equal(rules.count, 0);
    }
}

static void test_good_file(void **state)
{
    (void)state;
    capture out;
    cm_rules rules;
    assert_int_equal(parse("sdg,conclusion,severity,threshold,op,indicator,rule_id\n"
                           ",\"a, quoted \"\"conclusion\"\"\",alert,-2.5,!=,net,r\n",
                           &out, &rules),
                     CM_OK);
    assert_int_equal(rules.count, 1);
    assert_string_equal(rules.items[0].conclusion, "a, quoted \"conclusion\"");
    assert_true(rules.items[0].threshold == -2.5);
    assert_int_equal(rules.items[0].op, CM_OP_NE);
    cm_rules_free(&rules);
    /* A header alone is a valid, empty set. */
    assert_int_equal(parse("rule_id,indicator,op,threshold,severity,conclusion\n", &out, &rules),
                     CM_OK);
    assert_int_equal(rules.count, 0);
    cm_rules_free(&rules);
}

static void test_apply(void **state)
{
    (void)state;
    cm_result items[4] = {0};
    int fb = cm_indicator_find("fb_share"), gap = cm_indicator_find("gap_pp");
    items[0] = (cm_result){.indicator = (uint16_t)fb, .flag = CM_FLAG_OK, .value = 36.7};
    items[1] = (cm_result){.indicator = (uint16_t)fb, .flag = CM_FLAG_PUBLISHED, .value = 30};
    items[2] = (cm_result){.indicator = (uint16_t)fb, .flag = CM_FLAG_MISSING, .value = 0};
    items[3] = (cm_result){.indicator = (uint16_t)gap, .flag = CM_FLAG_OK, .value = -20.2};
    cm_results results = {items, 4, 4, NULL};
    capture out;
    cm_rules rules;
    const char *text = "rule_id,indicator,op,threshold,severity,conclusion\n"
                       "diverse,fb_share,>=,30,info,c\n"
                       "gap,gap_pp,<=,-10,warning,c\n";
    assert_int_equal(parse(text, &out, &rules), CM_OK);
    cm_hit *hits;
    size_t n;
    assert_int_equal(cm_rules_apply(&rules, &results, &hits, &n), CM_OK);
    /* 36.7 and the published 30 hit; the missing value never does. */
    assert_int_equal(n, 3);
    assert_int_equal(hits[0].result, 0);
    assert_int_equal(hits[1].result, 1);
    assert_int_equal(hits[2].result, 3);
    assert_int_equal(hits[2].rule, 1);
    free(hits);
    cm_rules_free(&rules);

    /* A changed threshold changes the hits. */
    text = "rule_id,indicator,op,threshold,severity,conclusion\n"
           "diverse,fb_share,>=,31,info,c\n";
    assert_int_equal(parse(text, &out, &rules), CM_OK);
    assert_int_equal(cm_rules_apply(&rules, &results, &hits, &n), CM_OK);
    assert_int_equal(n, 1);
    free(hits);
    cm_rules_free(&rules);
}

/* Two conditions, on the same area and year (and service). */
static void test_apply_two_conditions(void **state)
{
    (void)state;
    uint16_t growth = (uint16_t)cm_indicator_find("growth_rate"),
             dep = (uint16_t)cm_indicator_find("dependency_ratio"),
             gap = (uint16_t)cm_indicator_find("gap_pp"),
             high = (uint16_t)cm_indicator_find("gap_ci_high");
    enum { OK = CM_FLAG_OK, MISSING = CM_FLAG_MISSING };
    /* In the engine's order: area, year, base_year, kind, service, registry. */
    cm_result items[] = {
        /* 0-1: area 1 shrinks with 65 dependants per 100: left behind */
        {.area = 1, .year = 2015, .kind = CM_KIND_NONE, .indicator = dep, .flag = OK, .value = 65},
        {.area = 1,
         .year = 2015,
         .base_year = 2010,
         .kind = CM_KIND_NONE,
         .indicator = growth,
         .flag = OK,
         .value = -0.5},
        /* 2-3: area 2 shrinks with 50: not */
        {.area = 2, .year = 2015, .kind = CM_KIND_NONE, .indicator = dep, .flag = OK, .value = 50},
        {.area = 2,
         .year = 2015,
         .base_year = 2010,
         .kind = CM_KIND_NONE,
         .indicator = growth,
         .flag = OK,
         .value = -1},
        /* 4-5: area 3's ratio is missing: the rule cannot be checked */
        {.area = 3, .year = 2015, .kind = CM_KIND_NONE, .indicator = dep, .flag = MISSING},
        {.area = 3,
         .year = 2015,
         .base_year = 2010,
         .kind = CM_KIND_NONE,
         .indicator = growth,
         .flag = OK,
         .value = -1},
        /* 6-7: area 4 has 70 in 2010, but it is 2015 that shrinks: not */
        {.area = 4, .year = 2010, .kind = CM_KIND_NONE, .indicator = dep, .flag = OK, .value = 70},
        {.area = 4,
         .year = 2015,
         .base_year = 2010,
         .kind = CM_KIND_NONE,
         .indicator = growth,
         .flag = OK,
         .value = -1},
        /* 8-11: area 5, service 7: a gap of -20 whose interval ends at -5 (a
           hit); service 8: -15, but the interval reaches +2 (not) */
        {.area = 5,
         .year = 2015,
         .kind = CM_KIND_NONE,
         .service = 7,
         .indicator = gap,
         .flag = OK,
         .value = -20},
        {.area = 5,
         .year = 2015,
         .kind = CM_KIND_NONE,
         .service = 7,
         .indicator = high,
         .flag = OK,
         .value = -5},
        {.area = 5,
         .year = 2015,
         .kind = CM_KIND_NONE,
         .service = 8,
         .indicator = gap,
         .flag = OK,
         .value = -15},
        {.area = 5,
         .year = 2015,
         .kind = CM_KIND_NONE,
         .service = 8,
         .indicator = high,
         .flag = OK,
         .value = 2},
        /* 12-13: area 6: -12 with no interval: the gap decides alone */
        {.area = 6,
         .year = 2015,
         .kind = CM_KIND_NONE,
         .service = 7,
         .indicator = gap,
         .flag = OK,
         .value = -12},
        {.area = 6,
         .year = 2015,
         .kind = CM_KIND_NONE,
         .service = 7,
         .indicator = high,
         .flag = MISSING},
        /* 14: area 7 has no interval row at all */
        {.area = 7,
         .year = 2015,
         .kind = CM_KIND_NONE,
         .service = 7,
         .indicator = gap,
         .flag = OK,
         .value = -30},
    };
    cm_results results = {items, sizeof items / sizeof items[0], sizeof items / sizeof items[0],
                          NULL};
    capture out;
    cm_rules rules;
    const char *text =
        "rule_id,indicator,op,threshold,and_indicator,and_op,and_threshold,and_if_missing,"
        "severity,conclusion\n"
        "left-behind,growth_rate,<,0,dependency_ratio,>=,60,,warning,c\n"
        "service-gap,gap_pp,<=,-10,gap_ci_high,<,0,first-only,warning,c\n"
        "gap-known,gap_pp,<=,-10,gap_ci_high,<,0,no-hit,warning,c\n";
    assert_int_equal(parse(text, &out, &rules), CM_OK);
    cm_hit *hits;
    size_t n;
    assert_int_equal(cm_rules_apply(&rules, &results, &hits, &n), CM_OK);
    assert_int_equal(n, 5);
    /* area 1: the growth rate, with the ratio it met */
    assert_int_equal(hits[0].rule, 0);
    assert_int_equal(hits[0].result, 1);
    assert_int_equal(hits[0].also, 0);
    /* area 5, service 7, under both gap rules, with its own interval */
    assert_int_equal(hits[1].rule, 1);
    assert_int_equal(hits[1].result, 8);
    assert_int_equal(hits[1].also, 9);
    assert_int_equal(hits[2].rule, 2);
    assert_int_equal(hits[2].result, 8);
    assert_int_equal(hits[2].also, 9);
    /* areas 6 and 7: no interval, so only first-only fires, with none */
    assert_int_equal(hits[3].rule, 1);
    assert_int_equal(hits[3].result, 12);
    assert_true(hits[3].also == CM_HIT_NONE);
    assert_int_equal(hits[4].rule, 1);
    assert_int_equal(hits[4].result, 14);
    assert_true(hits[4].also == CM_HIT_NONE);
    free(hits);
    cm_rules_free(&rules);

    /* The old one-condition form says nothing of a second. */
    assert_int_equal(parse("rule_id,indicator,op,threshold,severity,conclusion\n"
                           "shrinking,growth_rate,<,0,warning,c\n",
                           &out, &rules),
                     CM_OK);
    assert_int_equal(rules.items[0].and_indicator, -1);
    assert_int_equal(cm_rules_apply(&rules, &results, &hits, &n), CM_OK);
    assert_int_equal(n, 4);
    assert_true(hits[0].also == CM_HIT_NONE);
    free(hits);
    cm_rules_free(&rules);
}

int main(void)
{
    /* The library must not depend on the locale: the suite also runs under
       LC_ALL=de_DE.UTF-8 (decimal comma). */
    setlocale(LC_ALL, "");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_set),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_good_file),
        cmocka_unit_test(test_apply),
        cmocka_unit_test(test_apply_two_conditions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
