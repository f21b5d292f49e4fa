#!/bin/sh
# memory.sh BUILD_DIR [SCRATCH_DIR] - validates generated flows files of 1
# and 10 million rows and prints the time and peak resident memory of each,
# three runs apiece. Memory must not grow with the number of rows: flows are
# summed while read, never stored. Needs about 500 MB of scratch space.
set -eu
build=${1:?usage: memory.sh BUILD_DIR [SCRATCH_DIR]}
scratch=${2:-${TMPDIR:-/tmp}/citymig-memory}
for rows in 1000000 10000000; do
    dir=$scratch/$rows
    mkdir -p "$dir"
    [ -s "$dir/flows.csv" ] || "$build/tests/gen_flows" "$rows" "$dir"
    size=$(wc -c <"$dir/flows.csv")
    for run in 1 2 3; do
        printf '%8s rows, %9s bytes, run %s: ' "$rows" "$size" "$run"
        "$build/tests/peak_rss" "$build/citymig" validate -q "$dir" 2>&1 | tail -n 1
    done
done
