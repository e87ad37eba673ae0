#include "hub/api/intake.h"

#include <Poco/UUIDGenerator.h>

#include "hub/ingest/ingest.h"

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
               std::function<int64_t(const std::string&, int64_t)> notBefore)
    : store_(store), notBefore_(std::move(notBefore)), adapters_(std::move(adapters)) {}

template <typename Read>
IntakeResult Intake::run(const std::string& source, std::optional<model::Date> asOf, Read read) {
  std::lock_guard lock(mutex_);
  IntakeResult r;
  r.ingestId = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
  diag::Collector diagnostics;
  diag::Reporter reporter(diagnostics);
  engine::RunContext ctx;
  ctx.asOf = asOf.value_or(model::copenhagenToday());
  std::vector<const engine::Adapter*> raw;
  for (const auto& a : adapters_) raw.push_back(a.get());
  ScheduledSink sink(store_, r.ingestId, notBefore_);
  engine::Pipeline pipeline(raw, ctx, reporter, &sink, store_);
  pipeline.setQuestionnaireCheck([raw](std::string_view q) {
    for (const engine::Adapter* a : raw)
      if (a->understandsQuestionnaire(q)) return true;
    return false;
  });
  ingest::Ingestor ingestor(pipeline, reporter);
  read(ingestor);
  ingestor.finish();
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
