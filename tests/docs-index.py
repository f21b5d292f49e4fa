"""docs/README.md, the index of the documentation, names every file and
folder of docs/ in a link, and names nothing that is not there.

    docs-index.py
"""
import os
import re
import sys

docs = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs")
index = open(os.path.join(docs, "README.md"), encoding="utf-8").read()
linked = {t.rstrip("/") for t in re.findall(r"^- \[[^\]]+\]\(([^)#]+)\)", index, re.M)}
present = {n for n in os.listdir(docs) if n != "README.md"}
problems = sorted(f"docs/{n} is not in docs/README.md" for n in present - linked)
problems += sorted(f"docs/README.md names docs/{n}, which is not there" for n in linked - present)
for p in problems:
    print(p)
print(f"docs index: {len(present)} entries, {len(problems)} problems")
sys.exit(1 if problems else 0)
