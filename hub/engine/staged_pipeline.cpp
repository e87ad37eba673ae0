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
  if (s_.staging_)
    s_.current().diagnostics.push_back(std::move(d));
  else
    s_.realDiagnostics_.report(std::move(d));
}

void StageSinks::MessageSwitch::accept(OutboundMessage&& m) {
  if (s_.staging_)
    s_.current().messages.push_back(std::move(m));
  else
    s_.realMessages_->accept(std::move(m));
}

StageSinks::Held& StageSinks::current() {
  if (!current_) current_ = &held_[tag_];
  return *current_;
}

void StageSinks::stageTo(uint64_t tag) {
  staging_ = true;
  tag_ = tag;
  current_ = nullptr;  // made when something comes
}

void StageSinks::direct() {
  staging_ = false;
  current_ = nullptr;
}
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
  if (counted_.size() < tag) counted_.resize(tag);
  counted_[tag - 1] = minus(pipeline_.stats(), before);
}

void StagedPipeline::onRetract(uint64_t tag) {
  sinks_.drop(tag);
  if (tag <= counted_.size()) {
    add(retracted_, counted_[tag - 1]);
    counted_[tag - 1] = {};
  }
}

PipelineStats StagedPipeline::stats() const { return minus(pipeline_.stats(), retracted_); }

}  // namespace reghub::engine
