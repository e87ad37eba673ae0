// libFuzzer target: arbitrary FHIR JSON through ingest and every adapter's
// inspectSource, select, validate and render (the whole `reghub translate`
// path). Seeds are the LTT IG examples and synth bundles, so the fuzzer
// starts from reports and forløb the adapters understand.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hub/engine/adapter_registry.h"
#include "hub/engine/pipeline.h"
#include "hub/ingest/ingest.h"

namespace {
struct Discard final : reghub::engine::MessageSink {
  void accept(reghub::engine::OutboundMessage&&) override {}
};
struct NullSink final : reghub::diag::Sink {
  void report(reghub::diag::Diagnostic) override {}
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto adapters = reghub::engine::AdapterRegistry::createAll();
  std::vector<const reghub::engine::Adapter*> raw;
  for (const auto& a : adapters) raw.push_back(a.get());
  reghub::engine::RunContext ctx;
  ctx.asOf = *reghub::model::Date::fromYmd(2026, 11, 1);
  NullSink sink;
  Discard messages;
  reghub::engine::NoPriorDeliveries prior;
  const reghub::diag::Reporter reporter(sink);
  reghub::engine::Pipeline pipeline(raw, ctx, reporter, &messages, prior);
  reghub::ingest::Limits limits;
  limits.maxDocumentBytes = 1 << 20;
  reghub::ingest::Ingestor ingestor(pipeline, reporter, limits);
  ingestor.readBuffer("fuzz.json", std::string_view(reinterpret_cast<const char*>(data), size), "application/fhir+json");
  ingestor.finish();
  return 0;
}
