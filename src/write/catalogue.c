/*
 * catalogue.c - the indicator catalogue as Markdown, from the registry.
 */
#include "citymig/catalogue.h"

#include <string.h>

#include "citymig/indicators.h"
#include "citymig/writer.h"

static const char *const section_titles[CM_SCOPE_COUNT_] = {
    "Composition and urbanization (per area and year)",
    "Growth (per area, between consecutive years)",
    "Residential segregation (per city and year, over its districts)",
    "Flows (per area, year and kind)",
    "Flows, system level (per year, over the zones of an internal system)",
    "Diversity of origins (per area and year, from stocks)",
    "Service access (per area, year and service)",
    "Service data coverage (per area and year)",
    "Partners (per area, year, kind and partner, with --pairs)",
    "Migrants by age group (per area, year, kind and age group)",
};

/* The flags, and what holds of every value. */
static const char intro[] =
    "# Indicator catalogue\n\n"
    "Generated from the registry in `src/indicators/registry.c` by `citymig catalogue`;\n"
    "a test fails when this file and the registry differ. Every value carries a unit,\n"
    "a numerator and a denominator where it has them, and a flag:\n\n"
    "| flag | meaning |\n|---|---|\n"
    "| ok | computed from the inputs |\n"
    "| missing | an input is absent (empty in the file, or no such row) |\n"
    "| div0 | a zero denominator, or the logarithm of zero |\n"
    "| suppressed | an input count is below `--min-count` (0 < count < N), or the value "
    "derives from one; its numerator and denominator are not shown |\n"
    "| published | taken from a published figure (a share, an access rate, a net "
    "migration), not computed |\n"
    "| inconsistent | an input failed a cross-field check and was kept under "
    "`--keep-going` |\n\n"
    "A value that is not `ok` or `published` is empty, never 0, NaN or Inf, and its\n"
    "`reason` says why. When several inputs are at fault the flag follows one order:\n"
    "missing, then suppressed, then inconsistent, then div0.\n";

/* The rules that hold across the catalogue. */
static const char methods[] =
    "\n## Rules across the catalogue\n"
    "\n### Totals and breakdowns by sex\n\n"
    "Decided per cell, never per table: for each area, year, kind and direction of\n"
    "flows (arrivals, departures), and each area, year and origin of stocks, the total\n"
    "is the `T` rows' sum where any `T` row is given, else `F` + `M` where both sexes\n"
    "are given. Where only one sex is given the total is missing: the other sex is\n"
    "never taken as 0. Where `T` and `F` + `M` are both given and differ, loading warns\n"
    "and names both lines; the total is the `T` rows', and the female share is\n"
    "`F / (F + M)`. One area's rows never change how another's are read.\n"
    "\n### Published figures\n\n"
    "`published` marks a value that is a published figure itself: a\n"
    "`foreign_born_share` (used whenever the computed share lacks an input), an\n"
    "`access_rate`, a `net_*_migration`. A value computed from one (a rate, a gap, a\n"
    "residual, a quotient) is `ok`, and its `reason` says which published figure it\n"
    "comes from.\n"
    "\n### Disclosure control (`--min-count N`)\n\n"
    "A count below N and above 0 is small. The threshold applies to the cell that is\n"
    "shown: a total (`F` + `M` together, not each sex), an origin's stock, a group's\n"
    "population. A small cell is suppressed with everything derived from it, and a\n"
    "suppressed value shows no numerator, no denominator and no origin. No shown value\n"
    "lets a suppressed one be recovered by subtraction from the others of its group:\n\n"
    "- sexes of a total: the sexes are shown only through `inflow_female_share` and\n"
    "  the rates by sex (`in_rate_female`, ...), each suppressed when either sex is\n"
    "  small; the foreign-born men (`foreign_born - foreign_born_female`) of\n"
    "  `fb_sex_ratio` are a count as small as any other;\n"
    "- kinds of all: a kind's suppressed value suppresses the `all` value it sums into;\n"
    "- zones of a system: the system's totals are sums over its zones. When exactly\n"
    "  one zone's inflow (or outflow) is suppressed, the zone with the smallest shown\n"
    "  non-zero inflow (outflow) is suppressed with it (complementary suppression), so\n"
    "  that the totals stay shown and neither zone can be recovered. When no zone can\n"
    "  be, the totals are suppressed. One small zone never suppresses the system.\n"
    "- origins of a stock: the diversity indices disclose the origins' counts (with two\n"
    "  origins, the top share and its denominator give the other), so one small origin\n"
    "  suppresses every diversity value of the area and year.\n"
    "\n### Rows for every area\n\n"
    "The table is rectangular. In a year with flows, every area that is an end of a\n"
    "flow of the year, every zone of the year's system and every area with a published\n"
    "net migration has every flow indicator for each kind the year has, and for kind\n"
    "`all` when the year has both; what cannot be computed is there with its flag and\n"
    "reason. An area with a row in any input is never absent from the output. Two\n"
    "families need inputs of their own and have rows only in datasets that give\n"
    "them: the indicators by age group, in the years and kinds (internal,\n"
    "international) whose flows give ages, for every group those flows name; and\n"
    "the rates by sex, where the areas give residents by sex in some row. In the\n"
    "long table (and in a figures file), an indicator by age group gives its group\n"
    "in the `service` column, and an indicator by partner its partner in `origin`.\n";

/* The rules that hold across the catalogue, continued (a string literal
   stays within the length every C compiler takes). */
static const char methods_more[] =
    "\n### Declared systems of zones\n\n"
    "The system measures are defined for a closed set of zones, so they are computed\n"
    "for internal flows only, over the zones of the year: the manifest's `zones` or\n"
    "`zone_level`, else the areas of `areas.csv` of the year at its finest level. Moves\n"
    "from or to areas that are not zones cross the boundary: `moves_in_from_outside`\n"
    "and `moves_out_to_outside` count them, and `net_total`, the sum of the zones' net\n"
    "migration, equals their difference, so a misspelt zone shows. Without a\n"
    "declaration the zones are the ends of the internal flows, nothing crosses, and the\n"
    "measures across the boundary are missing.\n"
    "\n### Intervals of flows\n\n"
    "A flows table may say that its counts cover N years (the `interval` column or a\n"
    "manifest constant; 1 when unstated), as census questions on the residence five\n"
    "years before do. Counts stay counts over the interval; rates (`in_rate`,\n"
    "`out_rate`, `net_rate`, `surge`, `migration_intensity`,\n"
    "`aggregate_net_migration_rate`) are annual: the count divided by N, over the\n"
    "population of the flows' year. The rules read the annual rates. A growth component\n"
    "covers one year, so flows of a longer interval give none.\n";

/* The measures over the pairs of origin and destination. */
static const char pairs_text[] =
    "\n### Who exchanges with whom (`--pairs`)\n\n"
    "The flows are summed per area as they are read; the pairs of origin and\n"
    "destination are kept only with `--pairs` (`indicators`, `report`, `check`):\n"
    "`flows.csv` is then read on one thread, and memory grows with the distinct pairs\n"
    "that have rows, never with rows. Without it, the measures over pairs are there,\n"
    "missing, saying so. The spatial focusing of a system (`gini_connectivity`,\n"
    "`gini_in_migration`, `gini_out_migration`, `flow_cv`; Bell et al. 2002) reads\n"
    "the matrix of moves between its zones, a pair of zones with no row being 0\n"
    "where both zones' flows are known. Each of its cells is a count the measures\n"
    "stand on: under `--min-count`, one small cell suppresses them.\n\n"
    "Per area, year and kind (internal, international), `origin_flow_share` and\n"
    "`destination_flow_share` list the top origins and destinations (`--partners N`,\n"
    "default 5) with their shares of the area's arrivals and departures, and\n"
    "`net_exchange` its net migration with every partner; the partner is the row's\n"
    "`origin`. These rows exist only with `--pairs` (a row per partner: the one\n"
    "exception to the rectangular table). The partners of a direction add up to the\n"
    "area's flow, and the net exchanges to its net, so one suppressed partner is\n"
    "suppressed with another (complementary suppression), and none is shown where\n"
    "the flow it would give away is suppressed.\n";

int cm_catalogue_write_markdown(FILE *out)
{
    size_t n;
    const cm_indicator_def *defs = cm_indicator_defs(&n);
    cm_writer w;
    cm_writer_init_file(&w, out);

    cm_writer_puts(&w, intro);
    cm_writer_puts(&w, methods);
    cm_writer_puts(&w, pairs_text);
    cm_writer_puts(&w, methods_more);

    for (int scope = 0; scope < CM_SCOPE_COUNT_; scope++) {
        cm_writer_printf(&w, "\n## %s\n", section_titles[scope]);
        for (size_t i = 0; i < n; i++) {
            const cm_indicator_def *d = &defs[i];
            if ((int)d->scope != scope)
                continue;
            cm_writer_printf(&w, "\n### `%s`: %s\n\n", d->id, d->title);
            cm_writer_printf(&w, "- Formula: `%s`\n", d->formula);
            cm_writer_printf(&w, "- Unit: %s\n", cm_unit_str(d->unit));
            cm_writer_printf(&w, "- Computed per: %s\n", cm_scope_str(d->scope));
            cm_writer_printf(&w, "- Inputs: %s\n", d->inputs);
            cm_writer_printf(&w, "- Edge cases: %s\n", d->edge_cases);
        }
    }
    return cm_writer_result(&w);
}
