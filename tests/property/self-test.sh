#!/bin/sh
# The property test tests itself: over its own model of the rules
# (reference_citymig.py) every property holds, and each bug planted in the
# model makes it fail. A harness that cannot fail proves nothing.
here=$(dirname "$0")
ref="$here/reference_citymig.py"
if ! python3 "$here/property.py" "$ref" --seeds 4 >/dev/null; then
    echo "self-test: the reference model fails the properties" >&2
    exit 1
fi
bugs=$(sed -n '/the property the bug breaks:/,/^"""/s/^  \([a-z][a-z-]*\) .*/\1/p' "$ref")
[ -n "$bugs" ] || { echo "self-test: no planted bugs found in $ref" >&2; exit 1; }
status=0
for bug in $bugs; do
    if REFERENCE_BUG=$bug python3 "$here/property.py" "$ref" --seeds 4 >/dev/null 2>&1; then
        echo "self-test: planted bug '$bug' was not caught" >&2
        status=1
    else
        echo "caught: $bug"
    fi
done
exit $status
