/*
 * cli.h - the command line: parses arguments, runs a command, prints
 * messages, and returns the process exit code. The only module that prints
 * to the user or decides exit codes; main() just calls it.
 */
#ifndef CITYMIG_CLI_H
#define CITYMIG_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "citymig/version.h"

/** An option of the command line, as --help, the man page and the
    completion describe it. */
typedef struct cm_cli_option {
    int id;
    char short_name;       /* 0: none */
    const char *long_name; /* without the dashes */
    const char *arg;       /* the value's name, or NULL for a flag */
    const char *help;
} cm_cli_option;

/** Every option, in the order of --help. */
const cm_cli_option *cm_cli_options(size_t *count);

/* Runs citymig with argv; data goes to out, messages to err. */
int cm_cli_main(int argc, char **argv, FILE *out, FILE *err);

#endif
