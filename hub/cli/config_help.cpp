#include "hub/cli/hub_commands.h"
#include "hub/config/help.h"
#include "hub/engine/adapter_registry.h"

namespace reghub::cli {

std::string configKeysHelp(bool withHub) {
  std::string out = "configuration keys (file via --config; secrets from the environment):\n";
  if (withHub) out += config::formatHelp(app::hubConfigKeys());
  for (const auto& name : engine::AdapterRegistry::registeredNames()) {
    out += "\nregistry " + name + " (keys " + name + ".*):\n";
    out += config::formatHelp(engine::AdapterRegistry::factory(name)->keys());
  }
  return out;
}

}  // namespace reghub::cli
