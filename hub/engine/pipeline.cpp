#include "hub/engine/pipeline.h"

#include <set>

namespace reghub::engine {

namespace {
// Forwards diagnostics and remembers which forløb got an error.
class ErrorTrackingSink final : public diag::Sink {
 public:
  explicit ErrorTrackingSink(diag::Sink& next) : next_(next) {}
  void report(diag::Diagnostic d) override {
    if (d.severity == diag::Severity::kError) {
      if (d.forloeb.empty())
        citizenError_ = true;
      else
        failed_.insert(d.forloeb);
    }
    next_.report(std::move(d));
  }
  bool failed(const model::Forloeb& f) const { return citizenError_ || failed_.count(f.display()) > 0; }
  bool citizenFailed() const { return citizenError_; }

 private:
  diag::Sink& next_;
  std::set<std::string> failed_;
  bool citizenError_ = false;
};
}  // namespace

Pipeline::Pipeline(std::vector<const Adapter*> adapters, RunContext ctx, diag::Reporter reporter, MessageSink* sink,
                   const PriorDeliveries& prior)
    : adapters_(std::move(adapters)), ctx_(ctx), reporter_(std::move(reporter)), sink_(sink), prior_(prior) {
  ctx_.registry = &prior_;
}

void Pipeline::onSource(const ingest::SourceDocument& doc) {
  for (const Adapter* a : adapters_)
    a->inspectSource(doc, ctx_, reporter_.withRegistry(std::string(a->name())).withFile(doc.file, doc.line));
}

void Pipeline::onCitizen(model::Citizen&& citizen) {
  ++stats_.citizens;
  if (knownQuestionnaire_) {
    for (const model::Forloeb& f : citizen.forloeb)
      for (const model::FormResponse& form : f.forms)
        if (!knownQuestionnaire_(form.questionnaire))
          reporter_.withFile(form.source.file, form.source.line)
              .withPath(form.source.path + ".questionnaire")
              .withForloeb(f.display())
              .withCitizen(citizen.maskedCpr())
              .warning("HUB-FORM-01", "",
                       "questionnaire '" + form.questionnaire +
                           "' is not one any registry reads; check the canonical (e.g. urn:reghub:smdb:IVAER)");
  }
  for (const Adapter* a : adapters_) {
    if (sink_)
      for (ManualTask& t : a->tasks(citizen, ctx_, prior_)) sink_->acceptTask(std::move(t));
    ErrorTrackingSink tracking(reporter_.sink());
    const diag::Reporter out = diag::Reporter(tracking)
                                   .withRegistry(std::string(a->name()))
                                   .withFile(citizen.source.file, citizen.source.line)
                                   .withCitizen(citizen.maskedCpr());
    std::vector<const model::Forloeb*> selected;
    for (const model::Forloeb& f : citizen.forloeb) {
      const diag::Reporter fout = out.withForloeb(f.display()).withFile(f.source.file, f.source.line);
      if (a->selects(citizen, f, ctx_, fout)) selected.push_back(&f);
    }
    const bool wholeCitizen = a->selectsCitizen(citizen, ctx_, out);
    if (selected.empty() && !wholeCitizen) continue;
    stats_.forloebSelected += selected.size();
    // Without a message sink nothing is rendered: validate() reports the
    // same as prepare() and need not keep (or finish) what render would use.
    if (!sink_) {
      a->validate(citizen, selected, ctx_, out);
      for (const model::Forloeb* f : selected) stats_.forloebWithErrors += tracking.failed(*f);
      continue;
    }
    // Validated once; rendering uses what was built for it.
    const std::unique_ptr<const PreparedCitizen> prepared = a->prepare(citizen, selected, ctx_, out);
    std::vector<const model::Forloeb*> clean;
    for (const model::Forloeb* f : selected) {
      if (tracking.failed(*f))
        ++stats_.forloebWithErrors;
      else
        clean.push_back(f);
    }
    if (!sink_ || (clean.empty() && (!wholeCitizen || tracking.citizenFailed()))) continue;
    for (OutboundMessage& m : a->render(*prepared, clean, prior_)) {
      ++stats_.messagesRendered;
      sink_->accept(std::move(m));
    }
  }
}

}  // namespace reghub::engine
