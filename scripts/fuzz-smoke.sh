#!/usr/bin/env bash
# Builds the request-parser fuzz target (tests/fuzz/fuzz_request_parser.cpp) with clang++-14,
# libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer, and runs it for a short while on a
# copy of the seed corpus (tests/fuzz/corpus). Exits non-zero when the toolchain is missing (a
# fuzz test that silently skips is no test: scripts/deps.sh test installs clang-14 and
# libclang-rt-14-dev), when the build fails, or when the fuzzer finds a crash, a leak or a broken
# invariant; the input that showed it is left in <build>/artifacts/.
#
# Usage: scripts/fuzz-smoke.sh [extra libFuzzer options...]
# Environment:
#   FUZZ_SECONDS    run time in seconds (default 20)
#   FUZZ_BUILD_DIR  where the target is built (default <root>/build-fuzz)
#   FUZZ_CORPUS     a corpus directory to grow in place instead of a temporary copy of the seeds
#   FUZZ_CXX        the compiler (default clang++-14)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${FUZZ_SECONDS:-20}
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
cxx=${FUZZ_CXX:-clang++-14}

die() {
    echo "fuzz-smoke: $*" >&2
    exit 1
}

command -v "$cxx" >/dev/null 2>&1 ||
    die "$cxx not found: install clang-14 and libclang-rt-14-dev (scripts/deps.sh test)"
command -v pkg-config >/dev/null 2>&1 || die "pkg-config not found (scripts/deps.sh build)"
pkg-config --exists Qt6Core Qt6Network || die "Qt6Core/Qt6Network not found by pkg-config"

mkdir -p "$build/obj" "$build/artifacts"

# libFuzzer ships in libclang-rt-14-dev: without it, -fsanitize=fuzzer does not link.
probe="$build/obj/probe.cpp"
printf '%s\n' '#include <cstddef>' '#include <cstdint>' \
    'extern "C" int LLVMFuzzerTestOneInput(const uint8_t *, size_t) { return 0; }' >"$probe"
"$cxx" -fsanitize=fuzzer "$probe" -o "$build/obj/probe" >"$build/obj/probe.log" 2>&1 ||
    die "libFuzzer is missing ($cxx -fsanitize=fuzzer does not link; install libclang-rt-14-dev):
$(cat "$build/obj/probe.log")"

launcher=()
if command -v ccache >/dev/null 2>&1; then
    launcher=(ccache)
    export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
fi

read -r -a qt_cflags <<<"$(pkg-config --cflags Qt6Core Qt6Network)"
read -r -a qt_libs <<<"$(pkg-config --libs Qt6Core Qt6Network)"
# The same strict-Qt defines as cmake/ProjectSettings.cmake; -fPIC because Qt is built with
# reduced relocations.
defines=(-DQT_NO_CAST_FROM_ASCII -DQT_NO_CAST_TO_ASCII -DQT_NO_URL_CAST_FROM_STRING
    -DQT_USE_QSTRINGBUILDER -DQT_NO_NARROWING_CONVERSIONS_IN_CONNECT -DQT_NO_KEYWORDS
    -DQT_NO_FOREACH)
# shellcheck disable=SC2054 # the commas belong to -fsanitize=
flags=(-std=c++17 -g -O1 -fPIC -fno-omit-frame-pointer -Wall -Wextra -Wpedantic -Werror
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
    -I"$root/server" -I"$root" "${defines[@]}" "${qt_cflags[@]}")

# The parser and what it needs, nothing with sockets.
sources=(
    server/core/Error.cpp
    server/http/HeadScanner.cpp
    server/http/HttpRequest.cpp
    server/http/RequestParser.cpp
    tests/fuzz/fuzz_request_parser.cpp
)
objects=()
pids=()
for src in "${sources[@]}"; do
    obj="$build/obj/$(basename "${src%.cpp}").o"
    objects+=("$obj")
    "${launcher[@]}" "$cxx" "${flags[@]}" -c "$root/$src" -o "$obj" &
    pids+=($!)
done
status=0
for pid in "${pids[@]}"; do
    wait "$pid" || status=1
done
[[ $status -eq 0 ]] || die "compiling the fuzz target failed"
target="$build/fuzz_request_parser"
"$cxx" -fsanitize=fuzzer,address,undefined -fPIC "${objects[@]}" "${qt_libs[@]}" -lhttp_parser \
    -o "$target" || die "linking the fuzz target failed"

if [[ -n ${FUZZ_CORPUS:-} ]]; then
    corpus=$FUZZ_CORPUS
    mkdir -p "$corpus"
else
    corpus=$(mktemp -d "${TMPDIR:-/tmp}/cr-fuzz-corpus.XXXXXX")
    trap 'rm -rf "$corpus"' EXIT
fi
cp -n "$root"/tests/fuzz/corpus/* "$corpus"/

echo "fuzz-smoke: running $target for ${seconds}s on $corpus"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
if ! "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
    -dict="$root/tests/fuzz/http.dict" -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/" "$@" "$corpus"; then
    echo "fuzz-smoke: FAILED; the input is in $build/artifacts/ (replay: $target <file>)" >&2
    exit 1
fi
echo "fuzz-smoke: passed"
