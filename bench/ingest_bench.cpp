// Ingest throughput next to the JSON parse limit of the same bytes.
//   RapidJsonSax   — rapidjson::Reader over every NDJSON line, null handler:
//                    parsing, nothing built (the floor).
//   RapidJsonDom   — rapidjson::Document per line (what ingest parses into).
//   Ingest         — hub/ingest: parse + unpack + build the canonical model.
//   IngestValidate — Ingest + every adapter's select and validate.
//   IngestRender   — the above + render (translate without output).
// Ratios are computed from one run (docs/PERFORMANCE.md).
#include <benchmark/benchmark.h>
#include <rapidjson/document.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include "bench_data.h"
#include "hub/engine/adapter_registry.h"
#include "hub/engine/pipeline.h"
#include "hub/engine/staged_pipeline.h"
#include "hub/ingest/ingest.h"

namespace {

using reghub::bench::syntheticNdjson;

template <typename F>
void eachLine(const std::string& data, F&& f) {
  size_t pos = 0;
  while (pos < data.size()) {
    size_t end = data.find('\n', pos);
    if (end == std::string::npos) end = data.size();
    if (end > pos) f(data.data() + pos, end - pos);
    pos = end + 1;
  }
}

void BM_RapidJsonSax(benchmark::State& state) {
  const std::string& data = syntheticNdjson();
  for (auto _ : state) {
    size_t ok = 0;
    eachLine(data, [&](const char* p, size_t n) {
      rapidjson::MemoryStream ms(p, n);
      rapidjson::BaseReaderHandler<> handler;
      rapidjson::Reader reader;
      ok += !reader.Parse<rapidjson::kParseValidateEncodingFlag>(ms, handler).IsError();
    });
    benchmark::DoNotOptimize(ok);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_RapidJsonSax)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_RapidJsonDom(benchmark::State& state) {
  const std::string& data = syntheticNdjson();
  for (auto _ : state) {
    size_t members = 0;
    eachLine(data, [&](const char* p, size_t n) {
      rapidjson::Document d;
      d.Parse<rapidjson::kParseValidateEncodingFlag>(p, n);
      members += d.IsObject() ? d.MemberCount() : 0;
    });
    benchmark::DoNotOptimize(members);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_RapidJsonDom)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// Streams as `validate` does: whole Bundles are counted as they come, and a
// retracted citizen is counted again when it comes back (none here: one
// Bundle per citizen).
struct CountCitizens final : reghub::ingest::Observer {
  size_t citizens = 0, forloeb = 0, retracted = 0;
  void onCitizen(reghub::model::Citizen&& c) override {
    ++citizens;
    forloeb += c.forloeb.size();
  }
  bool takesProvisional() const override { return true; }
  void onProvisional(reghub::model::Citizen&& c, uint64_t) override { onCitizen(std::move(c)); }
  void onRetract(uint64_t) override { ++retracted; }
};
struct CountDiagnostics final : reghub::diag::Sink {
  size_t n = 0;
  void report(reghub::diag::Diagnostic) override { ++n; }
};

void BM_Ingest(benchmark::State& state) {
  const std::string& data = syntheticNdjson();
  for (auto _ : state) {
    CountCitizens obs;
    CountDiagnostics diags;
    reghub::ingest::Ingestor in(obs, reghub::diag::Reporter(diags));
    in.readBuffer("bench.ndjson", data, "application/fhir+ndjson");
    in.finish();
    benchmark::DoNotOptimize(obs.citizens);
    state.counters["citizens"] = static_cast<double>(obs.citizens);
    state.counters["forloeb"] = static_cast<double>(obs.forloeb);
    state.counters["retracted"] = static_cast<double>(obs.retracted);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_Ingest)->Unit(benchmark::kMillisecond)->MinTime(2.0);

struct CountMessages final : reghub::engine::MessageSink {
  size_t n = 0, bytes = 0;
  void accept(reghub::engine::OutboundMessage&& m) override {
    ++n;
    bytes += m.body.size();
  }
};

void pipelineBench(benchmark::State& state, bool render) {
  const std::string& data = syntheticNdjson();
  const auto adapters = reghub::engine::AdapterRegistry::createAll();
  std::vector<const reghub::engine::Adapter*> raw;
  for (const auto& a : adapters) raw.push_back(a.get());
  reghub::engine::RunContext ctx;
  ctx.asOf = *reghub::model::Date::fromYmd(2026, 11, 1);
  for (auto _ : state) {
    CountDiagnostics diags;
    CountMessages messages;
    reghub::engine::NoPriorDeliveries prior;
    reghub::engine::StageSinks stage(diags, render ? &messages : nullptr);
    reghub::engine::Pipeline pipeline(raw, ctx, reghub::diag::Reporter(stage.diagnostics()), stage.messages(), prior);
    reghub::engine::StagedPipeline staged(pipeline, stage);  // as `reghub validate` / `translate` run it
    reghub::ingest::Ingestor in(staged, reghub::diag::Reporter(diags));
    in.readBuffer("bench.ndjson", data, "application/fhir+ndjson");
    in.finish();
    state.counters["diagnostics"] = static_cast<double>(diags.n);
    state.counters["messages"] = static_cast<double>(messages.n);
    state.counters["forloeb"] = static_cast<double>(pipeline.stats().forloebSelected);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}
void BM_IngestValidate(benchmark::State& state) { pipelineBench(state, false); }
void BM_IngestRender(benchmark::State& state) { pipelineBench(state, true); }
BENCHMARK(BM_IngestValidate)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_IngestRender)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace
