/*
 * gen_shapes.c - writes synthetic datasets of the input shapes the
 * benchmark covers besides gen_flows' standard flows, with fixed seeds, so
 * that every run and machine gets the same bytes:
 *
 *   gen_shapes places ROWS DIR [DESTS ORIGINS]
 *       DIR/flows.csv: ROWS rows of one year over many places (default
 *       200,000 destinations and 1,000,000 origins, the destinations among
 *       the origins), in gen_flows' columns and style (year, origin,
 *       destination, kind, sex, count; every 20th destination and every
 *       10th origin quoted with a comma, every 50th origin also a doubled
 *       quote); DIR/areas.csv: the destinations, that year and the one
 *       before (area_id, level, year, population).
 *
 *   gen_shapes areas NAREAS YEARS DIR
 *       DIR/areas.csv only: NAREAS areas over YEARS consecutive years from
 *       2011, with every column of the areas table. About 200 countries
 *       (no parent) and the rest cities, each in one of the countries. A
 *       city's population moves from one year to the next by exactly its
 *       births, deaths and net migrations; every part is within the
 *       population (foreign_born_female within foreign_born, the age groups
 *       summing to at most the population); a country's values are the sums
 *       of its cities' and of a rest of the country. foreign_born_share is
 *       left empty (foreign_born is given). Every 20th city's id is quoted
 *       with a comma, and so is every 20th name.
 *
 *   gen_shapes stocks ROWS DIR
 *       DIR/stocks.csv: ROWS rows (area_id, year, origin, sex, count) over
 *       200 origins, 2 years (2011, 2016) and as many areas as the rows
 *       need (1,200 rows an area), sexes T, F and M with T = F + M; no key
 *       repeats. Should ROWS end inside an origin's three rows, the last
 *       origin gets T alone or F and M. DIR/areas.csv: the areas of the
 *       stocks, both years (area_id, level, year, population).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { YEAR = 2015, AREAS_FIRST_YEAR = 2011, COUNTRIES = 200, STOCK_ORIGINS = 200 };
static const int stock_years[] = {2011, 2016};

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

/* A value that depends on its inputs alone (splitmix64's finalizer). */
static uint64_t hash3(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t z = a * 0x9e3779b97f4a7c15ULL ^ (b + 0x632be59bd9b4e019ULL) * 0xbf58476d1ce4e5b9ULL ^
                 (c + 0x8cb92ba72f3d8dd7ULL) * 0x94d049bb133111ebULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* A whole number in [lo, hi] drawn from a hash and a salt. */
static uint64_t pick(uint64_t h, unsigned salt, uint64_t lo, uint64_t hi)
{
    return lo + hash3(h, salt, 0x5bd1e995) % (hi - lo + 1);
}

static unsigned long long number(const char *s, const char *what)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || end == s || v == 0) {
        fprintf(stderr, "gen_shapes: %s must be a positive number\n", what);
        exit(2);
    }
    return v;
}

static FILE *create(const char *dir, const char *name, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    static char buf[1 << 20];
    setvbuf(f, buf, _IOFBF, sizeof buf);
    return f;
}

static void finish(FILE *f, const char *path)
{
    if (ferror(f) || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

/* ---- places: flows over many destinations and origins ---- */

static void place_name(char *buf, size_t size, unsigned id, unsigned dests)
{
    if (id < dests) {
        if (id % 20 == 0)
            snprintf(buf, size, "\"City %06u, State\"", id);
        else
            snprintf(buf, size, "DEST-%06u", id);
    } else if (id % 50 == 0) {
        snprintf(buf, size, "\"Place \"\"%07u\"\", Region\"", id);
    } else if (id % 10 == 0) {
        snprintf(buf, size, "\"Place %07u, Region\"", id);
    } else {
        snprintf(buf, size, "ORIGIN-%07u", id);
    }
}

static int places(unsigned long long rows, const char *dir, unsigned dests, unsigned origins)
{
    char path[4096], origin[64], dest[64];
    FILE *f = create(dir, "flows.csv", path, sizeof path);
    fputs("year,origin,destination,kind,sex,count\n", f);
    for (unsigned long long r = 0; r < rows; r++) {
        uint64_t x = next(), y = next();
        unsigned d = (unsigned)(x % dests);
        unsigned o = (unsigned)((x >> 20) % origins);
        if (o == d)
            o = (o + 1) % origins;
        place_name(dest, sizeof dest, d, dests);
        place_name(origin, sizeof origin, o, dests);
        const char *kind = y % 5 == 0 ? "international" : "internal";
        const char *sex = (y >> 8) & 1 ? "F" : "M";
        fprintf(f, "%d,%s,%s,%s,%s,%u\n", YEAR, origin, dest, kind, sex,
                (unsigned)((y >> 16) % 999 + 1));
    }
    finish(f, path);

    f = create(dir, "areas.csv", path, sizeof path);
    fputs("area_id,level,year,population\n", f);
    for (int year = YEAR - 1; year <= YEAR; year++)
        for (unsigned d = 0; d < dests; d++) {
            place_name(dest, sizeof dest, d, dests);
            fprintf(f, "%s,city,%d,%u\n", dest, year, 50000 + d * 37 + (unsigned)(year - YEAR) * 5);
        }
    finish(f, path);
    return 0;
}

/* ---- areas: every column, countries and their cities ---- */

enum {
    V_POP,
    V_FB,
    V_FBF,
    V_INTERNAL,
    V_URBAN,
    V_BIRTHS,
    V_DEATHS,
    V_NET_INT,
    V_NET_INTL,
    V_0_14,
    V_15_64,
    V_65,
    NV
};

/*
 * The values of unit u in year y, whose population the year before was p0:
 * the population moves by the births, deaths and net migrations; the parts
 * are shares of the new population. Returns the new population.
 */
static int64_t unit_values(uint64_t u, int year, int64_t p0, int64_t v[NV])
{
    uint64_t h = hash3(u, (uint64_t)year, 0x3c6ef372);
    v[V_BIRTHS] = p0 * (int64_t)pick(h, 1, 80, 160) / 10000;
    v[V_DEATHS] = p0 * (int64_t)pick(h, 2, 60, 120) / 10000;
    v[V_NET_INT] = p0 * ((int64_t)pick(h, 3, 0, 100) - 50) / 10000;
    v[V_NET_INTL] = p0 * ((int64_t)pick(h, 4, 0, 80) - 20) / 10000;
    int64_t p = p0 + v[V_BIRTHS] - v[V_DEATHS] + v[V_NET_INT] + v[V_NET_INTL];
    v[V_POP] = p;
    v[V_FB] = p * (int64_t)pick(h, 5, 20, 400) / 1000;
    v[V_FBF] = v[V_FB] * (int64_t)pick(h, 6, 450, 550) / 1000;
    v[V_INTERNAL] = p * (int64_t)pick(h, 7, 50, 300) / 1000;
    v[V_URBAN] = p * (int64_t)pick(h, 8, 300, 990) / 1000;
    v[V_0_14] = p * (int64_t)pick(h, 9, 120, 250) / 1000;
    v[V_65] = p * (int64_t)pick(h, 10, 50, 200) / 1000;
    v[V_15_64] = p - v[V_0_14] - v[V_65] - p * (int64_t)pick(h, 11, 0, 10) / 1000;
    return p;
}

static void area_row(FILE *f, const char *id, const char *name, const char *level,
                     const char *parent, int year, const int64_t v[NV])
{
    fprintf(f,
            "%s,%s,%s,%s,%d,%" PRId64 ",%" PRId64 ",,%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64
            ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 "\n",
            id, name, level, parent, year, v[V_POP], v[V_FB], v[V_FBF], v[V_INTERNAL], v[V_URBAN],
            v[V_BIRTHS], v[V_DEATHS], v[V_NET_INT], v[V_NET_INTL], v[V_0_14], v[V_15_64], v[V_65]);
}

static void city_id(char *buf, size_t size, unsigned c)
{
    if (c % 20 == 0)
        snprintf(buf, size, "\"City %06u, State\"", c);
    else
        snprintf(buf, size, "CITY-%06u", c);
}

static void city_name(char *buf, size_t size, unsigned c)
{
    if (c % 20 == 10)
        snprintf(buf, size, "\"Town %06u, Province\"", c);
    else
        snprintf(buf, size, "Town %06u", c);
}

static int areas(unsigned long long nareas, unsigned long long years, const char *dir)
{
    if (nareas > 10000000 || years > 150) {
        fprintf(stderr, "gen_shapes: at most 10,000,000 areas and 150 years\n");
        return 2;
    }
    unsigned ncountries = nareas >= 10 * COUNTRIES ? COUNTRIES : (unsigned)(nareas + 9) / 10;
    unsigned ncities = (unsigned)nareas - ncountries;
    /* Populations the year before: the cities', then each rest of a country. */
    size_t nunits = (size_t)ncities + ncountries;
    int64_t *pop = malloc(nunits * sizeof *pop);
    int64_t(*country)[NV] = malloc(ncountries * sizeof *country);
    if (!pop || !country) {
        fprintf(stderr, "gen_shapes: out of memory\n");
        return 1;
    }
    for (size_t u = 0; u < nunits; u++)
        pop[u] = (int64_t)(u < ncities ? pick(hash3(u, 0, 0x1234), 0, 20000, 2000000)
                                       : pick(hash3(u, 0, 0x1234), 0, 1000000, 20000000));

    char path[4096], id[64], name[64], parent[16];
    FILE *f = create(dir, "areas.csv", path, sizeof path);
    fputs("area_id,name,level,parent_id,year,population,foreign_born,foreign_born_share,"
          "foreign_born_female,internal_migrants,urban_population,births,deaths,"
          "net_internal_migration,net_international_migration,pop_0_14,pop_15_64,pop_65_plus\n",
          f);
    int64_t v[NV];
    for (unsigned long long k = 0; k < years; k++) {
        int year = AREAS_FIRST_YEAR + (int)k;
        /* The countries: the rest of each, then their cities added. */
        for (unsigned c = 0; c < ncountries; c++)
            unit_values((uint64_t)ncities + c, year, pop[ncities + c], country[c]);
        for (unsigned c = 0; c < ncities; c++) {
            unit_values(c, year, pop[c], v);
            int64_t *sum = country[hash3(c, 7, 0xabcdef) % ncountries];
            for (int i = 0; i < NV; i++)
                sum[i] += v[i];
        }
        for (unsigned c = 0; c < ncountries; c++) {
            snprintf(id, sizeof id, "C%03u", c);
            snprintf(name, sizeof name, "Country %03u", c);
            area_row(f, id, name, "country", "", year, country[c]);
            pop[ncities + c] = unit_values((uint64_t)ncities + c, year, pop[ncities + c], v);
        }
        for (unsigned c = 0; c < ncities; c++) {
            pop[c] = unit_values(c, year, pop[c], v);
            city_id(id, sizeof id, c);
            city_name(name, sizeof name, c);
            snprintf(parent, sizeof parent, "C%03u",
                     (unsigned)(hash3(c, 7, 0xabcdef) % ncountries));
            area_row(f, id, name, "city", parent, year, v);
        }
    }
    finish(f, path);
    free(pop);
    free(country);
    return 0;
}

/* ---- stocks: areas x origins x years x sexes ---- */

static void stock_area(char *buf, size_t size, unsigned a)
{
    if (a % 20 == 0)
        snprintf(buf, size, "\"Town %05u, County\"", a);
    else
        snprintf(buf, size, "AREA-%05u", a);
}

static void stock_origin(char *buf, size_t size, unsigned o)
{
    if (o % 20 == 0)
        snprintf(buf, size, "\"Country %03u, Rep.\"", o);
    else
        snprintf(buf, size, "BORN-%03u", o);
}

static int stocks(unsigned long long rows, const char *dir)
{
    const unsigned nyears = sizeof stock_years / sizeof stock_years[0];
    const unsigned long long per_area = 3ULL * STOCK_ORIGINS * nyears;
    unsigned long long nareas = (rows + per_area - 1) / per_area;
    if (nareas > 99999) {
        fprintf(stderr, "gen_shapes: at most %llu stock rows\n", 99999 * per_area);
        return 2;
    }
    char path[4096], area[64], origin[64];
    FILE *f = create(dir, "stocks.csv", path, sizeof path);
    fputs("area_id,year,origin,sex,count\n", f);
    unsigned long long left = rows;
    for (unsigned a = 0; left > 0; a++) {
        stock_area(area, sizeof area, a);
        for (unsigned y = 0; y < nyears && left > 0; y++)
            for (unsigned o = 0; o < STOCK_ORIGINS && left > 0; o++) {
                uint64_t x = next();
                /* Origins of an area differ in size: a few are large. */
                unsigned scale = o % 37 == a % 37 ? 20000 : o % 7 == 0 ? 2000 : 200;
                unsigned fem = (unsigned)(x % scale), male = (unsigned)((x >> 32) % scale);
                stock_origin(origin, sizeof origin, o);
                if (left != 2)
                    fprintf(f, "%s,%d,%s,T,%u\n", area, stock_years[y], origin, fem + male);
                if (left != 1) {
                    fprintf(f, "%s,%d,%s,F,%u\n", area, stock_years[y], origin, fem);
                    fprintf(f, "%s,%d,%s,M,%u\n", area, stock_years[y], origin, male);
                }
                left -= left >= 3 ? 3 : left;
            }
    }
    finish(f, path);

    f = create(dir, "areas.csv", path, sizeof path);
    fputs("area_id,level,year,population\n", f);
    for (unsigned y = 0; y < nyears; y++)
        for (unsigned a = 0; a < nareas; a++) {
            stock_area(area, sizeof area, a);
            fprintf(f, "%s,city,%d,%u\n", area, stock_years[y],
                    600000 + a * 113 + (unsigned)(stock_years[y] - stock_years[0]) * 1000);
        }
    finish(f, path);
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: gen_shapes places ROWS DIR [DESTS ORIGINS]\n"
                    "       gen_shapes areas NAREAS YEARS DIR\n"
                    "       gen_shapes stocks ROWS DIR\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "places") == 0 && (argc == 4 || argc == 6)) {
        unsigned long long rows = number(argv[2], "ROWS");
        unsigned long long dests = argc == 6 ? number(argv[4], "DESTS") : 200000;
        unsigned long long origins = argc == 6 ? number(argv[5], "ORIGINS") : 1000000;
        if (origins <= dests || origins > 9999999 || dests > 999999) {
            fprintf(stderr, "gen_shapes: need DESTS < ORIGINS, at most 999,999 destinations "
                            "and 9,999,999 origins\n");
            return 2;
        }
        return places(rows, argv[3], (unsigned)dests, (unsigned)origins);
    }
    if (argc == 5 && strcmp(argv[1], "areas") == 0)
        return areas(number(argv[2], "NAREAS"), number(argv[3], "YEARS"), argv[4]);
    if (argc == 4 && strcmp(argv[1], "stocks") == 0)
        return stocks(number(argv[2], "ROWS"), argv[3]);
    return usage();
}
