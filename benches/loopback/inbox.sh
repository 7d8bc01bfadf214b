#!/usr/bin/env bash
# Durable acknowledgements over loopback, for the README (not part of CI): CONNECTIONS
# keep-alive connections (default 32) POST signed Xero batches of 4 events, each one different
# so that every one is stored, for DURATION seconds (default 10) to
#   1. the inbox example on SQLite with group commit (a 200 = the delivery is on disk),
#   2. the same with one transaction per delivery (INBOX_GROUP_COMMIT=off),
#   3. the Xero example, which verifies and answers without storing,
#   4. the seeds' Node/Express receiver, which verifies and answers without storing,
#   5. the inbox example on PostgreSQL with group commit, and
#   6. the same with one insert per delivery.
# Servers (and PostgreSQL) on core 0, the load (benches/peers/src/bin/durable_load.rs) on
# core 1, 127.0.0.1 only. The inbox runs as a receiver alone (INBOX_ROLE=receive): this
# measures acknowledgements, not handlers. Prints requests/s, p50 and p99, and the ratios.
#
#   bash benches/loopback/inbox.sh
#
# Installs what it needs: curl and PostgreSQL (Debian packages) and the Express receiver's npm
# packages (lockfile).
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
KEY='wJq0sWkq0yQzZ6Dk8Jm2Vb1n3Xo5Tq7Ue9Gr1Ht3Ky5Lz7Mx9Nc1Pv3Rb5Sd7Ff9Hg1Jh3Kk5Ll7Mm9Nn1Pp3Qq5Rr7Ss9Tt1Uu3Vv5Ww7=='
work=$(mktemp -d)
chmod 755 "$work"
pg_bin=
cleanup() {
    kill $(jobs -p) 2>/dev/null || true
    if [ -n "$pg_bin" ]; then
        as_postgres "$pg_bin/pg_ctl" -D "$work/pg" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

missing=()
command -v curl >/dev/null || missing+=(curl)
command -v taskset >/dev/null || missing+=(util-linux)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
(cd benches/loopback && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
cargo build -q --release --example inbox --example xero -p tower-webhooks --features postgres
cargo build -q --release -p tower-webhooks-peers --bin durable_load
target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')

# PostgreSQL in the work directory, on core 0 with the receivers, fsync on.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir "$work/pg"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$work/pg"
as_postgres "$pg_bin/initdb" -D "$work/pg" -U postgres --auth=trust -E UTF8 >/dev/null
as_postgres taskset -c 0 "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/log" -w \
    -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c fsync=on" start >/dev/null
psql() { "$pg_bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U postgres "$@"; }

start() { # name, port, command... (environment before it)
    local name=$1 port=$2; shift 2
    RUST_LOG=warn PORT=$port XERO_WEBHOOK_KEY=$KEY taskset -c 0 "$@" 2>"$work/$name.log" &
    echo $! >"$work/$name.pid"
    for _ in $(seq 100); do
        curl -s -o /dev/null "http://127.0.0.1:$port/" && return 0
        sleep 0.1
    done
    echo "$name did not start:"; cat "$work/$name.log"; exit 1
}

measure() { # name, port
    local name=$1 port=$2
    local result
    result=$(taskset -c 1 "$target/release/durable_load" "http://127.0.0.1:$port/webhooks/xero" \
        "$KEY" "$CONNECTIONS" "$DURATION")
    local pid; pid=$(cat "$work/$name.pid")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    echo "$name $result" >>"$work/results"
}

bench() { # name, port, command... (ONLY=regex runs the names it matches)
    local name=$1 port=$2
    if [ -n "${ONLY:-}" ] && ! [[ $name =~ $ONLY ]]; then return 0; fi
    shift 2
    start "$name" "$port" "$@"
    measure "$name" "$port"
}

inbox="$target/release/examples/inbox"
psql -c 'CREATE DATABASE grouped' -c 'CREATE DATABASE single'
bench sqlite_group 3200 env INBOX_ROLE=receive INBOX_PATH="$work/group.db" "$inbox"
bench sqlite_one_tx 3201 env INBOX_ROLE=receive INBOX_PATH="$work/one.db" INBOX_GROUP_COMMIT=off "$inbox"
bench no_inbox 3202 "$target/release/examples/xero"
bench express 3203 node benches/loopback/express_receiver.js
bench pg_group 3204 env INBOX_ROLE=receive DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/grouped" "$inbox"
bench pg_one_insert 3205 env INBOX_ROLE=receive DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/single" INBOX_GROUP_COMMIT=off "$inbox"

# What the inboxes hold is what they acknowledged: 4 events a delivery.
stored_group=0
[ -f "$work/group.db" ] && stored_group=$(python3 -c "import sqlite3; print(sqlite3.connect('$work/group.db').execute('select count(*) from events').fetchone()[0])")
stored_pg=$(psql -d grouped -At -c 'SELECT count(*) FROM tower_webhooks_events' 2>/dev/null || echo 0)

# What one fsync costs on this disk: what group commit saves, once per group.
python3 - "$work/fsync.test" <<'PY'
import os, sys, time
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT)
began = time.perf_counter()
for _ in range(100):
    os.write(fd, b"x" * 4096)
    os.fsync(fd)
print(f"fsync of 4 KiB on this disk: {(time.perf_counter() - began) * 10:.2f} ms (mean of 100)")
PY
echo "$CONNECTIONS connections, ${DURATION}s each, signed Xero batches of 4 events (each different), servers on core 0, load on core 1, $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
printf '%-14s %10s %9s %9s %8s\n' server 'acks/s' 'p50 ms' 'p99 ms' non-200
while read -r name rps p50 p99 failed _; do
    printf '%-14s %10s %9s %9s %8s\n' "$name" "$rps" "$p50" "$p99" "$failed"
done <"$work/results"
python3 - "$work/results" "$DURATION" "$stored_group" "$stored_pg" "$CONNECTIONS" <<'PY'
import sys
rows = {l.split()[0]: [float(x) for x in l.split()[1:]] for l in open(sys.argv[1])}
duration, stored_group, stored_pg = float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
connections = int(sys.argv[5])
r = lambda name: rows[name][0]
if len(rows) < 6:
    sys.exit(0)  # ONLY ran some: no ratios
print(f"SQLite group commit / one transaction per delivery: {r('sqlite_group') / r('sqlite_one_tx'):.1f}x (target 10x)")
print(f"SQLite group commit / Express, which stores nothing: {r('sqlite_group') / r('express'):.2f}x (target 1x)")
print(f"SQLite group commit p99: {rows['sqlite_group'][2]:.2f} ms (target < 20 ms)")
print(f"PostgreSQL group commit / one insert per delivery: {r('pg_group') / r('pg_one_insert'):.1f}x (target 5x)")
print(f"PostgreSQL group commit p99: {rows['pg_group'][2]:.2f} ms")
# Every acknowledged delivery is stored; a delivery in flight when the load stopped may be
# stored without its answer counted (at most one a connection).
for name, stored in (("sqlite_group", stored_group), ("pg_group", stored_pg)):
    acked = int(rows[name][4])
    print(f"{name}: {stored} rows = 4 x {stored // 4} deliveries stored, {acked} acknowledged")
    assert acked * 4 <= stored <= (acked + connections) * 4, "an acknowledged delivery is missing"

PY
