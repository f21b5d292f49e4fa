"""cells.py WORKBOOK - the cell mix of a workbook, for the benchmarks'
xlsx_baseline: how many cells (<c> elements of its sheets), how many of
them inline text, and the text's mean length in bytes (5 to 200, the range
xlsx_baseline takes), on one line."""
import re
import sys
import zipfile

z = zipfile.ZipFile(sys.argv[1])
cells = texts = length = 0
for n in z.namelist():
    if n.startswith("xl/worksheets/sheet"):
        d = z.read(n)
        cells += len(re.findall(rb"<c ", d))
        t = re.findall(rb"<is><t[^>]*>(.*?)</t></is>", d)
        texts += len(t)
        length += sum(len(x) for x in t)
print(cells, texts, min(max(round(length / texts) if texts else 5, 5), 200))
