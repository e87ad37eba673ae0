#pragma once
// The intake queue (docs/STORE.md "Intake queue"): POST /fhir stores the
// body here, sealed, and answers 202 at once; an intake worker claims the
// ingest, ingests the body, and DeliveryStore::recordIngest marks it `done`
// and deletes the body in one transaction.
//
//   receiving ─► queued ─► ingesting ─► done        (a large body is streamed in pieces)
//                   ▲  ▲        │  └──► failed      (maxAttempts tried: the body kept)
//                   │  └ lease ─┘          │
//                   └──── replayFailed ────┘   (the worker died: another claims it again)
//
// A claim is a lease (like a message's): a worker killed mid-ingest leaves
// the ingest `ingesting`; when the lease runs out it is claimed again and the
// same body ingested once more — the merge of an unchanged re-send changes
// nothing and a message already queued is `unchanged`, so every citizen's
// messages are queued once (IntakeQueue.* and AsyncIntakeKill.* tests).
//
// The body is sealed with AES-256-GCM in pieces (each piece's context names
// the ingest and its place, so pieces cannot be swapped). Its own
// connection; thread-safe (calls serialised). Every call does I/O and throws
// StoreError on database failure.
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "hub/store/delivery_store.h"

namespace reghub::store {

// What an intake worker needs to ingest a stored body as its sender would have.
struct QueuedIngest {
  std::string id, source, contentType, actor;
  std::set<std::string> kommuner;  // the sender's scope (empty: every kommune)
  int64_t createdAt = 0;
  int attempt = 0;  // this claim's (1 = first)
  std::string worker = {};  // whose lease (the record is conditional on it)
};

class IntakeQueue {
 public:
  static std::unique_ptr<IntakeQueue> open(const StoreOptions& options);
  ~IntakeQueue();

  // A whole body, stored and queued in one transaction.
  void enqueue(const QueuedIngest& ingest, std::string_view body, int64_t now);
  // A streamed body: begin() (state receiving), append() each piece in its
  // own transaction (seq 0, 1, …), then release() (queued) — or abandon()
  // (the body did not arrive whole: the row and its pieces go).
  void begin(const QueuedIngest& ingest, int64_t now);
  void append(const std::string& id, int64_t seq, std::string_view piece);
  void release(const std::string& id);
  void abandon(const std::string& id) noexcept;

  // The oldest queued ingest, or one whose worker's lease ran out → ingesting,
  // leased to `worker` until now + leaseMillis. Safe across processes. An
  // ingest whose lease ran out after `maxAttempts` claims (its workers died
  // each time) is not claimed again but failed — once `failGraceMillis` more
  // have passed (intake.failGraceMillis: its worker may be alive, only late).
  std::optional<QueuedIngest> claim(const std::string& worker, int64_t now, int64_t leaseMillis,
                                    int maxAttempts = 5, int64_t failGraceMillis = 0);
  // Keeps the lease (a long ingest); false when it was lost.
  bool renew(const std::string& id, const std::string& worker, int64_t until);
  // Gives the ingest up (its last attempt failed): state failed with `why`
  // (digit runs masked), the body kept. False when the lease was lost.
  bool fail(const std::string& id, const std::string& worker, const std::string& why);
  // Failed ingests (`id` empty: all) → queued, attempts from 0; how many.
  // (DeliveryStore::failedIngests lists them.)
  size_t replayFailed(const std::string& id = {});
  // The whole body (the pieces opened and joined). Throws KeyError when a
  // piece does not open (wrong key, tampered).
  std::string body(const std::string& id);
  // Ingests not yet done (receiving, queued, ingesting): backpressure.
  int64_t waiting();
  // Receiving rows older than `before` (a connection or process that died
  // mid-body): removed with their pieces. Returns how many.
  size_t dropStaleReceiving(int64_t before);
  // Key rotation (`reghub rekey`): the next `max` body pieces after `cursor`
  // (by ingest id and piece) — those sealed under another key than the
  // current one are sealed again with it, in one transaction. Returns how
  // many; `done` at the end. Resumable as DeliveryStore::rekey.
  struct RekeyCursor {
    std::string ingest;
    int64_t seq = -1;
    bool done = false;
  };
  size_t rekey(RekeyCursor& cursor, size_t max);

 private:
  IntakeQueue(std::unique_ptr<SqlDb> db, std::shared_ptr<const Keyring> keyring);
  void insertRow(const QueuedIngest& ingest, const std::string& state, int64_t now);
  void insertPiece(const std::string& id, int64_t seq, std::string_view piece);

  std::unique_ptr<SqlDb> db_;
  std::shared_ptr<const Keyring> keyring_;
  std::mutex mutex_;
};

}  // namespace reghub::store
