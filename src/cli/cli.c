/*
 * cli.c - argument parsing and the commands.
 *
 * Options are parsed by hand (no getopt: it keeps global state, and the
 * tests run the CLI many times in one process). Long options take their
 * value as --opt=VALUE or --opt VALUE; options and operands may be mixed;
 * "--" ends the options.
 */
#include "citymig/cli.h"

#include <csv.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include "citymig/dataset.h"
#include "citymig/summary.h"
#include "citymig/value.h"
#include "citymig/xlsx.h"

#define DEFAULT_MAX_ERRORS 100

static const char usage_text[] =
    "Usage: citymig COMMAND [OPTIONS] DATASET\n"
    "       citymig --help | --version\n"
    "\n"
    "Migration and urbanization indicators from city and migrant CSV tables.\n"
    "\n"
    "Commands:\n"
    "  validate DATASET    Read every table of DATASET, check every value, list\n"
    "                      every problem (file:line:column), print a summary.\n"
    "\n"
    "A DATASET is a directory holding any of areas.csv, stocks.csv, flows.csv and\n"
    "services.csv (UTF-8, comma-separated, with a header row).\n"
    "\n"
    "Options:\n"
    "  --max-errors N      Stop after N errors (default 100; 0: no limit).\n"
    "  --strict            Treat unknown columns as errors, not notes.\n"
    "  -q, --quiet         Print errors only: no notes, no summary.\n"
    "  -h, --help          Show this help and exit.\n"
    "  -V, --version       Show the version of citymig and its libraries.\n"
    "\n"
    "Costs: memory grows with the number of distinct areas, years and origins,\n"
    "not with the number of rows; flows are summed while they are read.\n"
    "\n"
    "Exit status:\n"
    "  0   success                     66  input missing or unreadable\n"
    "  1   check: a figure drifted     70  internal error or out of memory\n"
    "  2   usage error                 73  output cannot be created\n"
    "  65  invalid input data          74  I/O error while writing\n";

typedef struct options {
    const char *command;
    const char *dataset;
    size_t max_errors;
    bool strict;
    bool quiet;
} options;

typedef struct printer {
    FILE *err;
    bool quiet;
} printer;

static void print_diag(void *ctx, const cm_diag_msg *msg)
{
    printer *p = ctx;
    if (p->quiet && msg->severity == CM_SEV_NOTE)
        return;
    if (msg->loc.file && msg->loc.line && msg->loc.col)
        fprintf(p->err, "%s:%" PRIu64 ":%" PRIu32 ": ", msg->loc.file, msg->loc.line, msg->loc.col);
    else if (msg->loc.file && msg->loc.line)
        fprintf(p->err, "%s:%" PRIu64 ": ", msg->loc.file, msg->loc.line);
    else if (msg->loc.file)
        fprintf(p->err, "%s: ", msg->loc.file);
    else
        fprintf(p->err, "citymig: ");
    fprintf(p->err, "%s: %s\n", cm_severity_str(msg->severity), msg->text);
}

static int usage_error(FILE *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int usage_error(FILE *err, const char *fmt, ...)
{
    va_list ap;
    fprintf(err, "citymig: error: ");
    va_start(ap, fmt);
    vfprintf(err, fmt, ap);
    va_end(ap);
    fprintf(err, "\nTry 'citymig --help' for more information.\n");
    return cm_status_exit_code(CM_ERR_USAGE);
}

static int print_version(FILE *out)
{
    fprintf(out, "citymig %s\n", CITYMIG_VERSION);
    fprintf(out, "libcsv %d.%d.%d\n", CSV_MAJOR, CSV_MINOR, CSV_RELEASE);
    fprintf(out, "libxlsxwriter %s\n", cm_xlsx_library_version());
    return 0;
}

/* Matches "--name" or "--name=value"; sets *value to the inline value. */
static bool long_opt(const char *arg, const char *name, const char **value)
{
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0)
        return false;
    if (arg[n] == '\0') {
        *value = NULL;
        return true;
    }
    if (arg[n] == '=') {
        *value = arg + n + 1;
        return true;
    }
    return false;
}

/* Returns -1 when parsing succeeded, else an exit code (0 for --help). */
static int parse_args(int argc, char **argv, options *o, FILE *out, FILE *err)
{
    bool options_done = false;
    memset(o, 0, sizeof *o);
    o->max_errors = DEFAULT_MAX_ERRORS;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = NULL;
        if (!options_done && arg[0] == '-' && arg[1] != '\0') {
            if (strcmp(arg, "--") == 0) {
                options_done = true;
            } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
                fputs(usage_text, out);
                return 0;
            } else if (strcmp(arg, "-V") == 0 || strcmp(arg, "--version") == 0) {
                return print_version(out);
            } else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
                o->quiet = true;
            } else if (strcmp(arg, "--strict") == 0) {
                o->strict = true;
            } else if (long_opt(arg, "--max-errors", &value)) {
                if (!value) {
                    if (i + 1 >= argc)
                        return usage_error(err, "option '--max-errors' needs a number");
                    value = argv[++i];
                }
                int64_t n;
                cm_parse_error pe = cm_parse_count(value, strlen(value), &n);
                if (pe == CM_PARSE_RANGE)
                    return usage_error(err, "option '--max-errors': '%s' is too large", value);
                if (pe != CM_PARSE_OK)
                    return usage_error(err,
                                       "option '--max-errors': '%s' is not a whole number "
                                       "(expected 0 or more)",
                                       value);
                o->max_errors = (size_t)n;
            } else {
                return usage_error(err, "unknown option '%s'", arg);
            }
            continue;
        }
        if (!o->command)
            o->command = arg;
        else if (!o->dataset)
            o->dataset = arg;
        else
            return usage_error(err, "unexpected argument '%s'", arg);
    }
    if (!o->command)
        return usage_error(err, "no command given");
    return -1;
}

static int cmd_validate(const options *o, FILE *out, FILE *err)
{
    printer p = {err, o->quiet};
    cm_diag diag;
    cm_load_options lopts = {0};
    cm_dataset *ds = NULL;

    if (!o->dataset)
        return usage_error(err, "validate needs a DATASET directory");
    lopts.strict = o->strict;
    cm_diag_init(&diag, print_diag, &p, o->max_errors);

    cm_status st = cm_dataset_load(o->dataset, &lopts, &diag, &ds);
    if (st == CM_ERR_NOMEM) {
        fprintf(err, "citymig: error: out of memory\n");
        cm_dataset_free(ds);
        return cm_status_exit_code(st);
    }
    if (cm_diag_full(&diag))
        fprintf(err,
                "citymig: error: stopped after %zu error%s (raise the limit with --max-errors)\n",
                diag.errors, diag.errors == 1 ? "" : "s");
    if (ds && !o->quiet)
        cm_summary_write(ds, out);
    if (st == CM_OK) {
        if (!o->quiet)
            fprintf(out, "valid: 0 errors, %zu warning%s, %zu note%s\n", diag.warnings,
                    diag.warnings == 1 ? "" : "s", diag.notes, diag.notes == 1 ? "" : "s");
    } else if (ds) {
        fprintf(err, "citymig: %s is invalid: %zu error%s\n", o->dataset, diag.errors,
                diag.errors == 1 ? "" : "s");
    }
    cm_dataset_free(ds);
    return cm_status_exit_code(st);
}

int cm_cli_main(int argc, char **argv, FILE *out, FILE *err)
{
    options o;
    int code = parse_args(argc, argv, &o, out, err);
    if (code >= 0)
        return code;
    if (strcmp(o.command, "validate") == 0)
        return cmd_validate(&o, out, err);
    return usage_error(err, "unknown command '%s' (expected: validate)", o.command);
}
