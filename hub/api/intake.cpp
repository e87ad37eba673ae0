#include "hub/api/intake.h"

#include <Poco/UUIDGenerator.h>

#include "hub/engine/store_prior_deliveries.h"
#include "hub/ingest/ingest.h"
#include "hub/store/citizen_state.h"

namespace reghub::api {

namespace {

// Queues into the store, honouring a registry's daily schedule.
class ScheduledSink final : public engine::MessageSink {
 public:
  ScheduledSink(store::DeliveryStore& store, std::string ingestId,
                const std::function<int64_t(const std::string&, int64_t)>& notBefore)
      : store_(store), ingestId_(std::move(ingestId)), notBefore_(notBefore) {}
  void accept(engine::OutboundMessage&& m) override {
    const int64_t now = store::nowMillis();
    const int64_t hold = notBefore_ ? notBefore_(m.registry, now) : 0;
    if (store_.enqueue(m, ingestId_, now, hold).outcome == store::EnqueueOutcome::kUnchanged)
      ++unchanged;
    else
      ++queued;
  }
  size_t queued = 0, unchanged = 0;

 private:
  store::DeliveryStore& store_;
  std::string ingestId_;
  const std::function<int64_t(const std::string&, int64_t)>& notBefore_;
};

}  // namespace

Intake::Intake(store::DeliveryStore& store, std::vector<std::shared_ptr<const engine::Adapter>> adapters,
               std::function<int64_t(const std::string&, int64_t)> notBefore, IntakeOptions options)
    : store_(store),
      state_(store::CitizenState::open(store.options())),
      notBefore_(std::move(notBefore)),
      options_(options),
      adapters_(std::move(adapters)) {}

Intake::~Intake() = default;

std::vector<store::ParkedResource> Intake::parked(int64_t now) {
  std::lock_guard lock(mutex_);
  return state_->parked(now, options_.parkedExpiryMillis);
}

namespace {

// Reads the delta: every resource goes to the citizen state in batches
// (one transaction each); adapters see each raw document (inspectSource).
class DeltaCollector final : public ingest::Observer {
 public:
  DeltaCollector(store::CitizenState& state, engine::Pipeline& pipeline, const diag::Reporter& reporter)
      : state_(state), pipeline_(pipeline), reporter_(reporter) {}
  bool collectsResources() const override { return true; }
  void onSource(const ingest::SourceDocument& doc) override { pipeline_.onSource(doc); }
  void onCitizen(model::Citizen&&) override {}
  void onResource(state::ResourceRecord&& r) override {
    batch_.push_back(std::move(r));
    if (batch_.size() >= kBatch) flush();
  }
  void flush() {
    if (batch_.empty()) return;
    auto merged = state_.merge(batch_, store::nowMillis(), reporter_);
    touched.insert(merged.touched.begin(), merged.touched.end());
    batch_.clear();
  }
  std::set<std::string> touched;  // citizens the delta changed

 private:
  static constexpr size_t kBatch = 2000;
  store::CitizenState& state_;
  engine::Pipeline& pipeline_;
  const diag::Reporter& reporter_;
  std::vector<state::ResourceRecord> batch_;
};

}  // namespace

size_t Intake::renderCitizens(std::set<std::string> citizens, engine::Pipeline& pipeline,
                              const diag::Reporter& reporter) {
  // Left dirty by an ingest that died after its merge: rendered now.
  for (const std::string& c : state_->dirtyCitizens(1000)) citizens.insert(c);
  const std::string owner = "intake " + Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
  size_t rendered = 0;
  for (const std::string& citizen : citizens) {
    // Rendered again while a concurrent merge changed it meanwhile.
    for (int round = 0; round < 3; ++round) {
      const auto held = state_->beginRender(citizen, owner, store::nowMillis(), kRenderLeaseMillis);
      if (!held) break;  // another intake renders it; it sees the dirty mark
      ingest::assembleRecords(held->records, held->fresh, reporter, pipeline);
      ++rendered;
      if (!state_->endRender(citizen, owner, held->version, held->readAt)) break;
    }
  }
  return rendered;
}

template <typename Read>
IntakeResult Intake::run(const std::string& source, std::optional<model::Date> asOf, Read read) {
  std::lock_guard lock(mutex_);
  IntakeResult r;
  r.ingestId = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
  diag::Collector diagnostics;
  diag::Reporter reporter(diagnostics);
  engine::RunContext ctx;
  ctx.asOf = asOf.value_or(model::copenhagenToday());
  ctx.delta = true;
  std::vector<const engine::Adapter*> raw;
  for (const auto& a : adapters_) raw.push_back(a.get());
  ScheduledSink sink(store_, r.ingestId, notBefore_);
  const engine::StorePriorDeliveries prior(store_);
  engine::Pipeline pipeline(raw, ctx, reporter, &sink, prior);
  pipeline.setQuestionnaireCheck([raw](std::string_view q) {
    for (const engine::Adapter* a : raw)
      if (a->understandsQuestionnaire(q)) return true;
    return false;
  });
  DeltaCollector delta(*state_, pipeline, reporter);
  ingest::Ingestor ingestor(delta, reporter);
  read(ingestor);
  ingestor.finish();
  delta.flush();
  renderCitizens(delta.touched, pipeline, reporter);
  r.unreadable = ingestor.unreadable();
  r.stats = pipeline.stats();
  r.queued = sink.queued;
  r.unchanged = sink.unchanged;
  r.errors = diagnostics.count(diag::Severity::kError);
  r.warnings = diagnostics.count(diag::Severity::kWarning);
  r.infos = diagnostics.count(diag::Severity::kInfo);
  r.diagnostics = diagnostics.take();
  store::IngestRecord rec{r.ingestId, store::nowMillis(), source, static_cast<int64_t>(r.stats.citizens),
                          static_cast<int64_t>(r.queued), r.errors, r.warnings, r.unreadable};
  store_.recordIngest(rec, r.diagnostics);
  return r;
}

IntakeResult Intake::ingestBuffer(const std::string& name, std::string_view bytes, std::string_view contentType,
                                  std::optional<model::Date> asOf) {
  return run(name, asOf, [&](ingest::Ingestor& in) { in.readBuffer(name, bytes, contentType); });
}

IntakeResult Intake::ingestPaths(const std::vector<std::string>& paths, std::optional<model::Date> asOf) {
  std::string source;
  for (const auto& p : paths) source += (source.empty() ? "" : " ") + p;
  return run(source, asOf, [&](ingest::Ingestor& in) {
    for (const auto& p : paths) in.readPath(p);
  });
}

}  // namespace reghub::api
