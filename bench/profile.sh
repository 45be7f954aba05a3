#!/usr/bin/env bash
# Where coderunner-server's time goes under wrk -t1 -c50 on GET /health: `perf record` on the
# server's PID while wrk runs, then the hottest symbols (self time) and call chains.
#
#   bench/profile.sh                 # PROFILE_SECONDS=8 CALL_GRAPH=dwarf
#   CALL_GRAPH=none bench/profile.sh # flat profile: least overhead, self time only
#   CALL_GRAPH=fp bench/profile.sh   # frame-pointer chains (cheap, but Release code has none)
#   CONNS=1 bench/profile.sh         # wrk -c1 instead of -c50
#
# Then a second wrk run of 3 s under `perf stat` counts the server's system calls per request
# and reads its user/system CPU time from /proc/PID/stat.
#
# Uses the Release build of bench/run.sh (build-bench) and its server configuration
# (CR_WORKERS, CR_EVENT_LOOP as there); output in BUILD_DIR/bench-profile/.
# Loopback only; every process started here is stopped by the EXIT trap.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench="$root/bench"
build="${BUILD_DIR:-$root/build-bench}"
config="$bench/coderunner-bench.json"
secs=${PROFILE_SECONDS:-8}
call_graph=${CALL_GRAPH:-dwarf}
conns=${CONNS:-50}
[[ "$conns" =~ ^[1-9][0-9]{0,3}$ ]] || { echo "CONNS must be 1..9999" >&2; exit 2; }
[[ "$secs" =~ ^[1-9][0-9]?$ ]] || { echo "PROFILE_SECONDS must be 1..99" >&2; exit 2; }
out="$build/bench-profile"
mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cr-profile.XXXXXX")

# shellcheck source=bench/lib.sh
source "$bench/lib.sh"
bench_build
echo "server: workers $(workers_label), worker event loop ${CR_EVENT_LOOP:-epoll (default)}"
start_server profile
server=$srv_pid
url="http://127.0.0.1:$srv_port/health"

timeout 30 wrk -t1 -c"$conns" -d2s "$url" >/dev/null # warm-up
timeout $((secs + 40)) wrk -t1 -c"$conns" -d$((secs + 2))s --latency "$url" >"$out/wrk.txt" &
wrk_pid=$!
pids+=("$wrk_pid")
sleep 1
case "$call_graph" in
    dwarf) graph=(--call-graph "dwarf,16384" -F 499) ;;
    fp) graph=(-g -F 1999) ;;
    none) graph=(-F 2999) ;;
    *) echo "CALL_GRAPH is dwarf, fp or none" >&2; exit 2 ;;
esac
timeout $((secs + 30)) perf record "${graph[@]}" -p "$server" -o "$out/perf.data" -- sleep "$secs" \
    2>"$out/perf-record.log" || { cat "$out/perf-record.log" >&2; exit 1; }
wait "$wrk_pid" || true
echo "wrk during the profile: $(awk '$1 == "Requests/sec:" { print $2 " req/s" } $1 == "99%" { print "p99 " $2 }' "$out/wrk.txt" | paste -sd' ')"

perf report -i "$out/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null |
    grep -v '^#' | grep -v '^$' >"$out/by-dso.txt"
perf report -i "$out/perf.data" --no-children --sort comm --stdio -g none 2>/dev/null |
    grep -v '^#' | grep -v '^$' >"$out/by-thread.txt"
perf report -i "$out/perf.data" --no-children --sort dso,symbol --stdio -g none \
    --percent-limit 0.5 2>/dev/null | grep -v '^#' | grep -v '^$' >"$out/self.txt"
perf report -i "$out/perf.data" --children --sort symbol --stdio -g none --percent-limit 2 \
    2>/dev/null | grep -v '^#' | grep -v '^$' >"$out/children.txt"
perf report -i "$out/perf.data" --no-children --sort symbol --stdio -g caller,0.5,callee \
    --percent-limit 1.5 2>/dev/null >"$out/callers.txt"

echo "== time by thread"; head -n 10 "$out/by-thread.txt"
echo "== time by library"; head -n 15 "$out/by-dso.txt"
echo "== hottest symbols (self)"; head -n 45 "$out/self.txt"
echo "== inclusive (children) >= 2%"; head -n 70 "$out/children.txt"
echo "(call chains: $out/callers.txt; raw data: $out/perf.data)"

# CPU time per request over a 3 s run (nothing traced), then system calls per request over
# another 3 s run under `perf stat` (the tracepoints make system calls slower: time is not
# measured in that one).
ticks() { awk '{ print $14, $15 }' "/proc/$server/stat"; }
before=$(ticks)
timeout 40 wrk -t1 -c"$conns" -d3s "$url" >"$out/wrk-cpu.txt"
after=$(ticks)
requests=$(awk '/ requests in / { print $1 }' "$out/wrk-cpu.txt")
echo "== per request (wrk -t1 -c$conns -d3s)"
awk -v b="$before" -v a="$after" -v n="$requests" -v tck="$(getconf CLK_TCK)" 'BEGIN {
    split(b, x, " "); split(a, y, " ")
    printf "CPU over %d requests: user %.2f us, system %.2f us (/proc/PID/stat, %d Hz ticks)\n",
        n, (y[1] - x[1]) * 1e6 / tck / n, (y[2] - x[2]) * 1e6 / tck / n, tck }'

timeout 60 perf stat -e 'syscalls:sys_enter_*' -p "$server" -o "$out/syscalls.txt" -- sleep 4 &
stat_pid=$!
pids+=("$stat_pid")
sleep 0.5
timeout 40 wrk -t1 -c"$conns" -d3s "$url" >"$out/wrk-syscalls.txt"
wait "$stat_pid" || true
requests=$(awk '/ requests in / { print $1 }' "$out/wrk-syscalls.txt")
echo "system calls over $requests requests:"
awk -v n="$requests" '$2 ~ /^syscalls:sys_enter_/ { gsub(",", "", $1); c = $1 + 0; t += c
        if (c > n / 100) { sub("syscalls:sys_enter_", "", $2); printf "  %-16s %6.2f\n", $2, c / n } }
    END { printf "  %-16s %6.2f per request\n", "all", t / n }' "$out/syscalls.txt"
