/*
 * schema.c - the columns of the four input tables (SPEC 1.1 to 1.4) and
 * their enumerations. The order of each column array matches the column
 * enums in table.h.
 */
#include "citymig/table.h"

#include <stdio.h>
#include <string.h>

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const char *const level_names[] = {"world", "region", "country",
                                          "metro", "city",   "district"};
const cm_enum_def cm_level_enum = {level_names, COUNT_OF(level_names), NULL, CM_LEVEL_CITY};

static const char *const kind_names[] = {"internal", "international"};
const cm_enum_def cm_kind_enum = {kind_names, COUNT_OF(kind_names), NULL, -1};

static const char *const sex_names[] = {"T", "F", "M"};
const cm_enum_def cm_sex_enum = {sex_names, COUNT_OF(sex_names), NULL, CM_SEX_TOTAL};

static const char *const group_names[] = {"migrant", "native"};
static const char *const group_aliases[] = {"foreign_born", "migrant", "native_born", "native",
                                            NULL};
const cm_enum_def cm_group_enum = {group_names, COUNT_OF(group_names), group_aliases, -1};

static const char *const polarity_names[] = {"access", "lack"};
const cm_enum_def cm_polarity_enum = {polarity_names, COUNT_OF(polarity_names), NULL,
                                      CM_POLARITY_ACCESS};

_Static_assert(COUNT_OF(level_names) == CM_LEVEL_COUNT, "level names");
_Static_assert(COUNT_OF(kind_names) == CM_KIND_COUNT, "kind names");
_Static_assert(COUNT_OF(sex_names) == CM_SEX_COUNT, "sex names");
_Static_assert(COUNT_OF(group_names) == CM_GROUP_COUNT, "group names");
_Static_assert(COUNT_OF(polarity_names) == CM_POLARITY_COUNT, "polarity names");

#define REQ CM_COL_REQUIRED
#define KEY CM_COL_KEY
#define ID  CM_COL_ID
#define OPT CM_COL_OPTIONAL

static const cm_column_def areas_cols[] = {
    [CM_AREAS_AREA_ID] = {"area_id", CM_VALUE_TEXT, REQ | KEY | ID, NULL},
    [CM_AREAS_NAME] = {"name", CM_VALUE_TEXT, OPT, NULL},
    [CM_AREAS_LEVEL] = {"level", CM_VALUE_ENUM, OPT, &cm_level_enum},
    [CM_AREAS_PARENT_ID] = {"parent_id", CM_VALUE_TEXT, OPT | ID, NULL},
    [CM_AREAS_YEAR] = {"year", CM_VALUE_YEAR, REQ | KEY, NULL},
    /* Required as a column; a row may leave it empty (missing), and what
       needs it is then reported missing. */
    [CM_AREAS_POPULATION] = {"population", CM_VALUE_COUNT, 0, NULL},
    [CM_AREAS_FOREIGN_BORN] = {"foreign_born", CM_VALUE_COUNT, OPT, NULL},
    [CM_AREAS_FOREIGN_BORN_SHARE] = {"foreign_born_share", CM_VALUE_PERCENT, OPT, NULL},
    [CM_AREAS_FOREIGN_BORN_FEMALE] = {"foreign_born_female", CM_VALUE_COUNT, OPT, NULL},
    [CM_AREAS_INTERNAL_MIGRANTS] = {"internal_migrants", CM_VALUE_COUNT, OPT, NULL},
    [CM_AREAS_URBAN_POPULATION] = {"urban_population", CM_VALUE_COUNT, OPT, NULL},
    [CM_AREAS_BIRTHS] = {"births", CM_VALUE_COUNT, OPT, NULL},
    [CM_AREAS_DEATHS] = {"deaths", CM_VALUE_COUNT, OPT, NULL},
    [CM_AREAS_NET_INTERNAL_MIGRATION] = {"net_internal_migration", CM_VALUE_SIGNED_COUNT, OPT,
                                         NULL},
    [CM_AREAS_NET_INTERNATIONAL_MIGRATION] = {"net_international_migration", CM_VALUE_SIGNED_COUNT,
                                              OPT, NULL},
    [CM_AREAS_POP_0_14] = {"pop_0_14", CM_VALUE_COUNT, OPT, NULL},
    [CM_AREAS_POP_15_64] = {"pop_15_64", CM_VALUE_COUNT, OPT, NULL},
    [CM_AREAS_POP_65_PLUS] = {"pop_65_plus", CM_VALUE_COUNT, OPT, NULL},
    /* Residents by sex: each <= population, and together equal to it where
       all three are given (checked in the loader). */
    [CM_AREAS_POPULATION_FEMALE] = {"population_female", CM_VALUE_COUNT, OPT, NULL},
    [CM_AREAS_POPULATION_MALE] = {"population_male", CM_VALUE_COUNT, OPT, NULL},
};
_Static_assert(COUNT_OF(areas_cols) == CM_AREAS_NCOLS, "areas columns");
_Static_assert(CM_AREAS_NCOLS <= CM_TABLE_MAX_COLS, "CM_TABLE_MAX_COLS");

const cm_table_def cm_areas_def = {
    "areas", "areas.csv", areas_cols, CM_AREAS_NCOLS, {CM_AREAS_AREA_ID, CM_AREAS_YEAR}, 2};

static const cm_column_def stocks_cols[] = {
    [CM_STOCKS_AREA_ID] = {"area_id", CM_VALUE_TEXT, REQ | KEY | ID, NULL},
    [CM_STOCKS_YEAR] = {"year", CM_VALUE_YEAR, REQ | KEY, NULL},
    [CM_STOCKS_ORIGIN] = {"origin", CM_VALUE_TEXT, REQ | KEY | ID, NULL},
    [CM_STOCKS_COUNT] = {"count", CM_VALUE_COUNT, REQ, NULL},
    [CM_STOCKS_SEX] = {"sex", CM_VALUE_ENUM, OPT | KEY, &cm_sex_enum},
    /* An age group as published ("0-14", "65+"): checked in the loader. */
    [CM_STOCKS_AGE] = {"age", CM_VALUE_TEXT, OPT | KEY | CM_COL_LAZY, NULL},
};
_Static_assert(COUNT_OF(stocks_cols) == CM_STOCKS_NCOLS, "stocks columns");

const cm_table_def cm_stocks_def = {
    "stocks",
    "stocks.csv",
    stocks_cols,
    CM_STOCKS_NCOLS,
    {CM_STOCKS_AREA_ID, CM_STOCKS_YEAR, CM_STOCKS_ORIGIN, CM_STOCKS_SEX, CM_STOCKS_AGE},
    5};

static const cm_column_def services_cols[] = {
    [CM_SERVICES_AREA_ID] = {"area_id", CM_VALUE_TEXT, REQ | KEY | ID, NULL},
    [CM_SERVICES_YEAR] = {"year", CM_VALUE_YEAR, REQ | KEY, NULL},
    [CM_SERVICES_SERVICE] = {"service", CM_VALUE_TEXT, REQ | KEY | ID, NULL},
    [CM_SERVICES_GROUP] = {"group", CM_VALUE_ENUM, REQ | KEY, &cm_group_enum},
    /* population and with_access, or access_rate: checked in the loader. */
    [CM_SERVICES_POPULATION] = {"population", CM_VALUE_COUNT, OPT, NULL},
    [CM_SERVICES_WITH_ACCESS] = {"with_access", CM_VALUE_COUNT, OPT, NULL},
    [CM_SERVICES_ACCESS_RATE] = {"access_rate", CM_VALUE_PERCENT, OPT, NULL},
    [CM_SERVICES_STANDARD_ERROR] = {"standard_error", CM_VALUE_PERCENT, OPT, NULL},
    /* What access_rate measures: access (the default) or its lack. */
    [CM_SERVICES_POLARITY] = {"polarity", CM_VALUE_ENUM, OPT, &cm_polarity_enum},
};
_Static_assert(COUNT_OF(services_cols) == CM_SERVICES_NCOLS, "services columns");

const cm_table_def cm_services_def = {
    "services",
    "services.csv",
    services_cols,
    CM_SERVICES_NCOLS,
    {CM_SERVICES_AREA_ID, CM_SERVICES_YEAR, CM_SERVICES_SERVICE, CM_SERVICES_GROUP},
    4};

static const cm_column_def flows_cols[] = {
    [CM_FLOWS_YEAR] = {"year", CM_VALUE_YEAR, REQ, NULL},
    [CM_FLOWS_ORIGIN] = {"origin", CM_VALUE_TEXT, REQ | ID, NULL},
    [CM_FLOWS_DESTINATION] = {"destination", CM_VALUE_TEXT, REQ | ID, NULL},
    [CM_FLOWS_KIND] = {"kind", CM_VALUE_ENUM, REQ, &cm_kind_enum},
    [CM_FLOWS_COUNT] = {"count", CM_VALUE_COUNT, REQ, NULL},
    [CM_FLOWS_SEX] = {"sex", CM_VALUE_ENUM, OPT, &cm_sex_enum},
    /* The years the counts cover, 1 to 50 (checked in the loader); the same
       for every row of a year and kind. */
    [CM_FLOWS_INTERVAL] = {"interval", CM_VALUE_COUNT, OPT, NULL},
    /* The movers' age group as published ("0-14", "65+"; ages.h): on every
       row of a file that has the column (checked in the loader). */
    [CM_FLOWS_AGE] = {"age", CM_VALUE_TEXT, OPT, NULL},
};
_Static_assert(COUNT_OF(flows_cols) == CM_FLOWS_NCOLS, "flows columns");

const cm_table_def cm_flows_def = {"flows", "flows.csv", flows_cols, CM_FLOWS_NCOLS, {0}, 0};

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static bool ieq(const char *a, const char *s, size_t len)
{
    size_t n = strlen(a);
    if (n != len)
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)s[i]))
            return false;
    return true;
}

int cm_enum_lookup(const cm_enum_def *def, const char *s, size_t len)
{
    for (size_t i = 0; i < def->count; i++)
        if (ieq(def->names[i], s, len))
            return (int)i;
    for (const char *const *a = def->aliases; a && a[0]; a += 2)
        if (ieq(a[0], s, len))
            return cm_enum_lookup(def, a[1], strlen(a[1]));
    return -1;
}

const char *cm_enum_name(const cm_enum_def *def, int code)
{
    if (code < 0 || (size_t)code >= def->count)
        return "?";
    return def->names[code];
}

const char *cm_enum_list(const cm_enum_def *def, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < def->count && o < size; i++)
        o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? ", " : "", def->names[i]);
    for (const char *const *a = def->aliases; a && a[0] && o < size; a += 2)
        o += (size_t)snprintf(buf + o, size - o, ", %s", a[0]);
    return buf;
}
