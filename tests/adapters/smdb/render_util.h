#pragma once
// Shared by the SMDB transport tests and bench/idws_bench.cpp: a case
// folder's input rendered to the messages the hub would send (ingest +
// pipeline, as of 2026-06-01).
#include <filesystem>
#include <vector>

#include "adapters/smdb/smdb_adapter.h"
#include "hub/engine/pipeline.h"
#include "hub/ingest/ingest.h"

namespace smdb_test {

class Sink final : public reghub::engine::MessageSink {
 public:
  void accept(reghub::engine::OutboundMessage&& m) override { messages.push_back(std::move(m)); }
  std::vector<reghub::engine::OutboundMessage> messages;
};

inline std::vector<reghub::engine::OutboundMessage> render(const std::filesystem::path& input) {
  static const reghub::smdb::SmdbAdapter adapter;  // immutable once built; built once
  reghub::engine::RunContext ctx;
  ctx.asOf = *reghub::model::Date::parse("2026-06-01");
  reghub::diag::Collector diags;
  const reghub::diag::Reporter reporter(diags);
  Sink out;
  reghub::engine::NoPriorDeliveries prior;
  reghub::engine::Pipeline pipeline({&adapter}, ctx, reporter, &out, prior);
  reghub::ingest::Ingestor ingestor(pipeline, reporter);
  ingestor.readPath(input.string());
  ingestor.finish();
  return std::move(out.messages);
}

}  // namespace smdb_test
