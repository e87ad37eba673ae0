#!/usr/bin/env bash
# The store at scale (issue 10): what ingest costs against `reghub validate`
# of the same bytes, at two sizes 10× apart, on SQLite and (given a URL)
# PostgreSQL; then what the status queries cost in that store.
#   bench/store_scale.sh [N] [postgresql://…]   (default N = 1000: N and 10·N citizens)
# REGHUB_BENCH_SIZES="10000 100000" picks the sizes, REGHUB_BENCH_BACKENDS="pg"
# the stores (default: sqlite, and pg when a URL is given).
# Every figure is one run of a fresh process on a fresh store; wall and CPU
# (user+sys) time both, since the reference machine is shared (the load
# average is printed). Delivery: bench/deliver_scale.sh.
set -euo pipefail
n=${1:-1000}
pg=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${REGHUB_BIN:-$root/build/hub/cli/reghub}
work=${REGHUB_BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
[ -n "${REGHUB_BENCH_DIR:-}" ] || trap 'rm -rf "$work"' EXIT
export REGHUB_STORE_KEY=${REGHUB_STORE_KEY:-$(openssl rand -base64 32)}
asof=2026-11-01

# "wall cpu" seconds of one command (its output dropped).
timed() {
  /usr/bin/time -f '%e %U %S' -o "$work/time" "$@" >/dev/null 2>"$work/err" || true
  # The last line: /usr/bin/time puts "Command exited with non-zero status"
  # first when the command found errors in the data.
  tail -1 "$work/time" | awk '{printf "%.2f %.2f", $1, $2 + $3}'
}

echo "machine: $(nproc) vCPU, $(free -g | awk '/Mem:/{print $2}') GiB; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "binary: $bin ($(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo '?'))"
printf '%-10s %9s %9s %12s %12s %12s %10s %10s\n' store citizens MB validate_s ingest_s citizens/s ratio_wall ratio_cpu
for size in ${REGHUB_BENCH_SIZES:-$n $((n * 10))}; do
  data="$work/c$size.ndjson"
  [ -f "$data" ] || "$bin" synth --citizens "$size" --seed 21 --as-of "$asof" --out "$data" >/dev/null 2>&1
  mb=$(awk "BEGIN{printf \"%.1f\", $(stat -c %s "$data") / 1e6}")
  read -r vw vc <<<"$(timed "$bin" validate --as-of "$asof" --format json "$data")"
  for backend in ${REGHUB_BENCH_BACKENDS:-sqlite ${pg:+pg}}; do
    if [ "$backend" = sqlite ]; then
      rm -f "$work/store$size.db"*
      store="sqlite:$work/store$size.db"
    else
      PGOPTIONS=--client-min-messages=warning psql -q "$pg" -c "DROP SCHEMA IF EXISTS bench_$size CASCADE; CREATE SCHEMA bench_$size" >/dev/null
      store="$pg?options=-csearch_path%3Dbench_$size"
    fi
    read -r iw ic <<<"$(timed "$bin" ingest --store "$store" --as-of "$asof" "$data")"
    grep -o '[0-9]* meddelelser i kø' "$work/err" >"$work/queued.$backend.$size" || true
    printf '%-10s %9d %9s %12s %12s %12.0f %10.1f %10.1f   (%s)\n' "$backend" "$size" "$mb" "$vw/$vc" "$iw/$ic" \
      "$(awk "BEGIN{print $size / $iw}")" "$(awk "BEGIN{print $iw / $vw}")" "$(awk "BEGIN{print $ic / ($vc > 0 ? $vc : 0.01)}")" \
      "$(cat "$work/queued.$backend.$size")"
  done
done
