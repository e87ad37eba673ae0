// Per-registry health (hub/api/health_report.h): each threshold broken and
// kept, certificates counted against their registry, the store's failure
// failing the whole, the JSON and metrics an operator reads.
#include <gtest/gtest.h>

#include "hub/api/health_report.h"

namespace reghub::api {
namespace {

constexpr int64_t kNow = 1'800'000'000'000;
constexpr int64_t kHour = 3'600'000;

RegistryFacts registry(std::optional<uint64_t> failures = 0, std::optional<int64_t> waitingFor = std::nullopt) {
  RegistryFacts f;
  f.registry = "ltt";
  f.lastSuccess = kNow - kHour;
  f.consecutiveFailures = failures;
  if (waitingFor) f.oldestWaiting = kNow - *waitingFor;
  return f;
}

HealthReport judge(RegistryFacts f, std::vector<engine::CredentialInfo> certs = {}, StoreFacts store = {}) {
  return judgeHealth(store, {std::move(f)}, certs, HealthThresholds{}, kNow);
}

TEST(HealthReport, QuietRegistryIsOk) {
  const auto r = judge(registry());
  EXPECT_EQ(r.state, HealthState::kOk);
  EXPECT_EQ(httpStatus(r), 200);
  EXPECT_TRUE(r.reasons.empty());
}

TEST(HealthReport, FailuresInARow_DegradedFromThreeFailingFromTwenty) {
  EXPECT_EQ(judge(registry(2)).state, HealthState::kOk);
  const auto degraded = judge(registry(3));
  EXPECT_EQ(degraded.state, HealthState::kDegraded);
  EXPECT_EQ(httpStatus(degraded), 200);
  ASSERT_EQ(degraded.reasons.size(), 1u);
  EXPECT_EQ(degraded.reasons[0], "ltt: 3 delivery attempts in a row failed");
  const auto failing = judge(registry(20));
  EXPECT_EQ(failing.state, HealthState::kFailing);
  EXPECT_EQ(httpStatus(failing), 503);
  EXPECT_EQ(judge(registry(std::nullopt)).state, HealthState::kOk);  // no workers here: unknown, not failing
}

TEST(HealthReport, OldestWaiting_DegradedAfter25HoursFailingAfter72) {
  EXPECT_EQ(judge(registry(0, 24 * kHour)).state, HealthState::kOk);
  const auto degraded = judge(registry(0, 26 * kHour));
  EXPECT_EQ(degraded.state, HealthState::kDegraded);
  EXPECT_EQ(degraded.reasons.at(0), "ltt: the oldest waiting message waits for 26 h");
  EXPECT_EQ(judge(registry(0, 73 * kHour)).state, HealthState::kFailing);
}

TEST(HealthReport, ThresholdsAreSettings) {
  HealthThresholds t;
  t.failuresDegraded = 1;
  t.failuresFailing = 2;
  EXPECT_EQ(judgeHealth({}, {registry(1)}, {}, t, kNow).state, HealthState::kDegraded);
  EXPECT_EQ(judgeHealth({}, {registry(2)}, {}, t, kNow).state, HealthState::kFailing);
}

TEST(HealthReport, ARegistrysCertificateCountsForThatRegistry) {
  const engine::CredentialInfo expiring{"ltt.auth.certFile", "CN=x", kNow + 10 * 86'400'000LL};
  const engine::CredentialInfo expired{"ltt.auth.certFile", "CN=x", kNow - 86'400'000LL};
  const engine::CredentialInfo fine{"ltt.auth.certFile", "CN=x", kNow + 90 * 86'400'000LL};
  EXPECT_EQ(judge(registry(), {fine}).state, HealthState::kOk);
  const auto soon = judge(registry(), {expiring});
  EXPECT_EQ(soon.registries.at(0).second.state, HealthState::kDegraded);
  EXPECT_EQ(soon.reasons.at(0), "ltt: certificate ltt.auth.certFile ends within 30 days");
  const auto gone = judge(registry(), {expired});
  EXPECT_EQ(gone.state, HealthState::kFailing);
  EXPECT_EQ(httpStatus(gone), 503);
}

TEST(HealthReport, AFailingStoreFailsTheWhole) {
  const auto r = judge(registry(), {}, {HealthState::kFailing, "store key cannot open the store's data", 0});
  EXPECT_EQ(r.state, HealthState::kFailing);
  EXPECT_EQ(r.reasons.at(0), "store: store key cannot open the store's data");
}

TEST(HealthReport, JsonAndMetricsPerRegistry) {
  RegistryFacts never = registry(4, 2 * kHour);
  never.lastSuccess.reset();
  StoreFacts store{HealthState::kOk, "", 7};
  const auto r = judgeHealth(store, {never}, {}, HealthThresholds{}, kNow);
  const std::string json = healthJson(r, store, {}, kNow);
  EXPECT_NE(json.find(R"({"status":"degraded","reasons":["ltt: 4 delivery attempts in a row failed"],"backlog":7)"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("registry":"ltt","status":"degraded")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("lastSuccess":null,"oldestWaitingSeconds":7200,"consecutiveFailures":4)"), std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("certificates":[])"), std::string::npos) << json;
  const std::string m = healthMetrics(r, kNow);
  EXPECT_NE(m.find("reghub_registry_health{registry=\"ltt\"} 1"), std::string::npos) << m;
  EXPECT_NE(m.find("reghub_oldest_pending_age_seconds{registry=\"ltt\"} 7200"), std::string::npos) << m;
  EXPECT_NE(m.find("reghub_consecutive_failures{registry=\"ltt\"} 4"), std::string::npos) << m;
  EXPECT_EQ(m.find("reghub_last_success_timestamp_seconds{"), std::string::npos) << "never accepted: no sample";
  EXPECT_NE(healthText(r, kNow).find("ltt: degraded; last accepted never"), std::string::npos) << healthText(r, kNow);
}

}  // namespace
}  // namespace reghub::api
