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
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "citymig/catalogue.h"
#include "citymig/check.h"
#include "citymig/dataset.h"
#include "citymig/draft.h"
#include "citymig/flowscan.h"
#include "citymig/indicators.h"
#include "citymig/longtable.h"
#include "citymig/tablestream.h"
#include "citymig/outfile.h"
#include "citymig/rules.h"
#include "citymig/summary.h"
#include "citymig/utf8.h"
#include "citymig/value.h"
#include "citymig/xlsx.h"

#define DEFAULT_MAX_ERRORS 100

/* The commands, options, environment and exit codes: the one source of
   --help, of the man page (help2man reads --help) and of the bash
   completion (`citymig completion bash`). */
typedef struct command_def {
    const char *name;
    const char *synopsis;
    const char *help; /* lines after the first are indented */
} command_def;

static const command_def commands[] = {
    {"validate", "validate DATASET",
     "Read every table of DATASET, check every value, list every\n"
     "problem (file:line:column), print a summary."},
    {"indicators", "indicators DATASET",
     "Compute every indicator and apply the rules; write the long\n"
     "table (CSV or JSON) to standard output or -o FILE."},
    {"report", "report DATASET -o FILE.xlsx",
     "Write the workbook: Summary, Areas, Flows, Diversity, Services,\n"
     "Flags, Charts, Definitions, Sources."},
    {"check", "check DATASET --expect FIGURES.csv",
     "Recompute published figures and compare them within their\n"
     "tolerances; exit 1 when one drifted or has no value."},
    {"draft", "draft FILE... [-o dataset.ini]",
     "Read downloads as published and write a manifest to start\n"
     "from, to standard output or -o FILE; say on standard error what\n"
     "was guessed, and why."},
    {"catalogue", "catalogue", "Print the indicator catalogue (Markdown)."},
    {"completion", "completion bash", "Print a bash completion script for citymig."},
};

typedef enum opt_id {
    OPT_FORMAT,
    OPT_OUTPUT,
    OPT_YEAR,
    OPT_MIN_COUNT,
    OPT_RULES,
    OPT_HITS,
    OPT_EXPECT,
    OPT_JUNIT,
    OPT_KEEP_GOING,
    OPT_MAX_ERRORS,
    OPT_STRICT,
    OPT_ALLOW_OUTSIDE_FILES,
    OPT_RAW_TEXT,
    OPT_TITLE,
    OPT_PROGRESS,
    OPT_THREADS,
    OPT_PAIRS,
    OPT_PARTNERS,
    OPT_MATRIX,
    OPT_QUIET,
    OPT_HELP,
    OPT_VERSION
} opt_id;

static const cm_cli_option option_defs[] = {
    {OPT_FORMAT, 0, "format", "csv|json", "indicators: the output format (default csv)."},
    {OPT_OUTPUT, 'o', "output", "FILE",
     "Write to FILE, atomically (a temporary file renamed into\n"
     "place), instead of standard output; '-' is standard output."},
    {OPT_YEAR, 0, "year", "Y[-Y2]", "Only results of year Y, or of years Y to Y2."},
    {OPT_MIN_COUNT, 0, "min-count", "N",
     "Suppress counts from 1 to N-1 and all that derives from\n"
     "them (default 0: off)."},
    {OPT_RULES, 0, "rules", "FILE",
     "The rules CSV to apply instead of the built-in conference set\n"
     "(docs/rules.md)."},
    {OPT_HITS, 0, "hits", "FILE", "indicators, report: also write the rule hits as CSV."},
    {OPT_EXPECT, 0, "expect", "FILE",
     "check: the figures to recompute (CSV: area_id, year,\n"
     "indicator, expected, tolerance [, base_year, kind, service,\n"
     "source]; a tolerance is 0.5 or 1%)."},
    {OPT_JUNIT, 0, "junit", "FILE", "check: also write the results as JUnit XML."},
    {OPT_KEEP_GOING, 0, "keep-going", NULL,
     "Skip bad rows with a warning instead of stopping at the\n"
     "first error; keep rows that fail a cross-field check and flag\n"
     "what derives from them 'inconsistent'."},
    {OPT_MAX_ERRORS, 0, "max-errors", "N",
     "validate: stop after N errors (default 100; 0: no limit)."},
    {OPT_STRICT, 0, "strict", NULL, "Treat unknown columns as errors, not notes."},
    {OPT_ALLOW_OUTSIDE_FILES, 0, "allow-outside-files", NULL,
     "Let a manifest read files outside its own folder (an\n"
     "absolute path, or '..' or a symbolic link leading out)."},
    {OPT_RAW_TEXT, 0, "raw-text", NULL,
     "indicators: write CSV text as it is; by default text that\n"
     "begins with = + - @, TAB or CR (a spreadsheet formula) gets a\n"
     "leading ' inside quotes."},
    {OPT_TITLE, 0, "title", "TEXT",
     "report: the workbook's title, on its cover and in its\n"
     "footers (default: the manifest's title, else the folder's name)."},
    {OPT_PROGRESS, 0, "progress", NULL,
     "Show a progress line on standard error even when it is not\n"
     "a terminal (it shows on a terminal anyway)."},
    {OPT_THREADS, 0, "threads", "N",
     "Use N threads to read flows.csv and to write a long table\n"
     "(default: the processors available; 1: no threads). The\n"
     "results are the same for any N."},
    {OPT_PAIRS, 0, "pairs", NULL,
     "indicators, report, check: keep the flows by origin and\n"
     "destination, for the spatial focusing of each system\n"
     "(gini_connectivity, ...) and each area's partners\n"
     "(net_exchange, ...). flows.csv is then read on one thread,\n"
     "and memory grows with the distinct pairs."},
    {OPT_PARTNERS, 0, "partners", "N",
     "With --pairs: the top origins and destinations listed per\n"
     "area, year and kind (default 5; 1 to 1000)."},
    {OPT_MATRIX, 0, "matrix", NULL,
     "report: a Matrix sheet of the moves between the zones of\n"
     "the latest year's internal system, origin by destination\n"
     "(the 100 largest zones, the rest as 'other'); keeps the\n"
     "pairs as --pairs does, without the partners' rows."},
    {OPT_QUIET, 'q', "quiet", NULL, "Print errors only: no notes, no summary, no progress."},
    {OPT_HELP, 'h', "help", NULL, "Show this help and exit."},
    {OPT_VERSION, 'V', "version", NULL, "Show the version of citymig and its libraries."},
};

const cm_cli_option *cm_cli_options(size_t *count)
{
    *count = sizeof option_defs / sizeof option_defs[0];
    return option_defs;
}

/* Writes help text from column `column`, wrapped before column 80 (a line
   break in the text is a space). */
static void put_help(FILE *out, int column, const char *help)
{
    int at = column;
    const char *p = help;
    while (*p) {
        while (*p == ' ' || *p == '\n')
            p++;
        size_t word = strcspn(p, " \n");
        if (word == 0)
            break;
        if (at > column && at + 1 + (int)word > 79) {
            fprintf(out, "\n%*s", column, "");
            at = column;
        } else if (at > column) {
            fputc(' ', out);
            at++;
        }
        fwrite(p, 1, word, out);
        at += (int)word;
        p += word;
    }
    fputc('\n', out);
}

static void print_usage(FILE *out)
{
    enum { COLUMN = 24 };
    fputs("Usage: citymig COMMAND [OPTIONS] DATASET\n"
          "  or:  citymig --help | --version\n"
          "\n"
          "Migration and urbanization indicators from city and migrant CSV tables.\n"
          "A DATASET is a directory holding any of areas.csv, stocks.csv, flows.csv\n"
          "and services.csv (UTF-8, comma-separated, with a header row), or a manifest\n"
          "(dataset.ini) that maps published files onto them.\n"
          "\n"
          "Commands:\n",
          out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        int n = fprintf(out, "  %s", commands[i].synopsis);
        if (n >= COLUMN)
            fprintf(out, "\n%*s", COLUMN, "");
        else
            fprintf(out, "%*s", COLUMN - n, "");
        put_help(out, COLUMN, commands[i].help);
    }
    fputs("\nOptions:\n", out);
    for (size_t i = 0; i < sizeof option_defs / sizeof option_defs[0]; i++) {
        const cm_cli_option *o = &option_defs[i];
        int n = o->short_name ? fprintf(out, "  -%c, --%s", o->short_name, o->long_name)
                              : fprintf(out, "      --%s", o->long_name);
        if (o->arg)
            n += fprintf(out, " %s", o->arg);
        if (n >= COLUMN - 1)
            fprintf(out, "\n%*s", COLUMN, "");
        else
            fprintf(out, "%*s", COLUMN - n, "");
        put_help(out, COLUMN, o->help);
    }
    fputs("\n"
          "Environment:\n"
          "  SOURCE_DATE_EPOCH     report: the workbook's date, in seconds since 1970;\n"
          "                        two runs with the same value give identical files.\n"
          "  NO_COLOR              When set, messages are never coloured (they are\n"
          "                        coloured only on a terminal anyway).\n"
          "\n"
          "Exit status:\n"
          "  0   success                     66  input missing or unreadable\n"
          "  1   check: a figure drifted     70  internal error or out of memory\n"
          "  2   usage error                 73  output cannot be created\n"
          "  65  invalid input data          74  I/O error while writing\n"
          "  128+N ended by signal N: 130 SIGINT, 143 SIGTERM, 129 SIGHUP, 141 SIGPIPE...\n"
          "\n"
          "Outputs: a regular file is written to NAME.tmp-PID-XXXXXX beside NAME,\n"
          "synced, then renamed over it, keeping its mode, so a failed or interrupted\n"
          "run leaves any earlier file as it was. A symbolic link is replaced, never\n"
          "written through; a device or pipe (/dev/null, a FIFO) is written directly.\n"
          "An output that is one of the run's inputs, or another output, is refused.\n"
          "\n"
          "Costs: memory grows with the number of distinct areas, years and origins,\n"
          "not with the number of rows; flows are summed while they are read.\n"
          "\n"
          "Documentation: an index of every document is docs/README.md in the source,\n"
          "and /usr/share/doc/citymig/docs/README.md where citymig is installed.\n",
          out);
}

/* A bash completion script: commands, then options; FILE arguments
   complete file names, DATASET arguments directories and manifests. */
static int print_completion(FILE *out)
{
    fputs("# bash completion for citymig (generated by: citymig completion bash)\n"
          "_citymig()\n"
          "{\n"
          "    local cur prev\n"
          "    cur=${COMP_WORDS[COMP_CWORD]}\n"
          "    prev=${COMP_WORDS[COMP_CWORD-1]}\n"
          "    case $prev in\n",
          out);
    for (size_t i = 0; i < sizeof option_defs / sizeof option_defs[0]; i++) {
        const cm_cli_option *o = &option_defs[i];
        if (!o->arg)
            continue;
        fprintf(out, "    --%s", o->long_name);
        if (o->short_name)
            fprintf(out, "|-%c", o->short_name);
        if (strcmp(o->arg, "csv|json") == 0)
            fputs(")\n        COMPREPLY=($(compgen -W 'csv json' -- \"$cur\")); return ;;\n", out);
        else if (strcmp(o->arg, "FILE") == 0)
            fputs(")\n        COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n", out);
        else
            fputs(")\n        return ;;\n", out);
    }
    fputs("    esac\n"
          "    if [[ $cur == -* ]]; then\n"
          "        COMPREPLY=($(compgen -W '",
          out);
    for (size_t i = 0; i < sizeof option_defs / sizeof option_defs[0]; i++)
        fprintf(out, "%s--%s", i ? " " : "", option_defs[i].long_name);
    fputs("' -- \"$cur\"))\n"
          "    elif [[ $COMP_CWORD -eq 1 ]]; then\n"
          "        COMPREPLY=($(compgen -W '",
          out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "%s%s", i ? " " : "", commands[i].name);
    fputs("' -- \"$cur\"))\n"
          "    elif [[ ${COMP_WORDS[1]} == completion ]]; then\n"
          "        COMPREPLY=($(compgen -W 'bash' -- \"$cur\"))\n"
          "    else\n"
          "        COMPREPLY=($(compgen -d -- \"$cur\") $(compgen -f -X '!*.ini' -- \"$cur\"))\n"
          "    fi\n"
          "}\n"
          "complete -F _citymig citymig\n",
          out);
    return ferror(out) ? cm_status_exit_code(CM_ERR_IO) : 0;
}

typedef struct options {
    const char *command;
    const char *dataset;
    const char **files; /* draft: every FILE, dataset the first */
    size_t nfiles;
    size_t max_errors;
    bool max_errors_set;
    bool strict;
    bool allow_outside_files;
    bool raw_text;
    bool quiet;
    bool keep_going;
    bool progress;
    unsigned threads; /* 0: not given */
    bool pairs;       /* keep the flows by origin and destination */
    int partners;     /* top partners listed; 0: not given */
    bool matrix;      /* the Matrix sheet */
    cm_format format;
    const char *output;
    const char *rules;
    const char *hits;
    const char *expect;
    const char *junit;
    const char *title;
    int64_t min_count;
    int32_t year_from, year_to;
} options;

/* The progress line on standard error. */
typedef struct progress {
    FILE *err;
    bool on;    /* drawn at all */
    bool tty;   /* redrawn in place, and erased when done */
    bool shown; /* a line is on the screen now */
    double start, last;
    const char *file; /* the file of the last line */
} progress;

typedef struct printer {
    FILE *err;
    bool quiet;
    bool colour;
    progress *prog;
} printer;

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool is_terminal(FILE *f)
{
    int fd = fileno(f);
    return fd >= 0 && isatty(fd);
}

static void progress_clear(progress *p)
{
    if (p && p->tty && p->shown) {
        fputs("\r\033[K", p->err);
        fflush(p->err);
    }
    if (p)
        p->shown = false;
}

/* Bytes read, rows a second and the time left: at most four times a second
   on a terminal, once a second otherwise. */
static void progress_update(void *ctx, const char *file, uint64_t done, uint64_t size,
                            uint64_t rows)
{
    progress *p = ctx;
    double t = seconds_now();
    /* A new file is shown at once; then at most every 0.25 s on a
       terminal, every second otherwise. */
    if (p->last > 0 && file == p->file && t - p->last < (p->tty ? 0.25 : 1.0))
        return;
    p->last = t;
    p->file = file;
    double elapsed = t - p->start > 1e-3 ? t - p->start : 1e-3;
    char line[320];
    int n = snprintf(line, sizeof line, "citymig: %s: %.1f", file, (double)done / 1e6);
    if (size && n > 0 && (size_t)n < sizeof line)
        n += snprintf(line + n, sizeof line - (size_t)n, " of %.1f MB (%d%%)", (double)size / 1e6,
                      (int)(100.0 * (double)done / (double)size));
    else if (n > 0 && (size_t)n < sizeof line)
        n += snprintf(line + n, sizeof line - (size_t)n, " MB");
    if (n > 0 && (size_t)n < sizeof line)
        n += snprintf(line + n, sizeof line - (size_t)n, ", %.2f M rows/s",
                      (double)rows / elapsed / 1e6);
    double left = done ? elapsed * (double)(size - done) / (double)done : 0;
    if (size && done < size && left >= 1 && n > 0 && (size_t)n < sizeof line)
        snprintf(line + n, sizeof line - (size_t)n, ", about %.0f s left", left);
    if (p->tty) {
        fprintf(p->err, "\r\033[K%s", line);
        p->shown = true;
    } else {
        fprintf(p->err, "%s\n", line);
    }
    fflush(p->err);
}

/* Sets up the printer and the progress line of a command. */
static void start_output(const options *o, FILE *err, printer *pr, progress *prog,
                         cm_load_options *lopts)
{
    bool tty = is_terminal(err);
    const char *term = getenv("TERM");
    memset(prog, 0, sizeof *prog);
    prog->err = err;
    prog->tty = tty;
    prog->on = !o->quiet && (tty || o->progress);
    prog->start = seconds_now();
    pr->err = err;
    pr->quiet = o->quiet;
    pr->colour = tty && !getenv("NO_COLOR") && !(term && strcmp(term, "dumb") == 0);
    pr->prog = prog;
    lopts->threads = o->threads ? o->threads : cm_flowscan_default_threads();
    lopts->pairs = o->pairs || o->matrix;
    if (prog->on) {
        lopts->progress = progress_update;
        lopts->progress_ctx = prog;
    }
}

/*
 * Writes text for a terminal: a control byte (other than TAB), DEL, or a
 * byte that is not part of valid UTF-8 is written as \xHH, so that a path
 * or an id cannot retitle, clear or recolour the terminal. Everything that
 * reaches standard error from here goes through it.
 */
static void put_term(FILE *out, const char *s)
{
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        size_t ok = c >= 0x80 ? cm_utf8_valid_prefix(s + i, len - i, 1) : 0;
        if (c >= 0x80 && ok > 0) {
            fwrite(s + i, 1, ok, out);
            i += ok;
        } else if (c >= 0x80 || (c < 0x20 && c != '\t') || c == 0x7f) {
            fprintf(out, "\\x%02X", c);
            i++;
        } else {
            fputc(c, out);
            i++;
        }
    }
}

/* printf into put_term. */
static void print_term(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void print_term(FILE *out, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    put_term(out, text);
}

static void print_diag(void *ctx, const cm_diag_msg *msg)
{
    printer *p = ctx;
    if (p->quiet && msg->severity == CM_SEV_NOTE)
        return;
    progress_clear(p->prog);
    if (msg->loc.file && msg->loc.line && msg->loc.col)
        print_term(p->err, "%s:%" PRIu64 ":%" PRIu32 ": ", msg->loc.file, msg->loc.line,
                   msg->loc.col);
    else if (msg->loc.file && msg->loc.line)
        print_term(p->err, "%s:%" PRIu64 ": ", msg->loc.file, msg->loc.line);
    else if (msg->loc.file)
        print_term(p->err, "%s: ", msg->loc.file);
    else
        fprintf(p->err, "citymig: ");
    static const char *const colours[] = {[CM_SEV_NOTE] = "\033[1;36m",
                                          [CM_SEV_WARNING] = "\033[1;35m",
                                          [CM_SEV_ERROR] = "\033[1;31m"};
    if (p->colour)
        fprintf(p->err, "%s%s:\033[0m ", colours[msg->severity], cm_severity_str(msg->severity));
    else
        fprintf(p->err, "%s: ", cm_severity_str(msg->severity));
    put_term(p->err, msg->text);
    fputc('\n', p->err);
}

static int usage_error(FILE *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int usage_error(FILE *err, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    fprintf(err, "citymig: error: ");
    put_term(err, text);
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

/* The option named by arg ("--name", "--name=value" or "-x"), or NULL;
 *inline_value is set to the text after '=' if there is one. */
static const cm_cli_option *find_option(const char *arg, const char **inline_value)
{
    *inline_value = NULL;
    for (size_t i = 0; i < sizeof option_defs / sizeof option_defs[0]; i++) {
        const cm_cli_option *o = &option_defs[i];
        if (arg[1] != '-') {
            if (o->short_name && arg[1] == o->short_name && arg[2] == '\0')
                return o;
            continue;
        }
        size_t n = strlen(o->long_name);
        if (strncmp(arg + 2, o->long_name, n) == 0 && (arg[2 + n] == '\0' || arg[2 + n] == '=')) {
            if (arg[2 + n] == '=')
                *inline_value = arg + 3 + n;
            return o;
        }
    }
    return NULL;
}

/* A count option's value; -1 after reporting a usage error. */
static int count_value(const char *name, const char *value, int64_t *n, const char *expected,
                       FILE *err)
{
    cm_parse_error pe = cm_parse_count(value, strlen(value), n);
    if (pe == CM_PARSE_RANGE) {
        usage_error(err, "option '--%s': '%s' is too large", name, value);
        return -1;
    }
    if (pe != CM_PARSE_OK) {
        usage_error(err, "option '--%s': '%s' is not a whole number (expected %s)", name, value,
                    expected);
        return -1;
    }
    return 0;
}

/* Returns -1 when parsing succeeded, else an exit code (0 for --help). */
static int parse_args(int argc, char **argv, options *o, FILE *out, FILE *err)
{
    bool options_done = false;
    memset(o, 0, sizeof *o);
    o->max_errors = DEFAULT_MAX_ERRORS;
    /* draft's files: at most every argument (freed by cm_cli_main). */
    o->files = calloc((size_t)argc, sizeof *o->files);
    if (!o->files) {
        fprintf(err, "citymig: error: out of memory\n");
        return cm_status_exit_code(CM_ERR_NOMEM);
    }

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (options_done || arg[0] != '-' || arg[1] == '\0') {
            if (!o->command)
                o->command = arg;
            else if (strcmp(o->command, "draft") == 0)
                o->files[o->nfiles++] = arg; /* room for every argument */
            else if (!o->dataset)
                o->dataset = arg;
            else
                return usage_error(err, "unexpected argument '%s'", arg);
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            options_done = true;
            continue;
        }
        const char *value;
        const cm_cli_option *opt = find_option(arg, &value);
        if (!opt)
            return usage_error(err, "unknown option '%s'", arg);
        if (opt->arg && !value) {
            if (i + 1 >= argc)
                return usage_error(err, "option '--%s' needs %s", opt->long_name, opt->arg);
            value = argv[++i];
        } else if (!opt->arg && value) {
            return usage_error(err, "option '--%s' takes no value", opt->long_name);
        }
        int64_t n;
        switch ((opt_id)opt->id) {
        case OPT_HELP:
            print_usage(out);
            return 0;
        case OPT_VERSION:
            return print_version(out);
        case OPT_QUIET:
            o->quiet = true;
            break;
        case OPT_STRICT:
            o->strict = true;
            break;
        case OPT_ALLOW_OUTSIDE_FILES:
            o->allow_outside_files = true;
            break;
        case OPT_RAW_TEXT:
            o->raw_text = true;
            break;
        case OPT_PAIRS:
            o->pairs = true;
            break;
        case OPT_MATRIX:
            o->matrix = true;
            break;
        case OPT_PARTNERS:
            if (count_value(opt->long_name, value, &n, "1 to 1000", err) != 0)
                return cm_status_exit_code(CM_ERR_USAGE);
            if (n < 1 || n > CM_PARTNERS_MAX)
                return usage_error(
                    err, "option '--partners': '%s' is out of range (expected 1 to 1000)", value);
            o->partners = (int)n;
            break;
        case OPT_TITLE:
            if (!*value || !cm_utf8_valid(value, strlen(value)))
                return usage_error(err, "option '--title': expected a non-empty UTF-8 text");
            o->title = value;
            break;
        case OPT_KEEP_GOING:
            o->keep_going = true;
            break;
        case OPT_PROGRESS:
            o->progress = true;
            break;
        case OPT_MAX_ERRORS:
            if (count_value(opt->long_name, value, &n, "0 or more", err) != 0)
                return cm_status_exit_code(CM_ERR_USAGE);
            o->max_errors = (size_t)n;
            o->max_errors_set = true;
            break;
        case OPT_THREADS:
            if (count_value(opt->long_name, value, &n, "1 to 64", err) != 0)
                return cm_status_exit_code(CM_ERR_USAGE);
            if (n < 1 || n > 64)
                return usage_error(
                    err, "option '--threads': '%s' is out of range (expected 1 to 64)", value);
            o->threads = (unsigned)n;
            break;
        case OPT_MIN_COUNT:
            if (count_value(opt->long_name, value, &n, "0 or more", err) != 0)
                return cm_status_exit_code(CM_ERR_USAGE);
            o->min_count = n;
            break;
        case OPT_FORMAT:
            if (strcmp(value, "csv") == 0)
                o->format = CM_FORMAT_CSV;
            else if (strcmp(value, "json") == 0)
                o->format = CM_FORMAT_JSON;
            else
                return usage_error(err, "option '--format': '%s' is not csv or json", value);
            break;
        case OPT_OUTPUT:
            if (!*value)
                return usage_error(err, "option '--output' needs a file name, not ''");
            o->output = value;
            break;
        case OPT_RULES:
            o->rules = value;
            break;
        case OPT_HITS:
            if (!*value)
                return usage_error(err, "option '--hits' needs a file name, not ''");
            o->hits = value;
            break;
        case OPT_EXPECT:
            o->expect = value;
            break;
        case OPT_JUNIT:
            if (!*value)
                return usage_error(err, "option '--junit' needs a file name, not ''");
            o->junit = value;
            break;
        case OPT_YEAR:
            if (parse_years(value, &o->year_from, &o->year_to) != 0)
                return usage_error(err,
                                   "option '--year': '%s' is not a year or a range such as "
                                   "2011-2015 (years 1800 to 2200)",
                                   value);
            break;
        }
    }
    if (o->partners && !o->pairs)
        return usage_error(err, "option '--partners' lists partners from the flows by origin and "
                                "destination: give --pairs too");
    if (!o->command)
        return usage_error(err, "no command given");
    return -1;
}

static int cmd_validate(const options *o, FILE *out, FILE *err)
{
    printer p;
    progress prog;
    cm_diag diag;
    cm_load_options lopts = {0};
    cm_dataset *ds = NULL;

    if (!o->dataset)
        return usage_error(err, "validate needs a DATASET directory");
    start_output(o, err, &p, &prog, &lopts);
    lopts.strict = o->strict;
    lopts.allow_outside_files = o->allow_outside_files;
    cm_diag_init(&diag, print_diag, &p, o->max_errors);

    cm_status st = cm_dataset_load(o->dataset, &lopts, &diag, &ds);
    progress_clear(&prog);
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
        print_term(err, "citymig: %s is invalid: %zu error%s", o->dataset, diag.errors,
                   diag.errors == 1 ? "" : "s");
        fputc('\n', err);
    }
    cm_dataset_free(ds);
    return cm_status_exit_code(st);
}

/* The outputs of a run that replace or write a regular file, to refuse one
   that is an input or another output. */
typedef struct output_keys {
    cm_file_key keys[4];
    const char *what[4];
    size_t n;
} output_keys;

static void add_output(output_keys *ok, const char *path, const char *what)
{
    cm_file_key *k = &ok->keys[ok->n];
    cm_target t = cm_output_target(path);
    bool descriptor = cm_output_descriptor(path) >= 0;
    if (t != CM_TARGET_FILE && !(t == CM_TARGET_STREAM && descriptor))
        return; /* a device or pipe: written directly, nothing is replaced */
    if (!cm_file_key_of(path, k))
        return;
    if (descriptor && t == CM_TARGET_STREAM) {
        struct stat sb; /* a descriptor on a pipe or device: nothing to lose */
        int fd = cm_output_descriptor(path);
        if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
            return;
    }
    ok->what[ok->n++] = what;
}

/* The outputs of the command in o (stdout: the table of indicators and
   check). Returns an exit code after a usage error when two are the same
   file; -1 otherwise. */
static int outputs_of(const options *o, output_keys *ok, FILE *err)
{
    memset(ok, 0, sizeof *ok);
    bool report = strcmp(o->command, "report") == 0;
    if (!report && (!o->output || strcmp(o->command, "check") == 0))
        add_output(ok, "-", "standard output");
    if (o->output && strcmp(o->command, "check") != 0)
        add_output(ok, o->output,
                   report                             ? "the workbook (-o)"
                   : strcmp(o->command, "draft") == 0 ? "the manifest (-o)"
                                                      : "the table (-o)");
    if (o->hits && strcmp(o->command, "check") != 0)
        add_output(ok, o->hits, "the hits (--hits)");
    if (o->junit && strcmp(o->command, "check") == 0)
        add_output(ok, o->junit, "the JUnit file (--junit)");
    for (size_t i = 0; i < ok->n; i++)
        for (size_t j = i + 1; j < ok->n; j++)
            if (cm_file_key_same(&ok->keys[i], &ok->keys[j]))
                return usage_error(err,
                                   "%s '%s' and %s '%s' are the same file; give each output "
                                   "a name of its own",
                                   ok->what[i], ok->keys[i].path, ok->what[j], ok->keys[j].path);
    return -1;
}

/* A usage error when an output is the file at path, which the run reads;
   -1 otherwise. */
static int refuse_input(const output_keys *ok, const char *path, const char *what, FILE *err)
{
    cm_file_key in;
    if (!path || !cm_file_key_of(path, &in) || !in.exists)
        return -1;
    for (size_t i = 0; i < ok->n; i++) {
        const cm_file_key *k = &ok->keys[i];
        if ((k->exists && k->dev == in.dev && k->ino == in.ino) ||
            (k->link && in.link && k->ldev == in.ldev && k->lino == in.lino))
            return usage_error(err,
                               "%s '%s' is %s '%s' (the same file): writing it would replace "
                               "what the run reads; nothing was written",
                               ok->what[i], k->path, what, path);
    }
    return -1;
}

/* Refuses, before anything is read, an output that is one of the run's
   inputs (the dataset's tables or its manifest, the rules, the figures)
   or another output. Returns an exit code, or -1. */
static int check_output_paths(const options *o, output_keys *ok, FILE *err)
{
    int code = outputs_of(o, ok, err);
    if (code >= 0 || ok->n == 0)
        return code;
    struct stat sb;
    if (o->dataset && stat(o->dataset, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        for (int t = 0; t <= CM_TABLE_COUNT; t++) {
            /* The tables, and the manifest a directory may hold. */
            const char *file = t < CM_TABLE_COUNT ? cm_table_file((cm_table_id)t) : "dataset.ini";
            size_t n = strlen(o->dataset) + strlen(file) + 2;
            char *path = malloc(n);
            if (!path)
                continue;
            snprintf(path, n, "%s/%s", o->dataset, file);
            code = refuse_input(ok, path, t < CM_TABLE_COUNT ? "the input table" : "the manifest",
                                err);
            free(path);
            if (code >= 0)
                return code;
        }
    } else if ((code = refuse_input(ok, o->dataset, "the manifest", err)) >= 0) {
        return code;
    }
    if ((code = refuse_input(ok, o->rules, "the rules file (--rules)", err)) >= 0)
        return code;
    return refuse_input(ok, o->expect, "the figures file (--expect)", err);
}

/* After loading a manifest: refuses an output that is one of its sources. */
static int check_manifest_sources(const output_keys *ok, const cm_dataset *ds, FILE *err)
{
    for (size_t i = 0; ds && i < ds->ninputs; i++) {
        int code = refuse_input(ok, ds->inputs[i].path, "an input of the manifest", err);
        if (code >= 0)
            return code;
    }
    return -1;
}

/* Loads the dataset (the progress line shows while it does) and computes
   its indicators with the command's --min-count and --year. */
static cm_status load_and_compute(const options *o, const cm_load_options *lopts, cm_diag *diag,
                                  progress *prog, cm_dataset **ds, cm_results *results)
{
    cm_status st = cm_dataset_load(o->dataset, lopts, diag, ds);
    progress_clear(prog);
    if (st != CM_OK)
        return st;
    cm_indicator_options iopts = {o->min_count, o->year_from, o->year_to, o->partners, o->pairs};
    return cm_indicators_compute(*ds, &iopts, results);
}

/* Loads the rules: --rules FILE, or the built-in set. */
static cm_status load_rules(const options *o, cm_diag *diag, cm_rules *rules)
{
    if (o->rules)
        return cm_rules_load_file(o->rules, diag, rules);
    return cm_rules_load_default(diag, rules);
}

static int cmd_indicators(const options *o, FILE *err)
{
    printer p;
    progress prog;
    cm_diag diag;
    cm_load_options lopts = {0};
    cm_dataset *ds = NULL;
    cm_rules rules = {0};

    if (!o->dataset)
        return usage_error(err, "indicators needs a DATASET directory");
    output_keys ok;
    int refused = check_output_paths(o, &ok, err);
    if (refused >= 0)
        return refused;
    start_output(o, err, &p, &prog, &lopts);
    lopts.strict = o->strict;
    lopts.allow_outside_files = o->allow_outside_files;
    lopts.keep_going = o->keep_going;
    /* Stop at the first error, unless --keep-going turns row errors into
       warnings (structural errors still stop a file). */
    cm_diag_init(&diag, print_diag, &p, o->keep_going ? o->max_errors : 1);

    cm_status st = load_rules(o, &diag, &rules);
    if (st == CM_OK) {
        st = cm_dataset_load(o->dataset, &lopts, &diag, &ds);
        progress_clear(&prog);
    }
    if (st == CM_OK && check_manifest_sources(&ok, ds, err) >= 0)
        st = CM_ERR_USAGE;
    /* The table is written as it is computed: its rows are never all held. */
    cm_tablestream ts;
    unsigned threads = o->threads ? o->threads : cm_flowscan_default_threads();
    if (st == CM_OK) {
        st = cm_tablestream_open(&ts, o->output, o->hits, o->format, o->dataset, &rules, ds->pool,
                                 threads, o->raw_text, &diag);
        if (st == CM_OK) {
            cm_indicator_options iopts = {o->min_count, o->year_from, o->year_to, o->partners,
                                          o->pairs};
            st = cm_tablestream_commit(
                &ts, cm_indicators_stream(ds, &iopts, cm_tablestream_sink, &ts), &diag);
        }
    }
    if (st == CM_ERR_NOMEM)
        fprintf(err, "citymig: error: out of memory\n");
    else if (st == CM_ERR_DATA || st == CM_ERR_NOINPUT)
        fprintf(err, "citymig: no indicators written: %s\n", cm_status_str(st));
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
    collector col = {{err, o->quiet, false, NULL}, NULL, 0, 0, false};
    progress prog;
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
    output_keys ok;
    int refused = check_output_paths(o, &ok, err);
    if (refused >= 0)
        return refused;
    start_output(o, err, &col.p, &prog, &lopts);
    lopts.strict = o->strict;
    lopts.allow_outside_files = o->allow_outside_files;
    lopts.keep_going = o->keep_going;
    lopts.digest = true;
    cm_diag_init(&diag, collect_diag, &col, o->keep_going ? o->max_errors : 1);

    cm_status st = load_rules(o, &diag, &rules);
    if (st == CM_OK)
        st = load_and_compute(o, &lopts, &diag, &prog, &ds, &results);
    if (st == CM_OK && check_manifest_sources(&ok, ds, err) >= 0)
        st = CM_ERR_USAGE;
    if (st == CM_OK)
        st = cm_rules_apply(&rules, &results, &hits, &nhits);
    /* --hits: written and synced before the workbook, renamed right after
       it with signals held: both earlier files, or both new ones. */
    cm_outfile hits_file = {0};
    bool hits_open = false;
    if (st == CM_OK && o->hits) {
        st = cm_outfile_open(&hits_file, o->hits, &diag);
        hits_open = st == CM_OK;
        if (hits_open &&
            cm_hits_write_csv(hits_file.fp, &results, &rules, hits, nhits, o->raw_text) != 0)
            hits_file.err = errno;
        if (hits_open) {
            st = cm_outfile_hold(&hits_file, &diag);
            hits_open = st == CM_OK;
        }
    }
    if (st == CM_OK) {
        info.dataset = o->dataset;
        info.min_count = o->min_count;
        info.year_from = o->year_from;
        info.year_to = o->year_to;
        info.pairs = o->pairs;
        info.partners = o->partners;
        info.matrix = o->matrix;
        info.rules_sha256 = rules.sha256;
        info.messages = (const char *const *)col.items;
        info.nmessages = col.count;
        info.title = o->title;
        info.xlsx_version = cm_xlsx_library_version();
        cm_report *model = NULL;
        st = cm_report_build(ds, &results, &rules, hits, nhits, &info, &diag, &model);
        if (st == CM_OK)
            st = cm_xlsx_write(o->output, model, &diag);
        cm_report_free(model);
    }
    if (hits_open && st == CM_OK)
        st = cm_outfile_commit(&hits_file, &diag);
    else if (hits_open)
        cm_outfile_abort(&hits_file);
    if (st == CM_OK && !o->quiet) {
        print_term(err, "citymig: wrote %s: %zu indicator values, %zu rule hits", o->output,
                   results.count, nhits);
        fputc('\n', err);
    } else if (st == CM_ERR_NOMEM)
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
    printer p;
    progress prog;
    cm_diag diag;
    cm_load_options lopts = {0};
    cm_dataset *ds = NULL;
    cm_results results = {0};
    cm_figures figures = {0};

    if (!o->dataset)
        return usage_error(err, "check needs a DATASET directory");
    if (!o->expect)
        return usage_error(err, "check needs the published figures: --expect FIGURES.csv");
    output_keys ok;
    int refused = check_output_paths(o, &ok, err);
    if (refused >= 0)
        return refused;
    start_output(o, err, &p, &prog, &lopts);
    lopts.strict = o->strict;
    lopts.allow_outside_files = o->allow_outside_files;
    lopts.keep_going = o->keep_going;
    cm_diag_init(&diag, print_diag, &p, o->keep_going ? o->max_errors : 1);

    cm_status st = cm_figures_load(o->expect, &diag, &figures);
    if (st == CM_OK)
        st = load_and_compute(o, &lopts, &diag, &prog, &ds, &results);
    if (st == CM_OK && check_manifest_sources(&ok, ds, err) >= 0)
        st = CM_ERR_USAGE;
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

/* draft FILE... [-o dataset.ini]: the manifest to start from. */
static int cmd_draft(const options *o, FILE *out, FILE *err)
{
    if (o->nfiles == 0)
        return usage_error(err, "draft needs the downloads to read: draft FILE...");
    /* The manifest must not replace a download it is drafted from. */
    output_keys ok;
    int refused = outputs_of(o, &ok, err);
    for (size_t i = 0; refused < 0 && i < o->nfiles; i++)
        refused = refuse_input(&ok, o->files[i], "the download", err);
    if (refused >= 0)
        return refused;
    printer p;
    progress prog;
    cm_load_options lopts = {0};
    options quiet = *o;
    quiet.progress = false;
    start_output(&quiet, err, &p, &prog, &lopts);
    prog.on = false;
    cm_diag diag;
    cm_diag_init(&diag, print_diag, &p, 0);
    /* The manifest's file keys are relative to the folder it goes to. */
    char *dir = NULL;
    const char *slash = o->output ? strrchr(o->output, '/') : NULL;
    if (slash && !(dir = strndup(o->output, (size_t)(slash - o->output) + 1))) {
        fprintf(err, "citymig: error: out of memory\n");
        return cm_status_exit_code(CM_ERR_NOMEM);
    }
    cm_draft_options dopts = {o->files, o->nfiles, dir ? dir : ""};
    /* Drafted in memory: written, to a file or standard output, only whole
       and only when every download was read. */
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    cm_status st = mem ? cm_draft_write(&dopts, mem, o->quiet ? NULL : err, &diag) : CM_ERR_NOMEM;
    if (mem && fclose(mem) != 0 && st == CM_OK)
        st = CM_ERR_NOMEM;
    bool to_file = o->output && strcmp(o->output, "-") != 0;
    if (st == CM_OK && to_file) {
        cm_outfile of;
        st = cm_outfile_open(&of, o->output, &diag);
        if (st == CM_OK && fwrite(text, 1, len, of.fp) != len) {
            of.err = errno;
            cm_outfile_abort(&of);
            st = CM_ERR_IO;
            print_term(err, "citymig: error: cannot write %s: %s", o->output, strerror(of.err));
        } else if (st == CM_OK) {
            st = cm_outfile_commit(&of, &diag);
        }
    } else if (st == CM_OK && (fwrite(text, 1, len, out) != len || fflush(out) != 0)) {
        fprintf(err, "citymig: error: cannot write the manifest: %s\n", strerror(errno));
        st = CM_ERR_IO;
    }
    free(text);
    free(dir);
    if (st == CM_ERR_NOMEM)
        fprintf(err, "citymig: error: out of memory\n");
    return cm_status_exit_code(st);
}

static int run(const options *o, FILE *out, FILE *err);

int cm_cli_main(int argc, char **argv, FILE *out, FILE *err)
{
    options o;
    int code = parse_args(argc, argv, &o, out, err);
    if (code < 0)
        code = run(&o, out, err);
    free(o.files);
    return code;
}

static int run(const options *o_, FILE *out, FILE *err)
{
    options o = *o_;
    if (strcmp(o.command, "draft") == 0)
        return cmd_draft(&o, out, err);
    if (strcmp(o.command, "validate") == 0)
        return cmd_validate(&o, out, err);
    if (strcmp(o.command, "indicators") == 0)
        return cmd_indicators(&o, err);
    if (strcmp(o.command, "report") == 0)
        return cmd_report(&o, err);
    if (strcmp(o.command, "check") == 0)
        return cmd_check(&o, out, err);
    if (strcmp(o.command, "completion") == 0) {
        if (!o.dataset || strcmp(o.dataset, "bash") != 0)
            return usage_error(err, "completion needs a shell: bash");
        return print_completion(out);
    }
    if (strcmp(o.command, "catalogue") == 0) {
        if (o.dataset)
            return usage_error(err, "catalogue takes no DATASET");
        return cmd_catalogue(out);
    }
    return usage_error(err,
                       "unknown command '%s' (expected validate, indicators, report, check, "
                       "draft, catalogue or completion)",
                       o.command);
}
