#!/bin/sh
# flows.sh BUILD_DIR [SCRATCH_DIR] [RUNS] - the flows benchmark (SPEC 7).
#
# Generates 1M and 10M rows of flows with a fixed seed (tests/bench/
# gen_flows), then times, RUNS times each (default 5), in one run:
#   - csv_baseline: libcsv alone parsing flows.csv on one core (the floor)
#   - citymig indicators: flows + areas to the CSV long table
#   - citymig report: the same to the workbook
#   - xlsx_baseline: libxlsxwriter alone writing as many cells as the
#     report holds, as many of them text, of the same mean length
#   - pandas: pandas + XlsxWriter grouping destination x kind into a
#     one-sheet workbook (when python3-pandas and python3-xlsxwriter are
#     installed)
# and prints the medians, rows/s, MB/s, the ratio of each to the baseline,
# the peak resident memory, and the figures the targets are stated in.
# Needs about 1 GB of scratch space. Not a test: it reports figures, it does
# not judge them. THREADS in the environment sets citymig's --threads.
set -eu
build=${1:?usage: flows.sh BUILD_DIR [SCRATCH_DIR] [RUNS]}
scratch=${2:-${TMPDIR:-/tmp}/citymig-bench}
runs=${3:-5}
here=$(cd "$(dirname "$0")" && pwd)
threads=${THREADS:+--threads $THREADS}
mkdir -p "$scratch"

# measure NAME COMMAND...: runs it $runs times; prints the median time and
# the largest peak RSS, from peak_rss's "time T s, peak RSS M MB" line.
measure() {
    name=$1
    shift
    i=0
    : >"$scratch/times"
    while [ "$i" -lt "$runs" ]; do
        "$build/tests/peak_rss" "$@" 2>&1 >/dev/null | tail -n 1 >>"$scratch/times"
        i=$((i + 1))
    done
    sort -n -k2 "$scratch/times" | awk -v name="$name" -v n="$runs" '
        { t[NR] = $2; if ($6 > m) m = $6 }
        END { printf "%s %s %s\n", name, t[int((n + 1) / 2)], m }'
}

# The cells of a workbook: how many, how many text, their mean length.
cells() {
    "$py" "$here/cells.py" "$1"
}

# Debian's python3, where the Debian packages are.
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
have_pandas=no
if "$py" -c 'import pandas, xlsxwriter' 2>/dev/null; then
    have_pandas=yes
fi

printf '%-14s %9s %9s %12s %8s %7s %9s\n' "job" "rows" "median s" "rows/s" "MB/s" "ratio" "peak MB"
for rows in 1000000 10000000; do
    dir=$scratch/$rows
    mkdir -p "$dir"
    [ -s "$dir/flows.csv" ] || "$build/tests/gen_flows" "$rows" "$dir"
    mb=$(wc -c <"$dir/flows.csv" | awk '{ print $1 / 1e6 }')
    # shellcheck disable=SC2086 # $threads is empty or two words
    "$build/citymig" report "$dir" -q $threads -o "$scratch/report.xlsx"
    mix=$(cells "$scratch/report.xlsx")
    ncells=${mix%% *}
    {
        measure csv_baseline "$build/tests/csv_baseline" "$dir/flows.csv"
        # shellcheck disable=SC2086
        measure indicators "$build/citymig" indicators "$dir" -q $threads -o "$scratch/table.csv"
        # shellcheck disable=SC2086
        measure report "$build/citymig" report "$dir" -q $threads -o "$scratch/report.xlsx"
        # shellcheck disable=SC2086 # $mix is three numbers
        measure xlsx_baseline "$build/tests/xlsx_baseline" $mix "$scratch/bare.xlsx"
        if [ "$have_pandas" = yes ]; then
            measure pandas "$py" "$here/pandas_flows.py" "$dir/flows.csv" "$scratch/pandas.xlsx"
        fi
    } >"$scratch/results.$rows"
    awk -v rows="$rows" -v mb="$mb" '
        NR == 1 { base = $2 }
        { printf "%-14s %9d %9.3f %12.0f %8.1f %7.2f %9.1f\n", $1, rows, $2, rows / $2, mb / $2,
                 $2 / base, $3 }' "$scratch/results.$rows"
    awk -v cells="$ncells" -v mix="$mix" '
        { t[$1] = $2; m[$1] = $3 }
        END {
            printf "  data path: indicators / csv_baseline = %.2f (target <= 0.75)\n",
                   t["indicators"] / t["csv_baseline"]
            split(mix, m, " ")
            printf "  workbook: (report - indicators) / xlsx_baseline of %d cells (%d text, %d bytes each) = %.2f (target <= 1.2)\n",
                   cells, m[2], m[3], (t["report"] - t["indicators"]) / t["xlsx_baseline"]
            if ("pandas" in t)
                printf "  peers: pandas / report = %.2f (target >= 4)\n", t["pandas"] / t["report"]
            else
                printf "  peers: pandas not installed (python3-pandas, python3-xlsxwriter)\n"
        }' "$scratch/results.$rows"
done
awk '{ t[FILENAME, $1] = $2; m[FILENAME, $1] = $3 }
     END {
         a = ARGV[1]; b = ARGV[2]
         printf "scale: indicators 10M / 1M = %.2f (target <= 11); peak RSS 10M %.1f MB, 1M %.1f MB (target <= 64, within 20%%)\n",
                t[b, "indicators"] / t[a, "indicators"], m[b, "report"], m[a, "report"]
     }' "$scratch/results.1000000" "$scratch/results.10000000"
echo "ratio: median time over the libcsv-only parse of the same file, same run"
