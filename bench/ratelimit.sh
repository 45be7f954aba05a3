#!/usr/bin/env bash
# What rate limiting costs (docs/RATE_LIMITING.md, figures in docs/PERFORMANCE.md):
#  1. the limiter's own cost per check (cr-bench-limiter, ns);
#  2. GET /health with limiting on (a policy too high to trigger, so every request still pays
#     for the check) vs off, alternating rounds, medians compared;
#  3. a flood: 50 connections from one client against a limited route while another client
#     (allow-listed, as a monitoring probe would be) measures its own latency.
#
#   bench/ratelimit.sh                    # 5 rounds of 10 s
#   ROUNDS=3 DURATION=5s bench/ratelimit.sh
#
# Clients are told apart by X-Forwarded-For from 127.0.0.1, configured as a trusted proxy (one
# machine, one loopback address). Environment: ROUNDS (5), DURATION (10s), BUILD_DIR
# (build-bench), CR_WORKERS, QUIET_WAIT (60), KEEP_TMP (0).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench="$root/bench"
build="${BUILD_DIR:-$root/build-bench}"
config="$bench/coderunner-bench.json"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cr-bench-rl.XXXXXX")
# shellcheck source=bench/lib.sh
source "$bench/lib.sh"
bench_rounds 5
bench_build cr-bench-limiter
bench_header "Rate limiting: cost and flood behaviour"

echo
echo "-- 1. limiter cost per check"
"$build/bench/cr-bench-limiter" --checks 2000000 --threads 2

echo
echo "-- 2. GET /health, limiting on (anon=1000000/1: never refuses) vs off, wrk -c50, $ROUNDS x $DURATION"
start_server rl-off --rate-limit-profile off
off_pid=$srv_pid off_port=$srv_port
start_server rl-on --rate-limit-profile default --rate-limits anon=1000000/1
on_pid=$srv_pid on_port=$srv_port
: >"$tmp/on.rps"
: >"$tmp/off.rps"
for ((r = 1; r <= ROUNDS; r++)); do
    order="off on"
    ((r % 2 == 0)) && order="on off" # alternate who goes first
    for which in $order; do
        if [[ $which == on ]]; then port=$on_port pid=$on_pid; else port=$off_port pid=$off_pid; fi
        read -r rps p50 p99 bad _ cpu < <(run_wrk "$tmp/$which-$r.txt" 50 \
            "http://127.0.0.1:$port/health" "$duration_s" "$pid")
        ((bad == 0)) || { echo "limiting '$which' answered $bad non-2xx responses" >&2; exit 1; }
        echo "$rps" >>"$tmp/$which.rps"
        printf '  round %d %-3s %9.0f req/s  p50 %.3f ms  p99 %.3f ms  %.2f us CPU/request\n' \
            "$r" "$which" "$rps" "$p50" "$p99" "$cpu"
    done
done
on_med=$(stats <"$tmp/on.rps" | cut -d' ' -f1)
off_med=$(stats <"$tmp/off.rps" | cut -d' ' -f1)
awk -v a="$on_med" -v b="$off_med" 'BEGIN {
    d = 100 * (b - a) / b
    printf "  medians: on %.0f, off %.0f req/s: on is %.1f %% %s (target: within 5 %%)\n",
        a, b, (d < 0 ? -d : d), (d < 0 ? "faster" : "slower") }'
stop_pid "$on_pid"
stop_pid "$off_pid"
forget_pids

echo
echo "-- 3. flood: 50 connections from 198.51.100.1 on /health (anon 20 per 10 s) for $DURATION;"
echo "      meanwhile 198.51.100.2 (allow-listed) measures its own latency with one connection"
start_server rl-flood --rate-limit-profile default --trusted-proxies 127.0.0.1 \
    --rate-limit-allow 198.51.100.2 --auto-ban-seconds 0
flood_port=$srv_port
timeout $((duration_s + 30)) wrk -t1 -c50 -d"${duration_s}s" --latency \
    -H "X-Forwarded-For: 198.51.100.1" "http://127.0.0.1:$flood_port/health" >"$tmp/flood.txt" 2>&1 &
flood_wrk=$!
sleep 1
read -r vrps vp50 vp99 vbad _ < <(WRK_HEADER="X-Forwarded-For: 198.51.100.2" \
    run_wrk "$tmp/victim.txt" 1 "http://127.0.0.1:$flood_port/health" "$((duration_s - 2))")
wait "$flood_wrk"
awk '/Requests\/sec:/ { rps = $2 } /Non-2xx or 3xx responses:/ { bad = $NF } / requests in / { n = $1 }
     END { printf "  flood:  %.0f req/s, %d of %d answered 429\n", rps, bad, n }' "$tmp/flood.txt"
printf '  other client: %.0f req/s, p50 %.3f ms, p99 %.3f ms (target p99 <= 5 ms), %d non-2xx\n' \
    "$vrps" "$vp50" "$vp99" "$vbad"
