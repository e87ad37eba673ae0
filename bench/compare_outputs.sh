#!/usr/bin/env bash
# Byte-for-byte comparison of two reghub binaries' validate and translate
# output over synthetic data — the proof that a speed-up changed no
# diagnostic and no message (docs/PERFORMANCE.md).
#
#   bench/compare_outputs.sh REF_BINARY [NEW_BINARY] [CITIZENS]
#
# NEW_BINARY defaults to build/hub/cli/reghub, CITIZENS (per data set) to 600.
# Data: `reghub synth` (made by REF_BINARY) for several seeds, with few and
# many seeded mistakes, each also split into delta lines and shuffled as a
# case system sends them (a Bundle with Patient, Organization and the
# forløb, then every other resource as its own line, all lines shuffled).
# For each: `validate --registry all|smdb|ltt` as json and text, and
# `translate` of smdb, ltt and rehab (with and without --since) into --out
# trees, ltt --wrap and rehab --wrap, `validate --registry rehab` — stdout,
# stderr, exit code and the written files compared.
# Exit 0 when every output is identical, 1 otherwise (the differences named).
set -uo pipefail

ref=${1:?usage: bench/compare_outputs.sh REF_BINARY [NEW_BINARY] [CITIZENS]}
new=${2:-build/hub/cli/reghub}
citizens=${3:-600}
asof=2026-11-01
work=$(mktemp -d /tmp/reghub-compare.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The delta shape of a synth file (deterministic for its seed).
split_deltas() {
  python3 - "$1" "$2" "$3" <<'EOF'
import json, random, sys
src, dst, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
first = ("Patient", "Organization", "EpisodeOfCare")
lines = []
for line in open(src, encoding="utf-8"):
    b = json.loads(line)
    head, rest = [], []
    for e in b.get("entry", []):
        r = e.get("resource", {})
        forloeb = r.get("resourceType") == "CarePlan" and "basedOn" not in r
        (head if r.get("resourceType") in first or forloeb else rest).append(e)
    lines.append({**b, "entry": head})
    lines += [{"resourceType": "Bundle", "type": "collection", "entry": [e]} for e in rest]
random.Random(seed).shuffle(lines)
with open(dst, "w", encoding="utf-8") as out:
    for b in lines:
        out.write(json.dumps(b, ensure_ascii=False, separators=(",", ":")) + "\n")
EOF
}

# Runs one command with both binaries; compares stdout, stderr, exit code and --out trees.
failures=0 compared=0
run_both() {
  local name=$1
  shift
  for side in ref new; do
    local bin=$ref
    [ "$side" = new ] && bin=$new
    local dir="$work/$name.$side"
    mkdir -p "$dir"
    local args=("${@//@OUT@/$dir/out}")
    "$bin" "${args[@]}" >"$dir/stdout" 2>"$dir/stderr"
    echo $? >"$dir/rc"
  done
  compared=$((compared + 1))
  if ! diff -r -q "$work/$name.ref" "$work/$name.new" >/dev/null; then
    echo "DIFFERENT: $name ($*)"
    diff -r "$work/$name.ref" "$work/$name.new" | head -20
    failures=$((failures + 1))
  else
    local files
    files=$(find "$work/$name.ref" -type f | wc -l)
    echo "identical: $name (exit $(cat "$work/$name.ref/rc"), $(wc -l <"$work/$name.ref/stderr") stderr lines, $(wc -c <"$work/$name.ref/stdout") stdout bytes, $files files)"
  fi
  rm -rf "$work/$name.ref" "$work/$name.new"
}

for seed in 1 7 23; do
  for mistakes in 0.05 0.3; do
    set_name="s${seed}m${mistakes}"
    whole="$work/$set_name.ndjson"
    "$ref" synth --citizens "$citizens" --seed "$seed" --as-of "$asof" --mistakes "$mistakes" --out "$whole" >/dev/null 2>&1
    split_deltas "$whole" "$work/$set_name.deltas.ndjson" "$seed"
    for shape in "" .deltas; do
      data="$work/$set_name$shape.ndjson"
      tag="$set_name$shape"
      run_both "$tag.validate.all.json" validate --registry all --format json --as-of "$asof" "$data"
      run_both "$tag.validate.all.text" validate --registry all --as-of "$asof" "$data"
      run_both "$tag.validate.ltt.json" validate --registry ltt --format json --as-of "$asof" "$data"
      run_both "$tag.validate.smdb.text" validate --registry smdb --as-of "$asof" "$data"
      run_both "$tag.translate.smdb" translate --registry smdb --as-of "$asof" --out @OUT@ "$data"
      run_both "$tag.translate.ltt" translate --registry ltt --format json --as-of "$asof" --out @OUT@ "$data"
      run_both "$tag.translate.ltt.since" translate --registry ltt --as-of "$asof" --since 2026-08-01 --out @OUT@ "$data"
      run_both "$tag.translate.ltt.wrap" translate --registry ltt --as-of "$asof" --wrap "$data"
      run_both "$tag.validate.rehab.json" validate --registry rehab --format json --as-of "$asof" "$data"
      run_both "$tag.translate.rehab" translate --registry rehab --format json --as-of "$asof" --out @OUT@ "$data"
      run_both "$tag.translate.rehab.since" translate --registry rehab --as-of "$asof" --since 2026-08-01 --out @OUT@ "$data"
      run_both "$tag.translate.rehab.wrap" translate --registry rehab --as-of "$asof" --wrap "$data"
    done
  done
done

echo "$compared comparisons, $failures different"
[ "$failures" -eq 0 ]
