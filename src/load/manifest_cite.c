/*
 * manifest_cite.c - how the data is cited: the source, publisher, url,
 * licence and citation keys, and [dataset]'s note.AREA_ID keys.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "manifest_internal.h"

/* The keys that say how the data is cited, in a cm_citation's order;
   "license" is another spelling of "licence". */
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

/* ---- how the data is cited ---------------------------------------------------- */

/* The citation key that key names (-1: none). */
int mf_cite_key(const char *key)
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

void mf_free_citation(cm_citation *c)
{
    for (int k = 0; k < CITE_COUNT; k++) {
        free(*cite_slot(c, k));
        *cite_slot(c, k) = NULL;
    }
}

/*
 * A citation value is one line of text: the manifest's lines are text
 * already (mf_stream_line), and a tab, DEL or a C1 control, which a line of
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
            mf_err(m, m->line,
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
        mf_err(m, m->line,
               "key 'url': %s does not start with https:// or http://; expected the address "
               "where the data is published, such as https://data.london.gov.uk/",
               mf_quoted(q, value));
    else if (strchr(value, ' '))
        mf_err(m, m->line,
               "key 'url': %s holds a space; expected an address without spaces (a space in an "
               "address is written %%20)",
               mf_quoted(q, value));
    else if (value[scheme] == '\0' || value[scheme] == '/')
        mf_err(m, m->line,
               "key 'url': %s names no host after %.*s; expected an address such as "
               "https://data.london.gov.uk/",
               mf_quoted(q, value), (int)scheme, value);
    else
        return true;
    return false;
}

/*
 * source, publisher, url, licence (or license), citation = VALUE, in
 * [dataset] (c is the dataset's) or in a table's section (that section's).
 * An indented line after one of them goes on with its value (mf_cite_more).
 */
void mf_cite_set(manifest *m, cm_citation *c, const char *key, int k, const char *value)
{
    char **slot = cite_slot(c, k);
    if (c == &m->cite && *slot) {
        /* A second [dataset] section: the dataset has one of each. */
        mf_err(m, m->line, "key '%s' is given twice in [dataset] (first at line %u)", key,
               m->cite_line[k]);
        return;
    }
    if (!*value) {
        mf_err(m, m->line, "key '%s': empty; expected %s", key, cite_keys[k].what);
        return;
    }
    if (!cite_text(m, key, value) || (k == CITE_URL && !cite_url(m, value)))
        return;
    if (!(*slot = mf_dup(m, value)))
        return;
    if (c == &m->cite)
        m->cite_line[k] = m->line;
    m->cite_open = slot;
    snprintf(m->cite_open_key, sizeof m->cite_open_key, "%s", key);
}

/* [dataset] note.AREA_ID = text: a note on an area's figures. */
void mf_add_note(manifest *m, const char *key, const char *value)
{
    const char *area = key + 5;
    if (!*area) {
        mf_err(m, m->line, "key 'note.': no area_id after the dot (expected note.AREA_ID)");
        return;
    }
    for (size_t i = 0; i < m->nnotes; i++)
        if (strcmp(m->notes[i].area, area) == 0) {
            mf_err(m, m->line, "key '%s' is given twice in [dataset]", key);
            return;
        }
    if (!*value) {
        mf_err(m, m->line, "key '%s': empty; expected the note on the area's figures", key);
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
    char *a = mf_dup(m, area), *t = a ? mf_dup(m, value) : NULL;
    if (!a || !t) {
        free(a);
        return;
    }
    m->notes[m->nnotes++] = (cm_area_note){a, t};
    /* An indented line goes on with the note. */
    m->cite_open = &m->notes[m->nnotes - 1].text;
    snprintf(m->cite_open_key, sizeof m->cite_open_key, "%s", key);
}

/* An indented line continuing a citation value: joined with a space. */
void mf_cite_more(manifest *m, const char *key, const char *value)
{
    if (mf_cite_key(key) == CITE_URL) {
        mf_err(m, m->line,
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
bool mf_table_citations(manifest *m)
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
