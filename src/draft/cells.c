/*
 * cells.c - what the cells of each column are: numbers and how they are
 * written (separators, status letters), the file's thousands separator
 * and decimal mark, missing tokens, years and periods, codes and names,
 * and the distinct values; a cell's text as the draft judges it and as
 * the loader compares it, and the rows the filters keep.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum { DISTINCT_CAP = 4096 }; /* distinct values kept per column */

/* ---- numbers ---- */

/* Digits of s from *i; returns how many. */
static size_t digits(const char *s, size_t n, size_t *i)
{
    size_t k = 0;
    while (*i < n && dr_is_digit((unsigned char)s[*i]))
        (*i)++, k++;
    return k;
}

/* The shape of s[0..n): its separators, sign aside. */
static shape shape_of(const char *s, size_t n)
{
    size_t i = 0;
    if (n && s[0] == '-')
        i++;
    size_t lead = digits(s, n, &i);
    if (!lead)
        return SHAPE_NONE;
    if (i == n)
        return SHAPE_INT;
    char sep = s[i];
    if (sep != ',' && sep != '.' && sep != ' ' && sep != '\'')
        return SHAPE_NONE;
    /* Groups of three after the separator. */
    size_t groups = 0, j = i;
    while (j < n && s[j] == sep) {
        size_t k = j + 1, d = digits(s, n, &k);
        if (d != 3)
            break;
        groups++;
        j = k;
    }
    if (lead <= 3 && groups >= 1 &&
        (j == n || (s[j] != sep && !dr_is_digit((unsigned char)s[j])))) {
        /* Proper groups, maybe then a decimal part with the other mark. */
        if (j < n) {
            char dec = s[j];
            size_t k = j + 1;
            if ((dec != '.' && dec != ',') || dec == sep || !digits(s, n, &k) || k != n)
                return SHAPE_NONE;
            return sep == ','   ? SHAPE_GROUP_COMMA
                   : sep == '.' ? SHAPE_GROUP_PERIOD
                   : sep == ' ' ? SHAPE_GROUP_SPACE
                                : SHAPE_GROUP_APOS;
        }
        if (groups == 1 && sep == ',')
            return SHAPE_AMBIG_COMMA;
        if (groups == 1 && sep == '.')
            return SHAPE_AMBIG_PERIOD;
        return sep == ','   ? SHAPE_GROUP_COMMA
               : sep == '.' ? SHAPE_GROUP_PERIOD
               : sep == ' ' ? SHAPE_GROUP_SPACE
                            : SHAPE_GROUP_APOS;
    }
    /* A decimal: one mark, digits after it. */
    if (sep != '.' && sep != ',')
        return SHAPE_NONE;
    size_t k = i + 1;
    if (!digits(s, n, &k) || k != n)
        return SHAPE_NONE;
    return sep == '.' ? SHAPE_DEC_PERIOD : SHAPE_DEC_COMMA;
}

/* The length of s[0..n) without status letters after a number (Eurostat's
   "2894476 e", "66352469 bp"), or n when it has none. */
size_t dr_without_flags(const char *s, size_t n)
{
    size_t k = n;
    while (k && s[k - 1] >= 'a' && s[k - 1] <= 'z' && n - k < 3)
        k--;
    if (k == n || k < 2 || s[k - 1] != ' ' || !dr_is_digit((unsigned char)s[k - 2]))
        return n;
    return k - 1;
}

/*
 * The number s[0..n) writes under a file's thousands separator and decimal
 * mark (0: none declared; the decimal mark is then '.'), as the loader reads
 * it: groups of three only. False when it is not one.
 */
bool dr_number_of(const char *s, size_t n, char thousands, char decimal, double *out, bool *whole)
{
    char buf[64];
    size_t o = 0, i = 0;
    char dec = decimal ? decimal : '.';
    if (n == 0 || n >= sizeof buf)
        return false;
    if (s[0] == '-')
        buf[o++] = s[i++];
    size_t lead = 0;
    while (i < n && dr_is_digit((unsigned char)s[i]))
        buf[o++] = s[i++], lead++;
    if (!lead)
        return false;
    if (thousands && i < n && s[i] == thousands && lead <= 3) {
        while (i < n && s[i] == thousands) {
            size_t k = i + 1, d = 0;
            while (k < n && dr_is_digit((unsigned char)s[k]) && d < 4)
                k++, d++;
            if (d != 3)
                return false;
            memcpy(buf + o, s + i + 1, 3);
            o += 3;
            i = k;
        }
    }
    *whole = true;
    if (i < n && s[i] == dec) {
        buf[o++] = '.';
        i++;
        size_t d = 0;
        while (i < n && dr_is_digit((unsigned char)s[i]))
            buf[o++] = s[i++], d++;
        if (!d)
            return false;
        *whole = false;
    }
    if (i != n)
        return false;
    buf[o] = '\0';
    *out = strtod(buf, NULL);
    if (!*whole) {
        /* 12.000 is whole too. */
        const char *point = strchr(buf, '.');
        bool zeros = true;
        for (const char *q = point + 1; *q; q++)
            zeros &= *q == '0';
        *whole = zeros;
    }
    return true;
}

/* ---- missing tokens ---- */

/* The missing tokens the draft knows, in the order it writes them. */
const char *const dr_missing_tokens[] = {"..",   "...",  "-",  "\xe2\x80\x93", ":", "NaN", "nan",
                                         "null", "NULL", "NA", "n/a",          "x", "X"};

static int token_of(const char *s)
{
    for (int k = 0; k < NTOKENS; k++)
        if (strcmp(s, dr_missing_tokens[k]) == 0)
            return k;
    return -1;
}

/* ---- a cell's text, and the rows kept ---- */

/* The text of a data cell as the draft judges it: trimmed. */
const char *dr_value_at(const dfile *f, size_t r, size_t c, size_t *len)
{
    const char *s = dr_cell_text(&f->g, r, c);
    size_t n = dr_cell_len(&f->g, r, c);
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    *len = n;
    return s;
}

/* The text of a source cell as the loader compares it: as written, or
   trimmed under trim = yes (and the Eurostat preset). */
const char *dr_source_text(const dfile *f, size_t r, size_t col, size_t *len)
{
    if (f->trim || f->eurostat)
        return dr_value_at(f, r, col, len);
    *len = dr_cell_len(&f->g, r, col);
    return dr_cell_text(&f->g, r, col);
}

bool dr_row_kept(const dfile *f, size_t r)
{
    for (size_t k = 0; k < f->nfilters; k++) {
        const filter *fl = &f->filters[k];
        if (fl->off)
            continue;
        size_t n;
        const char *v = dr_source_text(f, r, fl->col, &n);
        bool match = false;
        for (size_t i = 0; i < fl->nitems && !match; i++)
            match = strlen(fl->items[i]) == n && memcmp(fl->items[i], v, n) == 0;
        if (match != fl->keep)
            return false;
    }
    return true;
}

/* ---- years and periods ---- */

static bool all_upper(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!dr_is_upper((unsigned char)s[i]))
            return false;
    return n > 0;
}

/* A period: a year with more around it ("2015Q3", "2019. 1/4", "2017-2018"). */
static bool period_like(const char *s, size_t n)
{
    if (n <= 4 || n > 24)
        return false;
    char buf[32];
    memcpy(buf, s, n);
    buf[n] = '\0';
    return dr_year_inside(buf) != 0 && (dr_is_digit((unsigned char)s[0]));
}

/* The year a period writes: the second year when it names two (a span ends
   there), else the first. */
int32_t dr_period_year(const char *s)
{
    int32_t first = dr_year_inside(s);
    if (!first)
        return 0;
    char y[8];
    snprintf(y, sizeof y, "%d", (int)first);
    const char *p = strstr(s, y);
    int32_t second = p ? dr_year_inside(p + 4) : 0;
    return second ? second : first;
}

/* ---- the profile of each column ---- */

/* Counts the shapes and missing tokens of every column, in the rows kept. */
static void profile_shapes(dfile *f)
{
    for (size_t r = f->data_from; r < f->data_to; r++) {
        if (!dr_row_kept(f, r))
            continue;
        for (size_t c = 0; c < f->ncols; c++) {
            column *col = &f->cols[c];
            size_t n, raw = dr_cell_len(&f->g, r, c);
            const char *s = dr_value_at(f, r, c, &n);
            if (n != raw)
                col->spaced++;
            if (n == 0) {
                col->empty++;
                continue;
            }
            char buf[8];
            int tok = -1;
            if (n < sizeof buf) {
                memcpy(buf, s, n);
                buf[n] = '\0';
                tok = token_of(buf);
            }
            if (tok >= 0) {
                col->tokens[tok]++;
                continue;
            }
            col->nonempty++;
            shape sh = shape_of(s, n);
            size_t bare = dr_without_flags(s, n);
            if (sh == SHAPE_NONE && bare < n && shape_of(s, bare) != SHAPE_NONE) {
                sh = shape_of(s, bare);
                col->flagged++;
            }
            col->shapes[sh]++;
        }
    }
}

/* The file's thousands separator and decimal mark, from the shapes of its
   numbers; said when say. */
static void choose_marks(dfile *f, bool say)
{
    size_t sum[SHAPE_COUNT] = {0};
    for (size_t c = 0; c < f->ncols; c++) {
        const column *col = &f->cols[c];
        size_t numbers = 0;
        for (int s = SHAPE_INT; s < SHAPE_COUNT; s++)
            numbers += col->shapes[s];
        if (numbers * 2 < col->nonempty)
            continue; /* a text column */
        for (int s = 0; s < SHAPE_COUNT; s++)
            sum[s] += col->shapes[s];
    }
    f->thousands = f->decimal = 0;
    if (sum[SHAPE_DEC_COMMA] > 0 && sum[SHAPE_GROUP_COMMA] == 0) {
        f->decimal = ',';
        if (sum[SHAPE_GROUP_PERIOD] + sum[SHAPE_AMBIG_PERIOD] > 0 && sum[SHAPE_DEC_PERIOD] == 0)
            f->thousands = '.';
        else if (sum[SHAPE_GROUP_SPACE] > 0)
            f->thousands = ' ';
        if (say)
            dr_why_line(f, "decimal comma: %zu numbers such as 12,5%s", sum[SHAPE_DEC_COMMA],
                        f->thousands == '.'   ? ", and groups of thousands with periods (1.234,5)"
                        : f->thousands == ' ' ? ", and groups of thousands with spaces (1 234,5)"
                                              : "");
        return;
    }
    size_t comma = sum[SHAPE_GROUP_COMMA] + sum[SHAPE_AMBIG_COMMA];
    size_t period = sum[SHAPE_DEC_PERIOD] == 0 ? sum[SHAPE_GROUP_PERIOD] : 0;
    size_t space = sum[SHAPE_GROUP_SPACE], apos = sum[SHAPE_GROUP_APOS];
    size_t most = comma > period ? comma : period;
    most = most > space ? most : space;
    most = most > apos ? most : apos;
    if (!most)
        return;
    if (most == comma) {
        f->thousands = ',';
        if (say)
            dr_why_line(f,
                        "thousands comma: %zu numbers with groups of three digits after commas, "
                        "such as 7,538",
                        comma);
    } else if (most == period) {
        f->thousands = '.';
        if (sum[SHAPE_AMBIG_PERIOD])
            f->decimal = ',';
        if (say)
            dr_why_line(f,
                        "thousands period: %zu numbers such as 1.234.567, and none with a decimal "
                        "point",
                        period);
    } else if (most == space) {
        f->thousands = ' ';
        if (say)
            dr_why_line(f, "thousands space: %zu numbers such as 1 234", space);
    } else {
        f->thousands = '\'';
        if (say)
            dr_why_line(f, "thousands apostrophe: %zu numbers such as 1'234", apos);
    }
}

/* What each column holds, under the file's marks. */
static cm_status profile_values(dfile *f)
{
    for (size_t c = 0; c < f->ncols; c++) {
        column *col = &f->cols[c];
        col->min = INFINITY;
        col->max = -INFINITY;
        if (!(col->values = cm_strpool_new()))
            return CM_ERR_NOMEM;
    }
    for (size_t r = f->data_from; r < f->data_to; r++) {
        if (!dr_row_kept(f, r))
            continue;
        for (size_t c = 0; c < f->ncols; c++) {
            column *col = &f->cols[c];
            size_t n;
            const char *s = dr_value_at(f, r, c, &n);
            if (n == 0)
                continue;
            char buf[8];
            if (n < sizeof buf) {
                memcpy(buf, s, n);
                buf[n] = '\0';
                if (token_of(buf) >= 0)
                    continue;
            }
            /* Distinct values. */
            size_t before = cm_strpool_count(col->values);
            uint32_t id = 0;
            if (before < DISTINCT_CAP || (id = cm_strpool_find(col->values, s, n)) != 0) {
                if (!id && !(id = cm_strpool_intern(col->values, s, n)))
                    return CM_ERR_NOMEM;
                if (id >= col->counts_cap) {
                    size_t cap = col->counts_cap ? col->counts_cap * 2 : 64;
                    while (cap <= id)
                        cap *= 2;
                    size_t *grown = realloc(col->counts, cap * sizeof *grown);
                    if (!grown)
                        return CM_ERR_NOMEM;
                    memset(grown + col->counts_cap, 0, (cap - col->counts_cap) * sizeof *grown);
                    col->counts = grown;
                    col->counts_cap = cap;
                }
                col->counts[id]++;
            } else {
                col->many = true;
            }
            double v;
            bool whole;
            size_t bare = f->flags ? dr_without_flags(s, n) : n;
            if (dr_number_of(s, bare, f->thousands, f->decimal, &v, &whole)) {
                col->numbers++;
                col->whole += whole;
                col->fraction += !whole;
                col->negative += v < 0;
                col->percents += v >= 0 && v <= 100;
                if (v < col->min)
                    col->min = v;
                if (v > col->max)
                    col->max = v;
                col->years += n == 4 && whole && v >= CM_YEAR_MIN && v <= CM_YEAR_MAX;
            } else if (period_like(s, n)) {
                col->periods++;
            }
            if (n == 3 && all_upper(s, n))
                col->iso3++;
            else if (n == 2 && all_upper(s, n))
                col->iso2++;
            bool digits_only = true, space = false, lower = false, digit = false;
            for (size_t i = 0; i < n; i++) {
                unsigned char ch = (unsigned char)s[i];
                digits_only &= dr_is_digit(ch);
                digit |= dr_is_digit(ch);
                space |= ch == ' ';
                lower |= ch >= 'a' && ch <= 'z';
            }
            col->numeric += digits_only;
            /* A code: short, no space, not a lowercase word ("Acre" is a name). */
            if (!space && n <= 20 && (digit || !lower))
                col->codes++;
            if (space || lower || (unsigned char)s[0] >= 0x80)
                col->worded++;
        }
    }
    return CM_OK;
}

/* The columns, from the header. */
cm_status dr_make_columns(dfile *f)
{
    const grid *g = &f->g;
    f->ncols = g->recs[f->header].n;
    f->cols = calloc(f->ncols ? f->ncols : 1, sizeof *f->cols);
    if (!f->cols)
        return CM_ERR_NOMEM;
    for (size_t c = 0; c < f->ncols; c++) {
        f->cols[c].index = c;
        f->cols[c].name = dr_cell_text(g, f->header, c);
        f->cols[c].header_year = dr_year_of(f->cols[c].name, dr_cell_len(g, f->header, c));
    }
    profile_shapes(f);
    choose_marks(f, false);
    /* Status letters after numbers, outside Eurostat's preset: flags = yes. */
    size_t flagged = 0, where = 0;
    for (size_t c = 0; c < f->ncols && !f->eurostat; c++)
        if (f->cols[c].flagged > flagged)
            flagged = f->cols[c].flagged, where = c;
    if (flagged) {
        f->flags = true;
        dr_why_line(f,
                    "flags = yes: %zu numbers of %s are followed by status letters (\"2894476 e\")",
                    flagged, f->cols[where].name);
    }
    return profile_values(f);
}

/* The columns again, in the rows the filters keep. */
cm_status dr_reprofile(dfile *f, bool say)
{
    for (size_t c = 0; c < f->ncols; c++) {
        column *col = &f->cols[c];
        cm_strpool_free(col->values);
        free(col->counts);
        column fresh = {0};
        fresh.index = col->index;
        fresh.name = col->name;
        fresh.header_year = col->header_year;
        *col = fresh;
    }
    profile_shapes(f);
    choose_marks(f, say);
    return profile_values(f);
}

/* ---- what a column holds ---- */

/* Of the column's non-empty cells, the share that are numbers. */
bool dr_is_numeric(const column *col)
{
    return col->numbers > 0 && col->numbers == col->nonempty;
}

/* Counts (fractions rounded), non-negative. */
bool dr_holds_counts(const column *col)
{
    return dr_is_numeric(col) && col->negative == 0;
}

bool dr_holds_percents(const column *col)
{
    return dr_is_numeric(col) && col->percents == col->numbers;
}

bool dr_holds_years(const column *col)
{
    return col->nonempty > 0 && col->years == col->nonempty;
}

bool dr_holds_periods(const column *col)
{
    return col->nonempty > 0 && col->periods + col->years == col->nonempty && col->periods > 0;
}

size_t dr_ndistinct(const column *col)
{
    return col->values ? cm_strpool_count(col->values) : 0;
}

/* The i-th distinct value (from 1) and its count. */
const char *dr_distinct_value(const column *col, uint32_t id, size_t *count)
{
    if (count)
        *count = id < col->counts_cap ? col->counts[id] : 0;
    return cm_strpool_str(col->values, id);
}

/* ---- the missing tokens the manifest declares ---- */

/* The missing tokens: those seen in columns of numbers (a filter that drops
   them from a required column says them already). */
void dr_guess_missing(dfile *f)
{
    for (int k = 0; k < NTOKENS; k++) {
        size_t cells = 0, columns = 0;
        for (size_t c = 0; c < f->ncols; c++) {
            const column *col = &f->cols[c];
            if (!col->tokens[k] || col->numbers == 0)
                continue;
            bool filtered = false;
            for (size_t i = 0; i < f->nfilters; i++)
                if (f->filters[i].col == c && !f->filters[i].keep)
                    for (size_t j = 0; j < f->filters[i].nitems; j++)
                        filtered |= strcmp(f->filters[i].items[j], dr_missing_tokens[k]) == 0;
            if (filtered)
                continue;
            cells += col->tokens[k];
            columns++;
        }
        /* The Eurostat preset reads ":" as missing already. */
        if (!cells || (f->eurostat && strcmp(dr_missing_tokens[k], ":") == 0))
            continue;
        f->token_seen[k] = true;
        dr_why_line(f, "missing %s: %zu cells of %zu columns of numbers hold it",
                    dr_missing_tokens[k], cells, columns);
    }
}
