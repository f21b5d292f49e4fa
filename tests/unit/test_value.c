/*
 * test_value.c - strict number parsing, table-driven: every accepted form,
 * every refused form with its reason, and the range edges.
 */
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "citymig/value.h"

typedef struct int_case {
    const char *input;
    cm_parse_error error;
    int64_t value;
} int_case;

static const int_case count_cases[] = {
    {"0", CM_PARSE_OK, 0},
    {"7", CM_PARSE_OK, 7},
    {"007", CM_PARSE_OK, 7},
    {"8173941", CM_PARSE_OK, 8173941},
    {"9007199254740992", CM_PARSE_OK, INT64_C(9007199254740992)},
    {"9007199254740993", CM_PARSE_RANGE, 0},
    {"99999999999999999999999999", CM_PARSE_RANGE, 0},
    {"", CM_PARSE_EMPTY, 0},
    {"-5", CM_PARSE_NEGATIVE, 0},
    {"+5", CM_PARSE_SIGN, 0},
    {"12.5", CM_PARSE_DECIMAL, 0},
    {"12.0", CM_PARSE_DECIMAL, 0},
    {"12,5", CM_PARSE_COMMA, 0},
    {"7,538", CM_PARSE_COMMA, 0},
    {"1e6", CM_PARSE_EXPONENT, 0},
    {"nan", CM_PARSE_NAN_INF, 0},
    {"NaN", CM_PARSE_NAN_INF, 0},
    {"inf", CM_PARSE_NAN_INF, 0},
    {"-Infinity", CM_PARSE_NAN_INF, 0},
    {"0x1F", CM_PARSE_HEX, 0},
    {" 12", CM_PARSE_SPACE, 0},
    {"12 ", CM_PARSE_SPACE, 0},
    {"12\t", CM_PARSE_SPACE, 0},
    {"\xc2\xa0"
     "12",
     CM_PARSE_SPACE, 0},
    {"abc", CM_PARSE_SYNTAX, 0},
    {"12abc", CM_PARSE_SYNTAX, 0},
    {"-", CM_PARSE_SYNTAX, 0},
    {"1 000", CM_PARSE_SYNTAX, 0},
};

static void test_count(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof count_cases / sizeof count_cases[0]; i++) {
        const int_case *c = &count_cases[i];
        int64_t v = -1;
        cm_parse_error e = cm_parse_count(c->input, strlen(c->input), &v);
        if (e != c->error)
            print_error("count \"%s\": expected %s, got %s\n", c->input,
                        cm_parse_error_str(c->error), cm_parse_error_str(e));
        assert_int_equal(e, c->error);
        if (e == CM_PARSE_OK)
            assert_int_equal(v, c->value);
    }
}

static const int_case signed_cases[] = {
    {"-5", CM_PARSE_OK, -5},
    {"+5", CM_PARSE_OK, 5},
    {"0", CM_PARSE_OK, 0},
    {"-9007199254740992", CM_PARSE_OK, -INT64_C(9007199254740992)},
    {"-9007199254740993", CM_PARSE_RANGE, 0},
    {"--5", CM_PARSE_SYNTAX, 0},
    {"-5.5", CM_PARSE_DECIMAL, 0},
    {"-nan", CM_PARSE_NAN_INF, 0},
    {"", CM_PARSE_EMPTY, 0},
};

static void test_signed_count(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof signed_cases / sizeof signed_cases[0]; i++) {
        const int_case *c = &signed_cases[i];
        int64_t v = -1;
        cm_parse_error e = cm_parse_signed_count(c->input, strlen(c->input), &v);
        if (e != c->error)
            print_error("signed \"%s\": got %s\n", c->input, cm_parse_error_str(e));
        assert_int_equal(e, c->error);
        if (e == CM_PARSE_OK)
            assert_int_equal(v, c->value);
    }
}

typedef struct pct_case {
    const char *input;
    cm_parse_error error;
    double value;
} pct_case;

static const pct_case percent_cases[] = {
    {"0", CM_PARSE_OK, 0.0},
    {"36.7", CM_PARSE_OK, 36.7},
    {"100", CM_PARSE_OK, 100.0},
    {"100.0", CM_PARSE_OK, 100.0},
    {"0.1", CM_PARSE_OK, 0.1},
    {"13.1", CM_PARSE_OK, 13.1},
    {"036.70", CM_PARSE_OK, 36.7},
    {"33.333333333333333333333", CM_PARSE_OK, 33.333333333333333333333},
    {"99.99999999999999999999", CM_PARSE_OK, 99.99999999999999999999},
    {"-0", CM_PARSE_OK, 0.0},
    {"100.5", CM_PARSE_RANGE, 0},
    {"100.00000000000001", CM_PARSE_RANGE, 0},
    {"-1", CM_PARSE_RANGE, 0},
    {"36,7", CM_PARSE_COMMA, 0},
    {".5", CM_PARSE_SYNTAX, 0},
    {"5.", CM_PARSE_SYNTAX, 0},
    {"1e1", CM_PARSE_EXPONENT, 0},
    {"nan", CM_PARSE_NAN_INF, 0},
    {"inf", CM_PARSE_NAN_INF, 0},
    {" 5", CM_PARSE_SPACE, 0},
    {"5%", CM_PARSE_SYNTAX, 0},
    {"", CM_PARSE_EMPTY, 0},
};

static void test_percent(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof percent_cases / sizeof percent_cases[0]; i++) {
        const pct_case *c = &percent_cases[i];
        double v = -1;
        cm_parse_error e = cm_parse_percent(c->input, strlen(c->input), &v);
        if (e != c->error)
            print_error("percent \"%s\": got %s\n", c->input, cm_parse_error_str(e));
        assert_int_equal(e, c->error);
        if (e == CM_PARSE_OK) {
            /* Correctly rounded: bit-for-bit the compiler's own reading. */
            assert_memory_equal(&v, &c->value, sizeof v);
        }
    }
}

static const int_case year_cases[] = {
    {"1800", CM_PARSE_OK, 1800},     {"2011", CM_PARSE_OK, 2011},   {"2200", CM_PARSE_OK, 2200},
    {"1799", CM_PARSE_RANGE, 0},     {"2201", CM_PARSE_RANGE, 0},   {"-2011", CM_PARSE_RANGE, 0},
    {"2011.0", CM_PARSE_DECIMAL, 0}, {"20 11", CM_PARSE_SYNTAX, 0}, {"", CM_PARSE_EMPTY, 0},
};

static void test_year(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof year_cases / sizeof year_cases[0]; i++) {
        const int_case *c = &year_cases[i];
        int32_t v = -1;
        cm_parse_error e = cm_parse_year(c->input, strlen(c->input), &v);
        if (e != c->error)
            print_error("year \"%s\": got %s\n", c->input, cm_parse_error_str(e));
        assert_int_equal(e, c->error);
        if (e == CM_PARSE_OK)
            assert_int_equal(v, c->value);
    }
}

/* Values are not NUL-terminated in the reader: parsing must stop at len. */
static void test_length_bound(void **state)
{
    (void)state;
    int64_t v;
    double d;
    assert_int_equal(cm_parse_count("12345", 3, &v), CM_PARSE_OK);
    assert_int_equal(v, 123);
    assert_int_equal(cm_parse_percent("36.75", 4, &d), CM_PARSE_OK);
    assert_true(d == 36.7);
}

static void test_format_double(void **state)
{
    (void)state;
    static const struct {
        double v;
        const char *text;
    } cases[] = {
        {36.7, "36.7"},
        {0.1, "0.1"},
        {1.0 / 3, "0.3333333333333333"},
        {36.680763905685154, "36.680763905685154"},
        {8663300, "8663300"},
        {-80, "-80"},
        {-0.5, "-0.5"},
        {9007199254740992.0, "9007199254740992"},
        {9007199254740994.0, "9007199254740994"},
        {1e300, "1e+300"},
        {1e-7, "1e-07"},
    };
    char buf[40];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_string_equal(cm_format_double(cases[i].v, buf, sizeof buf), cases[i].text);
    /* Every double reads back exactly. */
    locale_t c_numeric = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    assert_non_null(c_numeric);
    uint64_t x = 0x123456789abcdefULL;
    for (int i = 0; i < 100000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double v;
        memcpy(&v, &x, sizeof v);
        if (v != v || v - v != 0)
            continue;
        cm_format_double(v, buf, sizeof buf);
        double back;
        assert_int_equal(
            cm_parse_number(buf, strlen(buf), &back) == CM_PARSE_OK || strchr(buf, 'e') != NULL, 1);
        /* strtod reads by the locale's decimal point: read as C does. */
        locale_t user = uselocale(c_numeric);
        double exact = strtod(buf, NULL);
        uselocale(user);
        assert_true(exact == v);
    }
    freelocale(c_numeric);
}

/* The printf answer cm_format_double must match: the shortest of %.15g,
   %.16g and %.17g that reads back (in the "C" locale), integers as such. */
static void format_by_printf(double v, char *buf, size_t size, locale_t c_numeric)
{
    if (v <= 9007199254740992.0 && v >= -9007199254740992.0 && v == (double)(int64_t)v) {
        snprintf(buf, size, "%" PRId64, (int64_t)v);
        return;
    }
    locale_t user = uselocale(c_numeric);
    for (int p = 15; p <= 17; p++) {
        snprintf(buf, size, "%.*g", p, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    uselocale(user);
}

/* Byte for byte what printf writes, over values of every kind: random
   bits, ratios, cents, binary fractions, wide decimals, halves and
   quarters that round on a tie at 15, 16 or 17 digits, large integers,
   neighbours of short decimals. */
static void test_format_double_as_printf(void **state)
{
    (void)state;
    locale_t c_numeric = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    assert_non_null(c_numeric);
    uint64_t x = 88172645463325252ULL;
    char want[64], got[64];
    for (int i = 0; i < 90000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double v;
        switch (i % 9) {
        case 0:
            memcpy(&v, &x, sizeof v);
            if (v != v || v - v != 0)
                continue;
            break;
        case 1:
            v = (double)(x % 1000000007) / (double)((x >> 32) % 100000 + 1);
            break;
        case 2:
            v = (double)(x % 100000) / 100.0;
            break;
        case 3:
            v = ldexp((double)(x >> 11), (int)(x % 80) - 110);
            break;
        case 4:
            v = (double)(x % 10000000000000000ULL) * pow(10, (int)(x >> 58) - 30);
            break;
        case 5:
            v = (double)((x >> 14) | (1ULL << 49)) + 0.5 * (double)((x >> 3) & 1) +
                0.25 * (double)((x >> 5) & 1);
            break;
        case 6:
            v = ldexp((double)((x >> 11) | 1), (int)(x % 20));
            break;
        case 7:
            v = (double)(x % 1000000000000000ULL) / (double)(1ULL << ((x >> 60) + 1));
            break;
        default:
            v = nextafter((double)(x % 1000) / 10.0, (x & 1) ? 1e9 : -1e9);
            break;
        }
        if (x & (1ULL << 40))
            v = -v;
        format_by_printf(v, want, sizeof want, c_numeric);
        cm_format_double(v, got, sizeof got);
        if (strcmp(want, got) != 0)
            fail_msg("%a: printf writes %s, cm_format_double %s", v, want, got);
    }
    freelocale(c_numeric);
}

static void test_messages(void **state)
{
    (void)state;
    for (int e = CM_PARSE_OK; e <= CM_PARSE_RANGE; e++)
        assert_true(strlen(cm_parse_error_str((cm_parse_error)e)) > 0);
    assert_string_equal(cm_value_type_noun(CM_VALUE_COUNT), "a count");
}

int main(void)
{
    /* The library must not depend on the locale: the suite also runs under
       LC_ALL=de_DE.UTF-8 (decimal comma). */
    setlocale(LC_ALL, "");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_count),
        cmocka_unit_test(test_signed_count),
        cmocka_unit_test(test_percent),
        cmocka_unit_test(test_year),
        cmocka_unit_test(test_length_bound),
        cmocka_unit_test(test_format_double),
        cmocka_unit_test(test_format_double_as_printf),
        cmocka_unit_test(test_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
