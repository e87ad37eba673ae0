#!/usr/bin/env bash
# POST /fhir answers before it ingests (issue 10): the time to the 202 for a
# body of N synthetic citizens, and the time until its ingest is done, on a
# fresh SQLite store (or the given PostgreSQL URL), `reghub run --no-workers`
# on loopback (plain HTTP), one run.
#   bench/intake_answer.sh [N] [postgresql://…]   (default 3000)
set -euo pipefail
n=${1:-3000}
pg=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${REGHUB_BIN:-$root/build/hub/cli/reghub}
work=$(mktemp -d)
hub=""
cleanup() {
  [ -n "$hub" ] && kill "$hub" 2>/dev/null && wait "$hub" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export REGHUB_STORE_KEY=${REGHUB_STORE_KEY:-$(openssl rand -base64 32)}
export REGHUB_BENCH_TOKEN=bench-intake-token-0123456789
asof=2026-11-01
if [ -n "$pg" ]; then
  PGOPTIONS=--client-min-messages=warning psql -q "$pg" -c "DROP SCHEMA IF EXISTS intake_$n CASCADE; CREATE SCHEMA intake_$n" >/dev/null
  store="$pg?options=-csearch_path%3Dintake_$n"
else
  store="sqlite:$work/store.db"
fi
"$bin" synth --citizens "$n" --seed 21 --as-of "$asof" --out "$work/c.ndjson" >/dev/null 2>&1
cat >"$work/hub.properties" <<PROPS
store.url = $store
http.port = 0
sync.intervalMinutes = 0
http.clients = bench
http.client.bench.tokenEnv = REGHUB_BENCH_TOKEN
http.client.bench.roles = intake, analyst
PROPS
"$bin" run --no-workers --config "$work/hub.properties" >"$work/out" 2>"$work/err" &
hub=$!
for _ in $(seq 300); do grep -qs '^listening on ' "$work/out" && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$work/out" | head -1)
echo "machine: $(nproc) vCPU; load average: $(cut -d' ' -f1-3 /proc/loadavg); store: ${store%%:*}"
echo "body: $n citizens, $(awk "BEGIN{printf \"%.1f\", $(stat -c %s "$work/c.ndjson") / 1e6}") MB"
start=$(date +%s.%N)
answer=$(curl -s -o "$work/answer" -w '%{http_code} %{time_total}' -X POST -H "Authorization: Bearer $REGHUB_BENCH_TOKEN" \
  -H 'Content-Type: application/fhir+ndjson' --data-binary @"$work/c.ndjson" "$url/fhir")
echo "202 after: ${answer#* } s (status ${answer%% *})"
id=$(grep -o '"ingestId":"[^"]*"' "$work/answer" | cut -d'"' -f4)
while ! curl -s -H "Authorization: Bearer $REGHUB_BENCH_TOKEN" "$url/ingest/$id" | grep -q '"state":"done"'; do sleep 0.2; done
end=$(date +%s.%N)
echo "done after: $(awk "BEGIN{printf \"%.1f\", $end - $start}") s; $(curl -s -H "Authorization: Bearer $REGHUB_BENCH_TOKEN" "$url/ingest/$id" | grep -o '"queued":[0-9]*')"
