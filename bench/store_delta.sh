#!/usr/bin/env bash
# End-to-end: what a one-citizen delta costs in a store holding N citizens,
# against the full ingest of those N citizens — one run, same machine.
#   bench/store_delta.sh [N] [sqlite|postgresql://…]   (default 100000, SQLite)
# Prints the full ingest's wall time, the median of 5 one-citizen deltas
# (each a Patient re-sent with a newer meta.lastUpdated and a changed name,
# so both registries queue an update), and their ratio.
set -euo pipefail
n=${1:-100000}
backend=${2:-sqlite}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${REGHUB_BIN:-$root/build/hub/cli/reghub}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export REGHUB_STORE_KEY=${REGHUB_STORE_KEY:-$(openssl rand -base64 32)}
store=$([ "$backend" = sqlite ] && echo "sqlite:$work/store.db" || echo "$backend")
asof=2026-11-01

"$bin" synth --citizens "$n" --seed 21 --as-of "$asof" --out "$work/all.ndjson" >/dev/null 2>&1
now() { date +%s.%N; }
t0=$(now)
"$bin" ingest --store "$store" --as-of "$asof" "$work/all.ndjson" >/dev/null 2>"$work/full.log" || true
t1=$(now)
full=$(awk "BEGIN{print $t1 - $t0}")

deltas=()
for k in 1 2 3 4 5; do
  line=$(( (k * 7919) % n + 1 ))
  python3 - "$work/all.ndjson" "$line" "$k" >"$work/delta$k.json" <<'PY'
import json, sys
path, line, k = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path) as f:
    for i, l in enumerate(f, 1):
        if i == line:
            b = json.loads(l)
            break
p = next(e["resource"] for e in b["entry"] if e["resource"]["resourceType"] == "Patient")
p.setdefault("meta", {})["lastUpdated"] = "2026-11-01T12:00:0%sZ" % k
p["name"] = [{"use": "official", "family": "Ændret%s" % k, "given": ["Delta"]}]
print(json.dumps(p))
PY
  s=$(now)
  "$bin" ingest --store "$store" --as-of "$asof" "$work/delta$k.json" >/dev/null 2>"$work/delta$k.log" || true
  e=$(now)
  deltas+=("$(awk "BEGIN{print $e - $s}")")
done
median=$(printf '%s\n' "${deltas[@]}" | sort -n | sed -n 3p)
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; store: ${backend%%:*}; citizens: $n"
echo "full ingest:            $(printf '%.1f' "$full") s  ($(grep -o '[0-9]* meddelelser i kø' "$work/full.log"))"
echo "one-citizen delta:      $(printf '%.3f' "$median") s median of 5  ($(grep -ho '[0-9]* meddelelser i kø' "$work"/delta*.log | sort | uniq -c | tr '\n' ' '))"
echo "full ingest per citizen: $(awk "BEGIN{printf \"%.4f\", $full / $n}") s"
echo "ratio delta / full:     $(awk "BEGIN{printf \"%.6f\", $median / $full}")"
