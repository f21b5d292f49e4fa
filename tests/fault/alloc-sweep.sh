#!/bin/sh
# alloc-sweep.sh CITYMIG SHIM [STEP] - fails each allocation in turn of
#   citymig report data/wmr2015 -o OUT
# (every STEP-th with STEP > 1) and checks that citymig never crashes, says
# "out of memory" or another error and exits 70 (or 73/74 when the failed
# allocation is libxlsxwriter's, which reports it as a write failure), leaves
# no file at OUT and no temporary file, and frees what it allocated: no
# more blocks live at exit than in a run without failures.
set -u
bin=$1
shim=$2
step=${3:-1}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/citymig-alloc.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
cd "$root" || exit 99

run() { # run N: one run failing allocation N (0: none)
    CITYMIG_FAIL_ALLOC=$1 LD_PRELOAD=$shim SOURCE_DATE_EPOCH=1700000000 \
        "$bin" report data/wmr2015 -o "$work/out.xlsx" -q >"$work/stdout" 2>"$work/stderr"
}
run 0
code=$?
# The child that writes the workbook reports too: the run's total is the
# largest count; the live blocks are the parent's, reported last.
total=$(sed -n 's/^failmalloc: allocations \([0-9]*\) live .*$/\1/p' "$work/stderr" | sort -n | tail -n 1)
base_live=$(sed -n 's/^failmalloc: allocations [0-9]* live \([0-9-]*\)$/\1/p' "$work/stderr" | tail -n 1)
if [ "$code" != 0 ] || [ -z "$total" ]; then
    echo "alloc-sweep: the run without failures failed ($code)" >&2
    cat "$work/stderr" >&2
    exit 1
fi
rm -f "$work/out.xlsx"
failed=0
n=1
while [ "$n" -le "$total" ]; do
    run "$n"
    code=$?
    live=$(sed -n 's/^failmalloc: allocations [0-9]* live \([0-9-]*\)$/\1/p' "$work/stderr" | tail -n 1)
    problem=
    case $code in
    0 | 70 | 73 | 74) ;;
    *) problem="exit $code" ;;
    esac
    [ "$code" != 0 ] && [ -e "$work/out.xlsx" ] && problem="$problem; a report was left"
    ls "$work"/out.xlsx.tmp-* >/dev/null 2>&1 && problem="$problem; a temporary file was left"
    [ "$code" != 0 ] && ! grep -q "error" "$work/stderr" && problem="$problem; no message"
    [ -n "$live" ] && [ "$live" -gt "$base_live" ] && problem="$problem; $((live - base_live)) blocks leaked"
    if [ -n "$problem" ]; then
        echo "alloc-sweep: allocation $n: $problem" >&2
        grep -v '^failmalloc' "$work/stderr" | head -n 3 >&2
        failed=$((failed + 1))
    fi
    rm -f "$work/out.xlsx" "$work"/out.xlsx.tmp-*
    n=$((n + step))
done
echo "alloc-sweep: $total allocations, every ${step}th failed in turn: $failed problems"
[ "$failed" = 0 ]
