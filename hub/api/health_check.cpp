#include "hub/api/health_check.h"

#include "hub/engine/outbox.h"

namespace reghub::api {

HealthCheck checkHealth(store::DeliveryStore& store, const std::vector<std::string>& registries,
                        const engine::Outbox* outbox, const std::vector<engine::CredentialInfo>& certificates,
                        const HealthThresholds& thresholds, int64_t now) {
  HealthCheck out;
  std::vector<RegistryFacts> facts;
  try {
    store.checkKeys();
    out.store.backlog = store.backlog();
    for (const std::string& r : registries) {
      RegistryFacts f;
      f.registry = r;
      f.lastSuccess = store.lastAccepted(r);
      f.oldestWaiting = store.oldestWaiting(r);
      if (outbox) f.consecutiveFailures = outbox->consecutiveFailures(r);
      facts.push_back(std::move(f));
    }
  } catch (const store::KeyError&) {
    out.store = {HealthState::kFailing, "store key cannot open the store's data", 0};
  } catch (const std::exception&) {
    out.store = {HealthState::kFailing, "store unavailable", 0};
  }
  if (out.store.state != HealthState::kOk)  // nothing read: the registries' facts are unknown
    for (const std::string& r : registries) facts.push_back({r, std::nullopt, std::nullopt, std::nullopt, {}});
  out.report = judgeHealth(out.store, std::move(facts), certificates, thresholds, now);
  return out;
}

}  // namespace reghub::api
