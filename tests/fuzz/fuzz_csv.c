/*
 * fuzz_csv.c - the CSV layer, and the same input parsed whole and split in
 * two at a point the input chooses: both must give the same records, the
 * same fields, positions and error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citymig/csvread.h"

typedef struct capture {
    char *text;
    size_t len, cap;
    char record[4096];
    size_t rlen;
} capture;

static void put(capture *c, const char *s, size_t n)
{
    if (c->len + n + 1 > c->cap) {
        size_t cap = (c->len + n + 1) * 2;
        char *t = realloc(c->text, cap);
        if (!t)
            abort();
        c->text = t;
        c->cap = cap;
    }
    memcpy(c->text + c->len, s, n);
    c->len += n;
    c->text[c->len] = '\0';
}

static cm_status on_field(void *ctx, size_t index, const char *s, size_t len, const cm_csv_pos *pos)
{
    capture *c = ctx;
    if (index == 0)
        c->rlen = 0;
    int n = snprintf(c->record + c->rlen, sizeof c->record - c->rlen, "%zu@%llu:%u[%zu:%08x]",
                     index, (unsigned long long)pos->line, pos->col, len,
                     len ? (unsigned)(unsigned char)s[0] << 24 | (unsigned)len : 0u);
    if (n > 0 && (size_t)n < sizeof c->record - c->rlen)
        c->rlen += (size_t)n;
    return CM_OK;
}

static cm_status on_record(void *ctx, size_t nfields, const cm_csv_pos *start)
{
    capture *c = ctx;
    (void)start;
    if (nfields)
        put(c, c->record, c->rlen);
    put(c, "\n", 1);
    return CM_OK;
}

static void on_diag(void *ctx, const cm_diag_msg *msg)
{
    capture *c = ctx;
    char line[1200];
    int n = snprintf(line, sizeof line, "! %llu:%u %s\n", (unsigned long long)msg->loc.line,
                     msg->loc.col, msg->text);
    if (n > 0)
        put(c, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

static cm_status run(const uint8_t *data, size_t size, size_t cut, capture *out)
{
    cm_diag diag;
    cm_csv_handler h = {on_field, on_record, NULL};
    cm_csv_options o = {.max_field = 256, .max_fields = 64};
    cm_diag_init(&diag, on_diag, out, 0);
    cm_csv *csv = cm_csv_new(&o, &h, out, &diag, "f");
    if (!csv)
        abort();
    cm_status st = cm_csv_feed(csv, data, cut);
    if (st == CM_OK)
        st = cm_csv_feed(csv, data + cut, size - cut);
    if (st == CM_OK)
        st = cm_csv_finish(csv);
    cm_csv_free(csv);
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    capture whole = {0}, split = {0};
    size_t cut = size ? (size_t)data[0] % (size + 1) : 0;
    cm_status a = run(data, size, size, &whole);
    cm_status b = run(data, size, cut, &split);
    if (a != b || whole.len != split.len ||
        (whole.len && memcmp(whole.text, split.text, whole.len) != 0)) {
        fprintf(stderr, "whole and split (at %zu) differ:\n%s\n---\n%s\n", cut,
                whole.text ? whole.text : "", split.text ? split.text : "");
        abort();
    }
    free(whole.text);
    free(split.text);
    return 0;
}
