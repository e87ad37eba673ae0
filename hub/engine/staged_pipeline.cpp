#include "hub/engine/staged_pipeline.h"

namespace reghub::engine {

namespace {
PipelineStats minus(const PipelineStats& a, const PipelineStats& b) {
  return {a.citizens - b.citizens, a.forloebSelected - b.forloebSelected, a.forloebWithErrors - b.forloebWithErrors,
          a.messagesRendered - b.messagesRendered};
}
void add(PipelineStats& a, const PipelineStats& b) {
  a.citizens += b.citizens;
  a.forloebSelected += b.forloebSelected;
  a.forloebWithErrors += b.forloebWithErrors;
  a.messagesRendered += b.messagesRendered;
}
}  // namespace

StageSinks::StageSinks(diag::Sink& diagnostics, MessageSink* messages)
    : realDiagnostics_(diagnostics), realMessages_(messages), messages_(messages) {}

void StageSinks::DiagnosticSwitch::report(diag::Diagnostic d) {
  if (s_.current_)
    s_.current_->diagnostics.push_back(std::move(d));
  else
    s_.realDiagnostics_.report(std::move(d));
}

void StageSinks::MessageSwitch::accept(OutboundMessage&& m) {
  if (s_.current_)
    s_.current_->messages.push_back(std::move(m));
  else
    s_.realMessages_->accept(std::move(m));
}

void StageSinks::stageTo(uint64_t tag) { current_ = &held_[tag]; }
void StageSinks::direct() { current_ = nullptr; }
void StageSinks::drop(uint64_t tag) { held_.erase(tag); }

void StageSinks::release(uint64_t tag) {
  const auto it = held_.find(tag);
  if (it == held_.end()) return;
  for (auto& d : it->second.diagnostics) realDiagnostics_.report(std::move(d));
  if (realMessages_)
    for (auto& m : it->second.messages) realMessages_->accept(std::move(m));
  held_.erase(it);
}

void StagedPipeline::onProvisional(model::Citizen&& citizen, uint64_t tag) {
  const PipelineStats before = pipeline_.stats();
  sinks_.stageTo(tag);
  pipeline_.onCitizen(std::move(citizen));
  sinks_.direct();
  counted_[tag] = minus(pipeline_.stats(), before);
}

void StagedPipeline::onRetract(uint64_t tag) {
  sinks_.drop(tag);
  if (const auto it = counted_.find(tag); it != counted_.end()) {
    add(retracted_, it->second);
    counted_.erase(it);
  }
}

PipelineStats StagedPipeline::stats() const { return minus(pipeline_.stats(), retracted_); }

}  // namespace reghub::engine
