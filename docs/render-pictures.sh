#!/bin/sh
# render-pictures.sh BUILD_DIR - renders the Summary and Charts sheets of the
# report of data/wmr2015 to docs/images/*.png, for the README: LibreOffice
# headless to PDF, then pdftoppm to PNG (Debian: libreoffice-calc-nogui,
# poppler-utils). Not part of the tests; run it when the report changes.
set -eu
build=${1:?usage: render-pictures.sh BUILD_DIR}
cd "$(dirname "$0")/.."
work=$(mktemp -d "${TMPDIR:-/tmp}/citymig-pictures.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
SOURCE_DATE_EPOCH=1700000000 "$build/citymig" report data/wmr2015 -o "$work/report.xlsx" -q
(cd "$work" && soffice --headless --convert-to pdf report.xlsx >/dev/null 2>&1)
pages=$(pdfinfo "$work/report.pdf" | awk '/^Pages:/ { print $2 }')
mkdir -p docs/images
p=1
while [ "$p" -le "$pages" ]; do
    first=$(pdftotext -f "$p" -l "$p" "$work/report.pdf" - | head -n 1)
    case $first in
    "citymig report"*) pdftoppm -png -r 90 -f "$p" -l "$p" -singlefile "$work/report.pdf" docs/images/report-summary ;;
    "Charts:"*) pdftoppm -png -r 90 -f "$p" -l "$p" -singlefile "$work/report.pdf" docs/images/report-charts ;;
    esac
    p=$((p + 1))
done
ls -l docs/images
