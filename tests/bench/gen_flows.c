/*
 * gen_flows.c - writes a synthetic dataset of the shape in SPEC 7, with a
 * fixed seed, so that every run and machine gets the same bytes:
 *
 *   gen_flows ROWS DIR     writes DIR/flows.csv (ROWS rows of one year)
 *                          and DIR/areas.csv (the destinations, two years)
 *
 * Flows: year, origin, destination, kind, sex, count; 5,000 destinations,
 * 20,000 origins (the destinations among them); every 20th destination and
 * every 10th origin is quoted and holds a comma, every 50th origin also a
 * doubled quote. About 47 bytes a row.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { DESTINATIONS = 5000, ORIGINS = 20000, YEAR = 2015 };

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t next(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

static void place_name(char *buf, size_t size, unsigned id)
{
    if (id < DESTINATIONS) {
        if (id % 20 == 0)
            snprintf(buf, size, "\"City %04u, State\"", id);
        else
            snprintf(buf, size, "DEST-%04u", id);
    } else if (id % 50 == 0) {
        snprintf(buf, size, "\"Place \"\"%05u\"\", Region\"", id);
    } else if (id % 10 == 0) {
        snprintf(buf, size, "\"Place %05u, Region\"", id);
    } else {
        snprintf(buf, size, "ORIGIN-%05u", id);
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: gen_flows ROWS DIR\n");
        return 2;
    }
    char *end;
    unsigned long long rows = strtoull(argv[1], &end, 10);
    if (*end || rows == 0) {
        fprintf(stderr, "gen_flows: ROWS must be a positive number\n");
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/flows.csv", argv[2]);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return 1;
    }
    static char buf[1 << 20];
    setvbuf(f, buf, _IOFBF, sizeof buf);
    fputs("year,origin,destination,kind,sex,count\n", f);
    char origin[64], dest[64];
    for (unsigned long long r = 0; r < rows; r++) {
        uint64_t x = next();
        unsigned d = (unsigned)(x % DESTINATIONS);
        unsigned o = (unsigned)((x >> 16) % ORIGINS);
        if (o == d)
            o = (o + 1) % ORIGINS;
        place_name(dest, sizeof dest, d);
        place_name(origin, sizeof origin, o);
        const char *kind = (x >> 40) % 5 == 0 ? "international" : "internal";
        const char *sex = (x >> 44) & 1 ? "F" : "M";
        fprintf(f, "%d,%s,%s,%s,%s,%u\n", YEAR, origin, dest, kind, sex,
                (unsigned)((x >> 48) % 999 + 1));
    }
    if (fclose(f) != 0) {
        perror(path);
        return 1;
    }

    snprintf(path, sizeof path, "%s/areas.csv", argv[2]);
    f = fopen(path, "w");
    if (!f) {
        perror(path);
        return 1;
    }
    fputs("area_id,level,year,population\n", f);
    for (int year = YEAR - 1; year <= YEAR; year++)
        for (unsigned d = 0; d < DESTINATIONS; d++) {
            place_name(dest, sizeof dest, d);
            fprintf(f, "%s,city,%d,%u\n", dest, year, 50000 + d * 37 + (unsigned)(year - YEAR) * 5);
        }
    if (fclose(f) != 0) {
        perror(path);
        return 1;
    }
    return 0;
}
