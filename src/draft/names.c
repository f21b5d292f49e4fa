/*
 * names.c - what a header's words name: the canonical column a header (or
 * a series' value) is named after, by rules of words in several
 * languages, and the canonical value of an enumeration's value (Males: M).
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* ---- the words of a header ---- */

/* s holds w (as it is written: for words past ASCII). */
static bool has_substr(const char *s, const char *w)
{
    return strstr(s, w) != NULL;
}

/* Splits a header into lowercase words at anything but letters and digits,
   and where a lowercase letter meets an uppercase one ("CountryName").
   Letters past ASCII are kept in words (matched as they are written). */
void dr_split_words(const char *s, words *out)
{
    memset(out, 0, sizeof *out);
    out->raw = s;
    size_t len = 0;
    for (const unsigned char *p = (const unsigned char *)s;; p++) {
        bool part = *p && (dr_is_alpha(*p) || dr_is_digit(*p) || *p >= 0x80);
        bool camel = part && len && dr_is_upper(*p) && p > (const unsigned char *)s &&
                     p[-1] >= 'a' && p[-1] <= 'z';
        if ((!part || camel) && len) {
            out->w[out->n][len] = '\0';
            if (out->n + 1 < MAX_WORDS)
                out->n++;
            len = 0;
        }
        if (*p == '%')
            out->percent = true;
        if (!*p)
            break;
        if (part && len + 1 < WORD_SIZE)
            out->w[out->n][len++] = (char)dr_lower_ascii(*p);
    }
}

bool dr_has_word(const words *w, const char *word)
{
    for (size_t i = 0; i < w->n; i++)
        if (strcmp(w->w[i], word) == 0)
            return true;
    /* A word past ASCII is found inside the text ("행정구역별"). */
    return (unsigned char)word[0] >= 0x80 && has_substr(w->raw, word);
}

/* Every space-separated word of list is a word of w. */
static bool has_words(const words *w, const char *list)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
        if (!dr_has_word(w, tok))
            return false;
    return true;
}

bool dr_has_any(const words *w, const char *const *list)
{
    for (; *list; list++)
        if (dr_has_word(w, *list))
            return true;
    return false;
}

/* ---- the canonical column a header names ---- */

/* Words that make a column a share or a rate, not a count. */
const char *const dr_share_words[] = {"share",   "percent", "pct",  "proportion",
                                      "rate",    "ratio",   "per",  "percentage",
                                      "density", "anteil",  "part", NULL};

/* Words that make a population column a part of it. */
static const char *const part_words[] = {
    "urban",  "rural",     "growth",     "change",    "female",  "male",      "females", "males",
    "women",  "men",       "aged",       "age",       "born",    "foreign",   "migrant", "migrants",
    "births", "deaths",    "households", "household", "net",     "working",   "density", "under",
    "over",   "immigrant", "immigrants", "abroad",    "natural", "projected", "refugee", "refugees",
    "asylum", "concern",   "displaced",  "stateless", NULL};

static const char *const female_words[] = {"female", "females", "women", "woman", "girls", NULL};

typedef struct rule {
    const char *col;   /* the canonical column */
    const char *words; /* all of them */
    int score;
} rule;

static const rule rules[] = {
    {"area_id", "iso3", 9},
    {"area_id", "alpha3", 9},
    {"area_id", "iso", 8},
    {"area_id", "geo id", 9},
    {"area_id", "geoid", 9},
    {"area_id", "geo", 7},
    {"area_id", "code", 8},
    {"area_id", "geocode", 8},
    {"area_id", "pcode", 8},
    {"area_id", "fips", 8},
    {"area_id", "nuts", 7},
    {"area_id", "gid", 6},
    {"area_id", "hasc", 5},
    {"area_id", "id", 5},
    {"area_id", "cd", 4},
    {"name", "name", 8},
    {"name", "country", 7},
    {"name", "area", 6},
    {"name", "region", 6},
    {"name", "city", 6},
    {"name", "state", 5},
    {"name", "province", 5},
    {"name", "district", 5},
    {"name", "borough", 5},
    {"name", "municipality", 5},
    {"name", "county", 5},
    {"name", "prefecture", 5},
    {"name", "geography", 5},
    {"name", "place", 4},
    {"name", "locality", 4},
    {"name", "location", 4},
    {"name", "territory", 4},
    {"name", "nm", 4},
    {"name", "adm", 3},
    {"name", "land", 4},
    {"name", "pays", 5},
    {"name", "commune", 5},
    {"name", "gemeinde", 5},
    {"name", "municipio", 5},
    {"name", "comune", 5},
    {"name", "\xed\x96\x89\xec\xa0\x95\xea\xb5\xac\xec\x97\xad", 7}, /* 행정구역 */
    {"name", "\xec\xa7\x80\xec\x97\xad", 6},                         /* 지역 */
    {"name", "\xec\x8b\x9c\xeb\x8f\x84", 6},                         /* 시도 */
    {"name", "\xec\x8b\x9c\xea\xb5\xb0\xea\xb5\xac", 6},             /* 시군구 */
    {"name", "\xe9\x83\xbd\xe9\x81\x93\xe5\xba\x9c\xe7\x9c\x8c", 7}, /* 都道府県 */
    {"name", "\xe5\xb8\x82\xe5\x8c\xba\xe7\x94\xba\xe6\x9d\x91", 6}, /* 市区町村 */
    {"name", "\xe5\x9c\xb0\xe5\x8c\xba", 6},                         /* 地区 */
    {"name", "\xe5\x9c\xb0\xe5\x9f\x9f", 6},                         /* 地域 */
    {"level", "level", 6},
    {"parent_id", "parent", 6},
    {"year", "year", 9},
    {"year", "yr", 6},
    {"year", "time", 7},
    {"year", "period", 7},
    {"year", "date", 4},
    {"year", "census", 4},
    {"year", "jahr", 8},
    {"year",
     "ann\xc3\xa9"
     "e",
     8}, /* année */
    {"year", "annee", 8},
    {"year", "a\xc3\xb1o", 8}, /* año */
    {"year", "anno", 8},
    {"year", "\xec\x97\xb0\xeb\x8f\x84", 8}, /* 연도 */
    {"year", "\xeb\x85\x84\xeb\x8f\x84", 8}, /* 년도 */
    {"year", "\xec\x8b\x9c\xec\xa0\x90", 8}, /* 시점 */
    {"year", "\xe5\xb9\xb4", 6},             /* 年 */
    {"population", "population", 9},
    {"population", "pop", 8},
    {"population", "inhabitants", 7},
    {"population", "residents", 6},
    {"population", "einwohner", 8},
    {"population", "bev\xc3\xb6lkerung", 8}, /* Bevölkerung */
    {"population", "habitants", 8},
    {"population", "poblaci\xc3\xb3n", 8}, /* población */
    {"population", "popolazione", 8},
    {"population", "\xec\x9d\xb8\xea\xb5\xac", 8}, /* 인구 */
    {"population", "\xe4\xba\xba\xe5\x8f\xa3", 8}, /* 人口 */
    {"foreign_born", "foreign born", 9},
    {"foreign_born", "born abroad", 9},
    {"foreign_born", "migrant stock", 8},
    {"foreign_born", "fb", 7},
    {"foreign_born", "immigrants", 7},
    {"foreign_born", "immigrant", 6},
    {"foreign_born", "foreigners", 6},
    {"foreign_born", "foreign", 5},
    {"foreign_born", "ausl\xc3\xa4nder", 6}, /* Ausländer */
    {"foreign_born", "\xc3\xa9trangers", 6}, /* étrangers */
    {"foreign_born", "extranjeros", 6},
    {"foreign_born", "non native", 6},
    {"foreign_born", "\xec\x99\xb8\xea\xb5\xad\xec\x9d\xb8", 6}, /* 외국인 */
    {"foreign_born", "\xe5\xa4\x96\xe5\x9b\xbd\xe4\xba\xba", 6}, /* 外国人 */
    {"urban_population", "urban", 8},
    {"internal_migrants", "internal migrants", 8},
    {"births", "births", 8},
    {"deaths", "deaths", 8},
    {"net_internal_migration", "net internal", 8},
    {"net_international_migration", "net international", 8},
    {"net_internal_migration", "\xec\x88\x9c\xec\x9d\xb4\xeb\x8f\x99", 7}, /* 순이동 */
    {"pop_0_14", "0 14", 7},
    {"pop_15_64", "15 64", 7},
    {"pop_65_plus", "65 plus", 7},
    {"pop_65_plus", "65 over", 7},
    {"origin", "origin", 9},
    {"origin", "orig", 8},
    {"origin", "from", 7},
    {"origin", "birth", 7},
    {"origin", "birthplace", 8},
    {"destination", "destination", 9},
    {"destination", "dest", 8},
    {"destination", "to", 7},
    {"count", "count", 8},
    {"count", "flow", 8},
    {"count", "flows", 8},
    {"count", "moves", 7},
    {"count", "stock", 7},
    {"count", "migrants", 6},
    {"count", "number", 6},
    {"count", "value", 6},
    {"count", "persons", 5},
    {"count", "people", 5},
    {"count", "total", 4},
    {"count", "estimate", 4},
    {"count", "n", 4},
    {"kind", "kind", 7},
    {"kind", "type", 4},
    {"sex", "sex", 9},
    {"sex", "gender", 9},
    {"sex", "\xec\x84\xb1\xeb\xb3\x84", 9}, /* 성별 */
    {"sex", "\xe6\x80\xa7\xe5\x88\xab", 9}, /* 性别 */
    {"sex", "\xe7\x94\xb7\xe5\xa5\xb3", 7}, /* 男女 */
    {"interval", "interval", 7},
    {"service", "service", 8},
    {"group", "group", 6},
    {"group", "nativity", 7},
    {"with_access", "with access", 8},
    {"with_access", "access", 6},
    {"with_access", "insured", 6},
    {"with_access", "coverage", 6},
    {"with_access", "covered", 6},
    {"access_rate", "access rate", 9},
    {"access_rate", "rate", 4},
    {"standard_error", "standard error", 8},
    {"polarity", "polarity", 8},
};

/* Words too short to be matched in a long header. */
static bool short_rule(const char *w)
{
    return strcmp(w, "from") == 0 || strcmp(w, "to") == 0 || strcmp(w, "n") == 0 ||
           strcmp(w, "id") == 0 || strcmp(w, "cd") == 0 || strcmp(w, "nm") == 0;
}

/*
 * How well a header's words name a canonical column (0: not at all), and
 * the rule's words in *matched. A share or rate is no count; a population
 * with "urban" or "aged" is a part of it; "foreign-born (%)" is the share.
 */
int dr_name_score(const char *header, const char *canon, const char **matched)
{
    words w;
    dr_split_words(header, &w);
    if (dr_ieq(header, canon)) {
        *matched = canon;
        return 20;
    }
    bool share = w.percent || dr_has_any(&w, dr_share_words);
    bool female = dr_has_any(&w, female_words);
    int best = 0;
    for (size_t k = 0; k < sizeof rules / sizeof rules[0]; k++) {
        const rule *ru = &rules[k];
        const char *target = ru->col;
        /* foreign-born rules also name the share and the women among them */
        if (strcmp(ru->col, "foreign_born") == 0)
            target = share ? "foreign_born_share" : female ? "foreign_born_female" : "foreign_born";
        if (strcmp(target, canon) != 0 || ru->score <= best)
            continue;
        if (short_rule(ru->words) && w.n > 2)
            continue;
        /* "Largest migrant population by country of birth" is no origin. */
        if ((strcmp(canon, "origin") == 0 || strcmp(canon, "destination") == 0) && w.n > 4)
            continue;
        if (!has_words(&w, ru->words))
            continue;
        /* Only a share or a rate is named with "%" or "proportion". */
        bool rate = strcmp(canon, "foreign_born_share") == 0 || strcmp(canon, "access_rate") == 0 ||
                    strcmp(canon, "standard_error") == 0;
        if (share && !rate)
            continue;
        if (strcmp(canon, "population") == 0 && dr_has_any(&w, part_words))
            continue;
        best = ru->score;
        *matched = ru->words;
    }
    return best;
}

/* ---- values: maps onto a canonical enumeration ---- */

static const alias sex_aliases[] = {
    {"m", "M"},
    {"male", "M"},
    {"males", "M"},
    {"men", "M"},
    {"man", "M"},
    {"boys", "M"},
    {"\xeb\x82\xa8", "M"},             /* 남 */
    {"\xeb\x82\xa8\xec\x9e\x90", "M"}, /* 남자 */
    {"\xe7\x94\xb7", "M"},             /* 男 */
    {"\xe7\x94\xb7\xe6\x80\xa7", "M"}, /* 男性 */
    {"f", "F"},
    {"female", "F"},
    {"females", "F"},
    {"women", "F"},
    {"woman", "F"},
    {"girls", "F"},
    {"\xec\x97\xac", "F"},             /* 여 */
    {"\xec\x97\xac\xec\x9e\x90", "F"}, /* 여자 */
    {"\xe5\xa5\xb3", "F"},             /* 女 */
    {"\xe5\xa5\xb3\xe6\x80\xa7", "F"}, /* 女性 */
    {"t", "T"},
    {"total", "T"},
    {"both sexes", "T"},
    {"both", "T"},
    {"all", "T"},
    {"persons", "T"},
    {"all persons", "T"},
    {"\xea\xb3\x84", "T"},             /* 계 */
    {"\xec\xa0\x84\xec\xb2\xb4", "T"}, /* 전체 */
    {"\xed\x95\xa9\xea\xb3\x84", "T"}, /* 합계 */
    {"\xe7\xb7\x8f\xe6\x95\xb0", "T"}, /* 総数 */
    {"\xe5\x90\x88\xe8\xae\xa1", "T"}, /* 合计 */
    {NULL, NULL},
};

static const alias kind_aliases[] = {
    {"internal", "internal"},
    {"domestic", "internal"},
    {"within", "internal"},
    {"international", "international"},
    {"external", "international"},
    {"abroad", "international"},
    {"immigration", "international"},
    {"emigration", "international"},
    {NULL, NULL},
};

static const alias group_aliases[] = {
    {"migrant", "migrant"},      {"migrants", "migrant"},     {"foreign born", "migrant"},
    {"foreign-born", "migrant"}, {"foreign_born", "migrant"}, {"immigrant", "migrant"},
    {"immigrants", "migrant"},   {"foreign", "migrant"},      {"native", "native"},
    {"natives", "native"},       {"native born", "native"},   {"native-born", "native"},
    {"native_born", "native"},   {"nationals", "native"},     {NULL, NULL},
};

static const alias level_aliases[] = {
    {"world", "world"}, {"region", "region"},     {"country", "country"}, {"metro", "metro"},
    {"city", "city"},   {"district", "district"}, {NULL, NULL},
};

static const alias polarity_aliases[] = {{"access", "access"}, {"lack", "lack"}, {NULL, NULL}};

const alias *dr_aliases_of(const char *canon)
{
    if (strcmp(canon, "sex") == 0)
        return sex_aliases;
    if (strcmp(canon, "kind") == 0)
        return kind_aliases;
    if (strcmp(canon, "group") == 0)
        return group_aliases;
    if (strcmp(canon, "level") == 0)
        return level_aliases;
    if (strcmp(canon, "polarity") == 0)
        return polarity_aliases;
    return NULL;
}

/* The canonical value of s, or NULL. */
const char *dr_alias_of(const alias *list, const char *s)
{
    char low[64];
    size_t n = strlen(s);
    if (n >= sizeof low)
        return NULL;
    for (size_t i = 0; i <= n; i++)
        low[i] = (char)dr_lower_ascii((unsigned char)s[i]);
    for (; list->from; list++)
        if (strcmp(low, list->from) == 0)
            return list->to;
    return NULL;
}

/* Every distinct value of the column is one of the enumeration's. */
bool dr_enum_values(const column *col, const alias *list)
{
    if (!list || col->many || dr_ndistinct(col) == 0)
        return false;
    for (uint32_t id = 1; id <= dr_ndistinct(col); id++)
        if (!dr_alias_of(list, dr_distinct_value(col, id, NULL)))
            return false;
    return true;
}
