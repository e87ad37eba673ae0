// LTT validation, entries per second, with the JSON parse of the same text
// in the same run (issue 14 item 2: LTT moved onto the profile-driven
// validator only if that is at least as fast):
//   LttReportParse/N — parse the report (RapidJSON DOM);
//   LttValidate/N    — adapters/ltt's LttValidator as `reghub validate` runs
//                      it (validateDocument): the ProfileValidator over
//                      profiles/ltt (R4 core, the differentials, DK-core's
//                      parents, the invariants by FHIRPath), its findings
//                      said as LTT rules, and the C++ report rules.
// The hand-written IgValidator it replaced is main's BM_LttIgValidate
// (reghub_bench at 4831ab9): run both binaries in one session to compare
// (docs/PERFORMANCE.md "LTT on the profile validator").
// The report is DeliveryReport-Josefine-1 (IG example: citizen, forløb, one
// contact) with its contact repeated to N entries, each with its own id; the
// counter says how many errors it finds (none: the example is clean).
#include <benchmark/benchmark.h>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "adapters/kl_gateway/json_file.h"
#include "adapters/ltt/ltt_validator.h"

namespace {

std::string report(int64_t n) {
  rapidjson::Document d =
      reghub::kl_gateway::readJsonFile(REGHUB_SHARED_DIR "/reference/ltt/examples/DeliveryReport-Josefine-1.json");
  auto& a = d.GetAllocator();
  rapidjson::Value& entries = d["entry"];
  rapidjson::Value contact;
  for (auto& e : entries.GetArray())
    if (std::string_view(e["resource"]["resourceType"].GetString()) == "Encounter") contact.CopyFrom(e, a);
  for (int64_t i = entries.Size(); i < n; ++i) {
    rapidjson::Value e(contact, a);
    const std::string id = "contact-" + std::to_string(i);
    e["resource"]["id"].SetString(id.c_str(), a);
    e["fullUrl"].SetString(("https://test.fhir.dk/Encounter/" + id).c_str(), a);
    entries.PushBack(e, a);
  }
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  d.Accept(w);
  return out.GetString();
}

void BM_LttReportParse(benchmark::State& state) {
  const std::string text = report(state.range(0));
  for (auto _ : state) {
    rapidjson::Document d;
    d.Parse(text.c_str(), text.size());
    benchmark::DoNotOptimize(d.IsObject());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_LttValidate(benchmark::State& state) {
  const std::string text = report(state.range(0));
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  const reghub::ltt::LttValidator& v = reghub::ltt::LttValidator::get();
  reghub::ltt::IgOptions opt;
  opt.reportingStart = *reghub::model::Date::fromYmd(2025, 1, 1);
  opt.asOf = *reghub::model::Date::fromYmd(2026, 11, 1);
  for (auto _ : state) {
    reghub::diag::Collector sink;
    v.validateDocument(d, opt, reghub::diag::Reporter(sink, "ltt"));
    state.counters["errors"] = sink.count(reghub::diag::Severity::kError);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

BENCHMARK(BM_LttReportParse)->Arg(3)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_LttValidate)->Arg(3)->Arg(1000)->Unit(benchmark::kMicrosecond);

}  // namespace
