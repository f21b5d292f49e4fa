/*
 * utf8.h - UTF-8 validation, whole or one byte at a time.
 *
 * Follows RFC 3629: no overlong forms, no surrogates (U+D800..U+DFFF), nothing
 * above U+10FFFF. The incremental form carries its state across buffers so a
 * reader can validate a file chunk by chunk.
 */
#ifndef CITYMIG_UTF8_H
#define CITYMIG_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Incremental validator state; zero-initialise. */
typedef struct cm_utf8_state {
    uint8_t need; /* continuation bytes still expected */
    uint8_t lo;   /* allowed range of the next continuation byte */
    uint8_t hi;
} cm_utf8_state;

/*
 * Feeds one byte. Returns true when the sequence so far is valid. Callers may
 * skip ASCII bytes when state->need is 0.
 */
static inline bool cm_utf8_step(cm_utf8_state *st, unsigned char c)
{
    if (st->need) {
        if (c < st->lo || c > st->hi)
            return false;
        st->need--;
        st->lo = 0x80;
        st->hi = 0xbf;
        return true;
    }
    if (c < 0x80)
        return true;
    st->lo = 0x80;
    st->hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
        st->need = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
        st->need = 2;
        if (c == 0xe0)
            st->lo = 0xa0;
        else if (c == 0xed)
            st->hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        st->need = 3;
        if (c == 0xf0)
            st->lo = 0x90;
        else if (c == 0xf4)
            st->hi = 0x8f;
    } else {
        return false;
    }
    return true;
}

/** True when s[0..len) is entirely valid UTF-8. */
bool cm_utf8_valid(const void *s, size_t len);

/*
 * The number of bytes in the longest prefix of s made of at most max_chars
 * whole, valid characters (0 when the first character is invalid).
 */
size_t cm_utf8_valid_prefix(const void *s, size_t len, size_t max_chars);

/** Number of characters (code points) in valid UTF-8 text. */
size_t cm_utf8_length(const void *s, size_t len);

/*
 * Decodes the character at the start of s (len > 0): its code point in
 * *cp and its length in bytes, or 0 when the bytes there are not valid
 * UTF-8.
 */
size_t cm_utf8_decode(const void *s, size_t len, uint32_t *cp);

/** Number of UTF-16 code units of valid UTF-8 text (Excel counts these). */
size_t cm_utf16_length(const void *s, size_t len);

/*
 * True for a code point XML 1.0 allows in text: TAB, LF, CR, U+0020 to
 * U+D7FF, U+E000 to U+FFFD, U+10000 to U+10FFFF.
 */
static inline bool cm_xml_char_ok(uint32_t cp)
{
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

/* Bytes cm_ooxml_escape may write per byte of its input (plus a NUL). */
enum { CM_OOXML_ESCAPE_GROWTH = 7 };

/*
 * Text for an OOXML part, as Excel writes it (ECMA-376 ST_Xstring): every
 * character XML 1.0 forbids (C0 controls other than TAB and LF; U+FFFE,
 * U+FFFF) and CR become _xHHHH_; an underscore that would begin such an
 * escape (a literal "_x0041_") becomes _x005F_; a byte that is not valid
 * UTF-8 becomes U+FFFD. Writes at most max_units UTF-16 units of output
 * (whole characters and whole escapes only) into out, which must hold
 * CM_OOXML_ESCAPE_GROWTH * len + 1 bytes, NUL-terminated. Returns the
 * output's length in bytes; *used (may be NULL) gets the input bytes taken.
 */
size_t cm_ooxml_escape(const char *s, size_t len, char *out, size_t max_units, size_t *used);

/* True when cm_ooxml_escape would change s (the common case is false). */
bool cm_ooxml_needs_escape(const char *s, size_t len);

#endif
