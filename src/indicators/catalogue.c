/*
 * catalogue.c - the indicator catalogue as Markdown, from the registry.
 */
#include "citymig/catalogue.h"

#include <string.h>

#include "citymig/indicators.h"

static const char *const section_titles[CM_SCOPE_COUNT_] = {
    "Composition and urbanization (per area and year)",
    "Growth (per area, between consecutive years)",
    "Flows (per area, year and kind)",
    "Flows, system level (per year and kind, over all zones)",
    "Diversity of origins (per area and year, from stocks)",
    "Service access (per area, year and service)",
    "Service data coverage (per area and year)",
};

int cm_catalogue_write_markdown(FILE *out)
{
    size_t n;
    const cm_indicator_def *defs = cm_indicator_defs(&n);

    fputs("# Indicator catalogue\n\n"
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
          "missing, then suppressed, then inconsistent, then div0.\n",
          out);

    for (int scope = 0; scope < CM_SCOPE_COUNT_; scope++) {
        fprintf(out, "\n## %s\n", section_titles[scope]);
        for (size_t i = 0; i < n; i++) {
            const cm_indicator_def *d = &defs[i];
            if ((int)d->scope != scope)
                continue;
            fprintf(out, "\n### `%s`: %s\n\n", d->id, d->title);
            fprintf(out, "- Formula: `%s`\n", d->formula);
            fprintf(out, "- Unit: %s\n", cm_unit_str(d->unit));
            fprintf(out, "- Computed per: %s\n", cm_scope_str(d->scope));
            fprintf(out, "- Inputs: %s\n", d->inputs);
            fprintf(out, "- Edge cases: %s\n", d->edge_cases);
        }
    }
    return ferror(out) ? -1 : 0;
}
