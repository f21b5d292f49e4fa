/*
 * xlsx_baseline.c - what libxlsxwriter alone needs to write a number of
 * cells, in the mode citymig uses (constant memory: rows streamed to a
 * temporary file, strings inline), for the report's cost to be set
 * against. The benchmark passes the report's own mix, counted in the
 * workbook it wrote: how many cells, how many of them text, and the text's
 * mean length. Text cells are drawn from 5,000 distinct strings of that
 * length, numbers are fractions; ten cells to a row, and a new sheet
 * when one is full (Excel's 1,048,576 rows), as the report's tables go on
 * in parts.
 *
 *   xlsx_baseline CELLS TEXT_CELLS TEXT_LENGTH OUT.xlsx
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

static unsigned long long number(const char *s, const char *what)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || end == s) {
        fprintf(stderr, "xlsx_baseline: %s must be a number\n", what);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: xlsx_baseline CELLS TEXT_CELLS TEXT_LENGTH OUT.xlsx\n");
        return 2;
    }
    unsigned long long cells = number(argv[1], "CELLS");
    unsigned long long texts = number(argv[2], "TEXT_CELLS");
    unsigned long long length = number(argv[3], "TEXT_LENGTH");
    if (cells == 0 || texts > cells || length < 5 || length > 200) {
        fprintf(stderr,
                "xlsx_baseline: need 0 < TEXT_CELLS <= CELLS and 5 <= TEXT_LENGTH <= 200\n");
        return 2;
    }
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(argv[4], &opt);
    lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, "Cells") : NULL;
    if (!ws) {
        fprintf(stderr, "xlsx_baseline: cannot create %s\n", argv[4]);
        return 1;
    }
    const unsigned long long SHEET_CELLS = 10ULL * 1048576; /* cells of a full sheet */
    char text[256];
    unsigned long long written_texts = 0;
    for (unsigned long long i = 0; i < cells; i++) {
        if (i && i % SHEET_CELLS == 0) {
            char name[32];
            snprintf(name, sizeof name, "Cells %llu", i / SHEET_CELLS + 1);
            ws = workbook_add_worksheet(wb, name);
            if (!ws) {
                fprintf(stderr, "xlsx_baseline: cannot add a sheet\n");
                return 1;
            }
        }
        lxw_row_t row = (lxw_row_t)(i % SHEET_CELLS / 10);
        lxw_col_t col = (lxw_col_t)(i % 10);
        lxw_error e;
        /* Text cells spread evenly over the cells. */
        if ((i + 1) * texts / cells > written_texts) {
            written_texts++;
            /* "A" and four digits, padded to the length. */
            snprintf(text, sizeof text, "A%04llu", i * 7919 % 5000);
            memset(text + 5, 'x', length - 5);
            text[length] = '\0';
            e = worksheet_write_string(ws, row, col, text, NULL);
        } else {
            e = worksheet_write_number(ws, row, col, (double)(i * 2654435761u % 1000003) / 7.0,
                                       NULL);
        }
        if (e != LXW_NO_ERROR) {
            fprintf(stderr, "xlsx_baseline: %s\n", lxw_strerror(e));
            return 1;
        }
    }
    lxw_error e = workbook_close(wb);
    if (e != LXW_NO_ERROR) {
        fprintf(stderr, "xlsx_baseline: %s\n", lxw_strerror(e));
        return 1;
    }
    printf("%llu cells, %llu of them text\n", cells, written_texts);
    return 0;
}
