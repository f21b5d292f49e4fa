/*
 * columns.c - the guesses of one file: its table, from the columns' names;
 * then the source of each canonical column, by the words of the names and
 * by the values (a count column holds counts, an id is unique in its
 * year): the ids and the year first, with the dimensions filtered, then
 * the other columns over the rows kept; the year columns to unpivot, value
 * maps, constants, the kind of flows, and trim.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- the table ---- */

/* The table, from the columns' names. */
void dr_guess_table(dfile *f)
{
    int origin = 0, destination = 0, service = 0;
    const char *o_name = NULL, *d_name = NULL, *s_name = NULL, *m;
    bool stock = false;
    for (size_t k = 0; k < f->ncols; k++) {
        const char *name = f->cols[k].name;
        int s;
        if ((s = dr_name_score(name, "origin", &m)) > origin)
            origin = s, o_name = name;
        if ((s = dr_name_score(name, "destination", &m)) > destination)
            destination = s, d_name = name;
        if ((s = dr_name_score(name, "service", &m)) > service)
            service = s, s_name = name;
        if ((s = dr_name_score(name, "with_access", &m)) > service)
            service = s, s_name = name;
        if ((s = dr_name_score(name, "access_rate", &m)) > service && s >= 6)
            service = s, s_name = name;
        words w;
        dr_split_words(name, &w);
        stock |= dr_has_word(&w, "stock") || dr_has_word(&w, "stocks");
    }
    if (origin >= 7 && destination >= 7 && stock) {
        f->table = CM_TABLE_STOCKS;
        dr_why_line(f,
                    "table stocks: \"%s\" and \"%s\" name an origin and a destination, and a "
                    "column speaks of a stock: the destination is the area",
                    o_name, d_name);
    } else if (origin >= 7 && destination >= 7) {
        f->table = CM_TABLE_FLOWS;
        dr_why_line(f, "table flows: \"%s\" and \"%s\" name an origin and a destination", o_name,
                    d_name);
    } else if (origin >= 7) {
        f->table = CM_TABLE_STOCKS;
        dr_why_line(f,
                    "table stocks: \"%s\" names an origin (a place of birth), and no column a "
                    "destination",
                    o_name);
    } else if (service >= 6) {
        f->table = CM_TABLE_SERVICES;
        dr_why_line(f, "table services: \"%s\" names a service or access to one", s_name);
    } else {
        f->table = CM_TABLE_AREAS;
        dr_why_line(f, "table areas: no column names an origin and a destination (flows), a place "
                       "of birth (stocks) or a service (services)");
    }
    static const cm_table_def *const defs[CM_TABLE_COUNT] = {&cm_areas_def, &cm_stocks_def,
                                                             &cm_flows_def, &cm_services_def};
    f->def = defs[f->table];
}

/* ---- the source of a canonical column ---- */

/* Does the column fit canonical column c by its values? */
static bool fits(const dfile *f, int c, const column *col)
{
    const cm_column_def *cd = &f->def->cols[c];
    if (col->nonempty == 0)
        return false;
    switch (cd->type) {
    case CM_VALUE_COUNT:
        return dr_holds_counts(col);
    case CM_VALUE_SIGNED_COUNT:
        return dr_is_numeric(col);
    case CM_VALUE_PERCENT:
        return dr_holds_percents(col);
    case CM_VALUE_YEAR:
        return dr_holds_years(col) || dr_holds_periods(col);
    case CM_VALUE_ENUM:
        return dr_enum_values(col, dr_aliases_of(cd->name));
    default:
        /* Text: a name is not a number. */
        return !(strcmp(cd->name, "name") == 0 && dr_is_numeric(col));
    }
}

/* Looks like codes (ISO 3166, numeric, GEO_ID) or like names? */
static bool code_values(const column *col)
{
    return col->nonempty > 0 && col->codes * 10 >= col->nonempty * 9;
}

bool dr_name_values(const column *col)
{
    return col->nonempty > 0 && col->worded * 2 >= col->nonempty && !dr_is_numeric(col);
}

/* The best source column for canonical column c, by name and values; -1. */
static int best_source(const dfile *f, int c, int *score_out, const char **matched_out)
{
    const char *canon = dr_canon_name(f, c);
    int best = -1, best_score = 0;
    for (size_t k = 0; k < f->ncols; k++) {
        const column *col = &f->cols[k];
        if (dr_taken(f, k))
            continue;
        const char *matched = NULL;
        int score = dr_name_score(col->name, canon, &matched);
        /* A header named exactly so is read by the loader anyway, even empty. */
        bool exact = strcmp(col->name, canon) == 0 && col->nonempty == 0;
        if (score <= 0 || (!exact && !fits(f, c, col)))
            continue;
        if (strcmp(canon, "area_id") == 0 || strcmp(canon, "parent_id") == 0) {
            if (code_values(col))
                score += 3;
            else if (dr_name_values(col))
                score -= 3;
        } else if (strcmp(canon, "name") == 0) {
            if (dr_name_values(col))
                score += 3;
            else if (code_values(col))
                score -= 2;
        }
        if (score > best_score) {
            best = (int)k;
            best_score = score;
            if (matched_out)
                *matched_out = matched;
        }
    }
    if (score_out)
        *score_out = best_score;
    return best;
}

/* Gives canonical column c its best source, and says why; false: none. */
static bool assign(dfile *f, int c)
{
    if (c < 0 || f->map[c].how != GIVEN_NONE)
        return false;
    const char *matched = NULL;
    int score;
    int k = best_source(f, c, &score, &matched);
    if (k < 0)
        return false;
    dr_give(f, c, GIVEN_COLUMN, (size_t)k);
    const column *col = &f->cols[k];
    if (f->map[c].how == GIVEN_IMPLICIT)
        dr_why_line(f, "%s: the header \"%s\" is the canonical column's: no key needed",
                    dr_canon_name(f, c), col->name);
    else
        dr_why_line(f, "column.%s = %s: its name has \"%s\"%s", dr_canon_name(f, c), col->name,
                    matched ? matched : "",
                    score >= 20 ? " (the column's name, in another case)" : "");
    return true;
}

/* Does the column's header name another canonical column (a count, the
   year) than an id or a name? */
static bool names_other(const dfile *f, const column *col)
{
    for (size_t c = 0; c < f->def->ncols; c++) {
        const char *canon = dr_canon_name(f, (int)c), *m;
        if (strcmp(canon, "area_id") == 0 || strcmp(canon, "name") == 0)
            continue;
        if (dr_name_score(col->name, canon, &m) >= 6)
            return true;
    }
    return false;
}

/* ---- the year, and the year columns ---- */

/* A year the table's figures are of, named in the headers of the columns
   given; *count of them name it, of *total that name one. */
static int32_t year_of_headers(const dfile *f, size_t *count, size_t *total)
{
    int32_t years[CM_TABLE_MAX_COLS];
    size_t n = 0;
    for (size_t c = 0; c < f->def->ncols; c++) {
        const mapping *m = &f->map[c];
        if (m->how != GIVEN_COLUMN)
            continue;
        int32_t y = dr_year_inside(f->cols[m->col].name);
        if (y)
            years[n++] = y;
    }
    int32_t best = 0;
    size_t most = 0;
    for (size_t i = 0; i < n; i++) {
        size_t same = 0;
        for (size_t j = 0; j < n; j++)
            same += years[j] == years[i];
        if (same > most || (same == most && years[i] > best)) {
            most = same;
            best = years[i];
        }
    }
    *count = most;
    *total = n;
    return best;
}

/* The pattern of a column of periods, for year_from: YYYY a year, ? a
   character that varies, * the rest. NULL when the values hold * or ?. */
static char *period_pattern(const column *col)
{
    char pat[64] = "", first[64] = "";
    bool same_len = true, any = false;
    size_t len = 0;
    for (uint32_t id = 1; id <= dr_ndistinct(col) && id <= 500; id++) {
        const char *v = dr_distinct_value(col, id, NULL);
        if (strpbrk(v, "*?"))
            return NULL;
        /* Years become \1\1\1\1. */
        char s[64];
        size_t n = strlen(v);
        if (n >= sizeof s)
            return NULL;
        memcpy(s, v, n + 1);
        size_t years = 0;
        for (size_t i = 0; i + 4 <= n && years < 2; i++) {
            if (dr_is_digit((unsigned char)s[i]) &&
                (i == 0 || !dr_is_digit((unsigned char)s[i - 1])) && dr_year_of(s + i, 4) &&
                (i + 4 == n || !dr_is_digit((unsigned char)s[i + 4]))) {
                memset(s + i, 1, 4);
                years++;
                i += 3;
            }
        }
        if (!years)
            continue;
        if (!any) {
            memcpy(pat, s, n + 1);
            memcpy(first, s, n + 1);
            len = n;
            any = true;
            continue;
        }
        if (n != len) {
            same_len = false;
            /* The common start. */
            size_t k = 0;
            while (k < n && pat[k] && pat[k] == s[k])
                k++;
            pat[k] = '\0';
            continue;
        }
        if (same_len)
            for (size_t i = 0; i < n; i++)
                if (pat[i] != s[i]) {
                    if (pat[i] == 1 || s[i] == 1)
                        same_len = false;
                    pat[i] = '?';
                }
    }
    if (!any)
        return NULL;
    if (!same_len) {
        /* Up to the last whole year of the common start, then anything. */
        char *last = NULL;
        for (char *p = pat; (p = strchr(p, 1)) != NULL; p += 4)
            if (p[1] == 1 && p[2] == 1 && p[3] == 1)
                last = p;
            else
                break;
        if (!last) {
            /* Start from the first value's pat up to its first year. */
            memcpy(pat, first, sizeof pat);
            last = strchr(pat, 1);
        }
        last[4] = '*';
        last[5] = '\0';
    }
    text out = {0};
    for (const char *p = pat; *p; p++) {
        if (*p == 1) {
            dr_text_add(&out, "YYYY", 4);
            p += 3;
        } else {
            dr_text_add(&out, p, 1);
        }
    }
    return out.s;
}

/* Words of the file's topic: its name, and the values of its text
   columns that hold one value (a World Bank file's "Indicator Name"). */
static void topic_of(const dfile *f, text *out)
{
    dr_text_add(out, dr_base_name(f->path), strlen(dr_base_name(f->path)));
    for (size_t k = 0; k < f->ncols; k++) {
        const column *col = &f->cols[k];
        if (dr_ndistinct(col) == 1 && !dr_is_numeric(col) && dr_name_values(col)) {
            dr_text_add(out, " ", 1);
            const char *v = dr_distinct_value(col, 1, NULL);
            dr_text_add(out, v, strlen(v));
        }
    }
}

/* Columns named after years: unpivot them (the canonical column they
   give is chosen once the rows are filtered: unpivot_target). */
static void find_year_columns(dfile *f)
{
    size_t nyears = 0;
    int32_t from = 0, to = 0;
    for (size_t k = 0; k < f->ncols; k++) {
        const column *col = &f->cols[k];
        if (!col->header_year)
            continue;
        nyears++;
        if (!from || col->header_year < from)
            from = col->header_year;
        if (col->header_year > to)
            to = col->header_year;
    }
    if (nyears == 0)
        return;
    if (nyears == 1) {
        /* One column named after a year: unpivoted unless a column gives the year. */
        for (size_t k = 0; k < f->ncols; k++) {
            const char *m;
            if (!f->cols[k].header_year && dr_holds_years(&f->cols[k]) &&
                dr_name_score(f->cols[k].name, "year", &m) > 0)
                return;
        }
    }
    f->unpivot = true;
    f->unpivot_from = from;
    f->unpivot_to = to;
    f->map[dr_canon_of(f, "year")].how = GIVEN_UNPIVOT;
}

/* The canonical column the year columns give: what their values are, and
   what the file's topic (or a series filter) names. */
static void unpivot_target(dfile *f)
{
    if (!f->unpivot)
        return;
    size_t nyears = 0;
    int32_t from = f->unpivot_from, to = f->unpivot_to;
    bool counts = true, percents = true, signed_counts = true, fraction = false;
    for (size_t k = 0; k < f->ncols; k++) {
        const column *col = &f->cols[k];
        if (!col->header_year)
            continue;
        nyears++;
        if (col->nonempty) {
            counts &= dr_holds_counts(col);
            percents &= dr_holds_percents(col);
            signed_counts &= dr_is_numeric(col);
            fraction |= col->fraction > 0;
        }
    }
    static const char *const areas_targets[] = {"urban_population",
                                                "foreign_born_share",
                                                "foreign_born",
                                                "foreign_born_female",
                                                "internal_migrants",
                                                "births",
                                                "deaths",
                                                "net_internal_migration",
                                                "net_international_migration",
                                                "pop_0_14",
                                                "pop_15_64",
                                                "pop_65_plus",
                                                "population",
                                                NULL};
    static const char *const count_targets[] = {"count", NULL};
    static const char *const services_targets[] = {"access_rate", "with_access", NULL};
    const char *const *targets = f->table == CM_TABLE_AREAS      ? areas_targets
                                 : f->table == CM_TABLE_SERVICES ? services_targets
                                                                 : count_targets;
    text topic = {0};
    topic_of(f, &topic);
    int best = -1, best_score = 0;
    const char *matched = NULL;
    for (size_t t = 0; targets[t]; t++) {
        int c = dr_canon_of(f, targets[t]);
        const char *m = NULL;
        int score = dr_name_score(dr_text_str(&topic), targets[t], &m);
        if (f->series_target && strcmp(f->series_target, targets[t]) == 0)
            score = 30, m = "the series kept";
        cm_value_type type = f->def->cols[c].type;
        bool ok = type == CM_VALUE_COUNT          ? counts
                  : type == CM_VALUE_SIGNED_COUNT ? signed_counts
                  : type == CM_VALUE_PERCENT      ? percents
                                                  : false;
        if (ok && score > best_score) {
            best = c;
            best_score = score;
            matched = m;
        }
    }
    if (best < 0 && counts) {
        best = dr_canon_of(f, f->table == CM_TABLE_AREAS      ? "population"
                              : f->table == CM_TABLE_SERVICES ? "with_access"
                                                              : "count");
        dr_why_line(f,
                    "unpivot = %d-%d -> year, %s: %zu columns are named after years; their "
                    "values are counts, and nothing names them otherwise",
                    (int)from, (int)to, dr_canon_name(f, best), nyears);
        if (f->table == CM_TABLE_AREAS)
            dr_ask(f,
                   "the year columns hold counts: population, or another count (urban_population, "
                   "foreign_born, births, deaths)?");
    } else if (best >= 0) {
        dr_why_line(f,
                    "unpivot = %d-%d -> year, %s: %zu columns are named after years, and %s "
                    "(\"%.60s\") has \"%s\"",
                    (int)from, (int)to, dr_canon_name(f, best), nyears,
                    best_score == 30 ? "the filter" : "the file's name or a column of one value",
                    best_score == 30 ? f->series_target : dr_text_str(&topic),
                    matched ? matched : "");
    }
    free(topic.s);
    if (best < 0) {
        f->unpivot_col = SIZE_MAX;
        dr_ask(f,
               "unpivot = %d-%d -> year, COLUMN: the %zu year columns hold numbers that are "
               "neither counts nor percents: which column do they give?",
               (int)from, (int)to, nyears);
        return;
    }
    f->unpivot_col = (size_t)best;
    f->map[best].how = GIVEN_UNPIVOT;
    f->map[best].round = fraction && f->def->cols[best].type != CM_VALUE_PERCENT;
    if (f->map[best].round)
        dr_why_line(f, "round.%s = yes: some year columns hold fractions of a count",
                    dr_canon_name(f, best));
}

/* The year: a column of years, of periods, the year columns, a year the
   headers or the file's name give. */
static void guess_year(dfile *f)
{
    int year = dr_canon_of(f, "year");
    if (f->map[year].how != GIVEN_NONE)
        return;
    const char *matched = NULL;
    int score;
    int k = best_source(f, year, &score, &matched);
    if (k < 0) {
        /* A column of periods, whatever its name; or of years that repeat, as a
           year's rows do (not a count that happens to be four digits). */
        for (size_t j = 0; j < f->ncols && k < 0; j++)
            if (!dr_taken(f, j) && dr_holds_periods(&f->cols[j]))
                k = (int)j;
        for (size_t j = 0; j < f->ncols && k < 0; j++) {
            const column *col = &f->cols[j];
            if (!dr_taken(f, j) && dr_holds_years(col) && !col->many && dr_ndistinct(col) <= 60 &&
                dr_ndistinct(col) * 2 <= col->nonempty && !names_other(f, col)) {
                dr_give(f, year, GIVEN_COLUMN, j);
                dr_why_line(f, "column.year = %s: its values are years, each on several rows",
                            col->name);
                return;
            }
        }
        matched = NULL;
    }
    if (k >= 0 && dr_holds_periods(&f->cols[k])) {
        char *pattern = period_pattern(&f->cols[k]);
        if (pattern && (!dr_writable(pattern) || pattern[0] == ';')) {
            free(pattern);
            pattern = NULL;
        }
        if (pattern) {
            f->map[year].how = GIVEN_PERIOD;
            f->map[year].col = (size_t)k;
            f->map[year].constant = pattern;
            size_t cnt;
            dr_why_line(f, "year_from.%s = %s: its values are periods, such as \"%s\"",
                        f->cols[k].name, pattern, dr_distinct_value(&f->cols[k], 1, &cnt));
            return;
        }
        k = -1;
    }
    if (k >= 0) {
        assign(f, year);
    }
}

/* The year as a constant, when no column gives it. */
static void guess_year_constant(dfile *f)
{
    int year = dr_canon_of(f, "year");
    if (f->map[year].how != GIVEN_NONE)
        return;
    size_t count, total;
    int32_t y = year_of_headers(f, &count, &total);
    char value[8];
    if (y) {
        snprintf(value, sizeof value, "%d", (int)y);
        dr_give_constant(f, year, value);
        dr_why_line(f,
                    "year = %s: no column gives the year, and the headers of the columns given "
                    "name it (%zu of the %zu that name a year)",
                    value, count, total);
        if (count < total) {
            dr_set_note(&f->map[year], strdup("the columns given name several years in their "
                                              "headers: one section per year may be needed"));
        }
        return;
    }
    y = dr_year_inside(dr_base_name(f->path));
    if (!y && f->title)
        y = dr_year_inside(f->title);
    if (y) {
        snprintf(value, sizeof value, "%d", (int)y);
        dr_give_constant(f, year, value);
        dr_why_line(f, "year = %s: no column gives the year; the file's %s names it", value,
                    dr_year_inside(dr_base_name(f->path)) ? "name" : "title");
        dr_set_note(&f->map[year],
                    dr_dupf("from the file's %s: check it",
                            dr_year_inside(dr_base_name(f->path)) ? "name" : "title"));
        return;
    }
    dr_ask(f, "year = ?: no column, header or file name gives the year of these figures (year = "
              "2015, say, or column.year = COLUMN)");
    dr_why_line(f, "year: not found (no column of years or periods, no year in the headers or the "
                   "file's name)");
}

/* ---- the ids ---- */

/* An id when no header names one: codes, else names, unique in their year
   once the dimensions are filtered. */
static void choose_id(dfile *f, int area)
{
    int fallback = -1;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k < f->ncols; k++) {
            const column *col = &f->cols[k];
            if (dr_taken(f, k) || col->nonempty == 0 || col->header_year || dr_holds_years(col) ||
                dr_holds_periods(col) || (pass == 0 ? !code_values(col) : !dr_name_values(col)) ||
                (dr_is_numeric(col) && col->fraction) || names_other(f, col))
                continue;
            /* Numbers are ids only where the header says so ("Region/Country/Area"). */
            const char *m;
            if (dr_is_numeric(col) && dr_name_score(col->name, "name", &m) == 0 &&
                dr_name_score(col->name, "area_id", &m) == 0)
                continue;
            size_t nfilters = f->nfilters, first;
            dr_give(f, area, GIVEN_COLUMN, k);
            dr_filter_dimensions(f);
            dr_one_period_per_year(f);
            if (dr_duplicate_keys(f, &first) == 0) {
                dr_why_line(f,
                            "column.area_id = %s: no header names an id; its values are %s, "
                            "one per area and year",
                            col->name, pass == 0 ? "codes" : "names");
                return;
            }
            while (f->nfilters > nfilters)
                dr_drop_filter(f);
            f->map[area].how = GIVEN_NONE;
            if (fallback < 0)
                fallback = (int)k;
        }
    }
    if (fallback >= 0) {
        dr_give(f, area, GIVEN_COLUMN, (size_t)fallback);
        dr_filter_dimensions(f);
        dr_why_line(f,
                    "column.area_id = %s: no header names an id, and no column is unique in a "
                    "year; its values are the likeliest",
                    f->cols[fallback].name);
    } else {
        dr_ask(f, "column.area_id = ?: which column identifies the areas?");
    }
}

/* ---- maps and constants ---- */

/* Maps a source column's values onto an enumeration (map.sex = Males:M). */
static void enum_map(dfile *f, int c)
{
    mapping *m = &f->map[c];
    if (m->how != GIVEN_COLUMN && m->how != GIVEN_IMPLICIT)
        return;
    const column *col = &f->cols[m->col];
    const alias *list = dr_aliases_of(dr_canon_name(f, c));
    if (!list || col->many)
        return;
    text items = {0};
    bool all = true;
    for (uint32_t id = 1; id <= dr_ndistinct(col); id++) {
        const char *v = dr_distinct_value(col, id, NULL);
        const char *to = dr_alias_of(list, v);
        if (!to || dr_ieq(v, to))
            continue;
        if (!dr_writable(v) || strchr(v, ':')) {
            all = false;
            continue;
        }
        if (items.len)
            dr_text_add(&items, ", ", 2);
        if (dr_needs_quotes(v))
            dr_text_printf(&items, "\"%s\":%s", v, to);
        else
            dr_text_printf(&items, "%s:%s", v, to);
    }
    if (items.len) {
        m->map = items.s;
        dr_why_line(f, "map.%s = %s: the values of %s, as the table writes them",
                    dr_canon_name(f, c), m->map, col->name);
    } else {
        free(items.s);
    }
    if (!all)
        dr_ask(f, "map.%s: some values of %s cannot be written in a map: map them by hand",
               dr_canon_name(f, c), col->name);
}

/* A guess of a constant for a services section: the group. */
static const char *group_of(const dfile *f)
{
    text topic = {0};
    topic_of(f, &topic);
    for (size_t c = 0; c < f->def->ncols; c++)
        if (f->map[c].how == GIVEN_COLUMN || f->map[c].how == GIVEN_IMPLICIT) {
            dr_text_add(&topic, " ", 1);
            dr_text_add(&topic, f->cols[f->map[c].col].name, strlen(f->cols[f->map[c].col].name));
        }
    words w;
    dr_split_words(dr_text_str(&topic), &w);
    free(topic.s);
    static const char *const native[] = {"native", "natives", "nationals", NULL};
    return dr_has_any(&w, native) ? "native" : "migrant";
}

/* The service a services file speaks of, from its columns' names. */
static const char *service_of(const dfile *f)
{
    static const struct {
        const char *word, *service;
    } services[] = {{"insurance", "health insurance"},
                    {"insured", "health insurance"},
                    {"health", "health care"},
                    {"water", "water"},
                    {"sanitation", "sanitation"},
                    {"electricity", "electricity"},
                    {"school", "education"},
                    {"education", "education"},
                    {"internet", "internet"},
                    {"bank", "bank account"},
                    {"housing", "housing"}};
    for (size_t k = 0; k < f->ncols; k++) {
        words w;
        dr_split_words(f->cols[k].name, &w);
        for (size_t i = 0; i < sizeof services / sizeof services[0]; i++)
            if (dr_has_word(&w, services[i].word))
                return services[i].service;
    }
    return NULL;
}

/* The column of a long table's values ("Value", "OBS_VALUE"): what the
   series filter keeps. */
static void series_values(dfile *f)
{
    if (!f->series_target || f->unpivot)
        return;
    int c = dr_canon_of(f, f->series_target);
    if (c < 0 || f->map[c].how != GIVEN_NONE)
        return;
    int best = -1, best_score = 0;
    for (size_t k = 0; k < f->ncols; k++) {
        const char *m;
        if (dr_taken(f, k) || !fits(f, c, &f->cols[k]))
            continue;
        int score = dr_name_score(f->cols[k].name, "count", &m);
        if (score > best_score)
            best = (int)k, best_score = score;
    }
    if (best < 0)
        return;
    dr_give(f, c, GIVEN_COLUMN, (size_t)best);
    dr_why_line(f, "column.%s = %s: the values of the series kept", f->series_target,
                f->cols[best].name);
    if (f->series_scale && f->def->cols[c].type != CM_VALUE_PERCENT) {
        f->map[c].scale = f->series_scale;
        dr_why_line(f, "scale.%s = %s: the series' name says its unit", f->series_target,
                    f->series_scale);
    }
}

/* ---- every canonical column ---- */

/* Every canonical column of the table, from the file's columns. */
cm_status dr_guess_columns(dfile *f)
{
    static const char *const order[CM_TABLE_COUNT][20] = {
        {"name", "population", "foreign_born", "foreign_born_share", "foreign_born_female",
         "urban_population", "internal_migrants", "births", "deaths", "net_internal_migration",
         "net_international_migration", "pop_0_14", "pop_15_64", "pop_65_plus", "level",
         "parent_id", NULL},
        {"count", "sex", NULL},
        {"count", "kind", "sex", "interval", NULL},
        {"service", "group", "population", "with_access", "access_rate", "standard_error",
         "polarity", NULL},
    };
    find_year_columns(f);
    guess_year(f);
    /* The ids first: with them, the dimensions to filter. */
    int area = dr_canon_of(f, "area_id");
    if (f->table == CM_TABLE_STOCKS) {
        /* The destination of a stock is its area. */
        const char *m;
        for (size_t k = 0; k < f->ncols; k++)
            if (!dr_taken(f, k) && dr_name_score(f->cols[k].name, "destination", &m) >= 7) {
                dr_give(f, area, GIVEN_COLUMN, k);
                dr_why_line(f, "column.area_id = %s: the destination of a stock is its area",
                            f->cols[k].name);
                break;
            }
    }
    assign(f, dr_canon_of(f, "origin"));
    assign(f, dr_canon_of(f, "destination"));
    if (area >= 0 && !assign(f, area) && f->map[area].how == GIVEN_NONE)
        choose_id(f, area);
    else
        dr_filter_dimensions(f);
    dr_one_period_per_year(f);
    dr_drop_repeated_ids(f);
    /* What the kept rows hold. */
    cm_status st = dr_reprofile(f, true);
    if (st != CM_OK)
        return st;
    unpivot_target(f);
    series_values(f);
    for (size_t i = 0; order[f->table][i]; i++)
        assign(f, dr_canon_of(f, order[f->table][i]));

    int name = dr_canon_of(f, "name");
    if (name >= 0 && f->map[name].how == GIVEN_NONE && area >= 0 &&
        (f->map[area].how == GIVEN_COLUMN || f->map[area].how == GIVEN_IMPLICIT) &&
        dr_name_values(&f->cols[f->map[area].col])) {
        /* The ids are names. */
        dr_give(f, name, GIVEN_COLUMN, f->map[area].col);
        dr_why_line(f, "column.name = %s: the ids are names", f->cols[f->map[area].col].name);
    }
    if (name >= 0 && f->map[name].how == GIVEN_NONE) {
        /* A column with no header that holds names (a UN yearbook's). */
        for (size_t k = 0; k < f->ncols; k++)
            if (!dr_taken(f, k) && !*f->cols[k].name && dr_name_values(&f->cols[k])) {
                dr_give(f, name, GIVEN_COLUMN, k);
                dr_why_line(f, "column.name = #%zu: the column with no header holds names", k + 1);
                break;
            }
    }
    int count = dr_canon_of(f, "count");
    if (count >= 0 && f->map[count].how == GIVEN_NONE) {
        int k = -1;
        for (size_t j = 0; j < f->ncols; j++)
            if (!dr_taken(f, j) && dr_holds_counts(&f->cols[j]) && !dr_holds_years(&f->cols[j]) &&
                (k < 0 || f->cols[j].max > f->cols[k].max))
                k = (int)j;
        if (k >= 0) {
            dr_give(f, count, GIVEN_COLUMN, (size_t)k);
            dr_set_note(&f->map[count], dr_dupf("%s holds counts: check it", f->cols[k].name));
            dr_why_line(f, "column.count = %s: no header names the count; it holds counts",
                        f->cols[k].name);
        } else {
            dr_ask(f, "which column gives the count?");
        }
    }
    guess_year_constant(f);

    /* Counts with fractions: rounded. */
    for (size_t c = 0; c < f->def->ncols; c++) {
        mapping *m = &f->map[c];
        cm_value_type t = f->def->cols[c].type;
        if ((m->how == GIVEN_COLUMN || m->how == GIVEN_IMPLICIT) &&
            (t == CM_VALUE_COUNT || t == CM_VALUE_SIGNED_COUNT) && f->cols[m->col].fraction) {
            m->round = true;
            dr_why_line(f, "round.%s = yes: %zu values of %s have a fraction",
                        dr_canon_name(f, (int)c), f->cols[m->col].fraction, f->cols[m->col].name);
        }
    }
    /* Enumerations. */
    static const char *const enums[] = {"sex", "kind", "group", "level", "polarity"};
    for (size_t i = 0; i < sizeof enums / sizeof enums[0]; i++) {
        int c = dr_canon_of(f, enums[i]);
        if (c >= 0)
            enum_map(f, c);
    }
    if (f->table == CM_TABLE_SERVICES) {
        int svc = dr_canon_of(f, "service"), grp = dr_canon_of(f, "group");
        if (f->map[svc].how == GIVEN_NONE) {
            const char *sv = service_of(f);
            dr_give_constant(f, svc, sv ? sv : "access");
            dr_set_note(&f->map[svc], strdup(sv ? "from the columns' names: check it"
                                                : "which service is it? Name it here"));
            dr_why_line(f, "service = %s: no column names the service%s", sv ? sv : "access",
                        sv ? "; the columns' names speak of it" : "");
        }
        if (f->map[grp].how == GIVEN_NONE) {
            const char *g = group_of(f);
            dr_give_constant(f, grp, g);
            dr_set_note(&f->map[grp], strdup("migrant or native: check it"));
            dr_why_line(f, "group = %s: no column gives the group", g);
        }
    }
    return CM_OK;
}

/* ---- the kind of flows ---- */

/* The kind of flows when no column gives it. */
void dr_guess_kind(dfile *f)
{
    int kind = dr_canon_of(f, "kind");
    if (kind < 0 || f->map[kind].how != GIVEN_NONE)
        return;
    int o = dr_canon_of(f, "origin"), d = dr_canon_of(f, "destination");
    bool countries = false;
    const char *why = "the places are not countries' codes";
    for (int i = 0; i < 2; i++) {
        const mapping *m = &f->map[i ? d : o];
        if (m->how != GIVEN_COLUMN && m->how != GIVEN_IMPLICIT)
            continue;
        const column *col = &f->cols[m->col];
        words w;
        dr_split_words(col->name, &w);
        if (col->iso3 * 10 >= col->nonempty * 9 && col->nonempty) {
            countries = true;
            why = "the places look like ISO 3166 alpha-3 codes";
        } else if (dr_has_word(&w, "country") || dr_has_word(&w, "countries")) {
            countries = true;
            why = "the origin or destination is a country";
        }
    }
    dr_give_constant(f, kind, countries ? "international" : "internal");
    dr_set_note(&f->map[kind], dr_dupf("guessed, as %s: internal moves are within a country, "
                                       "international ones between countries",
                                       why));
    dr_why_line(f, "kind = %s: no column gives the kind; %s",
                countries ? "international" : "internal", why);
}

/* ---- trim ---- */

/* trim = yes when a value the manifest reads has spaces at its ends (the
   loader keeps them, and refuses them in numbers and ids). */
void dr_guess_trim(dfile *f)
{
    if (f->eurostat)
        return;
    const char *why = NULL;
    for (size_t c = 0; c < f->def->ncols && !why; c++) {
        const mapping *m = &f->map[c];
        if ((m->how == GIVEN_COLUMN || m->how == GIVEN_IMPLICIT || m->how == GIVEN_PERIOD) &&
            f->cols[m->col].spaced && strcmp(dr_canon_name(f, (int)c), "name") != 0)
            why = f->cols[m->col].name;
    }
    for (size_t k = 0; k < f->ncols && !why && f->unpivot; k++) {
        size_t n = strlen(f->cols[k].name);
        if (f->cols[k].header_year && (f->cols[k].spaced || f->cols[k].name[n - 1] == ' '))
            why = f->cols[k].name;
    }
    if (why) {
        f->trim = true;
        dr_why_line(f, "trim = yes: values of \"%s\" have spaces at their ends", why);
    }
}
