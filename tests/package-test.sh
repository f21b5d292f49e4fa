#!/bin/sh
# package-test.sh BUILD_DIR - builds the Debian package and checks it: the
# dependencies and recommendations it declares, the files it holds, the
# binary and man page it installs, the links of the docs it installs, and
# the README's tour run from the unpacked package. With CI=true as root (a
# throwaway machine) it also installs the package for real, runs the tour
# from /usr/share/citymig, and removes it.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=$1
cd "$build"
rm -f citymig_*.deb
cpack -G DEB >/dev/null
deb=$(ls citymig_*.deb)
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libcsv3 libxlsxwriter4 libinih1 libminizip1 libnettle8; do
    case "$depends" in
    *"$lib"*) ;;
    *) echo "package: $deb does not declare $lib (Depends: $depends)" >&2; exit 1 ;;
    esac
done
[ "$(dpkg-deb -f "$deb" Recommends)" = bash-completion ] ||
    { echo "package: $deb does not recommend bash-completion" >&2; exit 1; }
root=$(mktemp -d "${TMPDIR:-/tmp}/citymig-deb.XXXXXX")
trap 'rm -rf "$root"' EXIT INT TERM
dpkg-deb -x "$deb" "$root"
for f in usr/bin/citymig usr/share/man/man1/citymig.1.gz \
    usr/share/bash-completion/completions/citymig usr/share/citymig/rules/conference.csv \
    usr/share/citymig/data/wmr2015/areas.csv usr/share/doc/citymig/README.md \
    usr/share/doc/citymig/docs/README.md; do
    [ -f "$root/$f" ] || { echo "package: $deb lacks /$f" >&2; exit 1; }
done
"$root/usr/bin/citymig" --version | head -n 1
man=$(MANWIDTH=80 man -l "$root/usr/share/man/man1/citymig.1.gz" 2>/dev/null)
case "$man" in
*"citymig - migration"*) ;;
*) echo "package: the man page does not render" >&2; exit 1 ;;
esac
case "$man" in
*/usr/share/doc/citymig/docs/README.md*) ;;
*) echo "package: the man page does not point to the docs' index" >&2; exit 1 ;;
esac
python3 "$src/tests/doc-links.py" "$root/usr/share/doc/citymig" "$root/usr/share/citymig"
python3 "$src/tests/readme-tour.py" "$root/usr/bin/citymig" "$root/usr/share/citymig"
if [ "${CI:-}" = true ] && [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "./$deb" >/dev/null
    [ "$(command -v citymig)" = /usr/bin/citymig ] || { echo "package: not installed" >&2; exit 1; }
    citymig --version >/dev/null
    citymig catalogue | grep -q "^# Indicator catalogue" ||
        { echo "package: the installed citymig does not run" >&2; exit 1; }
    MANWIDTH=80 man citymig 2>/dev/null | grep -q "citymig - migration" ||
        { echo "package: man citymig does not render" >&2; exit 1; }
    python3 "$src/tests/readme-tour.py" /usr/bin/citymig /usr/share/citymig
    DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq citymig >/dev/null
    echo "package: installed with apt, ran, man page rendered, removed"
fi
echo "package: $deb ($depends)"
