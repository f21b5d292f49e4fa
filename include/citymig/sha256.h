/*
 * sha256.h - SHA-256 digests of inputs (for the report's Sources sheet),
 * on Nettle.
 */
#ifndef CITYMIG_SHA256_H
#define CITYMIG_SHA256_H

#include <stddef.h>

/** Room for a digest in hexadecimal, with its NUL. */
#define CM_SHA256_HEX_SIZE 65

typedef struct cm_sha256 cm_sha256;

/** A new digest in progress, or NULL when out of memory. */
cm_sha256 *cm_sha256_new(void);

/** Adds len bytes. */
void cm_sha256_update(cm_sha256 *sha, const void *data, size_t len);

/** Writes the digest as 64 lowercase hex digits and frees sha. */
void cm_sha256_finish(cm_sha256 *sha, char hex[CM_SHA256_HEX_SIZE]);

/** The digest of one buffer, in hex. */
void cm_sha256_hex(const void *data, size_t len, char hex[CM_SHA256_HEX_SIZE]);

#endif
