"""Checks that a citymig workbook is laid out for publication, from its XML
alone (zipfile and xml.etree, no spreadsheet library).

    publication.py WORKBOOK [--forbid TEXT]... [--paths-only]

What it checks, on the parts of the workbook (xl/workbook.xml and its
relationships, every sheet, the shared strings, xl/styles.xml, the
drawings and the charts):

- the sheet order: Cover, Contents, Notes, the table sheets that have rows
  (Areas, Segregation, Across areas, Flows, Ages, Diversity, Services, Partners, Matrix,
  Flags, each maybe continued on
  "Flows (2)", ...), Chart 1, Chart 2, ..., Definitions, Sources;
- on every sheet: landscape, fit to one page wide (fitToWidth 1,
  fitToHeight 0, sheetPr/pageSetUpPr fitToPage 1) or, on a table sheet
  too wide for a page, pages across: no fit, a print scale from 40 to
  100, 1 to 3 column breaks (colBreaks), each after the key columns and
  after the columns the head's merged lines span, and the pages printed
  across, then down (pageOrder overThenDown); print titles (a
  _xlnm.Print_Titles defined name for the sheet: table sheets repeat rows
  4-5 and their key columns, other sheets at least row 1), a footer
  (oddFooter) with the page number (&P) and the sheet name (&A), and an
  explicit height (ht with customHeight="1") on every row that holds a
  cell whose format wraps text;
- on every table sheet: A1 a title, A2 a line, A3 a line beginning
  "Source:" (A2 and A3 merged over columns of the table, where it has
  more than one), labels in row 4, the column ids in row 5 (the key columns
  first), data from row 6; no column without a value from row 6 (over all
  the parts of a table), no `<id>_flag` column without a non-empty cell
  and none that does not follow its indicator's column; flag cells "p" or
  "code: reason" (m, s, z, i) with an empty value beside a non-p code;
  frozen panes below row 5 and right of the key columns; an autofilter on
  the ids row; a defined name per table; a percent number format on every
  value of an indicator whose unit (on the Definitions sheet) is "%" or
  "% per year";
- on every chart sheet: A1 the chart's title with a year (19xx or 20xx),
  A2 a line beginning "Note:", A3 a line beginning "Source:", the chart's
  data from row 5 (header) and row 6 on, one chart beside that table,
  whose title is a reference to A1 with a cached text equal to A1's, and
  whose series refer to that sheet's table;
- the Cover: A1 a title, sentences, and no section heading followed by
  another heading or by nothing; the Contents: a link to every other
  sheet; the Notes: some text;
- nothing absolute: no part holds a --forbid TEXT (as written, or
  XML-escaped), and no relationship targets a local file (with
  --paths-only, only this).

Prints every problem (sheet, cell, what was expected; repeated problems
of one kind on one sheet are counted after the first few) and exits 1;
on success prints a one-line summary and exits 0. Exit 2 when the file is
not a workbook it can read.
"""
import argparse
import posixpath
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

from layout import KEYS, REQUIRED_KEYS

M = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
OFFICE_DOC = R + "/officeDocument"


def q(ns, tag):
    return "{%s}%s" % (ns, tag)


TABLES = ["Areas", "Segregation", "Across areas", "Flows", "Ages", "Diversity", "Services",
          "Partners", "Matrix", "Flags"]
# The columns of these sheets, in this order; a column with nothing in it
# is left out, those named in REQUIRED_IDS never are.
EXACT_IDS = {
    "Flags": ["rule_id", "severity", "area_id", "name", "year", "kind", "service",
              "indicator", "value", "condition", "conclusion", "sdg"],
    "Definitions": ["indicator", "title", "unit", "sheet", "computed_per", "formula",
                    "inputs", "edge_cases"],
}
REQUIRED_IDS = {
    "Flags": ["rule_id", "severity", "name", "year", "indicator", "value", "condition",
              "conclusion"],
    "Definitions": ["indicator", "title", "unit", "sheet", "formula", "inputs", "edge_cases"],
}
TABLE_SHEETS = TABLES + ["Definitions"]
PERCENT_UNITS = ("%", "% per year")
ORDER = ["Cover", "Contents", "Notes"] + TABLES + ["Chart", "Definitions", "Sources"]
REQUIRED = ["Cover", "Contents", "Notes", "Definitions", "Sources"]
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
FLAG_RE = re.compile(r"^[msiz]$")
YEAR_RE = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")
SHOW_EACH = 3  # problems of one kind on one sheet shown before the rest are counted


class Problems:
    def __init__(self):
        self.shown = []
        self.kinds = {}

    def add(self, sheet, cell, message, kind=None):
        where = sheet if cell is None else f"{sheet}!{cell}"
        kind = (sheet, kind or message)
        n = self.kinds.get(kind, 0) + 1
        self.kinds[kind] = n
        if n <= SHOW_EACH:
            self.shown.append(f"{where}: {message}")

    def count(self):
        return sum(self.kinds.values())

    def report(self):
        for line in self.shown:
            print(line)
        for (sheet, kind), n in self.kinds.items():
            if n > SHOW_EACH:
                print(f"{sheet}: ... and {n - SHOW_EACH} more like the above ({kind})")


P = Problems()


def col_name(n):
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def col_number(letters):
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def parse_cell(ref):
    m = re.match(r"^\$?([A-Z]{1,3})\$?(\d+)$", ref)
    if not m:
        return None
    return int(m.group(2)), col_number(m.group(1))


def cell_name(row, col):
    return f"{col_name(col)}{row}"


def unescape(text):
    """OOXML's _xHHHH_ escapes, as Excel reads them."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def split_refs(text):
    """A defined name's or a formula's references: [(sheet, range)], split on
    the commas outside quotes."""
    out, cur, quoted = [], "", False
    for ch in text:
        if ch == "'":
            quoted = not quoted
        if ch == "," and not quoted:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    refs = []
    for part in out:
        part = part.strip()
        if "!" not in part:
            refs.append((None, part))
            continue
        sheet, rng = part.rsplit("!", 1)
        if sheet.startswith("'") and sheet.endswith("'"):
            sheet = sheet[1:-1].replace("''", "'")
        refs.append((sheet, rng))
    return refs


def sheet_base(name):
    """('Flows', 2) for 'Flows (2)', ('Chart', 3) for 'Chart 3'."""
    m = re.match(r"^(.*) \((\d+)\)$", name)
    if m and m.group(1) in TABLE_SHEETS:
        return m.group(1), int(m.group(2))
    m = re.match(r"^Chart (\d+)$", name)
    if m:
        return "Chart", int(m.group(1))
    return name, 1


class Book:
    def __init__(self, path):
        self.zip = zipfile.ZipFile(path)
        self.names = set(self.zip.namelist())
        rels = self.rels("_rels/.rels", "")
        main = [t for t, typ, _ in rels.values() if typ == OFFICE_DOC]
        self.wb_path = main[0] if main else "xl/workbook.xml"
        wb = self.xml(self.wb_path)
        wb_rels = self.rels(self.rels_path(self.wb_path), posixpath.dirname(self.wb_path))
        self.sheets = []  # (name, part path)
        for s in wb.iter(q(M, "sheet")):
            rid = s.get(q(R, "id"))
            target = wb_rels.get(rid, (None, None, None))[0]
            self.sheets.append((s.get("name"), target))
        self.defined = []  # (name, localSheetId or None, text)
        for d in wb.iter(q(M, "definedName")):
            lid = d.get("localSheetId")
            self.defined.append((d.get("name"), int(lid) if lid is not None else None,
                                 d.text or ""))
        self.sst = []
        for t, typ, _ in wb_rels.values():
            if typ.endswith("/sharedStrings"):
                self.sst = [unescape("".join(x.text or "" for x in si.iter(q(M, "t"))))
                            for si in self.xml(t).iter(q(M, "si"))]
        self.styles(wb_rels)

    def xml(self, path):
        return ET.fromstring(self.zip.read(path))

    @staticmethod
    def rels_path(part):
        return posixpath.join(posixpath.dirname(part), "_rels",
                              posixpath.basename(part) + ".rels")

    def rels(self, path, base):
        """{rId: (resolved target, type, external)}"""
        out = {}
        if path not in self.names:
            return out
        for r in self.xml(path).iter(q(PR, "Relationship")):
            target = r.get("Target") or ""
            external = r.get("TargetMode") == "External"
            if not external:
                target = target[1:] if target.startswith("/") else \
                    posixpath.normpath(posixpath.join(base, target))
            out[r.get("Id")] = (target, r.get("Type") or "", external)
        return out

    def styles(self, wb_rels):
        self.xfs = []  # (numFmt code, wraps, bold, size)
        path = [t for t, typ, _ in wb_rels.values() if typ.endswith("/styles")]
        if not path:
            return
        st = self.xml(path[0])
        fmts = {int(n.get("numFmtId")): n.get("formatCode") or ""
                for n in st.iter(q(M, "numFmt"))}
        fonts = []
        fonts_el = st.find(q(M, "fonts"))
        for f in (fonts_el if fonts_el is not None else []):
            sz = f.find(q(M, "sz"))
            b = f.find(q(M, "b"))
            fonts.append((b is not None and b.get("val", "1") not in ("0", "false"),
                          float(sz.get("val")) if sz is not None else 11.0))
        self.base_size = fonts[0][1] if fonts else 11.0
        xfs = st.find(q(M, "cellXfs"))
        for xf in (xfs if xfs is not None else []):
            fid = int(xf.get("numFmtId", "0"))
            code = fmts.get(fid, BUILTIN_FORMATS.get(fid, ""))
            al = xf.find(q(M, "alignment"))
            wrap = al is not None and al.get("wrapText") in ("1", "true")
            font = fonts[int(xf.get("fontId", "0"))] if fonts else (False, 11.0)
            self.xfs.append((code, wrap, font[0], font[1]))

    def xf(self, s):
        if s is None or not self.xfs:
            return ("", False, False, 11.0)
        i = int(s)
        return self.xfs[i] if i < len(self.xfs) else ("", False, False, 11.0)


BUILTIN_FORMATS = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00",
                   9: "0%", 10: "0.00%", 11: "0.00E+00"}


def is_percent_format(code):
    """A format that multiplies by 100: a % outside quotes and escapes."""
    plain = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code)
    return "%" in plain


class Sheet:
    """One worksheet, read row by row: the first rows' cells kept whole, every
    later row handed to a callback."""

    def __init__(self, book, name, path, index, on_row=None, keep_rows=5):
        self.book, self.name, self.path, self.index = book, name, path, index
        self.cells = {}  # (row, col) -> (value, style) for rows <= keep_rows
        self.row_attrs = {}
        self.max_row = 0
        self.rows_with_data = 0
        self.pane = None
        self.page_setup = {}
        self.fit_to_page = None
        self.col_breaks = []
        self.merged = []
        self.footer = None
        self.autofilter = None
        self.hyperlinks = []  # (ref, location, external target)
        self.drawing_rid = None
        self.wrap_rows_without_height = []
        if path not in book.names:
            P.add(name, None, f"its part {path} is missing from the workbook")
            return
        rels = book.rels(Book.rels_path(path), posixpath.dirname(path))
        self.rels = rels
        for event, el in ET.iterparse(book.zip.open(path), events=("end",)):
            tag = el.tag
            if tag == q(M, "row"):
                self._row(el, on_row, keep_rows)
                el.clear()
            elif tag == q(M, "pane"):
                self.pane = dict(el.attrib)
            elif tag == q(M, "pageSetup"):
                self.page_setup = dict(el.attrib)
            elif tag == q(M, "pageSetUpPr"):
                self.fit_to_page = el.get("fitToPage")
            elif tag == q(M, "colBreaks"):
                self.col_breaks = [int(b.get("id", "0")) for b in el.iter(q(M, "brk"))]
            elif tag == q(M, "mergeCell"):
                self.merged.append(el.get("ref", ""))
            elif tag == q(M, "oddFooter"):
                self.footer = el.text or ""
            elif tag == q(M, "autoFilter"):
                self.autofilter = el.get("ref")
            elif tag == q(M, "hyperlink"):
                rid = el.get(q(R, "id"))
                target = rels.get(rid, (None,))[0] if rid else None
                self.hyperlinks.append((el.get("ref"), el.get("location"), target))
            elif tag == q(M, "drawing"):
                self.drawing_rid = el.get(q(R, "id"))

    def _row(self, el, on_row, keep_rows):
        r = int(el.get("r", self.max_row + 1))
        self.max_row = max(self.max_row, r)
        cells = {}
        col = 0
        wraps = None
        for c in el.iter(q(M, "c")):
            ref = c.get("r")
            pos = parse_cell(ref) if ref else None
            col = pos[1] if pos else col + 1
            value = cell_value(self.book, c)
            style = c.get("s")
            if self.book.xf(style)[1] and wraps is None:
                wraps = col
            if value is not None:
                cells[col] = (value, style)
        if wraps is not None and not (el.get("ht") and
                                      el.get("customHeight") in ("1", "true")):
            self.wrap_rows_without_height.append((r, wraps))
        if r <= keep_rows:
            for col, v in cells.items():
                self.cells[(r, col)] = v
            self.row_attrs[r] = dict(el.attrib)
        if cells:
            self.rows_with_data += 1
        if on_row:
            on_row(r, cells)

    def text(self, row, col):
        v = self.cells.get((row, col))
        if v is None:
            return ""
        return v[0] if isinstance(v[0], str) else repr(v[0])

    def row_texts(self, row):
        return {c: v[0] for (r, c), v in self.cells.items() if r == row}


def cell_value(book, c):
    t = c.get("t", "n")
    v = c.find(q(M, "v"))
    if t == "inlineStr":
        is_ = c.find(q(M, "is"))
        if is_ is None:
            return None
        return unescape("".join(x.text or "" for x in is_.iter(q(M, "t"))))
    if v is None or v.text is None:
        return None
    if t == "s":
        i = int(v.text)
        return book.sst[i] if i < len(book.sst) else ""
    if t in ("str", "e"):
        return unescape(v.text)
    if t == "b":
        return v.text in ("1", "true")
    try:
        return float(v.text)
    except ValueError:
        return v.text


def empty(v):
    return v is None or (isinstance(v, str) and v.strip() == "")


# ---------------------------------------------------------------------------


def check_order(names):
    got = ", ".join(names)
    want = ("Cover, Contents, Notes, the table sheets (Areas, Segregation, Across areas, Flows, "
            "Ages, Diversity, Services, Partners, Matrix, Flags, each with its parts), Chart 1..N, "
            "Definitions, Sources")
    rank_last = -1
    parts_seen = {}
    charts = 0
    ok = True
    for name in names:
        base, n = sheet_base(name)
        if base not in ORDER:
            P.add("workbook", None, f"unexpected sheet {name!r}: expected only {want}")
            ok = False
            continue
        rank = ORDER.index(base)
        if rank < rank_last:
            ok = False
        rank_last = max(rank_last, rank)
        if base == "Chart":
            charts += 1
            if n != charts:
                P.add("workbook", None, f"sheet {name!r}: expected 'Chart {charts}' "
                      "(chart sheets numbered from 1, in order)")
        else:
            want_n = parts_seen.get(base, 0) + 1
            parts_seen[base] = want_n
            if n != want_n:
                expect = base if want_n == 1 else f"{base} ({want_n})"
                P.add("workbook", None, f"sheet {name!r}: expected {expect!r} here "
                      "(parts numbered from (2), each after the one before)")
    if not ok:
        P.add("workbook", None, f"sheet order: expected {want}; got {got}")
    for r in REQUIRED:
        if r not in names:
            P.add("workbook", None, f"no sheet {r!r}")
    return charts


def check_print(book, sh, is_table, nkeys):
    name = sh.name
    ps = sh.page_setup
    if ps.get("orientation") != "landscape":
        P.add(name, None, f"pageSetup orientation is {ps.get('orientation', 'absent')!r}, "
              "expected 'landscape'", "not landscape")
    if not (is_table and sh.col_breaks):
        if ps.get("fitToWidth", "1") != "1" or ps.get("fitToHeight", "1") != "0":
            P.add(name, None, f"pageSetup fitToWidth={ps.get('fitToWidth', '1 (absent)')} "
                  f"fitToHeight={ps.get('fitToHeight', '1 (absent)')}, expected fitToWidth=1 "
                  "fitToHeight=0 (one page wide, as many long as needed)", "fit")
        if sh.fit_to_page not in ("1", "true"):
            P.add(name, None, "sheetPr/pageSetUpPr fitToPage is "
                  f"{sh.fit_to_page or 'absent'}, expected 1 (the fit-to-pages setting is "
                  "otherwise ignored)", "fitToPage")
    if sh.footer is None:
        P.add(name, None, "no footer (headerFooter/oddFooter): expected one with the page "
              "number (&P) and the sheet name (&A)", "footer")
    else:
        for code, what in (("&P", "the page number"), ("&A", "the sheet name")):
            if code not in sh.footer:
                P.add(name, None, f"footer {sh.footer!r} lacks {code} ({what})", "footer")
    titles = [t for n, lid, t in book.defined
              if n == "_xlnm.Print_Titles" and lid == sh.index]
    if not titles:
        P.add(name, None, "no print titles (a _xlnm.Print_Titles defined name with "
              f"localSheetId={sh.index} in xl/workbook.xml): expected "
              + ("rows 4-5 and the key columns" if is_table else "at least row 1"),
              "print titles")
        return None
    rows = cols = None
    for sheet, rng in split_refs(titles[0]):
        if sheet != name:
            P.add(name, None, f"print titles {titles[0]!r} refer to sheet {sheet!r}",
                  "print titles")
        m = re.match(r"^\$?(\d+):\$?(\d+)$", rng)
        if m:
            rows = (int(m.group(1)), int(m.group(2)))
        m = re.match(r"^\$?([A-Z]+):\$?([A-Z]+)$", rng)
        if m:
            cols = (col_number(m.group(1)), col_number(m.group(2)))
    if is_table:
        if rows != (4, 5):
            P.add(name, None, f"print titles {titles[0]!r} repeat rows "
                  f"{'%d-%d' % rows if rows else 'none'}, expected rows 4-5 (labels and ids)",
                  "print title rows")
        if cols is None or cols[0] != 1 or (nkeys and cols[1] != nkeys):
            want = f"$A:${col_name(nkeys)} (the {nkeys} key columns)" if nkeys \
                else "the key columns from $A"
            P.add(name, None, f"print titles {titles[0]!r} repeat columns "
                  f"{'%s-%s' % (col_name(cols[0]), col_name(cols[1])) if cols else 'none'}, "
                  f"expected {want}", "print title cols")
        if sh.col_breaks:
            check_pages_across(sh, cols[1] if cols else nkeys)
    elif rows is None or rows[0] != 1:
        P.add(name, None, f"print titles {titles[0]!r}: expected rows from row 1 repeated",
              "print title rows")
    return cols


def check_pages_across(sh, nkeys):
    """A table printed on pages across (nkeys: the key columns its print
    titles repeat): a scale, breaks after the keys and the head, across
    then down, and no fit (which would drop the breaks)."""
    name, ps = sh.name, sh.page_setup
    if sh.fit_to_page in ("1", "true"):
        P.add(name, None, "column breaks with fitToPage 1: fitting to the page drops them",
              "pages across")
    scale = int(ps.get("scale", "100"))
    if not 40 <= scale <= 100:
        P.add(name, None, f"pages across at a print scale of {scale}, expected 40 to 100",
              "pages across")
    if ps.get("pageOrder") != "overThenDown":
        P.add(name, None, f"pages across printed {ps.get('pageOrder', 'downThenOver')}, "
              "expected overThenDown (a row's values on pages that follow each other)",
              "pages across")
    if len(sh.col_breaks) > 3:
        P.add(name, None, f"{len(sh.col_breaks) + 1} pages across, expected at most 4",
              "pages across")
    head_last = 0
    for ref in sh.merged:
        a, _, b = ref.partition(":")
        (ra, _), (rb, cb) = parse_cell(a), parse_cell(b or a)
        if ra <= 3 and rb <= 3:
            head_last = max(head_last, cb)
    if head_last > max(nkeys, 1):
        P.add(name, None, f"the head is merged to column {col_name(head_last)}, past the "
              f"key columns that print on every page across", "pages across")
    for b in sh.col_breaks:
        # a break's id is the 0-based column that starts the next page
        if b < max(nkeys, head_last):
            P.add(name, None, f"a column break before column {col_name(b + 1)}, inside the "
                  f"key columns or the head", "pages across")


def check_head_within(sh):
    """A table sheet's lines in A2 and A3 wrap inside its columns: each is
    merged over columns of the table (text that ran past them would print
    and make the page shrink to hold it)."""
    last = max((c for (r, c) in sh.cells if r == 5), default=0)
    if last < 2:
        return
    for row in (2, 3):
        if (row, 1) not in sh.cells:
            continue
        span = None
        for ref in sh.merged:
            a, _, b = ref.partition(":")
            pa, pb = parse_cell(a), parse_cell(b or a)
            if pa and pb and pa == (row, 1) and pb[0] == row:
                span = pb[1]
        if span is None:
            P.add(sh.name, f"A{row}", f"the line in A{row} is not merged over the table's "
                  "columns: unwrapped, it runs past them", "head")
        elif span > last:
            P.add(sh.name, f"A{row}", f"the line in A{row} is merged to column "
                  f"{col_name(span)}, past the table's last column {col_name(last)}", "head")


def check_wrap_heights(sh):
    for r, col in sh.wrap_rows_without_height:
        P.add(sh.name, cell_name(r, col), f"row {r} holds a cell whose format wraps text "
              "but has no explicit height (row ht with customHeight=\"1\")", "wrap height")


def check_heading_lines(sh, title_what):
    name = sh.name
    a1 = sh.cells.get((1, 1))
    if a1 is None or not isinstance(a1[0], str) or not a1[0].strip():
        P.add(name, "A1", f"expected {title_what} (text), found "
              f"{'nothing' if a1 is None else repr(a1[0])}")
    return a1[0] if a1 else ""


class TableStats:
    """Per table (all its parts): the column ids and which have a value."""

    def __init__(self, base):
        self.base = base
        self.ids = None
        self.filled = {}
        self.rows = 0
        self.parts = 0


def check_table(book, name, path, index, stats, units):
    base, part = sheet_base(name)
    keys = KEYS.get(base) or []
    layout = {}

    def on_row(r, cells):
        if r == 5:
            layout.update(read_ids(cells))
        if r < 6:
            return
        ids = layout.get("ids")
        if ids is None:
            return
        stats.rows += 1
        if base == "Flags" and "indicator" in ids and "value" in ids:
            ind = cells.get(ids.index("indicator") + 1, (None, None))[0]
            value = cells.get(ids.index("value") + 1)
            if units.get(ind) in PERCENT_UNITS and value and not isinstance(value[0], str):
                code = book.xf(value[1])[0]
                if not is_percent_format(code):
                    P.add(name, cell_name(r, ids.index("value") + 1), f"the value of {ind} "
                          f"(unit {units[ind]!r}): number format {code or 'General'!r}, "
                          "expected a percent format (the value a fraction)", "percent format")
        for col, (v, s) in cells.items():
            if col > len(ids):
                P.add(name, cell_name(r, col), f"a value ({v!r}) in column "
                      f"{col_name(col)}, which has no id in row 5", "no id")
                continue
            cid = ids[col - 1] if isinstance(ids[col - 1], str) else ""
            if not empty(v):
                stats.filled[cid] = stats.filled.get(cid, 0) + 1
            if cid.endswith("_flag") and not empty(v):
                text = v if isinstance(v, str) else repr(v)
                m = FLAG_RE.match(text)
                if text != "p" and not m:
                    P.add(name, cell_name(r, col), f"flag {text!r}: expected empty (ok), "
                          "'p' (published) or a code alone (m, s, z or i), as statistical "
                          "tables mark cells", "flag text")
                elif m:
                    value = cells.get(col - 1)
                    if value is not None and not empty(value[0]):
                        P.add(name, cell_name(r, col - 1), f"value {value[0]!r} beside flag "
                              f"{text[:40]!r}: a value that is not ok or published is an "
                              "empty cell", "value with flag")
            elif cid in layout.get("indicators", ()):
                if isinstance(v, str):
                    P.add(name, cell_name(r, col), f"{cid}: text {v[:40]!r} where a number "
                          "is expected", "text value")
                elif units.get(cid) in PERCENT_UNITS:
                    code = book.xf(s)[0]
                    if not is_percent_format(code):
                        P.add(name, cell_name(r, col), f"{cid} (unit "
                              f"{units[cid]!r}): number format {code or 'General'!r}, "
                              "expected a percent format (the value a fraction, 36.7 % "
                              "stored as 0.367)", "percent format")

    def read_ids(cells):
        ids = []
        for col in range(1, max(cells) + 1 if cells else 1):
            v = cells.get(col)
            ids.append(v[0] if v and isinstance(v[0], str) else ("" if v is None else v[0]))
        while ids and ids[-1] == "":
            ids.pop()
        if not ids:
            P.add(name, "A5", "row 5 is empty: expected the column ids")
            return {}
        bad = [(col, cid) for col, cid in enumerate(ids, 1)
               if not isinstance(cid, str) or not ID_RE.match(cid)]
        if len(bad) * 2 >= len(ids):
            shown = ", ".join(f"{cell_name(5, c)} {v!r}" for c, v in enumerate(ids[:4], 1))
            want = ", ".join((EXACT_IDS.get(base) or keys)[:4])
            P.add(name, "A5", f"row 5 does not hold the column ids ({shown}, ...): expected "
                  f"ids ({want}, ...) from A5 on; the data checks of this sheet are skipped")
            return {}
        for col, cid in bad:
            P.add(name, cell_name(5, col), f"row 5 holds {cid!r}: expected the column "
                  "ids (lower case, digits and _) from A5 on, with no gap", "bad id")
        ok = not bad
        want_exact = EXACT_IDS.get(base)
        if want_exact and ([i for i in want_exact if i in ids] != ids or
                           any(i not in ids for i in REQUIRED_IDS[base])):
            P.add(name, "A5", f"ids {', '.join(map(str, ids))}: expected "
                  f"{', '.join(want_exact)} in this order (those with nothing in them left "
                  f"out, never {', '.join(REQUIRED_IDS[base])})")
        lead = 0
        while keys and lead < len(ids) and ids[lead] in keys:
            lead += 1
        layout["lead"] = lead
        # (The Areas sheet lists the areas, with their population, even when no
        # indicator of theirs has a value.)
        if keys and lead == len(ids) and base != "Areas":
            P.add(name, "A5", f"ids {', '.join(map(str, ids))}: only key columns, no "
                  "indicator: a row of this sheet says nothing (rows of another scope?)")
        if keys and (any(k not in ids[:lead] for k in REQUIRED_KEYS[base]) or
                     any(i in keys for i in ids[lead:])):
            P.add(name, "A5", f"key column ids {', '.join(map(str, ids[:max(lead, 1)]))}: "
                  f"expected the key columns ({', '.join(keys)}) first, among them "
                  f"{', '.join(REQUIRED_KEYS[base])}")
        indicators = set()
        for col, cid in enumerate(ids, 1):
            if not isinstance(cid, str):
                continue
            if cid.endswith("_flag"):
                before = ids[col - 2] if col >= 2 else ""
                if before != cid[:-5]:
                    P.add(name, cell_name(5, col), f"{cid} follows {before!r}: a flag column "
                          f"comes right after its indicator's column ({cid[:-5]})",
                          "flag position")
            elif keys and col > lead:
                indicators.add(cid)
        if len(set(ids)) != len(ids):
            dup = sorted({i for i in ids if ids.count(i) > 1})
            P.add(name, "A5", f"ids repeated in row 5: {', '.join(map(str, dup))}")
        if stats.ids is None:
            stats.ids = ids
        elif stats.ids != ids and ok:
            P.add(name, "A5", f"ids differ from those of {base}: a part keeps the layout "
                  "of its table")
        for cid in indicators:
            if units and cid not in units:
                P.add(name, cell_name(5, ids.index(cid) + 1), f"indicator {cid!r} is not on "
                      "the Definitions sheet", "unknown indicator")
        return {"ids": ids, "indicators": indicators}

    sh = Sheet(book, name, path, index, on_row=on_row)
    if path not in book.names:
        return sh, layout
    check_heading_lines(sh, "the table's title")
    if not sh.text(2, 1).strip():
        P.add(name, "A2", "empty: expected one line on what a row is and what blank cells "
              "mean")
    if not sh.text(3, 1).startswith("Source:"):
        P.add(name, "A3", f"{sh.text(3, 1)[:60]!r}: expected a source line beginning "
              "'Source:'")
    ids = layout.get("ids") or []
    labels = sh.row_texts(4)
    for col, cid in enumerate(ids, 1):
        if isinstance(cid, str) and not cid.endswith("_flag") and empty(labels.get(col)):
            P.add(name, cell_name(4, col), f"no label above {cid}: expected a human column "
                  "label (with its unit)", "no label")
        if units.get(cid) in PERCENT_UNITS and isinstance(labels.get(col), str) \
                and "%" not in labels[col]:
            P.add(name, cell_name(4, col), f"label {labels[col]!r} of {cid} (unit "
                  f"{units[cid]!r}) does not show the unit %", "label unit")
    if sh.max_row < 6:
        P.add(name, "A6", "no data: expected data rows from row 6")
    # The frozen key columns are the model's choice (the area's code, name and
    # year, ...): they must be the columns the print repeats, and hold the
    # name.
    cols = check_print(book, sh, True, 0)
    check_head_within(sh)
    check_panes(sh, 0, cols)
    if ids and "name" in ids and cols and cols[1] < ids.index("name") + 1:
        P.add(name, None, f"the print repeats columns A-{col_name(cols[1])}, without the "
              "area's name: expected the key columns up to the name at least")
    if ids:
        want = f"A5:{col_name(len(ids))}"
        if not sh.autofilter or not re.match(rf"^{want}\d+$", sh.autofilter):
            P.add(name, None, f"autofilter {sh.autofilter or 'absent'}: expected one on the "
                  f"ids row, {want}<last row>")
    if part == 1:
        user = [(n, t) for n, lid, t in book.defined if not n.startswith("_xlnm.")]
        if not any(s == name for n, t in user for s, _ in split_refs(t)):
            P.add(name, None, f"no defined name refers to the table (expected one per table "
                  f"in xl/workbook.xml, as {base}!$A$5:...)")
    check_wrap_heights(sh)
    return sh, layout


def check_panes(sh, nkeys, title_cols):
    p = sh.pane or {}
    name = sh.name
    xs, ys = int(float(p.get("xSplit", 0))), int(float(p.get("ySplit", 0)))
    frozen = p.get("state") in ("frozen", "frozenSplit")
    if not frozen or ys != 5 or (nkeys and xs != nkeys) or (not nkeys and xs < 1):
        want = f"xSplit={nkeys} (right of {col_name(nkeys)})" if nkeys else "xSplit>=1"
        got = (f"state={p.get('state')} xSplit={xs} ySplit={ys}" if p else "none")
        P.add(name, None, f"frozen panes {got}: expected frozen below row 5 (ySplit=5) and "
              f"right of the key columns ({want})")
    elif not nkeys and title_cols and xs != title_cols[1]:
        P.add(name, None, f"frozen panes right of column {col_name(xs)} but the print titles "
              f"repeat columns A-{col_name(title_cols[1])}: expected the same key columns")


def check_chart_sheet(book, name, path, index):
    data_cols = [0]
    data_rows = [0]

    def on_row(r, cells):
        if r >= 5 and cells:
            data_cols[0] = max(data_cols[0], max(cells))
            if r >= 6:
                data_rows[0] += 1

    sh = Sheet(book, name, path, index, on_row=on_row)
    if path not in book.names:
        return
    title = check_heading_lines(sh, "the chart's title, with its unit and a year")
    if title and not YEAR_RE.search(str(title)):
        P.add(name, "A1", f"title {title!r} holds no year (19xx or 20xx)")
    if not sh.text(2, 1).startswith("Note:"):
        P.add(name, "A2", f"{sh.text(2, 1)[:60]!r}: expected a line beginning 'Note:'")
    if not sh.text(3, 1).startswith("Source:"):
        P.add(name, "A3", f"{sh.text(3, 1)[:60]!r}: expected a line beginning 'Source:'")
    if empty(sh.cells.get((4, 1), (None,))[0]) or empty(sh.cells.get((5, 1), (None,))[0]):
        P.add(name, "A4", "empty: expected the header of the chart's data (labels in row 4, "
              "ids in row 5, as a table's)")
    if data_rows[0] == 0:
        P.add(name, "A6", "no data: expected the chart's data from row 6")
    check_print(book, sh, True, 1)
    check_wrap_heights(sh)
    charts = []
    anchors = []
    if sh.drawing_rid:
        dpath = sh.rels.get(sh.drawing_rid, (None,))[0]
        if dpath in book.names:
            drels = book.rels(Book.rels_path(dpath), posixpath.dirname(dpath))
            d = book.xml(dpath)
            for anchor in list(d):
                refs = [x.get(q(R, "id")) for x in anchor.iter(q(C, "chart"))]
                for rid in refs:
                    charts.append(drels.get(rid, (None,))[0])
                    frm = anchor.find(q(XDR, "from"))
                    col = frm.find(q(XDR, "col")) if frm is not None else None
                    anchors.append(int(col.text) if col is not None else None)
    if len(charts) != 1:
        P.add(name, None, f"{len(charts)} charts on the sheet: expected one, beside its data")
        if not charts:
            return
    if anchors[0] is not None and anchors[0] < data_cols[0]:
        P.add(name, None, f"the chart starts in column {col_name(anchors[0] + 1)}, over the "
              f"data table (columns A-{col_name(data_cols[0])}): expected it beside the table")
    cpath = charts[0]
    if cpath not in book.names:
        P.add(name, None, f"its chart part {cpath} is missing")
        return
    ch = book.xml(cpath)
    t = ch.find(f"{{{C}}}chart/{{{C}}}title")
    ref = t.find(f"{{{C}}}tx/{{{C}}}strRef") if t is not None else None
    if ref is None:
        P.add(name, None, f"{cpath}: the chart's title is "
              f"{'absent' if t is None else 'not a reference'}: expected a reference to "
              f"'{name}'!$A$1 (c:title/c:tx/c:strRef)")
    else:
        f = ref.findtext(q(C, "f")) or ""
        refs = split_refs(f)
        cell = parse_cell(refs[0][1]) if refs else None
        if len(refs) != 1 or refs[0][0] != name or cell != (1, 1):
            P.add(name, None, f"{cpath}: the chart's title refers to {f!r}: expected "
                  f"'{name}'!$A$1")
        cache = "".join(v.text or "" for v in ref.iter(q(C, "v")))
        if not cache:
            P.add(name, None, f"{cpath}: the chart's title has no cached text (strCache): "
                  "readers that do not recompute show no title")
        elif cache != title:
            P.add(name, None, f"{cpath}: the chart's cached title {cache!r} differs from A1 "
                  f"{title!r}")
        if cache and not YEAR_RE.search(cache):
            P.add(name, None, f"{cpath}: the chart's title {cache!r} holds no year")
    for ser in ch.iter(q(C, "ser")):
        for f in ser.iter(q(C, "f")):
            # The series' name is its column's label (row 4); its categories
            # and values are the data (row 6 on).
            is_name = any(f in list(t.iter(q(C, "f"))) for t in ser.findall(q(C, "tx")))
            for s, rng in split_refs(f.text or ""):
                first = parse_cell(rng.split(":")[0])
                if s != name or (first and first[0] != 4 if is_name else first and first[0] < 6):
                    P.add(name, None, f"{cpath}: a series refers to {f.text!r}: expected this "
                          f"sheet's {'label row (row 4)' if is_name else 'data (row 6 on)'}",
                          "series ref")


def check_cover(book, name, path, index):
    rows = {}

    def on_row(r, cells):
        kinds = []
        for col, (v, s) in sorted(cells.items()):
            if empty(v):
                continue
            _, _, bold, size = book.xf(s)
            heading = bold or size > getattr(book, "base_size", 11.0)
            kinds.append((heading, v if isinstance(v, str) else repr(v)))
        if kinds:
            rows[r] = kinds

    sh = Sheet(book, name, path, index, on_row=on_row)
    if path not in book.names:
        return
    check_heading_lines(sh, "the dataset's title")
    order = sorted(rows)
    sentences = 0
    for i, r in enumerate(order):
        kinds = rows[r]
        is_heading = all(h for h, _ in kinds)
        sentences += sum(1 for h, t in kinds if not h and re.search(r"[.!?][\"')\u201d]*\s*$", t))
        if r == 1 or not is_heading:
            continue
        text = kinds[0][1]
        nxt = order[i + 1] if i + 1 < len(order) else None
        if nxt is None:
            P.add(name, f"A{r}", f"heading {text[:50]!r} is followed by nothing: no empty "
                  "block on the Cover")
        elif all(h for h, _ in rows[nxt]):
            P.add(name, f"A{r}", f"heading {text[:50]!r} is followed directly by another "
                  f"heading ({rows[nxt][0][1][:50]!r} in row {nxt}): no empty block on the "
                  "Cover")
    if not sentences:
        P.add(name, None, "no sentence (a line ending with . ! or ?): the Cover says in "
              "sentences what the workbook holds")
    check_print(book, sh, False, 0)
    check_wrap_heights(sh)


def check_contents(book, name, path, index, names):
    sh = Sheet(book, name, path, index)
    if path not in book.names:
        return
    linked = set()
    for ref, loc, target in sh.hyperlinks:
        if loc:
            for s, _ in split_refs(loc.lstrip("#")):
                if s is not None:
                    if s not in names:
                        P.add(name, ref, f"a link to {loc!r}, a sheet the workbook does not "
                              "have")
                    linked.add(s)
    for other in names:
        if other != name and other not in linked:
            P.add(name, None, f"no link to sheet {other!r}: the Contents lists every other "
                  "sheet with a link", "no link")
    check_print(book, sh, False, 0)
    check_wrap_heights(sh)


def check_plain(book, name, path, index, need_text=False):
    sh = Sheet(book, name, path, index)
    if path not in book.names:
        return
    if need_text and sh.rows_with_data == 0:
        P.add(name, None, "the sheet is empty")
    check_print(book, sh, False, 0)
    check_wrap_heights(sh)


def read_units(book, names, paths):
    """{indicator: unit} from the Definitions sheet(s), ids in row 5."""
    units = {}
    for name in names:
        if sheet_base(name)[0] != "Definitions":
            continue
        layout = {}

        def on_row(r, cells):
            if r == 5:
                layout["ids"] = {v[0]: c for c, v in cells.items() if isinstance(v[0], str)}
            elif r > 5 and "ids" in layout:
                ic, uc = layout["ids"].get("indicator"), layout["ids"].get("unit")
                if ic and uc and ic in cells and uc in cells:
                    units[str(cells[ic][0])] = str(cells[uc][0])

        if paths[name] in book.names:
            Sheet(book, name, paths[name], 0, on_row=on_row, keep_rows=0)
    return units


def check_paths(book, forbid):
    escaped = []
    for f in forbid:
        forms = {f, f.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
                 f.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                 .replace('"', "&quot;").replace("'", "&apos;")}
        escaped.append((f, forms))
    sheet_of = {path: name for name, path in book.sheets}
    for part in sorted(book.names):
        data = book.zip.read(part).decode("utf-8", "replace")
        label = f"{part} (sheet {sheet_of[part]})" if part in sheet_of else part
        for f, forms in escaped:
            for form in forms:
                i = data.find(form)
                if i >= 0:
                    ctx = data[max(0, i - 40):i + len(form) + 40].replace("\n", " ")
                    P.add(label, None, f"holds the absolute path {f!r}: ...{ctx}...",
                          f"path {f}")
                    break
        if part.endswith(".rels"):
            for r in ET.fromstring(book.zip.read(part)).iter(q(PR, "Relationship")):
                t = r.get("Target") or ""
                if r.get("TargetMode") == "External" and \
                        (t.lower().startswith("file:") or t.startswith("/")):
                    P.add(part, None, f"a relationship targets the local file {t!r}")


def main():
    ap = argparse.ArgumentParser(description="Checks a citymig workbook's publication layout.")
    ap.add_argument("workbook")
    ap.add_argument("--forbid", action="append", default=[], metavar="TEXT",
                    help="text no part may hold (an absolute path); may be repeated")
    ap.add_argument("--paths-only", action="store_true",
                    help="check only that no part holds a --forbid text or links a local file")
    args = ap.parse_args()
    try:
        book = Book(args.workbook)
    except (OSError, zipfile.BadZipFile, ET.ParseError, KeyError) as e:
        print(f"publication: {args.workbook}: cannot read the workbook: {e}")
        return 2
    if args.paths_only:
        check_paths(book, args.forbid)
        n = P.count()
        P.report()
        print(f"publication: {args.workbook}: {len(book.names)} parts, "
              + (f"{n} problems" if n else f"none holds {' or '.join(map(repr, args.forbid))} "
                 "or links a local file"))
        return 1 if n else 0
    names = [n for n, _ in book.sheets]
    paths = dict(book.sheets)
    charts = check_order(names)
    units = read_units(book, names, paths)
    if not units and "Definitions" in names:
        P.add("Definitions", "A5", "no indicator and unit columns (ids indicator, unit in "
              "row 5, data from row 6): the percent formats cannot be checked")
    stats = {}
    tables = 0
    for index, name in enumerate(names):
        base, _ = sheet_base(name)
        path = paths[name]
        if base in TABLE_SHEETS:
            tables += 1
            st = stats.setdefault(base, TableStats(base))
            st.parts += 1
            check_table(book, name, path, index, st, units)
        elif base == "Chart":
            check_chart_sheet(book, name, path, index)
        elif base == "Cover":
            check_cover(book, name, path, index)
        elif base == "Contents":
            check_contents(book, name, path, index, names)
        else:
            check_plain(book, name, path, index, need_text=(base == "Notes"))
    for base, st in stats.items():
        for col, cid in enumerate(st.ids or [], 1):
            if not isinstance(cid, str) or not ID_RE.match(cid):
                continue
            if st.filled.get(cid, 0) == 0:
                if cid.endswith("_flag"):
                    P.add(base, cell_name(5, col), f"column {cid} has no non-empty cell: a flag "
                          "column is there only where some value is not plainly ok",
                          "empty flag column")
                else:
                    P.add(base, cell_name(5, col), f"column {cid} has no value from row 6 on"
                          f"{' in any part' if st.parts > 1 else ''}: a column empty in every "
                          "row is left out (an indicator's named on the Notes sheet)",
                          "empty column")
    check_paths(book, args.forbid)
    n = P.count()
    if n:
        P.report()
        print(f"publication: {args.workbook}: {n} problems")
        return 1
    print(f"publication: {len(names)} sheets ({tables} tables, {charts} charts) laid out for "
          f"print and publication{'; no forbidden path' if args.forbid else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
