/*
 * flows.c - the flow aggregate: an open-addressing hash of cells keyed by
 * (area, year, kind, sex); beside it the names of the inputs rows came
 * from, the interval of each year and kind with the place that stated it,
 * and the zones of each year with a hashed set to test membership.
 */
#include "citymig/flows.h"

#include <stdlib.h>
#include <string.h>

#include "citymig/ages.h"
#include "citymig/bigmem.h"
#include "citymig/hash.h"
#include "citymig/pairs.h"
#include "citymig/value.h"

/* How the zones of a year were declared. */
enum { RULE_NONE, RULE_LIST, RULE_LEVEL, RULE_FINEST };

struct cm_flows_more {
    char **sources; /* the inputs' names */
    size_t nsources;
    cm_flows_place interval_at[CM_FLOWS_YEARS][CM_KIND_COUNT];

    uint8_t rule[CM_FLOWS_YEARS];
    uint8_t level[CM_FLOWS_YEARS]; /* of RULE_LEVEL and RULE_FINEST */
    bool list;                     /* one list for every year */
    /* The list, or each year's zones one after the other, each ascending:
       the zones of year index y are ids[first[y] .. first[y] + n[y]). */
    uint32_t *ids;
    size_t first[CM_FLOWS_YEARS], n[CM_FLOWS_YEARS];
    uint8_t *named; /* for the list: a row named ids[i] */
    /* Zone keys (area << 32 | year index + 1, or 0 for the list) and the
       index in ids of each; key 0 is an empty slot. */
    uint64_t *keys;
    uint32_t *at;
    size_t mask;
    cm_pairs *pairs; /* the sums by origin and destination, when kept */
};

cm_flows *cm_flows_new(void)
{
    cm_flows *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->mask = 1023;
    f->slots = calloc(f->mask + 1, sizeof *f->slots);
    f->more = calloc(1, sizeof *f->more);
    if (!f->slots || !f->more) {
        free(f->slots);
        free(f->more);
        free(f);
        return NULL;
    }
    return f;
}

static void clear_zones(struct cm_flows_more *m)
{
    free(m->ids);
    free(m->named);
    free(m->keys);
    free(m->at);
    m->ids = NULL;
    m->named = NULL;
    m->keys = NULL;
    m->at = NULL;
    m->mask = 0;
    m->list = false;
    memset(m->rule, RULE_NONE, sizeof m->rule);
    memset(m->first, 0, sizeof m->first);
    memset(m->n, 0, sizeof m->n);
}

void cm_flows_free(cm_flows *f)
{
    if (!f)
        return;
    cm_big_free(f->cells, f->cap * sizeof *f->cells);
    free(f->slots);
    cm_flow_ages_free(f->ages);
    if (f->more) {
        for (size_t i = 0; i < f->more->nsources; i++)
            free(f->more->sources[i]);
        free(f->more->sources);
        clear_zones(f->more);
        cm_pairs_free(f->more->pairs);
        free(f->more);
    }
    free(f);
}

int cm_flows_source(cm_flows *f, const char *name)
{
    struct cm_flows_more *m = f->more;
    for (size_t i = m->nsources; i-- > 0;)
        if (strcmp(m->sources[i], name) == 0)
            return (int)i;
    if (m->nsources > UINT16_MAX)
        return -1;
    char **sources = realloc(m->sources, (m->nsources + 1) * sizeof *sources);
    if (!sources)
        return -1;
    m->sources = sources;
    if (!(m->sources[m->nsources] = strdup(name)))
        return -1;
    return (int)m->nsources++;
}

const char *cm_flows_source_name(const cm_flows *f, unsigned source)
{
    return source < f->more->nsources ? f->more->sources[source] : "";
}

static inline size_t year_index(int32_t year)
{
    return (size_t)(year - CM_YEAR_MIN);
}

static inline bool year_ok(int32_t year)
{
    return year >= CM_YEAR_MIN && year <= CM_YEAR_MAX;
}

/* ---- zones ---- */

static uint64_t zone_key(const struct cm_flows_more *m, uint32_t area, size_t y)
{
    return (uint64_t)area << 32 | (m->list ? 0 : (uint64_t)y + 1);
}

/* The index in ids of a zone key, or SIZE_MAX. */
static size_t zone_at(const struct cm_flows_more *m, uint64_t key)
{
    if (!m->keys)
        return SIZE_MAX;
    size_t i = (size_t)cm_hash_mix(key) & m->mask;
    for (; m->keys[i]; i = (i + 1) & m->mask)
        if (m->keys[i] == key)
            return m->at[i];
    return SIZE_MAX;
}

static bool zone_of(const struct cm_flows_more *m, uint32_t area, size_t y)
{
    return m->rule[y] != RULE_NONE && zone_at(m, zone_key(m, area, y)) != SIZE_MAX;
}

/* Indexes ids[0..nids) by key: the list, or year by year. */
static cm_status index_zones(struct cm_flows_more *m, size_t nids)
{
    size_t mask = 15;
    while (mask + 1 < nids * 2)
        mask = mask * 2 + 1;
    m->keys = calloc(mask + 1, sizeof *m->keys);
    m->at = calloc(mask + 1, sizeof *m->at);
    if (!m->keys || !m->at)
        return CM_ERR_NOMEM;
    m->mask = mask;
    for (size_t y = 0; y < CM_FLOWS_YEARS; y++) {
        if (m->rule[y] == RULE_NONE || (m->list && y > 0))
            continue;
        for (size_t k = m->first[y]; k < m->first[y] + m->n[y]; k++) {
            uint64_t key = zone_key(m, m->ids[k], y);
            size_t i = (size_t)cm_hash_mix(key) & mask;
            while (m->keys[i])
                i = (i + 1) & mask;
            m->keys[i] = key;
            m->at[i] = (uint32_t)k;
        }
    }
    return CM_OK;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

cm_status cm_flows_declare_zone_list(cm_flows *f, const uint32_t *ids, size_t n)
{
    struct cm_flows_more *m = f->more;
    clear_zones(m);
    m->ids = malloc((n ? n : 1) * sizeof *m->ids);
    m->named = calloc(n ? n : 1, 1);
    if (!m->ids || !m->named || n > UINT32_MAX)
        return CM_ERR_NOMEM;
    if (n)
        memcpy(m->ids, ids, n * sizeof *ids);
    qsort(m->ids, n, sizeof *m->ids, cmp_u32);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || m->ids[i] != m->ids[k - 1])
            m->ids[k++] = m->ids[i];
    m->list = true;
    memset(m->rule, RULE_LIST, sizeof m->rule);
    for (size_t y = 0; y < CM_FLOWS_YEARS; y++)
        m->n[y] = k;
    return index_zones(m, k);
}

cm_status cm_flows_declare_zone_level(cm_flows *f, const cm_table *areas, int level,
                                      bool explicit_level)
{
    struct cm_flows_more *m = f->more;
    clear_zones(m);
    if (!areas || areas->nrows == 0)
        return CM_OK;
    const uint8_t *levels = areas->cols[CM_AREAS_LEVEL].v.code;
    const uint8_t *has_level = areas->cols[CM_AREAS_LEVEL].present;
    const int32_t *years = areas->cols[CM_AREAS_YEAR].v.year;
    int chosen[CM_FLOWS_YEARS];
    for (size_t y = 0; y < CM_FLOWS_YEARS; y++)
        chosen[y] = -1;
    /* The level of each year: as asked, or the finest of its rows. */
    for (size_t r = 0; r < areas->nrows; r++) {
        size_t y = year_index(years[r]);
        int l = has_level[r] ? levels[r] : cm_level_enum.default_code;
        if (level >= 0)
            chosen[y] = level;
        else if (l > chosen[y])
            chosen[y] = l;
    }
    for (size_t r = 0; r < areas->nrows; r++) {
        size_t y = year_index(years[r]);
        int l = has_level[r] ? levels[r] : cm_level_enum.default_code;
        m->n[y] += l == chosen[y];
    }
    size_t total = 0;
    for (size_t y = 0; y < CM_FLOWS_YEARS; y++) {
        m->first[y] = total;
        total += m->n[y];
        if (m->n[y]) {
            m->rule[y] = explicit_level ? RULE_LEVEL : RULE_FINEST;
            m->level[y] = (uint8_t)chosen[y];
        }
    }
    m->ids = malloc((total ? total : 1) * sizeof *m->ids);
    if (!m->ids || total > UINT32_MAX)
        return CM_ERR_NOMEM;
    size_t fill[CM_FLOWS_YEARS];
    memcpy(fill, m->first, sizeof fill);
    for (size_t r = 0; r < areas->nrows; r++) {
        size_t y = year_index(years[r]);
        int l = has_level[r] ? levels[r] : cm_level_enum.default_code;
        if (l == chosen[y])
            m->ids[fill[y]++] = areas->cols[CM_AREAS_AREA_ID].v.text[r];
    }
    for (size_t y = 0; y < CM_FLOWS_YEARS; y++)
        qsort(m->ids + m->first[y], m->n[y], sizeof *m->ids, cmp_u32);
    return index_zones(m, total);
}

bool cm_flows_system_declared(const cm_flows *f, int32_t year)
{
    return year_ok(year) && f->more->rule[year_index(year)] != RULE_NONE;
}

size_t cm_flows_zones(const cm_flows *f, int32_t year, const uint32_t **ids)
{
    const struct cm_flows_more *m = f->more;
    *ids = NULL;
    if (!cm_flows_system_declared(f, year))
        return 0;
    size_t y = year_index(year);
    *ids = m->ids + m->first[y];
    return m->n[y];
}

bool cm_flows_is_zone(const cm_flows *f, uint32_t area, int32_t year)
{
    return year_ok(year) && zone_of(f->more, area, year_index(year));
}

const char *cm_flows_zone_rule(const cm_flows *f, int32_t year)
{
    static const char *const finest[CM_LEVEL_COUNT] = {
        "areas.csv, level world", "areas.csv, level region", "areas.csv, level country",
        "areas.csv, level metro", "areas.csv, level city",   "areas.csv, level district"};
    static const char *const asked[CM_LEVEL_COUNT] = {
        "areas.csv, level world (zone_level)",   "areas.csv, level region (zone_level)",
        "areas.csv, level country (zone_level)", "areas.csv, level metro (zone_level)",
        "areas.csv, level city (zone_level)",    "areas.csv, level district (zone_level)"};
    if (!cm_flows_system_declared(f, year))
        return "no zones declared";
    size_t y = year_index(year);
    switch (f->more->rule[y]) {
    case RULE_LIST:
        return "the manifest's zones";
    case RULE_LEVEL:
        return asked[f->more->level[y] % CM_LEVEL_COUNT];
    default:
        return finest[f->more->level[y] % CM_LEVEL_COUNT];
    }
}

void cm_flows_note_named(cm_flows *f, uint32_t area)
{
    struct cm_flows_more *m = f->more;
    if (!m->list)
        return;
    size_t k = zone_at(m, zone_key(m, area, 0));
    if (k != SIZE_MAX)
        m->named[k] = 1;
}

bool cm_flows_zone_named(const cm_flows *f, uint32_t area)
{
    const struct cm_flows_more *m = f->more;
    if (!m->list)
        return false;
    size_t k = zone_at(m, zone_key(m, area, 0));
    return k != SIZE_MAX && m->named[k];
}

/* ---- the interval ---- */

int cm_flows_interval(const cm_flows *f, int32_t year, cm_kind kind)
{
    if (!year_ok(year) || (unsigned)kind >= CM_KIND_COUNT)
        return 1;
    int v = f->interval[year_index(year)][kind];
    return v ? v : 1;
}

cm_flows_place cm_flows_interval_place(const cm_flows *f, int32_t year, cm_kind kind)
{
    cm_flows_place none = {0, 0};
    if (!year_ok(year) || (unsigned)kind >= CM_KIND_COUNT)
        return none;
    return f->more->interval_at[year_index(year)][kind];
}

bool cm_flows_state_interval(cm_flows *f, int32_t year, cm_kind kind, int years,
                             cm_flows_place place)
{
    if (!year_ok(year) || (unsigned)kind >= CM_KIND_COUNT || years < CM_INTERVAL_MIN ||
        years > CM_INTERVAL_MAX)
        return false;
    uint8_t *have = &f->interval[year_index(year)][kind];
    if (*have)
        return *have == years;
    *have = (uint8_t)years;
    f->more->interval_at[year_index(year)][kind] = place;
    return true;
}

/* ---- cells ---- */

static uint64_t cell_key(uint32_t area, int32_t year, cm_kind kind, cm_sex sex)
{
    return (uint64_t)area << 32 | (uint64_t)(uint16_t)year << 16 | (uint64_t)kind << 8 |
           (uint64_t)sex;
}

static uint64_t key_of(const cm_flow_cell *c)
{
    return cell_key(c->area, c->year, (cm_kind)c->kind, (cm_sex)c->sex);
}

static int grow(cm_flows *f)
{
    size_t mask = f->mask * 2 + 1;
    uint32_t *slots = calloc(mask + 1, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t n = 0; n < f->count; n++) {
        size_t i = (size_t)cm_hash_mix(key_of(&f->cells[n])) & mask;
        while (slots[i])
            i = (i + 1) & mask;
        slots[i] = (uint32_t)(n + 1);
    }
    free(f->slots);
    f->slots = slots;
    f->mask = mask;
    return 0;
}

/* The cell for a key, created empty when new; NULL when out of memory. */
static cm_flow_cell *cell_for(cm_flows *f, uint32_t area, int32_t year, cm_kind kind, cm_sex sex)
{
    uint64_t key = cell_key(area, year, kind, sex);
    size_t i = (size_t)cm_hash_mix(key) & f->mask;
    while (f->slots[i]) {
        cm_flow_cell *c = &f->cells[f->slots[i] - 1];
        if (key_of(c) == key)
            return c;
        i = (i + 1) & f->mask;
    }
    if (f->count == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : CM_BIG_GRAIN / sizeof(cm_flow_cell);
        if (cap > UINT32_MAX - 1)
            return NULL;
        cm_flow_cell *cells = cm_big_realloc(f->cells, f->cap * sizeof *cells, cap * sizeof *cells);
        if (!cells)
            return NULL;
        f->cells = cells;
        f->cap = cap;
    }
    cm_flow_cell *c = &f->cells[f->count];
    memset(c, 0, sizeof *c);
    c->area = area;
    c->year = year;
    c->kind = (uint8_t)kind;
    c->sex = (uint8_t)sex;
    f->slots[i] = (uint32_t)++f->count;
    if (f->count * 2 > f->mask && grow(f) != 0) {
        /* Undo: the table must keep empty slots to stay searchable. */
        f->slots[i] = 0;
        f->count--;
        return NULL;
    }
    return &f->cells[f->count - 1];
}

cm_flows_add_result cm_flows_add(cm_flows *f, int32_t year, uint32_t origin, uint32_t destination,
                                 cm_kind kind, cm_sex sex, int64_t count)
{
    cm_flows_place none = {0, 0};
    return cm_flows_add_at(f, year, origin, destination, kind, sex, count, none);
}

cm_flows_add_result cm_flows_add_at(cm_flows *f, int32_t year, uint32_t origin,
                                    uint32_t destination, cm_kind kind, cm_sex sex, int64_t count,
                                    cm_flows_place place)
{
    struct cm_flows_more *m = f->more;
    if (m->list) {
        cm_flows_note_named(f, origin);
        cm_flows_note_named(f, destination);
    }
    if (origin == destination) {
        if (f->stats.stayer_persons > CM_COUNT_MAX - count)
            return CM_FLOWS_OVERFLOW;
        f->stats.rows++;
        f->stats.stayer_rows++;
        f->stats.stayer_persons += count;
        return CM_FLOWS_STAYER;
    }
    cm_flow_cell *in = cell_for(f, destination, year, kind, sex);
    if (!in)
        return CM_FLOWS_NOMEM;
    if (in->inflow > CM_COUNT_MAX - count || f->stats.persons_by_kind[kind] > CM_COUNT_MAX - count)
        return CM_FLOWS_OVERFLOW;
    /* Look the origin up after the destination: a grow may move cells. */
    size_t in_index = (size_t)(in - f->cells);
    cm_flow_cell *out = cell_for(f, origin, year, kind, sex);
    if (!out)
        return CM_FLOWS_NOMEM;
    in = &f->cells[in_index];
    if (out->outflow > CM_COUNT_MAX - count)
        return CM_FLOWS_OVERFLOW;
    /* A pair's sum is a part of the inflow: within 2^53 too. */
    if (m->pairs && !cm_pairs_add(m->pairs, year, origin, destination, kind, sex, count))
        return CM_FLOWS_NOMEM;
    /* The outside sums are parts of inflow and outflow: within 2^53 too. */
    if (kind == CM_KIND_INTERNAL && year_ok(year) && m->rule[year_index(year)] != RULE_NONE) {
        size_t y = year_index(year);
        if (!zone_of(m, origin, y))
            in->in_outside += count;
        if (!zone_of(m, destination, y))
            out->out_outside += count;
    }
    if (!in->in_rows) {
        in->in_line = place.line;
        in->in_source = place.source;
    }
    if (!out->out_rows) {
        out->out_line = place.line;
        out->out_source = place.source;
    }
    in->inflow += count;
    in->in_rows++;
    out->outflow += count;
    out->out_rows++;
    f->stats.rows++;
    f->stats.rows_by_kind[kind]++;
    f->stats.persons_by_kind[kind] += count;
    return CM_FLOWS_ADDED;
}

cm_status cm_flows_merge(cm_flows *f, uint32_t area, int32_t year, cm_kind kind, cm_sex sex,
                         int64_t inflow, int64_t outflow, uint64_t in_rows, uint64_t out_rows)
{
    cm_flow_cell *c = cell_for(f, area, year, kind, sex);
    if (!c)
        return CM_ERR_NOMEM;
    c->inflow += inflow;
    c->outflow += outflow;
    c->in_rows += in_rows;
    c->out_rows += out_rows;
    return CM_OK;
}

cm_status cm_flows_merge_sums(cm_flows *f, uint32_t area, int32_t year, cm_kind kind, cm_sex sex,
                              const cm_flow_sums *s)
{
    cm_flow_cell *c = cell_for(f, area, year, kind, sex);
    if (!c)
        return CM_ERR_NOMEM;
    if (s->in_rows && !c->in_rows) {
        c->in_line = s->in_line;
        c->in_source = s->in_source;
    }
    if (s->out_rows && !c->out_rows) {
        c->out_line = s->out_line;
        c->out_source = s->out_source;
    }
    c->inflow += s->inflow;
    c->outflow += s->outflow;
    c->in_rows += s->in_rows;
    c->out_rows += s->out_rows;
    c->in_outside += s->in_outside;
    c->out_outside += s->out_outside;
    return CM_OK;
}

static int cmp_cells(const void *a, const void *b)
{
    const cm_flow_cell *x = a, *y = b;
    if (x->year != y->year)
        return x->year < y->year ? -1 : 1;
    uint64_t kx = key_of(x), ky = key_of(y);
    return kx < ky ? -1 : kx > ky;
}

void cm_flows_sort(cm_flows *f)
{
    if (f->more->pairs)
        cm_pairs_sort(f->more->pairs);
    if (f->count < 2)
        return;
    qsort(f->cells, f->count, sizeof *f->cells, cmp_cells);
    memset(f->slots, 0, (f->mask + 1) * sizeof *f->slots);
    for (size_t n = 0; n < f->count; n++) {
        size_t i = (size_t)cm_hash_mix(key_of(&f->cells[n])) & f->mask;
        while (f->slots[i])
            i = (i + 1) & f->mask;
        f->slots[i] = (uint32_t)(n + 1);
    }
}

const cm_flow_cell *cm_flows_find(const cm_flows *f, uint32_t area, int32_t year, cm_kind kind,
                                  cm_sex sex)
{
    uint64_t key = cell_key(area, year, kind, sex);
    size_t i = (size_t)cm_hash_mix(key) & f->mask;
    while (f->slots[i]) {
        const cm_flow_cell *c = &f->cells[f->slots[i] - 1];
        if (key_of(c) == key)
            return c;
        i = (i + 1) & f->mask;
    }
    return NULL;
}

/* ---- pairs ---- */

cm_status cm_flows_keep_pairs(cm_flows *f)
{
    if (!f->more->pairs && !(f->more->pairs = cm_pairs_new()))
        return CM_ERR_NOMEM;
    return CM_OK;
}

const cm_pairs *cm_flows_pairs(const cm_flows *f)
{
    return f->more->pairs;
}
