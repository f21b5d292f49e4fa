"""Reads a citymig workbook back with openpyxl and checks it against the
long table of `citymig indicators` for the same dataset.

    readback.py REPORT.xlsx INDICATORS.csv DATASET_DIR

Every value of the long table must appear once in the workbook, in the
sheet of its scope, with the same flag, and an equal value (the workbook
holds 16 significant digits, so equal to 1e-15 relative). Empty values
must be empty cells. The Definitions sheet must list the catalogue, the
Sources sheet the SHA-256 of each input file. Prints a summary line and
exits 1 on the first difference.
"""
import csv
import hashlib
import math
import os
import sys

import openpyxl

report, table, dataset = sys.argv[1:4]
wb = openpyxl.load_workbook(report)
names = wb.sheetnames
order = ["Summary", "Areas", "Flows", "Diversity", "Services", "Flags",
         "Charts", "Definitions", "Sources"]
base = [n.split(" (")[0] for n in names]
if [n for n in order if n in base] != [n for n in base if n in order] or \
        base[0] != "Summary" or base[-1] != "Sources":
    sys.exit(f"sheets out of order: {names}")

expected = {}
with open(table, newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        key = (row["area_id"], row["year"], row["base_year"], row["kind"],
               row["service"], row["indicator"])
        if key in expected:
            sys.exit(f"duplicate row in the long table: {key}")
        expected[key] = row


def text(v):
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


GROWTH, COVERAGE = set(), set()
for r in wb["Definitions"].iter_rows(min_row=2, values_only=True):
    if r[3] and str(r[3]).startswith("area, between"):
        GROWTH.add(r[0])
    if r[3] and str(r[3]).endswith("(services)"):
        COVERAGE.add(r[0])

seen = set()
checked = 0
for name in names:
    sheet_base = name.split(" (")[0]
    if sheet_base not in ("Areas", "Flows", "Diversity", "Services"):
        continue
    ws = wb[name]
    rows = ws.iter_rows(values_only=True)
    header = [h for h in next(rows)]
    col = {h: i for i, h in enumerate(header) if h}
    for cells in rows:
        def cell(h):
            return text(cells[col[h]]) if h in col else ""
        subject = (cell("area_id"), cell("year"), cell("base_year"),
                   cell("kind"), cell("service"))
        for i, h in enumerate(header):
            if not h or h.endswith(" flag") or h + " flag" not in col:
                continue
            flag_cell = cells[col[h + " flag"]]
            value = cells[i]
            if flag_cell is None and value is None:
                continue  # this row has no such indicator (another scope)
            base_year = subject[2] if sheet_base == "Areas" and h in GROWTH else ""
            key = (subject[0], subject[1], base_year, subject[3], subject[4], h) \
                if sheet_base != "Areas" else \
                (subject[0], subject[1], base_year, "", "", h)
            repeated = h in COVERAGE  # per area and year, on each service's row
            if repeated:
                key = (subject[0], subject[1], "", "", "", h)
            if key not in expected:
                sys.exit(f"{name}: {key} is not in the long table")
            if key in seen and not repeated:
                sys.exit(f"{name}: {key} appears twice")
            seen.add(key)
            want = expected[key]
            flag = str(flag_cell).split(":")[0]
            if flag != want["flag"]:
                sys.exit(f"{name}: {key}: flag {flag!r}, long table {want['flag']!r}")
            if want["value"] == "":
                if value is not None:
                    sys.exit(f"{name}: {key}: value {value!r} where the long table is empty")
            else:
                w = float(want["value"])
                if value is None or not math.isclose(float(value), w, rel_tol=1e-15,
                                                     abs_tol=1e-300):
                    sys.exit(f"{name}: {key}: value {value!r}, long table {w!r}")
            checked += 1

missing = [k for k in expected if k not in seen]
if missing:
    sys.exit(f"{len(missing)} values of the long table are not in the workbook, "
             f"first: {missing[0]}")

# Definitions: the whole catalogue.
ids = [r[0] for r in wb["Definitions"].iter_rows(min_row=2, values_only=True)]
if len(ids) != len(set(ids)) or len(ids) < 50:
    sys.exit(f"Definitions lists {len(ids)} indicators")

# Sources: the SHA-256 of each input file.
sources = [c for r in wb["Sources"].iter_rows(values_only=True) for c in r if c]
for table_file in ("areas.csv", "stocks.csv", "flows.csv", "services.csv"):
    path = os.path.join(dataset, table_file)
    if os.path.exists(path):
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        if digest not in sources:
            sys.exit(f"Sources lacks the SHA-256 of {table_file}")

# Flags: one row per rule hit of the long table.
hits = sum(len([x for x in r["rules"].split(";") if x]) for r in expected.values())
flag_rows = sum(ws.max_row - 1 for n, ws in zip(names, wb.worksheets)
                if n.split(" (")[0] == "Flags")
if flag_rows != hits:
    sys.exit(f"Flags has {flag_rows} rows, the long table {hits} rule hits")

print(f"readback: {len(names)} sheets, {checked} values and {hits} rule hits match "
      f"the long table")
