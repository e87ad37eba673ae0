#pragma once
// The outbox (ARCHITECTURE.md "Delivery tracking"): stores every rendered
// message before it is sent (OutboxSink) and delivers them with a pool of
// worker threads (Outbox).
//
// A worker claims due messages from the DeliveryStore (leased to it), makes
// one attempt through the registry's Deliverer, and records the outcome:
// accepted, rejected (the registry's reason), or — for a transient failure —
// retry-wait after a capped full-jitter backoff, `dead` after the registry's
// last attempt. Nothing is dropped silently. A failing message blocks only
// the messages that depend on it.
//
// Crash safety: a claim is a lease. A worker killed mid-send leaves its
// message `sending`; when the lease runs out any worker returns it to
// `pending` and it is sent again with the same idempotency key. stop()
// lets in-flight attempts finish and returns unstarted claims to pending.
//
// Thread-safe: start()/stop()/drain() from one controlling thread; stats()
// from any thread. Deliverers are created per worker (they need not be
// thread-safe).
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "hub/engine/adapter.h"
#include "hub/engine/pipeline.h"
#include "hub/engine/delivery_log.h"
#include "hub/engine/rate_limiter.h"
#include "hub/engine/retry_policy.h"
#include "hub/store/delivery_store.h"
#include "hub/store/registry_mirror.h"

namespace reghub::engine {

// The pipeline's sink for `ingest`/`run`: every message goes to the store.
class OutboxSink final : public MessageSink {
 public:
  OutboxSink(store::DeliveryStore& store, std::string ingestId, std::function<int64_t()> clock = store::nowMillis)
      : store_(store), ingestId_(std::move(ingestId)), clock_(std::move(clock)) {}
  void accept(OutboundMessage&& message) override;
  size_t queued() const { return queued_; }
  size_t unchanged() const { return unchanged_; }

 private:
  store::DeliveryStore& store_;
  std::string ingestId_;
  std::function<int64_t()> clock_;
  size_t queued_ = 0;
  size_t unchanged_ = 0;
};

// Makes the Deliverer for a registry (Adapter::makeDeliverer in the
// service; a test transport in tests). Called once per worker and registry.
// Returning null (or throwing) marks attempts for that registry as retry.
using DelivererFactory = std::function<std::unique_ptr<Deliverer>(const std::string& registry)>;

// A registry's own limits (delivery.<registry>.concurrency, .ratePerSecond).
struct RegistryLimits {
  size_t concurrency = 0;    // workers claiming only this registry's messages (0: OutboxOptions::workers)
  double ratePerSecond = 0;  // attempts per second in this process, spaced evenly (0: no limit)
};

struct OutboxOptions {
  size_t workers = 2;
  // Not empty: each of these registries gets workers of its own
  // (RegistryLimits::concurrency of them), which claim only its messages —
  // a slow or failing registry holds no other back. Empty: `workers` claim
  // every registry's messages (tests, tools).
  std::vector<std::string> registries;
  std::map<std::string, RegistryLimits> limits;
  std::string workerId;              // prefix of worker names; default host-pid
  int64_t leaseMillis = 120'000;     // > the deliverer's longest attempt (timeouts)
  int64_t pollMillis = 250;          // idle wait when nothing is due
  size_t claimBatch = 4;             // messages claimed per round trip
  int64_t maintenanceMillis = 1'000; // lease recovery, blocked dependents
  RetryPolicies retry;
  std::function<int64_t()> clock = store::nowMillis;
  uint64_t seed = 0;                 // jitter seed (0 = random)
  // What syncs read back from the registries: ids for a message whose
  // receipt was lost. Not owned; may be null.
  store::RegistryMirror* mirror = nullptr;
};

struct OutboxStats {
  uint64_t attempts = 0, accepted = 0, rejected = 0, retries = 0, dead = 0, lostLeases = 0, recovered = 0;
};

class Outbox {
 public:
  Outbox(store::DeliveryStore& store, DelivererFactory factory, OutboxOptions options);
  ~Outbox();  // stop()
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  void start();
  // Graceful: in-flight attempts finish and are recorded; claimed but not
  // started messages go back to pending. Idempotent.
  void stop();
  // Wake idle workers (new messages were queued).
  void notify();
  // Waits until nothing is pending, sending or waiting to retry, or until
  // `maxMillis` passed. True if drained.
  bool drain(int64_t maxMillis);
  OutboxStats stats() const;
  // Attempts for `registry` in a row, by this process's workers, that did not
  // reach the registry (retried or given up) since the last one that did
  // (accepted or rejected): per-registry health.
  uint64_t consecutiveFailures(const std::string& registry) const;
  const std::string& workerId() const { return options_.workerId; }

 private:
  // `registry` empty: claims every registry's messages.
  void workerLoop(size_t index, const std::string& registry);
  // One attempt and what it leads to (not yet recorded).
  store::AttemptOutcome attempt(const store::ClaimedMessage& claimed, Deliverer* deliverer,
                                const std::string& whyNoDeliverer, std::mt19937_64& rng);
  // The outcomes of one claimed batch, in one transaction; counts them.
  void record(const std::vector<std::pair<store::ClaimedMessage, store::AttemptOutcome>>& done,
              const std::string& worker);

  store::DeliveryStore& store_;
  DelivererFactory factory_;
  OutboxOptions options_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  std::mutex wakeMutex_;
  std::condition_variable wake_;
  std::atomic<int64_t> lastMaintenance_{0};
  static constexpr uint64_t kFailCheckRounds = 30;
  std::atomic<bool> failedSinceCheck_{false};
  std::atomic<uint64_t> maintenanceRounds_{0};
  DeliveryLog log_;
  std::map<std::string, std::unique_ptr<RateLimiter>> limiters_;  // built in start(), read-only while running
  mutable std::mutex failuresMutex_;
  std::map<std::string, uint64_t> failuresInARow_;  // per registry
  struct Counters {
    std::atomic<uint64_t> attempts{0}, accepted{0}, rejected{0}, retries{0}, dead{0}, lostLeases{0}, recovered{0};
  } counters_;
};

}  // namespace reghub::engine
