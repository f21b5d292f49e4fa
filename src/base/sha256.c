/*
 * sha256.c - a thin wrapper over Nettle's SHA-256.
 */
#include "citymig/sha256.h"

#include <nettle/sha2.h>
#include <stdlib.h>

struct cm_sha256 {
    struct sha256_ctx ctx;
};

cm_sha256 *cm_sha256_new(void)
{
    cm_sha256 *sha = malloc(sizeof *sha);
    if (sha)
        sha256_init(&sha->ctx);
    return sha;
}

void cm_sha256_update(cm_sha256 *sha, const void *data, size_t len)
{
    sha256_update(&sha->ctx, len, data);
}

void cm_sha256_finish(cm_sha256 *sha, char hex[CM_SHA256_HEX_SIZE])
{
    static const char digits[] = "0123456789abcdef";
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_digest(&sha->ctx, sizeof digest, digest);
    for (size_t i = 0; i < sizeof digest; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[2 * SHA256_DIGEST_SIZE] = '\0';
    free(sha);
}

void cm_sha256_hex(const void *data, size_t len, char hex[CM_SHA256_HEX_SIZE])
{
    cm_sha256 sha;
    sha256_init(&sha.ctx);
    sha256_update(&sha.ctx, len, data);
    static const char digits[] = "0123456789abcdef";
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_digest(&sha.ctx, sizeof digest, digest);
    for (size_t i = 0; i < sizeof digest; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[2 * SHA256_DIGEST_SIZE] = '\0';
}
