/*
 * manifest.c - downloads as published, mapped onto the canonical tables.
 *
 * The manifest is parsed with inih, through a reader that counts lines so
 * that every message names the manifest's line and key. Each source's file
 * goes through the CSV layer (converted to UTF-8 by iconv first when the
 * source declares another encoding); each of its records becomes one
 * canonical row (several with unpivot), built in this order:
 *
 *   keep_if / skip_if on the source's values
 *   column mapping: a column, a template or a constant
 *   missing tokens, then value maps
 *   numbers: thousands separator and decimal mark, scale, rounding
 *   unpivot, then joined sources' columns by key, then de-duplication
 *
 * and is handed to the table's loader with the place of each value in its
 * source file, so that the loader's checks and messages are those of a
 * canonical file.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unistd.h>

#include "citymig/sha256.h"
#include "citymig/table.h"
#include "citymig/value.h"
#include "manifest_internal.h"

#include <ini.h>

/* ---- the whole manifest ------------------------------------------------------------ */

/*
 * The zones of the flows, declared before their rows are read (areas were
 * read first): the manifest's zones, else the areas of zone_level, else the
 * areas of each year at its finest level.
 */
static cm_status declare_zones(manifest *m)
{
    cm_dataset *ds = m->ds;
    if (!m->nzones)
        return cm_flows_declare_zone_level(ds->flows, ds->areas, m->zone_level, m->zone_level >= 0);
    uint32_t *ids = malloc(m->nzones * sizeof *ids);
    if (!ids)
        return CM_ERR_NOMEM;
    for (size_t i = 0; i < m->nzones; i++)
        if (!(ids[i] = cm_strpool_intern(ds->pool, m->zones[i], strlen(m->zones[i])))) {
            free(ids);
            return CM_ERR_NOMEM;
        }
    cm_status st = cm_flows_declare_zone_list(ds->flows, ids, m->nzones);
    free(ids);
    return st;
}

/* zone_level: a year of internal flows with no area of that level has no
   system; said, as the level was asked for. */
static void zone_level_gaps(manifest *m)
{
    const cm_flows *f = m->ds->flows;
    bool seen[CM_FLOWS_YEARS] = {false};
    if (m->zone_level < 0)
        return;
    for (size_t i = 0; i < f->count; i++)
        if (f->cells[i].kind == CM_KIND_INTERNAL)
            seen[f->cells[i].year - CM_YEAR_MIN] = true;
    for (int32_t y = CM_YEAR_MIN; y <= CM_YEAR_MAX; y++) {
        if (!seen[y - CM_YEAR_MIN] || cm_flows_system_declared(f, y))
            continue;
        cm_loc loc = {m->path, m->zone_level_line, 0};
        cm_diag_report(m->diag, CM_SEV_WARNING, &loc,
                       "key 'zone_level': areas has no area of level %s in %" PRId32
                       ", a year of internal flows: no system of zones is declared for it",
                       cm_enum_name(&cm_level_enum, m->zone_level), y);
    }
}

/* A zone of the manifest's list that no row of any table names: a typo, or
   an area without data. Returns CM_ERR_NOMEM or CM_OK. */
static cm_status unnamed_zones(manifest *m)
{
    const cm_dataset *ds = m->ds;
    if (!m->nzones)
        return CM_OK;
    size_t n = (size_t)cm_strpool_count(ds->pool) + 1;
    uint8_t *named = calloc(n, 1);
    if (!named)
        return CM_ERR_NOMEM;
    const struct {
        const cm_table *t;
        size_t col;
    } ids[] = {{ds->areas, CM_AREAS_AREA_ID},
               {ds->areas, CM_AREAS_PARENT_ID},
               {ds->stocks, CM_STOCKS_AREA_ID},
               {ds->stocks, CM_STOCKS_ORIGIN},
               {ds->services, CM_SERVICES_AREA_ID}};
    for (size_t k = 0; k < sizeof ids / sizeof ids[0]; k++) {
        const cm_column *col = &ids[k].t->cols[ids[k].col];
        for (size_t r = 0; r < ids[k].t->nrows; r++)
            if (col->present[r] && col->v.text[r] < n)
                named[col->v.text[r]] = 1;
    }
    for (size_t i = 0; i < m->nzones; i++) {
        uint32_t id = cm_strpool_find(ds->pool, m->zones[i], strlen(m->zones[i]));
        if (id && (named[id] || cm_flows_zone_named(ds->flows, id)))
            continue;
        if (id)
            named[id] = 1; /* said once */
        char q[CM_QUOTE_SIZE];
        cm_loc loc = {m->path, m->zones_line, 0};
        cm_diag_report(m->diag, CM_SEV_WARNING, &loc,
                       "key 'zones': no row of any table names the zone %s (a typo, or an area "
                       "with no data?)",
                       cm_quote(q, sizeof q, m->zones[i], strlen(m->zones[i])));
    }
    free(named);
    return CM_OK;
}

/* The publishers' status flags of the areas' values, in the table: each
   flagged value at the row it became. */
static cm_status apply_marks(manifest *m)
{
    cm_dataset *ds = m->ds;
    for (size_t i = 0; i < m->nmarks; i++) {
        const pending_mark *pm = &m->marks[i];
        int32_t year;
        uint32_t id = cm_strpool_find(ds->pool, pm->area_id, strlen(pm->area_id));
        if (!id || cm_parse_year(pm->year, strlen(pm->year), &year) != CM_PARSE_OK)
            continue;
        size_t row = cm_areas_find(ds->areas, id, year);
        if (row == SIZE_MAX)
            continue;
        if ((pm->marks & MF_MARK_ESTIMATED) &&
            cm_table_mark_status(ds->areas, row, pm->col, false) != CM_OK)
            return CM_ERR_NOMEM;
        if ((pm->marks & MF_MARK_BREAK) &&
            cm_table_mark_status(ds->areas, row, pm->col, true) != CM_OK)
            return CM_ERR_NOMEM;
    }
    return CM_OK;
}

static cm_status load_table(manifest *m, cm_table_id t)
{
    cm_dataset *ds = m->ds;
    source *first = NULL;
    for (size_t i = 0; i < m->nsources; i++)
        if (m->sources[i].table == t && !m->sources[i].target && !first)
            first = &m->sources[i];
    if (!first)
        return CM_OK;
    cm_source *src = &ds->sources[t];
    src->present = true;
    src->path = strdup(first->path);
    src->name = strdup(first->input->path);
    if (!src->path || !src->name)
        return CM_ERR_NOMEM;
    cm_table *table = t == CM_TABLE_AREAS    ? ds->areas
                      : t == CM_TABLE_STOCKS ? ds->stocks
                      : t == CM_TABLE_FLOWS  ? NULL
                                             : ds->services;
    if (t == CM_TABLE_FLOWS && declare_zones(m) != CM_OK)
        return CM_ERR_NOMEM;
    cm_loader *loader =
        cm_loader_new(mf_table_defs[t], src->name, ds->pool, table,
                      t == CM_TABLE_FLOWS ? ds->flows : NULL, m->opts, m->diag, src);
    if (!loader)
        return CM_ERR_NOMEM;
    cm_status st = CM_OK;
    /* Joined sources first: their rows wait, by key, for the base rows. */
    for (size_t i = 0; i < m->nsources && st == CM_OK; i++)
        if (m->sources[i].table == t && m->sources[i].target)
            st = mf_read_source(m, &m->sources[i], NULL);
    /* The canonical header, then every base source's rows. */
    const cm_table_def *def = mf_table_defs[t];
    cm_csv_pos at = {first->section_line, 0, m->path};
    for (size_t c = 0; c < def->ncols && st == CM_OK; c++)
        st = cm_loader_field(loader, c, def->cols[c].name, strlen(def->cols[c].name), &at);
    if (st == CM_OK)
        st = cm_loader_record(loader, def->ncols, &at);
    for (size_t i = 0; i < m->nsources && st == CM_OK; i++)
        if (m->sources[i].table == t && !m->sources[i].target)
            st = mf_read_source(m, &m->sources[i], loader);
    /* Joined rows that found no row: said, not silent. */
    for (size_t i = 0; i < m->nsources && st == CM_OK; i++) {
        source *j = &m->sources[i];
        if (j->table != t || !j->target)
            continue;
        for (size_t r = 0; r < j->nrows; r++)
            j->input->unmatched += !j->rows[r].used;
        if (j->input->unmatched) {
            cm_loc loc = {j->input->path, 0, 0};
            cm_diag_report(m->diag, CM_SEV_NOTE, &loc,
                           "%" PRIu64 " %s of [%s] %s no row of [%s] and %s not used (a left join)",
                           j->input->unmatched, j->input->unmatched == 1 ? "row" : "rows",
                           j->section, j->input->unmatched == 1 ? "matches" : "match",
                           j->target->section, j->input->unmatched == 1 ? "is" : "are");
        }
    }
    if (st == CM_OK && m->errors)
        st = CM_ERR_DATA;
    /* The table's size: its files' (each file's digest is listed apart). */
    for (size_t i = 0; i < m->nsources; i++) {
        if (m->sources[i].table == t && m->sources[i].input) {
            src->csv.bytes += m->sources[i].input->bytes;
            src->csv.lines += m->sources[i].input->lines;
            cm_loader_filtered(loader, m->sources[i].input->filtered);
        }
    }
    st = cm_loader_end(loader, st);
    cm_loader_free(loader);
    if (st != CM_ERR_NOMEM && t == CM_TABLE_FLOWS)
        zone_level_gaps(m);
    if (st != CM_ERR_NOMEM && cm_check_sex_totals(ds, t, m->diag) != CM_OK)
        st = CM_ERR_NOMEM;
    return st;
}

cm_status cm_manifest_load(const char *path, const cm_load_options *opts, cm_diag *diag,
                           cm_dataset *ds)
{
    manifest m = {0};
    cm_status st = CM_OK;
    m.zone_level = -1;
    m.path = path;
    m.diag = diag;
    m.opts = opts;
    m.ds = ds;
    const char *slash = strrchr(path, '/');
    size_t dlen = slash ? (size_t)(slash - path) + 1 : 0;
    m.dir = malloc(dlen + 1);
    if (!m.dir)
        return CM_ERR_NOMEM;
    memcpy(m.dir, path, dlen);
    m.dir[dlen] = '\0';

    int fd = cm_input_open(path, path, "the manifest", diag);
    FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (!f) {
        bool nomem = fd >= 0 && errno == ENOMEM;
        if (fd >= 0) {
            if (!nomem) {
                cm_loc loc = {path, 0, 0};
                cm_diag_report(diag, CM_SEV_ERROR, &loc, "cannot open the manifest: %s",
                               strerror(errno));
            }
            close(fd);
        }
        free(m.dir);
        return nomem ? CM_ERR_NOMEM : CM_ERR_NOINPUT;
    }
    int rc = mf_parse(&m, f);
    if (rc == -2)
        m.nomem = true; /* inih's line buffer (when it is built to use the heap) */
    /* The manifest's digest, for the report's Sources sheet. */
    if (fseek(f, 0, SEEK_SET) == 0) {
        cm_sha256 *sha = cm_sha256_new();
        char buf[4096];
        size_t n;
        while (sha && (n = fread(buf, 1, sizeof buf, f)) > 0)
            cm_sha256_update(sha, buf, n);
        if (sha)
            cm_sha256_finish(sha, ds->manifest_sha256);
        else
            m.nomem = true;
    }
    fclose(f);
    if (m.too_long)
        mf_err(&m, m.too_long_line,
               "the line is longer than %d bytes (a long value goes on over indented lines)",
               INI_MAX_LINE - 1);
    else if (rc > 0)
        mf_err(&m, (unsigned)rc, "not a [section] nor a 'key = value' line");
    /* Out of memory while reading the manifest: nothing is loaded (what
       was read may lack a key, a section or a value). */
    if (m.zones_nomem || m.nomem) {
        cm_loc loc = {path, m.zones_nomem ? m.zones_line : 0, 0};
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "out of memory");
        st = CM_ERR_NOMEM;
    } else if (m.nsources == 0 && m.errors == 0) {
        mf_err(&m, 0, "no table: a manifest needs at least one section such as [areas]");
    } else if (m.zones_line && m.nzones == 0) {
        mf_err(&m, m.zones_line,
               "key 'zones': no zone given (expected area ids separated by commas)");
    }
    if (st == CM_OK && !mf_table_citations(&m))
        st = CM_ERR_NOMEM;
    /* The files and the headers are checked even after an error of the
       keys, so that every error of the manifest is said at once; no row is
       read after any. */
    bool keys_ok = m.errors == 0;
    if (st == CM_OK && !m.bad_text && !m.too_long && m.nsources) {
        mf_check_sources(&m);
        if (m.nomem)
            st = CM_ERR_NOMEM;
    }
    if (st == CM_OK && !m.bad_text && !m.too_long && m.nsources) {
        /* One input entry per source, for messages and the Sources sheet. */
        ds->inputs = calloc(m.nsources + m.nlookups, sizeof *ds->inputs);
        if (!ds->inputs)
            st = CM_ERR_NOMEM;
        for (size_t i = 0; st == CM_OK && i < m.nsources; i++) {
            cm_input *in = &ds->inputs[ds->ninputs++];
            in->path = strdup(m.sources[i].path ? m.sources[i].path : "");
            in->section = strdup(m.sources[i].section);
            in->table = m.sources[i].table;
            m.sources[i].input = in;
            if (!in->path || !in->section)
                st = CM_ERR_NOMEM;
        }
        /* The lookup files, after the sources (their rows are none). */
        for (size_t i = 0; st == CM_OK && i < m.nlookups; i++) {
            ds->inputs[ds->ninputs++] = m.lookups[i];
            memset(&m.lookups[i], 0, sizeof m.lookups[i]);
        }
        /* Every source's header before any rows: every error of the
           manifest's names is said at once. */
        for (size_t i = 0; st == CM_OK && i < m.nsources; i++) {
            if (!m.sources[i].file_ok)
                continue;
            cm_status hs = mf_read_header(&m, &m.sources[i]);
            if (hs == CM_ERR_NOMEM || m.nomem)
                st = CM_ERR_NOMEM;
            else if (hs == CM_ERR_NOINPUT)
                m.noinput = true;
            else if (hs != CM_OK && m.errors == 0)
                m.errors++;
        }
        for (size_t i = 0; st == CM_OK && m.errors == 0 && i < m.nsources; i++)
            mf_automatic(&m, &m.sources[i]);
        /* What each source must give, unless an earlier error may be why
           it gives nothing. */
        if (st == CM_OK && m.errors == 0)
            mf_check_required(&m);
        bool headers_ok = st == CM_OK && m.errors == 0;
        if (st == CM_OK && m.errors)
            st = m.noinput ? CM_ERR_NOINPUT : CM_ERR_DATA;
        for (int t = 0; headers_ok && t < CM_TABLE_COUNT && st != CM_ERR_NOMEM; t++) {
            if (cm_diag_full(diag))
                break;
            cm_status ts = load_table(&m, (cm_table_id)t);
            if (t == CM_TABLE_AREAS && ts == CM_OK)
                ts = apply_marks(&m);
            st = cm_status_worse(st, ts);
        }
        if (headers_ok && st != CM_ERR_NOMEM && unnamed_zones(&m) != CM_OK)
            st = CM_ERR_NOMEM;
    } else if (st != CM_ERR_NOMEM) {
        st = m.noinput ? CM_ERR_NOINPUT : CM_ERR_DATA;
    }
    if (st == CM_OK && !keys_ok)
        st = CM_ERR_DATA;
    ds->reference_year = m.reference_year;
    if (m.title)
        ds->title = m.title;
    else
        free(m.title);
    ds->cite = m.cite;
    ds->notes = m.notes;
    ds->nnotes = m.nnotes;
    for (size_t i = 0; i < m.nsources; i++)
        mf_free_source(&m.sources[i]);
    free(m.sources);
    mf_free_list(m.zones, m.nzones);
    for (size_t i = 0; i < m.nlookups; i++) {
        free(m.lookups[i].path);
        free(m.lookups[i].section);
    }
    free(m.lookups);
    for (size_t i = 0; i < m.nmarks; i++) {
        free(m.marks[i].area_id);
        free(m.marks[i].year);
    }
    free(m.marks);
    mf_forget_keys(&m);
    free(m.section);
    free(m.dir);
    free(m.real_dir);
    return st;
}
