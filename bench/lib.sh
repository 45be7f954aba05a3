# Shared by the benchmark scripts (bench/run.sh, bench/ratelimit.sh, ...): process
# bookkeeping with an EXIT trap, statistics, starting coderunner-server, quiet-machine waits and
# wrk. Source it after setting root, bench, build, tmp (a temp dir) and config; bench_rounds sets
# duration_s, bench_build server_bin and nginx_bin.
# shellcheck shell=bash disable=SC2154  # root, bench, build, tmp, config: set by the sourcing script
# ---------------------------------------------------------------- options
# bench_rounds DEFAULT [MIN]: ROUNDS (DEFAULT, at least MIN) and DURATION (10s) from the
# environment, checked; sets duration_s (seconds).
bench_rounds() {
    local min=${2:-1}
    ROUNDS=${ROUNDS:-$1}
    DURATION=${DURATION:-10s}
    [[ "$ROUNDS" =~ ^[1-9][0-9]?$ ]] && ((ROUNDS >= min)) ||
        { echo "ROUNDS must be $min..99" >&2; exit 2; }
    [[ "$DURATION" =~ ^([1-9][0-9]*)s?$ ]] || { echo "DURATION must be like 10s" >&2; exit 2; }
    duration_s=${BASH_REMATCH[1]}
}

# ---------------------------------------------------------------- process bookkeeping
pids=()
stop_pid() { # stop_pid PID: TERM, then KILL after 5 s
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
forget_pids() { # drops the pids of processes already gone, so a reused pid is never signalled
    local keep=() pid
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && keep+=("$pid"); done
    pids=("${keep[@]}")
}
cleanup() {
    local pid
    for pid in "${pids[@]}"; do stop_pid "$pid"; done
    if [[ "${KEEP_TMP:-0}" == 1 ]]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM


# ---------------------------------------------------------------- helpers
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null || true; }
# Memory is reported in MB = 10^6 bytes (/proc gives KiB), the stricter reading of "40 MB".
mb() { awk -v k="$1" 'BEGIN { if (k == "" || k == "?") print "?"; else printf "%.1f", k * 1024 / 1e6 }'; }
# stats: numbers on stdin -> "median min max"
stats() {
    sort -g | awk '{ a[NR] = $1 }
        END { if (NR == 0) { print "nan nan nan"; exit }
              m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
              print m, a[1], a[NR] }'
}
# fmt_stats DECIMALS "median min max" -> "M (min-max)"
fmt_stats() {
    awk -v d="$1" -v s="$2" 'BEGIN { split(s, v, " ")
        printf "%." d "f (%." d "f-%." d "f)", v[1], v[2], v[3] }'
}

# workers_label: the HTTP worker count the servers run with, for summaries.
workers_label() {
    case "${CR_WORKERS:-}" in
        '') echo "1 (bench/coderunner-bench.json)" ;;
        0) echo "0 = one per core = $(nproc)" ;;
        *) echo "$CR_WORKERS" ;;
    esac
}

# start_server NAME EXTRA-ARGS...: starts coderunner-server on a free port; sets srv_pid, srv_port
start_server() {
    local name=$1 i
    shift
    local extra=()
    [[ -n "${CR_WORKERS:-}" ]] && extra+=(--workers "$CR_WORKERS")
    [[ -n "${CR_EVENT_LOOP:-}" ]] && extra+=(--worker-event-loop "$CR_EVENT_LOOP")
    "$server_bin" --config "$config" --bind 127.0.0.1 --port 0 --data-dir "$tmp/$name-data" \
        "${extra[@]}" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
    srv_pid=$!
    pids+=("$srv_pid")
    srv_port=
    for ((i = 0; i < 500; i++)); do # up to 10 s
        if grep -q '^listening on ' "$tmp/$name.out" 2>/dev/null; then
            srv_port=$(sed -n 's/^listening on http:\/\/127\.0\.0\.1:\([0-9]*\)$/\1/p' "$tmp/$name.out")
            break
        fi
        kill -0 "$srv_pid" 2>/dev/null || break
        sleep 0.02
    done
    if [[ -z "$srv_port" ]]; then
        echo "coderunner-server ($name) did not start:" >&2
        cat "$tmp/$name.err" >&2
        exit 1
    fi
}
# free_port: a port below the ephemeral range (so no client socket of ours can hold it) that no
# socket on the machine uses, from /proc/net/tcp{,6}
free_port() {
    local low p i hex
    low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range)
    ((low > 12000)) || low=32768
    for ((i = 0; i < 50; i++)); do
        p=$((10000 + RANDOM % (low - 10000)))
        hex=$(printf '%04X' "$p")
        if ! awk -v h=":$hex" 'FNR > 1 && substr($2, length($2) - 4) == h { f = 1 } END { exit !f }' \
            /proc/net/tcp /proc/net/tcp6 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    return 1
}
get() { curl -sS --max-time 5 "$@"; }
# idle_pct: share of CPU time the whole machine spent idle over the next second
idle_pct() {
    local a b
    a=$(awk '$1 == "cpu" { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat)
    sleep 1
    b=$(awk '$1 == "cpu" { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat)
    awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " ")
        d = y[2] - x[2]; printf "%.0f", (d > 0 ? 100 * (y[1] - x[1]) / d : 100) }'
}
# wait_quiet: waits (at most QUIET_WAIT seconds, default 60) for a second with >= 85 % idle CPU
wait_quiet() {
    local i p
    for ((i = 0; i < ${QUIET_WAIT:-60}; i++)); do
        p=$(idle_pct)
        ((p >= 85)) && { echo "machine idle: ${p}% idle CPU"; return 0; }
    done
    echo "WARNING: the machine stayed busy (last second ${p:-?}% idle); figures will be noisy"
}
# cpu_ticks PID: user + system CPU time of a process (all its threads), in clock ticks
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
tck=$(getconf CLK_TCK)
# run_wrk OUTFILE CONNS URL [SECONDS] [PID]
#   -> "rps p50_ms p99_ms non2xx socket_errors server_cpu_us_per_request"
#   WRK_HEADER="Name: value" adds one request header.
run_wrk() {
    local out=$1 c=$2 url=$3 secs=${4:-$duration_s} pid=${5:-} t0=0 t1=0
    [[ -n "$pid" ]] && t0=$(cpu_ticks "$pid")
    timeout $((secs + 30)) wrk -t1 -c"$c" -d"${secs}s" --latency ${WRK_HEADER:+-H "$WRK_HEADER"} \
        "$url" >"$out" 2>&1 ||
        { echo "wrk failed:" >&2; cat "$out" >&2; exit 1; }
    [[ -n "$pid" ]] && t1=$(cpu_ticks "$pid")
    awk -v ticks=$((t1 - t0)) -v tck="$tck" 'function ms(v) {
            if (v ~ /us$/) return v / 1000
            if (v ~ /ms$/) return v + 0
            if (v ~ /m$/) return v * 60000
            if (v ~ /s$/) return v * 1000
            return v + 0 }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        $1 == "Requests/sec:" { rps = $2 }
        /Non-2xx or 3xx responses:/ { bad = $NF }
        /Socket errors:/ { err = ($4 + 0) + ($6 + 0) + ($8 + 0) + ($10 + 0) }
        / requests in / { n = $1 }
        END { printf "%s %.3f %.3f %d %d %.2f\n", rps, p50, p99, bad, err,
                  (n > 0 ? ticks * 1e6 / tck / n : 0) }' "$out"
}

# start_nginx BODY: nginx (bench/nginx.conf.in) answering /health with BODY and the same
# headers as CodeRunner; sets ngx_pid, ngx_port, ngx_url. Needs nginx_bin.
start_nginx() {
    local body=$1 bs q ngx user_line ngx_up attempt conf i
    [[ "$body" != *'$'* ]] || { echo "/health body has a \$; cannot put it in nginx.conf" >&2; exit 1; }
    bs='\'
    q="'"
    body=${body//"$bs"/"$bs$bs"}
    body=${body//"$q"/"$bs$q"}
    ngx="$tmp/nginx"
    mkdir -p "$ngx"
    user_line=
    if [[ $(id -u) -eq 0 ]]; then user_line="user $(id -un) $(id -gn);"; fi
    ngx_up=0
    for ((attempt = 1; attempt <= 5 && ngx_up == 0; attempt++)); do
        ngx_port=$(free_port) || { echo "no free port for nginx" >&2; exit 1; }
        conf=$(<"$bench/nginx.conf.in")
        conf=${conf//@PREFIX@/"$ngx"}
        conf=${conf//@PORT@/"$ngx_port"}
        conf=${conf//@USER@/"$user_line"}
        conf=${conf//@BODY@/"$body"}
        printf '%s\n' "$conf" >"$ngx/nginx.conf"
        "$nginx_bin" -p "$ngx/" -c "$ngx/nginx.conf" -e "$ngx/error.log" >"$tmp/nginx.out" 2>&1 &
        ngx_pid=$!
        pids+=("$ngx_pid")
        ngx_url="http://127.0.0.1:$ngx_port/health"
        for ((i = 0; i < 500; i++)); do # up to 10 s
            if get -o /dev/null "$ngx_url" 2>/dev/null; then ngx_up=1; break; fi
            kill -0 "$ngx_pid" 2>/dev/null || break
            sleep 0.02
        done
        if ((ngx_up == 0)); then
            echo "nginx did not start on port $ngx_port (attempt $attempt):" >&2
            tail -n 3 "$tmp/nginx.out" >&2
            stop_pid "$ngx_pid"
        fi
    done
    ((ngx_up == 1)) || exit 1
}

# bench_build TARGET...: installs what the benchmarks need and makes a Release build (GUI and
# tests off) of coderunner-server and TARGET... in $build; sets server_bin and nginx_bin.
bench_build() {
    "$root/scripts/deps.sh" build bench
    export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCODERUNNER_BUILD_GUI=OFF \
        -DCODERUNNER_BUILD_TESTS=OFF >/dev/null
    ninja -C "$build" coderunner-server "$@" >/dev/null
    server_bin="$build/app/coderunner-server"
    nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
}

# bench_header TITLE: what, from which commit, how busy the machine was; then waits for quiet.
bench_header() {
    echo "== $1"
    echo "source: commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?');" \
        "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    wait_quiet
}
