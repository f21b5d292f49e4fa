#!/usr/bin/env python3
"""A reference for property.py: the flow, system and diversity rows of
`citymig indicators DIR -q [--min-count N]`, written from the rules the
property test checks, in a few lines of Python.  It is not citymig: it
prints only the rows the properties look at, plus one row per area so that
every area of the inputs shows.

It exists to test the test:

  python3 tests/property/property.py tests/property/reference_citymig.py

must exit 0, and with REFERENCE_BUG set to one of the names below it must
exit 1 and name the property the bug breaks:

  absent-sex-zero      a cell with one sex only is read with the other as 0
  no-complement        no complementary suppression over the zones
  share-leak           the female share stays shown when its inflow is suppressed
  all-not-suppressed   kind all is shown when one kind is suppressed
  natives-in           the natives' row counts in the diversity indices
  origin-only-dropped  areas that are only a flow origin get no rows
  system-closed        net_total is 0 (every area a zone)
  suppressed-numerator suppressed rows keep their numerator
"""

import csv
import math
import os
import sys

BUG = os.environ.get("REFERENCE_BUG", "")
LEVELS = ("world", "region", "country", "metro", "city", "district")
HEADER = ["area_id", "year", "base_year", "kind", "service", "origin", "indicator", "value", "unit",
          "numerator", "denominator", "flag", "reason", "rules"]

OK, MISSING, SUPPRESSED = "ok", "missing", "suppressed"


class Val:
    def __init__(self, st, v=None, why=""):
        self.st, self.v, self.why = st, v, why


def ok(v):
    return Val(OK, v)


def miss(why):
    return Val(MISSING, None, why)


def combine(op, *xs):
    for st in (MISSING, SUPPRESSED):
        for x in xs:
            if x.st == st:
                return Val(st, None, x.why)
    return ok(op(*[x.v for x in xs]))


def read(folder, name):
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        return []
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def fmt(v):
    if v is None:
        return ""
    if isinstance(v, int) or (isinstance(v, float) and v.is_integer() and abs(v) < 2 ** 53):
        return str(int(v))
    return repr(float(v))


def main(argv):
    if len(argv) < 2 or argv[0] != "indicators":
        print("usage: reference_citymig.py indicators DIR -q [--min-count N]", file=sys.stderr)
        return 2
    folder = argv[1]
    n = int(argv[argv.index("--min-count") + 1]) if "--min-count" in argv else 0
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(HEADER)

    def small(v):
        return n > 0 and v is not None and 0 < v < n

    def count(v, why):
        return Val(SUPPRESSED, None, why + " is below --min-count") if small(v) else ok(v)

    def put(area, year, kind, ind, x, num=None, den=None, origin="", unit="count"):
        if x.st != OK:
            num = den = None
            origin = "" if x.st == SUPPRESSED or BUG != "suppressed-numerator" else origin
        if BUG == "suppressed-numerator" and x.st == SUPPRESSED and num is None:
            num = 1
        out.writerow([area, year, "", kind, "", origin, ind, fmt(x.v if x.st == OK else None), unit,
                      fmt(num), fmt(den), x.st, x.why, ""])

    areas = read(folder, "areas.csv")
    flows = read(folder, "flows.csv")
    stocks = read(folder, "stocks.csv")
    services = read(folder, "services.csv")

    # zones: the areas of each year at the finest level present
    finest, zones, pops = {}, {}, {}
    for r in areas:
        y = int(r["year"])
        finest[y] = max(finest.get(y, -1), LEVELS.index((r.get("level") or "city").lower()))
        if r.get("population"):
            pops[(r["area_id"], y)] = int(r["population"])
    for r in areas:
        y = int(r["year"])
        if LEVELS.index((r.get("level") or "city").lower()) == finest[y]:
            zones.setdefault(y, set()).add(r["area_id"])
    if BUG == "system-closed":
        for r in flows:
            if r["kind"] == "internal":
                zones.setdefault(int(r["year"]), set()).update((r["origin"], r["destination"]))

    # cells: (area, year, kind, dir) -> sex -> [sum, outside]
    cells = {}
    for r in flows:
        y, o, d, k, c, sx = int(r["year"]), r["origin"], r["destination"], r["kind"], int(r["count"]), r.get("sex") or "T"
        if o == d:
            continue
        z = zones.get(y, set())
        for area, direction, partner in ((d, "in", o), (o, "out", d)):
            e = cells.setdefault((area, y, k, direction), {}).setdefault(sx, [0, 0, 0])
            e[0] += c
            if k == "internal" and area in z:
                e[1 if partner not in z else 2] += c

    def resolve(area, y, k, direction):
        """(Val, outside, inside) by the per-cell rule."""
        c = cells.get((area, y, k, direction))
        name = "%s %sflow" % (k, direction)
        if not c:
            return miss(name + " is missing"), 0, 0
        if "T" in c:
            return count(c["T"][0], name), c["T"][1], c["T"][2]
        if "F" in c and "M" in c:
            return count(c["F"][0] + c["M"][0], name), c["F"][1] + c["M"][1], c["F"][2] + c["M"][2]
        if BUG == "absent-sex-zero":
            s = sum(v[0] for v in c.values())
            return count(s, name), sum(v[1] for v in c.values()), sum(v[2] for v in c.values())
        return miss(name + " is missing: one sex only"), 0, 0

    def rule_total(area, y, k, direction):
        c = cells.get((area, y, k, direction))
        if not c:
            return None
        if "T" in c:
            return c["T"][0]
        if "F" in c and "M" in c:
            return c["F"][0] + c["M"][0]
        return None

    keys = sorted({(a, y, k) for (a, y, k, d) in cells})
    val = {}
    for (a, y, k) in keys:
        for direction in ("in", "out"):
            val[(a, y, k, direction)] = resolve(a, y, k, direction)

    # systems: complementary suppression over the zones
    system_ok = {}
    years = sorted({y for (a, y, k) in keys if k == "internal"})
    for y in years:
        protectable = True
        for direction in ("in", "out"):
            zs = [(z, val.get((z, y, "internal", direction))) for z in sorted(zones.get(y, ()))]
            zs = [(z, v) for z, v in zs if v is not None]
            sup = [z for z, v in zs if v[0].st == SUPPRESSED]
            if len(sup) == 1 and BUG != "no-complement":
                cand = [(v[0].v, z) for z, v in zs if v[0].st == OK and v[0].v > 0]
                if cand:
                    z = min(cand)[1]
                    v = val[(z, y, "internal", direction)]
                    val[(z, y, "internal", direction)] = (Val(SUPPRESSED, None, "complementary"),) + v[1:]
                else:
                    protectable = False
        system_ok[y] = protectable

    seen = set()
    for (a, y, k) in keys:
        seen.add(a)
        if BUG == "origin-only-dropped" and not any((a, y, kk, "in") in cells for kk in ("internal", "international")):
            continue
        for kind in (k,):
            i = val[(a, y, kind, "in")][0]
            o = val[(a, y, kind, "out")][0]
            put(a, y, kind, "inflow", i)
            put(a, y, kind, "outflow", o)
            put(a, y, kind, "net", combine(lambda p, q: p - q, i, o))
            put(a, y, kind, "gross", combine(lambda p, q: p + q, i, o))
            pop = pops.get((a, y))
            rate = combine(lambda p: 1000.0 * p / pop, i) if pop else miss("population is missing")
            put(a, y, kind, "in_rate", rate, i.v if rate.st == OK else None, pop, unit="per 1,000")
            c = cells.get((a, y, kind, "in"), {})
            if "F" in c and "M" in c:
                f, m = c["F"][0], c["M"][0]
                share = Val(SUPPRESSED, None, "a sex is small") if small(f) or small(m) else (
                    Val(MISSING, None, "div0") if f + m == 0 else ok(100.0 * f / (f + m)))
                if i.st == SUPPRESSED and BUG != "share-leak":
                    share = Val(SUPPRESSED, None, "inflow suppressed")
                put(a, y, kind, "inflow_female_share", share, f, f + m, unit="%")
            else:
                put(a, y, kind, "inflow_female_share", miss("inflow by sex is missing"), unit="%")
    # kind all
    for (a, y) in sorted({(a, y) for (a, y, k) in keys}):
        if BUG == "origin-only-dropped" and not any((a, y, k, "in") in cells for k in ("internal", "international")):
            continue
        parts = {}
        for direction in ("in", "out"):
            xs = [val.get((a, y, k, direction), (miss("missing"),))[0] for k in ("internal", "international")]
            if BUG == "all-not-suppressed":
                xs = [ok(rule_total(a, y, k, direction)) if x.st == SUPPRESSED else x
                      for x, k in zip(xs, ("internal", "international"))]
            parts[direction] = combine(lambda p, q: p + q, *xs)
        put(a, y, "all", "inflow", parts["in"])
        put(a, y, "all", "outflow", parts["out"])
        put(a, y, "all", "net", combine(lambda p, q: p - q, parts["in"], parts["out"]))
        put(a, y, "all", "gross", combine(lambda p, q: p + q, parts["in"], parts["out"]))
        fm = []
        for k in ("internal", "international"):
            c = cells.get((a, y, k, "in"), {})
            fm.append((c["F"][0], c["M"][0]) if "F" in c and "M" in c else None)
        if None in fm:
            put(a, y, "all", "inflow_female_share", miss("inflow by sex is missing"), unit="%")
        else:
            f, m = fm[0][0] + fm[1][0], fm[0][1] + fm[1][1]
            sup = any(small(v) for v in (f, m) + fm[0] + fm[1]) or parts["in"].st == SUPPRESSED
            share = Val(SUPPRESSED, None, "small") if sup else (
                miss("div0") if f + m == 0 else ok(100.0 * f / (f + m)))
            put(a, y, "all", "inflow_female_share", share, f, f + m, unit="%")

    # the systems
    for y in years:
        zs = sorted(zones.get(y, ()))
        vin = [val.get((z, y, "internal", "in"), (miss("no rows"), 0, 0)) for z in zs]
        vout = [val.get((z, y, "internal", "out"), (miss("no rows"), 0, 0)) for z in zs]
        # the system totals come from the chosen rows, before suppression
        raw_in = [resolve(z, y, "internal", "in") for z in zs]
        raw_out = [resolve(z, y, "internal", "out") for z in zs]
        known = all(r[0].st != MISSING for r in raw_in + raw_out)
        in_out = sum(r[1] for r in raw_in)
        out_out = sum(r[1] for r in raw_out)
        inside_in = sum(r[2] for r in raw_in)
        inside_out = sum(r[2] for r in raw_out)

        tin = [rule_total(z, y, "internal", "in") for z in zs]
        tout = [rule_total(z, y, "internal", "out") for z in zs]
        net_total = miss("a zone's inflow or outflow is missing")
        if known and None not in tin + tout:
            net_total = ok(sum(tin) - sum(tout))
        if BUG == "system-closed":
            net_total = ok(0) if known else net_total
        moves = ok(inside_in) if inside_in == inside_out else Val("inconsistent", None, "T and F + M differ")
        sysv = {"system_moves": moves, "moves_in_from_outside": ok(in_out),
                "moves_out_to_outside": ok(out_out), "net_total": net_total}
        if not system_ok[y]:
            sysv = {k: Val(SUPPRESSED, None, "not protectable") for k in sysv}
        for k in ("system_moves", "moves_in_from_outside", "moves_out_to_outside", "net_total"):
            put("", y, "internal", k, sysv[k])
        pop = [pops.get((z, y)) for z in zs]
        if sysv["system_moves"].st == OK and None not in pop and sum(pop) > 0:
            put("", y, "internal", "migration_intensity", ok(100.0 * moves.v / sum(pop)), moves.v, sum(pop), unit="%")
        else:
            put("", y, "internal", "migration_intensity", miss("no moves or population"), unit="%")
        put("", y, "internal", "aggregate_effectiveness", miss("not computed by the reference"), unit="%")
        put("", y, "internal", "aggregate_net_migration_rate", miss("not computed by the reference"), unit="%")
        for k in ("gini_connectivity", "gini_in_migration", "gini_out_migration", "flow_cv"):
            put("", y, "internal", k, miss("not computed by the reference"), unit="index")

    # diversity
    by = {}
    for r in stocks:
        by.setdefault((r["area_id"], int(r["year"])), {}).setdefault(r["origin"], {})[r.get("sex") or "T"] = int(r["count"])
    for (a, y), origins in sorted(by.items()):
        seen.add(a)
        tot = {}
        for o, sx in origins.items():
            if o == a and BUG != "natives-in":
                continue
            tot[o] = sx["T"] if "T" in sx else (sx["F"] + sx["M"] if "F" in sx and "M" in sx else None)
        if None in tot.values():
            x = miss("an origin gives one sex only")
        elif any(small(v) for v in tot.values()):
            x = Val(SUPPRESSED, None, "an origin is small")
        else:
            x = ok(None)
        pos = {o: v for o, v in tot.items() if v and v > 0}
        s = sum(pos.values()) if x.st == OK else 0
        if x.st == OK and s == 0:
            x = Val("div0", None, "the stock is 0")
        if x.st != OK:
            for ind in ("origin_count", "hhi", "simpson", "shannon", "effective_origins", "top_origin_share"):
                put(a, y, "", ind, x, unit="index")
            continue
        hhi = sum((v / s) ** 2 for v in pos.values())
        sh = -sum((v / s) * math.log(v / s) for v in pos.values())
        top = max(pos.values())
        name = min(o for o, v in pos.items() if v == top)
        put(a, y, "", "origin_count", ok(len(pos)))
        put(a, y, "", "hhi", ok(hhi), unit="index")
        put(a, y, "", "simpson", ok(1 - hhi), unit="index")
        put(a, y, "", "shannon", ok(sh), unit="index")
        put(a, y, "", "effective_origins", ok(1 / hhi), unit="ratio")
        put(a, y, "", "top_origin_share", ok(100.0 * top / s), top, s, origin=name, unit="%")

    # one row for every other area of the inputs
    for r in areas + services:
        if r["area_id"] not in seen:
            seen.add(r["area_id"])
            put(r["area_id"], r["year"], "", "present", ok(1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
