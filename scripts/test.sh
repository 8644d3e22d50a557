#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs what is missing, builds Jalon — RelWithDebInfo, Debug with AddressSanitizer
# and UndefinedBehaviorSanitizer, Release with gcc and with clang — and runs every test
# in each of these builds, the unit tests once more under valgrind; builds the Debug and
# MinSizeRel types too (not tested); and builds and runs the example host program
# against an installed copy (found through pkg-config and through the CMake package).
# Every build is made with -Werror (JALON_WERROR=ON): no warning, in any of them.
# Usage: scripts/test.sh   (from anywhere; build trees go to build/, build-asan/,
#        build-release/, build-clang/, build-debug/ and build-minsizerel/)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc 2>/dev/null || echo 2)

# configure DIR OPTION…: a build tree of Jalon, warnings as errors.
configure() {
    dir=$1
    shift
    cmake -S . -B "$dir" -DJALON_WERROR=ON "$@" >/dev/null
}

sh scripts/install-deps.sh

echo "== Lua scripts and plug-ins (luacheck)"
luacheck --codes -- scripts plugins examples   # .luacheckrc: the sandbox

echo "== build"
configure build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j "$jobs"
cmake --build build -j "$jobs" --target bench_scripts bench_dashboard   # built, not run
echo "== tests"
ctest --test-dir build --output-on-failure -j "$jobs"

echo "== tests under AddressSanitizer and UndefinedBehaviorSanitizer"
configure build-asan -DCMAKE_BUILD_TYPE=Debug -DJALON_SANITIZE=ON
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -j "$jobs"

echo "== Release build and tests, with gcc and with clang"
for cc in gcc clang; do
    dir=build-release
    [ "$cc" = gcc ] || dir=build-$cc
    configure "$dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER="$cc"
    cmake --build "$dir" -j "$jobs"
    cmake --build "$dir" -j "$jobs" --target bench_scripts bench_dashboard
    ctest --test-dir "$dir" --output-on-failure -j "$jobs"
done

echo "== Debug and MinSizeRel builds with gcc (built, not tested)"
for type in Debug MinSizeRel; do
    dir=build-$(echo "$type" | tr '[:upper:]' '[:lower:]')
    configure "$dir" -DCMAKE_BUILD_TYPE="$type" -DCMAKE_C_COMPILER=gcc
    cmake --build "$dir" -j "$jobs"
    cmake --build "$dir" -j "$jobs" --target bench_scripts bench_dashboard
done

echo "== unit tests under valgrind"
for t in build/tests/test_*; do
    TMPDIR=$top/build/tests JALON_REPORTS_PATH=$top/scripts/reports valgrind -q --error-exitcode=1 --leak-check=full \
        --errors-for-leak-kinds=definite "$t" >/dev/null
    echo "valgrind: $(basename "$t") clean"
done

echo "== example host program against the installed library"
stage=$top/build/stage
rm -rf "$stage"
cmake --install build --prefix "$stage" >/dev/null
libdir=$(sed -n 's/^libdir=${prefix}\///p' build/jalon.pc)
PKG_CONFIG_PATH=$stage/$libdir/pkgconfig make -s -C examples/host clean all
store=$(mktemp -d)/store
JALON_AUTHOR="Test <test@example.org>" "$stage/bin/jalon" --store "$store" init >/dev/null
JALON_AUTHOR="Test <test@example.org>" "$stage/bin/jalon" --store "$store" \
    import examples/erezee/pst-erezee-2019-2024.md >/dev/null 2>&1
JALON_AUTHOR="Test <test@example.org>" examples/host/host "$store" 2021-01-01 "Action 4" "en cours"
rm -rf "$(dirname "$store")"
echo "host program built with pkg-config and run"
cmake -S examples/host -B build/host -DCMAKE_PREFIX_PATH="$stage" >/dev/null
cmake --build build/host >/dev/null
echo "host program built with CMake's find_package(jalon)"
