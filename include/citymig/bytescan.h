/*
 * bytescan.h - one fast pass over CSV bytes that says whether libcsv, with
 * its default settings, will read them exactly as citymig's checked reader
 * would, and counts their lines.
 *
 * The fast flows reader (flowscan.h) lets libcsv parse with no position
 * tracking and its default space handling, which trims spaces and tabs at
 * the edges of unquoted fields. This pass runs over the same bytes first,
 * 64 at a time as bit masks, and marks the input "not clean" when it holds
 * anything the checked reader would speak about or read differently:
 *
 *   - a control byte other than TAB, LF and CR (NUL among them), invalid
 *     UTF-8, or the bytes EF BF that begin U+FFC0 to U+FFFF (U+FFFE and
 *     U+FFFF among them);
 *   - a space or tab outside quotes next to a delimiter, a line end, or the
 *     start or end of the input (libcsv would trim it; citymig keeps it and
 *     judges it).
 *
 * It also follows quotes (a quote toggles "inside"; a doubled quote toggles
 * twice), so after a part of a file it knows whether the part ended inside
 * a quoted field: that is how a split point between parts is verified.
 *
 * Line ends are counted as the checked reader counts them: LF, CR and CRLF
 * each end one line, inside quotes too.
 *
 * On request it also leaves the masks behind (cm_bytescan_mark): where the
 * delimiters, line ends and quotes are, so that a record with no quote in
 * it can be split into fields without looking at its bytes again.
 */
#ifndef CITYMIG_BYTESCAN_H
#define CITYMIG_BYTESCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "citymig/utf8.h"

typedef struct cm_bytescan {
    unsigned char delim, quote;
    /* Carried from one call to the next. */
    uint64_t in_quote;   /* all ones when inside a quoted field */
    uint64_t prev_edge;  /* 1 when the last byte was a delimiter or line end
                            outside quotes, or nothing came yet */
    uint64_t prev_space; /* 1 when the last byte was a space outside quotes */
    uint64_t prev_cr;    /* 1 when the last byte was a CR */
    cm_utf8_state u8;
    /* Results. */
    uint64_t line_ends; /* LF, CR and CRLF, each counted once */
    bool last_was_end;  /* the last byte seen was a line end */
    bool dirty;         /* not clean (see above) */
    bool wide;          /* 32-byte compares (AVX2): set by init where the
                           processor has them; clear it to use 16 */
} cm_bytescan;

/*
 * Starts a scan at the start of an input or just after a line end outside
 * quotes. delim and quote must not be a space, tab, CR, LF or NUL.
 */
void cm_bytescan_init(cm_bytescan *scan, unsigned char delim, unsigned char quote);

/** Scans the next len bytes. */
void cm_bytescan_feed(cm_bytescan *scan, const unsigned char *p, size_t len);

/*
 * Where the structure of some bytes is, one bit per byte: bit i of word k
 * stands for byte 64 * k + i of the bytes fed. Bits past the end are 0.
 */
typedef struct cm_bytemarks {
    uint64_t *delims; /* delimiters outside quotes */
    uint64_t *ends;   /* CR and LF outside quotes */
    uint64_t *quotes; /* quote characters */
} cm_bytemarks;

/*
 * Scans the next len bytes as cm_bytescan_feed does, and marks them: each
 * array of marks must hold (len + 63) / 64 words.
 */
void cm_bytescan_mark(cm_bytescan *scan, const unsigned char *p, size_t len,
                      const cm_bytemarks *marks);

/*
 * Ends a scan at the end of the input: a space just before it, or a
 * truncated UTF-8 sequence, makes it dirty. Returns !dirty.
 */
bool cm_bytescan_finish(cm_bytescan *scan);

/** True when the bytes so far end inside a quoted field. */
static inline bool cm_bytescan_in_quotes(const cm_bytescan *scan)
{
    return scan->in_quote != 0;
}

#endif
