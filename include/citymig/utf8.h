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

#endif
