#!/usr/bin/env python3
"""Property tests of `citymig indicators` on generated datasets.

Usage: python3 tests/property/property.py CITYMIG [--seeds N] [--seed S]
                                          [--layout L] [--keep] [--all]
                                          [--examples K]

For every seed, three datasets are generated (deterministically: the same
seed gives the same files), one per sex layout:

  T      every flow and stock row has sex T;
  FM     F and M rows only (a few pairs give one sex only);
  mixed  some cells T, some F + M, some T and F + M, some one sex only.

Each dataset is run twice: without --min-count and with a threshold chosen
so that about a third of the counts fall below it; and both again with
--pairs.  The generator keeps its
own truth and the checks compare the long table with it:

  P1a  kinds of all: internal, international and all rows of inflow,
       outflow, net and gross: never exactly one suppressed, two shown.
  P1b  a shown inflow_female_share: neither F nor M (of its kind, and for
       kind all of each kind) is below the threshold (0 < x < N); its
       numerator is F, its denominator F + M.
  P1c  zones of a year's internal system: when a system total or the
       numerator of a system ratio is shown, never exactly one zone's
       internal inflow (outflow, net, gross) is suppressed while every other
       zone's is shown (a zone whose value is missing is a second unknown:
       nothing can be recovered by subtraction then).
  P1d  a suppressed row shows no value, numerator, denominator or origin.
  P1e  a row derived from a suppressed count of the same area, year and
       kind is not shown (net, gross, rates, effectiveness, the female
       share whose denominator is the suppressed inflow, the
       international share of inflow).
  P2   every area with a row in any input has a row in the output.
  P3   per year's declared internal system: net_total is the rule's
       sum over the zones of inflow - outflow (missing when a zone's is);
       the sum of the zones' shown nets is net_total; system_moves,
       moves_in_from_outside and moves_out_to_outside equal the truth and
       net_total = moves_in_from_outside - moves_out_to_outside, in the
       years where that truth is unambiguous: every pair of areas touching a
       zone has a known total (T, or F and M) and every zone's cell is read
       all from T rows or all from F + M rows.  (Where a zone's inflow mixes
       T pairs with F/M-only pairs, the rule takes the T rows only and the
       split between moves inside and across the boundary depends on how
       the rule is carried over; those years are not compared.)
  P4   inflow, outflow, net and gross per area, year and kind equal the
       truth of the per-cell rule (T rows where any, else F + M where both,
       else missing); a missing total is flagged missing; a count below the
       threshold is not shown.  Stocks: the natives' row is excluded from
       the diversity indices and from suppression; an origin whose total is
       missing makes the shares missing.
  R    rows whose flag is not ok or published have an empty value; system
       rows have an empty area_id, kind internal, one per indicator and year.
  P5   with --pairs (each dataset is run with it too, --partners 1000):
       per area, year and kind, the net exchanges with the partners sum to
       net where all are shown; the shown shares of the top origins
       (destinations) sum to the inflow (outflow), their denominator; a
       shown partner count is never below the threshold; and never exactly
       one partner figure is suppressed while the area's figure it sums to
       is shown (it could be recovered by subtraction). A suppressed
       partner row keeps its partner (the row's origin), nothing else.

The harness is itself tested with tests/property/reference_citymig.py, a
small Python model of the rules: `property.py reference_citymig.py` exits 0,
and with REFERENCE_BUG=<name> (names in that file) it exits 1 and names the
property the injected bug breaks.

Exit status: 0 every property holds, 1 violations (listed, with the seed,
the layout and the kept dataset folder under $TMPDIR), 2 usage error.
"""

import argparse
import csv
import io
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

LAYOUTS = ("T", "FM", "mixed")
KINDS = ("internal", "international")
SYSTEM_INDICATORS = (
    "system_moves",
    "moves_in_from_outside",
    "moves_out_to_outside",
    "net_total",
    "migration_intensity",
    "aggregate_effectiveness",
    "aggregate_net_migration_rate",
    "gini_connectivity",
    "gini_in_migration",
    "gini_out_migration",
    "flow_cv",
)
PARTNERS = ("origin_flow_share", "destination_flow_share", "net_exchange")
SYSTEM_TOTALS = ("system_moves", "moves_in_from_outside", "moves_out_to_outside", "net_total")
SYSTEM_RATIOS = ("migration_intensity", "aggregate_effectiveness", "aggregate_net_migration_rate")
DIVERSITY = ("origin_count", "hhi", "simpson", "shannon", "shannon_norm", "effective_origins",
             "top_origin_share")
DIVERSITY_SHARES = ("hhi", "simpson", "shannon", "shannon_norm", "effective_origins",
                    "top_origin_share")
SHOWN = ("ok", "published")
FLAGS = ("ok", "missing", "div0", "suppressed", "published", "inconsistent")
LEVELS = ("world", "region", "country", "metro", "city", "district")
COLUMNS = ("area_id", "year", "base_year", "kind", "service", "origin", "indicator", "value",
           "unit", "numerator", "denominator", "flag", "reason")
# Rows of an area, year and kind that derive from its inflow / outflow.
FROM_IN = ("net", "gross", "in_rate", "surge", "net_rate", "effectiveness")
FROM_OUT = ("net", "gross", "out_rate", "net_rate", "effectiveness")


# ---------------------------------------------------------------- generator

def split_sexes(rng, c):
    f = int(round(c * rng.uniform(0.25, 0.75)))
    return f, c - f


def draw_count(rng, small=0.45):
    r = rng.random()
    if r < 0.04:
        return 0
    if r < small:
        return rng.randint(1, 12)
    return int(math.exp(rng.uniform(math.log(13), math.log(400))))


class Dataset:
    """One generated dataset: its rows, and the facts the checks need."""

    def __init__(self, seed, layout):
        self.seed = seed
        self.layout = layout
        self.rng = random.Random("citymig-property-%d-%s" % (seed, layout))
        self.areas = []      # dicts
        self.flows = []      # (year, origin, destination, kind, count, sex)
        self.stocks = []     # (area, year, origin, count, sex)
        self.services = []   # (area, year, service, group, population, with_access)
        self.zones = {}      # year -> set of zone ids
        self.populations = {}  # (area, year) -> population
        self.generate()

    # A pair's rows, by its layout: T, FM, TFM, F or M.
    def emit_pair(self, out, key, c, lay):
        rng = self.rng
        f, m = split_sexes(rng, c)
        rows = []
        if lay in ("T", "TFM"):
            rows.append(("T", c))
        if lay in ("FM", "TFM"):
            rows += [("F", f), ("M", m)]
        if lay == "F":
            rows.append(("F", f))
        if lay == "M":
            rows.append(("M", m))
        for sex, v in rows:
            if v >= 2 and rng.random() < 0.1:  # the same key twice: it adds up
                a = rng.randint(1, v - 1)
                out.append(key + (a, sex))
                out.append(key + (v - a, sex))
            else:
                out.append(key + (v, sex))

    def pair_layout(self, mode, groups, o, d):
        rng = self.rng
        if self.layout == "T":
            return "T"
        if self.layout == "FM":
            return "FM"
        if mode == "random":
            return rng.choices(("T", "FM", "TFM", "F", "M"), (30, 30, 25, 7.5, 7.5))[0]
        # block: T-ish areas among themselves, FM-ish areas among themselves
        go, gd = groups[o], groups[d]
        if go != gd:
            return None
        if go == "T":
            return "T" if rng.random() < 0.6 else "TFM"
        r = rng.random()
        return "FM" if r < 0.94 else ("F" if r < 0.97 else "M")

    def generate(self):
        rng = self.rng
        ncities = rng.randint(4, 7)
        cities = ["c%02d" % i for i in range(1, ncities + 1)]
        start = rng.randint(2015, 2020)
        nyears = rng.randint(2, 3)
        years = [start + i for i in range(nyears)]
        if nyears == 3 and rng.random() < 0.3:
            years[2] += 1  # a gap
        self.years = years
        country = "XX"
        rest = ["XX-R1", "XX-R2"]
        foreign = rng.sample(["FR", "DE", "IT", "PL", "MA", "TR"], rng.randint(2, 4))
        rest_only_origin = "XX-RO" if rng.random() < 0.8 else None
        foreign_only_origin = "ZZ-O" if rng.random() < 0.8 else None
        dropout = None  # a city left out of areas.csv for one year
        if rng.random() < 0.35:
            dropout = (rng.choice(cities), rng.choice(years))
        self.dropout = dropout

        for y in years:
            present = [c for c in cities if dropout != (c, y)]
            self.zones[y] = set(present)
            pops = {}
            for c in present:
                p = rng.randint(20000, 900000)
                pops[c] = p
                self.populations[(c, y)] = p
                self.areas.append({"area_id": c, "level": "city", "parent_id": country, "year": y,
                                   "population": p, "foreign_born": int(p * rng.uniform(0.02, 0.3))})
            p = sum(pops.values()) + rng.randint(10 ** 6, 10 ** 7)
            self.populations[(country, y)] = p
            self.areas.append({"area_id": country, "level": "country", "parent_id": "", "year": y,
                               "population": p, "foreign_born": int(p * 0.1)})

        self.year_mode = {}
        for y in years:
            mode = "random"
            if self.layout == "mixed" and rng.random() < 0.5:
                mode = "block"
            self.year_mode[y] = mode
            groups = {a: ("T" if rng.random() < 0.5 else "FM")
                      for a in cities + rest + foreign + ["XX-RO", "ZZ-O"]}
            # FM layout: one or two pairs of the dataset give one sex only
            one_sex = set()
            pairs = []  # (o, d, kind)
            no_out = rng.choice(cities) if rng.random() < 0.08 else None
            p_pair = rng.uniform(0.3, 0.6)
            for o in cities:
                for d in cities:
                    if o != d and o != no_out and rng.random() < p_pair:
                        pairs.append((o, d, "internal"))
            for r in rest:
                for c in cities:
                    if rng.random() < 0.5:
                        pairs.append((r, c, "internal"))
                    if c != no_out and rng.random() < 0.5:
                        pairs.append((c, r, "internal"))
            if rest_only_origin:
                for c in rng.sample(cities, rng.randint(1, 2)):
                    pairs.append((rest_only_origin, c, "internal"))
            for f in foreign:
                for c in cities:
                    if rng.random() < 0.5:
                        pairs.append((f, c, "international"))
                    if rng.random() < 0.4:
                        pairs.append((c, f, "international"))
            if foreign_only_origin:
                for c in rng.sample(cities, rng.randint(1, 2)):
                    pairs.append((foreign_only_origin, c, "international"))
            if self.layout == "FM":
                for _ in range(rng.randint(0, 2)):
                    one_sex.add(rng.randrange(len(pairs)))
            for i, (o, d, kind) in enumerate(pairs):
                lay = self.pair_layout(self.year_mode[y], groups, o, d)
                if lay is None:
                    continue
                if i in one_sex:
                    lay = rng.choice("FM")
                self.emit_pair(self.flows, (y, o, d, kind), draw_count(rng), lay)
            if rng.random() < 0.3:  # a stayer, excluded from the flows
                c = rng.choice(cities)
                self.flows.append((y, c, c, "internal", rng.randint(1, 50), "T"))
        rng.shuffle(self.flows)

        # stocks: the natives' row (origin = the area) and foreign origins
        stock_areas = list(cities)
        self.stock_only = "c90" if rng.random() < 0.5 else None
        if self.stock_only:
            stock_areas.append(self.stock_only)
        for y in years:
            for a in stock_areas:
                if a != self.stock_only and rng.random() < 0.25:
                    continue
                pop = self.populations.get((a, y), 100000)
                natives = rng.randint(1, 6) if rng.random() < 0.2 else int(pop * 0.8)
                origins = [(a, natives)]
                for o in rng.sample(foreign + ["US", "CN", "IN"], rng.randint(1, 5)):
                    origins.append((o, draw_count(rng, small=0.4)))
                for o, c in origins:
                    if self.layout == "T":
                        lay = "T"
                    elif self.layout == "FM":
                        lay = "FM" if rng.random() < 0.95 else rng.choice("FM")
                    else:
                        lay = rng.choices(("T", "FM", "TFM", "F", "M"), (35, 30, 25, 5, 5))[0]
                    f, m = split_sexes(rng, c)
                    if lay in ("T", "TFM"):
                        self.stocks.append((a, y, o, c, "T"))
                    if lay in ("FM", "TFM", "F"):
                        self.stocks.append((a, y, o, f, "F"))
                    if lay in ("FM", "TFM", "M"):
                        self.stocks.append((a, y, o, m, "M"))
        rng.shuffle(self.stocks)

        # services
        svc_areas = list(cities)
        self.service_only = "c91" if rng.random() < 0.5 else None
        if self.service_only:
            svc_areas.append(self.service_only)
        for y in years:
            for a in svc_areas:
                if a != self.service_only and rng.random() < 0.4:
                    continue
                for s in ("health", "school"):
                    for g in ("migrant", "native"):
                        p = rng.randint(5, 5000)
                        self.services.append((a, y, s, g, p, rng.randint(0, p)))

    def write(self, folder):
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "areas.csv"), "w", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            cols = ["area_id", "level", "parent_id", "year", "population", "foreign_born"]
            w.writerow(cols)
            for r in self.areas:
                w.writerow([r[c] for c in cols])
        with open(os.path.join(folder, "flows.csv"), "w", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["year", "origin", "destination", "kind", "count", "sex"])
            w.writerows(self.flows)
        with open(os.path.join(folder, "stocks.csv"), "w", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["area_id", "year", "origin", "count", "sex"])
            w.writerows(self.stocks)
        with open(os.path.join(folder, "services.csv"), "w", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["area_id", "year", "service", "group", "population", "with_access"])
            w.writerows(self.services)


# -------------------------------------------------------------------- truth

class Cell:
    """The rows of one (area, year, kind, direction): sums per sex."""
    __slots__ = ("sums", "pairs")

    def __init__(self):
        self.sums = {}   # sex -> sum
        self.pairs = {}  # partner -> {sex: sum}

    def add(self, partner, sex, v):
        self.sums[sex] = self.sums.get(sex, 0) + v
        p = self.pairs.setdefault(partner, {})
        p[sex] = p.get(sex, 0) + v

    def total(self):
        """The per-cell rule: T where any T row, else F + M where both, else None."""
        if "T" in self.sums:
            return self.sums["T"]
        if "F" in self.sums and "M" in self.sums:
            return self.sums["F"] + self.sums["M"]
        return None

    def basis(self):
        if "T" in self.sums:
            return "T"
        if "F" in self.sums and "M" in self.sums:
            return "FM"
        return "missing (%s only)" % "".join(sorted(self.sums)) if self.sums else "no rows"

    def describe(self):
        return "%s = %s, rows %s" % (self.basis(), self.total(),
                                     ", ".join("%s=%d" % (s, v) for s, v in sorted(self.sums.items())))


def pair_total(sexes):
    if "T" in sexes:
        return sexes["T"]
    if "F" in sexes and "M" in sexes:
        return sexes["F"] + sexes["M"]
    return None


class Truth:
    def __init__(self, ds):
        self.ds = ds
        self.cells = {}  # (area, year, kind, 'in'|'out') -> Cell
        for (y, o, d, kind, c, sex) in ds.flows:
            if o == d:
                continue
            self.cell(d, y, kind, "in", True).add(o, sex, c)
            self.cell(o, y, kind, "out", True).add(d, sex, c)
        self.flow_areas = set()
        for (y, o, d, kind, c, sex) in ds.flows:
            self.flow_areas.add(o)
            self.flow_areas.add(d)
        self.input_areas = {}
        for r in ds.areas:
            self.input_areas.setdefault(r["area_id"], "areas.csv")
        for (y, o, d, kind, c, sex) in ds.flows:
            self.input_areas.setdefault(d, "flows.csv (destination)")
            self.input_areas.setdefault(o, "flows.csv (origin only)")
        for r in ds.stocks:
            self.input_areas.setdefault(r[0], "stocks.csv")
        for r in ds.services:
            self.input_areas.setdefault(r[0], "services.csv")
        # stocks: (area, year) -> {origin: {sex: count}}
        self.stock = {}
        for (a, y, o, c, sex) in ds.stocks:
            self.stock.setdefault((a, y), {}).setdefault(o, {})[sex] = c

    def cell(self, area, year, kind, direction, create=False):
        k = (area, year, kind, direction)
        if create and k not in self.cells:
            self.cells[k] = Cell()
        return self.cells.get(k)

    def total(self, area, year, kind, direction):
        """(known, value): known False when the rule says missing."""
        if kind == "all":
            a = self.total(area, year, "internal", direction)
            b = self.total(area, year, "international", direction)
            if a[0] and b[0]:
                return True, a[1] + b[1]
            return False, None
        c = self.cell(area, year, kind, direction)
        if c is None or c.total() is None:
            return False, None
        return True, c.total()

    def sex_sum(self, area, year, kind, sex):
        """Sum of one sex's inflow rows; None without such rows."""
        if kind == "all":
            a = self.sex_sum(area, year, "internal", sex)
            b = self.sex_sum(area, year, "international", sex)
            return None if a is None or b is None else a + b
        c = self.cell(area, year, kind, "in")
        if c is None or sex not in c.sums:
            return None
        return c.sums[sex]

    def has_rows(self, area, year, kind):
        return (self.cell(area, year, kind, "in") is not None
                or self.cell(area, year, kind, "out") is not None)

    def system(self, year):
        """The internal system of a year, from the generator's flows."""
        zones = self.ds.zones[year]
        s = {"zones": sorted(zones)}
        nt, why = 0, None
        for z in sorted(zones):
            for direction in ("in", "out"):
                known, v = self.total(z, year, "internal", direction)
                if not known:
                    c = self.cell(z, year, "internal", direction)
                    why = why or "zone %s %sflow %s" % (z, direction, c.basis() if c else "no rows")
                else:
                    nt += v if direction == "in" else -v
        s["net_total"] = None if why else nt
        s["net_total_why"] = why
        # Exact: every pair touching a zone has a known total and every zone's
        # cell is read all from T rows or all from F + M; then any reading of
        # the rule gives the same system totals.
        exact, why = True, None
        moves = in_out = out_out = 0
        for z in sorted(zones):
            for direction in ("in", "out"):
                c = self.cell(z, year, "internal", direction)
                if c is None:
                    continue
                with_t = [("T" in sx) for sx in c.pairs.values()]
                if any(with_t) and not all(with_t):
                    exact, why = False, why or "zone %s %sflow mixes T pairs and F/M-only pairs" % (z, direction)
                for partner, sx in c.pairs.items():
                    t = pair_total(sx)
                    if t is None:
                        exact, why = False, why or "pair %s-%s gives one sex only" % (
                            (partner, z) if direction == "in" else (z, partner))
                        continue
                    if direction == "in":
                        if partner in zones:
                            moves += t
                        else:
                            in_out += t
                    elif partner not in zones:
                        out_out += t
        s["exact"] = exact
        s["exact_why"] = why
        s["system_moves"] = moves if exact else None
        s["moves_in_from_outside"] = in_out if exact else None
        s["moves_out_to_outside"] = out_out if exact else None
        s["all_cells_known"] = all(self.total(z, year, "internal", d)[0]
                                   for z in zones for d in ("in", "out"))
        pops = [self.ds.populations.get((z, year)) for z in zones]
        s["population"] = sum(pops) if all(p is not None for p in pops) else None
        return s

    def threshold(self):
        vals = []
        for c in self.cells.values():
            t = c.total()
            if t:
                vals.append(t)
            for sx in ("F", "M"):
                if c.sums.get(sx):
                    vals.append(c.sums[sx])
        for origins in self.stock.values():
            for sx in origins.values():
                t = pair_total(sx)
                if t:
                    vals.append(t)
        vals.sort()
        if not vals:
            return 5
        return max(2, vals[int(len(vals) * 0.35)] + 1)


# ------------------------------------------------------------------- output

class Row:
    __slots__ = ("d", "line")

    def __init__(self, d, line):
        self.d = d
        self.line = line

    def __getitem__(self, k):
        return self.d.get(k, "")

    @property
    def flag(self):
        return self.d.get("flag", "")

    @property
    def shown(self):
        return self.flag in SHOWN


def num(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def parse_output(text):
    rows = []
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise ValueError("empty output")
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ValueError("columns %s not in the header %s" % (missing, header))
    for rec in reader:
        if not rec:
            continue
        d = dict(zip(header, rec))
        buf = io.StringIO()
        csv.writer(buf, lineterminator="").writerow(rec[:len(COLUMNS)])
        rows.append(Row(d, buf.getvalue()))
    return rows


class Index:
    def __init__(self, rows):
        self.rows = rows
        self.by = {}
        self.dups = []
        for r in rows:
            k = (r["area_id"], r["year"], r["base_year"], r["kind"], r["service"], r["indicator"])
            if k in self.by:
                self.dups.append((self.by[k], r))
            self.by[k] = r
        self.area_ids = {r["area_id"] for r in rows}

    def flow(self, area, year, kind, ind):
        return self.by.get((area, str(year), "", kind, "", ind))

    def system(self, year, ind, kind="internal"):
        return self.by.get(("", str(year), "", kind, "", ind))

    def stock(self, area, year, ind):
        return self.by.get((area, str(year), "", "", "", ind))


def eq(a, b):
    return a is not None and b is not None and abs(a - b) <= 1e-9 * max(1.0, abs(b))


# ------------------------------------------------------------------- checks

class Violation:
    """One violation: its property, a category (the same for every
    occurrence of one engine deviation), the details and the rows."""

    def __init__(self, prop, cat, what, rows=()):
        self.prop = prop
        self.cat = cat
        self.what = what
        self.rows = [r for r in rows if r is not None]


def small(x, n):
    return n > 0 and x is not None and 0 < x < n


def check(ds, truth, rows, n, cov=None):
    """The violations of one run; cov counts what was checked."""
    out = []
    cov = {} if cov is None else cov

    def C(key):
        cov[key] = cov.get(key, 0) + 1
    partner_rows = [r for r in rows if r["indicator"] in PARTNERS]
    rows = [r for r in rows if r["indicator"] not in PARTNERS]
    ix = Index(rows)

    def V(prop, cat, what, rows=()):
        out.append(Violation(prop, cat, what, rows))

    check_partners(ix, partner_rows, n, V, C)

    # R: flags and values, duplicates; P1d: suppressed rows
    for r in rows:
        if r.flag not in FLAGS:
            V("R", "unknown flag %r" % r.flag, "unknown flag %r" % r.flag, [r])
        elif r.flag not in SHOWN and r["value"] != "":
            V("R", "%s flagged %s has a value" % (r["indicator"], r.flag),
              "flag %s with a value" % r.flag, [r])
        if r.flag == "suppressed":
            shows = [c for c in ("value", "numerator", "denominator", "origin") if r[c] != ""]
            if shows:
                V("P1d", "suppressed %s shows its %s" % (r["indicator"], " and ".join(shows)),
                  "%s %s %s: suppressed row shows its %s" % (r["area_id"] or "(system)", r["year"],
                                                             r["indicator"], " and ".join(shows)), [r])
            if n == 0:
                V("R", "%s suppressed without --min-count" % r["indicator"],
                  "suppressed without --min-count", [r])
    for a, b in ix.dups[:5]:
        V("R", "two rows with the same key", "two rows with the same key", [a, b])

    # R: system rows
    for r in rows:
        if r["area_id"] == "" and (r["kind"] != "internal" or r["indicator"] not in SYSTEM_INDICATORS):
            V("R", "row with an empty area_id and kind %s (no system rows but internal ones)" % (
                r["kind"] or "(empty)"), "%s %s %s" % (r["year"], r["kind"], r["indicator"]), [r])
        if r["indicator"] in SYSTEM_INDICATORS and r["area_id"] != "":
            V("R", "system indicator %s with an area_id" % r["indicator"], r["area_id"], [r])
    internal_years = sorted({y for (y, o, d, k, c, s) in ds.flows if k == "internal" and o != d})
    for y in internal_years:
        absent = [i for i in SYSTEM_INDICATORS if ix.system(y, i) is None]
        if absent:
            V("R", "no internal system row for " + ", ".join(absent),
              "year %d: no internal system row for %s" % (y, ", ".join(absent)))

    # P2: every area of the inputs has a row
    lost = sorted(a for a in truth.input_areas if a not in ix.area_ids)
    if lost:
        V("P2", "no row for areas found only in " + ", ".join(sorted({truth.input_areas[a] for a in lost})),
          "areas of the inputs with no row in the output: " +
          ", ".join("%s (%s)" % (a, truth.input_areas[a]) for a in lost))

    flow_keys = sorted({(a, y) for (a, y, k, d) in truth.cells})
    for (a, y) in flow_keys:
        kinds = [k for k in KINDS if truth.has_rows(a, y, k)] + ["all"]
        # P4: totals by the per-cell rule
        for kind in kinds:
            for ind, direction in (("inflow", "in"), ("outflow", "out")):
                r = ix.flow(a, y, kind, ind)
                known, t = truth.total(a, y, kind, direction)
                c = truth.cell(a, y, kind, direction) if kind != "all" else None
                if kind == "all":
                    basis = "kind all"
                    desc = "internal %s, international %s" % (
                        truth.total(a, y, "internal", direction)[1],
                        truth.total(a, y, "international", direction)[1])
                else:
                    basis = c.basis() if c else "no %s rows" % direction
                    desc = c.describe() if c else basis
                where = "%s %d %s %s" % (a, y, kind, ind)
                if r is None:
                    if kind != "all" and a in ix.area_ids:
                        V("P4", "no %s row though the cell has rows (%s)" % (ind, basis),
                          "%s: no row (cell: %s)" % (where, desc))
                    continue
                if not known:
                    C("P4 missing totals checked" + (" (one sex only)" if c and c.sums else ""))
                    if r.flag != "missing":
                        V("P4", "%s of a missing cell (%s) flagged %s" % (ind, basis, r.flag),
                          "%s: the rule says missing (%s), flag is %s, value %r" % (
                              where, desc, r.flag, r["value"]), [r])
                    continue
                C("P4 known totals checked (%s)" % basis)
                if r.shown:
                    if not eq(num(r["value"]), t):
                        V("P4", "%s of a cell read from %s: wrong value" % (ind, basis),
                          "%s: shown %s, truth %d (%s)" % (where, r["value"], t, desc), [r])
                    elif small(t, n):
                        V("P4", "%s below --min-count shown" % ind,
                          "%s: %d is below --min-count %d and shown" % (where, t, n), [r])
                elif r.flag == "missing":
                    V("P4", "%s of a known cell (%s) flagged missing" % (ind, basis),
                      "%s: flagged missing, the rule gives %d (%s)" % (where, t, desc), [r])
                elif r.flag != "suppressed":
                    V("P4", "%s of a known cell flagged %s" % (ind, r.flag),
                      "%s: flag %s, truth %d" % (where, r.flag, t), [r])
            ki, vi = truth.total(a, y, kind, "in")
            ko, vo = truth.total(a, y, kind, "out")
            for ind, f in (("net", lambda i, o: i - o), ("gross", lambda i, o: i + o)):
                r = ix.flow(a, y, kind, ind)
                if r is None:
                    continue
                if not (ki and ko):
                    if r.flag == "ok":
                        V("P4", "%s shown though inflow or outflow is missing by the rule" % ind,
                          "%s %d %s %s: shown %s" % (a, y, kind, ind, r["value"]), [r])
                    continue
                if r.flag == "ok" and not eq(num(r["value"]), f(vi, vo)):
                    V("P4", "%s: wrong value" % ind,
                      "%s %d %s %s: shown %s, truth %d" % (a, y, kind, ind, r["value"], f(vi, vo)), [r])

        # P1a: kinds of all
        for ind in ("inflow", "outflow", "net", "gross"):
            rs = [ix.flow(a, y, k, ind) for k in ("internal", "international", "all")]
            if any(r is None for r in rs):
                continue
            sup = [r for r in rs if r.flag == "suppressed"]
            shown = [r for r in rs if r.shown]
            if sup:
                C("P1a groups with a suppressed kind")
            if len(sup) == 1 and len(shown) == 2:
                V("P1a", "%s of kind %s suppressed, the two other kinds shown" % (ind, sup[0]["kind"]),
                  "%s %d %s: %s suppressed, the other two kinds shown (it is their difference)" % (
                      a, y, ind, sup[0]["kind"]), rs)

        # P1b: the female share
        for kind in kinds:
            r = ix.flow(a, y, kind, "inflow_female_share")
            if r is None or not r.shown:
                continue
            fs, ms = truth.sex_sum(a, y, kind, "F"), truth.sex_sum(a, y, kind, "M")
            if fs is None or ms is None:
                what = []
                for k in (KINDS if kind == "all" else (kind,)):
                    for sx in "FM":
                        if truth.sex_sum(a, y, k, sx) is None:
                            what.append("%s %s" % (k, sx))
                V("P4", "inflow_female_share%s shown though a sex is absent (taken as 0)" % (
                    " of kind all" if kind == "all" else ""),
                  "%s %d %s inflow_female_share shown though there are no %s inflow rows" % (
                      a, y, kind, ", ".join(what)), [r])
                continue
            if n:
                C("P1b female shares shown under --min-count" + (" (kind all)" if kind == "all" else ""))
            parts = [(kind, fs, ms)]
            if kind == "all":
                for k in KINDS:
                    parts.append((k, truth.sex_sum(a, y, k, "F"), truth.sex_sum(a, y, k, "M")))
            for k, f_, m_ in parts:
                for sx, v in (("F", f_), ("M", m_)):
                    if small(v, n):
                        V("P1b", "inflow_female_share%s shown with a sex below --min-count%s" % (
                            " of kind all" if kind == "all" else "",
                            " (of one kind)" if k != kind else ""),
                          "%s %d %s inflow_female_share shown, but the %s %s inflow is %d < %d" % (
                              a, y, kind, k, sx, v, n), [r])
            if r["numerator"] != "" and not eq(num(r["numerator"]), fs):
                V("P1b", "inflow_female_share: numerator is not the female inflow",
                  "%s %d %s: numerator %s, female inflow %d" % (a, y, kind, r["numerator"], fs), [r])
            if r["denominator"] != "" and not eq(num(r["denominator"]), fs + ms):
                V("P1b", "inflow_female_share: denominator is not F + M",
                  "%s %d %s: denominator %s, F + M = %d" % (a, y, kind, r["denominator"], fs + ms), [r])

        # P1e: rows derived from a suppressed count
        for kind in kinds:
            for base, derived, direction in (("inflow", FROM_IN, "in"), ("outflow", FROM_OUT, "out")):
                b = ix.flow(a, y, kind, base)
                if b is None or b.flag != "suppressed":
                    continue
                C("P1e suppressed totals checked")
                leak = [ix.flow(a, y, kind, d) for d in derived]
                leak = [r for r in leak if r is not None and r.flag == "ok"]
                if leak:
                    V("P1e", "%s suppressed, %s shown" % (base, ", ".join(r["indicator"] for r in leak)),
                      "%s %d %s %s suppressed, derived rows shown" % (a, y, kind, base), [b] + leak)
                if base == "inflow":
                    fsh = ix.flow(a, y, kind, "inflow_female_share")
                    known, t = truth.total(a, y, kind, "in")
                    if fsh is not None and fsh.shown and known and eq(num(fsh["denominator"]), t):
                        V("P1e", "inflow suppressed, inflow_female_share shows it as its denominator",
                          "%s %d %s: inflow %d suppressed, female share denominator %s" % (
                              a, y, kind, t, fsh["denominator"]), [b, fsh])
        ish = ix.flow(a, y, "all", "international_share_of_inflow")
        if ish is not None and ish.flag == "ok":
            sup = [ix.flow(a, y, k, "inflow") for k in ("internal", "international", "all")]
            sup = [r for r in sup if r is not None and r.flag == "suppressed"]
            if sup:
                V("P1e", "inflow suppressed, international_share_of_inflow shown",
                  "%s %d: international_share_of_inflow shown while an inflow is suppressed" % (a, y),
                  sup + [ish])

    # P1c and P3: the internal systems
    for y in internal_years:
        s = truth.system(y)
        sysrows = {i: ix.system(y, i) for i in SYSTEM_INDICATORS}
        shown = [r for i, r in sysrows.items() if r is not None and i in SYSTEM_TOTALS and r.shown]
        for i in SYSTEM_RATIOS:
            r = sysrows[i]
            if r is not None and (r["numerator"] != "" or
                                  (i == "aggregate_effectiveness" and r["denominator"] != "")):
                shown.append(r)
        if shown:
            for ind in ("inflow", "outflow", "net", "gross"):
                zr = [ix.flow(z, y, "internal", ind) for z in s["zones"]]
                sup = [r for r in zr if r is not None and r.flag == "suppressed"]
                if sup:
                    C("P1c systems shown with a suppressed zone")
                # Recoverable by subtraction: one zone suppressed, every other
                # zone shown (a zone whose row is missing is a second unknown).
                hidden = [r for r in zr if r is not None and not r.shown]
                if len(sup) == 1 and len(hidden) == 1:
                    V("P1c", "one zone's internal %s suppressed while %s shown" % (
                        ind, ", ".join(sorted({r["indicator"] + ("" if r.shown else " (its numerator)")
                                               for r in shown}))),
                      "year %d: exactly one zone's internal %s is suppressed (%s) while system "
                      "values are shown" % (y, ind, sup[0]["area_id"]), sup + shown)
        # P3
        nt = sysrows["net_total"]
        C("P3 systems checked")
        if s["exact"]:
            C("P3 systems with an unambiguous truth")
        if nt is not None:
            if s["net_total"] is None:
                if nt.shown:
                    V("P3", "net_total shown though a zone's inflow or outflow is missing by the rule",
                      "year %d: net_total shown (%s) though %s" % (y, nt["value"], s["net_total_why"]), [nt])
            elif nt.shown and not eq(num(nt["value"]), s["net_total"]):
                V("P3", "net_total is not the sum over the zones (the cities) of inflow - outflow",
                  "year %d: net_total %s, truth %d" % (y, nt["value"], s["net_total"]), [nt])
            elif nt.flag == "missing":
                V("P3", "net_total flagged missing though every zone's inflow and outflow are known",
                  "year %d: net_total flagged missing, truth %d" % (y, s["net_total"]), [nt])
            znet = [ix.flow(z, y, "internal", "net") for z in s["zones"]]
            if nt.shown and all(r is not None and r.flag == "ok" for r in znet):
                tot = sum(num(r["value"]) for r in znet)
                if not eq(tot, num(nt["value"])):
                    V("P3", "the zones' shown nets do not add up to net_total",
                      "year %d: the zones' nets add up to %g, net_total is %s" % (y, tot, nt["value"]),
                      [nt] + znet)
        if s["exact"]:
            for i in ("system_moves", "moves_in_from_outside", "moves_out_to_outside"):
                r = sysrows[i]
                if r is None:
                    continue
                if r.shown and not eq(num(r["value"]), s[i]):
                    V("P3", "%s: wrong value" % i, "year %d: %s %s, truth %d" % (y, i, r["value"], s[i]), [r])
                elif r.flag == "missing" and s["all_cells_known"]:
                    V("P3", "%s flagged missing though known" % i,
                      "year %d: %s flagged missing, truth %d" % (y, i, s[i]), [r])
            ri, ro = sysrows["moves_in_from_outside"], sysrows["moves_out_to_outside"]
            if nt is not None and ri is not None and ro is not None and nt.shown and ri.shown and ro.shown:
                if not eq(num(nt["value"]), num(ri["value"]) - num(ro["value"])):
                    V("P3", "net_total is not moves_in_from_outside - moves_out_to_outside",
                      "year %d: net_total %s, moves_in_from_outside %s, moves_out_to_outside %s" % (
                          y, nt["value"], ri["value"], ro["value"]), [nt, ri, ro])
            mi = sysrows["migration_intensity"]
            if mi is not None and mi.shown and s["population"]:
                want = 100.0 * s["system_moves"] / s["population"]
                v = num(mi["value"])
                if v is None or abs(v - want) > 1e-6 * max(1.0, abs(want)):
                    V("P3", "migration_intensity is not 100 * system_moves / population of the zones",
                      "year %d: migration_intensity %s, truth 100 * %d / %d = %.10g" % (
                          y, mi["value"], s["system_moves"], s["population"], want), [mi])
                elif mi["numerator"] != "" and not eq(num(mi["numerator"]), s["system_moves"]):
                    V("P3", "migration_intensity: numerator is not system_moves",
                      "year %d: migration_intensity numerator %s, system_moves %d" % (
                          y, mi["numerator"], s["system_moves"]), [mi])

    # P4 (stocks): natives excluded, totals by the per-origin rule
    for (a, y), origins in sorted(truth.stock.items()):
        foreign = {o: pair_total(sx) for o, sx in origins.items() if o != a}
        natives = pair_total(origins[a]) if a in origins else None
        unknown = sorted(o for o, t in foreign.items() if t is None)
        rs = {i: ix.stock(a, y, i) for i in DIVERSITY}
        C("P4 stocks checked" + (" (an origin of one sex only)" if unknown else ""))
        if small(natives, n):
            C("P4 stocks with a small natives' row under --min-count")
        if not unknown:
            pos = {o: t for o, t in foreign.items() if t > 0}
            total = sum(pos.values())
            r = rs["origin_count"]
            if r is not None and r.shown and not eq(num(r["value"]), len(pos)):
                V("P4", "stocks: origin_count wrong (natives excluded; T, else F + M)",
                  "%s %d origin_count %s, truth %d" % (a, y, r["value"], len(pos)), [r])
            r = rs["top_origin_share"]
            if r is not None and r.shown and total > 0:
                top = max(pos.values())
                name = min(o for o, t in pos.items() if t == top)
                if r["origin"] == a:
                    V("P4", "stocks: top_origin_share names the natives' row",
                      "%s %d top_origin_share names the area itself" % (a, y), [r])
                elif r["origin"] != name or not eq(num(r["value"]), 100.0 * top / total):
                    V("P4", "stocks: top_origin_share wrong (natives excluded; T, else F + M)",
                      "%s %d top_origin_share %s (%s), truth %.10g (%s = %d of %d)" % (
                          a, y, r["value"], r["origin"], 100.0 * top / total, name, top, total), [r])
            r = rs["hhi"]
            if r is not None and r.shown and total > 0:
                want = sum((t / total) ** 2 for t in pos.values())
                v = num(r["value"])
                if v is None or abs(v - want) > 1e-9:
                    V("P4", "stocks: hhi wrong (natives excluded; T, else F + M)",
                      "%s %d hhi %s, truth %.12g" % (a, y, r["value"], want), [r])
        else:
            leak = [r for i, r in rs.items() if i in DIVERSITY_SHARES and r is not None and r.shown]
            if leak:
                V("P4", "stocks: diversity shown though an origin gives one sex only (taken as 0)",
                  "%s %d: diversity shown though the stock of %s is missing by the rule (%s)" % (
                      a, y, ", ".join(unknown),
                      "; ".join("%s: %s" % (o, origins[o]) for o in unknown)), leak)
        if n > 0:
            smalls = sorted(o for o, t in foreign.items() if small(t, n))
            if smalls:
                leak = [r for i, r in rs.items() if i in DIVERSITY_SHARES and r is not None and r.shown]
                if leak and not unknown:
                    V("P4", "stocks: diversity shown though an origin's stock is below --min-count",
                      "%s %d: diversity shown though the stock of %s is below %d" % (
                          a, y, ", ".join("%s (%d)" % (o, foreign[o]) for o in smalls), n), leak)
            elif not unknown:
                sup = [r for r in rs.values() if r is not None and r.flag == "suppressed"]
                if sup:
                    why = []
                    nat_small = a in origins and any(small(v, n) for v in origins[a].values())
                    if nat_small:
                        why.append("the natives' row is %s" % ", ".join(
                            "%s=%d" % kv for kv in sorted(origins[a].items())))
                    for o, sx in sorted(origins.items()):
                        for k, v in sx.items():
                            if o != a and k != "T" and small(v, n):
                                why.append("%s %s=%d of a total %d" % (o, k, v, pair_total(sx)))
                    V("P4", "stocks: diversity suppressed, no origin's total below --min-count (%s)" % (
                        "the natives' row is small" if nat_small else
                        "one sex of an origin is small" if why else "no small count"),
                      "%s %d: diversity suppressed, but no origin's total is below %d%s" % (
                          a, y, n, (" (" + "; ".join(why) + ")") if why else ""), sup)
    return out


def check_partners(ix, rows, n, V, C):
    """P5: the partner rows of a run with --pairs against the area rows."""
    groups = {}
    seen = set()
    for r in rows:
        k = (r["area_id"], r["year"], r["kind"], r["indicator"], r["origin"])
        if k in seen or r["origin"] == "":
            V("P5", "partner rows without one partner each", "%s %s %s %s partner %r" % k, [r])
        seen.add(k)
        if r.flag not in SHOWN and r["value"] != "":
            V("P5", "%s flagged %s has a value" % (r["indicator"], r.flag), r.flag, [r])
        if r.flag == "suppressed" and (r["numerator"] != "" or r["denominator"] != ""):
            V("P5", "suppressed %s shows a count" % r["indicator"], "", [r])
        if r.flag == "ok" and r["indicator"] != "net_exchange" and small(num(r["numerator"]), n):
            V("P5", "%s shows a count below --min-count" % r["indicator"],
              "numerator %s below %d" % (r["numerator"], n), [r])
        groups.setdefault((r["area_id"], r["year"], r["kind"], r["indicator"]), []).append(r)
    whole = {"net_exchange": "net", "origin_flow_share": "inflow", "destination_flow_share": "outflow"}
    for (a, y, k, ind), rs in sorted(groups.items()):
        total = ix.flow(a, y, k, whole[ind])
        shown = total is not None and total.flag == "ok"
        sup = [r for r in rs if r.flag == "suppressed"]
        if shown and len(sup) == 1:
            V("P5", "one %s suppressed, %s shown" % (ind, whole[ind]),
              "%s %s %s: %s shown, one partner suppressed" % (a, y, k, whole[ind]), [total] + sup)
        if total is not None and total.flag == "missing" and any(r.flag != "missing" for r in rs):
            V("P5", "%s not missing though %s is" % (ind, whole[ind]), "%s %s %s" % (a, y, k), [total])
        if not shown or any(r.flag != "ok" for r in rs):
            continue
        want = num(total["value"])
        if ind == "net_exchange":
            C("P5 net exchanges summed")
            got = sum(num(r["value"]) for r in rs)
            if got != want:
                V("P5", "net exchanges do not sum to net",
                  "%s %s %s: sum %s, net %s" % (a, y, k, got, want), [total] + rs[:3])
        else:
            C("P5 partner shares summed")
            got = sum(num(r["numerator"]) for r in rs)
            if got != want or any(num(r["denominator"]) != want for r in rs) or \
                    not eq(sum(num(r["value"]) for r in rs), 100.0):
                V("P5", "%s do not add up to %s" % (ind, whole[ind]),
                  "%s %s %s: numerators sum to %s, %s %s" % (a, y, k, got, whole[ind], want),
                  [total] + rs[:3])


# --------------------------------------------------------------------- main

def run_engine(citymig, folder, n, pairs=False):
    cmd = [citymig, "indicators", folder, "-q"]
    if n:
        cmd += ["--min-count", str(n)]
    if pairs:
        cmd += ["--pairs", "--partners", "1000"]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return cmd, p


def main(argv):
    ap = argparse.ArgumentParser(prog="property.py",
                                 description="Property tests of citymig indicators on generated datasets.")
    ap.add_argument("citymig", help="the citymig binary")
    ap.add_argument("--seeds", type=int, default=40, help="number of seeds (default 40: seeds 1..N)")
    ap.add_argument("--seed", type=int, action="append", help="run only this seed (repeatable)")
    ap.add_argument("--layout", choices=LAYOUTS, action="append", help="run only this layout (repeatable)")
    ap.add_argument("--keep", action="store_true", help="keep every dataset folder, not only failing ones")
    ap.add_argument("--all", action="store_true", help="print every violation, not only examples")
    ap.add_argument("--examples", type=int, default=1,
                    help="examples printed per kind of violation (default 1; one per layout at most)")
    args = ap.parse_args(argv)
    if args.seeds < 1:
        ap.error("--seeds must be at least 1")
    citymig = args.citymig
    if os.sep not in citymig:
        citymig = shutil.which(citymig) or citymig
    if not (os.path.isfile(citymig) and os.access(citymig, os.X_OK)):
        ap.error("%s is not an executable file" % args.citymig)
    citymig = os.path.abspath(citymig)

    seeds = args.seed or list(range(1, args.seeds + 1))
    layouts = args.layout or list(LAYOUTS)
    base = tempfile.mkdtemp(prefix="citymig-property-")
    t0 = time.time()
    results = []  # (seed, layout, n, folder, cmd, violations)
    coverage = {}
    stats = {"runs": 0, "exact_years": 0, "years": 0, "below": 0, "cells": 0}
    for seed in seeds:
        for layout in layouts:
            ds = Dataset(seed, layout)
            truth = Truth(ds)
            folder = os.path.join(base, "seed%03d-%s" % (seed, layout))
            ds.write(folder)
            nmin = truth.threshold()
            failed = False
            for n, pairs in ((0, False), (nmin, False), (0, True), (nmin, True)):
                cmd, p = run_engine(citymig, folder, n, pairs)
                stats["runs"] += 1
                tag = "min%d%s" % (n, "-pairs" if pairs else "")
                if p.returncode != 0:
                    vs = [Violation("E", "citymig exits %d" % p.returncode, "exit status %d: %s" % (p.returncode,
                                                                 p.stderr.decode(errors="replace").strip()[:500]))]
                else:
                    try:
                        rows = parse_output(p.stdout.decode("utf-8", errors="replace"))
                        vs = check(ds, truth, rows, n, coverage)
                    except ValueError as e:
                        vs = [Violation("E", "unreadable output", "unreadable output: %s" % e)]
                if vs:
                    failed = True
                    with open(os.path.join(folder, "out-%s.csv" % tag), "wb") as fh:
                        fh.write(p.stdout)
                results.append((seed, layout, n, folder, cmd, vs))
            for y in ds.years:
                stats["years"] += 1
                stats["exact_years"] += truth.system(y)["exact"]
            for c in truth.cells.values():
                t = c.total()
                stats["cells"] += 1
                stats["below"] += small(t, nmin)
            if not failed and not args.keep:
                shutil.rmtree(folder, ignore_errors=True)
    elapsed = time.time() - t0

    total = sum(len(r[5]) for r in results)
    order = ["E", "P1a", "P1b", "P1c", "P1d", "P1e", "P2", "P3", "P4", "P5", "R"]
    rank = lambda p: order.index(p) if p in order else len(order)
    cats = {}  # (prop, cat) -> [(seed, layout, n, folder, cmd, v)]
    for seed, layout, n, folder, cmd, vs in results:
        for v in vs:
            cats.setdefault((v.prop, v.cat), []).append((seed, layout, n, folder, cmd, v))
    keys = sorted(cats, key=lambda k: (rank(k[0]), -len(cats[k]), k[1]))
    summary = ("%d seed(s) x %d layout(s), %d runs of citymig, %.1f s; %d of %d years with an "
               "unambiguous system truth; %d of %d flow cells below the threshold\n" % (
                   len(seeds), len(layouts), stats["runs"], elapsed, stats["exact_years"], stats["years"],
                   stats["below"], stats["cells"]))
    summary += "checked: " + "; ".join("%s %d" % (k, coverage[k]) for k in sorted(coverage)) + "\n"
    if total == 0:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
        sys.stdout.write("property: every property holds. " + summary)
        return 0

    def item(fh, seed, layout, n, cmd, v, indent=""):
        fh.write("%sseed %d layout %s%s: %s\n" % (indent, seed, layout,
                                                  " --min-count %d" % n if n else "", v.what))
        for r in v.rows:
            fh.write("%s      %s\n" % (indent, r.line))
        fh.write("%s      rerun: %s\n" % (indent, " ".join(cmd)))

    listing = os.path.join(base, "violations.txt")
    with open(listing, "w") as fh:
        for k in keys:
            fh.write("== %s %s\n" % k)
            for seed, layout, n, folder, cmd, v in cats[k]:
                item(fh, seed, layout, n, cmd, v, "  ")
    w = sys.stdout.write
    w("property: %d violation(s) of %d kind(s), in %d of %d runs\n\n" % (
        total, len(keys), sum(1 for r in results if r[5]), len(results)))
    for k in keys:
        items = cats[k]
        runs = sorted({(s, l, n) for s, l, n, *_ in items})
        first = []
        for s_, l_, n_ in runs:
            t_ = "seed %d %s%s" % (s_, l_, " --min-count %d" % n_ if n_ else "")
            if t_ not in first:
                first.append(t_)
        w("%-4s %s: %d in %d run(s) (%s%s)\n" % (k[0], k[1], len(items), len(runs), ", ".join(first[:4]),
                                                 ", ..." if len(first) > 4 else ""))
        shown = 0
        seen_layouts = set()
        for seed, layout, n, folder, cmd, v in items:
            # one example per layout, up to --examples
            if shown >= args.examples or layout in seen_layouts:
                continue
            seen_layouts.add(layout)
            shown += 1
            item(sys.stdout, seed, layout, n, cmd, v, "     ")
        if args.all:
            for seed, layout, n, folder, cmd, v in items:
                item(sys.stdout, seed, layout, n, cmd, v, "   + ")
    w("\nevery violation: %s\n" % listing)
    w("kept datasets (seedNNN-LAYOUT, with the failing runs' out-minN.csv): %s\n" % base)
    w("regenerate one: %s %s %s --seed S --layout L --keep\n" % (
        sys.executable, os.path.abspath(__file__), citymig))
    w(summary)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
