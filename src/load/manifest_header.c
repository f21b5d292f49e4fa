/*
 * manifest_header.c - each source's file located (inside the manifest's
 * folder), its header read, and every column the manifest names in it
 * resolved: by name, by position (#N) or by quoted text.
 */
#define _GNU_SOURCE /* realpath */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "manifest_internal.h"

#include <sys/stat.h>

#include "citymig/sha256.h"
#include "citymig/value.h"

static bool lookups(manifest *m, source *s);
static bool preset(source *s);

/* ---- checks of the whole manifest ------------------------------------------ */

static bool mf_provides(const source *s, size_t c)
{
    return s->map[c].kind != MAP_NONE ||
           (s->unpivot && (c == s->unpivot_value || (int)c == mf_column_of(s->def, "year")));
}

/* Does any source joined into base provide column c? */
static bool joined_provides(const manifest *m, const source *base, size_t c)
{
    for (size_t i = 0; i < m->nsources; i++)
        if (m->sources[i].target == base && mf_provides(&m->sources[i], c))
            return true;
    return false;
}

/* Does a relative path climb above its start with ".."? */
static bool climbs_out(const char *path)
{
    long depth = 0;
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (--depth < 0)
                return true;
        } else if (n > 0 && !(n == 1 && p[0] == '.')) {
            depth++;
        }
        p += n;
        p += *p == '/';
    }
    return false;
}

/*
 * Resolves a file the manifest names (key at line): relative to the
 * manifest, and inside the manifest's folder (no absolute path, no ".." or
 * symbolic link leading out of it), unless --allow-outside-files; a regular
 * file. *path is the file as shown, *real what is opened (NULL when it
 * cannot be). Returns false when out of memory.
 */
bool mf_locate(manifest *m, const char *file, unsigned line, const char *key, char **path,
               char **real)
{
    char q[CM_QUOTE_SIZE];
    struct stat sb;
    bool allow = m->opts->allow_outside_files;
    *real = NULL;
    cm_quote(q, sizeof q, file, strlen(file));
    size_t n = strlen(m->dir) + strlen(file) + 2;
    *path = malloc(n);
    if (!*path)
        return false;
    if (file[0] == '/')
        snprintf(*path, n, "%s", file);
    else
        snprintf(*path, n, "%s%s", m->dir, file);
    if (!*file) {
        mf_err(m, line, "key '%s': empty; expected the name of a file beside the manifest", key);
        return true;
    }
    if (!allow && file[0] == '/') {
        mf_err(m, line,
               "key '%s': %s is an absolute path; expected a path relative to the manifest, to "
               "a file in its folder (or give --allow-outside-files to read files elsewhere)",
               key, q);
        return true;
    }
    if (!allow && climbs_out(file)) {
        mf_err(m, line,
               "key '%s': %s leads out of the manifest's folder with '..'; expected a file in "
               "that folder or below it (or give --allow-outside-files to read files elsewhere)",
               key, q);
        return true;
    }
    *real = realpath(*path, NULL);
    if (!*real) {
        if (errno == ENOMEM)
            return false;
        mf_err(m, line, "key '%s': cannot open %s: %s", key, q, strerror(errno));
        m->noinput = true;
        return true;
    }
    if (!allow) {
        if (!m->real_dir) {
            m->real_dir = realpath(*m->dir ? m->dir : ".", NULL);
            if (!m->real_dir) {
                if (errno == ENOMEM)
                    return false;
                mf_err(m, line, "key '%s': cannot resolve the manifest's folder: %s", key,
                       strerror(errno));
                m->noinput = true;
                return true;
            }
        }
        size_t dl = strlen(m->real_dir);
        bool root = dl == 1 && m->real_dir[0] == '/';
        if (!root && (strncmp(*real, m->real_dir, dl) != 0 || (*real)[dl] != '/')) {
            mf_err(m, line,
                   "key '%s': %s leads out of the manifest's folder through a symbolic link; "
                   "expected a file in that folder or below it (or give --allow-outside-files "
                   "to read files elsewhere)",
                   key, q);
            free(*real);
            *real = NULL;
            return true;
        }
    }
    if (stat(*real, &sb) != 0) {
        mf_err(m, line, "key '%s': cannot open %s: %s", key, q, strerror(errno));
        m->noinput = true;
    } else if (!S_ISREG(sb.st_mode)) {
        mf_err(m, line, "key '%s': %s is %s; expected a regular file", key, q,
               cm_file_kind(sb.st_mode));
        m->noinput = true;
    }
    return true;
}

void mf_check_sources(manifest *m)
{
    for (size_t i = 0; i < m->nsources; i++) {
        source *s = &m->sources[i];
        if (!s->file) {
            mf_err(m, s->section_line, "[%s] has no 'file' key: which file holds its rows?",
                   s->section);
            continue;
        }
        size_t before = m->errors;
        if (!mf_locate(m, s->file, s->file_line, "file", &s->path, &s->real)) {
            m->nomem = true;
            return;
        }
        s->file_ok = s->real && m->errors == before;
        if (!lookups(m, s) || !preset(s)) {
            m->nomem = true;
            return;
        }
        if (s->join) {
            for (size_t k = 0; k < m->nsources; k++)
                if (k != i && strcmp(m->sources[k].section, s->join) == 0)
                    s->target = &m->sources[k];
            if (strcmp(s->join, s->section) == 0)
                mf_err(m, s->join_line,
                       "key 'join': [%s] names itself; expected another section of %s, whose rows "
                       "this one's columns join (such as join = %s in [%s.extra])",
                       s->join, mf_table_names[s->table], mf_table_names[s->table],
                       mf_table_names[s->table]);
            else if (!s->target)
                mf_err(m, s->join_line, "key 'join': there is no section [%s] to join into",
                       s->join);
            else if (s->target->table != s->table)
                mf_err(m, s->join_line, "key 'join': [%s] is a source of %s, not of %s", s->join,
                       mf_table_names[s->target->table], mf_table_names[s->table]);
            else if (s->target->join)
                mf_err(m, s->join_line, "key 'join': [%s] is itself joined into another section",
                       s->join);
            else if (s->def->nkey == 0)
                mf_err(m, s->join_line,
                       "key 'join': %s has no key to join on (flows add up; give another [%s.NAME] "
                       "section instead)",
                       s->def->file, mf_table_names[s->table]);
        }
    }
}

/* What each source must give, once every header is read (a header named
   as a canonical column gives it). */
void mf_check_required(manifest *m)
{
    for (size_t i = 0; i < m->nsources; i++) {
        source *s = &m->sources[i];
        if (s->target) {
            for (size_t k = 0; k < s->def->nkey; k++) {
                size_t c = s->def->key[k];
                bool defaulted = s->def->cols[c].type == CM_VALUE_ENUM &&
                                 s->def->cols[c].enumdef->default_code >= 0;
                if (!mf_provides(s, c) && !defaulted)
                    mf_err(m, s->section_line,
                           "[%s] joins on the key of %s: it must give '%s' (column.%s = ...)",
                           s->section, s->def->file, s->def->cols[c].name, s->def->cols[c].name);
            }
            for (size_t c = 0; c < s->def->ncols; c++) {
                bool key = false;
                for (size_t k = 0; k < s->def->nkey; k++)
                    key |= s->def->key[k] == c;
                if (!key && mf_provides(s, c) && mf_provides(s->target, c))
                    mf_err(m, s->section_line, "column '%s' is given by both [%s] and [%s]",
                           s->def->cols[c].name, s->section, s->target->section);
            }
            continue;
        }
        for (size_t c = 0; c < s->def->ncols; c++) {
            if (!(s->def->cols[c].flags & CM_COL_REQUIRED) || mf_provides(s, c) ||
                joined_provides(m, s, c))
                continue;
            mf_err(m, s->section_line,
                   "[%s] gives no '%s', which %s requires (column.%s = SOURCE COLUMN, a constant "
                   "%s = VALUE, or unpivot)",
                   s->section, s->def->cols[c].name, s->def->file, s->def->cols[c].name,
                   s->def->cols[c].name);
        }
    }
}

/* ---- lookup files and presets --------------------------------------------- */

/* Reading a lookup file: FROM,TO rows after a header. */
typedef struct lookup {
    manifest *m;
    source *s;
    size_t c;
    const char *file; /* as shown */
    row_buf row;
    uint64_t *lines; /* of each pair, for a repeated FROM */
    size_t cap;
    bool header_done;
} lookup;

static cm_status lookup_field(void *ctx, size_t index, const char *text, size_t len,
                              const cm_csv_pos *pos)
{
    lookup *lk = ctx;
    if (index == 0) {
        lk->row.n = 0;
        lk->row.len = 0;
    }
    return mf_row_add(&lk->row, text, len, pos) ? CM_OK : CM_ERR_NOMEM;
}

static cm_status lookup_record(void *ctx, size_t nfields, const cm_csv_pos *start)
{
    lookup *lk = ctx;
    source *s = lk->s;
    size_t c = lk->c;
    cm_loc loc = {lk->file, start->line, 0};
    if (!lk->header_done) {
        lk->header_done = true;
        return CM_OK;
    }
    const char *from = mf_row_field(&lk->row, 0), *to = mf_row_field(&lk->row, 1);
    if (nfields < 2 || !*from) {
        cm_diag_report(lk->m->diag, CM_SEV_ERROR, &loc,
                       nfields < 2 ? "%zu field, expected two: FROM,TO (a value of the source, "
                                     "then what map.%s makes it)"
                                   : "%zu fields, but FROM is empty; expected FROM,TO (a value "
                                     "of the source, then what map.%s makes it)",
                       nfields, s->def->cols[c].name);
        lk->m->errors++;
        return cm_diag_full(lk->m->diag) ? CM_ERR_DATA : CM_OK;
    }
    for (size_t i = 0; i < s->nvmap[c]; i++)
        if (s->vmap[c][i].from && strcmp(s->vmap[c][i].from, from) == 0) {
            char q[CM_QUOTE_SIZE];
            cm_diag_report(lk->m->diag, CM_SEV_ERROR, &loc,
                           "%s is given twice (first at line %" PRIu64
                           "); expected each value once",
                           mf_quoted(q, from), lk->lines[i]);
            lk->m->errors++;
            return cm_diag_full(lk->m->diag) ? CM_ERR_DATA : CM_OK;
        }
    if (s->nvmap[c] == lk->cap) {
        size_t cap = lk->cap ? lk->cap * 2 : 64;
        pair *grown = realloc(s->vmap[c], cap * sizeof *grown);
        if (!grown)
            return CM_ERR_NOMEM;
        s->vmap[c] = grown;
        uint64_t *lines = realloc(lk->lines, cap * sizeof *lines);
        if (!lines)
            return CM_ERR_NOMEM;
        lk->lines = lines;
        lk->cap = cap;
    }
    char *f = strdup(from), *t = strdup(to);
    if (!f || !t) {
        free(f);
        free(t);
        return CM_ERR_NOMEM;
    }
    lk->lines[s->nvmap[c]] = start->line;
    if (strcmp(f, "*") == 0) {
        /* *,TO: every other value, as in a map written in the manifest. */
        free(f);
        f = NULL;
        s->vmap_default[c] = t;
    }
    s->vmap[c][s->nvmap[c]++] = (pair){f, t};
    return CM_OK;
}

static void lookup_digest(void *ctx, const void *data, size_t len)
{
    cm_sha256_update(ctx, data, len);
}

/* map.COLUMN = @FILE: the file's pairs, read through the CSV layer, so
   that a bad row is named at its line. Returns false when out of memory. */
static bool lookups(manifest *m, source *s)
{
    for (size_t c = 0; c < s->def->ncols; c++) {
        if (!s->vmap_file[c])
            continue;
        char key[64], *path = NULL, *real = NULL;
        snprintf(key, sizeof key, "map.%s", s->def->cols[c].name);
        if (!mf_locate(m, s->vmap_file[c], s->vmap_line[c], key, &path, &real))
            return false;
        cm_status st = CM_OK;
        if (real) {
            lookup lk = {m, s, c, path, {0}, NULL, 0, false};
            cm_csv_handler h = {lookup_field, lookup_record, NULL};
            size_t before = m->errors;
            cm_csv_stats stats = {0};
            cm_sha256 *sha = cm_sha256_new();
            cm_csv_tap tap = {lookup_digest, sha};
            st = !sha ? CM_ERR_NOMEM
                      : cm_csv_read_file(real, path, &m->opts->csv, &h, &lk, m->diag, &stats, &tap);
            bool listed = false;
            for (size_t i = 0; i < m->nlookups; i++)
                listed |= strcmp(m->lookups[i].path, path) == 0;
            cm_input *grown =
                listed ? m->lookups : realloc(m->lookups, (m->nlookups + 1) * sizeof *grown);
            if (sha && listed) {
                cm_sha256_finish(sha, (char[65]){0});
            } else if (sha && grown) {
                m->lookups = grown;
                cm_input *in = &m->lookups[m->nlookups];
                memset(in, 0, sizeof *in);
                in->table = s->table;
                in->lookup = true;
                in->bytes = stats.bytes;
                in->lines = stats.lines;
                cm_sha256_finish(sha, in->sha256);
                in->path = strdup(path);
                size_t n = strlen(key) + strlen(s->section) + 4;
                if ((in->section = malloc(n)) != NULL)
                    snprintf(in->section, n, "[%s] %s", s->section, key);
                m->nlookups++;
                if (!in->path || !in->section)
                    st = CM_ERR_NOMEM;
            } else {
                if (sha)
                    cm_sha256_finish(sha, (char[65]){0});
                st = CM_ERR_NOMEM;
            }
            if (st == CM_OK && s->nvmap[c] == 0 && m->errors == before)
                mf_err(m, s->vmap_line[c], "key '%s': %s holds no FROM,TO row after its header",
                       key, path);
            if (st == CM_ERR_DATA && m->errors == before)
                m->errors++;
            if (st == CM_ERR_NOINPUT)
                m->noinput = true, m->errors++;
            free(lk.row.text);
            free(lk.row.start);
            free(lk.row.pos);
            free(lk.lines);
        }
        free(path);
        free(real);
        if (st == CM_ERR_NOMEM)
            return false;
    }
    return true;
}

/* format = eurostat-tsv: Eurostat's bulk download, tab-separated, values
   with status flags after a space and ":" for missing, the first column
   joining dimensions ("unit,geo\time"). Keys the manifest gives win. */
static bool preset(source *s)
{
    if (!s->eurostat)
        return true;
    if (!s->delim_line)
        s->delim = '\t';
    s->trim = true;
    s->flags_all = true;
    for (size_t i = 0; i < s->nmissing; i++)
        if (strcmp(s->missing[i], ":") == 0)
            return true;
    char **grown = realloc(s->missing, (s->nmissing + 1) * sizeof *grown);
    if (!grown)
        return false;
    s->missing = grown;
    if (!(s->missing[s->nmissing] = strdup(":")))
        return false;
    s->nmissing++;
    return true;
}

/* ---- a source's header ----------------------------------------------------- */

static void no_such_column(manifest *m, const source *s, unsigned line, const char *key,
                           const char *name)
{
    /* The download's names, each quoted (escaped, cut short), up to a few. */
    char list[512], q[CM_QUOTE_SIZE], hint[160] = "";
    size_t o = 0;
    list[0] = '\0';
    for (size_t i = 0; i < s->nheader && o < sizeof list - 8; i++)
        o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "",
                              mf_quoted(q, s->header[i]));
    if (o >= sizeof list - 8)
        snprintf(list + sizeof list - 8, 8, ", ...");
    /* A name the file writes with spaces around it. */
    for (size_t i = 0; i < s->nheader && !*hint; i++) {
        char *t = mf_trimmed(s->header[i], strlen(s->header[i]));
        if (t && strcmp(t, name) == 0 && strcmp(t, s->header[i]) != 0)
            snprintf(hint, sizeof hint,
                     "; column %zu is %s, with spaces around the name: trim = yes removes them",
                     i + 1, mf_quoted(q, s->header[i]));
        free(t);
    }
    mf_err(m, line, "key '%s': %s has no column %s (its columns: %s)%s", key, s->file,
           mf_quoted(q, name), list, hint);
}

/*
 * The column a key names: a header's text as it is, "#N" (the Nth column of
 * the file, from 1), or a text in double quotes (a header that is empty,
 * starts with # or holds a comma). Returns its index, or -1 (reported).
 */
static int header_ref(manifest *m, const source *s, unsigned line, const char *key, const char *ref)
{
    char q[CM_QUOTE_SIZE];
    if (ref[0] == '#') {
        int64_t n;
        if (cm_parse_count(ref + 1, strlen(ref + 1), &n) != CM_PARSE_OK || n < 1) {
            mf_err(m, line,
                   "key '%s': %s is not a column's position (expected #1 for the first column, "
                   "or a name in quotes: \"#...\")",
                   key, mf_quoted(q, ref));
            return -1;
        }
        if ((uint64_t)n > s->nheader) {
            mf_err(m, line,
                   "key '%s': %s is past the last column: %s has %zu column%s (#1 to #%zu)", key,
                   ref, s->file, s->nheader, s->nheader == 1 ? "" : "s", s->nheader);
            return -1;
        }
        return (int)(n - 1);
    }
    char *name = strdup(ref);
    if (!name) {
        m->nomem = true;
        return -1;
    }
    bool quoted = ref[0] == '"';
    if (quoted && !mf_unquote(name)) {
        mf_err(m, line, "key '%s': %s opens a quote it does not close", key, mf_quoted(q, ref));
        free(name);
        return -1;
    }
    int idx = -1;
    size_t same = 0;
    for (size_t i = 0; i < s->nheader; i++)
        if (strcmp(s->header[i], name) == 0) {
            idx = idx < 0 ? (int)i : idx;
            same++;
        }
    if (idx < 0)
        no_such_column(m, s, line, key, name);
    else if (same > 1 && !*name) {
        mf_err(m, line,
               "key '%s': %zu columns of %s have an empty name; name one by its position, such "
               "as #%d",
               key, same, s->file, idx + 1);
        idx = -1;
    }
    free(name);
    return idx;
}

/* The column names a split makes, after the file's: Eurostat's first
   column names its parts ("unit,geo\time": unit, geo). */
static bool split_names(manifest *m, source *s)
{
    if (s->eurostat && s->nsplits < MAX_SPLITS && s->nheader > 0) {
        bool given = false;
        for (size_t i = 0; i < s->nsplits; i++)
            given |= strcmp(s->splits[i].column, "#1") == 0 ||
                     strcmp(s->splits[i].column, s->header[0]) == 0;
        char *names = given ? NULL : strdup(s->header[0]);
        if (!given && !names)
            return false;
        if (names) {
            char *slash = strchr(names, '\\');
            if (slash)
                *slash = '\0';
            split *sp = &s->splits[s->nsplits++];
            sp->column = strdup("#1");
            sp->names = mf_split_list(names, ',', &sp->nnames);
            sp->sep = ',';
            sp->line = s->section_line;
            free(names);
            if (!sp->column || !sp->names)
                return false;
        }
    }
    for (size_t i = 0; i < s->nsplits; i++) {
        split *sp = &s->splits[i];
        char key[160];
        snprintf(key, sizeof key, "split.%s", sp->column);
        int idx = header_ref(m, s, sp->line, key, sp->column);
        sp->src = (size_t)(idx < 0 ? 0 : idx);
    }
    size_t extra = 0;
    for (size_t i = 0; i < s->nsplits; i++)
        extra += s->splits[i].nnames;
    if (!extra)
        return true;
    char **grown = realloc(s->header, (s->nheader + extra) * sizeof *grown);
    if (!grown)
        return false;
    s->header = grown;
    for (size_t i = 0; i < s->nsplits; i++)
        for (size_t k = 0; k < s->splits[i].nnames; k++) {
            if (!(s->header[s->nheader] = strdup(s->splits[i].names[k])))
                return false;
            s->nheader++;
        }
    return true;
}

/* Resolves column names, templates, sums, filters and splits against the
   header; a header named as a canonical column that nothing else gives
   gives it. False on an error, or out of memory (m->nomem). */
bool mf_resolve(manifest *m, source *s)
{
    size_t errors = m->errors;
    char key[160];
    s->nfile = s->nheader;
    if (!split_names(m, s)) {
        m->nomem = true;
        return false;
    }
    for (size_t c = 0; c < s->def->ncols; c++) {
        mapping *mp = &s->map[c];
        snprintf(key, sizeof key, "column.%s", s->def->cols[c].name);
        if (mp->kind == MAP_COLUMN || mp->kind == MAP_PERIOD) {
            if (mp->kind == MAP_PERIOD)
                snprintf(key, sizeof key, "year_from.%s", mp->text);
            int idx = header_ref(m, s, mp->line, key, mp->text);
            mp->src = (size_t)(idx < 0 ? 0 : idx);
        } else if (mp->kind == MAP_TEMPLATE) {
            /* "{A}-{B}": literal, column, literal, column, literal */
            size_t parts = 0;
            for (const char *p = mp->text; *p; p++)
                parts += *p == '{';
            mp->lit = calloc(parts + 1, sizeof *mp->lit);
            mp->part = calloc(parts ? parts : 1, sizeof *mp->part);
            if (!mp->lit || !mp->part) {
                m->nomem = true;
                return false;
            }
            const char *p = mp->text;
            for (size_t k = 0; k <= parts; k++) {
                const char *open = k < parts ? strchr(p, '{') : p + strlen(p);
                mp->lit[k] = malloc((size_t)(open - p) + 1);
                if (!mp->lit[k]) {
                    m->nomem = true;
                    return false;
                }
                memcpy(mp->lit[k], p, (size_t)(open - p));
                mp->lit[k][open - p] = '\0';
                mp->nparts = k;
                if (k == parts)
                    break;
                const char *close = strchr(open, '}');
                if (!close) {
                    char q[CM_QUOTE_SIZE];
                    mf_err(m, mp->line, "key '%s': '{' without '}' in the template %s", key,
                           mf_quoted(q, mp->text));
                    break;
                }
                char name[256];
                size_t len = (size_t)(close - open - 1);
                if (len >= sizeof name)
                    len = sizeof name - 1;
                memcpy(name, open + 1, len);
                name[len] = '\0';
                int idx = header_ref(m, s, mp->line, key, name);
                mp->part[k] = (size_t)(idx < 0 ? 0 : idx);
                p = close + 1;
            }
        } else if (mp->kind == MAP_SUM) {
            snprintf(key, sizeof key, "sum.%s", s->def->cols[c].name);
            size_t n = 0;
            char **terms = mf_split_list(mp->text, ',', &n);
            mp->part = calloc(n ? n : 1, sizeof *mp->part);
            if (!terms || !mp->part) {
                mf_free_list(terms, n);
                m->nomem = true;
                return false;
            }
            mp->nparts = n;
            for (size_t k = 0; k < n; k++) {
                int idx = header_ref(m, s, mp->line, key, terms[k]);
                mp->part[k] = (size_t)(idx < 0 ? 0 : idx);
            }
            mf_free_list(terms, n);
        }
    }
    for (size_t f = 0; f < s->nfilters; f++) {
        snprintf(key, sizeof key, "%s.%s", s->filters[f].keep ? "keep_if" : "skip_if",
                 s->filters[f].column);
        int idx = header_ref(m, s, s->filters[f].line, key, s->filters[f].column);
        s->filters[f].src = (size_t)(idx < 0 ? 0 : idx);
    }
    if (s->unpivot) {
        bool any = false, spaced = false;
        for (size_t i = 0; i < s->nfile; i++) {
            int32_t y;
            const char *h = s->header[i];
            size_t len = strlen(h), lead = strspn(h, " \t");
            any |= cm_parse_year(h, len, &y) == CM_PARSE_OK && y >= s->unpivot_from &&
                   y <= s->unpivot_to;
            while (len > lead && (h[len - 1] == ' ' || h[len - 1] == '\t'))
                len--;
            spaced |= cm_parse_year(h + lead, len - lead, &y) == CM_PARSE_OK &&
                      y >= s->unpivot_from && y <= s->unpivot_to;
        }
        if (!any)
            mf_err(m, s->unpivot_line,
                   "key 'unpivot': no column of %s is a year from %" PRId32 " to %" PRId32 "%s",
                   s->file, s->unpivot_from, s->unpivot_to,
                   spaced ? " (its years have spaces around them: trim = yes removes them)" : "");
    }
    return m->errors == errors;
}

/* A header named exactly as a canonical column gives it, when no key of
   the source, no unpivot and no source joined with it does. */
void mf_automatic(manifest *m, source *s)
{
    for (size_t c = 0; c < s->def->ncols; c++) {
        bool key = false;
        for (size_t k = 0; k < s->def->nkey; k++)
            key |= s->def->key[k] == c;
        if (s->map[c].kind != MAP_NONE || mf_provides(s, c) ||
            (!key && (joined_provides(m, s, c) || (s->target && mf_provides(s->target, c)))))
            continue;
        for (size_t i = 0; i < s->nheader; i++)
            if (strcmp(s->header[i], s->def->cols[c].name) == 0) {
                s->map[c].kind = MAP_COLUMN;
                s->map[c].src = i;
                s->map[c].line = s->section_line;
                s->map[c].automatic = true;
                break;
            }
    }
}
