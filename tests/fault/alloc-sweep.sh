#!/bin/sh
# alloc-sweep.sh CITYMIG SHIM [STEP] [COMMAND] [DATASET] - fails each
# allocation in turn of
#   citymig report DATASET -o OUT                     (COMMAND report,
#                                                      the default)
#   citymig indicators DATASET -o OUT --hits HITS     (indicators: the
#                                                      table is written
#                                                      as it is computed)
# (DATASET: data/wmr2015 unless given; tests/data/stocks-runs has stocks
# whose key runs end, come back and are looked up)
# (every STEP-th with STEP > 1) and checks that citymig never crashes, says
# "out of memory" or another error and exits 70 (or 73/74 when the failed
# allocation is libxlsxwriter's or the C library's stream, which report it
# as a write failure), leaves no file at OUT (or HITS) and no temporary
# file, and frees what it allocated: no more blocks live at exit than in a
# run without failures. The runs are shared out over the processors
# (CITYMIG_JOBS, default nproc).
set -u
bin=$1
shim=$2
step=${3:-1}
command=${4:-report}
dataset=${5:-data/wmr2015}
case $command in
report) outs=out.xlsx ;;
indicators) outs="out.csv hits.csv" ;;
*)
    echo "alloc-sweep: COMMAND must be report or indicators" >&2
    exit 2
    ;;
esac
jobs=${CITYMIG_JOBS:-$(nproc 2>/dev/null || echo 2)}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/citymig-alloc.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
cd "$root" || exit 99

run() { # run DIR N: one run failing allocation N (0: none), in DIR
    if [ "$command" = report ]; then
        CITYMIG_FAIL_ALLOC=$2 LD_PRELOAD=$shim SOURCE_DATE_EPOCH=1700000000 \
            "$bin" report "$dataset" -o "$1/out.xlsx" -q >"$1/stdout" 2>"$1/stderr"
    else
        CITYMIG_FAIL_ALLOC=$2 LD_PRELOAD=$shim \
            "$bin" indicators "$dataset" -o "$1/out.csv" --hits "$1/hits.csv" -q \
            >"$1/stdout" 2>"$1/stderr"
    fi
}
mkdir "$work/base"
run "$work/base" 0
code=$?
# The child that writes the workbook reports too: the run's total is the
# largest count; the live blocks are the parent's, reported last.
total=$(sed -n 's/^failmalloc: allocations \([0-9]*\) live .*$/\1/p' "$work/base/stderr" | sort -n | tail -n 1)
base_live=$(sed -n 's/^failmalloc: allocations [0-9]* live \([0-9-]*\)$/\1/p' "$work/base/stderr" | tail -n 1)
if [ "$code" != 0 ] || [ -z "$total" ]; then
    echo "alloc-sweep: the run without failures failed ($code)" >&2
    cat "$work/base/stderr" >&2
    exit 1
fi

shard() { # shard K: runs N = 1 + (K + i * jobs) * step for i = 0, 1, ...
    dir=$work/shard$1
    mkdir "$dir"
    : >"$dir/problems"
    n=$((1 + $1 * step))
    while [ "$n" -le "$total" ]; do
        run "$dir" "$n"
        code=$?
        live=$(sed -n 's/^failmalloc: allocations [0-9]* live \([0-9-]*\)$/\1/p' "$dir/stderr" | tail -n 1)
        problem=
        case $code in
        0 | 70 | 73 | 74) ;;
        *) problem="exit $code" ;;
        esac
        for out in $outs; do
            [ "$code" != 0 ] && [ -e "$dir/$out" ] && problem="$problem; $out was left"
            ls "$dir/$out".tmp-* >/dev/null 2>&1 && problem="$problem; a temporary file was left"
        done
        [ "$code" != 0 ] && ! grep -q "error" "$dir/stderr" && problem="$problem; no message"
        [ -n "$live" ] && [ "$live" -gt "$base_live" ] &&
            problem="$problem; $((live - base_live)) blocks leaked"
        if [ -n "$problem" ]; then
            {
                echo "alloc-sweep: allocation $n: $problem"
                grep -v '^failmalloc' "$dir/stderr" | head -n 3
            } >>"$dir/problems"
        fi
        for out in $outs; do
            rm -f "$dir/$out" "$dir/$out".tmp-*
        done
        n=$((n + jobs * step))
    done
}
k=0
while [ "$k" -lt "$jobs" ]; do
    shard "$k" &
    k=$((k + 1))
done
wait
cat "$work"/shard*/problems >&2
failed=$(cat "$work"/shard*/problems | grep -c '^alloc-sweep: allocation')
runs=$(((total + step - 1) / step))
echo "alloc-sweep: $command: $total allocations, $runs runs (every ${step}th failed in turn): $failed problems"
[ "$failed" = 0 ]
