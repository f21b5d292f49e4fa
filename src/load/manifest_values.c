/*
 * manifest_values.c - one source value made a canonical one: missing
 * tokens, value maps, publishers' status flags, numbers with their marks,
 * scale and rounding, and years out of periods.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "manifest_internal.h"

/* ---- values ------------------------------------------------------------------ */

/* Digits with the declared thousands separator and decimal mark, written
   plainly ("7,538.5" -> "7538.5"). False when the text is not such a
   number: it is then left as it is, for the loader to judge. */
static bool plain_number(const source *s, const char *in, char *out, size_t size)
{
    char dec = s->decimal ? s->decimal : '.';
    char sep = s->thousands;
    size_t o = 0, i = 0, n = strlen(in);
    if (n == 0 || n >= size - 1)
        return false;
    if (in[0] == '-' || in[0] == '+')
        out[o++] = in[i++];
    size_t group = 0, groups = 0;
    bool digits = false;
    for (; i < n && in[i] != dec; i++) {
        if (in[i] >= '0' && in[i] <= '9') {
            out[o++] = in[i];
            group++;
            digits = true;
        } else if (sep && in[i] == sep) {
            /* The first group has 1 to 3 digits, every later one 3. */
            if ((groups == 0 && (group == 0 || group > 3)) || (groups > 0 && group != 3))
                return false;
            groups++;
            group = 0;
        } else {
            return false;
        }
    }
    if (!digits || (groups > 0 && group != 3))
        return false;
    if (i < n) {
        out[o++] = '.';
        i++;
        size_t frac = 0;
        for (; i < n; i++, frac++) {
            if (in[i] < '0' || in[i] > '9')
                return false;
            out[o++] = in[i];
        }
        if (frac == 0)
            return false;
    }
    out[o] = '\0';
    return true;
}

/* Multiplies a plain decimal number by a power of ten, exactly. */
static bool shift_decimal(char *num, size_t size, unsigned k)
{
    char *point = strchr(num, '.');
    size_t int_len = point ? (size_t)(point - num) : strlen(num);
    char frac[64] = "";
    if (point)
        snprintf(frac, sizeof frac, "%s", point + 1);
    size_t frac_len = strlen(frac);
    if (int_len + k + 2 >= size)
        return false;
    char out[128];
    size_t o = 0;
    memcpy(out, num, int_len);
    o = int_len;
    for (unsigned d = 0; d < k; d++)
        out[o++] = d < frac_len ? frac[d] : '0';
    if (frac_len > k) {
        out[o++] = '.';
        for (size_t d = k; d < frac_len; d++)
            out[o++] = frac[d];
    }
    out[o] = '\0';
    /* "0.0005" times 1000 is "0.5", not "0000.5". */
    size_t sign = out[0] == '-' || out[0] == '+';
    size_t z = sign;
    while (out[z] == '0' && out[z + 1] >= '0' && out[z + 1] <= '9')
        z++;
    memmove(out + sign, out + z, strlen(out + z) + 1);
    snprintf(num, size, "%s", out);
    return true;
}

/* Rounds a plain decimal number to a whole one, half away from zero.
   Returns true when it had a fraction. */
static bool round_decimal(char *num)
{
    char *point = strchr(num, '.');
    if (!point)
        return false;
    bool up = point[1] >= '5';
    bool fraction = false;
    for (const char *p = point + 1; *p; p++)
        fraction |= *p != '0';
    *point = '\0';
    if (up) {
        char *p = point - 1;
        while (p >= num && *p == '9') {
            *p = '0';
            p--;
        }
        if (p >= num && *p >= '0' && *p <= '8') {
            (*p)++;
        } else {
            /* All nines: one more digit in front, after any sign. */
            size_t sign = (num[0] == '-' || num[0] == '+') ? 1 : 0;
            memmove(num + sign + 1, num + sign, strlen(num + sign) + 1);
            num[sign] = '1';
        }
    }
    if (strcmp(num, "-0") == 0)
        num[0] = '0', num[1] = '\0';
    return fraction;
}

/*
 * The status flags that Eurostat, the OECD and national offices write
 * after a value, after a space ("2894476 e", "81174000 ep", ": c"), or
 * straight after a ":" (":c"): b break in series, c confidential, d
 * definition differs, e estimated, f forecast, n not significant, p
 * provisional, r revised, s an estimate of the publisher's, u low
 * reliability, z not applicable. Returns the letters (or "" when the value
 * has none) and the length of the value before them.
 */
static const char *status_flags(const char *raw, size_t *value_len)
{
    size_t n = strlen(raw), k = n;
    while (k > 0 && strchr("bcdefnprsuz", raw[k - 1]) && raw[k - 1])
        k--;
    *value_len = n;
    if (k == n || k == 0)
        return "";
    size_t v = k;
    while (v > 0 && raw[v - 1] == ' ')
        v--;
    if (v == k && raw[k - 1] != ':')
        return ""; /* letters straight after a digit: not flags */
    if (v == 0)
        return "";
    *value_len = v;
    return raw + k;
}

/* ---- periods ---------------------------------------------------------------- */

/* Matches text against pattern from the given places; YYYY takes four
   digits (the years are written to years[], at most two), * any run, ?
   one character (a UTF-8 one). */
static bool period_match(const char *pat, const char *text, int32_t *years, int *nyears)
{
    if (!*pat)
        return !*text;
    if (strncmp(pat, "YYYY", 4) == 0) {
        for (int i = 0; i < 4; i++)
            if (text[i] < '0' || text[i] > '9')
                return false;
        int32_t y =
            (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
        int at = *nyears;
        if (at < 2)
            years[at] = y;
        *nyears = at + 1;
        if (period_match(pat + 4, text + 4, years, nyears))
            return true;
        *nyears = at;
        return false;
    }
    if (*pat == '*') {
        for (const char *t = text;; t++) {
            if (period_match(pat + 1, t, years, nyears))
                return true;
            if (!*t)
                return false;
        }
    }
    if (!*text)
        return false;
    if (*pat == '?') {
        const unsigned char *u = (const unsigned char *)text + 1;
        while ((*u & 0xC0) == 0x80)
            u++;
        return period_match(pat + 1, (const char *)u, years, nyears);
    }
    return *pat == *text && period_match(pat + 1, text + 1, years, nyears);
}

bool mf_period_check(const char *pattern, char *why, size_t why_size)
{
    int n = 0;
    for (const char *p = strstr(pattern, "YYYY"); p; p = strstr(p + 4, "YYYY"))
        n++;
    if (n == 0)
        snprintf(why, why_size, "has no YYYY to say where the year is");
    else if (n > 2)
        snprintf(why, why_size, "has %d YYYY; at most two, a first year and a last", n);
    else if (strstr(pattern, "**"))
        snprintf(why, why_size, "has ** (one * matches any text already)");
    else
        return true;
    return false;
}

/* The year of a period, and the year it starts (the same, unless the
   pattern has two YYYY: "2017-2018" with YYYY-YYYY gives 2018 and 2017). */
bool mf_period_year(const char *pattern, const char *text, int32_t *year, int32_t *start)
{
    int32_t years[2] = {0, 0};
    int n = 0;
    if (!period_match(pattern, text, years, &n) || n < 1)
        return false;
    *start = years[0];
    *year = years[n > 1 ? 1 : 0];
    return true;
}

/* The value of canonical column c from a raw source value. buf holds the
   result when it is not raw itself. */
const char *mf_transform(source *s, size_t c, const char *raw, char *buf, size_t size,
                         const char **token)
{
    if (token)
        *token = NULL;
    s->last_marks = 0;
    cm_value_type type = s->def->cols[c].type;
    bool numeric =
        type == CM_VALUE_COUNT || type == CM_VALUE_SIGNED_COUNT || type == CM_VALUE_PERCENT;
    if ((s->flags[c] || (s->flags_all && numeric)) && *raw) {
        size_t len;
        const char *letters = status_flags(raw, &len);
        if (*letters && len < size) {
            for (const char *l = letters; *l; l++) {
                if (s->input)
                    s->input->flags[*l - 'a']++;
                if (*l == 'b')
                    s->last_marks |= MF_MARK_BREAK;
                else if (strchr("efpsu", *l))
                    s->last_marks |= MF_MARK_ESTIMATED;
            }
            if (strchr(letters, 'c')) {
                if (token)
                    *token = "c (confidential)";
                return "";
            }
            memcpy(buf, raw, len);
            buf[len] = '\0';
            raw = buf; /* the value without its flags */
        }
    }
    for (size_t i = 0; i < s->nmissing; i++) {
        if (strcmp(raw, s->missing[i]) == 0) {
            if (token)
                *token = s->missing[i];
            return "";
        }
    }
    if (s->nvmap[c]) {
        const char *to = s->vmap_default[c];
        for (size_t i = 0; i < s->nvmap[c]; i++)
            if (s->vmap[c][i].from && strcmp(raw, s->vmap[c][i].from) == 0)
                to = s->vmap[c][i].to;
        if (to)
            raw = to;
    }
    if (!numeric || !*raw)
        return raw;
    /* plain_number writes buf as it reads: a value already in buf is read
       from a copy, and put back when it is not such a number. */
    bool stripped = raw == buf;
    char bare[128];
    const char *in = raw;
    if (stripped) {
        snprintf(bare, sizeof bare, "%s", buf);
        in = bare;
    }
    if (!plain_number(s, in, buf, size)) {
        if (stripped)
            snprintf(buf, size, "%s", bare);
        return stripped ? buf : raw;
    }
    if (s->scale[c]) {
        const char *f = s->scale[c];
        unsigned zeros = 0;
        bool power = f[0] == '1';
        for (const char *p = f + 1; *p; p++, zeros++)
            power &= *p == '0';
        if (power) {
            shift_decimal(buf, size, zeros);
        } else {
            double v = strtod(buf, NULL) * strtod(f, NULL);
            cm_format_double(v, buf, size);
        }
    }
    if (s->round[c] && round_decimal(buf) && s->input)
        s->input->rounded++;
    return buf;
}
