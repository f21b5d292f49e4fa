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
    assert_int_equal(rules.count, 6);
    assert_string_equal(rules.source, "built-in");
    static const char *const ids[] = {"service-gap", "inflow-surge",    "depopulation",
                                      "left-behind", "super-diversity", "data-gap"};
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(rules.items[i].id, ids[i]);
    assert_int_equal(rules.items[0].indicator, cm_indicator_find("gap_pp"));
    assert_int_equal(rules.items[0].op, CM_OP_LE);
    assert_true(rules.items[0].threshold == -10);
    assert_int_equal(rules.items[1].severity, CM_RULE_ALERT);
    assert_string_equal(rules.items[4].sdg, "SDG 10");
    assert_string_equal(rules.items[2].sdg, "");
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
     "conclusion, sdg)\n"},
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
