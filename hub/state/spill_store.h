#pragma once
// A temporary on-disk store for the resources a stateless run (`validate`,
// `translate`) holds past its memory budget, so that a gigabyte of day files
// in any order is assembled into citizens with bounded memory.
//
// One SQLite file in $TMPDIR, mode 0600 and unlinked as soon as it is open
// (nothing is left behind, even by kill -9). Keys are stored only as keyed
// hashes and every record is sealed whole with AES-256-GCM, under keys that
// exist only in this process: a copy of the file reveals no CPR, name or id.
// Records are grouped by the canonical key of their Patient ("Patient/id"),
// or — for a resource that names no Patient — by its first parent
// (EpisodeOfCare / CarePlan) key. The newer version of a key replaces the
// older (hub/state/version_order.h). Not thread-safe; throws
// std::runtime_error on I/O failure (disk full, no temp directory).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "hub/state/resource_record.h"
#include "hub/state/version_order.h"

namespace reghub::state {


class SpillStore {
 public:
  SpillStore();
  ~SpillStore();
  SpillStore(const SpillStore&) = delete;
  SpillStore& operator=(const SpillStore&) = delete;

  enum class Put { kAdded, kReplaced, kOlderIgnored };
  Put put(const ResourceRecord& r);

  // Removes and returns the records of these Patients (in arrival order).
  std::vector<ResourceRecord> takePatients(const std::vector<std::string>& patientKeys);
  // Removes and returns the records that name no Patient and whose parent is one of these.
  std::vector<ResourceRecord> takeOrphansOf(const std::vector<std::string>& parentKeys);
  // Removes and returns whatever is left (never found its citizen), in arrival order.
  std::vector<ResourceRecord> takeRest();
  size_t size() const { return count_; }

  // The Patients of the run, for grouping into citizens without holding
  // them in memory: one with a CPR joins the others with that CPR, one
  // without stands alone.
  void addPatient(const std::string& key, const std::string& cpr, uint64_t arrival);
  // Each citizen's Patient keys (in arrival order), citizens in the order of
  // their first Patient's arrival.
  void forEachPatientGroup(const std::function<void(uint64_t position, std::vector<std::string>&& keys)>& fn);

 private:
  std::vector<ResourceRecord> takeGroups(const std::vector<std::string>& keys, bool byPatient);

  struct Impl;
  std::unique_ptr<Impl> impl_;
  size_t count_ = 0;
  // Which groups may have records, so that asking for an empty one costs no
  // query (most citizens have nothing spilled): 64-bit digests of the keyed
  // hashes, 16 bytes a group; a collision only costs a query that finds nothing.
  std::unordered_set<uint64_t> patients_, parents_;
};

}  // namespace reghub::state
