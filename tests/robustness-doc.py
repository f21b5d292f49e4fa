#!/usr/bin/python3
"""robustness-doc.py - checks that every test docs/robustness.md names exists.

Names are in backticks in the last column of each table row:
  case.GROUP/NAME   an end-to-end case: tests/cases/GROUP/NAME/cmd
  unit.NAME         a cmocka program: tests/unit/NAME.c
  tests/...         a script or file of the suite
Every table row of the fault tables must name at least one test.
"""
import os
import re
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
doc = os.path.join(root, "docs", "robustness.md")
problems = []
rows = 0
names = 0
with open(doc, encoding="utf-8") as f:
    for lineno, line in enumerate(f, 1):
        if not line.startswith("|") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[2] == "test":
            continue
        rows += 1
        found = re.findall(r"`([^`]+)`", cells[2])
        if not found:
            problems.append(f"{doc}:{lineno}: the row names no test")
        for name in found:
            names += 1
            if name.startswith("case."):
                path = os.path.join(root, "tests", "cases", name[5:], "cmd")
            elif name.startswith("unit."):
                path = os.path.join(root, "tests", "unit", name[5:] + ".c")
            elif name.startswith("tests/"):
                path = os.path.join(root, name)
            else:
                problems.append(f"{doc}:{lineno}: '{name}' is not a test name")
                continue
            if not os.path.isfile(path):
                problems.append(f"{doc}:{lineno}: '{name}' does not exist ({os.path.relpath(path, root)})")
for p in problems:
    print(p, file=sys.stderr)
if rows < 40:
    problems.append(f"only {rows} rows found: is the table format changed?")
    print(problems[-1], file=sys.stderr)
print(f"robustness-doc: {rows} rows, {names} tests named, {len(problems)} problems")
sys.exit(1 if problems else 0)
