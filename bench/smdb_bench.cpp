// SMDB throughput on 10,000 generated citizens (`reghub synth --registry smdb
// --mistakes 0.1`, seed 1), held in memory:
//   SmdbIngest          — hub/ingest alone over the same bytes (the floor here);
//   SmdbIngestValidate  — + the smdb adapter's select and every rule;
//   SmdbIngestRender    — + SOAP rendering of the forløb without errors.
// Before timing, the seeded mistakes are checked once on the full set: every
// seeded (rule, forløb) is found and nothing else at warning/error
// (counters seeded / missed / unexpected). docs/PERFORMANCE.md has the numbers.
#include <benchmark/benchmark.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <filesystem>
#include <unistd.h>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "adapters/smdb/smdb_adapter.h"
#include "hub/cli/commands.h"
#include "hub/engine/pipeline.h"
#include "hub/ingest/ingest.h"

namespace {

struct Data {
  std::string ndjson;
  std::multiset<std::pair<std::string, std::string>> seeded;
  int64_t citizens = 0;  // one Bundle per line
};

const Data& data() {
  static const Data d = [] {
    Data out;
    const auto dir = std::filesystem::temp_directory_path() / ("smdb_bench_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto file = dir / "smdb.ndjson", manifest = dir / "manifest.jsonl";
    const char* n = std::getenv("REGHUB_SMDB_BENCH_CITIZENS");
    reghub::cli::cmdSynth({"--citizens", n ? n : "10000", "--seed", "1", "--as-of", "2026-11-01", "--registry", "smdb",
                           "--mistakes", "0.1", "--out", file.string(), "--manifest", manifest.string()});
    std::ifstream in(file, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    out.ndjson = ss.str();
    out.citizens = static_cast<int64_t>(std::count(out.ndjson.begin(), out.ndjson.end(), '\n'));
    std::ifstream m(manifest);
    std::string line;
    while (std::getline(m, line)) {
      rapidjson::Document j;
      j.Parse(line.c_str());
      out.seeded.insert({j["rule"].GetString(), j["forloeb"].GetString()});
    }
    std::filesystem::remove_all(dir);
    return out;
  }();
  return d;
}

struct Collect final : reghub::diag::Sink {
  std::multiset<std::pair<std::string, std::string>> found;
  size_t n = 0;
  void report(reghub::diag::Diagnostic d) override {
    ++n;
    if (d.severity != reghub::diag::Severity::kInfo) found.insert({d.rule, d.forloeb});
  }
};
struct CountMessages final : reghub::engine::MessageSink {
  size_t n = 0, bytes = 0;
  void accept(reghub::engine::OutboundMessage&& m) override {
    ++n;
    bytes += m.body.size();
  }
};
struct Discard final : reghub::ingest::Observer {
  size_t citizens = 0;
  void onCitizen(reghub::model::Citizen&&) override { ++citizens; }
};

const reghub::smdb::SmdbAdapter& adapter() {
  static const reghub::smdb::SmdbAdapter a;
  return a;
}

void BM_SmdbIngest(benchmark::State& state) {
  const std::string& bytes = data().ndjson;
  for (auto _ : state) {
    Discard obs;
    Collect diags;
    reghub::ingest::Ingestor in(obs, reghub::diag::Reporter(diags));
    in.readBuffer("smdb.ndjson", bytes, "application/fhir+ndjson");
    in.finish();
    state.counters["citizens"] = static_cast<double>(obs.citizens);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * data().citizens);
}

void run(benchmark::State& state, bool render) {
  const Data& d = data();
  reghub::engine::RunContext ctx;
  ctx.asOf = *reghub::model::Date::fromYmd(2026, 11, 1);
  for (auto _ : state) {
    Collect diags;
    CountMessages messages;
    reghub::engine::NoPriorDeliveries prior;
    reghub::engine::Pipeline pipeline({&adapter()}, ctx, reghub::diag::Reporter(diags), render ? &messages : nullptr,
                                      prior);
    reghub::ingest::Ingestor in(pipeline, reghub::diag::Reporter(diags));
    in.readBuffer("smdb.ndjson", d.ndjson, "application/fhir+ndjson");
    in.finish();
    state.PauseTiming();
    size_t missed = 0, unexpected = 0;
    for (const auto& s : d.seeded) missed += diags.found.count(s) < d.seeded.count(s);
    for (const auto& f : diags.found) unexpected += d.seeded.count(f) == 0;
    state.counters["forloeb"] = static_cast<double>(pipeline.stats().forloebSelected);
    state.counters["seeded"] = static_cast<double>(d.seeded.size());
    state.counters["missed"] = static_cast<double>(missed);
    state.counters["unexpected"] = static_cast<double>(unexpected);
    state.counters["messages"] = static_cast<double>(messages.n);
    state.ResumeTiming();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * d.ndjson.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * data().citizens);
}
void BM_SmdbIngestValidate(benchmark::State& state) { run(state, false); }
void BM_SmdbIngestRender(benchmark::State& state) { run(state, true); }

BENCHMARK(BM_SmdbIngest)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_SmdbIngestValidate)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_SmdbIngestRender)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace
