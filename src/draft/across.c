/*
 * across.c - the files judged together: the areas' ids are those that the
 * flows and stocks name (with a filter when they are a part of the file);
 * each file's section; a file whose areas and years are an earlier file's
 * joins it; a population that no header names; counts above the
 * population dropped; the internal flows between a closed set of places
 * are its zones.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citymig/strpool.h"
#include "internal.h"

/* ---- the areas' ids: the places the flows and stocks name ---- */

/* The places that the flows and stocks name, after their maps. */
cm_status dr_collect_places(dfile *files, size_t n, cm_strpool *places)
{
    char buf[512];
    for (size_t i = 0; i < n; i++) {
        dfile *f = &files[i];
        if (f->failed || (f->table != CM_TABLE_FLOWS && f->table != CM_TABLE_STOCKS))
            continue;
        int cols[2] = {dr_canon_of(f, "origin"),
                       dr_canon_of(f, f->table == CM_TABLE_FLOWS ? "destination" : "area_id")};
        for (size_t r = f->data_from; r < f->data_to; r++) {
            if (!dr_row_kept(f, r))
                continue;
            for (int k = 0; k < 2; k++) {
                const char *v = dr_row_value(f, r, cols[k], buf, sizeof buf);
                if (v && *v && !cm_strpool_intern(places, v, strlen(v)))
                    return CM_ERR_NOMEM;
            }
        }
    }
    return CM_OK;
}

/* Of a column's distinct values, how many are places. */
static size_t overlap(const column *col, const cm_strpool *places)
{
    size_t k = 0;
    for (uint32_t id = 1; id <= dr_ndistinct(col); id++) {
        const char *v = dr_distinct_value(col, id, NULL);
        k += cm_strpool_find(places, v, strlen(v)) != 0;
    }
    return k;
}

/*
 * A filter that keeps the rows of one value of a column, all of whose rows
 * name places (keep_if.ISO = BRA: the states of Brazil, which the flows
 * name). Returns the filter added, or NULL.
 */
static filter *keep_places(dfile *f, size_t idcol, const cm_strpool *places)
{
    size_t best_col = SIZE_MAX, best_in = 0;
    uint32_t best_id = 0;
    for (size_t k = 0; k < f->ncols; k++) {
        const column *col = &f->cols[k];
        size_t nd = dr_ndistinct(col);
        if (k == idcol || col->many || nd < 2 || nd > 1000 || col->header_year)
            continue;
        size_t *in = calloc(nd + 1, sizeof *in), *all = calloc(nd + 1, sizeof *all);
        if (!in || !all) {
            free(in);
            free(all);
            return NULL;
        }
        for (size_t r = f->data_from; r < f->data_to; r++) {
            if (!dr_row_kept(f, r))
                continue;
            size_t n, vn;
            const char *id = dr_source_text(f, r, idcol, &n);
            const char *v = dr_value_at(f, r, k, &vn);
            uint32_t vid = cm_strpool_find(col->values, v, vn);
            if (!vid)
                continue;
            all[vid]++;
            in[vid] += cm_strpool_find(places, id, n) != 0;
        }
        for (uint32_t vid = 1; vid <= nd; vid++)
            if (in[vid] == all[vid] && in[vid] > best_in &&
                dr_writable(dr_distinct_value(col, vid, NULL)) &&
                !dr_needs_quotes(dr_distinct_value(col, vid, NULL))) {
                best_in = in[vid];
                best_col = k;
                best_id = vid;
            }
        free(in);
        free(all);
    }
    if (best_col == SIZE_MAX || best_in < 2)
        return NULL;
    const char *items[1] = {dr_distinct_value(&f->cols[best_col], best_id, NULL)};
    return dr_add_filter(f, best_col, true, items, 1);
}

/* The areas' ids: the column that holds the places the flows and stocks
   name, if there is one. */
void dr_ids_from_places(dfile *f, const cm_strpool *places)
{
    int area = dr_canon_of(f, "area_id");
    size_t nplaces = cm_strpool_count(places);
    if (area < 0 || nplaces == 0 || (f->table != CM_TABLE_AREAS && f->table != CM_TABLE_SERVICES))
        return;
    mapping *m = &f->map[area];
    bool had = m->how == GIVEN_COLUMN || m->how == GIVEN_IMPLICIT;
    size_t now = had ? overlap(&f->cols[m->col], places) : 0;
    size_t best = SIZE_MAX, most = now;
    for (size_t k = 0; k < f->ncols; k++) {
        if (f->cols[k].header_year || dr_is_numeric(&f->cols[k]))
            continue;
        size_t o = overlap(&f->cols[k], places);
        if (o > most) {
            most = o;
            best = k;
        }
    }
    if (best == SIZE_MAX || most < 2 || most * 3 < nplaces)
        return;
    mapping saved = *m;
    size_t nfilters = f->nfilters;
    /* The filters that dropped repeated ids were the old ids'. */
    for (size_t k = 0; k < f->nfilters; k++)
        f->filters[k].off = f->filters[k].why == FOR_REPEATED_ID;
    dr_give(f, area, GIVEN_COLUMN, best);
    size_t first, dups = dr_duplicate_keys(f, &first);
    filter *fl = NULL;
    if (dups)
        fl = keep_places(f, best, places);
    if (dups && (!fl || dr_duplicate_keys(f, &first) != 0)) {
        /* The places' names repeat in the file: the ids stay as they were. */
        while (f->nfilters > nfilters)
            dr_drop_filter(f);
        for (size_t k = 0; k < f->nfilters; k++)
            f->filters[k].off = false;
        *m = saved;
        dr_why_line(f,
                    "area_id: %s holds %zu of the %zu places the flows and stocks name, but "
                    "they repeat in a year: the ids stay codes",
                    f->cols[best].name, most, nplaces);
        return;
    }
    dr_drop_filters_off(f);
    dr_why_line(f,
                "column.area_id = %s: it holds %zu of the %zu places the flows and stocks "
                "name (the areas' ids must be theirs)",
                f->cols[best].name, most, nplaces);
    dr_set_note(m, dr_dupf("the places the flows and stocks name: %zu of %zu", most, nplaces));
    if (fl) {
        fl->note = dr_dupf("the rows of %s = %s are the places the flows and stocks name",
                           f->cols[fl->col].name, fl->values);
        dr_why_line(f,
                    "keep_if.%s = %s: its rows are %zu of the places the flows and stocks "
                    "name, and each of them appears once a year there",
                    f->cols[fl->col].name, fl->values, most);
    }
    /* The name: the same column, when it holds names. */
    int name = dr_canon_of(f, "name");
    if (name >= 0 && (f->map[name].how == GIVEN_NONE || dr_name_values(&f->cols[best]))) {
        if (f->map[name].how != GIVEN_NONE && f->map[name].col != best)
            dr_why_line(f, "column.name = %s: the ids are names", f->cols[best].name);
        dr_give(f, name, GIVEN_COLUMN, best);
    }
}

/* ---- sections ---- */

/* The section of each file: [areas] for the first of a table, then
   [areas.NAME] after the file's name. */
void dr_name_sections(dfile *files, size_t n)
{
    static const char *const tables[CM_TABLE_COUNT] = {"areas", "stocks", "flows", "services"};
    for (size_t i = 0; i < n; i++) {
        dfile *f = &files[i];
        if (f->failed)
            continue;
        const char *table = tables[f->table];
        bool first = true;
        for (size_t j = 0; j < i; j++)
            first &= files[j].failed || files[j].table != f->table;
        if (first) {
            snprintf(f->section, sizeof f->section, "%s", table);
            continue;
        }
        char name[48];
        size_t o = 0;
        const char *b = dr_base_name(f->path), *dot = strrchr(b, '.');
        size_t len = dot && dot != b ? (size_t)(dot - b) : strlen(b);
        bool alnum = false;
        for (size_t k = 0; k < len && o + 1 < sizeof name; k++) {
            unsigned char c = (unsigned char)b[k];
            bool keep = dr_is_alpha(c) || dr_is_digit(c);
            alnum |= keep;
            name[o++] = keep ? (char)dr_lower_ascii(c) : '_';
        }
        name[o] = '\0';
        if (!alnum)
            snprintf(name, sizeof name, "file%zu", i + 1);
        snprintf(f->section, sizeof f->section, "%s.%s", table, name);
        /* Unique among the sections. */
        for (int again = 2;; again++) {
            bool clash = false;
            for (size_t j = 0; j < i; j++)
                clash |= strcmp(files[j].section, f->section) == 0;
            if (!clash)
                break;
            snprintf(f->section, sizeof f->section, "%s.%s_%d", table, name, again);
        }
    }
}

/* ---- joins ---- */

/* Is canonical column c given by the file (not joined away)? */
static bool gives(const dfile *f, int c)
{
    given how = f->map[c].how;
    return how != GIVEN_NONE && how != GIVEN_DROPPED;
}

/* A file whose areas and years are an earlier file's joins it: two rows of
   one key would be an error. */
cm_status dr_join_overlaps(dfile *files, size_t n)
{
    text key = {0};
    for (size_t j = 0; j < n; j++) {
        dfile *f = &files[j];
        if (f->failed || f->def->nkey == 0)
            continue;
        cm_strpool *mine = cm_strpool_new();
        if (!mine)
            return CM_ERR_NOMEM;
        for (size_t r = f->data_from; r < f->data_to; r++)
            if (dr_row_kept(f, r)) {
                dr_row_key(f, r, &key);
                cm_strpool_intern(mine, dr_text_str(&key), key.len);
            }
        for (size_t i = 0; i < j && !f->join; i++) {
            dfile *e = &files[i];
            if (e->failed || e->table != f->table || e->join || f->unpivot != e->unpivot)
                continue;
            size_t common = 0;
            for (size_t r = e->data_from; r < e->data_to; r++)
                if (dr_row_kept(e, r)) {
                    dr_row_key(e, r, &key);
                    common += cm_strpool_find(mine, dr_text_str(&key), key.len) != 0;
                }
            if (!common)
                continue;
            /* A column both give stays the earlier file's. */
            bool clash = false;
            for (size_t c = 0; c < f->def->ncols; c++) {
                bool is_key = false;
                for (size_t k = 0; k < f->def->nkey; k++)
                    is_key |= f->def->key[k] == c;
                if (is_key || !gives(f, (int)c) || !gives(e, (int)c))
                    continue;
                if (f->map[c].how == GIVEN_UNPIVOT)
                    clash = true;
            }
            if (clash)
                continue;
            f->join = e;
            for (size_t c = 0; c < f->def->ncols; c++) {
                bool is_key = false;
                for (size_t k = 0; k < f->def->nkey; k++)
                    is_key |= f->def->key[k] == c;
                if (!is_key && gives(f, (int)c) && gives(e, (int)c)) {
                    f->map[c].how = f->map[c].how == GIVEN_CONSTANT ? GIVEN_NONE : GIVEN_DROPPED;
                    dr_set_note(&f->map[c], dr_dupf("[%s] gives %s already", e->section,
                                                    dr_canon_name(f, (int)c)));
                }
            }
            dr_why_line(f,
                        "join = %s: %zu of its keys (area and year) are those of [%s] (%s); two "
                        "rows of one key would be an error, so its columns join those rows",
                        e->section, common, e->section, e->path);
        }
        cm_strpool_free(mine);
    }
    free(key.s);
    return CM_OK;
}

/* ---- a population no header names ---- */

/* The count column with the largest counts, not given yet: a population
   that no header names. */
static int largest_counts(const dfile *f)
{
    int best = -1;
    double most = 0;
    for (size_t k = 0; k < f->ncols; k++) {
        const column *col = &f->cols[k];
        const char *m;
        if (dr_taken(f, k) || !dr_holds_counts(col) || dr_holds_years(col) || col->header_year ||
            dr_name_score(col->name, "area_id", &m) > 0 || col->max < 1000)
            continue;
        words w;
        dr_split_words(col->name, &w);
        if (w.percent || dr_has_any(&w, dr_share_words))
            continue;
        if (col->max > most) {
            most = col->max;
            best = (int)k;
        }
    }
    return best;
}

/* A population that no header names, for a source of areas that no
   joined source gives one either: the column of the largest counts. */
void dr_population_fallback(dfile *files, size_t n, dfile *f)
{
    int pop = dr_canon_of(f, "population");
    if (f->table != CM_TABLE_AREAS || f->join || gives(f, pop))
        return;
    for (size_t i = 0; i < n; i++)
        if (files[i].join == f && gives(&files[i], pop))
            return;
    int k = largest_counts(f);
    if (k >= 0) {
        dr_give(f, pop, GIVEN_COLUMN, (size_t)k);
        dr_set_note(&f->map[pop], dr_dupf("no header names the population: %s holds the largest "
                                          "counts; check it",
                                          f->cols[k].name));
        dr_why_line(f,
                    "column.population = %s: no header names the population; its counts are "
                    "the largest (up to %.0f)",
                    f->cols[k].name, f->cols[k].max);
        if (f->cols[k].fraction)
            f->map[pop].round = true;
    } else {
        text names = {0};
        for (size_t c = 0; c < f->ncols && c < LIST_SHOWN; c++)
            dr_add_item(&names, *f->cols[c].name ? f->cols[c].name : "(no header)");
        dr_ask(f,
               "which column gives the population? No header names it, and no column holds "
               "counts (the loader needs column.population); the file has: %s%s",
               dr_text_str(&names), f->ncols > LIST_SHOWN ? ", ..." : "");
        free(names.s);
    }
}

/* ---- counts above the population ---- */

/* The number a mapped column gives in record r, scaled; false when none. */
static bool mapped_number(const dfile *f, size_t r, int c, double *out)
{
    const mapping *m = &f->map[c];
    if (m->how != GIVEN_COLUMN && m->how != GIVEN_IMPLICIT)
        return false;
    size_t n;
    bool whole;
    const char *s = dr_value_at(f, r, m->col, &n);
    char buf[8];
    if (n < sizeof buf) {
        memcpy(buf, s, n);
        buf[n] = '\0';
        for (int k = 0; k < NTOKENS; k++)
            if (f->token_seen[k] && strcmp(buf, dr_missing_tokens[k]) == 0)
                return false;
    }
    if (f->flags)
        n = dr_without_flags(s, n);
    if (!dr_number_of(s, n, f->thousands, f->decimal, out, &whole))
        return false;
    if (m->scale)
        *out *= strtod(m->scale, NULL);
    *out = round(*out);
    return true;
}

/* Drops the rows of the areas in bad (ids as f writes them) from f: a
   column whose few, plain values select exactly those rows. */
static void drop_areas(dfile *f, const cm_strpool *bad, const char *what, size_t nbad,
                       uint64_t first_line)
{
    int area = dr_canon_of(f, "area_id");
    const mapping *am = &f->map[area];
    bool *rows = calloc(f->g.nrecs, sizeof *rows);
    if (!rows)
        return;
    for (size_t r = f->data_from; r < f->data_to; r++) {
        size_t n;
        const char *id = dr_source_text(f, r, am->col, &n);
        rows[r] = dr_row_kept(f, r) && cm_strpool_find(bad, id, n);
    }
    bool done = false;
    /* The id column first, then the others. */
    for (size_t pass = 0; pass <= f->ncols && !done; pass++) {
        size_t k = pass == 0 ? am->col : pass - 1;
        const column *col = &f->cols[k];
        if ((pass > 0 && k == am->col) || col->header_year)
            continue;
        cm_strpool *vals = cm_strpool_new();
        bool ok = vals != NULL;
        for (size_t r = f->data_from; ok && r < f->data_to; r++) {
            if (!rows[r])
                continue;
            size_t n;
            const char *v = dr_source_text(f, r, k, &n);
            char tmp[128];
            if (n == 0 || n >= sizeof tmp) {
                ok = false;
                break;
            }
            memcpy(tmp, v, n);
            tmp[n] = '\0';
            ok = dr_writable(tmp) && !dr_needs_quotes(tmp) && cm_strpool_intern(vals, v, n);
        }
        ok = ok && cm_strpool_count(vals) <= 12;
        for (size_t r = f->data_from; ok && r < f->data_to; r++) {
            size_t n;
            const char *v = dr_source_text(f, r, k, &n);
            if (!rows[r] && dr_row_kept(f, r) && cm_strpool_find(vals, v, n))
                ok = false;
        }
        if (ok) {
            const char *items[12];
            size_t ni = 0;
            for (uint32_t id = 1; id <= cm_strpool_count(vals); id++)
                items[ni++] = cm_strpool_str(vals, id);
            filter *fl = dr_add_filter(f, k, false, items, ni);
            if (fl && strlen(fl->values) > 120) {
                dr_drop_filter(f);
                fl = NULL;
            }
            if (fl) {
                done = true;
                fl->note =
                    dr_dupf("%s is above the population in %zu row%s (line %llu): check the "
                            "source; those areas are dropped",
                            what, nbad, nbad == 1 ? "" : "s", (unsigned long long)first_line);
                dr_why_line(f,
                            "skip_if.%s = %s: %s is above the population in %zu row%s (the first "
                            "at line %llu), which the loader refuses",
                            col->name, fl->values, what, nbad, nbad == 1 ? "" : "s",
                            (unsigned long long)first_line);
            }
        }
        cm_strpool_free(vals);
    }
    if (!done)
        dr_ask(f,
               "%s is above the population in %zu rows (the first at line %llu): the loader "
               "refuses them",
               what, nbad, (unsigned long long)first_line);
    free(rows);
}

/*
 * Counts at most the population (foreign-born, urban, ...), over a source
 * and the sources joined into it: the areas where one is above it are
 * dropped from the source that gives the part, and said.
 */
cm_status dr_check_parts(dfile *files, size_t nfiles, dfile *base)
{
    static const char *const parts[] = {"foreign_born", "internal_migrants", "urban_population",
                                        "pop_0_14",     "pop_15_64",         "pop_65_plus"};
    if (base->table != CM_TABLE_AREAS || base->join || base->unpivot)
        return CM_OK;
    cm_strpool *keys = cm_strpool_new();
    double *pop = NULL;
    size_t cap = 0;
    text key = {0};
    cm_status st = CM_OK;
    if (!keys)
        return CM_ERR_NOMEM;
    int popc = dr_canon_of(base, "population");
    /* The population of each key. */
    for (size_t i = 0; i < nfiles; i++) {
        dfile *f = &files[i];
        if (f->failed || (f != base && f->join != base) || f->unpivot)
            continue;
        for (size_t r = f->data_from; r < f->data_to; r++) {
            double v;
            if (!dr_row_kept(f, r) || !dr_row_key(f, r, &key) || !mapped_number(f, r, popc, &v))
                continue;
            uint32_t id = cm_strpool_intern(keys, dr_text_str(&key), key.len);
            if (!id) {
                st = CM_ERR_NOMEM;
                goto done;
            }
            if (id >= cap) {
                size_t grown_cap = cap ? cap * 2 : 256;
                while (grown_cap <= id)
                    grown_cap *= 2;
                double *grown = realloc(pop, grown_cap * sizeof *grown);
                if (!grown) {
                    st = CM_ERR_NOMEM;
                    goto done;
                }
                for (size_t k = cap; k < grown_cap; k++)
                    grown[k] = NAN;
                pop = grown;
                cap = grown_cap;
            }
            pop[id] = v;
        }
    }
    /* Each part against it. */
    for (size_t i = 0; i < nfiles; i++) {
        dfile *f = &files[i];
        if (f->failed || (f != base && f->join != base) || f->unpivot)
            continue;
        int area = dr_canon_of(f, "area_id");
        if (f->map[area].how != GIVEN_COLUMN && f->map[area].how != GIVEN_IMPLICIT)
            continue;
        cm_strpool *bad = cm_strpool_new();
        if (!bad) {
            st = CM_ERR_NOMEM;
            goto done;
        }
        size_t nbad = 0;
        uint64_t first_line = 0;
        const char *what = NULL;
        for (size_t r = f->data_from; r < f->data_to; r++) {
            if (!dr_row_kept(f, r) || !dr_row_key(f, r, &key))
                continue;
            uint32_t id = cm_strpool_find(keys, dr_text_str(&key), key.len);
            if (!id || id >= cap || isnan(pop[id]))
                continue;
            for (size_t p = 0; p < sizeof parts / sizeof parts[0]; p++) {
                double v;
                if (!mapped_number(f, r, dr_canon_of(f, parts[p]), &v) || v <= pop[id])
                    continue;
                if (!nbad++)
                    first_line = f->g.recs[r].line, what = parts[p];
                size_t n;
                const char *a = dr_source_text(f, r, f->map[area].col, &n);
                cm_strpool_intern(bad, a, n);
                break;
            }
        }
        if (nbad)
            drop_areas(f, bad, what, nbad, first_line);
        cm_strpool_free(bad);
    }
done:
    free(key.s);
    free(pop);
    cm_strpool_free(keys);
    return st;
}

/* ---- zones ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Internal flows between a closed set of places: those are the zones. */
void dr_guess_zones(dfile *f)
{
    int kind = dr_canon_of(f, "kind"), o = dr_canon_of(f, "origin"),
        d = dr_canon_of(f, "destination");
    if (f->map[kind].how != GIVEN_CONSTANT || strcmp(f->map[kind].constant, "internal") != 0)
        return;
    cm_strpool *from = cm_strpool_new(), *to = cm_strpool_new();
    char buf[512];
    bool ok = from && to;
    for (size_t r = f->data_from; ok && r < f->data_to; r++) {
        if (!dr_row_kept(f, r))
            continue;
        const char *v = dr_row_value(f, r, o, buf, sizeof buf);
        ok = v && dr_writable(v) && !dr_needs_quotes(v) && cm_strpool_intern(from, v, strlen(v));
        v = ok ? dr_row_value(f, r, d, buf, sizeof buf) : NULL;
        ok =
            ok && v && dr_writable(v) && !dr_needs_quotes(v) && cm_strpool_intern(to, v, strlen(v));
    }
    size_t n = ok ? cm_strpool_count(from) : 0;
    ok = ok && n >= 2 && n <= 1000 && cm_strpool_count(to) == n;
    for (uint32_t id = 1; ok && id <= n; id++) {
        const char *v = cm_strpool_str(from, id);
        ok = cm_strpool_find(to, v, strlen(v)) != 0;
    }
    if (ok && (f->zones = calloc(n, sizeof *f->zones)) != NULL) {
        for (uint32_t id = 1; id <= n; id++)
            if ((f->zones[f->nzones] = strdup(cm_strpool_str(from, id))) != NULL)
                f->nzones++;
        qsort(f->zones, f->nzones, sizeof *f->zones, cmp_str);
        dr_why_line(f,
                    "zones: the %zu places are both the origins and the destinations: a closed "
                    "system",
                    n);
    }
    cm_strpool_free(from);
    cm_strpool_free(to);
}
