#include "hub/app/service_config.h"

#include <set>

#include "hub/engine/adapter_registry.h"

namespace reghub::app {

Adapters checkAndBuildAdapters(const config::Config& config) {
  const auto names = engine::AdapterRegistry::registeredNames();
  checkHubKeys(config, names);
  std::set<std::string> known = hubSections();
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
  out.hub = loadHubConfig(source, engine::AdapterRegistry::registeredNames());
  return out;
}

ServiceConfig loadConfigFromArgs(const std::string& configPath, const std::string& storeUrl) {
  std::map<std::string, std::string> over;
  if (!storeUrl.empty()) over["store.url"] = storeUrl;
  return loadServiceConfig(configPath, over);
}

std::vector<engine::CredentialInfo> adapterCredentials(const Adapters& adapters) {
  std::vector<engine::CredentialInfo> out;
  for (const auto& a : adapters)
    for (auto& c : a->credentials()) out.push_back(std::move(c));
  return out;
}

}  // namespace reghub::app
