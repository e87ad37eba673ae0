#include "hub/engine/retry_policy.h"

#include <stdexcept>

namespace reghub::engine {

int64_t RetryPolicy::capFor(int attempt) const {
  int64_t cap = baseDelayMillis;
  for (int i = 1; i < attempt && cap < maxDelayMillis; ++i) cap *= 2;  // no overflow: stops at the cap
  return std::min(cap, maxDelayMillis);
}

int64_t RetryPolicy::delayFor(int attempt, std::mt19937_64& rng) const {
  const int64_t cap = capFor(attempt);
  if (cap <= 0) return 0;
  return std::uniform_int_distribution<int64_t>(0, cap)(rng);
}

const std::vector<config::Key>& retryConfigKeys() {
  using config::intKey;
  using config::millisKey;
  static const std::vector<config::Key> keys = {
      intKey("outbox.retry.maxAttempts",
             "attempts before a message is dead (per registry: outbox.retry.<registry>.maxAttempts)")
          .withDefault(std::to_string(kDefaultMaxAttempts))
          .range(1),
      millisKey("outbox.retry.baseDelayMillis", "first backoff cap; doubles per attempt (full jitter)")
          .withDefault(std::to_string(kDefaultBaseDelayMillis)),
      millisKey("outbox.retry.maxDelayMillis", "largest backoff cap")
          .withDefault(std::to_string(kDefaultMaxDelayMillis)),
      intKey("outbox.retry.<registry>.maxAttempts", "that registry's outbox.retry.maxAttempts").range(1),
      millisKey("outbox.retry.<registry>.baseDelayMillis", "that registry's outbox.retry.baseDelayMillis"),
      millisKey("outbox.retry.<registry>.maxDelayMillis", "that registry's outbox.retry.maxDelayMillis"),
  };
  return keys;
}

namespace {

// The default policy (registry empty: the declared keys with their
// defaults) or one registry's, each key it does not set taken from `p`.
RetryPolicy read(const config::Config& c, const std::string& registry, RetryPolicy p) {
  const auto& keys = retryConfigKeys();
  const auto key = [&](size_t i) { return registry.empty() ? keys[i] : keys[3 + i].instantiate(registry); };
  const config::Key attempts = key(0), base = key(1), max = key(2);
  const auto value = [&](const config::Key& k, int64_t fallback) {
    return registry.empty() || c.isSet(k.name) ? c.getInt(k) : fallback;
  };
  p.maxAttempts = static_cast<int>(value(attempts, p.maxAttempts));
  p.baseDelayMillis = value(base, p.baseDelayMillis);
  p.maxDelayMillis = value(max, p.maxDelayMillis);
  if (p.maxDelayMillis < p.baseDelayMillis)
    throw c.error(base, base.name + " (" + std::to_string(p.baseDelayMillis) + ") must not be larger than " + max.name +
                            " (" + std::to_string(p.maxDelayMillis) + ")");
  return p;
}

}  // namespace

RetryPolicies RetryPolicies::fromConfig(const config::Config& config, const std::vector<std::string>& registries) {
  RetryPolicies out(read(config, "", RetryPolicy{}));
  for (const auto& r : registries)
    if (!config.keysUnder("outbox.retry." + r).empty()) out.set(r, read(config, r, out.default_));
  return out;
}

const RetryPolicy& RetryPolicies::forRegistry(const std::string& registry) const {
  const auto it = perRegistry_.find(registry);
  return it == perRegistry_.end() ? default_ : it->second;
}

}  // namespace reghub::engine
