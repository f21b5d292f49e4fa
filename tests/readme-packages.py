"""The README's "Building by hand" names the same Debian packages, set by
set, as tests/packages.txt, the list tests/deps.sh installs from (and
reads: `deps.sh SET --list`). Each set is a bullet: "- what
(`sh tests/deps.sh SET`): `pkg` `pkg` ...", with no SET for the build set.

    readme-packages.py
"""
import os
import re
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def packages(name):
    """The packages of a set and the sets it builds on, as tests/deps.sh
    reads them from tests/packages.txt (its one reader)."""
    run = subprocess.run(["sh", os.path.join(root, "tests", "deps.sh"), name, "--list"],
                         stdout=subprocess.PIPE, text=True)
    if run.returncode != 0:
        sys.exit(f"tests/deps.sh {name} --list exited {run.returncode}")
    return run.stdout.split()


# Each set beside the sets before it, as the README lists them.
listed, before = {}, []
for name in ("build", "package", "test", "render"):
    cumulative = packages(name)
    listed[name] = [p for p in cumulative if p not in before]
    before = cumulative

readme = open(os.path.join(root, "README.md"), encoding="utf-8").read()
section = re.search(r"^## Building by hand\n(.*?)(?=^## |\Z)", readme, re.S | re.M)
if not section:
    sys.exit("README.md: no section \"Building by hand\"")
shown = {}
for m in re.finditer(r"^- [^\n]*?\(`sh tests/deps\.sh(?: (\w+))?`\): ((?:`[^`]+`[ ,]*)+)$",
                     section.group(1), re.M):
    shown[m.group(1) or "build"] = re.findall(r"`([^`]+)`", m.group(2))
problems = 0
for name in sorted(set(listed) | set(shown)):
    want, have = listed.get(name), shown.get(name)
    if want is None:
        print(f"README.md names a set '{name}' that tests/packages.txt does not have")
    elif have is None:
        print(f"README.md's Building by hand does not list the set '{name}': {' '.join(want)}")
    elif want != have:
        print(f"set '{name}': tests/packages.txt has {' '.join(want)}")
        print(f"{' ' * (len(name) + 7)}README.md has {' '.join(have)}")
    else:
        continue
    problems += 1
print(f"README packages: {len(listed)} sets, {sum(map(len, listed.values()))} packages, "
      f"{problems} differ")
sys.exit(1 if problems else 0)
