#!/usr/bin/env bash
# Delivery at scale (issue 10): N and 10·N generated citizens are ingested
# (not timed here: bench/store_scale.sh), then W `reghub run --no-http`
# processes deliver every message to the loopback sandboxes (one per
# registry: REGHUB_BENCH_REGISTRIES, default smdb ltt rehab), dependencies as
# rendered (SMDB: anmodning before iværksættelse before …). Prints messages/s
# from the first worker's start until nothing waits.
#   bench/deliver_scale.sh [N] [sqlite|postgresql://…] [W]   (default 1000, SQLite, 3)
# Also prints the CPU seconds (user+system) of the workers and of each
# sandbox over the delivery. REGHUB_BENCH_PERF=DIR records each worker and
# sandbox with `perf record -g` into DIR (run*.data, sandbox-*.data).
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
  [ -n "${REGHUB_BENCH_KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT
spids=()
perfFor() { [ -n "${REGHUB_BENCH_PERF:-}" ] && mkdir -p "$REGHUB_BENCH_PERF" && echo "perf record -q ${REGHUB_BENCH_PERF_ARGS:--F 299 -g} -o $REGHUB_BENCH_PERF/$1.data --"; true; }
# CPU seconds (user + system) of a process, or of the one perf runs.
cpuOf() {
  local p=$1 c
  c=$(pgrep -P "$p" | head -1 || true)
  [ -n "$c" ] && p=$c
  awk -v t="$(getconf CLK_TCK)" '{print ($14 + $15) / t}' "/proc/$p/stat" 2>/dev/null || echo 0
}
export REGHUB_STORE_KEY=${REGHUB_STORE_KEY:-$(openssl rand -base64 32)}
asof=2026-11-01

# Each sandbox on a free port; its URL and CA go into the hub's settings.
props="$work/hub.properties"
: >"$props"
registries=${REGHUB_BENCH_REGISTRIES:-smdb ltt rehab}
for reg in $registries; do
  # The sandbox writes what a hub needs to reach it (endpoint, CA, and for
  # SMDB the OIO IDWS test credentials of its STS stand-in).
  $(perfFor "sandbox-$reg") "$bin" sandbox "$reg" --port 0 --write-client-config "$work/client-$reg.properties" >"$work/sandbox-$reg.log" 2>&1 &
  pids+=($!)
  spids+=($!)
  for _ in $(seq 200); do [ -s "$work/client-$reg.properties" ] && grep -qs '^CA file:' "$work/sandbox-$reg.log" && break; sleep 0.1; done
  cat "$work/client-$reg.properties" >>"$props"
  echo >>"$props"
done
cat >>"$props" <<PROPS
outbox.workers = ${REGHUB_BENCH_THREADS:-4}
outbox.pollMillis = 20
PROPS

echo "machine: $(nproc) vCPU; load average: $(cut -d' ' -f1-3 /proc/loadavg); store: ${backend%%:*}; worker processes: $workers"
printf '%9s %9s %10s %12s %14s  %s\n' citizens messages deliver_s messages/s workers_cpu_s "sandbox_cpu_s ($registries)"
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
  sbx0=(); for p in "${spids[@]}"; do sbx0+=("$(cpuOf "$p")"); done
  start=$(date +%s.%N)
  wpids=()
  for w in $(seq "$workers"); do
    $(perfFor "run$size-$w") "$bin" run --no-http --config "$props" --store "$store" >"$work/run$w.log" 2>&1 &
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
  wcpu=0
  for p in "${wpids[@]}"; do wcpu=$(awk "BEGIN{print $wcpu + $(cpuOf "$p")}"); done
  scpu=""; i=0; for p in "${spids[@]}"; do scpu="$scpu $(awk "BEGIN{printf \"%.1f\", $(cpuOf "$p") - ${sbx0[$i]}}")"; i=$((i + 1)); done
  for p in "${wpids[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  secs=$(awk "BEGIN{print $end - $start}")
  printf '%9d %9d %10.2f %12.0f %14.1f %s\n' "$size" "$queued" "$secs" "$(awk "BEGIN{print $queued / $secs}")" \
    "$wcpu" "$scpu"
done
