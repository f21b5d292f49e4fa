/*
 * text.c - what every part of the draft writes with: a growing text (its
 * small functions, and ASCII's letters and digits, are inline in
 * internal.h), the years inside a text, a file's why lines and the
 * questions left in its section, and values as a manifest's lists write
 * them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citymig/value.h"
#include "internal.h"

void dr_text_printf(text *t, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof buf) {
        dr_text_add(t, buf, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        t->nomem = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    dr_text_add(t, big, (size_t)n);
    free(big);
}

bool dr_ieq(const char *a, const char *b)
{
    while (*a && *b && dr_lower_ascii((unsigned char)*a) == dr_lower_ascii((unsigned char)*b))
        a++, b++;
    return *a == *b;
}

/* The year s[0..len) names, trailing spaces allowed: 1800..2200, or 0. */
int32_t dr_year_of(const char *s, size_t len)
{
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    int32_t y;
    if (len == 4 && cm_parse_year(s, len, &y) == CM_PARSE_OK)
        return y;
    return 0;
}

/* A year that stands alone in s (four digits, no digit on either side), or 0. */
int32_t dr_year_inside(const char *s)
{
    for (const char *p = s; *p; p++) {
        if (dr_is_digit((unsigned char)p[0]) && (p == s || !dr_is_digit((unsigned char)p[-1])) &&
            dr_is_digit((unsigned char)p[1]) && dr_is_digit((unsigned char)p[2]) &&
            dr_is_digit((unsigned char)p[3]) && !dr_is_digit((unsigned char)p[4])) {
            int32_t y = dr_year_of(p, 4);
            if (y)
                return y;
        }
    }
    return 0;
}

const char *dr_base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

void dr_why_line(dfile *f, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    dr_text_printf(&f->why, "draft: %s: %s\n", f->path, buf);
}

/* A question for the manifest's reader: a comment of the section. */
void dr_ask(dfile *f, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    dr_text_printf(&f->asks, "%s\n", buf);
}

char *dr_dupf(const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return strdup(buf);
}

/* Does a value need quotes in a manifest's list (a comma, a quote, spaces
   at its ends)? */
bool dr_needs_quotes(const char *v)
{
    size_t n = strlen(v);
    /* A ';' or '#' first would follow the "= " or ", " before it: a comment. */
    return n == 0 || strpbrk(v, ",\"") || v[0] == ' ' || v[n - 1] == ' ' || v[0] == ';' ||
           v[0] == '#';
}

/* Can a value be written in a list at all (no " ;", no control, not too
   long, no quote inside quotes)? */
bool dr_writable(const char *v)
{
    if (strlen(v) > 120 || strchr(v, '"'))
        return false;
    for (const char *p = v; *p; p++) {
        if ((unsigned char)*p < 0x20)
            return false;
        if ((*p == ';' || *p == '#') && p > v && (p[-1] == ' ' || p[-1] == '\t'))
            return false;
    }
    return true;
}

/* Appends a list item as the manifest writes it. */
void dr_add_item(text *t, const char *v)
{
    if (t->len)
        dr_text_add(t, ", ", 2);
    if (dr_needs_quotes(v) && *v) {
        dr_text_add(t, "\"", 1);
        dr_text_add(t, v, strlen(v));
        dr_text_add(t, "\"", 1);
    } else if (!*v && t->len) {
        dr_text_add(t, "\"\"", 2);
    } else {
        dr_text_add(t, v, strlen(v));
    }
}
