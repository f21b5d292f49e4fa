/*
 * write.c - the manifest's text: [dataset] and its title, then one
 * section a file with its keys, the notes above them and the questions
 * left, wrapped as comments; a value that a manifest's line cannot hold
 * becomes a comment to give by hand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citymig/utf8.h"
#include "internal.h"

enum {
    MAX_LINE = 190, /* a manifest line, below inih's 199 */
    WRAP = 96       /* where comments and lists wrap */
};

/* ---- lines of a manifest ---- */

/* A comment, wrapped at WRAP columns; a word too long for a line is cut. */
static void write_comment(text *out, const char *s, const char *lead)
{
    size_t width = WRAP;
    const char *p = s;
    bool first = true;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        size_t len = strlen(p), take = len;
        if (len > width) {
            take = width;
            while (take > 0 && p[take] != ' ')
                take--;
            if (take == 0) {
                take = MAX_LINE - 8 < len ? MAX_LINE - 8 : len;
                while (take > 0 && ((unsigned char)p[take] & 0xC0) == 0x80)
                    take--;
            }
        }
        dr_text_printf(out, "; %s%.*s\n", first ? "" : lead, (int)take, p);
        first = false;
        p += take;
    }
}

/* Is the header of column col unique in the file? */
static bool unique_header(const dfile *f, size_t col)
{
    for (size_t k = 0; k < f->ncols; k++)
        if (k != col && strcmp(f->cols[k].name, f->cols[col].name) == 0)
            return false;
    return true;
}

/* No control character, no ';' after a space (inih's comment), UTF-8. */
static bool comment_safe(const char *s)
{
    for (const char *p = s; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7F)
            return false;
        if (*p == ';' && p > s && (p[-1] == ' ' || p[-1] == '\t'))
            return false;
    }
    return cm_utf8_valid(s, strlen(s));
}

static bool plain_text(const char *s)
{
    for (const char *p = s; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7F || *p == '"' || *p == '{' || *p == '}')
            return false;
        if ((*p == ';' || *p == '#') && p > s && (p[-1] == ' ' || p[-1] == '\t'))
            return false;
    }
    return cm_utf8_valid(s, strlen(s));
}

/* How a key's value names source column col: its header, "#N" (no header,
   or one that cannot be written), or "TEXT" in quotes (spaces at its ends,
   a leading #). */
static void column_ref(const dfile *f, size_t col, char *buf, size_t size)
{
    const char *name = f->cols[col].name;
    size_t n = strlen(name);
    if (n == 0 || n > 120 || !plain_text(name) || !unique_header(f, col))
        snprintf(buf, size, "#%zu", col + 1);
    else if (name[0] == '#' || name[0] == ';' || name[0] == ' ' || name[n - 1] == ' ')
        snprintf(buf, size, "\"%s\"", name);
    else
        snprintf(buf, size, "%s", name);
}

/* How a key names source column col (keep_if.SRC): its header, or "#N". */
static void key_ref(const dfile *f, size_t col, char *buf, size_t size)
{
    const char *name = f->cols[col].name;
    size_t n = strlen(name);
    if (n == 0 || n > 80 || !plain_text(name) || !unique_header(f, col) ||
        strpbrk(name, "=:[];#") || name[0] == ' ' || name[n - 1] == ' ')
        snprintf(buf, size, "#%zu", col + 1);
    else
        snprintf(buf, size, "%s", name);
}

/* key = value, or a comment when the line would be too long for inih. */
static void write_key(text *out, const char *key, const char *value)
{
    if (strlen(key) + 3 + strlen(value) > MAX_LINE) {
        char line[1024];
        snprintf(line, sizeof line,
                 "%s: too long for a manifest's line (at most 199 characters); give it by hand: "
                 "%s",
                 key, value);
        write_comment(out, line, "  ");
        return;
    }
    dr_text_printf(out, "%s = %s\n", key, value);
}

static void write_note(text *out, const char *note)
{
    if (note && *note)
        write_comment(out, note, "  ");
}

/* A list (zones) over indented lines. */
static void write_list(text *out, const char *key, char *const *items, size_t n)
{
    size_t col = strlen(key) + 3;
    dr_text_printf(out, "%s = ", key);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(items[i]) + (i + 1 < n ? 1 : 0);
        if (i && col + len + 1 > WRAP) {
            dr_text_add(out, "\n   ", 4);
            col = 3;
        } else if (i) {
            dr_text_add(out, " ", 1);
            col++;
        }
        dr_text_printf(out, "%s%s", items[i], i + 1 < n ? "," : "");
        col += len;
    }
    dr_text_add(out, "\n", 1);
}

/* ---- a section ---- */

static void write_section(const dfile *f, text *out)
{
    char ref[160], key[200];
    dr_text_add(out, "\n", 1);
    if (f->failed) {
        dr_text_printf(out, "; %s: not read (see the messages); no section drafted\n", f->path);
        return;
    }
    size_t rows = f->data_to - f->data_from;
    char about[512];
    snprintf(about, sizeof about, "%s: %zu row%s and %zu column%s%s.", dr_base_name(f->path), rows,
             rows == 1 ? "" : "s", f->ncols, f->ncols == 1 ? "" : "s",
             f->complete ? "" : ", in the first 8 MiB read");
    write_comment(out, about, "  ");
    dr_text_printf(out, "[%s]\n", f->section);
    if (!comment_safe(f->rel))
        write_comment(out,
                      "file = ?: the file's name holds what a manifest cannot write (\" ;\", "
                      "a control character): rename it",
                      "  ");
    else if (f->rel[0] == ';' || f->rel[0] == '#')
        dr_text_printf(out, "file = ./%s\n", f->rel);
    else
        write_key(out, "file", f->rel);
    if (f->outside)
        write_comment(out,
                      "the file is not in the manifest's folder: a manifest's files must be in its "
                      "folder or below it (move them there, or run citymig with "
                      "--allow-outside-files)",
                      "  ");
    if (f->encoding)
        write_key(out, "encoding", f->encoding);
    else
        write_comment(out, "encoding: UTF-8", "  ");
    if (f->eurostat) {
        write_key(out, "format", "eurostat-tsv");
        text dims = {0};
        for (size_t k = 0; k < f->ndims; k++)
            dr_add_item(&dims, f->cols[k].name);
        char line[512];
        snprintf(line, sizeof line,
                 "a Eurostat bulk download: tab-separated, flags and ':' read by the preset; the "
                 "first column is split into %s",
                 dr_text_str(&dims));
        write_comment(out, line, "  ");
        free(dims.s);
        /* The dimensions no key reads: their values, to filter on. */
        for (size_t k = 0; k < f->ndims; k++) {
            bool filtered = false;
            for (size_t i = 0; i < f->nfilters; i++)
                filtered |= f->filters[i].col == k;
            const column *col = &f->cols[k];
            size_t nd = dr_ndistinct(col);
            if (filtered || dr_taken(f, k) || nd == 0)
                continue;
            text seen = {0};
            for (uint32_t id = 1; id <= nd && id <= LIST_SHOWN; id++)
                dr_add_item(&seen, dr_distinct_value(col, id, NULL));
            key_ref(f, k, ref, sizeof ref);
            if (nd == 1)
                snprintf(line, sizeof line, "keep_if.%s = %s (its only value)", ref,
                         dr_text_str(&seen));
            else
                snprintf(line, sizeof line, "keep_if.%s = %s%s (%zu values)", ref,
                         dr_text_str(&seen), nd > LIST_SHOWN ? ", ..." : "", nd);
            write_comment(out, line, "  ");
            free(seen.s);
        }
    } else if (f->delim != ',') {
        write_key(out, "delimiter", dr_delim_name(f->delim));
    }
    if (f->header > 0) {
        char n[24];
        snprintf(n, sizeof n, "%llu", (unsigned long long)f->g.recs[f->header].line);
        write_key(out, "header_line", n);
    }
    if (f->trim)
        write_key(out, "trim", "yes");
    if (f->flags)
        write_key(out, "flags", "yes");
    text missing = {0};
    for (int k = 0; k < NTOKENS; k++)
        if (f->token_seen[k])
            dr_add_item(&missing, dr_missing_tokens[k]);
    if (missing.len)
        write_key(out, "missing", dr_text_str(&missing));
    free(missing.s);
    if (f->thousands)
        write_key(out, "thousands",
                  f->thousands == ','   ? "comma"
                  : f->thousands == '.' ? "period"
                  : f->thousands == ' ' ? "space"
                                        : "apostrophe");
    if (f->decimal == ',')
        write_key(out, "decimal", "comma");
    if (f->join)
        write_key(out, "join", f->join->section);
    for (size_t k = 0; k < f->nfilters; k++) {
        const filter *fl = &f->filters[k];
        write_note(out, fl->note);
        key_ref(f, fl->col, ref, sizeof ref);
        snprintf(key, sizeof key, "%s.%s", fl->keep ? "keep_if" : "skip_if", ref);
        if (!fl->keep && fl->nitems == 1 && !*fl->items[0])
            dr_text_printf(out, "%s =\n", key);
        else
            write_key(out, key, fl->values);
    }
    /* Constants. */
    for (size_t c = 0; c < f->def->ncols; c++) {
        const mapping *m = &f->map[c];
        if (m->how != GIVEN_CONSTANT)
            continue;
        write_note(out, m->note);
        write_key(out, dr_canon_name(f, (int)c), m->constant);
    }
    /* Columns. */
    text implicit = {0};
    for (size_t c = 0; c < f->def->ncols; c++) {
        const mapping *m = &f->map[c];
        const char *canon = dr_canon_name(f, (int)c);
        if (m->how == GIVEN_IMPLICIT)
            dr_add_item(&implicit, canon);
        if (m->how == GIVEN_COLUMN || m->how == GIVEN_DROPPED) {
            column_ref(f, m->col, ref, sizeof ref);
            snprintf(key, sizeof key, "column.%s", canon);
            if (m->how == GIVEN_DROPPED) {
                char line[400];
                snprintf(line, sizeof line, "%s = %s: %s", key, ref, m->note ? m->note : "");
                write_comment(out, line, "  ");
                continue;
            }
            write_note(out, m->note);
            write_key(out, key, ref);
        } else if (m->how == GIVEN_PERIOD) {
            key_ref(f, m->col, ref, sizeof ref);
            snprintf(key, sizeof key, "year_from.%s", ref);
            write_note(out, m->note);
            write_key(out, key, m->constant);
        } else if (m->how == GIVEN_IMPLICIT) {
            write_note(out, m->note);
        }
        if (m->map && m->how != GIVEN_DROPPED) {
            snprintf(key, sizeof key, "map.%s", canon);
            write_key(out, key, m->map);
        }
        if (m->scale && m->how != GIVEN_DROPPED) {
            snprintf(key, sizeof key, "scale.%s", canon);
            write_key(out, key, m->scale);
        }
        if (m->round && m->how != GIVEN_DROPPED) {
            snprintf(key, sizeof key, "round.%s", canon);
            write_key(out, key, "yes");
        }
    }
    if (implicit.len) {
        char line[512];
        snprintf(line, sizeof line, "read as the headers name them: %s", dr_text_str(&implicit));
        write_comment(out, line, "  ");
    }
    free(implicit.s);
    if (f->unpivot && f->unpivot_col != SIZE_MAX) {
        char value[128];
        snprintf(value, sizeof value, "%d-%d -> year, %s", (int)f->unpivot_from, (int)f->unpivot_to,
                 dr_canon_name(f, (int)f->unpivot_col));
        write_key(out, "unpivot", value);
    }
    if (f->nzones)
        write_list(out, "zones", f->zones, f->nzones);
    int area = dr_canon_of(f, "area_id");
    if (f->repeated && area >= 0 && f->map[area].col == f->repeated_col &&
        (f->map[area].how == GIVEN_COLUMN || f->map[area].how == GIVEN_IMPLICIT)) {
        char line[400];
        snprintf(line, sizeof line,
                 "ids of %s repeat in a year (%zu of them): the loader refuses two rows of one "
                 "key; give each place an id of its own",
                 f->cols[f->repeated_col].name, f->repeated);
        write_comment(out, line, "  ");
    }
    if (f->asks.len) {
        const char *p = dr_text_str(&f->asks);
        while (*p) {
            const char *nl = strchr(p, '\n');
            size_t n = nl ? (size_t)(nl - p) : strlen(p);
            char *line = strndup(p, n);
            if (line)
                write_comment(out, line, "  ");
            free(line);
            p += n + (nl ? 1 : 0);
        }
    }
    /* The columns left, for the reader to pick from. */
    text left = {0};
    size_t nleft = 0;
    for (size_t k = 0; k < f->ncols; k++) {
        bool filtered = false;
        for (size_t i = 0; i < f->nfilters; i++)
            filtered |= f->filters[i].col == k;
        if (dr_taken(f, k) || filtered)
            continue;
        if (nleft++ < 12) {
            column_ref(f, k, ref, sizeof ref);
            if (left.len)
                dr_text_add(&left, ", ", 2);
            dr_text_add(&left, ref, strlen(ref));
        }
    }
    if (nleft) {
        char line[1024];
        snprintf(line, sizeof line, "not read: %zu column%s (%s%s)", nleft, nleft == 1 ? "" : "s",
                 dr_text_str(&left), nleft > 12 ? ", ..." : "");
        write_comment(out, line, "  ");
    }
    free(left.s);
}

/* ---- the manifest ---- */

/* A title for [dataset]: one line of text, without what inih would cut. */
static void clean_title(const char *s, char *out, size_t size)
{
    size_t o = 0;
    while (*s == ' ' || *s == '"')
        s++;
    for (; *s && o + 4 < size && o < 150; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7F)
            c = ' ';
        if (c == ';' || c == '#')
            c = ',';
        out[o++] = (char)c;
    }
    while (o && (out[o - 1] == ' ' || out[o - 1] == ',' || out[o - 1] == '"'))
        o--;
    /* Whole characters only. */
    while (o && !cm_utf8_valid(out, o))
        o--;
    out[o] = '\0';
}

void dr_write_manifest(const dfile *files, size_t n, text *out)
{
    size_t read = 0;
    for (size_t i = 0; i < n; i++)
        read += !files[i].failed;
    dr_text_printf(out,
                   "; A manifest drafted by citymig draft from %zu download%s, read as published.\n"
                   "; Check every key: what the draft could not tell is asked in comments, and\n"
                   "; why it guessed each key was said on standard error.\n\n[dataset]\n",
                   read, read == 1 ? "" : "s");
    const char *title = NULL;
    for (size_t i = 0; i < n && !title; i++)
        if (!files[i].failed && files[i].title && *files[i].title)
            title = files[i].title;
    char clean[200] = "";
    if (title)
        clean_title(title, clean, sizeof clean);
    if (*clean) {
        dr_text_add(out, "; the title line above the header; check it\n", 44);
        dr_text_printf(out, "title = %s\n", clean);
    } else {
        dr_text_add(out,
                    "; title = ? (what is the dataset's title? validate shows it, and the report's "
                    "cover)\n",
                    strlen("; title = ? (what is the dataset's title? validate shows it, and the "
                           "report's cover)\n"));
    }
    for (size_t i = 0; i < n; i++)
        write_section(&files[i], out);
}
