#!/usr/bin/env bash
# A throw-away PostgreSQL 15 cluster for the storage tests. Installs nothing itself
# (scripts/deps.sh test installs postgresql-15).
#
#   scripts/pg-test-cluster.sh start [STATE_FILE]   start a cluster, print its base URL
#   scripts/pg-test-cluster.sh stop  [STATE_FILE]   stop it and delete its files
#
# The cluster lives in a temporary directory under /tmp, listens on 127.0.0.1 only on a free
# port (and on a Unix socket in its own directory), and trusts every local connection: it is
# for tests, never for data. STATE_FILE (default /tmp/coderunner-pg-test.env) records
#   CR_PG_URL=postgresql://postgres@127.0.0.1:PORT/postgres?connect_timeout=5
#   CR_PG_DIR=/tmp/coderunner-pg.XXXXXX
# The tests read CR_PG_URL from it; an empty CR_PG_URL (with CR_PG_UNAVAILABLE=reason) means
# PostgreSQL is not available here, which is a failure only when CODERUNNER_REQUIRE_POSTGRES=1.
set -euo pipefail

bindir=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
action=${1:-}
state=${2:-${TMPDIR:-/tmp}/coderunner-pg-test.env}

log() { echo "pg-test-cluster: $*" >&2; }

unavailable() {
    log "PostgreSQL is not available: $1"
    printf 'CR_PG_URL=\nCR_PG_UNAVAILABLE=%s\n' "$1" >"$state"
    if [[ "${CODERUNNER_REQUIRE_POSTGRES:-0}" == 1 ]]; then
        log "CODERUNNER_REQUIRE_POSTGRES=1: failing"
        exit 1
    fi
    exit 0
}

# Runs a PostgreSQL program as the cluster's owner: postgres when we are root (the server
# refuses to run as root), ourselves otherwise.
as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
    [[ -x "$bindir/initdb" && -x "$bindir/pg_ctl" ]] || unavailable "no initdb/pg_ctl in $bindir"
    if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
        unavailable "running as root and there is no postgres user"
    fi
    if [[ -f "$state" ]]; then
        # A cluster left behind by an interrupted run: stop it first.
        stop
    fi
    local dir
    dir=$(mktemp -d /tmp/coderunner-pg.XXXXXX)
    [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
    if ! as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
        --no-sync >"$dir/initdb.log" 2>&1; then
        cat "$dir/initdb.log" >&2
        rm -rf "$dir"
        unavailable "initdb failed"
    fi
    # Trust, and only from this machine: the Unix socket in the private directory and 127.0.0.1.
    as_owner sh -c "printf '%s\n' 'local all all trust' 'host all all 127.0.0.1/32 trust' \
        >'$dir/data/pg_hba.conf'"
    local port attempt
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        port_in_use "$port" && continue
        if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off \
                -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
            >/dev/null; then
            local url="postgresql://postgres@127.0.0.1:$port/postgres?connect_timeout=5"
            printf 'CR_PG_URL=%s\nCR_PG_DIR=%s\n' "$url" "$dir" >"$state"
            echo "$url"
            return 0
        fi
        log "start on port $port failed (attempt $attempt)"
        tail -n 5 "$dir/server.log" >&2 || true
    done
    rm -rf "$dir"
    unavailable "the server did not start"
}

stop() {
    [[ -f "$state" ]] || return 0
    local dir
    dir=$(sed -n 's/^CR_PG_DIR=//p' "$state")
    if [[ -n "$dir" && -d "$dir" && "$dir" == /tmp/coderunner-pg.* ]]; then
        if [[ -f "$dir/data/postmaster.pid" ]]; then
            as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
        fi
        rm -rf "$dir"
    fi
    rm -f "$state"
}

case "$action" in
    start) start ;;
    stop) stop ;;
    *)
        echo "usage: $0 start|stop [STATE_FILE]" >&2
        exit 2
        ;;
esac
