/*
 * csv_baseline.c - the floor citymig is measured against: libcsv parsing a
 * file on one core with no callbacks, read in 256 KiB chunks as citymig
 * reads. Prints the records seen (libcsv counts none without callbacks, so
 * a newline count stands in) and exits non-zero on a parse error.
 *
 *   csv_baseline FILE
 */
#include <csv.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { CHUNK = 256 * 1024 };

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: csv_baseline FILE\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return 1;
    csv_set_blk_size(&p, 4096);
    char *buf = malloc(CHUNK);
    if (!buf)
        return 1;
    unsigned long long bytes = 0;
    ssize_t n;
    while ((n = read(fd, buf, CHUNK)) > 0) {
        if (csv_parse(&p, buf, (size_t)n, NULL, NULL, NULL) != (size_t)n) {
            fprintf(stderr, "%s: %s\n", argv[1], csv_strerror(csv_error(&p)));
            return 1;
        }
        bytes += (unsigned long long)n;
    }
    if (n < 0 || csv_fini(&p, NULL, NULL, NULL) != 0) {
        fprintf(stderr, "%s: read or parse failed\n", argv[1]);
        return 1;
    }
    csv_free(&p);
    free(buf);
    close(fd);
    printf("%llu bytes\n", bytes);
    return 0;
}
