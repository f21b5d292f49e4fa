#!/bin/sh
# deps.sh - installs the Debian packages that building and testing citymig
# need, when they are missing. Needs root or sudo only when it installs.
set -eu
pkgs="cmake make gcc pkg-config libcsv-dev libxlsxwriter-dev libcmocka-dev libminizip-dev nettle-dev libinih-dev
clang-format python3 python3-openpyxl locales help2man dpkg-dev man-db bsdutils
valgrind clang libclang-rt-14-dev"
missing=""
for p in $pkgs; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
echo "citymig: installing Debian packages:$missing" >&2
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
$sudo apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >&2
