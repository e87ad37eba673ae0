// What keeping the KL IGs' resource types as sent (model::Citizen::resources,
// hub/ingest/resource_decoder.h keptAsSentJson) adds to ingest, next to the
// parse of the same data in the same run (bench_data.h: `reghub synth` of all
// registries):
//   KeptAsSentParse — rapidjson::Document per NDJSON line (= RapidJsonDom);
//   KeptAsSentCopy  — on the parsed lines, the copy ingest makes of every
//                     Patient, Organization, CarePlan, Encounter, Condition and
//                     ServiceRequest (deep copy, references rewritten, compact
//                     JSON); the other types cost nothing here.
// The ratio Copy/Parse is the share of the parse that the copy adds
// (docs/PERFORMANCE.md).
#include <benchmark/benchmark.h>
#include <rapidjson/document.h>

#include <string_view>
#include <vector>

#include "bench_data.h"
#include "hub/ingest/resource_decoder.h"

namespace {

using reghub::bench::syntheticNdjson;

std::vector<std::pair<const char*, size_t>> lines() {
  std::vector<std::pair<const char*, size_t>> out;
  const std::string& data = syntheticNdjson();
  size_t pos = 0;
  while (pos < data.size()) {
    size_t end = data.find('\n', pos);
    if (end == std::string::npos) end = data.size();
    if (end > pos) out.emplace_back(data.data() + pos, end - pos);
    pos = end + 1;
  }
  return out;
}

void BM_KeptAsSentParse(benchmark::State& state) {
  const auto ls = lines();
  for (auto _ : state) {
    for (const auto& [p, n] : ls) {
      rapidjson::Document d;
      d.Parse(p, n);
      benchmark::DoNotOptimize(d.IsObject());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(syntheticNdjson().size()));
}
BENCHMARK(BM_KeptAsSentParse)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// The resources of a line: itself, or a Bundle's entries (nested Bundles too).
void collect(const rapidjson::Value& r, std::vector<const rapidjson::Value*>& out, size_t& all) {
  if (!r.IsObject() || !r.HasMember("resourceType") || !r["resourceType"].IsString()) return;
  if (std::string_view(r["resourceType"].GetString()) == "Bundle") {
    if (r.HasMember("entry") && r["entry"].IsArray())
      for (const auto& e : r["entry"].GetArray())
        if (e.IsObject() && e.HasMember("resource")) collect(e["resource"], out, all);
    return;
  }
  ++all;
  if (reghub::ingest::isKeptAsSent(r["resourceType"].GetString())) out.push_back(&r);
}

void BM_KeptAsSentCopy(benchmark::State& state) {
  const auto ls = lines();
  std::vector<rapidjson::Document> docs(ls.size());
  std::vector<const rapidjson::Value*> kept;
  size_t all = 0;
  for (size_t i = 0; i < ls.size(); ++i) {
    docs[i].Parse(ls[i].first, ls[i].second);
    collect(docs[i], kept, all);
  }
  const reghub::ingest::ResolveReference same = [](const std::string& r) { return r; };
  for (auto _ : state) {
    for (const rapidjson::Value* r : kept) {
      std::vector<std::string> refs;
      benchmark::DoNotOptimize(reghub::ingest::keptAsSentJson(*r, same, refs).size());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(syntheticNdjson().size()));
  state.counters["resources"] = static_cast<double>(all);
  state.counters["kept"] = static_cast<double>(kept.size());
}
BENCHMARK(BM_KeptAsSentCopy)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace
