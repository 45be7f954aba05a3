#!/usr/bin/env bash
# Installs what is missing, builds, and starts CodeRunner on an embedded SQLite database in the
# user's data directory: the console when a display is available, the headless server otherwise.
# Extra arguments go to the program (see coderunner-server --help).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/deps.sh" build
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCODERUNNER_BUILD_TESTS=OFF >/dev/null
cmake --build "$root/build" --parallel
if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
    exec "$root/build/app/coderunner" "$@"
fi
exec "$root/build/app/coderunner-server" "$@"
