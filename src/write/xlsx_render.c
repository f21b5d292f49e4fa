/*
 * xlsx_render.c - the report model (report.h) laid out as a workbook.
 *
 * The renderer decides nothing a reader reads: sheets, titles, columns,
 * rows, sentences and charts come from the model. It decides how they
 * look and print: formats by style and unit, column widths, the heights
 * of wrapped rows, frozen panes, filters and names, print setup (every
 * sheet landscape, fitted to one page wide, header rows and key columns
 * repeated, a footer with the title, the sheet and the page).
 *
 * Table sheets stream (libxlsxwriter's constant-memory mode): their rows
 * come from the model's cursors and go straight to the file, so memory
 * does not grow with the report. A table longer than a sheet goes on in
 * parts ("Flows (2)"), each with its own title and header rows. Text and
 * chart sheets are small and kept in memory, so that libxlsxwriter can
 * fill the charts' caches with the text of the cells they refer to
 * (readers that do not recompute, such as LibreOffice, show it).
 */
#include "xlsx_internal.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "citymig/utf8.h"
#include "citymig/value.h"
#include "citymig/version.h"
#include "citymig/xlsx.h"

enum {
    CELL_MAX = 32767, /* characters in one cell */
    WIDTH_MAX = 60,   /* widest fitted column, in characters */
    HEAD_ROWS = 5,    /* title, about, source, labels, ids */
    FOOTER_TITLE = 120,
    PAGE_PIXELS = 940, /* A4 landscape inside the margins (10.69 in at 96 px an inch), less a
                           little for the printer's rounding */
    PAGES_ACROSS_MAX = 4
};

/* The smallest print scale a wide table is shrunk to before it takes
   another page across (70% of 11-point text is about 8 points), and the
   smallest it is shrunk to at all, to keep within PAGES_ACROSS_MAX. */
static const double PRINT_SCALE_MIN = 0.70, PRINT_SCALE_FLOOR = 0.40;

const char *cm_xlsx_library_version(void)
{
    return lxw_version();
}

typedef struct book {
    lxw_workbook *wb;
    cm_report *rep;
    lxw_error err;    /* the first libxlsxwriter error */
    cm_status status; /* the first of our own */
    lxw_format *style[CM_RSTYLE_COUNT_];
    lxw_format *title_wrap;               /* a title wrapped over the columns it spans */
    lxw_format *value[CM_UNIT_COUNT_][8]; /* by unit and decimals + 1 (0: the unit's own) */
    /* Each number format made, once: libxlsxwriter looks up a format that
       equals one made before it (a hash of the whole format) at every
       cell written with it, so no two format objects may be alike. */
    struct {
        char code[32];
        lxw_format *f;
    } numfmt[CM_UNIT_COUNT_ * 8];
    size_t nnumfmt;
    uint64_t *cells; /* cells written, by worksheet number */
    size_t nworksheets, cells_cap;
    char footer[512];
} book;

/* One part of a model sheet, as it is written. */
typedef struct part {
    book *b;
    cm_rsheet *s;
    lxw_worksheet *ws;
    size_t index; /* the worksheet's number, from 1 */
    char name[40];
    lxw_row_t row;
    lxw_row_t first_data; /* the first row of data */
    double *width;        /* widest content per column, in characters */
    lxw_col_t head_last;  /* the last column the head's lines span: they print on the first page */
} part;

static void check(book *b, lxw_error e)
{
    if (e != LXW_NO_ERROR && b->err == LXW_NO_ERROR)
        b->err = e;
}

/* ---- text ------------------------------------------------------------------ */

/*
 * Text as libxlsxwriter must be given it. libxlsxwriter escapes C0
 * controls in cells and shared strings but not in the text it copies into
 * a chart's caches, and nothing escapes U+FFFE, U+FFFF or a literal
 * "_x0041_": every string is escaped here (cm_ooxml_escape), so that cells,
 * shared strings and the charts' caches (filled from the cells) all get
 * the same well-formed text. Past Excel's limit of 32,767 characters,
 * counted as Excel counts them (UTF-16 units, so a character outside the
 * BMP is two), the text is cut on a character boundary (never inside a
 * surrogate pair or an escape) and ends with "..."; *cut says so. Returns
 * text itself, or a copy in *own to free; NULL when out of memory.
 */
static const char *xml_text(const char *text, bool *cut, char **own)
{
    size_t len = strlen(text);
    *cut = false;
    *own = NULL;
    if (!cm_ooxml_needs_escape(text, len) &&
        (len <= CELL_MAX || cm_utf16_length(text, len) <= CELL_MAX))
        return text;
    /* At most 4 bytes per 2 units, 3 per unit otherwise, 1 per unit of an escape. */
    size_t room = (size_t)CM_OOXML_ESCAPE_GROWTH * len + 1;
    if (room > 3 * (size_t)CELL_MAX + 8)
        room = 3 * (size_t)CELL_MAX + 8;
    char *buf = malloc(room);
    if (!buf)
        return NULL;
    size_t used, n = cm_ooxml_escape(text, len, buf, CELL_MAX, &used);
    if (used < len) {
        n = cm_ooxml_escape(text, len, buf, CELL_MAX - 3, &used);
        memcpy(buf + n, "...", 4);
        *cut = true;
    }
    *own = buf;
    return buf;
}

static void widen(part *p, size_t col, double chars)
{
    if (col < p->s->ncols && chars > p->width[col])
        p->width[col] = chars;
}

static void count_cell(part *p)
{
    if (p->index < p->b->cells_cap)
        p->b->cells[p->index]++;
}

/* Writes a string cell, escaped and cut as XML and Excel need; counted in
   the column's width unless it may run over the cells to its right. */
static void put_text(part *p, size_t col, const char *text, lxw_format *f, bool widens)
{
    book *b = p->b;
    if (!text || !*text)
        return;
    bool cut;
    char *own;
    const char *t = xml_text(text, &cut, &own);
    if (!t) {
        b->status = CM_ERR_NOMEM;
        return;
    }
    check(b, worksheet_write_string(p->ws, p->row, (lxw_col_t)col, t, f));
    count_cell(p);
    b->rep->truncated += cut;
    if (widens)
        widen(p, col, (double)cm_utf8_length(t, strlen(t)));
    free(own);
}

/* A link to another sheet of the workbook, shown as its name. */
static void put_link(part *p, size_t col, const char *sheet)
{
    char url[128];
    snprintf(url, sizeof url, "internal:'%s'!A1", sheet);
    check(p->b, worksheet_write_url_opt(p->ws, p->row, (lxw_col_t)col, url,
                                        p->b->style[CM_RSTYLE_LINK], sheet, NULL));
    count_cell(p);
    widen(p, col, (double)strlen(sheet));
}

/* Every cell is aligned to the top of its row, so that a row whose text
   wraps reads as one line of the table. */
static lxw_format *new_format(book *b)
{
    lxw_format *f = b->err == LXW_NO_ERROR ? workbook_add_format(b->wb) : NULL;
    if (!f)
        check(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
    else
        format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    return f;
}

static lxw_format *value_format(book *b, const cm_rcell *c)
{
    static const char *const base[CM_UNIT_COUNT_] = {
        [CM_UNIT_PERCENT] = "0.0%",
        [CM_UNIT_COUNT] = "#,##0",
        [CM_UNIT_RATIO] = "0.00",
        [CM_UNIT_PER_1000] = "0.0",
        [CM_UNIT_PER_1000_PER_YEAR] = "0.0",
        [CM_UNIT_PERCENT_PER_YEAR] = "0.00%",
        [CM_UNIT_INDEX] = "0.000",
        [CM_UNIT_PP] = "+0.0;-0.0;0.0",
        [CM_UNIT_YEARS] = "0",
    };
    int unit = c->unit < CM_UNIT_COUNT_ ? c->unit : CM_UNIT_RATIO;
    int d = c->decimals < 0 ? -1 : c->decimals > 6 ? 6 : c->decimals;
    lxw_format **slot = &b->value[unit][d + 1];
    if (*slot || b->err != LXW_NO_ERROR)
        return *slot;
    char fmt[64];
    if (d < 0) {
        snprintf(fmt, sizeof fmt, "%s", base[unit]);
    } else {
        /* A published figure: as many decimals as it was published with. */
        char dec[8] = "";
        if (d > 0) {
            dec[0] = '.';
            memset(dec + 1, '0', (size_t)d);
            dec[d + 1] = '\0';
        }
        bool pct = unit == CM_UNIT_PERCENT || unit == CM_UNIT_PERCENT_PER_YEAR;
        snprintf(fmt, sizeof fmt, "%s%s%s", unit == CM_UNIT_COUNT ? "#,##0" : "0", dec,
                 pct ? "%" : "");
    }
    for (size_t i = 0; i < b->nnumfmt; i++)
        if (strcmp(b->numfmt[i].code, fmt) == 0)
            return *slot = b->numfmt[i].f;
    *slot = new_format(b);
    if (*slot) {
        format_set_num_format(*slot, fmt);
        size_t len = strlen(fmt);
        if (b->nnumfmt < sizeof b->numfmt / sizeof b->numfmt[0] && len < sizeof b->numfmt[0].code) {
            memcpy(b->numfmt[b->nnumfmt].code, fmt, len + 1);
            b->numfmt[b->nnumfmt++].f = *slot;
        }
    }
    return *slot;
}

static void put_cell(part *p, size_t col, const cm_rcell *c)
{
    book *b = p->b;
    switch (c->kind) {
    case CM_RCELL_TEXT:
        if (c->style == CM_RSTYLE_LINK) {
            put_link(p, col, c->text);
            break;
        }
        put_text(p, col, c->text, b->style[c->style],
                 c->style != CM_RSTYLE_TITLE && c->style != CM_RSTYLE_HEADING &&
                     c->style != CM_RSTYLE_SENTENCE && c->style != CM_RSTYLE_MUTED);
        break;
    case CM_RCELL_NUMBER: {
        if (!isfinite(c->num))
            break; /* never: values are finite; an empty cell is the safe answer */
        lxw_format *f = c->style == CM_RSTYLE_VALUE ? value_format(b, c) : b->style[c->style];
        check(b, worksheet_write_number(p->ws, p->row, (lxw_col_t)col, c->num, f));
        count_cell(p);
        char buf[40];
        size_t chars = strlen(cm_format_double(c->num, buf, sizeof buf));
        if (c->style == CM_RSTYLE_VALUE &&
            (c->unit == CM_UNIT_PERCENT || c->unit == CM_UNIT_PERCENT_PER_YEAR))
            chars = 7;
        else if (c->style == CM_RSTYLE_YEAR)
            chars = 4;
        else if (chars > 12)
            chars = 12;
        widen(p, col, (double)(chars + chars / 3 + 1));
        break;
    }
    default:
        break;
    }
}

/* The lines a wrapped text takes in a column of width characters. */
static double lines_of(const char *text, double width)
{
    if (!text)
        return 1;
    /* A column's width counts digits; text is narrower on average. */
    double per = width > 4 ? (width - 1) * 1.15 : 4, lines = 0, run = 0;
    for (const char *c = text;; c++) {
        if (*c == '\n' || !*c) {
            lines += run == 0 ? 1 : ceil(run / per);
            run = 0;
            if (!*c)
                break;
            continue;
        }
        if (((unsigned char)*c & 0xC0) != 0x80)
            run++;
    }
    return lines < 1 ? 1 : lines;
}

static bool wraps(cm_rstyle st)
{
    return st == CM_RSTYLE_SENTENCE || st == CM_RSTYLE_MUTED || st == CM_RSTYLE_WRAP ||
           st == CM_RSTYLE_LABEL;
}

/* The width a column is laid out with: the model's, else its content's. */
static double col_width(const part *p, size_t c)
{
    double w = p->s->cols && p->s->cols[c].width > 0 ? p->s->cols[c].width : p->width[c] + 2;
    return w > (p->s->cols && p->s->cols[c].width > 0 ? 120 : WIDTH_MAX) ? WIDTH_MAX : w;
}

/* Writes one row of cells; a row with wrapped text gets its height first
   (rows are streamed: a row's height is written with it). */
static void put_row(part *p, const cm_rcell *cells, size_t n)
{
    double lines = 0;
    for (size_t c = 0; c < n; c++) {
        if (cells[c].kind != CM_RCELL_TEXT || !wraps((cm_rstyle)cells[c].style))
            continue;
        double w = p->s->cols && p->s->cols[c].width > 0 ? p->s->cols[c].width : WIDTH_MAX;
        double l = lines_of(cells[c].text, w);
        lines = l > lines ? l : lines;
    }
    if (lines > 0)
        check(p->b, worksheet_set_row(p->ws, p->row, 15.0 * lines + 2, NULL));
    for (size_t c = 0; c < n; c++)
        put_cell(p, c, &cells[c]);
    p->row++;
}

/* ---- formats --------------------------------------------------------------- */

static void make_formats(book *b)
{
    lxw_format *f;
    if ((f = b->style[CM_RSTYLE_TITLE] = new_format(b))) {
        format_set_bold(f);
        format_set_font_size(f, 15);
        format_set_font_color(f, 0x1F3864);
    }
    if ((f = b->style[CM_RSTYLE_HEADING] = new_format(b))) {
        format_set_bold(f);
        format_set_font_size(f, 12);
        format_set_font_color(f, 0x1F3864);
    }
    if ((f = b->style[CM_RSTYLE_MUTED] = new_format(b))) {
        format_set_text_wrap(f);
        format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
        format_set_font_color(f, 0x7F7F7F);
    }
    if ((f = b->style[CM_RSTYLE_LABEL] = new_format(b))) {
        format_set_bold(f);
        format_set_text_wrap(f);
        format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
        format_set_bg_color(f, 0xDDE6F0);
    }
    if ((f = b->style[CM_RSTYLE_ID] = new_format(b))) {
        format_set_font_size(f, 8);
        format_set_font_color(f, 0x595959);
        format_set_bg_color(f, 0xF2F2F2);
        format_set_bottom(f, LXW_BORDER_THIN);
    }
    if ((f = b->style[CM_RSTYLE_KEY] = new_format(b))) {
        format_set_bold(f);
        format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    }
    /* Styles that look alike share one format (see numfmt in book): a
       sentence wraps as any wrapped text does, and a flag is an aside. */
    if ((f = b->style[CM_RSTYLE_WRAP] = new_format(b))) {
        format_set_text_wrap(f);
        format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    }
    b->style[CM_RSTYLE_SENTENCE] = b->style[CM_RSTYLE_WRAP];
    if ((f = b->style[CM_RSTYLE_ASIDE] = new_format(b)))
        format_set_font_color(f, 0x595959);
    if ((f = b->style[CM_RSTYLE_SOURCE] = new_format(b))) {
        format_set_font_color(f, 0x595959);
        format_set_text_wrap(f);
    }
    b->style[CM_RSTYLE_FLAG] = b->style[CM_RSTYLE_ASIDE];
    if ((f = b->style[CM_RSTYLE_LINK] = new_format(b))) {
        format_set_underline(f, LXW_UNDERLINE_SINGLE);
        format_set_font_color(f, 0x0563C1);
        format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    }
    if ((f = b->style[CM_RSTYLE_YEAR] = new_format(b))) {
        format_set_num_format(f, "0");
        format_set_align(f, LXW_ALIGN_CENTER);
    }
    static const uint32_t fill[3] = {0xDDEBF7, 0xFFEB9C, 0xFFC7CE};
    for (int s = 0; s < 3; s++)
        if ((f = b->style[CM_RSTYLE_SEV_INFO + s] = new_format(b)))
            format_set_bg_color(f, fill[s]);
    b->style[CM_RSTYLE_PLAIN] = new_format(b);
    b->style[CM_RSTYLE_VALUE] = NULL; /* by unit: value_format */
    if ((f = b->title_wrap = new_format(b))) {
        format_set_bold(f);
        format_set_font_size(f, 15);
        format_set_font_color(f, 0x1F3864);
        format_set_text_wrap(f);
    }
}

/* ---- sheets ------------------------------------------------------------------ */

/* The footer: "&L" the title, "&C" the sheet, "&R" the page; an "&" in the
   title is written "&&", and the title is cut to keep within Excel's 255. */
static void make_footer(book *b)
{
    const char *t = b->rep->footer ? b->rep->footer : "";
    char title[FOOTER_TITLE * 2 + 8];
    size_t k = 0, chars = 0;
    for (const char *c = t; *c && k + 8 < sizeof title; c++) {
        if (((unsigned char)*c & 0xC0) != 0x80 && ++chars > FOOTER_TITLE)
            break;
        if (*c == '&')
            title[k++] = '&';
        title[k++] = *c;
    }
    title[k] = '\0';
    bool cut;
    char *own;
    const char *x = xml_text(title, &cut, &own);
    snprintf(b->footer, sizeof b->footer, "&L&8%s&C&8&A&R&8Page &P of &N", x ? x : "");
    free(own);
}

static void print_setup(part *p, bool table)
{
    book *b = p->b;
    worksheet_set_landscape(p->ws);
    worksheet_set_paper(p->ws, 9); /* A4 */
    worksheet_fit_to_pages(p->ws, 1, 0);
    worksheet_set_margins(p->ws, 0.5, 0.5, 0.6, 0.6);
    check(b, worksheet_set_footer(p->ws, b->footer));
    if (table) {
        check(b, worksheet_repeat_rows(p->ws, HEAD_ROWS - 2, HEAD_ROWS - 1));
        if (p->s->nkeys)
            check(b, worksheet_repeat_columns(p->ws, 0, (lxw_col_t)(p->s->nkeys - 1)));
    } else {
        check(b, worksheet_repeat_rows(p->ws, 0, 0));
    }
}

/* A column of w characters is 7w + 5 pixels wide. */
static double col_pixels(double chars)
{
    return 7 * chars + 5;
}

/* The breaks between pages across for a print scale: each page as many
   columns as fit, the key columns repeated on every page after the first,
   and the first page at least the columns the head spans. Returns the
   pages (breaks[0..pages-2]: the first column of each page after the
   first), or 0 where the head's columns do not fit the first page. */
static unsigned breaks_at(const part *p, double scale, lxw_col_t *breaks)
{
    double room = PAGE_PIXELS / scale, keys = 0, used = 0;
    size_t nkeys = p->s->nkeys < p->s->ncols ? p->s->nkeys : p->s->ncols;
    for (size_t c = 0; c < nkeys; c++)
        keys += col_pixels(col_width(p, c));
    unsigned pages = 1;
    for (size_t c = 0; c < p->s->ncols; c++) {
        double w = col_pixels(col_width(p, c));
        if (used + w > room && used > keys) { /* a page holds one column past the keys */
            if (c <= p->head_last)
                return 0;
            if (pages == PAGES_ACROSS_MAX)
                return PAGES_ACROSS_MAX + 1;
            breaks[pages - 1] = (lxw_col_t)c;
            pages++;
            used = keys;
        }
        used += w;
    }
    return pages;
}

/* A table of figures wider than a page prints on pages across, page by
   page across and then down (a row's values are on pages that follow each
   other), at PRINT_SCALE_MIN, or at the largest scale that keeps it within
   one page across; smaller only as far as it must to keep the head's
   lines on the first page or the pages within PAGES_ACROSS_MAX, or by a
   tenth at most where that saves a page. Other sheets print one page
   wide. */
static void pages_across(part *p)
{
    double total = 0;
    for (size_t c = 0; c < p->s->ncols; c++)
        total += col_pixels(col_width(p, c));
    if (total * PRINT_SCALE_MIN <= PAGE_PIXELS)
        return; /* one page across: print_setup's fit to the width */
    lxw_col_t breaks[PAGES_ACROSS_MAX + 1] = {0};
    double scale = PRINT_SCALE_MIN;
    unsigned pages;
    while ((pages = breaks_at(p, scale, breaks)) == 0 || pages > PAGES_ACROSS_MAX) {
        if (scale - 0.05 < PRINT_SCALE_FLOOR)
            return; /* too wide for any scale: one page across, as small as it takes */
        scale -= 0.05;
        memset(breaks, 0, sizeof breaks);
    }
    /* A page across that holds only a column or two is a page more than
       a little smaller print needs: a tenth smaller, at most, saves it. */
    for (double less = scale - 0.05;
         pages > 1 && less >= scale - 0.101 && less >= PRINT_SCALE_FLOOR; less -= 0.05) {
        lxw_col_t fewer[PAGES_ACROSS_MAX + 1] = {0};
        unsigned n = breaks_at(p, less, fewer);
        if (n && n < pages) {
            memcpy(breaks, fewer, sizeof breaks);
            pages = n;
            scale = less;
            break;
        }
    }
    if (pages < 2)
        return;
    breaks[pages - 1] = 0;
    worksheet_set_print_scale(p->ws, (uint16_t)(scale * 100 + 0.5));
    check(p->b, worksheet_set_v_pagebreaks(p->ws, breaks));
    worksheet_print_across(p->ws);
}

static void finish_part(part *p)
{
    for (size_t c = 0; c < p->s->ncols; c++)
        check(p->b, worksheet_set_column(p->ws, (lxw_col_t)c, (lxw_col_t)c, col_width(p, c), NULL));
    if (p->s->kind == CM_RSHEET_TABLE && p->s->across)
        pages_across(p);
}

/* A line of the head over the columns 0 to last, wrapped, so that it does
   not run past what prints (in-memory sheets only: merged cells do not
   stream). Every cell of the range is written, and counted. */
static void put_spanning(part *p, const char *text, lxw_format *f, lxw_col_t last, double chars,
                         double points)
{
    book *b = p->b;
    bool cut;
    char *own;
    const char *t = xml_text(text, &cut, &own);
    if (!t) {
        b->status = CM_ERR_NOMEM;
        return;
    }
    /* Text of a larger size takes as many more points a line, and a
       character as much more room. */
    double lines = lines_of(t, chars * 11 / points);
    check(b, worksheet_set_row(p->ws, p->row, (points + 4) * lines + 2, NULL));
    check(b, worksheet_merge_range(p->ws, p->row, 0, p->row, last, t, f));
    for (lxw_col_t c = 0; c <= last; c++)
        count_cell(p);
    b->rep->truncated += cut;
    free(own);
}

/* The title, the line on what the sheet holds and the source line; with
   span, the last two wrapped over the columns 0 to span (span characters
   wide in all: span_chars). */
static void put_head(part *p, const char *title, lxw_col_t span, double span_chars)
{
    book *b = p->b;
    if (p->s->across && span)
        put_spanning(p, title, b->title_wrap, span, span_chars, 15);
    else
        put_text(p, 0, title, b->style[CM_RSTYLE_TITLE], false);
    p->row++;
    const char *lines[2] = {p->s->about, p->s->source};
    lxw_format *formats[2] = {b->style[CM_RSTYLE_WRAP], b->style[CM_RSTYLE_SOURCE]};
    for (int k = 0; k < 2; k++) {
        if (lines[k] && span)
            put_spanning(p, lines[k], formats[k], span, span_chars, 11);
        else if (lines[k])
            put_text(p, 0, lines[k], k ? b->style[CM_RSTYLE_ASIDE] : b->style[CM_RSTYLE_PLAIN],
                     false);
        p->row++;
    }
}

static void put_header_rows(part *p)
{
    cm_rsheet *s = p->s;
    cm_rcell *cells = calloc(s->ncols ? s->ncols : 1, sizeof *cells);
    if (!cells) {
        p->b->status = CM_ERR_NOMEM;
        return;
    }
    for (size_t c = 0; c < s->ncols; c++)
        cells[c] = (cm_rcell){CM_RCELL_TEXT, CM_RSTYLE_LABEL, 0, -1, 0, s->cols[c].label};
    put_row(p, cells, s->ncols);
    for (size_t c = 0; c < s->ncols; c++)
        cells[c] = (cm_rcell){CM_RCELL_TEXT, CM_RSTYLE_ID, 0, -1, 0, s->cols[c].id};
    put_row(p, cells, s->ncols);
    free(cells);
}

static cm_status new_part(book *b, part *p, cm_rsheet *s, size_t k, bool in_memory)
{
    memset(p, 0, sizeof *p);
    p->b = b;
    p->s = s;
    if (k == 0)
        snprintf(p->name, sizeof p->name, "%s", s->name);
    else
        snprintf(p->name, sizeof p->name, "%s (%zu)", s->name, k + 1);
    p->width = calloc(s->ncols ? s->ncols : 1, sizeof *p->width);
    if (!p->width)
        return CM_ERR_NOMEM;
    b->wb->options.constant_memory = in_memory ? LXW_FALSE : LXW_TRUE;
    p->ws = workbook_add_worksheet(b->wb, p->name);
    b->wb->options.constant_memory = LXW_TRUE;
    if (!p->ws) {
        check(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return CM_OK;
    }
    p->index = ++b->nworksheets;
    return CM_OK;
}

/* A table sheet: its parts, each with its head, filter, frozen panes and
   a defined name over its data. */
static void write_table(book *b, cm_rsheet *s, lxw_row_t max_rows, bool in_memory, lxw_col_t span,
                        double span_chars)
{
    uint64_t per_part = max_rows - HEAD_ROWS;
    uint64_t parts = s->nrows ? (s->nrows + per_part - 1) / per_part : 1;
    cm_rcell *cells = calloc(s->ncols ? s->ncols : 1, sizeof *cells);
    if (!cells) {
        b->status = CM_ERR_NOMEM;
        return;
    }
    bool more = true;
    for (uint64_t k = 0; k < parts && more && b->err == LXW_NO_ERROR; k++) {
        part p;
        if (new_part(b, &p, s, (size_t)k, in_memory) != CM_OK || !p.ws) {
            free(p.width);
            b->status = b->status ? b->status : CM_ERR_NOMEM;
            break;
        }
        p.head_last = span;
        print_setup(&p, true);
        char title[1024];
        if (k == 0)
            snprintf(title, sizeof title, "%s", s->title ? s->title : s->name);
        else
            snprintf(title, sizeof title, "%s (continued, part %llu)", s->title ? s->title : "",
                     (unsigned long long)k + 1);
        put_head(&p, title, span, span_chars);
        put_header_rows(&p);
        p.first_data = p.row;
        while (p.row < max_rows && b->err == LXW_NO_ERROR) {
            for (size_t c = 0; c < s->ncols; c++) {
                memset(&cells[c], 0, sizeof cells[c]);
                cells[c].decimals = -1;
            }
            if (!(more = s->rows(s, s->cursor, cells)))
                break;
            put_row(&p, cells, s->ncols);
        }
        if (p.row > p.first_data) {
            worksheet_freeze_panes(p.ws, p.first_data, (lxw_col_t)s->nkeys);
            check(b, worksheet_autofilter(p.ws, p.first_data - 1, 0, p.row - 1,
                                          (lxw_col_t)(s->ncols - 1)));
            /* A name over the data with its ids row, for formulas and
               programs: Areas_data, Flows_2_data. */
            char name[64], range[160];
            if (k == 0)
                snprintf(name, sizeof name, "%s_data", s->name);
            else
                snprintf(name, sizeof name, "%s_%llu_data", s->name, (unsigned long long)k + 1);
            for (char *c = name; *c; c++)
                if (*c == ' ')
                    *c = '_';
            lxw_row_t last = p.row;
            char col[8];
            lxw_col_to_name(col, (lxw_col_t)(s->ncols - 1), LXW_FALSE);
            snprintf(range, sizeof range, "='%s'!$A$%u:$%s$%u", p.name, (unsigned)p.first_data, col,
                     (unsigned)last);
            check(b, workbook_define_name(b->wb, name, range));
        }
        finish_part(&p);
        free(p.width);
    }
    free(cells);
}

/* A text sheet: its head, then its rows. */
static void write_text_sheet(book *b, cm_rsheet *s)
{
    part p;
    if (new_part(b, &p, s, 0, true) != CM_OK || !p.ws) {
        free(p.width);
        b->status = b->status ? b->status : CM_ERR_NOMEM;
        return;
    }
    print_setup(&p, false);
    put_text(&p, 0, s->title ? s->title : s->name, b->style[CM_RSTYLE_TITLE], false);
    p.row++;
    if (s->about) {
        put_text(&p, 0, s->about, b->style[CM_RSTYLE_ASIDE], false);
        p.row++;
    }
    if (s->source) {
        put_text(&p, 0, s->source, b->style[CM_RSTYLE_ASIDE], false);
        p.row++;
    }
    if (s->about || s->source)
        p.row++;
    cm_rcell *cells = calloc(s->ncols ? s->ncols : 1, sizeof *cells);
    if (!cells) {
        b->status = CM_ERR_NOMEM;
        free(p.width);
        return;
    }
    while (b->err == LXW_NO_ERROR && p.row < LXW_ROW_MAX) {
        for (size_t c = 0; c < s->ncols; c++) {
            memset(&cells[c], 0, sizeof cells[c]);
            cells[c].decimals = -1;
        }
        if (!s->rows || !s->rows(s, s->cursor, cells))
            break;
        put_row(&p, cells, s->ncols);
    }
    if (b->rep->truncated && s == &b->rep->sheets[b->rep->nsheets - 1]) {
        char buf[160];
        snprintf(buf, sizeof buf, "%zu %s cut at Excel's limit of 32,767 characters",
                 b->rep->truncated, b->rep->truncated == 1 ? "cell was" : "cells were");
        put_text(&p, 0, "Note", b->style[CM_RSTYLE_KEY], true);
        put_text(&p, 1, buf, NULL, false);
        p.row++;
    }
    free(cells);
    finish_part(&p);
    free(p.width);
}

/* The least width a column of a table sheet is laid out with: the
   model's, else its label's or its id's (its content widens it). */
static double least_width(const cm_rcolumn *col)
{
    double w = col->width;
    if (w <= 0) {
        size_t a = col->label ? cm_utf8_length(col->label, strlen(col->label)) : 0;
        size_t i = col->id ? cm_utf8_length(col->id, strlen(col->id)) : 0;
        w = (double)(a > i ? a : i) + 2;
    }
    return w > WIDTH_MAX ? WIDTH_MAX : w;
}

/* The head's lines of a table sheet: the last column they span is
   returned, and the characters they wrap in (*chars). Rows stream, so a
   row's height is set before the data that widen the columns: the lines
   are counted in the columns' least widths, tall enough for any width
   they take. A table of figures too wide for a page has its head over its
   key columns, title and all, so that each page across, which repeats
   them, shows the whole head (a head over more columns would print cut at
   the keys on the pages after the first). */
static lxw_col_t head_span(const cm_rsheet *s, double *chars)
{
    double all = 0;
    for (size_t c = 0; c < s->ncols; c++)
        all += col_pixels(least_width(&s->cols[c]));
    size_t last = s->ncols ? s->ncols - 1 : 0;
    if (s->across && all * PRINT_SCALE_MIN > PAGE_PIXELS && s->nkeys >= 2 && s->nkeys <= last)
        last = s->nkeys - 1;
    *chars = 0;
    for (size_t c = 0; c <= last && c < s->ncols; c++)
        *chars += least_width(&s->cols[c]);
    return (lxw_col_t)last;
}

/* A chart sheet: its data as a table, and the chart beside it. */
static void write_chart(book *b, cm_rsheet *s)
{
    /* The data: a table of one part, kept in memory. */
    size_t before = b->nworksheets;
    /* The head's lines span the data and the chart beside it: about 10
       columns of the default width (8.43 characters, 64 pixels) at this
       scale. */
    double chars = 10 * 8.43;
    for (size_t c = 0; c < s->ncols; c++)
        chars += s->cols[c].width > 0 ? s->cols[c].width : 12;
    write_table(b, s, LXW_ROW_MAX, true, (lxw_col_t)(s->ncols + 10), chars);
    if (b->nworksheets == before || b->err != LXW_NO_ERROR || !s->chart.npoints)
        return;
    lxw_worksheet *ws = workbook_get_worksheet_by_name(b->wb, s->name);
    if (!ws)
        return;
    const cm_rchart *ch = &s->chart;
    lxw_chart *c = workbook_add_chart(b->wb, LXW_CHART_BAR);
    if (!c) {
        check(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    lxw_row_t first = HEAD_ROWS, last = (lxw_row_t)(HEAD_ROWS + ch->npoints - 1);
    for (size_t k = 1; k <= ch->nseries; k++) {
        lxw_chart_series *sr = chart_add_series(c, NULL, NULL);
        if (!sr) {
            check(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
            return;
        }
        /* Names and titles are references to cells: data never becomes a
           formula (a name starting with '=' would). */
        chart_series_set_categories(sr, s->name, first, 0, last, 0);
        chart_series_set_values(sr, s->name, first, (lxw_col_t)k, last, (lxw_col_t)k);
        chart_series_set_name_range(sr, s->name, HEAD_ROWS - 2, (lxw_col_t)k);
    }
    chart_title_set_name_range(c, s->name, 0, 0);
    /* In a bar chart libxlsxwriter's y axis is the categories' (vertical)
       and its x axis the values'. */
    chart_axis_set_reverse(c->y_axis); /* the first row on top */
    chart_axis_set_label_position(c->y_axis, LXW_CHART_AXIS_LABEL_POSITION_LOW);
    lxw_chart_font small = {.size = 8};
    chart_axis_set_num_font(c->y_axis, &small);
    const char *fmt = ch->unit == CM_UNIT_PERCENT ? "0%"
                      : ch->unit == CM_UNIT_PP    ? "+0;-0;0"
                                                  : "#,##0";
    chart_axis_set_num_format(c->x_axis, fmt);
    /* Bars of a share start at zero: an axis cut short would make small
       differences look large. */
    if (ch->kind == CM_RCHART_BAR)
        chart_axis_set_min(c->x_axis, 0);
    chart_axis_major_gridlines_set_visible(c->x_axis, LXW_TRUE);
    if (ch->axis_title) {
        bool cut;
        char *own;
        const char *t = xml_text(ch->axis_title, &cut, &own);
        if (t)
            chart_axis_set_name(c->x_axis, t);
        free(own);
    }
    if (ch->nseries > 1 && ch->kind == CM_RCHART_BAR)
        chart_set_series_overlap(c, 100); /* one bar per row, in one of two colours */
    chart_set_series_gap(c, 40);
    chart_legend_set_position(c, ch->nseries > 1 ? LXW_CHART_LEGEND_BOTTOM : LXW_CHART_LEGEND_NONE);
    /* As tall as its bars need: about 18 pixels each. */
    double height = 120.0 + 18.0 * (double)ch->npoints;
    if (height < 320)
        height = 320;
    lxw_chart_options at = {.x_offset = 10,
                            .y_offset = 5,
                            .x_scale = 1.6,
                            .y_scale = height / 288.0,
                            .object_position = LXW_OBJECT_MOVE_DONT_SIZE};
    check(b, worksheet_insert_chart_opt(ws, HEAD_ROWS - 2, (lxw_col_t)(s->ncols + 1), c, &at));
}

/* ---- the whole ------------------------------------------------------------------ */

cm_status cm_xlsx_render(const char *path, const char *tmp, const char *dir, cm_report *rep,
                         cm_diag *diag, uint64_t **cells_out, size_t *ncells_out)
{
    cm_loc loc = {path, 0, 0};
    book b = {0};
    b.rep = rep;
    *cells_out = NULL;
    *ncells_out = 0;
    cm_report_begin(rep);
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = (char *)dir, .use_zip64 = 0};
    b.wb = workbook_new_opt(tmp, &opt);
    if (!b.wb) {
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "cannot create the workbook");
        return CM_ERR_CANTCREAT;
    }
    /* The document properties' text is escaped as cells are. */
    char comments[64];
    snprintf(comments, sizeof comments, "Written by citymig %s", CITYMIG_VERSION);
    const char *prop_text[3] = {rep->title ? rep->title : "citymig report",
                                rep->subject ? rep->subject : "", comments};
    char *prop_own[3] = {NULL, NULL, NULL};
    const char *prop[3];
    for (size_t k = 0; k < 3; k++) {
        bool cut;
        prop[k] = xml_text(prop_text[k], &cut, &prop_own[k]);
        if (!prop[k])
            check(&b, LXW_ERROR_MEMORY_MALLOC_FAILED);
    }
    /* libxlsxwriter copies these and never writes through them. */
    lxw_doc_properties props = {.title = (char *)prop[0],
                                .subject = (char *)prop[1],
                                .comments = (char *)prop[2],
                                .created = rep->created};
    if (prop[0] && prop[1] && prop[2])
        check(&b, workbook_set_properties(b.wb, &props));
    for (size_t k = 0; k < 3; k++)
        free(prop_own[k]);
    make_formats(&b);
    make_footer(&b);

    lxw_row_t max_rows =
        rep->max_rows && rep->max_rows < LXW_ROW_MAX ? (lxw_row_t)rep->max_rows : LXW_ROW_MAX;
    if (max_rows < HEAD_ROWS + 1)
        max_rows = HEAD_ROWS + 1;
    /* Cells per worksheet, for the read-back: every part of every sheet. */
    b.cells_cap = 2;
    for (size_t i = 0; i < rep->nsheets; i++) {
        uint64_t per = max_rows - HEAD_ROWS;
        b.cells_cap += rep->sheets[i].nrows ? (size_t)((rep->sheets[i].nrows + per - 1) / per) : 1;
    }
    b.cells = calloc(b.cells_cap, sizeof *b.cells);
    if (!b.cells)
        b.status = CM_ERR_NOMEM;
    for (size_t i = 0; i < rep->nsheets && b.err == LXW_NO_ERROR && b.status == CM_OK; i++) {
        cm_rsheet *s = &rep->sheets[i];
        switch (s->kind) {
        case CM_RSHEET_TABLE: {
            double chars;
            lxw_col_t span = head_span(s, &chars);
            write_table(&b, s, max_rows, false, span, chars);
            break;
        }
        case CM_RSHEET_CHART:
            write_chart(&b, s);
            break;
        default:
            write_text_sheet(&b, s);
            break;
        }
        if (b.status == CM_OK && cm_report_status(rep) != CM_OK)
            b.status = cm_report_status(rep);
    }
    if (rep->nsheets && b.err == LXW_NO_ERROR) {
        lxw_worksheet *cover = workbook_get_worksheet_by_name(b.wb, rep->sheets[0].name);
        if (cover)
            worksheet_activate(cover);
    }

    errno = 0;
    lxw_error closed = workbook_close(b.wb);
    int close_errno = errno;
    cm_status st = b.status;
    if (st == CM_OK && (b.err != LXW_NO_ERROR || closed != LXW_NO_ERROR)) {
        lxw_error e = b.err != LXW_NO_ERROR ? b.err : closed;
        /* libxlsxwriter's messages end with a period; the system's reason
           (a full disk, a file size limit) says more. */
        char what[320], reason[200];
        snprintf(reason, sizeof reason, "%s", lxw_strerror(e));
        size_t rl = strlen(reason);
        if (rl && reason[rl - 1] == '.')
            reason[rl - 1] = '\0';
        if (close_errno)
            snprintf(what, sizeof what, "writing the workbook failed: %s (%s)", reason,
                     strerror(close_errno));
        else
            snprintf(what, sizeof what, "writing the workbook failed: %s", reason);
        st = e == LXW_ERROR_MEMORY_MALLOC_FAILED ? CM_ERR_NOMEM
             : e == LXW_ERROR_CREATING_XLSX_FILE ? CM_ERR_CANTCREAT
                                                 : CM_ERR_IO;
        if (st == CM_ERR_NOMEM)
            cm_diag_report(diag, CM_SEV_ERROR, &loc, "out of memory");
        else if (st == CM_ERR_CANTCREAT)
            cm_diag_report(diag, CM_SEV_ERROR, &loc, "cannot create: %s",
                           close_errno ? strerror(close_errno) : lxw_strerror(e));
        else
            cm_xlsx_fail_io(path, diag, what);
    } else if (st == CM_ERR_NOMEM) {
        cm_diag_report(diag, CM_SEV_ERROR, &loc, "out of memory");
    }
    if (st == CM_OK) {
        *cells_out = b.cells;
        *ncells_out = b.nworksheets + 1;
    } else {
        free(b.cells);
    }
    return st;
}
