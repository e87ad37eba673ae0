#pragma once
// Streaming a stateless run without giving up "one run is one input": the
// ingestor hands over whole Bundles' citizens at once, as provisional
// (hub/ingest/ingest.h), the pipeline works on them while they are hot, and
// what it reports and renders for each is held here until the ingestor
// commits it (at the end of the input) or retracts it (a later document
// touched that citizen, which then comes again, complete).
//
// Usage: build the Pipeline with Reporter(stage.diagnostics()) and
// stage.messages() as its sinks, and hand StagedPipeline to the Ingestor.
// Not thread-safe; one per run.
#include <cstdint>
#include <map>
#include <vector>

#include "hub/diag/reporter.h"
#include "hub/engine/pipeline.h"

namespace reghub::engine {

class StageSinks {
 public:
  // `messages` may be null (validate: nothing is rendered).
  StageSinks(diag::Sink& diagnostics, MessageSink* messages);

  diag::Sink& diagnostics() { return diagnostics_; }
  MessageSink* messages() { return messages_ ? &messagesSwitch_ : nullptr; }

  void stageTo(uint64_t tag);  // what follows is held for `tag`
  void direct();               // what follows goes straight through
  void drop(uint64_t tag);
  void release(uint64_t tag);

 private:
  struct Held {
    std::vector<diag::Diagnostic> diagnostics;
    std::vector<OutboundMessage> messages;
  };
  class DiagnosticSwitch final : public diag::Sink {
   public:
    explicit DiagnosticSwitch(StageSinks& s) : s_(s) {}
    void report(diag::Diagnostic d) override;

   private:
    StageSinks& s_;
  };
  class MessageSwitch final : public MessageSink {
   public:
    explicit MessageSwitch(StageSinks& s) : s_(s) {}
    void accept(OutboundMessage&& m) override;

   private:
    StageSinks& s_;
  };

  diag::Sink& realDiagnostics_;
  MessageSink* realMessages_;
  DiagnosticSwitch diagnostics_{*this};
  MessageSwitch messagesSwitch_{*this};
  MessageSink* messages_;
  Held& current();
  bool staging_ = false;
  uint64_t tag_ = 0;
  Held* current_ = nullptr;
  // Only citizens that reported or rendered something have an entry.
  std::map<uint64_t, Held> held_;
};

class StagedPipeline final : public ingest::Observer {
 public:
  StagedPipeline(Pipeline& pipeline, StageSinks& sinks) : pipeline_(pipeline), sinks_(sinks) {}

  void onSource(const ingest::SourceDocument& doc) override { pipeline_.onSource(doc); }
  void onCitizen(model::Citizen&& citizen) override { pipeline_.onCitizen(std::move(citizen)); }
  bool takesProvisional() const override { return true; }
  void onProvisional(model::Citizen&& citizen, uint64_t tag) override;
  void onRetract(uint64_t tag) override;
  void onCommit(uint64_t tag) override { sinks_.release(tag); }

  // The pipeline's counts without the citizens that were retracted.
  PipelineStats stats() const;

 private:
  Pipeline& pipeline_;
  StageSinks& sinks_;
  std::vector<PipelineStats> counted_;  // by tag - 1: what each provisional citizen added to the counts
  PipelineStats retracted_;
};

}  // namespace reghub::engine
