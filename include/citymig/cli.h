/*
 * cli.h - the command line: parses arguments, runs a command, prints
 * messages, and returns the process exit code. The only module that prints
 * to the user or decides exit codes; main() just calls it.
 */
#ifndef CITYMIG_CLI_H
#define CITYMIG_CLI_H

#include <stdio.h>

#define CITYMIG_VERSION "0.1.0"

/* Runs citymig with argv; data goes to out, messages to err. */
int cm_cli_main(int argc, char **argv, FILE *out, FILE *err);

#endif
