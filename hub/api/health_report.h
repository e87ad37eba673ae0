#pragma once
// The truth about the hub's health (issue 13 "A health check that tells the
// truth"), per part: the store (it answers, its key opens its data) and each
// registry — its last accepted message, attempts failed in a row, how long
// its oldest message waits, its certificates' expiry. Each part, and the
// whole, is `ok`, `degraded` (look at it soon) or `failing` (something has
// stopped); /health answers 503 only when failing.
//   degraded: failures in a row ≥ health.failuresDegraded, the oldest waiting
//             message older than health.waitingDegradedMinutes, a certificate
//             within 30 days of its end;
//   failing:  failures ≥ health.failuresFailing, waiting over
//             health.waitingFailingMinutes, a certificate expired, the store
//             unavailable or its key wrong.
// Pure judgement and formatting over facts read elsewhere; thread-safe.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hub/engine/credential_info.h"

namespace reghub::api {

enum class HealthState { kOk, kDegraded, kFailing };
const char* toString(HealthState state);

struct HealthThresholds {
  uint64_t failuresDegraded = 3, failuresFailing = 20;
  int64_t waitingDegradedMillis = 25 * 3'600'000LL;  // a day's schedule plus an hour
  int64_t waitingFailingMillis = 72 * 3'600'000LL;
};

struct RegistryFacts {
  std::string registry;
  std::optional<int64_t> lastSuccess;             // when it last accepted a message
  std::optional<int64_t> oldestWaiting;           // since when the oldest message waits
  std::optional<uint64_t> consecutiveFailures;    // nullopt: no delivery workers in this process
  std::vector<engine::CredentialInfo> certificates;
};

struct StoreFacts {
  HealthState state = HealthState::kOk;
  std::string problem;  // why it is not ok
  int64_t backlog = 0;
};

struct PartHealth {
  HealthState state = HealthState::kOk;
  std::vector<std::string> reasons;
};

struct HealthReport {
  HealthState state = HealthState::kOk;
  std::vector<std::string> reasons;  // "<part>: why", worst first
  PartHealth store;
  std::vector<std::pair<RegistryFacts, PartHealth>> registries;
  std::vector<engine::CredentialInfo> otherCertificates;  // not under a registry's settings
};

// Certificates are a registry's when their setting is under "<registry>.".
HealthReport judgeHealth(const StoreFacts& store, std::vector<RegistryFacts> registries,
                         const std::vector<engine::CredentialInfo>& certificates, const HealthThresholds& thresholds,
                         int64_t nowMillis);
int httpStatus(const HealthReport& report);  // 503 when failing, else 200

// {"status":…,"reasons":[…],"backlog":N,"store":{…},"registries":[…],"certificates":[…]}
std::string healthJson(const HealthReport& report, const StoreFacts& store,
                       const std::vector<engine::CredentialInfo>& certificates, int64_t nowMillis);
std::string healthText(const HealthReport& report, int64_t nowMillis);
// reghub_registry_health, reghub_oldest_pending_age_seconds, reghub_last_success_timestamp_seconds,
// reghub_consecutive_failures (per registry).
std::string healthMetrics(const HealthReport& report, int64_t nowMillis);

}  // namespace reghub::api
