// The profile-driven validator (adapters/kl_gateway) on § 140 reports of
// growing size, entries per second, against parsing the same JSON in the
// same run (RapidJSON DOM):
//   RehabJsonParse/N — parse a report of N entries;
//   RehabValidate/N  — validate it (already parsed) against profiles/rehab.
// The report is DeliveryReport-Ruddi-1 (IG example) with its planned
// intervention repeated to N entries, each with its own id, all referencing
// the citizen, the organisation and the ServiceRequest: every entry costs
// its cardinalities, bindings, bundled-reference resolutions (conformsTo of
// the target, memoised) and the report invariants over all entries. The
// HL7 Java validator resolved references in O(n²) before
// org.hl7.fhir.core#815; here a report's index makes it O(n log n).
#include <benchmark/benchmark.h>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "adapters/kl_gateway/json_file.h"
#include "adapters/kl_gateway/profile_validator.h"

namespace {

using reghub::kl_gateway::ProfileSet;

std::shared_ptr<const ProfileSet> profiles() {
  static const auto set = ProfileSet::load(std::vector<std::string>{REGHUB_SOURCE_DIR "/profiles/rehab/ig",
                                                                    REGHUB_SOURCE_DIR "/profiles/rehab/parents"},
                                           REGHUB_SOURCE_DIR "/profiles/rehab/terminology.json",
                                           REGHUB_SOURCE_DIR "/profiles/fhir-r4/core.json");
  return set;
}

// Ruddi-1 with its CarePlan entry repeated until the report has n entries.
std::string report(int64_t n) {
  rapidjson::Document d = reghub::kl_gateway::readJsonFile(REGHUB_SHARED_DIR "/reference/rehab/examples/DeliveryReport-Ruddi-1.json");
  auto& a = d.GetAllocator();
  rapidjson::Value& entries = d["entry"];
  rapidjson::Value plan;
  for (auto& e : entries.GetArray())
    if (std::string_view(e["resource"]["resourceType"].GetString()) == "CarePlan") plan.CopyFrom(e, a);
  for (int64_t i = entries.Size(); i < n; ++i) {
    rapidjson::Value e(plan, a);
    const std::string id = "plan-" + std::to_string(i);
    e["resource"]["id"].SetString(id.c_str(), a);
    e["fullUrl"].SetString(("https://test.fhir.dk/CarePlan/" + id).c_str(), a);
    entries.PushBack(e, a);
  }
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  d.Accept(w);
  return out.GetString();
}

void BM_RehabJsonParse(benchmark::State& state) {
  const std::string text = report(state.range(0));
  for (auto _ : state) {
    rapidjson::Document d;
    d.Parse(text.c_str(), text.size());
    benchmark::DoNotOptimize(d.IsObject());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_RehabValidate(benchmark::State& state) {
  const std::string text = report(state.range(0));
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  const reghub::kl_gateway::ProfileValidator v(profiles());
  for (auto _ : state) {
    reghub::diag::Collector sink;
    v.validate(d, reghub::diag::Reporter(sink, "rehab"));
    state.counters["errors"] = sink.count(reghub::diag::Severity::kError);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

BENCHMARK(BM_RehabJsonParse)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RehabValidate)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace
