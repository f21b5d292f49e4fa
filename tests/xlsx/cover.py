"""The cover states the dataset's headline figure: at least one figure of
its FIGURES.csv (what `citymig check` recomputes, each with its published
source) appears on the Cover sheet as its sentences write it.

    cover.py WORKBOOK FIGURES.csv

A figure is found when its value, as the cover writes values of its unit,
is in a sentence that names its area and its year: a share or a rate as "13.1%" (one
decimal, or the decimals it was published with), a count as "255,796" or
"232 million", one in N as "1 in 7". Prints the figures found and exits 0,
or prints what the cover says and exits 1.
"""
import csv
import re
import sys

import openpyxl

workbook, figures = sys.argv[1:3]
wb = openpyxl.load_workbook(workbook)
if "Cover" not in wb.sheetnames:
    sys.exit(f"cover: {workbook}: no Cover sheet")
sentences = [str(r[0]) for r in wb["Cover"].iter_rows(values_only=True) if r and r[0]]
# Area codes to names, from the tables' key columns (ids in row 5).
names = {}
for sheet in wb.sheetnames:
    ws = wb[sheet]
    ids = [c for c in next(ws.iter_rows(min_row=5, max_row=5, values_only=True), ())]
    if "area_id" in ids and "name" in ids:
        a, n = ids.index("area_id"), ids.index("name")
        for row in ws.iter_rows(min_row=6, values_only=True):
            if row[a] and row[n]:
                names.setdefault(str(row[a]), str(row[n]))


def forms(indicator, value):
    v = float(value)
    out = set()
    if indicator == "one_in_n":
        out.add(f"1 in {round(v)} ")
    if v == 0:
        return out  # a zero (a sum over a closed system) is no headline
    if abs(v) <= 100:
        for d in (0, 1, 2):
            out.add(f"{v:.{d}f}%")
    if abs(v) >= 1000:
        out.add(f"{v:,.0f}")
    for big, word in ((1e9, "billion"), (1e6, "million")):
        if abs(v) >= big:
            out.add(f"{v / big:.3g} {word}")
    return out


found = []
with open(figures, newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        area = names.get(row["area_id"], row["area_id"])
        for s in sentences:
            # The world speaks of itself as "the world"; other areas by name.
            named = area.lower() in s.lower() or (not row["area_id"] and "system" in s) or \
                (area.lower() in ("world", "wld") and "the world" in s)
            hit = next((x for x in forms(row["indicator"], row["expected"])
                        if re.search(r"(?<![\d.,])" + re.escape(x.replace("-", "\u2212"))
                                     + r"(?![\d.])", s) or
                        re.search(r"(?<![\d.,])" + re.escape(x) + r"(?![\d.])", s)), None)
            if named and hit and row["year"] in s:
                found.append(f"{row['area_id'] or 'the system'} {row['year']} "
                             f"{row['indicator']} {hit!r}")
                break
if not found:
    print(f"cover: {workbook}: no figure of {figures} is stated on the cover, which says:")
    for s in sentences:
        print("  " + s)
    sys.exit(1)
print(f"cover: {len(found)} figures of {figures} stated, first: {found[0]}")
