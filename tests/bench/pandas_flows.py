"""The peer of citymig's flows benchmark: pandas + XlsxWriter doing only a
group-by of destination x kind of flows.csv and a one-sheet workbook, tuned
(only the columns needed, types given).

    python3 pandas_flows.py FLOWS.csv OUT.xlsx
"""
import sys

import pandas as pd

flows = pd.read_csv(
    sys.argv[1],
    usecols=["destination", "kind", "count"],
    dtype={"destination": "string", "kind": "category", "count": "int64"},
)
totals = flows.groupby(["destination", "kind"], observed=True)["count"].sum().reset_index()
with pd.ExcelWriter(sys.argv[2], engine="xlsxwriter") as out:
    totals.to_excel(out, sheet_name="inflows", index=False)
