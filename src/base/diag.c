/*
 * diag.c - counting, limiting and formatting of diagnostics.
 */
#include "citymig/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "citymig/utf8.h"

void cm_diag_init(cm_diag *diag, cm_diag_sink sink, void *sink_ctx, size_t max_errors)
{
    memset(diag, 0, sizeof *diag);
    diag->sink = sink;
    diag->sink_ctx = sink_ctx;
    diag->max_errors = max_errors;
}

void cm_diag_report(cm_diag *diag, cm_severity severity, const cm_loc *loc, const char *fmt, ...)
{
    char text[1024];
    va_list ap;

    switch (severity) {
    case CM_SEV_ERROR:
        diag->errors++;
        break;
    case CM_SEV_WARNING:
        diag->warnings++;
        break;
    case CM_SEV_NOTE:
        diag->notes++;
        break;
    }
    if (!diag->sink)
        return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);

    cm_diag_msg msg = {.severity = severity, .text = text};
    if (loc)
        msg.loc = *loc;
    diag->sink(diag->sink_ctx, &msg);
}

bool cm_diag_full(const cm_diag *diag)
{
    return diag->max_errors != 0 && diag->errors >= diag->max_errors;
}

const char *cm_severity_str(cm_severity severity)
{
    switch (severity) {
    case CM_SEV_ERROR:
        return "error";
    case CM_SEV_WARNING:
        return "warning";
    case CM_SEV_NOTE:
        return "note";
    }
    return "error";
}

char *cm_quote(char *out, size_t out_size, const char *s, size_t len)
{
    enum { MAX_CHARS = 60 };
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0, i = 0, chars = 0;

    /* Room for the closing quote, "..." and the NUL is kept in reserve. */
    if (out_size < 16) {
        if (out_size)
            out[0] = '\0';
        return out;
    }
    out[o++] = '"';
    while (i < len && chars < MAX_CHARS && o + 12 < out_size) {
        size_t n = cm_utf8_valid_prefix(p + i, len - i, 1);
        if (n > 0 && p[i] >= 0x20 && p[i] != 0x7f && p[i] != '"' && p[i] != '\\') {
            if (o + n + 8 >= out_size)
                break;
            memcpy(out + o, p + i, n);
            o += n;
            i += n;
        } else {
            static const char hex[] = "0123456789abcdef";
            unsigned char c = p[i++];
            out[o++] = '\\';
            if (c == '\n') {
                out[o++] = 'n';
            } else if (c == '\r') {
                out[o++] = 'r';
            } else if (c == '\t') {
                out[o++] = 't';
            } else if (c == '"' || c == '\\') {
                out[o++] = (char)c;
            } else {
                out[o++] = 'x';
                out[o++] = hex[c >> 4];
                out[o++] = hex[c & 15];
            }
        }
        chars++;
    }
    if (i < len) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o++] = '"';
    out[o] = '\0';
    return out;
}

/* Does text hold what cm_quote escapes for a terminal? */
static bool needs_quote(const char *text)
{
    size_t len = strlen(text);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x20 || c == 0x7f)
            return true;
    }
    return !cm_utf8_valid(text, len);
}

const char *cm_shown(char *out, size_t out_size, const char *text)
{
    return needs_quote(text) ? cm_quote(out, out_size, text, strlen(text)) : text;
}
