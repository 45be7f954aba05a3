#!/usr/bin/env bash
# Installs what is missing, builds everything (warnings are errors) and runs every test through
# ctest, in parallel.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build-test"
"$root/scripts/deps.sh" build test
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCODERUNNER_WERROR=ON >/dev/null
cmake --build "$build" --parallel
cd "$build"
ctest --output-on-failure --parallel "$(nproc)" --timeout 600 "$@"
