#pragma once
// The citizen state of the delivery store (issue "Incremental feeds";
// docs/STORE.md "Citizen state"): the latest version of every inbound
// resource the hub uses, grouped by citizen, so that a delta sent today
// joins what came days before.
//
// - The citizen is the CPR: Patient resources with the same CPR are one
//   citizen. Every key is stored as a keyed hash, every resource sealed.
// - merge() takes the records of one ingest (in batches): a newer version
//   replaces the held one, an older one is ignored (info), an unchanged
//   re-send touches nothing. A resource whose Patient is not known yet is
//   *parked* and joins its citizen when the Patient arrives.
// - Every citizen a merge changed is marked dirty in the same transaction;
//   rendering takes a lease on it (beginRender/endRender) and clears the
//   mark only if no newer merge came meanwhile. A crash after a merge thus
//   leaves the citizen dirty, and the next ingest or `reghub run` renders
//   it — no change is lost. (A kill between two batches of one large ingest
//   leaves the batches before it merged; their citizens render then.)
//
// Safe across processes (one connection per object; SQLite serialises
// writers, PostgreSQL row locks and leases). Not thread-safe: one per
// thread. Every call does I/O and throws StoreError on database failure.
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "hub/diag/reporter.h"
#include "hub/state/resource_record.h"
#include "hub/store/delivery_store.h"

namespace reghub::store {

struct MergeResult {
  std::set<std::string> touched;  // citizen ids (keyed hashes) that changed
  size_t added = 0, replaced = 0, unchanged = 0, olderIgnored = 0, parked = 0, joined = 0;
};

// One citizen's records as held, for rendering.
struct CitizenRecords {
  std::string citizen;
  int64_t version = 0;
  std::vector<state::ResourceRecord> records;  // incl. the Organizations they name
  // Keys of the records new or changed since the citizen was last rendered.
  std::set<std::string> fresh;
  int64_t readAt = 0;
};

// What a batch of records would join, read before it is merged (an intake's
// kommune check: nothing is stored when it fails).
struct HeldContext {
  // Every record of each citizen the batch touches, the held versions of its
  // Organizations, and parked records that would join its Patients.
  std::vector<state::ResourceRecord> records;
  // Keys of batch records that would be parked: neither their Patient nor
  // their forløb is in the batch or held.
  std::vector<std::string> unresolved;
};

struct ParkedResource {
  std::string type;        // resourceType
  std::string waitingFor;  // the Patient reference it names, masked
  std::string file;        // where it came from
  int64_t since = 0;       // when it arrived
  bool expired = false;    // waited longer than allowed: HUB-REF-01
};

// What a render group of a queued ingest did, recorded with the group's
// completion (CitizenState::endRenders): an attempt that dies after it is not
// rendered again, so its counts and diagnostics must outlive it
// (DeliveryStore::ingestProgress reads them back).
struct RenderProgress {
  std::string ingestId;
  int64_t citizens = 0, messages = 0;
  std::vector<diag::Diagnostic> diagnostics;
};

// A queued ingest's merge batch: which ingest, and its place in the body
// (batches are cut the same way on every attempt). Its notices are recorded
// with the merge, once: a retry finds the batch merged and says nothing of
// what it changed, so the first attempt's notices are the ingest's.
struct MergeProgress {
  std::string ingestId;
  int64_t batch = 0;
};

// What a retention prune removed (CitizenState::prune).
struct StatePruneResult {
  size_t citizens = 0, resources = 0, parked = 0;
};

class CitizenState {
 public:
  // A connection of its own to the store at options.url; the schema is
  // DeliveryStore::open's (open that first).
  static std::unique_ptr<CitizenState> open(const StoreOptions& options);
  ~CitizenState();

  // Diagnostics (HUB-INGEST-13 versions, HUB-STATE-01 parked) go to `out`;
  // with `progress`, instead, to the ingest's progress rows in the merge's
  // transaction (unless that batch is recorded already: an earlier attempt's).
  MergeResult merge(const std::vector<state::ResourceRecord>& batch, int64_t now, const diag::Reporter& out,
                    const MergeProgress* progress = nullptr);

  // Marks citizens (by id) for rendering again: what a registry holds for
  // them changed (a sync). Unknown ids are ignored. Returns how many.
  size_t markDirty(const std::set<std::string>& citizens, int64_t now);
  // Read-only: what `batch` would join if merged now (see HeldContext).
  HeldContext heldContext(const std::vector<state::ResourceRecord>& batch);

  // Key rotation: the next `max` held resources after `cursor` (by key;
  // "" = from the start) — those sealed under another key than the current
  // one are sealed again with it, in one transaction. Returns how many were
  // re-sealed; `cursor` moves on, `done` is set at the end (resumable as
  // DeliveryStore::rekey).
  size_t rekey(std::string& cursor, bool& done, size_t max);

  // Citizens marked dirty (changed since they were last rendered).
  std::vector<std::string> dirtyCitizens(size_t max);
  // Takes the render lease on a citizen and reads its records; nullopt when
  // another renderer holds a live lease (it will see the dirty mark).
  std::optional<CitizenRecords> beginRender(const std::string& citizen, const std::string& owner, int64_t now,
                                            int64_t leaseMillis);
  // Releases the lease; clears the dirty mark unless a merge came after
  // `version` (the records' CitizenRecords::version, read at `readAt`).
  // Returns true when the citizen is still dirty.
  bool endRender(const std::string& citizen, const std::string& owner, int64_t version, int64_t readAt);
  // The same for a group of citizens, one transaction each way (an ingest
  // renders citizens in groups: a commit per group, not per citizen).
  // beginRenders: one entry per citizen, in order. endRenders: the citizens
  // (of `held`) that are still dirty.
  std::vector<std::optional<CitizenRecords>> beginRenders(const std::vector<std::string>& citizens,
                                                          const std::string& owner, int64_t now, int64_t leaseMillis);
  // `progress` (not null): recorded in the same transaction.
  std::vector<std::string> endRenders(const std::vector<CitizenRecords>& held, const std::string& owner,
                                      const RenderProgress* progress = nullptr);

  // Resources waiting for their Patient, oldest first; those waiting longer
  // than `expireAfterMillis` are expired.
  std::vector<ParkedResource> parked(int64_t now, int64_t expireAfterMillis, size_t max = 1000);
  int64_t parkedCount();

  // Retention (`reghub prune`, retention.citizenStateDays): deletes the held
  // resources and Patient links of every citizen unchanged since before
  // `unchangedBefore`, not dirty and not being rendered, whose messages are
  // all accepted or superseded (one waiting, rejected or dead may still need
  // its state for a correction); and resources parked since before then.
  // Shared Organizations stay. In transactions of `batch` citizens.
  StatePruneResult prune(int64_t unchangedBefore, int64_t now, size_t batch = 500);

 private:
  CitizenState(std::unique_ptr<SqlDb> db, std::shared_ptr<const Keyring> keyring);
  std::string hash(const std::string& what) const;
  void recordMergeBatch(const MergeProgress& progress, const std::vector<diag::Diagnostic>& notices);
  void lockKeys(const std::vector<state::ResourceRecord>& batch);
  // What one merge (inside its transaction) has learnt of the held state,
  // so each resource does not ask again.
  struct MergeMemo {
    std::unordered_map<std::string, std::string> patients;  // patient hash → citizen ("" if none)
    bool parkedBefore = false;                               // any resource parked when the merge began
    bool anyParked(const MergeResult& sofar) const { return parkedBefore || sofar.parked > 0; }
  };
  std::string citizenOfPatient(const std::string& patientHash);
  std::string citizenOfPatient(const std::string& patientHash, MergeMemo& memo);
  std::string citizenOfResource(const std::string& resHash);
  void storeResource(const state::ResourceRecord& r, const std::string& citizen, int64_t now,
                     const diag::Reporter& out, MergeResult& result);
  std::optional<CitizenRecords> beginRenderLocked(const std::string& citizen, const std::string& owner, int64_t now,
                                                  int64_t leaseMillis);
  // True when the citizen is dirty again; `released` (if given) says whether
  // this owner still held the lease it gave up.
  bool endRenderLocked(const std::string& citizen, const std::string& owner, int64_t version, int64_t readAt,
                       bool* released = nullptr);
  // The citizen's records (and the Organizations they name) into `out`;
  // those updated at or after `freshSince` into `fresh` when given.
  void readCitizen(const std::string& citizen, int64_t freshSince, std::vector<state::ResourceRecord>& out,
                   std::set<std::string>* fresh);
  state::ResourceRecord openRow(const SqlRow& row);  // res, key_id, sealed
  void joinParked(const std::string& citizen, const std::string& patientHash, int64_t now, MergeResult& result);

  std::unique_ptr<SqlDb> db_;
  std::shared_ptr<const Keyring> keyring_;
};

}  // namespace reghub::store
