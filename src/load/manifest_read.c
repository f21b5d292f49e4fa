/*
 * manifest_read.c - a source's file read through the CSV layer (decode.c
 * converting it first when it declares another encoding): its header first,
 * for every source before any row, then its records, each handed to the
 * table's loader with the place of each value in the file.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sys/stat.h>

#include "citymig/decode.h"
#include "citymig/sha256.h"
#include "citymig/value.h"
#include "manifest_internal.h"

/* ---- reading one source --------------------------------------------------------- */

typedef struct reading {
    manifest *m;
    source *s;
    cm_loader *loader; /* NULL for a joined source */
    cm_strpool *seen;  /* rows already given (dedupe) */
    row_buf row;
    canon cr;
    bool header_done;
    bool header_only; /* the header pass: stop after the header */
    bool stopped;
    cm_status st;
} reading;

/* The flagged values of an areas row, kept until the table is loaded (the
   row it becomes is known only then). False when out of memory. */
static bool keep_marks(manifest *m, const canon *cr)
{
    for (size_t c = 0; c < MAX_COLS; c++) {
        if (!cr->marks[c] || !cr->value[c] || !*cr->value[c])
            continue;
        if (m->nmarks == m->marks_cap) {
            size_t cap = m->marks_cap ? m->marks_cap * 2 : 64;
            pending_mark *grown = realloc(m->marks, cap * sizeof *grown);
            if (!grown)
                return false;
            m->marks = grown;
            m->marks_cap = cap;
        }
        const char *id = cr->value[CM_AREAS_AREA_ID], *year = cr->value[CM_AREAS_YEAR];
        pending_mark *pm = &m->marks[m->nmarks];
        pm->area_id = strdup(id ? id : "");
        pm->year = strdup(year ? year : "");
        pm->col = (uint8_t)c;
        pm->marks = cr->marks[c];
        m->nmarks++;
        if (!pm->area_id || !pm->year)
            return false;
    }
    return true;
}

/* Hands one canonical row to the loader, after joins and de-duplication. */
static cm_status emit_row(reading *rd)
{
    manifest *m = rd->m;
    source *s = rd->s;
    canon *cr = &rd->cr;
    char *key = NULL;
    for (size_t i = 0; i < m->nsources; i++) {
        source *j = &m->sources[i];
        if (j->target != s)
            continue;
        if (!key && !(key = mf_canon_key(s, cr)))
            return CM_ERR_NOMEM;
        joined_row *jr = mf_join_find(j, key);
        if (!jr)
            continue;
        jr->used = true;
        for (size_t c = 0; c < s->def->ncols; c++) {
            if (!jr->values[c] || cr->value[c])
                continue;
            if (!mf_canon_set(cr, c, jr->values[c], jr->pos[c]))
                return CM_ERR_NOMEM;
            cr->marks[c] = jr->marks[c];
        }
    }
    free(key);
    if (s->dedupe) {
        size_t len = 0;
        for (size_t c = 0; c < s->def->ncols; c++)
            len += (cr->value[c] ? strlen(cr->value[c]) : 0) + 1;
        char *all = malloc(len + 1), *p = all;
        if (!all)
            return CM_ERR_NOMEM;
        for (size_t c = 0; c < s->def->ncols; c++) {
            size_t n = cr->value[c] ? strlen(cr->value[c]) : 0;
            memcpy(p, cr->value[c] ? cr->value[c] : "", n);
            p += n;
            *p++ = '\x1f';
        }
        size_t before = cm_strpool_count(rd->seen);
        uint32_t id = cm_strpool_intern(rd->seen, all, len);
        free(all);
        if (!id)
            return CM_ERR_NOMEM;
        if (cm_strpool_count(rd->seen) == before) {
            s->input->deduped++;
            return CM_OK;
        }
    }
    /* A required value that a missing token emptied: say so, with the token,
       rather than let it pass for an empty field. */
    for (size_t c = 0; c < s->def->ncols; c++) {
        if (!cr->token[c] || !(s->def->cols[c].flags & CM_COL_REQUIRED))
            continue;
        cm_source *src = &m->ds->sources[s->table];
        cm_loc loc = {cr->pos[c].file, cr->pos[c].line, cr->pos[c].col};
        bool warn = m->opts->keep_going;
        char q[CM_QUOTE_SIZE];
        cm_diag_report(m->diag, warn ? CM_SEV_WARNING : CM_SEV_ERROR, &loc,
                       "column '%s': %s is declared missing by the manifest (missing = ...), "
                       "but %s needs a value here%s",
                       s->def->cols[c].name, mf_quoted(q, cr->token[c]), s->def->file,
                       warn ? " (row skipped: --keep-going)" : "; drop such rows with skip_if");
        src->rows++;
        src->rows_rejected++;
        if (!warn) {
            src->errors++;
            m->errors++;
        }
        return cm_diag_full(m->diag) ? CM_ERR_DATA : CM_OK;
    }
    s->input->rows++;
    if (s->table == CM_TABLE_AREAS && !keep_marks(m, cr))
        return CM_ERR_NOMEM;
    for (size_t c = 0; c < s->def->ncols; c++) {
        const char *v = cr->value[c] ? cr->value[c] : "";
        cm_csv_pos pos = cr->value[c] ? cr->pos[c] : rd->row.record;
        cm_status st;
        if (cr->written[c]) {
            char how[CM_QUOTE_SIZE + 128], q[CM_QUOTE_SIZE];
            cm_quote(q, sizeof q, v, strlen(v));
            const mapping *mp = &s->map[c];
            if (mp->kind == MAP_PERIOD && strcmp(v, cr->written[c]) == 0)
                snprintf(how, sizeof how, "year_from.%s = %s finds no year in it", mp->text,
                         mp->pattern);
            else if (mp->kind == MAP_PERIOD)
                snprintf(how, sizeof how, "year_from.%s = %s reads it as %s", mp->text, mp->pattern,
                         q);
            else if (s->scale[c])
                snprintf(how, sizeof how, "scale.%s = %s makes it %s", s->def->cols[c].name,
                         s->scale[c], q);
            else
                snprintf(how, sizeof how,
                         "read with the manifest's thousands separator and decimal mark as %s", q);
            st = cm_loader_field_as_written(rd->loader, c, v, strlen(v), cr->written[c], how, &pos);
        } else {
            st = cm_loader_field(rd->loader, c, v, strlen(v), &pos);
        }
        if (st != CM_OK)
            return st;
    }
    return cm_loader_record(rd->loader, s->def->ncols, &rd->row.record);
}

static cm_status source_field(void *ctx, size_t index, const char *s, size_t len,
                              const cm_csv_pos *pos)
{
    reading *rd = ctx;
    if (index == 0) {
        rd->row.n = 0;
        rd->row.len = 0;
        rd->row.record = *pos;
    }
    cm_csv_pos at = *pos;
    if (rd->s->trim) {
        /* trim = yes: spaces and tabs around the text go; the place is
           that of its first character. */
        while (len && (*s == ' ' || *s == '\t'))
            s++, len--, at.col++;
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            len--;
    }
    return mf_row_add(&rd->row, s, len, &at) ? CM_OK : CM_ERR_NOMEM;
}

static cm_status source_record(void *ctx, size_t nfields, const cm_csv_pos *start)
{
    reading *rd = ctx;
    manifest *m = rd->m;
    source *s = rd->s;
    (void)nfields;
    rd->row.record = *start;
    if (start->line < s->header_line)
        return CM_OK; /* lines above the header: titles, notes */
    if (!rd->header_done) {
        rd->header_done = true;
        if (s->header_read)
            return CM_OK; /* read by the header pass */
        s->header_read = true;
        s->header = calloc(rd->row.n ? rd->row.n : 1, sizeof *s->header);
        if (!s->header)
            return CM_ERR_NOMEM;
        /* Counted as they are kept, so that all of them are freed. */
        for (size_t i = 0; i < rd->row.n; i++, s->nheader++)
            if (!(s->header[i] = strdup(mf_row_field(&rd->row, i))))
                return CM_ERR_NOMEM;
        mf_resolve(m, s);
        if (m->nomem)
            return CM_ERR_NOMEM;
        rd->stopped = rd->header_only;
        return rd->header_only ? CM_ERR_INTERNAL : CM_OK;
    }
    s->input->records++;
    if (rd->row.n != s->nfile) {
        cm_loc loc = {start->file, start->line, 0};
        cm_diag_report(m->diag, CM_SEV_ERROR, &loc, "%zu fields, but the header has %zu", rd->row.n,
                       s->nfile);
        m->errors++;
        return cm_diag_full(m->diag) ? CM_ERR_DATA : CM_OK;
    }
    if (!mf_row_splits(s, &rd->row))
        return CM_ERR_NOMEM;
    if (mf_filtered_out(s, &rd->row)) {
        s->input->filtered++;
        return CM_OK;
    }
    mf_canon_clear(&rd->cr);
    if (!mf_build(s, &rd->row, &rd->cr))
        return CM_ERR_NOMEM;
    if (!s->unpivot)
        return rd->loader ? emit_row(rd) : mf_join_store(m, s, &rd->cr, &rd->row);

    /* One row per year column in the range, when it has a value. */
    char buf[128];
    int year_col = mf_column_of(s->def, "year");
    for (size_t i = 0; i < s->nfile && i < rd->row.n; i++) {
        int32_t y;
        if (cm_parse_year(s->header[i], strlen(s->header[i]), &y) != CM_PARSE_OK ||
            y < s->unpivot_from || y > s->unpivot_to)
            continue;
        const char *v =
            mf_transform(s, s->unpivot_value, mf_row_field(&rd->row, i), buf, sizeof buf, NULL);
        if (!*v)
            continue;
        /* Joined columns of the previous year must not carry over. */
        for (size_t c = 0; c < s->def->ncols; c++)
            if (s->map[c].kind == MAP_NONE && (int)c != year_col && c != s->unpivot_value) {
                free(rd->cr.value[c]);
                rd->cr.value[c] = NULL;
            }
        char year[16];
        snprintf(year, sizeof year, "%" PRId32, y + s->year_offset);
        rd->cr.marks[s->unpivot_value] = s->last_marks;
        if (!mf_canon_set(&rd->cr, (size_t)year_col, year, rd->row.pos[i]) ||
            !mf_canon_set(&rd->cr, s->unpivot_value, v, rd->row.pos[i]) ||
            (!s->nvmap[s->unpivot_value] &&
             !mf_canon_written(&rd->cr, s->unpivot_value, mf_row_field(&rd->row, i), v)))
            return CM_ERR_NOMEM;
        cm_status st = rd->loader ? emit_row(rd) : mf_join_store(m, s, &rd->cr, &rd->row);
        if (st != CM_OK)
            return st;
    }
    return CM_OK;
}

typedef struct source_tap {
    cm_sha256 *sha;
    const cm_load_options *opts;
    const source *s;
    uint64_t done, size;
    const cm_source *table;
} source_tap;

static void sha_chunk(void *ctx, const void *data, size_t len)
{
    source_tap *t = ctx;
    cm_sha256_update(t->sha, data, len);
    t->done += len;
    if (t->opts->progress)
        t->opts->progress(t->opts->progress_ctx, t->s->input->path, t->done, t->size,
                          t->table->rows);
}

/* The CSV options of a source; false (reported) when they cannot be. */
static bool source_options(manifest *m, const source *s, cm_csv_options *o, char *advice,
                           size_t size)
{
    *o = m->opts->csv;
    o->delimiter = s->delim;
    o->quote = s->quote;
    if (o->delimiter == o->quote) {
        mf_err(m, s->section_line, "[%s]: the delimiter and the quote are the same character",
               s->section);
        return false;
    }
    snprintf(advice, size,
             "expected UTF-8, as [%s] of the manifest reads it: if the file is in another "
             "encoding, say which there (encoding = windows-1252, cp949, or another name "
             "iconv knows)",
             s->section);
    o->utf8_advice = advice;
    return true;
}

/* Reads the source's file through the CSV layer, converting it first when
   it declares an encoding; *bytes is the file's size. */
static cm_status read_file(manifest *m, source *s, const cm_csv_options *o, reading *rd,
                           cm_csv_stats *stats, const cm_csv_tap *tap, uint64_t *bytes)
{
    cm_csv_handler h = {source_field, source_record, NULL};
    cm_status st;
    if (!s->encoding) {
        st = cm_csv_read_file(s->real, s->input->path, o, &h, rd, m->diag, stats, tap);
        *bytes = stats->bytes;
    } else {
        cm_decoding d = {s->encoding, m->path, s->encoding_line};
        st =
            cm_decode_read_file(s->real, s->input->path, &d, o, &h, rd, m->diag, stats, tap, bytes);
    }
    return rd->stopped && st == CM_ERR_INTERNAL ? CM_OK : st;
}

static void no_header(manifest *m, const source *s)
{
    cm_loc loc = {s->input->path, 0, 0};
    cm_diag_report(m->diag, CM_SEV_ERROR, &loc,
                   "no header row (the manifest's header_line is %" PRIu64 ")", s->header_line);
    m->errors++;
}

/* The header pass: the source's header read and every name the manifest
   gives in it resolved, before any source's rows are read, so that every
   source's errors are said at once. */
cm_status mf_read_header(manifest *m, source *s)
{
    reading rd = {0};
    rd.m = m;
    rd.s = s;
    rd.header_only = true;
    cm_csv_options o;
    char advice[256];
    cm_csv_stats stats = {0};
    uint64_t bytes = 0;
    if (!source_options(m, s, &o, advice, sizeof advice))
        return CM_ERR_DATA;
    cm_status st = read_file(m, s, &o, &rd, &stats, NULL, &bytes);
    if (st == CM_OK && !rd.header_done)
        no_header(m, s), st = CM_ERR_DATA;
    free(rd.row.text);
    free(rd.row.start);
    free(rd.row.pos);
    return st;
}

cm_status mf_read_source(manifest *m, source *s, cm_loader *loader)
{
    reading rd = {0};
    rd.m = m;
    rd.s = s;
    rd.loader = loader;
    cm_csv_options o;
    char advice[256];
    if (!source_options(m, s, &o, advice, sizeof advice))
        return CM_ERR_DATA;
    if (s->dedupe && !(rd.seen = cm_strpool_new()))
        return CM_ERR_NOMEM;
    cm_sha256 *sha = cm_sha256_new();
    cm_csv_stats stats = {0};
    struct stat sb;
    source_tap st_tap = {sha,
                         m->opts,
                         s,
                         0,
                         stat(s->real, &sb) == 0 ? (uint64_t)sb.st_size : 0,
                         &m->ds->sources[s->table]};
    cm_csv_tap tap = {sha_chunk, &st_tap};
    uint64_t bytes = 0;
    cm_status st = !sha ? CM_ERR_NOMEM : read_file(m, s, &o, &rd, &stats, &tap, &bytes);
    if (sha)
        cm_sha256_finish(sha, s->input->sha256);
    /* The file's size, not that of its text once converted. */
    s->input->bytes = bytes;
    s->input->lines = stats.lines;
    if (st == CM_OK && !rd.header_done)
        no_header(m, s), st = CM_ERR_DATA;
    if (st == CM_OK && rd.header_done && !mf_filters_report(m, s))
        st = CM_ERR_DATA;
    free(rd.row.text);
    free(rd.row.start);
    free(rd.row.pos);
    mf_canon_clear(&rd.cr);
    cm_strpool_free(rd.seen);
    return st;
}
