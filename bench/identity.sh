#!/usr/bin/env bash
# Identity under load (figures in docs/PERFORMANCE.md):
#  1. authenticated GET /api/auth/profile at 50 connections (token verification from the cache,
#     revocation check, user policy off) vs nginx's static /health in the same run;
#  2. GET /health at 50 connections while 8 clients log in continuously (one wrk thread and
#     connection per account, bench/login.lua; Argon2id on the idle-priority hashing pool must
#     not slow other requests); logins per second; 503 OVERLOADED answers counted.
#
#   bench/identity.sh                     # 5 rounds of 10 s for each part
#   ROUNDS=3 DURATION=5s bench/identity.sh
#
# The server runs with the loadtest rate-limit profile (request limits off; login protection
# on, which successful logins never trip: they are refunded). Environment: ROUNDS (5),
# DURATION (10s), LOGIN_CLIENTS (8), BUILD_DIR (build-bench), CR_WORKERS (unset: the
# configuration's 1; 0: one per core), CR_EVENT_LOOP, QUIET_WAIT, KEEP_TMP.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench="$root/bench"
build="${BUILD_DIR:-$root/build-bench}"
LOGIN_CLIENTS=${LOGIN_CLIENTS:-8}
config="$bench/coderunner-bench.json"
[[ "$LOGIN_CLIENTS" =~ ^[1-9][0-9]?$ ]] || { echo "LOGIN_CLIENTS must be 1..99" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cr-bench-id.XXXXXX")
# shellcheck source=bench/lib.sh
source "$bench/lib.sh"
bench_rounds 5
bench_build
bench_header "Identity under load"
echo "server: workers $(workers_label), worker event loop ${CR_EVENT_LOOP:-epoll (default)}"

# One account per login client: login protection limits attempts in flight per (address,
# e-mail), and the bench registers more accounts than a single address may by default.
start_server identity --rate-limits register=1000/3600
cr_pid=$srv_pid
base="http://127.0.0.1:$srv_port"
start_nginx "$(get "$base/health")"

password='Bench-Password-2026-xyz'
register() { # register EMAIL -> the access token
    get -H 'Content-Type: application/json' \
        -d "$(printf '{"email":"%s","password":"%s","name":"Bench"}' "$1" "$password")" \
        "$base/api/auth/register" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}
for ((c = 0; c <= LOGIN_CLIENTS; c++)); do
    t=$(register "bench-$c@example.com")
    [[ -n "$t" ]] || { echo "registration $c failed" >&2; exit 1; }
    ((c == 0)) && token=$t
done
code=$(get -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$base/api/auth/profile")
[[ "$code" == 200 ]] || { echo "profile answered $code" >&2; exit 1; }

echo
echo "-- 1. authenticated GET /api/auth/profile vs nginx /health, wrk -c50, $ROUNDS x $DURATION"
: >"$tmp/profile.rps"
: >"$tmp/profile.p99"
: >"$tmp/nginx.rps"
for ((r = 1; r <= ROUNDS; r++)); do
    read -r rps p50 p99 bad _ < <(WRK_HEADER="Authorization: Bearer $token" \
        run_wrk "$tmp/profile-$r.txt" 50 "$base/api/auth/profile" "$duration_s")
    ((bad == 0)) || { echo "profile: $bad non-2xx responses" >&2; exit 1; }
    echo "$rps" >>"$tmp/profile.rps"
    echo "$p99" >>"$tmp/profile.p99"
    read -r nrps _ < <(run_wrk "$tmp/nginx-$r.txt" 50 "$ngx_url" "$duration_s")
    echo "$nrps" >>"$tmp/nginx.rps"
    printf '  round %d  profile %8.0f req/s  p50 %.3f ms  p99 %.3f ms   nginx /health %8.0f req/s\n' \
        "$r" "$rps" "$p50" "$p99" "$nrps"
done
awk -v a="$(stats <"$tmp/profile.rps" | cut -d' ' -f1)" -v n="$(stats <"$tmp/nginx.rps" | cut -d' ' -f1)" \
    -v p="$(stats <"$tmp/profile.p99" | cut -d' ' -f1)" 'BEGIN {
    printf "  medians: profile %.0f req/s = %.2fx nginx /health (%.0f) (target >= 0.5x); p99 %.3f ms (target <= 2 ms)\n",
        a, a / n, n, p }'

echo
echo "-- 2. GET /health at 50 connections while $LOGIN_CLIENTS clients log in continuously," \
    "$ROUNDS x $DURATION"
# The login clients: one wrk process, one thread and one connection per account (bench/login.lua),
# started a second before each /health run and stopped a second after it. 503 OVERLOADED is the
# hashing pool refusing a login whose deadline passed in its queue: by design under this load
# (reported). Any other answer but 200 is a fault.
: >"$tmp/under.p99"
: >"$tmp/under.rps"
: >"$tmp/logins.rate"
for ((r = 1; r <= ROUNDS; r++)); do
    PASSWORD=$password timeout $((duration_s + 30)) wrk -t"$LOGIN_CLIENTS" -c"$LOGIN_CLIENTS" \
        -d"$((duration_s + 1))s" --timeout 10s --latency -s "$bench/login.lua" "$base" \
        >"$tmp/logins-$r.txt" 2>&1 &
    login_pid=$!
    pids+=("$login_pid")
    sleep 1
    read -r rps p50 p99 bad _ < <(run_wrk "$tmp/health-under-logins-$r.txt" 50 "$base/health" \
        "$((duration_s - 1))" "$cr_pid")
    ((bad == 0)) || { echo "/health: $bad non-2xx responses during logins" >&2; exit 1; }
    wait "$login_pid" || { echo "login clients failed:" >&2; cat "$tmp/logins-$r.txt" >&2; exit 1; }
    forget_pids
    read -r ok busy other statuses < <(awk '$1 == "logins" {
        s = ""; for (i = 9; i <= NF; i++) s = s " " $i; print $3, $5, $7, s }' "$tmp/logins-$r.txt")
    ((other == 0)) ||
        { echo "login clients: $other answers other than 200 or 503:$statuses" >&2; exit 1; }
    login_p50=$(awk '$1 == "50%" { print $2 }' "$tmp/logins-$r.txt")
    rate=$(awk -v n="$ok" -v s="$((duration_s + 1))" 'BEGIN { printf "%.1f", n / s }')
    echo "$p99" >>"$tmp/under.p99"
    echo "$rps" >>"$tmp/under.rps"
    echo "$rate" >>"$tmp/logins.rate"
    printf '  round %d  /health %8.0f req/s  p50 %.3f ms  p99 %.3f ms   %d logins = %s/s (p50 %s), %d refused 503\n' \
        "$r" "$rps" "$p50" "$p99" "$ok" "$rate" "$login_p50" "$busy"
done
echo "  medians (min-max): /health p99 $(fmt_stats 3 "$(stats <"$tmp/under.p99")") ms" \
    "(target <= 5 ms), $(fmt_stats 0 "$(stats <"$tmp/under.rps")") req/s;" \
    "logins/s $(fmt_stats 1 "$(stats <"$tmp/logins.rate")")"
