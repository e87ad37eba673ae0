#pragma once
// Reads the facts health_report.h judges: the store (answers? its key opens
// the canary? the backlog), per registry its last accepted and oldest
// waiting message, and — when this process runs delivery workers — the
// attempts failed in a row. Shared by /health, /metrics and
// `reghub status --health`. Does I/O; never throws (a store failure is a
// failing store).
#include <string>
#include <vector>

#include "hub/api/health_report.h"
#include "hub/store/delivery_store.h"

namespace reghub::engine {
class Outbox;
}

namespace reghub::api {

struct HealthCheck {
  StoreFacts store;
  HealthReport report;
};

HealthCheck checkHealth(store::DeliveryStore& store, const std::vector<std::string>& registries,
                        const engine::Outbox* outbox, const std::vector<engine::CredentialInfo>& certificates,
                        const HealthThresholds& thresholds, int64_t nowMillis);

}  // namespace reghub::api
