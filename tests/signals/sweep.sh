#!/bin/bash
# sweep.sh CITYMIG - every signal that ends a process by default, sent at
# several points of `report -o --hits` and of `indicators -o --hits`: the run exits
# 128 + the signal, the earlier outputs stay byte for byte (or, for a signal
# that lands after the rename, the outputs are the whole new ones), no
# temporary file and no process remain. Then SIGKILL: the writer child dies
# with its parent and removes its file; a temporary file a killed run left
# is removed by the next run in that directory.
#
# Points: "early" (while the dataset is read), "mid" (once the temporary
# file exists), "late" (report: the moment the writer child has ended, when
# the parent syncs and renames; indicators: once the temporary table has
# its full size). Each run is its own process group (job control), so that
# SIGINT and SIGQUIT are not ignored in it; "group" sends the signal to the
# whole group, as a terminal's Ctrl-C does.
set -u
set -m
bin=${1:?usage: sweep.sh CITYMIG}
signals="HUP INT QUIT PIPE ALRM TERM USR1 USR2 XCPU XFSZ"
work=$(mktemp -d "${TMPDIR:-/tmp}/citymig-sweep.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 99
export SOURCE_DATE_EPOCH=1
start=$(date +%s.%N)
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# Datasets that take about a second: report on r/, indicators on t/.
mkdir r t
awk 'BEGIN {
    print "area_id,year,population,foreign_born" > "r/areas.csv"
    for (i = 0; i < 1500; i++) for (y = 2011; y < 2016; y++)
        printf "A%06d,%d,%d,%d\n", i, y, 100000 + i, 1000 + i % 50000 > "r/areas.csv"
    print "area_id,year,population,foreign_born" > "t/areas.csv"
    for (i = 0; i < 6000; i++) for (y = 2011; y < 2016; y++)
        printf "A%06d,%d,%d,%d\n", i, y, 100000 + i, 1000 + i % 50000 > "t/areas.csv"
}'
mkdir out
# The whole new outputs, to recognise a signal that came after the rename.
"$bin" report r -o new.xlsx --hits new-rhits.csv -q || exit 99
"$bin" indicators t -o new.csv --hits new-hits.csv -q --threads 1 || exit 99
table_size=$(stat -c %s new.csv)
echo "earlier report" >earlier.xlsx
echo "earlier table" >earlier.csv
echo "earlier hits" >earlier-hits.csv

# Processes are found in /proc (no procps needed). has_child: whether the
# run's process ($pid_of_run) has a child; left: the processes still
# writing into out/ (the pattern is read from a file, so that grep itself
# does not match it).
has_child() {
    local f line rest
    for f in /proc/[0-9]*/stat; do
        { read -r line <"$f"; } 2>/dev/null || continue
        rest=${line##*) }
        set -- $rest
        [ "$2" = "$pid_of_run" ] && return 0
    done
    return 1
}
printf '%s\n' "$work/out/" >pattern
left() {
    grep -laF -f pattern /proc/[0-9]*/cmdline 2>/dev/null
}

# Waits (up to 5 s) until the command in $1 succeeds.
wait_for() {
    for _ in $(seq 1 500); do
        eval "$1" && return 0
        sleep 0.01
    done
    return 1
}

# No temporary file in out/, and no process of this sweep's outputs left.
# (A writer child whose parent was killed takes a moment to see it.)
check_clean() {
    local what=$1
    if ! wait_for '[ -z "$(left)" ]'; then
        fail "$what: processes left: $(left)"
    fi
    if ls out/*.tmp-* >/dev/null 2>&1; then
        fail "$what: temporary files left: $(ls out)"
        rm -f out/*.tmp-*
    fi
}

# run COMMAND SIGNAL POINT
run() {
    local cmd=$1 sig=$2 point=$3 pid target=0
    local num
    num=$(kill -l "$sig")
    cp earlier.xlsx out/r.xlsx
    cp earlier.csv out/t.csv
    cp earlier-hits.csv out/h.csv
    cp earlier-hits.csv out/rh.csv
    if [ "$cmd" = report ]; then
        "$bin" report r -o "$work/out/r.xlsx" --hits "$work/out/rh.csv" -q 2>err &
    else
        "$bin" indicators t -o "$work/out/t.csv" --hits "$work/out/h.csv" -q --threads 1 2>err &
    fi
    pid=$!
    pid_of_run=$pid
    case $point in
    early) sleep 0.05 ;;
    mid | group) wait_for "ls out/*.tmp-* >/dev/null 2>&1" && sleep 0.05 ;;
    late)
        if [ "$cmd" = report ]; then
            # The writer child ends; the parent then syncs and renames.
            wait_for has_child
            wait_for "! has_child"
        else
            wait_for "[ \"\$(stat -c %s out/t.csv.tmp-* 2>/dev/null)\" = $table_size ]"
        fi
        ;;
    esac
    if [ "$point" = group ]; then
        kill -s "$sig" -- -"$pid" 2>/dev/null
    else
        kill -s "$sig" "$pid" 2>/dev/null
    fi
    wait "$pid"
    local code=$? what="$cmd $sig $point"
    local old=1 new=1
    if [ "$cmd" = report ]; then
        cmp -s out/r.xlsx earlier.xlsx && cmp -s out/rh.csv earlier-hits.csv || old=0
        cmp -s out/r.xlsx new.xlsx && cmp -s out/rh.csv new-rhits.csv || new=0
    else
        cmp -s out/t.csv earlier.csv && cmp -s out/h.csv earlier-hits.csv || old=0
        cmp -s out/t.csv new.csv && cmp -s out/h.csv new-hits.csv || new=0
    fi
    if [ "$point" = late ] && [ "$new" = 1 ] && { [ "$code" = 0 ] || [ "$code" = $((128 + num)) ]; }; then
        : # the signal came after the outputs were renamed into place
    elif [ "$point" != early ] && [ "$new" = 1 ] && [ "$code" = 0 ]; then
        missed=$((missed + 1)) # a loaded machine: the run ended first
        echo "missed: $what (the run ended before the signal)"
    elif [ "$code" != $((128 + num)) ]; then
        fail "$what: exit $code, expected $((128 + num)) ($(head -c 300 err))"
    elif [ "$old" != 1 ]; then
        fail "$what: the earlier outputs changed"
    fi
    check_clean "$what"
    runs=$((runs + 1))
}

runs=0
missed=0
for sig in $signals; do
    for point in early mid late; do
        run report "$sig" "$point"
        run indicators "$sig" "$point"
    done
done
for sig in INT TERM HUP; do
    run report "$sig" group
done

# SIGKILL, which nothing can catch.
cp earlier.xlsx out/r.xlsx
"$bin" report r -o "$work/out/r.xlsx" -q 2>err &
pid=$!
pid_of_run=$pid
wait_for "ls out/*.tmp-* >/dev/null 2>&1 && has_child" && sleep 0.05
kill -s KILL "$pid"
wait "$pid"
code=$?
[ "$code" = 137 ] || fail "report KILL: exit $code"
cmp -s out/r.xlsx earlier.xlsx || fail "report KILL: the earlier report changed"
# The writer child dies with its parent and removes its file.
check_clean "report KILL"

cp earlier.csv out/t.csv
"$bin" indicators t -o "$work/out/t.csv" -q --threads 1 2>err &
pid=$!
wait_for "ls out/t.csv.tmp-* >/dev/null 2>&1" && sleep 0.05
kill -s KILL "$pid"
wait "$pid"
stale=$(ls out/t.csv.tmp-* 2>/dev/null)
[ -n "$stale" ] || fail "indicators KILL: no temporary file to remove (too fast?)"
case $stale in *".tmp-$pid-"*) ;; *) fail "indicators KILL: '$stale' does not carry pid $pid" ;; esac
cmp -s out/t.csv earlier.csv || fail "indicators KILL: the earlier table changed"
# The next run writing in out/ removes it.
"$bin" indicators t -o "$work/out/h2.csv" -q --threads 1 2>err || fail "the next run failed"
[ -n "$stale" ] && [ -e "$stale" ] && fail "the next run left the stale '$stale'"
check_clean "after KILL"

# A few runs may end before their signal on a loaded machine; most must not.
[ "$missed" -le $((runs / 10)) ] || fail "$missed of $runs runs ended before their signal"
end=$(date +%s.%N)
awk -v r="$runs" -v s="$start" -v e="$end" -v f="$failures" \
    'BEGIN { printf "sweep: %d runs and 2 SIGKILL runs in %.1f s, %d failures\n", r, e - s, f }'
[ "$failures" = 0 ]
