#!/usr/bin/env bash
# End to end § 140: `reghub synth` data (with its § 140 courses) through
# `reghub translate --registry rehab` (ingest, selection, view, reports,
# validation, rendering) and `reghub validate --registry rehab`, against a
# parse of the same bytes (Python's C JSON parser, line by line) in the same
# run — the ratio says what the § 140 path costs over reading the input.
# Best of R runs each; prints one table row per command (docs/PERFORMANCE.md).
#
#   bench/rehab_e2e.sh [CITIZENS] [RUNS] [BINARY]
set -euo pipefail
citizens=${1:-2000}
runs=${2:-3}
bin=${3:-build/hub/cli/reghub}
asof=2026-11-01
work=$(mktemp -d /tmp/reghub-rehab-e2e.XXXXXX)
trap 'rm -rf "$work"' EXIT
data="$work/synth.ndjson"
"$bin" synth --citizens "$citizens" --seed 1 --as-of "$asof" --mistakes 0.05 --out "$data" >/dev/null 2>&1
bytes=$(wc -c <"$data")

best() {  # best wall time in seconds of RUNS runs of the command
  local b=""
  for _ in $(seq "$runs"); do
    local s e
    s=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || true
    e=$(date +%s.%N)
    b=$(python3 -c "import sys; t=$e-$s; b='$b'; print(t if not b or t < float(b) else b)")
  done
  echo "$b"
}

parse=$(best python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1], encoding='utf-8')]" "$data")
mkdir -p "$work/out"
translate=$(best "$bin" translate --registry rehab --as-of "$asof" --out "$work/out" "$data")
reports=$(find "$work/out" -type f | wc -l)
validate=$(best "$bin" validate --registry rehab --format json --as-of "$asof" "$data")
echo "citizens=$citizens bytes=$bytes translate_out_files=$reports runs=$runs ($(uptime | sed 's/.*load/load/'))"
printf '| %-40s | %8.3f s | %6.1f × parse |\n' "parse (python json, line by line)" "$parse" 1
for row in "translate --registry rehab:$translate" "validate --registry rehab:$validate"; do
  name=${row%%:*} t=${row##*:}
  printf '| %-40s | %8.3f s | %6.1f × parse |\n' "$name" "$t" "$(python3 -c "print($t/$parse)")"
done
