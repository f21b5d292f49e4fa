/*
 * decode.c - a CSV file in another encoding, converted to UTF-8 by iconv as
 * it is read (decode.h).
 *
 * The decoder counts the places of the text it has handed on, in lines and
 * characters as the CSV reader counts them, so that a byte it cannot convert
 * is named at its place in the file: the text before it is the file's, up to
 * that byte. A multibyte character cut by the end of a chunk waits for the
 * next one.
 */
#include "citymig/decode.h"

#include <errno.h>
#include <iconv.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { CHUNK = 256 * 1024, HOLD = 16 };

bool cm_decode_is_utf8(const char *name)
{
    return strcasecmp(name, "utf-8") == 0 || strcasecmp(name, "utf8") == 0;
}

bool cm_decode_known(const char *name, char *why, size_t why_size)
{
    iconv_t cd = iconv_open("UTF-8", name);
    if (cd == (iconv_t)-1) {
        snprintf(why, why_size, "%s",
                 errno == EINVAL ? "iconv has no encoding of that name" : strerror(errno));
        return false;
    }
    iconv_close(cd);
    return true;
}

typedef struct decoder {
    const cm_decoding *d;
    const char *file;
    cm_diag *diag;
    iconv_t cd;
    cm_csv *csv;
    char *out;
    uint64_t line; /* of the next character, from 1 */
    uint32_t col;  /* characters before it on its line */
    bool prev_cr;
    unsigned char hold[HOLD]; /* the start of a character cut by a chunk's end */
    size_t nhold;
    unsigned char head[3]; /* the first bytes, held until a BOM can be told */
    size_t head_len;
    bool started;
} decoder;

/* Moves the place past converted text, counting line ends as the CSV
   reader does (LF, CR and CRLF each end one line) and characters by their
   UTF-8 lead bytes. */
static void advance(decoder *d, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n') {
            if (!d->prev_cr) {
                d->line++;
                d->col = 0;
            }
            d->prev_cr = false;
        } else if (p[i] == '\r') {
            d->line++;
            d->col = 0;
            d->prev_cr = true;
        } else {
            d->col += (p[i] & 0xC0) != 0x80;
            d->prev_cr = false;
        }
    }
}

/* "0xB8 0xED" for a message: the first bytes from p (at most n). */
static const char *hex_bytes(const unsigned char *p, size_t n, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && i < 4 && o + 6 < size; i++)
        o += (size_t)snprintf(buf + o, size - o, "%s0x%02X", i ? " " : "", p[i]);
    return buf;
}

static bool named(const char *name, const char *a, const char *b)
{
    return strcasecmp(name, a) == 0 || (b && strcasecmp(name, b) == 0);
}

/* Reports, at the place of the next character, bytes with no character. */
static cm_status undefined(decoder *d, const unsigned char *p, size_t n, bool at_end)
{
    const cm_decoding *dc = d->d;
    const char *name = dc->encoding;
    char bytes[32];
    cm_loc loc = {d->file, d->line, d->col + 1};
    /* The bytes of one character at most: two, in the code pages that have
       them (four in GB18030, whose sequences are pairs of pairs). */
    hex_bytes(p, n < 2 ? n : 2, bytes, sizeof bytes);
    if (at_end)
        cm_diag_report(d->diag, CM_SEV_ERROR, &loc,
                       "the file ends inside a character (%s) of %s, the encoding the manifest "
                       "declares (key 'encoding' at %s:%u); expected whole characters: is the "
                       "file cut short, or in another encoding?",
                       bytes, name, dc->key_file, dc->key_line);
    else if (named(name, "windows-1252", "cp1252"))
        cm_diag_report(d->diag, CM_SEV_ERROR, &loc,
                       "byte 0x%02X has no character in %s, the encoding the manifest declares "
                       "(key 'encoding' at %s:%u); expected a byte of %s text (0x81, 0x8D, 0x8F, "
                       "0x90 and 0x9D are unassigned in it): is the file in another encoding?",
                       p[0], name, dc->key_file, dc->key_line, name);
    else
        cm_diag_report(d->diag, CM_SEV_ERROR, &loc,
                       "the bytes %s are no character of %s, the encoding the manifest declares "
                       "(key 'encoding' at %s:%u); expected %s text: is the file in another "
                       "encoding?",
                       bytes, name, dc->key_file, dc->key_line, name);
    return CM_ERR_DATA;
}

/* A C1 control code in the converted text (U+0080 to U+009F): from a byte
   that the declared code page makes a control code, not text. */
static cm_status control_code(decoder *d, unsigned cp)
{
    const cm_decoding *dc = d->d;
    const char *name = dc->encoding;
    cm_loc loc = {d->file, d->line, d->col + 1};
    if (named(name, "iso-8859-1", "latin1") || named(name, "iso-8859-15", "latin-9") ||
        named(name, "iso8859-1", "iso8859-15") || named(name, "latin-1", "l1"))
        cm_diag_report(d->diag, CM_SEV_ERROR, &loc,
                       "byte 0x%02X has no character in %s, the encoding the manifest declares "
                       "(key 'encoding' at %s:%u); expected a byte of %s text (0x80 to 0x9F are "
                       "control codes in it, not text; windows-1252 has characters there: is the "
                       "file windows-1252?)",
                       cp, name, dc->key_file, dc->key_line, name);
    else
        cm_diag_report(d->diag, CM_SEV_ERROR, &loc,
                       "%s, the encoding the manifest declares (key 'encoding' at %s:%u), makes "
                       "this character the control code U+%04X, not text; expected text (is the "
                       "file in another encoding, such as windows-1252?)",
                       name, dc->key_file, dc->key_line, cp);
    return CM_ERR_DATA;
}

/* Hands converted text to the CSV reader, up to a C1 control code. */
static cm_status hand_on(decoder *d, const char *text, size_t n)
{
    const unsigned char *u = (const unsigned char *)text;
    size_t ok = n;
    for (size_t i = 0; i + 1 < n; i++)
        if (u[i] == 0xC2 && u[i + 1] >= 0x80 && u[i + 1] <= 0x9F) {
            ok = i;
            break;
        }
    if (ok > 0) {
        cm_status st = cm_csv_feed(d->csv, text, ok);
        if (st != CM_OK)
            return st;
        advance(d, u, ok);
    }
    return ok < n ? control_code(d, u[ok + 1]) : CM_OK;
}

/* Converts p[0..n) and feeds it on; a character cut at the end is held
   for the next call (at_end: it is an error). */
static cm_status convert(decoder *d, const unsigned char *p, size_t n, bool at_end)
{
    char *in = (char *)(uintptr_t)p;
    size_t left = n;
    while (left > 0) {
        char *out = d->out;
        size_t room = CHUNK;
        size_t r = iconv(d->cd, &in, &left, &out, &room);
        int err = errno;
        if (out > d->out) {
            cm_status st = hand_on(d, d->out, (size_t)(out - d->out));
            if (st != CM_OK)
                return st;
        }
        if (r != (size_t)-1 || err == E2BIG)
            continue;
        const unsigned char *at = (const unsigned char *)in;
        if (err == EINVAL && !at_end && left < HOLD) {
            memcpy(d->hold, at, left);
            d->nhold = left;
            return CM_OK;
        }
        if (err == EILSEQ || err == EINVAL)
            return undefined(d, at, left, err == EINVAL);
        cm_loc loc = {d->file, d->line, d->col + 1};
        cm_diag_report(d->diag, CM_SEV_ERROR, &loc, "cannot convert from %s: %s", d->d->encoding,
                       strerror(err));
        return CM_ERR_INTERNAL;
    }
    return CM_OK;
}

/* The next bytes of the file, after any held ones. */
static cm_status bytes_in(decoder *d, const unsigned char *p, size_t n, bool at_end)
{
    while (d->nhold > 0 && (n > 0 || at_end)) {
        /* Complete the held character a byte at a time. */
        unsigned char both[HOLD + 1];
        size_t k = d->nhold;
        memcpy(both, d->hold, k);
        d->nhold = 0;
        if (n > 0) {
            both[k++] = *p++;
            n--;
        }
        cm_status st = convert(d, both, k, at_end && n == 0);
        if (st != CM_OK)
            return st;
    }
    return n > 0 ? convert(d, p, n, at_end) : CM_OK;
}

/* The first bytes: a UTF-8 byte order mark says the file is not what the
   manifest declares. */
static cm_status start(decoder *d, bool at_end)
{
    d->started = true;
    if (d->head_len == 3 && memcmp(d->head, "\xef\xbb\xbf", 3) == 0) {
        const cm_decoding *dc = d->d;
        cm_loc loc = {d->file, 1, 1};
        cm_diag_report(d->diag, CM_SEV_ERROR, &loc,
                       "the file starts with a UTF-8 byte order mark: it is UTF-8, not %s as the "
                       "manifest declares (key 'encoding' at %s:%u); expected no byte order mark "
                       "in a %s file (if the file is UTF-8, write encoding = utf-8 or leave the "
                       "key out)",
                       dc->encoding, dc->key_file, dc->key_line, dc->encoding);
        return CM_ERR_DATA;
    }
    return bytes_in(d, d->head, d->head_len, at_end);
}

static cm_status chunk(decoder *d, const unsigned char *p, size_t n)
{
    if (!d->started) {
        while (n > 0 && d->head_len < sizeof d->head) {
            d->head[d->head_len++] = *p++;
            n--;
        }
        if (d->head_len < sizeof d->head)
            return CM_OK;
        cm_status st = start(d, false);
        if (st != CM_OK)
            return st;
    }
    return bytes_in(d, p, n, false);
}

static cm_status feed_chunk(void *ctx, const unsigned char *p, size_t n)
{
    return chunk(ctx, p, n);
}

cm_status cm_decode_read_file(const char *path, const char *display_name, const cm_decoding *dc,
                              const cm_csv_options *opts, const cm_csv_handler *handler, void *ctx,
                              cm_diag *diag, cm_csv_stats *stats, const cm_csv_tap *tap,
                              uint64_t *bytes)
{
    decoder d = {0};
    d.d = dc;
    d.file = display_name;
    d.diag = diag;
    d.line = 1;
    *bytes = 0;
    d.cd = iconv_open("UTF-8", dc->encoding);
    if (d.cd == (iconv_t)-1 && errno == ENOMEM)
        return CM_ERR_NOMEM;
    if (d.cd == (iconv_t)-1) {
        cm_loc at = {dc->key_file, dc->key_line, 0};
        cm_diag_report(diag, CM_SEV_ERROR, &at,
                       "key 'encoding': this system's iconv cannot convert %s to UTF-8 (%s); "
                       "expected its conversion modules to be installed",
                       dc->encoding, strerror(errno));
        return CM_ERR_NOINPUT;
    }
    cm_status st = CM_OK;
    d.out = malloc(CHUNK);
    d.csv = cm_csv_new(opts, handler, ctx, diag, display_name);
    if (!d.out || !d.csv) {
        st = CM_ERR_NOMEM;
        goto done;
    }
    if ((st = cm_input_read(path, display_name, diag, tap, feed_chunk, &d, bytes)) != CM_OK)
        goto done;
    if (!d.started)
        st = start(&d, true);
    else
        st = bytes_in(&d, NULL, 0, true);
    if (st == CM_OK) {
        /* A stateful encoding's closing sequence, if any. */
        char *out = d.out;
        size_t room = CHUNK;
        if (iconv(d.cd, NULL, NULL, &out, &room) != (size_t)-1 && out > d.out)
            st = hand_on(&d, d.out, (size_t)(out - d.out));
    }
    if (st == CM_OK)
        st = cm_csv_finish(d.csv);
done:
    if (d.csv && stats)
        *stats = cm_csv_get_stats(d.csv);
    cm_csv_free(d.csv);
    free(d.out);
    iconv_close(d.cd);
    return st;
}
