#!/bin/sh
# locale-de.sh DIR - compiles the de_DE.UTF-8 locale (decimal comma) into
# DIR, for the tests to use with LOCPATH=DIR, so that no test changes the
# system's locales. Does nothing when DIR already holds it.
#
# Exit status: 0 when DIR/de_DE.UTF-8 works; 77 when it cannot be made here
# (the reason on standard output: no localedef, or no locale sources, which
# the package locales installs).
set -eu
dir=$1
if [ ! -f "$dir/de_DE.UTF-8/LC_NUMERIC" ]; then
    if ! command -v localedef >/dev/null 2>&1; then
        echo "no localedef to compile de_DE.UTF-8 (Debian package libc-bin)"
        exit 77
    fi
    if [ ! -f /usr/share/i18n/locales/de_DE ] || [ ! -f /usr/share/i18n/charmaps/UTF-8.gz ]; then
        echo "no locale sources to compile de_DE.UTF-8 from (Debian package locales)"
        exit 77
    fi
    mkdir -p "$dir"
    # localedef exits 1 for warnings it still compiles through.
    localedef -c -i de_DE -f UTF-8 "$dir/de_DE.UTF-8" >"$dir/localedef.log" 2>&1 || true
fi
point=$(LOCPATH=$dir LC_ALL=de_DE.UTF-8 locale decimal_point 2>&1) || point=""
if [ "$point" != "," ]; then
    echo "de_DE.UTF-8 compiled into $dir does not load (decimal point: '$point')"
    exit 77
fi
