/*
 * main.c - the citymig executable: everything else is in the library.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "citymig/cleanup.h"

#include "citymig/cli.h"

int main(int argc, char **argv)
{
    /* A signal that would end the process removes the temporary files of
       outputs being written (an earlier output stays as it was), stops the
       workbook writer, says so and exits 128 + the signal. Past a file size
       limit (ulimit -f) writes fail with EFBIG, which the writers report,
       rather than the process being killed with the file half written. */
    cm_signals_install();
    int code = cm_cli_main(argc, argv, stdout, stderr);
    /* A full disk or closed pipe on stdout must not pass silently. */
    if (fclose(stdout) != 0 && code == 0) {
        fprintf(stderr, "citymig: error: writing output failed: %s\n", strerror(errno));
        code = 74;
    }
    return code;
}
