/*
 * status.c - messages and exit codes for cm_status.
 */
#include "citymig/status.h"

static const struct {
    const char *message;
    int exit_code;
} status_table[] = {
    [CM_OK] = {"success", 0},
    [CM_ERR_USAGE] = {"usage error", 2},
    [CM_ERR_DATA] = {"invalid input data", 65},
    [CM_ERR_NOINPUT] = {"input missing or unreadable", 66},
    [CM_ERR_CANTCREAT] = {"output cannot be created", 73},
    [CM_ERR_IO] = {"I/O error", 74},
    [CM_ERR_NOMEM] = {"out of memory", 70},
    [CM_ERR_INTERNAL] = {"internal error", 70},
    [CM_ERR_CHECK] = {"a checked figure drifted or is missing", 1},
};

_Static_assert(sizeof status_table / sizeof status_table[0] == CM_STATUS_COUNT,
               "every cm_status needs a message and an exit code");

const char *cm_status_str(cm_status status)
{
    if ((unsigned)status >= CM_STATUS_COUNT)
        return "unknown status";
    return status_table[status].message;
}

int cm_status_exit_code(cm_status status)
{
    if ((unsigned)status >= CM_STATUS_COUNT)
        return 70;
    return status_table[status].exit_code;
}

cm_status cm_status_worse(cm_status a, cm_status b)
{
    static const int rank[CM_STATUS_COUNT] = {
        [CM_OK] = 0,        [CM_ERR_DATA] = 1,      [CM_ERR_NOINPUT] = 2,
        [CM_ERR_IO] = 3,    [CM_ERR_INTERNAL] = 4,  [CM_ERR_NOMEM] = 5,
        [CM_ERR_USAGE] = 1, [CM_ERR_CANTCREAT] = 3, [CM_ERR_CHECK] = 1,
    };
    if ((unsigned)a >= CM_STATUS_COUNT || (unsigned)b >= CM_STATUS_COUNT)
        return CM_ERR_INTERNAL;
    return rank[b] > rank[a] ? b : a;
}
