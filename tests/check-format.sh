#!/bin/sh
# check-format.sh - fails when a C file differs from the project's
# .clang-format style, and names the files.
set -eu
cd "$(dirname "$0")/.."
bad=0
for f in $(git ls-files '*.c' '*.h' 2>/dev/null || find src include tests -name '*.[ch]'); do
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        echo "not formatted: $f (run: clang-format -i $f)" >&2
        bad=1
    fi
done
[ "$bad" = 0 ] && echo "format: all files match .clang-format"
exit "$bad"
