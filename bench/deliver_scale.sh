#!/usr/bin/env bash
# Delivery at scale (issue 10): N and 10·N generated citizens are ingested
# (not timed here: bench/store_scale.sh), then W `reghub run --no-http`
# processes deliver every message to the loopback sandboxes, dependencies as
# rendered (SMDB: anmodning before iværksættelse before …). Prints messages/s
# from the first worker's start until nothing waits.
#   bench/deliver_scale.sh [N] [sqlite|postgresql://…] [W]   (default 1000, SQLite, 3)
set -euo pipefail
n=${1:-1000}
backend=${2:-sqlite}
workers=${3:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${REGHUB_BIN:-$root/build/hub/cli/reghub}
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export REGHUB_STORE_KEY=${REGHUB_STORE_KEY:-$(openssl rand -base64 32)}
asof=2026-11-01

# Each sandbox on a free port; its URL and CA go into the hub's settings.
props="$work/hub.properties"
: >"$props"
for reg in smdb ltt; do
  # The sandbox writes what a hub needs to reach it (endpoint, CA, and for
  # SMDB the OIO IDWS test credentials of its STS stand-in).
  "$bin" sandbox "$reg" --port 0 --write-client-config "$work/client-$reg.properties" >"$work/sandbox-$reg.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 200); do [ -s "$work/client-$reg.properties" ] && grep -qs '^CA file:' "$work/sandbox-$reg.log" && break; sleep 0.1; done
  cat "$work/client-$reg.properties" >>"$props"
  echo >>"$props"
done
cat >>"$props" <<PROPS
outbox.workers = ${REGHUB_BENCH_THREADS:-4}
outbox.pollMillis = 20
PROPS

echo "machine: $(nproc) vCPU; load average: $(cut -d' ' -f1-3 /proc/loadavg); store: ${backend%%:*}; worker processes: $workers"
printf '%9s %9s %10s %12s\n' citizens messages deliver_s messages/s
for size in ${REGHUB_BENCH_SIZES:-$n $((n * 10))}; do
  data="$work/c$size.ndjson"
  "$bin" synth --citizens "$size" --seed 21 --as-of "$asof" --mistakes 0 --out "$data" >/dev/null 2>&1
  if [ "$backend" = sqlite ]; then
    store="sqlite:$work/store$size.db"
  else
    PGOPTIONS=--client-min-messages=warning psql -q "$backend" -c "DROP SCHEMA IF EXISTS deliver_$size CASCADE; CREATE SCHEMA deliver_$size" >/dev/null 2>&1
    store="$backend?options=-csearch_path%3Ddeliver_$size"
  fi
  "$bin" ingest --config "$props" --store "$store" --as-of "$asof" "$data" >/dev/null 2>"$work/ingest.log" || true
  queued=$(grep -o '[0-9]* meddelelser i kø' "$work/ingest.log" | grep -o '^[0-9]*')
  start=$(date +%s.%N)
  wpids=()
  for w in $(seq "$workers"); do
    "$bin" run --no-http --config "$props" --store "$store" >"$work/run$w.log" 2>&1 &
    wpids+=($!)
    pids+=($!)
  done
  # Done when nothing is pending, sending or waiting to retry.
  while :; do
    left=$("$bin" status --config "$props" --store "$store" --format json 2>/dev/null |
      python3 -c 'import json,sys
d=json.load(sys.stdin); print(sum(r["count"] for r in d["counts"] if r["state"] in ("pending","sending","retry-wait")))' || echo "?")
    [ "$left" = 0 ] && break
    sleep 0.2
  done
  end=$(date +%s.%N)
  for p in "${wpids[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  secs=$(awk "BEGIN{print $end - $start}")
  printf '%9d %9d %10.2f %12.0f\n' "$size" "$queued" "$secs" "$(awk "BEGIN{print $queued / $secs}")"
done
