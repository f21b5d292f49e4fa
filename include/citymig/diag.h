/*
 * diag.h - diagnostics: errors, warnings and notes about inputs, each with
 * the place it refers to (file, line, column).
 *
 * Library code never prints. It reports through a cm_diag, whose sink (set by
 * the caller: the CLI prints, the tests capture) receives each message as it
 * is found, in input order. The cm_diag counts messages by severity and knows
 * when the caller's error limit is reached.
 */
#ifndef CITYMIG_DIAG_H
#define CITYMIG_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum cm_severity { CM_SEV_NOTE, CM_SEV_WARNING, CM_SEV_ERROR } cm_severity;

/** A place in an input. line 0: the whole file; col 0: the whole line. */
typedef struct cm_loc {
    const char *file;
    uint64_t line;
    uint32_t col;
} cm_loc;

typedef struct cm_diag_msg {
    cm_severity severity;
    cm_loc loc;
    const char *text; /* valid only during the sink call */
} cm_diag_msg;

typedef void (*cm_diag_sink)(void *ctx, const cm_diag_msg *msg);

typedef struct cm_diag {
    cm_diag_sink sink; /* may be NULL: messages are only counted */
    void *sink_ctx;
    size_t max_errors; /* 0: no limit */
    size_t errors;
    size_t warnings;
    size_t notes;
} cm_diag;

/** Sets up a diagnostics collector; max_errors 0 means no limit. */
void cm_diag_init(cm_diag *diag, cm_diag_sink sink, void *sink_ctx, size_t max_errors);

/** Reports one message (printf-style text, no trailing newline). */
void cm_diag_report(cm_diag *diag, cm_severity severity, const cm_loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/** True once the error limit has been reached: callers stop reading. */
bool cm_diag_full(const cm_diag *diag);

/** The name of a severity as printed ("error", "warning", "note"). */
const char *cm_severity_str(cm_severity severity);

/*
 * Writes s (len bytes) into out as a double-quoted, printable excerpt for a
 * message: control bytes and invalid UTF-8 are escaped (\n, \x00), and text
 * past about 60 characters is cut with "...". Always NUL-terminates;
 * returns out.
 */
char *cm_quote(char *out, size_t out_size, const char *s, size_t len);

/** Room cm_quote needs for its longest result. */
#define CM_QUOTE_SIZE 280

/*
 * text as a terminal may be shown it: text itself, or, when it holds what
 * cm_quote escapes (control bytes, DEL, bytes that are not UTF-8), its
 * cm_quote excerpt, written into out.
 */
const char *cm_shown(char *out, size_t out_size, const char *text);

#endif
