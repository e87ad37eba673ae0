#include <set>

#include "hub/cli/hub_commands.h"
#include "hub/config/help.h"
#include "hub/engine/adapter_registry.h"

namespace reghub::cli {

Adapters checkAndBuildAdapters(const config::Config& config) {
  const auto names = engine::AdapterRegistry::registeredNames();
  api::checkHubKeys(config, names);
  std::set<std::string> known = api::hubSections();
  known.insert(names.begin(), names.end());
  config::rejectUnknownSections(config, known, "`reghub run --help` lists every key");
  Adapters out;
  for (auto& a : engine::AdapterRegistry::createAll(config)) out.push_back(std::move(a));
  return out;
}

ServiceConfig loadServiceConfig(const std::string& configPath, const std::map<std::string, std::string>& overrides) {
  const config::Config source = config::Config::load(configPath, overrides);
  ServiceConfig out;
  out.adapters = checkAndBuildAdapters(source);
  out.hub = api::loadHubConfig(source, engine::AdapterRegistry::registeredNames());
  return out;
}

ServiceConfig loadConfigFromArgs(const std::string& configPath, const std::string& storeUrl) {
  std::map<std::string, std::string> over;
  if (!storeUrl.empty()) over["store.url"] = storeUrl;
  return loadServiceConfig(configPath, over);
}

std::string configKeysHelp(bool withHub) {
  std::string out = "configuration keys (file via --config; secrets from the environment):\n";
  if (withHub) out += config::formatHelp(api::hubConfigKeys());
  for (const auto& name : engine::AdapterRegistry::registeredNames()) {
    out += "\nregistry " + name + " (keys " + name + ".*):\n";
    out += config::formatHelp(engine::AdapterRegistry::factory(name)->keys());
  }
  return out;
}

}  // namespace reghub::cli
