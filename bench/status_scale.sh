#!/usr/bin/env bash
# Status at 1,000,000 messages (issue 10): N synthetic citizens are ingested
# into a fresh SQLite store, their messages copied in SQL until the store
# holds about a million (new keys; a third accepted, some rejected with a
# rule text; sealed bodies shortened — status does not read them; the
# counters of migration 11 follow every copy through their triggers), then
# `reghub status --format json` is timed as a whole process (open,
# migration check, counts, rejections, parked), 5 runs.
#   bench/status_scale.sh [N]   (default 10000 citizens: 22,470 messages × 45)
set -euo pipefail
n=${1:-10000}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${REGHUB_BIN:-$root/build/hub/cli/reghub}
work=${REGHUB_BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
[ -n "${REGHUB_BENCH_DIR:-}" ] || trap 'rm -rf "$work"' EXIT
export REGHUB_STORE_KEY=${REGHUB_STORE_KEY:-$(openssl rand -base64 32)}
asof=2026-11-01
db="$work/status.db"
rm -f "$db"*
"$bin" synth --citizens "$n" --seed 21 --as-of "$asof" --mistakes 0 --out "$work/c.ndjson" >/dev/null 2>&1
"$bin" ingest --store "sqlite:$db" --as-of "$asof" "$work/c.ndjson" >/dev/null 2>&1 || true
base=$(sqlite3 "$db" "SELECT COUNT(*) FROM messages")
copies=$(( (1000000 + base - 1) / base - 1 ))
for c in $(seq "$copies"); do
  sqlite3 "$db" "INSERT INTO messages (registry, kind, idem_key, content_hash, state, attempts, next_at, cpr_hash,
    citizen_masked, forloeb_key, kommune, delivery_day, ingest_id, key_id, sealed, registry_id, last_status,
    last_detail, created_at, updated_at, blocked)
    SELECT registry, kind, idem_key || '#$c', content_hash, CASE id % 3 WHEN 0 THEN 'accepted' ELSE
      CASE WHEN id % 29 = 0 THEN 'rejected' ELSE state END END, attempts, next_at, cpr_hash, citizen_masked,
      forloeb_key, kommune, delivery_day, ingest_id, key_id, substr(sealed, 1, 16), registry_id, last_status,
      CASE WHEN id % 29 = 0 THEN 'SMDB-ANM-0' || (id % 7) || ': afvist' ELSE last_detail END, created_at, updated_at,
      blocked FROM messages WHERE idem_key NOT LIKE '%#%'"
done
total=$(sqlite3 "$db" "SELECT COUNT(*) FROM messages")
counted=$(sqlite3 "$db" "SELECT SUM(n) FROM message_counts")
echo "machine: $(nproc) vCPU; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "binary: $bin ($(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo '?'))"
echo "messages: $total (counters: $counted); store $(du -sh "$db" | cut -f1)"
for run in 1 2 3 4 5; do
  /usr/bin/time -f '%e %U %S' -o "$work/time" "$bin" status --store "sqlite:$db" --format json >/dev/null 2>&1 || true
  tail -1 "$work/time" | awk -v r="$run" '{printf "status run %d: %.2f s wall, %.2f s CPU\n", r, $1, $2 + $3}'
done
t0=$(date +%s%N)
sqlite3 "$db" "SELECT registry, kommune, state, SUM(n) FROM (SELECT registry, kommune, state, n FROM message_counts
  UNION ALL SELECT registry, kommune, state, n FROM message_count_deltas) c WHERE state <> 'superseded'
  GROUP BY registry, kommune, state HAVING SUM(n) <> 0" >/dev/null
t1=$(date +%s%N)
echo "the totals query alone (sqlite3): $(( (t1 - t0) / 1000000 )) ms (process start included)"
