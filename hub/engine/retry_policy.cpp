#include "hub/engine/retry_policy.h"

#include <Poco/Util/AbstractConfiguration.h>

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

namespace {

RetryPolicy read(const Poco::Util::AbstractConfiguration& c, const std::string& prefix, RetryPolicy p) {
  p.maxAttempts = c.getInt(prefix + "maxAttempts", p.maxAttempts);
  p.baseDelayMillis = c.getInt64(prefix + "baseDelayMillis", p.baseDelayMillis);
  p.maxDelayMillis = c.getInt64(prefix + "maxDelayMillis", p.maxDelayMillis);
  if (p.maxAttempts < 1) throw std::invalid_argument(prefix + "maxAttempts must be at least 1");
  if (p.baseDelayMillis < 0 || p.maxDelayMillis < p.baseDelayMillis)
    throw std::invalid_argument(prefix + "baseDelayMillis must be >= 0 and <= " + prefix + "maxDelayMillis");
  return p;
}

}  // namespace

RetryPolicies RetryPolicies::fromConfig(const Poco::Util::AbstractConfiguration& config,
                                        const std::vector<std::string>& registries) {
  RetryPolicies out(read(config, "outbox.retry.", RetryPolicy{}));
  for (const auto& r : registries)
    if (config.hasProperty("outbox.retry." + r + ".maxAttempts") ||
        config.hasProperty("outbox.retry." + r + ".baseDelayMillis") ||
        config.hasProperty("outbox.retry." + r + ".maxDelayMillis"))
      out.set(r, read(config, "outbox.retry." + r + ".", out.default_));
  return out;
}

const RetryPolicy& RetryPolicies::forRegistry(const std::string& registry) const {
  const auto it = perRegistry_.find(registry);
  return it == perRegistry_.end() ? default_ : it->second;
}

}  // namespace reghub::engine
