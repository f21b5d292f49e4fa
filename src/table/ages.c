/*
 * ages.c - age groups as published, and the flows summed by age group:
 * one cell per (area, year, kind, sex, group) in an open-addressing table,
 * as the totals are kept in flows.c.
 */
#include "citymig/ages.h"

#include <stdlib.h>
#include <string.h>

#include "citymig/hash.h"

static bool parse_age(const char *s, size_t len, size_t *at, int *v)
{
    size_t i = *at, start = i;
    int x = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 3)
        x = x * 10 + (s[i++] - '0');
    if (i == start || (i < len && s[i] >= '0' && s[i] <= '9') || x > CM_AGE_MAX)
        return false;
    *at = i;
    *v = x;
    return true;
}

bool cm_age_parse(const char *s, size_t len, int *lo, int *hi)
{
    size_t at = 0;
    int a, b;
    if (!parse_age(s, len, &at, &a) || at == len)
        return false;
    if (s[at] == '+' && at + 1 == len) {
        *lo = a;
        *hi = CM_AGE_OPEN;
        return true;
    }
    if (s[at++] != '-' || !parse_age(s, len, &at, &b) || at != len || b < a)
        return false;
    *lo = a;
    *hi = b;
    return true;
}

bool cm_age_overlap(int lo_a, int hi_a, int lo_b, int hi_b)
{
    int top_a = hi_a == CM_AGE_OPEN ? CM_AGE_MAX : hi_a;
    int top_b = hi_b == CM_AGE_OPEN ? CM_AGE_MAX : hi_b;
    return lo_a <= top_b && lo_b <= top_a;
}

enum { YEARS = CM_YEAR_MAX - CM_YEAR_MIN + 1 };

struct cm_flow_ages {
    cm_age_groups groups;
    cm_age_cell *cells;
    size_t count, cap;
    uint32_t *slots; /* cell index + 1; 0 = empty */
    size_t mask;
    uint64_t named[YEARS][CM_KIND_COUNT]; /* the groups each year and kind has rows of */
};

cm_flow_ages *cm_flow_ages_new(void)
{
    cm_flow_ages *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->mask = 255;
    a->slots = calloc(a->mask + 1, sizeof *a->slots);
    if (!a->slots) {
        free(a);
        return NULL;
    }
    return a;
}

void cm_flow_ages_free(cm_flow_ages *a)
{
    if (!a)
        return;
    free(a->cells);
    free(a->slots);
    free(a);
}

cm_age_group_result cm_age_groups_add(cm_age_groups *g, uint32_t label, int lo, int hi,
                                      uint64_t line, uint16_t source, int *index)
{
    int at = cm_age_groups_find(g, label);
    if (at >= 0) {
        *index = at;
        return CM_AGE_GROUP_OK;
    }
    for (size_t i = 0; i < g->ngroups; i++)
        if (cm_age_overlap(lo, hi, g->groups[i].lo, g->groups[i].hi)) {
            *index = (int)i;
            return CM_AGE_GROUP_OVERLAP;
        }
    if (g->ngroups == CM_AGE_GROUPS_MAX)
        return CM_AGE_GROUP_TOO_MANY;
    g->groups[g->ngroups] = (cm_age_group){label, lo, hi, line, source};
    *index = (int)g->ngroups++;
    return CM_AGE_GROUP_OK;
}

int cm_age_groups_find(const cm_age_groups *g, uint32_t label)
{
    for (size_t i = 0; g && i < g->ngroups; i++)
        if (g->groups[i].label == label)
            return (int)i;
    return -1;
}

cm_age_group_result cm_flow_ages_group(cm_flow_ages *a, uint32_t label, int lo, int hi,
                                       uint64_t line, uint16_t source, int *index)
{
    return cm_age_groups_add(&a->groups, label, lo, hi, line, source, index);
}

size_t cm_flow_ages_groups(const cm_flow_ages *a, const cm_age_group **groups)
{
    *groups = a ? a->groups.groups : NULL;
    return a ? a->groups.ngroups : 0;
}

static uint64_t key_of(uint32_t area, int32_t year, int kind, int sex, int group)
{
    return (uint64_t)area | (uint64_t)(year - CM_YEAR_MIN) << 32 | (uint64_t)kind << 41 |
           (uint64_t)sex << 42 | (uint64_t)group << 44;
}

static uint64_t cell_key(const cm_age_cell *c)
{
    return key_of(c->area, c->year, c->kind, c->sex, c->group);
}

static size_t slot_of(const cm_flow_ages *a, uint64_t key)
{
    size_t i = (size_t)cm_hash_mix(key) & a->mask;
    while (a->slots[i] && cell_key(&a->cells[a->slots[i] - 1]) != key)
        i = (i + 1) & a->mask;
    return i;
}

static bool grow(cm_flow_ages *a)
{
    size_t mask = a->mask * 2 + 1;
    uint32_t *slots = calloc(mask + 1, sizeof *slots);
    if (!slots)
        return false;
    free(a->slots);
    a->slots = slots;
    a->mask = mask;
    for (size_t c = 0; c < a->count; c++)
        a->slots[slot_of(a, cell_key(&a->cells[c]))] = (uint32_t)(c + 1);
    return true;
}

static cm_age_cell *cell(cm_flow_ages *a, uint32_t area, int32_t year, int kind, int sex, int group)
{
    uint64_t key = key_of(area, year, kind, sex, group);
    size_t i = slot_of(a, key);
    if (a->slots[i])
        return &a->cells[a->slots[i] - 1];
    if (a->count == UINT32_MAX - 1)
        return NULL;
    if (a->count == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 64;
        cm_age_cell *cells = realloc(a->cells, cap * sizeof *cells);
        if (!cells)
            return NULL;
        a->cells = cells;
        a->cap = cap;
    }
    if (2 * (a->count + 1) > a->mask + 1) {
        if (!grow(a))
            return NULL;
        i = slot_of(a, key);
    }
    a->cells[a->count] = (cm_age_cell){.area = area,
                                       .year = year,
                                       .kind = (uint8_t)kind,
                                       .sex = (uint8_t)sex,
                                       .group = (uint8_t)group};
    a->slots[i] = (uint32_t)++a->count;
    return &a->cells[a->count - 1];
}

cm_status cm_flow_ages_add(cm_flow_ages *a, int32_t year, uint32_t origin, uint32_t destination,
                           cm_kind kind, cm_sex sex, int group, int64_t count)
{
    a->named[year - CM_YEAR_MIN][kind] |= UINT64_C(1) << group;
    if (origin == destination)
        return CM_OK;
    cm_age_cell *in = cell(a, destination, year, kind, sex, group);
    if (!in)
        return CM_ERR_NOMEM;
    in->inflow += count;
    in->in_rows++;
    cm_age_cell *out = cell(a, origin, year, kind, sex, group);
    if (!out)
        return CM_ERR_NOMEM;
    out->outflow += count;
    out->out_rows++;
    return CM_OK;
}

const cm_age_cell *cm_flow_ages_find(const cm_flow_ages *a, uint32_t area, int32_t year,
                                     cm_kind kind, cm_sex sex, int group)
{
    if (!a || year < CM_YEAR_MIN || year > CM_YEAR_MAX)
        return NULL;
    size_t i = slot_of(a, key_of(area, year, kind, sex, group));
    return a->slots[i] ? &a->cells[a->slots[i] - 1] : NULL;
}

uint64_t cm_flow_ages_mask(const cm_flow_ages *a, int32_t year, cm_kind kind)
{
    if (!a || year < CM_YEAR_MIN || year > CM_YEAR_MAX)
        return 0;
    return a->named[year - CM_YEAR_MIN][kind];
}
