#!/bin/sh
# pages.sh CITYMIG - the workbooks print on few pages: writes the workbooks
# of data/wmr2015 and examples/us-acs-nativity, converts each to PDF with
# LibreOffice headless (a private profile, so no other LibreOffice is
# disturbed), counts its pages with pdfinfo and requires at most 14 and at
# most 40 (a table too wide for a page prints on pages across, its keys
# and head on each). On failure it lists the pages by the sheet each comes
# from (the footer names it), so the sheet that overflows shows.
#
# The packages: sh tests/deps.sh render (libreoffice-calc-nogui,
# poppler-utils, fonts-crosextra-carlito: Calibri's metrics, so that pages
# break as in Excel).
#
# Exit status: 0 every workbook within its pages; 1 one is over, or a step
# failed; 77 skipped because soffice or pdfinfo is not installed (ctest
# reports it as skipped), except under CI=true, where that fails.
set -u
bin=${1:?usage: pages.sh CITYMIG}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
src=$(cd "$(dirname "$0")/../.." && pwd)
skip() {
    echo "pages: skipped: $*"
    if [ "${CI:-}" = true ]; then
        echo "pages: it cannot be skipped in CI" >&2
        exit 1
    fi
    exit 77
}
for tool in soffice pdfinfo pdftotext; do
    command -v "$tool" >/dev/null 2>&1 ||
        skip "$tool is not installed (sh tests/deps.sh render installs it)"
done
work=$(mktemp -d "${TMPDIR:-/tmp}/citymig-pages.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
limit=""
command -v timeout >/dev/null 2>&1 && limit="timeout 300"

status=0
for entry in data/wmr2015:14 examples/us-acs-nativity:40; do
    dataset=${entry%:*} most=${entry##*:}
    name=$(basename "$dataset")
    if ! (cd "$src" && "$bin" report "$dataset" -o "$work/$name.xlsx" -q); then
        echo "pages: $dataset: citymig report failed"
        status=1
        continue
    fi
    # shellcheck disable=SC2086
    if ! $limit soffice "-env:UserInstallation=file://$work/profile" --headless \
        --convert-to pdf --outdir "$work" "$work/$name.xlsx" >"$work/$name.log" 2>&1 ||
        [ ! -s "$work/$name.pdf" ]; then
        echo "pages: $dataset: LibreOffice did not convert the workbook to PDF:"
        sed 's/^/    /' "$work/$name.log"
        status=1
        continue
    fi
    pages=$(pdfinfo "$work/$name.pdf" | awk '/^Pages:/ { print $2 }')
    if [ -z "$pages" ]; then
        echo "pages: $dataset: pdfinfo found no page count in the PDF"
        status=1
    elif [ "$pages" -gt "$most" ]; then
        echo "pages: $dataset: $pages pages, expected at most $most; the last line of each page" \
            "(its footer), with how many pages in a row end so:"
        p=1
        while [ "$p" -le "$pages" ]; do
            pdftotext -f "$p" -l "$p" -layout "$work/$name.pdf" - 2>/dev/null | tr -d '\f' |
                awk 'NF { last = $0 } END { gsub(/^ +| +$/, "", last); gsub(/  +/, " ", last); print last }'
            p=$((p + 1))
        done | sed 's/[0-9][0-9]*/N/g' | uniq -c >"$work/$name.ends"
        sed 's/^/    /; 20q' "$work/$name.ends"
        n=$(wc -l <"$work/$name.ends")
        [ "$n" -le 20 ] || echo "    ... and $((n - 20)) more runs of pages"
        status=1
    else
        echo "pages: $dataset: $pages pages (at most $most)"
    fi
done
exit $status
