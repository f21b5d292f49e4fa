/*
 * mfscratch.h - the manifest tests' fixture: downloads and a manifest
 * written to a scratch directory, loaded, and the messages kept with the
 * manifest's path written without its directory.
 */
#ifndef CITYMIG_TEST_MFSCRATCH_H
#define CITYMIG_TEST_MFSCRATCH_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "citymig/dataset.h"

typedef struct scratch {
    char dir[256];
    char files[8][64];
    size_t nfiles;
    char messages[4096];
    size_t mlen;
    bool columns; /* messages name the column too (file:line:col:) */
    cm_dataset *ds;
} scratch;

static inline void put(scratch *s, const char *name, const char *text, size_t len)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", s->dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    snprintf(s->files[s->nfiles++], sizeof s->files[0], "%s", name);
}

static inline void put_text(scratch *s, const char *name, const char *text)
{
    put(s, name, text, strlen(text));
}

static inline void on_diag(void *ctx, const cm_diag_msg *msg)
{
    scratch *s = ctx;
    const char *file = msg->loc.file ? strrchr(msg->loc.file, '/') : NULL;
    file = file ? file + 1 : msg->loc.file ? msg->loc.file : "";
    char col[16] = "";
    if (s->columns)
        snprintf(col, sizeof col, ":%u", (unsigned)msg->loc.col);
    /* The manifest's path in the text is written without the directory. */
    char text[1024];
    size_t o = 0, dlen = strlen(s->dir);
    for (const char *p = msg->text; *p && o < sizeof text - 1;) {
        if (strncmp(p, s->dir, dlen) == 0 && strncmp(p + dlen, "/dataset.ini", 12) == 0)
            p += dlen + 1;
        else
            text[o++] = *p++;
    }
    text[o] = '\0';
    int n =
        snprintf(s->messages + s->mlen, sizeof s->messages - s->mlen, "%s:%llu%s: %s: %s\n", file,
                 (unsigned long long)msg->loc.line, col, cm_severity_str(msg->severity), text);
    if (n > 0 && (size_t)n < sizeof s->messages - s->mlen)
        s->mlen += (size_t)n;
}

static inline void open_scratch(scratch *s)
{
    memset(s, 0, sizeof *s);
    const char *tmp = getenv("TMPDIR");
    snprintf(s->dir, sizeof s->dir, "%s/cm-man-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(s->dir));
}

static inline cm_status load_with(scratch *s, const cm_load_options *lo)
{
    char path[400];
    snprintf(path, sizeof path, "%s/dataset.ini", s->dir);
    cm_diag diag;
    cm_diag_init(&diag, on_diag, s, 0);
    return cm_dataset_load(path, lo, &diag, &s->ds);
}

static inline cm_status load(scratch *s)
{
    cm_load_options lo = {0};
    return load_with(s, &lo);
}

/* A name in the scratch directory made otherwise (a link, a pipe), to be
   removed with it. */
static inline const char *scratch_name(scratch *s, const char *name, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", s->dir, name);
    snprintf(s->files[s->nfiles++], sizeof s->files[0], "%s", name);
    return path;
}

static inline void close_scratch(scratch *s)
{
    char path[400];
    for (size_t i = 0; i < s->nfiles; i++) {
        snprintf(path, sizeof path, "%s/%s", s->dir, s->files[i]);
        if (unlink(path) != 0)
            rmdir(path);
    }
    rmdir(s->dir);
    cm_dataset_free(s->ds);
}

/* An areas value, as text ("" when missing). */
static inline const char *area_value(scratch *s, const char *id, int32_t year, size_t col,
                                     char *buf, size_t size)
{
    uint32_t area = cm_strpool_find(s->ds->pool, id, strlen(id));
    size_t row = cm_areas_find(s->ds->areas, area, year);
    if (row == SIZE_MAX)
        return "(no row)";
    cm_cell cell;
    if (!cm_table_get(s->ds->areas, row, col, &cell))
        return "";
    return cm_cell_format(&cm_areas_def, col, &cell, s->ds->pool, buf, size);
}

#define EXPECT_AREA(s, id, year, col, text)                                                        \
    do {                                                                                           \
        char buf_[64];                                                                             \
        assert_string_equal(area_value(s, id, year, col, buf_, sizeof buf_), text);                \
    } while (0)

#endif
