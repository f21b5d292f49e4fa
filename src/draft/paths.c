/*
 * paths.c - a download's path as the manifest writes it: relative to the
 * manifest's folder, with every link resolved where it exists.
 */
#define _GNU_SOURCE /* realpath */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* An absolute path, every link resolved where it exists, else by its text. */
static char *absolute(const char *path)
{
    char *real = realpath(path, NULL);
    if (real)
        return real;
    text t = {0};
    if (path[0] != '/') {
        char *cwd = getcwd(NULL, 0);
        if (!cwd)
            return NULL;
        dr_text_add(&t, cwd, strlen(cwd));
        free(cwd);
    }
    dr_text_add(&t, "/", 1);
    dr_text_add(&t, path, strlen(path));
    return t.s;
}

/* Splits a path into its components, "." and ".." resolved. */
static size_t components(char *path, char **parts, size_t max)
{
    size_t n = 0;
    for (char *save = NULL, *tok = strtok_r(path, "/", &save); tok;
         tok = strtok_r(NULL, "/", &save)) {
        if (strcmp(tok, ".") == 0)
            continue;
        if (strcmp(tok, "..") == 0) {
            if (n)
                n--;
            continue;
        }
        if (n < max)
            parts[n++] = tok;
    }
    return n;
}

/* file's path relative to the folder dir ("" for the current one). */
char *dr_relative_to(const char *dir, const char *file, bool *outside)
{
    enum { MAX_PARTS = 256 };
    char *d = absolute(*dir ? dir : "."), *f = absolute(file);
    char *dparts[MAX_PARTS], *fparts[MAX_PARTS];
    text out = {0};
    *outside = false;
    if (!d || !f) {
        free(d);
        free(f);
        return NULL;
    }
    size_t nd = components(d, dparts, MAX_PARTS), nf = components(f, fparts, MAX_PARTS);
    size_t common = 0;
    while (common < nd && common + 1 < nf && strcmp(dparts[common], fparts[common]) == 0)
        common++;
    for (size_t i = common; i < nd; i++) {
        dr_text_add(&out, "../", 3);
        *outside = true;
    }
    for (size_t i = common; i < nf; i++) {
        dr_text_add(&out, fparts[i], strlen(fparts[i]));
        if (i + 1 < nf)
            dr_text_add(&out, "/", 1);
    }
    free(d);
    free(f);
    return out.nomem ? (free(out.s), NULL) : out.s;
}
