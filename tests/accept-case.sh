#!/bin/sh
# accept-case.sh CITYMIG CASE_DIR... - runs each end-to-end case as
# run-case.sh does and stores what it printed and its exit code as the
# expected output. Review the diff (git diff tests/cases) before
# committing: this records whatever the binary does, right or wrong.
set -u
bin=$1
shift
SRCDIR=$(cd "$(dirname "$0")/.." && pwd) || exit 99
export SRCDIR
# The file-system fault shim, built beside the binary (ctest passes it).
CITYMIG_FAULTIO=${CITYMIG_FAULTIO:-$(dirname "$bin")/tests/libfaultio.so}
export CITYMIG_FAULTIO
for case_dir in "$@"; do
    work=$(mktemp -d "${TMPDIR:-/tmp}/citymig-case.XXXXXX") || exit 99
    cp -R "$case_dir"/. "$work"/
    (cd "$work" && CITYMIG=$bin LC_ALL=C sh ./cmd >actual.out 2>actual.err; echo $? >actual.exit)
    cp "$work/actual.out" "$case_dir/expout"
    cp "$work/actual.err" "$case_dir/experr"
    cp "$work/actual.exit" "$case_dir/exit"
    chmod -R u+rwx "$work" 2>/dev/null
    rm -rf "$work"
    echo "accepted: $case_dir (exit $(cat "$case_dir/exit"))"
done
