/*
 * xlsx_baseline.c - what libxlsxwriter alone needs to write a number of
 * cells, in the mode citymig uses (constant memory: rows streamed to a
 * temporary file, strings inline), for the report's cost to be set
 * against. Half the cells are numbers, half short strings from a set of
 * 5,000, ten to a row: the mix of citymig's long indicator table.
 *
 *   xlsx_baseline CELLS OUT.xlsx
 */
#include <stdio.h>
#include <stdlib.h>

#include <xlsxwriter.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: xlsx_baseline CELLS OUT.xlsx\n");
        return 2;
    }
    char *end;
    unsigned long long cells = strtoull(argv[1], &end, 10);
    if (*end || cells == 0) {
        fprintf(stderr, "xlsx_baseline: CELLS must be a positive number\n");
        return 2;
    }
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(argv[2], &opt);
    lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, "Cells") : NULL;
    if (!ws) {
        fprintf(stderr, "xlsx_baseline: cannot create %s\n", argv[2]);
        return 1;
    }
    char name[32];
    for (unsigned long long i = 0; i < cells; i++) {
        lxw_row_t row = (lxw_row_t)(i / 10);
        lxw_col_t col = (lxw_col_t)(i % 10);
        lxw_error e;
        if (col % 2 == 0) {
            snprintf(name, sizeof name, "City %04llu", i * 7919 % 5000);
            e = worksheet_write_string(ws, row, col, name, NULL);
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
    printf("%llu cells\n", cells);
    return 0;
}
