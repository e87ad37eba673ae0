#include "hub/engine/outbox.h"

#include <unistd.h>

#include <chrono>
#include <map>

#include "hub/engine/store_prior_deliveries.h"

namespace reghub::engine {

void OutboxSink::accept(OutboundMessage&& message) {
  const auto r = store_.enqueue(message, ingestId_, clock_());
  if (r.outcome == store::EnqueueOutcome::kUnchanged)
    ++unchanged_;
  else
    ++queued_;
}

namespace {
std::string defaultWorkerId() {
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  return std::string(host) + "-" + std::to_string(::getpid());
}
}  // namespace

Outbox::Outbox(store::DeliveryStore& store, DelivererFactory factory, OutboxOptions options)
    : store_(store), factory_(std::move(factory)), options_(std::move(options)) {
  if (options_.workerId.empty()) options_.workerId = defaultWorkerId();
  if (options_.workers == 0) options_.workers = 1;
  if (options_.claimBatch == 0) options_.claimBatch = 1;
}

Outbox::~Outbox() { stop(); }

void Outbox::start() {
  stopping_ = false;
  if (options_.registries.empty()) {
    for (size_t i = 0; i < options_.workers; ++i) threads_.emplace_back([this, i] { workerLoop(i, {}); });
    return;
  }
  size_t index = 0;
  for (const std::string& registry : options_.registries) {
    const RegistryLimits limits = options_.limits.count(registry) ? options_.limits.at(registry) : RegistryLimits{};
    if (limits.ratePerSecond > 0 && !limiters_.count(registry))
      limiters_[registry] = std::make_unique<RateLimiter>(limits.ratePerSecond);
    const size_t n = limits.concurrency ? limits.concurrency : options_.workers;
    for (size_t i = 0; i < n; ++i, ++index)
      threads_.emplace_back([this, index, registry] { workerLoop(index, registry); });
  }
}

void Outbox::stop() {
  stopping_ = true;
  wake_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void Outbox::notify() { wake_.notify_all(); }

bool Outbox::drain(int64_t maxMillis) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(maxMillis);
  while (std::chrono::steady_clock::now() < until) {
    if (store_.backlog() == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return store_.backlog() == 0;
}

OutboxStats Outbox::stats() const {
  return {counters_.attempts.load(), counters_.accepted.load(), counters_.rejected.load(), counters_.retries.load(),
          counters_.dead.load(),     counters_.lostLeases.load(), counters_.recovered.load()};
}

uint64_t Outbox::consecutiveFailures(const std::string& registry) const {
  std::lock_guard lock(failuresMutex_);
  const auto it = failuresInARow_.find(registry);
  return it == failuresInARow_.end() ? 0 : it->second;
}

void Outbox::workerLoop(size_t index, const std::string& registry) {
  const std::string worker = options_.workerId + "/w" + std::to_string(index) + (registry.empty() ? "" : "-" + registry);
  RateLimiter* limiter = limiters_.count(registry) ? limiters_.at(registry).get() : nullptr;
  std::mt19937_64 rng(options_.seed ? options_.seed + index : std::random_device{}());
  std::map<std::string, std::unique_ptr<Deliverer>> deliverers;
  std::map<std::string, std::string> whyNot;  // registry → why it has no deliverer
  while (!stopping_) {
    try {
      const int64_t now = options_.clock();
      // One worker at a time does maintenance (cheap; safe if several do).
      int64_t last = lastMaintenance_.load();
      if (now - last >= options_.maintenanceMillis && lastMaintenance_.compare_exchange_strong(last, now)) {
        counters_.recovered += store_.recoverExpiredLeases(now);
        store_.foldCounts();  // PostgreSQL: keeps the counters' deltas few
        // Blocked messages cost nothing while they wait: they are looked at
        // when a message here ended rejected/dead, else (another process's
        // failure, a replay) every kFailCheckRounds-th round.
        if (failedSinceCheck_.exchange(false) || ++maintenanceRounds_ % kFailCheckRounds == 0)
          if (const size_t failed = store_.failBlockedDependents(now)) {
            counters_.dead += failed;
            log_.deadDependents(failed);
            failedSinceCheck_ = true;  // their own dependents, next round
          }
      }
      auto claimed = store_.claim(options_.claimBatch, worker, now, options_.leaseMillis, registry);
      if (claimed.empty()) {
        std::unique_lock lock(wakeMutex_);
        wake_.wait_for(lock, std::chrono::milliseconds(options_.pollMillis), [this] { return stopping_.load(); });
        continue;
      }
      std::vector<std::pair<store::ClaimedMessage, store::AttemptOutcome>> done;
      for (auto& c : claimed) {
        if (stopping_) break;  // the rest go back to pending below
        if (limiter && !limiter->acquire(stopping_)) break;
        auto& d = deliverers[c.message.registry];
        if (!d) {
          try {
            d = factory_(c.message.registry);
            if (!d) whyNot[c.message.registry] = "no deliverer for registry '" + c.message.registry + "'";
          } catch (const std::exception& e) {
            whyNot[c.message.registry] = "cannot make the deliverer for '" + c.message.registry + "': " + e.what();
          }
        }
        store::AttemptOutcome o = attempt(c, d.get(), d ? std::string() : whyNot[c.message.registry], rng);
        done.emplace_back(std::move(c), std::move(o));
      }
      // One transaction for the claimed batch's outcomes (a crash before it:
      // the leases expire and the messages go again with the same keys).
      record(done, worker);
    } catch (const std::exception&) {
      // A store failure (database restarting, disk full): back off and try
      // again; nothing is lost, claims expire and are recovered.
      std::unique_lock lock(wakeMutex_);
      wake_.wait_for(lock, std::chrono::milliseconds(options_.pollMillis * 4), [this] { return stopping_.load(); });
    }
  }
  try {
    store_.releaseClaims(worker, options_.clock());
  } catch (const std::exception&) {
    // The lease will expire and recovery returns them to pending.
  }
}

store::AttemptOutcome Outbox::attempt(const store::ClaimedMessage& c, Deliverer* deliverer,
                                     const std::string& whyNoDeliverer, std::mt19937_64& rng) {
  DeliveryResult r;
  if (!deliverer) {
    // A configuration problem: retried (it may be fixed and the service
    // restarted), dead after the last attempt with this reason.
    r = DeliveryResult::retry(0, whyNoDeliverer);
  } else {
    try {
      const StorePriorDeliveries prior(store_, options_.mirror);
      r = deliverer->deliver(c.message, DeliveryContext{c.attempt, c.sentBefore, &prior});
    } catch (const std::exception& e) {
      r = DeliveryResult::retry(0, std::string("deliverer failed: ") + e.what());
    }
  }
  ++counters_.attempts;
  store::AttemptOutcome o;
  o.httpStatus = r.httpStatus;
  o.registryId = r.registryId;
  o.detail = r.detail;
  const int64_t now = options_.clock();
  switch (r.outcome) {
    case DeliveryResult::Outcome::kAccepted:
      o.next = store::MessageState::kAccepted;
      break;
    case DeliveryResult::Outcome::kRejected:
      o.next = store::MessageState::kRejected;
      break;
    case DeliveryResult::Outcome::kRetry: {
      const RetryPolicy& p = options_.retry.forRegistry(c.message.registry);
      if (p.exhausted(c.attempt)) {
        o.next = store::MessageState::kDead;
        o.detail = "gave up after " + std::to_string(c.attempt) + " attempts; last: " + r.detail;
      } else {
        o.next = store::MessageState::kRetryWait;
        o.nextAt = now + p.delayFor(c.attempt, rng);
      }
      break;
    }
  }
  return o;
}

void Outbox::record(const std::vector<std::pair<store::ClaimedMessage, store::AttemptOutcome>>& done,
                    const std::string& worker) {
  if (done.empty()) return;
  std::vector<bool> recorded;
  store_.completeBatch(done, worker, options_.clock(), &recorded);
  bool anyAccepted = false;
  for (size_t i = 0; i < done.size(); ++i) {
    const store::MessageState next = done[i].second.next;
    if (!recorded[i]) {
      ++counters_.lostLeases;
      continue;
    }
    if (next == store::MessageState::kRejected || next == store::MessageState::kDead) failedSinceCheck_ = true;
    log_.outcome(done[i].first, done[i].second, options_.clock());
    {
      std::lock_guard lock(failuresMutex_);
      uint64_t& inARow = failuresInARow_[done[i].first.message.registry];
      const bool reached = next == store::MessageState::kAccepted || next == store::MessageState::kRejected;
      inARow = reached ? 0 : inARow + 1;
    }
    switch (next) {
      case store::MessageState::kAccepted: ++counters_.accepted; anyAccepted = true; break;
      case store::MessageState::kRejected: ++counters_.rejected; break;
      case store::MessageState::kRetryWait: ++counters_.retries; break;
      case store::MessageState::kDead: ++counters_.dead; break;
      default: break;
    }
  }
  // An accepted message may unblock its dependents: let idle workers look.
  if (anyAccepted) wake_.notify_all();
}

}  // namespace reghub::engine
