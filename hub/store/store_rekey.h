#pragma once
// Key rotation's second half (`reghub rekey`, docs/STORE.md "Key rotation"):
// every sealed column of the store, walked table by table with a cursor of
// its own, the rows still under an older key sealed again with the current
// one, a batch per transaction. The sealed columns, all of them:
//
//   messages.sealed, ingest_diagnostics.sealed, ingest_progress.sealed   DeliveryStore::rekey
//   citizen_resources.sealed                                             CitizenState::rekey
//   registry_records.sealed                                              RegistryMirror::rekey
//   intake_bodies.sealed                                                 IntakeQueue::rekey
//   store_canary.sealed                                                  DeliveryStore::checkKeys (on open)
//
// (A table with a key_id column that is missing here fails
// Rekey.EveryTableWithASealedColumn_*.) Interrupted — killed, or stopped
// after some steps — a new StoreRekey walks again and re-seals only what
// is left (rows under the current key are skipped without opening them).
#include <cstddef>
#include <memory>
#include <string>

#include "hub/store/delivery_store.h"
#include "hub/store/intake_queue.h"

namespace reghub::store {

class CitizenState;
class RegistryMirror;

struct RekeyCounts {
  size_t messagesAndDiagnostics = 0;  // messages, ingest diagnostics, ingest progress
  size_t citizenResources = 0, registryRecords = 0, bodyPieces = 0;
  size_t total() const { return messagesAndDiagnostics + citizenResources + registryRecords + bodyPieces; }
};

class StoreRekey {
 public:
  // `store` is open (which moved the key canary to the current key).
  explicit StoreRekey(DeliveryStore& store);
  ~StoreRekey();
  // One batch of up to `batch` rows of the table at hand, in its own
  // transaction. False once every table is walked.
  bool step(size_t batch);
  const RekeyCounts& counts() const { return counts_; }

 private:
  enum class Table { kDelivery, kCitizens, kMirror, kBodies, kDone };
  DeliveryStore& store_;
  std::unique_ptr<CitizenState> citizens_;
  std::unique_ptr<RegistryMirror> mirror_;
  std::unique_ptr<IntakeQueue> queue_;
  Table at_ = Table::kDelivery;
  DeliveryStore::RekeyCursor delivery_;
  std::string citizenAt_, recordAt_;
  IntakeQueue::RekeyCursor bodyAt_;
  RekeyCounts counts_;
};

}  // namespace reghub::store
