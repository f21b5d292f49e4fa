/*
 * main.c - the citymig executable: everything else is in the library.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "citymig/cli.h"

int main(int argc, char **argv)
{
    /* Past a file size limit (ulimit -f), let writes fail with EFBIG, which
       the writers report, rather than be killed with the file half written. */
    signal(SIGXFSZ, SIG_IGN);
    int code = cm_cli_main(argc, argv, stdout, stderr);
    /* A full disk or closed pipe on stdout must not pass silently. */
    if (fclose(stdout) != 0 && code == 0) {
        fprintf(stderr, "citymig: error: writing output failed: %s\n", strerror(errno));
        code = 74;
    }
    return code;
}
