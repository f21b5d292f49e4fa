/*
 * grid.c - text split into records of cells, as the loader reads CSV:
 * '"' quoting, CR, LF and CRLF line ends, blank lines skipped; each cell
 * kept as UTF-8 text in one buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void dr_grid_free(grid *g)
{
    free(g->buf);
    free(g->cells);
    free(g->recs);
    memset(g, 0, sizeof *g);
}

static bool grid_reserve(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    void *grown = realloc(*p, c * size);
    if (!grown)
        return false;
    *p = grown;
    *cap = c;
    return true;
}

/* Appends a cell s[0..n) to the record being built. */
void dr_grid_cell(grid *g, const char *s, size_t n, bool quoted)
{
    if (g->nomem)
        return;
    if (!grid_reserve((void **)&g->buf, &g->cap, g->len + n + 1, 1) ||
        !grid_reserve((void **)&g->cells, &g->cells_cap, g->ncells + 1, sizeof *g->cells) ||
        g->len + n + 1 > UINT32_MAX) {
        g->nomem = true;
        return;
    }
    memcpy(g->buf + g->len, s, n);
    g->buf[g->len + n] = '\0';
    g->cells[g->ncells++] = (cell){(uint32_t)g->len, (uint32_t)n, quoted};
    g->len += n + 1;
}

void dr_grid_record(grid *g, size_t first, uint64_t line)
{
    if (g->nomem)
        return;
    if (!grid_reserve((void **)&g->recs, &g->recs_cap, g->nrecs + 1, sizeof *g->recs)) {
        g->nomem = true;
        return;
    }
    g->recs[g->nrecs++] = (record){first, g->ncells - first, line};
}

/*
 * Splits text into records at delim, '"' quoting, as the loader reads CSV
 * (a doubled quote inside quotes; CR, LF and CRLF each end a line, inside
 * quotes too; blank lines skipped). complete: the text is the whole file;
 * else a last record without a line end may be cut, and is dropped. At
 * most max_records are kept (0: all).
 */
void dr_parse_grid(grid *g, const char *p, size_t n, char delim, bool complete, size_t max_records)
{
    text field = {0};
    uint64_t line = 1;
    size_t i = 0;
    while (i < n && !g->nomem && (!max_records || g->nrecs < max_records)) {
        size_t first = g->ncells;
        uint64_t start_line = line;
        bool ended = false, blank = true;
        for (;;) {
            /* One field. */
            dr_text_clear(&field);
            bool quoted = false;
            if (i < n && p[i] == '"') {
                quoted = true;
                i++;
                for (;;) {
                    if (i >= n)
                        break;
                    if (p[i] == '"') {
                        if (i + 1 < n && p[i + 1] == '"') {
                            dr_text_add(&field, "\"", 1);
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    if (p[i] == '\n' || (p[i] == '\r' && !(i + 1 < n && p[i + 1] == '\n')))
                        line++;
                    dr_text_add(&field, p + i, 1);
                    i++;
                }
            }
            size_t start = i;
            while (i < n && p[i] != delim && p[i] != '\n' && p[i] != '\r')
                i++;
            dr_text_add(&field, p + start, i - start);
            if (field.len || quoted)
                blank = false;
            dr_grid_cell(g, dr_text_str(&field), field.len, quoted);
            if (i < n && p[i] == delim) {
                blank = false;
                i++;
                continue;
            }
            if (i < n) {
                /* A line end. */
                if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n')
                    i++;
                i++;
                line++;
                ended = true;
            }
            break;
        }
        if (field.nomem)
            g->nomem = true;
        if (!ended && !complete) {
            g->ncells = first; /* cut by the end of the sample */
            break;
        }
        if (blank)
            g->ncells = first; /* a blank line */
        else
            dr_grid_record(g, first, start_line);
    }
    free(field.s);
}
