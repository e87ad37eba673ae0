#!/usr/bin/env bash
# The main job on a fresh machine: install what is needed, build, and run
# `reghub demo` — the whole flow on the embedded store against the local
# registry sandboxes. Extra arguments go to `reghub demo`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
"$root/deploy/install-deps.sh"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target reghub
exec build/hub/cli/reghub demo "$@"
