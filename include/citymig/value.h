/*
 * value.h - strict, locale-independent parsing of field values.
 *
 * A value must be exactly what its type allows: no spaces around it, no
 * thousands separators or decimal commas (a manifest can declare those), no
 * "nan", "inf", hexadecimal or exponents. An empty field is missing, which is
 * never zero; the caller decides whether missing is allowed.
 *
 * Types (SPEC 1.5): count 0..2^53; signed count -2^53..2^53; percent
 * 0..100 (a decimal number); year 1800..2200.
 */
#ifndef CITYMIG_VALUE_H
#define CITYMIG_VALUE_H

#include <stddef.h>
#include <stdint.h>

#define CM_COUNT_MAX ((int64_t)9007199254740992) /* 2^53 */
#define CM_YEAR_MIN  1800
#define CM_YEAR_MAX  2200

typedef enum cm_value_type {
    CM_VALUE_TEXT,
    CM_VALUE_COUNT,
    CM_VALUE_SIGNED_COUNT,
    CM_VALUE_PERCENT,
    CM_VALUE_YEAR,
    CM_VALUE_ENUM
} cm_value_type;

/** Why a value was refused; CM_PARSE_OK when it was not. */
typedef enum cm_parse_error {
    CM_PARSE_OK,
    CM_PARSE_EMPTY,    /* the field is empty: a missing value */
    CM_PARSE_SPACE,    /* leading or trailing white space */
    CM_PARSE_NEGATIVE, /* a minus sign on a count */
    CM_PARSE_SIGN,     /* a plus sign on a count */
    CM_PARSE_DECIMAL,  /* a decimal point where a whole number is expected */
    CM_PARSE_COMMA,    /* a comma: thousands separator or decimal comma */
    CM_PARSE_NAN_INF,  /* nan, inf, infinity */
    CM_PARSE_HEX,      /* 0x... */
    CM_PARSE_EXPONENT, /* 1e6 */
    CM_PARSE_SYNTAX,   /* anything else that is not a number */
    CM_PARSE_RANGE     /* a number outside the type's range */
} cm_parse_error;

/** Parses a count (0..2^53). */
cm_parse_error cm_parse_count(const char *s, size_t len, int64_t *out);

/** Parses a signed count (-2^53..2^53); a leading '+' or '-' is allowed. */
cm_parse_error cm_parse_signed_count(const char *s, size_t len, int64_t *out);

/** Parses a percent (0..100), such as 36.7 or 100, correctly rounded. */
cm_parse_error cm_parse_percent(const char *s, size_t len, double *out);

/** Parses a decimal number of any size and sign (-10, 5.5), as for thresholds. */
cm_parse_error cm_parse_number(const char *s, size_t len, double *out);

/** Parses a year (1800..2200). */
cm_parse_error cm_parse_year(const char *s, size_t len, int32_t *out);

/*
 * Writes v in the shortest form that reads back as exactly v ("36.7", not
 * "36.700000000000003"), always with '.' as the decimal point. Returns buf.
 * NaN and infinities are written as "nan" and "inf"; callers that write
 * data never pass them.
 */
char *cm_format_double(double v, char *buf, size_t size);

/** "a count", "a percent", ... for messages. */
const char *cm_value_type_noun(cm_value_type type);

/** What a value of the type must look like, for messages. */
const char *cm_value_type_expected(cm_value_type type);

/** Why a value was refused, for messages (never NULL). */
const char *cm_parse_error_str(cm_parse_error err);

#endif
