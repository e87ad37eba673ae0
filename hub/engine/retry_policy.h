#pragma once
// When to try a message again (the outbox's job, not the adapter's): capped
// exponential backoff with full jitter — wait a uniformly random time in
// [0, min(cap, base · 2^(attempt-1))] — and `dead` after the last attempt.
// Value types; RetryPolicies is immutable after set-up and thread-safe to read.
#include <cstdint>
#include <map>
#include <random>
#include <string>

#include "hub/engine/outbound_message.h"

namespace Poco::Util {
class AbstractConfiguration;
}

namespace reghub::engine {

struct RetryPolicy {
  int maxAttempts = 10;
  int64_t baseDelayMillis = 2'000;
  int64_t maxDelayMillis = 15 * 60'000;

  // The upper bound of the wait after attempt `attempt` (1-based).
  int64_t capFor(int attempt) const;
  // Full jitter: uniform in [0, capFor(attempt)].
  int64_t delayFor(int attempt, std::mt19937_64& rng) const;
  bool exhausted(int attempt) const { return attempt >= maxAttempts; }
};

// Per registry, with a default. Config keys (deploy/reghub.properties.example):
//   outbox.retry.maxAttempts / baseDelayMillis / maxDelayMillis   (default)
//   outbox.retry.<registry>.maxAttempts / …                       (override)
class RetryPolicies {
 public:
  RetryPolicies() = default;
  explicit RetryPolicies(RetryPolicy fallback) : default_(fallback) {}
  // Throws std::invalid_argument on nonsense values (config error).
  static RetryPolicies fromConfig(const Poco::Util::AbstractConfiguration& config,
                                  const std::vector<std::string>& registries);
  void set(const std::string& registry, RetryPolicy policy) { perRegistry_[registry] = policy; }
  const RetryPolicy& forRegistry(const std::string& registry) const;

 private:
  RetryPolicy default_;
  std::map<std::string, RetryPolicy, std::less<>> perRegistry_;
};

}  // namespace reghub::engine
