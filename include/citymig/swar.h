/*
 * swar.h - looking for bytes eight at a time in a machine word.
 */
#ifndef CITYMIG_SWAR_H
#define CITYMIG_SWAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Whether cm_swar_first may be used: bytes in memory order from the low one. */
#define CM_SWAR_LITTLE_ENDIAN (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)

/*
 * The bytes of x equal to b, as their high bits. Only the lowest one is
 * sure: a byte past it may be flagged wrongly, so a caller takes the first
 * (cm_swar_first) and no other.
 */
static inline uint64_t cm_swar_eq(uint64_t x, unsigned char b)
{
    const uint64_t ones = 0x0101010101010101u;
    uint64_t y = x ^ (b * ones);
    return (y - ones) & ~y & (ones << 7);
}

/* The bytes of x of 0x80 or more, as their high bits. */
static inline uint64_t cm_swar_high(uint64_t x)
{
    return x & 0x8080808080808080u;
}

/* The index of the first flagged byte of a mask that is not 0 (little-endian). */
static inline unsigned cm_swar_first(uint64_t mask)
{
    return (unsigned)__builtin_ctzll(mask) / 8;
}

/*
 * Where a run of p[i..len) ends: the index of its first byte for which
 * stop[] is true, or len. Eight bytes at a time while eight are left,
 * looking for a, b, c and d, and, with binary, NUL and the bytes of 0x80
 * or more; then one at a time by stop[]. stop[] must be true for exactly
 * those bytes.
 */
static inline size_t cm_swar_run(const unsigned char *p, size_t i, size_t len, unsigned char a,
                                 unsigned char b, unsigned char c, unsigned char d, bool binary,
                                 const bool stop[256])
{
#if CM_SWAR_LITTLE_ENDIAN
    while (len - i >= 8) {
        uint64_t x;
        memcpy(&x, p + i, 8);
        uint64_t m = cm_swar_eq(x, a) | cm_swar_eq(x, b) | cm_swar_eq(x, c) | cm_swar_eq(x, d);
        if (binary)
            m |= cm_swar_eq(x, 0) | cm_swar_high(x);
        if (m)
            return i + cm_swar_first(m);
        i += 8;
    }
#else
    (void)a, (void)b, (void)c, (void)d, (void)binary;
#endif
    while (i < len && !stop[p[i]])
        i++;
    return i;
}

#endif
