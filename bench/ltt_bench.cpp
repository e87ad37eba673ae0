// LTT throughput over the shared benchmark data (bench_data.h: `reghub synth`
// of all registries, seed 1, as of 2026-11-01, REGHUB_BENCH_MB megabytes):
//   LttIngestValidate — ingest + the ltt adapter's selection and validate
//                       (report building + IG validation of every report);
//   LttIngestRender   — + render (building, validating again, serialising).
// Compare with BM_RapidJsonSax / BM_Ingest of the same run (ingest_bench.cpp).
// Counters: forløb selected, diagnostics by severity, messages — they must
// not change when the code gets faster. docs/LTT_PERFORMANCE.md has numbers.
#include <benchmark/benchmark.h>

#include "adapters/ltt/ltt_adapter.h"
#include "bench/bench_data.h"
#include "hub/engine/pipeline.h"
#include "hub/ingest/ingest.h"

namespace {

struct CountDiagnostics final : reghub::diag::Sink {
  size_t errors = 0, warnings = 0, infos = 0;
  void report(reghub::diag::Diagnostic d) override {
    switch (d.severity) {
      case reghub::diag::Severity::kError: ++errors; break;
      case reghub::diag::Severity::kWarning: ++warnings; break;
      default: ++infos; break;
    }
  }
};

struct CountMessages final : reghub::engine::MessageSink {
  size_t n = 0, bytes = 0;
  void accept(reghub::engine::OutboundMessage&& m) override {
    ++n;
    bytes += m.body.size();
  }
};

void lttBench(benchmark::State& state, bool render) {
  const std::string& data = reghub::bench::syntheticNdjson();
  static const reghub::ltt::LttAdapter adapter;
  reghub::engine::RunContext ctx;
  ctx.asOf = *reghub::model::Date::fromYmd(2026, 11, 1);
  for (auto _ : state) {
    CountDiagnostics diags;
    CountMessages messages;
    reghub::engine::NoPriorDeliveries prior;
    reghub::engine::Pipeline pipeline({&adapter}, ctx, reghub::diag::Reporter(diags), render ? &messages : nullptr,
                                      prior);
    reghub::ingest::Ingestor in(pipeline, reghub::diag::Reporter(diags));
    in.readBuffer("bench.ndjson", data, "application/fhir+ndjson");
    in.finish();
    state.counters["forloeb"] = static_cast<double>(pipeline.stats().forloebSelected);
    state.counters["errors"] = static_cast<double>(diags.errors);
    state.counters["warnings"] = static_cast<double>(diags.warnings);
    state.counters["infos"] = static_cast<double>(diags.infos);
    state.counters["messages"] = static_cast<double>(messages.n);
    state.counters["msgMB"] = static_cast<double>(messages.bytes) / 1e6;
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}
void BM_LttIngestValidate(benchmark::State& state) { lttBench(state, false); }
void BM_LttIngestRender(benchmark::State& state) { lttBench(state, true); }

BENCHMARK(BM_LttIngestValidate)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_LttIngestRender)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace
