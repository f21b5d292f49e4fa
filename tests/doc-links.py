"""Every relative link in the Markdown files under each ROOT leads to a
file or folder that is there: in the source tree, and in an installed or
unpacked package (whose /usr/share/doc/citymig links into
/usr/share/citymig). A link is followed from the file as it was reached
and from the file's real place, so that a link that holds only through
one of the two is caught. Folders named build* and .git are not looked in.

    doc-links.py ROOT...
"""
import os
import re
import sys

LINK = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
bad = files = links = 0
for top in sys.argv[1:]:
    for folder, dirs, names in os.walk(top, followlinks=True):
        dirs[:] = [d for d in dirs if not d.startswith("build") and d != ".git"]
        for name in names:
            if not name.endswith(".md"):
                continue
            path = os.path.join(folder, name)
            files += 1
            text = open(path, encoding="utf-8").read()
            for number, line in enumerate(text.splitlines(), 1):
                for target in LINK.findall(line):
                    if re.match(r"[a-z]+:", target) or target.startswith("#"):
                        continue
                    links += 1
                    target = target.split("#")[0]
                    seen = os.path.normpath(os.path.join(folder, target))
                    real = os.path.join(os.path.dirname(os.path.realpath(path)), target)
                    for where in (seen, real):
                        if not os.path.exists(where):
                            bad += 1
                            print(f"{path}:{number}: link '{target}': {where} does not exist")
                            break
print(f"doc links: {files} files, {links} relative links, {bad} broken")
sys.exit(1 if bad or not files else 0)
