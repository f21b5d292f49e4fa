#!/usr/bin/python3
"""order-identical.py BUILD_DIR SCRATCH_DIR - the order of a table's rows
changes no output.

Over a small version of the benchmark's stocks (gen_shapes stocks 24000:
20 areas x 200 origins x 2 years x T, F and M; each area's rows together,
but neither the areas nor the origins in byte order) and the areas of the
same ids, the data rows of stocks.csv and areas.csv are put in other orders:

  reversed   backwards: each area's rows still together, the years and
             sexes backwards within them
  by-year    every 2011 row before every 2012 row (stable): each area's
             rows in two runs, so an area and year seen before comes back
             (src/table/keyindex.c)
  by-origin  by origin (stable): no area's rows together
  shuffled   a fixed pseudo-random order

`citymig indicators` (CSV) must write the same table for each as for the
files as generated, and `validate` must print the same summary. The same
again with an age column added to the stocks (each origin of an area in
one of three age groups, by a hash of the two): the stocks' groups are
numbered in the order the rows first name them, which must change no
output either. Exits 1, naming each order that differs.
"""
import csv
import io
import os
import random
import shutil
import subprocess
import sys


def rows_of(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def write(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.splitlines()[0])
    build, scratch = sys.argv[1], sys.argv[2]
    shutil.rmtree(scratch, ignore_errors=True)
    asis = os.path.join(scratch, "asis")
    os.makedirs(asis)
    subprocess.run([os.path.join(build, "tests", "gen_shapes"), "stocks", "24000", asis],
                   check=True, stdout=subprocess.DEVNULL)
    plain = {name: rows_of(os.path.join(asis, name)) for name in ("stocks.csv", "areas.csv")}
    groups = ("0-14", "15-64", "65+")
    stocks = plain["stocks.csv"]
    at, of = stocks[0].index("area_id"), stocks[0].index("origin")
    aged = dict(plain)
    aged["stocks.csv"] = [stocks[0] + ["age"]] + [
        r + [groups[sum(map(ord, r[at] + "/" + r[of])) % 3]] for r in stocks[1:]]

    def year_of(header, row):
        return row[header.index("year")]

    def origin_of(header, row):
        return row[header.index("origin")] if "origin" in header else row[0]

    orders = {
        "reversed": lambda h, rows: rows[::-1],
        "by-year": lambda h, rows: sorted(rows, key=lambda r: year_of(h, r)),
        "by-origin": lambda h, rows: sorted(rows, key=lambda r: origin_of(h, r)),
        "shuffled": lambda h, rows: random.Random(7).sample(rows, len(rows)),
    }
    binary = os.path.join(build, "citymig")

    def outputs(d):
        table = os.path.join(d, "table.csv")
        subprocess.run([binary, "indicators", d, "-o", table, "--quiet"], check=True)
        with open(table, "rb") as f:
            data = f.read()
        os.remove(table)
        summary = subprocess.run([binary, "validate", d], capture_output=True, check=True).stdout
        return data, summary.replace(d.encode(), b"DATASET")

    status = 0
    for variant, tables in (("", plain), ("aged ", aged)):
        base = os.path.join(scratch, variant.strip() or "plain")
        os.makedirs(base)
        for file, rows in tables.items():
            write(os.path.join(base, file), rows)
        expected = outputs(base)
        if expected[0].count(b"\n") < 1000:
            sys.exit("order-identical: the generated dataset gave too few rows to compare")
        if variant and b",fb_age_share," not in expected[0]:
            sys.exit("order-identical: the aged stocks gave no fb_age_share rows")
        for name, order in orders.items():
            d = os.path.join(base + "-" + name)
            os.makedirs(d)
            for file, rows in tables.items():
                write(os.path.join(d, file), [rows[0]] + order(rows[0], rows[1:]))
            got = outputs(d)
            for what, a, b in (("indicators", expected[0], got[0]),
                               ("validate", expected[1], got[1])):
                if a != b:
                    print("order-identical: %s%s: %s differs from the files as generated"
                          % (variant, name, what), file=sys.stderr)
                    status = 1
    sys.exit(status)


if __name__ == "__main__":
    main()
