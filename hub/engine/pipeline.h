#pragma once
// Routing: every citizen from ingest goes to every adapter; each adapter
// selects its forløb, validates them, and renders those with no error.
// Diagnostics go to the reporter; rendered messages to a MessageSink
// (printer for `translate`, the outbox for `ingest`/`run`). Not
// thread-safe; one pipeline per input stream.
#include <functional>
#include <memory>
#include <vector>

#include "hub/engine/adapter.h"
#include "hub/ingest/ingest.h"

namespace reghub::engine {

class MessageSink {
 public:
  virtual ~MessageSink() = default;
  virtual void accept(OutboundMessage&& message) = 0;
  // A manual task an adapter found (Adapter::tasks). Default: dropped
  // (translate and validate keep nothing).
  virtual void acceptTask(ManualTask&& /*task*/) {}
};

class NoPriorDeliveries final : public PriorDeliveries {
 public:
  std::optional<std::string> lastContentHash(std::string_view) const override { return std::nullopt; }
  std::optional<std::string> registryId(std::string_view) const override { return std::nullopt; }
};

struct PipelineStats {
  size_t citizens = 0;
  size_t forloebSelected = 0;
  size_t forloebWithErrors = 0;
  size_t messagesRendered = 0;
};

class Pipeline final : public ingest::Observer {
 public:
  // `adapters` not owned; they outlive the pipeline. `sink` may be null
  // (validate only: nothing is rendered).
  Pipeline(std::vector<const Adapter*> adapters, RunContext ctx, diag::Reporter reporter, MessageSink* sink,
           const PriorDeliveries& prior);

  void onSource(const ingest::SourceDocument& doc) override;
  void onCitizen(model::Citizen&& citizen) override;
  const PipelineStats& stats() const { return stats_; }
  // Forms whose questionnaire no adapter understands get HUB-FORM-01.
  void setQuestionnaireCheck(std::function<bool(std::string_view)> known) { knownQuestionnaire_ = std::move(known); }

 private:
  std::vector<const Adapter*> adapters_;
  RunContext ctx_;
  diag::Reporter reporter_;
  MessageSink* sink_;  // not owned, may be null
  const PriorDeliveries& prior_;
  PipelineStats stats_;
  std::function<bool(std::string_view)> knownQuestionnaire_;
};

}  // namespace reghub::engine
