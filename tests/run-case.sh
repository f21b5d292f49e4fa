#!/bin/sh
# run-case.sh CITYMIG CASE_DIR - runs one end-to-end case.
#
# A case is a folder holding:
#   cmd     a shell script, run from a scratch copy of the folder, with
#           $CITYMIG set to the binary under test and $SRCDIR to the
#           project's root (cd there to use data/); it may create its own
#           inputs (binary files, huge files) before running citymig
#   expout  the exact expected standard output
#   experr  the exact expected standard error
#   exit    the expected exit code (a number; 0 when the file is absent)
# Any other files (input/areas.csv, ...) are the case's inputs.
#
# A cmd that cannot run here (a locale that cannot be made, say) writes its
# reason to the file skip and exits: the case is then skipped (exit 77, which
# ctest reports as skipped, with the reason), except under CI=true, where
# every case must run and a skip fails.
#
# The case runs under LC_ALL=C, or under $CITYMIG_TEST_LOCALE when set
# (tests/run.sh runs the whole suite again under de_DE.UTF-8).
set -u
bin=$1
case_dir=$2
SRCDIR=$(cd "$(dirname "$0")/.." && pwd) || exit 99
export SRCDIR
work=$(mktemp -d "${TMPDIR:-/tmp}/citymig-case.XXXXXX") || exit 99
trap 'chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' EXIT INT TERM
cp -R "$case_dir"/. "$work"/ || exit 99
cd "$work" || exit 99
CITYMIG=$bin
export CITYMIG
LC_ALL=${CITYMIG_TEST_LOCALE:-C} sh ./cmd >actual.out 2>actual.err
code=$?
if [ -f skip ]; then
    echo "skipped: $(cat skip)"
    if [ "${CI:-}" = true ]; then
        echo "a case cannot be skipped in CI"
        exit 1
    fi
    exit 77
fi
want=0
[ -f exit ] && want=$(cat exit)
status=0
if [ "$code" != "$want" ]; then
    echo "exit code: expected $want, got $code"
    status=1
fi
diff -u expout actual.out || status=1
diff -u experr actual.err || status=1
exit $status
