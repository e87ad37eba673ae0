#!/usr/bin/env bash
# Installs every build, test and run-time dependency of reghub from Debian's
# packages (Debian 12 "bookworm"). Idempotent: packages already present are
# left alone, and apt-get runs only when something is missing. Nothing is
# downloaded from anywhere else.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake pkg-config git ca-certificates
  clang libclang-rt-14-dev          # libFuzzer + AddressSanitizer for the fuzz targets
  # libraries
  libpoco-dev                       # Foundation, Util, Net, NetSSL, Crypto, JSON, XML, Data (SQLite, PostgreSQL), JWT
  rapidjson-dev libicu-dev libxml2-dev libxmlsec1-dev libssl-dev libsqlite3-dev libpq-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  postgresql                        # a real server for the store's integration tests
  openssl procps time               # openssl CLI, ps/pkill, /usr/bin/time for RSS measurements
  chromium chromium-driver python3-selenium   # the dashboard's browser test (ctest -L browser)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
