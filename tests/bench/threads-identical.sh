#!/bin/sh
# threads-identical.sh BUILD_DIR SCRATCH_DIR - --threads 1 and --threads 2
# give byte-identical outputs over small versions of every input shape of
# the benchmark (tests/bench/shapes.sh):
#   standard  gen_flows 100000: 5,000 destinations, 20,000 origins
#   places    gen_shapes places 200000 over 2,000 destinations and 20,000
#             origins
#   stocks    gen_shapes stocks 200000 (and their areas)
#   areas     gen_shapes areas 2000 5: every column, 2,000 areas x 5 years
# Each flows file is over 4 MiB, so that two threads split it (no part is
# given a thread under 1 MiB, src/load/flowscan.c). For each shape, citymig
# indicators (CSV and JSON) and citymig report run with --threads 1 and 2;
# the tables must be equal byte for byte, and so must the workbooks'
# members, in the same order (the report's date fixed by
# SOURCE_DATE_EPOCH). Exits 1, naming each difference, when they are not.
set -eu
usage="usage: threads-identical.sh BUILD_DIR SCRATCH_DIR"
build=${1:?$usage}
scratch=${2:?$usage}
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
mkdir -p "$scratch"
status=0

# fail MESSAGE: notes a difference; the other shapes are still compared.
fail() {
    echo "threads-identical: $*" >&2
    status=1
    bad=1
}

# same_members A.xlsx B.xlsx: whether the two zips hold the same members, in
# the same order, with the same bytes; names the first that differs.
same_members() {
    "$py" -c '
import sys, zipfile
a, b = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2])
na, nb = a.namelist(), b.namelist()
if na != nb:
    sys.exit("members differ: %s against %s" % (na, nb))
for n in na:
    x, y = a.read(n), b.read(n)
    if x != y:
        at = next((i for i in range(min(len(x), len(y))) if x[i] != y[i]), min(len(x), len(y)))
        sys.exit("member %s differs at byte %d (%d and %d bytes)" % (n, at + 1, len(x), len(y)))
' "$1" "$2"
}

SOURCE_DATE_EPOCH=1700000000
export SOURCE_DATE_EPOCH
for shape in standard places stocks areas; do
    dir=$scratch/$shape
    bad=0
    mkdir -p "$dir"
    rm -f "$dir"/*.csv
    case $shape in
    standard) "$build/tests/gen_flows" 100000 "$dir" ;;
    places) "$build/tests/gen_shapes" places 200000 "$dir" 2000 20000 ;;
    stocks) "$build/tests/gen_shapes" stocks 200000 "$dir" ;;
    areas) "$build/tests/gen_shapes" areas 2000 5 "$dir" ;;
    esac
    if [ -f "$dir/flows.csv" ] && [ "$(wc -c <"$dir/flows.csv")" -lt 4194304 ]; then
        fail "$shape: flows.csv is under 4 MiB: two threads might not split it"
    fi
    if ! "$build/citymig" validate -q "$dir"; then
        fail "$shape: citymig validate refused the generated dataset"
        continue
    fi
    out=$scratch/$shape.out
    mkdir -p "$out"
    for t in 1 2; do
        "$build/citymig" indicators "$dir" -q --threads "$t" -o "$out/t$t.csv" ||
            fail "$shape: indicators --threads $t: exit $?"
        "$build/citymig" indicators "$dir" -q --threads "$t" --format json -o "$out/t$t.json" ||
            fail "$shape: indicators --format json --threads $t: exit $?"
        "$build/citymig" report "$dir" -q --threads "$t" -o "$out/r$t.xlsx" ||
            fail "$shape: report --threads $t: exit $?"
    done
    [ "$bad" = 0 ] || continue
    cmp -s "$out/t1.csv" "$out/t2.csv" ||
        fail "$shape: the long tables (CSV) of --threads 1 and 2 differ: $(cmp "$out/t1.csv" "$out/t2.csv" 2>&1 || :)"
    cmp -s "$out/t1.json" "$out/t2.json" ||
        fail "$shape: the long tables (JSON) of --threads 1 and 2 differ: $(cmp "$out/t1.json" "$out/t2.json" 2>&1 || :)"
    if why=$(same_members "$out/r1.xlsx" "$out/r2.xlsx" 2>&1); then
        cmp -s "$out/r1.xlsx" "$out/r2.xlsx" ||
            echo "$shape: note: the workbooks' members are identical, their zip containers not"
    else
        fail "$shape: the workbooks of --threads 1 and 2 differ: $why"
    fi
    [ "$bad" = 1 ] && continue
    echo "$shape: identical ($(($(wc -l <"$out/t1.csv") - 1)) rows of the long table, $(wc -c <"$out/r1.xlsx") bytes of workbook)"
    # The tables run to hundreds of MB: kept only when they differ.
    rm -f "$out/t1.csv" "$out/t2.csv" "$out/t1.json" "$out/t2.json" "$out/r1.xlsx" "$out/r2.xlsx"
done
exit "$status"
