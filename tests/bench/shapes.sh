#!/bin/sh
# shapes.sh BUILD_DIR [SCRATCH_DIR] [RUNS] - the benchmark over every input
# shape, in one run.
#
# Generates once, with fixed seeds, and keeps in SCRATCH_DIR (tests/bench/
# gen_flows, gen_shapes):
#   flows1m flows5m flows10m flows30m  the standard flows (gen_flows: one
#              year, 5,000 destinations, 20,000 origins) and their areas
#   places     10M flow rows over 200,000 destinations and 1,000,000
#              origins, gen_flows' style, and the destinations' areas
#   areas100k areas200k  areas.csv alone, every column, 100,000 and
#              200,000 areas x 5 years (200 countries, the rest cities)
#   stocks1m stocks5m    stocks.csv of 1M and 5M rows (200 origins, 2
#              years, T = F + M) and the areas of the stocks
# then times RUNS rounds (default 5; 3 with SHAPES_SMALL). Each round runs
# every job once, in the same order, so that a slow spell of the machine
# falls on every job alike:
#   csv_baseline   libcsv alone parsing flows.csv on one core (standard
#                  1M, 10M, 30M): the floor
#   indicators-t1, indicators-t2  citymig indicators DIR -o table.csv with
#                  --threads 1 and 2 (standard flows: 2 only, but 5M both,
#                  for the stocks comparison)
#   report         citymig report DIR -o report.xlsx, --threads 2
#   xlsx_baseline  libxlsxwriter alone writing the cell mix of that shape's
#                  report (how many cells, how many text, their length)
#   pandas         pandas + XlsxWriter, tuned (pandas_flows.py), standard
#                  1M and 10M, when Debian's python3 imports both
#   duckdb         DuckDB (@duckdb/node-api, installed by npm into
#                  SCRATCH_DIR/node once) summing inflow, outflow and net by
#                  area, year and kind to a CSV (duckdb_flows.mjs), standard
#                  10M and places, when node is installed
# and prints one table (job, shape, rows of the shape's main file, median
# seconds, the largest peak RSS of the rounds, from tests/peak_rss), then
# the ratios the targets are stated in. SHAPES_SMALL=1 in the environment
# divides every size by 100, the standard flows' places too (written by
# gen_shapes then), kept apart in SCRATCH_DIR/small: a check of the script,
# in under a minute. SHAPES="stocks1m stocks5m flows5m" (say) runs only
# those shapes. Needs about 9 GB of scratch space at full size: 3 GB of
# inputs, and long tables of up to 5 GB (every area gets its rows). Not a
# test: it reports figures, it does not judge them.
set -eu
usage="usage: shapes.sh BUILD_DIR [SCRATCH_DIR] [RUNS]"
build=${1:?$usage}
scratch=${2:-${TMPDIR:-/tmp}/citymig-shapes}
runs=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
div=1
data=$scratch
case ${SHAPES_SMALL:-0} in
0 | '') ;;
*)
    div=100
    data=$scratch/small
    runs=${runs:-3}
    ;;
esac
runs=${runs:-5}
case $runs in
*[!0-9]* | 0)
    echo "shapes.sh: RUNS must be a positive number" >&2
    exit 2
    ;;
esac
out=$data/out
mkdir -p "$out"
all="flows1m flows5m flows10m flows30m places areas100k areas200k stocks1m stocks5m"
# SHAPES: some of them, in the order above (the ratios need their pairs:
# stocks5m with flows5m, for one).
shapes=
for s in $all; do
    case " ${SHAPES:-$all} " in
    *" $s "*) shapes="$shapes $s" ;;
    esac
done
for s in ${SHAPES:-}; do
    case " $all " in
    *" $s "*) ;;
    *)
        echo "shapes.sh: no shape $s in SHAPES (the shapes: $all)" >&2
        exit 2
        ;;
    esac
done
[ -n "$shapes" ] || {
    echo "shapes.sh: SHAPES names no shape (the shapes: $all)" >&2
    exit 2
}

# wanted NAME: whether the run covers shape NAME.
wanted() {
    case " $shapes " in
    *" $1 "*) return 0 ;;
    esac
    return 1
}

# size N: N at the chosen scale.
size() {
    echo $(($1 / div))
}

# dataset NAME TOOL ARGS...: generates $data/NAME with tests/TOOL ARGS...,
# where the argument DIR stands for the folder, unless it was generated
# with the same arguments already or the run does not cover it.
dataset() {
    wanted "$1" || return 0
    dir=$data/$1
    shift
    want=$*
    if [ -f "$dir/.generated" ] && [ "$(cat "$dir/.generated")" = "$want" ]; then
        return 0
    fi
    mkdir -p "$dir"
    rm -f "$dir/.generated" "$dir/flows.csv" "$dir/areas.csv" "$dir/stocks.csv"
    tool=$1
    shift
    n=$#
    while [ "$n" -gt 0 ]; do
        a=$1
        shift
        [ "$a" = DIR ] && a=$dir
        set -- "$@" "$a"
        n=$((n - 1))
    done
    echo "generating $dir: $want" >&2
    "$build/tests/$tool" "$@"
    echo "$want" >"$dir/.generated"
}

# standard NAME ROWS: the standard flows. gen_flows' places are fixed, so at
# the small scale gen_shapes writes them, in the same style, over 50
# destinations and 200 origins.
standard() {
    if [ "$div" = 1 ]; then
        dataset "$1" gen_flows "$2" DIR
    else
        dataset "$1" gen_shapes places "$(size "$2")" DIR 50 200
    fi
}
standard flows1m 1000000
standard flows5m 5000000
standard flows10m 10000000
standard flows30m 30000000
dataset places gen_shapes places "$(size 10000000)" DIR "$(size 200000)" "$(size 1000000)"
dataset areas100k gen_shapes areas "$(size 100000)" 5 DIR
dataset areas200k gen_shapes areas "$(size 200000)" 5 DIR
dataset stocks1m gen_shapes stocks "$(size 1000000)" DIR
dataset stocks5m gen_shapes stocks "$(size 5000000)" DIR

# Debian's python3, where the Debian packages are.
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
have_pandas=no
if "$py" -c 'import pandas, xlsxwriter' 2>/dev/null; then
    have_pandas=yes
fi

# DuckDB through node: installed once into $scratch/node.
have_duckdb=no
nodedir=$scratch/node
if ! command -v node >/dev/null 2>&1; then
    duckdb_why="node is not installed"
elif [ -d "$nodedir/node_modules/@duckdb/node-api" ]; then
    have_duckdb=yes
elif ! command -v npm >/dev/null 2>&1; then
    duckdb_why="npm is not installed"
else
    mkdir -p "$nodedir"
    echo "installing @duckdb/node-api into $nodedir" >&2
    if npm install --prefix "$nodedir" --no-audit --no-fund @duckdb/node-api \
        >"$nodedir/npm.log" 2>&1; then
        have_duckdb=yes
    else
        duckdb_why="npm install @duckdb/node-api failed: $(tail -n 1 "$nodedir/npm.log")"
    fi
fi
if [ "$have_duckdb" = yes ] &&
    ! node "$here/duckdb_flows.mjs" "$nodedir" "$data/flows1m/flows.csv" "$out/duckdb.csv" \
        2>"$out/duckdb.err"; then
    have_duckdb=no
    duckdb_why="duckdb_flows.mjs failed: $(tail -n 1 "$out/duckdb.err")"
fi
[ "$have_duckdb" = yes ] || echo "DuckDB not measured: $duckdb_why" >&2

# The cells of a workbook: how many, how many text, their mean length.
cells() {
    "$py" "$here/cells.py" "$1"
}

# Before the rounds: each shape's main file and rows, and its report's cell
# mix (the first report also warms the page cache).
for s in $shapes; do
    d=$data/$s
    case $s in
    flows* | places) main=flows.csv ;;
    areas*) main=areas.csv ;;
    stocks*) main=stocks.csv ;;
    esac
    echo $(($(wc -l <"$d/$main") - 1)) >"$out/rows.$s"
    "$build/citymig" report "$d" -q --threads 2 -o "$out/report.xlsx"
    cells "$out/report.xlsx" >"$out/mix.$s"
done

# job NAME SHAPE COMMAND...: runs COMMAND once under peak_rss and appends
# "NAME SHAPE SECONDS MB" to the round's times; a failing command ends the
# benchmark, with its messages.
job() {
    name=$1
    shape=$2
    shift 2
    # One output of each kind on the disk at a time.
    rm -f "$out/table.csv" "$out/report.xlsx"
    if ! "$build/tests/peak_rss" "$@" >/dev/null 2>"$out/job.err"; then
        echo "shapes.sh: $name over $shape failed: $*" >&2
        cat "$out/job.err" >&2
        exit 1
    fi
    tail -n 1 "$out/job.err" | awk -v n="$name" -v s="$shape" '{ print n, s, $2, $6 }' \
        >>"$out/times"
}

# One round: every job once, always in this order.
round() {
    for s in $shapes; do
        d=$data/$s
        case $s in
        flows1m | flows10m | flows30m)
            job csv_baseline "$s" "$build/tests/csv_baseline" "$d/flows.csv"
            ;;
        *)
            job indicators-t1 "$s" "$build/citymig" indicators "$d" -q --threads 1 \
                -o "$out/table.csv"
            ;;
        esac
        job indicators-t2 "$s" "$build/citymig" indicators "$d" -q --threads 2 -o "$out/table.csv"
        job report "$s" "$build/citymig" report "$d" -q --threads 2 -o "$out/report.xlsx"
        # shellcheck disable=SC2046 # the mix is three numbers
        job xlsx_baseline "$s" "$build/tests/xlsx_baseline" $(cat "$out/mix.$s") "$out/bare.xlsx"
        case $s in
        flows1m | flows10m)
            if [ "$have_pandas" = yes ]; then
                job pandas "$s" "$py" "$here/pandas_flows.py" "$d/flows.csv" "$out/pandas.xlsx"
            fi
            ;;
        esac
        case $s in
        flows10m | places)
            if [ "$have_duckdb" = yes ]; then
                job duckdb "$s" node "$here/duckdb_flows.mjs" "$nodedir" "$d/flows.csv" \
                    "$out/duckdb.csv"
            fi
            ;;
        esac
    done
}

: >"$out/times"
r=1
while [ "$r" -le "$runs" ]; do
    echo "round $r of $runs" >&2
    round
    r=$((r + 1))
done

# The medians and the largest peaks, in the order of the jobs, with the
# shapes' rows.
for s in $shapes; do
    echo "rows $s $(cat "$out/rows.$s")"
done >"$out/rows"
awk 'FNR == NR { rows[$2] = $3; next }
     {
         k = $1 " " $2
         if (!(k in n)) { order[++keys] = k }
         t[k, ++n[k]] = $3
         if ($4 > m[k]) m[k] = $4
     }
     END {
         for (i = 1; i <= keys; i++) {
             k = order[i]
             c = n[k]
             for (a = 2; a <= c; a++)          # insertion sort of the times
                 for (b = a; b > 1 && t[k, b - 1] > t[k, b]; b--) {
                     x = t[k, b]; t[k, b] = t[k, b - 1]; t[k, b - 1] = x
                 }
             split(k, f, " ")
             print f[1], f[2], rows[f[2]], t[k, int((c + 1) / 2)], m[k]
         }
     }' "$out/rows" "$out/times" >"$out/results"

printf '%-14s %-10s %9s %9s %9s\n' job shape rows "median s" "peak MB"
awk '{ printf "%-14s %-10s %9d %9.3f %9.1f\n", $1, $2, $3, $4, $5 }' "$out/results"
echo "($runs rounds; median seconds, largest peak RSS of the rounds)"

# The ratios the targets are stated in, for the shapes the run covers.
awk -v small="$div" -v pandas="$have_pandas" -v duckdb="$have_duckdb" \
    -v duckdb_why="${duckdb_why:-}" -v mix100k="$(cat "$out/mix.areas100k" 2>/dev/null || true)" '
    { t[$1, $2] = $4; m[$1, $2] = $5; have[$1, $2] = 1 }
    function r(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "n/a" }
    # The largest peak of citymig over a shape.
    function peak(s,   x) {
        x = m["indicators-t2", s]
        if (m["indicators-t1", s] > x) x = m["indicators-t1", s]
        if (m["report", s] > x) x = m["report", s]
        return x
    }
    END {
        if (small != 1)
            print "SHAPES_SMALL: every size divided by " small "; the targets are for the full sizes"
        if (have["indicators-t2", "places"]) {
        print "places (10M rows, 200,000 destinations, 1,000,000 origins):"
        printf "  indicators places / standard 10M, --threads 2 = %s (target <= 3); --threads 1: places %.3f s\n",
               r(t["indicators-t2", "places"], t["indicators-t2", "flows10m"]), t["indicators-t1", "places"]
        printf "  peak RSS %.1f MB (target <= 300); indicators %.1f MB, report %.1f MB\n",
               peak("places"), m["indicators-t2", "places"], m["report", "places"]
        printf "  threads: indicators --threads 1 / --threads 2 = %s\n",
               r(t["indicators-t1", "places"], t["indicators-t2", "places"])
        }
        if (have["indicators-t2", "areas100k"] || have["indicators-t2", "areas200k"]) {
        print "areas (every column, 5 years):"
        printf "  indicators 100k x 5: --threads 1 %.3f s, --threads 2 %.3f s (target <= 4 s)\n",
               t["indicators-t1", "areas100k"], t["indicators-t2", "areas100k"]
        split(mix100k, x, " ")
        printf "  workbook 100k x 5: report / xlsx_baseline of %d cells (%d text, %d bytes each) = %s (target <= 1.2); (report - indicators) / xlsx_baseline = %s\n",
               x[1], x[2], x[3], r(t["report", "areas100k"], t["xlsx_baseline", "areas100k"]),
               r(t["report", "areas100k"] - t["indicators-t2", "areas100k"], t["xlsx_baseline", "areas100k"])
        printf "  workbook 200k x 5: report / xlsx_baseline = %s\n",
               r(t["report", "areas200k"], t["xlsx_baseline", "areas200k"])
        printf "  peak RSS 100k %.1f MB, 200k %.1f MB (target <= 256); 200k / 100k = %s (target <= 1.2)\n",
               peak("areas100k"), peak("areas200k"), r(peak("areas200k"), peak("areas100k"))
        printf "  threads: indicators --threads 1 / --threads 2 = %s (100k), %s (200k)\n",
               r(t["indicators-t1", "areas100k"], t["indicators-t2", "areas100k"]),
               r(t["indicators-t1", "areas200k"], t["indicators-t2", "areas200k"])
        }
        if (have["indicators-t2", "stocks1m"] || have["indicators-t2", "stocks5m"]) {
        print "stocks (200 origins, 2 years, T, F, M):"
        printf "  indicators stocks 5M / standard flows 5M = %s with --threads 1, %s with --threads 2 (target <= 2)\n",
               r(t["indicators-t1", "stocks5m"], t["indicators-t1", "flows5m"]),
               r(t["indicators-t2", "stocks5m"], t["indicators-t2", "flows5m"])
        printf "  peak RSS 5M %.1f MB, 1M %.1f MB; 5M / 1M = %s (target <= 1.2)\n",
               peak("stocks5m"), peak("stocks1m"), r(peak("stocks5m"), peak("stocks1m"))
        printf "  threads: indicators --threads 1 / --threads 2 = %s (1M), %s (5M)\n",
               r(t["indicators-t1", "stocks1m"], t["indicators-t2", "stocks1m"]),
               r(t["indicators-t1", "stocks5m"], t["indicators-t2", "stocks5m"])
        }
        if (have["csv_baseline", "flows1m"] || have["csv_baseline", "flows10m"] || have["csv_baseline", "flows30m"]) {
        print "standard flows (5,000 destinations, 20,000 origins):"
        printf "  indicators / csv_baseline = %s at 10M (target <= 0.75, stretch 0.5); %s at 1M, %s at 30M\n",
               r(t["indicators-t2", "flows10m"], t["csv_baseline", "flows10m"]),
               r(t["indicators-t2", "flows1m"], t["csv_baseline", "flows1m"]),
               r(t["indicators-t2", "flows30m"], t["csv_baseline", "flows30m"])
        printf "  peak RSS %.1f MB at 1M, %.1f MB at 10M, %.1f MB at 30M\n",
               peak("flows1m"), peak("flows10m"), peak("flows30m")
        printf "  workbook 10M: (report - indicators) / xlsx_baseline = %s\n",
               r(t["report", "flows10m"] - t["indicators-t2", "flows10m"], t["xlsx_baseline", "flows10m"])
        }
        if (have["report", "flows1m"] || have["report", "flows10m"] || have["indicators-t2", "places"]) {
        print "peers:"
        if (pandas == "yes")
            printf "  pandas / report = %s at 1M (target > 1), %s at 10M (target >= 4)\n",
                   r(t["pandas", "flows1m"], t["report", "flows1m"]),
                   r(t["pandas", "flows10m"], t["report", "flows10m"])
        else
            print "  pandas not measured: /usr/bin/python3 cannot import pandas and xlsxwriter (python3-pandas, python3-xlsxwriter)"
        if (duckdb == "yes")
            printf "  duckdb / indicators --threads 2 = %s at standard 10M, %s at places (DuckDB on 2 threads; peak %.1f MB, %.1f MB)\n",
                   r(t["duckdb", "flows10m"], t["indicators-t2", "flows10m"]),
                   r(t["duckdb", "places"], t["indicators-t2", "places"]),
                   m["duckdb", "flows10m"], m["duckdb", "places"]
        else
            print "  DuckDB not measured: " duckdb_why
        }
    }' "$out/results"
