#!/usr/bin/env bash
# CodeRunner vs nginx on GET /health, plus memory and start-up figures. See bench/README.md.
#
#   bench/run.sh                          # full run: 5 rounds of 10 s (about 4-5 minutes)
#   ROUNDS=3 DURATION=5s bench/run.sh     # a quick run
#
# Environment: ROUNDS (5), DURATION (10s), CONNS ("50 1": wrk -c values), WS_COUNT (1000),
# WS_ROUNDS (3), WS_HOLD_MS (5000), STARTS (7), CR_WORKERS (unset: the configuration's 1; 0: the
# server default, one per core), CR_EVENT_LOOP (unset: the default, epoll; or qt), QUIET_WAIT
# (60 s at most waiting for an idle machine), BUILD_DIR (build-bench),
# RESULTS_DIR (BUILD_DIR/bench-results/DATE), KEEP_TMP (0).
#
# All traffic goes to 127.0.0.1. Every wait is bounded; every process started here is stopped by
# the EXIT trap.
set -euo pipefail
shopt -u patsub_replacement 2>/dev/null || true

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench="$root/bench"
build="${BUILD_DIR:-$root/build-bench}"
CONNS=${CONNS:-"50 1"}
WS_COUNT=${WS_COUNT:-1000}
WS_ROUNDS=${WS_ROUNDS:-3}
WS_HOLD_MS=${WS_HOLD_MS:-5000}
STARTS=${STARTS:-7}
config="$bench/coderunner-bench.json"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cr-bench.XXXXXX")

# shellcheck source=bench/lib.sh
source "$bench/lib.sh"
bench_rounds 5
(( duration_s <= 120 )) || { echo "DURATION is at most 120s" >&2; exit 2; }

# ---------------------------------------------------------------- install and build
bench_build cr-bench-wsidle cr-bench-startup
wsidle_bin="$build/bench/cr-bench-wsidle"
startup_bin="$build/bench/cr-bench-startup"
results="${RESULTS_DIR:-$build/bench-results/$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$results"

# Enough descriptors for WS_COUNT sockets on each side.
hard=$(ulimit -Hn)
want=$((WS_COUNT * 2 + 1024))
if [[ "$hard" != unlimited ]] && ((hard < want)); then want=$hard; fi
ulimit -n "$want"

echo "== CodeRunner benchmark"
echo "machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
    "kernel $(uname -r)"
echo "tools: $(wrk -v 2>&1 | head -n1 | awk '{ print $1, $2 }'), $("$nginx_bin" -v 2>&1)"
echo "source: commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')," \
    "$(git -C "$root" status --porcelain -- server app 2>/dev/null | wc -l) uncommitted changes in server/ app/"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
wait_quiet
echo "rounds $ROUNDS x $DURATION, wrk -t1 -c{${CONNS// /,}}, results in $results"
echo

# ---------------------------------------------------------------- 1. start-up and idle RSS
echo "-- start-up: $STARTS starts, GET /health polled every 2 ms"
"$startup_bin" --server "$server_bin" --starts "$STARTS" --poll-us 2000 --timeout-ms 10000 \
    --idle-ms 1500 --tmp "$tmp" -- --config "$config" | tee "$results/startup.txt"
first_ok=$(awk '{ print $4 }' "$results/startup.txt" | stats)
idle_rss=$(awk '{ print $10 * 1024 / 1e6 }' "$results/startup.txt" | stats)
echo

# ---------------------------------------------------------------- 2. idle WebSockets
echo "-- $WS_COUNT idle WebSockets, $WS_ROUNDS rounds (fresh server each, --ws-auth-timeout-ms 600000)"
: >"$results/ws.txt"
for ((r = 1; r <= WS_ROUNDS; r++)); do
    forget_pids
    start_server "ws$r" --ws-auth-timeout-ms 600000
    for ((i = 0; i < 5; i++)); do get -o /dev/null "http://127.0.0.1:$srv_port/health"; done
    sleep 2
    before=$(status_kb "$srv_pid" VmRSS)
    "$wsidle_bin" --url "ws://127.0.0.1:$srv_port/ws" --count "$WS_COUNT" --hold-ms "$WS_HOLD_MS" \
        --timeout-ms 60000 >"$tmp/wsidle$r.out" 2>"$tmp/wsidle$r.err" &
    ws_pid=$!
    pids+=("$ws_pid")
    for ((i = 0; i < 3000; i++)); do # up to 60 s
        grep -q '^welcomed ' "$tmp/wsidle$r.out" && break
        kill -0 "$ws_pid" 2>/dev/null || break
        sleep 0.02
    done
    if ! grep -q '^held ' "$tmp/wsidle$r.out"; then
        echo "WebSocket round $r: not all connections were welcomed:" >&2
        cat "$tmp/wsidle$r.out" "$tmp/wsidle$r.err" >&2
        exit 1
    fi
    sleep 1.5 # let both sides settle with everything open
    held=$(status_kb "$srv_pid" VmRSS)
    server_count=$(get "http://127.0.0.1:$srv_port/health/websocket" |
        sed -n 's/.*"connections":\([0-9]*\).*/\1/p')
    wait "$ws_pid" || { echo "cr-bench-wsidle failed:" >&2; cat "$tmp/wsidle$r.out" >&2; exit 1; }
    hwm=$(status_kb "$srv_pid" VmHWM)
    stop_pid "$srv_pid"
    printf 'round %d before_kb %s held_kb %s growth_kb %s hwm_kb %s server_count %s %s | %s\n' \
        "$r" "$before" "$held" $((held - before)) "$hwm" "${server_count:-?}" \
        "$(grep '^welcomed' "$tmp/wsidle$r.out")" "$(grep '^still-open' "$tmp/wsidle$r.out")" |
        tee -a "$results/ws.txt"
done
ws_growth=$(awk '{ print $8 * 1024 / 1e6 }' "$results/ws.txt" | stats)
ws_before=$(awk '{ print $4 * 1024 / 1e6 }' "$results/ws.txt" | stats)
ws_held=$(awk '{ print $6 * 1024 / 1e6 }' "$results/ws.txt" | stats)
forget_pids
echo

# ---------------------------------------------------------------- 3. HTTP: CodeRunner vs nginx
echo "-- GET /health: CodeRunner vs nginx"
start_server http
cr_pid=$srv_pid
cr_url="http://127.0.0.1:$srv_port/health"

body=$(get "$cr_url")
[[ "$body" == *'"success":true'* ]] || { echo "unexpected /health body: $body" >&2; exit 1; }
start_nginx "$body"

# Both must answer 200 with every security header and a request id.
required=(Content-Security-Policy X-Frame-Options X-Content-Type-Options X-XSS-Protection
    Strict-Transport-Security Referrer-Policy Cache-Control Vary X-Request-Id)
for name in coderunner nginx; do
    url=$cr_url
    [[ $name == nginx ]] && url=$ngx_url
    get -D "$results/headers-$name.txt" -o "$tmp/body-$name" "$url"
    grep -q '^HTTP/1.1 200' "$results/headers-$name.txt" || { echo "$name: not 200" >&2; exit 1; }
    for h in "${required[@]}"; do
        grep -qi "^$h: ." "$results/headers-$name.txt" || { echo "$name lacks $h" >&2; exit 1; }
    done
    echo "$name: 200, all ${#required[@]} security/request-id headers present," \
        "response $(($(wc -c <"$results/headers-$name.txt") + $(wc -c <"$tmp/body-$name"))) bytes" \
        "(body $(wc -c <"$tmp/body-$name"))"
done

ngx_worker=$(pgrep -P "$ngx_pid" | head -n1 || true)
[[ -n "$ngx_worker" ]] || { echo "no nginx worker process" >&2; exit 1; }
echo "warm-up: 2 s each"
run_wrk "$tmp/warm-cr" 50 "$cr_url" 2 >/dev/null
run_wrk "$tmp/warm-ngx" 50 "$ngx_url" 2 >/dev/null

: >"$results/http.txt"
: >"$results/idle.txt"
for ((r = 1; r <= ROUNDS; r++)); do
    echo "round $r: $(idle_pct)% idle CPU in the second before it" |
        tee -a "$results/idle.txt"
    order=(coderunner nginx)
    ((r % 2 == 0)) && order=(nginx coderunner)
    for c in $CONNS; do
        for name in "${order[@]}"; do
            url=$cr_url pid=$cr_pid
            [[ $name == nginx ]] && url=$ngx_url pid=$ngx_worker
            line=$(run_wrk "$results/wrk-$name-c$c-r$r.txt" "$c" "$url" "$duration_s" "$pid")
            echo "round $r c$c $name $line" | tee -a "$results/http.txt" |
                awk '{ printf "%s %s %-10s %9.0f req/s  p50 %.3f ms  p99 %.3f ms  non2xx %d  errors %d  cpu %.1f us/req\n",
                       $1 " " $2, $3, $4, $5, $6, $7, $8, $9, $10 }'
        done
    done
done
cr_hwm=$(status_kb "$cr_pid" VmHWM)
cr_rss=$(status_kb "$cr_pid" VmRSS)
ngx_hwm=$(status_kb "$ngx_worker" VmHWM)
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# ---------------------------------------------------------------- summary
# per-round ratios CodeRunner / nginx (same round, same -c)
awk '{ v[$2 " " $3 " " $4] = $0 }
     END { for (k in v) { split(k, p, " "); if (p[3] != "coderunner") continue
             n = p[1] " " p[2] " nginx"; if (!(n in v)) continue
             split(v[k], a, " "); split(v[n], b, " ")
             print p[2], p[1], a[5] / b[5], a[6] / b[6], a[7] / b[7], \
                   (b[10] > 0 ? a[10] / b[10] : 0) } }' \
    "$results/http.txt" | sort >"$results/ratios.txt"

col() { # col NAME CONN FIELD -> stats over rounds
    awk -v n="$1" -v c="c$2" -v f="$3" '$3 == c && $4 == n { print $f }' "$results/http.txt" | stats
}
ratio() { awk -v c="c$1" -v f="$2" '$1 == c { print $f }' "$results/ratios.txt" | stats; }
verdict() { # verdict VALUE OP LIMIT
    awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
        ok = (op == "<=") ? (v <= l) : (v >= l); print ok ? "met" : "NOT met" }'
}

{
    echo "== Summary (median (min-max) over rounds)"
    echo "config: $config (access log off, log level warning)," \
        "workers $(workers_label)," \
        "worker event loop ${CR_EVENT_LOOP:-default (epoll)}; nginx worker_processes 1"
    for c in $CONNS; do
        echo
        echo "wrk -t1 -c$c -d$DURATION --latency GET /health"
        printf '  %-11s %-26s %-24s %-24s %-22s\n' "" "requests/s" "p50 ms" "p99 ms" \
            "server CPU us/req"
        for name in coderunner nginx; do
            printf '  %-11s %-26s %-24s %-24s %-22s\n' "$name" \
                "$(fmt_stats 0 "$(col "$name" "$c" 5)")" \
                "$(fmt_stats 3 "$(col "$name" "$c" 6)")" "$(fmt_stats 3 "$(col "$name" "$c" 7)")" \
                "$(fmt_stats 1 "$(col "$name" "$c" 10)")"
        done
        printf '  %-11s %-26s %-24s %-24s %-22s\n' "cr/nginx" "$(fmt_stats 3 "$(ratio "$c" 3)")" \
            "$(fmt_stats 3 "$(ratio "$c" 4)")" "$(fmt_stats 3 "$(ratio "$c" 5)")" \
            "$(fmt_stats 2 "$(ratio "$c" 6)")"
    done
    echo
    echo "non-2xx responses / socket errors over all rounds:" \
        "$(awk '{ n[$4] += $8; e[$4] += $9 } END { for (k in n) printf "%s %d / %d  ", k, n[k], e[k] }' \
            "$results/http.txt")"
    echo "coderunner peak RSS (VmHWM) after the HTTP rounds: $(mb "$cr_hwm") MB" \
        "(VmRSS now $(mb "$cr_rss") MB); nginx worker VmHWM: $(mb "$ngx_hwm") MB"
    echo "idle WebSockets ($WS_COUNT): server VmRSS before $(fmt_stats 1 "$ws_before") MB," \
        "while held $(fmt_stats 1 "$ws_held") MB"
    echo
    echo "targets:"
    first_c=${CONNS%% *}
    r_rps=$(ratio "$first_c" 3)
    p99=$(col coderunner "$first_c" 7)
    printf '  %-44s %-26s %s\n' "requests/s >= 0.8x nginx (-c$first_c)" \
        "$(fmt_stats 3 "$r_rps")" "$(verdict "${r_rps%% *}" '>=' 0.8)"
    printf '  %-44s %-26s %s\n' "p99 <= 1.5 ms (-c$first_c)" "$(fmt_stats 3 "$p99") ms" \
        "$(verdict "${p99%% *}" '<=' 1.5)"
    for c in $CONNS; do
        [[ $c == "$first_c" ]] && continue
        p99=$(col coderunner "$c" 7)
        printf '  %-44s %-26s %s\n' "p99 <= 1.5 ms (-c$c)" "$(fmt_stats 3 "$p99") ms" \
            "$(verdict "${p99%% *}" '<=' 1.5)"
    done
    printf '  %-44s %-26s %s\n' "$WS_COUNT idle WebSockets: RSS growth <= 40 MB" \
        "$(fmt_stats 1 "$ws_growth") MB" "$(verdict "${ws_growth%% *}" '<=' 40)"
    printf '  %-44s %-26s %s\n' "headless idle RSS <= 40 MB" "$(fmt_stats 1 "$idle_rss") MB" \
        "$(verdict "${idle_rss%% *}" '<=' 40)"
    printf '  %-44s %-26s %s\n' "first request served <= 300 ms after start" \
        "$(fmt_stats 1 "$first_ok") ms" "$(verdict "${first_ok%% *}" '<=' 300)"
} | tee "$results/summary.txt"
