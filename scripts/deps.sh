#!/usr/bin/env bash
# Installs the Debian 12 packages CodeRunner needs that are missing. Idempotent and quick when
# everything is there. Usage: scripts/deps.sh [build|test|bench] ...
# Package services are kept from starting while installing (a temporary policy-rc.d).
set -euo pipefail

build_pkgs=(
    cmake ninja-build g++ ccache pkg-config git
    qt6-base-dev qt6-websockets-dev qt6-charts-dev libqt6opengl6-dev qt6-tools-dev
    qt6-tools-dev-tools qt6-l10n-tools qt6-qpa-plugins libqt6sql6-sqlite libqt6sql6-psql
    fonts-dejavu-core libhttp-parser-dev libsodium-dev qtkeychain-qt6-dev prometheus-cpp-dev
)
test_pkgs=(clang-14 libclang-rt-14-dev xvfb xauth postgresql-15 dbus gnome-keyring libsecret-1-0
    prometheus)
bench_pkgs=(nginx-light wrk procps curl linux-perf)

want=("${build_pkgs[@]}")
for group in "$@"; do
    case "$group" in
        build) ;;
        test) want+=("${test_pkgs[@]}") ;;
        bench) want+=("${bench_pkgs[@]}") ;;
        *) echo "deps.sh: unknown group '$group' (build, test, bench)" >&2; exit 2 ;;
    esac
done

missing=()
for p in "${want[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
    echo "deps.sh: these packages are missing; run as root to install them: ${missing[*]}" >&2
    exit 1
fi
echo "Installing: ${missing[*]}"
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    created_policy=1
fi
cleanup() { [[ $created_policy -eq 1 ]] && rm -f "$policy"; return 0; }
trap cleanup EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
