#!/bin/sh
# run.sh BUILD_DIR [CASE_DIR...] - runs the unit tests and the end-to-end
# cases (all of them, or those given) under valgrind memcheck. Any memory
# error, and any leak (definite, indirect or possible), fails the run; the
# reports are kept in BUILD_DIR/valgrind/.
set -u
build=${1:?usage: run.sh BUILD_DIR [CASE_DIR...]}
shift
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$build" && pwd)
logs=$build/valgrind
rm -rf "$logs"
mkdir -p "$logs"

# The wrapper the cases run as $CITYMIG. The child process that writes a
# workbook ends with _exit() and leaves its memory to the system: it is
# not leak-checked (--child-silent-after-fork); the parent is.
wrapper=$logs/citymig
cat >"$wrapper" <<WRAP
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=all \\
    --errors-for-leak-kinds=definite,indirect,possible --child-silent-after-fork=yes \\
    --log-file="$logs/vg.%p.log" "$build/citymig" "\$@"
WRAP
chmod +x "$wrapper"

failed=0
nunits=0
for t in "$build"/tests/test_*; do
    [ -x "$t" ] || continue
    nunits=$((nunits + 1))
    name=$(basename "$t")
    if ! (cd "$build/tests" && valgrind -q --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect,possible --log-file="$logs/unit.$name.log" \
        "$t" >"$logs/unit.$name.out" 2>&1); then
        echo "valgrind: $name failed: see $logs/unit.$name.log" >&2
        failed=$((failed + 1))
    fi
done

[ $# -gt 0 ] || set -- "$root"/tests/cases/*/*/
ncases=0
for c in "$@"; do
    ncases=$((ncases + 1))
    if ! CITYMIG_FAULTIO=$build/tests/libfaultio.so sh "$root/tests/run-case.sh" "$wrapper" "$c" \
        >"$logs/case.$ncases.out" 2>&1; then
        echo "valgrind: case $c failed:" >&2
        head -n 20 "$logs/case.$ncases.out" >&2
        failed=$((failed + 1))
    fi
done
# Errors in runs whose exit code a case expects to be non-zero show only
# in the reports: any non-empty report fails.
for f in "$logs"/vg.*.log; do
    [ -s "$f" ] || continue
    echo "valgrind: errors reported in $f:" >&2
    head -n 30 "$f" >&2
    failed=$((failed + 1))
done
echo "valgrind: $nunits unit programs, $ncases cases: $failed failures"
[ "$failed" = 0 ]
