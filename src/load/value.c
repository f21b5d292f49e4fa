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
#include <math.h>
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

__extension__ typedef unsigned __int128 u128; /* GCC and Clang */

static u128 pow10_u128(int k)
{
    u128 p = 1;
    while (k-- > 0)
        p *= 10;
    return p;
}

/*
 * v > 0 rounded to p significant digits, half to even as printf rounds in
 * the default rounding mode, exactly, in 128-bit integers: v is about
 * *digits * 10^(*exp10 - p + 1), with *digits in [10^(p-1), 10^p).
 * *exact says whether that decimal reads back as v (strtod rounds it to
 * the nearest double, ties to even). Returns false outside the range where
 * the arithmetic is exact (about 1e-6 to 1e30, and subnormals): the caller
 * then asks printf.
 */
static bool round_digits(double v, int p, uint64_t *digits, int *exp10, bool *exact)
{
    int e2;
    double f = frexp(v, &e2); /* v = f * 2^e2, f in [0.5, 1) */
    uint64_t m = (uint64_t)ldexp(f, 53);
    int shift = 53 - e2; /* v = m / 2^shift, m in [2^52, 2^53) */
    if (!(v >= 1e-6 && v < 1e30) || shift > 100)
        return false;
    /* floor(log10(v)), or one less: v is in [2^(e2-1), 2^e2). Corrected
       below. */
    int x = (int)floor((e2 - 1) * 0.30102999566398120);
    const u128 lo = pow10_u128(p - 1), hi = lo * 10;
    for (int tries = 0; tries < 3; tries++) {
        /* v * 10^k = m * up / down, wanted in [10^(p-1), 10^p). */
        int k = p - 1 - x;
        if (k > 22 || k < -30)
            return false;
        u128 up = pow10_u128(k > 0 ? k : 0) << (shift < 0 ? -shift : 0);
        u128 down = pow10_u128(k < 0 ? -k : 0) << (shift > 0 ? shift : 0);
        u128 num = (u128)m * up;
        if (down >> 120)
            return false;
        u128 q, rem;
        if (k >= 0) { /* down is 2^shift (or 1): a shift, not a division */
            int sh = shift > 0 ? shift : 0;
            q = num >> sh;
            rem = num & (down - 1);
        } else {
            q = num / down;
            rem = num % down;
        }
        if (q < lo || q >= hi) {
            x += q < lo ? -1 : 1;
            continue;
        }
        /* Half to even: up when past half, or at half on an odd digit. */
        bool above = 2 * rem > down || (2 * rem == down && (q & 1));
        if (above)
            q++;
        /* The decimal q reads back as v when it lies within half a step of
           v to the next double on its side; a tie goes to the even m. In
           units of 1/down, the step to the next double (2^-shift * 10^k)
           is up; the step below a power of two is half as long. */
        u128 dist = above ? down - rem : rem;
        u128 twice = above || m != UINT64_C(1) << 52 ? 2 * dist : 4 * dist;
        *exact = twice < up || (twice == up && (m & 1) == 0);
        if (q == hi) {
            q = lo;
            x++;
        }
        *digits = (uint64_t)q;
        *exp10 = x;
        return true;
    }
    return false;
}

/* %.{p}g of digits * 10^(exp10 - p + 1), the sign apart, into out. */
static void write_g(char *out, uint64_t digits, int p, int exp10)
{
    char d[20];
    for (int i = p - 1; i >= 0; i--, digits /= 10)
        d[i] = (char)('0' + digits % 10);
    int n = p;
    while (n > 1 && d[n - 1] == '0')
        n--; /* %g drops trailing zeros */
    size_t len = 0;
    if (exp10 < -4 || exp10 >= p) {
        out[len++] = d[0];
        if (n > 1) {
            out[len++] = '.';
            memcpy(out + len, d + 1, (size_t)n - 1);
            len += (size_t)n - 1;
        }
        out[len++] = 'e';
        out[len++] = exp10 < 0 ? '-' : '+';
        int a = exp10 < 0 ? -exp10 : exp10;
        if (a >= 100)
            out[len++] = (char)('0' + a / 100);
        out[len++] = (char)('0' + a / 10 % 10);
        out[len++] = (char)('0' + a % 10);
    } else if (exp10 < 0) {
        out[len++] = '0';
        out[len++] = '.';
        for (int i = -1; i > exp10; i--)
            out[len++] = '0';
        memcpy(out + len, d, (size_t)n);
        len += (size_t)n;
    } else {
        int whole = exp10 + 1; /* digits before the point */
        for (int i = 0; i < whole; i++)
            out[len++] = i < n ? d[i] : '0';
        if (n > whole) {
            out[len++] = '.';
            memcpy(out + len, d + whole, (size_t)(n - whole));
            len += (size_t)(n - whole);
        }
    }
    out[len] = '\0';
}

/* What the printf loop of cm_format_double writes, without printf, in the
   range round_digits covers; false elsewhere. */
static bool format_fast(double v, char *buf, size_t size)
{
    if (size < 32)
        return false;
    char *out = buf;
    if (v < 0) {
        *out++ = '-';
        v = -v;
    }
    for (int p = 15; p <= 17; p++) {
        uint64_t digits;
        int exp10;
        bool exact;
        if (!round_digits(v, p, &digits, &exp10, &exact))
            return false;
        if (exact) {
            write_g(out, digits, p, exp10);
            return true;
        }
    }
    return false; /* never: 17 digits always read back */
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
        int64_t n = (int64_t)v;
        uint64_t u = n < 0 ? 0 - (uint64_t)n : (uint64_t)n;
        char digits[20], *d = digits + sizeof digits;
        do
            *--d = (char)('0' + u % 10);
        while (u /= 10);
        size_t len = (size_t)(digits + sizeof digits - d) + (n < 0);
        if (len >= size) {
            snprintf(buf, size, "%" PRId64, n);
            return buf;
        }
        char *out = buf;
        if (n < 0)
            *out++ = '-';
        memcpy(out, d, (size_t)(digits + sizeof digits - d));
        buf[len] = '\0';
        return buf;
    }
    if (format_fast(v, buf, size))
        return buf;
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
