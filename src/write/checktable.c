/*
 * checktable.c - the table that check prints: one line per figure, then a
 * summary line. Ids and reasons are shown as in messages (cm_shown), so
 * that a damaged figures file cannot drive the terminal.
 */
#include "citymig/check.h"

#include <string.h>

#include "citymig/value.h"
#include "citymig/writer.h"

int cm_figures_write_table(FILE *out, const cm_figures *figures)
{
    cm_writer w;
    size_t width = 6, failed = 0;
    char name[512];
    cm_writer_init_file(&w, out);
    for (size_t i = 0; i < figures->count; i++) {
        cm_figure_name_shown(&figures->items[i], name, sizeof name);
        if (strlen(name) > width)
            width = strlen(name);
    }
    cm_writer_printf(&w, "%-*s  %12s  %20s  %12s  %9s  %s\n", (int)width, "figure", "expected",
                     "actual", "difference", "tolerance", "result");
    /* The table's numbers use '.', whatever the locale, as everything else. */
    for (size_t i = 0; i < figures->count; i++) {
        const cm_figure *f = &figures->items[i];
        char e[40], a[40] = "", d[40] = "", t[40], qr[CM_QUOTE_SIZE];
        cm_figure_name_shown(f, name, sizeof name);
        cm_format_double(f->expected, e, sizeof e);
        cm_figure_tolerance(f, t, sizeof t);
        if (f->has_actual) {
            /* The actual value exactly; its difference, readably. */
            cm_format_double(f->actual, a, sizeof a);
            snprintf(d, sizeof d, "%+.6g", f->actual - f->expected);
        }
        const char *result = f->verdict == CM_VERDICT_PASS    ? "pass"
                             : f->verdict == CM_VERDICT_DRIFT ? "FAIL (drifted)"
                                                              : "FAIL (no value)";
        cm_writer_printf(&w, "%-*s  %12s  %20s  %12s  %9s  %s", (int)width, name, e, a, d, t,
                         result);
        if (f->verdict == CM_VERDICT_NO_VALUE)
            cm_writer_printf(&w, ": %s%s%s", f->flag >= 0 ? cm_flag_str((cm_flag)f->flag) : "",
                             f->flag >= 0 && *f->reason ? ", " : "",
                             cm_shown(qr, sizeof qr, f->reason));
        cm_writer_putc(&w, '\n');
        failed += f->verdict != CM_VERDICT_PASS;
    }
    if (failed == 0)
        cm_writer_printf(&w, "check: all %zu figures within tolerance\n", figures->count);
    else
        cm_writer_printf(&w, "check: %zu of %zu figures failed\n", failed, figures->count);
    return cm_writer_result(&w);
}
