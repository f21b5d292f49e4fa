/*
 * sniff.c - a download's first 8 MiB made records: the sample read, its
 * encoding guessed (encguess.h) and the text converted to UTF-8 with
 * iconv; the delimiter that gives the same number of fields on most
 * lines; the header, past title and note lines, and the title; notes at
 * the end; a Eurostat bulk TSV's first column split into its dimensions,
 * as the loader's preset does.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "citymig/csvread.h"
#include "citymig/encguess.h"
#include "citymig/utf8.h"
#include "internal.h"

enum {
    SAMPLE_BYTES = 8 * 1024 * 1024, /* read of each file */
    SNIFF_RECORDS = 200,            /* records that choose the delimiter */
    TITLE_RECORDS = 50              /* the header is among the first of these */
};

/* ---- the sample ---- */

/* Reads the first SAMPLE_BYTES of the file. Reported through diag when it
   cannot be read. */
static cm_status read_sample(dfile *f, cm_diag *diag)
{
    int fd = cm_input_open(f->path, f->path, NULL, diag);
    if (fd < 0)
        return CM_ERR_NOINPUT;
    f->raw = malloc(SAMPLE_BYTES + 1);
    if (!f->raw) {
        close(fd);
        return CM_ERR_NOMEM;
    }
    size_t n = 0;
    while (n < SAMPLE_BYTES + 1) {
        ssize_t k = read(fd, f->raw + n, SAMPLE_BYTES + 1 - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            cm_loc loc = {f->path, 0, 0};
            cm_diag_report(diag, CM_SEV_ERROR, &loc, "cannot read: %s", strerror(errno));
            close(fd);
            return CM_ERR_NOINPUT;
        }
        if (k == 0)
            break;
        n += (size_t)k;
    }
    close(fd);
    f->complete = n <= SAMPLE_BYTES;
    f->nraw = n > SAMPLE_BYTES ? SAMPLE_BYTES : n;
    return CM_OK;
}

/* Is the sample binary (a NUL or other control bytes in its first 4 KiB)?
 *at gets the first such byte. */
static bool binary(const unsigned char *p, size_t n, size_t *at)
{
    size_t controls = 0, span = n < 4096 ? n : 4096;
    for (size_t i = 0; i < span; i++) {
        unsigned char c = p[i];
        if (c == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f')) {
            if (!controls)
                *at = i;
            controls++;
            if (c == 0)
                return true;
        }
    }
    return controls * 100 > span;
}

/* The iconv name of an encoding as a manifest writes it. */
static const char *iconv_name(const char *enc)
{
    return strcmp(enc, "windows-1252") == 0 ? "WINDOWS-1252" : enc;
}

/* Converts the sample to UTF-8; a byte with no character becomes U+FFFD.
   A character cut off at the end of the sample is dropped. */
static cm_status to_utf8(dfile *f)
{
    const unsigned char *p = f->raw;
    size_t n = f->nraw;
    if (!f->encoding) {
        if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
            p += 3, n -= 3;
        f->utf8 = malloc(n + 1);
        if (!f->utf8)
            return CM_ERR_NOMEM;
        /* A character cut off by the end of the sample. */
        size_t keep = n;
        if (!f->complete) {
            size_t k = n;
            while (k > 0 && n - k < 4 && (p[k - 1] & 0xC0) == 0x80)
                k--;
            if (k > 0 && p[k - 1] >= 0xC0)
                keep = k - 1;
        }
        /* Bytes that are not UTF-8 (after a byte order mark, which makes the
           file UTF-8 whatever follows) become U+FFFD, as with a code page. */
        if (cm_utf8_valid(p, keep)) {
            memcpy(f->utf8, p, keep);
            f->nutf8 = keep;
        } else {
            free(f->utf8);
            if (!(f->utf8 = malloc(keep * 3 + 1)))
                return CM_ERR_NOMEM;
            size_t o = 0;
            for (size_t i = 0; i < keep;) {
                uint32_t cp;
                size_t len = cm_utf8_decode(p + i, keep - i, &cp);
                if (len) {
                    memcpy(f->utf8 + o, p + i, len);
                    o += len;
                    i += len;
                } else {
                    memcpy(f->utf8 + o, "\xEF\xBF\xBD", 3);
                    o += 3;
                    i++;
                    f->bad_bytes++;
                }
            }
            f->nutf8 = o;
        }
        f->utf8[f->nutf8] = '\0';
        return CM_OK;
    }
    iconv_t cd = iconv_open("UTF-8", iconv_name(f->encoding));
    if (cd == (iconv_t)-1)
        return CM_ERR_INTERNAL;
    size_t cap = n * 4 + 16;
    f->utf8 = malloc(cap);
    if (!f->utf8) {
        iconv_close(cd);
        return CM_ERR_NOMEM;
    }
    char *in = (char *)f->raw, *out = f->utf8;
    size_t inleft = n, outleft = cap - 1;
    while (inleft > 0) {
        size_t r = iconv(cd, &in, &inleft, &out, &outleft);
        if (r != (size_t)-1)
            break;
        if (errno == EILSEQ && outleft >= 3) {
            memcpy(out, "\xEF\xBF\xBD", 3);
            out += 3;
            outleft -= 3;
            in++;
            inleft--;
            f->bad_bytes++;
            continue;
        }
        break; /* EINVAL: cut off at the end; E2BIG cannot be */
    }
    iconv_close(cd);
    f->nutf8 = (size_t)(out - f->utf8);
    f->utf8[f->nutf8] = '\0';
    /* A byte order mark, converted. */
    if (f->nutf8 >= 3 && memcmp(f->utf8, "\xEF\xBB\xBF", 3) == 0) {
        memmove(f->utf8, f->utf8 + 3, f->nutf8 - 2);
        f->nutf8 -= 3;
    }
    return CM_OK;
}

/* ---- the delimiter ---- */

static const struct {
    char c;
    const char *name; /* as the manifest writes it */
} delimiters[] = {{',', "comma"}, {';', "semicolon"}, {'\t', "tab"}, {'|', "pipe"}};

const char *dr_delim_name(char c)
{
    for (size_t k = 0; k < sizeof delimiters / sizeof delimiters[0]; k++)
        if (delimiters[k].c == c)
            return delimiters[k].name;
    return "?";
}

/* The most frequent field count of the first records, and how many have it. */
static size_t mode_fields(const grid *g, size_t *count)
{
    size_t best = 0, most = 0;
    for (size_t r = 0; r < g->nrecs; r++) {
        size_t n = g->recs[r].n, same = 0;
        for (size_t q = 0; q < g->nrecs; q++)
            same += g->recs[q].n == n;
        if (same > most || (same == most && n > best)) {
            most = same;
            best = n;
        }
    }
    *count = most;
    return best;
}

/* The delimiter that gives the same number of fields on most lines. */
static cm_status choose_delimiter(dfile *f)
{
    size_t best_score = 0, best_fields = 0, best_lines = 0;
    int best = -1;
    char report[512] = "";
    size_t o = 0;
    for (size_t k = 0; k < sizeof delimiters / sizeof delimiters[0]; k++) {
        grid g = {0};
        dr_parse_grid(&g, f->utf8, f->nutf8, delimiters[k].c, f->complete, SNIFF_RECORDS);
        if (g.nomem) {
            dr_grid_free(&g);
            return CM_ERR_NOMEM;
        }
        size_t same, fields = mode_fields(&g, &same);
        if (fields >= 2) {
            o += (size_t)snprintf(report + o, sizeof report - o, "%s%s: %zu fields on %zu of %zu",
                                  o ? "; " : "", delimiters[k].name, fields, same, g.nrecs);
            /* Among equals, tab: a tab file whose cells hold commas (Eurostat's) is
               far more common than a CSV with a tab on every line. */
            bool tab = delimiters[k].c == '\t';
            if (same > best_score || (same == best_score && (fields > best_fields || tab))) {
                best = (int)k;
                best_score = same;
                best_fields = fields;
                best_lines = g.nrecs;
            }
        }
        dr_grid_free(&g);
        if (o >= sizeof report)
            o = sizeof report - 1;
    }
    if (best < 0) {
        f->delim = ',';
        dr_why_line(f, "delimiter: comma, for want of another: no delimiter gives two fields or "
                       "more on a line (one column?)");
        return CM_OK;
    }
    f->delim = delimiters[best].c;
    dr_why_line(f, "delimiter %s: %zu fields on %zu of the first %zu lines (%s)",
                delimiters[best].name, best_fields, best_score, best_lines, report);
    return CM_OK;
}

/* ---- the header, the title and the notes ---- */

static size_t nonempty_of(const grid *g, size_t r)
{
    size_t k = 0;
    for (size_t i = 0; i < g->recs[r].n; i++)
        k += dr_cell_len(g, r, i) > 0;
    return k;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* The words of a cell: how many spaces separate its non-space runs, plus 1. */
static size_t words_in(const char *s)
{
    size_t w = 0;
    bool in = false;
    for (; *s; s++) {
        bool space = *s == ' ';
        if (!space && !in)
            w++;
        in = !space;
    }
    return w;
}

/* The header: the first record about as full as the data below it. Lines
   above it are titles and notes; lines at the end unlike the data, notes. */
static void find_header(dfile *f)
{
    grid *g = &f->g;
    f->header = 0;
    f->data_to = g->nrecs;
    if (g->nrecs == 0) {
        f->data_from = 0;
        return;
    }
    /* How full the data is: the median of non-empty cells past the top. */
    size_t from = g->nrecs > 20 ? 10 : g->nrecs / 2, span = g->nrecs - from;
    if (span > 2000)
        span = 2000;
    size_t *full = malloc((span ? span : 1) * sizeof *full);
    size_t median = 1;
    if (full && span) {
        for (size_t k = 0; k < span; k++)
            full[k] = nonempty_of(g, from + k);
        qsort(full, span, sizeof *full, cmp_size);
        median = full[span / 2];
    }
    free(full);
    size_t need = (median * 3 + 3) / 4;
    if (need < 2 && median >= 2)
        need = 2;
    for (size_t r = 0; r < g->nrecs && r < TITLE_RECORDS; r++) {
        if (nonempty_of(g, r) >= need && (g->recs[r].n >= 2 || median < 2)) {
            f->header = r;
            break;
        }
    }
    f->data_from = f->header + 1;
    if (f->header > 0) {
        /* The title: the first title line's text. */
        text t = {0};
        for (size_t i = 0; i < g->recs[0].n; i++) {
            const char *s = dr_cell_text(g, 0, i);
            if (!*s)
                continue;
            /* A table number before the title ("T02") is not of it. */
            if (t.len == 0 && i + 1 < g->recs[0].n && strlen(s) <= 4 && !strchr(s, ' ') &&
                dr_cell_len(g, 0, i + 1) > 0) {
                bool code = false;
                for (const char *q = s; *q; q++)
                    code |= dr_is_digit((unsigned char)*q);
                if (code)
                    continue;
            }
            if (t.len)
                dr_text_add(&t, ",", 1);
            dr_text_add(&t, s, strlen(s));
        }
        f->title = t.s;
        dr_why_line(f,
                    "header at line %llu: the %zu line%s above it %s fewer cells than the %zu of "
                    "the data",
                    (unsigned long long)g->recs[f->header].line, f->header,
                    f->header == 1 ? "" : "s", f->header == 1 ? "has" : "have", median);
    }
    /* Notes at the end of the whole file: other field counts, or a sentence
       alone in its line. */
    if (f->complete) {
        size_t hn = g->recs[f->header].n;
        while (f->data_to > f->data_from && f->notes < 20) {
            size_t r = f->data_to - 1;
            bool other = g->recs[r].n != hn;
            bool sentence = false;
            if (!other && nonempty_of(g, r) == 1)
                for (size_t i = 0; i < g->recs[r].n; i++)
                    sentence |= words_in(dr_cell_text(g, r, i)) >= 3;
            if (!other && !sentence)
                break;
            f->data_to--;
            f->notes++;
        }
    }
}

/* ---- a Eurostat bulk TSV ---- */

/* A Eurostat bulk TSV: a tab file whose first header cell is "a,b\time". */
static bool eurostat_header(const char *s)
{
    const char *bs = strchr(s, '\\');
    if (!bs || bs == s || !bs[1])
        return false;
    for (const char *p = s; p < bs; p++)
        if (!(dr_is_alpha((unsigned char)*p) || dr_is_digit((unsigned char)*p) || *p == '_' ||
              *p == ',' || *p == '-'))
            return false;
    return dr_ieq(bs + 1, "time") || dr_ieq(bs + 1, "time_period") || dr_ieq(bs + 1, "geo") ||
           dr_ieq(bs + 1, "period");
}

/* A value of a Eurostat cell: trimmed, its status flags ("4522292 e",
   ": c") dropped. */
static size_t eurostat_value(const char *s, size_t n, const char **start, bool *flagged)
{
    while (n && *s == ' ')
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    size_t k = n;
    while (k && dr_is_alpha((unsigned char)s[k - 1]))
        k--;
    if (k < n && k > 0 &&
        (s[k - 1] == ' ' || dr_is_digit((unsigned char)s[k - 1]) || s[k - 1] == ':')) {
        *flagged = true;
        n = k;
        while (n && s[n - 1] == ' ')
            n--;
    }
    *start = s;
    return n;
}

/* Rebuilds a Eurostat file's records as the loader's preset reads them:
   the first column split into the dimensions, values trimmed and without
   flags. */
static cm_status eurostat_split(dfile *f)
{
    grid *old = &f->g, g = {0};
    const char *first = dr_cell_text(old, f->header, 0);
    const char *bs = strchr(first, '\\');
    size_t ndims = 1;
    for (const char *p = first; p < bs; p++)
        ndims += *p == ',';
    for (size_t r = 0; r < old->nrecs; r++) {
        size_t start = g.ncells;
        if (r < f->header) {
            for (size_t i = 0; i < old->recs[r].n; i++)
                dr_grid_cell(&g, dr_cell_text(old, r, i), dr_cell_len(old, r, i), false);
            dr_grid_record(&g, start, old->recs[r].line);
            continue;
        }
        const char *c0 = dr_cell_text(old, r, 0);
        const char *end = r == f->header ? bs : c0 + strlen(c0);
        size_t got = 0;
        for (const char *p = c0;; got++) {
            const char *comma = memchr(p, ',', (size_t)(end - p));
            const char *stop = comma ? comma : end;
            if (got < ndims)
                dr_grid_cell(&g, p, (size_t)(stop - p), false);
            if (!comma)
                break;
            p = comma + 1;
        }
        for (got++; got < ndims; got++)
            dr_grid_cell(&g, "", 0, false);
        for (size_t i = 1; i < old->recs[r].n; i++) {
            const char *v;
            bool flagged = false;
            size_t n =
                eurostat_value(dr_cell_text(old, r, i), dr_cell_len(old, r, i), &v, &flagged);
            dr_grid_cell(&g, v, n, false);
        }
        dr_grid_record(&g, start, old->recs[r].line);
    }
    if (g.nomem) {
        dr_grid_free(&g);
        return CM_ERR_NOMEM;
    }
    dr_grid_free(old);
    f->g = g;
    f->ndims = ndims;
    f->eurostat = true;
    return CM_OK;
}

/* ---- a file's records ---- */

/* The first step of a file: its sample read and made records, the header
   found. A file that cannot be drafted (not there, empty, binary, no line of
   text) is reported through diag, and marked failed. */
cm_status dr_sniff(dfile *f, cm_diag *diag)
{
    cm_loc loc = {f->path, 0, 0};
    cm_status st = read_sample(f, diag);
    if (st != CM_OK) {
        f->failed = true;
        return st;
    }
    if (f->nraw == 0) {
        cm_diag_report(diag, CM_SEV_ERROR, &loc,
                       "the file is empty: there is no header to draft from (expected a CSV file "
                       "with a header line)");
        f->failed = true;
        return CM_ERR_DATA;
    }
    char why[600];
    f->encoding = cm_encguess(f->raw, f->nraw, why, sizeof why);
    size_t at = 0;
    bool wide = f->encoding && strncmp(f->encoding, "utf-", 4) == 0;
    if (!wide && binary(f->raw, f->nraw, &at)) {
        bool zip = f->nraw >= 4 && memcmp(f->raw, "PK\x03\x04", 4) == 0;
        cm_diag_report(diag, CM_SEV_ERROR, &loc,
                       "not a text file: byte 0x%02X at offset %zu%s; expected CSV text (save a "
                       "workbook as CSV first)",
                       f->raw[at], at,
                       zip ? " (a zip archive, or a workbook such as .xlsx)" : " (a binary file)");
        f->failed = true;
        return CM_ERR_DATA;
    }
    dr_why_line(f, "encoding %s: %s", f->encoding ? f->encoding : "UTF-8", why);
    if ((st = to_utf8(f)) != CM_OK) {
        f->failed = true;
        return st;
    }
    if (f->bad_bytes)
        dr_why_line(f, "%zu bytes have no character in %s: the loader stops at the first",
                    f->bad_bytes, f->encoding ? f->encoding : "UTF-8");
    if ((st = choose_delimiter(f)) != CM_OK)
        return st;
    dr_parse_grid(&f->g, f->utf8, f->nutf8, f->delim, f->complete, 0);
    if (f->g.nomem)
        return CM_ERR_NOMEM;
    if (f->g.nrecs == 0) {
        cm_diag_report(diag, CM_SEV_ERROR, &loc,
                       "no line of text in the file: there is no header to draft from");
        f->failed = true;
        return CM_ERR_DATA;
    }
    find_header(f);
    if (f->delim == '\t' && eurostat_header(dr_cell_text(&f->g, f->header, 0))) {
        dr_why_line(f,
                    "format eurostat-tsv: a tab file whose first header cell \"%s\" names the "
                    "dimensions and the time",
                    dr_cell_text(&f->g, f->header, 0));
        if ((st = eurostat_split(f)) != CM_OK)
            return st;
    }
    return CM_OK;
}
