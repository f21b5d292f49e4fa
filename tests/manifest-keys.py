#!/usr/bin/python3
"""docs/manifests.md's table of a source's keys against the code's list
(source_keys and source_prefixes in src/load/manifest_keys.c): every key
the loader accepts is documented, and nothing else is."""
import re
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
code = (root / "src/load/manifest_keys.c").read_text(encoding="utf-8")


def c_list(name):
    m = re.search(r"\b" + name + r"\[\]\s*=\s*\{(.*?)\};", code, re.S)
    if not m:
        sys.exit(f"manifest-keys: no {name} in manifest_keys.c")
    return set(re.findall(r'"([^"]*)"', m.group(1)))


in_code = c_list("source_keys") | {p + "*" for p in c_list("source_prefixes")}

doc = (root / "docs/manifests.md").read_text(encoding="utf-8")
start = doc.index("## Keys of a source")
table = doc[start:doc.index("\n\n", doc.index("| key | meaning |", start))]
in_docs = set()
for line in table.splitlines():
    if not line.startswith("| `"):
        continue
    first = line.split("|")[1]
    for key in re.findall(r"`([^`]+)`", first):
        if key == "COLUMN = VALUE":
            continue  # a constant: a column of the table, not a key
        in_docs.add(re.sub(r"\.[A-Z]+$", ".*", key))

missing = sorted(in_code - in_docs)
extra = sorted(in_docs - in_code)
for k in missing:
    print(f"manifest-keys: the loader accepts {k!r}, which docs/manifests.md does not list")
for k in extra:
    print(f"manifest-keys: docs/manifests.md lists {k!r}, which the loader does not accept")
if missing or extra:
    sys.exit(1)
print(f"manifest-keys: {len(in_code)} keys, documented and accepted alike")
