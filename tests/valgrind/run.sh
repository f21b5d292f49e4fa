#!/bin/sh
# run.sh BUILD_DIR [CASE_DIR...] - runs the unit tests and the end-to-end
# cases (all of them, or those given) under valgrind memcheck, shared out
# over the processors (CITYMIG_JOBS, default nproc). Any memory error, and
# any leak (definite, indirect or possible), fails the run; the reports are
# kept in BUILD_DIR/valgrind/.
set -u
build=${1:?usage: run.sh BUILD_DIR [CASE_DIR...]}
shift
jobs=${CITYMIG_JOBS:-$(nproc 2>/dev/null || echo 2)}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$build" && pwd)
logs=$build/valgrind
rm -rf "$logs"
mkdir -p "$logs"

# The wrapper the cases run as $CITYMIG. The child process that writes a
# workbook frees its own copies and ends with _exit(); what it inherited is
# still reachable, so it passes the same leak check as the parent.
wrapper=$logs/citymig
cat >"$wrapper" <<WRAP
#!/bin/sh
exec valgrind -q --error-exitcode=99 --suppressions="$root/tests/valgrind/glibc.supp" --leak-check=full --show-leak-kinds=definite,indirect,possible \\
    --errors-for-leak-kinds=definite,indirect,possible \\
    --log-file="$logs/vg.%p.log" "$build/citymig" "\$@"
WRAP
chmod +x "$wrapper"

# One unit program or case: prints a line per failure.
cat >"$logs/one.sh" <<ONE
#!/bin/sh
case \$1 in
*/tests/test_*)
    name=\$(basename "\$1")
    cd "$build/tests" && valgrind -q --error-exitcode=99 --suppressions="$root/tests/valgrind/glibc.supp" --leak-check=full \\
        --errors-for-leak-kinds=definite,indirect,possible --log-file="$logs/unit.\$name.log" \\
        "\$1" >"$logs/unit.\$name.out" 2>&1 || echo "valgrind: \$name failed: see $logs/unit.\$name.log"
    ;;
*)
    name=\$(echo "\$1" | sed 's|.*/cases/||; s|/*\$||; s|/|.|g')
    CITYMIG_FAULTIO="$build/tests/libfaultio.so" sh "$root/tests/run-case.sh" "$wrapper" "\$1" \\
        >"$logs/case.\$name.out" 2>&1 || echo "valgrind: case \$name failed: see $logs/case.\$name.out"
    ;;
esac
ONE

[ $# -gt 0 ] || set -- "$build"/tests/test_* "$root"/tests/cases/*/*/
count=$#
for t in "$@"; do echo "$t"; done | xargs -P "$jobs" -n 1 sh "$logs/one.sh" >"$logs/failures"
# Errors in runs whose exit code a case expects to be non-zero show only
# in the reports: any non-empty report fails too.
for f in "$logs"/vg.*.log; do
    [ -s "$f" ] && echo "valgrind: errors reported in $f"
done >>"$logs/failures"
failed=$(grep -c . "$logs/failures")
cat "$logs/failures" >&2
[ "$failed" = 0 ] || grep -h -A 20 . "$logs"/vg.*.log 2>/dev/null | head -n 60 >&2
echo "valgrind: $count unit programs and cases: $failed failures"
[ "$failed" = 0 ]
