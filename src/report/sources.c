/*
 * sources.c - the Sources sheet: every file read, on its own row with its
 * size and SHA-256 (grouped by table: "areas (4 files)"), the citations,
 * the problems met while reading, the rules, the options and the
 * versions. Paths are shown relative to the dataset, never absolute.
 *
 * The digests of inputs read in parts on several threads were left for
 * later (cm_source::sha256_later): they are taken here on a thread of
 * their own while the workbook's other sheets are written, and the Sources
 * sheet's cursor waits for them when its first row is asked for.
 */
#include "internal.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

enum { MESSAGES_MAX = 10000, SOURCE_COLS = 9 };

struct later_digests {
    const cm_dataset *ds;
    char hex[CM_TABLE_COUNT][65];
    cm_status status[CM_TABLE_COUNT];
    char why[CM_TABLE_COUNT][160];
    pthread_t thread;
    bool started, joined;
};

static void *take_digests(void *arg)
{
    later_digests *d = arg;
    for (int t = 0; t < CM_TABLE_COUNT; t++) {
        const cm_source *src = &d->ds->sources[t];
        if (src->present && src->sha256_later)
            d->status[t] = cm_source_digest(src, d->hex[t], d->why[t], sizeof d->why[t]);
    }
    return NULL;
}

void cm_report_begin(cm_report *r)
{
    const cm_dataset *ds = r->priv->x.ds;
    bool any = false;
    for (int t = 0; t < CM_TABLE_COUNT; t++)
        any |= ds->sources[t].present && ds->sources[t].sha256_later;
    if (!any)
        return;
    later_digests *d = calloc(1, sizeof *d);
    if (!d) {
        rp_nomem(r);
        return;
    }
    d->ds = ds;
    r->priv->later = d;
    d->started = pthread_create(&d->thread, NULL, take_digests, d) == 0;
    if (!d->started)
        take_digests(d); /* no thread to spare: here and now */
}

/* Waits for the digests; reports the first failure and keeps it. */
static void digests_finish(cm_report *r)
{
    later_digests *d = r->priv->later;
    if (!d || d->joined)
        return;
    if (d->started)
        pthread_join(d->thread, NULL);
    d->joined = true;
    for (int t = 0; t < CM_TABLE_COUNT; t++) {
        if (d->status[t] == CM_OK)
            continue;
        cm_loc loc = {d->ds->sources[t].name, 0, 0};
        cm_diag_report(r->priv->diag, CM_SEV_ERROR, &loc, "%s", d->why[t]);
        if (r->priv->status == CM_OK)
            r->priv->status = d->status[t];
        return;
    }
}

void rp_sources_free(cm_report *r)
{
    if (!r->priv->later)
        return;
    if (r->priv->later->started && !r->priv->later->joined)
        pthread_join(r->priv->later->thread, NULL);
    free(r->priv->later);
    r->priv->later = NULL;
}

static const char *digest_of(const cm_report *r, int t)
{
    const cm_source *src = &r->priv->x.ds->sources[t];
    return src->sha256_later && r->priv->later ? r->priv->later->hex[t] : src->sha256;
}

/* A path as the reader should see it: relative to the dataset's folder. */
static const char *relative(cm_report *r, const char *path)
{
    const cm_dataset *ds = r->priv->x.ds;
    if (!path)
        return "";
    const char *dirs[2] = {ds->dir, NULL};
    char mdir[4096] = "";
    if (ds->manifest) {
        snprintf(mdir, sizeof mdir, "%s", ds->manifest);
        char *slash = strrchr(mdir, '/');
        if (slash) {
            slash[1] = '\0';
            dirs[1] = mdir;
        }
    }
    for (int i = 1; i >= 0; i--) {
        const char *d = dirs[i];
        if (!d || !*d)
            continue;
        size_t n = strlen(d);
        while (n > 1 && d[n - 1] == '/')
            n--;
        if (strncmp(path, d, n) == 0 && path[n] == '/')
            return path + n + 1;
    }
    if (path[0] == '/') {
        const char *base = strrchr(path, '/');
        return rp_printf(r, "%s (outside the dataset's folder)", base + 1);
    }
    return path;
}

/* A message as the reader should see it: its path relative, too. */
static const char *relative_message(cm_report *r, const char *msg)
{
    const char *colon = strchr(msg, ':');
    if (!colon)
        return msg;
    char path[4096];
    snprintf(path, sizeof path, "%.*s", (int)(colon - msg), msg);
    const char *rel = relative(r, path);
    if (rel == path || strcmp(rel, path) == 0)
        return msg;
    return rp_printf(r, "%s%s", rel, colon);
}

typedef struct srccursor {
    rlist list;
    cm_report *r;
} srccursor;

static bool source_rows(cm_rsheet *sheet, void *cursor, cm_rcell *cells)
{
    srccursor *c = cursor;
    digests_finish(c->r);
    /* The digests land in the rows that wait for them: filled now. */
    if (c->list.next == 0 && c->r->priv->later) {
        for (size_t i = 0; i < c->list.n; i++) {
            cm_rcell *cell = &c->list.cells[i * c->list.ncols + 8];
            if (cell->kind == CM_RCELL_NUMBER && cell->style == CM_RSTYLE_PLAIN) {
                rp_text(cell, CM_RSTYLE_PLAIN, digest_of(c->r, (int)cell->num));
            }
        }
    }
    return rp_list_rows(sheet, &c->list, cells);
}

static void source_cursor_free(void *p)
{
    srccursor *c = p;
    free(c->list.cells);
    free(c);
}

static cm_rcell *pair(cm_report *r, rlist *l, const char *key, const char *value)
{
    cm_rcell *row = rp_row(r, l);
    if (row) {
        rp_text(&row[0], CM_RSTYLE_KEY, key);
        rp_text(&row[1], CM_RSTYLE_PLAIN, value);
    }
    return row;
}

static void citation(cm_report *r, rlist *l, const char *whose, const cm_citation *c)
{
    if (!c->source && !c->publisher && !c->url && !c->licence && !c->citation)
        return;
    cm_rcell *row = rp_row(r, l);
    if (row)
        rp_text(&row[0], CM_RSTYLE_HEADING, whose);
    if (c->citation)
        pair(r, l, "Cite as", c->citation);
    if (c->source)
        pair(r, l, "Source", c->source);
    if (c->publisher)
        pair(r, l, "Publisher", c->publisher);
    if (c->url)
        pair(r, l, "URL", c->url);
    if (c->licence)
        pair(r, l, "Licence", c->licence);
}

static void count(cm_rcell *c, uint64_t v)
{
    rp_num(c, CM_UNIT_COUNT, (double)v, -1);
}

/* The publishers' status flags each file's values carried (flags = yes),
   one line a file: which numbers are estimated or provisional. */
static void status_flags(cm_report *r, rlist *l, const cm_dataset *ds)
{
    static const struct {
        char letter;
        const char *what;
    } names[] = {{'e', "estimated"},
                 {'p', "provisional"},
                 {'b', "break in series"},
                 {'c', "confidential, read as missing"},
                 {'d', "definition differs"},
                 {'f', "forecast"},
                 {'r', "revised"},
                 {'s', "estimated by the publisher"},
                 {'u', "low reliability"},
                 {'n', "not significant"},
                 {'z', "not applicable"}};
    for (size_t i = 0; i < ds->ninputs; i++) {
        const cm_input *in = &ds->inputs[i];
        char text[512];
        size_t o = 0;
        for (size_t k = 0; k < sizeof names / sizeof names[0] && o < sizeof text; k++) {
            uint64_t n = in->flags[names[k].letter - 'a'];
            if (n)
                o += (size_t)snprintf(text + o, sizeof text - o, "%s%" PRIu64 " %s (%c)",
                                      o ? ", " : "", n, names[k].what, names[k].letter);
        }
        if (!o)
            continue;
        cm_rcell *row = rp_row(r, l);
        if (row)
            rp_text(&row[0], CM_RSTYLE_ASIDE,
                    rp_printf(r, "Status flags of %s [%s], as its publisher marks the values: %s.",
                              relative(r, in->path), in->section ? in->section : "", text));
    }
}

void rp_sources(cm_report *r)
{
    const rctx *x = &r->priv->x;
    const cm_dataset *ds = x->ds;
    const cm_report_info *info = x->info;
    cm_rsheet *s = rp_sheet(r, CM_RSHEET_TEXT, "Sources");
    srccursor *sc = s ? calloc(1, sizeof *sc) : NULL;
    cm_rcolumn *cols = s ? rp_columns(r, s, SOURCE_COLS) : NULL;
    if (!sc || !cols) {
        free(sc);
        rp_nomem(r);
        return;
    }
    sc->r = r;
    sc->list.ncols = SOURCE_COLS;
    s->rows = source_rows;
    s->cursor = sc;
    s->cursor_free = source_cursor_free;
    rlist *l = &sc->list;
    static const double widths[] = {40, 12, 12, 10, 11, 10, 18, 17, 66};
    for (size_t k = 0; k < SOURCE_COLS; k++)
        cols[k].width = widths[k];
    s->title = rp_strdup(r, "Sources");
    s->about = rp_strdup(r, "The files this workbook was made from, how to cite them, and how "
                            "they were read. Paths are relative to the dataset's folder.");
    s->contents = rp_strdup(r, "Every file read, with its size and SHA-256; citations; problems "
                               "met while reading; the rules, options and versions");

    cm_rcell *row = rp_row(r, l);
    if (!row)
        return;
    static const char *const head[] = {"File",
                                       "Table",
                                       "Bytes",
                                       "Lines",
                                       "Rows read",
                                       "Rejected",
                                       "Merged or dropped",
                                       "Unknown columns",
                                       "SHA-256"};
    for (size_t k = 0; k < SOURCE_COLS; k++)
        rp_text(&row[k], CM_RSTYLE_HEADING, head[k]);
    for (int t = 0; t < CM_TABLE_COUNT; t++) {
        const cm_source *src = &ds->sources[t];
        const char *table = cm_table_file((cm_table_id)t);
        if (!src->present)
            continue;
        size_t files = 0;
        for (size_t i = 0; i < ds->ninputs; i++)
            files += ds->inputs[i].table == (cm_table_id)t;
        if (!(row = rp_row(r, l)))
            return;
        if (files) {
            /* A table made from files named by the manifest: the group,
               then each file. */
            rp_text(&row[0], CM_RSTYLE_KEY,
                    rp_printf(r, "%.*s (%zu %s)", (int)(strlen(table) - 4), table, files,
                              files == 1 ? "file" : "files"));
            rp_text(&row[1], CM_RSTYLE_PLAIN, table);
            count(&row[4], src->rows);
            count(&row[5], src->rows_rejected);
            count(&row[6], src->duplicates_merged);
            count(&row[7], src->unknown_columns);
            for (size_t i = 0; i < ds->ninputs; i++) {
                const cm_input *in = &ds->inputs[i];
                if (in->table != (cm_table_id)t || !(row = rp_row(r, l)))
                    continue;
                rp_text(&row[0], CM_RSTYLE_PLAIN, relative(r, in->path));
                rp_text(&row[1], CM_RSTYLE_PLAIN,
                        !in->section ? ""
                        : in->lookup ? in->section
                                     : rp_printf(r, "[%s]", in->section));
                count(&row[2], in->bytes);
                count(&row[3], in->lines);
                rp_text(&row[8], CM_RSTYLE_PLAIN, in->sha256);
                count(&row[4], in->rows);
                count(&row[6], in->filtered + in->deduped);
            }
            continue;
        }
        rp_text(&row[0], CM_RSTYLE_PLAIN, src->name ? relative(r, src->name) : table);
        rp_text(&row[1], CM_RSTYLE_PLAIN, table);
        count(&row[2], src->csv.bytes);
        count(&row[3], src->csv.lines);
        if (src->sha256_later) {
            /* Filled in when the digest is ready (source_rows). */
            row[8].kind = CM_RCELL_NUMBER;
            row[8].style = CM_RSTYLE_PLAIN;
            row[8].num = t;
        } else {
            rp_text(&row[8], CM_RSTYLE_PLAIN, src->sha256);
        }
        count(&row[4], src->rows);
        count(&row[5], src->rows_rejected);
        count(&row[6], src->duplicates_merged);
        count(&row[7], src->unknown_columns);
    }
    if (ds->manifest) {
        row = rp_row(r, l);
        if (row) {
            rp_text(&row[0], CM_RSTYLE_PLAIN, relative(r, ds->manifest));
            rp_text(&row[1], CM_RSTYLE_PLAIN, "the manifest");
            rp_text(&row[8], CM_RSTYLE_PLAIN, ds->manifest_sha256);
        }
    }
    status_flags(r, l, ds);
    rp_row(r, l);

    char buf[1024];
    bool cited = false;
    for (int t = 0; t < CM_TABLE_COUNT && !cited; t++) {
        const cm_citation *c = &ds->table_cite[t];
        cited = c->source || c->publisher || c->url || c->licence || c->citation;
    }
    cited |= ds->cite.source || ds->cite.publisher || ds->cite.url || ds->cite.licence ||
             ds->cite.citation;
    if (cited) {
        if ((row = rp_row(r, l)))
            rp_text(&row[0], CM_RSTYLE_HEADING, "How to cite the data");
        citation(r, l, "The dataset", &ds->cite);
        for (int t = 0; t < CM_TABLE_COUNT; t++) {
            snprintf(buf, sizeof buf, "The table %s", cm_table_file((cm_table_id)t));
            citation(r, l, rp_strdup(r, buf), &ds->table_cite[t]);
        }
        rp_row(r, l);
    }

    if ((row = rp_row(r, l)))
        rp_text(&row[0], CM_RSTYLE_HEADING, "Problems met while reading (rows rejected and why)");
    if (info->nmessages == 0 && (row = rp_row(r, l)))
        rp_text(&row[0], CM_RSTYLE_PLAIN, "none");
    for (size_t i = 0; i < info->nmessages && i < MESSAGES_MAX; i++)
        if ((row = rp_row(r, l)))
            rp_text(&row[0], CM_RSTYLE_PLAIN, relative_message(r, info->messages[i]));
    if (info->nmessages > MESSAGES_MAX && (row = rp_row(r, l)))
        rp_text(&row[0], CM_RSTYLE_PLAIN,
                rp_printf(r, "... and %zu more", info->nmessages - MESSAGES_MAX));
    rp_row(r, l);

    if ((row = rp_row(r, l))) {
        rp_text(&row[0], CM_RSTYLE_HEADING, "Rules (the conference's conclusions)");
        rp_text(&row[1], CM_RSTYLE_HEADING, "Severity");
        rp_text(&row[2], CM_RSTYLE_HEADING, "Indicator");
        rp_text(&row[4], CM_RSTYLE_HEADING, "Condition");
    }
    for (size_t k = 0; k < x->rules->count; k++) {
        const cm_rule *rule = &x->rules->items[k];
        size_t nd;
        if (!(row = rp_row(r, l)))
            return;
        rp_text(&row[0], CM_RSTYLE_PLAIN, rule->id);
        rp_text(&row[1], (cm_rstyle)(CM_RSTYLE_SEV_INFO + rule->severity),
                cm_rule_severity_str(rule->severity));
        rp_text(&row[2], CM_RSTYLE_PLAIN, cm_indicator_defs(&nd)[rule->indicator].id);
        rp_text(&row[4], CM_RSTYLE_PLAIN, rp_condition(r, rule));
    }
    rp_row(r, l);

    struct tm tm;
    gmtime_r(&r->created, &tm);
    char when[64];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char years[48];
    if (info->year_from)
        snprintf(years, sizeof years, "%" PRId32 " to %" PRId32, info->year_from, info->year_to);
    else
        snprintf(years, sizeof years, "all");
    if ((row = rp_row(r, l)))
        rp_text(&row[0], CM_RSTYLE_HEADING, "How this workbook was made");
    char base[256];
    const char *dataset = info->dataset ? info->dataset : "";
    const char *slash = strrchr(dataset, '/');
    if (slash && slash[1])
        dataset = slash + 1;
    else if (slash) {
        /* "data/wmr2015/": the folder's own name. */
        size_t n = (size_t)(slash - dataset);
        const char *b = dataset;
        for (const char *p = dataset; p < slash; p++)
            if (*p == '/')
                b = p + 1;
        snprintf(base, sizeof base, "%.*s", (int)(dataset + n - b), b);
        dataset = base;
    }
    pair(r, l, "Dataset", rp_strdup(r, dataset));
    pair(r, l, "Manifest", ds->manifest ? relative(r, ds->manifest) : "none (a folder of tables)");
    pair(r, l, "Rules",
         !x->rules->source || strcmp(x->rules->source, "built-in") == 0
             ? "built-in (the conference's conclusions)"
             : relative(r, x->rules->source));
    pair(r, l, "Rules, count", rp_printf(r, "%zu", x->rules->count));
    pair(r, l, "Rules, SHA-256", info->rules_sha256);
    pair(r, l, "Option --min-count", rp_printf(r, "%" PRId64, info->min_count));
    pair(r, l, "Option --year", rp_strdup(r, years));
    if (info->pairs)
        pair(r, l, "Option --pairs",
             rp_printf(r, "yes, --partners %d",
                       info->partners > 0 ? info->partners : CM_PARTNERS_DEFAULT));
    if (info->matrix)
        pair(r, l, "Option --matrix", "yes");
    pair(r, l, "citymig", CITYMIG_VERSION);
    pair(r, l, "libcsv", rp_printf(r, "%d.%d.%d", CSV_MAJOR, CSV_MINOR, CSV_RELEASE));
    if (info->xlsx_version)
        pair(r, l, "libxlsxwriter", info->xlsx_version);
    pair(r, l, "Generated", rp_strdup(r, when));
    pair(r, l, "Time from SOURCE_DATE_EPOCH", info->reproducible ? "yes" : "no");
    s->nrows = l->n;
}
