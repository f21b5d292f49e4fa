#!/bin/sh
# render-pictures.sh [CITYMIG] - renders the workbooks as LibreOffice prints
# them: writes the workbook of data/wmr2015, of each example (each folder of
# examples/ with a dataset.ini) and of tests/data/small, converts each to
# PDF with LibreOffice headless, and its pages to PNG with pdftoppm at 60
# dpi (small files), into docs/images/: NAME.pdf and NAME-01.png,
# NAME-02.png, ... (NAME: wmr2015, small, or the example's folder), and
# at 80 dpi NAME-cover.png and NAME-chart-N.png (the first page of each
# chart sheet), names the README can show whatever pages move. Prints
# each file it wrote. Not part of the tests; run it when the workbook
# changes, and look at the pictures.
#
# CITYMIG is the binary (default: build/citymig, else citymig on the PATH).
# SOURCE_DATE_EPOCH is the time the workbooks give (default 1445817600,
# 26 October 2015, the Conference on Migrants and Cities), so the same
# sources render the same pictures. CITYMIG_PICTURE_PAGES, when set, is
# the most PNG pages per workbook (default 0: every page; a long workbook's
# other pages are then only in its PDF; the pictures kept in docs/images/
# are rendered with 25). A workbook's earlier NAME.pdf and
# NAME-*.png are removed first. Packages: sh tests/deps.sh render.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -gt 1 ]; then
    echo "usage: docs/render-pictures.sh [CITYMIG]" >&2
    exit 2
fi
if [ $# = 1 ]; then
    bin=$1
elif [ -x "$root/build/citymig" ]; then
    bin=$root/build/citymig
else
    bin=$(command -v citymig || true)
fi
if [ -z "$bin" ] || [ ! -x "$bin" ]; then
    echo "render-pictures: no citymig binary (give one: docs/render-pictures.sh build/citymig)" >&2
    exit 2
fi
case $bin in /*) ;; */*) bin=$(pwd)/$bin ;; esac
for tool in soffice pdfinfo pdftoppm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "render-pictures: $tool is not installed (sh tests/deps.sh render installs it)" >&2
        exit 69
    fi
done
most=${CITYMIG_PICTURE_PAGES:-0}
case $most in '' | *[!0-9]*)
    echo "render-pictures: CITYMIG_PICTURE_PAGES must be a number, not '$most'" >&2
    exit 2
    ;;
esac
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1445817600}
export SOURCE_DATE_EPOCH
limit=""
command -v timeout >/dev/null 2>&1 && limit="timeout 900"

work=$(mktemp -d "${TMPDIR:-/tmp}/citymig-pictures.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
out=$root/docs/images
mkdir -p "$out"
cd "$root"

datasets="data/wmr2015"
for ini in examples/*/dataset.ini; do
    [ -f "$ini" ] && datasets="$datasets ${ini%/dataset.ini}"
done
datasets="$datasets tests/data/small"

status=0
for dataset in $datasets; do
    name=$(basename "$dataset")
    if ! "$bin" report "$dataset" -o "$work/$name.xlsx" -q; then
        echo "render-pictures: $dataset: citymig report failed" >&2
        status=1
        continue
    fi
    # shellcheck disable=SC2086
    if ! $limit soffice "-env:UserInstallation=file://$work/profile" --headless \
        --convert-to pdf --outdir "$work" "$work/$name.xlsx" >"$work/$name.log" 2>&1 ||
        [ ! -s "$work/$name.pdf" ]; then
        echo "render-pictures: $dataset: LibreOffice did not convert the workbook:" >&2
        sed 's/^/    /' "$work/$name.log" >&2
        status=1
        continue
    fi
    pages=$(pdfinfo "$work/$name.pdf" | awk '/^Pages:/ { print $2 }')
    rm -f "$out/$name".pdf "$out/$name"-[0-9][0-9].png "$out/$name"-[0-9][0-9][0-9].png
    cp "$work/$name.pdf" "$out/$name.pdf"
    echo "docs/images/$name.pdf ($pages pages)"
    last=$pages
    [ "$most" = 0 ] || [ "$last" -le "$most" ] || last=$most
    width=2
    [ "$last" -lt 100 ] || width=3
    p=1
    while [ "$p" -le "$last" ]; do
        png=$(printf "%s-%0${width}d" "$name" "$p")
        pdftoppm -png -r 60 -f "$p" -l "$p" -singlefile "$work/$name.pdf" "$out/$png"
        echo "docs/images/$png.png"
        p=$((p + 1))
    done
    if [ "$last" -lt "$pages" ]; then
        echo "docs/images/$name: pages $((last + 1)) to $pages only in the PDF" \
            "(CITYMIG_PICTURE_PAGES=$most)"
    fi
    # Names that stay when pages move: the cover, and the first page of
    # each chart (its footer names the sheet), at a resolution to read.
    rm -f "$out/$name"-cover.png "$out/$name"-chart-[0-9]*.png
    pdftoppm -png -r 80 -f 1 -l 1 -singlefile "$work/$name.pdf" "$out/$name-cover"
    echo "docs/images/$name-cover.png"
    p=1
    while [ "$p" -le "$pages" ]; do
        # The footer is the page's last line: title, sheet, "Page N of M".
        chart=$(pdftotext -layout -f "$p" -l "$p" "$work/$name.pdf" - 2>/dev/null |
            grep -v '^[[:space:]]*$' | tail -n 1 |
            sed -n 's/.*[[:space:]]Chart \([0-9][0-9]*\)[[:space:]].*/\1/p')
        if [ -n "$chart" ] && [ ! -f "$out/$name-chart-$chart.png" ]; then
            pdftoppm -png -r 80 -f "$p" -l "$p" -singlefile "$work/$name.pdf" \
                "$out/$name-chart-$chart"
            echo "docs/images/$name-chart-$chart.png"
        fi
        p=$((p + 1))
    done
done
exit $status
