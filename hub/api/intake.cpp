#include "hub/api/intake.h"

#include <Poco/UUIDGenerator.h>

#include "hub/api/kommune_scope.h"
#include "hub/engine/store_prior_deliveries.h"
#include "hub/ingest/ingest.h"
#include "hub/store/citizen_state.h"

namespace reghub::api {

namespace {

// Queues into the store, honouring a registry's daily schedule. Holds the
// messages until flush(): a group of citizens is queued in one transaction.
class ScheduledSink final : public engine::MessageSink {
 public:
  ScheduledSink(store::DeliveryStore& store, store::RegistryMirror& mirror, std::string ingestId,
                const std::function<int64_t(const std::string&, int64_t)>& notBefore)
      : store_(store), mirror_(mirror), ingestId_(std::move(ingestId)), notBefore_(notBefore) {}
  // A task is opened once (the key); shown until a sync finds it done.
  void acceptTask(engine::ManualTask&& t) override {
    if (mirror_.openTask(t, store::nowMillis())) ++tasksOpened;
  }
  void accept(engine::OutboundMessage&& m) override {
    const int64_t hold = notBefore_ ? notBefore_(m.registry, store::nowMillis()) : 0;
    held_.push_back({std::move(m), hold});
  }
  // Returns how many of the held messages this ingest queued: the new ones,
  // and those an earlier attempt of the same ingest queued before it died
  // (stored under its id, not seen by this attempt yet).
  size_t flush() {
    if (held_.empty()) return 0;
    size_t mine = 0;
    for (const auto& r : store_.enqueueBatch(held_, ingestId_, store::nowMillis())) {
      const bool earlierAttempt = r.outcome == store::EnqueueOutcome::kUnchanged && r.sameIngest;
      const bool counted = r.outcome != store::EnqueueOutcome::kUnchanged || earlierAttempt;
      if (counted && seen_.insert(r.id).second) {
        ++queued;
        ++mine;
      } else {
        ++unchanged;
      }
    }
    held_.clear();
    return mine;
  }
  size_t queued = 0, unchanged = 0, tasksOpened = 0;

 private:
  store::DeliveryStore& store_;
  store::RegistryMirror& mirror_;
  std::string ingestId_;
  const std::function<int64_t(const std::string&, int64_t)>& notBefore_;
  std::vector<store::ToEnqueue> held_;
  std::set<int64_t> seen_;  // messages counted as queued by this attempt
};

}  // namespace

Intake::Intake(store::DeliveryStore& store, std::vector<std::shared_ptr<const engine::Adapter>> adapters,
               std::function<int64_t(const std::string&, int64_t)> notBefore, IntakeOptions options)
    : store_(store),
      state_(store::CitizenState::open(store.options())),
      scopeState_(store::CitizenState::open(store.options())),
      mirror_(store::RegistryMirror::open(store.options())),
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
  DeltaCollector(store::CitizenState& state, engine::Pipeline& pipeline, const diag::Reporter& reporter,
                 const IngestLease& lease)
      : state_(state), pipeline_(pipeline), reporter_(reporter), lease_(lease) {}
  bool collectsResources() const override { return true; }
  void onSource(const ingest::SourceDocument& doc) override { pipeline_.onSource(doc); }
  void onCitizen(model::Citizen&&) override {}
  void onResource(state::ResourceRecord&& r) override {
    batch_.push_back(std::move(r));
    if (batch_.size() >= kBatch) flush();
  }
  void flush() {
    if (batch_.empty()) return;
    lease_.check();  // a worker that lost its lease merges no more
    // A queued ingest's merge notices are recorded with the batch, once, so
    // a retry (which finds the batch merged) still reports them.
    const store::MergeProgress progress{lease_.ingestId, batches_++};
    auto merged = state_.merge(batch_, store::nowMillis(), reporter_, lease_.owner.empty() ? nullptr : &progress);
    touched.insert(merged.touched.begin(), merged.touched.end());
    batch_.clear();
  }
  std::set<std::string> touched;  // citizens the delta changed

 private:
  static constexpr size_t kBatch = 2000;
  store::CitizenState& state_;
  engine::Pipeline& pipeline_;
  const diag::Reporter& reporter_;
  const IngestLease& lease_;
  std::vector<state::ResourceRecord> batch_;
  int64_t batches_ = 0;
};

}  // namespace

size_t Intake::renderCitizens(std::set<std::string> citizens, engine::Pipeline& pipeline,
                              const diag::Reporter& reporter, const std::function<size_t()>& flushQueued,
                              const GroupDone& groupDone, const IngestLease& lease) {
  // Left dirty by an ingest that died after its merge: rendered now, all of
  // them (a kill half-way through a big ingest leaves thousands; the rerun
  // of the same file changes none, so nothing else would render them).
  for (const std::string& c : state_->dirtyCitizens(kAllDirty)) citizens.insert(c);
  // A queued ingest renders under its own id: its next attempt, after a
  // kill, takes over the render leases the dead one held (else it skipped
  // those citizens until the leases ran out, and its report missed them).
  const std::string owner = lease.owner.empty()
                                ? "intake " + Poco::UUIDGenerator::defaultGenerator().createRandom().toString()
                                : "ingest " + lease.ingestId;
  size_t rendered = 0;
  std::vector<std::string> todo(citizens.begin(), citizens.end());
  // Rendered again (up to 3 times) while a concurrent merge changed it meanwhile.
  for (int round = 0; round < 3 && !todo.empty(); ++round) {
    std::vector<std::string> again;
    for (size_t from = 0; from < todo.size(); from += kRenderGroup) {
      const std::vector<std::string> group(todo.begin() + static_cast<std::ptrdiff_t>(from),
                                           todo.begin() + static_cast<std::ptrdiff_t>(std::min(todo.size(), from + kRenderGroup)));
      // A worker that lost its lease starts no more groups (one it began it
      // ends: what it records with the group is true whoever has the ingest).
      lease.check();
      std::vector<store::CitizenRecords> held;
      // A citizen another intake holds is skipped: that one sees the dirty mark.
      for (auto& h : state_->beginRenders(group, owner, store::nowMillis(), kRenderLeaseMillis))
        if (h) held.push_back(std::move(*h));
      const size_t citizensBefore = pipeline.stats().citizens;
      for (const auto& h : held) ingest::assembleRecords(h.records, h.fresh, reporter, pipeline);
      rendered += held.size();
      // Queued before the dirty marks are cleared: a crash in between
      // renders the group again, and unchanged messages are not queued twice.
      const size_t queued = flushQueued();
      const auto progress =
          groupDone ? groupDone(static_cast<int64_t>(pipeline.stats().citizens - citizensBefore), static_cast<int64_t>(queued))
                    : std::optional<store::RenderProgress>();
      for (std::string& c : state_->endRenders(held, owner, progress ? &*progress : nullptr)) again.push_back(std::move(c));
    }
    todo = std::move(again);
  }
  return rendered;
}

template <typename Read>
IntakeResult Intake::run(const std::string& source, std::optional<model::Date> asOf, const Sender& sender, Read read,
                         const std::function<std::optional<std::string>()>& precheck, const std::string& id,
                         const IngestLease& lease) {
  std::lock_guard lock(mutex_);
  IntakeResult r;
  if (precheck)
    if (auto refused = precheck()) {
      r.refused = std::move(*refused);
      return r;
    }
  r.ingestId = id.empty() ? Poco::UUIDGenerator::defaultGenerator().createRandom().toString() : id;
  diag::Collector diagnostics;
  diag::Reporter reporter(diagnostics);
  engine::RunContext ctx;
  ctx.asOf = asOf.value_or(model::copenhagenToday());
  ctx.delta = true;
  std::vector<const engine::Adapter*> raw;
  for (const auto& a : adapters_) raw.push_back(a.get());
  ScheduledSink sink(store_, *mirror_, r.ingestId, notBefore_);
  // A queued ingest's own earlier attempts are not prior deliveries to it.
  const engine::StorePriorDeliveries prior(store_, mirror_.get(), lease.owner.empty() ? std::string() : r.ingestId);
  engine::Pipeline pipeline(raw, ctx, reporter, &sink, prior);
  pipeline.setQuestionnaireCheck([raw](std::string_view q) {
    for (const engine::Adapter* a : raw)
      if (a->understandsQuestionnaire(q)) return true;
    return false;
  });
  DeltaCollector delta(*state_, pipeline, reporter, lease);
  ingest::Ingestor ingestor(delta, reporter);
  read(ingestor);
  ingestor.finish();
  delta.flush();
  // A queued ingest records each render group as it completes (its
  // diagnostics since the last group, its counts): an attempt that dies
  // leaves them for the next one, which renders only what is still dirty.
  const bool queued = !lease.owner.empty();
  const size_t readEnd = diagnostics.diagnostics().size();
  size_t groupFrom = readEnd;
  GroupDone groupDone;
  if (queued)
    groupDone = [&](int64_t citizens, int64_t messages) {
      const auto& all = diagnostics.diagnostics();
      store::RenderProgress p{r.ingestId, citizens, messages,
                              std::vector<diag::Diagnostic>(all.begin() + static_cast<std::ptrdiff_t>(groupFrom), all.end())};
      groupFrom = all.size();
      return std::optional<store::RenderProgress>(std::move(p));
    };
  renderCitizens(delta.touched, pipeline, reporter, [&sink] { return sink.flush(); }, groupDone, lease);
  sink.flush();
  r.unreadable = ingestor.unreadable();
  r.stats = pipeline.stats();
  r.queued = sink.queued;
  r.unchanged = sink.unchanged;
  r.diagnostics = diagnostics.take();
  if (queued) {
    // This attempt's reading, then each merge batch's notices (of the
    // attempt that merged it) and every render group of every attempt.
    r.diagnostics.resize(readEnd);
    const store::IngestProgress progress = store_.ingestProgress(r.ingestId);
    r.diagnostics.insert(r.diagnostics.end(), progress.diagnostics.begin(), progress.diagnostics.end());
    r.stats.citizens = static_cast<size_t>(progress.citizens);
    r.queued = static_cast<size_t>(progress.messages);
  }
  for (const auto& d : r.diagnostics)
    ++(d.severity == diag::Severity::kError ? r.errors : d.severity == diag::Severity::kWarning ? r.warnings : r.infos);
  store::IngestRecord rec{r.ingestId, store::nowMillis(), source, static_cast<int64_t>(r.stats.citizens),
                          static_cast<int64_t>(r.queued), r.errors, r.warnings, r.unreadable, sender.name, "done", {}};
  lease.check();
  if (!store_.recordIngest(rec, r.diagnostics, lease.owner)) throw LeaseLost(r.ingestId);
  return r;
}

IntakeResult Intake::ingestBuffer(const std::string& name, std::string_view bytes, std::string_view contentType,
                                  std::optional<model::Date> asOf, const Sender& sender) {
  std::function<std::optional<std::string>()> precheck;
  if (!sender.kommuner.empty())
    precheck = [&] { return scopeRefusal(bytes, contentType, sender.kommuner, *state_); };
  return run(
      name, asOf, sender, [&](ingest::Ingestor& in) { in.readBuffer(name, bytes, contentType); }, precheck);
}

std::optional<std::string> Intake::scopeCheck(std::string_view bytes, std::string_view contentType,
                                              const std::set<std::string>& kommuner) {
  std::lock_guard lock(scopeMutex_);
  return scopeRefusal(bytes, contentType, kommuner, *scopeState_);
}

IntakeResult Intake::ingestQueued(const store::QueuedIngest& q, std::string_view bytes,
                                  std::function<bool()> stillLeased) {
  const Sender sender{q.actor, q.kommuner};
  std::function<std::optional<std::string>()> precheck;
  if (!q.kommuner.empty())
    precheck = [&] { return scopeRefusal(bytes, q.contentType, q.kommuner, *state_); };
  const IngestLease lease{q.worker, std::move(stillLeased), q.id};
  IntakeResult r = run(
      q.source, std::nullopt, sender, [&](ingest::Ingestor& in) { in.readBuffer(q.source, bytes, q.contentType); },
      precheck, q.id, lease);
  if (!r.refused.empty()) {
    r.ingestId = q.id;
    store::IngestRecord rec{q.id, q.createdAt, q.source, 0, 0, 0, 0, false, q.actor, "done", r.refused};
    if (!store_.recordIngest(rec, {}, q.worker)) throw LeaseLost(q.id);
  }
  return r;
}

size_t Intake::markDirty(const std::set<std::string>& citizens) {
  std::lock_guard lock(mutex_);
  return state_->markDirty(citizens, store::nowMillis());
}

IntakeResult Intake::renderDirty(const std::string& source, std::optional<model::Date> asOf) {
  return run(source, asOf, Sender{"sync", {}}, [](ingest::Ingestor&) {});
}

IntakeResult Intake::ingestPaths(const std::vector<std::string>& paths, std::optional<model::Date> asOf,
                                 const Sender& sender) {
  if (!sender.kommuner.empty()) throw std::logic_error("bug: a kommune-scoped sender ingests a buffer, not files");
  std::string source;
  for (const auto& p : paths) source += (source.empty() ? "" : " ") + p;
  return run(source, asOf, sender, [&](ingest::Ingestor& in) {
    for (const auto& p : paths) in.readPath(p);
  });
}

}  // namespace reghub::api
