#!/bin/sh
# run.sh BUILD_DIR SECONDS [HARNESS...] - runs each libFuzzer harness for
# SECONDS (2 at a time), from seed corpora made of the project's own test
# inputs, and fails on the first finding. Corpora and findings are kept
# in BUILD_DIR/fuzz/; a finding becomes a regression case (see
# docs/robustness.md). The CI smoke run uses a few seconds each; the long
# run 1800.
set -eu
build=${1:?usage: run.sh BUILD_DIR SECONDS [HARNESS...]}
seconds=${2:?usage: run.sh BUILD_DIR SECONDS [HARNESS...]}
shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
harnesses=${*:-fuzz_csv fuzz_loader fuzz_rules fuzz_files fuzz_flowscan fuzz_writers}
work=$build/fuzz
mkdir -p "$work"

seed() { # seed NAME FILES... : a corpus of the given files
    dir=$work/corpus-$1
    mkdir -p "$dir"
    shift
    for f in "$@"; do
        [ -f "$f" ] && head -c 65536 "$f" >"$dir/$(echo "$f" | cksum | cut -d' ' -f1)"
    done
    true
}
csvs=$(find "$root/tests" "$root/data" "$root/examples" -name '*.csv' -size -64k 2>/dev/null)
seed fuzz_csv $csvs
seed fuzz_rules "$root"/data/rules/*.csv $(find "$root/tests/cases" -name 'rules.csv')
# The loader's first byte chooses the table: prefix each input.
mkdir -p "$work/corpus-fuzz_loader"
i=0
for f in $csvs; do
    case $f in
    *areas*) t='\000' ;; *stocks*) t='\001' ;; *flows*) t='\002' ;; *services*) t='\003' ;;
    *) continue ;;
    esac
    { printf "$t"; head -c 65536 "$f"; } >"$work/corpus-fuzz_loader/s$i"
    i=$((i + 1))
done
mkdir -p "$work/corpus-fuzz_files"
for m in $(find "$root/tests/data" "$root/examples" -name dataset.ini) "$root"/data/wmr2015/figures.csv; do
    { head -c 4096 "$m"; printf '\377'; head -c 4096 "$root/tests/data/small/areas.csv"; } \
        >"$work/corpus-fuzz_files/$(echo "$m" | cksum | cut -d' ' -f1)"
done
# Manifests of the keys that read downloads as published, each over a
# download that fits it: an encoding, Eurostat's layout, positions and
# quoted names, quoted list items, a lookup file (the download itself),
# periods and offsets.
fseed() { # fseed NAME MANIFEST DOWNLOAD
    { printf '%b' "$2"; printf '\377'; printf '%b' "$3"; } >"$work/corpus-fuzz_files/k-$1"
}
fseed cp949 '[areas]\nfile = d.csv\nencoding = cp949\nyear = 2016\ncolumn.area_id = #1\ncolumn.population = "\354\235\264"\n' \
    'id,\300\314\n\274\255\277\357,9\n'
fseed utf16 '[areas]\nfile = d.csv\nencoding = utf-16\nyear = 2016\ncolumn.area_id = id\ncolumn.population = pop\n' \
    '\377\376i\000d\000,\000p\000o\000p\000\n\000A\000,\0009\000\n\000'
fseed eurostat '[areas]\nfile = d.csv\nformat = eurostat-tsv\nkeep_if.indic_de = JAN\nunpivot = 2013-2015 -> year, population\ncolumn.area_id = geo\nyear_offset = -1\n' \
    'indic_de,geo\\time\t2015 \t2014 \t2013 \nJAN,AT\t8584926 \t8506889 \t: \nJAN,DE\t81174000 e\t: c\t80523746 bp\n'
fseed split '[stocks]\nfile = d.csv\nheader_line = 2\nsplit.#1 = a, b\nsplit_at.#1 = "/"\nthousands = comma\ncolumn.area_id = a\ncolumn.origin = ""\ncolumn.year = #3\ncolumn.count = Value\nkeep_if.b = "x, y",\n    z\nmap.origin = @d.csv\n' \
    'T03,title,,\nA/x, y,,2020,Value\n"1/z","Total, all",2020,"4,177,842"\n'
fseed periods '[flows]\nfile = d.csv\nkind = internal\ncolumn.origin = from\ncolumn.destination = to\nyear_from.period = YYYYQ?\ncolumn.count = n\n[flows.b]\nfile = d.csv\nkind = international\ncolumn.origin = from\ncolumn.destination = to\nyear_from.period = YYYY-YYYY\ncolumn.count = n\n' \
    'from,to,period,n\nA,B,2015Q1,3\nA,B,2010-2015,4\n'
# The fast flows reader's first two bytes choose the options and a header
# (see fuzz_flowscan.c): each flows file whole, on one thread and on four;
# bodies after some of the headers; and rows made from a file's bytes.
mkdir -p "$work/corpus-fuzz_flowscan"
i=0
for f in $csvs; do
    case $f in *flows*) ;; *) continue ;; esac
    for o in '\000\007' '\107\007'; do
        { printf "$o"; head -c 65536 "$f"; } >"$work/corpus-fuzz_flowscan/s$i"
        i=$((i + 1))
    done
done
{ printf '\107\000'; printf '2015,A,B,internal,F,10\n2015,"a, b","c ""d""",international,M,5\n'; } \
    >"$work/corpus-fuzz_flowscan/h0"
{ printf '\003\002'; printf '2015,A,B,internal,10\n2015,B,A,international,5\n'; } \
    >"$work/corpus-fuzz_flowscan/h2"
{ printf '\125\006'; printf 'B,A,F,internal,2015,10,1,2,3,4,5,6,7,8,9,10,11\n'; } \
    >"$work/corpus-fuzz_flowscan/h6"
{ printf '\001\020'; printf "2015;A;B;internal;F;10\n2015;'x;y';A;internal;M;5\n"; } \
    >"$work/corpus-fuzz_flowscan/d0"
i=0
for o in '\107\200' '\023\203' '\125\206' '\066\207' '\001\222' '\143\301'; do
    { printf "$o"; head -c 4096 "$root/tests/data/small/flows.csv"; } \
        >"$work/corpus-fuzz_flowscan/m$i"
    i=$((i + 1))
done
# The writers' input makes ids and names (see fuzz_writers.c): a few
# inputs whose bytes choose every insert in turn, and some test inputs.
mkdir -p "$work/corpus-fuzz_writers"
for i in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18; do
    awk -v i="$i" 'BEGIN { for (k = 0; k < 40; k++) printf "%c", (k % 3 == 2) ? 65 + (i + k) % 19 : 33 + (i * 7 + k) % 90 }' \
        >"$work/corpus-fuzz_writers/s$i"
done
seed fuzz_writers "$root"/tests/data/small/areas.csv

# A harness not built yet (the build was made for fewer) is built first,
# one at a time, before any runs.
for name in $harnesses; do
    if [ ! -x "$build/tests/fuzz/$name" ]; then
        cmake --build "$build" -j 2 --target "$name" >"$work/$name-build.log" 2>&1 || {
            echo "fuzz: $name cannot be built: see $work/$name-build.log" >&2
            exit 1
        }
    fi
done

status=0
run_one() {
    name=$1
    mkdir -p "$work/findings-$name"

    # The memory limit: libFuzzer's thread that watches the resident size,
    # except for fuzz_writers, which forks the workbook's writer child. A
    # child forked while that thread is inside the sanitizer's allocator
    # inherits the allocator's lock held, and hangs in its first malloc
    # (about 1 run in 30 of the seed corpus). There, each allocation is
    # capped instead, with no thread.
    limit=-rss_limit_mb=1024
    [ "$name" = fuzz_writers ] && limit="-rss_limit_mb=0 -malloc_limit_mb=1024"

    # Every earlier finding first: each must now pass.
    if [ -d "$root/tests/fuzz/regressions/$name" ]; then
        # shellcheck disable=SC2086 # limit is one or two options
        if ! "$build/tests/fuzz/$name" $limit "$root/tests/fuzz/regressions/$name"/* \
            >"$work/$name-regressions.log" 2>&1; then
            echo "fuzz: $name fails a regression: see $work/$name-regressions.log" >&2
            return 1
        fi
    fi
    # shellcheck disable=SC2086 # limit is one or two options
    if ! "$build/tests/fuzz/$name" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
        $limit -print_final_stats=1 -artifact_prefix="$work/findings-$name/" \
        "$work/corpus-$name" >"$work/$name.log" 2>&1; then
        echo "fuzz: $name found a problem: see $work/$name.log and $work/findings-$name/" >&2
        return 1
    fi
    # One write per harness, so that the two running at once do not mix.
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name.log" | tail -n 1)
    cov=$(grep -E 'cov: [0-9]+' "$work/$name.log" | tail -n 1 | sed 's/^.*\(cov: [0-9]*\).*\(ft: [0-9]*\).*$/\1 \2/')
    echo "fuzz: $name: $runs executions, $cov"
}
set -- $harnesses
while [ $# -gt 0 ]; do
    run_one "$1" &
    a=$!
    b=
    if [ $# -gt 1 ]; then
        run_one "$2" &
        b=$!
    fi
    wait "$a" || status=1
    [ -z "$b" ] || wait "$b" || status=1
    shift
    [ $# -gt 0 ] && shift
done
exit $status
