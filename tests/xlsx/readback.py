"""Reads a citymig workbook back and checks its tables against the long
table of `citymig indicators` for the same dataset.

    readback.py WORKBOOK INDICATORS.csv [DATASET_DIR] [--no-pandas]

The table sheets (Areas, Segregation, Across areas, Flows, Ages, Diversity, Services,
Partners and their parts
"Flows (2)", ...) have their column labels in row 4, their column ids in
row 5 and their data from row 6. They are read with openpyxl (required),
and again with pandas (`read_excel(header=[3, 4])`) when pandas can be
imported and --no-pandas is not given; the summary line says which
readers were used. For each reader:

- every value of the long table appears once, in the sheet of its scope,
  under the column of its indicator id: equal to 1e-15 relative, or for a
  unit of "%" or "% per year" as its fraction (36.7 -> 0.367, 1e-12
  relative); a value that is not ok or published is an empty cell;
- its flag, in the column `<id>_flag` right after it where there is one:
  empty for ok, else its code alone, as statistical tables mark cells
  ("p" published, "m" missing, "s" suppressed, "z" div0, "i"
  inconsistent); without such a column every value is ok; the Notes sheet
  gives, in the row of each indicator with a flag column, at least one of
  the long table's reasons as "m: foreign_born is missing";
- an indicator with no column is one whose every value is empty (not ok
  nor published) in the long table, and the Notes sheet names it;
- the Diversity sheet's top_origin is the long table's origin, and the
  Partners sheet's partner is the origin of its rows (one per partner);
- the Ages sheet's age is the long table's service (the age group).

Then, with openpyxl: the Definitions sheet (ids in row 5) defines every
indicator that has a column, once, each with the long table's unit and
the sheet of its column; the Flags sheet has one row per rule hit of the
long table (value as in the tables); with DATASET_DIR, the Cover's A1 is
its manifest's title and the Sources sheet gives the SHA-256 of each
input file (its tables, or its manifest and the files the manifest names).

Prints the differences (the first of each kind, at most 20, then a count
of each kind) and exits 1, or prints a summary line and exits 0. Exit 2
on a usage error or a file it cannot read.
"""
import argparse
import csv
import hashlib
import math
import os
import re
import sys

import openpyxl

from layout import KEYS, PARTNERS, REQUIRED_KEYS

TABLES = ("Areas", "Segregation", "Across areas", "Flows", "Ages", "Diversity", "Services",
          "Partners")
REASONS = {}  # indicator -> {"m: reason", ...} of its flagged values
CODES = {"missing": "m", "suppressed": "s", "div0": "z", "inconsistent": "i"}
SHOWN = ("ok", "published")
PERCENT = ("%", "% per year")
FIRST_DATA_ROW = 6
MAX_SHOWN = 20


class Problems:
    """Prints the first problems (at most 3 of a kind, MAX_SHOWN in all) and
    counts the rest by kind."""

    def __init__(self):
        self.n = 0
        self.shown = 0
        self.kinds = {}

    def __call__(self, message, kind=None):
        self.n += 1
        k = self.kinds.setdefault(kind or message, [0, 0])
        k[0] += 1
        if k[0] <= 3 and self.shown < MAX_SHOWN:
            print(message)
            self.shown += 1
            k[1] += 1

    def rest(self):
        for kind, (n, shown) in self.kinds.items():
            if n > shown:
                print(f"... and {n - shown} more: {kind}")


problem = Problems()
SKIPPED = set()  # table sheets whose ids are not as expected, so not read


def base_of(name):
    m = re.match(r"^(.*) \((\d+)\)$", name)
    return m.group(1) if m else name


def text(v):
    """A key cell as the long table writes it."""
    if v is None:
        return ""
    if hasattr(v, "item"):  # a numpy scalar (pandas)
        v = v.item()
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        if v.is_integer():
            return str(int(v))
    return str(v).strip() if isinstance(v, str) else str(v)


def is_empty(v):
    return text(v) == ""


def number(v):
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v)


def equal(got, want, percent):
    if percent:
        return math.isclose(got, want / 100, rel_tol=1e-12, abs_tol=1e-300)
    return math.isclose(got, want, rel_tol=1e-15, abs_tol=1e-300)


# --- the readers: each gives [(sheet name, [ids], [(excel row, [values])])] ---

def read_openpyxl(wb, names):
    out = []
    for name in names:
        ws = wb[name]
        rows = ws.iter_rows(min_row=5, values_only=True)
        ids = [text(h) for h in next(rows, ())]
        while ids and ids[-1] == "":
            ids.pop()
        data = [(r, list(cells)) for r, cells in enumerate(rows, FIRST_DATA_ROW)
                if any(not is_empty(c) for c in cells)]
        out.append((name, ids, data))
    return out


def read_pandas(pd, path, names):
    frames = pd.read_excel(path, sheet_name=list(names), header=[3, 4], engine="openpyxl")
    out = []
    for name in names:
        df = frames[name]
        ids = [text(c[1]) if isinstance(c, tuple) else text(c) for c in df.columns]
        ids = ["" if i.startswith("Unnamed:") else i for i in ids]
        data = []
        for i, cells in enumerate(df.itertuples(index=False, name=None)):
            cells = [None if (isinstance(c, float) and math.isnan(c)) else c for c in cells]
            data.append((FIRST_DATA_ROW + i, cells))
        out.append((name, ids, data))
    return out


# --- the long table ---

def load_long(path):
    expected = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            key = (row["area_id"], row["year"], row["base_year"], row["kind"],
                   row["service"], row["indicator"],
                   row["origin"] if row["indicator"] in PARTNERS else "")
            if key in expected:
                print(f"readback: duplicate row in the long table: {key}")
                sys.exit(2)
            expected[key] = row
    return expected


def want_flag(row):
    if row["flag"] == "ok":
        return ""
    if row["flag"] == "published":
        return "p"
    code = CODES.get(row["flag"])
    if code is None:
        return f"<unknown flag {row['flag']!r}>"
    if row["reason"]:
        REASONS.setdefault(row["indicator"], set()).add(f"{code}: {row['reason']}")
    return code


def check_tables(reader, tables, expected, units, growth, per_area_year):
    """The values and flags of the table sheets against the long table; returns
    (values checked, {indicator: sheet base}) ."""
    seen = set()
    where = {}
    checked = 0
    for name, ids, data in tables:
        base = base_of(name)
        keys = KEYS[base]
        lead = [h for h in ids[:len(keys)] if h in keys]
        lead_n = 0
        while lead_n < len(ids) and ids[lead_n] in keys:
            lead_n += 1
        missing_keys = [k for k in REQUIRED_KEYS[base] if k not in ids[:lead_n]]
        if missing_keys or any(h in keys for h in ids[lead_n:]):
            problem(f"{name} ({reader}): ids {', '.join(ids[:max(lead_n, 1)])} in row 5, "
                    f"expected the key columns first, among them "
                    f"{', '.join(REQUIRED_KEYS[base])}; its values are not checked")
            SKIPPED.add(name)
            continue
        del lead
        col = {h: i for i, h in enumerate(ids) if h}
        for h in ids:
            if not h or h in keys or h.endswith("_flag"):
                continue
            if where.get(h, base) != base:
                problem(f"{name} ({reader}): {h} is also a column of {where[h]}")
            where[h] = base
        for r, cells in data:
            def cell(h):
                i = col.get(h)
                return text(cells[i]) if i is not None and i < len(cells) else ""
            subject = {h: cell(h) for h in ("area_id", "year", "base_year", "kind", "service")}
            if base == "Ages":
                subject["service"] = cell("age")
            for i, h in enumerate(ids):
                if not h or h in keys or h.endswith("_flag"):
                    continue
                repeated = base == "Services" and h in per_area_year
                value = cells[i] if i < len(cells) else None
                fi = col.get(h + "_flag")
                flag = text(cells[fi]) if fi is not None and fi < len(cells) else ""
                if is_empty(value) and flag == "":
                    continue  # no such indicator on this row (another scope)
                key = (subject["area_id"], subject["year"],
                       subject["base_year"] if h in growth else "",
                       subject["kind"], "" if repeated else subject["service"], h,
                       cell("partner") if base == "Partners" else "")
                at = f"{name}!row {r} ({reader})"
                if key not in expected:
                    problem(f"{at}: {h} = {value!r}, flag {flag!r}, for {describe(key)}, "
                            "which is not in the long table",
                            f"{base} ({reader}): not in the long table")
                    continue
                if key in seen and not repeated:
                    problem(f"{at}: {h} for {describe(key)} appears twice",
                            f"{base} ({reader}): twice")
                seen.add(key)
                want = expected[key]
                wf = want_flag(want)
                if fi is None and want["flag"] != "ok":
                    problem(f"{at}: {h} for {describe(key)} is {want['flag']} in the long "
                            f"table ({want['reason']}), but the sheet has no {h}_flag column",
                            f"{base} ({reader}): no flag column")
                elif flag != wf:
                    problem(f"{at}: {h}_flag for {describe(key)} is {flag!r}, expected "
                            f"{wf!r} (long table: {want['flag']}, {want['reason']!r})",
                            f"{base} ({reader}): a flag differs")
                if want["flag"] in SHOWN and want["value"] != "":
                    w = float(want["value"])
                    got = number(value)
                    pct = units.get(h) in PERCENT
                    if got is None or not equal(got, w, pct):
                        shown = f"{w / 100!r} (the fraction of {w!r} {units[h]})" if pct \
                            else repr(w)
                        problem(f"{at}: {h} for {describe(key)} is {value!r}, expected {shown}",
                                f"{base} ({reader}): a value differs")
                elif not is_empty(value):
                    problem(f"{at}: {h} for {describe(key)} holds {value!r}; the long table's "
                            f"value is empty ({want['flag']}): expected an empty cell",
                            f"{base} ({reader}): a value where none is")
                if base == "Diversity" and want["origin"] and \
                        cell("top_origin") != want["origin"]:
                    problem(f"{at}: top_origin {cell('top_origin')!r} for {describe(key)}, "
                            f"expected {want['origin']!r}",
                            f"{base} ({reader}): top_origin differs")
                checked += 1
    missing = [k for k in expected if k not in seen and k[5] in where]
    if missing:
        problem(f"({reader}) {len(missing)} values of the long table are not in the workbook, "
                f"first: {describe(missing[0])} {missing[0][5]} "
                f"({expected[missing[0]]['flag']}, value {expected[missing[0]]['value']!r})")
    return checked, where


def describe(key):
    area, year, base_year, kind, service = key[:5]
    parts = [f"area {area!r}" if area else "the system", f"year {year}"]
    if base_year:
        parts.append(f"base year {base_year}")
    if kind:
        parts.append(f"kind {kind}")
    if service:
        parts.append(f"service {service}")
    return ", ".join(parts)


def sheet_rows(wb, names, min_row=1):
    for name in names:
        for cells in wb[name].iter_rows(min_row=min_row, values_only=True):
            yield name, cells


def table_of(wb, names):
    """ids row 5, then rows from 6 as dicts, over a table's parts."""
    rows, ids = [], None
    for name in names:
        it = wb[name].iter_rows(min_row=5, values_only=True)
        part_ids = [text(h) for h in next(it, ())]
        if ids is None:
            ids = part_ids
        for r, cells in enumerate(it, FIRST_DATA_ROW):
            if any(not is_empty(c) for c in cells):
                rows.append((name, r, dict(zip(part_ids, cells))))
    return ids or [], rows


def file_digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def inputs_of(dataset):
    """(label, path) of every input file: the tables of a directory, or the
    manifest and the files it names."""
    manifest = dataset if os.path.isfile(dataset) else os.path.join(dataset, "dataset.ini")
    if os.path.isfile(manifest):
        out = [("the manifest", manifest)]
        folder = os.path.dirname(manifest)
        with open(manifest, encoding="utf-8") as f:
            for line in f:
                m = re.match(r"^\s*file\s*=\s*(.+?)\s*$", line)
                if m:
                    out.append((m.group(1), os.path.join(folder, m.group(1))))
        return out
    return [(t, os.path.join(dataset, t))
            for t in ("areas.csv", "stocks.csv", "flows.csv", "services.csv")
            if os.path.exists(os.path.join(dataset, t))]


def manifest_title(dataset):
    """The [dataset] title of a manifest, continuation lines joined, or None."""
    manifest = dataset if os.path.isfile(dataset) else os.path.join(dataset, "dataset.ini")
    if not os.path.isfile(manifest):
        return None
    section, key, title = None, None, None
    with open(manifest, encoding="utf-8") as f:
        for line in f:
            if re.match(r"^\s*[;#]", line) or not line.strip():
                key = None
                continue
            m = re.match(r"^\[([^\]]+)\]", line)
            if m:
                section, key = m.group(1).strip(), None
                continue
            if line[0] in " \t" and key == "title" and section == "dataset":
                title += " " + line.strip()
                continue
            m = re.match(r"^([^=]+?)\s*=\s*(.*?)\s*$", line)
            key = m.group(1) if m else None
            if m and section == "dataset" and key == "title":
                title = m.group(2)
    return title


def main():
    ap = argparse.ArgumentParser(description="Reads a citymig workbook back against the "
                                 "long table.")
    ap.add_argument("workbook")
    ap.add_argument("indicators", help="the long table: citymig indicators DATASET --format csv")
    ap.add_argument("dataset", nargs="?", help="the dataset, for the Sources sheet's SHA-256")
    ap.add_argument("--no-pandas", action="store_true", help="read with openpyxl only")
    args = ap.parse_args()

    expected = load_long(args.indicators)
    units, growth, per_area_year, values_of = {}, set(), set(), {}
    for k, row in expected.items():
        ind = k[5]
        if units.setdefault(ind, row["unit"]) != row["unit"]:
            problem(f"long table: {ind} has units {units[ind]!r} and {row['unit']!r}")
        if k[2]:
            growth.add(ind)
        values_of.setdefault(ind, []).append(row)
    # An indicator without a service is per area and year: on the Services sheet
    # (service_data_coverage) it is repeated on each service's row.
    for ind, rows in values_of.items():
        if all(not r["service"] for r in rows):
            per_area_year.add(ind)

    try:
        wb = openpyxl.load_workbook(args.workbook, read_only=True)
    except Exception as e:  # openpyxl raises many kinds
        print(f"readback: {args.workbook}: cannot read the workbook: {e}")
        return 2
    names = wb.sheetnames
    table_names = [n for n in names if base_of(n) in TABLES]
    readers = ["openpyxl"]
    pd = None
    if not args.no_pandas:
        try:
            import pandas as pd  # noqa: F811
            readers.append("pandas")
        except ImportError:
            pd = None
    checked = {}
    where = {}
    for reader in readers:
        try:
            tables = read_openpyxl(wb, table_names) if reader == "openpyxl" else \
                read_pandas(pd, args.workbook, table_names)
        except Exception as e:
            problem(f"readback: {reader} cannot read the table sheets: {e!r}")
            continue
        checked[reader], where_r = check_tables(reader, tables, expected, units, growth,
                                                per_area_year)
        if reader == "openpyxl":
            where = where_r
        elif where_r != where:
            problem(f"pandas finds the indicators {sorted(set(where_r) ^ set(where))} "
                    "where openpyxl does not (or the other way)")

    # Indicators left out: no value anywhere, and named on the Notes sheet.
    notes_names = [n for n in names if base_of(n) == "Notes"]
    notes = " ".join(text(c) for _, cells in sheet_rows(wb, notes_names) for c in cells)
    left_out = sorted(ind for ind in values_of if ind not in where)
    with_values, unnamed = [], []
    for ind in left_out:
        shown = [r for r in values_of[ind] if r["flag"] in SHOWN and r["value"] != ""]
        if shown:
            with_values.append(f"{ind} ({len(shown)})")
        elif not re.search(rf"(?<![\w]){re.escape(ind)}(?![\w])", notes):
            unnamed.append(ind)
    if with_values:
        problem(f"{len(with_values)} indicator(s) have no column on any table sheet"
                f"{' that could be read' if SKIPPED else ''}, but values in the long table "
                f"(how many): {', '.join(with_values)}")
    if unnamed:
        problem(f"{'Notes' if notes_names else 'no Notes sheet'}: {len(unnamed)} indicator(s) "
                "are left out of the tables (no value in any row) but "
                f"{'the Notes sheet does not name them' if notes_names else 'nothing names them'}"
                f": {', '.join(unnamed)}")

    # The reasons behind the flags: the Notes sheet's row of each indicator
    # with a flag column gives at least one of them.
    note_rows = {}
    for _, cells in sheet_rows(wb, notes_names):
        if cells and isinstance(cells[0], str) and len(cells) > 1:
            note_rows.setdefault(cells[0], []).append(text(cells[1]))
    for ind in sorted(REASONS):
        if ind not in where:
            continue
        said = " ".join(note_rows.get(ind, []))
        if not any(reason in said for reason in REASONS[ind]):
            example = sorted(REASONS[ind])[0]
            problem(f"Notes: no row for {ind} gives a reason of its flags, such as "
                    f"{example!r}" + (f" (its row says {said[:80]!r})" if said else ""),
                    "Notes: a reason is not given")

    # Definitions: the indicators shown, with the long table's units.
    def_names = [n for n in names if base_of(n) == "Definitions"]
    ids, rows = table_of(wb, def_names)
    if not def_names:
        problem("no Definitions sheet")
    elif "indicator" not in ids:
        problem(f"Definitions!A5: ids {ids[:8]}: expected indicator, title, unit, sheet, ...")
    else:
        defs = {}
        for name, r, row in rows:
            ind = text(row.get("indicator"))
            if ind in defs:
                problem(f"{name}!row {r}: {ind} is defined twice")
            defs[ind] = (name, r, row)
        for ind, unit in sorted(units.items()):
            if ind not in defs:
                if ind in where:
                    problem(f"Definitions: {ind}, a column of {where[ind]}, is not defined")
                continue
            name, r, row = defs[ind]
            if "unit" in row and text(row["unit"]) != unit:
                problem(f"{name}!row {r}: unit of {ind} is {text(row['unit'])!r}, the long "
                        f"table's {unit!r}")
            if "sheet" in row and ind in where and text(row["sheet"]) != where[ind]:
                problem(f"{name}!row {r}: sheet of {ind} is {text(row['sheet'])!r}, but its "
                        f"column is on {where[ind]}")

    # Flags: one row per rule hit of the long table, its value as in the tables.
    hits = {}
    for k, row in expected.items():
        for rule in (x for x in row["rules"].split(";") if x):
            hk = (rule, k[0], k[1], k[3], k[4], k[5])
            hits.setdefault(hk, []).append(row)
    flag_names = [n for n in names if base_of(n) == "Flags"]
    nhits = sum(len(v) for v in hits.values())
    ids, rows = table_of(wb, flag_names)
    if nhits and not flag_names:
        problem(f"no Flags sheet for the long table's {nhits} rule hits")
    elif flag_names and not {"rule_id", "area_id", "indicator", "value"} <= set(ids):
        problem(f"{flag_names[0]}!A5: ids {ids[:12]}: expected rule_id, severity, area_id, "
                "name, year, kind, service, indicator, value, ...; its rows are not checked")
    elif flag_names:
        found = 0
        for name, r, row in rows:
            hk = tuple(text(row.get(h)) for h in ("rule_id", "area_id", "year", "kind",
                                                   "service", "indicator"))
            if not hits.get(hk):
                problem(f"{name}!row {r}: rule hit {hk} is not in the long table "
                        "(or is there fewer times)")
                continue
            want = hits[hk].pop()
            found += 1
            got = number(row.get("value"))
            if want["value"] != "" and (got is None or not equal(
                    got, float(want["value"]), units.get(hk[5]) in PERCENT)):
                pct = units.get(hk[5]) in PERCENT
                problem(f"{name}!row {r}: value {row.get('value')!r} of rule hit {hk}, "
                        f"expected {float(want['value']) / 100 if pct else float(want['value'])!r}"
                        f"{' (a fraction: the unit is ' + units[hk[5]] + ')' if pct else ''}")
        left = [k for k, v in hits.items() if v]
        if left:
            problem(f"Flags has {found} rows, the long table {nhits} rule hits; not on the "
                    f"sheet: {left[0]}{' and more' if len(left) > 1 else ''}")

    # Sources: the SHA-256 of each input file.
    if args.dataset:
        src_names = [n for n in names if base_of(n) == "Sources"]
        sources = {text(c) for _, cells in sheet_rows(wb, src_names) for c in cells}
        for label, path in inputs_of(args.dataset):
            if file_digest(path) not in sources:
                problem(f"Sources lacks the SHA-256 of {label} ({path})")

    # The Cover: A1 the dataset's title, where its manifest gives one.
    if args.dataset and "Cover" in names:
        title = manifest_title(args.dataset)
        a1 = text(next(wb["Cover"].iter_rows(min_row=1, max_row=1, values_only=True),
                       (None,))[0])
        if title is not None and " ".join(a1.split()) != " ".join(title.split()):
            problem(f"Cover!A1 is {a1!r}, expected the dataset's title {title!r}")
    elif args.dataset:
        problem("no Cover sheet")

    used = " and ".join(readers) if pd is not None or args.no_pandas else \
        "openpyxl; pandas is not installed"
    if problem.n:
        problem.rest()
        print(f"readback ({used}): {args.workbook}: {problem.n} differences from the long table")
        return 1
    values = checked.get("openpyxl", 0)
    print(f"readback ({used}): {len(names)} sheets, {values} values and {nhits} rule hits "
          f"match the long table; {len(left_out)} indicators without a value left out, "
          "named on Notes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
