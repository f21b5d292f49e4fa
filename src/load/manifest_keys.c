/*
 * manifest_keys.c - the manifest's lines, through inih, into sources.
 *
 * inih reads the manifest through a reader that counts lines, so that
 * every message names the manifest's line and key. Each key of a table's
 * section sets part of its source; nothing is opened here.
 */
#include <ini.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "citymig/decode.h"
#include "citymig/value.h"
#include "manifest_internal.h"

static source *current(manifest *m)
{
    return m->nsources && m->section_ok ? &m->sources[m->nsources - 1] : NULL;
}

static bool new_section(manifest *m, const char *section)
{
    if (strcmp(section, "dataset") == 0)
        return true;
    size_t len = strcspn(section, ".");
    int t = -1;
    for (int i = 0; i < CM_TABLE_COUNT; i++)
        if (strlen(mf_table_names[i]) == len && strncmp(section, mf_table_names[i], len) == 0)
            t = i;
    if (t < 0 || (section[len] == '.' && section[len + 1] == '\0')) {
        mf_err(m, m->section_line,
               "unknown section [%s] (expected [dataset], or a table: [areas], [stocks], "
               "[flows], [services], or [areas.NAME] for another source of a table)",
               section);
        return false;
    }
    source *grown = realloc(m->sources, (m->nsources + 1) * sizeof *grown);
    if (!grown) {
        m->nomem = true;
        return false;
    }
    m->sources = grown;
    source *s = &m->sources[m->nsources++];
    memset(s, 0, sizeof *s);
    s->section = mf_dup(m, section);
    s->table = (cm_table_id)t;
    s->def = mf_table_defs[t];
    s->delim = ',';
    s->quote = '"';
    s->header_line = 1;
    s->section_line = m->section_line;
    return s->section != NULL;
}

/* Records a key of the section; false when it was already given (true,
   with m->nomem, when it cannot be recorded). */
static bool first_time(manifest *m, const char *key)
{
    for (size_t i = 0; i < m->nseen; i++)
        if (strcmp(m->seen[i], key) == 0)
            return false;
    char **grown = realloc(m->seen, (m->nseen + 1) * sizeof *grown);
    if (!grown) {
        m->nomem = true;
        return true;
    }
    m->seen = grown;
    if ((m->seen[m->nseen] = mf_dup(m, key)) != NULL)
        m->nseen++;
    return true;
}

void mf_forget_keys(manifest *m)
{
    mf_free_list(m->seen, m->nseen);
    m->seen = NULL;
    m->nseen = 0;
}

/* The canonical column named after "prefix." in key, or -1 (reported). */
static int key_column(manifest *m, source *s, const char *key, const char *prefix)
{
    const char *name = key + strlen(prefix);
    int c = mf_column_of(s->def, name);
    if (c < 0)
        mf_err(m, m->line, "key '%s': %s has no column '%s'", key, s->def->file, name);
    return c;
}

/* Gives canonical column c by a mapping; a column given twice is an error. */
static bool set_mapping(manifest *m, source *s, size_t c, map_kind kind, const char *key,
                        const char *value)
{
    mapping *mp = &s->map[c];
    if (mp->kind != MAP_NONE) {
        mf_err(m, m->line, "key '%s': column '%s' is already given (line %u)", key,
               s->def->cols[c].name, mp->line);
        return false;
    }
    mp->kind = kind;
    mp->text = mf_dup(m, value);
    mp->line = m->line;
    return mp->text != NULL;
}

static void parse_unpivot(manifest *m, source *s, const char *key, const char *value)
{
    /* "1960-2016 -> year, population" */
    int32_t from, to;
    const char *arrow = strstr(value, "->");
    char range[64];
    s->unpivot_line = m->line;
    if (!arrow || (size_t)(arrow - value) >= sizeof range) {
        char q[CM_QUOTE_SIZE];
        mf_err(m, m->line, "key '%s': expected 'FIRST-LAST -> year, COLUMN', got %s", key,
               mf_quoted(q, value));
        return;
    }
    size_t n = (size_t)(arrow - value);
    memcpy(range, value, n);
    range[n] = '\0';
    while (n && range[n - 1] == ' ')
        range[--n] = '\0';
    char *dash = strchr(range, '-');
    if (!dash || cm_parse_year(range, (size_t)(dash - range), &from) != CM_PARSE_OK ||
        cm_parse_year(dash + 1, strlen(dash + 1), &to) != CM_PARSE_OK || from > to) {
        char q[CM_QUOTE_SIZE];
        mf_err(m, m->line,
               "key '%s': %s is not a range of years (expected FIRST-LAST, such as 1960-2016, "
               "years 1800 to 2200, FIRST <= LAST)",
               key, mf_quoted(q, range));
        return;
    }
    size_t ncols;
    char **cols = mf_split(m, arrow + 2, ',', &ncols);
    if (!cols)
        return;
    if (ncols != 2 || strcmp(cols[0], "year") != 0) {
        mf_err(m, m->line, "key '%s': expected '-> year, COLUMN' after the range", key);
    } else {
        int c = mf_column_of(s->def, cols[1]);
        if (c < 0 || c == CM_AREAS_YEAR)
            mf_err(m, m->line, "key '%s': %s has no column '%s' to unpivot into", key, s->def->file,
                   cols[1]);
        else {
            s->unpivot = true;
            s->unpivot_from = from;
            s->unpivot_to = to;
            s->unpivot_value = (size_t)c;
        }
    }
    mf_free_list(cols, ncols);
}

/* The keys of a table's section: the one list that the unknown-key message
   gives and docs/manifests.md documents (a test checks that they agree). */
static const char *const source_keys[] = {
    "file",        "encoding",  "format",      "delimiter", "quote",   "line_ends",
    "header_line", "missing",   "thousands",   "decimal",   "trim",    "flags",
    "dedupe",      "unpivot",   "year_offset", "join",      "zones",   "zone_level",
    "source",      "publisher", "url",         "licence",   "license", "citation"};
static const char *const source_prefixes[] = {"column.",    "map.",     "sum.",    "scale.",
                                              "round.",     "flags.",   "split.",  "split_at.",
                                              "year_from.", "keep_if.", "skip_if."};

static void unknown_key(manifest *m, const source *s, const char *key, const char *section)
{
    char list[640];
    size_t o = 0;
    for (size_t i = 0; i < sizeof source_keys / sizeof source_keys[0]; i++)
        if (s->table == CM_TABLE_FLOWS || strncmp(source_keys[i], "zone", 4) != 0)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s, ", source_keys[i]);
    o += (size_t)snprintf(list + o, sizeof list - o, "a column of %s, or ", s->def->file);
    for (size_t i = 0; i < sizeof source_prefixes / sizeof source_prefixes[0] && o < sizeof list;
         i++)
        o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "", source_prefixes[i]);
    mf_err(m, m->line, "unknown key '%s' in [%s] (expected %s followed by a name)", key, section,
           list);
}

/* A list whose items may be in double quotes, to hold a comma: each item
   unquoted. A quote left open is an error at the key's line. */
static char **unquoted_list(manifest *m, const char *key, const char *value, size_t *n)
{
    char **items = mf_split(m, value, ',', n);
    size_t kept = 0;
    for (size_t i = 0; items && i < *n; i++) {
        /* An empty item beside others is a trailing comma (a list going on
           over the next line): dropped. "" in quotes is an empty value. */
        if (!*items[i] && *n > 1) {
            free(items[i]);
            continue;
        }
        if (!mf_unquote(items[i])) {
            char q[CM_QUOTE_SIZE];
            mf_err(m, m->line,
                   "key '%s': the item %s opens a quote it does not close (expected \"TEXT\", "
                   "with \"\" for a quote inside it)",
                   key, mf_quoted(q, items[i]));
        }
        items[kept++] = items[i];
    }
    if (items)
        *n = kept;
    return items;
}

/* split.SOURCE = NAME, NAME: the source column cut at commas (or at
   split_at.SOURCE) into new columns, which other keys name. */
static void split_key(manifest *m, source *s, const char *key, const char *value)
{
    const char *column = key + 6;
    if (s->nsplits == MAX_SPLITS) {
        mf_err(m, m->line, "key '%s': at most %d columns are split a source", key, MAX_SPLITS);
        return;
    }
    split *sp = &s->splits[s->nsplits];
    sp->names = unquoted_list(m, key, value, &sp->nnames);
    if (!sp->names)
        return;
    s->nsplits++;
    sp->column = mf_dup(m, column);
    sp->sep = sp->sep ? sp->sep : ',';
    sp->line = m->line;
    bool empty = sp->nnames < 2;
    for (size_t i = 0; i < sp->nnames; i++)
        empty |= !*sp->names[i];
    if (!*column || empty)
        mf_err(m, m->line,
               "key '%s': expected split.COLUMN = NAME, NAME: the source column, and two or more "
               "names for its parts",
               key);
}

static void split_at_key(manifest *m, source *s, const char *key, const char *value)
{
    int ch = mf_one_char(value);
    for (size_t i = 0; i < s->nsplits; i++)
        if (strcmp(s->splits[i].column, key + 9) == 0) {
            if (ch <= 0 || ch >= 0x80)
                mf_err(m, m->line, "key '%s': expected one character, such as \"/\" or comma", key);
            else
                s->splits[i].sep = (char)ch;
            return;
        }
    mf_err(m, m->line, "key '%s': no split.%s is given before it", key, key + 9);
}

/* year_from.SOURCE = PATTERN: the year taken out of a period. */
static void period_key(manifest *m, source *s, const char *key, const char *value)
{
    int c = mf_column_of(s->def, "year");
    char why[160], q[CM_QUOTE_SIZE];
    if (c < 0) {
        mf_err(m, m->line, "key '%s': %s has no column 'year'", key, s->def->file);
        return;
    }
    if (!mf_period_check(value, why, sizeof why)) {
        mf_err(m, m->line,
               "key '%s': %s %s; expected a pattern with YYYY where the year is, * for any "
               "text and ? for one character: YYYY. *, YYYYQ?, YYYY-YYYY",
               key, mf_quoted(q, value), why);
        return;
    }
    set_mapping(m, s, (size_t)c, MAP_PERIOD, key, key + 10);
    if (s->map[c].kind == MAP_PERIOD && s->map[c].line == m->line && !s->map[c].pattern)
        s->map[c].pattern = mf_dup(m, value);
}

/* One FROM:TO item of a map; FROM may be quoted ("a, b":TO). */
static bool map_item(manifest *m, source *s, size_t c, const char *key, char *item)
{
    char q[CM_QUOTE_SIZE];
    char *colon = NULL;
    if (item[0] == '"') {
        char *p = item + 1;
        while (*p && !(p[0] == '"' && p[1] != '"'))
            p += p[0] == '"' ? 2 : 1;
        colon = *p ? p + 1 + strspn(p + 1, " ") : NULL;
        if (colon && *colon != ':')
            colon = NULL;
    } else {
        colon = strrchr(item, ':');
    }
    if (!colon) {
        mf_err(m, m->line, "key '%s': %s is not FROM:TO", key, mf_quoted(q, item));
        return true;
    }
    *colon = '\0';
    char *from = mf_trimmed(item, strlen(item));
    char *to = mf_trimmed(colon + 1, strlen(colon + 1));
    if (!from || !to) {
        free(from);
        free(to);
        return false;
    }
    if (!mf_unquote(from) || !mf_unquote(to))
        mf_err(m, m->line, "key '%s': %s opens a quote it does not close", key, mf_quoted(q, item));
    if (strcmp(from, "*") == 0) {
        s->vmap_default[c] = to;
        free(from);
        s->vmap[c][s->nvmap[c]++] = (pair){NULL, to};
    } else {
        s->vmap[c][s->nvmap[c]++] = (pair){from, to};
    }
    return true;
}

/* map.COLUMN = FROM:TO, ... or map.COLUMN = @FILE, a lookup file read when
   the sources' files are located. */
static void map_key(manifest *m, source *s, size_t c, const char *key, const char *value)
{
    s->vmap_line[c] = m->line;
    if (value[0] == '@') {
        s->vmap_file[c] = mf_dup(m, value + 1);
        return;
    }
    size_t n;
    char **items = mf_split(m, value, ',', &n);
    s->vmap[c] = items ? calloc(n, sizeof *s->vmap[c]) : NULL;
    if (items && !s->vmap[c])
        m->nomem = true;
    for (size_t i = 0; items && s->vmap[c] && i < n; i++)
        if (*items[i] && !map_item(m, s, c, key, items[i])) {
            m->nomem = true;
            break;
        }
    mf_free_list(items, n);
}

/* A list key: an indented line after it goes on with its items. */
static void open_list(manifest *m, const char *key)
{
    m->list_open = strlen(key) < sizeof m->list_key;
    if (m->list_open)
        snprintf(m->list_key, sizeof m->list_key, "%s", key);
}

/* Appends the items of an indented line to a list key's. */
static void continue_list(manifest *m, source *s, const char *key, const char *value)
{
    size_t n = 0;
    char **items = NULL;
    if (strncmp(key, "sum.", 4) == 0) {
        /* The columns summed: the text goes on, read with the header. */
        int c = mf_column_of(s->def, key + 4);
        mapping *mp = c < 0 ? NULL : &s->map[c];
        if (!mp || mp->kind != MAP_SUM || !mp->text)
            return;
        size_t had = strlen(mp->text), more = strlen(value);
        char *grown = realloc(mp->text, had + more + 3);
        if (!grown) {
            m->nomem = true;
            return;
        }
        /* An item per line, or a line that ends with its comma. */
        bool comma = had && grown[had - 1] == ',';
        snprintf(grown + had, more + 3, "%s%s", comma ? " " : ", ", value);
        mp->text = grown;
        return;
    }
    if (strncmp(key, "map.", 4) == 0) {
        int c = mf_column_of(s->def, key + 4);
        if (c < 0)
            return;
        items = mf_split(m, value, ',', &n);
        pair *grown = items ? realloc(s->vmap[c], (s->nvmap[c] + n) * sizeof *grown) : NULL;
        if (items && !grown && n)
            m->nomem = true;
        if (grown)
            s->vmap[c] = grown;
        for (size_t i = 0; grown && i < n; i++)
            if (*items[i] && !map_item(m, s, (size_t)c, key, items[i])) {
                m->nomem = true;
                break;
            }
        mf_free_list(items, n);
        return;
    }
    items = unquoted_list(m, key, value, &n);
    char ***list = NULL;
    size_t *count = NULL;
    if (strcmp(key, "missing") == 0) {
        list = &s->missing;
        count = &s->nmissing;
    } else if (s->nfilters) {
        list = &s->filters[s->nfilters - 1].values;
        count = &s->filters[s->nfilters - 1].nvalues;
    }
    char **grown = items && list ? realloc(*list, (*count + n) * sizeof *grown) : NULL;
    if (!grown) {
        m->nomem |= items != NULL && list != NULL;
        mf_free_list(items, n);
        return;
    }
    *list = grown;
    for (size_t i = 0; i < n; i++) {
        if (*items[i])
            grown[(*count)++] = items[i];
        else
            free(items[i]);
    }
    free(items);
}

/* Adds the ids of a zones value (empty items are skipped). */
static void add_zones(manifest *m, const char *value)
{
    size_t n;
    char **items = mf_split_list(value, ',', &n);
    if (!items) {
        m->zones_nomem = true;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        bool keep = items[i] && *items[i];
        char **grown = keep ? realloc(m->zones, (m->nzones + 1) * sizeof *grown) : NULL;
        if (grown) {
            m->zones = grown;
            m->zones[m->nzones++] = items[i];
        } else {
            m->zones_nomem |= keep || !items[i];
            free(items[i]);
        }
    }
    free(items);
}

/* zones = ID, ID, ... or zone_level = LEVEL, in a flows section. */
static void zone_key(manifest *m, const source *s, const char *key, const char *value)
{
    bool list = strcmp(key, "zones") == 0;
    if (s->table != CM_TABLE_FLOWS) {
        mf_err(m, m->line,
               "key '%s' in [%s]: zones are declared in a flows section ([flows] or [flows.NAME])",
               key, s->section);
        return;
    }
    unsigned other = list ? m->zone_level_line : m->zones_line;
    unsigned same = list ? m->zones_line : m->zone_level_line;
    if (same) {
        mf_err(m, m->line,
               "key '%s': already given at line %u (the flows have one system of zones)", key,
               same);
        return;
    }
    if (other) {
        mf_err(m, m->line, "key '%s': '%s' is given at line %u; give zones or zone_level, not both",
               key, list ? "zone_level" : "zones", other);
        return;
    }
    if (list) {
        m->zones_line = m->line;
        m->zones_open = true;
        add_zones(m, value);
        return;
    }
    m->zone_level_line = m->line;
    int level = cm_enum_lookup(&cm_level_enum, value, strlen(value));
    if (level < 0) {
        char names[128], q[CM_QUOTE_SIZE];
        mf_err(m, m->line, "key 'zone_level': %s is not a level (expected one of %s)",
               mf_quoted(q, value), cm_enum_list(&cm_level_enum, names, sizeof names));
        return;
    }
    m->zone_level = level;
}

static int mf_on_key(void *user, const char *section, const char *key, const char *value)
{
    manifest *m = user;
    if (m->nomem)
        return 1; /* said once, at the end */
    if (!m->section || strcmp(m->section, section) != 0) {
        free(m->section);
        if (!(m->section = mf_dup(m, section)))
            return 1;
        mf_forget_keys(m);
        m->section_ok = new_section(m, section);
        m->zones_open = false;
        m->cite_open = NULL;
    }
    /* An indented line after zones = ...: more zones. */
    if (m->zones_open && m->indented && strcmp(key, "zones") == 0) {
        add_zones(m, value);
        return 1;
    }
    m->zones_open = false;
    /* An indented line after a list key: more of its items. */
    if (m->list_open && m->indented && strcmp(key, m->list_key) == 0) {
        source *ls = current(m);
        if (ls)
            continue_list(m, ls, key, value);
        return 1;
    }
    m->list_open = false;
    /* An indented line after a citation key: more of its value. */
    if (m->cite_open && m->indented && strcmp(key, m->cite_open_key) == 0) {
        mf_cite_more(m, key, value);
        return 1;
    }
    m->cite_open = NULL;
    int k = mf_cite_key(key);
    /* licence and license are one key. */
    if (!first_time(m, k == CITE_LICENCE ? "licence" : key)) {
        mf_err(m, m->line, "key '%s' is given twice in [%s]%s", key, section,
               k == CITE_LICENCE ? " (licence and license are the same key)" : "");
        return 1;
    }
    if (m->nomem)
        return 1;
    if (strcmp(section, "dataset") == 0) {
        if (strcmp(key, "title") == 0) {
            free(m->title);
            m->title = mf_dup(m, value);
            /* A long title goes on over indented lines. */
            m->cite_open = &m->title;
            snprintf(m->cite_open_key, sizeof m->cite_open_key, "%s", key);
        } else if (strcmp(key, "reference_year") == 0) {
            int32_t y;
            char q[CM_QUOTE_SIZE];
            if (cm_parse_year(value, strlen(value), &y) != CM_PARSE_OK)
                mf_err(m, m->line,
                       "key 'reference_year': %s is not a year (expected four digits, such as "
                       "2013)",
                       mf_quoted(q, value));
            else
                m->reference_year = y;
        } else if (strncmp(key, "note.", 5) == 0) {
            mf_add_note(m, key, value);
        } else if (k >= 0) {
            mf_cite_set(m, &m->cite, key, k, value);
        } else {
            mf_err(m, m->line,
                   "unknown key '%s' in [dataset] (expected title, reference_year, source, "
                   "publisher, url, licence (or license), citation, or note. followed by an "
                   "area_id)",
                   key);
        }
        return 1;
    }
    source *s = current(m);
    if (!s)
        return 1;
    int c;
    char q[CM_QUOTE_SIZE];
    if (k >= 0) {
        mf_cite_set(m, &s->cite, key, k, value);
    } else if (strcmp(key, "file") == 0) {
        s->file = mf_dup(m, value);
        s->file_line = m->line;
    } else if (strcmp(key, "delimiter") == 0 || strcmp(key, "quote") == 0) {
        int ch = mf_one_char(value);
        if (!*value)
            mf_err(m, m->line,
                   "key '%s': empty (in a manifest a ';' after a space starts a comment: write "
                   "semicolon, or \";\" in quotes)",
                   key);
        else if (ch < 0 || ch == '\r' || ch == '\n' || ch >= 0x80)
            mf_err(m, m->line,
                   "key '%s': %s is not one character (use comma, semicolon, tab, pipe, or a "
                   "character in quotes such as \";\")",
                   key, mf_quoted(q, value));
        else if (key[0] == 'd') {
            s->delim = (unsigned char)ch;
            s->delim_line = m->line;
        } else
            s->quote = (unsigned char)ch;
    } else if (strcmp(key, "encoding") == 0) {
        char why[128];
        s->encoding_line = m->line;
        if (cm_decode_is_utf8(value)) {
            free(s->encoding);
            s->encoding = NULL;
        } else if (!*value || !cm_decode_known(value, why, sizeof why)) {
            mf_err(m, m->line,
                   "key 'encoding': %s is not an encoding this system converts (%s); expected "
                   "a name iconv knows, such as utf-8, windows-1252, iso-8859-1, cp949, "
                   "shift_jis, gb18030, big5 or utf-16 (iconv -l lists them)",
                   mf_quoted(q, value), *value ? why : "empty");
        } else {
            s->encoding = mf_dup(m, value);
        }
    } else if (strcmp(key, "format") == 0) {
        if (strcmp(value, "eurostat-tsv") != 0)
            mf_err(m, m->line,
                   "key 'format': %s is not a layout citymig knows (expected eurostat-tsv, "
                   "Eurostat's bulk download: tab-separated, with status flags)",
                   mf_quoted(q, value));
        else
            s->eurostat = true;
    } else if (strcmp(key, "trim") == 0 || strcmp(key, "flags") == 0) {
        if (!mf_yes_no(value, key[0] == 't' ? &s->trim : &s->flags_all))
            mf_err(m, m->line, "key '%s': %s is not yes or no", key, mf_quoted(q, value));
    } else if (strcmp(key, "year_offset") == 0) {
        int64_t n;
        if (cm_parse_signed_count(value, strlen(value), &n) != CM_PARSE_OK || n < -50 || n > 50)
            mf_err(m, m->line,
                   "key 'year_offset': %s is not a number of years (expected -50 to 50, such "
                   "as -1 for a population dated 1 January, set against the year before)",
                   mf_quoted(q, value));
        else
            s->year_offset = (int32_t)n;
    } else if (strncmp(key, "flags.", 6) == 0) {
        if ((c = key_column(m, s, key, "flags.")) >= 0) {
            cm_value_type t = s->def->cols[c].type;
            if (!mf_yes_no(value, &s->flags[c]))
                mf_err(m, m->line, "key '%s': %s is not yes or no", key, mf_quoted(q, value));
            else if (t != CM_VALUE_COUNT && t != CM_VALUE_SIGNED_COUNT && t != CM_VALUE_PERCENT)
                mf_err(m, m->line,
                       "key '%s': status flags follow numbers; column '%s' is not a number", key,
                       s->def->cols[c].name);
        }
    } else if (strncmp(key, "split.", 6) == 0) {
        split_key(m, s, key, value);
    } else if (strncmp(key, "split_at.", 9) == 0) {
        split_at_key(m, s, key, value);
    } else if (strncmp(key, "year_from.", 10) == 0) {
        period_key(m, s, key, value);
    } else if (strcmp(key, "line_ends") == 0) {
        if (strcmp(value, "any") && strcmp(value, "LF") && strcmp(value, "CRLF") &&
            strcmp(value, "CR"))
            mf_err(m, m->line, "key 'line_ends': %s is not any, LF, CRLF or CR",
                   mf_quoted(q, value));
    } else if (strcmp(key, "header_line") == 0) {
        int64_t n;
        if (cm_parse_count(value, strlen(value), &n) != CM_PARSE_OK || n < 1 || n > 1000000)
            mf_err(m, m->line, "key 'header_line': %s is not a line number", mf_quoted(q, value));
        else
            s->header_line = (uint64_t)n;
    } else if (strcmp(key, "missing") == 0) {
        s->missing = unquoted_list(m, key, value, &s->nmissing);
        open_list(m, key);
    } else if (strcmp(key, "thousands") == 0 || strcmp(key, "decimal") == 0) {
        int ch = mf_one_char(value);
        bool thousands = key[0] == 't';
        if (ch < 0 || (!thousands && ch != ',' && ch != '.') ||
            (thousands && ch != ',' && ch != '.' && ch != ' ' && ch != '\''))
            mf_err(m, m->line, "key '%s': %s is not %s", key, mf_quoted(q, value),
                   thousands ? "a thousands separator (comma, period, space or apostrophe)"
                             : "a decimal mark (comma or period)");
        else if (thousands)
            s->thousands = (char)ch;
        else
            s->decimal = (char)ch;
    } else if (strcmp(key, "dedupe") == 0) {
        if (!mf_yes_no(value, &s->dedupe))
            mf_err(m, m->line, "key 'dedupe': %s is not yes or no", mf_quoted(q, value));
    } else if (strcmp(key, "unpivot") == 0) {
        parse_unpivot(m, s, key, value);
    } else if (strcmp(key, "join") == 0) {
        s->join = mf_dup(m, value);
        s->join_line = m->line;
    } else if (strncmp(key, "column.", 7) == 0) {
        if ((c = key_column(m, s, key, "column.")) >= 0) {
            set_mapping(m, s, (size_t)c,
                        value[0] != '"' && strchr(value, '{') ? MAP_TEMPLATE : MAP_COLUMN, key,
                        value);
            if (!*value)
                mf_err(m, m->line, "key '%s': the source column's name is empty", key);
        }
    } else if (strncmp(key, "sum.", 4) == 0) {
        if ((c = key_column(m, s, key, "sum.")) >= 0) {
            cm_value_type t = s->def->cols[c].type;
            if (t != CM_VALUE_COUNT && t != CM_VALUE_SIGNED_COUNT)
                mf_err(m, m->line, "key '%s': only counts are summed; '%s' is not a count", key,
                       s->def->cols[c].name);
            else if (set_mapping(m, s, (size_t)c, MAP_SUM, key, value))
                open_list(m, key);
        }
    } else if (strncmp(key, "map.", 4) == 0) {
        if ((c = key_column(m, s, key, "map.")) >= 0) {
            map_key(m, s, (size_t)c, key, value);
            if (value[0] != '@')
                open_list(m, key);
        }
    } else if (strncmp(key, "scale.", 6) == 0) {
        if ((c = key_column(m, s, key, "scale.")) >= 0) {
            double f;
            cm_value_type t = s->def->cols[c].type;
            if (cm_parse_number(value, strlen(value), &f) != CM_PARSE_OK || f <= 0)
                mf_err(m, m->line, "key '%s': %s is not a positive number", key,
                       mf_quoted(q, value));
            else if (t != CM_VALUE_COUNT && t != CM_VALUE_SIGNED_COUNT && t != CM_VALUE_PERCENT)
                mf_err(m, m->line, "key '%s': column '%s' is not a number", key,
                       s->def->cols[c].name);
            else {
                s->scale[c] = mf_dup(m, value);
                s->scale_line[c] = m->line;
            }
        }
    } else if (strncmp(key, "round.", 6) == 0) {
        if ((c = key_column(m, s, key, "round.")) >= 0) {
            cm_value_type t = s->def->cols[c].type;
            if (!mf_yes_no(value, &s->round[c]))
                mf_err(m, m->line, "key '%s': %s is not yes or no", key, mf_quoted(q, value));
            else if (t != CM_VALUE_COUNT && t != CM_VALUE_SIGNED_COUNT)
                mf_err(m, m->line, "key '%s': only counts are rounded; '%s' is not a count", key,
                       s->def->cols[c].name);
        }
    } else if (strncmp(key, "keep_if.", 8) == 0 || strncmp(key, "skip_if.", 8) == 0) {
        if (s->nfilters == MAX_FILTERS) {
            mf_err(m, m->line, "key '%s': at most %d filters a source", key, MAX_FILTERS);
        } else {
            filter *f = &s->filters[s->nfilters++];
            f->keep = key[0] == 'k';
            f->column = mf_dup(m, key + 8);
            f->line = m->line;
            open_list(m, key);
            if (*value)
                f->values = unquoted_list(m, key, value, &f->nvalues);
            else if (!(f->values = calloc(1, sizeof *f->values)))
                m->nomem = true;
            else if ((f->values[0] = mf_dup(m, "")) != NULL)
                f->nvalues = 1;
        }
    } else if (strcmp(key, "zones") == 0 || strcmp(key, "zone_level") == 0) {
        zone_key(m, s, key, value);
    } else if ((c = mf_column_of(s->def, key)) >= 0) {
        set_mapping(m, s, (size_t)c, MAP_CONSTANT, key, value);
    } else {
        unknown_key(m, s, key, section);
    }
    return 1;
}

/*
 * `delimiter = ;` as an analyst first writes it: inih would take " ;" for
 * the start of a comment and leave the value empty. A value of the
 * character keys that is a lone semicolon (a comment may follow) is read
 * as the word semicolon.
 */
static void semicolon_value(char *line, size_t size)
{
    static const char *const keys[] = {"delimiter", "quote", "thousands", "decimal"};
    char *p = line + strspn(line, " \t");
    size_t k = 0, n = sizeof keys / sizeof keys[0];
    while (k < n && strncmp(p, keys[k], strlen(keys[k])) != 0)
        k++;
    if (k == n)
        return;
    p += strlen(keys[k]);
    p += strspn(p, " \t");
    if (*p != '=')
        return;
    p++;
    p += strspn(p, " \t");
    if (*p != ';')
        return;
    char *rest = p + 1 + strspn(p + 1, " \t\r\n");
    if (*rest && *rest != ';' && *rest != '#')
        return;
    const char *word = "semicolon";
    size_t at = (size_t)(p - line), wl = strlen(word);
    if (at + wl + 2 > size)
        return;
    memcpy(line + at, word, wl);
    line[at + wl] = '\n';
    line[at + wl + 1] = '\0';
}

/* inih's reader: one line a call, so that the manifest knows its line. */
typedef struct ini_stream {
    manifest *m;
    FILE *f;
} ini_stream;

static char *mf_stream_line(char *str, int num, void *stream)
{
    ini_stream *is = stream;
    int i = 0, ch;
    manifest *m = is->m;
    if (m->bad_text)
        return NULL;
    m->line++;
    /* A line ends at LF, CRLF or CR. */
    while ((ch = getc(is->f)) != EOF) {
        if (ch == '\r') {
            int next = getc(is->f);
            if (next != '\n' && next != EOF)
                ungetc(next, is->f);
            ch = '\n';
        }
        if (i < num - 1) {
            str[i++] = (char)ch;
        } else if (!m->too_long) {
            m->too_long = true;
            m->too_long_line = m->line;
        }
        if (ch == '\n')
            break;
    }
    if (i == 0 && ch == EOF)
        return NULL;
    /* Every value may reach a report: the whole manifest is UTF-8 text. (A
       line cut at its cap is an error of its own, and may end mid-character.) */
    size_t col;
    char why[160];
    bool cut = m->too_long && m->too_long_line == m->line;
    if (!cut && !cm_text_check(str, (size_t)i, false, &col, why, sizeof why)) {
        cm_loc loc = {m->path, m->line, (uint32_t)col};
        bool utf8 = strncmp(why, "invalid UTF-8", 13) == 0;
        cm_diag_report(m->diag, CM_SEV_ERROR, &loc, "%s; expected %s", why,
                       utf8 ? "a manifest in UTF-8 (if it was saved as Latin-1 or "
                              "Windows-1252, convert it first, for example with iconv -f "
                              "WINDOWS-1252 -t UTF-8)"
                            : "text: XML 1.0, in which reports are written, forbids it (remove "
                              "it from the manifest)");
        m->errors++;
        m->bad_text = true;
        return NULL;
    }
    str[i] = '\0';
    semicolon_value(str, (size_t)num);
    m->indented = str[0] == ' ' || str[0] == '\t';
    /* inih tells the handler a section's name, not its line: note it here. */
    if (str[strspn(str, " \t")] == '[')
        m->section_line = m->line;
    return str;
}

void mf_free_source(source *s)
{
    free(s->section);
    free(s->file);
    free(s->path);
    free(s->real);
    free(s->join);
    free(s->encoding);
    mf_free_list(s->missing, s->nmissing);
    for (size_t i = 0; i < s->nsplits; i++) {
        free(s->splits[i].column);
        mf_free_list(s->splits[i].names, s->splits[i].nnames);
    }
    for (size_t c = 0; c < MAX_COLS; c++) {
        free(s->map[c].text);
        if (s->map[c].kind == MAP_TEMPLATE)
            mf_free_list(s->map[c].lit, s->map[c].lit ? s->map[c].nparts + 1 : 0);
        free(s->map[c].part);
        free(s->map[c].pattern);
        free(s->vmap_file[c]);
        for (size_t i = 0; i < s->nvmap[c]; i++) {
            free(s->vmap[c][i].from);
            free(s->vmap[c][i].to);
        }
        free(s->vmap[c]);
        free(s->scale[c]);
    }
    for (size_t i = 0; i < s->nfilters; i++) {
        free(s->filters[i].column);
        mf_free_list(s->filters[i].values, s->filters[i].nvalues);
        for (size_t k = 0; k < s->filters[i].nseen; k++)
            free(s->filters[i].seen[k]);
    }
    for (size_t r = 0; r < s->nrows; r++) {
        free(s->rows[r].key);
        for (size_t c = 0; c < MAX_COLS; c++)
            free(s->rows[r].values[c]);
    }
    free(s->rows);
    free(s->slots);
    mf_free_list(s->header, s->nheader);
    mf_free_citation(&s->cite);
}

int mf_parse(manifest *m, FILE *f)
{
    ini_stream is = {m, f};
    return ini_parse_stream(mf_stream_line, &is, mf_on_key, m);
}
