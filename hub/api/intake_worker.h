#pragma once
// The intake's worker (docs/STORE.md "Intake queue"): ingests the bodies
// POST /fhir queued (store/intake_queue.h), oldest first, one at a time
// (the Intake serialises ingests anyway). Its claim is a lease kept alive
// while the ingest runs; a worker that dies leaves the ingest to be claimed
// again when the lease runs out, by this process after a restart or by any
// other on the same store.
//
// An ingest that throws is tried again after its lease, up to
// intake.maxAttempts claims; then it is `failed` (its body kept, `reghub
// replay --ingests` queues it again). A worker whose lease renewal finds the
// ingest claimed by another stops it and records nothing.
//
// Thread-safe: start()/stop() from one controlling thread, notify() from any.
// stop() lets the ingest in progress finish.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "hub/api/intake.h"
#include "hub/store/intake_queue.h"

namespace reghub::api {

// intake.* keys (hub/app/hub_config.cpp).
struct IntakeQueueOptions {
  bool workers = true;                // this process ingests what is queued
  int64_t maxWaiting = 64;            // 503 while this many ingests are not done (intake.maxQueued)
  size_t streamBytes = 8u << 20;      // a larger body is streamed to the store in pieces (intake.streamBytes)
  int64_t leaseMillis = 60'000;       // an ingest claimed and not renewed is claimed again after this
  int64_t pollMillis = 250;           // idle wait when nothing is queued
  int64_t receivingMillis = 3'600'000;  // a body still arriving after this is dropped (a dead connection)
  int maxAttempts = 5;  // an ingest that failed (or whose worker died) this often is given up: failed (intake.maxAttempts)
  // … its last worker's lease ran out this long ago: not failed before (intake.failGraceMillis)
  int64_t failGraceMillis = 60'000;
};

class IntakeWorker {
 public:
  // Not owned; both outlive the worker. `maintenance` (optional) runs about
  // once a minute on the worker's thread (the store's counter folding).
  IntakeWorker(store::IntakeQueue& queue, Intake& intake, IntakeQueueOptions options,
               std::function<void()> maintenance = {});
  ~IntakeWorker();  // stop()
  IntakeWorker(const IntakeWorker&) = delete;
  IntakeWorker& operator=(const IntakeWorker&) = delete;

  void start();
  void stop();
  void notify();  // a body was queued
  // One claim and its ingest, on the calling thread; false when nothing was queued.
  bool ingestOne();

 private:
  void loop();
  // Renews `id`'s lease every third of it until `done`; sets `lost` (and
  // stops) when the renewal finds the lease another worker's.
  void keepLease(const std::string& id, const bool& done, std::atomic<bool>& lost);

  store::IntakeQueue& queue_;
  Intake& intake_;
  IntakeQueueOptions options_;
  std::function<void()> foldCounts_;
  std::string workerId_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false, woken_ = false;
};

}  // namespace reghub::api
