/*
 * csvread.c - libcsv with positions, caps and encoding checks.
 *
 * Each buffer goes through two passes. The scanner walks it first, following
 * the same states as libcsv's strict parser (ROW_NOT_BEGUN, FIELD_NOT_BEGUN,
 * FIELD_BEGUN quoted or not, FIELD_MIGHT_HAVE_ENDED), and queues the line and
 * column where each field starts. Then libcsv parses the bytes the scanner
 * accepted, and its field callback takes the next queued position. Because
 * both walk the same states, the n-th field libcsv submits is the n-th field
 * the scanner saw start. When the scanner meets an error it stops there;
 * libcsv is given only the records that ended before it.
 */
#include "citymig/csvread.h"

#include <csv.h>
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "citymig/encguess.h"
#include "citymig/swar.h"
#include "citymig/utf8.h"

/* Buffers are scanned in slices of at most this size, which bounds the
   position queue. */
enum { SLICE = 64 * 1024, READ_CHUNK = 256 * 1024 };

enum scan_state { ROW_NOT_BEGUN, FIELD_NOT_BEGUN, FIELD_UNQUOTED, FIELD_QUOTED, QUOTE_IN_QUOTED };

struct cm_csv {
    struct csv_parser parser;
    cm_csv_handler handler;
    void *ctx;
    cm_diag *diag;
    const char *file;
    unsigned char delim, quote;
    size_t max_field, max_fields;
    const char *utf8_advice;
    /* Bytes that end a run inside a field, unquoted and quoted: NUL, the
       bytes of 0x80 or more, the line ends, the quote and (unquoted) the
       delimiter. Every other byte only lengthens the field, and the scanner
       steps over runs of them at once. */
    bool stops[2][256];

    /* Encoding sniffing: the first bytes are held until four are known. */
    unsigned char head[4];
    size_t head_len;
    bool sniffed;

    /* Scanner state. */
    enum scan_state state;
    uint64_t line;    /* line of the next byte */
    uint32_t col;     /* characters already on that line */
    bool prev_cr;     /* the last byte was a CR (a following LF joins it) */
    bool ended_term;  /* the last byte was a line end */
    cm_utf8_state u8; /* pending multi-byte sequence */
    cm_csv_pos u8_start;
    unsigned char u8_lead; /* first byte of that sequence */
    cm_csv_pos field_start;
    size_t field_len; /* bytes in the current field so far */
    size_t rec_fields;

    /* Field start positions, scanned but not yet submitted by libcsv. */
    cm_csv_pos *queue;
    size_t q_head, q_tail, q_cap;

    /* Delivery state (inside libcsv's callbacks). */
    size_t field_index;
    cm_csv_pos rec_start;
    cm_status status;
    bool stop;

    cm_csv_stats stats;
};

static int never_space(unsigned char c)
{
    (void)c;
    return 0;
}

/*
 * libcsv grows a field's buffer by its block size at a time, so a long
 * field would be copied over and over (and, under a sanitizer, every old
 * copy kept in quarantine). Grow it geometrically instead, and reuse the
 * block while it is big enough.
 */
static void *grow_field(void *p, size_t n)
{
    size_t have = p ? malloc_usable_size(p) : 0;
    if (n <= have)
        return p;
    size_t want = have <= SIZE_MAX / 2 && 2 * have > n ? 2 * have : n;
    return realloc(p, want);
}

cm_csv *cm_csv_new(const cm_csv_options *opts, const cm_csv_handler *handler, void *ctx,
                   cm_diag *diag, const char *file)
{
    cm_csv_options o = {0};
    if (opts)
        o = *opts;
    if (!o.delimiter)
        o.delimiter = ',';
    if (!o.quote)
        o.quote = '"';
    if (!o.max_field)
        o.max_field = CM_CSV_DEFAULT_MAX_FIELD;
    if (!o.max_fields)
        o.max_fields = CM_CSV_DEFAULT_MAX_FIELDS;
    if (o.delimiter == o.quote || o.delimiter == '\r' || o.delimiter == '\n' || o.quote == '\r' ||
        o.quote == '\n' || o.delimiter >= 0x80 || o.quote >= 0x80)
        return NULL;

    cm_csv *csv = calloc(1, sizeof *csv);
    if (!csv)
        return NULL;
    if (csv_init(&csv->parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        free(csv);
        return NULL;
    }
    csv_set_delim(&csv->parser, o.delimiter);
    csv_set_quote(&csv->parser, o.quote);
    /* Keep spaces: " 12" must reach the value parser as it is written. */
    csv_set_space_func(&csv->parser, never_space);
    csv_set_blk_size(&csv->parser, 4096);
    csv_set_realloc_func(&csv->parser, grow_field);

    csv->handler = *handler;
    csv->ctx = ctx;
    csv->diag = diag;
    csv->file = file;
    csv->delim = o.delimiter;
    csv->quote = o.quote;
    csv->max_field = o.max_field;
    csv->max_fields = o.max_fields;
    csv->utf8_advice = o.utf8_advice; /* NULL: advice by the bytes met (utf8_hint) */
    csv->line = 1;
    csv->state = ROW_NOT_BEGUN;
    for (unsigned c = 0; c < 256; c++) {
        bool stop = c == 0 || c >= 0x80 || c == o.quote || c == '\r' || c == '\n';
        csv->stops[1][c] = stop;
        csv->stops[0][c] = stop || c == o.delimiter;
    }
    return csv;
}

void cm_csv_free(cm_csv *csv)
{
    if (!csv)
        return;
    csv_free(&csv->parser);
    free(csv->queue);
    free(csv);
}

cm_csv_stats cm_csv_get_stats(const cm_csv *csv)
{
    cm_csv_stats s = csv->stats;
    s.lines = csv->stats.bytes == 0 ? 0 : csv->line - (csv->ended_term ? 1 : 0);
    return s;
}

/* Reports a structural error in field `field` (SIZE_MAX: not in a field). */
static cm_status fail(cm_csv *csv, cm_csv_pos pos, size_t field, const char *message)
{
    cm_loc loc = {csv->file, pos.line, pos.col};
    const char *name = NULL;
    if (field != SIZE_MAX && csv->handler.field_name)
        name = csv->handler.field_name(csv->ctx, field);
    if (name)
        cm_diag_report(csv->diag, CM_SEV_ERROR, &loc, "column '%s': %s", name, message);
    else
        cm_diag_report(csv->diag, CM_SEV_ERROR, &loc, "%s", message);
    csv->status = CM_ERR_DATA;
    return CM_ERR_DATA;
}

/* libcsv callbacks: hand each field and record on with its position. */
static void on_field(void *s, size_t len, void *data)
{
    cm_csv *csv = data;
    if (csv->stop)
        return;
    if (csv->q_head == csv->q_tail) {
        cm_loc loc = {csv->file, csv->line, 0};
        cm_diag_report(csv->diag, CM_SEV_ERROR, &loc,
                       "internal error: CSV scanner and parser disagree on fields");
        csv->status = CM_ERR_INTERNAL;
        csv->stop = true;
        return;
    }
    cm_csv_pos pos = csv->queue[csv->q_head++];
    if (csv->field_index == 0)
        csv->rec_start = pos;
    cm_status st = csv->handler.field(csv->ctx, csv->field_index++, s ? s : "", len, &pos);
    if (st != CM_OK) {
        csv->status = st;
        csv->stop = true;
    }
}

static void on_record(int c, void *data)
{
    cm_csv *csv = data;
    (void)c;
    if (csv->stop)
        return;
    size_t n = csv->field_index;
    csv->field_index = 0;
    csv->stats.records++;
    cm_status st = csv->handler.record(csv->ctx, n, &csv->rec_start);
    if (st != CM_OK) {
        csv->status = st;
        csv->stop = true;
    }
}

/* Makes room for one more place: moves the queue down, or doubles it. */
static int grow_queue(cm_csv *csv)
{
    if (csv->q_head > 0) {
        memmove(csv->queue, csv->queue + csv->q_head,
                (csv->q_tail - csv->q_head) * sizeof *csv->queue);
        csv->q_tail -= csv->q_head;
        csv->q_head = 0;
    }
    if (csv->q_tail == csv->q_cap) {
        size_t cap = csv->q_cap ? csv->q_cap * 2 : 1024;
        cm_csv_pos *q = realloc(csv->queue, cap * sizeof *q);
        if (!q)
            return -1;
        csv->queue = q;
        csv->q_cap = cap;
    }
    return 0;
}

/* Queues the place of a field that starts at the scanner's line and
   column + 1. The place is written field by field into the queue, not
   passed by value: a whole struct read back right after its halves were
   stored stalls the processor at every field. */
static inline int push_pos(cm_csv *csv)
{
    if (csv->q_tail == csv->q_cap && grow_queue(csv) != 0)
        return -1;
    cm_csv_pos *pos = &csv->queue[csv->q_tail++];
    pos->line = csv->line;
    pos->col = csv->col + 1;
    pos->file = csv->file;
    return 0;
}

/*
 * What a byte that is not UTF-8 says of the file's encoding, with the byte
 * that failed to continue its sequence (-1: the byte cannot begin one), and
 * the advice that fits. 0x80 to 0x9F are Windows-1252's quotes, dashes and
 * euro sign (in ISO-8859-1 they are control characters: iconv -f LATIN1
 * would turn them into those). A byte of 0xA1 to 0xFE followed by another
 * is a character of a two-byte East Asian code page; followed by plain
 * text, a Latin letter. Alone, it can be either, and the advice says both.
 * The caller's advice (a manifest naming its encoding key) follows the
 * guess; without it, the conversion to run.
 */
static void utf8_hint(unsigned char lead, int next, const char *advice, char *out, size_t size)
{
    const char *looks, *convert;
    /* The rule is encguess's, which citymig draft follows too. */
    switch (cm_encguess_byte(lead, next)) {
    case CM_ENC_LOOK_WINDOWS_1252:
        looks = "the bytes look like Windows-1252, whose 0x80 to 0x9F are quotes, dashes and "
                "the euro sign";
        convert = "iconv -f WINDOWS-1252 -t UTF-8";
        break;
    case CM_ENC_LOOK_EAST_ASIAN:
        looks = "the bytes look like a two-byte East Asian code page (CP949 or EUC-KR, GBK, "
                "EUC-JP, Big5)";
        convert = "iconv -f CP949 -t UTF-8, or the code page its publisher names";
        break;
    case CM_ENC_LOOK_EITHER:
        looks = "the bytes look like a Latin code page (Windows-1252) or, in Korean, Chinese or "
                "Japanese text, a two-byte East Asian code page (CP949, GBK, EUC-JP, Big5)";
        convert = "iconv -f WINDOWS-1252 -t UTF-8, or -f CP949 (or the code page its "
                  "publisher names) for East Asian text";
        break;
    default:
        looks = "the bytes look like a Latin code page (Windows-1252, which holds ISO-8859-1's "
                "letters)";
        convert = "iconv -f WINDOWS-1252 -t UTF-8";
        break;
    }
    if (advice)
        snprintf(out, size, "%s; %s", looks, advice);
    else
        snprintf(out, size, "%s; the file must be UTF-8: convert it first, for example with %s",
                 looks, convert);
}

/* Hands bytes the scanner accepted to libcsv. */
static cm_status parse(cm_csv *csv, const unsigned char *p, size_t len)
{
    if (len == 0 || csv->stop)
        return csv->status;
    size_t done = csv_parse(&csv->parser, p, len, on_field, on_record, csv);
    if (csv->stop)
        return csv->status;
    if (done != len) {
        if (csv_error(&csv->parser) == CSV_ENOMEM) {
            csv->status = CM_ERR_NOMEM;
        } else {
            cm_loc loc = {csv->file, csv->line, 0};
            cm_diag_report(csv->diag, CM_SEV_ERROR, &loc, "malformed CSV: %s",
                           csv_strerror(csv_error(&csv->parser)));
            csv->status = CM_ERR_DATA;
        }
        csv->stop = true;
    }
    return csv->status;
}

static const char *describe_byte(unsigned char c, char *buf, size_t size)
{
    static const char hex[] = "0123456789ABCDEF";
    if (c >= 0x20 && c < 0x7f) {
        snprintf(buf, size, "'%c'", c);
    } else {
        snprintf(buf, size, "byte 0x%c%c", hex[c >> 4], hex[c & 15]);
    }
    return buf;
}

/* The message for a field past max_field, written into msg. */
static const char *too_long(const cm_csv *csv, char *msg, size_t size)
{
    snprintf(msg, size, "field is longer than %zu bytes%s", csv->max_field,
             csv->state == FIELD_QUOTED ? " (it starts with a quote: is that quote left unclosed?)"
                                        : "");
    return msg;
}

/*
 * Scans p[0..len), queueing field starts; then lets libcsv parse what was
 * accepted. On an error, libcsv gets only the records before the bad one.
 */
static cm_status scan_slice(cm_csv *csv, const unsigned char *p, size_t len)
{
    const unsigned char delim = csv->delim, quote = csv->quote;
    size_t rec_off = csv->state == ROW_NOT_BEGUN ? 0 : SIZE_MAX; /* where the record began */
    size_t i;
    const char *err = NULL;      /* points at msg once an error is found */
    size_t err_field = SIZE_MAX; /* the field it is in, counting from 0 */
    cm_csv_pos err_pos = {0};
    char arg[32];
    char msg[512];

    for (i = 0; i < len; i++) {
        /* Inside a field, a run of plain bytes changes nothing but its
           length and the column: step over it at once. */
        if ((csv->state == FIELD_UNQUOTED || csv->state == FIELD_QUOTED) && !csv->u8.need) {
            bool quoted = csv->state == FIELD_QUOTED;
            size_t j = cm_swar_run(p, i, len, quoted ? quote : delim, quote, '\r', '\n', true,
                                   csv->stops[quoted]);
            if (j > i) {
                csv->field_len += j - i;
                csv->col += (uint32_t)(j - i);
                csv->prev_cr = false;
                csv->ended_term = false;
                if (csv->field_len > csv->max_field) {
                    err = too_long(csv, msg, sizeof msg);
                    err_pos = csv->field_start;
                    break;
                }
                i = j - 1;
                continue;
            }
        }
        unsigned char c = p[i];
        cm_csv_pos here = {csv->line, csv->col + 1, csv->file};

        if (c == 0) {
            err = "NUL byte in a text file (is it binary, or UTF-16?)";
            err_pos = here;
            snprintf(msg, sizeof msg, "%s", err);
            break;
        }
        if (c >= 0x80 || csv->u8.need) {
            bool inside = csv->u8.need > 0; /* c should continue a sequence */
            if (!inside) {
                csv->u8_start = here;
                csv->u8_lead = c;
            }
            if (!cm_utf8_step(&csv->u8, c)) {
                /* Point at the sequence that went wrong, named by its first byte. */
                err_pos = inside ? csv->u8_start : here;
                err = msg;
                unsigned char lead = inside ? csv->u8_lead : c;
                /* Only what every split of the input shows alike: the byte
                   that failed to continue a sequence, never one past it. */
                int next = inside ? c : -1;
                char hint[400];
                utf8_hint(lead, next, csv->utf8_advice, hint, sizeof hint);
                snprintf(msg, sizeof msg, "invalid UTF-8 (%s); %s",
                         describe_byte(lead, arg, sizeof arg), hint);
                break;
            }
        }

        switch (csv->state) {
        case ROW_NOT_BEGUN:
        case FIELD_NOT_BEGUN:
            if (c == '\r' || c == '\n') {
                if (csv->state == FIELD_NOT_BEGUN) {
                    /* An empty last field after a delimiter. */
                    if (push_pos(csv) != 0)
                        return csv->status = CM_ERR_NOMEM;
                    csv->state = ROW_NOT_BEGUN;
                    rec_off = i + 1;
                }
                /* In ROW_NOT_BEGUN this is a blank line: libcsv skips it too. */
                break;
            }
            if (csv->state == ROW_NOT_BEGUN) {
                csv->rec_fields = 0;
                rec_off = i;
            }
            if (++csv->rec_fields > csv->max_fields) {
                err = msg;
                snprintf(msg, sizeof msg, "record has more than %zu fields", csv->max_fields);
                err_pos = here;
                break;
            }
            if (push_pos(csv) != 0)
                return csv->status = CM_ERR_NOMEM;
            csv->field_start = here;
            csv->field_len = 0;
            if (c == delim) {
                csv->state = FIELD_NOT_BEGUN;
            } else if (c == quote) {
                csv->state = FIELD_QUOTED;
            } else {
                csv->state = FIELD_UNQUOTED;
                csv->field_len = 1;
            }
            break;
        case FIELD_UNQUOTED:
            if (c == delim) {
                csv->state = FIELD_NOT_BEGUN;
            } else if (c == '\r' || c == '\n') {
                csv->state = ROW_NOT_BEGUN;
                rec_off = i + 1;
            } else if (c == quote) {
                err = msg;
                snprintf(msg, sizeof msg, "%s",
                         "quote inside an unquoted field (quote the whole field and double "
                         "the quote, as in \"a \"\"b\"\"\")");
                err_pos = here;
            } else {
                csv->field_len++;
            }
            break;
        case FIELD_QUOTED:
            if (c == quote)
                csv->state = QUOTE_IN_QUOTED;
            else
                csv->field_len++;
            break;
        case QUOTE_IN_QUOTED:
            if (c == delim) {
                csv->state = FIELD_NOT_BEGUN;
            } else if (c == '\r' || c == '\n') {
                csv->state = ROW_NOT_BEGUN;
                rec_off = i + 1;
            } else if (c == quote) {
                csv->state = FIELD_QUOTED; /* "" stands for one quote */
                csv->field_len++;
            } else {
                err = msg;
                snprintf(msg, sizeof msg,
                         "%s after a closing quote (expected a delimiter or a line end; "
                         "a quote inside a quoted field must be doubled)",
                         describe_byte(c, arg, sizeof arg));
                err_pos = here;
            }
            break;
        }
        if (err)
            break;
        if (csv->field_len > csv->max_field) {
            err = too_long(csv, msg, sizeof msg);
            err_pos = csv->field_start;
            break;
        }

        /* Advance the position past c. */
        if (c == '\n') {
            if (!csv->prev_cr) {
                csv->line++;
                csv->col = 0;
            }
            csv->prev_cr = false;
            csv->ended_term = true;
        } else if (c == '\r') {
            csv->line++;
            csv->col = 0;
            csv->prev_cr = true;
            csv->ended_term = true;
        } else {
            csv->prev_cr = false;
            csv->ended_term = false;
            if ((c & 0xc0) != 0x80)
                csv->col++;
        }
    }

    if (!err)
        return parse(csv, p, len);
    /* The field the error is in: a new record's first, or the current one. */
    if (csv->state == ROW_NOT_BEGUN)
        err_field = 0;
    else if (csv->state == FIELD_NOT_BEGUN && csv->rec_fields < csv->max_fields)
        err_field = csv->rec_fields; /* the byte would have begun the next field */
    else if (csv->rec_fields <= csv->max_fields)
        err_field = csv->rec_fields - 1;

    /* Deliver the records that ended before the bad one, then report. */
    cm_status st = parse(csv, p, rec_off == SIZE_MAX ? 0 : rec_off);
    if (st != CM_OK)
        return st;
    csv->stop = true;
    return fail(csv, err_pos, err_field, msg);
}

static cm_status scan(cm_csv *csv, const unsigned char *p, size_t len)
{
    while (len > 0) {
        size_t n = len < SLICE ? len : SLICE;
        cm_status st = scan_slice(csv, p, n);
        if (st != CM_OK)
            return st;
        p += n;
        len -= n;
    }
    return CM_OK;
}

/* Decides the encoding from the first bytes; skips a UTF-8 BOM. */
static cm_status sniff(cm_csv *csv)
{
    const unsigned char *h = csv->head;
    size_t n = csv->head_len;
    const char *name = NULL;

    csv->sniffed = true;
    if (n >= 4 && h[0] == 0 && h[1] == 0 && h[2] == 0xfe && h[3] == 0xff)
        name = "UTF-32 (big-endian)";
    else if (n >= 4 && h[0] == 0xff && h[1] == 0xfe && h[2] == 0 && h[3] == 0)
        name = "UTF-32 (little-endian)";
    else if (n >= 2 && h[0] == 0xff && h[1] == 0xfe)
        name = "UTF-16 (little-endian)";
    else if (n >= 2 && h[0] == 0xfe && h[1] == 0xff)
        name = "UTF-16 (big-endian)";
    else if (n >= 2 && h[0] != 0 && h[1] == 0)
        name = "UTF-16 (little-endian, no byte order mark)";
    else if (n >= 2 && h[0] == 0 && h[1] != 0)
        name = "UTF-16 (big-endian, no byte order mark)";
    if (name) {
        cm_csv_pos pos = {1, 1, csv->file};
        char msg[256];
        snprintf(msg, sizeof msg,
                 "file is %s; citymig reads UTF-8: convert it first, for example with "
                 "iconv -f UTF-16 -t UTF-8",
                 name);
        csv->stop = true;
        return fail(csv, pos, SIZE_MAX, msg);
    }
    size_t skip = 0;
    if (n >= 3 && h[0] == 0xef && h[1] == 0xbb && h[2] == 0xbf) {
        skip = 3;
        csv->stats.bom = 1;
    }
    return scan(csv, h + skip, n - skip);
}

cm_status cm_csv_feed(cm_csv *csv, const void *data, size_t len)
{
    const unsigned char *p = data;
    if (csv->status != CM_OK)
        return csv->status;
    csv->stats.bytes += len;
    if (!csv->sniffed) {
        while (len > 0 && csv->head_len < sizeof csv->head) {
            csv->head[csv->head_len++] = *p++;
            len--;
        }
        if (csv->head_len < sizeof csv->head)
            return CM_OK;
        cm_status st = sniff(csv);
        if (st != CM_OK)
            return st;
    }
    return scan(csv, p, len);
}

cm_status cm_csv_finish(cm_csv *csv)
{
    if (csv->status != CM_OK)
        return csv->status;
    if (!csv->sniffed) {
        cm_status st = sniff(csv);
        if (st != CM_OK)
            return st;
    }
    if (csv->u8.need) {
        csv->stop = true;
        return fail(csv, csv->u8_start, csv->state == ROW_NOT_BEGUN ? 0 : csv->rec_fields - 1,
                    "invalid UTF-8 (a truncated character) at the end of the file");
    }
    if (csv->state == FIELD_QUOTED) {
        csv->stop = true;
        return fail(csv, csv->field_start, csv->rec_fields - 1,
                    "unterminated quoted field: the quote opened here is never closed");
    }
    /* A last line ending in a delimiter, with no line end: libcsv submits
       the empty last field at the end, so it needs its place too. */
    if (csv->state == FIELD_NOT_BEGUN) {
        if (push_pos(csv) != 0)
            return csv->status = CM_ERR_NOMEM;
    }
    if (csv_fini(&csv->parser, on_field, on_record, csv) != 0 && !csv->stop) {
        cm_loc loc = {csv->file, csv->line, 0};
        cm_diag_report(csv->diag, CM_SEV_ERROR, &loc, "malformed CSV at the end of the file: %s",
                       csv_strerror(csv_error(&csv->parser)));
        csv->status = CM_ERR_DATA;
    }
    return csv->status;
}

bool cm_text_check(const char *s, size_t len, bool utf8_only, size_t *col, char *why,
                   size_t why_size)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t chars = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = p[i];
        size_t n = 1;
        chars++;
        if (c < 0x80) {
            if (!utf8_only && c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                *col = chars;
                snprintf(why, why_size, "control character U+%04X", c);
                return false;
            }
        } else {
            cm_utf8_state u8 = {0};
            bool ok = cm_utf8_step(&u8, c);
            while (ok && u8.need && i + n < len)
                ok = cm_utf8_step(&u8, p[i + n++]);
            if (!ok || u8.need) {
                *col = chars;
                snprintf(why, why_size, "invalid UTF-8 (byte 0x%02X)", c);
                return false;
            }
            /* U+FFFE and U+FFFF: EF BF BE, EF BF BF. */
            if (!utf8_only && n == 3 && c == 0xef && p[i + 1] == 0xbf && p[i + 2] >= 0xbe) {
                *col = chars;
                snprintf(why, why_size, "the noncharacter U+%04X", 0xffc0u | (p[i + 2] & 0x3fu));
                return false;
            }
        }
        i += n;
    }
    return true;
}

const char *cm_file_kind(unsigned mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG:
        return "a regular file";
    case S_IFDIR:
        return "a directory";
    case S_IFIFO:
        return "a named pipe (FIFO)";
    case S_IFSOCK:
        return "a socket";
    case S_IFCHR:
        return "a character device";
    case S_IFBLK:
        return "a block device";
    default:
        return "not a regular file";
    }
}

static int refuse_kind(const char *display_name, const char *what, unsigned mode, cm_diag *diag)
{
    cm_loc loc = {display_name, 0, 0};
    cm_diag_report(diag, CM_SEV_ERROR, &loc, "cannot read%s%s: it is %s; expected a regular file%s",
                   what ? " " : "", what ? what : "", cm_file_kind(mode),
                   S_ISDIR(mode) ? "" : " (save what it gives to a file, and name that file)");
    return -1;
}

int cm_input_open(const char *path, const char *display_name, const char *what, cm_diag *diag)
{
    cm_loc loc = {display_name, 0, 0};
    struct stat sb;
    const char *sep = what ? " " : "";
    if (!what)
        what = "";
    /* Judged before it is opened: opening a named pipe for reading blocks
       until a writer comes, and opening a device may act on it. */
    if (stat(path, &sb) != 0) {
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "cannot open%s%s: %s", sep, what, strerror(errno));
        return -1;
    }
    if (!S_ISREG(sb.st_mode))
        return refuse_kind(display_name, *what ? what : NULL, sb.st_mode, diag);
    /* O_NONBLOCK: should the path have become a pipe since, open() returns
       at once; the descriptor itself is judged next. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "cannot open%s%s: %s", sep, what, strerror(errno));
        return -1;
    }
    if (fstat(fd, &sb) != 0) {
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "cannot open%s%s: %s", sep, what, strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        return refuse_kind(display_name, *what ? what : NULL, sb.st_mode, diag);
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        (void)fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    return fd;
}

cm_status cm_input_read(const char *path, const char *display_name, cm_diag *diag,
                        const cm_csv_tap *tap,
                        cm_status (*feed)(void *ctx, const unsigned char *p, size_t n), void *ctx,
                        uint64_t *bytes)
{
    cm_loc loc = {display_name, 0, 0};
    cm_status st = CM_OK;
    *bytes = 0;
    int fd = cm_input_open(path, display_name, NULL, diag);
    if (fd < 0)
        return CM_ERR_NOINPUT;
    unsigned char *buf = malloc(READ_CHUNK);
    if (!buf) {
        close(fd);
        return CM_ERR_NOMEM;
    }
    for (;;) {
        ssize_t n = read(fd, buf, READ_CHUNK);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (*bytes)
                cm_diag_report(diag, CM_SEV_ERROR, &loc, "cannot read past byte %" PRIu64 ": %s",
                               *bytes, strerror(errno));
            else
                cm_diag_report(diag, CM_SEV_ERROR, &loc, "cannot read: %s", strerror(errno));
            st = CM_ERR_NOINPUT;
            break;
        }
        if (n == 0)
            break;
        *bytes += (uint64_t)n;
        if (tap)
            tap->chunk(tap->ctx, buf, (size_t)n);
        if ((st = feed(ctx, buf, (size_t)n)) != CM_OK)
            break;
    }
    free(buf);
    close(fd);
    return st;
}

static cm_status feed_csv(void *ctx, const unsigned char *p, size_t n)
{
    return cm_csv_feed(ctx, p, n);
}

cm_status cm_csv_read_file(const char *path, const char *display_name, const cm_csv_options *opts,
                           const cm_csv_handler *handler, void *ctx, cm_diag *diag,
                           cm_csv_stats *stats, const cm_csv_tap *tap)
{
    cm_csv *csv = cm_csv_new(opts, handler, ctx, diag, display_name);
    if (!csv)
        return CM_ERR_NOMEM;
    uint64_t bytes;
    cm_status st = cm_input_read(path, display_name, diag, tap, feed_csv, csv, &bytes);
    if (st == CM_OK)
        st = cm_csv_finish(csv);
    if (stats)
        *stats = cm_csv_get_stats(csv);
    cm_csv_free(csv);
    return st;
}

bool cm_input_path_ok(const char *path, const char *what, const char *advice, cm_diag *diag)
{
    size_t col;
    char why[160];
    if (cm_text_check(path, strlen(path), true, &col, why, sizeof why))
        return true;
    char q[CM_QUOTE_SIZE];
    cm_loc loc = {cm_quote(q, sizeof q, path, strlen(path)), 0, 0};
    cm_diag_report(diag, CM_SEV_ERROR, &loc,
                   "the %s's path has %s at character %zu; expected a path in UTF-8, as it is "
                   "written into reports: %s",
                   what, why, col, advice);
    return false;
}
