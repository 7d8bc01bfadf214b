#!/usr/bin/env bash
# Instructions per delivery under callgrind, for each path of benches/instructions.rs: each path
# is counted at N and 3N deliveries, and the difference over 2N is printed, so the set-up cancels.
#
#   bash benches/instructions.sh [path ...]     # N=2000 by default; all paths without arguments
#
# Installs valgrind (a Debian package) if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-2000}
command -v valgrind >/dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind
}
binary=$(cargo bench --bench instructions --no-run --message-format=json 2>/dev/null |
    python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "instructions" and m.get("executable"):
        print(m["executable"])')
paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=(bare xero stripe layer-xero layer-stripe hand-written event-router)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
count() { # path, n
    valgrind --tool=callgrind --callgrind-out-file="$work/out" "$binary" "$1" "$2" >/dev/null 2>&1
    awk '/^summary:/ {print $2}' "$work/out"
}
printf '%-14s %14s\n' path instructions
for path in "${paths[@]}"; do
    one=$(count "$path" "$N")
    three=$(count "$path" $((3 * N)))
    printf '%-14s %14d\n' "$path" $(((three - one) / (2 * N)))
done
