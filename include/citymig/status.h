/*
 * status.h - the one status type every library function returns.
 *
 * Values are append-only: never renumber or reuse one. Each has a message in
 * status.c (checked by a static assertion) and a process exit code that the
 * CLI uses (sysexits.h values, as the specification's table gives them).
 */
#ifndef CITYMIG_STATUS_H
#define CITYMIG_STATUS_H

typedef enum cm_status {
    /** Success. */
    CM_OK = 0,
    /** The command line is wrong (unknown option, missing argument). */
    CM_ERR_USAGE,
    /** An input file holds invalid data (bad value, bad CSV, bad header). */
    CM_ERR_DATA,
    /** An input is missing or cannot be read. */
    CM_ERR_NOINPUT,
    /** An output file cannot be created. */
    CM_ERR_CANTCREAT,
    /** A read or write failed part way. */
    CM_ERR_IO,
    /** Memory could not be allocated. */
    CM_ERR_NOMEM,
    /** A bug: a state the code should never reach. */
    CM_ERR_INTERNAL,
    /** A checked figure drifted or could not be computed (check command). */
    CM_ERR_CHECK,
    CM_STATUS_COUNT
} cm_status;

/** A short English description of a status; never NULL. */
const char *cm_status_str(cm_status status);

/** The worse of two statuses, for a result made of several: out of memory
    above an internal error, above a failed write, above an unreadable
    input, above bad data. */
cm_status cm_status_worse(cm_status a, cm_status b);

/** The process exit code for a status (0, 1, 2, 65, 66, 70, 73, 74). */
int cm_status_exit_code(cm_status status);

#endif
