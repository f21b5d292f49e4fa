/*
 * registry.c - the indicator catalogue: one descriptor per indicator, in
 * output order. docs/indicators.md is generated from this table (and a test
 * fails when it differs), so the text here is the documentation.
 */
#include "citymig/indicators.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "citymig/hash.h"

#define PCT  CM_UNIT_PERCENT
#define CNT  CM_UNIT_COUNT
#define RAT  CM_UNIT_RATIO
#define PERK CM_UNIT_PER_1000
#define PKPY CM_UNIT_PER_1000_PER_YEAR
#define PPY  CM_UNIT_PERCENT_PER_YEAR
#define IDX  CM_UNIT_INDEX
#define PP   CM_UNIT_PP
#define YRS  CM_UNIT_YEARS

/* What holds of every segregation index. */
#define PARTS_EDGES                                                                                \
    "Missing without the area's foreign-born, or when any area it contains lacks its counts "      \
    "(the reason names it: the ranking would be another); suppressed when any count is small; "    \
    "div0 when the area's foreign-born is 0. A published share is used as share x population, "    \
    "and the result says so."
#define SEG_EDGES                                                                                  \
    "Missing when any district of the city in that year lacks foreign_born (and a published "      \
    "share) or population: never a sum over the districts that happen to have them. div0 "         \
    "with fewer than two districts, or when the districts hold no foreign-born or no natives. "    \
    "Suppressed when a district's count is below --min-count. Computed from a published "          \
    "foreign_born_share, it stays ok and says so."

#define NEEDS_POP "Empty (missing) without population; div0 when population is 0."

static const cm_indicator_def defs[] = {
    /* Composition (areas) */
    {"fb_share", "Foreign-born share of residents", PCT, CM_SCOPE_AREA,
     "100 * foreign_born / population", "areas: foreign_born, population (or foreign_born_share)",
     "Where the computed share lacks an input (foreign_born or population) and "
     "foreign_born_share is given, the published share is used, flagged published. Otherwise "
     "missing without foreign_born or population; div0 when population is 0."},
    {"fb_female_share", "Women among the foreign-born", PCT, CM_SCOPE_AREA,
     "100 * foreign_born_female / foreign_born", "areas: foreign_born_female, foreign_born",
     "Missing without either input; div0 when foreign_born is 0."},
    {"internal_share", "Internal migrants' share of residents", PCT, CM_SCOPE_AREA,
     "100 * internal_migrants / population", "areas: internal_migrants, population", NEEDS_POP},
    {"migrant_share", "Migrants' share of residents (internal and international)", PCT,
     CM_SCOPE_AREA, "100 * (foreign_born + internal_migrants) / population",
     "areas: foreign_born, internal_migrants, population",
     "Missing unless all three are present; div0 when population is 0."},
    {"one_in_n", "One resident in N is a migrant", RAT, CM_SCOPE_AREA,
     "population / (foreign_born + internal_migrants)",
     "areas: foreign_born, internal_migrants, population",
     "Missing unless all three are present; div0 when there are no migrants."},
    {"internal_per_international", "Internal migrants per international migrant", RAT,
     CM_SCOPE_AREA, "internal_migrants / foreign_born", "areas: internal_migrants, foreign_born",
     "Missing without either input; div0 when foreign_born is 0."},
    {"fb_location_quotient", "Foreign-born location quotient (area against its parent)", RAT,
     CM_SCOPE_AREA, "(foreign_born / population) / (foreign_born_parent / population_parent)",
     "areas: foreign_born, population (or foreign_born_share) of the area and of its parent_id "
     "in the same year",
     "Missing without a parent_id, without the parent's row for the same year, or without either "
     "share; div0 when the parent's share is 0. Either share may be a published one (as for "
     "fb_share): the quotient is then computed from it, flagged ok, and its reason says so."},
    {"fb_share_of_parent", "Share of the parent's foreign-born living in the area", PCT,
     CM_SCOPE_AREA, "100 * foreign_born / foreign_born_parent",
     "areas: foreign_born of the area and of its parent_id in the same year",
     "Missing without a parent_id, the parent's row for the same year, or either count; div0 "
     "when the parent has no foreign-born."},
    {"urban_share", "Urban share of residents", PCT, CM_SCOPE_AREA,
     "100 * urban_population / population", "areas: urban_population, population", NEEDS_POP},
    {"natural_increase_rate", "Natural increase per 1,000 residents", PERK, CM_SCOPE_AREA,
     "1000 * (births - deaths) / population", "areas: births, deaths, population",
     "Missing unless all three are present; div0 when population is 0."},
    {"dependency_ratio", "Young and elderly per 100 of working age", PCT, CM_SCOPE_AREA,
     "100 * (pop_0_14 + pop_65_plus) / pop_15_64", "areas: pop_0_14, pop_15_64, pop_65_plus",
     "Missing unless all three are present; div0 when pop_15_64 is 0."},

    /* Urbanization and growth between consecutive years of one area */
    {"population_change", "Population change", CNT, CM_SCOPE_GROWTH, "P_t - P_t0",
     "areas: population in two consecutive years of the area",
     "Rows only for pairs of consecutive years present in areas.csv; missing without either "
     "population."},
    {"growth_rate", "Population growth rate", PPY, CM_SCOPE_GROWTH,
     "100 * ln(P_t / P_t0) / (t - t0)", "areas: population in two consecutive years",
     "Missing without either population; div0 when either is 0 (the logarithm is undefined)."},
    {"urban_growth_rate", "Urban population growth rate", PPY, CM_SCOPE_GROWTH,
     "100 * ln(U_t / U_t0) / (t - t0)", "areas: urban_population in two consecutive years",
     "Missing without either urban population; div0 when either is 0."},
    {"rural_growth_rate", "Rural population growth rate", PPY, CM_SCOPE_GROWTH,
     "100 * ln(R_t / R_t0) / (t - t0), R = population - urban_population",
     "areas: population, urban_population in two consecutive years",
     "Missing without the four inputs; div0 when either rural population is 0."},
    {"growth_natural", "Growth from natural increase", CNT, CM_SCOPE_GROWTH, "births_t - deaths_t",
     "areas: births, deaths of year t",
     "The components describe one year: missing when t - t0 is not 1, or without an input."},
    {"growth_natural_rate", "Growth from natural increase per 1,000", PERK, CM_SCOPE_GROWTH,
     "1000 * (births_t - deaths_t) / P_t0", "areas: births, deaths of year t; population of t0",
     "As growth_natural; div0 when P_t0 is 0."},
    {"growth_natural_pct", "Natural increase as % of the population change", PCT, CM_SCOPE_GROWTH,
     "100 * (births_t - deaths_t) / (P_t - P_t0)",
     "areas: births, deaths of year t; population of t0 and t",
     "As growth_natural; div0 when the population did not change. May exceed 100 or be "
     "negative."},
    {"growth_net_internal", "Growth from net internal migration", CNT, CM_SCOPE_GROWTH,
     "net internal migration in year t",
     "flows of kind internal in year t (in - out), else areas: net_internal_migration",
     "Missing when t - t0 is not 1, when the flows of year t cover more than one year, or when "
     "neither source gives the net. Flagged published when it is the published net; the rate "
     "and the share computed from it stay ok and say so."},
    {"growth_net_internal_rate", "Growth from net internal migration per 1,000", PERK,
     CM_SCOPE_GROWTH, "1000 * net_internal / P_t0", "as growth_net_internal; population of t0",
     "As growth_net_internal; div0 when P_t0 is 0."},
    {"growth_net_internal_pct", "Net internal migration as % of the population change", PCT,
     CM_SCOPE_GROWTH, "100 * net_internal / (P_t - P_t0)",
     "as growth_net_internal; population of t0 and t",
     "As growth_net_internal; div0 when the population did not change."},
    {"growth_net_international", "Growth from net international migration", CNT, CM_SCOPE_GROWTH,
     "net international migration in year t",
     "flows of kind international in year t (in - out), else areas: net_international_migration",
     "As growth_net_internal."},
    {"growth_net_international_rate", "Growth from net international migration per 1,000", PERK,
     CM_SCOPE_GROWTH, "1000 * net_international / P_t0",
     "as growth_net_international; population of t0",
     "As growth_net_international; div0 when P_t0 is 0."},
    {"growth_net_international_pct", "Net international migration as % of the population change",
     PCT, CM_SCOPE_GROWTH, "100 * net_international / (P_t - P_t0)",
     "as growth_net_international; population of t0 and t",
     "As growth_net_international; div0 when the population did not change."},
    {"growth_residual", "Growth not explained by the components", CNT, CM_SCOPE_GROWTH,
     "(P_t - P_t0) - natural - net_internal - net_international", "all of the above",
     "Missing when any component is missing. Computed, so never flagged published: where a "
     "component is a published net, the reason says so."},
    {"growth_residual_rate", "Unexplained growth per 1,000", PERK, CM_SCOPE_GROWTH,
     "1000 * residual / P_t0", "all of the above",
     "Missing when any component is missing; div0 when P_t0 is 0."},
    {"growth_residual_pct", "Unexplained growth as % of the population change", PCT,
     CM_SCOPE_GROWTH, "100 * residual / (P_t - P_t0)", "all of the above",
     "Missing when any component is missing; div0 when the population did not change."},

    {"fb_growth_rate", "Growth rate of the foreign-born", PPY, CM_SCOPE_GROWTH,
     "100 * ln(FB_t / FB_t0) / (t - t0)", "areas: foreign_born in two consecutive years",
     "The UN World Urbanization Prospects formula, as growth_rate. Missing without either "
     "count; div0 when either is 0."},
    {"fb_share_change", "Change of the foreign-born share", PP, CM_SCOPE_GROWTH,
     "100 * (FB_t / P_t - FB_t0 / P_t0)",
     "areas: foreign_born, population (or foreign_born_share) in two consecutive years",
     "In percentage points. Either share may be the published one (as for fb_share): the change "
     "is then computed from it, flagged ok, and its reason says so. Missing without either "
     "share; div0 when a population is 0."},
    {"fb_share_of_growth", "Foreign-born share of the population change", PCT, CM_SCOPE_GROWTH,
     "100 * (FB_t - FB_t0) / (P_t - P_t0)",
     "areas: foreign_born, population in two consecutive years",
     "May exceed 100 (the foreign-born grew more than the population, as the natives fell) or be "
     "negative. Missing without the four counts; div0 when the population did not change."},
    {"urban_share_change", "Change of the urban share", PP, CM_SCOPE_GROWTH,
     "100 * (U_t / P_t - U_t0 / P_t0)",
     "areas: urban_population, population in two consecutive years",
     "In percentage points. Missing without the four counts; div0 when a population is 0."},
    {"urban_rural_growth_difference", "Urban-rural growth difference", PPY, CM_SCOPE_GROWTH,
     "urban_growth_rate - rural_growth_rate",
     "areas: population, urban_population in two consecutive years",
     "The UN's measure of the pace of urbanization: above 0 when the urban share grows. Missing "
     "without the four counts; div0 when an urban or rural population is 0."},

    /* Residential segregation: a city over its districts (areas of level
       district whose parent_id is the city), per year */
    {"seg_districts", "Districts the segregation indices cover", CNT, CM_SCOPE_SEGREGATION,
     "n = the areas of level district whose parent_id is the city, in the year",
     "areas: level, parent_id",
     "Rows only for cities that districts name as their parent_id in that year (the city "
     "needs no row of its own). Always ok: it counts the districts, whatever their values."},
    {"seg_dissimilarity", "Index of dissimilarity, foreign-born and natives (Duncan & Duncan)", IDX,
     CM_SCOPE_SEGREGATION, "0.5 * sum over districts of |fb_i / FB - nb_i / NB|",
     "areas of the districts: foreign_born (or foreign_born_share), population; nb_i = "
     "population_i - fb_i, FB and NB their sums over the districts",
     SEG_EDGES " From 0 (both groups spread alike) to 1 (no district holds both): the share of "
               "either group that would have to move for the two to be spread alike."},
    {"seg_isolation", "Isolation of the foreign-born (Bell's P*)", IDX, CM_SCOPE_SEGREGATION,
     "sum over districts of (fb_i / FB) * (fb_i / t_i), t_i = population_i", "as seg_dissimilarity",
     SEG_EDGES
     " The share of foreign-born in the district of the average foreign-born "
     "resident; it rises with the city's foreign-born share as well as with segregation. A "
     "district of population 0 adds nothing."},
    {"seg_exposure", "Exposure of the foreign-born to natives (Bell's P*)", IDX,
     CM_SCOPE_SEGREGATION, "sum over districts of (fb_i / FB) * (nb_i / t_i)",
     "as seg_dissimilarity",
     SEG_EDGES " The share of natives in the district of the average foreign-born resident; "
               "seg_isolation + seg_exposure = 1."},
    {"seg_theil_h", "Entropy index of segregation (Theil's H)", IDX, CM_SCOPE_SEGREGATION,
     "sum over districts of t_i * (E - E_i) / (T * E), E = -(p ln p + (1 - p) ln(1 - p)) with "
     "p = FB / T, E_i likewise with p_i = fb_i / t_i",
     "as seg_dissimilarity",
     SEG_EDGES " From 0 (every district has the city's mix) to 1 (no district holds both); "
               "0 ln 0 is taken as 0."},

    /* An area over the areas it contains (areas whose parent_id is the area),
       per year */
    {"part_areas", "Areas it contains", CNT, CM_SCOPE_PARTS,
     "n = the areas whose parent_id is the area, in the year", "areas: parent_id",
     "Rows only for areas that some area names as its parent_id in that year (the area needs "
     "no row of its own; the indicators set against it are then missing). Always ok."},
    {"fb_share_top5", "Share of its foreign-born living in its top 5 areas", PCT, CM_SCOPE_PARTS,
     "100 * (sum of fb_i over the 5 areas it contains with the most foreign-born) / FB",
     "areas: foreign_born (or foreign_born_share x population) of the area and of the areas it "
     "contains",
     PARTS_EDGES " The WMR's kind of figure: how much of a country's foreign-born live in its "
                 "gateway cities. Over all of them, with a note, where it contains fewer than 5."},
    {"fb_share_top10", "Share of its foreign-born living in its top 10 areas", PCT, CM_SCOPE_PARTS,
     "as fb_share_top5, over 10 areas", "as fb_share_top5", "As fb_share_top5."},
    {"fb_share_top20", "Share of its foreign-born living in its top 20 areas", PCT, CM_SCOPE_PARTS,
     "as fb_share_top5, over 20 areas", "as fb_share_top5", "As fb_share_top5."},
    {"parts_fb_share", "Foreign-born share over the areas it contains", PCT, CM_SCOPE_PARTS,
     "100 * sum of fb_i / sum of population_i, over the areas it contains",
     "areas of the areas it contains: foreign_born (or foreign_born_share), population",
     "The mean of their fb_share weighted by population. Missing when any of them lacks its "
     "counts (the reason names it), never a mean over those that happen to be there; "
     "suppressed when any count is; div0 when their population is 0."},
    {"parts_population_share", "Share of its population living in the areas it contains", PCT,
     CM_SCOPE_PARTS, "100 * sum of population_i / population",
     "areas: population of the area and of the areas it contains",
     "The check of a total against its parts: above 100 the parts hold more people than the "
     "whole, and a note gives the gap (they overlap, or come from another source or date). "
     "Missing without the area's own row or any part's population."},
    {"parts_fb_share_of_parent", "Share of its foreign-born living in the areas it contains", PCT,
     CM_SCOPE_PARTS, "100 * sum of fb_i / FB",
     "areas: foreign_born (or foreign_born_share) of the area and of the areas it contains",
     "As parts_population_share, for the foreign-born: above 100, a note gives the gap."},

    /* Flows per area, year and kind (internal, international, all) */
    {"inflow", "Arrivals", CNT, CM_SCOPE_FLOW, "sum of count where destination = area",
     "flows: count, destination",
     "Per cell (area, year, kind): the T rows where any is given, else F + M where both sexes are "
     "given; missing when only one sex is given (the other is never taken as 0) or no row of the "
     "kind and year has the area as destination. A count over the flows' interval. Kind all: "
     "missing unless both kinds are known."},
    {"outflow", "Departures", CNT, CM_SCOPE_FLOW, "sum of count where origin = area",
     "flows: count, origin",
     "As inflow, with the area as origin: an absent origin is not taken as zero departures."},
    {"net", "Net migration", CNT, CM_SCOPE_FLOW, "inflow - outflow",
     "flows; else areas: net_internal_migration, net_international_migration",
     "From the flows when both inflow and outflow are known; otherwise the published "
     "net_*_migration of the area's row, flagged published; otherwise missing. A count over the "
     "flows' interval."},
    {"gross", "Gross migration (turnover)", CNT, CM_SCOPE_FLOW, "inflow + outflow", "flows",
     "Missing unless both inflow and outflow are known."},
    {"in_rate", "Arrivals per 1,000 residents per year", PKPY, CM_SCOPE_FLOW,
     "1000 * (inflow / N) / population, N = the years the flows cover",
     "flows (and their interval); areas: population of the same year",
     "Annual: flows that cover N years (a census question on the residence five years before) "
     "are divided by N. The denominator is the population of the flows' year (the end of the "
     "interval). Missing without inflow or population; div0 when population is 0."},
    {"out_rate", "Departures per 1,000 residents per year", PKPY, CM_SCOPE_FLOW,
     "1000 * (outflow / N) / population",
     "flows (and their interval); areas: population of "
     "the same year",
     "As in_rate. Missing without outflow or population; div0 when population is 0."},
    {"net_rate", "Net migration per 1,000 residents per year", PKPY, CM_SCOPE_FLOW,
     "1000 * (net / N) / population", "as net; areas: population of the same year",
     "As in_rate; a published net is one year's (N = 1). Missing without net or population; "
     "div0 when population is 0. Computed from a published net, it stays ok and says so."},
    {"effectiveness", "Migration effectiveness (Bell et al. 2002)", PCT, CM_SCOPE_FLOW,
     "100 * net / gross", "flows",
     "Missing unless both inflow and outflow are known; div0 when gross is 0."},
    {"surge", "Arrivals as % of residents, per year", PPY, CM_SCOPE_FLOW,
     "100 * (inflow / N) / population",
     "flows (and their interval); areas: population of the "
     "same year",
     "Annual, as in_rate, so the inflow-surge rule reads one year's arrivals. Missing without "
     "inflow or population; div0 when population is 0."},
    {"inflow_female_share", "Women among arrivals", PCT, CM_SCOPE_FLOW,
     "100 * inflow_F / (inflow_F + inflow_M)", "flows: count, sex",
     "Missing unless both F and M rows are given for the area, year and kind (whatever the T "
     "rows say: a T that differs from F + M is warned about when loading); div0 when both are "
     "0. Suppressed when either sex is below --min-count."},
    {"international_share_of_inflow", "International arrivals as % of all arrivals", PCT,
     CM_SCOPE_FLOW, "100 * inflow_international / (inflow_internal + inflow_international)",
     "flows: count, kind",
     "Kind all only. Missing unless both kinds' inflows are known; div0 "
     "when there are no arrivals."},

    /* System level: the declared zones of an internal system, per year */
    {"system_moves", "Moves between the zones of the system", CNT, CM_SCOPE_SYSTEM,
     "M = sum over the zones of the inflow from other zones",
     "flows of kind internal; the zones of the year",
     "Zones: the manifest's zones or zone_level, else the areas of areas.csv of the year at its "
     "finest level, else (undeclared) every area that is an end of an internal flow. A count "
     "over the flows' interval. Missing when a zone's inflow is missing."},
    {"moves_in_from_outside", "Moves into the zones from outside the system", CNT, CM_SCOPE_SYSTEM,
     "sum over the zones of the inflow from areas that are not zones",
     "flows of kind internal; the zones of the year",
     "Missing when the zones are not declared (there is no outside) or a zone's inflow is "
     "missing."},
    {"moves_out_to_outside", "Moves out of the zones to outside the system", CNT, CM_SCOPE_SYSTEM,
     "sum over the zones of the outflow to areas that are not zones",
     "flows of kind internal; the zones of the year", "As moves_in_from_outside, for outflows."},
    {"migration_intensity", "Crude migration intensity", PPY, CM_SCOPE_SYSTEM,
     "100 * (M / N) / sum(P), N = the years the flows cover",
     "flows; areas: population of every zone in the same year",
     "Internal systems only: international flows join cities to the rest of the world, which is "
     "no closed set of zones. Missing when any zone lacks a population; div0 when the total "
     "population is 0."},
    {"aggregate_effectiveness", "Aggregate migration effectiveness", PCT, CM_SCOPE_SYSTEM,
     "100 * sum|in - out| / sum(in + out), over moves between zones", "flows",
     "Missing when any zone's inflow or outflow is missing; div0 when there are no moves."},
    {"net_total", "Net migration summed over the zones", CNT, CM_SCOPE_SYSTEM,
     "sum (inflow - outflow) over the zones, their whole flows", "flows; the zones of the year",
     "Equals moves_in_from_outside - moves_out_to_outside: 0 only when nothing crosses the "
     "boundary, so a misspelt or missing zone shows. Missing when the zones are not declared "
     "(then it is 0 by construction) or any zone's inflow or outflow is missing."},
    {"aggregate_net_migration_rate", "Aggregate net migration rate", PPY, CM_SCOPE_SYSTEM,
     "100 * 0.5 * (sum|in - out| / N) / sum(P), over moves between zones",
     "flows; areas: population of every zone",
     "Missing as for the two above. It equals migration_intensity * aggregate_effectiveness / "
     "100 by definition (both count moves between zones)."},

    /* Spatial focusing of the system: its matrix of moves between zones */
    {"gini_connectivity", "Gini index of migration connectivity (GCI)", IDX, CM_SCOPE_SYSTEM,
     "sum_ij sum_kl |M_ij - M_kl| / (2 (N - 1) sum_ij M_ij), over the N = n (n - 1) pairs of "
     "the n zones (i != j, k != l)",
     "flows (kept by origin and destination: --pairs) of kind internal; the zones of the year",
     "Bell et al. (2002, JRSS A 165(3)), after Plane and Mulligan (1997), with their correction "
     "N - 1 for N, so that it runs from 0 (every pair of zones exchanges as many) to 1 (every "
     "move is in one pair). M_ij: the moves from zone i to zone j, 0 for a pair with no row. "
     "Only with --pairs (else missing: the pairs are not kept). T rows where any is given in "
     "the year, else F + M; missing when a zone's inflow or outflow is missing, or when the "
     "pairs do not add up to the zones' flows (T for some pairs, only F and M for others). "
     "Suppressed when a zone's flow or any pair's is below --min-count. div0 with one zone or "
     "no moves between the zones."},
    {"gini_in_migration", "Migration-weighted Gini of in-migration fields", IDX, CM_SCOPE_SYSTEM,
     "sum_j w_j G_j, G_j = sum_i sum_k |M_ij - M_kj| / (2 (n - 2) sum_i M_ij) over the origins "
     "i, k != j, w_j = sum_i M_ij / sum_ij M_ij",
     "as gini_connectivity",
     "Bell et al. (2002): each zone's in-migration field Gini G_j (how unevenly its arrivals "
     "spread over the other zones as origins), weighted by its share of the system's moves. "
     "From 0 to 1. div0 with fewer than three zones (each zone then has one partner), else as "
     "gini_connectivity."},
    {"gini_out_migration", "Migration-weighted Gini of out-migration fields", IDX, CM_SCOPE_SYSTEM,
     "sum_i w_i G_i, G_i = sum_j sum_l |M_ij - M_il| / (2 (n - 2) sum_j M_ij) over the "
     "destinations j, l != i, w_i = sum_j M_ij / sum_ij M_ij",
     "as gini_connectivity", "As gini_in_migration, over each zone's departures."},
    {"flow_cv", "Coefficient of variation of the flows between zones", IDX, CM_SCOPE_SYSTEM,
     "sd(M_ij) / mean(M_ij) over the N = n (n - 1) pairs (i != j), sd with divisor N",
     "as gini_connectivity",
     "Rogers and Raymer (1998), among Bell et al.'s (2002) measures of spatial focusing: 0 when "
     "every pair exchanges as many, up to sqrt(N - 1) when every move is in one pair. As "
     "gini_connectivity for what is missing, suppressed or div0."},

    /* Who an area exchanges with: per partner (the result's origin) */
    {"origin_flow_share", "Share of arrivals from one of the top origins", PCT, CM_SCOPE_PARTNER,
     "100 * M_pa / inflow, for the N origins p with the most arrivals (--partners N, default 5)",
     "flows (kept by origin and destination: --pairs)",
     "Only with --pairs: a row per listed origin, which is the row's origin; the most arrivals "
     "first, ties in the order of the ids; an origin with no arrivals is never listed. Kinds "
     "internal and international (not all). The pairs are read as the inflow is: T rows where "
     "any is given, else F + M; none when the inflow is missing. Suppressed when the origin's "
     "count is below --min-count, or with the only other such origin of the area "
     "(complementary suppression: the origins add up to the inflow, which is shown), or when "
     "the area's inflow is."},
    {"destination_flow_share", "Share of departures to one of the top destinations", PCT,
     CM_SCOPE_PARTNER,
     "100 * M_ap / outflow, for the N destinations p with the most departures (--partners N)",
     "flows (kept by origin and destination: --pairs)",
     "As origin_flow_share, over the area's departures; the destination is the row's origin."},
    {"net_exchange", "Net exchange with a partner", CNT, CM_SCOPE_PARTNER,
     "M_pa - M_ap: arrivals from partner p less departures to it",
     "flows (kept by origin and destination: --pairs)",
     "Only with --pairs: a row for every partner that has a row either way (the row's origin); "
     "a direction with no row for the partner is 0 where the area's flow of that direction is "
     "known. Kinds internal and international (not all). Summed over the partners it is net. "
     "Missing when the area's inflow or outflow is missing; suppressed when either count of the "
     "partner is, as origin_flow_share, or when the area's inflow or outflow is (they sum to "
     "net). A count over the flows' interval."},

    /* Diversity of origins (stocks, per area and year) */
    {"origin_count", "Countries of birth represented", CNT, CM_SCOPE_DIVERSITY,
     "K = number of origins with a count above 0",
     "stocks: count, origin (origin = the area itself is excluded; T rows, else F + M)",
     "Rows only for areas and years present in stocks.csv. Per origin: its T rows, else F + M "
     "where both are given; an origin given for one sex only makes every diversity value "
     "missing. The natives' row takes no part, in suppression either. With --min-count, one "
     "origin below it (its sexes together) suppresses every diversity value of the area and "
     "year: with few origins, the indices and the top share give the others' counts."},
    {"hhi", "Concentration of origins (Herfindahl-Hirschman)", IDX, CM_SCOPE_DIVERSITY,
     "sum of s_k^2, s_k = count_k / sum(count)", "stocks", "div0 when the stock is 0."},
    {"simpson", "Diversity of origins (Simpson)", IDX, CM_SCOPE_DIVERSITY, "1 - hhi", "stocks",
     "div0 when the stock is 0."},
    {"shannon", "Diversity of origins (Shannon entropy)", IDX, CM_SCOPE_DIVERSITY,
     "-sum of s_k * ln(s_k)", "stocks", "div0 when the stock is 0."},
    {"shannon_norm", "Evenness of origins (normalised Shannon)", IDX, CM_SCOPE_DIVERSITY,
     "shannon / ln(K)", "stocks", "div0 when the stock is 0 or there is one origin (ln 1 = 0)."},
    {"effective_origins", "Effective number of origins", RAT, CM_SCOPE_DIVERSITY, "1 / hhi",
     "stocks", "div0 when the stock is 0."},
    {"top_origin_share", "Share of the largest origin", PCT, CM_SCOPE_DIVERSITY,
     "100 * max(count_k) / sum(count); the origin column names it", "stocks",
     "div0 when the stock is 0. Ties go to the first origin in byte order."},

    {"effective_origins_shannon", "Effective number of origins (exponential of Shannon)", RAT,
     CM_SCOPE_DIVERSITY, "exp(shannon)", "stocks",
     "The number of equally large origins that would have the same Shannon entropy (Hill's "
     "number of order 1). It weighs small origins more than effective_origins (order 2, which "
     "answers how many large groups dominate), and less than origin_count. div0 when the stock "
     "is 0."},
    {"fractionalisation", "Fractionalisation of residents, natives and each origin", IDX,
     CM_SCOPE_DIVERSITY,
     "1 - sum of g_j^2 over the groups j = the natives and each origin, g_j = count_j / "
     "(natives + stock)",
     "stocks: the origins' rows and the natives' row (origin = the area itself)",
     "The chance that two residents drawn at random belong to different groups: it answers how "
     "diverse the population is, where simpson answers how diverse the foreign-born are. "
     "Missing without the natives' row; div0 when the stock and the natives are 0; suppressed "
     "when the natives' count or an origin's is below --min-count."},
    {"effective_groups", "Effective number of groups, natives and each origin", RAT,
     CM_SCOPE_DIVERSITY, "exp(-sum of g_j * ln(g_j)), over the natives and each origin",
     "as fractionalisation",
     "exp of the Shannon entropy of the groups: 1 where every resident is a native, and near 1 "
     "wherever natives are most residents, however many origins there are. As "
     "fractionalisation for missing, div0 and suppressed."},
    {"fb_median_age_group", "Median age group of the foreign-born (its lowest age)", YRS,
     CM_SCOPE_DIVERSITY,
     "the lowest age of the first age group, youngest first, whose foreign-born reach half of all",
     "stocks: count, age (and sex)",
     "Only where stocks.csv has an age column and the year's rows give age groups; its reason "
     "names the group. The foreign-born of a group are its origins' counts (each T, else F + M), "
     "the natives' rows (origin = the area) left out. Missing when any group's count is "
     "missing; div0 when there are no foreign-born; suppressed when any group's count is below "
     "--min-count."},

    /* Service access (per area, year and service) */
    {"rate_migrant", "Migrants with access", PCT, CM_SCOPE_SERVICE,
     "100 * with_access / population (group migrant)",
     "services: population, with_access (or access_rate)",
     "The published access_rate is used, flagged published, where the counts are absent. A "
     "rate of polarity lack (uninsured) gives access = 100 - rate, flagged ok with a note. "
     "Missing without a migrant row; div0 when population is 0."},
    {"rate_native", "Natives with access", PCT, CM_SCOPE_SERVICE,
     "100 * with_access / population (group native)",
     "services: population, with_access (or access_rate)", "As rate_migrant, for natives."},
    {"gap_pp", "Access gap, migrants minus natives", PP, CM_SCOPE_SERVICE,
     "rate_migrant - rate_native", "as the two rates",
     "Missing unless both rates are known; div0 when either group's population is 0. "
     "Negative: migrants have less access. From published rates, flagged ok with a note."},
    {"parity", "Access parity, migrants to natives", RAT, CM_SCOPE_SERVICE,
     "rate_migrant / rate_native", "as the two rates",
     "Missing unless both rates are known; div0 when rate_native is 0 or either group's "
     "population is 0."},
    {"relative_gap", "Relative access gap", PCT, CM_SCOPE_SERVICE, "100 * (parity - 1)",
     "as the two rates", "As parity."},
    {"gap_ci_low", "Access gap, lower bound of the 95% interval", PP, CM_SCOPE_SERVICE,
     "gap_pp - 1.96 * sqrt(se_migrant^2 + se_native^2)",
     "as gap_pp; services: standard_error of both groups",
     "Missing unless both rates and both standard errors are known (missing before div0); div0 "
     "as gap_pp."},
    {"gap_ci_high", "Access gap, upper bound of the 95% interval", PP, CM_SCOPE_SERVICE,
     "gap_pp + 1.96 * sqrt(se_migrant^2 + se_native^2)", "as gap_ci_low", "As gap_ci_low."},
    {"parity_ci_low", "Access parity, lower bound of the 95% interval", RAT, CM_SCOPE_SERVICE,
     "parity * exp(-1.96 * sqrt((se_migrant / rate_migrant)^2 + (se_native / rate_native)^2))",
     "as parity; services: standard_error of both groups",
     "The delta method on the log scale, so the bounds stay positive. Missing unless both rates "
     "and both standard errors are known; div0 when a rate is 0."},
    {"parity_ci_high", "Access parity, upper bound of the 95% interval", RAT, CM_SCOPE_SERVICE,
     "parity * exp(+1.96 * sqrt((se_migrant / rate_migrant)^2 + (se_native / rate_native)^2))",
     "as parity_ci_low", "As parity_ci_low."},
    {"service_data_coverage", "Services with data for both groups", PCT, CM_SCOPE_COVERAGE,
     "100 * services with data for both groups / services the area has rows for",
     "services: the rows of the area and year",
     "Per area and year present in services.csv. A service has data for both groups when "
     "both rows give counts or a rate, whatever their flags. The denominator counts the "
     "services named for this area and year (a service that another city reports does not "
     "count against this one), so it is never 0."},

    /* Residents and migrants by sex (sexes.c) */
    {"sex_ratio", "Men per 100 women among residents", RAT, CM_SCOPE_AREA,
     "100 * population_male / population_female", "areas: population_male, population_female",
     "Men per 100 women, the UN DESA convention. Missing without either input; div0 when "
     "population_female is 0. Where population is given too, the sexes must sum to it (checked "
     "when loading)."},
    {"fb_sex_ratio", "Men per 100 women among the foreign-born", RAT, CM_SCOPE_AREA,
     "100 * (foreign_born - foreign_born_female) / foreign_born_female",
     "areas: foreign_born, foreign_born_female",
     "Men per 100 women, the UN DESA convention. Missing without either input; div0 when "
     "foreign_born_female is 0. Suppressed when the women or the men (foreign_born - "
     "foreign_born_female) are below --min-count."},
    {"in_rate_female", "Arrivals of women per 1,000 female residents per year", PKPY, CM_SCOPE_FLOW,
     "1000 * (inflow_F / N) / population_female",
     "flows: count, sex (and their interval); areas: population_female of the same year",
     "Only in datasets whose areas give residents by sex (population_female or population_male "
     "in some row). Annual, as in_rate. Missing unless both F and M rows are given for the area, "
     "year, kind "
     "and direction, or without population_female; div0 when population_female is 0. "
     "Suppressed when either sex's arrivals are below --min-count, so that neither sex can be "
     "recovered from the total."},
    {"in_rate_male", "Arrivals of men per 1,000 male residents per year", PKPY, CM_SCOPE_FLOW,
     "1000 * (inflow_M / N) / population_male",
     "flows: count, sex (and their interval); areas: population_male of the same year",
     "As in_rate_female, for men."},
    {"out_rate_female", "Departures of women per 1,000 female residents per year", PKPY,
     CM_SCOPE_FLOW, "1000 * (outflow_F / N) / population_female",
     "flows: count, sex (and their interval); areas: population_female of the same year",
     "As in_rate_female, with the area as origin."},
    {"out_rate_male", "Departures of men per 1,000 male residents per year", PKPY, CM_SCOPE_FLOW,
     "1000 * (outflow_M / N) / population_male",
     "flows: count, sex (and their interval); areas: population_male of the same year",
     "As in_rate_female, for men, with the area as origin."},

    /* Migrants by age group (ages.c), where flows.csv has an age column */
    {"in_median_age_group", "Median age group of arrivals (its lowest age)", YRS, CM_SCOPE_FLOW,
     "the lowest age of the first age group, youngest first, whose arrivals reach half of all",
     "flows: count, age (and sex)",
     "Only for the years and kinds whose flows give ages (kinds internal and international, not "
     "all); its reason names the group. Missing when any age group's arrivals are missing; "
     "div0 when there are no arrivals; suppressed when any age group's arrivals are below "
     "--min-count."},
    {"out_median_age_group", "Median age group of departures (its lowest age)", YRS, CM_SCOPE_FLOW,
     "the lowest age of the first age group, youngest first, whose departures reach half of all",
     "flows: count, age (and sex)", "As in_median_age_group, with the area as origin."},
    {"in_age_share", "Share of the age group among arrivals", PCT, CM_SCOPE_AGE,
     "100 * inflow_g / sum over the age groups g' of inflow_g'", "flows: count, age (and sex)",
     "For every age group the rows of the year and kind name (kinds internal and international, "
     "not all). A group's arrivals are resolved as "
     "a total is (T rows, else F + M, else missing); missing when the group's or any other "
     "group's arrivals are missing (an area with no row of a group has no 0 for it); div0 when "
     "there are no arrivals. Suppressed when the group's arrivals are below --min-count; when "
     "exactly one group is, the group with the smallest non-zero arrivals is suppressed with it "
     "(complementary suppression). The shares of an area sum to 100. They are over the sum of "
     "the groups, which equals inflow unless some groups of the area are given as T rows and "
     "others by sex only (inflow then follows the T rows, as every total does)."},
    {"out_age_share", "Share of the age group among departures", PCT, CM_SCOPE_AGE,
     "100 * outflow_g / sum over the age groups g' of outflow_g'", "flows: count, age (and sex)",
     "As in_age_share, with the area as origin."},
    {"in_rate_age", "Arrivals of the age group per 1,000 residents of that age per year", PKPY,
     CM_SCOPE_AGE, "1000 * (inflow_g / N) / population_g",
     "flows: count, age (and their interval); areas: pop_0_14, pop_15_64 or pop_65_plus",
     "Annual, as in_rate. The residents of a group come from the areas column of the same ages: "
     "0-14 from pop_0_14, 15-64 from pop_15_64, 65+ from pop_65_plus; any other group is "
     "missing (no population of that age group). Missing without the group's arrivals; div0 "
     "when its residents are 0; suppressed as in_age_share."},
    {"out_rate_age", "Departures of the age group per 1,000 residents of that age per year", PKPY,
     CM_SCOPE_AGE, "1000 * (outflow_g / N) / population_g",
     "flows: count, age (and their interval); areas: pop_0_14, pop_15_64 or pop_65_plus",
     "As in_rate_age, with the area as origin."},

    /* The foreign-born by age group (ages.c), where stocks.csv has an age column */
    {"fb_age_share", "Share of the age group among the foreign-born", PCT, CM_SCOPE_AGE,
     "100 * foreign_born_g / sum over the age groups g' of foreign_born_g'",
     "stocks: count, age (and sex)",
     "For every age group the stock rows of the area and year name, without a kind of move. "
     "foreign_born_g sums the group's count of each origin, each resolved as a total is (T rows, "
     "else F + M); the natives' rows (origin = the area) are left out. Missing when an origin's "
     "count in any group is missing (only one sex given); div0 when there are no foreign-born. "
     "Suppressed as in_age_share (with complementary suppression). The shares of an area sum to "
     "100. Diversity sums the same counts over the groups."},
    {"fb_share_of_age_group", "Foreign-born share of the residents of the age group", PCT,
     CM_SCOPE_AGE, "100 * foreign_born_g / population_g",
     "stocks: count, age; areas: pop_0_14, pop_15_64 or pop_65_plus",
     "The residents of a group come from the areas column of the same ages, as for in_rate_age; "
     "any other group is missing. Missing without the group's foreign-born; div0 when its "
     "residents are 0; suppressed as fb_age_share."},
};

const cm_indicator_def *cm_indicator_defs(size_t *count)
{
    *count = sizeof defs / sizeof defs[0];
    return defs;
}

/* The registry's ids hashed into a table filled once (evaluators look an
   indicator up for every value they emit): entry index + 1, 0 empty. */
enum { ID_SLOTS = 512 };
_Static_assert(ID_SLOTS >= 2 * sizeof defs / sizeof defs[0], "id table at most half full");
static uint16_t id_slot[ID_SLOTS];
static pthread_once_t id_once = PTHREAD_ONCE_INIT;

static size_t id_home(const char *id)
{
    return (size_t)cm_hash_bytes(id, strlen(id)) & (ID_SLOTS - 1);
}

static void fill_id_slots(void)
{
    for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++) {
        size_t k = id_home(defs[i].id);
        while (id_slot[k])
            k = (k + 1) & (ID_SLOTS - 1);
        id_slot[k] = (uint16_t)(i + 1);
    }
}

int cm_indicator_find(const char *id)
{
    pthread_once(&id_once, fill_id_slots);
    for (size_t k = id_home(id); id_slot[k]; k = (k + 1) & (ID_SLOTS - 1))
        if (strcmp(defs[id_slot[k] - 1].id, id) == 0)
            return id_slot[k] - 1;
    return -1;
}

const char *cm_flag_str(cm_flag flag)
{
    static const char *const names[] = {"ok",         "missing",   "div0",
                                        "suppressed", "published", "inconsistent"};
    _Static_assert(sizeof names / sizeof names[0] == CM_FLAG_COUNT, "flag names");
    return (unsigned)flag < CM_FLAG_COUNT ? names[flag] : "?";
}

const char *cm_unit_str(cm_unit unit)
{
    static const char *const names[] = {"%",          "count", "ratio", "per 1,000",
                                        "% per year", "index", "pp",    "per 1,000 per year",
                                        "years"};
    _Static_assert(sizeof names / sizeof names[0] == CM_UNIT_COUNT_, "unit names");
    return (unsigned)unit < CM_UNIT_COUNT_ ? names[unit] : "?";
}

const char *cm_scope_str(cm_scope scope)
{
    static const char *const names[] = {"area and year",
                                        "area, between consecutive years",
                                        "city and year, over its districts",
                                        "area and year, over the areas it contains",
                                        "area, year and kind",
                                        "the zones of an internal system, and a year",
                                        "area and year (stocks)",
                                        "area, year and service",
                                        "area and year (services)",
                                        "area, year, kind and partner",
                                        "area, year, kind and age group"};
    _Static_assert(sizeof names / sizeof names[0] == CM_SCOPE_COUNT_, "scope names");
    return (unsigned)scope < CM_SCOPE_COUNT_ ? names[scope] : "?";
}

const char *cm_kind_str(int kind)
{
    switch (kind) {
    case CM_KIND_INTERNAL:
        return "internal";
    case CM_KIND_INTERNATIONAL:
        return "international";
    case CM_KIND_ALL:
        return "all";
    }
    return "";
}
