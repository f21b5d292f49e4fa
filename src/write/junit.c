/*
 * junit.c - the results of a check as JUnit XML: one test case per figure,
 * a failure (with its message and source) for each that did not pass.
 */
#include "citymig/check.h"

#include <string.h>

#include "citymig/utf8.h"
#include "citymig/value.h"
#include "citymig/writer.h"

/*
 * Text for JUnit XML. JUnit has no escape for what XML 1.0 forbids: each
 * C0 control other than TAB, LF and CR, each U+FFFE and U+FFFF, and each
 * byte that is not UTF-8 is replaced by U+FFFD, the replacement character.
 * CR is written as a character reference (a parser would turn CR LF into
 * LF), and so are TAB and LF in an attribute (a parser would turn them into
 * spaces).
 */
static void xml_text(cm_writer *w, const char *s, bool attribute)
{
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = cm_utf8_decode(s + i, len - i, &cp);
        if (n == 0 || !cm_xml_char_ok(cp)) {
            cm_writer_puts(w, "\xEF\xBF\xBD");
            i += n ? n : 1;
            continue;
        }
        switch (cp) {
        case '<':
            cm_writer_puts(w, "&lt;");
            break;
        case '>':
            cm_writer_puts(w, "&gt;");
            break;
        case '&':
            cm_writer_puts(w, "&amp;");
            break;
        case '"':
            cm_writer_puts(w, "&quot;");
            break;
        case '\r':
            cm_writer_puts(w, "&#13;");
            break;
        case '\n':
        case '\t':
            if (attribute)
                cm_writer_printf(w, "&#%u;", (unsigned)cp);
            else
                cm_writer_putc(w, (char)cp);
            break;
        default:
            cm_writer_write(w, s + i, n);
        }
        i += n;
    }
}

int cm_figures_write_junit(FILE *out, const cm_figures *figures, const char *dataset)
{
    cm_writer w;
    size_t failed = 0;
    cm_writer_init_file(&w, out);
    for (size_t i = 0; i < figures->count; i++)
        failed += figures->items[i].verdict != CM_VERDICT_PASS;
    cm_writer_puts(&w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    cm_writer_printf(&w, "<testsuites tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n",
                     figures->count, failed);
    cm_writer_puts(&w, "  <testsuite name=\"citymig check ");
    xml_text(&w, dataset, true);
    cm_writer_printf(&w, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\">\n",
                     figures->count, failed);
    for (size_t i = 0; i < figures->count; i++) {
        const cm_figure *f = &figures->items[i];
        char name[512], e[40], a[40], t[40], d[40], message[512];
        cm_figure_name(f, name, sizeof name);
        cm_writer_puts(&w, "    <testcase classname=\"citymig.check\" name=\"");
        xml_text(&w, name, true);
        if (f->verdict == CM_VERDICT_PASS) {
            cm_writer_puts(&w, "\"/>\n");
            continue;
        }
        cm_format_double(f->expected, e, sizeof e);
        cm_figure_tolerance(f, t, sizeof t);
        if (f->verdict == CM_VERDICT_DRIFT)
            snprintf(message, sizeof message,
                     "expected %s (tolerance %s), actual %s, difference %s", e, t,
                     cm_format_double(f->actual, a, sizeof a),
                     cm_format_double(f->actual - f->expected, d, sizeof d));
        else
            snprintf(message, sizeof message, "expected %s, but there is no value: %s%s%s", e,
                     f->flag >= 0 ? cm_flag_str((cm_flag)f->flag) : "",
                     f->flag >= 0 && *f->reason ? ", " : "", f->reason);
        cm_writer_puts(&w, "\">\n      <failure message=\"");
        xml_text(&w, message, true);
        cm_writer_puts(&w, "\">");
        xml_text(&w, message, false);
        if (*f->source) {
            cm_writer_puts(&w, "\nsource: ");
            xml_text(&w, f->source, false);
        }
        cm_writer_puts(&w, "</failure>\n    </testcase>\n");
    }
    cm_writer_puts(&w, "  </testsuite>\n</testsuites>\n");
    return cm_writer_result(&w);
}
