/*
 * hash.h - a fast, non-cryptographic 64-bit hash for short keys (identifiers,
 * composite keys). Reads eight bytes at a time; the same input always gives
 * the same value on every run and machine of the same byte order.
 */
#ifndef CITYMIG_HASH_H
#define CITYMIG_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t cm_hash_mix(uint64_t h)
{
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ULL;
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ULL;
    h ^= h >> 32;
    return h;
}

static inline uint64_t cm_hash_bytes(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (len * 0xff51afd7ed558ccdULL);
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ cm_hash_mix(w)) * 0xc4ceb9fe1a85ec53ULL;
        p += 8;
        len -= 8;
    }
    if (len) {
        uint64_t w = 0;
        memcpy(&w, p, len);
        h = (h ^ cm_hash_mix(w ^ len)) * 0xc4ceb9fe1a85ec53ULL;
    }
    return cm_hash_mix(h);
}

#endif
