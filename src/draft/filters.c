/*
 * filters.c - the rows a section keeps (keep_if, skip_if): a dimension the
 * table has no column for (sex, age, a series) kept at one value until no
 * key repeats, one period a year, ids that repeat in a year, the rows a
 * required column would refuse, and the notes at the end of the file.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "citymig/strpool.h"
#include "internal.h"

/* ---- keep_if and skip_if ---- */

/* Adds a filter on column col; items are the raw values. */
filter *dr_add_filter(dfile *f, size_t col, bool keep, const char *const *items, size_t n)
{
    /* A second skip_if on a column adds to the first (a key is given once). */
    for (size_t k = 0; k < f->nfilters && !keep; k++) {
        filter *fl = &f->filters[k];
        if (fl->col != col || fl->keep)
            continue;
        char **grown = realloc(fl->items, (fl->nitems + n) * sizeof *grown);
        if (!grown)
            return NULL;
        fl->items = grown;
        text list = {0};
        for (size_t i = 0; i < fl->nitems; i++)
            dr_add_item(&list, fl->items[i]);
        for (size_t i = 0; i < n; i++) {
            bool again = false;
            for (size_t j = 0; j < fl->nitems; j++)
                again |= strcmp(fl->items[j], items[i]) == 0;
            if (again || !(fl->items[fl->nitems] = strdup(items[i])))
                continue;
            fl->nitems++;
            dr_add_item(&list, items[i]);
        }
        free(fl->values);
        fl->values = list.s ? list.s : strdup("");
        return fl;
    }
    if (f->nfilters == MAX_FILTERS)
        return NULL;
    filter *fl = &f->filters[f->nfilters];
    memset(fl, 0, sizeof *fl);
    fl->col = col;
    fl->keep = keep;
    fl->items = calloc(n ? n : 1, sizeof *fl->items);
    if (!fl->items)
        return NULL;
    text list = {0};
    for (size_t i = 0; i < n; i++) {
        fl->items[i] = strdup(items[i]);
        if (!fl->items[i])
            break;
        fl->nitems++;
        dr_add_item(&list, items[i]);
    }
    fl->values = list.s ? list.s : strdup("");
    fl->why = FOR_OTHER;
    f->nfilters++;
    return fl;
}

static void free_filter(filter *fl)
{
    free(fl->values);
    for (size_t i = 0; i < fl->nitems; i++)
        free(fl->items[i]);
    free(fl->items);
    free(fl->note);
}

void dr_drop_filter(dfile *f)
{
    free_filter(&f->filters[--f->nfilters]);
}

/* Removes the filters that are off. */
void dr_drop_filters_off(dfile *f)
{
    size_t o = 0;
    for (size_t k = 0; k < f->nfilters; k++) {
        if (f->filters[k].off)
            free_filter(&f->filters[k]);
        else
            f->filters[o++] = f->filters[k];
    }
    f->nfilters = o;
}

/* ---- a dimension kept at one value ---- */

/* A value that stands for all of a dimension ("Total", "T", "Both sexes"). */
static bool total_value(const char *v)
{
    static const char *const totals[] = {"total",
                                         "t",
                                         "tot",
                                         "_t",
                                         "all",
                                         "all ages",
                                         "both sexes",
                                         "both",
                                         "persons",
                                         "all persons",
                                         "\xea\xb3\x84",
                                         "\xed\x95\xa9\xea\xb3\x84",
                                         "\xec\xa0\x84\xec\xb2\xb4",
                                         "\xe7\xb7\x8f\xe6\x95\xb0",
                                         "\xe5\x90\x88\xe8\xae\xa1",
                                         "nr",
                                         NULL};
    char low[64];
    size_t n = strlen(v);
    if (n >= sizeof low)
        return false;
    for (size_t i = 0; i <= n; i++)
        low[i] = (char)dr_lower_ascii((unsigned char)v[i]);
    for (size_t i = 0; totals[i]; i++)
        if (strcmp(low, totals[i]) == 0)
            return true;
    return strncmp(low, "total", 5) == 0;
}

/* Words of columns that hold notes, not a dimension of the figures. */
static const char *const note_words[] = {"footnote", "footnotes", "note",    "notes",
                                         "source",   "sources",   "flag",    "flags",
                                         "comment",  "comments",  "remarks", NULL};

/* Eurostat's codes of indicators that are canonical columns. */
static const struct {
    const char *code, *col;
    int score;
} eurostat_codes[] = {{"JAN", "population", 9}, {"POP", "population", 8},
                      {"AVG", "population", 6}, {"LBIRTH", "births", 9},
                      {"DEATH", "deaths", 9},   {"CNMIGRAT", "net_international_migration", 7}};

/* The canonical columns a value of a series may name, in preference. */
static const char *const series_targets[] = {"population",
                                             "foreign_born",
                                             "foreign_born_share",
                                             "urban_population",
                                             "births",
                                             "deaths",
                                             "net_international_migration",
                                             "net_internal_migration",
                                             "internal_migrants",
                                             NULL};

/* How well a dimension's value names canonical column target: a series
   ("Population mid-year estimates (millions)"), or a Eurostat code. */
static int series_score(const char *value, const char *target)
{
    for (size_t k = 0; k < sizeof eurostat_codes / sizeof eurostat_codes[0]; k++)
        if (strcmp(value, eurostat_codes[k].code) == 0)
            return strcmp(eurostat_codes[k].col, target) == 0 ? eurostat_codes[k].score : 0;
    const char *m;
    int score = dr_name_score(value, target, &m);
    if (score <= 0)
        return 0;
    words w;
    dr_split_words(value, &w);
    static const char *const sexes[] = {"male", "males", "female", "females", "men", "women", NULL};
    if (dr_has_word(&w, "both") || dr_has_word(&w, "total"))
        score += 2;
    if (dr_has_any(&w, sexes))
        score -= 4;
    return score > 0 ? score : 0;
}

/* The scale a series' name states ("(millions)", "in thousands"). */
static const char *series_scale(const char *value)
{
    words w;
    dr_split_words(value, &w);
    if (dr_has_word(&w, "millions") || dr_has_word(&w, "million"))
        return "1000000";
    if (dr_has_word(&w, "thousands") || dr_has_word(&w, "thousand"))
        return "1000";
    return NULL;
}

/* The value of a dimension to keep; *why says which. For a series, the
   canonical column it gives in *target. */
static uint32_t dimension_value(const dfile *f, const column *col, const char **why,
                                const char **target)
{
    size_t nd = dr_ndistinct(col);
    *target = NULL;
    if (f->table == CM_TABLE_AREAS) {
        int best = 0;
        uint32_t pick = 0;
        for (size_t t = 0; series_targets[t]; t++) {
            int c = dr_canon_of(f, series_targets[t]);
            if (c < 0 || f->map[c].how != GIVEN_NONE)
                continue;
            for (uint32_t id = 1; id <= nd; id++) {
                /* The best of every target; the first target among equals. */
                int s = series_score(dr_distinct_value(col, id, NULL), series_targets[t]);
                if (s > best) {
                    best = s;
                    pick = id;
                    *target = series_targets[t];
                }
            }
        }
        if (pick) {
            *why = "the one that names a column of the table";
            return pick;
        }
    }
    for (uint32_t id = 1; id <= nd; id++)
        if (total_value(dr_distinct_value(col, id, NULL))) {
            *why = "the total";
            return id;
        }
    uint32_t pick = 1;
    size_t most = 0;
    for (uint32_t id = 1; id <= nd; id++) {
        size_t cnt;
        dr_distinct_value(col, id, &cnt);
        if (cnt > most)
            most = cnt, pick = id;
    }
    *why = "its most frequent value";
    return pick;
}

/* Filters columns to one value each while their values make a key repeat:
   dimensions (sex, age, a series) the table has no column for. */
void dr_filter_dimensions(dfile *f)
{
    size_t first;
    if (f->def->nkey == 0 || dr_duplicate_keys(f, &first) == 0)
        return;
    for (size_t k = 0; k < f->ncols; k++) {
        column *col = &f->cols[k];
        size_t nd = dr_ndistinct(col);
        words w;
        dr_split_words(col->name, &w);
        if (dr_taken(f, k) || col->many || nd < 2 || nd > 200 || dr_is_numeric(col) ||
            col->header_year || dr_has_any(&w, note_words) || col->empty > col->nonempty)
            continue;
        bool filtered = false;
        for (size_t i = 0; i < f->nfilters; i++)
            filtered |= f->filters[i].col == k;
        if (filtered)
            continue;
        const char *why, *target;
        uint32_t pick = dimension_value(f, col, &why, &target);
        const char *value = dr_distinct_value(col, pick, NULL);
        if (!dr_writable(value))
            continue;
        const char *items[1] = {value};
        filter *fl = dr_add_filter(f, k, true, items, 1);
        if (!fl)
            return;
        fl->why = FOR_DIMENSION;
        size_t dups = dr_duplicate_keys(f, &first);
        /* The values seen, for the comment. */
        text seen = {0};
        for (uint32_t id = 1; id <= nd && id <= LIST_SHOWN; id++)
            dr_add_item(&seen, dr_distinct_value(col, id, NULL));
        fl->note = dr_dupf("%s holds %zu values: %s%s; keeps %s", col->name, nd, dr_text_str(&seen),
                           nd > LIST_SHOWN ? ", ..." : "", why);
        free(seen.s);
        dr_why_line(f,
                    "keep_if.%s = %s: its %zu values repeat the keys (a dimension the table has "
                    "no column for); it keeps %s",
                    col->name, fl->values, nd, why);
        if (target && !f->series_target) {
            f->series_target = target;
            f->series_scale = series_scale(value);
        }
        if (dups == 0)
            return;
    }
}

/* ---- one period a year ---- */

/* Periods finer than a year (months, quarters): one a year, the last. */
void dr_one_period_per_year(dfile *f)
{
    int year = dr_canon_of(f, "year");
    size_t first;
    if (f->map[year].how != GIVEN_PERIOD || dr_duplicate_keys(f, &first) == 0)
        return;
    const column *col = &f->cols[f->map[year].col];
    const char *last[CM_YEAR_MAX - CM_YEAR_MIN + 1] = {0};
    for (uint32_t id = 1; id <= dr_ndistinct(col); id++) {
        const char *v = dr_distinct_value(col, id, NULL);
        int32_t y = dr_period_year(v);
        if (y && (!last[y - CM_YEAR_MIN] || strcmp(v, last[y - CM_YEAR_MIN]) > 0))
            last[y - CM_YEAR_MIN] = v;
    }
    const char *items[CM_YEAR_MAX - CM_YEAR_MIN + 1];
    size_t n = 0;
    for (int y = 0; y <= CM_YEAR_MAX - CM_YEAR_MIN; y++)
        if (last[y])
            items[n++] = last[y];
    size_t before = dr_duplicate_keys(f, &first);
    filter *fl = n ? dr_add_filter(f, f->map[year].col, true, items, n) : NULL;
    if (!fl)
        return;
    if (dr_duplicate_keys(f, &first) >= before) {
        dr_drop_filter(f); /* the periods are not what repeats */
        return;
    }
    if (strlen(fl->values) > 150) {
        dr_drop_filter(f);
        dr_ask(f,
               "%s holds several periods a year: a table of areas has one row a year; keep one "
               "period a year with keep_if.%s",
               col->name, col->name);
        return;
    }
    fl->why = FOR_DIMENSION;
    fl->note = dr_dupf("%s holds several periods a year: this keeps the last of each; check it",
                       col->name);
    dr_why_line(f,
                "keep_if.%s = %s: several periods a year make an area's year repeat; the last "
                "of each is kept",
                col->name, fl->values);
}

/* ---- ids that repeat ---- */

/* Ids that repeat in a year (two places of one name): dropped, said. */
void dr_drop_repeated_ids(dfile *f)
{
    int area = dr_canon_of(f, "area_id");
    size_t first;
    if (area < 0 || (f->map[area].how != GIVEN_COLUMN && f->map[area].how != GIVEN_IMPLICIT) ||
        dr_duplicate_keys(f, &first) == 0)
        return;
    size_t col = f->map[area].col;
    cm_strpool *repeated = cm_strpool_new();
    if (repeated)
        dr_repeated_keys(f, &first, repeated, col);
    size_t n = repeated ? cm_strpool_count(repeated) : 0;
    const char **items = n ? calloc(n, sizeof *items) : NULL;
    bool ok = items != NULL;
    for (uint32_t id = 1; ok && id <= n; id++) {
        items[id - 1] = cm_strpool_str(repeated, id);
        ok = dr_writable(items[id - 1]) && *items[id - 1];
    }
    filter *fl = ok ? dr_add_filter(f, col, false, items, n) : NULL;
    if (fl)
        fl->why = FOR_REPEATED_ID;
    if (fl && strlen(fl->values) > 150) {
        dr_drop_filter(f);
        fl = NULL;
    }
    if (fl) {
        fl->note = dr_dupf("%zu ids repeat in a year (two places of one name?): their rows are "
                           "dropped, as two rows of one key are an error; give each place an id",
                           n);
        dr_why_line(f, "skip_if.%s = %s: these ids repeat in a year", f->cols[col].name,
                    fl->values);
    } else {
        /* Said in the manifest if the ids stay these (dr_ids_from_places). */
        f->repeated_col = col;
        f->repeated = n;
    }
    free(items);
    cm_strpool_free(repeated);
}

/* ---- required columns ---- */

/* Drops the rows a required column would refuse: an empty id, a missing
   count, the file's missing tokens in them. */
void dr_filter_required(dfile *f)
{
    for (size_t c = 0; c < f->def->ncols; c++) {
        const mapping *m = &f->map[c];
        const cm_column_def *cd = &f->def->cols[c];
        if (!(cd->flags & CM_COL_REQUIRED) || (m->how != GIVEN_COLUMN && m->how != GIVEN_IMPLICIT))
            continue;
        const column *col = &f->cols[m->col];
        const char *items[NTOKENS + 1];
        size_t n = 0;
        for (int k = 0; k < NTOKENS; k++)
            if (col->tokens[k])
                items[n++] = dr_missing_tokens[k];
        if (col->empty)
            items[n++] = "";
        if (!n)
            continue;
        bool filtered = false;
        for (size_t i = 0; i < f->nfilters; i++)
            filtered |= f->filters[i].col == m->col;
        if (filtered)
            continue;
        filter *fl = dr_add_filter(f, m->col, false, items, n);
        if (!fl)
            return;
        fl->note = dr_dupf("%s is required: rows without one are dropped", cd->name);
        size_t cells = col->empty;
        for (int k = 0; k < NTOKENS; k++)
            cells += col->tokens[k];
        dr_why_line(f,
                    "skip_if.%s = %s: %s is required, and %zu cells of %s are empty or a "
                    "missing token",
                    col->name, fl->values, cd->name, cells, col->name);
    }
}

/* ---- notes at the end ---- */

/* Notes at the end: a filter drops those with the header's cells; the
   loader refuses the others, which the manifest says. */
void dr_guess_notes(dfile *f)
{
    if (!f->notes)
        return;
    size_t other = 0, col = SIZE_MAX;
    const char *items[20];
    size_t n = 0;
    for (size_t r = f->data_to; r < f->data_to + f->notes; r++) {
        if (f->g.recs[r].n != f->g.recs[f->header].n) {
            other++;
            continue;
        }
        for (size_t i = 0; i < f->g.recs[r].n; i++)
            if (dr_cell_len(&f->g, r, i)) {
                if (col == SIZE_MAX)
                    col = i;
                if (i == col && n < 20 && dr_writable(dr_cell_text(&f->g, r, i)))
                    items[n++] = dr_cell_text(&f->g, r, i);
            }
    }
    dr_why_line(f, "%zu note line%s at the end (from line %llu): %s", f->notes,
                f->notes == 1 ? "" : "s", (unsigned long long)f->g.recs[f->data_to].line,
                other ? "they do not have the header's cells" : "a sentence alone in its line");
    if (other)
        dr_ask(f,
               "the file ends with %zu note line%s (from line %llu) that do not have the "
               "header's %zu cells: the loader refuses them; cut them from a copy of the file",
               other, other == 1 ? "" : "s", (unsigned long long)f->g.recs[f->data_to].line,
               f->g.recs[f->header].n);
    if (n && col != SIZE_MAX) {
        filter *fl = dr_add_filter(f, col, false, items, n);
        if (fl) {
            if (strlen(fl->values) > 120) {
                dr_drop_filter(f);
                dr_ask(f,
                       "the file ends with notes in its own cells (from line %llu): drop them "
                       "with skip_if on column %zu",
                       (unsigned long long)f->g.recs[f->data_to].line, col + 1);
            } else {
                fl->note = strdup("the notes at the end of the file");
            }
        }
    }
}
