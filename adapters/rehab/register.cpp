// The § 140 adapter's factory: its keys (settings.h) and how it is built from
// them, once, at start-up. The last lines of the adapter (Envoy style).
#include "adapters/kl_gateway/setup_check.h"
#include "adapters/rehab/rehab_adapter.h"
#include "hub/engine/adapter_registry.h"

namespace {
const reghub::engine::AdapterRegistrar kRegistrar({
    "rehab",
    &reghub::rehab::settingKeys,
    [](const reghub::config::Config& config) -> std::unique_ptr<reghub::engine::Adapter> {
      return std::make_unique<reghub::rehab::RehabAdapter>(
          std::make_shared<const reghub::rehab::Settings>(reghub::rehab::Settings::fromConfig(config)));
    },
    // `reghub check rehab`: KOMBIT STS assertion and token exchange (adapters/kl_gateway/setup_check.h).
    [](const reghub::engine::Adapter& adapter, std::ostream& out) {
      const auto& a = static_cast<const reghub::rehab::RehabAdapter&>(adapter);
      return reghub::kl_gateway::checkGatewaySetup({"rehab", a.settings().delivery.endpoint, &a.settings().delivery.auth},
                                                   a.gatewayAccess(), out);
    },
});
}  // namespace
