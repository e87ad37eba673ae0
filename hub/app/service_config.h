#pragma once
// The configuration every service command runs on, loaded once: the hub's
// settings (hub_config.h) and the adapters built from their sections of
// the same file. Does file I/O; throws config::ConfigError naming the key.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hub/app/hub_config.h"
#include "hub/config/config.h"
#include "hub/engine/adapter.h"

namespace reghub::app {

using Adapters = std::vector<std::shared_ptr<const engine::Adapter>>;

// The whole file judged the same way by every command: the hub's keys,
// every registered adapter's keys (each adapter built from its section),
// and no section nobody owns.
Adapters checkAndBuildAdapters(const config::Config& config);
// Every certificate the adapters hold (engine::Adapter::credentials()).
std::vector<engine::CredentialInfo> adapterCredentials(const Adapters& adapters);

struct ServiceConfig {
  HubConfig hub;
  Adapters adapters;
};
// --config FILE (may be empty) with command-line overrides (--store, --port
// as store.url, http.port).
ServiceConfig loadServiceConfig(const std::string& configPath, const std::map<std::string, std::string>& overrides);
// --config FILE and --store URL, common to the store commands.
ServiceConfig loadConfigFromArgs(const std::string& configPath, const std::string& storeUrl);

}  // namespace reghub::app
