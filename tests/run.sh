#!/bin/sh
# run.sh - the whole test suite, as CI runs it: installs missing packages,
# builds with warnings as errors and runs every unit and end-to-end test,
# runs them again under a German locale (decimal comma), checks the Debian
# package, builds and runs them all under AddressSanitizer and
# UndefinedBehaviorSanitizer and under valgrind memcheck, fails every
# allocation of a report in turn, runs each fuzz harness briefly, checks
# the formatting, and runs the README's two commands on a fresh minimal
# Debian (tests/fresh-machine.sh; as root only, a plain user's run skips it
# and says why).
#
# CITYMIG_QUICK=1 skips the slow stages (valgrind, the allocation sweep,
# fuzzing, the fresh machine) for a quick check while working; CI runs
# everything.
set -eu
cd "$(dirname "$0")/.."
sh tests/deps.sh test
jobs=$(nproc 2>/dev/null || echo 2)
quick=${CITYMIG_QUICK:-0}

echo "== release build, warnings as errors"
cmake -S . -B build-check -DCMAKE_BUILD_TYPE=Release -DCITYMIG_WERROR=ON -DCITYMIG_TESTS=ON >/dev/null
cmake --build build-check -j "$jobs"
ctest --test-dir build-check -j "$jobs" --output-on-failure

echo "== the suite under de_DE.UTF-8 (decimal comma)"
# Compiled into the build's own folder, not into the system's locales.
LOCPATH=$(pwd)/build-check/locale
export LOCPATH
sh tests/locale-de.sh "$LOCPATH"
LC_ALL=de_DE.UTF-8 CITYMIG_TEST_LOCALE=de_DE.UTF-8 \
    ctest --test-dir build-check -j "$jobs" --output-on-failure

echo "== Debian package"
sh tests/package-test.sh build-check

echo "== ASan + UBSan build"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Asan -DCITYMIG_WERROR=ON -DCITYMIG_TESTS=ON >/dev/null
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan -j "$jobs" --output-on-failure

if [ "$quick" != 1 ]; then
    echo "== valgrind memcheck: every unit test and case"
    sh tests/valgrind/run.sh build-check

    echo "== allocation failure: each allocation of a report in turn, then of the long table"
    sh tests/fault/alloc-sweep.sh build-check/citymig build-check/tests/libfailmalloc.so 1
    sh tests/fault/alloc-sweep.sh build-check/citymig build-check/tests/libfailmalloc.so 1 indicators

    echo "== fuzzing: each harness briefly (clang, libFuzzer)"
    cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCITYMIG_FUZZ=ON -DCITYMIG_WERROR=ON -DCITYMIG_TESTS=ON >/dev/null
    cmake --build build-fuzz -j "$jobs" --target fuzz_csv fuzz_loader fuzz_rules fuzz_files fuzz_flowscan fuzz_writers
    sh tests/fuzz/run.sh build-fuzz 15
fi

echo "== formatting"
sh tests/check-format.sh

if [ "$quick" != 1 ]; then
    echo "== a fresh machine: the README's two commands as written, on a minimal Debian"
    code=0
    sh tests/fresh-machine.sh build-check/fresh-machine || code=$?
    [ "$code" = 0 ] || [ "$code" = 77 ] || exit "$code"
fi
