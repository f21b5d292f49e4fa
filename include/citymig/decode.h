/*
 * decode.h - a CSV file in another encoding, read as UTF-8.
 *
 * A source may declare any encoding the system's iconv converts to UTF-8:
 * a Windows or ISO 8859 code page, an East Asian one (cp949, shift_jis,
 * gb18030, big5), or UTF-16. The file is read a chunk at a time, each chunk
 * converted and handed to the CSV reader, so memory stays small whatever
 * its size; the digest (the tap) sees the bytes as published.
 *
 * Places stay those of the file as published. A line end is a line end in
 * every one of these encodings (no byte of a two-byte character is LF or
 * CR), and the CSV reader counts columns in characters, which conversion
 * keeps: so `d.csv:12:7` is the seventh character of the twelfth line of
 * the file, whatever its encoding. A byte with no character in the
 * encoding, a character cut off by the end of the file, and a C1 control
 * code (U+0080 to U+009F: in ISO 8859 the bytes 0x80 to 0x9F are control
 * codes, not text; a file that has them is usually Windows-1252) each end
 * the reading at their place, with the bytes quoted. A file that starts
 * with a UTF-8 byte order mark is UTF-8, whatever is declared: an error.
 */
#ifndef CITYMIG_DECODE_H
#define CITYMIG_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "citymig/csvread.h"

typedef struct cm_decoding {
    const char *encoding; /* as the manifest writes it: "windows-1252", "cp949" */
    const char *key_file; /* where it is declared, for messages: the manifest */
    unsigned key_line;
} cm_decoding;

/** True when name means UTF-8 ("utf-8", "UTF8", any case): nothing to convert. */
bool cm_decode_is_utf8(const char *name);

/*
 * True when this system's iconv converts name to UTF-8. Otherwise false,
 * with strerror's reason in why (EINVAL: not an encoding iconv knows).
 */
bool cm_decode_known(const char *name, char *why, size_t why_size);

/*
 * As cm_csv_read_file, converting the file's bytes from d->encoding to
 * UTF-8 on the way. *bytes is set to the size of the file read (the stats'
 * bytes are those of the converted text).
 */
cm_status cm_decode_read_file(const char *path, const char *display_name, const cm_decoding *d,
                              const cm_csv_options *opts, const cm_csv_handler *handler, void *ctx,
                              cm_diag *diag, cm_csv_stats *stats, const cm_csv_tap *tap,
                              uint64_t *bytes);

#endif
