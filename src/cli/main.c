/*
 * main.c - the citymig executable: everything else is in the library.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "citymig/cleanup.h"

#include "citymig/cli.h"

/* SIGINT and SIGTERM: remove the temporary files of outputs being written
   (an earlier output stays as it was), say so, and exit 128 + the signal. */
static void on_signal(int sig)
{
    static const char msg[] = "citymig: interrupted; no output was changed\n";
    cm_cleanup_now();
    ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)w;
    _exit(128 + sig);
}

/* Catches sig unless it was ignored on entry (nohup, a background job). */
static void catch_signal(int sig)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
        return;
    sigaction(sig, &sa, NULL);
}

int main(int argc, char **argv)
{
    catch_signal(SIGINT);
    catch_signal(SIGTERM);
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
