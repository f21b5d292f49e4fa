#!/bin/sh
# run.sh - the whole test suite, as CI runs it: installs missing packages,
# builds with warnings as errors and runs every unit and end-to-end test,
# then builds and runs them all again under AddressSanitizer and
# UndefinedBehaviorSanitizer, then checks the formatting.
set -eu
cd "$(dirname "$0")/.."
sh tests/deps.sh
jobs=$(nproc 2>/dev/null || echo 2)

echo "== release build, warnings as errors"
cmake -S . -B build-check -DCMAKE_BUILD_TYPE=Release -DCITYMIG_WERROR=ON >/dev/null
cmake --build build-check -j "$jobs"
ctest --test-dir build-check -j "$jobs" --output-on-failure

echo "== Debian package"
sh tests/package-test.sh build-check

echo "== ASan + UBSan build"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Asan -DCITYMIG_WERROR=ON >/dev/null
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan -j "$jobs" --output-on-failure

echo "== formatting"
sh tests/check-format.sh
