#!/usr/bin/python3
"""draft-examples.py - citymig draft over every example's downloads.

For every example folder (examples/*/ with a dataset.ini, and data/wmr2015/):

  1. the folder is copied to a scratch directory, and `citymig draft` is run
     there on the files its dataset.ini names (the `file =` values, each
     once, in order), writing the draft over the copy's dataset.ini;
  2. `citymig validate` must accept the draft (exit 0), unless
     tests/draft/EXAMPLE.asks exists: it lists, a line each, the questions
     that the draft must ask because the files cannot answer them (a file
     that names its year nowhere). The draft must then ask each of them, in
     a comment, and validate must refuse it (nothing is guessed);
  3. where tests/draft/EXAMPLE.edits exists (a unified diff of at most three
     changed lines; empty: none), it must apply to the draft exactly, and
     `citymig check DIR --expect figures.csv` must then pass. A change in the
     draft that the recorded edit no longer fits fails here, so that it is
     seen. An example without a .edits file is one the draft does not bring
     to its figures in three lines: its check is run and reported, not
     required.

Each example's line says how many lines of the draft differ from the
example's own manifest, which passes check. Usage:

  draft-examples.py CITYMIG [--keep DIR] [EXAMPLE...]

--keep leaves the drafts (and the edited drafts) in DIR, to write an
.edits file from: diff -u DIR/NAME/dataset.ini.draft DIR/NAME/dataset.ini
"""
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MAX_EDITS = 3


def example_dirs():
    base = os.path.join(ROOT, "examples")
    dirs = []
    for name in sorted(os.listdir(base)):
        d = os.path.join(base, name)
        if os.path.isfile(os.path.join(d, "dataset.ini")):
            dirs.append((name, d))
    dirs.append(("wmr2015", os.path.join(ROOT, "data", "wmr2015")))
    return dirs


def named_files(manifest):
    files = []
    with open(manifest, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\s*file\s*=\s*(.*?)\s*$", line)
            if m and m.group(1) not in files:
                files.append(m.group(1))
    return files


def run(cmd, cwd):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def apply_patch(lines, patch):
    """Applies a unified diff to lines exactly (no fuzz); returns the new
    lines and the number of lines changed, or raises ValueError."""
    out, i, changed = [], 0, 0
    hunks = re.split(r"^(?=@@ )", patch, flags=re.M)
    for hunk in hunks:
        if not hunk.startswith("@@ "):
            continue
        head, _, body = hunk.partition("\n")
        m = re.match(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", head)
        if not m:
            raise ValueError(f"bad hunk header {head!r}")
        start = int(m.group(1)) - (0 if m.group(2) == "0" else 1)
        if start < i:
            raise ValueError("hunks overlap")
        out.extend(lines[i:start])
        i = start
        minus = plus = 0
        for row in body.splitlines():
            if row.startswith("\\"):
                continue
            tag, text = row[:1], row[1:] + "\n"
            if tag in (" ", "-"):
                if i >= len(lines) or lines[i] != text:
                    got = lines[i].rstrip("\n") if i < len(lines) else "(end of file)"
                    raise ValueError(
                        f"line {i + 1} of the draft is {got!r}, the edit expects {text.rstrip()!r}")
                i += 1
                if tag == " ":
                    out.append(text)
                else:
                    minus += 1
            elif tag == "+":
                out.append(text)
                plus += 1
            elif row == "":
                continue
            else:
                raise ValueError(f"bad line in hunk: {row!r}")
        changed += max(minus, plus)
    out.extend(lines[i:])
    return out, changed


def differing(a, b):
    n = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b).get_opcodes():
        if tag != "equal":
            n += max(i2 - i1, j2 - j1)
    return n


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    citymig = os.path.abspath(argv[1])
    keep, only = None, []
    args = argv[2:]
    while args:
        a = args.pop(0)
        if a == "--keep":
            keep = os.path.abspath(args.pop(0))
        else:
            only.append(a)
    failures, passed, results = [], [], []
    scratch = tempfile.mkdtemp(prefix="cm-draft-")
    try:
        for name, src in example_dirs():
            if only and name not in only:
                continue
            work = os.path.join(keep or scratch, name)
            if os.path.exists(work):
                shutil.rmtree(work)
            shutil.copytree(src, work)
            original = open(os.path.join(src, "dataset.ini"), encoding="utf-8").readlines()
            files = named_files(os.path.join(src, "dataset.ini"))
            os.remove(os.path.join(work, "dataset.ini"))
            code, out = run([citymig, "draft", *files, "-o", "dataset.ini", "-q"], work)
            if code != 0:
                failures.append(f"{name}: citymig draft exited {code}:\n{out}")
                continue
            manifest = os.path.join(work, "dataset.ini")
            draft = open(manifest, encoding="utf-8").readlines()
            shutil.copy(manifest, manifest + ".draft")
            for n, line in enumerate(draft, 1):
                if len(line.rstrip("\n")) > 199:
                    failures.append(f"{name}: line {n} of the draft is longer than 199 characters")
            code, out = run([citymig, "validate", "dataset.ini", "-q"], work)
            asks_path = os.path.join(HERE, name + ".asks")
            if os.path.exists(asks_path):
                asks = [a.strip() for a in open(asks_path, encoding="utf-8") if a.strip()]
                text = "".join(draft)
                unasked = [a for a in asks if a not in text]
                if unasked:
                    failures.append(f"{name}: the draft does not ask {unasked!r}")
                elif code == 0:
                    failures.append(f"{name}: the draft validates, but {name}.asks says it "
                                    f"cannot: remove {name}.asks")
                else:
                    results.append(f"{name}: asks what the files cannot say ({len(asks)} "
                                   f"question(s)), so it does not validate: "
                                   f"{'; '.join(asks)}")
                continue
            if code != 0:
                failures.append(f"{name}: citymig validate of the draft exited {code}:\n{out}")
                continue
            edits_path = os.path.join(HERE, name + ".edits")
            figures = os.path.join(work, "figures.csv")
            if os.path.exists(edits_path):
                patch = open(edits_path, encoding="utf-8").read()
                try:
                    edited, changed = apply_patch(draft, patch)
                except ValueError as e:
                    failures.append(f"{name}: the recorded edit ({name}.edits) no longer fits "
                                    f"the draft: {e}")
                    continue
                if changed > MAX_EDITS:
                    failures.append(f"{name}: {name}.edits changes {changed} lines "
                                    f"(at most {MAX_EDITS})")
                    continue
                with open(manifest, "w", encoding="utf-8") as f:
                    f.writelines(edited)
                code, out = run([citymig, "check", ".", "--expect", figures, "-q"], work)
                if code != 0:
                    failures.append(f"{name}: check with the draft and {changed} edited "
                                    f"line(s) exited {code}:\n{out}")
                    continue
                passed.append(name)
                results.append(f"{name}: validates; check passes with {changed} line(s) "
                               f"edited; {differing(edited, original)} lines differ from the "
                               f"example's manifest")
            else:
                code, out = run([citymig, "check", ".", "--expect", figures, "-q"], work)
                results.append(f"{name}: validates; no recorded edit (check of the draft "
                               f"unchanged exits {code}); {differing(draft, original)} lines "
                               f"differ from the example's manifest")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    for line in results:
        print(line)
    print(f"{len(passed)} example(s) pass check with at most {MAX_EDITS} lines edited: "
          f"{', '.join(passed) or 'none'}")
    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
