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
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "citymig/catalogue.h"
#include "citymig/check.h"
#include "citymig/dataset.h"
#include "citymig/indicators.h"
#include "citymig/longtable.h"
#include "citymig/outfile.h"
#include "citymig/rules.h"
#include "citymig/summary.h"
#include "citymig/xlsx.h"
#include "citymig/value.h"
#include "citymig/xlsx.h"

#define DEFAULT_MAX_ERRORS 100

static const char usage_text[] =
    "Usage: citymig COMMAND [OPTIONS] DATASET\n"
    "       citymig catalogue\n"
    "       citymig --help | --version\n"
    "\n"
    "Migration and urbanization indicators from city and migrant CSV tables.\n"
    "\n"
    "Commands:\n"
    "  validate DATASET    Read every table of DATASET, check every value, list\n"
    "                      every problem (file:line:column), print a summary.\n"
    "  indicators DATASET  Compute every indicator and apply the rules; write the\n"
    "                      long table (CSV or JSON) to standard output or -o FILE.\n"
    "  report DATASET -o FILE.xlsx\n"
    "                      Write the workbook: Summary, Areas, Flows, Diversity,\n"
    "                      Services, Flags, Charts, Definitions, Sources.\n"
    "  check DATASET --expect FIGURES.csv [--junit FILE]\n"
    "                      Recompute published figures and compare them, within\n"
    "                      their tolerances; exit 1 when one drifted or has no value.\n"
    "  catalogue           Print the indicator catalogue (Markdown).\n"
    "\n"
    "A DATASET is a directory holding any of areas.csv, stocks.csv, flows.csv and\n"
    "services.csv (UTF-8, comma-separated, with a header row).\n"
    "\n"
    "Options:\n"
    "  --format csv|json   Output format of indicators (default csv).\n"
    "  -o, --output FILE   Write to FILE (atomically: a temporary file renamed into\n"
    "                      place) instead of standard output; '-' is standard output.\n"
    "  --year Y[-Y2]       Only results of year Y, or of years Y to Y2.\n"
    "  --min-count N       Suppress counts from 1 to N-1 and all that derives from\n"
    "                      them (default 0: off).\n"
    "  --rules FILE        Rules CSV to apply instead of the built-in conference set.\n"
    "  --hits FILE         Also write the rule hits as CSV to FILE.\n"
    "  --expect FILE       check: the figures to recompute (CSV: area_id, year,\n"
    "                      indicator, expected, tolerance [, base_year, kind,\n"
    "                      service, source]; tolerance 0.5 or 1%).\n"
    "  --junit FILE        check: also write the results as JUnit XML.\n"
    "  --keep-going        Skip bad rows with a warning instead of stopping at the\n"
    "                      first error; keep rows that fail a cross-field check and\n"
    "                      flag what derives from them 'inconsistent'.\n"
    "  --max-errors N      validate: stop after N errors (default 100; 0: no limit).\n"
    "  --strict            Treat unknown columns as errors, not notes.\n"
    "  -q, --quiet         Print errors only: no notes, no summary.\n"
    "  -h, --help          Show this help and exit.\n"
    "  -V, --version       Show the version of citymig and its libraries.\n"
    "\n"
    "Environment:\n"
    "  SOURCE_DATE_EPOCH   report: the workbook's date, in seconds since 1970;\n"
    "                      two runs with the same value give identical files.\n"
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
    bool max_errors_set;
    bool strict;
    bool quiet;
    bool keep_going;
    cm_format format;
    const char *output;
    const char *rules;
    const char *hits;
    const char *expect;
    const char *junit;
    int64_t min_count;
    int32_t year_from, year_to;
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

/* The value of an option given as a separate argument, or NULL. */
static const char *next_value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc)
        return NULL;
    return argv[++*i];
}

/* "2011" or "2011-2015". */
static int parse_years(const char *s, int32_t *from, int32_t *to)
{
    const char *dash = strchr(s, '-');
    size_t n = dash ? (size_t)(dash - s) : strlen(s);
    if (cm_parse_year(s, n, from) != CM_PARSE_OK)
        return -1;
    *to = *from;
    if (dash && cm_parse_year(dash + 1, strlen(dash + 1), to) != CM_PARSE_OK)
        return -1;
    return *from <= *to ? 0 : -1;
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
            } else if (strcmp(arg, "--keep-going") == 0) {
                o->keep_going = true;
            } else if (long_opt(arg, "--max-errors", &value) ||
                       long_opt(arg, "--min-count", &value)) {
                bool max = strncmp(arg, "--max-errors", 12) == 0;
                const char *name = max ? "--max-errors" : "--min-count";
                if (!value && (value = next_value(argc, argv, &i)) == NULL)
                    return usage_error(err, "option '%s' needs a number", name);
                int64_t n;
                cm_parse_error pe = cm_parse_count(value, strlen(value), &n);
                if (pe == CM_PARSE_RANGE)
                    return usage_error(err, "option '%s': '%s' is too large", name, value);
                if (pe != CM_PARSE_OK)
                    return usage_error(err,
                                       "option '%s': '%s' is not a whole number "
                                       "(expected 0 or more)",
                                       name, value);
                if (max) {
                    o->max_errors = (size_t)n;
                    o->max_errors_set = true;
                } else {
                    o->min_count = n;
                }
            } else if (long_opt(arg, "--format", &value)) {
                if (!value && (value = next_value(argc, argv, &i)) == NULL)
                    return usage_error(err, "option '--format' needs csv or json");
                if (strcmp(value, "csv") == 0)
                    o->format = CM_FORMAT_CSV;
                else if (strcmp(value, "json") == 0)
                    o->format = CM_FORMAT_JSON;
                else
                    return usage_error(err, "option '--format': '%s' is not csv or json", value);
            } else if (strcmp(arg, "-o") == 0 || long_opt(arg, "--output", &value)) {
                if (!value && (value = next_value(argc, argv, &i)) == NULL)
                    return usage_error(err, "option '%s' needs a file name", arg);
                o->output = value;
            } else if (long_opt(arg, "--rules", &value)) {
                if (!value && (value = next_value(argc, argv, &i)) == NULL)
                    return usage_error(err, "option '--rules' needs a file name");
                o->rules = value;
            } else if (long_opt(arg, "--expect", &value)) {
                if (!value && (value = next_value(argc, argv, &i)) == NULL)
                    return usage_error(err, "option '--expect' needs a figures file");
                o->expect = value;
            } else if (long_opt(arg, "--junit", &value)) {
                if (!value && (value = next_value(argc, argv, &i)) == NULL)
                    return usage_error(err, "option '--junit' needs a file name");
                o->junit = value;
            } else if (long_opt(arg, "--hits", &value)) {
                if (!value && (value = next_value(argc, argv, &i)) == NULL)
                    return usage_error(err, "option '--hits' needs a file name");
                o->hits = value;
            } else if (long_opt(arg, "--year", &value)) {
                if (!value && (value = next_value(argc, argv, &i)) == NULL)
                    return usage_error(err, "option '--year' needs a year or a range Y1-Y2");
                if (parse_years(value, &o->year_from, &o->year_to) != 0)
                    return usage_error(err,
                                       "option '--year': '%s' is not a year or a range such as "
                                       "2011-2015 (years 1800 to 2200)",
                                       value);
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

/* Loads the rules: --rules FILE, or the built-in set. */
static cm_status load_rules(const options *o, cm_diag *diag, cm_rules *rules)
{
    if (o->rules)
        return cm_rules_load_file(o->rules, diag, rules);
    return cm_rules_load_default(diag, rules);
}

/* Writes the long table (and, with --hits, the hits) atomically. */
static cm_status write_outputs(const options *o, const cm_results *results, const cm_rules *rules,
                               const cm_hit *hits, size_t nhits, cm_diag *diag)
{
    cm_outfile table, hits_file;
    cm_status st = cm_outfile_open(&table, o->output, diag);
    if (st != CM_OK)
        return st;
    if (o->hits) {
        st = cm_outfile_open(&hits_file, o->hits, diag);
        if (st != CM_OK) {
            cm_outfile_abort(&table);
            return st;
        }
        cm_hits_write_csv(hits_file.fp, results, rules, hits, nhits);
    }
    cm_longtable_write(table.fp, o->format, o->dataset, results, rules, hits, nhits);
    /* Commit the hits first: a failed table then leaves both untouched
       unless the hits were already renamed, which the order keeps rare. */
    if (o->hits) {
        st = cm_outfile_commit(&hits_file, diag);
        if (st != CM_OK) {
            cm_outfile_abort(&table);
            return st;
        }
    }
    return cm_outfile_commit(&table, diag);
}

static int cmd_indicators(const options *o, FILE *err)
{
    printer p = {err, o->quiet};
    cm_diag diag;
    cm_load_options lopts = {0};
    cm_dataset *ds = NULL;
    cm_rules rules = {0};
    cm_results results = {0};
    cm_hit *hits = NULL;
    size_t nhits = 0;

    if (!o->dataset)
        return usage_error(err, "indicators needs a DATASET directory");
    lopts.strict = o->strict;
    lopts.keep_going = o->keep_going;
    /* Stop at the first error, unless --keep-going turns row errors into
       warnings (structural errors still stop a file). */
    cm_diag_init(&diag, print_diag, &p, o->keep_going ? o->max_errors : 1);

    cm_status st = load_rules(o, &diag, &rules);
    if (st == CM_OK)
        st = cm_dataset_load(o->dataset, &lopts, &diag, &ds);
    if (st == CM_OK) {
        cm_indicator_options iopts = {o->min_count, o->year_from, o->year_to};
        st = cm_indicators_compute(ds, &iopts, &results);
    }
    if (st == CM_OK)
        st = cm_rules_apply(&rules, &results, &hits, &nhits);
    if (st == CM_OK)
        st = write_outputs(o, &results, &rules, hits, nhits, &diag);
    if (st == CM_ERR_NOMEM)
        fprintf(err, "citymig: error: out of memory\n");
    else if (st == CM_ERR_DATA || st == CM_ERR_NOINPUT)
        fprintf(err, "citymig: no indicators written: %s\n", cm_status_str(st));
    free(hits);
    cm_results_free(&results);
    cm_rules_free(&rules);
    cm_dataset_free(ds);
    return cm_status_exit_code(st);
}

/* Prints each message and keeps a copy for the report's Sources sheet. */
typedef struct collector {
    printer p;
    char **items;
    size_t count, cap;
    bool failed;
} collector;

static void collect_diag(void *ctx, const cm_diag_msg *msg)
{
    collector *c = ctx;
    print_diag(&c->p, msg);
    if (c->count >= 10001 || c->failed)
        return; /* the sheet lists 10,000 and says how many more */
    if (c->count == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        char **items = realloc(c->items, cap * sizeof *items);
        if (!items) {
            c->failed = true;
            return;
        }
        c->items = items;
        c->cap = cap;
    }
    char text[1400];
    if (msg->loc.file && msg->loc.line)
        snprintf(text, sizeof text, "%s:%" PRIu64 ":%" PRIu32 ": %s: %s", msg->loc.file,
                 msg->loc.line, msg->loc.col, cm_severity_str(msg->severity), msg->text);
    else
        snprintf(text, sizeof text, "%s: %s: %s", msg->loc.file ? msg->loc.file : "citymig",
                 cm_severity_str(msg->severity), msg->text);
    c->items[c->count] = strdup(text);
    if (c->items[c->count])
        c->count++;
    else
        c->failed = true;
}

/* SOURCE_DATE_EPOCH: seconds since 1970, digits only. 1 when malformed. */
static int source_date_epoch(time_t *out, int *set, FILE *err)
{
    const char *v = getenv("SOURCE_DATE_EPOCH");
    int64_t n;
    *set = 0;
    *out = time(NULL);
    if (!v)
        return 0;
    if (cm_parse_count(v, strlen(v), &n) != CM_PARSE_OK || n > INT64_C(253402300799)) {
        fprintf(err,
                "citymig: error: SOURCE_DATE_EPOCH: '%s' is not a time (expected seconds "
                "since 1970-01-01, digits only, up to year 9999)\n",
                v);
        return 1;
    }
    *out = (time_t)n;
    *set = 1;
    return 0;
}

static int cmd_report(const options *o, FILE *err)
{
    collector col = {{err, o->quiet}, NULL, 0, 0, false};
    cm_diag diag;
    cm_load_options lopts = {0};
    cm_dataset *ds = NULL;
    cm_rules rules = {0};
    cm_results results = {0};
    cm_hit *hits = NULL;
    size_t nhits = 0;
    cm_report_info info = {0};

    if (!o->dataset)
        return usage_error(err, "report needs a DATASET directory");
    if (!o->output)
        return usage_error(err, "report needs the workbook's name: -o FILE.xlsx");
    if (strcmp(o->output, "-") == 0)
        return usage_error(err, "a workbook cannot go to standard output: give -o FILE.xlsx");
    if (source_date_epoch(&info.created, &info.reproducible, err) != 0)
        return cm_status_exit_code(CM_ERR_USAGE);
    lopts.strict = o->strict;
    lopts.keep_going = o->keep_going;
    lopts.digest = true;
    cm_diag_init(&diag, collect_diag, &col, o->keep_going ? o->max_errors : 1);

    cm_status st = load_rules(o, &diag, &rules);
    if (st == CM_OK)
        st = cm_dataset_load(o->dataset, &lopts, &diag, &ds);
    if (st == CM_OK) {
        cm_indicator_options iopts = {o->min_count, o->year_from, o->year_to};
        st = cm_indicators_compute(ds, &iopts, &results);
    }
    if (st == CM_OK)
        st = cm_rules_apply(&rules, &results, &hits, &nhits);
    if (st == CM_OK) {
        info.dataset = o->dataset;
        info.min_count = o->min_count;
        info.year_from = o->year_from;
        info.year_to = o->year_to;
        info.rules_sha256 = rules.sha256;
        info.messages = (const char *const *)col.items;
        info.nmessages = col.count;
        st = cm_xlsx_write(o->output, ds, &results, &rules, hits, nhits, &info, &diag);
    }
    if (st == CM_OK && !o->quiet)
        fprintf(err, "citymig: wrote %s: %zu indicator values, %zu rule hits\n", o->output,
                results.count, nhits);
    else if (st == CM_ERR_NOMEM)
        fprintf(err, "citymig: error: out of memory\n");
    else if (st == CM_ERR_DATA || st == CM_ERR_NOINPUT)
        fprintf(err, "citymig: no report written: %s\n", cm_status_str(st));
    for (size_t i = 0; i < col.count; i++)
        free(col.items[i]);
    free(col.items);
    free(hits);
    cm_results_free(&results);
    cm_rules_free(&rules);
    cm_dataset_free(ds);
    return cm_status_exit_code(st);
}

static int cmd_check(const options *o, FILE *out, FILE *err)
{
    printer p = {err, o->quiet};
    cm_diag diag;
    cm_load_options lopts = {0};
    cm_dataset *ds = NULL;
    cm_results results = {0};
    cm_figures figures = {0};

    if (!o->dataset)
        return usage_error(err, "check needs a DATASET directory");
    if (!o->expect)
        return usage_error(err, "check needs the published figures: --expect FIGURES.csv");
    lopts.strict = o->strict;
    lopts.keep_going = o->keep_going;
    cm_diag_init(&diag, print_diag, &p, o->keep_going ? o->max_errors : 1);

    cm_status st = cm_figures_load(o->expect, &diag, &figures);
    if (st == CM_OK)
        st = cm_dataset_load(o->dataset, &lopts, &diag, &ds);
    if (st == CM_OK) {
        cm_indicator_options iopts = {o->min_count, o->year_from, o->year_to};
        st = cm_indicators_compute(ds, &iopts, &results);
    }
    size_t failed = 0;
    if (st == CM_OK) {
        failed = cm_figures_check(&figures, &results);
        cm_figures_write_table(out, &figures);
        if (o->junit) {
            cm_outfile junit;
            st = cm_outfile_open(&junit, o->junit, &diag);
            if (st == CM_OK) {
                cm_figures_write_junit(junit.fp, &figures, o->dataset);
                st = cm_outfile_commit(&junit, &diag);
            }
        }
    }
    if (st == CM_ERR_NOMEM)
        fprintf(err, "citymig: error: out of memory\n");
    else if (st == CM_ERR_DATA || st == CM_ERR_NOINPUT)
        fprintf(err, "citymig: nothing checked: %s\n", cm_status_str(st));
    cm_figures_free(&figures);
    cm_results_free(&results);
    cm_dataset_free(ds);
    if (st == CM_OK && failed)
        st = CM_ERR_CHECK;
    return cm_status_exit_code(st);
}

static int cmd_catalogue(FILE *out)
{
    return cm_catalogue_write_markdown(out) == 0 ? 0 : cm_status_exit_code(CM_ERR_IO);
}

int cm_cli_main(int argc, char **argv, FILE *out, FILE *err)
{
    options o;
    int code = parse_args(argc, argv, &o, out, err);
    if (code >= 0)
        return code;
    if (strcmp(o.command, "validate") == 0)
        return cmd_validate(&o, out, err);
    if (strcmp(o.command, "indicators") == 0)
        return cmd_indicators(&o, err);
    if (strcmp(o.command, "report") == 0)
        return cmd_report(&o, err);
    if (strcmp(o.command, "check") == 0)
        return cmd_check(&o, out, err);
    if (strcmp(o.command, "catalogue") == 0) {
        if (o.dataset)
            return usage_error(err, "catalogue takes no DATASET");
        return cmd_catalogue(out);
    }
    return usage_error(err,
                       "unknown command '%s' (expected validate, indicators, report, check or "
                       "catalogue)",
                       o.command);
}
