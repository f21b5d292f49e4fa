#!/bin/sh
# deps.sh [build|package|test|render] [--list] - installs the Debian
# packages of tests/packages.txt that are missing: the build set (the
# default); with "package" also what making the Debian package needs; with
# "test" also what the whole test suite needs; with "render" the build set
# and what converting workbooks with LibreOffice needs (tests/xlsx/pages.sh,
# docs/render-pictures.sh). Says in one line what it installs; apt's
# and dpkg's output goes to a log file it names. Needs root, or sudo, only
# when something is missing. With --list it prints the set's packages, one a
# line, and installs nothing. This is the one reader of tests/packages.txt.
#
# Exit status:
#   0   every package of the set is installed
#   2   usage error
#   69  this system has no dpkg, or apt-get failed (see the log it names)
#   70  tests/packages.txt is malformed (the message gives its line)
#   77  packages are missing and this user cannot install them (not root,
#       no sudo): the message gives the command to run as root
set -eu
here=$(cd "$(dirname "$0")" && pwd)
usage() {
    echo "usage: sh tests/deps.sh [build|package|test|render] [--list]" >&2
    exit 2
}
set_name=build list=0
for arg in "$@"; do
    case $arg in
    build | package | test | render) set_name=$arg ;;
    --list) list=1 ;;
    *) usage ;;
    esac
done
[ $# -le 2 ] || usage
case $set_name in
build) sets="build" what="building citymig" ;;
package) sets="build package" what="building the Debian package" ;;
test) sets="build package test" what="the test suite" ;;
render) sets="build render" what="rendering workbooks with LibreOffice" ;;
esac

pkgs=$(awk -v sets=" $sets " -v list=tests/packages.txt '
    { sub(/#.*/, "") }
    !NF { next }
    /^\[(build|package|test|render)\]$/ { set = substr($1, 2, length($1) - 2); next }
    !set || NF != 1 || /^\[/ {
        printf "%s:%d: expected a section [build], [package], [test] or [render], or one package name" \
            " before an optional # comment; got \"%s\"\n", list, FNR, $0 > "/dev/stderr"
        bad = 1
        exit
    }
    index(sets, " " set " ") { print $1 }
    END { exit bad ? 70 : 0 }' "$here/packages.txt") || exit 70
if [ "$list" = 1 ]; then
    printf '%s\n' $pkgs
    exit 0
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "citymig: this system has no dpkg; install these Debian packages, or their" \
        "equivalents, by hand:" $pkgs >&2
    exit 69
fi

list_missing() {
    for p in $pkgs; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q " ok installed$" || printf ' %s' "$p"
    done
}
missing=$(list_missing)
[ -z "$missing" ] && exit 0
count=$(echo $missing | wc -w)

sudo=""
if [ "$(id -u)" != 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        {
            echo "citymig: $count Debian packages for $what are missing:$missing"
            echo "citymig: installing them needs root, and sudo is not installed; as root, run:"
            echo "    apt-get update && apt-get install -y --no-install-recommends$missing"
            echo "citymig: then run this command again"
        } >&2
        exit 77
    fi
    sudo=sudo
fi

log=$(mktemp "${TMPDIR:-/tmp}/citymig-apt.XXXXXX")
echo "citymig: installing $count Debian packages for $what:$missing (apt's output: $log)" >&2
status=0
{
    $sudo apt-get update &&
        # shellcheck disable=SC2086
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
} >"$log" 2>&1 </dev/null || status=$?
left=$(list_missing)
if [ "$status" != 0 ] || [ -n "$left" ]; then
    tail -n 15 "$log" | sed 's/^/    /' >&2
    if [ "$status" != 0 ]; then
        echo "citymig: apt-get failed (exit $status); its whole output is in $log" >&2
    else
        echo "citymig: still missing after apt-get:$left; apt's output is in $log" >&2
    fi
    exit 69
fi
