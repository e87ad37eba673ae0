#pragma once
// The benchmark data set: `reghub synth` output generated once per process
// into a temp file (size from REGHUB_BENCH_MB, default 100) and kept in memory.
#include <string>

namespace reghub::bench {

// NDJSON bytes of roughly REGHUB_BENCH_MB megabytes (synth, seed 1).
const std::string& syntheticNdjson();

}  // namespace reghub::bench
