/*
 * matrix.c - the Matrix sheet, asked for with --matrix: the moves between
 * the zones of the latest year's internal system, origins as rows and
 * destinations as columns (the latest year within --year), from the flows
 * kept by origin and destination (pairs.h).
 *
 * A sheet holds a readable matrix of at most MATRIX_ZONES zones a side:
 * the zones with the most moves between zones (in and out), the others
 * together as one line "other zones", a row and a column. The pairs are
 * read as the flows of the system are (T where any pair of the year gives
 * T, else F + M). A zone with no pair as a destination (an origin) in the
 * year has a missing column (row), never zeros; the diagonal of a zone is
 * empty (stayers are no flows).
 *
 * Disclosure control (--min-count): a cell below the threshold is
 * suppressed, and what the other sheets hide stays hidden: the line of a
 * zone whose inflow or outflow the Flows sheet suppresses, and with the
 * partners' rows (--pairs) every pair whose partner figures are suppressed
 * (a cell of "other zones" when any of its pairs is). A row's or a column's cells add up to what
 * the zone sends to or receives from the other zones, which other figures give, so a line with one
 * suppressed cell has its smallest shown non-zero cell (else a shown 0) suppressed too, over rows
 * and columns in turn until no line has one alone. A line whose every other cell is its own
 * diagonal or missing has nothing to suppress with it.
 */
#define _GNU_SOURCE /* qsort_r */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citymig/flows.h"
#include "citymig/pairs.h"

enum { MATRIX_ZONES = 100 };

enum { C_SHOWN, C_SUPPRESSED, C_MISSING, C_EMPTY };

typedef struct zone {
    uint32_t id;
    int64_t moves;           /* in and out, between zones */
    uint8_t in_sex, out_sex; /* the sexes of its pairs each way, as bits */
    size_t line;             /* its row and column: its rank, or the line of the others */
} zone;

static size_t find_zone(const zone *z, size_t n, uint32_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (z[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && z[lo].id == id ? lo : SIZE_MAX;
}

static int cmp_id(const void *a, const void *b)
{
    uint32_t x = ((const zone *)a)->id, y = ((const zone *)b)->id;
    return x < y ? -1 : x > y;
}

/* The most moves first, then the ids in byte order (qsort_r: the
   report's context). */
static int cmp_moves(const void *a, const void *b, void *ctx)
{
    const zone *x = a, *y = b;
    if (x->moves != y->moves)
        return x->moves > y->moves ? -1 : 1;
    return strcmp(rp_str(ctx, x->id), rp_str(ctx, y->id));
}

/* The latest year of internal pairs (within --year), or 0. */
static int32_t latest_year(const cm_pairs *p, const cm_report_info *info)
{
    int32_t y = 0;
    for (size_t i = 0; i < p->count; i++) {
        const cm_flow_pair *q = &p->items[i];
        if (q->kind == CM_KIND_INTERNAL && q->year > y &&
            (info->year_from == 0 || (q->year >= info->year_from && q->year <= info->year_to)))
            y = q->year;
    }
    return y;
}

/* Suppresses, in every line (rows when by_row, else columns) with one
   suppressed cell alone, its smallest shown non-zero cell, else a shown 0.
   True when any was. */
static bool protect_lines(const int64_t *v, uint8_t *st, size_t side, bool by_row)
{
    bool changed = false;
    for (size_t a = 0; a < side; a++) {
        size_t sup = 0, best = SIZE_MAX, zero = SIZE_MAX;
        for (size_t b = 0; b < side; b++) {
            size_t k = by_row ? a * side + b : b * side + a;
            if (st[k] == C_SUPPRESSED)
                sup++;
            else if (st[k] == C_SHOWN && v[k] > 0 && (best == SIZE_MAX || v[k] < v[best]))
                best = k;
            else if (st[k] == C_SHOWN && v[k] == 0 && zero == SIZE_MAX)
                zero = k;
        }
        if (best == SIZE_MAX)
            best = zero;
        if (sup == 1 && best != SIZE_MAX) {
            st[best] = C_SUPPRESSED;
            changed = true;
        }
    }
    return changed;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static bool has_key(const uint64_t *keys, size_t n, uint64_t key)
{
    return bsearch(&key, keys, n, sizeof *keys, cmp_u64) != NULL;
}

/* Hides what the results hide: the line of a zone whose inflow (outflow)
   is suppressed on the Flows sheet, which the line would add up to, and
   with the partners' rows (--pairs), a pair whose partner figures are
   suppressed there, which the cell would show. false when out of memory. */
static bool hide_as_elsewhere(cm_report *r, int32_t year, const zone *z, size_t n, size_t side,
                              uint8_t *st)
{
    const rctx *x = &r->priv->x;
    int in_id = cm_indicator_find("inflow"), out_id = cm_indicator_find("outflow");
    uint64_t *keys = NULL;
    size_t nkeys = 0, cap = 0;
    for (size_t i = 0; i < x->res->count; i++) {
        const cm_result *q = &x->res->items[i];
        if (q->year != year || q->kind != CM_KIND_INTERNAL || q->flag != CM_FLAG_SUPPRESSED)
            continue;
        size_t at = find_zone(z, n, q->area);
        if (at != SIZE_MAX && (q->indicator == in_id || q->indicator == out_id)) {
            size_t line = z[at].line;
            for (size_t o = 0; o < side; o++) {
                size_t k = q->indicator == in_id ? o * side + line : line * side + o;
                if (st[k] == C_SHOWN)
                    st[k] = C_SUPPRESSED;
            }
        } else if (rp_def(q)->scope == CM_SCOPE_PARTNER) {
            if (nkeys == cap) {
                cap = cap ? 2 * cap : 256;
                uint64_t *g = realloc(keys, cap * sizeof *g);
                if (!g) {
                    free(keys);
                    return false;
                }
                keys = g;
            }
            keys[nkeys++] = (uint64_t)q->area << 32 | q->origin;
        }
    }
    if (nkeys) {
        qsort(keys, nkeys, sizeof *keys, cmp_u64);
        const cm_pairs *p = cm_flows_pairs(x->ds->flows);
        for (int sex = 0; sex < CM_SEX_COUNT; sex++) {
            size_t from, to;
            cm_pairs_range(p, year, CM_KIND_INTERNAL, (cm_sex)sex, &from, &to);
            for (size_t i = from; i < to; i++) {
                uint32_t o = p->items[i].origin, d = p->items[i].destination;
                size_t zo = find_zone(z, n, o), zd = find_zone(z, n, d);
                if (zo == SIZE_MAX || zd == SIZE_MAX)
                    continue;
                size_t k = z[zo].line * side + z[zd].line;
                if (st[k] == C_SHOWN && (has_key(keys, nkeys, (uint64_t)d << 32 | o) ||
                                         has_key(keys, nkeys, (uint64_t)o << 32 | d)))
                    st[k] = C_SUPPRESSED;
            }
        }
    }
    free(keys);
    return true;
}

void rp_matrix(cm_report *r)
{
    const rctx *x = &r->priv->x;
    const cm_flows *f = x->ds->flows;
    const cm_pairs *p = f ? cm_flows_pairs(f) : NULL;
    if (!x->info->matrix || !p)
        return;
    int32_t year = latest_year(p, x->info);
    if (year == 0)
        return;
    size_t from, to;
    cm_pairs_range(p, year, CM_KIND_INTERNAL, CM_SEX_TOTAL, &from, &to);
    bool total = from < to;

    /* The zones: declared, else every end of an internal pair. */
    size_t n = 0, cap = 0;
    zone *z = NULL;
    const uint32_t *ids;
    size_t nz = cm_flows_system_declared(f, year) ? cm_flows_zones(f, year, &ids) : 0;
    if (nz) {
        z = calloc(nz, sizeof *z);
        if (!z) {
            rp_nomem(r);
            return;
        }
        for (size_t i = 0; i < nz; i++)
            z[n++] = (zone){ids[i], 0, 0, 0, 0};
    } else {
        for (int sex = 0; sex < CM_SEX_COUNT; sex++) {
            cm_pairs_range(p, year, CM_KIND_INTERNAL, (cm_sex)sex, &from, &to);
            for (size_t i = from; i < to; i++) {
                if (n + 2 > cap) {
                    cap = cap ? 2 * cap : 256;
                    zone *g = realloc(z, cap * sizeof *g);
                    if (!g) {
                        free(z);
                        rp_nomem(r);
                        return;
                    }
                    z = g;
                }
                z[n++] = (zone){p->items[i].origin, 0, 0, 0, 0};
                z[n++] = (zone){p->items[i].destination, 0, 0, 0, 0};
            }
        }
        qsort(z, n, sizeof *z, cmp_id);
        size_t w = 0;
        for (size_t i = 0; i < n; i++)
            if (w == 0 || z[w - 1].id != z[i].id)
                z[w++] = z[i];
        n = w;
    }
    if (n < 2) {
        free(z);
        return;
    }

    /* The pairs of the chosen sexes: which zones have rows each way, and
       their moves between zones. */
    for (int sex = 0; sex < CM_SEX_COUNT; sex++) {
        if (total != (sex == CM_SEX_TOTAL))
            continue;
        cm_pairs_range(p, year, CM_KIND_INTERNAL, (cm_sex)sex, &from, &to);
        for (size_t i = from; i < to; i++) {
            size_t o = find_zone(z, n, p->items[i].origin);
            size_t d = find_zone(z, n, p->items[i].destination);
            if (o != SIZE_MAX)
                z[o].out_sex |= (uint8_t)(1u << sex);
            if (d != SIZE_MAX)
                z[d].in_sex |= (uint8_t)(1u << sex);
            if (o != SIZE_MAX && d != SIZE_MAX) {
                z[o].moves += p->items[i].count;
                z[d].moves += p->items[i].count;
            }
        }
    }
    /* A direction is known from T, or from both F and M (as a zone's own
       flows are read). */
    const uint8_t known = total ? 1u << CM_SEX_TOTAL : (1u << CM_SEX_FEMALE | 1u << CM_SEX_MALE);

    /* The lines: the largest zones, then the others as one. */
    zone *ranked = malloc(n * sizeof *ranked);
    if (!ranked) {
        free(z);
        rp_nomem(r);
        return;
    }
    memcpy(ranked, z, n * sizeof *z);
    qsort_r(ranked, n, sizeof *ranked, cmp_moves, (void *)x);
    size_t named = n > MATRIX_ZONES ? MATRIX_ZONES : n;
    size_t side = named + (n > named ? 1 : 0);
    for (size_t i = 0; i < n; i++)
        z[find_zone(z, n, ranked[i].id)].line = i < named ? i : named;

    int64_t *v = calloc(side * side, sizeof *v);
    uint8_t *st = calloc(side * side, sizeof *st);
    bool *in_missing = calloc(side, sizeof *in_missing), *out_missing = calloc(side, 1);
    if (!v || !st || !in_missing || !out_missing) {
        free(v);
        free(st);
        free(in_missing);
        free(out_missing);
        free(ranked);
        free(z);
        rp_nomem(r);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        in_missing[z[i].line] |= (z[i].in_sex & known) != known;
        out_missing[z[i].line] |= (z[i].out_sex & known) != known;
    }
    for (int sex = 0; sex < CM_SEX_COUNT; sex++) {
        if (total != (sex == CM_SEX_TOTAL))
            continue;
        cm_pairs_range(p, year, CM_KIND_INTERNAL, (cm_sex)sex, &from, &to);
        for (size_t i = from; i < to; i++) {
            size_t o = find_zone(z, n, p->items[i].origin);
            size_t d = find_zone(z, n, p->items[i].destination);
            if (o != SIZE_MAX && d != SIZE_MAX)
                v[z[o].line * side + z[d].line] += p->items[i].count;
        }
    }
    int64_t min = x->info->min_count;
    for (size_t a = 0; a < side; a++)
        for (size_t b = 0; b < side; b++) {
            size_t k = a * side + b;
            if (a == b && a < named)
                st[k] = C_EMPTY;
            else if (out_missing[a] || in_missing[b])
                st[k] = C_MISSING;
            else if (v[k] > 0 && v[k] < min)
                st[k] = C_SUPPRESSED;
        }
    if (min > 0 && !hide_as_elsewhere(r, year, z, n, side, st)) {
        free(v);
        free(st);
        free(in_missing);
        free(out_missing);
        free(ranked);
        free(z);
        rp_nomem(r);
        return;
    }
    /* Rows, then columns, again until neither pass changes a cell. */
    for (bool changed = min > 0; changed;) {
        bool rows = protect_lines(v, st, side, true);
        bool cols = protect_lines(v, st, side, false);
        changed = rows || cols;
    }

    cm_rsheet *s = rp_sheet(r, CM_RSHEET_TABLE, "Matrix");
    rlist *l = s ? rp_list(r, s, side + 2) : NULL;
    cm_rcolumn *c = s ? rp_columns(r, s, side + 2) : NULL;
    if (l && c) {
        c[0] = (cm_rcolumn){"Origin code", "origin", 0, CM_RSTYLE_PLAIN};
        c[1] = (cm_rcolumn){"Origin", "name", 0, CM_RSTYLE_PLAIN};
        for (size_t b = 0; b < side; b++) {
            const char *name = b < named ? rp_area_name(x, ranked[b].id) : "other zones";
            c[2 + b].label = rp_printf(r, "To %s (people)", name);
            c[2 + b].id = b < named ? rp_printf(r, "to_%zu", b + 1) : "to_other";
            c[2 + b].style = CM_RSTYLE_VALUE;
            c[2 + b].width = 11;
        }
        s->nkeys = 2;
        s->across = true;
        for (size_t a = 0; a < side; a++) {
            cm_rcell *row = rp_row(r, l);
            if (!row)
                break;
            rp_text(&row[0], CM_RSTYLE_PLAIN, a < named ? rp_str(x, ranked[a].id) : "other");
            rp_text(&row[1], CM_RSTYLE_PLAIN,
                    a < named ? rp_area_name(x, ranked[a].id) : "Other zones");
            for (size_t b = 0; b < side; b++) {
                size_t k = a * side + b;
                if (st[k] == C_SHOWN)
                    rp_num(&row[2 + b], CM_UNIT_COUNT, (double)v[k], -1);
                else if (st[k] == C_SUPPRESSED)
                    rp_text(&row[2 + b], CM_RSTYLE_FLAG, rp_flag_code(CM_FLAG_SUPPRESSED));
                else if (st[k] == C_MISSING)
                    rp_text(&row[2 + b], CM_RSTYLE_FLAG, rp_flag_code(CM_FLAG_MISSING));
            }
        }
        s->nrows = l->n;
        s->title = rp_printf(r,
                             "Table %d: Moves between the zones of the internal system, origin "
                             "by destination, %" PRId32,
                             ++r->priv->tables_numbered, year);
        s->about = rp_printf(
            r,
            "Rows are origins, columns destinations: %s. An empty cell is a zone's own; s: "
            "below --min-count, or suppressed with another cell of its row or column so that "
            "neither can be worked out; m: the zone has no flows that way.",
            n > named ? rp_printf(r,
                                  "the %zu zones with the most moves between zones, the other "
                                  "%zu together",
                                  named, n - named)
                      : "every zone of the system");
        s->source = rp_source_line(r, (const cm_table_id[]){CM_TABLE_FLOWS}, 1);
        s->contents =
            rp_printf(r, "Moves between the zones of %" PRId32 ", origin by destination", year);
    }
    free(v);
    free(st);
    free(in_missing);
    free(out_missing);
    free(ranked);
    free(z);
}
