#!/bin/sh
# nightly-report.sh - a cron job: rebuild the workbook and check the
# published figures every night, one run at a time, and say what failed.
#
#   # crontab -e
#   30 2 * * *  /opt/citymig/nightly-report.sh /srv/citymig/dataset.ini /srv/citymig/out
#
# Under cron there is no terminal, so citymig shows no progress line; -q
# keeps the log to errors. citymig's exit code tells what went wrong:
#   0 done   1 a figure drifted   65 bad input data   66 input missing
#   73 output cannot be created   74 write failed (disk full?)   70 internal
set -u
dataset=${1:?usage: nightly-report.sh DATASET OUTDIR}
outdir=${2:?usage: nightly-report.sh DATASET OUTDIR}
mkdir -p "$outdir" || exit 73

# One run at a time: a night that overruns does not meet the next one.
exec 9>"$outdir/.lock"
if ! flock -n 9; then
    echo "nightly-report: another run holds $outdir/.lock; skipping" >&2
    exit 0
fi

# The report is written to a temporary file and renamed into place, so the
# last good report stays readable while this one is written, and stays as
# it was if this one fails.
citymig report "$dataset" -o "$outdir/report.xlsx" -q
code=$?
case $code in
0) ;;
65 | 66) echo "nightly-report: the input is bad or missing ($code); report not rebuilt" >&2 ;;
73 | 74) echo "nightly-report: cannot write $outdir ($code); report not rebuilt" >&2 ;;
*) echo "nightly-report: citymig failed ($code)" >&2 ;;
esac
[ "$code" = 0 ] || exit "$code"

# Published figures must still come out of the published files.
if [ -f "$(dirname "$dataset")/figures.csv" ]; then
    citymig check "$dataset" --expect "$(dirname "$dataset")/figures.csv" \
        --junit "$outdir/figures.xml" -q >"$outdir/figures.txt"
    code=$?
    if [ "$code" = 1 ]; then
        echo "nightly-report: published figures drifted:" >&2
        grep FAIL "$outdir/figures.txt" >&2
    fi
    exit "$code"
fi
