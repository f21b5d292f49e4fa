/*
 * value.c - strict number parsing.
 *
 * Digits are converted by hand: no strtol/strtod, whose behaviour depends on
 * the locale (the decimal point) and which accept spaces, signs, hex and
 * "nan". A decimal with at most 15 significant digits is converted exactly
 * as m / 10^k (both exact doubles, so the quotient is correctly rounded);
 * longer ones go through strtod_l in the "C" locale.
 */
#define _GNU_SOURCE
#include "citymig/value.h"

#include <inttypes.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f' ||
           c == 0xa0; /* a stray Latin-1 no-break space byte; the UTF-8 form starts 0xc2 */
}

static bool ieq_prefix(const char *s, size_t len, const char *word)
{
    size_t n = strlen(word);
    if (len < n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != word[i])
            return false;
    }
    return true;
}

/* Explains a string that failed the digit grammar. */
static cm_parse_error classify(const char *s, size_t len, bool whole)
{
    const unsigned char *u = (const unsigned char *)s;
    if (is_space(u[0]) || is_space(u[len - 1]) ||
        (len >= 2 && u[len - 2] == 0xc2 && u[len - 1] == 0xa0) ||
        (len >= 2 && u[0] == 0xc2 && u[1] == 0xa0))
        return CM_PARSE_SPACE;
    size_t i = 0;
    if (s[0] == '-' || s[0] == '+')
        i = 1;
    if (ieq_prefix(s + i, len - i, "nan") || ieq_prefix(s + i, len - i, "inf"))
        return CM_PARSE_NAN_INF;
    if (len - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X'))
        return CM_PARSE_HEX;
    bool digits = false, comma = false, point = false, exponent = false;
    for (size_t k = i; k < len; k++) {
        char c = s[k];
        if (c >= '0' && c <= '9')
            digits = true;
        else if (c == ',')
            comma = true;
        else if (c == '.')
            point = true;
        else if ((c == 'e' || c == 'E') && digits)
            exponent = true;
        else
            return CM_PARSE_SYNTAX;
    }
    if (!digits)
        return CM_PARSE_SYNTAX;
    if (comma)
        return CM_PARSE_COMMA;
    if (exponent)
        return CM_PARSE_EXPONENT;
    if (point && whole)
        return CM_PARSE_DECIMAL;
    return CM_PARSE_SYNTAX;
}

/* Digits only, at most 2^53; no sign. */
static cm_parse_error parse_digits(const char *s, size_t len, int64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    if (len == 0)
        return CM_PARSE_SYNTAX;
    for (; i < len; i++) {
        unsigned d = (unsigned char)s[i] - '0';
        if (d > 9)
            return CM_PARSE_SYNTAX;
        if (v > (uint64_t)CM_COUNT_MAX) /* keep scanning for syntax, stop growing */
            continue;
        v = v * 10 + d;
    }
    if (v > (uint64_t)CM_COUNT_MAX)
        return CM_PARSE_RANGE;
    *out = (int64_t)v;
    return CM_PARSE_OK;
}

cm_parse_error cm_parse_count(const char *s, size_t len, int64_t *out)
{
    if (len == 0)
        return CM_PARSE_EMPTY;
    cm_parse_error e = parse_digits(s, len, out);
    if (e != CM_PARSE_SYNTAX)
        return e;
    e = classify(s, len, true);
    if (e == CM_PARSE_SYNTAX && (s[0] == '-' || s[0] == '+')) {
        int64_t v;
        cm_parse_error rest = parse_digits(s + 1, len - 1, &v);
        if (rest == CM_PARSE_OK || rest == CM_PARSE_RANGE)
            return s[0] == '-' ? CM_PARSE_NEGATIVE : CM_PARSE_SIGN;
    }
    return e;
}

cm_parse_error cm_parse_signed_count(const char *s, size_t len, int64_t *out)
{
    if (len == 0)
        return CM_PARSE_EMPTY;
    size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
    int64_t v;
    cm_parse_error e = parse_digits(s + i, len - i, &v);
    if (e == CM_PARSE_OK) {
        *out = s[0] == '-' ? -v : v;
        return CM_PARSE_OK;
    }
    if (e == CM_PARSE_RANGE)
        return e;
    return classify(s, len, true);
}

static double pow10_exact(unsigned k)
{
    static const double p[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                               1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    return p[k];
}

/* strtod in the "C" locale, for long decimals that passed the grammar. */
static double c_strtod(const char *s, size_t len)
{
    char buf[512];
    if (len >= sizeof buf)
        len = sizeof buf - 1; /* digits past 500 cannot change a double */
    memcpy(buf, s, len);
    buf[len] = '\0';
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (c == (locale_t)0)
        return strtod(buf, NULL); /* only '.' and digits: same in every locale
                                     whose decimal point is '.' */
    double v = strtod_l(buf, NULL, c);
    freelocale(c);
    return v;
}

/* [+-]digits[.digits], correctly rounded; no range check. */
static cm_parse_error parse_decimal(const char *s, size_t len, double *out)
{
    size_t i = 0;
    bool negative = false;
    if (s[0] == '-' || s[0] == '+') {
        negative = s[0] == '-';
        i = 1;
    }
    /* Grammar: digits [ '.' digits ] */
    size_t int_start = i;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    size_t int_digits = i - int_start, frac_digits = 0;
    if (i < len && s[i] == '.') {
        i++;
        size_t frac_start = i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        frac_digits = i - frac_start;
        if (frac_digits == 0)
            return CM_PARSE_SYNTAX;
    }
    if (i != len || int_digits == 0)
        return classify(s, len, false);

    /* Significant digits: skip leading zeros. */
    uint64_t m = 0;
    size_t sig = 0;
    bool exact = true;
    for (size_t k = int_start; k < len; k++) {
        if (s[k] == '.')
            continue;
        if (m == 0 && s[k] == '0')
            continue;
        if (++sig > 15) {
            exact = false;
            break;
        }
        m = m * 10 + (uint64_t)(s[k] - '0');
    }
    double v;
    if (exact && frac_digits <= 22)
        v = (double)m / pow10_exact((unsigned)frac_digits);
    else
        v = c_strtod(s + int_start, len - int_start);
    *out = negative && v != 0 ? -v : v; /* "-0" reads as 0 */
    return CM_PARSE_OK;
}

cm_parse_error cm_parse_number(const char *s, size_t len, double *out)
{
    if (len == 0)
        return CM_PARSE_EMPTY;
    return parse_decimal(s, len, out);
}

cm_parse_error cm_parse_percent(const char *s, size_t len, double *out)
{
    double v;
    if (len == 0)
        return CM_PARSE_EMPTY;
    cm_parse_error e = parse_decimal(s, len, &v);
    if (e != CM_PARSE_OK)
        return e;
    if (v < 0 || v > 100.0)
        return CM_PARSE_RANGE;
    *out = v;
    return CM_PARSE_OK;
}

cm_parse_error cm_parse_year(const char *s, size_t len, int32_t *out)
{
    int64_t v = 0;
    cm_parse_error e = cm_parse_count(s, len, &v);
    if (e == CM_PARSE_NEGATIVE)
        return CM_PARSE_RANGE;
    if (e == CM_PARSE_RANGE || (e == CM_PARSE_OK && (v < CM_YEAR_MIN || v > CM_YEAR_MAX)))
        return CM_PARSE_RANGE;
    if (e == CM_PARSE_OK)
        *out = (int32_t)v;
    return e;
}

char *cm_format_double(double v, char *buf, size_t size)
{
    if (v != v) {
        snprintf(buf, size, "nan");
        return buf;
    }
    if (v > 1.7976931348623157e308 || v < -1.7976931348623157e308) {
        snprintf(buf, size, v > 0 ? "inf" : "-inf");
        return buf;
    }
    /* Whole numbers that doubles hold exactly are written as integers:
       8663300, not 8.6633e+06. */
    if (v <= 9007199254740992.0 && v >= -9007199254740992.0 && v == (double)(int64_t)v) {
        snprintf(buf, size, "%" PRId64, (int64_t)v);
        return buf;
    }
    /* Any decimal of 15 significant digits survives a round trip through a
       double, and %g drops trailing zeros: when 15 digits read back as v,
       nothing shorter can. Otherwise 16, and 17 always does. Formatting and
       reading back use the same locale; the decimal point becomes '.'. */
    for (int precision = 15; precision <= 17; precision++) {
        snprintf(buf, size, "%.*g", precision, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    for (char *p = buf; *p; p++)
        if (*p == ',')
            *p = '.';
    return buf;
}

const char *cm_value_type_noun(cm_value_type type)
{
    switch (type) {
    case CM_VALUE_TEXT:
        return "text";
    case CM_VALUE_COUNT:
        return "a count";
    case CM_VALUE_SIGNED_COUNT:
        return "a signed count";
    case CM_VALUE_PERCENT:
        return "a percent";
    case CM_VALUE_YEAR:
        return "a year";
    case CM_VALUE_ENUM:
        return "one of the allowed values";
    }
    return "a value";
}

const char *cm_value_type_expected(cm_value_type type)
{
    switch (type) {
    case CM_VALUE_COUNT:
        return "a whole number from 0 to 9007199254740992 (2^53), digits only";
    case CM_VALUE_SIGNED_COUNT:
        return "a whole number from -9007199254740992 to 9007199254740992, digits and an "
               "optional sign";
    case CM_VALUE_PERCENT:
        return "a decimal number from 0 to 100, such as 36.7";
    case CM_VALUE_YEAR:
        return "a year from 1800 to 2200";
    case CM_VALUE_TEXT:
    case CM_VALUE_ENUM:
        break;
    }
    return "a value";
}

const char *cm_parse_error_str(cm_parse_error err)
{
    switch (err) {
    case CM_PARSE_OK:
        return "valid";
    case CM_PARSE_EMPTY:
        return "empty";
    case CM_PARSE_SPACE:
        return "leading or trailing space";
    case CM_PARSE_NEGATIVE:
        return "negative";
    case CM_PARSE_SIGN:
        return "a count has no sign";
    case CM_PARSE_DECIMAL:
        return "has a decimal point";
    case CM_PARSE_COMMA:
        return "has a comma: a thousands separator or decimal comma must be declared in a "
               "manifest";
    case CM_PARSE_NAN_INF:
        return "not a number; leave the field empty for a missing value";
    case CM_PARSE_HEX:
        return "hexadecimal is not allowed";
    case CM_PARSE_EXPONENT:
        return "exponent notation is not allowed";
    case CM_PARSE_SYNTAX:
        return "not a number";
    case CM_PARSE_RANGE:
        return "out of range";
    }
    return "invalid";
}
