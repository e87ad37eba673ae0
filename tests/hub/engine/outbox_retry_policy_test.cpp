// Retry timing belongs to the outbox: capped exponential backoff with full
// jitter, per registry, `dead` after the last attempt.
#include <gtest/gtest.h>

#include "hub/engine/retry_policy.h"

namespace reghub::engine {
namespace {

TEST(RetryPolicy, Backoff_CapDoublesPerAttemptUpToMax) {
  const RetryPolicy p{10, 1000, 10'000};
  EXPECT_EQ(p.capFor(1), 1000);
  EXPECT_EQ(p.capFor(2), 2000);
  EXPECT_EQ(p.capFor(4), 8000);
  EXPECT_EQ(p.capFor(5), 10'000);
  EXPECT_EQ(p.capFor(60), 10'000);  // no overflow at high attempts
}

TEST(RetryPolicy, FullJitter_DelayUniformWithinZeroAndCap) {
  const RetryPolicy p{10, 1000, 60'000};
  std::mt19937_64 rng(42);
  int64_t lo = INT64_MAX, hi = 0;
  for (int i = 0; i < 2000; ++i) {
    const int64_t d = p.delayFor(3, rng);
    ASSERT_GE(d, 0);
    ASSERT_LE(d, 4000);
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  EXPECT_LT(lo, 400);   // spread over the whole range, not a fixed delay
  EXPECT_GT(hi, 3600);
}

TEST(RetryPolicy, Exhausted_AfterMaxAttempts) {
  const RetryPolicy p{3, 10, 100};
  EXPECT_FALSE(p.exhausted(2));
  EXPECT_TRUE(p.exhausted(3));
}

TEST(RetryPolicies, Config_DefaultAndPerRegistryOverride) {
  const auto c = config::Config::fromMap({{"outbox.retry.maxAttempts", "5"},
                                          {"outbox.retry.ltt.maxAttempts", "20"},
                                          {"outbox.retry.ltt.maxDelayMillis", "3600000"}});
  const auto p = RetryPolicies::fromConfig(c, {"ltt", "smdb"});
  EXPECT_EQ(p.forRegistry("smdb").maxAttempts, 5);
  EXPECT_EQ(p.forRegistry("ltt").maxAttempts, 20);
  EXPECT_EQ(p.forRegistry("ltt").maxDelayMillis, 3'600'000);
  EXPECT_EQ(p.forRegistry("ltt").baseDelayMillis, RetryPolicy{}.baseDelayMillis);
}

TEST(RetryPolicies, Config_NonsenseIsAConfigError) {
  EXPECT_THROW(RetryPolicies::fromConfig(config::Config::fromMap({{"outbox.retry.maxAttempts", "0"}}), {}),
               config::ConfigError);
  EXPECT_THROW(RetryPolicies::fromConfig(config::Config::fromMap({{"outbox.retry.maxAttempts", "3"},
                                                                   {"outbox.retry.baseDelayMillis", "5000"},
                                                                   {"outbox.retry.maxDelayMillis", "10"}}),
                                         {}),
               config::ConfigError);
}

TEST(RetryPolicies, Config_DeclaredDefaultsAreTheEffectiveOnes) {
  const auto p = RetryPolicies::fromConfig(config::Config(), {"ltt"}).forRegistry("ltt");
  const auto& keys = retryConfigKeys();
  EXPECT_EQ(std::to_string(p.maxAttempts), keys[0].defaultValue);
  EXPECT_EQ(std::to_string(p.baseDelayMillis), keys[1].defaultValue);
  EXPECT_EQ(std::to_string(p.maxDelayMillis), keys[2].defaultValue);
  EXPECT_EQ(RetryPolicy{}.maxAttempts, p.maxAttempts);
  EXPECT_EQ(RetryPolicy{}.maxDelayMillis, p.maxDelayMillis);
}

}  // namespace
}  // namespace reghub::engine
