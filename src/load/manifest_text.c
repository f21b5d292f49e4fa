/*
 * manifest_text.c - the manifest's values as text: lists, quoted items,
 * single characters, yes and no, and its messages.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "manifest_internal.h"

void mf_err(manifest *m, unsigned line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

void mf_err(manifest *m, unsigned line, const char *fmt, ...)
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
const char *mf_quoted(char *buf, const char *value)
{
    return cm_quote(buf, CM_QUOTE_SIZE, value, strlen(value));
}

char *mf_trimmed(const char *s, size_t len)
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

void mf_free_list(char **items, size_t n)
{
    for (size_t i = 0; items && i < n; i++)
        free(items[i]);
    free(items);
}

/* Where the item that starts at p ends: at the next sep outside double
   quotes (a quote opens only at the item's start, after spaces). */
static const char *item_end(const char *p, char sep)
{
    const char *q = p + strspn(p, " \t");
    if (*q == '"') {
        for (q++; *q; q++)
            if (*q == '"') {
                if (q[1] != '"')
                    break;
                q++;
            }
        if (*q)
            q++;
        p = q;
    }
    const char *end = strchr(p, sep);
    return end ? end : p + strlen(p);
}

/* Splits "a, b, c" into trimmed items, a separator inside a quoted item
   ("a, b", c) kept; "" gives one empty item. Out of memory: NULL, with no
   item counted. */
char **mf_split_list(const char *value, char sep, size_t *n)
{
    size_t count = 1;
    *n = 0;
    for (const char *p = item_end(value, sep); *p; p = item_end(p + 1, sep))
        count++;
    char **items = calloc(count, sizeof *items);
    if (!items)
        return NULL;
    const char *start = value;
    for (size_t i = 0; i < count; i++) {
        const char *end = item_end(start, sep);
        if (!(items[i] = mf_trimmed(start, (size_t)(end - start)))) {
            mf_free_list(items, i);
            return NULL;
        }
        start = *end ? end + 1 : end;
    }
    *n = count;
    return items;
}

/* An item in double quotes loses them, and "" inside it becomes ": true.
   An item without quotes is left as it is. False when a quote opens and
   does not close at the item's end. */
bool mf_unquote(char *item)
{
    if (item[0] != '"')
        return true;
    /* Checked whole first: an item left open stays as written, for the
       message that quotes it. */
    const char *p = item + 1;
    for (; *p; p++)
        if (*p == '"') {
            if (p[1] != '"')
                break;
            p++;
        }
    if (*p != '"' || p[1] != '\0')
        return false;
    char *o = item;
    for (p = item + 1; !(*p == '"' && p[1] != '"'); p++) {
        if (*p == '"')
            p++;
        *o++ = *p;
    }
    *o = '\0';
    return true;
}

/* A copy of a manifest's value; NULL, noted in m->nomem, when out of memory. */
char *mf_dup(manifest *m, const char *s)
{
    char *c = strdup(s);
    if (!c)
        m->nomem = true;
    return c;
}

/* As mf_split_list, out of memory noted in m->nomem. */
char **mf_split(manifest *m, const char *value, char sep, size_t *n)
{
    char **items = mf_split_list(value, sep, n);
    if (!items)
        m->nomem = true;
    return items;
}

/* A value that is one character: a name, a quoted character, or itself. */
int mf_one_char(const char *value)
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

bool mf_yes_no(const char *value, bool *out)
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

int mf_column_of(const cm_table_def *def, const char *name)
{
    for (size_t c = 0; c < def->ncols; c++)
        if (strcmp(def->cols[c].name, name) == 0)
            return (int)c;
    return -1;
}

const char *const mf_table_names[CM_TABLE_COUNT] = {"areas", "stocks", "flows", "services"};
const cm_table_def *const mf_table_defs[CM_TABLE_COUNT] = {&cm_areas_def, &cm_stocks_def,
                                                           &cm_flows_def, &cm_services_def};
