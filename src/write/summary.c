/*
 * summary.c - what validate prints about each table it read, from the
 * figures cm_summary_build gathers.
 */
#include "citymig/summary.h"

#include <inttypes.h>

#include "citymig/ages.h"
#include "citymig/writer.h"

/* "1 row", "2 rows". */
static const char *plural(uint64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

static void years_print(cm_writer *w, const cm_summary_table *st)
{
    if (st->years == 0)
        cm_writer_puts(w, "no years");
    else if (st->years == 1)
        cm_writer_printf(w, "1 year (%" PRId32 ")", st->year_min);
    else
        cm_writer_printf(w, "%zu years (%" PRId32 "-%" PRId32 ")", st->years, st->year_min,
                         st->year_max);
}

/* The label and rows of a table read, and what they were. */
static void rows_print(cm_writer *w, const cm_summary_table *st)
{
    cm_writer_printf(w, "  %-13s %" PRIu64 " %s", st->label, st->rows,
                     plural(st->rows, "row", "rows"));
    if (st->rejected)
        cm_writer_printf(w, " (%" PRIu64 " rejected)", st->rejected);
}

static void table_line(cm_writer *w, const cm_summary_table *st, cm_table_id id)
{
    rows_print(w, st);
    if (st->merged)
        cm_writer_printf(w, " (%" PRIu64 " exact %s merged)", st->merged,
                         plural(st->merged, "duplicate", "duplicates"));
    if (!st->counted) {
        cm_writer_putc(w, '\n');
        return;
    }
    cm_writer_printf(w, ": %zu %s, ", st->areas, plural(st->areas, "area", "areas"));
    years_print(w, st);
    if (id == CM_TABLE_STOCKS)
        cm_writer_printf(w, ", %zu %s", st->others, plural(st->others, "origin", "origins"));
    else if (id == CM_TABLE_SERVICES)
        cm_writer_printf(w, ", %zu %s", st->others, plural(st->others, "service", "services"));
    if (id == CM_TABLE_AREAS) {
        cm_writer_puts(w, "; rows by level:");
        for (int l = 0; l < CM_LEVEL_COUNT; l++)
            if (st->levels[l])
                cm_writer_printf(w, " %s %zu", cm_enum_name(&cm_level_enum, l), st->levels[l]);
    }
    cm_writer_putc(w, '\n');
}

static void flows_line(cm_writer *w, const cm_summary_table *st, const cm_flows_stats *stats)
{
    rows_print(w, st);
    if (!st->counted) {
        cm_writer_putc(w, '\n');
        return;
    }
    cm_writer_printf(w, ": %zu %s, %zu %s, ", st->areas,
                     plural(st->areas, "destination", "destinations"), st->others,
                     plural(st->others, "origin", "origins"));
    years_print(w, st);
    cm_writer_putc(w, '\n');
    for (int k = 0; k < CM_KIND_COUNT; k++)
        cm_writer_printf(w, "  %-13s   %-13s %" PRIu64 " %s, %" PRId64 " %s\n", "",
                         cm_enum_name(&cm_kind_enum, k), stats->rows_by_kind[k],
                         plural(stats->rows_by_kind[k], "row", "rows"), stats->persons_by_kind[k],
                         plural((uint64_t)stats->persons_by_kind[k], "move", "moves"));
    cm_writer_printf(w, "  %-13s   %-13s %" PRIu64 " %s, %" PRId64 " %s (origin = destination)\n",
                     "", "stayers excl.", stats->stayer_rows,
                     plural(stats->stayer_rows, "row", "rows"), stats->stayer_persons,
                     plural((uint64_t)stats->stayer_persons, "person", "persons"));
}

/* The age groups the flows give, youngest first. */
static void ages_line(cm_writer *w, const cm_dataset *ds)
{
    const cm_age_group *g;
    size_t n = cm_flow_ages_groups(ds->flows ? ds->flows->ages : NULL, &g);
    if (!n)
        return;
    cm_writer_printf(w, "  %-13s   %-13s", "", "age groups");
    bool done[CM_AGE_GROUPS_MAX] = {false};
    for (size_t k = 0; k < n; k++) {
        size_t young = SIZE_MAX;
        for (size_t i = 0; i < n; i++)
            if (!done[i] && (young == SIZE_MAX || g[i].lo < g[young].lo))
                young = i;
        done[young] = true;
        cm_writer_printf(w, "%s%s", k ? ", " : " ", cm_strpool_str(ds->pool, g[young].label));
    }
    cm_writer_putc(w, '\n');
}

int cm_summary_write(const cm_dataset *ds, FILE *out)
{
    cm_summary s;
    cm_writer w;
    cm_summary_build(ds, &s);
    cm_writer_init_file(&w, out);

    cm_writer_printf(&w, "dataset %s\n", s.dir);
    if (s.title)
        cm_writer_printf(&w, "  %s\n", s.title);
    /* How the dataset is cited: its reference, else who published what. */
    const cm_citation *c = &ds->cite;
    if (c->citation)
        cm_writer_printf(&w, "  %-13s %s\n", "cited as", c->citation);
    else if (c->publisher || c->source)
        cm_writer_printf(&w, "  %-13s %s%s%s\n", "source", c->publisher ? c->publisher : "",
                         c->publisher && c->source ? ": " : "", c->source ? c->source : "");
    if (s.manifest)
        cm_writer_printf(&w, "  read through %s: %zu %s%s%.0zu%s\n", s.manifest, s.ninputs,
                         s.ninputs == 1 ? "source" : "sources", s.nlookups ? " and " : "",
                         s.nlookups,
                         !s.nlookups       ? ""
                         : s.nlookups == 1 ? " lookup file"
                                           : " lookup files");
    for (int t = 0; t < CM_TABLE_COUNT; t++) {
        const cm_summary_table *st = &s.tables[t];
        switch (st->state) {
        case CM_SUMMARY_ABSENT:
            cm_writer_printf(&w, "  %-13s %s\n", st->label,
                             s.manifest ? "not in the manifest" : "absent");
            break;
        case CM_SUMMARY_SKIPPED:
            cm_writer_printf(&w, "  %-13s not checked (the error limit was reached first)\n",
                             st->label);
            break;
        case CM_SUMMARY_UNREADABLE:
            cm_writer_printf(&w, "  %-13s unreadable\n", st->label);
            break;
        case CM_SUMMARY_READ:
            if (t == CM_TABLE_FLOWS) {
                flows_line(&w, st, s.flows);
                ages_line(&w, ds);
            } else
                table_line(&w, st, (cm_table_id)t);
            break;
        }
    }
    return cm_writer_result(&w);
}
