#!/usr/bin/env bash
# Loopback HTTP comparison, for users and the README (not part of CI): wrk against
#   1. the Xero example (WebhookSignatureLayer + VerifiedEvents),
#   2. a bare axum server with the same route and no verification, and
#   3. the seeds' Node/Express receiver (express.raw, createHmac, timingSafeEqual),
# each pinned to core 0 with wrk on core 1, signed 1 KiB Xero batches, DURATION seconds each,
# 127.0.0.1 only. Prints requests per second, p50/p99 latency and peak RSS, and the ratios.
#
#   bash benches/loopback/run.sh            # DURATION=10 CONNECTIONS=32 by default
#
# Installs what it needs: wrk and curl (Debian packages) and the receiver's npm packages
# (lockfile).
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
KEY='wJq0sWkq0yQzZ6Dk8Jm2Vb1n3Xo5Tq7Ue9Gr1Ht3Ky5Lz7Mx9Nc1Pv3Rb5Sd7Ff9Hg1Jh3Kk5Ll7Mm9Nn1Pp3Qq5Rr7Ss9Tt1Uu3Vv5Ww7=='
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v curl >/dev/null || missing+=(curl)
command -v taskset >/dev/null || missing+=(util-linux)
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
(cd benches/loopback && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
cargo build -q --release --example xero -p tower-webhooks
cargo build -q --release -p tower-webhooks-peers --bin bare_axum
target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')

# A signed 1 KiB Xero batch, and wrk's script to POST it.
python3 - "$work" "$KEY" <<'PY'
import base64, hashlib, hmac, json, sys
work, key = sys.argv[1], sys.argv[2]
event = {"resourceUrl": "https://api.xero.com/api.xro/2.0/Invoices/0d3a5e2c", "resourceId": "0d3a5e2c",
         "eventDateUtc": "2024-05-01T10:00:00.000", "eventType": "CREATE", "eventCategory": "INVOICE",
         "tenantId": "tenant-a", "tenantType": "ORGANISATION"}
body = json.dumps({"events": [event] * 4, "firstEventSequence": 1, "lastEventSequence": 4,
                   "entropy": "S0m3r4Nd0mt3xt"}, separators=(",", ":")).encode()
signature = base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()
open(f"{work}/body.json", "wb").write(body)
open(f"{work}/post.lua", "w").write(f'''
wrk.method = "POST"
local f = io.open("{work}/body.json", "rb")
wrk.body = f:read("*a")
f:close()
wrk.headers["content-type"] = "application/json"
wrk.headers["x-xero-signature"] = "{signature}"
''')
open(f"{work}/signature", "w").write(signature)
PY
signature=$(cat "$work/signature")

start() { # name, port, command...
    local name=$1 port=$2; shift 2
    # RUST_LOG=warn: the Xero example logs every event at info by default, and the comparison is
    # about verification, not about writing log lines.
    RUST_LOG=warn PORT=$port XERO_WEBHOOK_KEY=$KEY taskset -c 0 "$@" 2>"$work/$name.log" &
    echo $! >"$work/$name.pid"
    for _ in $(seq 100); do
        curl -s -o /dev/null "http://127.0.0.1:$port/" && return 0
        sleep 0.1
    done
    echo "$name did not start:"; cat "$work/$name.log"; exit 1
}

measure() { # name, port
    local name=$1 port=$2 url="http://127.0.0.1:$2/webhooks/xero"
    local status
    status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "x-xero-signature: $signature" \
        --data-binary @"$work/body.json" "$url")
    [ "$status" = 200 ] || { echo "$name answered $status to a signed delivery"; exit 1; }
    taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$work/post.lua" "$url" >"$work/$name.wrk"
    local pid; pid=$(cat "$work/$name.pid")
    local rss; rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    local rps p50 p99 non2xx
    rps=$(awk '/Requests\/sec/ {print $2}' "$work/$name.wrk")
    p50=$(awk '$1 == "50%" {print $2}' "$work/$name.wrk")
    p99=$(awk '$1 == "99%" {print $2}' "$work/$name.wrk")
    non2xx=$(awk '/Non-2xx/ {print $4}' "$work/$name.wrk")
    printf '%s %s %s %s %s %s\n' "$name" "$rps" "$p50" "$p99" "$((rss / 1024))" "${non2xx:-0}" >>"$work/results"
}

start xero 3100 "$target/release/examples/xero"
measure xero 3100
start bare 3101 "$target/release/bare_axum"
measure bare 3101
start express 3102 node benches/loopback/express_receiver.js
measure express 3102

echo "wrk -t1 -c$CONNECTIONS -d${DURATION}s, signed $(wc -c <"$work/body.json")-byte Xero batches, servers on core 0, wrk on core 1, $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
printf '%-10s %12s %10s %10s %10s %8s\n' server req/s p50 p99 peak_MiB non-2xx
while read -r name rps p50 p99 rss non2xx; do
    printf '%-10s %12s %10s %10s %10s %8s\n' "$name" "$rps" "$p50" "$p99" "$rss" "$non2xx"
done <"$work/results"
python3 - "$work/results" <<'PY'
import sys
rows = {l.split()[0]: float(l.split()[1]) for l in open(sys.argv[1])}
print(f"xero example / bare axum: {rows['xero'] / rows['bare']:.2f}x requests per second (target 0.92x, issue 15)")
print(f"xero example / express:   {rows['xero'] / rows['express']:.2f}x requests per second (target 3x)")
PY
