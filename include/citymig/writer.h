/*
 * writer.h - an output for the text renderers, with a sticky error.
 *
 * A cm_writer writes to a stdio stream or to a file descriptor. The first
 * write that fails is kept (its errno; EIO when the system gave none), and
 * every later write is a no-op, so a renderer writes on without checking
 * and asks once, at the end, whether all of it went out. A stream whose
 * error indicator is already set starts failed (EIO).
 *
 * A stream is written through stdio, buffered as the stream is; a
 * descriptor is written with write() as each call comes, retried after
 * EINTR and short writes. Renderers that build their own large buffers
 * hand them over whole with cm_writer_write.
 */
#ifndef CITYMIG_WRITER_H
#define CITYMIG_WRITER_H

#include <stddef.h>
#include <stdio.h>

typedef struct cm_writer {
    FILE *fp; /* the stream, or NULL for a descriptor */
    int fd;   /* the descriptor, when fp is NULL */
    int err;  /* errno of the first failed write; 0 */
} cm_writer;

/** A writer on a stream (its error indicator set: failed, EIO). */
void cm_writer_init_file(cm_writer *w, FILE *fp);

/** A writer on an open file descriptor (not closed by the writer). */
void cm_writer_init_fd(cm_writer *w, int fd);

/** Writes n bytes of buf. */
void cm_writer_write(cm_writer *w, const void *buf, size_t n);

/** Writes a NUL-terminated string, without its NUL. */
void cm_writer_puts(cm_writer *w, const char *s);

/** Writes one byte. */
void cm_writer_putc(cm_writer *w, char c);

/** Writes printf-style text. */
void cm_writer_printf(cm_writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Flushes a stream's buffer (a descriptor has none); returns cm_writer_error. */
int cm_writer_flush(cm_writer *w);

/** The errno of the first failed write, or 0 when every write succeeded. */
int cm_writer_error(const cm_writer *w);

/** What a renderer returns: 0 when every write succeeded, else -1 with errno
    set to cm_writer_error. */
int cm_writer_result(const cm_writer *w);

#endif
