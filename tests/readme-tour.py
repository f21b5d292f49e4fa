"""The README's tour runs as written: every `$ build/citymig ...` command
between the tour markers is run from the project's root with the citymig
under test, and its output (standard output and error together, CR line
ends dropped) must be the lines the README shows under it.

    readme-tour.py CITYMIG
"""
import os
import re
import subprocess
import sys
import tempfile

citymig = os.path.abspath(sys.argv[1])
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
readme = open(os.path.join(root, "README.md"), encoding="utf-8").read()
match = re.search(r"<!-- tour:.*?-->\n```\n(.*?)```\n<!-- /tour -->", readme, re.S)
if not match:
    sys.exit("README.md: no tour between the markers")

steps, current = [], None
for line in match.group(1).splitlines():
    if line.startswith("$ "):
        current = [line[2:], []]
        steps.append(current)
    elif current:
        current[1].append(line)

failed = 0
with tempfile.TemporaryDirectory() as work:
    # build/citymig is the citymig under test; the report goes to the scratch
    # directory, and its path is shown as the README shows it.
    os.makedirs(os.path.join(work, "build"))
    os.symlink(citymig, os.path.join(work, "build", "citymig"))
    for command, expected in steps:
        run = command.replace("build/citymig", os.path.join(work, "build", "citymig"))
        run = run.replace("-o report.xlsx", "-o " + os.path.join(work, "report.xlsx"))
        out = subprocess.run(["sh", "-c", run + " 2>&1"], cwd=root, capture_output=True,
                             text=True).stdout.replace("\r", "")
        out = out.replace(os.path.join(work, "report.xlsx"), "report.xlsx").splitlines()
        if out != expected:
            failed += 1
            print(f"README tour: '{command}' printed:")
            print("\n".join(out))
            print("but the README shows:")
            print("\n".join(expected))
print(f"README tour: {len(steps)} commands, {failed} differ")
sys.exit(1 if failed or not steps else 0)
