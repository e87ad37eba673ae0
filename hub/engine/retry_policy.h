#pragma once
// When to try a message again (the outbox's job, not the adapter's): capped
// exponential backoff with full jitter — wait a uniformly random time in
// [0, min(cap, base · 2^(attempt-1))] — and `dead` after the last attempt.
// Value types; RetryPolicies is immutable after set-up and thread-safe to read.
#include <cstdint>
#include <map>
#include <random>
#include <string>

#include "hub/config/config.h"
#include "hub/engine/outbound_message.h"

namespace reghub::engine {

// The declared defaults (retryConfigKeys()) are these, so a policy built
// without configuration and one read from an empty file agree.
constexpr int kDefaultMaxAttempts = 10;
constexpr int64_t kDefaultBaseDelayMillis = 2'000;
constexpr int64_t kDefaultMaxDelayMillis = 15 * 60'000;

struct RetryPolicy {
  int maxAttempts = kDefaultMaxAttempts;
  int64_t baseDelayMillis = kDefaultBaseDelayMillis;
  int64_t maxDelayMillis = kDefaultMaxDelayMillis;

  // The upper bound of the wait after attempt `attempt` (1-based).
  int64_t capFor(int attempt) const;
  // Full jitter: uniform in [0, capFor(attempt)].
  int64_t delayFor(int attempt, std::mt19937_64& rng) const;
  bool exhausted(int attempt) const { return attempt >= maxAttempts; }
};

// The keys, declared once (deploy/reghub.properties.example, --help):
//   outbox.retry.maxAttempts / baseDelayMillis / maxDelayMillis   (default)
//   outbox.retry.<registry>.maxAttempts / …                       (override)
const std::vector<config::Key>& retryConfigKeys();

// Per registry, with a default.
class RetryPolicies {
 public:
  RetryPolicies() = default;
  explicit RetryPolicies(RetryPolicy fallback) : default_(fallback) {}
  // Throws config::ConfigError on a bad value (not a number, maxAttempts < 1,
  // baseDelayMillis > maxDelayMillis), naming the key.
  static RetryPolicies fromConfig(const config::Config& config, const std::vector<std::string>& registries);
  void set(const std::string& registry, RetryPolicy policy) { perRegistry_[registry] = policy; }
  const RetryPolicy& forRegistry(const std::string& registry) const;

 private:
  RetryPolicy default_;
  std::map<std::string, RetryPolicy, std::less<>> perRegistry_;
};

}  // namespace reghub::engine
