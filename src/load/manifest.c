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
#define _GNU_SOURCE /* realpath */
#include "citymig/manifest.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <ini.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "citymig/csvread.h"
#include "citymig/hash.h"
#include "citymig/sha256.h"
#include "citymig/value.h"

enum { MAX_COLS = CM_TABLE_MAX_COLS, MAX_FILTERS = 16 };

/* The encodings a source may declare (encoding = ...). Each is one byte a
   character, so a source's lines and columns are those of its text. */
typedef enum encoding { ENC_UTF8, ENC_WINDOWS_1252, ENC_ISO_8859_1, ENC_ISO_8859_15 } encoding;

static const struct {
    const char *name; /* as the manifest writes it (case-insensitive) */
    encoding enc;
} encoding_names[] = {{"utf-8", ENC_UTF8},
                      {"windows-1252", ENC_WINDOWS_1252},
                      {"iso-8859-1", ENC_ISO_8859_1},
                      {"latin1", ENC_ISO_8859_1},
                      {"iso-8859-15", ENC_ISO_8859_15}};

/* The name used in messages, and iconv's name, of each encoding. */
static const char *const encoding_label[] = {"utf-8", "windows-1252", "iso-8859-1", "iso-8859-15"};
static const char *const encoding_iconv[] = {"UTF-8", "WINDOWS-1252", "ISO-8859-1", "ISO-8859-15"};

/* The keys that say how the data is cited, in a cm_citation's order;
   "license" is another spelling of "licence". */
enum { CITE_SOURCE, CITE_PUBLISHER, CITE_URL, CITE_LICENCE, CITE_CITATION, CITE_COUNT };

static const struct {
    const char *key;
    const char *what; /* what the value is, for a message */
} cite_keys[CITE_COUNT] = {
    {"source", "the name of the data, as its publisher gives it"},
    {"publisher", "who publishes the data"},
    {"url", "the address where the data is published, starting with https:// or http://"},
    {"licence", "the terms the data is released under, such as CC BY 4.0"},
    {"citation", "the reference to the data, as its publisher asks to be cited"},
};

typedef enum map_kind { MAP_NONE, MAP_COLUMN, MAP_TEMPLATE, MAP_CONSTANT, MAP_SUM } map_kind;

typedef struct mapping {
    map_kind kind;
    char *text;    /* the source column, the template, or the constant */
    unsigned line; /* in the manifest */
    size_t src;    /* MAP_COLUMN: the source column's index */
    size_t nparts; /* MAP_TEMPLATE: literal and column parts */
    char **lit;    /* lit[i] precedes column part i; lit[nparts] ends */
    size_t *part;
} mapping;

typedef struct pair {
    char *from, *to;
} pair;

enum { FILTER_SEEN = 5 }; /* values of a filter's column kept for its message */

typedef struct filter {
    char *column;
    char **values;
    size_t nvalues;
    bool keep;
    unsigned line;
    size_t src;
    /* What the filter met: rows that reached it and that it let through,
       and the first distinct values of its column, with their rows. */
    uint64_t reached, passed;
    char *seen[FILTER_SEEN];
    uint64_t seen_rows[FILTER_SEEN];
    size_t nseen;
    uint64_t seen_other; /* rows with a value past the first FILTER_SEEN */
} filter;

typedef struct joined_row {
    char *key;
    char *values[MAX_COLS];
    cm_csv_pos pos[MAX_COLS];
    uint64_t line;
    bool used;
} joined_row;

typedef struct source source;

struct source {
    char *section;
    cm_table_id table;
    const cm_table_def *def;
    char *file;
    char *path; /* resolved against the manifest's directory, as shown */
    char *real; /* the same, every symbolic link resolved: what is opened */
    unsigned file_line;
    unsigned section_line;
    unsigned char delim, quote;
    encoding encoding;
    unsigned encoding_line;
    char thousands, decimal;
    char **missing;
    size_t nmissing;
    uint64_t header_line;
    bool dedupe;
    mapping map[MAX_COLS];
    pair *vmap[MAX_COLS];
    size_t nvmap[MAX_COLS];
    const char *vmap_default[MAX_COLS];
    unsigned vmap_line[MAX_COLS];
    char *scale[MAX_COLS];
    unsigned scale_line[MAX_COLS];
    bool round[MAX_COLS];
    filter filters[MAX_FILTERS];
    size_t nfilters;
    bool unpivot;
    int32_t unpivot_from, unpivot_to;
    size_t unpivot_value; /* canonical column of the values */
    unsigned unpivot_line;
    char *join;
    unsigned join_line;
    source *target; /* the source this one joins into */
    /* Joined rows, by key (joined sources only). */
    joined_row *rows;
    size_t nrows, rows_cap;
    uint32_t *slots;
    size_t mask;
    /* The source's header, once read. */
    char **header;
    size_t nheader;
    cm_input *input;
    cm_citation cite; /* this section's source, publisher, url, licence, citation */
};

typedef struct manifest {
    const char *path;
    char *dir;
    cm_diag *diag;
    const cm_load_options *opts;
    cm_dataset *ds;
    char *title;
    int32_t reference_year; /* [dataset] reference_year, 0: none */
    cm_citation cite;       /* [dataset]'s source, publisher, ... */
    cm_area_note *notes;    /* [dataset]'s note.AREA_ID keys */
    size_t nnotes;
    unsigned cite_line[CITE_COUNT]; /* where each of them is given */
    char **cite_open;               /* the citation key of the last line: an */
    char cite_open_key[16];         /* indented line continues it */
    source *sources;
    size_t nsources;
    size_t errors;
    unsigned line;         /* the line inih is on */
    unsigned section_line; /* the line of the last [section] */
    bool too_long;
    unsigned too_long_line;
    bool noinput;   /* a file it names cannot be read */
    bool bad_text;  /* a line is not UTF-8 text: reading stopped there */
    char *real_dir; /* the manifest's folder, every symbolic link resolved */
    /* Keys seen in the current section, to refuse repeats. */
    char **seen;
    size_t nseen;
    char *section;
    bool section_ok;
    bool indented; /* the line inih is on starts with a space: a value continued */
    /* The system of zones of the flows (zones = ..., zone_level = ...). */
    char **zones;
    size_t nzones;
    unsigned zones_line;
    bool zones_open; /* the last key was zones: an indented line continues it */
    int zone_level;  /* a cm_level, or -1 */
    unsigned zone_level_line;
    bool zones_nomem; /* a zone could not be kept: out of memory */
    bool nomem;       /* something else could not be kept: out of memory */
} manifest;

static void merr(manifest *m, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void merr(manifest *m, unsigned line, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    cm_loc loc = {m->path, line, 0};
    cm_diag_report(m->diag, CM_SEV_ERROR, &loc, "%s", text);
    m->errors++;
}

/* A value for a message: quoted, escaped and cut short (cm_quote). */
static const char *quoted(char *buf, const char *value)
{
    return cm_quote(buf, CM_QUOTE_SIZE, value, strlen(value));
}

static char *trimmed(const char *s, size_t len)
{
    while (len && (*s == ' ' || *s == '\t'))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    char *c = malloc(len + 1);
    if (c) {
        memcpy(c, s, len);
        c[len] = '\0';
    }
    return c;
}

static void free_list(char **items, size_t n)
{
    for (size_t i = 0; items && i < n; i++)
        free(items[i]);
    free(items);
}

/* Splits "a, b, c" into trimmed items; "" gives one empty item. Out of
   memory: NULL, with no item counted. */
static char **split_list(const char *value, char sep, size_t *n)
{
    size_t count = 1;
    *n = 0;
    for (const char *p = value; *p; p++)
        count += *p == sep;
    char **items = calloc(count, sizeof *items);
    if (!items)
        return NULL;
    const char *start = value;
    for (size_t i = 0; i < count; i++) {
        const char *end = strchr(start, sep);
        size_t len = end ? (size_t)(end - start) : strlen(start);
        if (!(items[i] = trimmed(start, len))) {
            free_list(items, i);
            return NULL;
        }
        start = end ? end + 1 : start + len;
    }
    *n = count;
    return items;
}

/* A copy of a manifest's value; NULL, noted in m->nomem, when out of memory. */
static char *mdup(manifest *m, const char *s)
{
    char *c = strdup(s);
    if (!c)
        m->nomem = true;
    return c;
}

/* As split_list, out of memory noted in m->nomem. */
static char **msplit(manifest *m, const char *value, char sep, size_t *n)
{
    char **items = split_list(value, sep, n);
    if (!items)
        m->nomem = true;
    return items;
}

/* A value that is one character: a name, a quoted character, or itself. */
static int one_char(const char *value)
{
    static const struct {
        const char *name;
        char c;
    } names[] = {{"comma", ','}, {"semicolon", ';'}, {"tab", '\t'},        {"pipe", '|'},
                 {"space", ' '}, {"period", '.'},    {"apostrophe", '\''}, {"\\t", '\t'}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(value, names[i].name) == 0)
            return (unsigned char)names[i].c;
    size_t n = strlen(value);
    if (n == 3 && (value[0] == '"' || value[0] == '\'') && value[2] == value[0])
        return (unsigned char)value[1];
    if (n == 1)
        return (unsigned char)value[0];
    return -1;
}

static bool yes_no(const char *value, bool *out)
{
    if (strcmp(value, "yes") == 0 || strcmp(value, "true") == 0) {
        *out = true;
        return true;
    }
    if (strcmp(value, "no") == 0 || strcmp(value, "false") == 0) {
        *out = false;
        return true;
    }
    return false;
}

static int column_of(const cm_table_def *def, const char *name)
{
    for (size_t c = 0; c < def->ncols; c++)
        if (strcmp(def->cols[c].name, name) == 0)
            return (int)c;
    return -1;
}

static const char *const table_names[CM_TABLE_COUNT] = {"areas", "stocks", "flows", "services"};
static const cm_table_def *const table_defs[CM_TABLE_COUNT] = {&cm_areas_def, &cm_stocks_def,
                                                               &cm_flows_def, &cm_services_def};

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
        if (strlen(table_names[i]) == len && strncmp(section, table_names[i], len) == 0)
            t = i;
    if (t < 0 || (section[len] == '.' && section[len + 1] == '\0')) {
        merr(m, m->section_line,
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
    s->section = mdup(m, section);
    s->table = (cm_table_id)t;
    s->def = table_defs[t];
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
    if ((m->seen[m->nseen] = mdup(m, key)) != NULL)
        m->nseen++;
    return true;
}

static void forget_keys(manifest *m)
{
    free_list(m->seen, m->nseen);
    m->seen = NULL;
    m->nseen = 0;
}

/* The canonical column named after "prefix." in key, or -1 (reported). */
static int key_column(manifest *m, source *s, const char *key, const char *prefix)
{
    const char *name = key + strlen(prefix);
    int c = column_of(s->def, name);
    if (c < 0)
        merr(m, m->line, "key '%s': %s has no column '%s'", key, s->def->file, name);
    return c;
}

/* Gives canonical column c by a mapping; a column given twice is an error. */
static void set_mapping(manifest *m, source *s, size_t c, map_kind kind, const char *key,
                        const char *value)
{
    mapping *mp = &s->map[c];
    if (mp->kind != MAP_NONE) {
        merr(m, m->line, "key '%s': column '%s' is already given (line %u)", key,
             s->def->cols[c].name, mp->line);
        return;
    }
    mp->kind = kind;
    mp->text = mdup(m, value);
    mp->line = m->line;
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
        merr(m, m->line, "key '%s': expected 'FIRST-LAST -> year, COLUMN', got %s", key,
             quoted(q, value));
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
        merr(m, m->line,
             "key '%s': %s is not a range of years (expected FIRST-LAST, such as 1960-2016, "
             "years 1800 to 2200, FIRST <= LAST)",
             key, quoted(q, range));
        return;
    }
    size_t ncols;
    char **cols = msplit(m, arrow + 2, ',', &ncols);
    if (!cols)
        return;
    if (ncols != 2 || strcmp(cols[0], "year") != 0) {
        merr(m, m->line, "key '%s': expected '-> year, COLUMN' after the range", key);
    } else {
        int c = column_of(s->def, cols[1]);
        if (c < 0 || c == CM_AREAS_YEAR)
            merr(m, m->line, "key '%s': %s has no column '%s' to unpivot into", key, s->def->file,
                 cols[1]);
        else {
            s->unpivot = true;
            s->unpivot_from = from;
            s->unpivot_to = to;
            s->unpivot_value = (size_t)c;
        }
    }
    free_list(cols, ncols);
}

/* Adds the ids of a zones value (empty items are skipped). */
static void add_zones(manifest *m, const char *value)
{
    size_t n;
    char **items = split_list(value, ',', &n);
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
        merr(m, m->line,
             "key '%s' in [%s]: zones are declared in a flows section ([flows] or [flows.NAME])",
             key, s->section);
        return;
    }
    unsigned other = list ? m->zone_level_line : m->zones_line;
    unsigned same = list ? m->zones_line : m->zone_level_line;
    if (same) {
        merr(m, m->line, "key '%s': already given at line %u (the flows have one system of zones)",
             key, same);
        return;
    }
    if (other) {
        merr(m, m->line, "key '%s': '%s' is given at line %u; give zones or zone_level, not both",
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
        merr(m, m->line, "key 'zone_level': %s is not a level (expected one of %s)",
             quoted(q, value), cm_enum_list(&cm_level_enum, names, sizeof names));
        return;
    }
    m->zone_level = level;
}

/* ---- how the data is cited ---------------------------------------------------- */

/* The citation key that key names (-1: none). */
static int cite_key(const char *key)
{
    if (strcmp(key, "license") == 0)
        return CITE_LICENCE;
    for (int k = 0; k < CITE_COUNT; k++)
        if (strcmp(key, cite_keys[k].key) == 0)
            return k;
    return -1;
}

static char **cite_slot(cm_citation *c, int k)
{
    switch (k) {
    case CITE_SOURCE:
        return &c->source;
    case CITE_PUBLISHER:
        return &c->publisher;
    case CITE_URL:
        return &c->url;
    case CITE_LICENCE:
        return &c->licence;
    default:
        return &c->citation;
    }
}

static void free_citation(cm_citation *c)
{
    for (int k = 0; k < CITE_COUNT; k++) {
        free(*cite_slot(c, k));
        *cite_slot(c, k) = NULL;
    }
}

/*
 * A citation value is one line of text: the manifest's lines are text
 * already (stream_line), and a tab, DEL or a C1 control, which a line of
 * text may hold, is refused here too. True when it is; else reported.
 */
static bool cite_text(manifest *m, const char *key, const char *value)
{
    const unsigned char *p = (const unsigned char *)value;
    size_t chars = 0;
    for (size_t i = 0; p[i]; i++) {
        unsigned cp = p[i];
        if ((p[i] & 0xc0) == 0x80)
            continue; /* a continuation byte */
        chars++;
        if (p[i] == 0xc2 && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)
            cp = p[i + 1];
        if (cp == '\t' || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f)) {
            merr(m, m->line,
                 "key '%s': control character U+%04X (character %zu of the value); expected "
                 "one line of text%s",
                 key, cp, chars, cp == '\t' ? " (write a space for the tab)" : "");
            return false;
        }
    }
    return true;
}

/* A url: http:// or https://, a host, no space. True when it is; else reported. */
static bool cite_url(manifest *m, const char *value)
{
    char q[CM_QUOTE_SIZE];
    size_t scheme = strncmp(value, "https://", 8) == 0  ? 8
                    : strncmp(value, "http://", 7) == 0 ? 7
                                                        : 0;
    if (!scheme)
        merr(m, m->line,
             "key 'url': %s does not start with https:// or http://; expected the address "
             "where the data is published, such as https://data.london.gov.uk/",
             quoted(q, value));
    else if (strchr(value, ' '))
        merr(m, m->line,
             "key 'url': %s holds a space; expected an address without spaces (a space in an "
             "address is written %%20)",
             quoted(q, value));
    else if (value[scheme] == '\0' || value[scheme] == '/')
        merr(m, m->line,
             "key 'url': %s names no host after %.*s; expected an address such as "
             "https://data.london.gov.uk/",
             quoted(q, value), (int)scheme, value);
    else
        return true;
    return false;
}

/*
 * source, publisher, url, licence (or license), citation = VALUE, in
 * [dataset] (c is the dataset's) or in a table's section (that section's).
 * An indented line after one of them goes on with its value (cite_more).
 */
static void cite_set(manifest *m, cm_citation *c, const char *key, int k, const char *value)
{
    char **slot = cite_slot(c, k);
    if (c == &m->cite && *slot) {
        /* A second [dataset] section: the dataset has one of each. */
        merr(m, m->line, "key '%s' is given twice in [dataset] (first at line %u)", key,
             m->cite_line[k]);
        return;
    }
    if (!*value) {
        merr(m, m->line, "key '%s': empty; expected %s", key, cite_keys[k].what);
        return;
    }
    if (!cite_text(m, key, value) || (k == CITE_URL && !cite_url(m, value)))
        return;
    if (!(*slot = mdup(m, value)))
        return;
    if (c == &m->cite)
        m->cite_line[k] = m->line;
    m->cite_open = slot;
    snprintf(m->cite_open_key, sizeof m->cite_open_key, "%s", key);
}

/* [dataset] note.AREA_ID = text: a note on an area's figures. */
static void add_note(manifest *m, const char *key, const char *value)
{
    const char *area = key + 5;
    if (!*area) {
        merr(m, m->line, "key 'note.': no area_id after the dot (expected note.AREA_ID)");
        return;
    }
    for (size_t i = 0; i < m->nnotes; i++)
        if (strcmp(m->notes[i].area, area) == 0) {
            merr(m, m->line, "key '%s' is given twice in [dataset]", key);
            return;
        }
    if (!*value) {
        merr(m, m->line, "key '%s': empty; expected the note on the area's figures", key);
        return;
    }
    if (!cite_text(m, key, value))
        return;
    cm_area_note *grown = realloc(m->notes, (m->nnotes + 1) * sizeof *grown);
    if (!grown) {
        m->nomem = true;
        return;
    }
    m->notes = grown;
    char *a = mdup(m, area), *t = a ? mdup(m, value) : NULL;
    if (!a || !t) {
        free(a);
        return;
    }
    m->notes[m->nnotes++] = (cm_area_note){a, t};
}

/* An indented line continuing a citation value: joined with a space. */
static void cite_more(manifest *m, const char *key, const char *value)
{
    if (cite_key(key) == CITE_URL) {
        merr(m, m->line,
             "key 'url': goes on over an indented line; expected the address on one line, "
             "without spaces");
        m->cite_open = NULL;
        return;
    }
    if (!cite_text(m, key, value))
        return;
    size_t n = strlen(*m->cite_open), more = strlen(value);
    char *grown = realloc(*m->cite_open, n + 1 + more + 1);
    if (!grown) {
        m->nomem = true;
        return;
    }
    grown[n] = ' ';
    memcpy(grown + n + 1, value, more + 1);
    *m->cite_open = grown;
}

/*
 * Each table's citation: for each key, the distinct values its sections
 * give, in section order, joined with "; ". False when out of memory.
 */
static bool table_citations(manifest *m)
{
    for (int t = 0; t < CM_TABLE_COUNT; t++) {
        for (int k = 0; k < CITE_COUNT; k++) {
            size_t len = 0;
            for (size_t i = 0; i < m->nsources; i++) {
                const char *v = *cite_slot(&m->sources[i].cite, k);
                if (m->sources[i].table == (cm_table_id)t && v)
                    len += strlen(v) + 2;
            }
            if (!len)
                continue;
            char *all = malloc(len + 1);
            if (!all)
                return false;
            size_t o = 0;
            for (size_t i = 0; i < m->nsources; i++) {
                const char *v = *cite_slot(&m->sources[i].cite, k);
                bool again = false;
                if (m->sources[i].table != (cm_table_id)t || !v)
                    continue;
                for (size_t j = 0; j < i && !again; j++) {
                    const char *w = *cite_slot(&m->sources[j].cite, k);
                    again = m->sources[j].table == (cm_table_id)t && w && strcmp(v, w) == 0;
                }
                if (!again)
                    o += (size_t)snprintf(all + o, len + 1 - o, "%s%s", o ? "; " : "", v);
            }
            *cite_slot(&m->ds->table_cite[t], k) = all;
        }
    }
    return true;
}

static int on_key(void *user, const char *section, const char *key, const char *value)
{
    manifest *m = user;
    if (m->nomem)
        return 1; /* said once, at the end */
    if (!m->section || strcmp(m->section, section) != 0) {
        free(m->section);
        if (!(m->section = mdup(m, section)))
            return 1;
        forget_keys(m);
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
    /* An indented line after a citation key: more of its value. */
    if (m->cite_open && m->indented && strcmp(key, m->cite_open_key) == 0) {
        cite_more(m, key, value);
        return 1;
    }
    m->cite_open = NULL;
    int k = cite_key(key);
    /* licence and license are one key. */
    if (!first_time(m, k == CITE_LICENCE ? "licence" : key)) {
        merr(m, m->line, "key '%s' is given twice in [%s]%s", key, section,
             k == CITE_LICENCE ? " (licence and license are the same key)" : "");
        return 1;
    }
    if (m->nomem)
        return 1;
    if (strcmp(section, "dataset") == 0) {
        if (strcmp(key, "title") == 0) {
            free(m->title);
            m->title = mdup(m, value);
        } else if (strcmp(key, "reference_year") == 0) {
            int32_t y;
            char q[CM_QUOTE_SIZE];
            if (cm_parse_year(value, strlen(value), &y) != CM_PARSE_OK)
                merr(m, m->line,
                     "key 'reference_year': %s is not a year (expected four digits, such as "
                     "2013)",
                     quoted(q, value));
            else
                m->reference_year = y;
        } else if (strncmp(key, "note.", 5) == 0) {
            add_note(m, key, value);
        } else if (k >= 0) {
            cite_set(m, &m->cite, key, k, value);
        } else {
            merr(m, m->line,
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
        cite_set(m, &s->cite, key, k, value);
    } else if (strcmp(key, "file") == 0) {
        s->file = mdup(m, value);
        s->file_line = m->line;
    } else if (strcmp(key, "delimiter") == 0 || strcmp(key, "quote") == 0) {
        int ch = one_char(value);
        if (!*value)
            merr(m, m->line,
                 "key '%s': empty (in a manifest a ';' after a space starts a comment: write "
                 "semicolon, or \";\" in quotes)",
                 key);
        else if (ch < 0 || ch == '\r' || ch == '\n' || ch >= 0x80)
            merr(m, m->line,
                 "key '%s': %s is not one character (use comma, semicolon, tab, pipe, or a "
                 "character in quotes such as \";\")",
                 key, quoted(q, value));
        else if (key[0] == 'd')
            s->delim = (unsigned char)ch;
        else
            s->quote = (unsigned char)ch;
    } else if (strcmp(key, "encoding") == 0) {
        size_t i = 0, n = sizeof encoding_names / sizeof encoding_names[0];
        while (i < n && strcasecmp(value, encoding_names[i].name) != 0)
            i++;
        if (i == n)
            merr(m, m->line,
                 "key 'encoding': %s is not an encoding citymig reads (expected utf-8, "
                 "windows-1252, iso-8859-1 (or latin1) or iso-8859-15)",
                 quoted(q, value));
        else {
            s->encoding = encoding_names[i].enc;
            s->encoding_line = m->line;
        }
    } else if (strcmp(key, "line_ends") == 0) {
        if (strcmp(value, "any") && strcmp(value, "LF") && strcmp(value, "CRLF") &&
            strcmp(value, "CR"))
            merr(m, m->line, "key 'line_ends': %s is not any, LF, CRLF or CR", quoted(q, value));
    } else if (strcmp(key, "header_line") == 0) {
        int64_t n;
        if (cm_parse_count(value, strlen(value), &n) != CM_PARSE_OK || n < 1 || n > 1000000)
            merr(m, m->line, "key 'header_line': %s is not a line number", quoted(q, value));
        else
            s->header_line = (uint64_t)n;
    } else if (strcmp(key, "missing") == 0) {
        s->missing = msplit(m, value, ',', &s->nmissing);
    } else if (strcmp(key, "thousands") == 0 || strcmp(key, "decimal") == 0) {
        int ch = one_char(value);
        bool thousands = key[0] == 't';
        if (ch < 0 || (!thousands && ch != ',' && ch != '.') ||
            (thousands && ch != ',' && ch != '.' && ch != ' ' && ch != '\''))
            merr(m, m->line, "key '%s': %s is not %s", key, quoted(q, value),
                 thousands ? "a thousands separator (comma, period, space or apostrophe)"
                           : "a decimal mark (comma or period)");
        else if (thousands)
            s->thousands = (char)ch;
        else
            s->decimal = (char)ch;
    } else if (strcmp(key, "dedupe") == 0) {
        if (!yes_no(value, &s->dedupe))
            merr(m, m->line, "key 'dedupe': %s is not yes or no", quoted(q, value));
    } else if (strcmp(key, "unpivot") == 0) {
        parse_unpivot(m, s, key, value);
    } else if (strcmp(key, "join") == 0) {
        s->join = mdup(m, value);
        s->join_line = m->line;
    } else if (strncmp(key, "column.", 7) == 0) {
        if ((c = key_column(m, s, key, "column.")) >= 0) {
            set_mapping(m, s, (size_t)c, strchr(value, '{') ? MAP_TEMPLATE : MAP_COLUMN, key,
                        value);
            if (!*value)
                merr(m, m->line, "key '%s': the source column's name is empty", key);
        }
    } else if (strncmp(key, "sum.", 4) == 0) {
        if ((c = key_column(m, s, key, "sum.")) >= 0) {
            cm_value_type t = s->def->cols[c].type;
            if (t != CM_VALUE_COUNT && t != CM_VALUE_SIGNED_COUNT)
                merr(m, m->line, "key '%s': only counts are summed; '%s' is not a count", key,
                     s->def->cols[c].name);
            else
                set_mapping(m, s, (size_t)c, MAP_SUM, key, value);
        }
    } else if (strncmp(key, "map.", 4) == 0) {
        if ((c = key_column(m, s, key, "map.")) >= 0) {
            size_t n;
            char **items = msplit(m, value, ',', &n);
            s->vmap[c] = items ? calloc(n, sizeof *s->vmap[c]) : NULL;
            s->vmap_line[c] = m->line;
            if (items && !s->vmap[c])
                m->nomem = true;
            for (size_t i = 0; items && s->vmap[c] && i < n; i++) {
                char *colon = strrchr(items[i], ':');
                if (!colon) {
                    merr(m, m->line, "key '%s': %s is not FROM:TO", key, quoted(q, items[i]));
                    continue;
                }
                *colon = '\0';
                char *from = trimmed(items[i], strlen(items[i]));
                char *to = trimmed(colon + 1, strlen(colon + 1));
                if (!from || !to) {
                    free(from);
                    free(to);
                    m->nomem = true;
                    break;
                }
                if (strcmp(from, "*") == 0) {
                    s->vmap_default[c] = to;
                    free(from);
                    s->vmap[c][s->nvmap[c]++] = (pair){NULL, to};
                } else {
                    s->vmap[c][s->nvmap[c]++] = (pair){from, to};
                }
            }
            free_list(items, n);
        }
    } else if (strncmp(key, "scale.", 6) == 0) {
        if ((c = key_column(m, s, key, "scale.")) >= 0) {
            double f;
            cm_value_type t = s->def->cols[c].type;
            if (cm_parse_number(value, strlen(value), &f) != CM_PARSE_OK || f <= 0)
                merr(m, m->line, "key '%s': %s is not a positive number", key, quoted(q, value));
            else if (t != CM_VALUE_COUNT && t != CM_VALUE_SIGNED_COUNT && t != CM_VALUE_PERCENT)
                merr(m, m->line, "key '%s': column '%s' is not a number", key,
                     s->def->cols[c].name);
            else {
                s->scale[c] = mdup(m, value);
                s->scale_line[c] = m->line;
            }
        }
    } else if (strncmp(key, "round.", 6) == 0) {
        if ((c = key_column(m, s, key, "round.")) >= 0) {
            cm_value_type t = s->def->cols[c].type;
            if (!yes_no(value, &s->round[c]))
                merr(m, m->line, "key '%s': %s is not yes or no", key, quoted(q, value));
            else if (t != CM_VALUE_COUNT && t != CM_VALUE_SIGNED_COUNT)
                merr(m, m->line, "key '%s': only counts are rounded; '%s' is not a count", key,
                     s->def->cols[c].name);
        }
    } else if (strncmp(key, "keep_if.", 8) == 0 || strncmp(key, "skip_if.", 8) == 0) {
        if (s->nfilters == MAX_FILTERS) {
            merr(m, m->line, "key '%s': at most %d filters a source", key, MAX_FILTERS);
        } else {
            filter *f = &s->filters[s->nfilters++];
            f->keep = key[0] == 'k';
            f->column = mdup(m, key + 8);
            f->line = m->line;
            if (*value)
                f->values = msplit(m, value, ',', &f->nvalues);
            else if (!(f->values = calloc(1, sizeof *f->values)))
                m->nomem = true;
            else if ((f->values[0] = mdup(m, "")) != NULL)
                f->nvalues = 1;
        }
    } else if (strcmp(key, "zones") == 0 || strcmp(key, "zone_level") == 0) {
        zone_key(m, s, key, value);
    } else if ((c = column_of(s->def, key)) >= 0) {
        set_mapping(m, s, (size_t)c, MAP_CONSTANT, key, value);
    } else {
        merr(m, m->line,
             "unknown key '%s' in [%s] (expected file, encoding, delimiter, quote, line_ends, "
             "header_line, missing, thousands, decimal, dedupe, unpivot, join, source, "
             "publisher, url, licence (or license), citation, %sa column of %s, or column., "
             "map., sum., scale., round., keep_if., skip_if. followed by a name)",
             key, section, s->table == CM_TABLE_FLOWS ? "zones, zone_level, " : "", s->def->file);
    }
    return 1;
}

/* inih's reader: one line a call, so that the manifest knows its line. */
typedef struct ini_stream {
    manifest *m;
    FILE *f;
} ini_stream;

static char *stream_line(char *str, int num, void *stream)
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
    m->indented = str[0] == ' ' || str[0] == '\t';
    /* inih tells the handler a section's name, not its line: note it here. */
    if (str[strspn(str, " \t")] == '[')
        m->section_line = m->line;
    return str;
}

static void free_source(source *s)
{
    free(s->section);
    free(s->file);
    free(s->path);
    free(s->real);
    free(s->join);
    free_list(s->missing, s->nmissing);
    for (size_t c = 0; c < MAX_COLS; c++) {
        free(s->map[c].text);
        if (s->map[c].kind == MAP_TEMPLATE)
            free_list(s->map[c].lit, s->map[c].lit ? s->map[c].nparts + 1 : 0);
        free(s->map[c].part);
        for (size_t i = 0; i < s->nvmap[c]; i++) {
            free(s->vmap[c][i].from);
            free(s->vmap[c][i].to);
        }
        free(s->vmap[c]);
        free(s->scale[c]);
    }
    for (size_t i = 0; i < s->nfilters; i++) {
        free(s->filters[i].column);
        free_list(s->filters[i].values, s->filters[i].nvalues);
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
    free_list(s->header, s->nheader);
    free_citation(&s->cite);
}

/* ---- checks of the whole manifest ------------------------------------------ */

static bool provides(const source *s, size_t c)
{
    return s->map[c].kind != MAP_NONE ||
           (s->unpivot && (c == s->unpivot_value || (int)c == column_of(s->def, "year")));
}

/* Does any source joined into base provide column c? */
static bool joined_provides(const manifest *m, const source *base, size_t c)
{
    for (size_t i = 0; i < m->nsources; i++)
        if (m->sources[i].target == base && provides(&m->sources[i], c))
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
 * Resolves a source's file: relative to the manifest, and inside the
 * manifest's folder (no absolute path, no ".." or symbolic link leading out
 * of it), unless --allow-outside-files; a regular file. Returns false when
 * out of memory.
 */
static bool locate_file(manifest *m, source *s)
{
    char q[CM_QUOTE_SIZE];
    struct stat sb;
    bool allow = m->opts->allow_outside_files;
    cm_quote(q, sizeof q, s->file, strlen(s->file));
    size_t n = strlen(m->dir) + strlen(s->file) + 2;
    s->path = malloc(n);
    if (!s->path)
        return false;
    if (s->file[0] == '/')
        snprintf(s->path, n, "%s", s->file);
    else
        snprintf(s->path, n, "%s%s", m->dir, s->file);
    if (!*s->file) {
        merr(m, s->file_line, "key 'file': empty; expected the name of a file beside the manifest");
        return true;
    }
    if (!allow && s->file[0] == '/') {
        merr(m, s->file_line,
             "key 'file': %s is an absolute path; expected a path relative to the manifest, to a "
             "file in its folder (or give --allow-outside-files to read files elsewhere)",
             q);
        return true;
    }
    if (!allow && climbs_out(s->file)) {
        merr(m, s->file_line,
             "key 'file': %s leads out of the manifest's folder with '..'; expected a file in "
             "that folder or below it (or give --allow-outside-files to read files elsewhere)",
             q);
        return true;
    }
    s->real = realpath(s->path, NULL);
    if (!s->real) {
        if (errno == ENOMEM)
            return false;
        merr(m, s->file_line, "key 'file': cannot open %s: %s", q, strerror(errno));
        m->noinput = true;
        return true;
    }
    if (!allow) {
        if (!m->real_dir) {
            m->real_dir = realpath(*m->dir ? m->dir : ".", NULL);
            if (!m->real_dir) {
                if (errno == ENOMEM)
                    return false;
                merr(m, s->file_line, "key 'file': cannot resolve the manifest's folder: %s",
                     strerror(errno));
                m->noinput = true;
                return true;
            }
        }
        size_t dl = strlen(m->real_dir);
        bool root = dl == 1 && m->real_dir[0] == '/';
        if (!root && (strncmp(s->real, m->real_dir, dl) != 0 || s->real[dl] != '/')) {
            merr(m, s->file_line,
                 "key 'file': %s leads out of the manifest's folder through a symbolic link; "
                 "expected a file in that folder or below it (or give --allow-outside-files to "
                 "read files elsewhere)",
                 q);
            return true;
        }
    }
    if (stat(s->real, &sb) != 0) {
        merr(m, s->file_line, "key 'file': cannot open %s: %s", q, strerror(errno));
        m->noinput = true;
    } else if (!S_ISREG(sb.st_mode)) {
        merr(m, s->file_line, "key 'file': %s is %s; expected a regular file", q,
             cm_file_kind(sb.st_mode));
        m->noinput = true;
    }
    return true;
}

static void check_sources(manifest *m)
{
    for (size_t i = 0; i < m->nsources; i++) {
        source *s = &m->sources[i];
        if (!s->file) {
            merr(m, s->section_line, "[%s] has no 'file' key: which file holds its rows?",
                 s->section);
            continue;
        }
        if (!locate_file(m, s)) {
            m->nomem = true;
            return;
        }
        if (s->join) {
            for (size_t k = 0; k < m->nsources; k++)
                if (k != i && strcmp(m->sources[k].section, s->join) == 0)
                    s->target = &m->sources[k];
            if (strcmp(s->join, s->section) == 0)
                merr(m, s->join_line,
                     "key 'join': [%s] names itself; expected another section of %s, whose rows "
                     "this one's columns join (such as join = %s in [%s.extra])",
                     s->join, table_names[s->table], table_names[s->table], table_names[s->table]);
            else if (!s->target)
                merr(m, s->join_line, "key 'join': there is no section [%s] to join into", s->join);
            else if (s->target->table != s->table)
                merr(m, s->join_line, "key 'join': [%s] is a source of %s, not of %s", s->join,
                     table_names[s->target->table], table_names[s->table]);
            else if (s->target->join)
                merr(m, s->join_line, "key 'join': [%s] is itself joined into another section",
                     s->join);
            else if (s->def->nkey == 0)
                merr(m, s->join_line,
                     "key 'join': %s has no key to join on (flows add up; give another [%s.NAME] "
                     "section instead)",
                     s->def->file, table_names[s->table]);
        }
    }
    if (m->errors)
        return;
    /* What each source must give. */
    for (size_t i = 0; i < m->nsources; i++) {
        source *s = &m->sources[i];
        if (s->target) {
            for (size_t k = 0; k < s->def->nkey; k++) {
                size_t c = s->def->key[k];
                bool defaulted = s->def->cols[c].type == CM_VALUE_ENUM &&
                                 s->def->cols[c].enumdef->default_code >= 0;
                if (!provides(s, c) && !defaulted)
                    merr(m, s->section_line,
                         "[%s] joins on the key of %s: it must give '%s' (column.%s = ...)",
                         s->section, s->def->file, s->def->cols[c].name, s->def->cols[c].name);
            }
            for (size_t c = 0; c < s->def->ncols; c++) {
                bool key = false;
                for (size_t k = 0; k < s->def->nkey; k++)
                    key |= s->def->key[k] == c;
                if (!key && provides(s, c) && provides(s->target, c))
                    merr(m, s->section_line, "column '%s' is given by both [%s] and [%s]",
                         s->def->cols[c].name, s->section, s->target->section);
            }
            continue;
        }
        for (size_t c = 0; c < s->def->ncols; c++) {
            if (!(s->def->cols[c].flags & CM_COL_REQUIRED) || provides(s, c) ||
                joined_provides(m, s, c))
                continue;
            merr(m, s->section_line,
                 "[%s] gives no '%s', which %s requires (column.%s = SOURCE COLUMN, a constant "
                 "%s = VALUE, or unpivot)",
                 s->section, s->def->cols[c].name, s->def->file, s->def->cols[c].name,
                 s->def->cols[c].name);
        }
    }
}

/* ---- a source's header ----------------------------------------------------- */

static int header_index(const source *s, const char *name)
{
    for (size_t i = 0; i < s->nheader; i++)
        if (strcmp(s->header[i], name) == 0)
            return (int)i;
    return -1;
}

static void no_such_column(manifest *m, const source *s, unsigned line, const char *key,
                           const char *name)
{
    /* The download's names, each quoted (escaped, cut short), up to a few. */
    char list[512], q[CM_QUOTE_SIZE];
    size_t o = 0;
    list[0] = '\0';
    for (size_t i = 0; i < s->nheader && o < sizeof list - 8; i++)
        o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "",
                              quoted(q, s->header[i]));
    if (o >= sizeof list - 8)
        snprintf(list + sizeof list - 8, 8, ", ...");
    merr(m, line, "key '%s': %s has no column %s (its columns: %s)", key, s->file, quoted(q, name),
         list);
}

/* Resolves column names, templates and filters against the header. False
   on an error, or out of memory (m->nomem). */
static bool resolve(manifest *m, source *s)
{
    size_t errors = m->errors;
    char key[128];
    for (size_t c = 0; c < s->def->ncols; c++) {
        mapping *mp = &s->map[c];
        snprintf(key, sizeof key, "column.%s", s->def->cols[c].name);
        if (mp->kind == MAP_COLUMN) {
            int idx = header_index(s, mp->text);
            if (idx < 0)
                no_such_column(m, s, mp->line, key, mp->text);
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
                    merr(m, mp->line, "key '%s': '{' without '}' in the template %s", key,
                         quoted(q, mp->text));
                    break;
                }
                char name[256];
                size_t len = (size_t)(close - open - 1);
                if (len >= sizeof name)
                    len = sizeof name - 1;
                memcpy(name, open + 1, len);
                name[len] = '\0';
                int idx = header_index(s, name);
                if (idx < 0)
                    no_such_column(m, s, mp->line, key, name);
                mp->part[k] = (size_t)(idx < 0 ? 0 : idx);
                p = close + 1;
            }
        }
    }
    for (size_t c = 0; c < s->def->ncols; c++) {
        mapping *mp = &s->map[c];
        if (mp->kind != MAP_SUM)
            continue;
        snprintf(key, sizeof key, "sum.%s", s->def->cols[c].name);
        size_t n = 0;
        char **terms = split_list(mp->text, ',', &n);
        mp->part = calloc(n ? n : 1, sizeof *mp->part);
        if (!terms || !mp->part) {
            free_list(terms, n);
            m->nomem = true;
            return false;
        }
        mp->nparts = n;
        for (size_t k = 0; k < n; k++) {
            int idx = header_index(s, terms[k]);
            if (idx < 0)
                no_such_column(m, s, mp->line, key, terms[k]);
            mp->part[k] = (size_t)(idx < 0 ? 0 : idx);
        }
        free_list(terms, n);
    }
    for (size_t f = 0; f < s->nfilters; f++) {
        int idx = header_index(s, s->filters[f].column);
        snprintf(key, sizeof key, "%s.%s", s->filters[f].keep ? "keep_if" : "skip_if",
                 s->filters[f].column);
        if (idx < 0)
            no_such_column(m, s, s->filters[f].line, key, s->filters[f].column);
        s->filters[f].src = (size_t)(idx < 0 ? 0 : idx);
    }
    if (s->unpivot) {
        bool any = false;
        for (size_t i = 0; i < s->nheader; i++) {
            int32_t y;
            any |= cm_parse_year(s->header[i], strlen(s->header[i]), &y) == CM_PARSE_OK &&
                   y >= s->unpivot_from && y <= s->unpivot_to;
        }
        if (!any)
            merr(m, s->unpivot_line,
                 "key 'unpivot': no column of %s is a year from %" PRId32 " to %" PRId32, s->file,
                 s->unpivot_from, s->unpivot_to);
    }
    return m->errors == errors;
}

/* ---- values ------------------------------------------------------------------ */

/* Digits with the declared thousands separator and decimal mark, written
   plainly ("7,538.5" -> "7538.5"). False when the text is not such a
   number: it is then left as it is, for the loader to judge. */
static bool plain_number(const source *s, const char *in, char *out, size_t size)
{
    char dec = s->decimal ? s->decimal : '.';
    char sep = s->thousands;
    size_t o = 0, i = 0, n = strlen(in);
    if (n == 0 || n >= size - 1)
        return false;
    if (in[0] == '-' || in[0] == '+')
        out[o++] = in[i++];
    size_t group = 0, groups = 0;
    bool digits = false;
    for (; i < n && in[i] != dec; i++) {
        if (in[i] >= '0' && in[i] <= '9') {
            out[o++] = in[i];
            group++;
            digits = true;
        } else if (sep && in[i] == sep) {
            /* The first group has 1 to 3 digits, every later one 3. */
            if ((groups == 0 && (group == 0 || group > 3)) || (groups > 0 && group != 3))
                return false;
            groups++;
            group = 0;
        } else {
            return false;
        }
    }
    if (!digits || (groups > 0 && group != 3))
        return false;
    if (i < n) {
        out[o++] = '.';
        i++;
        size_t frac = 0;
        for (; i < n; i++, frac++) {
            if (in[i] < '0' || in[i] > '9')
                return false;
            out[o++] = in[i];
        }
        if (frac == 0)
            return false;
    }
    out[o] = '\0';
    return true;
}

/* Multiplies a plain decimal number by a power of ten, exactly. */
static bool shift_decimal(char *num, size_t size, unsigned k)
{
    char *point = strchr(num, '.');
    size_t int_len = point ? (size_t)(point - num) : strlen(num);
    char frac[64] = "";
    if (point)
        snprintf(frac, sizeof frac, "%s", point + 1);
    size_t frac_len = strlen(frac);
    if (int_len + k + 2 >= size)
        return false;
    char out[128];
    size_t o = 0;
    memcpy(out, num, int_len);
    o = int_len;
    for (unsigned d = 0; d < k; d++)
        out[o++] = d < frac_len ? frac[d] : '0';
    if (frac_len > k) {
        out[o++] = '.';
        for (size_t d = k; d < frac_len; d++)
            out[o++] = frac[d];
    }
    out[o] = '\0';
    /* "0.0005" times 1000 is "0.5", not "0000.5". */
    size_t sign = out[0] == '-' || out[0] == '+';
    size_t z = sign;
    while (out[z] == '0' && out[z + 1] >= '0' && out[z + 1] <= '9')
        z++;
    memmove(out + sign, out + z, strlen(out + z) + 1);
    snprintf(num, size, "%s", out);
    return true;
}

/* Rounds a plain decimal number to a whole one, half away from zero.
   Returns true when it had a fraction. */
static bool round_decimal(char *num)
{
    char *point = strchr(num, '.');
    if (!point)
        return false;
    bool up = point[1] >= '5';
    bool fraction = false;
    for (const char *p = point + 1; *p; p++)
        fraction |= *p != '0';
    *point = '\0';
    if (up) {
        char *p = point - 1;
        while (p >= num && *p == '9') {
            *p = '0';
            p--;
        }
        if (p >= num && *p >= '0' && *p <= '8') {
            (*p)++;
        } else {
            /* All nines: one more digit in front, after any sign. */
            size_t sign = (num[0] == '-' || num[0] == '+') ? 1 : 0;
            memmove(num + sign + 1, num + sign, strlen(num + sign) + 1);
            num[sign] = '1';
        }
    }
    if (strcmp(num, "-0") == 0)
        num[0] = '0', num[1] = '\0';
    return fraction;
}

/* The value of canonical column c from a raw source value. buf holds the
   result when it is not raw itself. */
static const char *transform(source *s, size_t c, const char *raw, char *buf, size_t size,
                             const char **token)
{
    if (token)
        *token = NULL;
    for (size_t i = 0; i < s->nmissing; i++) {
        if (strcmp(raw, s->missing[i]) == 0) {
            if (token)
                *token = s->missing[i];
            return "";
        }
    }
    if (s->nvmap[c]) {
        const char *to = s->vmap_default[c];
        for (size_t i = 0; i < s->nvmap[c]; i++)
            if (s->vmap[c][i].from && strcmp(raw, s->vmap[c][i].from) == 0)
                to = s->vmap[c][i].to;
        if (to)
            raw = to;
    }
    cm_value_type t = s->def->cols[c].type;
    bool number = t == CM_VALUE_COUNT || t == CM_VALUE_SIGNED_COUNT || t == CM_VALUE_PERCENT;
    if (!number || !*raw)
        return raw;
    if (!plain_number(s, raw, buf, size))
        return raw;
    if (s->scale[c]) {
        const char *f = s->scale[c];
        unsigned zeros = 0;
        bool power = f[0] == '1';
        for (const char *p = f + 1; *p; p++, zeros++)
            power &= *p == '0';
        if (power) {
            shift_decimal(buf, size, zeros);
        } else {
            double v = strtod(buf, NULL) * strtod(f, NULL);
            cm_format_double(v, buf, size);
        }
    }
    if (s->round[c] && round_decimal(buf) && s->input)
        s->input->rounded++;
    return buf;
}

/* ---- rows ---------------------------------------------------------------------- */

typedef struct row_buf {
    char *text; /* all fields, each NUL-terminated */
    size_t len, cap;
    size_t *start; /* offset of each field */
    cm_csv_pos *pos;
    size_t n, ncap;
    cm_csv_pos record;
} row_buf;

static bool row_add(row_buf *r, const char *s, size_t len, const cm_csv_pos *pos)
{
    if (r->n == r->ncap) {
        size_t cap = r->ncap ? r->ncap * 2 : 32;
        size_t *start = realloc(r->start, cap * sizeof *start);
        if (!start)
            return false;
        r->start = start;
        cm_csv_pos *p = realloc(r->pos, cap * sizeof *p);
        if (!p)
            return false;
        r->pos = p;
        r->ncap = cap;
    }
    if (r->len + len + 1 > r->cap) {
        size_t cap = (r->len + len + 1) * 2;
        char *t = realloc(r->text, cap);
        if (!t)
            return false;
        r->text = t;
        r->cap = cap;
    }
    memcpy(r->text + r->len, s, len);
    r->text[r->len + len] = '\0';
    r->start[r->n] = r->len;
    r->pos[r->n] = *pos;
    r->len += len + 1;
    r->n++;
    return true;
}

static const char *row_field(const row_buf *r, size_t i)
{
    return i < r->n ? r->text + r->start[i] : "";
}

/* One canonical row being built. */
typedef struct canon {
    char *value[MAX_COLS];
    cm_csv_pos pos[MAX_COLS];
    const char *token[MAX_COLS]; /* the missing token that emptied a value */
    char *written[MAX_COLS];     /* a number as its file writes it, when changed */
} canon;

static void canon_clear(canon *cr)
{
    for (size_t c = 0; c < MAX_COLS; c++) {
        free(cr->value[c]);
        cr->value[c] = NULL;
        cr->token[c] = NULL;
        free(cr->written[c]);
        cr->written[c] = NULL;
    }
}

static bool canon_set(canon *cr, size_t c, const char *v, cm_csv_pos pos)
{
    free(cr->value[c]);
    free(cr->written[c]);
    cr->written[c] = NULL;
    cr->value[c] = strdup(v);
    cr->pos[c] = pos;
    return cr->value[c] != NULL;
}

/* Keeps the text of a number as its file writes it, when the manifest's
   marks or scale changed it (v is raw transformed). */
static bool canon_written(canon *cr, size_t c, const char *raw, const char *v)
{
    if (!*v || strcmp(raw, v) == 0)
        return true;
    free(cr->written[c]);
    cr->written[c] = strdup(raw);
    return cr->written[c] != NULL;
}

/* The key of a canonical row (its table's key columns), for joins. */
static char *canon_key(const source *s, const canon *cr)
{
    size_t n = 1;
    for (size_t k = 0; k < s->def->nkey; k++) {
        size_t c = s->def->key[k];
        const char *v = cr->value[c] ? cr->value[c] : "";
        /* An enumeration's default (sex T) counts as given. */
        if (!*v && s->def->cols[c].type == CM_VALUE_ENUM &&
            s->def->cols[c].enumdef->default_code >= 0)
            v = cm_enum_name(s->def->cols[c].enumdef, s->def->cols[c].enumdef->default_code);
        n += strlen(v) + 1;
    }
    char *key = malloc(n), *p = key;
    if (!key)
        return NULL;
    for (size_t k = 0; k < s->def->nkey; k++) {
        size_t c = s->def->key[k];
        const char *v = cr->value[c] ? cr->value[c] : "";
        if (!*v && s->def->cols[c].type == CM_VALUE_ENUM &&
            s->def->cols[c].enumdef->default_code >= 0)
            v = cm_enum_name(s->def->cols[c].enumdef, s->def->cols[c].enumdef->default_code);
        size_t len = strlen(v);
        memcpy(p, v, len);
        p += len;
        *p++ = '\x1f';
    }
    *p = '\0';
    return key;
}

/* The mapped values of one source record, before unpivot. */
static bool build(source *s, const row_buf *r, canon *cr)
{
    char buf[128];
    for (size_t c = 0; c < s->def->ncols; c++) {
        mapping *mp = &s->map[c];
        const char *raw = NULL;
        cm_csv_pos pos = r->record;
        char *made = NULL;
        switch (mp->kind) {
        case MAP_NONE:
            continue;
        case MAP_CONSTANT:
            raw = mp->text;
            break;
        case MAP_SUM: {
            /* Each term as a value of the column, then their exact sum; a
               missing term makes the sum missing. */
            int64_t sum = 0;
            bool missing = false, bad = false;
            char term_buf[128];
            for (size_t k = 0; k < mp->nparts && !missing && !bad; k++) {
                const char *t =
                    transform(s, c, row_field(r, mp->part[k]), term_buf, sizeof term_buf, NULL);
                int64_t v;
                if (!*t)
                    missing = true;
                else if (cm_parse_signed_count(t, strlen(t), &v) != CM_PARSE_OK ||
                         __builtin_add_overflow(sum, v, &sum))
                    bad = true;
            }
            if (mp->nparts && mp->part[0] < r->n)
                pos = r->pos[mp->part[0]];
            if (bad) {
                /* Hand the first term's text on: the loader names the problem. */
                raw = row_field(r, mp->part[0]);
                break;
            }
            made = malloc(32);
            if (!made)
                return false;
            if (missing)
                made[0] = '\0';
            else
                snprintf(made, 32, "%" PRId64, sum);
            if (!canon_set(cr, c, made, pos)) {
                free(made);
                return false;
            }
            free(made);
            continue;
        }
        case MAP_COLUMN:
            raw = row_field(r, mp->src);
            if (mp->src < r->n)
                pos = r->pos[mp->src];
            break;
        case MAP_TEMPLATE: {
            size_t len = 0;
            for (size_t k = 0; k <= mp->nparts; k++)
                len +=
                    strlen(mp->lit[k]) + (k < mp->nparts ? strlen(row_field(r, mp->part[k])) : 0);
            made = malloc(len + 1);
            if (!made)
                return false;
            size_t o = 0;
            for (size_t k = 0; k <= mp->nparts; k++) {
                size_t n = strlen(mp->lit[k]);
                memcpy(made + o, mp->lit[k], n);
                o += n;
                if (k < mp->nparts) {
                    const char *f = row_field(r, mp->part[k]);
                    n = strlen(f);
                    memcpy(made + o, f, n);
                    o += n;
                }
            }
            made[o] = '\0';
            if (mp->nparts && mp->part[0] < r->n)
                pos = r->pos[mp->part[0]];
            raw = made;
            break;
        }
        }
        const char *v = transform(s, c, raw, buf, sizeof buf, &cr->token[c]);
        bool ok = canon_set(cr, c, v, pos) &&
                  (mp->kind != MAP_COLUMN || s->nvmap[c] || canon_written(cr, c, raw, v));
        free(made);
        if (!ok)
            return false;
    }
    return true;
}

/* Counts a value a filter met, among the first FILTER_SEEN distinct ones
   (a copy that cannot be made is counted as another value). */
static void filter_saw(filter *fl, const char *v)
{
    for (size_t k = 0; k < fl->nseen; k++)
        if (strcmp(fl->seen[k], v) == 0) {
            fl->seen_rows[k]++;
            return;
        }
    if (fl->nseen < FILTER_SEEN && (fl->seen[fl->nseen] = strdup(v)) != NULL) {
        fl->seen_rows[fl->nseen++] = 1;
        return;
    }
    fl->seen_other++;
}

/* Filters apply in turn, and a row must pass them all: each counts the
   rows that reached it and those it let through. */
static bool filtered_out(source *s, const row_buf *r)
{
    for (size_t f = 0; f < s->nfilters; f++) {
        filter *fl = &s->filters[f];
        const char *v = row_field(r, fl->src);
        bool listed = false;
        for (size_t i = 0; i < fl->nvalues; i++)
            listed |= strcmp(v, fl->values[i]) == 0;
        fl->reached++;
        filter_saw(fl, v);
        if (listed != fl->keep)
            return true;
        fl->passed++;
    }
    return false;
}

/*
 * After a source is read: a filter that let no row through says so, at its
 * line of the manifest, with the values its column does have. A warning,
 * or under --strict an error (then false).
 */
static bool filters_report(manifest *m, const source *s)
{
    bool ok = true;
    for (size_t f = 0; f < s->nfilters; f++) {
        const filter *fl = &s->filters[f];
        if (!fl->reached || fl->passed)
            continue;
        char have[768], q[CM_QUOTE_SIZE];
        size_t used = 0;
        for (size_t k = 0; k < fl->nseen && used < sizeof have; k++)
            used += (size_t)snprintf(have + used, sizeof have - used, "%s%s (%" PRIu64 " %s)",
                                     k ? ", " : "", quoted(q, fl->seen[k]), fl->seen_rows[k],
                                     fl->seen_rows[k] == 1 ? "row" : "rows");
        if (fl->seen_other && used < sizeof have)
            snprintf(have + used, sizeof have - used, " and others (%" PRIu64 " rows)",
                     fl->seen_other);
        char want[512];
        used = 0;
        for (size_t i = 0; i < fl->nvalues && used < sizeof want; i++)
            used += (size_t)snprintf(want + used, sizeof want - used, "%s%s", i ? ", " : "",
                                     quoted(q, fl->values[i]));
        cm_severity sev = m->opts->strict ? CM_SEV_ERROR : CM_SEV_WARNING;
        cm_loc loc = {m->path, fl->line, 0};
        if (fl->keep)
            cm_diag_report(m->diag, sev, &loc,
                           "keep_if.%s keeps no row of %s: none of its %" PRIu64
                           " rows has %s%s in column %s, which holds %s",
                           fl->column, s->input->path, fl->reached,
                           fl->nvalues > 1 ? "any of " : "", want, fl->column, have);
        else
            cm_diag_report(m->diag, sev, &loc,
                           "skip_if.%s drops every row of %s (%" PRIu64
                           " rows): column %s holds only %s",
                           fl->column, s->input->path, fl->reached, fl->column, have);
        if (m->opts->strict) {
            m->errors++;
            ok = false;
        }
    }
    return ok;
}

/* ---- joined sources: rows by key ----------------------------------------------- */

static joined_row *join_find(const source *s, const char *key)
{
    if (!s->slots)
        return NULL;
    size_t i = (size_t)cm_hash_bytes(key, strlen(key)) & s->mask;
    while (s->slots[i]) {
        joined_row *r = &s->rows[s->slots[i] - 1];
        if (strcmp(r->key, key) == 0)
            return r;
        i = (i + 1) & s->mask;
    }
    return NULL;
}

static bool join_grow(source *s)
{
    size_t mask = s->mask ? s->mask * 2 + 1 : 255;
    uint32_t *slots = calloc(mask + 1, sizeof *slots);
    if (!slots)
        return false;
    for (size_t r = 0; r < s->nrows; r++) {
        size_t i = (size_t)cm_hash_bytes(s->rows[r].key, strlen(s->rows[r].key)) & mask;
        while (slots[i])
            i = (i + 1) & mask;
        slots[i] = (uint32_t)(r + 1);
    }
    free(s->slots);
    s->slots = slots;
    s->mask = mask;
    return true;
}

/* Stores a joined source's row under its key; a repeated key is an error. */
static cm_status join_store(manifest *m, source *s, canon *cr, const row_buf *r)
{
    char *key = canon_key(s, cr);
    if (!key)
        return CM_ERR_NOMEM;
    joined_row *old = join_find(s, key);
    if (old) {
        cm_loc loc = {r->record.file, r->record.line, 0};
        cm_diag_report(m->diag, CM_SEV_ERROR, &loc,
                       "[%s] gives this key twice (first at line %" PRIu64
                       "): a joined source needs one row per key",
                       s->section, old->line);
        m->errors++;
        free(key);
        return cm_diag_full(m->diag) ? CM_ERR_DATA : CM_OK;
    }
    if (s->nrows == s->rows_cap) {
        size_t cap = s->rows_cap ? s->rows_cap * 2 : 256;
        joined_row *rows = realloc(s->rows, cap * sizeof *rows);
        if (!rows) {
            free(key);
            return CM_ERR_NOMEM;
        }
        s->rows = rows;
        s->rows_cap = cap;
    }
    joined_row *jr = &s->rows[s->nrows++];
    memset(jr, 0, sizeof *jr);
    jr->key = key;
    jr->line = r->record.line;
    /* Copies: with unpivot the same record gives several rows. */
    for (size_t c = 0; c < s->def->ncols; c++) {
        if (cr->value[c] && !(jr->values[c] = strdup(cr->value[c])))
            return CM_ERR_NOMEM;
        jr->pos[c] = cr->pos[c];
    }
    /* Index the row: grow (which indexes every row), or probe for its slot. */
    if ((s->nrows + 1) * 2 > s->mask + 1)
        return join_grow(s) ? CM_OK : CM_ERR_NOMEM;
    size_t i = (size_t)cm_hash_bytes(key, strlen(key)) & s->mask;
    while (s->slots[i])
        i = (i + 1) & s->mask;
    s->slots[i] = (uint32_t)s->nrows;
    return CM_OK;
}

/* ---- reading one source --------------------------------------------------------- */

typedef struct reading {
    manifest *m;
    source *s;
    cm_loader *loader; /* NULL for a joined source */
    cm_strpool *seen;  /* rows already given (dedupe) */
    row_buf row;
    canon cr;
    bool header_done;
    cm_status st;
} reading;

/* Hands one canonical row to the loader, after joins and de-duplication. */
static cm_status emit_row(reading *rd)
{
    manifest *m = rd->m;
    source *s = rd->s;
    canon *cr = &rd->cr;
    char *key = NULL;
    for (size_t i = 0; i < m->nsources; i++) {
        source *j = &m->sources[i];
        if (j->target != s)
            continue;
        if (!key && !(key = canon_key(s, cr)))
            return CM_ERR_NOMEM;
        joined_row *jr = join_find(j, key);
        if (!jr)
            continue;
        jr->used = true;
        for (size_t c = 0; c < s->def->ncols; c++)
            if (jr->values[c] && !cr->value[c] && !canon_set(cr, c, jr->values[c], jr->pos[c]))
                return CM_ERR_NOMEM;
    }
    free(key);
    if (s->dedupe) {
        size_t len = 0;
        for (size_t c = 0; c < s->def->ncols; c++)
            len += (cr->value[c] ? strlen(cr->value[c]) : 0) + 1;
        char *all = malloc(len + 1), *p = all;
        if (!all)
            return CM_ERR_NOMEM;
        for (size_t c = 0; c < s->def->ncols; c++) {
            size_t n = cr->value[c] ? strlen(cr->value[c]) : 0;
            memcpy(p, cr->value[c] ? cr->value[c] : "", n);
            p += n;
            *p++ = '\x1f';
        }
        size_t before = cm_strpool_count(rd->seen);
        uint32_t id = cm_strpool_intern(rd->seen, all, len);
        free(all);
        if (!id)
            return CM_ERR_NOMEM;
        if (cm_strpool_count(rd->seen) == before) {
            s->input->deduped++;
            return CM_OK;
        }
    }
    /* A required value that a missing token emptied: say so, with the token,
       rather than let it pass for an empty field. */
    for (size_t c = 0; c < s->def->ncols; c++) {
        if (!cr->token[c] || !(s->def->cols[c].flags & CM_COL_REQUIRED))
            continue;
        cm_source *src = &m->ds->sources[s->table];
        cm_loc loc = {cr->pos[c].file, cr->pos[c].line, cr->pos[c].col};
        bool warn = m->opts->keep_going;
        char q[CM_QUOTE_SIZE];
        cm_diag_report(m->diag, warn ? CM_SEV_WARNING : CM_SEV_ERROR, &loc,
                       "column '%s': %s is declared missing by the manifest (missing = ...), "
                       "but %s needs a value here%s",
                       s->def->cols[c].name, quoted(q, cr->token[c]), s->def->file,
                       warn ? " (row skipped: --keep-going)" : "; drop such rows with skip_if");
        src->rows++;
        src->rows_rejected++;
        if (!warn) {
            src->errors++;
            m->errors++;
        }
        return cm_diag_full(m->diag) ? CM_ERR_DATA : CM_OK;
    }
    s->input->rows++;
    for (size_t c = 0; c < s->def->ncols; c++) {
        const char *v = cr->value[c] ? cr->value[c] : "";
        cm_csv_pos pos = cr->value[c] ? cr->pos[c] : rd->row.record;
        cm_status st;
        if (cr->written[c]) {
            char how[CM_QUOTE_SIZE + 128], q[CM_QUOTE_SIZE];
            cm_quote(q, sizeof q, v, strlen(v));
            if (s->scale[c])
                snprintf(how, sizeof how, "scale.%s = %s makes it %s", s->def->cols[c].name,
                         s->scale[c], q);
            else
                snprintf(how, sizeof how,
                         "read with the manifest's thousands separator and decimal mark as %s", q);
            st = cm_loader_field_as_written(rd->loader, c, v, strlen(v), cr->written[c], how, &pos);
        } else {
            st = cm_loader_field(rd->loader, c, v, strlen(v), &pos);
        }
        if (st != CM_OK)
            return st;
    }
    return cm_loader_record(rd->loader, s->def->ncols, &rd->row.record);
}

static cm_status source_field(void *ctx, size_t index, const char *s, size_t len,
                              const cm_csv_pos *pos)
{
    reading *rd = ctx;
    if (index == 0) {
        rd->row.n = 0;
        rd->row.len = 0;
        rd->row.record = *pos;
    }
    return row_add(&rd->row, s, len, pos) ? CM_OK : CM_ERR_NOMEM;
}

static cm_status source_record(void *ctx, size_t nfields, const cm_csv_pos *start)
{
    reading *rd = ctx;
    manifest *m = rd->m;
    source *s = rd->s;
    (void)nfields;
    rd->row.record = *start;
    if (start->line < s->header_line)
        return CM_OK; /* lines above the header: titles, notes */
    if (!rd->header_done) {
        rd->header_done = true;
        s->header = calloc(rd->row.n ? rd->row.n : 1, sizeof *s->header);
        if (!s->header)
            return CM_ERR_NOMEM;
        /* Counted as they are kept, so that all of them are freed. */
        for (size_t i = 0; i < rd->row.n; i++, s->nheader++)
            if (!(s->header[i] = strdup(row_field(&rd->row, i))))
                return CM_ERR_NOMEM;
        if (!resolve(m, s))
            return m->nomem ? CM_ERR_NOMEM : CM_ERR_DATA;
        return CM_OK;
    }
    s->input->records++;
    if (rd->row.n != s->nheader) {
        cm_loc loc = {start->file, start->line, 0};
        cm_diag_report(m->diag, CM_SEV_ERROR, &loc, "%zu fields, but the header has %zu", rd->row.n,
                       s->nheader);
        m->errors++;
        return cm_diag_full(m->diag) ? CM_ERR_DATA : CM_OK;
    }
    if (filtered_out(s, &rd->row)) {
        s->input->filtered++;
        return CM_OK;
    }
    canon_clear(&rd->cr);
    if (!build(s, &rd->row, &rd->cr))
        return CM_ERR_NOMEM;
    if (!s->unpivot)
        return rd->loader ? emit_row(rd) : join_store(m, s, &rd->cr, &rd->row);

    /* One row per year column in the range, when it has a value. */
    char buf[128];
    int year_col = column_of(s->def, "year");
    for (size_t i = 0; i < s->nheader && i < rd->row.n; i++) {
        int32_t y;
        if (cm_parse_year(s->header[i], strlen(s->header[i]), &y) != CM_PARSE_OK ||
            y < s->unpivot_from || y > s->unpivot_to)
            continue;
        const char *v =
            transform(s, s->unpivot_value, row_field(&rd->row, i), buf, sizeof buf, NULL);
        if (!*v)
            continue;
        /* Joined columns of the previous year must not carry over. */
        for (size_t c = 0; c < s->def->ncols; c++)
            if (s->map[c].kind == MAP_NONE && (int)c != year_col && c != s->unpivot_value) {
                free(rd->cr.value[c]);
                rd->cr.value[c] = NULL;
            }
        if (!canon_set(&rd->cr, (size_t)year_col, s->header[i], rd->row.pos[i]) ||
            !canon_set(&rd->cr, s->unpivot_value, v, rd->row.pos[i]) ||
            (!s->nvmap[s->unpivot_value] &&
             !canon_written(&rd->cr, s->unpivot_value, row_field(&rd->row, i), v)))
            return CM_ERR_NOMEM;
        cm_status st = rd->loader ? emit_row(rd) : join_store(m, s, &rd->cr, &rd->row);
        if (st != CM_OK)
            return st;
    }
    return CM_OK;
}

typedef struct source_tap {
    cm_sha256 *sha;
    const cm_load_options *opts;
    const source *s;
    uint64_t done, size;
    const cm_source *table;
} source_tap;

static void sha_chunk(void *ctx, const void *data, size_t len)
{
    source_tap *t = ctx;
    cm_sha256_update(t->sha, data, len);
    t->done += len;
    if (t->opts->progress)
        t->opts->progress(t->opts->progress_ctx, t->s->input->path, t->done, t->size,
                          t->table->rows);
}

/* ---- a source in another encoding ------------------------------------------------ */

/*
 * A source declared windows-1252 or ISO 8859 is read in chunks as a UTF-8
 * file is, each chunk converted to UTF-8 by iconv before the CSV reader sees
 * it; the digest is taken of the bytes as they are in the file. Each byte is
 * one character, and line ends are the same bytes in both, so the reader's
 * lines and columns are the source's. The decoder keeps its own count only
 * to name the place of a byte that has no character.
 */
enum { DECODE_CHUNK = 256 * 1024 };

typedef struct decoder {
    const manifest *m;
    const source *s;
    cm_diag *diag;
    iconv_t cd;
    cm_csv *csv;
    char *out;
    uint64_t line; /* of the next byte, from 1 */
    uint32_t col;  /* bytes (characters) before it on its line */
    bool prev_cr;
    unsigned char head[3]; /* the first bytes, held until a BOM can be told */
    size_t head_len;
    bool started;
} decoder;

/* Moves the place past n bytes, counting line ends as the CSV reader does. */
static void decode_advance(decoder *d, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n') {
            if (!d->prev_cr) {
                d->line++;
                d->col = 0;
            }
            d->prev_cr = false;
        } else if (p[i] == '\r') {
            d->line++;
            d->col = 0;
            d->prev_cr = true;
        } else {
            d->col++;
            d->prev_cr = false;
        }
    }
}

/* Reports, at the place of the next byte, a byte with no character. */
static cm_status decode_undefined(decoder *d, unsigned char c)
{
    const source *s = d->s;
    const char *name = encoding_label[s->encoding];
    cm_loc loc = {s->input->path, d->line, d->col + 1};
    if (s->encoding == ENC_WINDOWS_1252)
        cm_diag_report(d->diag, CM_SEV_ERROR, &loc,
                       "byte 0x%02X has no character in %s, the encoding the manifest declares "
                       "(key 'encoding' at %s:%u); expected a byte of %s text (0x81, 0x8D, 0x8F, "
                       "0x90 and 0x9D are unassigned in it): is the file in another encoding?",
                       c, name, d->m->path, s->encoding_line, name);
    else
        cm_diag_report(d->diag, CM_SEV_ERROR, &loc,
                       "byte 0x%02X has no character in %s, the encoding the manifest declares "
                       "(key 'encoding' at %s:%u); expected a byte of %s text (0x80 to 0x9F are "
                       "control codes in it, not text; windows-1252 has characters there: is the "
                       "file windows-1252?)",
                       c, name, d->m->path, s->encoding_line, name);
    return CM_ERR_DATA;
}

/* Converts p[0..n) and feeds it to the CSV reader; stops at a byte with no
   character in the encoding, and reports it. */
static cm_status decode_bytes(decoder *d, const unsigned char *p, size_t n)
{
    /* ISO 8859 gives 0x80 to 0x9F no character (iconv passes them on as
       C1 controls): they end what is converted. */
    size_t text = n;
    if (d->s->encoding != ENC_WINDOWS_1252)
        for (size_t i = 0; i < n && text == n; i++)
            if (p[i] >= 0x80 && p[i] < 0xa0)
                text = i;
    char *in = (char *)(uintptr_t)p;
    size_t left = text;
    while (left > 0) {
        char *out = d->out;
        size_t room = DECODE_CHUNK;
        size_t r = iconv(d->cd, &in, &left, &out, &room);
        int err = errno;
        if (out > d->out) {
            cm_status st = cm_csv_feed(d->csv, d->out, (size_t)(out - d->out));
            if (st != CM_OK)
                return st;
        }
        if (r == (size_t)-1 && err != E2BIG) {
            size_t done = (size_t)(in - (char *)(uintptr_t)p);
            decode_advance(d, p, done);
            if (err == EILSEQ || err == EINVAL)
                return decode_undefined(d, p[done]);
            cm_loc loc = {d->s->input->path, d->line, d->col + 1};
            cm_diag_report(d->diag, CM_SEV_ERROR, &loc, "cannot convert from %s: %s",
                           encoding_label[d->s->encoding], strerror(err));
            return CM_ERR_INTERNAL;
        }
    }
    decode_advance(d, p, text);
    return text < n ? decode_undefined(d, p[text]) : CM_OK;
}

/* The first bytes: a UTF-8 byte order mark says the file is not what the
   manifest declares. */
static cm_status decode_start(decoder *d)
{
    d->started = true;
    if (d->head_len == 3 && memcmp(d->head, "\xef\xbb\xbf", 3) == 0) {
        const char *name = encoding_label[d->s->encoding];
        cm_loc loc = {d->s->input->path, 1, 1};
        cm_diag_report(d->diag, CM_SEV_ERROR, &loc,
                       "the file starts with a UTF-8 byte order mark: it is UTF-8, not %s as the "
                       "manifest declares (key 'encoding' at %s:%u); expected no byte order mark "
                       "in a %s file (if the file is UTF-8, write encoding = utf-8 or leave the "
                       "key out)",
                       name, d->m->path, d->s->encoding_line, name);
        return CM_ERR_DATA;
    }
    return decode_bytes(d, d->head, d->head_len);
}

static cm_status decode_chunk(decoder *d, const unsigned char *p, size_t n)
{
    if (!d->started) {
        while (n > 0 && d->head_len < sizeof d->head) {
            d->head[d->head_len++] = *p++;
            n--;
        }
        if (d->head_len < sizeof d->head)
            return CM_OK;
        cm_status st = decode_start(d);
        if (st != CM_OK)
            return st;
    }
    return decode_bytes(d, p, n);
}

/* As cm_csv_read_file, converting the source's bytes to UTF-8 on the way;
 *bytes is the size of the file read. */
static cm_status read_decoded(manifest *m, source *s, const cm_csv_options *o,
                              const cm_csv_handler *h, void *ctx, cm_csv_stats *stats,
                              const cm_csv_tap *tap, uint64_t *bytes)
{
    const char *file = s->input->path;
    cm_loc loc = {file, 0, 0};
    decoder d = {0};
    d.m = m;
    d.s = s;
    d.diag = m->diag;
    d.line = 1;
    d.cd = iconv_open("UTF-8", encoding_iconv[s->encoding]);
    if (d.cd == (iconv_t)-1 && errno == ENOMEM)
        return CM_ERR_NOMEM;
    if (d.cd == (iconv_t)-1) {
        cm_loc at = {m->path, s->encoding_line, 0};
        cm_diag_report(m->diag, CM_SEV_ERROR, &at,
                       "key 'encoding': this system's iconv cannot convert %s to UTF-8 (%s); "
                       "expected its conversion modules to be installed",
                       encoding_label[s->encoding], strerror(errno));
        return CM_ERR_NOINPUT;
    }
    cm_status st = CM_OK;
    unsigned char *buf = NULL;
    int fd = cm_input_open(s->real, file, NULL, m->diag);
    if (fd < 0) {
        iconv_close(d.cd);
        return CM_ERR_NOINPUT;
    }
    buf = malloc(DECODE_CHUNK);
    d.out = malloc(DECODE_CHUNK);
    d.csv = cm_csv_new(o, h, ctx, m->diag, file);
    if (!buf || !d.out || !d.csv) {
        st = CM_ERR_NOMEM;
        goto done;
    }
    for (;;) {
        ssize_t n = read(fd, buf, DECODE_CHUNK);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (*bytes)
                cm_diag_report(m->diag, CM_SEV_ERROR, &loc, "cannot read past byte %" PRIu64 ": %s",
                               *bytes, strerror(errno));
            else
                cm_diag_report(m->diag, CM_SEV_ERROR, &loc, "cannot read: %s", strerror(errno));
            st = CM_ERR_NOINPUT;
            goto done;
        }
        if (n == 0)
            break;
        *bytes += (uint64_t)n;
        if (tap)
            tap->chunk(tap->ctx, buf, (size_t)n);
        if ((st = decode_chunk(&d, buf, (size_t)n)) != CM_OK)
            goto done;
    }
    if (!d.started && (st = decode_start(&d)) != CM_OK)
        goto done;
    st = cm_csv_finish(d.csv);
done:
    if (d.csv)
        *stats = cm_csv_get_stats(d.csv);
    cm_csv_free(d.csv);
    free(d.out);
    free(buf);
    close(fd);
    iconv_close(d.cd);
    return st;
}

static cm_status read_source(manifest *m, source *s, cm_loader *loader)
{
    reading rd = {0};
    rd.m = m;
    rd.s = s;
    rd.loader = loader;
    if (s->dedupe && !(rd.seen = cm_strpool_new()))
        return CM_ERR_NOMEM;
    cm_csv_options o = m->opts->csv;
    o.delimiter = s->delim;
    o.quote = s->quote;
    if (o.delimiter == o.quote) {
        merr(m, s->section_line, "[%s]: the delimiter and the quote are the same character",
             s->section);
        cm_strpool_free(rd.seen);
        return CM_ERR_DATA;
    }
    char advice[256];
    snprintf(advice, sizeof advice,
             "expected UTF-8, as [%s] of the manifest reads it: if the file is in another "
             "encoding, say which there (encoding = windows-1252, iso-8859-1 or iso-8859-15)",
             s->section);
    o.utf8_advice = advice;
    cm_csv_handler h = {source_field, source_record, NULL};
    cm_sha256 *sha = cm_sha256_new();
    cm_csv_stats stats = {0};
    struct stat sb;
    source_tap st_tap = {sha,
                         m->opts,
                         s,
                         0,
                         stat(s->real, &sb) == 0 ? (uint64_t)sb.st_size : 0,
                         &m->ds->sources[s->table]};
    cm_csv_tap tap = {sha_chunk, &st_tap};
    uint64_t bytes = 0;
    cm_status st =
        !sha ? CM_ERR_NOMEM
        : s->encoding == ENC_UTF8
            ? cm_csv_read_file(s->real, s->input->path, &o, &h, &rd, m->diag, &stats, &tap)
            : read_decoded(m, s, &o, &h, &rd, &stats, &tap, &bytes);
    if (sha)
        cm_sha256_finish(sha, s->input->sha256);
    /* The file's size, not that of its text once converted. */
    s->input->bytes = s->encoding == ENC_UTF8 ? stats.bytes : bytes;
    s->input->lines = stats.lines;
    if (st == CM_OK && !rd.header_done) {
        cm_loc loc = {s->input->path, 0, 0};
        cm_diag_report(m->diag, CM_SEV_ERROR, &loc,
                       "no header row (the manifest's header_line is %" PRIu64 ")", s->header_line);
        m->errors++;
        st = CM_ERR_DATA;
    }
    if (st == CM_OK && rd.header_done && !filters_report(m, s))
        st = CM_ERR_DATA;
    free(rd.row.text);
    free(rd.row.start);
    free(rd.row.pos);
    canon_clear(&rd.cr);
    cm_strpool_free(rd.seen);
    return st;
}

/* ---- the whole manifest ------------------------------------------------------------ */

static cm_status worse(cm_status a, cm_status b)
{
    if (a == CM_ERR_NOMEM || b == CM_ERR_NOMEM)
        return CM_ERR_NOMEM;
    if (a == CM_ERR_NOINPUT || b == CM_ERR_NOINPUT)
        return CM_ERR_NOINPUT;
    return a != CM_OK ? a : b;
}

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
        cm_loader_new(table_defs[t], src->name, ds->pool, table,
                      t == CM_TABLE_FLOWS ? ds->flows : NULL, m->opts, m->diag, src);
    if (!loader)
        return CM_ERR_NOMEM;
    cm_status st = CM_OK;
    /* Joined sources first: their rows wait, by key, for the base rows. */
    for (size_t i = 0; i < m->nsources && st == CM_OK; i++)
        if (m->sources[i].table == t && m->sources[i].target)
            st = read_source(m, &m->sources[i], NULL);
    /* The canonical header, then every base source's rows. */
    const cm_table_def *def = table_defs[t];
    cm_csv_pos at = {first->section_line, 0, m->path};
    for (size_t c = 0; c < def->ncols && st == CM_OK; c++)
        st = cm_loader_field(loader, c, def->cols[c].name, strlen(def->cols[c].name), &at);
    if (st == CM_OK)
        st = cm_loader_record(loader, def->ncols, &at);
    for (size_t i = 0; i < m->nsources && st == CM_OK; i++)
        if (m->sources[i].table == t && !m->sources[i].target)
            st = read_source(m, &m->sources[i], loader);
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
                           "%" PRIu64 " %s no row of [%s] and %s not used (a left join)",
                           j->input->unmatched,
                           j->input->unmatched == 1 ? "row matches" : "rows match",
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
    ini_stream is = {&m, f};
    int rc = ini_parse_stream(stream_line, &is, on_key, &m);
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
        merr(&m, m.too_long_line, "the line is longer than %d characters", INI_MAX_LINE - 1);
    else if (rc > 0)
        merr(&m, (unsigned)rc, "not a [section] nor a 'key = value' line");
    /* Out of memory while reading the manifest: nothing is loaded (what
       was read may lack a key, a section or a value). */
    if (m.zones_nomem || m.nomem) {
        cm_loc loc = {path, m.zones_nomem ? m.zones_line : 0, 0};
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "out of memory");
        st = CM_ERR_NOMEM;
    } else if (m.nsources == 0 && m.errors == 0) {
        merr(&m, 0, "no table: a manifest needs at least one section such as [areas]");
    } else if (m.zones_line && m.nzones == 0) {
        merr(&m, m.zones_line,
             "key 'zones': no zone given (expected area ids separated by commas)");
    }
    if (st == CM_OK && !table_citations(&m))
        st = CM_ERR_NOMEM;
    if (st == CM_OK && m.errors == 0) {
        check_sources(&m);
        if (m.nomem)
            st = CM_ERR_NOMEM;
    }
    if (st == CM_OK && m.errors == 0) {
        /* One input entry per source, for messages and the Sources sheet. */
        ds->inputs = calloc(m.nsources, sizeof *ds->inputs);
        if (!ds->inputs)
            st = CM_ERR_NOMEM;
        for (size_t i = 0; st == CM_OK && i < m.nsources; i++) {
            cm_input *in = &ds->inputs[ds->ninputs++];
            in->path = strdup(m.sources[i].path);
            in->section = strdup(m.sources[i].section);
            in->table = m.sources[i].table;
            m.sources[i].input = in;
            if (!in->path || !in->section)
                st = CM_ERR_NOMEM;
        }
        for (int t = 0; t < CM_TABLE_COUNT && st != CM_ERR_NOMEM; t++) {
            if (cm_diag_full(diag))
                break;
            size_t before = m.errors;
            cm_status ts = load_table(&m, (cm_table_id)t);
            st = worse(st, ts);
            (void)before;
        }
        if (st != CM_ERR_NOMEM && unnamed_zones(&m) != CM_OK)
            st = CM_ERR_NOMEM;
    } else if (st != CM_ERR_NOMEM) {
        st = m.noinput ? CM_ERR_NOINPUT : CM_ERR_DATA;
    }
    ds->reference_year = m.reference_year;
    if (m.title)
        ds->title = m.title;
    else
        free(m.title);
    ds->cite = m.cite;
    ds->notes = m.notes;
    ds->nnotes = m.nnotes;
    for (size_t i = 0; i < m.nsources; i++)
        free_source(&m.sources[i]);
    free(m.sources);
    free_list(m.zones, m.nzones);
    forget_keys(&m);
    free(m.section);
    free(m.dir);
    free(m.real_dir);
    return st;
}
