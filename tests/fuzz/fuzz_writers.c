/*
 * fuzz_writers.c - the writers over hostile text. The input makes the ids
 * and names of a few areas (a country and its cities), each with one of
 * the characters XML forbids or a spreadsheet misreads inserted where the
 * input says (C0 controls, U+FFFE, U+FFFF, CR, a literal "_x0041_", a
 * byte that is not UTF-8, a leading '=' or '-'); the areas are loaded, the
 * indicators computed and the rules applied, and then:
 *
 * - the long table as CSV is parsed back: every record has its 14 fields,
 *   and no text field begins with = + - @, TAB or CR; the JSON form is
 *   written too;
 * - the workbook is written, and every XML part of the zip is parsed with
 *   expat (here, independently of the writer's own read-back): none may be
 *   malformed, and the write must succeed;
 * - figures for those ids are checked: the JUnit XML is parsed with expat,
 *   and the check table holds no control byte but LF.
 *
 * Any failure aborts.
 */
#include <expat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <unzip.h>

#include "citymig/check.h"
#include "citymig/dataset.h"
#include "citymig/indicators.h"
#include "citymig/longtable.h"
#include "citymig/rules.h"
#include "citymig/xlsx.h"

enum { AREAS = 5, TEXT_MAX = 48 };

/* What is inserted: the characters of the hostile cases. */
static const char *const inserts[] = {
    "\x01",
    "\x0b",
    "\x1f",
    "\x1b]0;t\x07",
    "\xef\xbf\xbe",
    "\xef\xbf\xbf",
    "\r",
    "\n",
    "\t",
    "_x0041_",
    "\xff",
    "=",
    "-",
    "@",
    "+",
    "\"",
    ",",
    "&<>",
    "\xf0\x9f\x98\x80",
};

typedef struct cursor {
    const uint8_t *p;
    size_t n;
} cursor;

static unsigned take(cursor *c)
{
    if (!c->n)
        return 0;
    c->n--;
    return *c->p++;
}

/* A text made of input bytes (printable ASCII) with one insert. */
static size_t make_text(cursor *c, char *out, const char *fallback)
{
    size_t len = take(c) % 8, at = take(c) % (len + 1), o = 0;
    const char *ins = inserts[take(c) % (sizeof inserts / sizeof inserts[0])];
    for (size_t i = 0; i <= len; i++) {
        if (i == at) {
            memcpy(out + o, ins, strlen(ins));
            o += strlen(ins);
        }
        if (i < len)
            out[o++] = (char)(0x21 + take(c) % 0x5e);
    }
    if (o == 0)
        o = (size_t)snprintf(out, TEXT_MAX, "%s", fallback);
    out[o] = '\0';
    return o;
}

/* ---- expat over a buffer, and over every XML part of a zip ------------ */

static void parse_or_abort(const char *what, const char *text, size_t len)
{
    XML_Parser p = XML_ParserCreate(NULL);
    if (!p)
        return;
    if (XML_Parse(p, text, (int)len, 1) == XML_STATUS_ERROR) {
        fprintf(stderr, "%s: not well-formed at line %lu, column %lu: %s\n", what,
                (unsigned long)XML_GetCurrentLineNumber(p),
                (unsigned long)XML_GetCurrentColumnNumber(p), XML_ErrorString(XML_GetErrorCode(p)));
        abort();
    }
    XML_ParserFree(p);
}

static void parse_zip_or_abort(const char *path)
{
    unzFile zf = unzOpen(path);
    if (!zf)
        abort();
    for (int rc = unzGoToFirstFile(zf); rc == UNZ_OK; rc = unzGoToNextFile(zf)) {
        char name[256];
        unz_file_info fi;
        if (unzGetCurrentFileInfo(zf, &fi, name, sizeof name, NULL, 0, NULL, 0) != UNZ_OK)
            abort();
        size_t len = strlen(name);
        if (!(len > 4 && strcmp(name + len - 4, ".xml") == 0) &&
            !(len > 5 && strcmp(name + len - 5, ".rels") == 0))
            continue;
        char *text = malloc(fi.uncompressed_size + 1);
        if (!text || unzOpenCurrentFile(zf) != UNZ_OK)
            abort();
        int got = unzReadCurrentFile(zf, text, (unsigned)fi.uncompressed_size);
        if (got < 0 || (uLong)got != fi.uncompressed_size || unzCloseCurrentFile(zf) != UNZ_OK)
            abort();
        parse_or_abort(name, text, (size_t)got);
        free(text);
    }
    unzClose(zf);
}

/* ---- the CSV long table, parsed back ------------------------------------ */

static void check_csv_or_abort(const char *s, size_t len)
{
    /* Columns that hold numbers: year, base_year, value, numerator,
       denominator. Every other is text. */
    static const int number_col[14] = {0, 1, 1, 0, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0};
    size_t i = 0, records = 0;
    while (i < len) {
        size_t field = 0;
        for (;;) {
            bool quoted = s[i] == '"';
            char first;
            if (quoted) {
                i++;
                first = i < len ? s[i] : '\0';
                for (;;) {
                    if (i >= len)
                        abort(); /* an unclosed quote */
                    if (s[i] == '"') {
                        if (i + 1 < len && s[i + 1] == '"') {
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    i++;
                }
            } else {
                first = i < len && s[i] != ',' && s[i] != '\r' && s[i] != '\n' ? s[i] : '\0';
                while (i < len && s[i] != ',' && s[i] != '\r' && s[i] != '\n')
                    i++;
            }
            if (records > 0 && field < 14 && !number_col[field] &&
                (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' ||
                 first == '\r')) {
                fprintf(stderr, "record %zu, field %zu begins with %#x\n", records, field,
                        (unsigned char)first);
                abort();
            }
            field++;
            if (i < len && s[i] == ',') {
                i++;
                continue;
            }
            break;
        }
        if (i + 1 >= len || s[i] != '\r' || s[i + 1] != '\n' || field != 14) {
            fprintf(stderr, "record %zu: %zu fields, or no CRLF\n", records, field);
            abort();
        }
        i += 2;
        records++;
    }
}

static void write_longtables(const cm_results *res, const cm_rules *rules, const cm_hit *hits,
                             size_t nhits, const char *dataset)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return;
    if (cm_longtable_write(f, CM_FORMAT_CSV, dataset, res, rules, hits, nhits, 1, false) != 0)
        abort();
    fclose(f);
    check_csv_or_abort(buf, len);
    free(buf);
    f = open_memstream(&buf, &len);
    if (!f)
        return;
    if (cm_hits_write_csv(f, res, rules, hits, nhits, false) != 0)
        abort();
    fclose(f);
    free(buf);
    f = open_memstream(&buf, &len);
    if (!f)
        return;
    if (cm_longtable_write(f, CM_FORMAT_JSON, dataset, res, rules, hits, nhits, 1, false) != 0)
        abort();
    fclose(f);
    free(buf);
}

/* ---- the workbook -------------------------------------------------------- */

static char workdir[64];

static void remove_workdir(void)
{
    rmdir(workdir);
}

static void write_workbook(const cm_dataset *ds, const cm_results *res, const cm_rules *rules,
                           const cm_hit *hits, size_t nhits, const char *dataset)
{
    if (!workdir[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(workdir, sizeof workdir, "%s/fuzz-writers-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(workdir))
            abort();
        atexit(remove_workdir);
    }
    char path[96];
    snprintf(path, sizeof path, "%s/w.xlsx", workdir);
    cm_diag diag;
    cm_diag_init(&diag, NULL, NULL, 0);
    cm_report_info info = {
        .dataset = dataset, .created = 1700000000, .reproducible = 1, .rules_sha256 = ""};
    cm_report *model = NULL;
    cm_status st = cm_report_build(ds, res, rules, hits, nhits, &info, &diag, &model);
    if (st == CM_OK)
        st = cm_xlsx_write(path, model, &diag);
    cm_report_free(model);
    if (st != CM_OK) {
        fprintf(stderr, "the workbook was not written: %s\n", cm_status_str(st));
        abort();
    }
    parse_zip_or_abort(path);
    unlink(path);
}

/* ---- check: the JUnit file and the table ------------------------------- */

static void write_checks(cm_dataset *ds, const cm_results *res, char ids[][TEXT_MAX * 2],
                         const char *dataset)
{
    cm_figures figures = {calloc(AREAS, sizeof(cm_figure)), AREAS};
    if (!figures.items)
        return;
    for (size_t i = 0; i < AREAS; i++) {
        cm_figure *f = &figures.items[i];
        f->area_id = strdup(ids[i]);
        f->service = strdup(i == 2 ? ids[0] : "");
        f->source = strdup(ids[(i + 1) % AREAS]);
        f->indicator = cm_indicator_find("fb_share");
        f->year = 2011;
        f->kind = CM_KIND_NONE;
        f->expected = 10;
        f->tolerance = 0.5;
    }
    cm_figures_check(&figures, res);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f) {
        cm_figures_write_junit(f, &figures, dataset);
        fclose(f);
        parse_or_abort("JUnit", buf, len);
        free(buf);
    }
    f = open_memstream(&buf, &len);
    if (f) {
        cm_figures_write_table(f, &figures);
        fclose(f);
        for (size_t i = 0; i < len; i++)
            if (((unsigned char)buf[i] < 0x20 && buf[i] != '\n') || buf[i] == 0x7f) {
                fprintf(stderr, "check table: control byte %#x\n", (unsigned char)buf[i]);
                abort();
            }
        free(buf);
    }
    cm_figures_free(&figures);
    (void)ds;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cursor c = {data, size};
    char ids[AREAS][TEXT_MAX * 2], names[AREAS][TEXT_MAX * 2], dataset[TEXT_MAX * 2];
    for (size_t i = 0; i < AREAS; i++) {
        char fallback[8];
        snprintf(fallback, sizeof fallback, "a%zu", i);
        make_text(&c, ids[i], fallback);
        make_text(&c, names[i], fallback);
    }
    make_text(&c, dataset, "ds");

    cm_diag diag;
    cm_diag_init(&diag, NULL, NULL, 0);
    cm_dataset *ds = calloc(1, sizeof *ds);
    if (!ds)
        return 0;
    ds->pool = cm_strpool_new();
    ds->areas = cm_table_new(&cm_areas_def, ds->pool);
    ds->stocks = cm_table_new(&cm_stocks_def, ds->pool);
    ds->services = cm_table_new(&cm_services_def, ds->pool);
    ds->flows = cm_flows_new();
    cm_load_options lo = {0};
    lo.keep_going = true;
    cm_loader *l = cm_loader_new(&cm_areas_def, "areas.csv", ds->pool, ds->areas, NULL, &lo, &diag,
                                 &ds->sources[CM_TABLE_AREAS]);
    static const char *const header[] = {"area_id", "name",       "level",       "parent_id",
                                         "year",    "population", "foreign_born"};
    cm_csv_pos pos = {1, 1, NULL};
    for (size_t k = 0; k < 7; k++)
        cm_loader_field(l, k, header[k], strlen(header[k]), &pos);
    cm_loader_record(l, 7, &pos);
    for (size_t i = 0; i < AREAS; i++) {
        char pop[16], fb[16];
        snprintf(pop, sizeof pop, "%u", 1000 + take(&c));
        snprintf(fb, sizeof fb, "%u", take(&c));
        const char *row[] = {ids[i], names[i], i ? "city" : "country", i ? ids[0] : "", "2011",
                             pop,    fb};
        pos.line = i + 2;
        for (size_t k = 0; k < 7; k++)
            cm_loader_field(l, k, row[k], strlen(row[k]), &pos);
        cm_loader_record(l, 7, &pos);
    }
    cm_loader_end(l, CM_OK);
    cm_loader_free(l);
    ds->sources[CM_TABLE_AREAS].present = true;

    cm_results res;
    cm_indicator_options io = {0, 0, 0, 0, false};
    if (cm_indicators_compute(ds, &io, &res) == CM_OK) {
        cm_rules rules;
        if (cm_rules_load_default(&diag, &rules) == CM_OK) {
            cm_hit *hits;
            size_t nhits;
            if (cm_rules_apply(&rules, &res, &hits, &nhits) == CM_OK) {
                write_longtables(&res, &rules, hits, nhits, dataset);
                write_workbook(ds, &res, &rules, hits, nhits, dataset);
                write_checks(ds, &res, ids, dataset);
                free(hits);
            }
            cm_rules_free(&rules);
        }
        cm_results_free(&res);
    }
    cm_dataset_free(ds);
    return 0;
}
