/*
 * mapping.c - a file's records as the mapping drafted so far makes them:
 * which canonical column each source column gives, the value of a
 * canonical column in a record and the record's key, as the loader will
 * build them, and the keys that repeat.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The canonical column of the file's table named so, or -1. */
int dr_canon_of(const dfile *f, const char *name)
{
    for (size_t c = 0; c < f->def->ncols; c++)
        if (strcmp(f->def->cols[c].name, name) == 0)
            return (int)c;
    return -1;
}

const char *dr_canon_name(const dfile *f, int c)
{
    return f->def->cols[c].name;
}

/* Is the source column given to a canonical one, or filtered, already? */
bool dr_taken(const dfile *f, size_t col)
{
    for (size_t c = 0; c < f->def->ncols; c++) {
        given how = f->map[c].how;
        if ((how == GIVEN_COLUMN || how == GIVEN_IMPLICIT || how == GIVEN_PERIOD) &&
            f->map[c].col == col)
            return true;
    }
    return f->unpivot && f->cols[col].header_year >= f->unpivot_from &&
           f->cols[col].header_year <= f->unpivot_to && f->cols[col].header_year;
}

void dr_set_note(mapping *m, char *note)
{
    free(m->note);
    m->note = note;
}

void dr_give(dfile *f, int c, given how, size_t col)
{
    mapping *m = &f->map[c];
    m->how = how;
    m->col = col;
    if (how == GIVEN_COLUMN && strcmp(f->cols[col].name, dr_canon_name(f, c)) == 0)
        m->how = GIVEN_IMPLICIT;
}

void dr_give_constant(dfile *f, int c, const char *value)
{
    mapping *m = &f->map[c];
    m->how = GIVEN_CONSTANT;
    free(m->constant);
    m->constant = strdup(value);
}

/*
 * The value of canonical column c in record r, as the manifest gives it
 * (a constant, a column, a period's year), in buf; NULL when it is not
 * given, or given by unpivot.
 */
const char *dr_row_value(const dfile *f, size_t r, int c, char *buf, size_t size)
{
    const mapping *m = &f->map[c];
    size_t n;
    const char *v;
    switch (m->how) {
    case GIVEN_CONSTANT:
        return m->constant;
    case GIVEN_COLUMN:
    case GIVEN_IMPLICIT:
        v = dr_source_text(f, r, m->col, &n);
        if (n >= size)
            n = size - 1;
        memcpy(buf, v, n);
        buf[n] = '\0';
        if (m->map) {
            /* The value map, as written: "FROM:TO, FROM:TO". */
            const alias *list = dr_aliases_of(dr_canon_name(f, c));
            const char *to = list ? dr_alias_of(list, buf) : NULL;
            if (to)
                snprintf(buf, size, "%s", to);
        }
        return buf;
    case GIVEN_PERIOD: {
        v = dr_source_text(f, r, m->col, &n);
        char tmp[64];
        if (n >= sizeof tmp)
            n = sizeof tmp - 1;
        memcpy(tmp, v, n);
        tmp[n] = '\0';
        int32_t y = dr_period_year(tmp);
        if (!y)
            return NULL;
        snprintf(buf, size, "%d", (int)y);
        return buf;
    }
    default:
        return NULL;
    }
}

/* The key of record r (the table's key columns' values joined), in out. */
bool dr_row_key(const dfile *f, size_t r, text *out)
{
    char buf[512];
    bool whole = true;
    dr_text_clear(out);
    for (size_t k = 0; k < f->def->nkey; k++) {
        int c = (int)f->def->key[k];
        const char *v = dr_row_value(f, r, c, buf, sizeof buf);
        if (k)
            dr_text_add(out, "\x1f", 1);
        if (v)
            dr_text_add(out, v, strlen(v));
        /* An empty id: a row the loader drops (dr_filter_required), no key. */
        whole &= !(v && !*v && (f->def->cols[c].flags & CM_COL_REQUIRED));
    }
    return whole;
}

/* As dr_duplicate_keys; the ids (column idcol) of the records whose key
   repeats are added to repeated, when not NULL. */
size_t dr_repeated_keys(const dfile *f, size_t *first, cm_strpool *repeated, size_t idcol)
{
    if (f->def->nkey == 0)
        return 0;
    cm_strpool *seen = cm_strpool_new();
    size_t *row_of = NULL, cap = 0; /* the first record of each key */
    text key = {0};
    size_t dups = 0;
    *first = SIZE_MAX;
    if (!seen)
        return SIZE_MAX;
    for (size_t r = f->data_from; r < f->data_to; r++) {
        if (!dr_row_kept(f, r) || !dr_row_key(f, r, &key))
            continue;
        size_t before = cm_strpool_count(seen);
        uint32_t id = key.nomem ? 0 : cm_strpool_intern(seen, dr_text_str(&key), key.len);
        if (id >= cap) {
            size_t grown_cap = cap ? cap * 2 : 256;
            while (grown_cap <= id)
                grown_cap *= 2;
            size_t *grown = realloc(row_of, grown_cap * sizeof *grown);
            if (!grown)
                id = 0;
            else
                row_of = grown, cap = grown_cap;
        }
        if (!id) {
            dups = SIZE_MAX;
            break;
        }
        if (cm_strpool_count(seen) > before) {
            row_of[id] = r;
            continue;
        }
        /* A record repeated whole is merged by the loader, with a note. */
        const record *a = &f->g.recs[row_of[id]], *b = &f->g.recs[r];
        bool same = a->n == b->n;
        for (size_t i = 0; same && i < a->n; i++)
            same = strcmp(dr_cell_text(&f->g, row_of[id], i), dr_cell_text(&f->g, r, i)) == 0;
        if (same)
            continue;
        if (*first == SIZE_MAX)
            *first = r;
        dups++;
        if (repeated) {
            size_t n;
            const char *v = dr_source_text(f, r, idcol, &n);
            cm_strpool_intern(repeated, v, n);
        }
    }
    free(key.s);
    free(row_of);
    cm_strpool_free(seen);
    return dups;
}

/*
 * Records whose key another kept record has already (under unpivot, the
 * year columns make the years: a key is then its area and the rest), and
 * the first such record in *first. Out of memory: SIZE_MAX.
 */
size_t dr_duplicate_keys(const dfile *f, size_t *first)
{
    return dr_repeated_keys(f, first, NULL, 0);
}
