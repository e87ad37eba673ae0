// The LTT adapter's factory: its keys (settings.h) and how it is built from
// them, once, at start-up. The last lines of the adapter (Envoy style).
#include "adapters/kl_gateway/setup_check.h"
#include "adapters/ltt/ltt_adapter.h"
#include "hub/engine/adapter_registry.h"

namespace {
const reghub::engine::AdapterRegistrar kRegistrar({
    "ltt",
    &reghub::ltt::settingKeys,
    [](const reghub::config::Config& config) -> std::unique_ptr<reghub::engine::Adapter> {
      return std::make_unique<reghub::ltt::LttAdapter>(
          std::make_shared<const reghub::ltt::Settings>(reghub::ltt::Settings::fromConfig(config)));
    },
    // `reghub check ltt`: KOMBIT STS assertion and token exchange (adapters/kl_gateway/setup_check.h).
    [](const reghub::engine::Adapter& adapter, std::ostream& out) {
      const auto& ltt = static_cast<const reghub::ltt::LttAdapter&>(adapter);
      return reghub::kl_gateway::checkGatewaySetup({"ltt", ltt.settings().endpoint, &ltt.settings().auth},
                                                   ltt.gatewayAccess(), out);
    },
});
}  // namespace
