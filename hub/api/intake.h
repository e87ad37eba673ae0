#pragma once
// Intake: inbound FHIR (a file, a directory, an HTTP body) → validation →
// rendered messages queued in the delivery store, with the diagnostics kept
// under an ingest id (GET /ingest/{id}/diagnostics, `reghub status`).
// Shared by `reghub ingest`, `reghub run` (HTTP) and `reghub demo`.
//
// Deltas (CONTRACT §1): what is read is merged into the store's citizen
// state (hub/store/citizen_state.h); then only the citizens it changed are
// assembled from their held resources and run through the adapters. The
// store answers as PriorDeliveries (engine::StorePriorDeliveries), so only
// messages whose content changed are queued.
// Thread-safe: ingests are serialised (one pipeline at a time). Throws
// StoreError on database failure; bad input is diagnostics.
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "hub/diag/diagnostic.h"
#include "hub/engine/adapter.h"
#include "hub/engine/pipeline.h"
#include "hub/model/date.h"
#include "hub/store/delivery_store.h"

#include "hub/store/citizen_state.h"
#include "hub/store/intake_queue.h"
#include "hub/store/registry_mirror.h"

namespace reghub::api {

// Who sends an ingest: recorded with it (and in the audit trail). A sender
// with kommuner may send only data of those kommuner (kommune_scope.h).
struct Sender {
  std::string name = "local";
  std::set<std::string> kommuner;  // empty = every kommune
};

struct IntakeResult {
  // Not empty: the sender may not send this (outside its kommuner); nothing
  // was stored, not even the ingest.
  std::string refused;
  std::string ingestId;
  engine::PipelineStats stats;
  size_t queued = 0, unchanged = 0;
  int errors = 0, warnings = 0, infos = 0;
  bool unreadable = false;
  std::vector<diag::Diagnostic> diagnostics;  // all of them (CPR masked)
};

// A queued ingest's worker lost its lease (another worker claimed the
// ingest): the ingest stops, recording nothing (the other worker records it).
struct LeaseLost : std::runtime_error {
  explicit LeaseLost(const std::string& ingestId)
      : std::runtime_error("the lease on ingest " + ingestId + " was lost: another worker has it") {}
};

// Whose lease a queued ingest runs under, and whether it still holds it.
struct IngestLease {
  std::string owner;                  // empty: not a queued ingest
  std::function<bool()> stillLeased;  // empty: always
  std::string ingestId;
  void check() const {
    if (stillLeased && !stillLeased()) throw LeaseLost(ingestId);
  }
};

struct IntakeOptions {
  // How long a resource may wait for its Patient before status shows it as
  // a HUB-REF-01 error (state.parkedDays).
  int64_t parkedExpiryMillis = 7 * 86'400'000LL;
};

class Intake {
 public:
  // `adapters`: built from the configuration at start-up (shared with the
  // outbox's deliverers). `notBefore(registry, now)`: scheduled delivery (0 = at once).
  Intake(store::DeliveryStore& store, std::vector<std::shared_ptr<const engine::Adapter>> adapters,
         std::function<int64_t(const std::string&, int64_t)> notBefore = {}, IntakeOptions options = {});
  ~Intake();

  IntakeResult ingestBuffer(const std::string& name, std::string_view bytes, std::string_view contentType,
                            std::optional<model::Date> asOf = std::nullopt, const Sender& sender = {});
  // Files are sent by the host's own user: no kommune scope.
  IntakeResult ingestPaths(const std::vector<std::string>& paths, std::optional<model::Date> asOf = std::nullopt,
                           const Sender& sender = {});
  // A body POST /fhir stored (store/intake_queue.h), ingested as its sender
  // would have: under its id, judged by the sender's kommune scope with what
  // the store holds now (a refusal is recorded on the ingest, nothing else
  // stored). Records the ingest done (and its body deleted) in one transaction.
  // `stillLeased` is asked between batches: once false, the ingest stops
  // with LeaseLost (nothing recorded; the record is conditional on the lease
  // anyway). An ingest tried again reports what all its attempts queued.
  IntakeResult ingestQueued(const store::QueuedIngest& queued, std::string_view bytes,
                            std::function<bool()> stillLeased = {});
  // Whether a kommune-scoped sender may send this, judged with what the store
  // holds now (the refusal's text), before anything is stored. On a
  // connection of its own: a POST is not held up by an ingest in progress.
  std::optional<std::string> scopeCheck(std::string_view bytes, std::string_view contentType,
                                        const std::set<std::string>& kommuner);
  // Renders the citizens marked dirty without new input (after a sync changed
  // what a registry holds for them); recorded as an ingest of `source`.
  IntakeResult renderDirty(const std::string& source, std::optional<model::Date> asOf = std::nullopt);
  // Marks citizens (CitizenState ids) for the next render; how many were known.
  size_t markDirty(const std::set<std::string>& citizens);
  // What the registries hold (syncs) and the manual tasks: the intake's own connection.
  store::RegistryMirror& mirror() { return *mirror_; }

  const std::vector<std::shared_ptr<const engine::Adapter>>& adapters() const { return adapters_; }

  // Resources waiting for their Patient (status), oldest first; expired
  // after IntakeOptions::parkedExpiryMillis.
  std::vector<store::ParkedResource> parked(int64_t now);

 private:
  // `precheck` runs first, under the ingest lock: a refusal it returns stops
  // the ingest before anything is stored.
  // `id`: the ingest's (a queued one's), or empty for a new one.
  template <typename Read>
  IntakeResult run(const std::string& source, std::optional<model::Date> asOf, const Sender& sender, Read read,
                   const std::function<std::optional<std::string>()>& precheck = {}, const std::string& id = {},
                   const IngestLease& lease = {});
  // A render group is done (its citizens and the messages it queued): what to
  // record with the release of its leases, if anything.
  using GroupDone = std::function<std::optional<store::RenderProgress>(int64_t citizens, int64_t messages)>;
  // Assembles each citizen from the state and runs the adapters; returns how many.
  // Renders in groups of kRenderGroup: one transaction to take the leases,
  // one (flushQueued, returning how many it queued) to queue the group's
  // messages, one to release (with groupDone's progress).
  size_t renderCitizens(std::set<std::string> citizens, engine::Pipeline& pipeline, const diag::Reporter& reporter,
                        const std::function<size_t()>& flushQueued, const GroupDone& groupDone = {},
                        const IngestLease& lease = {});

  // Longer than any one citizen's render; a dead intake's lease runs out.
  static constexpr int64_t kRenderLeaseMillis = 60'000;
  static constexpr size_t kRenderGroup = 100;
  static constexpr size_t kAllDirty = 100'000'000;

  store::DeliveryStore& store_;
  std::unique_ptr<store::CitizenState> state_;
  std::unique_ptr<store::CitizenState> scopeState_;  // scopeCheck()'s, under scopeMutex_
  std::mutex scopeMutex_;
  std::unique_ptr<store::RegistryMirror> mirror_;
  std::function<int64_t(const std::string&, int64_t)> notBefore_;
  IntakeOptions options_;
  std::vector<std::shared_ptr<const engine::Adapter>> adapters_;
  std::mutex mutex_;
};

}  // namespace reghub::api
