/*
 * encguess.h - the encoding of bytes that are not UTF-8, told by their look.
 *
 * One rule serves two readers: the CSV reader, which meets one byte that is
 * not UTF-8 and says what the file looks like (cm_encguess_byte), and
 * `citymig draft`, which has a sample of a download and names its encoding
 * for the manifest (cm_encguess).
 *
 * The rule, byte by byte:
 *   - 0x80 to 0x9F: Windows-1252's quotes, dashes and euro sign (never
 *     ISO-8859-1, whose 0x80 to 0x9F are control codes);
 *   - two bytes of 0xA1 to 0xFE in a row: a character of a two-byte East
 *     Asian code page (CP949, GBK or GB18030, Shift_JIS, Big5);
 *   - one such byte with nothing known after it: either;
 *   - else (0xA0 to 0xFF before a byte below 0x80): a Latin letter, which
 *     Windows-1252 holds as ISO-8859-1 does.
 *
 * Over a sample, the East Asian code pages are tried with iconv, and the
 * one that decodes it without error with the most characters of its own
 * script wins: Hangul syllables for cp949; kana and the first level of
 * JIS kanji for cp932; the ideographs of GB 2312 for gb18030; the first
 * level of Big5's for big5. Latin text, whose high bytes stand alone,
 * is windows-1252.
 */
#ifndef CITYMIG_ENCGUESS_H
#define CITYMIG_ENCGUESS_H

#include <stddef.h>

/** What a byte that is not UTF-8 looks like. */
typedef enum cm_enc_look {
    CM_ENC_LOOK_WINDOWS_1252, /* 0x80..0x9F */
    CM_ENC_LOOK_EAST_ASIAN,   /* 0xA1..0xFE followed by 0xA1..0xFE */
    CM_ENC_LOOK_EITHER,       /* 0xA1..0xFE, the next byte unknown */
    CM_ENC_LOOK_LATIN         /* the rest: a Latin letter */
} cm_enc_look;

/*
 * What lead, a byte that is not UTF-8, looks like, given the byte after it
 * (next: -1 when it is not known).
 */
cm_enc_look cm_encguess_byte(unsigned char lead, int next);

/*
 * The encoding of a sample of a file (p[0..n), its first bytes; a
 * character cut off at the end is not held against it), as a manifest
 * writes it: NULL for UTF-8 (with or without a byte order mark, or plain
 * ASCII), else "utf-16", "utf-16le", "utf-16be", "utf-32", "windows-1252",
 * "cp949", "cp932", "gb18030" or "big5". why (may be NULL) gets one line
 * saying what told it: "bytes 0x92 (3 times) and 0xE9 (12 times) are not
 * UTF-8; ...". The result is a static string.
 */
const char *cm_encguess(const unsigned char *p, size_t n, char *why, size_t why_size);

#endif
