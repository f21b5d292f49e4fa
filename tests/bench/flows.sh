#!/bin/sh
# flows.sh BUILD_DIR [SCRATCH_DIR] [RUNS] - the flows benchmark (SPEC 7).
# Generates 1M and 10M rows of flows with a fixed seed (tests/bench/
# gen_flows), then times, RUNS times each (default 5), in one run:
#   - csv_baseline: libcsv alone parsing flows.csv on one core (the floor)
#   - citymig indicators: flows + areas to the CSV long table
#   - citymig report: the same to the workbook
# and prints the medians, rows/s, MB/s, the ratio of each to the baseline,
# and the peak resident memory. Needs about 1 GB of scratch space. Not a
# test: it reports figures, it does not judge them.
set -eu
build=${1:?usage: flows.sh BUILD_DIR [SCRATCH_DIR] [RUNS]}
scratch=${2:-${TMPDIR:-/tmp}/citymig-bench}
runs=${3:-5}
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

printf '%-22s %9s %8s %12s %9s %8s %10s\n' "job" "rows" "median s" "rows/s" "MB/s" "ratio" "peak MB"
for rows in 1000000 10000000; do
    dir=$scratch/$rows
    mkdir -p "$dir"
    [ -s "$dir/flows.csv" ] || "$build/tests/gen_flows" "$rows" "$dir"
    mb=$(wc -c <"$dir/flows.csv" | awk '{ print $1 / 1e6 }')
    {
        measure csv_baseline "$build/tests/csv_baseline" "$dir/flows.csv"
        measure indicators "$build/citymig" indicators "$dir" -q -o "$scratch/table.csv"
        measure report "$build/citymig" report "$dir" -q -o "$scratch/report.xlsx"
    } | awk -v rows="$rows" -v mb="$mb" '
        NR == 1 { base = $2 }
        { printf "%-22s %9d %8.3f %12.0f %9.1f %8.2f %10.1f\n", $1, rows, $2, rows / $2, mb / $2,
                 $2 / base, $3 }'
done
echo "ratio: median time over the libcsv-only parse of the same file, same run"
