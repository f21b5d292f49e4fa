"""The README's transcripts run as written. Each block between a
`<!-- tour ... -->` marker and `<!-- /tour -->` is a terminal transcript:
a line `$ COMMAND` is run with sh (a following line that starts with `> `
continues it, as at a shell's second prompt), and the lines after it up to
the next `$ ` are what it must print (standard output and error together,
CR line ends dropped). `build/citymig` is the citymig under test.

A block whose marker says "in an empty folder" runs in a new empty folder,
as a newcomer's own-data session would; any other block runs from the
project's root (ROOT), and its `-o report.xlsx` goes to a scratch folder.

    readme-tour.py CITYMIG [ROOT]

ROOT (the project's root by default) holds README.md, data/ and examples/:
the package test passes an installed /usr/share/citymig.
"""
import os
import re
import subprocess
import sys
import tempfile

citymig = os.path.abspath(sys.argv[1])
here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
root = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else here
readme = open(os.path.join(root, "README.md"), encoding="utf-8").read()
blocks = re.findall(r"<!-- tour(.*?)-->\n```\n(.*?)```\n<!-- /tour -->", readme, re.S)
if not blocks:
    sys.exit("README.md: no transcript between tour markers")


def parse(text):
    steps, current = [], None
    for line in text.splitlines():
        if line.startswith("$ "):
            current = [line[2:], []]
            steps.append(current)
        elif current and line.startswith("> ") and not current[1]:
            current[0] += "\n" + line[2:]
        elif current:
            current[1].append(line)
    return steps


failed = total = 0
for marker, text in blocks:
    steps = parse(text)
    total += len(steps)
    empty_folder = "in an empty folder" in marker
    with tempfile.TemporaryDirectory() as work:
        # build/citymig is the citymig under test, in a folder of its own
        # or in the empty folder the block runs in.
        bindir = os.path.join(work, "run" if empty_folder else "bin")
        os.makedirs(os.path.join(bindir, "build"))
        os.symlink(citymig, os.path.join(bindir, "build", "citymig"))
        cwd = bindir if empty_folder else root
        for command, expected in steps:
            run = command
            if not empty_folder:
                run = run.replace("build/citymig", os.path.join(bindir, "build", "citymig"))
                run = run.replace("-o report.xlsx", "-o " + os.path.join(work, "report.xlsx"))
            out = subprocess.run(["sh", "-c", run + "\n"], cwd=cwd, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True).stdout.replace("\r", "")
            out = out.replace(os.path.join(work, "report.xlsx"), "report.xlsx").splitlines()
            if out != expected:
                failed += 1
                print(f"README tour: '{command}' printed:")
                print("\n".join(out))
                print("but the README shows:")
                print("\n".join(expected))
print(f"README tour: {len(blocks)} transcripts, {total} commands, {failed} differ")
sys.exit(1 if failed or not total else 0)
