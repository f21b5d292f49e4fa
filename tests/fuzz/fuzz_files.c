/*
 * fuzz_files.c - the parsers that read files: a manifest with one download
 * beside it, and a figures file. The input holds the manifest, a 0xFF byte,
 * then the download (also read as a figures file). Files go to a scratch
 * directory of this process.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "citymig/check.h"
#include "citymig/dataset.h"

static char dir[64];

static void put(const char *name, const uint8_t *data, size_t size)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (size)
        fwrite(data, 1, size, f);
    fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/cm-fuzz-%ld", (long)getpid());
        char cmd[128];
        snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
        if (system(cmd) != 0)
            abort();
    }
    const uint8_t *sep = memchr(data, 0xff, size);
    size_t mlen = sep ? (size_t)(sep - data) : size;
    const uint8_t *rest = sep ? sep + 1 : data + size;
    size_t rlen = sep ? size - mlen - 1 : 0;
    put("dataset.ini", data, mlen);
    put("d.csv", rest, rlen);

    char path[128];
    cm_diag diag;
    cm_diag_init(&diag, NULL, NULL, 0);
    cm_load_options lo = {0};
    lo.csv.max_field = 4096;
    cm_dataset *ds = NULL;
    snprintf(path, sizeof path, "%s/dataset.ini", dir);
    cm_dataset_load(path, &lo, &diag, &ds);
    cm_dataset_free(ds);

    cm_figures figures;
    snprintf(path, sizeof path, "%s/d.csv", dir);
    if (cm_figures_load(path, &diag, &figures) == CM_OK)
        cm_figures_free(&figures);
    return 0;
}
