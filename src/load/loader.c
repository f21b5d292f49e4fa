/*
 * loader.c - from CSV records to checked rows: the header, every value, the
 * cross-field checks, duplicate keys, and the flow aggregate.
 *
 * The loader is a cm_csv handler. The first record is the header: its
 * names are matched to the schema's columns case-insensitively. Each later
 * field is parsed as soon as libcsv hands it over (no copy of the record);
 * the row is judged when the record ends, so that a ragged row is reported
 * as such rather than as a string of misaligned values. Problems are
 * reported in input order.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citymig/ages.h"
#include "citymig/dataset.h"
#include "citymig/flowscan.h"
#include "citymig/sha256.h"

#include <sys/stat.h>

enum {
    MAX_COLS = CM_TABLE_MAX_COLS,
    HEADER_MAX_BYTES = 1 << 20,
    REPEATS_SHOWN = 5 /* repeated rows named one by one; the rest counted */
};

typedef struct pending {
    size_t col;
    cm_csv_pos pos;
    char text[CM_QUOTE_SIZE + 256];
} pending;

typedef struct loader {
    const cm_table_def *def;
    const char *file;
    cm_diag *diag;
    const cm_load_options *opts;
    cm_strpool *pool;
    cm_table *table;
    cm_flows *flows;
    cm_source *src;

    /* Header. */
    bool have_header;
    uint64_t filtered; /* records a manifest's filters dropped before they got here */
    size_t nheader;
    size_t header_bytes;
    size_t names_cap;
    char **names;
    cm_csv_pos *name_pos;
    int *map; /* header field -> schema column, or -1 */
    bool mapped[MAX_COLS];

    /* Current row. */
    cm_cell cells[MAX_COLS];
    cm_csv_pos pos[MAX_COLS];
    bool field_seen[MAX_COLS];
    pending errs[MAX_COLS];
    size_t nerrs;
    bool has_extra;
    cm_csv_pos extra_pos;
    uint32_t row_inconsistent; /* columns that failed a cross-field check */
    /* Each text column's last value, interned (0: none yet): files repeat
       an area row after row, and a value met just before needs neither
       its checks nor a lookup again. */
    uint32_t last_text[MAX_COLS];

    /* The current field as its file writes it, when the manifest changed
       it (a scale, a decimal mark), and how: messages quote it so. */
    const char *written;
    size_t written_len;
    const char *written_how;

    /* The input of the last flow row, and its index among the flows' inputs. */
    const char *place_file;
    uint16_t place_source;

    /* Flows with an age column: the first row of each year and kind that
       gave an age group, and the first that gave none (line 0: none yet). */
    cm_flows_place age_at[CM_YEAR_MAX - CM_YEAR_MIN + 1][CM_KIND_COUNT];
    cm_flows_place no_age_at[CM_YEAR_MAX - CM_YEAR_MIN + 1][CM_KIND_COUNT];

    /* A stocks row's age group not named before, added to the table's
       groups once the row is in (new_age false: none). */
    bool new_age;
    uint32_t new_age_label;
    int new_age_lo, new_age_hi;
} loader;

static cm_loc loc_of(const loader *ld, cm_csv_pos pos)
{
    cm_loc loc = {pos.file ? pos.file : ld->file, pos.line, pos.col};
    return loc;
}

/* Reports an error; says whether reading may go on. */
static cm_status report(loader *ld, cm_csv_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static cm_status report(loader *ld, cm_csv_pos pos, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    cm_loc loc = loc_of(ld, pos);
    cm_diag_report(ld->diag, CM_SEV_ERROR, &loc, "%s", text);
    ld->src->errors++;
    return cm_diag_full(ld->diag) ? CM_ERR_DATA : CM_OK;
}

static int ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        int x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z')
            x += 'a' - 'A';
        if (y >= 'A' && y <= 'Z')
            y += 'a' - 'A';
        if (x != y)
            return 0;
    }
    return *a == *b;
}

static cm_status header_field(loader *ld, size_t index, const char *s, size_t len,
                              const cm_csv_pos *pos)
{
    if (index >= ld->names_cap) {
        size_t cap = ld->names_cap ? ld->names_cap * 2 : 32;
        char **names = realloc(ld->names, cap * sizeof *names);
        if (!names)
            return CM_ERR_NOMEM;
        ld->names = names;
        cm_csv_pos *np = realloc(ld->name_pos, cap * sizeof *np);
        if (!np)
            return CM_ERR_NOMEM;
        ld->name_pos = np;
        ld->names_cap = cap;
    }
    /* Names are copied: cap their total so a huge header cannot take
       field cap x field count of memory. */
    ld->header_bytes += len + 1;
    if (ld->header_bytes > HEADER_MAX_BYTES) {
        report(ld, *pos, "header row is longer than %d bytes: is the first line a header?",
               HEADER_MAX_BYTES);
        return CM_ERR_DATA;
    }
    char *name = malloc(len + 1);
    if (!name)
        return CM_ERR_NOMEM;
    memcpy(name, s, len);
    name[len] = '\0';
    ld->names[index] = name;
    ld->name_pos[index] = *pos;
    ld->nheader = index + 1;
    return CM_OK;
}

/* Does the header have what this table needs? */
static bool header_has(const loader *ld, size_t col)
{
    return ld->mapped[col];
}

static cm_status header_end(loader *ld, size_t nfields)
{
    bool ok = true;
    cm_status st = CM_OK;
    char q[CM_QUOTE_SIZE];
    size_t first_pos[MAX_COLS];

    ld->have_header = true;
    ld->nheader = nfields;
    ld->map = malloc((nfields ? nfields : 1) * sizeof *ld->map);
    if (!ld->map)
        return CM_ERR_NOMEM;

    for (size_t j = 0; j < nfields && st == CM_OK; j++) {
        const char *name = ld->names[j];
        ld->map[j] = -1;
        size_t c = 0;
        while (c < ld->def->ncols && !ieq(ld->def->cols[c].name, name))
            c++;
        if (c < ld->def->ncols) {
            if (ld->mapped[c]) {
                ok = false;
                st = report(ld, ld->name_pos[j],
                            "column '%s' appears twice in the header (first at line %" PRIu64
                            ", column %" PRIu32 "); each column must appear once",
                            ld->def->cols[c].name, ld->name_pos[first_pos[c]].line,
                            ld->name_pos[first_pos[c]].col);
                continue;
            }
            ld->mapped[c] = true;
            first_pos[c] = j;
            ld->map[j] = (int)c;
            continue;
        }
        ld->src->unknown_columns++;
        cm_loc loc = loc_of(ld, ld->name_pos[j]);
        cm_quote(q, sizeof q, name, strlen(name));
        if (ld->opts->strict) {
            ok = false;
            st = report(ld, ld->name_pos[j],
                        "unknown column %s (--strict: every column must be one of %s's)", q,
                        ld->def->file);
        } else {
            cm_diag_report(ld->diag, CM_SEV_NOTE, &loc, "column %s is not used by %s; ignored", q,
                           ld->def->file);
        }
    }

    /* Required columns. */
    for (size_t c = 0; c < ld->def->ncols && st == CM_OK; c++) {
        bool required = (ld->def->cols[c].flags & CM_COL_REQUIRED) != 0;
        if (ld->def == &cm_areas_def && c == CM_AREAS_POPULATION)
            required = true;
        if (!required || header_has(ld, c))
            continue;
        ok = false;
        cm_csv_pos pos = {1, 0, NULL};
        if (nfields)
            pos = ld->name_pos[0];
        pos.col = 0;
        st = report(ld, pos, "missing required column '%s'", ld->def->cols[c].name);
    }
    if (ld->def == &cm_services_def && st == CM_OK) {
        bool counts =
            header_has(ld, CM_SERVICES_POPULATION) && header_has(ld, CM_SERVICES_WITH_ACCESS);
        if (!counts && !header_has(ld, CM_SERVICES_ACCESS_RATE)) {
            ok = false;
            cm_csv_pos pos = {nfields ? ld->name_pos[0].line : 1, 0, NULL};
            st = report(ld, pos,
                        "missing required columns: services.csv needs 'population' and "
                        "'with_access', or 'access_rate'");
        }
    }
    if (st != CM_OK)
        return st;
    return ok ? CM_OK : CM_ERR_DATA;
}

static void add_pending(loader *ld, size_t col, const cm_csv_pos *pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void add_pending(loader *ld, size_t col, const cm_csv_pos *pos, const char *fmt, ...)
{
    if (ld->nerrs == MAX_COLS)
        return;
    pending *p = &ld->errs[ld->nerrs++];
    va_list ap;
    p->col = col;
    p->pos = *pos;
    va_start(ap, fmt);
    vsnprintf(p->text, sizeof p->text, fmt, ap);
    va_end(ap);
}

static bool has_outer_space(const char *s, size_t len)
{
    unsigned char a = (unsigned char)s[0], z = (unsigned char)s[len - 1];
    return a == ' ' || a == '\t' || z == ' ' || z == '\t';
}

static cm_status parse_field(loader *ld, size_t col, const char *s, size_t len,
                             const cm_csv_pos *pos)
{
    const cm_column_def *cd = &ld->def->cols[col];
    cm_cell *cell = &ld->cells[col];
    char q[CM_QUOTE_SIZE];
    cm_parse_error e = CM_PARSE_OK;

    ld->field_seen[col] = true;
    ld->pos[col] = *pos;
    cell->present = false;

    switch (cd->type) {
    case CM_VALUE_TEXT: {
        if (len == 0)
            return CM_OK;
        uint32_t last = ld->last_text[col];
        if (last && cm_strpool_len(ld->pool, last) == len &&
            memcmp(cm_strpool_str(ld->pool, last), s, len) == 0) {
            cell->v.text = last;
            cell->present = true;
            return CM_OK;
        }
        if ((cd->flags & CM_COL_ID) && has_outer_space(s, len)) {
            add_pending(ld, col, pos,
                        "column '%s': %s has a leading or trailing space (an identifier must "
                        "match exactly)",
                        cd->name, cm_quote(q, sizeof q, s, len));
            return CM_OK;
        }
        /* An id with a control character is a damaged file far more often
           than a name: refused, where a name's is escaped by the writers. */
        size_t at;
        char why[160];
        if ((cd->flags & CM_COL_ID) && !cm_text_check(s, len, false, &at, why, sizeof why)) {
            add_pending(ld, col, pos,
                        "column '%s': %s has %s at character %zu; expected an identifier of "
                        "text: XML 1.0, in which reports are written, forbids it (is the file "
                        "damaged?)",
                        cd->name, cm_quote(q, sizeof q, s, len), why, at);
            return CM_OK;
        }
        cell->v.text = cm_strpool_intern(ld->pool, s, len);
        if (!cell->v.text)
            return CM_ERR_NOMEM;
        cell->present = true;
        ld->last_text[col] = cell->v.text;
        return CM_OK;
    }
    case CM_VALUE_ENUM: {
        if (len == 0) {
            if (cd->enumdef->default_code >= 0) {
                cell->present = true;
                cell->v.code = (uint8_t)cd->enumdef->default_code;
            }
            return CM_OK;
        }
        int code = cm_enum_lookup(cd->enumdef, s, len);
        if (code < 0) {
            char list[256];
            add_pending(ld, col, pos, "column '%s': unknown value %s (expected one of %s)",
                        cd->name, cm_quote(q, sizeof q, s, len),
                        cm_enum_list(cd->enumdef, list, sizeof list));
            return CM_OK;
        }
        cell->present = true;
        cell->v.code = (uint8_t)code;
        return CM_OK;
    }
    case CM_VALUE_COUNT:
        e = cm_parse_count(s, len, &cell->v.count);
        if (ld->def == &cm_flows_def && col == CM_FLOWS_INTERVAL && e != CM_PARSE_EMPTY) {
            if (e == CM_PARSE_OK &&
                (cell->v.count < CM_INTERVAL_MIN || cell->v.count > CM_INTERVAL_MAX))
                e = CM_PARSE_RANGE;
            if (e == CM_PARSE_OK) {
                cell->present = true;
                return CM_OK;
            }
            add_pending(ld, col, pos,
                        "column 'interval': %s is not an interval (%s; expected the years the "
                        "counts cover, a whole number from %d to %d)",
                        cm_quote(q, sizeof q, s, len), cm_parse_error_str(e), CM_INTERVAL_MIN,
                        CM_INTERVAL_MAX);
            return CM_OK;
        }
        break;
    case CM_VALUE_SIGNED_COUNT:
        e = cm_parse_signed_count(s, len, &cell->v.count);
        break;
    case CM_VALUE_PERCENT:
        e = cm_parse_percent(s, len, &cell->v.percent);
        break;
    case CM_VALUE_YEAR:
        e = cm_parse_year(s, len, &cell->v.year);
        break;
    }
    if (e == CM_PARSE_OK) {
        cell->present = true;
    } else if (e != CM_PARSE_EMPTY && ld->written) {
        add_pending(ld, col, pos, "column '%s': %s is not %s (%s: %s; expected %s)", cd->name,
                    cm_quote(q, sizeof q, ld->written, ld->written_len),
                    cm_value_type_noun(cd->type), ld->written_how, cm_parse_error_str(e),
                    cm_value_type_expected(cd->type));
    } else if (e != CM_PARSE_EMPTY) {
        add_pending(ld, col, pos, "column '%s': %s is not %s (%s; expected %s)", cd->name,
                    cm_quote(q, sizeof q, s, len), cm_value_type_noun(cd->type),
                    cm_parse_error_str(e), cm_value_type_expected(cd->type));
    }
    return CM_OK;
}

static const char *field_name(void *ctx, size_t index)
{
    const loader *ld = ctx;
    if (!ld->have_header || index >= ld->nheader)
        return NULL;
    return ld->names[index];
}

static cm_status on_field(void *ctx, size_t index, const char *s, size_t len, const cm_csv_pos *pos)
{
    loader *ld = ctx;
    if (!ld->have_header)
        return header_field(ld, index, s, len, pos);
    if (index == 0) {
        /* A new row: reset the staging area. */
        memset(ld->cells, 0, sizeof ld->cells);
        memset(ld->field_seen, 0, sizeof ld->field_seen);
        /* An enumeration with a default has it even when its column is
           absent from the header (sex T, level city). */
        for (size_t c = 0; c < ld->def->ncols; c++) {
            const cm_column_def *cd = &ld->def->cols[c];
            if (cd->type == CM_VALUE_ENUM && cd->enumdef->default_code >= 0) {
                ld->cells[c].present = true;
                ld->cells[c].v.code = (uint8_t)cd->enumdef->default_code;
            }
        }
        ld->nerrs = 0;
        ld->has_extra = false;
        ld->row_inconsistent = 0;
    }
    if (index >= ld->nheader) {
        if (!ld->has_extra) {
            ld->has_extra = true;
            ld->extra_pos = *pos;
        }
        return CM_OK;
    }
    int col = ld->map[index];
    if (col < 0)
        return CM_OK;
    return parse_field(ld, (size_t)col, s, len, pos);
}

/* Where to point at a column of the current row (its field, or the row). */
static cm_csv_pos col_pos(const loader *ld, size_t col, const cm_csv_pos *row)
{
    return ld->field_seen[col] ? ld->pos[col] : *row;
}

static int64_t count_of(const loader *ld, size_t col, bool *present)
{
    *present = ld->cells[col].present;
    return ld->cells[col].v.count;
}

/*
 * Reports a problem with one row. By default an error; under --keep-going a
 * warning, and the caller skips the row (or keeps it, for a cross-field
 * check). Says whether reading may go on.
 */
static cm_status report_row(loader *ld, cm_csv_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static cm_status report_row(loader *ld, cm_csv_pos pos, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (!ld->opts->keep_going)
        return report(ld, pos, "%s", text);
    cm_loc loc = loc_of(ld, pos);
    cm_diag_report(ld->diag, CM_SEV_WARNING, &loc, "%s (row skipped: --keep-going)", text);
    return CM_OK;
}

/*
 * A cross-field check failed on column col. By default an error that
 * rejects the row; under --keep-going a warning, and the row is kept with
 * col marked inconsistent, so indicators that use it are flagged. Returns
 * whether the row may be kept.
 */
static bool cross_field_failed(loader *ld, size_t col, const cm_csv_pos *row, cm_status *st,
                               const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static bool cross_field_failed(loader *ld, size_t col, const cm_csv_pos *row, cm_status *st,
                               const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    cm_csv_pos pos = col_pos(ld, col, row);
    if (!ld->opts->keep_going) {
        *st = report(ld, pos, "%s", text);
        return false;
    }
    cm_loc loc = loc_of(ld, pos);
    cm_diag_report(ld->diag, CM_SEV_WARNING, &loc,
                   "%s (row kept, indicators using '%s' flagged inconsistent: --keep-going)", text,
                   ld->def->cols[col].name);
    ld->row_inconsistent |= 1u << col;
    return true;
}

/* Residents by sex: where population, population_female and
   population_male are all given, the sexes sum to the population exactly
   (a census counts each resident once, as a woman or a man). */
static bool check_sexes(loader *ld, const cm_csv_pos *row, cm_status *st, int64_t pop, bool has_pop)
{
    bool hf, hm;
    int64_t f = count_of(ld, CM_AREAS_POPULATION_FEMALE, &hf);
    int64_t m = count_of(ld, CM_AREAS_POPULATION_MALE, &hm);
    uint32_t sex_bits = 1u << CM_AREAS_POPULATION_FEMALE | 1u << CM_AREAS_POPULATION_MALE;
    if (!has_pop || !hf || !hm || (ld->row_inconsistent & sex_bits) || f + m == pop)
        return true; /* each <= 2^53: no overflow */
    bool ok = cross_field_failed(ld, CM_AREAS_POPULATION_FEMALE, row, st,
                                 "columns 'population_female' and 'population_male': %" PRId64
                                 " + %" PRId64 " = %" PRId64 ", not population %" PRId64
                                 " (expected population_female + population_male = population)",
                                 f, m, f + m, pop);
    if (ok)
        ld->row_inconsistent |= sex_bits;
    return ok;
}

/* Cross-field checks of an areas row. Returns false if the row is bad. */
static bool check_areas(loader *ld, const cm_csv_pos *row, cm_status *st)
{
    bool ok = true, has_pop, has_fb, has_fbf, has;
    int64_t pop = count_of(ld, CM_AREAS_POPULATION, &has_pop);
    int64_t fb = count_of(ld, CM_AREAS_FOREIGN_BORN, &has_fb);
    int64_t fbf = count_of(ld, CM_AREAS_FOREIGN_BORN_FEMALE, &has_fbf);

    const cm_cell *parent = &ld->cells[CM_AREAS_PARENT_ID];
    if (parent->present && parent->v.text == ld->cells[CM_AREAS_AREA_ID].v.text) {
        *st = report_row(ld, col_pos(ld, CM_AREAS_PARENT_ID, row),
                         "column 'parent_id': an area cannot be its own parent");
        return false;
    }
    if (has_pop && has_fb && fb > pop)
        ok = cross_field_failed(ld, CM_AREAS_FOREIGN_BORN, row, st,
                                "column 'foreign_born': %" PRId64
                                " is greater than population %" PRId64
                                " (expected foreign_born <= population)",
                                fb, pop) &&
             ok;
    if (*st == CM_OK && has_fb && has_fbf && fbf > fb)
        ok = cross_field_failed(ld, CM_AREAS_FOREIGN_BORN_FEMALE, row, st,
                                "column 'foreign_born_female': %" PRId64
                                " is greater than foreign_born %" PRId64
                                " (expected foreign_born_female <= foreign_born)",
                                fbf, fb) &&
             ok;
    static const size_t parts[] = {CM_AREAS_INTERNAL_MIGRANTS, CM_AREAS_URBAN_POPULATION,
                                   CM_AREAS_POP_0_14,          CM_AREAS_POP_15_64,
                                   CM_AREAS_POP_65_PLUS,       CM_AREAS_POPULATION_FEMALE,
                                   CM_AREAS_POPULATION_MALE};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0] && has_pop && *st == CM_OK; i++) {
        int64_t v = count_of(ld, parts[i], &has);
        const char *name = ld->def->cols[parts[i]].name;
        if (has && v > pop)
            ok = cross_field_failed(ld, parts[i], row, st,
                                    "column '%s': %" PRId64 " is greater than population %" PRId64
                                    " (expected %s <= population)",
                                    name, v, pop, name) &&
                 ok;
    }
    bool h0, h1, h2;
    int64_t a0 = count_of(ld, CM_AREAS_POP_0_14, &h0);
    int64_t a1 = count_of(ld, CM_AREAS_POP_15_64, &h1);
    int64_t a2 = count_of(ld, CM_AREAS_POP_65_PLUS, &h2);
    uint32_t age_bits =
        1u << CM_AREAS_POP_0_14 | 1u << CM_AREAS_POP_15_64 | 1u << CM_AREAS_POP_65_PLUS;
    if (*st == CM_OK && ok && !(ld->row_inconsistent & age_bits) && has_pop && h0 && h1 && h2) {
        int64_t sum = a0 + a1 + a2; /* each <= 2^53: no overflow */
        if ((double)sum > (double)pop * (1.0 + CM_AGE_SUM_TOLERANCE)) {
            ok = cross_field_failed(ld, CM_AREAS_POP_0_14, row, st,
                                    "age groups sum to %" PRId64 ", more than population %" PRId64
                                    " by over %g%% (expected pop_0_14 + pop_15_64 + pop_65_plus "
                                    "<= population, within %g%%)",
                                    sum, pop, CM_AGE_SUM_TOLERANCE * 100,
                                    CM_AGE_SUM_TOLERANCE * 100);
            ld->row_inconsistent |= ld->row_inconsistent & (1u << CM_AREAS_POP_0_14) ? age_bits : 0;
        }
    }
    if (*st == CM_OK && ok)
        ok = check_sexes(ld, row, st, pop, has_pop);
    return ok && *st == CM_OK;
}

static bool check_services(loader *ld, const cm_csv_pos *row, cm_status *st)
{
    bool has_pop, has_with;
    int64_t pop = count_of(ld, CM_SERVICES_POPULATION, &has_pop);
    int64_t with = count_of(ld, CM_SERVICES_WITH_ACCESS, &has_with);
    if (has_pop && has_with && with > pop)
        return cross_field_failed(ld, CM_SERVICES_WITH_ACCESS, row, st,
                                  "column 'with_access': %" PRId64
                                  " is greater than population %" PRId64
                                  " (expected with_access <= population)",
                                  with, pop);
    return true;
}

/* "area_id 'GB-LND', year 2011" for messages. */
static const char *describe_key(const loader *ld, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < ld->def->nkey && o < size; k++) {
        char v[CM_QUOTE_SIZE];
        size_t c = ld->def->key[k];
        if (!header_has(ld, c) && !ld->cells[c].present)
            continue; /* an optional key column the file does not have, with no default */
        cm_cell_format(ld->def, c, &ld->cells[c], ld->pool, v, sizeof v);
        o +=
            (size_t)snprintf(buf + o, size - o, "%s%s %s", o ? ", " : "", ld->def->cols[c].name, v);
    }
    return buf;
}

/* Where a stocks row of an earlier input or line is, for a message. */
static const char *age_place(const loader *ld, const struct cm_age_place *at, char *buf,
                             size_t size)
{
    const cm_table *t = ld->table;
    const char *file = at->source < t->nsources ? t->sources[at->source] : ld->file;
    snprintf(buf, size, "%s:%" PRIu64, file ? file : "", at->line);
    return buf;
}

/*
 * The age group of a stocks row of a file with an age column: an age group
 * overlapping no other group of the stocks, and given on every row of its
 * year or on none. False, with *st set, when the row is to be rejected.
 * A group not named before is added when the row is in (stock_age_commit).
 */
static bool stock_age_check(loader *ld, const cm_csv_pos *row, cm_status *st)
{
    cm_table *t = ld->table;
    ld->new_age = false;
    if (!t->ages && !(t->ages = calloc(1, sizeof *t->ages))) {
        *st = CM_ERR_NOMEM;
        return false;
    }
    const cm_cell *cell = &ld->cells[CM_STOCKS_AGE];
    cm_csv_pos pos = col_pos(ld, CM_STOCKS_AGE, row);
    int32_t year = ld->cells[CM_STOCKS_YEAR].v.year;
    const struct cm_age_place *with = &t->ages->with[year - CM_YEAR_MIN];
    const struct cm_age_place *without = &t->ages->without[year - CM_YEAR_MIN];
    char q[CM_QUOTE_SIZE], other[CM_QUOTE_SIZE], at[CM_QUOTE_SIZE + 32];
    if (!cell->present) {
        if (with->line)
            *st = report_row(ld, pos,
                             "column 'age': empty, but rows of the stocks of %" PRId32
                             " give age groups (first at %s); expected an age group on every "
                             "row of a year, or on none",
                             year, age_place(ld, with, at, sizeof at));
        return !with->line;
    }
    const char *label = cm_strpool_str(ld->pool, cell->v.text);
    size_t len = strlen(label);
    if (without->line) {
        *st = report_row(ld, pos,
                         "column 'age': %s, but rows of the stocks of %" PRId32
                         " give no age group (first at %s); expected an age group on every row "
                         "of a year, or on none",
                         cm_quote(q, sizeof q, label, len), year,
                         age_place(ld, without, at, sizeof at));
        return false;
    }
    if (cm_age_groups_find(&t->ages->groups, cell->v.text) >= 0)
        return true;
    int lo, hi;
    if (!cm_age_parse(label, len, &lo, &hi)) {
        *st = report_row(ld, pos,
                         "column 'age': %s is not an age group (expected A-B or A+ in whole "
                         "years from 0 to %d, such as 0-14, 15-64 or 65+; a manifest's map.age "
                         "can rename a publisher's labels)",
                         cm_quote(q, sizeof q, label, len), CM_AGE_MAX);
        return false;
    }
    const cm_age_groups *g = &t->ages->groups;
    for (size_t i = 0; i < g->ngroups; i++) {
        if (!cm_age_overlap(lo, hi, g->groups[i].lo, g->groups[i].hi))
            continue;
        const char *name = cm_strpool_str(ld->pool, g->groups[i].label);
        struct cm_age_place first = {g->groups[i].line, g->groups[i].source};
        *st = report_row(ld, pos,
                         "column 'age': age group %s overlaps age group %s (first at %s); "
                         "expected age groups that share no age, so that each person is in one",
                         cm_quote(q, sizeof q, label, len),
                         cm_quote(other, sizeof other, name, strlen(name)),
                         age_place(ld, &first, at, sizeof at));
        return false;
    }
    if (g->ngroups == CM_AGE_GROUPS_MAX) {
        *st = report_row(ld, pos, "column 'age': more than %d age groups (expected at most %d)",
                         CM_AGE_GROUPS_MAX, CM_AGE_GROUPS_MAX);
        return false;
    }
    ld->new_age = true;
    ld->new_age_label = cell->v.text;
    ld->new_age_lo = lo;
    ld->new_age_hi = hi;
    return true;
}

/* The stocks row just added: its year gives ages or not, and its group is
   named. */
static void stock_age_commit(loader *ld)
{
    cm_table *t = ld->table;
    size_t r = t->nrows - 1;
    struct cm_age_place here = {t->line[r], t->source[r]};
    int32_t year = ld->cells[CM_STOCKS_YEAR].v.year;
    struct cm_age_place *mark = ld->cells[CM_STOCKS_AGE].present
                                    ? &t->ages->with[year - CM_YEAR_MIN]
                                    : &t->ages->without[year - CM_YEAR_MIN];
    if (!mark->line)
        *mark = here;
    int index;
    if (ld->new_age)
        (void)cm_age_groups_add(&t->ages->groups, ld->new_age_label, ld->new_age_lo, ld->new_age_hi,
                                here.line, here.source, &index);
    ld->new_age = false;
}

static cm_status commit_table_row(loader *ld, const cm_csv_pos *row)
{
    size_t dup;
    char key[512], here[CM_QUOTE_SIZE], there[CM_QUOTE_SIZE];
    if (cm_table_add_at(ld->table, ld->cells, row->file ? row->file : ld->file, row->line, &dup) !=
        CM_OK)
        return CM_ERR_NOMEM;
    if (dup == SIZE_MAX) {
        for (size_t c = 0; c < ld->def->ncols; c++)
            if ((ld->row_inconsistent >> c & 1u) &&
                cm_table_mark_inconsistent(ld->table, ld->table->nrows - 1, c) != CM_OK)
                return CM_ERR_NOMEM;
        if (ld->def == &cm_stocks_def && header_has(ld, CM_STOCKS_AGE))
            stock_age_commit(ld);
        return CM_OK;
    }
    ld->new_age = false;
    size_t col = cm_table_row_diff(ld->table, dup, ld->cells);
    uint64_t first = ld->table->line[dup];
    cm_csv_pos at = {row->line, 0, row->file};
    if (col == SIZE_MAX) {
        /* The first few said one by one, the rest counted at the end: a
           file whose rows all repeat says so in a few lines. */
        if (ld->src->duplicates_merged < REPEATS_SHOWN) {
            cm_loc loc = loc_of(ld, at);
            cm_diag_report(ld->diag, CM_SEV_NOTE, &loc,
                           "row repeats line %" PRIu64 " exactly (%s); merged", first,
                           describe_key(ld, key, sizeof key));
        }
        ld->src->duplicates_merged++;
        return CM_OK;
    }
    cm_cell stored;
    cm_table_get(ld->table, dup, col, &stored);
    ld->src->rows_rejected++;
    return report_row(ld, col_pos(ld, col, row),
                      "duplicate key (%s): line %" PRIu64
                      " has the same key with a different '%s' (%s there, %s here)",
                      describe_key(ld, key, sizeof key), first, ld->def->cols[col].name,
                      cm_cell_format(ld->def, col, &stored, ld->pool, there, sizeof there),
                      cm_cell_format(ld->def, col, &ld->cells[col], ld->pool, here, sizeof here));
}

/* The place of the current row, its input registered with the flows. */
static bool flow_place(loader *ld, const cm_csv_pos *row, cm_flows_place *place)
{
    const char *file = row->file ? row->file : ld->file;
    if (file != ld->place_file) {
        int source = cm_flows_source(ld->flows, file);
        if (source < 0)
            return false;
        ld->place_file = file;
        ld->place_source = (uint16_t)source;
    }
    place->line = row->line;
    place->source = ld->place_source;
    return true;
}

/*
 * The age group of a flow row of a table with an age column (*group -1:
 * none): an age group overlapping no other group of the flows, and given
 * on every row of its year and kind or on none. False, with *st set and
 * the row rejected, otherwise.
 */
static bool age_group_of(loader *ld, const cm_csv_pos *row, cm_flows_place place, int *group,
                         cm_status *st)
{
    const cm_cell *cell = &ld->cells[CM_FLOWS_AGE];
    cm_csv_pos pos = col_pos(ld, CM_FLOWS_AGE, row);
    char q[CM_QUOTE_SIZE], other[CM_QUOTE_SIZE];
    int32_t year = ld->cells[CM_FLOWS_YEAR].v.year;
    cm_kind kind = (cm_kind)ld->cells[CM_FLOWS_KIND].v.code;
    cm_flows_place *with = &ld->age_at[year - CM_YEAR_MIN][kind];
    cm_flows_place *without = &ld->no_age_at[year - CM_YEAR_MIN][kind];
    const char *kind_name = cm_enum_name(&cm_kind_enum, kind);
    ld->src->rows_rejected++;
    if (!cell->present) {
        if (with->line) {
            *st = report_row(ld, pos,
                             "column 'age': empty, but rows of the %s flows of %" PRId32
                             " give age groups (first at %s:%" PRIu64
                             "); expected an age group on every row of a year and kind, or on "
                             "none",
                             kind_name, year, cm_flows_source_name(ld->flows, with->source),
                             with->line);
            return false;
        }
        if (!without->line)
            *without = place;
        ld->src->rows_rejected--;
        *group = -1;
        return true;
    }
    const char *label = cm_strpool_str(ld->pool, cell->v.text);
    size_t len = strlen(label);
    if (without->line) {
        *st = report_row(ld, pos,
                         "column 'age': %s, but rows of the %s flows of %" PRId32
                         " give no age group (first at %s:%" PRIu64
                         "); expected an age group on every row of a year and kind, or on none",
                         cm_quote(q, sizeof q, label, len), kind_name, year,
                         cm_flows_source_name(ld->flows, without->source), without->line);
        return false;
    }
    if (!ld->flows->ages && !(ld->flows->ages = cm_flow_ages_new())) {
        *st = CM_ERR_NOMEM;
        return false;
    }
    int lo, hi, index;
    if (!cm_age_parse(label, len, &lo, &hi)) {
        *st = report_row(ld, pos,
                         "column 'age': %s is not an age group (expected A-B or A+ in whole "
                         "years from 0 to %d, such as 0-14, 15-64 or 65+; a manifest's map.age "
                         "can rename a publisher's labels)",
                         cm_quote(q, sizeof q, label, len), CM_AGE_MAX);
        return false;
    }
    const cm_age_group *groups;
    switch (cm_flow_ages_group(ld->flows->ages, cell->v.text, lo, hi, place.line, place.source,
                               &index)) {
    case CM_AGE_GROUP_OK:
        ld->src->rows_rejected--;
        if (!with->line)
            *with = place;
        *group = index;
        return true;
    case CM_AGE_GROUP_OVERLAP:
        cm_flow_ages_groups(ld->flows->ages, &groups);
        label = cm_strpool_str(ld->pool, groups[index].label);
        *st = report_row(ld, pos,
                         "column 'age': age group %s overlaps age group %s (first at %s:%" PRIu64
                         "; expected age groups that share no age, so that each mover is in "
                         "one)",
                         cm_quote(q, sizeof q, cm_strpool_str(ld->pool, cell->v.text),
                                  strlen(cm_strpool_str(ld->pool, cell->v.text))),
                         cm_quote(other, sizeof other, label, strlen(label)),
                         cm_flows_source_name(ld->flows, groups[index].source), groups[index].line);
        return false;
    case CM_AGE_GROUP_TOO_MANY:
        break;
    }
    *st = report_row(ld, pos, "column 'age': more than %d age groups (expected at most %d)",
                     CM_AGE_GROUPS_MAX, CM_AGE_GROUPS_MAX);
    return false;
}

static cm_status commit_flow_row(loader *ld, const cm_csv_pos *row)
{
    const cm_cell *c = ld->cells;
    cm_sex sex = c[CM_FLOWS_SEX].present ? (cm_sex)c[CM_FLOWS_SEX].v.code : CM_SEX_TOTAL;
    int32_t year = c[CM_FLOWS_YEAR].v.year;
    cm_kind kind = (cm_kind)c[CM_FLOWS_KIND].v.code;
    cm_flows_place place;
    if (!flow_place(ld, row, &place))
        return CM_ERR_NOMEM;
    int interval = c[CM_FLOWS_INTERVAL].present ? (int)c[CM_FLOWS_INTERVAL].v.count : 0;
    int stated = ld->flows->interval[year - CM_YEAR_MIN][kind];
    if (interval && stated && stated != interval) {
        cm_flows_place first = cm_flows_interval_place(ld->flows, year, kind);
        ld->src->rows_rejected++;
        return report_row(ld, col_pos(ld, CM_FLOWS_INTERVAL, row),
                          "column 'interval': rows of the %s flows of %" PRId32
                          " give different intervals: %d at %s:%" PRIu64 ", %d at %s:%" PRIu64
                          " (expected one interval for every row of a year and kind)",
                          cm_enum_name(&cm_kind_enum, kind), year, interval,
                          row->file ? row->file : ld->file, row->line, stated,
                          cm_flows_source_name(ld->flows, first.source), first.line);
    }
    int group = -1;
    if (header_has(ld, CM_FLOWS_AGE)) {
        cm_status st = CM_OK;
        if (!age_group_of(ld, row, place, &group, &st))
            return st;
    }
    cm_flows_add_result added =
        cm_flows_add_at(ld->flows, year, c[CM_FLOWS_ORIGIN].v.text, c[CM_FLOWS_DESTINATION].v.text,
                        kind, sex, c[CM_FLOWS_COUNT].v.count, place);
    switch (added) {
    case CM_FLOWS_ADDED:
    case CM_FLOWS_STAYER:
        if (interval)
            cm_flows_state_interval(ld->flows, year, kind, interval, place);
        if (group >= 0 && cm_flow_ages_add(ld->flows->ages, year, c[CM_FLOWS_ORIGIN].v.text,
                                           c[CM_FLOWS_DESTINATION].v.text, kind, sex, group,
                                           c[CM_FLOWS_COUNT].v.count) != CM_OK)
            return CM_ERR_NOMEM;
        return CM_OK;
    case CM_FLOWS_NOMEM:
        return CM_ERR_NOMEM;
    case CM_FLOWS_OVERFLOW:
        break;
    }
    ld->src->rows_rejected++;
    return report_row(ld, col_pos(ld, CM_FLOWS_COUNT, row),
                      "column 'count': adding %" PRId64
                      " would take a flow total past 9007199254740992 (2^53), beyond exact "
                      "arithmetic",
                      c[CM_FLOWS_COUNT].v.count);
}

static cm_status on_record(void *ctx, size_t nfields, const cm_csv_pos *row)
{
    loader *ld = ctx;
    cm_status st = CM_OK;

    if (!ld->have_header)
        return header_end(ld, nfields);

    ld->src->rows++;
    if (nfields != ld->nheader) {
        ld->src->rows_rejected++;
        if (nfields < ld->nheader) {
            cm_csv_pos at = {row->line, 0, row->file};
            return report_row(
                ld, at,
                "too few fields: %zu, but the header has %zu (a missing delimiter, or "
                "an unquoted line break?)",
                nfields, ld->nheader);
        }
        return report_row(ld, ld->extra_pos,
                          "too many fields: %zu, but the header has %zu (an unquoted delimiter "
                          "inside a value?)",
                          nfields, ld->nheader);
    }
    if (ld->nerrs) {
        ld->src->rows_rejected++;
        for (size_t i = 0; i < ld->nerrs && st == CM_OK; i++)
            st = report_row(ld, ld->errs[i].pos, "%s", ld->errs[i].text);
        return st;
    }
    bool ok = true;
    for (size_t c = 0; c < ld->def->ncols && st == CM_OK; c++) {
        if (!(ld->def->cols[c].flags & CM_COL_REQUIRED) || ld->cells[c].present)
            continue;
        ok = false;
        st = report_row(ld, col_pos(ld, c, row),
                        "column '%s': a value is required; the field is empty",
                        ld->def->cols[c].name);
    }
    if (st != CM_OK)
        return st;
    if (ok && ld->def == &cm_areas_def)
        ok = check_areas(ld, row, &st);
    else if (ok && ld->def == &cm_services_def)
        ok = check_services(ld, row, &st);
    else if (ok && ld->def == &cm_stocks_def && header_has(ld, CM_STOCKS_AGE))
        ok = stock_age_check(ld, row, &st);
    if (st != CM_OK)
        return st;
    if (!ok) {
        ld->src->rows_rejected++;
        return CM_OK;
    }
    if (ld->flows)
        return commit_flow_row(ld, row);
    return commit_table_row(ld, row);
}

/* What sees each chunk of a file: its digest, and the progress line. */
typedef struct file_tap {
    cm_sha256 *sha;
    const cm_load_options *opts;
    const char *name;
    uint64_t done, size;
    const cm_source *src;
} file_tap;

static void tap_chunk(void *ctx, const void *data, size_t len)
{
    file_tap *t = ctx;
    if (t->sha)
        cm_sha256_update(t->sha, data, len);
    t->done += len;
    if (t->opts->progress)
        t->opts->progress(t->opts->progress_ctx, t->name, t->done, t->size, t->src->rows);
}

struct cm_loader {
    loader ld;
};

cm_loader *cm_loader_new(const cm_table_def *def, const char *name, cm_strpool *pool,
                         cm_table *table, cm_flows *flows, const cm_load_options *opts,
                         cm_diag *diag, cm_source *src)
{
    cm_loader *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->ld.def = def;
    l->ld.file = name;
    l->ld.diag = diag;
    l->ld.opts = opts;
    l->ld.pool = pool;
    l->ld.table = table;
    l->ld.flows = flows;
    l->ld.src = src;
    return l;
}

cm_status cm_loader_field(cm_loader *l, size_t index, const char *s, size_t len,
                          const cm_csv_pos *pos)
{
    return on_field(&l->ld, index, s, len, pos);
}

cm_status cm_loader_field_as_written(cm_loader *l, size_t index, const char *s, size_t len,
                                     const char *written, const char *how, const cm_csv_pos *pos)
{
    l->ld.written = written;
    l->ld.written_len = strlen(written);
    l->ld.written_how = how;
    cm_status st = on_field(&l->ld, index, s, len, pos);
    l->ld.written = NULL;
    return st;
}

cm_status cm_loader_record(cm_loader *l, size_t nfields, const cm_csv_pos *start)
{
    return on_record(&l->ld, nfields, start);
}

const int *cm_loader_column_map(const cm_loader *l, size_t *ncols)
{
    *ncols = l->ld.have_header ? l->ld.nheader : 0;
    return l->ld.map;
}

cm_csv_handler cm_loader_csv_handler(void)
{
    /* The callbacks take the loader inside a cm_loader: one address. */
    cm_csv_handler h = {on_field, on_record, field_name};
    return h;
}

bool cm_loader_has_header(const cm_loader *l)
{
    return l->ld.have_header;
}

cm_status cm_loader_end(cm_loader *l, cm_status st)
{
    loader *ld = &l->ld;
    cm_source *src = ld->src;
    if (st == CM_ERR_NOMEM) {
        cm_loc loc = {ld->file, 0, 0};
        cm_diag_report(ld->diag, CM_SEV_ERROR, &loc, "out of memory");
    } else if (st == CM_OK && !ld->have_header) {
        cm_loc loc = {ld->file, 0, 0};
        cm_diag_report(ld->diag, CM_SEV_ERROR, &loc,
                       "empty file: expected a header row naming the columns");
        src->errors++;
        st = CM_ERR_DATA;
    }
    if (st != CM_ERR_NOMEM && src->duplicates_merged > REPEATS_SHOWN) {
        cm_loc loc = {ld->file, 0, 0};
        cm_diag_report(
            ld->diag, CM_SEV_NOTE, &loc,
            "%" PRIu64 " more rows repeat an earlier row exactly and were merged (%" PRIu64
            " in all; the first %d are named above)",
            src->duplicates_merged - REPEATS_SHOWN, src->duplicates_merged, REPEATS_SHOWN);
    }
    if (st == CM_OK && src->rows == 0 && ld->filtered) {
        cm_loc loc = {ld->file, 0, 0};
        cm_diag_report(ld->diag, CM_SEV_NOTE, &loc,
                       "no rows: the manifest's keep_if and skip_if dropped all %" PRIu64
                       " records",
                       ld->filtered);
    } else if (st == CM_OK && src->rows == 0) {
        cm_loc loc = {ld->file, 0, 0};
        cm_diag_report(ld->diag, CM_SEV_NOTE, &loc, "header only: the file has no data rows");
    }
    if (st == CM_OK && src->errors)
        st = CM_ERR_DATA;
    src->status = st;
    return st;
}

void cm_loader_filtered(cm_loader *l, uint64_t records)
{
    l->ld.filtered += records;
}

void cm_loader_free(cm_loader *l)
{
    if (!l)
        return;
    loader *ld = &l->ld;
    for (size_t i = 0; i < ld->nheader && i < ld->names_cap; i++)
        free(ld->names[i]);
    free(ld->names);
    free(ld->name_pos);
    free(ld->map);
    free(l);
}

cm_status cm_load_file(const char *path, const char *name, const cm_table_def *def,
                       cm_strpool *pool, cm_table *table, cm_flows *flows,
                       const cm_load_options *opts, cm_diag *diag, cm_source *src)
{
    /* The fast reader keeps no pairs: when they are kept, the checked
       reader reads the file. */
    if (flows && def == &cm_flows_def && !cm_flows_pairs(flows) &&
        cm_flowscan_load(path, name, pool, flows, opts, diag, src))
        return src->status;
    cm_loader *l = cm_loader_new(def, name, pool, table, flows, opts, diag, src);
    cm_sha256 *sha = opts->digest ? cm_sha256_new() : NULL;
    if (!l || (opts->digest && !sha)) {
        cm_loader_free(l);
        if (sha) {
            char hex[CM_SHA256_HEX_SIZE];
            cm_sha256_finish(sha, hex);
        }
        return CM_ERR_NOMEM;
    }
    cm_csv_handler handler = cm_loader_csv_handler();
    struct stat sb;
    file_tap ft = {sha, opts, name, 0, stat(path, &sb) == 0 ? (uint64_t)sb.st_size : 0, src};
    cm_csv_tap tap = {tap_chunk, &ft};
    cm_status st = cm_csv_read_file(path, name, &opts->csv, &handler, l, diag, &src->csv,
                                    sha || opts->progress ? &tap : NULL);
    if (sha)
        cm_sha256_finish(sha, src->sha256);
    st = cm_loader_end(l, st);
    cm_loader_free(l);
    return st;
}
