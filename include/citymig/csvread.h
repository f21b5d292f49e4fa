/*
 * csvread.h - reading CSV with libcsv, with the place of every field.
 *
 * libcsv parses (CSV_STRICT | CSV_STRICT_FINI, no trimming of spaces); a
 * scanner that mirrors its state machine runs just ahead of it and records
 * where each field starts, because libcsv reports no positions. The scanner
 * also rejects what libcsv accepts or cannot see: NUL bytes, invalid UTF-8,
 * UTF-16/UTF-32 files, fields over a size cap (libcsv would grow one buffer
 * without limit on an unterminated quote) and records with too many fields.
 *
 * Line ends may be LF, CRLF or CR, mixed; a UTF-8 BOM is skipped; a last line
 * without a line end is read whole; blank lines are skipped. Lines and columns
 * count from 1; a column counts characters, not bytes.
 *
 * Errors in the CSV structure are reported through the cm_diag with their
 * place and end the reading of that input (CM_ERR_DATA): past a broken quote
 * nothing that follows can be trusted. Records before the error are delivered
 * first, so messages come out in input order. The record holding the error
 * never gets its record callback, though some of its first fields may have
 * been passed to the field callback (when it began in an earlier buffer):
 * handlers act on a row only when it ends.
 *
 * Memory: the current field (at most max_field bytes) plus the positions of
 * one buffer's fields; never the whole file.
 */
#ifndef CITYMIG_CSVREAD_H
#define CITYMIG_CSVREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "citymig/diag.h"
#include "citymig/status.h"

/** Default cap on one field's size in bytes (1 MiB). */
#define CM_CSV_DEFAULT_MAX_FIELD ((size_t)1 << 20)
/** Default cap on the number of fields in one record. */
#define CM_CSV_DEFAULT_MAX_FIELDS ((size_t)16384)

typedef struct cm_csv_pos {
    uint64_t line;
    uint32_t col;
    const char *file; /* the input it is in (NULL: the reader's own file) */
} cm_csv_pos;

typedef struct cm_csv_handler {
    /*
     * One field of the current record, index counting from 0. s is not
     * NUL-terminated and is valid only during the call. Return CM_OK to go
     * on; any other status stops the reading and is returned by the reader.
     */
    cm_status (*field)(void *ctx, size_t index, const char *s, size_t len, const cm_csv_pos *pos);
    /* The end of a record of nfields fields that started at *start. */
    cm_status (*record)(void *ctx, size_t nfields, const cm_csv_pos *start);
    /*
     * Optional: the name of the column of field `index`, for messages about
     * a broken field ("column 'name': ..."), or NULL when there is none (the
     * header itself, a field past the header).
     */
    const char *(*field_name)(void *ctx, size_t index);
} cm_csv_handler;

typedef struct cm_csv_options {
    unsigned char delimiter; /* 0: ',' */
    unsigned char quote;     /* 0: '"' */
    size_t max_field;        /* 0: CM_CSV_DEFAULT_MAX_FIELD */
    size_t max_fields;       /* 0: CM_CSV_DEFAULT_MAX_FIELDS */
    /* What invalid UTF-8 calls for, after "invalid UTF-8 (byte 0xE3); "
       (a manifest names its encoding key); NULL: to convert the file. */
    const char *utf8_advice;
} cm_csv_options;

typedef struct cm_csv_stats {
    uint64_t bytes;   /* bytes fed, BOM included */
    uint64_t lines;   /* physical lines, the last one even without a line end */
    uint64_t records; /* records delivered (the header included) */
    int bom;          /* a UTF-8 BOM was skipped */
} cm_csv_stats;

typedef struct cm_csv cm_csv;

/*
 * A reader for one input named file (used in messages; the string must
 * outlive the reader). opts may be NULL. Returns NULL when out of memory or
 * when the options are invalid (a delimiter or quote that is a line end, or
 * the two equal).
 */
cm_csv *cm_csv_new(const cm_csv_options *opts, const cm_csv_handler *handler, void *ctx,
                   cm_diag *diag, const char *file);

/** Frees the reader; NULL is a no-op. */
void cm_csv_free(cm_csv *csv);

/*
 * Feeds the next len bytes of the input, which may be cut anywhere. Returns
 * CM_OK, or the first failure (then sticky: later calls return it again).
 */
cm_status cm_csv_feed(cm_csv *csv, const void *data, size_t len);

/** Ends the input: delivers a last record without a line end. */
cm_status cm_csv_finish(cm_csv *csv);

/** Counts so far. */
cm_csv_stats cm_csv_get_stats(const cm_csv *csv);

/** Sees every chunk of a file as it is read (to digest it); optional. */
typedef struct cm_csv_tap {
    void (*chunk)(void *ctx, const void *data, size_t len);
    void *ctx;
} cm_csv_tap;

/*
 * Opens an input for reading. Only a regular file is read (a symbolic link
 * to one is followed): a named pipe, a socket, a device or a directory is
 * refused before it is opened for reading (opening a pipe would wait for a
 * writer for ever), and the opened descriptor is checked again, so that a
 * file replaced in between is refused too. what names the input in messages
 * ("rules": "cannot read rules: ..."), or NULL. Returns a blocking
 * descriptor, or -1 with the reason reported at display_name (the caller's
 * status is CM_ERR_NOINPUT).
 */
int cm_input_open(const char *path, const char *display_name, const char *what, cm_diag *diag);

/*
 * A path that is written into reports and messages must be UTF-8 text: when
 * it is not, reports "the WHAT's path has ...; expected a path in UTF-8, as
 * it is written into reports: ADVICE" at the quoted path and returns false.
 */
bool cm_input_path_ok(const char *path, const char *what, const char *advice, cm_diag *diag);

/*
 * True when s[0..len) is text every output can hold: valid UTF-8, with no
 * character XML 1.0 forbids (C0 controls other than TAB, LF and CR; U+FFFE,
 * U+FFFF), or, with utf8_only, valid UTF-8 alone. Otherwise false, with the
 * column of the first bad character (characters from 1) in *col and what it
 * is in why ("control character U+001B", "U+FFFE, a noncharacter", "invalid
 * UTF-8 (byte 0xE9)").
 */
bool cm_text_check(const char *s, size_t len, bool utf8_only, size_t *col, char *why,
                   size_t why_size);

/** What a file of this st_mode is, for messages ("a named pipe (FIFO)"). */
const char *cm_file_kind(unsigned mode);

/*
 * Reads a regular file (opened with cm_input_open) with read() in chunks
 * of 256 KiB, each handed to the tap, then to feed; a status other than
 * CM_OK from feed stops the reading and is returned. A read that fails is
 * reported at display_name ("cannot read past byte N: ...") and gives
 * CM_ERR_NOINPUT. *bytes is the number of bytes read.
 */
cm_status cm_input_read(const char *path, const char *display_name, cm_diag *diag,
                        const cm_csv_tap *tap,
                        cm_status (*feed)(void *ctx, const unsigned char *p, size_t n), void *ctx,
                        uint64_t *bytes);

/*
 * Reads a whole file with read() in fixed-size chunks (no mapping, so
 * resident memory stays small) and finishes it. The file is opened with
 * cm_input_open (a regular file only). An open or read failure is reported
 * through diag and gives CM_ERR_NOINPUT. stats and tap may be NULL.
 */
cm_status cm_csv_read_file(const char *path, const char *display_name, const cm_csv_options *opts,
                           const cm_csv_handler *handler, void *ctx, cm_diag *diag,
                           cm_csv_stats *stats, const cm_csv_tap *tap);

#endif
