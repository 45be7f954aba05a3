#!/usr/bin/env bash
# What metrics recording costs (docs/OBSERVABILITY.md, figures in docs/PERFORMANCE.md):
# GET /health with request metrics recorded (the default) vs `--metrics off`, wrk -c50,
# alternating rounds (odd rounds: on first, even rounds: off first), medians compared.
# Target (issue 5): medians at most 5 % apart.
#
#   bench/metrics-overhead.sh                    # 7 rounds of 10 s (about 2.5 minutes)
#   ROUNDS=5 DURATION=5s bench/metrics-overhead.sh
#
# Every measurement starts a fresh server (same flags but --metrics), warms it up for 2 s and
# stops it afterwards; the telemetry tick runs in both variants. Also prints the recording cost
# per request measured in-process (cr-bench-metrics). Environment:
# ROUNDS (7, at least 5), DURATION (10s), CONNS (50), BUILD_DIR (build-bench), CR_WORKERS,
# QUIET_WAIT (60), KEEP_TMP (0).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench="$root/bench"
build="${BUILD_DIR:-$root/build-bench}"
CONNS=${CONNS:-50}
config="$bench/coderunner-bench.json"
[[ "$CONNS" =~ ^[1-9][0-9]{0,3}$ ]] || { echo "CONNS must be 1..9999" >&2; exit 2; }

"$root/scripts/deps.sh" build bench
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCODERUNNER_BUILD_GUI=OFF \
    -DCODERUNNER_BUILD_TESTS=OFF >/dev/null
ninja -C "$build" coderunner-server cr-bench-metrics >/dev/null
server_bin="$build/app/coderunner-server"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cr-bench-metrics.XXXXXX")
# shellcheck source=bench/lib.sh
source "$bench/lib.sh"
bench_rounds 7 5

echo "== Metrics recording: GET /health with metrics on vs off"
echo "source: commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')" \
    "(working tree $(git -C "$root" status --porcelain 2>/dev/null | wc -l) changed files);" \
    "$(nproc) CPUs; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
wait_quiet

echo "-- recording cost in-process (cr-bench-metrics)"
"$build/bench/cr-bench-metrics" --requests 2000000 --threads 2
echo
echo "-- GET /health, wrk -t1 -c$CONNS, $ROUNDS rounds x $DURATION, fresh server per measurement"
# Each measurement gets a fresh server (started, checked, warmed up for 2 s, measured, stopped),
# so neither variant keeps an advantage from where its threads happen to run on a busy machine.
measure() { # measure on|off ROUND -> one line "rps p50 p99 non2xx errors cpu" in $tmp/WHICH-ROUND.line
    local which=$1 r=$2 url
    start_server "metrics-$which-$r" --metrics "$which"
    url="http://127.0.0.1:$srv_port/health"
    get -o /dev/null "$url" || { echo "metrics-$which-$r:" >&2; tail -n 5 "$tmp/metrics-$which-$r.err" >&2; exit 1; }
    local text
    text=$(get "http://127.0.0.1:$srv_port/metrics")
    if [[ $which == on ]]; then
        grep -q '^coderunner_http_requests_total{.*route="/health"' <<<"$text" ||
            { echo "metrics-on server does not count /health" >&2; exit 1; }
    elif grep -q '^coderunner_http_requests_total{' <<<"$text"; then
        echo "metrics-off server records requests" >&2
        exit 1
    fi
    run_wrk "$tmp/warm-$which-$r" "$CONNS" "$url" 2 >/dev/null
    run_wrk "$tmp/$which-$r.txt" "$CONNS" "$url" "$duration_s" "$srv_pid" >"$tmp/$which-$r.line"
    if [[ $which == on ]]; then
        get "http://127.0.0.1:$srv_port/metrics" |
            awk '/^coderunner_http_requests_total\{.*route="\/health"/ { n += $NF } END { print n + 0 }' \
                >"$tmp/on-$r.counted"
    fi
    stop_pid "$srv_pid"
    forget_pids
}

: >"$tmp/on.rps"
: >"$tmp/off.rps"
: >"$tmp/on.cpu"
: >"$tmp/off.cpu"
for ((r = 1; r <= ROUNDS; r++)); do
    order=(on off)
    ((r % 2 == 0)) && order=(off on)
    echo "round $r: $(idle_pct)% idle CPU in the second before it"
    for which in "${order[@]}"; do
        measure "$which" "$r"
        read -r rps p50 p99 bad err cpu <"$tmp/$which-$r.line"
        ((bad == 0 && err == 0)) ||
            { echo "metrics '$which': $bad non-2xx responses, $err socket errors" >&2; exit 1; }
        echo "$rps" >>"$tmp/$which.rps"
        echo "$cpu" >>"$tmp/$which.cpu"
        printf '  round %d %-3s %9.0f req/s  p50 %.3f ms  p99 %.3f ms  %.2f us CPU/request\n' \
            "$r" "$which" "$rps" "$p50" "$p99" "$cpu"
    done
done

echo "metrics-on servers counted (warm-up + round) /health requests: $(cat "$tmp"/on-*.counted | tr '\n' ' ')"

on_med=$(stats <"$tmp/on.rps" | cut -d' ' -f1)
off_med=$(stats <"$tmp/off.rps" | cut -d' ' -f1)
on_cpu=$(stats <"$tmp/on.cpu")
off_cpu=$(stats <"$tmp/off.cpu")
echo
echo "== Summary (median (min-max) over $ROUNDS rounds, wrk -t1 -c$CONNS -d$DURATION)"
echo "  on:  $(fmt_stats 0 "$(stats <"$tmp/on.rps")") req/s, $(fmt_stats 2 "$on_cpu") us CPU/request"
echo "  off: $(fmt_stats 0 "$(stats <"$tmp/off.rps")") req/s, $(fmt_stats 2 "$off_cpu") us CPU/request"
awk -v a="$on_med" -v b="$off_med" 'BEGIN {
    d = 100 * (b - a) / b
    printf "  medians: on is %.1f %% %s than off (target: within 5 %%): %s\n",
        (d < 0 ? -d : d), (d < 0 ? "faster" : "slower"), ((d <= 5 && d >= -5) ? "met" : "NOT met") }'
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
