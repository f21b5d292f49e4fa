#!/bin/sh
# fresh-machine.sh LOGDIR - the README's two commands, verbatim, on a fresh
# minimal Debian bookworm, as a new user would run them.
#
# Makes a minimal root with debootstrap (--variant=minbase; its tarball is
# cached for a week in $CITYMIG_FRESH_CACHE, by default ~/.cache/citymig),
# clones this repository into it, and runs the two commands read from the
# README (between its "first command" and "second command" markers), each
# in a clean environment (env -i with HOME and PATH only):
#
#   1. a fresh root, as a plain user (no sudo): the first command must exit
#      77 and print the command to run as root; that printed command is run
#      as root, and the first command then run again as the plain user must
#      write report.xlsx;
#   2. another fresh root, as root: the first command writes report.xlsx and
#      the second exits 0; then, the packages being in, both commands again
#      as a plain user in a clone of their own.
#
# Each step's output is in LOGDIR; the last lines of a failed one are
# printed. Downloaded packages are kept beside the cached tarball (they are
# still installed afresh in every root). Mounts live in a private mount
# namespace and every process in a PID namespace of its own, so nothing is
# left mounted or running, and the roots are removed at the end.
# CITYMIG_FRESH_MIRROR names another Debian mirror for debootstrap.
#
# Exit status: 0 all steps passed; 1 a step failed; 77 skipped (the reason
# on standard output: not root, no debootstrap, not a git repository, or
# already inside such a root), except under CI=true, where a skip fails
# (the roots' own suites run with env -i, so they may skip).
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
logs=$1
skip() {
    echo "fresh machine: skipped: $*"
    if [ "${CI:-}" = true ]; then
        echo "fresh machine: it cannot be skipped in CI" >&2
        exit 1
    fi
    exit 77
}
marker=/etc/citymig-fresh-machine
[ ! -e "$marker" ] || skip "this is a fresh-machine root already"
[ "$(id -u)" = 0 ] || skip "making a root needs root (debootstrap, chroot)"
for tool in debootstrap git unshare chroot tar; do
    command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed (sh tests/deps.sh test)"
done
git -C "$src" rev-parse --git-dir >/dev/null 2>&1 || skip "$src is not a git repository to clone"

readme_command() {
    awk -v marker="<!-- $1 command:" '
        index($0, marker) == 1 { found = 1; next }
        found && /^```sh$/ { inside = 1; next }
        inside && /^```$/ { exit }
        inside { print }' "$src/README.md"
}
first=$(readme_command first)
second=$(readme_command second)
if [ -z "$first" ] || [ -z "$second" ]; then
    echo "fresh machine: README.md has no first or second command between its markers" >&2
    exit 1
fi

mkdir -p "$logs"
logs=$(cd "$logs" && pwd)
arch=$(dpkg --print-architecture)
if [ -n "${CITYMIG_FRESH_CACHE:-}" ]; then
    cache=$CITYMIG_FRESH_CACHE
elif [ -n "${XDG_CACHE_HOME:-}" ] || [ -n "${HOME:-}" ]; then
    cache=${XDG_CACHE_HOME:-$HOME/.cache}/citymig
else
    cache=/var/cache/citymig
fi
base=$cache/bookworm-minbase-$arch.tar
debs=$cache/debs-$arch
mkdir -p "$cache"
work=$(mktemp -d "${TMPDIR:-/tmp}/citymig-fresh.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
started=$(date +%s)

echo "fresh machine: commit $(git -C "$src" rev-parse --short HEAD)"
[ -z "$(git -C "$src" status --porcelain --untracked-files=no)" ] ||
    echo "fresh machine: the work tree has uncommitted changes; the clone has only the commit"
echo "fresh machine: first command:  $first"
echo "fresh machine: second command: $second"

# step NAME COMMAND...: runs a step with its output in LOGDIR/NAME.log,
# and says how it went and how long it took.
step() {
    name=$1
    shift
    t0=$(date +%s)
    code=0
    "$@" >"$logs/$name.log" 2>&1 || code=$?
    echo "fresh machine: $name: exit $code, $(($(date +%s) - t0)) s"
    return $code
}
fail() {
    echo "fresh machine: FAILED: $*" >&2
    [ -f "$logs/$name.log" ] && tail -n 40 "$logs/$name.log" | sed 's/^/    /' >&2
    exit 1
}

if [ ! -f "$base" ] || [ -n "$(find "$base" -mtime +6)" ]; then
    rm -rf "$debs"
    # shellcheck disable=SC2086
    step debootstrap debootstrap --variant=minbase bookworm "$work/base" ${CITYMIG_FRESH_MIRROR:-} ||
        fail "debootstrap could not make a minimal bookworm root"
    tar -C "$work/base" -cf "$base.new" . && mv "$base.new" "$base"
    rm -rf "$work/base"
fi
mkdir -p "$debs/partial"

# ids ROOT USER: USER's uid:gid in ROOT.
ids() {
    awk -F: -v u="$2" '$1 == u { print $3 ":" $4 }' "$1/etc/passwd"
}

# new_root NAME: a fresh root from the tarball, with a plain user "analyst"
# and a clone of the repository in root's and in analyst's home.
new_root() {
    r=$work/$1
    mkdir "$r" &&
        tar -C "$r" -xf "$base" &&
        cp /etc/resolv.conf "$r/etc/resolv.conf" &&
        echo "a root made by citymig's tests/fresh-machine.sh" >"$r$marker" &&
        chroot "$r" /usr/sbin/useradd --create-home --shell /bin/sh analyst &&
        git clone -q "$src" "$r/root/citymig" &&
        git clone -q "$src" "$r/home/analyst/citymig" &&
        chown -R "$(ids "$r" analyst)" "$r/home/analyst/citymig"
}

# in_root NAME USER COMMAND: runs COMMAND with sh in the clone in USER's
# home, in a clean environment, with /proc, /dev, /sys and a fresh /dev/shm
# mounted in a private namespace.
in_root() {
    r=$work/$1
    if [ "$2" = root ]; then
        spec=0:0 home=/root path=/usr/sbin:/usr/bin:/sbin:/bin
    else
        spec=$(ids "$r" "$2") home=/home/$2 path=/usr/local/bin:/usr/bin:/bin
    fi
    unshare --mount --pid --fork --kill-child sh -c '
        set -e
        r=$1 debs=$2 spec=$3 home=$4 path=$5 command=$6
        mount -t proc proc "$r/proc"
        mount --rbind /dev "$r/dev"
        mount -t tmpfs -o mode=1777 tmpfs "$r/dev/shm"
        mount -t sysfs sysfs "$r/sys"
        mount --bind "$debs" "$r/var/cache/apt/archives"
        exec chroot --userspec="$spec" --groups= "$r" \
            env -i HOME="$home" PATH="$path" sh -c "cd \"\$HOME/citymig\" && $command"
    ' sh "$r" "$debs" "$spec" "$home" "$path" "$3" </dev/null
}

# first_writes_report NAME USER: the first command, as USER in root NAME,
# passes and writes report.xlsx (a zip) in USER's clone.
first_writes_report() {
    clone=$work/$1/home/$2/citymig
    [ "$2" != root ] || clone=$work/$1/root/citymig
    step "$1-$2-first" in_root "$1" "$2" "$first" || fail "the first command failed as $2"
    [ "$(head -c 2 "$clone/report.xlsx" 2>/dev/null)" = PK ] &&
        grep -q "^citymig: wrote report.xlsx" "$logs/$1-$2-first.log" ||
        fail "the first command as $2 wrote no report.xlsx"
}

# 1. A plain user on a fresh root: told what to run as root; then, once it
#    has run, the first command passes.
step r1-make new_root r1 || fail "could not make the root"
code=0
step r1-analyst-missing in_root r1 analyst "$first" || code=$?
[ "$code" = 77 ] || fail "the first command as a plain user exited $code, not 77"
asroot=$(awk '/as root, run:$/ { getline; sub(/^ +/, ""); print; exit }' "$logs/r1-analyst-missing.log")
[ -n "$asroot" ] || fail "the first command as a plain user did not say what to run as root"
echo "fresh machine: it says to run as root: $asroot"
step r1-root-told in_root r1 root "$asroot" || fail "the command it printed failed as root"
first_writes_report r1 analyst
rm -rf "$work/r1"

# 2. Root on a fresh root: both commands; then a plain user, the packages
#    being in.
step r2-make new_root r2 || fail "could not make the root"
first_writes_report r2 root
step r2-root-second in_root r2 root "$second" || fail "the second command failed as root"
first_writes_report r2 analyst
step r2-analyst-second in_root r2 analyst "$second" || fail "the second command failed as analyst"
for who in root analyst; do
    grep -h "skipped" "$logs/r2-$who-second.log" | sed "s/^/fresh machine: the suite as $who said: /" || true
done

echo "fresh machine: all steps passed in $(($(date +%s) - started)) s"
