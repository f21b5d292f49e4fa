/*
 * manifest_rows.c - one source record made a canonical row: its fields,
 * the filters, the mapping of every column, and the rows of joined
 * sources, kept by key.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "citymig/hash.h"
#include "citymig/utf8.h"
#include "citymig/value.h"
#include "manifest_internal.h"

/* ---- rows ---------------------------------------------------------------------- */

bool mf_row_add(row_buf *r, const char *s, size_t len, const cm_csv_pos *pos)
{
    if (r->n == r->ncap) {
        size_t cap = r->ncap ? r->ncap * 2 : 32;
        size_t *start = realloc(r->start, cap * sizeof *start);
        if (!start)
            return false;
        r->start = start;
        cm_csv_pos *p = realloc(r->pos, cap * sizeof *p);
        if (!p)
            return false;
        r->pos = p;
        r->ncap = cap;
    }
    if (r->len + len + 1 > r->cap) {
        size_t cap = (r->len + len + 1) * 2;
        char *t = realloc(r->text, cap);
        if (!t)
            return false;
        r->text = t;
        r->cap = cap;
    }
    memcpy(r->text + r->len, s, len);
    r->text[r->len + len] = '\0';
    r->start[r->n] = r->len;
    r->pos[r->n] = *pos;
    r->len += len + 1;
    r->n++;
    return true;
}

const char *mf_row_field(const row_buf *r, size_t i)
{
    return i < r->n ? r->text + r->start[i] : "";
}

void mf_canon_clear(canon *cr)
{
    for (size_t c = 0; c < MAX_COLS; c++) {
        free(cr->value[c]);
        cr->value[c] = NULL;
        cr->token[c] = NULL;
        free(cr->written[c]);
        cr->written[c] = NULL;
        cr->marks[c] = 0;
    }
}

bool mf_canon_set(canon *cr, size_t c, const char *v, cm_csv_pos pos)
{
    free(cr->value[c]);
    free(cr->written[c]);
    cr->written[c] = NULL;
    cr->value[c] = strdup(v);
    cr->pos[c] = pos;
    return cr->value[c] != NULL;
}

/* Keeps the text of a number as its file writes it, when the manifest's
   marks or scale changed it (v is raw transformed). */
bool mf_canon_written(canon *cr, size_t c, const char *raw, const char *v)
{
    if (!*v || strcmp(raw, v) == 0)
        return true;
    free(cr->written[c]);
    cr->written[c] = strdup(raw);
    return cr->written[c] != NULL;
}

/* The key of a canonical row (its table's key columns), for joins. */
char *mf_canon_key(const source *s, const canon *cr)
{
    size_t n = 1;
    for (size_t k = 0; k < s->def->nkey; k++) {
        size_t c = s->def->key[k];
        const char *v = cr->value[c] ? cr->value[c] : "";
        /* An enumeration's default (sex T) counts as given. */
        if (!*v && s->def->cols[c].type == CM_VALUE_ENUM &&
            s->def->cols[c].enumdef->default_code >= 0)
            v = cm_enum_name(s->def->cols[c].enumdef, s->def->cols[c].enumdef->default_code);
        n += strlen(v) + 1;
    }
    char *key = malloc(n), *p = key;
    if (!key)
        return NULL;
    for (size_t k = 0; k < s->def->nkey; k++) {
        size_t c = s->def->key[k];
        const char *v = cr->value[c] ? cr->value[c] : "";
        if (!*v && s->def->cols[c].type == CM_VALUE_ENUM &&
            s->def->cols[c].enumdef->default_code >= 0)
            v = cm_enum_name(s->def->cols[c].enumdef, s->def->cols[c].enumdef->default_code);
        size_t len = strlen(v);
        memcpy(p, v, len);
        p += len;
        *p++ = '\x1f';
    }
    *p = '\0';
    return key;
}

/* The mapped values of one source record, before unpivot. */
bool mf_build(source *s, const row_buf *r, canon *cr)
{
    char buf[128];
    for (size_t c = 0; c < s->def->ncols; c++) {
        mapping *mp = &s->map[c];
        const char *raw = NULL;
        cm_csv_pos pos = r->record;
        char *made = NULL;
        switch (mp->kind) {
        case MAP_NONE:
            continue;
        case MAP_CONSTANT:
            raw = mp->text;
            break;
        case MAP_SUM: {
            /* Each term as a value of the column, then their exact sum; a
               missing term makes the sum missing. */
            int64_t sum = 0;
            bool missing = false, bad = false;
            char term_buf[128];
            uint8_t marks = 0;
            for (size_t k = 0; k < mp->nparts && !missing && !bad; k++) {
                const char *t = mf_transform(s, c, mf_row_field(r, mp->part[k]), term_buf,
                                             sizeof term_buf, NULL);
                marks |= s->last_marks;
                int64_t v;
                if (!*t)
                    missing = true;
                else if (cm_parse_signed_count(t, strlen(t), &v) != CM_PARSE_OK ||
                         __builtin_add_overflow(sum, v, &sum))
                    bad = true;
            }
            if (mp->nparts && mp->part[0] < r->n)
                pos = r->pos[mp->part[0]];
            if (bad) {
                /* Hand the first term's text on: the loader names the problem. */
                raw = mf_row_field(r, mp->part[0]);
                break;
            }
            made = malloc(32);
            if (!made)
                return false;
            if (missing)
                made[0] = '\0';
            else
                snprintf(made, 32, "%" PRId64, sum);
            if (!mf_canon_set(cr, c, made, pos)) {
                free(made);
                return false;
            }
            cr->marks[c] = marks;
            free(made);
            continue;
        }
        case MAP_COLUMN:
            raw = mf_row_field(r, mp->src);
            if (mp->src < r->n)
                pos = r->pos[mp->src];
            break;
        case MAP_PERIOD: {
            /* The year out of the period; a period the pattern does not
               fit goes on as it is, for the loader to refuse. */
            int32_t year, first;
            raw = mf_row_field(r, mp->src);
            if (mp->src < r->n)
                pos = r->pos[mp->src];
            if (!mf_period_year(mp->pattern, raw, &year, &first)) {
                if (!mf_canon_set(cr, c, raw, pos) || !(cr->written[c] = strdup(raw)))
                    return false;
                continue;
            }
            char y[16];
            snprintf(y, sizeof y, "%" PRId32, year + s->year_offset);
            if (!mf_canon_set(cr, c, y, pos) || !mf_canon_written(cr, c, raw, y))
                return false;
            int ic = mf_column_of(s->def, "interval");
            if (ic >= 0 && year > first && s->map[ic].kind == MAP_NONE) {
                snprintf(y, sizeof y, "%" PRId32, year - first);
                if (!mf_canon_set(cr, (size_t)ic, y, pos))
                    return false;
            }
            continue;
        }
        case MAP_TEMPLATE: {
            size_t len = 0;
            for (size_t k = 0; k <= mp->nparts; k++)
                len += strlen(mp->lit[k]) +
                       (k < mp->nparts ? strlen(mf_row_field(r, mp->part[k])) : 0);
            made = malloc(len + 1);
            if (!made)
                return false;
            size_t o = 0;
            for (size_t k = 0; k <= mp->nparts; k++) {
                size_t n = strlen(mp->lit[k]);
                memcpy(made + o, mp->lit[k], n);
                o += n;
                if (k < mp->nparts) {
                    const char *f = mf_row_field(r, mp->part[k]);
                    n = strlen(f);
                    memcpy(made + o, f, n);
                    o += n;
                }
            }
            made[o] = '\0';
            if (mp->nparts && mp->part[0] < r->n)
                pos = r->pos[mp->part[0]];
            raw = made;
            break;
        }
        }
        const char *v = mf_transform(s, c, raw, buf, sizeof buf, &cr->token[c]);
        uint8_t marks = s->last_marks;
        char shifted[16];
        if (s->year_offset && mp->kind != MAP_PERIOD && (int)c == mf_column_of(s->def, "year") &&
            mf_offset_year(v, s->year_offset, shifted, sizeof shifted))
            v = shifted;
        bool ok = mf_canon_set(cr, c, v, pos) && ((cr->marks[c] = marks), true) &&
                  (mp->kind != MAP_COLUMN || s->nvmap[c] || mf_canon_written(cr, c, raw, v));
        free(made);
        if (!ok)
            return false;
    }
    return true;
}

/* year + offset, when v is a year: false (v left to the loader) else. */
bool mf_offset_year(const char *v, int32_t offset, char *out, size_t size)
{
    int32_t y;
    if (cm_parse_year(v, strlen(v), &y) != CM_PARSE_OK)
        return false;
    snprintf(out, size, "%" PRId32, y + offset);
    return true;
}

/*
 * The columns that split.SOURCE makes, appended to the record after the
 * file's fields: each part of the source field between separators, trimmed
 * under trim = yes, at its place (the source field's line, and the column
 * of the part's first character). A field with fewer parts gives empty
 * ones; the last part keeps any further separators.
 */
bool mf_row_splits(const source *s, row_buf *r)
{
    for (size_t i = 0; i < s->nsplits; i++) {
        const split *sp = &s->splits[i];
        /* A copy: adding fields may move the row's text. */
        char *whole = strdup(mf_row_field(r, sp->src));
        if (!whole)
            return false;
        cm_csv_pos pos = sp->src < r->n ? r->pos[sp->src] : r->record;
        const char *p = whole;
        for (size_t k = 0; k < sp->nnames; k++) {
            const char *end = k + 1 < sp->nnames ? strchr(p, sp->sep) : NULL;
            size_t len = end ? (size_t)(end - p) : strlen(p);
            cm_csv_pos at = pos;
            at.col += (uint32_t)cm_utf8_length(whole, (size_t)(p - whole));
            const char *t = p;
            size_t tl = len;
            if (s->trim) {
                while (tl && (*t == ' ' || *t == '\t'))
                    t++, tl--;
                while (tl && (t[tl - 1] == ' ' || t[tl - 1] == '\t'))
                    tl--;
            }
            if (!mf_row_add(r, t, tl, &at)) {
                free(whole);
                return false;
            }
            p = end ? end + 1 : p + len;
        }
        free(whole);
    }
    return true;
}

/* Counts a value a filter met, among the first FILTER_SEEN distinct ones
   (a copy that cannot be made is counted as another value). */
static void filter_saw(filter *fl, const char *v)
{
    for (size_t k = 0; k < fl->nseen; k++)
        if (strcmp(fl->seen[k], v) == 0) {
            fl->seen_rows[k]++;
            return;
        }
    if (fl->nseen < FILTER_SEEN && (fl->seen[fl->nseen] = strdup(v)) != NULL) {
        fl->seen_rows[fl->nseen++] = 1;
        return;
    }
    fl->seen_other++;
}

/* Filters apply in turn, and a row must pass them all: each counts the
   rows that reached it and those it let through. */
bool mf_filtered_out(source *s, const row_buf *r)
{
    for (size_t f = 0; f < s->nfilters; f++) {
        filter *fl = &s->filters[f];
        const char *v = mf_row_field(r, fl->src);
        bool listed = false;
        for (size_t i = 0; i < fl->nvalues; i++)
            listed |= strcmp(v, fl->values[i]) == 0;
        fl->reached++;
        filter_saw(fl, v);
        if (listed != fl->keep)
            return true;
        fl->passed++;
    }
    return false;
}

/*
 * After a source is read: a filter that let no row through says so, at its
 * line of the manifest, with the values its column does have. A warning,
 * or under --strict an error (then false).
 */
bool mf_filters_report(manifest *m, const source *s)
{
    bool ok = true;
    for (size_t f = 0; f < s->nfilters; f++) {
        const filter *fl = &s->filters[f];
        if (!fl->reached || fl->passed)
            continue;
        char have[768], q[CM_QUOTE_SIZE];
        size_t used = 0;
        for (size_t k = 0; k < fl->nseen && used < sizeof have; k++)
            used += (size_t)snprintf(have + used, sizeof have - used, "%s%s (%" PRIu64 " %s)",
                                     k ? ", " : "", mf_quoted(q, fl->seen[k]), fl->seen_rows[k],
                                     fl->seen_rows[k] == 1 ? "row" : "rows");
        if (fl->seen_other && used < sizeof have)
            snprintf(have + used, sizeof have - used, " and others (%" PRIu64 " rows)",
                     fl->seen_other);
        char want[512];
        used = 0;
        for (size_t i = 0; i < fl->nvalues && used < sizeof want; i++)
            used += (size_t)snprintf(want + used, sizeof want - used, "%s%s", i ? ", " : "",
                                     mf_quoted(q, fl->values[i]));
        cm_severity sev = m->opts->strict ? CM_SEV_ERROR : CM_SEV_WARNING;
        cm_loc loc = {m->path, fl->line, 0};
        if (fl->keep)
            cm_diag_report(m->diag, sev, &loc,
                           "keep_if.%s keeps no row of %s: none of its %" PRIu64
                           " rows has %s%s in column %s, which holds %s",
                           fl->column, s->input->path, fl->reached,
                           fl->nvalues > 1 ? "any of " : "", want, fl->column, have);
        else
            cm_diag_report(m->diag, sev, &loc,
                           "skip_if.%s drops every row of %s (%" PRIu64
                           " rows): column %s holds only %s",
                           fl->column, s->input->path, fl->reached, fl->column, have);
        if (m->opts->strict) {
            m->errors++;
            ok = false;
        }
    }
    return ok;
}

/* ---- joined sources: rows by key ----------------------------------------------- */

joined_row *mf_join_find(const source *s, const char *key)
{
    if (!s->slots)
        return NULL;
    size_t i = (size_t)cm_hash_bytes(key, strlen(key)) & s->mask;
    while (s->slots[i]) {
        joined_row *r = &s->rows[s->slots[i] - 1];
        if (strcmp(r->key, key) == 0)
            return r;
        i = (i + 1) & s->mask;
    }
    return NULL;
}

static bool join_grow(source *s)
{
    size_t mask = s->mask ? s->mask * 2 + 1 : 255;
    uint32_t *slots = calloc(mask + 1, sizeof *slots);
    if (!slots)
        return false;
    for (size_t r = 0; r < s->nrows; r++) {
        size_t i = (size_t)cm_hash_bytes(s->rows[r].key, strlen(s->rows[r].key)) & mask;
        while (slots[i])
            i = (i + 1) & mask;
        slots[i] = (uint32_t)(r + 1);
    }
    free(s->slots);
    s->slots = slots;
    s->mask = mask;
    return true;
}

/* Stores a joined source's row under its key; a repeated key is an error. */
cm_status mf_join_store(manifest *m, source *s, canon *cr, const row_buf *r)
{
    char *key = mf_canon_key(s, cr);
    if (!key)
        return CM_ERR_NOMEM;
    joined_row *old = mf_join_find(s, key);
    if (old) {
        cm_loc loc = {r->record.file, r->record.line, 0};
        cm_diag_report(m->diag, CM_SEV_ERROR, &loc,
                       "[%s] gives this key twice (first at line %" PRIu64
                       "): a joined source needs one row per key",
                       s->section, old->line);
        m->errors++;
        free(key);
        return cm_diag_full(m->diag) ? CM_ERR_DATA : CM_OK;
    }
    if (s->nrows == s->rows_cap) {
        size_t cap = s->rows_cap ? s->rows_cap * 2 : 256;
        joined_row *rows = realloc(s->rows, cap * sizeof *rows);
        if (!rows) {
            free(key);
            return CM_ERR_NOMEM;
        }
        s->rows = rows;
        s->rows_cap = cap;
    }
    joined_row *jr = &s->rows[s->nrows++];
    memset(jr, 0, sizeof *jr);
    jr->key = key;
    jr->line = r->record.line;
    /* Copies: with unpivot the same record gives several rows. */
    for (size_t c = 0; c < s->def->ncols; c++) {
        if (cr->value[c] && !(jr->values[c] = strdup(cr->value[c])))
            return CM_ERR_NOMEM;
        jr->pos[c] = cr->pos[c];
        jr->marks[c] = cr->marks[c];
    }
    /* Index the row: grow (which indexes every row), or probe for its slot. */
    if ((s->nrows + 1) * 2 > s->mask + 1)
        return join_grow(s) ? CM_OK : CM_ERR_NOMEM;
    size_t i = (size_t)cm_hash_bytes(key, strlen(key)) & s->mask;
    while (s->slots[i])
        i = (i + 1) & s->mask;
    s->slots[i] = (uint32_t)s->nrows;
    return CM_OK;
}
